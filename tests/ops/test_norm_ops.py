"""The fused batch-norm op: forward vs NumPy, hand-written backward vs numerical gradients."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op
from neuroflow.ops.norm_ops import FusedBatchNorm

EPS = 1e-3


def ref_train(x, s, o, eps=EPS):
    ax = tuple(range(x.ndim - 1))
    m, v = x.mean(axis=ax), x.var(axis=ax)
    return (x - m) / np.sqrt(v + eps) * s + o


def ref_infer(x, s, o, m, v, eps=EPS):
    return (x - m) / np.sqrt(v + eps) * s + o


def _bn(training, bessel=True):
    def fn(x, s, o, *mv):
        c = x.shape.as_list()[-1]
        m, v = mv if mv else (tf.zeros([c], x.dtype), tf.ones([c], x.dtype))
        return FusedBatchNorm(EPS, training, bessel)._build((x, s, o, m, v), "bn")[0]
    return fn


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 4, 3), (3, 2, 5)])
def test_training_forward_and_backward(shape):
    c = shape[-1]
    check_op(_bn(True), ref_train, [shape, (c,), (c,)])


def test_inference_forward_and_backward():
    rng = np.random.RandomState(1)
    x, s, o = rng.randn(2, 3, 3, 4), rng.rand(4) + 0.5, rng.randn(4)
    m, v = rng.randn(4), rng.rand(4) + 0.1
    check_op(_bn(False), ref_infer, None, inputs=[x, s, o, m, v], grad_args=[0, 1, 2])


def test_batch_statistics_outputs():
    x = np.random.RandomState(0).randn(2, 5, 5, 3).astype(np.float32)
    c = 3
    args = (tf.constant(x), tf.ones([c]), tf.zeros([c]), tf.zeros([c]), tf.ones([c]))
    _, bm, bv, sm, inv = FusedBatchNorm(EPS, True)._build(args)
    n = 2 * 5 * 5
    np.testing.assert_allclose(bm.numpy(), x.mean(axis=(0, 1, 2)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bv.numpy(), x.var(axis=(0, 1, 2)) * n / (n - 1), rtol=1e-5)
    np.testing.assert_allclose(inv.numpy(), 1 / np.sqrt(x.var(axis=(0, 1, 2)) + EPS), rtol=1e-5)
    _, _, bv2, _, _ = FusedBatchNorm(EPS, True, bessel=False)._build(args)
    np.testing.assert_allclose(bv2.numpy(), x.var(axis=(0, 1, 2)), rtol=1e-5)
    assert bm.dtype == tf.float32 and bv.dtype == tf.float32


def test_fed_training_flag(graph_mode):
    x = tf.placeholder(tf.float64, [None, 4])
    flag = tf.placeholder(tf.bool, [])
    m, v = tf.constant(np.full(4, 0.5)), tf.constant(np.full(4, 2.0))
    s, o = tf.constant(np.full(4, 1.5)), tf.constant(np.full(4, 0.1))
    y = FusedBatchNorm(EPS, None)._build((x, s, o, m, v, flag))[0]
    gx = tf.gradients(tf.reduce_sum(y * y), x)[0]
    xv = np.random.RandomState(0).randn(6, 4)
    with tf.Session() as sess:
        yt, gt = sess.run([y, gx], {x: xv, flag: True})
        yi, gi = sess.run([y, gx], {x: xv, flag: False})
    np.testing.assert_allclose(yt, ref_train(xv, 1.5, 0.1), rtol=1e-10)
    np.testing.assert_allclose(yi, ref_infer(xv, 1.5, 0.1, 0.5, 2.0), rtol=1e-10)
    np.testing.assert_allclose(gi, 2 * yi * 1.5 / np.sqrt(2.0 + EPS), rtol=1e-10)
    assert not np.allclose(gt, 2 * yt * 1.5 / np.sqrt(xv.var(0) + EPS))  # the batch terms count


def test_second_derivative_is_not_silently_wrong():
    x = tf.constant(np.random.rand(4, 2))
    s, o = tf.ones([2], tf.float64), tf.zeros([2], tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = _bn(True)(x, s, o)
            loss = tf.reduce_sum(y * y)
        g = inner.gradient(loss, x)
        assert g is not None
    assert outer.gradient(g, x) is None  # FusedBatchNormGrad is marked non-differentiable


def ref_lrn(x, r, bias, alpha, beta):
    n = x.shape[-1]
    s = np.stack([np.sum(x[..., max(0, c - r):c + r + 1] ** 2, axis=-1) for c in range(n)], -1)
    return x / (bias + alpha * s) ** beta


@pytest.mark.parametrize("r,bias,alpha,beta", [(2, 1.0, 0.5, 0.75), (1, 2.0, 1e-1, 0.5),
                                               (5, 1.0, 1.0, 0.5)])
def test_lrn_op(r, bias, alpha, beta):
    from neuroflow.ops.norm_ops import LRN
    check_op(lambda x: LRN(r, bias, alpha, beta)._build((x,), "LRN"),
             lambda x: ref_lrn(x, r, bias, alpha, beta), [(2, 3, 2, 6)], double_backward=True)


def test_lrn_matches_tf_nn_lrn():
    from neuroflow.ops.norm_ops import LRN
    x = tf.constant(np.random.RandomState(0).rand(1, 2, 2, 8).astype(np.float32))
    a = LRN(4, 1.0, 0.001 / 9.0, 0.75)._build((x,), "LRN").numpy()
    b = tf.nn.lrn(x, depth_radius=4, bias=1.0, alpha=0.001 / 9.0, beta=0.75).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-6)
    assert a.dtype == np.float32
