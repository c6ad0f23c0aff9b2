"""Who survived the Titanic? A Keras classifier on Kaggle's passenger table.

Features: class, sex, age (missing ages get the training median), siblings/spouses,
parents/children, fare (log), port of embarkation (one-hot). A network with two hidden layers
is trained on 80% of the 891 passengers of train.csv and scored on the other 20%; it also
writes survival predictions for Kaggle's test.csv (submission.csv).

    python examples/titanic/titanic.py [--out submission.csv]      # (--quick: fewer epochs)

Reads titanic/train.csv and test.csv from $NEUROFLOW_DATASETS/tabular (Kaggle's competition
data may not be redistributed, so the files are not copied into examples/data).
"""
import csv
import os
import sys

import numpy as np

from neuroflow import keras

QUICK = "--quick" in sys.argv or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
EPOCHS = 30 if QUICK else 150
OUT = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else "submission.csv"


def data_file(*parts):
    """``$NEUROFLOW_DATASETS/<parts>``, else ``examples/data/<name>``."""
    for root in filter(None, os.environ.get("NEUROFLOW_DATASETS", "").split(os.pathsep)):
        for path in (os.path.join(root, *parts), os.path.join(root, *parts[1:])):
            if os.path.exists(path):
                return path
    local = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", parts[-1])
    if os.path.exists(local):
        return local
    sys.exit("Could not find %s: set NEUROFLOW_DATASETS to the folder holding %s"
             % (parts[-1], os.path.join(*parts)))


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def features(rows, age_median):
    out = []
    for r in rows:
        age = float(r["Age"]) if r["Age"] else age_median
        fare = float(r["Fare"]) if r["Fare"] else 14.45
        port = r["Embarked"] or "S"
        out.append([r["Pclass"] == "1", r["Pclass"] == "2", r["Sex"] == "female",
                    age / 40.0, float(r["SibSp"]), float(r["Parch"]), np.log1p(fare) / 3.0,
                    port == "C", port == "Q", port == "S"])
    return np.array(out, dtype=np.float32)


train_rows = read_rows(data_file("tabular", "titanic", "train.csv"))
test_rows = read_rows(data_file("tabular", "titanic", "test.csv"))
age_median = float(np.median([float(r["Age"]) for r in train_rows if r["Age"]]))
x_all = features(train_rows, age_median)
y_all = np.array([[float(r["Survived"])] for r in train_rows], dtype=np.float32)

rng = np.random.RandomState(0)
order = rng.permutation(len(x_all))
split = int(0.8 * len(order))
x_train, y_train = x_all[order[:split]], y_all[order[:split]]
x_val, y_val = x_all[order[split:]], y_all[order[split:]]
print("%d passengers for training, %d for validation, %.1f%% survived"
      % (len(x_train), len(x_val), 100 * y_all.mean()))

keras.utils.set_random_seed(0)   # Python, NumPy (fit's shuffling) and TF seeds
model = keras.Sequential([
    keras.layers.Dense(16, activation="relu", input_shape=(x_all.shape[1],)),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(8, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=EPOCHS, batch_size=32, verbose=0,
                    validation_data=(x_val, y_val))
for epoch in range(0, EPOCHS, max(1, EPOCHS // 5)):
    print("epoch %3d  loss=%.4f accuracy=%.4f val_accuracy=%.4f"
          % (epoch + 1, history.history["loss"][epoch], history.history["accuracy"][epoch],
             history.history["val_accuracy"][epoch]))
loss, acc = model.evaluate(x_val, y_val, verbose=0)
baseline = float(np.mean((x_val[:, 2] == 1) == (y_val[:, 0] == 1)))   # "women survive"

test_pred = model.predict(features(test_rows, age_median), verbose=0)[:, 0] > 0.5
with open(OUT, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["PassengerId", "Survived"])
    w.writerows([r["PassengerId"], int(p)] for r, p in zip(test_rows, test_pred))
print("validation accuracy %.4f (the 'women survive' rule: %.4f); %d predictions written to %s"
      % (acc, baseline, len(test_rows), OUT))
print("result: accuracy=%.4f loss=%.4f baseline=%.4f" % (acc, loss, baseline))
