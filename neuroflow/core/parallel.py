"""Intra-op parallelism for large matrix products, on threads that block instead of spinning.

BLAS runs on one thread (see ``threads.py``: OpenBLAS's own threads busy-wait and collapse on a
shared machine). A product big enough to pay for a thread hand-off (``MIN_MACS`` multiply-adds)
is cut instead into column blocks (a wide ``b``) or row blocks, each a one-thread BLAS call
writing its block of the result; the blocks run on a few worker threads while NumPy has let go
of the GIL. On a quiet machine that is TF's intra-op parallelism; on a busy one the blocks just
take turns (the workers sleep on a lock, they never spin), so it costs a hand-off, not 9x.

How many parts: ``NEUROFLOW_PARALLEL_GEMM`` (0 or 1: never split), else the CPUs this process
may use (at most ``MAX_PARTS``), unless BLAS itself runs on several threads
(``NEUROFLOW_NUM_THREADS`` & co., ``tf.config.threading.set_intra_op_parallelism_threads(n)``):
then BLAS does the splitting. Results are deterministic for a given number of parts and equal
one call's up to float rounding (BLAS's edge kernels may sum a block's last rows in another order).
"""
import os
import threading

import numpy

MIN_MACS = 1 << 24     # ~17 M multiply-adds (~330 us on one core); hand-off + packing ~50-80 us
MIN_BLOCK = 16         # rows (or columns) per block at least
MAX_PARTS = 8
MIN_ELEMS = 1 << 18    # elements a copy/pooling block touches at least (``row_blocks``; ~60 us hand-off)

_parts = None          # resolved on first use
_workers = []


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


class _Worker:
    """A thread that runs one task at a time, handed over with two plain locks (the cheapest
    wake-up Python has: ~30 us, against ~45 us through a queue and an event)."""

    def __init__(self, i):
        self.go, self.done = threading.Lock(), threading.Lock()
        self.go.acquire()
        self.done.acquire()
        self.task = self.error = None
        threading.Thread(target=self._loop, daemon=True, name="neuroflow-gemm-%d" % i).start()

    def _loop(self):
        while True:
            self.go.acquire()
            fn, args = self.task
            try:
                fn(*args)
            except BaseException as e:   # handed to the caller, which raises it
                self.error = e
            self.task = None
            self.done.release()


_busy = threading.Lock()   # one caller uses the workers at a time; others run their blocks inline


def _after_fork():
    """A forked child has none of the parent's threads: it starts its own workers when needed."""
    global _busy
    _workers.clear()
    _busy = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def run_parallel(calls):
    """Runs ``calls`` ([(fn, args)]): the first on this thread, the others on the workers; waits
    for all and raises the first error. While another thread (or an enclosing call) has the
    workers, the calls run one after another here."""
    if len(calls) == 1 or not _busy.acquire(blocking=False):
        for fn, args in calls:
            fn(*args)
        return
    try:
        while len(_workers) < len(calls) - 1:
            _workers.append(_Worker(len(_workers)))
        used = _workers[:len(calls) - 1]
        for w, task in zip(used, calls[1:]):
            w.error, w.task = None, task
            w.go.release()
        err = None
        try:
            fn, args = calls[0]
            fn(*args)
        except BaseException as e:
            err = e
        for w in used:
            w.done.acquire()
            err = err or w.error
        if err is not None:
            raise err
    finally:
        _busy.release()


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
    # each block packs its part of one operand and the whole other: cut the bigger one (column
    # blocks when b is wide, as x @ W for a batch of rows; row blocks otherwise)
    if n >= parts * MIN_BLOCK and (n > 2 * m or m < parts * MIN_BLOCK):
        calls = [(numpy.matmul, (a, b[:, i:j], out[:, i:j]))
                 for i, j in bounds(n, min(parts, n // MIN_BLOCK))]
    elif m >= parts * MIN_BLOCK:
        calls = [(numpy.matmul, (a[i:j], b, out[i:j]))
                 for i, j in bounds(m, min(parts, m // MIN_BLOCK))]
    else:
        return numpy.matmul(a, b, out=out)
    run_parallel(calls)
    return out


def row_blocks(n, work, fn):
    """Runs ``fn(b0, b1)`` for blocks of range(n) (batch rows whose work is independent, e.g. a
    pooling or an im2col copy) on the workers when ``work`` (elements touched) is large."""
    k = min(num_parts(), n, max(1, work // MIN_ELEMS))
    if k < 2:
        fn(0, n)
        return
    run_parallel([(fn, b) for b in bounds(n, k)])
