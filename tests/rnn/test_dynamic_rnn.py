"""dynamic_rnn / static_rnn / bidirectional RNNs and sequence_loss against NumPy, through time."""
import numpy as np
import pytest
from helpers import check_op

import neuroflow as tf
from neuroflow.rnn import _nest as nest


def sig(z):
    return 1 / (1 + np.exp(-z))


def fixed_init(seed=0, scale=0.6):
    rng = np.random.RandomState(seed)

    def init(shape, dtype=None, partition_info=None):
        return rng.uniform(-scale, scale, shape).astype(dtype.as_numpy_dtype)
    return init


# NumPy steps of the TF1 cells: (x, state, weights) -> (output, state)
def np_rnn(x, s, w):
    h = np.tanh(np.concatenate([x, s], 1) @ w[0] + w[1])
    return h, h


def np_lstm(x, s, w):
    c, h = s
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ w[0] + w[1], 4, axis=1)
    c = c * sig(f + 1.0) + sig(i) * np.tanh(j)
    h = np.tanh(c) * sig(o)
    return h, (c, h)


def np_gru(x, s, w):
    gk, gb, ck, cb = w
    r, u = np.split(sig(np.concatenate([x, s], 1) @ gk + gb), 2, axis=1)
    cand = np.tanh(np.concatenate([x, r * s], 1) @ ck + cb)
    h = u * s + (1 - u) * cand
    return h, h


def np_peephole(x, s, w):
    k, b, wf, wi, wo = w
    c, h = s
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ k + b, 4, axis=1)
    c = sig(f + 1 + wf * c) * c + sig(i + wi * c) * np.tanh(j)
    h = sig(o + wo * c) * np.tanh(c)
    return h, (c, h)


CELLS = {
    "rnn": (lambda n: tf.nn.rnn_cell.BasicRNNCell(n), np_rnn),
    "lstm": (lambda n: tf.nn.rnn_cell.BasicLSTMCell(n), np_lstm),
    "gru": (lambda n: tf.nn.rnn_cell.GRUCell(n), np_gru),
    "peephole": (lambda n: tf.nn.rnn_cell.LSTMCell(n, use_peepholes=True), np_peephole),
}


def np_dynamic(step, x, state, w, lengths=None, reverse=False):
    """TF's dynamic_rnn semantics in NumPy (batch-major)."""
    B, T = x.shape[:2]
    L = np.full(B, T) if lengths is None else np.asarray(lengths)
    ys = np.zeros(x.shape[:2] + (np.shape(nest.flatten(state)[-1])[-1],))
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        out, new = step(x[:, t], state, w)
        m = (t < L)[:, None]
        state = nest.map_structure(lambda n, s: np.where(m, n, s), new, state)
        ys[:, t] = np.where(m, out, 0)
    return ys, state


def _weights(cell):
    return [v.numpy() for v in cell.weights]


B, T, D, H = 3, 5, 2, 3
LENGTHS = [5, 2, 0]


def _state0(kind, rng):
    if kind in ("lstm", "peephole"):
        return tf.nn.rnn_cell.LSTMStateTuple(*[rng.uniform(-1, 1, (B, H)) for _ in range(2)])
    return rng.uniform(-1, 1, (B, H))


@pytest.mark.parametrize("kind", sorted(CELLS))
@pytest.mark.parametrize("lengths", [None, LENGTHS])
@pytest.mark.parametrize("time_major", [False, True])
def test_dynamic_rnn_matches_numpy(kind, lengths, time_major):
    make, step = CELLS[kind]
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (B, T, D))
    s0 = _state0(kind, rng)
    with tf.variable_scope("v", initializer=fixed_init()):
        cell = make(H)
        xin = x.transpose(1, 0, 2) if time_major else x
        out, st = tf.nn.dynamic_rnn(cell, tf.constant(xin), sequence_length=lengths,
                                    initial_state=nest.map_structure(tf.constant, s0),
                                    time_major=time_major)
    ref_y, ref_s = np_dynamic(step, x, s0, _weights(cell), lengths)
    got = out.numpy().transpose(1, 0, 2) if time_major else out.numpy()
    np.testing.assert_allclose(got, ref_y, rtol=1e-10, atol=1e-12)
    for a, b in zip(nest.flatten(st), nest.flatten(ref_s)):
        np.testing.assert_allclose(a.numpy(), b, rtol=1e-10, atol=1e-12)
    assert cell.weights[0].name.startswith("v/rnn/")


