"""Weight initial values for the Keras layers.

``neuroflow.initializers`` (its own module owner) is the public home of the initializers; this module
resolves identifiers through it and keeps a small private fallback (the Keras defaults) for while
that module lacks ``get``. Initial values are drawn with NumPy on the host: from the graph-level
seed (and a per-weight op seed) when ``tf.set_random_seed`` was called, else from NumPy's global generator (so
``np.random.seed`` makes Keras weights reproducible, as course code expects).
"""
import math

import numpy as np


def host_rng():
    """NumPy's global generator, or one seeded from the TF seeds when ``tf.set_random_seed`` was set."""
    from ..core.random_seed import get_seed
    gs, os_ = get_seed(None)
    if gs is None:
        return np.random.mtrand._rand
    return np.random.RandomState([gs, os_])


def _fans(shape):
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class _Init:
    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(_Init):
    def __call__(self, shape, dtype="float32"):
        return np.zeros(shape, dtype=dtype)


class Ones(_Init):
    def __call__(self, shape, dtype="float32"):
        return np.ones(shape, dtype=dtype)


class Constant(_Init):
    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype="float32"):
        return np.full(shape, self.value, dtype=dtype)

    def get_config(self):
        return {"value": self.value}


class RandomUniform(_Init):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape, dtype="float32"):
        rng = np.random.RandomState(self.seed) if self.seed is not None else host_rng()
        return rng.uniform(self.minval, self.maxval, shape).astype(dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(_Init):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape, dtype="float32"):
        rng = np.random.RandomState(self.seed) if self.seed is not None else host_rng()
        return rng.normal(self.mean, self.stddev, shape).astype(dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(_Init):
    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype="float32"):
        fan_in, fan_out = _fans(tuple(shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        rng = np.random.RandomState(self.seed) if self.seed is not None else host_rng()
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * scale)
            return rng.uniform(-limit, limit, shape).astype(dtype)
        if self.distribution == "untruncated_normal":
            return (rng.normal(0.0, math.sqrt(scale), shape)).astype(dtype)
        stddev = math.sqrt(scale) / 0.87962566103423978  # std of a unit normal truncated at 2
        y = rng.normal(0.0, 1.0, shape)
        bad = np.abs(y) > 2
        while bad.any():
            y[bad] = rng.normal(0.0, 1.0, int(bad.sum()))
            bad = np.abs(y) > 2
        return (y * stddev).astype(dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


class GlorotUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class HeNormal(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(2.0, "fan_in", "truncated_normal", seed)

    def get_config(self):
        return {"seed": self.seed}


class HeUniform(VarianceScaling):
    def __init__(self, seed=None):
        super().__init__(2.0, "fan_in", "uniform", seed)

    def get_config(self):
        return {"seed": self.seed}


_CLASSES = {c.__name__: c for c in (Zeros, Ones, Constant, RandomUniform, RandomNormal,
                                    VarianceScaling, GlorotUniform, GlorotNormal, HeNormal, HeUniform)}
_NAMES = {"zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
          "uniform": RandomUniform, "random_uniform": RandomUniform, "normal": RandomNormal,
          "random_normal": RandomNormal, "glorot_uniform": GlorotUniform,
          "glorot_normal": GlorotNormal, "he_normal": HeNormal, "he_uniform": HeUniform,
          "variance_scaling": VarianceScaling}


def _public():
    from .. import initializers
    return initializers if hasattr(initializers, "get") else None


def get(identifier):
    """An initializer object from a name, a config dict, an instance or a callable."""
    pub = _public()
    if pub is not None:
        return pub.get(identifier)
    if identifier is None:
        return None
    if isinstance(identifier, str):
        try:
            return _NAMES[identifier]()
        except KeyError:
            if identifier in _CLASSES:
                return _CLASSES[identifier]()
            raise ValueError(f"Unknown initializer: '{identifier}'. Please ensure you are using a "
                             "`keras.utils.custom_object_scope` and that this object is included in "
                             "the scope.") from None
    if isinstance(identifier, dict):
        return _CLASSES[identifier["class_name"]].from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def serialize(init):
    pub = _public()
    if pub is not None and hasattr(pub, "serialize"):
        return pub.serialize(init)
    if init is None:
        return None
    if hasattr(init, "get_config"):
        return {"class_name": type(init).__name__, "config": init.get_config()}
    return getattr(init, "__name__", repr(init))


def initial_value(init, shape, dtype):
    """A NumPy array of ``shape`` from ``init`` (an object called as init(shape, dtype))."""
    try:
        v = init(tuple(shape), dtype=dtype)
    except TypeError:
        v = init(tuple(shape))
    v = getattr(v, "numpy", lambda: v)() if not isinstance(v, np.ndarray) else v
    return np.array(v, dtype=dtype, copy=True).reshape(tuple(shape))
