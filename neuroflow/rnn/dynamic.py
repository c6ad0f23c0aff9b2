"""``tf.nn.dynamic_rnn`` and friends: a cell run over the time axis of a batch of sequences.

A built-in cell (and stacks and wrappers of them) runs as one fused op per layer however many
steps there are; any other cell is unrolled with one ``cell(x_t, state)`` per step. With
``sequence_length``, steps past a sequence's length output zeros and keep its state, so the final
state is the one at each sequence's last step. Variables live under "rnn/" (dynamic_rnn and
static_rnn) or "bidirectional_rnn/fw", "bidirectional_rnn/bw", as TF's.
"""
from ..core.op import convert_to_tensor
from ..core.variable_scope import variable_scope
from ..ops.array_ops import concat, shape, stack, unstack
from ..ops.math_ops import cast
from . import _loop, _nest as nest
from .cells import SeqSpec


def _check_cell(cell, what="cell"):
    if not (hasattr(cell, "state_size") and hasattr(cell, "output_size") and callable(cell)):
        raise TypeError(f"{what} must be an instance of RNNCell, saw: {type(cell).__name__}")


def _lengths(sequence_length):
    if sequence_length is None:
        return None
    n = convert_to_tensor(sequence_length)
    if not n.dtype.is_integer:
        n = cast(n, "int32")
    d = n.shape.as_tuple()
    if d is not None and len(d) != 1:
        raise ValueError("sequence_length must be a vector of length batch_size, but saw shape: "
                         f"{n.shape}")
    return n


def _initial(cell, x, initial_state, dtype, time_major):
    if initial_state is not None:
        return initial_state
    if not dtype:
        raise ValueError("If there is no initial_state, you must give a dtype.")
    d = x.shape.as_tuple()
    b = None if d is None else d[1 if time_major else 0]
    if b is None:
        b = shape(x)[1 if time_major else 0]
    return cell.zero_state(b, dtype)


def _inputs(inputs, time_major):
    if nest.is_sequence(inputs):
        raise NotImplementedError("Nested inputs to dynamic_rnn are not supported by neuroflow "
                                  "yet; concatenate them along the depth axis.")
    x = convert_to_tensor(inputs)
    d = x.shape.as_tuple()
    if d is not None and len(d) != 3:
        raise ValueError(f"Expected input tensor {x.name} to have rank 3 ([batch, time, depth]"
                         f"{' time-major' if time_major else ''}), but saw shape: {x.shape}")
    if d is not None and d[-1] is None:
        raise ValueError("Input size (depth of inputs) must be accessible via shape inference, "
                         "but saw value None.")
    return x


def _dynamic(cell, inputs, sequence_length, initial_state, dtype, time_major, scope, reverse,
             default_scope="rnn"):
    _check_cell(cell)
    with variable_scope(scope or default_scope):
        x = _inputs(inputs, time_major)
        n = _lengths(sequence_length)
        state = _initial(cell, x, initial_state, dtype, time_major)
        spec = SeqSpec(n, "lengths" if n is not None else None, time_major, reverse, True)
        return _loop.run(cell, x, state, spec)


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """Runs ``cell`` over the time axis of ``inputs`` (``tf.nn.dynamic_rnn``).

    Args:
      cell: an RNNCell (BasicRNNCell, BasicLSTMCell, GRUCell, MultiRNNCell, a wrapper ...).
      inputs: [batch, time, depth] (``time_major``: [time, batch, depth]).
      sequence_length: int [batch]: steps past it output zeros and keep the state.
      initial_state: the cell's initial state (default: zeros, then ``dtype`` is needed).
      dtype: the state's dtype when no initial_state is given.
      time_major: the layout of inputs and outputs.
      scope: the variable scope (default "rnn").
    Returns:
      (outputs [batch, time, output_size], final state).
    Example:
      >>> cell = tf.contrib.rnn.BasicLSTMCell(num_units=5)
      >>> outputs, state = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
    """
    return _dynamic(cell, inputs, sequence_length, initial_state, dtype, time_major, scope, False)


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """A forward and a backward RNN over the same inputs (``tf.nn.bidirectional_dynamic_rnn``).

    The backward cell reads each sequence from its last valid step (``sequence_length``) to
    its first; its outputs are given back in input order.
    Returns:
      ((output_fw, output_bw), (output_state_fw, output_state_bw)).
    Example:
      >>> (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(fw_cell, bw_cell, X, dtype=tf.float32)
      >>> outputs = tf.concat([fw, bw], 2)
    """
    _check_cell(cell_fw, "cell_fw")
    _check_cell(cell_bw, "cell_bw")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, st_fw = _dynamic(cell_fw, inputs, sequence_length, initial_state_fw, dtype,
                                     time_major, fw_scope, False)
        with variable_scope("bw") as bw_scope:
            out_bw, st_bw = _dynamic(cell_bw, inputs, sequence_length, initial_state_bw, dtype,
                                     time_major, bw_scope, True)
    return (out_fw, out_bw), (st_fw, st_bw)


