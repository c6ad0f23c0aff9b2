"""``keras.applications.resnet50``: the ResNet50 names (an alias module of ``resnet``)."""
from .resnet import ResNet50, decode_predictions, preprocess_input  # noqa: F401
