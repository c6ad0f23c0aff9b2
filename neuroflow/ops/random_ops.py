"""Random ops (``tf.random_normal`` ...): draw anew on every run; seeded as TF1 seeds them.

Each op draws from the generator its run context gives it: one per op and session (so a seeded
graph gives every new session the same sequence), or the eager stream. The shape may be a fed
tensor (``tf.shape(x)``): it is then the op's first input.
"""
from ..core import backend
from ..core.random_seed import get_seed
from ._base import Operation, Tensor, convert_to_tensor, dims, dtypes, get_array_module, np
from ._static import _const, _dims_of, _int_arg, _partial_shape, _static_ints


def _host_to_backend(y):
    """Draws happen on the host with NumPy; move them to the backend's arrays."""
    return y if backend.xp is np else backend.xp.asarray(y)


class _Random(Operation):
    """Base: ``shape`` is a tuple, or None when the shape tensor is the first input."""
    stateful = True
    differentiable = False

    def __init__(self, shape, dtype, seed):
        self.shape, self.dtype = shape, dtypes.as_dtype(dtype)
        self.seeds = get_seed(seed)

    def _shape(self, xs):
        return self.shape if self.shape is not None else tuple(xs[0].tolist())

    def infer(self, *xs):
        return [(self.shape if self.shape is not None else _dims_of(_partial_shape(xs[0])),
                 self.dtype)]

    def bind(self, ctx):
        rng = ctx.rng(self)
        draw = self.draw
        return lambda *xs: _host_to_backend(draw(rng, *xs))


class RandomNormal(_Random):
    """mean + stddev * N(0, 1)."""
    type = "RandomStandardNormal"

    def __init__(self, shape, mean, stddev, dtype, seed):
        super().__init__(shape, dtype, seed)
        self.mean, self.stddev = mean, stddev

    def draw(self, rng, *xs):
        y = rng.standard_normal(self._shape(xs), dtype=_fdt(self.dtype))
        return _affine(y, self.stddev, self.mean, self.dtype)


class TruncatedNormal(RandomNormal):
    """Normal draws, those beyond two standard deviations redrawn (as TF does)."""
    type = "TruncatedNormal"

    def draw(self, rng, *xs):
        shape = self._shape(xs)
        if hasattr(rng, "truncated_normal"):  # the TF-exact Philox stream has TF's own algorithm
            return _affine(rng.truncated_normal(shape, dtype=_fdt(self.dtype)), self.stddev,
                           self.mean, self.dtype)
        y = rng.standard_normal(shape, dtype=_fdt(self.dtype))
        bad = np.abs(y) > 2
        while bad.any():
            y[bad] = rng.standard_normal(int(bad.sum()), dtype=y.dtype)
            bad = np.abs(y) > 2
        return _affine(y, self.stddev, self.mean, self.dtype)


class RandomUniform(_Random):
    """Uniform in [minval, maxval): floats, or integers for an integer dtype."""
    type = "RandomUniform"

    def __init__(self, shape, minval, maxval, dtype, seed):
        super().__init__(shape, dtype, seed)
        self.minval, self.maxval = minval, maxval
        if self.dtype.is_integer:
            self.type = "RandomUniformInt"

    def draw(self, rng, *xs):
        if self.dtype.is_integer:
            return rng.integers(self.minval, self.maxval, self._shape(xs), dtype=self.dtype._np)
        y = rng.random(self._shape(xs), dtype=_fdt(self.dtype))
        t = y.dtype.type  # TF computes maxval - minval in the output dtype
        return _affine(y, t(self.maxval) - t(self.minval), self.minval, self.dtype)


def _affine(y, scale, shift, dt):
    """y * scale + shift in y's dtype, in place (TF's mul then add, same rounding)."""
    if scale != 1:
        y *= y.dtype.type(scale)
    if shift != 0:
        y += y.dtype.type(shift)
    return y.astype(dt._np, copy=False)


def _numpy_rng(rng):
    """A NumPy Generator seeded from rng's stream, for distributions the stream lacks."""
    return np.random.default_rng(rng.integers(0, 2**31 - 1, size=4, dtype=np.int64).tolist())


def _fdt(dt):
    return np.float64 if dt is dtypes.float64 else np.float32


class RandomShuffle(_Random):
    """x with its first dimension permuted."""
    type = "RandomShuffle"

    def __init__(self, seed):
        self.seeds = get_seed(seed)

    def infer(self, x):
        return [(dims(x), x.dtype)]

    def draw(self, rng, x):
        if not x.ndim:
            return x
        return x[get_array_module(x).asarray(rng.permutation(x.shape[0]))]


