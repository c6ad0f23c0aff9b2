"""``keras.metrics``: metric functions and stateful Metric objects.

minimal; extended by the Keras part-2 owner.

Protocol used by ``Model.fit``: a Metric gives ``_stats(y_true, y_pred, sample_weight)``, the
symbolic per-batch sufficient statistics (for a mean: weighted sum and count); fit fetches them
with the training step and calls ``_merge(values)`` with the NumPy results, so a running value
over the epoch costs no extra graph run. ``result()`` is the value so far.
"""
import numpy as np

from ..core.op import Operation
from . import backend as K
from .losses import (binary_crossentropy, categorical_crossentropy, mean_absolute_error,  # noqa: F401
                     mean_squared_error, sparse_categorical_crossentropy)


def _tf():
    import neuroflow
    return neuroflow


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """mean over the last axis of (y_pred > threshold) == y_true."""
    tf = _tf()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    hit = tf.cast(tf.equal(y_true, tf.cast(tf.greater(y_pred, threshold), y_pred.dtype)), y_pred.dtype)
    return tf.reduce_mean(hit, axis=-1)


def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) == argmax(y_true) (one-hot targets)."""
    tf = _tf()
    y_pred = tf.convert_to_tensor(y_pred)
    return tf.cast(tf.equal(tf.argmax(y_true, axis=-1), tf.argmax(y_pred, axis=-1)), y_pred.dtype)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) == y_true (integer targets)."""
    tf = _tf()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.convert_to_tensor(y_true)
    if y_true.shape.ndims is not None and y_true.shape.ndims == y_pred.shape.ndims:
        y_true = tf.squeeze(y_true, [-1])
    pred = tf.argmax(y_pred, axis=-1)
    return tf.cast(tf.equal(tf.cast(y_true, pred.dtype), pred), y_pred.dtype)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
_ACCURACY_KINDS = {binary_accuracy: "binary", categorical_accuracy: "categorical",
                   sparse_categorical_accuracy: "sparse"}


class Metric:
    """Base class of stateful metrics (``update_state``, ``result``, ``reset_states``)."""

    def __init__(self, name=None, dtype=None):
        self.name = name or type(self).__name__.lower()
        self.dtype = dtype or K.floatx()
        self.reset_states()

    def _stats(self, y_true, y_pred, sample_weight=None):
        raise NotImplementedError

    def _merge(self, values):
        raise NotImplementedError

    def _result_value(self):
        raise NotImplementedError

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds a batch (eager values) to the running statistics."""
        with K.eager_scope():
            sw = None if sample_weight is None else _as_tensor(sample_weight)
            stats = self._stats(_as_tensor(y_true), _as_tensor(y_pred), sw)
            self._merge([np.asarray(s) for s in stats])

    def result(self):
        return _tf().constant(np.float32(self._result_value()))

    def reset_states(self):
        pass

    reset_state = reset_states

    def __call__(self, y_true, y_pred, sample_weight=None):
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _as_tensor(x):
    tf = _tf()
    if tf.is_tensor(x):
        return tf.convert_to_tensor(x)
    a = np.asarray(x)
    return tf.constant(a.astype(K.floatx()) if a.dtype.kind == "f" else a)


class Mean(Metric):
    """The (weighted) mean of the values given."""

    def reset_states(self):
        self.total, self.count = 0.0, 0.0

    def _stats(self, values, y_pred=None, sample_weight=None):
        tf = _tf()
        values = tf.cast(values, K.floatx())
        if sample_weight is not None:
            sw = tf.cast(sample_weight, values.dtype)
            nd = values.shape.ndims
            while nd is not None and sw.shape.ndims is not None and sw.shape.ndims < nd:
                sw = tf.expand_dims(sw, -1)
            w = sw + tf.zeros_like(values)
            return [tf.reduce_sum(values * w), tf.reduce_sum(w)]
        return [tf.reduce_sum(values), tf.cast(tf.size(values), values.dtype)]

    def _merge(self, values):
        self.total += float(values[0])
        self.count += float(values[1])

    def _result_value(self):
        return self.total / self.count if self.count else 0.0

    def update_state(self, values, sample_weight=None):
        with K.eager_scope():
            sw = None if sample_weight is None else _as_tensor(sample_weight)
            stats = self._stats(_as_tensor(values), None, sw)
            self._merge([np.asarray(s) for s in stats])


class AccuracyStats(Operation):
    """[hits, count] of one batch for an accuracy, in one op (fit computes it on every step)."""
    type = "AccuracyStats"
    differentiable = False
    multi_output = True

    def __init__(self, kind, threshold=0.5):
        self.kind, self.threshold = kind, threshold

    def forward(self, y_true, y_pred):
        if self.kind == "binary":
            hit = (y_pred > self.threshold).astype(y_pred.dtype) == y_true
            per = max(hit.shape[-1], 1) if hit.ndim else 1
            return np.float64(hit.sum()) / per, np.float64(hit.size / per)
        pred = y_pred.argmax(axis=-1)
        if self.kind == "categorical":
            hit = y_true.argmax(axis=-1) == pred
        else:
            t = y_true[..., 0] if y_true.ndim == y_pred.ndim else y_true
            hit = t.astype(np.int64) == pred
        return np.float64(hit.sum()), np.float64(hit.size)

    def infer(self, y_true, y_pred):
        from ..core.dtypes import float64
        return [((), float64), ((), float64)]


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred)`` over all samples seen."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self._fn, self._fn_kwargs = fn, kwargs
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)

    def _stats(self, y_true, y_pred, sample_weight=None):
        kind = _ACCURACY_KINDS.get(self._fn)
        if kind is not None and sample_weight is None:
            tf = _tf()
            return list(AccuracyStats(kind, **self._fn_kwargs)._build(
                (tf.convert_to_tensor(y_true), tf.convert_to_tensor(y_pred))))
        return Mean._stats(self, self._fn(y_true, y_pred, **self._fn_kwargs), None, sample_weight)

    def update_state(self, y_true, y_pred, sample_weight=None):
        Metric.update_state(self, y_true, y_pred, sample_weight)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly."""

    def __init__(self, name="accuracy", dtype=None):
        def accuracy(y_true, y_pred):
            tf = _tf()
            y_pred = tf.convert_to_tensor(y_pred)
            return tf.cast(tf.equal(tf.cast(y_true, y_pred.dtype), y_pred), K.floatx())
        super().__init__(accuracy, name, dtype)


