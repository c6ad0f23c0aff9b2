"""An AlexNet-style network (Krizhevsky et al., 2012), scaled to 32x32 CIFAR-10 images: large
strided first filters, max pooling, a stack of 3x3 convolutions, batch normalization in place of
LRN, two wide dense layers with dropout.

    python examples/cnn/alexnet_style.py [--epochs 1] [--limit N]
"""
import argparse

import numpy as np

from neuroflow import keras
from neuroflow.keras import layers


def alexnet_style(input_shape=(32, 32, 3), num_classes=10):
    return keras.Sequential([
        layers.Conv2D(64, 5, strides=1, padding="same", activation="relu",
                      input_shape=input_shape, name="conv1"),
        layers.BatchNormalization(name="norm1"),
        layers.MaxPooling2D(3, strides=2, padding="same", name="pool1"),     # 16x16
        layers.Conv2D(128, 5, padding="same", activation="relu", name="conv2"),
        layers.BatchNormalization(name="norm2"),
        layers.MaxPooling2D(3, strides=2, padding="same", name="pool2"),     # 8x8
        layers.Conv2D(192, 3, padding="same", activation="relu", name="conv3"),
        layers.Conv2D(192, 3, padding="same", activation="relu", name="conv4"),
        layers.Conv2D(128, 3, padding="same", activation="relu", name="conv5"),
        layers.MaxPooling2D(3, strides=2, padding="same", name="pool5"),     # 4x4
        layers.Flatten(),
        layers.Dense(512, activation="relu", name="fc6"),
        layers.Dropout(0.5),
        layers.Dense(512, activation="relu", name="fc7"),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax", name="fc8"),
    ], name="alexnet_style")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--limit", type=int, default=5000)
    args = p.parse_args()
    np.random.seed(0)
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    x_train, x_test = x_train.astype("float32") / 255.0, x_test.astype("float32") / 255.0
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
        x_test, y_test = x_test[:args.limit // 5], y_test[:args.limit // 5]
    model = alexnet_style()
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.summary()
    model.fit(x_train, y_train, batch_size=64, epochs=args.epochs, verbose=2,
              validation_data=(x_test, y_test))


if __name__ == "__main__":
    main()
