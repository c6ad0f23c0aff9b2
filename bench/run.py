"""Runs neuroflow's workloads beside the peers (PyTorch, TensorFlow, hand-written NumPy).

Each measurement runs in its own process (under /usr/bin/time -v for the peak RSS); frameworks
alternate within every repetition (neuroflow, torch_1t, torch_default, tf, numpy_1t, neuroflow, ...)
so that a noisy neighbour hits them alike. Prints medians and the ratio neuroflow / peer, and writes
every record to bench/results/<time>.json.

usage:
  python bench/run.py --workloads W5 [--repeats 5] [--peers torch,tf,numpy] [--variants nf_2t]
  python bench/run.py --workloads W5 --peers none        # neuroflow alone

Peers run the shared scripts in shared/bench/peers (NF_BENCH_PEERS) with their own interpreters:
NF_BENCH_TORCH_PY (default /work/venvs/torch/bin/python), NF_BENCH_TF_PY
(/work/venvs/tf/bin/python),
NF_BENCH_NUMPY_PY (this interpreter). A peer whose interpreter is missing, or cannot import its
framework, is skipped with a line saying so; so is a workload whose neuroflow script fails to
import.
"""

import argparse
import json
import os
import platform
import re
import signal
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PEERS = os.environ.get("NF_BENCH_PEERS", os.path.join(ROOT, "..", "shared", "bench", "peers"))
DATASETS = os.environ.get("NEUROFLOW_DATASETS", os.path.join(ROOT, "..", "shared", "datasets"))
RESULTS = os.path.join(BENCH, "results")

TORCH_PY = os.environ.get("NF_BENCH_TORCH_PY", "/work/venvs/torch/bin/python")
TF_PY = os.environ.get("NF_BENCH_TF_PY", "/work/venvs/tf/bin/python")
NUMPY_PY = os.environ.get("NF_BENCH_NUMPY_PY", sys.executable)

WORKLOADS = {  # id: neuroflow's script (a missing or failing one is skipped with a line)
    "W5": "nf_w5.py",
    "W1": "nf_w1.py",
    "W2": "nf_w2.py",
    "W3": "nf_w3.py",
    "W4": "nf_w4.py",
    "W6mlp": "nf_w6mlp.py",
    "W6cnn": "nf_w6cnn.py",
}


def _cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# name: (python, script path, extra env, module the interpreter must import, peer group)
FRAMEWORKS = {
    "neuroflow": (sys.executable, None, {}, "neuroflow", "ours"),
    # neuroflow with two BLAS threads instead of the default one (--variants nf_2t)
    "nf_2t": (sys.executable, None, {"NEUROFLOW_NUM_THREADS": "2"}, "neuroflow", "variant"),
    # W5 on the peers' next_batch instead of neuroflow's input_data (--variants nf_peerdata): the
    # very batches, and the same synchronous reshuffle, as every peer
    "nf_peerdata": (sys.executable, None, {"NF_W5_DATA": "peers"}, "neuroflow", "variant"),
    "torch_1t": (
        TORCH_PY,
        os.path.join(PEERS, "bench_torch.py"),
        {"PEERS_THREADS": "1"},
        "torch",
        "torch",
    ),
    # torch's own default: one thread per core
    "torch_default": (
        TORCH_PY,
        os.path.join(PEERS, "bench_torch.py"),
        {"PEERS_THREADS": str(_cpus())},
        "torch",
        "torch",
    ),
    "tf": (TF_PY, os.path.join(PEERS, "bench_tf.py"), {}, "tensorflow", "tf"),
    # the hand-written NumPy ceiling, with one BLAS thread as neuroflow uses by default
    "numpy_1t": (
        NUMPY_PY,
        os.path.join(PEERS, "bench_numpy.py"),
        {"OPENBLAS_NUM_THREADS": "1"},
        "numpy",
        "numpy",
    ),
}
# --compare DIR adds "nf_compare": these scripts running the neuroflow of another checkout (a patch)
PEER_WORKLOADS = {"numpy": {"W1", "W2", "W3", "W5", "W6cnn", "W6mlp"}}


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return None


