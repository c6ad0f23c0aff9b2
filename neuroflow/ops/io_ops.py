"""TF1 input pipelines without threads: filename queues, readers, decode_csv, train.batch.

TF1 fills queues from background threads. Here each queue and reader keeps its position per
session, and ``tf.train.batch`` runs the reading subgraph ``batch_size`` times inside one
``Session.run`` (a nested executor plan), which gives the same examples in the same order.
"""
import numpy as np

from ..core import context, dtypes
from ..core.errors import OutOfRangeError
from ..core.executor import Plan
from ._base import Operation, convert_to_tensor, dims


class _Queue:
    """A FIFO of filenames (``tf.train.string_input_producer``'s queue)."""

    def __init__(self, strings, num_epochs, shuffle, seed, name):
        self.strings, self.num_epochs, self.shuffle, self.seed = list(strings), num_epochs, shuffle, seed
        self.name = name

    def _state(self, ctx):
        st = getattr(ctx, "_queues", None)
        if st is None:
            st = ctx._queues = {}
        s = st.get(id(self))
        if s is None:
            s = st[id(self)] = {"items": [], "epoch": 0,
                                "rng": np.random.default_rng(self.seed)}
        return s

    def dequeue(self, ctx):
        s = self._state(ctx)
        if not s["items"]:
            if self.num_epochs is not None and s["epoch"] >= self.num_epochs:
                raise OutOfRangeError(None, None, "FIFOQueue '%s' is closed and has insufficient elements "
                                      "(requested 1, current size 0)" % self.name)
            items = list(self.strings)
            if self.shuffle:
                s["rng"].shuffle(items)
            s["items"] = items
            s["epoch"] += 1
        return s["items"].pop(0)


def string_input_producer(string_tensor, num_epochs=None, shuffle=True, seed=None, capacity=32,
                          shared_name=None, name=None, cancel_op=None):
    """A queue that yields the given file names, epoch after epoch (TF1)."""
    if hasattr(string_tensor, "_value"):
        string_tensor = [s.decode() if isinstance(s, bytes) else s for s in np.asarray(string_tensor._value).ravel()]
    names = [s.decode() if isinstance(s, bytes) else str(s) for s in string_tensor]
    if not names:
        raise ValueError("Invalid value for argument `string_tensor`: expected a non-empty list of file "
                         "names. Received: []")
    return _Queue(names, num_epochs, shuffle, seed, name or "input_producer")


input_producer = string_input_producer


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
            fname = queue.dequeue(ctx)
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
        fname = queue.dequeue(ctx)
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
                raise ValueError("Expect %d fields but have %d in record %d"
                                 % (len(self.defaults), len(fields), i))
            for j, ((dt, default), fld) in enumerate(zip(self.defaults, fields)):
                fld = fld.strip()
                if not fld:
                    if default is None:
                        raise ValueError("Field %d is required but missing in record %d!" % (j, i))
                    cols[j][i] = default
                elif dt is dtypes.string:
                    cols[j][i] = fld
                else:
                    cols[j][i] = dt._np.type(float(fld)) if dt.is_floating else int(fld)
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
        rng = np.random.default_rng(self.seed)
        buf = []

        def shuffled():
            while len(buf) < max(self.min_after_dequeue + n, n):
                buf.append(plan())
            idx = sorted(rng.choice(len(buf), size=n, replace=False), reverse=True)
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
    """``tf.train.Coordinator``: neuroflow's queues need no threads; this keeps the API."""

    def __init__(self, clean_stop_exception_types=None):
        self._stop = False

    def request_stop(self, ex=None):
        self._stop = True

    def should_stop(self):
        return self._stop

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        return None

    def clear_stop(self):
        self._stop = False

    def stop_on_exception(self):
        import contextlib
        return contextlib.nullcontext()

    def wait_for_stop(self, timeout=None):
        return self._stop


def start_queue_runners(sess=None, coord=None, daemon=True, start=True, collection=None):
    """Nothing to start: reading happens inside ``Session.run``. Returns an empty thread list."""
    return []


def read_file(filename, name=None):
    class _ReadFile(Operation):
        type = "ReadFile"
        differentiable = False

        def forward(self, f):
            with open(f.item() if hasattr(f, "item") else f, "rb") as fh:
                return np.array(fh.read(), dtype=object)

        def infer(self, f):
            return [((), dtypes.string)]
    return _ReadFile()._build((convert_to_tensor(filename, dtype=dtypes.string),), name or "ReadFile")


__all__ = ["TextLineReader", "WholeFileReader", "decode_csv", "read_file"]
