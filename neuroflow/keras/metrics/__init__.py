"""``keras.metrics``: metric functions and stateful Metric objects (Keras 2's names).

``model.compile(metrics=['acc'])`` reports under 'acc', ``['accuracy']`` under 'accuracy'
(resolved to binary, categorical or sparse accuracy from the loss and the shapes), a function
under its name, a Metric object under its ``name``.

Example:
  >>> model.compile('adam', 'binary_crossentropy', metrics=['accuracy', keras.metrics.AUC()])
"""
from .base import Mean, MeanMetricWrapper, Metric, Reduce, Sum  # noqa: F401
from .confusion import (AUC, FalseNegatives, FalsePositives, Precision, Recall,  # noqa: F401
                        TrueNegatives, TruePositives)
from .functions import *  # noqa: F401,F403
from .functions import resolve_accuracy, resolve_crossentropy  # noqa: F401
from . import functions as _functions
from .wrappers import (Accuracy, BinaryAccuracy, BinaryCrossentropy,  # noqa: F401
                       CategoricalAccuracy, CategoricalCrossentropy, CategoricalHinge,
                       CosineSimilarity, Hinge, KLDivergence, LogCoshError, MeanAbsoluteError,
                       MeanAbsolutePercentageError, MeanSquaredError,
                       MeanSquaredLogarithmicError, Poisson, RootMeanSquaredError,
                       SparseCategoricalAccuracy, SparseCategoricalCrossentropy,
                       SparseTopKCategoricalAccuracy, SquaredHinge, TopKCategoricalAccuracy)

_FUNCTIONS = {k: v for k, v in vars(_functions).items()
              if callable(v) and not k.startswith("_") and not k.startswith("resolve_")}
_CLASSES = {c.__name__: c for c in (
    Mean, Sum, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, RootMeanSquaredError,
    CosineSimilarity, LogCoshError, Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Precision,
    Recall, AUC, TruePositives, FalsePositives, TrueNegatives, FalseNegatives)}
# class names in snake case also name the stateful metrics ('precision', 'auc', 'true_positives')
_SNAKE = {"precision": Precision, "recall": Recall, "auc": AUC, "true_positives": TruePositives,
          "false_positives": FalsePositives, "true_negatives": TrueNegatives,
          "false_negatives": FalseNegatives}


def serialize(metric):
    """A function's name, or ``{'class_name': ..., 'config': ...}`` for a Metric object."""
    if isinstance(metric, Metric):
        return {"class_name": type(metric).__name__, "config": metric.get_config()}
    return getattr(metric, "__name__", metric)


def deserialize(config, custom_objects=None):
    """A metric function (for a function name) or a Metric object (class name or dict)."""
    if isinstance(config, dict):
        name = config["class_name"]
        cls = (custom_objects or {}).get(name) or _CLASSES.get(name)
        if cls is None:
            raise ValueError(f"Unknown metric function: {name}. Please ensure this object is "
                             "passed to the `custom_objects` argument.")
        return cls.from_config(config.get("config", {}))
    if custom_objects and config in custom_objects:
        obj = custom_objects[config]
        return obj() if isinstance(obj, type) else obj
    if config in _FUNCTIONS:
        return _FUNCTIONS[config]
    cls = _CLASSES.get(config) or _SNAKE.get(config)
    if cls is not None:
        return cls()
    raise ValueError(f"Unknown metric function: {config}. Please ensure this object is passed "
                     "to the `custom_objects` argument. See https://www.tensorflow.org/guide/"
                     "keras/save_and_serialize#registering_the_custom_object for details.")


def get(identifier):
    """A metric function or Metric object from a name, a config dict or a callable.

    Example:
      >>> keras.metrics.get('mse') is keras.metrics.mean_squared_error
      True
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier}")
