"""Trains the digit recognizer's two models on MNIST and saves them for ``neuroflow digits``.

  v1: an MLP, 784-256-128-10 with dropout            -> <out>/digits_v1_mlp.h5
  v2: a CNN, two 5x5 conv + max-pool blocks, dense   -> <out>/digits_v2_cnn.h5

Both take 28x28 images with ink in [0, 1] (white on black), as MNIST and as the app's
preprocessing makes them. Then:

    python examples/digits_app/train_models.py [--out models]       # (--quick: a subset)
    neuroflow digits --model models/digits_v2_cnn.h5                  # open http://127.0.0.1:8000
"""
import argparse
import functools
import os
import time

import numpy as np

from neuroflow import keras

L = keras.layers


def build_mlp():
    return keras.Sequential([
        L.Dense(256, activation="relu", input_shape=(784,)),
        L.Dropout(0.2),
        L.Dense(128, activation="relu"),
        L.Dropout(0.2),
        L.Dense(10, activation="softmax"),
    ], name="digits_v1_mlp")


def build_cnn():
    return keras.Sequential([
        L.Conv2D(16, 5, padding="same", activation="relu", input_shape=(28, 28, 1)),
        L.MaxPooling2D(),
        L.Conv2D(32, 5, padding="same", activation="relu"),
        L.MaxPooling2D(),
        L.Flatten(),
        L.Dropout(0.3),
        L.Dense(128, activation="relu"),
        L.Dense(10, activation="softmax"),
    ], name="digits_v2_cnn")


@functools.lru_cache(maxsize=1)
def load_mnist():
    (x, y), (xt, yt) = keras.datasets.mnist.load_data()
    return (x.astype(np.float32) / 255.0, y), (xt.astype(np.float32) / 255.0, yt)


def train(kind, n_train=None, epochs=None, seed=0, verbose=2, n_test=None):
    """A trained 'mlp' or 'cnn' model and its test accuracy."""
    (x, y), (xt, yt) = load_mnist()
    x, y, xt, yt = x[:n_train], y[:n_train], xt[:n_test], yt[:n_test]
    shape = (-1, 784) if kind == "mlp" else (-1, 28, 28, 1)
    keras.utils.set_random_seed(seed)   # Python, NumPy (fit's shuffling) and TF seeds
    model = build_mlp() if kind == "mlp" else build_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x.reshape(shape), y, batch_size=64, verbose=verbose,
              epochs=epochs or (10 if kind == "mlp" else 3))
    accuracy = model.evaluate(xt.reshape(shape), yt, verbose=0)[1]
    return model, accuracy


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="models")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    quick = args.quick or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
    os.makedirs(args.out, exist_ok=True)
    results = {}
    for kind, version in (("mlp", "v1"), ("cnn", "v2")):
        start = time.time()
        model, accuracy = train(kind, n_train=3000 if quick else None,
                                epochs=1 if quick else None, verbose=0 if quick else 2,
                                n_test=2000 if quick else None)
        path = os.path.join(args.out, "digits_%s_%s.h5" % (version, kind))
        model.save(path)
        reloaded = keras.models.load_model(path)
        x = load_mnist()[1][0][:100].reshape((-1, 784) if kind == "mlp" else (-1, 28, 28, 1))
        same = np.allclose(model.predict(x, verbose=0), reloaded.predict(x, verbose=0),
                           atol=1e-6)
        print("%s (%s): test accuracy %.4f, saved to %s (reloads the same: %s) [%.0f s]"
              % (version, kind.upper(), accuracy, path, same, time.time() - start))
        results[version] = accuracy
    print("Run the app: neuroflow digits --model %s"
          % os.path.join(args.out, "digits_v2_cnn.h5"))
    print("result: v1_accuracy=%.4f v2_accuracy=%.4f" % (results["v1"], results["v2"]))


if __name__ == "__main__":
    main()
