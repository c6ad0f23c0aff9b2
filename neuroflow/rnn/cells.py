"""TF1 RNN cells (``tf.nn.rnn_cell`` / ``tf.contrib.rnn``): variables named and laid out as TF's.

A cell is a ``tf.layers`` layer: its variables live in its own scope ("rnn/basic_lstm_cell/kernel",
[input + units, 4 * units], gates i, j, f, o) made on the first call. Besides the one-step
``cell(inputs, state)``, a built-in cell runs a whole sequence as one fused op
(``_run_sequence``, used by ``dynamic_rnn``); a cell that cannot (a custom cell, peepholes,
an activation the kernels do not have) returns None there and ``dynamic_rnn`` unrolls it.
"""
import collections
import contextlib
import re

from .. import layers as _layers
from ..core.graph import get_default_graph
from ..core.op import convert_to_tensor
from ..core.variable_scope import variable_scope
from ..initializers import Constant, Zeros
from ..ops import rnn_ops
from ..ops.array_ops import concat, split
from ..ops.math_ops import add, matmul, multiply
from ..ops.unary_ops import sigmoid, tanh
from . import _nest as nest

# how the fused ops are to treat a sequence: mask (None, a lengths vector or a [B, T] mask),
# its kind ("lengths" / "mask"), layout and direction, and masked outputs zero or carried
SeqSpec = collections.namedtuple("SeqSpec", "mask kind time_major reverse zero_output")
_STEP = SeqSpec(None, None, False, False, True)   # one step: x is [batch, depth]


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """The (c, h) state of an LSTM cell: c the memory cell, h the output."""
    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError("Inconsistent internal state: %s vs %s" % (str(c.dtype), str(h.dtype)))
        return c.dtype


def _act_name(fn):
    """The fused kernels' name for an activation (None when they do not have it)."""
    if fn is None:
        return "tanh"
    if isinstance(fn, str):
        return fn if fn in rnn_ops._ACTIVATIONS else None
    name = getattr(fn, "__name__", None)
    if (getattr(fn, "__module__", "") or "").startswith("neuroflow") and \
            name in rnn_ops._ACTIVATIONS:
        return name
    return None


def _activation(fn):
    """A callable for an activation given as None (tanh), a callable or a name."""
    if fn is None:
        return tanh
    if isinstance(fn, str):
        return _layers._activation(fn) or (lambda v: v)
    return fn


def _snake(name):
    """TF's layer names: "BasicLSTMCell" -> "basic_lstm_cell", "GRUCell" -> "gru_cell"."""
    s = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    s = re.sub("([a-z])([A-Z])", r"\1_\2", s).lower()
    return s if s[0] != "_" else "private" + s


def _depth(cell, shape):
    d = shape.as_tuple()
    if d is None or d[-1] is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {shape}")
    return d[-1]


