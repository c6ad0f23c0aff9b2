"""Keras recurrent layers: NumPy references of the equations, masks, states, gradients, learning."""
import numpy as np
import pytest
from keras_helpers import fresh_keras, run_layer_test  # noqa: F401

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import layers
from neuroflow.keras.layers import recurrent_cells
from neuroflow.keras.preprocessing.sequence import pad_sequences


def sig(z):
    return 1 / (1 + np.exp(-z))


# NumPy steps with Keras weights: (x_t, [states], weights) -> (output, [states])
def np_simple(x, st, w, act=np.tanh):
    h = act(x @ w[0] + st[0] @ w[1] + w[2])
    return h, [h]


def np_lstm(x, st, w):
    h, c = st
    z = x @ w[0] + h @ w[1] + w[2]
    i, f, cc, o = np.split(z, 4, axis=-1)
    c = sig(f) * c + sig(i) * np.tanh(cc)
    h = sig(o) * np.tanh(c)
    return h, [h, c]


def np_gru(x, st, w, reset_after=True):
    h = st[0]
    n = h.shape[-1]
    if reset_after:
        xw, hw = x @ w[0] + w[2][0], h @ w[1] + w[2][1]
        z, r = sig(xw[:, :n] + hw[:, :n]), sig(xw[:, n:2 * n] + hw[:, n:2 * n])
        hh = np.tanh(xw[:, 2 * n:] + r * hw[:, 2 * n:])
    else:
        xw = x @ w[0] + w[2]
        z, r = sig(xw[:, :n] + h @ w[1][:, :n]), sig(xw[:, n:2 * n] + h @ w[1][:, n:2 * n])
        hh = np.tanh(xw[:, 2 * n:] + (r * h) @ w[1][:, 2 * n:])
    h = z * h + (1 - z) * hh
    return h, [h]


def np_rnn(step, x, states, w, mask=None, go_backwards=False, zero_output=False):
    """Keras's RNN loop: reversed input when go_backwards; masked steps keep state and repeat
    the previous output (or zeros). Returns (outputs in processing order, final states)."""
    B, T = x.shape[:2]
    order = range(T - 1, -1, -1) if go_backwards else range(T)
    m = np.ones((B, T), bool) if mask is None else np.asarray(mask, bool)
    outs, prev = [], np.zeros((B, np.shape(states[0])[-1]))
    for t in order:
        out, new = step(x[:, t], states, w)
        mt = m[:, t][:, None]
        states = [np.where(mt, a, b) for a, b in zip(new, states)]
        out = np.where(mt, out, 0.0 if zero_output else prev)
        prev = out
        outs.append(out)
    return np.stack(outs, 1), states


LAYERS = {
    "simple": (layers.SimpleRNN, np_simple, 1),
    "lstm": (layers.LSTM, np_lstm, 2),
    "gru": (layers.GRU, np_gru, 1),
    "gru_v1": (lambda *a, **k: layers.GRU(*a, reset_after=False, **k),
               lambda x, s, w: np_gru(x, s, w, False), 1),
}
B, T, D, H = 3, 5, 4, 3
MASK = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [0, 1, 1, 0, 1]], bool)


