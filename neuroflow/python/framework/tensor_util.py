"""``tensorflow.python.framework.tensor_util``."""
import numpy as np


def constant_value(tensor, partial=False):
    """The value of a tensor known at graph-building time, else None."""
    if isinstance(tensor, (int, float, np.ndarray, np.generic)):
        return np.asarray(tensor)
    op = getattr(tensor, "op", None)
    if op is not None and getattr(op, "type", None) == "Const":
        return op.value
    v = getattr(tensor, "_value", None)
    return None if v is None or (op is not None and op.stateful) else v


def is_tensor(x):
    return hasattr(x, "op") and hasattr(x, "dtype")
