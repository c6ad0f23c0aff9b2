"""``tensorflow.python.ops.variable_scope``: names resolve to the public neuroflow namespace."""
from .._alias import lookup


def __getattr__(name):
    return lookup(name)
