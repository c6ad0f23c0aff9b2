"""Shape ops: shape/size/rank, identity, reshape, squeeze, expand_dims, transpose (``tf.*``).

The other array ops live in sibling modules (fill_ops, join_ops, slice_ops, manip_ops); this
module re-exports them all, so ``from .array_ops import X`` and the top-level star import work.
"""
import builtins

from ._base import (Operation, convert_to_tensor, dims, dtypes, get_array_module, np,
                    resolve_axis)
from ._static import _SymDim, _int_arg, _ls, _partial_shape, _prod, _static_ints


# ==================================================================== shape queries
class Shape(Operation):
    type = "Shape"
    differentiable = False

    def __init__(self, out_type):
        self.out_type = out_type

    def forward(self, x):
        return np.array(x.shape, dtype=self.out_type._np)

    def infer(self, x):
        d = dims(x)
        return [((None,) if d is None else (len(d),), self.out_type)]


def shape(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The dynamic shape of a tensor as an int32 vector (``tf.shape``).

    Example:
      >>> tf.shape(tf.zeros([2, 3])).numpy()
      array([2, 3], dtype=int32)
    """
    return Shape(dtypes.as_dtype(out_type))._build((convert_to_tensor(input),), name or "Shape")


class Size(Operation):
    type = "Size"
    differentiable = False

    def __init__(self, out_type):
        self.out_type = out_type

    def forward(self, x):
        return np.array(x.size, dtype=self.out_type._np)

    def infer(self, x):
        return [((), self.out_type)]


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002
    """The number of elements of a tensor (``tf.size``)."""
    return Size(dtypes.as_dtype(out_type))._build((convert_to_tensor(input),), name or "Size")


class Rank(Operation):
    type = "Rank"
    differentiable = False

    def forward(self, x):
        return np.array(x.ndim, dtype=np.int32)

    def infer(self, x):
        return [((), dtypes.int32)]


def rank(input, name=None):  # noqa: A002
    """The number of dimensions of a tensor, as a scalar int32 tensor (``tf.rank``)."""
    return Rank()._build((convert_to_tensor(input),), name or "Rank")


# ==================================================================== identity, stop_gradient
class Identity(Operation):
    type = "Identity"

    def forward(self, x):
        return x

    def backward(self, gy):
        return gy


def identity(input, name=None):  # noqa: A002
    """The same value as a new tensor (``tf.identity``)."""
    return Identity()._build((convert_to_tensor(input),), name or "Identity")


class StopGradient(Operation):
    type = "StopGradient"
    differentiable = False

    def forward(self, x):
        return x


def stop_gradient(input, name=None):  # noqa: A002
    """Passes the value through and blocks its gradient (``tf.stop_gradient``)."""
    return StopGradient()._build((convert_to_tensor(input),), name or "StopGradient")


# ==================================================================== reshape family
def _reshape_dims(op, x, entries):
    """Static output dims of reshape(x, entries), checking sizes where they are known."""
    d = dims(x)
    out = [e if isinstance(e, int) and e >= 0 else None for e in entries]
    req = [e for e in entries if isinstance(e, int) and e >= 0]
    detail = (f"for '{op._pending_name}' (op: 'Reshape') with input shapes: {_ls(d)}, "
              f"[{len(entries)}]")
    if -1 not in entries:
        if d is not None and None not in d and len(req) == len(entries) and _prod(d) != _prod(req):
            raise ValueError(f"Cannot reshape a tensor with {_prod(d)} elements to shape "
                             f"{_ls(out)} ({_prod(req)} elements) {detail}.")
        return tuple(out)
    if d is None:
        return tuple(out)
    # unknown input dims cancel against tf.shape(x)[i] entries for the same dims
    matched = {e.axis for e in entries if isinstance(e, _SymDim) and e.x is x and d[e.axis] is None}
    n_sym = sum(1 for e in entries if isinstance(e, _SymDim) and e.x is x and e.axis in matched)
    if any(v is None and i not in matched for i, v in enumerate(d)) or n_sym != len(matched) or \
            len(req) + n_sym + 1 != len(entries):
        return tuple(out)
    pin, pout = _prod(v for v in d if v is not None), _prod(req)
    if pout == 0:
        return tuple(out)
    if pin % pout:
        shown = "[%s]" % ",".join("-1" if e == -1 else "?" if o is None else str(o)
                                  for e, o in zip(entries, out))
        raise ValueError(f"Dimension size must be evenly divisible by {pout} but is {pin} {detail} "
                         f"and with input tensors computed as partial shapes: input[1] = {shown}.")
    out[entries.index(-1)] = pin // pout
    return tuple(out)


def _reshape_error(x, shape):
    shape = list(shape)
    if -1 in shape:
        known = _prod(s for s in shape if s != -1)
        return ValueError(f"Input to reshape is a tensor with {x.size} values, but the requested "
                          f"shape requires a multiple of {known}")
    return ValueError(f"Input to reshape is a tensor with {x.size} values, but the requested shape "
                      f"has {_prod(shape)}")


class Reshape(Operation):
    """x viewed with a static target shape (one entry may be -1)."""
    type = "Reshape"

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise _reshape_error(x, self.shape) from None

    def infer(self, x):
        return [(_reshape_dims(self, x, list(self.shape)), x.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0])


class DynReshape(Operation):
    """reshape(x, shape) with the shape computed at run time."""
    type = "Reshape"

    def forward(self, x, shape):
        s = shape.tolist()
        try:
            return x.reshape(s)
        except ValueError:
            raise _reshape_error(x, s) from None

    def infer(self, x, shape):
        entries = _partial_shape(shape)
        return [(None if entries is None else _reshape_dims(self, x, entries), x.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0]), None


class ReshapeLike(Operation):
    """x reshaped to like's shape (the gradient of shape-changing ops)."""
    type = "Reshape"

    def forward(self, x, like):
        return x.reshape(like.shape)

    def infer(self, x, like):
        return [(dims(like), x.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0]), None


def reshape_like(x, like):
    """x reshaped to like's shape; a static Reshape when that shape is known."""
    dx, dl = dims(x), dims(like)
    if dl is not None and None not in dl:
        if dx == dl:
            return x
        return Reshape(dl)._build((x,), "Reshape")
    return ReshapeLike()._build((x, like), "Reshape")


def reshape(tensor, shape, name=None):
    """Reshapes ``tensor`` to ``shape``; one entry may be -1 (``tf.reshape``).

    Example:
      >>> tf.reshape(tf.range(6), [-1, 3]).shape
      TensorShape([2, 3])
    """
    x = convert_to_tensor(tensor)
    s = _static_ints(shape, "shape")
    if s is None or None in s:
        s = convert_to_tensor(shape, dtype=dtypes.int32)
        return DynReshape()._build((x, s), name or "Reshape")
    if s.count(-1) > 1:
        raise ValueError(f"Cannot infer multiple unknown dimensions in shape {s}: only one input "
                         "size may be -1")
    if any(v < -1 for v in s):
        raise ValueError(f"Invalid value for argument `shape`: expected sizes >= -1. "
                         f"Received: shape={s}")
    return Reshape(s)._build((x,), name or "Reshape")


def reshape_like_kept(g, x, axis):
    """Re-inserts the reduced axes (size 1) into g so it broadcasts against x."""
    d = dims(x)
    if d is None:
        if axis is None:  # a full reduction: the scalar g broadcasts as it is
            return g
        ax = (axis,) if isinstance(axis, int) else tuple(axis)
        if any(a < 0 for a in ax):
            raise NotImplementedError("The gradient of a reduction over negative axes of a tensor "
                                      "of unknown rank is not supported by neuroflow yet.")
        return KeepDims(tuple(sorted(set(ax))))._build((g,), "Reshape")
    ax = set(resolve_axis(axis, len(d)))
    if None not in d:
        return reshape(g, [1 if i in ax else s for i, s in enumerate(d)])
    return KeepDims(tuple(sorted(ax)))._build((g,), "Reshape")


class KeepDims(Operation):
    """Inserts size-1 dims at ``axes`` (sorted, of the output)."""
    type = "ExpandDims"

    def __init__(self, axes):
        self.axes = axes

    def forward(self, g):
        return get_array_module(g).expand_dims(g, self.axes)

    def infer(self, g):
        d = dims(g)
        if d is None:
            return [(None, g.dtype)]
        out = list(d)
        for a in self.axes:
            out.insert(a, 1)
        return [(tuple(out), g.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0])


class Squeeze(Operation):
    type = "Squeeze"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        if self.axis is None:
            return x.reshape(tuple(s for s in x.shape if s != 1))
        for a in self.axis:
            if x.shape[a] != 1:
                raise ValueError(f"Can not squeeze dim[{a % x.ndim}], expected a dimension of 1, "
                                 f"got {x.shape[a]}")
        return get_array_module(x).squeeze(x, axis=self.axis)

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, x.dtype)]
        if self.axis is None:
            if None in d:
                return [(None, x.dtype)]
            return [(tuple(s for s in d if s != 1), x.dtype)]
        ax = {a % len(d) for a in self.axis}
        for a in ax:
            if d[a] is not None and d[a] != 1:
                raise ValueError(f"Can not squeeze dim[{a}], expected a dimension of 1, got {d[a]} "
                                 f"for '{self._pending_name}' (op: 'Squeeze') with input shapes: "
                                 f"{_ls(d)}.")
        return [(tuple(s for i, s in enumerate(d) if i not in ax), x.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0])


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    """Removes size-1 dimensions, all or those in ``axis`` (``tf.squeeze``; TF1 ``squeeze_dims``).

    Example:
      >>> tf.squeeze(tf.zeros([1, 2, 1, 3]), axis=[2]).shape
      TensorShape([1, 2, 3])
    """
    x = convert_to_tensor(input)
    if axis is None:
        axis = squeeze_dims
    if axis is not None:
        axis = tuple(_static_ints(axis, "axis"))
        d = dims(x)
        if d is not None:
            for a in axis:
                if not -len(d) <= a < len(d):
                    raise ValueError(f"Tried to squeeze dim index {a} for tensor with {len(d)} "
                                     "dimensions.")
            axis = tuple(a % len(d) for a in axis)
    return Squeeze(axis)._build((x,), name or "Squeeze")


