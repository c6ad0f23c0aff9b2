"""CRC32C (Castagnoli), the checksum of TFRecord framing, table blocks and bundle entries.

Uses the ``crc32c`` or ``google_crc32c`` package when installed; otherwise a table-driven
implementation in NumPy: messages are cut into equal chunks whose CRCs advance together one byte
per step, then folded with the "append n zero bytes" linear map (CRC is linear over GF(2)), so a
10 MB tensor, or ten thousand event records, cost a few thousand vector steps, not millions of
Python steps.
"""
import numpy as np

_POLY = 0x82F63B78  # reflected Castagnoli polynomial


def _make_table():
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> 1) ^ np.uint32(_POLY), t >> 1).astype(np.uint32)
    return t


_TABLE = _make_table()
_TABLE_LIST = [int(v) for v in _TABLE]


def _py_update(state, data):
    t = _TABLE_LIST
    for b in data:
        state = t[(state ^ b) & 0xFF] ^ (state >> 8)
    return state


def _shift_tables(nbytes):
    """Byte tables of the linear map "append ``nbytes`` zero bytes" on a raw CRC register:
    Z(v) = T[0][v & 255] ^ T[1][(v >> 8) & 255] ^ T[2][(v >> 16) & 255] ^ T[3][v >> 24]."""
    basis = np.array([1 << j for j in range(32)], dtype=np.uint32)
    state = basis.copy()
    for _ in range(nbytes):
        state = _TABLE[state & 0xFF] ^ (state >> np.uint32(8))
    byte = np.arange(256, dtype=np.uint32)
    tables = []
    for k in range(4):
        t = np.zeros(256, dtype=np.uint32)
        for j in range(8):
            t ^= np.where((byte >> np.uint32(j)) & 1, state[8 * k + j], np.uint32(0)).astype(np.uint32)
        tables.append(t)
    return tables


def _shift(tables, v):
    t0, t1, t2, t3 = tables
    return t0[v & 0xFF] ^ t1[(v >> np.uint32(8)) & 0xFF] ^ t2[(v >> np.uint32(16)) & 0xFF] ^ \
        t3[v >> np.uint32(24)]


def _values_numpy(datas):
    """CRC32C of several messages (each >= 4 bytes) at once.

    The init value 0xFFFFFFFF is folded into the first four bytes, so each message's CRC is a raw
    (init 0) CRC, which leading zero bytes do not change: every message is left-padded to whole
    chunks of C bytes, all chunks advance together one byte per step, and each message's chunk
    CRCs are folded by Horner's rule with the C-zero-bytes shift.
    """
    lens = np.array([len(d) for d in datas], dtype=np.int64)
    c = max(16, int(np.ceil(np.sqrt(lens.max()))))
    nch = -(-lens // c)
    total = int(nch.sum())
    buf = np.zeros(total * c, dtype=np.uint8)
    ends = np.cumsum(nch) * c
    for d, e, ln in zip(datas, ends, lens):
        a = np.frombuffer(d, dtype=np.uint8)
        buf[e - ln:e] = a
        buf[e - ln:e - ln + 4] ^= 0xFF
    chunks = buf.reshape(total, c)
    state = np.zeros(total, dtype=np.uint32)
    for i in range(c):
        state = _TABLE[(state ^ chunks[:, i]) & 0xFF] ^ (state >> np.uint32(8))
    width = int(nch.max())
    grid = np.zeros((len(datas), width), dtype=np.uint32)
    rows = np.repeat(np.arange(len(datas)), nch)
    cols = np.arange(total) - np.repeat(np.cumsum(nch) - nch, nch) + np.repeat(width - nch, nch)
    grid[rows, cols] = state
    tables = _shift_tables(c)
    acc = np.zeros(len(datas), dtype=np.uint32)
    for j in range(width):
        acc = _shift(tables, acc) ^ grid[:, j]
    return [int(v) ^ 0xFFFFFFFF for v in acc]


def _values_fallback(datas):
    datas = [bytes(d) for d in datas]
    out = [None] * len(datas)
    big = [i for i, d in enumerate(datas) if len(d) >= 4]
    if sum(len(datas[i]) for i in big) < 2048:
        big = []
    for i, d in enumerate(datas):
        if not big or len(d) < 4:
            out[i] = _py_update(0xFFFFFFFF, d) ^ 0xFFFFFFFF
    if big:
        for i, v in zip(big, _values_numpy([datas[i] for i in big])):
            out[i] = v
    return out


def _value_fallback(data, crc=0):
    data = bytes(data)
    if crc == 0 and len(data) >= 2048:
        return _values_numpy([data])[0]
    return _py_update((crc ^ 0xFFFFFFFF) & 0xFFFFFFFF, data) ^ 0xFFFFFFFF


def _pick():
    try:
        import crc32c as _c   # the `crc32c` package (C, with SSE4.2)

        def one(data, crc=0):
            return _c.crc32c(bytes(data), crc)
    except ImportError:
        try:
            import google_crc32c as _g

            def one(data, crc=0):
                return _g.extend(crc, bytes(data))
        except ImportError:
            return _value_fallback, _values_fallback
    return one, lambda datas: [one(d) for d in datas]


value, values = _pick()
"""value(data, crc=0) -> CRC32C of ``data`` (continuing from ``crc``); values(list) -> [CRC32C]."""

_MASK_DELTA = 0xA282EAD8


def mask(crc):
    """TensorFlow's masked CRC (stored CRCs of data that may itself hold CRCs)."""
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def unmask(masked):
    rot = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


def masked_value(data):
    return mask(value(data))
