"""Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot, and their
lowercase functional forms (``add([x1, x2])``)."""
from ...core.shape import TensorShape
from .base import Layer, shape_tuple


def _tf():
    import neuroflow
    return neuroflow


class _Merge(Layer):
    """Combines a list of tensors of the same shape (broadcasting a size-1 axis) elementwise."""

    _min_inputs = 2

    def _check_list(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: "
                             f"inputs={inputs} (not a list of tensors)")
        if len(inputs) < self._min_inputs:
            raise ValueError(f"A merge layer should be called on a list of at least "
                             f"{self._min_inputs} inputs. Got {len(inputs)} inputs.")

    def build(self, input_shape):
        self._check_list(input_shape)
        shapes = [TensorShape(s).as_tuple() for s in input_shape]
        ref = shapes[0]
        for s in shapes[1:]:
            if ref is None or s is None or len(s) != len(ref):
                continue
            for a, b in zip(ref[1:], s[1:]):
                if a is not None and b is not None and a != b and a != 1 and b != 1:
                    raise ValueError("Inputs have incompatible shapes. Received shapes "
                                     f"{_fmt(ref)} and {_fmt(s)}")
        self.built = True

    def call(self, inputs):
        self._check_list(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = self._merge(out, x)
        return out


def _fmt(d):
    return str(tuple(d))


class Add(_Merge):
    """Sum of the inputs: ``Add()([x1, x2])``."""

    def _merge(self, a, b):
        return a + b


class Subtract(_Merge):
    """x1 - x2 (exactly two inputs)."""

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: input_shape={input_shape}")
        super().build(input_shape)

    def call(self, inputs):
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: inputs={inputs}")
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Elementwise product of the inputs."""

    def _merge(self, a, b):
        return a * b


class Average(_Merge):
    """Elementwise mean of the inputs."""

    def call(self, inputs):
        self._check_list(inputs)
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out / float(len(inputs))


class Maximum(_Merge):
    """Elementwise maximum of the inputs."""

    def _merge(self, a, b):
        return _tf().maximum(a, b)


class Minimum(_Merge):
    """Elementwise minimum of the inputs."""

    def _merge(self, a, b):
        return _tf().minimum(a, b)


class Concatenate(_Merge):
    """Joins the inputs along ``axis`` (default the last)."""

    _min_inputs = 1

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        self._check_list(input_shape)
        shapes = [TensorShape(s).as_tuple() for s in input_shape]
        known = [s for s in shapes if s is not None]
        if known:
            rank = len(known[0])
            ax = self.axis % rank
            for s in known[1:]:
                bad = len(s) != rank or any(a is not None and b is not None and a != b
                                            for i, (a, b) in enumerate(zip(known[0], s)) if i != ax)
                if bad:
                    raise ValueError("A `Concatenate` layer requires inputs with matching shapes "
                                     "except for the concatenation axis. Received: input_shape="
                                     f"{[_fmt(x) for x in shapes]}")
        self.built = True

    def call(self, inputs):
        self._check_list(inputs)
        return _tf().concat(list(inputs), axis=self.axis)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


class Dot(_Merge):
    """Dot product of two samples along ``axes`` (cosine proximity when ``normalize``)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes = axes if isinstance(axes, int) else tuple(axes)
        self.normalize = normalize

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError("A `Dot` layer should be called on a list of 2 inputs. "
                             f"Received: input_shape={input_shape}")
        self.built = True

    def call(self, inputs):
        tf = _tf()
        x, y = inputs
        dx, dy = shape_tuple(x), shape_tuple(y)
        ax = (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        ax = [a % len(d) for a, d in zip(ax, (dx, dy))]
        if self.normalize:
            x = _l2_normalize(tf, x, ax[0])
            y = _l2_normalize(tf, y, ax[1])
        if len(dx) == 2 and len(dy) == 2:
            return tf.reduce_sum(x * y, axis=1, keepdims=True)
        if len(dx) == 3 and len(dy) == 3:
            # batched matmul: bring x's contracted axis last and y's to the middle
            xt = x if ax[0] == 2 else tf.transpose(x, [0, 2, 1])
            yt = y if ax[1] == 1 else tf.transpose(y, [0, 2, 1])
            return tf.matmul(xt, yt)
        raise NotImplementedError("neuroflow's Dot layer supports two 2D or two 3D inputs; "
                                  f"received shapes {dx} and {dy}.")

    def get_config(self):
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def _l2_normalize(tf, x, axis):
    sq = tf.reduce_sum(tf.square(x), axis=axis, keepdims=True)
    return x * tf.rsqrt(tf.maximum(sq, 1e-12))


def add(inputs, **kwargs):
    """Functional form of ``Add``: ``add([x1, x2])``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``: ``concatenate([x1, x2], axis=-1)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
