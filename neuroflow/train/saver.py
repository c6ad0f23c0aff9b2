"""``tf.train.Saver`` and the checkpoint helpers, in TensorFlow's V2 checkpoint format.

``saver.save(sess, 'dir/model', global_step=1000)`` writes ``dir/model-1000.index``,
``dir/model-1000.data-00000-of-00001`` and ``dir/model-1000.meta``, then the ``dir/checkpoint``
state file. Every file is written beside its target and renamed into place, and the state file
changes only after the checkpoint it names is complete, so a process killed at any moment leaves
``latest_checkpoint`` pointing at a whole checkpoint. Real TensorFlow reads these files
(``tf.train.load_checkpoint``) and neuroflow restores checkpoints written by TensorFlow.
"""
import glob
import logging
import os
import time

import numpy as np

from ..core import context
from ..core.errors import FailedPreconditionError, InvalidArgumentError, NotFoundError
from ..core.graph import GraphKeys, get_default_graph
from ..saving import atomic, bundle, meta_graph
from ..saving.events import summary_iterator
from ..saving.messages import CheckpointState, parse_text

__all__ = ["Saver", "latest_checkpoint", "get_checkpoint_state", "checkpoint_exists",
           "update_checkpoint_state", "generate_checkpoint_state_proto", "import_meta_graph",
           "export_meta_graph", "load_checkpoint", "load_variable", "list_variables",
           "NewCheckpointReader", "summary_iterator", "get_checkpoint_mtimes",
           "remove_checkpoint", "CheckpointSaverHook", "SaverDef"]

_log = logging.getLogger("neuroflow")
_now = time.time   # tests replace this to simulate hours of training


class SaverDef:
    """``tf.train.SaverDef``: a Saver's configuration (the protocol buffer's fields, proto3
    defaults) and the checkpoint format versions ``LEGACY``, ``V1``, ``V2``."""
    LEGACY, V1, V2 = 0, 1, 2
    _FIELDS = (("filename_tensor_name", ""), ("save_tensor_name", ""), ("restore_op_name", ""),
               ("max_to_keep", 0), ("sharded", False), ("keep_checkpoint_every_n_hours", 0.0),
               ("version", 0))

    def __init__(self, **fields):
        names = dict(self._FIELDS)
        for k in fields:
            if k not in names:
                raise ValueError(f'Protocol message SaverDef has no "{k}" field.')
        for k, default in self._FIELDS:
            setattr(self, k, fields.get(k, default))

    def __eq__(self, other):
        return isinstance(other, SaverDef) and all(
            getattr(self, k) == getattr(other, k) for k, _ in self._FIELDS)

    def __repr__(self):
        return "".join(f"{k}: {getattr(self, k)!r}\n" for k, d in self._FIELDS
                       if getattr(self, k) != d)


# -------------------------------------------------------------------- checkpoint state file
def _state_path(checkpoint_dir, latest_filename=None):
    return os.path.join(checkpoint_dir, latest_filename or "checkpoint")


def generate_checkpoint_state_proto(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                                    all_model_checkpoint_timestamps=None,
                                    last_preserved_timestamp=None):
    """A CheckpointState; with a relative ``save_dir`` the paths are made relative to it (TF)."""
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        paths.append(model_checkpoint_path)
    if all_model_checkpoint_timestamps and len(all_model_checkpoint_timestamps) != len(paths):
        raise ValueError(f"Checkpoint timestamps, if provided, must match checkpoint paths (got "
                         f"paths {paths} and timestamps {all_model_checkpoint_timestamps})")
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = os.path.relpath(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else os.path.relpath(p, save_dir) for p in paths]
    state = CheckpointState(model_checkpoint_path=model_checkpoint_path,
                            all_model_checkpoint_paths=paths)
    if all_model_checkpoint_timestamps is not None:
        state.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
    if last_preserved_timestamp is not None:
        state.last_preserved_timestamp = last_preserved_timestamp
    return state


