"""``keras.layers``: every layer class, plus serialize/deserialize by class name."""
import sys as _sys

from .base import InputSpec, Layer  # noqa: F401
from .core import (ActivityRegularization, Activation, Dense, Dropout, Embedding, Flatten,  # noqa: F401
                   GaussianNoise, Input, InputLayer, Lambda, Permute, RepeatVector, Reshape)
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract,  # noqa: F401
                      add, average, concatenate, dot, maximum, minimum, multiply, subtract)
from .advanced import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU  # noqa: F401
from . import advanced, core, merging  # noqa: E402

# the module names of Keras 2 (``from keras.layers.merge import concatenate`` ...)
from . import conv  # noqa: E402

for _alias, _mod in (("convolutional", conv), ("merge", merging), ("advanced_activations", advanced),
                     ("embeddings", core), ("noise", core)):
    globals()[_alias] = _mod
    _sys.modules[__name__ + "." + _alias] = _mod
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .regularization_extra import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .conv3d import *  # noqa: F401,F403,E402
from . import conv3d as _conv3d, pooling as _pooling  # noqa: E402 - the 3-D layers

# Keras 2's module paths hold the 3-D layers too (keras.layers.convolutional.Conv3D,
# keras.layers.pooling.MaxPooling3D)
for _n in _conv3d.__all__:
    setattr(_pooling if "Pool" in _n else conv, _n, getattr(_conv3d, _n))


def _registry():
    """Class name -> class for every Layer subclass known now (layers, models, user subclasses)."""
    out = {}
    stack = [Layer]
    while stack:
        c = stack.pop()
        out.setdefault(c.__name__, c)
        stack.extend(c.__subclasses__())
    return out


def serialize(layer):
    """``{'class_name': ..., 'config': ...}`` for a layer."""
    name = getattr(layer, "_keras_class_name", type(layer).__name__)
    return {"class_name": name, "config": layer.get_config()}


def deserialize(config, custom_objects=None):
    """A layer (or model) from ``{'class_name': ..., 'config': ...}``."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name)
    if cls is None:
        from .. import models
        cls = models.Model if name == "Functional" else _registry().get(name)
    if cls is None:
        raise ValueError(f"Unknown layer: {name}. Please ensure this object is passed to the "
                         "`custom_objects` argument.")
    cfg = config.get("config", {})
    try:
        return cls.from_config(cfg, custom_objects=custom_objects)
    except TypeError as e:
        if "custom_objects" not in str(e):
            raise
        return cls.from_config(cfg)
