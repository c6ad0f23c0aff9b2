"""``Tensor``: one output of an op. It may carry a value (computed eagerly) or be symbolic."""
import numpy as np

from . import context, dtypes
from .backend import to_numpy
from .shape import TensorShape

# math_ops fills this with the overloaded operators (add, multiply, getitem ...) at import
_overloads = {}


class Tensor:
    """A value in the data-flow graph (``tf.Tensor``).

    ``op`` made it (output number ``value_index``); ``dtype`` and the static ``shape`` are known at
    build time. An eager tensor also holds its array: ``.numpy()`` returns it.
    """

    __array_priority__ = 100
    __slots__ = ("op", "value_index", "dtype", "_shape", "_value", "__weakref__")

    def __init__(self, op, value_index, dtype, shape, value=None):
        self.op = op
        self.value_index = value_index
        self.dtype = dtype
        self._shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
        self._value = value

    # ---------------------------------------------------------------- identity
    @property
    def name(self):
        return "%s:%d" % (self.op.name, self.value_index)

    @property
    def graph(self):
        return self.op.graph

    @property
    def device(self):
        return ""

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(shape)

    @property
    def ndim(self):
        return self._shape.ndims

    def consumers(self):
        g = self.op.graph
        return [op for op in (g._ops if g is not None else []) if self in op.inputs]

    # ---------------------------------------------------------------- values
    def numpy(self):
        if self._value is None:
            raise ValueError(
                f"Tensor {self.name} is symbolic (it depends on a placeholder or was built in graph mode): "
                "it has no value outside Session.run. Use sess.run(tensor) or tensor.eval().")
        v = to_numpy(self._value)
        return v.copy() if isinstance(v, np.ndarray) and v.ndim else v[()] if isinstance(v, np.ndarray) else v

    def eval(self, feed_dict=None, session=None):
        from .session import _eval_in_session
        return _eval_in_session(self, feed_dict, session)

    def __array__(self, dtype=None, copy=None):
        v = to_numpy(self._value) if self._value is not None else self.numpy()
        return v.astype(dtype) if dtype is not None else v

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __index__(self):
        return int(self.numpy())

    def __bool__(self):
        if self._value is None or context.state.graph_mode:
            raise TypeError("Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
                            "instead of `if t:` to test if a tensor is defined, and use TensorFlow ops such "
                            "as tf.cond to execute subgraphs conditioned on the value of a tensor.")
        return bool(self._value)

    def __len__(self):
        d = self._shape.as_tuple()
        if not d or d[0] is None:
            raise TypeError(f"len is not well defined for a tensor of shape {self._shape}.")
        return d[0]

    def __iter__(self):
        d = self._shape.as_tuple()
        if d is None:
            raise TypeError("Cannot iterate over a tensor with unknown shape.")
        if not d:
            raise TypeError("Cannot iterate over a scalar tensor.")
        if d[0] is None:
            raise TypeError("Cannot iterate over a tensor with unknown first dimension.")
        for i in range(d[0]):
            yield self[i]

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        if self._value is not None and not context.state.graph_mode and _overloads:
            return _overloads["equal"](self, other)
        return self is other

    def __ne__(self, other):
        if self._value is not None and not context.state.graph_mode and _overloads:
            return _overloads["not_equal"](self, other)
        return self is not other

    def ref(self):
        return _Ref(self)

    experimental_ref = ref

    # ---------------------------------------------------------------- printing
    def __repr__(self):
        if self._value is not None and not context.state.graph_mode:
            return "<tf.Tensor: shape=%s, dtype=%s, numpy=%s>" % (
                _shape_str2(self._shape), self.dtype.name, _np_repr(self._value))
        return "<tf.Tensor '%s' shape=%s dtype=%s>" % (self.name, self._shape, self.dtype.name)

    def __str__(self):
        if self._value is not None and not context.state.graph_mode:
            return "tf.Tensor(%s, shape=%s, dtype=%s)" % (
                to_numpy(self._value), _shape_str2(self._shape), self.dtype.name)
        return 'Tensor("%s", shape=%s, dtype=%s)' % (self.name, self._shape, self.dtype.name)

    def _graph_op(self):
        return self.op


def _shape_str2(s):
    d = s.as_tuple()
    if d is None:
        return "<unknown>"
    return "(%s,)" % d[0] if len(d) == 1 else "(%s)" % ", ".join(str(x) for x in d)


def _np_repr(v):
    v = to_numpy(v)
    return np.array2string(v, separator=", ") if v.ndim else repr(v.item())


