"""TF1's adaptive optimizers: Momentum, Adagrad, Adadelta, RMSProp, Adam, Ftrl.

Each ``update`` is the kernel of TF's training op (``ApplyMomentum``, ``ApplyAdam`` ...) written
with in-place NumPy calls on the variable, its slots and reused scratch buffers: no array is
allocated in a training step.
"""
import math

from ..core import blas
from ..core.backend import get_array_module
from ..core.graph import control_dependencies
from ..ops.control_flow_ops import group
from .optimizer import Optimizer, _Scratch


class MomentumOptimizer(Optimizer):
    """Gradient descent with momentum (``tf.train.MomentumOptimizer``).

    accum = accum * momentum + g; var -= lr * accum
    (Nesterov: var -= lr * g + lr * momentum * accum).
    Slot: "momentum".

    Example:
      >>> train = tf.train.MomentumOptimizer(0.01, momentum=0.9).minimize(cost)
    """
    _slot_names = ("momentum",)
    _apply_type = "ApplyMomentum"

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum",
                 use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _hyper(self):
        return (self._learning_rate, self._momentum)

    def _update_fn(self, var):
        scratch, nesterov = _Scratch(2), self._use_nesterov

        def update(w, g, slots, lr, momentum):
            xp = get_array_module(w)
            accum, = slots
            t, u = scratch(w)
            accum *= momentum
            accum += g
            if nesterov:
                xp.multiply(g, lr, out=t)
                xp.multiply(accum, lr * momentum, out=u)
                t += u
            else:
                xp.multiply(accum, lr, out=t)
            w -= t
        return update

    def _matmul_update_fn(self, var):
        if self._use_nesterov:
            return None
        scratch = _Scratch(1)

        def update(w, a, b, ta, tb, slots, lr, momentum):
            accum, = slots
            if not blas.gemm_update(accum, a, b, 1.0, ta, tb, beta=momentum):
                return False
            t, = scratch(w)
            get_array_module(w).multiply(accum, lr, out=t)
            w -= t
            return True
        return update


class AdagradOptimizer(Optimizer):
    """Adagrad (``tf.train.AdagradOptimizer``): accum += g^2; var -= lr * g / sqrt(accum).

    Slot: "accumulator", starting at ``initial_accumulator_value``.
    """
    _slot_names = ("accumulator",)
    _apply_type = "ApplyAdagrad"

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False,
                 name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s"
                             % initial_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        for v in var_list:
            self._get_or_make_slot(v, self._initial_accumulator_value, "accumulator", self._name)

    def _hyper(self):
        return (self._learning_rate,)

    def _update_fn(self, var):
        scratch = _Scratch(1)

        def update(w, g, slots, lr):
            xp = get_array_module(w)
            accum, = slots
            t, = scratch(w)
            xp.multiply(g, g, out=t)
            accum += t
            xp.sqrt(accum, out=t)
            xp.divide(g, t, out=t)
            t *= lr
            w -= t
        return update


class AdadeltaOptimizer(Optimizer):
    """Adadelta (``tf.train.AdadeltaOptimizer``).

    accum = rho * accum + (1 - rho) * g^2;
    update = sqrt(accum_update + epsilon) / sqrt(accum + epsilon) * g;
    accum_update = rho * accum_update + (1 - rho) * update^2; var -= lr * update.
    Slots: "accum", "accum_update".
    """
    _slot_names = ("accum", "accum_update")
    _apply_type = "ApplyAdadelta"

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-08, use_locking=False,
                 name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon

    def _hyper(self):
        return (self._lr, self._rho, self._epsilon)

    def _update_fn(self, var):
        scratch = _Scratch(2)

        def update(w, g, slots, lr, rho, epsilon):
            xp = get_array_module(w)
            accum, accum_update = slots
            t, u = scratch(w)
            accum *= rho
            xp.multiply(g, g, out=t)
            t *= 1 - rho
            accum += t
            xp.add(accum_update, epsilon, out=t)
            xp.add(accum, epsilon, out=u)
            t /= u
            xp.sqrt(t, out=t)
            t *= g                      # t = update
            xp.multiply(t, lr, out=u)
            w -= u
            accum_update *= rho
            xp.multiply(t, t, out=t)
            t *= 1 - rho
            accum_update += t
        return update


