"""``Operation``: the base of every op, plus ``Const``, ``Placeholder`` and ``convert_to_tensor``.

An op is one class: ``forward(*arrays)`` computes on raw arrays, ``backward(*gys)`` returns the
input gradients built from neuroflow ops (so graph gradients, tapes and higher-order gradients
share one set of rules), ``infer(*inputs)`` gives the static output shapes and dtypes. Calling an
op instance on inputs builds the node; when not in graph mode and every input has a value, it also
computes at once (eager).
"""
import numpy as np

from . import context, dtypes
from .graph import get_default_graph
from .shape import TensorShape, broadcast_dims
from .tensor import Tensor, dtype_of_value, to_array


class Operation:
    """A node of the graph (``tf.Operation``). Subclasses set ``type`` and implement forward/backward."""

    type = "Op"
    stateful = False        # reads/writes state or draws random numbers: bound per run context
    differentiable = True

    # set on every instance by _build
    inputs = ()
    outputs = ()
    name = None
    graph = None

    # ---------------------------------------------------------------- to implement
    def forward(self, *xs):
        raise NotImplementedError

    def backward(self, *gys):
        raise NotImplementedError(f"No gradient defined for operation '{self.name}' (op type: {self.type})")

    def infer(self, *inputs):
        """[(shape dims tuple or None, DType)] for each output. Default: elementwise broadcast."""
        dims = inputs[0]._shape.as_tuple()
        for x in inputs[1:]:
            try:
                dims = broadcast_dims(dims, x._shape.as_tuple())
            except ValueError:
                raise ValueError(
                    f"Dimensions must be equal, but are {_fmt(inputs[0])} and {_fmt(x)} for "
                    f"'{self._pending_name}' (op: '{self.type}') with input shapes: "
                    + ", ".join(str(list_shape(t)) for t in inputs) + ".") from None
        return [(dims, inputs[0].dtype)]

    def bind(self, ctx):
        """The callable the executor runs for this op in run context ``ctx`` (stateful ops override)."""
        return self.forward

    # ---------------------------------------------------------------- building
    def __call__(self, *inputs, name=None):
        return self._build(inputs, name)

    def _build(self, inputs, name=None, control_inputs=None):
        st = context.state
        graph_mode = st.graph_mode or st.symbolic
        g = get_default_graph()
        self.graph = g
        self.inputs = inputs
        if g._gradient_overrides and self.type in g._gradient_overrides:
            self._gradient_op_type = g._gradient_overrides[self.type]
        self.control_inputs = list(control_inputs or ())
        base = name or self.type
        self._pending_name = base
        eager = not graph_mode and all(x._value is not None for x in inputs)
        if eager:
            if self.stateful:
                ys = self.bind(_eager_ctx())(*[x._value for x in inputs])
            else:
                ys = self.forward(*[x._value for x in inputs])
            if not isinstance(ys, tuple):
                ys = (ys,)
            specs = self._eager_specs(ys, inputs)
            self.name = (g._name_stack + "/" + base) if g._name_stack else base
            self.outputs = tuple(Tensor(self, i, dt, sh, y) for i, ((sh, dt), y) in
                                 enumerate(zip(specs, ys)))
            if st.tapes:
                for tape in st.tapes:
                    tape._record(self)
        else:
            specs = self.infer(*inputs)
            self.name = g.unique_name(base)
            self.outputs = tuple(Tensor(self, i, dt, sh) for i, (sh, dt) in enumerate(specs))
            if graph_mode or any(x.op.graph is g and x.op.name in g._ops_by_name for x in inputs):
                g._add_op(self)
                return self.outputs[0] if len(self.outputs) == 1 and not getattr(self, "multi_output", False) \
                    else self.outputs
        if g._control_deps:
            # eager-built nodes keep the scope's control dependencies for a later Session.run
            for deps in g._control_deps:
                for d in deps:
                    if d is not self and not any(d is c for c in self.control_inputs):
                        self.control_inputs.append(d)
        return self.outputs[0] if len(self.outputs) == 1 and not getattr(self, "multi_output", False) \
            else self.outputs

    def _eager_specs(self, ys, inputs):
        out = []
        for y in ys:
            out.append((getattr(y, "shape", ()), _dtype_of_array(y)))
        return out

    # ---------------------------------------------------------------- tf.Operation API
    def run(self, feed_dict=None, session=None):
        from .session import _eval_in_session
        _eval_in_session(self, feed_dict, session)

    @property
    def node_def(self):
        return None

    @property
    def device(self):
        return ""

    def get_attr(self, name):
        try:
            return getattr(self, name)
        except AttributeError:
            raise ValueError(f"Operation '{self.name}' has no attr named '{name}'.") from None

    def values(self):
        return tuple(self.outputs)

    def _graph_op(self):
        return self

    def __repr__(self):
        return "<tf.Operation '%s' type=%s>" % (self.name, self.type)

    def __str__(self):
        ins = "".join('  input: "%s"\n' % x.op.name + ("" if x.value_index == 0 else ":%d" % x.value_index)
                      for x in self.inputs)
        return 'name: "%s"\nop: "%s"\n%s' % (self.name, self.type, ins)


def _fmt(t):
    d = t._shape.as_tuple()
    return "?" if d is None else str(d[-1] if d else "")


def list_shape(t):
    d = t._shape.as_tuple()
    return "<unknown>" if d is None else "[%s]" % ",".join("?" if x is None else str(x) for x in d)


