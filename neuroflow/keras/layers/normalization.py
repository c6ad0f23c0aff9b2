"""Normalization layers: BatchNormalization (moving statistics, training vs inference) and
LayerNormalization.

BatchNormalization over one axis runs the fused ``FusedBatchNormV3`` op (hand-written backward).
While training it also updates its moving statistics, moving -= (moving - batch) * (1 - momentum),
with assign ops that the layer's output depends on (control inputs). So whatever computes the
output in training mode updates them once: ``fit``'s train step through the executor, an eager
``layer(x, training=True)``, or a TF1 ``Session.run`` of a graph built with ``training=True``.
``layer.updates`` lists the assign ops of the latest training call. The variance going into the
moving average has Bessel's correction for 4-D/5-D inputs (TF's fused kernel), none otherwise, as in
Keras.
"""
from ...core import context, dtypes
from ...core.graph import control_dependencies, name_scope
from ...core.op import convert_to_tensor
from ...core.shape import TensorShape
from .. import _initializers, constraints, regularizers
from .base import InputSpec, Layer

__all__ = ["BatchNormalization", "LayerNormalization"]


def _tf():
    import neuroflow
    return neuroflow


def _static_bool(flag):
    """The Python value of ``training`` known now (bool, int, NumPy bool, eager tensor) or None."""
    if flag is None:
        return False
    if isinstance(flag, (bool, int)) or type(flag).__module__ == "numpy":
        return bool(flag)
    value = getattr(flag, "_value", None)
    if value is not None and not context.state.graph_mode and not context.state.symbolic:
        return bool(value)
    return None


def add_batch_norm_weights(layer, shape):
    """gamma (``scale``), beta (``center``) and the moving mean and variance of a batch
    normalization layer (Keras's or ``tf.layers``'), in float32 unless the layer is float64."""
    dt = layer.dtype if layer.dtype in ("float32", "float64") else "float32"
    if layer.scale:
        layer.gamma = layer.add_weight("gamma", shape, dtype=dt,
                                       initializer=layer.gamma_initializer,
                                       regularizer=layer.gamma_regularizer,
                                       constraint=layer.gamma_constraint)
    if layer.center:
        layer.beta = layer.add_weight("beta", shape, dtype=dt, initializer=layer.beta_initializer,
                                      regularizer=layer.beta_regularizer,
                                      constraint=layer.beta_constraint)
    layer.moving_mean = layer.add_weight("moving_mean", shape, dtype=dt,
                                         initializer=layer.moving_mean_initializer,
                                         trainable=False)
    layer.moving_variance = layer.add_weight("moving_variance", shape, dtype=dt,
                                             initializer=layer.moving_variance_initializer,
                                             trainable=False)


def _axes_list(axis):
    if isinstance(axis, (list, tuple)):
        return [int(a) for a in axis]
    return [int(axis)]


def _gamma_beta_args(layer, axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                     beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint):
    """The arguments BatchNormalization and LayerNormalization share, checked and resolved."""
    if isinstance(axis, (list, tuple)):
        layer.axis = list(axis)
    elif isinstance(axis, int):
        layer.axis = axis
    else:
        raise TypeError("Expected an int or a list/tuple of ints for the argument 'axis', but "
                        f"received: {axis}")
    layer.epsilon = float(epsilon)
    layer.center, layer.scale = center, scale
    layer.beta_initializer = _initializers.get(beta_initializer)
    layer.gamma_initializer = _initializers.get(gamma_initializer)
    layer.beta_regularizer = regularizers.get(beta_regularizer)
    layer.gamma_regularizer = regularizers.get(gamma_regularizer)
    layer.beta_constraint = constraints.get(beta_constraint)
    layer.gamma_constraint = constraints.get(gamma_constraint)
    layer.supports_masking = True
    layer.gamma = layer.beta = None


