"""Logistic regression: the chance of passing an exam from the hours studied.

Seven students studied 2, 4, ..., 14 hours; the first three failed, the others passed.
sigmoid(W x + b) is fitted by gradient descent on the cross-entropy; the boundary where the
model says 50% is x = -b / W.

    python examples/logistic_regression/study_hours.py          # (--quick: fewer steps)
"""
import os
import sys

import numpy as np

import neuroflow as tf

QUICK = "--quick" in sys.argv or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
STEPS = 2001 if QUICK else 10001

hours = np.array([[2], [4], [6], [8], [10], [12], [14]], dtype=np.float32)
passed = np.array([[0], [0], [0], [1], [1], [1], [1]], dtype=np.float32)

tf.set_random_seed(777)
X = tf.placeholder(tf.float32, shape=[None, 1])
Y = tf.placeholder(tf.float32, shape=[None, 1])
W = tf.Variable(tf.random_normal([1, 1]), name="weight")
b = tf.Variable(tf.random_normal([1]), name="bias")

hypothesis = tf.sigmoid(tf.matmul(X, W) + b)
cost = -tf.reduce_mean(Y * tf.log(hypothesis) + (1 - Y) * tf.log(1 - hypothesis))
train = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)

predicted = tf.cast(hypothesis > 0.5, dtype=tf.float32)
accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype=tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(STEPS):
        c, _ = sess.run([cost, train], feed_dict={X: hours, Y: passed})
        if step % (STEPS // 5) == 0:
            print("step %5d  cost=%.4f" % (step, c))
    c, acc, w_val, b_val = sess.run([cost, accuracy, W, b], feed_dict={X: hours, Y: passed})
    for h in (3.0, 7.0, 11.0):
        p = sess.run(hypothesis, feed_dict={X: [[h]]})[0, 0]
        print("studied %4.1f hours: P(pass) = %.3f" % (h, p))

boundary = -b_val[0] / w_val[0, 0]
print("50%% boundary at %.2f hours (W=%.3f b=%.3f)" % (boundary, w_val[0, 0], b_val[0]))
print("result: accuracy=%.4f cost=%.4f boundary=%.2f" % (acc, c, boundary))
