"""TF1's run-time printing and assertions: ``tf.Print`` and ``tf.assert_equal``.

Both act when the graph runs (every ``Session.run`` that needs them), as in TF1, and at once in
eager mode. ``tf.Print`` writes ``message`` followed by ``[values]`` for each tensor of ``data``
to standard error (TF1's format: the first ``summarize`` values, flattened, then ``...``).
"""
import sys

import numpy as np

from ..core.errors import InvalidArgumentError
from ._base import Operation, convert_to_tensor, dims


def _fmt(v):
    """One value as TF's StrCat writes it (floats: 6 significant digits, 9 when that does not
    round-trip; bools as 1/0; bytes as text)."""
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode("utf-8", "replace")
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (float, np.floating)):
        short, long_ = ("%.6g", "%.9g") if np.dtype(type(v)).itemsize <= 4 else ("%.15g", "%.17g")
        s = short % v
        return s if type(v)(s) == v or np.isnan(v) else long_ % v
    return str(v)


def summarize(a, n):
    """``[v0 v1 v2...]``: the first ``n`` values of ``a`` flattened (all when ``n`` < 0)."""
    flat = np.asarray(a).reshape(-1)
    shown = flat if n < 0 else flat[:n]
    return " ".join(_fmt(v) for v in shown) + ("..." if len(shown) < len(flat) else "")


class PrintV1(Operation):
    """Passes its first input through and prints the others (``tf.Print``)."""
    type = "Print"
    stateful = True

    def __init__(self, message, first_n, summarize_n):
        self.message, self.first_n, self.summarize_n = message, first_n, summarize_n
        self.count = 0

    def bind(self, ctx):
        return self.forward

    def forward(self, x, *data):
        if self.first_n < 0 or self.count < self.first_n:
            self.count += 1
            sys.stderr.write(self.message + "".join("[%s]" % summarize(d, self.summarize_n)
                                                    for d in data) + "\n")
            sys.stderr.flush()
        return x

    def infer(self, x, *data):
        return [(dims(x), x.dtype)]

    def backward(self, gy):
        return (gy,) + (None,) * (len(self.inputs) - 1)


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802
    """``input_`` unchanged; printing ``message`` and ``data`` each time it is computed (TF1).

    Args:
      first_n: print only the first n times (None or negative: always). summarize: values shown
        per tensor (default 3).
    Example:
      >>> y = tf.Print(y, [y, tf.shape(y)], "y: ")   # stderr: y: [0.5 1.5 2...][3]
    """
    x = convert_to_tensor(input_)
    data = [convert_to_tensor(d) for d in (data if isinstance(data, (list, tuple)) else [data])]
    op = PrintV1("" if message is None else str(message), -1 if first_n is None else int(first_n),
                 3 if summarize is None else int(summarize))
    return op._build((x,) + tuple(data), name or "Print")


class AssertEqual(Operation):
    """Raises InvalidArgumentError when run unless x == y elementwise (``tf.assert_equal``)."""
    type = "Assert"
    stateful = True
    differentiable = False
    multi_output = True

    def __init__(self, message, summarize_n, names):
        self.message, self.summarize_n, self.names = message, summarize_n, names

    def bind(self, ctx):
        return self.forward

    def forward(self, x, y, *data):
        try:
            ok = bool(np.all(np.equal(x, y)))
        except ValueError:   # shapes that do not broadcast
            ok = False
        if not ok:
            n = self.summarize_n
            parts = ["Condition x == y did not hold element-wise:",
                     "x (%s) = " % self.names[0], summarize(x, n),
                     "y (%s) = " % self.names[1], summarize(y, n)]
            parts += [summarize(d, n) for d in data]
            if self.message:
                parts.insert(0, self.message)
            raise InvalidArgumentError(None, self, "assertion failed: " + " ".join(
                "[%s]" % p for p in parts))
        return ()

    def infer(self, x, y, *data):
        return []


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
    """An op that, when run, raises ``InvalidArgumentError`` unless ``x == y`` elementwise (TF1
    ``tf.assert_equal``); in eager mode it checks at once and returns None.

    Example:
      >>> with tf.control_dependencies([tf.assert_equal(tf.shape(x)[0], tf.shape(y)[0])]):
      ...     loss = tf.identity(loss)
    """
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    if x.dtype is not y.dtype:
        y = convert_to_tensor(y, dtype=x.dtype)
    data = [convert_to_tensor(d) for d in (data or [])]
    op = AssertEqual(message, 3 if summarize is None else int(summarize),
                     (getattr(x, "name", "x"), getattr(y, "name", "y")))
    op._build((x, y) + tuple(data), name or "assert_equal")
    if op.graph._ops_by_name.get(op.name) is not op:
        return None   # eager: checked while building
    return op
