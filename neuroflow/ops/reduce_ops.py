"""Reductions and scans: reduce_sum/mean/max/min/prod/any/all/logsumexp, argmax/argmin,
count_nonzero, cumsum/cumprod, bincount, confusion_matrix (``tf.reduce_*``, ``tf.math.*``)."""
import functools

from ..core.backend import to_numpy
from ._base import (BroadcastLike, Operation, convert_to_tensor, dims, dtypes, get_array_module,
                    norm_axis, np, resolve_axis)


class _Reduce(Operation):
    """y = fn(x) over ``axis`` (None: all); ``axis`` normalised at build if the rank is known."""
    fn = None

    def __init__(self, axis, keepdims, dtype=None):
        self.axis, self.keepdims, self.dtype = axis, keepdims, dtype

    def forward(self, x):
        return getattr(x, self.fn)(axis=self.axis, keepdims=self.keepdims)

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
        from .array_ops import reshape_like_kept
        x = self.inputs[0]
        if not self.keepdims:
            g = reshape_like_kept(g, x, self.axis)
        return BroadcastLike()(g, x)


class _TypedReduce(_Reduce):
    # integer sums and products stay in the input dtype (NumPy would widen int32 to int64)
    def forward(self, x):
        return getattr(x, self.fn)(axis=self.axis, dtype=self.dtype, keepdims=self.keepdims)


class Sum(_TypedReduce):
    type, fn = "Sum", "sum"

    def backward(self, gy):
        return self._expand(gy)


class Mean(_TypedReduce):
    """Mean; for integers NumPy's mean with an integer dtype truncates toward zero, as TF."""
    type, fn = "Mean", "mean"

    def forward(self, x):
        if x.dtype.char not in "fd":  # integers (see above); float16 sums in float32
            return x.mean(axis=self.axis, dtype=self.dtype, keepdims=self.keepdims)
        # sum / n: what ndarray.mean computes, without its Python-level overhead (about 2.5x
        # faster on the small arrays of a training step)
        y = x.sum(axis=self.axis, keepdims=self.keepdims)
        if y.size:
            y /= x.size // y.size
        return y

    def backward(self, gy):
        return MeanGrad(self.axis, self.keepdims)._build((gy, self.inputs[0]), "MeanGrad")


