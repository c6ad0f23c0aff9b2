"""``keras.losses``: loss functions (per-sample values) and Loss classes (reduced, weighted).

minimal; extended by the Keras part-2 owner.

The cross-entropies reach through a softmax/sigmoid output to its logits, as tf.keras does: when
``y_pred`` is the symbolic output of a Softmax (Sigmoid) op, the loss is computed from the op's
input with the fused, stable logits form instead of clipping probabilities.
"""
from . import _ops
from . import backend as K


def _tf():
    import neuroflow
    return neuroflow


def _is_symbolic(t):
    return getattr(t, "_value", 1) is None


def _logits_of(y_pred, op_type):
    """The logits behind a symbolic softmax/sigmoid output, else None."""
    op = getattr(y_pred, "op", None)
    if _is_symbolic(y_pred) and op is not None and op.type == op_type and len(op.inputs) == 1:
        return op.inputs[0]
    return None


def _prep(y_true, y_pred):
    tf = _tf()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.convert_to_tensor(y_true)
    if y_true.dtype is not y_pred.dtype:
        y_true = tf.cast(y_true, y_pred.dtype)
    return y_true, y_pred


def mean_squared_error(y_true, y_pred):
    """mean((y_pred - y_true)^2) over the last axis."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    return tf.reduce_mean(tf.squared_difference(y_pred, y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_pred - y_true|) over the last axis."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    return tf.reduce_mean(tf.abs(y_pred - y_true), axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    """-sum(y_true * log(y_pred)) over the last axis (one-hot targets)."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    if label_smoothing:
        n = tf.cast(tf.shape(y_true)[-1], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n
    if not from_logits:
        logits = _logits_of(y_pred, "Softmax")
        if logits is None:
            eps = K.epsilon()
            p = y_pred / tf.reduce_sum(y_pred, axis=-1, keepdims=True)
            p = tf.minimum(tf.maximum(p, eps), 1.0 - eps)
            return -tf.reduce_sum(y_true * tf.log(p), axis=-1)
        y_pred = logits
    return _ops.softmax_xent(y_true, y_pred)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """categorical_crossentropy with integer class targets."""
    tf = _tf()
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.convert_to_tensor(y_true)
    dt, dp = y_true.shape.ndims, y_pred.shape.ndims
    if dt is not None and dp is not None and dt == dp:
        y_true = tf.squeeze(y_true, [-1])
    if not y_true.dtype.is_integer:
        y_true = tf.cast(y_true, tf.int32)
    if not from_logits:
        logits = _logits_of(y_pred, "Softmax")
        if logits is None:
            eps = K.epsilon()
            y_pred = tf.log(tf.minimum(tf.maximum(y_pred, eps), 1.0 - eps))
        else:
            y_pred = logits
    return _ops.sparse_softmax_xent(y_true, y_pred)


def _binary_crossentropy_elementwise(y_true, y_pred, from_logits=False):
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    if not from_logits:
        logits = _logits_of(y_pred, "Sigmoid")
        if logits is None:
            eps = K.epsilon()
            p = tf.minimum(tf.maximum(y_pred, eps), 1.0 - eps)
            return -(y_true * tf.log(p + eps) + (1.0 - y_true) * tf.log(1.0 - p + eps))
        y_pred = logits
    return _ops.sigmoid_xent(y_true, y_pred)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    """mean over the last axis of -(y log p + (1 - y) log(1 - p))."""
    tf = _tf()
    if label_smoothing:
        y_true = tf.convert_to_tensor(y_true) * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return tf.reduce_mean(_binary_crossentropy_elementwise(y_true, y_pred, from_logits), axis=-1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


class Reduction:
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"


class Loss:
    """Base class of the loss classes: ``loss(y_true, y_pred, sample_weight)`` is a scalar."""

    def __init__(self, reduction=Reduction.AUTO, name=None):
        self.reduction, self.name = reduction, name

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        tf = _tf()
        values = self.call(y_true, y_pred)
        nd = values.shape.ndims
        if sample_weight is not None:
            sw = tf.cast(tf.convert_to_tensor(sample_weight), values.dtype)
            while sw.shape.ndims is not None and nd is not None and sw.shape.ndims < nd:
                sw = tf.expand_dims(sw, -1)
            values = values * sw
        if self.reduction == Reduction.NONE:
            return values
        if self.reduction == Reduction.SUM:
            return tf.reduce_sum(values)
        return tf.reduce_mean(values)

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A Loss class around a per-sample loss function."""

    def __init__(self, fn, reduction=Reduction.AUTO, name=None, **kwargs):
        super().__init__(reduction, name)
        self.fn, self._fn_kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config


class MeanSquaredError(LossFunctionWrapper):
    def __init__(self, reduction=Reduction.AUTO, name="mean_squared_error"):
        super().__init__(mean_squared_error, reduction, name)


class MeanAbsoluteError(LossFunctionWrapper):
    def __init__(self, reduction=Reduction.AUTO, name="mean_absolute_error"):
        super().__init__(mean_absolute_error, reduction, name)


class BinaryCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits=False, label_smoothing=0, reduction=Reduction.AUTO,
                 name="binary_crossentropy"):
        super().__init__(binary_crossentropy, reduction, name, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits=False, label_smoothing=0, reduction=Reduction.AUTO,
                 name="categorical_crossentropy"):
        super().__init__(categorical_crossentropy, reduction, name, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, from_logits=False, reduction=Reduction.AUTO,
                 name="sparse_categorical_crossentropy"):
        super().__init__(sparse_categorical_crossentropy, reduction, name, from_logits=from_logits)


_FUNCTIONS = {f.__name__: f for f in (mean_squared_error, mean_absolute_error,
                                      categorical_crossentropy, sparse_categorical_crossentropy,
                                      binary_crossentropy)}
_FUNCTIONS.update({"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
                   "MAE": mean_absolute_error})
_CLASSES = {c.__name__: c for c in (MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy,
                                    CategoricalCrossentropy, SparseCategoricalCrossentropy)}


def serialize(loss):
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return getattr(loss, "__name__", loss)


def deserialize(name, custom_objects=None):
    if isinstance(name, dict):
        cls = (custom_objects or {}).get(name["class_name"]) or _CLASSES.get(name["class_name"])
        if cls is None:
            raise ValueError(f"Unknown loss function: {name['class_name']}")
        return cls.from_config(name.get("config", {}))
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _FUNCTIONS:
        return _FUNCTIONS[name]
    if name in _CLASSES:
        return _CLASSES[name]()
    raise ValueError(f"Unknown loss function: {name}. Please ensure this object is passed to the "
                     "`custom_objects` argument.")


def get(identifier):
    """A loss function or Loss object from a name, a config dict, or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")
