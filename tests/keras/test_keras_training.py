import io
import re
import sys

import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import layers
from neuroflow.keras.models import Sequential
from keras_helpers import fresh_keras  # noqa: F401

BAR = r"\d+/\d+ \[=+\] - \d+s \d+(us|ms|s)/step"


def blobs(n=200, seed=0, classes=3):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, classes, n)
    centers = rng.randn(classes, 4) * 3
    x = (centers[y] + rng.randn(n, 4)).astype("float32")
    return x, y


def softmax_model(classes=3, **compile_kw):
    model = Sequential([layers.Dense(16, input_dim=4, activation="relu"),
                        layers.Dense(classes, activation="softmax")])
    kw = dict(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
              metrics=["acc"])
    kw.update(compile_kw)
    model.compile(**kw)
    return model


# ------------------------------------------------------------------ course programs (real MNIST)
def mnist_subset(n_train=6000, n_test=2000):
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train[:n_train].reshape(n_train, 784).astype("float32") / 255
    x_test = x_test[:n_test].reshape(n_test, 784).astype("float32") / 255
    return (x_train, keras.utils.to_categorical(y_train[:n_train], 10),
            x_test, keras.utils.to_categorical(y_test[:n_test], 10))


def test_course_sigmoid_mlp_learns_on_mnist(capsys):
    np.random.seed(0)
    x_train, y_train, x_test, y_test = mnist_subset()
    model = Sequential()
    model.add(layers.Dense(256, input_dim=784, activation="sigmoid"))
    model.add(layers.Dense(128, activation="sigmoid"))
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  loss="categorical_crossentropy", metrics=["acc"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=3,
                        validation_data=(x_test, y_test))
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc"]
    loss, val_acc = history.history["loss"], history.history["val_acc"]
    assert loss[2] < loss[1] < loss[0] < 2.6
    # sigmoid + SGD(0.01) starts slowly: chance is 0.1; the 10-epoch, 60k run (>= 0.85) is in bench/
    assert val_acc[2] > 0.2
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Epoch 1/3" and out[2] == "Epoch 2/3" and len(out) == 6
    assert re.fullmatch(r"188/188 \[==============================\] - \d+s \d+(us|ms)/step - "
                        r"loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - "
                        r"val_acc: \d\.\d{4}", out[1]), out[1]
    score = model.evaluate(x_test, y_test, verbose=0)
    assert isinstance(score, list) and abs(score[1] - val_acc[2]) < 1e-6


