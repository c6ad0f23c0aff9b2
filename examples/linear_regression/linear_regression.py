"""Fitting y = W x + b to four points two ways: least squares in one step, then gradient descent.

The course's data: x = [1, 2, 3, 4], y = [6, 5, 7, 10]. The normal equations give W = 1.4 and
b = 3.5 exactly, with a mean squared error of 1.05; gradient descent on the same cost walks to
the same answer.

    python examples/linear_regression/linear_regression.py      # (--quick: fewer steps)
"""
import os
import sys

import neuroflow as tf

QUICK = "--quick" in sys.argv or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
STEPS = 1001 if QUICK else 3001

x_data = [1.0, 2.0, 3.0, 4.0]
y_data = [6.0, 5.0, 7.0, 10.0]

# 1. Least squares: the normal equations [W, b] = (A^T A)^-1 A^T y with A = [x, 1]
A = tf.stack([tf.constant(x_data), tf.ones([4])], axis=1)
y_col = tf.reshape(tf.constant(y_data), [4, 1])
solution = tf.matmul(tf.matrix_inverse(tf.matmul(A, A, transpose_a=True)),
                     tf.matmul(A, y_col, transpose_a=True))
ls_cost = tf.reduce_mean(tf.square(tf.matmul(A, solution) - y_col))

# 2. Gradient descent on the mean squared error
X = tf.placeholder(tf.float32, shape=[None])
Y = tf.placeholder(tf.float32, shape=[None])
W = tf.Variable(0.0, name="weight")
b = tf.Variable(0.0, name="bias")
hypothesis = X * W + b
cost = tf.reduce_mean(tf.square(hypothesis - Y))
train = tf.train.GradientDescentOptimizer(learning_rate=0.02).minimize(cost)

with tf.Session() as sess:
    (w_ls, b_ls), c_ls = sess.run([tf.reshape(solution, [2]), ls_cost])
    print("least squares:    W=%.4f b=%.4f cost=%.4f" % (w_ls, b_ls, c_ls))

    sess.run(tf.global_variables_initializer())
    for step in range(STEPS):
        sess.run(train, feed_dict={X: x_data, Y: y_data})
        if step % (STEPS // 5) == 0:
            c, w_gd, b_gd = sess.run([cost, W, b], feed_dict={X: x_data, Y: y_data})
            print("step %5d  cost=%.4f W=%.4f b=%.4f" % (step, c, w_gd, b_gd))
    w_gd, b_gd, c_gd = sess.run([W, b, cost], feed_dict={X: x_data, Y: y_data})
    print("gradient descent: W=%.4f b=%.4f cost=%.4f" % (w_gd, b_gd, c_gd))
    print("prediction for x=5: %.2f" % sess.run(hypothesis, feed_dict={X: [5.0]})[0])

print("result: W=%.4f b=%.4f cost=%.4f ls_W=%.4f ls_b=%.4f ls_cost=%.4f"
      % (w_gd, b_gd, c_gd, w_ls, b_ls, c_ls))
