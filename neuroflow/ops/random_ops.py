"""Random ops (``tf.random_normal`` ...): draw anew on every run; seeded as TF1 seeds them."""
from ..core.random_seed import get_seed
from .array_ops import _static_ints
from ._base import Operation, convert_to_tensor, dims, dtypes


class _Random(Operation):
    stateful = True
    differentiable = False

    def __init__(self, shape, dtype, seed):
        self.shape, self.dtype = tuple(shape), dtypes.as_dtype(dtype)
        self.seeds = get_seed(seed)

    def infer(self, *xs):
        return [(self.shape, self.dtype)]

    def bind(self, ctx):
        rng = ctx.rng(self)
        draw = self.draw
        return lambda *xs: draw(rng, *xs)


class RandomNormal(_Random):
    type = "RandomStandardNormal"

    def __init__(self, shape, mean, stddev, dtype, seed):
        super().__init__(shape, dtype, seed)
        self.mean, self.stddev = mean, stddev

    def draw(self, rng):
        y = rng.standard_normal(self.shape, dtype=_fdt(self.dtype))
        return (y * self.stddev + self.mean).astype(self.dtype._np, copy=False)


class TruncatedNormal(RandomNormal):
    type = "TruncatedNormal"

    def draw(self, rng):
        y = rng.standard_normal(self.shape, dtype=_fdt(self.dtype))
        bad = abs(y) > 2
        while bad.any():  # redraw values beyond two standard deviations, as TF does
            y[bad] = rng.standard_normal(int(bad.sum()), dtype=y.dtype)
            bad = abs(y) > 2
        return (y * self.stddev + self.mean).astype(self.dtype._np, copy=False)


class RandomUniform(_Random):
    type = "RandomUniform"

    def __init__(self, shape, minval, maxval, dtype, seed):
        super().__init__(shape, dtype, seed)
        self.minval, self.maxval = minval, maxval

    def draw(self, rng):
        if self.dtype.is_integer:
            return rng.integers(self.minval, self.maxval, self.shape).astype(self.dtype._np)
        y = rng.random(self.shape, dtype=_fdt(self.dtype))
        return (y * (self.maxval - self.minval) + self.minval).astype(self.dtype._np, copy=False)


class RandomShuffle(_Random):
    type = "RandomShuffle"

    def __init__(self, seed):
        self.seeds = get_seed(seed)

    def infer(self, x):
        return [(dims(x), x.dtype)]

    def draw(self, rng, x):
        return x[rng.permutation(x.shape[0])] if x.ndim else x


class Multinomial(_Random):
    type = "Multinomial"

    def __init__(self, num_samples, seed, output_dtype):
        self.num_samples, self.seeds, self.dtype = num_samples, get_seed(seed), output_dtype

    def infer(self, logits):
        d = dims(logits)
        return [((None if d is None else d[0], self.num_samples), self.dtype)]

    def draw(self, rng, logits):
        import numpy as np
        z = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(z.astype(np.float64))
        p /= p.sum(axis=1, keepdims=True)
        out = np.empty((logits.shape[0], self.num_samples), dtype=self.dtype._np)
        for i in range(logits.shape[0]):
            out[i] = rng.choice(p.shape[1], size=self.num_samples, p=p[i])
        return out


def _fdt(dt):
    import numpy as np
    return np.float64 if dt is dtypes.float64 else np.float32


def _shape(shape):
    s = _static_ints(shape, "shape")
    if s is None or None in s:
        raise NotImplementedError("Random ops with a fed (symbolic) shape are not supported by neuroflow "
                                  "yet; pass a Python list for `shape`.")
    return s


def _num(v):
    t = getattr(v, "_value", None)
    if t is not None:
        return t.item() if hasattr(t, "item") else t
    return v


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples from a normal distribution (``tf.random_normal`` / ``tf.random.normal``)."""
    return RandomNormal(_shape(shape), _num(mean), _num(stddev), dtype, seed)._build((), name or "random_normal")


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples, redrawn when more than two standard deviations from the mean."""
    return TruncatedNormal(_shape(shape), _num(mean), _num(stddev), dtype, seed)._build(
        (), name or "truncated_normal")


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in [minval, maxval) (``tf.random_uniform``)."""
    dt = dtypes.as_dtype(dtype)
    if maxval is None:
        if dt.is_integer:
            raise ValueError("Must specify maxval for integer dtype %r" % dt)
        maxval = 1
    return RandomUniform(_shape(shape), _num(minval), _num(maxval), dt, seed)._build((), name or "random_uniform")


def random_shuffle(value, seed=None, name=None):
    """Shuffles along the first dimension (``tf.random_shuffle``)."""
    return RandomShuffle(seed)._build((convert_to_tensor(value),), name or "RandomShuffle")


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """Draws class indices from unnormalized log-probabilities (``tf.multinomial``)."""
    dt = dtypes.as_dtype(output_dtype or dtypes.int64)
    return Multinomial(int(num_samples), seed, dt)._build((convert_to_tensor(logits),), name or "multinomial")


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    return multinomial(logits, num_samples, seed, name, dtype)


random_gamma = None
del random_gamma

__all__ = ["random_normal", "truncated_normal", "random_uniform", "random_shuffle", "multinomial",
           "categorical"]
