"""Keras model files: ``model.save`` / ``keras.models.load_model`` / ``save_weights`` /
``load_weights`` in the formats real Keras reads and writes.

- ``.h5`` / ``.hdf5``: tf.keras's HDF5 layout (see ``hdf5.py``), with the optimizer state.
- ``.keras``: Keras 3's zip (``config.json``, ``metadata.json``, ``model.weights.h5``).
- ``save_weights('ckpt')`` without an HDF5 suffix: a TensorFlow checkpoint (V2 bundle).

Loading never runs code from a file: layers are rebuilt from their configs by class name, and
``Lambda`` layers holding Python functions need ``safe_mode=False``; custom classes come from
``custom_objects``. Every file is written atomically (beside the target, then renamed).
"""
import datetime
import io
import json
import os
import zipfile

import numpy as np

from ...core.errors import DataLossError
from ...saving.atomic import atomic_path, write_bytes
from . import config as _config, hdf5

__all__ = ["save_model", "load_model", "save_weights", "load_weights"]

_H5 = (".h5", ".hdf5", ".keras.h5")


def _kind(filepath, save_format=None):
    p = os.fspath(filepath).lower()
    if save_format in ("h5", "hdf5") or p.endswith(_H5):
        return "h5"
    if save_format == "keras" or p.endswith(".keras"):
        return "keras"
    if save_format == "tf" or save_format is None:
        return "tf"
    raise ValueError(f"Unknown `save_format`: {save_format}. Expected 'h5', 'keras' or 'tf'.")


# -------------------------------------------------------------------- whole models
def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None,
               **kwargs):
    """Saves architecture, weights and (optionally) optimizer state to ``filepath``.

    Example:
      >>> model.save('model_trained.h5')
      >>> model = keras.models.load_model('model_trained.h5')
    """
    filepath = os.fspath(filepath)
    kind = _kind(filepath, save_format)
    if not overwrite and os.path.exists(filepath):
        return
    if kind == "tf":
        raise NotImplementedError(
            f"Saving to a TensorFlow SavedModel directory ('{filepath}') is not supported by "
            "neuroflow yet. Use a path ending in '.h5' or '.keras'.")
    if not model.built:
        raise ValueError("This model has not yet been built; call it on data or build() it before "
                         "saving.")
    if kind == "h5":
        with atomic_path(filepath) as tmp:
            with hdf5.open_h5(tmp, "w") as f:
                _write_h5_model(f, model, include_optimizer)
    else:
        write_bytes(filepath, _keras_zip(model, include_optimizer))


def _write_h5_model(f, model, include_optimizer):
    f.attrs["keras_version"] = hdf5.KERAS_VERSION
    f.attrs["backend"] = "tensorflow"
    f.attrs["model_config"] = hdf5.model_json(model)
    tc = hdf5.training_config(model)
    if tc is not None:
        f.attrs["training_config"] = tc
    hdf5.write_layers(f.create_group("model_weights"), model.layers)
    if include_optimizer and tc is not None:
        hdf5.ensure_slots(model)
        pairs = hdf5.optimizer_weights(model)
        if pairs:
            g = f.create_group("optimizer_weights")
            g.attrs["weight_names"] = np.array([n.encode("utf8") for n, _ in pairs])
            for (n, v), val in zip(pairs, hdf5._vals([v for _, v in pairs])):
                g.create_dataset(n, data=val)


