"""Keras convolution and reshaping layers: harness, NumPy loop references, errors, aliases."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import layers
from keras_helpers import fresh_keras, run_layer_test  # noqa: F401


# ------------------------------------------------------------------ NumPy references
def _same_pads(n, k, s, d=1):
    eff = (k - 1) * d + 1
    out = -(-n // s)
    total = max((out - 1) * s + eff - n, 0)
    return total // 2, total - total // 2


def ref_conv2d(x, W, b=None, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """Loop reference: x NHWC, W [kh, kw, C, O]."""
    kh, kw, C, n_out = W.shape
    if padding == "same":
        ph, pw = _same_pads(x.shape[1], kh, strides[0], dilation[0]), \
            _same_pads(x.shape[2], kw, strides[1], dilation[1])
        x = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    N, H, Wd, _ = x.shape
    eh, ew = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    Ho, Wo = (H - eh) // strides[0] + 1, (Wd - ew) // strides[1] + 1
    y = np.zeros((N, Ho, Wo, n_out), np.float64)
    for i in range(Ho):
        for j in range(Wo):
            for a in range(kh):
                for c in range(kw):
                    r, q = i * strides[0] + a * dilation[0], j * strides[1] + c * dilation[1]
                    y[:, i, j, :] += x[:, r, q, :] @ W[a, c]
    return y + (0 if b is None else b)


def ref_depthwise(x, W, strides=(1, 1), padding="valid"):
    kh, kw, C, M = W.shape
    outs = [ref_conv2d(x[..., c:c + 1], W[:, :, c:c + 1, :], strides=strides, padding=padding)
            for c in range(C)]
    return np.concatenate(outs, axis=-1)


def ref_conv_transpose(x, W, strides):
    """Scatter reference of a VALID transposed convolution: W [kh, kw, O, C]."""
    kh, kw, n_out, C = W.shape
    N, H, Wd, _ = x.shape
    full = np.zeros((N, (H - 1) * strides[0] + kh, (Wd - 1) * strides[1] + kw, n_out))
    for i in range(H):
        for j in range(Wd):
            for a in range(kh):
                for c in range(kw):
                    full[:, i * strides[0] + a, j * strides[1] + c, :] += x[:, i, j, :] @ W[a, c].T
    return full


def _x(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype("float32")


# ------------------------------------------------------------------ harness
@pytest.mark.parametrize("kwargs,in_shape,out_shape", [
    ({"filters": 4, "kernel_size": 3}, (2, 7, 7, 3), (2, 5, 5, 4)),
    ({"filters": 4, "kernel_size": (3, 2), "strides": 2, "padding": "same", "activation": "relu"},
     (2, 7, 8, 3), (2, 4, 4, 4)),
    ({"filters": 2, "kernel_size": 3, "dilation_rate": 2, "use_bias": False}, (2, 8, 8, 1),
     (2, 4, 4, 2)),
    ({"filters": 4, "kernel_size": 3, "data_format": "channels_first", "padding": "same"},
     (2, 3, 6, 6), (2, 4, 6, 6)),
    ({"filters": 6, "kernel_size": 1, "groups": 3}, (2, 4, 4, 3), (2, 4, 4, 6)),
])
def test_conv2d_harness(kwargs, in_shape, out_shape):
    n = 1 if kwargs.get("use_bias") is False else 2
    run_layer_test(layers.Conv2D, kwargs, in_shape, out_shape, expected_num_weights=n,
                   expected_num_trainable=n)


def test_conv2d_matches_loop_reference():
    x = _x(2, 7, 6, 3)
    for kw in [dict(strides=(1, 1), padding="valid"), dict(strides=(2, 2), padding="same"),
               dict(strides=(3, 2), padding="same"),
               dict(strides=(1, 1), padding="same", dilation_rate=(2, 1))]:
        layer = layers.Conv2D(4, (3, 2), bias_initializer="glorot_uniform", **kw)
        y = layer(x).numpy()
        W, b = layer.get_weights()
        assert W.shape == (3, 2, 3, 4) and b.shape == (4,)   # HWIO, as Keras
        ref = ref_conv2d(x, W, b, kw["strides"], kw["padding"], kw.get("dilation_rate", (1, 1)))
        np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5)
        for act in ("relu", tf.nn.relu, "tanh"):   # relu runs fused into the convolution op
            other = layers.Conv2D(4, (3, 2), activation=act, **kw)
            other(x)
            other.set_weights([W, b])
            fn = np.tanh if act == "tanh" else (lambda v: np.maximum(v, 0))
            np.testing.assert_allclose(other(x).numpy(), fn(ref), rtol=1e-5, atol=1e-5)


def test_conv2d_course_worked_example():
    # 5x5 input, 3x3 filter, zero padding 1, stride 2 -> 3x3 output ((5 - 3 + 2) / 2 + 1)
    x = np.arange(25, dtype="float32").reshape(1, 5, 5, 1)
    y = keras.Sequential([layers.ZeroPadding2D(1, input_shape=(5, 5, 1)),
                          layers.Conv2D(1, 3, strides=2, kernel_initializer="ones")])(x).numpy()
    assert y.shape == (1, 3, 3, 1)
    assert y[0, 0, 0, 0] == 0 + 1 + 5 + 6   # the top-left window covers the padding
    assert y[0, 1, 1, 0] == sum([6, 7, 8, 11, 12, 13, 16, 17, 18])


def test_conv2d_channels_first_equals_channels_last():
    x = _x(2, 6, 6, 3)
    last = layers.Conv2D(4, 3, padding="same", strides=2)
    y_last = last(x).numpy()
    first = layers.Conv2D(4, 3, padding="same", strides=2, data_format="channels_first")
    first(x.transpose(0, 3, 1, 2))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(first(x.transpose(0, 3, 1, 2)).numpy(),
                               y_last.transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-6)


def test_conv2d_groups_equal_split_convolutions():
    x = _x(1, 5, 5, 4)
    layer = layers.Conv2D(6, 3, groups=2, use_bias=False)
    y = layer(x).numpy()
    W = layer.get_weights()[0]
    assert W.shape == (3, 3, 2, 6)
    ref = np.concatenate([ref_conv2d(x[..., :2], W[..., :3]), ref_conv2d(x[..., 2:], W[..., 3:])],
                         axis=-1)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5)


def test_conv1d():
    run_layer_test(layers.Conv1D, {"filters": 3, "kernel_size": 2}, (2, 6, 4), (2, 5, 3),
                   expected_num_weights=2)
    run_layer_test(layers.Conv1D, {"filters": 3, "kernel_size": 3, "padding": "causal",
                                   "dilation_rate": 2}, (2, 6, 4), (2, 6, 3))
    x = _x(2, 7, 3)
    layer = layers.Conv1D(2, 3, strides=2)
    y = layer(x).numpy()
    W, b = layer.get_weights()
    assert W.shape == (3, 3, 2)
    ref = ref_conv2d(x[:, None], W[None], b, (1, 2))[:, 0]
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5)


def test_conv1d_causal_sees_only_the_past():
    layer = layers.Conv1D(1, 3, padding="causal", kernel_initializer="ones", use_bias=False)
    x = np.zeros((1, 6, 1), np.float32)
    x[0, 3, 0] = 1.0
    y = layer(x).numpy()[0, :, 0]
    np.testing.assert_array_equal(y, [0, 0, 0, 1, 1, 1])


def test_conv2d_transpose():
    run_layer_test(layers.Conv2DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2,
                                            "padding": "same"}, (2, 4, 4, 2), (2, 8, 8, 3),
                   expected_num_weights=2)
    run_layer_test(layers.Conv2DTranspose, {"filters": 3, "kernel_size": 3, "strides": 2},
                   (2, 4, 5, 2), (2, 9, 11, 3))
    run_layer_test(layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2,
                                            "output_padding": 1}, (1, 3, 3, 2), (1, 8, 8, 2))


def test_conv2d_transpose_matches_scatter_reference():
    x = _x(2, 3, 4, 2)
    layer = layers.Conv2DTranspose(3, (3, 2), strides=(2, 1), use_bias=False)
    y = layer(x).numpy()
    W = layer.get_weights()[0]
    assert W.shape == (3, 2, 3, 2)   # [kh, kw, filters, in_channels], as Keras
    np.testing.assert_allclose(y, ref_conv_transpose(x, W, (2, 1)), rtol=1e-5, atol=1e-5)


def test_depthwise_conv2d():
    run_layer_test(layers.DepthwiseConv2D, {"kernel_size": 3, "depth_multiplier": 2},
                   (2, 5, 5, 3), (2, 3, 3, 6), expected_num_weights=2)
    run_layer_test(layers.DepthwiseConv2D, {"kernel_size": 3, "strides": 2, "padding": "same",
                                            "use_bias": False}, (2, 6, 6, 2), (2, 3, 3, 2),
                   expected_num_weights=1)
    x = _x(1, 6, 5, 2)
    layer = layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2,
                                   use_bias=False)
    y = layer(x).numpy()
    W = layer.get_weights()[0]
    assert layer.weights[0].name.endswith("depthwise_kernel:0") and W.shape == (3, 3, 2, 2)
    np.testing.assert_allclose(y, ref_depthwise(x, W, (2, 2), "same"), rtol=1e-5, atol=1e-5)


def test_separable_conv():
    run_layer_test(layers.SeparableConv2D, {"filters": 4, "kernel_size": 3, "padding": "same",
                                            "activation": "relu"}, (2, 5, 5, 3), (2, 5, 5, 4),
                   expected_num_weights=3)
    run_layer_test(layers.SeparableConv1D, {"filters": 4, "kernel_size": 2}, (2, 5, 3),
                   (2, 4, 4))
    x = _x(1, 5, 5, 2)
    layer = layers.SeparableConv2D(3, 3, depth_multiplier=2)
    y = layer(x).numpy()
    dw, pw, b = layer.get_weights()
    assert dw.shape == (3, 3, 2, 2) and pw.shape == (1, 1, 4, 3) and b.shape == (3,)
    assert [w.name.split("/")[-1] for w in layer.weights] == \
        ["depthwise_kernel:0", "pointwise_kernel:0", "bias:0"]
    np.testing.assert_allclose(y, ref_conv2d(ref_depthwise(x, dw), pw, b), rtol=1e-5, atol=1e-5)


def test_conv_weight_names_and_param_counts():
    layer = layers.Conv2D(32, (3, 3), name="block1_conv1")
    layer(_x(1, 8, 8, 3))
    assert [w.name for w in layer.weights] == ["block1_conv1/kernel:0", "block1_conv1/bias:0"]
    assert layer.count_params() == 3 * 3 * 3 * 32 + 32


# ------------------------------------------------------------------ padding, cropping, upsampling
def test_zero_padding():
    x = _x(2, 3, 4, 2)
    y = run_layer_test(layers.ZeroPadding2D, {"padding": ((1, 2), (3, 0))}, input_data=x,
                       input_shape=x.shape, expected_output_shape=(2, 6, 7, 2))
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), (1, 2), (3, 0), (0, 0))))
    assert layers.ZeroPadding2D(2)(x).shape == (2, 7, 8, 2)
    assert layers.ZeroPadding2D((1, 2))(x).shape == (2, 5, 8, 2)
    y = layers.ZeroPadding2D(1, data_format="channels_first")(x).numpy()
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))))
    x1 = _x(2, 3, 4)
    y = run_layer_test(layers.ZeroPadding1D, {"padding": (2, 1)}, input_data=x1,
                       input_shape=x1.shape, expected_output_shape=(2, 6, 4))
    np.testing.assert_array_equal(y, np.pad(x1, ((0, 0), (2, 1), (0, 0))))


def test_cropping():
    x = _x(2, 6, 5, 2)
    y = run_layer_test(layers.Cropping2D, {"cropping": ((1, 2), (0, 1))}, input_data=x,
                       input_shape=x.shape, expected_output_shape=(2, 3, 4, 2))
    np.testing.assert_array_equal(y, x[:, 1:4, 0:4])
    np.testing.assert_array_equal(layers.Cropping2D(1)(x).numpy(), x[:, 1:-1, 1:-1])
    x1 = _x(2, 6, 3)
    y = run_layer_test(layers.Cropping1D, {"cropping": (1, 2)}, input_data=x1,
                       input_shape=x1.shape, expected_output_shape=(2, 3, 3))
    np.testing.assert_array_equal(y, x1[:, 1:4])
    with pytest.raises(ValueError, match="cropping"):
        layers.Cropping2D(3)(x)


def test_upsampling():
    x = _x(2, 3, 2, 2)
    y = run_layer_test(layers.UpSampling2D, {"size": (2, 3)}, input_data=x, input_shape=x.shape,
                       expected_output_shape=(2, 6, 6, 2))
    np.testing.assert_array_equal(y, x.repeat(2, axis=1).repeat(3, axis=2))
    x1 = _x(2, 3, 4)
    y = run_layer_test(layers.UpSampling1D, {"size": 2}, input_data=x1, input_shape=x1.shape,
                       expected_output_shape=(2, 6, 4))
    np.testing.assert_array_equal(y, x1.repeat(2, axis=1))


def test_upsampling_bilinear_half_pixel_centres():
    x = np.array([0.0, 1.0, 3.0], np.float32).reshape(1, 3, 1, 1)
    y = layers.UpSampling2D((2, 1), interpolation="bilinear")(x).numpy().ravel()
    # output pixel i samples the input at (i + 0.5) / 2 - 0.5, clamped to the edges
    np.testing.assert_allclose(y, [0.0, 0.25, 0.75, 1.5, 2.5, 3.0])


# ------------------------------------------------------------------ errors and aliases
def test_argument_errors():
    with pytest.raises(ValueError, match="strictly positive"):
        layers.Conv2D(0, 3)
    with pytest.raises(ValueError, match="`kernel_size` argument must be a tuple of 2"):
        layers.Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match="Causal|causal"):
        layers.Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="dilation_rate > 1"):
        layers.Conv2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="data_format"):
        layers.Conv2D(2, 3, data_format="NHWC")
    with pytest.raises(ValueError, match="divisible"):
        layers.Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match="<= 0"):
        layers.Conv2D(2, 5)(np.ones((1, 3, 3, 1), np.float32))
    with pytest.raises(ValueError, match="expected ndim=4"):
        layers.Conv2D(2, 3)(np.ones((3, 3, 1), np.float32))


def test_aliases():
    assert layers.Convolution2D is layers.Conv2D and layers.Convolution1D is layers.Conv1D
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
    assert layers.SeparableConvolution1D is layers.SeparableConv1D
    assert keras.layers.deserialize({"class_name": "Conv2D", "config": layers.Conv2D(
        3, 2).get_config()}).filters == 3


def test_lenet_trains_on_tiny_data():
    rng = np.random.RandomState(0)
    x = rng.rand(32, 12, 12, 1).astype("float32")
    y = (x[:, :6].mean(axis=(1, 2, 3)) > x[:, 6:].mean(axis=(1, 2, 3))).astype("float32")
    model = keras.Sequential([
        layers.Conv2D(4, 3, activation="relu", padding="same", input_shape=(12, 12, 1)),
        layers.MaxPooling2D(), layers.Conv2D(4, 3, activation="relu"), layers.Flatten(),
        layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    before = model.evaluate(x, y, verbose=0)[0]
    model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0)[0] < before


def _example(name):
    import importlib.util
    import os
    path = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "cnn", name + ".py")
    spec = importlib.util.spec_from_file_location("example_" + name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_cnn_examples_build_and_step():
    rng = np.random.RandomState(0)
    cases = [(_example("mnist_cnn").build_model(), (28, 28, 1), 10, 824458),
             (_example("lenet5").lenet5(), (28, 28, 1), 10, 61706),
             (_example("inception_module").build_model(), (28, 28, 1), 10, None),
             (_example("alexnet_style").alexnet_style(), (32, 32, 3), 10, None)]
    for model, shape, classes, params in cases:
        if params is not None:
            assert model.count_params() == params
        x = rng.rand(4, *shape).astype("float32")
        y = np.arange(4) % classes
        model.compile("sgd", "sparse_categorical_crossentropy")
        before = [w.copy() for w in model.get_weights()]
        model.train_on_batch(x, y)
        assert model.predict(x).shape == (4, classes)
        assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    model = _example("inception_module").build_model()
    out = model.get_layer("inception_3a_output").output_shape
    assert out == (None, 14, 14, 16 + 32 + 8 + 8)
