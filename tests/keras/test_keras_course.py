"""Issue 3's course programs, as learners type them, on real data (sized to stay fast).

The full runs (the sigmoid MLP for 10 epochs on all of MNIST: >= 0.85, the course shows 0.8807;
the ReLU MLP with Adam: >= 0.98) take minutes and are reported outside the test suite.
"""
import os

import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras.datasets import mnist
from neuroflow.keras.layers import Dense, Dropout
from neuroflow.keras.models import Sequential
from neuroflow.keras.optimizers import SGD, Adam
from neuroflow.keras.utils import to_categorical
from keras_helpers import fresh_keras  # noqa: F401


@pytest.fixture(autouse=True)
def unseeded_afterwards():
    """set_random_seed is process-wide: later tests get fresh random streams again."""
    yield
    tf.random.set_seed(None)



@pytest.fixture(scope="module")
def mnist_data():
    try:
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
    except (FileNotFoundError, OSError) as e:
        pytest.skip(f"MNIST is not available offline here: {e}")
    x_train = x_train.reshape(60000, 784).astype("float32") / 255
    x_test = x_test.reshape(10000, 784).astype("float32") / 255
    return x_train, y_train, x_test, y_test


def test_sigmoid_mlp_sgd_dropout_learns(mnist_data):
    """784-256-128-10, sigmoid, Dropout(0.5), SGD(0.01), batch 32 (a subset of the 10 epochs)."""
    x_train, y_train, x_test, y_test = mnist_data
    keras.utils.set_random_seed(1)
    y_train, y_test = to_categorical(y_train, 10), to_categorical(y_test, 10)
    model = Sequential()
    model.add(Dense(256, input_dim=784, activation="sigmoid"))
    model.add(Dense(128, activation="sigmoid"))
    model.add(Dropout(0.5))
    model.add(Dense(10, activation="softmax"))
    model.compile(optimizer=SGD(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["acc"])
    history = model.fit(x_train[:16000], y_train[:16000], batch_size=32, epochs=2, verbose=0,
                        validation_data=(x_test[:2000], y_test[:2000]))
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc"]
    loss, val_acc = history.history["loss"], history.history["val_acc"]
    val_loss = history.history["val_loss"]
    assert loss[1] < loss[0] and val_loss[1] < val_loss[0] < 2.3
    # sigmoid units with SGD(0.01) leave chance (0.1) slowly: ~0.47 after the first full epoch,
    # 0.88 after ten; 1,000 steps here
    assert val_acc[0] < val_acc[1] and val_acc[1] > 0.25
    score = model.evaluate(x_test[:2000], y_test[:2000], verbose=0)
    np.testing.assert_allclose(score, [history.history["val_loss"][1], val_acc[1]], rtol=1e-5)


def test_relu_mlp_adam_learns(mnist_data):
    """784-1024-512-512-10 with ReLU and Adam, batch 128 (a subset; the full run: >= 0.98)."""
    x_train, y_train, x_test, y_test = mnist_data
    keras.utils.set_random_seed(2)
    model = Sequential()
    model.add(Dense(1024, input_dim=784, activation="relu"))
    model.add(Dense(512, activation="relu"))
    model.add(Dense(512, activation="relu"))
    model.add(Dense(10, activation="softmax"))
    model.compile(optimizer=Adam(), loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train[:8000], to_categorical(y_train[:8000], 10), batch_size=128,
                        epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    pred = model.predict(x_test[:2000]).argmax(axis=1)
    assert np.mean(pred == y_test[:2000]) >= 0.88     # 125 steps; the full run: >= 0.98


def test_keras_and_gate():
    """Dense(2, softmax), Adam, 1000 epochs on the four inputs of AND: all classified."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    y = to_categorical([0, 0, 0, 1], 2)
    solved = 0
    for seed in range(3):   # a slow start is possible (one seed in ten in Keras as here)
        keras.backend.clear_session()
        keras.utils.set_random_seed(seed)
        model = Sequential([Dense(2, input_dim=2, activation="softmax")])
        model.compile(optimizer=Adam(), loss="categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, epochs=1000, verbose=0)
        assert len(history.history["loss"]) == 1000
        assert history.history["loss"][-1] < history.history["loss"][0]
        if (model.predict(x).argmax(axis=1) == [0, 0, 0, 1]).all():
            assert history.history["accuracy"][-1] == 1.0
            solved += 1
    assert solved >= 2


def load_iris():
    from neuroflow.loaders import dataset_roots
    paths = [os.path.join(r, "tabular", "iris", "iris.data") for r in dataset_roots()]
    paths = [p for p in paths if os.path.exists(p)]
    if not paths:
        pytest.skip("the Iris data (tabular/iris under $NEUROFLOW_DATASETS) is not here")
    rows = [line.strip().split(",") for line in open(paths[0]) if line.strip()]
    x = np.array([[float(v) for v in r[:4]] for r in rows], "float32")
    names = sorted({r[4] for r in rows})
    return x, np.array([names.index(r[4]) for r in rows]), names


def test_iris_mlp_10_20_10():
    x, y, names = load_iris()
    assert x.shape == (150, 4) and names == ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]
    # a stratified split: 40 of each class to train, 10 to test
    test = np.concatenate([np.where(y == c)[0][::5] for c in range(3)])
    train = np.setdiff1d(np.arange(150), test)
    keras.utils.set_random_seed(0)
    model = Sequential([Dense(10, input_dim=4, activation="relu"), Dense(20, activation="relu"),
                        Dense(10, activation="relu"), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x[train], to_categorical(y[train], 3), epochs=150, batch_size=8, verbose=0)
    loss, acc = model.evaluate(x[test], to_categorical(y[test], 3), verbose=0)
    assert acc >= 0.95, (loss, acc)
