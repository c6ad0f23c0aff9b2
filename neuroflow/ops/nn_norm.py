"""``tf.nn`` moments and normalization: moments, batch_normalization, fused_batch_norm, lrn ...

Composed from ops, so their gradients (and second derivatives) come from the ops' own rules.
"""
from ..core.graph import name_scope
from ..core.op import convert_to_tensor
from . import math_ops as M
from . import nn_ops as N
from .array_ops import _static_ints, ones_like, reshape, squeeze, stop_gradient
from .reduce_ops import reduce_mean, reduce_sum

__all__ = []


def _pick(new, old, new_name, old_name):
    """TF's deprecated_argument_lookup: the new argument name or its deprecated alias."""
    if old is not None:
        if new is not None:
            raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'")
        return old
    return new


def _axes(axes):
    a = _static_ints(axes, "axes")
    if a is None:
        raise NotImplementedError("A symbolic (fed) `axes` is not supported by neuroflow yet; "
                                  "pass a Python list.")
    return a


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """Mean and variance of x over ``axes`` (``tf.nn.moments``).

    Args:
      x: a Tensor.
      axes: the axes to reduce, e.g. [0] for a batch of vectors, [0, 1, 2] for NHWC images.
      keep_dims / keepdims: keep the reduced axes with size 1.
    Returns:
      (mean, variance).
    Example:
      >>> m, v = tf.nn.moments(tf.constant([1.0, 2.0, 3.0]), axes=[0])
    """
    kd = bool(_pick(keepdims, keep_dims, "keepdims", "keep_dims"))
    ax = _axes(axes)
    x = convert_to_tensor(x)
    with name_scope(name, "moments"):
        mean = reduce_mean(x, ax, keepdims=True, name="mean")
        # the variance's gradient through the mean is zero, so the mean is held constant
        variance = reduce_mean(M.squared_difference(x, stop_gradient(mean)), ax, keepdims=True,
                               name="variance")
        if not kd:
            mean = squeeze(mean, ax)
            variance = squeeze(variance, ax)
        return mean, variance


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    """Mean and variance of x over ``axes`` with each entry counted ``frequency_weights`` times."""
    kd = bool(_pick(keepdims, keep_dims, "keepdims", "keep_dims"))
    ax = _axes(axes)
    x = convert_to_tensor(x)
    w = convert_to_tensor(frequency_weights, dtype_hint=x.dtype)
    with name_scope(name, "weighted_moments"):
        sum_w = reduce_sum(w * ones_like(x), ax, keepdims=True)
        divisor = M.reciprocal(sum_w)
        mean = reduce_sum(w * x, ax, keepdims=True) * divisor
        variance = reduce_sum(w * M.squared_difference(x, stop_gradient(mean)), ax,
                              keepdims=True) * divisor
        if not kd:
            mean, variance = squeeze(mean, ax), squeeze(variance, ax)
        return mean, variance


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """(count, sum(x - shift), sum((x - shift) ** 2), shift) over ``axes``."""
    kd = bool(_pick(keepdims, keep_dims, "keepdims", "keep_dims"))
    ax = _axes(axes)
    x = convert_to_tensor(x)
    d = x.shape.as_tuple()
    with name_scope(name, "sufficient_statistics"):
        if d is not None and all(d[a] is not None for a in ax):
            n = 1
            for a in ax:
                n *= d[a]
            count = convert_to_tensor(float(n), dtype=x.dtype)
        else:
            from .array_ops import size
            count = M.cast(size(x), x.dtype) / M.cast(size(reduce_sum(x, ax)), x.dtype)
        m_x = x - shift if shift is not None else x
        m_ss = reduce_sum(m_x, ax, keepdims=kd)
        v_ss = reduce_sum(M.square(m_x), ax, keepdims=kd)
        return count, m_ss, v_ss, (convert_to_tensor(shift, dtype_hint=x.dtype)
                                   if shift is not None else None)


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """Mean and variance from sufficient statistics (``tf.nn.normalize_moments``)."""
    with name_scope(name, "normalize"):
        divisor = M.reciprocal(convert_to_tensor(counts))
        shifted_mean = mean_ss * divisor
        mean = shifted_mean + shift if shift is not None else shifted_mean
        variance = variance_ss * divisor - M.square(shifted_mean)
        return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """(x - mean) / sqrt(variance + eps) * scale + offset (``tf.nn.batch_normalization``).

    ``offset`` and ``scale`` may be None (0 and 1).
    """
    x = convert_to_tensor(x)
    with name_scope(name, "batchnorm"):
        inv = M.rsqrt(convert_to_tensor(variance, dtype_hint=x.dtype) + variance_epsilon)
        if scale is not None:
            inv = inv * scale
        shift = (offset - mean * inv) if offset is not None else -mean * inv
        return x * inv + shift


