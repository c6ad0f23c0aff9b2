"""The fused sequence ops against NumPy references of the cell equations, through time."""
import numpy as np
import pytest
from helpers import check_op

import neuroflow as tf
from neuroflow.ops import rnn_ops


def sig(z):
    return 1 / (1 + np.exp(-z))


def _mask(T, B, lengths, mask):
    if lengths is not None:
        return (np.arange(T)[:, None] < np.asarray(lengths)[None, :]).astype(float)
    if mask is not None:
        return np.asarray(mask, float).T
    return np.ones((T, B))


def ref_run(step, x, states, lengths=None, mask=None, time_major=False, reverse=False,
            zero_output=True):
    """A NumPy loop over time: step(x_t, states) -> (out, states); masked steps keep the state."""
    xt = x if time_major else x.transpose(1, 0, 2)
    T, B = xt.shape[:2]
    M = _mask(T, B, lengths, mask)
    ys = [None] * T
    seen = np.zeros((B, 1))
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        out, new = step(xt[t], states)
        m = M[t][:, None]
        states = [m * n + (1 - m) * s for n, s in zip(new, states)]
        seen = np.maximum(seen, m)
        ys[t] = m * out if zero_output else states[0] * seen   # Keras: 0 before a step is seen
    y = np.stack(ys)
    return (y if time_major else y.transpose(1, 0, 2)), states


def lstm_step(Wx, Wh, b, order="ifco", forget_bias=0.0, R=1.0):
    H = Wh.shape[0]

    def step(x, st):
        h, c = st
        z = x @ Wx + (h * R) @ Wh + b
        blk = {g: z[:, order.index(g) * H:(order.index(g) + 1) * H] for g in "ifco"}
        i, f, o = sig(blk["i"]), sig(blk["f"] + forget_bias), sig(blk["o"])
        c = f * c + i * np.tanh(blk["c"])
        h = o * np.tanh(c)
        return h, [h, c]
    return step


def gru_step(Wx, Wh, b, reset_after=True, R=1.0):
    H = Wh.shape[0]

    def step(x, st):
        h, = st
        hr = h * R
        if reset_after:
            xw, hw = x @ Wx + b[0], hr @ Wh + b[1]
            z = sig(xw[:, :H] + hw[:, :H])
            r = sig(xw[:, H:2 * H] + hw[:, H:2 * H])
            hh = np.tanh(xw[:, 2 * H:] + r * hw[:, 2 * H:])
        else:
            xw = x @ Wx + b
            z = sig(xw[:, :H] + hr @ Wh[:, :H])
            r = sig(xw[:, H:2 * H] + hr @ Wh[:, H:2 * H])
            hh = np.tanh(xw[:, 2 * H:] + (r * hr) @ Wh[:, 2 * H:])
        h = z * h + (1 - z) * hh
        return h, [h]
    return step


ACTS = {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0), "sigmoid": sig,
        "linear": lambda v: v}


def rnn_step(Wx, Wh, b, activation="tanh", R=1.0):
    def step(x, st):
        h = ACTS[activation](x @ Wx + (st[0] * R) @ Wh + b)
        return h, [h]
    return step


def _flat(*ts):
    return tf.concat([tf.reshape(t, [-1]) for t in ts], 0)


def _nflat(*arrs):
    return np.concatenate([np.reshape(a, -1) for a in arrs])


B, T, D, H = 3, 4, 2, 3
LENGTHS = np.array([4, 2, 0], np.int32)
MASK = np.array([[1, 1, 0, 1], [0, 1, 1, 0], [1, 1, 1, 1]], bool)

CASES = [  # (time_major, reverse, mask kind, zero_output)
    (False, False, None, True),
    (True, False, None, True),
    (False, True, None, True),
    (False, False, "lengths", True),
    (True, True, "lengths", True),
    (False, False, "mask", False),
    (False, True, "mask", False),
]


def _xshape(time_major):
    return (T, B, D) if time_major else (B, T, D)


def _mask_input(kind, time_major):
    if kind == "lengths":
        return LENGTHS
    if kind == "mask":
        return MASK.T.copy() if time_major else MASK
    return None


def _ref_kw(kind, time_major, reverse, zero_output):
    return dict(lengths=LENGTHS if kind == "lengths" else None,
                mask=MASK if kind == "mask" else None, time_major=time_major,
                reverse=reverse, zero_output=zero_output)


