"""``tf.contrib``: the pieces course code uses (layers, framework, slim, rnn, seq2seq, util).

Other contrib modules raise an error that names them.
"""
import importlib
import importlib.util

from . import framework, layers, slim  # noqa: F401

_NOT_HERE = ("legacy_seq2seq", "cudnn_rnn", "crf")


def __getattr__(name):
    # a submodule added later (contrib/rnn.py ...) is imported on first use
    if importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _NOT_HERE:
        raise NotImplementedError(f"tf.contrib.{name} is not supported by neuroflow yet.")
    raise AttributeError(f"module 'tensorflow.contrib' has no attribute '{name}' (neuroflow "
                         "implements tf.contrib.layers, framework, slim, rnn, seq2seq and util)")
