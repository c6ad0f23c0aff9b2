"""Candidate samplers and the sampled losses on them (``tf.nn.nce_loss``, ``sampled_softmax_loss``).

The samplers follow TF's RangeSampler: log-uniform (Zipfian) or uniform classes in [0, range_max),
drawn without repeats when ``unique``, with the expected count of each class in the draw.
"""
import math

from ..core.random_seed import get_seed
from ._base import Operation, convert_to_tensor, dims, dtypes, get_array_module, np

__all__ = []

_FLT_MAX = float(np.finfo(np.float32).max)


class CandidateSampler(Operation):
    """(sampled ids, expected count of each true class, expected count of each sampled id)."""
    type = "LogUniformCandidateSampler"
    stateful = True
    differentiable = False
    multi_output = True

    def __init__(self, kind, num_sampled, unique, range_max, seed, probs=None):
        self.kind, self.num_sampled, self.unique = kind, num_sampled, unique
        self.range_max = range_max
        self.type = {"log_uniform": "LogUniformCandidateSampler", "all": "AllCandidateSampler",
                     "uniform": "UniformCandidateSampler",
                     "unigram": "FixedUnigramCandidateSampler"}[kind]
        self.seeds = get_seed(seed)
        self.probs = probs  # "unigram": the probability of each class
        self.cdf = None if probs is None else np.cumsum(probs)

    def infer(self, true_classes):
        return [((self.num_sampled,), dtypes.int64), (dims(true_classes), dtypes.float32),
                ((self.num_sampled,), dtypes.float32)]

    def bind(self, ctx):
        rng, draw = ctx.rng(self), self.draw
        return lambda t: draw(rng, t)

    def probability(self, v):
        if self.kind == "uniform":
            return np.full(np.shape(v), 1.0 / self.range_max)
        if self.kind == "unigram":
            return self.probs[np.asarray(v)]
        v = np.asarray(v, np.float64)
        return np.log((v + 2.0) / (v + 1.0)) / math.log(self.range_max + 1)

    def sample(self, rng, n):
        if self.kind == "uniform":
            return rng.integers(0, self.range_max, size=(n,)).astype(np.int64)
        u = rng.random((n,), dtype=np.float64)
        if self.kind == "unigram":
            idx = np.searchsorted(self.cdf, u * self.cdf[-1], side="right")
            return np.minimum(idx, self.range_max - 1).astype(np.int64)
        return (np.exp(u * math.log(self.range_max + 1)).astype(np.int64) - 1) % self.range_max

    def draw(self, rng, true_classes):
        xp = get_array_module(true_classes)
        n = self.num_sampled
        if self.kind == "all":  # every class once, each expected once
            return (xp.arange(n, dtype=np.int64), xp.ones(true_classes.shape, np.float32),
                    xp.ones((n,), np.float32))
        if not self.unique:
            out, tries = self.sample(rng, n), n
        else:
            if n > self.range_max:
                from ..core.errors import InvalidArgumentError
                msg = f"Sampler's range is too small: num_sampled={n} is larger than range_max=" \
                      f"{self.range_max}"
                raise InvalidArgumentError(None, self, msg)
            vals = np.empty(0, np.int64)
            while True:  # rejection of repeats, as TF: draw more until n distinct values were seen
                vals = np.concatenate([vals, self.sample(rng, max(2 * n, 16))])
                _, first = np.unique(vals, return_index=True)
                if first.size >= n:
                    first = np.sort(first)[:n]
                    out, tries = vals[first], int(first[-1]) + 1
                    break
        t = np.asarray(true_classes.get() if hasattr(true_classes, "get") else true_classes)
        return (xp.asarray(out), xp.asarray(self._expected(t, n, tries)),
                xp.asarray(self._expected(out, n, tries)))

    def _expected(self, v, n, tries):
        p = self.probability(v)
        if tries == n:
            return (p * n).astype(np.float32)
        return (-np.expm1(tries * np.log1p(-p))).astype(np.float32)  # 1 - (1 - p) ** tries


def candidate_sampler(kind, true_classes, num_true, num_sampled, unique, range_max, seed, name,
                      probs=None):
    t = convert_to_tensor(true_classes, dtype_hint=dtypes.int64)
    if not t.dtype.is_integer:
        raise TypeError(f"Value passed to parameter 'true_classes' has DataType {t.dtype.name} "
                        "not in list of allowed values: int64")
    d = dims(t)
    if d is not None and (len(d) != 2 or (d[1] is not None and d[1] != num_true)):
        raise ValueError("true_classes must be a matrix of shape [batch_size, "
                         f"num_true={num_true}]. Received: shape {t.shape}")
    op = CandidateSampler(kind, int(num_sampled), bool(unique), int(range_max), seed, probs)
    return tuple(op._build((t,), name))


