"""The digit recognizer's server without a browser: page, API answers, errors, the CLI."""
import base64
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest

from neuroflow import keras
from neuroflow.apps.digits_server import DigitReader, DigitsApp, answer, decode_boxes

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Probe:
    """Wraps a model and remembers the arrays it was given."""

    def __init__(self, model):
        self.model = model
        self.inputs = model.inputs
        self.seen = []

    def predict(self, x, verbose=0):
        self.seen.append(x)
        return self.model.predict(x, verbose=0)


def mlp():
    return keras.Sequential([keras.layers.Dense(10, activation="softmax", input_shape=(784,))])


def cnn():
    return keras.Sequential([keras.layers.Conv2D(2, 3, input_shape=(28, 28, 1)),
                             keras.layers.Flatten(), keras.layers.Dense(10)])


def box_json(img):
    img = np.asarray(img, np.uint8)
    return {"width": img.shape[1], "height": img.shape[0],
            "pixels": base64.b64encode(img.tobytes()).decode()}


def drawn_one(size=200):
    img = np.full((size, size), 255, np.uint8)
    img[30:170, 95:108] = 0
    return img


def post(url, body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.parametrize("build, shape", [(mlp, (1, 784)), (cnn, (1, 28, 28, 1))])
def test_reader_feeds_the_shape_the_model_takes(build, shape):
    probe = Probe(build())
    reader = DigitReader(probe)
    result = answer(reader, {"boxes": [None, box_json(drawn_one()), None]})["results"]
    assert result[0] == {"empty": True} and result[2] == {"empty": True}
    assert probe.seen[0].shape == shape and probe.seen[0].dtype == np.float32
    r = result[1]
    assert 0 <= r["digit"] <= 9 and r["probability"] == max(r["probabilities"])
    assert abs(sum(r["probabilities"]) - 1) < 1e-3      # logits of the CNN were softmaxed
    crop = np.frombuffer(base64.b64decode(r["crop"]), np.uint8).reshape(28, 28)
    assert np.flatnonzero(crop.max(axis=1)).size == 20      # the stroke's height became 20
    np.testing.assert_allclose(probe.seen[0].reshape(28, 28), crop / 255.0, atol=0.5 / 255)


def test_preprocess_only_does_not_call_the_model():
    probe = Probe(mlp())
    result = answer(DigitReader(probe), {"boxes": [box_json(drawn_one())]}, recognize=False)
    assert probe.seen == [] and set(result["results"][0]) == {"crop"}


def test_a_model_for_other_images_is_refused():
    model = keras.Sequential([keras.layers.Dense(10, input_shape=(64,))])
    with pytest.raises(ValueError, match="28x28 images"):
        DigitReader(model)


@pytest.mark.parametrize("request_, words", [
    ({}, "expected {\"boxes\""),
    ({"boxes": []}, "expected {\"boxes\""),
    ({"boxes": [{"width": 2, "height": 2, "pixels": "AAA="}]}, "for a 2x2 box"),
    ({"boxes": [{"width": 2, "height": 2, "pixels": "!!"}]}, "base64 pixels"),
    ({"boxes": [{"width": 5000, "height": 1, "pixels": ""}]}, "for a 5000x1 box"),
    ({"boxes": [{"height": 2, "pixels": ""}]}, "expected width, height"),
])
def test_bad_requests(request_, words):
    with pytest.raises(ValueError, match=words.replace("{", r"\{").replace("(", r"\(")):
        decode_boxes(request_)


def test_http_page_info_and_api():
    with DigitsApp(mlp(), port=0, name="tiny") as app:
        assert app.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(app.url, timeout=30) as r:
            page = r.read().decode()
            assert r.headers["Content-Type"].startswith("text/html")
        for needle in ("createElement(\"canvas\")", "Recognize (r)", "Erase (e)", "Show 28x28 (s)",
                       "pointerdown", "/api/recognize"):
            assert needle in page
        assert "http://" not in page and "https://" not in page   # no CDN, nothing external
        with urllib.request.urlopen(app.url + "api/info", timeout=30) as r:
            assert json.loads(r.read()) == {"model": "tiny", "input_shape": [None, 784]}
        status, body = post(app.url + "api/recognize", {"boxes": [box_json(drawn_one()), None]})
        assert status == 200 and "digit" in body["results"][0] and body["results"][1]["empty"]
        assert post(app.url + "api/recognize", b"{oops")[0] == 400
        status, body = post(app.url + "api/recognize", {"boxes": 3})
        assert status == 400 and "boxes" in body["error"]
        assert post(app.url + "api/nothing", {})[0] == 404


def test_cli_serves_a_saved_model(tmp_path):
    path = str(tmp_path / "m.h5")
    mlp().save(path)
    proc = subprocess.Popen([sys.executable, "-m", "neuroflow", "digits", "--model", path,
                             "--port", "0"], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=ROOT))
    try:
        line = proc.stdout.readline()
        assert line.startswith("Digit recognizer with %s at http://127.0.0.1:" % path), line
        url = line.split(" at ")[1].split()[0]
        status, body = post(url + "api/recognize", {"boxes": [box_json(drawn_one())]})
        assert status == 200 and "digit" in body["results"][0]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_cli_reports_a_missing_model(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "neuroflow", "digits", "--model",
                           str(tmp_path / "none.h5")], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=ROOT), timeout=120)
    assert proc.returncode == 1 and "neuroflow digits:" in proc.stderr
