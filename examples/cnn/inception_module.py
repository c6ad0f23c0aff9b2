"""GoogLeNet's inception module with the Keras functional API: 1x1, 3x3 and 5x5 convolution
branches and a pooling branch (with 1x1 reductions), joined by ``Concatenate`` along channels.

    python examples/cnn/inception_module.py [--epochs 1] [--limit N]

Two stacked modules classify MNIST digits.
"""
import argparse

import numpy as np

from neuroflow import keras
from neuroflow.keras import layers


def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj, name):
    """One inception module: four parallel branches concatenated on the channel axis."""
    b1 = layers.Conv2D(f1, 1, padding="same", activation="relu", name=name + "_1x1")(x)
    b3 = layers.Conv2D(f3_reduce, 1, padding="same", activation="relu",
                       name=name + "_3x3_reduce")(x)
    b3 = layers.Conv2D(f3, 3, padding="same", activation="relu", name=name + "_3x3")(b3)
    b5 = layers.Conv2D(f5_reduce, 1, padding="same", activation="relu",
                       name=name + "_5x5_reduce")(x)
    b5 = layers.Conv2D(f5, 5, padding="same", activation="relu", name=name + "_5x5")(b5)
    bp = layers.MaxPooling2D(3, strides=1, padding="same", name=name + "_pool")(x)
    bp = layers.Conv2D(pool_proj, 1, padding="same", activation="relu",
                       name=name + "_pool_proj")(bp)
    return layers.Concatenate(axis=-1, name=name + "_output")([b1, b3, b5, bp])


def build_model(num_classes=10):
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="stem")(inputs)
    x = layers.MaxPooling2D(2)(x)                                               # 14x14
    x = inception_module(x, 16, 16, 32, 4, 8, 8, "inception_3a")                 # 64 channels
    x = inception_module(x, 32, 32, 48, 8, 16, 16, "inception_3b")               # 112 channels
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="mini_googlenet")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--limit", type=int, default=10000)
    args = p.parse_args()
    np.random.seed(0)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train[..., None].astype("float32") / 255.0
    x_test = x_test[..., None].astype("float32") / 255.0
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    model = build_model()
    model.summary()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=64, epochs=args.epochs, verbose=2)
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    print(f"Inception-module net test accuracy: {acc:.4f}")


if __name__ == "__main__":
    main()
