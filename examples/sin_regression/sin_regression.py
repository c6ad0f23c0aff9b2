"""A 1-5-3-1 sigmoid network learns y = sin(x), is saved with tf.train.Saver and restored.

Two hidden layers of 5 and 3 sigmoid units and a linear output fit sin(x) on [-pi, pi]. The
trained variables go to a checkpoint (sin_model/sin-<step>.index/.data/.meta); a fresh graph is
then built, the checkpoint restored, and the restored network predicts the same values.

    python examples/sin_regression/sin_regression.py [--model_dir DIR]   # (--quick: fewer steps)
"""
import argparse
import os

import numpy as np

import neuroflow as tf

parser = argparse.ArgumentParser()
parser.add_argument("--model_dir", default="sin_model")
parser.add_argument("--quick", action="store_true")
args = parser.parse_args()
QUICK = args.quick or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
STEPS = 3000 if QUICK else 20000

rng = np.random.RandomState(0)
x_train = rng.uniform(-np.pi, np.pi, size=(200, 1)).astype(np.float32)
y_train = np.sin(x_train)
x_test = np.linspace(-np.pi, np.pi, 101, dtype=np.float32).reshape(-1, 1)
y_test = np.sin(x_test)


def build_network():
    """The 1-5-3-1 network; returns (X, Y, prediction, cost)."""
    X = tf.placeholder(tf.float32, [None, 1], name="X")
    Y = tf.placeholder(tf.float32, [None, 1], name="Y")
    h = X
    for i, (n_in, n_out) in enumerate([(1, 5), (5, 3)]):
        W = tf.Variable(tf.random_normal([n_in, n_out]), name="W%d" % (i + 1))
        b = tf.Variable(tf.zeros([n_out]), name="b%d" % (i + 1))
        h = tf.sigmoid(tf.matmul(h, W) + b)
    W = tf.Variable(tf.random_normal([3, 1]), name="W3")
    b = tf.Variable(tf.zeros([1]), name="b3")
    prediction = tf.matmul(h, W) + b
    cost = tf.reduce_mean(tf.square(prediction - Y))
    return X, Y, prediction, cost


tf.set_random_seed(1)
X, Y, prediction, cost = build_network()
global_step = tf.train.get_or_create_global_step()
train = tf.train.AdamOptimizer(learning_rate=0.01).minimize(cost, global_step=global_step)
saver = tf.train.Saver()

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, STEPS + 1):
        c, _ = sess.run([cost, train], feed_dict={X: x_train, Y: y_train})
        if step % (STEPS // 5) == 0:
            print("step %5d  train mse=%.5f" % (step, c))
    test_mse, y_trained = sess.run([cost, prediction], feed_dict={X: x_test, Y: y_test})
    os.makedirs(args.model_dir, exist_ok=True)   # Saver wants the folder to exist, as TF's
    path = saver.save(sess, os.path.join(args.model_dir, "sin"), global_step=global_step)
    print("saved", path)

# A new process would start here: a fresh graph, the same network, the variables restored.
tf.reset_default_graph()
X, Y, prediction, cost = build_network()
saver = tf.train.Saver()
with tf.Session() as sess:
    checkpoint = tf.train.latest_checkpoint(args.model_dir)
    saver.restore(sess, checkpoint)
    print("restored", checkpoint)
    restored_mse, y_restored = sess.run([cost, prediction], feed_dict={X: x_test, Y: y_test})

for x in (-np.pi / 2, 0.0, 1.0, np.pi / 2):
    i = int(np.argmin(np.abs(x_test[:, 0] - x)))
    print("x=%6.3f  sin(x)=%6.3f  network=%6.3f" % (x_test[i, 0], y_test[i, 0], y_restored[i, 0]))
max_change = float(np.max(np.abs(y_trained - y_restored)))
print("test mse=%.2e  restored test mse=%.2e  (largest change %.1e)"
      % (test_mse, restored_mse, max_change))
print("result: mse=%.3e restored_mse=%.3e max_change=%.2e" % (test_mse, restored_mse, max_change))
