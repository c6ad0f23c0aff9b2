"""``neuroflow.keras``: the Keras API (``tf.keras``) on neuroflow's engine.

Models train through the same compiled executor as TF1 sessions; see ``models/training.py``.
"""
from .. import initializers  # noqa: F401
from . import (activations, backend, callbacks, config, constraints, datasets, layers,  # noqa: F401
               losses, metrics, models, optimizers, regularizers, utils)
from .layers import Input  # noqa: F401
from .models import Model, Sequential  # noqa: F401
from . import applications, preprocessing  # noqa: F401,E402

__version__ = "2.4.0"