class BinaryAccuracy(MeanMetricWrapper):
    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name, dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name, dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name, dtype)


class MeanSquaredError(MeanMetricWrapper):
    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name, dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype)


_FUNCTIONS = {f.__name__: f for f in (binary_accuracy, categorical_accuracy,
                                      sparse_categorical_accuracy, mean_squared_error,
                                      mean_absolute_error, binary_crossentropy,
                                      categorical_crossentropy, sparse_categorical_crossentropy)}
_FUNCTIONS.update({"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
                   "MAE": mean_absolute_error})
_CLASSES = {c.__name__: c for c in (Mean, Accuracy, BinaryAccuracy, CategoricalAccuracy,
                                    SparseCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError)}


def resolve_accuracy(name, y_true_ndim, y_true_last, y_pred_ndim, y_pred_last, loss=None):
    """The accuracy function 'acc'/'accuracy' means for these shapes and this loss (as Keras)."""
    lname = getattr(loss, "__name__", None) or getattr(getattr(loss, "fn", None), "__name__", "")
    if lname == "binary_crossentropy" or y_pred_last == 1:
        return binary_accuracy
    if lname == "sparse_categorical_crossentropy" or y_true_ndim < y_pred_ndim or \
            (y_true_last == 1 and y_pred_last != 1):
        return sparse_categorical_accuracy
    return categorical_accuracy


def serialize(metric):
    if isinstance(metric, Metric):
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return getattr(metric, "__name__", metric)


def deserialize(name, custom_objects=None):
    if isinstance(name, dict):
        cls = (custom_objects or {}).get(name["class_name"]) or _CLASSES.get(name["class_name"])
        if cls is None:
            raise ValueError(f"Unknown metric function: {name['class_name']}")
        return cls.from_config(name.get("config", {}))
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _FUNCTIONS:
        return _FUNCTIONS[name]
    if name in _CLASSES:
        return _CLASSES[name]()
    raise ValueError(f"Unknown metric function: {name}. Please ensure this object is passed to the "
                     "`custom_objects` argument.")


def get(identifier):
    """A metric function or Metric object from a name, a config dict or a callable."""
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric function identifier: {identifier}")
