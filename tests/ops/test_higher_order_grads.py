"""Gradients of gradients through the ops whose backward is itself a dedicated op (TileLike,
SliceAlong, KeepDims, MaxPoolGather, TakeAlong/PutAlong, BatchMeanGrad).

For y = f(x), g(u) = tf.gradients(y, x, grad_ys=u) is J^T u; differentiating <g(u), v> with
respect to u gives J v, the directional derivative of f along v, which a central difference of
f checks (the inputs stay away from pooling and top-k ties, where f is linear near x).
"""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow.keras import _ops as keras_ops


def _jvp_by_double_backward(f, x, v, u_seed=3):
    xp = tf.placeholder(tf.float64, x.shape)
    y = f(xp)
    u = tf.placeholder(tf.float64, y.shape)
    g, = tf.gradients(y, xp, grad_ys=u)
    jv, = tf.gradients(g, u, grad_ys=tf.constant(v))
    assert jv is not None
    uv = np.random.RandomState(u_seed).uniform(-1, 1, y.shape.as_list())
    with tf.Session() as sess:
        got = sess.run(jv, {xp: x, u: uv})
        eps = 1e-4
        num = (sess.run(y, {xp: x + eps * v}) - sess.run(y, {xp: x - eps * v})) / (2 * eps)
    return got, num


CASES = {
    "tile": (lambda x: tf.tile(x, [2, 3]), (3, 2)),
    "concat": (lambda x: tf.concat([x * 2.0, x[:, :1], x], axis=1), (3, 4)),
    "reduce_sum_axis": (lambda x: tf.reduce_sum(x, axis=1), (3, 4)),
    "reduce_sum_keepdims": (lambda x: tf.reduce_sum(x, axis=[0, 2], keepdims=True), (2, 3, 4)),
    "reduce_mean": (lambda x: tf.reduce_mean(x, axis=0), (5, 2)),
    "max_pool": (lambda x: tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"), (2, 4, 4, 3)),
    "top_k_values": (lambda x: tf.nn.top_k(x, k=2).values, (3, 5)),
    "keras_batch_mean": (lambda x: keras_ops.batch_mean(x * x), (4, 3)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_of_the_gradient_is_the_directional_derivative(name, graph_mode):
    f, shape = CASES[name]
    rng = np.random.RandomState(0)
    # distinct, well separated values: no ties in max pooling or top_k
    x = rng.permutation(np.arange(int(np.prod(shape)))).reshape(shape) * 0.37 + 0.1
    v = rng.uniform(-1, 1, shape)
    got, num = _jvp_by_double_backward(f, x, v)
    if name == "keras_batch_mean":
        # y = mean(x^2) is not linear: J v = mean(2 x v); the grad_ys path is still linear in u
        np.testing.assert_allclose(got, np.mean(2 * x * v), rtol=1e-6)
    np.testing.assert_allclose(got, num, rtol=1e-5, atol=1e-7)
