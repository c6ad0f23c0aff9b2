"""``keras.utils``: to_categorical, normalize, Sequence, Progbar, plot_model, set_random_seed ..."""
import random as _random
import sys as _sys

import numpy as _np

from . import data_utils, generic_utils, np_utils, progbar, summary, vis_utils  # noqa: F401
from .data_utils import Sequence, get_file  # noqa: F401
from .generic_utils import (CustomObjectScope, custom_object_scope,  # noqa: F401
                            get_custom_objects, serialize_keras_object)
from .summary import print_summary  # noqa: F401
from .np_utils import normalize, to_categorical  # noqa: F401
from .progbar import Progbar  # noqa: F401
from .vis_utils import model_to_dot, plot_model  # noqa: F401
from .image_dataset import image_dataset_from_directory  # noqa: F401


layer_utils = summary   # Keras's module name for print_summary / count_params
_sys.modules[__name__ + ".layer_utils"] = summary


def set_random_seed(seed):
    """Seeds Python's ``random``, NumPy and neuroflow at once (``keras.utils.set_random_seed``)."""
    if not isinstance(seed, int):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} "
                         f"(of type {type(seed)})")
    _random.seed(seed)
    _np.random.seed(seed)
    from ... import random as _tf_random
    _tf_random.set_seed(seed)
