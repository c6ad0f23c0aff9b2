"""Seeds as TF computes them: a graph-level seed plus an op seed (a per-graph counter) give every
session the same TF-compatible Philox stream (see philox.py); eager ops draw op seeds from a
Python RNG seeded by ``tf.random.set_seed``, as TF2's eager context does."""
import random as _pyrandom

from .graph import get_default_graph
from .philox import FastGenerator, PhiloxGenerator

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1
_eager = {"seed": None, "rng": None}


def set_random_seed(seed):
    """Sets the graph-level random seed (``tf.set_random_seed``; in eager code also the eager seed)."""
    g = get_default_graph()
    g.seed = None if seed is None else int(seed)
    g._last_op_seed = 0
    _eager["seed"] = None if seed is None else int(seed)
    _eager["rng"] = None if seed is None else _pyrandom.Random(int(seed))
    _eager_gens.clear()  # TF2 clears its kernel cache: seeded streams restart


def get_seed(op_seed):
    """(graph seed, op seed) for a new random op, as ``tf.compat.v1.get_seed`` computes them."""
    from . import context
    g = get_default_graph()
    eager = context.executing_eagerly()
    gs = _eager["seed"] if eager else g.seed
    if gs is not None:
        if op_seed is None:
            if eager:
                op_seed = _eager["rng"].randint(0, _MAXINT32)
            else:
                op_seed = g._last_op_seed
                g._last_op_seed += 1
        seeds = (gs % _MAXINT32, int(op_seed) % _MAXINT32)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, int(op_seed) % _MAXINT32)
    else:
        return None, None
    if seeds == (0, 0):
        return 0, _MAXINT32
    return seeds


def op_generator(op):
    """A fresh stream for ``op`` in a new session: the same numbers in every session when seeded."""
    gs, os_ = getattr(op, "seeds", (None, None))
    if gs is None and os_ is None:
        return FastGenerator()
    return PhiloxGenerator(gs, os_)


_eager_gens = {}


def eager_generator(op):
    """The stream for an eager op: one kernel per seed pair continues its stream, as TF2's cache."""
    seeds = getattr(op, "seeds", (None, None))
    if seeds == (None, None):
        return FastGenerator()
    g = _eager_gens.get(seeds)
    if g is None:
        if len(_eager_gens) > 4096:
            _eager_gens.clear()
        g = _eager_gens[seeds] = PhiloxGenerator(*seeds)
    return g
