"""tf.train learning-rate schedules and global-step helpers, against TF1's formulas."""
import math

import numpy as np
import pytest

import neuroflow as tf

STEPS = [0, 1, 4, 5, 9, 10, 11, 25, 100]


def values(make, steps=STEPS, dtype=tf.int64):
    """The schedule evaluated in a Session at each step (global_step fed)."""
    step = tf.placeholder(dtype, [])
    lr = make(step)
    with tf.Session() as sess:
        return np.array([sess.run(lr, {step: s}) for s in steps]), lr


def test_exponential_decay_continuous_and_staircase():
    got, lr = values(lambda s: tf.train.exponential_decay(0.1, s, 10, 0.5))
    assert lr.dtype == tf.float32
    np.testing.assert_allclose(got, [0.1 * 0.5 ** (s / 10) for s in STEPS], rtol=1e-6)
    got, _ = values(lambda s: tf.train.exponential_decay(0.1, s, 10, 0.5, staircase=True))
    np.testing.assert_allclose(got, [0.1 * 0.5 ** (s // 10) for s in STEPS], rtol=1e-6)
    np.testing.assert_allclose(got[:6], [0.1, 0.1, 0.1, 0.1, 0.1, 0.05], rtol=1e-6)


def test_inverse_time_and_natural_exp_decay():
    got, _ = values(lambda s: tf.train.inverse_time_decay(0.5, s, 10, 2.0))
    np.testing.assert_allclose(got, [0.5 / (1 + 2.0 * s / 10) for s in STEPS], rtol=1e-6)
    got, _ = values(lambda s: tf.train.inverse_time_decay(0.5, s, 10, 2.0, staircase=True))
    np.testing.assert_allclose(got, [0.5 / (1 + 2.0 * (s // 10)) for s in STEPS], rtol=1e-6)
    got, _ = values(lambda s: tf.train.natural_exp_decay(0.5, s, 10, 0.3))
    np.testing.assert_allclose(got, [0.5 * math.exp(-0.3 * s / 10) for s in STEPS], rtol=1e-5)
    got, _ = values(lambda s: tf.train.natural_exp_decay(0.5, s, 10, 0.3, staircase=True))
    np.testing.assert_allclose(got, [0.5 * math.exp(-0.3 * (s // 10)) for s in STEPS], rtol=1e-5)


def test_polynomial_decay_with_and_without_cycle():
    got, _ = values(lambda s: tf.train.polynomial_decay(0.1, s, 10, 0.01, power=0.5))
    ref = [(0.1 - 0.01) * (1 - min(s, 10) / 10) ** 0.5 + 0.01 for s in STEPS]
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    got, _ = values(lambda s: tf.train.polynomial_decay(0.1, s, 10, cycle=True))
    ref = []
    for s in STEPS:
        ds = 10 * max(math.ceil(s / 10), 1)
        ref.append((0.1 - 0.0001) * (1 - s / ds) + 0.0001)
    np.testing.assert_allclose(got, ref, rtol=1e-5)


def test_cosine_decays():
    got, _ = values(lambda s: tf.train.cosine_decay(0.2, s, 20, alpha=0.1))
    ref = [0.2 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(s, 20) / 20)) + 0.1) for s in STEPS]
    np.testing.assert_allclose(got, ref, rtol=1e-5)
    got, _ = values(lambda s: tf.train.linear_cosine_decay(0.2, s, 20, num_periods=1.5, alpha=0.1,
                                                           beta=0.01))
    ref = []
    for s in STEPS:
        s = min(s, 20)
        lin = (20 - s) / 20
        cos = 0.5 * (1 + math.cos(math.pi * 2 * 1.5 * s / 20))
        ref.append(0.2 * ((0.1 + lin) * cos + 0.01))
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("t_mul,m_mul", [(2.0, 0.5), (1.0, 0.8)])
def test_cosine_decay_restarts(t_mul, m_mul):
    got, _ = values(lambda s: tf.train.cosine_decay_restarts(0.1, s, 4, t_mul=t_mul, m_mul=m_mul,
                                                             alpha=0.05))
    ref = []
    for s in STEPS:
        frac, i, length = s / 4, 0, 1.0
        while frac >= length:   # walk the periods: lengths 1, t_mul, t_mul^2 ... (units of 4)
            frac -= length
            length *= t_mul
            i += 1
        frac /= length
        cos = 0.5 * m_mul ** i * (1 + math.cos(math.pi * frac))
        ref.append(0.1 * ((1 - 0.05) * cos + 0.05))
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-7)


def test_noisy_linear_cosine_decay():
    got, _ = values(lambda s: tf.train.noisy_linear_cosine_decay(0.2, s, 20, initial_variance=0.0))
    ref, _ = values(lambda s: tf.train.linear_cosine_decay(0.2, s, 20))
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    tf.set_random_seed(3)
    step = tf.placeholder(tf.int64, [])
    lr = tf.train.noisy_linear_cosine_decay(0.2, step, 20)
    with tf.Session() as sess:
        draws = [sess.run(lr, {step: 3}) for _ in range(5)]
    assert len(set(draws)) == 5   # fresh noise every run


def test_piecewise_constant_boundaries_belong_to_the_lower_piece():
    got, lr = values(lambda s: tf.train.piecewise_constant(s, [5, 10], [1.0, 0.5, 0.1]))
    assert lr.dtype == tf.float32
    np.testing.assert_allclose(got, [1.0 if s <= 5 else 0.5 if s <= 10 else 0.1 for s in STEPS])
    got, _ = values(lambda s: tf.train.piecewise_constant(s, [0.5], [3, 7]), steps=[0.0, 0.5, 0.6],
                    dtype=tf.float32)
    assert list(got) == [3, 3, 7]
    with pytest.raises(ValueError, match="1 less than the length of values"):
        tf.train.piecewise_constant(tf.constant(1), [1, 2], [1.0, 2.0])
    with pytest.raises(ValueError, match="same dtype"):
        tf.train.piecewise_constant(tf.constant(1), [1], [1.0, 2])


def test_schedules_need_a_global_step():
    for fn in (tf.train.exponential_decay, tf.train.inverse_time_decay, tf.train.natural_exp_decay):
        with pytest.raises(ValueError, match="global_step is required for"):
            fn(0.1, None, 10, 0.5)
    with pytest.raises(ValueError, match="global_step is required for polynomial_decay"):
        tf.train.polynomial_decay(0.1, None, 10)


def test_schedule_is_read_fresh_as_minimize_increments_global_step():
    w = tf.Variable(np.array([1.0, -2.0]), name="w")
    x = tf.placeholder(tf.float64, [2])
    global_step = tf.Variable(0, trainable=False, name="global_step")
    lr = tf.train.exponential_decay(0.1, global_step, 2, 0.5, staircase=True)
    loss = tf.reduce_sum(w * x)        # dloss/dw = x
    train = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=global_step)
    xv = np.array([1.0, 3.0])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w_ref = np.array([1.0, -2.0])
        for k in range(6):
            assert sess.run(global_step) == k
            rate = sess.run(lr)
            np.testing.assert_allclose(rate, 0.1 * 0.5 ** (k // 2), rtol=1e-6)
            sess.run(train, {x: xv})
            w_ref = w_ref - np.float64(np.float32(rate)) * xv
            np.testing.assert_allclose(sess.run(w), w_ref, rtol=1e-12)
        assert tf.train.global_step(sess, global_step) == 6


def test_schedule_built_before_graph_mode_is_fresh_in_session():
    # course order: variables and schedule first (still eager), placeholders later
    global_step = tf.Variable(0, trainable=False)
    lr = tf.train.polynomial_decay(1.0, global_step, 4, end_learning_rate=0.0)
    x = tf.placeholder(tf.float32, [])
    w = tf.Variable(1.0)
    train = tf.train.GradientDescentOptimizer(lr).minimize(w * x, global_step=global_step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        rates = []
        for _ in range(5):
            rates.append(sess.run(lr))
            sess.run(train, {x: 1.0})
        np.testing.assert_allclose(rates, [1.0, 0.75, 0.5, 0.25, 0.0], atol=1e-7)
        np.testing.assert_allclose(sess.run(w), 1.0 - 2.5, rtol=1e-6)


def test_eager_schedule_is_recomputed_by_the_optimizer():
    global_step = tf.Variable(0, trainable=False)
    lr = tf.train.exponential_decay(1.0, global_step, 1, 0.5)
    w = tf.Variable(0.0)
    opt = tf.train.GradientDescentOptimizer(lr)
    for k in range(3):
        with tf.GradientTape() as tape:
            loss = w * 1.0
        opt.apply_gradients([(tape.gradient(loss, w), w)], global_step=global_step)
    assert int(global_step.numpy()) == 3
    np.testing.assert_allclose(w.numpy(), -(1.0 + 0.5 + 0.25), rtol=1e-6)


# ---------------------------------------------------------------- global step
def test_create_and_get_global_step():
    assert tf.train.get_global_step() is None
    gs = tf.train.create_global_step()
    assert gs.name == "global_step:0" and gs.dtype == tf.int64 and gs.shape.ndims == 0
    assert not gs.trainable
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [gs]
    assert gs in tf.global_variables() and gs not in tf.trainable_variables()
    assert tf.train.get_global_step() is gs
    assert tf.train.get_or_create_global_step() is gs
    with pytest.raises(ValueError, match='"global_step" already exists.'):
        tf.train.create_global_step()
    other = tf.Graph()
    with other.as_default():
        gs2 = tf.train.get_or_create_global_step()
    assert gs2 is not gs and gs2.graph is other
    assert tf.train.get_global_step(other) is gs2


def test_get_global_step_finds_a_variable_named_global_step():
    with tf.name_scope("scope"):
        tf.Variable(0, trainable=False, name="other")
    gs = tf.Variable(0, trainable=False, name="global_step")
    assert tf.train.get_global_step() is gs


def test_assert_global_step_rejects_bad_steps():
    with pytest.raises(TypeError, match="does not have integer type"):
        tf.train.assert_global_step(tf.Variable(0.0))
    with pytest.raises(TypeError, match="is not scalar"):
        tf.train.assert_global_step(tf.Variable([0, 1]))
    with pytest.raises(TypeError, match="must be a Variable, Tensor or ResourceVariable"):
        tf.train.assert_global_step(3)


def test_get_or_create_global_step_with_minimize_in_session():
    w = tf.Variable(2.0)
    gs = tf.train.get_or_create_global_step()
    train = tf.train.AdagradOptimizer(0.1).minimize(tf.square(w),
                                                     global_step=tf.train.get_global_step())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert tf.train.global_step(sess, gs) == 3
        assert isinstance(tf.train.global_step(sess, gs), int)

