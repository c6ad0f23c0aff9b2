"""VGG19 (Simonyan and Zisserman, 2014): VGG16 with four convolutions in blocks 3-5; Keras's
layer names. Inputs: 224x224 RGB preprocessed in 'caffe' mode."""
from . import imagenet_utils as U
from .vgg16 import vgg


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,  # noqa: N802
          pooling=None, classes=1000, classifier_activation="softmax"):
    """Instantiates the VGG19 model (143,667,240 parameters with the top).

    Arguments as for ``VGG16``.
    Example:
      >>> keras.applications.VGG19(weights=None, include_top=False, input_shape=(64, 64, 3))
    """
    return vgg((2, 2, 4, 4, 4), "vgg19", include_top, weights, input_tensor, input_shape,
               pooling, classes, classifier_activation)


def preprocess_input(x, data_format=None):
    """RGB images in [0, 255] -> VGG19's inputs: 'caffe' mode (BGR, ImageNet mean removed)."""
    return U.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = U.decode_predictions