def load_model(filepath, custom_objects=None, compile=True, options=None, safe_mode=True):  # noqa: A002
    """A model from a ``.h5`` or ``.keras`` file written by neuroflow, tf.keras or Keras 3."""
    filepath = os.fspath(filepath)
    if not os.path.exists(filepath):
        raise OSError(f"No file or directory found at {filepath}")
    if os.path.isdir(filepath):
        raise NotImplementedError(f"Loading a TensorFlow SavedModel directory ('{filepath}') is not "
                                  "supported by neuroflow yet; save the model as .h5 or .keras.")
    if zipfile.is_zipfile(filepath):
        return _load_keras_zip(filepath, custom_objects, compile, safe_mode)
    with hdf5.open_h5(filepath) as f:
        if "model_config" not in f.attrs:
            raise ValueError(f"No model config found in the file at {filepath}.")
        cfg = f.attrs["model_config"]
        cfg = json.loads(cfg.decode("utf8") if isinstance(cfg, bytes) else cfg)
        model = _from_config(cfg, custom_objects, safe_mode)
        names = hdf5.load_layers(f["model_weights"], model, path=filepath)
        tc = f.attrs.get("training_config")
        if compile and tc is not None:
            tc = json.loads(tc.decode("utf8") if isinstance(tc, bytes) else tc)
            _compile_from(model, tc, custom_objects)
            if "optimizer_weights" in f:
                g = f["optimizer_weights"]
                hdf5.set_optimizer_weights(model, [(n, np.asarray(g[k])) for k in
                                                   hdf5._names(g.attrs.get("weight_names", []))
                                                   for n in [k]], filepath, names)
    return model


def _from_config(cfg, custom_objects, safe_mode=True):
    from ..layers import core, deserialize
    cfg = _config.to_neuroflow(cfg, custom_objects)
    saved = core._UNSAFE["allowed"]
    core._UNSAFE["allowed"] = not safe_mode
    try:
        return deserialize(cfg, custom_objects)
    finally:
        core._UNSAFE["allowed"] = saved


def _compile_from(model, tc, custom_objects):
    from .. import optimizers
    oc = tc.get("optimizer_config")
    opt = "rmsprop"
    if oc:
        name = oc["class_name"].split(">")[-1]
        known = {k: v for k, v in oc.get("config", {}).items()
                 if k in ("name", "learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad",
                          "momentum", "nesterov", "rho", "centered", "decay", "clipnorm",
                          "clipvalue", "global_clipnorm", "initial_accumulator_value")
                 and v is not None}
        if isinstance(known.get("learning_rate"), dict):
            known.pop("learning_rate")
        try:
            opt = optimizers.deserialize({"class_name": name, "config": known}, custom_objects)
        except (ValueError, TypeError, NotImplementedError):
            opt = name.lower()
    loss = tc.get("loss")
    if isinstance(loss, dict) and "class_name" in loss:
        loss = _snake(loss["class_name"])
    metrics = tc.get("metrics")
    if isinstance(metrics, list):
        metrics = [m if isinstance(m, str) else _snake(m.get("class_name", "")) if
                   isinstance(m, dict) else m for m in _flat_metrics(metrics)]
    model.compile(optimizer=opt, loss=loss, metrics=metrics, loss_weights=tc.get("loss_weights"))


def _flat_metrics(ms):
    out = []
    for m in ms:
        out.extend(_flat_metrics(m) if isinstance(m, list) else [m])
    return out


def _snake(name):
    from ..layers.base import to_snake_case
    return to_snake_case(name)


# -------------------------------------------------------------------- .keras zip
def _k3_layer_dirs(model):
    """Keras 3's weight-file paths: layers/<snake class name>[_n] per layer."""
    counts, out = {}, []
    for layer in model.layers:
        base = _snake(type(layer).__name__)
        n = counts.get(base, 0)
        counts[base] = n + 1
        out.append((layer, base if n == 0 else "%s_%d" % (base, n)))
    return out


