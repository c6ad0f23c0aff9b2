"""Noise layers beyond Dropout: SpatialDropout1D/2D/3D (whole feature maps), GaussianDropout
(multiplicative normal noise) and AlphaDropout (keeps SELU's mean and variance). All act only while
training; at inference they pass the input through.
"""
import math

from .. import _ops
from .base import InputSpec, Layer
from .conv_utils import normalize_data_format
from .core import Dropout, _check_rate

__all__ = ["SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
           "AlphaDropout"]


def _tf():
    import neuroflow
    return neuroflow


class SpatialDropout1D(Dropout):
    """Drops whole channels of (batch, steps, channels): one draw per sample and channel.

    Example:
      >>> model.add(keras.layers.SpatialDropout1D(0.2))
    """
    rank = 1

    def __init__(self, rate, **kwargs):
        super().__init__(rate, **kwargs)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _first(self):
        return False

    def _noise_shape(self):
        ones = [1] * self.rank
        return [None, None] + ones if self._first() else [None] + ones + [None]

    def call(self, inputs, training=None):
        if training and self.rate > 0:
            return _ops.dropout(inputs, self.rate, self._noise_shape())
        return inputs

    def get_config(self):
        config = super().get_config()
        for k in ("noise_shape", "seed"):
            config.pop(k)
        return config


class SpatialDropout2D(SpatialDropout1D):
    """Drops whole feature maps of (batch, rows, cols, channels) (or channels first).

    Example:
      >>> model.add(keras.layers.SpatialDropout2D(0.25))
    """
    rank = 2

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = normalize_data_format(data_format)

    def _first(self):
        return self.data_format == "channels_first"

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class SpatialDropout3D(SpatialDropout2D):
    """Drops whole 3-D feature maps of (batch, dim1, dim2, dim3, channels)."""
    rank = 3


class GaussianDropout(Layer):
    """Multiplies the input by normal noise of mean 1 and std sqrt(rate / (1 - rate)) while
    training.

    Example:
      >>> layer = keras.layers.GaussianDropout(0.3)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(rate)
        self.rate, self.seed = rate, seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if training and 0 < self.rate < 1:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            return inputs + inputs * _ops.normal_like(inputs, stddev, self.seed)
        return inputs

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config


_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Dropout for SELU networks: dropped units take SELU's negative saturation value and an affine
    correction keeps the mean and variance of the inputs.

    Example:
      >>> model.add(keras.layers.AlphaDropout(0.1))
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(rate)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not (training and 0 < self.rate < 1):
            return inputs
        tf = _tf()
        rate = self.rate
        alpha_p = -_ALPHA * _SCALE
        shape = self.noise_shape if self.noise_shape is not None else tf.shape(inputs)
        keep = tf.cast(tf.greater_equal(tf.random.uniform(shape, seed=self.seed), rate),
                       inputs.dtype)
        a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * rate
        x = inputs * keep + alpha_p * (1 - keep)
        return a * x + b

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config
