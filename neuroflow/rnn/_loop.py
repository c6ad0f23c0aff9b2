"""Running a cell over a sequence: the fused op when the cell has one, else a Python unroll.

The unroll calls ``cell(x_t, state)`` once per step (a custom cell, peepholes, a state dropout);
it needs the number of steps at graph-building time.
"""
from ..core.op import convert_to_tensor
from ..ops.array_ops import expand_dims, stack, unstack, zeros_like
from ..ops.math_ops import cast, less, where_v2
from . import _nest as nest


def run(cell, x, state, spec):
    """(outputs, final state) of ``cell`` over x's time axis as ``spec`` says."""
    fused = getattr(cell, "_run_sequence", None)
    out = fused(x, state, spec) if fused is not None else None
    if out is not None:
        return out
    return unroll(cell, x, state, spec)


def step_masks(spec, T):
    """A bool [batch, 1] per step (None without a mask)."""
    if spec.mask is None:
        return [None] * T
    m = convert_to_tensor(spec.mask)
    if spec.kind == "lengths":
        return [expand_dims(less(t, m), 1) for t in range(T)]
    m = cast(m, "bool")
    ms = unstack(m, axis=0 if spec.time_major else 1)
    return [expand_dims(mt, 1) for mt in ms]


def num_steps(x, time_major):
    d = x.shape.as_tuple()
    T = None if d is None else d[0 if time_major else 1]
    if T is None:
        raise NotImplementedError(
            "Running this cell needs the number of time steps when the graph is built (it is "
            "unrolled step by step); give the inputs a static time dimension, e.g. "
            "tf.placeholder(tf.float32, [None, 28, 28]). The built-in cells have no such limit.")
    return T


def unroll(cell, x, state, spec):
    """Calls ``cell`` step by step; masked steps keep the state (output zero or carried)."""
    T = num_steps(x, spec.time_major)
    xs = unstack(x, axis=0 if spec.time_major else 1)
    ms = step_masks(spec, T)
    outs = [None] * T
    prev = None
    for t in (range(T - 1, -1, -1) if spec.reverse else range(T)):
        out, new = cell(xs[t], state)
        m = ms[t]
        if m is not None:
            new = nest.map_structure(lambda n, s: where_v2(m, n, s), new, state)
            if spec.zero_output:
                out = where_v2(m, out, zeros_like(out))
            else:
                prev = zeros_like(out) if prev is None else prev
                out = prev = where_v2(m, out, prev)
        state = new
        outs[t] = out
    return stack(outs, axis=0 if spec.time_major else 1), state


def seq_mask(spec, x):
    """The mask as floats broadcastable against [batch, time, depth] (or time-major)."""
    from ..ops.select_ops import sequence_mask
    from ..ops.array_ops import shape, transpose
    if spec.mask is None:
        return None
    if spec.kind == "lengths":
        T = x.shape.as_tuple()[0 if spec.time_major else 1]
        if T is None:
            T = shape(x)[0 if spec.time_major else 1]
        m = sequence_mask(spec.mask, T, dtype=x.dtype)
        m = transpose(m) if spec.time_major else m
    else:
        m = cast(spec.mask, x.dtype)
    return expand_dims(m, 2)
