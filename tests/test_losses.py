"""tf.losses (TF1): values vs NumPy for every reduction and weighting, gradients, collections."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op

R = tf.losses.Reduction
RNG = np.random.RandomState(0)
LABELS = RNG.uniform(-1, 1, (4, 3)).astype(np.float32)
PREDS = RNG.uniform(-1, 1, (4, 3)).astype(np.float32)


def _reduce(losses, weights, reduction):
    """TF1's compute_weighted_loss, in NumPy."""
    losses = np.asarray(losses, np.float64)
    w = np.broadcast_to(np.asarray(weights, np.float64), losses.shape)
    weighted = losses * w
    if reduction == R.NONE:
        return weighted
    total = weighted.sum()
    den = {R.SUM: 1.0, R.MEAN: w.sum(), R.SUM_OVER_BATCH_SIZE: losses.size,
           R.SUM_BY_NONZERO_WEIGHTS: (w != 0).sum()}[reduction]
    return 0.0 if den == 0 else total / den


def _run(t):
    return t.numpy() if t._value is not None else tf.get_default_session().run(t)


WEIGHTS = [1.0, 0.0, 2.5, np.array([[1.0], [0.0], [2.0], [0.5]], np.float32),
           np.array([[1.0, 0.0, 2.0]], np.float32),
           np.array([[1, 0, 2], [0, 0, 1], [3, 1, 1], [0, 0, 0]], np.float32)]


# ==================================================================== compute_weighted_loss
@pytest.mark.parametrize("reduction", R.all())
@pytest.mark.parametrize("wi", range(len(WEIGHTS)))
def test_compute_weighted_loss(reduction, wi):
    w = WEIGHTS[wi]
    losses = np.abs(LABELS)
    got = tf.losses.compute_weighted_loss(losses, weights=w, reduction=reduction)
    np.testing.assert_allclose(got.numpy(), _reduce(losses, w, reduction), rtol=1e-5, atol=1e-7)
    assert got.dtype is tf.float32


def test_reduction_keys_and_validation():
    assert R.SUM_OVER_NONZERO_WEIGHTS == R.SUM_BY_NONZERO_WEIGHTS
    assert R.SUM_BY_NONZERO_WEIGHTS == "weighted_sum_by_nonzero_weights"
    assert R.MEAN == "weighted_mean" and R.NONE == "none" and R.SUM == "weighted_sum"
    R.validate(R.MEAN)
    with pytest.raises(ValueError, match="Invalid Reduction Key bogus."):
        tf.losses.compute_weighted_loss([1.0], reduction="bogus")


def test_weights_not_broadcastable():
    with pytest.raises(ValueError, match="weights can not be broadcast to values. values.rank=2. "
                                         "weights.rank=1."):
        tf.losses.compute_weighted_loss(np.ones((4, 3), np.float32), weights=np.ones(4, np.float32))
    with pytest.raises(ValueError, match="Mismatch at dim 1"):
        tf.losses.compute_weighted_loss(np.ones((4, 3), np.float32),
                                        weights=np.ones((4, 2), np.float32))


def test_float64_losses_keep_their_dtype():
    got = tf.losses.compute_weighted_loss(np.array([1.0, 3.0]), weights=np.array([1.0, 0.0]))
    assert got.dtype is tf.float64 and got.numpy() == 1.0


# ==================================================================== the losses
def _mse(t, p):
    return (p - t) ** 2


def _huber(t, p, delta=1.0):
    e = np.abs(p - t)
    q = np.minimum(e, delta)
    return 0.5 * q ** 2 + delta * (e - q)


