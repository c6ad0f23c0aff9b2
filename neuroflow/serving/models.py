"""The models a server holds: loaded versions, their signatures, and new versions found on disk.

A model comes from a Keras file (``model.h5``, ``model.keras``: version 1), from a base
directory of numbered versions as TF Serving lays them out (``models/mnist/1/model.h5``,
``models/mnist/2/model.h5``: the highest number is served, and a new number appearing later is
loaded and swapped in), or from a Keras model object (tests, notebooks).

Swapping versions never drops a request: a request takes its ServedModel at the start and
finishes on it; the manager only changes which ServedModel new requests get, under a lock.
"""
import logging
import os
import queue
import threading

import numpy as np

from .rest import RequestError, TensorSpec

_log = logging.getLogger("neuroflow.serving")
MODEL_SUFFIXES = (".h5", ".hdf5", ".keras")


def keras_signature(model):
    """``(inputs, outputs)`` TensorSpecs of a built Keras model, named as a TF2 SavedModel's."""
    tensors_in = list(getattr(model, "inputs", None) or [])
    tensors_out = list(getattr(model, "outputs", None) or [])
    if not tensors_in or not tensors_out:
        raise ValueError("Invalid value for argument `model`: expected a built Keras model with "
                         "known inputs and outputs. Received: %r (give the first layer an "
                         "input_shape, or call the model once)" % (model,))
    names_in = list(getattr(model, "input_names", None) or
                    [t.name.split(":")[0] for t in tensors_in])
    names_out = list(getattr(model, "output_names", None) or
                     [t.name.split(":")[0] for t in tensors_out])

    def spec(t, key, tensor_name):
        dims = t.shape.as_list() if t.shape is not None else None
        return TensorSpec(key, t.dtype.as_numpy_dtype, dims, tensor_name)
    inputs = [spec(t, k, "serving_default_%s:0" % k) for t, k in zip(tensors_in, names_in)]
    outputs = [spec(t, k, "StatefulPartitionedCall:%d" % i)
               for i, (t, k) in enumerate(zip(tensors_out, names_out))]
    return inputs, outputs


class ServedModel:
    """One loaded version of a model. Predictions run one at a time (``lock``).

    With ``max_batch_size`` > 1, concurrent requests are batched: while the model works, new
    requests queue up, and the next model call takes all of them at once (up to
    ``max_batch_size`` rows), as TF Serving's ``--enable_batching`` does. A lone request goes
    through at once, so batching adds no waiting when the server is idle.
    """

    def __init__(self, model, name, version, path=None, max_batch_size=0):
        self.model = model
        self.name = name
        self.version = int(version)
        self.path = path
        self.inputs, self.outputs = keras_signature(model)
        self.lock = threading.Lock()
        self.max_batch_size = int(max_batch_size or 0)
        self.model_calls = 0
        self._queue = None
        self._closed = False
        self._queue_lock = threading.Lock()
        if self.max_batch_size > 1:
            self._queue = queue.Queue()
            threading.Thread(target=self._batch_loop, daemon=True,
                             name="neuroflow-serving-batch-%s-%d" % (name, self.version)).start()

    def predict(self, arrays):
        """``[(output key, array)]`` for ``arrays`` keyed by input key (batch dimension first)."""
        if self._queue is not None and all(a.ndim for a in arrays.values()):
            pending = _Pending(arrays)
            with self._queue_lock:
                if not self._closed:
                    self._queue.put(pending)
                    pending.queued = True
            if pending.queued:
                pending.done.wait()
                if pending.error is not None:
                    raise pending.error
                return pending.result
        return self._call(arrays)

    def close(self):
        """Ends the batching thread once the requests already queued are answered."""
        with self._queue_lock:
            if self._queue is not None and not self._closed:
                self._closed = True
                self._queue.put(None)

    def _call(self, arrays):
        xs = [arrays[s.key] for s in self.inputs]
        x = xs[0] if len(xs) == 1 else xs
        n = len(xs[0]) if xs[0].ndim else 1
        with self.lock:
            self.model_calls += 1
            ys = self.model.predict(x, batch_size=max(n, 1), verbose=0)
        if not isinstance(ys, (list, tuple)):
            ys = [ys]
        return [(s.key, np.asarray(y)) for s, y in zip(self.outputs, ys)]

    def _batch_loop(self):
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch, rows, stop = [first], first.rows, False
            while rows < self.max_batch_size:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
                rows += item.rows
            groups = {}   # requests whose examples have the same shapes go into one call
            for p in batch:
                groups.setdefault(tuple(a.shape[1:] for a in p.arrays.values()), []).append(p)
            for group in groups.values():
                try:
                    joined = {k: np.concatenate([p.arrays[k] for p in group]) for k in first.arrays}
                    outputs = self._call(joined)
                    start = 0
                    for p in group:
                        p.result = [(k, y[start:start + p.rows]) for k, y in outputs]
                        start += p.rows
                except Exception as e:  # every request of the call gets the model's error
                    for p in group:
                        p.error = e
                for p in group:
                    p.done.set()
            if stop:
                return


