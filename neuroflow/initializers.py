"""Initializers (``tf.initializers``, ``tf.keras.initializers``, TF1's ``tf.*_initializer``).

An initializer is called as ``init(shape, dtype=None)`` and returns a Tensor built from random ops,
so in graph mode every run of a variable's initializer draws anew (seeded ones draw the same
numbers in every session, as TF1). The CamelCase classes carry the Keras defaults
(``RandomNormal(stddev=0.05)``); the TF1 names (``random_normal_initializer``, and the lowercase
``tf.initializers.random_normal``) carry TF1's (``stddev=1.0``).
"""
import math

import numpy as np

from .core import dtypes
from .ops import array_ops, random_ops
from .ops.random_ops import _Random

_TRUNC_STD = 0.87962566103423978  # std of a unit normal truncated at two standard deviations


def _float_dtype(dtype):
    dt = dtypes.as_dtype(dtype)
    if not dt.is_floating:
        raise ValueError(f"Expected floating point type, got {dt.name}.")
    return dt


def _shape_list(shape):
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if isinstance(shape, (int, np.integer)):
        shape = [shape]
    return [int(s) for s in shape]


def _compute_fans(shape):
    """(fan_in, fan_out); a kernel of rank > 2 is (..., in, out) with a receptive field in front."""
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = 1
    for d in shape[:-2]:
        receptive *= d
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: ``__call__(shape, dtype=None)`` returns a Tensor; ``get_config``/``from_config``."""

    dtype = dtypes.float32

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("dtype", None)
        return cls(**config)

    def _dtype(self, dtype):
        return dtypes.as_dtype(dtype if dtype is not None else self.dtype)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    """All zeros.

    Example:
      >>> tf.keras.initializers.Zeros()((2, 2)).numpy().sum()
      0.0
    """

    def __init__(self, dtype=dtypes.float32):
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        return array_ops.zeros(_shape_list(shape), dtype=self._dtype(dtype))


class Ones(Zeros):
    """All ones."""

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        return array_ops.ones(_shape_list(shape), dtype=self._dtype(dtype))


class Constant(Initializer):
    """A constant: a scalar fills the shape; an array of the shape's size is reshaped to it.

    Example:
      >>> tf.constant_initializer(3.0)([2]).numpy()
      array([3., 3.], dtype=float32)
    """

    def __init__(self, value=0, dtype=dtypes.float32, verify_shape=False):
        if not np.isscalar(value) and not isinstance(value, (list, tuple, np.ndarray)):
            raise TypeError("Invalid type for initial value: %s (expected Python scalar, list or tuple "
                            "of values, or numpy.ndarray)." % type(value))
        self.value, self.verify_shape = value, verify_shape
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None, **kwargs):
        from .core.op import constant
        return constant(self.value, dtype=self._dtype(dtype), shape=_shape_list(shape),
                        verify_shape=self.verify_shape if verify_shape is None else verify_shape)

    def get_config(self):
        v = self.value
        return {"value": v.tolist() if isinstance(v, np.ndarray) else v}


class RandomNormal(Initializer):
    """Normal samples (Keras defaults: mean 0, stddev 0.05)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=dtypes.float32):
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        return random_ops.random_normal(_shape_list(shape), self.mean, self.stddev,
                                        _float_dtype(self._dtype(dtype)), seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Normal samples redrawn beyond two standard deviations (Keras defaults: stddev 0.05)."""

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        return random_ops.truncated_normal(_shape_list(shape), self.mean, self.stddev,
                                           _float_dtype(self._dtype(dtype)), seed=self.seed)


class RandomUniform(Initializer):
    """Uniform samples in [minval, maxval) (Keras defaults: -0.05, 0.05)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None, dtype=dtypes.float32):
        self.minval, self.maxval, self.seed = minval, maxval, seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        dt = self._dtype(dtype)
        if not (dt.is_floating or dt.is_integer):
            raise ValueError(f"Expected float or integer dtype, got {dt.name}.")
        return random_ops.random_uniform(_shape_list(shape), self.minval, self.maxval, dt,
                                         seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class VarianceScaling(Initializer):
    """Samples scaled to the kernel's fans: stddev = sqrt(scale / n) (after truncation).

    Args:
      scale: positive factor.
      mode: "fan_in", "fan_out" or "fan_avg" (n is that fan; conv kernels count the receptive field).
      distribution: "truncated_normal" ("normal" is an alias), "untruncated_normal" or "uniform"
        (limit = sqrt(3 * scale / n)).
      seed: op seed.
    Example:
      >>> init = tf.keras.initializers.VarianceScaling(2.0, "fan_in", "uniform")
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=dtypes.float32):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        modes = ("fan_in", "fan_out", "fan_avg")
        if mode not in modes:
            raise ValueError(f"Invalid `mode` argument: expected one of {modes}. Received: mode={mode}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        dists = ("truncated_normal", "untruncated_normal", "uniform")
        if distribution not in dists:
            raise ValueError(f"Invalid `distribution` argument: expected one of {dists}. "
                             f"Received: distribution={distribution}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        shape = _shape_list(shape)
        dt = _float_dtype(self._dtype(dtype))
        fan_in, fan_out = _compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return random_ops.truncated_normal(shape, 0.0, math.sqrt(scale) / _TRUNC_STD, dt,
                                               seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(shape, 0.0, math.sqrt(scale), dt, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.random_uniform(shape, -limit, limit, dt, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


def _fixed(name, scale, mode, distribution, doc):
    class Fixed(VarianceScaling):
        def __init__(self, seed=None, dtype=dtypes.float32):
            super().__init__(scale, mode, distribution, seed, dtype)

        def get_config(self):
            return {"seed": self.seed}
    Fixed.__name__ = Fixed.__qualname__ = name
    Fixed.__doc__ = doc
    return Fixed


GlorotUniform = _fixed("GlorotUniform", 1.0, "fan_avg", "uniform",
                       "Xavier uniform: limit = sqrt(6 / (fan_in + fan_out)).")
GlorotNormal = _fixed("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                      "Xavier normal: truncated, stddev = sqrt(2 / (fan_in + fan_out)).")
HeNormal = _fixed("HeNormal", 2.0, "fan_in", "truncated_normal",
                  "He normal: truncated, stddev = sqrt(2 / fan_in).")
HeUniform = _fixed("HeUniform", 2.0, "fan_in", "uniform", "He uniform: limit = sqrt(6 / fan_in).")
LecunNormal = _fixed("LecunNormal", 1.0, "fan_in", "truncated_normal",
                     "LeCun normal: truncated, stddev = sqrt(1 / fan_in).")
LecunUniform = _fixed("LecunUniform", 1.0, "fan_in", "uniform", "LeCun uniform: limit = sqrt(3 / fan_in).")


class _OrthogonalDraw(_Random):
    """A random orthogonal matrix (QR of a normal draw, signs fixed by diag(R)), times gain."""
    type = "Qr"

    def __init__(self, shape, gain, dtype, seed):
        super().__init__(shape, dtype, seed)
        self.gain = gain

    def draw(self, rng):
        rows, cols = int(np.prod(self.shape[:-1])), self.shape[-1]
        a = rng.standard_normal((max(rows, cols), min(rows, cols)), dtype=np.float64)
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))  # makes the distribution uniform over orthogonal matrices
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(self.shape).astype(self.dtype._np)


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix over the last axis and the flattened others, times ``gain``."""

    def __init__(self, gain=1.0, seed=None, dtype=dtypes.float32):
        self.gain, self.seed = gain, seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        shape = _shape_list(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={tuple(shape)} of rank {len(shape)}.")
        dt = _float_dtype(self._dtype(dtype))
        return _OrthogonalDraw(shape, self.gain, dt, self.seed)._build((), "Qr")

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; rectangular allowed)."""

    def __init__(self, gain=1.0, dtype=dtypes.float32):
        self.gain = gain
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        from .core.op import constant
        shape = _shape_list(shape)
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={tuple(shape)} of rank {len(shape)}.")
        dt = _float_dtype(self._dtype(dtype))
        return constant(self.gain * np.eye(*shape), dtype=dt)

    def get_config(self):
        return {"gain": self.gain}


# ------------------------------------------------------------------ TF1 names and defaults
class random_normal_initializer(RandomNormal):  # noqa: N801
    """TF1 ``tf.random_normal_initializer``: stddev 1.0 by default."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        super().__init__(mean, stddev, seed, dtype)


class truncated_normal_initializer(TruncatedNormal):  # noqa: N801
    """TF1 ``tf.truncated_normal_initializer``: stddev 1.0 by default."""

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=dtypes.float32):
        super().__init__(mean, stddev, seed, dtype)


