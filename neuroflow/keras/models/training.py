"""compile / fit / evaluate / predict: Keras training on the TF1 executor.

``compile`` only records the choices. The first fit/evaluate/predict with data of a given layout
traces the model once on fresh placeholders (inside ``context.symbolic()``, in a private graph):
forward with ``training`` fixed, losses, metric statistics, ``tf.gradients`` and the optimizer's
fused update ops. The result is compiled into an executor ``Plan`` run with an ``EagerContext``,
so the weights live in the Variable objects and eager code sees every update. Each batch is then
one plan call on NumPy slices; the running epoch averages are kept in Python as Keras keeps them.
"""
import numpy as np

from ...core import context, dtypes
from ...core.executor import EagerContext, Plan
from ...core.graph import Graph
from ...core.op import Placeholder
from ...core.shape import TensorShape
from .. import backend as K
from ..layers.base import flatten, no_record, training_scope
from . import data


class _Slot:
    """One metric of one output: the Metric object and the name it reports under."""

    def __init__(self, name, metric, output_index, weighted):
        self.name, self.metric, self.output_index, self.weighted = name, metric, output_index, weighted


class _Step:
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
        n = max(self.seen, 1)
        vals = [s / n for s in self.loss_sums] + [float(s.metric._result_value()) for s in self.slots]
        return dict(zip(self.names, vals))

    def batch_logs(self, out):
        vals = [float(out[i]) for i in range(self.n_losses)]
        k = self.n_losses
        for s, c in zip(self.slots, self.stat_counts):
            st = out[k:k + c]
            vals.append(float(st[0]) / float(st[1]) if len(st) == 2 and float(st[1]) else float(st[0]))
            k += c
        return dict(zip(self.names, vals))


