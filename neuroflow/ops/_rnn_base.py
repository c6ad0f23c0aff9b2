"""What the fused recurrent ops share (``rnn_ops.py``): layouts, masks, shapes, the backward node.

The sequence ops take ``(x, W_x, W_h, b, *initial_states[, rmask][, mask])`` and return ``(y,
*final_states, [x, 1], *workspace)``; their gradient is one ``_SeqGrad`` node that calls the op's
``_grads`` on the saved arrays.
"""
from ..core.errors import InvalidArgumentError
from ..core import parallel
from ..core.parallel import matmul as _gemm
from ._base import Operation, dims, get_array_module


def _is_zeros(g):
    """True for a missing gradient or the zeros the engine fills in for an unused output."""
    return g is None or (g.op.type == "ZerosLike" and getattr(g.op, "value", None) == 0)


def _gate_vectors(xp, kinds, H, dtype):
    """Per-column scale a and offset so that a * tanh(a * z) + offset is each gate's activation
    ('s': sigmoid, a = 1/2, offset 1/2; 't': tanh, a = 1, offset 0)."""
    a = xp.empty(len(kinds) * H, dtype=dtype)
    off = xp.empty(len(kinds) * H, dtype=dtype)
    for k, c in enumerate(kinds):
        a[k * H:(k + 1) * H] = 0.5 if c == "s" else 1.0
        off[k * H:(k + 1) * H] = 0.5 if c == "s" else 0.0
    return a, off


