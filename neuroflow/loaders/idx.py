"""The IDX format of MNIST (LeCun): a big-endian header, then the array; gzip-compressed or raw."""
import gzip

import numpy as np

# third byte of the magic number -> element type (big-endian on disk)
_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _open(path_or_file):
    """A binary stream, decompressing gzip (recognized by its magic bytes, not the file name)."""
    f = open(path_or_file, "rb") if isinstance(path_or_file, (str, bytes)) or hasattr(
        path_or_file, "__fspath__") else path_or_file
    head = f.peek(2)[:2] if hasattr(f, "peek") else None
    if head is None:
        pos = f.tell()
        head = f.read(2)
        f.seek(pos)
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=f, mode="rb"), f
    return f, f


def _read_exact(f, out):
    view = memoryview(out).cast("B")
    got = 0
    while got < len(view):
        n = f.readinto(view[got:])
        if not n:
            break
        got += n
    return got


def read_idx(path_or_file, expected_magic=None):
    """Reads an IDX file (``.gz`` or raw) into a NumPy array of its stored type and shape.

    Args:
      path_or_file: a path or a binary file object.
      expected_magic: e.g. 2051 for MNIST images, 2049 for labels; another raises ValueError.
    Returns:
      A writable array in native byte order, e.g. uint8 of shape (60000, 28, 28).

    Example:
      >>> x = read_idx("mnist/train-images-idx3-ubyte.gz")   # doctest: +SKIP
      >>> x.shape, x.dtype
      ((60000, 28, 28), dtype('uint8'))
    """
    stream, raw = _open(path_or_file)
    name = getattr(raw, "name", path_or_file)
    try:
        header = stream.read(4)
        if len(header) < 4 or header[0] != 0 or header[1] != 0 or header[2] not in _TYPES:
            raise ValueError("Invalid IDX file %s: expected a header 0x00 0x00 <type> <ndim>, "
                             "received %r." % (name, bytes(header)))
        magic = int.from_bytes(header, "big")
        if expected_magic is not None and magic != expected_magic:
            raise ValueError("Invalid magic number %d in IDX file %s: expected %d."
                             % (magic, name, expected_magic))
        ndim = header[3]
        dims = tuple(int.from_bytes(stream.read(4), "big") for _ in range(ndim))
        dtype = np.dtype(_TYPES[header[2]])
        out = np.empty(dims, dtype=dtype)
        got = _read_exact(stream, out)
        if got != out.nbytes:
            raise ValueError("Truncated IDX file %s: expected %d bytes of data for shape %s, "
                             "received %d." % (name, out.nbytes, dims, got))
    finally:
        if stream is not raw:
            stream.close()
        if raw is not path_or_file:
            raw.close()
    return out if dtype.isnative else out.astype(dtype.newbyteorder("="))
