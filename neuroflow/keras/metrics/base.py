"""The Metric protocol, Mean/Sum, and metrics that average a per-sample function.

How ``Model.fit`` uses a metric: ``_stats(y_true, y_pred, sample_weight)`` builds the per-batch
sufficient statistics (for a mean: the weighted sum and the count) as tensors of the compiled
training step; fit fetches them with the step and calls ``_merge(values)`` with the NumPy
results, so a running value over the epoch costs no extra graph run. Statistics add up over
batches, so ``_result_from(stats)`` gives the value of the whole epoch or of one batch alone.

A user's subclass written as in Keras (``add_weight`` in ``__init__``, ``update_state`` with
``assign_add``, ``result``) works too: fit runs its ``update_state`` inside the step.
"""
import re

import numpy as np

from .. import backend as K
from ...core.backend import get_array_module
from ...core.op import Operation


def _tf():
    import neuroflow
    return neuroflow


def _snake(name):
    s = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def as_tensor(x):
    """A tensor for a metric's input: float arrays as floatx, others as they are."""
    tf = _tf()
    if tf.is_tensor(x) or hasattr(x, "_is_variable"):
        return tf.convert_to_tensor(x)
    a = np.asarray(x)
    return tf.constant(a.astype(K.floatx()) if a.dtype.kind == "f" else a)


def div_no_nan(a, b):
    """a / b, 0 where b is 0 (Keras's metric results never divide by zero)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


class Metric:
    """Base class of stateful metrics: ``update_state``, ``result``, ``reset_state``.

    Args:
      name: the name in ``history.history`` and in logs (a default is made from the class name).
      dtype: the result's dtype (float32).
    Example:
      >>> m = keras.metrics.Mean()
      >>> m.update_state([1, 3, 5, 7])
      >>> m.result().numpy()
      4.0
    """

    def __init__(self, name=None, dtype=None, **kwargs):
        self.name = name or K.unique_object_name(_snake(type(self).__name__))
        self.dtype = dtype or K.floatx()
        self._weights = []
        self._state = None

    # ---------------------------------------------------------------- the fit protocol
    def _stats(self, y_true, y_pred, sample_weight=None):
        """The batch statistics as tensors. By default (a user's subclass that keeps its state in
        variables): runs ``update_state`` inside the step and fetches nothing of its own."""
        return _variable_update_stats(self, y_true, y_pred, sample_weight)

    def _merge(self, values):
        values = [np.asarray(_host(v), np.float64) for v in values]
        if not self._numpy_state():
            return
        if self._state is None:
            self._state = values
        else:
            self._state = [a + b for a, b in zip(self._state, values)]

    def _result_from(self, state):
        raise NotImplementedError

    def _result_value(self):
        if not self._numpy_state():
            return np.asarray(K.get_value(self.result()), np.float64)
        if self._state is None:
            return np.float64(0.0)
        return self._result_from(self._state)

    def _batch_result(self, values):
        """The metric over one batch's statistics alone (train_on_batch's value)."""
        if not self._numpy_state():
            return self._result_value()
        return self._result_from([np.asarray(_host(v), np.float64) for v in values])

    def _numpy_state(self):
        """True for the built-in metrics, whose state is the merged statistics (NumPy); False for
        a subclass keeping its state in variables."""
        return type(self)._stats is not Metric._stats

    # ---------------------------------------------------------------- the Keras API
    def update_state(self, *args, **kwargs):
        """Adds a batch (eager values) to the running statistics."""
        with K.eager_scope():
            self._merge(self._stats(*[as_tensor(a) for a in args],
                                    **{k: None if v is None else as_tensor(v)
                                       for k, v in kwargs.items()}))

    def result(self):
        """The metric so far, as a tensor of the metric's dtype (float32 by default)."""
        dt = np.dtype(getattr(self.dtype, "as_numpy_dtype", self.dtype))
        if dt.kind != "f":
            dt = np.dtype(np.float32)
        return _tf().constant(np.asarray(self._result_value(), dt))

    def reset_state(self):
        self._state = None
        for v in self._weights:
            K.set_value(v, np.zeros(v.shape.as_list(), v.dtype.as_numpy_dtype))

    def reset_states(self):
        self.reset_state()

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def add_weight(self, name, shape=(), aggregation=None, synchronization=None,
                   initializer=None, dtype=None):
        """A state variable (zeros unless ``initializer``), reset by ``reset_state``."""
        from ... import initializers
        init = initializers.get(initializer or "zeros")
        with K.eager_scope():
            value = np.asarray(K.get_value(init(list(shape), dtype=dtype or self.dtype)))
        v = K.variable(value, dtype=dtype or self.dtype, name="%s/%s" % (self.name, name))
        self._weights.append(v)
        return v

    @property
    def variables(self):
        return list(self._weights)

    weights = variables

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return "<keras.metrics.%s name=%r>" % (type(self).__name__, self.name)


def _host(v):
    return v.get() if hasattr(v, "__cuda_array_interface__") else v


