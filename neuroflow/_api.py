"""Top-level TF entry points that are not ops: placeholders, mode switches, tf.function."""
import functools

from .core import context, dtypes
from .core.op import Placeholder
from .core.shape import TensorShape

__all__ = ["set_random_seed", "placeholder", "placeholder_with_default", "disable_eager_execution",
           "enable_eager_execution", "disable_v2_behavior", "enable_v2_behavior",
           "executing_eagerly", "function", "get_seed", "no_gradient", "NoGradient",
           "RegisterGradient", "print_function", "Print", "assert_equal", "shape_n",
           "init_scope", "get_static_value", "make_tensor_proto", "make_ndarray"]


def set_random_seed(seed):
    """Sets the graph-level seed (``tf.set_random_seed``, TF1): graph ops then draw TensorFlow's
    own Philox numbers, so seeded course scripts start from the course's values."""
    from .core.random_seed import set_random_seed as _set
    context.enter_graph_mode()
    _set(seed)


def placeholder(dtype, shape=None, name=None):
    """A value to feed in ``Session.run`` (``tf.placeholder``); switches to graph mode.

    Example:
      >>> X = tf.placeholder(tf.float32, shape=[None, 784])
    """
    context.enter_graph_mode()
    dt = dtypes.as_dtype(dtype)
    sh = TensorShape(shape)
    return Placeholder(dt, sh)._build((), name or "Placeholder")


def placeholder_with_default(input, shape, name=None):  # noqa: A002
    from .ops.array_ops import identity
    return identity(input, name=name or "PlaceholderWithDefault")


def disable_eager_execution():
    context.state.eager_explicit = False
    context.enter_graph_mode()


def disable_v2_behavior():
    disable_eager_execution()


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    context.state.graph_mode = False
    context.state.eager_explicit = True


def enable_v2_behavior():
    enable_eager_execution()


def executing_eagerly():
    return context.executing_eagerly()


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             experimental_relax_shapes=False, reduce_retracing=False, **kwargs):
    """``tf.function``: accepted; the function runs eagerly, op by op."""
    if func is None:
        return lambda f: function(f, input_signature, autograph)

    @functools.wraps(func)
    def wrapper(*a, **k):
        return func(*a, **k)
    wrapper.python_function = func
    return wrapper


from .core.gradient_registry import RegisterGradient, no_gradient  # noqa: E402
from .ops.logging_ops import Print, assert_equal  # noqa: E402

NoGradient = no_gradient


def get_seed(op_seed):
    from .core.random_seed import get_seed as g
    return g(op_seed)


def print_function(*args, **kwargs):
    print(*args, **kwargs)


def shape_n(input, out_type=dtypes.int32, name=None):  # noqa: A002
    from .ops.array_ops import shape
    return [shape(x, out_type=out_type) for x in input]


class init_scope:  # noqa: N801
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def get_static_value(tensor, partial=False):
    """The value of ``tensor`` when it is known without running a graph (``tf.get_static_value``):
    eager values, constants, and shapes/ranks that are fully static; None otherwise."""
    import numpy as np
    v = getattr(tensor, "_value", None)
    if v is not None:
        return v
    if isinstance(tensor, (np.ndarray, np.generic, int, float, bool, list, tuple)):
        return np.asarray(tensor)
    op = getattr(tensor, "op", None)
    if op is None:
        return None
    if op.type == "Const":
        return op.value
    if op.type in ("Shape", "Rank", "Size") and op.inputs:
        d = op.inputs[0]._shape.as_tuple()
        if d is not None and None not in d:
            dt = tensor.dtype.as_numpy_dtype
            return {"Shape": np.array(d, dt), "Rank": np.array(len(d), dt),
                    "Size": np.array(int(np.prod(d)), dt)}[op.type]
    return None


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False, allow_broadcast=False):
    """A ``TensorProto`` holding ``values`` (``tf.make_tensor_proto``, as TF-Serving clients use).

    With ``shape``: more values than it holds raise ValueError; fewer are completed by repeating
    the last one, as a TensorProto does (a scalar fills the shape); ``verify_shape`` asks for the
    exact shape; ``allow_broadcast`` broadcasts a scalar or one-element value only.
    """
    import numpy as np
    from .saving.messages import make_tensor_proto as _make
    dt = None if dtype is None else dtypes.as_dtype(dtype)
    arr = np.asarray(values, dtype=None if dt is None else dt.as_numpy_dtype)
    if dt is None and not isinstance(values, (np.ndarray, np.generic)):
        # Python numbers convert as TF converts them: float32 and int32
        arr = arr.astype({np.dtype(np.float64): np.float32,
                          np.dtype(np.int64): np.int32}.get(arr.dtype, arr.dtype))
    if shape is None:
        return _make(arr)
    shape = tuple(int(d) for d in shape)
    size = int(np.prod(shape))
    if allow_broadcast:
        if arr.shape not in ((), (1,)) and arr.size != size:
            raise TypeError("Expected Tensor's shape: %s, but got %s." % (shape, arr.shape))
    else:
        if verify_shape and arr.shape != shape:
            raise TypeError("Expected Tensor's shape: %s, but got %s." % (shape, arr.shape))
        if arr.size > size:
            raise ValueError("Too many elements provided. Takes at most %d, but got %d"
                             % (size, arr.size))
    flat = arr.reshape(-1)
    if flat.size < size:
        fill = flat[-1] if flat.size else np.zeros((), arr.dtype)
        flat = np.concatenate([flat, np.full(size - flat.size, fill, arr.dtype)])
    return _make(flat.reshape(shape))


def make_ndarray(tensor):
    """The NumPy array a ``TensorProto`` holds (``tf.make_ndarray``)."""
    from .saving.messages import make_ndarray as _nd
    return _nd(tensor)
