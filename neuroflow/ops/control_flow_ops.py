"""Grouping and control flow: group, no_op, tuple, cond, while_loop (``tf.group`` ...)."""
from ..core import context
from ._base import Operation, convert_to_tensor, dims, dtypes


class NoOp(Operation):
    """Does nothing; runs its control inputs first (what ``tf.group`` returns)."""
    type = "NoOp"
    differentiable = False
    multi_output = True

    def forward(self):
        return ()

    def infer(self):
        return []


def no_op(name=None):
    op = NoOp()
    op._build((), name or "NoOp")
    return op


def _as_op(x):
    if hasattr(x, "_graph_op"):
        return x._graph_op()
    return convert_to_tensor(x).op


def group(*inputs, name=None):
    """One op that runs all ``inputs`` (``tf.group``)."""
    deps = []
    for x in inputs:
        for y in (x if isinstance(x, (list, tuple)) else [x]):
            if y is not None:
                deps.append(_as_op(y))
    op = NoOp()
    st = context.state
    op._build((), name or "group_deps", control_inputs=deps)
    if not (st.graph_mode or st.symbolic):
        # eager: every dependency already ran
        pass
    return op


def tuple_(tensors, name=None, control_inputs=None):
    """Tensors that are available only after all of them are computed (``tf.tuple``)."""
    from .array_ops import Identity
    tensors = [convert_to_tensor(t) for t in tensors]
    deps = [t.op for t in tensors] + [_as_op(c) for c in (control_inputs or [])]
    return [Identity()._build((t,), "tuple", control_inputs=deps) for t in tensors]


class Cond(Operation):
    """Selects one of two precomputed branch values by a boolean scalar."""
    type = "Select"

    def forward(self, pred, *xs):
        n = len(xs) // 2
        return tuple(xs[:n]) if bool(pred) else tuple(xs[n:])

    def infer(self, pred, *xs):
        n = len(xs) // 2
        return [(dims(a) if dims(a) == dims(b) else None, a.dtype) for a, b in zip(xs[:n], xs[n:])]

    def backward(self, *gys):
        from .math_ops import cast
        p = cast(self.inputs[0], gys[0].dtype)
        return (None,) + tuple(g * p for g in gys) + tuple(g * (1 - p) for g in gys)


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """Value of ``true_fn()`` if ``pred`` else ``false_fn()`` (``tf.cond``).

    A Python bool or a concrete predicate calls only the chosen branch. A fed (symbolic) predicate
    builds both branches and selects at run time, so both branches must be side-effect free.
    """
    true_fn = true_fn or fn1
    false_fn = false_fn or fn2
    if isinstance(pred, bool) or (hasattr(pred, "_value") and pred._value is not None
                                  and not context.state.graph_mode):
        return true_fn() if bool(pred if isinstance(pred, bool) else pred._value) else false_fn()
    p = convert_to_tensor(pred, dtype=dtypes.bool_)
    a, b = true_fn(), false_fn()
    single = not isinstance(a, (list, tuple))
    la = [a] if single else list(a)
    lb = [b] if single else list(b)
    la = [convert_to_tensor(x) for x in la]
    lb = [convert_to_tensor(x) for x in lb]
    op = Cond()
    op.multi_output = True
    outs = op._build((p,) + tuple(la) + tuple(lb), name or "cond")
    return outs[0] if single else list(outs)


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """Runs ``body`` while ``cond`` holds (eager: the loop variables must have values)."""
    vals = loop_vars
    single = not isinstance(vals, (list, tuple))
    vals = [vals] if single else list(vals)
    if not all(getattr(convert_to_tensor(v), "_value", None) is not None for v in vals) \
            or context.state.graph_mode:
        raise NotImplementedError("tf.while_loop over symbolic (fed) values is not supported by "
                                  "neuroflow yet; use a Python loop, or tf.nn.dynamic_rnn for "
                                  "recurrences.")
    i = 0
    while bool(convert_to_tensor(cond(*vals))._value):
        out = body(*vals)
        vals = [out] if not isinstance(out, (list, tuple)) else list(out)
        i += 1
        if maximum_iterations is not None and i >= maximum_iterations:
            break
    return vals[0] if single else vals