@pytest.mark.parametrize("time_major,reverse,kind,zero_output", CASES)
@pytest.mark.parametrize("order,forget_bias", [("ifco", 0.0), ("icfo", 1.0)])
def test_lstm_sequence(time_major, reverse, kind, zero_output, order, forget_bias):
    m = _mask_input(kind, time_major)

    def fn(x, Wx, Wh, b, h0, c0, *mm):
        y, h, c = rnn_ops.lstm_sequence(x, Wx, Wh, b, h0, c0, mask=mm[0] if mm else None,
                                        mask_kind=kind or "mask", order=order,
                                        forget_bias=forget_bias, time_major=time_major,
                                        reverse=reverse, zero_output=zero_output)
        return _flat(y, h, c)

    def ref(x, Wx, Wh, b, h0, c0, *mm):
        y, (h, c) = ref_run(lstm_step(Wx, Wh, b, order, forget_bias), x, [h0, c0],
                            **_ref_kw(kind, time_major, reverse, zero_output))
        return _nflat(y, h, c)

    rng = np.random.RandomState(1)
    ins = [rng.uniform(-1, 1, s) for s in
           [_xshape(time_major), (D, 4 * H), (H, 4 * H), (4 * H,), (B, H), (B, H)]]
    if m is not None:
        ins.append(m)
    check_op(fn, ref, None, inputs=ins, grad_args=[0, 1, 2, 3, 4, 5])


@pytest.mark.parametrize("time_major,reverse,kind,zero_output", CASES)
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_sequence(time_major, reverse, kind, zero_output, reset_after):
    m = _mask_input(kind, time_major)

    def fn(x, Wx, Wh, b, h0, *mm):
        y, h = rnn_ops.gru_sequence(x, Wx, Wh, b, h0, mask=mm[0] if mm else None,
                                    mask_kind=kind or "mask", reset_after=reset_after,
                                    time_major=time_major, reverse=reverse,
                                    zero_output=zero_output)
        return _flat(y, h)

    def ref(x, Wx, Wh, b, h0, *mm):
        y, (h,) = ref_run(gru_step(Wx, Wh, b, reset_after), x, [h0],
                          **_ref_kw(kind, time_major, reverse, zero_output))
        return _nflat(y, h)

    rng = np.random.RandomState(2)
    bshape = (2, 3 * H) if reset_after else (3 * H,)
    ins = [rng.uniform(-1, 1, s) for s in
           [_xshape(time_major), (D, 3 * H), (H, 3 * H), bshape, (B, H)]]
    if m is not None:
        ins.append(m)
    check_op(fn, ref, None, inputs=ins, grad_args=[0, 1, 2, 3, 4])


@pytest.mark.parametrize("time_major,reverse,kind,zero_output", CASES)
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_simple_rnn_sequence(time_major, reverse, kind, zero_output, activation):
    m = _mask_input(kind, time_major)

    def fn(x, Wx, Wh, b, h0, *mm):
        y, h = rnn_ops.simple_rnn_sequence(x, Wx, Wh, b, h0, mask=mm[0] if mm else None,
                                           mask_kind=kind or "mask", activation=activation,
                                           time_major=time_major, reverse=reverse,
                                           zero_output=zero_output)
        return _flat(y, h)

    def ref(x, Wx, Wh, b, h0, *mm):
        y, (h,) = ref_run(rnn_step(Wx, Wh, b, activation), x, [h0],
                          **_ref_kw(kind, time_major, reverse, zero_output))
        return _nflat(y, h)

    rng = np.random.RandomState(3)
    ins = [rng.uniform(-1, 1, s) for s in
           [_xshape(time_major), (D, H), (H, H), (H,), (B, H)]]
    if m is not None:
        ins.append(m)
    check_op(fn, ref, None, inputs=ins, grad_args=[0, 1, 2, 3, 4])


