"""keras.applications: Keras's parameter counts and layer names, one forward pass per model,
the head options, weights handling, preprocess_input and decode_predictions."""
import os

import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import _initializers, applications
from neuroflow.keras.applications import imagenet_utils
from keras_helpers import fresh_keras  # noqa: F401


@pytest.fixture
def cheap_init(monkeypatch):
    """Constant initial weights: VGG's 138M parameters would take seconds to draw at random."""
    monkeypatch.setattr(_initializers, "initial_value",
                        lambda init, shape, dtype: np.full(shape, 1e-3, dtype))


def _image(size, seed=0):
    return np.random.RandomState(seed).uniform(0, 255, (1, size, size, 3)).astype("float32")


def _counts(model):
    trainable = sum(int(np.prod(w.shape.as_list())) for w in model.trainable_weights)
    return model.count_params(), trainable


# (constructor, input size, total params, trainable params, len(model.layers), some layer names)
MODELS = [
    ("MobileNetV2", 224, 3538984, 3504872, 156,
     ["Conv1", "bn_Conv1", "expanded_conv_depthwise", "block_1_pad", "block_16_project_BN",
      "Conv_1_bn", "out_relu", "predictions"]),
    ("MobileNet", 224, 4253864, 4231976, 91,
     ["conv1", "conv_dw_1", "conv_pad_2", "conv_pw_13_relu", "conv_preds", "reshape_2",
      "predictions"]),
    ("ResNet50", 224, 25636712, 25583592, 177,
     ["conv1_pad", "conv1_conv", "pool1_pool", "conv2_block1_0_conv", "conv4_block6_out",
      "conv5_block3_add", "avg_pool", "predictions"]),
    ("InceptionV3", 299, 23851784, 23817352, 313,
     ["conv2d", "batch_normalization_93", "activation_93", "mixed0", "mixed9_1",
      "concatenate_1", "mixed10", "avg_pool", "predictions"]),
]


@pytest.mark.parametrize("name,size,total,trainable,n_layers,names", MODELS)
def test_model_matches_keras_and_predicts(name, size, total, trainable, n_layers, names):
    model = getattr(applications, name)(weights=None)
    assert _counts(model) == (total, trainable)
    assert len(model.layers) == n_layers
    have = {layer.name for layer in model.layers}
    assert set(names) <= have, set(names) - have
    assert model.input_shape == (None, size, size, 3) and model.output_shape == (None, 1000)
    y = model.predict(_image(size))
    assert y.shape == (1, 1000)
    np.testing.assert_allclose(y.sum(), 1.0, rtol=1e-5)


@pytest.mark.parametrize("name,total,n_layers,last", [
    ("VGG16", 138357544, 23, "block5_conv3"), ("VGG19", 143667240, 26, "block5_conv4")])
def test_vgg(cheap_init, name, total, n_layers, last):
    model = getattr(applications, name)(weights=None)
    assert _counts(model) == (total, total)
    assert len(model.layers) == n_layers
    assert [layer.name for layer in model.layers][-6:] == [last, "block5_pool", "flatten", "fc1",
                                                           "fc2", "predictions"]
    assert model.get_layer("block1_conv1").get_weights()[0].shape == (3, 3, 3, 64)
    assert model.predict(_image(224)).shape == (1, 1000)


def test_summary_table():
    model = applications.MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3),
                                     classes=10)
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert lines[0] == 'Model: "mobilenetv2_0.35_96"'
    assert "Conv1 (Conv2D)" in text and "(None, 48, 48, 16)" in text
    assert "block_1_pad (ZeroPadding2D)" in text and "Connected to" in text
    assert f"Total params: {model.count_params():,}" in text


def test_headless_models_and_pooling():
    m = applications.ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3),
                              pooling="avg")
    assert m.output_shape == (None, 2048) and m.layers[-1].name == "avg_pool"
    m = applications.MobileNet(weights=None, include_top=False, input_shape=(64, 64, 3),
                               alpha=0.25, pooling="max")
    assert m.output_shape == (None, 256) and m.name == "mobilenet_0.25_64"
    m = applications.MobileNetV2(weights=None, include_top=False, alpha=0.5)
    assert m.input_shape == (None, None, None, 3) and m.output_shape == (None, None, None, 1280)
    assert m.predict(_image(64)).shape == (1, 2, 2, 1280)
    m = applications.InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
    assert m.output_shape == (None, 1, 1, 2048)
    m = applications.MobileNetV2(weights=None, classes=5, input_shape=(96, 96, 3),
                                 classifier_activation=None)
    assert m.output_shape == (None, 5)


def test_input_tensor():
    inp = keras.Input(shape=(64, 64, 3))
    x = keras.layers.Lambda(lambda t: t * 2.0)(inp)
    m = applications.MobileNetV2(weights=None, include_top=False, input_tensor=x, pooling="avg")
    assert m.inputs[0] is inp or m.input is inp
    assert m.predict(_image(64)).shape == (1, 1280)


