"""tf.train optimizers: every update rule against a NumPy transcription of TF1's formula."""
import inspect

import numpy as np
import pytest

import neuroflow as tf

X_DATA = np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0], [-1.5, 0.3, 0.2], [2.0, 1.0, 1.0]])
Y_DATA = np.array([1.0, -2.0, 0.5, 3.0])
W0 = np.array([0.3, -0.2, 0.1])
B0 = np.array(0.4)


def grads(w, b):
    """Gradients of 0.5 * sum((X w + b - y)^2)."""
    r = X_DATA @ w + b - Y_DATA
    return X_DATA.T @ r, r.sum()


def model_loss(w, b):
    residual = tf.reduce_sum(tf.constant(X_DATA) * w, axis=1) + b - Y_DATA
    return 0.5 * tf.reduce_sum(tf.square(residual))


def build_model():
    w = tf.Variable(W0, name="w")
    b = tf.Variable(B0, name="b")
    return w, b, model_loss(w, b)


# ---------------------------------------------------------------- NumPy references (TF1 kernels)
def ref_sgd(lr):
    def step(p, g, s, t):
        return p - lr * g
    return step, lambda p: {}


def ref_momentum(lr, mom, nesterov=False):
    def step(p, g, s, t):
        s["momentum"] = s["momentum"] * mom + g
        if nesterov:
            return p - lr * g - lr * mom * s["momentum"]
        return p - lr * s["momentum"]
    return step, lambda p: {"momentum": np.zeros_like(p)}


def ref_adagrad(lr, init=0.1):
    def step(p, g, s, t):
        s["accumulator"] = s["accumulator"] + g * g
        return p - lr * g / np.sqrt(s["accumulator"])
    return step, lambda p: {"accumulator": np.full_like(p, init)}


def ref_adadelta(lr, rho, eps):
    def step(p, g, s, t):
        s["accum"] = rho * s["accum"] + (1 - rho) * g * g
        upd = np.sqrt(s["accum_update"] + eps) / np.sqrt(s["accum"] + eps) * g
        s["accum_update"] = rho * s["accum_update"] + (1 - rho) * upd * upd
        return p - lr * upd
    return step, lambda p: {"accum": np.zeros_like(p), "accum_update": np.zeros_like(p)}


def ref_rmsprop(lr, decay, mom, eps, centered=False):
    def step(p, g, s, t):
        s["rms"] = decay * s["rms"] + (1 - decay) * g * g
        denom = s["rms"] + eps
        if centered:
            s["mg"] = decay * s["mg"] + (1 - decay) * g
            denom = s["rms"] - s["mg"] ** 2 + eps
        s["momentum"] = mom * s["momentum"] + lr * g / np.sqrt(denom)
        return p - s["momentum"]

    def init(p):
        s = {"rms": np.ones_like(p), "momentum": np.zeros_like(p)}
        if centered:
            s["mg"] = np.zeros_like(p)
        return s
    return step, init


def ref_adam(lr, b1, b2, eps):
    def step(p, g, s, t):
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        # TF1 keeps beta^t in float32 variables
        lr_t = lr * np.sqrt(1 - float(_pow32(b2, t))) / (1 - float(_pow32(b1, t)))
        return p - lr_t * s["m"] / (np.sqrt(s["v"]) + eps)
    return step, lambda p: {"m": np.zeros_like(p), "v": np.zeros_like(p)}


def _pow32(beta, t):
    x = np.float32(beta)
    for _ in range(t - 1):
        x = np.float32(x * np.float32(beta))
    return x


def ref_ftrl(lr, power, init, l1, l2, shrink):
    def step(p, g, s, t):
        g_shr = g + 2 * shrink * p
        new_accum = s["accum"] + g * g
        sigma = (new_accum ** -power - s["accum"] ** -power) / lr
        s["linear"] = s["linear"] + g_shr - sigma * p
        quadratic = new_accum ** -power / lr + 2 * l2
        s["accum"] = new_accum
        lin = s["linear"]
        return np.where(np.abs(lin) > l1, (np.sign(lin) * l1 - lin) / quadratic, 0.0)
    return step, lambda p: {"accum": np.full_like(p, init), "linear": np.zeros_like(p)}


