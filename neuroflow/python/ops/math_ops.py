"""``tensorflow.python.ops.math_ops``: names resolve to the public neuroflow namespace."""
from .._alias import lookup


def __getattr__(name):
    return lookup(name)
