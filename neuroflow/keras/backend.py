"""``keras.backend``: session-wide Keras state (names, floatx, learning phase) and thin op wrappers.

The symbolic tensors of the functional API (``Input`` and the layers called on it) live in one
Keras graph, separate from the user's default graph; ``clear_session`` starts a new one and resets
the layer-name counters.
"""
import contextlib

import numpy as np

from ..core import context
from ..core.graph import Graph

_STATE = {"graph": None, "uids": {}, "floatx": "float32", "epsilon": 1e-7,
          "image_data_format": "channels_last", "learning_phase": None}


def _tf():
    import neuroflow
    return neuroflow


def backend():
    """The backend Keras runs on (Keras 2 printed 'Using TensorFlow backend')."""
    return "tensorflow"


def get_graph():
    """The graph that holds the Keras symbolic tensors (``Input`` and layer outputs).

    In TF1 graph mode it is the default graph, as in TF1's Keras: the model's ops and weights
    are then part of the user's graph (``tf.global_variables_initializer()`` covers them and a
    Session can run the model's output tensors). In eager code it is a private Keras graph.
    """
    if context.state.graph_mode:
        from ..core.graph import get_default_graph
        return get_default_graph()
    if _STATE["graph"] is None:
        _STATE["graph"] = Graph()
    return _STATE["graph"]


def clear_session():
    """Resets the Keras state: a fresh Keras graph and layer names starting again at 'dense'.

    In TF1 graph mode the default graph is reset too, as TF1's Keras does.
    """
    _STATE["graph"] = None
    _STATE["uids"] = {}
    _STATE["learning_phase"] = None
    _STATE["session"] = None
    if context.state.graph_mode:
        from ..core import graph as _graph
        if not _graph._default_stack:
            _graph.reset_default_graph()


def get_uid(prefix=""):
    """1, 2, 3 ... per prefix: the numbering behind 'dense', 'dense_1', 'dense_2'."""
    uids = _STATE["uids"]
    uids[prefix] = uids.get(prefix, 0) + 1
    return uids[prefix]


def reset_uids():
    _STATE["uids"] = {}


def unique_object_name(base):
    n = get_uid(base)
    return base if n == 1 else "%s_%d" % (base, n - 1)


@contextlib.contextmanager
def eager_scope():
    """Computes at once inside, whatever the process mode (used to create weights with values)."""
    st = context.state
    saved = st.graph_mode, st.symbolic
    st.graph_mode, st.symbolic = False, 0
    try:
        yield
    finally:
        st.graph_mode, st.symbolic = saved


# -------------------------------------------------------------------- configuration
def floatx():
    """The default float type name: 'float32'."""
    return _STATE["floatx"]


def set_floatx(value):
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown `floatx` value: {value}. Expected one of "
                         "{'float16', 'float32', 'float64'}")
    _STATE["floatx"] = str(value)


def epsilon():
    """The fuzz factor used in numeric expressions: 1e-07."""
    return _STATE["epsilon"]


def set_epsilon(value):
    _STATE["epsilon"] = float(value)


def image_data_format():
    return _STATE["image_data_format"]


def set_image_data_format(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"Unknown `data_format`: {data_format}. Expected one of "
                         "{'channels_first', 'channels_last'}")
    _STATE["image_data_format"] = data_format


def image_dim_ordering():
    """Keras 1's name for the image layout: 'tf' (channels last) or 'th' (channels first)."""
    return "tf" if _STATE["image_data_format"] == "channels_last" else "th"


def set_image_dim_ordering(dim_ordering):
    if dim_ordering not in ("tf", "th"):
        raise ValueError(f"Unknown `dim_ordering`: {dim_ordering}. Expected 'tf' or 'th'.")
    set_image_data_format("channels_last" if dim_ordering == "tf" else "channels_first")


def learning_phase():
    """0 (test) or 1 (train): the default ``training`` of layers called outside fit."""
    lp = _STATE["learning_phase"]
    return 0 if lp is None else lp


def set_learning_phase(value):
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    _STATE["learning_phase"] = value


@contextlib.contextmanager
def learning_phase_scope(value):
    old = _STATE["learning_phase"]
    set_learning_phase(value)
    try:
        yield
    finally:
        _STATE["learning_phase"] = old


def manual_variable_initialization(value):
    pass


def get_session(op_input_list=()):
    """A TF1 session whose variables are the Keras weights (for old Keras + TF1 code): the
    default session, else the global Keras session (made once, or given to ``set_session``)."""
    tf = _tf()
    sess = tf.get_default_session()
    if sess is not None:
        return sess
    kept = _STATE.get("session")
    if kept is None or getattr(kept, "graph", None) is not tf.get_default_graph():
        _STATE["session"] = tf.Session()
    return _STATE["session"]


