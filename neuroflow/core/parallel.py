"""Intra-op parallelism for large matrix products, on threads that block instead of spinning.

BLAS runs on one thread (see ``threads.py``: OpenBLAS's own threads busy-wait and collapse on a
shared machine). A product big enough to pay for a thread hand-off (``MIN_MACS`` multiply-adds)
is cut instead into row blocks (column blocks when it has few rows), each a one-thread BLAS call
writing its block of the result; the blocks run on a few worker threads while NumPy has let go
of the GIL. On a quiet machine that is TF's intra-op parallelism; on a busy one the blocks just
take turns (the workers sleep in a queue, they never spin), so it costs a hand-off, not 9x.

How many parts: ``NEUROFLOW_PARALLEL_GEMM`` (0 or 1: never split), else the CPUs this process
may use (at most ``MAX_PARTS``), unless BLAS itself runs on several threads
(``NEUROFLOW_NUM_THREADS`` & co., ``tf.config.threading.set_intra_op_parallelism_threads(n)``):
then BLAS does the splitting. Results are deterministic for a given number of parts and equal
one call's up to float rounding (BLAS's edge kernels may sum a block's last rows in another order).
"""
import os
import queue
import threading

import numpy

MIN_MACS = 1 << 24     # ~17 M multiply-adds (~330 us on one core): a hand-off costs ~50-80 us
MIN_BLOCK = 16         # rows (or columns) per block at least
MAX_PARTS = 8

_parts = None          # resolved on first use
_workers = []
_lock = threading.Lock()


def _default_parts():
    from . import threads
    env = os.environ.get("NEUROFLOW_PARALLEL_GEMM", "").strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            n = -1
        if n < 0:
            raise ValueError("Invalid value for environment variable `NEUROFLOW_PARALLEL_GEMM`: "
                             f"expected an integer >= 0. Received: NEUROFLOW_PARALLEL_GEMM={env!r}")
        return max(1, min(n, MAX_PARTS))
    if (threads.blas_num_threads() or 1) > 1:   # BLAS was given threads: it does the splitting
        return 1
    return max(1, min(threads.available_cpus(), MAX_PARTS))


def num_parts():
    """How many blocks a large product is cut into (1: never)."""
    global _parts
    if _parts is None:
        _parts = _default_parts()
    return _parts


def set_num_parts(n):
    """Sets the number of blocks; 0 goes back to the default (re-read when next needed)."""
    global _parts
    _parts = None if not n else max(1, min(int(n), MAX_PARTS))


def _worker(q):
    while True:
        fn, args, done = q.get()
        try:
            fn(*args)
        except BaseException as e:   # handed to the caller, which raises it
            done.append(e)
        else:
            done.append(None)
        finally:
            done[0].set()


def _queues(n):
    """``n`` worker queues (threads started on first need, daemons: they never block exit)."""
    with _lock:
        while len(_workers) < n:
            q = queue.SimpleQueue()
            threading.Thread(target=_worker, args=(q,), daemon=True,
                             name="neuroflow-gemm-%d" % len(_workers)).start()
            _workers.append(q)
        return _workers[:n]


def run_parallel(calls):
    """Runs ``calls`` ([(fn, args)]): the first on this thread, the others on the workers; waits
    for all and raises the first error."""
    if len(calls) == 1:
        fn, args = calls[0]
        fn(*args)
        return
    pending = []
    for q, (fn, args) in zip(_queues(len(calls) - 1), calls[1:]):
        done = [threading.Event()]
        q.put((fn, args, done))
        pending.append(done)
    fn, args = calls[0]
    fn(*args)
    for done in pending:
        done[0].wait()
        if done[1] is not None:
            raise done[1]


def bounds(n, parts):
    """[(start, stop)] of ``parts`` near-equal blocks of range(n)."""
    step = -(-n // parts)
    return [(i, min(i + step, n)) for i in range(0, n, step)]


def matmul(a, b, out=None):
    """``a @ b`` for 2-D NumPy arrays, in blocks on several threads when it is large; any other
    input (batched, CuPy, small) is one ``numpy.matmul``/``@`` call."""
    parts = num_parts()
    if (parts < 2 or type(a) is not numpy.ndarray or type(b) is not numpy.ndarray
            or a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]
            or a.shape[0] * a.shape[1] * b.shape[1] < MIN_MACS):
        return a @ b if out is None else numpy.matmul(a, b, out=out)
    m, n = a.shape[0], b.shape[1]
    if out is None:
        out = numpy.empty((m, n), dtype=numpy.result_type(a, b))
    if m >= parts * MIN_BLOCK:
        calls = [(numpy.matmul, (a[i:j], b, out[i:j]))
                 for i, j in bounds(m, min(parts, m // MIN_BLOCK))]
    elif n >= parts * MIN_BLOCK:
        calls = [(_cols, (a, b, out, i, j)) for i, j in bounds(n, min(parts, n // MIN_BLOCK))]
    else:
        return numpy.matmul(a, b, out=out)
    run_parallel(calls)
    return out


def _cols(a, b, out, i, j):
    out[:, i:j] = a @ b[:, i:j]
