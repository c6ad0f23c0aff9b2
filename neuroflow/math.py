"""``tf.math``: elementwise math, reductions and comparisons under TF2's names.

``import neuroflow as tf`` gives ``tf.math.log``, ``tf.math.reduce_sum``, ``tf.math.argmax`` ...
The activations that TF also files here (``softplus``, ``softmax`` ...) resolve to ``tf.nn`` on
first use; segment ops resolve to the top-level ops. ``__all__`` stays empty: the top-level
package star-imports this module, and every name below is already at the top level (or is
TF2-only and belongs here alone).
"""
import importlib

from .ops.clip_ops import (  # noqa: F401
    clip_by_global_norm, clip_by_norm, clip_by_value, global_norm)
from .ops.linalg_ops import einsum, norm, tensordot  # noqa: F401
from .ops.math_ops import (  # noqa: F401
    accumulate_n, add, add_n, atan2, cast, conj, div_no_nan, divide, divide_no_nan, equal,
    floordiv, floormod, greater, greater_equal, imag, less, less_equal, logical_and, logical_not,
    logical_or, logical_xor, matmul, maximum, minimum, mod, multiply, multiply_no_nan, not_equal,
    polyval, pow, real, realdiv, reciprocal_no_nan, saturate_cast, scalar_mul, squared_difference,
    subtract, truediv, truncatediv, truncatemod, xdivy, xlog1py, xlogy)
from .ops.math_ops import negative  # noqa: F401
from .ops.reduce_ops import (  # noqa: F401
    argmax, argmin, bincount, count_nonzero, cumprod, cumsum, is_non_decreasing,
    is_strictly_increasing, reduce_all, reduce_any, reduce_euclidean_norm, reduce_logsumexp,
    reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_std, reduce_sum, reduce_variance,
    zero_fraction)
from .ops.reduce_ops import confusion_matrix as _confusion_matrix_v1
from .ops.unary_ops import (  # noqa: F401
    abs, acos, acosh, asin, asinh, atan, atanh, ceil, cos, cosh, digamma, erf, erfc, erfinv, exp,
    expm1, floor, is_finite, is_inf, is_nan, lgamma, log, log1p, log_sigmoid, ndtri, polygamma,
    reciprocal, rint, round, rsqrt, sigmoid, sign, sin, sinh, sqrt, square, tan, tanh)

__all__ = []


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=None, name=None):
    """The confusion matrix (TF2 ``tf.math.confusion_matrix``: ``weights`` precedes ``dtype``)."""
    from .core import dtypes
    return _confusion_matrix_v1(labels, predictions, num_classes, dtype or dtypes.int32, name,
                                weights)


# TF's tf.math names that live in another neuroflow module: name -> module
_ELSEWHERE = {
    "softplus": "neuroflow.nn", "softsign": "neuroflow.nn", "softmax": "neuroflow.nn",
    "log_softmax": "neuroflow.nn", "l2_normalize": "neuroflow.nn", "in_top_k": "neuroflow.nn",
    "top_k": "neuroflow.nn",
}
for _n in ("segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod",
           "unsorted_segment_sum", "unsorted_segment_mean", "unsorted_segment_max",
           "unsorted_segment_min", "unsorted_segment_prod", "unsorted_segment_sqrt_n",
           "invert_permutation"):
    _ELSEWHERE[_n] = "neuroflow"

# TF's tf.math names neuroflow does not provide
_UNSUPPORTED = {"angle", "bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "betainc", "igamma",
                "igammac", "lbeta", "nextafter", "sobol_sample", "zeta", "cumulative_logsumexp",
                "approx_max_k", "approx_min_k", "erfcinv"}


def __getattr__(name):
    home = _ELSEWHERE.get(name)
    if home is not None:
        try:
            return getattr(importlib.import_module(home), name)
        except AttributeError:
            pass
    if name in _UNSUPPORTED or home is not None:
        raise NotImplementedError(f"tf.math.{name} is not supported by neuroflow yet.")
    raise AttributeError(f"module 'neuroflow.math' (tf.math) has no attribute '{name}'")
