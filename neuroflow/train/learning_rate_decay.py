"""Learning-rate schedules on ``global_step`` (``tf.train.exponential_decay`` ...), as in TF1.

Each schedule is a small graph of ops that reads ``global_step``, so in a Session it is evaluated
afresh on every run (after ``minimize(..., global_step=)`` increments the step). Built eagerly,
the result also carries a recompute function: an optimizer running eagerly re-reads the schedule
at every ``apply_gradients``, as TF1's eager schedules (which are callables) do.
"""
import math

from ..core import context
from ..core.graph import name_scope
from ..core.op import convert_to_tensor
from ..ops import math_ops as M

__all__ = ["exponential_decay", "inverse_time_decay", "natural_exp_decay", "piecewise_constant",
           "polynomial_decay", "cosine_decay", "cosine_decay_restarts", "linear_cosine_decay",
           "noisy_linear_cosine_decay"]


def _start(name, learning_rate, global_step):
    if global_step is None:
        raise ValueError("global_step is required for %s." % name)
    lr = convert_to_tensor(learning_rate, name="learning_rate")
    return lr, M.cast(global_step, lr.dtype)


def _cast(x, dtype):
    """Tensors and variables are cast to ``dtype``; Python numbers take it when used in an op."""
    if hasattr(x, "dtype") and (hasattr(x, "op") or hasattr(x, "_as_tensor")):
        return M.cast(x, dtype)
    return x


def _one_minus(a):
    return M.subtract(1.0, a) if hasattr(a, "dtype") else 1.0 - a


def _finish(t):
    """Lets an eagerly built schedule be recomputed from the current variable values."""
    if t._value is not None and context.executing_eagerly():
        from ..core.executor import Plan
        from ..core.op import _eager_ctx
        plan = []

        def recompute():
            if not plan:
                plan.append(Plan([t], [], _eager_ctx()))
            return plan[0]()[0]
        t.op._recompute = recompute
    return t


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * decay_rate ^ (global_step / decay_steps) (``tf.train.exponential_decay``).

    Args:
      learning_rate: the initial learning rate (Python float or scalar Tensor).
      global_step: the step (a Variable incremented by ``minimize(..., global_step=)``).
      decay_steps: how many steps one factor of ``decay_rate`` takes.
      decay_rate: the decay factor.
      staircase: decay in whole steps: floor(global_step / decay_steps).
    Returns:
      A scalar Tensor of learning_rate's dtype.
    Example:
      >>> lr = tf.train.exponential_decay(0.1, global_step, 100, 0.96, staircase=True)
    """
    with name_scope(name, "ExponentialDecay"):
        lr, step = _start("exponential_decay", learning_rate, global_step)
        p = M.divide(step, _cast(decay_steps, lr.dtype))
        if staircase:
            p = M.floor(p)
        return _finish(M.multiply(lr, M.pow(_cast(decay_rate, lr.dtype), p)))


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                      name=None):
    """learning_rate * exp(-decay_rate * global_step / decay_steps)
    (``tf.train.natural_exp_decay``)."""
    with name_scope(name, "NaturalExpDecay"):
        lr, step = _start("natural_exp_decay", learning_rate, global_step)
        rate = convert_to_tensor(_cast(decay_rate, lr.dtype), dtype_hint=lr.dtype)
        rate = M.exp(M.negative(rate))
        p = M.divide(step, _cast(decay_steps, lr.dtype))
        if staircase:
            p = M.floor(p)
        return _finish(M.multiply(lr, M.pow(rate, p)))


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False,
                       name=None):
    """learning_rate / (1 + decay_rate * global_step / decay_steps)
    (``tf.train.inverse_time_decay``)."""
    with name_scope(name, "InverseTimeDecay"):
        lr, step = _start("inverse_time_decay", learning_rate, global_step)
        p = M.divide(step, _cast(decay_steps, lr.dtype))
        if staircase:
            p = M.floor(p)
        denom = M.add(1, M.multiply(_cast(decay_rate, lr.dtype), p))
        return _finish(M.divide(lr, denom))


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0,
                     cycle=False, name=None):
    """(lr - end) * (1 - step / decay_steps) ^ power + end (``tf.train.polynomial_decay``).

    The step stops at ``decay_steps``; with ``cycle`` decay_steps grows to the first multiple of
    itself that is at least the step.
    """
    with name_scope(name, "PolynomialDecay"):
        lr, step = _start("polynomial_decay", learning_rate, global_step)
        steps = convert_to_tensor(_cast(decay_steps, lr.dtype), dtype_hint=lr.dtype)
        end = _cast(end_learning_rate, lr.dtype)
        if cycle:
            # the first multiple of decay_steps not below the step; 1 at step 0
            steps = M.multiply(steps, M.maximum(M.ceil(M.divide(step, steps)), 1))
        else:
            step = M.minimum(step, steps)
        p = M.divide(step, steps)
        poly = M.pow(M.subtract(1, p), _cast(power, lr.dtype))
        return _finish(M.add(M.multiply(M.subtract(lr, end), poly), end))


def piecewise_constant(x, boundaries, values, name=None):
    """values[i] where boundaries[i-1] < x <= boundaries[i] (``tf.train.piecewise_constant``).

    Example:
      >>> lr = tf.train.piecewise_constant(global_step, [100000, 110000], [1.0, 0.5, 0.1])
    """
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with name_scope(name, "PiecewiseConstant"):
        x = convert_to_tensor(x)
        vals = [convert_to_tensor(v) for v in values]
        for v in vals[1:]:
            if v.dtype is not vals[0].dtype:
                raise ValueError("Values must have elements all with the same dtype (%s vs %s)."
                                 % (vals[0].dtype.name, v.dtype.name))
        bounds = []
        for b in boundaries:
            b = convert_to_tensor(b, dtype_hint=x.dtype)
            if b.dtype is not x.dtype:
                if x.dtype.is_integer and b.dtype.is_integer:
                    b = M.cast(b, x.dtype)
                else:
                    raise ValueError("Boundaries (%s) must have the same dtype as x (%s)."
                                     % (b.dtype.name, x.dtype.name))
            bounds.append(b)
        out = vals[-1]
        for b, v in zip(reversed(bounds), reversed(vals[:-1])):
            out = M.where(M.less_equal(x, b), v, out)
        return _finish(out)


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)
    (``tf.train.cosine_decay``)."""
    with name_scope(name, "CosineDecay"):
        lr, step = _start("cosine_decay", learning_rate, global_step)
        steps = _cast(decay_steps, lr.dtype)
        frac = M.divide(M.minimum(step, steps), steps)
        cosine = M.multiply(0.5, M.add(1, M.cos(M.multiply(math.pi, frac))))
        return _finish(M.multiply(lr, M.add(M.multiply(_one_minus(alpha), cosine), alpha)))


