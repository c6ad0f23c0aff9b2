"""Eager mode and GradientTape (TF2), and tf.gradients' higher-order use."""
import numpy as np
import pytest

import neuroflow as tf


def test_tape_variable_and_watched_constant():
    w = tf.Variable(3.0)
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = w * w * x
    gw, gx = tape.gradient(y, [w, x])
    assert gw.numpy() == pytest.approx(12.0) and gx.numpy() == pytest.approx(9.0)


def test_tape_nested_sources_and_persistent():
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(a * b)
        z = y * y
    g = tape.gradient(y, {"a": a, "rest": [b]})
    np.testing.assert_allclose(g["a"].numpy(), [3.0, 3.0])
    assert g["rest"][0].numpy() == pytest.approx(3.0)
    assert tape.gradient(z, b).numpy() == pytest.approx(2 * 9 * 3)
    with tf.GradientTape() as t2:
        y = a * 2
    t2.gradient(y, a)
    with pytest.raises(RuntimeError, match="non-persistent"):
        t2.gradient(y, a)


def test_second_order_with_nested_tapes():
    x = tf.Variable(2.0)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x * x * x
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert dy.numpy() == pytest.approx(12.0) and d2y.numpy() == pytest.approx(12.0)


def test_unconnected_gradient_is_none_or_zero():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = a * 2
    assert tape.gradient(y, b) is None
    assert tape.gradient(y, b, unconnected_gradients="zero").numpy() == 0.0


def test_graph_second_derivative():
    x = tf.placeholder(tf.float64, [])
    y = tf.sin(x) * x
    g1 = tf.gradients(y, x)[0]
    g2 = tf.gradients(g1, x)[0]
    with tf.Session() as sess:
        v1, v2 = sess.run([g1, g2], {x: 0.7})
    assert v1 == pytest.approx(np.cos(0.7) * 0.7 + np.sin(0.7))
    assert v2 == pytest.approx(-np.sin(0.7) * 0.7 + 2 * np.cos(0.7))


def test_tf_function_runs_eagerly_and_printing():
    @tf.function
    def f(x):
        return x * 2 + 1
    out = f(tf.constant([1.0, 2.0]))
    np.testing.assert_allclose(out.numpy(), [3.0, 5.0])
    assert str(out) == "tf.Tensor([3. 5.], shape=(2,), dtype=float32)"
    v = tf.Variable(1.0)
    assert "numpy=1.0" in repr(v)


def test_stop_gradient_blocks():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x * tf.stop_gradient(x * 3)
    assert tape.gradient(y, x).numpy() == pytest.approx(6.0)


def test_unwatched_constant_source_has_no_gradient():
    c = tf.constant(3.0)
    v = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = c * c * v
        z = y * 2.0
    gc, gv = tape.gradient(y, [c, v])
    assert gc is None and float(gv) == 9.0
    assert float(tape.gradient(z, y)) == 2.0      # made on the tape: differentiable
    assert float(tape.gradient(y, c, unconnected_gradients="zero")) == 0.0
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = c * c
    assert float(tape.gradient(y, c)) == 6.0


def test_jacobian_of_elementwise_and_matmul():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), np.diag([2.0, 4.0, 6.0]))
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    W = tf.Variable(w)
    xb = tf.constant(np.random.default_rng(0).random((4, 2)).astype(np.float32))
    c = tf.constant(1.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xb)
        z = tf.matmul(xb, W)
    jW, jx, jc = tape.jacobian(z, [W, xb, c])
    assert jW.shape == (4, 3, 2, 3) and jx.shape == (4, 3, 4, 2) and jc is None
    # d z[b, i] / d W[k, j] = x[b, k] * (i == j); d z[b, i] / d x[a, k] = W[k, i] * (a == b)
    want_w = np.einsum("bk,ij->bikj", xb.numpy(), np.eye(3))
    want_x = np.einsum("ki,ab->biak", w, np.eye(4))
    np.testing.assert_allclose(jW.numpy(), want_w, rtol=1e-6)
    np.testing.assert_allclose(jx.numpy(), want_x, rtol=1e-6)
    assert tape.jacobian(z, c, unconnected_gradients="zero").numpy().tolist() == [[0.0] * 3] * 4
    bj = tape.batch_jacobian(z, xb)
    assert bj.shape == (4, 3, 2)
    np.testing.assert_allclose(bj.numpy(), np.broadcast_to(w.T, (4, 3, 2)))


def test_jacobian_rules():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(x * x)
    assert float(tape.jacobian(y, x).numpy()[1]) == 4.0      # scalar target: the gradient
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        tape.jacobian(y, x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * 2.0
    with pytest.raises(ValueError, match="first dimension of target shape"):
        tape.batch_jacobian(y, tf.constant([[1.0]]))