@pytest.mark.parametrize("which", ["y", "h", "c"])
def test_lstm_partial_outputs(which):
    """Only one output used: the other gradients are absent, not zeros filled in."""
    def fn(x, Wx, Wh, b, h0, c0):
        y, h, c = rnn_ops.lstm_sequence(x, Wx, Wh, b, h0, c0)
        return {"y": y, "h": h, "c": c}[which]

    def ref(x, Wx, Wh, b, h0, c0):
        y, (h, c) = ref_run(lstm_step(Wx, Wh, b), x, [h0, c0])
        return {"y": y, "h": h, "c": c}[which]

    check_op(fn, ref, [(B, T, D), (D, 4 * H), (H, 4 * H), (4 * H,), (B, H), (B, H)], low=-1,
             high=1)


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn"])
def test_single_step(kind):
    """A rank-2 x is one step of the cell (the cell step op)."""
    rng = np.random.RandomState(4)
    k = {"lstm": 4, "gru": 3, "rnn": 1}[kind]
    x, h0 = rng.uniform(-1, 1, (B, D)), rng.uniform(-1, 1, (B, H))
    Wx, Wh, b = rng.uniform(-1, 1, (D, k * H)), rng.uniform(-1, 1, (H, k * H)), \
        rng.uniform(-1, 1, (2, k * H) if kind == "gru" else (k * H,))
    if kind == "lstm":
        def fn(x, Wx, Wh, b, h0):
            return _flat(*rnn_ops.lstm_sequence(x, Wx, Wh, b, h0, h0 * 0.5))

        def ref(x, Wx, Wh, b, h0):
            out, (h, c) = lstm_step(Wx, Wh, b)(x, [h0, h0 * 0.5])
            return _nflat(out, h, c)
    elif kind == "gru":
        def fn(x, Wx, Wh, b, h0):
            return _flat(*rnn_ops.gru_sequence(x, Wx, Wh, b, h0))

        def ref(x, Wx, Wh, b, h0):
            out, (h,) = gru_step(Wx, Wh, b)(x, [h0])
            return _nflat(out, h)
    else:
        def fn(x, Wx, Wh, b, h0):
            return _flat(*rnn_ops.simple_rnn_sequence(x, Wx, Wh, b, h0))

        def ref(x, Wx, Wh, b, h0):
            out, (h,) = rnn_step(Wx, Wh, b)(x, [h0])
            return _nflat(out, h)
    check_op(fn, ref, None, inputs=[x, Wx, Wh, b, h0])


def test_float32_and_shapes():
    x = tf.constant(np.random.rand(2, 5, 3).astype(np.float32))
    Wx, Wh = tf.zeros([3, 16]), tf.zeros([4, 16])
    y, h, c = rnn_ops.lstm_sequence(x, Wx, Wh, tf.zeros([16]), tf.zeros([2, 4]), tf.zeros([2, 4]))
    assert y.dtype == tf.float32 and y.shape.as_list() == [2, 5, 4]
    assert h.shape.as_list() == [2, 4] and c.shape.as_list() == [2, 4]
    np.testing.assert_allclose(y.numpy(), 0)  # zero weights: o = 1/2, c stays 0


def test_static_shapes_in_graph(graph_mode):
    x = tf.placeholder(tf.float32, [None, 7, 3])
    y, h = rnn_ops.gru_sequence(x, tf.zeros([3, 12]), tf.zeros([4, 12]), tf.zeros([2, 12]),
                                tf.zeros([1, 4]))
    assert y.shape.as_list() == [None, 7, 4]
    assert h.shape.as_list() == [None, 4]


def test_errors():
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        rnn_ops.simple_rnn_sequence(tf.zeros([2, 3, 5]), tf.zeros([4, 2]), tf.zeros([2, 2]),
                                    tf.zeros([2]), tf.zeros([2, 2]))
    with pytest.raises(TypeError, match="float"):
        rnn_ops.simple_rnn_sequence(tf.zeros([2, 3, 4], tf.int32), tf.zeros([4, 2]),
                                    tf.zeros([2, 2]), tf.zeros([2]), tf.zeros([2, 2]))
    with pytest.raises(ValueError, match="activation"):
        rnn_ops.SimpleRNNSeq("softmax")


def test_second_order_says_not_supported():
    x = tf.constant(np.ones((1, 2, 2)))
    W = tf.constant(np.ones((2, 2)) * 0.1)
    with tf.GradientTape() as t2:
        t2.watch(W)
        with tf.GradientTape() as t1:
            t1.watch(W)
            y, h = rnn_ops.simple_rnn_sequence(x, W, W, tf.constant(np.zeros(2)),
                                               tf.constant(np.zeros((1, 2))))
            loss = tf.reduce_sum(y)
        g = t1.gradient(loss, W)
    with pytest.raises(NotImplementedError, match="Second-order"):
        t2.gradient(g, W)


