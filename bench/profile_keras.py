"""Where a Keras training step (W1, W2, W3, W4) or one-image predict (W6mlp, W6cnn) spends its time.

Builds the workload's model as bench/nf_keras.py (or nf_w4.py) does, warms it up with ``fit``,
then
  1. times ``fit`` per step, and the compiled plan alone on the same batches: the difference is
     fit's own per-step work (slicing, shuffling, callbacks, logs);
  2. replays the plan op by op and reports, per op type, the median thread CPU time per step
     (thread CPU time: robust to a busy machine, and BLAS runs on this thread with 1 thread);
  3. prints cProfile's top functions for a few fit steps (``--cprofile``).
usage: python bench/profile_keras.py W3 [--steps 30] [--cprofile] [--top 25] [--ops 25]
"""

import argparse
import collections
import cProfile
import pstats
import time

import nf_common as N  # paths, BLAS policy
import numpy as np
from nf_common import C


def model_and_data(wl, n):
    """(model, xs, ys, batch) for a compiled model and n batches of its training data."""
    import nf_keras

    if wl == "W4":
        from neuroflow import keras

        cfg = C.W4_CFG
        L = keras.layers
        model = keras.Sequential(
            [
                keras.Input((cfg["seq"],), dtype="int32"),
                L.Embedding(cfg["vocab"], cfg["embed"]),
                L.LSTM(cfg["units"], return_sequences=True),
                L.Dense(cfg["vocab"]),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.Adam(cfg["lr"]),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        x, y = C.char_data(n)
        return model, x.astype(np.int32), y.astype(np.int32), cfg["batch"]
    xtr, ytr, _, _, _ = C.load_mnist()
    cfg = {"W1": C.W1_CFG, "W2": C.W2_CFG, "W3": C.W3_CFG, "W6mlp": C.W2_CFG, "W6cnn": C.W3_CFG}
    cfg = cfg[wl]
    if wl in ("W3", "W6cnn"):
        xtr = xtr.reshape(-1, 28, 28, 1)
    model = nf_keras.build(wl)
    opt = nf_keras.optimizers
    model.compile(
        optimizer=opt.SGD(cfg["lr"]) if wl == "W1" else opt.Adam(cfg["lr"]),
        loss="categorical_crossentropy",
    )
    bs = cfg["batch"]
    return model, xtr[: n * bs], C.one_hot(ytr[: n * bs]), bs


def replay(plan, ctx, feeds, reps):
    """Per op of the plan: median thread CPU seconds of its forward over ``reps`` replays, as
    the plan runs them (a MatMul folded into its update counts 0, the update both)."""
    fz = plan.fusions
    fns = [None if k in fz.skip else
           op.bind_matmul(ctx, fz.product[k]) if k in fz.product else op.bind(ctx)
           for k, op in enumerate(plan.ops)]
    per_op = [[] for _ in plan.ops]
    for r in range(reps):
        env = {id(t): v for t, v in zip(plan.feeds, feeds[r % len(feeds)])}
        env[id(None)] = None
        for k, (op, fn) in enumerate(zip(plan.ops, fns)):
            if fn is None:
                per_op[k].append(0.0)
                continue
            args = [env[id(x)] for x in fz.inputs(k, op)]
            t0 = time.thread_time()
            out = fn(*args)
            per_op[k].append(time.thread_time() - t0)
            outs = out if len(op.outputs) > 1 or getattr(op, "multi_output", False) else (out,)
            for t, v in zip(op.outputs, outs):
                env[id(t)] = v
    return [C.median(ts) for ts in per_op]


def _shape(op):
    try:
        return "x".join(
            "?" if d is None else str(d) for d in (op.outputs[0]._shape.as_tuple() or ())
        )
    except (AttributeError, IndexError, TypeError):
        return ""


def report(plan, per_op, top_ops):
    by_type, count = collections.Counter(), collections.Counter()
    for op, t in zip(plan.ops, per_op):
        by_type[op.type] += t * 1e3
        count[op.type] += 1
    total = sum(by_type.values())
    print(
        "ops' forward, median thread CPU ms per step (sum %.2f ms, %d ops):"
        % (total, len(plan.ops))
    )
    for t, v in by_type.most_common():
        print("  %-34s x%-3d %8.3f  %5.1f%%" % (t, count[t], v, 100 * v / total))
    print("\nthe %d costliest single ops:" % top_ops)
    ranked = sorted(zip(per_op, plan.ops), key=lambda p: -p[0])[:top_ops]
    for t, op in ranked:
        print("  %8.3f ms  %-28s %-40s -> %s" % (t * 1e3, op.type, op.name[:40], _shape(op)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workload", choices=["W1", "W2", "W3", "W4", "W6mlp", "W6cnn"])
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--cprofile", action="store_true")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--ops", type=int, default=15)
    a = ap.parse_args()
    wl, n = a.workload, a.steps
    model, x, y, bs = model_and_data(wl, n + 3)
    from neuroflow.core.executor import EagerContext

    if wl.startswith("W6"):
        x1 = np.random.default_rng(0).random((1,) + x.shape[1:], dtype=np.float32)
        for _ in range(20):
            model.predict(x1, verbose=0)
        ts = []
        for _ in range(200):
            t0 = time.perf_counter()
            model.predict(x1, verbose=0)
            ts.append(time.perf_counter() - t0)
        plan = next(s for k, s in model._steps.items() if k[0] == "predict")
        tp = []
        for _ in range(200):
            t0 = time.perf_counter()
            plan(x1)
            tp.append(time.perf_counter() - t0)
        print(
            "%s: model.predict(one image) median %.3f ms; the predict plan alone %.3f ms"
            % (wl, C.median(ts) * 1e3, C.median(tp) * 1e3)
        )
        report(plan, replay(plan, EagerContext(), [(x1,)], 100), a.ops)
        if a.cprofile:
            prof = cProfile.Profile()
            prof.runcall(lambda: [model.predict(x1, verbose=0) for _ in range(200)])
            pstats.Stats(prof).sort_stats("tottime").print_stats(a.top)
        return

    model.fit(x[: 3 * bs], y[: 3 * bs], batch_size=bs, epochs=1, verbose=0)
    step = next(s for k, s in model._steps.items() if k[0] == "train")
    xs, ys = x[3 * bs :], y[3 * bs :]
    t0, c0 = time.perf_counter(), time.thread_time()
    model.fit(xs, ys, batch_size=bs, epochs=1, verbose=0, shuffle=True)
    fit_wall, fit_cpu = (time.perf_counter() - t0) / n, (time.thread_time() - c0) / n
    feeds = [(xs[i * bs : (i + 1) * bs], ys[i * bs : (i + 1) * bs]) for i in range(n)]
    t0, c0 = time.perf_counter(), time.thread_time()
    for f in feeds:
        step.run(*f)
    plan_wall, plan_cpu = (time.perf_counter() - t0) / n, (time.thread_time() - c0) / n
    print(
        "%s: %d ops in the training plan; per step: fit %.2f ms wall / %.2f ms thread CPU, "
        "plan alone %.2f ms wall / %.2f ms CPU (fit's own: %.2f ms CPU)"
        % (
            wl,
            len(step.plan.ops),
            fit_wall * 1e3,
            fit_cpu * 1e3,
            plan_wall * 1e3,
            plan_cpu * 1e3,
            (fit_cpu - plan_cpu) * 1e3,
        )
    )
    report(step.plan, replay(step.plan, EagerContext(), feeds, n), a.ops)
    if a.cprofile:
        prof = cProfile.Profile()
        prof.runcall(lambda: model.fit(xs, ys, batch_size=bs, epochs=1, verbose=0))
        print()
        pstats.Stats(prof).sort_stats("tottime").print_stats(a.top)


if __name__ == "__main__":
    N.blas_setup()
    main()
