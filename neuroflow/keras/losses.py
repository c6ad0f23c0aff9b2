"""``keras.losses``: loss functions (one value per sample) and Loss classes (weighted, reduced).

Formulas, aliases and configs are Keras 2's. The cross-entropies on probabilities clip them to
[epsilon, 1 - epsilon] (epsilon = 1e-7) as Keras does; but when ``y_pred`` is the symbolic output
of a Softmax (Sigmoid) op, they start from the op's input with the fused, stable logits form,
as tf.keras's backend does, so a model's softmax output trains without clipping.

Example:
  >>> model.compile(optimizer='sgd', loss='categorical_crossentropy')
  >>> keras.losses.MeanSquaredError()(y_true, y_pred)
"""
import math

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


def _mean(x):
    return _tf().reduce_mean(x, axis=-1)


# -------------------------------------------------------------------- regression
def mean_squared_error(y_true, y_pred):
    """mean((y_pred - y_true)^2) over the last axis."""
    y_true, y_pred = _prep(y_true, y_pred)
    return _mean(_tf().squared_difference(y_pred, y_true))


def mean_absolute_error(y_true, y_pred):
    """mean(|y_pred - y_true|) over the last axis."""
    y_true, y_pred = _prep(y_true, y_pred)
    return _mean(_tf().abs(y_pred - y_true))


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|(y_true - y_pred) / max(|y_true|, epsilon)|) over the last axis."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    return 100.0 * _mean(tf.abs((y_true - y_pred) / tf.maximum(tf.abs(y_true), K.epsilon())))


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2) over the last axis."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    first = tf.log(tf.maximum(y_pred, K.epsilon()) + 1.0)
    second = tf.log(tf.maximum(y_true, K.epsilon()) + 1.0)
    return _mean(tf.squared_difference(first, second))


def huber(y_true, y_pred, delta=1.0):
    """mean over the last axis of 0.5 e^2 where |e| <= delta, else delta |e| - 0.5 delta^2."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    error = y_pred - y_true
    abs_error = tf.abs(error)
    delta = float(delta)
    return _mean(tf.where(abs_error <= delta, 0.5 * tf.square(error),
                          delta * abs_error - 0.5 * delta * delta))


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true))) over the last axis, as x + softplus(-2x) - log 2 (no
    overflow for large x)."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    x = y_pred - y_true
    return _mean(x + tf.nn.softplus(-2.0 * x) - math.log(2.0))


def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred)) along ``axis`` (-1 = same direction)."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    y_true = tf.nn.l2_normalize(y_true, axis=axis)
    y_pred = tf.nn.l2_normalize(y_pred, axis=axis)
    return -tf.reduce_sum(y_true * y_pred, axis=axis)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + epsilon)) over the last axis."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    return _mean(y_pred - y_true * tf.log(y_pred + K.epsilon()))


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [epsilon, 1]."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    y_true = tf.clip_by_value(y_true, K.epsilon(), 1.0)
    y_pred = tf.clip_by_value(y_pred, K.epsilon(), 1.0)
    return tf.reduce_sum(y_true * tf.log(y_true / y_pred), axis=-1)


# -------------------------------------------------------------------- hinge
def _maybe_convert_labels(y_true):
    """{0, 1} labels become {-1, 1}; other labels stay (Keras's rule, decided on the values)."""
    tf = _tf()
    binary = tf.reduce_all(tf.logical_or(tf.equal(y_true, 0.0), tf.equal(y_true, 1.0)))
    return y_true + tf.cast(binary, y_true.dtype) * (y_true - 1.0)


def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)) over the last axis (labels -1/1, or 0/1 converted)."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    return _mean(tf.maximum(1.0 - _maybe_convert_labels(y_true) * y_pred, 0.0))


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)^2) over the last axis."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    return _mean(tf.square(tf.maximum(1.0 - _maybe_convert_labels(y_true) * y_pred, 0.0)))


def categorical_hinge(y_true, y_pred):
    """max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) (one-hot targets)."""
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    pos = tf.reduce_sum(y_true * y_pred, axis=-1)
    neg = tf.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return tf.maximum(neg - pos + 1.0, 0.0)


