"""How many threads BLAS (the library behind NumPy's matmul) may use, set at run time.

On a small machine OpenBLAS with several threads busy-waits at its barriers and can be many
times slower than one thread as soon as anything else runs (a browser, another training), while
neuroflow's per-step matmuls are too small to gain from threads. So neuroflow asks for one BLAS
thread unless the user chose a number (``NEUROFLOW_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``), and ``tf.config.threading`` changes it at run time.

The number is set through the OpenBLAS that NumPy loaded (found in ``/proc/self/maps`` or in
NumPy's bundled-library folder, called with ctypes), else through threadpoolctl when it is
installed, else not at all (with a warning).
"""

import ctypes
import glob
import os
import re
import warnings

import numpy

ENV_VARS = ("NEUROFLOW_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# OpenBLAS builds name their entry points differently: plain, or scipy-openblas with a 64-bit
# integer suffix ("64_" in recent wheels, "_64" in older ones).
_PREFIXES = ("scipy_openblas", "openblas")
_SUFFIXES = ("64_", "_64", "")

_requested = 0  # what set_intra_op_parallelism_threads was given (TF: 0 = system default)
_backend = None  # resolved on first use


class _OpenBLAS:
    """The thread setter and getter of every OpenBLAS loaded in this process."""

    name = "openblas"

    def __init__(self, libs):
        self.libs = libs  # [(path, set_fn, get_fn)]

    def set(self, n):
        for _, set_fn, _ in self.libs:
            set_fn(n)

    def get(self):
        return self.libs[0][2]()


class _Threadpoolctl:
    """threadpoolctl's view of the BLAS libraries (MKL, BLIS, OpenBLAS without our symbols)."""

    name = "threadpoolctl"

    def __init__(self, module):
        self.module = module

    def set(self, n):
        self.module.threadpool_limits(limits=n, user_api="blas")

    def get(self):
        infos = [i for i in self.module.threadpool_info() if i.get("user_api") == "blas"]
        return infos[0]["num_threads"] if infos else None


class _NoBackend:
    name = None

    def set(self, n):
        warnings.warn(
            "neuroflow could not find the BLAS library NumPy uses (no OpenBLAS entry point "
            "and no threadpoolctl), so the number of BLAS threads is left unchanged. "
            "Set OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS) before starting Python instead, "
            "or `pip install threadpoolctl`.",
            RuntimeWarning,
            stacklevel=3,
        )

    def get(self):
        return None


def _openblas_paths():
    """Paths of the OpenBLAS libraries loaded in this process (else those NumPy bundles)."""
    paths = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.rstrip("\n").split(None, 5)
                if (
                    len(p) == 6
                    and "openblas" in os.path.basename(p[5]).lower()
                    and p[5] not in paths
                ):
                    paths.append(p[5])
    except OSError:  # not Linux
        pass
    if paths:
        return paths
    root = os.path.dirname(os.path.dirname(numpy.__file__))
    for folder in (
        os.path.join(root, "numpy.libs"),
        os.path.join(os.path.dirname(numpy.__file__), ".dylibs"),
        os.path.join(os.path.dirname(numpy.__file__), ".libs"),
    ):
        for p in sorted(glob.glob(os.path.join(folder, "*openblas*"))):
            if p not in paths:
                paths.append(p)
    return paths


def _bind_openblas(path):
    """(set_fn, get_fn) of the OpenBLAS at ``path``, or None when it exports neither naming."""
    try:
        # only a library already in the process (NumPy's): never load a second copy
        lib = ctypes.CDLL(path, mode=getattr(os, "RTLD_NOLOAD", 0))
    except OSError:
        return None
    for prefix in _PREFIXES:
        for suffix in _SUFFIXES:
            set_fn = getattr(lib, "%s_set_num_threads%s" % (prefix, suffix), None)
            get_fn = getattr(lib, "%s_get_num_threads%s" % (prefix, suffix), None)
            if set_fn is not None and get_fn is not None:
                set_fn.argtypes, set_fn.restype = [ctypes.c_int], None
                get_fn.argtypes, get_fn.restype = [], ctypes.c_int
                return set_fn, get_fn
    return None


def _find_backend():
    libs = []
    for path in _openblas_paths():
        fns = _bind_openblas(path)
        if fns is not None:
            libs.append((path,) + fns)
    if libs:
        return _OpenBLAS(libs)
    try:
        import threadpoolctl
    except ImportError:
        return _NoBackend()
    return _Threadpoolctl(threadpoolctl)


def _get_backend():
    global _backend
    if _backend is None:
        _backend = _find_backend()
    return _backend


def _check(num_threads):
    if (
        isinstance(num_threads, bool)
        or not isinstance(num_threads, (int, numpy.integer))
        or num_threads < 0
    ):
        raise ValueError(
            "Invalid value for argument `num_threads`: expected an integer >= 0. "
            f"Received: num_threads={num_threads!r}"
        )
    return int(num_threads)


def available_cpus():
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def set_intra_op_parallelism_threads(num_threads):
    """Sets the number of threads used within an op (BLAS matmuls) for parallelism.

    Args:
      num_threads: Number of parallel threads; 0 means neuroflow's default (see
        ``apply_default_policy``).
    Example:
      >>> tf.config.threading.set_intra_op_parallelism_threads(1)
    """
    global _requested
    n = _check(num_threads)
    _requested = n
    _get_backend().set(n if n > 0 else default_num_threads())
    from . import parallel
    parallel.set_num_parts(0)   # split large matmuls only while BLAS runs on one thread


def get_intra_op_parallelism_threads():
    """The number given to ``set_intra_op_parallelism_threads``; 0 means the default is in effect.

    Returns:
      Number of parallel threads (``blas_num_threads()`` tells what BLAS actually uses).
    """
    return _requested


def blas_num_threads():
    """The number of threads BLAS uses now, or None when it cannot be read."""
    return _get_backend().get()


def blas_backend():
    """How the thread count is set: 'openblas', 'threadpoolctl', or None (not settable)."""
    return _get_backend().name


def user_num_threads():
    """(variable, value) of the first thread-count variable the user set, or None."""
    for var in ENV_VARS:
        v = os.environ.get(var, "").strip()
        if v:
            return var, v
    return None


def default_num_threads():
    """neuroflow's default: the number in the user's NEUROFLOW_NUM_THREADS, OPENBLAS_NUM_THREADS,
    OMP_NUM_THREADS or MKL_NUM_THREADS (the first set; 0 means every CPU), else 1."""
    user = user_num_threads()
    if user is None:
        return 1
    var, v = user
    if var == "NEUROFLOW_NUM_THREADS":
        return _parse_env(var, v)
    m = re.match(r"\s*(\d+)", v)  # BLAS's own variables, as BLAS reads them ("4,2" for OpenMP: 4)
    n = int(m.group(1)) if m else 0
    return n if n > 0 else available_cpus()


def _parse_env(var, v):
    try:
        n = int(v)
    except ValueError:
        n = -1
    if n < 0:
        raise ValueError(
            f"Invalid value for environment variable `{var}`: expected an integer >= 0. "
            f"Received: {var}={v!r}"
        )
    return n if n > 0 else available_cpus()


def apply_default_policy():
    """Uses one BLAS thread unless the user chose a number; returns the number applied, or None.

    NEUROFLOW_NUM_THREADS is applied here; OPENBLAS_NUM_THREADS / OMP_NUM_THREADS /
    MKL_NUM_THREADS were already read by BLAS itself when NumPy loaded it, so they are left alone.
    Silent when the BLAS library cannot be controlled (this runs at ``import neuroflow``).
    """
    user = user_num_threads()
    if user is not None and user[0] != "NEUROFLOW_NUM_THREADS":
        return None
    n = 1 if user is None else _parse_env(*user)
    backend = _get_backend()
    if backend.name is None:
        return None
    backend.set(n)
    return n


__all__ = [
    "set_intra_op_parallelism_threads",
    "get_intra_op_parallelism_threads",
    "apply_default_policy",
    "blas_num_threads",
    "blas_backend",
]


def tune_malloc():
    """Lets glibc serve arrays up to 32 MB from its heap and keep freed memory for the next step.

    A training step allocates and frees the same large temporaries every time; by default glibc
    maps each one fresh (thousands of page faults per step) and returns it at once. Set
    ``NEUROFLOW_MALLOC_TUNE=0`` to leave malloc as it is.
    """
    import sys
    if not sys.platform.startswith("linux") or os.environ.get("NEUROFLOW_MALLOC_TUNE") == "0":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)   # M_TRIM_THRESHOLD
        return True
    except (OSError, AttributeError):
        return False
