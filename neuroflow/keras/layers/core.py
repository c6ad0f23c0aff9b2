"""Core layers: Input/InputLayer, Dense, Activation, Dropout, Flatten, Reshape, Permute,
RepeatVector, Lambda, Embedding, ActivityRegularization, GaussianNoise."""
import base64
import marshal
import sys
import types

import numpy as np

from ...core import context, dtypes
from ...core.op import Placeholder
from ...core.shape import TensorShape
from .. import _initializers, _ops, activations, backend as K, constraints, regularizers
from .base import InputSpec, Layer, shape_tuple

_UNSAFE = {"allowed": False}


def enable_unsafe_deserialization():
    """Lets ``from_config``/``model_from_json`` rebuild Python lambdas stored in Lambda layers."""
    _UNSAFE["allowed"] = True


def _tf():
    import neuroflow
    return neuroflow


def _check_rate(rate):
    if isinstance(rate, (int, float)) and not 0 <= rate < 1:
        raise ValueError(f"Invalid value for argument `rate`: expected a float in [0, 1). "
                         f"Received: rate={rate}")


# ==================================================================== Input
class InputLayer(Layer):
    """The layer behind ``Input``: holds the model's symbolic input tensor."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None,
                 sparse=False, name=None, ragged=False, batch_input_shape=None, **kwargs):
        if batch_input_shape is None:
            shape = () if input_shape is None else \
                (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
            batch_input_shape = (batch_size,) + shape
        if not name:
            name = "input_%d" % K.get_uid("input")
        dtype = dtype.name if hasattr(dtype, "name") and not isinstance(dtype, str) else dtype
        super().__init__(name=name, dtype=dtype or K.floatx())
        self._batch_input_shape = tuple(None if d is None else int(d) for d in batch_input_shape)
        self.sparse, self.ragged = sparse, ragged
        self.built = True
        g = K.get_graph()
        with context.symbolic(), g.as_default():
            shape = TensorShape(self._batch_input_shape)
            t = Placeholder(dtypes.as_dtype(self.dtype), shape)._build((), self.name)
        self._add_node([], t, (), {})

    @property
    def output_shape(self):
        """[(None, ...)]: a list, as tf.keras 2.x reports it (and prints it in summary())."""
        return [self._batch_input_shape]

    def get_config(self):
        return {"batch_input_shape": self._batch_input_shape, "dtype": self.dtype,
                "sparse": self.sparse, "ragged": self.ragged, "name": self.name}


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False,  # noqa: N802
          tensor=None, ragged=False, batch_shape=None, **kwargs):
    """A symbolic input tensor that starts a functional model.

    Args:
      shape: the shape of one sample, without the batch size, e.g. ``(784,)``.
      batch_size, batch_shape: a fixed batch size, or the full shape including it.
      name, dtype: the input layer's name (default 'input_N') and dtype (default float32).
    Example:
      >>> x = keras.Input(shape=(784,))
      >>> x.shape
      TensorShape([None, 784])
    """
    batch_shape = kwargs.pop("batch_input_shape", batch_shape)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {list(kwargs)}")
    if shape is None and batch_shape is None:
        raise ValueError("Please provide to Input a `shape` or a `batch_shape` argument. Note that "
                         "`shape` does not include the batch dimension.")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       name=name, ragged=ragged, batch_input_shape=batch_shape)
    return layer._inbound_nodes[0].outputs


# ==================================================================== Dense and friends
class Dense(Layer):
    """A densely connected layer: ``activation(dot(inputs, kernel) + bias)``.

    Args:
      units: the number of outputs.
      activation: a name ('relu', 'sigmoid', 'softmax' ...) or a function; None is linear.
      use_bias: add a bias vector.
      kernel_initializer, bias_initializer: 'glorot_uniform' and 'zeros' by default.
      kernel_regularizer, bias_regularizer, activity_regularizer: penalties added to the loss.
      kernel_constraint, bias_constraint: projections applied after each update.
    Example:
      >>> model.add(keras.layers.Dense(256, input_dim=784, activation='sigmoid'))
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.supports_masking = True
        units = int(units) if not isinstance(units, int) else units
        if units <= 0:
            raise ValueError("Received an invalid value for `units`, expected a positive integer. "
                             f"Received: units={units}")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = _initializers.get(kernel_initializer)
        self.bias_initializer = _initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        last = TensorShape(input_shape).as_tuple()[-1]
        if last is None:
            raise ValueError("The last dimension of the inputs to a Dense layer should be defined. "
                             "Found None. Full input shape received: %s" % (input_shape,))
        self.kernel = self.add_weight("kernel", (last, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last})
        self.built = True

    def call(self, inputs):
        tf = _tf()
        if inputs.dtype.name != self.dtype:
            inputs = tf.cast(inputs, self.dtype)
        y = tf.matmul(inputs, self.kernel)
        if self.use_bias:
            y = tf.nn.bias_add(y, self.bias)   # its gradient is one sum over the batch
        return self.activation(y) if self.activation is not activations.linear else y

    def compute_output_shape(self, input_shape):
        return TensorShape(TensorShape(input_shape).as_tuple()[:-1] + (self.units,))

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": _initializers.serialize(self.kernel_initializer),
            "bias_initializer": _initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint)})
        return config


