import os
import random

import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import backend as K
from neuroflow.keras import layers, utils
from keras_helpers import fresh_keras  # noqa: F401


def test_to_categorical_and_normalize():
    np.testing.assert_array_equal(utils.to_categorical([0, 2, 1]),
                                  [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    out = utils.to_categorical(np.array([[1], [3]]), num_classes=5)
    assert out.shape == (2, 5) and out.dtype == np.float32 and out[1, 3] == 1
    assert utils.np_utils.to_categorical([[0, 1], [1, 0]], 2).shape == (2, 2, 2)
    n = utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(n, [[0.6, 0.8], [0.0, 0.0]])
    np.testing.assert_allclose(utils.normalize([[1.0, 1.0]], order=1), [[0.5, 0.5]])


def test_set_random_seed_makes_models_reproducible():
    def weights():
        utils.set_random_seed(3)
        m = keras.Sequential([layers.Dense(4, input_dim=3)])
        return m.get_weights()[0], random.random(), np.random.rand()
    a, b = weights(), weights()
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1:] == b[1:]
    with pytest.raises(ValueError, match="Expected `seed` argument to be an integer"):
        utils.set_random_seed(1.5)


def test_sequence_iterates_batches():
    class S(utils.Sequence):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return i
    assert list(S()) == [0, 1]


def test_plot_model_writes_dot_without_graphviz(tmp_path, monkeypatch, capsys):
    import shutil
    monkeypatch.setattr(shutil, "which", lambda name: None)
    model = keras.Sequential([layers.Dense(3, input_dim=2, name="h"), layers.Dense(1, name="o")])
    utils.plot_model(model, to_file=str(tmp_path / "model.png"), show_shapes=True)
    dot = (tmp_path / "model.dot").read_text()
    assert dot.startswith("digraph G {") and "h: Dense" in dot and "->" in dot
    assert "graphviz" in capsys.readouterr().out
    assert "o: Dense" in utils.model_to_dot(model)


def test_print_summary_and_get_file(tmp_path, monkeypatch):
    lines = []
    utils.print_summary(keras.Sequential([layers.Dense(1, input_dim=2)]), print_fn=lines.append)
    assert lines[-4] == "Total params: 3"
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    os.makedirs(tmp_path / "datasets")
    (tmp_path / "datasets" / "f.txt").write_text("x")
    assert utils.get_file("f.txt", origin="http://x/f.txt").endswith("f.txt")
    with pytest.raises(FileNotFoundError, match="does not download"):
        utils.get_file("g.txt", origin="http://x/g.txt")


def test_custom_object_scope():
    class MyLayer(layers.Layer):
        pass
    with utils.custom_object_scope({"MyLayer": MyLayer}):
        assert utils.get_custom_objects()["MyLayer"] is MyLayer
    assert "MyLayer" not in utils.get_custom_objects()
    assert utils.serialize_keras_object(layers.Dense(2))["class_name"] == "Dense"


# ------------------------------------------------------------------ datasets (real files)
def test_mnist_and_fashion_mnist_load_data():
    (x, y), (xt, yt) = keras.datasets.mnist.load_data()
    assert x.shape == (60000, 28, 28) and x.dtype == np.uint8 and yt.shape == (10000,)
    assert list(y[:5]) == [5, 0, 4, 1, 9]
    (x, y), (xt, yt) = keras.datasets.fashion_mnist.load_data()
    assert x.shape == (60000, 28, 28) and list(y[:3]) == [9, 0, 0]


def test_boston_housing_split_as_keras():
    (x, y), (xt, yt) = keras.datasets.boston_housing.load_data()
    assert x.shape == (404, 13) and xt.shape == (102, 13)
    np.testing.assert_allclose(y[:5], [15.2, 42.3, 50.0, 21.1, 17.7])


def test_offline_datasets_say_so():
    for mod in (keras.datasets.imdb, keras.datasets.reuters, keras.datasets.cifar100):
        with pytest.raises(FileNotFoundError, match="not available offline"):
            mod.load_data()


def test_cifar10_records_layout(tmp_path, monkeypatch):
    import lzma
    rec = np.zeros((2, 3073), np.uint8)
    rec[:, 0] = [3, 7]
    rec[1, 1:1025] = 200        # red plane of the second image
    rec[1, 1025 + 5] = 9        # one green pixel: row 0, column 5
    folder = tmp_path / "cifar10"
    folder.mkdir()
    for name, n in (("train_50000.bin.xz", 2), ("test_10000.bin.xz", 2)):
        with lzma.open(folder / name, "wb") as f:
            f.write(rec[:n].tobytes())
    from neuroflow.keras.datasets import cifar10
    monkeypatch.setenv("NEUROFLOW_DATASETS", str(tmp_path))
    monkeypatch.setenv("NEUROFLOW_HOME", str(tmp_path / "home"))
    x, y = cifar10._records(str(folder / "train_50000.bin.xz"), 2)
    assert x.shape == (2, 32, 32, 3) and y.tolist() == [[3], [7]]
    assert x[1, :, :, 0].min() == 200 and x[1, 0, 5, 1] == 9 and x[1, 0, 4, 1] == 0
    x2, _ = cifar10._records(str(folder / "train_50000.bin.xz"), 2)   # from the decompressed cache
    np.testing.assert_array_equal(x, x2)
    assert (tmp_path / "home" / "datasets" / "cifar10" / "train_50000.bin").exists()


# ------------------------------------------------------------------ backend
def test_backend_configuration():
    assert K.floatx() == "float32" and K.epsilon() == 1e-7
    assert K.image_data_format() == "channels_last" and K.backend() == "tensorflow"
    K.set_epsilon(1e-5)
    assert K.epsilon() == 1e-5
    K.set_epsilon(1e-7)
    with pytest.raises(ValueError, match="Unknown `floatx` value"):
        K.set_floatx("int8")
    assert K.learning_phase() == 0
    with K.learning_phase_scope(1):
        assert K.learning_phase() == 1
        np.testing.assert_array_equal(
            layers.Dropout(0.5)(np.ones((1, 1000), "float32")).numpy().max() > 1, True)
    assert K.learning_phase() == 0


def test_backend_values_and_wrappers():
    v = K.variable([[1.0, 2.0]])
    assert v.dtype == tf.float32
    np.testing.assert_allclose(K.get_value(v), [[1.0, 2.0]])
    K.set_value(v, [[3.0, 4.0]])
    np.testing.assert_allclose(K.eval(v), [[3.0, 4.0]])
    with pytest.raises(ValueError, match="Cannot assign value of shape"):
        K.set_value(v, [1.0])
    x = K.constant([[1.0, -2.0], [3.0, 4.0]])
    assert K.int_shape(x) == (2, 2) and K.ndim(x) == 2 and K.dtype(x) == "float32"
    assert K.count_params(v) == 2
    checks = {
        "sum": (K.sum(x, axis=1), [-1.0, 7.0]), "mean": (K.mean(x), 1.5),
        "max": (K.max(x, axis=0), [3.0, 4.0]), "min": (K.min(x), -2.0),
        "prod": (K.prod(x), -24.0), "abs": (K.abs(x), [[1, 2], [3, 4]]),
        "square": (K.square(x), [[1, 4], [9, 16]]), "clip": (K.clip(x, 0.0, 3.0), [[1, 0], [3, 3]]),
        "argmax": (K.argmax(x), [0, 1]), "dot": (K.dot(x, x), [[-5, -10], [15, 10]]),
        "transpose": (K.transpose(x), [[1, 3], [-2, 4]]),
        "concatenate": (K.concatenate([x, x]), [[1, -2, 1, -2], [3, 4, 3, 4]]),
        "var": (K.var(x, axis=0), [1.0, 9.0]), "std": (K.std(x, axis=0), [1.0, 3.0]),
        "flatten": (K.flatten(x), [1, -2, 3, 4]), "relu": (K.relu(x), [[1, 0], [3, 4]]),
        "expand": (K.expand_dims(K.constant([1.0, 2.0])), [[1], [2]]),
        "l2": (K.l2_normalize(K.constant([3.0, 4.0]), axis=0), [0.6, 0.8]),
    }
    for name, (got, want) in checks.items():
        np.testing.assert_allclose(K.eval(got), want, rtol=1e-6, err_msg=name)
    np.testing.assert_allclose(K.eval(K.softmax(K.constant([[0.0, 0.0]]))), [[0.5, 0.5]])
    np.testing.assert_allclose(K.eval(K.sigmoid(K.constant(0.0))), 0.5)
    assert K.in_train_phase(1, 2, training=True) == 1 and K.in_test_phase(1, 2, training=True) == 2
    assert K.is_keras_tensor(keras.Input(shape=(2,))) and not K.is_keras_tensor(x)
    assert K.eval(K.zeros((2, 3))).shape == (2, 3) and K.eval(K.ones((1,)))[0] == 1
    np.testing.assert_allclose(K.eval(K.eye(2)), np.eye(2))
    ce = K.categorical_crossentropy(K.constant([[0.0, 1.0]]), K.constant([[0.5, 0.5]]))
    np.testing.assert_allclose(K.eval(ce), [np.log(2)], rtol=1e-5)


def test_backend_function_on_keras_tensors():
    x = keras.Input(shape=(3,))
    dense = layers.Dense(2)
    y = dense(x)
    f = K.function([x], [y])
    data = np.ones((4, 3), "float32")
    out = f([data])[0]
    W, b = dense.get_weights()
    np.testing.assert_allclose(out, data @ W + b, rtol=1e-6)
    model = keras.Model(x, y)
    get_hidden = K.function([model.input, K.learning_phase()], [model.layers[1].output])
    np.testing.assert_allclose(get_hidden([data, 0])[0], out)


def test_clear_session_resets_names():
    layers.Dense(1)
    K.clear_session()
    assert layers.Dense(1).name == "dense"
    assert keras.Input(shape=(1,)).op.name == "input_1"
