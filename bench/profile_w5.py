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

import nf_common as N  # noqa: F401  (paths, BLAS policy)
import nf_w5

from neuroflow.core import executor


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--cprofile", action="store_true")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args()
    next_batch, *_ = nf_w5.data()
    X, Y, logits, cost, train, accuracy, form = nf_w5.build()
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
    plan = [p for p in sess._plans.values() if train in p.fetches][0]
    print("W5 (%s loss): %d ops in the training plan; %.1f us per sess.run (next_batch excluded)"
          % (form, len(plan.ops), per_step * 1e6))

    # the parts of one sess.run
    bx, by = batches[0]
    parts = collections.Counter()
    for i in range(n):
        bx, by = batches[i % 200]
        t0 = time.perf_counter()
        vals = (executor.feed_array(X, bx), executor.feed_array(Y, by))
        t1 = time.perf_counter()
        plan._run(*vals)
        t2 = time.perf_counter()
        parts["feed_array (2 feeds)"] += t1 - t0
        parts["plan body"] += t2 - t1
    parts = {k: v / n * 1e6 for k, v in parts.items()}
    parts["Session.run bookkeeping"] = per_step * 1e6 - sum(parts.values())
    print("\none sess.run, us:")
    for k, v in parts.items():
        print("  %-28s %7.1f" % (k, v))

    # each op's forward, replayed in plan order
    fns = [op.bind(sess._ctx) for op in plan.ops]
    feeds = {id(X): None, id(Y): None}
    per_op = collections.Counter()
    reps = max(1, n // 4)
    for i in range(reps):
        bx, by = batches[i % 200]
        env = {id(X): bx, id(Y): by}
        for k, (op, fn) in enumerate(zip(plan.ops, fns)):
            args = [env[id(x)] for x in op.inputs]
            t0 = time.perf_counter()
            out = fn(*args)
            per_op[k] += time.perf_counter() - t0
            outs = out if len(op.outputs) > 1 else (out,)
            for t, v in zip(op.outputs, outs):
                env[id(t)] = v
    del feeds
    total = sum(per_op.values()) / reps * 1e6
    print("\nops' forward, us per step (sum %.1f; plan body minus this = generated-code overhead):" % total)
    by_type = collections.Counter()
    for k, v in per_op.items():
        by_type[plan.ops[k].type] += v / reps * 1e6
    for t, v in by_type.most_common():
        cnt = sum(1 for op in plan.ops if op.type == t)
        print("  %-24s x%-2d %7.1f" % (t, cnt, v))

    if a.cprofile:
        prof = cProfile.Profile()
        prof.runcall(loop)
        print()
        pstats.Stats(prof).sort_stats("tottime").print_stats(a.top)


if __name__ == "__main__":
    main()
