"""Fused recurrent ops: a whole sequence of LSTM, GRU or simple-RNN steps is one op.

Forward: ``x @ W_x`` for all steps in one GEMM, then per step one GEMM ``h @ W_h`` and a few
in-place elementwise calls on [batch, gates] arrays. Backward through time: one hand-written loop
over preallocated arrays, then the weight gradients as single GEMMs over all steps. A rank-2 ``x``
is one step: the cell step op. The cells (``neuroflow.rnn``) and the Keras layers build on these.

Layout: inputs ``(x, W_x, W_h, b, *initial_states[, rmask][, mask])``, outputs ``(y,
*final_states, *workspace)``; the workspace (time-major) is what backward needs. ``rmask``
([batch, units], recurrent dropout) multiplies the state where it meets ``W_h``. Masks (TF1
``sequence_length`` or a Keras mask): a masked step keeps the state; its output is zero
(``zero_output``, TF1) or the previous output (Keras: the kept state, zero before the first
step seen). ``reverse`` runs from the last step to the first and leaves each output at its own
time index (TF1's backward direction; Keras ``go_backwards`` reverses it afterwards).
Sigmoid gates use sigmoid(z) = tanh(z / 2) / 2 + 1 / 2: the columns of W are halved once, so one
tanh call covers every gate of a step and never overflows.
"""
from ..core.errors import InvalidArgumentError
from ._base import Operation, dims, get_array_module

__all__ = []


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
        dx = (dZ.reshape(T * B, -1) @ Wx.T).reshape(T, B, -1)
        if single:
            return dx[0]
        return dx if self.time_major else xp.ascontiguousarray(dx.transpose(1, 0, 2))

    def _prev_gemm(self, h0, Hs, dZ):
        """sum over steps of h_prev^T @ dZ_t: a recurrent weight's gradient as two GEMMs."""
        T = Hs.shape[0]
        out = h0.T @ dZ[T - 1 if self.reverse else 0]
        if T > 1:
            a, b = (Hs[1:], dZ[:-1]) if self.reverse else (Hs[:-1], dZ[1:])
            out += a.reshape(-1, a.shape[-1]).T @ b.reshape(-1, b.shape[-1])
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


def _start(xp, g, shape, dtype):
    """A writable copy of a final state's gradient, or zeros."""
    return xp.zeros(shape, dtype=dtype) if g is None else xp.array(g, dtype=dtype, copy=True)


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
    return (X1.reshape(T * B, D1) @ W1).reshape(T, B, W1.shape[1])


def _w1_grad(X1, dZ):
    """(dW_x, db) from one GEMM: [x, 1]^T @ dZ over all steps."""
    T, B, D1 = X1.shape
    dW1 = X1.reshape(T * B, D1).T @ dZ.reshape(T * B, -1)
    return dW1[:-1], dW1[-1]


