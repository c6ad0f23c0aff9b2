"""``tf.train.Optimizer`` and ``GradientDescentOptimizer``: TF1 update rules as fused in-place ops.

Each optimizer's update for one variable is one stateful op (``_Apply``) whose bound function
reads the variable and its slots from the run context and updates them in place, so a training
step costs one Python call per variable. Hyperparameters given as Python numbers are baked into
that function; only tensors (schedules, placeholders, variables) are inputs of the op. A large
variable's built-in update (elementwise) runs in slices on the matmul worker threads
(``core/parallel.py``), each slice with its own scratch arrays.
"""
import numbers
import threading

import numpy as np

from ..core import blas, context, parallel
from ..core.backend import get_array_module
from ..core.gradients import gradients
from ..core.graph import GraphKeys, control_dependencies, get_default_graph, name_scope
from ..core.op import Operation, convert_to_tensor
from ..core.tensor import Tensor
from ..core.variables import Variable, trainable_variables
from ..ops.control_flow_ops import group

_VALID_DTYPES = ("float16", "bfloat16", "float32", "float64")


class _Apply(Operation):
    """Updates ``var`` and its slots in place from a gradient (math: ``opt._update_fn``).

    Inputs: the gradient, then the tensor hyperparameters. ``spec`` lists every hyperparameter
    of ``update``: a baked Python float, or None for the next tensor input (read as a float).
    Without ``spec`` the tensor inputs' arrays are passed to ``update`` as they are.
    """
    stateful = True
    differentiable = False
    writes_in_place = True

    def __init__(self, opt, var, slots, spec=None, copy_on_write=False):
        self.opt, self.var, self.slots, self.spec = opt, var, slots, spec
        self.copy_on_write = copy_on_write
        self.type = opt._apply_type

    def infer(self, *xs):
        return [(self.var._shape.as_tuple(), self.var.dtype)]

    def bind(self, ctx):
        read, write = ctx.reader(self.var), ctx.writer(self.var)
        slots = [(ctx.reader(s), ctx.writer(s)) for s in self.slots]
        update = self.opt._update_fn(self.var)
        if getattr(type(self.opt)._update_fn, "__module__", "").startswith("neuroflow."):
            update = _sliced(update)   # built-in rules are elementwise; a user's may not be
        spec = None if self.spec is None else tuple(self.spec)
        if self.copy_on_write:
            # eager: tensors read from the variable earlier keep their values, as in TF2
            read_var = read

            def read():
                a = read_var().copy()
                write(a)
                return a
        if spec is None:
            def apply_raw(g, *hyper):
                w = _own(read(), write)
                update(w, g, [_own(r(), wr) for r, wr in slots], *hyper)
                return w
            return apply_raw
        if None not in spec:
            def apply(g):
                w = _own(read(), write)
                update(w, g, [_own(r(), wr) for r, wr in slots], *spec)
                return w
            return apply

        def apply_fed(g, *ts):
            it = iter(ts)
            h = [float(next(it)) if c is None else c for c in spec]
            w = _own(read(), write)
            update(w, g, [_own(r(), wr) for r, wr in slots], *h)
            return w
        return apply_fed

    def matmul_rule(self):
        """True when the optimizer can apply a product's gradient without forming it (never
        for a copy-on-write eager update: it must not change arrays read before it)."""
        return not self.copy_on_write and self.opt._matmul_update_fn(self.var) is not None

    def bind_matmul(self, ctx, mm):
        """Like ``bind``, for a plan that folded the gradient's MatMul ``mm`` into this update
        (``core/fusion.py``): called with mm's two inputs, then the tensor hyperparameters."""
        read, write = ctx.reader(self.var), ctx.writer(self.var)
        slots = [(ctx.reader(s), ctx.writer(s)) for s in self.slots]
        rule = self.opt._matmul_update_fn(self.var)
        ta, tb, spec = mm.transpose_a, mm.transpose_b, self.spec
        plain, product = self.bind(ctx), mm.bind(ctx)

        def apply_product(a, b, *ts):
            if spec is None:
                h = ts
            else:
                it = iter(ts)
                h = [float(next(it)) if c is None else c for c in spec]
            w = _own(read(), write)
            if rule(w, a, b, ta, tb, [_own(r(), wr) for r, wr in slots], *h):
                return w
            return plain(product(a, b), *ts)   # arrays BLAS cannot take: the ordinary way
        return apply_product


