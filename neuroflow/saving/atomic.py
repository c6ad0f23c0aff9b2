"""Atomic file writes: the bytes go to a temporary file beside the target, are fsynced, and are
renamed over the target, so a process killed at any moment leaves either the old file or the
complete new one under the final name, never a torn one."""
import contextlib
import os
import tempfile


def _current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_current_umask()   # what open() would give a new file


def _fsync_dir(directory):
    try:
        fd = os.open(directory or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path beside ``path``; on success it is fsynced and renamed to ``path``.

    For writers that need a file name (h5py): ``with atomic_path(p) as tmp: write(tmp)``.
    """
    path = os.fspath(path)
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=directory or ".")
    os.close(fd)
    try:
        os.chmod(tmp, _MODE)
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_dir(directory)


def write_bytes(path, data, prefix_from=None):
    """Atomically writes ``data`` (bytes or a list of byte chunks) to ``path``.

    ``prefix_from``: copy this existing file first (an event file growing by appends).
    """
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            if prefix_from is not None and os.path.exists(prefix_from):
                with open(prefix_from, "rb") as src:
                    while True:
                        chunk = src.read(1 << 22)
                        if not chunk:
                            break
                        f.write(chunk)
            for chunk in ([data] if isinstance(data, (bytes, bytearray, memoryview)) else data):
                f.write(chunk)
            f.flush()
    return path


def write_text(path, text):
    return write_bytes(path, text.encode("utf-8"))
