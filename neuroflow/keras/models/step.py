"""The compiled training/test/predict step of a Keras model.

``build_step`` traces the model once on fresh placeholders (inside ``context.symbolic()``, in a
private graph): the forward pass with ``training`` fixed, the losses, the metrics' per-batch
statistics, ``tf.gradients`` and the optimizer's fused update ops; it compiles them into one
executor ``Plan`` run with an ``EagerContext`` (the weights live in the Variable objects, so eager
code sees every update). ``Step`` keeps the running epoch averages from the plan's results.
"""
import numpy as np

from ...core import context, dtypes
from ...core.executor import EagerContext, Plan
from ...core.graph import Graph
from ...core.op import Const, Placeholder
from ...core.shape import TensorShape
from ..layers.base import flatten, get_mask, no_record, training_scope


class Slot:
    """One metric of one output: the Metric object and the name it reports under."""

    def __init__(self, name, metric, output_index, weighted):
        self.name, self.metric = name, metric
        self.output_index, self.weighted = output_index, weighted


class Step:
    """A compiled train/test step: the plan plus where each value sits in its results."""

    def __init__(self, plan, names, n_losses, slots, stat_counts):
        self.plan, self.names, self.n_losses = plan, names, n_losses
        self.slots, self.stat_counts = slots, stat_counts
        self.run = plan.__call__

    def reset(self):
        self.loss_sums = [0.0] * self.n_losses
        self.seen = 0
        for s in self.slots:
            s.metric.reset_states()

    def add(self, out, n):
        """Accumulates one batch's results (n samples) into the running averages."""
        sums = self.loss_sums
        for i in range(self.n_losses):
            sums[i] += float(out[i]) * n
        self.seen += n
        k = self.n_losses
        for s, c in zip(self.slots, self.stat_counts):
            s.metric._merge(out[k:k + c])
            k += c

    def logs(self):
        """The running averages so far: {'loss': ..., 'acc': ...}."""
        n = max(self.seen, 1)
        vals = [s / n for s in self.loss_sums]
        vals += [_log_value(s.metric._result_value()) for s in self.slots]
        return dict(zip(self.names, vals))

    def batch_logs(self, out):
        """The values of one batch alone (train_on_batch / test_on_batch)."""
        vals = [float(out[i]) for i in range(self.n_losses)]
        k = self.n_losses
        for s, c in zip(self.slots, self.stat_counts):
            vals.append(_log_value(s.metric._batch_result(out[k:k + c])))
            k += c
        return dict(zip(self.names, vals))


def _log_value(v):
    """A metric's value for the logs: a float, or an array (Precision at several thresholds)."""
    return float(v) if np.ndim(v) == 0 else np.asarray(v)


def trace(model, xs, training):
    """The model's output tensors for the symbolic inputs ``xs``, with ``training`` fixed."""
    for layer in flatten_layers(model):
        layer._activity_losses = []
    inputs = xs if len(xs) > 1 else xs[0]
    with training_scope(training):
        out = model(inputs, training=training)
    return flatten(out)


def flatten_layers(model):
    """The model and every layer inside it, each once."""
    seen, out, stack = set(), [], [model]
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        out.append(layer)
        stack.extend(layer._all_sublayers())
    return out


def _placeholder(dtype, shape, name):
    return Placeholder(dtype, TensorShape(shape))._build((), name)


def _output_names(model, n):
    names = getattr(model, "output_names", None)
    if names and len(names) == n:
        return list(names)
    return ["output_%d" % (i + 1) for i in range(n)]


def _per_output(value, names, what):
    n = len(names)
    if isinstance(value, dict):
        for k in value:
            if k not in names:
                raise ValueError(f"Unknown entries in {what} dictionary: ['{k}']. Only expected "
                                 f"following keys: {names}")
        return [value.get(k) for k in names]
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"When passing a list as {what}, it should have one entry per model "
                             f"outputs. The model has {n} outputs, but you passed {what}={value}")
        return list(value)
    return [value] * n


