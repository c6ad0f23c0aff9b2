"""The Keras callbacks that write files: ``ModelCheckpoint`` and ``TensorBoard``."""
import os
import warnings

import numpy as np

from ..callbacks import Callback


def _mode(monitor, mode):
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"ModelCheckpoint mode {mode} is unknown, fallback to auto mode.")
        mode = "auto"
    if mode == "auto":
        mode = "max" if ("acc" in monitor or monitor.startswith("fmeasure")
                         or monitor.endswith("auc")) else "min"
    return mode


class ModelCheckpoint(Callback):
    """Saves the model (or its weights) during training.

    Args:
      filepath: a path, possibly a template filled from the epoch and the logs,
        e.g. ``'w-{epoch:02d}-{val_loss:.2f}.h5'``.
      monitor: the log value for ``save_best_only`` (default 'val_loss').
      save_best_only: save only when ``monitor`` improves (by ``mode``: 'min', 'max', 'auto').
      save_weights_only: ``save_weights`` instead of ``save``.
      save_freq: 'epoch', or a number of batches.
    Example:
      >>> cb = keras.callbacks.ModelCheckpoint('best.h5', monitor='val_loss', save_best_only=True)
      >>> model.fit(x, y, validation_split=0.2, callbacks=[cb])
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch", options=None,
                 initial_value_threshold=None, period=None, **kwargs):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor, self.verbose = monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.mode = _mode(monitor, mode)
        self.monitor_op = np.greater if self.mode == "max" else np.less
        self.best = initial_value_threshold if initial_value_threshold is not None else (
            -np.inf if self.mode == "max" else np.inf)
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(f"Unrecognized save_freq: {save_freq}. Expected save_freq are "
                             "'epoch' or integer values")
        self.save_freq = save_freq
        self.period = period or 1
        self._epochs_since = 0
        self._batches = 0
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if isinstance(self.save_freq, int):
            self._batches += 1
            if self._batches >= self.save_freq:
                self._batches = 0
                self._save(self._epoch, logs, batch)

    def on_epoch_end(self, epoch, logs=None):
        self._epochs_since += 1
        if self.save_freq == "epoch" and self._epochs_since >= self.period:
            self._epochs_since = 0
            self._save(epoch, logs)

    def _path(self, epoch, logs, batch=None):
        try:
            if batch is None or "batch" not in self.filepath:
                return self.filepath.format(epoch=epoch + 1, **(logs or {}))
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **(logs or {}))
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e}") from None

    def _save(self, epoch, logs, batch=None):
        logs = logs or {}
        path = self._path(epoch, logs, batch)
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available, "
                              "skipping.")
                return
            if not self.monitor_op(current, self.best):
                if self.verbose > 0:
                    print("\nEpoch %05d: %s did not improve from %0.5f"
                          % (epoch + 1, self.monitor, self.best))
                return
            if self.verbose > 0:
                print("\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s"
                      % (epoch + 1, self.monitor, self.best, current, path))
            self.best = current
        elif self.verbose > 0:
            print("\nEpoch %05d: saving model to %s" % (epoch + 1, path))
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)


class TensorBoard(Callback):
    """Writes TensorBoard logs: epoch (and batch) scalars, weight histograms and images, the
    model graph. Training goes to ``log_dir/train``, validation to ``log_dir/validation``.

    Example:
      >>> tb = keras.callbacks.TensorBoard(log_dir='./logs', histogram_freq=1)
      >>> model.fit(x, y, epochs=5, callbacks=[tb])      # then: tensorboard --logdir ./logs
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None, **kwargs):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq, self.write_graph = histogram_freq, write_graph
        self.write_images = write_images
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self._writers = {}
        self._step = 0

    def _writer(self, which):
        from ... import summary
        w = self._writers.get(which)
        if w is None:
            w = self._writers[which] = summary.SummaryWriter(os.path.join(self.log_dir, which))
        return w

    def _scalars(self, which, prefix, logs, step):
        from ...saving import events
        vals = [events.tensor_value(prefix + k, np.float32(v), "scalars", 1)
                for k, v in logs.items() if np.ndim(v) == 0]
        if vals:
            self._writer(which)._write(step, vals)

    def on_train_begin(self, logs=None):
        self._step = 0
        if self.write_graph:
            self._write_graph()

    def _write_graph(self):
        from ...saving import events
        w = self._writer("train")
        try:
            w._write(0, [events.tensor_value("keras", np.array(self.model.to_json().encode()),
                                             "graph_keras_model", 2)])
        except Exception:   # a subclassed model has no config: the op graph is still written
            pass
        g = self._trace_graph()
        if g is not None:
            from ...saving.graph_def import graph_def
            w._write_graph(graph_def(g))

    def _trace_graph(self):
        from ...core import context, dtypes
        from ...core.graph import Graph
        from ...core.op import Placeholder
        from ...core.shape import TensorShape
        from ..layers.base import no_record
        inputs = getattr(self.model, "inputs", None)
        if not inputs:
            return None
        g = Graph()
        try:
            with context.symbolic(), g.as_default(), no_record():
                phs = [Placeholder(t.dtype if hasattr(t, "dtype") else dtypes.float32,
                                   TensorShape(t.shape))._build((), "input_%d" % i)
                       for i, t in enumerate(inputs)]
                self.model(phs if len(phs) > 1 else phs[0], training=False)
        except Exception:   # a graph that cannot be traced must not stop training
            return None
        return g

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if isinstance(self.update_freq, int) and self._step % self.update_freq == 0:
            self._scalars("train", "batch_", logs or {}, self._step)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self._scalars("train", "epoch_", {k: v for k, v in logs.items()
                                          if not k.startswith("val_")}, epoch)
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        if val:
            self._scalars("validation", "epoch_", val, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._weights(epoch)

    def _weights(self, epoch):
        from ...saving import events
        vals = []
        for layer in self.model.layers:
            for w in layer.weights:
                name = w.name.replace(":", "_")
                a = np.asarray(w.numpy())
                vals.append(events.tensor_value(name, events.histogram_tensor(a), "histograms", 2))
                if self.write_images:
                    img = a.reshape(1, a.shape[0], -1, 1) if a.ndim >= 2 else \
                        a.reshape(1, 1, -1, 1)
                    u8 = events.to_uint8_image(img[0])
                    blobs = np.empty(3, dtype=object)
                    blobs[:] = [str(u8.shape[1]).encode(), str(u8.shape[0]).encode(),
                                events.encode_png(u8)]
                    vals.append(events.tensor_value(name + "/image", blobs, "images", 3))
        if vals:
            self._writer("train")._write(epoch, vals)

    def on_train_end(self, logs=None):
        for w in self._writers.values():
            w.close()
        self._writers = {}