class Plain(tf.nn.rnn_cell.RNNCell):
    """A custom cell around a built-in one: dynamic_rnn must unroll it step by step."""

    def __init__(self, cell):
        super().__init__()
        self.cell = cell

    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def output_size(self):
        return self.cell.output_size

    def call(self, inputs, state):
        return self.cell(inputs, state)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_fused_equals_unrolled_with_lengths_both_directions(kind):
    make, _ = CELLS[kind]
    rng = np.random.RandomState(1)
    x = tf.constant(rng.uniform(-1, 1, (B, T, D)))
    with tf.variable_scope("a", initializer=fixed_init()):
        (f1, b1), (sf1, sb1) = tf.nn.bidirectional_dynamic_rnn(
            make(H), make(H), x, sequence_length=LENGTHS, dtype=tf.float64)
    with tf.variable_scope("b", initializer=fixed_init()):
        (f2, b2), (sf2, sb2) = tf.nn.bidirectional_dynamic_rnn(
            Plain(make(H)), Plain(make(H)), x, sequence_length=LENGTHS, dtype=tf.float64)
    for a, b in zip(nest.flatten([f1, b1, sf1, sb1]), nest.flatten([f2, b2, sf2, sb2])):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-14)
    names = [v.name for v in tf.global_variables()]
    assert any(n.startswith("a/bidirectional_rnn/fw/") for n in names)
    assert any(n.startswith("a/bidirectional_rnn/bw/") for n in names)


@pytest.mark.parametrize("lengths", [None, LENGTHS])
def test_bidirectional_is_tf_definition(lengths):
    """bw = reverse_sequence(dynamic_rnn(reverse_sequence(x))), as TF builds it."""
    rng = np.random.RandomState(2)
    x = tf.constant(rng.uniform(-1, 1, (B, T, D)))
    with tf.variable_scope("a", initializer=fixed_init()):
        (fw, bw), (sf, sb) = tf.nn.bidirectional_dynamic_rnn(
            tf.nn.rnn_cell.GRUCell(H), tf.nn.rnn_cell.BasicLSTMCell(H), x,
            sequence_length=lengths, dtype=tf.float64)
    L = tf.constant(lengths if lengths is not None else [T] * B, dtype=tf.int64)
    rx = tf.reverse_sequence(x, L, seq_axis=1, batch_axis=0)
    with tf.variable_scope("b", initializer=fixed_init()):
        with tf.variable_scope("fw"):
            f2, s2 = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(H), x, sequence_length=lengths,
                                       dtype=tf.float64)
        with tf.variable_scope("bw"):
            b2, t2 = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(H), rx,
                                       sequence_length=lengths, dtype=tf.float64)
    b2 = tf.reverse_sequence(b2, L, seq_axis=1, batch_axis=0)
    np.testing.assert_allclose(fw.numpy(), f2.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bw.numpy(), b2.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(sb.h.numpy(), t2.h.numpy(), rtol=1e-12, atol=1e-14)


def test_static_rnn_equals_dynamic_rnn():
    rng = np.random.RandomState(3)
    x = rng.uniform(-1, 1, (B, T, D))
    with tf.variable_scope("s", initializer=fixed_init()):
        outs, st = tf.nn.static_rnn(tf.nn.rnn_cell.BasicLSTMCell(H),
                                    tf.unstack(tf.constant(x), T, 1), dtype=tf.float64,
                                    sequence_length=LENGTHS)
    with tf.variable_scope("d", initializer=fixed_init()):
        y, st2 = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(H), tf.constant(x),
                                   dtype=tf.float64, sequence_length=LENGTHS)
    assert isinstance(outs, list) and len(outs) == T
    np.testing.assert_allclose(np.stack([o.numpy() for o in outs], 1), y.numpy(), rtol=1e-12)
    np.testing.assert_allclose(st.c.numpy(), st2.c.numpy(), rtol=1e-12)
    assert tf.global_variables()[0].name == "s/rnn/basic_lstm_cell/kernel:0"
    with pytest.raises(TypeError, match="inputs must be a sequence"):
        tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(2), tf.constant(x), dtype=tf.float64)


