"""Metrics from confusion counts at thresholds: Precision, Recall, AUC, TruePositives, ...

One op per batch (``ConfusionStats``) gives the weighted counts at every threshold from sorted
predictions and cumulative weights (O(n log n), however many thresholds); the metric adds the
counts up over batches and computes its value from them, as Keras's variables do.
"""
import numpy as np

from .. import backend as K
from ...core import dtypes
from ...core.backend import get_array_module
from ...core.op import Operation
from .base import Metric, div_no_nan, update_pair


def _tf():
    import neuroflow
    return neuroflow


def _count_above(xp, p, w, thr):
    """sum of w where p > t, for each t in thr."""
    order = xp.argsort(p, kind="stable")
    cum = xp.concatenate([xp.zeros(1, np.float64), xp.cumsum(w[order], dtype=np.float64)])
    below = xp.searchsorted(p[order], thr, side="right")
    return cum[-1] - cum[below]


class ConfusionStats(Operation):
    """Weighted confusion counts of one batch where y_pred > threshold.

    ``kinds`` names what to return: 'tp', 'fp', 'tn', 'fn', 'pp' (tp + fp), 'ap' (tp + fn).
    Counts have one entry per threshold (a scalar for a single threshold), and with
    ``per_label`` one column per label (last axis of y_pred).
    """
    type = "ConfusionStats"
    differentiable = False
    multi_output = True

    def __init__(self, thresholds, kinds, top_k=None, class_id=None, per_label=False,
                 from_logits=False, scalar=False):
        self.thresholds, self.kinds = np.asarray(thresholds, np.float64), tuple(kinds)
        self.top_k, self.class_id, self.per_label = top_k, class_id, per_label
        self.from_logits, self.scalar = from_logits, scalar

    def forward(self, y_true, y_pred, *sw):
        xp = get_array_module(y_pred)
        p = y_pred.astype(np.float32) if y_pred.dtype.kind != "f" else y_pred
        if self.from_logits:
            p = 1.0 / (1.0 + xp.exp(-p))
        t = xp.broadcast_to(xp.asarray(y_true).reshape(p.shape) if y_true.size == p.size
                            else y_true, p.shape).astype(bool)
        w = xp.ones(p.shape, np.float64) if not sw else \
            xp.broadcast_to(_match(xp, sw[0], p), p.shape).astype(np.float64)
        if self.top_k is not None:   # only the k highest predictions (first ones on ties) count
            top = xp.argsort(-p, axis=-1, kind="stable")[..., :self.top_k]
            keep = xp.zeros(p.shape, bool)
            xp.put_along_axis(keep, top, True, axis=-1)
            p = xp.where(keep, p, -np.inf)
        if self.class_id is not None:
            p, t, w = p[..., self.class_id], t[..., self.class_id], w[..., self.class_id]
        thr = xp.asarray(self.thresholds, dtype=p.dtype)
        if self.per_label:
            cols = [self._counts(xp, p[..., j].ravel(), t[..., j].ravel(), w[..., j].ravel(), thr)
                    for j in range(p.shape[-1])]
            return tuple(xp.stack([c[i] for c in cols], axis=-1) for i in range(len(cols[0])))
        return self._counts(xp, p.ravel(), t.ravel(), w.ravel(), thr)

    def _counts(self, xp, p, t, w, thr):
        tp = _count_above(xp, p[t], w[t], thr)
        fp = _count_above(xp, p[~t], w[~t], thr)
        pos, neg = w[t].sum(dtype=np.float64), w[~t].sum(dtype=np.float64)
        counts = {"tp": tp, "fp": fp, "fn": pos - tp, "tn": neg - fp, "pp": tp + fp,
                  "ap": tp + (pos - tp)}
        return tuple(counts[k][0] if self.scalar else counts[k] for k in self.kinds)

    def infer(self, y_true, y_pred, *sw):
        shape = () if self.scalar else (len(self.thresholds),)
        if self.per_label:
            last = y_pred.shape.as_list()[-1] if y_pred.shape.ndims else None
            shape = shape + (last,)
        return [(shape, dtypes.float64)] * len(self.kinds)


def _match(xp, sw, p):
    """sample_weight shaped to broadcast against p (a trailing axis added per missing one)."""
    sw = xp.asarray(sw)
    while sw.ndim < p.ndim:
        sw = sw[..., None]
    return sw


def _check_thresholds(thresholds):
    values = [thresholds] if isinstance(thresholds, (int, float)) else list(thresholds)
    if any(v < 0 or v > 1 for v in values):
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {thresholds}")
    return values


class _ConfusionMetric(Metric):
    """A metric computed from confusion counts at ``thresholds`` (0.5 by default)."""

    _outputs = ()

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        default = 0.5 if top_k is None else -np.inf
        self.thresholds = [default] if thresholds is None else _check_thresholds(thresholds)
        self._scalar = thresholds is None or isinstance(thresholds, (int, float))

    def _stats(self, y_true, y_pred, sample_weight=None):
        tf = _tf()
        ins = (tf.convert_to_tensor(y_true), tf.convert_to_tensor(y_pred))
        if sample_weight is not None:
            ins += (tf.convert_to_tensor(sample_weight),)
        op = ConfusionStats(self.thresholds, self._outputs, self.top_k, self.class_id,
                            scalar=self._scalar)
        return list(op._build(ins))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds one batch's confusion counts (labels 0/1, predictions in [0, 1])."""
        update_pair(self, y_true, y_pred, sample_weight)

    def get_config(self):
        config = super().get_config()
        config["thresholds"] = self.init_thresholds
        return config


