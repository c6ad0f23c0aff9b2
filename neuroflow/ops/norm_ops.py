"""Batch normalization as one fused op with a hand-written backward (``FusedBatchNormV3``).

Statistics run over every axis but the last (callers move a channels-first axis last). Column sums
are products with a ones vector (BLAS), several times faster than a reduction over leading axes.
"""
from ._base import Operation, dims, get_array_module

__all__ = []

_ONES = {}


def colsum(a2):
    """a2 summed over its rows (a [rows, C] array)."""
    xp = get_array_module(a2)
    key = (a2.shape[0], a2.dtype.str, xp.__name__)
    ones = _ONES.get(key)
    if ones is None:
        if len(_ONES) > 64:
            _ONES.clear()
        ones = _ONES[key] = xp.ones(a2.shape[0], a2.dtype)
    return xp.dot(ones, a2)


def _flag(training, extra):
    """The training mode of this run: the static one, else the fed boolean."""
    return bool(extra[0]) if training is None else training


class FusedBatchNorm(Operation):
    """y = (x - m) * rsqrt(v + eps) * scale + offset along the last axis.

    Training: m, v are the batch's (biased) statistics. Inference: the given mean and variance.
    Inputs: x, scale, offset, mean, variance [, training flag when ``training`` is None].
    Outputs: y, batch mean, batch variance (with Bessel's correction when ``bessel``, as TF's
    fused kernel; inference passes mean and variance through), and the saved mean and
    1 / sqrt(v + eps) for the backward pass.
    """
    type = "FusedBatchNormV3"
    multi_output = True

    def __init__(self, epsilon, training=True, bessel=True):
        self.epsilon, self.training, self.bessel = float(epsilon), training, bessel

    def forward(self, x, scale, offset, mean, variance, *flag):
        xp = get_array_module(x)
        C = x.shape[-1]
        x2 = x.reshape(-1, C)
        n = x2.shape[0]
        if _flag(self.training, flag):
            m = colsum(x2) / n
            y = x2 - m
            v = colsum(y * y) / n
            inv = 1 / xp.sqrt(v + self.epsilon)
            y *= scale * inv
            y += offset
            bv = v * (n / max(n - 1, 1)) if self.bessel else v
            return y.reshape(x.shape), m, bv.astype(x.dtype, copy=False), m, inv
        inv = (1 / xp.sqrt(variance + self.epsilon)).astype(x.dtype, copy=False)
        a = scale * inv
        y = x * a
        y += offset - mean * a
        return y, mean, variance, mean, inv

    def infer(self, x, scale, *rest):
        d = dims(x)
        c = None if d is None else (d[-1],)
        return [(d, x.dtype)] + [(c, x.dtype)] * 4

    def backward(self, gy, *unused):
        x, scale = self.inputs[0], self.inputs[1]
        ins = (gy, x, scale, self.outputs[3], self.outputs[4]) + tuple(self.inputs[5:])
        gx, gscale, goffset = FusedBatchNormGrad(self.training)._build(ins, "FusedBatchNormGradV3")
        # as TF: no gradient for the population statistics (or through the returned ones)
        return (gx, gscale, goffset, None, None) + (None,) * len(self.inputs[5:])


class FusedBatchNormGrad(Operation):
    """(gx, gscale, goffset) of FusedBatchNorm, from the saved mean m and inv = rsqrt(v + eps).

    Training: gx = scale * inv / n * (n * gy - sum(gy) - xhat * sum(gy * xhat)), xhat =
    (x - m) * inv. Inference: gx = gy * scale * inv. No second derivative (differentiable=False).
    """
    type = "FusedBatchNormGradV3"
    multi_output = True
    differentiable = False

    def __init__(self, training=True):
        self.training = training

    def forward(self, gy, x, scale, m, inv, *flag):
        C = x.shape[-1]
        g2, x2 = gy.reshape(-1, C), x.reshape(-1, C)
        n = g2.shape[0]
        goffset = colsum(g2)
        xhat = x2 - m
        xhat *= inv
        gscale = colsum(g2 * xhat)
        if not _flag(self.training, flag):
            return gy * (scale * inv), gscale, goffset
        xhat *= gscale / n
        xhat += goffset / n
        gx = g2 - xhat
        gx *= scale * inv
        return gx.reshape(x.shape), gscale, goffset

    def infer(self, gy, x, scale, *rest):
        d = dims(scale)
        return [(dims(x), x.dtype), (d, x.dtype), (d, x.dtype)]


class LRN(Operation):
    """y = x / (bias + alpha * s) ** beta, s = the sum of x**2 over the 2r + 1 nearest channels
    (AlexNet's local response normalization), in one pass; the backward is composed of ops."""
    type = "LRN"

    def __init__(self, depth_radius, bias, alpha, beta):
        self.r, self.bias, self.alpha, self.beta = int(depth_radius), bias, alpha, beta

    def forward(self, x):
        xp = get_array_module(x)
        s = window_sum(x * x, self.r)
        s *= self.alpha
        s += self.bias
        return x * xp.power(s, -self.beta, dtype=x.dtype)

    def backward(self, gy):
        from . import math_ops as M
        from .nn_ops import WindowSum
        x, y = self.inputs[0], self.outputs[0]
        s = self.bias + self.alpha * WindowSum(self.r)._build((M.square(x),), "WindowSum")
        # dy_j/dx_i = delta_ij s_i^-beta - 2 alpha beta x_i y_j / s_j over the window (symmetric)
        inner = WindowSum(self.r)._build((gy * y / s,), "WindowSum")
        return gy * M.pow(s, -self.beta) - (2.0 * self.alpha * self.beta) * x * inner


def window_sum(v, r):
    """v summed over the channels c - r .. c + r of the last axis (zero beyond the edges)."""
    y = v.copy()
    n = v.shape[-1]
    for k in range(1, min(r, n - 1) + 1):
        y[..., k:] += v[..., :-k]
        y[..., :-k] += v[..., k:]
    return y


def check_float(x, what="x"):
    if not x.dtype.is_floating:
        raise TypeError(f"Value passed to parameter '{what}' has DataType {x.dtype.name} not in "
                        "list of allowed values: float16, bfloat16, float32, float64")
