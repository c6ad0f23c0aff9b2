"""Random ops: distributions (10k draws), TF1/TF2 seeding semantics, fed shapes, tf.random."""
import numpy as np
import pytest

import neuroflow as tf
import neuroflow.random as nf_random

N = 10000


@pytest.fixture(autouse=True)
def _no_global_seed():
    """The eager seed is process state: leave it unset for the next test."""
    yield


def test_random_normal_statistics():
    x = tf.random_normal([N], mean=2.0, stddev=3.0).numpy()
    assert x.dtype == np.float32 and x.shape == (N,)
    assert abs(x.mean() - 2.0) < 0.1 and abs(x.std() - 3.0) < 0.1
    y = tf.random.normal([100, 100], dtype=tf.float64).numpy()
    assert y.dtype == np.float64 and abs(y.mean()) < 0.05 and abs(y.std() - 1.0) < 0.05


def test_truncated_normal_within_two_std():
    x = tf.truncated_normal([N], mean=1.0, stddev=0.5).numpy()
    assert np.all(np.abs(x - 1.0) <= 1.0)
    assert abs(x.mean() - 1.0) < 0.03
    assert abs(x.std() - 0.5 * 0.8796) < 0.02  # the std of N(0, 1) truncated at +-2
    h = tf.random.truncated_normal([50], dtype=tf.float16).numpy()
    assert h.dtype == np.float16 and np.all(np.abs(h) <= 2)


def test_random_uniform_float_and_int():
    x = tf.random_uniform([N], -2.0, 4.0).numpy()
    assert x.min() >= -2.0 and x.max() < 4.0
    assert abs(x.mean() - 1.0) < 0.1 and abs(x.std() - 6 / np.sqrt(12)) < 0.1
    d = tf.random_uniform([N]).numpy()
    assert d.dtype == np.float32 and 0 <= d.min() and d.max() < 1
    k = tf.random_uniform([N], 3, 8, dtype=tf.int32).numpy()
    assert k.dtype == np.int32 and set(np.unique(k)) == {3, 4, 5, 6, 7}
    assert tf.random.uniform([4], maxval=10, dtype=tf.int64).dtype == tf.int64


def test_random_argument_errors():
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype"):
        tf.random_uniform([2], dtype=tf.int32)
    with pytest.raises(ValueError, match="Need minval < maxval"):
        tf.random_uniform([2], 5, 5, dtype=tf.int32)
    with pytest.raises(TypeError, match="DataType int32 not in list"):
        tf.random_normal([2], dtype=tf.int32)
    with pytest.raises(ValueError, match="non-negative"):
        tf.random_normal([-1])


def test_each_run_draws_anew_and_sessions_repeat_with_graph_seed():
    tf.set_random_seed(42)
    a = tf.random_uniform([3])
    b = tf.random_normal([3])
    with tf.Session() as s1:
        a1, a2, b1 = s1.run(a), s1.run(a), s1.run(b)
    with tf.Session() as s2:
        a1b, a2b, b1b = s2.run(a), s2.run(a), s2.run(b)
    assert not np.array_equal(a1, a2)
    np.testing.assert_array_equal(a1, a1b)
    np.testing.assert_array_equal(a2, a2b)
    np.testing.assert_array_equal(b1, b1b)
    assert not np.array_equal(a1, b1)


def test_same_graph_seed_rebuilds_the_same_draws(graph_mode):
    out = []
    for _ in range(2):
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(7)
            x = tf.random_normal([4])
            y = tf.truncated_normal([4])
            with tf.Session() as sess:
                out.append(sess.run([x, y]))
    np.testing.assert_array_equal(out[0][0], out[1][0])
    np.testing.assert_array_equal(out[0][1], out[1][1])


def test_op_seed_without_graph_seed_repeats_per_session(graph_mode):
    a = tf.random_uniform([3], seed=1)
    c = tf.random_uniform([3])
    with tf.Session() as s1:
        a1, a2, c1 = s1.run(a), s1.run(a), s1.run(c)
    with tf.Session() as s2:
        a1b, c1b = s2.run(a), s2.run(c)
    np.testing.assert_array_equal(a1, a1b)
    assert not np.array_equal(a1, a2)
    assert not np.array_equal(c1, c1b)  # unseeded: a fresh sequence per session


def test_eager_set_seed_makes_draws_reproducible():
    tf.random.set_seed(1234)
    a1 = tf.random.uniform([3]).numpy()
    a2 = tf.random.uniform([3]).numpy()
    b1 = tf.random.normal([2]).numpy()
    assert not np.array_equal(a1, a2)
    tf.random.set_seed(1234)
    np.testing.assert_array_equal(tf.random.uniform([3]).numpy(), a1)
    np.testing.assert_array_equal(tf.random.uniform([3]).numpy(), a2)
    np.testing.assert_array_equal(tf.random.normal([2]).numpy(), b1)


def test_eager_op_seed_continues_its_stream_and_restarts_on_set_seed():
    tf.random.set_seed(None)
    a1 = tf.random.uniform([3], seed=1).numpy()
    a2 = tf.random.uniform([3], seed=1).numpy()
    assert not np.array_equal(a1, a2)
    tf.random.set_seed(None)
    np.testing.assert_array_equal(tf.random.uniform([3], seed=1).numpy(), a1)
    np.testing.assert_array_equal(tf.random.uniform([3], seed=1).numpy(), a2)
    u1 = tf.random.uniform([3]).numpy()
    assert not np.array_equal(u1, tf.random.uniform([3]).numpy())


