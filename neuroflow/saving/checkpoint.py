"""``tf.train.Checkpoint`` and ``CheckpointManager``: TF2 object-based checkpoints.

Variables are found by walking the objects given to ``Checkpoint(**kwargs)`` (Keras models and
layers, Keras optimizers, dicts, lists, objects with variable attributes) and saved under TF2's
key layout (``model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE``) in a V2 bundle.
The object-graph record real TF2 adds (``_CHECKPOINTABLE_OBJECT_GRAPH``) is not written:
``tf.train.load_checkpoint`` reads these files, ``tf.train.Checkpoint.restore`` in TF does not.
"""
import os

import numpy as np

from . import bundle

_ATTR = "/.ATTRIBUTES/VARIABLE_VALUE"


def _is_var(x):
    return getattr(x, "_is_variable", False)


def _children(obj):
    """[(name, child)] of a trackable object, in TF's order."""
    from ..keras.layers.base import Layer
    out = []
    if isinstance(obj, Layer):
        subs = obj._all_sublayers() if hasattr(obj, "_all_sublayers") else []
        own = list(obj._trainable_weights) + list(obj._non_trainable_weights)
        for w in own:
            short = w._name.split("/", 1)[1] if "/" in w._name else w._name
            out.append((short, w))
        k = 0
        for layer in subs:
            if layer.weights:
                out.append(("layer_with_weights-%d" % k, layer))
                k += 1
        for i, layer in enumerate(subs):
            out.append(("layer-%d" % i, layer))
        return out
    if hasattr(obj, "_slots") and hasattr(obj, "iterations"):   # a Keras optimizer
        out.append(("iter", obj.iterations))
        for name, v in getattr(obj, "_hyper", {}).items():
            if _is_var(v):
                out.append((name, v))
        return out
    if isinstance(obj, dict):
        return [(str(k), v) for k, v in obj.items()]
    if isinstance(obj, (list, tuple)):
        return [(str(i), v) for i, v in enumerate(obj)]
    if _is_var(obj) or isinstance(obj, (np.ndarray, str, bytes, int, float)) or obj is None:
        return []
    return [(k, v) for k, v in vars(obj).items() if not k.startswith("_") and _trackable(v)]


def _trackable(v):
    from ..keras.layers.base import Layer
    return _is_var(v) or isinstance(v, (Layer, dict, list, tuple)) or \
        (hasattr(v, "_slots") and hasattr(v, "iterations")) or hasattr(v, "_checkpoint_children")


def collect(roots):
    """{checkpoint key: variable}, each variable under its first (breadth-first) path."""
    keys, seen = {}, set()
    queue = [(name, obj) for name, obj in roots]
    optimizers = []
    while queue:
        path, obj = queue.pop(0)
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if _is_var(obj):
            keys[path + _ATTR] = obj
            continue
        if hasattr(obj, "_slots") and hasattr(obj, "iterations"):
            optimizers.append((path, obj))
        for name, child in _children(obj):
            queue.append((path + "/" + name.replace("/", "."), child))
    by_var = {id(v): k[:-len(_ATTR)] for k, v in keys.items()}
    for opath, opt in optimizers:
        for slot_name, per_var in opt._slots.items():   # {slot name: {variable: slot}}
            for var, slot in per_var.items():
                owner = by_var.get(id(var))
                if owner is not None:
                    keys["%s/.OPTIMIZER_SLOT/%s/%s%s" % (owner, opath, slot_name, _ATTR)] = slot
    return keys


class _Status:
    """What ``Checkpoint.restore`` returns: assertions about what matched."""

    def __init__(self, unmatched_vars, unused_keys):
        self._unmatched, self._unused = unmatched_vars, unused_keys

    def assert_consumed(self):
        if self._unmatched or self._unused:
            raise AssertionError(f"Unresolved object in checkpoint: {self._unused[:5]}; objects "
                                 f"not restored: {self._unmatched[:5]}")
        return self

    def assert_existing_objects_matched(self):
        if self._unmatched:
            raise AssertionError(f"Objects not restored from the checkpoint: {self._unmatched[:5]}")
        return self

    def assert_nontrivial_match(self):
        return self

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        pass

    def initialize_or_restore(self, session=None):
        pass


