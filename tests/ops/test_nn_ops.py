"""tf.nn: forward vs NumPy, backward vs numerical gradients, dropout semantics, error messages."""
import math

import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    z = x - x.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def _erf(x):
    return np.vectorize(math.erf)(x)


SHAPES = [(5,), (3, 4), (2, 3, 4)]


# ==================================================================== activations
@pytest.mark.parametrize("shape", SHAPES)
def test_relu(shape):
    check_op(tf.nn.relu, lambda x: np.maximum(x, 0), [shape], double_backward=True)


def test_relu6():
    check_op(tf.nn.relu6, lambda x: np.clip(x, 0, 6), [(4, 5)], low=-3, high=9,
             double_backward=True)


@pytest.mark.parametrize("shape", SHAPES)
def test_elu(shape):
    check_op(tf.nn.elu, lambda x: np.where(x > 0, x, np.expm1(x)), [shape], double_backward=True)


def test_selu():
    a, s = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    check_op(tf.nn.selu, lambda x: s * np.where(x > 0, x, a * np.expm1(x)), [(3, 4)],
             double_backward=True)


@pytest.mark.parametrize("alpha", [None, 0.1, 1.5, -0.3])
def test_leaky_relu(alpha):
    a = 0.2 if alpha is None else alpha  # TF's default alpha is 0.2
    fn = tf.nn.leaky_relu if alpha is None else (lambda x: tf.nn.leaky_relu(x, alpha=alpha))
    check_op(fn, lambda x: np.where(x > 0, x, a * x), [(3, 4)], double_backward=True)


def test_crelu():
    check_op(tf.nn.crelu, lambda x: np.maximum(np.concatenate([x, -x], -1), 0), [(3, 4)])
    check_op(lambda x: tf.nn.crelu(x, axis=0), lambda x: np.maximum(np.concatenate([x, -x], 0), 0),
             [(3, 4)])


@pytest.mark.parametrize("shape", SHAPES)
def test_softplus(shape):
    check_op(tf.nn.softplus, lambda x: np.log1p(np.exp(x)), [shape], double_backward=True)


def test_softplus_stable_for_large_inputs():
    y = tf.nn.softplus(tf.constant([-100.0, 0.0, 100.0])).numpy()
    np.testing.assert_allclose(y, [0.0, np.log(2), 100.0], rtol=1e-6, atol=1e-30)
    assert y.dtype == np.float32


def test_softsign():
    check_op(tf.nn.softsign, lambda x: x / (1 + np.abs(x)), [(3, 4)], double_backward=True)


def test_sigmoid_tanh_aliases():
    check_op(tf.nn.sigmoid, _sigmoid, [(3, 4)], double_backward=True)
    check_op(tf.nn.tanh, np.tanh, [(3, 4)], double_backward=True)


def test_swish_silu():
    check_op(tf.nn.swish, lambda x: x * _sigmoid(x), [(3, 4)], double_backward=True)
    check_op(tf.nn.silu, lambda x: x * _sigmoid(x), [(3, 4)])
    check_op(lambda x: tf.nn.silu(x, beta=2.0), lambda x: x * _sigmoid(2 * x), [(3, 4)])


def test_gelu():
    check_op(tf.nn.gelu, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))), [(3, 4)],
             double_backward=True)
    c = np.sqrt(2 / np.pi)
    check_op(lambda x: tf.nn.gelu(x, approximate=True),
             lambda x: 0.5 * x * (1 + np.tanh(c * (x + 0.044715 * x ** 3))), [(3, 4)])


# ==================================================================== softmax
@pytest.mark.parametrize("shape,axis", [((5,), -1), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1),
                                        ((2, 3, 4), -1)])
def test_softmax(shape, axis):
    check_op(lambda x: tf.nn.softmax(x, axis=axis), lambda x: _softmax(x, axis), [shape],
             double_backward=True)


def test_softmax_legacy_dim_and_default():
    check_op(lambda x: tf.nn.softmax(x, dim=0), lambda x: _softmax(x, 0), [(3, 4)])
    check_op(tf.nn.softmax, _softmax, [(3, 4)])
    with pytest.raises(ValueError, match="Cannot specify both 'dim' and 'axis'"):
        tf.nn.softmax(tf.ones([2, 2]), axis=0, dim=0)


def test_softmax_stable_for_large_logits():
    y = tf.nn.softmax(tf.constant([[1000.0, 0.0], [-1000.0, -1000.0]])).numpy()
    np.testing.assert_allclose(y, [[1.0, 0.0], [0.5, 0.5]])
    assert y.dtype == np.float32