# ==================================================================== LSTM
class LSTMSeq(_RecurrentSeq):
    """c = f * c_prev + i * tanh(z_c), h = o * tanh(c); i, f, o = sigmoid(z), z = x W_x + h W_h + b.

    ``order``: the gates' column blocks, "ifco" (Keras) or "icfo" (TF1's i, j, f, o).
    ``forget_bias`` is added to z_f (TF1). States in and out: h, c.
    """
    type = "LSTMSequence"
    n_states = 2
    k = 4

    def __init__(self, order="ifco", forget_bias=0.0, **kw):
        super().__init__(**kw)
        self.order, self.forget_bias = order, float(forget_bias)

    def _ws_blocks(self):
        return (4, 1, 1)  # A (gate activations), C (cell states), Hs (hidden states)

    def _slices(self, H):
        return [slice(self.order.index(g) * H, (self.order.index(g) + 1) * H) for g in "ifco"]

    def forward(self, x, Wx, Wh, b, *rest):
        (h0, c0), R, m = self._split(rest)
        single = x.ndim == 2
        xp = get_array_module(x)
        X1 = self._x1(x)
        T, B = X1.shape[:2]
        M = self._mask_of(xp, m, T, B, x.dtype)
        H = Wh.shape[0]
        si, sf, sc, so = self._slices(H)
        a, off = _gate_vectors(xp, "".join("t" if g == "c" else "s" for g in self.order), H,
                               x.dtype)
        bias = b.astype(x.dtype, copy=True)
        bias[sf] += self.forget_bias
        A = _proj(X1, _w1(xp, Wx, bias, a))
        Wha = Wh * a
        C = xp.empty((T, B, H), dtype=x.dtype)
        Hs = xp.empty((T, B, H), dtype=x.dtype)
        tmp = xp.empty((B, 4 * H), dtype=x.dtype)
        ic = xp.empty((B, H), dtype=x.dtype)
        hd = xp.empty((B, H), dtype=x.dtype)
        Mc = None if M is None else 1 - M
        h, c = xp.ascontiguousarray(h0, dtype=x.dtype), xp.ascontiguousarray(c0, dtype=x.dtype)
        for t in self._steps(T):
            g = A[t]
            xp.dot(self._hd(xp, h, R, hd), Wha, out=tmp)
            g += tmp
            xp.tanh(g, out=g)
            g *= a
            g += off                       # the four gate activations
            ct, ht = C[t], Hs[t]
            xp.multiply(g[:, sf], c, out=ct)
            xp.multiply(g[:, si], g[:, sc], out=ic)
            ct += ic
            xp.tanh(ct, out=ht)
            ht *= g[:, so]
            self._mask_step(M, Mc, t, ct, c)
            self._mask_step(M, Mc, t, ht, h)
            h, c = ht, ct
        return self._output(xp, Hs, M, single), h, c, X1, A, C, Hs

    def _grads(self, xp, X1, M, R, single, params, ws, gys):
        Wx, Wh, b, h0, c0 = params
        A, C, Hs = ws
        T, B = X1.shape[:2]
        H = Wh.shape[0]
        dt = X1.dtype
        si, sf, sc, so = self._slices(H)
        a, off = _gate_vectors(xp, "".join("t" if g == "c" else "s" for g in self.order), H, dt)
        a2 = a * a
        gY = None if gys[0] is None else self._grad_y(xp, gys[0], M, single)
        dh = _start(xp, gys[1], (B, H), dt)
        dc = _start(xp, gys[2], (B, H), dt)
        dZ = xp.empty_like(A)
        dht, tmp, tc = (xp.empty((B, H), dtype=dt) for _ in range(3))
        dv = xp.empty((B, 4 * H), dtype=dt)
        WhT = xp.ascontiguousarray(Wh.T)   # a row-major operand: the per-step GEMM is faster
        Mc = None if M is None else 1 - M
        for t in reversed(self._steps(T)):
            if gY is not None:
                xp.add(dh, gY[t], out=dht)
            else:
                dht[...] = dh
            if M is not None:
                ph, pc = dht * Mc[t], dc * Mc[t]
                dht *= M[t]
                dc *= M[t]
            g, dz = A[t], dZ[t]
            p = self._prev(t)
            c_prev = c0 if p < 0 or p >= T else C[p]
            xp.tanh(C[t], out=tc)
            xp.multiply(dht, tc, out=dz[:, so])
            xp.multiply(tc, tc, out=tmp)       # dc += dh * o * (1 - tanh(c)^2)
            xp.subtract(1, tmp, out=tmp)
            tmp *= g[:, so]
            tmp *= dht
            dc += tmp
            xp.multiply(dc, g[:, sc], out=dz[:, si])
            xp.multiply(dc, g[:, si], out=dz[:, sc])
            xp.multiply(dc, c_prev, out=dz[:, sf])
            dc *= g[:, sf]
            xp.subtract(g, off, out=dv)        # d act / dz = a^2 (1 - tanh^2) = a^2 - (act - off)^2
            dv *= dv
            xp.subtract(a2, dv, out=dv)
            dz *= dv
            xp.dot(dz, WhT, out=dh)
            if R is not None:
                dh *= R
            if M is not None:
                dh += ph
                dc += pc
        dWx, db = _w1_grad(X1, dZ)
        dWh = self._prev_gemm(*self._masked(xp, h0, Hs, R), dZ)
        return self._dx(xp, dZ, Wx, single), dWx, dWh, db.astype(b.dtype, copy=False), dh, dc


