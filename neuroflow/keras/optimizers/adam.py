"""Adam, Adamax and Nadam with Keras 2's defaults and update rules (in place, no allocations)."""
from ...core.op import Operation
from .optimizer import Optimizer, _xp


class Adam(Optimizer):
    """Adaptive moment estimation.

    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g^2;
    w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon) (``amsgrad``: the running
    maximum of v instead of v).

    Args:
      learning_rate: 0.001. beta_1: 0.9. beta_2: 0.999. epsilon: 1e-07. amsgrad: False.
    Example:
      >>> model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
      ...               loss='categorical_crossentropy', metrics=['accuracy'])
    """

    _apply_type = "ApplyAdam"
    _hyper_names = ("learning_rate", "beta_1", "beta_2")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False,
                 name="Adam", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", self._learning_rate_arg(learning_rate, kwargs))
        self._set_hyper("beta_1", beta_1)
        self._set_hyper("beta_2", beta_2)
        self.epsilon = epsilon or 1e-07
        self.amsgrad = amsgrad
        self._slot_names = ("m", "v", "vhat") if amsgrad else ("m", "v")

    def _update_fn(self, var):
        scratch, amsgrad, eps = self._scratch(var), self.amsgrad, self.epsilon

        def update(w, g, slots, lr, b1, b2, it):
            xp, (t,), m, v = _xp(w), scratch(w), slots[0], slots[1]
            b1, b2, step = float(b1), float(b2), float(it) + 1.0
            lr_t = float(lr) * (1.0 - b2 ** step) ** 0.5 / (1.0 - b1 ** step)
            m *= b1
            xp.multiply(g, 1.0 - b1, out=t)
            m += t
            v *= b2
            xp.multiply(g, g, out=t)
            t *= 1.0 - b2
            v += t
            if amsgrad:
                xp.maximum(slots[2], v, out=slots[2])
                xp.sqrt(slots[2], out=t)
            else:
                xp.sqrt(v, out=t)
            t += eps
            xp.divide(m, t, out=t)
            t *= lr_t
            w -= t
        return update

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon, "amsgrad": self.amsgrad})
        return config


class Adamax(Adam):
    """Adam with the infinity norm: v = max(b2 * v, |g|); w -= lr / (1 - b1^t) * m / (v + eps).

    Args:
      learning_rate: 0.001. beta_1: 0.9. beta_2: 0.999. epsilon: 1e-07.
    Example:
      >>> opt = keras.optimizers.Adamax(learning_rate=0.002)
    """

    _apply_type = "ApplyAdaMax"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 name="Adamax", **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, False, name, **kwargs)

    def _update_fn(self, var):
        scratch, eps = self._scratch(var), self.epsilon

        def update(w, g, slots, lr, b1, b2, it):
            xp, (t,), (m, v) = _xp(w), scratch(w), slots
            b1 = float(b1)
            m *= b1
            xp.multiply(g, 1.0 - b1, out=t)
            m += t
            v *= float(b2)
            xp.abs(g, out=t)
            xp.maximum(v, t, out=v)
            xp.add(v, eps, out=t)
            xp.divide(m, t, out=t)
            t *= float(lr) / (1.0 - b1 ** (float(it) + 1.0))
            w -= t
        return update

    def get_config(self):
        config = super().get_config()
        del config["amsgrad"]
        return config


class _MomentumCache(Operation):
    """Nadam's product of momentum coefficients after this step: cache * b1 * (1 - 0.5 *
    0.96^(decay * t))."""
    type = "NadamMomentumCache"
    differentiable = False

    def __init__(self, decay):
        self.decay = decay

    def forward(self, cache, b1, it):
        mu = float(b1) * (1.0 - 0.5 * 0.96 ** (self.decay * (float(it) + 1.0)))
        return _xp(cache).asarray(float(cache) * mu, dtype=cache.dtype)

    def infer(self, cache, b1, it):
        return [((), cache.dtype)]


class Nadam(Adam):
    """Adam with Nesterov momentum (Dozat 2015), with Keras's momentum schedule
    mu_t = b1 * (1 - 0.5 * 0.96^(0.004 t)).

    Args:
      learning_rate: 0.001. beta_1: 0.9. beta_2: 0.999. epsilon: 1e-07.
    Example:
      >>> opt = keras.optimizers.Nadam(learning_rate=0.002)
    """

    _apply_type = "ApplyNadam"
    _hyper_names = ("learning_rate", "beta_1", "beta_2", "momentum_cache")
    _n_scratch = 2

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07,
                 name="Nadam", **kwargs):
        # Keras's ``decay`` for Nadam is the momentum schedule's (old ``schedule_decay``)
        kwargs.pop("decay", None)
        m_decay = kwargs.pop("schedule_decay", 0.004)
        from .schedules import LearningRateSchedule
        if isinstance(kwargs.get("lr", learning_rate), LearningRateSchedule):
            raise ValueError("The Nadam optimizer does not support "
                             "tf.keras.optimizers.LearningRateSchedules as the learning rate.")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, False, name, **kwargs)
        self._m_decay = float(m_decay)
        from .. import backend as K
        cache = K.variable(1.0, name=name + "/momentum_cache")
        self._hyper["momentum_cache"] = cache
        self._extra_weights = [cache]

    def _finish_step(self, hyper, iterations):
        from ...core.variables import Assign
        cache, b1 = hyper[3], hyper[1]
        new = _MomentumCache(self._m_decay)._build((cache, b1, iterations))
        return [Assign(self._hyper["momentum_cache"])._build((new,)).op]

    def _update_fn(self, var):
        scratch, eps, decay = self._scratch(var), self.epsilon, self._m_decay

        def update(w, g, slots, lr, b1, b2, cache, it):
            xp, (t, u), (m, v) = _xp(w), scratch(w), slots
            b1, b2, step = float(b1), float(b2), float(it) + 1.0
            mu_t = b1 * (1.0 - 0.5 * 0.96 ** (decay * step))
            mu_next = b1 * (1.0 - 0.5 * 0.96 ** (decay * (step + 1.0)))
            sched_new = float(cache) * mu_t
            sched_next = sched_new * mu_next
            m *= b1
            xp.multiply(g, 1.0 - b1, out=t)
            m += t
            v *= b2
            xp.multiply(g, g, out=t)
            t *= 1.0 - b2
            v += t
            # m_bar = (1 - mu_t) * g / (1 - sched_new) + mu_next * m / (1 - sched_next)
            xp.multiply(g, (1.0 - mu_t) / (1.0 - sched_new), out=u)
            xp.multiply(m, mu_next / (1.0 - sched_next), out=t)
            u += t
            xp.multiply(v, 1.0 / (1.0 - b2 ** step), out=t)
            xp.sqrt(t, out=t)
            t += eps
            xp.divide(u, t, out=u)
            u *= float(lr)
            w -= u
        return update

    def get_config(self):
        config = super().get_config()
        del config["amsgrad"]
        del config["momentum_cache"]
        config["decay"] = self._m_decay
        return config

