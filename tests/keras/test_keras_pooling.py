"""Keras pooling layers: harness checks, NumPy loop references, global pooling, aliases."""
import numpy as np
import pytest

from neuroflow.keras import layers
from keras_helpers import fresh_keras, run_layer_test  # noqa: F401


def _x(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32")


def ref_pool(x, k, s, padding, fn):
    """Loop reference on NHWC; with 'same' padding the windows cover only the valid pixels."""
    N, H, W, C = x.shape
    if padding == "same":
        Ho, Wo = -(-H // s[0]), -(-W // s[1])
        th = max((Ho - 1) * s[0] + k[0] - H, 0) // 2
        tw = max((Wo - 1) * s[1] + k[1] - W, 0) // 2
    else:
        Ho, Wo, th, tw = (H - k[0]) // s[0] + 1, (W - k[1]) // s[1] + 1, 0, 0
    y = np.zeros((N, Ho, Wo, C), x.dtype)
    for i in range(Ho):
        for j in range(Wo):
            r0, c0 = i * s[0] - th, j * s[1] - tw
            win = x[:, max(r0, 0):r0 + k[0], max(c0, 0):c0 + k[1]]
            y[:, i, j] = fn(win, axis=(1, 2))
    return y


@pytest.mark.parametrize("cls,fn", [(layers.MaxPooling2D, np.max),
                                    (layers.AveragePooling2D, np.mean)])
@pytest.mark.parametrize("pool,strides,padding", [
    ((2, 2), None, "valid"), (3, 2, "same"), ((3, 2), (1, 2), "valid"), (3, 1, "same")])
def test_pooling2d(cls, fn, pool, strides, padding):
    x = _x(2, 7, 6, 3)
    kw = {"pool_size": pool, "strides": strides, "padding": padding}
    k = pool if isinstance(pool, tuple) else (pool, pool)
    s = k if strides is None else (strides if isinstance(strides, tuple) else (strides,) * 2)
    ref = ref_pool(x, k, s, padding, fn)
    y = run_layer_test(cls, kw, x.shape, ref.shape, input_data=x, expected_num_weights=0)
    np.testing.assert_allclose(y, ref, rtol=1e-6, atol=1e-6)


def test_pooling2d_channels_first():
    x = _x(2, 6, 6, 3)
    for cls in (layers.MaxPooling2D, layers.AveragePooling2D):
        y = cls(data_format="channels_first")(x.transpose(0, 3, 1, 2)).numpy()
        np.testing.assert_allclose(y, cls()(x).numpy().transpose(0, 3, 1, 2), rtol=1e-6)


@pytest.mark.parametrize("cls,fn", [(layers.MaxPooling1D, np.max),
                                    (layers.AveragePooling1D, np.mean)])
def test_pooling1d(cls, fn):
    x = _x(2, 9, 4)
    same = {"pool_size": 3, "strides": 2, "padding": "same"}
    for kw, k, s, p in [({}, 2, 2, "valid"), (same, 3, 2, "same")]:
        ref = ref_pool(x[:, None], (1, k), (1, s), p, fn)[:, 0]
        y = run_layer_test(cls, kw, x.shape, ref.shape, input_data=x)
        np.testing.assert_allclose(y, ref, rtol=1e-6, atol=1e-6)


def test_global_pooling():
    x = _x(2, 4, 5, 3)
    y = run_layer_test(layers.GlobalAveragePooling2D, {}, x.shape, (2, 3), input_data=x)
    np.testing.assert_allclose(y, x.mean(axis=(1, 2)), rtol=1e-6)
    y = run_layer_test(layers.GlobalMaxPooling2D, {"keepdims": True}, x.shape, (2, 1, 1, 3),
                       input_data=x)
    np.testing.assert_allclose(y, x.max(axis=(1, 2), keepdims=True))
    y = layers.GlobalAveragePooling2D(data_format="channels_first")(x).numpy()
    np.testing.assert_allclose(y, x.mean(axis=(2, 3)), rtol=1e-6)
    x1 = _x(2, 6, 3)
    y = run_layer_test(layers.GlobalAveragePooling1D, {}, x1.shape, (2, 3), input_data=x1)
    np.testing.assert_allclose(y, x1.mean(axis=1), rtol=1e-6)
    y = run_layer_test(layers.GlobalMaxPooling1D, {}, x1.shape, (2, 3), input_data=x1)
    np.testing.assert_allclose(y, x1.max(axis=1))


def test_global_average_pooling1d_mask():
    x = _x(2, 4, 3)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    y = layers.GlobalAveragePooling1D()(x, mask=mask).numpy()
    np.testing.assert_allclose(y[0], x[0, :2].mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(y[1], x[1].mean(axis=0), rtol=1e-6)


def test_pooling_output_shape_and_config():
    layer = layers.MaxPooling2D(3, strides=2, padding="same")
    assert tuple(layer.compute_output_shape((None, 7, 8, 3)).as_list()) == (None, 4, 4, 3)
    cfg = layer.get_config()
    assert cfg["pool_size"] == (3, 3) and cfg["strides"] == (2, 2) and cfg["padding"] == "same"
    assert layers.MaxPooling2D.from_config(cfg).get_config() == cfg
    with pytest.raises(ValueError, match="padding"):
        layers.MaxPooling2D(padding="causal")
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.MaxPooling2D()(np.ones((2, 4, 4), np.float32))


def test_aliases():
    assert layers.MaxPool2D is layers.MaxPooling2D and layers.MaxPool1D is layers.MaxPooling1D
    assert layers.AvgPool2D is layers.AveragePooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalMaxPool2D is layers.GlobalMaxPooling2D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D
    assert layers.GlobalAvgPool2D is layers.GlobalAveragePooling2D
    assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D
    assert layers.MaxPool2D(2, 2)(np.ones((1, 4, 4, 1), np.float32)).shape == (1, 2, 2, 1)


def test_max_pooling_gradient_goes_to_the_maximum():
    import neuroflow as tf
    x = tf.constant(np.array([1, 5, 2, 3], np.float32).reshape(1, 2, 2, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layers.MaxPooling2D()(x)
    g = tape.gradient(y, x).numpy().ravel()
    np.testing.assert_array_equal(g, [0, 1, 0, 0])
