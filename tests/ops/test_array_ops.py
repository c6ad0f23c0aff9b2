"""Array/shape ops: forward vs NumPy, gradients vs numerical ones, static shapes, errors."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op, numerical_grad


def check_unknown_shape(fn, ref, x, rank_known=True):
    """fn on a placeholder with unknown dims: forward and tf.gradients vs NumPy."""
    rng = np.random.RandomState(1)
    x = np.asarray(x, dtype=np.float64)
    ph = tf.placeholder(tf.float64, shape=[None] * x.ndim if rank_known else None)
    y = fn(ph)
    w = rng.uniform(0.5, 1.5, np.shape(ref(x)))
    g = tf.gradients(tf.reduce_sum(y * w), ph)[0]
    with tf.Session() as sess:
        got_y, got_g = sess.run([y, g], {ph: x})
    np.testing.assert_allclose(got_y, ref(x), rtol=1e-6, atol=1e-9)
    num = numerical_grad(lambda v: float(np.sum(ref(v) * w)), [x.copy()])[0]
    np.testing.assert_allclose(got_g, num, rtol=1e-4, atol=1e-6)
    return y


# ==================================================================== reshape family
@pytest.mark.parametrize("shape,target", [((2, 6), [3, 4]), ((2, 6), [-1]), ((2, 3, 4), [4, -1]),
                                          ((6,), [1, 2, 1, 3]), ((1,), [])])
def test_reshape(shape, target):
    check_op(lambda x: tf.reshape(x, target), lambda x: x.reshape(target), [shape],
             double_backward=True)


def test_reshape_static_shape_with_unknown_batch():
    x = tf.placeholder(tf.float32, [None, 784])
    assert tf.reshape(x, [-1, 28, 28, 1]).shape.as_list() == [None, 28, 28, 1]
    assert tf.reshape(x, [-1, 28, 28, 1]).get_shape().as_list()[1:] == [28, 28, 1]
    assert str(tf.reshape(x, [-1, 28, 28, 1]).shape) == "(?, 28, 28, 1)"


def test_reshape_with_dynamic_batch_dim_keeps_static_dims():
    x = tf.placeholder(tf.float32, [None, 28, 28])
    y = tf.reshape(x, [tf.shape(x)[0], -1])
    assert y.shape.as_list() == [None, 784]
    z = tf.reshape(x, tf.stack([tf.shape(x)[0], 28 * 28]))
    assert z.shape.as_list() == [None, 784]
    u = tf.reshape(x, tf.shape(x))
    assert u.shape.as_list() == [None, 28, 28]
    v = tf.reshape(x, tf.concat([tf.shape(x)[:1], [-1, 4]], 0))
    assert v.shape.as_list() == [None, 196, 4]
    with tf.Session() as sess:
        a = np.random.rand(3, 28, 28)
        out = sess.run([y, z, u, v], {x: a})
    assert [o.shape for o in out] == [(3, 784), (3, 784), (3, 28, 28), (3, 196, 4)]


def test_reshape_fed_shape():
    x = tf.placeholder(tf.float32, [None, 6])
    s = tf.placeholder(tf.int32, [3])
    y = tf.reshape(x, s)
    assert y.shape.as_list() == [None, None, None]
    g = tf.gradients(tf.reduce_sum(y * y), x)[0]
    a = np.arange(12, dtype=np.float32).reshape(2, 6)
    with tf.Session() as sess:
        yv, gv = sess.run([y, g], {x: a, s: [3, 2, -1]})
    np.testing.assert_array_equal(yv, a.reshape(3, 2, 2))
    np.testing.assert_allclose(gv, 2 * a)


def test_reshape_unknown_shape_gradient():
    check_unknown_shape(lambda x: tf.reshape(x, [-1]), lambda x: x.reshape(-1),
                        np.random.rand(2, 3))
    check_unknown_shape(lambda x: tf.reshape(x, [3, -1]), lambda x: x.reshape(3, -1),
                        np.random.rand(2, 3), rank_known=False)


def test_reshape_errors_name_both_sizes():
    with pytest.raises(ValueError, match=r"Cannot reshape a tensor with 6 elements to shape \[4\] "
                                         r"\(4 elements\)"):
        tf.reshape(tf.placeholder(tf.float32, [2, 3]), [4])
    with pytest.raises(ValueError, match="evenly divisible by 5 but is 6"):
        tf.reshape(tf.placeholder(tf.float32, [2, 3]), [-1, 5])
    with pytest.raises(ValueError, match="only one input size may be -1"):
        tf.reshape(tf.zeros([4]), [-1, -1])


def test_reshape_runtime_errors():
    with pytest.raises(ValueError, match="Input to reshape is a tensor with 6 values, but the "
                                         "requested shape has 4"):
        tf.reshape(tf.zeros([2, 3]), [4])
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.reshape(x, [-1, 2])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="tensor with 3 values, but the "
                                                                 "requested shape requires a "
                                                                 "multiple of 2"):
            sess.run(y, {x: np.zeros((1, 3))})


def test_reshape_accepts_tensorshape():
    a = tf.zeros([2, 3])
    assert tf.reshape(tf.ones([6]), a.shape).shape.as_list() == [2, 3]
    with pytest.raises(ValueError, match="partially known TensorShape"):
        tf.reshape(tf.ones([6]), tf.placeholder(tf.float32, [None, 3]).shape)


@pytest.mark.parametrize("perm", [None, [1, 0, 2], [2, 0, 1], [0, -1, 1]])
def test_transpose(perm):
    ref_perm = None if perm is None else [p % 3 for p in perm]
    check_op(lambda x: tf.transpose(x, perm), lambda x: np.transpose(x, ref_perm), [(2, 3, 4)],
             double_backward=True)


def test_transpose_static_shape_and_errors():
    x = tf.placeholder(tf.float32, [None, 3, 5])
    assert tf.transpose(x, [0, 2, 1]).shape.as_list() == [None, 5, 3]
    assert tf.transpose(x).shape.as_list() == [5, 3, None]
    with pytest.raises(ValueError, match="permutation"):
        tf.transpose(x, [0, 0, 1])
    with pytest.raises(ValueError, match="Dimension must be 3 but is 2"):
        tf.transpose(x, [1, 0])


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_expand_dims(axis):
    check_op(lambda x: tf.expand_dims(x, axis), lambda x: np.expand_dims(x, axis), [(2, 3)])


def test_expand_dims_legacy_dim_and_errors():
    assert tf.expand_dims(tf.zeros([2, 3]), dim=1).shape.as_list() == [2, 1, 3]
    x = tf.placeholder(tf.float32, [None, 3])
    assert tf.expand_dims(x, -1).shape.as_list() == [None, 3, 1]
    with pytest.raises(ValueError, match="Tried to expand dim index 3"):
        tf.expand_dims(x, 3)
    with pytest.raises(ValueError, match="axis"):
        tf.expand_dims(x)


@pytest.mark.parametrize("axis", [None, [1], [1, 3], -1, [0, -1]])
def test_squeeze(axis):
    check_op(lambda x: tf.squeeze(x, axis), lambda x: np.squeeze(x, None if axis is None else
                                                                 tuple(np.atleast_1d(axis))),
             [(1, 2, 3, 1)] if axis != [1] and axis != [1, 3] else [(2, 1, 3, 1)])


def test_squeeze_legacy_and_errors():
    assert tf.squeeze(tf.zeros([1, 2, 1]), squeeze_dims=[0]).shape.as_list() == [2, 1]
    x = tf.placeholder(tf.float32, [None, 1, 3])
    assert tf.squeeze(x, [1]).shape.as_list() == [None, 3]
    assert tf.squeeze(x).shape.ndims is None
    with pytest.raises(ValueError, match=r"Can not squeeze dim\[2\], expected a dimension of 1, "
                                         "got 3"):
        tf.squeeze(x, [2])
    with pytest.raises(ValueError, match="Tried to squeeze dim index 5"):
        tf.squeeze(x, [5])
    with pytest.raises(ValueError, match="Can not squeeze dim"):
        tf.squeeze(tf.zeros([2, 3]), 0)
    check_unknown_shape(lambda x: tf.squeeze(x), np.squeeze, np.random.rand(2, 1, 3))


# ==================================================================== concat / stack / split
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concat(axis):
    shapes = [(2, 3), (2, 3), (2, 3)]
    if axis == 0:
        shapes = [(1, 3), (2, 3), (3, 3)]
    check_op(lambda *xs: tf.concat(list(xs), axis), lambda *xs: np.concatenate(xs, axis), shapes,
             double_backward=True)


def test_concat_static_shapes_and_unknown_gradient():
    a = tf.placeholder(tf.float32, [None, 3])
    b = tf.placeholder(tf.float32, [None, 2])
    assert tf.concat([a, b], 1).shape.as_list() == [None, 5]
    assert tf.concat([a, a], 0).shape.as_list() == [None, 3]
    rng = np.random.RandomState(0)
    x = tf.placeholder(tf.float64, [None, None])
    y = tf.placeholder(tf.float64, [None, None])
    c = tf.concat([x, y], 0)
    w = rng.rand(5, 2)
    gx, gy = tf.gradients(tf.reduce_sum(c * w), [x, y])
    with tf.Session() as sess:
        gxv, gyv = sess.run([gx, gy], {x: rng.rand(2, 2), y: rng.rand(3, 2)})
    np.testing.assert_allclose(gxv, w[:2])
    np.testing.assert_allclose(gyv, w[2:])


def test_concat_errors():
    one = tf.concat([tf.constant([1.0, 2.0])], 0)
    np.testing.assert_array_equal(one.numpy(), [1.0, 2.0])
    with pytest.raises(TypeError, match="don't all match"):
        tf.concat([tf.zeros([2]), tf.zeros([2], tf.int32)], 0)
    with pytest.raises(ValueError, match="Dimension 1 in both shapes must be equal"):
        tf.concat([tf.placeholder(tf.float32, [2, 3]), tf.placeholder(tf.float32, [2, 4])], 0)
    with pytest.raises(ValueError, match="Can't concatenate scalars"):
        tf.concat([tf.placeholder(tf.float32, []), tf.placeholder(tf.float32, [])], 0)
    with pytest.raises(ValueError, match="range"):
        tf.concat([tf.placeholder(tf.float32, [2]), tf.placeholder(tf.float32, [2])], 1)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_stack(axis):
    check_op(lambda a, b, c: tf.stack([a, b, c], axis), lambda a, b, c: np.stack([a, b, c], axis),
             [(2, 3)] * 3, double_backward=True)


def test_stack_python_numbers_and_tensors():
    v = tf.pack([tf.constant(1.0), 2.0])
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(tf.convert_to_tensor([tf.constant(1), 2]).numpy(), [1, 2])
    mixed = tf.stack([1, 2.5])
    assert mixed.dtype == tf.float32 and mixed.numpy().tolist() == [1.0, 2.5]
    assert tf.concat([[1], [2.5, 3]], 0).dtype == tf.float32
    with pytest.raises(TypeError, match="don't all match"):
        tf.stack([tf.constant(1.0), tf.constant(1)])
    n = tf.placeholder(tf.int32, [])
    s = tf.stack([n, 28, 28])
    assert s.dtype == tf.int32 and s.shape.as_list() == [3]
    with pytest.raises(ValueError, match="Shapes must be equal rank"):
        tf.stack([tf.placeholder(tf.float32, [2]), tf.placeholder(tf.float32, [2, 1])])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unstack(axis):
    def fn(x):
        parts = tf.unstack(x, axis=axis)
        return tf.add_n([p * (i + 1.0) for i, p in enumerate(parts)])

    def ref(x):
        parts = [np.take(x, i, axis=axis) for i in range(x.shape[axis])]
        return sum(p * (i + 1.0) for i, p in enumerate(parts))
    check_op(fn, ref, [(3, 2, 4)], double_backward=True)


def test_unstack_only_some_outputs_used_and_aliases():
    check_op(lambda x: tf.unpack(x)[1], lambda x: x[1], [(3, 2)])
    assert len(tf.unstack(tf.zeros([4, 2]))) == 4
    with pytest.raises(ValueError, match="Cannot infer argument `num`"):
        tf.unstack(tf.placeholder(tf.float32, [None, 2]))
    parts = tf.unstack(tf.placeholder(tf.float32, [None, 2]), axis=1)
    assert [p.shape.as_list() for p in parts] == [[None], [None]]


@pytest.mark.parametrize("spec,axis", [(3, 1), ([1, 2, 3], 1), ([2, -1], 1), (2, 0), ([4, 2], -1)])
def test_split(spec, axis):
    def ref(x):
        if isinstance(spec, int):
            parts = np.split(x, spec, axis)
        else:
            sizes = list(spec)
            if -1 in sizes:
                sizes[sizes.index(-1)] = x.shape[axis] - (sum(sizes) + 1)
            parts = np.split(x, np.cumsum(sizes)[:-1], axis)
        return np.concatenate([p * (i + 1.0) for i, p in enumerate(parts)], axis)

    def fn(x):
        parts = tf.split(x, spec, axis)
        return tf.concat([p * (i + 1.0) for i, p in enumerate(parts)], axis)
    check_op(fn, ref, [(4, 6)], double_backward=True)


def test_split_shapes_and_errors():
    x = tf.placeholder(tf.float32, [None, 30])
    assert [t.shape.as_list() for t in tf.split(x, [4, 15, 11], 1)] == [[None, 4], [None, 15],
                                                                         [None, 11]]
    assert [t.shape.as_list() for t in tf.split(x, 3, 0)] == [[None, 30]] * 3
    with pytest.raises(ValueError, match="evenly divide"):
        tf.split(x, 4, 1)
    with pytest.raises(ValueError, match="Determined shape must either match"):
        tf.split(x, [4, 5], 1)
    with tf.Session() as sess:
        parts = sess.run(tf.split(x, 3, 0), {x: np.zeros((6, 30))})
    assert [p.shape for p in parts] == [(2, 30)] * 3
    first = tf.split(tf.reshape(tf.range(6.0), [2, 3]), 3, axis=1)[0]
    check_unknown_shape(lambda v: tf.split(v, 2, 0)[1], lambda v: np.split(v, 2, 0)[1],
                        np.random.rand(4, 3))
    assert first.shape.as_list() == [2, 1]


# ==================================================================== fills and generators
def test_zeros_ones_fill():
    assert tf.zeros([2, 3]).numpy().tolist() == [[0.0] * 3] * 2
    assert tf.ones(3, tf.int32).numpy().tolist() == [1, 1, 1]
    assert tf.zeros((2,), dtype=tf.int64).dtype == tf.int64
    np.testing.assert_array_equal(tf.fill([2, 3], 9).numpy(), np.full((2, 3), 9, np.int32))
    assert tf.fill([2], 1.5).dtype == tf.float32
    assert tf.zeros(tf.constant([2, 2])).shape.as_list() == [2, 2]
    assert tf.ones(tf.zeros([3, 1]).shape).shape.as_list() == [3, 1]
    with pytest.raises(ValueError, match="non-negative"):
        tf.zeros([-1, 2])


def test_fills_with_dynamic_shape():
    x = tf.placeholder(tf.float32, [None, 5])
    z = tf.zeros([tf.shape(x)[0], 10])
    o = tf.ones(tf.shape(x), dtype=tf.int32)
    f = tf.fill(tf.shape(x), 2.0)
    assert z.shape.as_list() == [None, 10] and o.shape.as_list() == [None, 5]
    with tf.Session() as sess:
        zv, ov, fv = sess.run([z, o, f], {x: np.zeros((3, 5))})
    assert zv.shape == (3, 10) and zv.dtype == np.float32 and not zv.any()
    assert ov.dtype == np.int32 and ov.sum() == 15 and (fv == 2).all()


def test_zeros_like_ones_like():
    x = tf.constant([[1.5, 2.0]])
    assert tf.zeros_like(x).numpy().tolist() == [[0.0, 0.0]]
    y = tf.ones_like(x, dtype=tf.int32)
    assert y.dtype == tf.int32 and y.numpy().tolist() == [[1, 1]]
    assert tf.ones_like(tf.constant([True, False])).numpy().tolist() == [True, True]
    ph = tf.placeholder(tf.float32, [None, 4])
    assert tf.zeros_like(ph).shape.as_list() == [None, 4]


def test_range():
    np.testing.assert_array_equal(tf.range(5).numpy(), np.arange(5))
    assert tf.range(5).dtype == tf.int32
    np.testing.assert_array_equal(tf.range(3, 18, 3).numpy(), [3, 6, 9, 12, 15])
    np.testing.assert_allclose(tf.range(3, 1, -0.5).numpy(), [3.0, 2.5, 2.0, 1.5])
    assert tf.range(3, 1, -0.5).dtype == tf.float32
    assert tf.range(0, 5, dtype=tf.float64).dtype == tf.float64
    assert tf.range(4, dtype=tf.int64).numpy().dtype == np.int64
    with pytest.raises(ValueError, match="Requires delta != 0"):
        tf.range(0, 5, 0)
    with pytest.raises(ValueError, match="Requires start <= limit when delta > 0"):
        tf.range(5, 1)


def test_range_symbolic_limit():
    x = tf.placeholder(tf.float32, [None, 2])
    r = tf.range(tf.shape(x)[0])
    assert r.shape.as_list() == [None]
    assert tf.range(2, 10, 3).shape.as_list() == [3]
    idx = tf.stack([r, tf.zeros_like(r)], axis=1)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(idx, {x: np.zeros((3, 2))}),
                                      [[0, 0], [1, 0], [2, 0]])


def test_linspace_and_alias():
    np.testing.assert_allclose(tf.linspace(10.0, 12.0, 3).numpy(), [10.0, 11.0, 12.0])
    assert tf.lin_space(0.0, 1.0, 5).shape.as_list() == [5]
    np.testing.assert_allclose(tf.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1).numpy(),
                               np.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1))
    with pytest.raises(TypeError, match="DataType int32"):
        tf.linspace(0, 3, 4)


def test_eye():
    np.testing.assert_array_equal(tf.eye(3).numpy(), np.eye(3))
    np.testing.assert_array_equal(tf.eye(2, 3).numpy(), np.eye(2, 3))
    b = tf.eye(2, batch_shape=[3], dtype=tf.int32)
    assert b.shape.as_list() == [3, 2, 2] and b.dtype == tf.int32
    np.testing.assert_array_equal(b.numpy()[2], np.eye(2))


# ==================================================================== queries, identity
def test_shape_size_rank():
    x = tf.zeros([2, 3, 4])
    np.testing.assert_array_equal(tf.shape(x).numpy(), [2, 3, 4])
    assert tf.shape(x, out_type=tf.int64).dtype == tf.int64
    assert int(tf.size(x)) == 24 and int(tf.rank(x)) == 3
    ph = tf.placeholder(tf.float32, [None, 3])
    assert tf.shape(ph).shape.as_list() == [2]
    assert tf.rank(ph).shape.as_list() == [] and tf.size(ph).dtype == tf.int32
    s1, s2 = tf.shape_n([ph, tf.zeros([4])])
    with tf.Session() as sess:
        out = sess.run([tf.shape(ph), tf.size(ph), tf.rank(ph), s1, s2], {ph: np.zeros((5, 3))})
    assert out[0].tolist() == [5, 3] and out[1] == 15 and out[2] == 2
    assert out[3].tolist() == [5, 3] and out[4].tolist() == [4]


def test_identity_and_stop_gradient():
    check_op(tf.identity, lambda x: x, [(2, 3)], double_backward=True)
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * tf.stop_gradient(x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1.0, 2.0])


def test_where_one_argument():
    c = np.array([[True, False, True], [False, False, True]])
    w = tf.where(c)
    assert w.dtype == tf.int64
    np.testing.assert_array_equal(w.numpy(), np.argwhere(c))
    np.testing.assert_array_equal(tf.where(tf.constant([0, 3, 0, 1])).numpy(), [[1], [3]])
    ph = tf.placeholder(tf.bool, [None, 3])
    wi = tf.where(ph)
    assert wi.shape.as_list() == [None, 2]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(wi, {ph: c}), np.argwhere(c))