def _randomize(layer, rng, scale=0.6):
    layer.set_weights([rng.uniform(-scale, scale, w.shape) for w in layer.get_weights()])


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_layer_matches_numpy(kind, go_backwards, masked):
    make, step, n_states = LAYERS[kind]
    rng = np.random.RandomState(0)
    xn = rng.uniform(-1, 1, (B, T, D))
    x = tf.constant(xn)   # a float64 tensor (NumPy floats become floatx, as in Keras)
    s0 = [rng.uniform(-1, 1, (B, H)) for _ in range(n_states)]
    layer = make(H, return_sequences=True, return_state=True, go_backwards=go_backwards,
                 dtype="float64")
    layer(x)  # build
    _randomize(layer, rng)
    out = layer(x, initial_state=[tf.constant(s) for s in s0], mask=MASK if masked else None)
    ref_y, ref_s = np_rnn(step, xn, s0, layer.get_weights(), MASK if masked else None,
                          go_backwards)
    np.testing.assert_allclose(out[0].numpy(), ref_y, rtol=1e-10, atol=1e-12)
    for a, b in zip(out[1:], ref_s):
        np.testing.assert_allclose(a.numpy(), b, rtol=1e-10, atol=1e-12)
    last = make(H, go_backwards=go_backwards, dtype="float64")
    last(x)
    last.set_weights(layer.get_weights())
    np.testing.assert_allclose(last(x, initial_state=[tf.constant(s) for s in s0],
                                    mask=MASK if masked else None).numpy(), ref_y[:, -1],
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_weight_names_shapes_and_gate_order(kind):
    make, _, _ = LAYERS[kind]
    layer = make(H)
    layer(np.zeros((2, T, D), np.float32))
    k = {"simple": 1, "lstm": 4, "gru": 3, "gru_v1": 3}[kind]
    shapes = [w.shape for w in layer.get_weights()]
    bias = (2, 3 * H) if kind == "gru" else (k * H,)
    assert shapes == [(D, k * H), (H, k * H), bias]
    cell = {"simple": "simple_rnn_cell", "lstm": "lstm_cell", "gru": "gru_cell",
            "gru_v1": "gru_cell"}[kind]
    assert [w.name.split("/")[-1] for w in layer.weights] == \
        ["kernel:0", "recurrent_kernel:0", "bias:0"]
    assert layer.weights[0].name.startswith(layer.name + "/" + cell)
    if kind == "lstm":   # unit_forget_bias: the f block of the bias starts at 1
        np.testing.assert_array_equal(layer.get_weights()[2],
                                      np.r_[np.zeros(H), np.ones(H), np.zeros(2 * H)])
    # recurrent kernel: orthogonal
    r = layer.get_weights()[1]
    if kind == "simple":
        np.testing.assert_allclose(r @ r.T, np.eye(H), atol=1e-5)


def test_composed_cells_match_fused():
    """Activations the fused kernels lack run the composed step: same equations."""
    rng = np.random.RandomState(1)
    x = tf.constant(rng.uniform(-1, 1, (B, T, D)))
    for make in (lambda a: layers.LSTM(H, recurrent_activation=a, return_sequences=True,
                                       dtype="float64"),
                 lambda a: layers.GRU(H, recurrent_activation=a, return_sequences=True,
                                      dtype="float64"),
                 lambda a: layers.GRU(H, recurrent_activation=a, reset_after=False,
                                      return_sequences=True, dtype="float64"),
                 lambda a: layers.SimpleRNN(H, activation=a, return_sequences=True,
                                            dtype="float64")):
        fused = make("sigmoid")
        composed = make(lambda v: tf.sigmoid(v) * 1.0)   # not recognised: stepped in Python
        fused(x)
        composed(x)
        _randomize(fused, rng)
        composed.set_weights(fused.get_weights())
        assert not composed.cell._fusable() and fused.cell._fusable()
        np.testing.assert_allclose(composed(x, mask=MASK).numpy(), fused(x, mask=MASK).numpy(),
                                   rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", ["simple", "lstm", "gru", "gru_v1"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_gradients_through_time(kind, go_backwards):
    """GradientTape w.r.t. inputs, initial state and weights vs central differences (float64),
    with a mask, several steps, both directions."""
    make, _, n_states = LAYERS[kind]
    rng = np.random.RandomState(2)
    x = rng.uniform(-1, 1, (B, T, D))
    s0 = [rng.uniform(-1, 1, (B, H)) for _ in range(n_states)]
    layer = make(H, return_sequences=True, go_backwards=go_backwards, dtype="float64")
    layer(tf.constant(x))
    _randomize(layer, rng)
    wy = rng.uniform(0.5, 1.5, (B, T, H))

    def loss_value(xv, sv, weights):
        layer.set_weights(weights)
        y = layer(tf.constant(xv), initial_state=[tf.constant(s) for s in sv], mask=MASK)
        return float(np.sum(y.numpy() * wy))

    xt, st = tf.constant(x), [tf.constant(s) for s in s0]
    with tf.GradientTape() as tape:
        tape.watch([xt] + st)
        y = layer(xt, initial_state=st, mask=MASK)
        loss = tf.reduce_sum(y * wy)
    grads = tape.gradient(loss, [xt] + st + layer.trainable_weights)
    base = [w.copy() for w in layer.get_weights()]
    arrays = [x] + s0 + base
    for k, (arr, g) in enumerate(zip(arrays, grads)):
        num = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            vals = []
            for sign in (1, -1):
                a = [v.copy() for v in arrays]
                a[k][idx] += sign * 1e-6
                vals.append(loss_value(a[0], a[1:1 + n_states], a[1 + n_states:]))
            num[idx] = (vals[0] - vals[1]) / 2e-6
        np.testing.assert_allclose(g.numpy(), num, rtol=1e-5, atol=1e-7)
    layer.set_weights(base)


@pytest.mark.parametrize("cls", [layers.SimpleRNN, layers.LSTM, layers.GRU])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_run_layer_test(cls, return_sequences):
    run_layer_test(cls, {"units": 3, "return_sequences": return_sequences},
                   input_shape=(2, 4, 5),
                   expected_output_shape=(2, 4, 3) if return_sequences else (2, 3),
                   expected_num_weights=3, expected_num_trainable=3)


def test_rnn_with_cells_and_stacked_cells():
    run_layer_test(layers.RNN, {"cell": layers.LSTMCell(3), "return_sequences": True},
                   input_shape=(2, 4, 5), expected_output_shape=(2, 4, 3),
                   expected_num_weights=3)
    stacked = layers.StackedRNNCells([layers.GRUCell(4), layers.SimpleRNNCell(3)])
    run_layer_test(layers.RNN, {"cell": stacked}, input_shape=(2, 4, 5),
                   expected_output_shape=(2, 3), expected_num_weights=6)


def test_stacked_cells_equal_stacked_layers():
    rng = np.random.RandomState(3)
    x = rng.uniform(-1, 1, (B, T, D)).astype(np.float32)
    rnn = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3)], return_sequences=True,
                     return_state=True)
    y, h1, c1, h2 = rnn(x, mask=MASK)
    l1 = layers.LSTM(4, return_sequences=True)
    l2 = layers.GRU(3, return_sequences=True)
    l1(x)
    l2(np.zeros((B, T, 4), np.float32))
    w = rnn.get_weights()
    l1.set_weights(w[:3])
    l2.set_weights(w[3:])
    np.testing.assert_allclose(y.numpy(), l2(l1(x, mask=MASK), mask=MASK).numpy(), rtol=1e-5,
                               atol=1e-6)
    assert rnn.cell.state_size == ([4, 4], 3)


