"""Metric classes that average a per-sample function over every sample seen."""
import numpy as np

from . import functions as F
from .base import MeanMetricWrapper, Reduce, update_pair


def _tf():
    import neuroflow
    return neuroflow


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    Example:
      >>> m = keras.metrics.Accuracy()
      >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
      >>> m.result().numpy()
      0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(F.accuracy, name, dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) equals the 0/1 label.

    Example:
      >>> model.compile('sgd', 'binary_crossentropy', metrics=[keras.metrics.BinaryAccuracy()])
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(F.binary_accuracy, name, dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals argmax of the one-hot label."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(F.categorical_accuracy, name, dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals the integer label."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(F.sparse_categorical_accuracy, name, dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the k highest predictions (k=5).

    Example:
      >>> m = keras.metrics.TopKCategoricalAccuracy(k=1)
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(F.top_k_categorical_accuracy, name, dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k highest predictions (k=5)."""

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(F.sparse_top_k_categorical_accuracy, name, dtype, k=k)


class MeanSquaredError(MeanMetricWrapper):
    """The mean of mean_squared_error over the samples."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(F.mean_squared_error, name, dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of mean_absolute_error over the samples."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(F.mean_absolute_error, name, dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The mean of mean_absolute_percentage_error over the samples."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(F.mean_absolute_percentage_error, name, dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The mean of mean_squared_logarithmic_error over the samples."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(F.mean_squared_logarithmic_error, name, dtype)


class RootMeanSquaredError(Reduce):
    """sqrt of the mean of the squared errors of every element seen.

    Example:
      >>> m = keras.metrics.RootMeanSquaredError()
      >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
      >>> m.result().numpy()
      0.5
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__("mean", name, dtype)

    def _stats(self, y_true, y_pred, sample_weight=None):
        tf = _tf()
        y_pred = tf.convert_to_tensor(y_pred)
        err = tf.squared_difference(y_pred, tf.cast(y_true, y_pred.dtype))
        return Reduce._stats(self, err, None, sample_weight)

    def _result_from(self, state):
        return np.sqrt(Reduce._result_from(self, state))

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_pair(self, y_true, y_pred, sample_weight)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity of labels and predictions along ``axis``."""

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(F.cosine_similarity, name, dtype, axis=axis)


class LogCoshError(MeanMetricWrapper):
    """The mean of log(cosh(y_pred - y_true))."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(F.log_cosh, name, dtype)


class Hinge(MeanMetricWrapper):
    """The mean hinge loss."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(F.hinge, name, dtype)


class SquaredHinge(MeanMetricWrapper):
    """The mean squared hinge loss."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(F.squared_hinge, name, dtype)


class CategoricalHinge(MeanMetricWrapper):
    """The mean categorical hinge loss."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(F.categorical_hinge, name, dtype)


class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence of predictions from labels."""

    def __init__(self, name="kullback_leibler_divergence", dtype=None):
        super().__init__(F.kl_divergence, name, dtype)


class Poisson(MeanMetricWrapper):
    """The mean Poisson loss."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(F.poisson, name, dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy (from_logits, label_smoothing)."""

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(F.binary_crossentropy, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy (from_logits, label_smoothing, axis)."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(F.categorical_crossentropy, name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean sparse categorical cross-entropy (from_logits, axis)."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 axis=-1):
        super().__init__(F.sparse_categorical_crossentropy, name, dtype, from_logits=from_logits,
                         axis=axis)
