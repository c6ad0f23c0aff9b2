"""Reductions, arg reductions, scans and counting ops."""
import numpy as np
import pytest
import scipy.special as sp

import neuroflow as tf
from helpers import check_op

AXES = [None, 0, -1, 1, [0, 2], (-1, 0), []]


def _ax(axis):
    return tuple(axis) if isinstance(axis, list) else axis


REDUCE = [
    ("sum", tf.reduce_sum, np.sum, True),
    ("mean", tf.reduce_mean, np.mean, True),
    ("max", tf.reduce_max, np.max, False),
    ("min", tf.reduce_min, np.min, False),
    ("prod", tf.reduce_prod, np.prod, False),
    ("logsumexp", tf.reduce_logsumexp, sp.logsumexp, True),
]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name,fn,ref,db", REDUCE, ids=[r[0] for r in REDUCE])
def test_reduce(name, fn, ref, db, axis, keepdims):
    check_op(lambda x: fn(x, axis=axis, keepdims=keepdims),
             lambda x: ref(x, axis=_ax(axis), keepdims=keepdims), [(2, 3, 4)],
             double_backward=db and axis in (None, 1) and keepdims)


@pytest.mark.parametrize("name,fn,ref,db", REDUCE, ids=[r[0] for r in REDUCE])
def test_reduce_vector_and_scalar(name, fn, ref, db):
    check_op(fn, ref, [(5,)], double_backward=db)
    check_op(lambda x: fn(x, axis=0), lambda x: ref(x, axis=0), [(5,)])
    check_op(fn, ref, [()])


def test_legacy_arguments():
    x = np.arange(24.0).reshape(2, 3, 4)
    for fn, ref in [(tf.reduce_sum, np.sum), (tf.reduce_mean, np.mean), (tf.reduce_max, np.max),
                    (tf.reduce_min, np.min), (tf.reduce_prod, np.prod),
                    (tf.reduce_logsumexp, sp.logsumexp)]:
        y = fn(x, reduction_indices=[1], keep_dims=True)
        np.testing.assert_allclose(y.numpy(), ref(x, axis=1, keepdims=True))
        y = fn(x, reduction_indices=-1)
        np.testing.assert_allclose(y.numpy(), ref(x, axis=-1))
        with pytest.raises(ValueError, match="both 'axis' and 'reduction_indices'"):
            fn(x, axis=0, reduction_indices=0)
    b = x > 5
    np.testing.assert_array_equal(tf.reduce_any(b, reduction_indices=2, keep_dims=True).numpy(),
                                  b.any(axis=2, keepdims=True))
    np.testing.assert_array_equal(tf.count_nonzero(x, reduction_indices=0, keep_dims=True).numpy(),
                                  np.count_nonzero(x, axis=0, keepdims=True))


def test_axis_as_a_tensor_and_numpy_array():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(tf.reduce_sum(x, axis=tf.constant(1)).numpy(), x.sum(1))
    np.testing.assert_allclose(tf.reduce_sum(x, axis=np.array([0, 1])).numpy(), x.sum())


def test_invalid_axis():
    with pytest.raises(ValueError, match="Invalid reduction dimension 2 for input with 2 dim"):
        tf.reduce_sum(tf.ones([2, 3]), axis=2)
    with pytest.raises(ValueError, match="Invalid reduction dimension -3"):
        tf.reduce_mean(tf.placeholder(tf.float32, [None, 3]), axis=-3)


def test_static_shapes_with_unknown_dims():
    x = tf.placeholder(tf.float32, [None, 3, 4])
    assert tf.reduce_sum(x, 1).shape.as_list() == [None, 4]
    assert tf.reduce_mean(x, [0, 2], keepdims=True).shape.as_list() == [1, 3, 1]
    assert tf.reduce_max(x).shape.as_list() == []
    assert tf.argmax(x, 2).shape.as_list() == [None, 3]
    assert tf.cumsum(x, 1).shape.as_list() == [None, 3, 4]


def test_mean_gradient_with_unknown_batch():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.reduce_mean(x * x)
    g, = tf.gradients(y, x)
    xv = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: xv}), 2 * xv / 6, rtol=1e-6)
        np.testing.assert_allclose(sess.run(g, {x: xv[:1]}), 2 * xv[:1] / 3, rtol=1e-6)


