"""TensorFlow's Philox4x32-10 generator and its float transforms, bit for bit.

With the same (graph seed, op seed) pair, ``random_normal``, ``random_uniform`` and
``truncated_normal`` draw exactly the numbers TensorFlow 1.x draws on CPU, so course scripts
that call ``tf.set_random_seed(777)`` start from the course's values.
"""
import numpy as np

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_MASK = np.uint64(0xFFFFFFFF)
_SH = np.uint64(32)


def philox_blocks(key, counter, n, offsets=None):
    """Philox outputs (uint32 array (n, 4)) for blocks ``counter + offsets`` (default 0..n-1)."""
    off = np.arange(n, dtype=np.uint64) if offsets is None else offsets.astype(np.uint64)
    c = np.empty((4, off.size), dtype=np.uint64)
    # 128-bit add of each block offset (offsets stay below 2**63)
    lo = np.uint64(counter[0] | (counter[1] << 32))
    s0 = lo + off
    carry = (s0 < off).astype(np.uint64)
    c[0] = s0 & _MASK
    c[1] = s0 >> _SH
    hi = np.uint64(counter[2] | (counter[3] << 32)) + carry
    c[2] = hi & _MASK
    c[3] = hi >> _SH
    k0, k1 = int(key[0]), int(key[1])
    for r in range(10):
        p0 = _M0 * c[0]
        p1 = _M1 * c[2]
        hi0, lo0 = p0 >> _SH, p0 & _MASK
        hi1, lo1 = p1 >> _SH, p1 & _MASK
        n0 = hi1 ^ c[1] ^ np.uint64(k0)
        n2 = hi0 ^ c[3] ^ np.uint64(k1)
        c[0], c[1], c[2], c[3] = n0, lo1, n2, lo0
        k0 = (k0 + _W0) & 0xFFFFFFFF
        k1 = (k1 + _W1) & 0xFFFFFFFF
    return c.T.astype(np.uint32)


def state(seed, seed2):
    """(key, counter) of ``PhiloxRandom(seed, seed2)``."""
    seed, seed2 = int(seed) & 0xFFFFFFFFFFFFFFFF, int(seed2) & 0xFFFFFFFFFFFFFFFF
    key = (seed & 0xFFFFFFFF, seed >> 32)
    counter = [0, 0, seed2 & 0xFFFFFFFF, seed2 >> 32]
    return key, counter


def skip(counter, count):
    """The counter advanced by ``count`` blocks (TF's PhiloxRandom::Skip)."""
    v = counter[0] | (counter[1] << 32) | (counter[2] << 64) | (counter[3] << 96)
    v = (v + int(count)) & ((1 << 128) - 1)
    return [v & 0xFFFFFFFF, (v >> 32) & 0xFFFFFFFF, (v >> 64) & 0xFFFFFFFF, v >> 96]


def _u32_to_float(x):
    return ((x & np.uint32(0x7FFFFF)) | np.uint32(127 << 23)).view(np.float32) - np.float32(1.0)


def _u64_to_double(x0, x1):
    man = ((x0.astype(np.uint64) & np.uint64(0xFFFFF)) << _SH) | x1.astype(np.uint64)
    return (man | np.uint64(1023 << 52)).view(np.float64) - 1.0


def _box_muller_float(x0, x1):
    u1 = np.maximum(_u32_to_float(x0), np.float32(1.0e-7))
    v1 = np.float32(2.0 * np.pi) * _u32_to_float(x1)
    u2 = np.sqrt(np.float32(-2.0) * np.log(u1))
    return np.sin(v1) * u2, np.cos(v1) * u2


