"""``Layer``: the Keras layer base (build/call/get_config, weights, the functional-API records).

Calling a layer on eager values computes at once. Calling it on symbolic Keras tensors (from
``Input``) builds graph nodes in the Keras graph and records a ``Node`` (which layer, which input
tensors), so that ``Model(inputs, outputs)`` can walk back from the outputs. Models never execute
those recorded tensors: for training and prediction they trace the layers again on fresh
placeholders and run the result through the TF1 executor (see ``models/training.py``).
"""
import contextlib
import inspect
import re
import weakref

import numpy as np

from ...core import context
from ...core.graph import get_default_graph
from ...core.shape import TensorShape
from ...core.tensor import Tensor
from .. import backend as K
from .. import _initializers, regularizers, constraints as _constraints

# symbolic Keras tensor -> (layer, node_index, tensor_index)
_HISTORY = weakref.WeakKeyDictionary()
_STATE = {"no_record": 0, "training": []}


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NULL = _Null()

# tensor id -> (weakref to the tensor, its Keras mask): masks travel with the tensors they mask
_MASKS = {}


def get_mask(t):
    """The Keras mask attached to tensor ``t`` (``t._keras_mask`` in tf.keras), or None."""
    e = _MASKS.get(id(t))
    return e[1] if e is not None and e[0]() is t else None


def set_mask(t, mask):
    if mask is None or t is None:
        return
    k = id(t)
    _MASKS[k] = (weakref.ref(t, lambda _, k=k: _MASKS.pop(k, None)), mask)


def keras_history(t):
    """(layer, node_index, tensor_index) of a Keras tensor, or None."""
    try:
        return _HISTORY.get(t)
    except TypeError:
        return None


@contextlib.contextmanager
def no_record():
    """Layer calls inside do not add nodes to the functional graph (a model running its layers)."""
    _STATE["no_record"] += 1
    try:
        yield
    finally:
        _STATE["no_record"] -= 1


@contextlib.contextmanager
def training_scope(training):
    """The ``training`` value that layers called without one inherit (their caller's)."""
    _STATE["training"].append(training)
    try:
        yield
    finally:
        _STATE["training"].pop()


def current_training():
    st = _STATE["training"]
    if st and st[-1] is not None:
        return st[-1]
    return bool(K.learning_phase())


def to_snake_case(name):
    s = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    s = re.sub("([a-z])([A-Z])", r"\1_\2", s).lower()
    return s if s[0] != "_" else "private" + s


def flatten(x):
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in flatten(v)]
    if isinstance(x, dict):
        return [t for k in x for t in flatten(x[k])]
    return [x]


def map_structure(fn, x):
    if isinstance(x, (list, tuple)):
        return type(x)(map_structure(fn, v) for v in x) if not hasattr(x, "_fields") else \
            type(x)(*[map_structure(fn, v) for v in x])
    if isinstance(x, dict):
        return {k: map_structure(fn, v) for k, v in x.items()}
    return fn(x)


def shape_tuple(t):
    d = t._shape.as_tuple() if isinstance(t, Tensor) else TensorShape(t.shape).as_tuple()
    return None if d is None else tuple(d)


def _to_tensor(x):
    """Layer inputs: tensors stay; arrays and lists become tensors (floats as floatx, as Keras)."""
    if isinstance(x, Tensor):
        return x
    if hasattr(x, "_as_tensor"):
        return x._as_tensor()
    from ...core.op import convert_to_tensor
    a = np.asarray(x)
    if a.dtype.kind == "f" and a.dtype != np.dtype(K.floatx()):
        a = a.astype(K.floatx())
    return convert_to_tensor(a)


