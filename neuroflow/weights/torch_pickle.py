"""Reads a PyTorch ``state_dict`` file (``torch.save``) into NumPy arrays without torch and
without running code from the file.

The pickle inside may name only the handful of globals a state_dict needs: ``collections.
OrderedDict``, ``torch._utils._rebuild_tensor_v2`` (and the older ``_rebuild_tensor``,
``_rebuild_parameter``) and the typed storage classes (``torch.FloatStorage`` ...), each mapped to
a NumPy stand-in here; any other global is refused with ``pickle.UnpicklingError``. Tensors are
strided views of their storage checked to lie inside it, then copied.

Three containers, as ``torch.load`` reads them:
- zip (torch >= 1.6): ``<name>/data.pkl`` plus one ``<name>/data/<key>`` entry per storage;
- legacy pickle stream (``_use_new_zipfile_serialization=False``): magic number, protocol
  version, sys_info, the object, the sorted storage keys, then per key an int64 element count
  and the raw bytes;
- legacy tar (torch < 0.4): ``storages``, ``tensors`` and ``pickle`` members.
"""
import collections
import io
import os
import pickle
import struct
import tarfile
import zipfile

import numpy as np

__all__ = ["load_state_dict", "RestrictedUnpickler", "MAGIC_NUMBER", "PROTOCOL_VERSION"]

MAGIC_NUMBER = 0x1950a86a20f9469cfc6c
PROTOCOL_VERSION = 1001


class _Storage:
    """Stand-in for a torch typed storage: its dtype, numel and (once read) its 1-D array."""
    __slots__ = ("key", "numel", "array")
    dtype = None

    def __init__(self, key, numel):
        self.key, self.numel, self.array = key, numel, None

    def __setstate__(self, state):
        raise pickle.UnpicklingError("a storage cannot be given state by the pickle")


def _storage_class(name, dtype):
    return type(name, (_Storage,), {"__slots__": (), "dtype": np.dtype(dtype)})


# numpy has no bfloat16: its storages are read as uint16 and widened to float32 (_widen)
STORAGE_TYPES = {c.__name__: c for c in (
    _storage_class("FloatStorage", "<f4"), _storage_class("DoubleStorage", "<f8"),
    _storage_class("HalfStorage", "<f2"), _storage_class("BFloat16Storage", "<u2"),
    _storage_class("LongStorage", "<i8"), _storage_class("IntStorage", "<i4"),
    _storage_class("ShortStorage", "<i2"), _storage_class("CharStorage", "i1"),
    _storage_class("ByteStorage", "u1"), _storage_class("BoolStorage", "?"))}


class _Tensor:
    """A tensor waiting for its storage's bytes (the legacy formats store them after the
    pickle)."""
    __slots__ = ("storage", "offset", "size", "stride")

    def __init__(self, storage, offset, size, stride):
        if not isinstance(storage, _Storage):
            raise pickle.UnpicklingError(f"a tensor must be built on a storage, got "
                                         f"{type(storage).__name__}")
        if not _ints(size) or not _ints(stride) or len(size) != len(stride) \
                or not isinstance(offset, int) or offset < 0:
            raise pickle.UnpicklingError(f"bad tensor geometry: offset={offset!r}, "
                                         f"size={size!r}, stride={stride!r}")
        if any(s < 0 for s in size) or any(s < 0 for s in stride):
            raise pickle.UnpicklingError(f"negative tensor size or stride: size={size}, "
                                         f"stride={stride}")
        last = offset + sum((n - 1) * s for n, s in zip(size, stride) if n > 0)
        if 0 not in size and last >= storage.numel:
            raise pickle.UnpicklingError(
                f"tensor of size {tuple(size)} and stride {tuple(stride)} at offset {offset} "
                f"reads past its storage of {storage.numel} elements")
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), \
            tuple(stride)

    def __setstate__(self, state):
        raise pickle.UnpicklingError("a tensor cannot be given state by the pickle")

    def numpy(self):
        a = self.storage.array
        if a is None:
            raise pickle.UnpicklingError(f"storage {self.storage.key!r} has no data")
        item = a.itemsize
        view = np.lib.stride_tricks.as_strided(
            a[self.offset:], self.size, tuple(s * item for s in self.stride), writeable=False)
        root = getattr(self.storage, "root", self.storage)
        return _widen(np.array(view, order="C"), type(root).__name__)


def _ints(t):
    return isinstance(t, (tuple, list)) and all(isinstance(v, int) and not isinstance(v, bool)
                                                for v in t)


