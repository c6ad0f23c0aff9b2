"""The ``tf.random`` namespace: ``tf.random.normal``, ``tf.random.set_seed`` ...

Access is ``tf.random.X``; nothing is star-imported into the top level from here.
"""
from .core.random_seed import get_seed as _get_seed, set_random_seed as _set_random_seed
from .ops.random_ops import (categorical, multinomial, random_gamma as _random_gamma,  # noqa: F401
                             random_normal, random_poisson as _poisson_v1, random_shuffle,
                             random_uniform, truncated_normal)

__all__ = []


def set_seed(seed):
    """Sets the global random seed (``tf.random.set_seed``).

    New graph ops and eager draws after this call repeat the same sequence each time the program
    (or the call) is repeated.
    Example:
      >>> tf.random.set_seed(1234)
      >>> a = tf.random.uniform([1]).numpy()
      >>> tf.random.set_seed(1234)
      >>> bool((tf.random.uniform([1]).numpy() == a).all())
      True
    """
    _set_random_seed(seed)
    # TF2 also clears its kernel cache here, so seeded ops restart their streams
    from .core import random_seed
    getattr(random_seed, "_eager_gens", {}).clear()


set_random_seed = set_seed


def get_seed(op_seed):
    """(graph seed, op seed) a new random op would use (``tf.random.get_seed``)."""
    return _get_seed(op_seed)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None):
    """Samples from a normal distribution (``tf.random.normal``)."""
    from .core import dtypes
    return random_normal(shape, mean, stddev, dtype or dtypes.float32, seed, name)


def uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None):
    """Uniform samples in [minval, maxval) (``tf.random.uniform``)."""
    from .core import dtypes
    return random_uniform(shape, minval, maxval, dtype or dtypes.float32, seed, name)


def shuffle(value, seed=None, name=None):
    """Shuffles a tensor along its first dimension (``tf.random.shuffle``)."""
    return random_shuffle(value, seed, name)


def gamma(shape, alpha, beta=None, dtype=None, seed=None, name=None):
    """Gamma draws of shape ``shape + alpha.shape`` (``tf.random.gamma``)."""
    from .core import dtypes
    return _random_gamma(shape, alpha, beta, dtype or dtypes.float32, seed, name)


def poisson(shape, lam, dtype=None, seed=None, name=None):
    """Poisson draws of shape ``shape + lam.shape`` (``tf.random.poisson``; shape first, as TF2)."""
    from .core import dtypes
    return _poisson_v1(lam, shape, dtype or dtypes.float32, seed, name)