class Checkpoint:
    """Saves and restores the variables of the objects passed as keyword arguments.

    Example:
      >>> ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer)
      >>> path = ckpt.save('./ckpts/ckpt')          # './ckpts/ckpt-1'
      >>> ckpt.restore(tf.train.latest_checkpoint('./ckpts'))
    """

    def __init__(self, root=None, **kwargs):
        from ..core.variables import Variable
        from ..keras import backend as K
        self._roots = dict(kwargs)
        if root is not None:
            self._roots.update({k: v for k, v in vars(root).items() if _trackable(v)})
        with K.eager_scope():
            self.save_counter = Variable(np.int64(0), trainable=False, name="save_counter")

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if not name.startswith("_") and name != "save_counter" and "_roots" in self.__dict__:
            self._roots[name] = value

    def _keys(self):
        keys = collect(list(self._roots.items()))
        keys["save_counter" + _ATTR] = self.save_counter
        return keys

    def write(self, file_prefix, options=None):
        """Writes a checkpoint at exactly ``file_prefix``; returns it."""
        file_prefix = os.fspath(file_prefix)
        d = os.path.dirname(file_prefix)
        if d:
            os.makedirs(d, exist_ok=True)
        values = {k: np.asarray(v.numpy()) for k, v in self._keys().items()}
        bundle.write_bundle(file_prefix, values)
        return file_prefix

    def save(self, file_prefix, options=None):
        """Writes ``file_prefix-N`` (N = the save counter, from 1) and updates the state file."""
        from ..train.saver import update_checkpoint_state, get_checkpoint_state
        self.save_counter._value = np.array(int(self.save_counter.numpy()) + 1, np.int64)
        path = self.write("%s-%d" % (os.fspath(file_prefix), int(self.save_counter.numpy())))
        d = os.path.dirname(path) or "."
        state = get_checkpoint_state(d)
        prev = list(state.all_model_checkpoint_paths) if state else []
        prev = [p for p in prev if p != path]
        update_checkpoint_state(d, path, prev + [path])
        return path

    def read(self, save_path, options=None):
        return self.restore(save_path, options)

    def restore(self, save_path, options=None):
        """Loads the values saved at ``save_path`` into the tracked variables (None: no-op)."""
        if save_path is None:
            return _Status([], [])
        reader = bundle.BundleReader(os.fspath(save_path))
        keys = self._keys()
        unmatched = [k for k in keys if not reader.has_tensor(k)]
        for k, v in keys.items():
            if reader.has_tensor(k):
                val = reader.get(k)
                if tuple(val.shape) != tuple(v.shape.as_list()):
                    raise ValueError(f"Received incompatible tensor with shape {val.shape} when "
                                     f"attempting to restore variable with shape "
                                     f"{tuple(v.shape.as_list())} and name {k}.")
                v._value = np.array(val, dtype=v.dtype._np, copy=True)
        unused = [k for k in reader.keys() if k not in keys and
                  not k.startswith("_CHECKPOINTABLE_OBJECT_GRAPH")]
        return _Status(unmatched, unused)


class CheckpointManager:
    """Keeps the last ``max_to_keep`` checkpoints of a Checkpoint in ``directory``.

    Example:
      >>> manager = tf.train.CheckpointManager(ckpt, './tf_ckpts', max_to_keep=3)
      >>> ckpt.restore(manager.latest_checkpoint)
      >>> manager.save()
    """

    def __init__(self, checkpoint, directory, max_to_keep, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None,
                 init_fn=None):
        from ..train.saver import _now, get_checkpoint_state, checkpoint_exists
        self._checkpoint = checkpoint
        self.directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_hours = keep_checkpoint_every_n_hours
        self._prefix = os.path.join(self.directory, checkpoint_name)
        self._init_fn = init_fn
        state = get_checkpoint_state(self.directory)
        self._kept = []
        if state is not None:
            stamps = list(state.all_model_checkpoint_timestamps)
            for i, p in enumerate(state.all_model_checkpoint_paths):
                if checkpoint_exists(p):
                    self._kept.append((p, stamps[i] if i < len(stamps) else _now()))
        self._last_preserved = state.last_preserved_timestamp if state is not None and \
            state.last_preserved_timestamp else _now()

    @property
    def latest_checkpoint(self):
        from ..train.saver import latest_checkpoint
        return latest_checkpoint(self.directory)

    @property
    def checkpoints(self):
        return [p for p, _ in self._kept]

    @property
    def directory_path(self):
        return self.directory

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Saves a checkpoint (numbered by ``checkpoint_number`` or the save counter)."""
        from ..train.saver import _now, remove_checkpoint, update_checkpoint_state
        os.makedirs(self.directory, exist_ok=True)
        ck = self._checkpoint
        ck.save_counter._value = np.array(int(ck.save_counter.numpy()) + 1, np.int64)
        n = int(np.asarray(checkpoint_number)) if checkpoint_number is not None else \
            int(ck.save_counter.numpy())
        path = ck.write("%s-%d" % (self._prefix, n))
        now = _now()
        self._kept = [(p, t) for p, t in self._kept if p != path] + [(path, now)]
        removed = []
        if self._max_to_keep is not None:
            while len(self._kept) > self._max_to_keep:
                p, t = self._kept.pop(0)
                if self._keep_hours and t - self._last_preserved > self._keep_hours * 3600:
                    self._last_preserved = t
                    continue
                removed.append(p)
        update_checkpoint_state(self.directory, path, [p for p, _ in self._kept],
                                all_model_checkpoint_timestamps=[t for _, t in self._kept],
                                last_preserved_timestamp=self._last_preserved)
        for p in removed:
            remove_checkpoint(p)
        return path

    def restore_or_initialize(self):
        latest = self.latest_checkpoint
        if latest is not None:
            self._checkpoint.restore(latest)
            return latest
        if self._init_fn is not None:
            self._init_fn()
        return None
