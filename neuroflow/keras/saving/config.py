"""Model configs across Keras versions: Keras 3 / tf.keras 2.1x configs made loadable by
neuroflow's layers (unknown keys dropped, dtype policies and module-tagged objects unwrapped), and
neuroflow configs written in Keras 3's form for ``.keras`` files."""
import inspect

_KNOWN_WRAPPERS = ("module", "class_name", "config", "registered_name")


def _accepts(cls):
    """(names of __init__ parameters, whether it takes **kwargs)."""
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return set(), True
    return set(params), any(p.kind == p.VAR_KEYWORD for p in params.values())


def _layer_class(name, custom_objects):
    from ..layers import _registry
    from .. import models
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in ("Functional", "Model"):
        return models.Model
    return _registry().get(name)


def _object_class(name):
    from .. import constraints, initializers, regularizers
    for mod in (initializers, regularizers, constraints):
        cls = getattr(mod, name, None)
        if isinstance(cls, type):
            return cls
    return None


def _unwrap(value):
    """Keras 3 object dicts -> {'class_name', 'config'}; dtype policies -> their name."""
    if isinstance(value, dict):
        if value.get("class_name") in ("DTypePolicy", "Policy", "FloatDTypePolicy"):
            return value.get("config", {}).get("name", "float32")
        if "class_name" in value and "config" in value and set(value) <= set(_KNOWN_WRAPPERS) | \
                {"shared_object_id"}:
            cls = _object_class(value["class_name"])
            cfg = {k: _unwrap(v) for k, v in (value["config"] or {}).items()}
            if cls is not None:
                names, any_kw = _accepts(cls)
                if not any_kw:
                    cfg = {k: v for k, v in cfg.items() if k in names}
            return {"class_name": value["class_name"], "config": cfg}
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _node_from_k3(node):
    """A Keras 3 inbound node ({'args', 'kwargs'}) as Keras 2 node data [[name, ni, ti, kw]]."""
    if isinstance(node, list):
        return node
    kwargs = {k: v for k, v in (node.get("kwargs") or {}).items()
              if k not in ("training", "mask") and v is not None}
    out = []

    def walk(a):
        if isinstance(a, dict) and a.get("class_name") == "__keras_tensor__":
            name, ni, ti = a["config"]["keras_history"]
            out.append([name, ni, ti, kwargs])
        elif isinstance(a, (list, tuple)):
            for x in a:
                walk(x)
    walk(node.get("args", []))
    return out


def _coords(c):
    if c and isinstance(c[0], str):
        return [c]
    return c


def to_neuroflow(config, custom_objects=None):
    """A model/layer config {'class_name', 'config'} from tf.keras 2 or Keras 3, for
    ``keras.layers.deserialize``."""
    name = config["class_name"]
    cfg = dict(config.get("config") or {})
    if "layers" in cfg:
        cfg["layers"] = [to_neuroflow(l, custom_objects) for l in cfg["layers"]]
        for src, dst in zip(config["config"]["layers"], cfg["layers"]):
            if "inbound_nodes" in src:
                dst["inbound_nodes"] = [_node_from_k3(n) for n in src["inbound_nodes"]]
                dst["name"] = src.get("name", dst["config"].get("name"))
        for key in ("input_layers", "output_layers"):
            if key in cfg:
                cfg[key] = _coords(cfg[key])
        cfg.pop("trainable", None)
        if name == "Sequential":
            cfg.pop("dtype", None)
            cfg = {k: v for k, v in cfg.items() if k in ("name", "layers", "build_input_shape")}
        else:
            cfg = {k: v for k, v in cfg.items() if k in ("name", "layers", "input_layers",
                                                         "output_layers")}
        return {"class_name": name, "config": cfg}
    cfg = _unwrap(cfg)
    if name == "InputLayer":
        if "batch_shape" in cfg:
            cfg["batch_input_shape"] = cfg.pop("batch_shape")
        if "shape" in cfg and "batch_input_shape" not in cfg:
            cfg["batch_input_shape"] = [None] + list(cfg.pop("shape"))
    cls = _layer_class(name, custom_objects)
    if cls is not None:
        allowed = _layer_keys(cls)
        if allowed is not None:
            cfg = {k: v for k, v in cfg.items() if k in allowed}
    return {"class_name": name, "config": cfg}


