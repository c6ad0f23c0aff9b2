"""core/fusion.py: a kernel's gradient MatMul folded into its gradient-descent update changes
the speed of a step, never its numbers."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.core import blas, fusion


def _plans(sess):
    return list(sess._plans.values())


def _tf1_mlp(opt, fetch_grads=False, steps=20):
    """A two-layer TF1 net trained on fixed data: (final cost, weights, fused update names)."""
    tf.set_random_seed(3)
    X = tf.placeholder(tf.float32, [None, 4])
    Y = tf.placeholder(tf.float32, [None, 3])
    W1 = tf.Variable(tf.random_normal([4, 5]), name="W1")
    b1 = tf.Variable(tf.zeros([5]), name="b1")
    W2 = tf.Variable(tf.random_normal([5, 3]), name="W2")
    h = tf.sigmoid(tf.matmul(X, W1) + b1)
    cost = tf.reduce_mean(tf.square(tf.matmul(h, W2) - Y))
    gvs = opt.compute_gradients(cost)
    train = opt.apply_gradients(gvs)
    rng = np.random.default_rng(1)
    xs, ys = rng.random((8, 4)), rng.random((8, 3))
    fetches = [cost, train] + ([g for g, _ in gvs] if fetch_grads else [])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            c = sess.run(fetches, {X: xs, Y: ys})[0]
        fused = [op.name for p in _plans(sess) for op in p.fused]
        return c, sess.run([W1, b1, W2]), fused


@pytest.mark.parametrize("make", [lambda: tf.train.GradientDescentOptimizer(0.5),
                                  lambda: tf.train.MomentumOptimizer(0.1, 0.9)])
def test_tf1_gradient_descent_fuses_both_kernels_and_matches(graph_mode, make):
    c, ws, fused = _tf1_mlp(make())
    assert sorted(n.rsplit("/", 1)[-1] for n in fused) == ["update_W1", "update_W2"]
    fusion.enabled = False
    try:
        tf.reset_default_graph()
        c0, ws0, fused0 = _tf1_mlp(make())
    finally:
        fusion.enabled = True
    assert fused0 == []
    np.testing.assert_allclose(c, c0, rtol=1e-6)
    for a, b in zip(ws, ws0):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_no_fusion_when_the_gradient_is_fetched_or_the_rule_has_state(graph_mode):
    assert _tf1_mlp(tf.train.GradientDescentOptimizer(0.5), fetch_grads=True)[2] == []
    tf.reset_default_graph()
    assert _tf1_mlp(tf.train.MomentumOptimizer(0.5, 0.9, use_nesterov=True))[2] == []
    tf.reset_default_graph()
    assert _tf1_mlp(tf.train.AdamOptimizer(0.1))[2] == []


def test_no_fusion_when_a_product_input_is_a_variable_updated_before(graph_mode):
    # y = V @ W: W's gradient is V^T @ dy. V is updated in place by the same step; where V's
    # update runs between the product and W's update, folding would read the new V.
    V = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3) / 10, name="V")
    W = tf.Variable(np.ones((3, 2), np.float32) / 3, name="W")
    cost = tf.reduce_sum(tf.square(tf.matmul(V, W) - 1.0))
    opt = tf.train.GradientDescentOptimizer(0.1)
    train = opt.apply_gradients([(g, v) for g, v in opt.compute_gradients(cost, [V, W])])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v0, w0 = sess.run([V, W])
        sess.run(train)
        v1, w1 = sess.run([V, W])
        plan = [p for p in _plans(sess) if p.fused or len(p.ops) > 8][0]
        order = [op.name for op in plan.ops]
    dy = 2 * (v0 @ w0 - 1.0)
    np.testing.assert_allclose(w1, w0 - 0.1 * v0.T @ dy, rtol=1e-5)   # the old V, always
    np.testing.assert_allclose(v1, v0 - 0.1 * dy @ w0.T, rtol=1e-5)
    uv = order.index(next(n for n in order if n.endswith("update_V")))
    uw = order.index(next(n for n in order if n.endswith("update_W")))
    fused = [op.name for op in plan.fused]
    assert any(n.endswith("update_V") for n in fused)     # dV = dy @ W^T: W is updated after it
    assert uv < uw and not any(n.endswith("update_W") for n in fused)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_keras_sgd_fuses_each_dense_kernel_and_matches_the_plain_plan(momentum):
    def train(flag):
        fusion.enabled = flag
        try:
            keras.utils.set_random_seed(1)
            model = keras.Sequential([keras.Input((20,)),
                                      keras.layers.Dense(16, activation="sigmoid"),
                                      keras.layers.Dropout(0.5),
                                      keras.layers.Dense(4, activation="softmax")])
            model.compile(optimizer=keras.optimizers.SGD(0.5 if not momentum else 0.1,
                                                         momentum=momentum),
                          loss="categorical_crossentropy")
            rng = np.random.default_rng(0)
            x = rng.random((96, 20)).astype("float32")
            y = np.eye(4, dtype="float32")[rng.integers(0, 4, 96)]
            h = model.fit(x, y, batch_size=32, epochs=3, verbose=0, shuffle=False)
            return h.history["loss"], model.get_weights()
        finally:
            fusion.enabled = True
    (l1, w1), (l0, w0) = train(True), train(False)
    np.testing.assert_allclose(l1, l0, rtol=1e-6)
    assert l1[-1] < l1[0]
    for a, b in zip(w1, w0):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_keras_sgd_plan_skips_the_kernel_products():
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5), keras.layers.Dense(2)])
    for opt, n in ((keras.optimizers.SGD(0.1), 2), (keras.optimizers.SGD(0.1, momentum=0.9), 2),
                   (keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True), 0),
                   (keras.optimizers.Adam(), 0)):
        model.compile(optimizer=opt, loss="mse")
        from neuroflow.core import executor
        made = []
        real = executor.Plan.__init__

        def spy(self, *a, **k):
            real(self, *a, **k)
            made.append(self)
        executor.Plan.__init__ = spy
        try:
            model.train_on_batch(np.ones((4, 6), np.float32), np.zeros((4, 2), np.float32))
        finally:
            executor.Plan.__init__ = real
        assert max(len(p.fused) for p in made) == n


@pytest.mark.parametrize("make", [lambda: tf.train.GradientDescentOptimizer(0.5),
                                  lambda: tf.train.MomentumOptimizer(0.1, 0.9)])
def test_an_update_whose_arrays_blas_declines_takes_the_ordinary_path(graph_mode, monkeypatch,
                                                                      make):
    c, ws, fused = _tf1_mlp(make())
    assert fused
    monkeypatch.setattr(blas, "gemm_update", lambda *a, **k: False)
    tf.reset_default_graph()
    c2, ws2, fused2 = _tf1_mlp(make())
    assert fused2   # planned fused, ran the fallback
    np.testing.assert_allclose(c2, c, rtol=1e-6)
    for a, b in zip(ws, ws2):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_float64_and_learning_rate_tensor(graph_mode):
    lr = tf.placeholder(tf.float64, [])
    x = tf.constant(np.arange(6.0).reshape(3, 2))
    W = tf.Variable(np.ones((2, 2)), name="W")
    cost = tf.reduce_sum(tf.matmul(x, W) ** 2)
    train = tf.train.GradientDescentOptimizer(lr).minimize(cost)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {lr: 0.01})
        assert [op.name for p in _plans(sess) for op in p.fused]
        got = sess.run(W)
    xv = np.arange(6.0).reshape(3, 2)
    np.testing.assert_allclose(got, np.ones((2, 2)) - 0.01 * xv.T @ (2 * xv @ np.ones((2, 2))))


def test_no_fusion_when_the_product_reads_the_updated_variable(graph_mode):
    # d/dV of V @ stop_gradient(V) is dy @ V^T: one MatMul whose input is V itself
    V = tf.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32), name="V")
    cost = tf.reduce_sum(tf.matmul(V, tf.stop_gradient(V)))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(cost)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v0 = sess.run(V)
        sess.run(train)
        assert not [op for p in _plans(sess) for op in p.fused]
        np.testing.assert_allclose(sess.run(V), v0 - 0.1 * np.ones((2, 2)) @ v0.T, rtol=1e-6)


def test_no_fusion_across_an_assign_to_a_product_input(graph_mode):
    # dW = V^T @ dy is computed before V is assigned; W's update runs after the assign and
    # must still use the product of the old V
    v0 = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    V = tf.Variable(v0, name="V")
    W = tf.Variable(np.ones((2, 2), np.float32), name="W")
    cost = tf.reduce_sum(tf.matmul(V, W))
    opt = tf.train.GradientDescentOptimizer(0.1)
    gvs = opt.compute_gradients(cost, [W])
    with tf.control_dependencies([g for g, _ in gvs]):
        zero_v = tf.assign(V, tf.zeros([2, 2]))
    with tf.control_dependencies([zero_v]):
        train = opt.apply_gradients(gvs)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(W), 1.0 - 0.1 * v0.T @ np.ones((2, 2)), rtol=1e-6)
        assert sess.run(V).sum() == 0