def _static(cell, inputs, initial_state, dtype, sequence_length, reverse):
    if not nest.is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    xs = [convert_to_tensor(x) for x in inputs]
    x = stack(xs, axis=0)
    n = _lengths(sequence_length)
    state = _initial(cell, x, initial_state, dtype, True)
    spec = SeqSpec(n, "lengths" if n is not None else None, True, reverse, True)
    y, state = _loop.run(cell, x, state, spec)
    return unstack(y, num=len(xs), axis=0), state


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """Runs ``cell`` over a Python list of [batch, depth] inputs (``tf.nn.static_rnn``).

    Returns:
      (outputs: a list with one [batch, output_size] tensor per input, final state).
    Example:
      >>> xs = tf.unstack(X, 28, 1)
      >>> outputs, state = tf.contrib.rnn.static_rnn(cell, xs, dtype=tf.float32)
    """
    _check_cell(cell)
    with variable_scope(scope or "rnn"):
        return _static(cell, inputs, initial_state, dtype, sequence_length, False)


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None, scope=None):
    """Forward and backward RNNs over a list of inputs (``tf.nn.static_bidirectional_rnn``).

    Returns:
      (outputs: [concat(fw_t, bw_t)] per step, output_state_fw, output_state_bw).
    """
    _check_cell(cell_fw, "cell_fw")
    _check_cell(cell_bw, "cell_bw")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw"):
            out_fw, st_fw = _static(cell_fw, inputs, initial_state_fw, dtype, sequence_length,
                                    False)
        with variable_scope("bw"):
            out_bw, st_bw = _static(cell_bw, inputs, initial_state_bw, dtype, sequence_length,
                                    True)
    return [concat([f, b], 1) for f, b in zip(out_fw, out_bw)], st_fw, st_bw


def _stack_bidirectional(cells_fw, cells_bw, inputs, initial_states_fw, initial_states_bw, scope,
                         layer):
    """Runs ``layer(fw, bw, below, state_fw, state_bw) -> (outputs, state_fw, state_bw)`` for each
    pair of cells in scope "cell_<i>", each reading the outputs of the one below."""
    if not cells_fw or not cells_bw:
        raise ValueError("Must specify at least one fw cell / bw cell for BidirectionalRNN.")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    states_fw, states_bw = [], []
    prev = inputs
    with variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (fw, bw) in enumerate(zip(cells_fw, cells_bw)):
            s_fw = initial_states_fw[i] if initial_states_fw else None
            s_bw = initial_states_bw[i] if initial_states_bw else None
            with variable_scope("cell_%d" % i):
                prev, f, b = layer(fw, bw, prev, s_fw, s_bw)
            states_fw.append(f)
            states_bw.append(b)
    return prev, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                                    initial_states_bw=None, dtype=None, sequence_length=None,
                                    parallel_iterations=None, time_major=False, scope=None,
                                    swap_memory=False):
    """Bidirectional layers stacked, each reading the concatenated outputs of the one below
    (``tf.contrib.rnn.stack_bidirectional_dynamic_rnn``).

    Returns:
      (outputs [batch, time, 2 * units], output_states_fw, output_states_bw).
    """
    def layer(fw, bw, below, s_fw, s_bw):
        (o_fw, o_bw), (f, b) = bidirectional_dynamic_rnn(
            fw, bw, below, sequence_length=sequence_length, initial_state_fw=s_fw,
            initial_state_bw=s_bw, dtype=dtype, time_major=time_major)
        return concat([o_fw, o_bw], 2), f, b
    return _stack_bidirectional(cells_fw, cells_bw, inputs, initial_states_fw, initial_states_bw,
                                scope, layer)


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                            initial_states_bw=None, dtype=None, sequence_length=None, scope=None):
    """``stack_bidirectional_dynamic_rnn`` over a list of [batch, depth] inputs."""
    def layer(fw, bw, below, s_fw, s_bw):
        return static_bidirectional_rnn(fw, bw, below, s_fw, s_bw, dtype, sequence_length)
    return _stack_bidirectional(cells_fw, cells_bw, inputs, initial_states_fw, initial_states_bw,
                                scope, layer)
