"""Fused recurrent ops: a whole sequence of LSTM, GRU or simple-RNN steps is one op.

Forward: ``x @ W_x`` for all steps in one GEMM, then per step one GEMM ``h @ W_h`` and a few
in-place elementwise calls on [batch, gates] arrays. Backward through time: one hand-written loop
over preallocated arrays, then the weight gradients as single GEMMs over all steps. A rank-2 ``x``
is one step: the cell step op. The cells (``neuroflow.rnn``) and the Keras layers build on these.

Layout: inputs ``(x, W_x, W_h, b, *initial_states[, rmask][, mask])``, outputs ``(y,
*final_states, [x, 1], *workspace)``; the workspace (time-major) is what backward needs. ``rmask``
([batch, units], recurrent dropout) multiplies the state where it meets ``W_h``. Masks (TF1
``sequence_length`` or a Keras mask): a masked step keeps the state; its output is zero
(``zero_output``, TF1) or the previous output (Keras: the kept state, zero before the first
step seen). ``reverse`` runs from the last step to the first and leaves each output at its own
time index (TF1's backward direction; Keras ``go_backwards`` reverses it afterwards).
Sigmoid gates use sigmoid(z) = tanh(z / 2) / 2 + 1 / 2: the columns of W are halved once, so one
tanh call covers every gate of a step and never overflows. The shared plumbing (layouts, masks,
the backward node) is in ``_rnn_base.py``.
"""
from ._base import get_array_module
from ._rnn_base import (_gate_vectors, _proj, _RecurrentSeq, _rows, _start, _step_grad, _w1,
                        _w1_grad)

