"""Finding a data file: a given folder, ``$NEUROFLOW_DATASETS``, the cache, then a download.

A :class:`RemoteFile` names one file of a data set (the names it may have on disk, its published
sha256 and size, and the mirrors it can be downloaded from). :func:`find_file` looks for it on
disk; :func:`get_file` also downloads it into the cache, checking the sha256 and writing
atomically, so an interrupted or corrupted download never leaves a file behind.
"""
import hashlib
import os
import tempfile
import urllib.request
from typing import NamedTuple

_CHUNK = 1 << 20


class RemoteFile(NamedTuple):
    """One file of a data set: accepted names (the first is downloaded), checksum, mirrors."""
    names: tuple
    sha256: str = None
    size: int = None
    urls: tuple = ()


class DatasetNotFoundError(FileNotFoundError):
    """A data file is neither on disk nor downloadable; the message says where to put it."""


class ChecksumError(OSError):
    """A downloaded file does not have its published sha256 (nothing was saved)."""


def data_home():
    """The cache folder: ``$NEUROFLOW_HOME/datasets``, by default ``~/.neuroflow/datasets``."""
    home = os.environ.get("NEUROFLOW_HOME") or os.path.join(os.path.expanduser("~"), ".neuroflow")
    return os.path.join(home, "datasets")


def dataset_roots():
    """The folders listed in ``$NEUROFLOW_DATASETS`` (separated by ``os.pathsep``)."""
    value = os.environ.get("NEUROFLOW_DATASETS", "")
    return [os.path.expanduser(p) for p in value.split(os.pathsep) if p]


def keras_home():
    """Keras's own cache (``$KERAS_HOME`` or ``~/.keras``): files Keras downloaded are reused."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def sha256sum(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _walk(root):
    """(folder, file names) under ``root``, shallow folders first, hidden folders skipped."""
    level, seen = [root], set()
    while level:
        nxt = []
        for d in level:
            real = os.path.realpath(d)
            if real in seen:  # a symlink loop
                continue
            seen.add(real)
            try:
                entries = sorted(os.scandir(d), key=lambda e: e.name)
            except OSError:
                continue
            files = set()
            for e in entries:
                if e.is_dir(follow_symlinks=True):
                    if not e.name.startswith("."):
                        nxt.append(e.path)
                else:
                    files.add(e.name)
            yield d, files
        level = nxt


def find_files(files, subdir, aliases=(), dirs=(), extra_dirs=()):
    """Paths on disk of ``files`` (a dict key -> RemoteFile); a missing file maps to None.

    Order: each folder in ``dirs`` (the files directly in it), the folders under
    ``$NEUROFLOW_DATASETS`` (searched recursively: a file counts there when its folder is named like
    the data set, one of ``aliases``, or when it has the published size, since MNIST and
    Fashion-MNIST share their file names), the cache ``data_home()/subdir``, then ``extra_dirs``.
    """
    found = {k: None for k in files}

    def look_in(d, names=None):
        for k, f in files.items():
            if found[k] is None:
                for n in f.names:
                    p = os.path.join(d, n)
                    if (n in names) if names is not None else os.path.isfile(p):
                        found[k] = p
                        break

    for d in dirs:
        if d and os.path.isdir(d):
            look_in(d)
    aliases = {a.lower() for a in aliases}
    for root in dataset_roots():
        if all(found.values()):
            break
        for d, names in _walk(root):
            named = os.path.basename(os.path.normpath(d)).lower() in aliases
            for k, f in files.items():
                if found[k] is not None:
                    continue
                for n in f.names:
                    if n in names:
                        p = os.path.join(d, n)
                        if named or (f.size is not None and os.path.getsize(p) == f.size):
                            found[k] = p
                            break
            if all(found.values()):
                break
    for d in (os.path.join(data_home(), subdir),) + tuple(extra_dirs):
        if os.path.isdir(d):
            look_in(d)
    return found


def _urlopen(url, timeout):
    return urllib.request.urlopen(url, timeout=timeout)


def download(url, dest, sha256=None, timeout=60, verbose=True):
    """Downloads ``url`` to ``dest`` atomically (a temporary file, then ``os.replace``).

    When ``sha256`` is given the download is checked first; on a mismatch the temporary file is
    removed and :class:`ChecksumError` is raised, so ``dest`` is never a partial or corrupted file.
    """
    folder = os.path.dirname(os.path.abspath(dest))
    os.makedirs(folder, exist_ok=True)
    if verbose:
        print("Downloading data from %s" % url, flush=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(dest) + ".", suffix=".part",
                               dir=folder)
    try:
        h = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out, _urlopen(url, timeout) as src:
            for block in iter(lambda: src.read(_CHUNK), b""):
                out.write(block)
                h.update(block)
                size += len(block)
        if sha256 is not None and h.hexdigest() != sha256.lower():
            raise ChecksumError(
                "Downloaded file from %s has sha256 %s, expected %s: the download is corrupted or "
                "the file changed at the mirror. Nothing was saved." % (url, h.hexdigest(), sha256))
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    if verbose:
        print("Successfully downloaded %s %d bytes." % (os.path.basename(dest), size), flush=True)
    return dest


def fetch(f, subdir, urls=None, verbose=True):
    """Downloads RemoteFile ``f`` into the cache from its mirrors (or ``urls``); returns the path.

    Raises OSError listing every mirror's failure when none works, or when downloads are switched
    off with ``NEUROFLOW_OFFLINE=1``.
    """
    if os.environ.get("NEUROFLOW_OFFLINE", "").lower() not in ("", "0", "false", "no"):
        raise OSError("downloads are switched off (NEUROFLOW_OFFLINE is set)")
    dest = os.path.join(data_home(), subdir, f.names[0])
    errors = []
    for url in (urls or f.urls):
        try:
            return download(url, dest, f.sha256, verbose=verbose)
        except Exception as e:  # try the next mirror
            errors.append("%s: %s: %s" % (url, type(e).__name__, e))
    raise OSError("could not download %s:\n    %s"
                  % (f.names[0], "\n    ".join(errors) or "no mirror"))


def not_found_message(title, subdir, names, aliases, dirs=(), reason=None):
    """The offline error: which files to put where."""
    roots = dataset_roots()
    lines = ["%s was not found on disk%s."
             % (title, " and could not be downloaded" if reason else "")]
    if reason:
        lines.append("Reason: %s" % reason)
    lines.append("Put the files %s into one of these folders:" % ", ".join(names))
    for d in dirs:
        if d:
            lines.append("  - %s (the folder given to the loader)" % os.path.abspath(d))
    lines.append("  - a folder named %s/ under $NEUROFLOW_DATASETS (now: %s)"
                 % (aliases[0] if aliases else subdir,
                    os.pathsep.join(roots) if roots else "not set"))
    lines.append("  - %s (the download cache; $NEUROFLOW_HOME moves it)"
                 % os.path.join(data_home(), subdir))
    return "\n".join(lines)
