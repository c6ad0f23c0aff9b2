"""A single perceptron learns AND and OR with the delta rule, and cannot learn XOR.

The perceptron fires (y = 1) when w.x + b > 0. After each example the delta rule moves the
weights toward the target: w += lr * (t - y) * x, b += lr * (t - y). When the classes can be
split by a line the rule stops changing anything (every example right); XOR cannot be split by
one line, so its errors never vanish -- the reason for hidden layers.

    python examples/perceptron/perceptron.py            # (--quick: fewer epochs)
"""
import os
import sys

import numpy as np

import neuroflow as tf

QUICK = "--quick" in sys.argv or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
MAX_EPOCHS = 20 if QUICK else 100
LEARNING_RATE = 0.1

X_DATA = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
GATES = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}

x = tf.placeholder(tf.float32, [None, 2])
t = tf.placeholder(tf.float32, [None, 1])
w = tf.Variable(tf.zeros([2, 1]), name="weight")
b = tf.Variable(tf.zeros([1]), name="bias")

y = tf.cast(tf.matmul(x, w) + b > 0, tf.float32)   # step activation
delta = t - y
dw = LEARNING_RATE * tf.matmul(x, delta, transpose_a=True)
db = LEARNING_RATE * tf.reduce_sum(delta, axis=0)
with tf.control_dependencies([dw, db]):   # both deltas from the same (old) weights
    train = tf.group(w.assign_add(dw), b.assign_add(db))

results = {}
with tf.Session() as sess:
    for gate, targets in GATES.items():
        sess.run(tf.global_variables_initializer())
        t_data = np.array(targets, dtype=np.float32).reshape(-1, 1)
        for epoch in range(1, MAX_EPOCHS + 1):
            for i in range(len(X_DATA)):   # online learning: one example at a time
                sess.run(train, feed_dict={x: X_DATA[i:i + 1], t: t_data[i:i + 1]})
            out = sess.run(y, feed_dict={x: X_DATA})
            if np.array_equal(out, t_data):
                break
        accuracy = float(np.mean(out == t_data))
        results[gate] = accuracy
        w_val, b_val = sess.run([w, b])
        status = ("learned in %d epochs" % epoch if accuracy == 1.0
                  else "not learned after %d epochs" % epoch)
        print("%-3s %s: w=%s b=%s" % (gate, status, np.round(w_val.ravel(), 2), np.round(b_val, 2)))
        for xi, oi, ti in zip(X_DATA.astype(int), out.ravel().astype(int), targets):
            print("    %s -> %d (target %d)" % (xi, oi, ti))

print("result: AND=%.2f OR=%.2f XOR=%.2f" % (results["AND"], results["OR"], results["XOR"]))