@pytest.mark.parametrize("shape,axis", [((5,), -1), ((3, 4), -1), ((2, 3, 4), 1)])
def test_log_softmax(shape, axis):
    check_op(lambda x: tf.nn.log_softmax(x, axis=axis), lambda x: _log_softmax(x, axis), [shape],
             double_backward=True)
    check_op(lambda x: tf.nn.log_softmax(x, dim=axis), lambda x: _log_softmax(x, axis), [shape])


# ==================================================================== cross-entropies
def _ce(t, x, axis=-1):
    return -(t * _log_softmax(x, axis)).sum(axis=axis)


def _distribution(shape, axis=-1, seed=1):
    return _softmax(np.random.RandomState(seed).uniform(-1, 1, shape), axis)


@pytest.mark.parametrize("shape", [(4,), (3, 5), (2, 3, 4)])
def test_softmax_ce_v2(shape):
    t = _distribution(shape)
    x = np.random.RandomState(2).uniform(-3, 3, shape)
    check_op(lambda t, x: tf.nn.softmax_cross_entropy_with_logits_v2(labels=t, logits=x), _ce,
             None, inputs=[t, x], double_backward=True)


def test_softmax_ce_v2_labels_not_normalized_and_axis():
    # the gradient is exact even when label rows do not sum to 1
    rng = np.random.RandomState(0)
    t, x = rng.uniform(0, 1, (3, 4)), rng.uniform(-2, 2, (3, 4))
    check_op(lambda t, x: tf.nn.softmax_cross_entropy_with_logits_v2(t, x), _ce, None,
             inputs=[t, x],
             double_backward=True)
    check_op(lambda t, x: tf.nn.softmax_cross_entropy_with_logits_v2(t, x, axis=0),
             lambda t, x: _ce(t, x, 0), None, inputs=[t, x], double_backward=True)
    check_op(lambda t, x: tf.nn.softmax_cross_entropy_with_logits_v2(t, x, dim=1),
             lambda t, x: _ce(t, x, 1), None, inputs=[t, x])


@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 4)])
def test_softmax_ce_v1(shape):
    t = _distribution(shape)
    x = np.random.RandomState(3).uniform(-3, 3, shape)
    check_op(lambda t, x: tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=x), _ce, None,
             inputs=[t, x], grad_args=[1], double_backward=True)
    check_op(lambda t, x: tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=x, dim=0),
             lambda t, x: _ce(t, x, 0), None, inputs=[t, x], grad_args=[1])


def test_softmax_ce_v1_has_no_label_gradient_v2_has():
    t = tf.placeholder(tf.float32, [None, 3])
    x = tf.placeholder(tf.float32, [None, 3])
    g1 = tf.gradients(tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=x), [t, x])
    g2 = tf.gradients(tf.nn.softmax_cross_entropy_with_logits_v2(labels=t, logits=x), [t, x])
    assert g1[0] is None and g1[1] is not None
    assert g2[0] is not None and g2[1] is not None
    feed = {t: [[0.0, 1.0, 0.0]], x: [[1.0, 2.0, 3.0]]}
    with tf.Session() as sess:
        gt, gx = sess.run(g2, feed)
    np.testing.assert_allclose(gx, _softmax(np.array([[1.0, 2.0, 3.0]])) - [[0, 1, 0]], rtol=1e-6)
    np.testing.assert_allclose(gt, -_log_softmax(np.array([[1.0, 2.0, 3.0]])), rtol=1e-6)
    assert gx.dtype == np.float32


def test_cross_entropies_named_or_tf2_positional():
    with pytest.raises(ValueError,
                       match="Only call `softmax_cross_entropy_with_logits` with named"):
        tf.nn.softmax_cross_entropy_with_logits([[1.0, 0.0]], logits=[[1.0, 0.0]])
    with pytest.raises(ValueError,
                       match="Only call `sigmoid_cross_entropy_with_logits` with named"):
        tf.nn.sigmoid_cross_entropy_with_logits([1.0])
    # TF2 order (labels, logits) given positionally
    t, x = [[0.0, 1.0]], [[2.0, 0.5]]
    np.testing.assert_allclose(tf.nn.softmax_cross_entropy_with_logits(t, x).numpy(),
                               _ce(np.array(t), np.array(x)), rtol=1e-6)
    np.testing.assert_allclose(tf.nn.sparse_softmax_cross_entropy_with_logits([1], x).numpy(),
                               _ce(np.array(t), np.array(x)), rtol=1e-6)
    np.testing.assert_allclose(tf.nn.sigmoid_cross_entropy_with_logits([1.0], [0.0]).numpy(),
                               [np.log(2)],
                               rtol=1e-6)


