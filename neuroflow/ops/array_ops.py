"""Shape and array ops: reshape, transpose, concat, stack, slicing, gather, fills (``tf.*``)."""
from ..core.shape import TensorShape
from ._base import (Operation, Tensor, convert_to_tensor, dims, dtypes, get_array_module, np,
                    resolve_axis, sum_to_like)


def _static_ints(v, what):
    """A Python int list from a list/tuple/array/constant tensor (None entries kept)."""
    if isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
        t = convert_to_tensor(v)
        if t._value is None:
            return None
        v = t._value
    if isinstance(v, (np.ndarray, np.generic)):
        return [int(a) for a in np.asarray(v).reshape(-1)]
    if isinstance(v, (list, tuple)):
        out = []
        for a in v:
            if isinstance(a, Tensor):
                if a._value is None:
                    return None
                a = a._value
            out.append(None if a is None else int(a))
        return out
    return [int(v)]


# ==================================================================== fills
class Fill(Operation):
    type = "Fill"
    differentiable = False

    def __init__(self, shape, value, dtype):
        self.shape, self.value, self.dtype = tuple(shape), value, dtype

    def forward(self):
        from ..core import backend
        return backend.xp.full(self.shape, self.value, dtype=self.dtype._np)

    def infer(self):
        return [(self.shape, self.dtype)]


