"""Advanced activation layers against NumPy (values and gradients), Keras's checks and configs."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import layers
from helpers import check_op
from keras_helpers import fresh_keras, run_layer_test  # noqa: F401


def np_relu(x, alpha=0.0, max_value=None, threshold=0.0):
    y = np.where(x >= threshold, x, alpha * (x - threshold))
    if threshold and not alpha:
        y = np.where(x > threshold, x, 0.0)
    return y if max_value is None else np.minimum(y, max_value)


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("layer,ref", [
    (lambda: layers.LeakyReLU(), lambda x: np.where(x > 0, x, 0.3 * x)),
    (lambda: layers.LeakyReLU(alpha=0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
    (lambda: layers.LeakyReLU(alpha=1.5), lambda x: np.where(x > 0, x, 1.5 * x)),
    (lambda: layers.ReLU(), lambda x: np.maximum(x, 0)),
    (lambda: layers.ReLU(max_value=1.0), lambda x: np.clip(x, 0, 1.0)),
    (lambda: layers.ReLU(negative_slope=0.2), lambda x: np_relu(x, 0.2)),
    (lambda: layers.ReLU(threshold=0.5), lambda x: np_relu(x, threshold=0.5)),
    (lambda: layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.5),
     lambda x: np_relu(x, 0.1, 1.5, 0.5)),
    (lambda: layers.ELU(), lambda x: np.where(x > 0, x, np.expm1(x))),
    (lambda: layers.ELU(alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    (lambda: layers.ThresholdedReLU(), lambda x: np.where(x > 1.0, x, 0.0)),
    (lambda: layers.ThresholdedReLU(theta=0.3), lambda x: np.where(x > 0.3, x, 0.0)),
    (lambda: layers.Softmax(), np_softmax),
    (lambda: layers.Softmax(axis=1), lambda x: np_softmax(x, 1)),
    (lambda: layers.Softmax(axis=[1, 2]), lambda x: np_softmax(x.reshape(x.shape[0], -1))
     .reshape(x.shape)),
])
def test_values_and_gradients(layer, ref):
    rng = np.random.RandomState(0)
    x = rng.uniform(-2.5, 2.5, (2, 3, 4))
    # keep inputs away from the kinks (0, thresholds, caps), where gradients are one-sided
    for k in (0.0, 0.3, 0.5, 1.0, 1.5):
        x = np.where(np.abs(x - k) < 0.05, x + 0.1, x)
    lay = layer()
    check_op(lambda t: lay(t), ref, None, inputs=[x])


def test_prelu_learns_its_slope_and_shares_axes():
    x = np.array([[-1.0, 2.0], [-3.0, -0.5]], "float32")
    p = layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25))
    np.testing.assert_allclose(p(x).numpy(), np.where(x > 0, x, 0.25 * x))
    assert p.weights[0].shape.as_list() == [2]
    shared = layers.PReLU(shared_axes=[1, 2])
    shared.build(tf.TensorShape([None, 4, 5, 3]))
    assert shared.weights[0].shape.as_list() == [1, 1, 3]
    model = keras.Sequential([keras.layers.Dense(2, input_dim=2, kernel_initializer="ones"),
                              layers.PReLU()])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    before = model.layers[1].get_weights()[0].copy()
    model.fit(np.array([[-1.0, -2.0]] * 8, "float32"), np.array([[-5.0, -5.0]] * 8, "float32"),
              verbose=0)
    assert not np.allclose(model.layers[1].get_weights()[0], before)


def test_softmax_mask():
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    got = layers.Softmax()(x, mask=np.array([[True, True, False]])).numpy()
    np.testing.assert_allclose(got, [[*np_softmax(x[:, :2])[0], 0.0]], atol=1e-7)


def test_keras_checks_and_configs():
    with pytest.raises(ValueError, match="alpha value of a Leaky ReLU layer cannot be None"):
        layers.LeakyReLU(alpha=None)
    with pytest.raises(ValueError, match="max_value of a ReLU layer cannot be a negative value"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="negative_slope of a ReLU layer cannot be a negative"):
        layers.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="threshold of a ReLU layer cannot be a negative"):
        layers.ReLU(threshold=-1)
    with pytest.raises(ValueError, match="Alpha of an ELU layer cannot be None"):
        layers.ELU(alpha=None)
    with pytest.raises(ValueError, match="theta value of a Thresholded ReLU layer should be >=0"):
        layers.ThresholdedReLU(theta=-1)
    assert layers.LeakyReLU().get_config()["alpha"] == 0.3
    cfg = layers.ReLU(6).get_config()
    assert (cfg["max_value"], cfg["negative_slope"], cfg["threshold"]) == (6.0, 0.0, 0.0)
    assert layers.Softmax(axis=1).get_config()["axis"] == 1
    assert layers.ThresholdedReLU().get_config()["theta"] == 1.0
    assert layers.ELU().get_config()["alpha"] == 1.0
    assert layers.PReLU(shared_axes=1).get_config()["shared_axes"] == [1]
    for cls, kwargs in ((layers.LeakyReLU, {}), (layers.ReLU, {"threshold": 0.1}),
                        (layers.PReLU, {}), (layers.ELU, {}), (layers.ThresholdedReLU,
                                                               {"theta": 0.1}),
                        (layers.Softmax, {"axis": [1, 2]})):
        run_layer_test(cls, kwargs, (3, 2, 4), (3, 2, 4))
