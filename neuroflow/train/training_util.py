"""The global step: an int64 scalar Variable named 'global_step' in the GLOBAL_STEP collection."""
import numpy as np

from ..core import context, dtypes
from ..core.graph import GraphKeys, get_default_graph, name_scope
from ..core.tensor import Tensor
from ..core.variables import Variable

__all__ = ["get_global_step", "create_global_step", "get_or_create_global_step", "global_step",
           "assert_global_step"]


def global_step(sess, global_step_tensor):
    """The value of the global step as a Python int (``tf.train.global_step``).

    Example:
      >>> print('global_step: %s' % tf.train.global_step(sess, global_step_tensor))
      global_step: 10
    """
    if context.executing_eagerly() and getattr(global_step_tensor, "_value", None) is not None:
        return int(global_step_tensor.numpy())
    return int(sess.run(global_step_tensor))


def get_global_step(graph=None):
    """The global step of ``graph`` (default graph if None), or None (``tf.train.get_global_step``).

    Looks in the GLOBAL_STEP collection, then for a variable named 'global_step'.
    """
    graph = graph or get_default_graph()
    found = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(found) > 1:
        import logging
        logging.getLogger("neuroflow").error("Multiple tensors in global_step collection.")
        return None
    if found:
        step = found[0]
    else:
        step = next((v for v in graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
                     if v.name == "global_step:0"), None)
        if step is None:
            try:
                step = graph.get_tensor_by_name("global_step:0")
            except KeyError:
                return None
    assert_global_step(step)
    return step


def create_global_step(graph=None):
    """Creates the global step: int64, scalar, starting at 0, not trainable
    (``tf.train.create_global_step``). Raises ValueError if the graph already has one."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), name_scope(None):
        return Variable(np.zeros((), np.int64), trainable=False, name=GraphKeys.GLOBAL_STEP,
                        dtype=dtypes.int64,
                        collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The graph's global step, created if it has none (``tf.train.get_or_create_global_step``)."""
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    return step if step is not None else create_global_step(graph)


def assert_global_step(global_step_tensor):
    """Raises TypeError unless ``global_step_tensor`` is an integer scalar Variable or Tensor."""
    if not (isinstance(global_step_tensor, (Variable, Tensor))):
        raise TypeError('Existing "global_step" must be a Variable, Tensor or ResourceVariable. '
                        'Found: %s' % (global_step_tensor,))
    if not global_step_tensor.dtype.is_integer:
        raise TypeError('Existing "global_step" does not have integer type: %s'
                        % global_step_tensor.dtype)
    shape = global_step_tensor.get_shape()
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError('Existing "global_step" is not scalar: %s' % shape)