def set_session(session):
    """Sets the global Keras session that ``get_session`` returns."""
    _STATE["session"] = session


# -------------------------------------------------------------------- variables and values
def variable(value, dtype=None, name=None, constraint=None):
    """A ``tf.Variable`` holding ``value`` (cast to floatx unless ``dtype``)."""
    tf = _tf()
    arr = np.asarray(value, dtype=dtype or floatx())
    with eager_scope():
        v = tf.Variable(arr, name=name or "Variable", constraint=constraint)
    v._value = np.array(arr, copy=True)
    return v


def constant(value, dtype=None, shape=None, name=None):
    return _tf().constant(value, dtype=dtype or floatx(), shape=shape, name=name or "Const")


def is_keras_tensor(x):
    from .layers.base import keras_history
    return keras_history(x) is not None


def is_tensor(x):
    return _tf().is_tensor(x)


def eval(x):  # noqa: A001 - Keras's name
    """The value of a tensor or variable as a NumPy array."""
    return get_value(x)


def get_value(x):
    """The value of a variable (or an eager tensor) as a NumPy array."""
    if isinstance(x, (np.ndarray, np.generic, float, int)):
        return x
    if hasattr(x, "_is_variable") and x._value is not None:
        return x.numpy()
    v = getattr(x, "_value", None)
    if v is not None:
        return x.numpy()
    from .layers.base import run_symbolic
    return run_symbolic([x], [], [])[0]


def batch_get_value(tensors):
    return [get_value(t) for t in tensors]


def set_value(x, value):
    """Sets a variable's value from a NumPy array (used by the LR callbacks)."""
    v = np.asarray(value, dtype=x.dtype.as_numpy_dtype)
    if x._shape.is_fully_defined() and tuple(v.shape) != x._shape.as_tuple():
        raise ValueError(f"Cannot assign value of shape {v.shape} to variable {x.name} of shape "
                         f"{x._shape}")
    x._value = np.array(v, copy=True)


def batch_set_value(tuples):
    for x, v in tuples:
        set_value(x, v)


def count_params(x):
    return int(np.prod(x.shape.as_list()))


def int_shape(x):
    """The static shape as a tuple of ints / None."""
    try:
        return tuple(x.shape.as_list())
    except (ValueError, AttributeError):
        return None if not hasattr(x, "shape") else tuple(x.shape)


def ndim(x):
    return x.shape.ndims


def dtype(x):
    return x.dtype.name


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """A symbolic input (a Keras ``Input``) of full shape ``shape``."""
    from .layers.core import Input
    if shape is None and ndim is not None:
        shape = (None,) * ndim
    return Input(batch_shape=shape, dtype=dtype or floatx(), name=name)


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """A callable that evaluates ``outputs`` given values for the symbolic ``inputs``."""
    single = not isinstance(outputs, (list, tuple))
    outs = [outputs] if single else list(outputs)
    ins = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    ups = list(updates or [])

    from ..core.executor import EagerContext, Plan, feed_array
    keep = [i for i, t in enumerate(ins) if hasattr(t, "op")]   # K.learning_phase() is a number
    feeds = [ins[i] for i in keep]
    plan = []

    def f(values):
        if not plan:   # compiled at the first call, then reused
            plan.append(Plan(outs + ups, feeds, EagerContext()))
        vals = list(values) if isinstance(values, (list, tuple)) else [values]
        res = plan[0](*[feed_array(t, vals[i]) for t, i in zip(feeds, keep)])
        r = [np.asarray(x) for x in res[:len(outs)]]
        return r[0] if single else r
    return f


def gradients(loss, variables):
    return _tf().gradients(loss, variables)


def stop_gradient(variables):
    return _tf().stop_gradient(variables)


# -------------------------------------------------------------------- thin op wrappers
def _axis_kw(axis, keepdims):
    return {"axis": axis, "keepdims": keepdims}


def sum(x, axis=None, keepdims=False):  # noqa: A001
    return _tf().reduce_sum(x, **_axis_kw(axis, keepdims))


def mean(x, axis=None, keepdims=False):
    return _tf().reduce_mean(x, **_axis_kw(axis, keepdims))


def max(x, axis=None, keepdims=False):  # noqa: A001
    return _tf().reduce_max(x, **_axis_kw(axis, keepdims))


def min(x, axis=None, keepdims=False):  # noqa: A001
    return _tf().reduce_min(x, **_axis_kw(axis, keepdims))


def prod(x, axis=None, keepdims=False):
    return _tf().reduce_prod(x, **_axis_kw(axis, keepdims))


