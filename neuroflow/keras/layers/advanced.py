"""Advanced activation layers: LeakyReLU, ReLU, PReLU, ELU, Softmax, ThresholdedReLU.

minimal; extended by the Keras part-2 owner.
"""
from .. import _initializers, _ops, activations, constraints, regularizers
from .base import InputSpec, Layer


def _tf():
    import neuroflow
    return neuroflow


class LeakyReLU(Layer):
    """x if x > 0 else alpha * x (``alpha`` defaults to 0.3, as Keras)."""

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        if alpha is None or alpha < 0:
            raise ValueError(f"Invalid value for argument `alpha`: expected a float >= 0. "
                             f"Received: alpha={alpha}")
        self.alpha = float(alpha)

    def call(self, inputs):
        return activations.relu(inputs, alpha=self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class ReLU(Layer):
    """max(x, 0) with optional cap ``max_value``, slope ``negative_slope`` and ``threshold``."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"Invalid value for argument `max_value`: expected a float >= 0. "
                             f"Received: max_value={max_value}")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"Invalid value for argument `negative_slope`: expected a float >= 0. "
                             f"Received: negative_slope={negative_slope}")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs):
        return activations.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config


class PReLU(Layer):
    """x if x > 0 else alpha * x, with ``alpha`` a learned weight (one per unit)."""

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = _initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.shared_axes = None if shared_axes is None else \
            [shared_axes] if isinstance(shared_axes, int) else list(shared_axes)

    def build(self, input_shape):
        shape = list(input_shape.as_tuple()[1:])
        axes = {}
        for ax in self.shared_axes or []:
            shape[ax - 1] = 1
        for i, s in enumerate(shape):
            if s != 1 and s is not None:
                axes[i + 1] = s
        self.alpha = self.add_weight("alpha", shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        self.input_spec = InputSpec(ndim=len(shape) + 1, axes=axes)
        self.built = True

    def call(self, inputs):
        return _ops.relu(inputs) - self.alpha * _ops.relu(-inputs)

    def get_config(self):
        config = super().get_config()
        config.update({"alpha_initializer": _initializers.serialize(self.alpha_initializer),
                       "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                       "alpha_constraint": constraints.serialize(self.alpha_constraint),
                       "shared_axes": self.shared_axes})
        return config


class ELU(Layer):
    """x if x > 0 else alpha * (exp(x) - 1)."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs):
        return activations.elu(inputs, self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class ThresholdedReLU(Layer):
    """x if x > theta else 0."""

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = float(theta)

    def call(self, inputs):
        tf = _tf()
        return inputs * tf.cast(tf.greater(inputs, self.theta), inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["theta"] = self.theta
        return config


class Softmax(Layer):
    """Softmax along ``axis`` as a layer."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return activations.softmax(inputs, axis=self.axis)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
