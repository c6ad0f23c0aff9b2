"""``keras.config``: global switches (floatx, epsilon, unsafe deserialization)."""
from .backend import epsilon, floatx, image_data_format, set_epsilon, set_floatx  # noqa: F401
from .backend import set_image_data_format  # noqa: F401
from .layers.core import enable_unsafe_deserialization  # noqa: F401
