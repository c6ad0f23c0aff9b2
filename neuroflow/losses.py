"""``tf.losses`` (TF1): weighted losses that reduce to a scalar and join ``GraphKeys.LOSSES``.

Every loss takes ``weights`` (a scalar, or a tensor broadcastable to the per-element losses) and
``reduction`` (default ``Reduction.SUM_BY_NONZERO_WEIGHTS``: the weighted sum divided by the
number of non-zero weights). Example:
  >>> loss = tf.losses.mean_squared_error(labels=y, predictions=y_hat)
  >>> total = tf.losses.get_total_loss()

Names TF1's module lacks (TF2's Keras losses: ``MeanSquaredError``, ``categorical_crossentropy``
...) resolve to ``tf.keras.losses``.
"""
import numbers

from .core import context, dtypes
from .core.graph import GraphKeys, add_to_collection, get_collection, name_scope
from .core.op import Operation, convert_to_tensor
from .ops import math_ops as M
from .ops._base import dims, get_array_module as _get_array_module
from .ops.array_ops import ones_like, size, squeeze
from .ops.reduce_ops import reduce_sum

__all__ = []


class Reduction:
    """How a weighted loss is reduced (``tf.losses.Reduction``)."""
    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_OVER_NONZERO_WEIGHTS,
                cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError("Invalid Reduction Key %s." % key)


class _DivNoNan(Operation):
    """y = x / d, or 0 where d == 0 (a mean over zero weights is 0)."""
    type = "DivNoNan"

    def forward(self, x, d):
        xp = _get_array_module(x)
        zero = d == 0
        return xp.where(zero, 0, x / xp.where(zero, 1, d)).astype(x.dtype, copy=False)

    def backward(self, gy):
        x, d = self.inputs
        return _div_no_nan(gy, d), _div_no_nan(-gy * x, d * d)


def _div_no_nan(x, d):
    return _DivNoNan()._build((x, d), "div_no_nan")


def _float32(x, what):
    if x is None:
        raise ValueError(f"{what} must not be None.")
    return M.cast(convert_to_tensor(x), dtypes.float32)


def _is_one(w):
    return isinstance(w, numbers.Real) and not isinstance(w, bool) and w == 1


def _num_elements(losses):
    d = dims(losses)
    if d is not None and None not in d:
        n = 1
        for s in d:
            n *= s
        return convert_to_tensor(float(n), dtype=losses.dtype)
    return M.cast(size(losses), losses.dtype)


def _num_present(losses, weights, per_batch=False):
    """The number of entries whose (broadcast) weight is non-zero, in total or per example."""
    if not per_batch and isinstance(weights, numbers.Real) and weights != 0:
        return _num_elements(losses)
    w = M.cast(convert_to_tensor(weights), dtypes.float32)
    present = M.cast(M.not_equal(w, 0.0), dtypes.float32) * ones_like(losses)
    if per_batch:
        d = dims(losses)
        return reduce_sum(present, list(range(1, len(d))), keepdims=True)
    return reduce_sum(present)


