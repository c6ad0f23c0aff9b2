"""Take-off distance from lift-off speed and aircraft weight: a small Keras regression network.

The course's CSV of take-offs is not public, so the data are generated from the physics of the
ground roll. With thrust T, mass m, rolling friction mu and lift-off speed v, the mean
acceleration is a = T / m - mu * g and the distance is d = v^2 / (2 a):

    T = 200 kN (two engines), mu = 0.02, g = 9.81 m/s^2,
    v uniform in [240, 300] km/h, m uniform in [40, 80] t, and 1% measurement noise on d.

A straight line through (v, m) misses the curvature (d grows with v^2 and faster than linearly
with m); a network with two hidden layers learns it.

    python examples/takeoff_distance/takeoff_distance.py         # (--quick: fewer epochs)
"""
import os
import sys

import numpy as np

from neuroflow import keras

QUICK = "--quick" in sys.argv or os.environ.get("NEUROFLOW_EXAMPLES_QUICK") == "1"
EPOCHS = 40 if QUICK else 200
THRUST, MU, G = 200e3, 0.02, 9.81


def takeoff_distance(speed_kmh, mass_t):
    """Ground-roll distance in metres: d = v^2 / (2 (T / m - mu g))."""
    v = speed_kmh / 3.6
    a = THRUST / (mass_t * 1000.0) - MU * G
    return v ** 2 / (2 * a)


rng = np.random.RandomState(42)
n = 2000
speed = rng.uniform(240, 300, n)
mass = rng.uniform(40, 80, n)
distance = takeoff_distance(speed, mass) * (1 + 0.01 * rng.randn(n))
features = np.stack([speed, mass], axis=1).astype(np.float32)
target = distance.astype(np.float32).reshape(-1, 1)
split = int(0.8 * n)
x_train, x_test = features[:split], features[split:]
y_train, y_test = target[:split], target[split:]

# standardize with the training set's statistics
x_mean, x_std = x_train.mean(0), x_train.std(0)
y_mean, y_std = y_train.mean(), y_train.std()


def scale_x(x):
    return (x - x_mean) / x_std


keras.utils.set_random_seed(0)   # Python, NumPy (fit's shuffling) and TF seeds
model = keras.Sequential([
    keras.layers.Dense(32, activation="relu", input_shape=(2,)),
    keras.layers.Dense(32, activation="relu"),
    keras.layers.Dense(1),
])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
model.fit(scale_x(x_train), (y_train - y_mean) / y_std, epochs=EPOCHS, batch_size=64, verbose=0)

pred = model.predict(scale_x(x_test), verbose=0) * y_std + y_mean
mae = float(np.mean(np.abs(pred - y_test)))
r2 = 1 - float(np.sum((pred - y_test) ** 2) / np.sum((y_test - y_test.mean()) ** 2))

# the straight-line baseline: least squares on [v, m, 1]
A = np.hstack([x_train, np.ones((split, 1), np.float32)])
coef = np.linalg.lstsq(A, y_train, rcond=None)[0]
line = np.hstack([x_test, np.ones((n - split, 1), np.float32)]) @ coef
line_mae = float(np.mean(np.abs(line - y_test)))
noise_mae = float(np.mean(np.abs(takeoff_distance(x_test[:, 0], x_test[:, 1]) - y_test[:, 0])))

for v, m in ((250, 55), (270, 65), (290, 78)):
    d = model.predict(scale_x(np.array([[v, m]], np.float32)), verbose=0)[0, 0] * y_std + y_mean
    print("v=%d km/h, m=%d t: network %.0f m, physics %.0f m" % (v, m, d, takeoff_distance(v, m)))
print("test MAE: network %.1f m, straight line %.1f m, the noise itself %.1f m"
      % (mae, line_mae, noise_mae))
print("result: mae=%.1f r2=%.4f line_mae=%.1f noise_mae=%.1f" % (mae, r2, line_mae, noise_mae))
