"""``tf.nn``: activations, softmax, cross-entropies, dropout, moments, embeddings (TF1 names).

Convolution, pooling and RNN functions live in their own modules. Example:
  >>> logits = tf.constant([[2.0, 1.0, 0.1]])
  >>> loss = tf.nn.softmax_cross_entropy_with_logits(labels=[[1.0, 0.0, 0.0]], logits=logits)
"""
import numbers

from .core import dtypes
from .core.graph import name_scope
from .core.op import binary_inputs as _binary_inputs, check_same_dtype as _check_same_dtype, \
    convert_to_tensor
from .ops import math_ops as M
from .ops import nn_ops as N
from .ops.array_ops import _static_ints, concat, ones_like, zeros_like
from .ops.math_ops import sigmoid, tanh  # noqa: F401 - tf.nn.sigmoid / tf.nn.tanh
from .ops.reduce_ops import reduce_mean, reduce_sum
from .ops.nn_norm import (batch_norm_with_global_normalization, batch_normalization,  # noqa: F401
                          fused_batch_norm, l2_normalize,
                          local_response_normalization, lrn, moments, normalize_moments,
                          sufficient_statistics, weighted_moments)
from .ops.sampled_ops import (all_candidate_sampler, compute_accidental_hits,  # noqa: F401
                              fixed_unigram_candidate_sampler, log_uniform_candidate_sampler,
                              nce_loss, sampled_softmax_loss, uniform_candidate_sampler)

__all__ = []

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _pick(new, old, new_name, old_name):
    """TF's deprecated_argument_lookup: the new argument name or its deprecated alias."""
    if old is not None:
        if new is not None:
            raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'")
        return old
    return new


# ==================================================================== activations
def relu(features, name=None):
    """max(features, 0) (``tf.nn.relu``).

    Args:
      features: a Tensor.
      name: a name for the operation.
    Returns:
      A Tensor of the same shape and dtype.
    Example:
      >>> tf.nn.relu([-1.0, 2.0]).numpy()
      array([0., 2.], dtype=float32)
    """
    return N.Relu()._build((convert_to_tensor(features),), name or "Relu")


def relu6(features, name=None):
    """min(max(features, 0), 6) (``tf.nn.relu6``)."""
    return N.Relu6()._build((convert_to_tensor(features),), name or "Relu6")


def elu(features, name=None):
    """features if > 0 else exp(features) - 1 (``tf.nn.elu``)."""
    return N.Elu()._build((convert_to_tensor(features),), name or "Elu")


def selu(features, name=None):
    """scale * elu with alpha (scale = 1.0507..., alpha = 1.6732...) (``tf.nn.selu``)."""
    return N.Elu(_SELU_ALPHA, _SELU_SCALE)._build((convert_to_tensor(features),), name or "Selu")


def leaky_relu(features, alpha=0.2, name=None):
    """features if > 0 else alpha * features (``tf.nn.leaky_relu``; alpha defaults to 0.2)."""
    return N.LeakyRelu(float(alpha))._build((convert_to_tensor(features),), name or "LeakyRelu")


def crelu(features, name=None, axis=-1):
    """concat([relu(x), relu(-x)], axis) (``tf.nn.crelu``)."""
    x = convert_to_tensor(features)
    with name_scope(name, "CRelu"):
        return relu(concat([x, -x], axis))


def softplus(features, name=None):
    """log(exp(features) + 1), computed stably (``tf.nn.softplus``)."""
    return N.Softplus()._build((convert_to_tensor(features),), name or "Softplus")


def softsign(features, name=None):
    """features / (abs(features) + 1) (``tf.nn.softsign``)."""
    return N.Softsign()._build((convert_to_tensor(features),), name or "Softsign")


def silu(features, beta=1.0, name=None):
    """features * sigmoid(beta * features) (``tf.nn.silu`` / ``tf.nn.swish``)."""
    x = convert_to_tensor(features)
    with name_scope(name, "swish"):
        return x * sigmoid(x * beta if beta != 1.0 else x)


def swish(features, beta=1.0, name=None):
    """Alias of :func:`silu` (``tf.nn.swish``)."""
    return silu(features, beta, name)


def gelu(features, approximate=False, name=None):
    """0.5 * x * (1 + erf(x / sqrt(2))), or the tanh approximation (``tf.nn.gelu``)."""
    x = convert_to_tensor(features)
    with name_scope(name, "Gelu"):
        if approximate:
            c = 0.7978845608028654  # sqrt(2 / pi)
            return 0.5 * x * (1.0 + tanh(c * (x + 0.044715 * x * x * x)))
        return 0.5 * x * (1.0 + N.Erf()._build((x * 0.7071067811865476,), "Erf"))


