"""The demo, shortened with `steps`: real data, a sane accuracy, a clear data-set line."""
import os
import re
import subprocess
import sys

import pytest

import neuroflow
from neuroflow import demo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(neuroflow.__file__)))


def accuracy(out):
    m = re.search(r"Test accuracy: ([0-9.]+) on (\d+)", out)
    assert m, out
    return float(m.group(1)), int(m.group(2))


@pytest.mark.skipif(not os.path.isdir(os.path.join(os.environ["NEUROFLOW_DATASETS"], "mnist")),
                    reason="shared MNIST not present")
def test_demo_mnist_short(capsys):
    assert demo.main(steps=150, data="auto") == 0
    out = capsys.readouterr().out
    assert "Data set: MNIST, 28x28 images (55000 training, 10000 test examples)" in out
    assert re.search(r"step +150 +epoch +1 +loss [0-9.]+ +batch accuracy", out)
    acc, n = accuracy(out)
    assert n == 10000 and acc > 0.85  # 1000 steps reach ~0.92


def test_demo_falls_back_to_shipped_digits(tmp_path, monkeypatch, capsys):
    for name in ("NEUROFLOW_DATASETS", "NEUROFLOW_HOME", "KERAS_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name))
    monkeypatch.setenv("NEUROFLOW_OFFLINE", "1")
    assert demo.main(steps=200) == 0
    out = capsys.readouterr().out
    assert "MNIST is not available" in out and "Using the 8x8 UCI digits" in out
    assert "Data set: UCI digits, 8x8 images (1437 training, 360 test examples)" in out
    acc, n = accuracy(out)
    assert n == 360 and acc >= 0.9


def test_demo_command(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-m", "neuroflow", "demo", "--data", "digits",
                        "--steps", "60"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    acc, _ = accuracy(r.stdout)
    assert acc > 0.8
