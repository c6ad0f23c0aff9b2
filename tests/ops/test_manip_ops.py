"""tile, pad, reverse, roll, broadcast_to, meshgrid."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op


@pytest.mark.parametrize("shape,mult", [((2, 3), [1, 2]), ((2, 3), [3, 1]), ((1, 2, 2), [2, 2, 3]),
                                        ((3,), [1])])
def test_tile(shape, mult):
    check_op(lambda x: tf.tile(x, mult), lambda x: np.tile(x, mult), [shape], double_backward=True)


def test_tile_dynamic_multiples_and_shapes():
    x = tf.placeholder(tf.float64, [None, 3])
    n = tf.placeholder(tf.int32, [])
    y = tf.tile(x, [1, 2])
    assert y.shape.as_list() == [None, 6]
    z = tf.tile(x, tf.stack([n, 1]))
    assert z.shape.as_list() == [None, 3]
    g = tf.gradients(tf.reduce_sum(z * z), x)[0]
    a = np.arange(6.0).reshape(2, 3)
    with tf.Session() as sess:
        zv, gv = sess.run([z, g], {x: a, n: 3})
    np.testing.assert_array_equal(zv, np.tile(a, [3, 1]))
    np.testing.assert_allclose(gv, 2 * 3 * a)
    with pytest.raises(ValueError, match="length 2 but got length 3"):
        tf.tile(x, [1, 2, 3])


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC", "reflect"])
@pytest.mark.parametrize("pads", [[[1, 2], [2, 1]], [[0, 0], [2, 2]], [[2, 0], [0, 3]]])
def test_pad(mode, pads):
    np_mode = mode.lower()
    check_op(lambda x: tf.pad(x, pads, mode), lambda x: np.pad(x, pads, mode=np_mode), [(3, 4)],
             double_backward=True)


def test_pad_symmetric_full_width_and_constant_values():
    check_op(lambda x: tf.pad(x, [[3, 3]], "SYMMETRIC"), lambda x: np.pad(x, [[3, 3]], "symmetric"),
             [(3,)])
    y = tf.pad(tf.ones([2, 2], tf.int32), [[1, 0], [0, 1]], constant_values=7)
    np.testing.assert_array_equal(y.numpy(), np.pad(np.ones((2, 2)), [[1, 0], [0, 1]],
                                                    constant_values=7))
    assert y.dtype == tf.int32


def test_pad_shapes_dynamic_paddings_and_errors():
    x = tf.placeholder(tf.float64, [None, 4])
    assert tf.pad(x, [[1, 1], [2, 2]]).shape.as_list() == [None, 8]
    p = tf.placeholder(tf.int32, [2, 2])
    y = tf.pad(x, p, "REFLECT")
    g = tf.gradients(tf.reduce_sum(y), x)[0]
    a = np.arange(8.0).reshape(2, 4)
    with tf.Session() as sess:
        yv, gv = sess.run([y, g], {x: a, p: [[1, 0], [2, 1]]})
    np.testing.assert_array_equal(yv, np.pad(a, [[1, 0], [2, 1]], "reflect"))
    # each input position counts how often it appears in the padded output
    expect = np.zeros((2, 4))
    idx = np.pad(np.arange(8).reshape(2, 4), [[1, 0], [2, 1]], "reflect")
    np.add.at(expect.reshape(-1), idx.reshape(-1), 1.0)
    np.testing.assert_array_equal(gv, expect)
    with pytest.raises(ValueError, match="less than the dimension size"):
        tf.pad(tf.placeholder(tf.float32, [2, 3]), [[2, 0], [0, 0]], "REFLECT")
    with pytest.raises(ValueError, match="no greater than the dimension size"):
        tf.pad(tf.placeholder(tf.float32, [2, 3]), [[3, 0], [0, 0]], "SYMMETRIC")
    with pytest.raises(ValueError, match="non-negative"):
        tf.pad(tf.placeholder(tf.float32, [2, 3]), [[-1, 0], [0, 0]])
    with pytest.raises(ValueError, match="mode"):
        tf.pad(tf.placeholder(tf.float32, [2]), [[1, 1]], "WRAP")
    with pytest.raises(ValueError, match="rank of inputs"):
        tf.pad(tf.placeholder(tf.float32, [2]), [[1, 1], [0, 0]])


@pytest.mark.parametrize("axis", [[0], [1], [0, 2], [-1]])
def test_reverse(axis):
    check_op(lambda x: tf.reverse(x, axis), lambda x: np.flip(x, tuple(axis)), [(2, 3, 4)],
             double_backward=True)


def test_reverse_v2_alias_and_errors():
    np.testing.assert_array_equal(tf.reverse_v2(tf.constant([[1, 2, 3]]), [1]).numpy(), [[3, 2, 1]])
    with pytest.raises(ValueError, match="out of valid range"):
        tf.reverse(tf.placeholder(tf.float32, [2]), [1])


@pytest.mark.parametrize("shift,axis", [(1, 0), (-2, 1), ([1, 2], [0, 1])])
def test_roll(shift, axis):
    check_op(lambda x: tf.roll(x, shift, axis), lambda x: np.roll(x, shift, axis), [(3, 4)],
             double_backward=True)


@pytest.mark.parametrize("shape,target", [((3,), [2, 3]), ((2, 1), [2, 4]), ((1,), [3, 2, 1])])
def test_broadcast_to(shape, target):
    check_op(lambda x: tf.broadcast_to(x, target), lambda x: np.broadcast_to(x, target), [shape],
             double_backward=True)


def test_broadcast_to_dynamic_and_errors():
    x = tf.placeholder(tf.float32, [None, 3])
    b = tf.broadcast_to(tf.constant([1.0, 2.0, 3.0]), tf.shape(x))
    assert b.shape.as_list() == [None, 3]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(b, {x: np.zeros((2, 3))}), [[1, 2, 3]] * 2)
    with pytest.raises(ValueError, match="Incompatible shapes"):
        tf.broadcast_to(tf.placeholder(tf.float32, [3]), [2, 2])


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(indexing):
    def fn(a, b, c):
        X, Y, Z = tf.meshgrid(a, b, c, indexing=indexing)
        return X * 1.0 + Y * Y + Z * 3.0

    def ref(a, b, c):
        X, Y, Z = np.meshgrid(a, b, c, indexing=indexing)
        return X * 1.0 + Y * Y + Z * 3.0
    check_op(fn, ref, [(2,), (3,), (4,)], double_backward=True)


def test_meshgrid_two_inputs_shapes():
    X, Y = tf.meshgrid([1, 2, 3], [4, 5])
    assert X.shape.as_list() == [2, 3] and Y.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(X.numpy(), np.meshgrid([1, 2, 3], [4, 5])[0])
    a = tf.placeholder(tf.float32, [None])
    P, Q = tf.meshgrid(a, tf.zeros([4]), indexing="ij")
    assert P.shape.as_list() == [None, 4]
