"""CIFAR-10: 32x32 colour images of 10 classes."""
import lzma
import os

import numpy as np

from ._common import datasets_dir, keras_cache, npz_splits, offline_error


def _records(path, n):
    """Images and labels from ``n`` binary CIFAR records (decompressed once into the cache)."""
    from ...loaders import data_home
    cache = os.path.join(data_home(), "cifar10", os.path.basename(path)[:-3])
    if not (os.path.exists(cache) and os.path.getsize(cache) == n * 3073):
        with lzma.open(path, "rb") as f:
            raw = f.read()
        try:
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            tmp = cache + ".tmp%d" % os.getpid()
            with open(tmp, "wb") as f:
                f.write(raw)
            os.replace(tmp, cache)
        except OSError:
            pass   # a read-only home: decompress again next time
        rec = np.frombuffer(raw, dtype=np.uint8).reshape(n, 3073)
    else:
        rec = np.fromfile(cache, dtype=np.uint8).reshape(n, 3073)
    y = rec[:, :1].copy()
    x = rec[:, 1:].reshape(n, 3, 32, 32).transpose(0, 2, 3, 1).copy()
    return x, y


def load_data():
    """``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 32, 32, 3), labels (N, 1).

    From ``$NEUROFLOW_DATASETS/cifar10`` (binary records, xz-compressed; decompressed once into
    neuroflow's cache, ``~/.neuroflow/datasets/cifar10``): all 50,000 training and
    10,000 test images, in a fixed order that is not the official batch order.
    """
    p = keras_cache("cifar10.npz")
    if p is not None:
        return npz_splits(p)
    folder = datasets_dir("cifar10")
    if folder is None:
        raise offline_error("CIFAR-10", "cifar-10-batches-py")
    train = _records(os.path.join(folder, "train_50000.bin.xz"), 50000)
    test = _records(os.path.join(folder, "test_10000.bin.xz"), 10000)
    return train, test
