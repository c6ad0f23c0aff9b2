"""Boston housing prices: 13 features per town, target the median home value (k$)."""
import os

import numpy as np

from ._common import datasets_dir, keras_cache, offline_error


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)``, split as Keras splits it (shuffled by ``seed``)."""
    if not 0 <= test_split < 1:
        raise ValueError("test_split must be between 0 and 1. Received: " + str(test_split))
    p = keras_cache(path)
    if p is not None:
        with np.load(p, allow_pickle=True) as f:
            x, y = f["x"], f["y"]
    else:
        folder = datasets_dir(os.path.join("tabular", "boston"))
        if folder is None:
            raise offline_error("Boston housing", path)
        path = os.path.join(folder, "boston_house_prices.csv")
        data = np.loadtxt(path, delimiter=",", skiprows=2)
        x, y = data[:, :13], data[:, 13]
    rng = np.random.RandomState(seed)
    idx = np.arange(len(x))
    rng.shuffle(idx)
    x, y = x[idx], y[idx]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
