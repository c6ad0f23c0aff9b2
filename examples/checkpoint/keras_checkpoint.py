"""Keras checkpoints and TensorBoard: keep the best model while training, reload it, resume.

A Keras MLP learns the 8x8 digits (1,797 images that ship with neuroflow). ModelCheckpoint
saves the whole model (architecture, weights, optimizer state) to best.h5 whenever the
validation accuracy improves, and TensorBoard writes the loss and accuracy curves to logs/.
Then keras.models.load_model brings back the best model: it scores exactly what it scored when
it was saved, and its optimizer state lets training carry on where it stopped.

    python examples/checkpoint/keras_checkpoint.py [--dir keras_ckpt]   # (--quick: fewer epochs)
"""
import argparse
import glob
import os

import numpy as np

from neuroflow import keras
from neuroflow.loaders import load_digits

parser = argparse.ArgumentParser()
parser.add_argument("--dir", default="keras_ckpt")
parser.add_argument("--quick", action="store_true")
args = parser.parse_args()
QUICK = args.quick or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
EPOCHS = 8 if QUICK else 40

images, labels = load_digits()
x = (images.reshape(-1, 64) / 16.0).astype(np.float32)
x_train, y_train, x_val, y_val = x[:1400], labels[:1400], x[1400:], labels[1400:]

keras.utils.set_random_seed(0)   # Python, NumPy (fit's shuffling) and TF seeds
model = keras.Sequential([
    keras.layers.Dense(32, activation="relu", input_shape=(64,)),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(0.003), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
best_path = os.path.join(args.dir, "best.h5")
callbacks = [
    keras.callbacks.ModelCheckpoint(best_path, monitor="val_accuracy", save_best_only=True),
    keras.callbacks.TensorBoard(log_dir=os.path.join(args.dir, "logs")),
]
history = model.fit(x_train, y_train, epochs=EPOCHS, batch_size=32, verbose=0,
                    validation_data=(x_val, y_val), callbacks=callbacks)
val_acc = history.history["val_accuracy"]
best_epoch = int(np.argmax(val_acc))
for epoch in range(0, EPOCHS, max(1, EPOCHS // 5)):
    print("epoch %3d  loss=%.4f  val_accuracy=%.4f" % (epoch + 1, history.history["loss"][epoch],
                                                       val_acc[epoch]))
print("best validation accuracy %.4f at epoch %d, saved to %s"
      % (val_acc[best_epoch], best_epoch + 1, best_path))

best = keras.models.load_model(best_path)
reloaded_acc = best.evaluate(x_val, y_val, verbose=0)[1]
print("reloaded %s: validation accuracy %.4f" % (best_path, reloaded_acc))

# the optimizer state came back too: training resumes from the best epoch
more = best.fit(x_train, y_train, epochs=3, batch_size=32, verbose=0,
                validation_data=(x_val, y_val))
resumed_loss = more.history["loss"][0]
print("resumed training: first loss %.4f (the loss at the best epoch was %.4f)"
      % (resumed_loss, history.history["loss"][best_epoch]))

events = glob.glob(os.path.join(args.dir, "logs", "**", "events.out.tfevents.*"), recursive=True)
print("TensorBoard event files: %d (tensorboard --logdir %s)"
      % (len(events), os.path.join(args.dir, "logs")))
print("result: best_val_accuracy=%.4f reloaded_accuracy=%.4f resumed_loss=%.4f best_loss=%.4f "
      "event_files=%d" % (val_acc[best_epoch], reloaded_acc, resumed_loss,
                          history.history["loss"][best_epoch], len(events)))
