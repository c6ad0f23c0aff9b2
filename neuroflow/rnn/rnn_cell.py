"""``tf.nn.rnn_cell``: the TF1 cell classes and LSTMStateTuple."""
from .cells import (BasicLSTMCell, BasicRNNCell, GRUCell, LayerRNNCell, LSTMCell,  # noqa: F401
                    LSTMStateTuple, RNNCell)
from .wrappers import (DeviceWrapper, DropoutWrapper, MultiRNNCell,  # noqa: F401
                       ResidualWrapper)

__all__ = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
           "DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "LSTMStateTuple"]


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    raise AttributeError(f"module 'tensorflow.nn.rnn_cell' has no attribute '{name}' (neuroflow "
                         f"has {', '.join(__all__)})")
