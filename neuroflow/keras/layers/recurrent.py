"""Keras recurrent layers: ``RNN(cell)``, ``SimpleRNN``, ``LSTM``, ``GRU``, and ``Masking``.

An RNN layer runs its cell (or stacked cells, layer by layer) over the time axis: one fused op
per cell for the built-in cells with their default activations, a Python loop over the steps
otherwise. Masked steps (``mask=``, or the mask a ``Masking`` layer put beside its output) keep
the state and repeat the previous output (``zero_output_for_mask``: zeros). ``go_backwards``
reads the sequence from its end and returns the outputs in that order; ``stateful`` keeps the
final states of a batch in variables as the next batch's initial states (``reset_states``).
The cells are in ``recurrent_cells.py``, Bidirectional and TimeDistributed in ``wrappers.py``.
"""
import numpy as np

from ...core.graph import control_dependencies
from ...core.op import convert_to_tensor
from ...core.shape import TensorShape
from .. import backend as K
from .base import InputSpec, Layer, shape_tuple
from .recurrent_cells import (GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells,  # noqa: F401
                              _call_cell, _Cell, _sizes, _tf, _zeros_for, get_mask, set_mask)

__all__ = ["RNN", "SimpleRNN", "LSTM", "GRU", "Masking", "SimpleRNNCell", "LSTMCell", "GRUCell",
           "StackedRNNCells", "Bidirectional", "TimeDistributed"]

_STATEFUL_BATCH = (
    "If a RNN is stateful, it needs to know its batch size. Specify the batch size of your input "
    "tensors: \n- If using a Sequential model, specify the batch size by passing a "
    "`batch_input_shape` argument to your first layer.\n- If using the functional API, specify "
    "the batch size by passing a `batch_shape` argument to your Input layer.")


def _unroll(cell, x, states, mask, time_major, reverse, zero_output, training):
    """Steps ``cell`` in Python (any cell); masked steps keep the state (Keras semantics)."""
    tf = _tf()
    d = shape_tuple(x)
    T = None if d is None else d[0 if time_major else 1]
    if T is None:
        raise NotImplementedError(
            "This RNN steps its cell in Python and needs the number of time steps when it is "
            "built; give the input a static time dimension (e.g. input_shape=(50, 8)). SimpleRNN, "
            "LSTM and GRU with their default activations have no such limit.")
    ax = 0 if time_major else 1
    xs = tf.unstack(x, num=T, axis=ax)
    ms = tf.unstack(tf.cast(mask, "bool"), num=T, axis=ax) if mask is not None else [None] * T
    outs, prev = [None] * T, None
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        out, new = _call_cell(cell, xs[t], states, training)
        if ms[t] is not None:
            m = tf.expand_dims(ms[t], 1)
            new = [tf.where(m, n, s) for n, s in zip(new, states)]
            if zero_output:
                out = tf.where(m, out, tf.zeros_like(out))
            else:
                prev = tf.zeros_like(out) if prev is None else prev
                out = prev = tf.where(m, out, prev)
        states, outs[t] = new, out
    return tf.stack(outs, axis=ax), states


def _build_cell(cell, step, prefix):
    """Builds a cell with its weights named as TF2's: "lstm/lstm_cell/kernel:0"."""
    name = cell.name
    cell.name = prefix + "/" + name
    try:
        if isinstance(cell, StackedRNNCells):
            cell.build(step, prefix=cell.name)
        else:
            cell.build(step)
    finally:
        cell.name = name
    cell.built = True


