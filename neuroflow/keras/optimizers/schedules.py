"""``keras.optimizers.schedules``: learning rates as functions of the optimizer step.

A built-in schedule computes its value in NumPy (``_value(step)``); called on a step tensor it
gives one scalar op, so inside ``fit``'s compiled step the rate costs a single node per step.
A user's ``LearningRateSchedule`` subclass is called on ``optimizer.iterations`` once, when the
step is traced, so its ``__call__`` may use any neuroflow ops.
"""
import math

import numpy as np

from ...core import dtypes
from ...core.backend import get_array_module
from ...core.op import Operation, convert_to_tensor


class LearningRateSchedule:
    """Base class: ``schedule(step)`` is the learning rate at optimizer step ``step``.

    Example:
      >>> class MySchedule(keras.optimizers.schedules.LearningRateSchedule):
      ...     def __call__(self, step):
      ...         return 0.1 / (tf.cast(step, tf.float32) + 1)
    """

    def __call__(self, step):
        raise NotImplementedError("Learning rate schedule must override __call__")

    def get_config(self):
        raise NotImplementedError("Learning rate schedule must override get_config")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _ScheduleValue(Operation):
    """lr = schedule._value(step), a float32 scalar (not differentiable)."""
    type = "LearningRateSchedule"
    differentiable = False

    def __init__(self, schedule):
        self.schedule = schedule

    def forward(self, step):
        xp = get_array_module(step)
        return xp.asarray(self.schedule._value(float(step)), dtype=np.float32)

    def infer(self, step):
        return [((), dtypes.float32)]


class _Builtin(LearningRateSchedule):
    def __call__(self, step):
        step = convert_to_tensor(step)
        return _ScheduleValue(self)._build((step,), name=self.name or type(self).__name__)

    def _value(self, step):
        raise NotImplementedError


class ExponentialDecay(_Builtin):
    """initial_learning_rate * decay_rate ** (step / decay_steps) (integer division when
    ``staircase``).

    Example:
      >>> lr = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1000,
      ...                                                  decay_rate=0.96, staircase=True)
      >>> opt = keras.optimizers.SGD(learning_rate=lr)
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def _value(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate * self.decay_rate ** p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(_Builtin):
    """values[0] while step <= boundaries[0], values[1] while step <= boundaries[1], ...,
    values[-1] after the last boundary.

    Example:
      >>> lr = keras.optimizers.schedules.PiecewiseConstantDecay([1000, 2000], [1.0, 0.5, 0.1])
    """

    def __init__(self, boundaries, values, name=None):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of "
                             f"values. Received: boundaries={boundaries} of length "
                             f"{len(boundaries)}, and values={values} of length {len(values)}.")
        self.boundaries, self.values, self.name = boundaries, values, name

    def _value(self, step):
        for b, v in zip(self.boundaries, self.values):
            if step <= b:
                return v
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(_Builtin):
    """(initial - end) * (1 - min(step, decay_steps) / decay_steps) ** power + end; with
    ``cycle`` the horizon grows to the next multiple of ``decay_steps`` instead.

    Example:
      >>> lr = keras.optimizers.schedules.PolynomialDecay(0.1, 10000, 0.01, power=0.5)
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name=None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle = end_learning_rate, power, cycle
        self.name = name

    def _value(self, step):
        steps = float(self.decay_steps)
        if self.cycle:
            steps *= 1.0 if step == 0 else math.ceil(step / steps)
        else:
            step = min(step, steps)
        p = step / steps
        return (self.initial_learning_rate - self.end_learning_rate) * (1 - p) ** self.power + \
            self.end_learning_rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(_Builtin):
    """initial_learning_rate / (1 + decay_rate * step / decay_steps) (floored with
    ``staircase``).

    Example:
      >>> lr = keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
    """

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def _value(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self.initial_learning_rate / (1 + self.decay_rate * p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class CosineDecay(_Builtin):
    """initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha),
    s = min(step, decay_steps) (SGDR without restarts).

    Example:
      >>> lr = keras.optimizers.schedules.CosineDecay(0.1, decay_steps=1000)
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name=None):
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.alpha, self.name = alpha, name

    def _value(self, step):
        done = min(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * done))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name}


class CosineDecayRestarts(_Builtin):
    """Cosine decay restarted after ``first_decay_steps``, each period ``t_mul`` times longer
    and starting ``m_mul`` times lower (SGDR).

    Example:
      >>> lr = keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=1000)
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name=None):
        self.initial_learning_rate, self.first_decay_steps = initial_learning_rate, \
            first_decay_steps
        self._t_mul, self._m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def _value(self, step):
        done, t_mul = step / self.first_decay_steps, float(self._t_mul)
        if t_mul == 1.0:
            i = math.floor(done)
            done -= i
        else:
            i = math.floor(math.log(1.0 - done * (1.0 - t_mul)) / math.log(t_mul))
            done = (done - (1.0 - t_mul ** i) / (1.0 - t_mul)) / t_mul ** i
        cosine = 0.5 * self._m_mul ** i * (1.0 + math.cos(math.pi * done))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self._t_mul,
                "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_CLASSES = {c.__name__: c for c in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
                                    InverseTimeDecay, CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule):
    """``{'class_name': ..., 'config': ...}`` of a schedule."""
    return {"class_name": type(learning_rate_schedule).__name__,
            "config": learning_rate_schedule.get_config()}


def deserialize(config, custom_objects=None):
    """A schedule from ``serialize``'s dict."""
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _CLASSES.get(name)
    if cls is None:
        raise ValueError(f"Unknown learning rate schedule: {name}. Please ensure this object is "
                         "passed to the `custom_objects` argument.")
    return cls.from_config(config.get("config", {}))