class AccidentalHits(Operation):
    """-FLT_MAX where sampled[j] is one of row i's true classes, else 0: [batch, num_sampled]."""
    type = "ComputeAccidentalHits"
    differentiable = False

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, labels, sampled):
        hit = (labels.reshape(labels.shape[0], -1, 1) == sampled.reshape(1, 1, -1)).any(axis=1)
        y = hit.astype(self.dtype._np)
        y *= -_FLT_MAX
        return y

    def infer(self, labels, sampled):
        a, b = dims(labels), dims(sampled)
        return [((None if a is None else a[0], None if b is None else b[0]), self.dtype)]


class AccidentalHitsSparse(Operation):
    """TF's compute_accidental_hits: (row indices, sampled positions, -FLT_MAX weights)."""
    type = "ComputeAccidentalHits"
    differentiable = False
    multi_output = True

    def forward(self, labels, sampled):
        xp = get_array_module(sampled)
        hit = labels.reshape(labels.shape[0], -1, 1) == sampled.reshape(1, 1, -1)
        rows, _, cols = xp.nonzero(hit)
        return (rows.astype(np.int32), cols.astype(np.int64),
                xp.full(rows.shape, -_FLT_MAX, dtype=np.float32))

    def infer(self, labels, sampled):
        return [((None,), dtypes.int32), ((None,), dtypes.int64), ((None,), dtypes.float32)]


def compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true,
                           sampled_values, subtract_log_q, remove_accidental_hits,
                           partition_strategy, seed, name):
    """(logits [batch, num_true + num_sampled], labels: 1/num_true for the true columns, else 0)."""
    from ..core.graph import name_scope
    from ..nn import embedding_lookup
    from . import math_ops as M
    from .array_ops import concat, ones_like, reshape, stop_gradient, zeros_like
    from .reduce_ops import reduce_sum
    with name_scope(name, "compute_sampled_logits"):
        labels = M.cast(convert_to_tensor(labels), dtypes.int64)
        inputs = convert_to_tensor(inputs)
        if sampled_values is None:
            sampled_values = candidate_sampler("log_uniform", labels, num_true, num_sampled, True,
                                               num_classes, seed, "log_uniform_candidate_sampler")
        sampled, true_count, sampled_count = (stop_gradient(convert_to_tensor(s))
                                              for s in sampled_values)
        sampled = M.cast(sampled, dtypes.int64)
        labels_flat = reshape(labels, [-1])
        true_w = embedding_lookup(weights, labels_flat, partition_strategy=partition_strategy)
        sampled_w = embedding_lookup(weights, sampled, partition_strategy=partition_strategy)
        true_b = embedding_lookup(biases, labels_flat, partition_strategy=partition_strategy)
        sampled_b = embedding_lookup(biases, sampled, partition_strategy=partition_strategy)
        if true_w.dtype is not inputs.dtype:
            true_w, sampled_w = M.cast(true_w, inputs.dtype), M.cast(sampled_w, inputs.dtype)
            true_b, sampled_b = M.cast(true_b, inputs.dtype), M.cast(sampled_b, inputs.dtype)
        d = dims(inputs)
        dim = -1 if d is None or d[-1] is None else d[-1]
        # [batch, 1, dim] * [batch, num_true, dim] summed over dim: each row's true logits
        rows = M.multiply(reshape(inputs, [-1, 1, dim]), reshape(true_w, [-1, num_true, dim]))
        true_logits = reduce_sum(rows, 2) + reshape(true_b, [-1, num_true])
        sampled_logits = M.matmul(inputs, sampled_w, transpose_b=True) + sampled_b
        if remove_accidental_hits:
            sampled_logits = sampled_logits + AccidentalHits(sampled_logits.dtype)._build(
                (labels, sampled), "accidental_hits")
        if subtract_log_q:  # subtract log Q(class): the sampler's prior
            true_logits = true_logits - M.log(M.cast(true_count, true_logits.dtype))
            sampled_logits = sampled_logits - M.log(M.cast(sampled_count, sampled_logits.dtype))
        out_logits = concat([true_logits, sampled_logits], 1)
        true_labels = ones_like(true_logits) / float(num_true)
        out_labels = concat([true_labels, zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


# ==================================================================== public (tf.nn.*)
def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None,
                                  name=None):
    """Samples classes with P(c) = log((c + 2) / (c + 1)) / log(range_max + 1) (Zipfian).

    Returns:
      (sampled_candidates [num_sampled] int64, true_expected_count [batch, num_true],
      sampled_expected_count [num_sampled]), the counts as float32.
    """
    return candidate_sampler("log_uniform", true_classes, num_true, num_sampled, unique, range_max,
                             seed, name or "LogUniformCandidateSampler")


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max, seed=None,
                              name=None):
    """Samples classes uniformly from [0, range_max) (``tf.nn.uniform_candidate_sampler``)."""
    return candidate_sampler("uniform", true_classes, num_true, num_sampled, unique, range_max,
                             seed, name or "UniformCandidateSampler")


