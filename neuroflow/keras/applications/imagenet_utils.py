"""``keras.applications.imagenet_utils``: input preprocessing (caffe / tf / torch modes), the
ImageNet class index for ``decode_predictions`` (shipped with the package), and the argument
checks shared by the application models.
"""
import json
import os
import warnings

import numpy as np

from .. import backend as K

CLASS_INDEX = None
CLASS_INDEX_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "imagenet_class_index.json")
_CAFFE_MEAN = [103.939, 116.779, 123.68]          # BGR
_TORCH_MEAN, _TORCH_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def _tf():
    import neuroflow
    return neuroflow


def preprocess_input(x, data_format=None, mode="caffe"):
    """Preprocesses a batch of RGB images (pixels in [0, 255]) the way a model was trained.

    Modes: 'caffe' (RGB -> BGR, minus the ImageNet mean per channel, no scaling: VGG, ResNet),
    'tf' (scaled to [-1, 1]: Inception, MobileNet), 'torch' (scaled to [0, 1], then normalized
    by the ImageNet mean and std per channel). NumPy float arrays are modified in place, as
    Keras does; tensors give new tensors.
    Example:
      >>> x = preprocess_input(np.full((1, 2, 2, 3), 255.0), mode='tf')
      >>> float(x.max())
      1.0
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: "
                         f"mode={mode}")
    if data_format is None:
        data_format = K.image_data_format()
    elif data_format not in ("channels_first", "channels_last"):
        raise ValueError("Expected data_format to be one of `channels_first` or `channels_last`. "
                         f"Received: data_format={data_format}")
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _preprocess_numpy(x, data_format, mode):
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(K.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        if data_format == "channels_first":
            x = x[::-1, ...] if x.ndim == 3 else x[:, ::-1, ...]
        else:
            x = x[..., ::-1]
        mean, std = _CAFFE_MEAN, None
    for c in range(3):
        idx = (c,) if data_format == "channels_first" and x.ndim == 3 else \
            (slice(None), c) if data_format == "channels_first" else (Ellipsis, c)
        x[idx] -= mean[c]
        if std is not None:
            x[idx] /= std[c]
    return x


def _preprocess_tensor(x, data_format, mode):
    tf = _tf()
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = tf.cast(x, K.floatx())
    if mode == "tf":
        return x / 127.5 - 1.0
    nd = x.shape.ndims
    shape = [-1, 1, 1] if data_format == "channels_first" else [-1]
    if mode == "torch":
        mean, std = _TORCH_MEAN, _TORCH_STD
        x = x / 255.0
    else:
        axis = (0 if nd == 3 else 1) if data_format == "channels_first" else -1
        x = tf.reverse(x, [axis % nd])
        mean, std = _CAFFE_MEAN, None
    x = x - tf.reshape(tf.constant(np.array(mean), dtype=x.dtype), shape)
    if std is not None:
        x = x / tf.reshape(tf.constant(np.array(std), dtype=x.dtype), shape)
    return x


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction: [[(wnid, name, score), ...], ...].

    Example:
      >>> decode_predictions(model.predict(x), top=3)[0]
      [('n02504458', 'African_elephant', 0.82), ('n01871265', 'tusker', 0.11), ...]
    """
    global CLASS_INDEX
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("`decode_predictions` expects a batch of predictions (i.e. a 2D array "
                         "of shape (samples, 1000)). Found array with shape: " + str(preds.shape))
    if CLASS_INDEX is None:
        with open(CLASS_INDEX_FILE) as f:
            CLASS_INDEX = json.load(f)
    results = []
    for pred in preds:
        top_indices = pred.argsort()[-top:][::-1]
        result = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in top_indices]
        result.sort(key=lambda t: t[2], reverse=True)
        results.append(result)
    return results