class Activation(Layer):
    """Applies an activation function: ``Activation('softmax')``."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


class Dropout(Layer):
    """Sets a fraction ``rate`` of the inputs to 0 while training (scaling the rest by 1/(1-rate)).

    Example:
      >>> model.add(keras.layers.Dropout(0.5))
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        _check_rate(rate)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=None):
        if training and self.rate > 0:
            return _ops.dropout(inputs, self.rate, self.noise_shape, self.seed)
        return inputs

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed})
        return config


class Flatten(Layer):
    """Flattens each sample: (batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format or K.image_data_format()
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        tf = _tf()
        d = shape_tuple(inputs)
        if self.data_format == "channels_first" and d is not None and len(d) > 2:
            inputs = tf.transpose(inputs, [0] + list(range(2, len(d))) + [1])
        if d is not None and len(d) == 1:
            return tf.expand_dims(inputs, 1)
        if d is not None and None not in d[1:]:
            return tf.reshape(inputs, [-1, int(np.prod(d[1:]))])
        return tf.reshape(inputs, [tf.shape(inputs)[0], -1])

    def compute_output_shape(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        rest = None if None in d[1:] else int(np.prod(d[1:]))
        return TensorShape((d[0], rest if len(d) > 1 else 1))

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def _resolved(self, d):
        t = list(self.target_shape)
        if -1 in t:
            rest = d[1:] if d is not None else None
            if rest is None or None in rest:
                return t
            known = int(np.prod([s for s in t if s != -1]))
            total = int(np.prod(rest))
            if known == 0 or total % known:
                raise ValueError(f"total size of the new array must be unchanged, input_shape = "
                                 f"{list(rest)}, output_shape = {t}")
            t[t.index(-1)] = total // known
        return t

    def call(self, inputs):
        tf = _tf()
        t = self._resolved(shape_tuple(inputs))
        if -1 in t:
            return tf.reshape(inputs, [tf.shape(inputs)[0]] + t)
        return tf.reshape(inputs, [-1] + t)

    def compute_output_shape(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        t = self._resolved(d)
        return TensorShape((d[0],) + tuple(None if s == -1 else s for s in t))

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config


class Permute(Layer):
    """Permutes the non-batch axes: ``Permute((2, 1))`` swaps the two axes of each sample."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The set of "
                             f"indices in `dims` must be consecutive and start from 1. Received "
                             f"dims={dims}")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return _tf().transpose(inputs, [0] + list(self.dims))

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config


