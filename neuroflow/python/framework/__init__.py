from . import dtypes, ops, tensor_shape, tensor_util  # noqa: F401