class MeanGrad(Operation):
    """gx = broadcast(gy, shape of x) / n: Mean's gradient in one op, n known at run time."""
    type = "MeanGrad"

    def __init__(self, axis, keepdims):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, gy, x):
        kept, n = _kept_shape(x.shape, self.axis)
        g = gy.reshape(kept) / max(n, 1)
        return get_array_module(g).broadcast_to(g, x.shape) if kept != x.shape else g

    def infer(self, gy, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        return Mean(self.axis, self.keepdims)._build((g,), "Mean"), None


@functools.lru_cache(maxsize=256)
def _kept_shape(shape, axis):
    """(shape with the reduced axes set to 1, number of elements reduced)."""
    ax = resolve_axis(axis, len(shape))
    n = 1
    for a in ax:
        n *= shape[a]
    return tuple(1 if i in ax else s for i, s in enumerate(shape)), n


class Prod(_TypedReduce):
    type, fn = "Prod", "prod"

    def backward(self, gy):
        # product of all the other elements, built from exclusive cumprods: exact with zeros in x
        from .array_ops import reshape, reshape_like, transpose
        x = self.inputs[0]
        g = self._expand(gy)
        d = dims(x)
        if d is None:
            return g * self._expand(self.outputs[0]) / x
        ax = sorted(set(resolve_axis(self.axis, len(d))))
        if len(ax) == 1:
            return g * _others(x, ax[0])
        if len(ax) == len(d):
            return g * reshape_like(_others(reshape(x, [-1]), 0), x)
        if None in d:
            return g * self._expand(self.outputs[0]) / x
        keep = [i for i in range(len(d)) if i not in ax]
        perm = keep + ax
        xt = reshape(transpose(x, perm), [d[i] for i in keep] + [-1])
        o = reshape(_others(xt, len(keep)), [d[i] for i in perm])
        return g * transpose(o, [int(i) for i in np.argsort(perm)])


def _others(x, axis):
    """For each element, the product of the other elements along ``axis``."""
    return cumprod(x, axis, exclusive=True) * cumprod(x, axis, exclusive=True, reverse=True)


class _MinMax(_Reduce):
    def backward(self, gy):
        from .math_ops import cast, equal
        x = self.inputs[0]
        m = cast(equal(x, self._expand(self.outputs[0])), gy.dtype)
        # ties share the gradient equally, as TF does
        return self._expand(gy) * m / reduce_sum(m, axis=self.axis, keepdims=True)


class Max(_MinMax):
    type, fn = "Max", "max"


class Min(_MinMax):
    type, fn = "Min", "min"


class Any(_Reduce):
    type, fn = "Any", "any"
    differentiable = False


class All(_Reduce):
    type, fn = "All", "all"
    differentiable = False


def _axis(x, axis, reduction_indices):
    """The reduction axis: None, or a sorted tuple of non-negative ints when x's rank is known."""
    if axis is not None and reduction_indices is not None:
        raise ValueError("Can not specify both 'axis' and 'reduction_indices'.")
    ax = norm_axis(axis, reduction_indices)
    d = dims(x)
    if ax is None or d is None:
        return ax
    return tuple(sorted(set(resolve_axis(ax, len(d)))))


def _reduce(cls, input_tensor, axis, keepdims, name, reduction_indices, keep_dims, dtype=None):
    x = convert_to_tensor(input_tensor, dtype=dtype)
    if keep_dims is not None:
        if keepdims is not None:
            raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'.")
        keepdims = keep_dims
    if x.dtype is dtypes.bool_ and dtype is None:
        if cls is not Sum:
            raise TypeError(f"Value for attr 'T' of bool is not in the list of allowed values for "
                            f"'{cls.type}': numeric types. Cast to a number first.")
        from .math_ops import cast
        x = cast(x, dtypes.int32)  # a convenience TF lacks: counting True values
    ax = _axis(x, axis, reduction_indices)
    dt = x.dtype._np if issubclass(cls, _TypedReduce) and x.dtype.is_integer else None
    return cls(ax, bool(keepdims), dt)._build((x,), name or cls.type)


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Sum over ``axis`` (all axes when None) (``tf.reduce_sum``).

    ``reduction_indices`` and ``keep_dims`` are TF1's names for ``axis`` and ``keepdims``.

    Example:
      >>> tf.reduce_sum([[1, 2], [3, 4]], axis=1).numpy()
      array([3, 7], dtype=int32)
    """
    return _reduce(Sum, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Mean over ``axis`` (``tf.reduce_mean``); integer inputs give an integer mean, as TF.

    Example:
      >>> tf.reduce_mean([1, 2]).numpy()
      1
    """
    return _reduce(Mean, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_prod(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Product over ``axis`` (``tf.reduce_prod``)."""
    return _reduce(Prod, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Maximum over ``axis`` (``tf.reduce_max``); tied maxima share the gradient."""
    return _reduce(Max, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Minimum over ``axis`` (``tf.reduce_min``); tied minima share the gradient."""
    return _reduce(Min, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_any(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Logical or over ``axis`` (``tf.reduce_any``)."""
    return _reduce(Any, input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   dtype=dtypes.bool_)


def reduce_all(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Logical and over ``axis`` (``tf.reduce_all``)."""
    return _reduce(All, input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   dtype=dtypes.bool_)


def reduce_logsumexp(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                     keep_dims=None):
    """log(sum(exp(x))) over ``axis``, computed stably by subtracting the max first."""
    from .array_ops import reshape_like, stop_gradient, zeros_like
    from .math_ops import add, exp, is_finite, log, where
    x = convert_to_tensor(input_tensor)
    if keep_dims is not None:
        keepdims = keep_dims
    ax = _axis(x, axis, reduction_indices)
    m = reduce_max(x, ax, keepdims=True)
    # an infinite max (all -inf, or +inf) would give inf - inf = NaN: shift by 0 there instead
    m = stop_gradient(where(is_finite(m), m, zeros_like(m)))
    r = log(reduce_sum(exp(x - m), ax, keepdims=bool(keepdims)))
    return add(r, m if keepdims else reshape_like(m, r), name=name or "ReduceLogSumExp")


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Population variance over ``axis`` (``tf.math.reduce_variance``)."""
    from .math_ops import square
    x = convert_to_tensor(input_tensor)
    if not x.dtype.is_floating:
        raise TypeError("Input must be either real or complex. Received integer input: "
                        f"{x.dtype!r}")
    ax = _axis(x, axis, None)
    mean = reduce_mean(x, ax, keepdims=True)
    return reduce_mean(square(x - mean), ax, keepdims=bool(keepdims), name=name)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Population standard deviation over ``axis`` (``tf.math.reduce_std``)."""
    from .math_ops import sqrt
    return sqrt(reduce_variance(input_tensor, axis, keepdims), name=name)


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x ** 2)) over ``axis`` (``tf.math.reduce_euclidean_norm``)."""
    from .math_ops import sqrt, square
    x = convert_to_tensor(input_tensor)
    return sqrt(reduce_sum(square(x), axis, keepdims), name=name)


def zero_fraction(value, name=None):
    """The fraction of zeros in ``value``, as float32 (``tf.math.zero_fraction``)."""
    from .math_ops import cast, equal
    x = convert_to_tensor(value)
    return reduce_mean(cast(equal(x, 0), dtypes.float32), name=name or "zero_fraction")


def _monotone(x, strict, name):
    from .array_ops import reshape
    from .math_ops import greater, greater_equal
    x = reshape(convert_to_tensor(x), [-1])
    d = dims(x)
    if d[0] is not None and d[0] < 2:
        from ..core.op import constant
        return constant(True, name=name)
    diff = (greater if strict else greater_equal)(x[1:], x[:-1])
    return reduce_all(diff, name=name)


def is_non_decreasing(x, name=None):
    """True if every element of (flattened) x is >= the one before (``tf.is_non_decreasing``)."""
    return _monotone(x, False, name or "is_non_decreasing")


def is_strictly_increasing(x, name=None):
    """True if every element of (flattened) x is > the one before."""
    return _monotone(x, True, name or "is_strictly_increasing")


# ==================================================================== arg reductions
class ArgMax(Operation):
    type = "ArgMax"
    differentiable = False
    fn = "argmax"

    def __init__(self, axis, output_type):
        self.axis, self.output_type = axis, output_type
        self._np = output_type._np

    def forward(self, x):
        return getattr(x, self.fn)(axis=self.axis).astype(self._np, copy=False)

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, self.output_type)]
        a = self.axis % len(d)
        return [(d[:a] + d[a + 1:], self.output_type)]


class ArgMin(ArgMax):
    type = "ArgMin"
    fn = "argmin"


def _arg(cls, input, axis, name, dimension, output_type):  # noqa: A002
    if axis is not None and dimension is not None:
        raise ValueError("Cannot specify both 'axis' and 'dimension'")
    if isinstance(name, dtypes.DType):  # TF2's argmax(input, axis, output_type, name) order
        name, output_type = None, name
    x = convert_to_tensor(input)
    ax = norm_axis(axis, dimension)
    ax = 0 if ax is None else ax
    if not isinstance(ax, int):
        raise ValueError("Invalid value for argument `axis`: expected a scalar. "
                         f"Received: axis={ax}")
    d = dims(x)
    if d is not None and not -len(d) <= ax < len(d):
        raise ValueError(f"Expected dimension in the range [{-len(d)}, {len(d)}), but got {ax}")
    ot = dtypes.as_dtype(output_type)
    if ot not in (dtypes.int32, dtypes.int64, dtypes.int16, dtypes.uint16):
        raise TypeError(f"Value for attr 'output_type' of {ot.name} is not in the list of allowed "
                        "values: int16, uint16, int32, int64")
    return cls(ax if d is None else ax % len(d), ot)._build((x,), name or cls.type)


def argmax(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the largest value along ``axis`` (default 0) (``tf.argmax``; TF1's ``dimension``).

    Example:
      >>> tf.argmax([[1, 5], [7, 2]], axis=1).numpy()
      array([1, 0])
    """
    return _arg(ArgMax, input, axis, name, dimension, output_type)


def argmin(input, axis=None, name=None, dimension=None, output_type=dtypes.int64):  # noqa: A002
    """Index of the smallest value along ``axis`` (default 0) (``tf.argmin``)."""
    return _arg(ArgMin, input, axis, name, dimension, output_type)


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    """Number of non-zero elements over ``axis`` (``tf.count_nonzero``), as ``dtype``."""
    from .math_ops import cast, not_equal
    x = convert_to_tensor(input_tensor if input_tensor is not None else input)
    zero = "" if x.dtype is dtypes.string else 0
    nz = cast(not_equal(x, zero), dtypes.int64)
    return cast(reduce_sum(nz, axis, keepdims, None, reduction_indices, keep_dims), dtype,
                name=name or "count_nonzero")


# ==================================================================== scans
class _Scan(Operation):
    """Cumulative sum/product along ``axis``; ``exclusive`` leaves out the element itself."""
    fn, fill = None, None

    def __init__(self, axis, exclusive, reverse):
        self.axis, self.exclusive, self.reverse = axis, exclusive, reverse

    def forward(self, x):
        xp = get_array_module(x)
        a = self.axis
        if self.reverse:
            x = xp.flip(x, a)
        if self.exclusive and x.shape[a]:  # shift the input by one, fill with the identity: exact
            s = xp.empty_like(x)
            lead = (slice(None),) * (a % x.ndim)
            s[lead + (0,)] = self.fill
            s[lead + (slice(1, None),)] = x[lead + (slice(None, -1),)]
            x = s
        y = getattr(xp, self.fn)(x, axis=a, dtype=x.dtype)
        return xp.flip(y, a) if self.reverse else y

    def infer(self, x):
        return [(dims(x), x.dtype)]


class Cumsum(_Scan):
    type, fn, fill = "Cumsum", "cumsum", 0

    def backward(self, gy):
        return cumsum(gy, self.axis, exclusive=self.exclusive, reverse=not self.reverse)


class Cumprod(_Scan):
    type, fn, fill = "Cumprod", "cumprod", 1

    def backward(self, gy):
        # as TF: sum over later outputs of gy * y, divided by x (undefined where x == 0)
        x, y = self.inputs[0], self.outputs[0]
        return cumsum(y * gy, self.axis, exclusive=self.exclusive, reverse=not self.reverse) / x


def _scan(cls, x, axis, exclusive, reverse, name):
    x = convert_to_tensor(x)
    a = norm_axis(axis)
    if not isinstance(a, int):
        raise ValueError("Invalid value for argument `axis`: expected a scalar. "
                         f"Received: axis={a}")
    d = dims(x)
    if d is not None:
        if not -len(d) <= a < len(d):
            raise ValueError(f"axis must be in the range [{-len(d)}, {len(d)}), but got {a}")
        a %= len(d)
    return cls(a, bool(exclusive), bool(reverse))._build((x,), name or cls.type)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along ``axis`` (``tf.cumsum``).

    Example:
      >>> tf.cumsum([1, 2, 3], exclusive=True).numpy()
      array([0, 1, 3], dtype=int32)
    """
    return _scan(Cumsum, x, axis, exclusive, reverse, name)


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along ``axis`` (``tf.cumprod``)."""
    return _scan(Cumprod, x, axis, exclusive, reverse, name)


# ==================================================================== counting
class Bincount(Operation):
    """Counts of each value in arr (weighted if weights given), sized [minlength, maxlength]."""
    type = "Bincount"
    differentiable = False

    def __init__(self, minlength, maxlength, dtype):
        self.minlength, self.maxlength, self.dtype = minlength, maxlength, dtype

    def forward(self, arr, weights=None):
        xp = get_array_module(arr)  # counted on the host, returned where the input lives
        arr = to_numpy(arr).reshape(-1)
        if weights is not None:
            weights = to_numpy(weights).reshape(-1)
        if arr.size and arr.min() < 0:
            raise ValueError("Input arr must be non-negative!")
        if self.maxlength is not None:
            keep = arr < self.maxlength
            arr = arr[keep]
            weights = weights[keep] if weights is not None else None
        n = max(int(arr.max()) + 1 if arr.size else 0, self.minlength or 0)
        if self.maxlength is not None:
            n = min(n, self.maxlength)
        return xp.asarray(np.bincount(arr, weights, minlength=n).astype(self.dtype._np, copy=False))

    def infer(self, *xs):
        return [((None,), self.dtype)]


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32, name=None,
             axis=None, binary_output=False):
    """Counts of each integer value in ``arr`` (``tf.math.bincount``)."""
    if axis is not None or binary_output:
        raise NotImplementedError("tf.math.bincount with `axis` or `binary_output` is not "
                                  "supported by neuroflow yet; count a 1-D tensor instead.")
    arr = convert_to_tensor(arr)
    if weights is not None:
        w = convert_to_tensor(weights)
        return Bincount(minlength, maxlength, w.dtype)._build((arr, w), name or "bincount")
    return Bincount(minlength, maxlength, dtypes.as_dtype(dtype))._build((arr,), name or "bincount")


class ConfusionMatrix(Operation):
    type = "ConfusionMatrix"
    differentiable = False

    def __init__(self, num_classes, dtype):
        self.num_classes, self.dtype = num_classes, dtype

    def forward(self, labels, predictions, weights=None):
        xp = get_array_module(labels)  # counted on the host, returned where the input lives
        labels, predictions = to_numpy(labels).reshape(-1), to_numpy(predictions).reshape(-1)
        if labels.shape != predictions.shape:
            raise ValueError(f"labels and predictions must have the same size, received "
                             f"{labels.size} and {predictions.size}")
        for what, v in (("labels", labels), ("predictions", predictions)):
            if v.size and v.min() < 0:
                raise ValueError(f"`{what}` contains negative values")
        n = self.num_classes
        if n is None:
            n = int(max(labels.max(initial=-1), predictions.max(initial=-1))) + 1
        elif labels.size and max(labels.max(), predictions.max()) >= n:
            raise ValueError(f"`labels` and `predictions` must be less than num_classes={n}")
        cm = np.zeros((n, n), dtype=self.dtype._np)
        np.add.at(cm, (labels, predictions), 1 if weights is None else
                  to_numpy(weights).reshape(-1).astype(self.dtype._np))
        return xp.asarray(cm)

    def infer(self, *xs):
        n = self.num_classes
        return [((n, n), self.dtype)]


def confusion_matrix(labels, predictions, num_classes=None, dtype=dtypes.int32, name=None,
                     weights=None):
    """Confusion matrix: rows are true labels, columns predictions (TF1 ``tf.confusion_matrix``).

    Example:
      >>> tf.confusion_matrix([1, 2, 4], [2, 2, 4]).numpy()[2, 2]
      1
    """
    from .math_ops import cast
    labels, predictions = convert_to_tensor(labels), convert_to_tensor(predictions)
    labels, predictions = cast(labels, dtypes.int64), cast(predictions, dtypes.int64)
    n = None if num_classes is None else int(num_classes)
    ins = (labels, predictions) if weights is None else \
        (labels, predictions, convert_to_tensor(weights))
    return ConfusionMatrix(n, dtypes.as_dtype(dtype))._build(ins, name or "confusion_matrix")


# TF2-only names that live under tf.math only (not at TF1's top level)
_MATH_ONLY = {"reduce_variance", "reduce_std", "reduce_euclidean_norm", "zero_fraction"}

__all__ = [_n for _n, _v in list(globals().items())
           if not _n.startswith("_") and _n.islower() and callable(_v) and _n not in _MATH_ONLY
           and getattr(_v, "__module__", None) == __name__]
