"""``neuroflow serve``: a model server that speaks TensorFlow Serving's REST API.

  GET  /v1/models/<name>[/versions/<n>]             model version status
  GET  /v1/models/<name>[/versions/<n>]/metadata    the serving_default signature
  POST /v1/models/<name>[/versions/<n>]:predict     {"instances": ...} or {"inputs": ...}

Existing TF Serving clients work unchanged. The server binds 127.0.0.1 unless ``--host`` says
otherwise, answers requests on a thread each (predictions of one model version run one at a
time; ``--enable_batching`` joins the requests that queue meanwhile into one call), refuses
bodies over ``--max_request_bytes`` with 413, picks up new version directories, and on
SIGINT/SIGTERM stops accepting, finishes the requests in flight and exits.
"""
import argparse
import logging
import re
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import rest
from .models import ModelManager
from .rest import RequestError

_log = logging.getLogger("neuroflow.serving")
DEFAULT_MAX_REQUEST_BYTES = 16 << 20
_DRAIN_LIMIT = 64 << 20   # read (and drop) at most this much of a refused body
_ROUTE = re.compile(r"^/v1/models/(?P<name>[^/:]+)(?:/versions/(?P<version>[^/:]+))?"
                    r"(?P<tail>/metadata|:[A-Za-z]+)?/?$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"      # keep-alive: clients reuse their connections
    server_version = "neuroflow-serving"
    timeout = 30                       # an idle connection is closed after this many seconds
    disable_nagle_algorithm = True     # headers and body leave at once (no 40 ms delayed ACK)

    # ------------------------------------------------------------------ plumbing
    def handle_one_request(self):
        srv = self.server
        if srv.closing:
            self.close_connection = True
            return
        with srv.conn_lock:
            srv.idle.add(self.connection)
        try:
            super().handle_one_request()
        finally:
            with srv.conn_lock:
                srv.idle.discard(self.connection)

    def parse_request(self):
        with self.server.conn_lock:   # a request line arrived: this connection is busy
            self.server.idle.discard(self.connection)
        return super().parse_request()

    def handle_expect_100(self):
        # refuse an oversize body before the client sends it (curl asks first for large ones)
        length = self._content_length()
        if length is not None and length > self.server.max_request_bytes:
            self._too_large(length, drain=False)
            return False
        return super().handle_expect_100()

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    def _content_length(self):
        value = self.headers.get("Content-Length")
        if value is None:
            return None
        try:
            n = int(value)
        except ValueError:
            return -1
        return n if n >= 0 else -1

    def _send(self, status, body, close=False):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if close or self.server.closing:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status, message, close=False):
        self._send(status, rest.error_json(message), close=close)

    def _too_large(self, length, drain=True):
        self._error(413, "Request body of %d bytes is larger than the server's limit of %d "
                    "bytes (--max_request_bytes)" % (length, self.server.max_request_bytes),
                    close=True)
        if drain:   # read what the client is still sending so that it sees the answer
            self.connection.settimeout(2.0)
            left = min(length, _DRAIN_LIMIT)
            try:
                while left > 0:
                    chunk = self.rfile.read(min(left, 1 << 16))
                    if not chunk:
                        break
                    left -= len(chunk)
            except OSError:
                pass

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._error(411, "Chunked request bodies are not supported: send Content-Length",
                        close=True)
            return None
        length = self._content_length()
        if length == -1:
            self._error(400, "Invalid Content-Length header: %r"
                        % self.headers.get("Content-Length"), close=True)
            return None
        if length is None:
            length = 0
        if length > self.server.max_request_bytes:
            self._too_large(length)
            return None
        body = self.rfile.read(length)
        if len(body) != length:
            self.close_connection = True
            return None
        return body

    # ------------------------------------------------------------------ routes
    def do_GET(self):  # noqa: N802 (http.server's name)
        self._dispatch()

    def do_POST(self):  # noqa: N802
        self._dispatch()

    def do_HEAD(self):  # noqa: N802
        self._dispatch()

    def do_PUT(self):  # noqa: N802
        self._dispatch()

    def do_DELETE(self):  # noqa: N802
        self._dispatch()

    def _dispatch(self):
        body = b""
        if self.command in ("POST", "PUT") or self.headers.get("Content-Length"):
            body = self._read_body()
            if body is None:
                return
        path = self.path.split("?", 1)[0]
        m = _ROUTE.match(path)
        try:
            if m is None:
                raise RequestError(404, "Malformed request: %s %s" % (self.command, self.path))
            name, version, tail = m.group("name"), m.group("version"), m.group("tail") or ""
            if version is not None and not version.isdigit():
                raise RequestError(400, "Malformed request: %s %s (the version must be a "
                                   "whole number)" % (self.command, self.path))
            manager = self.server.manager
            if self.command in ("GET", "HEAD") and tail == "":
                self._send(200, rest.version_status_json(manager.status(name, version)))
            elif self.command in ("GET", "HEAD") and tail == "/metadata":
                served = manager.get(name, version)
                self._send(200, rest.metadata_json(name, served.version, served.inputs,
                                                   served.outputs))
            elif self.command == "POST" and tail == ":predict":
                self._predict(manager, name, version, body)
            elif self.command == "POST" and tail in (":classify", ":regress"):
                raise RequestError(501, "%s is not supported by neuroflow serve: Keras models "
                                   "have a predict signature only; use :predict" % tail[1:])
            else:
                raise RequestError(404, "Malformed request: %s %s" % (self.command, self.path))
        except RequestError as e:
            self._error(e.status, e.message)
        except Exception as e:  # a model failure is the server's error, not the client's
            _log.exception("request %s %s failed", self.command, self.path)
            self._error(500, "%s: %s" % (type(e).__name__, e))

    def _predict(self, manager, name, version, body):
        request = rest.parse_json(body)
        served = manager.get(name, version)   # taken once: a version swap cannot cut us off
        arrays, fmt = rest.decode_predict(request, served.inputs, body)
        outputs = served.predict(arrays)
        self._send(200, rest.encode_predict(outputs, fmt))


