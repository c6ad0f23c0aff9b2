"""Which of 7 types is an animal? Softmax classification of UCI's zoo table, TF1 style.

Each of the 101 animals has 16 features (hair, feathers, eggs, milk, ..., legs) and a type
0-6 (mammal, bird, reptile, fish, amphibian, insect, invertebrate). Labels are one-hot encoded
with tf.one_hot, a softmax layer is trained with gradient descent; 80 animals train it and 21
are held out.

    python examples/zoo/zoo.py                 # (--quick: fewer steps)

Reads data-04-zoo.csv from $NEUROFLOW_DATASETS/dlzta, else examples/data/.
"""
import os
import sys

import numpy as np

import neuroflow as tf

QUICK = "--quick" in sys.argv or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
STEPS = 1001 if QUICK else 4001
NB_CLASSES = 7


def data_file(*parts):
    """``$NEUROFLOW_DATASETS/<parts>``, else ``examples/data/<name>``."""
    for root in filter(None, os.environ.get("NEUROFLOW_DATASETS", "").split(os.pathsep)):
        for path in (os.path.join(root, *parts), os.path.join(root, *parts[1:])):
            if os.path.exists(path):
                return path
    local = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", parts[-1])
    if os.path.exists(local):
        return local
    sys.exit("Could not find %s: set NEUROFLOW_DATASETS to the folder holding %s"
             % (parts[-1], os.path.join(*parts)))


xy = np.loadtxt(data_file("dlzta", "data-04-zoo.csv"), delimiter=",", dtype=np.float32)
rng = np.random.RandomState(0)
order = rng.permutation(len(xy))
train, held_out = xy[order[:80]], xy[order[80:]]
x_train, y_train = train[:, :-1], train[:, [-1]]
x_test, y_test = held_out[:, :-1], held_out[:, [-1]]
print(x_train.shape, y_train.shape, "training,", x_test.shape[0], "held out")

tf.set_random_seed(777)
X = tf.placeholder(tf.float32, [None, 16])
Y = tf.placeholder(tf.int32, [None, 1])            # 0 ~ 6
Y_one_hot = tf.reshape(tf.one_hot(Y, NB_CLASSES), [-1, NB_CLASSES])   # one_hot adds a rank

W = tf.Variable(tf.random_normal([16, NB_CLASSES]), name="weight")
b = tf.Variable(tf.random_normal([NB_CLASSES]), name="bias")
logits = tf.matmul(X, W) + b
hypothesis = tf.nn.softmax(logits)
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(
    logits=logits, labels=tf.stop_gradient(Y_one_hot)))
train_op = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)

prediction = tf.argmax(hypothesis, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, tf.argmax(Y_one_hot, 1)), tf.float32))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(STEPS):
        sess.run(train_op, feed_dict={X: x_train, Y: y_train})
        if step % (STEPS // 5) == 0:
            c, acc = sess.run([cost, accuracy], feed_dict={X: x_train, Y: y_train})
            print("step %5d  loss=%.3f  acc=%.2f%%" % (step, c, 100 * acc))
    train_acc = sess.run(accuracy, feed_dict={X: x_train, Y: y_train})
    test_acc, pred = sess.run([accuracy, prediction], feed_dict={X: x_test, Y: y_test})

for p, y in list(zip(pred, y_test[:, 0].astype(int)))[:8]:
    print("[%s] prediction: %d  true Y: %d" % (p == y, p, y))
print("training accuracy %.4f, held-out accuracy %.4f" % (train_acc, test_acc))
print("result: train_accuracy=%.4f test_accuracy=%.4f" % (train_acc, test_acc))
