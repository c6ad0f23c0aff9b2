"""One BLAS thread or two? float32 matmuls through ``tf.matmul``, with the thread count switched at
run time by ``set_intra_op_parallelism_threads``, alternating 1, 2, 1, 2, ... in one process.

With ``--busy N`` it starts N busy-looping processes beside the measurement (a stand-in for a
browser or another job on a learner's laptop), which is where two OpenBLAS threads collapse.

usage: python bench/nf_threads.py [--busy 1] [--rounds 5] [--threads 1,2]
Prints a table of GFLOP/s (median over rounds of the best-of-3 per round) and one RESULT_JSON line.
"""

import argparse
import json
import multiprocessing
import time

import nf_common as N  # noqa: F401  (paths, and neuroflow's default thread policy)

import numpy as np
import neuroflow as tf
from neuroflow.core import threads

# (m, k, n): big square ones, then the shapes of W5 (x@W, x.T@dz) and of the W1/W2 MLP layers
SHAPES = [
    (2048, 2048, 2048),
    (1024, 1024, 1024),
    (100, 784, 10),
    (784, 100, 10),
    (32, 784, 256),
    (128, 784, 1024),
    (128, 1024, 512),
]


def _spin(stop):
    while not stop.is_set():
        pass


def gflops(shape, a, b, budget=0.3):
    tf.matmul(a, b)
    reps, fl = 1, 2.0 * shape[0] * shape[1] * shape[2]
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(reps):
            tf.matmul(a, b)
        dt = (time.perf_counter() - t0) / reps
        best = min(best, dt)
        reps = max(1, min(2000, int(budget / 3 / max(dt, 1e-7))))
    return fl / best / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--busy", type=int, default=0, help="busy-looping processes beside the measurement"
    )
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", default="1,2")
    a = ap.parse_args()
    counts = [int(t) for t in a.threads.split(",")]
    rng = np.random.default_rng(0)
    data = {
        s: (
            tf.constant(rng.standard_normal(s[:2], dtype=np.float32)),
            tf.constant(rng.standard_normal(s[1:], dtype=np.float32)),
        )
        for s in SHAPES
    }
    stop = multiprocessing.Event()
    hogs = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True) for _ in range(a.busy)]
    for h in hogs:
        h.start()
    res = {n: {s: [] for s in SHAPES} for n in counts}
    try:
        for _ in range(a.rounds):
            for n in counts:  # alternate thread counts within each round
                threads.set_intra_op_parallelism_threads(n)
                assert threads.blas_num_threads() in (n, None)
                for s in SHAPES:
                    res[n][s].append(gflops(s, *data[s]))
    finally:
        stop.set()
        for h in hogs:
            h.join()
    print(
        "float32 tf.matmul GFLOP/s (median of %d rounds), %d busy process(es) beside"
        % (a.rounds, a.busy)
    )
    print(
        "%-16s" % "m x k x n"
        + "".join("%12s" % ("%d thread%s" % (n, "s" * (n > 1))) for n in counts)
    )
    table = {}
    for s in SHAPES:
        key = "%dx%dx%d" % s
        table[key] = {n: float(np.median(res[n][s])) for n in counts}
        print("%-16s" % key + "".join("%12.1f" % table[key][n] for n in counts))
    print(
        "RESULT_JSON "
        + json.dumps(
            {
                "framework": "neuroflow",
                "workload": "matmul_threads",
                "busy": a.busy,
                "rounds": a.rounds,
                "gflops_median": table,
                "blas_backend": threads.blas_backend(),
            }
        )
    )


if __name__ == "__main__":
    main()
