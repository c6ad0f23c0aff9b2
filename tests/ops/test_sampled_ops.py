"""tf.nn candidate samplers, nce_loss and sampled_softmax_loss against NumPy."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op


def _p_log_uniform(v, n):
    return np.log((v + 2.0) / (v + 1.0)) / np.log(n + 1.0)


def test_log_uniform_sampler_unique_and_expected_counts():
    labels = tf.placeholder(tf.int64, [None, 2])
    s, te, se = tf.nn.log_uniform_candidate_sampler(labels, num_true=2, num_sampled=10, unique=True,
                                                    range_max=50)
    assert s.dtype is tf.int64 and te.dtype is tf.float32 and s.shape.as_list() == [10]
    true = np.array([[0, 7], [49, 3]])
    with tf.Session() as sess:
        draws = [sess.run([s, te, se], {labels: true}) for _ in range(5)]
    assert not all(np.array_equal(draws[0][0], d[0]) for d in draws[1:])  # new draw every run
    for sv, tv, sev in draws:
        assert len(set(sv.tolist())) == 10 and sv.min() >= 0 and sv.max() < 50
        p_s, p_t = _p_log_uniform(sv, 50), _p_log_uniform(true, 50)
        if np.allclose(sev, p_s * 10, rtol=1e-5):  # no repeat drawn: TF's p * num_sampled
            np.testing.assert_allclose(tv, p_t * 10, rtol=1e-5)
            continue
        # else 1 - (1 - p) ** tries, for one number of tries (> 10) per draw
        tries = next(k for k in range(11, 10000)
                     if np.allclose(sev, -np.expm1(k * np.log1p(-p_s)), rtol=1e-4))
        np.testing.assert_allclose(tv, -np.expm1(tries * np.log1p(-p_t)), rtol=1e-4)


def test_log_uniform_sampler_distribution():
    s, te, se = tf.nn.log_uniform_candidate_sampler([[1]], 1, 40000, unique=False, range_max=8)
    v = s.numpy()
    freq = np.bincount(v, minlength=8) / v.size
    np.testing.assert_allclose(freq, _p_log_uniform(np.arange(8), 8), atol=0.015)
    np.testing.assert_allclose(se.numpy(), _p_log_uniform(v, 8) * 40000, rtol=1e-5)
    np.testing.assert_allclose(te.numpy(), [[_p_log_uniform(1, 8) * 40000]], rtol=1e-5)


def test_uniform_sampler_and_seed():
    s, te, se = tf.nn.uniform_candidate_sampler([[1], [2]], 1, 30000, unique=False, range_max=5)
    freq = np.bincount(s.numpy(), minlength=5) / 30000
    np.testing.assert_allclose(freq, 0.2, atol=0.015)
    np.testing.assert_allclose(se.numpy(), 30000 / 5)
    labels = tf.placeholder(tf.int64, [None, 1])
    tf.set_random_seed(5)
    s, _, _ = tf.nn.uniform_candidate_sampler(labels, 1, 4, unique=True, range_max=10, seed=3)
    with tf.Session() as sess:
        a = sess.run(s, {labels: [[1]]})
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(s, {labels: [[1]]}), a)
    with pytest.raises(ValueError, match="true_classes must be a matrix of shape"):
        tf.nn.uniform_candidate_sampler(tf.placeholder(tf.int64, [None]), 1, 4, True, 10)


def test_compute_accidental_hits():
    true, sampled = np.array([[1, 4], [2, 2]]), np.array([4, 2, 7, 1])
    idx, ids, w = tf.nn.compute_accidental_hits(true, sampled, 2)
    np.testing.assert_array_equal(idx.numpy(), [0, 0, 1, 1])
    np.testing.assert_array_equal(ids.numpy(), [3, 0, 1, 1])  # TF: ordered by (row, true class)
    assert (w.numpy() == -np.finfo(np.float32).max).all()


def _sampled_logits_ref(W, b, labels, x, sampled, tc, sc, remove_hits):
    true_logits = (x[:, None, :] * W[labels]).sum(-1) + b[labels] - np.log(tc)
    sampled_logits = x @ W[sampled].T + b[sampled] - np.log(sc)
    if remove_hits:
        hit = (labels[:, :, None] == sampled[None, None, :]).any(1)
        sampled_logits = np.where(hit, -np.finfo(np.float32).max, sampled_logits)
    return true_logits, sampled_logits


def _setup(num_true):
    rng = np.random.RandomState(0)
    W, b, x = rng.uniform(-1, 1, (12, 3)), rng.uniform(-1, 1, (12,)), rng.uniform(-1, 1, (4, 3))
    labels = rng.randint(0, 12, (4, num_true))
    sampled = np.array([2, 5, 7, 11, 0])
    tc = rng.uniform(0.1, 1, (4, num_true)).astype(np.float32)
    sc = rng.uniform(0.1, 1, (5,)).astype(np.float32)
    return W, b, x, labels, (sampled, tc, sc)


@pytest.mark.parametrize("num_true", [1, 2])
def test_nce_loss(num_true):
    W, b, x, labels, sv = _setup(num_true)

    def ref(W, b, x):
        tl, sl = _sampled_logits_ref(W, b, labels, x, sv[0], sv[1], sv[2], False)
        logits = np.concatenate([tl, sl], 1)
        z = np.concatenate([np.full(tl.shape, 1.0 / num_true), np.zeros(sl.shape)], 1)
        return (np.maximum(logits, 0) - logits * z + np.log1p(np.exp(-np.abs(logits)))).sum(1)
    check_op(lambda W, b, x: tf.nn.nce_loss(W, b, labels, x, 5, 12, num_true=num_true,
                                            sampled_values=sv),
             ref, None, inputs=[W, b, x])


def test_sampled_softmax_loss_removes_accidental_hits():
    W, b, x, labels, sv = _setup(1)
    labels[0, 0] = 5  # a true class that is also sampled

    def ref(W, b, x, remove=True):
        tl, sl = _sampled_logits_ref(W, b, labels, x, sv[0], sv[1], sv[2], remove)
        logits = np.concatenate([tl, sl], 1)
        z = logits - logits.max(1, keepdims=True)
        return -(z[:, 0] - np.log(np.exp(z).sum(1)))
    check_op(lambda W, b, x: tf.nn.sampled_softmax_loss(W, b, labels, x, 5, 12, sampled_values=sv),
             ref, None, inputs=[W, b, x])
    got = tf.nn.sampled_softmax_loss(W, b, labels, x, 5, 12, sampled_values=sv,
                                     remove_accidental_hits=False).numpy()
    np.testing.assert_allclose(got, ref(W, b, x, remove=False), rtol=1e-6)


def test_word2vec_style_training_lowers_the_loss():
    tf.set_random_seed(0)
    vocab, dim, batch = 50, 8, 16
    train_inputs = tf.placeholder(tf.int32, [batch])
    train_labels = tf.placeholder(tf.int32, [batch, 1])
    embeddings = tf.Variable(tf.random_uniform([vocab, dim], -1.0, 1.0))
    embed = tf.nn.embedding_lookup(embeddings, train_inputs)
    nce_w = tf.Variable(tf.truncated_normal([vocab, dim], stddev=1.0 / np.sqrt(dim)))
    nce_b = tf.Variable(tf.zeros([vocab]))
    loss = tf.reduce_mean(tf.nn.nce_loss(weights=nce_w, biases=nce_b, labels=train_labels,
                                         inputs=embed,
                                         num_sampled=6, num_classes=vocab))
    step = tf.train.GradientDescentOptimizer(1.0).minimize(loss)
    rng = np.random.RandomState(0)
    xs = rng.randint(0, vocab, batch)
    ys = ((xs + 1) % vocab)[:, None]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = np.mean([sess.run(loss, {train_inputs: xs, train_labels: ys}) for _ in range(10)])
        for _ in range(200):
            sess.run(step, {train_inputs: xs, train_labels: ys})
        last = np.mean([sess.run(loss, {train_inputs: xs, train_labels: ys}) for _ in range(10)])
    assert last < first / 2


def test_all_candidate_sampler():
    s, te, se = tf.nn.all_candidate_sampler([[3], [1]], 1, 6, True)
    np.testing.assert_array_equal(s.numpy(), np.arange(6))
    np.testing.assert_array_equal(te.numpy(), [[1.0], [1.0]])
    np.testing.assert_array_equal(se.numpy(), np.ones(6))


def test_fixed_unigram_candidate_sampler(tmp_path):
    unigrams = [1.0, 4.0, 0.0, 5.0]
    s, te, se = tf.nn.fixed_unigram_candidate_sampler([[1]], 1, 30000, False, 6, unigrams=unigrams,
                                                      num_reserved_ids=2)
    p = np.array([0, 0, 0.1, 0.4, 0.0, 0.5])
    freq = np.bincount(s.numpy(), minlength=6) / 30000
    np.testing.assert_allclose(freq, p, atol=0.015)
    assert freq[:2].sum() == 0 and freq[4] == 0
    np.testing.assert_allclose(te.numpy(), [[0.0]])  # class 1 is reserved
    # distortion and counts from a vocabulary file
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("the,9\nof,1\n")
    s, te, se = tf.nn.fixed_unigram_candidate_sampler([[0]], 1, 20000, False, 2,
                                                      vocab_file=str(vocab), distortion=0.5)
    q = np.array([3.0, 1.0]) / 4.0
    np.testing.assert_allclose(np.bincount(s.numpy(), minlength=2) / 20000, q, atol=0.015)
    np.testing.assert_allclose(te.numpy(), [[q[0] * 20000]], rtol=1e-5)
    with pytest.raises(ValueError, match="expected range_max - num_reserved_ids = 5 counts"):
        tf.nn.fixed_unigram_candidate_sampler([[0]], 1, 2, True, 5, unigrams=[1.0, 2.0])
