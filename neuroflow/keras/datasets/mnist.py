"""MNIST digits: ``(x_train, y_train), (x_test, y_test) = mnist.load_data()``."""
from ._common import from_loaders, keras_cache, npz_splits


def load_data(path="mnist.npz"):
    """60,000 training and 10,000 test images, 28x28 uint8, labels 0-9 (uint8).

    Read from Keras's cache file when present, else from neuroflow's MNIST loader.
    """
    p = keras_cache(path)
    if p is not None:
        return npz_splits(p)
    return from_loaders("load_mnist")