def _write_k3_weights(f, model, include_optimizer):
    from ..layers.recurrent import RNN
    f.create_group("vars").attrs["name"] = model.name
    layers = f.create_group("layers")
    for layer, d in _k3_layer_dirs(model):
        g = layers.create_group(d)
        v = g.create_group("vars")
        v.attrs["name"] = layer.name
        ws = hdf5._vals(layer.weights)
        if isinstance(layer, RNN) and getattr(layer, "cell", None) is not None and ws:
            c = g.create_group("cell").create_group("vars")
            c.attrs["name"] = layer.cell.name if hasattr(layer.cell, "name") else "cell"
            v = c
        for i, val in enumerate(ws):
            v.create_dataset(str(i), data=val)
    if include_optimizer and getattr(model, "optimizer", None) is not None:
        hdf5.ensure_slots(model)
        opt = model.optimizer
        og = f.create_group("optimizer").create_group("vars")
        og.attrs["name"] = getattr(opt, "_name", "optimizer")
        vals = [opt.iterations.numpy(), np.float32(_lr(opt))]
        for var in model.trainable_weights:
            for slot in opt._slot_names:
                s = opt._slots.get(slot, {}).get(var)
                if s is not None:
                    vals.append(s.numpy())
        for i, val in enumerate(vals):
            og.create_dataset(str(i), data=np.asarray(val))


def _lr(opt):
    from .. import backend as K
    lr = opt._hyper.get("learning_rate") if hasattr(opt, "_hyper") else None
    try:
        return float(K.get_value(lr))
    except Exception:   # a schedule: Keras 3 stores the current value; 0 means "unknown"
        return 0.0


def _keras_zip(model, include_optimizer):
    h5py = hdf5._h5py()
    shapes, build = {}, {}
    for layer in model.layers:
        try:
            nodes = layer._inbound_nodes
            if nodes:
                shapes[layer.name] = nodes[0].output_tensors[0].shape.as_list()
            build[layer.name] = list(layer.input_shape) if not isinstance(
                layer.input_shape, list) else None
        except (AttributeError, ValueError, TypeError):
            pass
        try:
            build[layer.name] = build.get(layer.name)
            build[layer.name] = list(layer.input_shape) if not isinstance(
                layer.input_shape, list) else None
        except (AttributeError, ValueError):
            pass
    cfg = _config.model_to_k3(json.loads(hdf5.model_json(model)), shapes, build)
    tc = hdf5.training_config(model)
    if tc is not None:
        tc = json.loads(tc)
        oc = tc.pop("optimizer_config", None)
        if oc:
            tc["optimizer"] = {"module": "keras.optimizers", "class_name": oc["class_name"],
                               "config": oc["config"], "registered_name": None}
        cfg["compile_config"] = tc
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        _write_k3_weights(f, model, include_optimizer)
    meta = {"keras_version": "3.0.0", "date_saved": datetime.datetime.now().strftime(
        "%Y-%m-%d@%H:%M:%S")}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("metadata.json", json.dumps(meta))
        z.writestr("config.json", json.dumps(cfg))
        z.writestr("model.weights.h5", buf.getvalue())
    return out.getvalue()


def _k3_vars(group):
    """The arrays of one object's vars, then of its sub-objects (a RNN's cell)."""
    vals = []
    if "vars" in group:
        v = group["vars"]
        vals += [np.asarray(v[k]) for k in sorted(v.keys(), key=int)]
    for k in group.keys():
        if k != "vars" and hasattr(group[k], "keys"):
            vals += _k3_vars(group[k])
    return vals


def load_k3_weights(f, model, path, skip_mismatch=False):
    if "layers" not in f:
        raise ValueError(f"{path} is not a Keras 3 weights file (no 'layers' group).")
    by_name = {}
    for d in f["layers"].keys():
        g = f["layers"][d]
        name = g["vars"].attrs.get("name", d) if "vars" in g else d
        by_name[name.decode() if isinstance(name, bytes) else name] = _k3_vars(g)
    dirs = {d: l for l, d in _k3_layer_dirs(model)}
    for layer in model.layers:
        vals = by_name.get(layer.name)
        if vals is None:
            d = next((k for k, l in dirs.items() if l is layer), None)
            vals = _k3_vars(f["layers"][d]) if d in f["layers"] else None
        if vals is None:
            if layer.weights:
                raise ValueError(f"Layer '{layer.name}' has no weights in {path}.")
            continue
        if layer.weights or vals:
            hdf5._set(layer, vals, skip_mismatch, path)


