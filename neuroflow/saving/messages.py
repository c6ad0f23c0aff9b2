"""TensorFlow's protobuf messages as small Python classes (fields by number, wire format by hand).

``Message`` gives keyword construction, attribute access with proto3 defaults, ``HasField``,
``SerializeToString``/``FromString`` and a text form, which is all that user code does with
``tf.Summary``, ``tf.Event`` and ``CheckpointState``.
"""
import struct

from . import proto

_SCALAR_DEFAULTS = {"double": 0.0, "float": 0.0, "int64": 0, "int32": 0, "uint64": 0,
                    "bool": False, "enum": 0, "string": "", "bytes": b"", "fixed32": 0}


class Message:
    """Base class: subclasses list ``FIELDS`` = [(number, name, kind, repeated)]."""

    FIELDS = ()

    def __init__(self, **kwargs):
        for num, name, kind, rep in self.FIELDS:
            object.__setattr__(self, name, [] if rep else None)
        for k, v in kwargs.items():
            if k not in self._by_name():
                raise ValueError(f'Protocol message {type(self).__name__} has no "{k}" field.')
            setattr(self, k, list(v) if isinstance(v, (list, tuple)) else v)

    @classmethod
    def _by_name(cls):
        d = cls.__dict__.get("_names")
        if d is None:
            d = {f[1]: f for f in cls.FIELDS}
            cls._names = d
        return d

    def __getattribute__(self, name):
        v = object.__getattribute__(self, name)
        if v is None and not name.startswith("_"):
            f = type(self)._by_name().get(name)
            if f is not None:
                kind = f[2]
                if isinstance(kind, type):
                    v = kind()
                    object.__setattr__(self, name, v)   # sub-messages appear on first access
                    object.__setattr__(self, "_touched_" + name, True)
                    return v
                return _SCALAR_DEFAULTS[kind]
        return v

    def HasField(self, name):  # noqa: N802 (protobuf's name)
        f = type(self)._by_name().get(name)
        if f is None:
            raise ValueError(f'Protocol message has no singular "{name}" field.')
        v = object.__getattribute__(self, name)
        if isinstance(f[2], type) and v is not None:
            return bool(v.SerializeToString()) or not self.__dict__.get("_touched_" + name)
        return v is not None

    def WhichOneof(self, group):  # noqa: N802
        for name in getattr(self, "ONEOFS", {}).get(group, ()):
            if self.HasField(name):
                return name
        return None

    def CopyFrom(self, other):  # noqa: N802
        self.__dict__.update(type(self).FromString(other.SerializeToString()).__dict__)

    # ---------------------------------------------------------------- wire format
    def SerializeToString(self):  # noqa: N802
        out = []
        for num, name, kind, rep in self.FIELDS:
            v = object.__getattribute__(self, name)
            if v is None or (rep and not v):
                continue
            if isinstance(kind, type):
                for m in (v if rep else [v]):
                    b = m.SerializeToString()
                    if b or rep or not self.__dict__.get("_touched_" + name):
                        out.append(proto.f_bytes(num, b))
            elif rep == "packed":
                out.append(_packed(num, kind, v))
            else:
                for x in (v if rep else [v]):
                    out.append(_scalar(num, kind, x))
        return b"".join(out)

    @classmethod
    def FromString(cls, data):  # noqa: N802
        m = cls()
        m.ParseFromString(data)
        return m

    def ParseFromString(self, data):  # noqa: N802
        raw = proto.parse(data)
        for num, name, kind, rep in self.FIELDS:
            vals = raw.get(num)
            if not vals:
                continue
            if isinstance(kind, type):
                objs = [kind.FromString(v) for v in vals]
                object.__setattr__(self, name, objs if rep else objs[-1])
            else:
                xs = _decode(kind, vals)
                object.__setattr__(self, name, xs if rep else xs[-1])
        return len(data)

    def __eq__(self, other):
        return type(self) is type(other) and self.SerializeToString() == other.SerializeToString()

    def __repr__(self):
        return text_format(self)

    __str__ = __repr__