def _metrics_per_output(spec, names):
    if spec is None:
        return [[] for _ in names]
    if isinstance(spec, dict):
        return [spec.get(k, []) if isinstance(spec.get(k, []), (list, tuple)) else [spec[k]]
                for k in names]
    if isinstance(spec, (list, tuple)) and spec and all(isinstance(s, (list, tuple)) for s in spec):
        return [list(s) for s in spec]
    return [list(spec) for _ in names]


def _metric_slots(model, names, losses, ys, outs):
    from .. import metrics as M
    slots = []
    for weighted, spec in ((False, model._compile_metrics),
                           (True, model._compile_weighted_metrics)):
        for i, ms in enumerate(_metrics_per_output(spec, names)):
            for m in ms:
                if isinstance(m, str) and m in ("acc", "accuracy", "crossentropy", "ce"):
                    yt, yp = ys[i].shape, outs[i].shape
                    resolve = M.resolve_accuracy if m in ("acc", "accuracy") else \
                        M.resolve_crossentropy
                    fn = resolve(m, yt.ndims, yt.as_tuple()[-1], yp.ndims, yp.as_tuple()[-1],
                                 losses[i])
                    obj, name = M.MeanMetricWrapper(fn, name=m), m
                elif isinstance(m, M.Metric):
                    obj, name = m, m.name
                else:
                    fn = M.get(m)
                    if isinstance(fn, M.Metric):   # 'AUC' reports as 'auc', as Keras
                        obj, name = fn, fn.name
                    else:
                        name = m if isinstance(m, str) else getattr(fn, "__name__", "metric")
                        obj = M.MeanMetricWrapper(fn, name=name)
                if weighted:
                    name = "weighted_" + name
                full = (names[i] + "_" + name) if len(names) > 1 else name
                slots.append(Slot(full, obj, i, weighted))
    return slots


def _loss_terms(model, names, outs, yts, sws):
    """The total loss tensor and the per-output (name, loss) pairs."""
    from .. import losses as L
    from ...ops.math_ops import add_n
    from ...ops.reduce_ops import reduce_mean
    losses = [L.get(x) for x in _per_output(model.loss, names, "loss")]
    lw = model.compiled_loss_weights
    weights = [1.0] * len(outs) if lw is None else \
        [lw.get(k, 1.0) for k in names] if isinstance(lw, dict) else \
        _per_output(lw, names, "loss_weights")
    per_out, terms = [], []
    for i, (lf, yt, yp, sw) in enumerate(zip(losses, yts, outs, sws)):
        if lf is None:
            continue
        _check_target(lf, yt, yp)
        li = _reduced_loss(lf, yt, yp, sw, get_mask(yp))
        per_out.append((names[i] + "_loss", li))
        w = 1.0 if weights[i] is None else float(weights[i])
        terms.append(li if w == 1.0 else li * w)
    if not terms:
        raise ValueError("The model cannot be compiled because it has no loss to optimize.")
    reg = [r if not r.shape.ndims else reduce_mean(r) for r in model.losses if r is not None]
    total = add_n(terms + reg) if len(terms) + len(reg) > 1 else terms[0]
    return total, per_out, losses


def build_step(model, mode, xs, ys, with_sw):
    """Traces the model and compiles a plan for 'train', 'test' (a Step) or 'predict' (a Plan)."""
    from ...ops.array_ops import identity
    with context.symbolic(), Graph().as_default(), no_record():
        phs = [_placeholder(dtypes.as_dtype(x.dtype), (None,) + x.shape[1:], "input_%d" % i)
               for i, x in enumerate(xs)]
        outs = trace(model, phs, training=(mode == "train"))
        ph_ids = {id(p) for p in phs}
        outs = [identity(o) if id(o) in ph_ids else o for o in outs]   # a plan fetches ops
        if mode == "predict":
            return Plan(outs, phs, EagerContext())
        if len(ys) != len(outs):
            raise ValueError(f"The model has {len(outs)} output(s) but {len(ys)} target "
                             "array(s) were given.")
        names = _output_names(model, len(outs))
        yts = [_placeholder(dtypes.float32, (None,) + y.shape[1:], "target_%d" % i)
               for i, y in enumerate(ys)]
        sws = [_placeholder(dtypes.float32, (None,), "sample_weight_%d" % i) if with_sw else None
               for i in range(len(ys))]
        total, per_out, losses = _loss_terms(model, names, outs, yts, sws)
        slots = _metric_slots(model, names, losses, yts, outs)
        fetches, counts, loss_names = [total], [], ["loss"]
        if len(outs) > 1:
            fetches += [t for _, t in per_out]
            loss_names += [n for n, _ in per_out]
        for s in slots:
            i = s.output_index
            st = s.metric._stats(yts[i], _metric_input(s.metric, outs[i]),
                                 sws[i] if s.weighted else None)
            fetches += st
            counts.append(len(st))
        if mode == "train":
            fetches.append(_update_op(model, total))
    plan = Plan(fetches, phs + yts + [s for s in sws if s is not None], EagerContext())
    model._metrics_names = loss_names + [s.name for s in slots]
    return Step(plan, model._metrics_names, len(loss_names), slots, counts)