def parse_time_v(err):
    out = {}
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    if m:
        out["peak_rss_mb"] = int(m.group(1)) / 1024.0
    for key, pat in (
        ("user_s", r"User time \(seconds\): ([\d.]+)"),
        ("sys_s", r"System time \(seconds\): ([\d.]+)"),
    ):
        m = re.search(pat, err)
        if m:
            out[key] = float(m.group(1))
    return out


def base_env():
    env = dict(os.environ)
    env.setdefault("PEERS_MNIST_DIR", os.path.join(DATASETS, "mnist"))
    env.setdefault("NEUROFLOW_DATASETS", DATASETS)
    env.setdefault("W4_STEPS", "50")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def command(fw, wl):
    py, script, _, _, _ = FRAMEWORKS[fw]
    if script is None:
        script = os.path.join(BENCH, WORKLOADS[wl])
    cmd = [py, script, wl] if FRAMEWORKS[fw][4] not in ("ours", "variant") else [py, script]
    if os.path.exists("/usr/bin/time"):
        cmd = ["/usr/bin/time", "-v"] + cmd
    return cmd


def available(fw):
    """None when the framework's interpreter imports its module, else why not."""
    py, _, _, module, _ = FRAMEWORKS[fw]
    if not os.path.exists(py):
        return "interpreter %s not found" % py
    p = subprocess.run(
        [py, "-c", "import %s" % module], env=base_env(), capture_output=True, text=True
    )
    if p.returncode:
        return "%s cannot import %s: %s" % (
            py,
            module,
            (p.stderr.strip().splitlines() or ["?"])[-1],
        )
    return None


def nf_importable(wl):
    """None when neuroflow's script for ``wl`` imports, else the error line."""
    script = os.path.join(BENCH, WORKLOADS[wl])
    if not os.path.exists(script):
        return "no script %s" % script
    p = subprocess.run(
        [sys.executable, script, "--import-only"],
        env=base_env(),
        capture_output=True,
        text=True,
        cwd=BENCH,
    )
    if p.returncode:
        return (p.stderr.strip().splitlines() or ["exit code %d" % p.returncode])[-1]
    return None


def run_one(fw, wl, rep, timeout, overrides, fw_overrides=None):
    env = base_env()
    env.update(FRAMEWORKS[fw][2])
    env.update(overrides)
    env.update((fw_overrides or {}).get(fw, {}))
    la0, t0 = loadavg(), time.time()
    timeout_s = None
    # its own session, so that a timeout ends the measured process too, not only /usr/bin/time
    p = subprocess.Popen(
        command(fw, wl),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=BENCH if FRAMEWORKS[fw][1] is None else PEERS,
        start_new_session=True,
    )
    try:
        out, err = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        rc, timeout_s = "timeout", timeout
    rec = {
        "framework": fw,
        "workload": wl,
        "rep": rep,
        "rc": rc,
        "start": t0,
        "loadavg_before": la0,
        "loadavg_after": loadavg(),
        "wall_s": time.time() - t0,
    }
    if (fw_overrides or {}).get(fw):
        rec["fw_env"] = fw_overrides[fw]
    if timeout_s is not None:
        rec["timeout_s"] = timeout_s
    rec.update(parse_time_v(err))
    lines = [ln for ln in out.splitlines() if ln.startswith("RESULT_JSON ")]
    if lines:
        res = json.loads(lines[-1][len("RESULT_JSON ") :])
        res["script_framework"] = res.pop("framework")
        rec.update(res)
    else:
        rec["error"] = (err[-1500:] if err else "") + (out[-500:] if out else "")
    return rec


