"""Slicing: t[...], tf.strided_slice, tf.slice (forward, gradients, static shapes, errors)."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op, numerical_grad

KEYS = [
    (1,),
    (-1,),
    (slice(None), 2),
    (Ellipsis, -1),
    (slice(1, None), slice(None, None, 2)),
    (slice(None, None, -1),),
    (slice(3, 0, -2), slice(None), slice(-1, None)),
    (None, 0, Ellipsis, None),
    (0, 1, 2),
    (slice(None), None, slice(1, 3)),
    (Ellipsis,),
    (slice(-2, None), Ellipsis, slice(None, 1)),
]


@pytest.mark.parametrize("key", KEYS)
def test_getitem(key):
    check_op(lambda x: x[key], lambda x: x[key], [(4, 3, 5)], double_backward=True)


def test_getitem_all_ints_gives_0d_array():
    x = tf.constant(np.arange(6.0).reshape(2, 3))
    y = x[1, 2]
    assert isinstance(y._value, np.ndarray) and y._value.shape == ()
    assert y.shape.as_list() == [] and float(y) == 5.0


def test_getitem_static_shapes_with_unknown_dims():
    x = tf.placeholder(tf.float32, [None, 3, 4])
    assert x[:, 0].shape.as_list() == [None, 4]
    assert x[1:].shape.as_list() == [None, 3, 4]
    assert x[..., tf.newaxis].shape.as_list() == [None, 3, 4, 1]
    assert x[:, ::-1, 1:3].shape.as_list() == [None, 3, 2]
    assert x[0].shape.as_list() == [3, 4]
    u = tf.placeholder(tf.float32)
    assert u[0].shape.ndims is None


def test_getitem_gradient_with_unknown_shape():
    rng = np.random.RandomState(0)
    a = rng.rand(4, 3)
    ph = tf.placeholder(tf.float64, [None, None])
    y = ph[1:, ::-2]
    w = rng.rand(3, 2)
    g = tf.gradients(tf.reduce_sum(y * w), ph)[0]
    with tf.Session() as sess:
        yv, gv = sess.run([y, g], {ph: a})
    np.testing.assert_allclose(yv, a[1:, ::-2])
    num = numerical_grad(lambda v: float(np.sum(v[1:, ::-2] * w)), [a.copy()])[0]
    np.testing.assert_allclose(gv, num, atol=1e-6)


def test_getitem_with_fed_scalar_index():
    x = tf.placeholder(tf.float64, [None, 4])
    i = tf.placeholder(tf.int32, [])
    col = x[:, i]
    row = x[i]
    part = x[i:, :i]
    assert col.shape.as_list() == [None] and row.shape.as_list() == [4]
    assert part.shape.as_list() == [None, None]
    g = tf.gradients(tf.reduce_sum(col) + tf.reduce_sum(part * 2.0), x)[0]
    a = np.arange(12.0).reshape(3, 4)
    with tf.Session() as sess:
        c, r, p, gv = sess.run([col, row, part, g], {x: a, i: 1})
    np.testing.assert_array_equal(c, a[:, 1])
    np.testing.assert_array_equal(r, a[1])
    np.testing.assert_array_equal(p, a[1:, :1])
    expect = np.zeros_like(a)
    expect[:, 1] += 1
    expect[1:, :1] += 2
    np.testing.assert_array_equal(gv, expect)


def test_getitem_with_constant_tensor_index():
    x = tf.constant(np.arange(10.0))
    np.testing.assert_array_equal(x[tf.constant(3)].numpy(), 3.0)
    np.testing.assert_array_equal(x[tf.constant(2):tf.constant(5)].numpy(), [2.0, 3.0, 4.0])


def test_getitem_list_and_mask_indices():
    a = np.arange(12.0).reshape(4, 3)
    x = tf.constant(a)
    np.testing.assert_array_equal(x[[2, 0]].numpy(), a[[2, 0]])
    np.testing.assert_array_equal(x[np.array([True, False, True, False])].numpy(), a[[0, 2]])
    np.testing.assert_array_equal(x[tf.constant([3, 3])].numpy(), a[[3, 3]])


def test_getitem_errors():
    x = tf.placeholder(tf.float32, [2, 3])
    with pytest.raises(ValueError, match="Index out of range using input dim 2"):
        x[0, 0, 0]
    with pytest.raises(ValueError, match="slice index 5 of dimension 1 out of bounds"):
        x[:, 5]
    with pytest.raises(TypeError, match="Only integers, slices"):
        x[1.5]
    with pytest.raises(TypeError, match="Only integers, slices"):
        x[:, tf.placeholder(tf.float32, [])]
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        x[::0]
    with pytest.raises(ValueError, match="Multiple ellipses"):
        x[..., 0, ...]
    with pytest.raises(TypeError, match="tf.gather"):
        x[[0, 1], 0]
    y = x[tf.placeholder(tf.int32, [])]
    assert y.shape.as_list() == [3]


def test_getitem_runtime_index_error():
    x = tf.placeholder(tf.float32, [None, 3])
    y = x[4]
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(y, {x: np.zeros((2, 3))})


@pytest.mark.parametrize("args,key", [
    (([0, 1], [3, 4], [2, 2]), (slice(0, 3, 2), slice(1, 4, 2))),
    (([1, 0], [0, 3], [1, 1], dict(end_mask=1)), (slice(1, None), slice(0, 3))),
    (([3, 0], [0, 2], [-1, 1], dict(begin_mask=2)), (slice(3, 0, -1), slice(None, 2))),
    (([1], [2], [1], dict(shrink_axis_mask=1)), (1,)),
    (([0, 0, 2], [0, 0, 3], [1, 1, 1], dict(ellipsis_mask=1, new_axis_mask=2)),
     (Ellipsis, None, slice(2, 3))),
])
def test_strided_slice(args, key):
    kw = args[3] if len(args) > 3 else {}
    check_op(lambda x: tf.strided_slice(x, *args[:3], **kw), lambda x: x[key], [(4, 5)],
             double_backward=True)


def test_strided_slice_fed_begin():
    x = tf.placeholder(tf.float32, [5, 4])
    b = tf.placeholder(tf.int32, [2])
    y = tf.strided_slice(x, b, [5, 4])
    assert y.shape.as_list() == [None, None]
    a = np.arange(20.0, dtype=np.float32).reshape(5, 4)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: a, b: [2, 1]}), a[2:, 1:])
    with pytest.raises(ValueError, match="equal size"):
        tf.strided_slice(x, [0], [1, 1])


@pytest.mark.parametrize("begin,size", [([0, 0], [2, 3]), ([1, 1], [-1, -1]), ([2, 0], [1, 2]),
                                        ([0, 2], [3, 0])])
def test_slice(begin, size):
    def ref(x):
        return x[tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))]
    check_op(lambda x: tf.slice(x, begin, size), ref, [(3, 4)], double_backward=True)


def test_slice_fed_begin_and_size():
    x = tf.placeholder(tf.float64, [4, 5])
    b = tf.placeholder(tf.int32, [2])
    s = tf.placeholder(tf.int32, [2])
    y = tf.slice(x, b, s)
    z = tf.slice(x, b, [2, -1])
    g = tf.gradients(tf.reduce_sum(y) + tf.reduce_sum(z), x)[0]
    a = np.arange(20.0).reshape(4, 5)
    with tf.Session() as sess:
        yv, zv, gv = sess.run([y, z, g], {x: a, b: [1, 2], s: [-1, 2]})
    np.testing.assert_array_equal(yv, a[1:, 2:4])
    np.testing.assert_array_equal(zv, a[1:3, 2:])
    expect = np.zeros_like(a)
    expect[1:, 2:4] += 1
    expect[1:3, 2:] += 1
    np.testing.assert_array_equal(gv, expect)


def test_slice_errors():
    x = tf.placeholder(tf.float32, [3, 4])
    with pytest.raises(ValueError, match=r"Expected size\[1\] in \[0, 3\], but got 4"):
        tf.slice(x, [0, 1], [1, 4])
    with pytest.raises(ValueError, match="vector of length 2"):
        tf.slice(x, [0], [1])
    with pytest.raises(ValueError, match=r"begin\[0\] >= 0"):
        tf.slice(x, [-1, 0], [1, 1])
    assert tf.slice(x, [1, 0], [2, -1]).shape.as_list() == [2, 4]
