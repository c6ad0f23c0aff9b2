"""``tf.layers`` (TF1) convolution and pooling, as functions and layers (batch normalization:
``layers_norm.py``).

Variables come from ``tf.get_variable`` in the layer's scope: "conv2d/kernel:0" ([kh, kw, in,
filters], glorot_uniform by default) and "conv2d/bias:0". conv2d with
``activation=tf.nn.relu`` runs as ONE fused op (convolution, bias and relu).
"""
from .core.op import convert_to_tensor
from .core.shape import TensorShape
from .initializers import Zeros
from .layers import Layer, _activation

from .ops import conv3d_ops as C3
from .ops import conv_ops as C
from .ops.conv_depthwise_ops import DepthwiseConv2dNative
from .ops.conv_pool_ops import AvgPool, MaxPool

__all__ = ["Conv1D", "Conv2D", "Conv2DTranspose", "SeparableConv1D", "SeparableConv2D",
           "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "conv1d",
           "conv2d", "conv2d_transpose", "separable_conv1d", "separable_conv2d", "max_pooling1d",
           "max_pooling2d", "average_pooling1d", "average_pooling2d"]


# ==================================================================== argument helpers
def _tuple(v, n, name):
    """TF's normalize_tuple: an int or n ints."""
    if isinstance(v, int):
        out = (v,) * n
    else:
        try:
            out = tuple(int(a) for a in v)
        except TypeError:
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: "
                             f"{v}") from None
        if len(out) != n:
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: "
                             f"{v}")
    if any(a < 1 for a in out):
        raise ValueError(f"Invalid value for argument `{name}`: expected positive integers. "
                         f"Received: {name}={v}")
    return out


def _pad_arg(padding):
    p = str(padding).lower()
    if p not in ("valid", "same"):
        raise ValueError("Invalid value for argument `padding`: expected 'valid' or 'same'. "
                         f"Received: padding={padding!r}")
    return p.upper()


def _format_arg(data_format):
    df = data_format or "channels_last"
    if df not in ("channels_last", "channels_first"):
        raise ValueError("Invalid value for argument `data_format`: expected 'channels_last' or "
                         f"'channels_first'. Received: data_format={data_format!r}")
    return df


def _rank_check(layer, inputs, rank):
    nd = inputs.shape.ndims
    if nd is not None and nd != rank:
        raise ValueError(f"Input 0 of layer {layer.name} is incompatible with the layer: expected "
                         f"ndim={rank}, found ndim={nd}. Full shape received: "
                         f"{inputs.shape.as_list()}")


def _to_last(x, first):
    """NHWC (NDHWC for a 5-D x) from channels first."""
    import neuroflow as tf
    return tf.transpose(x, [0, 2, 3, 4, 1] if x.shape.ndims == 5 else [0, 2, 3, 1]) if first \
        else x


def _to_first(x, first):
    import neuroflow as tf
    return tf.transpose(x, [0, 4, 1, 2, 3] if x.shape.ndims == 5 else [0, 3, 1, 2]) if first \
        else x