def test_static_bidirectional_rnn():
    rng = np.random.RandomState(4)
    x = rng.uniform(-1, 1, (B, T, D))
    xs = tf.unstack(tf.constant(x), T, 1)
    with tf.variable_scope("s", initializer=fixed_init()):
        outs, sf, sb = tf.nn.static_bidirectional_rnn(
            tf.nn.rnn_cell.GRUCell(H), tf.nn.rnn_cell.GRUCell(H), xs, dtype=tf.float64)
    with tf.variable_scope("d", initializer=fixed_init()):
        (f, b), _ = tf.nn.bidirectional_dynamic_rnn(
            tf.nn.rnn_cell.GRUCell(H), tf.nn.rnn_cell.GRUCell(H), tf.constant(x),
            dtype=tf.float64)
    ref = np.concatenate([f.numpy(), b.numpy()], 2)
    np.testing.assert_allclose(np.stack([o.numpy() for o in outs], 1), ref, rtol=1e-12)
    assert outs[0].shape.as_list() == [B, 2 * H]


def test_stack_bidirectional():
    x = tf.constant(np.random.RandomState(5).uniform(-1, 1, (B, T, D)))
    out, sf, sb = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(
        [tf.nn.rnn_cell.GRUCell(3), tf.nn.rnn_cell.GRUCell(2)],
        [tf.nn.rnn_cell.GRUCell(3), tf.nn.rnn_cell.GRUCell(2)], x, dtype=tf.float64)
    assert out.shape.as_list() == [B, T, 4] and len(sf) == 2
    names = [v.name for v in tf.global_variables()]
    assert "stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/gru_cell/gates/kernel:0" in names
    outs, sf, sb = tf.contrib.rnn.stack_bidirectional_rnn(
        [tf.nn.rnn_cell.GRUCell(3)], [tf.nn.rnn_cell.GRUCell(3)], tf.unstack(x, T, 1),
        dtype=tf.float64, scope="static")
    assert len(outs) == T and outs[0].shape.as_list() == [B, 6]
    with pytest.raises(ValueError, match="same depth"):
        tf.contrib.rnn.stack_bidirectional_dynamic_rnn([tf.nn.rnn_cell.GRUCell(3)],
                                                       [tf.nn.rnn_cell.GRUCell(3)] * 2, x)
    with pytest.raises(ValueError, match="at least one"):
        tf.contrib.rnn.stack_bidirectional_dynamic_rnn([tf.nn.rnn_cell.GRUCell(3)], [], x)


def test_multi_rnn_and_wrappers_over_sequences():
    """Stacks and wrappers run layer by layer over the sequence: same as stepping."""
    rng = np.random.RandomState(6)
    x = tf.constant(rng.uniform(-1, 1, (B, T, D)))

    def make():
        return tf.contrib.rnn.OutputProjectionWrapper(tf.nn.rnn_cell.MultiRNNCell([
            tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.GRUCell(D)),
            tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(H)),
            tf.nn.rnn_cell.DeviceWrapper(tf.nn.rnn_cell.BasicRNNCell(H), "/cpu:0")]), 4)
    with tf.variable_scope("a", initializer=fixed_init()):
        y1, s1 = tf.nn.dynamic_rnn(make(), x, sequence_length=LENGTHS, dtype=tf.float64)
    with tf.variable_scope("b", initializer=fixed_init()):
        y2, s2 = tf.nn.dynamic_rnn(Plain(make()), x, sequence_length=LENGTHS, dtype=tf.float64)
    np.testing.assert_allclose(y1.numpy(), y2.numpy(), rtol=1e-12, atol=1e-14)
    for a, b in zip(nest.flatten(s1), nest.flatten(s2)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(y1.numpy()[2], 0)   # length 0: all outputs zero
    assert y1.shape.as_list() == [B, T, 4]


def test_dropout_wrapper_variational_same_mask_each_step():
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicRNNCell(30, activation=tf.nn.relu),
                                         input_keep_prob=0.5, variational_recurrent=True,
                                         dtype=tf.float32, seed=3)
    inner = cell.wrapped_cell
    x = tf.ones([4, 6, 30])
    with tf.variable_scope("v", initializer=tf.constant_initializer(0.0)):
        y, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    inner._bias.assign(np.ones(30, np.float32))
    # with zero recurrent weights and bias 1 the output only depends on the dropped inputs
    inner._kernel.assign(np.concatenate([np.eye(30), np.zeros((30, 30))]).astype(np.float32))
    y, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, scope="v")
    y = y.numpy()
    assert np.all(y == y[:, :1])                 # one mask for the whole sequence
    assert 0.3 < np.mean(y[:, 0] > 1) < 0.7


