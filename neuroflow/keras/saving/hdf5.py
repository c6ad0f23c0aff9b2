"""Keras's HDF5 layout (``model.save('m.h5')``, ``save_weights('w.h5')``), as tf.keras writes it:
root attributes ``model_config`` / ``training_config`` (JSON), ``keras_version``, ``backend``;
``model_weights/<layer>/<layer>/<weight>:0`` datasets with ``layer_names`` / ``weight_names``
attributes; ``optimizer_weights`` (``iteration:0``, ``<Optimizer>/<slot>/<variable>:0``, or a
legacy optimizer's ``<Optimizer>/iter:0``, ``<Optimizer>/<variable>/<slot>:0``).
"""
import json
import warnings

import numpy as np

from ...core.errors import DataLossError

KERAS_VERSION = "2.15.0"   # the tf.keras layout we write (read by tf.keras 2.x and Keras 3)


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError("`save_model()` / `load_model()` with .h5 files requires h5py: "
                          "pip install h5py (or neuroflow[h5]).") from None
    return h5py


def open_h5(path, mode="r"):
    h5py = _h5py()
    try:
        return h5py.File(path, mode)
    except OSError as e:
        if mode == "r":
            raise DataLossError(message=f"Unable to open {path} as an HDF5 file (truncated or "
                                f"corrupted?): {e}") from None
        raise


def _names(arr):
    return [n.decode("utf8") if isinstance(n, bytes) else str(n) for n in arr]


def _wname(w):
    return w.name if w.name.endswith(":0") else w.name + ":0"


def _vals(ws):
    from .. import backend as K
    return [np.asarray(w.numpy() if w._value is not None else K.get_value(w)) for w in ws]


def write_layers(group, layers):
    """``layer_names`` + one group per layer holding its weights."""
    group.attrs["layer_names"] = np.array([l.name.encode("utf8") for l in layers])
    group.attrs["backend"] = "tensorflow"
    group.attrs["keras_version"] = KERAS_VERSION
    for layer in layers:
        g = group.create_group(layer.name)
        ws = layer.weights
        names = [_wname(w) for w in ws]
        if len(set(names)) != len(names):   # two weights with one name: make them distinct
            names = ["%s_%d:0" % (n[:-2], i) for i, n in enumerate(names)]
        g.attrs["weight_names"] = np.array([n.encode("utf8") for n in names])
        for n, v in zip(names, _vals(ws)):
            g.create_dataset(n, data=v)


def _layer_values(g):
    names = _names(g.attrs.get("weight_names", []))
    try:
        return [np.asarray(g[n]) for n in names]
    except KeyError as e:
        raise DataLossError(message=f"weight {e} listed but missing in {g.file.filename}") from None


def load_layers(group, model, by_name=False, skip_mismatch=False, path=""):
    """Sets the model's layer weights from a ``model_weights``-style group; returns
    {saved weight name: variable} (how the optimizer state names them)."""
    saved = _names(group.attrs.get("layer_names", []))
    values = {n: _layer_values(group[n]) for n in saved}
    names = {n: _names(group[n].attrs.get("weight_names", [])) for n in saved}
    layers = model.layers
    if by_name:
        index = {l.name: l for l in layers}
        pairs = [(index[n], n) for n in saved if n in index]
    else:
        with_w = [l for l in layers if l.weights]
        saved_w = [n for n in saved if values[n]]
        if len(with_w) != len(saved_w):
            raise ValueError(f"Layer count mismatch when loading weights from file. Model "
                             f"expected {len(with_w)} layers, found {len(saved_w)} saved layers.")
        pairs = list(zip(with_w, saved_w))
    out = {}
    for layer, n in pairs:
        if _set(layer, values[n], skip_mismatch, path):
            out.update({w[:-2] if w.endswith(":0") else w: v
                        for w, v in zip(names[n], layer.weights)})
    return out


def _set(layer, vals, skip_mismatch, path):
    ws = layer.weights
    shapes_ok = len(ws) == len(vals) and all(tuple(w.shape.as_list()) == v.shape
                                             for w, v in zip(ws, vals))
    if not shapes_ok:
        msg = (f"Layer '{layer.name}' expected {len(ws)} variables with shapes "
               f"{[tuple(w.shape.as_list()) for w in ws]}, but received {len(vals)} variables "
               f"with shapes {[v.shape for v in vals]} (from {path}).")
        if skip_mismatch:
            warnings.warn("Skipping loading weights for layer #%s: %s" % (layer.name, msg))
            return False
        raise ValueError(msg)
    layer.set_weights(vals)
    return True


# -------------------------------------------------------------------- optimizer state
def _legacy_layout(opt):
    """tf.keras 2.11+ writes its new optimizers (``is_legacy_optimizer: false``); one with
    ``decay`` only exists as a legacy OptimizerV2, whose state tf.keras lays out differently."""
    return bool(getattr(opt, "_initial_decay", 0))


