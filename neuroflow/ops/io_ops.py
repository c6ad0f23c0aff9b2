"""TF1 input pipelines without threads: filename queues, readers, decode_csv, train.batch.

TF1 fills queues from background threads. Here each queue and reader keeps its position per
session, and ``tf.train.batch`` runs the reading subgraph ``batch_size`` times inside one
``Session.run`` (a nested executor plan), which gives the same examples in the same order.
"""
import contextlib

import numpy as np

from ..core import context, dtypes
from ..core.errors import InvalidArgumentError, NotFoundError, OutOfRangeError
from ..core.executor import Plan
from ._base import Operation, convert_to_tensor, dims


class _Queue:
    """The FIFO queue of ``tf.train.input_producer``: the rows of a constant, epoch after epoch.

    Readers take the next row inside a run (``_next``); ``dequeue()`` builds an op that does.
    """

    def __init__(self, rows, dtype, num_epochs, shuffle, seed, name):
        self.rows, self.dtype, self.num_epochs = rows, dtype, num_epochs
        self.shuffle, self.seed, self.name = shuffle, seed, name
        self.dtypes = [dtype]
        self.shapes = [rows.shape[1:]]

    def _state(self, ctx):
        st = getattr(ctx, "_queues", None)
        if st is None:
            st = ctx._queues = {}
        s = st.get(id(self))
        if s is None:
            s = st[id(self)] = {"items": [], "epoch": 0,
                                "rng": np.random.default_rng(self.seed)}
        return s

    def _next(self, ctx):
        s = self._state(ctx)
        if not s["items"]:
            if self.num_epochs is not None and s["epoch"] >= self.num_epochs:
                raise OutOfRangeError(None, None, "FIFOQueue '%s' is closed and has insufficient "
                                      "elements (requested 1, current size 0)" % self.name)
            items = list(range(len(self.rows)))
            if self.shuffle:
                s["rng"].shuffle(items)
            s["items"] = items
            s["epoch"] += 1
        return self.rows[s["items"].pop(0)]

    def _next_filename(self, ctx):
        f = self._next(ctx)
        return f.decode() if isinstance(f, bytes) else str(f)

    def dequeue(self, name=None):
        """A tensor that takes the next element of the queue each run (``queue.dequeue()``)."""
        context.enter_graph_mode()
        return _DequeueOp(self)._build((), name or "input_producer_Dequeue")


class _DequeueOp(Operation):
    type = "QueueDequeueV2"
    stateful = True
    differentiable = False

    def __init__(self, queue):
        self.queue = queue

    def infer(self):
        return [(tuple(self.queue.shapes[0]), self.queue.dtype)]

    def bind(self, ctx):
        queue = self.queue

        def dequeue():
            return np.array(queue._next(ctx), dtype=queue.rows.dtype)
        return dequeue


def _constant_rows(input_tensor, dtype=None):
    from ..python.framework.tensor_util import constant_value
    if hasattr(input_tensor, "op") and hasattr(input_tensor, "dtype"):
        value = constant_value(input_tensor)
        if value is None:
            raise NotImplementedError("neuroflow's input producers need a tensor whose value is "
                                      "known when the graph is built (a constant).")
        t = input_tensor
    else:
        t = convert_to_tensor(input_tensor, dtype=dtype)
        value = t._value if t._value is not None else constant_value(t)
    rows = np.asarray(value)
    if rows.dtype.kind in "US":
        rows = np.array([x.encode() if isinstance(x, str) else x for x in rows.ravel()],
                        dtype=object).reshape(rows.shape)
    if rows.ndim < 1:
        raise ValueError("Shapes must be equal rank, but are 0 and 1: input_tensor must be at "
                         "least one-dimensional")
    return rows, t.dtype


