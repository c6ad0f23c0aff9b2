"""``tf.summary``: TensorBoard summaries, TF1 and TF2 style, in real ``tfevents`` files.

TF1: ``tf.summary.scalar/histogram/image/audio/text`` build graph ops whose value is a serialized
``Summary`` (a string tensor), collected in ``GraphKeys.SUMMARIES``; ``merge_all`` joins them;
``FileWriter(logdir, graph).add_summary(s, global_step)`` writes them.

TF2: ``with tf.summary.create_file_writer(logdir).as_default(): tf.summary.scalar(name, data,
step=step)`` writes at once. The same names serve both: while a TF2 writer is the default and code
runs eagerly, a summary call writes; otherwise it builds the TF1 op.

Example:
  >>> tf.summary.scalar("cost", cost)
  >>> merged = tf.summary.merge_all()
  >>> writer = tf.summary.FileWriter("./logs", sess.graph)
  >>> writer.add_summary(sess.run(merged, feed_dict=feed), global_step=step)
"""
import contextlib
import time

import numpy as np

from .core import context, dtypes
from .core.backend import to_numpy as _to_numpy
from .core.errors import InvalidArgumentError
from .core.graph import GraphKeys, get_default_graph
from .core.op import Operation, convert_to_tensor
from .saving import events as _ev
from .saving.events import summary_iterator  # noqa: F401
from .saving.graph_def import graph_def as _graph_def
from .saving.messages import (Event, HistogramProto, SessionLog, Summary,  # noqa: F401
                              SummaryDescription, SummaryMetadata, TaggedRunMetadata)


# -------------------------------------------------------------------- TF1 summary ops
class _SummaryOp(Operation):
    """Serializes a Summary of its inputs' values (the output is a scalar string)."""
    differentiable = False

    def __init__(self, kind, tag, **attrs):
        self.kind, self.tag, self.attrs = kind, tag, attrs
        self.type = {"scalar": "ScalarSummary", "histo": "HistogramSummary",
                     "image": "ImageSummary", "audio": "AudioSummaryV2",
                     "text": "TensorSummaryV2", "tensor": "TensorSummaryV2",
                     "merge": "MergeSummary"}[kind]

    def infer(self, *xs):
        return [((), dtypes.string)]

    def forward(self, *xs):
        xs = [_to_numpy(x) for x in xs]
        kind, tag = self.kind, self.tag
        if kind == "merge":
            data = b"".join(bytes(_item(x)) for x in xs)
        else:
            data = _ev.summary_bytes(_values(kind, tag, xs, self.attrs))
        out = np.empty((), dtype=object)
        out[()] = data
        return out


def _item(x):
    x = np.asarray(x)
    return x.reshape(-1)[0] if x.size == 1 else b"".join(bytes(v) for v in x.reshape(-1))


def _values(kind, tag, xs, attrs):
    x = xs[0]
    if kind == "scalar":
        if np.ndim(x) != 0:
            raise InvalidArgumentError(None, None, f"tags and values are not the same shape: [] != "
                                       f"{list(np.shape(x))} (tag '{tag}')")
        return [_ev.scalar_value(tag, x)]
    if kind == "histo":
        try:
            return [_ev.histo_value(tag, x)]
        except ValueError:
            raise InvalidArgumentError(None, None, f"Nan in summary histogram for: {tag}") from None
    if kind == "image":
        if x.ndim != 4 or x.shape[-1] not in (1, 3, 4):
            raise InvalidArgumentError(None, None, "Tensor must be 4-D with last dim 1, 3, or 4, "
                                       f"not {list(x.shape)}")
        return _ev.image_values(tag, x, attrs["max_outputs"])
    if kind == "audio":
        return _ev.audio_values(tag, x, float(xs[1]), attrs["max_outputs"])
    if kind == "text":
        return [_ev.tensor_value(tag, _ev.text_array(x), "text", 2)]
    return [_ev.tensor_value(tag, x, attrs.get("plugin_name", ""), 2)]


@contextlib.contextmanager
def _summary_scope(name, family=None):
    """TF's summary_scope: the tag is the scope's full name (``Layer1/W1``)."""
    g = get_default_graph()
    base = name if family is None else "%s/%s" % (family, name)
    base = base.replace(":", "_")
    with g.name_scope(base) as scope:
        yield scope.rstrip("/")


