"""MobileNetV2 (Sandler et al., 2018) with Keras's layer names (Conv1, bn_Conv1,
expanded_conv_depthwise, block_1_expand ... Conv_1, out_relu, predictions).
Inputs: RGB (96-224 square) preprocessed in 'tf' mode."""
from .. import backend as K, layers
from . import imagenet_utils as U
from .mobilenet import _rows_cols


def _make_divisible(v, divisor, min_value=None):
    """v rounded to a multiple of ``divisor``, never more than 10% down."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _bn(x, name):
    axis = 1 if K.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)(x)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """1x1 expansion (not in block 0), 3x3 depthwise, 1x1 linear projection, residual add when
    the shapes allow."""
    axis = 1 if K.image_data_format() == "channels_first" else -1
    in_channels = K.int_shape(inputs)[axis]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                          activation=None, name=prefix + "expand")(x)
        x = _bn(x, prefix + "expand_BN")
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=U.correct_pad(x, 3), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(x)
    x = _bn(x, prefix + "depthwise_BN")
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
                      activation=None, name=prefix + "project")(x)
    x = _bn(x, prefix + "project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=prefix + "add")([inputs, x])
    return x


_BLOCKS = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6),
           (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6),
           (160, 1, 6), (160, 1, 6), (320, 1, 6)]   # (filters, stride, expansion)


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",  # noqa: N802
                input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax",
                **kwargs):
    """Instantiates MobileNetV2 (3,538,984 parameters with the top at alpha=1).

    Args:
      alpha: width multiplier. Others as for ``VGG16``.
    Example:
      >>> model = keras.applications.MobileNetV2(weights=None)
      >>> model.count_params()
      3538984
    """
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    U.check_weights(weights, include_top, classes)
    if input_shape is None and input_tensor is not None and K.is_keras_tensor(input_tensor):
        d = K.int_shape(input_tensor)
        rows, cols = (d[2], d[3]) if K.image_data_format() == "channels_first" else (d[1], d[2])
    else:
        rows, cols = _rows_cols(input_shape)
    default_size = rows if rows == cols and rows in (96, 128, 160, 192, 224) else 224
    input_shape = U.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                       data_format=K.image_data_format(),
                                       require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        if alpha not in (0.35, 0.50, 0.75, 1.0, 1.3, 1.4):
            raise ValueError("If imagenet weights are being loaded, alpha must be one of `0.35`, "
                             "`0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received "
                             f"`alpha={alpha}`")
        if rows != cols or rows not in (96, 128, 160, 192, 224):
            rows = 224
    img_input = U.input_layer(input_tensor, input_shape)
    x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
                      padding="same", use_bias=False, name="Conv1")(img_input)
    x = _bn(x, "bn_Conv1")
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                                expansion=expansion, block_id=block_id)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _bn(x, "Conv_1_bn")
    x = layers.ReLU(6.0, name="out_relu")(x)

    def top(x):
        x = layers.GlobalAveragePooling2D()(x)
        U.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    x = U.pooled_or_top(x, include_top, pooling, top)
    inputs = U.source_inputs(input_tensor) if input_tensor is not None else img_input
    from ..models import Model
    model = Model(inputs, x, name=f"mobilenetv2_{alpha:0.2f}_{rows}")
    name = ("mobilenet_v2_weights_tf_dim_ordering_tf_kernels_" + str(float(alpha)) + "_"
            + str(rows) + ("" if include_top else "_no_top") + ".h5")
    return U.load_weights(model, weights, "mobilenet_v2", name)


def preprocess_input(x, data_format=None):
    """RGB images in [0, 255] -> MobileNetV2's inputs: 'tf' mode (scaled to [-1, 1])."""
    return U.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = U.decode_predictions