def median(xs):
    s = sorted(xs)
    n = len(s)
    if not n:
        return None
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def summarize(records, wl, fws):
    """Per framework: median, min, max, n; ratio neuroflow/peer of medians and per repetition."""
    ok = [r for r in records if r["workload"] == wl and "time_s" in r]
    rows = {}
    for fw in fws:
        ts = [r["time_s"] for r in ok if r["framework"] == fw]
        if not ts:
            late = [r["timeout_s"] for r in records
                    if r["workload"] == wl and r["framework"] == fw and "timeout_s" in r]
            if late:  # the whole process (start-up included) ran past this: a lower bound only
                rows[fw] = {"timed_out_after_s": min(late), "n": 0}
            continue
        last = [r for r in ok if r["framework"] == fw][-1]
        rows[fw] = {
            "median": median(ts),
            "min": min(ts),
            "max": max(ts),
            "n": len(ts),
            "unit": last.get("unit"),
            "final_loss": last.get("final_loss"),
            "test_acc": last.get("test_acc"),
            "peak_rss_mb": median(
                [r["peak_rss_mb"] for r in ok if r["framework"] == fw and "peak_rss_mb" in r]
            ),
            "load": median(
                [
                    r["loadavg_before"]
                    for r in ok
                    if r["framework"] == fw and r.get("loadavg_before") is not None
                ]
            ),
            "fw_env": last.get("fw_env"),
        }
    ours = rows.get("neuroflow")
    by_rep = {}
    for r in ok:
        by_rep.setdefault(r["rep"], {})[r["framework"]] = r["time_s"]
    for fw, row in rows.items():
        if ours is None or fw == "neuroflow" or "median" not in row:
            continue
        row["ratio"] = ours["median"] / row["median"]
        pairs = [d["neuroflow"] / d[fw] for d in by_rep.values() if "neuroflow" in d and fw in d]
        row["paired_ratio"] = median(pairs)
        row["paired_ratio_min"] = min(pairs) if pairs else None
        row["paired_ratio_max"] = max(pairs) if pairs else None
    return rows


def print_table(wl, rows):
    unit = next((r["unit"] for r in rows.values() if r.get("unit")), "")
    print(
        "\n%s (%s): median over repeats; ratio = neuroflow / peer (of medians; paired per repeat)"
        % (wl, unit)
    )
    print(
        "%-14s %10s %21s %3s %8s %26s %8s %7s %7s"
        % (
            "framework",
            "median",
            "min-max",
            "n",
            "ratio",
            "paired (min-max)",
            "loss",
            "acc",
            "RSS MB",
        )
    )
    for fw, r in rows.items():
        if "median" not in r:
            print("%-14s timed out after %d s (process wall time)" % (fw, r["timed_out_after_s"]))
            continue
        ratio = "-" if "ratio" not in r else "%.3g" % r["ratio"]
        paired = (
            "-"
            if r.get("paired_ratio") is None
            else "%.3g (%.3g-%.3g)"
            % (r["paired_ratio"], r["paired_ratio_min"], r["paired_ratio_max"])
        )
        print(
            "%-14s %10.4g %21s %3d %8s %26s %8s %7s %7s"
            % (
                fw,
                r["median"],
                "%.4g-%.4g" % (r["min"], r["max"]),
                r["n"],
                ratio,
                paired,
                _fmt(r["final_loss"], "%.5f"),
                _fmt(r["test_acc"], "%.4f"),
                _fmt(r["peak_rss_mb"], "%.0f"),
            )
        )


def _fmt(v, f):
    return "-" if v is None else f % v


def _t(v, unit):
    """A time in the unit's natural scale: ms below a second for per-call/per-step figures."""
    if v is None:
        return "-"
    if unit in ("s/call", "s/step"):
        return "%.3g ms" % (v * 1e3)
    return "%.3g s" % v


# the settings that change what a workload's run times (scaled to the same unit)
RELEVANT_ENV = {"W1": ("PEERS_MAX_STEPS",), "W2": ("PEERS_MAX_STEPS",), "W3": ("W3_STEPS",),
                "W4": ("W4_STEPS",)}


