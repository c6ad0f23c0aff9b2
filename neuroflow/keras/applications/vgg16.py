"""VGG16 (Simonyan and Zisserman, 2014), with Keras's layer names: block1_conv1 ... fc1, fc2,
predictions. Inputs: 224x224 RGB preprocessed in 'caffe' mode."""
from .. import backend as K, layers
from . import imagenet_utils as U


def vgg(depths, name, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
        pooling=None, classes=1000, classifier_activation="softmax"):
    """The VGG family: five blocks of 3x3 convolutions (64, 128, 256, 512, 512 filters, ``depths``
    of them per block), each followed by 2x2 max pooling, then fc1, fc2 (4096) and predictions."""
    U.check_weights(weights, include_top, classes)
    input_shape = U.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                       data_format=K.image_data_format(),
                                       require_flatten=include_top, weights=weights)
    img_input = U.input_layer(input_tensor, input_shape)
    x = img_input
    for b, (filters, n) in enumerate(zip((64, 128, 256, 512, 512), depths), 1):
        for i in range(1, n + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same",
                              name=f"block{b}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{b}_pool")(x)

    def top(x):
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        U.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    x = U.pooled_or_top(x, include_top, pooling, top)
    inputs = U.source_inputs(input_tensor) if input_tensor is not None else img_input
    from ..models import Model
    model = Model(inputs, x, name=name)
    suffix = "" if include_top else "_notop"
    return U.load_weights(model, weights, name,
                          f"{name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5")


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,  # noqa: N802
          pooling=None, classes=1000, classifier_activation="softmax"):
    """Instantiates the VGG16 model (138,357,544 parameters with the top).

    Args:
      include_top: include the 3 fully-connected layers (then the input must be 224x224x3).
      weights: None (random initialization), 'imagenet' (the Keras weights file, if it is in the
        Keras cache) or the path of a Keras weights file.
      input_tensor: a Keras tensor to use as the input; input_shape: without the top, e.g.
        (200, 200, 3) (at least 32x32).
      pooling: without the top: None (4-D output), 'avg' or 'max' (global pooling).
      classes: outputs of the top; classifier_activation: of the top layer.
    Returns:
      A ``keras.Model``.
    Example:
      >>> model = keras.applications.VGG16(weights=None)
      >>> model.count_params()
      138357544
    """
    return vgg((2, 2, 3, 3, 3), "vgg16", include_top, weights, input_tensor, input_shape,
               pooling, classes, classifier_activation)


def preprocess_input(x, data_format=None):
    """RGB images in [0, 255] -> VGG16's inputs: 'caffe' mode (BGR, ImageNet mean removed)."""
    return U.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = U.decode_predictions
