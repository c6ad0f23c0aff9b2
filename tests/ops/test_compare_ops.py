"""Comparisons, logic and select (neuroflow/ops/compare_ops.py)."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op


# ==================================================================== comparison and logic
COMPARE = [(tf.equal, np.equal), (tf.not_equal, np.not_equal), (tf.less, np.less),
           (tf.less_equal, np.less_equal), (tf.greater, np.greater),
           (tf.greater_equal, np.greater_equal)]


@pytest.mark.parametrize("fn,ref", COMPARE, ids=[c[1].__name__ for c in COMPARE])
def test_comparisons(fn, ref):
    x = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], np.float32)
    y = np.array([2.0, 2.0, 2.0], np.float32)
    check_op(fn, ref, None, inputs=[x, y], grad=False)
    assert fn(x, y).dtype == tf.bool
    np.testing.assert_array_equal(fn(tf.constant(x), 2.0).numpy(), ref(x, 2.0))
    p = tf.placeholder(tf.float32, [None, 3])
    assert fn(p, y).shape.as_list() == [None, 3] and fn(p, y).dtype == tf.bool
    assert tf.gradients(tf.cast(fn(p, y), tf.float32), p) == [None]


def test_logical_ops():
    a = np.array([[True, False], [True, True]])
    b = np.array([True, False])
    for fn, ref in [(tf.logical_and, np.logical_and), (tf.logical_or, np.logical_or),
                    (tf.logical_xor, np.logical_xor)]:
        np.testing.assert_array_equal(fn(a, b).numpy(), ref(a, b))
    np.testing.assert_array_equal(tf.logical_not(a).numpy(), ~a)
    with pytest.raises(TypeError, match="LogicalAnd"):
        tf.logical_and(tf.constant([1.0]), tf.constant([True]))
    with pytest.raises(TypeError, match="LogicalNot"):
        tf.logical_not(tf.constant([1]))


def test_string_equality():
    np.testing.assert_array_equal(tf.equal(tf.constant(["a", "b"]), "a").numpy(), [True, False])


# ==================================================================== where / select
@pytest.mark.parametrize("shapes", [[(3, 4), (3, 4), (3, 4)], [(3, 4), (4,), (3, 1)],
                                    [(4,), (3, 4), ()]], ids=str)
def test_where_v2_broadcasts(shapes):
    rng = np.random.RandomState(5)
    c = rng.uniform(size=shapes[0]) > 0.5
    x, y = rng.uniform(-1, 1, shapes[1]), rng.uniform(-1, 1, shapes[2])
    check_op(lambda c_, a, b: tf.where_v2(c_, a, b), np.where, None, inputs=[c, x, y],
             grad_args=[1, 2], double_backward=True)


def test_where_with_only_a_condition_gives_coordinates():
    idx = tf.where([[True, False], [False, True]])
    assert idx.dtype == tf.int64
    np.testing.assert_array_equal(idx.numpy(), [[0, 0], [1, 1]])


def test_where_tf1_vector_condition_picks_rows():
    c = np.array([True, False, True])
    x, y = np.ones((3, 3), np.float32), np.zeros((3, 3), np.float32)
    np.testing.assert_array_equal(tf.where(c, x, y).numpy(), np.where(c[:, None], x, y))
    np.testing.assert_array_equal(tf.select(c, x, y).numpy(), np.where(c[:, None], x, y))
    np.testing.assert_array_equal(tf.where_v2(c, x, y).numpy(), np.where(c, x, y))
    check_op(lambda a, b: tf.where(c, a, b), lambda a, b: np.where(c[:, None], a, b),
             [(3, 2), (3, 2)])
    with pytest.raises(ValueError, match="both be non-None"):
        tf.where(c, x)
    with pytest.raises(TypeError, match="SelectV2"):
        tf.where(c, tf.ones([3]), tf.ones([3], tf.float64))
    assert tf.where(c, 1.0, 0.0).dtype == tf.float32
