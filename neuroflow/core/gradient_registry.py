"""User gradients: ``tf.RegisterGradient``, ``tf.no_gradient`` and ``Graph.gradient_override_map``.

A function registered under a name is used for the ops created inside
``with g.gradient_override_map({"OpType": "name"})``: ``tf.gradients`` and ``GradientTape`` call
``fn(op, *output_grads)`` and expect one gradient per input (a tensor or None), as TF does. The
name "Identity" passes the gradient straight through (the straight-through estimator of
quantisation code: ``{"Round": "Identity"}``). ``tf.no_gradient("T")`` makes ops of type (or
override name) ``T`` pass no gradient.
"""
_registry = {}
_no_gradient = set()


class RegisterGradient:
    """Decorator registering ``fn(op, *grads)`` as the gradient named ``op_type``.

    Example:
      >>> @tf.RegisterGradient("ClippedSquare")
      ... def _clipped(op, grad):
      ...     return tf.clip_by_value(2.0 * op.inputs[0] * grad, -1.0, 1.0)
      >>> with tf.get_default_graph().gradient_override_map({"Square": "ClippedSquare"}):
      ...     y = tf.square(x)
    """

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, fn):
        if self._op_type in _registry or self._op_type in _no_gradient:
            raise KeyError("Registering two gradient with name '%s'!" % self._op_type)
        _registry[self._op_type] = fn
        return fn


def no_gradient(op_type):
    """Declares that ops of type (or gradient override name) ``op_type`` have no gradient."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    if op_type in _registry:
        raise KeyError("Registering two gradient with name '%s'!" % op_type)
    _no_gradient.add(op_type)


def _identity(op, *grads):
    return grads[0] if len(op.inputs) == 1 else tuple(grads[:len(op.inputs)])


def user_gradient(op):
    """The registered function for ``op``, ``None`` for "no gradient", or ``False`` when the op's
    own ``backward`` applies."""
    name = getattr(op, "_gradient_op_type", None)
    if name is None:
        return None if op.type in _no_gradient else False
    if name in _no_gradient:
        return None
    if name in _registry:
        return _registry[name]
    if name == "Identity":
        return _identity
    raise LookupError("No gradient defined for operation '%s' (op type: %s): "
                      "gradient_override_map names '%s', which no tf.RegisterGradient "
                      "registered." % (op.name, op.type, name))
