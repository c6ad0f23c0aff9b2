"""``Model``: a functional model (``Model(inputs, outputs)``) or a subclassed one (``call``)."""
import json

import numpy as np

from ...core import context
from ...core.graph import Graph
from ...core.op import Placeholder
from ...core.shape import TensorShape
from .. import backend as K
from ..layers.base import Layer, flatten, keras_history, no_record, to_snake_case
from ..layers.core import InputLayer
from . import functional
from .training import TrainingMixin


class Model(Layer, TrainingMixin):
    """A model: layers with training and inference (``keras.Model``).

    Functional: ``Model(inputs=x, outputs=y)`` with tensors from ``Input`` and layer calls, several
    inputs and outputs and shared layers allowed. Subclassed: define layers in ``__init__`` and the
    forward pass in ``call(inputs, training=None)``.

    Example:
      >>> x = keras.Input(shape=(784,))
      >>> y = keras.layers.Dense(10, activation='softmax')(x)
      >>> model = keras.Model(x, y)
    """

    _is_container = True

    def __init__(self, *args, **kwargs):
        inputs = kwargs.pop("inputs", None)
        outputs = kwargs.pop("outputs", None)
        if args:
            inputs = args[0] if inputs is None else inputs
            if len(args) > 1:
                outputs = args[1] if outputs is None else outputs
        self._is_graph_network = False
        if inputs is not None and outputs is not None:
            name = kwargs.pop("name", None)
            trainable = kwargs.pop("trainable", True)
            if kwargs:
                raise TypeError(f"Keyword argument not understood: {list(kwargs)[0]}")
            Layer.__init__(self, name=name or K.unique_object_name("model"), trainable=trainable)
            self._init_graph_network(inputs, outputs)
        else:
            if inputs is not None or outputs is not None:
                raise ValueError("A functional Model needs both `inputs` and `outputs`.")
            name = kwargs.pop("name", None)
            name = name or K.unique_object_name(to_snake_case(type(self).__name__))
            Layer.__init__(self, name=name,
                           **{k: v for k, v in kwargs.items() if k in ("trainable", "dtype")})
        self._is_compiled = False
        self.optimizer = None
        self.history = None
        self.stop_training = False

    # ---------------------------------------------------------------- functional graph
    def _init_graph_network(self, inputs, outputs):
        self._nested_inputs, self._nested_outputs = inputs, outputs
        self.inputs, self.outputs = flatten(inputs), flatten(outputs)
        for t in self.inputs:
            h = keras_history(t)
            if h is None or not isinstance(h[0], InputLayer):
                raise ValueError("Input tensors to a Functional model must come from "
                                 f"`keras.Input`. Received: {t} (missing previous layer metadata).")
        for t in self.outputs:
            if keras_history(t) is None:
                raise ValueError("Output tensors of a Functional model must be the output of a "
                                 f"Keras `Layer` (thus holding past layer metadata). Found: {t}")
        keys, by_depth, layers = functional.map_graph(self.inputs, self.outputs)
        self._network_nodes, self._nodes_by_depth = keys, by_depth
        self._run_order = functional.run_order(by_depth)
        self._layers_ordered = layers
        self._input_layers = [keras_history(t)[0] for t in self.inputs]
        self._output_layers = [keras_history(t)[0] for t in self.outputs]
        self.input_names = [x.name for x in self._input_layers]
        self.output_names = [x.name for x in self._output_layers]
        self._is_graph_network = True
        self.built = True

    def _all_sublayers(self):
        if getattr(self, "_is_graph_network", False):
            return list(self._layers_ordered)
        return list(self._sublayers)

    @property
    def layers(self):
        """The model's layers (for a functional model, the input layers too, as Keras)."""
        return list(self._all_sublayers())

    def get_layer(self, name=None, index=None):
        """A layer by ``name`` or by ``index`` in ``model.layers``."""
        layers = self.layers
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index. Received: "
                             f"index={index}, name={name}.")
        if index is not None:
            if len(layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(layers)} layers.")
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(f"No such layer: {name}. Existing layers are: "
                             f"{[l.name for l in layers]}.")
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    # ---------------------------------------------------------------- calling
    def call(self, inputs, training=None, mask=None):
        if getattr(self, "_is_graph_network", False):
            with no_record():
                return functional.run_graph(self, inputs)
        raise NotImplementedError("When subclassing the `Model` class, you should implement a "
                                  "`call()` method.")

    def _maybe_build(self, inputs):
        self.built = True

    def build(self, input_shape):
        """Creates the weights of a subclassed model by tracing ``call`` on ``input_shape``."""
        if getattr(self, "_is_graph_network", False):
            self.built = True
            return
        if input_shape is None:
            raise ValueError("Input shape must be defined when calling `build()` on a "
                             "`Model` subclass.")
        shapes = input_shape if isinstance(input_shape, list) and input_shape and \
            isinstance(input_shape[0], (list, tuple, TensorShape)) else [input_shape]
        with context.symbolic(), Graph().as_default(), no_record():
            phs = [Placeholder(_dt(self.dtype), TensorShape(s))._build((), "x") for s in shapes]
            self.call(phs if len(phs) > 1 else phs[0])
        self._build_input_shape = input_shape
        self.built = True

    def _ensure_built(self, xs):
        if not self.built and not getattr(self, "_is_graph_network", False):
            self.build([(None,) + a.shape[1:] for a in xs] if len(xs) > 1
                       else (None,) + xs[0].shape[1:])

    # ---------------------------------------------------------------- shapes
    @property
    def input_shape(self):
        if getattr(self, "_is_graph_network", False):
            s = [tuple(t.shape.as_tuple()) for t in self.inputs]
            return s[0] if len(s) == 1 else s
        return Layer.input_shape.fget(self)

    @property
    def output_shape(self):
        if getattr(self, "_is_graph_network", False):
            s = [tuple(t.shape.as_tuple()) for t in self.outputs]
            return s[0] if len(s) == 1 else s
        return Layer.output_shape.fget(self)

    @property
    def input(self):
        if getattr(self, "_is_graph_network", False):
            return self.inputs[0] if len(self.inputs) == 1 else list(self.inputs)
        return Layer.input.fget(self)

    @property
    def output(self):
        if getattr(self, "_is_graph_network", False):
            return self.outputs[0] if len(self.outputs) == 1 else list(self.outputs)
        return Layer.output.fget(self)

    # ---------------------------------------------------------------- weights
    def count_params(self):
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer {self.name}, but the "
                             "layer isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return int(sum(int(np.prod(w.shape.as_list())) for w in self.weights))

    @property
    def weights(self):
        """All weights, layer by layer (the order of get_weights / set_weights)."""
        out = list(self._trainable_weights) + list(self._non_trainable_weights)
        for layer in self._all_sublayers():
            out += layer.weights
        return _dedup(out)

    variables = weights

    # ---------------------------------------------------------------- summary and config
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False):
        """Prints the layer table: names, output shapes and parameter counts (Keras's layout)."""
        from ..utils.summary import print_summary
        if not self.built:
            raise ValueError("This model has not yet been built. Build the model first by calling "
                             "`build()` or calling `fit()` with some data, or specify an "
                             "`input_shape` argument in the first layer(s) for automatic build.")
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    @property
    def _keras_class_name(self):
        if type(self) is Model and getattr(self, "_is_graph_network", False):
            return "Functional"
        return type(self).__name__

    def get_config(self):
        if not getattr(self, "_is_graph_network", False):
            raise NotImplementedError("Layer %s has arguments in `__init__` and therefore must "
                                      "override `get_config`." % type(self).__name__)
        return functional.get_network_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if "layers" in config and "input_layers" in config:
            return functional.from_network_config(cls, config, custom_objects)
        return cls(**config)

    def to_json(self, **kwargs):
        """The model's architecture as a JSON string (``model_from_json`` rebuilds it)."""
        from ..layers import serialize
        cfg = serialize(self)
        cfg.update({"keras_version": "2.4.0", "backend": "tensorflow"})
        return json.dumps(cfg, default=_json_default, **kwargs)

    def to_yaml(self, **kwargs):
        raise RuntimeError("Method `model.to_yaml()` has been removed due to security risk of "
                           "arbitrary code execution. Please use `model.to_json()` instead.")

    def save(self, filepath, *args, **kwargs):
        from ..saving import save_model
        return save_model(self, filepath, *args, **kwargs)

    def save_weights(self, filepath, *args, **kwargs):
        from ..saving import save_weights
        return save_weights(self, filepath, *args, **kwargs)

    def load_weights(self, filepath, *args, **kwargs):
        from ..saving import load_weights
        return load_weights(self, filepath, *args, **kwargs)

    def reset_metrics(self):
        """Clears the running loss and metrics kept by ``*_on_batch(reset_metrics=False)``."""
        for step in getattr(self, "_steps", {}).values():
            if hasattr(step, "seen"):
                step.reset()

    def reset_states(self):
        for layer in self._flatten_layers():
            if layer is not self and getattr(layer, "stateful", False) and \
                    hasattr(layer, "reset_states"):
                layer.reset_states()


def _dedup(ws):
    seen, out = set(), []
    for w in ws:
        if id(w) not in seen:
            seen.add(id(w))
            out.append(w)
    return out


def _dt(name):
    from ...core import dtypes
    return dtypes.as_dtype(name)


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, tuple):
        return list(o)
    if hasattr(o, "name") and hasattr(o, "as_numpy_dtype"):
        return o.name
    raise TypeError(f"Not JSON serializable: {o!r}")