CASES = {
    "mean_squared_error": (tf.losses.mean_squared_error, _mse),
    "absolute_difference": (tf.losses.absolute_difference, lambda t, p: np.abs(p - t)),
    "huber_loss": (tf.losses.huber_loss, _huber),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("reduction", R.all())
@pytest.mark.parametrize("wi", [0, 3, 5])
def test_regression_losses(name, reduction, wi):
    fn, ref = CASES[name]
    w = WEIGHTS[wi]
    got = fn(LABELS, PREDS, weights=w, reduction=reduction)
    np.testing.assert_allclose(got.numpy(), _reduce(ref(LABELS, PREDS), w, reduction), rtol=1e-5,
                               atol=1e-7)


def test_huber_delta_and_gradients():
    got = tf.losses.huber_loss(LABELS * 3, PREDS * 3, delta=0.5)
    np.testing.assert_allclose(got.numpy(), _huber(LABELS * 3, PREDS * 3, 0.5).mean(), rtol=1e-5)
    # d loss / d predictions (float32, as TF1 computes these losses)
    d = PREDS - LABELS
    expected = {"mean_squared_error": 2 * d, "absolute_difference": np.sign(d),
                "huber_loss": np.clip(d, -1, 1)}
    for name, (fn, ref) in CASES.items():
        p = tf.constant(PREDS)
        with tf.GradientTape() as tape:
            tape.watch(p)
            loss = fn(LABELS, p)
        np.testing.assert_allclose(tape.gradient(loss, p).numpy(), expected[name] / d.size,
                                   rtol=1e-5)


def test_losses_are_float32_like_tf1():
    # TF1 casts labels and predictions to float32 (int labels work)
    got = tf.losses.mean_squared_error(np.array([1, 2]), np.array([1.0, 4.0]))
    assert got.dtype is tf.float32 and got.numpy() == 2.0


def test_log_loss():
    t = (RNG.uniform(0, 1, (4, 3)) > 0.5).astype(np.float32)
    p = RNG.uniform(0.05, 0.95, (4, 3)).astype(np.float32)

    def ref(t, p, eps=1e-7):
        return -t * np.log(p + eps) - (1 - t) * np.log(1 - p + eps)
    for w in (1.0, WEIGHTS[3]):
        np.testing.assert_allclose(tf.losses.log_loss(t, p, weights=w).numpy(),
                                   _reduce(ref(t, p), w, R.SUM_BY_NONZERO_WEIGHTS), rtol=1e-5)
    np.testing.assert_allclose(tf.losses.log_loss(t, p, epsilon=0.1, reduction=R.SUM).numpy(),
                               ref(t, p, 0.1).sum(), rtol=1e-5)


def test_hinge_loss():
    t = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]], np.float32)
    x = np.array([[0.5, 2.0, -1.0], [0.3, -3.0, 0.9]], np.float32)
    ref = np.maximum(0, 1 - (2 * t - 1) * x)
    np.testing.assert_allclose(tf.losses.hinge_loss(t, x).numpy(), ref.mean(), rtol=1e-6)
    np.testing.assert_allclose(tf.losses.hinge_loss(t, x, reduction=R.NONE).numpy(), ref, rtol=1e-6)


def test_cosine_distance():
    t = LABELS / np.linalg.norm(LABELS, axis=1, keepdims=True)
    p = PREDS / np.linalg.norm(PREDS, axis=1, keepdims=True)
    per = 1 - (t * p).sum(1, keepdims=True)
    np.testing.assert_allclose(tf.losses.cosine_distance(t, p, axis=1).numpy(), per.mean(),
                               rtol=1e-5)
    np.testing.assert_allclose(tf.losses.cosine_distance(t, p, dim=1, reduction=R.NONE).numpy(),
                               per,
                               rtol=1e-5)
    w = np.array([[1.0], [0.0], [2.0], [1.0]], np.float32)
    np.testing.assert_allclose(tf.losses.cosine_distance(t, p, axis=1, weights=w).numpy(),
                               _reduce(per, w, R.SUM_BY_NONZERO_WEIGHTS), rtol=1e-5)
    with pytest.raises(ValueError, match="You must specify 'axis'."):
        tf.losses.cosine_distance(t, p)


def test_mean_pairwise_squared_error():
    t = RNG.uniform(-1, 1, (3, 4)).astype(np.float32)
    p = RNG.uniform(-1, 1, (3, 4)).astype(np.float32)

    def ref(t, p, w):
        out = 0.0
        for b in range(t.shape[0]):
            d = p[b] - t[b]
            pairs = (d[:, None] - d[None, :]) ** 2
            n = d.size
            out += w[b] * pairs.sum() / (n * (n - 1))
        return out
    w = np.array([1.0, 2.0, 0.5], np.float32)
    np.testing.assert_allclose(tf.losses.mean_pairwise_squared_error(t, p).numpy(),
                               ref(t, p, np.ones(3)), rtol=1e-5)
    np.testing.assert_allclose(tf.losses.mean_pairwise_squared_error(t, p,
                                                                     weights=w[:, None]).numpy(),
                               ref(t, p, w), rtol=1e-5)


