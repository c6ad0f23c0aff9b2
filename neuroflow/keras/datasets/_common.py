"""Where Keras datasets come from offline: the Keras cache, ``$NEUROFLOW_DATASETS``, the loaders."""
import os

import numpy as np


def keras_cache(fname):
    """The path of ``fname`` in ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``, or None."""
    for base in (os.environ.get("KERAS_HOME"), os.path.join(os.path.expanduser("~"), ".keras")):
        if base:
            p = os.path.join(base, "datasets", fname)
            if os.path.exists(p):
                return p
    return None


def datasets_dir(sub):
    """``<root>/<sub>`` for the first root of ``$NEUROFLOW_DATASETS`` that has it, else None."""
    from ...loaders import dataset_roots
    for base in dataset_roots():
        if os.path.isdir(os.path.join(base, sub)):
            return os.path.join(base, sub)
    return None


def offline_error(name, fname):
    return FileNotFoundError(
        f"The {name} dataset is not available offline: neuroflow does not download it. Put Keras's "
        f"{fname} in ~/.keras/datasets/ (or $KERAS_HOME/datasets/), or point "
        "$NEUROFLOW_DATASETS at "
        "a folder that holds it.")


def npz_splits(path):
    with np.load(path, allow_pickle=True) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def from_loaders(fn_name):
    """The splits from ``neuroflow.loaders.<fn_name>()`` (local copies first, as Keras's files)."""
    from ... import loaders
    return getattr(loaders, fn_name)()