class _RecurrentSeq(Operation):
    """Shared plumbing of the sequence ops: layouts, masks, shapes, the backward node."""
    multi_output = True
    n_states = 1
    k = 1            # gate blocks per unit in W's columns

    def __init__(self, time_major=False, reverse=False, mask=None, zero_output=True,
                 rdrop=False):
        # mask: None, "lengths" (int [batch]) or "mask" ([batch, time], time-major if time_major)
        self.time_major, self.reverse, self.mask = time_major, reverse, mask
        self.zero_output, self.rdrop = zero_output, rdrop

    def _split(self, rest):
        """(initial states, recurrent-dropout mask or None, [mask] or ())."""
        n = self.n_states
        R = rest[n] if self.rdrop else None
        return rest[:n], R, rest[n + self.rdrop:]

    @staticmethod
    def _hd(xp, h, R, buf):
        """The state as it meets W_h: h, or h * R (recurrent dropout) into buf."""
        if R is None:
            return h
        return xp.multiply(h, R, out=buf)

    # ------------------------------------------------------------ arrays
    def _x1(self, x):
        """x time-major, contiguous, with a column of ones: [x, 1] @ [W_x; b] is one GEMM."""
        xp = get_array_module(x)
        if x.ndim == 2:
            x = x[None]
        elif not self.time_major:
            x = x.transpose(1, 0, 2)
        X1 = xp.empty(x.shape[:2] + (x.shape[2] + 1,), dtype=x.dtype)
        X1[..., :-1] = x
        X1[..., -1] = 1
        return X1

    def _mask_of(self, xp, m, T, B, dtype):
        """The mask as [T, B, 1] in x's dtype (None: no mask)."""
        if self.mask is None or not m:
            return None
        m = xp.asarray(m[0])
        if self.mask == "lengths":
            M = xp.arange(T)[:, None] < m.reshape(1, -1)
        else:
            M = m if self.time_major else m.T
        M = M.astype(dtype)[..., None]
        if M.shape[:2] != (T, B):
            raise InvalidArgumentError(None, self, f"The mask's shape {list(m.shape)} does not "
                                       f"match the inputs' batch and time sizes {[T, B]}")
        return M

    MIN_ROWS = 8     # batch rows per block at least

    def _by_rows(self, xp, B, macs, rows):
        """Runs ``rows(b0, b1)`` (the recurrence of batch rows b0:b1, forward or backward) for
        row blocks of the batch at once on the worker threads (``core/parallel.py``): each row's
        recurrence is independent, so a block needs one hand-off, not one per step. One block
        when the op is small (``macs``: its recurrent multiply-adds) or not on NumPy."""
        k = min(parallel.num_parts(), B // self.MIN_ROWS)
        if k < 2 or macs < parallel.MIN_MACS or xp.__name__ != "numpy":
            rows(0, B)
            return
        parallel.run_parallel([(rows, bounds) for bounds in parallel.bounds(B, k)])

    def _steps(self, T):
        return range(T - 1, -1, -1) if self.reverse else range(T)

    def _prev(self, t):
        return t + 1 if self.reverse else t - 1

    def _out_factor(self, xp, M):
        """What the states are multiplied by to give the outputs (None: the states as they are).

        zero_output: the mask. Otherwise a masked step repeats the previous output, which is
        the carried state once a step was seen and zero before (Keras's first output).
        """
        if M is None:
            return None
        if self.zero_output:
            return M
        seen = xp.cumsum(M[::-1] if self.reverse else M, axis=0)
        seen = (seen[::-1] if self.reverse else seen) > 0
        return None if bool(seen.all()) else seen.astype(M.dtype)

    def _output(self, xp, Hs, M, single):
        """The outputs in the caller's layout (see _out_factor)."""
        f = self._out_factor(xp, M)
        if f is not None:
            y = Hs * f
            y += 0.0    # -0.0 * 0 is -0.0: masked outputs print as 0., as TF's
        else:
            y = Hs
        if single:
            return y[0]
        return y if self.time_major else xp.ascontiguousarray(y.transpose(1, 0, 2))

    def _grad_y(self, xp, gy, M, single):
        """The outputs' gradient time-major, zero at steps whose output was zeroed."""
        gy = gy[None] if single else gy if self.time_major else gy.transpose(1, 0, 2)
        f = self._out_factor(xp, M)
        return gy * f if f is not None else gy

    def _dx(self, xp, dZ, Wx, single):
        T, B = dZ.shape[:2]
        dx = _gemm(dZ.reshape(T * B, -1), Wx.T).reshape(T, B, -1)
        if single:
            return dx[0]
        return dx if self.time_major else xp.ascontiguousarray(dx.transpose(1, 0, 2))

    def _prev_gemm(self, h0, Hs, dZ):
        """sum over steps of h_prev^T @ dZ_t: a recurrent weight's gradient as two GEMMs."""
        T = Hs.shape[0]
        out = h0.T @ dZ[T - 1 if self.reverse else 0]
        if T > 1:
            a, b = (Hs[1:], dZ[:-1]) if self.reverse else (Hs[:-1], dZ[1:])
            out += _gemm(a.reshape(-1, a.shape[-1]).T, b.reshape(-1, b.shape[-1]))
        return out

    @staticmethod
    def _masked(xp, h0, Hs, R):
        """The initial and later states as they met W_h (times the recurrent-dropout mask)."""
        h0 = xp.asarray(h0, dtype=Hs.dtype)
        return (h0, Hs) if R is None else (h0 * R, Hs * R)

    @staticmethod
    def _mask_step(M, Mc, t, new, prev):
        """new <- prev where step t is masked (in place): the state is carried through."""
        if M is not None:
            new *= M[t]
            new += prev * Mc[t]

    # ------------------------------------------------------------ graph
    def _n_param(self):
        return 4 + self.n_states       # the differentiable inputs

    def _n_in(self):
        return self._n_param() + self.rdrop

    def infer(self, x, Wx, Wh, b, *rest):
        dx, dw = dims(x), dims(Wh)
        H = None if dw is None else dw[0]
        if dx is None:
            T = B = None
            y = None
        elif len(dx) == 2:
            T, B = 1, dx[0]
            y = (B, H)
        else:
            T, B = (dx[0], dx[1]) if self.time_major else (dx[1], dx[0])
            y = dx[:2] + (H,)
        self._check(x, Wx, Wh)
        dt = x.dtype
        D1 = None if dx is None or dx[-1] is None else dx[-1] + 1
        ws = [((T, B) + (None if H is None else k * H,), dt) for k in self._ws_blocks()]
        return [(y, dt)] + [((B, H), dt)] * self.n_states + [((T, B, D1), dt)] + ws

    def _check(self, x, Wx, Wh):
        """The static shapes fit: x's depth = W_x's rows, W_x and W_h hold k * units columns."""
        dx, dwx, dwh = dims(x), dims(Wx), dims(Wh)
        pairs = [(None if dx is None else dx[-1], None if dwx is None else dwx[0], "the inputs' "
                  "depth and the input kernel's rows"),
                 (None if dwx is None else dwx[-1], None if dwh is None else dwh[-1],
                  "the input and recurrent kernels' columns"),
                 (None if dwh is None else dwh[0] * self.k, None if dwh is None else dwh[-1],
                  f"{self.k} x the recurrent kernel's rows and its columns")]
        for a, b, what in pairs:
            if a is not None and b is not None and a != b:
                raise ValueError(f"Dimensions must be equal, but are {a} and {b} for "
                                 f"'{self._pending_name}' (op: '{self.type}'): {what}.")

    def backward(self, *gys):
        n = 1 + self.n_states
        present = tuple(not _is_zeros(g) for g in gys[:n])
        ins = tuple(self.inputs) + tuple(self.outputs[n:]) + \
            tuple(g for g, p in zip(gys[:n], present) if p)
        grads = _SeqGrad(self, present)._build(ins, self.type + "Grad")
        return tuple(grads) + (None,) * (len(self.inputs) - self._n_param())


class _SeqGrad(Operation):
    """The gradients of a sequence op: (dx, dW_x, dW_h, db, *d_initial_states)."""
    multi_output = True

    def __init__(self, fwd, present):
        self.fwd, self.present = fwd, present
        self.type = fwd.type + "Grad"

    def forward(self, *arrays):
        f = self.fwd
        n_in = len(f.inputs)
        ins, rest = arrays[:n_in], arrays[n_in:]
        n_ws = len(f.outputs) - 1 - f.n_states
        ws, given = rest[:n_ws], list(rest[n_ws:])
        gys = [given.pop(0) if p else None for p in self.present]
        X1 = ws[0]
        xp = get_array_module(X1)
        M = f._mask_of(xp, ins[f._n_in():], X1.shape[0], X1.shape[1], X1.dtype)
        R = ins[f._n_param()] if f.rdrop else None
        return f._grads(xp, X1, M, R, ins[0].ndim == 2, ins[1:f._n_param()], ws[1:], gys)

    def infer(self, *inputs):
        return [(dims(t), t.dtype) for t in inputs[:self.fwd._n_param()]]

    def backward(self, *gys):
        raise NotImplementedError(
            f"Second-order gradients through the fused {self.fwd.type} op are not supported; "
            "build the recurrence from a custom RNNCell (composed ops) to differentiate twice.")


def _rows(arrays, b0, b1):
    """Each of ``arrays`` (None, [batch, ...] or time-major [time, batch, ...]) cut to batch rows
    b0:b1: recurrent-dropout masks are [batch or 1, units], step masks [time, batch, 1]."""
    return [None if a is None else a[:, b0:b1] if a.ndim == 3 else
            a if a.shape[0] == 1 else a[b0:b1] for a in arrays]


def _start(xp, g, shape, dtype):
    """A writable copy of a final state's gradient, or zeros."""
    return xp.zeros(shape, dtype=dtype) if g is None else xp.array(g, dtype=dtype, copy=True)


def _step_grad(xp, dh, gY, t, out):
    """``out`` = the gradient reaching step t's output: the carried ``dh`` plus the sequence
    output's gradient ``gY[t]`` (a copy of ``dh`` when the outputs have none)."""
    if gY is None:
        out[...] = dh
    else:
        xp.add(dh, gY[t], out=out)
    return out


def _w1(xp, Wx, b, a=None, dtype=None):
    """[W_x; b], each column times a: the input projection and the bias as one GEMM operand."""
    D, n = Wx.shape
    W = xp.empty((D + 1, n), dtype=dtype or Wx.dtype)
    if a is None:
        W[:D], W[D] = Wx, b
    else:
        xp.multiply(Wx, a, out=W[:D])
        xp.multiply(b, a, out=W[D])
    return W


def _proj(X1, W1):
    """[x, 1] @ [W_x; b] for every step at once: [T, B, columns]."""
    T, B, D1 = X1.shape
    return _gemm(X1.reshape(T * B, D1), W1).reshape(T, B, W1.shape[1])


def _w1_grad(X1, dZ):
    """(dW_x, db) from one GEMM: [x, 1]^T @ dZ over all steps."""
    T, B, D1 = X1.shape
    dW1 = _gemm(X1.reshape(T * B, D1).T, dZ.reshape(T * B, -1))
    return dW1[:-1], dW1[-1]