class FillLike(Operation):
    """An array of ``value`` with x's shape (zeros_like / ones_like)."""
    type = "ZerosLike"
    differentiable = False

    def __init__(self, value, dtype=None):
        self.value, self.dtype = value, dtype

    def forward(self, x):
        xp = get_array_module(x)
        dt = self.dtype._np if self.dtype is not None else x.dtype
        return xp.full(x.shape, self.value, dtype=dt)

    def infer(self, x):
        return [(dims(x), self.dtype or x.dtype)]


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros (``tf.zeros``)."""
    s = _static_ints(shape, "shape")
    if s is None:
        return fill(shape, 0, name=name, dtype=dtype)
    return Fill(s, 0, dtypes.as_dtype(dtype))._build((), name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    s = _static_ints(shape, "shape")
    if s is None:
        return fill(shape, 1, name=name, dtype=dtype)
    return Fill(s, 1, dtypes.as_dtype(dtype))._build((), name or "ones")


class DynFill(Operation):
    type = "Fill"
    differentiable = False

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, shape, value):
        return get_array_module(value).full(tuple(int(s) for s in shape), value, dtype=self.dtype._np)

    def infer(self, shape, value):
        d = dims(shape)
        return [(None if d is None or d[0] is None else (None,) * d[0], self.dtype)]


def fill(dims_, value, name=None, dtype=None):
    """A tensor of shape ``dims`` filled with ``value`` (``tf.fill``)."""
    v = convert_to_tensor(value, dtype=dtype)
    s = _static_ints(dims_, "dims")
    if s is not None and v._value is not None:
        return Fill(s, v._value, v.dtype)._build((), name or "Fill")
    return DynFill(v.dtype)._build((convert_to_tensor(dims_, dtype=dtypes.int32), v), name or "Fill")


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    x = convert_to_tensor(tensor)
    return FillLike(0, dtypes.as_dtype(dtype) if dtype else None)._build((x,), name or "zeros_like")


def ones_like(tensor, dtype=None, name=None, optimize=True):
    x = convert_to_tensor(tensor)
    op = FillLike(1, dtypes.as_dtype(dtype) if dtype else None)
    op.type = "OnesLike"
    return op._build((x,), name or "ones_like")


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
    """The dynamic shape of a tensor as an int32 vector (``tf.shape``)."""
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
    return Size(dtypes.as_dtype(out_type))._build((convert_to_tensor(input),), name or "Size")


class Rank(Operation):
    type = "Rank"
    differentiable = False

    def forward(self, x):
        return np.array(x.ndim, dtype=np.int32)

    def infer(self, x):
        return [((), dtypes.int32)]


def rank(input, name=None):  # noqa: A002
    return Rank()._build((convert_to_tensor(input),), name or "Rank")


# ==================================================================== identity, stop_gradient
class Identity(Operation):
    type = "Identity"

    def forward(self, x):
        return x

    def backward(self, gy):
        return gy


def identity(input, name=None):  # noqa: A002
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
class Reshape(Operation):
    type = "Reshape"

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise ValueError(f"Input to reshape is a tensor with {x.size} values, but the requested "
                             f"shape has {int(np.prod([s for s in self.shape if s != -1]))}") from None

    def infer(self, x):
        s = list(self.shape)
        d = dims(x)
        if -1 in s:
            known = 1
            for v in s:
                if v != -1:
                    known *= v
            if d is not None and None not in d:
                n = 1
                for v in d:
                    n *= v
                if known == 0 or n % known:
                    raise ValueError(f"Cannot reshape a tensor with {n} elements to shape {s} "
                                     f"({_elems(s)} elements) for '{self._pending_name}' (op: 'Reshape')")
                s[s.index(-1)] = n // known
            else:
                s[s.index(-1)] = None
        elif d is not None and None not in d:
            n = 1
            for v in d:
                n *= v
            if n != _elems(s):
                raise ValueError(f"Cannot reshape a tensor with {n} elements to shape {s} "
                                 f"({_elems(s)} elements) for '{self._pending_name}' (op: 'Reshape') "
                                 f"with input shapes: [{','.join(str(v) for v in d)}], [{len(s)}].")
        return [(tuple(s), x.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0])


def _elems(s):
    n = 1
    for v in s:
        n *= v
    return n


class ReshapeLike(Operation):
    type = "Reshape"

    def forward(self, x, like):
        return x.reshape(like.shape)

    def infer(self, x, like):
        return [(dims(like), x.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0]), None


class DynReshape(Operation):
    type = "Reshape"

    def forward(self, x, shape):
        return x.reshape(tuple(int(s) for s in shape))

    def infer(self, x, shape):
        d = dims(shape)
        return [(None if d is None or d[0] is None else (None,) * d[0], x.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0]), None


def reshape_like(x, like):
    dx, dl = dims(x), dims(like)
    if dl is not None and None not in dl:
        if dx == dl:
            return x
        return Reshape(dl)._build((x,), "Reshape")
    return ReshapeLike()._build((x, like), "Reshape")


def reshape_like_kept(g, x, axis):
    """Re-inserts the reduced axes (size 1) into g so it broadcasts against x."""
    d = dims(x)
    if d is None:
        raise NotImplementedError("Gradient of a reduction over a tensor of unknown rank is not supported.")
    ax = set(resolve_axis(axis, len(d)))
    if None not in d:
        return reshape(g, [1 if i in ax else s for i, s in enumerate(d)])
    return KeepDims(tuple(sorted(ax)))._build((g,), "Reshape")


class KeepDims(Operation):
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
        return squeeze(gy, list(self.axes))


def reshape(tensor, shape, name=None):
    """Reshapes ``tensor`` to ``shape`` (one entry may be -1) (``tf.reshape``)."""
    x = convert_to_tensor(tensor)
    s = _static_ints(shape, "shape")
    if s is None or None in s:
        return DynReshape()._build((x, convert_to_tensor(shape, dtype=dtypes.int32)), name or "Reshape")
    if s.count(-1) > 1:
        raise ValueError("Only one input size may be -1, not both")
    return Reshape(s)._build((x,), name or "Reshape")


class Squeeze(Operation):
    type = "Squeeze"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        if self.axis is None:
            return x.reshape(tuple(s for s in x.shape if s != 1))
        for a in self.axis:
            if x.shape[a] != 1:
                raise ValueError(f"Can not squeeze dim[{a % x.ndim}], expected a dimension of 1, got "
                                 f"{x.shape[a]}")
        return get_array_module(x).squeeze(x, axis=self.axis)

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, x.dtype)]
        if self.axis is None:
            if None in d:
                return [(None, x.dtype)]
            return [(tuple(s for s in d if s != 1), x.dtype)]
        ax = set(resolve_axis(self.axis, len(d)))
        for a in ax:
            if d[a] is not None and d[a] != 1:
                raise ValueError(f"Can not squeeze dim[{a}], expected a dimension of 1, got {d[a]} for "
                                 f"'{self._pending_name}' (op: 'Squeeze')")
        return [(tuple(s for i, s in enumerate(d) if i not in ax), x.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0])


def squeeze(input, axis=None, name=None, squeeze_dims=None):  # noqa: A002
    x = convert_to_tensor(input)
    if axis is None:
        axis = squeeze_dims
    if isinstance(axis, int):
        axis = [axis]
    if axis is not None:
        d = dims(x)
        axis = tuple(resolve_axis(tuple(axis), len(d))) if d is not None else tuple(axis)
    return Squeeze(axis)._build((x,), name or "Squeeze")


class ExpandDims(Operation):
    type = "ExpandDims"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        a = self.axis if self.axis >= 0 else x.ndim + 1 + self.axis
        return get_array_module(x).expand_dims(x, a)

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, x.dtype)]
        a = self.axis if self.axis >= 0 else len(d) + 1 + self.axis
        return [(d[:a] + (1,) + d[a:], x.dtype)]

    def backward(self, gy):
        return reshape_like(gy, self.inputs[0])


def expand_dims(input, axis=None, name=None, dim=None):  # noqa: A002
    """Inserts a dimension of size 1 at ``axis`` (``tf.expand_dims``; TF1's ``dim`` too)."""
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("Invalid value for argument `axis`: expected an int. Received: axis=None")
    return ExpandDims(int(_static_ints(axis, "axis")[0]))._build((convert_to_tensor(input),),
                                                                 name or "ExpandDims")


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
        p = self.perm if self.perm is not None else tuple(reversed(range(len(d))))
        return [(tuple(d[i] for i in p), x.dtype)]

    def backward(self, gy):
        if self.perm is None:
            return transpose(gy)
        inv = tuple(int(i) for i in np.argsort(self.perm))
        return Transpose(inv)._build((gy,), "transpose")


def transpose(a, perm=None, name="transpose", conjugate=False):
    """Permutes dimensions (``tf.transpose``); reverses them when ``perm`` is None."""
    x = convert_to_tensor(a)
    p = _static_ints(perm, "perm") if perm is not None else None
    return Transpose(tuple(p) if p is not None else None)._build((x,), name)


class Concat(Operation):
    type = "ConcatV2"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return get_array_module(xs[0]).concatenate(xs, axis=self.axis)

    def infer(self, *xs):
        ds = [dims(x) for x in xs]
        if any(d is None for d in ds):
            return [(None, xs[0].dtype)]
        n = len(ds[0])
        a = self.axis % n
        out = list(ds[0])
        tot = 0
        for d in ds:
            if len(d) != n:
                raise ValueError(f"Shape must be rank {n} but is rank {len(d)} for '{self._pending_name}' "
                                 "(op: 'ConcatV2')")
            tot = None if tot is None or d[a] is None else tot + d[a]
            for i in range(n):
                if i != a and out[i] is None:
                    out[i] = d[i]
                elif i != a and d[i] is not None and d[i] != out[i]:
                    raise ValueError(f"Dimension {i} in both shapes must be equal, but are {out[i]} and "
                                     f"{d[i]}. Shapes are {list(ds[0])} and {list(d)}. for "
                                     f"'{self._pending_name}' (op: 'ConcatV2')")
        out[a] = tot
        return [(tuple(out), xs[0].dtype)]

    def backward(self, gy):
        xs = self.inputs
        return tuple(SliceAlong(self.axis, i)._build((gy,) + tuple(xs), "concat_grad") for i in range(len(xs)))


class SliceAlong(Operation):
    """The i-th piece of gy along axis, pieces sized like the inputs (concat's gradient)."""
    type = "Slice"

    def __init__(self, axis, i):
        self.axis, self.i = axis, i

    def forward(self, gy, *xs):
        a = self.axis % gy.ndim
        start = sum(x.shape[a] for x in xs[:self.i])
        idx = [slice(None)] * gy.ndim
        idx[a] = slice(start, start + xs[self.i].shape[a])
        return gy[tuple(idx)]

    def infer(self, gy, *xs):
        return [(dims(xs[self.i]), gy.dtype)]


def concat(values, axis, name="concat"):
    """Concatenates tensors along ``axis`` (``tf.concat``)."""
    xs = [convert_to_tensor(v) for v in values]
    if len(xs) == 1:
        return identity(xs[0], name=name)
    ax = _static_ints(axis, "axis")[0]
    return Concat(ax)._build(tuple(xs), name)


class Stack(Operation):
    type = "Pack"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return get_array_module(xs[0]).stack(xs, axis=self.axis)

    def infer(self, *xs):
        d = dims(xs[0])
        for x in xs[1:]:
            e = dims(x)
            if d is not None and e is not None and len(d) == len(e):
                d = tuple(a if a is not None else b for a, b in zip(d, e))
        if d is None:
            return [(None, xs[0].dtype)]
        a = self.axis if self.axis >= 0 else len(d) + 1 + self.axis
        return [(d[:a] + (len(xs),) + d[a:], xs[0].dtype)]

    def backward(self, gy):
        return tuple(unstack(gy, num=len(self.inputs), axis=self.axis))


def stack(values, axis=0, name="stack"):
    """Stacks tensors of equal shape along a new ``axis`` (``tf.stack``, TF1 ``tf.pack``)."""
    xs = [convert_to_tensor(v) for v in values]
    dts = {x.dtype for x in xs}
    if len(dts) > 1:
        # Python numbers beside tensors take the tensors' dtype
        target = next(x.dtype for x in xs if x.op.type != "Const") if any(x.op.type != "Const" for x in xs) \
            else xs[0].dtype
        from .math_ops import cast
        xs = [cast(x, target) if x.dtype is not target else x for x in xs]
    return Stack(axis)._build(tuple(xs), name)


class Unstack(Operation):
    type = "Unpack"
    multi_output = True

    def __init__(self, axis, num):
        self.axis, self.num = axis, num

    def forward(self, x):
        a = self.axis % x.ndim
        return tuple(x.take(i, axis=a) for i in range(x.shape[a]))

    def infer(self, x):
        d = dims(x)
        a = self.axis % len(d)
        return [(d[:a] + d[a + 1:], x.dtype)] * self.num

    def backward(self, *gys):
        return stack(list(gys), axis=self.axis)


def unstack(value, num=None, axis=0, name="unstack"):
    x = convert_to_tensor(value)
    d = dims(x)
    if num is None:
        if d is None or d[axis] is None:
            raise ValueError(f"Cannot infer argument `num` from shape {x.shape}")
        num = d[axis]
    return list(Unstack(axis, num)._build((x,), name))


# ==================================================================== indexing
class GetItem(Operation):
    """x[key] with Python slicing (ints, slices, None/newaxis, Ellipsis)."""
    type = "StridedSlice"

    def __init__(self, key):
        self.key = key

    def forward(self, x):
        return x[self.key]

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, x.dtype)]
        out, i = [], 0
        key = self.key if isinstance(self.key, tuple) else (self.key,)
        n_ell = len(d) - sum(1 for k in key if k is not None and k is not Ellipsis)
        for k in key:
            if k is Ellipsis:
                out.extend(d[i:i + n_ell])
                i += n_ell
            elif k is None:
                out.append(1)
            elif isinstance(k, slice):
                n = d[i]
                out.append(None if n is None else len(range(*k.indices(n))))
                i += 1
            else:
                if d[i] is not None and not -d[i] <= k < d[i]:
                    raise ValueError(f"slice index {k} of dimension {i} out of bounds. for "
                                     f"'{self._pending_name}' (op: 'StridedSlice') with input shapes: "
                                     f"[{','.join('?' if v is None else str(v) for v in d)}]")
                i += 1
        out.extend(d[i:])
        return [(tuple(out), x.dtype)]

    def backward(self, gy):
        return GetItemGrad(self.key)._build((gy, self.inputs[0]), "StridedSliceGrad")


