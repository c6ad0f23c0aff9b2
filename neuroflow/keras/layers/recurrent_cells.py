"""The Keras recurrent cells (``SimpleRNNCell``, ``LSTMCell``, ``GRUCell``, ``StackedRNNCells``)
and the masks that travel beside tensors; the layers running them are in ``recurrent.py``.

Weights are Keras's: ``kernel`` [input, k * units], ``recurrent_kernel`` [units, k * units],
``bias`` [k * units] (GRU with ``reset_after``: [2, 3 * units]), gates LSTM i, f, c, o and GRU
z, r, h. With the default activations a layer runs as one fused op (``ops/rnn_ops.py``) however
long the sequence; other activations and custom cells are stepped in Python. Masks (``Masking``,
``mask=``) keep the state at masked steps and repeat the previous output there (zeros inside
``Bidirectional``); dropout uses one mask per sequence for the inputs and one for the state.
"""
import weakref

import numpy as np

from ...ops import rnn_ops
from .. import _initializers, activations, constraints, regularizers
from . import base
from .base import Layer, shape_tuple

__all__ = ["SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells"]

# a mask travels beside its tensor (Keras keeps it as tensor._keras_mask); keyed by identity
# (tensors compare elementwise), dropped with the tensor
_MASKS = {}


def _get_mask(t):
    e = _MASKS.get(id(t))
    return e[1] if e is not None and e[0]() is t else None


def _set_mask(t, mask):
    if mask is None or t is None:
        return
    k = id(t)
    _MASKS[k] = (weakref.ref(t, lambda _, k=k: _MASKS.pop(k, None)), mask)


# the base layer's, once it keeps masks itself (one registry for every layer)
get_mask = getattr(base, "get_mask", None) or _get_mask
set_mask = getattr(base, "set_mask", None) or _set_mask


def _tf():
    import neuroflow
    return neuroflow


def _last_dim(shape):
    d = shape.as_tuple() if hasattr(shape, "as_tuple") else tuple(shape)
    if d is None or d[-1] is None:
        raise ValueError("The last dimension of the inputs to a recurrent cell should be defined. "
                         "Found `None`.")
    return int(d[-1])


def act_name(fn):
    """The fused kernels' name for a Keras activation ("tanh" ...), None for any other."""
    name = getattr(fn, "__name__", None)
    if name not in rnn_ops._ACTIVATIONS:
        return None
    if activations._BY_NAME.get(name) is fn or \
            (getattr(fn, "__module__", "") or "").startswith("neuroflow"):
        return name
    return None


def _sizes(state_size):
    """A cell's state sizes as a list of ints."""
    if hasattr(state_size, "as_list"):
        state_size = state_size.as_list()
    if isinstance(state_size, (list, tuple)):
        out = []
        for s in state_size:
            out += _sizes(s)
        return out
    return [int(state_size)]


def _zeros_for(x, sizes, time_major, dtype):
    tf = _tf()
    d = shape_tuple(x)
    b = None if d is None else d[1 if time_major else 0]
    if b is None:
        b = tf.shape(x)[1 if time_major else 0]
    return [tf.zeros([b, n], dtype=dtype) for n in sizes]


