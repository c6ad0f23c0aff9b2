"""``Sequential``: a plain stack of layers, each with one input and one output."""
from .. import backend as K
from ..layers.base import Layer, flatten, keras_history
from ..layers.core import Input, InputLayer
from .model import Model


class Sequential(Model):
    """A linear stack of layers (``keras.Sequential``).

    The model is built as soon as the first layer knows its input shape (``input_dim``,
    ``input_shape`` or an ``InputLayer``); otherwise at the first fit/predict/call on data.

    Example:
      >>> model = keras.Sequential()
      >>> model.add(keras.layers.Dense(256, input_dim=784, activation='sigmoid'))
      >>> model.add(keras.layers.Dense(10, activation='softmax'))
    """

    def __init__(self, layers=None, name=None):
        Model.__init__(self, name=name or K.unique_object_name("sequential"))
        self._seq_layers = []
        self._input_layer = None
        self._seq_outputs = []
        for layer in layers or []:
            self.add(layer)

    # ---------------------------------------------------------------- building
    def add(self, layer):
        """Adds a layer on top of the stack."""
        h = keras_history(layer) if hasattr(layer, "op") else None
        if h is not None and isinstance(h[0], InputLayer):
            layer = h[0]
        if not isinstance(layer, Layer):
            raise TypeError("The added layer must be an instance of class Layer. "
                            f"Received: layer={layer} of type {type(layer)}.")
        if isinstance(layer, InputLayer):
            if self._seq_layers or self._input_layer is not None:
                raise ValueError("An InputLayer can only be the first layer of a Sequential model.")
            self._input_layer = layer
            self._connect()
            return
        if any(x.name == layer.name for x in self._seq_layers):
            raise ValueError("All layers added to a Sequential model should have unique names. "
                             f'Name "{layer.name}" is already the name of a layer in this model. '
                             "Update the `name` argument to pass a unique name.")
        if not self._seq_layers and self._input_layer is None:
            shape = getattr(layer, "_batch_input_shape", None)
            if shape is None and isinstance(layer, Model) and getattr(layer, "_is_graph_network",
                                                                      False):
                shape = layer.inputs[0].shape.as_tuple()
            if shape is not None:
                x = Input(batch_shape=shape, dtype=layer.dtype if layer._dtype else None,
                          name=layer.name + "_input")
                self._input_layer = keras_history(x)[0]
        self._seq_layers.append(layer)
        self._sublayers.append(layer) if not any(s is layer for s in self._sublayers) else None
        if self._input_layer is not None:
            self._connect_one(layer)
        self._reset_steps()

    def _connect(self):
        x = self._input_layer._inbound_nodes[0].outputs
        self._seq_outputs = []
        for layer in self._seq_layers:
            x = self._call_layer(layer, x)
        self._finish()

    def _connect_one(self, layer):
        x = self._seq_outputs[-1] if self._seq_outputs else \
            self._input_layer._inbound_nodes[0].outputs
        self._call_layer(layer, x)
        self._finish()

    def _call_layer(self, layer, x):
        y = layer(x)
        if len(flatten(y)) != 1:
            raise ValueError("All layers in a Sequential model should have a single output tensor. "
                             "For multi-output layers, use the functional API.")
        self._seq_outputs.append(y)
        return y

    def _finish(self):
        out = self._seq_outputs[-1] if self._seq_outputs else \
            self._input_layer._inbound_nodes[0].outputs
        self.inputs = [self._input_layer._inbound_nodes[0].outputs]
        self.outputs = [out]
        self._nested_inputs, self._nested_outputs = self.inputs[0], out
        self._input_layers = [self._input_layer]
        self._output_layers = [keras_history(out)[0]]
        self.input_names = [self._input_layer.name]
        self.output_names = [self._output_layers[0].name]
        self.built = True

    def pop(self):
        """Removes the last layer."""
        if not self._seq_layers:
            raise TypeError("There are no layers in the model.")
        layer = self._seq_layers.pop()
        self._sublayers.remove(layer)
        if self._seq_outputs:
            self._seq_outputs.pop()
            if self._seq_layers:
                self._finish()
            else:
                self.outputs = []
        self._reset_steps()

    def build(self, input_shape=None):
        """Builds a model whose first layer had no input shape, for ``input_shape`` (with batch)."""
        if self._input_layer is not None:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        shape = tuple(input_shape.as_list()) if hasattr(input_shape, "as_list") else \
            tuple(input_shape)
        first = self._seq_layers[0] if self._seq_layers else None
        dtype = first.dtype if first is not None and first._dtype else None
        x = Input(batch_shape=shape, dtype=dtype)
        self._input_layer = keras_history(x)[0]
        self._connect()
        self._reset_steps()

    def _ensure_built(self, xs):
        if self._input_layer is None:
            if not self._seq_layers:
                raise ValueError("You must add at least one layer to a Sequential model before "
                                 "training or calling it.")
            self.build((None,) + xs[0].shape[1:])

    def _maybe_build(self, inputs):
        if self._input_layer is None and hasattr(inputs, "shape"):
            d = inputs.shape.as_tuple()
            if d is not None:
                self.build((None,) + tuple(d[1:]))
        self.built = True

    # ---------------------------------------------------------------- running
    def call(self, inputs, training=None, mask=None):
        x = inputs
        for layer in self._seq_layers:
            x = layer(x)
        return x

    @property
    def layers(self):
        return list(self._seq_layers)

    def _all_sublayers(self):
        return list(self._seq_layers)

    @property
    def _is_graph_network(self):
        return self._input_layer is not None

    @_is_graph_network.setter
    def _is_graph_network(self, value):
        pass

    @property
    def _keras_class_name(self):
        return type(self).__name__

    # ---------------------------------------------------------------- old Keras API
    def predict_proba(self, x, batch_size=32, verbose=0):
        """Class probabilities (the model's output): Keras 2's Sequential API."""
        return self.predict(x, batch_size=batch_size, verbose=verbose)

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Class indices: argmax of the outputs, or outputs > 0.5 for one sigmoid unit."""
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    # ---------------------------------------------------------------- config
    def get_config(self):
        from ..layers import serialize
        layers = ([self._input_layer] if self._input_layer is not None else []) + self._seq_layers
        return {"name": self.name, "layers": [serialize(x) for x in layers]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from ..layers import deserialize
        if isinstance(config, list):
            config = {"layers": config}
        model = cls(name=config.get("name"))
        for lc in config["layers"]:
            model.add(deserialize(lc, custom_objects))
        if not model.built and config.get("build_input_shape"):
            model.build(config["build_input_shape"])
        return model