def _layer_keys(cls):
    """Every keyword a layer class takes: its __init__ and the ones **kwargs reach (base classes,
    a recurrent layer's cell, Layer's own). None when unknowable."""
    from ..layers.base import Layer
    names = {"name", "trainable", "dtype"} | set(Layer._allowed_kwargs)
    classes = [cls] + ([cls._cell_class] if getattr(cls, "_cell_class", None) else [])
    for c in classes:
        for k in c.__mro__:
            if "__init__" not in k.__dict__:
                continue
            params, any_kw = _accepts(k)
            names |= params - {"self", "kwargs"}
            if not any_kw:
                break
            if k is Layer:
                break
        else:
            return None
    return names


# -------------------------------------------------------------------- Keras 3 form
def _wrap_k3(value, module="keras.initializers"):
    if isinstance(value, dict) and "class_name" in value and "config" in value:
        return {"module": module, "class_name": value["class_name"],
                "config": value["config"], "registered_name": None}
    return value


_K2_ONLY = {"time_major", "implementation", "batch_input_shape", "input_dim", "input_shape",
            "batch_size"}


def _policy(name):
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name or "float32"},
            "registered_name": None}


def layer_to_k3(layer_cfg):
    """A neuroflow {'class_name', 'config'} as Keras 3 serializes it."""
    name = layer_cfg["class_name"]
    cfg = dict(layer_cfg["config"])
    if "layers" in cfg:   # a nested model
        return model_to_k3(layer_cfg)
    out = {}
    for k, v in cfg.items():
        if k in _K2_ONLY and name != "InputLayer" and not (k == "input_dim" and
                                                           name == "Embedding"):
            continue
        if k.endswith("_initializer"):
            v = _wrap_k3(v, "keras.initializers")
        elif k.endswith("_regularizer"):
            v = _wrap_k3(v, "keras.regularizers")
        elif k.endswith("_constraint"):
            v = _wrap_k3(v, "keras.constraints")
        out[k] = v
    if name == "BatchNormalization" and isinstance(out.get("axis"), list) and len(out["axis"]) == 1:
        out["axis"] = out["axis"][0]   # Keras 3 takes one int
    if name == "InputLayer":
        out = {"batch_shape": cfg.get("batch_input_shape"), "dtype": cfg.get("dtype", "float32"),
               "sparse": bool(cfg.get("sparse", False)), "ragged": False, "name": cfg["name"]}
    else:
        out["dtype"] = _policy(cfg.get("dtype"))
    return {"module": "keras.layers", "class_name": name, "config": out, "registered_name": None}


def _node_to_k3(node_data, shapes):
    args, kwargs = [], {}
    for entry in node_data:
        lname, ni, ti = entry[:3]
        if len(entry) > 3 and entry[3]:
            kwargs = entry[3]
        args.append({"class_name": "__keras_tensor__",
                     "config": {"shape": shapes.get(lname), "dtype": "float32",
                                "keras_history": [lname, ni, ti]}})
    return {"args": [args[0]] if len(args) == 1 else [args], "kwargs": kwargs}


def model_to_k3(config, shapes=None, build_shapes=None):
    """A neuroflow model config in Keras 3's form (layers with inbound nodes as __keras_tensor__
    references, dtype policies, module-tagged objects)."""
    name = config["class_name"]
    cfg = config["config"]
    shapes = shapes or {}
    layers = []
    for l in cfg["layers"]:
        k3 = layer_to_k3(l)
        if build_shapes and l["config"].get("name") in build_shapes and \
                l["class_name"] != "InputLayer":
            k3["build_config"] = {"input_shape": build_shapes[l["config"]["name"]]}
        if "inbound_nodes" in l:
            k3["name"] = l.get("name", l["config"]["name"])
            k3["inbound_nodes"] = [_node_to_k3(n, shapes) for n in l["inbound_nodes"]]
        layers.append(k3)
    out = {"name": cfg.get("name"), "trainable": True, "layers": layers}
    if name == "Sequential":
        out["dtype"] = _policy("float32")
    else:
        out["input_layers"] = cfg["input_layers"]
        out["output_layers"] = cfg["output_layers"]
    module = "keras" if name == "Sequential" else "keras.src.models.functional"
    return {"module": module, "class_name": "Functional" if name == "Model" else name,
            "config": out, "registered_name": None}
