"""Comparisons, logic and select: equal ... greater_equal, logical_*, where/where_v2 (``tf.*``).

Comparisons return bool tensors and have no gradient; ``where`` passes the gradient to the branch
each element was taken from. Re-exported from ``math_ops`` (and so from the top level).
"""
from ._base import Operation, binary_inputs, check_same_dtype, convert_to_tensor, dims, dtypes, \
    get_array_module, sum_to_like
from .math_ops import _Binary, _raise_incompatible, _zeros_like
from .unary_ops import _unary


class _Compare(_Binary):
    differentiable = False
    fn = None

    def forward(self, x0, x1):
        return getattr(get_array_module(x0), self.fn)(x0, x1)

    def infer(self, x0, x1):
        return [(Operation.infer(self, x0, x1)[0][0], dtypes.bool_)]


class _Logical(_Compare):
    def __call__(self, x, y, name=None):
        x, y = binary_inputs(x, y)
        for t, arg in ((x, "x"), (y, "y")):
            if t.dtype is not dtypes.bool_:
                raise TypeError(f"Input '{arg}' of '{self.type}' Op has type {t.dtype.name} that "
                                "does not match expected type of bool.")
        return _Binary.__call__(self, x, y, name)


def _compare(cls_name, fn, base=_Compare):
    return type(cls_name, (base,), {"type": cls_name, "fn": fn})


Equal = _compare("Equal", "equal")
NotEqual = _compare("NotEqual", "not_equal")
Less = _compare("Less", "less")
LessEqual = _compare("LessEqual", "less_equal")
Greater = _compare("Greater", "greater")
GreaterEqual = _compare("GreaterEqual", "greater_equal")
LogicalAnd = _compare("LogicalAnd", "logical_and", _Logical)
LogicalOr = _compare("LogicalOr", "logical_or", _Logical)
LogicalXor = _compare("LogicalXor", "logical_xor", _Logical)
LogicalNot = _unary("LogicalNot", lambda xp, x: xp.logical_not(x), None, float_only=False)


def equal(x, y, name=None):
    """x == y elementwise, as a bool tensor (``tf.equal``)."""
    return Equal()(x, y, name=name or "Equal")


def not_equal(x, y, name=None):
    """x != y elementwise, as a bool tensor (``tf.not_equal``)."""
    return NotEqual()(x, y, name=name or "NotEqual")


def less(x, y, name=None):
    """x < y elementwise, as a bool tensor (``tf.less``)."""
    return Less()(x, y, name=name or "Less")


def less_equal(x, y, name=None):
    """x <= y elementwise, as a bool tensor (``tf.less_equal``)."""
    return LessEqual()(x, y, name=name or "LessEqual")


def greater(x, y, name=None):
    """x > y elementwise, as a bool tensor (``tf.greater``)."""
    return Greater()(x, y, name=name or "Greater")


def greater_equal(x, y, name=None):
    """x >= y elementwise, as a bool tensor (``tf.greater_equal``)."""
    return GreaterEqual()(x, y, name=name or "GreaterEqual")


def logical_and(x, y, name=None):
    """x AND y for bool tensors, with broadcasting (``tf.logical_and``)."""
    return LogicalAnd()(x, y, name=name or "LogicalAnd")


def logical_or(x, y, name=None):
    """x OR y for bool tensors, with broadcasting (``tf.logical_or``)."""
    return LogicalOr()(x, y, name=name or "LogicalOr")


def logical_xor(x, y, name=None):
    """x XOR y for bool tensors, with broadcasting (``tf.logical_xor``)."""
    return LogicalXor()(x, y, name=name or "LogicalXor")


def logical_not(x, name=None):
    """NOT x for a bool tensor (``tf.logical_not``)."""
    x = convert_to_tensor(x)
    if x.dtype is not dtypes.bool_:
        raise TypeError(f"Input 'x' of 'LogicalNot' Op has type {x.dtype.name} that does not match "
                        "expected type of bool.")
    return LogicalNot()(x, name=name or "LogicalNot")


class Select(Operation):
    """where(cond, x, y) elementwise with broadcasting."""
    type = "SelectV2"

    def forward(self, c, x, y):
        return get_array_module(x).where(c, x, y)

    def infer(self, c, x, y):
        return [(Operation.infer(self, c, x, y)[0][0], x.dtype)]

    def backward(self, gy):
        c, x, y = self.inputs
        z = _zeros_like(gy)
        return None, sum_to_like(where_v2(c, gy, z), x), sum_to_like(where_v2(c, z, gy), y)


def where_v2(condition, x=None, y=None, name=None):
    """Elementwise select with broadcasting (``tf.where`` in TF2); one argument: true indices."""
    if x is None and y is None:
        from .array_ops import where_indices
        return where_indices(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    c = convert_to_tensor(condition, dtype=dtypes.bool_)
    x, y = binary_inputs(x, y)
    check_same_dtype("SelectV2", x, y, "t", "e")
    try:
        return Select()._build((c, x, y), name or "SelectV2")
    except ValueError:
        _raise_incompatible("SelectV2", c, x, y)
        raise


def where(condition, x=None, y=None, name=None):
    """Elementwise select (TF1 ``tf.where``); one argument: the coordinates of true elements.

    As TF1, a vector ``condition`` picks whole rows of higher-rank ``x`` and ``y``; otherwise the
    three broadcast together.

    Example:
      >>> tf.where([True, False], [1.0, 2.0], [3.0, 4.0]).numpy()
      array([1., 4.], dtype=float32)
    """
    if x is not None and y is not None:
        condition = convert_to_tensor(condition, dtype=dtypes.bool_)
        x, y = binary_inputs(x, y)
        dc, dx = dims(condition), dims(x)
        if dc is not None and dx is not None and len(dc) == 1 and len(dx) > 1:
            from .array_ops import reshape
            condition = reshape(condition, [-1] + [1] * (len(dx) - 1))
    return where_v2(condition, x, y, name=name or "Select")


select = where
select_v2 = where_v2


__all__ = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
           "logical_or", "logical_xor", "logical_not", "where", "where_v2", "select", "select_v2"]
