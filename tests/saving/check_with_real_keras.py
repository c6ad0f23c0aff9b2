"""Does real tf.keras read the optimizer state of the .h5 files neuroflow writes?

Not a test (TensorFlow is not a test dependency); a check to run by hand:

    python tests/saving/check_with_real_keras.py write /tmp/nf_opt         # with neuroflow
    TF_USE_LEGACY_KERAS=1 /path/to/tf-venv/bin/python \\
        tests/saving/check_with_real_keras.py read /tmp/nf_opt              # with tf_keras 2.x

``write`` trains a small model for two epochs with each Keras optimizer and saves
``<name>.h5`` plus ``<name>.npz`` (the optimizer state as neuroflow holds it, in the order
tf.keras keeps it). ``read`` loads each file with ``tf.keras.models.load_model``, fails on
tf.keras's "Error in loading the saved optimizer state" warning, and compares every
optimizer variable with the saved values.
"""
import logging
import os
import sys

import numpy as np

OPTIMIZERS = {
    "sgd_momentum": ("SGD", dict(learning_rate=0.01, momentum=0.9)),
    "adam": ("Adam", dict(learning_rate=0.01)),
    "adam_amsgrad": ("Adam", dict(learning_rate=0.01, amsgrad=True)),
    "adam_decay": ("Adam", dict(learning_rate=0.01, decay=0.01)),   # a legacy optimizer there
    "nadam": ("Nadam", dict(learning_rate=0.01)),
    "adamax": ("Adamax", dict(learning_rate=0.01)),
    "rmsprop_centered": ("RMSprop", dict(learning_rate=0.01, momentum=0.5, centered=True)),
    "adagrad": ("Adagrad", dict(learning_rate=0.01)),
    "adadelta": ("Adadelta", dict(learning_rate=1.0)),
    "ftrl": ("Ftrl", dict(learning_rate=0.01)),
}


def write(folder):
    import neuroflow.keras as keras
    from neuroflow.keras.saving import hdf5
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(0)
    x = rng.rand(32, 3).astype("float32")
    y = np.eye(2, dtype="float32")[rng.randint(0, 2, 32)]
    for key, (cls, kw) in OPTIMIZERS.items():
        model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,)),
                                  keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=getattr(keras.optimizers, cls)(**kw),
                      loss="categorical_crossentropy")
        model.fit(x, y, epochs=2, batch_size=8, verbose=0)
        model.save(os.path.join(folder, key + ".h5"))
        state = [np.asarray(v.numpy()) for _, v in hdf5.optimizer_weights(model)]
        np.savez(os.path.join(folder, key + ".npz"), *state)
        print("wrote", key, len(state), "optimizer variables")


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def read(folder):
    import tensorflow as tf
    handler = _Warnings()
    for name in ("tensorflow", "absl", ""):
        logging.getLogger(name).addHandler(handler)
    failed = 0
    for key in OPTIMIZERS:
        handler.messages.clear()
        model = tf.keras.models.load_model(os.path.join(folder, key + ".h5"))
        opt = model.optimizer
        theirs = opt.variables() if callable(opt.variables) else opt.variables
        theirs = [np.asarray(v.numpy()) for v in theirs]
        saved = np.load(os.path.join(folder, key + ".npz"))
        ours = [saved["arr_%d" % i] for i in range(len(saved.files))]
        bad = [m for m in handler.messages if "optimizer" in m.lower()]
        same = len(theirs) == len(ours) and all(
            a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-7)
            for a, b in zip(theirs, ours))
        ok = same and not bad
        failed += not ok
        print("%-18s %-4s %s: %d of tf.keras's %d optimizer variables from the file%s"
              % (key, "ok" if ok else "FAIL", type(opt).__module__.split(".")[0] + "." +
                 type(opt).__name__, len(ours), len(theirs), "; " + bad[0] if bad else ""))
    return failed


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("write", "read"):
        sys.exit(__doc__)
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        sys.exit(1 if read(sys.argv[2]) else 0)
