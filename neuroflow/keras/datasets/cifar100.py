"""CIFAR-100 (not available offline in neuroflow)."""
from ._common import offline_error


def load_data(*args, **kwargs):
    """Raises: neuroflow has no offline copy of CIFAR-100 and does not download it."""
    raise offline_error("CIFAR-100", "cifar-100-python")
