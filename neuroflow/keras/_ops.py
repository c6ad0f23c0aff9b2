"""Ops the Keras layers and losses need, taken from ``tf.nn`` when it has them.

Each public function here prefers the ``neuroflow.nn`` function of the same meaning (the fused
op its owner writes) and falls back to a small private op below, so Keras works either way.
"""
import numpy as np

from ..core.backend import get_array_module
from ..core.op import Operation, convert_to_tensor
from ..core.random_seed import get_seed
from ..ops._base import dims


def _nn(name):
    from .. import nn
    return getattr(nn, name, None)


# ==================================================================== activations
class Relu(Operation):
    """y = max(x, 0)."""
    type = "Relu"

    def forward(self, x):
        return get_array_module(x).maximum(x, 0).astype(x.dtype, copy=False)

    def backward(self, gy):
        return ReluGrad()._build((gy, self.outputs[0]))


class ReluGrad(Operation):
    """gx = gy where y > 0 (one op instead of compare, cast and multiply)."""
    type = "ReluGrad"

    def forward(self, gy, y):
        return gy * (y > 0)

    def backward(self, g):
        return ReluGrad()._build((g, self.inputs[1])), None


class Softmax(Operation):
    """y = exp(x - max) / sum(exp(x - max)) along ``axis`` (shifted: no overflow)."""
    type = "Softmax"

    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, x):
        xp = get_array_module(x)
        e = xp.exp(x - x.max(axis=self.axis, keepdims=True))
        e /= e.sum(axis=self.axis, keepdims=True)
        return e

    def backward(self, gy):
        from ..ops.reduce_ops import reduce_sum
        y = self.outputs[0]
        return y * (gy - reduce_sum(gy * y, axis=self.axis, keepdims=True))


def relu(x):
    f = _nn("relu")
    return f(x) if f is not None else Relu()._build((convert_to_tensor(x),))


def softmax(x, axis=-1):
    f = _nn("softmax")
    if f is not None:
        return f(x, axis=axis)
    return Softmax(axis)._build((convert_to_tensor(x),))


# ==================================================================== fused losses
class SoftmaxXent(Operation):
    """loss = -sum(labels * log_softmax(logits), -1); second output softmax - labels (for backward)."""
    type = "SoftmaxCrossEntropyWithLogits"
    multi_output = True

    def forward(self, labels, logits):
        xp = get_array_module(logits)
        z = logits - logits.max(axis=-1, keepdims=True)
        e = xp.exp(z)
        s = e.sum(axis=-1, keepdims=True)
        logp = z - xp.log(s)
        loss = -(labels * logp).sum(axis=-1)
        return loss.astype(logits.dtype, copy=False), e / s - labels

    def infer(self, labels, logits):
        d = dims(logits)
        return [(None if d is None else d[:-1], logits.dtype), (d, logits.dtype)]

    def backward(self, gy, gbackprop):
        from ..ops.array_ops import expand_dims
        return None, expand_dims(gy, -1) * self.outputs[1]


class SparseSoftmaxXent(Operation):
    """loss = -log_softmax(logits)[labels]; second output softmax - onehot(labels)."""
    type = "SparseSoftmaxCrossEntropyWithLogits"
    multi_output = True
    differentiable = True

    def forward(self, labels, logits):
        xp = get_array_module(logits)
        z = logits - logits.max(axis=-1, keepdims=True)
        e = xp.exp(z)
        s = e.sum(axis=-1, keepdims=True)
        logp = z - xp.log(s)
        flat = logp.reshape(-1, logp.shape[-1])
        idx = labels.reshape(-1).astype(np.int64)
        rows = xp.arange(flat.shape[0])
        loss = -flat[rows, idx].reshape(labels.shape)
        back = (e / s).reshape(-1, logp.shape[-1])
        back[rows, idx] -= 1
        return loss.astype(logits.dtype, copy=False), back.reshape(logits.shape)

    def infer(self, labels, logits):
        d = dims(logits)
        return [(None if d is None else d[:-1], logits.dtype), (d, logits.dtype)]

    def backward(self, gy, gbackprop):
        from ..ops.array_ops import expand_dims
        return None, expand_dims(gy, -1) * self.outputs[1]