class random_uniform_initializer(RandomUniform):  # noqa: N801
    """TF1 ``tf.random_uniform_initializer``: [0, 1) by default."""

    def __init__(self, minval=0, maxval=None, seed=None, dtype=dtypes.float32):
        dt = dtypes.as_dtype(dtype)
        if maxval is None:
            if dt.is_integer:
                raise ValueError("Must specify maxval for integer dtype %r" % dt)
            maxval = 1.0
        super().__init__(minval, maxval, seed, dt)


class uniform_unit_scaling_initializer(Initializer):  # noqa: N801
    """TF1: uniform in +-factor * sqrt(3 / input_size), input_size = product of all but the last dim."""

    def __init__(self, factor=1.0, seed=None, dtype=dtypes.float32):
        self.factor, self.seed = factor, seed
        self.dtype = dtypes.as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None, **kwargs):
        shape = _shape_list(shape)
        input_size = max(float(np.prod(shape[:-1])) if shape else 1.0, 1.0)
        limit = math.sqrt(3 / input_size) * self.factor
        return random_ops.random_uniform(shape, -limit, limit, _float_dtype(self._dtype(dtype)),
                                         seed=self.seed)

    def get_config(self):
        return {"factor": self.factor, "seed": self.seed}


zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
variance_scaling_initializer = VarianceScaling
orthogonal_initializer = Orthogonal