# ==================================================================== cells
class _Cell(Layer):
    """What the three cells share: weights, dropout masks, the fused sequence path."""
    _k = 1

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, **kwargs):
        self.implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError("Received an invalid value for argument `units`, expected a positive "
                             f"integer, got {units}.")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = _initializers.get(kernel_initializer)
        self.recurrent_initializer = _initializers.get(recurrent_initializer)
        self.bias_initializer = _initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def _bias_shape(self):
        return (self._k * self.units,)

    def _bias_init(self):
        return self.bias_initializer

    def build(self, input_shape):
        n, k = self.units, self._k
        self.kernel = self.add_weight("kernel", (_last_dim(input_shape), k * n),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (n, k * n),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", self._bias_shape(), initializer=self._bias_init(),
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def _b(self):
        tf = _tf()
        return self.bias if self.bias is not None else tf.zeros(self._bias_shape(), self.dtype)

    # ------------------------------------------------------------ dropout masks
    def _in_mask(self, template, training):
        """A dropout mask like ``template`` [batch, depth] (scaled by 1 / keep), or None."""
        if not (training and 0.0 < self.dropout < 1.0):
            return None
        from .. import _ops
        return _ops.dropout(_tf().ones_like(template), self.dropout)

    def _rec_mask(self, h, training):
        if not (training and 0.0 < self.recurrent_dropout < 1.0):
            return None
        from .. import _ops
        return _ops.dropout(_tf().ones_like(h), self.recurrent_dropout)

    def _fusable(self):
        return False

    def _sequence(self, x, states, mask, time_major, reverse, zero_output, training):
        """(outputs, final states) over the whole sequence with the fused op, or None."""
        if not self._fusable():
            return None
        tf = _tf()
        m = self._in_mask(x[0] if time_major else x[:, 0], training)
        if m is not None:
            x = x * tf.expand_dims(m, 0 if time_major else 1)
        kw = dict(mask=mask, mask_kind="mask", time_major=time_major, reverse=reverse,
                  zero_output=zero_output, rmask=self._rec_mask(states[0], training))
        return self._fused(x, states, kw)

    def call(self, inputs, states, training=None):
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        m = self._in_mask(inputs, training)
        x = inputs * m if m is not None else inputs
        rm = self._rec_mask(states[0], training)
        if self._fusable():
            y, new = self._fused(x, states, {"rmask": rm})
            return y, new
        return self._composed(x, states, rm)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        tf = _tf()
        if inputs is not None:
            b = shape_tuple(inputs)[0]
            batch_size = b if b is not None else tf.shape(inputs)[0]
            dtype = dtype or inputs.dtype
        st = [tf.zeros([batch_size, n], dtype=dtype or self.dtype) for n in _sizes(self.state_size)]
        return st if len(st) > 1 else st[0]

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": _initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": _initializers.serialize(self.recurrent_initializer),
            "bias_initializer": _initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout})
        return config


def _h(v, rm):
    return v * rm if rm is not None else v


class SimpleRNNCell(_Cell):
    """Cell of ``SimpleRNN``: ``h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)``.

    Example:
      >>> layer = keras.layers.RNN(keras.layers.SimpleRNNCell(4))
    """

    def _fusable(self):
        return act_name(self.activation) is not None

    def _fused(self, x, states, kw):
        y, h = rnn_ops.simple_rnn_sequence(
            x, self.kernel, self.recurrent_kernel, self._b(), states[0],
            activation=act_name(self.activation), **kw)
        return y, [h]

    def _composed(self, x, states, rm):
        tf = _tf()
        z = tf.matmul(x, self.kernel) + tf.matmul(_h(states[0], rm), self.recurrent_kernel)
        h = self.activation(z + self._b())
        return h, [h]