# ==================================================================== GRU
class GRUSeq(_RecurrentSeq):
    """h = z * h_prev + (1 - z) * hh; z, r = sigmoid(x W_x + h W_h + b), gates z, r, hh in order.

    reset_after (Keras' default): hh = tanh(x W_xh + b_xh + r * (h W_hh + b_hh)), b [2, 3 units];
    otherwise (TF1 GRUCell, Keras reset_after=False): hh = tanh(x W_xh + (r * h) W_hh + b_h), b
    [3 units].
    """
    type = "GRUSequence"
    k = 3

    def __init__(self, reset_after=True, **kw):
        super().__init__(**kw)
        self.reset_after = reset_after

    def _ws_blocks(self):
        # G (z, r, hh), HW (h W_h + b_h; reset_after) or RH (r * h_prev), Hs
        return (3, 3 if self.reset_after else 1, 1)

    def forward(self, x, Wx, Wh, b, *rest):
        (h0,), R, m = self._split(rest)
        single = x.ndim == 2
        xp = get_array_module(x)
        X1 = self._x1(x)
        T, B = X1.shape[:2]
        H = Wh.shape[0]
        dt = x.dtype
        M = self._mask_of(xp, m, T, B, dt)
        a, off = _gate_vectors(xp, "sst", H, dt)
        bx, bh = (b[0], b[1]) if self.reset_after else (b, None)
        G = _proj(X1, _w1(xp, Wx, bx, a, dt))
        Hs = xp.empty((T, B, H), dtype=dt)
        if self.reset_after:
            W2, bha = Wh * a, bh * a
            S = xp.empty((T, B, 3 * H), dtype=dt)           # h W_h + b_h (z, r halved)
        else:
            W2, Whh = xp.ascontiguousarray(Wh[:, :2 * H] * 0.5), xp.ascontiguousarray(Wh[:, 2 * H:])
            S = xp.empty((T, B, H), dtype=dt)               # r * h_prev
            zr = xp.empty((B, 2 * H), dtype=dt)
        tmp = xp.empty((B, H), dtype=dt)
        hd = xp.empty((B, H), dtype=dt)
        Mc = None if M is None else 1 - M
        h = xp.ascontiguousarray(h0, dtype=dt)
        for t in self._steps(T):
            g = G[t]
            gzr, gr, gh = g[:, :2 * H], g[:, H:2 * H], g[:, 2 * H:]
            hm = self._hd(xp, h, R, hd)
            if self.reset_after:
                hw = S[t]
                xp.dot(hm, W2, out=hw)
                hw += bha
                gzr += hw[:, :2 * H]
            else:
                xp.dot(hm, W2, out=zr)
                gzr += zr
            xp.tanh(gzr, out=gzr)
            gzr *= 0.5
            gzr += 0.5
            if self.reset_after:
                xp.multiply(gr, hw[:, 2 * H:], out=tmp)
            else:
                xp.multiply(gr, hm, out=S[t])
                xp.dot(S[t], Whh, out=tmp)
            gh += tmp
            xp.tanh(gh, out=gh)
            ht = Hs[t]
            xp.subtract(h, gh, out=ht)
            ht *= g[:, :H]
            ht += gh
            self._mask_step(M, Mc, t, ht, h)
            h = ht
        return self._output(xp, Hs, M, single), h, X1, G, S, Hs

    def _grads(self, xp, X1, M, R, single, params, ws, gys):
        Wx, Wh, b, h0 = params
        G, S, Hs = ws
        T, B = X1.shape[:2]
        H = Wh.shape[0]
        dt = X1.dtype
        h0 = xp.asarray(h0, dtype=dt)
        dzr = xp.empty((B, 2 * H), dtype=dt)
        khh = xp.empty((B, H), dtype=dt)
        gY = None if gys[0] is None else self._grad_y(xp, gys[0], M, single)
        dh = _start(xp, gys[1], (B, H), dt)
        dZ = xp.empty_like(G)
        dS = xp.empty((T, B, 3 * H), dtype=dt) if self.reset_after else None
        dht = xp.empty((B, H), dtype=dt)
        tmp = xp.empty((B, H), dtype=dt)
        hd = xp.empty((B, H), dtype=dt)
        WhT = xp.ascontiguousarray(Wh.T)   # a row-major operand: the per-step GEMM is faster
        if not self.reset_after:
            WzrT = xp.ascontiguousarray(Wh[:, :2 * H].T)
            WhhT = xp.ascontiguousarray(Wh[:, 2 * H:].T)
            drh = xp.empty((B, H), dtype=dt)
        Mc = None if M is None else 1 - M
        for t in reversed(self._steps(T)):
            if gY is not None:
                xp.add(dh, gY[t], out=dht)
            else:
                dht[...] = dh
            if M is not None:
                ph = dht * Mc[t]
                dht *= M[t]
            g, dz = G[t], dZ[t]
            p = self._prev(t)
            h_prev = h0 if p < 0 or p >= T else Hs[p]
            xp.subtract(1, g[:, :2 * H], out=dzr)
            dzr *= g[:, :2 * H]                 # sigmoid' = s (1 - s) for z and r
            xp.multiply(g[:, 2 * H:], g[:, 2 * H:], out=khh)
            xp.subtract(1, khh, out=khh)
            xp.subtract(1, g[:, :H], out=tmp)
            khh *= tmp                          # d h / d (hh's pre-activation)
            xp.subtract(h_prev, g[:, 2 * H:], out=tmp)
            tmp *= dht
            xp.multiply(tmp, dzr[:, :H], out=dz[:, :H])
            xp.multiply(dht, khh, out=dz[:, 2 * H:])
            if self.reset_after:
                ds = dS[t]
                xp.multiply(dz[:, 2 * H:], S[t][:, 2 * H:], out=tmp)
                xp.multiply(tmp, dzr[:, H:], out=dz[:, H:2 * H])
                ds[:, :2 * H] = dz[:, :2 * H]
                xp.multiply(dz[:, 2 * H:], g[:, H:2 * H], out=ds[:, 2 * H:])
                xp.dot(ds, WhT, out=dh)
            else:
                xp.dot(dz[:, 2 * H:], WhhT, out=drh)
                xp.multiply(drh, self._hd(xp, h_prev, R, hd), out=tmp)
                xp.multiply(tmp, dzr[:, H:], out=dz[:, H:2 * H])
                xp.dot(dz[:, :2 * H], WzrT, out=dh)
                drh *= g[:, H:2 * H]
                dh += drh
            if R is not None:
                dh *= R
            xp.multiply(dht, g[:, :H], out=tmp)
            dh += tmp
            if M is not None:
                dh += ph
        dWx, dbx = _w1_grad(X1, dZ)
        if self.reset_after:
            dWh = self._prev_gemm(*self._masked(xp, h0, Hs, R), dS)
            db = xp.stack([dbx, dS.reshape(T * B, 3 * H).sum(axis=0)])
        else:
            dWh = xp.empty_like(Wh)
            dWh[:, :2 * H] = self._prev_gemm(*self._masked(xp, h0, Hs, R),
                                             xp.ascontiguousarray(dZ[..., :2 * H]))
            dWh[:, 2 * H:] = S.reshape(T * B, H).T @ dZ[..., 2 * H:].reshape(T * B, H)
            db = dbx
        return self._dx(xp, dZ, Wx, single), dWx, dWh, db.astype(b.dtype, copy=False), dh