class SigmoidXent(Operation):
    """max(x, 0) - x * z + log(1 + exp(-|x|)): stable for large |x|."""
    type = "SigmoidCrossEntropyWithLogits"

    def forward(self, labels, logits):
        xp = get_array_module(logits)
        x = logits
        y = xp.maximum(x, 0) - x * labels + xp.log1p(xp.exp(-xp.abs(x)))
        return y.astype(x.dtype, copy=False)

    def infer(self, labels, logits):
        return [(dims(logits), logits.dtype)]

    def backward(self, gy):
        from ..ops.math_ops import sigmoid
        labels, logits = self.inputs
        return None, gy * (sigmoid(logits) - labels)


def softmax_xent(labels, logits):
    f = _nn("softmax_cross_entropy_with_logits_v2")
    if f is not None:
        return f(labels=labels, logits=logits)
    return SoftmaxXent()._build((labels, logits))[0]


def sparse_softmax_xent(labels, logits):
    f = _nn("sparse_softmax_cross_entropy_with_logits")
    if f is not None:
        return f(labels=labels, logits=logits)
    return SparseSoftmaxXent()._build((labels, logits))[0]


def sigmoid_xent(labels, logits):
    f = _nn("sigmoid_cross_entropy_with_logits")
    if f is not None:
        return f(labels=labels, logits=logits)
    return SigmoidXent()._build((labels, logits))


# ==================================================================== random
class _RandomLike(Operation):
    """Random values shaped like the input at run time (the batch size may change per step)."""
    stateful = True
    differentiable = False

    def __init__(self, seed):
        self.seeds = get_seed(seed)

    def infer(self, x):
        return [(dims(x), x.dtype)]

    def bind(self, ctx):
        rng = ctx.rng(self)
        return lambda x: self.draw(rng, x)


class DropoutMask(_RandomLike):
    """0 with probability ``rate``, else 1 / (1 - rate), shaped like x (or its noise_shape)."""
    type = "DropoutMask"

    def __init__(self, rate, noise_shape, seed):
        super().__init__(seed)
        self.rate, self.noise_shape = float(rate), noise_shape

    def infer(self, x):
        d = dims(x)
        if self.noise_shape is not None and d is not None:
            d = tuple(n if n is not None else s for n, s in zip(self.noise_shape, d))
        return [(d, x.dtype)]

    def draw(self, rng, x):
        shape = x.shape
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for n, s in zip(self.noise_shape, x.shape))
        dt = np.float64 if x.dtype == np.float64 else np.float32
        m = rng.random(shape, dtype=dt) >= self.rate
        return (m * (1.0 / (1.0 - self.rate))).astype(x.dtype, copy=False)


class NormalLike(_RandomLike):
    """Normal noise with standard deviation ``stddev``, shaped like x."""
    type = "RandomStandardNormal"

    def __init__(self, stddev, seed):
        super().__init__(seed)
        self.stddev = float(stddev)

    def draw(self, rng, x):
        dt = np.float64 if x.dtype == np.float64 else np.float32
        return (rng.standard_normal(x.shape, dtype=dt) * self.stddev).astype(x.dtype, copy=False)


def dropout(x, rate, noise_shape=None, seed=None):
    """x scaled by 1 / (1 - rate) where kept, 0 where dropped (inverted dropout)."""
    mask = DropoutMask(rate, None if noise_shape is None else tuple(noise_shape), seed)._build((x,))
    return x * mask


def normal_like(x, stddev, seed=None):
    return NormalLike(stddev, seed)._build((x,))


# ==================================================================== gather
class Gather(Operation):
    """y = params[ids] along axis 0 (an embedding lookup)."""
    type = "GatherV2"

    def forward(self, params, ids):
        return params[ids]

    def infer(self, params, ids):
        dp, di = dims(params), dims(ids)
        return [(None if dp is None or di is None else di + dp[1:], params.dtype)]

    def backward(self, gy):
        params, ids = self.inputs
        return ScatterAddLike()._build((gy, ids, params)), None


class ScatterAddLike(Operation):
    """zeros like params with gy added at rows ids (the gradient of gather)."""
    type = "UnsortedSegmentSum"

    def forward(self, gy, ids, params):
        xp = get_array_module(gy)
        out = xp.zeros(params.shape, dtype=gy.dtype)
        xp.add.at(out, ids.reshape(-1), gy.reshape((-1,) + params.shape[1:]))
        return out

    def infer(self, gy, ids, params):
        return [(dims(params), gy.dtype)]

    def backward(self, g):
        return Gather()._build((g, self.inputs[1])), None, None


def gather(params, ids):
    f = _nn("embedding_lookup")
    if f is not None:
        return f(params, ids)
    return Gather()._build((convert_to_tensor(params), convert_to_tensor(ids)))
