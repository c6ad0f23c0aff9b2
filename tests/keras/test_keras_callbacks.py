import csv

import numpy as np
import pytest

from neuroflow import keras
from neuroflow.keras import backend as K
from neuroflow.keras import callbacks, layers
from keras_helpers import fresh_keras  # noqa: F401


def data(n=64, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 3).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")


def model(lr=0.1):
    m = keras.Sequential([layers.Dense(1, input_dim=3)])
    m.compile(keras.optimizers.SGD(lr), "mse")
    return m


def test_callback_order_and_hooks():
    calls = []

    class Spy(callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")
            assert self.params == {"verbose": 0, "epochs": 2, "steps": 2}

        def on_epoch_begin(self, epoch, logs=None):
            calls.append("epoch_begin %d" % epoch)

        def on_batch_begin(self, batch, logs=None):
            calls.append("batch_begin %d" % batch)

        def on_batch_end(self, batch, logs=None):
            calls.append("batch_end %d %s" % (batch, sorted(logs)))

        def on_epoch_end(self, epoch, logs=None):
            calls.append("epoch_end %d %s" % (epoch, sorted(logs)))

        def on_train_end(self, logs=None):
            calls.append("train_end")

    x, y = data()
    m = model()
    spy = Spy()
    m.fit(x, y, epochs=2, verbose=0, callbacks=[spy])
    assert spy.model is m
    assert calls == ["train_begin", "epoch_begin 0", "batch_begin 0", "batch_end 0 ['loss']",
                     "batch_begin 1", "batch_end 1 ['loss']", "epoch_end 0 ['loss']",
                     "epoch_begin 1", "batch_begin 0", "batch_end 0 ['loss']", "batch_begin 1",
                     "batch_end 1 ['loss']", "epoch_end 1 ['loss']", "train_end"]


def test_history_callback_and_model_history():
    x, y = data()
    m = model()
    h = m.fit(x, y, epochs=3, verbose=0)
    assert isinstance(h, callbacks.History) and m.history is h
    assert h.epoch == [0, 1, 2] and h.model is m


def test_early_stopping_patience_and_restore_best_weights(capsys):
    x, y = data()
    m = model(lr=0.05)
    losses = iter([5.0, 4.0, 4.5, 4.6, 4.7, 1.0])
    weights = []

    class Fake(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = next(losses)
            weights.append(self.model.get_weights())

    stop = callbacks.EarlyStopping(monitor="val_loss", patience=2, verbose=1,
                                   restore_best_weights=True)
    h = m.fit(x, y, epochs=6, verbose=0, callbacks=[Fake(), stop])
    assert h.epoch == [0, 1, 2, 3] and stop.stopped_epoch == 3
    np.testing.assert_allclose(m.get_weights()[0], weights[1][0])
    out = capsys.readouterr().out
    assert "Restoring model weights from the end of the best epoch." in out
    assert "Epoch 00004: early stopping" in out


def test_early_stopping_modes_and_min_delta():
    assert callbacks.EarlyStopping(monitor="val_acc").monitor_op is np.greater
    assert callbacks.EarlyStopping(monitor="val_accuracy").monitor_op is np.greater
    assert callbacks.EarlyStopping(monitor="loss").monitor_op is np.less
    es = callbacks.EarlyStopping(monitor="loss", min_delta=0.5, patience=1)
    es.model = model()
    es.on_train_begin()
    es.on_epoch_end(0, {"loss": 3.0})
    es.on_epoch_end(1, {"loss": 2.8})   # improvement smaller than min_delta
    assert es.model.stop_training and es.stopped_epoch == 1
    with pytest.warns(UserWarning, match="conditioned on metric `val_loss` which is not available"):
        callbacks.EarlyStopping().on_epoch_end(0, {"loss": 1.0})


def test_learning_rate_scheduler():
    x, y = data()
    m = model(lr=0.1)
    seen = []

    def schedule(epoch, lr):
        seen.append(lr)
        return 0.1 / (epoch + 1)

    h = m.fit(x, y, epochs=3, verbose=0, callbacks=[callbacks.LearningRateScheduler(schedule)])
    np.testing.assert_allclose(seen, [0.1, 0.1, 0.05], rtol=1e-6)
    np.testing.assert_allclose(h.history["lr"], [0.1, 0.05, 0.1 / 3], rtol=1e-6)
    np.testing.assert_allclose(K.get_value(m.optimizer.lr), 0.1 / 3, rtol=1e-6)
    one_arg = callbacks.LearningRateScheduler(lambda epoch: 0.01)
    m.fit(x, y, epochs=1, verbose=0, callbacks=[one_arg])
    np.testing.assert_allclose(K.get_value(m.optimizer.learning_rate), 0.01)


def test_learning_rate_changes_the_step_size():
    x, y = data()
    a, b = model(lr=0.1), model(lr=0.1)
    b.set_weights(a.get_weights())
    K.set_value(b.optimizer.lr, 0.0)
    w0 = b.get_weights()
    a.fit(x, y, epochs=1, verbose=0)
    b.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_allclose(b.get_weights()[0], w0[0])
    assert not np.allclose(a.get_weights()[0], w0[0])


def test_reduce_lr_on_plateau(capsys):
    m = model(lr=1.0)
    cb = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, verbose=1, min_lr=0.3)
    cb.set_model(m)
    cb.on_train_begin()
    for epoch, loss in enumerate([1.0, 1.0, 1.0, 1.0, 1.0]):
        logs = {"loss": loss}
        cb.on_epoch_end(epoch, logs)
    np.testing.assert_allclose(K.get_value(m.optimizer.lr), 0.3, rtol=1e-6)
    out = capsys.readouterr().out
    assert "Epoch 00002: ReduceLROnPlateau reducing learning rate to 0.5." in out
    with pytest.raises(ValueError, match="factor >= 1.0"):
        callbacks.ReduceLROnPlateau(factor=1.5)


def test_csv_logger(tmp_path):
    x, y = data()
    path = tmp_path / "log.csv"
    m = model()
    m.fit(x, y, epochs=2, verbose=0, validation_split=0.25, callbacks=[callbacks.CSVLogger(path)])
    rows = list(csv.reader(open(path)))
    assert rows[0] == ["epoch", "loss", "val_loss"] and [r[0] for r in rows[1:]] == ["0", "1"]
    m.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(str(path), append=True)])
    rows = list(csv.reader(open(path)))
    assert len(rows) == 4 and rows[3][0] == "0"


