"""LeNet-5 (LeCun et al., 1998) in Keras on MNIST: conv6 5x5 - avgpool - conv16 5x5 - avgpool -
dense 120 - dense 84 - softmax 10, tanh activations as in the paper.

    python examples/cnn/lenet5.py [--epochs 2] [--limit N]

The 28x28 digits are zero-padded to the paper's 32x32 input with ZeroPadding2D.
"""
import argparse

import numpy as np

from neuroflow import keras
from neuroflow.keras import layers


def lenet5(num_classes=10):
    return keras.Sequential([
        layers.ZeroPadding2D(2, input_shape=(28, 28, 1)),           # 32x32
        layers.Conv2D(6, 5, activation="tanh", name="C1"),           # 28x28x6
        layers.AveragePooling2D(2, name="S2"),                       # 14x14x6
        layers.Conv2D(16, 5, activation="tanh", name="C3"),          # 10x10x16
        layers.AveragePooling2D(2, name="S4"),                       # 5x5x16
        layers.Flatten(),
        layers.Dense(120, activation="tanh", name="C5"),
        layers.Dense(84, activation="tanh", name="F6"),
        layers.Dense(num_classes, activation="softmax", name="output"),
    ], name="lenet5")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--limit", type=int, default=None)
    args = p.parse_args()
    np.random.seed(0)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train[..., None].astype("float32") / 255.0
    x_test = x_test[..., None].astype("float32") / 255.0
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    model = lenet5()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    model.fit(x_train, y_train, batch_size=128, epochs=args.epochs, verbose=2)
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    print(f"LeNet-5 test accuracy: {acc:.4f}")


if __name__ == "__main__":
    main()