# ==================================================================== softmax
def _axis(axis, dim, default=-1):
    a = _pick(axis, dim, "axis", "dim")
    return default if a is None else int(_static_ints(a, "axis")[0])


def softmax(logits, axis=None, name=None, dim=None):
    """exp(logits) / reduce_sum(exp(logits), axis), computed stably (``tf.nn.softmax``).

    Args:
      logits: a non-empty float Tensor.
      axis: the dimension softmax is computed over (default -1); TF1's ``dim`` too.
    Returns:
      A Tensor like ``logits``.
    Example:
      >>> tf.nn.softmax([[0.0, 0.0]]).numpy()
      array([[0.5, 0.5]], dtype=float32)
    """
    return N.Softmax(_axis(axis, dim))._build((convert_to_tensor(logits),), name or "Softmax")


def log_softmax(logits, axis=None, name=None, dim=None):
    """logits - log(reduce_sum(exp(logits), axis)) (``tf.nn.log_softmax``)."""
    return N.LogSoftmax(_axis(axis, dim))._build((convert_to_tensor(logits),), name or "LogSoftmax")


# ==================================================================== cross-entropies
def _named(fn, sentinel, labels, logits):
    """TF1's keyword-only guard; TF2's positional (labels, logits) call is accepted too."""
    if sentinel is not None:
        if labels is not None and logits is None:
            return sentinel, labels
        raise ValueError(f"Only call `{fn}` with named arguments (labels=..., logits=..., ...). "
                         f"Received unnamed argument: {sentinel}")
    return labels, logits


