"""``Variable``: state that lives per session (graph mode) or in the object itself (eager)."""
import numpy as np

from . import context, dtypes
from .errors import FailedPreconditionError
from .graph import GraphKeys, get_default_graph
from .op import Operation, convert_to_tensor
from .shape import TensorShape
from .tensor import Tensor, _binary


class VarRead(Operation):
    """Reads the current value of a variable (the variable's own output ``name:0``)."""
    type = "VariableV2"
    stateful = True
    differentiable = False

    def __init__(self, var):
        self.var = var

    def infer(self):
        return [(self.var._shape.as_tuple(), self.var.dtype)]

    def bind(self, ctx):
        return ctx.reader(self.var)


class Assign(Operation):
    """Writes a value into a variable and returns it (``tf.assign``; also assign_add/assign_sub)."""
    type = "Assign"
    stateful = True
    differentiable = False

    def __init__(self, var, mode="set", validate_shape=True):
        self.var, self.mode, self.validate_shape = var, mode, validate_shape
        self.type = {"set": "Assign", "add": "AssignAdd", "sub": "AssignSub"}[mode]

    def infer(self, value):
        return [(self.var._shape.as_tuple() if self.validate_shape else value._shape.as_tuple(),
                 self.var.dtype)]

    def bind(self, ctx):
        write, mode, dt = ctx.writer(self.var), self.mode, self.var.dtype._np
        if mode == "set":
            shape = self.var._shape

            def assign(v):
                if self.validate_shape and shape.is_fully_defined() and tuple(v.shape) != shape.as_tuple():
                    raise _shape_error(self.var, v)
                v = v.astype(dt, copy=True) if hasattr(v, "astype") else np.array(v, dtype=dt)
                write(v)
                return v
            return assign
        read = ctx.reader(self.var)
        sign = 1 if mode == "add" else -1

        def update(v):
            new = read() + v if sign > 0 else read() - v
            new = new.astype(dt, copy=False)
            write(new)
            return new
        return update


class _InitializedValue(Operation):
    """``variable.initialized_value()``: the variable's value if it is initialized, else the
    (input) initial value."""
    type = "Merge"
    stateful = True
    differentiable = False

    def __init__(self, var):
        self.var = var

    def infer(self, init):
        return [(self.var._shape.as_tuple(), self.var.dtype)]

    def bind(self, ctx):
        read, var = ctx.reader(self.var), self.var
        return lambda init: read() if ctx.is_initialized(var) else init


def _shape_error(var, v):
    from .errors import InvalidArgumentError
    return InvalidArgumentError(None, None, "Assign requires shapes of both tensors to match. lhs shape= "
                                f"{list(var._shape.as_tuple())} rhs shape= {list(v.shape)}")