class ExpandDims(Operation):
    type = "ExpandDims"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return get_array_module(x).expand_dims(x, self.axis)

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, x.dtype)]
        if not -len(d) - 1 <= self.axis <= len(d):
            raise ValueError(f"Tried to expand dim index {self.axis} for tensor with {len(d)} "
                             f"dimensions. for '{self._pending_name}' (op: 'ExpandDims')")
        a = self.axis if self.axis >= 0 else len(d) + 1 + self.axis
        return [(d[:a] + (1,) + d[a:], x.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0])


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """Inserts a dimension of size 1 at ``axis`` (``tf.expand_dims``; TF1's ``dim`` too).

    Example:
      >>> tf.expand_dims(tf.zeros([2, 3]), -1).shape
      TensorShape([2, 3, 1])
    """
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("Invalid value for argument `axis`: expected an int. Received: axis=None")
    x = convert_to_tensor(input)
    return ExpandDims(_int_arg(axis, "axis"))._build((x,), name or "ExpandDims")


class Transpose(Operation):
    type = "Transpose"

    def __init__(self, perm):
        self.perm = perm

    def forward(self, x):
        return x.transpose(self.perm) if self.perm is not None else x.T

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, x.dtype)]
        p = self.perm if self.perm is not None else tuple(reversed(builtins.range(len(d))))
        if len(p) != len(d):
            raise ValueError(f"Dimension must be {len(d)} but is {len(p)} for "
                             f"'{self._pending_name}' (op: 'Transpose') with input shapes: "
                             f"{_ls(d)}, [{len(p)}].")
        return [(tuple(d[i] for i in p), x.dtype)]

    def backward(self, gy):
        if self.perm is None:
            return Transpose(None)._build((gy,), "transpose")
        return Transpose(tuple(int(i) for i in np.argsort(self.perm)))._build((gy,), "transpose")


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permutes dimensions (``tf.transpose``); reverses them when ``perm`` is None.

    Example:
      >>> tf.transpose(tf.zeros([2, 3, 4]), perm=[0, 2, 1]).shape
      TensorShape([2, 4, 3])
    """
    x = convert_to_tensor(a)
    if perm is None:
        return Transpose(None)._build((x,), name)
    p = _static_ints(perm, "perm")
    if p is None:
        raise NotImplementedError("A symbolic (fed) `perm` is not supported by neuroflow yet; "
                                  "pass a Python list for `perm`.")
    n = len(p)
    if sorted(a % n if n else a for a in p) != list(builtins.range(n)):
        raise ValueError(f"Invalid value for argument `perm`: expected a permutation of "
                         f"0..{n - 1}. Received: perm={p}")
    return Transpose(tuple(a % n for a in p))._build((x,), name)


# ==================================================================== where(condition)
class WhereIndices(Operation):
    """The coordinates of the true (non-zero) elements, int64 [n, rank]."""
    type = "Where"
    differentiable = False

    def forward(self, c):
        return get_array_module(c).argwhere(c).astype(np.int64, copy=False)

    def infer(self, c):
        d = dims(c)
        return [((None, None if d is None else len(d)), dtypes.int64)]


def where_indices(condition, name=None):
    """``tf.where(condition)``: the coordinates of true elements, int64 of shape [?, rank]."""
    return WhereIndices()._build((convert_to_tensor(condition),), name or "Where")


# the rest of the array ops, re-exported for the top-level namespace and for other modules
from . import fill_ops as _fill, join_ops as _join, manip_ops as _manip  # noqa: E402
from .fill_ops import *  # noqa: E402,F401,F403
from .join_ops import *  # noqa: E402,F401,F403
from .manip_ops import *  # noqa: E402,F401,F403
from .slice_ops import _getitem, slice, strided_slice  # noqa: E402,F401

__all__ = (["shape", "size", "rank", "identity", "stop_gradient", "reshape", "squeeze",
            "expand_dims", "transpose", "slice",
            "strided_slice"]
           + _fill.__all__ + _join.__all__ + _manip.__all__)
