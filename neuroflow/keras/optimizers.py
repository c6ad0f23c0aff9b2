"""``keras.optimizers``: SGD, RMSprop and Adam with Keras's defaults and update rules.

minimal; extended by the Keras part-2 owner.

Each update is the fused in-place op of ``neuroflow.train.optimizer`` (``_Apply``): one Python call
per variable per step, in fit's compiled plan or at once in eager code. Hyperparameters live in
variables (``optimizer.lr`` / ``optimizer.learning_rate``), so callbacks can change them between
steps with ``K.set_value``.
"""
import numpy as np

from . import backend as K


def _tf():
    import neuroflow
    return neuroflow


class Optimizer:
    """Base class of the Keras optimizers.

    Subclasses list ``_slot_names`` and ``_hyper_names`` and give ``_update_fn(var)`` returning
    ``update(w, g, slots, *hyper)`` that changes w and the slot arrays in place.
    """

    _slot_names = ()
    _hyper_names = ("learning_rate",)
    _apply_type = "ApplyGradient"

    def __init__(self, name, clipnorm=None, clipvalue=None, global_clipnorm=None, **kwargs):
        legacy = {"lr": "learning_rate", "decay": "decay"}
        for k in list(kwargs):
            if k not in legacy:
                raise TypeError(f"Unexpected keyword argument passed to optimizer: {k}. Allowed "
                                "kwargs are {clipnorm, clipvalue, lr, decay, global_clipnorm}.")
        self._name = name
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.decay = float(kwargs.get("decay", 0.0))
        object.__setattr__(self, "_hyper", {})
        self._slots = {}
        with K.eager_scope():
            self.iterations = _tf().Variable(np.int64(0), trainable=False, name=name + "/iter",
                                             dtype=_tf().int64)

    # ---------------------------------------------------------------- hyperparameters
    def _set_hyper(self, name, value):
        hyper = self.__dict__["_hyper"]
        if hasattr(value, "_is_variable"):
            hyper[name] = value
        elif name in hyper:
            K.set_value(hyper[name], value)
        else:
            hyper[name] = K.variable(float(value), name="%s/%s" % (self._name, name))

    def __getattr__(self, name):
        hyper = self.__dict__.get("_hyper", {})
        if name == "lr":
            name = "learning_rate"
        if name in hyper:
            return hyper[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        hyper = self.__dict__.get("_hyper")
        if name == "lr":
            name = "learning_rate"
        if hyper is not None and name in hyper:
            self._set_hyper(name, value)
        else:
            object.__setattr__(self, name, value)

    def _hyper_tensors(self):
        return tuple(self._hyper[n]._as_tensor() for n in self._hyper_names)

    # ---------------------------------------------------------------- slots
    def _slot(self, var, slot_name):
        key = (slot_name, id(var))
        s = self._slots.get(key)
        if s is None:
            with K.eager_scope():
                s = self._slots[key] = _tf().Variable(
                    np.zeros(var.shape.as_list(), dtype=var.dtype.as_numpy_dtype), trainable=False,
                    name="%s/%s/%s" % (self._name, var._name, slot_name))
        return s

    def variables(self):
        return [self.iterations] + list(self._slots.values())

    def weights(self):
        return self.variables()

    def get_weights(self):
        return [v.numpy() for v in self.variables()]

    def set_weights(self, weights):
        for v, w in zip(self.variables(), weights):
            v._value = np.array(w, dtype=v.dtype.as_numpy_dtype, copy=True)

    # ---------------------------------------------------------------- updates
    def _clip(self, grads):
        tf = _tf()
        if self.clipvalue is not None:
            c = float(self.clipvalue)
            grads = [tf.minimum(tf.maximum(g, -c), c) for g in grads]
        if self.clipnorm is not None:
            c = float(self.clipnorm)
            grads = [g * (c / tf.maximum(tf.sqrt(tf.reduce_sum(tf.square(g))), c)) for g in grads]
        if self.global_clipnorm is not None:
            c = float(self.global_clipnorm)
            norm = tf.sqrt(tf.add_n([tf.reduce_sum(tf.square(g)) for g in grads]))
            grads = [g * (c / tf.maximum(norm, c)) for g in grads]
        return grads

    def get_updates_for(self, grads_and_vars):
        """The update ops for (gradient, variable) pairs (built symbolically or run at once)."""
        from ..core.graph import control_dependencies
        from ..core.variables import Assign
        from ..train.optimizer import _Apply
        tf = _tf()
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable: %s."
                             % ([v.name for _, v in grads_and_vars],))
        grads = self._clip([tf.convert_to_tensor(g) for g, _ in pairs])
        hyper = self._hyper_tensors() + (self.iterations._as_tensor(),)
        ops = []
        for g, (_, v) in zip(grads, pairs):
            if g.dtype is not v.dtype:
                g = tf.cast(g, v.dtype)
            slots = [self._slot(v, n) for n in self._slot_names]
            out = _Apply(self, v, slots)._build((g,) + hyper, name="update_" + v._name)
            if getattr(v, "constraint", None) is not None:
                out = Assign(v)._build((v.constraint(out),), name="constraint_" + v._name)
            ops.append(out.op)
        with control_dependencies(ops):
            step = self.iterations.assign_add(np.int64(1))
        return ops + [step.op]

    def apply_gradients(self, grads_and_vars, name=None, experimental_aggregate_gradients=True):
        """Applies gradients to variables; returns the update op (eager code: applied at once)."""
        ops = self.get_updates_for(list(grads_and_vars))
        return _tf().group(*ops) if _tf().executing_eagerly() is False else ops[-1]

    def minimize(self, loss, var_list, grad_loss=None, name=None, tape=None):
        """Computes the gradients of ``loss`` (a callable in eager code) and applies them."""
        tf = _tf()
        var_list = var_list() if callable(var_list) else list(var_list)
        if callable(loss) and not hasattr(loss, "op"):
            with tf.GradientTape() as t:
                value = loss()
            grads = t.gradient(value, var_list, output_gradients=grad_loss)
        elif tape is not None:
            grads = tape.gradient(loss, var_list, output_gradients=grad_loss)
        else:
            grads = tf.gradients(loss, var_list, grad_ys=grad_loss)
        return self.apply_gradients(zip(grads, var_list))

    def get_gradients(self, loss, params):
        return _tf().gradients(loss, params)

    def _lr_now(self, lr, t):
        return lr / (1.0 + self.decay * (t - 1)) if self.decay else lr

    def get_config(self):
        config = {"name": self._name}
        for n in self._hyper:
            config[n] = float(str(K.get_value(self._hyper[n])))   # 0.01, not 0.009999999776
        if self.decay:
            config["decay"] = self.decay
        for k in ("clipnorm", "clipvalue", "global_clipnorm"):
            if getattr(self, k) is not None:
                config[k] = getattr(self, k)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "lr" in config:
            config["learning_rate"] = config.pop("lr")
        return cls(**config)


