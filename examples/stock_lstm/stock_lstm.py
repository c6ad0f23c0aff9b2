"""Tomorrow's closing price from the last 7 days: a Keras LSTM on GOOG's daily prices.

Each day has 5 numbers (open, high, low, volume, close), min-max scaled with the training
period's range. Windows of 7 days predict the next day's close; the first 70% of the days
train, the rest test. The score is the RMSE on the scaled close, next to the naive forecast
"tomorrow closes where today closed" (hard to beat on a random walk).

    python examples/stock_lstm/stock_lstm.py [--plot stock_lstm.png]   # (--quick: fewer epochs)

Reads data-02-stock_daily.csv from $NEUROFLOW_DATASETS/dlzta (Yahoo Finance, not copied here).
"""
import os
import sys

import numpy as np

from neuroflow import keras

QUICK = "--quick" in sys.argv or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
EPOCHS = 15 if QUICK else 100
PLOT = sys.argv[sys.argv.index("--plot") + 1] if "--plot" in sys.argv else None
SEQ_LENGTH = 7


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


xy = np.loadtxt(data_file("dlzta", "data-02-stock_daily.csv"), delimiter=",", dtype=np.float32)
xy = xy[::-1]                           # the file starts with the newest day
train_days = int(len(xy) * 0.7)
low, high = xy[:train_days].min(0), xy[:train_days].max(0)
xy = (xy - low) / (high - low + 1e-7)   # min-max scaling with the training range

windows = np.stack([xy[i:i + SEQ_LENGTH] for i in range(len(xy) - SEQ_LENGTH)])
targets = xy[SEQ_LENGTH:, [-1]]
n_train = train_days - SEQ_LENGTH
x_train, y_train = windows[:n_train], targets[:n_train]
x_test, y_test = windows[n_train:], targets[n_train:]
print("%d training windows, %d test windows of %d days" % (len(x_train), len(x_test), SEQ_LENGTH))

keras.utils.set_random_seed(0)   # Python, NumPy (fit's shuffling) and TF seeds
model = keras.Sequential([
    keras.layers.LSTM(10, input_shape=(SEQ_LENGTH, 5)),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
history = model.fit(x_train, y_train, epochs=EPOCHS, batch_size=32, verbose=0)
for epoch in range(0, EPOCHS, max(1, EPOCHS // 5)):
    print("epoch %3d  loss=%.5f" % (epoch + 1, history.history["loss"][epoch]))

pred = model.predict(x_test, verbose=0)
rmse = float(np.sqrt(np.mean((pred - y_test) ** 2)))
naive = float(np.sqrt(np.mean((x_test[:, -1, [-1]] - y_test) ** 2)))
mean_only = float(np.sqrt(np.mean((y_train.mean() - y_test) ** 2)))
print("test RMSE (scaled close): LSTM %.4f, 'same as today' %.4f, training mean %.4f"
      % (rmse, naive, mean_only))

if PLOT:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot written")
    else:
        plt.figure(figsize=(8, 4))
        plt.plot(y_test, label="close")
        plt.plot(pred, label="LSTM")
        plt.xlabel("test day")
        plt.ylabel("scaled close")
        plt.legend()
        plt.savefig(PLOT, dpi=80)
        print("plot written to", PLOT)
print("result: rmse=%.4f naive_rmse=%.4f mean_rmse=%.4f" % (rmse, naive, mean_only))