class Multinomial(_Random):
    """num_samples class indices per row of logits (unnormalized log-probabilities)."""
    type = "Multinomial"

    def __init__(self, num_samples, seed, output_dtype):
        self.num_samples, self.seeds, self.dtype = num_samples, get_seed(seed), output_dtype

    def infer(self, logits):
        d = dims(logits)
        return [((None if d is None else d[0], self.num_samples), self.dtype)]

    def draw(self, rng, logits):
        logits = backend.to_numpy(logits).astype(np.float64)
        b, k = logits.shape
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        cdf = np.cumsum(p, axis=1)
        cdf /= cdf[:, -1:]
        u = rng.random((b, self.num_samples))
        # one searchsorted for all rows: row i's cdf and draws are shifted into [i, i + 1]
        off = np.arange(b, dtype=np.float64)[:, None]
        idx = np.searchsorted((cdf + off).ravel(), (u + off).ravel(), side="right").reshape(b, -1)
        idx -= np.arange(b)[:, None] * k
        return np.minimum(idx, k - 1).astype(self.dtype._np)


class RandomGamma(_Random):
    """Gamma(alpha, beta) draws of shape shape + broadcast(alpha, beta).shape."""
    type = "RandomGamma"

    def draw(self, rng, *xs):
        alpha, beta = xs[-2:]
        a, b = np.broadcast_arrays(backend.to_numpy(alpha).astype(np.float64),
                                   backend.to_numpy(beta).astype(np.float64))
        y = _numpy_rng(rng).gamma(a, 1.0, size=tuple(self._shape(xs)) + a.shape) / b
        return y.astype(self.dtype._np)

    def infer(self, *xs):
        base = _Random.infer(self, *xs)[0][0]
        from ..core.shape import broadcast_dims
        tail = broadcast_dims(dims(xs[-2]), dims(xs[-1]))
        return [(None if base is None or tail is None else base + tail, self.dtype)]


class RandomPoisson(_Random):
    """Poisson(lam) draws of shape shape + lam.shape."""
    type = "RandomPoissonV2"

    def draw(self, rng, *xs):
        lam = backend.to_numpy(xs[-1]).astype(np.float64)
        return _numpy_rng(rng).poisson(lam, size=tuple(self._shape(xs)) + lam.shape).astype(
            self.dtype._np)

    def infer(self, *xs):
        base = _Random.infer(self, *xs)[0][0]
        tail = dims(xs[-1])
        return [(None if base is None or tail is None else base + tail, self.dtype)]


class RandomCrop(_Random):
    """A slice of ``size`` at a random offset of x."""
    type = "RandomCrop"

    def __init__(self, size, seed):
        self.size, self.seeds = size, get_seed(seed)

    def infer(self, x):
        return [(self.size, x.dtype)]

    def draw(self, rng, x):
        if len(self.size) != x.ndim or any(s > n for s, n in zip(self.size, x.shape)):
            raise ValueError(f"Need value.shape >= size, got {list(x.shape)} and {list(self.size)}")
        start = [int(rng.integers(0, n - s + 1)) for s, n in zip(self.size, x.shape)]
        return x[tuple(slice(b, b + s) for b, s in zip(start, self.size))]


# ==================================================================== public functions
def _shape_arg(shape):
    """(static shape tuple or None, the inputs tuple carrying a fed shape)."""
    s = _static_ints(shape, "shape")
    if s is not None:
        if any(v is None or v < 0 for v in s):
            raise ValueError(f"Invalid value for argument `shape`: expected non-negative ints. "
                             f"Received: shape={s}")
        return tuple(s), ()
    return None, (convert_to_tensor(shape, dtype_hint=dtypes.int32),)


def _number(v):
    """A Python number for a static argument, or None when it is a symbolic tensor."""
    if isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
        c = _const(convert_to_tensor(v))
        return None if c is None else np.asarray(c).item() if np.ndim(c) == 0 else None
    return v if np.ndim(v) == 0 else None


def _float_dtype(dtype, op):
    dt = dtypes.as_dtype(dtype)
    if not dt.is_floating:
        raise TypeError(f"Value passed to parameter 'dtype' has DataType {dt.name} not in list of "
                        f"allowed values: half, bfloat16, float32, float64 (op: '{op}')")
    return dt


def _scaled(cls, shape, mean, stddev, dtype, seed, name):
    """cls(shape) * stddev + mean: numbers fold into the op, tensors compose (and differentiate)."""
    dt = _float_dtype(dtype, cls.type)
    s, ins = _shape_arg(shape)
    m, sd = _number(mean), _number(stddev)
    if m is not None and sd is not None:
        return cls(s, m, sd, dt, seed)._build(ins, name)
    from .math_ops import add, multiply
    y = cls(s, 0.0, 1.0, dt, seed)._build(ins, name)
    return add(multiply(y, convert_to_tensor(stddev, dtype=dt)), convert_to_tensor(mean, dtype=dt))


