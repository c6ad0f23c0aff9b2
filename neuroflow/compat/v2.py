"""``tf.compat.v2``: the neuroflow namespace (names resolve lazily to ``neuroflow.X``)."""
import importlib


def __getattr__(name):
    nf = importlib.import_module("neuroflow")
    try:
        return getattr(nf, name)
    except AttributeError:
        raise AttributeError(f"module 'tensorflow.compat' has no attribute '{name}' "
                             "(neuroflow does not provide it yet)") from None


def __dir__():
    return dir(importlib.import_module("neuroflow"))
