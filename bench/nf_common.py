"""What neuroflow's workload scripts share: paths, the peers' definitions, the result protocol.

The workloads, data loading, ``next_batch`` order, Glorot init and the ``RESULT_JSON`` line come
from the shared peer module (``shared/bench/peers/common.py``), imported from where it lies, so
neuroflow runs exactly the workloads the peers run.
"""

import os
import sys

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PEERS = os.environ.get("NF_BENCH_PEERS", os.path.join(ROOT, "..", "shared", "bench", "peers"))
DATASETS = os.environ.get("NEUROFLOW_DATASETS", os.path.join(ROOT, "..", "shared", "datasets"))

# NF_BENCH_NEUROFLOW_ROOT: measure the neuroflow of another checkout (run.py --compare DIR)
NEUROFLOW_ROOT = os.environ.get("NF_BENCH_NEUROFLOW_ROOT", ROOT)

os.environ.setdefault("PEERS_MNIST_DIR", os.path.join(DATASETS, "mnist"))
sys.path.insert(0, NEUROFLOW_ROOT)
sys.path.insert(1, PEERS)

import common as C  # noqa: E402  (the peers' module)

FW = "neuroflow"


def import_only():
    """True when the runner only checks that the script imports (``--import-only``)."""
    return "--import-only" in sys.argv


def blas_setup():
    """Applies neuroflow's BLAS thread policy (idempotent) and returns what BLAS uses."""
    from neuroflow.core import threads

    threads.apply_default_policy()
    return {"blas_threads": threads.blas_num_threads(), "blas_backend": threads.blas_backend()}


def version():
    import neuroflow

    return "neuroflow " + neuroflow.__version__


BLAS = blas_setup()  # before any timing: the policy a user gets at `import neuroflow`


def emit(workload, time_s, unit, **extra):
    extra.update(BLAS)
    C.emit(FW, workload, version(), time_s, unit, **extra)
