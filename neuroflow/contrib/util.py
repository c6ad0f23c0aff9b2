"""``tf.contrib.util``: TensorProto helpers and constant folding, as TF1 serving clients use."""
from .._api import make_ndarray, make_tensor_proto  # noqa: F401
from ..python.framework.tensor_util import constant_value  # noqa: F401

__all__ = ["make_tensor_proto", "make_ndarray", "constant_value"]