def test_dropout_state_keep_prob_unrolls():
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(8), state_keep_prob=0.5, seed=1)
    y, s = tf.nn.dynamic_rnn(cell, tf.ones([2, 4, 3]), dtype=tf.float32)
    assert y.shape.as_list() == [2, 4, 8]
    keep = tf.placeholder(tf.float32, [])
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.GRUCell(8), output_keep_prob=keep)
    y, _ = tf.nn.dynamic_rnn(cell, tf.ones([2, 4, 3]), dtype=tf.float32, scope="fed")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run(y, {keep: 1.0}), sess.run(y, {keep: 1.0})
        np.testing.assert_allclose(a, b)
        assert np.mean(sess.run(y, {keep: 0.5}) == 0) > 0.2


# ------------------------------------------------------------------ gradients through time
@pytest.mark.parametrize("kind", sorted(CELLS))
@pytest.mark.parametrize("reverse", [False, True])
def test_gradients_through_time_inputs_and_state(kind, reverse):
    """check_op: forward vs NumPy, d/dx and d/d(initial state) vs numerical, with lengths."""
    make, step = CELLS[kind]
    lstm = kind in ("lstm", "peephole")
    with tf.variable_scope("w", initializer=fixed_init(7)):
        w = _weights_of(make)

    def fn(x, s1, s2):
        init = tf.nn.rnn_cell.LSTMStateTuple(s1, s2) if lstm else s1 + s2
        streams = {"/fw/": fixed_init(99), "/bw/": fixed_init(7), "": fixed_init(7)}
        with tf.variable_scope("f", custom_getter=constant_getter(streams)):
            if reverse:
                (_, y), (_, st) = tf.nn.bidirectional_dynamic_rnn(
                    make(H), make(H), x, sequence_length=LENGTHS, initial_state_bw=init,
                    initial_state_fw=init)
            else:
                y, st = tf.nn.dynamic_rnn(make(H), x, sequence_length=LENGTHS,
                                          initial_state=init)
        return tf.concat([tf.reshape(t, [-1]) for t in [y] + nest.flatten(st)], 0)

    def ref(x, s1, s2):
        init = (s1, s2) if lstm else s1 + s2
        y, st = np_dynamic(step, x, init, w, LENGTHS, reverse)
        return np.concatenate([np.reshape(t, -1) for t in [y] + nest.flatten(st)])

    check_op(fn, ref, [(B, T, D), (B, H), (B, H)], low=-1, high=1)


def constant_getter(streams):
    """Variables replaced by constants from the initializer stream whose key is in the name
    (check_op's session runs no initializer)."""
    made = {}

    def getter(_, name, shape=None, dtype=None, initializer=None, **kw):
        if name in made:       # a reused variable (a cell stepped again)
            return made[name]
        dtype = tf.as_dtype(dtype)
        init = next(v for k, v in streams.items() if k in name)
        if initializer is None:
            made[name] = _Const(tf.constant(init(shape, dtype)))
        else:
            made[name] = _Const(tf.convert_to_tensor(initializer(shape, dtype=dtype)))
        return made[name]
    return getter


class _Const:
    """A constant standing in for a variable (compared by identity, as variables are)."""

    def __init__(self, t):
        self.t, self.shape, self.dtype = t, t.shape, t.dtype

    def _as_tensor(self):
        return self.t