def test_transfer_learning_head_trains():
    base = applications.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3),
                                    alpha=0.35, pooling="avg")
    for layer in base.layers:
        layer.trainable = False
    out = keras.layers.Dense(2, activation="softmax")(base.output)
    model = keras.Model(base.input, out)
    assert len(model.trainable_weights) == 2
    model.compile("adam", "sparse_categorical_crossentropy")
    x = np.random.RandomState(0).uniform(0, 255, (8, 32, 32, 3)).astype("float32")
    frozen = base.get_weights()
    model.fit(applications.mobilenet_v2.preprocess_input(x), np.arange(8) % 2, epochs=1,
              verbose=0)
    for a, b in zip(frozen, base.get_weights()):
        np.testing.assert_array_equal(a, b)   # the moving statistics too: BN runs in inference


def test_weights_argument(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="`weights` argument should be either"):
        applications.MobileNetV2(weights="/no/such/file.h5")
    with pytest.raises(ValueError, match="classes` should be 1000"):
        applications.ResNet50(weights="imagenet", classes=10)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(ValueError, match="not available offline"):
        applications.MobileNetV2(weights="imagenet", include_top=False, alpha=0.35,
                                 input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="should be \\(224, 224, 3\\)"):
        applications.ResNet50(weights="imagenet", input_shape=(96, 96, 3))
    with pytest.raises(ValueError, match="at least 32x32"):
        applications.ResNet50(weights=None, include_top=False, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="static `input_shape`"):
        applications.VGG16(weights=None, input_shape=(None, None, 3))
    loaded = []
    monkeypatch.setattr(keras.Model, "load_weights", lambda self, p, *a, **k: loaded.append(p))
    path = tmp_path / "w.h5"
    path.write_bytes(b"")
    applications.MobileNetV2(weights=str(path), include_top=False, alpha=0.35,
                             input_shape=(32, 32, 3))
    cache = tmp_path / "models"
    cache.mkdir()
    (cache / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5").write_bytes(b"")
    applications.MobileNetV2(weights="imagenet", include_top=False, alpha=0.35)
    cached = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5"
    assert loaded == [str(path), str(cache / cached)]


# ------------------------------------------------------------------ preprocessing and decoding
def test_preprocess_input_modes():
    x = np.random.RandomState(0).uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    caffe = applications.vgg16.preprocess_input(x.copy())
    np.testing.assert_allclose(caffe, x[..., ::-1] - [103.939, 116.779, 123.68], rtol=1e-5)
    tfm = applications.mobilenet.preprocess_input(x.copy())
    np.testing.assert_allclose(tfm, x / 127.5 - 1, rtol=1e-5, atol=1e-6)
    torch = imagenet_utils.preprocess_input(x.copy(), mode="torch")
    np.testing.assert_allclose(torch, (x / 255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225],
                               rtol=1e-5, atol=1e-6)
    first = applications.resnet50.preprocess_input(x.transpose(0, 3, 1, 2).copy(),
                                                   data_format="channels_first")
    np.testing.assert_allclose(first, caffe.transpose(0, 3, 1, 2), rtol=1e-5)
    one = applications.vgg19.preprocess_input(x[0].copy())
    np.testing.assert_allclose(one, caffe[0], rtol=1e-5)
    ints = applications.inception_v3.preprocess_input(np.full((1, 2, 2, 3), 255, np.uint8))
    assert ints.dtype == np.float32 and np.all(ints == 1.0)
    for mode in ("caffe", "tf", "torch"):   # tensors give the same values
        t = imagenet_utils.preprocess_input(tf.constant(x), mode=mode)
        np.testing.assert_allclose(t.numpy(), imagenet_utils.preprocess_input(x.copy(), mode=mode),
                                   rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="mode"):
        imagenet_utils.preprocess_input(x, mode="keras")


def test_decode_predictions():
    preds = np.full((2, 1000), 1e-4, np.float32)
    preds[0, 0], preds[0, 1], preds[1, 999] = 0.7, 0.2, 0.9
    out = applications.resnet50.decode_predictions(preds, top=2)
    assert [r[:2] for r in out[0]] == [("n01440764", "tench"), ("n01443537", "goldfish")]
    assert out[0][0][2] == pytest.approx(0.7)
    assert out[1][0][:2] == ("n15075141", "toilet_tissue") and len(out[1]) == 2
    with pytest.raises(ValueError, match="expects a batch of predictions"):
        applications.vgg16.decode_predictions(np.zeros((1, 10)))
    assert os.path.exists(imagenet_utils.CLASS_INDEX_FILE)   # shipped with the package


def test_all_public_names():
    for mod, names in [("vgg16", ["VGG16"]), ("vgg19", ["VGG19"]), ("resnet50", ["ResNet50"]),
                       ("resnet", ["ResNet50", "ResNet101", "ResNet152"]),
                       ("inception_v3", ["InceptionV3"]), ("mobilenet", ["MobileNet"]),
                       ("mobilenet_v2", ["MobileNetV2"])]:
        m = getattr(applications, mod)
        for n in names + ["preprocess_input", "decode_predictions"]:
            assert callable(getattr(m, n)), (mod, n)
        assert getattr(applications, names[0]) is getattr(m, names[0])
    assert applications.ResNet101 is applications.resnet.ResNet101
    assert applications.ResNet152 is applications.resnet.ResNet152
