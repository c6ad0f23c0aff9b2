"""neuroflow: TensorFlow 1.x and Keras, rebuilt on NumPy.

``import neuroflow as tf`` gives the TensorFlow namespace: graph code with placeholders and
sessions (TF1), eager code with GradientTape (TF2), and ``neuroflow.keras``.
"""
__version__ = "0.1.0"

from .core import threads as _threads

_threads.apply_default_policy()  # one BLAS thread unless the user chose (see core/threads.py)
_threads.tune_malloc()  # per-step arrays reuse heap memory instead of fresh page-faulted mmaps

from .core import dtypes as _dtypes
from .core.dtypes import (DType, as_dtype, bfloat16, bool_ as bool, complex64, complex128, double,
                          float16, float32, float64, half, int8, int16, int32, int64, string,
                          uint8, uint16, uint32, uint64)
from .core.shape import Dimension, TensorShape
from .core.tensor import Tensor, is_tensor
from .core.op import Operation, constant, convert_to_tensor
from .core.graph import (Graph, GraphKeys, add_to_collection, add_to_collections, control_dependencies,
                         device, get_collection, get_collection_ref, get_default_graph, name_scope,
                         reset_default_graph)
from .core.variables import (Variable, all_variables, assign, assign_add, assign_sub, assert_variables_initialized, global_variables,
                             global_variables_initializer, initialize_all_variables,
                             is_variable_initialized, local_variables, local_variables_initializer,
                             model_variables, moving_average_variables, report_uninitialized_variables,
                             trainable_variables, variables_initializer)
from .core.session import InteractiveSession, Session, get_default_session
from .core.gradients import gradients
from .core.tape import GradientTape
from .core import errors
from .ops.math_ops import *  # noqa: F401,F403
from .ops.reduce_ops import *  # noqa: F401,F403
from .ops.array_ops import *  # noqa: F401,F403
from .ops.control_flow_ops import cond, group, no_op, tuple_ as tuple, while_loop  # noqa: A001
from ._api import *  # noqa: F401,F403
from .ops.random_ops import *  # noqa: F401,F403
from . import train  # noqa: E402
from .core.variable_scope import *  # noqa: F401,F403,E402
from .ops.gather_ops import *  # noqa: F401,F403,E402
from .math import *  # noqa: F401,F403,E402
from . import (app, config, compat, python, contrib, image, initializers, layers, linalg, logging, losses, math, nn,  # noqa: E402
               random, test)
from .app import flags  # noqa: E402,F401
from .logging import get_logger  # noqa: E402,F401
from .core.graph import GraphKeys as _GK  # noqa: E402,F401
from .core.errors import OpError as _OpError  # noqa: E402,F401
newaxis = None
from .ops.io_ops import *  # noqa: F401,F403,E402
from . import summary  # noqa: E402,F401  (tf.summary: TensorBoard event files)
from .summary import Event, Summary  # noqa: E402,F401  (tf.Summary, tf.Event protos)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    if name in ("keras", "optimizers"):  # imported on first use: keeps `import neuroflow` light
        import importlib
        keras = importlib.import_module(".keras", __name__)
        return keras if name == "keras" else keras.optimizers
    raise AttributeError(f"module 'tensorflow' has no attribute '{name}': tf.{name} is not supported by "
                         "neuroflow yet")
