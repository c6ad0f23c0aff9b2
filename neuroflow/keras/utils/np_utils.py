"""``to_categorical`` and ``normalize`` (``keras.utils.np_utils``)."""
import numpy as np


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot rows from class indices.

    Example:
      >>> keras.utils.to_categorical([0, 2], num_classes=3)
      array([[1., 0., 0.],
             [0., 0., 1.]], dtype=float32)
    """
    y = np.array(y, dtype="int")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = tuple(shape[:-1])
    y = y.ravel()
    if not num_classes:
        num_classes = int(np.max(y)) + 1
    n = y.shape[0]
    out = np.zeros((n, num_classes), dtype=dtype)
    out[np.arange(n), y] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """x divided by its L``order`` norm along ``axis`` (zero rows stay zero)."""
    x = np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