class RNNCell(_layers.Layer):
    """Abstract object representing an RNN cell (``tf.nn.rnn_cell.RNNCell``).

    Subclasses define ``state_size``, ``output_size``, ``build(inputs_shape)`` and
    ``call(inputs, state) -> (output, new_state)``; ``dynamic_rnn`` then unrolls them.
    Example:
      >>> class Doubler(tf.nn.rnn_cell.RNNCell):
      ...     state_size = output_size = 3
      ...     def call(self, inputs, state):
      ...         return 2 * inputs, state
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)
        if not name:
            self._base_name = _snake(type(self).__name__)

    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    def build(self, inputs_shape):
        self.built = True

    def call(self, inputs, state):
        raise NotImplementedError("Abstract method")

    def __call__(self, inputs, state, scope=None):
        inputs = convert_to_tensor(inputs)
        with self._scoped(inputs, inputs.shape, scope):
            return self.call(inputs, state)

    @contextlib.contextmanager
    def _scoped(self, inputs, step_shape, scope=None):
        """Inside the cell's variable scope (made once, as a tf.layers layer's), built."""
        if self._scope is None and scope is not None:
            with variable_scope(scope) as sc:
                self._scope = sc
        self._set_scope(None)
        reuse = True if self.built else self._reuse
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False):
            with get_default_graph().name_scope(self._scope.original_name_scope):
                if not self.built:
                    if self.dtype is None and inputs.dtype.is_floating:
                        self.dtype = inputs.dtype.name
                    self.build(step_shape)
                    self.built = True
                yield

    # ------------------------------------------------------------ whole sequences
    def _fusable(self):
        return False

    def _run_sequence(self, x, state, spec):
        """(outputs, final state) over x's time axis with one fused op, or None."""
        if not self._fusable():
            return None
        from ..core.shape import TensorShape
        d = x.shape.as_tuple()
        step = TensorShape(None if d is None else (d[1] if spec.time_major else d[0], d[-1]))
        with self._scoped(x, step):
            return self._sequence(x, state, spec)

    def _sequence(self, x, state, spec):
        raise NotImplementedError

    # ------------------------------------------------------------ states
    def zero_state(self, batch_size, dtype):
        """Zeros shaped like the state: [batch_size, size] for each size in ``state_size``."""
        from ..core.graph import name_scope
        from ..ops.fill_ops import zeros
        with name_scope(type(self).__name__ + "ZeroState"):
            return nest.map_structure(lambda s: zeros([batch_size, s], dtype=dtype),
                                      self.state_size)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        if inputs is not None:
            inputs = convert_to_tensor(inputs)
            b = inputs.shape.as_tuple()[0]
            if b is None:
                from ..ops.array_ops import shape
                b = shape(inputs)[0]
            batch_size, dtype = b, dtype or inputs.dtype
        return self.zero_state(batch_size, dtype)


LayerRNNCell = RNNCell


def _fused_kw(spec):
    return dict(mask=spec.mask, mask_kind=spec.kind or "mask", time_major=spec.time_major,
                reverse=spec.reverse, zero_output=spec.zero_output)


class BasicRNNCell(RNNCell):
    """The most basic RNN cell: ``output = new_state = act(W [inputs, state] + b)``.

    Args:
      num_units: the number of units.
      activation: default tanh.
    Example:
      >>> cell = tf.nn.rnn_cell.BasicRNNCell(8)
      >>> outputs, state = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)   # X [batch, time, depth]
    """

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._act = activation

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        n = self._num_units
        self._kernel = self.add_weight("kernel", [_depth(self, inputs_shape) + n, n])
        self._bias = self.add_weight("bias", [n], initializer=Zeros())
        self.built = True

    def _fusable(self):
        return _act_name(self._act) is not None

    def call(self, inputs, state):
        if self._fusable():
            return self._sequence(inputs, state, _STEP)
        out = _activation(self._act)(add(matmul(concat([inputs, state], 1), self._kernel),
                                         self._bias))
        return out, out

    def _sequence(self, x, state, spec):
        D = self._kernel.shape.as_list()[0] - self._num_units
        k = convert_to_tensor(self._kernel)
        y, h = rnn_ops.simple_rnn_sequence(x, k[:D], k[D:], self._bias, state,
                                           activation=_act_name(self._act), **_fused_kw(spec))
        return y, h