def all_candidate_sampler(true_classes, num_true, num_sampled, unique, seed=None, name=None):
    """Classes 0 .. num_sampled - 1, each with expected count 1 (``all_candidate_sampler``)."""
    return candidate_sampler("all", true_classes, num_true, num_sampled, True, num_sampled, seed,
                             name or "AllCandidateSampler")


def fixed_unigram_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                    vocab_file="", distortion=1.0, num_reserved_ids=0, num_shards=1,
                                    shard=0, unigrams=(), seed=None, name=None):
    """Samples class c with probability proportional to unigrams[c] ** distortion.

    The counts come from ``unigrams`` or from ``vocab_file`` (the last comma-separated value of
    each line); the first ``num_reserved_ids`` classes have probability 0.
    """
    if num_shards != 1 or shard != 0:
        raise NotImplementedError("fixed_unigram_candidate_sampler with num_shards > 1 is not "
                                  "supported by neuroflow yet.")
    if vocab_file:
        with open(vocab_file) as fh:
            counts = [float(line.rsplit(",", 1)[-1]) for line in fh if line.strip()]
    else:
        counts = [float(c) for c in unigrams]
    weights = np.concatenate([np.zeros(int(num_reserved_ids)), np.asarray(counts) ** distortion])
    if weights.size != int(range_max):
        raise ValueError(f"Invalid value for argument `unigrams`: expected range_max - "
                         f"num_reserved_ids = {int(range_max) - int(num_reserved_ids)} counts. "
                         f"Received: {len(counts)} counts")
    return candidate_sampler("unigram", true_classes, num_true, num_sampled, unique, range_max,
                             seed, name or "FixedUnigramCandidateSampler",
                             probs=weights / weights.sum())


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """(indices, ids, weights = -FLT_MAX) of sampled candidates that equal a true class of a row."""
    from . import math_ops as M
    t = M.cast(convert_to_tensor(true_classes), dtypes.int64)
    s = M.cast(convert_to_tensor(sampled_candidates), dtypes.int64)
    return AccidentalHitsSparse()._build((t, s), name or "ComputeAccidentalHits")


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
             sampled_values=None, remove_accidental_hits=False, partition_strategy="mod",
             name="nce_loss"):
    """Noise-contrastive estimation loss per example (``tf.nn.nce_loss``), as in word2vec.

    Args:
      weights: [num_classes, dim] (or a list of shards); biases: [num_classes].
      labels: [batch, num_true] int target classes.
      inputs: [batch, dim] activations.
      num_sampled: negative classes drawn per batch (log-uniform, unique; or ``sampled_values``).
    Returns:
      A [batch] tensor of losses.
    Example:
      >>> loss = tf.reduce_mean(tf.nn.nce_loss(nce_w, nce_b, train_labels, embed, 64, vocab_size))
    """
    from ..nn import sigmoid_cross_entropy_with_logits
    from .reduce_ops import reduce_sum
    logits, targets = compute_sampled_logits(weights, biases, labels, inputs, num_sampled,
                                             num_classes, num_true, sampled_values, True,
                                             remove_accidental_hits, partition_strategy, None, name)
    losses = sigmoid_cross_entropy_with_logits(labels=targets, logits=logits, name="sampled_losses")
    return reduce_sum(losses, 1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True, partition_strategy="mod",
                         name="sampled_softmax_loss", seed=None):
    """Softmax cross-entropy over the true and sampled classes only (``sampled_softmax_loss``).

    Arguments as :func:`nce_loss`. Returns a [batch] tensor of losses.
    """
    from ..nn import softmax_cross_entropy_with_logits
    logits, targets = compute_sampled_logits(weights, biases, labels, inputs, num_sampled,
                                             num_classes, num_true, sampled_values, True,
                                             remove_accidental_hits, partition_strategy, seed, name)
    return softmax_cross_entropy_with_logits(labels=targets, logits=logits)