# ==================================================================== convolutions
class _Conv(Layer):
    """Shared by Conv1D / Conv2D: kernel [*kernel_size, in_channels, filters], optional bias."""
    rank = 2
    base = "conv2d"

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, activity_regularizer=activity_regularizer,
                         **kwargs)
        self._base_name = name or self.base
        self.filters = int(filters)
        if self.filters <= 0:
            raise ValueError("Invalid value for argument `filters`: expected a positive integer. "
                             f"Received: filters={filters}")
        n = self.rank
        self.kernel_size = _tuple(kernel_size, n, "kernel_size")
        self.strides = _tuple(strides, n, "strides")
        self.dilation_rate = _tuple(dilation_rate, n, "dilation_rate")
        self.padding = _pad_arg(padding).lower()
        self.data_format = _format_arg(data_format)
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = Zeros() if bias_initializer is None else bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.kernel = self.bias = None

    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _kernel_shape(self, channels):
        return self.kernel_size + (channels, self.filters)

    def build(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        channels = d[self._channel_axis()] if d else None
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
        self.kernel = self.add_weight("kernel", list(self._kernel_shape(channels)),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.built = True

    def _conv(self, x4, kernel, strides, dilations):
        """The NHWC convolution of x4, with the bias and a relu fused in when they follow."""
        from . import nn
        relu = self.activation is nn.relu
        op = C.Conv2D(strides, self.padding.upper(), dilations, bias=self.use_bias, relu=relu)
        ins = (x4, convert_to_tensor(kernel))
        if self.use_bias:
            ins += (convert_to_tensor(self.bias),)
        y = op._build(ins, "Conv2D")
        return y, (None if relu else self.activation)

    def call(self, inputs):
        _rank_check(self, inputs, self.rank + 2)
        first = self.data_format == "channels_first"
        if self.rank == 2:
            y, act = self._conv(_to_last(inputs, first), self.kernel, self.strides,
                                self.dilation_rate)
            y = _to_first(y, first)
        else:
            import neuroflow as tf
            x4 = tf.expand_dims(tf.transpose(inputs, [0, 2, 1]) if first else inputs, 1)
            k4 = tf.expand_dims(self.kernel, 0)
            y, act = self._conv(x4, k4, (1,) + self.strides, (1,) + self.dilation_rate)
            y = tf.squeeze(y, [1])
            y = tf.transpose(y, [0, 2, 1]) if first else y
        return act(y) if act is not None else y

    def compute_output_shape(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        first = self.data_format == "channels_first"
        sp = d[2:] if first else d[1:-1]
        out = [C.static_out(s, k, st, dl, self.padding.upper(), 0)
               for s, k, st, dl in zip(sp, self.kernel_size, self.strides, self.dilation_rate)]
        return TensorShape([d[0], self.filters] + out if first else [d[0]] + out + [self.filters])

    def get_config(self):
        cfg = super().get_config()
        cfg.update(filters=self.filters, kernel_size=self.kernel_size, strides=self.strides,
                   padding=self.padding, data_format=self.data_format,
                   dilation_rate=self.dilation_rate,
                   activation=getattr(self.activation, "__name__", None), use_bias=self.use_bias)
        return cfg


class Conv2D(_Conv):
    """2-D convolution layer (``tf.layers.Conv2D``): ``activation(conv2d(inputs, kernel) + bias)``.

    Example:
      >>> layer = tf.layers.Conv2D(32, [3, 3], padding="same", activation=tf.nn.relu)
      >>> y = layer(tf.placeholder(tf.float32, [None, 28, 28, 1]))
      >>> layer.kernel.name
      'conv2d/kernel:0'
    """


class Conv1D(_Conv):
    """1-D convolution layer (``tf.layers.Conv1D``): kernel [kernel_size, in, filters]."""
    rank = 1
    base = "conv1d"


class Conv2DTranspose(_Conv):
    """Transposed 2-D convolution (``tf.layers.Conv2DTranspose``): kernel [kh, kw, filters, in].

    Output size: in * stride for "same", in * stride + max(k - stride, 0) for "valid".
    """
    base = "conv2d_transpose"

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", activation=None, use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, activation=activation, use_bias=use_bias,
                         **kwargs)

    def _kernel_shape(self, channels):
        return self.kernel_size + (self.filters, channels)

    def _out(self, n, k, s):
        if n is None:
            return None
        return n * s if self.padding == "same" else n * s + max(k - s, 0)

    def call(self, inputs):
        from . import nn
        n = self.rank
        _rank_check(self, inputs, n + 2)
        first = self.data_format == "channels_first"
        x = _to_last(inputs, first)
        d = x.shape.as_tuple()
        out = [self._out(d[1 + i], self.kernel_size[i], self.strides[i]) for i in range(n)]
        op = C.Conv2DBackpropInput if n == 2 else C3.Conv3DBackpropInput
        spec = (self.strides, self.padding.upper(), self.dilation_rate)
        if None in out:
            import neuroflow as tf
            sh = tf.shape(x)
            sizes = tf.stack([sh[0]] + [self._out(sh[1 + i], self.kernel_size[i],
                                                  self.strides[i]) for i in range(n)]
                             + [self.filters])
            y = op(*spec)._build((x, convert_to_tensor(self.kernel), sizes), self.base)
        else:
            y = op(*spec, x_shape=(None, *out, self.filters))._build(
                (x, convert_to_tensor(self.kernel)), self.base)
        if self.use_bias:
            y = nn.bias_add(y, self.bias)
        y = _to_first(y, first)
        return self.activation(y) if self.activation is not None else y

    def compute_output_shape(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        first = self.data_format == "channels_first"
        sp = d[2:] if first else d[1:-1]
        out = [self._out(s, k, st) for s, k, st in zip(sp, self.kernel_size, self.strides)]
        return TensorShape([d[0], self.filters] + out if first else [d[0]] + out + [self.filters])


class SeparableConv2D(_Conv):
    """Depthwise then pointwise (1x1) convolution (``tf.layers.SeparableConv2D``).

    Variables: depthwise_kernel [kh, kw, in, depth_multiplier], pointwise_kernel
    [1, 1, in * depth_multiplier, filters], bias.
    """
    base = "separable_conv2d"

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer=None,
                 pointwise_initializer=None, bias_initializer=None, depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, trainable=trainable, name=name,
                         **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer, self.pointwise_initializer = (depthwise_initializer,
                                                                  pointwise_initializer)
        self.depthwise_regularizer, self.pointwise_regularizer = (depthwise_regularizer,
                                                                  pointwise_regularizer)
        self.depthwise_constraint, self.pointwise_constraint = (depthwise_constraint,
                                                                pointwise_constraint)

    def _pointwise_shape(self, channels):
        return [1, 1, channels * self.depth_multiplier, self.filters]

    def build(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        channels = d[self._channel_axis()] if d else None
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
        m = self.depth_multiplier
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", list(self.kernel_size) + [channels, m],
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", self._pointwise_shape(channels),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs):
        _rank_check(self, inputs, 4)
        first = self.data_format == "channels_first"
        dw = DepthwiseConv2dNative(self.strides, self.padding.upper(), self.dilation_rate)
        h = dw._build((_to_last(inputs, first), convert_to_tensor(self.depthwise_kernel)),
                      "separable_conv2d")
        y, act = self._conv(h, self.pointwise_kernel, (1, 1), (1, 1))
        y = _to_first(y, first)
        return act(y) if act is not None else y

class SeparableConv1D(SeparableConv2D):
    """Depthwise then pointwise 1-D convolution (``tf.layers.SeparableConv1D``): depthwise_kernel
    [k, in, depth_multiplier], pointwise_kernel [1, in * depth_multiplier, filters], bias."""
    rank = 1
    base = "separable_conv1d"

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, depth_multiplier=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         depth_multiplier=depth_multiplier, **kwargs)

    def _pointwise_shape(self, channels):
        return [1, channels * self.depth_multiplier, self.filters]

    def call(self, inputs):
        import neuroflow as tf
        _rank_check(self, inputs, 3)
        first = self.data_format == "channels_first"
        x4 = tf.expand_dims(tf.transpose(inputs, [0, 2, 1]) if first else inputs, 1)
        dw = DepthwiseConv2dNative((1,) + self.strides, self.padding.upper(),
                                   (1,) + self.dilation_rate)
        h = dw._build((x4, tf.expand_dims(self.depthwise_kernel, 0)), "separable_conv1d")
        y, act = self._conv(h, tf.expand_dims(self.pointwise_kernel, 0), (1, 1), (1, 1))
        y = tf.squeeze(y, [1])
        y = tf.transpose(y, [0, 2, 1]) if first else y
        return act(y) if act is not None else y


# ==================================================================== pooling
class _Pooling(Layer):
    rank = 2
    op = MaxPool
    base = "max_pooling2d"

    def __init__(self, pool_size, strides=None, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._base_name = name or self.base
        self.pool_size = _tuple(pool_size, self.rank, "pool_size")
        self.strides = self.pool_size if strides is None else _tuple(strides, self.rank,
                                                                     "strides")
        self.padding = _pad_arg(padding).lower()
        self.data_format = _format_arg(data_format)

    def call(self, inputs):
        import neuroflow as tf
        _rank_check(self, inputs, self.rank + 2)
        first = self.data_format == "channels_first"
        k, s = self.pool_size, self.strides
        if self.rank == 1:
            x = tf.expand_dims(tf.transpose(inputs, [0, 2, 1]) if first else inputs, 1)
            k, s = (1,) + k, (1,) + s
        else:
            x = _to_last(inputs, first)
        y = self.op(k, s, self.padding.upper())._build((x,), self.op.type)
        y = y[0] if isinstance(y, (tuple, list)) else y
        if self.rank == 1:
            y = tf.squeeze(y, [1])
            return tf.transpose(y, [0, 2, 1]) if first else y
        return _to_first(y, first)

    def compute_output_shape(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        first = self.data_format == "channels_first"
        sp = d[2:] if first else d[1:-1]
        out = [C.static_out(a, k, st, 1, self.padding.upper(), 0)
               for a, k, st in zip(sp, self.pool_size, self.strides)]
        return TensorShape([d[0], d[1]] + out if first else [d[0]] + out + [d[-1]])

    def get_config(self):
        cfg = super().get_config()
        cfg.update(pool_size=self.pool_size, strides=self.strides, padding=self.padding,
                   data_format=self.data_format)
        return cfg


class MaxPooling2D(_Pooling):
    """Max pooling layer for 2-D inputs (``tf.layers.MaxPooling2D``)."""


class AveragePooling2D(_Pooling):
    """Average pooling layer for 2-D inputs (``tf.layers.AveragePooling2D``)."""
    op, base = AvgPool, "average_pooling2d"


class MaxPooling1D(_Pooling):
    """Max pooling layer for 1-D inputs (``tf.layers.MaxPooling1D``)."""
    rank, base = 1, "max_pooling1d"


class AveragePooling1D(_Pooling):
    """Average pooling layer for 1-D inputs (``tf.layers.AveragePooling1D``)."""
    rank, op, base = 1, AvgPool, "average_pooling1d"


# ==================================================================== functional interface
def _functional(cls, args):
    """``cls`` made from a functional interface's arguments (``name`` is also the variable
    scope, ``reuse`` shares its variables) and applied to ``inputs``."""
    args = dict(args)
    inputs, reuse = args.pop("inputs"), args.pop("reuse")
    return cls(_scope=args["name"], _reuse=reuse, **args).apply(inputs)


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
           bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
           bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional interface of ``Conv2D`` (``tf.layers.conv2d``).

    Args:
      inputs: [batch, height, width, channels] (or channels first with ``data_format``).
      filters: the number of output channels.
      kernel_size: an int or (height, width).
      strides, dilation_rate: an int or a pair.
      padding: "valid" or "same" (case-insensitive).
      activation: e.g. ``tf.nn.relu`` (fused into the convolution op).
      name: the variable scope ("conv2d", "conv2d_1" ... when None); reuse: share variables.
    Returns:
      The output tensor.
    Example:
      >>> conv1 = tf.layers.conv2d(X_img, 32, [3, 3], padding="SAME", activation=tf.nn.relu)
    """
    return _functional(Conv2D, locals())


def conv1d(inputs, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
           dilation_rate=1, activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
           activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
           trainable=True, name=None, reuse=None):
    """Functional interface of ``Conv1D`` (``tf.layers.conv1d``)."""
    return _functional(Conv1D, locals())


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True,
                     kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                     bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional interface of ``Conv2DTranspose`` (``tf.layers.conv2d_transpose``)."""
    return _functional(Conv2DTranspose, locals())


def separable_conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                     activation=None, use_bias=True, depthwise_initializer=None,
                     pointwise_initializer=None, bias_initializer=None,
                     depthwise_regularizer=None, pointwise_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                     pointwise_constraint=None, bias_constraint=None, trainable=True, name=None,
                     reuse=None):
    """Functional interface of ``SeparableConv2D`` (``tf.layers.separable_conv2d``)."""
    return _functional(SeparableConv2D, locals())


def separable_conv1d(inputs, filters, kernel_size, strides=1, padding="valid",
                     data_format="channels_last", dilation_rate=1, depth_multiplier=1,
                     activation=None, use_bias=True, depthwise_initializer=None,
                     pointwise_initializer=None, bias_initializer=None,
                     depthwise_regularizer=None, pointwise_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                     pointwise_constraint=None, bias_constraint=None, trainable=True, name=None,
                     reuse=None):
    """Functional interface of ``SeparableConv1D`` (``tf.layers.separable_conv1d``)."""
    return _functional(SeparableConv1D, locals())


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """Max pooling of 2-D inputs (``tf.layers.max_pooling2d``).

    Example:
      >>> pool1 = tf.layers.max_pooling2d(conv1, pool_size=[2, 2], padding="SAME", strides=2)
    """
    return MaxPooling2D(pool_size, strides, padding, data_format, name=name).apply(inputs)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """Average pooling of 2-D inputs (``tf.layers.average_pooling2d``)."""
    return AveragePooling2D(pool_size, strides, padding, data_format, name=name).apply(inputs)


def max_pooling1d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """Max pooling of 1-D inputs (``tf.layers.max_pooling1d``)."""
    return MaxPooling1D(pool_size, strides, padding, data_format, name=name).apply(inputs)


def average_pooling1d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """Average pooling of 1-D inputs (``tf.layers.average_pooling1d``)."""
    return AveragePooling1D(pool_size, strides, padding, data_format, name=name).apply(inputs)


# the module-level names of tf.layers also include the layer classes' short aliases
Convolution1D, Convolution2D, Convolution2DTranspose = Conv1D, Conv2D, Conv2DTranspose
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = (MaxPooling1D, MaxPooling2D, AveragePooling1D,
                                              AveragePooling2D)
__all__ += ["Convolution1D", "Convolution2D", "Convolution2DTranspose", "MaxPool1D",
            "MaxPool2D", "AvgPool1D", "AvgPool2D"]