def test_fed_shape():
    x = tf.placeholder(tf.float32, [None, 3])
    eps = tf.random_normal(tf.shape(x))
    u = tf.random_uniform([tf.shape(x)[0], 5], dtype=tf.float64)
    assert eps.shape.as_list() == [None, 3] and u.shape.as_list() == [None, 5]
    with tf.Session() as sess:
        e, uv = sess.run([eps, u], {x: np.zeros((4, 3))})
    assert e.shape == (4, 3) and uv.shape == (4, 5) and uv.dtype == np.float64
    n = tf.placeholder(tf.int32, [2])
    t = tf.truncated_normal(n)
    assert t.shape.as_list() == [None, None]
    with tf.Session() as sess:
        assert sess.run(t, {n: [2, 6]}).shape == (2, 6)


def test_reparameterization_gradient_through_tensor_mean_and_stddev():
    mu = tf.placeholder(tf.float64, [4])
    sigma = tf.placeholder(tf.float64, [4])
    z = tf.random_normal([4], mean=mu, stddev=sigma, dtype=tf.float64, seed=3)
    gmu, gsig = tf.gradients(tf.reduce_sum(z), [mu, sigma])
    with tf.Session() as sess:
        zv, gm, gs = sess.run([z, gmu, gsig], {mu: np.zeros(4), sigma: np.ones(4)})
    np.testing.assert_allclose(gm, np.ones(4))
    np.testing.assert_allclose(gs, zv)  # d z / d sigma = eps = z when mu = 0, sigma = 1
    lo = tf.placeholder(tf.float32, [])
    r = tf.random_uniform([N], minval=lo, maxval=lo + 1.0)
    with tf.Session() as sess:
        rv = sess.run(r, {lo: 5.0})
    assert rv.min() >= 5.0 and rv.max() <= 6.0


def test_random_shuffle():
    a = np.arange(20).reshape(10, 2)
    y = tf.random_shuffle(a).numpy()
    assert sorted(map(tuple, y)) == sorted(map(tuple, a)) and not np.array_equal(y, a)
    np.testing.assert_array_equal(np.sort(tf.random.shuffle(tf.range(6)).numpy()), np.arange(6))
    x = tf.placeholder(tf.int32, [None])
    s = tf.random_shuffle(x, seed=5)
    with tf.Session() as s1:
        p1 = s1.run(s, {x: np.arange(8)})
    with tf.Session() as s2:
        p2 = s2.run(s, {x: np.arange(8)})
    np.testing.assert_array_equal(p1, p2)


def test_multinomial_frequencies():
    p = np.array([[0.1, 0.6, 0.3], [0.5, 0.0, 0.5]])
    with np.errstate(divide="ignore"):
        logits = np.log(p)
    s = tf.multinomial(logits, N).numpy()
    assert s.shape == (2, N) and s.dtype == np.int64
    for row, probs in zip(s, p):
        freq = np.bincount(row, minlength=3) / N
        np.testing.assert_allclose(freq, probs, atol=0.02)
    assert not np.any(s[1] == 1)  # zero probability (-inf logit) is never drawn
    c = tf.random.categorical(tf.constant([[0.0, 0.0]]), 5, dtype=tf.int32)
    assert c.dtype == tf.int32 and c.shape.as_list() == [1, 5]
    ph = tf.placeholder(tf.float32, [None, 4])
    assert tf.multinomial(ph, 3).shape.as_list() == [None, 3]


def test_gamma_and_poisson():
    g = tf.random_gamma([N], alpha=[2.0, 5.0], beta=2.0).numpy()
    assert g.shape == (N, 2) and np.all(g > 0)
    np.testing.assert_allclose(g.mean(axis=0), [1.0, 2.5], rtol=0.05)
    g2 = tf.random.gamma([3], alpha=1.0).numpy()
    assert g2.shape == (3,)
    p = tf.random_poisson([3.0, 10.0], [N]).numpy()
    assert p.shape == (N, 2) and p.dtype == np.float32
    np.testing.assert_allclose(p.mean(axis=0), [3.0, 10.0], rtol=0.05)
    q = tf.random.poisson([5], 4.0, dtype=tf.int32)
    assert q.dtype == tf.int32 and q.shape.as_list() == [5]


def test_random_crop():
    a = np.arange(30.0).reshape(5, 6)
    c = tf.random_crop(a, [2, 3]).numpy()
    assert c.shape == (2, 3)
    i, j = np.argwhere(a == c[0, 0])[0]
    np.testing.assert_array_equal(c, a[i:i + 2, j:j + 3])
    with pytest.raises(ValueError, match="Need value.shape >= size"):
        tf.random_crop(a, [6, 1])


def test_tf_random_namespace():
    assert nf_random.__all__ == []
    for name in ["normal", "uniform", "truncated_normal", "shuffle", "categorical", "set_seed",
                 "gamma", "poisson", "multinomial", "get_seed"]:
        assert callable(getattr(tf.random, name)), name
    assert not hasattr(tf, "normal") and not hasattr(tf, "set_seed")
    assert tf.random.get_seed(3)[1] == 3
    tf.random.set_random_seed(5)
    a = tf.random.normal([2]).numpy()
    tf.random.set_seed(5)
    np.testing.assert_array_equal(tf.random.normal([2]).numpy(), a)
    tf.random.set_seed(None)