def test_softmax_ce_stable_and_float32():
    x = tf.constant([[1000.0, 0.0, -1000.0]])
    t = tf.constant([[0.0, 0.0, 1.0]])
    y = tf.nn.softmax_cross_entropy_with_logits_v2(labels=t, logits=x).numpy()
    np.testing.assert_allclose(y, [2000.0])
    assert y.dtype == np.float32


def test_softmax_ce_shape_mismatch():
    t = tf.placeholder(tf.float32, [None, 5])
    x = tf.placeholder(tf.float32, [None, 10])
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 10 and 5"):
        tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=x)


def _sparse_ce(x, t):
    lp = _log_softmax(x)
    return -np.take_along_axis(lp, t[..., None].astype(int), -1)[..., 0]


@pytest.mark.parametrize("shape,dtype",
                         [((3, 5), np.int32), ((2, 3, 4), np.int64), ((4,), np.int32)])
def test_sparse_softmax_ce(shape, dtype):
    rng = np.random.RandomState(0)
    x = rng.uniform(-3, 3, shape)
    t = rng.randint(0, shape[-1], shape[:-1]).astype(dtype)
    check_op(lambda x, t: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=x),
             _sparse_ce,
             None, inputs=[x, t], grad_args=[0], double_backward=True)


def test_sparse_softmax_ce_errors():
    x = tf.placeholder(tf.float32, [None, 10])
    with pytest.raises(ValueError,
                       match=r"Rank mismatch: Rank of labels \(received 2\) should equal "
                                         r"rank of logits minus 1 \(received 2\)"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.placeholder(tf.int64, [None, 10]),
                                                       logits=x)
    with pytest.raises(TypeError, match="DataType float32 not in list of allowed values"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.placeholder(tf.float32, [None]),
                                                       logits=x)
    t = tf.placeholder(tf.int32, [None])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=x)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Received a label value of 10 which is outside the valid "
                                 r"range of "
                                 r"\[0, 10\)"):
            sess.run(loss, {x: np.zeros((2, 10)), t: [3, 10]})


def _sig_ce(x, z):
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


@pytest.mark.parametrize("shape", SHAPES)
def test_sigmoid_ce(shape):
    rng = np.random.RandomState(0)
    x, z = rng.uniform(-3, 3, shape), rng.uniform(0, 1, shape)
    check_op(lambda x, z: tf.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x), _sig_ce,
             None,
             inputs=[x, z], double_backward=True)


def test_sigmoid_ce_stable_and_checks():
    y = tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0, 0.0, 1.0],
                                                logits=[-100.0, 100.0, 100.0])
    np.testing.assert_allclose(y.numpy(), [100.0, 100.0, 0.0], atol=1e-30)
    with pytest.raises(ValueError,
                       match=r"logits and labels must have the same shape \(\(\?, 1\) vs "
                                         r"\(\?,\)\)"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.placeholder(tf.float32, [None]),
                                                logits=tf.placeholder(tf.float32, [None, 1]))


def test_weighted_ce():
    rng = np.random.RandomState(0)
    x, z = rng.uniform(-3, 3, (3, 4)), rng.uniform(0, 1, (3, 4))

    def ref(x, z, q=2.5):
        p = _sigmoid(x)
        return -(q * z * np.log(p) + (1 - z) * np.log(1 - p))
    check_op(lambda x, z: tf.nn.weighted_cross_entropy_with_logits(z, x, pos_weight=2.5),
             ref, None, inputs=[x, z])
    check_op(lambda x, z: tf.nn.weighted_cross_entropy_with_logits(targets=z, logits=x,
                                                                   pos_weight=1.0),
             _sig_ce, None, inputs=[x, z])


def test_log_poisson_loss():
    rng = np.random.RandomState(0)
    c, z = rng.uniform(-1, 1, (3, 4)), rng.uniform(0, 4, (3, 4))
    check_op(lambda z, c: tf.nn.log_poisson_loss(z, c), lambda z, c: np.exp(c) - c * z, None,
             inputs=[z, c], grad_args=[1])

    def full(z, c):
        st = z * np.log(z) - z + 0.5 * np.log(2 * np.pi * z)
        return np.exp(c) - c * z + np.where(z > 1, st, 0)
    check_op(lambda z, c: tf.nn.log_poisson_loss(z, c, compute_full_loss=True), full, None,
             inputs=[z, c], grad_args=[1])


@pytest.mark.parametrize("shape", SHAPES + [()])
def test_l2_loss(shape):
    check_op(tf.nn.l2_loss, lambda x: np.asarray((x ** 2).sum() / 2), [shape], double_backward=True)


# ==================================================================== dense helpers
def test_bias_add():
    check_op(tf.nn.bias_add, lambda x, b: x + b, [(3, 4), (4,)], double_backward=True)
    check_op(tf.nn.bias_add, lambda x, b: x + b, [(2, 3, 3, 4), (4,)])
    check_op(lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
             lambda x, b: x + b[:, None, None], [(2, 4, 3, 3), (4,)], double_backward=True)