def update_checkpoint_state(save_dir, model_checkpoint_path, all_model_checkpoint_paths=None,
                            latest_filename=None, all_model_checkpoint_timestamps=None,
                            last_preserved_timestamp=None, save_relative_paths=False):
    """Atomically rewrites the ``checkpoint`` state file of ``save_dir``."""
    if save_relative_paths:
        rel = (lambda p: os.path.relpath(p, save_dir) if os.path.isabs(p) else p)
        model_checkpoint_path = rel(model_checkpoint_path)
        all_model_checkpoint_paths = [rel(p) for p in all_model_checkpoint_paths or []]
    state = generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
                                            all_model_checkpoint_paths,
                                            all_model_checkpoint_timestamps, last_preserved_timestamp)
    path = _state_path(save_dir, latest_filename)
    if path == model_checkpoint_path:
        raise RuntimeError(f"Save path '{model_checkpoint_path}' conflicts with path used for "
                           "checkpoint state.  Please use a different save path.")
    atomic.write_text(path, str(state))


def get_checkpoint_state(checkpoint_dir, latest_filename=None):
    """The CheckpointState in ``checkpoint_dir`` (paths joined to the directory), or None.

    Example:
      >>> ckpt = tf.train.get_checkpoint_state('./tb/mnist2')
      >>> if ckpt and ckpt.model_checkpoint_path: saver.restore(sess, ckpt.model_checkpoint_path)
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    path = _state_path(checkpoint_dir, latest_filename)
    if not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as f:
            state = parse_text(CheckpointState, f.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError, SyntaxError) as e:
        _log.warning("%s: not a valid checkpoint state file (%s); ignoring it.", path, e)
        return None
    if not state.model_checkpoint_path:
        raise ValueError(f"Invalid checkpoint state loaded from {checkpoint_dir}")
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(checkpoint_dir, state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
                                        for p in state.all_model_checkpoint_paths]
    return state


def checkpoint_exists(checkpoint_prefix):
    """True when a V2 checkpoint (its ``.index`` file) exists for the prefix."""
    checkpoint_prefix = os.fspath(checkpoint_prefix)
    return bool(glob.glob(glob.escape(checkpoint_prefix) + ".index")) or \
        (os.path.isfile(checkpoint_prefix) and not os.path.isdir(checkpoint_prefix))


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint in ``checkpoint_dir`` (from its state file), or None."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and state.model_checkpoint_path:
        if checkpoint_exists(state.model_checkpoint_path):
            return state.model_checkpoint_path
        _log.error("Couldn't match files for checkpoint %s", state.model_checkpoint_path)
    return None


def get_checkpoint_mtimes(checkpoint_prefixes):
    """The modification times (seconds, float) of the checkpoints that exist (V2's ``.index``
    file, else a V1 checkpoint file named by the prefix); missing ones are skipped."""
    mtimes = []
    for p in checkpoint_prefixes:
        p = os.fspath(p)
        for path in (p + ".index", p):
            if os.path.isfile(path):
                mtimes.append(os.stat(path).st_mtime_ns / 1e9)
                break
    return mtimes


def remove_checkpoint(checkpoint_prefix, checkpoint_format_version=2, meta_graph_suffix="meta"):
    """Deletes the files of one checkpoint (its index, data shards and meta graph)."""
    if checkpoint_format_version == SaverDef.V2:
        paths = [checkpoint_prefix + ".index"] + \
            glob.glob(glob.escape(checkpoint_prefix) + ".data-?????-of-?????")
    else:   # V1 and legacy: the prefix is the data file
        paths = [checkpoint_prefix]
    for path in paths + [checkpoint_prefix + "." + meta_graph_suffix]:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


# -------------------------------------------------------------------- readers
def _ckpt_prefix(ckpt_dir_or_file):
    p = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(p):
        latest = latest_checkpoint(p)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory {p}")
        return latest
    return p


def NewCheckpointReader(filepattern):  # noqa: N802 (TF's name)
    """A reader of a checkpoint: ``get_tensor(name)``, ``get_variable_to_shape_map()``."""
    return bundle.BundleReader(filepattern)


def load_checkpoint(ckpt_dir_or_file):
    """A CheckpointReader for a checkpoint prefix or a directory's latest checkpoint."""
    return bundle.BundleReader(_ckpt_prefix(ckpt_dir_or_file))


def load_variable(ckpt_dir_or_file, name):
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def list_variables(ckpt_dir_or_file):
    """[(name, shape)] of every tensor in the checkpoint, sorted by name."""
    r = load_checkpoint(ckpt_dir_or_file)
    return [(k, list(r.shape(k))) for k in r.keys()]


# -------------------------------------------------------------------- variable values
def _var_key(v):
    return v._name if hasattr(v, "_name") else v.op.name


