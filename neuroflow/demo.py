"""``neuroflow demo``: the TF1 MNIST tutorial (softmax regression) trained for real, in seconds.

It reads MNIST when it is on disk (``$NEUROFLOW_DATASETS``, the cache) or downloadable; otherwise
it uses the 8x8 UCI digits shipped inside neuroflow. The model is the tutorial's, written the TF1
way: placeholders, ``y = x W + b``, softmax cross-entropy, ``GradientDescentOptimizer``, a Session.
"""
import argparse
import sys
import time

import numpy as np

import neuroflow as tf

from .examples.tutorials.mnist import input_data
from .loaders import DatasetNotFoundError, load_digits


def load_data(data="auto"):
    """(train DataSet, test images, one-hot test labels, description) for 'mnist' or 'digits'."""
    if data in ("auto", "mnist"):
        try:
            mnist = input_data.read_data_sets(None, one_hot=True, seed=1)
            return mnist.train, mnist.test.images, mnist.test.labels, "MNIST, 28x28 images"
        except DatasetNotFoundError as e:
            if data == "mnist":
                raise
            print("MNIST is not available: %s" % str(e).splitlines()[0])
            print("(Set NEUROFLOW_DATASETS to a folder holding mnist/ to train on MNIST.)")
            print("Using the 8x8 UCI digits shipped with neuroflow instead.")
    x, y = load_digits()
    pixels = np.round(x * (255 / 16)).astype(np.uint8)[..., None]  # 17 gray levels as 8-bit pixels
    order = np.random.RandomState(0).permutation(len(y))
    train, test = order[:1437], order[1437:]  # 80 % / 20 %
    ds = input_data.DataSet(pixels[train], input_data.dense_to_one_hot(y[train], 10), seed=1)
    test_x = pixels[test].reshape(len(test), 64).astype(np.float32) * np.float32(1 / 255)
    return ds, test_x, input_data.dense_to_one_hot(y[test], 10), "UCI digits, 8x8 images"


def train(dataset, test_x, test_y, steps, batch_size=100, learning_rate=0.5, report=None):
    """Softmax regression as in the TF1 tutorial; returns the test accuracy."""
    report = report or max(steps // 10, 1)
    n_in = test_x.shape[1]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, n_in])
        y_ = tf.placeholder(tf.float32, [None, 10])
        W = tf.Variable(tf.zeros([n_in, 10]))
        b = tf.Variable(tf.zeros([10]))
        y = tf.matmul(x, W) + b
        cross_entropy = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_, logits=y))
        train_step = tf.train.GradientDescentOptimizer(learning_rate).minimize(cross_entropy)
        correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(1, steps + 1):
                batch_xs, batch_ys = dataset.next_batch(batch_size)
                _, loss = sess.run([train_step, cross_entropy],
                                   feed_dict={x: batch_xs, y_: batch_ys})
                if step % report == 0 or step == steps:
                    acc = sess.run(accuracy, feed_dict={x: batch_xs, y_: batch_ys})
                    print("step %5d  epoch %2d  loss %.4f  batch accuracy %.2f"
                          % (step, dataset.epochs_completed + 1, loss, acc), flush=True)
            return float(sess.run(accuracy, feed_dict={x: test_x, y_: test_y}))


def main(steps=None, data="auto"):
    """Runs the demo; returns the exit status (0)."""
    print("neuroflow %s demo: softmax regression, TF1 graph style (placeholders, Session, "
          "GradientDescentOptimizer)" % tf.__version__)
    start = time.perf_counter()
    dataset, test_x, test_y, name = load_data(data)
    is_mnist = name.startswith("MNIST")
    if steps is None:
        steps = 1000 if is_mnist else 300
    print("Data set: %s (%d training, %d test examples)"
          % (name, dataset.num_examples, len(test_y)))
    loaded = time.perf_counter()
    acc = train(dataset, test_x, test_y, steps)
    print("Test accuracy: %.4f on %d %s test examples (%d steps of batch 100; data %.1f s, "
          "training %.1f s)" % (acc, len(test_y), name.split(",")[0], steps, loaded - start,
                                time.perf_counter() - loaded))
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(prog="python -m neuroflow.demo")
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--data", choices=("auto", "mnist", "digits"), default="auto")
    a = p.parse_args()
    sys.exit(main(a.steps, a.data))
