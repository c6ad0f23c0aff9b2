"""Reverse-mode autodiff shared by ``tf.gradients`` (graph) and ``GradientTape`` (eager).

Each op's ``backward`` builds its input gradients from neuroflow ops, so the result is itself a
graph (or eager values) that can be differentiated again.
"""
from .executor import toposort
from .gradient_registry import user_gradient
from .tensor import Tensor


def _is_var(x):
    return getattr(x, "_is_variable", False)


def _float(t):
    d = t.dtype
    return d.is_floating or d.is_complex


def between(ops, source_ids, source_vars, stop_ids=()):
    """The ops in ``ops`` (topological order) that depend on a source."""
    reach = set(source_ids)
    keep = []
    for op in ops:
        hit = False
        var = getattr(op, "var", None)
        if var is not None and not op.inputs and id(var) in source_vars and op.type == "VariableV2":
            hit = True
            for y in op.outputs:
                reach.add(id(y))
        for x in op.inputs:
            if id(x) in reach and id(x) not in stop_ids:
                hit = True
                break
        if hit:
            keep.append(op)
            for y in op.outputs:
                reach.add(id(y))
    return keep, reach


def backprop(ops, grads):
    """Runs backward over ``ops`` (forward topological order); ``grads``: id(tensor) -> [grads]."""
    from ..ops.math_ops import add_n
    from ..ops.array_ops import zeros_like
    for op in reversed(ops):
        fn = user_gradient(op)
        if fn is None or (fn is False and not op.differentiable):
            continue
        gys, any_g = [], False
        for y in op.outputs:
            gl = grads.get(id(y))
            if gl:
                g = gl[0] if len(gl) == 1 else add_n(gl)
                grads[id(y)] = [g]
                gys.append(g)
                any_g = True
            else:
                gys.append(None)
        if not any_g:
            continue
        if len(gys) > 1 and any(g is None for g in gys):
            gys = [zeros_like(y) if g is None else g for g, y in zip(gys, op.outputs)]
        gxs = op.backward(*gys) if fn is False else fn(op, *gys)
        if not isinstance(gxs, (tuple, list)):
            gxs = (gxs,)
        for x, gx in zip(op.inputs, gxs):
            if gx is None or not _float(x):
                continue
            if not isinstance(gx, Tensor):
                from .op import convert_to_tensor
                gx = convert_to_tensor(gx, dtype=x.dtype)
            grads.setdefault(id(x), []).append(gx)


def _sum(gl):
    from ..ops.math_ops import add_n
    if not gl:
        return None
    return gl[0] if len(gl) == 1 else add_n(gl)


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients="none"):
    """Symbolic partial derivatives of sum(ys) with respect to each of xs (``tf.gradients``)."""
    from .op import constant, convert_to_tensor
    from ..ops.array_ops import ones_like, zeros_like
    from .graph import name_scope
    ys_list = list(ys) if isinstance(ys, (list, tuple)) else [ys]
    xs_list = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    ys_list = [convert_to_tensor(y) for y in ys_list]
    if grad_ys is None:
        grad_ys = [None] * len(ys_list)
    elif not isinstance(grad_ys, (list, tuple)):
        grad_ys = [grad_ys]
    stop = stop_gradients or []
    stop = stop if isinstance(stop, (list, tuple)) else [stop]
    stop_ids = {id(convert_to_tensor(s)) for s in stop}
    src_ids, src_vars, x_tensors = set(), set(), []
    for x in xs_list:
        if _is_var(x):
            src_vars.add(id(x))
            x_tensors.append(x)
        else:
            x = convert_to_tensor(x)
            src_ids.add(id(x))
            x_tensors.append(x)
    with name_scope(name):
        ops = toposort([y.op for y in ys_list], set())
        ops, _ = between(ops, src_ids, src_vars, stop_ids)
        grads = {}
        for i, (y, gy) in enumerate(zip(ys_list, grad_ys)):
            if gy is None:
                d = y._shape.as_tuple()
                # a constant when the shape is static: no op to run per step
                gy = ones_like(y) if d is None or None in d else \
                    constant(1, dtype=y.dtype, shape=list(d), name="grad_ys_%d" % i)
            else:
                gy = convert_to_tensor(gy, dtype=y.dtype)
            grads.setdefault(id(y), []).append(gy)
        for s in stop_ids:
            grads.pop(s, None)
        ops = [op for op in ops if not any(id(y) in stop_ids for y in op.outputs)]
        backprop(ops, grads)
        out = []
        for x in x_tensors:
            if _is_var(x):
                gl = []
                for op in ops:
                    if getattr(op, "var", None) is x and not op.inputs and op.type == "VariableV2":
                        gl.extend(grads.get(id(op.outputs[0]), []))
                if x._ref is not None and not any(op is x._ref.op for op in ops):
                    gl.extend(grads.get(id(x._ref), []))
                g = _sum(gl)
                xt = x
            else:
                g = _sum(grads.get(id(x), []))
                xt = x
            if g is None and unconnected_gradients == "zero":
                g = zeros_like(xt._as_tensor() if _is_var(xt) else xt)
            out.append(g)
    return out
