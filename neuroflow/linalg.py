"""``tf.linalg``: matrix products, transposes, inverses, determinants, diagonals and norms.

``__all__`` stays empty: the top-level package imports this module by name only
(``tf.linalg.inv``); the TF1 spellings (``tf.matrix_inverse`` ...) are top-level ops.
"""
from .ops.clip_ops import global_norm  # noqa: F401
from .ops.fill_ops import eye  # noqa: F401
from .ops.linalg_ops import (  # noqa: F401
    diag as tensor_diag, diag_part as tensor_diag_part, einsum, matrix_band_part as band_part,
    matrix_determinant as det, matrix_diag as diag, matrix_diag_part as diag_part,
    matrix_inverse as inv, matrix_set_diag as set_diag, matrix_transpose, matvec, norm, tensordot,
    trace)
from .ops.math_ops import matmul  # noqa: F401

__all__ = []


def transpose(a, name="transpose", conjugate=False):
    """Transposes the last two dimensions of ``a`` (``tf.linalg.transpose``)."""
    return matrix_transpose(a, name=name, conjugate=conjugate)


def adjoint(matrix, name=None):
    """The conjugate transpose of the last two dimensions; the transpose for real matrices."""
    return matrix_transpose(matrix, name=name or "adjoint")


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x ** 2, axis), epsilon)) (``tf.linalg.l2_normalize``; from ``tf.nn``)."""
    from .nn import l2_normalize as f
    return f(x, axis=axis, epsilon=epsilon, name=name, dim=dim)


_UNSUPPORTED = {"cholesky", "cholesky_solve", "cross", "eig", "eigh", "eigvals", "eigvalsh",
                "expm", "logdet", "logm", "lstsq", "lu", "lu_solve", "matrix_rank", "pinv", "qr",
                "slogdet", "solve", "sqrtm", "svd", "triangular_solve", "tridiagonal_solve",
                "banded_triangular_solve", "lu_matrix_inverse", "lu_reconstruct",
                "matrix_exponential", "tridiagonal_matmul", "experimental"}


def __getattr__(name):
    if name in _UNSUPPORTED:
        raise NotImplementedError(f"tf.linalg.{name} is not supported by neuroflow yet.")
    raise AttributeError(f"module 'neuroflow.linalg' (tf.linalg) has no attribute '{name}'")
