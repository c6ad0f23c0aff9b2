"""InceptionV3 (Szegedy et al., 2015) as Keras builds it: unnamed conv-BN-relu units
(conv2d_N, batch_normalization_N, activation_N) joined into the blocks mixed0 ... mixed10.
Inputs: 299x299 RGB preprocessed in 'tf' mode."""
from .. import backend as K, layers
from . import imagenet_utils as U


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Convolution (no bias), batch normalization without scale, relu."""
    bn_axis = 1 if K.image_data_format() == "channels_first" else 3
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=None if name is None else name + "_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, scale=False,
                                  name=None if name is None else name + "_bn")(x)
    return layers.Activation("relu", name=name)(x)


def _avg_branch(x, filters):
    b = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(b, filters, 1, 1)


def _block_a(x, pool_filters, name, axis):
    """35x35: 1x1, 5x5, double 3x3 and pooling branches."""
    b1 = conv2d_bn(x, 64, 1, 1)
    b5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    b3 = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    return layers.concatenate([b1, b5, b3, _avg_branch(x, pool_filters)], axis=axis, name=name)


def _block_c(x, c7, name, axis):
    """17x17: factorized 7x7 branches (1x7 then 7x1) with ``c7`` inner filters."""
    b1 = conv2d_bn(x, 192, 1, 1)
    b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, c7, 1, 1), c7, 1, 7), 192, 7, 1)
    d = conv2d_bn(x, c7, 1, 1)
    for f, (r, c) in ((c7, (7, 1)), (c7, (1, 7)), (c7, (7, 1)), (192, (1, 7))):
        d = conv2d_bn(d, f, r, c)
    return layers.concatenate([b1, b7, d, _avg_branch(x, 192)], axis=axis, name=name)


def _block_e(x, i, axis):
    """8x8: the expanded filter bank (1x3 and 3x1 outputs side by side)."""
    b1 = conv2d_bn(x, 320, 1, 1)
    b3 = conv2d_bn(x, 384, 1, 1)
    b3 = layers.concatenate([conv2d_bn(b3, 384, 1, 3), conv2d_bn(b3, 384, 3, 1)], axis=axis,
                            name="mixed9_" + str(i))
    d = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
    d = layers.concatenate([conv2d_bn(d, 384, 1, 3), conv2d_bn(d, 384, 3, 1)], axis=axis)
    return layers.concatenate([b1, b3, d, _avg_branch(x, 192)], axis=axis,
                              name="mixed" + str(9 + i))


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                input_shape=None, pooling=None, classes=1000, classifier_activation="softmax"):
    """Instantiates InceptionV3 (23,851,784 parameters with the top; input 299x299x3, at least
    75x75 without the top).

    Arguments as for ``VGG16``.
    Example:
      >>> model = keras.applications.InceptionV3(weights=None)
      >>> model.output_shape
      (None, 1000)
    """
    U.check_weights(weights, include_top, classes)
    input_shape = U.obtain_input_shape(input_shape, default_size=299, min_size=75,
                                       data_format=K.image_data_format(),
                                       require_flatten=include_top, weights=weights)
    img_input = U.input_layer(input_tensor, input_shape)
    axis = 1 if K.image_data_format() == "channels_first" else 3
    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _block_a(x, 32, "mixed0", axis)
    x = _block_a(x, 64, "mixed1", axis)
    x = _block_a(x, 64, "mixed2", axis)
    # mixed 3: 17x17 by strided branches
    b3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    d = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides=(2, 2),
                  padding="valid")
    pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3, d, pool], axis=axis, name="mixed3")
    x = _block_c(x, 128, "mixed4", axis)
    x = _block_c(x, 160, "mixed5", axis)
    x = _block_c(x, 160, "mixed6", axis)
    x = _block_c(x, 192, "mixed7", axis)
    # mixed 8: 8x8
    b3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b7 = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1)
    b7 = conv2d_bn(b7, 192, 3, 3, strides=(2, 2), padding="valid")
    pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([b3, b7, pool], axis=axis, name="mixed8")
    x = _block_e(x, 0, axis)
    x = _block_e(x, 1, axis)

    def top(x):
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        U.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    x = U.pooled_or_top(x, include_top, pooling, top)
    inputs = U.source_inputs(input_tensor) if input_tensor is not None else img_input
    from ..models import Model
    model = Model(inputs, x, name="inception_v3")
    suffix = "" if include_top else "_notop"
    return U.load_weights(model, weights, "inception_v3",
                          f"inception_v3_weights_tf_dim_ordering_tf_kernels{suffix}.h5")


def preprocess_input(x, data_format=None):
    """RGB images in [0, 255] -> InceptionV3's inputs: 'tf' mode (scaled to [-1, 1])."""
    return U.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = U.decode_predictions