# -------------------------------------------------------------------- cross-entropies
def _to_last(x, axis):
    """x with ``axis`` moved to the end (for ``axis=`` other than -1)."""
    nd = x.shape.ndims
    if axis in (-1, None) or nd is None or axis % nd == nd - 1:
        return x
    axis %= nd
    perm = [i for i in range(nd) if i != axis] + [axis]
    return _tf().transpose(x, perm)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log(y_pred)) along ``axis`` (one-hot or soft targets).

    Args:
      from_logits: ``y_pred`` holds logits rather than probabilities.
      label_smoothing: in [0, 1]: targets become y * (1 - s) + s / num_classes.
    Example:
      >>> keras.losses.categorical_crossentropy([[0., 1.]], [[0.2, 0.8]]).numpy()
      array([0.22314355], dtype=float32)
    """
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    y_true, y_pred = _to_last(y_true, axis), _to_last(y_pred, axis)
    if label_smoothing:
        n = y_true.shape.as_list()[-1] if y_true.shape.ndims else None
        n = tf.cast(tf.shape(y_true)[-1], y_pred.dtype) if n is None else float(n)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n
    if not from_logits:
        logits = _logits_of(y_pred, "Softmax")
        if logits is None:
            eps = K.epsilon()
            p = y_pred / tf.reduce_sum(y_pred, axis=-1, keepdims=True)
            p = tf.clip_by_value(p, eps, 1.0 - eps)
            return -tf.reduce_sum(y_true * tf.log(p), axis=-1)
        y_pred = logits
    return _ops.softmax_xent(y_true, y_pred)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1,
                                    ignore_class=None):
    """categorical_crossentropy with integer class targets (shape (N,) or (N, 1)).

    Example:
      >>> keras.losses.sparse_categorical_crossentropy([1], [[0.2, 0.8]]).numpy()
      array([0.22314355], dtype=float32)
    """
    tf = _tf()
    if ignore_class is not None:
        raise NotImplementedError("sparse_categorical_crossentropy(ignore_class=...) is not "
                                  "supported by neuroflow yet; pass a sample_weight of 0 for "
                                  "the samples to ignore instead.")
    y_pred = _to_last(tf.convert_to_tensor(y_pred), axis)
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
            y_pred = tf.log(tf.clip_by_value(y_pred, eps, 1.0 - eps))
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
            p = tf.clip_by_value(y_pred, eps, 1.0 - eps)
            return -(y_true * tf.log(p + eps) + (1.0 - y_true) * tf.log(1.0 - p + eps))
        y_pred = logits
    return _ops.sigmoid_xent(y_true, y_pred)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """mean along ``axis`` of -(y log p + (1 - y) log(1 - p)).

    Args:
      from_logits: ``y_pred`` holds logits rather than probabilities.
      label_smoothing: targets become y * (1 - s) + 0.5 * s.
    Example:
      >>> keras.losses.binary_crossentropy([[1.]], [[0.8]]).numpy()
      array([0.22314338], dtype=float32)
    """
    tf = _tf()
    y_true, y_pred = _prep(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return tf.reduce_mean(_binary_crossentropy_elementwise(y_true, y_pred, from_logits),
                          axis=axis)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
bce = BCE = binary_crossentropy


# -------------------------------------------------------------------- classes
class Reduction:
    """How a Loss object reduces the per-sample losses (``tf.keras.losses.Reduction``)."""
    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls):
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f'Invalid Reduction Key: {key}. Expected keys are "{cls.all()}"')


def _match_rank(values, sample_weight):
    """sample_weight squeezed or expanded by one axis to the rank of values (Keras's rule)."""
    tf = _tf()
    nw, nv = sample_weight.shape.ndims, values.shape.ndims
    if nw is None or nv is None or nw == 0:
        return sample_weight
    if nw - nv == 1:
        return tf.squeeze(sample_weight, [-1])
    if nv - nw == 1:
        return tf.expand_dims(sample_weight, -1)
    return sample_weight


def compute_weighted_loss(losses, sample_weight=None, reduction=Reduction.SUM_OVER_BATCH_SIZE):
    """losses * sample_weight, reduced: SUM, or the sum over the number of elements."""
    tf = _tf()
    losses = tf.convert_to_tensor(losses)
    if sample_weight is not None:
        sw = tf.convert_to_tensor(sample_weight)
        if sw.dtype is not losses.dtype:
            sw = tf.cast(sw, losses.dtype)
        losses = losses * _match_rank(losses, sw)
    if reduction == Reduction.NONE:
        return losses
    total = tf.reduce_sum(losses)
    if reduction == Reduction.SUM:
        return total
    return tf.math.divide_no_nan(total, tf.cast(tf.size(losses), losses.dtype))


class Loss:
    """Base class of the loss classes: ``loss(y_true, y_pred, sample_weight)`` reduces
    ``call(y_true, y_pred)`` (one value per sample) to a scalar.

    Args:
      reduction: 'auto' / 'sum_over_batch_size' (the mean over all values), 'sum' or 'none'.
      name: the loss's name.
    Example:
      >>> class MyLoss(keras.losses.Loss):
      ...     def call(self, y_true, y_pred):
      ...         return tf.reduce_mean(tf.abs(y_pred - y_true), axis=-1)
    """

    def __init__(self, reduction=Reduction.AUTO, name=None):
        Reduction.validate(reduction)
        self.reduction, self.name = reduction, name

    def call(self, y_true, y_pred):
        raise NotImplementedError("Must be implemented in subclasses.")

    def __call__(self, y_true, y_pred, sample_weight=None):
        reduction = Reduction.SUM_OVER_BATCH_SIZE if self.reduction == Reduction.AUTO \
            else self.reduction
        return compute_weighted_loss(self.call(y_true, y_pred), sample_weight, reduction)

    def get_config(self):
        return {"reduction": self.reduction, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A Loss class around a per-sample loss function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn, reduction=Reduction.AUTO, name=None, **kwargs):
        super().__init__(reduction, name)
        self.fn, self._fn_kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        tf = _tf()
        y_true, y_pred = tf.convert_to_tensor(y_true), tf.convert_to_tensor(y_pred)
        nt, npred = y_true.shape.ndims, y_pred.shape.ndims
        # Keras drops a trailing axis of 1 that only one of the two has
        if nt is not None and npred is not None:
            if npred - nt == 1 and y_pred.shape.as_list()[-1] == 1:
                y_pred = tf.squeeze(y_pred, [-1])
            elif nt - npred == 1 and y_true.shape.as_list()[-1] == 1:
                y_true = tf.squeeze(y_true, [-1])
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        return config


class MeanSquaredError(LossFunctionWrapper):
    """mean((y_pred - y_true)^2) per sample, reduced over the batch.

    Example:
      >>> keras.losses.MeanSquaredError()([[0., 1.]], [[1., 1.]]).numpy()
      0.5
    """

    def __init__(self, reduction=Reduction.AUTO, name="mean_squared_error"):
        super().__init__(mean_squared_error, reduction, name)


class MeanAbsoluteError(LossFunctionWrapper):
    """mean(|y_pred - y_true|) per sample, reduced over the batch."""

    def __init__(self, reduction=Reduction.AUTO, name="mean_absolute_error"):
        super().__init__(mean_absolute_error, reduction, name)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """100 * mean(|(y_true - y_pred) / y_true|) per sample, reduced over the batch."""

    def __init__(self, reduction=Reduction.AUTO, name="mean_absolute_percentage_error"):
        super().__init__(mean_absolute_percentage_error, reduction, name)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """mean((log(y_pred + 1) - log(y_true + 1))^2) per sample, reduced over the batch."""

    def __init__(self, reduction=Reduction.AUTO, name="mean_squared_logarithmic_error"):
        super().__init__(mean_squared_logarithmic_error, reduction, name)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy for 0/1 targets.

    Args:
      from_logits: ``y_pred`` holds logits. label_smoothing: in [0, 1]. axis: -1.
    Example:
      >>> model.compile('adam', loss=keras.losses.BinaryCrossentropy(from_logits=True))
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=Reduction.AUTO, name="binary_crossentropy"):
        super().__init__(binary_crossentropy, reduction, name, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot (or soft) targets.

    Args:
      from_logits: ``y_pred`` holds logits. label_smoothing: in [0, 1]. axis: -1.
    Example:
      >>> model.compile('adam', loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1))
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=Reduction.AUTO, name="categorical_crossentropy"):
        super().__init__(categorical_crossentropy, reduction, name, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer class targets.

    Example:
      >>> model.compile('adam', loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    """

    def __init__(self, from_logits=False, reduction=Reduction.AUTO,
                 name="sparse_categorical_crossentropy"):
        super().__init__(sparse_categorical_crossentropy, reduction, name,
                         from_logits=from_logits)


class Hinge(LossFunctionWrapper):
    """mean(max(1 - y_true * y_pred, 0)) per sample (labels -1/1, or 0/1)."""

    def __init__(self, reduction=Reduction.AUTO, name="hinge"):
        super().__init__(hinge, reduction, name)


class SquaredHinge(LossFunctionWrapper):
    """mean(max(1 - y_true * y_pred, 0)^2) per sample."""

    def __init__(self, reduction=Reduction.AUTO, name="squared_hinge"):
        super().__init__(squared_hinge, reduction, name)


class CategoricalHinge(LossFunctionWrapper):
    """max(max((1 - y) * p) - sum(y * p) + 1, 0) per sample."""

    def __init__(self, reduction=Reduction.AUTO, name="categorical_hinge"):
        super().__init__(categorical_hinge, reduction, name)


class Poisson(LossFunctionWrapper):
    """mean(y_pred - y_true * log(y_pred)) per sample."""

    def __init__(self, reduction=Reduction.AUTO, name="poisson"):
        super().__init__(poisson, reduction, name)


class LogCosh(LossFunctionWrapper):
    """mean(log(cosh(y_pred - y_true))) per sample."""

    def __init__(self, reduction=Reduction.AUTO, name="log_cosh"):
        super().__init__(log_cosh, reduction, name)


class KLDivergence(LossFunctionWrapper):
    """sum(y_true * log(y_true / y_pred)) per sample."""

    def __init__(self, reduction=Reduction.AUTO, name="kl_divergence"):
        super().__init__(kl_divergence, reduction, name)


class Huber(LossFunctionWrapper):
    """Quadratic for |error| <= delta, linear beyond (delta=1.0).

    Example:
      >>> model.compile('sgd', loss=keras.losses.Huber(delta=2.0))
    """

    def __init__(self, delta=1.0, reduction=Reduction.AUTO, name="huber_loss"):
        super().__init__(huber, reduction, name, delta=delta)


class CosineSimilarity(LossFunctionWrapper):
    """-cosine similarity of y_true and y_pred along ``axis`` (-1: same direction)."""

    def __init__(self, axis=-1, reduction=Reduction.AUTO, name="cosine_similarity"):
        super().__init__(cosine_similarity, reduction, name, axis=axis)


_FUNCTIONS = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, huber, log_cosh, cosine_similarity, poisson, kl_divergence,
    hinge, squared_hinge, categorical_hinge, categorical_crossentropy,
    sparse_categorical_crossentropy, binary_crossentropy)}
_FUNCTIONS.update({"mse": mse, "MSE": mse, "mae": mae, "MAE": mae, "mape": mape, "MAPE": mape,
                   "msle": msle, "MSLE": msle, "kld": kld, "KLD": kld, "logcosh": log_cosh,
                   "kullback_leibler_divergence": kl_divergence, "bce": bce, "BCE": bce})
_CLASSES = {c.__name__: c for c in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, Hinge, SquaredHinge, CategoricalHinge, Poisson, LogCosh,
    KLDivergence, Huber, CosineSimilarity)}
_CLASSES.update({"Loss": Loss, "LossFunctionWrapper": LossFunctionWrapper})


def serialize(loss):
    """A function's name, or ``{'class_name': ..., 'config': ...}`` for a Loss object."""
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return getattr(loss, "__name__", loss)


def deserialize(name, custom_objects=None):
    """A loss function (for a function name) or a Loss object (class name or config dict)."""
    if isinstance(name, dict):
        cname = name["class_name"]
        cls = (custom_objects or {}).get(cname) or _CLASSES.get(cname)
        if cls is None:
            raise ValueError(f"Unknown loss function: {cname}. Please ensure this object is "
                             "passed to the `custom_objects` argument.")
        return cls.from_config(name.get("config", {}))
    if custom_objects and name in custom_objects:
        obj = custom_objects[name]
        return obj() if isinstance(obj, type) else obj
    if name in _FUNCTIONS:
        return _FUNCTIONS[name]
    if name in _CLASSES and _CLASSES[name] not in (Loss, LossFunctionWrapper):
        return _CLASSES[name]()
    raise ValueError(f"Unknown loss function: {name}. Please ensure this object is passed to the "
                     "`custom_objects` argument. See https://www.tensorflow.org/guide/keras/"
                     "save_and_serialize#registering_the_custom_object for details.")


def get(identifier):
    """A loss function or Loss object from a name, a config dict, or a callable.

    Example:
      >>> keras.losses.get('mse') is keras.losses.mean_squared_error
      True
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")
