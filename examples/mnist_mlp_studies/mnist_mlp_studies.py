"""How the choices of an MNIST MLP change what it learns: structure, dropout, learning rate,
batch size and the number of epochs, each study drawn as accuracy/loss curves in a PNG.

Every study trains a few Keras MLPs that differ in one choice only and plots the test accuracy
and loss after every epoch (``<out>/<study>.png``; the epochs study draws training and test
curves of one long run, where overfitting shows). Without matplotlib the numbers are printed and
the plots skipped.

    python examples/mnist_mlp_studies/mnist_mlp_studies.py [--study all|structure|dropout|
        learning_rate|batch_size|epochs] [--out studies]      # (--quick: a subset, 2 epochs)
"""
import argparse
import os
import time

import numpy as np

from neuroflow import keras

parser = argparse.ArgumentParser()
parser.add_argument("--study", default="all")
parser.add_argument("--out", default="studies")
parser.add_argument("--quick", action="store_true")
args = parser.parse_args()
QUICK = args.quick or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
EPOCHS = 2 if QUICK else 8
LONG_EPOCHS = 2 if QUICK else 30

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype(np.float32) / 255.0
x_test = x_test.reshape(-1, 784).astype(np.float32) / 255.0
if QUICK:
    x_train, y_train, x_test, y_test = x_train[:4000], y_train[:4000], x_test[:1000], y_test[:1000]

# study -> [(label, settings)]; anything not given takes the defaults below
DEFAULTS = dict(hidden=(256, 128), dropout=0.0, learning_rate=0.001, batch_size=128,
                epochs=EPOCHS)
STUDIES = {
    "structure": [("784-10", dict(hidden=())), ("784-128-10", dict(hidden=(128,))),
                  ("784-256-128-10", dict(hidden=(256, 128))),
                  ("784-512-256-128-10", dict(hidden=(512, 256, 128)))],
    "dropout": [("no dropout", dict(dropout=0.0)), ("dropout 0.2", dict(dropout=0.2)),
                ("dropout 0.5", dict(dropout=0.5))],
    "learning_rate": [("lr 0.0001", dict(learning_rate=1e-4)),
                      ("lr 0.001", dict(learning_rate=1e-3)),
                      ("lr 0.01", dict(learning_rate=1e-2))],
    "batch_size": [("batch 32", dict(batch_size=32)), ("batch 128", dict(batch_size=128)),
                   ("batch 1024", dict(batch_size=1024))],
    "epochs": [("%d epochs" % LONG_EPOCHS, dict(epochs=LONG_EPOCHS, hidden=(512, 256)))],
}
if QUICK:   # fewer variants: the ends of each range
    STUDIES = {k: v if len(v) == 1 else [v[1], v[-1]] for k, v in STUDIES.items()}


def train(hidden, dropout, learning_rate, batch_size, epochs):
    """One Keras MLP; returns its History (with the test set as validation data)."""
    keras.utils.set_random_seed(0)   # Python, NumPy (fit's shuffling) and TF seeds
    layers = [keras.Input(shape=(784,))]
    for units in hidden:
        layers.append(keras.layers.Dense(units, activation="relu"))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=0,
                     validation_data=(x_test, y_test)).history


def plot(study, runs, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("  matplotlib is not installed: %s not written" % path)
        return
    fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    for label, h in runs:
        epochs = np.arange(1, len(h["loss"]) + 1)
        if study == "epochs":
            ax_acc.plot(epochs, h["accuracy"], label="train")
            ax_loss.plot(epochs, h["loss"], label="train")
        ax_acc.plot(epochs, h["val_accuracy"], marker="o", label=label if study != "epochs"
                    else "test")
        ax_loss.plot(epochs, h["val_loss"], marker="o", label=label if study != "epochs"
                     else "test")
    ax_acc.set(title="%s: accuracy" % study, xlabel="epoch", ylabel="accuracy")
    ax_loss.set(title="%s: loss" % study, xlabel="epoch", ylabel="loss")
    ax_acc.legend()
    ax_loss.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    print("  plot written to", path)


os.makedirs(args.out, exist_ok=True)
summary = []
for study, variants in STUDIES.items():
    if args.study not in ("all", study):
        continue
    print("study:", study)
    runs = []
    for label, settings in variants:
        start = time.time()
        h = train(**dict(DEFAULTS, **settings))
        runs.append((label, h))
        best = int(np.argmax(h["val_accuracy"]))
        print("  %-20s test accuracy %.4f (best %.4f at epoch %d), test loss %.4f, "
              "train accuracy %.4f  [%.0f s]"
              % (label, h["val_accuracy"][-1], h["val_accuracy"][best], best + 1,
                 h["val_loss"][-1], h["accuracy"][-1], time.time() - start))
        summary.append(("%s/%s" % (study, label.replace(" ", "_")), h["val_accuracy"][-1]))
    plot(study, runs, os.path.join(args.out, study + ".png"))

print("result: " + " ".join("%s=%.4f" % item for item in summary))