def test_bias_add_shape_errors():
    x = tf.placeholder(tf.float32, [None, 10])
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 10 and 5"):
        tf.nn.bias_add(x, tf.zeros([5]))
    with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 2"):
        tf.nn.bias_add(x, tf.zeros([1, 10]))


def test_xw_plus_b_and_relu_layer():
    check_op(tf.nn.xw_plus_b, lambda x, w, b: x @ w + b, [(3, 4), (4, 2), (2,)])
    check_op(tf.nn.relu_layer, lambda x, w, b: np.maximum(x @ w + b, 0), [(3, 4), (4, 2), (2,)])


# ==================================================================== moments, normalization
@pytest.mark.parametrize("shape,axes", [((6,), [0]), ((4, 3), [0]), ((2, 3, 4), [0, 1]),
                                        ((2, 3, 4), [2])])
def test_moments(shape, axes):
    ax = tuple(axes)
    check_op(lambda x: tf.nn.moments(x, axes)[0], lambda x: x.mean(ax), [shape])
    check_op(lambda x: tf.nn.moments(x, axes)[1], lambda x: x.var(ax), [shape])
    check_op(lambda x: tf.nn.moments(x, axes, keep_dims=True)[1],
             lambda x: x.var(ax, keepdims=True),
             [shape])
    check_op(lambda x: tf.nn.moments(x, axes, keepdims=True)[0],
             lambda x: x.mean(ax, keepdims=True),
             [shape])


def test_weighted_moments_and_sufficient_statistics():
    rng = np.random.RandomState(0)
    x, w = rng.uniform(-2, 2, (5, 3)), rng.uniform(0.5, 2, (5, 1))

    def wmean(x, w):
        return (w * x).sum(0) / w.sum(0)
    check_op(lambda x, w: tf.nn.weighted_moments(x, [0], w)[0], wmean, None, inputs=[x, w])
    check_op(lambda x, w: tf.nn.weighted_moments(x, [0], w)[1],
             lambda x, w: (w * (x - wmean(x, w)) ** 2).sum(0) / w.sum(0), None, inputs=[x, w])
    xs = tf.constant(x)
    count, m_ss, v_ss, shift = tf.nn.sufficient_statistics(xs, [0])
    mean, var = tf.nn.normalize_moments(count, m_ss, v_ss, shift)
    assert float(count.numpy()) == 5.0 and shift is None
    np.testing.assert_allclose(mean.numpy(), x.mean(0))
    np.testing.assert_allclose(var.numpy(), x.var(0))
    count, m_ss, v_ss, shift = tf.nn.sufficient_statistics(xs, [0], shift=0.5)
    mean, var = tf.nn.normalize_moments(count, m_ss, v_ss, shift)
    np.testing.assert_allclose(mean.numpy(), x.mean(0))
    np.testing.assert_allclose(var.numpy(), x.var(0))


def test_batch_normalization():
    def ref(x, m, v, b, s):
        return (x - m) / np.sqrt(v + 1e-3) * s + b
    rng = np.random.RandomState(0)
    ins = [rng.uniform(-2, 2, (4, 3)), rng.uniform(-1, 1, (3,)), rng.uniform(0.5, 2, (3,)),
           rng.uniform(-1, 1, (3,)), rng.uniform(0.5, 2, (3,))]
    check_op(lambda x, m, v, b, s: tf.nn.batch_normalization(x, m, v, b, s, 1e-3), ref, None,
             inputs=ins)
    check_op(lambda x, m, v: tf.nn.batch_normalization(x, m, v, None, None, 1e-3),
             lambda x, m, v: (x - m) / np.sqrt(v + 1e-3), None, inputs=ins[:3])


@pytest.mark.parametrize("shape,axis", [((5,), 0), ((3, 4), 1), ((3, 4), 0), ((2, 3, 4), [1, 2])])
def test_l2_normalize(shape, axis):
    ax = tuple(axis) if isinstance(axis, list) else axis

    def ref(x):
        return x / np.sqrt(np.maximum((x ** 2).sum(ax, keepdims=True), 1e-12))
    check_op(lambda x: tf.nn.l2_normalize(x, axis=axis), ref, [shape])
    check_op(lambda x: tf.nn.l2_normalize(x, dim=axis), ref, [shape])


def test_l2_normalize_zero_vector_and_default_axis():
    np.testing.assert_array_equal(tf.nn.l2_normalize(tf.zeros([3])).numpy(), [0, 0, 0])
    x = np.array([[3.0, 4.0]], np.float32)
    np.testing.assert_allclose(tf.nn.l2_normalize(x).numpy(), x / 5.0)


