"""``keras.models``: Sequential, Model, and rebuilding models from configs and JSON."""
import json

from .model import Model
from .sequential import Sequential

Functional = Model


def model_from_config(config, custom_objects=None):
    """A model (untrained) from ``{'class_name': ..., 'config': ...}``."""
    from ..layers import deserialize
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Received: "
                        f"config={config}. Did you meant to use `Sequential.from_config(config)`?")
    return deserialize(config, custom_objects)


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    """A model (untrained) from the JSON text of ``model.to_json()``.

    Lambda layers holding Python lambdas are rebuilt only with ``safe_mode=False``.
    """
    from ..layers import core
    config = json.loads(json_string)
    if safe_mode:
        return model_from_config(config, custom_objects)
    saved = core._UNSAFE["allowed"]
    core._UNSAFE["allowed"] = True
    try:
        return model_from_config(config, custom_objects)
    finally:
        core._UNSAFE["allowed"] = saved


def model_from_yaml(yaml_string, custom_objects=None):
    raise RuntimeError("Method `model_from_yaml()` has been removed due to security risk of "
                       "arbitrary code execution. Please use `Model.to_json()` and "
                       "`model_from_json()` instead.")


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture and freshly initialized weights."""
    if isinstance(model, Sequential):
        return Sequential.from_config(model.get_config())
    return Model.from_config(model.get_config())


from ..saving import load_model, save_model  # noqa: E402,F401  (issue 6: keras/saving/)