def _read_values(sess, names_vars):
    store = sess._store if sess is not None else None
    out = {}
    for name, v in names_vars.items():
        if store is not None and v in store:
            val = store[v]
        elif (store is None or not context.state.graph_mode) and v._value is not None:
            val = v._value
        else:
            raise FailedPreconditionError(None, None, f"Attempting to use uninitialized value "
                                          f"{v._name}\n\t [[{{node save/SaveV2}}]]")
        from ..core.backend import to_numpy
        out[name] = np.asarray(to_numpy(val))
    return out


def _assign_values(sess, names_vars, reader, prefix):
    updates = []
    for name, v in names_vars.items():
        if not reader.has_tensor(name):
            raise NotFoundError(None, None, f"Restoring from checkpoint failed. This is most likely "
                                f"due to a Variable name or other graph key that is missing from the "
                                f"checkpoint. Please ensure that you have not altered the graph "
                                f"expected based on the checkpoint. Original error:\n\nKey {name} "
                                f"not found in checkpoint {prefix}")
        val = reader.get(name)
        want = v._shape
        if want.ndims is not None and want.is_fully_defined() and tuple(val.shape) != want.as_tuple():
            raise InvalidArgumentError(None, None, f"Restoring from checkpoint failed. Assign "
                                       f"requires shapes of both tensors to match. lhs shape= "
                                       f"{list(want.as_tuple())} rhs shape= {list(val.shape)} "
                                       f"(variable {name}, checkpoint {prefix})")
        updates.append((v, np.array(val, dtype=v.dtype._np, copy=True)))
    for v, val in updates:   # all checked first: a failed restore changes nothing
        if sess is not None:
            sess._store[v] = val
        else:
            v._value = val


def _as_name_map(var_list):
    if isinstance(var_list, dict):
        out = {}
        for k, v in var_list.items():
            out[k] = v
        return out
    out = {}
    for v in var_list:
        if isinstance(v, (list, tuple)):
            for x in v:
                out[_var_key(x)] = x
            continue
        key = _var_key(v)
        if key in out:
            raise ValueError(f"At least two variables have the same name: {key}")
        out[key] = v
    return out


