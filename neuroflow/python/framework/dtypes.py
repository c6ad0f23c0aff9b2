"""``tensorflow.python.framework.dtypes``."""
from ...core.dtypes import *  # noqa: F401,F403
from ...core.dtypes import DType, as_dtype  # noqa: F401
