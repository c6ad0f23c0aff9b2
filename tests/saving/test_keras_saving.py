"""Keras model files: fixtures from real tf.keras / Keras 3, round trips, callbacks."""
import os

import numpy as np
import pytest

from neuroflow import keras
from neuroflow.core.errors import DataLossError

h5py = pytest.importorskip("h5py")
FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
L = keras.layers


@pytest.mark.parametrize("kind,ext", [("tfkeras", "h5"), ("keras3", "keras")])
@pytest.mark.parametrize("name", ["cnn", "rnn"])
def test_real_keras_files_load(kind, ext, name):
    m = keras.models.load_model(os.path.join(FIX, "%s_%s.%s" % (kind, name, ext)))
    d = np.load(os.path.join(FIX, "%s_%s.npz" % (kind, name)))
    np.testing.assert_allclose(m.predict(d["x"]), d["y"], atol=1e-5)
    for i, w in enumerate(m.get_weights()):
        np.testing.assert_array_equal(w, d["w%d" % i])
    assert int(m.optimizer.iterations.numpy()) == 4   # 2 epochs of 2 batches, state restored


def _cnn():
    m = keras.Sequential([L.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)),
                          L.BatchNormalization(), L.MaxPooling2D(2), L.Flatten(),
                          L.Dense(3, activation="softmax")])
    m.compile(keras.optimizers.Adam(0.01), "categorical_crossentropy", metrics=["accuracy"])
    x = np.random.RandomState(0).rand(6, 8, 8, 1).astype(np.float32)
    y = np.eye(3)[[0, 1, 2, 0, 1, 2]].astype(np.float32)
    m.fit(x, y, epochs=2, verbose=0)
    return m, x, y


@pytest.mark.parametrize("ext", ["h5", "keras"])
def test_round_trip_resumes_training(tmp_path, ext):
    m, x, y = _cnn()
    path = str(tmp_path / ("m." + ext))
    m.save(path)
    m2 = keras.models.load_model(path)
    np.testing.assert_array_equal(m2.predict(x), m.predict(x))
    assert m.train_on_batch(x, y) == m2.train_on_batch(x, y)   # optimizer state came back
    for a, b in zip(m.get_weights(), m2.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_h5_layout_is_keras(tmp_path):
    m, x, y = _cnn()
    m.save(str(tmp_path / "m.h5"))
    with h5py.File(str(tmp_path / "m.h5"), "r") as f:
        assert {"model_config", "training_config", "keras_version", "backend"} <= set(f.attrs)
        names = [n.decode() for n in f["model_weights"].attrs["layer_names"]]
        conv = names[0]
        assert f["model_weights/%s/%s/kernel:0" % (conv, conv)].shape == (3, 3, 1, 4)
        assert f["optimizer_weights"].attrs["weight_names"][0] == b"iteration:0"


# optimizer_weights names, in order, as tf_keras 2.21 writes them for the same model
# (ws: the variables' names, d0/kernel ... d1/bias in a fresh process)
_TFKERAS_NAMES = {
    "new": lambda ws: ["iteration:0"] + ["RMSprop/%s/%s:0" % (s, w) for s in
                                         ("velocity", "momentum", "average_gradient") for w in ws],
    "legacy": lambda ws: ["RMSprop/iter:0"] + ["RMSprop/%s/%s:0" % (w, s) for s in
                                               ("rms", "momentum", "mg") for w in ws],
}


@pytest.mark.parametrize("layout,decay", [("new", 0.0), ("legacy", 0.1)])
def test_optimizer_state_in_tf_keras_layout(tmp_path, layout, decay):
    """tf.keras's new optimizers keep slot groups variable by variable and read a config
    with ``is_legacy_optimizer: false``; one with ``decay`` is a legacy OptimizerV2 there."""
    import json

    def make():
        m = keras.Sequential([L.Dense(4, activation="relu", input_shape=(3,), name="d0"),
                              L.Dense(2, activation="softmax", name="d1")])
        m.compile(keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True, decay=decay),
                  "categorical_crossentropy")
        return m
    x = np.random.RandomState(1).rand(8, 3).astype(np.float32)
    y = np.eye(2, dtype=np.float32)[[0, 1] * 4]
    m = make()
    m.fit(x, y, epochs=2, batch_size=4, verbose=0)
    m.save(str(tmp_path / "m.h5"))
    with h5py.File(str(tmp_path / "m.h5"), "r") as f:
        names = [n.decode() for n in f["optimizer_weights"].attrs["weight_names"]]
        assert names == _TFKERAS_NAMES[layout]([w.name[:-2] for w in m.trainable_weights])
        cfg = json.loads(f.attrs["training_config"])["optimizer_config"]["config"]
        assert cfg.get("is_legacy_optimizer", True) == (layout == "legacy")
        assert ("decay" in cfg) == (layout == "legacy")
    m2 = keras.models.load_model(str(tmp_path / "m.h5"))
    for slot in ("rms", "momentum", "mg"):
        for v, v2 in zip(m.trainable_weights, m2.trainable_weights):
            np.testing.assert_array_equal(m.optimizer.get_slot(v, slot).numpy(),
                                          m2.optimizer.get_slot(v2, slot).numpy())
    assert m.train_on_batch(x, y) == m2.train_on_batch(x, y)


