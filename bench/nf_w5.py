"""W5: the TF1 softmax-regression tutorial on neuroflow, written as course code writes it.

1000 steps of ``mnist.train.next_batch(100)`` + ``sess.run(train, feed_dict=...)``, timed after 10
warm-up steps. Prints one ``RESULT_JSON`` line (the peers' protocol).

Settings (environment):
  NF_W5_LOSS  auto (default): tf.nn.softmax_cross_entropy_with_logits when neuroflow has it, else
              the composed tutorial form -reduce_sum(Y * log(softmax)); or fused / composed.
  NF_W5_DATA  auto (default): neuroflow.examples.tutorials.mnist.input_data when it exists, else the
              peers' next_batch; peers: always the peers' next_batch (same batches as every peer,
              so the final loss must equal theirs: 0.28891).
usage: python bench/nf_w5.py [--import-only]
"""

import os

import nf_common as N
from nf_common import C

import neuroflow as tf

LOSS = os.environ.get("NF_W5_LOSS", "auto")
DATA = os.environ.get("NF_W5_DATA", "auto")


def loss_form():
    fused = hasattr(tf.nn, "softmax_cross_entropy_with_logits")
    if LOSS == "fused" and not fused:
        raise SystemExit(
            "NF_W5_LOSS=fused but neuroflow has no tf.nn.softmax_cross_entropy_with_logits yet"
        )
    return "fused" if (LOSS == "fused" or (LOSS == "auto" and fused)) else "composed"


def softmax(logits):
    if hasattr(tf.nn, "softmax"):
        return tf.nn.softmax(logits)
    e = tf.exp(logits - tf.reduce_max(logits, 1, keepdims=True))
    return e / tf.reduce_sum(e, 1, keepdims=True)


def data():
    """(next_batch, x_train[:10000], y_train[:10000] one-hot, x_test, y_test one-hot, source)."""
    if DATA == "auto":
        try:
            from neuroflow.examples.tutorials.mnist import input_data
        except ImportError:
            input_data = None
        if input_data is not None:
            mnist = input_data.read_data_sets(os.path.join(N.DATASETS, "mnist"), one_hot=True)
            return (
                mnist.train.next_batch,
                mnist.train.images[:10000],
                mnist.train.labels[:10000],
                mnist.test.images,
                mnist.test.labels,
                "input_data",
            )
    xtr, ytr, xte, yte, src = C.load_mnist()
    nb = C.NextBatch(xtr, C.one_hot(ytr))
    return nb, xtr[:10000], C.one_hot(ytr[:10000]), xte, C.one_hot(yte), src + "+peers-next_batch"


def build():
    """The tutorial's graph: (X, Y, logits, cost, train, accuracy, loss form)."""
    X = tf.placeholder(tf.float32, [None, 784])
    Y = tf.placeholder(tf.float32, [None, 10])
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    logits = tf.matmul(X, W) + b
    form = loss_form()
    if form == "fused":
        cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=logits))
    else:
        cost = tf.reduce_mean(-tf.reduce_sum(Y * tf.log(softmax(logits)), 1))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(cost)
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    return X, Y, logits, cost, train, accuracy, form


def main():
    next_batch, xl, yl, xte, yte, src = data()
    X, Y, _, cost, train, accuracy, form = build()
    steps = C.W5_CFG["steps"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(10):
            bx, by = next_batch(100)
            sess.run(train, feed_dict={X: bx, Y: by})
        t0, batch_s = C.now(), 0.0
        for _ in range(steps):
            t1 = C.now()
            bx, by = next_batch(100)
            batch_s += C.now() - t1
            sess.run(train, feed_dict={X: bx, Y: by})
        dt = C.now() - t0
        acc = float(sess.run(accuracy, feed_dict={X: xte, Y: yte}))
        loss = float(sess.run(cost, feed_dict={X: xl, Y: yl}))
    N.emit(
        "W5",
        dt,
        "s/1000 steps",
        measured_s=dt,
        steps=steps,
        final_loss=loss,
        test_acc=acc,
        data=src,
        loss_form=form,
        batch_s=batch_s,
    )


if __name__ == "__main__" and not N.import_only():
    main()