def ref_proximal(lr, l1, l2):
    def step(p, g, s, t):
        prox = p - lr * g
        return np.sign(prox) * np.maximum(np.abs(prox) - lr * l1, 0) / (1 + lr * l2)
    return step, lambda p: {}


CASES = {
    "sgd": (lambda: tf.train.GradientDescentOptimizer(0.05), ref_sgd(0.05)),
    "momentum": (lambda: tf.train.MomentumOptimizer(0.05, 0.9), ref_momentum(0.05, 0.9)),
    "nesterov": (lambda: tf.train.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
                 ref_momentum(0.05, 0.9, nesterov=True)),
    "adagrad": (lambda: tf.train.AdagradOptimizer(0.3, initial_accumulator_value=0.2),
                ref_adagrad(0.3, 0.2)),
    "adadelta": (lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
                 ref_adadelta(1.0, 0.9, 1e-6)),
    "rmsprop": (lambda: tf.train.RMSPropOptimizer(0.01), ref_rmsprop(0.01, 0.9, 0.0, 1e-10)),
    "rmsprop_centered": (lambda: tf.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.5,
                                                           epsilon=1e-3, centered=True),
                         ref_rmsprop(0.01, 0.8, 0.5, 1e-3, centered=True)),
    "adam": (lambda: tf.train.AdamOptimizer(0.1), ref_adam(0.1, 0.9, 0.999, 1e-8)),
    "adam_defaults": (lambda: tf.train.AdamOptimizer(), ref_adam(0.001, 0.9, 0.999, 1e-8)),
    "adam_args": (lambda: tf.train.AdamOptimizer(0.05, beta1=0.5, beta2=0.9, epsilon=0.1),
                  ref_adam(0.05, 0.5, 0.9, 0.1)),
    "ftrl": (lambda: tf.train.FtrlOptimizer(0.2), ref_ftrl(0.2, -0.5, 0.1, 0.0, 0.0, 0.0)),
    "ftrl_reg": (lambda: tf.train.FtrlOptimizer(
        0.2, learning_rate_power=-0.7, initial_accumulator_value=0.3,
        l1_regularization_strength=0.5, l2_regularization_strength=0.1,
        l2_shrinkage_regularization_strength=0.05),
                 ref_ftrl(0.2, -0.7, 0.3, 0.5, 0.1, 0.05)),
    "proximal": (lambda: tf.train.ProximalGradientDescentOptimizer(
        0.05, l1_regularization_strength=0.3, l2_regularization_strength=0.2),
                 ref_proximal(0.05, 0.3, 0.2)),
}


def reference(case, steps):
    step, init = CASES[case][1]
    params = [W0.copy(), B0.copy()]
    slots = [init(p) for p in params]
    for t in range(1, steps + 1):
        gs = grads(*params)
        params = [step(p, g, s, t) for p, g, s in zip(params, gs, slots)]
    return params, slots


