import numpy as np

import neuroflow as tf
from helpers import check_op


def test_add_broadcast():
    check_op(lambda a, b: a + b, lambda a, b: a + b, [(3, 4), (4,)], double_backward=True)


def test_matmul():
    check_op(lambda a, b: tf.matmul(a, b), lambda a, b: a @ b, [(3, 4), (4, 2)], double_backward=True)


def test_linear_regression_course_numbers():
    X = tf.placeholder(tf.float32, shape=[None])
    Y = tf.placeholder(tf.float32, shape=[None])
    W = tf.Variable(tf.random_normal([1]), name="weight")
    b = tf.Variable(tf.random_normal([1]), name="bias")
    cost = tf.reduce_mean(tf.square(X * W + b - Y))
    train = tf.train.GradientDescentOptimizer(learning_rate=0.01).minimize(cost)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(2001):
            _, c, w, bb = sess.run([train, cost, W, b], feed_dict={X: [1, 2, 3, 4], Y: [6, 5, 7, 10]})
    assert abs(w[0] - 1.40) < 0.02 and abs(bb[0] - 3.5) < 0.05 and abs(c - 1.05) < 0.01
