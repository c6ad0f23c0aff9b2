"""Convolution layers: Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv1D/2D (the
padding, cropping and upsampling layers that go with them are in reshaping.py).

Weights have Keras's names and layouts, so they move between neuroflow and Keras unchanged:
``kernel`` [*kernel_size, in_channels, filters] (HWIO), ``bias`` [filters], ``depthwise_kernel``
[kh, kw, in_channels, depth_multiplier], ``pointwise_kernel`` [1, 1, in * multiplier, filters].
Every layer computes in NHWC (1-D layers as images of height 1); channels-first inputs are
transposed in and out. A relu activation is fused into the convolution op with its bias.
"""
from ...core.op import convert_to_tensor
from ...core.shape import TensorShape
from ...ops import conv_ops as C
from ...ops.conv_depthwise_ops import DepthwiseConv2dNative
from .. import _initializers, activations, constraints, regularizers
from .base import InputSpec, Layer
from .conv_utils import (_from_nhwc, _hw, _tf, _to_nhwc, conv_output_length, deconv_output_length,
                         normalize_data_format, normalize_padding, normalize_tuple)

__all__ = ["Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv1D",
           "SeparableConv2D", "Convolution1D", "Convolution2D", "Convolution2DTranspose",
           "SeparableConvolution1D", "SeparableConvolution2D"]


def _is_relu(fn):
    from ... import nn
    return fn is activations.relu or fn is nn.relu


