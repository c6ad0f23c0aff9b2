"""Ops built on placeholders (graph mode): the static shape and dtype TF infers, then the values
a Session computes (random gamma/poisson/crop, linspace, bincount, max_pool_with_argmax,
compute_accidental_hits)."""
import numpy as np

import neuroflow as tf


def test_random_gamma_poisson_and_crop_in_a_graph(graph_mode):
    alpha = tf.placeholder(tf.float32, [3])
    g = tf.random.gamma([4], alpha, beta=tf.constant(2.0), seed=1)
    lam = tf.placeholder(tf.float32, [2, 1])
    p = tf.random_poisson(lam, [5], seed=2)   # TF1 argument order (tf.random.poisson: TF2)
    img = tf.placeholder(tf.float32, [6, 6, 3])
    c = tf.random_crop(img, [4, 4, 3], seed=3)
    assert g.shape.as_list() == [4, 3] and g.dtype == tf.float32
    assert p.shape.as_list() == [5, 2, 1] and p.dtype == tf.float32
    assert c.shape.as_list() == [4, 4, 3]
    x = np.arange(108, dtype=np.float32).reshape(6, 6, 3)
    with tf.Session() as sess:
        gv, pv, cv = sess.run([g, p, c], {alpha: [0.5, 1.0, 5.0], lam: [[1.0], [10.0]], img: x})
    assert gv.shape == (4, 3) and np.all(gv > 0)
    assert pv.shape == (5, 2, 1) and np.all(pv >= 0) and np.all(pv == np.round(pv))
    # a crop is a contiguous window of the image
    r, k = np.argwhere(x[..., 0] == cv[0, 0, 0])[0]
    np.testing.assert_array_equal(cv, x[r:r + 4, k:k + 4])


def test_linspace_and_bincount_in_a_graph(graph_mode):
    start = tf.placeholder(tf.float32, [2])
    ls = tf.linspace(start, tf.constant([1.0, 3.0]), 5, axis=1)
    assert ls.shape.as_list() == [2, 5]
    arr = tf.placeholder(tf.int32, [None])
    bc = tf.math.bincount(arr, minlength=4)
    assert bc.shape.as_list() == [None] and bc.dtype == tf.int32
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(ls, {start: [0.0, -1.0]}),
                                   [np.linspace(0, 1, 5), np.linspace(-1, 3, 5)], rtol=1e-6)
        np.testing.assert_array_equal(sess.run(bc, {arr: [1, 1, 3, 5]}), [0, 2, 0, 1, 0, 1])


def test_max_pool_with_argmax_in_a_graph(graph_mode):
    x = tf.placeholder(tf.float32, [1, 4, 4, 1])
    out, arg = tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    assert out.shape.as_list() == arg.shape.as_list() == [1, 2, 2, 1]
    assert arg.dtype == tf.int64
    v = np.random.RandomState(0).permutation(16).astype(np.float32).reshape(1, 4, 4, 1)
    with tf.Session() as sess:
        o, a = sess.run([out, arg], {x: v})
    np.testing.assert_array_equal(v.reshape(-1)[a.reshape(-1)], o.reshape(-1))


def test_compute_accidental_hits_in_a_graph(graph_mode):
    labels = tf.placeholder(tf.int64, [2, 1])
    sampled = tf.constant([3, 7, 1], tf.int64)
    idx, ids, w = tf.nn.compute_accidental_hits(labels, sampled, num_true=1)
    assert [t.dtype for t in (idx, ids, w)] == [tf.int32, tf.int64, tf.float32]
    assert idx.shape.as_list() == [None]
    with tf.Session() as sess:
        i, s, wv = sess.run([idx, ids, w], {labels: [[7], [1]]})
    # row 0's label 7 is sampled at position 1; row 1's label 1 at position 2
    assert i.tolist() == [0, 1] and s.tolist() == [1, 2]
    assert np.all(wv < -1e37)
