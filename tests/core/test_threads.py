"""BLAS thread policy: setting at run time (OpenBLAS, threadpoolctl), variables, fallbacks."""

import os
import subprocess
import sys
import types

import pytest

from neuroflow.core import threads

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
needs_blas = pytest.mark.skipif(
    threads.blas_backend() is None, reason="BLAS threads not controllable here"
)


@pytest.fixture(autouse=True)
def _restore_threads(monkeypatch):
    """Tests change process-wide BLAS state: put it back, and start from a clean environment."""
    for var in threads.ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    before = threads.blas_num_threads()
    requested = threads._requested
    yield
    monkeypatch.undo()  # the real library and environment again, before restoring
    threads._backend = None
    if before:
        threads.set_intra_op_parallelism_threads(before)
    threads._requested = requested


@needs_blas
@pytest.mark.parametrize("counts", [(1, 2, 3, 1), (2, 1)])
def test_set_changes_blas_threads(counts):
    for n in counts:  # up and down again, at run time
        threads.set_intra_op_parallelism_threads(n)
        assert threads.blas_num_threads() == n
        assert threads.get_intra_op_parallelism_threads() == n


@needs_blas
def test_zero_means_default_policy():
    threads.set_intra_op_parallelism_threads(3)
    threads.set_intra_op_parallelism_threads(0)
    assert threads.get_intra_op_parallelism_threads() == 0
    assert threads.blas_num_threads() == 1


@needs_blas
def test_zero_follows_neuroflow_num_threads(monkeypatch):
    monkeypatch.setenv("NEUROFLOW_NUM_THREADS", "2")
    threads.set_intra_op_parallelism_threads(0)
    assert threads.blas_num_threads() == 2


@needs_blas
@pytest.mark.parametrize(("value", "expected"), [("2", 2), ("3,1", 3)])
def test_zero_returns_to_the_users_blas_variable(monkeypatch, value, expected):
    monkeypatch.setenv("OMP_NUM_THREADS", value)
    threads.set_intra_op_parallelism_threads(1)
    threads.set_intra_op_parallelism_threads(0)
    assert threads.blas_num_threads() == expected


def test_get_is_zero_until_set():
    # TF: 0 means the system picks; neuroflow reports what the user asked for
    threads._requested = 0
    assert threads.get_intra_op_parallelism_threads() == 0


@pytest.mark.parametrize("bad", [-1, 1.5, "2", None, True])
def test_invalid_num_threads(bad):
    with pytest.raises(
        ValueError,
        match=r"Invalid value for argument `num_threads`: expected an integer "
        r">= 0\. Received: num_threads=",
    ):
        threads.set_intra_op_parallelism_threads(bad)


@needs_blas
def test_openblas_found_through_loaded_library():
    backend = threads._find_backend()
    if backend.name != "openblas":
        pytest.skip("NumPy does not use OpenBLAS here")
    path = backend.libs[0][0]
    assert "openblas" in os.path.basename(path).lower()
    assert os.path.exists(path)


@needs_blas
def test_default_policy_uses_one_thread():
    threads.set_intra_op_parallelism_threads(2)
    assert threads.apply_default_policy() == 1
    assert threads.blas_num_threads() == 1


@needs_blas
def test_default_policy_applies_neuroflow_num_threads(monkeypatch):
    monkeypatch.setenv("NEUROFLOW_NUM_THREADS", "2")
    assert threads.apply_default_policy() == 2
    assert threads.blas_num_threads() == 2


@needs_blas
@pytest.mark.parametrize("var", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"])
def test_default_policy_leaves_user_blas_variables(monkeypatch, var):
    threads.set_intra_op_parallelism_threads(2)
    monkeypatch.setenv(var, "2")
    assert threads.apply_default_policy() is None
    assert threads.blas_num_threads() == 2


def test_bad_neuroflow_num_threads(monkeypatch):
    monkeypatch.setenv("NEUROFLOW_NUM_THREADS", "many")
    with pytest.raises(
        ValueError, match="Invalid value for environment variable `NEUROFLOW_NUM_THREADS`"
    ):
        threads.apply_default_policy()


def test_no_backend_warns_and_does_nothing(monkeypatch):
    monkeypatch.setattr(threads, "_openblas_paths", list)
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import fails
    threads._backend = None
    assert threads.blas_backend() is None
    assert threads.blas_num_threads() is None
    assert threads.apply_default_policy() is None  # silent: runs at import
    with pytest.warns(RuntimeWarning, match="number of BLAS threads is left unchanged"):
        threads.set_intra_op_parallelism_threads(2)
    assert threads.get_intra_op_parallelism_threads() == 2


def test_threadpoolctl_fallback(monkeypatch):
    calls = []
    fake = types.ModuleType("threadpoolctl")
    fake.threadpool_limits = lambda limits, user_api: calls.append((limits, user_api))
    fake.threadpool_info = lambda: [
        {"user_api": "openmp", "num_threads": 9},
        {"user_api": "blas", "num_threads": 3},
    ]
    monkeypatch.setattr(threads, "_openblas_paths", list)
    monkeypatch.setitem(sys.modules, "threadpoolctl", fake)
    threads._backend = None
    assert threads.blas_backend() == "threadpoolctl"
    threads.set_intra_op_parallelism_threads(4)
    assert calls == [(4, "blas")]
    assert threads.blas_num_threads() == 3
    assert threads.apply_default_policy() == 1
    assert calls[-1] == (1, "blas")


def test_library_without_thread_symbols_is_ignored(monkeypatch):
    monkeypatch.setattr(threads, "_openblas_paths", lambda: [sys.executable])
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)
    threads._backend = None
    assert threads.blas_backend() is None


@needs_blas
def test_policy_in_fresh_process_respects_openblas_variable():
    code = (
        "from neuroflow.core import threads as T; r = T.apply_default_policy(); "
        "print(r, T.blas_num_threads())"
    )
    env = {k: v for k, v in os.environ.items() if k not in threads.ENV_VARS}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["1", "1"], out.stderr
    env["OPENBLAS_NUM_THREADS"] = "2"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["None", "2"], out.stderr


def test_tune_malloc_can_be_turned_off(monkeypatch):
    from neuroflow.core import threads
    monkeypatch.setenv("NEUROFLOW_MALLOC_TUNE", "0")
    assert threads.tune_malloc() is False
    monkeypatch.delenv("NEUROFLOW_MALLOC_TUNE")
    import sys
    assert threads.tune_malloc() is sys.platform.startswith("linux")