def _assert_broadcastable(weights, losses):
    """TF's static check: weights are a scalar or of the losses' rank, each dim 1 or equal."""
    if isinstance(weights, numbers.Real):
        return
    dw, dl = dims(convert_to_tensor(weights)), dims(losses)
    if dw is None or dl is None or len(dw) == 0:
        return
    pre = "weights can not be broadcast to values."
    if len(dw) != len(dl):
        raise ValueError(f"{pre} values.rank={len(dl)}. weights.rank={len(dw)}. values.shape="
                         f"{losses.shape}. weights.shape={convert_to_tensor(weights).shape}.")
    for i, (a, b) in enumerate(zip(dw, dl)):
        if a is not None and b is not None and a not in (1, b):
            raise ValueError(f"{pre} Mismatch at dim {i}. values.shape={losses.shape} "
                             f"weights.shape={convert_to_tensor(weights).shape}.")


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weights ``losses`` and reduces them as ``reduction`` says (``compute_weighted_loss``).

    Args:
      losses: per-element losses.
      weights: a scalar, or a tensor of the losses' rank whose dims are 1 or equal to theirs.
      scope: a name scope.
      loss_collection: the collection the loss joins (None: none).
      reduction: a ``Reduction`` key.
    Returns:
      A scalar (a tensor shaped like ``losses`` for ``Reduction.NONE``) in the losses' dtype.
    Example:
      >>> tf.losses.compute_weighted_loss([1.0, 2.0, 3.0], weights=[1.0, 0.0, 1.0])  # (1 + 3) / 2
    """
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss"):
        losses = convert_to_tensor(losses)
        _assert_broadcastable(weights, losses)
        input_dtype = losses.dtype
        losses = M.cast(losses, dtypes.float32)
        w = weights if _is_one(weights) else M.cast(convert_to_tensor(weights), dtypes.float32)
        weighted = losses if _is_one(weights) else M.multiply(losses, w)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                den = _num_elements(losses) if _is_one(weights) else \
                    reduce_sum(ones_like(losses) * w)
                loss = _div_no_nan(loss, den)
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = _div_no_nan(loss, _num_present(losses, weights))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _div_no_nan(loss, _num_elements(losses))
        loss = M.cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


def _pair(labels, predictions, pname="predictions"):
    p = _float32(predictions, pname)
    t = _float32(labels, "labels")
    p.shape.assert_is_compatible_with(t.shape)
    return t, p


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted |predictions - labels| (``tf.losses.absolute_difference``)."""
    with name_scope(scope, "absolute_difference") as sc:
        t, p = _pair(labels, predictions)
        return compute_weighted_loss(M.abs(p - t), weights, sc, loss_collection, reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted (predictions - labels) ** 2, by default averaged (``tf.losses.mean_squared_error``).

    Args:
      labels: the ground truth, shaped like ``predictions``.
      predictions: the predicted values.
      weights: a scalar or a tensor broadcastable to the per-element losses.
    Returns:
      A float32 scalar (for the default reduction).
    Example:
      >>> tf.losses.mean_squared_error([1.0, 2.0], [1.0, 4.0]).numpy()
      2.0
    """
    with name_scope(scope, "mean_squared_error") as sc:
        t, p = _pair(labels, predictions)
        return compute_weighted_loss(M.squared_difference(p, t), weights, sc, loss_collection,
                                     reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """0.5 * e ** 2 for |e| <= delta, else delta * (|e| - 0.5 * delta), e = predictions - labels."""
    with name_scope(scope, "huber_loss") as sc:
        t, p = _pair(labels, predictions)
        abs_error = M.abs(p - t)
        quadratic = M.minimum(abs_error, delta)
        linear = abs_error - quadratic
        losses = 0.5 * quadratic * quadratic + delta * linear
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """-labels * log(p + eps) - (1 - labels) * log(1 - p + eps) (``tf.losses.log_loss``)."""
    with name_scope(scope, "log_loss") as sc:
        t, p = _pair(labels, predictions)
        losses = -t * M.log(p + epsilon) - (1 - t) * M.log(1 - p + epsilon)
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """max(0, 1 - (2 * labels - 1) * logits) for labels in {0, 1} (``tf.losses.hinge_loss``)."""
    from .nn import relu
    with name_scope(scope, "hinge_loss") as sc:
        t, x = _pair(labels, logits, "logits")
        losses = relu(1 - (2 * t - 1) * x)
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS,
                    dim=None):
    """1 - sum(labels * predictions, axis) for unit-normalized inputs (``cosine_distance``)."""
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'")
        axis = dim
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with name_scope(scope, "cosine_distance_loss") as sc:
        t, p = _pair(labels, predictions)
        losses = 1 - reduce_sum(p * t, axis=(int(axis),), keepdims=True)
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=GraphKeys.LOSSES):
    """The mean over pairs (i, j) of each example of ((p_i - p_j) - (l_i - l_j)) ** 2, weighted."""
    with name_scope(scope, "mean_pairwise_squared_error"):
        t, p = _pair(labels, predictions)
        diffs = p - t
        d = dims(diffs)
        if d is None:
            raise NotImplementedError("mean_pairwise_squared_error needs the inputs' rank.")
        axis = list(range(1, len(d)))
        ssd = reduce_sum(M.square(diffs), axis, keepdims=True)
        n = _num_present(diffs, weights, per_batch=True)
        term1 = 2.0 * _div_no_nan(ssd, M.maximum(n - 1, 0.0))
        sd = reduce_sum(diffs, axis, keepdims=True)
        term2 = 2.0 * _div_no_nan(M.square(sd), M.maximum(n * (n - 1), 0.0))
        w = M.cast(convert_to_tensor(weights), dtypes.float32)
        loss = reduce_sum((term1 - term2) * w)
        mean_loss = M.where(M.greater(reduce_sum(n), 0.0), loss, loss * 0.0)
        add_loss(mean_loss, loss_collection)
        return mean_loss


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted sigmoid cross-entropy; labels smoothed towards 1/2 (``sigmoid_cross_entropy``)."""
    from .nn import sigmoid_cross_entropy_with_logits
    with name_scope(scope, "sigmoid_cross_entropy_loss") as sc:
        x = convert_to_tensor(logits)
        t = M.cast(convert_to_tensor(multi_class_labels), x.dtype)
        x.shape.assert_is_compatible_with(t.shape)
        if label_smoothing > 0:
            t = t * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = sigmoid_cross_entropy_with_logits(labels=t, logits=x, name="xentropy")
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted softmax cross-entropy averaged over the batch (``tf.losses.softmax_cross_entropy``).

    Args:
      onehot_labels: [batch, num_classes] targets (cast to the logits' dtype; no gradient).
      logits: [batch, num_classes] unscaled log probabilities.
      weights: a scalar or a [batch] tensor.
      label_smoothing: if > 0, labels become labels * (1 - s) + s / num_classes.
    Example:
      >>> loss = tf.losses.softmax_cross_entropy(tf.one_hot(y, 10), logits)
    """
    from .nn import softmax_cross_entropy_with_logits
    with name_scope(scope, "softmax_cross_entropy_loss") as sc:
        x = convert_to_tensor(logits)
        t = M.cast(convert_to_tensor(onehot_labels), x.dtype)
        x.shape.assert_is_compatible_with(t.shape)
        if label_smoothing > 0:
            d = dims(t)
            if d is not None and d[-1] is not None:
                n = float(d[-1])
            else:
                from .ops.array_ops import shape
                n = M.cast(shape(t)[-1], x.dtype)
            t = t * (1 - label_smoothing) + label_smoothing / n
        # the v1 op: labels get no gradient, as TF's stop_gradient on them
        losses = softmax_cross_entropy_with_logits(labels=t, logits=x, name="xentropy")
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Weighted cross-entropy of int class labels (``tf.losses.sparse_softmax_cross_entropy``).

    ``labels`` may be [batch] or [batch, 1]; ``weights`` a scalar, [batch] or [batch, 1].
    """
    from .nn import sparse_softmax_cross_entropy_with_logits
    with name_scope(scope, "sparse_softmax_cross_entropy_loss") as sc:
        x = convert_to_tensor(logits)
        t = convert_to_tensor(labels)
        dx, dt = dims(x), dims(t)
        if dx is not None and dt is not None and len(dt) == len(dx) and dt[-1] == 1:
            t = squeeze(t, [-1])
        if not isinstance(weights, numbers.Real):
            w = convert_to_tensor(weights)
            dw = dims(w)
            if dx is not None and dw is not None and len(dw) == len(dx) and dw[-1] == 1:
                weights = squeeze(w, [-1])
        losses = sparse_softmax_cross_entropy_with_logits(labels=t, logits=x, name="xentropy")
        return compute_weighted_loss(losses, weights, sc, loss_collection, reduction)


# ==================================================================== collections
def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """Adds ``loss`` to ``loss_collection`` (graph mode only, as TF1) (``tf.losses.add_loss``)."""
    if loss_collection and not context.executing_eagerly():
        add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    """The losses in ``loss_collection`` whose names match ``scope`` (``tf.losses.get_losses``)."""
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """The tensors in ``GraphKeys.REGULARIZATION_LOSSES`` (``get_regularization_losses``)."""
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses, or 0.0 when there are none."""
    losses = get_regularization_losses(scope)
    if losses:
        return M.add_n(losses, name=name)
    return convert_to_tensor(0.0, name=name)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of ``get_losses()`` (and the regularization losses) (``tf.losses.get_total_loss``).

    Raises:
      ValueError: if there are no losses.
    """
    losses = get_losses(scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found in the `losses` and `regularization_losses` collections: "
                         "build a tf.losses loss (or call tf.losses.add_loss) first.")
    return M.add_n(losses, name=name)


def __getattr__(name):
    # TF2's tf.losses is tf.keras.losses: names TF1's module lacks come from there
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        from .keras import losses as keras_losses
        return getattr(keras_losses, name)
    except (ImportError, AttributeError):
        raise AttributeError(f"module 'tensorflow.losses' has no attribute '{name}'") from None
