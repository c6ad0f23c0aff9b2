"""``keras.optimizers.Optimizer``: hyperparameters, slots, clipping and the fused update step.

Each variable's update is one ``_Apply`` op (``neuroflow.train.optimizer``): its bound function
changes the variable and its slots in place, with scratch arrays made once per variable, so a
step in ``fit``'s compiled plan costs one Python call per variable and allocates nothing. The
op's inputs are the gradient, the hyperparameters as scalar tensors (reads of their variables,
so ``K.set_value(model.optimizer.lr, x)`` between steps takes effect) and ``iterations``.
"""
import warnings

import numpy as np

from .. import backend as K
from ...core import context
from ...core.backend import get_array_module
from ...train.optimizer import _Apply, _Scratch
from . import schedules

_ALLOWED_KWARGS = ("clipnorm", "clipvalue", "lr", "decay", "global_clipnorm")


def _tf():
    import neuroflow
    return neuroflow


def _is_variable(x):
    return hasattr(x, "_is_variable")


class Optimizer:
    """Base class of the Keras optimizers (``tf.keras.optimizers.Optimizer``, Keras 2 rules).

    Subclasses set ``_slot_names`` (Keras's slot names, in creation order), ``_hyper_names``
    (hyperparameters kept in variables; ``learning_rate`` first) and ``_update_fn(var)``
    returning ``update(w, g, slots, *hyper, iterations)`` that changes ``w`` and the slot arrays
    in place.

    Args:
      name: the prefix of the optimizer's variable names.
      clipvalue: clip every gradient element to [-clipvalue, clipvalue].
      clipnorm: rescale each gradient so that its L2 norm is at most clipnorm.
      global_clipnorm: rescale all gradients together so their global norm is at most this.
      decay: Keras 2's time decay: lr / (1 + decay * iterations).
    Example:
      >>> opt = keras.optimizers.SGD(learning_rate=0.1)
      >>> opt.apply_gradients(zip(grads, model.trainable_variables))
    """

    _slot_names = ()
    _hyper_names = ("learning_rate",)
    _apply_type = "ApplyGradient"
    _n_scratch = 1

    def __init__(self, name, gradient_aggregator=None, gradient_transformers=None, **kwargs):
        for k, v in kwargs.items():
            if k not in _ALLOWED_KWARGS:
                raise TypeError(f"Unexpected keyword argument passed to optimizer: {k}. Allowed "
                                "kwargs are {clipnorm, clipvalue, lr, decay, global_clipnorm}.")
            if isinstance(v, (int, float)) and v < 0:
                raise ValueError(f"Expected {k} >= 0, received: {v}")
        if "lr" in kwargs:
            warnings.warn("The `lr` argument is deprecated, use `learning_rate` instead.",
                          UserWarning, stacklevel=3)
        object.__setattr__(self, "_hyper", {})
        self._name = name
        self._slots = {}        # slot name -> {variable: slot Variable}
        self._scratches = {}    # variable -> _Scratch
        self._extra_weights = []
        self.gradient_transformers = list(gradient_transformers or [])
        self.clipnorm = kwargs.get("clipnorm")
        self.global_clipnorm = kwargs.get("global_clipnorm")
        if self.clipnorm is not None and self.global_clipnorm is not None:
            raise ValueError(f"Cannot accept both `clipnorm` and `global_clipnorm`. Received: "
                             f"`clipnorm`={self.clipnorm}, `global_clipnorm`="
                             f"{self.global_clipnorm}.")
        self.clipvalue = kwargs.get("clipvalue")
        self._initial_decay = float(kwargs.get("decay", 0.0))
        with K.eager_scope():
            self.iterations = _tf().Variable(np.int64(0), trainable=False, name=name + "/iter",
                                             dtype=_tf().int64)
        self._set_hyper("decay", self._initial_decay)

    @staticmethod
    def _learning_rate_arg(learning_rate, kwargs):
        """``learning_rate``, or the legacy ``lr=`` when given (Keras 2 accepts both)."""
        return kwargs.get("lr", learning_rate)

    # ---------------------------------------------------------------- hyperparameters
    def _set_hyper(self, name, value):
        """Keeps a hyperparameter: numbers in a float variable; schedules, callables and tensors
        as given."""
        hyper = self.__dict__["_hyper"]
        prev = hyper.get(name)
        if _is_variable(value) or isinstance(value, schedules.LearningRateSchedule) or \
                (callable(value) and not hasattr(value, "dtype")) or _tf().is_tensor(value):
            hyper[name] = value
        elif _is_variable(prev):
            K.set_value(prev, value)
        else:
            hyper[name] = K.variable(float(value), name="%s/%s" % (self._name, name))

    def _get_hyper(self, name):
        return self.__dict__["_hyper"][name]

    def __getattr__(self, name):
        hyper = self.__dict__.get("_hyper", {})
        key = "learning_rate" if name == "lr" else name
        if key in hyper:
            return hyper[key]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        hyper = self.__dict__.get("_hyper")
        key = "learning_rate" if name == "lr" else name
        if hyper is not None and key in hyper:
            self._set_hyper(key, value)
        else:
            object.__setattr__(self, name, value)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.__dict__["_hyper"]) | {"lr"})

    def _serialize_hyperparameter(self, name):
        value = self._hyper[name]
        if isinstance(value, schedules.LearningRateSchedule):
            return schedules.serialize(value)
        if callable(value) and not _is_variable(value) and not _tf().is_tensor(value):
            value = value()
        if _is_variable(value) or _tf().is_tensor(value):
            value = K.get_value(value)
        return float(str(value)) if np.ndim(value) == 0 else value   # 0.01, not 0.009999999776

    def _lr_tensor(self, iterations):
        """The learning rate of this step: a variable read, a schedule at ``iterations``, the
        value of a callable; divided by (1 + decay * iterations) when ``decay`` > 0."""
        tf = _tf()
        lr = self._hyper["learning_rate"]
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = tf.cast(lr(iterations), tf.float32)
        elif _is_variable(lr):
            lr = lr._as_tensor()
        elif callable(lr) and not tf.is_tensor(lr):
            lr = tf.convert_to_tensor(lr(), dtype=tf.float32)
        else:
            lr = tf.convert_to_tensor(lr, dtype=tf.float32)
        if self._initial_decay > 0:
            decay = self._hyper["decay"]._as_tensor()
            lr = lr / (1.0 + decay * tf.cast(iterations, tf.float32))
        return lr

    def _hyper_tensors(self, iterations):
        tf = _tf()
        out = [self._lr_tensor(iterations)]
        for n in self._hyper_names[1:]:
            h = self._hyper[n]
            if _is_variable(h):
                out.append(h._as_tensor())
            else:
                out.append(tf.convert_to_tensor(h() if callable(h) and not tf.is_tensor(h) else h,
                                                dtype=tf.float32))
        return tuple(out)

    def _decayed_lr(self, var_dtype=None):
        """The learning rate the next step uses, as a float32 tensor."""
        with K.eager_scope():
            return self._lr_tensor(self.iterations._as_tensor())

    # ---------------------------------------------------------------- slots and weights
    def add_slot(self, var, slot_name, initializer="zeros"):
        """The slot ``slot_name`` of ``var`` (e.g. Adam's "m"), made on first use."""
        named = self._slots.setdefault(slot_name, {})
        s = named.get(var)
        if s is None:
            shape = [d if d is not None else 0 for d in var.shape.as_list()]
            dt = var.dtype.as_numpy_dtype
            fill = 0.0 if initializer == "zeros" else float(initializer)
            with K.eager_scope():
                s = named[var] = _tf().Variable(
                    np.full(shape, fill, dtype=dt), trainable=False, dtype=var.dtype,
                    name="%s/%s/%s" % (self._name, var._name, slot_name))
        return s

    def _create_slots(self, var_list):
        for n in self._slot_names:   # Keras's order: every variable's "m", then every "v"
            for v in var_list:
                self.add_slot(v, n)

    def _create_all_weights(self, var_list):
        self._create_slots(var_list)

    def get_slot(self, var, slot_name):
        """The slot variable ``slot_name`` made for ``var``."""
        try:
            return self._slots[slot_name][var]
        except KeyError:
            raise KeyError(f"Slot '{slot_name}' of variable {var._name} does not exist "
                           f"(slots: {self.get_slot_names()}).") from None

    def get_slot_names(self):
        return list(self._slot_names)

    def variables(self):
        """iterations, the optimizer's own weights, then the slots (Keras's order)."""
        out = [self.iterations] + list(self._extra_weights)
        for n in self._slot_names:
            out.extend(self._slots.get(n, {}).values())
        return out

    @property
    def weights(self):
        return self.variables()

    def get_weights(self):
        return [K.get_value(v) for v in self.variables()]

    def set_weights(self, weights):
        params = self.variables()
        if len(params) != len(weights):
            raise ValueError(f"You called `set_weights(weights)` on optimizer {self._name} with "
                             f"a weight list of length {len(weights)}, but the optimizer was "
                             f"expecting {len(params)} weights. Provided weights: "
                             f"{str(weights)[:50]}...")
        for v, w in zip(params, weights):
            if tuple(np.shape(w)) != tuple(v.shape.as_list()):
                raise ValueError(f"Optimizer weight shape {tuple(v.shape.as_list())} not "
                                 f"compatible with provided weight shape {np.shape(w)}.")
            K.set_value(v, w)

    def _matmul_update_fn(self, var):
        """None, or a rule applying a gradient ``op(a) @ op(b)`` without forming it (see
        ``neuroflow.train.optimizer.Optimizer._matmul_update_fn``)."""
        return None

    def _scratch(self, var):
        s = self._scratches.get(var)
        if s is None:
            s = self._scratches[var] = _Scratch(self._n_scratch)
        return s

    # ---------------------------------------------------------------- gradients
    def _transform_gradients(self, grads):
        """clipvalue, then clipnorm (per gradient), then global_clipnorm, as Keras orders them."""
        tf = _tf()
        if self.clipvalue is not None:
            c = float(self.clipvalue)
            grads = [tf.clip_by_value(g, -c, c) for g in grads]
        if self.clipnorm is not None:
            grads = [tf.clip_by_norm(g, float(self.clipnorm)) for g in grads]
        if self.global_clipnorm is not None:
            grads, _ = tf.clip_by_global_norm(grads, float(self.global_clipnorm))
        return grads

    def _finish_step(self, hyper, iterations):
        """Ops to run once per step after the variable updates (Nadam's momentum cache)."""
        return []

    def get_updates_for(self, grads_and_vars):
        """The ops of one step for (gradient, variable) pairs: the fused update of each variable,
        then ``iterations += 1``. Built symbolically inside ``fit``; run at once in eager code."""
        from ...core.graph import control_dependencies
        from ...core.variables import Assign
        tf = _tf()
        pairs = _filter_empty(grads_and_vars)
        var_list = [v for _, v in pairs]
        self._create_all_weights(var_list)
        st = context.state
        building = bool(st.graph_mode or st.symbolic)
        grads = self._transform_gradients([tf.convert_to_tensor(g) for g, _ in pairs])
        it = self.iterations._as_tensor()
        hyper = self._hyper_tensors(it)
        ops = []
        for g, v in zip(grads, var_list):
            if g.dtype is not v.dtype:
                g = tf.cast(g, v.dtype)
            slots = [self._slots[n][v] for n in self._slot_names]
            # eager code keeps earlier reads of the variable unchanged (copy on write), as TF2
            out = _Apply(self, v, slots, copy_on_write=not building)._build(
                (g,) + hyper + (it,), name="update_" + v._name.replace(":", "_"))
            if getattr(v, "constraint", None) is not None:
                out = Assign(v)._build((v.constraint(out),), name="constraint_" + v._name)
            ops.append(out.op)
        ops += self._finish_step(hyper, it)
        with control_dependencies(ops):
            step = self.iterations.assign_add(np.int64(1))
        self._last_step = step
        return ops + [step.op]

    def apply_gradients(self, grads_and_vars, name=None, experimental_aggregate_gradients=True):
        """Applies gradients to variables and adds one to ``iterations``.

        Returns:
          In eager code the new ``iterations`` (a tensor; the variables are already updated);
          while building a graph, the op that applies the step.
        Example:
          >>> grads = tape.gradient(loss, model.trainable_variables)
          >>> opt.apply_gradients(zip(grads, model.trainable_variables))
        """
        ops = self.get_updates_for(list(grads_and_vars))
        st = context.state
        if st.graph_mode or st.symbolic:
            return _tf().group(*ops, name=name or self._name)
        return self._last_step

    def minimize(self, loss, var_list=None, grad_loss=None, name=None, tape=None):
        """Computes the gradients of ``loss`` for ``var_list`` and applies them.

        Args:
          loss: a callable with no arguments returning the loss (eager code), or a tensor
            together with the ``tape`` that recorded it (or any loss tensor in graph mode).
          var_list: the variables, or a callable returning them (called after ``loss``).
        Example:
          >>> opt.minimize(lambda: tf.reduce_mean(tf.square(w * x - y)), [w])
        """
        grads_and_vars = self._compute_gradients(loss, var_list, grad_loss, tape)
        return self.apply_gradients(grads_and_vars, name=name)

    def _compute_gradients(self, loss, var_list, grad_loss=None, tape=None):
        tf = _tf()
        st = context.state
        if callable(loss) and not hasattr(loss, "op"):
            if st.graph_mode or st.symbolic:
                loss = loss()
            else:
                tape = tape if tape is not None else tf.GradientTape()
                with tape:
                    if var_list is not None and not callable(var_list):
                        tape.watch(list(var_list))
                    loss = loss()
        if callable(var_list):
            var_list = var_list()
        if tape is not None:
            if var_list is None:
                var_list = list(tape.watched_variables())
            var_list = list(var_list)
            grads = tape.gradient(loss, var_list, output_gradients=grad_loss)
        elif st.graph_mode or st.symbolic:
            if var_list is None:
                var_list = tf.trainable_variables()
            var_list = list(var_list)
            grads = tf.gradients(loss, var_list, grad_ys=grad_loss)
        else:
            raise ValueError(f"`tape` is required when a `Tensor` loss is passed. Received: "
                             f"loss={loss}, tape={tape}.")
        return list(zip(grads, var_list))

    def get_gradients(self, loss, params):
        """Keras 2's symbolic gradients of ``loss`` for ``params`` (clipping applied)."""
        grads = _tf().gradients(loss, params)
        if any(g is None for g in grads):
            raise ValueError("An operation has `None` for gradient. Please make sure that all of "
                             "your ops have a gradient defined (i.e. are differentiable). Common "
                             "ops without gradient: K.argmax, K.round, K.eval.")
        return self._transform_gradients(grads)

    def get_updates(self, loss, params):
        """Keras 2's list of update ops for ``loss`` (graph code)."""
        grads = _tf().gradients(loss, params)
        return [self.apply_gradients(zip(grads, params))]

    # ---------------------------------------------------------------- config
    def get_config(self):
        config = {"name": self._name}
        for n in self._hyper_names:
            config[n] = self._serialize_hyperparameter(n)
        if self._initial_decay:
            config["decay"] = self._initial_decay
        for k in ("clipnorm", "clipvalue", "global_clipnorm"):
            if getattr(self, k) is not None:
                config[k] = getattr(self, k)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "lr" in config:
            config["learning_rate"] = config.pop("lr")
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"],
                                                            custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self):
        return "<keras.optimizers.%s object at 0x%x>" % (type(self).__name__, id(self))


def _filter_empty(grads_and_vars):
    """The pairs with a gradient; Keras's error when none has one, its warning for the rest."""
    pairs = [(g, v) for g, v in grads_and_vars]
    kept = [(g, v) for g, v in pairs if g is not None]
    if not kept:
        raise ValueError("No gradients provided for any variable: %s."
                         % ([v._name for _, v in pairs],))
    missing = [v._name for g, v in pairs if g is None]
    if missing:
        warnings.warn("Gradients do not exist for variables %s when minimizing the loss. If "
                      "you're using `model.compile()`, did you forget to provide a `loss` "
                      "argument?" % (missing,), stacklevel=3)
    return kept


def _xp(w):
    return get_array_module(w)