@pytest.mark.parametrize("case", sorted(CASES))
def test_three_steps_match_tf1_formula_in_session(case):
    w, b, loss = build_model()
    opt = CASES[case][0]()
    train = opt.minimize(loss)
    (w_ref, b_ref), slots_ref = reference(case, 3)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        w_val, b_val = sess.run([w, b])
        np.testing.assert_allclose(w_val, w_ref, rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(b_val, b_ref, rtol=1e-6, atol=1e-12)
        assert sorted(opt.get_slot_names()) == sorted(slots_ref[0])
        for var, ref in ((w, slots_ref[0]), (b, slots_ref[1])):
            for name, value in ref.items():
                np.testing.assert_allclose(sess.run(opt.get_slot(var, name)), value, rtol=1e-6,
                                           atol=1e-12, err_msg=name)


@pytest.mark.parametrize("case", ["sgd", "nesterov", "adam", "rmsprop_centered"])
def test_eager_apply_gradients_updates_variables_at_once(case):
    w = tf.Variable(W0, name="w")
    b = tf.Variable(B0, name="b")
    opt = CASES[case][0]()
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = model_loss(w, b)
        gw, gb = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip([gw, gb], [w, b]))
    (w_ref, b_ref), slots_ref = reference(case, 3)
    np.testing.assert_allclose(w.numpy(), w_ref, rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), b_ref, rtol=1e-6)
    for name, value in slots_ref[0].items():
        np.testing.assert_allclose(opt.get_slot(w, name).numpy(), value, rtol=1e-6, atol=1e-12)


def test_eager_minimize_callable_with_var_list():
    w = tf.Variable(W0, name="w")
    b = tf.Variable(B0, name="b")
    opt = tf.train.MomentumOptimizer(0.05, 0.9)

    def loss():
        return model_loss(w, b)
    for _ in range(3):
        opt.minimize(loss, var_list=[w, b])
    (w_ref, b_ref), _ = reference("momentum", 3)
    np.testing.assert_allclose(w.numpy(), w_ref, rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), b_ref, rtol=1e-6)
    # var_list restricts the update in eager mode too
    opt.minimize(loss, var_list=[b])
    np.testing.assert_allclose(w.numpy(), w_ref, rtol=1e-6)
    assert not np.allclose(b.numpy(), b_ref)


def test_eager_adam_global_step_and_beta_powers():
    w = tf.Variable(W0, name="w")
    gs = tf.Variable(0, trainable=False, name="step")
    opt = tf.train.AdamOptimizer(0.1)
    for _ in range(2):
        opt.minimize(lambda: tf.reduce_sum(tf.square(w)), var_list=[w], global_step=gs)
    assert int(gs.numpy()) == 2
    b1, b2 = opt._get_beta_accumulators()
    np.testing.assert_allclose(b1.numpy(), 0.9 ** 3, rtol=1e-6)
    np.testing.assert_allclose(b2.numpy(), 0.999 ** 3, rtol=1e-6)


def test_defaults_and_argument_names_are_tf1s():
    def sig(cls):
        return [(p.name, p.default) for p in inspect.signature(cls).parameters.values()]
    E = inspect.Parameter.empty
    lock = ("use_locking", False)
    assert sig(tf.train.GradientDescentOptimizer) == [("learning_rate", E), lock,
                                                     ("name", "GradientDescent")]
    assert sig(tf.train.MomentumOptimizer) == [("learning_rate", E), ("momentum", E), lock,
                                              ("name", "Momentum"), ("use_nesterov", False)]
    assert sig(tf.train.AdagradOptimizer) == [("learning_rate", E),
                                             ("initial_accumulator_value", 0.1), lock,
                                             ("name", "Adagrad")]
    assert sig(tf.train.AdadeltaOptimizer) == [("learning_rate", 0.001), ("rho", 0.95),
                                              ("epsilon", 1e-08), lock, ("name", "Adadelta")]
    assert sig(tf.train.RMSPropOptimizer) == [("learning_rate", E), ("decay", 0.9),
                                             ("momentum", 0.0), ("epsilon", 1e-10), lock,
                                             ("centered", False),
                                             ("name", "RMSProp")]
    assert sig(tf.train.AdamOptimizer) == [("learning_rate", 0.001), ("beta1", 0.9),
                                          ("beta2", 0.999), ("epsilon", 1e-08), lock,
                                          ("name", "Adam")]
    assert sig(tf.train.FtrlOptimizer)[:6] == [("learning_rate", E), ("learning_rate_power", -0.5),
                                              ("initial_accumulator_value", 0.1),
                                              ("l1_regularization_strength", 0.0),
                                              ("l2_regularization_strength", 0.0), lock]
    assert tf.train.AdamOptimizer().get_name() == "Adam"


