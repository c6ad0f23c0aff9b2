"""Tensors made from nothing but a shape: fill, zeros, ones, *_like, range, linspace, eye."""
from ._base import Operation, convert_to_tensor, dims, dtypes, get_array_module, np
from ._static import _const, _dims_of, _int_arg, _partial_shape, _static_ints


class Fill(Operation):
    """A fresh array of one value with a static shape."""
    type = "Fill"
    differentiable = False

    def __init__(self, shape, value, dtype):
        self.shape, self.value, self.dtype = tuple(shape), value, dtype

    def forward(self):
        from ..core import backend
        return backend.xp.full(self.shape, self.value, dtype=self.dtype._np)

    def infer(self):
        return [(self.shape, self.dtype)]


class DynFill(Operation):
    """fill(dims, value) with dims known only at run time."""
    type = "Fill"
    differentiable = False

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, shape, value):
        return get_array_module(value).full(tuple(shape.tolist()), value, dtype=self.dtype._np)

    def infer(self, shape, value):
        return [(_dims_of(_partial_shape(shape)), self.dtype)]


class FillLike(Operation):
    """An array of ``value`` with x's shape (zeros_like / ones_like)."""
    type = "ZerosLike"
    differentiable = False

    def __init__(self, value, dtype=None):
        self.value, self.dtype = value, dtype

    def forward(self, x):
        xp = get_array_module(x)
        return xp.full(x.shape, self.value, dtype=x.dtype if self.dtype is None else self.dtype._np)

    def infer(self, x):
        return [(dims(x), self.dtype or x.dtype)]


def _check_shape(s, what="shape"):
    if any(v is None or v < 0 for v in s):
        raise ValueError(f"Invalid value for argument `{what}`: expected non-negative ints. "
                         f"Received: {what}={s}")
    return s