class BasicLSTMCell(RNNCell):
    """An LSTM cell: ``c = sigmoid(f + forget_bias) * c + sigmoid(i) * tanh(j)``,
    ``h = sigmoid(o) * tanh(c)``; kernel [input + units, 4 * units] with gates i, j, f, o.

    Args:
      num_units: the number of units.
      forget_bias: added to the forget gate (default 1.0).
      state_is_tuple: the state as ``LSTMStateTuple(c, h)`` (default) or concatenated [c, h].
      activation: default tanh.
    Example:
      >>> cell = tf.contrib.rnn.BasicLSTMCell(num_units=5, state_is_tuple=True)
      >>> outputs, state = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
    """
    _order = "icfo"

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._act = activation

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        n = self._num_units
        self._kernel = self.add_weight("kernel", [_depth(self, inputs_shape) + self._h_depth(),
                                                  4 * n])
        self._bias = self.add_weight("bias", [4 * n], initializer=Zeros())
        self.built = True

    def _h_depth(self):
        return self._num_units

    def _fusable(self):
        return _act_name(self._act) == "tanh"

    def _split_state(self, state):
        if self._state_is_tuple:
            return state
        return split(state, 2, axis=1)

    def _join_state(self, c, h):
        return LSTMStateTuple(c, h) if self._state_is_tuple else concat([c, h], 1)

    def call(self, inputs, state):
        if self._fusable():
            return self._sequence(inputs, state, _STEP)
        c, h = self._split_state(state)
        act = _activation(self._act)
        z = add(matmul(concat([inputs, h], 1), self._kernel), self._bias)
        i, j, f, o = split(z, 4, axis=1)
        new_c = add(multiply(c, sigmoid(add(f, float(self._forget_bias)))),
                    multiply(sigmoid(i), act(j)))
        new_h = multiply(act(new_c), sigmoid(o))
        return new_h, self._join_state(new_c, new_h)

    def _sequence(self, x, state, spec):
        c, h = self._split_state(state)
        D = self._kernel.shape.as_list()[0] - self._h_depth()
        k = convert_to_tensor(self._kernel)
        y, h, c = rnn_ops.lstm_sequence(x, k[:D], k[D:], self._bias, h, c, order=self._order,
                                        forget_bias=self._forget_bias, **_fused_kw(spec))
        return y, self._join_state(c, h)


