"""Cells made of cells: MultiRNNCell and the wrappers (dropout, residual, projection, device).

Over a whole sequence each runs its inner cells layer by layer (fused where they can be) and
applies its own part to the whole sequence at once: the same result as stepping, in a few ops.
"""
import numbers

from ..core.op import convert_to_tensor
from ..core.variable_scope import variable_scope
from ..initializers import Zeros
from ..ops.math_ops import add, matmul
from . import _loop, _nest as nest
from .cells import RNNCell, _activation


class MultiRNNCell(RNNCell):
    """Stacked cells: the output of cell i is the input of cell i + 1 ("cell_0", "cell_1" ...).

    Example:
      >>> cells = [tf.contrib.rnn.BasicLSTMCell(32) for _ in range(2)]
      >>> stacked = tf.contrib.rnn.MultiRNNCell(cells, state_is_tuple=True)
    """

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not nest.is_sequence(cells):
            raise TypeError("cells must be a list or tuple, but saw: %s." % (cells,))
        if len(set(id(c) for c in cells)) < len(cells):
            import warnings
            warnings.warn("At least two cells provided to MultiRNNCell are the same object and "
                          "will share weights.")
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(nest.is_sequence(c.state_size) for c in self._cells):
            raise ValueError("Some cells return tuples of states, but the flag state_is_tuple is "
                             "not set.  State sizes are: %s" % [c.state_size for c in self._cells])

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(c.state_size for c in self._cells)
        return sum(c.state_size for c in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    def zero_state(self, batch_size, dtype):
        if self._state_is_tuple:
            return tuple(c.zero_state(batch_size, dtype) for c in self._cells)
        return super().zero_state(batch_size, dtype)

    def _states(self, state):
        if self._state_is_tuple:
            if not nest.is_sequence(state) or len(state) != len(self._cells):
                raise ValueError("Expected state to be a tuple of length %d, but received: %s"
                                 % (len(self._cells), state))
            return list(state)
        from ..ops.array_ops import slice as _slice
        out, at = [], 0
        for c in self._cells:
            out.append(_slice(state, [0, at], [-1, c.state_size]))
            at += c.state_size
        return out

    def _pack(self, states):
        if self._state_is_tuple:
            return tuple(states)
        from ..ops.array_ops import concat
        return concat(states, 1)

    def build(self, inputs_shape):
        self.built = True

    def call(self, inputs, state):
        cur, new = inputs, []
        for i, (cell, s) in enumerate(zip(self._cells, self._states(state))):
            with variable_scope("cell_%d" % i):
                cur, ns = cell(cur, s)
            new.append(ns)
        return cur, self._pack(new)

    def _fusable(self):
        return True   # layer by layer: each cell fused or unrolled

    def _sequence(self, x, state, spec):
        cur, new = x, []
        for i, (cell, s) in enumerate(zip(self._cells, self._states(state))):
            with variable_scope("cell_%d" % i):
                cur, ns = _loop.run(cell, cur, s, spec)
            new.append(ns)
        return cur, self._pack(new)


class _Wrapper(RNNCell):
    """A cell around a cell, with no variable scope of its own."""

    def __init__(self, cell):
        super().__init__()
        if not callable(cell) or not hasattr(cell, "state_size"):
            raise TypeError("The parameter cell is not a RNNCell.")
        self._cell = cell

    @property
    def wrapped_cell(self):
        return self._cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        return self._cell.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        return self._step(convert_to_tensor(inputs), state, scope)

    def _run_sequence(self, x, state, spec):
        return self._whole(x, state, spec)

    def _whole(self, x, state, spec):
        return None


class DeviceWrapper(_Wrapper):
    """Runs the cell on a device (accepted; neuroflow runs everything where its arrays are)."""

    def __init__(self, cell, device):
        super().__init__(cell)
        self._device = device

    def _step(self, x, state, scope):
        return self._cell(x, state, scope=scope)

    def _whole(self, x, state, spec):
        return _loop.run(self._cell, x, state, spec)


def _is_one(p):
    return isinstance(p, numbers.Real) and float(p) == 1.0


class DropoutWrapper(_Wrapper):
    """Dropout on the inputs, outputs and state of a cell (keep probabilities, may be fed).

    Args:
      cell: the cell.
      input_keep_prob, output_keep_prob, state_keep_prob: floats or scalar tensors in (0, 1].
      variational_recurrent: the same dropout mask at every time step.
      input_size: accepted (shapes are known here).
      seed: an op seed.
      dropout_state_filter_visitor: which state parts to drop (default: all but an LSTM's c).
    Example:
      >>> cell = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(64),
      ...                                      output_keep_prob=keep_prob)
    """

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        super().__init__(cell)
        for what, p in (("input_keep_prob", input_keep_prob),
                        ("output_keep_prob", output_keep_prob),
                        ("state_keep_prob", state_keep_prob)):
            if isinstance(p, numbers.Real) and not 0 < float(p) <= 1:
                raise ValueError("Parameter %s must be between 0 and 1: %s" % (what, p))
        self._input_keep_prob, self._output_keep_prob = input_keep_prob, output_keep_prob
        self._state_keep_prob = state_keep_prob
        self._variational = variational_recurrent
        self._seed = seed
        self._filter = dropout_state_filter_visitor
        self._state_noise = None

    def _drop(self, v, keep, noise_shape=None, salt=0):
        from ..nn import dropout
        seed = None if self._seed is None else self._seed + salt
        return dropout(v, keep_prob=keep, noise_shape=noise_shape, seed=seed)

    def _keep_state(self, s):
        from .cells import LSTMStateTuple
        if self._filter is not None:
            return self._filter(s)
        return not isinstance(s, LSTMStateTuple)

    def _drop_state(self, state):
        from .cells import LSTMStateTuple

        def visit(s):
            if isinstance(s, LSTMStateTuple) and self._filter is None:
                return LSTMStateTuple(s.c, self._drop(s.h, self._state_keep_prob, salt=2))
            if nest.is_sequence(s):
                parts = [visit(p) for p in s]
                return type(s)(*parts) if hasattr(s, "_fields") else type(s)(parts)
            if self._filter is not None and not self._filter(s):
                return s
            return self._drop(s, self._state_keep_prob, salt=2)
        return visit(state)

    def _step(self, x, state, scope):
        if not _is_one(self._input_keep_prob):
            x = self._drop(x, self._input_keep_prob, salt=0)
        out, new = self._cell(x, state, scope=scope)
        if not _is_one(self._state_keep_prob):
            new = self._drop_state(new)
        if not _is_one(self._output_keep_prob):
            out = self._drop(out, self._output_keep_prob, salt=1)
        return out, new

    def _whole(self, x, state, spec):
        if not _is_one(self._state_keep_prob):
            return None   # dropped between steps: unrolled
        noise = None
        if self._variational:  # one mask per sequence: broadcast along time
            from ..ops.array_ops import shape, stack
            s = shape(x)
            noise = stack([1, s[1], s[2]]) if spec.time_major else stack([s[0], 1, s[2]])
        if not _is_one(self._input_keep_prob):
            x = self._drop(x, self._input_keep_prob, noise, salt=0)
        y, new = _loop.run(self._cell, x, state, spec)
        if not _is_one(self._output_keep_prob):
            if noise is not None:
                from ..ops.array_ops import shape, stack
                s = shape(y)
                noise = stack([1, s[1], s[2]]) if spec.time_major else stack([s[0], 1, s[2]])
            y = self._drop(y, self._output_keep_prob, noise, salt=1)
        return y, new


class ResidualWrapper(_Wrapper):
    """The cell's output plus its input (``residual_fn(inputs, outputs)`` when given)."""

    def __init__(self, cell, residual_fn=None):
        super().__init__(cell)
        self._residual_fn = residual_fn

    def _res(self, x, y):
        return self._residual_fn(x, y) if self._residual_fn is not None else add(x, y)

    def _step(self, x, state, scope):
        out, new = self._cell(x, state, scope=scope)
        return self._res(x, out), new

    def _whole(self, x, state, spec):
        y, new = _loop.run(self._cell, x, state, spec)
        y = self._res(x, y)
        m = _loop.seq_mask(spec, x) if spec.zero_output else None
        return (y if m is None else y * m), new


class OutputProjectionWrapper(RNNCell):
    """The cell's output through a dense layer ("kernel", "bias" in its scope) to output_size."""

    def __init__(self, cell, output_size, activation=None, reuse=None):
        super().__init__(_reuse=reuse)
        if output_size < 1:
            raise ValueError("Parameter output_size must be > 0: %d." % output_size)
        self._cell, self._output_size, self._act = cell, int(output_size), activation

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._output_size

    def zero_state(self, batch_size, dtype):
        return self._cell.zero_state(batch_size, dtype)

    def build(self, inputs_shape):
        self.built = True

    def _project(self, y):
        from ..core.variable_scope import get_variable
        d = y.shape.as_tuple()
        w = get_variable("kernel", [d[-1], self._output_size], dtype=y.dtype)
        b = get_variable("bias", [self._output_size], dtype=y.dtype, initializer=Zeros())
        if len(d) == 2:
            out = add(matmul(y, w), b)
        else:
            from ..ops.linalg_ops import tensordot
            out = add(tensordot(y, w, [[len(d) - 1], [0]]), b)
        return _activation(self._act)(out) if self._act is not None else out

    def call(self, inputs, state):
        out, new = self._cell(inputs, state)
        return self._project(out), new

    def _fusable(self):
        return True

    def _sequence(self, x, state, spec):
        y, new = _loop.run(self._cell, x, state, spec)
        y = self._project(y)
        m = _loop.seq_mask(spec, x) if spec.zero_output else None
        return (y if m is None else y * m), new