# ==================================================================== shared model arguments
def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """The model's input shape from the user's ``input_shape`` (checked), Keras's rules."""
    first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        c = input_shape[0] if first else input_shape[-1]
        if c not in (1, 3):
            warnings.warn("This model usually expects 1 or 3 input channels. However, it was "
                          f"passed an input_shape with {c} input channels.", stacklevel=2)
        default = (c, default_size, default_size) if first else (default_size, default_size, c)
    else:
        default = (3, default_size, default_size) if first else (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default:
            raise ValueError("When setting `include_top=True` and loading `imagenet` weights, "
                             f"`input_shape` should be {default}.  Received: "
                             f"input_shape={input_shape}")
        return default
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers.")
        c, hw = (input_shape[0], input_shape[1:]) if first else (input_shape[-1],
                                                                 input_shape[:2])
        if c != 3 and weights == "imagenet":
            raise ValueError(f"The input must have 3 channels; Received `input_shape="
                             f"{input_shape}`")
        if any(s is not None and s < min_size for s in hw):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: "
                             f"input_shape={input_shape}")
    else:
        input_shape = default if require_flatten else ((3, None, None) if first
                                                       else (None, None, 3))
    if require_flatten and None in input_shape:
        raise ValueError("If `include_top` is True, you should specify a static `input_shape`. "
                         f"Received: input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """((top, bottom), (left, right)) zero padding that makes a stride-2 'valid' convolution
    line up as TF's 'same' would."""
    axis = 2 if K.image_data_format() == "channels_first" else 1
    size = K.int_shape(inputs)[axis:axis + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def validate_activation(classifier_activation, weights):
    if weights is None:
        return
    from .. import activations
    act = activations.get(classifier_activation)
    if act not in (activations.get("softmax"), activations.get(None)):
        raise ValueError("Only `None` and `softmax` activations are allowed for the "
                         "`classifier_activation` argument when using pretrained weights, with "
                         f"`include_top=True`; Received: classifier_activation="
                         f"{classifier_activation}")


def check_weights(weights, include_top, classes):
    if not (weights in ("imagenet", None) or os.path.exists(str(weights))):
        raise ValueError("The `weights` argument should be either `None` (random "
                         "initialization), `imagenet` (pre-training on ImageNet), or the path to "
                         f"the weights file to be loaded.  Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, '
                         f"`classes` should be 1000.  Received `classes={classes}`")


def input_layer(input_tensor, input_shape):
    """The model's input: a new ``Input``, or the Keras tensor given as ``input_tensor``."""
    from ..layers import Input
    if input_tensor is None:
        return Input(shape=input_shape)
    if K.is_keras_tensor(input_tensor):
        return input_tensor
    return Input(tensor=input_tensor, shape=input_shape)


def source_inputs(t):
    """The Input tensors a Keras tensor comes from (``layer_utils.get_source_inputs``)."""
    from ..layers.base import keras_history
    out, stack, seen = [], [t], set()
    while stack:
        x = stack.pop()
        h = keras_history(x)
        if h is None or id(x) in seen:
            continue
        seen.add(id(x))
        node = h[0]._inbound_nodes[h[1]]
        if not node.input_tensors:
            out.append(x)
        stack.extend(node.input_tensors)
    return out if len(out) != 1 else out[0]


def load_weights(model, weights, folder, file_name):
    """Loads ``weights``: a path, or 'imagenet' (the Keras file ``file_name`` from the Keras cache,
    ~/.keras/models; neuroflow does not download)."""
    if weights is None:
        return model
    if weights == "imagenet":
        from ..utils.data_utils import get_file
        origin = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                  f"{folder}/{file_name}")
        try:
            weights = get_file(file_name, origin, cache_subdir="models")
        except FileNotFoundError as e:
            raise ValueError(f"Pretrained ImageNet weights are not available offline: {e} Pass "
                             "weights=None for random initialization, or weights=<path to a "
                             "Keras .h5 weights file>.") from None
    model.load_weights(weights)
    return model


def pooled_or_top(x, include_top, pooling, top_fn, avg_name=None, max_name=None):
    """The model's head: ``top_fn(x)``, or global average/max pooling, or nothing."""
    from .. import layers
    if include_top:
        return top_fn(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x
