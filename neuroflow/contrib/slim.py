"""``tf.contrib.slim``: slim's layers, arg_scope and variable helpers under one name."""
from .framework import *  # noqa: F401,F403
from .framework import __all__ as _fw_all
from .layers import *  # noqa: F401,F403
from .layers import __all__ as _layers_all

__all__ = list(_layers_all) + list(_fw_all)