def test_custom_cell_is_stepped():
    class MinimalRNNCell(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight("kernel", (input_shape[-1], self.units))
            self.built = True

        def call(self, inputs, states):
            out = tf.matmul(inputs, self.kernel) + states[0]
            return out, [out]

    rng = np.random.RandomState(4)
    x = rng.uniform(-1, 1, (B, T, D)).astype(np.float32)
    rnn = layers.RNN(MinimalRNNCell(2), return_sequences=True)
    y = rnn(x, mask=MASK).numpy()
    k = rnn.get_weights()[0]
    ref, _ = np_rnn(lambda xt, st, w: ((xt @ k + st[0]),) * 1 + ([xt @ k + st[0]],),
                    x, [np.zeros((B, 2))], None, MASK)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-6)
    with pytest.raises(NotImplementedError, match="static time dimension"):
        rnn(keras.Input((None, D)))


def test_return_state_and_initial_state_functional():
    enc_in = keras.Input((T, D))
    _, h, c = layers.LSTM(6, return_state=True)(enc_in)
    dec_in = keras.Input((T, 2))
    dec = layers.LSTM(6, return_sequences=True)(dec_in, initial_state=[h, c])
    out = layers.TimeDistributed(layers.Dense(2))(dec)
    model = keras.Model([enc_in, dec_in], out)
    rng = np.random.RandomState(5)
    xe, xd = rng.rand(4, T, D).astype(np.float32), rng.rand(4, T, 2).astype(np.float32)
    y = model.predict([xe, xd])
    assert y.shape == (4, T, 2)
    xe2 = xe.copy()
    xe2[:, 0] += 1.0
    assert not np.allclose(model.predict([xe2, xd]), y)   # the decoder sees the encoder's state
    model.compile(loss="mse", optimizer="adam")
    h0 = model.evaluate([xe, xd], np.zeros_like(y), verbose=0)
    model.fit([xe, xd], np.zeros_like(y), epochs=5, verbose=0)
    assert model.evaluate([xe, xd], np.zeros_like(y), verbose=0) < h0
    with pytest.raises(ValueError, match="initial_state"):
        layers.LSTM(3)(np.zeros((2, 3, 1), np.float32), initial_state=[np.zeros((2, 3))])