class SGD(Optimizer):
    """Gradient descent with optional momentum and Nesterov momentum.

    Args:
      learning_rate: 0.01 by default (``lr=`` is accepted too).
      momentum: 0.0; velocity = momentum * velocity - lr * g, w += velocity.
      nesterov: apply Nesterov momentum.
    Example:
      >>> model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss='mse')
    """

    _apply_type = "ApplyGradientDescent"
    _hyper_names = ("learning_rate", "momentum")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        learning_rate = kwargs.pop("lr", learning_rate)
        super().__init__(name, **kwargs)
        if isinstance(momentum, (int, float)) and (momentum < 0 or momentum > 1):
            raise ValueError(f"`momentum` must be between [0, 1]. Received: momentum={momentum} "
                             f"(of type {type(momentum)}).")
        self._set_hyper("learning_rate", learning_rate)
        self._set_hyper("momentum", momentum)
        self.nesterov = nesterov
        self._momentum = momentum > 0 if isinstance(momentum, (int, float)) else True
        self._slot_names = ("momentum",) if self._momentum else ()
        self._apply_type = "ApplyMomentum" if self._momentum else "ApplyGradientDescent"

    def _update_fn(self, var):
        nesterov, lr_now = self.nesterov, self._lr_now
        if not self._momentum:
            def update(w, g, slots, lr, momentum, it):
                w -= lr_now(lr, it + 1) * g
            return update

        def update_momentum(w, g, slots, lr, momentum, it):
            v = slots[0]
            lr = lr_now(lr, it + 1)
            v *= momentum
            v -= lr * g
            if nesterov:
                w += momentum * v - lr * g
            else:
                w += v
        return update_momentum

    def get_config(self):
        config = super().get_config()
        config["nesterov"] = self.nesterov
        return config


