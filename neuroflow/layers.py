"""``tf.layers`` (TF1): dense, dropout and flatten as functions and layer objects.

A layer makes its variables with ``tf.get_variable`` inside its own variable scope ("dense",
"dense_1" ... or the ``name`` given), so they show up as "dense/kernel:0" and "dense/bias:0" and
can be shared with ``reuse``. Calling a layer object again reuses its variables.
"""
from .core import context
from .core.graph import GraphKeys, add_to_collection, get_default_graph
from .core.op import convert_to_tensor
from .core.variable_scope import VariableScope, get_variable, variable_scope
from .initializers import Zeros


def _activation(activation):
    """A callable from None, a callable or a Keras activation name ("relu", "softmax" ...)."""
    if activation is None or callable(activation):
        return activation
    import neuroflow as tf

    from . import nn
    table = {"relu": nn.relu, "sigmoid": tf.sigmoid, "tanh": tf.tanh, "softmax": nn.softmax,
             "elu": nn.elu, "selu": nn.selu, "softplus": nn.softplus, "softsign": nn.softsign,
             "relu6": nn.relu6, "linear": None}
    if activation not in table:
        raise ValueError(f"Invalid value for argument `activation`: expected a callable or one of "
                         f"{sorted(table)}. Received: activation={activation!r}")
    return table[activation]


def _to_snake(name):
    """TF's class-name-to-layer-name rule (``MultiRNNCell`` -> ``multi_rnn_cell``)."""
    from .keras.layers.base import to_snake_case
    return to_snake_case(name)