def test_zero_fraction():
    y = tf.nn.zero_fraction(tf.constant([[0.0, 1.0], [0.0, 0.0]]))
    assert y.dtype is tf.float32 and float(y.numpy()) == 0.75


def test_compute_average_loss():
    x = tf.constant([1.0, 2.0, 3.0, 6.0])
    assert float(tf.nn.compute_average_loss(x).numpy()) == 3.0
    assert float(tf.nn.compute_average_loss(x, global_batch_size=8).numpy()) == 1.5
    assert float(tf.nn.compute_average_loss(x, sample_weight=[1.0, 0.0, 0.0, 0.5]).numpy()) == 1.0


# ==================================================================== top_k, in_top_k
@pytest.mark.parametrize("shape,k", [((5,), 1), ((5,), 3), ((3, 6), 2), ((2, 3, 4), 4)])
def test_top_k(shape, k):
    def ref_values(x):
        return -np.sort(-x, axis=-1)[..., :k]
    check_op(lambda x: tf.nn.top_k(x, k)[0], ref_values, [shape], double_backward=True)
    x = np.random.RandomState(1).uniform(-1, 1, shape).astype(np.float32)
    values, indices = tf.nn.top_k(x, k=k)
    assert indices.dtype is tf.int32
    np.testing.assert_array_equal(indices.numpy(), np.argsort(-x, axis=-1, kind="stable")[..., :k])
    r = tf.nn.top_k(x, k=k)
    assert r.values is r[0] and r.indices is r[1]


def test_top_k_ties_and_errors():
    v, i = tf.nn.top_k(tf.constant([1.0, 3.0, 3.0, 2.0]), k=3)
    np.testing.assert_array_equal(v.numpy(), [3, 3, 2])
    np.testing.assert_array_equal(i.numpy(), [1, 2, 3])
    with pytest.raises(ValueError, match="input must have at least k columns. Had 4, needed 5"):
        tf.nn.top_k(tf.constant([1.0, 3.0, 3.0, 2.0]), k=5)
    p = tf.placeholder(tf.float32, [None, None])
    v, _ = tf.nn.top_k(p, k=3)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Had 2, needed 3"):
            sess.run(v, {p: np.zeros((2, 2))})


def test_in_top_k():
    p = np.array([[0.1, 0.5, 0.4], [0.3, 0.3, 0.4], [0.8, 0.1, 0.1], [0.2, 0.2, 0.6]], np.float32)
    t = np.array([1, 0, 2, 1])
    np.testing.assert_array_equal(tf.nn.in_top_k(p, t, 1).numpy(), [True, False, False, False])
    # ties at the boundary count as in the top k, as in TF
    np.testing.assert_array_equal(tf.nn.in_top_k(p, t, 2).numpy(), [True, True, True, True])
    pp = tf.placeholder(tf.float32, [None, 3])
    tt = tf.placeholder(tf.int64, [None])
    acc = tf.reduce_mean(tf.cast(tf.nn.in_top_k(pp, tt, 1), tf.float32))
    with tf.Session() as sess:
        assert sess.run(acc, {pp: p, tt: t}) == 0.25


# ==================================================================== dropout
def test_dropout_statistics_and_scaling():
    x = tf.ones([200, 500])
    y = tf.nn.dropout(x, keep_prob=0.7).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert y.dtype == np.float32
    y = tf.nn.dropout(x, rate=0.25).numpy()
    assert abs((y != 0).mean() - 0.75) < 0.01
    np.testing.assert_allclose(y[y != 0], 1 / 0.75, rtol=1e-6)


def test_dropout_identity():
    x = tf.constant(np.random.RandomState(0).randn(3, 4).astype(np.float32))
    assert tf.nn.dropout(x, keep_prob=1.0) is x
    assert tf.nn.dropout(x, rate=0.0) is x
    kp = tf.placeholder(tf.float32)
    xp = tf.placeholder(tf.float32, [None, 4])
    y = tf.nn.dropout(xp, kp)
    with tf.Session() as sess:
        v = np.random.RandomState(1).randn(3, 4).astype(np.float32)
        np.testing.assert_array_equal(sess.run(y, {xp: v, kp: 1.0}), v)


