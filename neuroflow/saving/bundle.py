"""TensorFlow's V2 checkpoint bundle: ``prefix.index`` (a LevelDB-style sorted table mapping each
tensor name to a BundleEntryProto, the empty key to the BundleHeaderProto) and
``prefix.data-00000-of-00001`` (the tensors' bytes, back to back).

Every block and tensor carries a CRC32C, checked on read, so a damaged file raises DataLossError
naming the file instead of loading wrong values.
"""
import os
import struct

import numpy as np

from ..core.errors import DataLossError, NotFoundError
from . import atomic, crc32c, proto

_MAGIC = 0xDB4775248B80FB57
_RESTART_INTERVAL = 16
_BLOCK_SIZE = 262144
_FOOTER = 48
_VERSION = 1   # kTensorBundleVersion


def data_path(prefix, shard=0, num_shards=1):
    return "%s.data-%05d-of-%05d" % (prefix, shard, num_shards)


def index_path(prefix):
    return prefix + ".index"


# -------------------------------------------------------------------- table writing
class _Block:
    def __init__(self):
        self.buf, self.restarts, self.count, self.last = bytearray(), [0], 0, b""

    def add(self, key, value):
        shared = 0
        if self.count % _RESTART_INTERVAL == 0 and self.count:
            self.restarts.append(len(self.buf))
        elif self.count:
            n = min(len(key), len(self.last))
            while shared < n and key[shared] == self.last[shared]:
                shared += 1
        self.buf += proto.varint(shared) + proto.varint(len(key) - shared) + \
            proto.varint(len(value)) + key[shared:] + value
        self.last, self.count = key, self.count + 1

    def finish(self):
        return bytes(self.buf) + b"".join(struct.pack("<I", r) for r in self.restarts) + \
            struct.pack("<I", len(self.restarts))


def _handle(offset, size):
    return proto.varint(offset) + proto.varint(size)


def build_table(items):
    """The bytes of a table holding ``items`` ([(key bytes, value bytes)], sorted by key)."""
    out = bytearray()
    index = _Block()

    def emit(contents):
        offset = len(out)
        trailer = b"\x00"   # no compression
        out.extend(contents + trailer + struct.pack("<I", crc32c.masked_value(contents + trailer)))
        return offset, len(contents)

    block = _Block()
    for key, value in items:
        block.add(key, value)
        if len(block.buf) >= _BLOCK_SIZE:
            off, size = emit(block.finish())
            index.add(block.last, _handle(off, size))
            block = _Block()
    if block.count or not index.count:
        off, size = emit(block.finish())
        index.add(block.last, _handle(off, size))
    meta = emit(_Block().finish())
    idx = emit(index.finish())
    footer = _handle(*meta) + _handle(*idx)
    footer += b"\x00" * (40 - len(footer))
    out.extend(footer + struct.pack("<II", _MAGIC & 0xFFFFFFFF, _MAGIC >> 32))
    return bytes(out)


# -------------------------------------------------------------------- table reading
def _read_block(buf, offset, size, path):
    if offset + size + 5 > len(buf):
        raise DataLossError(message=f"truncated table block in {path}")
    contents = buf[offset:offset + size]
    trailer = buf[offset + size:offset + size + 5]
    if trailer[0] != 0:
        raise DataLossError(message=f"compressed table blocks are not supported ({path})")
    (crc,) = struct.unpack("<I", trailer[1:])
    if crc32c.masked_value(contents + trailer[:1]) != crc:
        raise DataLossError(message=f"block checksum mismatch in {path}: the checkpoint index is "
                            "corrupted")
    return contents


def _block_items(contents, path):
    if len(contents) < 4:
        raise DataLossError(message=f"bad table block in {path}")
    (nrest,) = struct.unpack("<I", contents[-4:])
    end = len(contents) - 4 - 4 * nrest
    pos, key, out = 0, b"", []
    try:
        while pos < end:
            shared, pos = proto.read_varint(contents, pos)
            unshared, pos = proto.read_varint(contents, pos)
            vlen, pos = proto.read_varint(contents, pos)
            key = key[:shared] + contents[pos:pos + unshared]
            pos += unshared
            out.append((key, contents[pos:pos + vlen]))
            pos += vlen
    except proto.DecodeError:
        raise DataLossError(message=f"bad table block in {path}") from None
    return out


