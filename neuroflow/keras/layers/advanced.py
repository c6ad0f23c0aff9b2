"""Advanced activation layers (Keras 2's ``advanced_activations``): LeakyReLU, ReLU, PReLU, ELU,
ThresholdedReLU, Softmax."""
from .. import _initializers, _ops, activations, constraints, regularizers
from .base import InputSpec, Layer


def _tf():
    import neuroflow
    return neuroflow


class LeakyReLU(Layer):
    """x if x > 0 else alpha * x.

    Args:
      alpha: the slope for x < 0 (0.3 by default, as Keras; tf.nn.leaky_relu's is 0.2).
    Example:
      >>> model.add(keras.layers.Dense(64))
      >>> model.add(keras.layers.LeakyReLU(alpha=0.1))
    """

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError("The alpha value of a Leaky ReLU layer cannot be None, needs a "
                             f"float. Got {alpha}")
        self.supports_masking = True
        self.alpha = float(alpha)

    def call(self, inputs):
        return _tf().nn.leaky_relu(inputs, alpha=self.alpha)   # one fused op

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class ReLU(Layer):
    """max(x, 0), with an optional cap, slope below the threshold, and threshold:
    f(x) = max_value for x >= max_value, x for threshold <= x < max_value,
    negative_slope * (x - threshold) otherwise.

    Example:
      >>> keras.layers.ReLU(max_value=6.0)           # ReLU6
      >>> keras.layers.ReLU(negative_slope=0.1, threshold=1.0)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError("max_value of a ReLU layer cannot be a negative value. Got: "
                             f"{max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError("negative_slope of a ReLU layer cannot be a negative value. Got: "
                             f"{negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError("threshold of a ReLU layer cannot be a negative value. Got: "
                             f"{threshold}")
        self.supports_masking = True
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope, self.threshold = float(negative_slope), float(threshold)

    def call(self, inputs):
        return activations.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        config = super().get_config()
        config.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                       "threshold": self.threshold})
        return config


class PReLU(Layer):
    """x if x > 0 else alpha * x, with ``alpha`` a learned weight (one per unit, or shared over
    ``shared_axes``).

    Example:
      >>> keras.layers.PReLU(shared_axes=[1, 2])   # one alpha per channel of an image
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = _initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.shared_axes = None if shared_axes is None else \
            [shared_axes] if isinstance(shared_axes, int) else list(shared_axes)

    def build(self, input_shape):
        shape = list(input_shape.as_tuple()[1:])
        for ax in self.shared_axes or []:
            shape[ax - 1] = 1
        axes = {i + 1: s for i, s in enumerate(shape) if s != 1 and s is not None}
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
    """x if x > 0 else alpha * (exp(x) - 1) (alpha=1.0).

    Example:
      >>> keras.layers.ELU(alpha=0.5)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError("Alpha of an ELU layer cannot be None, expecting a float. "
                             f"Received: {alpha}")
        self.supports_masking = True
        self.alpha = float(alpha)

    def call(self, inputs):
        return activations.elu(inputs, self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class ThresholdedReLU(Layer):
    """x if x > theta else 0 (theta=1.0).

    Example:
      >>> keras.layers.ThresholdedReLU(theta=0.5)
    """

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        if theta is None:
            raise ValueError("Theta of a Thresholded ReLU layer cannot be None, expecting a "
                             f"float. Received: {theta}")
        if theta < 0:
            raise ValueError("The theta value of a Thresholded ReLU layer should be >=0. "
                             f"Received: {theta}")
        self.supports_masking = True
        self.theta = float(theta)

    def call(self, inputs):
        tf = _tf()
        return inputs * tf.cast(tf.greater(inputs, self.theta), inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["theta"] = self.theta
        return config


class Softmax(Layer):
    """Softmax along ``axis`` (an int, or a list of axes normalized together); positions where
    the ``mask`` argument is False get (almost) no probability.

    Example:
      >>> keras.layers.Softmax()(np.asarray([1., 2., 1.])[None]).numpy()
      array([[0.21194157, 0.5761169 , 0.21194157]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.axis = axis

    def call(self, inputs, mask=None):
        tf = _tf()
        if mask is not None:
            # a large negative number (not -inf) so a fully masked row stays finite, as Keras
            big = 65500.0 if inputs.dtype.name == "float16" else 1e9
            inputs = inputs + (1.0 - tf.cast(mask, inputs.dtype)) * -big
        axis = self.axis
        if isinstance(axis, (tuple, list)):
            if len(axis) > 1:
                return tf.exp(inputs - tf.reduce_logsumexp(inputs, axis=list(axis),
                                                           keepdims=True))
            axis = axis[0]
        return activations.softmax(inputs, axis=axis)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config
