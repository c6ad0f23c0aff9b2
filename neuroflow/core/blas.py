"""``C = beta * C + alpha * op(A) @ op(B)`` in place: the BLAS call NumPy has no spelling for.

NumPy's matmul always writes a new product (or overwrites ``out``); GEMM can also add the
product to C (beta = 1). A gradient-descent step on a kernel, ``w -= lr * x.T @ dy``, is then one
call instead of a product the size of the kernel and two more passes over it (see
``core/fusion.py``). The call goes to the OpenBLAS that NumPy loaded (its CBLAS entry point,
through ctypes, with the thread count neuroflow set for it); where there is none (another
BLAS, CuPy arrays, other dtypes or layouts), ``gemm_update`` returns False and the caller
computes the product and the update the ordinary way.
"""
import ctypes
import os

import numpy

from . import threads

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
_FUNCS = None      # {numpy dtype: cblas function}, resolved on first use


def _bind(path):
    try:
        lib = ctypes.CDLL(path, mode=getattr(os, "RTLD_NOLOAD", 0))  # only a loaded library
    except OSError:
        return {}
    found = {}
    # NumPy's wheels rename the CBLAS entry points ("scipy_cblas_sgemm64_"); other builds keep
    # "cblas_sgemm", with a suffix when they take 64-bit integers
    for prefix in ("scipy_", ""):
        for suffix in threads._SUFFIXES:
            idx = ctypes.c_int64 if suffix else ctypes.c_int
            for dt, name, real in ((numpy.float32, "sgemm", ctypes.c_float),
                                   (numpy.float64, "dgemm", ctypes.c_double)):
                fn = getattr(lib, "%scblas_%s%s" % (prefix, name, suffix), None)
                if fn is None or dt in found:
                    continue
                fn.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, idx, idx, idx, real,
                               ctypes.c_void_p, idx, ctypes.c_void_p, idx, real,
                               ctypes.c_void_p, idx]
                fn.restype = None
                found[dt] = fn
    return found


def _funcs():
    global _FUNCS
    if _FUNCS is None:
        threads.blas_num_threads()   # the thread policy is applied before the first call
        paths = threads._openblas_paths()
        mine = os.path.dirname(os.path.dirname(numpy.__file__))
        paths.sort(key=lambda p: not p.startswith(mine))   # NumPy's own library first
        _FUNCS = {}
        for p in paths:
            _FUNCS = _bind(p)
            if _FUNCS:
                break
    return _FUNCS


def available():
    """True when ``gemm_update`` can run (an OpenBLAS with CBLAS entry points is loaded)."""
    return bool(_funcs())


def _operand(x, transpose):
    """(CBLAS transpose flag, leading dimension) of a C- or F-contiguous 2-D array, else None."""
    if x.flags.c_contiguous:
        return (_TRANS if transpose else _NO_TRANS), x.shape[1]
    if x.flags.f_contiguous:   # an F-ordered array is the C-ordered storage of its transpose
        return (_NO_TRANS if transpose else _TRANS), x.shape[0]
    return None


def gemm_update(c, a, b, alpha, transpose_a=False, transpose_b=False, beta=1.0):
    """c = beta * c + alpha * op(a) @ op(b) in place, op = transpose or not; False (c untouched)
    when it cannot be done with one BLAS call."""
    fn = _funcs().get(c.dtype.type) if type(c) is numpy.ndarray else None
    if (fn is None or type(a) is not numpy.ndarray or type(b) is not numpy.ndarray
            or a.dtype != c.dtype or b.dtype != c.dtype or a.ndim != 2 or b.ndim != 2
            or c.ndim != 2 or not c.flags.c_contiguous or not c.flags.writeable or c.size == 0):
        return False
    m, k = (a.shape[1], a.shape[0]) if transpose_a else a.shape
    k2, n = (b.shape[1], b.shape[0]) if transpose_b else b.shape
    if k != k2 or c.shape != (m, n) or k == 0:
        return False
    oa, ob = _operand(a, transpose_a), _operand(b, transpose_b)
    if oa is None or ob is None:
        return False
    fn(_ROW_MAJOR, oa[0], ob[0], m, n, k, alpha, a.ctypes.data, max(oa[1], 1),
       b.ctypes.data, max(ob[1], 1), beta, c.ctypes.data, n)
    return True