def var(x, axis=None, keepdims=False):
    tf = _tf()
    m = tf.reduce_mean(x, axis=axis, keepdims=True)
    return tf.reduce_mean(tf.square(x - m), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return _tf().sqrt(var(x, axis, keepdims))


def any(x, axis=None, keepdims=False):  # noqa: A001
    tf = _tf()
    return tf.reduce_any(tf.cast(x, tf.bool), axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    tf = _tf()
    return tf.reduce_all(tf.cast(x, tf.bool), axis=axis, keepdims=keepdims)


def argmax(x, axis=-1):
    return _tf().argmax(x, axis=axis)


def argmin(x, axis=-1):
    return _tf().argmin(x, axis=axis)


def square(x):
    return _tf().square(x)


def sqrt(x):
    tf = _tf()
    return tf.sqrt(tf.maximum(x, 0.0))


def abs(x):  # noqa: A001
    return _tf().abs(x)


def exp(x):
    return _tf().exp(x)


def log(x):
    return _tf().log(x)


def pow(x, a):  # noqa: A001
    return _tf().pow(x, a)


def sign(x):
    return _tf().sign(x)


def round(x):  # noqa: A001
    return _tf().round(x)


def sin(x):
    return _tf().sin(x)


def cos(x):
    return _tf().cos(x)


def clip(x, min_value, max_value):
    tf = _tf()
    if max_value is not None and max_value < min_value:
        max_value = min_value
    return tf.minimum(tf.maximum(x, min_value), max_value)


def maximum(x, y):
    return _tf().maximum(x, y)


def minimum(x, y):
    return _tf().minimum(x, y)


def equal(x, y):
    return _tf().equal(x, y)


def not_equal(x, y):
    return _tf().not_equal(x, y)


def greater(x, y):
    return _tf().greater(x, y)


def less(x, y):
    return _tf().less(x, y)


def cast(x, dtype):
    return _tf().cast(x, dtype)


def dot(x, y):
    return _tf().matmul(x, y)


def transpose(x):
    return _tf().transpose(x)


def reshape(x, shape):
    return _tf().reshape(x, shape)


def flatten(x):
    return _tf().reshape(x, [-1])


def batch_flatten(x):
    return _tf().reshape(x, [-1, int(np.prod(int_shape(x)[1:]))])


def expand_dims(x, axis=-1):
    return _tf().expand_dims(x, axis)


def squeeze(x, axis):
    return _tf().squeeze(x, [axis])


def concatenate(tensors, axis=-1):
    return _tf().concat(list(tensors), axis)


def stack(x, axis=0):
    return _tf().stack(x, axis=axis)


def zeros(shape, dtype=None, name=None):
    return variable(np.zeros(shape), dtype=dtype, name=name)


def ones(shape, dtype=None, name=None):
    return variable(np.ones(shape), dtype=dtype, name=name)


def zeros_like(x, dtype=None, name=None):
    return _tf().zeros_like(x, dtype=dtype, name=name)


def ones_like(x, dtype=None, name=None):
    return _tf().ones_like(x, dtype=dtype, name=name)


def eye(size, dtype=None, name=None):
    return variable(np.eye(size), dtype=dtype, name=name)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _tf().random_normal(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _tf().random_uniform(shape, minval, maxval, dtype=dtype or floatx(), seed=seed)


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    from . import activations
    return activations.relu(x, alpha, max_value, threshold)


def sigmoid(x):
    return _tf().sigmoid(x)


def tanh(x):
    return _tf().tanh(x)


def softmax(x, axis=-1):
    from . import activations
    return activations.softmax(x, axis)


def softplus(x):
    from . import activations
    return activations.softplus(x)


def elu(x, alpha=1.0):
    from . import activations
    return activations.elu(x, alpha)


def dropout(x, level, noise_shape=None, seed=None):
    from . import _ops
    return _ops.dropout(x, level, noise_shape, seed)


def l2_normalize(x, axis=None):
    tf = _tf()
    sq = tf.reduce_sum(tf.square(x), axis=axis, keepdims=True)
    return x * tf.rsqrt(tf.maximum(sq, 1e-12))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from . import losses
    return losses.categorical_crossentropy(target, output, from_logits=from_logits)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    from . import losses
    return losses.sparse_categorical_crossentropy(target, output, from_logits=from_logits)


def binary_crossentropy(target, output, from_logits=False):
    from . import losses
    return losses._binary_crossentropy_elementwise(target, output, from_logits)


def in_train_phase(x, alt, training=None):
    if training is None:
        training = learning_phase()
    pick = x if training else alt
    return pick() if callable(pick) else pick


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training)
