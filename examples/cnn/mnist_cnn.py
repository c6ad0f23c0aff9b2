"""The course MNIST CNN in Keras: conv32-pool-conv64-pool-dense256-dropout-10, trained with Adam.

    python examples/cnn/mnist_cnn.py [--epochs 3] [--batch-size 100] [--limit N]

Reaches about 0.99 test accuracy within 3 epochs. ``--limit`` trains on the first N images only
(a quick check). Run it with neuroflow (``import neuroflow as tf``) or with real TensorFlow by
changing the import.
"""
import argparse
import time

import numpy as np

import neuroflow as tf
from neuroflow import keras


def build_model():
    return keras.Sequential([
        keras.layers.Conv2D(32, (3, 3), padding="same", activation="relu",
                            input_shape=(28, 28, 1)),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), padding="same", activation="relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(10, activation="softmax"),
    ])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--seed", type=int, default=777)
    args = p.parse_args()

    np.random.seed(args.seed)
    tf.random.set_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255.0
    x_test = x_test.reshape(-1, 28, 28, 1).astype("float32") / 255.0
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)

    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    start = time.time()
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, verbose=2,
              validation_data=(x_test, y_test))
    loss, acc = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test loss: {loss:.4f}  Test accuracy: {acc:.4f}  ({time.time() - start:.0f} s)")


if __name__ == "__main__":
    main()
