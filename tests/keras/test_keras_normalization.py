"""BatchNormalization (training vs inference, moving statistics in fit, TF1 graphs),
LayerNormalization, and the extra dropout layers."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import layers
from keras_helpers import fresh_keras, run_layer_test  # noqa: F401


def _x(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32")


def _bn_ref(x, axes, gamma, beta, eps):
    m, v = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    return gamma * (x - m) / np.sqrt(v + eps) + beta


# ------------------------------------------------------------------ BatchNormalization
@pytest.mark.parametrize("shape", [(6, 3), (4, 5, 3), (2, 4, 4, 3)])
def test_batch_norm_harness(shape):
    run_layer_test(layers.BatchNormalization, {}, shape, shape, expected_num_weights=4,
                   expected_num_trainable=2)
    # (a training step moves the statistics that evaluate() then uses: checked in the fit test)
    run_layer_test(layers.BatchNormalization, {"center": False, "scale": False, "momentum": 0.5},
                   shape, shape, expected_num_weights=2, expected_num_trainable=0, train=False)


def test_batch_norm_weights_in_keras_order():
    bn = layers.BatchNormalization(name="bn")
    bn(_x(2, 3, 3, 4))
    assert [w.name for w in bn.weights] == ["bn/gamma:0", "bn/beta:0", "bn/moving_mean:0",
                                            "bn/moving_variance:0"]
    assert bn.count_params() == 16
    assert [w.name for w in bn.non_trainable_weights] == ["bn/moving_mean:0",
                                                          "bn/moving_variance:0"]


def test_batch_norm_training_and_inference_outputs():
    x = _x(8, 3, 3, 4) * 3 + 1
    bn = layers.BatchNormalization(momentum=0.9, epsilon=1e-3,
                                   gamma_initializer="glorot_uniform",
                                   beta_initializer="glorot_uniform")
    y_inf = bn(x).numpy()   # default: inference, moving mean 0 and variance 1
    g, b, mm, mv = bn.get_weights()
    np.testing.assert_allclose(y_inf, g * (x - 0) / np.sqrt(1 + 1e-3) + b, rtol=1e-5, atol=1e-5)
    y = bn(x, training=True).numpy()
    np.testing.assert_allclose(y, _bn_ref(x, (0, 1, 2), g, b, 1e-3), rtol=1e-4, atol=1e-4)
    # moving -= (moving - batch) * (1 - momentum); 4-D: the variance with Bessel's correction
    n = 8 * 3 * 3
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.1 * x.mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(),
                               0.9 + 0.1 * x.var(axis=(0, 1, 2)) * n / (n - 1), rtol=1e-5)


def test_batch_norm_2d_input_uses_biased_variance_for_the_average():
    x = _x(6, 3)
    bn = layers.BatchNormalization(momentum=0.0)
    bn(x, training=True)
    np.testing.assert_allclose(bn.moving_mean.numpy(), x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), x.var(axis=0), rtol=1e-5)
    np.testing.assert_allclose(bn(x).numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3),
                               rtol=1e-4, atol=1e-5)


def test_batch_norm_channels_first_and_several_axes():
    x = _x(4, 3, 5, 5)
    y = layers.BatchNormalization(axis=1)(x, training=True).numpy()
    np.testing.assert_allclose(y, _bn_ref(x, (0, 2, 3), 1, 0, 1e-3), rtol=1e-4, atol=1e-4)
    x = _x(4, 3, 2)
    bn = layers.BatchNormalization(axis=[1, 2], momentum=0.0)
    y = bn(x, training=True).numpy()
    assert bn.gamma.shape.as_list() == [3, 2]
    np.testing.assert_allclose(y, _bn_ref(x, (0,), 1, 0, 1e-3), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(bn.moving_mean.numpy(), x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(bn(x).numpy(), (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3),
                               rtol=1e-4, atol=1e-4)


def test_batch_norm_gradient_matches_numerical():
    x = tf.constant(_x(5, 3).astype(np.float64))
    bn = layers.BatchNormalization(dtype="float64", gamma_initializer="glorot_uniform")
    bn(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(bn(x, training=True) ** 3)
    g = tape.gradient(loss, x).numpy()
    g0, b0 = bn.get_weights()[:2]

    def f(a):
        return np.sum(_bn_ref(a, (0,), g0, b0, 1e-3) ** 3)
    num = np.zeros_like(g)
    xv, h = x.numpy(), 1e-6
    for idx in np.ndindex(xv.shape):
        d = np.zeros_like(xv)
        d[idx] = h
        num[idx] = (f(xv + d) - f(xv - d)) / (2 * h)
    np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-6)


def test_batch_norm_fit_updates_moving_statistics():
    rng = np.random.RandomState(0)
    x = (rng.rand(64, 4) * 4 + 2).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    bn = layers.BatchNormalization(momentum=0.5)
    model = keras.Sequential([bn, layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, y, batch_size=64, epochs=1, verbose=0, shuffle=False)
    # one train step: moving = 0.5 * initial + 0.5 * batch statistics
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.5 * x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.5 + 0.5 * x.var(axis=0), rtol=1e-5)
    assert len(bn.updates) == 2
    # evaluate and predict run in inference mode: no updates
    before = bn.get_weights()
    model.evaluate(x, y, verbose=0)
    model.predict(x)
    for a, b in zip(before, bn.get_weights()):
        np.testing.assert_array_equal(a, b)
    g, b, mm, mv = bn.get_weights()
    ref = (x - mm) / np.sqrt(mv + 1e-3) * g + b
    np.testing.assert_allclose(model.predict(x), ref @ model.layers[1].get_weights()[0]
                               + model.layers[1].get_weights()[1], rtol=1e-4, atol=1e-4)


def test_batch_norm_frozen_runs_in_inference_mode():
    x = _x(16, 3) + 5
    bn = layers.BatchNormalization()
    model = keras.Sequential([bn, layers.Dense(1)])
    bn.trainable = False
    model.compile("sgd", "mse")
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), np.zeros(3, np.float32))
    y = bn(x, training=True).numpy()
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-3), rtol=1e-5)


def test_batch_norm_tf1_graph_with_fed_training_flag(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3])
    training = tf.placeholder(tf.bool, [])
    bn = layers.BatchNormalization(momentum=0.0)
    y = bn(x, training=training)
    data = _x(8, 3) * 2 + 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {x: data, training: False})
        np.testing.assert_allclose(out, data / np.sqrt(1 + 1e-3), rtol=1e-5)
        out = sess.run(y, {x: data, training: True})
        np.testing.assert_allclose(out, _bn_ref(data, (0,), 1, 0, 1e-3), rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(sess.run(bn.moving_mean), data.mean(axis=0), rtol=1e-5)


def test_batch_norm_config_and_errors():
    bn = layers.BatchNormalization(axis=1, momentum=0.9, epsilon=1e-5, center=False)
    cfg = bn.get_config()
    assert cfg["axis"] == 1 and cfg["momentum"] == 0.9 and cfg["epsilon"] == 1e-5
    assert not cfg["center"] and cfg["gamma_initializer"]["class_name"] == "Ones"
    bn(_x(2, 3, 4, 4))
    assert bn.get_config()["axis"] == [1]   # Keras lists the axes once built
    with pytest.raises(ValueError, match="Invalid axis"):
        layers.BatchNormalization(axis=4)(_x(2, 3, 4, 4))
    with pytest.raises(NotImplementedError, match="renorm"):
        layers.BatchNormalization(renorm=True)


# ------------------------------------------------------------------ LayerNormalization
def test_layer_norm():
    x = _x(3, 4, 5)
    y = run_layer_test(layers.LayerNormalization, {}, x.shape, x.shape, input_data=x,
                       expected_num_weights=2)
    np.testing.assert_allclose(y, _bn_ref(x, (2,), 1, 0, 1e-3), rtol=1e-4, atol=1e-5)
    ln = layers.LayerNormalization(axis=[1, 2], epsilon=1e-5, gamma_initializer="glorot_uniform")
    y = ln(x).numpy()
    assert ln.gamma.shape.as_list() == [4, 5]
    np.testing.assert_allclose(y, _bn_ref(x, (1, 2), ln.gamma.numpy(), 0, 1e-5), rtol=1e-4,
                               atol=1e-5)
    # the same in training and inference
    np.testing.assert_allclose(ln(x, training=True).numpy(), y, rtol=1e-6)
    run_layer_test(layers.LayerNormalization, {"axis": [1, 2], "center": False}, x.shape, x.shape,
                   expected_num_weights=1)


# ------------------------------------------------------------------ dropout variants
def test_spatial_dropout():
    x = np.ones((4, 5, 5, 6), np.float32)
    y = layers.SpatialDropout2D(0.5)(x, training=True).numpy()
    per_map = y.reshape(4, 25, 6)
    assert np.all((per_map == 0).all(axis=1) | (per_map == 2).all(axis=1))  # whole maps
    assert 0 < (per_map[:, 0] == 0).sum() < 24
    np.testing.assert_array_equal(layers.SpatialDropout2D(0.5)(x).numpy(), x)
    y = layers.SpatialDropout2D(0.5, data_format="channels_first")(x, training=True).numpy()
    per_map = y.reshape(4, 5, 30)   # channels first: axis 1 holds the maps
    assert np.all((per_map == 0).all(axis=2) | (per_map == 2).all(axis=2))
    y = layers.SpatialDropout1D(0.5)(np.ones((8, 7, 5), np.float32), training=True).numpy()
    assert np.all((y == 0).all(axis=1) | (y == 2).all(axis=1))
    run_layer_test(layers.SpatialDropout1D, {"rate": 0.3}, (2, 4, 3), (2, 4, 3))
    run_layer_test(layers.SpatialDropout2D, {"rate": 0.3}, (2, 4, 4, 3), (2, 4, 4, 3))


def test_gaussian_and_alpha_dropout():
    x = np.ones((200, 100), np.float32)
    y = layers.GaussianDropout(0.2)(x, training=True).numpy()
    assert abs(y.mean() - 1) < 0.01 and abs(y.std() - np.sqrt(0.2 / 0.8)) < 0.01
    np.testing.assert_array_equal(layers.GaussianDropout(0.2)(x).numpy(), x)
    z = np.random.RandomState(0).randn(400, 100).astype(np.float32)
    y = layers.AlphaDropout(0.2)(z, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.03   # SELU's fixed point kept
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - 0.2) * (1 + 0.2 * alpha_p ** 2)) ** -0.5
    dropped = np.isclose(y, a * alpha_p - a * alpha_p * 0.2)   # all take a * alpha' + b
    assert abs(dropped.mean() - 0.2) < 0.02
    np.testing.assert_array_equal(layers.AlphaDropout(0.2)(z).numpy(), z)
    run_layer_test(layers.GaussianDropout, {"rate": 0.3}, (3, 4), (3, 4))
    run_layer_test(layers.AlphaDropout, {"rate": 0.3}, (3, 4), (3, 4))
    with pytest.raises(ValueError, match="rate"):
        layers.GaussianDropout(1.5)