def _widen(a, storage_name):
    if storage_name == "BFloat16Storage":
        return (a.astype(np.uint32) << 16).view(np.float32)
    return a.astype(a.dtype.newbyteorder("="), copy=False)


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    return _Tensor(storage, storage_offset, size, stride)


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _Tensor(storage, storage_offset, size, stride)


def _rebuild_parameter(data, requires_grad=False, backward_hooks=None):
    if not isinstance(data, _Tensor):
        raise pickle.UnpicklingError("a parameter must wrap a tensor")
    return data


ALLOWED_GLOBALS = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    **{("torch", name): cls for name, cls in STORAGE_TYPES.items()},
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only ``ALLOWED_GLOBALS`` and torch's storage references."""

    def __init__(self, file, storages):
        super().__init__(file)
        self.storages = storages     # key -> _Storage, shared by every tensor on it

    def find_class(self, module, name):
        try:
            return ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"global '{module}.{name}' is forbidden: a PyTorch state_dict file may only "
                f"name tensors, storages and OrderedDict") from None

    def persistent_load(self, pid):
        if isinstance(pid, str):   # legacy tar: the key of a storage or tensor read before
            return self._tar_object(pid)
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        cls, key, numel = pid[1], pid[2], pid[4]
        if not (isinstance(cls, type) and issubclass(cls, _Storage) and cls is not _Storage):
            raise pickle.UnpicklingError(f"unsupported storage type {cls!r}")
        if not isinstance(key, str) or not isinstance(numel, int) or numel < 0:
            raise pickle.UnpicklingError(f"bad storage reference {pid!r}")
        s = self.storages.get(key)
        if s is None:
            s = self.storages[key] = cls(key, numel)
        elif type(s) is not cls or s.numel != numel:
            raise pickle.UnpicklingError(f"storage {key!r} referenced with two types or sizes")
        view = pid[5] if len(pid) > 5 else None
        if view is not None:   # torch < 0.4: a view (view_key, offset, numel) of the root storage
            vkey, offset, vnumel = view
            if not (isinstance(offset, int) and isinstance(vnumel, int) and 0 <= offset
                    and offset + vnumel <= numel):
                raise pickle.UnpicklingError(f"bad storage view {view!r}")
            return _View(s, vkey, offset, vnumel)
        return s

    def _tar_object(self, key):
        try:
            return self.storages[key]
        except KeyError:
            raise pickle.UnpicklingError(f"unknown object {key!r} in the tar checkpoint") \
                from None


class _View(_Storage):
    """Part of a root storage (legacy files before torch 0.4)."""
    __slots__ = ("root", "start")

    def __init__(self, root, key, start, numel):
        super().__init__(key, numel)
        self.root, self.start = root, start

    @property
    def dtype(self):
        return self.root.dtype

    @property
    def array(self):
        a = self.root.array
        return None if a is None else a[self.start:self.start + self.numel]

    @array.setter
    def array(self, value):
        pass


def _materialize(obj):
    """The loaded structure with every pending tensor replaced by its NumPy array."""
    if isinstance(obj, _Tensor):
        return obj.numpy()
    if isinstance(obj, dict):
        out = type(obj)() if type(obj) in (dict, collections.OrderedDict) else {}
        for k, v in obj.items():
            out[k] = _materialize(v)
        return out
    if isinstance(obj, (list, tuple)):
        return type(obj)(_materialize(v) for v in obj)
    return obj


def _read_exact(f, n, what):
    b = f.read(n)
    if len(b) != n:
        raise EOFError(f"truncated checkpoint: {what} needs {n} bytes, found {len(b)}")
    return b


def _fill(storage, raw, big_endian=False):
    dt = storage.dtype.newbyteorder(">") if big_endian else storage.dtype
    if len(raw) != storage.numel * dt.itemsize:
        raise pickle.UnpicklingError(f"storage {storage.key!r}: expected "
                                     f"{storage.numel * dt.itemsize} bytes, found {len(raw)}")
    storage.array = np.frombuffer(raw, dt)


# ==================================================================== the three containers
def _load_zip(zf):
    names = zf.namelist()
    pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
    if len(pkl) != 1:
        raise pickle.UnpicklingError("not a PyTorch zip checkpoint: no <name>/data.pkl")
    root = pkl[0][:-len("data.pkl")]
    big = root + "byteorder" in names and zf.read(root + "byteorder").strip() == b"big"
    storages = {}
    obj = RestrictedUnpickler(io.BytesIO(zf.read(pkl[0])), storages).load()
    for key, s in storages.items():
        try:
            raw = zf.read(root + "data/" + key)
        except KeyError:
            raise pickle.UnpicklingError(f"storage {key!r} is missing from the archive") from None
        _fill(s, raw, big)
    return _materialize(obj)


