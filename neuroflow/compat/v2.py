"""``tf.compat.v2``: the neuroflow namespace, resolved like ``tf.compat.v1``."""
from .v1 import __dir__, __getattr__  # noqa: F401
