"""``neuroflow digits --model model.h5``: the digit recognizer web app on 127.0.0.1.

The page (``digits_page.PAGE``) has five boxes to draw in. Its buttons post the boxes' pixels
to this server, which turns each drawing into an MNIST-like 28x28 image
(``digits_preprocess.to_mnist``) and, for Recognize, asks the model which digit it is:

  GET  /                  the page
  GET  /api/info          which model is loaded, its input shape
  POST /api/preprocess    {"boxes": [{"width", "height", "pixels": base64 bytes} | null, ...]}
                          -> {"results": [{"crop": base64 28x28 bytes} | {"empty": true}, ...]}
  POST /api/recognize     the same, plus "digit", "probability" and "probabilities" per box

The model may take [N, 784] (an MLP), [N, 28, 28] or [N, 28, 28, 1] (a CNN) pixels in [0, 1].
"""
import base64
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from .digits_page import PAGE
from .digits_preprocess import to_mnist

MAX_BODY = 8 << 20
MAX_SIDE = 2000


class DigitReader:
    """A Keras MNIST model behind a lock, fed 28x28 images in whatever shape it takes."""

    def __init__(self, model, name="model"):
        self.model = model
        self.name = name
        shape = model.inputs[0].shape.as_list()
        self.input_shape = [None] + list(shape[1:])
        if int(np.prod([d for d in shape[1:]])) != 784:
            raise ValueError("Invalid value for argument `model`: expected a model that takes "
                             "28x28 images ([N, 784], [N, 28, 28] or [N, 28, 28, 1]). "
                             "Received: input shape %s" % (shape,))
        self._lock = threading.Lock()

    def probabilities(self, images):
        """[N, 10] class probabilities of [N, 28, 28] images in [0, 1]."""
        x = np.asarray(images, np.float32).reshape([-1] + self.input_shape[1:])
        with self._lock:
            y = np.asarray(self.model.predict(x, verbose=0), np.float64)
        if np.any(y < 0) or not np.allclose(y.sum(axis=1), 1.0, atol=1e-3):
            y = np.exp(y - y.max(axis=1, keepdims=True))   # logits: softmax them
            y /= y.sum(axis=1, keepdims=True)
        return y


def decode_boxes(request):
    """The drawings of a request as 2-D uint8 arrays (None for an untouched box)."""
    boxes = request.get("boxes") if isinstance(request, dict) else None
    if not isinstance(boxes, list) or not boxes:
        raise ValueError("expected {\"boxes\": [...]} with one entry per box")
    out = []
    for i, b in enumerate(boxes):
        if b is None:
            out.append(None)
            continue
        try:
            w, h = int(b["width"]), int(b["height"])
            raw = base64.b64decode(b["pixels"], validate=True)
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError("box %d: expected width, height and base64 pixels (%s)" % (i, e))
        if not (0 < w <= MAX_SIDE and 0 < h <= MAX_SIDE) or len(raw) != w * h:
            raise ValueError("box %d: %d bytes of pixels for a %dx%d box (expected %d)"
                             % (i, len(raw), w, h, w * h))
        out.append(np.frombuffer(raw, np.uint8).reshape(h, w))
    return out


def answer(reader, request, recognize=True):
    """The JSON answer to a /api/preprocess or /api/recognize request."""
    crops = [None if b is None else to_mnist(b, background="light")
             for b in decode_boxes(request)]
    results = [{"empty": True} if c is None else
               {"crop": base64.b64encode((c * 255).round().astype(np.uint8).tobytes()).decode()}
               for c in crops]
    filled = [i for i, c in enumerate(crops) if c is not None]
    if recognize and filled:
        probs = reader.probabilities(np.stack([crops[i] for i in filled]))
        for i, p in zip(filled, probs):
            d = int(np.argmax(p))
            results[i].update(digit=d, probability=round(float(p[d]), 4),
                              probabilities=[round(float(v), 4) for v in p])
    return {"results": results}


class _Handler(BaseHTTPRequestHandler):
    server_version = "neuroflow-digits"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    def _send(self, status, body, content_type="application/json"):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 (http.server's name)
        path = self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif path == "/api/info":
            r = self.server.reader
            self._send(200, json.dumps({"model": r.name, "input_shape": r.input_shape}))
        else:
            self._send(404, json.dumps({"error": "Not found: %s" % path}))

    def do_POST(self):  # noqa: N802
        path = self.path.split("?", 1)[0]
        if path not in ("/api/recognize", "/api/preprocess"):
            self._send(404, json.dumps({"error": "Not found: %s" % path}))
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            self._send(413, json.dumps({"error": "Request body must be 0 to %d bytes, got %s"
                                        % (MAX_BODY, self.headers.get("Content-Length"))}))
            return
        try:
            request = json.loads(self.rfile.read(length))
            body = answer(self.server.reader, request, recognize=path.endswith("recognize"))
        except ValueError as e:
            self._send(400, json.dumps({"error": str(e)}))
            return
        self._send(200, json.dumps(body))


class DigitsApp:
    """The web app's server: ``with DigitsApp(model, port=0) as app: print(app.url)``."""

    def __init__(self, model, host="127.0.0.1", port=8000, name="model", verbose=False):
        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.reader = DigitReader(model, name)
        self.httpd.verbose = verbose
        self._thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return "http://%s:%d/" % (host, port)

    def start(self):
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={
            "poll_interval": 0.2}, daemon=True, name="neuroflow-digits")
        self._thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def add_arguments(p):
    p.add_argument("--model", required=True, help="a Keras MNIST model (.h5 or .keras), e.g. "
                   "from examples/digits_app/train_models.py")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: this "
                   "machine only)")
    p.add_argument("--verbose", action="store_true", help="log every request")


def main(args):
    """Serves the app until Ctrl-C (or SIGTERM); returns the exit status."""
    from ..keras.models import load_model
    try:
        model = load_model(args.model, compile=False)
        app = DigitsApp(model, args.host, args.port, os.path.basename(args.model),
                        args.verbose)
    except (OSError, ValueError, NotImplementedError) as e:
        print("neuroflow digits: %s" % e, file=sys.stderr)
        return 1
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set())
                for s in (signal.SIGINT, signal.SIGTERM)}
    app.start()
    print("Digit recognizer with %s at %s (Ctrl-C to stop)" % (args.model, app.url), flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        app.stop()
        for s, h in previous.items():
            signal.signal(s, h)
    return 0