def test_dropout_fed_keep_prob_new_mask_every_run():
    # the course pattern: keep_prob is a placeholder, 0.5 in training and 1.0 at test
    keep_prob = tf.placeholder(tf.float32)
    x = tf.placeholder(tf.float32, [None, 1000])
    y = tf.nn.dropout(x, keep_prob)
    assert y.shape.as_list() == [None, 1000]
    ones = np.ones((10, 1000), np.float32)
    with tf.Session() as sess:
        a = sess.run(y, {x: ones, keep_prob: 0.5})
        b = sess.run(y, {x: ones, keep_prob: 0.5})
        c = sess.run(y, {x: ones, keep_prob: 0.2})
        assert set(np.unique(a)) == {0.0, 2.0}
        assert not np.array_equal(a, b)
        assert abs((a != 0).mean() - 0.5) < 0.03 and abs((c != 0).mean() - 0.2) < 0.03
        np.testing.assert_allclose(c[c != 0], 5.0, rtol=1e-6)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"`rate`: expected a float in \[0, 1\). Received: rate=1 "
                                 r"\(keep_prob=0\)"):
            sess.run(y, {x: ones, keep_prob: 0.0})


def test_dropout_gradient_uses_the_same_mask():
    x = tf.placeholder(tf.float32, [None, 50])
    w = np.random.RandomState(0).uniform(1, 2, (3, 50)).astype(np.float32)
    y = tf.nn.dropout(x, keep_prob=0.6)
    g = tf.gradients(tf.reduce_sum(y * w), x)[0]
    with tf.Session() as sess:
        yv, gv = sess.run([y, g], {x: np.ones((3, 50))})
    np.testing.assert_allclose(gv, w * yv, rtol=1e-6)


def test_dropout_eager_tape_gradient():
    xe = tf.constant(np.ones((3, 50), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(xe)
        ye = tf.nn.dropout(xe, rate=0.5)
    np.testing.assert_array_equal(tape.gradient(ye, xe).numpy(), ye.numpy())


def test_dropout_noise_shape_and_seed():
    x = tf.ones([6, 40])
    y = tf.nn.dropout(x, keep_prob=0.5, noise_shape=[1, 40]).numpy()
    assert (y == y[0]).all()  # one mask shared by every row
    y = tf.nn.dropout(x, keep_prob=0.5, noise_shape=[6, 1]).numpy()
    assert (y == y[:, :1]).all()
    xp = tf.placeholder(tf.float32, [None, 40])
    ns = tf.placeholder(tf.int32, [2])  # a noise shape known only at run time
    y = tf.nn.dropout(xp, keep_prob=0.5, noise_shape=ns)
    tf.set_random_seed(3)
    z = tf.nn.dropout(xp, keep_prob=0.5, seed=7)
    with tf.Session() as sess:
        v = sess.run(y, {xp: np.ones((5, 40)), ns: [5, 1]})
        z1 = sess.run(z, {xp: np.ones((5, 40))})
    assert (v == v[:, :1]).all() and v.shape == (5, 40)
    with tf.Session() as sess:  # the same seeds give the same masks in a new session
        np.testing.assert_array_equal(sess.run(z, {xp: np.ones((5, 40))}), z1)


def test_dropout_errors():
    x = tf.ones([2, 2])
    with pytest.raises(ValueError, match=r"Invalid value for argument `rate`: expected a float in "
                                         r"\[0, 1\). Received: rate=1.5"):
        tf.nn.dropout(x, rate=1.5)
    with pytest.raises(ValueError, match=r"Received: rate=1\b"):
        tf.nn.dropout(x, rate=1)
    with pytest.raises(ValueError, match=r"`keep_prob`: expected a float in \(0, 1\]. Received: "
                                         r"keep_prob=0"):
        tf.nn.dropout(x, keep_prob=0)
    with pytest.raises(ValueError, match="Cannot specify both 'rate' and 'keep_prob'"):
        tf.nn.dropout(x, keep_prob=0.5, rate=0.5)
    with pytest.raises(ValueError, match="x has to be a floating point tensor"):
        tf.nn.dropout(tf.constant([1, 2]), rate=0.5)
    with pytest.raises(ValueError, match="`rate`"):
        tf.nn.dropout(x)


# ==================================================================== embedding_lookup
def _gather_ready():
    from neuroflow.ops import gather_ops
    return hasattr(gather_ops, "gather")


needs_gather = pytest.mark.skipif(not _gather_ready(),
                                  reason="tf.gather (ops/gather_ops.py) not written yet")


@needs_gather
def test_embedding_lookup():
    params = np.random.RandomState(0).uniform(-1, 1, (7, 3))
    ids = np.array([[0, 3], [6, 3]])
    check_op(lambda p: tf.nn.embedding_lookup(p, ids), lambda p: p[ids], [(7, 3)], inputs=[params])
    emb = tf.Variable(params.astype(np.float32))
    np.testing.assert_allclose(tf.nn.embedding_lookup(emb, [2, 5]).numpy(), params[[2, 5]],
                               rtol=1e-6)
    np.testing.assert_allclose(tf.nn.embedding_lookup([emb], [4]).numpy(), params[[4]], rtol=1e-6)


@needs_gather
def test_embedding_lookup_shards_and_max_norm():
    table = np.arange(30, dtype=np.float32).reshape(10, 3)
    ids = np.array([0, 1, 2, 5, 9, 7])
    mod = [table[i::3] for i in range(3)]          # "mod": id i lives in shard i % 3
    np.testing.assert_array_equal(tf.nn.embedding_lookup(mod, ids).numpy(), table[ids])
    div = [table[:4], table[4:7], table[7:]]       # "div": contiguous ranges
    np.testing.assert_array_equal(tf.nn.embedding_lookup(div, ids,
                                                         partition_strategy="div").numpy(),
                                  table[ids])
    out = tf.nn.embedding_lookup(table, ids, max_norm=2.0).numpy()
    norms = np.linalg.norm(table[ids], axis=1, keepdims=True)
    np.testing.assert_allclose(out, table[ids] * np.minimum(1, 2.0 / np.maximum(norms, 1e-12)),
                               rtol=1e-6)


@needs_gather
def test_embedding_lookup_trains_in_a_session():
    emb = tf.Variable(tf.ones([5, 2]))
    ids = tf.placeholder(tf.int32, [None])
    loss = tf.reduce_sum(tf.nn.embedding_lookup(emb, ids))
    step = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step, {ids: [1, 1, 3]})
        np.testing.assert_allclose(sess.run(emb)[:, 0], [1, 0, 1, 0.5, 1])


def test_cross_entropy_backward_is_one_op():
    # first order: the gradient is gy[..., None] * the op's second output, nothing recomputed
    x = tf.placeholder(tf.float32, [None, 10])
    t = tf.placeholder(tf.float32, [None, 10])
    s = tf.placeholder(tf.int32, [None])
    for loss in (tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=x),
                 tf.nn.sparse_softmax_cross_entropy_with_logits(labels=s, logits=x)):
        g = tf.get_default_graph()
        before = len(g.get_operations())
        gx = tf.gradients(loss, x)[0]
        new = [op.type for op in g.get_operations()[before:]]
        assert "Softmax" not in new and "LogSoftmax" not in new, new
        assert gx.op.inputs[1] is loss.op.outputs[1]