def test_slot_and_non_slot_variables_are_named_as_tf1():
    w, b, loss = build_model()
    opt = tf.train.AdamOptimizer(0.1)
    opt.minimize(loss)
    assert opt.get_slot(w, "m").name == "w/Adam:0"
    assert opt.get_slot(w, "v").name == "w/Adam_1:0"
    assert opt.get_slot(w, "nope") is None
    assert [v.name for v in opt.variables()] == ["b/Adam:0", "b/Adam_1:0", "beta1_power:0",
                                                "beta2_power:0", "w/Adam:0", "w/Adam_1:0"]
    assert all(not v.trainable for v in opt.variables())
    assert set(opt.variables()) <= set(tf.global_variables())
    assert tf.trainable_variables() == [w, b]
    rms = tf.train.RMSPropOptimizer(0.1, centered=True)
    rms.minimize(loss)
    assert [rms.get_slot(w, n).name for n in ("rms", "mg", "momentum")] == \
        ["w/RMSProp:0", "w/RMSProp_1:0", "w/RMSProp_2:0"]


def test_rmsprop_rms_slot_starts_at_ones_and_adam_beta_powers_advance():
    w, b, loss = build_model()
    rms = tf.train.RMSPropOptimizer(0.1)
    adam = tf.train.AdamOptimizer(0.1, beta1=0.8, beta2=0.99)
    train = tf.group(rms.minimize(loss, var_list=[w]), adam.minimize(loss, var_list=[b]))
    b1, b2 = adam._get_beta_accumulators()
    assert b1.dtype == tf.float32 and b1.name == "beta1_power:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(rms.get_slot(w, "rms")), np.ones(3))
        np.testing.assert_array_equal(sess.run(rms.get_slot(w, "momentum")), np.zeros(3))
        np.testing.assert_allclose(sess.run([b1, b2]), [0.8, 0.99], rtol=1e-7)
        for _ in range(3):
            sess.run(train)
        np.testing.assert_allclose(sess.run([b1, b2]), [0.8 ** 4, 0.99 ** 4], rtol=1e-6)


def test_global_step_increments_once_per_run():
    w, _b, loss = build_model()
    gs = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=gs)
    assert train.name == "Adam"
    assert train in tf.get_collection(tf.GraphKeys.TRAIN_OP)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for k in range(1, 5):
            sess.run(train)
            assert tf.train.global_step(sess, gs) == k
        w_val = sess.run(w)
    (w_ref, _), _ = reference("adam", 4)
    np.testing.assert_allclose(w_val, w_ref, rtol=1e-6)


def test_minimize_without_a_path_to_any_variable_raises():
    w = tf.Variable(W0, name="w")
    x = tf.placeholder(tf.float64, [3])
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(x * 2.0), var_list=[w])
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        tf.train.AdamOptimizer().apply_gradients([(None, w)])


def test_invalid_arguments_raise_tf_errors():
    with pytest.raises(ValueError, match="initial_accumulator_value must be positive"):
        tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
    with pytest.raises(ValueError, match="needs to be positive or zero"):
        tf.train.FtrlOptimizer(0.1, l1_regularization_strength=-1.0)
    i = tf.Variable(3, name="i")
    with pytest.raises(ValueError, match="Invalid type"):
        tf.train.GradientDescentOptimizer(0.1).minimize(i * 2, var_list=[i])
    tf.reset_default_graph()
    tf.placeholder(tf.float32)
    with pytest.raises(ValueError, match="No variables to optimize"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1.0) * 2.0)