def _log_softmax(x):
    z = x - x.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


@pytest.mark.parametrize("smoothing", [0, 0.1])
def test_softmax_cross_entropy(smoothing):
    x = RNG.uniform(-2, 2, (5, 4)).astype(np.float32)
    y = np.eye(4, dtype=np.float32)[[0, 3, 1, 1, 2]]
    ys = y * (1 - smoothing) + smoothing / 4
    per = -(ys * _log_softmax(x)).sum(-1)
    np.testing.assert_allclose(tf.losses.softmax_cross_entropy(y, x,
                                                               label_smoothing=smoothing).numpy(),
                               per.mean(), rtol=1e-5)
    w = np.array([1.0, 0.0, 2.0, 0.0, 1.0], np.float32)
    np.testing.assert_allclose(tf.losses.softmax_cross_entropy(y, x, weights=w,
                                                               label_smoothing=smoothing).numpy(),
                               (per * w).sum() / 3, rtol=1e-5)
    # int one-hot labels are cast to the logits' dtype
    np.testing.assert_allclose(tf.losses.softmax_cross_entropy(y.astype(np.int32), x).numpy(),
                               -(y * _log_softmax(x)).sum(-1).mean(), rtol=1e-5)


def test_softmax_cross_entropy_gradient_and_shape_check():
    y = np.eye(3)[[0, 2, 1, 1]]
    check_op(lambda x: tf.losses.softmax_cross_entropy(y, x),
             lambda x: np.asarray(-(y * _log_softmax(x)).sum(-1).mean()), [(4, 3)])
    with pytest.raises(ValueError, match=r"Shapes \(\?, 10\) and \(\?, 5\) are incompatible"):
        tf.losses.softmax_cross_entropy(tf.placeholder(tf.float32, [None, 5]),
                                        tf.placeholder(tf.float32, [None, 10]))


def test_sparse_softmax_cross_entropy():
    x = RNG.uniform(-2, 2, (5, 4)).astype(np.float32)
    t = np.array([0, 3, 1, 1, 2])
    per = -_log_softmax(x)[np.arange(5), t]
    np.testing.assert_allclose(tf.losses.sparse_softmax_cross_entropy(t, x).numpy(), per.mean(),
                               rtol=1e-5)
    np.testing.assert_allclose(tf.losses.sparse_softmax_cross_entropy(t[:, None], x).numpy(),
                               per.mean(),
                               rtol=1e-5)
    w = np.array([[1.0], [0.0], [2.0], [0.0], [1.0]], np.float32)
    np.testing.assert_allclose(tf.losses.sparse_softmax_cross_entropy(t, x, weights=w).numpy(),
                               (per * w[:, 0]).sum() / 3, rtol=1e-5)
    np.testing.assert_allclose(tf.losses.sparse_softmax_cross_entropy(t, x,
                                                                      reduction=R.NONE).numpy(),
                               per, rtol=1e-5)
    check_op(lambda x: tf.losses.sparse_softmax_cross_entropy(t, x),
             lambda x: np.asarray(-_log_softmax(x)[np.arange(5), t].mean()), [(5, 4)])


@pytest.mark.parametrize("smoothing", [0, 0.2])
def test_sigmoid_cross_entropy(smoothing):
    x = RNG.uniform(-3, 3, (4, 3)).astype(np.float32)
    z = (RNG.uniform(0, 1, (4, 3)) > 0.5).astype(np.float32)
    zs = z * (1 - smoothing) + 0.5 * smoothing
    per = np.maximum(x, 0) - x * zs + np.log1p(np.exp(-np.abs(x)))
    np.testing.assert_allclose(tf.losses.sigmoid_cross_entropy(z, x,
                                                               label_smoothing=smoothing).numpy(),
                               per.mean(), rtol=1e-5)
    w = WEIGHTS[4]
    np.testing.assert_allclose(tf.losses.sigmoid_cross_entropy(z, x, weights=w,
                                                               label_smoothing=smoothing).numpy(),
                               _reduce(per, w, R.SUM_BY_NONZERO_WEIGHTS), rtol=1e-5)