def test_keras_and_gate():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    y = keras.utils.to_categorical([0, 0, 0, 1], 2)
    model = Sequential([layers.Dense(2, input_dim=2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=1000, verbose=0)
    assert len(history.history["loss"]) == 1000 and history.epoch[-1] == 999
    np.testing.assert_array_equal(model.predict(x).argmax(axis=1), [0, 0, 0, 1])
    np.testing.assert_array_equal(model.predict_classes(x), [0, 0, 0, 1])
    assert history.history["accuracy"][-1] == 1.0


# ------------------------------------------------------------------ history, evaluate, predict
def test_history_keys_follow_metric_names():
    x, y = blobs()
    yc = keras.utils.to_categorical(y, 3)
    for metrics, keys in ((["acc"], ["loss", "acc"]), (["accuracy"], ["loss", "accuracy"]),
                          (["accuracy", "mse"], ["loss", "accuracy", "mse"]),
                          ([keras.metrics.categorical_accuracy], ["loss", "categorical_accuracy"]),
                          (None, ["loss"])):
        model = softmax_model(metrics=metrics)
        h = model.fit(x, yc, epochs=2, validation_split=0.25, verbose=0)
        assert list(h.history) == keys + ["val_" + k for k in keys]
        assert model.metrics_names == keys
        assert h.params == {"verbose": 0, "epochs": 2, "steps": 5}
        assert all(len(v) == 2 for v in h.history.values())


def test_evaluate_returns_scalar_or_list():
    x, y = blobs()
    yc = keras.utils.to_categorical(y, 3)
    model = softmax_model(metrics=None)
    loss = model.evaluate(x, yc, verbose=0)
    assert isinstance(loss, float)
    model = softmax_model()
    res = model.evaluate(x, yc, verbose=0)
    assert isinstance(res, list) and len(res) == 2
    d = model.evaluate(x, yc, verbose=0, return_dict=True)
    assert list(d) == ["loss", "acc"]
    p = model.predict(x)
    ce = -np.mean(np.sum(yc * np.log(p), axis=1))
    np.testing.assert_allclose(res[0], ce, rtol=1e-4)
    np.testing.assert_allclose(res[1], np.mean(p.argmax(1) == y))


def test_predict_in_batches_matches_single_batch():
    x, _ = blobs(53)
    model = softmax_model()
    a = model.predict(x, batch_size=7)
    b = model.predict(x, batch_size=100)
    assert a.shape == (53, 3) and a.dtype == np.float32
    np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x), b, rtol=1e-6)
    np.testing.assert_allclose(model(x).numpy(), b, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(model.predict_proba(x), b)


def test_train_and_test_on_batch():
    x, y = blobs(64)
    yc = keras.utils.to_categorical(y, 3)
    model = softmax_model()
    before = model.test_on_batch(x, yc)
    r = model.train_on_batch(x, yc)
    assert isinstance(r, list) and len(r) == 2
    np.testing.assert_allclose(r, before, rtol=1e-6)   # the loss before this step's update
    after = model.test_on_batch(x, yc)
    assert after[0] < before[0]
    assert model.train_on_batch(x, yc, return_dict=True).keys() == {"loss", "acc"}


def test_trained_weights_are_seen_by_eager_code():
    x, y = blobs()
    model = softmax_model()
    k0 = model.layers[0].kernel.numpy()
    model.fit(x, keras.utils.to_categorical(y, 3), epochs=1, verbose=0)
    k1 = model.layers[0].kernel.numpy()
    assert not np.allclose(k0, k1)
    np.testing.assert_allclose(model.get_weights()[0], k1)
    out = tf.matmul(x[:2], model.layers[0].kernel) + model.layers[0].bias
    np.testing.assert_allclose(out.numpy(), x[:2] @ k1 + model.get_weights()[1], rtol=1e-5)


def test_keras_defaults_batch_32_one_epoch():
    x, y = blobs(100)
    model = softmax_model()
    h = model.fit(x, keras.utils.to_categorical(y, 3), verbose=0)
    assert h.params["steps"] == 4 and h.params["epochs"] == 1 and len(h.epoch) == 1


def test_validation_split_takes_the_last_samples():
    x, y = blobs(100)
    yc = keras.utils.to_categorical(y, 3)
    model = softmax_model()
    seen = []

    class Record(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(self.model.evaluate(x[80:], yc[80:], verbose=0))
    h = model.fit(x, yc, epochs=1, validation_split=0.2, callbacks=[Record()], verbose=0)
    np.testing.assert_allclose(h.history["val_loss"][0], seen[0][0], rtol=1e-6)
    assert h.params["steps"] == 3   # 80 training samples


def test_accuracy_resolution_binary_categorical_sparse():
    x, y = blobs(120, classes=2)
    bin_model = Sequential([layers.Dense(1, input_dim=4, activation="sigmoid")])
    bin_model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    _, acc = bin_model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(acc, np.mean((bin_model.predict(x)[:, 0] > 0.5) == y))
    sparse = softmax_model(2, loss="sparse_categorical_crossentropy")
    loss, acc = sparse.evaluate(x, y, verbose=0)
    p = sparse.predict(x)
    np.testing.assert_allclose(acc, np.mean(p.argmax(1) == y))
    np.testing.assert_allclose(loss, -np.mean(np.log(p[np.arange(len(y)), y])), rtol=1e-4)
    h = sparse.fit(x, y.reshape(-1, 1), epochs=1, verbose=0)
    assert "acc" in h.history


def test_losses_from_softmax_logits_are_stable():
    # a saturated softmax output: the fused logits path keeps the loss finite and exact
    model = Sequential([layers.Dense(2, input_dim=1, activation="softmax",
                                     kernel_initializer="ones", bias_initializer="zeros")])
    model.compile("sgd", "categorical_crossentropy")
    loss = model.evaluate(np.array([[100.0]]), np.array([[0.0, 1.0]]), verbose=0)
    assert loss == 0.0 or np.isfinite(loss)
    model.set_weights([np.array([[100.0, -100.0]]), np.zeros(2)])
    loss = model.evaluate(np.array([[1.0]]), np.array([[0.0, 1.0]]), verbose=0)
    np.testing.assert_allclose(loss, 200.0, rtol=1e-5)   # clipping would give -log(1e-7) = 16.1


def test_sample_and_class_weights():
    x, y = blobs(8)
    yc = keras.utils.to_categorical(y, 3)
    model = softmax_model(metrics=None)
    p = model.predict(x)
    per = -np.sum(yc * np.log(p), axis=1)
    w = np.array([1, 0, 2, 0, 1, 1, 0, 3], "float32")
    np.testing.assert_allclose(model.test_on_batch(x, yc, sample_weight=w), np.mean(per * w),
                               rtol=1e-5)
    cw = {0: 2.0, 1: 0.5}
    lw = np.array([cw.get(c, 1.0) for c in y])
    loss_cw = model.evaluate(x, yc, verbose=0, sample_weight=lw)
    np.testing.assert_allclose(loss_cw, np.mean(per * lw), rtol=1e-5)
    model.fit(x, yc, class_weight=cw, epochs=1, verbose=0)


def test_regularization_losses_are_part_of_the_loss():
    reg = keras.regularizers.l2(0.5)
    model = Sequential([layers.Dense(2, input_dim=3, kernel_regularizer=reg)])
    model.compile("sgd", "mse")
    x, y = np.ones((4, 3)), np.zeros((4, 2))
    W = model.get_weights()[0]
    mse = np.mean((model.predict(x) - y) ** 2)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), mse + 0.5 * np.sum(W ** 2),
                               rtol=1e-5)