def fill(dims, value, name=None, dtype=None):  # noqa: A002 - TF's argument name
    """A tensor of shape ``dims`` filled with ``value`` (``tf.fill``).

    Example:
      >>> tf.fill([2, 3], 9).numpy()
      array([[9, 9, 9],
             [9, 9, 9]], dtype=int32)
    """
    v = convert_to_tensor(value, dtype=dtype)
    s = _static_ints(dims, "dims")
    cv = _const(v)
    if s is not None and cv is not None:
        return Fill(_check_shape(s, "dims"), cv, v.dtype)._build((), name or "Fill")
    return DynFill(v.dtype)._build((convert_to_tensor(dims, dtype=dtypes.int32), v), name or "Fill")


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros (``tf.zeros``).

    Example:
      >>> tf.zeros([2, 3]).shape
      TensorShape([2, 3])
    """
    dt = dtypes.as_dtype(dtype or dtypes.float32)
    s = _static_ints(shape, "shape")
    if s is None:
        return fill(shape, np.zeros((), dt._np), name=name or "zeros", dtype=dt)
    return Fill(_check_shape(s), 0, dt)._build((), name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """A tensor of ones (``tf.ones``)."""
    dt = dtypes.as_dtype(dtype or dtypes.float32)
    s = _static_ints(shape, "shape")
    if s is None:
        return fill(shape, np.ones((), dt._np), name=name or "ones", dtype=dt)
    return Fill(_check_shape(s), 1, dt)._build((), name or "ones")


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """Zeros with the shape (and dtype, unless given) of ``tensor`` (``tf.zeros_like``)."""
    x = convert_to_tensor(tensor)
    return FillLike(0, dtypes.as_dtype(dtype) if dtype else None)._build((x,), name or "zeros_like")


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """Ones with the shape (and dtype, unless given) of ``tensor`` (``tf.ones_like``)."""
    x = convert_to_tensor(tensor)
    op = FillLike(1, dtypes.as_dtype(dtype) if dtype else None)
    op.type = "OnesLike"
    return op._build((x,), name or "ones_like")


class Range(Operation):
    """arange(start, limit, delta); the three are scalar inputs."""
    type = "Range"
    differentiable = False

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, start, limit, delta):
        start, limit, delta = start.item(), limit.item(), delta.item()
        if delta == 0:
            raise ValueError(f"Requires delta != 0: {delta}")
        if (delta > 0 and start > limit) or (delta < 0 and start < limit):
            raise ValueError(f"Requires start {'<=' if delta > 0 else '>='} limit when delta "
                             f"{'>' if delta > 0 else '<'} 0: {start}/{limit}")
        from ..core import backend
        return backend.xp.arange(start, limit, delta, dtype=self.dtype._np)

    def infer(self, start, limit, delta):
        vals = [_const(t) for t in (start, limit, delta)]
        if any(v is None for v in vals) or vals[2] == 0:
            return [((None,), self.dtype)]
        start, limit, delta = (np.asarray(v).item() for v in vals)
        return [((max(0, int(np.ceil((limit - start) / delta))),), self.dtype)]


_RANGE_ORDER = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's name
    """The sequence start, start + delta, ... below ``limit`` (``tf.range``; ``tf.range(5)`` too).

    Example:
      >>> tf.range(3, 18, 3).numpy()
      array([ 3,  6,  9, 12, 15], dtype=int32)
    """
    if limit is None:
        start, limit = 0, start
    if dtype is not None:
        dt = dtypes.as_dtype(dtype)
        args = [_cast_arg(a, dt) for a in (start, limit, delta)]
    else:
        args = [convert_to_tensor(a) for a in (start, limit, delta)]
        dt = max((a.dtype for a in args),
                 key=lambda d: _RANGE_ORDER.index(d) if d in _RANGE_ORDER else -1)
        args = [_cast_arg(a, dt) for a in args]
    return Range(dt)._build(tuple(args), name)


def _cast_arg(a, dt):
    t = convert_to_tensor(a, dtype_hint=dt)
    if t.dtype is dt:
        return t
    from .math_ops import cast
    return cast(t, dt)


class LinSpace(Operation):
    """num evenly spaced values from start to stop (both included)."""
    type = "LinSpace"
    differentiable = False

    def __init__(self, num, axis):
        self.num, self.axis = num, axis

    def forward(self, start, stop):
        xp = get_array_module(start)
        return xp.linspace(start, stop, self.num, axis=self.axis).astype(start.dtype, copy=False)

    def infer(self, start, stop):
        d = dims(start)
        if d is None:
            return [(None, start.dtype)]
        a = self.axis % (len(d) + 1)
        return [(d[:a] + (self.num,) + d[a:], start.dtype)]


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (``tf.linspace``, ``tf.lin_space``).

    Example:
      >>> tf.linspace(10.0, 12.0, 3).numpy()
      array([10., 11., 12.], dtype=float32)
    """
    start = convert_to_tensor(start)
    stop = convert_to_tensor(stop, dtype_hint=start.dtype)
    if not start.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 'start' has DataType {start.dtype.name} not in "
                        "list of allowed values: bfloat16, float16, float32, float64")
    return LinSpace(_int_arg(num, "num"), int(axis))._build((start, stop), name or "LinSpace")


lin_space = linspace


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """An identity matrix, optionally batched (``tf.eye``).

    Example:
      >>> tf.eye(2, 3).numpy()
      array([[1., 0., 0.],
             [0., 1., 0.]], dtype=float32)
    """
    from ..core.op import constant
    n = _int_arg(num_rows, "num_rows")
    m = n if num_columns is None else _int_arg(num_columns, "num_columns")
    dt = dtypes.as_dtype(dtype)
    y = np.eye(n, m, dtype=dt._np)
    if batch_shape is not None:
        b = _static_ints(batch_shape, "batch_shape")
        if b is None:
            raise NotImplementedError("A symbolic `batch_shape` for tf.eye is not supported by "
                                      "neuroflow yet; pass a Python list.")
        y = np.broadcast_to(y, tuple(b) + y.shape).copy()
    return constant(y, dt, name=name or "eye")


__all__ = ["fill", "zeros", "ones", "zeros_like", "ones_like", "range", "linspace", "lin_space",
           "eye"]
