"""The protobuf wire format, by hand: the few TensorFlow messages neuroflow writes and reads.

The format is small (varints, 64/32-bit fixed fields, length-delimited bytes), and the messages
we need (Event, Summary, HistogramProto, TensorProto, GraphDef, BundleHeader/Entry, MetaGraphDef)
are fixed, so a hand encoder keeps the package free of generated ``*_pb2`` modules and of a
dependency whose versions must match them. Real TensorFlow and TensorBoard read what this writes
(checked against their parsers; see tests/saving).
"""
import struct

import numpy as np

# TensorFlow DataType enum values <-> NumPy dtypes
DT_NUMPY = {1: np.float32, 2: np.float64, 3: np.int32, 4: np.uint8, 5: np.int16, 6: np.int8,
            8: np.complex64, 9: np.int64, 10: np.bool_, 17: np.uint16, 18: np.complex128,
            19: np.float16, 22: np.uint32, 23: np.uint64}
DT_STRING = 7
DT_BFLOAT16 = 14
_NP_DT = {np.dtype(v): k for k, v in DT_NUMPY.items()}


def dt_enum(dtype):
    """The TF DataType number of a NumPy dtype (strings/objects: DT_STRING)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "OSU":
        return DT_STRING
    try:
        return _NP_DT[dtype]
    except KeyError:
        raise TypeError(f"Invalid value for argument `dtype`: expected a TensorFlow dtype. "
                        f"Received: dtype={dtype}") from None


# -------------------------------------------------------------------- encoding
def varint(n):
    n = int(n)
    if n < 0:
        n += 1 << 64   # int32/int64 negatives are ten-byte two's complement
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(num, wire):
    return varint((num << 3) | wire)


def f_varint(num, v):
    return _key(num, 0) + varint(v)


def f_bytes(num, b):
    if isinstance(b, str):
        b = b.encode("utf-8")
    return _key(num, 2) + varint(len(b)) + bytes(b)


def f_double(num, v):
    return _key(num, 1) + struct.pack("<d", float(v))


def f_float(num, v):
    return _key(num, 5) + struct.pack("<f", float(v))


def f_fixed32(num, v):
    return _key(num, 5) + struct.pack("<I", int(v) & 0xFFFFFFFF)


def f_packed_doubles(num, values):
    return f_bytes(num, np.asarray(values, dtype="<f8").tobytes())


def f_packed_floats(num, values):
    return f_bytes(num, np.asarray(values, dtype="<f4").tobytes())


def f_packed_varints(num, values):
    return f_bytes(num, b"".join(varint(v) for v in values))


# -------------------------------------------------------------------- decoding
class DecodeError(ValueError):
    pass


def read_varint(buf, pos):
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise DecodeError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 70:
            raise DecodeError("varint too long")


def parse(buf):
    """{field number: [raw values]}: ints for varint/fixed fields, bytes for length-delimited."""
    buf = bytes(buf)
    out, pos, n = {}, 0, len(buf)
    while pos < n:
        key, pos = read_varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, pos = read_varint(buf, pos)
        elif wire == 1:
            if pos + 8 > n:
                raise DecodeError("truncated fixed64")
            v, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            ln, pos = read_varint(buf, pos)
            if pos + ln > n:
                raise DecodeError("truncated length-delimited field")
            v, pos = buf[pos:pos + ln], pos + ln
        elif wire == 5:
            if pos + 4 > n:
                raise DecodeError("truncated fixed32")
            v, pos = buf[pos:pos + 4], pos + 4
        else:
            raise DecodeError(f"unsupported wire type {wire}")
        out.setdefault(num, []).append(v)
    return out


def get(msg, num, default=None):
    vals = msg.get(num)
    return vals[-1] if vals else default


def as_fixed32(raw):
    return struct.unpack("<I", raw)[0]


def as_int64(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def as_str(raw):
    return bytes(raw).decode("utf-8")


def packed_doubles(msg, num):
    out = []
    for v in msg.get(num, []):
        out.extend(np.frombuffer(v, dtype="<f8").tolist())   # one fixed64 or a packed run
    return out


def packed_floats(msg, num):
    out = []
    for v in msg.get(num, []):
        out.extend(np.frombuffer(v, dtype="<f4").tolist())   # one fixed32 or a packed run
    return out


def packed_varints(msg, num):
    out = []
    for v in msg.get(num, []):
        if isinstance(v, int):
            out.append(v)
        else:
            pos = 0
            while pos < len(v):
                x, pos = read_varint(v, pos)
                out.append(x)
    return out


# -------------------------------------------------------------------- shared messages
def shape_proto(dims):
    """TensorShapeProto; ``dims`` None means unknown rank, a None dim is -1."""
    if dims is None:
        return f_varint(3, 1)
    return b"".join(f_bytes(2, f_varint(1, -1 if d is None else d)) for d in dims)


def parse_shape(raw):
    msg = parse(raw)
    if get(msg, 3):
        return None
    return tuple(as_int64(get(parse(d), 1, 0)) for d in msg.get(2, []))


def tensor_proto(arr):
    """TensorProto holding ``arr`` (numbers as tensor_content, strings as string_val)."""
    arr = np.asarray(arr)
    dt = dt_enum(arr.dtype)
    body = f_varint(1, dt) + f_bytes(2, shape_proto(arr.shape))
    if dt == DT_STRING:
        for s in arr.reshape(-1):
            body += f_bytes(8, s if isinstance(s, bytes) else str(s).encode("utf-8"))
    elif arr.size:
        body += f_bytes(4, np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes())
    return body


def parse_tensor(raw):
    """A NumPy array from a TensorProto (tensor_content or the typed *_val fields)."""
    msg = parse(raw)
    dt = get(msg, 1, 0)
    shape = parse_shape(get(msg, 2, b"")) or ()
    if dt == DT_STRING:
        vals = [bytes(v) for v in msg.get(8, [])]
        arr = np.empty(len(vals), dtype=object)
        arr[:] = vals
        n = int(np.prod(shape)) if shape else 1
        if len(vals) == 1 and n > 1:
            arr = np.full(n, vals[0], dtype=object)
        return arr.reshape(shape)
    npdt = np.dtype(DT_NUMPY.get(dt, np.float32))
    content = get(msg, 4)
    n = int(np.prod(shape)) if shape else 1
    if content is not None:
        return np.frombuffer(content, dtype=npdt.newbyteorder("<")).astype(npdt).reshape(shape)
    if npdt == np.float32:
        vals = packed_floats(msg, 5)
    elif npdt == np.float64:
        vals = packed_doubles(msg, 6)
    elif npdt == np.float16:
        vals = np.array(packed_varints(msg, 13), np.uint16).view(np.float16).tolist()
    elif npdt == np.int64:
        vals = [as_int64(v) for v in packed_varints(msg, 10)]
    elif npdt == np.bool_:
        vals = packed_varints(msg, 11)
    else:
        vals = [as_int64(v) for v in packed_varints(msg, 7)]
    arr = np.array(vals, dtype=npdt)
    if arr.size == 1 and n > 1:
        arr = np.full(n, arr[0], dtype=npdt)
    elif arr.size == 0:
        arr = np.zeros(n, dtype=npdt)
    return arr.reshape(shape)


def version_def(producer, min_consumer=0):
    return f_varint(1, producer) + (f_varint(2, min_consumer) if min_consumer else b"")
