"""``tf.contrib.layers`` (slim) convolution, pooling and batch norm, over the ``tf.layers`` ones.

Variables are renamed as slim names them ("Conv/weights", "Conv/biases", "BatchNorm/beta",
"BatchNorm/moving_mean" ...) and added to MODEL_VARIABLES.
"""
from .. import layers_conv as _conv, layers_conv3d as _conv3d, layers_norm as _norm
from .. import nn as _nn
from ..core.graph import GraphKeys, control_dependencies, name_scope
from ..core.op import convert_to_tensor
from ..core.variable_scope import variable_scope
from ..initializers import Zeros
from ..ops import conv3d_ops as _c3, conv_nn as _cnn
from .framework import add_arg_scope
from .layers import (_add_to_collections, _collect_outputs, _finish_layer,  # noqa: F401
                     _model_variable_getter, xavier_initializer)

__all__ = ["conv1d", "conv2d", "conv3d", "convolution", "convolution1d", "convolution2d",
           "convolution3d", "conv2d_transpose", "convolution2d_transpose", "separable_conv2d",
           "separable_convolution2d", "max_pool2d", "avg_pool2d", "max_pool3d", "avg_pool3d",
           "batch_norm"]


def _data_format(data_format, rank):
    if data_format is None or data_format in ("NHWC", "NWC", "NDHWC"):
        return "channels_last"
    if data_format in ("NCHW", "NCW", "NCDHW"):
        return "channels_first"
    raise ValueError(f"Invalid value for argument `data_format`: expected one of 'NWC', 'NCW', "
                     f"'NHWC', 'NCHW', 'NDHWC', 'NCDHW'. Received: data_format={data_format!r}")


@add_arg_scope
def convolution(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                rate=1, activation_fn=_nn.relu, normalizer_fn=None, normalizer_params=None,
                weights_initializer=xavier_initializer(), weights_regularizer=None,
                biases_initializer=Zeros(), biases_regularizer=None, reuse=None,
                variables_collections=None, outputs_collections=None, trainable=True,
                scope=None, conv_dims=None):
    """A 1-D, 2-D or 3-D convolution layer (by the input's rank, or ``conv_dims``), slim style.

    ``activation_fn(normalizer_fn(conv(inputs, weights) + biases))``; variables "<scope>/weights"
    (xavier) and "<scope>/biases" (none with a normalizer_fn); scope "Conv", "Conv_1" ...
    Example:
      >>> net = tf.contrib.layers.conv2d(images, 32, [3, 3])            # SAME, relu
      >>> net = tf.contrib.layers.max_pool2d(net, [2, 2])
    """
    getter = _model_variable_getter({"kernel": "weights", "bias": "biases"})
    with variable_scope(scope, default_name="Conv", reuse=reuse, custom_getter=getter) as sc:
        inputs = convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if conv_dims is not None and conv_dims + 2 != rank:
            raise ValueError(f"Convolution expects input with rank {conv_dims + 2}, got {rank}")
        if rank not in (3, 4, 5):
            raise ValueError(f"Convolution not supported for input with rank {rank}")
        cls = {3: _conv.Conv1D, 4: _conv.Conv2D, 5: _conv3d.Conv3D}[rank]
        use_bias = not normalizer_fn and biases_initializer is not None
        fuse = normalizer_fn is None and activation_fn is _nn.relu
        layer = cls(filters=num_outputs, kernel_size=kernel_size, strides=stride,
                    padding=padding, data_format=_data_format(data_format, rank),
                    dilation_rate=rate, activation=_nn.relu if fuse else None, use_bias=use_bias,
                    kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
                    kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
                    trainable=trainable, name=sc.name, dtype=inputs.dtype, _scope=sc,
                    _reuse=reuse)
        return _finish_layer(layer, inputs, ("kernel",), sc, variables_collections,
                             outputs_collections, normalizer_fn, normalizer_params,
                             None if fuse else activation_fn)


convolution2d = conv2d = convolution1d = conv1d = convolution