# ==================================================================== simple RNN
_ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


class SimpleRNNSeq(_RecurrentSeq):
    """h = activation(x W_x + h_prev W_h + b), activation tanh, relu, sigmoid or linear."""
    type = "SimpleRNNSequence"

    def __init__(self, activation="tanh", **kw):
        super().__init__(**kw)
        if activation not in _ACTIVATIONS:
            raise ValueError(f"Invalid value for argument `activation`: expected one of "
                             f"{_ACTIVATIONS}. Received: activation={activation!r}")
        self.activation = activation

    def _ws_blocks(self):
        return (1, 1)   # G (activations before masking), Hs (states)

    def _act(self, xp, g):
        if self.activation == "tanh":
            xp.tanh(g, out=g)
        elif self.activation == "relu":
            xp.maximum(g, 0, out=g)
        elif self.activation == "sigmoid":
            g *= 0.5
            xp.tanh(g, out=g)
            g *= 0.5
            g += 0.5

    def forward(self, x, Wx, Wh, b, *rest):
        (h0,), R, m = self._split(rest)
        single = x.ndim == 2
        xp = get_array_module(x)
        X1 = self._x1(x)
        T, B = X1.shape[:2]
        M = self._mask_of(xp, m, T, B, x.dtype)
        H = Wh.shape[0]
        G = _proj(X1, _w1(xp, Wx, b, dtype=x.dtype))
        Hs = G if M is None else xp.empty_like(G)
        tmp = xp.empty((B, H), dtype=x.dtype)
        hd = xp.empty((B, H), dtype=x.dtype)
        Mc = None if M is None else 1 - M
        h = xp.ascontiguousarray(h0, dtype=x.dtype)
        for t in self._steps(T):
            g = G[t]
            xp.dot(self._hd(xp, h, R, hd), Wh, out=tmp)
            g += tmp
            self._act(xp, g)
            if M is not None:
                xp.multiply(g, M[t], out=Hs[t])
                Hs[t] += h * Mc[t]
            h = Hs[t]
        return self._output(xp, Hs, M, single), h, X1, G, Hs

    def _grads(self, xp, X1, M, R, single, params, ws, gys):
        Wx, Wh, b, h0 = params
        G, Hs = ws
        T, B = X1.shape[:2]
        H = Wh.shape[0]
        if self.activation == "tanh":
            Dv = 1 - G * G
        elif self.activation == "relu":
            Dv = (G > 0).astype(G.dtype)
        elif self.activation == "sigmoid":
            Dv = G * (1 - G)
        else:
            Dv = None
        gY = None if gys[0] is None else self._grad_y(xp, gys[0], M, single)
        dh = _start(xp, gys[1], (B, H), X1.dtype)
        dZ = xp.empty_like(G)
        WhT = xp.ascontiguousarray(Wh.T)   # a row-major operand: the per-step GEMM is faster
        Mc = None if M is None else 1 - M
        for t in reversed(self._steps(T)):
            dz = dZ[t]
            if gY is not None:
                xp.add(dh, gY[t], out=dz)
            else:
                dz[...] = dh
            if M is not None:
                ph = dz * Mc[t]
                dz *= M[t]
            if Dv is not None:
                dz *= Dv[t]
            xp.dot(dz, WhT, out=dh)
            if R is not None:
                dh *= R
            if M is not None:
                dh += ph
        dWx, db = _w1_grad(X1, dZ)
        dWh = self._prev_gemm(*self._masked(xp, h0, Hs, R), dZ)
        return self._dx(xp, dZ, Wx, single), dWx, dWh, db.astype(b.dtype, copy=False), dh