def batch_norm_with_global_normalization(t=None, m=None, v=None, beta=None, gamma=None,
                                         variance_epsilon=None, scale_after_normalization=None,
                                         name=None, input=None, mean=None,  # noqa: A002
                                         variance=None):
    """TF1's older batch normalization: ``batch_normalization`` with gamma only if asked."""
    t, m, v = _pick(t, input, "t", "input"), _pick(m, mean, "m", "mean"), \
        _pick(v, variance, "v", "variance")
    return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None,
                               variance_epsilon, name or "batchnorm")


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x ** 2, axis), epsilon)) (``tf.nn.l2_normalize``; TF1's ``dim`` too)."""
    ax = _pick(axis, dim, "axis", "dim")
    ax = None if ax is None else _static_ints(ax, "axis")
    x = convert_to_tensor(x)
    with name_scope(name, "l2_normalize"):
        square_sum = reduce_sum(M.square(x), ax, keepdims=True)
        return x * M.rsqrt(M.maximum(square_sum, epsilon))


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5,  # noqa: A002
                                 name=None):
    """input / (bias + alpha * sum of squares of 2 * depth_radius + 1 channels) ** beta (``lrn``).

    Example:
      >>> y = tf.nn.lrn(conv_out, depth_radius=4, bias=1.0, alpha=0.001 / 9.0, beta=0.75)
    """
    x = convert_to_tensor(input)
    d = x.shape.as_tuple()
    if d is not None and len(d) != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {len(d)} for 'LRN' (op: 'LRN') with "
                         f"input shapes: {x.shape}.")
    with name_scope(name, "LRN"):
        sq = N.WindowSum(int(depth_radius))._build((M.square(x),), "WindowSum")
        return x * M.pow(bias + alpha * sq, -beta)


lrn = local_response_normalization


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001, data_format="NHWC",
                     is_training=True, name=None, exponential_avg_factor=1.0):
    """Batch normalization of a 4-D tensor over N, H, W (``tf.nn.fused_batch_norm``).

    Args:
      x: [N, H, W, C] ("NHWC") or [N, C, H, W] ("NCHW").
      scale, offset: [C].
      mean, variance: [C] population statistics; required when not ``is_training``.
      epsilon: added to the variance (at least 1.001e-5, as TF's kernels require).
      is_training: normalize with the batch's statistics and return them.
      exponential_avg_factor: when < 1, the returned statistics are the running averages
        (1 - f) * mean + f * batch_mean (and likewise the variance).
    Returns:
      (y, batch_mean, batch_variance); the returned variance has Bessel's correction, as TF's.
    """
    x = convert_to_tensor(x)
    d = x.shape.as_tuple()
    if d is not None and len(d) not in (4, 5):
        raise ValueError(f"Shape must be rank 4 but is rank {len(d)} for 'FusedBatchNormV3' with "
                         f"input shapes: {x.shape}.")
    if data_format not in ("NHWC", "NCHW", "NDHWC", "NCDHW"):
        raise ValueError("Invalid value for argument `data_format`: expected 'NHWC' or 'NCHW'. "
                         f"Received: data_format={data_format!r}")
    if not is_training and (mean is None or variance is None):
        raise ValueError("Both 'mean' and 'variance' must be a 1D tensor when is_training is "
                         "False.")
    epsilon = max(float(epsilon), 1.001e-5)
    rank = len(d) if d is not None else len(data_format)
    c = rank - 1 if data_format.endswith("C") else 1
    axes = [a for a in range(rank) if a != c]
    bshape = [-1 if a == c else 1 for a in range(rank)]
    with name_scope(name, "FusedBatchNormV3"):
        if is_training:
            m, v = moments(x, axes)
            if d is not None and all(d[a] is not None for a in axes):
                n = 1.0
                for a in axes:
                    n *= d[a]
                bessel = convert_to_tensor(n / max(n - 1.0, 1.0), dtype=x.dtype)
            else:
                from .array_ops import size
                n = M.cast(size(x), x.dtype) / M.cast(size(m), x.dtype)
                bessel = n / M.maximum(n - 1.0, 1.0)
            out_m, out_v = m, v * bessel
            f = float(exponential_avg_factor)
            if f != 1.0:
                out_m = (1.0 - f) * mean + f * out_m
                out_v = (1.0 - f) * variance + f * out_v
        else:
            m = out_m = convert_to_tensor(mean, dtype_hint=x.dtype)
            v = out_v = convert_to_tensor(variance, dtype_hint=x.dtype)
        inv = M.rsqrt(v + epsilon) * scale
        y = x * reshape(inv, bshape) + reshape(offset - m * inv, bshape)
        return y, out_m, out_v