def input_producer(input_tensor, element_shape=None, num_epochs=None, shuffle=True, seed=None,
                   capacity=32, shared_name=None, summary_name=None, name=None, cancel_op=None):
    """A queue that yields the rows of ``input_tensor``, epoch after epoch (TF1)."""
    rows, dtype = _constant_rows(input_tensor)
    return _Queue(rows, dtype, num_epochs, shuffle, seed, name or "input_producer")


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32,
                          shared_name=None, name=None, cancel_op=None):
    """A queue that yields the given file names, epoch after epoch (TF1)."""
    not_null_err = "string_input_producer requires a non-null input tensor"
    if not (hasattr(string_tensor, "op") and hasattr(string_tensor, "dtype")) and \
            not len(string_tensor):
        raise ValueError(not_null_err)
    rows, dtype = _constant_rows(string_tensor, dtypes.string)
    if rows.size == 0:
        raise InvalidArgumentError(None, None, "assertion failed: [%s]" % not_null_err)
    return _Queue(rows.reshape(-1), dtypes.string, num_epochs, shuffle, seed,
                  name or "input_producer")


class _ReadOp(Operation):
    type = "ReaderReadV2"
    stateful = True
    differentiable = False
    multi_output = True

    def __init__(self, reader, queue):
        self.reader, self.queue = reader, queue

    def infer(self):
        return [((), dtypes.string), ((), dtypes.string)]

    def bind(self, ctx):
        reader, queue = self.reader, self.queue

        def read():
            return reader._next(ctx, queue)
        return read


class TextLineReader:
    """Reads the lines of the files a queue yields (``tf.TextLineReader``)."""

    def __init__(self, skip_header_lines=None, name=None):
        self.skip = skip_header_lines or 0
        self.name = name

    def read(self, queue, name=None):
        context.enter_graph_mode()
        return _ReadOp(self, queue)._build((), name or "ReaderReadV2")

    def _next(self, ctx, queue):
        st = getattr(ctx, "_readers", None)
        if st is None:
            st = ctx._readers = {}
        s = st.setdefault(id(self), {"lines": [], "file": None, "n": 0})
        while not s["lines"]:
            fname = queue._next_filename(ctx)
            with open(fname, "rb") as f:
                lines = f.read().splitlines()
            s["lines"] = [(i + 1, ln) for i, ln in enumerate(lines)][self.skip:]
            s["file"] = fname
        n, line = s["lines"].pop(0)
        key = ("%s:%d" % (s["file"], n)).encode()
        return np.array(key, dtype=object), np.array(line, dtype=object)


class WholeFileReader(TextLineReader):
    """Reads whole files as single records (``tf.WholeFileReader``)."""

    def _next(self, ctx, queue):
        fname = queue._next_filename(ctx)
        with open(fname, "rb") as f:
            data = f.read()
        return np.array(fname.encode(), dtype=object), np.array(data, dtype=object)


class DecodeCSV(Operation):
    type = "DecodeCSV"
    differentiable = False
    multi_output = True

    def __init__(self, defaults, field_delim, select_cols):
        self.defaults, self.field_delim, self.select_cols = defaults, field_delim, select_cols

    def infer(self, records):
        return [(dims(records), dt) for dt, _ in self.defaults]

    def forward(self, records):
        recs = np.asarray(records, dtype=object)
        flat = recs.reshape(-1)
        cols = [np.empty(flat.shape, dtype=dt._np) for dt, _ in self.defaults]
        delim = self.field_delim.encode()
        for i, r in enumerate(flat):
            r = r if isinstance(r, bytes) else str(r).encode()
            fields = r.split(delim)
            if self.select_cols is not None:
                fields = [fields[c] for c in self.select_cols]
            if len(fields) != len(self.defaults):
                raise InvalidArgumentError(None, None, "Expect %d fields but have %d in record %d"
                                           % (len(self.defaults), len(fields), i))
            for j, ((dt, default), fld) in enumerate(zip(self.defaults, fields)):
                if not fld:
                    if default is None:
                        raise InvalidArgumentError(
                            None, None, "Field %d is required but missing in record %d!" % (j, i))
                    cols[j][i] = default
                elif dt is dtypes.string:
                    cols[j][i] = fld   # TF keeps a string field's spaces
                else:
                    try:
                        cols[j][i] = dt._np.type(float(fld)) if dt.is_floating else int(fld)
                    except ValueError:
                        raise InvalidArgumentError(
                            None, None, "Field %d in record %d is not a valid %s: %s"
                            % (j, i, {"float32": "float", "float64": "double"}.get(dt.name, dt.name),
                               fld.decode("utf-8", "replace"))) from None
        return tuple(c.reshape(recs.shape) for c in cols)


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None):
    """Parses CSV records into one tensor per column (``tf.decode_csv``)."""
    records = convert_to_tensor(records, dtype=dtypes.string)
    defaults = []
    for d in record_defaults:
        if isinstance(d, (list, tuple)) and len(d) == 0:
            raise NotImplementedError("Required CSV fields (empty record_defaults) need a dtype; "
                                      "give a default value such as [0.].")
        v = d[0] if isinstance(d, (list, tuple)) else d
        if hasattr(v, "dtype") and hasattr(v, "op"):
            defaults.append((v.dtype, v._value.reshape(-1)[0] if v._value is not None else None))
            continue
        dt = dtypes.string if isinstance(v, (str, bytes)) else \
            dtypes.float32 if isinstance(v, float) else dtypes.int32
        defaults.append((dt, v.encode() if isinstance(v, str) else v))
    return list(DecodeCSV(defaults, field_delim, select_cols)._build((records,), name or "DecodeCSV"))