class InputSpec:
    """What a layer accepts: rank (``ndim``/``min_ndim``) and fixed sizes of some ``axes``."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None):
        self.dtype, self.shape, self.max_ndim, self.min_ndim = dtype, shape, max_ndim, min_ndim
        self.ndim = len(shape) if shape is not None else ndim
        self.axes = dict(axes or {})

    def __repr__(self):
        fields = (("dtype", self.dtype), ("shape", self.shape), ("ndim", self.ndim),
                  ("max_ndim", self.max_ndim), ("min_ndim", self.min_ndim), ("axes", self.axes))
        spec = [f"{k}={v}" for k, v in fields if v]
        return "InputSpec(%s)" % ", ".join(spec)

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def check(self, layer, index, t):
        d = t._shape.as_tuple()
        if d is None:
            return
        shp = str(tuple(d))
        head = f"Input {index} of layer {layer.name} is incompatible with the layer: "
        if self.ndim is not None and len(d) != self.ndim:
            raise ValueError(head + f"expected ndim={self.ndim}, found ndim={len(d)}. Full shape "
                             f"received: {shp}")
        if self.min_ndim is not None and len(d) < self.min_ndim:
            raise ValueError(head + f"expected min_ndim={self.min_ndim}, found ndim={len(d)}. Full "
                             f"shape received: {shp}")
        for ax, v in self.axes.items():
            got = d[ax] if -len(d) <= ax < len(d) else None
            if v is not None and got is not None and got != v:
                raise ValueError(head + f"expected axis {ax} of input shape to have value {v} but "
                                 f"received input with shape {shp}")


class Node:
    """One call of a layer on Keras tensors: inputs and outputs (the functional graph's edges)."""

    def __init__(self, layer, inputs, outputs, args, kwargs):
        self.layer, self.inputs, self.outputs = layer, inputs, outputs
        self.input_tensors, self.output_tensors = flatten(inputs), flatten(outputs)
        self.call_args, self.call_kwargs = args, kwargs
        self.inbound = [keras_history(t) for t in self.input_tensors]

    def iterate_inbound(self):
        for h in self.inbound:
            if h is not None:
                yield h


class Layer:
    """The base class of all Keras layers.

    Subclasses create weights in ``build(input_shape)`` with ``add_weight`` and compute in
    ``call(inputs)``; ``get_config`` returns the constructor arguments.

    Example:
      >>> layer = keras.layers.Dense(3)
      >>> y = layer(np.ones((2, 4), np.float32))
      >>> [w.shape for w in layer.get_weights()]
      [(4, 3), (3,)]
    """

    _is_container = False   # models: the layers they run inside add no functional-graph nodes
    _allowed_kwargs = {"input_shape", "batch_input_shape", "batch_size", "weights",
                       "activity_regularizer", "input_dim", "autocast", "dynamic"}

    def __init__(self, trainable=True, name=None, dtype=None, dynamic=False, **kwargs):
        for k in kwargs:
            if k not in self._allowed_kwargs:
                raise TypeError(f"Keyword argument not understood: {k}")
        object.__setattr__(self, "_sublayers", [])
        if "input_dim" in kwargs and "input_shape" not in kwargs:
            d = kwargs["input_dim"]
            kwargs["input_shape"] = (d,) if d is not None else (None,)
        if "batch_input_shape" in kwargs and kwargs["batch_input_shape"] is not None:
            self._batch_input_shape = tuple(kwargs["batch_input_shape"])
        elif kwargs.get("input_shape") is not None:
            shape = kwargs["input_shape"]
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            self._batch_input_shape = (kwargs.get("batch_size"),) + shape
        self._initial_weights = kwargs.get("weights")
        self.name = name or K.unique_object_name(to_snake_case(type(self).__name__))
        if hasattr(dtype, "name") and not isinstance(dtype, str):
            dtype = dtype.name
        self._dtype = dtype
        self._trainable = trainable
        self.built = False
        self._trainable_weights, self._non_trainable_weights = [], []
        self._inbound_nodes, self._outbound_nodes = [], []
        self._weight_regularizers = []
        self._activity_losses = []
        self.activity_regularizer = regularizers.get(kwargs.get("activity_regularizer"))
        self.input_spec = None
        self.supports_masking = False
        self.stateful = False

    # ---------------------------------------------------------------- attribute tracking
    def __setattr__(self, name, value):
        if isinstance(value, Layer) and name not in ("_outer",):
            subs = self.__dict__.get("_sublayers")
            if subs is None:
                raise RuntimeError("It looks like you are subclassing `Layer` or `Model` and "
                                   "forgot to call `super().__init__()`. Always start with this "
                                   "line.")
            if not any(s is value for s in subs):
                subs.append(value)
        elif isinstance(value, (list, tuple)) and value and not name.startswith("_") \
                and all(isinstance(v, Layer) for v in value):
            subs = self.__dict__.get("_sublayers")
            if subs is not None:
                for v in value:
                    if not any(s is v for s in subs):
                        subs.append(v)
        object.__setattr__(self, name, value)

    # ---------------------------------------------------------------- properties
    @property
    def dtype(self):
        return self._dtype or K.floatx()

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for s in self._all_sublayers():  # a functional model's layers too (transfer learning)
            s.trainable = value

    def _all_sublayers(self):
        return list(self._sublayers)

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        out = list(self._trainable_weights)
        for s in self._all_sublayers():
            out += s.trainable_weights
        return _dedup(out)

    @property
    def non_trainable_weights(self):
        if self.trainable:
            out = list(self._non_trainable_weights)
            for s in self._all_sublayers():
                out += s.non_trainable_weights
        else:
            out = list(self._trainable_weights) + list(self._non_trainable_weights)
            for s in self._all_sublayers():
                out += s.weights
        return _dedup(out)

    @property
    def weights(self):
        return _dedup(self.trainable_weights + self.non_trainable_weights)

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def losses(self):
        """Regularization penalties of the weights, plus activity penalties of the last call."""
        out = [reg(v) for reg, v in self._weight_regularizers]
        out += list(self._activity_losses)
        for s in self._all_sublayers():
            out += s.losses
        return out

    def add_loss(self, losses, inputs=None):
        for x in (losses if isinstance(losses, (list, tuple)) else [losses]):
            self._activity_losses.append(x() if callable(x) and not isinstance(x, Tensor) else x)

    @property
    def updates(self):
        return []

    # ---------------------------------------------------------------- weights
    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, **kwargs):
        """Creates a weight variable of ``shape`` filled by ``initializer`` and tracks it."""
        from ...core.variables import Variable
        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = dtype.name if hasattr(dtype, "name") and not isinstance(dtype, str) else dtype
        dtype = dtype or self.dtype
        trainable = True if trainable is None else trainable
        if initializer is None:
            initializer = "glorot_uniform" if np.dtype(dtype).kind == "f" else "zeros"
        init = _initializers.get(initializer)
        with K.eager_scope():
            value = _initializers.initial_value(init, shape, dtype)
            with get_default_graph().name_scope(None):
                var = Variable(value, name="%s/%s" % (self.name, name or "Variable"),
                               trainable=trainable, dtype=dtype,
                               constraint=_constraints.get(constraint))
        if var._value is None:
            var._value = value
        if regularizer is not None:
            self._weight_regularizers.append((regularizers.get(regularizer), var))
        (self._trainable_weights if trainable else self._non_trainable_weights).append(var)
        return var

    def get_weights(self):
        """The values of ``weights`` as a list of NumPy arrays."""
        return [w.numpy() if w._value is not None else K.get_value(w) for w in self.weights]

    def set_weights(self, weights):
        """Sets ``weights`` from a list of NumPy arrays (same order and shapes as get_weights)."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(
                f'You called `set_weights(weights)` on layer "{self.name}" with a weight list of '
                f"length {len(weights)}, but the layer was expecting {len(params)} weights. "
                f"Provided weights: {str(weights)[:50]}...")
        for p, w in zip(params, weights):
            w = np.asarray(w)
            ps = tuple(p.shape.as_list())
            if ps != tuple(w.shape):
                raise ValueError(f"Layer {self.name} weight shape {ps} is not compatible with "
                                 f"provided weight shape {tuple(w.shape)}.")
        for p, w in zip(params, weights):
            p._value = np.array(w, dtype=p.dtype.as_numpy_dtype, copy=True)

    def count_params(self):
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer {self.name}, but the "
                             "layer isn't built. You can build it manually via: "
                             f"`{self.name}.build(batch_input_shape)`.")
        return int(sum(int(np.prod(w.shape.as_list())) for w in self.weights))

    # ---------------------------------------------------------------- build / call
    def build(self, input_shape):
        """Creates the weights (subclasses); ``input_shape``: a TensorShape (or a list of them)."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        """The output shape for ``input_shape``, found by tracing ``call`` on a placeholder."""
        from ...core.graph import Graph
        from ...core.op import Placeholder
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        with context.symbolic(), Graph().as_default():
            dt = _dtype_obj(self.dtype)
            phs = [Placeholder(dt, TensorShape(s))._build((), "x") for s in shapes]
            with no_record():
                out = self(phs if isinstance(input_shape, list) else phs[0])
        return map_structure(lambda t: TensorShape(t._shape), out)

    def _call_accepts(self, name):
        cache = type(self).__dict__.get("_accepts_cache")
        if cache is None:
            cache = {}
            type.__setattr__(type(self), "_accepts_cache", cache)
        if name not in cache:
            try:
                params = inspect.signature(self.call).parameters
            except (TypeError, ValueError):
                params = {}
            cache[name] = name in params or any(p.kind == p.VAR_KEYWORD for p in params.values())
        return cache[name]

    def __call__(self, *args, **kwargs):
        if args:
            inputs, args = args[0], args[1:]
        else:
            inputs = kwargs.pop("inputs")
        inputs = map_structure(_to_tensor, inputs)
        flat = flatten(inputs)
        st = context.state
        symbolic = st.graph_mode or st.symbolic or any(t._value is None for t in flat)
        record = (symbolic and not _STATE["no_record"] and flat
                  and all(keras_history(t) is not None for t in flat))
        training = kwargs.get("training")
        if training is None:
            training = current_training()
        if self._call_accepts("training"):
            kwargs["training"] = training
        else:
            kwargs.pop("training", None)
        in_mask = kwargs.get("mask")
        if in_mask is None:
            found = [get_mask(t) for t in flat]
            if any(m is not None for m in found):
                in_mask = found[0] if len(found) == 1 else found
                kwargs["mask"] = in_mask
        if "mask" in kwargs and not self._call_accepts("mask"):
            kwargs.pop("mask")
        with _symbolic_ctx(flat if symbolic else None, self.name):
            if not self.built:
                self._maybe_build(inputs)
            self._check_inputs(flat)
            with training_scope(training), (no_record() if self._is_container else _NULL):
                outputs = self.call(inputs, *args, **kwargs)
            if self.activity_regularizer is not None:
                self._activity_losses = [self.activity_regularizer(o) / _batch_size(o)
                                         for o in flatten(outputs)]
            if record:
                ids = {id(t) for t in flat}
                from ...ops.array_ops import identity
                outputs = map_structure(lambda t: identity(t) if id(t) in ids else t, outputs)
        out_mask = self.compute_mask(inputs, in_mask)
        if out_mask is not None:
            outs = flatten(outputs)
            ms = out_mask if isinstance(out_mask, (list, tuple)) else [out_mask] * len(outs)
            for o, m in zip(outs, ms):
                if get_mask(o) is None:
                    set_mask(o, m)
        if record:
            self._add_node(inputs, outputs, args, kwargs)
        return outputs

    def compute_mask(self, inputs, mask=None):
        """The mask of this layer's output: the input's when the layer supports masking."""
        return mask if self.supports_masking else None

    def _maybe_build(self, inputs):
        shapes = map_structure(lambda t: TensorShape(t._shape), inputs)
        if isinstance(shapes, tuple):
            shapes = list(shapes)
        self.build(shapes)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _check_inputs(self, flat):
        spec = self.input_spec
        if spec is None:
            return
        specs = spec if isinstance(spec, (list, tuple)) else [spec]
        for i, (s, t) in enumerate(zip(specs, flat)):
            if s is not None:
                s.check(self, i, t)

    def _add_node(self, inputs, outputs, args, kwargs):
        kw = {k: v for k, v in kwargs.items() if k != "training"}
        node = Node(self, inputs, outputs, args, kw)
        index = len(self._inbound_nodes)
        self._inbound_nodes.append(node)
        for h in node.inbound:
            h[0]._outbound_nodes.append(node)
        for i, t in enumerate(node.output_tensors):
            _HISTORY[t] = (self, index, i)
        return node

    # ---------------------------------------------------------------- shapes of the recorded calls
    def _node_attr(self, what, kind):
        nodes = self._inbound_nodes
        if not nodes:
            raise AttributeError(f"The layer has never been called and thus has no defined {kind}.")
        vals = [getattr(n, what) for n in nodes]
        shapes = {repr(_shapes(v)) for v in vals}
        if len(shapes) > 1:
            getter = "get_%s_at" % kind.replace(" ", "_")
            raise AttributeError(f'The layer "{self.name}" has multiple inbound nodes, with '
                                 f'different {kind}s. Hence the notion of "{kind}" is ill-defined '
                                 f"for the layer. Use `{getter}(node_index)` instead.")
        return vals[0]

    @property
    def input(self):
        return self._node_attr("inputs", "input")

    @property
    def output(self):
        return self._node_attr("outputs", "output")

    @property
    def input_shape(self):
        if not self._inbound_nodes and hasattr(self, "_batch_input_shape"):
            return self._batch_input_shape
        return _shapes(self._node_attr("inputs", "input shape"))

    @property
    def output_shape(self):
        return _shapes(self._node_attr("outputs", "output shape"))

    def _node_at(self, node_index, what):
        nodes = self._inbound_nodes
        if not nodes:
            raise RuntimeError(f"The layer {self.name} has never been called and thus has no "
                               f"defined {what}.")
        if not len(nodes) > node_index:
            raise ValueError(f"Asked to get {what} at node {node_index}, but the layer has only "
                             f"{len(nodes)} inbound nodes.")
        return nodes[node_index]

    def get_input_at(self, node_index):
        return self._node_at(node_index, "input").inputs

    def get_output_at(self, node_index):
        return self._node_at(node_index, "output").outputs

    def get_input_shape_at(self, node_index):
        return _shapes(self._node_at(node_index, "input shape").inputs)

    def get_output_shape_at(self, node_index):
        return _shapes(self._node_at(node_index, "output shape").outputs)

    # ---------------------------------------------------------------- config
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if hasattr(self, "_batch_input_shape"):
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return "<%s.%s object at 0x%x>" % (type(self).__module__.replace("neuroflow.", "keras."),
                                           type(self).__name__, id(self))


def _dedup(ws):
    seen, out = set(), []
    for w in ws:
        if id(w) not in seen:
            seen.add(id(w))
            out.append(w)
    return out


def _shapes(x):
    if isinstance(x, (list, tuple)):
        return [_shapes(v) for v in x]
    return shape_tuple(x)


def _dtype_obj(name):
    from ...core import dtypes
    return dtypes.as_dtype(name)


def _batch_size(t):
    from ...ops.array_ops import shape
    from ...ops.math_ops import cast
    d = t._shape.as_tuple()
    if d and d[0] is not None:
        return float(d[0])
    return cast(shape(t)[0], t.dtype)


@contextlib.contextmanager
def _symbolic_ctx(flat, scope):
    """Symbolic calls build in the graph of their inputs, under the layer's name scope."""
    if flat is None:
        yield
        return
    g = next((t.op.graph for t in flat if t.op.graph is not None), get_default_graph())
    with context.symbolic(), g.as_default(), g.name_scope(scope + "/"):
        yield


def run_symbolic(outputs, inputs, values, updates=()):
    """Evaluates symbolic ``outputs`` given arrays for ``inputs`` (the weights as they are now)."""
    from ...core.executor import EagerContext, Plan, feed_array
    plan = Plan(list(outputs) + list(updates), list(inputs), EagerContext())
    vals = [feed_array(t, v) for t, v in zip(inputs, values)]
    res = plan(*vals)
    return [np.asarray(r) for r in res[:len(outputs)]]