@pytest.mark.parametrize("kind", ["lstm", "gru", "gru_before", "rnn"])
@pytest.mark.parametrize("time_major,reverse,kind_m,zero_output", [CASES[0], CASES[4], CASES[6]])
def test_recurrent_dropout_mask(kind, time_major, reverse, kind_m, zero_output):
    """rmask multiplies the state where it meets W_h (Keras recurrent_dropout), every step."""
    m = _mask_input(kind_m, time_major)
    R = (np.random.RandomState(7).rand(B, H) > 0.4) / 0.6
    k = {"lstm": 4, "gru": 3, "gru_before": 3, "rnn": 1}[kind]
    bshape = (2, 3 * H) if kind == "gru" else (k * H,)
    kw = dict(mask_kind=kind_m or "mask", time_major=time_major, reverse=reverse,
              zero_output=zero_output)

    def fn(x, Wx, Wh, b, h0, c0, R, *mm):
        mk = mm[0] if mm else None
        if kind == "lstm":
            return _flat(*rnn_ops.lstm_sequence(x, Wx, Wh, b, h0, c0, mask=mk, rmask=R, **kw))
        if kind == "rnn":
            return _flat(*rnn_ops.simple_rnn_sequence(x, Wx, Wh, b, h0, mask=mk, rmask=R, **kw))
        return _flat(*rnn_ops.gru_sequence(x, Wx, Wh, b, h0, mask=mk, rmask=R,
                                           reset_after=kind == "gru", **kw))

    def ref(x, Wx, Wh, b, h0, c0, R, *mm):
        rk = _ref_kw(kind_m, time_major, reverse, zero_output)
        if kind == "lstm":
            y, st = ref_run(lstm_step(Wx, Wh, b, R=R), x, [h0, c0], **rk)
        elif kind == "rnn":
            y, st = ref_run(rnn_step(Wx, Wh, b, R=R), x, [h0], **rk)
        else:
            y, st = ref_run(gru_step(Wx, Wh, b, kind == "gru", R=R), x, [h0], **rk)
        return _nflat(y, *st)

    rng = np.random.RandomState(5)
    ins = [rng.uniform(-1, 1, s) for s in [_xshape(time_major), (D, k * H), (H, k * H), bshape,
                                           (B, H), (B, H)]] + [R]
    if m is not None:
        ins.append(m)
    grad_args = [0, 1, 2, 3, 4] + ([5] if kind == "lstm" else [])
    check_op(fn, ref, None, inputs=ins, grad_args=grad_args)


@pytest.mark.gpu
@pytest.mark.parametrize("kind", ["lstm", "gru", "gru_before", "rnn"])
def test_kernels_on_cupy_match_numpy(kind):
    """The same kernels on CuPy arrays (xp = cupy): forward and backward equal NumPy's."""
    cp = pytest.importorskip("cupy")
    rng = np.random.RandomState(9)
    k = {"lstm": 4, "gru": 3, "gru_before": 3, "rnn": 1}[kind]
    op_of = {"lstm": lambda: rnn_ops.LSTMSeq(mask="mask", rdrop=True),
             "gru": lambda: rnn_ops.GRUSeq(True, mask="mask", rdrop=True),
             "gru_before": lambda: rnn_ops.GRUSeq(False, mask="mask", rdrop=True),
             "rnn": lambda: rnn_ops.SimpleRNNSeq("tanh", mask="mask", rdrop=True)}[kind]
    st = [rng.uniform(-1, 1, (B, H)) for _ in range(2 if kind == "lstm" else 1)]
    ins = [rng.uniform(-1, 1, (B, T, D)), rng.uniform(-1, 1, (D, k * H)),
           rng.uniform(-1, 1, (H, k * H)),
           rng.uniform(-1, 1, (2, 3 * H) if kind == "gru" else (k * H,))] + st + \
        [(rng.rand(B, H) > 0.3) / 0.7, MASK]
    gy = [rng.uniform(-1, 1, (B, T, H))] + [rng.uniform(-1, 1, (B, H)) for _ in st]
    results = []
    for xp in (np, cp):
        op = op_of()
        arrs = [xp.asarray(a) for a in ins]
        outs = op.forward(*arrs)
        n = 1 + op.n_states
        ws = outs[n:]
        M = op._mask_of(xp, (arrs[-1],), T, B, arrs[0].dtype)
        grads = op._grads(xp, ws[0], M, arrs[op._n_param()], False, arrs[1:op._n_param()],
                          ws[1:], [xp.asarray(g) for g in gy])
        results.append([cp.asnumpy(v) if xp is cp else v for v in list(outs[:n]) + list(grads)])
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-10)
