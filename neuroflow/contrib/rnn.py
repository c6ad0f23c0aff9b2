"""``tf.contrib.rnn``: the TF1 cells, wrappers and static/bidirectional RNN functions."""
from ..rnn import (BasicLSTMCell, BasicRNNCell, DeviceWrapper, DropoutWrapper,  # noqa: F401
                   GRUCell, LayerRNNCell, LSTMCell, LSTMStateTuple, MultiRNNCell,
                   OutputProjectionWrapper, ResidualWrapper, RNNCell, static_bidirectional_rnn,
                   static_rnn, stack_bidirectional_dynamic_rnn, stack_bidirectional_rnn)
from ..rnn.cells import LSTMCell as _LSTMCell

__all__ = ["RNNCell", "LayerRNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell",
           "LSTMBlockCell", "MultiRNNCell", "DropoutWrapper", "ResidualWrapper", "DeviceWrapper",
           "OutputProjectionWrapper", "LSTMStateTuple", "static_rnn", "static_bidirectional_rnn",
           "stack_bidirectional_dynamic_rnn", "stack_bidirectional_rnn"]


class LSTMBlockCell(_LSTMCell):
    """TF's fused-kernel LSTM cell: the same equations and variables as LSTMCell ("lstm_cell")."""

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 dtype=None, reuse=None, name="lstm_cell"):
        super().__init__(num_units, use_peepholes=use_peephole,
                         cell_clip=None if cell_clip is None or cell_clip <= 0 else cell_clip,
                         forget_bias=forget_bias, reuse=reuse, name=name, dtype=dtype)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise NotImplementedError(f"tf.contrib.rnn.{name} is not supported by neuroflow yet; the "
                              f"supported names are: {', '.join(__all__)}.")
