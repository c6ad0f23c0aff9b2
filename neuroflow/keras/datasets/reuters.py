"""Reuters (not available offline in neuroflow)."""
from ._common import offline_error


def load_data(*args, **kwargs):
    """Raises: neuroflow has no offline copy of Reuters and does not download it."""
    raise offline_error("Reuters", "reuters.npz")
