"""ResNet50/101/152 (He et al., 2015), version 1 with bottleneck blocks, as Keras builds them
(layer names conv1_pad, conv1_conv, conv2_block1_1_conv, ..., avg_pool, predictions).
Inputs: 224x224 RGB preprocessed in 'caffe' mode."""
from .. import backend as K, layers
from . import imagenet_utils as U


def _bn_axis():
    return 3 if K.image_data_format() == "channels_last" else 1


def block1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A bottleneck residual block: 1x1 (stride), 3x3, 1x1 (4 * filters) plus the shortcut."""
    bn = _bn_axis()
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=bn, epsilon=1.001e-5,
                                             name=name + "_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x)
    x = layers.BatchNormalization(axis=bn, epsilon=1.001e-5, name=name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="SAME", name=name + "_2_conv")(x)
    x = layers.BatchNormalization(axis=bn, epsilon=1.001e-5, name=name + "_2_bn")(x)
    x = layers.Activation("relu", name=name + "_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
    x = layers.BatchNormalization(axis=bn, epsilon=1.001e-5, name=name + "_3_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


def stack1(x, filters, blocks, stride1=2, name=None):
    """``blocks`` residual blocks, the first one with a projection shortcut and stride1."""
    x = block1(x, filters, stride=stride1, name=name + "_block1")
    for i in range(2, blocks + 1):
        x = block1(x, filters, conv_shortcut=False, name=name + "_block" + str(i))
    return x


def ResNet(stack_fn, model_name="resnet", include_top=True, weights="imagenet",  # noqa: N802
           input_tensor=None, input_shape=None, pooling=None, classes=1000,
           classifier_activation="softmax"):
    """The ResNet v1 trunk: 7x7/2 convolution, 3x3/2 max pooling, the stacks, then the top."""
    U.check_weights(weights, include_top, classes)
    input_shape = U.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                       data_format=K.image_data_format(),
                                       require_flatten=include_top, weights=weights)
    img_input = U.input_layer(input_tensor, input_shape)
    bn = _bn_axis()
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=bn, epsilon=1.001e-5, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)

    def top(x):
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        U.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    x = U.pooled_or_top(x, include_top, pooling, top, "avg_pool", "max_pool")
    inputs = U.source_inputs(input_tensor) if input_tensor is not None else img_input
    from ..models import Model
    model = Model(inputs, x, name=model_name)
    suffix = "" if include_top else "_notop"
    return U.load_weights(model, weights, "resnet",
                          f"{model_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5")


def _stacks(*blocks):
    """The four residual stages (conv2 ... conv5) with ``blocks`` bottleneck blocks each."""
    def stack_fn(x):
        for k, (filters, n) in enumerate(zip((64, 128, 256, 512), blocks)):
            x = stack1(x, filters, n, stride1=1 if k == 0 else 2, name="conv%d" % (k + 2))
        return x
    return stack_fn


def ResNet50(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
             input_shape=None, pooling=None, classes=1000, **kwargs):
    """Instantiates ResNet50 (25,636,712 parameters with the top).

    Arguments as for ``VGG16`` (plus ``classifier_activation``).
    Example:
      >>> model = keras.applications.ResNet50(weights=None)
      >>> len(model.layers)
      177
    """
    return ResNet(_stacks(3, 4, 6, 3), "resnet50",
                  include_top, weights, input_tensor, input_shape, pooling, classes, **kwargs)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
              input_shape=None, pooling=None, classes=1000, **kwargs):
    """Instantiates ResNet101."""
    return ResNet(_stacks(3, 4, 23, 3), "resnet101",
                  include_top, weights, input_tensor, input_shape, pooling, classes, **kwargs)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
              input_shape=None, pooling=None, classes=1000, **kwargs):
    """Instantiates ResNet152."""
    return ResNet(_stacks(3, 8, 36, 3), "resnet152",
                  include_top, weights, input_tensor, input_shape, pooling, classes, **kwargs)


def preprocess_input(x, data_format=None):
    """RGB images in [0, 255] -> ResNet's inputs: 'caffe' mode (BGR, ImageNet mean removed)."""
    return U.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = U.decode_predictions
