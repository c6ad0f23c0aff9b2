"""Keras names no other test ran: backend op wrappers, compute_output_shape, node accessors,
stateful resets, CallbackList, and the base classes' get_config."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import backend as K
from neuroflow.keras import layers
from keras_helpers import fresh_keras  # noqa: F401


def _shape(s):
    return tuple(tf.TensorShape(s).as_list())


# ------------------------------------------------------------------ backend
def test_backend_gradients_and_stop_gradient_in_graph_mode(graph_mode):
    x = tf.placeholder(tf.float32, [3])
    w = tf.Variable([1.0, 2.0, 3.0])
    loss = K.sum(K.square(w * x))
    grads = K.gradients(loss, [w])
    assert isinstance(grads, list) and len(grads) == 1
    # stop_gradient: the first term counts as a constant, only w * x is differentiated
    blocked = K.gradients(K.sum(K.stop_gradient(w * w) * x + w), [w])[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        xv = np.array([1.0, -1.0, 0.5], np.float32)
        g = sess.run(grads[0], {x: xv})
        np.testing.assert_allclose(g, 2 * np.array([1.0, 2.0, 3.0]) * xv ** 2, rtol=1e-6)
        np.testing.assert_allclose(sess.run(blocked, {x: xv}), [1.0, 1.0, 1.0])
        np.testing.assert_allclose(sess.run(K.stop_gradient(w)), [1.0, 2.0, 3.0])


def test_backend_elementwise_math():
    a = np.array([[-1.5, -0.5, 0.0], [0.5, 2.5, 4.0]], np.float32)
    x = K.constant(a)
    pos = K.constant(np.abs(a) + 0.5)
    checks = {
        # Keras clips negatives to 0 before the square root (no NaN)
        "sqrt": (K.sqrt(x), np.sqrt(np.maximum(a, 0))),
        "exp": (K.exp(x), np.exp(a)),
        "log": (K.log(pos), np.log(np.abs(a) + 0.5)),
        "pow": (K.pow(x, 3), a ** 3),
        "sign": (K.sign(x), np.sign(a)),
        # tf.round rounds half to even
        "round": (K.round(x), [[-2.0, -0.0, 0.0], [0.0, 2.0, 4.0]]),
        "sin": (K.sin(x), np.sin(a)),
        "cos": (K.cos(x), np.cos(a)),
        "maximum": (K.maximum(x, 0.5), np.maximum(a, 0.5)),
        "minimum": (K.minimum(x, K.constant(np.zeros_like(a))), np.minimum(a, 0)),
        "tanh": (K.tanh(x), np.tanh(a)),
        "softplus": (K.softplus(x), np.log1p(np.exp(a))),
    }
    for name, (got, want) in checks.items():
        assert got.dtype == tf.float32, name
        np.testing.assert_allclose(K.eval(got), want, rtol=1e-6, atol=1e-7, err_msg=name)
    assert not np.isnan(K.eval(K.sqrt(K.constant(-4.0))))


def test_backend_comparisons_and_cast():
    x = K.constant([1.0, 2.0, 3.0])
    y = K.constant([3.0, 2.0, 1.0])
    for fn, want in ((K.equal, [False, True, False]), (K.not_equal, [True, False, True]),
                     (K.greater, [False, False, True]), (K.less, [True, False, False])):
        got = fn(x, y)
        assert got.dtype == tf.bool, fn.__name__
        np.testing.assert_array_equal(K.eval(got), want)
    c = K.cast(K.constant([1.7, -1.7]), "int32")
    assert c.dtype == tf.int32 and K.dtype(c) == "int32"
    np.testing.assert_array_equal(K.eval(c), [1, -1])     # truncation toward zero
    b = K.cast(K.greater(x, y), K.floatx())
    assert b.dtype == tf.float32
    np.testing.assert_array_equal(K.eval(b), [0.0, 0.0, 1.0])


def test_backend_reshape_and_squeeze():
    x = K.constant(np.arange(6, dtype=np.float32).reshape(1, 6))
    r = K.reshape(x, (2, -1))
    assert K.int_shape(r) == (2, 3)
    np.testing.assert_array_equal(K.eval(r), [[0, 1, 2], [3, 4, 5]])
    s = K.squeeze(K.reshape(x, (3, 1, 2)), 1)
    assert K.int_shape(s) == (3, 2)
    np.testing.assert_array_equal(K.eval(s), np.arange(6).reshape(3, 2))
    with pytest.raises(Exception):
        K.squeeze(x, 1)      # dimension 1 has size 6, not 1


# ------------------------------------------------------------------ compute_output_shape
def test_compute_output_shape_of_shape_preserving_layers():
    for layer in (layers.Activation("relu"), layers.Dropout(0.5),
                  layers.BatchNormalization(), layers.LayerNormalization(),
                  layers.Masking(mask_value=0.0)):
        out = layer.compute_output_shape((None, 4, 3))
        assert isinstance(out, tf.TensorShape), type(layer).__name__
        assert _shape(out) == (None, 4, 3), type(layer).__name__


def test_reshape_compute_output_shape():
    assert _shape(layers.Reshape((3, -1)).compute_output_shape((None, 2, 6))) == (None, 3, 4)
    assert _shape(layers.Reshape((2, 6)).compute_output_shape((8, 12))) == (8, 2, 6)
    # an unknown input dimension: the -1 stays unknown
    assert _shape(layers.Reshape((3, -1)).compute_output_shape((None, None, 6))) == (None, 3, None)
    with pytest.raises(ValueError, match="total size of the new array must be unchanged"):
        layers.Reshape((5, -1)).compute_output_shape((None, 2, 6))


def test_lambda_compute_output_shape():
    traced = layers.Lambda(lambda t: t[:, :2] * 2.0)
    assert _shape(traced.compute_output_shape((None, 5))) == (None, 2)
    # a tuple output_shape leaves out the batch dimension
    given = layers.Lambda(lambda t: t, output_shape=(7, 2))
    assert _shape(given.compute_output_shape((4, 14))) == (4, 7, 2)
    func = layers.Lambda(lambda t: t, output_shape=lambda s: (s[0], 1))
    assert _shape(func.compute_output_shape((3, 9))) == (3, 1)


def test_global_pooling_compute_output_shape():
    assert _shape(layers.GlobalAveragePooling2D().compute_output_shape((None, 4, 5, 3))) == \
        (None, 3)
    assert _shape(layers.GlobalMaxPooling1D().compute_output_shape((2, 7, 6))) == (2, 6)
    assert _shape(layers.GlobalAveragePooling2D(data_format="channels_first")
                  .compute_output_shape((None, 3, 4, 5))) == (None, 3)
    assert _shape(layers.GlobalMaxPooling2D(keepdims=True)
                  .compute_output_shape((None, 4, 5, 3))) == (None, 1, 1, 3)
    # the computed shape is what calling the layer gives
    layer = layers.GlobalAveragePooling1D(keepdims=True)
    y = layer(np.ones((2, 3, 6), np.float32))
    assert y.shape.as_list() == list(_shape(layer.compute_output_shape((2, 3, 6)))) == [2, 1, 6]


def test_time_distributed_compute_output_shape():
    td = layers.TimeDistributed(layers.Dense(4))
    assert _shape(td.compute_output_shape((None, 5, 3))) == (None, 5, 4)
    td2 = layers.TimeDistributed(layers.Conv2D(2, 3))
    assert _shape(td2.compute_output_shape((2, 6, 8, 8, 1))) == (2, 6, 6, 6, 2)


# ------------------------------------------------------------------ recurrent states
def test_rnn_get_initial_state():
    x = np.ones((2, 5, 4), np.float32)
    for layer, n in ((layers.LSTM(3), 2), (layers.GRU(3), 1), (layers.SimpleRNN(3), 1)):
        states = layer.get_initial_state(x)
        assert isinstance(states, list) and len(states) == n, type(layer).__name__
        for s in states:
            np.testing.assert_array_equal(np.asarray(s), np.zeros((2, 3), np.float32))
            assert s.dtype == tf.float32
    tm = layers.LSTM(3, time_major=True).get_initial_state(np.ones((5, 2, 4), np.float32))
    assert [tuple(np.asarray(s).shape) for s in tm] == [(2, 3), (2, 3)]


def _state_values(layer):
    return [np.asarray(K.get_value(s)) for s in layer.states]


def test_model_reset_states_zeroes_stateful_rnn_states():
    model = keras.Sequential([layers.LSTM(3, stateful=True, batch_input_shape=(2, 4, 2)),
                              layers.Dense(1)])
    x = np.random.RandomState(0).uniform(-1, 1, (2, 4, 2)).astype(np.float32)
    first = model.predict(x, batch_size=2)
    second = model.predict(x, batch_size=2)
    assert not np.allclose(first, second)      # the states carried over
    lstm = model.layers[0]
    assert all(np.abs(v).sum() > 0 for v in _state_values(lstm))
    assert model.reset_states() is None
    for v in _state_values(lstm):
        np.testing.assert_array_equal(v, np.zeros((2, 3), np.float32))
    np.testing.assert_allclose(model.predict(x, batch_size=2), first, rtol=1e-5)


def test_bidirectional_reset_states():
    bi = layers.Bidirectional(layers.LSTM(3, stateful=True), batch_input_shape=(2, 4, 2))
    model = keras.Sequential([bi])
    x = np.random.RandomState(1).uniform(-1, 1, (2, 4, 2)).astype(np.float32)
    first = model.predict(x, batch_size=2)
    assert first.shape == (2, 6)
    states = _state_values(bi.forward_layer) + _state_values(bi.backward_layer)
    assert len(states) == 4 and all(np.abs(v).sum() > 0 for v in states)
    assert bi.reset_states() is None
    for v in _state_values(bi.forward_layer) + _state_values(bi.backward_layer):
        np.testing.assert_array_equal(v, np.zeros((2, 3), np.float32))
    np.testing.assert_allclose(model.predict(x, batch_size=2), first, rtol=1e-5)
    model.predict(x, batch_size=2)
    model.reset_states()      # the model resets the wrapped stateful layers too
    assert all(np.abs(v).sum() == 0 for v in _state_values(bi.forward_layer))


# ------------------------------------------------------------------ shared layer nodes
def test_get_input_and_output_at_node_indices():
    a = keras.Input(shape=(4,))
    b = keras.Input(shape=(4,))
    shared = layers.Dense(2)
    ya = shared(a)
    yb = shared(b)
    model = keras.Model([a, b], [ya, yb])
    assert shared.get_input_at(0) is a and shared.get_input_at(1) is b
    assert shared.get_output_at(0) is ya and shared.get_output_at(1) is yb
    assert shared.get_input_shape_at(0) == (None, 4) and shared.get_input_shape_at(1) == (None, 4)
    assert shared.get_output_shape_at(1) == (None, 2)
    # TF2 Keras: with equal shapes at every node, `input` / `output` are those of node 0
    assert shared.input is a and shared.output is ya
    with pytest.raises(ValueError, match="Asked to get input at node 2, but the layer has only 2"):
        shared.get_input_at(2)
    with pytest.raises(RuntimeError, match="never been called"):
        layers.Dense(2).get_output_at(0)
    out = model.predict([np.ones((1, 4), np.float32), np.zeros((1, 4), np.float32)])
    np.testing.assert_allclose(out[1], np.asarray(shared.bias)[None], rtol=1e-6)


# ------------------------------------------------------------------ Model
def test_model_to_yaml_was_removed():
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    with pytest.raises(RuntimeError, match=r"to_yaml\(\)` has been removed"):
        model.to_yaml()
    assert "Dense" in model.to_json()


def test_model_reset_metrics():
    model = keras.Sequential([layers.Dense(1, input_shape=(2,), kernel_initializer="zeros")])
    model.compile("sgd", "mse", metrics=["mae"])
    x = np.ones((4, 2), np.float32)
    big = model.test_on_batch(x, np.full((4, 1), 4.0, np.float32), reset_metrics=False)
    assert big == pytest.approx([16.0, 4.0])
    # without a reset the values are running means over the batches seen
    both = model.test_on_batch(x, np.full((4, 1), 2.0, np.float32), reset_metrics=False)
    assert both == pytest.approx([10.0, 3.0])
    assert model.reset_metrics() is None
    fresh = model.test_on_batch(x, np.full((4, 1), 2.0, np.float32), reset_metrics=False)
    assert fresh == pytest.approx([4.0, 2.0])
    # the default resets after each batch
    assert model.test_on_batch(x, np.full((4, 1), 4.0, np.float32)) == pytest.approx([16.0, 4.0])
    assert model.test_on_batch(x, np.full((4, 1), 2.0, np.float32)) == pytest.approx([4.0, 2.0])


# ------------------------------------------------------------------ callbacks
def test_callback_list_set_params_and_set_model():
    c1, c2 = keras.callbacks.Callback(), keras.callbacks.History()
    cbs = keras.callbacks.CallbackList([c1, c2])
    params = {"epochs": 3, "steps": 5, "verbose": 0}
    assert cbs.set_params(params) is None
    assert c1.params == params and c2.params == params and cbs.params == params
    model = keras.Sequential([layers.Dense(1, input_shape=(2,))])
    assert cbs.set_model(model) is None
    assert c1.model is model and c2.model is model and cbs.model is model


# ------------------------------------------------------------------ configs
def test_unit_norm_and_min_max_norm_config_round_trip():
    from neuroflow.keras import constraints
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert constraints.UnitNorm(axis=[0, 1]).get_config() == {"axis": [0, 1]}
    mm = constraints.MinMaxNorm()
    assert mm.get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}
    cfg = constraints.MinMaxNorm(0.5, 2.0, rate=0.5, axis=1).get_config()
    assert cfg == {"min_value": 0.5, "max_value": 2.0, "rate": 0.5, "axis": 1}
    again = constraints.MinMaxNorm.from_config(cfg)
    assert again.get_config() == cfg
    w = np.array([[3.0, 0.0], [0.0, 0.1]], np.float32)
    # row norms 3 and 0.1 move half way (rate 0.5) to their clip into [0.5, 2]
    out = K.eval(again(K.constant(w)))
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), [2.5, 0.3], rtol=1e-4)
    un = constraints.UnitNorm.from_config(constraints.UnitNorm(axis=1).get_config())
    np.testing.assert_allclose(np.linalg.norm(K.eval(un(K.constant(w))), axis=1), [1.0, 1.0],
                               rtol=1e-5)
    ser = constraints.serialize(mm)
    assert ser["class_name"] == "MinMaxNorm" and ser["config"]["max_value"] == 1.0


def test_base_regularizer_get_config_is_not_implemented():
    from neuroflow.keras import regularizers

    class Penalty(regularizers.Regularizer):
        def __call__(self, x):
            return tf.reduce_sum(x)

    with pytest.raises(NotImplementedError, match="does not implement get_config"):
        Penalty().get_config()
    with pytest.raises(NotImplementedError):
        regularizers.Regularizer().get_config()
    assert regularizers.Regularizer()(K.constant([1.0])) == 0.0


def test_base_learning_rate_schedule_get_config_is_not_implemented():
    from neuroflow.keras.optimizers import schedules

    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.1 / (tf.cast(step, tf.float32) + 1.0)

    with pytest.raises(NotImplementedError, match="must override"):
        Halving().get_config()
    assert float(Halving()(1)) == pytest.approx(0.05)