class Layer:
    """Base class of the ``tf.layers`` layers (TF1): variables come from ``tf.get_variable``.

    Subclasses implement ``build(input_shape)`` (calling ``add_weight``) and ``call(inputs)``.
    """

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 _scope=None, _reuse=None, **kwargs):
        self.trainable = trainable
        self._name = name
        self._base_name = name or _to_snake(type(self).__name__)
        self.dtype = None if dtype is None else _dtype_name(dtype)
        self.activity_regularizer = activity_regularizer
        self._reuse = _reuse
        self.built = False
        self._trainable_weights, self._non_trainable_weights = [], []
        self._losses = []
        self._scope = None
        if isinstance(_scope, VariableScope):
            self._scope = _scope
        elif _scope:
            with variable_scope(_scope) as captured:
                self._scope = captured

    # ------------------------------------------------------------ naming and scope
    @property
    def name(self):
        if self._name:
            return self._name
        return self._scope.name.split("/")[-1] if self._scope is not None else self._base_name

    @property
    def scope_name(self):
        if self._scope is None:
            raise ValueError("No name available for layer scope because the layer \"%s\" has not "
                             "been used yet. The scope name is determined the first time the layer "
                             "instance is called." % self.name)
        return self._scope.name

    def _set_scope(self, scope=None):
        if self._scope is None:
            if self._reuse:
                with variable_scope(scope if scope is not None else self._base_name) as s:
                    self._scope = s
            else:
                with variable_scope(scope, default_name=self._base_name) as s:
                    self._scope = s

    # ------------------------------------------------------------ weights
    def _add_bias(self, size):
        """``self.bias`` ([size], the layer's bias initializer, regularizer and constraint) when
        ``use_bias``."""
        if self.use_bias:
            self.bias = self.add_weight("bias", [size], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=True, constraint=None, **kwargs):
        """A variable "<layer scope>/<name>" from ``tf.get_variable`` (shared when reused)."""
        trainable = trainable and self.trainable
        v = get_variable(name, shape=shape, dtype=dtype or self.dtype, initializer=initializer,
                         regularizer=regularizer, trainable=trainable, constraint=constraint)
        bucket = self._trainable_weights if trainable else self._non_trainable_weights
        if v not in bucket:
            bucket.append(v)
        return v

    add_variable = add_weight

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def losses(self):
        return list(self._losses)

    @property
    def updates(self):
        return []

    def count_params(self):
        n = 0
        for v in self.weights:
            n += v.shape.num_elements()
        return n

    # ------------------------------------------------------------ calling
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def __call__(self, inputs, *args, **kwargs):
        self._set_scope(kwargs.pop("scope", None))
        inputs = convert_to_tensor(inputs)
        reuse = True if self.built else self._reuse
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False):
            with get_default_graph().name_scope(self._scope.original_name_scope):
                if not self.built:
                    if self.dtype is None and inputs.dtype.is_floating:
                        self.dtype = inputs.dtype.name
                    self.build(inputs.shape)
                    self.built = True
                outputs = self.call(inputs, *args, **kwargs)
                if self.activity_regularizer is not None:
                    with get_default_graph().name_scope("ActivityRegularizer"):
                        loss = self.activity_regularizer(outputs)
                    self._losses.append(loss)
                    add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return outputs

    def apply(self, inputs, *args, **kwargs):
        return self.__call__(inputs, *args, **kwargs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _dtype_name(dtype):
    from .core import dtypes
    return dtypes.as_dtype(dtype).name


def _check_min_ndim(layer, inputs, n):
    nd = inputs.shape.ndims
    if nd is not None and nd < n:
        raise ValueError(f"Input 0 of layer {layer.name} is incompatible with the layer: expected "
                         f"min_ndim={n}, found ndim={nd}. Full shape received: "
                         f"{inputs.shape.as_list()}")


class Dense(Layer):
    """A densely connected layer: ``activation(inputs @ kernel + bias)`` (``tf.layers.Dense``).

    Inputs of rank > 2 are contracted over their last axis. Variables: "<name>/kernel" of shape
    [input_dim, units] (default initializer glorot_uniform) and "<name>/bias" (zeros).

    Example:
      >>> layer = tf.layers.Dense(10, activation=tf.nn.relu)
      >>> y = layer(tf.placeholder(tf.float32, [None, 784]))
      >>> layer.kernel.name
      'dense/kernel:0'
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, activity_regularizer=activity_regularizer,
                         **kwargs)
        self.units = int(units)
        if self.units <= 0:
            raise ValueError(f"Invalid value for argument `units`: expected a positive integer. "
                             f"Received: units={units}")
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = Zeros() if bias_initializer is None else bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.kernel = self.bias = None

    def build(self, input_shape):
        dims = input_shape.as_tuple()
        last = None if not dims else dims[-1]
        if last is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                             "Found `None`.")
        self.kernel = self.add_weight("kernel", [last, self.units], initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self._add_bias(self.units)
        self.built = True

    def call(self, inputs):
        import neuroflow as tf

        from . import nn
        _check_min_ndim(self, inputs, 2)
        dims = inputs.shape.as_tuple()
        if dims is not None and len(dims) > 2:
            outputs = _contract_last(inputs, self.kernel, self.units)
        else:
            outputs = tf.matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = nn.bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        from .core.shape import TensorShape
        return TensorShape(input_shape)[:-1].concatenate([self.units])

    def get_config(self):
        cfg = super().get_config()
        cfg.update(units=self.units, activation=getattr(self.activation, "__name__", None),
                   use_bias=self.use_bias)
        return cfg


def _contract_last(x, W, units):
    """x (..., in) times W (in, units): one 2-D matmul when the inner dims are static."""
    import neuroflow as tf
    dims = x.shape.as_tuple()
    with get_default_graph().name_scope("Tensordot"):
        if None in dims[1:]:
            return tf.matmul(x, W)  # batched product broadcasting W over the leading axes
        y = tf.matmul(tf.reshape(x, [-1, dims[-1]]), W)
        return tf.reshape(y, [-1] + list(dims[1:-1]) + [units])


def _static_bool(pred):
    """The Python value of a predicate known now (bool, NumPy bool, eager tensor), else None."""
    if pred is None:
        return False
    if isinstance(pred, (bool, int)) or type(pred).__module__ == "numpy":
        return bool(pred)
    value = getattr(pred, "_value", None)
    if value is not None and not context.state.graph_mode and not hasattr(pred, "_as_tensor"):
        return bool(value)
    return None


class Dropout(Layer):
    """Zeroes inputs with probability ``rate`` and scales the rest by 1 / (1 - rate) while training.

    ``training`` (given when called) is a Python bool or a boolean tensor, e.g. a placeholder fed
    True for training runs and False for evaluation: the layer then selects at run time.

    Example:
      >>> training = tf.placeholder(tf.bool)
      >>> y = tf.layers.Dropout(0.3)(x, training=training)
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        import neuroflow as tf

        from . import nn
        static = _static_bool(training)
        if static is False:
            return tf.identity(inputs)
        rate = self.rate
        if static is None:  # fed flag: the drop rate is rate while training, 0 (identity) otherwise
            rate = tf.cast(training, inputs.dtype) * rate
        return nn.dropout(inputs, rate=rate, noise_shape=self.noise_shape, seed=self.seed)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(rate=self.rate, noise_shape=self.noise_shape, seed=self.seed)
        return cfg


class Flatten(Layer):
    """Flattens all but the first axis: [batch, d1, d2, ...] -> [batch, d1 * d2 * ...]."""

    def __init__(self, data_format="channels_last", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if data_format not in (None, "channels_last", "channels_first"):
            raise ValueError("Invalid value for argument `data_format`: expected 'channels_last' or "
                             f"'channels_first'. Received: data_format={data_format!r}")
        self.data_format = data_format or "channels_last"

    def call(self, inputs):
        import neuroflow as tf
        dims = inputs.shape.as_tuple()
        if dims is None:
            raise ValueError("Flatten needs inputs of known rank; give the placeholder a shape.")
        if self.data_format == "channels_first" and len(dims) > 2:
            inputs = tf.transpose(inputs, [0] + list(range(2, len(dims))) + [1])
            dims = inputs.shape.as_tuple()
        if len(dims) <= 1:
            return tf.expand_dims(inputs, 1)
        if None not in dims[1:]:
            n = 1
            for d in dims[1:]:
                n *= d
            return tf.reshape(inputs, [-1, n])
        return tf.reshape(inputs, tf.stack([tf.shape(inputs)[0], -1]))

    def compute_output_shape(self, input_shape):
        from .core.shape import TensorShape
        d = TensorShape(input_shape).as_tuple()
        rest = d[1:]
        return TensorShape([d[0], None if None in rest else int(_prod(rest))])

    def get_config(self):
        cfg = super().get_config()
        cfg.update(data_format=self.data_format)
        return cfg


def _prod(xs):
    n = 1
    for x in xs:
        n *= x
    return n


# ------------------------------------------------------------------ functional interface
def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=None, kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
          name=None, reuse=None):
    """Functional interface of ``Dense`` (``tf.layers.dense``).

    Args:
      inputs: a Tensor of rank >= 2 with a known last dimension.
      units: output size.
      activation: a callable such as ``tf.nn.relu`` (None: linear).
      kernel_initializer: default glorot_uniform; bias_initializer: default zeros.
      name: the variable scope ("dense", "dense_1" ... when None).
      reuse: share the variables of a previous layer of the same name.
    Returns:
      the output Tensor, [..., units].
    Example:
      >>> h = tf.layers.dense(X, 512, activation=tf.nn.relu)
      >>> logits = tf.layers.dense(h, 10)
    """
    layer = Dense(units, activation=activation, use_bias=use_bias,
                  kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                  kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                  activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                  bias_constraint=bias_constraint, trainable=trainable, name=name, _scope=name,
                  _reuse=reuse)
    return layer.apply(inputs)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """Functional interface of ``Dropout`` (``tf.layers.dropout``): identity unless ``training``.

    Example:
      >>> is_training = tf.placeholder(tf.bool)
      >>> h = tf.layers.dropout(h, rate=0.3, training=is_training)
    """
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer.apply(inputs, training=training)


def flatten(inputs, name=None, data_format="channels_last"):
    """Flattens all but the batch axis (``tf.layers.flatten``)."""
    return Flatten(name=name, data_format=data_format).apply(inputs)


__all__ = ["Layer", "Dense", "Dropout", "Flatten", "dense", "dropout", "flatten"]
from .layers_conv import *  # noqa: E402,F401,F403 - conv and pooling (layers_conv.py)
from .layers_conv3d import *  # noqa: E402,F401,F403 - 3-D conv and pooling (layers_conv3d.py)
from .layers_norm import *  # noqa: E402,F401,F403 - batch normalization (layers_norm.py)