class Precision(_ConfusionMetric):
    """tp / (tp + fp): of the predictions above the threshold, the fraction that are positive.

    Args:
      thresholds: 0.5 (a float gives a scalar result, a list one value per threshold).
      top_k: count only the k highest predictions of each sample. class_id: one class only.
    Example:
      >>> m = keras.metrics.Precision()
      >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
      >>> m.result().numpy()
      0.6666667
    """

    _outputs = ("tp", "pp")   # [tp, tp + fp]: the value is their ratio, also for one batch

    def _result_from(self, state):
        return div_no_nan(state[0], state[1])

    def get_config(self):
        config = super().get_config()
        config.update({"top_k": self.top_k, "class_id": self.class_id})
        return config


class Recall(Precision):
    """tp / (tp + fn): of the positives, the fraction predicted above the threshold.

    Example:
      >>> m = keras.metrics.Recall()
      >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
      >>> m.result().numpy()
      0.6666667
    """

    _outputs = ("tp", "ap")


class _Count(_ConfusionMetric):
    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds, None, None, name, dtype)

    def _result_from(self, state):
        return state[0]


class TruePositives(_Count):
    """The (weighted) number of positives predicted above the threshold."""
    _outputs = ("tp",)


class FalsePositives(_Count):
    """The (weighted) number of negatives predicted above the threshold."""
    _outputs = ("fp",)


class TrueNegatives(_Count):
    """The (weighted) number of negatives predicted at or below the threshold."""
    _outputs = ("tn",)


class FalseNegatives(_Count):
    """The (weighted) number of positives predicted at or below the threshold."""
    _outputs = ("fn",)


class AUC(Metric):
    """Area under the ROC (or precision-recall) curve, from confusion counts at
    ``num_thresholds`` evenly spaced thresholds (Keras's Riemann sum).

    Args:
      num_thresholds: 200. curve: 'ROC' or 'PR'.
      summation_method: 'interpolation', 'minoring' or 'majoring'.
      thresholds: explicit thresholds instead of evenly spaced ones.
      multi_label: one curve per label (last axis), averaged (``label_weights``).
      from_logits: predictions are logits (a sigmoid is applied first).
    Example:
      >>> m = keras.metrics.AUC(num_thresholds=3)
      >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
      >>> m.result().numpy()
      0.75
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        if str(curve).upper() not in ("ROC", "PR"):
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are '
                             '["PR", "ROC"]')
        if str(summation_method).lower() not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             'Expected values are ["interpolation", "majoring", "minoring"]')
        super().__init__(name=name, dtype=dtype)
        self.curve, self.summation_method = str(curve).upper(), str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_check_thresholds(thresholds))
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        # the end thresholds just outside [0, 1] count predictions of exactly 0 and 1
        self.thresholds = [0.0 - K.epsilon()] + inner + [1.0 + K.epsilon()]
        self.multi_label, self.num_labels = multi_label, num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights,
                                                                           np.float64)
        self._from_logits = from_logits

    def _stats(self, y_true, y_pred, sample_weight=None):
        tf = _tf()
        ins = (tf.convert_to_tensor(y_true), tf.convert_to_tensor(y_pred))
        if sample_weight is not None:
            ins += (tf.convert_to_tensor(sample_weight),)
        op = ConfusionStats(self.thresholds, ("tp", "fp", "tn", "fn"),
                            per_label=self.multi_label, from_logits=self._from_logits)
        return list(op._build(ins))

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds one batch's counts (labels 0/1, predictions in [0, 1] unless from_logits)."""
        update_pair(self, y_true, y_pred, sample_weight)

    def _result_from(self, state):
        tp, fp, tn, fn = state
        if self.curve == "PR" and self.summation_method == "interpolation":
            terms = self._interpolate_pr_auc(tp, fp, fn)
        else:
            recall = div_no_nan(tp, tp + fn)
            if self.curve == "ROC":
                x, y = div_no_nan(fp, fp + tn), recall
            else:
                x, y = recall, div_no_nan(tp, tp + fp)
            if self.summation_method == "interpolation":
                heights = (y[:-1] + y[1:]) / 2.0
            elif self.summation_method == "minoring":
                heights = np.minimum(y[:-1], y[1:])
            else:
                heights = np.maximum(y[:-1], y[1:])
            terms = (x[:-1] - x[1:]) * heights
        if not self.multi_label:
            return np.sum(terms)
        by_label = np.sum(terms, axis=0)
        if self.label_weights is None:
            return np.mean(by_label)
        return div_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights))

    @staticmethod
    def _interpolate_pr_auc(tp, fp, fn):
        """Davis & Goadrich's interpolation of the PR curve between thresholds, as Keras."""
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = div_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, div_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        return div_no_nan(slope * (dtp + intercept * np.log(ratio)),
                          np.maximum(tp[1:] + fn[1:], 0))

    def get_config(self):
        config = super().get_config()
        config.update({"num_thresholds": self.num_thresholds, "curve": self.curve,
                       "summation_method": self.summation_method,
                       "multi_label": self.multi_label, "num_labels": self.num_labels,
                       "label_weights": None if self.label_weights is None
                       else self.label_weights.tolist(), "from_logits": self._from_logits})
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