def test_none_arguments_raise():
    with pytest.raises(ValueError, match="labels must not be None."):
        tf.losses.mean_squared_error(None, [1.0])
    with pytest.raises(ValueError, match="predictions must not be None."):
        tf.losses.absolute_difference([1.0], None)


# ==================================================================== collections (TF1 graph mode)
def test_losses_join_the_losses_collection(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 3])
    l1 = tf.losses.mean_squared_error(y, x)
    l2 = tf.losses.absolute_difference(y, x, weights=2.0)
    l3 = tf.losses.compute_weighted_loss(x, loss_collection=None)
    assert tf.losses.get_losses() == [l1, l2]
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [l1, l2]
    assert l3 not in tf.losses.get_losses()
    tf.losses.add_loss(l3, loss_collection="mine")
    assert tf.losses.get_losses(loss_collection="mine") == [l3]
    with tf.name_scope("tower"):
        l4 = tf.losses.mean_squared_error(y, x)
    assert tf.losses.get_losses(scope="tower") == [l4]
    reg = tf.nn.l2_loss(x) * 0.01
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, reg)
    assert tf.losses.get_regularization_losses() == [reg]
    total = tf.losses.get_total_loss()
    no_reg = tf.losses.get_total_loss(add_regularization_losses=False)
    reg_total = tf.losses.get_regularization_loss()
    feed = {x: LABELS, y: PREDS}
    with tf.Session() as sess:
        v = sess.run([l1, l2, l4, reg, total, no_reg, reg_total], feed)
    mse, mae = ((LABELS - PREDS) ** 2).mean(), np.abs(LABELS - PREDS).mean() * 2
    np.testing.assert_allclose(v[:3], [mse, mae, mse], rtol=1e-5)
    np.testing.assert_allclose(v[3], 0.01 * (LABELS ** 2).sum() / 2, rtol=1e-5)
    np.testing.assert_allclose(v[4], 2 * mse + mae + v[3], rtol=1e-5)
    np.testing.assert_allclose(v[5], 2 * mse + mae, rtol=1e-5)
    np.testing.assert_allclose(v[6], v[3], rtol=1e-6)


def test_get_total_loss_empty_and_regularization_zero(graph_mode):
    with pytest.raises(ValueError, match="No losses found"):
        tf.losses.get_total_loss()
    with tf.Session() as sess:
        assert sess.run(tf.losses.get_regularization_loss()) == 0.0


def test_eager_losses_do_not_join_collections():
    tf.losses.mean_squared_error([1.0], [2.0])
    assert tf.losses.get_losses() == []


def test_trains_with_dynamic_batch(graph_mode):
    # SUM_BY_NONZERO_WEIGHTS with an unknown batch size and fed weights
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 1])
    w = tf.placeholder(tf.float32, [None, 1])
    W = tf.Variable(tf.zeros([2, 1]))
    loss = tf.losses.mean_squared_error(y, tf.matmul(x, W), weights=w)
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    xv = RNG.uniform(-1, 1, (8, 2)).astype(np.float32)
    yv = xv @ np.array([[2.0], [-1.0]], np.float32)
    wv = np.ones((8, 1), np.float32)
    wv[::2] = 0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        l0 = sess.run(loss, {x: xv, y: yv, w: wv})
        np.testing.assert_allclose(l0, (yv[1::2] ** 2).mean(), rtol=1e-5)
        for _ in range(50):
            sess.run(step, {x: xv, y: yv, w: wv})
        assert sess.run(loss, {x: xv, y: yv, w: wv}) < l0 / 5
        assert sess.run(loss, {x: xv, y: yv, w: np.zeros((8, 1))}) == 0.0


def test_tf2_names_come_from_keras_losses():
    keras_losses = pytest.importorskip("neuroflow.keras.losses")
    if not hasattr(keras_losses, "MeanSquaredError"):
        pytest.skip("neuroflow.keras.losses has no MeanSquaredError yet")
    assert tf.losses.MeanSquaredError is keras_losses.MeanSquaredError
    assert tf.losses.mean_squared_error is not keras_losses.mean_squared_error  # TF1's wins
    with pytest.raises(AttributeError, match="has no attribute 'no_such_loss'"):
        tf.losses.no_such_loss