class RMSprop(Optimizer):
    """Divides the gradient by a running RMS of recent gradients (Keras defaults: lr 0.001)."""

    _apply_type = "ApplyRMSProp"
    _hyper_names = ("learning_rate", "rho", "momentum", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=False,
                 name="RMSprop", **kwargs):
        learning_rate = kwargs.pop("lr", learning_rate)
        super().__init__(name, **kwargs)
        for n, v in (("learning_rate", learning_rate), ("rho", rho), ("momentum", momentum),
                     ("epsilon", epsilon)):
            self._set_hyper(n, v)
        self.centered = centered
        self._use_momentum = momentum > 0
        self._slot_names = ("rms",) + (("momentum",) if self._use_momentum else ()) + \
            (("mg",) if centered else ())

    def _update_fn(self, var):
        centered, use_mom, lr_now = self.centered, self._use_momentum, self._lr_now
        xp = np

        def update(w, g, slots, lr, rho, momentum, eps, it):
            lr = lr_now(lr, it + 1)
            ms = slots[0]
            ms *= rho
            ms += (1 - rho) * g * g
            denom = ms
            if centered:
                mg = slots[-1]
                mg *= rho
                mg += (1 - rho) * g
                denom = ms - mg * mg
            if use_mom:
                mom = slots[1]
                mom *= momentum
                mom += lr * g / xp.sqrt(denom + eps)
                w -= mom
            else:
                w -= lr * g / (xp.sqrt(denom) + eps)
        return update

    def get_config(self):
        config = super().get_config()
        config["centered"] = self.centered
        return config


class Adam(Optimizer):
    """Adaptive moment estimation (Keras defaults: lr 0.001, beta_1 0.9, beta_2 0.999, eps 1e-7).

    Example:
      >>> model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss='mse')
    """

    _apply_type = "ApplyAdam"
    _hyper_names = ("learning_rate", "beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=False,
                 name="Adam", **kwargs):
        learning_rate = kwargs.pop("lr", learning_rate)
        super().__init__(name, **kwargs)
        for n, v in (("learning_rate", learning_rate), ("beta_1", beta_1), ("beta_2", beta_2),
                     ("epsilon", epsilon)):
            self._set_hyper(n, v)
        self.amsgrad = amsgrad
        self._slot_names = ("m", "v", "vhat") if amsgrad else ("m", "v")

    def _update_fn(self, var):
        amsgrad, lr_now = self.amsgrad, self._lr_now
        xp = np

        def update(w, g, slots, lr, b1, b2, eps, it):
            t = float(it) + 1.0
            lr_t = lr_now(lr, t) * np.sqrt(1.0 - b2 ** t) / (1.0 - b1 ** t)
            m, v = slots[0], slots[1]
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            if amsgrad:
                vhat = slots[2]
                xp.maximum(vhat, v, out=vhat)
                w -= lr_t * m / (xp.sqrt(vhat) + eps)
            else:
                w -= lr_t * m / (xp.sqrt(v) + eps)
        return update

    def get_config(self):
        config = super().get_config()
        config["amsgrad"] = self.amsgrad
        return config


_ALIASES = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}
_NOT_YET = ("adagrad", "adadelta", "adamax", "nadam", "ftrl")


def serialize(optimizer):
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config, custom_objects=None):
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _ALIASES.get(name.lower())
    if cls is None:
        raise ValueError(f"Unknown optimizer: {name}")
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """An optimizer from a name ('sgd', 'adam', 'rmsprop'), a config dict or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if hasattr(identifier, "apply_gradients") and hasattr(identifier, "compute_gradients"):
        return identifier   # a TF1 tf.train optimizer
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in _ALIASES:
            return _ALIASES[key]()
        if key in _NOT_YET:
            raise NotImplementedError(f"The optimizer '{identifier}' is not supported by neuroflow "
                                      "yet; use 'sgd', 'rmsprop' or 'adam'.")
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