def read_table(path):
    """[(key, value)] of a table file; DataLossError naming ``path`` when it is damaged."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < _FOOTER:
        raise DataLossError(message=f"truncated checkpoint index {path} ({len(buf)} bytes): not a "
                            "complete table file")
    lo, hi = struct.unpack("<II", buf[-8:])
    if (hi << 32 | lo) != _MAGIC:
        raise DataLossError(message=f"not a TensorFlow checkpoint index (bad magic number): {path}")
    footer = buf[-_FOOTER:-8]
    try:
        pos = 0
        for _ in range(2):   # metaindex handle, then the index handle
            off, pos = proto.read_varint(footer, pos)
            size, pos = proto.read_varint(footer, pos)
    except proto.DecodeError:
        raise DataLossError(message=f"bad table footer in {path}") from None
    items = []
    for _, handle in _block_items(_read_block(buf, off, size, path), path):
        boff, p = proto.read_varint(handle, 0)
        bsize, _ = proto.read_varint(handle, p)
        items.extend(_block_items(_read_block(buf, boff, bsize, path), path))
    return items


# -------------------------------------------------------------------- tensors
def _string_bytes(arr):
    """TF's string layout: varint lengths, a masked CRC of the lengths, the bytes. The entry's
    CRC is TF's running one: over the lengths as uint32, the stored length CRC, the bytes."""
    flat = [s if isinstance(s, bytes) else str(s).encode("utf-8") for s in arr.reshape(-1)]
    crc = crc32c.value(b"".join(_len_word(len(s)) for s in flat))
    check = struct.pack("<I", crc32c.mask(crc))
    body = b"".join(flat)
    crc = crc32c.value(body, crc32c.value(check, crc))
    return b"".join(proto.varint(len(s)) for s in flat) + check + body, crc


def _len_word(n):
    return struct.pack("<I", n) if n <= 0xFFFFFFFF else struct.pack("<Q", n)


def _tensor_bytes(arr):
    if arr.dtype.kind in "OSU":
        return (proto.DT_STRING,) + _string_bytes(arr)
    data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    return proto.dt_enum(arr.dtype), data, crc32c.value(data)


def write_bundle(prefix, tensors, extra_files=()):
    """Writes ``tensors`` ({name: array}) as ``prefix.index`` + ``prefix.data-00000-of-00001``.

    The data file is renamed into place first and the index last, so the checkpoint exists (for
    ``checkpoint_exists``) only once both are complete.
    """
    entries, chunks, offset = [], [], 0
    for name in sorted(tensors):
        arr = np.asarray(tensors[name])
        dt, data, crc = _tensor_bytes(arr)
        entry = proto.f_varint(1, dt) + proto.f_bytes(2, proto.shape_proto(arr.shape))
        if offset:
            entry += proto.f_varint(4, offset)
        if data:
            entry += proto.f_varint(5, len(data))
        entry += proto.f_fixed32(6, crc32c.mask(crc))
        entries.append((name.encode("utf-8"), entry))
        chunks.append(data)
        offset += len(data)
    header = proto.f_varint(1, 1) + proto.f_bytes(3, proto.version_def(_VERSION))
    atomic.write_bytes(data_path(prefix), chunks)
    atomic.write_bytes(index_path(prefix), build_table([(b"", header)] + entries))
    return prefix


