"""Keras 3-D layers: harness checks (shapes, weights, config, one training step), NumPy loop
references, channels first, errors, aliases, summary and a tiny Conv3D model that fits."""
import numpy as np
import pytest

from neuroflow import keras
from neuroflow.keras import layers
from keras_helpers import fresh_keras, run_layer_test  # noqa: F401


def _x(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32")


def _pads(n, k, s, padding):
    if padding == "valid":
        return (n - k) // s + 1, (0, 0)
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return out, (total // 2, total - total // 2)


def ref_conv3d(x, W, b, strides=(1, 1, 1), padding="valid"):
    """Loop over the output positions: x NDHWC, W [kd, kh, kw, C, O]."""
    k = W.shape[:3]
    geo = [_pads(n, kk, s, padding) for n, kk, s in zip(x.shape[1:4], k, strides)]
    xp = np.pad(x.astype(np.float64), [(0, 0)] + [g[1] for g in geo] + [(0, 0)])
    out = [g[0] for g in geo]
    y = np.zeros((x.shape[0], *out, W.shape[4]))
    for a in range(out[0]):
        for c in range(out[1]):
            for e in range(out[2]):
                win = xp[:, a * strides[0]:a * strides[0] + k[0],
                         c * strides[1]:c * strides[1] + k[1], e * strides[2]:e * strides[2] + k[2]]
                y[:, a, c, e] = np.tensordot(win, W, axes=4)
    return y + b


def ref_pool3d(x, k, s, padding, fn):
    geo = [_pads(n, kk, ss, padding) for n, kk, ss in zip(x.shape[1:4], k, s)]
    out = [g[0] for g in geo]
    y = np.zeros((x.shape[0], *out, x.shape[4]), x.dtype)
    for a in range(out[0]):
        for c in range(out[1]):
            for e in range(out[2]):
                r = [i * ss - g[1][0] for i, ss, g in zip((a, c, e), s, geo)]
                win = x[:, max(r[0], 0):r[0] + k[0], max(r[1], 0):r[1] + k[1],
                        max(r[2], 0):r[2] + k[2]]
                y[:, a, c, e] = fn(win, axis=(1, 2, 3))
    return y


# ------------------------------------------------------------------ Conv3D
@pytest.mark.parametrize("kwargs,in_shape,out_shape", [
    ({"filters": 3, "kernel_size": 2}, (2, 4, 5, 4, 2), (2, 3, 4, 3, 3)),
    ({"filters": 2, "kernel_size": (3, 2, 2), "strides": (1, 2, 2), "padding": "same",
      "activation": "relu"}, (2, 3, 5, 4, 2), (2, 3, 3, 2, 2)),
    ({"filters": 4, "kernel_size": 2, "dilation_rate": 2, "use_bias": False},
     (1, 4, 4, 5, 1), (1, 2, 2, 3, 4)),
    ({"filters": 4, "kernel_size": 2, "groups": 2, "activation": "tanh"},
     (2, 3, 3, 3, 4), (2, 2, 2, 2, 4)),
])
def test_conv3d_harness(kwargs, in_shape, out_shape):
    n_weights = 2 if kwargs.get("use_bias", True) else 1
    run_layer_test(layers.Conv3D, kwargs, in_shape, out_shape, expected_num_weights=n_weights,
                   expected_num_trainable=n_weights)


@pytest.mark.parametrize("strides,padding", [((1, 1, 1), "valid"), ((2, 1, 2), "same")])
def test_conv3d_matches_loop_reference(strides, padding):
    x = _x(2, 5, 4, 4, 3)
    layer = layers.Conv3D(4, (3, 2, 2), strides=strides, padding=padding,
                          bias_initializer="ones")
    y = layer(x).numpy()
    W, b = layer.get_weights()
    assert W.shape == (3, 2, 2, 3, 4) and b.shape == (4,)
    np.testing.assert_allclose(y, ref_conv3d(x, W, b, strides, padding), rtol=1e-5, atol=1e-5)


def test_conv3d_channels_first_equals_channels_last():
    x = _x(2, 4, 4, 5, 3)
    last = layers.Conv3D(2, 3, padding="same")
    y = last(x).numpy()
    first = layers.Conv3D(2, 3, padding="same", data_format="channels_first")
    first.build((None, 3, 4, 4, 5))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(first(x.transpose(0, 4, 1, 2, 3)).numpy().transpose(0, 2, 3, 4, 1),
                               y, rtol=1e-5, atol=1e-6)
    assert first.compute_output_shape((None, 3, 4, 4, 5)).as_list() == [None, 2, 4, 4, 5]


def test_conv3d_transpose():
    run_layer_test(layers.Conv3DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2,
                                            "padding": "same"}, (2, 2, 3, 2, 3), (2, 4, 6, 4, 2),
                   expected_num_weights=2)
    x = _x(1, 2, 2, 3, 2)
    layer = layers.Conv3DTranspose(3, (2, 3, 2), strides=(2, 1, 2), output_padding=(1, 0, 1))
    y = layer(x).numpy()
    W, b = layer.get_weights()
    assert W.shape == (2, 3, 2, 3, 2) and y.shape == (1, 5, 4, 7, 3)
    # the transposed convolution is the adjoint: <conv_t(x), g> == <x, conv(g)>
    g = _x(*y.shape, seed=1)
    conv_g = ref_conv3d(g, W, 0, (2, 1, 2))     # W [kd, kh, kw, filters, in]: conv's layout
    np.testing.assert_allclose(np.sum((y - b) * g), np.sum(x * conv_g), rtol=1e-4)
    assert layer.get_config()["output_padding"] == (1, 0, 1) and "groups" not in \
        layer.get_config()
    with pytest.raises(ValueError, match="Strides must be greater than output padding"):
        layers.Conv3DTranspose(2, 3, strides=2, output_padding=2)


def test_conv3d_weight_names_param_counts_and_summary(capsys):
    layer = layers.Conv3D(8, (3, 3, 3), name="block1_conv1")
    layer(_x(1, 5, 5, 5, 2))
    assert [w.name for w in layer.weights] == ["block1_conv1/kernel:0", "block1_conv1/bias:0"]
    assert layer.count_params() == 3 * 3 * 3 * 2 * 8 + 8
    model = keras.Sequential([
        layers.Conv3D(4, 3, activation="relu", input_shape=(6, 6, 6, 1)), layers.MaxPooling3D(),
        layers.Conv3DTranspose(2, 2, strides=2), layers.GlobalAveragePooling3D(),
        layers.Dense(2)])
    model.summary()
    out = capsys.readouterr().out
    for row in ["conv3d (Conv3D)", "(None, 4, 4, 4, 4)", "112", "max_pooling3d (MaxPooling3D)",
                "(None, 2, 2, 2, 4)", "conv3d_transpose (Conv3DTran", "(None, 4, 4, 4, 2)",
                "66", "(None, 2)", "Total params: 184"]:
        assert row in out, row


def test_tiny_conv3d_model_fits():
    rng = np.random.RandomState(0)
    x = rng.rand(32, 4, 6, 6, 1).astype("float32")
    y = (x[:, :2].mean(axis=(1, 2, 3, 4)) > x[:, 2:].mean(axis=(1, 2, 3, 4))).astype("float32")
    model = keras.Sequential([
        layers.Conv3D(4, 3, activation="relu", padding="same", input_shape=(4, 6, 6, 1)),
        layers.MaxPool3D((1, 2, 2)), layers.Conv3D(4, (2, 3, 3), activation="relu"),
        layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    before = model.evaluate(x, y, verbose=0)[0]
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    assert model.evaluate(x, y, verbose=0)[0] < before
    assert model.predict(x[:3], verbose=0).shape == (3, 1)


def test_conv3d_model_h5_round_trip(tmp_path):
    pytest.importorskip("h5py")
    model = keras.Sequential([layers.Conv3D(2, 2, input_shape=(3, 3, 3, 1)),
                              layers.AveragePooling3D(), layers.Flatten()])
    x = _x(2, 3, 3, 3, 1)
    model.save(str(tmp_path / "m.h5"))
    again = keras.models.load_model(str(tmp_path / "m.h5"))
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    assert [type(la).__name__ for la in again.layers] == ["Conv3D", "AveragePooling3D",
                                                          "Flatten"]


# ------------------------------------------------------------------ pooling
@pytest.mark.parametrize("cls,fn", [(layers.MaxPooling3D, np.max),
                                    (layers.AveragePooling3D, np.mean)])
@pytest.mark.parametrize("pool,strides,padding", [
    ((2, 2, 2), None, "valid"), (3, 2, "same"), ((2, 3, 2), (1, 2, 2), "valid")])
def test_pooling3d(cls, fn, pool, strides, padding):
    x = _x(2, 5, 6, 4, 2)
    k = pool if isinstance(pool, tuple) else (pool,) * 3
    s = k if strides is None else (strides if isinstance(strides, tuple) else (strides,) * 3)
    ref = ref_pool3d(x, k, s, padding, fn)
    kw = {"pool_size": pool, "strides": strides, "padding": padding}
    y = run_layer_test(cls, kw, x.shape, ref.shape, input_data=x, expected_num_weights=0)
    np.testing.assert_allclose(y, ref, rtol=1e-6, atol=1e-6)


def test_pooling3d_channels_first_and_defaults():
    x = _x(2, 4, 4, 6, 3)
    for cls in (layers.MaxPooling3D, layers.AveragePooling3D):
        y = cls(data_format="channels_first")(x.transpose(0, 4, 1, 2, 3)).numpy()
        np.testing.assert_allclose(y, cls()(x).numpy().transpose(0, 4, 1, 2, 3), rtol=1e-6)
    cfg = layers.MaxPooling3D().get_config()
    assert cfg["pool_size"] == (2, 2, 2) and cfg["strides"] == (2, 2, 2)
    assert cfg["padding"] == "valid" and cfg["data_format"] == "channels_last"


@pytest.mark.parametrize("cls,fn", [(layers.GlobalAveragePooling3D, np.mean),
                                    (layers.GlobalMaxPooling3D, np.max)])
def test_global_pooling3d(cls, fn):
    x = _x(2, 3, 4, 2, 5)
    y = run_layer_test(cls, {}, x.shape, (2, 5), input_data=x)
    np.testing.assert_allclose(y, fn(x, axis=(1, 2, 3)), rtol=1e-6, atol=1e-6)
    kept = run_layer_test(cls, {"keepdims": True}, x.shape, (2, 1, 1, 1, 5), input_data=x)
    np.testing.assert_allclose(kept[:, 0, 0, 0], y, rtol=1e-6)
    first = cls(data_format="channels_first")(x.transpose(0, 4, 1, 2, 3)).numpy()
    np.testing.assert_allclose(first, y, rtol=1e-6, atol=1e-6)


# ------------------------------------------------------------------ upsampling, padding, cropping
def test_upsampling3d():
    x = _x(2, 2, 3, 2, 2)
    y = run_layer_test(layers.UpSampling3D, {"size": (2, 1, 3)}, x.shape, (2, 4, 3, 6, 2),
                       input_data=x)
    np.testing.assert_array_equal(y, x.repeat(2, axis=1).repeat(3, axis=3))
    assert layers.UpSampling3D().get_config()["size"] == (2, 2, 2)
    assert "interpolation" not in layers.UpSampling3D().get_config()


def test_zero_padding3d():
    x = _x(2, 2, 3, 2, 2)
    y = run_layer_test(layers.ZeroPadding3D, {"padding": ((1, 0), (0, 2), (1, 1))}, x.shape,
                       (2, 3, 5, 4, 2), input_data=x)
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), (1, 0), (0, 2), (1, 1), (0, 0))))
    assert layers.ZeroPadding3D()(x).shape == (2, 4, 5, 4, 2)
    assert layers.ZeroPadding3D((1, 2, 0))(x).shape == (2, 4, 7, 2, 2)


