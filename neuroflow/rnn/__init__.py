"""Recurrent networks for the TF1 surface: cells, dynamic/static/bidirectional RNNs, seq2seq loss.

``tf.nn.rnn_cell``, ``tf.nn.dynamic_rnn`` ... and ``tf.contrib.rnn`` / ``tf.contrib.seq2seq``
come from here; the fused kernels are in ``neuroflow/ops/rnn_ops.py``.
"""
from . import rnn_cell  # noqa: F401
from .cells import (BasicLSTMCell, BasicRNNCell, GRUCell, LayerRNNCell, LSTMCell,  # noqa: F401
                    LSTMStateTuple, RNNCell)
from .dynamic import (bidirectional_dynamic_rnn, dynamic_rnn,  # noqa: F401
                      stack_bidirectional_dynamic_rnn, stack_bidirectional_rnn,
                      static_bidirectional_rnn, static_rnn)
from .seq2seq import sequence_loss  # noqa: F401
from .wrappers import (DeviceWrapper, DropoutWrapper, MultiRNNCell,  # noqa: F401
                       OutputProjectionWrapper, ResidualWrapper)