# tf.keras's new optimizers: groups of slots created variable by variable (in each group the
# slots alternate per variable), with their names there. Ours keep the legacy slot names.
_NEW_LAYOUT = {
    "SGD": [[("momentum", "m")]],
    "Adam": [[("m", "m"), ("v", "v")], [("vhat", "vhat")]],
    "Nadam": [[("m", "m"), ("v", "v")]],
    "Adamax": [[("m", "m"), ("v", "u")]],
    "RMSprop": [[("rms", "velocity")], [("momentum", "momentum")], [("mg", "average_gradient")]],
    "Adagrad": [[("accumulator", "accumulator")]],
    "Adadelta": [[("accum_grad", "accumulated_grad"), ("accum_var", "accumulated_delta_var")]],
    "Ftrl": [[("accumulator", "accumulator"), ("linear", "linear")]],
}


def _new_layout(opt):
    for cls in type(opt).__mro__:
        if cls.__name__ in _NEW_LAYOUT:
            return _NEW_LAYOUT[cls.__name__]
    return [[(s, s) for s in opt._slots]]


def optimizer_weights(model):
    """[(name, variable)] of the optimizer state in tf.keras's names and order: the new
    optimizers' ``iteration:0, Adam/m/<var>:0, Adam/v/<var>:0, ...`` (see ``_NEW_LAYOUT``),
    or a legacy optimizer's ``Adam/iter:0, Adam/<var>/m:0, ...`` (variables per slot)."""
    opt = getattr(model, "optimizer", None)
    if opt is None or not hasattr(opt, "_slots"):
        return []
    name = getattr(opt, "_name", type(opt).__name__)
    slots = {s: per_var for s, per_var in opt._slots.items() if isinstance(per_var, dict)}
    if _legacy_layout(opt):
        out = [("%s/iter:0" % name, opt.iterations)]
        for slot_name, per_var in slots.items():
            out += [("%s/%s/%s" % (name, _wname(var)[:-2], slot_name + ":0"), per_var[var])
                    for var in model.trainable_weights if per_var.get(var) is not None]
        return out
    out = [("iteration:0", opt.iterations)]
    for group in _new_layout(opt):
        for var in model.trainable_weights:
            for ours, theirs in group:
                s = slots.get(ours, {}).get(var)
                if s is not None:
                    out.append(("%s/%s/%s" % (name, theirs, _wname(var)), s))
    return out


def ensure_slots(model):
    opt = getattr(model, "optimizer", None)
    if opt is not None and hasattr(opt, "_create_slots"):
        opt._create_slots(model.trainable_weights)


def set_optimizer_weights(model, pairs, path, by_var=None):
    """Restores optimizer state from [(name, array)] written by tf.keras or neuroflow;
    ``by_var`` maps the file's weight names to the variables."""
    opt = getattr(model, "optimizer", None)
    if opt is None or not hasattr(opt, "_slots"):
        return
    ensure_slots(model)
    if by_var is None:
        by_var = {_wname(v)[:-2]: v for v in model.trainable_weights}
    renames = {theirs: ours for group in _new_layout(opt) for ours, theirs in group}
    ok = 0
    for name, val in pairs:
        base = name[:-2] if name.endswith(":0") else name
        if base in ("iteration", "iter") or base.endswith("/iter") or base.endswith("/iterations"):
            opt.iterations._value = np.array(val, dtype=np.int64)
            ok += 1
            continue
        parts = base.split("/")
        # new optimizers: <Opt>/<slot>/<var>; legacy ones: <Opt>/<var>/<slot>
        cands = [(parts[i], "/".join(parts[i + 1:])) for i in range(1, len(parts))]
        cands.append((parts[-1], "/".join(parts[1:-1])))
        for slot, var in cands:
            v = by_var.get(var)
            slot = renames.get(slot, slot)
            if v is not None and slot in opt._slots:
                s = opt._slots[slot].get(v)
                if s is not None and tuple(s.shape.as_list()) == np.shape(val):
                    s._value = np.array(val, dtype=s.dtype.as_numpy_dtype, copy=True)
                    ok += 1
                break
    if ok < len(pairs):
        warnings.warn(f"Loaded {ok} of {len(pairs)} optimizer variables from {path}; the others "
                      "did not match this optimizer and start fresh.")


def model_json(model):
    from ..layers import serialize
    from ..models.model import _json_default
    return json.dumps(serialize(model), default=_json_default)


def training_config(model):
    from ..models.model import _json_default
    opt = getattr(model, "optimizer", None)
    if opt is None or not getattr(model, "_is_compiled", False):
        return None
    loss = getattr(model, "loss", None)
    if not isinstance(loss, (str, list, dict, type(None))):
        loss = getattr(loss, "__name__", None) or getattr(loss, "name", None)
    metrics = getattr(model, "_compile_metrics", None)
    metrics = [m if isinstance(m, str) else getattr(m, "name", getattr(m, "__name__", str(m)))
               for m in metrics] if isinstance(metrics, (list, tuple)) else metrics
    cfg = {"loss": loss, "metrics": metrics, "weighted_metrics": None,
           "loss_weights": getattr(model, "compiled_loss_weights", None)}
    if hasattr(opt, "get_config"):
        ocfg = opt.get_config()
        if not _legacy_layout(opt):   # tf.keras reads a config without this key as legacy
            # (Nadam's "decay" is its fixed momentum schedule, not an argument there)
            ocfg = {k: v for k, v in ocfg.items() if k != "decay"}
            ocfg["is_legacy_optimizer"] = False
        cfg["optimizer_config"] = {"class_name": type(opt).__name__, "config": ocfg}
    return json.dumps(cfg, default=_json_default)