class RepeatVector(Layer):
    """Repeats each input vector n times: (batch, d) -> (batch, n, d)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        tf = _tf()
        d = shape_tuple(inputs)
        return tf.expand_dims(inputs, 1) + tf.zeros([1, self.n, d[-1]], dtype=inputs.dtype)

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config


class Lambda(Layer):
    """Wraps a function of tensors as a layer: ``Lambda(lambda x: x ** 2)``.

    A Python ``lambda`` stored in a config is rebuilt only after
    ``keras.config.enable_unsafe_deserialization()`` (or ``safe_mode=False`` when loading): running
    code from a file is a risk the user must choose.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self.mask = mask

    def call(self, inputs, mask=None, training=None):
        kw = dict(self.arguments)
        code = getattr(self.function, "__code__", None)
        if code is not None and "training" in code.co_varnames[:code.co_argcount]:
            kw["training"] = training
        return self.function(inputs, **kw)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return TensorShape(self._output_shape(input_shape))
        d = TensorShape(input_shape).as_tuple()
        return TensorShape((d[0],) + tuple(self._output_shape))

    def get_config(self):
        config = super().get_config()
        f = self.function
        if isinstance(f, types.LambdaType) and (f.__name__ == "<lambda>" or f.__closure__):
            code = base64.b64encode(marshal.dumps(f.__code__)).decode("ascii")
            closure = tuple(c.cell_contents for c in f.__closure__) if f.__closure__ else None
            fn, ftype = [code, f.__defaults__, closure], "lambda"
        else:
            fn, ftype = f.__name__, "function"
        config.update({"function": fn, "function_type": ftype,
                       "module": getattr(f, "__module__", None), "output_shape": self._output_shape,
                       "output_shape_type": "raw", "arguments": self.arguments})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        ftype = config.pop("function_type", "function")
        fn = config.pop("function")
        module = config.pop("module", None)
        config.pop("output_shape_type", None)
        globs = dict(globals())
        if module in sys.modules:
            globs.update(sys.modules[module].__dict__)
        if custom_objects:
            globs.update(custom_objects)
        if ftype == "function":
            if fn not in globs:
                raise ValueError(f"Unknown function in Lambda layer: '{fn}'. Pass it in "
                                 "`custom_objects`.")
            config["function"] = globs[fn]
        else:
            if not _UNSAFE["allowed"]:
                raise ValueError(
                    "Requested the deserialization of a Lambda layer with a Python `lambda` inside "
                    "it. This carries a potential risk of arbitrary code execution and thus it is "
                    "disallowed by default. If you trust the source of the saved model, you can "
                    "pass `safe_mode=False` to the loading function in order to allow Lambda "
                    "layer loading, or call `keras.config.enable_unsafe_deserialization()`.")
            code, defaults, closure = fn
            co = marshal.loads(base64.b64decode(code))
            cells = tuple(types.CellType(c) for c in closure) if closure else None
            config["function"] = types.FunctionType(co, globs, co.co_name,
                                                    tuple(defaults) if defaults else None, cells)
        return cls(**config)


class Embedding(Layer):
    """Maps integer indices to dense vectors: (batch, length) -> (batch, length, output_dim).

    Example:
      >>> layer = keras.layers.Embedding(1000, 64, input_length=10)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None, embeddings_constraint=None,
                 mask_zero=False, input_length=None, **kwargs):
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = (input_length,) if not isinstance(input_length, (list, tuple)) \
                else tuple(input_length)
        kwargs.setdefault("dtype", K.floatx())
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if input_dim <= 0 or output_dim <= 0:
            raise ValueError("Both `input_dim` and `output_dim` should be positive, found "
                             f"input_dim {input_dim} and output_dim {output_dim}")
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = _initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero, self.input_length = mask_zero, input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self.built = True

    def call(self, inputs):
        tf = _tf()
        if not inputs.dtype.is_integer:
            inputs = tf.cast(inputs, tf.int32)
        return _ops.gather(self.embeddings, inputs)

    def compute_mask(self, inputs, mask=None):
        return _tf().not_equal(inputs, 0) if self.mask_zero else None

    def get_config(self):
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim, "output_dim": self.output_dim,
            "embeddings_initializer": _initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero, "input_length": self.input_length})
        return config


class ActivityRegularization(Layer):
    """Passes its input through and adds l1/l2 penalties on it to the loss."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2

    def call(self, inputs):
        return inputs

    def get_config(self):
        config = super().get_config()
        config.update({"l1": self.l1, "l2": self.l2})
        return config


class GaussianNoise(Layer):
    """Adds zero-centred normal noise of std ``stddev`` while training (a regularizer)."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev, self.seed = stddev, seed

    def call(self, inputs, training=None):
        if training and self.stddev > 0:
            return inputs + _ops.normal_like(inputs, self.stddev, self.seed)
        return inputs

    def get_config(self):
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