def _load_legacy(f):
    magic = pickle.load(f)
    if magic != MAGIC_NUMBER:
        raise pickle.UnpicklingError("Invalid magic number; corrupt file?")
    version = pickle.load(f)
    if version != PROTOCOL_VERSION:
        raise pickle.UnpicklingError(f"Invalid protocol version: {version}")
    info = _plain(RestrictedUnpickler(f, {}).load())
    big = isinstance(info, dict) and info.get("little_endian") is False
    storages = {}
    obj = RestrictedUnpickler(f, storages).load()
    keys = _plain(RestrictedUnpickler(f, {}).load())
    if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
        raise pickle.UnpicklingError("bad storage key list")
    for key in keys:
        n, = struct.unpack("<q", _read_exact(f, 8, "a storage size"))
        s = storages.get(key)
        if s is None or n != s.numel:
            raise pickle.UnpicklingError(f"storage {key!r}: unexpected size {n}")
        _fill(s, _read_exact(f, n * s.dtype.itemsize, f"storage {key!r}"), big)
    return _materialize(obj)


def _plain(obj):
    if isinstance(obj, (_Storage, _Tensor)):
        raise pickle.UnpicklingError("unexpected tensor data in a header")
    return obj


class _TensorType:
    """Stand-in for a legacy tensor class (torch.FloatTensor ...) named in tar checkpoints."""


_TAR_GLOBALS = {("torch", name.replace("Storage", "Tensor")): _TensorType
                for name in STORAGE_TYPES}


class _TarUnpickler(RestrictedUnpickler):
    def find_class(self, module, name):
        if (module, name) in _TAR_GLOBALS:
            return _TAR_GLOBALS[(module, name)]
        return super().find_class(module, name)


def _load_tar(tar):
    def member(name):
        try:
            return tar.extractfile(name)
        except KeyError:
            raise pickle.UnpicklingError(f"tar checkpoint without '{name}'") from None

    def load(f):
        return _plain(_TarUnpickler(f, {}).load())
    objects = {}
    f = member("storages")
    for _ in range(_count(load(f))):
        key, _location, cls = load(f)
        if not (isinstance(cls, type) and issubclass(cls, _Storage) and cls is not _Storage):
            raise pickle.UnpicklingError(f"unsupported storage type {cls!r}")
        n, = struct.unpack("<q", _read_exact(f, 8, "a storage size"))
        s = cls(str(key), n)
        _fill(s, _read_exact(f, n * s.dtype.itemsize, f"storage {key!r}"))
        objects[str(key)] = s
    for target, root, offset, numel in load(f):
        r = objects.get(str(root))
        if r is None or not (_ints((offset, numel)) and 0 <= offset
                             and offset + numel <= r.numel):
            raise pickle.UnpicklingError("bad storage view in the tar checkpoint")
        objects[str(target)] = _View(r, str(target), offset, numel)
    f = member("tensors")
    for _ in range(_count(load(f))):
        key, storage_id, _type = load(f)
        ndim, = struct.unpack("<i", _read_exact(f, 4, "ndim"))
        if not 0 <= ndim <= 64:
            raise pickle.UnpicklingError(f"bad tensor rank {ndim}")
        _read_exact(f, 4, "padding")    # ndim was once written as 8 bytes
        size = struct.unpack(f"<{ndim}q", _read_exact(f, 8 * ndim, "sizes"))
        stride = struct.unpack(f"<{ndim}q", _read_exact(f, 8 * ndim, "strides"))
        offset, = struct.unpack("<q", _read_exact(f, 8, "offset"))
        s = objects.get(str(storage_id))
        if not isinstance(s, _Storage):
            raise pickle.UnpicklingError(f"tensor {key!r} on unknown storage {storage_id!r}")
        objects[str(key)] = _Tensor(s, offset, list(size), list(stride))
    return _materialize(_TarUnpickler(member("pickle"), objects).load())


def _count(n):
    if not isinstance(n, int) or n < 0:
        raise pickle.UnpicklingError(f"bad count {n!r}")
    return n


def load_state_dict(path):
    """The object saved in ``path`` by ``torch.save`` (typically an ``OrderedDict`` of name ->
    tensor), with tensors as NumPy arrays. Refuses any pickle global beyond a state_dict's.

    Example:
      >>> sd = load_state_dict('efficientnet-lite0-57934424.pth')
      >>> sd['_fc.weight'].shape
      (1000, 1280)
    """
    path = os.fspath(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return _load_zip(zf)
    with open(path, "rb") as f:
        head = f.read(2)
        f.seek(0)
        if head[:1] != b"\x80" and tarfile.is_tarfile(path):
            with tarfile.open(path, "r:") as tar:
                return _load_tar(tar)
        return _load_legacy(f)
