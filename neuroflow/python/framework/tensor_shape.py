"""``tensorflow.python.framework.tensor_shape``."""
from ...core.shape import Dimension, TensorShape, as_shape, unknown_shape  # noqa: F401


def scalar():
    return TensorShape([])


def vector(length):
    return TensorShape([length])


def matrix(rows, cols):
    return TensorShape([rows, cols])
