"""The course's RNN programs (hunkim lab-12), TF1 style: 'hello' learned letter by letter."""
import numpy as np
import pytest

import neuroflow as tf

HELLO = dict(idx2char=["h", "i", "e", "l", "o"], x=[[0, 1, 0, 2, 3, 3]], y=[[1, 0, 2, 3, 3, 4]])


def hello_rnn(make_cell, steps=50):
    """lab-12-1-hello-rnn.py with the cell class swapped: returns (losses, predicted string)."""
    tf.set_random_seed(777)
    x_one_hot = np.eye(5, dtype=np.float32)[HELLO["x"]]
    X = tf.placeholder(tf.float32, [None, 6, 5])
    Y = tf.placeholder(tf.int32, [None, 6])
    cell = make_cell(5)
    initial_state = cell.zero_state(1, tf.float32)
    outputs, _states = tf.nn.dynamic_rnn(cell, X, initial_state=initial_state, dtype=tf.float32)
    X_for_fc = tf.reshape(outputs, [-1, 5])
    outputs = tf.contrib.layers.fully_connected(inputs=X_for_fc, num_outputs=5,
                                                activation_fn=None)
    outputs = tf.reshape(outputs, [1, 6, 5])
    weights = tf.ones([1, 6])
    loss = tf.reduce_mean(tf.contrib.seq2seq.sequence_loss(logits=outputs, targets=Y,
                                                           weights=weights))
    train = tf.train.AdamOptimizer(learning_rate=0.1).minimize(loss)
    prediction = tf.argmax(outputs, axis=2)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(steps):
            lv, _ = sess.run([loss, train], feed_dict={X: x_one_hot, Y: HELLO["y"]})
            losses.append(lv)
        result = sess.run(prediction, feed_dict={X: x_one_hot})
    return losses, "".join(HELLO["idx2char"][c] for c in np.squeeze(result))


@pytest.mark.parametrize("make_cell", [
    lambda n: tf.contrib.rnn.BasicRNNCell(num_units=n),
    lambda n: tf.contrib.rnn.BasicLSTMCell(num_units=n, state_is_tuple=True),
    lambda n: tf.contrib.rnn.GRUCell(num_units=n),
], ids=["BasicRNNCell", "BasicLSTMCell", "GRUCell"])
def test_hello_rnn_predicts_ihello(make_cell):
    losses, pred = hello_rnn(make_cell)
    assert pred == "ihello"
    assert losses[-1] < 0.1 * losses[0]


def test_hello_lstm_first_loss_matches_tensorflow():
    """Seeded as TF (Philox, glorot_uniform): the lab's first loss is real TF's, 1.6075039."""
    losses, _ = hello_rnn(lambda n: tf.contrib.rnn.BasicLSTMCell(num_units=n), steps=2)
    np.testing.assert_allclose(losses[0], 1.6075039, rtol=1e-5)


def test_char_seq_rnn_if_you_want_you():
    """lab-12-2-char-seq-rnn.py: a sentence memorised by an LSTM fed one-hot indices."""
    tf.set_random_seed(777)
    sample = " if you want you"
    idx2char = sorted(set(sample))
    char2idx = {c: i for i, c in enumerate(idx2char)}
    n, T = len(idx2char), len(sample) - 1
    idx = [char2idx[c] for c in sample]
    X = tf.placeholder(tf.int32, [None, T])
    Y = tf.placeholder(tf.int32, [None, T])
    cell = tf.contrib.rnn.BasicLSTMCell(num_units=n, state_is_tuple=True)
    outputs, _ = tf.nn.dynamic_rnn(cell, tf.one_hot(X, n), initial_state=cell.zero_state(
        1, tf.float32), dtype=tf.float32)
    logits = tf.reshape(tf.contrib.layers.fully_connected(tf.reshape(outputs, [-1, n]), n,
                                                          activation_fn=None), [1, T, n])
    loss = tf.reduce_mean(tf.contrib.seq2seq.sequence_loss(logits=logits, targets=Y,
                                                           weights=tf.ones([1, T])))
    train = tf.train.AdamOptimizer(learning_rate=0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(50):
            sess.run(train, {X: [idx[:-1]], Y: [idx[1:]]})
        result = sess.run(tf.argmax(logits, axis=2), {X: [idx[:-1]]})
    assert "".join(idx2char[c] for c in np.squeeze(result)) == "if you want you"


def test_stacked_lstm_long_char_learns():
    """lab-12-4 shortened: a 2-layer MultiRNNCell over many windows; loss falls well."""
    tf.set_random_seed(777)
    sentence = "if you want to build a ship, don't drum up people together to collect wood"
    chars = sorted(set(sentence))
    dic = {c: i for i, c in enumerate(chars)}
    n, T = len(chars), 10
    dx = [[dic[c] for c in sentence[i:i + T]] for i in range(len(sentence) - T)]
    dy = [[dic[c] for c in sentence[i + 1:i + T + 1]] for i in range(len(sentence) - T)]
    X = tf.placeholder(tf.int32, [None, T])
    Y = tf.placeholder(tf.int32, [None, T])
    multi = tf.contrib.rnn.MultiRNNCell([tf.contrib.rnn.BasicLSTMCell(n) for _ in range(2)])
    outputs, _ = tf.nn.dynamic_rnn(multi, tf.one_hot(X, n), dtype=tf.float32)
    logits = tf.contrib.layers.fully_connected(outputs, n, activation_fn=None)
    loss = tf.reduce_mean(tf.contrib.seq2seq.sequence_loss(logits, Y, tf.ones([len(dx), T])))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {X: dx, Y: dy})
        for _ in range(60):
            _, lv = sess.run([train, loss], {X: dx, Y: dy})
    assert lv < 0.3 * first