class TrainingMixin:
    """The Keras training API shared by Model, Sequential and subclassed models."""

    # ---------------------------------------------------------------- compile
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None,
                run_eagerly=None, steps_per_execution=None, **kwargs):
        """Configures the model for training.

        Args:
          optimizer: a name ('sgd', 'adam', 'rmsprop') or an optimizer instance.
          loss: a name ('categorical_crossentropy', 'mse' ...), a function or a Loss; a list or
            dict gives one per output.
          metrics: a list such as ['acc'] or ['accuracy']; history keys use these names.
          loss_weights: weights of the per-output losses in the total loss.
        Example:
          >>> model.compile(optimizer='sgd', loss='categorical_crossentropy', metrics=['acc'])
        """
        from .. import optimizers
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self.compiled_loss_weights = loss_weights
        self._compile_metrics = metrics
        self._compile_weighted_metrics = weighted_metrics
        self._steps = {}
        self._is_compiled = True
        self.stop_training = False
        self._metrics_names = None

    def _reset_steps(self):
        self._steps = {}

    @property
    def metrics_names(self):
        """['loss', ...metric names] in the order evaluate() returns them."""
        names = getattr(self, "_metrics_names", None)
        if names is None:
            return ["loss"] if getattr(self, "_is_compiled", False) else []
        return list(names)

    def _assert_compiled(self, what):
        if not getattr(self, "_is_compiled", False):
            raise RuntimeError(f"You must compile your model before training/testing. Use "
                               f"`model.compile(optimizer, loss)`. (called: {what})")

    # ---------------------------------------------------------------- tracing
    def _trace(self, xs, training):
        for layer in self._flatten_layers():
            layer._activity_losses = []
        inputs = xs if len(xs) > 1 else xs[0]
        with training_scope(training):
            out = self(inputs, training=training)
        return flatten(out)

    def _flatten_layers(self):
        seen, out, stack = set(), [], [self]
        while stack:
            l = stack.pop()
            if id(l) in seen:
                continue
            seen.add(id(l))
            out.append(l)
            stack.extend(l._all_sublayers())
        return out

    def _input_placeholders(self, xs):
        phs = []
        for i, x in enumerate(xs):
            dt = dtypes.as_dtype(x.dtype)
            phs.append(Placeholder(dt, TensorShape((None,) + x.shape[1:]))._build((), "input_%d" % i))
        return phs

    def _output_names(self, n):
        names = getattr(self, "output_names", None)
        if names and len(names) == n:
            return list(names)
        return ["output_%d" % (i + 1) for i in range(n)]

    def _per_output(self, value, names, what):
        n = len(names)
        if isinstance(value, dict):
            for k in value:
                if k not in names:
                    raise ValueError(f"Unknown entries in {what} dictionary: ['{k}']. Only expected "
                                     f"following keys: {names}")
            return [value.get(k) for k in names]
        if isinstance(value, (list, tuple)) and what == "loss":
            if len(value) != n:
                raise ValueError(f"When passing a list as loss, it should have one entry per model "
                                 f"outputs. The model has {n} outputs, but you passed loss={value}")
            return list(value)
        return [value] * n

    def _metric_slots(self, names, losses, ys, outs):
        from .. import metrics as M
        slots = []
        prefix = len(names) > 1

        def per_output(spec):
            if spec is None:
                return [[] for _ in names]
            if isinstance(spec, dict):
                return [spec.get(k, []) if isinstance(spec.get(k, []), (list, tuple))
                        else [spec[k]] for k in names]
            if isinstance(spec, (list, tuple)) and spec and all(isinstance(s, (list, tuple))
                                                                  for s in spec):
                return [list(s) for s in spec]
            return [list(spec) for _ in names]

        for weighted, spec in ((False, self._compile_metrics), (True, self._compile_weighted_metrics)):
            for i, ms in enumerate(per_output(spec)):
                for m in ms:
                    if isinstance(m, str) and m in ("acc", "accuracy"):
                        yt, yp = ys[i], outs[i]
                        dt, dp = yt.shape.ndims, yp.shape.ndims
                        fn = M.resolve_accuracy(m, dt, yt.shape.as_tuple()[-1], dp,
                                                yp.shape.as_tuple()[-1], losses[i])
                        obj, name = M.MeanMetricWrapper(fn, name=m), m
                    elif isinstance(m, M.Metric):
                        obj, name = m, m.name
                    else:
                        fn = M.get(m)
                        name = m if isinstance(m, str) else getattr(fn, "__name__", "metric")
                        obj = fn if isinstance(fn, M.Metric) else M.MeanMetricWrapper(fn, name=name)
                    if weighted:
                        name = "weighted_" + name
                    slots.append(_Slot((names[i] + "_" + name) if prefix else name, obj, i, weighted))
        return slots

    def _build_step(self, mode, xs, ys, with_sw):
        """Traces the model and compiles a plan for 'train', 'test' or 'predict'."""
        from .. import losses as L
        from ...ops.array_ops import identity
        from ...ops.math_ops import add_n
        from ...ops.reduce_ops import reduce_mean
        g = Graph()
        with context.symbolic(), g.as_default(), no_record():
            phs = self._input_placeholders(xs)
            outs = self._trace(phs, training=(mode == "train"))
            ph_ids = {id(p) for p in phs}
            outs = [identity(o) if id(o) in ph_ids else o for o in outs]   # a plan fetches ops
            if mode == "predict":
                return Plan(outs, phs, EagerContext())
            names = self._output_names(len(outs))
            losses = [L.get(l) for l in self._per_output(self.loss, names, "loss")]
            if len(ys) != len(outs):
                raise ValueError(f"The model has {len(outs)} output(s) but {len(ys)} target "
                                 "array(s) were given.")
            lw = self.compiled_loss_weights
            if lw is None:
                weights = [1.0] * len(outs)
            elif isinstance(lw, dict):
                weights = [lw.get(k, 1.0) for k in names]
            else:
                weights = list(lw) if isinstance(lw, (list, tuple)) else [lw] * len(outs)
                if len(weights) != len(outs):
                    raise ValueError(f"When passing a list as loss_weights, it should have one entry "
                                     f"per model output. The model has {len(outs)} outputs, but you "
                                     f"passed loss_weights={lw}")
            yts = [Placeholder(dtypes.float32, TensorShape((None,) + y.shape[1:]))._build((), "target_%d" % i)
                   for i, y in enumerate(ys)]
            sws = [Placeholder(dtypes.float32, TensorShape((None,)))._build((), "sample_weight_%d" % i)
                   for i in range(len(ys))] if with_sw else [None] * len(ys)
            per_out, terms = [], []
            for i, (lf, yt, yp, sw) in enumerate(zip(losses, yts, outs, sws)):
                if lf is None:
                    continue
                _check_target(lf, yt, yp)
                li = _reduced_loss(lf, yt, yp, sw)
                per_out.append((names[i] + "_loss", li))
                w = 1.0 if weights[i] is None else float(weights[i])
                terms.append(li if w == 1.0 else li * w)
            if not terms:
                raise ValueError("The model cannot be compiled because it has no loss to optimize.")
            reg = [r for r in self.losses if r is not None]
            total = add_n(terms + [reduce_mean(r) if r.shape.ndims else r for r in reg]) \
                if len(terms) + len(reg) > 1 else terms[0]
            slots = self._metric_slots(names, losses, yts, outs)
            fetches, counts = [total], []
            loss_names = ["loss"]
            if len(outs) > 1:
                fetches += [t for _, t in per_out]
                loss_names += [n for n, _ in per_out]
            for s in slots:
                st = s.metric._stats(yts[s.output_index], _metric_input(s.metric, outs[s.output_index]),
                                     sws[s.output_index] if s.weighted else None)
                fetches += st
                counts.append(len(st))
            if mode == "train":
                fetches.append(self._update_op(total))
        feeds = phs + yts + [s for s in sws if s is not None]
        plan = Plan(fetches, feeds, EagerContext())
        self._metrics_names = loss_names + [s.name for s in slots]
        return _Step(plan, self._metrics_names, len(loss_names), slots, counts)

    def _update_op(self, total):
        from ...core.gradients import gradients
        from ...ops.control_flow_ops import group
        variables = self.trainable_weights
        if not variables:
            raise ValueError("The model has no trainable weights to train.")
        grads = gradients(total, variables)
        pairs = [(gr, v) for gr, v in zip(grads, variables) if gr is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable: %s."
                             % ([v.name for v in variables],))
        opt = self.optimizer
        if hasattr(opt, "get_updates_for"):
            return group(*opt.get_updates_for(pairs))
        op = opt.apply_gradients(pairs)   # a TF1 tf.train optimizer
        _init_new_variables(opt.variables())
        return op

    def _get_step(self, mode, xs, ys=(), with_sw=False):
        key = (mode, tuple((x.dtype.str, x.shape[1:]) for x in xs),
               tuple((y.ndim, y.shape[-1] if y.ndim else None) for y in ys), with_sw)
        steps = self.__dict__.setdefault("_steps", {})
        step = steps.get(key)
        if step is None:
            step = steps[key] = self._build_step(mode, xs, ys, with_sw)
        return step

    # ---------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, max_queue_size=10, workers=1,
            use_multiprocessing=False, **kwargs):
        """Trains the model for a number of epochs; returns the ``History`` callback.

        Example:
          >>> history = model.fit(x_train, y_train, batch_size=32, epochs=10,
          ...                     validation_data=(x_test, y_test))
          >>> history.history['val_acc']
        """
        from .. import callbacks as C
        if "nb_epoch" in kwargs:
            epochs = kwargs.pop("nb_epoch")
        if kwargs:
            raise TypeError(f"Invalid keyword arguments: {list(kwargs)}")
        self._assert_compiled("fit")
        verbose = 1 if verbose == "auto" else verbose
        if data.is_generator(x):
            return self._fit_generator(x, steps_per_epoch, epochs, verbose, callbacks,
                                       validation_data, validation_steps, initial_epoch, class_weight)
        batch_size = 32 if batch_size is None else int(batch_size)
        xs, ys, sw = self._standardize(x, y, sample_weight, class_weight)
        val = None
        if validation_data is not None:
            vx, vy, vsw = data.unpack(validation_data)
            val = self._standardize(vx, vy, vsw)
        elif validation_split and 0.0 < validation_split < 1.0:
            n = xs[0].shape[0]
            at = int(n * (1.0 - validation_split))
            val = ([a[at:] for a in xs], [a[at:] for a in ys], None if sw is None else sw[at:])
            xs, ys, sw = [a[:at] for a in xs], [a[:at] for a in ys], None if sw is None else sw[:at]
        n = xs[0].shape[0]
        if steps_per_epoch is not None:
            batch_size = max(1, -(-n // int(steps_per_epoch)))
        steps = -(-n // batch_size) if n else 0
        step = self._get_step("train", xs, ys, sw is not None)
        feeds = xs + ys + ([sw] if sw is not None else [])
        cbs = C.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                             verbose=verbose, epochs=epochs, steps=steps)
        pbar = cbs._progbar
        if pbar is not None:
            pbar._logs_fn = step.logs
        batch_cbs = cbs.batch_hooks("train")
        self.stop_training = False
        bufs = [np.empty_like(a) for a in feeds] if shuffle else None
        cbs.on_train_begin()
        logs = {}
        for epoch in range(initial_epoch, epochs):
            cbs.on_epoch_begin(epoch)
            cur = feeds
            if shuffle == "batch":
                cur = _batch_shuffle(feeds, batch_size)
            elif shuffle:
                perm = np.random.permutation(n)
                cur = [np.take(a, perm, axis=0, out=b, mode="clip") for a, b in zip(feeds, bufs)]
            step.reset()
            run, add = step.run, step.add
            for b in range(steps):
                s = b * batch_size
                e = min(s + batch_size, n)
                if batch_cbs:
                    for cb in batch_cbs:
                        cb.on_train_batch_begin(b, {"batch": b, "size": e - s})
                out = run(*[a[s:e] for a in cur])
                add(out, e - s)
                if batch_cbs:
                    blogs = step.logs()
                    for cb in batch_cbs:
                        cb.on_train_batch_end(b, blogs)
                if pbar is not None:
                    pbar.tick(b + 1)
                if self.stop_training:
                    break
            logs = step.logs()
            if val is not None and (epoch + 1) % (validation_freq if isinstance(validation_freq, int)
                                                  else 1) == 0:
                vlogs = self._evaluate_arrays(*val, validation_batch_size or batch_size)
                logs.update({"val_" + k: v for k, v in vlogs.items()})
            cbs.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        cbs.on_train_end(logs)
        return self.history

    def _fit_generator(self, gen, steps_per_epoch, epochs, verbose, callbacks, validation_data,
                       validation_steps, initial_epoch, class_weight):
        from .. import callbacks as C
        steps_per_epoch = data.steps_for(gen, steps_per_epoch, "steps_per_epoch")
        cbs = C.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                             verbose=verbose, epochs=epochs, steps=steps_per_epoch)
        batch_cbs = cbs.batch_hooks("train")
        self.stop_training = False
        it = data.batch_iterator(gen)
        cbs.on_train_begin()
        logs = {}
        for epoch in range(initial_epoch, epochs):
            cbs.on_epoch_begin(epoch)
            step = None
            if hasattr(gen, "on_epoch_end") and epoch > initial_epoch:
                gen.on_epoch_end()
            for b, batch in data.epoch_batches(gen, steps_per_epoch, it):
                bx, by, bsw = data.unpack(batch)
                xs, ys, sw = self._standardize(bx, by, bsw, class_weight)
                cur = self._get_step("train", xs, ys, sw is not None)
                if step is not cur:
                    if step is None:
                        cur.reset()
                    else:
                        cur.loss_sums, cur.seen = step.loss_sums, step.seen
                    step = cur
                    if cbs._progbar is not None:
                        cbs._progbar._logs_fn = step.logs
                out = step.run(*(xs + ys + ([sw] if sw is not None else [])))
                step.add(out, xs[0].shape[0])
                if batch_cbs:
                    blogs = step.logs()
                    for cb in batch_cbs:
                        cb.on_train_batch_end(b, blogs)
                if cbs._progbar is not None:
                    cbs._progbar.tick(b + 1)
                if self.stop_training:
                    break
            logs = step.logs() if step is not None else {}
            if validation_data is not None:
                vlogs = self.evaluate(validation_data, steps=validation_steps, verbose=0,
                                      return_dict=True) if data.is_generator(validation_data) else \
                    self._evaluate_arrays(*self._standardize(*data.unpack(validation_data)), 32)
                logs.update({"val_" + k: v for k, v in vlogs.items()})
            cbs.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        cbs.on_train_end(logs)
        return self.history

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, class_weight=None,
                      max_queue_size=10, workers=1, use_multiprocessing=False, shuffle=True,
                      initial_epoch=0, **kwargs):
        """Old Keras name of ``fit`` on a generator."""
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                        callbacks=callbacks, validation_data=validation_data,
                        validation_steps=validation_steps, class_weight=class_weight,
                        initial_epoch=initial_epoch)

    # ---------------------------------------------------------------- evaluate
    def _evaluate_arrays(self, xs, ys, sw, batch_size, callbacks=None):
        step = self._get_step("test", xs, ys, sw is not None)
        feeds = xs + ys + ([sw] if sw is not None else [])
        n = xs[0].shape[0]
        step.reset()
        for b in range(-(-n // batch_size)):
            s = b * batch_size
            e = min(s + batch_size, n)
            if callbacks is not None:
                callbacks.on_test_batch_begin(b, {"batch": b, "size": e - s})
            out = step.run(*[a[s:e] for a in feeds])
            step.add(out, e - s)
            if callbacks is not None:
                callbacks.on_test_batch_end(b, step.logs())
        return step.logs()

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None, steps=None,
                 callbacks=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                 return_dict=False, **kwargs):
        """Loss and metrics on the given data: a scalar when there is only the loss, else a list.

        Example:
          >>> loss, acc = model.evaluate(x_test, y_test)
        """
        from .. import callbacks as C
        self._assert_compiled("evaluate")
        verbose = 1 if verbose == "auto" else verbose
        if data.is_generator(x):
            logs = self._evaluate_generator(x, steps, verbose, callbacks)
        else:
            batch_size = 32 if batch_size is None else int(batch_size)
            xs, ys, sw = self._standardize(x, y, sample_weight)
            n = xs[0].shape[0]
            nsteps = -(-n // batch_size)
            cbs = C.CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                 epochs=1, steps=nsteps)
            cbs.on_test_begin()
            logs = self._evaluate_arrays(xs, ys, sw, batch_size, cbs)
            cbs.on_test_end(logs)
        if return_dict:
            return logs
        vals = list(logs.values())
        return vals[0] if len(vals) == 1 else vals

    def _evaluate_generator(self, gen, steps, verbose, callbacks):
        from .. import callbacks as C
        steps = data.steps_for(gen, steps, "steps")
        cbs = C.CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                             epochs=1, steps=steps)
        cbs.on_test_begin()
        it = data.batch_iterator(gen)
        step = None
        for b, batch in data.epoch_batches(gen, steps, it):
            xs, ys, sw = self._standardize(*data.unpack(batch))
            cur = self._get_step("test", xs, ys, sw is not None)
            if step is not cur:
                if step is None:
                    cur.reset()
                else:
                    cur.loss_sums, cur.seen = step.loss_sums, step.seen
                step = cur
            step.add(step.run(*(xs + ys + ([sw] if sw is not None else []))), xs[0].shape[0])
            cbs.on_test_batch_end(b, step.logs())
        logs = step.logs() if step is not None else {}
        cbs.on_test_end(logs)
        return logs

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10,
                           workers=1, use_multiprocessing=False, verbose=0):
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    # ---------------------------------------------------------------- predict
    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None, max_queue_size=10,
                workers=1, use_multiprocessing=False):
        """The model's outputs for ``x``, computed in batches (a list of arrays if several outputs).

        Example:
          >>> probs = model.predict(x_test)
        """
        from .. import callbacks as C
        if data.is_generator(x):
            return self._predict_generator(x, steps)
        batch_size = 32 if batch_size is None else int(batch_size)
        xs, _, _ = self._standardize(x)
        n = xs[0].shape[0]
        plan = self._get_step("predict", xs)
        nsteps = -(-n // batch_size)
        cbs = None
        if verbose or callbacks:
            cbs = C.CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                 epochs=1, steps=nsteps)
            cbs.on_predict_begin()
        if nsteps == 1 and cbs is None:
            outs = [[np.asarray(o) for o in plan(*xs)]]
        else:
            outs = []
            for b in range(nsteps):
                s = b * batch_size
                outs.append([np.asarray(o) for o in plan(*[a[s:s + batch_size] for a in xs])])
                if cbs is not None:
                    cbs.on_predict_batch_end(b, {"outputs": outs[-1]})
        if cbs is not None:
            cbs.on_predict_end()
        if not outs:
            res = []
        elif len(outs) == 1:
            res = outs[0]
        else:
            res = [np.concatenate([o[i] for o in outs]) for i in range(len(outs[0]))]
        return res[0] if len(res) == 1 else res

    def _predict_generator(self, gen, steps):
        steps = data.steps_for(gen, steps, "steps")
        it = data.batch_iterator(gen)
        outs = []
        for _, batch in data.epoch_batches(gen, steps, it):
            bx, _, _ = data.unpack(batch)
            r = self.predict_on_batch(bx)
            outs.append(r if isinstance(r, list) else [r])
        res = [np.concatenate([o[i] for o in outs]) for i in range(len(outs[0]))]
        return res[0] if len(res) == 1 else res

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0):
        return self.predict(generator, steps=steps)

    # ---------------------------------------------------------------- single batches
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, reset_metrics=True,
                       return_dict=False):
        """One gradient step on one batch: the batch loss (and metrics)."""
        self._assert_compiled("train_on_batch")
        xs, ys, sw = self._standardize(x, y, sample_weight, class_weight)
        step = self._get_step("train", xs, ys, sw is not None)
        out = step.run(*(xs + ys + ([sw] if sw is not None else [])))
        return _batch_result(step, out, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True, return_dict=False):
        """Loss (and metrics) on one batch, without updating the weights."""
        self._assert_compiled("test_on_batch")
        xs, ys, sw = self._standardize(x, y, sample_weight)
        step = self._get_step("test", xs, ys, sw is not None)
        out = step.run(*(xs + ys + ([sw] if sw is not None else [])))
        return _batch_result(step, out, return_dict)

    def predict_on_batch(self, x):
        """The outputs for one batch."""
        xs, _, _ = self._standardize(x)
        res = [np.asarray(o) for o in self._get_step("predict", xs)(*xs)]
        return res[0] if len(res) == 1 else res

    # ---------------------------------------------------------------- data
    def _standardize(self, x, y=None, sample_weight=None, class_weight=None):
        """Lists of float32 (or int) arrays for the inputs and targets, 1-D arrays made 2-D."""
        n_in = len(getattr(self, "inputs", None) or []) or None
        xs = data.to_list(x, getattr(self, "input_names", None), n_in, "x")
        xs = [data.as_input(a, self._input_dtype(i)) for i, a in enumerate(xs)]
        self._ensure_built(xs)
        data.check_inputs(self, xs)
        ys = []
        if y is not None:
            ys = data.to_list(y, getattr(self, "output_names", None), None, "y")
            ys = [data.as_target(a) for a in ys]
        sw = None
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=np.float32).reshape(-1)
        if class_weight is not None and ys:
            cw = data.class_weights(ys[0], class_weight)
            sw = cw if sw is None else sw * cw
        data.check_lengths(xs, ys, sw)
        return xs, ys, sw

    def _input_dtype(self, i):
        ins = getattr(self, "inputs", None)
        if ins and i < len(ins):
            return ins[i].dtype.name
        return None

    def _ensure_built(self, xs):
        pass


def _reduced_loss(lf, yt, yp, sw):
    """The scalar loss of one output: the mean over the batch of the (weighted) sample losses."""
    from .. import losses as L
    from .._ops import batch_mean
    from ...ops.reduce_ops import reduce_mean
    if isinstance(lf, L.Loss):
        return lf(yt, yp, sample_weight=sw)
    per = lf(yt, yp)
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


def _batch_result(step, out, return_dict):
    logs = step.batch_logs(out)
    if return_dict:
        return logs
    vals = list(logs.values())
    return vals[0] if len(vals) == 1 else vals


def _batch_shuffle(arrays, batch_size):
    n = arrays[0].shape[0]
    nb = -(-n // batch_size)
    order = np.random.permutation(nb)
    idx = np.concatenate([np.arange(b * batch_size, min((b + 1) * batch_size, n)) for b in order])
    return [a[idx] for a in arrays]


def _init_new_variables(variables):
    """Gives a value to variables made in symbolic mode (a TF1 optimizer's slots)."""
    for v in variables:
        if v._value is None:
            v._value = np.array(Plan([v._initial_value], [], EagerContext())()[0], copy=True)