def test_cropping3d():
    x = _x(2, 4, 5, 4, 2)
    y = run_layer_test(layers.Cropping3D, {"cropping": ((1, 0), (1, 2), (0, 1))}, x.shape,
                       (2, 3, 2, 3, 2), input_data=x)
    np.testing.assert_array_equal(y, x[:, 1:, 1:3, :3])
    np.testing.assert_array_equal(layers.Cropping3D()(x).numpy(), x[:, 1:-1, 1:-1, 1:-1])
    with pytest.raises(ValueError, match="cropping"):
        layers.Cropping3D(2)(x)


# ------------------------------------------------------------------ errors, aliases, module paths
def test_argument_errors():
    with pytest.raises(ValueError, match="`kernel_size` argument must be a tuple of 3"):
        layers.Conv3D(2, (3, 3))
    with pytest.raises(ValueError, match="dilation_rate > 1"):
        layers.Conv3D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="<= 0"):
        layers.Conv3D(2, 5)(np.ones((1, 3, 3, 3, 1), np.float32))
    with pytest.raises(ValueError, match="expected ndim=5"):
        layers.Conv3D(2, 3)(np.ones((1, 3, 3, 1), np.float32))
    with pytest.raises(ValueError, match="`pool_size` argument must be a tuple of 3"):
        layers.MaxPooling3D((2, 2))


def test_aliases_and_keras2_module_paths():
    assert layers.Convolution3D is layers.Conv3D
    assert layers.Convolution3DTranspose is layers.Conv3DTranspose
    assert layers.MaxPool3D is layers.MaxPooling3D and layers.AvgPool3D is layers.AveragePooling3D
    assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D
    assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D
    assert layers.convolutional.Conv3D is layers.Conv3D
    assert layers.convolutional.ZeroPadding3D is layers.ZeroPadding3D
    assert layers.pooling.MaxPooling3D is layers.MaxPooling3D
    conf = layers.serialize(layers.Convolution3D(3, 2))
    assert conf["class_name"] == "Conv3D"
    assert keras.layers.deserialize(conf).kernel_size == (2, 2, 2)
