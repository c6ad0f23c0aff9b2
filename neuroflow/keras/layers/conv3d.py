"""3-D layers: Conv3D, Conv3DTranspose, MaxPooling3D, AveragePooling3D, GlobalMax/
GlobalAveragePooling3D, UpSampling3D, ZeroPadding3D, Cropping3D, and their short aliases.

They compute in NDHWC on the ``Conv3D`` / ``MaxPool3D`` / ``AvgPool3D`` ops (channels-first
inputs are transposed in and out). Weights have Keras's names and layouts: ``kernel``
[kd, kh, kw, in_channels, filters] ([..., filters, in_channels] for the transpose), ``bias``.
"""
from ...core.op import convert_to_tensor
from ...ops import conv3d_ops as C3
from .. import activations
from .conv import Conv, _Transposed
from .conv_utils import _tf, deconv_output_length
from .pooling import GlobalAveragePooling2D, GlobalMaxPooling2D, Pooling
from .reshaping import Cropping2D, UpSampling2D, ZeroPadding2D

__all__ = ["Conv3D", "Conv3DTranspose", "MaxPooling3D", "AveragePooling3D",
           "GlobalMaxPooling3D", "GlobalAveragePooling3D", "UpSampling3D", "ZeroPadding3D",
           "Cropping3D", "Convolution3D", "Convolution3DTranspose", "MaxPool3D", "AvgPool3D",
           "GlobalMaxPool3D", "GlobalAvgPool3D"]


def _to_ndhwc(x, first):
    return _tf().transpose(x, [0, 2, 3, 4, 1]) if first else x


def _from_ndhwc(y, first):
    return _tf().transpose(y, [0, 4, 1, 2, 3]) if first else y


class Conv3D(Conv):
    """3-D convolution (spatial over volumes): ``activation(conv3d(inputs, kernel) + bias)``.

    Args:
      filters: the number of output channels.
      kernel_size, strides, dilation_rate: an int or 3 ints (depth, height, width).
      padding: 'valid' or 'same'; data_format: 'channels_last' (NDHWC, default) or
        'channels_first'.
      groups, activation, use_bias, *_initializer, *_regularizer, *_constraint: as for Conv2D.
    Example:
      >>> y = keras.layers.Conv3D(8, 3, activation='relu')(np.ones((2, 6, 6, 6, 1), np.float32))
      >>> y.shape
      TensorShape([2, 4, 4, 4, 8])
    """
    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), groups=1, activation=None,
                 use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias, **kwargs)

    def call(self, inputs):
        tf = _tf()
        first = self.data_format == "channels_first"
        x = inputs if inputs.dtype.name == self.dtype else tf.cast(inputs, self.dtype)
        x = _to_ndhwc(x, first)
        kernel = convert_to_tensor(self.kernel)
        spec = (self.strides, self.padding.upper(), self.dilation_rate)
        if self.groups == 1:
            y = C3.Conv3D(*spec)._build((x, kernel), "Conv3D")
        else:   # one convolution per group of channels
            y = tf.concat([C3.Conv3D(*spec)._build((a, k), "Conv3D") for a, k in
                           zip(tf.split(x, self.groups, 4), tf.split(kernel, self.groups, 4))], 4)
        if self.use_bias:
            y = tf.nn.bias_add(y, self.bias)
        y = _from_ndhwc(y, first)
        return y if self.activation is activations.linear else self.activation(y)


class Conv3DTranspose(_Transposed, Conv3D):
    """Transposed 3-D convolution ("deconvolution"): kernel [kd, kh, kw, filters, in_channels].

    Output size per axis: in * stride ('same'), in * stride + max(k - stride, 0) ('valid'), or
    (in - 1) * stride + k - 2 * pad + output_padding when ``output_padding`` is given.
    Example:
      >>> y = keras.layers.Conv3DTranspose(4, 3, strides=2, padding='same')(
      ...     np.ones((1, 2, 2, 2, 3), np.float32))
      >>> y.shape
      TensorShape([1, 4, 4, 4, 4])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1, 1),
                 activation=None, use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, **kwargs)
        self._set_output_padding(output_padding)

    def call(self, inputs):
        tf = _tf()
        first = self.data_format == "channels_first"
        x = _to_ndhwc(inputs, first)
        out = self._spatial_out(x.shape.as_tuple()[1:4])
        spec = (self.strides, self.padding.upper(), self.dilation_rate)
        kernel = convert_to_tensor(self.kernel)
        if None in out:   # sizes known only at run time
            sh = tf.shape(x)
            op = self.output_padding or (None,) * 3
            sizes = tf.stack([sh[0]] + [deconv_output_length(
                sh[1 + i], self.kernel_size[i], self.padding, op[i], self.strides[i],
                self.dilation_rate[i]) for i in range(3)] + [self.filters])
            y = C3.Conv3DBackpropInput(*spec)._build((x, kernel, sizes), "conv3d_transpose")
        else:
            y = C3.Conv3DBackpropInput(*spec, x_shape=(None, *out, self.filters))._build(
                (x, kernel), "conv3d_transpose")
        if self.use_bias:
            y = tf.nn.bias_add(y, self.bias)
        y = _from_ndhwc(y, first)
        return y if self.activation is activations.linear else self.activation(y)



# ==================================================================== pooling
class _Pooling3D(Pooling):
    rank = 3

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)

    def call(self, inputs):
        first = self.data_format == "channels_first"
        y = self.op(self.pool_size, self.strides, self.padding.upper())._build(
            (_to_ndhwc(inputs, first),), self.op.type)
        return _from_ndhwc(y[0] if isinstance(y, tuple) else y, first)


class MaxPooling3D(_Pooling3D):
    """Max over ``pool_size`` windows of volumes, moved by ``strides`` (default: the pool size).

    Example:
      >>> keras.layers.MaxPooling3D()(np.ones((1, 4, 4, 4, 2), np.float32)).shape
      TensorShape([1, 2, 2, 2, 2])
    """
    op = C3.MaxPool3D


class AveragePooling3D(_Pooling3D):
    """Mean over ``pool_size`` windows of volumes ('same': over the window's valid part only)."""
    op = C3.AvgPool3D


class GlobalAveragePooling3D(GlobalAveragePooling2D):
    """Mean over depth, height and width: (batch, d, h, w, channels) -> (batch, channels)."""
    rank = 3


class GlobalMaxPooling3D(GlobalMaxPooling2D):
    """Max over depth, height and width: (batch, d, h, w, channels) -> (batch, channels)."""
    rank = 3


# ==================================================================== reshaping
class UpSampling3D(UpSampling2D):
    """Repeats each of the three spatial axes ``size`` times (nearest neighbour).

    Example:
      >>> keras.layers.UpSampling3D(2)(np.ones((1, 2, 3, 4, 1))).shape
      TensorShape([1, 4, 6, 8, 1])
    """
    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size=size, data_format=data_format, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("interpolation")
        return config


class ZeroPadding3D(ZeroPadding2D):
    """Pads the three spatial axes with zeros: ``padding`` = int, 3 ints or 3 (before, after)
    pairs."""
    rank = 3

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(padding=padding, data_format=data_format, **kwargs)


class Cropping3D(Cropping2D):
    """Crops the three spatial axes: ``cropping`` = int, 3 ints or 3 (before, after) pairs."""
    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping=cropping, data_format=data_format, **kwargs)


Convolution3D, Convolution3DTranspose = Conv3D, Conv3DTranspose
MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D
GlobalMaxPool3D, GlobalAvgPool3D = GlobalMaxPooling3D, GlobalAveragePooling3D
