"""``tf.contrib.layers``: initializers, regularizers and the slim-style layers (fully_connected ...)."""
import math
import numbers

from .. import layers as _core_layers
from .. import nn as _nn
from ..core import dtypes
from ..core.graph import GraphKeys, add_to_collection, get_collection, name_scope
from ..core.op import convert_to_tensor
from ..core.variable_scope import variable_scope
from ..initializers import Zeros, _compute_fans, _shape_list
from .framework import add_arg_scope


# ------------------------------------------------------------------ initializers
def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=dtypes.float32):
    """He/Xavier-style initializer of TF1 contrib: stddev sqrt(factor / n).

    n is fan_in, fan_out or their mean (``mode``). Uniform draws use limit sqrt(3 * factor / n);
    normal ones a truncated normal with stddev sqrt(1.3 * factor / n), as TF1 contrib draws them.
    Example:
      >>> init = tf.contrib.layers.variance_scaling_initializer()   # He normal
    """
    if not dtypes.as_dtype(dtype).is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError("Unknown mode %s [FAN_IN, FAN_OUT, FAN_AVG]" % mode)
    default_dtype = dtype

    def _initializer(shape, dtype=default_dtype, partition_info=None):
        import neuroflow as tf
        dt = dtypes.as_dtype(dtype if dtype is not None else default_dtype)
        if not dt.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        shape = _shape_list(shape)
        fan_in, fan_out = _compute_fans(shape)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return tf.random_uniform(shape, -limit, limit, dt, seed=seed)
        # 1.3 makes up (nearly) for the variance lost by truncating at two standard deviations
        return tf.truncated_normal(shape, 0.0, math.sqrt(1.3 * factor / n), dt, seed=seed)
    return _initializer


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """Glorot/Xavier: ``variance_scaling_initializer(1.0, "FAN_AVG", uniform)``.

    Example:
      >>> W = tf.get_variable("W", [784, 512], initializer=tf.contrib.layers.xavier_initializer())
    """
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed,
                                        dtype=dtype)


xavier_initializer_conv2d = xavier_initializer


# ------------------------------------------------------------------ regularizers
def _check_scale(scale):
    if isinstance(scale, numbers.Integral):
        raise ValueError("scale cannot be an integer: %s" % (scale,))
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError("Setting a scale less than 0 on a regularizer: %g." % scale)
        if scale == 0.0:
            return False
    return True


def l2_regularizer(scale, scope=None):
    """``scale * sum(w ** 2) / 2`` (``tf.nn.l2_loss``) for ``regularizer=`` arguments."""
    if not _check_scale(scale):
        return lambda _: None

    def l2(weights):
        import neuroflow as tf
        s = convert_to_tensor(scale, dtype=weights.dtype, name="scale")
        return tf.multiply(s, _nn.l2_loss(weights), name=scope or "l2_regularizer")
    return l2


def l1_regularizer(scale, scope=None):
    """``scale * sum(|w|)``."""
    if not _check_scale(scale):
        return lambda _: None

    def l1(weights):
        import neuroflow as tf
        s = convert_to_tensor(scale, dtype=weights.dtype, name="scale")
        return tf.multiply(s, tf.reduce_sum(tf.abs(weights)), name=scope or "l1_regularizer")
    return l1


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """The sum of ``l1_regularizer(scale_l1)`` and ``l2_regularizer(scale_l2)``."""
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def sum_regularizer(regularizer_list, scope=None):
    """A regularizer adding the penalties of ``regularizer_list`` (None entries skipped); None
    when no regularizer is left, as in TF."""
    regs = [r for r in regularizer_list if r is not None]
    if not regs:
        return None

    def total(weights):
        import neuroflow as tf
        penalties = [p for p in (r(weights) for r in regs) if p is not None]
        if not penalties:
            return None
        return tf.add_n(penalties, name=scope or "sum_regularizer")
    return total


