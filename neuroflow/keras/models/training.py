"""compile / fit / evaluate / predict: Keras training on the TF1 executor.

``compile`` only records the choices. The first fit/evaluate/predict with data of a given layout
builds the model's step (``step.py``: traced once, compiled into one executor plan); each batch is
then one plan call on NumPy slices, and the running epoch averages are kept in Python as Keras
keeps them.
"""
import numpy as np

from . import data
from . import step as step_mod


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
        return step_mod.trace(self, xs, training)

    def _flatten_layers(self):
        return step_mod.flatten_layers(self)

    def _build_step(self, mode, xs, ys, with_sw):
        return step_mod.build_step(self, mode, xs, ys, with_sw)

    def _get_step(self, mode, xs, ys=(), with_sw=False):
        key = (mode, tuple((x.dtype.str, x.shape[1:]) for x in xs),
               tuple(y.shape[1:] for y in ys), with_sw)
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
                                       validation_data, validation_steps, initial_epoch,
                                       class_weight)
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
        cbs.on_train_begin()
        logs = {}
        for epoch in range(initial_epoch, epochs):
            cbs.on_epoch_begin(epoch)
            cur, perm = feeds, None
            if shuffle == "batch":
                cur = _batch_shuffle(feeds, batch_size)
            elif shuffle:
                # each batch gathers its rows (as Keras does): no shuffled copy of the whole
                # data set, whose fresh pages cost more than the gathers (W1: 0.06-0.4 s)
                perm = np.random.permutation(n)
            step.reset()
            run, add = step.run, step.add
            for b in range(steps):
                s = b * batch_size
                e = min(s + batch_size, n)
                if batch_cbs:
                    for cb in batch_cbs:
                        cb.on_train_batch_begin(b, {"batch": b, "size": e - s})
                if perm is None:
                    out = run(*[a[s:e] for a in cur])
                else:
                    idx = perm[s:e]
                    out = run(*[np.take(a, idx, axis=0, mode="clip") for a in cur])
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
            if val is not None and _validate_now(validation_freq, epoch):
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
        return _batch_result(step, out, return_dict, reset_metrics, xs[0].shape[0])

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True, return_dict=False):
        """Loss (and metrics) on one batch, without updating the weights."""
        self._assert_compiled("test_on_batch")
        xs, ys, sw = self._standardize(x, y, sample_weight)
        step = self._get_step("test", xs, ys, sw is not None)
        out = step.run(*(xs + ys + ([sw] if sw is not None else [])))
        return _batch_result(step, out, return_dict, reset_metrics, xs[0].shape[0])

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


def _batch_result(step, out, return_dict, reset_metrics=True, n=0):
    """This batch's logs, or with ``reset_metrics=False`` the running values since the last reset
    (Keras keeps the metrics' state between such calls; ``model.reset_metrics()`` clears it)."""
    if reset_metrics:
        logs = step.batch_logs(out)
        step.reset()
    else:
        if not hasattr(step, "seen"):
            step.reset()
        step.add(out, n)
        logs = step.logs()
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


def _validate_now(freq, epoch):
    """Keras's validation_freq: every ``freq`` epochs, or the epochs (1-based) listed."""
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return epoch + 1 in freq
