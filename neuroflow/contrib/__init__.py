"""``tf.contrib``: the pieces course code uses (layers, framework, slim).

``tf.contrib.rnn`` and ``tf.contrib.seq2seq`` belong to the recurrent-network work and say so
when used before they exist.
"""
import importlib
import importlib.util

from . import framework, layers, slim  # noqa: F401

_RNN_ISSUE = "Recurrent networks (RNN)"
_RNN_MODULES = ("rnn", "seq2seq", "legacy_seq2seq", "cudnn_rnn", "crf")


def __getattr__(name):
    # a submodule added later (contrib/rnn.py ...) is imported on first use
    if importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _RNN_MODULES:
        raise NotImplementedError(
            f"tf.contrib.{name} is not implemented in neuroflow yet (it belongs to the "
            f"\"{_RNN_ISSUE}\" issue).")
    raise AttributeError(f"module 'tensorflow.contrib' has no attribute '{name}' (neuroflow "
                         "implements tf.contrib.layers, tf.contrib.framework and tf.contrib.slim)")
