"""Clipping: clip_by_value, clip_by_norm, clip_by_average_norm, global_norm, clip_by_global_norm."""
from ._base import Operation, convert_to_tensor, dims, get_array_module, sum_to_like
from .math_ops import (_raise_incompatible, _zeros_like, cast, check_same_dtype, greater, less,
                       logical_or, maximum, minimum, rsqrt, sqrt, where_v2)
from .reduce_ops import reduce_sum


class ClipByValue(Operation):
    """min(max(x, lo), hi); the gradient flows to x only inside [lo, hi], as TF."""
    type = "ClipByValue"

    def forward(self, x, lo, hi):
        return get_array_module(x).clip(x, lo, hi)

    def infer(self, x, lo, hi):
        return [(Operation.infer(self, x, lo, hi)[0][0], x.dtype)]

    def backward(self, gy):
        x, lo, hi = self.inputs
        z = _zeros_like(gy)
        below, above = less(x, lo), greater(x, hi)
        gx = where_v2(logical_or(below, above), z, gy)
        return (sum_to_like(gx, x), sum_to_like(where_v2(below, gy, z), lo),
                sum_to_like(where_v2(above, gy, z), hi))


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clips values to [clip_value_min, clip_value_max] (``tf.clip_by_value``).

    Example:
      >>> tf.clip_by_value([-2.0, 0.5, 3.0], 0.0, 1.0).numpy()
      array([0. , 0.5, 1. ], dtype=float32)
    """
    x = convert_to_tensor(t)
    lo = convert_to_tensor(clip_value_min, dtype_hint=x.dtype)
    hi = convert_to_tensor(clip_value_max, dtype_hint=x.dtype)
    check_same_dtype("ClipByValue", x, lo, "t", "clip_value_min")
    check_same_dtype("ClipByValue", x, hi, "t", "clip_value_max")
    dx = dims(x)
    for v in (lo, hi):
        dv = dims(v)
        if dx is not None and dv is not None and dv != () and len(dv) > len(dx):
            raise ValueError(f"Shapes {x.shape} and {v.shape} are incompatible")
    try:
        return ClipByValue()._build((x, lo, hi), name or "clip_by_value")
    except ValueError:
        _raise_incompatible("ClipByValue", x, lo, hi)
        raise


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescales t so its L2 norm over ``axes`` is at most ``clip_norm`` (``tf.clip_by_norm``)."""
    from .array_ops import identity, ones_like
    x = convert_to_tensor(t)
    c = convert_to_tensor(clip_norm, dtype_hint=x.dtype)
    l2sum = reduce_sum(x * x, axes, keepdims=True)
    # where the norm is 0, take sqrt of 1 instead so the gradient stays finite (as TF)
    pos = greater(l2sum, 0)
    l2norm = where_v2(pos, sqrt(where_v2(pos, l2sum, ones_like(l2sum))), l2sum)
    return identity(x * c / maximum(l2norm, c), name=name or "clip_by_norm")


def clip_by_average_norm(t, clip_norm, name=None):
    """TF1 ``tf.clip_by_average_norm``: clips t so that its L2 norm / size is at most clip_norm."""
    from .array_ops import identity, size
    from .math_ops import cast
    x = convert_to_tensor(t)
    c = convert_to_tensor(clip_norm, dtype_hint=x.dtype)
    n = cast(size(x), x.dtype)
    inv = rsqrt(reduce_sum(x * x))
    return identity(x * c * minimum(inv * n, 1.0 / c), name=name or "clip_by_average_norm")


def _check_list(t_list, what="t_list"):
    if not isinstance(t_list, (list, tuple)) or isinstance(t_list, str):
        raise TypeError(f"`{what}` should be a sequence of tensors. Received {type(t_list)}.")
    return list(t_list)


def global_norm(t_list, name=None):
    """sqrt(sum of squares of every element of every tensor in t_list); None entries are skipped."""
    from .array_ops import stack
    ts = [convert_to_tensor(t) for t in _check_list(t_list) if t is not None]
    if not ts:
        raise ValueError("`t_list` must hold at least one tensor that is not None.")
    sq = [reduce_sum(t * t) for t in ts]
    total = reduce_sum(stack(sq)) if len(sq) > 1 else sq[0]
    return sqrt(total, name=name or "global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scales every tensor by clip_norm / max(global_norm, clip_norm) (``tf.clip_by_global_norm``).

    Returns:
      (list of clipped tensors (None entries stay None), the global norm used).

    Example:
      >>> clipped, gn = tf.clip_by_global_norm([tf.constant([3.0]), tf.constant([4.0])], 1.0)
      >>> float(gn)
      5.0
    """
    t_list = _check_list(t_list)
    use_norm = global_norm(t_list) if use_norm is None else convert_to_tensor(use_norm)
    c = convert_to_tensor(clip_norm, dtype_hint=use_norm.dtype)
    # (use_norm - use_norm) turns an infinite norm into NaN values, as TF does
    scale = c * minimum(1.0 / use_norm, 1.0 / c) + (use_norm - use_norm)
    out = []
    for t in t_list:
        if t is not None:
            t = convert_to_tensor(t)
            t = t * (scale if t.dtype is scale.dtype else cast(scale, t.dtype))
        out.append(t)
    return out, use_norm


__all__ = ["clip_by_value", "clip_by_norm", "clip_by_average_norm", "global_norm",
           "clip_by_global_norm"]