def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0,
                          alpha=0.0, name=None):
    """Cosine decay with warm restarts (SGDR); period i lasts first_decay_steps * t_mul^i and
    starts at m_mul^i * learning_rate (``tf.train.cosine_decay_restarts``)."""
    if hasattr(t_mul, "op") or hasattr(t_mul, "_as_tensor"):
        raise NotImplementedError("cosine_decay_restarts with a Tensor `t_mul` is not supported by "
                                  "neuroflow yet. Pass t_mul as a Python number.")
    with name_scope(name, "SGDRDecay"):
        lr, step = _start("cosine_decay_restarts", learning_rate, global_step)
        frac = M.divide(step, _cast(first_decay_steps, lr.dtype))
        if t_mul == 1.0:
            i_restart = M.floor(frac)
            frac = M.subtract(frac, i_restart)
        else:
            i_restart = M.floor(M.divide(M.log(M.subtract(1.0, M.multiply(frac, 1.0 - t_mul))),
                                         math.log(t_mul)))
            t_pow = M.pow(convert_to_tensor(float(t_mul), dtype=lr.dtype), i_restart)
            sum_r = M.divide(M.subtract(1.0, t_pow), 1.0 - t_mul)
            frac = M.divide(M.subtract(frac, sum_r), t_pow)
        m_fac = M.pow(convert_to_tensor(_cast(m_mul, lr.dtype), dtype_hint=lr.dtype), i_restart)
        cosine = M.multiply(M.multiply(0.5, m_fac), M.add(1.0, M.cos(M.multiply(math.pi, frac))))
        return _finish(M.multiply(lr, M.add(M.multiply(_one_minus(alpha), cosine), alpha)))


def _linear_cosine(name, learning_rate, global_step, decay_steps, num_periods, alpha, beta,
                   noise=None):
    lr, step = _start(name, learning_rate, global_step)
    steps = _cast(decay_steps, lr.dtype)
    step = M.minimum(step, steps)
    linear = M.divide(M.subtract(steps, step), steps)
    if noise is not None:
        linear = M.add(linear, noise(step, lr.dtype))
    frac = M.multiply(2.0 * num_periods, M.divide(step, steps))
    cosine = M.multiply(0.5, M.add(1.0, M.cos(M.multiply(math.pi, frac))))
    return _finish(M.multiply(lr, M.add(M.multiply(M.add(alpha, linear), cosine), beta)))


def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0,
                        beta=0.001, name=None):
    """lr * ((alpha + (decay_steps - step) / decay_steps) * 0.5 * (1 + cos(2 pi num_periods step /
    decay_steps)) + beta), step capped at decay_steps (``tf.train.linear_cosine_decay``)."""
    with name_scope(name, "LinearCosineDecay"):
        return _linear_cosine("linear_cosine_decay", learning_rate, global_step, decay_steps,
                              num_periods, alpha, beta)


def noisy_linear_cosine_decay(learning_rate, global_step, decay_steps, initial_variance=1.0,
                              variance_decay=0.55, num_periods=0.5, alpha=0.0, beta=0.001,
                              name=None):
    """linear_cosine_decay with N(0, initial_variance / (1 + step)^variance_decay) noise added to
    the linear term, drawn anew every run (``tf.train.noisy_linear_cosine_decay``)."""
    from ..ops.random_ops import random_normal

    def noise(step, dtype):
        variance = M.divide(_cast(initial_variance, dtype), M.pow(M.add(1.0, step), variance_decay))
        std = M.sqrt(variance)
        return M.multiply(random_normal([], dtype=dtype), std)
    with name_scope(name, "NoisyLinearCosineDecay"):
        return _linear_cosine("noisy_linear_cosine_decay", learning_rate, global_step, decay_steps,
                              num_periods, alpha, beta, noise)