def _update_op(model, total):
    from ...core.gradients import gradients
    from ...ops.control_flow_ops import group
    variables = model.trainable_weights
    if not variables:
        raise ValueError("The model has no trainable weights to train.")
    seed = Const(np.ones((), total.dtype.as_numpy_dtype))._build((), "grad_seed")   # no OnesLike
    grads = gradients(total, variables, grad_ys=seed)
    pairs = [(gr, v) for gr, v in zip(grads, variables) if gr is not None]
    if not pairs:
        raise ValueError("No gradients provided for any variable: %s."
                         % ([v.name for v in variables],))
    opt = model.optimizer
    if hasattr(opt, "get_updates_for"):
        return group(*opt.get_updates_for(pairs))
    op = opt.apply_gradients(pairs)   # a TF1 tf.train optimizer
    _init_new_variables(opt.variables())
    return op


def _reduced_loss(lf, yt, yp, sw, mask=None):
    """The scalar loss of one output: the mean over the batch of the (weighted) sample losses.

    With a mask on the output (Masking, Embedding(mask_zero=True)), masked steps count for
    nothing and the rest are rescaled by the mask's mean, as Keras 2 does."""
    from .. import losses as L
    from .._ops import batch_mean
    from ...ops.math_ops import cast
    from ...ops.reduce_ops import reduce_mean
    if isinstance(lf, L.Loss) and mask is None:
        return lf(yt, yp, sample_weight=sw)
    per = lf.call(yt, yp) if isinstance(lf, L.Loss) else lf(yt, yp)
    if mask is not None:
        m = cast(mask, per.dtype)
        per = per * m / (reduce_mean(m) + 1e-7)
    nd = per.shape.ndims
    if nd is not None and nd > 1:
        per = reduce_mean(per, axis=list(range(1, nd)))
    if sw is not None:
        per = per * sw
    return batch_mean(per)


def _metric_input(metric, yp):
    """What a metric reads: for argmax accuracies of a softmax output, the logits (same argmax,
    no second softmax in the step)."""
    from .. import metrics as M
    fn = getattr(metric, "_fn", None)
    op = yp.op
    if fn in (M.categorical_accuracy, M.sparse_categorical_accuracy) and op.type == "Softmax" \
            and getattr(op, "axis", -1) in (-1, (yp.shape.ndims or 0) - 1) and len(op.inputs) == 1:
        return op.inputs[0]
    return yp


def _check_target(lf, yt, yp):
    """Keras's error for targets whose shape cannot match the output."""
    name = getattr(lf, "__name__", "") or getattr(getattr(lf, "fn", None), "__name__", "")
    if "sparse" in name:
        return
    a, b = yt.shape.as_tuple(), yp.shape.as_tuple()
    if a is None or b is None:
        return
    if len(a) != len(b) or any(x is not None and z is not None and x != z
                               for x, z in zip(a[1:], b[1:])):
        fa = "(%s)" % ", ".join("None" if d is None else str(d) for d in a)
        fb = "(%s)" % ", ".join("None" if d is None else str(d) for d in b)
        raise ValueError(f"Shapes {fa} and {fb} are incompatible")


def _init_new_variables(variables):
    """Gives a value to variables made in symbolic mode (a TF1 optimizer's slots)."""
    for v in variables:
        if v._value is None:
            v._value = np.array(Plan([v._initial_value], [], EagerContext())()[0], copy=True)