def test_masking_layer_in_sequential_equals_unpadded():
    rng = np.random.RandomState(6)
    seqs = [rng.rand(L, D).astype(np.float32) + 0.1 for L in (5, 2, 3)]
    padded = pad_sequences(seqs, dtype="float32", padding="post")
    model = keras.Sequential([layers.Masking(0.0, input_shape=(T, D)), layers.LSTM(4)])
    y = model.predict(padded)
    lstm = model.layers[-1]
    for i, s in enumerate(seqs):
        np.testing.assert_allclose(y[i], lstm(s[None]).numpy()[0], rtol=1e-5, atol=1e-6)
    pre = pad_sequences(seqs, dtype="float32")   # 'pre' padding
    np.testing.assert_allclose(model.predict(pre), y, rtol=1e-5, atol=1e-6)


def test_explicit_mask_from_embedding_ids():
    ids = np.array([[3, 5, 2, 0, 0], [4, 0, 0, 0, 0]])
    emb = layers.Embedding(10, 4)
    lstm = layers.LSTM(3, return_sequences=True)
    y = lstm(emb(ids), mask=tf.not_equal(ids, 0)).numpy()
    np.testing.assert_allclose(y[0, 3:], np.repeat(y[0, 2:3], 2, 0), rtol=1e-6)   # repeated
    np.testing.assert_allclose(y[1, :1], lstm(emb(ids[1:, :1])).numpy()[0], rtol=1e-5)


@pytest.mark.xfail(not hasattr(layers.base, "get_mask"), strict=True,
                   reason="Embedding(mask_zero=True) masks reach the next layer once the Keras "
                          "base layer propagates masks (compute_mask)")
def test_embedding_mask_zero_reaches_lstm():
    ids = np.array([[3, 5, 2, 0, 0], [3, 5, 2, 7, 1]])
    model = keras.Sequential([layers.Embedding(10, 4, mask_zero=True, input_length=5),
                              layers.LSTM(3)])
    y = model.predict(ids)
    emb, lstm = model.layers
    short = lstm(emb(ids[:1, :3])).numpy()   # the unpadded sequence
    np.testing.assert_allclose(y[0], short[0], rtol=1e-5)
    assert not np.allclose(y[1], y[0])


def test_stateful():
    rng = np.random.RandomState(7)
    x = rng.rand(2, 6, D).astype(np.float32)
    full = layers.GRU(3, return_sequences=True)
    y_full = full(x).numpy()
    st = layers.GRU(3, return_sequences=True, stateful=True, batch_input_shape=(2, 3, D))
    model = keras.Sequential([st])
    model.layers[0].set_weights(full.get_weights())
    a = model.predict(x[:, :3], batch_size=2)
    b = model.predict(x[:, 3:], batch_size=2)
    np.testing.assert_allclose(np.concatenate([a, b], 1), y_full, rtol=1e-5, atol=1e-6)
    st.reset_states()
    np.testing.assert_allclose(model.predict(x[:, :3], batch_size=2), a, rtol=1e-6)
    assert st.states[0].shape.as_list() == [2, 3]
    st.reset_states([np.ones((2, 3))])
    np.testing.assert_allclose(st.states[0].numpy(), 1.0)
    model.compile(loss="mse", optimizer="sgd")
    model.fit(x[:, :3], np.zeros((2, 3, 3)), batch_size=2, epochs=2, verbose=0, shuffle=False)
    with pytest.raises(ValueError, match="needs to know its batch size"):
        layers.LSTM(2, stateful=True)(keras.Input((3, 2)))
    with pytest.raises(AttributeError, match="must be stateful"):
        full.reset_states()