def test_lambda_callback_and_terminate_on_nan(capsys):
    x, y = data()
    seen = []
    m = model()
    m.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(("e", epoch)),
        on_batch_end=lambda batch, logs: seen.append(("b", batch)),
        on_train_end=lambda logs: seen.append("end"))])
    assert seen == [("b", 0), ("b", 1), ("e", 0), ("b", 0), ("b", 1), ("e", 1), "end"]
    bad = model(lr=1e30)
    y_big = y * 1e20
    with np.errstate(all="ignore"):
        h = bad.fit(x, y_big, epochs=5, verbose=0, callbacks=[callbacks.TerminateOnNaN()])
    assert len(h.epoch) < 5 or not np.isfinite(h.history["loss"][-1])
    assert "Invalid loss, terminating training" in capsys.readouterr().out


def test_stop_training_flag_stops_after_the_batch():
    x, y = data()
    m = model()

    class Stop(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.model.stop_training = True
    h = m.fit(x, y, epochs=5, batch_size=8, verbose=0, callbacks=[Stop()])
    assert h.epoch == [0]


def test_base_logger_and_progbar_logger_are_callbacks():
    x, y = data()
    m = model()
    m.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.BaseLogger(),
                                                callbacks.ProgbarLogger(count_mode="steps")])
    with pytest.raises(ValueError, match="Unknown `count_mode`"):
        callbacks.ProgbarLogger(count_mode="x")


def test_test_and_predict_batch_hooks():
    x, y = data()
    m = model()
    seen = []

    class Spy(callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            seen.append(("test", batch))

        def on_predict_batch_end(self, batch, logs=None):
            seen.append(("predict", batch))
    m.evaluate(x, y, batch_size=32, verbose=0, callbacks=[Spy()])
    m.predict(x, batch_size=32, callbacks=[Spy()])
    assert seen == [("test", 0), ("test", 1), ("predict", 0), ("predict", 1)]


def test_checkpoint_and_tensorboard_come_from_saving():
    from neuroflow.keras.saving import callbacks as saving_callbacks
    assert callbacks.ModelCheckpoint is saving_callbacks.ModelCheckpoint
    assert callbacks.TensorBoard is saving_callbacks.TensorBoard