# ==================================================================== convolutions
class Conv(Layer):
    """The N-D convolution base (rank 1 or 2): ``activation(conv(inputs, kernel) + bias)``."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        n = self.rank
        if isinstance(filters, float):
            filters = int(filters)
        if filters is not None and filters <= 0:
            raise ValueError("Invalid value for argument `filters`. Expected a strictly positive "
                             f"value. Received filters={filters}.")
        self.filters = filters
        self.groups = groups or 1
        self.kernel_size = normalize_tuple(kernel_size, n, "kernel_size")
        self.strides = normalize_tuple(strides, n, "strides", allow_zero=True)
        self.padding = normalize_padding(padding, causal=n == 1)
        self.data_format = normalize_data_format(data_format)
        self.dilation_rate = normalize_tuple(dilation_rate, n, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = _initializers.get(kernel_initializer)
        self.bias_initializer = _initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=n + 2)
        if filters is not None and filters % self.groups:
            raise ValueError("The number of filters must be evenly divisible by the number of "
                             f"groups. Received: groups={self.groups}, filters={filters}")
        if not all(self.strides):
            raise ValueError(f"The argument `strides` cannot contains 0(s). Received: "
                             f"{self.strides}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                             f"Received: strides={self.strides} and "
                             f"dilation_rate={self.dilation_rate}")

    # ---------------------------------------------------------------- shapes
    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _input_channels(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        c = d[self._channel_axis()] if d else None
        if c is None:
            raise ValueError("The channel dimension of the inputs should be defined. The "
                             f"input_shape received is {TensorShape(input_shape)}, where axis "
                             f"{self._channel_axis()} (0-based) is the channel dimension, which "
                             "found to be `None`.")
        return c

    def _spatial_out(self, sizes):
        return [conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                zip(sizes, self.kernel_size, self.strides, self.dilation_rate)]

    def _out_channels(self, in_channels):
        return self.filters

    def compute_output_shape(self, input_shape):
        d = list(TensorShape(input_shape).as_tuple())
        first = self.data_format == "channels_first"
        sp = d[2:] if first else d[1:-1]
        out = self._spatial_out(sp)
        if any(o is not None and o <= 0 for o in out):
            raise ValueError(f"One of the dimensions in the output is <= 0 due to downsampling in "
                             f"{self.name}. Consider increasing the input size. Received input "
                             f"shape {d} which would produce output shape with a zero or negative "
                             "value in a dimension.")
        c = self._out_channels(d[1] if first else d[-1])
        return TensorShape([d[0], c] + out if first else [d[0]] + out + [c])

    # ---------------------------------------------------------------- weights
    def _add_bias(self, n):
        self.bias = self.add_weight("bias", (n,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def build(self, input_shape):
        c = self._input_channels(input_shape)
        if c % self.groups:
            raise ValueError("The number of input channels must be evenly divisible by the number "
                             f"of groups. Received groups={self.groups}, but the input has {c} "
                             f"channels (full input shape is {TensorShape(input_shape)}).")
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight("kernel", self.kernel_size + (c // self.groups, self.filters),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): c})
        self.built = True

    # ---------------------------------------------------------------- call
    def _pad_causal(self, x):
        """Left padding of (k - 1) * dilation steps: output t sees inputs up to t only."""
        tf = _tf()
        left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        pads = [[0, 0], [0, 0], [left, 0]] if self.data_format == "channels_first" else \
            [[0, 0], [left, 0], [0, 0]]
        return tf.pad(x, pads)

    def _conv(self, x4, kernel, bias, relu):
        """One NHWC convolution node (bias and relu fused in when given)."""
        pad = "VALID" if self.padding == "causal" else self.padding.upper()
        op = C.Conv2D(_hw(self.strides, self.rank), pad, _hw(self.dilation_rate, self.rank),
                      bias=bias is not None, relu=relu)
        ins = (x4, kernel) + ((bias,) if bias is not None else ())
        return op._build(ins, "Conv2D")

    def call(self, inputs):
        tf = _tf()
        first = self.data_format == "channels_first"
        x = self._pad_causal(inputs) if self.padding == "causal" else inputs
        if x.dtype.name != self.dtype:
            x = tf.cast(x, self.dtype)
        x4 = _to_nhwc(x, self.rank, first)
        kernel = convert_to_tensor(self.kernel)
        if self.rank == 1:
            kernel = tf.expand_dims(kernel, 0)
        relu = _is_relu(self.activation)
        bias = convert_to_tensor(self.bias) if self.use_bias else None
        if self.groups == 1:
            y = self._conv(x4, kernel, bias, relu)
        else:   # one convolution per group of channels
            xs = tf.split(x4, self.groups, axis=3)
            ks = tf.split(kernel, self.groups, axis=3)
            y = tf.concat([self._conv(a, k, None, False) for a, k in zip(xs, ks)], 3)
            if bias is not None:
                y = tf.nn.bias_add(y, bias)
            relu = False
        y = _from_nhwc(y, self.rank, first)
        if relu or self.activation is activations.linear:
            return y
        return self.activation(y)

    def get_config(self):
        config = super().get_config()
        config.update({
            "filters": self.filters, "kernel_size": self.kernel_size, "strides": self.strides,
            "padding": self.padding, "data_format": self.data_format,
            "dilation_rate": self.dilation_rate, "groups": self.groups,
            "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
            "kernel_initializer": _initializers.serialize(self.kernel_initializer),
            "bias_initializer": _initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint)})
        return config


class Conv1D(Conv):
    """1-D convolution (temporal): (batch, steps, channels) -> (batch, new_steps, filters).

    Args:
      filters: the number of output channels; kernel_size, strides, dilation_rate: an int.
      padding: 'valid', 'same' or 'causal' (left padding only: output t sees inputs <= t).
    Example:
      >>> y = keras.layers.Conv1D(32, 3, activation='relu')(np.ones((4, 10, 8), np.float32))
      >>> y.shape
      TensorShape([4, 8, 32])
    """
    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, groups=1, activation=None,
                 use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias, **kwargs)


class Conv2D(Conv):
    """2-D convolution: ``activation(conv2d(inputs, kernel) + bias)``, kernel [kh, kw, in, filters].

    Args:
      filters: the number of output channels.
      kernel_size, strides, dilation_rate: an int or a pair (height, width).
      padding: 'valid' (no padding) or 'same' (output size ceil(input / stride), TF's padding).
      data_format: 'channels_last' (NHWC, the default) or 'channels_first'.
      groups: split the channels into groups convolved separately.
      activation, use_bias, *_initializer, *_regularizer, *_constraint: as for Dense.
    Example:
      >>> model.add(keras.layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
    """
    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias, **kwargs)


class _Transposed:
    """What Conv2DTranspose and Conv3DTranspose share: ``output_padding``, the output sizes, the
    [*kernel_size, filters, in_channels] kernel and the config."""

    def _set_output_padding(self, output_padding):
        self.output_padding = output_padding
        if output_padding is not None:
            self.output_padding = normalize_tuple(output_padding, len(self.kernel_size),
                                                  "output_padding", allow_zero=True)
            if any(p >= s for s, p in zip(self.strides, self.output_padding)):
                raise ValueError("Strides must be greater than output padding. Received "
                                 f"strides={self.strides}, "
                                 f"output_padding={self.output_padding}.")

    def _spatial_out(self, sizes):
        op = self.output_padding or (None,) * len(self.kernel_size)
        return [deconv_output_length(n, k, self.padding, p, s, d) for n, k, s, d, p in
                zip(sizes, self.kernel_size, self.strides, self.dilation_rate, op)]

    def build(self, input_shape):
        c = self._input_channels(input_shape)
        self.kernel = self.add_weight("kernel", self.kernel_size + (self.filters, c),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=len(self.kernel_size) + 2,
                                    axes={self._channel_axis(): c})
        self.built = True

    def get_config(self):
        config = super().get_config()
        config.pop("groups")
        config["output_padding"] = self.output_padding
        return config


class Conv2DTranspose(_Transposed, Conv2D):
    """Transposed 2-D convolution ("deconvolution"): kernel [kh, kw, filters, in_channels].

    Output size per axis: in * stride ('same'), in * stride + max(k - stride, 0) ('valid'), or
    (in - 1) * stride + k - 2 * pad + output_padding when ``output_padding`` is given.
    Example:
      >>> y = keras.layers.Conv2DTranspose(8, 3, strides=2, padding='same')(np.ones((1, 4, 4, 2)))
      >>> y.shape
      TensorShape([1, 8, 8, 8])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, **kwargs)
        self._set_output_padding(output_padding)

    def call(self, inputs):
        tf = _tf()
        first = self.data_format == "channels_first"
        x = _to_nhwc(inputs, 2, first)
        d = x.shape.as_tuple()
        out = self._spatial_out(d[1:3])
        spec = (self.strides, self.padding.upper(), self.dilation_rate)
        kernel = convert_to_tensor(self.kernel)
        if None in out:   # sizes known only at run time
            sh = tf.shape(x)
            op = self.output_padding or (None, None)
            hw = [deconv_output_length(sh[1 + i], self.kernel_size[i], self.padding, op[i],
                                       self.strides[i], self.dilation_rate[i]) for i in range(2)]
            sizes = tf.stack([sh[0], hw[0], hw[1], self.filters])
            y = C.Conv2DBackpropInput(*spec)._build((x, kernel, sizes), "conv2d_transpose")
        else:
            op = C.Conv2DBackpropInput(*spec, x_shape=(None, out[0], out[1], self.filters))
            y = op._build((x, kernel), "conv2d_transpose")
        if self.use_bias:
            y = tf.nn.bias_add(y, self.bias)
        y = _from_nhwc(y, 2, first)
        return y if self.activation is activations.linear else self.activation(y)



class DepthwiseConv2D(Conv2D):
    """Depthwise 2-D convolution: each input channel convolved with its own
    ``depth_multiplier`` filters; depthwise_kernel [kh, kw, in_channels, depth_multiplier].

    Example:
      >>> y = keras.layers.DepthwiseConv2D(3, padding='same')(np.ones((1, 8, 8, 4), np.float32))
      >>> y.shape
      TensorShape([1, 8, 8, 4])
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(None, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = _initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def _out_channels(self, in_channels):
        return None if in_channels is None else in_channels * self.depth_multiplier

    def _add_depthwise(self, c):
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (c, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)

    def build(self, input_shape):
        c = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        self._add_depthwise(c)
        self._add_bias(c * self.depth_multiplier)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): c})
        self.built = True

    def _depthwise(self, x4):
        tf = _tf()
        W = convert_to_tensor(self.depthwise_kernel)
        if self.rank == 1:
            W = tf.expand_dims(W, 0)
        pad = "VALID" if self.padding == "causal" else self.padding.upper()
        op = DepthwiseConv2dNative(_hw(self.strides, self.rank), pad,
                                   _hw(self.dilation_rate, self.rank))
        return op._build((x4, W), "depthwise")

    def call(self, inputs):
        tf = _tf()
        first = self.data_format == "channels_first"
        y = self._depthwise(_to_nhwc(inputs, self.rank, first))
        if self.use_bias:
            y = tf.nn.bias_add(y, self.bias)
        y = _from_nhwc(y, self.rank, first)
        return y if self.activation is activations.linear else self.activation(y)

    def get_config(self):
        config = super().get_config()
        for k in ("filters", "groups", "kernel_initializer", "kernel_regularizer",
                  "kernel_constraint"):
            config.pop(k)
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": _initializers.serialize(self.depthwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint)})
        return config


class SeparableConv2D(Conv2D):
    """Depthwise convolution followed by a 1x1 (pointwise) convolution mixing the channels.

    Weights: depthwise_kernel [kh, kw, in, depth_multiplier], pointwise_kernel
    [1, 1, in * depth_multiplier, filters], bias [filters].
    Example:
      >>> layer = keras.layers.SeparableConv2D(16, 3, padding='same')
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = _initializers.get(depthwise_initializer)
        self.pointwise_initializer = _initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    _add_depthwise = DepthwiseConv2D._add_depthwise
    _depthwise = DepthwiseConv2D._depthwise

    def build(self, input_shape):
        c = self._input_channels(input_shape)
        self.compute_output_shape(input_shape)
        self._add_depthwise(c)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1,) * self.rank + (c * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._add_bias(self.filters)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): c})
        self.built = True

    def call(self, inputs):
        tf = _tf()
        first = self.data_format == "channels_first"
        x = self._pad_causal(inputs) if self.padding == "causal" else inputs
        h = self._depthwise(_to_nhwc(x, self.rank, first))
        pw = convert_to_tensor(self.pointwise_kernel)
        if self.rank == 1:
            pw = tf.expand_dims(pw, 0)
        relu = _is_relu(self.activation)
        op = C.Conv2D((1, 1), "VALID", (1, 1), bias=self.use_bias, relu=relu)
        ins = (h, pw) + ((convert_to_tensor(self.bias),) if self.use_bias else ())
        y = _from_nhwc(op._build(ins, "pointwise"), self.rank, first)
        return y if relu or self.activation is activations.linear else self.activation(y)

    def get_config(self):
        config = super().get_config()
        for k in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(k)
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": _initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": _initializers.serialize(self.pointwise_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint)})
        return config


class SeparableConv1D(SeparableConv2D):
    """1-D separable convolution: (batch, steps, channels) -> (batch, new_steps, filters)."""
    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, depth_multiplier=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         depth_multiplier=depth_multiplier, **kwargs)


Convolution1D, Convolution2D, Convolution2DTranspose = Conv1D, Conv2D, Conv2DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D

# the padding, cropping and upsampling layers live in reshaping.py; keras.layers gets them here
from .reshaping import *  # noqa: F401,F403,E402
from .reshaping import __all__ as _reshaping_all  # noqa: E402

__all__ += _reshaping_all