def apply_regularization(regularizer, weights_list=None):
    """The summed penalty of ``regularizer`` over ``weights_list`` (default: the WEIGHTS collection),
    also added to ``REGULARIZATION_LOSSES``."""
    import neuroflow as tf
    if not weights_list:
        weights_list = get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with name_scope("get_regularization_penalty"):
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p if p is not None else tf.constant(0.0) for p in penalties]
        for p in penalties:
            if p.shape.ndims != 0:
                raise ValueError("regularizer must return a scalar Tensor instead of a Tensor with "
                                 "rank %d." % p.shape.ndims)
        total = tf.add_n(penalties)
    add_to_collection(GraphKeys.REGULARIZATION_LOSSES, total)
    return total


# ------------------------------------------------------------------ layers
def _model_variable_getter(rename):
    """Renames the tf.layers variables (kernel -> weights ...) and adds them to MODEL_VARIABLES."""
    def getter(true_getter, name, *args, **kwargs):
        parts = name.split("/")
        if parts[-1] in rename:
            parts[-1] = rename[parts[-1]]
            name = "/".join(parts)
        cols = list(kwargs.get("collections") or [GraphKeys.GLOBAL_VARIABLES])
        if GraphKeys.MODEL_VARIABLES not in cols:
            cols.append(GraphKeys.MODEL_VARIABLES)
        kwargs["collections"] = cols
        return true_getter(name, *args, **kwargs)
    return getter


def _add_to_collections(var, collections, key):
    if collections is None:
        return
    if isinstance(collections, dict):
        collections = collections.get(key)
        if collections is None:
            return
    if isinstance(collections, str):
        collections = [collections]
    for c in collections:
        if var not in get_collection(c):
            add_to_collection(c, var)


def _collect_outputs(collections, alias, outputs):
    if collections:
        if isinstance(collections, str):
            collections = [collections]
        for c in collections:
            add_to_collection(c, outputs)
    return outputs


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=_nn.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=xavier_initializer(),
                    weights_regularizer=None,
                    biases_initializer=Zeros(), biases_regularizer=None, reuse=None,
                    variables_collections=None, outputs_collections=None, trainable=True,
                    scope=None):
    """A fully connected layer: ``activation_fn(normalizer_fn(inputs @ weights + biases))``.

    Variables "<scope>/weights" (default xavier_initializer) and "<scope>/biases" (zeros; none when
    ``biases_initializer`` is None or a ``normalizer_fn`` is given); scope "fully_connected",
    "fully_connected_1" ... by default. Inputs of rank > 2 are contracted over their last axis.
    Example:
      >>> h = tf.contrib.layers.fully_connected(X, 256)                 # relu
      >>> logits = tf.contrib.layers.fully_connected(h, 10, activation_fn=None)
    """
    if not isinstance(num_outputs, numbers.Integral) or isinstance(num_outputs, bool):
        raise ValueError("num_outputs type should be one of [<class 'int'>], got %s."
                         % type(num_outputs))
    getter = _model_variable_getter({"kernel": "weights", "bias": "biases"})
    with variable_scope(scope, default_name="fully_connected", reuse=reuse,
                        custom_getter=getter) as sc:
        inputs = convert_to_tensor(inputs)
        layer = _core_layers.Dense(
            units=num_outputs, activation=None,
            use_bias=not normalizer_fn and biases_initializer is not None,
            kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
            trainable=trainable, name=sc.name, dtype=inputs.dtype, _scope=sc, _reuse=reuse)
        return _finish_layer(layer, inputs, ("kernel",), sc, variables_collections,
                             outputs_collections, normalizer_fn, normalizer_params, activation_fn)


