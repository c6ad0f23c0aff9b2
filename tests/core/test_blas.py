"""core/blas.py: C += alpha * op(A) @ op(B) in place through NumPy's OpenBLAS."""
import numpy as np
import pytest

from neuroflow.core import blas

pytestmark = pytest.mark.skipif(not blas.available(), reason="NumPy is not linked to OpenBLAS")


@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
@pytest.mark.parametrize("order", ["C", "F"])
def test_gemm_update_matches_numpy(dtype, tol, ta, tb, order):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((7, 5) if ta else (5, 7)).astype(dtype)
    b = rng.standard_normal((3, 7) if tb else (7, 3)).astype(dtype)
    a, b = np.asarray(a, order=order), np.asarray(b, order=order)
    c = rng.standard_normal((5, 3)).astype(dtype)
    want = c + (-0.25) * ((a.T if ta else a) @ (b.T if tb else b))
    assert blas.gemm_update(c, a, b, -0.25, ta, tb) is True
    np.testing.assert_allclose(c, want, rtol=tol, atol=tol)
    assert c.dtype == dtype


def test_gemm_update_of_a_large_kernel_gradient():
    rng = np.random.default_rng(1)
    x = rng.random((32, 784), dtype=np.float32)
    dy = rng.random((32, 256), dtype=np.float32)
    w = rng.random((784, 256), dtype=np.float32)
    want = w - np.float32(0.01) * (x.T @ dy)
    assert blas.gemm_update(w, x, dy, -0.01, transpose_a=True)
    np.testing.assert_allclose(w, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", ["int", "mixed", "strided", "shape", "readonly", "empty", "list"])
def test_gemm_update_declines_and_leaves_c_alone(case):
    a = np.ones((4, 3), np.float32)
    b = np.ones((3, 2), np.float32)
    c = np.zeros((4, 2), np.float32)
    if case == "int":
        a, b, c = a.astype(np.int32), b.astype(np.int32), c.astype(np.int32)
    elif case == "mixed":
        b = b.astype(np.float64)
    elif case == "strided":
        a = np.ones((4, 6), np.float32)[:, ::2]
    elif case == "shape":
        c = np.zeros((4, 3), np.float32)
    elif case == "readonly":
        c.flags.writeable = False
    elif case == "empty":
        a, b = np.ones((4, 0), np.float32), np.ones((0, 2), np.float32)
    else:
        a = a.tolist()
    before = np.array(c, copy=True)
    assert blas.gemm_update(c, a, b, 1.0) is False
    np.testing.assert_array_equal(c, before)


def test_gemm_update_with_beta_scales_c_first():
    rng = np.random.default_rng(2)
    a, b = rng.random((4, 3)), rng.random((3, 2))
    c = rng.random((4, 2))
    want = 0.9 * c + 2.0 * (a @ b)
    assert blas.gemm_update(c, a, b, 2.0, beta=0.9)
    np.testing.assert_allclose(c, want, rtol=1e-12)