# -------------------------------------------------------------------- Saver
class Saver:
    """Saves and restores variables (``tf.train.Saver``).

    Args:
      var_list: the variables to save: a list (saved under their names) or a dict
        {checkpoint name: variable}; default all global variables (and saveable objects).
      max_to_keep: how many recent checkpoints to keep (None or 0: all). Only checkpoints this
        saver wrote are deleted.
      keep_checkpoint_every_n_hours: additionally keep one checkpoint per this many hours.
    Example:
      >>> saver = tf.train.Saver(max_to_keep=5)
      >>> saver.save(sess, './ckpt/my-model', global_step=1000)   # './ckpt/my-model-1000'
      >>> saver.restore(sess, tf.train.latest_checkpoint('./ckpt'))
    """

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
                 saver_def=None, builder=None, defer_build=False, allow_empty=False,
                 write_version=SaverDef.V2, pad_step_number=False, save_relative_paths=False,
                 filename=None):
        if write_version == SaverDef.V1:
            _log.warning("neuroflow writes TensorFlow's V2 checkpoint format only; "
                         "write_version=V1 is ignored.")
        self._var_list = var_list
        self._vars = None
        self._allow_empty = allow_empty
        self._max_to_keep = max_to_keep
        self._keep_hours = keep_checkpoint_every_n_hours
        self._next_keep_time = _now() + keep_checkpoint_every_n_hours * 3600
        self._last_checkpoints = []   # [(prefix, time)] written by this saver, oldest first
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._filename = filename
        self._graph = get_default_graph()
        if not defer_build:
            self.build()
        self._graph.add_to_collection(GraphKeys.SAVERS, self)

    def build(self):
        if self._vars is not None:
            return
        var_list = self._var_list
        if var_list is None:
            var_list = self._graph.get_collection(GraphKeys.GLOBAL_VARIABLES) + \
                self._graph.get_collection(GraphKeys.SAVEABLE_OBJECTS)
        self._vars = _as_name_map(var_list)
        if not self._vars and not self._allow_empty:
            raise ValueError("No variables to save")

    # ---------------------------------------------------------------- state
    @property
    def last_checkpoints(self):
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints):
        """Sets the kept list (deprecated in TF). As in TF their timestamp is +inf, so rotation
        drops them from the list but never deletes their files."""
        assert isinstance(last_checkpoints, list)
        self._last_checkpoints = [(p, np.inf) for p in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        """Sets the kept list to ``[(path, timestamp)]``, oldest first."""
        assert isinstance(last_checkpoints_with_time, list)
        self._last_checkpoints = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths):
        """Takes over existing checkpoints (for rotation), e.g. after a restart."""
        paths = [p for p in checkpoint_paths if checkpoint_exists(p)]
        mtimes = get_checkpoint_mtimes(paths)
        self._last_checkpoints = list(zip(paths, mtimes))

    def as_saver_def(self):
        return SaverDef(filename_tensor_name="save/Const:0",
                        save_tensor_name="save/control_dependency:0",
                        restore_op_name="save/restore_all", max_to_keep=self._max_to_keep or 0,
                        keep_checkpoint_every_n_hours=self._keep_hours, version=SaverDef.V2)

    to_proto = as_saver_def

    # ---------------------------------------------------------------- save
    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True,
             strip_default_attrs=False, save_debug_info=False):
        """Writes a checkpoint; returns its path prefix (``save_path-<global_step>``)."""
        self.build()
        save_path = os.fspath(save_path)
        if latest_filename and os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        if global_step is not None:
            step = global_step if isinstance(global_step, (int, np.integer)) else (
                sess.run(global_step) if sess is not None else int(np.asarray(global_step)))
            prefix = ("%s-%08d" if self._pad_step_number else "%s-%d") % (save_path, int(step))
        else:
            prefix = save_path
        save_dir = os.path.dirname(save_path)
        if save_dir and not os.path.isdir(save_dir):
            raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.")
        if os.path.basename(save_path) == (latest_filename or "checkpoint"):
            raise RuntimeError(f"'latest_filename' collides with 'save_path': "
                               f"'{latest_filename or 'checkpoint'}' and '{save_path}'")
        values = _read_values(sess, self._vars)
        replacing = write_state and checkpoint_exists(prefix)
        if replacing:
            # never rewrite the checkpoint the state file names: write a complete copy first and
            # point the state file at it while the original is being replaced
            tmp = "%s.tmp-%d" % (prefix, os.getpid())
            bundle.write_bundle(tmp, values)
            self._write_state(save_dir, tmp, latest_filename, keep=self.last_checkpoints)
        bundle.write_bundle(prefix, values)
        if write_meta_graph:
            self.export_meta_graph(prefix + "." + meta_graph_suffix,
                                   graph=sess.graph if sess is not None else None)
        if write_state:
            removed = self._record(prefix)
            self._write_state(save_dir, prefix, latest_filename)
            if replacing:
                remove_checkpoint(tmp, meta_graph_suffix=meta_graph_suffix)
            for p in removed:
                remove_checkpoint(p, meta_graph_suffix=meta_graph_suffix)
        return prefix

    def _record(self, prefix):
        """Adds ``prefix`` to the kept list; returns the prefixes to delete (rotation)."""
        self._last_checkpoints = [(p, t) for p, t in self._last_checkpoints if p != prefix]
        self._last_checkpoints.append((prefix, _now()))
        removed = []
        if not self._max_to_keep:
            return removed
        if len(self._last_checkpoints) > self._max_to_keep:
            # as TF: one save drops (at most) the oldest one, even if more were set or recovered
            p, t = self._last_checkpoints.pop(0)
            if t is not None and t > self._next_keep_time:
                self._next_keep_time += self._keep_hours * 3600
                return removed   # kept for good: one checkpoint per keep_checkpoint_every_n_hours
            removed.append(p)
        return removed

    def _write_state(self, save_dir, prefix, latest_filename, keep=None):
        paths = [p for p, _ in self._last_checkpoints] if keep is None else list(keep)
        stamps = [t for _, t in self._last_checkpoints] if keep is None else None
        if stamps is not None and any(t is None for t in stamps):
            stamps = None
        update_checkpoint_state(save_dir or ".", prefix, paths, latest_filename,
                                all_model_checkpoint_timestamps=stamps,
                                save_relative_paths=self._save_relative_paths)

    # ---------------------------------------------------------------- restore
    def restore(self, sess, save_path):
        """Loads the saved values of the variables into ``sess``.

        Raises:
          ValueError: ``save_path`` is None or names no checkpoint.
          NotFoundError: a variable is missing from the checkpoint.
          DataLossError: a checkpoint file is truncated or corrupted (the error names it).
        """
        self.build()
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        save_path = os.fspath(save_path)
        if not checkpoint_exists(save_path):
            raise ValueError(f"The passed save_path is not a valid checkpoint: {save_path}")
        reader = bundle.BundleReader(save_path)
        if sess is None and context.state.graph_mode:
            raise ValueError("Saver.restore needs a session in graph mode.")
        _assign_values(sess, self._vars, reader, save_path)

    # ---------------------------------------------------------------- meta graph
    def export_meta_graph(self, filename=None, collection_list=None, as_text=False,
                          export_scope=None, clear_devices=False, clear_extraneous_savers=False,
                          strip_default_attrs=False, save_debug_info=False, graph=None):
        return export_meta_graph(filename, graph=graph or self._graph, saver=self)


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extraneous_savers=False, strip_default_attrs=False,
                      save_debug_info=False, saver=None, **kwargs):
    """Writes the graph (and a saver's variable map) to a ``.meta`` file; returns its bytes."""
    graph = graph or get_default_graph()
    payload = {"graph": graph, "saver_vars": dict(saver._vars) if saver is not None else None,
               "version": 1}
    sd = saver.as_saver_def() if saver is not None else saver_def
    info = {"max_to_keep": sd.max_to_keep,
            "keep_checkpoint_every_n_hours": sd.keep_checkpoint_every_n_hours} if sd else None
    data = meta_graph.meta_graph_bytes(graph, meta_graph.dumps_graph(payload)
                                       if _picklable(payload) else None, info)
    if filename:
        from ..saving import atomic as _atomic
        _atomic.write_bytes(os.fspath(filename), data)
    return data


