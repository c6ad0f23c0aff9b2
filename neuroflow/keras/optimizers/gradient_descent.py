"""SGD, RMSprop, Adagrad, Adadelta and Ftrl with Keras 2's defaults and update rules.

Each ``_update_fn`` returns the in-place update of one variable: ``w``, the slots and the scratch
arrays are changed with ``out=`` ufuncs, so a step allocates nothing.
"""
from ...core import blas
from .optimizer import Optimizer, _xp


def _check_momentum(momentum):
    if isinstance(momentum, (int, float)) and (momentum < 0 or momentum > 1):
        raise ValueError(f"`momentum` must be between [0, 1]. Received: momentum={momentum} "
                         f"(of type {type(momentum)}).")
    return not isinstance(momentum, (int, float)) or momentum > 0


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum.

    velocity = momentum * velocity - learning_rate * g; w += velocity (Nesterov:
    w += momentum * velocity - learning_rate * g); without momentum w -= learning_rate * g.

    Args:
      learning_rate: 0.01 (a float, a schedule or a callable; ``lr=`` also works).
      momentum: 0.0, in [0, 1].
      nesterov: use Nesterov momentum.
    Example:
      >>> model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9),
      ...               loss='categorical_crossentropy')
    """

    _hyper_names = ("learning_rate", "momentum")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", self._learning_rate_arg(learning_rate, kwargs))
        self._momentum = _check_momentum(momentum)
        self._set_hyper("momentum", momentum)
        self.nesterov = nesterov
        self._slot_names = ("momentum",) if self._momentum else ()
        self._apply_type = "ApplyMomentum" if self._momentum else "ApplyGradientDescent"

    def _update_fn(self, var):
        scratch, nesterov = self._scratch(var), self.nesterov
        if not self._momentum:
            def update(w, g, slots, lr, momentum, it):
                t, = scratch(w)
                _xp(w).multiply(g, float(lr), out=t)
                w -= t
            return update

        def update_momentum(w, g, slots, lr, momentum, it):
            xp, (t,), v, mu = _xp(w), scratch(w), slots[0], float(momentum)
            xp.multiply(g, float(lr), out=t)
            v *= mu
            v -= t
            if nesterov:
                w -= t
                xp.multiply(v, mu, out=t)
                w += t
            else:
                w += v
        return update_momentum

    def _matmul_update_fn(self, var):
        if not self._momentum:
            def update(w, a, b, ta, tb, slots, lr, momentum, it):
                return blas.gemm_update(w, a, b, -float(lr), ta, tb)
            return update
        if self.nesterov:
            return None

        def update_momentum(w, a, b, ta, tb, slots, lr, momentum, it):
            v = slots[0]    # v = momentum * v - lr * g, in one GEMM
            if not blas.gemm_update(v, a, b, -float(lr), ta, tb, beta=float(momentum)):
                return False
            w += v
            return True
        return update_momentum

    def get_config(self):
        config = super().get_config()
        config["nesterov"] = self.nesterov
        return config


class RMSprop(Optimizer):
    """Divides the gradient by a running root mean square of recent gradients.

    rms = rho * rms + (1 - rho) * g^2; w -= lr * g / (sqrt(rms) + epsilon). ``centered``
    subtracts the square of the running mean gradient from rms; with ``momentum`` the step goes
    through a velocity: mom = momentum * mom + lr * g / sqrt(rms + epsilon); w -= mom.

    Args:
      learning_rate: 0.001. rho: 0.9. momentum: 0.0. epsilon: 1e-07. centered: False.
    Example:
      >>> model.compile(optimizer='rmsprop', loss='mse')
    """

    _apply_type = "ApplyRMSProp"
    _hyper_names = ("learning_rate", "rho", "momentum")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False,
                 name="RMSprop", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", self._learning_rate_arg(learning_rate, kwargs))
        self._set_hyper("rho", rho)
        self._momentum = _check_momentum(momentum)
        self._set_hyper("momentum", momentum)
        self.epsilon = epsilon or 1e-07
        self.centered = centered
        self._slot_names = ("rms",) + (("momentum",) if self._momentum else ()) + \
            (("mg",) if centered else ())

    def _update_fn(self, var):
        scratch, centered, use_mom, eps = self._scratch(var), self.centered, self._momentum, \
            self.epsilon

        def update(w, g, slots, lr, rho, momentum, it):
            xp, (t,), rms = _xp(w), scratch(w), slots[0]
            lr, rho = float(lr), float(rho)
            rms *= rho
            xp.multiply(g, g, out=t)
            t *= 1.0 - rho
            rms += t
            if centered:                     # t = rms - mg^2
                mg = slots[-1]
                mg *= rho
                xp.multiply(g, 1.0 - rho, out=t)
                mg += t
                xp.multiply(mg, mg, out=t)
                xp.subtract(rms, t, out=t)
            else:
                t[...] = rms
            if use_mom:                      # TF's ApplyRMSProp kernel: epsilon inside the root
                t += eps
                xp.sqrt(t, out=t)
                xp.divide(g, t, out=t)
                t *= lr
                mom = slots[1]
                mom *= float(momentum)
                mom += t
                w -= mom
            else:
                xp.sqrt(t, out=t)
                t += eps
                xp.divide(g, t, out=t)
                t *= lr
                w -= t
        return update

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon, "centered": self.centered})
        return config


class Adagrad(Optimizer):
    """Per-parameter learning rates from the sum of squared gradients.

    accumulator += g^2 (it starts at ``initial_accumulator_value``);
    w -= lr * g / (sqrt(accumulator) + epsilon).

    Args:
      learning_rate: 0.001. initial_accumulator_value: 0.1. epsilon: 1e-07.
    Example:
      >>> opt = keras.optimizers.Adagrad(learning_rate=0.01)
    """

    _apply_type = "ApplyAdagradV2"
    _slot_names = ("accumulator",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-07,
                 name="Adagrad", **kwargs):
        if initial_accumulator_value < 0.0:
            raise ValueError("initial_accumulator_value must be non-negative: %s"
                             % initial_accumulator_value)
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", self._learning_rate_arg(learning_rate, kwargs))
        self._initial_accumulator_value = initial_accumulator_value
        self.epsilon = 1e-07 if epsilon is None else epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self.add_slot(v, "accumulator", self._initial_accumulator_value)

    def _update_fn(self, var):
        scratch, eps = self._scratch(var), self.epsilon

        def update(w, g, slots, lr, it):
            xp, (t,), acc = _xp(w), scratch(w), slots[0]
            xp.multiply(g, g, out=t)
            acc += t
            xp.sqrt(acc, out=t)
            t += eps
            xp.divide(g, t, out=t)
            t *= float(lr)
            w -= t
        return update

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self._initial_accumulator_value,
                       "epsilon": self.epsilon})
        return config


class Adadelta(Optimizer):
    """Adadelta: steps scaled by running averages of squared gradients and squared updates.

    accum_grad = rho * accum_grad + (1 - rho) * g^2;
    update = sqrt(accum_var + eps) / sqrt(accum_grad + eps) * g; w -= lr * update;
    accum_var = rho * accum_var + (1 - rho) * update^2.

    Args:
      learning_rate: 0.001 (1.0 matches the paper). rho: 0.95. epsilon: 1e-07.
    Example:
      >>> opt = keras.optimizers.Adadelta(learning_rate=1.0)
    """

    _apply_type = "ApplyAdadelta"
    _slot_names = ("accum_grad", "accum_var")
    _hyper_names = ("learning_rate", "rho")
    _n_scratch = 2

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-07, name="Adadelta", **kwargs):
        super().__init__(name, **kwargs)
        self._set_hyper("learning_rate", self._learning_rate_arg(learning_rate, kwargs))
        self._set_hyper("rho", rho)
        self.epsilon = epsilon or 1e-07

    def _update_fn(self, var):
        scratch, eps = self._scratch(var), self.epsilon

        def update(w, g, slots, lr, rho, it):
            xp, (t, u), (acc_g, acc_v) = _xp(w), scratch(w), slots
            rho = float(rho)
            acc_g *= rho
            xp.multiply(g, g, out=t)
            t *= 1.0 - rho
            acc_g += t
            xp.add(acc_v, eps, out=t)
            xp.add(acc_g, eps, out=u)
            xp.divide(t, u, out=t)
            xp.sqrt(t, out=t)
            t *= g                           # t = update
            xp.multiply(t, float(lr), out=u)
            w -= u
            acc_v *= rho
            xp.multiply(t, t, out=u)
            u *= 1.0 - rho
            acc_v += u
        return update

    def get_config(self):
        config = super().get_config()
        config["epsilon"] = self.epsilon
        return config


class Ftrl(Optimizer):
    """FTRL-Proximal (TF's ApplyFtrlV2 kernel), with Keras's ``beta`` added to the L2 term.

    Args:
      learning_rate: 0.001. learning_rate_power: -0.5. initial_accumulator_value: 0.1.
      l1_regularization_strength, l2_regularization_strength,
      l2_shrinkage_regularization_strength, beta: 0.0.
    Example:
      >>> opt = keras.optimizers.Ftrl(learning_rate=0.1, l1_regularization_strength=0.01)
    """

    _apply_type = "ApplyFtrlV2"
    _slot_names = ("accumulator", "linear")

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, name="Ftrl",
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, **kwargs):
        from ...train.optimizers import FtrlOptimizer
        super().__init__(name, **kwargs)
        # TF1's optimizer checks the arguments and supplies the kernel's in-place update
        self._tf1 = FtrlOptimizer(1.0, learning_rate_power, initial_accumulator_value,
                                  l1_regularization_strength, l2_regularization_strength,
                                  l2_shrinkage_regularization_strength=(
                                      l2_shrinkage_regularization_strength))
        self._set_hyper("learning_rate", self._learning_rate_arg(learning_rate, kwargs))
        self._initial_accumulator_value = initial_accumulator_value
        self.learning_rate_power, self.beta = learning_rate_power, beta
        self.l1, self.l2 = l1_regularization_strength, l2_regularization_strength
        self.l2_shrinkage = l2_shrinkage_regularization_strength

    def _create_slots(self, var_list):
        for v in var_list:
            self.add_slot(v, "accumulator", self._initial_accumulator_value)
        for v in var_list:
            self.add_slot(v, "linear")

    def _update_fn(self, var):
        kernel = self._tf1._update_fn(var)
        l1, l2, shrink, power, beta = (float(self.l1), float(self.l2), float(self.l2_shrinkage),
                                       float(self.learning_rate_power), float(self.beta))

        def update(w, g, slots, lr, it):
            lr = float(lr)
            kernel(w, g, slots, lr, l1, l2 + beta / (2.0 * lr), shrink, power)
        return update

    def get_config(self):
        config = super().get_config()
        config.update({"initial_accumulator_value": self._initial_accumulator_value,
                       "learning_rate_power": self.learning_rate_power,
                       "l1_regularization_strength": self.l1,
                       "l2_regularization_strength": self.l2,
                       "l2_shrinkage_regularization_strength": self.l2_shrinkage,
                       "beta": self.beta})
        return config