def _summary_op(kind, name, inputs, collections, family=None, **attrs):
    with _summary_scope(name, family) as tag:
        ts = [convert_to_tensor(x) for x in inputs]
        out = _SummaryOp(kind, tag, **attrs)._build(tuple(ts), name=_TYPES_NAME.get(kind, kind))
    g = get_default_graph()
    for c in (collections if collections is not None else [GraphKeys.SUMMARIES]):
        g.add_to_collection(c, out)
    return out


_TYPES_NAME = {"scalar": "ScalarSummary", "histo": "HistogramSummary", "image": "ImageSummary",
               "audio": "AudioSummary", "text": "TextSummary", "tensor": "TensorSummary"}


def _tf2_active():
    return bool(_WRITERS) and context.executing_eagerly()


# -------------------------------------------------------------------- public summary functions
def scalar(name, tensor=None, collections=None, family=None, step=None, description=None,
           data=None):
    """A scalar summary: TF1 op (``tf.summary.scalar(name, tensor)``) or, with a TF2 default
    writer, an immediate write (``tf.summary.scalar(name, data, step=step)``)."""
    tensor = data if tensor is None else tensor
    if _tf2_active() or step is not None:
        return _write_tf2(name, step if step is not None else _step_from(collections),
                          lambda tag: [_ev.tensor_value(tag, np.float32(_np(tensor)), "scalars", 1,
                                                        description or "")])
    return _summary_op("scalar", name, [tensor], collections, family)


def histogram(name, values=None, collections=None, family=None, step=None, buckets=None,
              description=None, data=None):
    """A histogram summary of ``values`` (TF1 op; TF2: written at once with a default writer)."""
    values = data if values is None else values
    if _tf2_active() or step is not None:
        return _write_tf2(name, step if step is not None else _step_from(collections),
                          lambda tag: [_ev.tensor_value(
                              tag, _ev.histogram_tensor(_np(values), buckets or 30), "histograms",
                              2, description or "")])
    return _summary_op("histo", name, [values], collections, family)


def image(name, tensor=None, max_outputs=3, collections=None, family=None, step=None,
          description=None, data=None):
    """Up to ``max_outputs`` images of a [batch, height, width, channels] tensor as PNGs."""
    tensor = data if tensor is None else tensor
    if _tf2_active() or step is not None:
        def values(tag):
            imgs = _np(tensor)
            n = min(int(max_outputs), imgs.shape[0])
            h, w = imgs.shape[1], imgs.shape[2]
            blobs = [str(w).encode(), str(h).encode()] + \
                [_ev.encode_png(_ev.to_uint8_image(imgs[i])) for i in range(n)]
            arr = np.empty(len(blobs), dtype=object)
            arr[:] = blobs
            return [_ev.tensor_value(tag, arr, "images", 3, description or "")]
        return _write_tf2(name, step if step is not None else _step_from(collections), values)
    return _summary_op("image", name, [tensor], collections, family, max_outputs=max_outputs)


def audio(name, tensor=None, sample_rate=None, max_outputs=3, collections=None, family=None,
          step=None, encoding=None, description=None, data=None):
    """Up to ``max_outputs`` clips of a [batch, frames(, channels)] float tensor as WAV files."""
    tensor = data if tensor is None else tensor
    if _tf2_active() or step is not None:
        return _write_tf2(name, step, lambda tag: _ev.audio_values(tag, _np(tensor),
                                                                   float(_np(sample_rate)),
                                                                   max_outputs))
    return _summary_op("audio", name, [tensor, sample_rate], collections, family,
                       max_outputs=max_outputs)


def text(name, tensor=None, collections=None, step=None, description=None, data=None):
    """A text summary (TensorBoard's Text tab) of a string tensor."""
    tensor = data if tensor is None else tensor
    if _tf2_active() or step is not None:
        return _write_tf2(name, step if step is not None else _step_from(collections),
                          lambda tag: [_ev.tensor_value(tag, _ev.text_array(_np(tensor)), "text", 2,
                                                        description or "")])
    return _summary_op("text", name, [tensor], collections)


def tensor_summary(name, tensor, summary_description=None, collections=None, summary_metadata=None,
                   family=None, display_name=None):
    """A summary holding the whole tensor value."""
    return _summary_op("tensor", name, [tensor], collections, family)


def write(tag, tensor, step=None, metadata=None, name=None):
    """TF2 ``tf.summary.write``: a raw tensor summary to the default writer."""
    plugin = ""
    if metadata is not None and not isinstance(metadata, (bytes, bytearray)):
        plugin = metadata.plugin_data.plugin_name
    return _write_tf2(tag, step, lambda t: [_ev.tensor_value(t, _np(tensor), plugin, 2)])


