"""MobileNet v1 (Howard et al., 2017) with Keras's layer names (conv1, conv_dw_1, conv_pw_1 ...,
conv_preds, predictions). Inputs: RGB (128, 160, 192 or 224 square) preprocessed in 'tf' mode."""
from .. import backend as K, layers
from . import imagenet_utils as U


def _channel_axis():
    return 1 if K.image_data_format() == "channels_first" else -1


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    filters = int(filters * alpha)
    x = layers.Conv2D(filters, kernel, padding="same", use_bias=False, strides=strides,
                      name="conv1")(inputs)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(inputs, pointwise_conv_filters, alpha, depth_multiplier=1,
                          strides=(1, 1), block_id=1):
    """3x3 depthwise convolution, BN, relu6, then 1x1 pointwise convolution, BN, relu6."""
    filters = int(pointwise_conv_filters * alpha)
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name="conv_pad_%d" % block_id)(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if strides == (1, 1) else "valid",
                               depth_multiplier=depth_multiplier, strides=strides,
                               use_bias=False, name="conv_dw_%d" % block_id)(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv_dw_%d_bn" % block_id)(x)
    x = layers.ReLU(6.0, name="conv_dw_%d_relu" % block_id)(x)
    x = layers.Conv2D(filters, (1, 1), padding="same", use_bias=False, strides=(1, 1),
                      name="conv_pw_%d" % block_id)(x)
    x = layers.BatchNormalization(axis=_channel_axis(), name="conv_pw_%d_bn" % block_id)(x)
    return layers.ReLU(6.0, name="conv_pw_%d_relu" % block_id)(x)


def _rows_cols(input_shape):
    if input_shape is None:
        return None, None
    if K.image_data_format() == "channels_first":
        return input_shape[1], input_shape[2]
    return input_shape[0], input_shape[1]


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3,  # noqa: N802
              include_top=True, weights="imagenet", input_tensor=None, pooling=None,
              classes=1000, classifier_activation="softmax"):
    """Instantiates MobileNet (4,253,864 parameters with the top at alpha=1).

    Args:
      alpha: width multiplier of every layer's filters; depth_multiplier: of the depthwise
        convolutions; dropout: before the classifier. Others as for ``VGG16``.
    Example:
      >>> model = keras.applications.MobileNet(weights=None)
      >>> model.name
      'mobilenet_1.00_224'
    """
    U.check_weights(weights, include_top, classes)
    rows, cols = _rows_cols(input_shape)
    default_size = rows if rows == cols and rows in (128, 160, 192, 224) else 224
    input_shape = U.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                       data_format=K.image_data_format(),
                                       require_flatten=include_top, weights=weights)
    rows, cols = _rows_cols(input_shape)
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1.  "
                             f"Received depth_multiplier={depth_multiplier}")
        if alpha not in (0.25, 0.50, 0.75, 1.0):
            raise ValueError("If imagenet weights are being loaded, alpha can be one of`0.25`, "
                             f"`0.50`, `0.75` or `1.0` only.  Received alpha={alpha}")
        if rows != cols or rows not in (128, 160, 192, 224):
            rows = 224
    img_input = U.input_layer(input_tensor, input_shape)
    x = _conv_block(img_input, 32, alpha, strides=(2, 2))
    plan = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + \
        [(1024, 2), (1024, 1)]
    for block_id, (filters, s) in enumerate(plan, 1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier, strides=(s, s),
                                  block_id=block_id)

    def top(x):
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        U.validate_activation(classifier_activation, weights)
        return layers.Activation(activation=classifier_activation, name="predictions")(x)
    x = U.pooled_or_top(x, include_top, pooling, top)
    inputs = U.source_inputs(input_tensor) if input_tensor is not None else img_input
    from ..models import Model
    model = Model(inputs, x, name=f"mobilenet_{alpha:0.2f}_{rows}")
    text = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0"}.get(alpha, "2_5")
    name = f"mobilenet_{text}_{rows}_tf" + ("" if include_top else "_no_top") + ".h5"
    return U.load_weights(model, weights, "mobilenet", name)


def preprocess_input(x, data_format=None):
    """RGB images in [0, 255] -> MobileNet's inputs: 'tf' mode (scaled to [-1, 1])."""
    return U.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = U.decode_predictions
