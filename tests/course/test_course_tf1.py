"""The TF1 course programs give the course's numbers (issue 2's acceptance)."""
import numpy as np

import neuroflow as tf
from neuroflow.examples.tutorials.mnist import input_data


def test_softmax_regression_on_mnist_reaches_091(tmp_path):
    """lab-07-4 / W5: x@W+b, softmax CE, GradientDescent(0.5), 1000 steps of batch 100."""
    mnist = input_data.read_data_sets(str(tmp_path / "MNIST_data"), one_hot=True)
    tf.set_random_seed(777)
    X = tf.placeholder(tf.float32, [None, 784])
    Y = tf.placeholder(tf.float32, [None, 10])
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    logits = tf.matmul(X, W) + b
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(cost)
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(cost, {X: mnist.test.images[:1000], Y: mnist.test.labels[:1000]})
        for _ in range(1000):
            bx, by = mnist.train.next_batch(100)
            sess.run(train, feed_dict={X: bx, Y: by})
        acc = sess.run(accuracy, {X: mnist.test.images, Y: mnist.test.labels})
    assert abs(first - np.log(10)) < 1e-5
    assert acc >= 0.91, acc


def test_seeded_course_script_starts_from_the_course_values():
    """lab-02-1 with tf.set_random_seed(777): TensorFlow's own first draws, then learning."""
    tf.set_random_seed(777)
    W = tf.Variable(tf.random_normal([1]), name="weight")
    b = tf.Variable(tf.random_normal([1]), name="bias")
    hypothesis = [1, 2, 3] * W + b
    cost = tf.reduce_mean(tf.square(hypothesis - [1, 2, 3]))
    train = tf.train.GradientDescentOptimizer(learning_rate=0.01).minimize(cost)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w0, b0 = sess.run([W, b])
        for _ in range(2001):
            _, c, w, bb = sess.run([train, cost, W, b])
    np.testing.assert_allclose([w0[0], b0[0]], [0.58597755, -1.1319157], rtol=1e-6)
    assert c < 1e-3 and abs(w[0] - 1) < 0.05 and abs(bb[0]) < 0.1


def test_xor_two_layer_sigmoid_net_lab_09_2():
    """The lab's exact program (seed 777, GradientDescent 0.1, 10001 steps) reaches accuracy 1.0."""
    tf.set_random_seed(777)
    x_data = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y_data = np.array([[0], [1], [1], [0]], dtype=np.float32)
    X = tf.placeholder(tf.float32, [None, 2])
    Y = tf.placeholder(tf.float32, [None, 1])
    W1 = tf.Variable(tf.random_normal([2, 2]), name="weight1")
    b1 = tf.Variable(tf.random_normal([2]), name="bias1")
    layer1 = tf.sigmoid(tf.matmul(X, W1) + b1)
    W2 = tf.Variable(tf.random_normal([2, 1]), name="weight2")
    b2 = tf.Variable(tf.random_normal([1]), name="bias2")
    hypothesis = tf.sigmoid(tf.matmul(layer1, W2) + b2)
    cost = -tf.reduce_mean(Y * tf.log(hypothesis) + (1 - Y) * tf.log(1 - hypothesis))
    train = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)
    predicted = tf.cast(hypothesis > 0.5, dtype=tf.float32)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype=tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(10001):
            sess.run(train, feed_dict={X: x_data, Y: y_data})
        a = sess.run(accuracy, feed_dict={X: x_data, Y: y_data})
    assert a == 1.0
