"""Weight initial values for the Keras layers, through ``neuroflow.initializers``.

Layers resolve identifiers ('glorot_uniform', config dicts, objects) with ``get`` and store them
with ``serialize``; ``initial_value`` draws the array a weight starts from, at once, whatever the
process mode (seeded by ``tf.random.set_seed`` like every other random op).
"""
import numpy as np


def _public():
    from .. import initializers
    return initializers


def get(identifier):
    """An initializer object from a name, a config dict, an instance or a callable."""
    return None if identifier is None else _public().get(identifier)


def serialize(init):
    if init is None:
        return None
    pub = _public()
    if hasattr(init, "get_config"):
        return pub.serialize(init)
    return getattr(init, "__name__", repr(init))


def initial_value(init, shape, dtype):
    """A NumPy array of ``shape`` from ``init`` (called as init(shape, dtype))."""
    try:
        v = init(tuple(shape), dtype=dtype)
    except TypeError:
        v = init(tuple(shape))
    if not isinstance(v, np.ndarray):
        v = v.numpy() if hasattr(v, "numpy") else np.asarray(v)
    return np.array(v, dtype=dtype, copy=True).reshape(tuple(shape))