class GetItemGrad(Operation):
    type = "StridedSliceGrad"

    def __init__(self, key):
        self.key = key

    def forward(self, gy, x):
        xp = get_array_module(gy)
        gx = xp.zeros(x.shape, dtype=gy.dtype)
        gx[self.key] = gy
        return gx

    def infer(self, gy, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        return GetItem(self.key)._build((g,), "StridedSlice"), None


def _getitem(x, key):
    x = convert_to_tensor(x)
    k = key if isinstance(key, tuple) else (key,)
    norm = []
    for item in k:
        if isinstance(item, Tensor):
            if item._value is None:
                from .gather_ops import gather  # symbolic index: a gather along axis 0
                if len(k) == 1:
                    return gather(x, item)
                raise NotImplementedError("Indexing with a symbolic tensor together with other indices "
                                          "is not supported by neuroflow yet; use tf.gather.")
            item = item._value.tolist() if np.ndim(item._value) else item._value.item()
        if isinstance(item, slice):
            item = slice(*[None if v is None else int(v) for v in (item.start, item.stop, item.step)])
        elif isinstance(item, (list, np.ndarray)):
            from .gather_ops import gather
            if len(k) == 1:
                return gather(x, item)
            raise NotImplementedError("Fancy indexing with lists inside a multi-axis index is not "
                                      "supported; use tf.gather or tf.gather_nd.")
        elif item is not None and item is not Ellipsis:
            item = int(item)
        norm.append(item)
    return GetItem(tuple(norm))._build((x,), "strided_slice")


__all__ = [_n for _n, _v in list(globals().items())
           if not _n.startswith("_") and _n.islower() and callable(_v)
           and getattr(_v, "__module__", None) == __name__]
