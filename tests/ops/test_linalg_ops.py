"""Linear algebra ops: tensordot, einsum, norm, matrix transpose/inverse/determinant, diagonals."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op


def _well_conditioned(shape, seed=0):
    rng = np.random.RandomState(seed)
    n = shape[-1]
    return rng.uniform(-0.5, 0.5, shape) + 2 * np.eye(n)


# ==================================================================== tensordot
@pytest.mark.parametrize("sa,sb,axes", [
    ((3, 4), (4, 5), 1), ((2, 3, 4), (3, 4, 5), 2), ((3, 4), (5, 6), 0),
    ((2, 3, 4), (4, 3), [[1, 2], [1, 0]]), ((4, 3), (2, 4), [[0], [1]]), ((3, 4), (4, 2), [1, 0]),
    ((2, 3), (3, 2), [[-1], [0]])], ids=str)
def test_tensordot(sa, sb, axes):
    def ref(a, b):
        ax = axes
        if isinstance(axes, list) and isinstance(axes[0], int):
            ax = ([axes[0]], [axes[1]])
        return np.tensordot(a, b, ax)
    check_op(lambda a, b: tf.tensordot(a, b, axes), ref, [sa, sb], double_backward=sa == (3, 4))


def test_tensordot_errors():
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.tensordot(tf.ones([2, 3]), tf.ones([4, 5]), 1)
    with pytest.raises(ValueError, match="number of contraction axes"):
        tf.tensordot(tf.ones([2, 3]), tf.ones([3, 5]), [[1], [0, 1]])
    p = tf.placeholder(tf.float32, [None, 3])
    assert tf.tensordot(p, tf.ones([3, 5]), 1).shape.as_list() == [None, 5]


# ==================================================================== einsum
EINSUM = [
    ("ij,jk->ik", [(3, 4), (4, 2)]),
    ("ij->ji", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("i,i->", [(5,), (5,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij,jk", [(3, 4), (4, 2)]),  # implicit output: ik
    ("ij,k->i", [(3, 4), (5,)]),  # j and k summed away in one input only
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 2)]),  # broadcast batch dims
    ("bi,ij,bj->b", [(2, 3), (3, 4), (2, 4)]),
    ("ab...,b->a...", [(2, 3, 4), (3,)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM, ids=[e[0] for e in EINSUM])
def test_einsum(eq, shapes):
    check_op(lambda *xs: tf.einsum(eq, *xs), lambda *xs: np.einsum(eq, *xs), shapes,
             double_backward=eq in ("ij,jk->ik", "bij,bjk->bik", "ij,k->i"))


def test_einsum_repeated_subscripts_forward_only():
    x = np.arange(9.0).reshape(3, 3)
    assert tf.einsum("ii->", x).numpy() == np.trace(x)
    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = tf.einsum("ii->i", t)
    with pytest.raises(NotImplementedError, match="repeated subscripts"):
        tape.gradient(y, t)


def test_einsum_static_shape_and_errors():
    p = tf.placeholder(tf.float32, [None, 3, 4])
    assert tf.einsum("bij,jk->bik", p, tf.ones([4, 6])).shape.as_list() == [None, 3, 6]
    assert tf.einsum("...ij->...ji", p).shape.as_list() == [None, 4, 3]
    with pytest.raises(ValueError, match="Expected dimension 4"):
        tf.einsum("ij,jk->ik", tf.placeholder(tf.float32, [3, 4]),
                  tf.placeholder(tf.float32, [5, 2]))
    with pytest.raises(ValueError, match="inputs"):
        tf.einsum("ij,jk->ik", tf.ones([2, 2]))
    with pytest.raises(TypeError, match="Einsum"):
        tf.einsum("i,i->", tf.ones([2]), tf.ones([2], tf.float64))


# ==================================================================== norm
VECTOR_NORMS = [("euclidean", lambda x, a, k: np.sqrt(np.sum(x * x, axis=a, keepdims=k))),
                (2, lambda x, a, k: np.sqrt(np.sum(x * x, axis=a, keepdims=k))),
                (1, lambda x, a, k: np.sum(np.abs(x), axis=a, keepdims=k)),
                (np.inf, lambda x, a, k: np.max(np.abs(x), axis=a, keepdims=k)),
                (3, lambda x, a, k: np.sum(np.abs(x) ** 3, axis=a, keepdims=k) ** (1 / 3))]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, -1], ids=str)
@pytest.mark.parametrize("ord_,ref", VECTOR_NORMS, ids=[str(v[0]) for v in VECTOR_NORMS])
def test_vector_norms(ord_, ref, axis, keepdims):
    check_op(lambda x: tf.norm(x, ord=ord_, axis=axis, keepdims=keepdims),
             lambda x: ref(x, axis, keepdims), [(3, 4)])


@pytest.mark.parametrize("ord_", ["fro", "euclidean", 1, np.inf], ids=str)
@pytest.mark.parametrize("axis", [(0, 1), (-1, -2), [1, 2]], ids=str)
def test_matrix_norms(ord_, axis):
    def ref(x):
        ax = tuple(a % x.ndim for a in axis)
        if ord_ in ("fro", "euclidean"):
            return np.sqrt(np.sum(x * x, axis=ax))
        return np.linalg.norm(np.moveaxis(x, ax, (-2, -1)), ord=ord_, axis=(-2, -1))
    shape = (2, 3, 4) if 2 in axis else (3, 4)
    check_op(lambda x: tf.norm(x, ord=ord_, axis=axis), ref, [shape])
    assert tf.norm(tf.ones(shape), ord=ord_, axis=axis, keepdims=True).shape.ndims == len(shape)


def test_norm_arguments():
    assert tf.norm([3.0, 4.0]).numpy() == pytest.approx(5.0)
    assert tf.norm([[3.0, 4.0]], keep_dims=True).shape.as_list() == [1, 1]
    with pytest.raises(ValueError, match="'ord' must be a supported vector norm"):
        tf.norm([1.0], ord="fro", axis=0)
    with pytest.raises(ValueError, match="'ord' must be a supported vector norm"):
        tf.norm([1.0], ord=-1)
    with pytest.raises(NotImplementedError, match="ord=2"):
        tf.norm(tf.ones([2, 2]), ord=2, axis=[0, 1])
    with pytest.raises(ValueError, match="tuple of 2"):
        tf.norm(tf.ones([2, 2, 2]), axis=[0, 1, 2])


# ==================================================================== matrices
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)], ids=str)
def test_matrix_transpose(shape):
    check_op(tf.matrix_transpose, lambda x: np.swapaxes(x, -1, -2), [shape], double_backward=True)
    check_op(tf.linalg.transpose, lambda x: np.swapaxes(x, -1, -2), [shape])
    check_op(tf.linalg.adjoint, lambda x: np.swapaxes(x, -1, -2), [shape])
    with pytest.raises(ValueError, match="rank >= 2"):
        tf.matrix_transpose(tf.ones([3]))


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)], ids=str)
def test_inverse_and_determinant(shape):
    x = _well_conditioned(shape)
    check_op(tf.matrix_inverse, np.linalg.inv, None, inputs=[x], double_backward=len(shape) == 2)
    check_op(tf.linalg.inv, np.linalg.inv, None, inputs=[x])
    check_op(lambda a: tf.matrix_inverse(a, adjoint=True),
             lambda a: np.linalg.inv(np.swapaxes(a, -1, -2)), None, inputs=[x])
    check_op(tf.matrix_determinant, np.linalg.det, None, inputs=[x], double_backward=True)
    check_op(tf.linalg.det, np.linalg.det, None, inputs=[x])


def test_inverse_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="not invertible"):
        tf.matrix_inverse([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(ValueError, match="square"):
        tf.matrix_inverse(tf.ones([2, 3]))
    with pytest.raises(TypeError, match="MatrixDeterminant"):
        tf.matrix_determinant(tf.constant([[1, 0], [0, 1]]))


@pytest.mark.parametrize("shape", [(3,), (2, 3)], ids=str)
def test_tensor_diag_and_diag_part(shape):
    def diag_ref(d):
        n = d.size
        return (np.eye(n) * d.reshape(-1)).reshape(d.shape + d.shape)
    check_op(tf.diag, diag_ref, [shape])
    check_op(tf.linalg.tensor_diag, diag_ref, [shape])
    full = shape + shape

    def part_ref(x):
        k = x.ndim // 2
        n = int(np.prod(x.shape[:k]))
        return np.diagonal(x.reshape(n, n)).reshape(x.shape[:k])
    check_op(tf.diag_part, part_ref, [full])
    check_op(tf.linalg.tensor_diag_part, part_ref, [full])
    with pytest.raises(ValueError, match="even rank"):
        tf.linalg.tensor_diag_part(tf.ones([2, 3]))


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 4), (4, 2)], ids=str)
def test_matrix_diag_part_set_diag_trace(shape):
    k = min(shape[-2:])
    check_op(tf.matrix_diag_part, lambda x: np.diagonal(x, axis1=-2, axis2=-1), [shape],
             double_backward=True)
    check_op(tf.linalg.diag_part, lambda x: np.diagonal(x, axis1=-2, axis2=-1), [shape])
    check_op(tf.trace, lambda x: np.trace(x, axis1=-2, axis2=-1), [shape])
    check_op(tf.linalg.trace, lambda x: np.trace(x, axis1=-2, axis2=-1), [shape])

    def set_ref(x, d):
        y = x.copy()
        i = np.arange(k)
        y[..., i, i] = d
        return y
    check_op(tf.matrix_set_diag, set_ref, [shape, shape[:-2] + (k,)], double_backward=True)
    check_op(tf.linalg.set_diag, set_ref, [shape, shape[:-2] + (k,)])


@pytest.mark.parametrize("shape", [(3,), (2, 3)], ids=str)
def test_matrix_diag(shape):
    def ref(d):
        y = np.zeros(d.shape + (d.shape[-1],))
        i = np.arange(d.shape[-1])
        y[..., i, i] = d
        return y
    check_op(tf.matrix_diag, ref, [shape], double_backward=True)
    check_op(tf.linalg.diag, ref, [shape])


@pytest.mark.parametrize("lower,upper", [(-1, 0), (0, -1), (1, 1), (0, 0), (-1, -1)])
def test_band_part(lower, upper):
    def ref(x):
        m, n = x.shape[-2:]
        i, j = np.arange(m)[:, None], np.arange(n)[None, :]
        keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
        return np.where(keep, x, 0.0)
    check_op(lambda x: tf.matrix_band_part(x, lower, upper), ref, [(2, 3, 4)])
    check_op(lambda x: tf.linalg.band_part(x, lower, upper), ref, [(4, 4)])


def test_eye():
    np.testing.assert_array_equal(tf.eye(3).numpy(), np.eye(3, dtype=np.float32))
    assert tf.eye(2).dtype == tf.float32
    y = tf.eye(2, 3, batch_shape=[4], dtype=tf.int32)
    assert y.dtype == tf.int32 and y.shape.as_list() == [4, 2, 3]
    np.testing.assert_array_equal(y.numpy()[3], np.eye(2, 3))
    np.testing.assert_array_equal(tf.linalg.eye(2, dtype=tf.float64).numpy(), np.eye(2))


def test_matvec():
    check_op(tf.linalg.matvec, lambda a, b: np.einsum("...ij,...j->...i", a, b),
             [(3, 4), (4,)], double_backward=True)
    check_op(tf.linalg.matvec, lambda a, b: np.einsum("...ij,...j->...i", a, b),
             [(2, 3, 4), (2, 4)])
    check_op(lambda a, b: tf.linalg.matvec(a, b, transpose_a=True),
             lambda a, b: a.T @ b, [(4, 3), (4,)])
