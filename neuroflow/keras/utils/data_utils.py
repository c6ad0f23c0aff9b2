"""``Sequence``: a dataset of batches by index, safe to iterate epoch after epoch."""
import os


class Sequence:
    """Base class for batch datasets: implement ``__getitem__(index)`` and ``__len__()``.

    Example:
      >>> class Batches(keras.utils.Sequence):
      ...     def __len__(self): return 10
      ...     def __getitem__(self, i): return x[i * 32:(i + 1) * 32], y[i * 32:(i + 1) * 32]
    """

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False, archive_format="auto",
             cache_dir=None):
    """The path of ``fname`` in the Keras cache (``~/.keras/datasets``) if it is there.

    neuroflow does not download: a missing file raises an error saying where to put it.
    """
    home = os.path.join(os.path.expanduser("~"), ".keras")
    base = cache_dir or os.environ.get("KERAS_HOME") or home
    path = os.path.join(base, cache_subdir, fname or os.path.basename(origin or ""))
    if os.path.exists(path):
        return path
    raise FileNotFoundError(f"{path} is not in the Keras cache and neuroflow does not download "
                            f"files. Copy it there (origin: {origin}).")