class _Batch(Operation):
    """Evaluates its inputs ``batch_size`` times per run (a nested plan) and stacks the results."""
    type = "QueueDequeueManyV2"
    stateful = True
    differentiable = False
    multi_output = True

    def __init__(self, batch_size, shuffle=False, capacity=0, min_after_dequeue=0, seed=None,
                 allow_smaller_final_batch=False):
        self.batch_size, self.shuffle = batch_size, shuffle
        self.capacity, self.min_after_dequeue, self.seed = capacity, min_after_dequeue, seed
        self.allow_smaller = allow_smaller_final_batch

    def infer(self, *xs):
        return [((None if not self.allow_smaller else None,) + (dims(x) or ()), x.dtype)
                if dims(x) is not None else (None, x.dtype) for x in xs]

    def _build(self, inputs, name=None, control_inputs=None):
        self._sources = inputs
        op = Operation._build(self, (), name, control_inputs)
        # the static shape says batch_size (allow_smaller makes it unknown)
        for t, x in zip(self.outputs, inputs):
            d = dims(x)
            if d is not None:
                t._shape = t._shape.__class__(((None if self.allow_smaller else self.batch_size),) + d)
        return op

    def infer(self):  # noqa: F811 - inputs are evaluated by the nested plan, not fed
        return [(None, x.dtype) for x in self._sources]

    def bind(self, ctx):
        plan = Plan(list(self._sources), [], ctx)
        n = self.batch_size
        if not self.shuffle:
            def batch():
                rows = []
                try:
                    for _ in range(n):
                        rows.append(plan())
                except OutOfRangeError:
                    if not (self.allow_smaller and rows):
                        raise
                return tuple(np.stack([r[i] for r in rows]) for i in range(len(self._sources)))
            return batch
        st = getattr(ctx, "_shuffle_buffers", None)
        if st is None:
            st = ctx._shuffle_buffers = {}
        # the buffer and its RNG belong to the session, shared by every run that fetches the batch
        state = st.setdefault(id(self), {"buf": [], "closed": False,
                                         "rng": np.random.default_rng(self.seed)})
        buf, rng = state["buf"], state["rng"]

        def shuffled():
            # TF keeps min_after_dequeue records back until the input is exhausted (queue closed)
            while not state["closed"] and len(buf) < self.min_after_dequeue + n:
                try:
                    buf.append(plan())
                except OutOfRangeError:
                    state["closed"] = True
            if len(buf) < n and not (self.allow_smaller and buf and state["closed"]):
                raise OutOfRangeError(None, None, "RandomShuffleQueue '_0_%s/random_shuffle_queue' "
                                      "is closed and has insufficient elements (requested %d, "
                                      "current size %d)" % (self.name, n, len(buf)))
            idx = sorted(rng.choice(len(buf), size=min(n, len(buf)), replace=False),
                         reverse=True)
            rows = [buf.pop(i) for i in idx]
            return tuple(np.stack([r[i] for r in rows]) for i in range(len(self._sources)))
        return shuffled


