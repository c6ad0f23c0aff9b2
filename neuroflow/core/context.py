"""Process-wide execution state: graph mode vs eager, and the recording tapes.

neuroflow runs TF1 graph code and TF2 eager code with one engine. Every op builds a graph node;
while not in graph mode, an op whose inputs all have values also computes at once (eager). TF1-only
entry points (``tf.placeholder``, ``tf.Session``, ``disable_eager_execution`` ...) switch the
process to graph mode, after which ops only build the graph and ``Session.run`` evaluates it.
"""
import threading


class _State(threading.local):
    def __init__(self):
        self.graph_mode = False      # TF1 semantics: build only, evaluate in Session.run
        self.symbolic = 0            # >0 inside internal graph building (Keras model building)
        self.tapes = []              # recording GradientTapes, innermost last
        self.default_session = []    # stack of default sessions
        self.eager_explicit = False  # enable_eager_execution() was called


state = _State()


def enter_graph_mode():
    """Switches to TF1 graph semantics (called by the TF1-only entry points)."""
    if not state.eager_explicit:
        state.graph_mode = True


def executing_eagerly():
    return not state.graph_mode and not state.symbolic


class symbolic:
    """Inside this block ops only build graph nodes, even on concrete inputs."""

    def __enter__(self):
        state.symbolic += 1
        return self

    def __exit__(self, *exc):
        state.symbolic -= 1
        return False