def markdown(doc):
    """The results as one markdown table: per workload, neuroflow's median and each peer's with
    the ratio neuroflow / peer (of the medians; the paired per-repetition median in brackets)."""
    c0, c1 = doc.get("neuroflow_commit_start"), doc.get("neuroflow_commit")
    out = [
        "%s, neuroflow %s, %s CPUs; median load %s (1-min load average before each run)"
        % (
            doc.get("time", "?"),
            c1 if c0 in (None, c1) else "%s..%s" % (c0, c1),
            doc.get("machine", {}).get("cpus"),
            _fmt(
                median(
                    [
                        r["loadavg_before"]
                        for r in doc.get("records", [])
                        if r.get("loadavg_before") is not None
                    ]
                ),
                "%.1f",
            ),
        ),
        "",
        (
            "| workload | load | neuroflow | torch_1t | torch_default | tf | numpy_1t | nf RSS MB "
            "| torch_1t RSS MB | tf RSS MB |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for wl, rows in doc.get("summary", {}).items():
        if "skipped" in rows:
            out.append("| %s | skipped: %s |" % (wl, rows["skipped"]))
            continue
        ours = rows.get("neuroflow", {})
        units = [r.get("unit") for r in rows.values() if r.get("unit")]
        unit = ours.get("unit") or (units[0] if units else "")
        cells = [wl + " (%s)" % unit, _fmt(ours.get("load"), "%.1f"), _t(ours.get("median"), unit)]
        for fw in ("torch_1t", "torch_default", "tf", "numpy_1t"):
            r = rows.get(fw)
            if r is None:
                cells.append("-")
                continue
            if "median" not in r:
                cells.append("> %d s wall (timed out)" % r["timed_out_after_s"])
                continue
            c = _t(r["median"], unit)
            if "ratio" in r:
                c += " (%.2fx; %s)" % (r["ratio"], _fmt(r.get("paired_ratio"), "%.2fx"))
            keys = RELEVANT_ENV.get(wl, ())
            shown = sorted(kv for kv in (r.get("fw_env") or {}).items() if kv[0] in keys)
            if shown:
                c += " [%s]" % ",".join("%s=%s" % kv for kv in shown)
            cells.append(c)
        for fw in ("neuroflow", "torch_1t", "tf"):
            cells.append(_fmt(rows.get(fw, {}).get("peak_rss_mb"), "%.0f"))
        out.append("| " + " | ".join(cells) + " |")
    extra = [fw for rows in doc.get("summary", {}).values() for fw in rows]
    extra = sorted({fw for fw in extra if fw in ("nf_2t", "nf_peerdata", "nf_compare")})
    for fw in extra:
        out.append("")
        out.append("%s (ratio %s / neuroflow):" % (fw, fw))
        for wl, rows in doc["summary"].items():
            if fw in rows and "neuroflow" in rows:
                r = rows[fw]
                unit = r.get("unit")
                out.append(
                    "- %s: %s vs %s (%.2fx)"
                    % (
                        wl,
                        _t(r["median"], unit),
                        _t(rows["neuroflow"]["median"], unit),
                        r["median"] / rows["neuroflow"]["median"],
                    )
                )
    return "\n".join(out)


def git_commit():
    try:
        return (
            subprocess.run(
                ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
            ).stdout.strip()
            or None
        )
    except OSError:
        return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workloads", default="W5", help="comma-separated: " + ",".join(WORKLOADS))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--peers", default="torch,tf,numpy", help="torch,tf,numpy or none")
    ap.add_argument(
        "--variants", default="", help="extra neuroflow settings to measure, e.g. nf_2t"
    )
    ap.add_argument("--exclude", default="", help="frameworks to leave out, e.g. torch_default")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per measurement")
    ap.add_argument(
        "--env",
        action="append",
        default=[],
        help="K=V for every run (e.g. PEERS_MAX_STEPS=150 to shorten W1/W2 epochs)",
    )
    ap.add_argument(
        "--fw-env",
        action="append",
        default=[],
        metavar="FW:K=V",
        help="K=V for one framework's runs only, e.g. torch_default:PEERS_MAX_STEPS=300 (a "
        "2-thread peer that collapses on a busy machine times a shorter, scaled epoch)",
    )
    ap.add_argument(
        "--fw-repeats",
        action="append",
        default=[],
        metavar="FW=N",
        help="run FW only in the first N repetitions (a peer too slow to repeat on a busy box)",
    )
    ap.add_argument(
        "--fw-timeout",
        action="append",
        default=[],
        metavar="FW=S",
        help="seconds per measurement for FW (default --timeout); a run past it is killed with "
        "its process group and shown as a lower bound (for a timer --fw-env cannot shorten: W5)",
    )
    ap.add_argument(
        "--report",
        default=None,
        metavar="JSON",
        help="print the markdown table of a results file (no measurement)",
    )
    ap.add_argument("--out", default=None, help="JSON path (default bench/results/<time>.json)")
    ap.add_argument(
        "--compare",
        default=None,
        metavar="DIR",
        help="also measure the neuroflow in checkout DIR (as nf_compare), e.g. with a patch",
    )
    a = ap.parse_args(argv)
    if a.report:
        with open(a.report) as f:
            print(markdown(json.load(f)))
        return None
    wls = [w for w in a.workloads.split(",") if w]
    for w in wls:
        if w not in WORKLOADS:
            ap.error("unknown workload %r: expected one of %s" % (w, ", ".join(WORKLOADS)))
    groups = [g for g in a.peers.split(",") if g and g != "none"]
    fws = ["neuroflow"] + [v for v in a.variants.split(",") if v]
    for fw in fws[1:]:
        if fw not in FRAMEWORKS or FRAMEWORKS[fw][4] != "variant":
            ap.error("unknown variant %r" % fw)
    if a.compare:
        FRAMEWORKS["nf_compare"] = (
            sys.executable,
            None,
            {"NF_BENCH_NEUROFLOW_ROOT": os.path.abspath(a.compare)},
            "neuroflow",
            "variant",
        )
        fws.append("nf_compare")
    for g in groups:
        names = [fw for fw, spec in FRAMEWORKS.items() if spec[4] == g]
        if not names:
            ap.error("unknown peer %r: expected torch, tf, numpy or none" % g)
        fws += names
    fws = [fw for fw in fws if fw not in a.exclude.split(",")]
    overrides = dict(kv.split("=", 1) for kv in a.env)
    fw_repeats = {k: int(v) for k, v in (kv.split("=", 1) for kv in a.fw_repeats)}
    fw_timeout = {k: int(v) for k, v in (kv.split("=", 1) for kv in a.fw_timeout)}
    fw_overrides = {}
    for spec in a.fw_env:
        fw, _, kv = spec.partition(":")
        if "=" not in kv:
            ap.error("--fw-env expects FW:K=V, got %r" % spec)
        fw_overrides.setdefault(fw, {}).update([kv.split("=", 1)])

    skipped, usable = {}, []
    checked = {}
    for fw in fws:
        key = FRAMEWORKS[fw][0], FRAMEWORKS[fw][3]
        if key not in checked:
            checked[key] = available(fw)
        if checked[key]:
            skipped[fw] = checked[key]
            print("skip %s: %s" % (fw, checked[key]), flush=True)
        else:
            usable.append(fw)
    commit0 = git_commit()
    print("machine: %d CPUs, load %s; neuroflow %s" % (_cpus(), loadavg(), commit0), flush=True)

    records, summary = [], {}
    for wl in wls:
        why = nf_importable(wl)
        if why:
            print("skip %s: bench/%s fails to import (%s)" % (wl, WORKLOADS[wl], why), flush=True)
            summary[wl] = {"skipped": why}
            continue
        todo = [fw for fw in usable if wl in PEER_WORKLOADS.get(FRAMEWORKS[fw][4], {wl})]
        for rep in range(a.repeats):
            for fw in todo:  # alternate: neuroflow, peer, peer, ..., neuroflow, ...
                if rep >= fw_repeats.get(fw, a.repeats):
                    continue
                rec = run_one(
                    fw, wl, rep, fw_timeout.get(fw, a.timeout), overrides, fw_overrides
                )
                records.append(rec)
                shown = (
                    "%.4g %s" % (rec["time_s"], rec.get("unit", ""))
                    if "time_s" in rec
                    else "FAILED rc=%s: %s"
                    % (rec["rc"], rec.get("error", "").strip().splitlines()[-1:] or "")
                )
                print(
                    "[%s] %-6s %-14s rep%d  %s  load=%s"
                    % (time.strftime("%H:%M:%S"), wl, fw, rep, shown, rec["loadavg_before"]),
                    flush=True,
                )
        summary[wl] = summarize(records, wl, todo)
        print_table(wl, summary[wl])

    os.makedirs(RESULTS, exist_ok=True)
    out = a.out or os.path.join(
        RESULTS, time.strftime("%Y%m%d-%H%M%S") + "_" + "-".join(wls) + ".json"
    )
    doc = {
        "argv": sys.argv[1:] if argv is None else argv,
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cpus": _cpus(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "neuroflow_commit": git_commit(),
        "neuroflow_commit_start": commit0,  # others may commit while a long run goes on
        "skipped": skipped,
        "env": overrides,
        "fw_env": fw_overrides,
        "summary": summary,
        "records": records,
    }
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
    print("\n" + markdown(doc))
    print("\nwrote %s" % os.path.relpath(out), flush=True)
    return doc


if __name__ == "__main__":
    main()
