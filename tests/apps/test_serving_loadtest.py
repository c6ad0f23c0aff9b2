"""The load-test tool of ``neuroflow serve`` (neuroflow/serving/loadtest.py), on a short run."""
import numpy as np

from neuroflow import keras
from neuroflow.serving import ModelManager, ModelServer, loadtest


def _mlp(input_shape):
    return keras.Sequential([keras.layers.Flatten(input_shape=input_shape),
                             keras.layers.Dense(10, activation="softmax")])


def test_run_against_an_in_process_server_counts_every_request():
    manager = ModelManager()
    manager.add_model("mnist", _mlp((28, 28, 1)))
    images = np.random.RandomState(0).rand(8, 784).astype(np.float32)
    with ModelServer(manager, port=0, poll_seconds=0) as server:
        url = "http://127.0.0.1:%d" % server.port
        assert loadtest.input_dims(url, "mnist") == [28, 28, 1]   # from the model's metadata
        r = loadtest.run(url, "mnist", requests=24, concurrency=3, images=images)
    assert r["requests"] == 24 and r["errors"] == 0 and r["concurrency"] == 3
    assert r["throughput"] > 0 and 0 < r["p50_ms"] <= r["p90_ms"] <= r["p99_ms"] <= r["max_ms"]


def test_main_starts_its_own_server_process_and_reports(capsys):
    assert loadtest.main(["--requests", "20", "--concurrency", "2"]) == 0
    out = capsys.readouterr().out
    assert "20 requests at concurrency 2" in out and "requests/s" in out and "0 errors" in out
