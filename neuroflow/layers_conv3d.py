"""``tf.layers`` (TF1) 3-D convolution and pooling, as layers and functions: kernels
[kd, kh, kw, in, filters] ("conv3d/kernel:0"), NDHWC inputs (channels_first is transposed in
and out). The shared machinery is ``layers_conv.py``'s.
"""
from .core.op import convert_to_tensor
from .layers_conv import (Conv2DTranspose, _Conv, _functional, _Pooling, _rank_check, _to_first,
                          _to_last)
from .ops import conv3d_ops as C3

__all__ = ["Conv3D", "Conv3DTranspose", "MaxPooling3D", "AveragePooling3D", "conv3d",
           "conv3d_transpose", "max_pooling3d", "average_pooling3d", "Convolution3D",
           "Convolution3DTranspose", "MaxPool3D", "AvgPool3D"]


class Conv3D(_Conv):
    """3-D convolution layer (``tf.layers.Conv3D``): kernel [kd, kh, kw, in, filters].

    Example:
      >>> y = tf.layers.Conv3D(8, 3, padding="same")(tf.placeholder(tf.float32, [None, 4, 8, 8, 1]))
    """
    rank = 3
    base = "conv3d"

    def call(self, inputs):
        from . import nn
        _rank_check(self, inputs, 5)
        first = self.data_format == "channels_first"
        op = C3.Conv3D(self.strides, self.padding.upper(), self.dilation_rate)
        y = op._build((_to_last(inputs, first), convert_to_tensor(self.kernel)), "Conv3D")
        if self.use_bias:
            y = nn.bias_add(y, self.bias)
        y = _to_first(y, first)
        return self.activation(y) if self.activation is not None else y


class Conv3DTranspose(Conv2DTranspose):
    """Transposed 3-D convolution (``tf.layers.Conv3DTranspose``): kernel [kd, kh, kw, filters,
    in]; output sizes as for Conv2DTranspose."""
    rank = 3
    base = "conv3d_transpose"

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format="channels_last", activation=None, use_bias=True, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, activation=activation, use_bias=use_bias,
                         **kwargs)


class MaxPooling3D(_Pooling):
    """Max pooling layer for 3-D inputs (``tf.layers.MaxPooling3D``)."""
    rank, op, base = 3, C3.MaxPool3D, "max_pooling3d"


class AveragePooling3D(_Pooling):
    """Average pooling layer for 3-D inputs (``tf.layers.AveragePooling3D``)."""
    rank, op, base = 3, C3.AvgPool3D, "average_pooling3d"


def conv3d(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
           bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
           bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional interface of ``Conv3D`` (``tf.layers.conv3d``) on [batch, depth, height,
    width, channels] inputs; arguments as for conv2d, with 3 ints where it takes 2.

    Example:
      >>> h = tf.layers.conv3d(volumes, 16, [3, 3, 3], padding="same", activation=tf.nn.relu)
    """
    return _functional(Conv3D, locals())


def conv3d_transpose(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True,
                     kernel_initializer=None, bias_initializer=None, kernel_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                     bias_constraint=None, trainable=True, name=None, reuse=None):
    """Functional interface of ``Conv3DTranspose`` (``tf.layers.conv3d_transpose``)."""
    return _functional(Conv3DTranspose, locals())


def max_pooling3d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """Max pooling of 3-D inputs (``tf.layers.max_pooling3d``).

    Example:
      >>> pool1 = tf.layers.max_pooling3d(conv1, pool_size=[2, 2, 2], strides=2)
    """
    return MaxPooling3D(pool_size, strides, padding, data_format, name=name).apply(inputs)


def average_pooling3d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None):
    """Average pooling of 3-D inputs (``tf.layers.average_pooling3d``)."""
    return AveragePooling3D(pool_size, strides, padding, data_format, name=name).apply(inputs)


Convolution3D, Convolution3DTranspose = Conv3D, Conv3DTranspose
MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D