def _weights_of(make):
    """The weights a cell gets under the current initializer (built once, eagerly)."""
    cell = make(H)
    cell(tf.zeros([1, D], tf.float64), cell.zero_state(1, tf.float64))
    return _weights(cell)


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_variable_gradients_through_time(kind, graph_mode):
    make, _ = CELLS[kind]
    rng = np.random.RandomState(8)
    x = tf.constant(rng.uniform(-1, 1, (B, 4, D)))
    cell = make(H)
    y, st = tf.nn.dynamic_rnn(cell, x, sequence_length=[4, 3, 1], dtype=tf.float64)
    loss = tf.reduce_sum(y * tf.constant(rng.uniform(0.5, 1.5, (B, 4, H)))) + \
        tf.reduce_sum(nest.flatten(st)[-1] * 0.7)
    vs = cell.weights
    gs = tf.gradients(loss, vs)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for v, g in zip(vs, s.run(gs)):
            val = s.run(v) + rng.uniform(-0.1, 0.1, v.shape.as_list())
            v.load(val, s)
        got = s.run(gs)
        for v, g in zip(vs, got):
            val = s.run(v)
            num = np.zeros_like(val)
            for idx in np.ndindex(val.shape):
                for sign in (1, -1):
                    a = val.copy()
                    a[idx] += sign * 1e-6
                    v.load(a, s)
                    num[idx] += sign * s.run(loss) / 2e-6
                v.load(val, s)
            np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-7)


def test_eager_tape_through_dynamic_rnn():
    cell = tf.nn.rnn_cell.BasicLSTMCell(4)
    x = tf.constant(np.random.rand(2, 3, 5).astype(np.float32))
    with tf.GradientTape() as tape:
        y, st = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        loss = tf.reduce_mean(y)
    g = tape.gradient(loss, cell.trainable_variables)
    assert [a.shape for a in g] == [(9, 16), (16,)]
    assert np.all(np.isfinite(g[0].numpy())) and np.abs(g[0].numpy()).sum() > 0


def test_graph_size_does_not_grow_with_time(graph_mode):
    def count(T):
        g = tf.Graph()
        with g.as_default():
            X = tf.placeholder(tf.float32, [None, T, 3])
            cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(4),
                                                tf.nn.rnn_cell.GRUCell(4)])
            y, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
            tf.gradients(tf.reduce_sum(y), tf.trainable_variables())
            return len(g.get_operations())
    assert count(3) == count(60)


def test_unknown_time_steps(graph_mode):
    X = tf.placeholder(tf.float32, [None, None, 3])
    y, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), X, dtype=tf.float32)  # fused: fine
    assert y.shape.as_list() == [None, None, 4]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(y, {X: np.ones((2, 7, 3))}).shape == (2, 7, 4)
    with pytest.raises(NotImplementedError, match="static time dimension"):
        tf.nn.dynamic_rnn(Plain(tf.nn.rnn_cell.GRUCell(4)), X, dtype=tf.float32, scope="p")


def test_feed_lengths_in_session(graph_mode):
    X = tf.placeholder(tf.float32, [None, 4, 2])
    L = tf.placeholder(tf.int32, [None])
    y, st = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicRNNCell(3), X, sequence_length=L,
                              dtype=tf.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        yv, sv = s.run([y, st], {X: np.ones((2, 4, 2)), L: [1, 3]})
    np.testing.assert_array_equal(yv[0, 1:], 0)
    np.testing.assert_allclose(sv[0], yv[0, 0])
    np.testing.assert_allclose(sv[1], yv[1, 2])


def test_errors():
    x = tf.zeros([2, 3, 4])
    with pytest.raises(ValueError, match="must give a dtype"):
        tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), x)
    with pytest.raises(ValueError, match="sequence_length must be a vector"):
        tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), x, sequence_length=[[1, 2]],
                          dtype=tf.float32)
    with pytest.raises(TypeError, match="instance of RNNCell"):
        tf.nn.dynamic_rnn(lambda a, b: a, x, dtype=tf.float32)
    with pytest.raises(ValueError, match="rank 3"):
        tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), tf.zeros([2, 3]), dtype=tf.float32)
    with pytest.raises(NotImplementedError, match="Nested inputs"):
        tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), (x, x), dtype=tf.float32)