# ==================================================================== wrappers
def _check_float(x, what):
    if not x.dtype.is_floating:
        raise TypeError(f"Invalid value for argument `{what}`: expected a float tensor. "
                        f"Received: dtype={x.dtype.name}")


def _seq(op, x, weights, states, rmask, mask, name):
    from ._base import convert_to_tensor
    x = convert_to_tensor(x)
    _check_float(x, "inputs")
    ins = [x] + [convert_to_tensor(w, dtype=x.dtype) for w in weights] + \
        [convert_to_tensor(s, dtype=x.dtype) for s in states]
    if rmask is not None:
        ins.append(convert_to_tensor(rmask, dtype=x.dtype))
    if mask is not None:
        m = convert_to_tensor(mask)
        if op.mask == "lengths" and not m.dtype.is_integer:
            raise TypeError("sequence_length must be an integer tensor; received "
                            f"dtype={m.dtype.name}")
        ins.append(m)
    op._pending_name = name
    op._check(*ins[:3])
    return op._build(tuple(ins), name)


def _kw(mask, mask_kind, time_major, reverse, zero_output, rmask):
    return dict(time_major=time_major, reverse=reverse, mask=None if mask is None else mask_kind,
                zero_output=zero_output, rdrop=rmask is not None)


def lstm_sequence(x, Wx, Wh, b, h0, c0, mask=None, mask_kind="mask", order="ifco",
                  forget_bias=0.0, time_major=False, reverse=False, zero_output=True,
                  rmask=None, name=None):
    """(y, h_T, c_T): a fused LSTM over the time axis of x (rank 2 x: one step)."""
    op = LSTMSeq(order, forget_bias, **_kw(mask, mask_kind, time_major, reverse, zero_output,
                                           rmask))
    return _seq(op, x, (Wx, Wh, b), (h0, c0), rmask, mask, name or "lstm")[:3]


def gru_sequence(x, Wx, Wh, b, h0, mask=None, mask_kind="mask", reset_after=True,
                 time_major=False, reverse=False, zero_output=True, rmask=None, name=None):
    """(y, h_T): a fused GRU over the time axis of x (rank 2 x: one step)."""
    op = GRUSeq(reset_after, **_kw(mask, mask_kind, time_major, reverse, zero_output, rmask))
    return _seq(op, x, (Wx, Wh, b), (h0,), rmask, mask, name or "gru")[:2]


def simple_rnn_sequence(x, Wx, Wh, b, h0, mask=None, mask_kind="mask", activation="tanh",
                        time_major=False, reverse=False, zero_output=True, rmask=None,
                        name=None):
    """(y, h_T): a fused simple RNN over the time axis of x (rank 2 x: one step)."""
    op = SimpleRNNSeq(activation, **_kw(mask, mask_kind, time_major, reverse, zero_output,
                                        rmask))
    return _seq(op, x, (Wx, Wh, b), (h0,), rmask, mask, name or "rnn")[:2]

