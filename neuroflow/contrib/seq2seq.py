"""``tf.contrib.seq2seq``: sequence_loss (the decoders and attention are not implemented)."""
from ..rnn.seq2seq import sequence_loss  # noqa: F401

__all__ = ["sequence_loss"]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise NotImplementedError(f"tf.contrib.seq2seq.{name} is not supported by neuroflow yet; "
                              "sequence_loss is. Decode step by step with a cell and tf.argmax.")