def uniform(key, counter, n, dtype):
    """n uniforms in [0, 1) as TF's UniformDistribution (float: 1 uint32 each; double: 2)."""
    if np.dtype(dtype) == np.float64:
        b = philox_blocks(key, counter, (n + 1) // 2)
        d = _u64_to_double(b[:, 0::2].reshape(-1), b[:, 1::2].reshape(-1))
        return d[:n]
    b = philox_blocks(key, counter, (n + 3) // 4).reshape(-1)
    return _u32_to_float(b)[:n].astype(dtype, copy=False)


def uniform_int(key, counter, n, lo, hi, dtype):
    b = philox_blocks(key, counter, (n + 3) // 4).reshape(-1)[:n].astype(np.uint64)
    return (lo + (b % np.uint64(hi - lo)).astype(np.int64)).astype(dtype)


def normal(key, counter, n, dtype):
    """n standard normals as TF's NormalDistribution (Box-Muller on each pair)."""
    if np.dtype(dtype) == np.float64:
        b = philox_blocks(key, counter, (n + 1) // 2)
        u1 = np.maximum(_u64_to_double(b[:, 0], b[:, 1]), 1.0e-7)
        v1 = 2 * np.pi * _u64_to_double(b[:, 2], b[:, 3])
        u2 = np.sqrt(-2.0 * np.log(u1))
        out = np.stack([np.sin(v1) * u2, np.cos(v1) * u2], axis=1).reshape(-1)
        return out[:n]
    b = philox_blocks(key, counter, (n + 3) // 4)
    f0, f1 = _box_muller_float(b[:, 0], b[:, 1])
    f2, f3 = _box_muller_float(b[:, 2], b[:, 3])
    return np.stack([f0, f1, f2, f3], axis=1).reshape(-1)[:n].astype(dtype, copy=False)


def truncated_normal(key, counter, n, dtype):
    """n normals within two standard deviations, as TF's TruncatedNormalDistribution fills them:
    every group of 4 outputs restarts the generator 256 blocks further on and keeps the first
    4 Box-Muller values with |x| < 2."""
    groups = (n + 3) // 4
    out = np.empty((groups, 4), dtype=np.float32)
    todo = np.arange(groups)
    got = np.zeros(groups, dtype=np.int64)
    start = 0
    per = 4  # blocks per round and group: 8 pairs
    while todo.size:
        offs = (todo[:, None] * 256 + start + np.arange(per)[None, :]).reshape(-1)
        b = philox_blocks(key, counter, 0, offs).reshape(todo.size, per * 4)
        f0, f1 = _box_muller_float(b[:, 0::2], b[:, 1::2])
        vals = np.stack([f0, f1], axis=2).reshape(todo.size, -1)
        ok = np.abs(vals) < 2.0
        need = 4 - got[todo]
        rank = np.cumsum(ok, axis=1)  # the first `need` accepted values of each group, in order
        rows, cols = np.nonzero(ok & (rank <= need[:, None]))
        g = todo[rows]
        out[g, got[g] + rank[rows, cols] - 1] = vals[rows, cols]
        got[todo] += np.minimum(rank[:, -1], need)
        todo = todo[got[todo] < 4]
        start += per
    return out.reshape(-1)[:n].astype(dtype, copy=False)


class PhiloxGenerator:
    """One random op's TF-compatible stream: each draw reserves n*256 blocks, as TF's kernels do.

    Offers the NumPy Generator methods the random ops use (standard_normal, random, integers,
    permutation, choice) plus truncated_normal.
    """

    def __init__(self, seed=None, seed2=None):
        if seed is None and seed2 is None:
            import os
            seed, seed2 = (int.from_bytes(os.urandom(8), "little") for _ in range(2))
        self.key, self.counter = state(seed or 0, seed2 or 0)
        self._np = None

    def _reserve(self, n):
        c = self.counter
        self.counter = skip(c, int(n) * 256)
        return c

    @staticmethod
    def _n(shape):
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape or ())
        n = 1
        for s in shape:
            n *= int(s)
        return shape, n

    def standard_normal(self, shape=(), dtype=np.float32):
        shape, n = self._n(shape)
        return normal(self.key, self._reserve(n), n, dtype).reshape(shape)

    def random(self, shape=(), dtype=np.float64):
        shape, n = self._n(shape)
        return uniform(self.key, self._reserve(n), n, dtype).reshape(shape)

    def truncated_normal(self, shape=(), dtype=np.float32):
        shape, n = self._n(shape)
        return truncated_normal(self.key, self._reserve(n), n, dtype).reshape(shape)

    def integers(self, low, high=None, size=(), dtype=np.int64):
        if high is None:
            low, high = 0, low
        shape, n = self._n(size)
        return uniform_int(self.key, self._reserve(n), n, int(low), int(high), dtype).reshape(shape)

    def _numpy(self):
        if self._np is None:
            self._np = np.random.default_rng([self.key[0], self.key[1], self.counter[2], self.counter[3]])
        return self._np

    def permutation(self, x):
        return self._numpy().permutation(x)

    def choice(self, *a, **k):
        return self._numpy().choice(*a, **k)

    def shuffle(self, x):
        return self._numpy().shuffle(x)


class FastGenerator:
    """The stream of an unseeded random op: NumPy's fast generator, seeded from NumPy's global
    RNG (so ``np.random.seed`` makes even unseeded runs repeatable). TF leaves unseeded draws
    unspecified, so only seeded ops need TF's own Philox numbers."""

    def __init__(self):
        self._g = np.random.default_rng(np.random.randint(0, 2**31 - 1, size=2).tolist())

    def standard_normal(self, shape=(), dtype=np.float32):
        return self._g.standard_normal(shape, dtype=np.float64 if np.dtype(dtype) == np.float64
                                       else np.float32).astype(dtype, copy=False)

    def random(self, shape=(), dtype=np.float64):
        return self._g.random(shape, dtype=np.float64 if np.dtype(dtype) == np.float64
                              else np.float32).astype(dtype, copy=False)

    def truncated_normal(self, shape=(), dtype=np.float32):
        y = self.standard_normal(shape, dtype)
        bad = np.abs(y) >= 2
        while bad.any():  # redraw beyond two standard deviations
            y[bad] = self.standard_normal(int(bad.sum()), dtype)
            bad = np.abs(y) >= 2
        return y

    def integers(self, low, high=None, size=(), dtype=np.int64):
        return self._g.integers(low, high, size=size, dtype=dtype)

    def permutation(self, x):
        return self._g.permutation(x)

    def choice(self, *a, **k):
        return self._g.choice(*a, **k)

    def shuffle(self, x):
        return self._g.shuffle(x)
