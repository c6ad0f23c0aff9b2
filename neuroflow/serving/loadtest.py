"""Load test of ``neuroflow serve``: N predict requests at concurrency C, throughput and latency.

  python -m neuroflow.serving.loadtest                      # starts its own server process
  python -m neuroflow.serving.loadtest --url http://127.0.0.1:8501 --model_name mnist

Without ``--url`` it starts a server in a separate process (so that the clients do not share
its interpreter) serving ``--model`` (a Keras file) or, without one, an MNIST-shaped MLP
(784-128-10) made on the spot. Each client thread keeps one HTTP/1.1 connection and sends
``{"instances": [<one MNIST test image>]}`` requests back to back (shaped as the model's metadata
says: 784 floats, or 28x28x1); every answer must be 200 with one prediction of 10 numbers.
Prints requests/s and p50/p90/p99 latency.
"""
import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import numpy as np


def _demo_server(port, model_path=None, max_batch_size=0):
    """Serves ``model_path`` or a fresh 784-128-10 MLP on 127.0.0.1:port until killed."""
    from neuroflow import keras
    from neuroflow.serving import ModelManager, ModelServer
    manager = ModelManager(max_batch_size=max_batch_size)
    if model_path:
        manager.add_path("mnist", model_path)
    else:
        model = keras.Sequential([keras.layers.Dense(128, activation="relu", input_shape=(784,)),
                                  keras.layers.Dense(10, activation="softmax")])
        manager.add_model("mnist", model)
    server = ModelServer(manager, "127.0.0.1", port, poll_seconds=0)
    server.start()
    print("READY %d" % server.port, flush=True)
    try:
        sys.stdin.read()   # until the parent closes our stdin
    finally:
        server.stop()


def _client(url, path, bodies, latencies, errors, start_barrier):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Content-Type": "application/json"}
    start_barrier.wait()
    for body in bodies:
        t0 = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            ok = resp.status == 200
            if ok:
                pred = json.loads(data)["predictions"]
                ok = len(pred) == 1 and len(pred[0]) == 10
            if not ok:
                errors.append((resp.status, data[:200]))
        except (OSError, http.client.HTTPException) as e:
            errors.append(("exception", repr(e)))
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        latencies.append(time.perf_counter() - t0)
    conn.close()


def input_dims(url, model_name):
    """The per-example input shape from the server's metadata ([784], [28, 28, 1] ...)."""
    with urllib.request.urlopen("%s/v1/models/%s/metadata" % (url, model_name)) as r:
        sig = json.loads(r.read())["metadata"]["signature_def"]["signature_def"]
    (spec,) = sig["serving_default"]["inputs"].values()
    return [int(d["size"]) for d in spec["tensor_shape"]["dim"][1:]]


def run(url, model_name, requests, concurrency, images):
    """Sends ``requests`` predicts over ``concurrency`` threads; returns the figures."""
    path = "/v1/models/%s:predict" % model_name
    images = images.reshape([len(images)] + input_dims(url, model_name))
    bodies = [json.dumps({"instances": [images[i % len(images)].tolist()]}).encode()
              for i in range(requests)]
    per = [bodies[i::concurrency] for i in range(concurrency)]
    latencies, errors = [], []
    barrier = threading.Barrier(concurrency + 1)
    threads = [threading.Thread(target=_client, args=(url, path, b, latencies, errors, barrier))
               for b in per]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    ms = np.sort(np.array(latencies)) * 1000
    return {"requests": len(latencies), "concurrency": concurrency, "errors": len(errors),
            "first_errors": errors[:3], "seconds": elapsed,
            "throughput": len(latencies) / elapsed, "p50_ms": float(np.percentile(ms, 50)),
            "p90_ms": float(np.percentile(ms, 90)), "p99_ms": float(np.percentile(ms, 99)),
            "max_ms": float(ms[-1])}


def _images(n):
    """MNIST test images when the data are at hand, else random pixels (the cost is the same)."""
    try:
        from neuroflow.keras.datasets import mnist
        (_, _), (x, _) = mnist.load_data()
        return x[:n].reshape(n, 784).astype(np.float32) / 255.0
    except Exception:
        return np.random.RandomState(0).rand(n, 784).astype(np.float32)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m neuroflow.serving.loadtest")
    p.add_argument("--url", help="a running server (default: start one in a subprocess)")
    p.add_argument("--model_name", default="mnist")
    p.add_argument("--model", help="Keras file for the server this script starts")
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--enable_batching", action="store_true",
                   help="the server this script starts batches concurrent requests")
    p.add_argument("--_serve", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args._serve:
        _demo_server(args.port, args.model, 32 if args.enable_batching else 0)
        return 0
    proc = None
    url = args.url
    if url is None:
        cmd = [sys.executable, "-m", "neuroflow.serving.loadtest", "--_serve",
               "--port", str(args.port)] + (["--model", args.model] if args.model else []) + \
            (["--enable_batching"] if args.enable_batching else [])
        env = dict(os.environ)
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                text=True)
        line = proc.stdout.readline()
        if not line.startswith("READY"):
            proc.kill()
            print("the server did not start: %r" % line, file=sys.stderr)
            return 1
        url = "http://127.0.0.1:%s" % line.split()[1]
    try:
        images = _images(100)
        run(url, args.model_name, 50, min(4, args.concurrency), images)   # warm up
        r = run(url, args.model_name, args.requests, args.concurrency, images)
    finally:
        if proc is not None:
            proc.stdin.close()
            proc.wait(timeout=30)
    print("%d requests at concurrency %d in %.2f s: %.0f requests/s; latency p50 %.2f ms, "
          "p90 %.2f ms, p99 %.2f ms, max %.2f ms; %d errors"
          % (r["requests"], r["concurrency"], r["seconds"], r["throughput"], r["p50_ms"],
             r["p90_ms"], r["p99_ms"], r["max_ms"], r["errors"]))
    for e in r["first_errors"]:
        print("  error:", e)
    return 0 if r["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
