"""``GradientTape``: records eager ops, then differentiates them with the same backward rules."""
from . import context
from .gradients import _is_var, _sum, backprop, between
from .op import convert_to_tensor


class GradientTape:
    """Records operations for automatic differentiation (``tf.GradientTape``).

    Example:
      >>> w = tf.Variable(3.0)
      >>> with tf.GradientTape() as tape:
      ...     loss = w * w
      >>> tape.gradient(loss, w).numpy()
      6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._ops = []
        self._watched_ids = set()
        self._watched_vars = set()
        self._watched_list = []   # watched variables, first watched/accessed first
        self._recording = False
        self._used = False

    def __enter__(self):
        self._recording = True
        context.state.tapes.append(self)
        return self

    def __exit__(self, *exc):
        self._stop()
        return False

    def _stop(self):
        self._recording = False
        if self in context.state.tapes:
            context.state.tapes.remove(self)

    def _record(self, op):
        if not self._recording:
            return
        var = getattr(op, "var", None)
        if var is not None and not op.inputs and op.type == "VariableV2":
            if not (self._watch_accessed and var.trainable) and id(var) not in self._watched_vars:
                return
            self._watch_var(var)
        self._ops.append(op)

    def _watch_var(self, var):
        if id(var) not in self._watched_vars:
            self._watched_vars.add(id(var))
            self._watched_list.append(var)

    def watch(self, tensor):
        for t in (tensor if isinstance(tensor, (list, tuple)) else [tensor]):
            if _is_var(t):
                self._watch_var(t)
            else:
                self._watched_ids.add(id(convert_to_tensor(t)))

    def watched_variables(self):
        """The variables this tape watches: passed to ``watch`` or (trainable) read inside it."""
        return tuple(self._watched_list)

    def stop_recording(self):
        """A context in which ops are not recorded on this tape (their gradients are None)."""
        if not self._recording:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        tape = self

        class _CM:
            def __enter__(self_):
                tape._was = tape._recording
                tape._recording = False

            def __exit__(self_, *a):
                tape._recording = tape._was
        return _CM()

    def reset(self):
        """Forgets everything recorded and watched so far, as a new tape would."""
        if not self._recording:
            raise ValueError("Tape must be recording.")
        self._ops = []
        self._watched_ids, self._watched_vars, self._watched_list = set(), set(), []

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """d(sum of target)/d(source) for each source in the (nested) ``sources``."""
        self._check_use()
        flat_src, rebuild = _flatten(sources)
        targets = target if isinstance(target, (list, tuple)) else [target]
        targets = [convert_to_tensor(t) for t in targets]
        ogs = output_gradients if isinstance(output_gradients, (list, tuple)) else \
            [output_gradients] * len(targets) if output_gradients is not None else [None] * len(targets)
        try:
            out = self._backward(targets, ogs, flat_src, unconnected_gradients)
        finally:
            self._done()
        return rebuild(out)

    def jacobian(self, target, sources, unconnected_gradients="none", parallel_iterations=None,
                 experimental_use_pfor=True):
        """d target[i...] / d source[j...] for each source: shape target.shape + source.shape.

        Computed one target element at a time (a backward pass each); the target's shape must
        be known. A source the target does not depend on gets None (or zeros with
        ``unconnected_gradients="zero"``).
        Example:
          >>> x = tf.constant([1.0, 2.0])
          >>> with tf.GradientTape() as tape:
          ...     tape.watch(x)
          ...     y = x * x
          >>> tape.jacobian(y, x).numpy()
          array([[2., 0.],
                 [0., 4.]], dtype=float32)
        """
        self._check_use()
        from ..ops.array_ops import reshape, stack
        target = convert_to_tensor(target)
        flat_src, rebuild = _flatten(sources)
        tshape = _known_shape(target, "target")
        try:
            rows = self._rows(target, tshape, flat_src, unconnected_gradients)
        finally:
            self._done()
        out = []
        for j, s in enumerate(flat_src):
            col = [r[j] for r in rows]
            if not col or any(g is None for g in col):
                out.append(None)
                continue
            sshape = _known_shape(s._as_tensor() if _is_var(s) else convert_to_tensor(s), "source")
            out.append(reshape(stack(col), list(tshape) + list(sshape)))
        return rebuild(out)

    def batch_jacobian(self, target, source, unconnected_gradients="none",
                       parallel_iterations=None, experimental_use_pfor=True):
        """d target[b, i...] / d source[b, j...] for each example b: shape [batch] +
        target.shape[1:] + source.shape[1:] (examples assumed independent, as TF does)."""
        self._check_use()
        from ..ops.array_ops import reshape, stack
        target = convert_to_tensor(target)
        tshape = _known_shape(target, "target")
        src = source._as_tensor() if _is_var(source) else convert_to_tensor(source)
        sshape = _known_shape(src, "source")
        if not tshape or not sshape or tshape[0] != sshape[0]:
            raise ValueError("Need first dimension of target shape (%s) and source shape (%s) "
                             "to match." % (list(tshape), list(sshape)))
        try:
            rows = self._rows(target, tshape, [source], unconnected_gradients, batch=True)
        finally:
            self._done()
        col = [r[0] for r in rows]
        if not col or any(g is None for g in col):
            return None
        jac = stack(col, axis=1)    # [batch, prod(target.shape[1:])] + source.shape[1:]
        return reshape(jac, list(tshape) + list(sshape[1:]))

    # ------------------------------------------------------------------ internals
    def _check_use(self):
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of "
                               "gradients (or jacobians)")

    def _done(self):
        self._used = True
        if not self._persistent:
            self._ops = []
            self._stop()

    def _rows(self, target, tshape, flat_src, unconnected, batch=False):
        """The gradients of each target element (of each element past the batch axis, for
        every example at once, with ``batch``)."""
        import numpy as np
        per = tshape[1:] if batch else tshape
        n = int(np.prod(per, dtype=np.int64))
        dt = target.dtype.as_numpy_dtype
        rows = []
        for i in range(n):
            seed = np.zeros(n, dt)
            seed[i] = 1
            seed = seed.reshape(per)
            if batch:
                seed = np.broadcast_to(seed, tshape)
            rows.append(self._backward([target], [seed], flat_src, unconnected))
        return rows

    def _backward(self, targets, ogs, flat_src, unconnected_gradients):
        from ..ops.array_ops import ones_like, zeros_like
        # a tensor source is differentiable when watched or made by a recorded op (TF: an
        # unwatched constant gets None)
        made = {id(y) for op in self._ops for y in op.outputs}
        src_ids = {id(s) for s in flat_src if not _is_var(s) and id(s) in made} | self._watched_ids
        src_vars = {id(s) for s in flat_src if _is_var(s)}
        was = self._recording
        self._recording = False
        try:
            ops, _ = between(self._ops, src_ids, src_vars)
            grads = {}
            for t, og in zip(targets, ogs):
                grads.setdefault(id(t), []).append(ones_like(t) if og is None else convert_to_tensor(og))
            backprop(ops, grads)
            out = []
            for s in flat_src:
                if _is_var(s):
                    gl = []
                    for op in ops:
                        if getattr(op, "var", None) is s and not op.inputs:
                            gl.extend(grads.get(id(op.outputs[0]), []))
                    g = _sum(gl)
                    if g is None and unconnected_gradients == "zero":
                        g = zeros_like(s._as_tensor())
                else:
                    g = _sum(grads.get(id(s), []))
                    if g is None and unconnected_gradients == "zero":
                        g = zeros_like(s)
                out.append(g)
        finally:
            self._recording = was
        return out


def _known_shape(t, what):
    dims = t._shape.as_tuple()
    if dims is None or any(d is None for d in dims):
        raise ValueError("GradientTape.jacobian needs the %s's shape to be known; got %s (%s)."
                         % (what, t._shape, getattr(t, "name", t)))
    return dims


def _flatten(s):
    if isinstance(s, dict):
        keys = list(s)
        parts = [_flatten(s[k]) for k in keys]
        flat = [x for p in parts for x in p[0]]

        def rebuild(vals):
            out, i = {}, 0
            for k, (f, r) in zip(keys, parts):
                out[k] = r(vals[i:i + len(f)])
                i += len(f)
            return out
        return flat, rebuild
    if isinstance(s, (list, tuple)):
        parts = [_flatten(x) for x in s]
        flat = [x for p in parts for x in p[0]]
        cls = type(s)

        def rebuild(vals):
            out, i = [], 0
            for f, r in parts:
                out.append(r(vals[i:i + len(f)]))
                i += len(f)
            return out if cls is list else tuple(out)
        return flat, rebuild
    return [s], lambda vals: vals[0]