def test_unknown_rank_reduction():
    x = tf.placeholder(tf.float32)
    y = tf.reduce_sum(x, axis=-1)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {x: np.ones((2, 5))}), [5, 5])


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)], ids=str)
def test_float_mean_matches_numpy_bit_for_bit(axis):
    x = np.random.RandomState(1).standard_normal((37, 13)).astype(np.float32)
    y = tf.reduce_mean(x, axis=axis)
    assert y.dtype == tf.float32
    np.testing.assert_array_equal(y.numpy(), x.mean(axis=axis))
    h = x.astype(np.float16)
    np.testing.assert_array_equal(tf.reduce_mean(h, axis=axis).numpy(), h.mean(axis=axis))


@pytest.mark.parametrize("fn,grad", [
    (lambda x: tf.reduce_sum(x), lambda v: np.ones_like(v)),
    (lambda x: tf.reduce_mean(x, 1), lambda v: np.full_like(v, 1 / v.shape[1])),
    (lambda x: tf.reduce_max(x), lambda v: (v == v.max()).astype(v.dtype)),
    (lambda x: tf.reduce_prod(x), lambda v: np.prod(v) / v),
    (lambda x: tf.reduce_logsumexp(x), lambda v: np.exp(v) / np.exp(v).sum())],
    ids=["sum", "mean", "max", "prod", "logsumexp"])
def test_gradients_on_unknown_rank(fn, grad):
    x = tf.placeholder(tf.float32)
    g, = tf.gradients(fn(x), x)
    v = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: v}), grad(v), rtol=1e-5)


def test_integer_reductions_stay_integer():
    m = tf.reduce_mean(tf.constant([1, 2]))
    assert m.dtype == tf.int32 and m.numpy() == 1  # integer mean, as TF
    assert tf.reduce_mean(tf.constant([-1, -2])).numpy() == -1  # truncated toward zero
    np.testing.assert_array_equal(tf.reduce_mean(tf.constant([[1, 2], [4, 7]]), 0).numpy(), [2, 4])
    s = tf.reduce_sum(tf.constant([2**30, 2**30, 5]))
    assert s.dtype == tf.int32
    p = tf.reduce_prod(tf.constant([3, 4], tf.int16))
    assert p.dtype == tf.int16 and p.numpy() == 12
    assert tf.reduce_max(tf.constant([3, 9, 4], tf.int64)).dtype == tf.int64
    assert tf.reduce_mean(tf.constant([1.0, 2.0])).dtype == tf.float32


def test_bool_reductions():
    b = np.array([[True, False, True], [False, False, True]])
    np.testing.assert_array_equal(tf.reduce_any(b, axis=1).numpy(), [True, True])
    np.testing.assert_array_equal(tf.reduce_all(b, axis=0).numpy(), [False, False, True])
    assert tf.reduce_all(b).numpy() == False  # noqa: E712
    s = tf.reduce_sum(b)  # counts True values
    assert s.dtype == tf.int32 and s.numpy() == 3
    with pytest.raises(TypeError, match="bool"):
        tf.reduce_mean(b)


def test_reduce_max_ties_share_the_gradient():
    x = tf.constant([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_max(x, axis=1)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])


@pytest.mark.parametrize("axis", [None, 0, 1, [0, 1], [1, 2], [0, 2]], ids=str)
def test_reduce_prod_gradient_with_zeros(axis):
    x = np.array([[[2.0, 0.0], [3.0, 1.5]], [[0.0, 0.0], [-1.0, 4.0]]])
    ax = _ax(axis)
    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = tf.reduce_prod(t, axis=axis)
    g = tape.gradient(y, t).numpy()
    # exact: d prod / d x_i = product of the others (no 0 / 0)
    want = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        z = x.copy()
        z[idx] = 1.0
        want[idx] = np.prod(z, axis=ax, keepdims=True)[
            tuple(0 if (ax is None or i in np.atleast_1d(ax) % 3) else k
                  for i, k in enumerate(idx))]
    np.testing.assert_allclose(g, want)


def test_reduce_logsumexp_is_stable():
    x = np.array([[1000.0, 1000.0], [-np.inf, -np.inf], [-np.inf, 0.0], [np.inf, 1.0]], np.float32)
    with np.errstate(over="raise", invalid="raise"):
        y = tf.reduce_logsumexp(x, axis=1).numpy()
    np.testing.assert_allclose(y, [1000 + np.log(2), -np.inf, 0.0, np.inf], rtol=1e-6)
    check_op(lambda a: tf.reduce_logsumexp(a, 1), lambda a: sp.logsumexp(a, 1), None,
             inputs=[np.array([[500.0, 501.0], [-3.0, 4.0]])])


