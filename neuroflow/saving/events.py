"""Event files (``events.out.tfevents.*``): the writer behind ``FileWriter`` and
``create_file_writer``, the reader behind ``summary_iterator``, and the Summary values (histogram
buckets as TensorFlow's, PNG images, WAV audio).

Each flush rewrites the file atomically (the old bytes copied, the new records appended, fsync,
rename), so a killed process leaves a file of whole records. Past ``_ROTATE_BYTES`` the writer
starts a new file in the same directory, which TensorBoard reads on in name order.
"""
import atexit
import io
import os
import socket
import struct
import threading
import time
import wave
import weakref
import zlib

import numpy as np

from . import atomic, proto, records
from .messages import Event, Summary

_ROTATE_BYTES = 32 << 20
_COUNTER = [0]
_LOCK = threading.Lock()
_OPEN = weakref.WeakSet()   # writers flushed at exit, as TF's writer thread drains its queue


@atexit.register
def _flush_all():
    for w in list(_OPEN):
        try:
            w.flush()
        except Exception:   # at exit, a failing writer must not hide the others
            pass


def _event_name(suffix=""):
    with _LOCK:
        n = _COUNTER[0]
        _COUNTER[0] += 1
    return "events.out.tfevents.%010d.%s.%d.%d%s" % (int(time.time()), socket.gethostname(),
                                                     os.getpid(), n, suffix)


class EventFileWriter:
    """Appends Event records to a new event file in ``logdir``; writes on ``flush``/``close``
    and every ``flush_secs`` seconds."""

    def __init__(self, logdir, max_queue=10, flush_secs=120, filename_suffix=""):
        self.logdir = os.fspath(logdir)
        os.makedirs(self.logdir, exist_ok=True)
        self._suffix = filename_suffix or ""
        self._flush_secs = flush_secs
        self._pending = []
        self._lock = threading.RLock()
        self._closed = False
        self._new_file()
        _OPEN.add(self)

    def _new_file(self):
        self.path = os.path.join(self.logdir, _event_name(self._suffix))
        self._size = 0
        self._last_flush = time.time()
        self.add_event(Event(wall_time=time.time(), file_version="brain.Event:2"))
        self.flush()

    def get_logdir(self):
        return self.logdir

    def add_event(self, event):
        data = bytes(event) if isinstance(event, (bytes, bytearray)) else event.SerializeToString()
        with self._lock:
            if self._closed:
                self.reopen()
            self._pending.append(data)
        if time.time() - self._last_flush >= self._flush_secs:
            self.flush()

    def flush(self):
        with self._lock:
            if not self._pending:
                return
            chunks, self._pending = records.encode_many(self._pending), []
            atomic.write_bytes(self.path, chunks, prefix_from=self.path if self._size else None)
            self._size += sum(len(c) for c in chunks)
            self._last_flush = time.time()
            if self._size > _ROTATE_BYTES:
                self._new_file()

    def close(self):
        self.flush()
        self._closed = True
        _OPEN.discard(self)

    def reopen(self):
        """After ``close``: later events go to a new event file in the same directory (as TF).
        Does nothing if the writer is not closed."""
        with self._lock:
            if self._closed:
                self._closed = False
                _OPEN.add(self)
                self._new_file()


# -------------------------------------------------------------------- reading
def summary_iterator(path):
    """Yields the ``Event`` records of an event file (``tf.compat.v1.train.summary_iterator``)."""
    for data in records.iterate(os.fspath(path)):
        yield Event.FromString(data)


def event_files(logdir):
    return sorted(os.path.join(logdir, f) for f in os.listdir(logdir) if "tfevents" in f)


def read_scalars(logdir):
    """{tag: [(step, value)]} from every event file in ``logdir`` (simple values and scalar
    tensors), a small stand-in for TensorBoard's EventAccumulator."""
    out = {}
    for path in event_files(logdir):
        for ev in summary_iterator(path):
            if not ev.HasField("summary"):
                continue
            for v in ev.summary.value:
                if v.HasField("simple_value"):
                    out.setdefault(v.tag, []).append((ev.step, v.simple_value))
                elif v.HasField("tensor") and v.metadata.plugin_data.plugin_name == "scalars":
                    from .messages import make_ndarray
                    out.setdefault(v.tag, []).append((ev.step, float(make_ndarray(v.tensor))))
    return out


# -------------------------------------------------------------------- values
def _default_limits():
    v, pos = 1.0e-12, []
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    dmax = np.finfo(np.float64).max
    pos.append(dmax)
    return np.array([-x for x in reversed(pos)] + [0.0] + pos)