def random_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples from a normal distribution (``tf.random_normal``, ``tf.random.normal``).

    Example:
      >>> tf.random_normal([2, 3], stddev=0.1).shape
      TensorShape([2, 3])
    """
    return _scaled(RandomNormal, shape, mean, stddev, dtype, seed, name or "random_normal")


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples, redrawn when more than two standard deviations from the mean
    (``tf.truncated_normal``, ``tf.random.truncated_normal``)."""
    return _scaled(TruncatedNormal, shape, mean, stddev, dtype, seed, name or "truncated_normal")


def random_uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in [minval, maxval) (``tf.random_uniform``, ``tf.random.uniform``).

    Integer dtypes need ``maxval``. Example:
      >>> tf.random_uniform([3], 0, 10, dtype=tf.int32).dtype
      tf.int32
    """
    dt = dtypes.as_dtype(dtype)
    name = name or "random_uniform"
    s, ins = _shape_arg(shape)
    if dt.is_integer:
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dt!r}")
        lo, hi = _number(minval), _number(maxval)
        if lo is None or hi is None:
            raise NotImplementedError("Symbolic `minval`/`maxval` for an integer tf.random_uniform "
                                      "are not supported by neuroflow yet; pass Python ints.")
        if lo >= hi:
            raise ValueError(f"Need minval < maxval: {lo} >= {hi}")
        return RandomUniform(s, int(lo), int(hi), dt, seed)._build(ins, name)
    dt = _float_dtype(dt, "RandomUniform")
    maxval = 1.0 if maxval is None else maxval
    lo, hi = _number(minval), _number(maxval)
    if lo is not None and hi is not None:
        return RandomUniform(s, float(lo), float(hi), dt, seed)._build(ins, name)
    from .math_ops import add, multiply, subtract
    lo, hi = convert_to_tensor(minval, dtype=dt), convert_to_tensor(maxval, dtype=dt)
    y = RandomUniform(s, 0.0, 1.0, dt, seed)._build(ins, name)
    return add(multiply(y, subtract(hi, lo)), lo)


def random_shuffle(value, seed=None, name=None):
    """Shuffles along the first dimension (``tf.random_shuffle``, ``tf.random.shuffle``)."""
    return RandomShuffle(seed)._build((convert_to_tensor(value),), name or "RandomShuffle")


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """Class indices drawn from unnormalized log-probabilities [batch, classes].

    (``tf.multinomial``; ``tf.random.categorical`` is the TF2 name.)

    Example:
      >>> tf.multinomial(tf.math.log([[0.5, 0.5]]), 5).shape
      TensorShape([1, 5])
    """
    x = convert_to_tensor(logits)
    d = dims(x)
    if d is not None and len(d) != 2:
        raise ValueError(f"logits should be a matrix, got shape {x.shape}")
    dt = dtypes.as_dtype(output_dtype or dtypes.int64)
    n = _int_arg(num_samples, "num_samples")
    return Multinomial(n, seed, dt)._build((x,), name or "multinomial")


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Draws class indices from unnormalized log-probabilities (``tf.random.categorical``)."""
    return multinomial(logits, num_samples, seed, name or "categorical", dtype)


def random_gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """Gamma draws with shape ``shape + alpha.shape`` (``tf.random_gamma``, ``tf.random.gamma``)."""
    dt = _float_dtype(dtype, "RandomGamma")
    s, ins = _shape_arg(shape)
    a = convert_to_tensor(alpha, dtype=dt)
    b = convert_to_tensor(1.0 if beta is None else beta, dtype=dt)
    return RandomGamma(s, dt, seed)._build(ins + (a, b), name or "random_gamma")


def random_poisson(lam, shape, dtype=dtypes.float32, seed=None, name=None):
    """Poisson draws of shape ``shape + lam.shape`` (``tf.random_poisson``; TF1 argument order)."""
    s, ins = _shape_arg(shape)
    dt = dtypes.as_dtype(dtype)
    return RandomPoisson(s, dt, seed)._build(ins + (convert_to_tensor(lam, dtype_hint=dt),),
                                             name or "random_poisson")


def random_crop(value, size, seed=None, name=None):
    """A randomly placed slice of ``size`` of ``value`` (``tf.random_crop``)."""
    x = convert_to_tensor(value)
    s = _static_ints(size, "size")
    if s is None:
        raise NotImplementedError("A symbolic `size` for tf.random_crop is not supported by "
                                  "neuroflow yet; pass a Python list.")
    return RandomCrop(tuple(s), seed)._build((x,), name or "random_crop")


__all__ = ["random_normal", "truncated_normal", "random_uniform", "random_shuffle", "multinomial",
           "random_gamma", "random_poisson", "random_crop"]