def test_fully_connected_on_rank3_outputs(graph_mode):
    X = tf.placeholder(tf.float32, [None, 6, 5])
    y, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(4), X, dtype=tf.float32)
    logits = tf.contrib.layers.fully_connected(y, 7, activation_fn=None)
    assert logits.shape.as_list() == [None, 6, 7]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        yv, lv, w, b = s.run([y, logits] + tf.get_collection(tf.GraphKeys.MODEL_VARIABLES),
                             {X: np.random.rand(2, 6, 5)})
    np.testing.assert_allclose(lv, yv @ w + b, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ sequence_loss
def np_seq_loss(logits, targets, weights, avg_t=True, avg_b=True, sum_t=False, sum_b=False):
    z = logits - logits.max(-1, keepdims=True)
    lp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    ce = -np.take_along_axis(lp, targets[..., None], -1)[..., 0] * weights
    if avg_t and avg_b:
        return ce.sum() / weights.sum()
    if sum_t and sum_b:
        return ce.sum() / np.count_nonzero(weights)
    if avg_t or avg_b:
        ax = 0 if avg_b else 1
        return ce.sum(ax) / weights.sum(ax)
    if sum_t or sum_b:
        ax = 0 if sum_b else 1
        return ce.sum(ax) / np.count_nonzero(weights, axis=ax)
    return ce


@pytest.mark.parametrize("flags", [(True, True, False, False), (True, False, False, False),
                                   (False, True, False, False), (False, False, False, False),
                                   (False, False, True, True), (False, False, True, False),
                                   (False, False, False, True)])
def test_sequence_loss(flags):
    rng = np.random.RandomState(9)
    targets = rng.randint(0, 4, (3, 5)).astype(np.int32)
    weights = (rng.rand(3, 5) > 0.3).astype(np.float64)
    weights[:, 0] = 1
    weights[0, :] = 1
    kw = dict(zip(["average_across_timesteps", "average_across_batch", "sum_over_timesteps",
                   "sum_over_batch"], flags))

    def fn(logits):
        return tf.contrib.seq2seq.sequence_loss(logits, tf.constant(targets),
                                                tf.constant(weights), **kw)

    check_op(fn, lambda lg: np_seq_loss(lg, targets, weights, *flags), [(3, 5, 4)])


def test_sequence_loss_errors_and_custom_loss():
    lg, t, w = tf.zeros([2, 3, 4]), tf.zeros([2, 3], tf.int32), tf.ones([2, 3])
    with pytest.raises(ValueError, match="Logits must be"):
        tf.contrib.seq2seq.sequence_loss(tf.zeros([2, 4]), t, w)
    with pytest.raises(ValueError, match="Targets must be"):
        tf.contrib.seq2seq.sequence_loss(lg, tf.zeros([2], tf.int32), w)
    with pytest.raises(ValueError, match="Weights must be"):
        tf.contrib.seq2seq.sequence_loss(lg, t, tf.ones([2]))
    with pytest.raises(ValueError, match="cannot be set to True at same time"):
        tf.contrib.seq2seq.sequence_loss(lg, t, w, sum_over_timesteps=True)
    np.testing.assert_allclose(tf.contrib.seq2seq.sequence_loss(lg, t, w).numpy(), np.log(4),
                               rtol=1e-6)
    custom = tf.contrib.seq2seq.sequence_loss(
        lg, t, w, softmax_loss_function=lambda labels, logits: tf.reduce_sum(logits, 1) + 2.0)
    np.testing.assert_allclose(custom.numpy(), 2.0)


@pytest.mark.parametrize("reverse", [False, True])
def test_gradients_through_stacks_and_wrappers(reverse):
    """check_op through MultiRNNCell(LSTM, residual GRU) + output projection, lengths, both
    directions: forward against stepping the same cells one by one (unrolled, composed)."""
    def make():
        return tf.contrib.rnn.OutputProjectionWrapper(tf.nn.rnn_cell.MultiRNNCell([
            tf.nn.rnn_cell.BasicLSTMCell(H),
            tf.nn.rnn_cell.ResidualWrapper(tf.nn.rnn_cell.GRUCell(H))]), 2)

    def run(x, cell_fn):
        streams = {"": fixed_init(11)}
        with tf.variable_scope("g", custom_getter=constant_getter(streams)):
            if reverse:
                (_, y), (_, st) = tf.nn.bidirectional_dynamic_rnn(
                    cell_fn(), cell_fn(), x, sequence_length=LENGTHS, dtype=tf.float64)
            else:
                y, st = tf.nn.dynamic_rnn(cell_fn(), x, sequence_length=LENGTHS,
                                          dtype=tf.float64)
        return tf.concat([tf.reshape(t, [-1]) for t in [y] + nest.flatten(st)], 0)

    def ref(x):
        from neuroflow.keras.backend import eager_scope
        with eager_scope():   # computed at once, whatever the mode
            return run(tf.constant(x), lambda: Plain(make())).numpy()

    check_op(lambda x: run(x, make), ref, [(B, T, D)], low=-1, high=1)