class _Pending:
    """A request waiting in a batching queue."""

    def __init__(self, arrays):
        self.arrays = arrays
        self.rows = len(next(iter(arrays.values())))
        self.done = threading.Event()
        self.queued = False
        self.result = None
        self.error = None


def load_keras_file(path):
    """Loads a Keras ``.h5``/``.keras`` file for serving (no optimizer state is needed)."""
    from ..keras.models import load_model
    return load_model(path, compile=False)


def model_file_in(version_dir):
    """The model file of a version directory: model.h5/model.keras, else its one Keras file."""
    for name in ("model.h5", "model.keras", "model.hdf5"):
        if os.path.isfile(os.path.join(version_dir, name)):
            return os.path.join(version_dir, name)
    found = sorted(f for f in os.listdir(version_dir) if f.endswith(MODEL_SUFFIXES))
    if len(found) == 1:
        return os.path.join(version_dir, found[0])
    if os.path.exists(os.path.join(version_dir, "saved_model.pb")):
        raise ValueError("%s is a TensorFlow SavedModel, which neuroflow serve does not read: "
                         "save the Keras model as model.h5 or model.keras instead" % version_dir)
    if found:
        raise ValueError("%s holds several model files (%s): name the one to serve model.h5"
                         % (version_dir, ", ".join(found)))
    raise ValueError("%s holds no model file: expected model.h5 or model.keras" % version_dir)


def versions_on_disk(base_path):
    """``{version: directory}`` of the numbered subdirectories of a model's base path."""
    out = {}
    for entry in os.listdir(base_path):
        full = os.path.join(base_path, entry)
        if entry.isdigit() and os.path.isdir(full):
            out[int(entry)] = full
    return out


class _Entry:
    """What the manager knows of one model name."""

    def __init__(self, name):
        self.name = name
        self.serving = {}       # version -> ServedModel, the versions requests may use
        self.states = {}        # version -> (state, error_code, error_message)
        self.base_path = None
        self.failed = {}        # version -> stamp of the files that failed to load


