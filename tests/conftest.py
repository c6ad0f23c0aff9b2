import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("NEUROFLOW_DATASETS", os.path.join(ROOT, "..", "shared", "datasets"))
# absolute, so the example and CLI subprocesses (other working folders) find the data too
os.environ["NEUROFLOW_DATASETS"] = os.pathsep.join(
    os.path.abspath(p) for p in os.environ["NEUROFLOW_DATASETS"].split(os.pathsep) if p)

from neuroflow.core import context  # noqa: E402
from neuroflow.core import random_seed  # noqa: E402
from neuroflow.core import graph as _graph  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_state():
    """Every test starts eager, with an empty default graph and no default session."""
    st = context.state
    st.graph_mode, st.symbolic, st.eager_explicit = False, 0, False
    st.tapes.clear()
    st.default_session.clear()
    _graph._default_stack.clear()
    _graph.reset_default_graph()
    random_seed.set_random_seed(None)
    np.random.seed(0)
    yield
    st.graph_mode, st.symbolic, st.eager_explicit = False, 0, False
    st.tapes.clear()
    st.default_session.clear()
    _graph._default_stack.clear()


@pytest.fixture
def graph_mode():
    """TF1 graph semantics for the test."""
    context.enter_graph_mode()
    yield