def test_var_list_restricts_updates():
    w, b, loss = build_model()
    opt = tf.train.MomentumOptimizer(0.05, 0.9)
    train = opt.minimize(loss, var_list=[b])
    assert opt.get_slot(w, "momentum") is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        np.testing.assert_array_equal(sess.run(w), W0)
        b_ref = B0.copy()
        accum = 0.0
        for _ in range(3):
            accum = accum * 0.9 + grads(W0, b_ref)[1]
            b_ref = b_ref - 0.05 * accum
        np.testing.assert_allclose(sess.run(b), b_ref, rtol=1e-12)


def test_compute_clip_apply_gradients():
    w, b, loss = build_model()
    opt = tf.train.GradientDescentOptimizer(0.1)
    gvs = opt.compute_gradients(loss)
    assert [v for _, v in gvs] == [w, b]
    capped = [(tf.clip_by_value(g, -1.0, 1.0), v) for g, v in gvs]
    train = opt.apply_gradients(capped)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        gw, gb = grads(W0, B0)
        np.testing.assert_allclose(sess.run(w), W0 - 0.1 * np.clip(gw, -1, 1), rtol=1e-12)
        np.testing.assert_allclose(sess.run(b), B0 - 0.1 * np.clip(gb, -1, 1), rtol=1e-12)


def test_learning_rate_from_placeholder_and_constants_baked_in():
    w, b, loss = build_model()
    lr = tf.placeholder(tf.float64, [])
    fed = tf.train.MomentumOptimizer(lr, 0.9).minimize(loss, var_list=[w])
    baked = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss, var_list=[b])
    updates = [op for op in tf.get_default_graph().get_operations() if op.type == "ApplyMomentum"]
    # a Python-number hyperparameter is no op input; a tensor one is
    assert sorted(len(op.inputs) for op in updates) == [1, 2]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(fed, {lr: 0.0})
        np.testing.assert_array_equal(sess.run(w), W0)
        sess.run(fed, {lr: 0.05})
        gw, _ = grads(W0, B0)
        np.testing.assert_allclose(sess.run(w), W0 - 0.05 * (0.9 * gw + gw), rtol=1e-12)
        sess.run(baked)
        assert sess.run(b) != B0


def test_variables_are_updated_in_place():
    w, _b, loss = build_model()
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        before = sess._store[w]
        first = sess.run(w)
        sess.run(train)
        assert sess._store[w] is before
        assert not np.array_equal(sess.run(w), first)  # a fetched value is a copy, not the buffer


def test_all_gradients_are_computed_before_any_variable_changes():
    # W2 is updated first (var_list order), yet dL/dW1 must use the old W2
    rng = np.random.RandomState(1)
    x0, w1_0, w2_0 = rng.randn(4, 3), rng.randn(3, 2), rng.randn(2, 1)
    W1 = tf.Variable(w1_0)
    W2 = tf.Variable(w2_0)
    x = tf.placeholder(tf.float64, [None, 3])
    loss = tf.reduce_sum(tf.matmul(tf.matmul(x, W1), W2))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[W2, W1])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: x0})
        gy = np.ones((4, 1))
        g2 = (x0 @ w1_0).T @ gy
        g1 = x0.T @ (gy @ w2_0.T)
        np.testing.assert_allclose(sess.run(W1), w1_0 - 0.1 * g1, rtol=1e-12)
        np.testing.assert_allclose(sess.run(W2), w2_0 - 0.1 * g2, rtol=1e-12)


def test_course_pattern_without_placeholders_float32():
    # built eagerly until minimize: the session recomputes cost from its own variables
    x_train, y_train = [1.0, 2.0, 3.0], [1.0, 2.0, 3.0]
    W = tf.Variable(tf.constant([0.5]), name="weight")
    b = tf.Variable(tf.constant([0.2]), name="bias")
    cost = tf.reduce_mean(tf.square(x_train * W + b - y_train))
    train = tf.train.GradientDescentOptimizer(learning_rate=0.01).minimize(cost)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w_ref, b_ref = np.float32(0.5), np.float32(0.2)
        xs, ys = np.array(x_train, np.float32), np.array(y_train, np.float32)
        for _ in range(3):
            r = xs * w_ref + b_ref - ys
            lr = np.float32(0.01)
            w_ref, b_ref = w_ref - lr * np.mean(2 * r * xs), b_ref - lr * np.mean(2 * r)
            sess.run(train)
        assert sess.run(W).dtype == np.float32
        np.testing.assert_allclose(sess.run([W, b]), [[w_ref], [b_ref]], rtol=1e-5)


