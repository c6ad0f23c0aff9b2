"""TFRecord framing (event files): length, masked CRC of the length, data, masked CRC of the data."""
import struct

from ..core.errors import DataLossError
from . import crc32c


def encode(data):
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", crc32c.masked_value(header)) + bytes(data) + \
        struct.pack("<I", crc32c.masked_value(data))


def encode_many(datas):
    """``[encode(d) for d in datas]`` with the checksums computed in one vectorized batch."""
    headers = [struct.pack("<Q", len(d)) for d in datas]
    crcs = crc32c.values(headers + list(datas))
    n = len(datas)
    return [h + struct.pack("<I", crc32c.mask(crcs[i])) + bytes(d) +
            struct.pack("<I", crc32c.mask(crcs[n + i])) for i, (h, d) in enumerate(zip(headers, datas))]


def iterate(path):
    """Yields each record's bytes; a bad checksum or a torn record raises DataLossError naming
    the file (TensorBoard stops quietly at a torn last record; we say so)."""
    with open(path, "rb") as f:
        buf = f.read()
    pos, n = 0, len(buf)
    while pos < n:
        if pos + 12 > n:
            raise DataLossError(message=f"truncated record at byte {pos} in {path}")
        header = buf[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (hcrc,) = struct.unpack("<I", buf[pos + 8:pos + 12])
        if crc32c.masked_value(header) != hcrc:
            raise DataLossError(message=f"corrupted record at byte {pos} in {path}: length "
                                "checksum mismatch")
        start, end = pos + 12, pos + 12 + length
        if end + 4 > n:
            raise DataLossError(message=f"truncated record at byte {pos} in {path}")
        data = buf[start:end]
        (dcrc,) = struct.unpack("<I", buf[end:end + 4])
        if crc32c.masked_value(data) != dcrc:
            raise DataLossError(message=f"corrupted record at byte {pos} in {path}: data "
                                "checksum mismatch")
        yield data
        pos = end + 4