def test_dropout_and_recurrent_dropout():
    rng = np.random.RandomState(8)
    x = rng.rand(8, T, D).astype(np.float32)
    for cls in (layers.LSTM, layers.GRU, layers.SimpleRNN):
        layer = cls(6, dropout=0.5, recurrent_dropout=0.5, return_sequences=True)
        y_inf = layer(x).numpy()
        np.testing.assert_allclose(layer(x, training=False).numpy(), y_inf)
        y_tr = layer(x, training=True).numpy()
        assert not np.allclose(y_tr, y_inf)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(x, training=True))
        g = tape.gradient(loss, layer.trainable_weights)
        assert all(np.all(np.isfinite(v.numpy())) for v in g)
    model = keras.Sequential([layers.LSTM(4, dropout=0.2, recurrent_dropout=0.2,
                                          input_shape=(T, D)), layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    model.fit(x, np.ones((8, 1)), epochs=2, verbose=0)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes(merge_mode):
    rng = np.random.RandomState(9)
    x = rng.uniform(-1, 1, (B, T, D)).astype(np.float32)
    bi = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=merge_mode)
    out = bi(x, mask=MASK)
    w = bi.get_weights()
    assert len(w) == 6 and w[0].shape == (D, 12)
    assert [v.name.split("/")[0] for v in bi.weights[:1] + bi.weights[3:4]] == \
        ["forward_" + bi.layer.name, "backward_" + bi.layer.name]
    f = layers.LSTM(3, return_sequences=True)
    b = layers.LSTM(3, return_sequences=True, go_backwards=True, zero_output_for_mask=True)
    f.zero_output_for_mask = True
    f(x)
    b(x)
    f.set_weights(w[:3])
    b.set_weights(w[3:])
    yf, yb = f(x, mask=MASK).numpy(), b(x, mask=MASK).numpy()[:, ::-1]
    ref = {"concat": np.concatenate([yf, yb], -1), "sum": yf + yb, "mul": yf * yb,
           "ave": (yf + yb) / 2, None: [yf, yb]}[merge_mode]
    if merge_mode is None:
        for a, r in zip(out, ref):
            np.testing.assert_allclose(a.numpy(), r, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)
    # masked steps output zeros in both directions inside Bidirectional
    if merge_mode == "concat":
        np.testing.assert_array_equal(out.numpy()[1, 2:], 0)


def test_bidirectional_layer_test_and_states():
    run_layer_test(layers.Bidirectional, {"layer": layers.GRU(3)}, input_shape=(2, 4, 5),
                   expected_output_shape=(2, 6), expected_num_weights=6)
    bi = layers.Bidirectional(layers.LSTM(3, return_state=True))
    out = bi(np.random.rand(2, 4, 5).astype(np.float32))
    assert len(out) == 5 and out[0].shape.as_list() == [2, 6]
    with pytest.raises(ValueError, match="Invalid merge mode"):
        layers.Bidirectional(layers.LSTM(3), merge_mode="max")
    with pytest.raises(ValueError, match="with a `Layer` instance"):
        layers.Bidirectional("lstm")


def test_time_distributed():
    run_layer_test(layers.TimeDistributed, {"layer": layers.Dense(3)}, input_shape=(2, 4, 5),
                   expected_output_shape=(2, 4, 3), expected_num_weights=2)
    td = layers.TimeDistributed(layers.Dense(2))
    x = np.random.rand(3, 4, 5).astype(np.float32)
    y = td(x).numpy()
    k, b = td.get_weights()
    np.testing.assert_allclose(y, x @ k + b, rtol=1e-5, atol=1e-6)
    model = keras.Sequential([layers.TimeDistributed(layers.Dense(2), input_shape=(None, 5))])
    assert model.predict(np.random.rand(2, 7, 5)).shape == (2, 7, 2)
    assert model.output_shape == (None, None, 2)


def test_masking_layer():
    run_layer_test(layers.Masking, {"mask_value": 0.0}, input_shape=(2, 4, 5),
                   expected_output_shape=(2, 4, 5), train=False)
    x = np.ones((1, 3, 2), np.float32)
    x[0, 1] = 7.0
    y = layers.Masking(7.0)(x).numpy()
    np.testing.assert_array_equal(y[0, 1], 0)
    np.testing.assert_array_equal(y[0, 0], 1)


def test_config_round_trip_and_properties():
    layer = layers.LSTM(5, activation="relu", recurrent_activation="hard_sigmoid",
                        dropout=0.1, recurrent_dropout=0.2, return_sequences=True,
                        go_backwards=True, unit_forget_bias=False, name="my_lstm")
    cfg = layer.get_config()
    assert cfg["units"] == 5 and cfg["recurrent_activation"] == "hard_sigmoid"
    assert cfg["go_backwards"] and cfg["return_sequences"] and cfg["name"] == "my_lstm"
    again = layers.LSTM.from_config(cfg)
    assert again.get_config() == cfg
    assert again.units == 5 and again.dropout == 0.1 and again.recurrent_dropout == 0.2
    rnn = layers.RNN(layers.GRUCell(2, reset_after=False), unroll=True, time_major=True)
    r2 = keras.layers.deserialize(keras.layers.serialize(rnn))
    assert isinstance(r2.cell, layers.GRUCell) and not r2.cell.reset_after and r2.time_major
    with pytest.raises(ValueError, match="positive integer"):
        layers.GRU(0)
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(type("C", (), {"call": lambda self, x, s: (x, s)})())


def test_time_major_and_input_dim_kwargs():
    rng = np.random.RandomState(10)
    x = rng.rand(B, T, D).astype(np.float32)
    a = layers.GRU(3, return_sequences=True)
    b = layers.GRU(3, return_sequences=True, time_major=True)
    ya = a(x).numpy()
    b(x.transpose(1, 0, 2))
    b.set_weights(a.get_weights())
    np.testing.assert_allclose(b(x.transpose(1, 0, 2), mask=MASK).numpy().transpose(1, 0, 2),
                               a(x, mask=MASK).numpy(), rtol=1e-5, atol=1e-6)
    assert ya.shape == (B, T, 3)
    m = keras.Sequential([layers.LSTM(2, input_dim=D, input_length=T)])
    assert m.output_shape == (None, 2)


def test_lstm_many_to_one_classifier_learns():
    """Sequences of ±1 steps: class = whether their sum is positive (needs the whole sequence)."""
    rng = np.random.RandomState(11)
    x = rng.choice([-1.0, 1.0], size=(256, 9, 1)).astype(np.float32)
    y = (x.sum(axis=(1, 2)) > 0).astype(np.float32)
    model = keras.Sequential([layers.LSTM(16, input_shape=(9, 1)),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.02),
                  metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=12, verbose=0)
    assert hist.history["loss"][-1] < 0.3 < np.log(2)          # unigram baseline: log 2
    assert hist.history["accuracy"][-1] > 0.9


def test_char_model_many_to_many_learns():
    text = "the quick brown fox jumps over the lazy dog. " * 6
    chars = sorted(set(text))
    idx = np.array([chars.index(c) for c in text])
    n, T_ = len(chars), 12
    starts = np.arange(0, len(idx) - T_ - 1, 3)
    X = np.stack([idx[s:s + T_] for s in starts])
    Y = np.stack([idx[s + 1:s + T_ + 1] for s in starts])
    freq = np.bincount(idx, minlength=n) / len(idx)
    unigram = -np.sum(freq * np.log(freq + 1e-12))
    model = keras.Sequential([layers.Embedding(n, 16, input_length=T_),
                              layers.LSTM(64, return_sequences=True),
                              layers.TimeDistributed(layers.Dense(n, activation="softmax"))])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01))
    hist = model.fit(X, Y, batch_size=16, epochs=15, verbose=0)
    assert hist.history["loss"][-1] < 0.4 * unigram


