"""Does neuroflow's Keras train the course CNN exactly as real tf.keras does?

Not a test (TensorFlow is not a test dependency); a check to run by hand:

    NEUROFLOW_DATASETS=../shared/datasets python tests/keras/check_training_with_real_keras.py \\
        train neuroflow /tmp/nf_train
    NEUROFLOW_DATASETS=../shared/datasets TF_USE_LEGACY_KERAS=1 /path/to/tf-venv/bin/python \\
        tests/keras/check_training_with_real_keras.py train tf_keras /tmp/nf_train
    python tests/keras/check_training_with_real_keras.py compare /tmp/nf_train

``train`` builds the model of the course's klab-11-1 (conv32-conv32-pool-dense128-10, softmax,
categorical cross-entropy, ``optimizer='adadelta'``: Keras's defaults, learning rate 0.001) with
both Dropout layers left out, sets the same initial weights in both frameworks (Glorot-uniform
draws from one seeded NumPy generator, zero biases), trains one epoch on real MNIST in file order
(``shuffle=False``, batch 128) and saves the test accuracy and the final weights. ``compare``
prints both accuracies and the largest weight difference per variable, and fails when the
accuracies differ by more than 0.005 or a weight by more than 1e-4.

What it shows: with the random draws taken out (initial weights, dropout masks, shuffling) the
two frameworks follow the same trajectory; a difference left in the course script's result is
the spread of those draws (with this tiny learning rate one epoch reaches 0.13-0.25 test
accuracy depending on them, in neuroflow and in TensorFlow alike).
"""
import gzip
import os
import sys
import time

import numpy as np

STEPS = 469  # one epoch of 60,000 images in batches of 128


def _mnist():
    root = os.path.join(os.environ.get("NEUROFLOW_DATASETS", "../shared/datasets"), "mnist")

    def read(name, offset):
        with gzip.open(os.path.join(root, name)) as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)
    x = read("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1)
    xt = read("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1)
    return (x.astype("float32") / 255, read("train-labels-idx1-ubyte.gz", 8),
            xt.astype("float32") / 255, read("t10k-labels-idx1-ubyte.gz", 8))


def train(framework, folder):
    if framework == "tf_keras":
        os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
        import tensorflow as tf
    elif framework == "neuroflow":
        import neuroflow as tf
    else:
        raise SystemExit("framework: expected 'neuroflow' or 'tf_keras', got %r" % framework)
    keras, L = tf.keras, tf.keras.layers
    x, y, xt, yt = _mnist()
    y, yt = keras.utils.to_categorical(y, 10), keras.utils.to_categorical(yt, 10)
    model = keras.Sequential([
        L.Conv2D(32, (3, 3), input_shape=(28, 28, 1)), L.Activation("relu"),
        L.Conv2D(32, (3, 3)), L.Activation("relu"), L.MaxPooling2D((2, 2)), L.Flatten(),
        L.Dense(128), L.Activation("relu"), L.Dense(10), L.Activation("softmax")])
    rng = np.random.RandomState(1337)
    weights = []
    for w in model.get_weights():
        if w.ndim == 1:
            weights.append(np.zeros(w.shape, "float32"))
        else:
            fan_in, fan_out = np.prod(w.shape[:-1]), np.prod(w.shape[:-2]) * w.shape[-1]
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            weights.append(rng.uniform(-limit, limit, w.shape).astype("float32"))
    model.set_weights(weights)
    model.compile(loss="categorical_crossentropy", optimizer="adadelta", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(x[:STEPS * 128], y[:STEPS * 128], batch_size=128, epochs=1, shuffle=False,
              verbose=0)
    accuracy = model.evaluate(xt, yt, verbose=0)[1]
    print("%s: test accuracy %.4f after %d steps (%.0f s)" % (
        framework, accuracy, STEPS, time.perf_counter() - start))
    os.makedirs(folder, exist_ok=True)
    np.savez(os.path.join(folder, framework + ".npz"), accuracy=accuracy,
             **{"w%d" % i: w for i, w in enumerate(model.get_weights())})


def compare(folder):
    a, b = (np.load(os.path.join(folder, f + ".npz")) for f in ("neuroflow", "tf_keras"))
    ok = abs(float(a["accuracy"]) - float(b["accuracy"])) <= 0.005
    print("test accuracy: neuroflow %.4f, tf_keras %.4f" % (a["accuracy"], b["accuracy"]))
    for k in sorted((k for k in a.files if k != "accuracy"), key=lambda k: int(k[1:])):
        diff = float(np.abs(a[k] - b[k]).max())
        ok &= diff <= 1e-4
        print("%-4s %-18s max |difference| %.2e (max |w| %.2e)" % (
            k, a[k].shape, diff, np.abs(b[k]).max()))
    print("same trajectory" if ok else "DIFFERENT")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "train":
        train(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2]))
    else:
        sys.exit(__doc__)