def test_softmax_ce_broadcast_labels_and_runtime_size_check():
    t, x = _distribution((1, 4)), np.random.RandomState(2).uniform(-3, 3, (3, 4))
    check_op(lambda t, x: tf.nn.softmax_cross_entropy_with_logits_v2(t, x), _ce, None,
             inputs=[t, x])
    tp = tf.placeholder(tf.float32, [None, 4])
    xp = tf.placeholder(tf.float32, [None, 4])
    loss = tf.nn.softmax_cross_entropy_with_logits(labels=tp, logits=xp)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"logits and labels must be same size: logits_size=\[3, 4\] "
                                 r"labels_size=\[2, 4\]"):
            sess.run(loss, {tp: np.zeros((2, 4)), xp: np.zeros((3, 4))})


@pytest.mark.parametrize("name", ["relu", "relu6", "elu", "selu", "leaky_relu", "crelu", "softplus",
                                  "softsign", "swish", "gelu", "softmax", "log_softmax", "l2_loss"])
def test_float32_stays_float32(name):
    fn = getattr(tf.nn, name)
    x = tf.constant(np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    g = tape.gradient(y, x)
    assert y.dtype is tf.float32 and y.numpy().dtype == np.float32
    assert g.dtype is tf.float32 and g.numpy().dtype == np.float32


def _lrn(x, r=5, bias=1.0, alpha=1.0, beta=0.5):
    sq = np.zeros_like(x)
    c = x.shape[-1]
    for i in range(c):
        sq[..., i] = (x[..., max(0, i - r):i + r + 1] ** 2).sum(-1)
    return x / (bias + alpha * sq) ** beta


@pytest.mark.parametrize("r,bias,alpha,beta",
                         [(5, 1.0, 1.0, 0.5), (2, 2.0, 0.1, 0.75), (0, 1.0, 0.5, 1.0)])
def test_lrn(r, bias, alpha, beta):
    check_op(lambda x: tf.nn.lrn(x, depth_radius=r, bias=bias, alpha=alpha, beta=beta),
             lambda x: _lrn(x, r, bias, alpha, beta), [(2, 3, 3, 7)], double_backward=True)
    check_op(lambda x: tf.nn.local_response_normalization(x, r, bias, alpha, beta),
             lambda x: _lrn(x, r, bias, alpha, beta), [(1, 2, 2, 3)])
    with pytest.raises(ValueError, match="Shape must be rank 4 but is rank 2"):
        tf.nn.lrn(tf.ones([2, 3]))


def test_scale_regularization_loss():
    assert float(tf.nn.scale_regularization_loss(tf.constant([1.0, 2.5])).numpy()) == 3.5
    parts = [tf.constant(1.0), tf.constant(2.0)]
    assert float(tf.nn.scale_regularization_loss(parts).numpy()) == 3.0


def test_unsupported_names_say_so():
    with pytest.raises(AttributeError,
                       match="tf.nn.ctc_beam_search_decoder_v9 is not supported by neuroflow"):
        tf.nn.ctc_beam_search_decoder_v9
    assert not hasattr(tf.nn, "no_such_thing")


@pytest.mark.parametrize("data_format,shape", [("NHWC", (2, 3, 3, 4)), ("NCHW", (2, 4, 3, 3)),
                                               ("NDHWC", (2, 2, 2, 2, 3))])
def test_fused_batch_norm_training(data_format, shape):
    c = 1 if data_format == "NCHW" else -1
    ax = tuple(a for a in range(len(shape)) if a != c % len(shape))
    bs = [1] * len(shape)
    bs[c] = -1

    def ref(x, s, b):
        m, v = x.mean(ax, keepdims=True), x.var(ax, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-3) * s.reshape(bs) + b.reshape(bs)
    nc = shape[c]
    check_op(lambda x, s, b: tf.nn.fused_batch_norm(x, s, b, data_format=data_format)[0], ref,
             [shape, (nc,), (nc,)])
    x = np.random.RandomState(0).randn(*shape).astype(np.float32)
    y, m, v = tf.nn.fused_batch_norm(x, tf.ones([nc]), tf.zeros([nc]), data_format=data_format)
    np.testing.assert_allclose(m.numpy(), x.mean(ax), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v.numpy(), x.var(ax, ddof=1), rtol=1e-5)  # Bessel-corrected, as TF
    old_m, old_v = np.full(nc, 0.5, np.float32), np.full(nc, 2.0, np.float32)
    _, m2, v2 = tf.nn.fused_batch_norm(x, tf.ones([nc]), tf.zeros([nc]), old_m, old_v,
                                       data_format=data_format, exponential_avg_factor=0.1)
    np.testing.assert_allclose(m2.numpy(), 0.9 * old_m + 0.1 * x.mean(ax), rtol=1e-5)
    np.testing.assert_allclose(v2.numpy(), 0.9 * old_v + 0.1 * x.var(ax, ddof=1), rtol=1e-5)


def test_fused_batch_norm_inference_and_errors():
    rng = np.random.RandomState(0)
    ins = [rng.randn(2, 3, 3, 4), rng.uniform(0.5, 2, 4), rng.randn(4), rng.randn(4),
           rng.uniform(0.5, 2, 4)]

    def ref(x, s, b, m, v):
        return (x - m) / np.sqrt(v + 1e-3) * s + b
    check_op(lambda x, s, b, m, v: tf.nn.fused_batch_norm(x, s, b, m, v, is_training=False)[0], ref,
             None, inputs=ins)
    with pytest.raises(ValueError, match="must be a 1D tensor when is_training is False"):
        tf.nn.fused_batch_norm(ins[0], ins[1], ins[2], is_training=False)
    with pytest.raises(ValueError, match="Shape must be rank 4 but is rank 2"):
        tf.nn.fused_batch_norm(np.ones((2, 3)), np.ones(3), np.zeros(3))


def test_batch_norm_with_global_normalization():
    rng = np.random.RandomState(0)
    ins = [rng.randn(2, 3, 4), rng.randn(4), rng.uniform(0.5, 2, 4), rng.randn(4),
           rng.uniform(0.5, 2, 4)]

    def ref(x, m, v, b, g, scale):
        return (x - m) / np.sqrt(v + 1e-3) * (g if scale else 1) + b
    for scale in (True, False):
        check_op(lambda x, m, v, b, g: tf.nn.batch_norm_with_global_normalization(
            x, m, v, b, g, 1e-3, scale), lambda *a: ref(*a, scale), None, inputs=ins,
            grad_args=[0, 1, 2, 3, 4] if scale else [0, 1, 2, 3])  # gamma unused when not scaling
    y = tf.nn.batch_norm_with_global_normalization(input=ins[0], mean=ins[1], variance=ins[2],
                                                   beta=ins[3], gamma=ins[4], variance_epsilon=1e-3,
                                                   scale_after_normalization=True)
    np.testing.assert_allclose(y.numpy(), ref(*ins, True))


def test_conv_names_come_from_their_module():
    pytest.importorskip("neuroflow.ops.conv_nn")
    assert callable(tf.nn.conv2d) and callable(tf.nn.max_pool)
    assert not hasattr(tf.nn, "expand_dims")  # a helper imported there is not a tf.nn name
