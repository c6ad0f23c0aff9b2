"""Reductions: reduce_sum/mean/max/min/prod/any/all, logsumexp, argmax/argmin (``tf.reduce_*``)."""
from ._base import (Operation, convert_to_tensor, dims, dtypes, get_array_module, norm_axis,
                    resolve_axis)


class _Reduce(Operation):
    fn = None

    def __init__(self, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        ax = resolve_axis(self.axis, x.ndim)
        y = getattr(get_array_module(x), self.fn)(x, axis=ax, keepdims=self.keepdims)
        return y.astype(x.dtype, copy=False) if y.dtype != x.dtype else y

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, x.dtype)]
        ax = set(resolve_axis(self.axis, len(d)))
        if self.keepdims:
            return [(tuple(1 if i in ax else s for i, s in enumerate(d)), x.dtype)]
        return [(tuple(s for i, s in enumerate(d) if i not in ax), x.dtype)]

    def _expand(self, g):
        """g broadcast back to the input's shape (undoing keepdims=False)."""
        from ._base import BroadcastLike
        from .array_ops import reshape_like_kept
        x = self.inputs[0]
        if not self.keepdims:
            g = reshape_like_kept(g, x, self.axis)
        return BroadcastLike()(g, x)


class Sum(_Reduce):
    type, fn = "Sum", "sum"

    def backward(self, gy):
        return self._expand(gy)


class Mean(_Reduce):
    type, fn = "Mean", "mean"

    def backward(self, gy):
        from .array_ops import size
        x, y = self.inputs[0], self.outputs[0]
        n = _count(x, y)
        return self._expand(gy) / n


def _count(x, y):
    """Number of elements averaged: static when known, else a runtime ratio of sizes."""
    dx, dy = dims(x), dims(y)
    if dx is not None and dy is not None and None not in dx and None not in dy:
        nx = 1
        for s in dx:
            nx *= s
        ny = 1
        for s in dy:
            ny *= s
        return float(nx // max(ny, 1)) if nx else 1.0
    from .array_ops import size
    from .math_ops import cast
    return cast(size(x), x.dtype) / cast(size(y), x.dtype)


class Prod(_Reduce):
    type, fn = "Prod", "prod"

    def backward(self, gy):
        x, y = self.inputs[0], self.outputs[0]
        return self._expand(gy) * self._expand(y) / x


class _MinMax(_Reduce):
    def backward(self, gy):
        from .math_ops import cast, equal
        from .reduce_ops import reduce_sum
        x, y = self.inputs[0], self.outputs[0]
        yb = self._expand(y)
        m = cast(equal(x, yb), x.dtype)
        # ties share the gradient equally, as TF does
        n = reduce_sum(m, axis=self.axis, keepdims=True)
        from ._base import BroadcastLike
        return self._expand(gy) * m / BroadcastLike()(n, x)


class Max(_MinMax):
    type, fn = "Max", "max"


class Min(_MinMax):
    type, fn = "Min", "min"


class _Logical(_Reduce):
    differentiable = False


class Any(_Logical):
    type, fn = "Any", "any"


class All(_Logical):
    type, fn = "All", "all"


def _reduce(cls, x, axis, keepdims, name, reduction_indices, keep_dims, dtype=None):
    x = convert_to_tensor(x, dtype=dtype)
    if keep_dims is not None:
        keepdims = keep_dims
    ax = norm_axis(axis, reduction_indices)
    return cls(ax, bool(keepdims))._build((x,), name or cls.type)


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Sum over ``axis`` (all axes when None) (``tf.reduce_sum``)."""
    x = convert_to_tensor(input_tensor)
    if x.dtype is dtypes.bool_:
        from .math_ops import cast
        x = cast(x, dtypes.int32)
    return _reduce(Sum, x, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Mean over ``axis`` (``tf.reduce_mean``); integer inputs give an integer mean, as TF."""
    return _reduce(Mean, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_prod(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    return _reduce(Prod, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce(Max, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce(Min, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_any(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce(Any, input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   dtype=dtypes.bool_)


def reduce_all(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    return _reduce(All, input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   dtype=dtypes.bool_)


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                     keep_dims=None):
    """log(sum(exp(x))) computed stably by subtracting the max first."""
    from .array_ops import stop_gradient
    from .math_ops import exp, log
    x = convert_to_tensor(input_tensor)
    if keep_dims is not None:
        keepdims = keep_dims
    ax = norm_axis(axis, reduction_indices)
    m = stop_gradient(reduce_max(x, ax, keepdims=True))
    r = log(reduce_sum(exp(x - m), ax, keepdims=True)) + m
    if not keepdims:
        from .array_ops import squeeze
        d = dims(r)
        r = squeeze(r, axis=list(resolve_axis(ax, len(d)))) if d is not None else r
    return r


class ArgMax(Operation):
    type = "ArgMax"
    differentiable = False
    fn = "argmax"

    def __init__(self, axis, output_type):
        self.axis, self.output_type = axis, output_type

    def forward(self, x):
        return getattr(get_array_module(x), self.fn)(x, axis=self.axis).astype(self.output_type._np)

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, self.output_type)]
        a = self.axis % len(d)
        return [(d[:a] + d[a + 1:], self.output_type)]


class ArgMin(ArgMax):
    type = "ArgMin"
    fn = "argmin"


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the largest value along ``axis`` (``tf.argmax``; TF1's ``dimension`` too)."""
    x = convert_to_tensor(input)
    ax = norm_axis(axis, dimension)
    return ArgMax(0 if ax is None else ax, dtypes.as_dtype(output_type))._build((x,), name or "ArgMax")


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    x = convert_to_tensor(input)
    ax = norm_axis(axis, dimension)
    return ArgMin(0 if ax is None else ax, dtypes.as_dtype(output_type))._build((x,), name or "ArgMin")


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    from .math_ops import cast, not_equal
    x = convert_to_tensor(input_tensor if input_tensor is not None else input)
    nz = cast(not_equal(x, 0), dtype)
    return reduce_sum(nz, axis, keepdims, name, reduction_indices, keep_dims)


__all__ = [_n for _n, _v in list(globals().items())
           if not _n.startswith("_") and _n.islower() and callable(_v)
           and getattr(_v, "__module__", None) == __name__]