class _Gate(Operation):
    """Passes the gradients through unchanged: the updates that read its outputs wait for all."""
    type = "IdentityN"
    differentiable = False
    multi_output = True
    is_gate = True

    def forward(self, *gs):
        return gs

    def infer(self, *gs):
        return [(g._shape.as_tuple(), g.dtype) for g in gs]


def _own(a, write):
    """``a`` if it may be updated in place, else a private copy written back first."""
    if type(a) is np.ndarray:
        if a.flags.writeable and a.base is None:
            return a
    elif hasattr(a, "__cuda_array_interface__"):  # CuPy arrays are always writeable
        return a
    a = get_array_module(a).array(a, copy=True)
    write(a)
    return a


# work per slice at least, in element-passes (an update makes about 2 + 5 x slots passes over
# its arrays): a hand-off costs ~60 us, SGD's 2 passes over 262,144 floats ~46 us in all
MIN_SLICE_WORK = 3 << 19
_slice = threading.local()   # .index: which slice this thread updates (None: the whole variable)


def _sliced(update):
    """``update`` run on up to ``parallel.num_parts()`` slices of a large variable at once."""
    def run(w, g, slots, *h):
        n = w.size
        parts = min(parallel.num_parts(), n * (2 + 5 * len(slots)) // MIN_SLICE_WORK)
        if (parts < 2 or type(w) is not np.ndarray
                or type(g) is not np.ndarray or g.shape != w.shape or g.dtype != w.dtype
                or not (w.flags.c_contiguous and g.flags.c_contiguous)
                or any(type(s) is not np.ndarray or s.shape != w.shape
                       or not s.flags.c_contiguous for s in slots)):
            return update(w, g, slots, *h)
        fw, fg, fs = w.reshape(-1), g.reshape(-1), [s.reshape(-1) for s in slots]
        parallel.run_parallel([
            (_update_slice, (update, k, fw[i:j], fg[i:j], [s[i:j] for s in fs], h))
            for k, (i, j) in enumerate(parallel.bounds(n, parts))])
    return run


def _update_slice(update, k, w, g, slots, h):
    _slice.index = k
    try:
        update(w, g, slots, *h)
    finally:
        _slice.index = None


class _Scratch:
    """``n`` temporaries for one variable's update (one set per slice when it is updated in
    slices), allocated once and reused every step."""

    def __init__(self, n):
        self.n, self.bufs = n, {}

    def __call__(self, w):
        k = getattr(_slice, "index", None)
        b = self.bufs.get(k)
        if b is None or b[0].shape != w.shape or b[0].dtype != w.dtype:
            xp = get_array_module(w)
            b = self.bufs[k] = [xp.empty_like(w) for _ in range(self.n)]
        return b


def _is_number(h):
    if isinstance(h, (numbers.Number, np.generic)) and not isinstance(h, bool):
        return True
    return isinstance(h, np.ndarray) and h.size == 1


def _resolve(h):
    """A hyperparameter as given: a callable is called (TF1 eager), a schedule tensor is re-read."""
    if callable(h) and not hasattr(h, "op") and not _is_number(h):
        h = h()
    if isinstance(h, Tensor) and h._value is not None and context.executing_eagerly():
        fresh = getattr(h.op, "_recompute", None)
        if fresh is not None:
            return fresh()
    return h


class Optimizer:
    """Base class of the TF1 optimizers (``tf.train.Optimizer``).

    Subclasses set ``_slot_names`` (in creation order), ``_hyper()`` (the hyperparameters the
    update reads: Python numbers are baked in, tensors and variables are read every step) and
    ``_update_fn(var)`` returning ``update(w, g, slots, *hyper)`` that changes w and slots in place.

    Example:
      >>> opt = tf.train.GradientDescentOptimizer(0.1)
      >>> train = opt.minimize(cost, global_step=global_step)
    """

    GATE_NONE, GATE_OP, GATE_GRAPH = 0, 1, 2
    _slot_names = ()
    _apply_type = "ApplyGradient"

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}     # slot name -> {var: slot Variable}
        self._non_slot = {}  # (name, graph) -> Variable

    def get_name(self):
        return self._name

    # ---------------------------------------------------------------- public API
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None,
                 grad_loss=None):
        """Adds ops that compute gradients of ``loss`` and apply them (``Optimizer.minimize``).

        Args:
          loss: a Tensor (graph mode) or a callable returning the loss (eager mode).
          global_step: optional Variable to increment by one after the variables are updated.
          var_list: the variables to update; default: the trainable variables.
        Returns:
          The operation that applies the update (and increments ``global_step``).
        """
        gvs = self.compute_gradients(loss, var_list=var_list, gate_gradients=gate_gradients,
                                     aggregation_method=aggregation_method,
                                     colocate_gradients_with_ops=colocate_gradients_with_ops,
                                     grad_loss=grad_loss)
        vars_with_grad = [v for g, v in gvs if g is not None]
        if not vars_with_grad:
            raise ValueError("No gradients provided for any variable, check your graph for ops "
                             "that do not support gradients, between variables %s and loss %s."
                             % ([str(v) for _, v in gvs], loss))
        return self.apply_gradients(gvs, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP,
                          aggregation_method=None, colocate_gradients_with_ops=False,
                          grad_loss=None):
        """A list of (gradient, variable) pairs; gradient None where loss does not depend on it."""
        if callable(loss) and not hasattr(loss, "op") and not context.executing_eagerly():
            loss = loss()   # graph mode: the callable builds the loss tensor
        if callable(loss) and not hasattr(loss, "op"):
            from ..core.tape import GradientTape
            with GradientTape() as tape:
                if var_list is not None and not callable(var_list):
                    tape.watch(list(var_list))
                value = loss()
            if var_list is None:
                var_list = list(tape.watched_variables())
            var_list = var_list() if callable(var_list) else list(var_list)
            grads = tape.gradient(value, var_list)
            gvs = list(zip(grads, var_list))
            _check_dtypes([v for g, v in gvs if g is not None])
            return gvs
        if not context.state.symbolic:
            context.enter_graph_mode()
        loss = convert_to_tensor(loss)
        _check_dtypes([loss])
        if var_list is None:
            var_list = trainable_variables() + get_default_graph().get_collection(
                GraphKeys.TRAINABLE_RESOURCE_VARIABLES)
        var_list = list(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        with name_scope("gradients"):
            grads = gradients(loss, var_list, grad_ys=grad_loss)
        gvs = list(zip(grads, var_list))
        _check_dtypes([v for g, v in gvs if g is not None])
        return gvs

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """An op that applies the gradients to the variables (``Optimizer.apply_gradients``).

        In eager mode the variables are updated at once.
        """
        gvs = [(g, v) for g, v in grads_and_vars]
        if not gvs:
            raise ValueError("No variables provided.")
        var_list = [v for g, v in gvs if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: %s."
                             % ([str(v) for _, v in gvs],))
        st = context.state
        graph_mode = st.graph_mode or st.symbolic
        with _init_scope():
            self._create_slots(var_list)
        with name_scope(name, self._name) as scope:
            self._prepare()
            fused = type(self)._update_fn is not Optimizer._update_fn
            spec, tensors = self._hyper_spec() if fused else (None, ())
            grads = []
            for g, v in gvs:
                if g is None:
                    continue
                g = convert_to_tensor(g)
                if g.dtype is not v.dtype:
                    from ..ops.math_ops import cast
                    g = cast(g, v.dtype)
                grads.append((g, v))
            if graph_mode and len(grads) > 1:
                # every gradient is computed before any variable changes in place
                gated = _Gate()._build(tuple(g for g, _ in grads), name="gate")
                grads = [(g, v) for g, (_, v) in zip(gated, grads)]
            update_ops = []
            for g, v in grads:
                if not fused:  # a user's subclass written with TF1's _apply_dense (composed ops)
                    with name_scope("update_" + v.op.name):
                        update_ops.append(_as_op(self._apply_dense(g, v)))
                    continue
                slots = [self._slots[n][v] for n in self._slot_names if v in self._slots.get(n, {})]
                out = _Apply(self, v, slots, spec, copy_on_write=not graph_mode)._build(
                    (g,) + tensors, name="update_" + v.op.name)
                update_ops.append(out.op)
            if global_step is None:
                apply_updates = self._finish(update_ops, "apply")
            else:
                with control_dependencies([self._finish(update_ops, "update")]):
                    apply_updates = global_step.assign_add(1, name="global_step_add")
                apply_updates = getattr(apply_updates, "op", apply_updates)
        if graph_mode:
            _rename(apply_updates, scope[:-1])  # TF1 names the train op like its scope ("Adam")
            train_ops = get_default_graph().get_collection_ref(GraphKeys.TRAIN_OP)
            if apply_updates not in train_ops:
                train_ops.append(apply_updates)
        return apply_updates

    def _hyper_spec(self):
        """(spec, tensors): per hyperparameter a baked float, or None for the next tensor input."""
        spec, tensors = [], []
        for h in self._hyper():
            h = _resolve(h)
            if _is_number(h):
                spec.append(float(h))
            else:
                spec.append(None)
                tensors.append(convert_to_tensor(h))
        return spec, tuple(tensors)

    # ---------------------------------------------------------------- slots
    def _create_slots(self, var_list):
        for v in var_list:
            for n in self._slot_names:
                self._zeros_slot(v, n, self._name)

    def _get_or_make_slot(self, var, value, slot_name, op_name):
        """The slot ``slot_name`` of ``var``, made filled with the constant ``value`` if new."""
        named = self._slots.setdefault(slot_name, {})
        if var not in named:
            with name_scope(var.op.name + "/"):
                init = _const_like(var, value)
                named[var] = Variable(init, trainable=False, name=op_name, dtype=var.dtype)
        return named[var]

    def _zeros_slot(self, var, slot_name, op_name):
        return self._get_or_make_slot(var, 0.0, slot_name, op_name)

    def _create_non_slot_variable(self, initial_value, name, colocate_with=None):
        key = (name, get_default_graph())
        v = self._non_slot.get(key)
        if v is None:
            v = self._non_slot[key] = Variable(initial_value, trainable=False, name=name)
        return v

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot.get((name, graph or get_default_graph()))

    def _non_slot_variables(self):
        return list(self._non_slot.values())

    def get_slot(self, var, name):
        """The slot variable ``name`` made for ``var`` (e.g. Adam's "m"), or None."""
        return self._slots.get(name, {}).get(var)

    def get_slot_names(self):
        return sorted(self._slots)

    def variables(self):
        """The variables this optimizer made (slots and e.g. Adam's beta powers), sorted by name."""
        g = get_default_graph()
        out = [v for (n, graph), v in self._non_slot.items() if graph is g]
        for named in self._slots.values():
            out.extend(s for s in named.values() if s.graph is g)
        return sorted(out, key=lambda v: v.name)

    # ---------------------------------------------------------------- for subclasses
    def _prepare(self):
        pass

    def _finish(self, update_ops, name_scope):
        return group(*update_ops, name=name_scope)

    def _hyper(self):
        raise NotImplementedError

    def _update_fn(self, var):
        raise NotImplementedError

    def _matmul_update_fn(self, var):
        """None, or ``rule(w, a, b, transpose_a, transpose_b, slots, *hyper)`` that applies the
        gradient ``op(a) @ op(b)`` without forming it and returns False when it cannot."""
        return None

    def _apply_dense(self, grad, var):
        raise NotImplementedError("An Optimizer subclass must define _apply_dense(grad, var) "
                                  "(TF1 style, returning an update op) or _hyper and _update_fn.")


def _const_like(var, value):
    """An initial-value tensor of var's shape and dtype filled with ``value``."""
    from ..ops.array_ops import fill, zeros, zeros_like
    shape = var._shape
    if not shape.is_fully_defined():
        z = zeros_like(var.initialized_value())
        return z if value == 0 else z + value
    if value == 0:
        return zeros(shape.as_list(), dtype=var.dtype)
    return fill(shape.as_list(), value, dtype=var.dtype)


def _as_op(x):
    if hasattr(x, "control_inputs"):
        return x
    return x._graph_op() if hasattr(x, "_graph_op") else x.op


def _rename(op, full_name):
    g = op.graph
    if full_name and g is not None and g._ops_by_name.get(op.name) is op \
            and full_name not in g._ops_by_name:
        del g._ops_by_name[op.name]
        op.name = full_name
        g._ops_by_name[full_name] = op


def _check_dtypes(tensors):
    for t in tensors:
        if t.dtype.name not in _VALID_DTYPES:
            raise ValueError("Invalid type %r for %s, expected: [%s]." % (
                t.dtype, t.name, ", ".join("tf." + d for d in _VALID_DTYPES)))


class _init_scope:
    """Where optimizer state is made (TF's init_scope): in graph mode as graph nodes run by the
    initializer; otherwise with values at once, even while a model is being built symbolically."""

    def __enter__(self):
        st = context.state
        self._saved = st.symbolic
        if st.graph_mode:
            st.symbolic += 1
        else:
            st.symbolic = 0
        # no enclosing control_dependencies: slot initializers must not wait on UPDATE_OPS
        self._deps = get_default_graph().control_dependencies(None)
        self._deps.__enter__()
        return self

    def __exit__(self, *a):
        self._deps.__exit__(*a)
        context.state.symbolic = self._saved
        return False


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent: ``var -= learning_rate * g`` (``tf.train.GradientDescentOptimizer``).

    Args:
      learning_rate: a Python float or a scalar Tensor (e.g. a decay schedule).
    Example:
      >>> train = tf.train.GradientDescentOptimizer(learning_rate=0.01).minimize(cost)
    """
    _apply_type = "ApplyGradientDescent"

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _hyper(self):
        return (self._learning_rate,)

    def _update_fn(self, var):
        scratch = _Scratch(1)

        def update(w, g, slots, lr):
            xp = get_array_module(w)
            t, = scratch(w)
            xp.multiply(g, lr, out=t)
            w -= t
        return update

    def _matmul_update_fn(self, var):
        def update(w, a, b, ta, tb, slots, lr):
            return blas.gemm_update(w, a, b, -lr, ta, tb)
        return update


class ProximalGradientDescentOptimizer(Optimizer):
    """Gradient descent with L1/L2 proximal steps (``tf.train.ProximalGradientDescentOptimizer``).

    prox = var - lr * g; var = sign(prox) / (1 + lr * l2) * max(|prox| - lr * l1, 0).
    """
    _apply_type = "ApplyProximalGradientDescent"

    def __init__(self, learning_rate, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False,
                 name="ProximalGradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength

    def _hyper(self):
        return (self._learning_rate, self._l1_regularization_strength,
                self._l2_regularization_strength)

    def _update_fn(self, var):
        scratch = _Scratch(1)

        def update(w, g, slots, lr, l1, l2):
            xp = get_array_module(w)
            t, = scratch(w)
            xp.multiply(g, lr, out=t)
            w -= t
            if l1 > 0:
                xp.abs(w, out=t)
                t -= lr * l1
                xp.maximum(t, 0, out=t)
                xp.copysign(t, w, out=w)  # sign(prox) * max(|prox| - lr*l1, 0)
            if l2 > 0:
                w /= 1 + lr * l2
        return update
