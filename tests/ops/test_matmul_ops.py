"""tf.matmul (neuroflow/ops/matmul_ops.py)."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op


MATMUL = [((3, 4), (4, 2)), ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((3, 4), (2, 4, 5)),
          ((1, 4), (4, 1))]


@pytest.mark.parametrize("sa,sb", MATMUL, ids=str)
def test_matmul(sa, sb):
    check_op(tf.matmul, np.matmul, [sa, sb], double_backward=len(sa) == 2 and len(sb) == 2)


@pytest.mark.parametrize("ta,tb", [(False, True), (True, False), (True, True)])
def test_matmul_transposes(ta, tb):
    sa, sb = ((4, 3) if ta else (3, 4)), ((2, 4) if tb else (4, 2))

    def ref(a, b):
        return (a.T if ta else a) @ (b.T if tb else b)
    check_op(lambda a, b: tf.matmul(a, b, transpose_a=ta, transpose_b=tb), ref, [sa, sb],
             double_backward=True)
    check_op(lambda a, b: tf.matmul(a, b, adjoint_a=ta, adjoint_b=tb), ref, [sa, sb])


def test_matmul_batched_transpose():
    check_op(lambda a, b: tf.matmul(a, b, transpose_a=True),
             lambda a, b: np.swapaxes(a, -1, -2) @ b, [(2, 4, 3), (2, 4, 5)])


def test_matmul_shape_errors():
    a = tf.placeholder(tf.float32, [2, 3])
    with pytest.raises(ValueError, match=r"Dimensions must be equal, but are 3 and 4 for "
                                         r"'MatMul.*' \(op: 'MatMul'\) with input shapes: "
                                         r"\[2,3\], \[4,5\]"):
        tf.matmul(a, tf.placeholder(tf.float32, [4, 5]))
    with pytest.raises(ValueError, match="rank"):
        tf.matmul(a, tf.placeholder(tf.float32, [3]))


def test_matmul_shape_errors_eager():
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Matrix size-incompatible: In\[0\]: \[2,3\], In\[1\]: \[4,5\] "
                             r"\[Op:MatMul\]"):
        tf.matmul(tf.ones([2, 3]), tf.ones([4, 5]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="ndims must be >= 2"):
        tf.matmul(tf.ones([3]), tf.ones([3, 2]))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"batch dimensions: \[2,2,3\] vs\. \[3,3,4\]"):
        tf.matmul(tf.ones([2, 2, 3]), tf.ones([3, 3, 4]))


def test_matmul_runtime_error_names_node():
    a = tf.placeholder(tf.float32, [None, None])
    b = tf.placeholder(tf.float32, [None, None])
    y = tf.matmul(a, b, name="prod")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"(?s)In\[0\]: \[2,3\], In\[1\]: \[4,2\].*prod"):
            sess.run(y, {a: np.zeros((2, 3)), b: np.zeros((4, 2))})


def test_matmul_static_shape_with_unknown_batch():
    a = tf.placeholder(tf.float32, [None, 3, 4])
    y = tf.matmul(a, tf.ones([4, 5]))
    assert y.shape.as_list() == [None, 3, 5]