# ---------------------------------------------------------------- end to end (course demos)
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], np.float32)


def xor_net(hidden, act, steps, opt, seed, he_init=False):
    """A sigmoid-output MLP on XOR; returns (cost, accuracy, |dW_first|/|dW_last| at the start)."""
    tf.set_random_seed(seed)
    X = tf.placeholder(tf.float32, [None, 2])
    Y = tf.placeholder(tf.float32, [None, 1])
    h, dims, Ws = X, [2] + hidden + [1], []
    for i in range(len(dims) - 1):
        if he_init:
            W = tf.Variable(tf.random_normal([dims[i], dims[i + 1]]) * np.sqrt(2.0 / dims[i]))
            b = tf.Variable(tf.zeros([dims[i + 1]]))
        else:
            W = tf.Variable(tf.random_normal([dims[i], dims[i + 1]]))
            b = tf.Variable(tf.random_normal([dims[i + 1]]))
        Ws.append(W)
        z = tf.matmul(h, W) + b
        h = tf.sigmoid(z) if i == len(dims) - 2 else act(z)
    cost = -tf.reduce_mean(Y * tf.log(h) + (1 - Y) * tf.log(1 - h))
    train = opt.minimize(cost)
    g_first, g_last = tf.gradients(cost, [Ws[0], Ws[-1]])
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.cast(h > 0.5, tf.float32), Y), tf.float32))
    feed = {X: XOR_X, Y: XOR_Y}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        gf, gl = sess.run([g_first, g_last], feed)
        for _ in range(steps):
            sess.run(train, feed)
        c, a = sess.run([cost, accuracy], feed)
    return c, a, np.linalg.norm(gf) / np.linalg.norm(gl)


def test_xor_two_layer_sigmoid_mlp_learns():
    cost, acc, _ = xor_net([2], tf.sigmoid, 10000, tf.train.GradientDescentOptimizer(0.1), seed=0)
    assert acc == 1.0 and cost < 0.05


def test_xor_wide_two_layer_sigmoid_mlp_learns():
    cost, acc, _ = xor_net([10], tf.sigmoid, 5000, tf.train.GradientDescentOptimizer(0.1), seed=0)
    assert acc == 1.0 and cost < 0.05


def test_deep_sigmoid_xor_net_vanishes_while_relu_learns():
    sgd = tf.train.GradientDescentOptimizer(0.1)
    cost, acc, ratio = xor_net([5] * 9, tf.sigmoid, 2000, sgd, seed=1)
    assert acc == 0.5 and abs(cost - np.log(2)) < 1e-3   # stuck at chance: predicts 0.5 everywhere
    assert ratio < 1e-3                                  # the first layer hardly gets a gradient
    tf.reset_default_graph()
    def relu(z):
        return tf.maximum(z, 0.0)
    sgd = tf.train.GradientDescentOptimizer(0.1)
    cost, acc, _ = xor_net([5] * 9, relu, 2000, sgd, seed=1, he_init=True)
    assert acc == 1.0 and cost < 0.05


