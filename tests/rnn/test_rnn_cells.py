"""TF1 cells: variable names/shapes/gate order as TF, one step vs NumPy, fused vs composed."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow.rnn import _nest as nest, cells as C


def sig(z):
    return 1 / (1 + np.exp(-z))


def fixed_init(seed=0, scale=0.6):
    rng = np.random.RandomState(seed)

    def init(shape, dtype=None, partition_info=None):
        return rng.uniform(-scale, scale, shape).astype(dtype.as_numpy_dtype)
    return init


def _vals(cell):
    return {v.name.split("/", 1)[1][:-2] if "/" in v.name else v.name: v.numpy()
            for v in cell.weights}


def _names(cell):
    return [(v.name, v.shape.as_list()) for v in cell.weights]


B, D, H = 3, 4, 5


def _xs(seed=0):
    rng = np.random.RandomState(seed)
    return rng.uniform(-1, 1, (B, D)), rng.uniform(-1, 1, (B, H)), rng.uniform(-1, 1, (B, H))


class Tanh:
    """An activation the fused kernels do not know: forces the composed path."""
    __name__ = "my_tanh"

    def __call__(self, v):
        return tf.tanh(v)


@pytest.mark.parametrize("fused", [True, False])
def test_basic_rnn_cell(fused):
    x, h, _ = _xs()
    with tf.variable_scope("s", initializer=fixed_init()):
        cell = tf.nn.rnn_cell.BasicRNNCell(H, activation=None if fused else Tanh())
        out, new = cell(tf.constant(x), tf.constant(h))
    assert _names(cell) == [("s/basic_rnn_cell/kernel:0", [D + H, H]),
                            ("s/basic_rnn_cell/bias:0", [H])]
    k, b = cell.weights[0].numpy(), cell.weights[1].numpy()
    np.testing.assert_allclose(b, 0)
    ref = np.tanh(np.concatenate([x, h], 1) @ k + b)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12)
    assert new is out or np.allclose(new.numpy(), ref)
    assert cell.state_size == cell.output_size == H


def lstm_ref(x, c, h, k, b, forget_bias=1.0):
    z = np.concatenate([x, h], 1) @ k + b
    i, j, f, o = np.split(z, 4, axis=1)
    c = c * sig(f + forget_bias) + sig(i) * np.tanh(j)
    return np.tanh(c) * sig(o), c


@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("forget_bias", [1.0, 0.0])
def test_basic_lstm_cell(fused, forget_bias):
    x, h, c = _xs()
    with tf.variable_scope("s", initializer=fixed_init()):
        cell = tf.contrib.rnn.BasicLSTMCell(H, forget_bias=forget_bias,
                                            activation=None if fused else Tanh())
        with tf.variable_scope("b"):
            b = tf.get_variable("bias_init", [4 * H], tf.float64, initializer=fixed_init(3))
        state = tf.nn.rnn_cell.LSTMStateTuple(tf.constant(c), tf.constant(h))
        out, st = cell(tf.constant(x), state)
    assert _names(cell) == [("s/basic_lstm_cell/kernel:0", [D + H, 4 * H]),
                            ("s/basic_lstm_cell/bias:0", [4 * H])]
    cell.weights[1].assign(b.numpy())   # a non-zero bias checks its gate order too
    out, st = cell(tf.constant(x), tf.nn.rnn_cell.LSTMStateTuple(tf.constant(c), tf.constant(h)))
    ref_h, ref_c = lstm_ref(x, c, h, cell.weights[0].numpy(), b.numpy(), forget_bias)
    assert isinstance(st, tf.nn.rnn_cell.LSTMStateTuple)
    np.testing.assert_allclose(out.numpy(), ref_h, rtol=1e-10)
    np.testing.assert_allclose(st.h.numpy(), ref_h, rtol=1e-10)
    np.testing.assert_allclose(st.c.numpy(), ref_c, rtol=1e-10)
    assert st.dtype == tf.float64


def test_lstm_state_not_tuple():
    x, h, c = _xs()
    with tf.variable_scope("s", initializer=fixed_init()):
        cell = tf.nn.rnn_cell.BasicLSTMCell(H, state_is_tuple=False)
        assert cell.state_size == 2 * H
        out, st = cell(tf.constant(x), tf.constant(np.concatenate([c, h], 1)))
    ref_h, ref_c = lstm_ref(x, c, h, cell.weights[0].numpy(), 0.0)
    np.testing.assert_allclose(st.numpy(), np.concatenate([ref_c, ref_h], 1), rtol=1e-10)


@pytest.mark.parametrize("peep,clip,proj", [(False, None, None), (True, None, None),
                                            (False, 0.3, None), (True, 0.5, 3), (False, None, 2)])
def test_lstm_cell(peep, clip, proj):
    x, h, c = _xs()
    P = proj or H
    h = h[:, :P]
    with tf.variable_scope("s", initializer=fixed_init()):
        cell = tf.nn.rnn_cell.LSTMCell(H, use_peepholes=peep, cell_clip=clip, num_proj=proj,
                                       proj_clip=0.4 if proj else None)
        state = tf.nn.rnn_cell.LSTMStateTuple(tf.constant(c), tf.constant(h))
        out, st = cell(tf.constant(x), state)
    names = [n for n, _ in _names(cell)]
    expect = ["s/lstm_cell/kernel:0", "s/lstm_cell/bias:0"]
    if peep:
        expect += ["s/lstm_cell/w_f_diag:0", "s/lstm_cell/w_i_diag:0", "s/lstm_cell/w_o_diag:0"]
    if proj:
        expect += ["s/lstm_cell/projection/kernel:0"]
    assert names == expect
    w = {n.split("/")[-1][:-2] if "projection" not in n else "proj": v.numpy()
         for n, v in zip(names, cell.weights)}
    assert w["kernel"].shape == (D + P, 4 * H)
    z = np.concatenate([x, h], 1) @ w["kernel"] + w["bias"]
    i, j, f, o = np.split(z, 4, axis=1)
    if peep:
        cn = sig(f + 1 + w["w_f_diag"] * c) * c + sig(i + w["w_i_diag"] * c) * np.tanh(j)
    else:
        cn = sig(f + 1) * c + sig(i) * np.tanh(j)
    if clip:
        cn = np.clip(cn, -clip, clip)
    m = sig(o + w["w_o_diag"] * cn) * np.tanh(cn) if peep else sig(o) * np.tanh(cn)
    if proj:
        m = np.clip(m @ w["proj"], -0.4, 0.4)
    np.testing.assert_allclose(out.numpy(), m, rtol=1e-10)
    np.testing.assert_allclose(st.c.numpy(), cn, rtol=1e-10)
    assert cell.output_size == P and cell.state_size == (H, P)


@pytest.mark.parametrize("fused", [True, False])
def test_gru_cell(fused):
    x, h, _ = _xs()
    with tf.variable_scope("s", initializer=fixed_init()):
        cell = tf.nn.rnn_cell.GRUCell(H, activation=None if fused else Tanh())
        out, new = cell(tf.constant(x), tf.constant(h))
    assert _names(cell) == [("s/gru_cell/gates/kernel:0", [D + H, 2 * H]),
                            ("s/gru_cell/gates/bias:0", [2 * H]),
                            ("s/gru_cell/candidate/kernel:0", [D + H, H]),
                            ("s/gru_cell/candidate/bias:0", [H])]
    gk, gb, ck, cb = [v.numpy() for v in cell.weights]
    np.testing.assert_allclose(gb, 1.0)
    np.testing.assert_allclose(cb, 0.0)
    cell.weights[1].assign(np.linspace(-1, 1, 2 * H))
    cell.weights[3].assign(np.linspace(1, -1, H))
    out, new = cell(tf.constant(x), tf.constant(h))
    gb, cb = np.linspace(-1, 1, 2 * H), np.linspace(1, -1, H)
    r, u = np.split(sig(np.concatenate([x, h], 1) @ gk + gb), 2, axis=1)
    cand = np.tanh(np.concatenate([x, r * h], 1) @ ck + cb)
    ref = u * h + (1 - u) * cand
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-10)
    np.testing.assert_allclose(new.numpy(), ref, rtol=1e-10)


def test_multi_rnn_cell_step_and_names():
    x, h, c = _xs()
    with tf.variable_scope("s", initializer=fixed_init()):
        cells = [tf.nn.rnn_cell.GRUCell(H), tf.nn.rnn_cell.BasicLSTMCell(2)]
        multi = tf.nn.rnn_cell.MultiRNNCell(cells)
        st0 = multi.zero_state(B, tf.float64)
        assert isinstance(st0[1], tf.nn.rnn_cell.LSTMStateTuple)
        assert st0[0].shape.as_list() == [B, H] and st0[1].c.shape.as_list() == [B, 2]
        out, st = multi(tf.constant(x), (tf.constant(h), st0[1]))
    assert [n for n, _ in _names(cells[0])][0] == "s/multi_rnn_cell/cell_0/gru_cell/gates/kernel:0"
    assert _names(cells[1])[0] == ("s/multi_rnn_cell/cell_1/basic_lstm_cell/kernel:0",
                                   [H + 2, 8])
    o1, _ = cells[0](tf.constant(x), tf.constant(h))
    o2, s2 = cells[1](o1, st0[1])
    np.testing.assert_allclose(out.numpy(), o2.numpy(), rtol=1e-12)
    assert multi.state_size == (H, (2, 2)) and multi.output_size == 2


def test_multi_rnn_cell_not_tuple():
    x = np.ones((2, 3))
    multi = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(2), tf.nn.rnn_cell.GRUCell(4)],
                                        state_is_tuple=False)
    assert multi.state_size == 6
    out, st = multi(tf.constant(x), tf.zeros([2, 6], tf.float64))
    assert st.shape.as_list() == [2, 6] and out.shape.as_list() == [2, 4]
    with pytest.raises(ValueError, match="state_is_tuple"):
        tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(2)], state_is_tuple=False)
    with pytest.raises(ValueError, match="at least one cell"):
        tf.nn.rnn_cell.MultiRNNCell([])


def test_zero_state_and_initial_state():
    cell = tf.nn.rnn_cell.BasicLSTMCell(4)
    z = cell.zero_state(3, tf.float32)
    assert isinstance(z, tf.nn.rnn_cell.LSTMStateTuple)
    assert z.c.shape.as_list() == [3, 4] and z.dtype == tf.float32
    np.testing.assert_array_equal(z.h.numpy(), 0)
    z2 = cell.get_initial_state(inputs=tf.zeros([5, 7, 2]))
    assert z2.h.shape.as_list() == [5, 4]
    # a symbolic batch size
    X = tf.placeholder(tf.float32, [None, 2])
    zs = tf.nn.rnn_cell.GRUCell(3).zero_state(tf.shape(X)[0], tf.float32)
    with tf.Session() as s:
        assert s.run(zs, {X: np.ones((6, 2))}).shape == (6, 3)


def test_cell_reuse_and_unique_scopes():
    x = tf.constant(np.ones((2, 3), np.float32))
    cell = tf.nn.rnn_cell.BasicRNNCell(2)
    cell(x, tf.zeros([2, 2]))
    cell(x, tf.zeros([2, 2]))  # second call reuses
    other = tf.nn.rnn_cell.BasicRNNCell(2)
    other(x, tf.zeros([2, 2]))
    assert cell.weights[0].name == "basic_rnn_cell/kernel:0"
    assert other.weights[0].name == "basic_rnn_cell_1/kernel:0"
    named = tf.nn.rnn_cell.GRUCell(2, name="enc")
    named(x, tf.zeros([2, 2]))
    assert named.weights[0].name == "enc/gates/kernel:0"
    scoped = tf.nn.rnn_cell.BasicRNNCell(2)
    scoped(x, tf.zeros([2, 2]), scope="my")
    assert scoped.weights[0].name == "my/kernel:0"


def test_unknown_depth():
    with pytest.raises(ValueError, match="inputs.shape\\[-1\\] to be known"):
        tf.nn.rnn_cell.BasicLSTMCell(3)(tf.placeholder(tf.float32, [None, None]),
                                        tf.nn.rnn_cell.LSTMStateTuple(tf.zeros([1, 3]),
                                                                      tf.zeros([1, 3])))


def test_custom_cell_subclass():
    class Acc(tf.nn.rnn_cell.RNNCell):
        @property
        def state_size(self):
            return 3

        @property
        def output_size(self):
            return 3

        def build(self, inputs_shape):
            self.w = self.add_weight("w", [inputs_shape[-1], 3],
                                     initializer=tf.ones_initializer())
            self.built = True

        def call(self, inputs, state):
            s = state + tf.matmul(inputs, self.w)
            return 2 * s, s

    cell = Acc()
    out, st = cell(tf.ones([2, 2]), tf.zeros([2, 3]))
    np.testing.assert_allclose(out.numpy(), 4.0)
    assert cell.weights[0].name == "acc/w:0"
    with pytest.raises(NotImplementedError):
        tf.nn.rnn_cell.RNNCell().state_size


def test_dropout_wrapper_step():
    x = tf.constant(np.ones((200, 50), np.float32))
    inner = tf.nn.rnn_cell.BasicRNNCell(50, activation=tf.nn.relu)
    same = tf.nn.rnn_cell.DropoutWrapper(inner)
    o1, _ = same(x, tf.ones([200, 50]))
    o2, _ = inner(x, tf.ones([200, 50]))
    np.testing.assert_allclose(o1.numpy(), o2.numpy())
    drop = tf.nn.rnn_cell.DropoutWrapper(inner, output_keep_prob=0.5, seed=1)
    o3, _ = drop(x, tf.ones([200, 50]))
    kept = o3.numpy() != 0
    assert 0.4 < (kept.sum() / (o2.numpy() != 0).sum()) < 0.6
    np.testing.assert_allclose(o3.numpy()[kept], 2 * o2.numpy()[kept], rtol=1e-6)
    with pytest.raises(ValueError, match="between 0 and 1"):
        tf.nn.rnn_cell.DropoutWrapper(inner, input_keep_prob=1.5)
    assert drop.state_size == 50 and drop.output_size == 50
    assert drop.wrapped_cell is inner
    with pytest.raises(TypeError, match="not a RNNCell"):
        tf.nn.rnn_cell.DropoutWrapper("cell")


def test_dropout_wrapper_state_keeps_lstm_c():
    cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(40), state_keep_prob=0.5)
    st = cell.zero_state(30, tf.float32)
    st = tf.nn.rnn_cell.LSTMStateTuple(st.c + 1.0, st.h + 1.0)
    out, new = cell(tf.ones([30, 4]), st)
    assert not np.any(new.c.numpy() == 0)      # the memory cell is not dropped
    assert np.any(new.h.numpy() == 0)


def test_residual_and_device_wrappers():
    x = tf.constant(np.random.rand(2, 3))
    inner = tf.nn.rnn_cell.GRUCell(3)
    res = tf.nn.rnn_cell.ResidualWrapper(inner)
    out, st = res(x, tf.zeros([2, 3], tf.float64))
    o, _ = inner(x, tf.zeros([2, 3], tf.float64))
    np.testing.assert_allclose(out.numpy(), o.numpy() + x.numpy())
    dev = tf.nn.rnn_cell.DeviceWrapper(inner, "/cpu:0")
    o2, _ = dev(x, tf.zeros([2, 3], tf.float64))
    np.testing.assert_allclose(o2.numpy(), o.numpy())
    fn = tf.nn.rnn_cell.ResidualWrapper(inner, residual_fn=lambda i, o: i - o)
    o3, _ = fn(x, tf.zeros([2, 3], tf.float64))
    np.testing.assert_allclose(o3.numpy(), x.numpy() - o.numpy())


def test_output_projection_wrapper():
    x = tf.constant(np.random.rand(2, 3))
    with tf.variable_scope("p", initializer=fixed_init()):
        cell = tf.contrib.rnn.OutputProjectionWrapper(tf.nn.rnn_cell.BasicLSTMCell(4), 6)
        out, st = cell(x, cell.zero_state(2, tf.float64))
    names = [v.name for v in tf.global_variables()]
    assert "p/output_projection_wrapper/kernel:0" in names
    assert "p/output_projection_wrapper/basic_lstm_cell/kernel:0" in names
    assert out.shape.as_list() == [2, 6] and cell.output_size == 6


def test_lstm_block_cell_alias():
    cell = tf.contrib.rnn.LSTMBlockCell(3)
    cell(tf.ones([1, 2]), cell.zero_state(1, tf.float32))
    assert cell.weights[0].name == "lstm_cell/kernel:0"
    with pytest.raises(NotImplementedError, match="not supported"):
        tf.contrib.rnn.GridLSTMCell


def test_namespaces():
    for name in ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell",
                 "MultiRNNCell", "DropoutWrapper", "ResidualWrapper", "DeviceWrapper",
                 "LSTMStateTuple"]:
        assert getattr(tf.nn.rnn_cell, name) is getattr(tf.contrib.rnn, name)
    for name in ["dynamic_rnn", "static_rnn", "bidirectional_dynamic_rnn",
                 "static_bidirectional_rnn"]:
        assert callable(getattr(tf.nn, name))
    assert tf.contrib.rnn.static_rnn is tf.nn.static_rnn
    assert tf.contrib.rnn.LayerRNNCell is C.LayerRNNCell
    with pytest.raises(AttributeError, match="rnn_cell"):
        tf.nn.rnn_cell.NoSuchCell
    with pytest.raises(NotImplementedError, match="sequence_loss is"):
        tf.contrib.seq2seq.BasicDecoder


@pytest.mark.parametrize("make", [
    lambda: tf.nn.rnn_cell.BasicRNNCell(3),
    lambda: tf.nn.rnn_cell.BasicLSTMCell(3),
    lambda: tf.nn.rnn_cell.GRUCell(3),
    lambda: tf.nn.rnn_cell.LSTMCell(3, use_peepholes=True),
])
def test_weight_gradients_one_step(make, graph_mode):
    """tf.gradients w.r.t. each cell variable against central differences (float64)."""
    rng = np.random.RandomState(0)
    x = tf.constant(rng.uniform(-1, 1, (2, 2)))
    cell = make()
    st = cell.zero_state(2, tf.float64)
    st = nest.map_structure(lambda s: s + 0.3, st)
    out, _ = cell(x, st)
    w = tf.constant(rng.uniform(0.5, 1.5, (2, 3)))
    loss = tf.reduce_sum(out * w)
    vs = cell.weights
    gs = tf.gradients(loss, vs)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for v, g in zip(vs, s.run(gs)):
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