def _variable_update_stats(metric, y_true, y_pred, sample_weight):
    """Runs a user metric's ``update_state`` inside the step: every assignment it makes becomes
    a dependency of the one (dummy) statistic fetched."""
    from ...core.graph import control_dependencies, get_default_graph
    tf = _tf()
    g = get_default_graph()
    start = len(g._ops)
    out = metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    updates = [op for op in g._ops[start:] if op.type.startswith("Assign")]
    if out is not None and hasattr(out, "op"):
        updates.append(out.op)
    with control_dependencies(updates):
        return [tf.identity(tf.constant(0.0))]


def update_pair(metric, y_true, y_pred, sample_weight=None):
    """``update_state`` of a metric of (y_true, y_pred): its batch statistics, merged."""
    with K.eager_scope():
        sw = None if sample_weight is None else as_tensor(sample_weight)
        metric._merge(metric._stats(as_tensor(y_true), as_tensor(y_pred), sw))


class Reduce(Metric):
    """Sum or (weighted) mean of the values given."""

    def __init__(self, reduction, name, dtype=None):
        self.reduction = reduction
        super().__init__(name=name, dtype=dtype)

    def _stats(self, values, y_pred=None, sample_weight=None):
        tf = _tf()
        values = tf.convert_to_tensor(values)
        if values.dtype.name != self.dtype:
            values = tf.cast(values, self.dtype)
        if sample_weight is not None:
            sw = tf.cast(sample_weight, values.dtype)
            nd = values.shape.ndims
            while nd is not None and sw.shape.ndims is not None and sw.shape.ndims < nd:
                sw = tf.expand_dims(sw, -1)
            while nd is not None and sw.shape.ndims is not None and sw.shape.ndims > nd and \
                    sw.shape.as_list()[-1] == 1:
                sw = tf.squeeze(sw, [-1])
            w = sw + tf.zeros_like(values)
            total = tf.reduce_sum(values * w)
            if self.reduction == "sum_over_batch_size":   # Keras: divided by the value count
                return [total, tf.cast(tf.size(values), values.dtype)]
            return [total] if self.reduction == "sum" else [total, tf.reduce_sum(w)]
        total = tf.reduce_sum(values)
        if self.reduction == "sum":
            return [total]
        return [total, tf.cast(tf.size(values), values.dtype)]

    def _result_from(self, state):
        return state[0] if self.reduction == "sum" else div_no_nan(state[0], state[1])

    def update_state(self, values, sample_weight=None):
        """Adds ``values`` (optionally weighted) to the running sum/mean."""
        with K.eager_scope():
            sw = None if sample_weight is None else as_tensor(sample_weight)
            self._merge(self._stats(as_tensor(values), None, sw))


class Sum(Reduce):
    """The (weighted) sum of the values given.

    Example:
      >>> m = keras.metrics.Sum()
      >>> m.update_state([1, 3, 5, 7])
      >>> m.result().numpy()
      16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__("sum", name, dtype)


class Mean(Reduce):
    """The (weighted) mean of the values given.

    Example:
      >>> m = keras.metrics.Mean()
      >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
      >>> m.result().numpy()
      2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__("mean", name, dtype)


class AccuracyStats(Operation):
    """[hits, count] of one batch for an accuracy in one op (fit computes it on every step)."""
    type = "AccuracyStats"
    differentiable = False
    multi_output = True

    def __init__(self, kind, threshold=0.5):
        self.kind, self.threshold = kind, threshold

    def forward(self, y_true, y_pred):
        xp = get_array_module(y_pred)
        if self.kind == "binary":
            hit = (y_pred > self.threshold).astype(y_pred.dtype) == y_true
            per = max(hit.shape[-1], 1) if hit.ndim else 1
            return xp.asarray(hit.sum() / per, np.float64), xp.asarray(hit.size / per, np.float64)
        pred = y_pred.argmax(axis=-1)
        if self.kind == "categorical":
            hit = y_true.argmax(axis=-1) == pred
        else:
            t = y_true[..., 0] if y_true.ndim == y_pred.ndim else y_true
            hit = t.astype(np.int64) == pred
        return xp.asarray(hit.sum(), np.float64), xp.asarray(hit.size, np.float64)

    def infer(self, y_true, y_pred):
        from ...core.dtypes import float64
        return [((), float64), ((), float64)]


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen.

    Example:
      >>> m = keras.metrics.MeanMetricWrapper(keras.metrics.mae, name='mae')
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self._fn, self._fn_kwargs = fn, kwargs
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)

    def _stats(self, y_true, y_pred, sample_weight=None):
        from . import functions
        kind = functions.ACCURACY_KINDS.get(self._fn)
        if kind is not None and sample_weight is None:
            tf = _tf()
            kwargs = {"threshold": float(self._fn_kwargs.get("threshold", 0.5))} \
                if kind == "binary" else {}
            return list(AccuracyStats(kind, **kwargs)._build(
                (tf.convert_to_tensor(y_true), tf.convert_to_tensor(y_pred))))
        return Reduce._stats(self, self._fn(y_true, y_pred, **self._fn_kwargs), None,
                             sample_weight)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds one batch: the mean of fn over its samples (weighted by sample_weight)."""
        update_pair(self, y_true, y_pred, sample_weight)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config):
        if cls is MeanMetricWrapper:
            raise NotImplementedError("MeanMetricWrapper.from_config needs the function; "
                                      "rebuild it with MeanMetricWrapper(fn, **config).")
        return cls(**config)