def test_weights_by_order_by_name_and_mismatch(tmp_path):
    m, x, y = _cnn()
    p = str(tmp_path / "w.h5")
    m.save_weights(p)
    m2, _, _ = _cnn()
    m2.load_weights(p)
    np.testing.assert_array_equal(m2.predict(x), m.predict(x))
    other = keras.Sequential([L.Dense(5, input_dim=4, name=m.layers[-1].name)])
    with pytest.raises(ValueError, match="Layer count mismatch"):
        other.load_weights(p)
    with pytest.warns(UserWarning, match="Skipping loading weights"):
        other.load_weights(p, by_name=True, skip_mismatch=True)
    with pytest.raises(ValueError, match="expected 2 variables"):
        other.load_weights(p, by_name=True)
    p3 = str(tmp_path / "w.weights.h5")
    m.save_weights(p3)
    m2.set_weights([np.zeros_like(w) for w in m2.get_weights()])
    m2.load_weights(p3)
    np.testing.assert_array_equal(m2.predict(x), m.predict(x))
    ck = str(tmp_path / "ckpt")
    m.save_weights(ck)
    m2.set_weights([np.zeros_like(w) for w in m2.get_weights()])
    m2.load_weights(ck)
    np.testing.assert_array_equal(m2.predict(x), m.predict(x))


def test_truncated_files_name_the_file(tmp_path):
    m, x, y = _cnn()
    for ext in ("h5", "keras"):
        p = str(tmp_path / ("m." + ext))
        m.save(p)
        data = open(p, "rb").read()
        open(p, "wb").write(data[:len(data) // 2])
        with pytest.raises(DataLossError, match="m." + ext):
            keras.models.load_model(p)


def test_model_checkpoint_templates_and_best_only(tmp_path):
    m, x, y = _cnn()
    cb = keras.callbacks.ModelCheckpoint(str(tmp_path / "w-{epoch:02d}-{val_loss:.2f}.h5"),
                                         save_weights_only=True)
    m.fit(x, y, epochs=2, validation_data=(x, y), callbacks=[cb], verbose=0)
    files = sorted(os.listdir(tmp_path))
    assert len(files) == 2 and files[0].startswith("w-01-") and files[1].startswith("w-02-")
    best = str(tmp_path / "best.h5")
    cb = keras.callbacks.ModelCheckpoint(best, monitor="val_loss", save_best_only=True, verbose=1)
    cb.set_model(m)
    cb.on_epoch_end(0, {"val_loss": 1.0})
    t0 = os.path.getmtime(best)
    os.utime(best, (0, 0))
    cb.on_epoch_end(1, {"val_loss": 2.0})   # worse: not saved
    assert os.path.getmtime(best) == 0 and cb.best == 1.0 and t0 > 0
    keras.models.load_model(best)
    with pytest.raises(KeyError, match="Failed to format"):
        keras.callbacks.ModelCheckpoint(str(tmp_path / "{nope}.h5")).set_model(m) or \
            keras.callbacks.ModelCheckpoint(str(tmp_path / "{nope}.h5"))._path(0, {})
    cb = keras.callbacks.ModelCheckpoint(str(tmp_path / "b-{epoch}.keras"), save_freq=2)
    m.fit(x, y, epochs=1, batch_size=2, callbacks=[cb], verbose=0)   # 3 batches: one save
    assert os.path.exists(str(tmp_path / "b-1.keras"))


def test_tensorboard_callback(tmp_path):
    from neuroflow.saving import events
    m, x, y = _cnn()
    tb = keras.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=1, write_images=True,
                                     update_freq="batch")
    m.fit(x, y, epochs=2, batch_size=3, validation_data=(x, y), callbacks=[tb], verbose=0)
    train = events.read_scalars(str(tmp_path / "train"))
    assert [s for s, _ in train["epoch_loss"]] == [0, 1]
    assert [s for s, _ in train["batch_loss"]] == [1, 2, 3, 4]
    val = events.read_scalars(str(tmp_path / "validation"))
    assert np.isclose(val["epoch_loss"][-1][1], m.history.history["val_loss"][-1])
    tags, graphs = set(), 0
    for f in events.event_files(str(tmp_path / "train")):
        for e in events.summary_iterator(f):
            graphs += e.HasField("graph_def")
            tags |= {v.tag for v in e.summary.value}
    assert graphs == 1 and "keras" in tags
    assert any(t.endswith("kernel_0") for t in tags) and any(t.endswith("/image") for t in tags)


def test_lambda_needs_safe_mode_off(tmp_path):
    m = keras.Sequential([L.Lambda(lambda t: t * 2, input_shape=(2,))])
    m.compile("sgd", "mse")
    p = str(tmp_path / "l.h5")
    try:
        m.save(p)
    except (TypeError, ValueError, NotImplementedError):
        pytest.skip("this Lambda cannot be serialized")
    with pytest.raises(Exception):
        keras.models.load_model(p)