def _softmax_ce(labels, logits, axis, name, label_grad):
    x = convert_to_tensor(logits)
    t = convert_to_tensor(labels, dtype_hint=x.dtype)
    if t.dtype is not x.dtype and t.dtype.is_integer:
        t = M.cast(t, x.dtype)
    _check_same_dtype("SoftmaxCrossEntropyWithLogits", x, t, "features", "labels")
    dx, dt = x.shape.as_tuple(), t.shape.as_tuple()
    if dx is not None and dt is not None and len(dx) != len(dt):
        # TF flattens the outer dimensions of both to matrices, so [1, n, c] labels fit [n, c] logits
        from .ops.array_ops import reshape_like
        t = reshape_like(t, x)
        dt = t.shape.as_tuple()
    op = N.SoftmaxCrossEntropyWithLogits(axis, label_grad, same_shape=dx is not None and dx == dt)
    return op._build((x, t), name or "softmax_cross_entropy_with_logits")[0]


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1, name=None,
                                      axis=None):
    """-sum(labels * log_softmax(logits)) per example (TF1 ``softmax_cross_entropy_with_logits``).

    As in TF1, no gradient flows into ``labels`` (use ``_v2`` for that).

    Args:
      labels: a distribution over classes per example, shaped like ``logits``.
      logits: unscaled log probabilities.
      dim: the class dimension (default -1); ``axis`` is its newer name.
    Returns:
      A Tensor with the class dimension removed.
    Example:
      >>> tf.nn.softmax_cross_entropy_with_logits(labels=[[0.0, 1.0]], logits=[[0.0, 0.0]]).numpy()
      array([0.6931472], dtype=float32)
    """
    labels, logits = _named("softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    a = axis if axis is not None else dim
    return _softmax_ce(labels, logits, int(a), name, label_grad=False)


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """Like :func:`softmax_cross_entropy_with_logits`, with a gradient into ``labels`` too."""
    return _softmax_ce(labels, logits, _axis(axis, dim), name, label_grad=True)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """-log_softmax(logits)[labels] per example (``sparse_softmax_cross_entropy_with_logits``).

    Args:
      labels: int class indices in [0, num_classes), shaped like ``logits`` without its last axis.
      logits: unscaled log probabilities, shape [d_0, ..., d_{r-1}, num_classes].
    Returns:
      A Tensor shaped like ``labels`` with the logits' dtype.
    Example:
      >>> tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[1], logits=[[0.0, 0.0]]).numpy()
      array([0.6931472], dtype=float32)
    """
    labels, logits = _named("sparse_softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    x = convert_to_tensor(logits)
    t = convert_to_tensor(labels)
    if not t.dtype.is_integer:
        raise TypeError(f"Value passed to parameter 'labels' has DataType {t.dtype.name} not in "
                        "list of allowed values: int32, int64")
    dx, dt = x.shape.as_tuple(), t.shape.as_tuple()
    if dx is not None and dt is not None:
        if len(dt) != len(dx) - 1:
            raise ValueError(f"Rank mismatch: Rank of labels (received {len(dt)}) should equal "
                             f"rank of logits minus 1 (received {len(dx)}).")
        if any(a is not None and b is not None and a != b for a, b in zip(dt, dx[:-1])):
            raise ValueError(f"Shape mismatch: The shape of labels (received {t.shape}) should "
                             "equal the shape of logits except for the last dimension (received "
                             f"{x.shape}).")
    op = N.SparseSoftmaxCrossEntropyWithLogits()
    return op._build((x, t), name or "SparseSoftmaxCrossEntropyWithLogits")[0]


def _same_shape(x, t):
    if not x.shape.is_compatible_with(t.shape):
        raise ValueError(f"logits and labels must have the same shape ({x.shape} vs {t.shape})")


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """max(x, 0) - x * z + log(1 + exp(-|x|)), x = logits, z = labels (stable for any x).

    Args:
      labels: targets in [0, 1], shaped like ``logits``.
      logits: unscaled log-odds.
    Returns:
      The elementwise logistic loss.
    Example:
      >>> tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[0.0]).numpy()
      array([0.6931472], dtype=float32)
    """
    labels, logits = _named("sigmoid_cross_entropy_with_logits", _sentinel, labels, logits)
    x = convert_to_tensor(logits)
    z = convert_to_tensor(labels, dtype_hint=x.dtype)
    _check_same_dtype("SigmoidCrossEntropyWithLogits", x, z, "logits", "labels")
    _same_shape(x, z)
    return N.SigmoidCrossEntropyWithLogits()._build((x, z), name or "logistic_loss")


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """The sigmoid cross-entropy with positive examples weighted by ``pos_weight``.

    (1 - z) * x + (1 + (q - 1) * z) * (log(1 + exp(-|x|)) + max(-x, 0)), q = pos_weight.
    """
    labels = _pick(labels, targets, "labels", "targets")
    x = convert_to_tensor(logits)
    z = convert_to_tensor(labels, dtype_hint=x.dtype)
    _check_same_dtype("weighted_cross_entropy_with_logits", x, z, "logits", "labels")
    _same_shape(x, z)
    with name_scope(name, "logistic_loss"):
        log_weight = 1 + (pos_weight - 1) * z
        soft = M.log1p(M.exp(-M.abs(x))) + relu(-x)
        return (1 - z) * x + log_weight * soft


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """exp(log_input) - log_input * targets, plus Stirling's term if asked (Poisson NLL)."""
    c = convert_to_tensor(log_input)
    z = convert_to_tensor(targets, dtype_hint=c.dtype)
    with name_scope(name, "log_poisson_loss"):
        result = M.exp(c) - c * z
        if compute_full_loss:
            ones, zeros = ones_like(z), zeros_like(z)
            safe = M.where(M.greater(z, 1), z, ones)  # the term is 0 for z <= 1
            stirling = safe * M.log(safe) - safe + 0.5 * M.log(6.283185307179586 * safe)
            result = result + M.where(M.greater(z, 1), stirling, zeros)
        return result


def l2_loss(t, name=None):
    """sum(t ** 2) / 2 (``tf.nn.l2_loss``), the usual weight-decay term.

    Example:
      >>> tf.nn.l2_loss([1.0, 2.0]).numpy()
      2.5
    """
    return N.L2Loss()._build((convert_to_tensor(t),), name or "L2Loss")


# ==================================================================== dense helpers
def bias_add(value, bias, data_format=None, name=None):
    """value + bias, bias broadcast along the channel axis (``tf.nn.bias_add``).

    Args:
      value: a Tensor of rank >= 2.
      bias: a 1-D Tensor sized like value's channel dimension.
      data_format: "NHWC"/"N...C" (channels last, the default) or "NCHW"/"NC...".
    """
    if data_format is not None and data_format.startswith("NC"):
        first = True
    elif data_format is None or (data_format.startswith("N") and data_format.endswith("C")):
        first = False
    else:
        raise ValueError(f"Invalid value for argument `data_format`: expected 'NHWC' or 'NCHW'. "
                         f"Received: data_format={data_format!r}")
    x, b = _binary_inputs(value, bias)
    _check_same_dtype("BiasAdd", x, b, "value", "bias")
    return N.BiasAdd(first)._build((x, b), name or "BiasAdd")


def xw_plus_b(x, weights, biases, name=None):
    """matmul(x, weights) + biases (``tf.nn.xw_plus_b``)."""
    with name_scope(name, "xw_plus_b"):
        return bias_add(M.matmul(x, weights), biases)


def relu_layer(x, weights, biases, name=None):
    """relu(matmul(x, weights) + biases) (``tf.nn.relu_layer``)."""
    with name_scope(name, "relu_layer"):
        return relu(bias_add(M.matmul(x, weights), biases))


# ==================================================================== dropout
def _check_prob(v, what, low_open):
    if isinstance(v, numbers.Real) and not isinstance(v, bool):
        ok = (0 < v <= 1) if low_open else (0 <= v < 1)
        if not ok:
            rng = "(0, 1]" if low_open else "[0, 1)"
            raise ValueError(f"Invalid value for argument `{what}`: expected a float in {rng}. "
                             f"Received: {what}={v}")
        return True
    return False


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """Keeps each element with probability keep_prob, scaled by 1 / keep_prob (``tf.nn.dropout``).

    TF1 signature: ``keep_prob`` (may be a placeholder fed per run, e.g. 0.7 when training and
    1.0 at test) or its newer complement ``rate``. A new mask is drawn on every run.

    Args:
      x: a float Tensor.
      keep_prob: probability of keeping each element, in (0, 1].
      noise_shape: the shape of the mask, broadcastable to x's (None entries: x's size).
      seed: an op seed (see ``tf.set_random_seed``).
      rate: probability of dropping each element, in [0, 1).
    Example:
      >>> y = tf.nn.dropout(tf.ones([2, 4]), keep_prob=0.5)   # entries 0.0 or 2.0
    """
    if keep_prob is None and rate is None:
        raise ValueError("Invalid value for argument `rate`: expected a float in [0, 1). "
                         "Received: rate=None (pass `keep_prob` or `rate`)")
    if keep_prob is not None and rate is not None:
        raise ValueError("Cannot specify both 'rate' and 'keep_prob'")
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise ValueError("x has to be a floating point tensor since it's going to be scaled. Got a "
                         f"{x.dtype.name} tensor instead.")
    if keep_prob is not None:
        if _check_prob(keep_prob, "keep_prob", True):
            if keep_prob == 1:
                return x
            rate = 1.0 - keep_prob
        else:
            rate = 1 - convert_to_tensor(keep_prob, dtype_hint=x.dtype)
    elif _check_prob(rate, "rate", False) and rate == 0:
        return x
    rate = convert_to_tensor(rate, dtype_hint=x.dtype)
    if rate.dtype is not x.dtype:
        rate = M.cast(rate, x.dtype)
    if rate.shape.ndims not in (None, 0):
        raise ValueError(f"Invalid value for argument `rate`: expected a scalar. Received a tensor "
                         f"of shape {rate.shape}")
    inputs, static = (x, rate), None
    if noise_shape is not None:
        static = _static_ints(noise_shape, "noise_shape")
        if static is None:
            inputs = (x, rate, convert_to_tensor(noise_shape, dtype=dtypes.int32))
        else:
            d = x.shape.as_tuple()
            static = [None if s is None or s < 0 else s for s in static]
            if d is not None and len(d) == len(static):
                for a, b in zip(static, d):
                    if a is not None and b is not None and a not in (1, b):
                        raise ValueError("Invalid value for argument `noise_shape`: expected a "
                                         f"shape broadcastable to {list(d)}. Received: "
                                         f"noise_shape={static}")
    op = N.Dropout(None if static is None else tuple(static), seed)
    return op._build(inputs, name or "dropout")[0]


def zero_fraction(value, name=None):
    """The fraction of zeros in ``value``, as float32 (``tf.nn.zero_fraction``)."""
    x = convert_to_tensor(value)
    with name_scope(name, "zero_fraction"):
        return reduce_mean(M.cast(M.equal(x, zeros_like(x)), dtypes.float32))


def scale_regularization_loss(regularization_loss):
    """The summed regularization loss divided by the number of replicas (one here)."""
    if isinstance(regularization_loss, (list, tuple)):
        return M.add_n(list(regularization_loss))
    return reduce_sum(regularization_loss)


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """sum(per_example_loss * sample_weight) / global_batch_size (default: the batch size)."""
    x = convert_to_tensor(per_example_loss)
    if sample_weight is not None:
        x = x * sample_weight
    total = reduce_sum(x)
    if global_batch_size is None:
        d = x.shape.as_tuple()
        if d and d[0] is not None:
            global_batch_size = float(d[0])
        else:
            from .ops.array_ops import shape
            global_batch_size = M.cast(shape(x)[0], x.dtype)
    return total / global_batch_size


# ==================================================================== top_k, in_top_k
def top_k(input, k=1, sorted=True, name=None):  # noqa: A002
    """The k largest entries of the last axis and their int32 indices (``tf.nn.top_k``).

    Ties go to the lower index. Returns a (values, indices) pair.
    Example:
      >>> values, indices = tf.nn.top_k([1.0, 3.0, 2.0], k=2)
    """
    x = convert_to_tensor(input)
    k = int(_static_ints(k, "k")[0])
    d = x.shape.as_tuple()
    if k < 0:
        raise ValueError("Invalid value for argument `k`: expected a non-negative int. Received: "
                         f"k={k}")
    if d is not None:
        if not d:
            raise ValueError("Shape must be at least rank 1 but is rank 0 for 'TopKV2'")
        if d[-1] is not None and d[-1] < k:
            raise ValueError(f"input must have at least k columns. Had {d[-1]}, needed {k}")
    values, indices = N.TopK(k)._build((x,), name or "TopKV2")
    return _TopKResult((values, indices))


class _TopKResult(tuple):
    """(values, indices), also readable as ``.values`` and ``.indices`` as in TF."""

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]


def in_top_k(predictions, targets, k, name=None):
    """Whether each target is among the k highest predictions of its row (``tf.nn.in_top_k``)."""
    p = convert_to_tensor(predictions)
    t = convert_to_tensor(targets)
    return N.InTopK(int(_static_ints(k, "k")[0]))._build((p, t), name or "in_top_k")


# ==================================================================== embeddings
def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """Rows of ``params`` at ``ids`` (``tf.nn.embedding_lookup``): a gather along axis 0.

    Args:
      params: a Variable/Tensor of shape [vocab, dim], or a list of shards of it.
      ids: int ids of any shape; the result has shape ids.shape + [dim].
      partition_strategy: how ids map to several shards: "mod" (id % n) or "div" (contiguous).
      max_norm: clip each looked-up row to this L2 norm.
    Example:
      >>> emb = tf.Variable(tf.random_uniform([100, 8]))
      >>> vecs = tf.nn.embedding_lookup(emb, [3, 7])
    """
    from .ops.gather_ops import gather
    if partition_strategy not in ("mod", "div"):
        raise ValueError("Invalid value for argument `partition_strategy`: expected 'mod' or "
                         f"'div'. Received: partition_strategy={partition_strategy!r}")
    shards = list(params) if isinstance(params, (list, tuple)) else [params]
    if not shards:
        raise ValueError("Need at least one param")
    ids = convert_to_tensor(ids)
    with name_scope(name, "embedding_lookup"):
        if len(shards) == 1:
            rows = gather(shards[0], ids)
        else:
            table = concat([convert_to_tensor(s) for s in shards], 0)
            rows = gather(table, _shard_ids(shards, ids, partition_strategy))
        if max_norm is not None:
            norm = M.sqrt(reduce_sum(M.square(rows), -1, keepdims=True))
            rows = rows * M.minimum(ones_like(norm), max_norm / M.maximum(norm, 1e-12))
        return rows


def _shard_ids(shards, ids, strategy):
    """Row of the concatenated shards that holds each id."""
    import numpy as np
    sizes = []
    for s in shards:
        d = convert_to_tensor(s).shape.as_tuple()
        if d is None or d[0] is None:
            raise NotImplementedError("embedding_lookup over shards needs their static sizes.")
        sizes.append(d[0])
    if strategy == "div":
        return ids  # TF's div layout puts id ranges in order: concatenation is the full table
    n = len(shards)
    offsets = convert_to_tensor(np.cumsum([0] + sizes[:-1]).astype(ids.dtype._np))
    from .ops.gather_ops import gather
    return gather(offsets, M.floormod(ids, n)) + M.floordiv(ids, n)


# tf.nn names defined in other modules (convolution and pooling, RNNs ...): found on first use, so
# a module that is missing or broken does not stop `import neuroflow`
_ELSEWHERE = ("neuroflow.ops.conv_nn", "neuroflow.ops.conv3d_ops")


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    import importlib
    for mod in _ELSEWHERE:
        try:
            m = importlib.import_module(mod)
        except ImportError:
            continue
        v = vars(m).get(name)
        if callable(v) and getattr(v, "__module__", None) == mod:
            globals()[name] = v
            return v
    raise AttributeError(f"module 'tensorflow.nn' has no attribute '{name}': tf.nn.{name} is not "
                         "supported by neuroflow yet")


# ==================================================================== recurrent networks (rnn/)
from .rnn import rnn_cell  # noqa: E402,F401
from .rnn.dynamic import (bidirectional_dynamic_rnn, dynamic_rnn,  # noqa: E402,F401
                          static_bidirectional_rnn, static_rnn)