class BatchNormalization(Layer):
    """Normalizes each channel with the batch's mean and variance while training, and with the
    moving averages of those at inference: ``gamma * (x - mean) / sqrt(var + epsilon) + beta``.

    Args:
      axis: the channel axis (or a list of axes) kept; statistics run over all the others.
      momentum: of the moving averages (default 0.99); epsilon: added to the variance (1e-3).
      center, scale: learn ``beta`` / ``gamma``.
      *_initializer, *_regularizer, *_constraint: for beta, gamma and the moving statistics.
    Weights: gamma, beta (trainable), moving_mean, moving_variance (non-trainable), in this order.
    A layer with ``trainable = False`` always runs in inference mode (as in TF2 Keras).
    Example:
      >>> model.add(keras.layers.BatchNormalization())
      >>> bn = keras.layers.BatchNormalization(momentum=0.0)
      >>> _ = bn(np.array([[1.0], [3.0]], np.float32), training=True)
      >>> bn.moving_mean.numpy()
      array([2.], dtype=float32)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                 fused=None, trainable=True, virtual_batch_size=None, adjustment=None, name=None,
                 synchronized=False, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError("BatchNormalization with renorm, virtual_batch_size or "
                                      "adjustment is not supported by neuroflow yet.")
        _gamma_beta_args(self, axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint)
        self.momentum = float(momentum)
        self.fused, self.synchronized = fused, synchronized
        self.moving_mean_initializer = _initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = _initializers.get(moving_variance_initializer)
        self._updates = []

    def build(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        if d is None:
            raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}.")
        n = len(d)
        axes = _axes_list(self.axis)
        for i, a in enumerate(axes):
            if a < -n or a >= n:
                raise ValueError(f"Invalid axis. Expected 0 <= axis < inputs.rank (with inputs.rank"
                                 f"={n}). Received: layer.axis={self.axis}")
            axes[i] = a % n
        if len(set(axes)) != len(axes):
            raise ValueError(f"Duplicate axis: {self.axis}")
        self.axis = axes
        for a in axes:
            if d[a] is None:
                raise ValueError(f"Input has undefined `axis` dimension. Received input with shape "
                                 f"{tuple(d)} and axis={self.axis}")
        self.input_spec = InputSpec(ndim=n, axes={a: d[a] for a in axes})
        shape = tuple(d[a] for a in axes)
        add_batch_norm_weights(self, shape)
        self.built = True

    @property
    def updates(self):
        return list(self._updates)

    # ---------------------------------------------------------------- call
    def call(self, inputs, training=None):
        tf = _tf()
        if not self.trainable:
            training = False
        static = _static_bool(training)
        x = inputs
        rank = x.shape.ndims
        if len(self.axis) == 1:
            y, stats = self._fused(x, rank, self.axis[0], static, training)
        else:
            y, stats = self._composed(x, rank, static, training)
        self._updates = []
        if stats is None:
            return y
        decay = 1.0 - self.momentum
        if static is None:   # a fed flag: decay 0 when not training leaves the averages as they are
            decay = tf.cast(training, x.dtype) * decay
        updates = [self._assign_average(self.moving_mean, stats[0], decay),
                   self._assign_average(self.moving_variance, stats[1], decay)]
        self._updates = updates
        if y._value is not None and not context.state.symbolic:
            return y   # eager: the updates have run already
        with control_dependencies(updates):
            return tf.identity(y)

    def _assign_average(self, var, value, decay):
        with name_scope("AssignMovingAvg"):
            return var.assign_sub((var - value) * decay)

    def _params(self, c, dt):
        tf = _tf()
        gamma = convert_to_tensor(self.gamma) if self.scale else tf.ones([c], dt)
        beta = convert_to_tensor(self.beta) if self.center else tf.zeros([c], dt)
        return gamma, beta

    def _fused(self, x, rank, a, static, training):
        """One channel axis: the FusedBatchNorm op along the last axis (moved there if need be)."""
        from ...ops.norm_ops import FusedBatchNorm
        tf = _tf()
        moved = a != rank - 1
        if moved:
            perm = [i for i in range(rank) if i != a] + [a]
            x = tf.transpose(x, perm)
        c = x.shape.as_tuple()[-1]
        gamma, beta = self._params(c, x.dtype)
        mm, mv = convert_to_tensor(self.moving_mean), convert_to_tensor(self.moving_variance)
        stats = None
        if static is False:
            op = FusedBatchNorm(self.epsilon, training=False)
            y = op._build((x, gamma, beta, mm, mv), "FusedBatchNormV3")[0]
        else:
            flag = () if static else (convert_to_tensor(training, dtype=dtypes.bool_),)
            bessel = (rank, a) in ((4, 1), (4, 3), (5, 1), (5, 4))   # where Keras runs TF's kernel
            op = FusedBatchNorm(self.epsilon, training=True if static else None, bessel=bessel)
            y, bm, bv = op._build((x, gamma, beta, mm, mv) + flag, "FusedBatchNormV3")[:3]
            stats = (bm, bv)
        if moved:
            inv = [0] * rank
            for i, p in enumerate(perm):
                inv[p] = i
            y = tf.transpose(y, inv)
        return y, stats

    def _composed(self, x, rank, static, training):
        """Several kept axes: moments over the others, parameters broadcast to x's rank."""
        tf = _tf()
        red = [i for i in range(rank) if i not in self.axis]
        d = x.shape.as_tuple()
        bshape = [d[i] if i in self.axis else 1 for i in range(rank)]
        shape = [d[a] for a in self.axis]

        def b(t):
            return tf.reshape(t, bshape)
        gamma = b(self.gamma) if self.scale else tf.ones(bshape, x.dtype)
        beta = b(self.beta) if self.center else tf.zeros(bshape, x.dtype)
        mm, mv = b(self.moving_mean), b(self.moving_variance)
        if static is False:
            return tf.nn.batch_normalization(x, mm, mv, beta, gamma, self.epsilon), None
        m, v = tf.nn.moments(x, red, keepdims=True)
        if static is None:
            flag = tf.cast(training, x.dtype)
            m_use, v_use = flag * m + (1 - flag) * mm, flag * v + (1 - flag) * mv
        else:
            m_use, v_use = m, v
        y = tf.nn.batch_normalization(x, m_use, v_use, beta, gamma, self.epsilon)
        return y, (tf.reshape(m, shape), tf.reshape(v, shape))

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
            "center": self.center, "scale": self.scale,
            "beta_initializer": _initializers.serialize(self.beta_initializer),
            "gamma_initializer": _initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": _initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": _initializers.serialize(
                self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint)})
        return config