class RMSPropOptimizer(Optimizer):
    """RMSProp (``tf.train.RMSPropOptimizer``).

    ms = decay * ms + (1 - decay) * g^2; mom = momentum * mom + lr * g / sqrt(ms + epsilon);
    var -= mom. Centered: mg = decay * mg + (1 - decay) * g and the denominator is
    sqrt(ms - mg^2 + epsilon). Slots: "rms" (starts at ONES, as in TF1), "momentum", and "mg".
    """
    _apply_type = "ApplyRMSProp"

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered
        self._slot_names = ("rms", "mg", "momentum") if centered else ("rms", "momentum")
        if centered:
            self._apply_type = "ApplyCenteredRMSProp"

    def _create_slots(self, var_list):
        for v in var_list:
            self._get_or_make_slot(v, 1.0, "rms", self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _hyper(self):
        return (self._learning_rate, self._decay, self._momentum, self._epsilon)

    def _update_fn(self, var):
        scratch, centered = _Scratch(1), self._centered

        def update(w, g, slots, lr, decay, momentum, epsilon):
            xp = get_array_module(w)
            t, = scratch(w)
            ms, mom = slots[0], slots[-1]
            xp.multiply(g, g, out=t)
            t -= ms
            t *= 1 - decay
            ms += t
            if centered:
                mg = slots[1]
                xp.subtract(g, mg, out=t)
                t *= 1 - decay
                mg += t
                xp.multiply(mg, mg, out=t)
                xp.subtract(ms, t, out=t)
                t += epsilon
            else:
                xp.add(ms, epsilon, out=t)
            xp.sqrt(t, out=t)
            xp.divide(g, t, out=t)
            t *= lr
            mom *= momentum
            mom += t
            w -= mom
        return update


class AdamOptimizer(Optimizer):
    """Adam (``tf.train.AdamOptimizer``), with TF1's bias correction folded into the step size.

    lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m = beta1 * m + (1 - beta1) * g;
    v = beta2 * v + (1 - beta2) * g^2; var -= lr_t * m / (sqrt(v) + epsilon).
    Slots "m" and "v"; the non-slot variables ``beta1_power`` and ``beta2_power`` hold beta^t and
    are multiplied by beta after every step.

    Example:
      >>> train = tf.train.AdamOptimizer(learning_rate=0.001).minimize(cost)
    """
    _slot_names = ("m", "v")
    _apply_type = "ApplyAdam"

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08,
                 use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon

    def _get_beta_accumulators(self):
        return (self._get_non_slot_variable("beta1_power"),
                self._get_non_slot_variable("beta2_power"))

    def _create_slots(self, var_list):
        first_var = min(var_list, key=lambda x: x.name)
        self._create_non_slot_variable(self._beta1, "beta1_power", colocate_with=first_var)
        self._create_non_slot_variable(self._beta2, "beta2_power", colocate_with=first_var)
        super()._create_slots(var_list)

    def _hyper(self):
        b1p, b2p = self._get_beta_accumulators()
        return (self._lr, self._beta1, self._beta2, self._epsilon, b1p, b2p)

    def _update_fn(self, var):
        scratch = _Scratch(1)

        def update(w, g, slots, lr, beta1, beta2, epsilon, beta1_power, beta2_power):
            xp = get_array_module(w)
            m, v = slots
            t, = scratch(w)
            alpha = lr * math.sqrt(1 - beta2_power) / (1 - beta1_power)
            xp.subtract(g, m, out=t)    # m += (g - m) * (1 - beta1), as TF's kernel
            t *= 1 - beta1
            m += t
            xp.multiply(g, g, out=t)
            t -= v
            t *= 1 - beta2
            v += t
            xp.sqrt(v, out=t)
            t += epsilon
            xp.divide(m, t, out=t)
            t *= alpha
            w -= t
        return update

    def _finish(self, update_ops, name_scope):
        with control_dependencies(update_ops):
            beta1_power, beta2_power = self._get_beta_accumulators()
            update_beta1 = beta1_power.assign(beta1_power * self._beta1)
            update_beta2 = beta2_power.assign(beta2_power * self._beta2)
        return group(*(list(update_ops) + [update_beta1, update_beta2]), name=name_scope)


class FtrlOptimizer(Optimizer):
    """FTRL-Proximal (``tf.train.FtrlOptimizer``), TF's ``ApplyFtrlV2`` kernel.

    Slots "accum" (starts at ``initial_accumulator_value``) and "linear".
    """
    _slot_names = ("accum", "linear")
    _apply_type = "ApplyFtrl"

    def __init__(self, learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0, use_locking=False,
                 name="Ftrl", accum_name=None, linear_name=None,
                 l2_shrinkage_regularization_strength=0.0):
        super().__init__(use_locking, name)
        if initial_accumulator_value < 0.0:
            raise ValueError("initial_accumulator_value %f needs to be positive or zero"
                             % initial_accumulator_value)
        if learning_rate_power > 0.0:
            raise ValueError("learning_rate_power %f needs to be negative or zero"
                             % learning_rate_power)
        for arg, val in (("l1_regularization_strength", l1_regularization_strength),
                         ("l2_regularization_strength", l2_regularization_strength),
                         ("l2_shrinkage_regularization_strength",
                          l2_shrinkage_regularization_strength)):
            if val < 0.0:
                raise ValueError("%s %f needs to be positive or zero" % (arg, val))
        self._learning_rate = learning_rate
        self._learning_rate_power = learning_rate_power
        self._initial_accumulator_value = initial_accumulator_value
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength
        self._l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self._accum_name = accum_name
        self._linear_name = linear_name

    def _create_slots(self, var_list):
        for v in var_list:
            self._get_or_make_slot(v, self._initial_accumulator_value, "accum",
                                   self._accum_name or self._name)
            self._zeros_slot(v, "linear", self._linear_name or self._name)

    def _hyper(self):
        return (self._learning_rate, self._l1_regularization_strength,
                self._l2_regularization_strength, self._l2_shrinkage_regularization_strength,
                self._learning_rate_power)

    def _update_fn(self, var):
        scratch = _Scratch(3)

        def update(w, g, slots, lr, l1, l2, l2_shrinkage, lr_power):
            xp = get_array_module(w)
            accum, linear = slots
            t, u, gs = scratch(w)
            if l2_shrinkage > 0:        # the shrinkage enters the linear term only
                xp.multiply(w, 2 * l2_shrinkage, out=gs)
                gs += g
            else:
                gs[...] = g
            xp.multiply(g, g, out=u)
            u += accum                  # u = new accum
            if lr_power == -0.5:
                xp.sqrt(u, out=t)
                t -= xp.sqrt(accum, out=accum)
            else:
                xp.power(u, -lr_power, out=t)
                t -= xp.power(accum, -lr_power, out=accum)
            t /= lr
            t *= w
            gs -= t
            linear += gs
            accum[...] = u
            # var = (sign(linear) * l1 - linear) / (new_accum^-p / lr + 2 l2) where |linear| > l1
            if lr_power == -0.5:
                xp.sqrt(u, out=u)
            else:
                xp.power(u, -lr_power, out=u)
            u /= lr
            u += 2 * l2
            xp.sign(linear, out=t)
            t *= l1
            t -= linear
            t /= u
            xp.abs(linear, out=u)
            w[...] = 0
            xp.copyto(w, t, where=u > l1)
        return update