__all__ = []


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
        Mc = None if M is None else 1 - M
        h0, c0 = xp.ascontiguousarray(h0, dtype=x.dtype), xp.ascontiguousarray(c0, dtype=x.dtype)

        def rows(b0, b1):              # the recurrence of batch rows b0:b1
            tmp = xp.empty((b1 - b0, 4 * H), dtype=x.dtype)
            ic = xp.empty((b1 - b0, H), dtype=x.dtype)
            hd = xp.empty((b1 - b0, H), dtype=x.dtype)
            Rb, Mb, Mcb = _rows((R, M, Mc), b0, b1)
            h, c = h0[b0:b1], c0[b0:b1]
            for t in self._steps(T):
                g = A[t, b0:b1]
                xp.dot(self._hd(xp, h, Rb, hd), Wha, out=tmp)
                g += tmp
                xp.tanh(g, out=g)
                g *= a
                g += off                       # the four gate activations
                ct, ht = C[t, b0:b1], Hs[t, b0:b1]
                xp.multiply(g[:, sf], c, out=ct)
                xp.multiply(g[:, si], g[:, sc], out=ic)
                ct += ic
                xp.tanh(ct, out=ht)
                ht *= g[:, so]
                self._mask_step(Mb, Mcb, t, ct, c)
                self._mask_step(Mb, Mcb, t, ht, h)
                h, c = ht, ct
        self._by_rows(xp, B, T * B * Wh.size, rows)
        last = self._steps(T)[-1] if T else None
        h, c = (h0, c0) if last is None else (Hs[last], C[last])
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
        WhT = xp.ascontiguousarray(Wh.T)   # a row-major operand: the per-step GEMM is faster
        Mc = None if M is None else 1 - M

        def rows(b0, b1):              # backward through time for batch rows b0:b1
            # what does not depend on the recurrence, for all steps at once: tanh(c),
            # K = o (1 - tanh(c)^2) and the gates' derivatives DV = a^2 - (act - off)^2
            Ab, Cb = A[:, b0:b1], C[:, b0:b1]
            TC = xp.tanh(Cb)
            K = xp.multiply(TC, TC)
            xp.subtract(1, K, out=K)
            K *= Ab[:, :, so]
            DV = xp.subtract(Ab, off)
            DV *= DV
            xp.subtract(a2, DV, out=DV)
            tmp = xp.empty((b1 - b0, H), dtype=dt)
            Rb, Mb, Mcb = _rows((R, M, Mc), b0, b1)
            gYb = None if gY is None else gY[:, b0:b1]
            dhb, dcb, c0b = dh[b0:b1], dc[b0:b1], c0[b0:b1]
            dht = xp.empty((b1 - b0, H), dtype=dt)
            for t in reversed(self._steps(T)):
                _step_grad(xp, dhb, gYb, t, dht)
                if Mb is not None:
                    ph, pc = dht * Mcb[t], dcb * Mcb[t]
                    dht *= Mb[t]
                    dcb *= Mb[t]
                g, dz = Ab[t], dZ[t, b0:b1]
                p = self._prev(t)
                c_prev = c0b if p < 0 or p >= T else Cb[p]
                xp.multiply(dht, TC[t], out=dz[:, so])
                xp.multiply(dht, K[t], out=tmp)    # dc += dh * o * (1 - tanh(c)^2)
                dcb += tmp
                xp.multiply(dcb, g[:, sc], out=dz[:, si])
                xp.multiply(dcb, g[:, si], out=dz[:, sc])
                xp.multiply(dcb, c_prev, out=dz[:, sf])
                dcb *= g[:, sf]
                dz *= DV[t]
                xp.dot(dz, WhT, out=dhb)
                if Rb is not None:
                    dhb *= Rb
                if Mb is not None:
                    dhb += ph
                    dcb += pc
        self._by_rows(xp, B, T * B * Wh.size, rows)
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
        Mc = None if M is None else 1 - M
        h0 = xp.ascontiguousarray(h0, dtype=dt)

        def rows(b0, b1):              # the recurrence of batch rows b0:b1
            n = b1 - b0
            zr = None if self.reset_after else xp.empty((n, 2 * H), dtype=dt)
            tmp, hd = xp.empty((n, H), dtype=dt), xp.empty((n, H), dtype=dt)
            Rb, Mb, Mcb = _rows((R, M, Mc), b0, b1)
            h = h0[b0:b1]
            for t in self._steps(T):
                g = G[t, b0:b1]
                gzr, gr, gh = g[:, :2 * H], g[:, H:2 * H], g[:, 2 * H:]
                hm = self._hd(xp, h, Rb, hd)
                st = S[t, b0:b1]
                if self.reset_after:
                    xp.dot(hm, W2, out=st)
                    st += bha
                    gzr += st[:, :2 * H]
                else:
                    xp.dot(hm, W2, out=zr)
                    gzr += zr
                xp.tanh(gzr, out=gzr)
                gzr *= 0.5
                gzr += 0.5
                if self.reset_after:
                    xp.multiply(gr, st[:, 2 * H:], out=tmp)
                else:
                    xp.multiply(gr, hm, out=st)
                    xp.dot(st, Whh, out=tmp)
                gh += tmp
                xp.tanh(gh, out=gh)
                ht = Hs[t, b0:b1]
                xp.subtract(h, gh, out=ht)
                ht *= g[:, :H]
                ht += gh
                self._mask_step(Mb, Mcb, t, ht, h)
                h = ht
        self._by_rows(xp, B, T * B * Wh.size, rows)
        h = Hs[self._steps(T)[-1]] if T else h0
        return self._output(xp, Hs, M, single), h, X1, G, S, Hs

    def _grads(self, xp, X1, M, R, single, params, ws, gys):
        Wx, Wh, b, h0 = params
        G, S, Hs = ws
        T, B = X1.shape[:2]
        H = Wh.shape[0]
        dt = X1.dtype
        h0 = xp.asarray(h0, dtype=dt)
        gY = None if gys[0] is None else self._grad_y(xp, gys[0], M, single)
        dh = _start(xp, gys[1], (B, H), dt)
        dZ = xp.empty_like(G)
        dS = xp.empty((T, B, 3 * H), dtype=dt) if self.reset_after else None
        WhT = xp.ascontiguousarray(Wh.T)   # a row-major operand: the per-step GEMM is faster
        if not self.reset_after:
            WzrT = xp.ascontiguousarray(Wh[:, :2 * H].T)
            WhhT = xp.ascontiguousarray(Wh[:, 2 * H:].T)
        Mc = None if M is None else 1 - M

        def rows(b0, b1):              # backward through time for batch rows b0:b1
            n = b1 - b0
            dzr = xp.empty((n, 2 * H), dtype=dt)
            khh, dht, tmp, hd, drh = (xp.empty((n, H), dtype=dt) for _ in range(5))
            Rb, Mb, Mcb = _rows((R, M, Mc), b0, b1)
            gYb = None if gY is None else gY[:, b0:b1]
            dhb, h0b = dh[b0:b1], h0[b0:b1]
            for t in reversed(self._steps(T)):
                _step_grad(xp, dhb, gYb, t, dht)
                if Mb is not None:
                    ph = dht * Mcb[t]
                    dht *= Mb[t]
                g, dz = G[t, b0:b1], dZ[t, b0:b1]
                p = self._prev(t)
                h_prev = h0b if p < 0 or p >= T else Hs[p, b0:b1]
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
                    ds = dS[t, b0:b1]
                    xp.multiply(dz[:, 2 * H:], S[t, b0:b1][:, 2 * H:], out=tmp)
                    xp.multiply(tmp, dzr[:, H:], out=dz[:, H:2 * H])
                    ds[:, :2 * H] = dz[:, :2 * H]
                    xp.multiply(dz[:, 2 * H:], g[:, H:2 * H], out=ds[:, 2 * H:])
                    xp.dot(ds, WhT, out=dhb)
                else:
                    xp.dot(dz[:, 2 * H:], WhhT, out=drh)
                    xp.multiply(drh, self._hd(xp, h_prev, Rb, hd), out=tmp)
                    xp.multiply(tmp, dzr[:, H:], out=dz[:, H:2 * H])
                    xp.dot(dz[:, :2 * H], WzrT, out=dhb)
                    drh *= g[:, H:2 * H]
                    dhb += drh
                if Rb is not None:
                    dhb *= Rb
                xp.multiply(dht, g[:, :H], out=tmp)
                dhb += tmp
                if Mb is not None:
                    dhb += ph
        self._by_rows(xp, B, T * B * Wh.size, rows)
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
            dz = _step_grad(xp, dh, gY, t, dZ[t])
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
