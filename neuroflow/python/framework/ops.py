"""``tensorflow.python.framework.ops``."""
from ...core.graph import (Graph, GraphKeys, add_to_collection, control_dependencies,  # noqa: F401
                           device, get_collection, get_default_graph, name_scope,
                           reset_default_graph)
from ...core.op import Operation, convert_to_tensor  # noqa: F401
from ...core.tensor import Tensor  # noqa: F401
from .._alias import lookup


def __getattr__(name):
    return lookup(name)