@pytest.mark.parametrize("gate,target", [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1])])
def test_perceptron_delta_rule_learns_and_or(gate, target):
    x = tf.placeholder(tf.float32, [2])
    t = tf.placeholder(tf.float32, [])
    w = tf.Variable(tf.zeros([2]))
    b = tf.Variable(0.0)
    y = tf.cast(tf.reduce_sum(w * x) + b > 0, tf.float32)  # step activation
    lr = 0.1
    learn = tf.group(w.assign_add(lr * (t - y) * x), b.assign_add(lr * (t - y)))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(20):
            for xi, ti in zip(XOR_X, target):
                sess.run(learn, {x: xi, t: ti})
            outputs = [sess.run(y, {x: xi}) for xi in XOR_X]
            if outputs == target:
                break
        assert outputs == target, (gate, outputs)
        assert epoch < 10


def test_eager_update_leaves_earlier_reads_unchanged():
    w = tf.Variable(np.array([1.0, 2.0]))
    before = w.value()
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w * w)
    tf.train.AdamOptimizer(0.1).apply_gradients([(tape.gradient(loss, w), w)])
    np.testing.assert_array_equal(before.numpy(), [1.0, 2.0])
    np.testing.assert_allclose(w.numpy(), [0.9, 1.9], rtol=1e-6)


def test_state_made_while_building_symbolically_has_values():
    from neuroflow.core import context
    from neuroflow.core.executor import Plan
    from neuroflow.core.op import _eager_ctx
    w = tf.Variable(np.array([1.0, 2.0]))
    b = tf.Variable(0.5, dtype=tf.float64)
    opt = tf.train.AdamOptimizer(0.1)
    with context.symbolic():      # e.g. a Keras train function being built
        gw = tf.constant(np.array([1.0, -1.0])) * 1.0
        train = opt.apply_gradients([(gw, w), (b * 0.0, b)])
    assert gw._value is None
    assert opt.get_slot(w, "m").numpy().tolist() == [0.0, 0.0]
    step = Plan([train], [], _eager_ctx())    # run on the variables themselves, as Keras does
    step()
    np.testing.assert_allclose(w.numpy(), [0.9, 2.1], rtol=1e-6)
    assert b.numpy() == 0.5
    step()
    assert w.numpy()[0] < 0.81


def test_fed_gradients():
    w = tf.Variable(np.array([1.0, 2.0]))
    b = tf.Variable(0.5, dtype=tf.float64)
    gw = tf.placeholder(tf.float64, [2])
    gb = tf.placeholder(tf.float64, [])
    train = tf.train.AdamOptimizer(0.1).apply_gradients([(gw, w), (gb, b)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {gw: [1.0, -1.0], gb: 0.0})
        np.testing.assert_allclose(sess.run(w), [0.9, 2.1], rtol=1e-6)
        assert sess.run(b) == 0.5


def test_tf1_style_subclass_with_apply_dense():
    class SignSGD(tf.train.Optimizer):
        def __init__(self, learning_rate, use_locking=False, name="SignSGD"):
            super().__init__(use_locking, name)
            self._lr = learning_rate

        def _create_slots(self, var_list):
            for v in var_list:
                self._zeros_slot(v, "last", self._name)

        def _apply_dense(self, grad, var):
            last = self.get_slot(var, "last")
            return tf.group(var.assign_sub(self._lr * tf.sign(grad)), last.assign(grad))

    w, _b, loss = build_model()
    opt = SignSGD(0.1)
    train = opt.minimize(loss)
    assert opt.get_slot(w, "last").name == "w/SignSGD:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        gw, _gb = grads(W0, B0)
        np.testing.assert_allclose(sess.run(w), W0 - 0.1 * np.sign(gw), rtol=1e-12)
        np.testing.assert_allclose(sess.run(opt.get_slot(w, "last")), gw, rtol=1e-12)


def test_minimize_callable_loss_in_graph_mode():
    x = tf.placeholder(tf.float64, [])
    w = tf.Variable(3.0, dtype=tf.float64)
    gs = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.25).minimize(lambda: w * w * x, global_step=gs)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: 2.0})
        assert sess.run(w) == 3.0 - 0.25 * 2 * 3.0 * 2.0
        assert tf.train.global_step(sess, gs) == 1
