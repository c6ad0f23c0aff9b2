"""Seeds as in TF1: a graph-level seed plus an op seed make every session draw the same numbers."""
import numpy as np

from .graph import get_default_graph

_DEFAULT_OP_SEED = 87654321
_eager = {"seed": None, "gen": None, "count": 0}


def set_random_seed(seed):
    """Sets the graph-level random seed (``tf.set_random_seed``; also seeds eager ops)."""
    get_default_graph().seed = None if seed is None else int(seed)
    get_default_graph()._last_op_seed = 0
    _eager["seed"] = None if seed is None else int(seed)
    _eager["gen"] = np.random.default_rng(None if seed is None else [int(seed), 0])


def get_seed(op_seed):
    """(graph seed, op seed) as TF1 computes them for a new random op."""
    g = get_default_graph()
    gs = g.seed
    if gs is not None:
        if op_seed is None:
            op_seed = g._next_op_seed()
        return gs, int(op_seed)
    if op_seed is not None:
        return _DEFAULT_OP_SEED, int(op_seed)
    return None, None


def op_generator(op):
    """A fresh generator for ``op`` in a new session: the same stream in every session when seeded."""
    gs, os_ = getattr(op, "seeds", (None, None))
    if gs is None:
        return np.random.default_rng()
    return np.random.default_rng([gs, os_])


def eager_generator(op):
    gs, os_ = getattr(op, "seeds", (None, None))
    if os_ is not None and _eager["seed"] is None and gs == _DEFAULT_OP_SEED:
        return np.random.default_rng([gs, os_])
    if _eager["gen"] is None:
        _eager["gen"] = np.random.default_rng()
    return _eager["gen"]