_LIMITS = _default_limits()
_POS = _LIMITS[len(_LIMITS) // 2 + 1:]   # the positive limits, 1e-12 ... DBL_MAX
_LOG_STEP = np.log(1.1)


def _bucket_index(x):
    """``np.searchsorted(_LIMITS, x, 'right')`` for floats via a float32 logarithm (several
    times faster on big tensors); the estimate is corrected against the exact limits."""
    a = np.abs(x)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        j = np.log(a.astype(np.float32, copy=False))
        j -= np.float32(np.log(1e-12))
        j /= np.float32(_LOG_STEP)
    j = np.nan_to_num(j, nan=-1.0, posinf=len(_POS), neginf=-1.0)
    j = np.clip(j, -1, len(_POS) - 2, out=j).astype(np.intp)
    j += _POS[j + 1] <= a                              # count of limits <= a is j + 1
    j -= (j >= 0) & (_POS[np.maximum(j, 0)] > a)
    le = j + 1                                         # positive limits <= |x|
    lt = le - ((le > 0) & (_POS[np.maximum(le - 1, 0)] == a))   # positive limits < |x|
    n = len(_POS)
    return np.where(x > 0, n + 1 + le, np.where(x == 0, n + 1, n - lt))


def histogram_proto(values):
    """TensorFlow's HistogramProto bytes: exponential buckets (10% wide) from 1e-12 to 1e20, runs
    of empty buckets merged into one, as the HistogramSummary kernel writes it."""
    x = np.asarray(values).reshape(-1)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    if x.size and not np.isfinite(x.min() + x.max()):
        raise ValueError("Nan in summary histogram")
    counts = np.zeros(len(_LIMITS) + 1, np.int64)
    for i in range(0, x.size, 65536):   # chunks stay in cache; whole-tensor temporaries do not
        part = x[i:i + 65536]
        idx = _bucket_index(part) if part.size > 256 else np.searchsorted(_LIMITS, part, "right")
        counts += np.bincount(idx, minlength=len(_LIMITS) + 1)
    counts = counts[:len(_LIMITS)].astype(np.float64)
    empty = counts <= 0
    last_of_run = np.ones_like(empty)
    last_of_run[:-1] = ~empty[1:]
    keep = ~empty | last_of_run
    big = np.finfo(np.float64).max
    x64 = x.astype(np.float64, copy=False)
    return (proto.f_double(1, x.min() if x.size else big) +
            proto.f_double(2, x.max() if x.size else -big) + proto.f_double(3, x.size) +
            proto.f_double(4, x64.sum()) + proto.f_double(5, np.dot(x64, x64)) +
            proto.f_packed_doubles(6, _LIMITS[keep]) + proto.f_packed_doubles(7, counts[keep]))


def histogram_tensor(values, buckets=30):
    """The TF2 histogram: a float64 [k, 3] tensor of (left edge, right edge, count)."""
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    if x.size == 0:
        return np.zeros((0, 3))
    lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        return np.array([[lo - 0.5, hi + 0.5, float(x.size)]] if buckets else [])
    edges = np.linspace(lo, hi, buckets + 1)
    counts, _ = np.histogram(x, bins=edges)
    return np.stack([edges[:-1], edges[1:], counts.astype(np.float64)], axis=1)


def to_uint8_image(img):
    """TF's image summary scaling: floats >= 0 scaled so the max is 255, otherwise so the largest
    magnitude is 127 around 128; uint8 unchanged."""
    img = np.asarray(img)
    if img.dtype == np.uint8:
        return img
    x = img.astype(np.float64)
    finite = x[np.isfinite(x)]
    if finite.size == 0:
        return np.zeros(x.shape, np.uint8)
    if finite.min() >= 0:
        m = finite.max()
        scale = 255.0 / m if m > 0 else 0.0
        offset = 0.0
    else:
        m = np.abs(finite).max()
        scale = 127.0 / m if m > 0 else 0.0
        offset = 128.0
    return np.clip(np.nan_to_num(x) * scale + offset + 0.5, 0, 255).astype(np.uint8)


def encode_png(img):
    """PNG bytes of an [h, w, c] uint8 image (c = 1, 2, 3 or 4)."""
    img = np.asarray(img, dtype=np.uint8)
    if img.ndim == 2:
        img = img[:, :, None]
    h, w, c = img.shape
    ctype = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    raw = b"".join(b"\x00" + img[r].tobytes() for r in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, ctype, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def decode_png(data):
    """[h, w, c] uint8 array from PNG bytes written by ``encode_png`` (8-bit, no interlace)."""
    pos, idat, w, h = 8, b"", 0, 0
    c = 1
    while pos < len(data):
        (ln,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + ln]
        if kind == b"IHDR":
            w, h, _, ctype = struct.unpack(">IIBB", body[:10])
            c = {0: 1, 4: 2, 2: 3, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + ln
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * c)
    out = np.zeros((h, w * c), np.int32)
    prev = np.zeros(w * c, np.int32)
    for r in range(h):
        f, line = raw[r, 0], raw[r, 1:].astype(np.int32)
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) & 0xFF
        else:   # filters 1, 3, 4 need the left pixel: decode byte by byte
            cur = np.zeros_like(line)
            for i in range(len(line)):
                a = cur[i - c] if i >= c else 0
                b = prev[i]
                cc = prev[i - c] if i >= c else 0
                if f == 1:
                    p = a
                elif f == 3:
                    p = (a + b) // 2
                else:
                    pa, pb, pc = abs(b - cc), abs(a - cc), abs(a + b - 2 * cc)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else cc)
                cur[i] = (line[i] + p) & 0xFF
        out[r], prev = cur, cur
    return out.reshape(h, w, c).astype(np.uint8)