def test_mask_registry_helpers():
    t = tf.constant([[1.0]])
    recurrent_cells.set_mask(t, tf.constant([[True]]))
    assert recurrent_cells.get_mask(t) is not None
    assert recurrent_cells.get_mask(tf.constant([1.0])) is None


def _check_input_and_weight_grads(layer, x, call_kw=None, seed=3):
    """GradientTape d(sum(w * layer(x)))/d(x, weights) against central differences (float64)."""
    call_kw = call_kw or {}
    xt = tf.constant(x)
    y0 = layer(xt, **call_kw)
    wy = np.random.RandomState(seed).uniform(0.5, 1.5, y0.shape.as_list())
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(layer(xt, **call_kw) * wy)
    grads = tape.gradient(loss, [xt] + layer.trainable_weights)
    base = [w.copy() for w in layer.get_weights()]
    arrays = [x.copy()] + base

    def value(arrs):
        layer.set_weights(arrs[1:])
        return float(np.sum(layer(tf.constant(arrs[0]), **call_kw).numpy() * wy))
    for k, g in enumerate(grads):
        num = np.zeros_like(arrays[k])
        for idx in np.ndindex(arrays[k].shape):
            vals = []
            for sign in (1, -1):
                a = [v.copy() for v in arrays]
                a[k][idx] += sign * 1e-6
                vals.append(value(a))
            num[idx] = (vals[0] - vals[1]) / 2e-6
        np.testing.assert_allclose(g.numpy(), num, rtol=1e-5, atol=1e-7)
    layer.set_weights(base)


