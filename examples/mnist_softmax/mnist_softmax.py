"""Softmax regression on MNIST, TF1 style: placeholders, a Session and input_data batches.

One layer, y = softmax(x W + b), trained with gradient descent on the cross-entropy; the classic
first TensorFlow program reaches about 92% on the 10,000 test images.

    python examples/mnist_softmax/mnist_softmax.py              # (--quick: fewer steps)

MNIST is read from $NEUROFLOW_DATASETS/mnist (or MNIST_data/, the cache, or downloaded).
"""
import os
import sys

import neuroflow as tf
from neuroflow.examples.tutorials.mnist import input_data

QUICK = "--quick" in sys.argv or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
EPOCHS = 1 if QUICK else 15
BATCH_SIZE = 100

tf.set_random_seed(777)
mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))

logits = tf.matmul(X, W) + b
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
train = tf.train.GradientDescentOptimizer(learning_rate=0.5).minimize(cost)

correct = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    batches = mnist.train.num_examples // BATCH_SIZE
    if QUICK:
        batches = 300
    for epoch in range(EPOCHS):
        avg_cost = 0.0
        for _ in range(batches):
            batch_xs, batch_ys = mnist.train.next_batch(BATCH_SIZE)
            c, _ = sess.run([cost, train], feed_dict={X: batch_xs, Y: batch_ys})
            avg_cost += c / batches
        print("Epoch: %04d cost = %.9f" % (epoch + 1, avg_cost))
    acc = sess.run(accuracy, feed_dict={X: mnist.test.images, Y: mnist.test.labels})

print("Accuracy: %.4f" % acc)
print("result: accuracy=%.4f cost=%.4f" % (acc, avg_cost))
