"""The ops Keras layers and losses use: ``tf.nn``'s fused ops, plus runtime-shaped noise.

Losses reach through a Softmax/Sigmoid op to its logits (``losses.py``), so the output ops keep
TF's op types: ``tf.nn.softmax`` builds a 'Softmax' op and ``tf.sigmoid`` a 'Sigmoid' op.
"""
import numpy as np

from ..core.backend import get_array_module
from ..core.op import Operation, convert_to_tensor
from ..core.random_seed import get_seed
from ..ops._base import dims


def _nn():
    from .. import nn
    return nn


def relu(x):
    return _nn().relu(x)


def softmax(x, axis=-1):
    return _nn().softmax(x, axis=axis)


def softmax_xent(labels, logits):
    """Per-sample -sum(labels * log_softmax(logits)) (fused, stable)."""
    return _nn().softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)


def sparse_softmax_xent(labels, logits):
    return _nn().sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)


def sigmoid_xent(labels, logits):
    return _nn().sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)


def dropout(x, rate, noise_shape=None, seed=None):
    """Inverted dropout with a mask drawn anew on every run (the batch size may change)."""
    return _nn().dropout(x, rate=rate, noise_shape=noise_shape, seed=seed)


def gather(params, ids):
    return _nn().embedding_lookup(params, ids)




class NormalLike(Operation):
    """Normal noise of std ``stddev`` shaped like x at run time (GaussianNoise's draw)."""
    type = "RandomStandardNormal"
    stateful = True
    differentiable = False

    def __init__(self, stddev, seed):
        self.stddev, self.seeds = float(stddev), get_seed(seed)

    def infer(self, x):
        return [(dims(x), x.dtype)]

    def bind(self, ctx):
        if self.seeds == (None, None):
            # seeded from NumPy's global RNG: keras.utils.set_random_seed makes fit repeatable
            rng = np.random.default_rng(np.random.randint(0, 2**31 - 1, size=2).tolist())
        else:
            rng = ctx.rng(self)
        stddev = self.stddev

        def draw(x):
            dt = np.float64 if x.dtype == np.float64 else np.float32
            return (np.asarray(rng.standard_normal(x.shape, dtype=dt)) * stddev).astype(x.dtype,
                                                                                        copy=False)
        return draw


def normal_like(x, stddev, seed=None):
    return NormalLike(stddev, seed)._build((convert_to_tensor(x),))


class BatchMean(Operation):
    """The mean of all elements: the loss reduction of every training step.

    Fused with a one-op gradient (fill with gy / size) because ``reduce_mean`` over a batch of
    unknown size needs a chain of shape ops in its gradient, on every step.
    """
    type = "Mean"

    def forward(self, x):
        n = x.size
        if not n:
            return get_array_module(x).zeros((), x.dtype)
        return (x.sum() * (1.0 / n)).astype(x.dtype)

    def infer(self, x):
        return [((), x.dtype)]

    def backward(self, gy):
        return BatchMeanGrad()._build((gy, self.inputs[0]))


class BatchMeanGrad(Operation):
    """gx = gy / x.size everywhere, shaped like x."""
    type = "MeanGrad"

    def forward(self, gy, x):
        xp = get_array_module(x)
        return xp.full(x.shape, gy / max(x.size, 1), dtype=x.dtype)

    def infer(self, gy, x):
        return [(dims(x), x.dtype)]

    def backward(self, g):
        return batch_mean(g), None


def batch_mean(x):
    return BatchMean()._build((convert_to_tensor(x),))
