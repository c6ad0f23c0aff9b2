"""The one place that chooses the array module: ``xp`` is numpy, or cupy when asked for.

Set ``NEUROFLOW_BACKEND=cupy`` (or call :func:`set_backend`) to run on a GPU through CuPy.
Ops call :func:`get_array_module` on their inputs instead of importing numpy for math.
"""
import os

import numpy

xp = numpy
_cupy = None


def _load_cupy():
    global _cupy
    if _cupy is None:
        try:
            import cupy  # noqa: F401
            _cupy = cupy
        except Exception as e:  # pragma: no cover - depends on the machine
            raise ImportError(
                "The CuPy backend was asked for but CuPy could not be imported "
                f"({type(e).__name__}: {e}). Install cupy-cuda12x, or unset NEUROFLOW_BACKEND.") from e
    return _cupy


def set_backend(name):
    """Chooses the array module for new arrays: 'numpy' or 'cupy'."""
    global xp
    if name == "numpy":
        xp = numpy
    elif name == "cupy":
        xp = _load_cupy()
    else:
        raise ValueError(f"Invalid value for argument `name`: expected 'numpy' or 'cupy'. Received: name={name!r}")
    return xp


def get_array_module(*arrays):
    """numpy, or cupy when any argument is a CuPy array."""
    if _cupy is not None:
        for a in arrays:
            if isinstance(a, _cupy.ndarray):
                return _cupy
    return numpy


def to_numpy(a):
    """A NumPy array from a NumPy or CuPy array (or scalar)."""
    if _cupy is not None and isinstance(a, _cupy.ndarray):
        return _cupy.asnumpy(a)
    return numpy.asarray(a)


def gpu_available():
    if xp is numpy:
        return False
    try:
        return _load_cupy().cuda.runtime.getDeviceCount() > 0
    except Exception:  # pragma: no cover
        return False


if os.environ.get("NEUROFLOW_BACKEND", "numpy").lower() == "cupy":  # pragma: no cover
    set_backend("cupy")
