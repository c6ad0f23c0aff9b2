"""Spatial reshaping layers: ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D (nearest or
bilinear interpolation)."""
import numpy as np

from ...core.shape import TensorShape
from .base import InputSpec, Layer
from .conv_utils import _tf, normalize_data_format, normalize_tuple

__all__ = ["ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D", "UpSampling1D",
           "UpSampling2D"]


def _pairs(value, rank, name):
    """ZeroPadding/Cropping amounts: an int, an int per axis, or a (before, after) pair per axis."""
    if isinstance(value, (int, np.integer)):
        return ((int(value), int(value)),) * rank
    value = tuple(value)
    if rank == 1:
        return (normalize_tuple(value, 2, name, allow_zero=True),)
    if len(value) != rank:
        raise ValueError(f"`{name}` should have {rank} elements. Received: {value}.")
    if all(isinstance(v, (int, np.integer)) for v in value):
        return tuple((int(v), int(v)) for v in value)
    return tuple(normalize_tuple(v, 2, f"{rank}st entry of {name}", allow_zero=True)
                 for v in value)


class _Spatial(Layer):
    """Shared by the padding/cropping/upsampling layers: which axes are spatial."""
    rank = 2

    def _axes(self):
        first = getattr(self, "data_format", "channels_last") == "channels_first"
        return list(range(2, 2 + self.rank)) if first else list(range(1, 1 + self.rank))

    def compute_output_shape(self, input_shape):
        d = list(TensorShape(input_shape).as_tuple())
        for i, a in enumerate(self._axes()):
            d[a] = None if d[a] is None else self._size(i, d[a])
        return TensorShape(d)


class ZeroPadding2D(_Spatial):
    """Pads rows and columns with zeros: ``padding`` = int, (rows, cols) or ((top, bottom),
    (left, right)).

    Example:
      >>> keras.layers.ZeroPadding2D(((3, 3), (3, 3)))(np.ones((1, 4, 4, 1))).shape
      TensorShape([1, 10, 10, 1])
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.padding = _pairs(padding, self.rank, "padding")
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _size(self, i, n):
        return n + sum(self.padding[i])

    def call(self, inputs):
        pads = [[0, 0] for _ in range(self.rank + 2)]
        for p, a in zip(self.padding, self._axes()):
            pads[a] = list(p)
        return _tf().pad(inputs, pads)

    def get_config(self):
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        if self.rank == 1:
            config.pop("data_format")
            config["padding"] = self.padding[0]
        return config


class ZeroPadding1D(ZeroPadding2D):
    """Pads the steps axis of (batch, steps, features) with zeros: ``padding`` = int or (left,
    right)."""
    rank = 1

    def __init__(self, padding=1, **kwargs):
        super().__init__(padding=padding, data_format="channels_last", **kwargs)


class Cropping2D(_Spatial):
    """Crops rows and columns: ``cropping`` = int, (rows, cols) or ((top, bottom), (left, right)).

    Example:
      >>> keras.layers.Cropping2D(((1, 1), (2, 2)))(np.ones((1, 6, 6, 1))).shape
      TensorShape([1, 4, 2, 1])
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.cropping = _pairs(cropping, self.rank, "cropping")
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _size(self, i, n):
        out = n - sum(self.cropping[i])
        if out <= 0:
            raise ValueError("Argument `cropping` must be greater than the input shape. Received: "
                             f"inputs.shape={n}, and cropping={self.cropping}")
        return out

    def call(self, inputs):
        d = inputs.shape.as_tuple()
        for i, a in enumerate(self._axes()):
            if d is not None and d[a] is not None:
                self._size(i, d[a])
        idx = [slice(None)] * (self.rank + 2)
        for (b, e), a in zip(self.cropping, self._axes()):
            idx[a] = slice(b, -e if e else None)
        return inputs[tuple(idx)]

    def get_config(self):
        config = super().get_config()
        config.update({"cropping": self.cropping, "data_format": self.data_format})
        if self.rank == 1:
            config.pop("data_format")
            config["cropping"] = self.cropping[0]
        return config


class Cropping1D(Cropping2D):
    """Crops the steps axis of (batch, steps, features): ``cropping`` = int or (left, right)."""
    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping=cropping, data_format="channels_last", **kwargs)


def _resize_axis(x, axis, n, size, bilinear):
    """x upsampled by ``size`` along ``axis`` (static length n): repeats, or linear interpolation
    at half-pixel centres (tf.image.resize's 'bilinear')."""
    tf = _tf()
    out = np.arange(n * size)
    if not bilinear:
        return tf.gather(x, out // size, axis=axis)
    src = np.clip((out + 0.5) / size - 0.5, 0, n - 1)
    i0 = np.floor(src).astype(np.int32)
    i1 = np.minimum(i0 + 1, n - 1)
    w = (src - i0).astype(x.dtype.as_numpy_dtype)
    shape = [1] * x.shape.ndims
    shape[axis] = -1
    w = tf.reshape(tf.constant(w), shape)
    a, b = tf.gather(x, i0, axis=axis), tf.gather(x, i1, axis=axis)
    return a + (b - a) * w


class UpSampling2D(_Spatial):
    """Repeats rows and columns ``size`` times ('nearest') or interpolates them ('bilinear').

    Example:
      >>> keras.layers.UpSampling2D((2, 2))(np.ones((1, 3, 3, 1))).shape
      TensorShape([1, 6, 6, 1])
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.size = normalize_tuple(size, self.rank, "size")
        if interpolation not in ("nearest", "bilinear"):
            raise ValueError('`interpolation` argument should be one of: "nearest" or "bilinear". '
                             f"Received: {interpolation}.")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _size(self, i, n):
        return n * self.size[i]

    def call(self, inputs):
        d = inputs.shape.as_tuple()
        y = inputs
        for i, a in enumerate(self._axes()):
            if d[a] is None:
                raise NotImplementedError("UpSampling needs the input's static spatial sizes "
                                          "in neuroflow; received shape %s" % (d,))
            if self.size[i] != 1:
                y = _resize_axis(y, a, d[a], self.size[i], self.interpolation == "bilinear")
        return y

    def get_config(self):
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format,
                       "interpolation": self.interpolation})
        if self.rank == 1:
            for k in ("data_format", "interpolation"):
                config.pop(k)
            config["size"] = self.size[0]
        return config


class UpSampling1D(UpSampling2D):
    """Repeats each step ``size`` times: (batch, steps, features) -> (batch, steps * size, ...)."""
    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size=size, data_format="channels_last", **kwargs)
