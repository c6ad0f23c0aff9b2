"""Build-time knowledge about tensors: constant values and partially known shape vectors.

Shared by the array op modules: an op that takes a shape, axis or size argument uses these to
build a static op when the argument is known and to infer static dims when it is only partly known.
"""
from ..core.backend import to_numpy
from ..core.shape import Dimension, TensorShape
from ._base import Tensor, convert_to_tensor, dims, np


def _const(t):
    """A tensor's value known at build time (eager value or Const), on the host; else None."""
    v = t._value
    if v is None and t.op.type == "Const":
        v = t.op.value
    return None if v is None else to_numpy(v)


def _static_ints(v, what="shape"):
    """A Python int list from a list/tuple/array/TensorShape/constant tensor; None if symbolic."""
    if isinstance(v, TensorShape):
        d = v.as_tuple()
        if d is None or None in d:
            raise ValueError(f"Cannot convert a partially known TensorShape {v} to a Tensor.")
        return list(d)
    if isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
        v = _const(convert_to_tensor(v))
        if v is None:
            return None
    if isinstance(v, (np.ndarray, np.generic)):
        return [int(a) for a in np.asarray(v).reshape(-1)]
    if isinstance(v, (list, tuple)):  # nested lists (paddings) are flattened
        out = []
        for a in v:
            if isinstance(a, Tensor) or hasattr(a, "_as_tensor"):
                a = _const(convert_to_tensor(a))
                if a is None:
                    return None
            if isinstance(a, (list, tuple, np.ndarray)):
                sub = _static_ints(a, what)
                if sub is None:
                    return None
                out.extend(sub)
                continue
            if isinstance(a, Dimension):
                a = a.value
            out.append(None if a is None else int(a))
        return out
    if isinstance(v, Dimension):
        v = v.value
    return [int(v)]


def _int_arg(v, what):
    """One Python int from an int, Dimension or constant scalar tensor."""
    s = _static_ints(v, what)
    if s is None or len(s) != 1 or s[0] is None:
        raise NotImplementedError(f"A symbolic (fed) `{what}` is not supported by neuroflow yet; "
                                  f"pass a Python int for `{what}`.")
    return s[0]


class _SymDim:
    """An unknown dim read from ``tf.shape(x)[i]``: the same size as dim i of x."""
    __slots__ = ("x", "axis")

    def __init__(self, x, axis):
        self.x, self.axis = x, axis


def _partial_shape(t):
    """What a shape tensor is known to hold at build time: list of int / None / _SymDim, or None.

    Follows TF's constant_value_as_shape through Const, Shape, Pack (tf.stack of scalars),
    ConcatV2 and slices of a Shape, so ``tf.reshape(x, [tf.shape(x)[0], -1])`` keeps static dims.
    """
    v = _const(t)
    if v is not None:
        return [int(a) for a in np.asarray(v).reshape(-1)]
    op = t.op
    if op.type == "Shape":
        x = op.inputs[0]
        d = dims(x)
        if d is None:
            return None
        return [s if s is not None else _SymDim(x, i) for i, s in enumerate(d)]
    if op.type == "Pack" and op.axis == 0 and all(dims(x) == () for x in op.inputs):
        return [_scalar_dim(x) for x in op.inputs]
    if op.type == "ConcatV2":
        parts = [_partial_shape(x) for x in op.inputs]
        return None if any(p is None for p in parts) else [e for p in parts for e in p]
    if _slice_of_shape(op):
        k = op.key[0] if len(op.key) == 2 and op.key[1] is Ellipsis else None
        s = _partial_shape(op.inputs[0])
        if isinstance(k, slice) and s is not None:
            return s[k]
    d = dims(t)
    if d is not None and len(d) == 1 and d[0] is not None:
        return [None] * d[0]
    return None


def _scalar_dim(x):
    v = _const(x)
    if v is not None:
        return int(v) if np.ndim(v) == 0 else None
    op = x.op
    if _slice_of_shape(op):
        k = op.key[0] if len(op.key) == 2 and op.key[1] is Ellipsis else None
        s = _partial_shape(op.inputs[0])
        if isinstance(k, int) and s is not None and -len(s) <= k < len(s):
            return s[k]
    return None


def _slice_of_shape(op):
    """A static one-axis slice (``tf.shape(x)[i]``, ``tf.shape(x)[1:]``) of a Shape op."""
    return (op.type == "StridedSlice" and len(op.inputs) == 1 and hasattr(op, "key")
            and op.inputs[0].op.type == "Shape")


def _dims_of(entries):
    """Static dims from partial-shape entries (negative and symbolic entries are unknown)."""
    if entries is None:
        return None
    return tuple(e if isinstance(e, int) and e >= 0 else None for e in entries)


def _ls(d):
    return "<unknown>" if d is None else "[%s]" % ",".join("?" if v is None else str(v) for v in d)


def _prod(s):
    n = 1
    for v in s:
        n *= v
    return n
