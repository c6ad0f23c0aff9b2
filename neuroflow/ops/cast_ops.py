"""Casts: ``tf.cast``, ``saturate_cast`` and TF1's ``to_float`` family.

The gradient of a cast flows only between floating types. Re-exported from ``math_ops``.
"""
from ._base import Operation, convert_to_tensor, dims, dtypes
from .math_ops import maximum, minimum


class Cast(Operation):
    type = "Cast"

    def __init__(self, dtype):
        self.dtype = dtypes.as_dtype(dtype)
        self._np = self.dtype._np

    def forward(self, x):
        return x.astype(self._np, copy=False)

    def infer(self, x):
        return [(dims(x), self.dtype)]

    def backward(self, gy):
        x = self.inputs[0]
        if not (x.dtype.is_floating and self.dtype.is_floating):
            return None
        return cast(gy, x.dtype)


def cast(x, dtype, name=None):
    """x converted to ``dtype`` (``tf.cast``); float to int truncates toward zero, as TF."""
    x = convert_to_tensor(x)
    dt = dtypes.as_dtype(dtype)
    if x.dtype is dt:
        return x
    return Cast(dt)._build((x,), name or "Cast")


def saturate_cast(value, dtype, name=None):
    """cast, clamping values to the range of ``dtype`` first (``tf.saturate_cast``)."""
    x = convert_to_tensor(value)
    dt = dtypes.as_dtype(dtype)
    if x.dtype.is_floating and (dt.is_integer or dt.is_floating) and dt.min > x.dtype.min:
        x = maximum(minimum(x, float(dt.max)), float(dt.min))
    elif x.dtype.is_integer and dt.is_integer:
        lo, hi = max(dt.min, x.dtype.min), min(dt.max, x.dtype.max)
        x = maximum(minimum(x, hi), lo)
    return cast(x, dt, name=name or "saturate_cast")


def to_float(x, name="ToFloat"):
    """TF1 ``tf.to_float``: cast to float32."""
    return cast(x, dtypes.float32, name)


def to_double(x, name="ToDouble"):
    """TF1 ``tf.to_double``: cast to float64."""
    return cast(x, dtypes.float64, name)


def to_int32(x, name="ToInt32"):
    """TF1 ``tf.to_int32``: cast to int32 (floats truncate toward zero)."""
    return cast(x, dtypes.int32, name)


def to_int64(x, name="ToInt64"):
    """TF1 ``tf.to_int64``: cast to int64 (floats truncate toward zero)."""
    return cast(x, dtypes.int64, name)


def to_bfloat16(x, name="ToBFloat16"):
    """TF1 ``tf.to_bfloat16``: cast to bfloat16."""
    return cast(x, dtypes.bfloat16, name)


__all__ = ["cast", "saturate_cast", "to_float", "to_double", "to_int32", "to_int64",
           "to_bfloat16"]