class BundleReader:
    """Reads a V2 checkpoint: ``keys()``, ``shape(name)``, ``dtype(name)``, ``get(name)``."""

    def __init__(self, prefix):
        self.prefix = os.fspath(prefix)
        ipath = index_path(self.prefix)
        if not os.path.exists(ipath):
            raise NotFoundError(message=f"Unsuccessful TensorSliceReader constructor: Failed to find "
                                f"any matching files for {self.prefix}")
        items = read_table(ipath)
        self._entries = {}
        header = None
        for k, v in items:
            try:
                if k == b"":
                    header = proto.parse(v)
                else:
                    self._entries[k.decode("utf-8")] = proto.parse(v)
            except proto.DecodeError:
                raise DataLossError(message=f"corrupted entry {k!r} in {ipath}") from None
        if header is None:
            raise DataLossError(message=f"checkpoint index {ipath} has no header entry")
        self.num_shards = proto.get(header, 1, 1)
        if proto.get(header, 2, 0) != 0:
            raise DataLossError(message=f"big-endian checkpoints are not supported: {ipath}")
        self._data = {}

    def keys(self):
        return sorted(self._entries)

    def has_tensor(self, name):
        return name in self._entries

    def shape(self, name):
        return proto.parse_shape(proto.get(self._entry(name), 2, b"")) or ()

    def dtype(self, name):
        dt = proto.get(self._entry(name), 1, 1)
        return np.dtype(object) if dt == proto.DT_STRING else np.dtype(proto.DT_NUMPY.get(dt, "V"))

    def _entry(self, name):
        try:
            return self._entries[name]
        except KeyError:
            raise NotFoundError(message=f"Key {name} not found in checkpoint") from None

    def _shard(self, i):
        buf = self._data.get(i)
        if buf is None:
            path = data_path(self.prefix, i, self.num_shards)
            if not os.path.exists(path):
                raise NotFoundError(message=f"{path}: the checkpoint's data file is missing")
            with open(path, "rb") as f:
                buf = self._data[i] = f.read()
        return buf

    def get(self, name):
        e = self._entry(name)
        if e.get(7):
            raise NotImplementedError(f"Partitioned (sliced) checkpoint tensors are not supported by "
                                      f"neuroflow yet: {name}")
        dt = proto.get(e, 1, 1)
        shape = self.shape(name)
        shard, off, size = proto.get(e, 3, 0), proto.get(e, 4, 0), proto.get(e, 5, 0)
        buf = self._shard(shard)
        path = data_path(self.prefix, shard, self.num_shards)
        if off + size > len(buf):
            raise DataLossError(message=f"truncated checkpoint data file {path}: tensor {name} "
                                f"needs bytes {off}..{off + size}, the file has {len(buf)}")
        data = buf[off:off + size]
        n = int(np.prod(shape)) if shape else 1
        out = None
        if dt == proto.DT_STRING:
            try:
                pos, lens = 0, []
                for _ in range(n):
                    ln, pos = proto.read_varint(data, pos)
                    lens.append(ln)
            except proto.DecodeError:
                raise DataLossError(message=f"corrupted string tensor {name} in {path}") from None
            pos += 4
            out = np.empty(n, dtype=object)
            for i, ln in enumerate(lens):
                out[i] = bytes(data[pos:pos + ln])
                pos += ln
            out = out.reshape(shape)
            actual = _string_bytes(out)[1]
        else:
            actual = crc32c.value(data)
        crc = proto.get(e, 6)
        if crc is not None and crc32c.mask(actual) != proto.as_fixed32(crc):
            raise DataLossError(message=f"Checksum does not match: stored "
                                f"{crc32c.unmask(proto.as_fixed32(crc))} vs. calculated on the "
                                f"restored bytes {actual}; tensor {name} in {path} is corrupted")
        if out is not None:
            return out
        if dt == proto.DT_BFLOAT16:
            u = np.frombuffer(data, dtype="<u2").astype(np.uint32) << 16
            return u.view(np.float32).reshape(shape)
        npdt = np.dtype(proto.DT_NUMPY[dt])
        return np.frombuffer(data, dtype=npdt.newbyteorder("<")).astype(npdt).reshape(shape)

    def get_variable_to_shape_map(self):
        return {k: list(self.shape(k)) for k in self.keys()}

    def get_variable_to_dtype_map(self):
        from ..core import dtypes
        out = {}
        for k in self.keys():
            dt = self.dtype(k)
            out[k] = dtypes.string if dt == np.dtype(object) else dtypes.as_dtype(dt)
        return out

    def get_tensor(self, name):
        return self.get(name)

    def debug_string(self):
        """TF's listing, as bytes: one ``name (dtype) [d0,d1]`` line per variable, by name."""
        names = {"float32": "float", "float64": "double", "float16": "half"}
        return "".join("%s (%s) [%s]\n" % (k, names.get(self.dtype(k).name, self.dtype(k).name),
                                           ",".join(str(d) for d in self.shape(k)))
                       for k in sorted(self.keys())).encode()