def merge(inputs, collections=None, name=None):
    """One summary holding all the values of the summaries ``inputs``."""
    ts = [convert_to_tensor(x) for x in inputs]
    out = _SummaryOp("merge", None)._build(tuple(ts), name=name or "Merge/MergeSummary")
    for c in collections or []:
        get_default_graph().add_to_collection(c, out)
    return out


def merge_all(key=GraphKeys.SUMMARIES, scope=None, name=None):
    """Merges every summary of collection ``key``; None when there is none."""
    ops = get_default_graph().get_collection(key, scope)
    if not ops:
        return None
    return merge(ops, name=name)


def _np(x):
    if hasattr(x, "numpy"):
        x = x.numpy()
    return np.asarray(_to_numpy(x) if not isinstance(x, np.ndarray) else x)


# -------------------------------------------------------------------- TF1 FileWriter
class FileWriter:
    """Writes summaries and the graph to an event file in ``logdir`` (``tf.summary.FileWriter``).

    Args:
      logdir: the directory (made if missing); point ``tensorboard --logdir`` at it.
      graph: a Graph (``sess.graph``) to write at once for the Graphs tab.
      max_queue, flush_secs: events are written at least every ``flush_secs`` seconds and on
        ``flush``/``close``.
    Example:
      >>> writer = tf.summary.FileWriter("./logs/xor", sess.graph)
      >>> writer.add_summary(summary, global_step=step)
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        self.event_writer = _ev.EventFileWriter(logdir, max_queue, flush_secs, filename_suffix or "")
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def get_logdir(self):
        return self.event_writer.get_logdir()

    def add_event(self, event):
        self.event_writer.add_event(event)

    def _add(self, step, **fields):
        ev = Event(wall_time=time.time(), **fields)
        if step is not None:
            ev.step = int(_np(step))
        self.add_event(ev)

    def add_summary(self, summary, global_step=None):
        """Adds a serialized Summary (what ``sess.run(summary_op)`` returns) or a Summary."""
        if isinstance(summary, np.ndarray):
            summary = _item(summary)
        data = bytes(summary) if isinstance(summary, (bytes, bytearray)) else \
            summary.SerializeToString()
        step = None if global_step is None else int(_np(global_step))
        self.add_event(_ev.event_bytes(step, summary=data))

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Writes ``graph`` (a Graph or a GraphDef) for TensorBoard's Graphs tab."""
        if graph_def is None:
            graph_def = graph
        if hasattr(graph_def, "SerializeToString"):
            data = graph_def.SerializeToString()
        elif isinstance(graph_def, (bytes, bytearray)):
            data = bytes(graph_def)
        else:
            data = _graph_def(graph_def)
        self._add(global_step, graph_def=data)

    def add_meta_graph(self, meta_graph_def, global_step=None):
        data = meta_graph_def if isinstance(meta_graph_def, (bytes, bytearray)) else \
            meta_graph_def.SerializeToString()
        self._add(global_step, meta_graph_def=data)

    def add_session_log(self, session_log, global_step=None):
        self._add(global_step, session_log=session_log)

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        data = run_metadata.SerializeToString() if hasattr(run_metadata, "SerializeToString") \
            else b""
        self._add(global_step, tagged_run_metadata=TaggedRunMetadata(tag=tag, run_metadata=data))

    def flush(self):
        self.event_writer.flush()

    def close(self):
        self.event_writer.close()

    def reopen(self):
        self.event_writer.reopen()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class FileWriterCache:
    """One FileWriter per log directory (``tf.summary.FileWriterCache``)."""
    _cache = {}

    @staticmethod
    def get(logdir):
        w = FileWriterCache._cache.get(logdir)
        if w is None:
            w = FileWriterCache._cache[logdir] = FileWriter(logdir)
        return w

    @staticmethod
    def clear():
        for w in FileWriterCache._cache.values():
            w.close()
        FileWriterCache._cache.clear()


# -------------------------------------------------------------------- TF2 writers
_WRITERS = []
_STEP = [None]
_RECORD = [True]


