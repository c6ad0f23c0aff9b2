"""Large matrix products cut into blocks on worker threads (core/parallel.py)."""
import os
import threading

import numpy as np
import pytest

from neuroflow.core import parallel, threads


@pytest.fixture
def parts():
    """Sets the number of blocks and a small threshold for the test; restores both after."""
    old_min = parallel.MIN_MACS

    def use(n, min_macs=0):
        parallel.set_num_parts(n)
        parallel.MIN_MACS = min_macs
    yield use
    parallel.MIN_MACS = old_min
    parallel.set_num_parts(0)


@pytest.mark.parametrize("n", [2, 3, 5])
@pytest.mark.parametrize("shape", [(128, 70, 96), (33, 64, 5), (5, 64, 200), (7, 9, 11)])
def test_blocks_equal_one_product(parts, n, shape):
    m, k, c = shape
    rng = np.random.RandomState(0)
    a, b = rng.randn(m, k).astype(np.float32), rng.randn(k, c).astype(np.float32)
    ref = a @ b
    parts(n)
    got = parallel.matmul(a, b)
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(parallel.matmul(a, b), got)      # deterministic
    out = np.full((m, c), np.nan, np.float32)
    assert parallel.matmul(a, b, out=out) is out
    np.testing.assert_array_equal(out, got)
    # transposed views (a weight gradient x.T @ g) and float64
    np.testing.assert_allclose(parallel.matmul(a.T.copy().T, b), ref, rtol=1e-5, atol=1e-5)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    np.testing.assert_allclose(parallel.matmul(b64.T, a64.T), (a64 @ b64).T, rtol=1e-12)


def test_blocks_run_on_other_threads(parts):
    parts(2)
    seen = set()

    def record(i):
        seen.add(threading.current_thread().name)
    parallel.run_parallel([(record, (0,)), (record, (1,))])
    assert threading.current_thread().name in seen
    assert any(name.startswith("neuroflow-gemm-") for name in seen)


def test_small_batched_and_mismatched_products_are_one_call(parts):
    parts(2, min_macs=10 ** 9)
    a, b = np.ones((64, 64), np.float32), np.ones((64, 64), np.float32)
    np.testing.assert_array_equal(parallel.matmul(a, b), a @ b)
    parts(2)
    x, y = np.ones((3, 8, 4)), np.ones((4, 5))
    np.testing.assert_array_equal(parallel.matmul(x, y), x @ y)
    with pytest.raises(ValueError):
        parallel.matmul(np.ones((64, 3)), np.ones((4, 64)))


def test_worker_error_reaches_the_caller(parts):
    parts(2)

    def boom():
        raise RuntimeError("in a worker")
    with pytest.raises(RuntimeError, match="in a worker"):
        parallel.run_parallel([(lambda: None, ()), (boom, ())])


def test_default_follows_blas_threads_and_env(monkeypatch):
    monkeypatch.delenv("NEUROFLOW_PARALLEL_GEMM", raising=False)
    parallel.set_num_parts(0)
    try:
        if threads.blas_num_threads() == 1:
            assert parallel.num_parts() == min(threads.available_cpus(), parallel.MAX_PARTS)
        monkeypatch.setenv("NEUROFLOW_PARALLEL_GEMM", "0")
        parallel.set_num_parts(0)
        assert parallel.num_parts() == 1
        monkeypatch.setenv("NEUROFLOW_PARALLEL_GEMM", "3")
        parallel.set_num_parts(0)
        assert parallel.num_parts() == 3
        monkeypatch.setenv("NEUROFLOW_PARALLEL_GEMM", "many")
        parallel.set_num_parts(0)
        with pytest.raises(ValueError, match="NEUROFLOW_PARALLEL_GEMM"):
            parallel.num_parts()
    finally:
        parallel.set_num_parts(0)


def test_blas_threads_turn_splitting_off(monkeypatch):
    monkeypatch.delenv("NEUROFLOW_PARALLEL_GEMM", raising=False)
    if threads.blas_backend() is None:
        pytest.skip("BLAS thread count not settable here")
    before = threads.get_intra_op_parallelism_threads()
    try:
        threads.set_intra_op_parallelism_threads(2)
        assert parallel.num_parts() == 1
        threads.set_intra_op_parallelism_threads(1)
        assert parallel.num_parts() == min(threads.available_cpus(), parallel.MAX_PARTS)
    finally:
        threads.set_intra_op_parallelism_threads(before)


def test_concurrent_and_nested_callers(parts):
    """Two threads multiplying at once, and a block that itself asks for blocks, all finish
    with the right numbers (the second caller runs its blocks inline)."""
    parts(2)
    rng = np.random.RandomState(3)
    pairs = [(rng.randn(64, 48), rng.randn(48, 40)) for _ in range(2)]
    results, errors = {}, []

    def worker(i):
        try:
            for _ in range(50):
                results[i] = parallel.matmul(*pairs[i])
        except Exception as e:   # pragma: no cover - reported below
            errors.append(e)
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors
    for i in range(2):
        np.testing.assert_allclose(results[i], pairs[i][0] @ pairs[i][1], rtol=1e-12)
    inner = []
    parallel.run_parallel([(lambda: inner.append(parallel.matmul(*pairs[0])), ()),
                           (lambda: inner.append(parallel.matmul(*pairs[1])), ())])
    assert len(inner) == 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_starts_its_own_workers(parts):
    parts(2)
    a = np.random.RandomState(0).randn(64, 64)
    parallel.matmul(a, a)                       # the parent's workers exist now
    pid = os.fork()
    if pid == 0:                                # child: must not wait on the parent's threads
        ok = np.allclose(parallel.matmul(a, a), a @ a)
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