def _scalar(num, kind, x):
    if kind in ("string", "bytes"):
        return proto.f_bytes(num, x)
    if kind == "double":
        return proto.f_double(num, x)
    if kind == "float":
        return proto.f_float(num, x)
    if kind == "fixed32":
        return proto.f_fixed32(num, x)
    return proto.f_varint(num, int(x))


def _packed(num, kind, vals):
    if kind == "double":
        return proto.f_packed_doubles(num, vals)
    if kind == "float":
        return proto.f_packed_floats(num, vals)
    return proto.f_packed_varints(num, [int(v) for v in vals])


def _decode(kind, vals):
    out = []
    for v in vals:
        if kind == "string":
            out.append(proto.as_str(v))
        elif kind == "bytes":
            out.append(bytes(v))
        elif kind == "double":
            out.extend(struct.unpack("<%dd" % (len(v) // 8), v))
        elif kind == "float":
            out.extend(struct.unpack("<%df" % (len(v) // 4), v))
        elif kind == "fixed32":
            out.append(proto.as_fixed32(v))
        elif isinstance(v, int):
            out.append(_int(kind, v))
        else:   # packed varints
            pos = 0
            while pos < len(v):
                x, pos = proto.read_varint(v, pos)
                out.append(_int(kind, x))
    return out


def _int(kind, v):
    if kind == "bool":
        return bool(v)
    if kind in ("int64", "int32", "enum"):
        return proto.as_int64(v)
    return v


def text_format(m, indent=0):
    pad = "  " * indent
    lines = []
    for num, name, kind, rep in m.FIELDS:
        v = object.__getattribute__(m, name)
        if v is None or (rep and not v):
            continue
        for x in (v if rep else [v]):
            if isinstance(kind, type):
                lines.append("%s%s {\n%s%s}" % (pad, name, text_format(x, indent + 1), pad))
            elif kind in ("string", "bytes"):
                lines.append('%s%s: "%s"' % (pad, name, _escape(x)))
            elif kind == "bool":
                lines.append("%s%s: %s" % (pad, name, "true" if x else "false"))
            elif kind in ("double", "float"):
                lines.append("%s%s: %s" % (pad, name, repr(float(x))))
            else:
                lines.append("%s%s: %d" % (pad, name, x))
    return "".join(l + "\n" for l in lines)


def _escape(x):
    b = x.encode("utf-8") if isinstance(x, str) else bytes(x)
    out = []
    for c in b:
        ch = chr(c)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif 32 <= c < 127:
            out.append(ch)
        else:
            out.append("\\%03o" % c)
    return "".join(out)


# -------------------------------------------------------------------- tensors
class TensorShapeProto(Message):
    class Dim(Message):
        FIELDS = ((1, "size", "int64", False), (2, "name", "string", False))
    FIELDS = ((2, "dim", Dim, True), (3, "unknown_rank", "bool", False))


class TensorProto(Message):
    FIELDS = ((1, "dtype", "enum", False), (2, "tensor_shape", TensorShapeProto, False),
              (3, "version_number", "int32", False), (4, "tensor_content", "bytes", False),
              (5, "float_val", "float", "packed"), (6, "double_val", "double", "packed"),
              (7, "int_val", "int32", "packed"), (8, "string_val", "bytes", True),
              (10, "int64_val", "int64", "packed"), (11, "bool_val", "bool", "packed"),
              (13, "half_val", "int32", "packed"))


def make_tensor_proto(arr):
    return TensorProto.FromString(proto.tensor_proto(arr))


def make_ndarray(tp):
    return proto.parse_tensor(tp.SerializeToString())


# -------------------------------------------------------------------- summaries
class HistogramProto(Message):
    FIELDS = ((1, "min", "double", False), (2, "max", "double", False), (3, "num", "double", False),
              (4, "sum", "double", False), (5, "sum_squares", "double", False),
              (6, "bucket_limit", "double", "packed"), (7, "bucket", "double", "packed"))


class SummaryMetadata(Message):
    class PluginData(Message):
        FIELDS = ((1, "plugin_name", "string", False), (2, "content", "bytes", False))
    FIELDS = ((1, "plugin_data", PluginData, False), (2, "display_name", "string", False),
              (3, "summary_description", "string", False), (4, "data_class", "enum", False))


class SummaryDescription(Message):
    """``tf.summary.SummaryDescription``: a hint about a summary's value type."""
    FIELDS = ((1, "type_hint", "string", False),)


class Summary(Message):
    """``tf.Summary``: a list of tagged values (scalars, histograms, images, audio, tensors)."""

    class Image(Message):
        FIELDS = ((1, "height", "int32", False), (2, "width", "int32", False),
                  (3, "colorspace", "int32", False), (4, "encoded_image_string", "bytes", False))

    class Audio(Message):
        FIELDS = ((1, "sample_rate", "float", False), (2, "num_channels", "int64", False),
                  (3, "length_frames", "int64", False), (4, "encoded_audio_string", "bytes", False),
                  (5, "content_type", "string", False))

    class Value(Message):
        pass

    FIELDS = ()


Summary.Value.FIELDS = ((7, "node_name", "string", False), (1, "tag", "string", False),
                        (9, "metadata", SummaryMetadata, False),
                        (2, "simple_value", "float", False), (4, "image", Summary.Image, False),
                        (5, "histo", HistogramProto, False), (6, "audio", Summary.Audio, False),
                        (8, "tensor", TensorProto, False))
Summary.Value.ONEOFS = {"value": ("simple_value", "image", "histo", "audio", "tensor")}
Summary.FIELDS = ((1, "value", Summary.Value, True),)


class LogMessage(Message):
    FIELDS = ((1, "level", "enum", False), (2, "message", "string", False))


class SessionLog(Message):
    START, STOP, CHECKPOINT = 1, 2, 3
    FIELDS = ((1, "status", "enum", False), (2, "checkpoint_path", "string", False),
              (3, "msg", "string", False))


class TaggedRunMetadata(Message):
    FIELDS = ((1, "tag", "string", False), (2, "run_metadata", "bytes", False))


class Event(Message):
    """``tf.Event``: one record of an event file."""
    FIELDS = ((1, "wall_time", "double", False), (2, "step", "int64", False),
              (3, "file_version", "string", False), (4, "graph_def", "bytes", False),
              (5, "summary", Summary, False), (6, "log_message", LogMessage, False),
              (7, "session_log", SessionLog, False),
              (8, "tagged_run_metadata", TaggedRunMetadata, False),
              (9, "meta_graph_def", "bytes", False))
    ONEOFS = {"what": ("file_version", "graph_def", "summary", "log_message", "session_log",
                       "tagged_run_metadata", "meta_graph_def")}


# -------------------------------------------------------------------- checkpoints
class CheckpointState(Message):
    """The ``checkpoint`` file: the latest checkpoint and the ones still kept."""
    FIELDS = ((1, "model_checkpoint_path", "string", False),
              (2, "all_model_checkpoint_paths", "string", True),
              (3, "all_model_checkpoint_timestamps", "double", True),
              (4, "last_preserved_timestamp", "double", False))


def parse_text(cls, text):
    """A flat message (no sub-messages) from its text form: ``name: value`` lines."""
    import ast
    m = cls()
    fields = cls._by_name()
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, val = line.partition(":")
        f = fields.get(name.strip())
        if not sep or f is None:
            raise ValueError(f"line {lineno}: expected `field: value`, got {line!r}")
        val = val.strip()
        if f[2] in ("string", "bytes"):
            if len(val) < 2 or val[0] != '"' or val[-1] != '"':
                raise ValueError(f"line {lineno}: expected a quoted string, got {val!r}")
            x = ast.literal_eval("b" + val).decode("utf-8")
        elif f[2] in ("double", "float"):
            x = float(val)
        elif f[2] == "bool":
            x = val == "true"
        else:
            x = int(val)
        if f[3]:
            getattr(m, f[1]).append(x)
        else:
            setattr(m, f[1], x)
    return m
