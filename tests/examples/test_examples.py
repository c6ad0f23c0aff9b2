"""Every course example runs as a learner runs it (a subprocess), in its reduced form, and the
number it prints shows that it learned.

Each example ends with a line ``result: key=value ...``; the checks below read it.
"""
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples")
DATASETS = os.environ["NEUROFLOW_DATASETS"]


def have(*parts):
    return os.path.exists(os.path.join(DATASETS, *parts))


def run_example(relpath, tmp_path, *args, timeout=240):
    """Runs ``examples/<relpath>`` reduced, in ``tmp_path``; returns (results dict, stdout)."""
    env = dict(os.environ, NEUROFLOW_EXAMPLES_QUICK="1", NEUROFLOW_DATASETS=DATASETS,
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, os.path.join(EXAMPLES, relpath), *args],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("result: ")]
    assert lines, proc.stdout[-2000:]
    values = {}
    for key, value in re.findall(r"(\S+)=(\S+)", lines[-1]):
        try:
            values[key] = float(value)
        except ValueError:
            values[key] = value
    return values, proc.stdout


def test_perceptron(tmp_path):
    r, out = run_example("perceptron/perceptron.py", tmp_path)
    assert r["AND"] == 1.0 and r["OR"] == 1.0
    assert r["XOR"] < 1.0          # one perceptron cannot draw XOR's boundary
    assert "XOR not learned" in out


def test_linear_regression_course_numbers(tmp_path):
    r, _ = run_example("linear_regression/linear_regression.py", tmp_path)
    assert r["ls_W"] == pytest.approx(1.4, abs=1e-4) and r["ls_b"] == pytest.approx(3.5, abs=1e-4)
    assert r["ls_cost"] == pytest.approx(1.05, abs=1e-4)
    assert r["W"] == pytest.approx(1.4, abs=0.02) and r["b"] == pytest.approx(3.5, abs=0.05)
    assert r["cost"] == pytest.approx(1.05, abs=0.005)


def test_logistic_regression(tmp_path):
    r, _ = run_example("logistic_regression/study_hours.py", tmp_path)
    assert r["accuracy"] == 1.0 and 6.0 < r["boundary"] < 8.0


@pytest.mark.skipif(not have("mnist"), reason="MNIST not in $NEUROFLOW_DATASETS")
def test_mnist_softmax(tmp_path):
    r, _ = run_example("mnist_softmax/mnist_softmax.py", tmp_path)
    assert r["accuracy"] > 0.85


def test_sin_regression_saved_and_restored(tmp_path):
    r, _ = run_example("sin_regression/sin_regression.py", tmp_path)
    assert r["mse"] < 0.01
    assert r["restored_mse"] == r["mse"] and r["max_change"] == 0.0
    assert (tmp_path / "sin_model" / "checkpoint").exists()


def test_takeoff_distance(tmp_path):
    r, _ = run_example("takeoff_distance/takeoff_distance.py", tmp_path)
    assert r["r2"] > 0.99
    assert r["mae"] < r["line_mae"]     # the network learns the curvature the line misses


@pytest.mark.skipif(not have("tabular", "titanic", "train.csv"), reason="no Titanic CSVs")
def test_titanic(tmp_path):
    r, _ = run_example("titanic/titanic.py", tmp_path)
    assert r["accuracy"] > 0.75
    rows = (tmp_path / "submission.csv").read_text().splitlines()
    assert rows[0] == "PassengerId,Survived" and len(rows) == 419


def test_zoo(tmp_path):
    r, _ = run_example("zoo/zoo.py", tmp_path)
    assert r["train_accuracy"] > 0.9 and r["test_accuracy"] > 0.8


@pytest.mark.skipif(not have("mnist"), reason="MNIST not in $NEUROFLOW_DATASETS")
def test_mnist_mlp_studies(tmp_path):
    r, out = run_example("mnist_mlp_studies/mnist_mlp_studies.py", tmp_path)
    assert len(r) == 9 and min(r.values()) > 0.6 and max(r.values()) > 0.85
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "matplotlib is not installed" in out
    else:
        for study in ("structure", "dropout", "learning_rate", "batch_size", "epochs"):
            png = (tmp_path / "studies" / (study + ".png")).read_bytes()
            assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_hello_rnn(tmp_path):
    r, _ = run_example("hello_rnn/hello_rnn.py", tmp_path)
    assert r["text"] == "ihello"


@pytest.mark.skipif(not have("dlzta", "data-02-stock_daily.csv"), reason="no stock CSV")
def test_stock_lstm(tmp_path):
    r, _ = run_example("stock_lstm/stock_lstm.py", tmp_path)
    assert r["rmse"] < 0.2 * r["mean_rmse"]   # far better than guessing the average


@pytest.mark.skipif(not have("mnist"), reason="MNIST not in $NEUROFLOW_DATASETS")
def test_gan(tmp_path):
    r, _ = run_example("gan/mnist_gan.py", tmp_path)
    # 200 steps: no digits yet, but the samples already have MNIST's layout (ink in the middle)
    assert r["mean_corr"] > 0.4 and r["judge_accuracy"] > 0.85
    for name in ("samples.png", "interpolation.png"):
        data = (tmp_path / "gan_out" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000


def test_tensorboard(tmp_path):
    r, _ = run_example("tensorboard/xor_tensorboard.py", tmp_path)
    assert r["accuracy"] == 1.0 and r["last_cost"] < 0.2 * r["first_cost"]
    assert r["logged_points"] == 21 and r["tags"] == 6 and r["graphs"] == 1
    assert list((tmp_path / "logs" / "xor").glob("events.out.tfevents.*"))


def test_checkpoint_resume(tmp_path):
    r, _ = run_example("checkpoint/resume_training.py", tmp_path)
    assert r["resumed_from"] == 150 and r["end"] == 300 and r["kept"] == 3
    assert r["accuracy"] > 0.85
    assert sorted(p.name for p in (tmp_path / "ckpt").glob("*.index")) == [
        "model-200.index", "model-250.index", "model-300.index"]


def test_keras_checkpoint_and_tensorboard(tmp_path):
    r, _ = run_example("checkpoint/keras_checkpoint.py", tmp_path)
    assert r["best_val_accuracy"] > 0.8
    assert r["reloaded_accuracy"] == r["best_val_accuracy"]   # the best model came back whole
    assert r["resumed_loss"] < r["best_loss"]                  # and trains on from there
    assert r["event_files"] == 2                               # train/ and validation/


@pytest.mark.skipif(not have("mnist"), reason="MNIST not in $NEUROFLOW_DATASETS")
def test_digits_app_models(tmp_path):
    r, _ = run_example("digits_app/train_models.py", tmp_path)
    assert r["v1_accuracy"] > 0.6 and r["v2_accuracy"] > 0.6
    for name in ("digits_v1_mlp.h5", "digits_v2_cnn.h5"):
        assert (tmp_path / "models" / name).read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