# tf.initializers.* (TF1 lowercase names)
zeros, ones, constant = Zeros, Ones, Constant
random_normal = random_normal_initializer
truncated_normal = truncated_normal_initializer
random_uniform = random_uniform_initializer
uniform_unit_scaling = uniform_unit_scaling_initializer
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_normal, he_uniform, lecun_normal, lecun_uniform = HeNormal, HeUniform, LecunNormal, LecunUniform
variance_scaling, orthogonal, identity = VarianceScaling, Orthogonal, Identity


def global_variables():
    """``tf.initializers.global_variables()``: the op that initializes every global variable."""
    from .core.variables import global_variables_initializer
    return global_variables_initializer()


def local_variables():
    from .core.variables import local_variables_initializer
    return local_variables_initializer()


def variables(var_list, name="init"):
    from .core.variables import variables_initializer
    return variables_initializer(var_list, name=name)


# ------------------------------------------------------------------ Keras lookup
_KERAS = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_normal": RandomNormal, "normal": RandomNormal, "random_uniform": RandomUniform,
    "uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_normal": HeNormal,
    "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "variance_scaling": VarianceScaling, "orthogonal": Orthogonal, "identity": Identity,
}
for _c in set(_KERAS.values()):
    _KERAS[_c.__name__] = _c
for _c in (random_normal_initializer, truncated_normal_initializer, random_uniform_initializer,
           uniform_unit_scaling_initializer):
    _KERAS[_c.__name__] = _c


def serialize(initializer):
    """``{"class_name": ..., "config": ...}`` of an initializer."""
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(config, custom_objects=None):
    """The initializer described by ``serialize``'s output."""
    name, cfg = config["class_name"], config.get("config", {})
    cls = (custom_objects or {}).get(name) or _KERAS.get(name)
    if cls is None:
        raise ValueError(f"Unknown initializer: '{name}'. Please ensure you are using a "
                         "`keras.utils.custom_object_scope` and that this object is included in the scope.")
    return cls.from_config(cfg) if hasattr(cls, "from_config") else cls(**cfg)


def get(identifier):
    """Keras lookup: None, a name ('glorot_uniform', 'HeNormal' ...), a config dict or a callable.

    Example:
      >>> tf.keras.initializers.get("he_normal")
      HeNormal(seed=None)
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _KERAS.get(identifier)
        if cls is None:
            raise ValueError(f"Could not interpret initializer identifier: {identifier}")
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier}")


__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "TruncatedNormal",
           "RandomUniform", "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeNormal",
           "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal", "Identity",
           "zeros", "ones", "constant", "random_normal", "truncated_normal", "random_uniform",
           "uniform_unit_scaling", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
           "lecun_normal", "lecun_uniform", "variance_scaling", "orthogonal", "identity",
           "global_variables", "local_variables", "variables", "serialize", "deserialize", "get"]
