"""``tf.layers.BatchNormalization`` and ``tf.layers.batch_normalization`` (TF1 semantics).

Variables come from ``tf.get_variable`` in the layer's scope: "batch_normalization/gamma",
"beta", "moving_mean" and "moving_variance"; while training, the moving statistics' update ops
go to ``tf.GraphKeys.UPDATE_OPS``.
"""
from .core import dtypes
from .core.graph import GraphKeys, add_to_collection, get_default_graph, name_scope
from .core.op import convert_to_tensor
from .core.shape import TensorShape
from .initializers import Ones, Zeros
from .layers import Layer, _static_bool
from .ops.norm_ops import FusedBatchNorm

__all__ = ["BatchNormalization", "batch_normalization"]


class BatchNormalization(Layer):
    """Batch normalization (``tf.layers.BatchNormalization``), TF1 semantics.

    While training, normalizes with the batch's statistics and creates update ops
    moving = moving - (moving - batch) * (1 - momentum), added to ``tf.GraphKeys.UPDATE_OPS``
    (run them with the train op, as TF1 code does with ``tf.control_dependencies``); at inference
    uses the moving statistics. ``training`` is a Python bool or a fed boolean tensor. Rank-4
    inputs update the moving variance with the unbiased batch variance, as TF's fused kernel.

    Example:
      >>> h = tf.layers.batch_normalization(h, training=is_training)
      >>> with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
      ...     train = tf.train.AdamOptimizer(1e-3).minimize(loss)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=None, gamma_initializer=None, moving_mean_initializer=None,
                 moving_variance_initializer=None, beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, fused=None, trainable=True, virtual_batch_size=None,
                 adjustment=None, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._base_name = name or "batch_normalization"
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise NotImplementedError("BatchNormalization with renorm, virtual_batch_size or "
                                      "adjustment is not supported by neuroflow yet.")
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise NotImplementedError("BatchNormalization over several axes is not "
                                          "supported by neuroflow yet.")
            axis = axis[0]
        self.axis = int(axis)
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer = beta_initializer or Zeros()
        self.gamma_initializer = gamma_initializer or Ones()
        self.moving_mean_initializer = moving_mean_initializer or Zeros()
        self.moving_variance_initializer = moving_variance_initializer or Ones()
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.fused = fused
        self.gamma = self.beta = None
        self._updates = []

    def build(self, input_shape):
        d = TensorShape(input_shape).as_tuple()
        if d is None:
            raise ValueError("Input has undefined rank.")
        a = self.axis % len(d)
        if d[a] is None:
            raise ValueError(f"Input has undefined `axis` dimension. Received input with shape "
                             f"{TensorShape(input_shape)}. Axis value: {self.axis}")
        from .keras.layers.normalization import add_batch_norm_weights
        add_batch_norm_weights(self, [d[a]])
        self.built = True

    @property
    def updates(self):
        return list(self._updates)

    def call(self, inputs, training=False):
        import neuroflow as tf
        x = inputs
        rank = x.shape.ndims
        a = self.axis % rank
        moved = a != rank - 1
        if moved:  # the op normalizes along the last axis
            perm = [i for i in range(rank) if i != a] + [a]
            x = tf.transpose(x, perm)
        c = x.shape.as_tuple()[-1]
        dt = x.dtype
        gamma = convert_to_tensor(self.gamma) if self.gamma is not None else tf.ones([c], dt)
        beta = convert_to_tensor(self.beta) if self.beta is not None else tf.zeros([c], dt)
        mm, mv = convert_to_tensor(self.moving_mean), convert_to_tensor(self.moving_variance)
        static = _static_bool(training)
        if static is False:
            op = FusedBatchNorm(self.epsilon, training=False)
            y = op._build((x, gamma, beta, mm, mv), "FusedBatchNormV3")[0]
        else:
            flag = () if static else (convert_to_tensor(training, dtype=dtypes.bool_),)
            op = FusedBatchNorm(self.epsilon, training=True if static else None,
                                bessel=rank == 4)
            y, bm, bv = op._build((x, gamma, beta, mm, mv) + flag, "FusedBatchNormV3")[:3]
            decay = 1.0 - self.momentum
            if flag:  # not training: decay 0, the update leaves the moving statistics as they are
                decay = tf.cast(flag[0], dt) * decay
            self._add_update(self.moving_mean, bm, decay)
            self._add_update(self.moving_variance, bv, decay)
        if moved:
            inv = [0] * rank
            for i, p in enumerate(perm):
                inv[p] = i
            y = tf.transpose(y, inv)
        return y

    def _add_update(self, var, value, decay):
        with name_scope("AssignMovingAvg"):
            update = var.assign_sub((var - value) * decay)
        self._updates.append(update)
        g = get_default_graph()
        # graph mode: TF1 code runs UPDATE_OPS itself (slim's batch_norm may ask for no collection)
        if update.op.name in g._ops_by_name and getattr(self, "_collect_updates", True):
            add_to_collection(GraphKeys.UPDATE_OPS, update)

    def compute_output_shape(self, input_shape):
        return TensorShape(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(axis=self.axis, momentum=self.momentum, epsilon=self.epsilon,
                   center=self.center, scale=self.scale)
        return cfg


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=None, gamma_initializer=None,
                        moving_mean_initializer=None, moving_variance_initializer=None,
                        beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                        gamma_constraint=None, training=False, trainable=True, name=None,
                        reuse=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                        fused=None, virtual_batch_size=None, adjustment=None):
    """Functional interface of ``BatchNormalization`` (``tf.layers.batch_normalization``).

    Example:
      >>> h = tf.layers.batch_normalization(h, training=is_training)   # is_training: tf.bool
    """
    layer = BatchNormalization(
        axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
        beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
        moving_mean_initializer=moving_mean_initializer,
        moving_variance_initializer=moving_variance_initializer,
        beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
        beta_constraint=beta_constraint, gamma_constraint=gamma_constraint, renorm=renorm,
        renorm_clipping=renorm_clipping, renorm_momentum=renorm_momentum, fused=fused,
        trainable=trainable, virtual_batch_size=virtual_batch_size, adjustment=adjustment,
        name=name, _scope=name, _reuse=reuse)
    return layer.apply(inputs, training=training)