class Variable:
    """A trainable or non-trainable state tensor (``tf.Variable``).

    Args:
      initial_value: a Tensor, array, Python value or a callable returning one.
      trainable: add to ``TRAINABLE_VARIABLES`` (the default optimizers' var_list).
      name: the variable's name (made unique in the graph).
      dtype: convert the initial value to this dtype.
    Example:
      >>> W = tf.Variable(tf.zeros([2, 1]), name="W")
    """

    _is_variable = True

    def __init__(self, initial_value=None, trainable=True, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None, expected_shape=None,
                 import_scope=None, constraint=None, use_resource=None, synchronization=None,
                 aggregation=None, shape=None):
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        g = get_default_graph()
        self.graph = g
        base = name if name is not None else "Variable"
        if base.endswith(":0"):
            base = base[:-2]
        self._name = g.unique_name(base)
        from .graph import name_scope as _ns
        # as TF's init_scope: a variable's initialization never waits on the enclosing
        # control_dependencies (e.g. optimizer slots made under UPDATE_OPS dependencies)
        with g.control_dependencies(None), _ns(self._name + "/"):
            with context.symbolic() if context.state.graph_mode else _Null():
                if callable(initial_value) and not isinstance(initial_value, Tensor):
                    initial_value = initial_value()
                init = convert_to_tensor(initial_value, dtype=dtype, name="initial_value") \
                    if not isinstance(initial_value, Tensor) else initial_value
                if dtype is not None and init.dtype is not dtypes.as_dtype(dtype):
                    from ..ops.math_ops import cast
                    init = cast(init, dtype)
        self._initial_value = init
        self.dtype = init.dtype
        self._shape = TensorShape(shape) if shape is not None else init._shape
        self.trainable = bool(trainable)
        self.constraint = constraint
        self._value = None if init._value is None else np.array(init._value, copy=True)
        self._ref = None
        self._op = _VarOp(self)
        with g.control_dependencies(None), _ns(self._name + "/"):
            with context.symbolic():
                self.initializer = Assign(self, "set", validate_shape)._build(
                    (init,), name="Assign").op
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections = list(collections) + [GraphKeys.TRAINABLE_VARIABLES]
        for c in collections:
            g.add_to_collection(c, self)

    # ---------------------------------------------------------------- reading
    def _as_tensor(self):
        st = context.state
        if st.graph_mode or st.symbolic or self._value is None:
            if self._ref is None:
                with context.symbolic():
                    r = VarRead(self)
                    r.graph = self.graph
                    r.inputs, r.control_inputs = (), []
                    r.name = self._name
                    r.outputs = (Tensor(r, 0, self.dtype, self._shape),)
                    if self._name not in self.graph._ops_by_name:
                        self.graph._ops_by_name[self._name] = r
                        self.graph._ops.append(r)
                self._ref = r.outputs[0]
            return self._ref
        r = VarRead(self)
        r.graph, r.inputs, r.name = self.graph, (), self._name + "/read"
        r.control_inputs = [d for deps in self.graph._control_deps for d in deps]
        r.outputs = (Tensor(r, 0, self.dtype, self._value.shape, self._value),)
        for tape in st.tapes:
            tape._record(r)
        return r.outputs[0]

    def value(self):
        return self._as_tensor()

    def read_value(self):
        """A fresh read of the variable: in graph code it honours the enclosing control_dependencies."""
        st = context.state
        if st.graph_mode or st.symbolic or self._value is None:
            return VarRead(self)._build((), name=self._name + "/read")
        return self._as_tensor()

    def _graph_op(self):
        return self._as_tensor().op

    @property
    def op(self):
        return self._op

    @property
    def name(self):
        return self._name + ":0"

    @property
    def shape(self):
        return self._shape

    def get_shape(self):
        return self._shape

    @property
    def initial_value(self):
        return self._initial_value

    def initialized_value(self):
        """The variable's value once initialized: its current value when it is initialized,
        else its initial value (TF's ``cond(is_variable_initialized(v), v.read_value,
        lambda: v.initial_value)``), e.g. to initialize another variable from this one."""
        st = context.state
        if not (st.graph_mode or st.symbolic) and self._value is not None:
            return self.read_value()
        with self.graph.control_dependencies(None):
            return _InitializedValue(self)._build((self._initial_value,),
                                                  name=self._name + "/initialized_value")

    @property
    def device(self):
        return ""

    @property
    def ndim(self):
        return self._shape.ndims

    def numpy(self):
        if self._value is None:
            raise FailedPreconditionError(None, None, f"Attempting to use uninitialized value {self._name}: "
                                          "this variable was made in graph mode; read it with sess.run.")
        v = np.array(self._value, copy=True)
        return v if v.ndim else v[()]

    def eval(self, session=None):
        return self._as_tensor().eval(session=session)

    def __array__(self, dtype=None, copy=None):
        v = self.numpy() if self._value is not None else np.asarray(self.eval())
        return np.asarray(v, dtype=dtype)

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __len__(self):
        return len(self._as_tensor())

    def __iter__(self):
        return iter(self._as_tensor())

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def ref(self):
        """A hashable reference to this variable (``deref()`` gives it back)."""
        from .tensor import _Ref
        return _Ref(self)

    experimental_ref = ref

    def __repr__(self):
        if self._value is not None and not context.state.graph_mode:
            from .tensor import _np_repr, _shape_str2
            return "<tf.Variable '%s' shape=%s dtype=%s, numpy=%s>" % (
                self.name, _shape_str2(self._shape), self.dtype.name, _np_repr(self._value))
        return "<tf.Variable '%s' shape=%s dtype=%s_ref>" % (self.name, self._shape, self.dtype.name)

    # ---------------------------------------------------------------- writing
    def _assign(self, mode, value, name, read_value=True):
        value = convert_to_tensor(value, dtype=self.dtype)
        out = Assign(self, mode)._build((value,), name=name or Assign.type)
        return out if read_value else out.op

    def assign(self, value, use_locking=None, name=None, read_value=True):
        return self._assign("set", value, name, read_value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._assign("add", delta, name or "AssignAdd", read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._assign("sub", delta, name or "AssignSub", read_value)

    def load(self, value, session=None):
        from .session import get_default_session
        sess = session or get_default_session()
        if sess is None:
            self._value = np.array(value, dtype=self.dtype._np)
        else:
            sess._store[self] = np.array(value, dtype=self.dtype._np)

    def set_shape(self, shape):
        self._shape = self._shape.merge_with(shape)
        if self._ref is not None:   # the graph read tensor carries the refined shape too
            self._ref._shape = self._ref._shape.merge_with(shape)


class _VarOp:
    """``variable.op``: what TF1 code passes around (name, run of the initializer in a group)."""

    def __init__(self, var):
        self._var = var
        self.type = "VariableV2"

    @property
    def name(self):
        return self._var._name

    @property
    def graph(self):
        return self._var.graph

    @property
    def outputs(self):
        return (self._var._as_tensor(),)

    def _graph_op(self):
        return self._var._as_tensor().op


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def _vbinary(name, reverse=False):
    f = _binary(name, reverse)

    def g(self, other):
        return f(self._as_tensor(), other)
    g.__name__ = f.__name__
    return g


for _n in ["__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__", "__mod__", "__pow__",
           "__matmul__", "__lt__", "__le__", "__gt__", "__ge__", "__and__", "__or__", "__xor__",
           "__getitem__", "__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rfloordiv__",
           "__rmod__", "__rpow__", "__rmatmul__", "__rand__", "__ror__", "__rxor__", "__neg__",
           "__abs__", "__invert__", "__div__", "__rdiv__"]:
    _m = getattr(Tensor, _n)
    setattr(Variable, _n, (lambda m: lambda self, *a: m(self._as_tensor(), *a))(_m))


def global_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


all_variables = global_variables


def trainable_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None):
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """One op that runs the initializers of ``var_list`` (``tf.variables_initializer``)."""
    from ..ops.control_flow_ops import group
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer():
    context.enter_graph_mode()
    return variables_initializer(global_variables())


initialize_all_variables = global_variables_initializer


def local_variables_initializer():
    return variables_initializer(local_variables(), name="init_1")


def is_variable_initialized(variable):
    from .op import Operation as _O

    class _IsInit(_O):
        type = "IsVariableInitialized"
        stateful = True
        differentiable = False

        def infer(self):
            return [((), dtypes.bool_)]

        def bind(self, ctx):
            return lambda: np.bool_(ctx.is_initialized(variable))
    return _IsInit()._build((), name="IsVariableInitialized")


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    from .op import Operation as _O
    vl = global_variables() if var_list is None else var_list

    class _Report(_O):
        type = "ReportUninitializedVariables"
        stateful = True
        differentiable = False

        def infer(self):
            return [((None,), dtypes.string)]

        def bind(self, ctx):
            return lambda: np.array([v._name.encode() for v in vl if not ctx.is_initialized(v)], dtype=object)
    return _Report()._build((), name=name)


def assert_variables_initialized(var_list=None):
    """An op that, when run, raises FailedPreconditionError for the first uninitialized variable
    (TF1's "Attempting to use uninitialized value ...") and otherwise gives the variables'
    ranks; None when there are no variables."""
    from .executor import _uninit
    from .op import Operation as _O
    vl = global_variables() if var_list is None else list(var_list)
    if not vl:
        return None

    class _Assert(_O):
        type = "AssertVariablesInitialized"
        stateful = True
        differentiable = False

        def infer(self):
            return [((len(vl),) if len(vl) > 1 else (), dtypes.int32)]

        def bind(self, ctx):
            def run():
                for v in vl:
                    if not ctx.is_initialized(v):
                        raise _uninit(v)
                ranks = np.array([len(v.shape) for v in vl], np.int32)
                return ranks if len(vl) > 1 else ranks[0]
            return run
    return _Assert()._build((), name="assert_variables_initialized")


def _var_of(ref, what):
    if not getattr(ref, "_is_variable", False):
        raise TypeError(f"Invalid value for argument `ref` of tf.{what}: expected a tf.Variable. "
                        f"Received: ref={ref!r}")
    return ref


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """Writes ``value`` into variable ``ref`` when run; returns the new value (``tf.assign``)."""
    v = _var_of(ref, "assign")
    context.enter_graph_mode()
    value = convert_to_tensor(value, dtype=v.dtype)
    return Assign(v, "set", validate_shape is not False)._build((value,), name or "Assign")


def assign_add(ref, value, use_locking=None, name=None):
    context.enter_graph_mode()
    return _var_of(ref, "assign_add").assign_add(value, name=name)


def assign_sub(ref, value, use_locking=None, name=None):
    context.enter_graph_mode()
    return _var_of(ref, "assign_sub").assign_sub(value, name=name)
