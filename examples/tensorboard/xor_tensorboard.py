"""TensorBoard: a network learns XOR while its cost, accuracy and weights go to an event file.

Scalar summaries (cost, accuracy) and histograms (the weights of both layers) are merged into
one op; every 50 steps its result is added to a FileWriter, which also writes the graph. Look
at the run with ``tensorboard --logdir logs`` (TensorBoard reads neuroflow's event files as its
own); here the file is read back with tf.train.summary_iterator to show what it holds.

    python examples/tensorboard/xor_tensorboard.py [--logdir logs/xor]   # (--quick: fewer steps)
"""
import argparse
import glob
import os

import numpy as np

import neuroflow as tf

parser = argparse.ArgumentParser()
parser.add_argument("--logdir", default=os.path.join("logs", "xor"))
parser.add_argument("--quick", action="store_true")
args = parser.parse_args()
QUICK = args.quick or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
STEPS = 1001 if QUICK else 5001

x_data = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
y_data = np.array([[0], [1], [1], [0]], dtype=np.float32)

tf.set_random_seed(777)
X = tf.placeholder(tf.float32, [None, 2], name="x")
Y = tf.placeholder(tf.float32, [None, 1], name="y")

with tf.name_scope("layer1"):
    W1 = tf.Variable(tf.random_normal([2, 4]), name="weight1")
    b1 = tf.Variable(tf.random_normal([4]), name="bias1")
    layer1 = tf.sigmoid(tf.matmul(X, W1) + b1)
    tf.summary.histogram("W1", W1)
    tf.summary.histogram("Layer1", layer1)

with tf.name_scope("layer2"):
    W2 = tf.Variable(tf.random_normal([4, 1]), name="weight2")
    b2 = tf.Variable(tf.random_normal([1]), name="bias2")
    hypothesis = tf.sigmoid(tf.matmul(layer1, W2) + b2)
    tf.summary.histogram("W2", W2)
    tf.summary.histogram("Hypothesis", hypothesis)

with tf.name_scope("cost"):
    cost = -tf.reduce_mean(Y * tf.log(hypothesis) + (1 - Y) * tf.log(1 - hypothesis))
    tf.summary.scalar("cost", cost)

with tf.name_scope("train"):
    train = tf.train.AdamOptimizer(learning_rate=0.01).minimize(cost)

predicted = tf.cast(hypothesis > 0.5, dtype=tf.float32)
accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype=tf.float32))
tf.summary.scalar("accuracy", accuracy)

with tf.Session() as sess:
    merged_summary = tf.summary.merge_all()
    writer = tf.summary.FileWriter(args.logdir)
    writer.add_graph(sess.graph)   # shows the graph
    sess.run(tf.global_variables_initializer())
    for step in range(STEPS):
        _, summary, c = sess.run([train, merged_summary, cost], feed_dict={X: x_data, Y: y_data})
        if step % 50 == 0:
            writer.add_summary(summary, global_step=step)
        if step % (STEPS // 5) == 0:
            print("step %5d  cost=%.4f" % (step, c))
    writer.close()
    h, p, a = sess.run([hypothesis, predicted, accuracy], feed_dict={X: x_data, Y: y_data})
    print("Hypothesis:", h.ravel().round(3), "Predicted:", p.ravel(), "Accuracy:", a)

# Read the event file back: what TensorBoard will plot
event_file = sorted(glob.glob(os.path.join(args.logdir, "events.out.tfevents.*")))[-1]
tags, costs, graphs = set(), [], 0
for event in tf.train.summary_iterator(event_file):
    if event.HasField("graph_def"):
        graphs += 1
    for value in event.summary.value:
        tags.add(value.tag)
        if value.tag.endswith("cost"):
            costs.append((event.step, value.simple_value))
print("event file %s: %d graph, tags %s" % (event_file, graphs, sorted(tags)))
print("cost in the file: step %d %.4f -> step %d %.4f" % (costs[0] + costs[-1]))
print("result: accuracy=%.4f logged_points=%d first_cost=%.4f last_cost=%.4f tags=%d graphs=%d"
      % (a, len(costs), costs[0][1], costs[-1][1], len(tags), graphs))
