"""``tensorflow.python.ops.control_flow_ops``: names resolve to the public neuroflow namespace."""
from .._alias import lookup


def __getattr__(name):
    return lookup(name)