def test_gradients_bidirectional_with_mask():
    x = np.random.RandomState(12).uniform(-1, 1, (B, 4, 2))
    bi = layers.Bidirectional(layers.GRU(2, return_sequences=True, dtype="float64"),
                              merge_mode="concat", dtype="float64")
    bi(tf.constant(x))
    _randomize(bi, np.random.RandomState(13))
    _check_input_and_weight_grads(bi, x, {"mask": MASK[:, :4]})


def test_gradients_stacked_cells_and_time_distributed():
    x = np.random.RandomState(14).uniform(-1, 1, (2, 3, 2))
    rnn = layers.RNN([layers.LSTMCell(2, dtype="float64"), layers.SimpleRNNCell(2,
                                                                                dtype="float64")],
                     return_sequences=True, go_backwards=True, dtype="float64")
    rnn(tf.constant(x))
    _randomize(rnn, np.random.RandomState(15))
    _check_input_and_weight_grads(rnn, x, {"mask": MASK[:2, :3]})
    td = layers.TimeDistributed(layers.Dense(2, dtype="float64"), dtype="float64")
    td(tf.constant(x))
    _check_input_and_weight_grads(td, x)


def test_compute_mask():
    m = tf.constant(MASK)
    x = np.zeros((B, T, D), np.float32)
    assert layers.LSTM(2, return_sequences=True).compute_mask(x, m) is m
    assert layers.LSTM(2).compute_mask(x, m) is None
    assert layers.GRU(2, return_sequences=True, return_state=True).compute_mask(x, m) == [m, None]
    bi = layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode=None)
    assert bi.compute_mask(x, m) == [m, m]
    assert layers.TimeDistributed(layers.Dense(2)).compute_mask(x, m) is m
    np.testing.assert_array_equal(layers.Masking(0.0).compute_mask(np.ones((1, 2, 3))).numpy(),
                                  [[True, True]])
