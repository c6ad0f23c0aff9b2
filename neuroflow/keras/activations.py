"""``keras.activations``: activation functions by name ('relu', 'softmax', ...), get/serialize."""
import numpy as np

from . import _ops


def _tf():
    import neuroflow
    return neuroflow


def linear(x):
    """Returns x unchanged."""
    return x


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """max(x, 0), with an optional negative slope ``alpha``, cap ``max_value`` and ``threshold``."""
    tf = _tf()
    if alpha == 0 and max_value is None and threshold == 0:
        return _ops.relu(x)
    x = tf.convert_to_tensor(x)
    if threshold != 0:
        y = x * tf.cast(tf.greater(x, threshold), x.dtype)
    else:
        y = _ops.relu(x)
    if max_value is not None:
        y = tf.minimum(y, tf.cast(max_value, x.dtype))
    if alpha != 0:
        y = y - alpha * _ops.relu(threshold - x if threshold else -x)
    return y


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    return _tf().sigmoid(x)


def tanh(x):
    return _tf().tanh(x)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``."""
    x = _tf().convert_to_tensor(x)
    nd = x.shape.ndims
    if nd == 1:
        raise ValueError(f"Cannot apply softmax to a tensor that is 1D. Received input: {x}")
    return _ops.softmax(x, axis=axis)


def elu(x, alpha=1.0):
    """x if x > 0 else alpha * (exp(x) - 1)."""
    tf = _tf()
    x = tf.convert_to_tensor(x)
    neg = alpha * tf.expm1(-_ops.relu(-x))
    return _ops.relu(x) + neg


def selu(x):
    """scale * elu(x, alpha) with the self-normalizing constants."""
    alpha, scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
    return scale * elu(x, alpha)


def softplus(x):
    """log(1 + exp(x)), as max(x, 0) + log1p(exp(-|x|)) so large x does not overflow."""
    tf = _tf()
    x = tf.convert_to_tensor(x)
    return _ops.relu(x) + tf.log1p(tf.exp(-tf.abs(x)))


def softsign(x):
    tf = _tf()
    return x / (tf.abs(x) + 1)


def exponential(x):
    return _tf().exp(x)


def hard_sigmoid(x):
    """0 for x < -2.5, 1 for x > 2.5, else 0.2 * x + 0.5."""
    tf = _tf()
    x = tf.convert_to_tensor(x)
    return tf.minimum(_ops.relu(0.2 * x + 0.5), tf.cast(1.0, x.dtype))


def swish(x):
    return x * _tf().sigmoid(x)


def gelu(x, approximate=False):
    """x * P(X <= x) for X ~ N(0, 1) (tanh approximation when ``approximate``)."""
    tf = _tf()
    x = tf.convert_to_tensor(x)
    if approximate:
        c = np.sqrt(2 / np.pi).astype(np.float32)
        return 0.5 * x * (1 + tf.tanh(c * (x + 0.044715 * x * x * x)))
    erf = getattr(tf, "erf", None) or getattr(getattr(tf, "math", None), "erf", None)
    if erf is None:
        raise NotImplementedError("gelu(approximate=False) needs tf.math.erf, which neuroflow "
                                  "does not provide yet; use gelu(x, approximate=True).")
    return 0.5 * x * (1 + erf(x / np.float32(np.sqrt(2))))


_BY_NAME = {f.__name__: f for f in (linear, relu, sigmoid, tanh, softmax, elu, selu, softplus,
                                    softsign, exponential, hard_sigmoid, swish, gelu)}
_BY_NAME["silu"] = swish


def serialize(activation):
    """The name of an activation function (what ``get_config`` stores)."""
    if activation is None:
        return "linear"
    name = getattr(activation, "__name__", None)
    if name in _BY_NAME and _BY_NAME[name] is activation:
        return name
    if hasattr(activation, "get_config"):
        return {"class_name": type(activation).__name__, "config": activation.get_config()}
    if name is None:
        raise ValueError(f"Cannot serialize activation {activation!r}: it has no name.")
    return name


def deserialize(name, custom_objects=None):
    if isinstance(name, dict):
        from .layers import deserialize as layer_deserialize
        return layer_deserialize(name, custom_objects)
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    from .utils.generic_utils import get_custom_objects
    if name in get_custom_objects():     # custom_object_scope / get_custom_objects()
        return get_custom_objects()[name]
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"Unknown activation function: '{name}'. Please ensure you are using a "
                         "`keras.utils.custom_object_scope` and that this object is included in "
                         "the scope.") from None


def get(identifier):
    """An activation function from a name, a callable, or None (linear)."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier!r}")
