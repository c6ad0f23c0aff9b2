"""``tf.contrib.framework``: ``arg_scope`` and the variable look-ups slim code uses."""
import contextlib
import functools

from ..core.graph import GraphKeys, get_collection
from ..core.variable_scope import VariableScope, get_variable, get_variable_scope

_ARG_STACK = [{}]
_DECORATED = {}


def _key(op):
    return getattr(op, "_key_op", str(op))


def current_arg_scope():
    """The arguments set by the enclosing ``arg_scope`` blocks: {op key: {kwarg: value}}."""
    return _ARG_STACK[-1]


def has_arg_scope(func):
    """Whether ``func`` was decorated with ``add_arg_scope``."""
    return _key(func) in _DECORATED


def arg_scoped_arguments(func):
    """The keyword arguments ``arg_scope`` may set for ``func``."""
    return _DECORATED[_key(func)]


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Default keyword arguments for the listed ops inside the block (``slim.arg_scope``).

    Args:
      list_ops_or_scope: functions decorated with ``add_arg_scope``, or a scope dict to re-enter.
      **kwargs: the defaults; arguments given at the call win.
    Example:
      >>> with arg_scope([fully_connected], activation_fn=tf.nn.relu):
      ...     h = fully_connected(x, 64)
    """
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a dictionary, kwargs "
                             "must be empty.")
        scope = dict(list_ops_or_scope)
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope "
                            "(i.e. dict)")
        scope = dict(current_arg_scope())
        for op in list_ops_or_scope:
            if not has_arg_scope(op):
                raise ValueError("%s is not decorated with @add_arg_scope"
                                 % getattr(op, "__name__", op))
            merged = dict(scope.get(_key(op), {}))
            merged.update(kwargs)
            scope[_key(op)] = merged
    _ARG_STACK.append(scope)
    try:
        yield scope
    finally:
        _ARG_STACK.pop()


def add_arg_scope(func):
    """Lets ``arg_scope`` supply default keyword arguments to ``func``."""
    key = _key(func)

    @functools.wraps(func)
    def with_args(*args, **kwargs):
        defaults = current_arg_scope().get(key)
        if defaults:
            merged = dict(defaults)
            merged.update(kwargs)
            kwargs = merged
        return func(*args, **kwargs)
    import inspect
    try:
        _DECORATED[key] = [p.name for p in inspect.signature(func).parameters.values()
                           if p.default is not p.empty]
    except (TypeError, ValueError):
        _DECORATED[key] = []
    with_args._key_op = key
    return with_args


# ------------------------------------------------------------------ variables
def get_variables(scope=None, suffix=None, collection=GraphKeys.GLOBAL_VARIABLES):
    """Variables of ``collection`` whose names start with ``scope`` (a regex) and end with ``suffix``."""
    if isinstance(scope, VariableScope):
        scope = scope.name
    if suffix is not None:
        if ":" not in suffix:
            suffix += ":"
        scope = (scope or "") + ".*" + suffix
    return get_collection(collection, scope)


def get_model_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES)


def get_variables_by_suffix(suffix, scope=None):
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name, scope=None):
    """Variables named exactly ``given_name`` in any scope."""
    return get_variables(scope=scope, suffix="/" + given_name + ":|^" + given_name + ":")


def get_unique_variable(var_op_name):
    """The one global variable whose op name is ``var_op_name``."""
    found = [v for v in get_collection(GraphKeys.GLOBAL_VARIABLES, var_op_name)
             if v.op.name == var_op_name]
    if not found:
        raise ValueError("Couldn't find variable %s" % var_op_name)
    return found[0]


def get_variables_to_restore(include=None, exclude=None):
    """Global variables under the ``include`` scopes minus those under ``exclude``."""
    if include is None:
        chosen = get_variables()
    else:
        chosen = []
        for s in include:
            chosen += get_variables(s)
    dropped = set()
    for s in exclude or []:
        dropped |= set(get_variables(s))
    return [v for v in chosen if v not in dropped]


def variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True,
             collections=None, caching_device=None, device=None, partitioner=None,
             custom_getter=None, use_resource=None, **kwargs):
    """``tf.get_variable`` with the collections given (default ``[GLOBAL_VARIABLES]``)."""
    collections = list(dict.fromkeys(collections or [GraphKeys.GLOBAL_VARIABLES]))
    if custom_getter is not None:
        getter = functools.partial(custom_getter, reuse=get_variable_scope().reuse)
        return getter(name, shape=shape, dtype=dtype, initializer=initializer,
                      regularizer=regularizer, trainable=trainable, collections=collections)
    return get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                        regularizer=regularizer, trainable=trainable, collections=collections)


@add_arg_scope
def model_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=True, collections=None, caching_device=None, device=None,
                   partitioner=None, custom_getter=None, use_resource=None, **kwargs):
    """A variable also added to ``MODEL_VARIABLES`` (what slim saves and restores)."""
    collections = list(collections or []) + [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
    return variable(name, shape, dtype, initializer, regularizer, trainable, collections,
                    custom_getter=custom_getter)


def get_or_create_global_step(graph=None):
    from .. import train
    return train.get_or_create_global_step(graph)


def get_global_step(graph=None):
    from .. import train
    return train.get_global_step(graph)


__all__ = ["arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope",
           "arg_scoped_arguments", "get_variables", "get_model_variables", "get_local_variables",
           "get_trainable_variables", "get_variables_by_suffix", "get_variables_by_name",
           "get_unique_variable", "get_variables_to_restore", "variable", "model_variable",
           "get_or_create_global_step", "get_global_step"]