def _batch_inputs(tensors):
    single = not isinstance(tensors, (list, tuple)) or (
        len(tensors) > 0 and not isinstance(tensors[0], (list, tuple)) and hasattr(tensors[0], "op")
        and False)
    items = [tensors] if single else list(tensors)
    out = []
    for t in items:
        out.append(convert_to_tensor(t) if not isinstance(t, (list, tuple)) else
                   convert_to_tensor(list(t)))
    return out


def batch(tensors, batch_size, num_threads=1, capacity=32, enqueue_many=False, shapes=None,
          dynamic_pad=False, allow_smaller_final_batch=False, shared_name=None, name=None):
    """Batches examples read by a pipeline (``tf.train.batch``), in reading order."""
    if enqueue_many:
        raise NotImplementedError("tf.train.batch(enqueue_many=True) is not supported by neuroflow yet.")
    xs = _batch_inputs(tensors)
    outs = _Batch(int(batch_size), allow_smaller_final_batch=allow_smaller_final_batch)._build(
        tuple(xs), name or "batch")
    return list(outs)


def shuffle_batch(tensors, batch_size, capacity, min_after_dequeue, num_threads=1, seed=None,
                  enqueue_many=False, shapes=None, allow_smaller_final_batch=False, shared_name=None,
                  name=None):
    """Batches examples drawn at random from a buffer of ``min_after_dequeue`` (``tf.train.shuffle_batch``)."""
    xs = _batch_inputs(tensors)
    outs = _Batch(int(batch_size), True, capacity, int(min_after_dequeue), seed,
                  allow_smaller_final_batch)._build(tuple(xs), name or "shuffle_batch")
    return list(outs)


class Coordinator:
    """``tf.train.Coordinator``: a stop flag shared by threads; an exception given to
    ``request_stop`` is re-raised by ``join`` (``OutOfRangeError`` counts as a clean stop)."""

    def __init__(self, clean_stop_exception_types=None):
        import threading
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads = set()

    def request_stop(self, ex=None):
        import sys
        with self._lock:
            ex2 = ex[1] if isinstance(ex, tuple) else ex
            if isinstance(ex2, self._clean_stop_exception_types):
                ex = ex2 = None
            if self._joined and ex2 is not None:
                raise ex2
            if not self._stop_event.is_set():
                if ex is not None and self._exc_info_to_raise is None:
                    self._exc_info_to_raise = ex if isinstance(ex, tuple) else \
                        (type(ex), ex, sys.exc_info()[2])
                self._stop_event.set()

    def clear_stop(self):
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self):
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        import sys
        try:
            yield
        except:  # noqa: E722 - TF reports every exception to the coordinator
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Waits for the threads; re-raises the exception given to ``request_stop``."""
        import time
        with self._lock:
            threads = list(self._registered_threads.union(set(threads or ())))
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        wait = 0.001
        while any(t.is_alive() for t in threads) and stop_grace_period_secs >= 0.0:
            time.sleep(wait)
            stop_grace_period_secs -= wait
            wait = max(min(2 * wait, stop_grace_period_secs), 0.001)
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]
            if stragglers and not ignore_live_threads:
                raise RuntimeError("Coordinator stopped with threads still running: %s"
                                   % " ".join(stragglers))

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        with self._lock:
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]


def start_queue_runners(sess=None, coord=None, daemon=True, start=True, collection=None):
    """Nothing to start: reading happens inside ``Session.run``. Returns an empty thread list."""
    if sess is None:
        from ..core.session import get_default_session
        sess = get_default_session()
        if not sess:
            raise ValueError("Cannot start queue runners: No default session is registered. Use "
                             "`with sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    return []


def read_file(filename, name=None):
    class _ReadFile(Operation):
        type = "ReadFile"
        differentiable = False

        def forward(self, f):
            f = f.item() if hasattr(f, "item") else f
            try:
                with open(f, "rb") as fh:
                    return np.array(fh.read(), dtype=object)
            except FileNotFoundError:
                name = f.decode() if isinstance(f, bytes) else f
                raise NotFoundError(None, None, "%s; No such file or directory" % name) from None

        def infer(self, f):
            return [((), dtypes.string)]
    return _ReadFile()._build((convert_to_tensor(filename, dtype=dtypes.string),),
                              name or "ReadFile")


__all__ = ["TextLineReader", "WholeFileReader", "decode_csv", "read_file"]