class LayerNormalization(Layer):
    """Normalizes each sample over ``axis`` (default the last): ``gamma * (x - mean) /
    sqrt(var + epsilon) + beta``, the statistics computed per sample, the same while training and
    at inference.

    Example:
      >>> y = keras.layers.LayerNormalization()(np.array([[1., 2., 3.]], np.float32))
      >>> np.round(y.numpy(), 3)
      array([[-1.224,  0.   ,  1.224]], dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        _gamma_beta_args(self, axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint)

    def build(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        n = len(d)
        axes = _axes_list(self.axis)
        for i, a in enumerate(axes):
            if a < -n or a >= n:
                raise ValueError(f"Invalid value for `axis` argument. Expected 0 <= axis < "
                                 f"inputs.rank (with inputs.rank={n}). Received: axis={self.axis}")
            axes[i] = a % n
        self.axis = axes
        shape = tuple(d[a] for a in axes)
        if self.scale:
            self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.built = True

    def call(self, inputs):
        tf = _tf()
        x = inputs
        rank = x.shape.ndims
        d = x.shape.as_tuple()
        m, v = tf.nn.moments(x, self.axis, keepdims=True)
        y = (x - m) * tf.math.rsqrt(v + self.epsilon)
        bshape = [d[i] if i in self.axis else 1 for i in range(rank)]
        if self.scale:
            y = y * (tf.reshape(self.gamma, bshape) if len(self.axis) > 1 or
                     self.axis[0] != rank - 1 else self.gamma)
        if self.center:
            y = y + (tf.reshape(self.beta, bshape) if len(self.axis) > 1 or
                     self.axis[0] != rank - 1 else self.beta)
        return y

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
            "scale": self.scale,
            "beta_initializer": _initializers.serialize(self.beta_initializer),
            "gamma_initializer": _initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint)})
        return config