@add_arg_scope
def convolution3d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
                  rate=1, activation_fn=_nn.relu, normalizer_fn=None, normalizer_params=None,
                  weights_initializer=xavier_initializer(), weights_regularizer=None,
                  biases_initializer=Zeros(), biases_regularizer=None, reuse=None,
                  variables_collections=None, outputs_collections=None, trainable=True,
                  scope=None):
    """A 3-D convolution layer, slim style: ``convolution`` of a 5-D input (NDHWC, or NCDHW),
    weights [kd, kh, kw, in, num_outputs], scope "Conv", "Conv_1" ...

    Example:
      >>> net = tf.contrib.layers.conv3d(volumes, 32, [3, 3, 3])       # SAME, relu
      >>> net = tf.contrib.layers.max_pool3d(net, [2, 2, 2])
    """
    # the undecorated convolution: arg_scope([conv2d], ...) does not reach conv3d, as in TF
    return convolution.__wrapped__(
        inputs, num_outputs, kernel_size, stride, padding, data_format, rate, activation_fn,
        normalizer_fn, normalizer_params, weights_initializer, weights_regularizer,
        biases_initializer, biases_regularizer, reuse, variables_collections,
        outputs_collections, trainable, scope, conv_dims=3)


conv3d = convolution3d


@add_arg_scope
def convolution2d_transpose(inputs, num_outputs, kernel_size, stride=1, padding="SAME",
                            data_format="NHWC", activation_fn=_nn.relu, normalizer_fn=None,
                            normalizer_params=None, weights_initializer=xavier_initializer(),
                            weights_regularizer=None, biases_initializer=Zeros(),
                            biases_regularizer=None, reuse=None, variables_collections=None,
                            outputs_collections=None, trainable=True, scope=None):
    """A transposed 2-D convolution layer, slim style (scope "Conv2d_transpose")."""
    getter = _model_variable_getter({"kernel": "weights", "bias": "biases"})
    with variable_scope(scope, default_name="Conv2d_transpose", reuse=reuse,
                        custom_getter=getter) as sc:
        inputs = convert_to_tensor(inputs)
        layer = _conv.Conv2DTranspose(
            filters=num_outputs, kernel_size=kernel_size, strides=stride, padding=padding,
            data_format=_data_format(data_format, 4), activation=None,
            use_bias=not normalizer_fn and biases_initializer is not None,
            kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
            trainable=trainable, name=sc.name, dtype=inputs.dtype, _scope=sc, _reuse=reuse)
        return _finish_layer(layer, inputs, ("kernel",), sc, variables_collections,
                             outputs_collections, normalizer_fn, normalizer_params, activation_fn)


conv2d_transpose = convolution2d_transpose


@add_arg_scope
def separable_convolution2d(inputs, num_outputs, kernel_size, depth_multiplier=1, stride=1,
                            padding="SAME", data_format="NHWC", rate=1,
                            activation_fn=_nn.relu, normalizer_fn=None, normalizer_params=None,
                            weights_initializer=xavier_initializer(),
                            pointwise_initializer=None, weights_regularizer=None,
                            biases_initializer=Zeros(), biases_regularizer=None, reuse=None,
                            variables_collections=None, outputs_collections=None,
                            trainable=True, scope=None):
    """Depthwise then pointwise convolution, slim style (scope "SeparableConv2d").

    ``num_outputs=None`` skips the pointwise step (a depthwise convolution only).
    """
    if num_outputs is None:
        raise NotImplementedError("separable_conv2d with num_outputs=None (depthwise only) is "
                                  "not supported by neuroflow yet; use tf.nn.depthwise_conv2d.")
    getter = _model_variable_getter({"depthwise_kernel": "depthwise_weights",
                                     "pointwise_kernel": "pointwise_weights", "bias": "biases"})
    with variable_scope(scope, default_name="SeparableConv2d", reuse=reuse,
                        custom_getter=getter) as sc:
        inputs = convert_to_tensor(inputs)
        layer = _conv.SeparableConv2D(
            filters=num_outputs, kernel_size=kernel_size, strides=stride, padding=padding,
            data_format=_data_format(data_format, 4), dilation_rate=rate,
            depth_multiplier=depth_multiplier, activation=None,
            use_bias=not normalizer_fn and biases_initializer is not None,
            depthwise_initializer=weights_initializer,
            pointwise_initializer=pointwise_initializer or weights_initializer,
            bias_initializer=biases_initializer, depthwise_regularizer=weights_regularizer,
            pointwise_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
            trainable=trainable, name=sc.name, dtype=inputs.dtype, _scope=sc, _reuse=reuse)
        return _finish_layer(layer, inputs, ("depthwise_kernel", "pointwise_kernel"), sc,
                             variables_collections, outputs_collections, normalizer_fn,
                             normalizer_params, activation_fn)


