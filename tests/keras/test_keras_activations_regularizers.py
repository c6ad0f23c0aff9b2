"""keras.activations, keras.regularizers and keras.constraints."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow.keras import activations, constraints, regularizers
from keras_helpers import fresh_keras  # noqa: F401


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
    want = {"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.01}}
    assert regularizers.serialize(regularizers.l1_l2()) == want


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
