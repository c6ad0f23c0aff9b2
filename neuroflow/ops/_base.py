"""Shared helpers for op modules: argument conversion, axes, and the broadcasting gradient."""
import numpy as np

from ..core import dtypes
from ..core.backend import get_array_module
from ..core.op import Operation, binary_inputs, check_same_dtype, convert_to_tensor
from ..core.tensor import Tensor

__all__ = ["Operation", "Tensor", "convert_to_tensor", "binary_inputs", "check_same_dtype",
           "get_array_module", "np", "dtypes", "dims", "sum_to_like", "norm_axis", "resolve_axis"]


def dims(t):
    """The static dims tuple of a tensor (None when the rank is unknown)."""
    return t._shape.as_tuple()


class SumTo(Operation):
    """Sums gy down to the shape of x (the gradient of broadcasting)."""
    type = "SumTo"

    def forward(self, gy, x):
        shape = np.shape(x)
        if gy.shape == shape:
            return gy
        xp = get_array_module(gy)
        lead = gy.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gy.shape[i + lead] != 1)
        y = gy.sum(axis=axes, keepdims=True) if axes else gy
        if lead:
            y = y.reshape(y.shape[lead:])
        return xp.ascontiguousarray(y).reshape(shape) if y.shape != shape else y

    def infer(self, gy, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        gy, x = self.inputs
        return BroadcastLike()(g, gy), None


class BroadcastLike(Operation):
    """Broadcasts x to the shape of y."""
    type = "BroadcastTo"

    def forward(self, x, y):
        xp = get_array_module(x)
        return x if x.shape == y.shape else xp.broadcast_to(x, y.shape)

    def infer(self, x, y):
        return [(dims(y), x.dtype)]

    def backward(self, g):
        x, y = self.inputs
        return SumTo()(g, x), None


def sum_to_like(gy, x):
    """gy reduced to x's shape; no op at all when both static shapes are known and equal."""
    a, b = dims(gy), dims(x)
    if a is not None and a == b and None not in a:
        return gy
    return SumTo()(gy, x)


def norm_axis(axis, reduction_indices=None, name="axis"):
    if axis is None:
        axis = reduction_indices
    if isinstance(axis, Tensor):
        if axis._value is None:
            raise NotImplementedError("A symbolic (fed) axis is not supported by neuroflow yet; "
                                      "pass a Python int or list for `axis`.")
        axis = axis._value.tolist()
    if axis is None:
        return None
    if isinstance(axis, np.ndarray):
        axis = axis.tolist()
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


def resolve_axis(axis, ndim):
    """Non-negative axis tuple for a rank."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    out = []
    for a in axis:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"Invalid reduction dimension {a} for input with {ndim} dimensions.")
        out.append(a % ndim if ndim else 0)
    return tuple(out)