separable_conv2d = separable_convolution2d


def _pool(fn, default, inputs, kernel_size, stride, padding, data_format, outputs_collections,
          scope):
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    k = list(_conv._tuple(kernel_size, 2, "kernel_size"))
    st = list(_conv._tuple(stride, 2, "stride"))
    first = data_format == "NCHW"
    with name_scope(scope, default) as sc:
        outputs = fn(inputs, [1, 1] + k if first else [1] + k + [1],
                     [1, 1] + st if first else [1] + st + [1], _conv._pad_arg(padding),
                     data_format)
    return _collect_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D max pooling, slim style (stride 2 and VALID by default)."""
    return _pool(_cnn.max_pool, "MaxPool2D", inputs, kernel_size, stride, padding, data_format,
                 outputs_collections, scope)


@add_arg_scope
def avg_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D average pooling, slim style (stride 2 and VALID by default)."""
    return _pool(_cnn.avg_pool, "AvgPool2D", inputs, kernel_size, stride, padding, data_format,
                 outputs_collections, scope)


def _pool3d(fn, default, inputs, kernel_size, stride, padding, data_format, outputs_collections,
            scope):
    if data_format not in ("NCDHW", "NDHWC"):
        raise ValueError("data_format has to be either NCDHW or NDHWC.")
    k = list(_conv._tuple(kernel_size, 3, "kernel_size"))
    st = list(_conv._tuple(stride, 3, "stride"))
    with name_scope(scope, default) as sc:
        outputs = fn(inputs, k, st, _conv._pad_arg(padding), data_format)
    return _collect_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def max_pool3d(inputs, kernel_size, stride=2, padding="VALID", data_format="NDHWC",
               outputs_collections=None, scope=None):
    """3-D max pooling, slim style (stride 2 and VALID by default; name scope "MaxPool3D").

    Args:
      inputs: [batch, depth, height, width, channels] (NDHWC) or NCDHW.
      kernel_size, stride: an int or [depth, height, width].
    Example:
      >>> net = tf.contrib.layers.max_pool3d(net, [2, 2, 2])
    """
    return _pool3d(_c3.max_pool3d, "MaxPool3D", inputs, kernel_size, stride, padding,
                   data_format, outputs_collections, scope)