class _Server(ThreadingHTTPServer):
    daemon_threads = False     # server_close() waits for the requests in flight
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 128   # the listen backlog: bursts of new connections wait, not fail


class ModelServer:
    """A TF-Serving-compatible REST server for the models of a ModelManager.

    Args:
      manager: the ModelManager holding the models.
      host, port: where to listen (port 0: any free port; see ``.port``).
      max_request_bytes: bodies larger than this are answered with 413.
      poll_seconds: how often base paths are checked for new versions (0: never).
    Example:
      >>> manager = ModelManager(); manager.add_model("mnist", model)    # doctest: +SKIP
      >>> with ModelServer(manager, port=0) as server:
      ...     print(server.url)        # http://127.0.0.1:PORT/v1/models/...
    """

    def __init__(self, manager, host="127.0.0.1", port=8501,
                 max_request_bytes=DEFAULT_MAX_REQUEST_BYTES, poll_seconds=1.0, verbose=False):
        self.manager = manager
        self.poll_seconds = poll_seconds
        self.httpd = _Server((host, port), _Handler)
        self.httpd.manager = manager
        self.httpd.max_request_bytes = int(max_request_bytes)
        self.httpd.verbose = verbose
        self.httpd.closing = False
        self.httpd.conn_lock = threading.Lock()
        self.httpd.idle = set()
        self._thread = None

    @property
    def host(self):
        return self.httpd.server_address[0]

    @property
    def port(self):
        return self.httpd.server_address[1]

    @property
    def url(self):
        return "http://%s:%d" % (self.host, self.port)

    def start(self):
        """Serves in a background thread; returns self."""
        self.manager.start_polling(self.poll_seconds)
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={
            "poll_interval": 0.2}, name="neuroflow-serving", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stops accepting, lets requests in flight finish, closes idle connections."""
        srv = self.httpd
        srv.closing = True
        srv.shutdown()
        with srv.conn_lock:
            idle = list(srv.idle)
        for conn in idle:   # wake connections waiting for a next request: they end at once
            try:
                conn.shutdown(socket.SHUT_RD)
            except OSError:
                pass
        srv.server_close()   # joins the request threads
        self.manager.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


def _size(text):
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    t = text.strip().lower().rstrip("b").rstrip("i")
    if t and t[-1] in units:
        return int(float(t[:-1]) * units[t[-1]])
    return int(t)


def add_arguments(p):
    """The ``neuroflow serve`` options (TF Serving's flag names accepted too)."""
    p.add_argument("model_path", nargs="?", help="a Keras file (model.h5, model.keras) or a "
                   "base directory of numbered versions (models/mnist with 1/model.h5 ...)")
    p.add_argument("--model_base_path", help="same as MODEL_PATH (TF Serving's flag)")
    p.add_argument("--model_name", default="default", help="the name in /v1/models/<name>")
    p.add_argument("--port", "--rest_api_port", dest="port", type=int, default=8501)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: "
                   "this machine only; 0.0.0.0 opens it to the network)")
    p.add_argument("--max_request_bytes", type=_size, default=DEFAULT_MAX_REQUEST_BYTES,
                   help="largest request body accepted (default 16MiB; e.g. 1MiB)")
    p.add_argument("--poll_seconds", "--file_system_poll_wait_seconds", dest="poll_seconds",
                   type=float, default=1.0, help="how often to look for new version "
                   "directories (0: never)")
    p.add_argument("--enable_batching", action="store_true", help="batch concurrent requests "
                   "into one model call (requests queued while the model works go together)")
    p.add_argument("--max_batch_size", type=int, default=32, help="rows per batched model "
                   "call (with --enable_batching; default 32)")
    p.add_argument("--verbose", action="store_true", help="log every request")


def main(args):
    """Runs the server until SIGINT/SIGTERM; returns the exit status."""
    path = args.model_path or args.model_base_path
    if not path:
        print("neuroflow serve: give a model file or a base directory of versions",
              file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    manager = ModelManager(max_batch_size=args.max_batch_size if args.enable_batching else 0)
    try:
        manager.add_path(args.model_name, path)
    except Exception as e:
        print("neuroflow serve: cannot load %s: %s" % (path, e), file=sys.stderr)
        return 1
    try:
        server = ModelServer(manager, args.host, args.port, args.max_request_bytes,
                             args.poll_seconds, args.verbose)
    except OSError as e:
        print("neuroflow serve: cannot listen on %s:%d: %s" % (args.host, args.port, e),
              file=sys.stderr)
        return 1
    served = manager.get(args.model_name)
    serve_until_signal(server, "Serving model '%s' version %d at %s/v1/models/%s (Ctrl-C to "
                       "stop)" % (args.model_name, served.version, server.url, args.model_name))
    return 0


def serve_until_signal(server, ready_message=None):
    """Runs ``server`` until SIGINT or SIGTERM, then stops it cleanly (main thread only)."""
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set())
                for s in (signal.SIGINT, signal.SIGTERM)}
    server.start()
    if ready_message:
        print(ready_message, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        start = time.time()
        server.stop()
        for s, h in previous.items():
            signal.signal(s, h)
    print("Server stopped (%.1f s to finish requests in flight)" % (time.time() - start),
          flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="neuroflow serve")
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
