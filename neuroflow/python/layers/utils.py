"""``tensorflow.python.layers.utils``."""


def smart_cond(pred, true_fn=None, false_fn=None, name=None):
    """Calls one branch when ``pred`` is a Python bool or concrete, else builds tf.cond."""
    from ...ops.control_flow_ops import cond
    return cond(pred, true_fn, false_fn, name=name)


def constant_value(pred):
    v = getattr(pred, "_value", pred)
    return None if v is None else bool(v)