@add_arg_scope
def avg_pool3d(inputs, kernel_size, stride=2, padding="VALID", data_format="NDHWC",
               outputs_collections=None, scope=None):
    """3-D average pooling, slim style (stride 2 and VALID by default; name scope
    "AvgPool3D")."""
    return _pool3d(_c3.avg_pool3d, "AvgPool3D", inputs, kernel_size, stride, padding,
                   data_format, outputs_collections, scope)


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None,
               param_initializers=None, param_regularizers=None,
               updates_collections=GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format="NHWC",
               zero_debias_moving_mean=False, scope=None, renorm=False, renorm_clipping=None,
               renorm_decay=0.99, adjustment=None):
    """Batch normalization, slim style: scope "BatchNorm", no gamma unless ``scale=True``.

    While ``is_training`` (a bool or a fed boolean tensor) the moving statistics are updated with
    ``decay``: by ops added to ``updates_collections`` (run them with the train op), or, when it
    is None, in place before the output is returned.
    Example:
      >>> net = tf.contrib.layers.conv2d(x, 64, [3, 3], normalizer_fn=tf.contrib.layers.batch_norm,
      ...                                normalizer_params={"is_training": is_training})
    """
    if batch_weights is not None or zero_debias_moving_mean or renorm:
        raise NotImplementedError("batch_norm with batch_weights, zero_debias_moving_mean or "
                                  "renorm is not supported by neuroflow yet.")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    inits = param_initializers or {}
    regs = param_regularizers or {}
    getter = _model_variable_getter({})
    with variable_scope(scope, default_name="BatchNorm", reuse=reuse,
                        custom_getter=getter) as sc:
        inputs = convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if rank is None:
            raise ValueError(f"Inputs {inputs.name} has undefined rank.")
        axis = 1 if data_format == "NCHW" and rank > 2 else -1
        layer = _norm.BatchNormalization(
            axis=axis, momentum=decay, epsilon=epsilon, center=center, scale=scale,
            beta_initializer=inits.get("beta"), gamma_initializer=inits.get("gamma"),
            moving_mean_initializer=inits.get("moving_mean"),
            moving_variance_initializer=inits.get("moving_variance"),
            beta_regularizer=regs.get("beta"), gamma_regularizer=regs.get("gamma"),
            trainable=trainable, name=sc.name, dtype=inputs.dtype, _scope=sc, _reuse=reuse)
        layer._collect_updates = updates_collections == GraphKeys.UPDATE_OPS
        outputs = layer.apply(inputs, training=is_training)
        for v, key in ((layer.beta, "beta"), (layer.gamma, "gamma"),
                       (layer.moving_mean, "moving_mean"),
                       (layer.moving_variance, "moving_variance")):
            if v is not None:
                _add_to_collections(v, variables_collections, key)
        if layer.updates and updates_collections != GraphKeys.UPDATE_OPS:
            if updates_collections is None:
                with control_dependencies(layer.updates):
                    from ..ops.array_ops import identity
                    outputs = identity(outputs)
            else:
                from ..core.graph import add_to_collections
                for u in layer.updates:
                    add_to_collections(updates_collections, u)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               begin_norm_axis=1, begin_params_axis=-1, scope=None):
    """Layer normalization (Ba et al. 2016): each example normalized over its axes from
    ``begin_norm_axis`` on, then ``* gamma + beta`` (shape ``inputs.shape[begin_params_axis:]``).

    Variables "<scope>/beta" (zeros) and "<scope>/gamma" (ones), scope "LayerNorm" by default;
    the variance epsilon is TF's 1e-12.
    Example:
      >>> h = tf.contrib.layers.layer_norm(tf.matmul(x, W))
    """
    from ..core.variable_scope import get_variable
    from ..initializers import Ones
    getter = _model_variable_getter({})
    with variable_scope(scope, default_name="LayerNorm", reuse=reuse,
                        custom_getter=getter) as sc:
        inputs = convert_to_tensor(inputs)
        shape = inputs.shape
        rank = shape.ndims
        if rank is None:
            raise ValueError("Inputs %s has undefined rank." % inputs.name)
        if begin_norm_axis < 0:
            begin_norm_axis = rank + begin_norm_axis
        if begin_params_axis >= rank or begin_norm_axis >= rank:
            raise ValueError("begin_params_axis (%d) and begin_norm_axis (%d) must be < "
                             "rank(inputs) (%d)" % (begin_params_axis, begin_norm_axis, rank))
        params_shape = shape[begin_params_axis:]
        if not params_shape.is_fully_defined():
            raise ValueError("Inputs %s: shape(inputs)[%s:] is not fully defined: %s"
                             % (inputs.name, begin_params_axis, shape))
        beta = gamma = None
        if center:
            beta = get_variable("beta", shape=params_shape, dtype=inputs.dtype,
                                initializer=Zeros(), trainable=trainable)
            _add_to_collections(beta, variables_collections, "beta")
        if scale:
            gamma = get_variable("gamma", shape=params_shape, dtype=inputs.dtype,
                                 initializer=Ones(), trainable=trainable)
            _add_to_collections(gamma, variables_collections, "gamma")
        mean, variance = _nn.moments(inputs, list(range(begin_norm_axis, rank)), keep_dims=True)
        outputs = _nn.batch_normalization(inputs, mean, variance, offset=beta, scale=gamma,
                                          variance_epsilon=1e-12)
        outputs.set_shape(shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_outputs(outputs_collections, sc.name, outputs)
