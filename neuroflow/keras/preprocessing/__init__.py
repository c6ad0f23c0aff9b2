"""``keras.preprocessing``: images (``image``: loading, ``ImageDataGenerator``), padded sequences
(``sequence``) and text to word ids (``text``)."""
from . import image, sequence, text  # noqa: F401
from ..utils.image_dataset import image_dataset_from_directory  # noqa: F401