def _dtype_of_array(y):
    try:
        return dtypes.as_dtype(y.dtype)
    except (AttributeError, TypeError):
        return dtype_of_value(y)


_EAGER_CTX = None


def _eager_ctx():
    global _EAGER_CTX
    if _EAGER_CTX is None:
        from .executor import EagerContext
        _EAGER_CTX = EagerContext()
    return _EAGER_CTX


# -------------------------------------------------------------------- sources
class Const(Operation):
    """A constant value; evaluates to the same array every run."""
    type = "Const"
    differentiable = False

    def __init__(self, value):
        self.value = value

    def forward(self):
        return self.value

    def infer(self):
        return [(self.value.shape, _dtype_of_array(self.value))]

    def _build(self, inputs, name=None, control_inputs=None):
        st = context.state
        if st.graph_mode or st.symbolic:
            return Operation._build(self, inputs, name, control_inputs)
        out = Operation._build(self, inputs, name, control_inputs)
        return out


class Placeholder(Operation):
    """A value that must be fed in ``Session.run``."""
    type = "Placeholder"
    differentiable = False
    stateful = True

    def __init__(self, dtype, shape):
        self.dtype = dtype
        self.shape = shape

    def infer(self):
        return [(self.shape.as_tuple(), self.dtype)]

    def bind(self, ctx):
        raise_missing_feed(self.outputs[0])


def raise_missing_feed(t):
    from .errors import InvalidArgumentError
    op = t.op
    shape = op.shape
    sh = "" if shape.ndims is None else " and shape [%s]" % ",".join(
        "?" if d is None else str(d) for d in shape.as_tuple())
    raise InvalidArgumentError(None, op, "You must feed a value for placeholder tensor '%s' with dtype %s%s\n"
                               "\t [[node %s ]]" % (op.name, dtypes.short_name(op.dtype), sh, op.name))


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """A constant tensor (``tf.constant``)."""
    if isinstance(value, Tensor):
        if value._value is None:
            raise TypeError("tf.constant needs a concrete value; received the symbolic tensor "
                            f"{value.name}. Use tf.identity or tf.cast on tensors.")
        value = value._value
    dt = dtypes.as_dtype(dtype) if dtype is not None else dtype_of_value(value)
    arr = to_array(value, dt)
    if shape is not None:
        shape = tuple(int(s) for s in (shape if isinstance(shape, (list, tuple)) else [shape]))
        if arr.size == 1 and int(np.prod(shape)) != 1:
            arr = np.full(shape, arr.reshape(()), dtype=arr.dtype)
        elif arr.size == int(np.prod(shape)):
            arr = arr.reshape(shape)
        elif verify_shape or arr.size != 1:
            raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tensor {value} "
                            f"(converted from {value}) has {arr.size} elements, but got `shape` {shape} "
                            f"with {int(np.prod(shape))} elements).")
    return Const(arr)._build((), name)


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None):
    """A Tensor from a Tensor, Variable, NumPy array, Python scalar or (nested) list."""
    if isinstance(value, Tensor):
        if dtype is not None and dtypes.as_dtype(dtype) is not value.dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for Tensor "
                             f"with dtype {value.dtype.name}: {value}")
        return value
    conv = getattr(value, "_as_tensor", None)
    if conv is not None:
        t = conv()
        if dtype is not None and dtypes.as_dtype(dtype) is not t.dtype:
            raise ValueError(f"Tensor conversion requested dtype {dtypes.as_dtype(dtype).name} for "
                             f"variable with dtype {t.dtype.name}")
        return t
    if isinstance(value, (list, tuple)) and any(isinstance(x, Tensor) or hasattr(x, "_as_tensor")
                                               for x in _flat(value)):
        from ..ops.array_ops import stack
        return stack([convert_to_tensor(x, dtype=dtype) if not isinstance(x, (list, tuple)) else
                      convert_to_tensor(x, dtype=dtype) for x in value], name=name or "packed")
    hint = dtype if dtype is not None else (preferred_dtype or dtype_hint)
    if dtype is None and hint is not None:
        natural = dtype_of_value(value)
        hint = dtypes.as_dtype(hint)
        # a Python number takes the hint when it fits (2 -> 2.0 for a float op); arrays keep theirs
        if isinstance(value, np.ndarray) or natural is dtypes.string or \
                (natural.is_floating and not hint.is_floating and not isinstance(value, (list, tuple))):
            dt = natural
        else:
            dt = hint if not (natural.is_floating and hint.is_integer) else natural
    elif dtype is not None:
        dt = dtypes.as_dtype(dtype)
    else:
        dt = dtype_of_value(value)
    return constant(value, dt, name=name or "Const")


def _flat(v):
    for x in v:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def binary_inputs(x, y):
    """Converts two operands, giving a Python value the dtype of the tensor beside it."""
    xt = isinstance(x, Tensor) or hasattr(x, "_as_tensor")
    yt = isinstance(y, Tensor) or hasattr(y, "_as_tensor")
    if xt:
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype_hint=x.dtype) if not yt else convert_to_tensor(y)
    elif yt:
        y = convert_to_tensor(y)
        x = convert_to_tensor(x, dtype_hint=y.dtype)
    else:
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype_hint=x.dtype)
    return x, y


def check_same_dtype(op_type, x, y, xname="x", yname="y"):
    if x.dtype is not y.dtype:
        raise TypeError(f"Input '{yname}' of '{op_type}' Op has type {y.dtype.name} that does not match "
                        f"type {x.dtype.name} of argument '{xname}'.")


def shape_of(t):
    return TensorShape(t._shape)