def _set_k3_optimizer(f, model, path):
    if "optimizer" not in f or getattr(model, "optimizer", None) is None:
        return
    g = f["optimizer"]["vars"]
    vals = [np.asarray(g[k]) for k in sorted(g.keys(), key=int)]
    opt = model.optimizer
    hdf5.ensure_slots(model)
    if not vals:
        return
    pairs = [("iteration:0", vals[0])]
    rest = vals[2:]   # Keras 3: iterations, learning_rate, then each variable's slots in turn
    slots = list(opt._slot_names)
    i = 0
    for var in model.trainable_weights:
        for s in slots:
            if i < len(rest):
                pairs.append(("opt/%s/%s" % (s, hdf5._wname(var)), rest[i]))
                i += 1
    hdf5.set_optimizer_weights(model, pairs, path)


def _load_keras_zip(filepath, custom_objects, compile, safe_mode):  # noqa: A002
    h5py = hdf5._h5py()
    try:
        with zipfile.ZipFile(filepath) as z:
            cfg = json.loads(z.read("config.json"))
            weights = z.read("model.weights.h5")
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise DataLossError(message=f"{filepath} is not a complete .keras file: {e}") from None
    model = _from_config(cfg, custom_objects, safe_mode)
    cc = cfg.get("compile_config")
    if compile and cc:
        tc = dict(cc)
        opt = tc.pop("optimizer", None)
        if isinstance(opt, dict):
            tc["optimizer_config"] = {"class_name": opt["class_name"], "config": opt["config"]}
        elif isinstance(opt, str):
            tc["optimizer_config"] = {"class_name": opt, "config": {}}
        _compile_from(model, tc, custom_objects)
    with h5py.File(io.BytesIO(weights), "r") as f:
        load_k3_weights(f, model, filepath)
        if compile and cc:
            _set_k3_optimizer(f, model, filepath)
    return model


# -------------------------------------------------------------------- weights only
def save_weights(model, filepath, overwrite=True, save_format=None, options=None):
    """Saves the layer weights: HDF5 for .h5 (Keras 3's layout for .weights.h5), else a
    TensorFlow checkpoint."""
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        return
    kind = _kind(filepath, save_format)
    if kind == "tf":
        from ...saving.checkpoint import Checkpoint
        Checkpoint(model=model).write(filepath)
        from ...train.saver import update_checkpoint_state
        update_checkpoint_state(os.path.dirname(filepath) or ".", filepath, [filepath])
        return
    with atomic_path(filepath) as tmp:
        with hdf5.open_h5(tmp, "w") as f:
            if filepath.endswith(".weights.h5"):
                _write_k3_weights(f, model, False)
            else:
                hdf5.write_layers(f, model.layers)


def load_weights(model, filepath, by_name=False, skip_mismatch=False, options=None):
    """Loads weights saved by ``save_weights`` or ``model.save`` (by topological order, or by
    layer name with ``by_name=True``; ``skip_mismatch`` skips layers whose shapes differ)."""
    filepath = os.fspath(filepath)
    if skip_mismatch and not by_name and not filepath.endswith(".weights.h5"):
        raise ValueError("When calling model.load_weights, skip_mismatch can only be set to True "
                         "when by_name is True.")
    if not filepath.lower().endswith(_H5) and not os.path.isfile(filepath):
        from ...saving.checkpoint import Checkpoint
        from ...train.saver import checkpoint_exists
        if checkpoint_exists(filepath):
            return Checkpoint(model=model).restore(filepath)
    if zipfile.is_zipfile(filepath):
        with zipfile.ZipFile(filepath) as z:
            with hdf5._h5py().File(io.BytesIO(z.read("model.weights.h5")), "r") as f:
                return load_k3_weights(f, model, filepath, skip_mismatch)
    with hdf5.open_h5(filepath) as f:
        if "layers" in f and "layer_names" not in f.attrs:
            return load_k3_weights(f, model, filepath, skip_mismatch)
        group = f["model_weights"] if "model_weights" in f else f
        hdf5.load_layers(group, model, by_name=by_name, skip_mismatch=skip_mismatch,
                         path=filepath)