def _finish_layer(layer, inputs, weights, sc, variables_collections, outputs_collections,
                  normalizer_fn, normalizer_params, activation_fn):
    """What every contrib layer does after building its core layer: apply it, file its
    variables, then the normalizer, the activation and the outputs collection."""
    outputs = layer.apply(inputs)  # builds the layer: its weights exist from here on
    for w in weights:
        _add_to_collections(getattr(layer, w), variables_collections, "weights")
    if layer.bias is not None:
        _add_to_collections(layer.bias, variables_collections, "biases")
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return _collect_outputs(outputs_collections, sc.name, outputs)


def linear(inputs, num_outputs, **kwargs):
    """``fully_connected`` without an activation (TF's ``partial(fully_connected,
    activation_fn=None)``: an explicit ``activation_fn`` still wins)."""
    kwargs.setdefault("activation_fn", None)
    return fully_connected(inputs, num_outputs, **kwargs)


@add_arg_scope
def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None,
            scope=None, seed=None):
    """Keeps each input with probability ``keep_prob`` (scaled by 1 / keep_prob) while
    ``is_training`` (a bool or a fed boolean tensor); identity otherwise."""
    with variable_scope(scope, default_name="Dropout") as sc:
        inputs = convert_to_tensor(inputs)
        rate = 1 - keep_prob
        layer = _core_layers.Dropout(rate=rate, noise_shape=noise_shape, seed=seed, name=sc.name,
                                     _scope=sc)
        outputs = layer.apply(inputs, training=is_training)
        return _collect_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """Flattens all but the batch axis: [batch, ...] -> [batch, k]."""
    with name_scope(scope or "Flatten"):
        inputs = convert_to_tensor(inputs)
        if inputs.shape.ndims is not None and inputs.shape.ndims < 2:
            raise ValueError("Inputs must have a least 2 dimensions.")
        outputs = _core_layers.flatten(inputs)
    return _collect_outputs(outputs_collections, scope, outputs)


def stack(inputs, layer, stack_args, **kwargs):
    """Applies ``layer`` once per entry of ``stack_args`` in scopes "<scope>/<scope>_1", ...

    Example:
      >>> y = stack(x, fully_connected, [32, 64, 128], scope="fc")
    """
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with variable_scope(scope, default_name="Stack"):
        name = scope or "Stack"
        outputs = inputs
        for i, args in enumerate(stack_args):
            kwargs["scope"] = "%s_%d" % (name, i + 1)
            args = args if isinstance(args, (list, tuple)) else [args]
            outputs = layer(outputs, *args, **kwargs)
        return outputs


def repeat(inputs, repetitions, layer, *args, **kwargs):
    """Applies ``layer(outputs, *args)`` ``repetitions`` times in scopes "<scope>/<scope>_1", ..."""
    scope = kwargs.pop("scope", None)
    with variable_scope(scope, default_name="Repeat"):
        name = scope or "Repeat"
        outputs = inputs
        for i in range(repetitions):
            kwargs["scope"] = "%s_%d" % (name, i + 1)
            outputs = layer(outputs, *args, **kwargs)
        return outputs


__all__ = ["variance_scaling_initializer", "xavier_initializer", "xavier_initializer_conv2d",
           "l1_regularizer", "l2_regularizer", "l1_l2_regularizer", "sum_regularizer",
           "apply_regularization", "fully_connected", "linear", "dropout", "flatten", "stack",
           "repeat", "batch_norm", "layer_norm", "conv1d", "conv2d", "conv3d", "convolution",
           "convolution2d", "conv2d_transpose", "convolution2d_transpose", "separable_conv2d",
           "separable_convolution2d", "max_pool2d", "avg_pool2d", "max_pool3d", "avg_pool3d",
           "convolution1d", "convolution3d"]
from .layers_conv import (  # noqa: E402,F401 - conv, pooling, batch_norm (layers_conv.py)
    avg_pool2d, avg_pool3d, batch_norm, conv1d, conv2d, conv2d_transpose, conv3d, convolution,
    convolution1d, convolution2d, convolution2d_transpose, convolution3d, layer_norm, max_pool2d,
    max_pool3d, separable_conv2d, separable_convolution2d)
