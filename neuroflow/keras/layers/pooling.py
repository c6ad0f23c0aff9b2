"""Pooling layers: MaxPooling1D/2D, AveragePooling1D/2D, GlobalMax/GlobalAveragePooling1D/2D, and
their short aliases (MaxPool2D, AvgPool2D, GlobalAvgPool2D ...).

Window pooling runs the NHWC ``MaxPool`` / ``AvgPool`` ops (1-D data as images of height 1);
global pooling is a reduction over the spatial axes.
"""
from ...core.shape import TensorShape
from ...ops.conv_pool_ops import AvgPool, MaxPool
from .base import InputSpec, Layer
from .conv_utils import (_from_nhwc, _hw, _tf, _to_nhwc, conv_output_length,
                         normalize_data_format, normalize_padding, normalize_tuple)

__all__ = ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalAvgPool1D", "GlobalAvgPool2D"]


class Pooling(Layer):
    """Window pooling of rank 1 or 2 (``pool_size``, ``strides`` defaulting to it, padding)."""

    rank = 2
    op = MaxPool

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        n = self.rank
        self.data_format = normalize_data_format(data_format)
        if strides is None:
            strides = pool_size
        self.pool_size = normalize_tuple(pool_size, n, "pool_size")
        self.strides = normalize_tuple(strides, n, "strides")
        self.padding = normalize_padding(padding)
        self.input_spec = InputSpec(ndim=n + 2)

    def call(self, inputs):
        first = self.data_format == "channels_first"
        x = _to_nhwc(inputs, self.rank, first)
        y = self.op(_hw(self.pool_size, self.rank), _hw(self.strides, self.rank),
                    self.padding.upper())._build((x,), self.op.type)
        if isinstance(y, tuple):   # MaxPool also returns the argmax taps (for its gradient)
            y = y[0]
        return _from_nhwc(y, self.rank, first)

    def compute_output_shape(self, input_shape):
        d = list(TensorShape(input_shape).as_tuple())
        first = self.data_format == "channels_first"
        axes = range(2, 2 + self.rank) if first else range(1, 1 + self.rank)
        for i, a in enumerate(axes):
            d[a] = conv_output_length(d[a], self.pool_size[i], self.padding, self.strides[i])
        return TensorShape(d)

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding,
                       "strides": self.strides, "data_format": self.data_format})
        return config


class MaxPooling2D(Pooling):
    """Max over ``pool_size`` windows moved by ``strides`` (default: the pool size).

    Example:
      >>> model.add(keras.layers.MaxPooling2D(pool_size=(2, 2)))
      >>> keras.layers.MaxPooling2D()(np.ones((1, 28, 28, 1), np.float32)).shape
      TensorShape([1, 14, 14, 1])
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(Pooling):
    """Mean over ``pool_size`` windows (with 'same' padding: over the window's valid part only).

    Example:
      >>> keras.layers.AveragePooling2D(3, strides=1, padding='same')
    """
    op = AvgPool

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling1D(Pooling):
    """Max over windows of ``pool_size`` steps: (batch, steps, features)."""
    rank = 1

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format="channels_last",
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(Pooling):
    """Mean over windows of ``pool_size`` steps: (batch, steps, features)."""
    rank = 1
    op = AvgPool

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format="channels_last",
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


# ==================================================================== global pooling
class GlobalPooling(Layer):
    """Reduces the spatial axes (``keepdims`` keeps them with size 1)."""

    rank = 2

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _axes(self):
        if self.data_format == "channels_first":
            return list(range(2, 2 + self.rank))
        return list(range(1, 1 + self.rank))

    def compute_output_shape(self, input_shape):
        d = list(TensorShape(input_shape).as_tuple())
        axes = self._axes()
        if self.keepdims:
            return TensorShape([1 if i in axes else s for i, s in enumerate(d)])
        return TensorShape([s for i, s in enumerate(d) if i not in axes])

    def get_config(self):
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class GlobalAveragePooling2D(GlobalPooling):
    """Mean over height and width: (batch, rows, cols, channels) -> (batch, channels).

    Example:
      >>> keras.layers.GlobalAveragePooling2D()(np.ones((2, 7, 7, 512), np.float32)).shape
      TensorShape([2, 512])
    """

    def call(self, inputs):
        return _tf().reduce_mean(inputs, axis=self._axes(), keepdims=self.keepdims)


class GlobalMaxPooling2D(GlobalPooling):
    """Max over height and width: (batch, rows, cols, channels) -> (batch, channels)."""

    def call(self, inputs):
        return _tf().reduce_max(inputs, axis=self._axes(), keepdims=self.keepdims)


class GlobalAveragePooling1D(GlobalPooling):
    """Mean over the steps (masked steps left out): (batch, steps, features) -> (batch, feats)."""
    rank = 1

    def __init__(self, data_format="channels_last", **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        tf = _tf()
        axis = self._axes()
        if mask is None:
            return tf.reduce_mean(inputs, axis=axis, keepdims=self.keepdims)
        m = tf.cast(mask, inputs.dtype)
        m = tf.expand_dims(m, 1 if self.data_format == "channels_first" else 2)
        total = tf.reduce_sum(inputs * m, axis=axis, keepdims=self.keepdims)
        return total / tf.reduce_sum(m, axis=axis, keepdims=self.keepdims)


class GlobalMaxPooling1D(GlobalPooling):
    """Max over the steps: (batch, steps, features) -> (batch, features)."""
    rank = 1

    def __init__(self, data_format="channels_last", **kwargs):
        super().__init__(data_format=data_format, **kwargs)

    def call(self, inputs):
        return _tf().reduce_max(inputs, axis=self._axes(), keepdims=self.keepdims)


MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = (MaxPooling1D, MaxPooling2D, AveragePooling1D,
                                              AveragePooling2D)
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
