"""Where a W5 training step spends its time: Session.run overhead, feeds, each op's forward.

Builds W5's graph (bench/nf_w5.py), warms up, then
  1. times N steps of the loop as written, and the same with next_batch outside the timer;
  2. splits one ``sess.run`` into its parts: fetch/feed handling in Session.run, feed conversion
     (``feed_array``), the compiled plan's body, the results;
  3. replays the plan op by op with a timer around each bound forward;
  4. prints cProfile's top functions for the loop (``--cprofile``).
usage: python bench/profile_w5.py [--steps 2000] [--cprofile] [--top 25]
"""

import argparse
import cProfile
import collections
import pstats
import time

import nf_common as N  # paths, BLAS policy
import nf_w5

from neuroflow.core import executor


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--cprofile", action="store_true")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    next_batch, *_ = nf_w5.data()
    X, Y, _, _, train, _, form = nf_w5.build()
    tf = nf_w5.tf
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    batches = [next_batch(100) for _ in range(200)]
    for bx, by in batches[:20]:
        sess.run(train, feed_dict={X: bx, Y: by})
    n = a.steps

    def loop():
        for i in range(n):
            bx, by = batches[i % 200]
            sess.run(train, feed_dict={X: bx, Y: by})

    t0 = time.perf_counter()
    loop()
    per_step = (time.perf_counter() - t0) / n
    best, cpu = (
        float("inf"),
        [],
    )  # quietest block of 100 steps, and thread CPU time: robust to neighbours
    for k in range(max(1, n // 100)):
        t0, c0 = time.perf_counter(), time.thread_time()
        for i in range(100):
            bx, by = batches[(k + i) % 200]
            sess.run(train, feed_dict={X: bx, Y: by})
        best = min(best, (time.perf_counter() - t0) / 100)
        cpu.append((time.thread_time() - c0) / 100)
    plan = next(p for p in sess._plans.values() if train in p.fetches)
    print(
        "W5 (%s loss): %d ops in the training plan; per sess.run (next_batch excluded): "
        "%.1f us mean, %.1f us best 100-step block, %.1f us median thread CPU time"
        % (form, len(plan.ops), per_step * 1e6, best * 1e6, N.C.median(cpu) * 1e6)
    )

    # the parts of one sess.run (medians of per-call times)
    t_run, t_feed, t_plan = [], [], []
    for i in range(n):
        bx, by = batches[i % 200]
        fd = {X: bx, Y: by}
        t0 = time.perf_counter()
        sess.run(train, feed_dict=fd)
        t1 = time.perf_counter()
        vals = (executor.feed_array(X, bx), executor.feed_array(Y, by))
        t2 = time.perf_counter()
        plan._run(*vals)
        t3 = time.perf_counter()
        t_run.append(t1 - t0)
        t_feed.append(t2 - t1)
        t_plan.append(t3 - t2)
    med = [N.C.median(t) * 1e6 for t in (t_run, t_feed, t_plan)]
    print(
        "\none sess.run, median us: %.1f = feed_array x2 %.1f + plan body %.1f + Session.run's own "
        "%.1f" % (med[0], med[1], med[2], med[0] - med[1] - med[2])
    )

    # each op's forward, replayed in plan order; the median per op is robust to preemption
    fns = [op.bind(sess._ctx) for op in plan.ops]
    per_op = [[] for _ in plan.ops]
    for i in range(max(1, n // 4)):
        bx, by = batches[i % 200]
        env = {id(X): bx, id(Y): by}
        for k, (op, fn) in enumerate(zip(plan.ops, fns)):
            args = [env[id(x)] for x in op.inputs]
            t0 = time.perf_counter()
            out = fn(*args)
            per_op[k].append(time.perf_counter() - t0)
            outs = out if len(op.outputs) > 1 else (out,)
            for t, v in zip(op.outputs, outs):
                env[id(t)] = v
    by_type, count = collections.Counter(), collections.Counter()
    for op, ts in zip(plan.ops, per_op):
        by_type[op.type] += N.C.median(ts) * 1e6
        count[op.type] += 1
    print("\nops' forward, median us per step (sum %.1f):" % sum(by_type.values()))
    for t, v in by_type.most_common():
        print("  %-30s x%-2d %7.1f" % (t, count[t], v))

    if a.cprofile:
        prof = cProfile.Profile()
        prof.runcall(loop)
        print()
        pstats.Stats(prof).sort_stats("tottime").print_stats(a.top)


if __name__ == "__main__":
    main()