# ==================================================================== tf.math extras
@pytest.mark.parametrize("axis", [None, 0, [0, 2]], ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_variance_std_euclidean_norm(axis, keepdims):
    ax = _ax(axis)
    check_op(lambda x: tf.math.reduce_variance(x, axis, keepdims),
             lambda x: np.var(x, axis=ax, keepdims=keepdims), [(2, 3, 4)], double_backward=True)
    check_op(lambda x: tf.math.reduce_std(x, axis, keepdims),
             lambda x: np.std(x, axis=ax, keepdims=keepdims), [(2, 3, 4)])
    check_op(lambda x: tf.math.reduce_euclidean_norm(x, axis, keepdims),
             lambda x: np.sqrt(np.sum(x * x, axis=ax, keepdims=keepdims)), [(2, 3, 4)])


def test_variance_rejects_integers():
    with pytest.raises(TypeError, match="integer"):
        tf.math.reduce_variance(tf.constant([1, 2]))


def test_zero_fraction_and_monotonic():
    z = tf.math.zero_fraction([[0, 1], [0, 0]])
    assert z.dtype == tf.float32 and z.numpy() == 0.75
    assert tf.is_non_decreasing([1, 2, 2]).numpy() == True  # noqa: E712
    assert tf.is_non_decreasing([[1, 2], [1, 3]]).numpy() == False  # noqa: E712 - flattened
    assert tf.is_strictly_increasing([1, 2, 2]).numpy() == False  # noqa: E712
    assert tf.is_strictly_increasing([1.0, 2.5, 3.0]).numpy() == True  # noqa: E712
    assert tf.is_strictly_increasing([4]).numpy() == True  # noqa: E712


# ==================================================================== argmax / argmin
@pytest.mark.parametrize("fn,ref", [(tf.argmax, np.argmax), (tf.argmin, np.argmin)],
                         ids=["argmax", "argmin"])
def test_argmax_argmin(fn, ref):
    x = np.random.RandomState(0).uniform(size=(3, 4, 5)).astype(np.float32)
    for axis in (0, 1, 2, -1):
        y = fn(x, axis=axis)
        assert y.dtype == tf.int64
        np.testing.assert_array_equal(y.numpy(), ref(x, axis=axis))
        np.testing.assert_array_equal(fn(x, dimension=axis).numpy(), ref(x, axis=axis))
    np.testing.assert_array_equal(fn(x).numpy(), ref(x, axis=0))  # axis defaults to 0
    y = fn(x, 1, output_type=tf.int32)
    assert y.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy(), ref(x, axis=1))
    # TF2's positional order (input, axis, output_type)
    assert tf.math.argmax(x, 1, tf.int32).dtype == tf.int32
    with pytest.raises(ValueError, match="both 'axis' and 'dimension'"):
        fn(x, axis=0, dimension=0)
    with pytest.raises(ValueError, match=r"range \[-3, 3\)"):
        fn(x, axis=3)
    with pytest.raises(TypeError, match="output_type"):
        fn(x, 0, output_type=tf.float32)
    p = tf.placeholder(tf.float32, [None, 5])
    assert fn(p, 1).shape.as_list() == [None]
    assert tf.gradients(tf.cast(fn(p, 1), tf.float32), p) == [None]


def test_argmax_in_a_session_with_course_accuracy():
    logits = tf.placeholder(tf.float32, [None, 3])
    labels = tf.placeholder(tf.float32, [None, 3])
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
    acc = tf.reduce_mean(tf.cast(correct, tf.float32))
    with tf.Session() as sess:
        a = sess.run(acc, {logits: [[0.1, 0.8, 0.1], [0.9, 0.05, 0.05]],
                           labels: [[0, 1, 0], [0, 0, 1]]})
    assert a == pytest.approx(0.5)


def test_count_nonzero():
    x = np.array([[0, 1, 2], [0, 0, 3]])
    y = tf.count_nonzero(x)
    assert y.dtype == tf.int64 and y.numpy() == 3
    np.testing.assert_array_equal(tf.count_nonzero(x, axis=1).numpy(), [2, 1])
    y = tf.count_nonzero(x, 0, keepdims=True, dtype=tf.int32)
    assert y.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy(), [[0, 1, 2]])
    np.testing.assert_array_equal(tf.math.count_nonzero(input=x.astype(np.float32), axis=0).numpy(),
                                  [0, 1, 2])
    assert tf.count_nonzero([True, False, True]).numpy() == 2
    assert tf.count_nonzero(tf.constant(["", "a", "b"])).numpy() == 2


