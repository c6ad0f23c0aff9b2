"""Shared helpers for op modules: argument conversion, axes, and the broadcasting gradient."""
import functools

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
        # summing without keepdims leaves x's non-broadcast dims in order: reshape puts the 1s back
        return gy.sum(axis=_sum_axes(gy.shape, shape)).reshape(shape)

    def infer(self, gy, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        gy, x = self.inputs
        return BroadcastLike()(g, gy), None


@functools.lru_cache(maxsize=256)
def _sum_axes(gshape, shape):
    """Axes of a gy of shape gshape that broadcasting added to, or stretched from, shape."""
    lead = len(gshape) - len(shape)
    return tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and gshape[i + lead] != 1)


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


def sum_to_like(gy, x, other=None):
    """gy reduced to x's shape; no op at all when the static shapes prove it has it already.

    ``other``: what x was broadcast against to give gy's shape; when it cannot stretch any of x's
    dims (x (None, 10) + b (10,)), gy has x's shape even though the batch size is unknown.
    """
    a, b = dims(gy), dims(x)
    if a is not None and a == b and (None not in a or (other is not None and _keeps_shape(x, other))):
        return gy
    return SumTo()(gy, x)


def _keeps_shape(x, other):
    """True when broadcasting x against other leaves x's shape as it is, whatever the unknown dims."""
    dx, do = dims(x), dims(other)
    if dx is None or do is None or len(do) > len(dx):
        return False
    for sx, so in zip(dx[len(dx) - len(do):], do):
        if so != 1 and (sx is None or sx == 1):
            return False
    return True


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
