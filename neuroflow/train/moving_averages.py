"""``tf.train.ExponentialMovingAverage`` (TF1): shadow copies that trail variables or tensors.

``apply(var_list)`` creates, for each variable, a non-trainable shadow variable named
``<var>/ExponentialMovingAverage`` that starts at the variable's initial value (tensors' shadows
start at zero) and returns one op that updates every shadow by
``shadow -= (1 - decay) * (shadow - value)``; with ``num_updates`` the decay is
``min(decay, (1 + num_updates) / (10 + num_updates))``. ``average(var)`` gives the shadow and
``variables_to_restore()`` maps checkpoint names to variables so a Saver restores the averages.
With ``zero_debias=True`` a tensor's shadow (which starts at zero) is debiased as TF does: a
``<shadow>/biased`` variable takes the update and the shadow is ``biased / (1 - decay^steps)``,
steps counted in ``<shadow>/local_step`` (variables' shadows start at their value and need none).
"""
from ..core import dtypes
from ..core.graph import GraphKeys, add_to_collection, get_default_graph, name_scope
from ..core.op import convert_to_tensor


def _name_of(var):
    return var.op.name


class ExponentialMovingAverage:
    """Moving averages of variables or tensors (``tf.train.ExponentialMovingAverage``).

    Example:
      >>> ema = tf.train.ExponentialMovingAverage(decay=0.99)
      >>> with tf.control_dependencies([train_op]):
      ...     train_op = ema.apply(tf.trainable_variables())
      >>> w_avg = ema.average(w)
    """

    def __init__(self, decay, num_updates=None, zero_debias=False,
                 name="ExponentialMovingAverage"):
        self._decay, self._num_updates, self._name = decay, num_updates, name
        self._zero_debias = zero_debias
        self._averages = {}
        self._debias = {}   # id(shadow) -> (biased, local_step), for tensors with zero_debias

    @property
    def name(self):
        return self._name

    def apply(self, var_list=None):
        """Creates the shadows (once per variable) and returns the op that updates them all."""
        import neuroflow as tf
        from ..core.variables import trainable_variables
        if var_list is None:
            var_list = trainable_variables()
        for v in var_list:
            dt = v.dtype.base_dtype if hasattr(v.dtype, "base_dtype") else v.dtype
            if dt not in (dtypes.float16, dtypes.float32, dtypes.float64):
                raise TypeError("The variables must be half, float, or double: %s" % v.name)
            if id(v) in self._averages:
                raise ValueError("Moving average already computed for: %s" % v.name)
        # the shadows are made outside any control_dependencies block, as TF's init_scope does
        with get_default_graph().control_dependencies(None), name_scope(None):
            for v in var_list:
                if getattr(v, "_is_variable", False):
                    init = v.initialized_value()
                    add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, v)
                else:
                    v = convert_to_tensor(v)
                    init = tf.zeros(v.shape.as_list(), v.dtype)
                avg = tf.Variable(init, trainable=False,
                                  name=_name_of(v) + "/" + self._name)
                self._averages[id(v)] = (v, avg)
                if self._zero_debias and not getattr(v, "_is_variable", False):
                    base = avg.op.name + "/"
                    self._debias[id(avg)] = (
                        tf.Variable(tf.zeros(v.shape.as_list(), v.dtype), trainable=False,
                                    name=base + "biased"),
                        tf.Variable(tf.zeros([], v.dtype), trainable=False,
                                    name=base + "local_step"))
        with name_scope(self._name):
            decay = convert_to_tensor(self._decay, dtype=dtypes.float32, name="decay")
            if self._num_updates is not None:
                n = tf.cast(self._num_updates, dtypes.float32)
                decay = tf.minimum(decay, (1.0 + n) / (10.0 + n))
            updates = []
            for v in var_list:
                var, avg = self._averages[id(v) if id(v) in self._averages else
                                          id(convert_to_tensor(v))]
                one_minus = tf.cast(1.0 - decay, avg.dtype)
                debias = self._debias.get(id(avg))
                if debias is None:
                    updates.append(tf.assign_sub(avg, (avg - var) * one_minus))
                    continue
                biased, local_step = debias
                new_biased = tf.assign_sub(biased, (biased - var) * one_minus)
                steps = tf.assign_add(local_step, tf.ones([], avg.dtype))
                factor = 1.0 - tf.pow(tf.cast(decay, avg.dtype), steps)
                updates.append(tf.assign(avg, new_biased / factor))
            return tf.group(*updates, name=self._name)

    def average(self, var):
        """The shadow variable of ``var`` (None if ``apply`` did not see it)."""
        entry = self._averages.get(id(var))
        return None if entry is None else entry[1]

    def average_name(self, var):
        """The name the shadow of ``var`` has (and has in checkpoints)."""
        return _name_of(var) + "/" + self._name

    def variables_to_restore(self, moving_avg_variables=None):
        """{checkpoint name: variable}: averaged variables restore from their shadows."""
        from ..core.variables import global_variables, moving_average_variables
        if moving_avg_variables is None:
            moving_avg_variables = moving_average_variables() + [
                v for v in global_variables() if v.trainable]
        averaged = {id(v) for v in moving_avg_variables}
        shadows = {id(e[1]) for e in self._averages.values()}
        out = {}
        for v in global_variables():
            if id(v) in shadows:
                continue
            out[self.average_name(v) if id(v) in averaged else _name_of(v)] = v
        return out


__all__ = ["ExponentialMovingAverage"]
