"""``keras.optimizers``: SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam, Ftrl, schedules.

Keras 2's defaults, update rules and configs; each update is one fused in-place op per variable
(see ``optimizer.py``). ``tf.optimizers`` is this module.

Example:
  >>> model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss='mse')
  >>> model.compile(optimizer='sgd', loss='mse')
"""
from . import legacy, schedules  # noqa: F401
from .adam import Adam, Adamax, Nadam
from .gradient_descent import SGD, Adadelta, Adagrad, Ftrl, RMSprop
from .optimizer import Optimizer  # noqa: F401

_CLASSES = {c.__name__.lower(): c for c in (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam,
                                            Ftrl)}


def serialize(optimizer):
    """``{'class_name': ..., 'config': ...}`` of an optimizer.

    Example:
      >>> keras.optimizers.serialize(keras.optimizers.SGD())['class_name']
      'SGD'
    """
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    """An optimizer from ``serialize``'s dict (class names in any case: 'adam', 'Adam')."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _CLASSES.get(name.lower())
    if cls is None:
        raise ValueError(f"Unknown optimizer: {name}. Please ensure this object is passed to the "
                         "`custom_objects` argument. See https://www.tensorflow.org/guide/keras/"
                         "save_and_serialize#registering_the_custom_object for details.")
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """An optimizer from a name ('sgd', 'adam', ...), a config dict or an instance.

    A TF1 ``tf.train`` optimizer is returned as it is: ``Model.fit`` applies it too.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if hasattr(identifier, "apply_gradients") and hasattr(identifier, "compute_gradients"):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