# ==================================================================== scans
def _scan_ref(fn, x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    y = fn(x, axis=axis)
    if exclusive:
        ident = np.zeros_like if fn is np.cumsum else np.ones_like
        first = ident(np.take(x, [0], axis=axis))
        y = np.concatenate([first, np.take(y, range(x.shape[axis] - 1), axis=axis)], axis=axis)
    return np.flip(y, axis) if reverse else y


@pytest.mark.parametrize("exclusive,reverse", [(False, False), (True, False), (False, True),
                                               (True, True)])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("fn,ref", [(tf.cumsum, np.cumsum), (tf.cumprod, np.cumprod)],
                         ids=["cumsum", "cumprod"])
def test_scans(fn, ref, axis, exclusive, reverse):
    check_op(lambda x: fn(x, axis, exclusive=exclusive, reverse=reverse),
             lambda x: _scan_ref(ref, x, axis, exclusive, reverse), [(3, 4)], low=0.5, high=1.5,
             double_backward=fn is tf.cumsum and axis == 1)


def test_scans_of_integers_and_defaults():
    y = tf.cumsum([1, 2, 3])
    assert y.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy(), [1, 3, 6])
    np.testing.assert_array_equal(tf.cumsum([1, 2, 3], exclusive=True).numpy(), [0, 1, 3])
    np.testing.assert_array_equal(tf.cumprod([1, 2, 3], reverse=True).numpy(), [6, 6, 3])
    np.testing.assert_array_equal(tf.math.cumprod([2, 2, 3], exclusive=True).numpy(), [1, 2, 4])
    np.testing.assert_array_equal(tf.cumsum(tf.constant([[1, 2], [3, 4]]), axis=tf.constant(1))
                                  .numpy(), [[1, 3], [3, 7]])
    with pytest.raises(ValueError, match="axis"):
        tf.cumsum([1, 2], axis=1)


# ==================================================================== counting
def test_bincount():
    np.testing.assert_array_equal(tf.bincount([1, 1, 3]).numpy(), [0, 2, 0, 1])
    np.testing.assert_array_equal(tf.math.bincount([1, 1, 3], minlength=6).numpy(),
                                  [0, 2, 0, 1, 0, 0])
    np.testing.assert_array_equal(tf.bincount([1, 1, 3, 4], maxlength=2).numpy(), [0, 2])
    w = tf.bincount([0, 2, 2], weights=[0.5, 1.0, 2.0])
    assert w.dtype == tf.float32
    np.testing.assert_allclose(w.numpy(), [0.5, 0, 3.0])
    assert tf.bincount(tf.constant([1], tf.int32), dtype=tf.int64).dtype == tf.int64
    with pytest.raises(ValueError, match="non-negative"):
        tf.bincount([-1, 2])


def test_confusion_matrix():
    cm = tf.confusion_matrix([1, 2, 4], [2, 2, 4])
    want = np.zeros((5, 5), np.int32)
    want[1, 2] = want[2, 2] = want[4, 4] = 1
    assert cm.dtype == tf.int32
    np.testing.assert_array_equal(cm.numpy(), want)
    # TF1 order: (labels, predictions, num_classes, dtype, name, weights)
    cm = tf.confusion_matrix([0, 1, 1], [1, 1, 0], 3, tf.float32, None, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(cm.numpy(), [[0, 1, 0], [3, 2, 0], [0, 0, 0]])
    # TF2 order under tf.math: (labels, predictions, num_classes, weights, dtype)
    cm = tf.math.confusion_matrix([0, 1, 1], [1, 1, 0], 2, [1, 2, 3], tf.int64)
    assert cm.dtype == tf.int64
    np.testing.assert_array_equal(cm.numpy(), [[0, 1], [3, 2]])
    with pytest.raises(ValueError, match="num_classes"):
        tf.confusion_matrix([0, 3], [0, 1], num_classes=3)
    p = tf.placeholder(tf.int64, [None])
    assert tf.confusion_matrix(p, p, num_classes=4).shape.as_list() == [4, 4]