class _Ref:
    __slots__ = ("_t",)

    def __init__(self, t):
        self._t = t

    def deref(self):
        return self._t

    def __hash__(self):
        return id(self._t)

    def __eq__(self, o):
        return isinstance(o, _Ref) and o._t is self._t


def _binary(name, reverse=False):
    def f(self, other):
        fn = _overloads[name]
        return fn(other, self) if reverse else fn(self, other)
    f.__name__ = name
    return f


def _unary(name):
    def f(self):
        return _overloads[name](self)
    f.__name__ = name
    return f


for _n, _k in [("__add__", "add"), ("__sub__", "subtract"), ("__mul__", "multiply"),
               ("__truediv__", "truediv"), ("__floordiv__", "floordiv"), ("__mod__", "floormod"),
               ("__pow__", "pow"), ("__matmul__", "matmul"), ("__lt__", "less"),
               ("__le__", "less_equal"), ("__gt__", "greater"), ("__ge__", "greater_equal"),
               ("__and__", "logical_and"), ("__or__", "logical_or"), ("__xor__", "logical_xor"),
               ("__getitem__", "getitem")]:
    setattr(Tensor, _n, _binary(_k))
for _n, _k in [("__radd__", "add"), ("__rsub__", "subtract"), ("__rmul__", "multiply"),
               ("__rtruediv__", "truediv"), ("__rfloordiv__", "floordiv"), ("__rmod__", "floormod"),
               ("__rpow__", "pow"), ("__rmatmul__", "matmul"), ("__rand__", "logical_and"),
               ("__ror__", "logical_or"), ("__rxor__", "logical_xor")]:
    setattr(Tensor, _n, _binary(_k, reverse=True))
for _n, _k in [("__neg__", "negative"), ("__abs__", "abs"), ("__invert__", "logical_not")]:
    setattr(Tensor, _n, _unary(_k))
Tensor.__div__ = Tensor.__truediv__
Tensor.__rdiv__ = Tensor.__rtruediv__


def is_tensor(x):
    return isinstance(x, Tensor) or hasattr(x, "_as_tensor")


def dtype_of_value(v):
    """The TF dtype a Python/NumPy value converts to when no dtype is asked for."""
    if isinstance(v, np.ndarray) or isinstance(v, np.generic):
        return dtypes.as_dtype(v.dtype)
    if isinstance(v, bool):
        return dtypes.bool_
    if isinstance(v, int):
        return dtypes.int32 if -2**31 <= v < 2**31 else dtypes.int64
    if isinstance(v, float):
        return dtypes.float32
    if isinstance(v, (str, bytes)):
        return dtypes.string
    if isinstance(v, (list, tuple)):
        flat = _flatten_list(v)
        if not flat:
            return dtypes.float32
        if any(isinstance(x, Tensor) or hasattr(x, "_as_tensor") for x in flat):
            return None
        if any(isinstance(x, (str, bytes)) for x in flat):
            return dtypes.string
        if all(isinstance(x, (bool, np.bool_)) for x in flat):
            return dtypes.bool_
        if any(isinstance(x, (float, np.floating)) for x in flat):
            ds = {dtypes.as_dtype(x.dtype) for x in flat if isinstance(x, np.floating)}
            return ds.pop() if len(ds) == 1 and not any(isinstance(x, float) and
                                                         not isinstance(x, np.floating) for x in flat) \
                else dtypes.float32
        ints = [x for x in flat if isinstance(x, (int, np.integer))]
        if all(-2**31 <= int(x) < 2**31 for x in ints):
            return dtypes.int32
        return dtypes.int64
    if hasattr(v, "__array__"):
        return dtypes.as_dtype(np.asarray(v).dtype)
    raise TypeError(f"Failed to convert object of type {type(v)} to Tensor. Contents: {v!r}. "
                    "Consider casting elements to a supported type.")


def _flatten_list(v):
    out = []
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        else:
            out.append(x)
    return out


def to_array(value, dtype):
    """A NumPy array of ``dtype`` (a DType) from a Python/NumPy value."""
    if dtype is dtypes.string:
        if isinstance(value, np.ndarray) and value.dtype == object:
            return value
        a = np.asarray(value)
        out = np.empty(a.shape, dtype=object)
        for idx in np.ndindex(a.shape):
            x = a[idx]
            out[idx] = x.encode() if isinstance(x, str) else bytes(x) if not isinstance(x, bytes) else x
        return out
    return np.asarray(value, dtype=dtype._np)