def encode_wav(samples, sample_rate):
    """16-bit PCM WAV bytes of [frames, channels] floats in [-1, 1]."""
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    pcm = (np.clip(x, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(x.shape[1])
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def scalar_value(tag, value):
    """Summary.Value bytes (the builders below all return encoded values)."""
    return proto.f_bytes(1, tag) + proto.f_float(2, value)


def histo_value(tag, values):
    return proto.f_bytes(1, tag) + proto.f_bytes(5, histogram_proto(values))


def image_values(tag, images, max_outputs=3):
    images = np.asarray(images)
    n = min(int(max_outputs), images.shape[0])
    out = []
    for i in range(n):
        img = to_uint8_image(images[i])
        t = "%s/image/%d" % (tag, i) if max_outputs > 1 else "%s/image" % tag
        im = Summary.Image(height=img.shape[0], width=img.shape[1], colorspace=img.shape[2],
                           encoded_image_string=encode_png(img))
        out.append(proto.f_bytes(1, t) + proto.f_bytes(4, im.SerializeToString()))
    return out


def audio_values(tag, audio, sample_rate, max_outputs=3):
    audio = np.asarray(audio)
    if audio.ndim == 2:
        audio = audio[:, :, None]
    n = min(int(max_outputs), audio.shape[0])
    out = []
    for i in range(n):
        t = "%s/audio/%d" % (tag, i) if max_outputs > 1 else "%s/audio" % tag
        au = Summary.Audio(sample_rate=float(sample_rate), num_channels=audio.shape[2],
                           length_frames=audio.shape[1], content_type="audio/wav",
                           encoded_audio_string=encode_wav(audio[i], sample_rate))
        out.append(proto.f_bytes(1, t) + proto.f_bytes(6, au.SerializeToString()))
    return out


def tensor_value(tag, array, plugin_name, data_class=1, description=""):
    """A TF2-style tensor summary (scalars: data_class 1, tensors 2, blob sequences 3)."""
    md = proto.f_bytes(1, proto.f_bytes(1, plugin_name)) + proto.f_varint(4, data_class)
    if description:
        md += proto.f_bytes(3, description)
    return proto.f_bytes(1, tag) + proto.f_bytes(9, md) + \
        proto.f_bytes(8, proto.tensor_proto(np.asarray(array)))


def summary_bytes(values):
    """Summary bytes from encoded values."""
    return b"".join(proto.f_bytes(1, v) for v in values)


def event_bytes(step=None, wall_time=None, summary=None, graph_def=None):
    """Event bytes holding an encoded Summary or GraphDef."""
    out = proto.f_double(1, time.time() if wall_time is None else wall_time)
    if step:
        out += proto.f_varint(2, int(step))
    if summary is not None:
        out += proto.f_bytes(5, summary)
    if graph_def is not None:
        out += proto.f_bytes(4, graph_def)
    return out


def text_array(data):
    arr = np.asarray(data)
    if arr.dtype.kind != "O":
        arr = np.array([x.encode("utf-8") if isinstance(x, str) else bytes(x)
                        for x in arr.reshape(-1)], dtype=object).reshape(arr.shape)
    return arr
