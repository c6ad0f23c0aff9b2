"""gather, gather_nd, scatter_nd, one_hot, boolean_mask, sequence_mask, unique, reverse_sequence."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op

rng = np.random.RandomState(0)


def ref_gather(p, i, axis=0, batch_dims=0):
    if batch_dims == 0:
        return np.take(p, i, axis=axis)
    return np.stack([ref_gather(p[b], i[b], axis - 1, batch_dims - 1) for b in range(p.shape[0])])


# ==================================================================== gather
@pytest.mark.parametrize("pshape,ishape,axis", [((5, 3), (4,), 0), ((5, 3), (2, 3), 0),
                                                ((2, 5, 3), (4,), 1), ((2, 3, 5), (2, 2), -1),
                                                ((6,), (), 0)])
def test_gather(pshape, ishape, axis):
    n = pshape[axis]
    idx = rng.randint(0, n, ishape)
    if idx.size > 1:
        idx.reshape(-1)[:2] = [n - 1, n - 1]  # repeated indices: their gradients add up
    check_op(lambda p, i: tf.gather(p, i, axis=axis), lambda p, i: np.take(p, i, axis=axis),
             None, inputs=[rng.rand(*pshape), idx], grad_args=[0], double_backward=True)


@pytest.mark.parametrize("pshape,ishape,axis,bd", [((2, 5, 3), (2, 4), 1, 1),
                                                   ((2, 3, 5), (2, 2), 2, 1),
                                                   ((2, 3, 4, 2), (2, 3, 2), 2, 2),
                                                   ((2, 3, 4), (2, 3), 2, -1)])
def test_gather_batch_dims(pshape, ishape, axis, bd):
    n = pshape[axis]
    idx = rng.randint(0, n, ishape)
    b = bd % len(ishape)
    check_op(lambda p, i: tf.gather(p, i, axis=axis, batch_dims=bd),
             lambda p, i: ref_gather(p, i, axis, b), None, inputs=[rng.rand(*pshape), idx],
             grad_args=[0], double_backward=True)


def test_batch_gather():
    p, i = rng.rand(2, 5, 3), rng.randint(0, 5, (2, 4))
    np.testing.assert_allclose(tf.batch_gather(p, i).numpy(), ref_gather(p, i, 1, 1))


def test_gather_static_shapes_and_errors():
    p = tf.placeholder(tf.float32, [None, 8])
    i = tf.placeholder(tf.int32, [None, 2])
    assert tf.gather(p, i).shape.as_list() == [None, 2, 8]
    assert tf.gather(p, i, axis=1).shape.as_list() == [None, None, 2]
    with pytest.raises(TypeError, match="not in list of allowed values: int32, int64"):
        tf.gather(p, tf.placeholder(tf.float32, [3]))
    with pytest.raises(ValueError, match="batch_dims"):
        tf.gather(p, i, axis=0, batch_dims=1)
    y = tf.gather(p, tf.constant([0, 9]), axis=1)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"indices\[1\] = 9 is not in \[0, 8\)"):
            sess.run(y, {p: np.zeros((2, 8))})


def test_gather_eager_errors_and_variable_gradient():
    with pytest.raises(ValueError, match=r"indices\[0,1\] = -1 is not in \[0, 3\)"):
        tf.gather(tf.zeros([3, 2]), [[0, -1]])
    v = tf.Variable(np.arange(6.0).reshape(3, 2))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, [2, 2, 0]))
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [[1, 1], [0, 0], [2, 2]])


# ==================================================================== gather_nd / scatter_nd
@pytest.mark.parametrize("pshape,idx", [((3, 4), [[0, 1], [2, 3], [2, 3]]), ((3, 4), [[1], [0]]),
                                        ((2, 3, 4), [[[0, 2], [1, 1]]]), ((3, 4), [2, 1])])
def test_gather_nd(pshape, idx):
    idx = np.array(idx)

    def ref(p, i):
        return p[tuple(np.moveaxis(i, -1, 0))]
    check_op(lambda p, i: tf.gather_nd(p, i), ref, None, inputs=[rng.rand(*pshape), idx],
             grad_args=[0], double_backward=True)


def test_gather_nd_batch_dims():
    p, i = rng.rand(2, 3, 4), np.array([[[1], [0]], [[2], [2]]])

    def ref(p, i):
        return np.stack([p[b][tuple(np.moveaxis(i[b], -1, 0))] for b in range(2)])
    check_op(lambda p, i: tf.gather_nd(p, i, batch_dims=1), ref, None, inputs=[p, i],
             grad_args=[0], double_backward=True)


def test_gather_nd_shapes_and_errors():
    with pytest.raises(ValueError, match=r"indices\[0\] = \[0, 2\] does not index into param "
                                         r"shape \[2, 2\]"):
        tf.gather_nd(tf.zeros([2, 2]), [[0, 2]])
    p = tf.placeholder(tf.float32, [None, 4, 5])
    assert tf.gather_nd(p, tf.placeholder(tf.int32, [7, 2])).shape.as_list() == [7, 5]
    with pytest.raises(ValueError, match="innermost dimension length must be <= params rank"):
        tf.gather_nd(p, tf.placeholder(tf.int32, [7, 4]))


def test_scatter_nd():
    y = tf.scatter_nd([[4], [3], [1], [7], [4]], [9, 10, 11, 12, 1], [8])
    np.testing.assert_array_equal(y.numpy(), [0, 11, 0, 10, 10, 0, 0, 12])
    idx = np.array([[0], [2], [0]])
    ref = np.zeros((4, 3))

    def np_scatter(u):
        out = ref.copy()
        np.add.at(out, idx[:, 0], u)
        return out
    check_op(lambda u: tf.scatter_nd(idx, u, [4, 3]), np_scatter, [(3, 3)], double_backward=True)


def test_scatter_nd_fed_shape():
    s = tf.placeholder(tf.int32, [2])
    u = tf.placeholder(tf.float32, [2])
    y = tf.scatter_nd([[0, 1], [1, 0]], u, s)
    assert y.shape.as_list() == [None, None]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {s: [2, 3], u: [5, 6]}), [[0, 5, 0], [6, 0, 0]])


@pytest.mark.parametrize("fn,mode", [(tf.tensor_scatter_nd_update, "update"),
                                     (tf.tensor_scatter_nd_add, "add"),
                                     (tf.tensor_scatter_nd_sub, "sub")])
def test_tensor_scatter(fn, mode):
    idx = np.array([[1], [3]])

    def ref(t, i, u):
        y = t.copy()
        if mode == "update":
            y[i[:, 0]] = u
        else:
            np.add.at(y, i[:, 0], u if mode == "add" else -u)
        return y
    check_op(fn, ref, None, inputs=[rng.rand(4, 2), idx, rng.rand(2, 2)], grad_args=[0, 2],
             double_backward=True)


# ==================================================================== one_hot
def test_one_hot_defaults_and_out_of_range():
    y = tf.one_hot([0, 2, -1, 3], 3)
    assert y.dtype == tf.float32
    np.testing.assert_array_equal(y.numpy(), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_one_hot_axis(axis):
    idx = np.array([[0, 2, 1], [1, 1, 5]])
    y = tf.one_hot(idx, 4, axis=axis).numpy()
    full = (idx[..., None] == np.arange(4)).astype(np.float32)
    np.testing.assert_array_equal(y, np.moveaxis(full, -1, axis if axis != -1 else -1))


def test_one_hot_values_dtype_and_shapes():
    y = tf.one_hot([1, 0], 2, on_value=5, off_value=-1)
    assert y.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy(), [[-1, 5], [5, -1]])
    z = tf.one_hot([1], 3, on_value=2.0)
    assert z.dtype == tf.float32 and z.numpy().tolist() == [[0.0, 2.0, 0.0]]
    assert tf.one_hot([1], 2, dtype=tf.int64).dtype == tf.int64
    assert tf.one_hot([1], 2, dtype=tf.float64, on_value=3).numpy().tolist() == [[0.0, 3.0]]
    with pytest.raises(TypeError, match="does not match"):
        tf.one_hot([1], 2, on_value=1.0, off_value=0)
    with pytest.raises(TypeError, match="uint8, int32, int64"):
        tf.one_hot([1.0], 2)
    labels = tf.placeholder(tf.int32, [None, 1])
    oh = tf.one_hot(labels, 7)
    assert oh.shape.as_list() == [None, 1, 7]
    with tf.Session() as sess:
        v = sess.run(oh, {labels: [[3], [6]]})
    assert v.shape == (2, 1, 7) and v[1, 0, 6] == 1 and v.sum() == 2


# ==================================================================== masks
@pytest.mark.parametrize("shape,mask,axis", [
    ((5,), [1, 0, 1, 1, 0], None),
    ((3, 4), [[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 1]], None),
    ((3, 2), [0, 1, 1], 0),
    ((2, 4, 3), [1, 0, 0, 1], 1),
])
def test_boolean_mask(shape, mask, axis):
    m = np.array(mask, dtype=bool)
    a = axis or 0
    check_op(lambda x: tf.boolean_mask(x, m, axis=axis),
             lambda x: x[(slice(None),) * a + (m,)], [shape], double_backward=True)


def test_boolean_mask_shapes_and_errors():
    x = tf.placeholder(tf.float32, [None, 4])
    m = tf.placeholder(tf.bool, [None])
    assert tf.boolean_mask(x, m).shape.as_list() == [None, 4]
    with pytest.raises(ValueError, match="incompatible"):
        tf.boolean_mask(x, tf.placeholder(tf.bool, [None, 3]))
    with pytest.raises(ValueError, match="scalar"):
        tf.boolean_mask(x, tf.placeholder(tf.bool, []))
    with pytest.raises(TypeError, match="bool"):
        tf.boolean_mask(x, tf.placeholder(tf.int32, [None]))
    y = tf.boolean_mask(x, m)
    g = tf.gradients(tf.reduce_sum(y * 2.0), x)[0]
    with tf.Session() as sess:
        yv, gv = sess.run([y, g], {x: np.ones((3, 4)), m: [True, False, True]})
    assert yv.shape == (2, 4)
    np.testing.assert_array_equal(gv, [[2] * 4, [0] * 4, [2] * 4])


def test_sequence_mask():
    np.testing.assert_array_equal(tf.sequence_mask([1, 3, 2], 5).numpy(),
                                  np.arange(5) < np.array([[1], [3], [2]]))
    np.testing.assert_array_equal(tf.sequence_mask([[1, 3], [2, 0]]).numpy(),
                                  np.arange(3) < np.array([[1, 3], [2, 0]])[..., None])
    f = tf.sequence_mask([2], 3, dtype=tf.float32)
    assert f.dtype == tf.float32 and f.numpy().tolist() == [[1.0, 1.0, 0.0]]
    n = tf.placeholder(tf.int32, [None])
    k = tf.placeholder(tf.int32, [])
    a, b = tf.sequence_mask(n, 4), tf.sequence_mask(n, k)
    assert a.shape.as_list() == [None, 4] and b.shape.as_list() == [None, None]
    with tf.Session() as sess:
        av, bv = sess.run([a, b], {n: [0, 2], k: 3})
    assert av.tolist() == [[False] * 4, [True, True, False, False]]
    assert bv.shape == (2, 3)


# ==================================================================== unique, reverse_sequence
def test_unique():
    y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
    np.testing.assert_array_equal(y.numpy(), [1, 2, 4, 7, 8])
    np.testing.assert_array_equal(idx.numpy(), [0, 0, 1, 2, 2, 2, 3, 4, 4])
    u = tf.unique(tf.constant([3.0, 1.0, 3.0, 2.0]), out_idx=tf.int64)
    np.testing.assert_array_equal(u.y.numpy(), [3.0, 1.0, 2.0])
    assert u.idx.dtype == tf.int64 and u.idx.numpy().tolist() == [0, 1, 0, 2]
    y, idx, count = tf.unique_with_counts([5, 2, 5, 5, 9])
    assert y.numpy().tolist() == [5, 2, 9] and count.numpy().tolist() == [3, 1, 1]
    assert idx.numpy().tolist() == [0, 1, 0, 0, 2]
    ph = tf.placeholder(tf.int32, [None])
    assert tf.unique(ph).idx.shape.as_list() == [None]
    with pytest.raises(ValueError, match="1D vector"):
        tf.unique(tf.placeholder(tf.int32, [2, 2]))


@pytest.mark.parametrize("seq_axis,batch_axis", [(1, 0), (0, 1), (1, 2)])
def test_reverse_sequence(seq_axis, batch_axis):
    shape = [3, 4, 2]
    lengths = np.array([2, 3, 0, 1])[:shape[batch_axis]]

    def ref(x):
        y = np.moveaxis(x, (batch_axis, seq_axis), (0, 1)).copy()
        for b, n in enumerate(lengths):
            y[b, :n] = y[b, :n][::-1]
        return np.moveaxis(y, (0, 1), (batch_axis, seq_axis))
    check_op(lambda x: tf.reverse_sequence(x, lengths, seq_axis=seq_axis, batch_axis=batch_axis),
             ref, [shape], double_backward=True)


def test_reverse_sequence_legacy_names_and_errors():
    y = tf.reverse_sequence([[1, 2, 3], [4, 5, 6]], [2, 3], seq_dim=1, batch_dim=0)
    np.testing.assert_array_equal(y.numpy(), [[2, 1, 3], [6, 5, 4]])
    with pytest.raises(ValueError, match="seq_lens"):
        tf.reverse_sequence([[1, 2, 3]], [4], seq_axis=1)
    with pytest.raises(ValueError, match="seq_axis"):
        tf.reverse_sequence([[1, 2, 3]], [1])