def test_one_d_inputs_and_lists_are_accepted():
    model = Sequential([layers.Dense(1, input_dim=1)])
    model.compile(keras.optimizers.SGD(learning_rate=0.1), "mse")
    h = model.fit([1, 2, 3], [1, 2, 3], epochs=50, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
    assert model.predict(np.array([5, 4])).shape == (2, 1)
    assert model.predict([[5]]).shape == (1, 1)


def test_dropout_active_only_in_fit():
    model = Sequential([layers.Dropout(0.5, input_shape=(50,)),
                        layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    model.compile(keras.optimizers.SGD(0.0), "mse")
    x, y = np.ones((64, 50), "float32"), np.full((64, 1), 50.0)
    np.testing.assert_allclose(model.predict(x), 50.0)
    assert model.evaluate(x, y, verbose=0) == 0.0
    seen = []

    class Batch(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(logs["loss"])
    model.fit(x, y, batch_size=64, epochs=3, verbose=0, callbacks=[Batch()])
    assert len(seen) == 3 and all(v > 1.0 for v in seen)


def test_errors_before_compile_and_for_bad_data():
    model = Sequential([layers.Dense(2, input_dim=3)])
    with pytest.raises(RuntimeError, match="You must compile your model before training"):
        model.fit(np.ones((2, 3)), np.ones((2, 2)))
    model.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        model.fit(np.ones((5, 3)), np.ones((4, 2)), verbose=0)
    with pytest.raises(ValueError, match=r"Shapes \(None, 3\) and \(None, 2\) are incompatible"):
        model.fit(np.ones((4, 3)), np.ones((4, 3)), verbose=0)
    with pytest.raises(ValueError, match="Unknown loss function: nope"):
        model.compile("sgd", "nope")
        model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)


def test_tf1_optimizer_in_compile():
    x, y = blobs()
    model = softmax_model(optimizer=tf.train.GradientDescentOptimizer(0.1))
    h = model.fit(x, keras.utils.to_categorical(y, 3), epochs=5, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]


def test_fit_on_generator_and_sequence():
    x, y = blobs(96)
    yc = keras.utils.to_categorical(y, 3)

    class Batches(keras.utils.Sequence):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return x[i * 32:(i + 1) * 32], yc[i * 32:(i + 1) * 32]

    model = softmax_model()
    h = model.fit(Batches(), epochs=3, verbose=0)
    assert len(h.history["loss"]) == 3 and h.params["steps"] == 3

    def gen():
        while True:
            for i in range(3):
                yield x[i * 32:(i + 1) * 32], yc[i * 32:(i + 1) * 32]
    h2 = model.fit_generator(gen(), steps_per_epoch=3, epochs=2, verbose=0,
                             validation_data=(x, yc))
    assert list(h2.history) == ["loss", "acc", "val_loss", "val_acc"]
    assert model.evaluate(Batches(), verbose=0)[0] > 0
    assert model.predict(Batches()).shape == (96, 3)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit(gen(), epochs=1, verbose=0)


# ------------------------------------------------------------------ progress bar output
def test_progbar_lines_not_a_terminal(capsys):
    x, y = blobs(100)
    yc = keras.utils.to_categorical(y, 3)
    model = softmax_model()
    model.fit(x, yc, epochs=2, validation_data=(x, yc))
    out = capsys.readouterr().out
    assert "\r" not in out
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    for line in (lines[1], lines[3]):
        assert re.fullmatch(r"4/4 \[==============================\] - \d+s \d+(us|ms)/step - "
                            r"loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - "
                            r"val_acc: \d\.\d{4}", line), line
    model.fit(x, yc, epochs=1)
    assert not capsys.readouterr().out.startswith("Epoch")   # no 'Epoch' line for one epoch
    model.evaluate(x, yc)
    assert re.fullmatch(r"4/4 \[=+\] - \d+s \d+(us|ms)/step - loss: \d\.\d{4} - acc: \d\.\d{4}\n",
                        capsys.readouterr().out)


def test_progbar_verbose_2(capsys):
    x, y = blobs(100)
    yc = keras.utils.to_categorical(y, 3)
    softmax_model().fit(x, yc, epochs=2, verbose=2, validation_split=0.5)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and len(lines) == 4
    assert re.fullmatch(r"2/2 - \d+s - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - "
                        r"val_acc: \d\.\d{4}", lines[1]), lines[1]


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progbar_redraws_in_place_on_a_terminal(monkeypatch):
    x, y = blobs(2000)
    yc = keras.utils.to_categorical(y, 3)
    model = softmax_model()
    fake = FakeTTY()
    monkeypatch.setattr(sys, "stdout", fake)
    from neuroflow.keras.utils import progbar
    monkeypatch.setattr(progbar.Progbar, "__init__", _zero_interval(progbar.Progbar.__init__))
    model.fit(x, yc, epochs=1, batch_size=32)
    out = fake.getvalue()
    draws = out.split("\r")[1:]
    assert len(draws) > 2 and out.count("\n") == 1
    assert re.match(r" 1/63 \[>\.+\] - ETA: ", draws[0]) or "ETA" in draws[1]
    assert re.match(r"63/63 \[=+\] - \d+s", draws[-1])


def _zero_interval(init):
    def wrapped(self, *a, **k):
        init(self, *a, **k)
        self.interval = 0.0
    return wrapped


def test_progbar_class_directly(capsys):
    bar = keras.utils.Progbar(5)
    for i in range(5):
        bar.update(i + 1, values=[("loss", 1.0 / (i + 1))])
    out = capsys.readouterr().out
    np.testing.assert_allclose(float(re.search(r"loss: (\S+)", out).group(1)),
                               np.mean([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]), rtol=1e-3)
    bar = keras.utils.Progbar(None)
    bar.add(3)
    bar2 = keras.utils.Progbar(10, verbose=2)
    bar2.update(10, [("x", 1e-5)])
    assert re.fullmatch(r"10/10 - \d+s - x: 1\.0000e-05\n", capsys.readouterr().out)


def test_fit_on_a_reiterable_dataset_one_pass_per_epoch(capsys):
    x, y = blobs(80)
    yc = keras.utils.to_categorical(y, 3)

    class Dataset:   # what tf.data gives: iterable again and again, length unknown
        def __iter__(self):
            for i in range(0, 80, 20):
                yield tf.constant(x[i:i + 20]), tf.constant(yc[i:i + 20])

    model = softmax_model()
    h = model.fit(Dataset(), epochs=2, verbose=2)
    assert len(h.history["loss"]) == 2 and h.params["steps"] is None
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"4 - \d+s - loss: \d\.\d{4} - acc: \d\.\d{4}", lines[1]), lines[1]
    assert len(model.evaluate(Dataset(), verbose=0)) == 2
    assert model.predict(Dataset()).shape == (80, 3)


def test_loss_objects_in_compile():
    model = keras.Sequential([keras.layers.Dense(3, input_dim=2, activation="softmax")])
    model.compile("sgd", keras.losses.CategoricalCrossentropy(),
                  metrics=[keras.metrics.CategoricalAccuracy()])
    x = np.random.rand(8, 2).astype("float32")
    y = keras.utils.to_categorical(np.arange(8) % 3, 3)
    h = model.fit(x, y, verbose=0)
    assert list(h.history) == ["loss", "categorical_accuracy"]
    p = model.predict(x)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0)[0],
                               -np.mean(np.sum(y * np.log(p), 1)), rtol=1e-5)


def test_shuffled_fit_visits_every_sample_once_per_epoch_without_copying_the_data(monkeypatch):
    import tracemalloc
    n = 4000
    x = np.arange(n * 64, dtype=np.float32).reshape(n, 64)
    y = np.zeros((n, 1), np.float32)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.train_on_batch(x[:32], y[:32])
    seen, take = [], np.take

    def spy(a, idx, *args, **kwargs):
        if a is x:
            seen.append(np.array(idx))
        return take(a, idx, *args, **kwargs)
    monkeypatch.setattr(np, "take", spy)
    np.random.seed(0)
    tracemalloc.start()
    try:
        model.fit(x, y, batch_size=100, epochs=1, verbose=0, shuffle=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    order = np.concatenate(seen)
    assert len(seen) == 40 and sorted(order) == list(range(n))
    assert not np.array_equal(order, np.arange(n))          # shuffled
    assert peak < x.nbytes / 2                               # batches gathered, no full copy
