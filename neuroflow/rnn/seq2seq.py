"""``tf.contrib.seq2seq.sequence_loss``: weighted cross-entropy over [batch, time] targets."""
from ..core.graph import name_scope
from ..core.op import convert_to_tensor
from ..ops.array_ops import reshape, shape
from ..ops.math_ops import cast, div_no_nan
from ..ops.reduce_ops import count_nonzero, reduce_sum


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, sum_over_timesteps=False, sum_over_batch=False,
                  softmax_loss_function=None, name=None):
    """Weighted cross-entropy loss for a sequence of logits.

    Args:
      logits: [batch_size, sequence_length, num_decoder_symbols] floats.
      targets: [batch_size, sequence_length] int class ids.
      weights: [batch_size, sequence_length] floats (0 for padding).
      average_across_timesteps / average_across_batch: divide the sum over that axis by the
        weights' sum over it (both: a scalar, the weighted mean).
      sum_over_timesteps / sum_over_batch: divide by the number of non-zero weights instead.
      softmax_loss_function: ``fn(labels=..., logits=...)`` instead of the sparse softmax
        cross-entropy.
    Returns:
      a scalar, or [batch_size] / [sequence_length] / [batch_size, sequence_length] losses.
    Example:
      >>> loss = tf.contrib.seq2seq.sequence_loss(logits=outputs, targets=Y,
      ...                                         weights=tf.ones([batch_size, seq_length]))
    """
    logits, targets = convert_to_tensor(logits), convert_to_tensor(targets)
    weights = convert_to_tensor(weights, dtype_hint=logits.dtype)
    if logits.shape.ndims is not None and logits.shape.ndims != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if targets.shape.ndims is not None and targets.shape.ndims != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if weights.shape.ndims is not None and weights.shape.ndims != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot be set to True "
                         "at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set to True at same "
                         "time.")
    from ..nn import sparse_softmax_cross_entropy_with_logits
    with name_scope(name or "sequence_loss"):
        d = logits.shape.as_tuple()
        n = d[-1] if d is not None and d[-1] is not None else shape(logits)[2]
        flat = reshape(logits, [-1, n])
        labels = reshape(targets, [-1])
        if softmax_loss_function is None:
            ce = sparse_softmax_cross_entropy_with_logits(labels=labels, logits=flat)
        else:
            ce = softmax_loss_function(labels=labels, logits=flat)
        ce = ce * reshape(weights, [-1])
        if average_across_timesteps and average_across_batch:
            return div_no_nan(reduce_sum(ce), reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            return div_no_nan(reduce_sum(ce), cast(count_nonzero(weights), ce.dtype))
        bt = d[:2] if d is not None and None not in d[:2] else shape(logits)[0:2]
        ce = reshape(ce, bt)
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return div_no_nan(reduce_sum(ce, axis=axis), reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            return div_no_nan(reduce_sum(ce, axis=axis),
                              cast(count_nonzero(weights, axis=axis), ce.dtype))
        return ce
