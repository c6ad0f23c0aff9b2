"""The minimal losses and metrics, the activations/regularizers/constraints modules."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import activations, constraints, losses, metrics, regularizers
from keras_helpers import fresh_keras  # noqa: F401

Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "float32")
P = np.array([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]], "float32")


def test_loss_functions_per_sample():
    np.testing.assert_allclose(losses.mse(Y, P).numpy(), np.mean((P - Y) ** 2, axis=1), rtol=1e-6)
    np.testing.assert_allclose(losses.MAE(Y, P).numpy(), np.mean(np.abs(P - Y), axis=1), rtol=1e-6)
    np.testing.assert_allclose(losses.categorical_crossentropy(Y, P).numpy(),
                               -np.log([0.7, 0.3]), rtol=1e-5)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy([1, 0], P).numpy(),
                               -np.log([0.7, 0.3]), rtol=1e-5)
    logits = np.log(P)
    np.testing.assert_allclose(losses.categorical_crossentropy(Y, logits, from_logits=True).numpy(),
                               -np.log([0.7, 0.3]), rtol=1e-5)
    b = np.array([[1.0], [0.0]], "float32")
    q = np.array([[0.8], [0.4]], "float32")
    np.testing.assert_allclose(losses.binary_crossentropy(b, q).numpy(),
                               -np.log([0.8, 0.6]), rtol=1e-5)
    smooth = losses.categorical_crossentropy(Y, P, label_smoothing=0.3).numpy()
    ys = Y * 0.7 + 0.1
    np.testing.assert_allclose(smooth, -np.sum(ys * np.log(P), axis=1), rtol=1e-5)


def test_loss_classes_reduce_and_weight():
    cce = losses.CategoricalCrossentropy()
    np.testing.assert_allclose(cce(Y, P).numpy(), np.mean(-np.log([0.7, 0.3])), rtol=1e-5)
    np.testing.assert_allclose(cce(Y, P, sample_weight=[1.0, 0.0]).numpy(), -np.log(0.7) / 2,
                               rtol=1e-5)
    s = losses.MeanSquaredError(reduction="sum")
    np.testing.assert_allclose(s(Y, P).numpy(), np.sum(np.mean((P - Y) ** 2, axis=1)), rtol=1e-6)
    assert losses.get("mse") is losses.mean_squared_error
    assert isinstance(losses.get("BinaryCrossentropy"), losses.BinaryCrossentropy)
    assert losses.SparseCategoricalCrossentropy(from_logits=True).get_config()["from_logits"]
    assert losses.serialize(losses.MeanAbsoluteError())["class_name"] == "MeanAbsoluteError"
    assert losses.deserialize(losses.serialize(losses.MeanAbsoluteError())).name == \
        "mean_absolute_error"
    with pytest.raises(ValueError, match="Unknown loss function"):
        losses.get("nope")


def test_loss_objects_in_compile():
    model = keras.Sequential([keras.layers.Dense(3, input_dim=2, activation="softmax")])
    model.compile("sgd", losses.CategoricalCrossentropy(), metrics=[metrics.CategoricalAccuracy()])
    x = np.random.rand(8, 2).astype("float32")
    y = keras.utils.to_categorical(np.arange(8) % 3, 3)
    h = model.fit(x, y, verbose=0)
    assert list(h.history) == ["loss", "categorical_accuracy"]
    p = model.predict(x)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0)[0],
                               -np.mean(np.sum(y * np.log(p), 1)), rtol=1e-5)


def test_metric_functions_and_objects():
    np.testing.assert_allclose(metrics.categorical_accuracy(Y, P).numpy(), [1.0, 0.0])
    np.testing.assert_allclose(metrics.sparse_categorical_accuracy([[1], [2]], P).numpy(), [1, 1])
    np.testing.assert_allclose(metrics.binary_accuracy([[1.0], [0.0]], [[0.6], [0.7]]).numpy(),
                               [1.0, 0.0])
    m = metrics.CategoricalAccuracy()
    m.update_state(Y, P)
    m.update_state(Y[:1], P[:1])
    np.testing.assert_allclose(m.result().numpy(), 2 / 3, rtol=1e-6)
    m.reset_states()
    assert m.result().numpy() == 0.0
    mean = metrics.Mean()
    mean.update_state([1.0, 2.0, 3.0], sample_weight=[1.0, 0.0, 1.0])
    np.testing.assert_allclose(mean.result().numpy(), 2.0)
    acc = metrics.Accuracy()
    np.testing.assert_allclose(acc([1, 2, 3], [1, 2, 0]).numpy(), 2 / 3, rtol=1e-6)
    b = metrics.BinaryAccuracy(threshold=0.8)
    np.testing.assert_allclose(b([[1.0]], [[0.7]]).numpy(), 0.0)
    assert metrics.SparseCategoricalAccuracy().name == "sparse_categorical_accuracy"
    np.testing.assert_allclose(metrics.MeanSquaredError()(Y, P).numpy(),
                               np.mean((P - Y) ** 2), rtol=1e-6)
    np.testing.assert_allclose(metrics.MeanAbsoluteError()(Y, P).numpy(),
                               np.mean(np.abs(P - Y)), rtol=1e-6)
    assert metrics.get("mse") is metrics.mse and metrics.get("MAE") is metrics.MAE
    assert isinstance(metrics.deserialize(metrics.serialize(metrics.Mean())), metrics.Mean)
    with pytest.raises(ValueError, match="Unknown metric function"):
        metrics.get("nope")


def test_resolve_accuracy():
    r = metrics.resolve_accuracy
    assert r("acc", 2, 1, 2, 1) is metrics.binary_accuracy
    assert r("acc", 2, 1, 2, 10) is metrics.sparse_categorical_accuracy
    assert r("acc", 1, None, 2, 10) is metrics.sparse_categorical_accuracy
    assert r("acc", 2, 10, 2, 10) is metrics.categorical_accuracy
    assert r("acc", 2, 10, 2, 10, losses.binary_crossentropy) is metrics.binary_accuracy
    assert r("acc", 2, 10, 2, 10, losses.sparse_categorical_crossentropy) is \
        metrics.sparse_categorical_accuracy


def test_activations():
    x = np.array([[-2.0, 0.0, 3.0]], "float32")
    cases = {
        "linear": x, "relu": np.maximum(x, 0), "sigmoid": 1 / (1 + np.exp(-x)), "tanh": np.tanh(x),
        "softmax": np.exp(x) / np.exp(x).sum(), "elu": np.where(x > 0, x, np.expm1(x)),
        "softplus": np.log1p(np.exp(x)), "softsign": x / (1 + np.abs(x)),
        "exponential": np.exp(x), "hard_sigmoid": np.clip(0.2 * x + 0.5, 0, 1),
        "swish": x / (1 + np.exp(-x)),
        "selu": 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    }
    for name, want in cases.items():
        f = activations.get(name)
        np.testing.assert_allclose(np.asarray(f(x)), want, rtol=1e-5, atol=1e-6, err_msg=name)
        assert activations.serialize(f) == name and activations.deserialize(name) is f
    np.testing.assert_allclose(activations.relu(x, alpha=0.1, max_value=2.0).numpy(),
                               [[-0.2, 0.0, 2.0]], rtol=1e-6)
    np.testing.assert_allclose(activations.relu(x, threshold=1.0).numpy(), [[0, 0, 3]])
    g = activations.gelu(x, approximate=True).numpy()
    assert g[0, 0] < 0 and abs(g[0, 2] - 3) < 0.01
    assert activations.get(None) is activations.linear and activations.get(tf.nn.relu) is tf.nn.relu
    with pytest.raises(ValueError, match="Unknown activation function: 'nope'"):
        activations.get("nope")
    with pytest.raises(ValueError, match="1D"):
        activations.softmax(tf.constant([1.0, 2.0]))


def test_regularizers():
    w = np.array([[1.0, -2.0]], "float32")
    np.testing.assert_allclose(regularizers.l1(0.1)(w).numpy(), 0.3, rtol=1e-6)
    np.testing.assert_allclose(regularizers.l2(0.1)(w).numpy(), 0.5, rtol=1e-6)
    np.testing.assert_allclose(regularizers.l1_l2(0.1, 0.1)(w).numpy(), 0.8, rtol=1e-6)
    np.testing.assert_allclose(regularizers.L1L2()(w).numpy(), 0.0)
    r = regularizers.get({"class_name": "L2", "config": {"l2": 0.5}})
    assert isinstance(r, regularizers.L2) and r.l2 == 0.5
    assert regularizers.get("l1").l1 == 0.01
    assert regularizers.serialize(regularizers.l1_l2()) == {"class_name": "L1L2",
                                                          "config": {"l1": 0.01, "l2": 0.01}}


def test_constraints():
    w = np.array([[3.0, 0.1], [4.0, -0.1]], "float32")
    np.testing.assert_allclose(constraints.max_norm(1.0)(w).numpy(),
                               [[0.6, 0.1], [0.8, -0.1]], rtol=1e-5)
    np.testing.assert_allclose(constraints.non_neg()(w).numpy(), [[3, 0.1], [4, 0]])
    u = constraints.unit_norm()(w).numpy()
    np.testing.assert_allclose(np.linalg.norm(u, axis=0), [1, 1], rtol=1e-5)
    mm = constraints.MinMaxNorm(min_value=1.0, max_value=2.0)(w).numpy()
    np.testing.assert_allclose(np.linalg.norm(mm, axis=0), [2.0, 1.0], rtol=1e-5)
    c = constraints.get({"class_name": "MaxNorm", "config": {"max_value": 3, "axis": 0}})
    assert isinstance(c, constraints.MaxNorm) and c.max_value == 3
    assert constraints.serialize(constraints.NonNeg())["class_name"] == "NonNeg"
