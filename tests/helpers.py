"""Test helpers: ``check_op`` (forward vs NumPy, backward vs float64 numerical gradients)."""
import numpy as np

import neuroflow as tf
from neuroflow.core import context


def numerical_grad(f, xs, eps=1e-6):
    """Central-difference gradient of scalar f(*xs) for each float64 array in xs."""
    grads = []
    for x in xs:
        g = np.zeros_like(x)
        it = np.nditer(x, flags=["multi_index"])
        for _ in it:
            i = it.multi_index
            old = x[i]
            x[i] = old + eps
            fp = f(*xs)
            x[i] = old - eps
            fm = f(*xs)
            x[i] = old
            g[i] = (fp - fm) / (2 * eps)
        grads.append(g)
    return grads


def check_op(fn, ref, shapes, low=-2.0, high=2.0, grad=True, inputs=None, rtol=1e-5, atol=1e-6,
             grad_rtol=1e-4, grad_atol=1e-5, double_backward=False, grad_args=None, seed=0):
    """Checks ``fn`` (neuroflow, on tensors) against ``ref`` (NumPy, on arrays).

    - forward in eager mode and through a graph + Session, float64, against ``ref``;
    - backward (eager tape and tf.gradients) against numerical gradients of sum(w * fn(x));
    - double backward: the gradient of the gradient against numerical differences, if asked.
    ``grad_args`` lists which inputs to differentiate (default: all).
    """
    rng = np.random.RandomState(seed)
    if inputs is None:
        inputs = [rng.uniform(low, high, s).astype(np.float64) for s in shapes]
    inputs = [np.array(x, dtype=np.float64) if np.asarray(x).dtype.kind == "f" else np.asarray(x)
              for x in inputs]
    expected = ref(*[x.copy() for x in inputs])
    # eager forward
    ts = [tf.constant(x) for x in inputs]
    out = fn(*ts)
    np.testing.assert_allclose(np.asarray(out.numpy(), dtype=np.float64) if out.dtype.is_floating
                               else out.numpy(), expected, rtol=rtol, atol=atol)
    assert tuple(out.shape.as_list()) == np.shape(expected), (out.shape, np.shape(expected))
    # graph forward through placeholders and a session
    g = tf.Graph()
    was = context.state.graph_mode
    context.state.graph_mode = True
    try:
        with g.as_default():
            phs = [tf.placeholder(tf.as_dtype(x.dtype), shape=x.shape) for x in inputs]
            gout = fn(*phs)
            if gout.shape.ndims is not None:
                assert gout.shape.is_compatible_with(np.shape(expected)), (gout.shape, np.shape(expected))
            with tf.Session() as sess:
                np.testing.assert_allclose(sess.run(gout, dict(zip(phs, inputs))), expected,
                                           rtol=rtol, atol=atol)
                if grad:
                    idx = grad_args if grad_args is not None else list(range(len(inputs)))
                    w = rng.uniform(0.5, 1.5, np.shape(expected))
                    loss = tf.reduce_sum(gout * tf.constant(w))
                    gs = tf.gradients(loss, [phs[i] for i in idx])
                    got = sess.run(gs, dict(zip(phs, inputs)))

                    def f(*vals):
                        xs = list(inputs)
                        for i, v in zip(idx, vals):
                            xs[i] = v
                        return float(np.sum(ref(*xs) * w))
                    num = numerical_grad(f, [inputs[i].copy() for i in idx])
                    for a, b in zip(got, num):
                        np.testing.assert_allclose(a, b, rtol=grad_rtol, atol=grad_atol)
                    if double_backward:
                        v = [rng.uniform(0.5, 1.5, inputs[i].shape) for i in idx]
                        gsum = tf.add_n([tf.reduce_sum(gg * tf.constant(vv)) for gg, vv in zip(gs, v)])
                        g2 = tf.gradients(gsum, [phs[i] for i in idx])
                        live = [t for t in g2 if t is not None]
                        vals = iter(sess.run(live, dict(zip(phs, inputs))))
                        got2 = [np.zeros(inputs[i].shape) if t is None else next(vals)
                                for t, i in zip(g2, idx)]

                        def fg(*vals):
                            feed = dict(zip(phs, inputs))
                            for i, val in zip(idx, vals):
                                feed[phs[i]] = val
                            return float(sess.run(gsum, feed))
                        num2 = numerical_grad(fg, [inputs[i].copy() for i in idx], eps=1e-5)
                        for a, b in zip(got2, num2):
                            np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)
    finally:
        context.state.graph_mode = was
    if grad:
        # eager tape gives the same gradients
        idx = grad_args if grad_args is not None else list(range(len(inputs)))
        ts = [tf.constant(x) for x in inputs]
        with tf.GradientTape() as tape:
            for i in idx:
                tape.watch(ts[i])
            y = fn(*ts)
            loss = tf.reduce_sum(y * tf.constant(w))
        eg = tape.gradient(loss, [ts[i] for i in idx])
        for a, b in zip(eg, got):
            np.testing.assert_allclose(a.numpy(), b, rtol=1e-6, atol=1e-8)