class RNN(Layer):
    """Base class for recurrent layers: runs ``cell`` over the time axis.

    Args:
      cell: an RNN cell (``call(inputs, states)`` and ``state_size``), or a list of cells
        (stacked).
      return_sequences: return the output of every step (else the last).
      return_state: also return the final states.
      go_backwards: read the sequence backwards (and return the reversed outputs).
      stateful: the final states of a batch are the initial states of the next.
      unroll: accepted (the built-in cells always run as one op per layer).
      time_major: inputs and outputs are [time, batch, ...].
    Call arguments: ``inputs``, ``mask``, ``training``, ``initial_state`` (list of tensors).
    Example:
      >>> layer = keras.layers.RNN(keras.layers.LSTMCell(4), return_sequences=True)
      >>> layer(np.zeros((2, 5, 3), np.float32)).shape
      TensorShape([2, 5, 4])
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, time_major=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call"):
            raise ValueError(f"`cell` should have a `call` method. The RNN was passed: {cell}")
        if not hasattr(cell, "state_size"):
            raise ValueError("The RNN cell should have an attribute `state_size` (tuple of "
                             "integers, one integer per RNN state).")
        self.zero_output_for_mask = kwargs.pop("zero_output_for_mask", False)
        if "input_shape" not in kwargs and ("input_dim" in kwargs or "input_length" in kwargs):
            kwargs["input_shape"] = (kwargs.pop("input_length", None),
                                     kwargs.pop("input_dim", None))
        kwargs.pop("input_length", None)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful = go_backwards, stateful
        self.unroll, self.time_major = unroll, time_major
        self.supports_masking = True
        self.input_spec = InputSpec(ndim=3)
        self._state_vars = None

    # ------------------------------------------------------------ calling
    def __call__(self, inputs, initial_state=None, constants=None, **kwargs):
        if constants is not None:
            raise NotImplementedError("RNN `constants` are not supported by neuroflow yet; pass "
                                      "them to the cell's constructor instead.")
        if initial_state is not None:
            st = list(initial_state) if isinstance(initial_state, (list, tuple)) \
                else [initial_state]
            inputs = [inputs] + st      # recorded as inputs: a functional model maps them
        return super().__call__(inputs, **kwargs)

    def _states_sizes(self):
        return _sizes(self.cell.state_size)

    def build(self, input_shape):
        if isinstance(input_shape, (list, tuple)) and input_shape and \
                isinstance(input_shape[0], TensorShape):
            input_shape = input_shape[0]
        d = TensorShape(input_shape).as_tuple()
        if d is not None and len(d) != 3:
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the layer: "
                             f"expected ndim=3, found ndim={len(d)}. Full shape received: {d}")
        batch = None if d is None else d[1 if self.time_major else 0]
        step = TensorShape(None if d is None else (batch, d[-1]))
        if isinstance(self.cell, Layer) and not self.cell.built:
            _build_cell(self.cell, step, self.name)
        if self.stateful:
            if batch is None:
                batch = (getattr(self, "_batch_input_shape", None) or (None,))[0]
            self._make_states(batch)
        self.built = True

    def _make_states(self, batch):
        from ...core.variables import Variable
        if batch is None:
            raise ValueError(_STATEFUL_BATCH)
        with K.eager_scope():
            self._state_vars = [Variable(np.zeros((batch, n), self.dtype), trainable=False,
                                         name=f"{self.name}/state_{i}")
                                for i, n in enumerate(self._states_sizes())]

    def call(self, inputs, mask=None, training=None, initial_state=None):
        tf = _tf()
        if isinstance(inputs, (list, tuple)):
            inputs, rest = inputs[0], list(inputs[1:])
            initial_state = rest or initial_state
        if mask is None:
            mask = get_mask(inputs)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if inputs.dtype.is_floating and inputs.dtype.name != self.dtype:
            inputs = tf.cast(inputs, self.dtype)   # floats computed in the layer's dtype (autocast)
        states = self._initial(inputs, initial_state)
        tmask = None if mask is None else (tf.transpose(mask) if self.time_major else mask)
        y, last, finals = self._run(inputs, states, tmask, training)
        tax = 0 if self.time_major else 1
        if self.go_backwards and self.return_sequences:
            y = tf.reverse(y, [tax])
        output = y if self.return_sequences else last
        if self.stateful:
            ups = [v.assign(f) for v, f in zip(self._state_vars, finals)]
            with control_dependencies(ups):
                output = tf.identity(output)
        if self.return_sequences:
            set_mask(output, mask)
        if self.return_state:
            return [output] + list(finals)
        return output

    def _initial(self, x, initial_state):
        sizes = self._states_sizes()
        if initial_state is not None:
            st = list(initial_state) if isinstance(initial_state, (list, tuple)) \
                else [initial_state]
            if len(st) != len(sizes):
                raise ValueError(f"An `initial_state` was passed that is not compatible with "
                                 f"`cell.state_size`. Received `state_spec`={len(st)} states; "
                                 f"however `cell.state_size` is {self.cell.state_size}")
            tf = _tf()
            return [tf.cast(s, x.dtype) if convert_to_tensor(s).dtype != x.dtype else
                    convert_to_tensor(s) for s in st]
        if self.stateful:
            return [convert_to_tensor(v) for v in self._state_vars]
        return _zeros_for(x, sizes, self.time_major, x.dtype)

    def _run(self, x, states, mask, training):
        """(outputs at their time indices, the last output, the final states)."""
        stacked = isinstance(self.cell, StackedRNNCells)
        cells = self.cell.cells if stacked else [self.cell]
        per = self.cell._split(states) if stacked else [states]
        tm, rev, zero = self.time_major, self.go_backwards, self.zero_output_for_mask
        cur, finals, fin = x, [], []
        for c, st in zip(cells, per):
            res = c._sequence(cur, st, mask, tm, rev, zero, training) \
                if isinstance(c, _Cell) else None
            if res is None:
                res = _unroll(c, cur, st, mask, tm, rev, zero, training)
            cur, fin = res
            finals += list(fin)
        if isinstance(cells[-1], _Cell) and not zero and mask is None:
            last = fin[0]           # a built-in cell's output is its state h
        else:
            i = 0 if rev else -1
            last = cur[i] if tm else cur[:, i]
        return cur, last, finals

    def compute_mask(self, inputs, mask=None):
        """The outputs' mask: the input's for the sequence output, none for the states."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self._states_sizes())
        return out

    # ------------------------------------------------------------ states
    @property
    def states(self):
        if self._state_vars is None:
            return [None] * len(self._states_sizes())
        return list(self._state_vars)

    def reset_states(self, states=None):
        """Sets the states of a stateful layer to zeros (or to the arrays in ``states``)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        if self._state_vars is None:
            raise ValueError(_STATEFUL_BATCH)
        vals = states if isinstance(states, (list, tuple)) else \
            [states] if states is not None else [None] * len(self._state_vars)
        if len(vals) != len(self._state_vars):
            raise ValueError(f"Layer {self.name} expects {len(self._state_vars)} states, but it "
                             f"received {len(vals)} state values. Input received: {states}")
        for i, (v, val) in enumerate(zip(self._state_vars, vals)):
            shape = tuple(v.shape.as_list())
            if val is None:
                val = np.zeros(shape, v.dtype.as_numpy_dtype)
            val = np.asarray(val, v.dtype.as_numpy_dtype)
            if val.shape != shape:
                raise ValueError(f"State {i} is incompatible with layer {self.name}: expected "
                                 f"shape={shape}, found shape={val.shape}")
            v._value = val.copy()

    def get_initial_state(self, inputs):
        return _zeros_for(inputs, self._states_sizes(), self.time_major, inputs.dtype)

    # ------------------------------------------------------------ config
    def _rnn_config(self):
        cfg = {"return_sequences": self.return_sequences, "return_state": self.return_state,
               "go_backwards": self.go_backwards, "stateful": self.stateful,
               "unroll": self.unroll, "time_major": self.time_major}
        if self.zero_output_for_mask:
            cfg["zero_output_for_mask"] = True
        return cfg

    def get_config(self):
        from . import serialize
        config = super().get_config()
        config.update(self._rnn_config())
        config["cell"] = serialize(self.cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = dict(config)
        cell = deserialize(config.pop("cell"), custom_objects)
        return cls(cell, **config)


_CELL_ATTRS = ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
               "recurrent_initializer", "bias_initializer", "unit_forget_bias",
               "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
               "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
               "recurrent_dropout", "implementation", "reset_after")
_RNN_KEYS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "time_major", "zero_output_for_mask")


class _Layer(RNN):
    """SimpleRNN / LSTM / GRU: an RNN around a cell made from the same arguments."""
    _cell_class = None

    def __init__(self, units, **kwargs):
        rnn_kw = {k: kwargs.pop(k) for k in _RNN_KEYS if k in kwargs}
        own = ("name", "trainable", "dtype", "input_length")
        layer_kw = {k: kwargs.pop(k) for k in list(kwargs)
                    if k in Layer._allowed_kwargs or k in own}
        cell = self._cell_class(units, dtype=layer_kw.get("dtype"),
                                trainable=layer_kw.get("trainable", True), **kwargs)
        super().__init__(cell, **rnn_kw, **layer_kw)

    def get_config(self):
        cfg = self.cell.get_config()
        for k in ("name", "trainable", "dtype"):
            cfg.pop(k, None)
        config = Layer.get_config(self)
        config.update(cfg)
        config.update(self._rnn_config())
        from .. import regularizers
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if config.get("implementation") == 0:
            config["implementation"] = 1
        return cls(**config)


for _a in _CELL_ATTRS:
    setattr(_Layer, _a, property(lambda self, _n=_a: getattr(self.cell, _n)))


class SimpleRNN(_Layer):
    """Fully-connected RNN: ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + b)``.

    Args: units, activation ('tanh'), use_bias, initializers / regularizers / constraints of
    kernel, recurrent_kernel and bias, dropout, recurrent_dropout, and RNN's arguments.
    Example:
      >>> model.add(keras.layers.SimpleRNN(32, input_shape=(10, 8)))
    """
    _cell_class = SimpleRNNCell


class LSTM(_Layer):
    """Long Short-Term Memory layer (Hochreiter 1997); gates i, f, c, o; states [h, c].

    Args: units, activation ('tanh'), recurrent_activation ('sigmoid'), use_bias,
    unit_forget_bias, initializers / regularizers / constraints, dropout, recurrent_dropout,
    and RNN's arguments (return_sequences, return_state, go_backwards, stateful, unroll).
    Example:
      >>> model.add(keras.layers.LSTM(128, input_shape=(50, 65), return_sequences=True))
    """
    _cell_class = LSTMCell


class GRU(_Layer):
    """Gated Recurrent Unit (Cho et al. 2014); gates z, r, h; TF2's ``reset_after=True``.

    Example:
      >>> model.add(keras.layers.GRU(64, input_shape=(None, 16)))
    """
    _cell_class = GRUCell


class Masking(Layer):
    """Masks the time steps whose features all equal ``mask_value``: they output zeros, and the
    recurrent layers after it skip them (state kept).

    Example:
      >>> model.add(keras.layers.Masking(mask_value=0., input_shape=(10, 8)))
      >>> model.add(keras.layers.LSTM(32))
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        tf = _tf()
        return tf.reduce_any(tf.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        tf = _tf()
        keep = self.compute_mask(inputs)
        out = inputs * tf.cast(tf.expand_dims(keep, -1), inputs.dtype)
        set_mask(out, keep)
        return out

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config


from .wrappers import Bidirectional, TimeDistributed  # noqa: E402,F401
