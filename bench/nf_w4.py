"""W4: the character LSTM on ``neuroflow.keras`` (or TF1 graph code with ``--tf1``).

Embedding(65, 64) -> LSTM(128, return_sequences) -> Dense(65) on every step, sequences of 50,
batches of 64, Adam 1e-3, sparse softmax cross-entropy from logits: the peers' model on the
peers' synthetic characters (``common.char_data``), 5 warm-up steps, then W4_STEPS timed steps.
Prints one ``RESULT_JSON`` line (s/step).
usage: python bench/nf_w4.py [--tf1] [--import-only]
"""
import sys

import numpy as np

import nf_common as N
from nf_common import C

import neuroflow as tf
from neuroflow import keras


def run_keras(x, y, cfg, warm):
    L = keras.layers
    model = keras.Sequential([keras.Input((cfg["seq"],), dtype="int32"),
                              L.Embedding(cfg["vocab"], cfg["embed"]),
                              L.LSTM(cfg["units"], return_sequences=True), L.Dense(cfg["vocab"])])
    model.compile(optimizer=keras.optimizers.Adam(cfg["lr"]),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    B = cfg["batch"]
    model.fit(x[:warm * B], y[:warm * B], batch_size=B, epochs=1, verbose=0)
    t0 = C.now()
    hist = model.fit(x[warm * B:], y[warm * B:], batch_size=B, epochs=1, verbose=0, shuffle=False)
    return C.now() - t0, float(hist.history["loss"][-1])


def run_tf1(x, y, cfg, warm):
    T, B = cfg["seq"], cfg["batch"]
    X = tf.placeholder(tf.int32, [None, T])
    Y = tf.placeholder(tf.int32, [None, T])
    emb = tf.get_variable("embedding", [cfg["vocab"], cfg["embed"]])
    cell = tf.nn.rnn_cell.BasicLSTMCell(cfg["units"], forget_bias=0.0)
    out, _ = tf.nn.dynamic_rnn(cell, tf.nn.embedding_lookup(emb, X), dtype=tf.float32)
    logits = tf.layers.dense(out, cfg["vocab"])
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=Y, logits=logits))
    train = tf.train.AdamOptimizer(cfg["lr"]).minimize(loss)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())

        def step(i):
            sl = slice(i * B, (i + 1) * B)
            return sess.run([train, loss], {X: x[sl], Y: y[sl]})[1]
        for i in range(warm):
            step(i)
        t0 = C.now()
        losses = [step(warm + i) for i in range(C.W4_STEPS)]
        dt = C.now() - t0
    return dt, float(np.mean(losses[-10:]))


def main():
    cfg, warm = C.W4_CFG, 5
    x, y = C.char_data(C.W4_STEPS + warm)
    x, y = x.astype(np.int32), y.astype(np.int32)
    form = "tf1" if "--tf1" in sys.argv else "keras"
    dt, loss = (run_tf1 if form == "tf1" else run_keras)(x, y, cfg, warm)
    N.emit("W4", dt / C.W4_STEPS, "s/step", measured_s=dt, steps=C.W4_STEPS, final_loss=loss,
           test_acc=None, data="synthetic-chars", form=form)


if __name__ == "__main__" and not N.import_only():
    main()
