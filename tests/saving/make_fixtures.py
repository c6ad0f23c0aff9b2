"""Makes the interop fixtures in tests/saving/fixtures/ with real TensorFlow / Keras.

Run with a Python that has tensorflow (2.x), tf_keras and keras 3:
    /work/venvs/tf/bin/python tests/saving/make_fixtures.py
TensorFlow is not a test dependency: the files it writes are committed, and the tests load them
with neuroflow and compare values and predictions (stored beside them in .npz files).
"""
import os
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def tf1_checkpoint():
    g = tf.Graph()
    with g.as_default():
        v1 = tf.compat.v1
        W = v1.Variable(np.arange(6, dtype=np.float32).reshape(2, 3) / 7, name="W")
        b = v1.Variable(np.array([1.5, -2.25]), name="layer/b")   # float64
        step = v1.Variable(np.int64(42), name="global_step")
        x = v1.placeholder(tf.float32, [None, 2])
        loss = tf.reduce_sum(tf.matmul(x, W) ** 2)
        train = v1.train.AdamOptimizer(0.1).minimize(loss)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(train, {x: np.ones((3, 2), np.float32)})
            v1.train.Saver().save(sess, os.path.join(OUT, "tf1_ckpt", "model"), global_step=7)
            vals = {v.op.name: sess.run(v) for v in v1.global_variables()}
    np.savez(os.path.join(OUT, "tf1_ckpt", "values.npz"), **{k.replace("/", "|"): v
                                                             for k, v in vals.items()})


def _models(keras):
    L = keras.layers
    cnn = keras.Sequential([
        keras.Input((8, 8, 1)),
        L.Conv2D(4, 3, activation="relu", name="conv"),
        L.BatchNormalization(name="bn"),
        L.MaxPooling2D(2, name="pool"),
        L.Dropout(0.25, name="drop"),
        L.Flatten(name="flat"),
        L.Dense(3, activation="softmax", name="out"),
    ], name="cnn")
    inp = keras.Input((5,), dtype="int32")
    e = L.Embedding(10, 4, name="emb")(inp)
    lstm = L.LSTM(3, return_sequences=True, name="lstm")(e)
    gru = L.GRU(2, name="gru")(lstm)
    out = L.Dense(1, name="head")(gru)
    rnn = keras.Model(inp, out, name="rnn")
    return {"cnn": (cnn, np.random.RandomState(0).rand(4, 8, 8, 1).astype(np.float32),
                    np.eye(3)[[0, 1, 2, 0]].astype(np.float32), "categorical_crossentropy"),
            "rnn": (rnn, np.random.RandomState(1).randint(0, 10, (4, 5)).astype(np.int32),
                    np.ones((4, 1), np.float32), "mse")}


def keras_models(keras, ext, prefix):
    keras.utils.set_random_seed(0)
    for name, (model, x, y, loss) in _models(keras).items():
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
        model.fit(x, y, epochs=2, batch_size=2, verbose=0)   # non-trivial BN stats, Adam state
        path = os.path.join(OUT, "%s_%s.%s" % (prefix, name, ext))
        model.save(path)
        np.savez(os.path.join(OUT, "%s_%s.npz" % (prefix, name)), x=x, y=model.predict(x, verbose=0),
                 **{"w%d" % i: w for i, w in enumerate(model.get_weights())})


def events():
    d = os.path.join(OUT, "events_tf1")
    g = tf.Graph()
    with g.as_default():
        v1 = tf.compat.v1
        c = v1.placeholder(tf.float32, [])
        h = v1.placeholder(tf.float32, [None])
        with tf.name_scope("stats"):
            v1.summary.scalar("cost", c)
            v1.summary.histogram("w", h)
        merged = v1.summary.merge_all()
        with v1.Session() as sess:
            w = v1.summary.FileWriter(d, sess.graph)
            for step in range(3):
                w.add_summary(sess.run(merged, {c: 1.0 / (step + 1), h: np.arange(5.0) * step}),
                              step)
            w.close()
    d2 = os.path.join(OUT, "events_tf2")
    writer = tf.summary.create_file_writer(d2)
    with writer.as_default():
        for step in range(3):
            tf.summary.scalar("loss", 0.5 * step, step=step)
            tf.summary.histogram("h", np.arange(4.0) + step, step=step)
    writer.close()


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "tf1_ckpt"))
    tf1_checkpoint()
    import tf_keras
    keras_models(tf_keras, "h5", "tfkeras")
    import keras
    keras_models(keras, "keras", "keras3")
    events()
    print("fixtures written to", OUT)


if __name__ == "__main__":
    main()