class LSTMCell(BasicLSTMCell):
    """An LSTM cell with optional peepholes, cell clipping and an output projection.

    Args:
      num_units: the number of units.
      use_peepholes: add diagonal peephole connections (w_f_diag, w_i_diag, w_o_diag).
      cell_clip: clip the cell state to [-cell_clip, cell_clip].
      initializer: the kernels' initializer (default: the scope's, glorot_uniform).
      num_proj: project the output to this size ("projection/kernel").
      proj_clip: clip the projection to [-proj_clip, proj_clip].
      forget_bias: added to the forget gate (default 1.0).
      state_is_tuple, activation: as BasicLSTMCell.
    Example:
      >>> cell = tf.nn.rnn_cell.LSTMCell(64, use_peepholes=True, num_proj=32)
    """

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None, **kwargs):
        super().__init__(num_units, forget_bias=forget_bias, state_is_tuple=state_is_tuple,
                         activation=activation, reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._use_peepholes, self._cell_clip = use_peepholes, cell_clip
        self._initializer, self._num_proj, self._proj_clip = initializer, num_proj, proj_clip

    @property
    def state_size(self):
        n, p = self._num_units, self._num_proj or self._num_units
        return LSTMStateTuple(n, p) if self._state_is_tuple else n + p

    @property
    def output_size(self):
        return self._num_proj or self._num_units

    def _h_depth(self):
        return self._num_proj or self._num_units

    def build(self, inputs_shape):
        n, init = self._num_units, self._initializer
        self._kernel = self.add_weight("kernel", [_depth(self, inputs_shape) + self._h_depth(),
                                                  4 * n], initializer=init)
        self._bias = self.add_weight("bias", [4 * n], initializer=Zeros())
        if self._use_peepholes:
            self._w_f_diag = self.add_weight("w_f_diag", [n], initializer=init)
            self._w_i_diag = self.add_weight("w_i_diag", [n], initializer=init)
            self._w_o_diag = self.add_weight("w_o_diag", [n], initializer=init)
        if self._num_proj is not None:
            self._proj_kernel = self.add_weight("projection/kernel", [n, self._num_proj],
                                                initializer=init)
        self.built = True

    def _fusable(self):
        return super()._fusable() and not self._use_peepholes and self._cell_clip is None \
            and self._num_proj is None

    def _split_state(self, state):
        if self._state_is_tuple:
            return state
        from ..ops.array_ops import slice as _slice
        n = self._num_units
        return _slice(state, [0, 0], [-1, n]), _slice(state, [0, n], [-1, self._h_depth()])

    def call(self, inputs, state):
        if self._fusable():
            return self._sequence(inputs, state, _STEP)
        from ..ops.clip_ops import clip_by_value
        c_prev, m_prev = self._split_state(state)
        act = _activation(self._act)
        z = add(matmul(concat([inputs, m_prev], 1), self._kernel), self._bias)
        i, j, f, o = split(z, 4, axis=1)
        fb = float(self._forget_bias)
        if self._use_peepholes:
            c = sigmoid(f + fb + self._w_f_diag * c_prev) * c_prev + \
                sigmoid(i + self._w_i_diag * c_prev) * act(j)
        else:
            c = sigmoid(f + fb) * c_prev + sigmoid(i) * act(j)
        if self._cell_clip is not None:
            c = clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * act(c)
        else:
            m = sigmoid(o) * act(c)
        if self._num_proj is not None:
            m = matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = clip_by_value(m, -self._proj_clip, self._proj_clip)
        return m, self._join_state(c, m)


class GRUCell(RNNCell):
    """A gated recurrent unit (Cho et al. 2014): ``h = u * h_prev + (1 - u) * c`` with
    ``r, u = sigmoid(W_g [x, h] + b_g)`` ("gates/kernel", bias 1.0) and
    ``c = tanh(W_c [x, r * h] + b_c)`` ("candidate/kernel").

    Example:
      >>> cell = tf.nn.rnn_cell.GRUCell(16)
      >>> outputs, state = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
    """

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._act = activation
        self._kernel_initializer, self._bias_initializer = kernel_initializer, bias_initializer

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        n, ki, bi = self._num_units, self._kernel_initializer, self._bias_initializer
        d = _depth(self, inputs_shape) + n
        self._gate_kernel = self.add_weight("gates/kernel", [d, 2 * n], initializer=ki)
        self._gate_bias = self.add_weight("gates/bias", [2 * n],
                                          initializer=bi if bi is not None else Constant(1.0))
        self._candidate_kernel = self.add_weight("candidate/kernel", [d, n], initializer=ki)
        self._candidate_bias = self.add_weight("candidate/bias", [n],
                                               initializer=bi if bi is not None else Zeros())
        self.built = True

    def _fusable(self):
        return _act_name(self._act) == "tanh"

    def call(self, inputs, state):
        if self._fusable():
            return self._sequence(inputs, state, _STEP)
        g = sigmoid(add(matmul(concat([inputs, state], 1), self._gate_kernel), self._gate_bias))
        r, u = split(g, 2, axis=1)
        c = _activation(self._act)(add(matmul(concat([inputs, r * state], 1),
                                              self._candidate_kernel), self._candidate_bias))
        h = u * state + (1 - u) * c
        return h, h

    def _sequence(self, x, state, spec):
        # the fused kernel's gates are (z, r, candidate) with z = TF's u
        n = self._num_units
        gk, ck = convert_to_tensor(self._gate_kernel), convert_to_tensor(self._candidate_kernel)
        gb = convert_to_tensor(self._gate_bias)
        D = gk.shape.as_list()[0] - n
        Wx = concat([gk[:D, n:], gk[:D, :n], ck[:D]], 1)
        Wh = concat([gk[D:, n:], gk[D:, :n], ck[D:]], 1)
        b = concat([gb[n:], gb[:n], self._candidate_bias], 0)
        y, h = rnn_ops.gru_sequence(x, Wx, Wh, b, state, reset_after=False, **_fused_kw(spec))
        return y, h