class ModelManager:
    """Loaded models by name and version; finds and swaps in new versions of a base path.

    Args:
      loader: ``loader(path) -> Keras model`` (default: ``keras.models.load_model``).
      max_batch_size: > 1 batches concurrent requests to a model (see ServedModel).
    Example:
      >>> manager = ModelManager()                           # doctest: +SKIP
      >>> manager.add_path("mnist", "models/mnist")          # serves the highest version
      >>> manager.start_polling(1.0)                         # and picks up new ones
    """

    def __init__(self, loader=None, max_batch_size=0):
        self.loader = loader or load_keras_file
        self.max_batch_size = max_batch_size
        self._lock = threading.Lock()
        self._entries = {}
        self._stop = threading.Event()
        self._poller = None

    # ---------------------------------------------------------------- adding models
    def add_model(self, name, model, version=1):
        """Serves an in-memory Keras model as ``name``/``version`` (alongside other versions)."""
        served = ServedModel(model, name, version, max_batch_size=self.max_batch_size)
        with self._lock:
            entry = self._entries.setdefault(name, _Entry(name))
            entry.serving[served.version] = served
            entry.states[served.version] = ("AVAILABLE", "OK", "")
        return served

    def add_path(self, name, path):
        """Serves a Keras file (as version 1) or a base path of numbered version directories."""
        if os.path.isfile(path):
            model = self.loader(path)
            served = ServedModel(model, name, 1, path, self.max_batch_size)
            with self._lock:
                entry = self._entries.setdefault(name, _Entry(name))
                entry.serving = {1: served}
                entry.states[1] = ("AVAILABLE", "OK", "")
            return
        if not os.path.isdir(path):
            raise FileNotFoundError("No model at %s: expected a Keras file (.h5, .keras) or a "
                                    "directory of numbered versions (%s/1/model.h5)"
                                    % (path, path.rstrip("/")))
        if not versions_on_disk(path):
            raise ValueError("No versions of servable %s found under base path %s: put the model "
                             "in a numbered directory (%s/1/model.h5)"
                             % (name, path, path.rstrip("/")))
        with self._lock:
            entry = self._entries.setdefault(name, _Entry(name))
            entry.base_path = path
        if not self.poll(name):
            state = self.status(name)[-1]
            raise ValueError("Could not load any version of %s under %s: %s"
                             % (name, path, state[3]))

    # ---------------------------------------------------------------- versions on disk
    def poll(self, name):
        """Serves the highest version on disk that loads, if it is not the one served.

        A version that fails to load (half written, broken) is reported in the status and
        tried again once its files change; meanwhile the next lower one is served. Returns
        True while some version serves.
        """
        with self._lock:
            entry = self._entries[name]
            current = max(entry.serving) if entry.serving else None
        try:
            on_disk = versions_on_disk(entry.base_path)
        except OSError as e:
            _log.warning("cannot list %s: %s", entry.base_path, e)
            return current is not None
        newer = sorted((v for v in on_disk if current in on_disk and v > current
                        or current not in on_disk), reverse=True)
        for version in newer:
            stamp = _stamp(on_disk[version])
            if entry.failed.get(version) == stamp:
                continue   # the same files failed before: wait for them to change
            if self._load(entry, version, on_disk[version], stamp):
                return True
        return current is not None

    def _load(self, entry, version, directory, stamp):
        with self._lock:
            entry.states[version] = ("LOADING", "OK", "")
        try:
            path = model_file_in(directory)
            served = ServedModel(self.loader(path), entry.name, version, path,
                                 self.max_batch_size)
        except Exception as e:  # a broken version must not stop the server
            message = "%s: %s" % (type(e).__name__, e)
            _log.warning("model %s version %d failed to load: %s", entry.name, version, message)
            with self._lock:
                entry.failed[version] = stamp
                entry.states[version] = ("END", "UNKNOWN", message)
            return False
        with self._lock:
            old = entry.serving
            entry.serving = {version: served}   # new requests get the new version from here on
            entry.states[version] = ("AVAILABLE", "OK", "")
            for v in old:
                entry.states[v] = ("END", "OK", "")
        for s in old.values():   # requests still on the old version finish on it
            s.close()
        old = sorted(old)
        _log.info("model %s: serving version %d%s", entry.name, version,
                  " (was %s)" % old[0] if old else "")
        return True

    def start_polling(self, seconds):
        """Polls every base path each ``seconds`` for new versions (a daemon thread)."""
        if self._poller is not None or not seconds or seconds <= 0:
            return

        def loop():
            while not self._stop.wait(seconds):
                for name in self.names():
                    if self._entries[name].base_path:
                        self.poll(name)
        self._poller = threading.Thread(target=loop, name="neuroflow-serving-poll", daemon=True)
        self._poller.start()

    def stop(self):
        self._stop.set()
        if self._poller is not None:
            self._poller.join(timeout=10)
        with self._lock:
            served = [s for e in self._entries.values() for s in e.serving.values()]
        for s in served:
            s.close()

    # ---------------------------------------------------------------- lookups
    def names(self):
        with self._lock:
            return sorted(self._entries)

    def get(self, name, version=None):
        """The ServedModel for a request, or a 404 RequestError in TF Serving's words."""
        with self._lock:
            entry = self._entries.get(name)
            if entry is not None and entry.serving:
                if version is None:
                    return entry.serving[max(entry.serving)]
                if int(version) in entry.serving:
                    return entry.serving[int(version)]
        what = "Latest(%s)" % name if version is None else "Specific(%s, %s)" % (name, version)
        raise RequestError(404, "Servable not found for request: %s" % what)

    def status(self, name, version=None):
        """``[(version, state, error_code, error_message)]``, or a 404 RequestError."""
        with self._lock:
            entry = self._entries.get(name)
            states = dict(entry.states) if entry is not None else {}
        if not states:
            raise RequestError(404, "Could not find any versions of model %s" % name)
        if version is not None:
            if int(version) not in states:
                raise RequestError(404, "Could not find version %s of model %s"
                                   % (version, name))
            states = {int(version): states[int(version)]}
        return [(v,) + states[v] for v in sorted(states)]


def _stamp(directory):
    """Names, sizes and mtimes of a directory's files: changes when a version is rewritten."""
    out = []
    for root, _, files in os.walk(directory):
        for f in sorted(files):
            try:
                st = os.stat(os.path.join(root, f))
            except OSError:
                continue
            out.append((os.path.join(root, f), st.st_size, st.st_mtime_ns))
    return tuple(out)