def _picklable(payload):
    try:
        meta_graph.dumps_graph(payload)
        return True
    except Exception:   # ops holding closures or lambdas: the GraphDef is still written
        return False


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """Recreates a graph saved by neuroflow's ``Saver.save`` in the default graph; returns a
    Saver for its variables (None if it has none).

    Example:
      >>> saver = tf.train.import_meta_graph('./ckpt/my-model-1000.meta')
      >>> saver.restore(sess, './ckpt/my-model-1000')
    """
    if import_scope:
        raise NotImplementedError("import_meta_graph(import_scope=...) is not supported by "
                                  "neuroflow yet; import into a fresh graph.")
    path = os.fspath(meta_graph_or_file)
    if not os.path.isfile(path):
        raise OSError(f"File {path} does not exist.")
    payload = meta_graph.read_payload(path)
    src = payload["graph"]
    g = get_default_graph()
    clash = [n for n in src._ops_by_name if n in g._ops_by_name]
    if clash:
        raise ValueError(f"Cannot import {path} into a graph that already has ops of the same names "
                         f"(e.g. '{clash[0]}'); call tf.reset_default_graph() first.")
    context.enter_graph_mode()
    for op in src._ops:
        op.graph = g
    for name, items in src._collections.items():
        for it in items:
            if hasattr(it, "_is_variable"):
                it.graph = g
            g.add_to_collection(name, it) if name != GraphKeys.SAVERS else None
    g._ops.extend(src._ops)
    g._ops_by_name.update(src._ops_by_name)
    for k, v in src._names_in_use.items():
        g._names_in_use[k] = max(v, g._names_in_use.get(k, 0))
    g._var_store.update(src._var_store)
    if g.seed is None:
        g.seed = src.seed
    g._last_op_seed = max(g._last_op_seed, src._last_op_seed)
    g._version += 1
    names = payload.get("saver_vars")
    if names is None:
        names = {_var_key(v): v for v in src._collections.get(GraphKeys.GLOBAL_VARIABLES, [])}
    return Saver(names) if names else None


class CheckpointSaverHook:
    """Not supported yet: neuroflow has no MonitoredTrainingSession hooks."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError("tf.train.CheckpointSaverHook is not supported by neuroflow yet; "
                                  "call saver.save(sess, path, global_step=step) in the loop.")


from ..saving.checkpoint import Checkpoint, CheckpointManager  # noqa: E402,F401

__all__ += ["Checkpoint", "CheckpointManager"]
