"""IMDB (not available offline in neuroflow)."""
from ._common import offline_error


def load_data(*args, **kwargs):
    """Raises: neuroflow has no offline copy of IMDB and does not download it."""
    raise offline_error("IMDB", "imdb.npz")