class LSTMCell(_Cell):
    """Cell of ``LSTM``: gates i, f, c, o in the kernels' columns; states [h, c].

    ``unit_forget_bias`` starts the forget gate's bias at 1.
    Example:
      >>> layer = keras.layers.RNN(keras.layers.LSTMCell(8), return_sequences=True)
    """
    _k = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base_init, n = self.bias_initializer, self.units

        def init(shape, dtype="float32"):
            part = lambda s: _initializers.initial_value(base_init, s, dtype)  # noqa: E731
            return np.concatenate([part((n,)), np.ones(n, dtype), part((2 * n,))])
        return init

    def _fusable(self):
        return act_name(self.activation) == "tanh" and \
            act_name(self.recurrent_activation) == "sigmoid"

    def _fused(self, x, states, kw):
        y, h, c = rnn_ops.lstm_sequence(x, self.kernel, self.recurrent_kernel, self._b(),
                                        states[0], states[1], order="ifco", **kw)
        return y, [h, c]

    def _composed(self, x, states, rm):
        tf = _tf()
        h, c = states[0], states[1]
        z = tf.matmul(x, self.kernel) + tf.matmul(_h(h, rm), self.recurrent_kernel) + self._b()
        i, f, cc, o = tf.split(z, 4, axis=-1)
        ra, a = self.recurrent_activation, self.activation
        c = ra(f) * c + ra(i) * a(cc)
        h = ra(o) * a(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.update({"recurrent_activation": activations.serialize(self.recurrent_activation),
                       "unit_forget_bias": self.unit_forget_bias,
                       "implementation": self.implementation})
        return config


class GRUCell(_Cell):
    """Cell of ``GRU``: gates z, r, h; ``h = z * h_prev + (1 - z) * hh``.

    ``reset_after`` (default, as TF2): ``hh = act(x W_h + b_x + r * (h_prev U_h + b_h))`` with
    bias [2, 3 * units]; otherwise ``hh = act(x W_h + (r * h_prev) U_h + b)``, bias [3 * units].
    Example:
      >>> layer = keras.layers.RNN(keras.layers.GRUCell(8))
    """
    _k = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", reset_after=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _fusable(self):
        return act_name(self.activation) == "tanh" and \
            act_name(self.recurrent_activation) == "sigmoid"

    def _fused(self, x, states, kw):
        y, h = rnn_ops.gru_sequence(x, self.kernel, self.recurrent_kernel, self._b(), states[0],
                                    reset_after=self.reset_after, **kw)
        return y, [h]

    def _composed(self, x, states, rm):
        tf = _tf()
        h = states[0]
        n, ra, a = self.units, self.recurrent_activation, self.activation
        b = self._b()
        hm = _h(h, rm)
        if self.reset_after:
            xw = tf.matmul(x, self.kernel) + b[0]
            hw = tf.matmul(hm, self.recurrent_kernel) + b[1]
            z = ra(xw[:, :n] + hw[:, :n])
            r = ra(xw[:, n:2 * n] + hw[:, n:2 * n])
            hh = a(xw[:, 2 * n:] + r * hw[:, 2 * n:])
        else:
            xw = tf.matmul(x, self.kernel) + b
            hw = tf.matmul(hm, self.recurrent_kernel[:, :2 * n])
            z = ra(xw[:, :n] + hw[:, :n])
            r = ra(xw[:, n:2 * n] + hw[:, n:])
            hh = a(xw[:, 2 * n:] + tf.matmul(r * hm, self.recurrent_kernel[:, 2 * n:]))
        h = z * h + (1 - z) * hh
        return h, [h]

    def get_config(self):
        config = super().get_config()
        config.update({"recurrent_activation": activations.serialize(self.recurrent_activation),
                       "reset_after": self.reset_after, "implementation": self.implementation})
        return config


class StackedRNNCells(Layer):
    """Cells stacked into one: the output of each is the input of the next.

    Example:
      >>> cells = [keras.layers.LSTMCell(16), keras.layers.LSTMCell(8)]
      >>> layer = keras.layers.RNN(keras.layers.StackedRNNCells(cells))
    """

    def __init__(self, cells, **kwargs):
        for c in cells:
            if not hasattr(c, "call") or not hasattr(c, "state_size"):
                raise ValueError("All cells must have a `call` method and a `state_size` "
                                 f"attribute. Received cells: {cells}")
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self):
        return tuple(c.state_size for c in self.cells)

    @property
    def output_size(self):
        c = self.cells[-1]
        return getattr(c, "output_size", _sizes(c.state_size)[0])

    def _all_sublayers(self):
        return list(self.cells)

    def build(self, input_shape, prefix=None):
        from ...core.shape import TensorShape
        d = tuple(input_shape.as_tuple() if hasattr(input_shape, "as_tuple") else input_shape)
        for c in self.cells:
            if isinstance(c, Layer) and not c.built:
                name = c.name
                c.name = (prefix or self.name) + "/" + name
                try:
                    c.build(TensorShape(d))
                finally:
                    c.name = name
                c.built = True
            d = d[:-1] + (getattr(c, "output_size", _sizes(c.state_size)[0]),)
        self.built = True

    def _split(self, states):
        out, at = [], 0
        for c in self.cells:
            n = len(_sizes(c.state_size))
            out.append(list(states[at:at + n]))
            at += n
        return out

    def call(self, inputs, states, training=None):
        flat = list(states)
        new = []
        for c, s in zip(self.cells, self._split(flat)):
            inputs, ns = _call_cell(c, inputs, s, training)
            new += ns
        return inputs, new

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        out = []
        for c in self.cells:
            st = c.get_initial_state(inputs, batch_size, dtype)
            out += list(st) if isinstance(st, (list, tuple)) else [st]
        return out

    def get_config(self):
        from . import serialize
        config = super().get_config()
        config["cells"] = [serialize(c) for c in self.cells]
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from . import deserialize
        config = dict(config)
        cells = [deserialize(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def _call_cell(cell, x, states, training):
    """One step of any cell: (output, list of new states)."""
    kw = {"training": training} if isinstance(cell, Layer) and cell._call_accepts("training") \
        else {}
    out, new = cell.call(x, states, **kw)
    return out, list(new) if isinstance(new, (list, tuple)) else [new]