class SummaryWriter:
    """A TF2 summary writer (``tf.summary.create_file_writer``): use it with ``as_default()``."""

    def __init__(self, logdir, max_queue=10, flush_millis=120000, filename_suffix=".v2"):
        self._writer = _ev.EventFileWriter(logdir, max_queue, flush_millis / 1000.0,
                                           filename_suffix)
        self._closed = False

    @contextlib.contextmanager
    def as_default(self, step=None):
        _WRITERS.append(self)
        saved = _STEP[0]
        if step is not None:
            _STEP[0] = step
        try:
            yield self
        finally:
            _STEP[0] = saved
            self.flush()
            if _WRITERS and _WRITERS[-1] is self:
                _WRITERS.pop()

    def set_as_default(self, step=None):
        _WRITERS.append(self)
        if step is not None:
            _STEP[0] = step

    def init(self):
        return None

    def _write(self, step, values):
        if self._closed:
            self._writer.reopen()
            self._closed = False
        self._writer.add_event(_ev.event_bytes(int(_np(step)), summary=_ev.summary_bytes(values)))

    def _write_graph(self, data):
        self._writer.add_event(_ev.event_bytes(graph_def=data))

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()
        self._closed = True
        while self in _WRITERS:
            _WRITERS.remove(self)


class _NoopWriter(SummaryWriter):
    def __init__(self):
        self._closed = False

    def _write(self, step, values):
        pass

    def _write_graph(self, data):
        pass

    def flush(self):
        pass

    def close(self):
        pass


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None,
                       experimental_trackable=False, experimental_mesh=None):
    """A TF2 summary writer for ``logdir``.

    Example:
      >>> writer = tf.summary.create_file_writer("logs/run1")
      >>> with writer.as_default():
      ...     tf.summary.scalar("loss", 0.5, step=1)
    """
    return SummaryWriter(logdir, max_queue or 10, flush_millis or 120000,
                         ".v2" if filename_suffix is None else filename_suffix)


create_file_writer_v2 = create_file_writer


def create_noop_writer():
    return _NoopWriter()


def _step_from(value):
    return value if isinstance(value, (int, np.integer)) else None


def _write_tf2(name, step, make_values):
    """Writes to the default TF2 writer; returns whether it wrote (TF2's bool)."""
    if not _WRITERS or not _RECORD[0]:
        return False
    if step is None:
        step = _STEP[0]
    if step is None:
        raise ValueError("No step set. Please specify one either through the `step` argument or "
                         "through tf.summary.experimental.set_step()")
    scope = get_default_graph().get_name_scope()
    tag = "%s/%s" % (scope, name) if scope else name
    _WRITERS[-1]._write(step, make_values(tag))
    return True


def flush(writer=None, name=None):
    """Flushes ``writer`` (default: the current default writer)."""
    w = writer if writer is not None else (_WRITERS[-1] if _WRITERS else None)
    if w is not None:
        w.flush()


def graph(graph_data):
    """Writes a graph (a Graph or GraphDef) to the default TF2 writer."""
    if not _WRITERS:
        return False
    data = graph_data.SerializeToString() if hasattr(graph_data, "SerializeToString") else \
        _graph_def(graph_data)
    _WRITERS[-1]._write_graph(data)
    return True


@contextlib.contextmanager
def record_if(condition):
    saved = _RECORD[0]
    _RECORD[0] = bool(condition() if callable(condition) else condition)
    try:
        yield
    finally:
        _RECORD[0] = saved


def should_record_summaries():
    return bool(_WRITERS) and _RECORD[0]


_TRACE = [None]


def trace_on(graph=True, profiler=False):
    """Starts a trace (TF keeps the first one when a trace is already on)."""
    if _TRACE[0] is None:
        _TRACE[0] = (graph, profiler)


def trace_export(name, step=None, profiler_outdir=None):
    """Stops the trace and writes its run metadata under ``name`` to the default writer.

    Ops run one by one here, so the RunMetadata written is empty (no function graphs).
    """
    if _TRACE[0] is None:
        raise ValueError("Must enable trace before export.")
    graph_only, profiler = _TRACE[0]
    if profiler and profiler_outdir is None:
        raise ValueError("Required profiler_outdir is not specified")
    plugin = "graph_run_metadata_graph" if graph_only and not profiler else "graph_run_metadata"
    _write_tf2(name, step, lambda tag: [_ev.tensor_value(tag, np.array(b"", dtype=object),
                                                         plugin, 0)])
    trace_off()


def trace_off():
    _TRACE[0] = None


class experimental:  # noqa: N801 (TF's namespace name)
    """``tf.summary.experimental``: the default step."""

    @staticmethod
    def set_step(step):
        _STEP[0] = step

    @staticmethod
    def get_step():
        return _STEP[0]

    @staticmethod
    def write_raw_pb(tensor, step=None, name=None):
        if not _WRITERS:
            return False
        data = bytes(_item(_np(tensor)))
        _WRITERS[-1]._writer.add_event(_ev.event_bytes(int(_np(step if step is not None
                                                                else _STEP[0])), summary=data))
        return True

    summary_scope = staticmethod(_summary_scope)
