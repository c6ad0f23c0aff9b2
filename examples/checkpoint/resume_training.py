"""Checkpoints: training that stops and resumes where it left off, with tf.train.Saver.

A softmax classifier of the 8x8 digits (1,797 images that ship with neuroflow) saves a
checkpoint every 100 steps with the global step in its name; Saver keeps only the newest 3
(max_to_keep). The run is cut in two: the first part trains to step 300 and "crashes"; the
second builds the graph anew, finds the newest checkpoint with tf.train.latest_checkpoint,
restores it and carries on from step 300 to 600. The same program run again continues from the
newest checkpoint in --ckpt_dir.

    python examples/checkpoint/resume_training.py [--ckpt_dir ckpt]   # (--quick: fewer steps)
"""
import argparse
import os

import numpy as np

import neuroflow as tf
from neuroflow.loaders import load_digits

parser = argparse.ArgumentParser()
parser.add_argument("--ckpt_dir", default="ckpt")
parser.add_argument("--quick", action="store_true")
args = parser.parse_args()
QUICK = args.quick or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
SAVE_EVERY = 50 if QUICK else 100
HALF = 3 * SAVE_EVERY

images, labels = load_digits()
x_all = (images.reshape(-1, 64) / 16.0).astype(np.float32)
y_all = np.eye(10, dtype=np.float32)[labels]
x_train, y_train, x_test, y_test = x_all[:1400], y_all[:1400], x_all[1400:], y_all[1400:]


def run(until_step):
    """Builds the graph, resumes from the newest checkpoint if any, trains to ``until_step``."""
    tf.reset_default_graph()
    tf.set_random_seed(0)
    X = tf.placeholder(tf.float32, [None, 64])
    Y = tf.placeholder(tf.float32, [None, 10])
    W = tf.Variable(tf.random_normal([64, 10], stddev=0.1), name="W")
    b = tf.Variable(tf.zeros([10]), name="b")
    logits = tf.matmul(X, W) + b
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
    global_step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.5).minimize(cost, global_step=global_step)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1)),
                                      tf.float32))
    saver = tf.train.Saver(max_to_keep=3)
    with tf.Session() as sess:
        state = tf.train.get_checkpoint_state(args.ckpt_dir)
        latest = tf.train.latest_checkpoint(args.ckpt_dir)
        if latest:
            saver.restore(sess, latest)
            # a new Saver knows nothing of older files: hand them over so max_to_keep applies
            saver.recover_last_checkpoints(state.all_model_checkpoint_paths)
            print("restored %s: global step %d, cost %.4f"
                  % (latest, sess.run(global_step), sess.run(cost, {X: x_train, Y: y_train})))
        else:
            sess.run(tf.global_variables_initializer())
            print("no checkpoint in %s: starting from scratch" % args.ckpt_dir)
        start = sess.run(global_step)
        step = start
        while step < until_step:
            sess.run(train, {X: x_train, Y: y_train})
            step = sess.run(global_step)
            if step % SAVE_EVERY == 0:
                path = saver.save(sess, os.path.join(args.ckpt_dir, "model"), global_step=step)
                c = sess.run(cost, {X: x_train, Y: y_train})
                print("step %4d  cost=%.4f  saved %s" % (step, c, os.path.basename(path)))
        acc = sess.run(accuracy, {X: x_test, Y: y_test})
        return start, step, acc, saver.last_checkpoints


os.makedirs(args.ckpt_dir, exist_ok=True)
print("-- first run")
start1, end1, acc1, _ = run(HALF)
print("-- second run (after a 'crash')")
start2, end2, acc2, kept = run(2 * HALF)
print("kept checkpoints:", [os.path.basename(p) for p in kept])
print("test accuracy after step %d: %.4f; after step %d: %.4f" % (end1, acc1, end2, acc2))
print("result: resumed_from=%d end=%d accuracy_first=%.4f accuracy=%.4f kept=%d"
      % (start2, end2, acc1, acc2, len(kept)))
