"""``tf.train.Optimizer`` and ``GradientDescentOptimizer``: TF1's update rules as fused in-place ops.

Each optimizer's update for one variable is one stateful op (``_Apply``) whose bound function
reads the variable and its slots from the run context and updates them in place, so a training
step costs one Python call per variable.
"""
from ..core import context
from ..core.gradients import gradients
from ..core.graph import GraphKeys, get_default_graph, name_scope
from ..core.op import Operation, convert_to_tensor
from ..core.variables import Variable, trainable_variables
from ..ops.control_flow_ops import group


class _Apply(Operation):
    """Updates ``var`` (and its slots) in place from a gradient; subclasses give ``update``."""
    stateful = True
    differentiable = False

    def __init__(self, opt, var, slots):
        self.opt, self.var, self.slots = opt, var, slots
        self.type = opt._apply_type

    def infer(self, *xs):
        return [(self.var._shape.as_tuple(), self.var.dtype)]

    def bind(self, ctx):
        read = ctx.reader(self.var)
        write = ctx.writer(self.var)
        slot_reads = [ctx.reader(s) for s in self.slots]
        update = self.opt._update_fn(self.var)

        def apply(g, *hyper):
            w = read()
            if not w.flags.writeable or w.base is not None:
                w = w.copy()
                write(w)
            update(w, g, [r() for r in slot_reads], *hyper)
            return w
        return apply


class Optimizer:
    """Base class of the TF1 optimizers (``tf.train.Optimizer``).

    Subclasses define ``_slot_names``, ``_hyper()`` (tensors fed to the update each step) and
    ``_update_fn(var)`` returning ``update(w, g, slots, *hyper)`` that changes w and slots in place.
    """

    GATE_NONE, GATE_OP, GATE_GRAPH = 0, 1, 2
    _slot_names = ()
    _apply_type = "ApplyGradient"

    def __init__(self, use_locking=False, name="Optimizer"):
        self._use_locking = use_locking
        self._name = name
        self._slots = {}  # (slot name, var) -> Variable
        self._non_slot = {}

    def get_name(self):
        return self._name

    # ---------------------------------------------------------------- public API
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP,
                 aggregation_method=None, colocate_gradients_with_ops=False, name=None, grad_loss=None):
        """Adds ops that compute gradients of ``loss`` and apply them (``Optimizer.minimize``)."""
        gvs = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        vars_with_grad = [v for g, v in gvs if g is not None]
        if not vars_with_grad:
            raise ValueError("No gradients provided for any variable, check your graph for ops that do "
                             "not support gradients, between variables %s and loss %s."
                             % ([str(v.name) for _, v in gvs], loss))
        return self.apply_gradients(gvs, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP, aggregation_method=None,
                          colocate_gradients_with_ops=False, grad_loss=None):
        """A list of (gradient, variable) pairs; gradient None where loss does not depend on it."""
        if callable(loss) and not hasattr(loss, "op"):
            from ..core.tape import GradientTape
            with GradientTape() as tape:
                value = loss()
            if var_list is None:
                var_list = list(tape.watched_variables())
            var_list = var_list() if callable(var_list) else list(var_list)
            grads = tape.gradient(value, var_list)
            return list(zip(grads, var_list))
        if not context.state.symbolic:
            context.enter_graph_mode()
        loss = convert_to_tensor(loss)
        if var_list is None:
            var_list = trainable_variables() + get_default_graph().get_collection(
                GraphKeys.TRAINABLE_RESOURCE_VARIABLES)
        var_list = list(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        with name_scope("gradients"):
            grads = gradients(loss, var_list, grad_ys=grad_loss)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """An op that applies the gradients to the variables (``Optimizer.apply_gradients``)."""
        gvs = [(g, v) for g, v in grads_and_vars]
        if not gvs:
            raise ValueError("No variables provided.")
        if all(g is None for g, _ in gvs):
            raise ValueError("No gradients provided for any variable: %s." % ([v.name for _, v in gvs],))
        with name_scope(name or self._name):
            var_list = [v for g, v in gvs if g is not None]
            with context.symbolic() if context.state.graph_mode else _Null():
                self._create_slots(var_list)
                self._prepare()
            ops = []
            for g, v in gvs:
                if g is None:
                    continue
                g = convert_to_tensor(g)
                if g.dtype is not v.dtype:
                    from ..ops.math_ops import cast
                    g = cast(g, v.dtype)
                slots = [self._slots[(n, v)] for n in self._slot_names]
                hyper = tuple(convert_to_tensor(h, dtype=v.dtype) if not hasattr(h, "op") else h
                              for h in self._hyper(v))
                out = _Apply(self, v, slots)._build((g,) + hyper, name="update_" + v.op.name)
                ops.append(out.op)
            finish = self._finish(ops)
            if global_step is None:
                return group(*finish, name=name or self._name)
            from ..core.graph import control_dependencies
            with control_dependencies(finish):
                step = global_step.assign_add(1, name=name or self._name)
            return step.op if hasattr(step, "op") else step

    # ---------------------------------------------------------------- slots
    def _create_slots(self, var_list):
        for n in self._slot_names:
            for v in var_list:
                if (n, v) not in self._slots:
                    self._slots[(n, v)] = self._zeros_slot(v, n)

    def _zeros_slot(self, var, slot_name, init=0.0):
        from ..ops.array_ops import fill
        with name_scope(var.op.name + "/"):
            shape = var._shape.as_list()
            return Variable(fill(shape, init, dtype=var.dtype) if init else _zeros(shape, var.dtype),
                            trainable=False, name=self._name if slot_name == self._slot_names[0]
                            else self._name + "_%d" % self._slot_names.index(slot_name))

    def get_slot(self, var, name):
        return self._slots.get((name, var))

    def get_slot_names(self):
        return list(self._slot_names)

    def variables(self):
        return [s for s in self._slots.values()] + list(self._non_slot.values())

    def _prepare(self):
        pass

    def _finish(self, update_ops):
        return update_ops

    def _hyper(self, var):
        raise NotImplementedError

    def _update_fn(self, var):
        raise NotImplementedError


def _zeros(shape, dtype):
    from ..ops.array_ops import zeros
    return zeros(shape, dtype=dtype)


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def _lr(learning_rate):
    return learning_rate() if callable(learning_rate) and not hasattr(learning_rate, "op") else learning_rate


class GradientDescentOptimizer(Optimizer):
    """w -= learning_rate * g (``tf.train.GradientDescentOptimizer``)."""
    _apply_type = "ApplyGradientDescent"

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _hyper(self, var):
        return (_lr(self._learning_rate),)

    def _update_fn(self, var):
        def update(w, g, slots, lr):
            w -= lr * g
        return update
