"""``tf.get_variable`` and ``tf.variable_scope``: variables named and shared by scope, as in TF1.

Each graph keeps a store of the variables made by ``get_variable`` (``graph._var_store``, full
name -> Variable) and the stack of open variable scopes (``graph._var_scope_stack``, the root scope
at the bottom). Variable names depend only on the variable scope ("layer1/W"); a variable scope
also opens a name scope for ops, made unique as name scopes are ("layer1_1/MatMul" the second time).
"""
import enum
import functools
import inspect

from .. import initializers as _init
from . import dtypes
from .graph import GraphKeys, get_default_graph
from .shape import TensorShape


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


class VariableScope:
    """The state of one variable scope: its name, reuse flag and defaults for ``get_variable``.

    Example:
      >>> with tf.variable_scope("layer1") as scope:
      ...     W = tf.get_variable("W", [2, 3])
      >>> scope.name, W.name
      ('layer1', 'layer1/W:0')
    """

    def __init__(self, reuse, name="", initializer=None, regularizer=None, caching_device=None,
                 partitioner=None, custom_getter=None, name_scope="", dtype=dtypes.float32,
                 use_resource=None, constraint=None):
        self._name, self._reuse = name, reuse
        self._initializer, self._regularizer = initializer, regularizer
        self._caching_device, self._partitioner = caching_device, partitioner
        self._custom_getter, self._name_scope = custom_getter, name_scope
        self._dtype, self._use_resource, self._constraint = dtype, use_resource, constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    dtype = property(lambda self: self._dtype)
    custom_getter = property(lambda self: self._custom_getter)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    use_resource = property(lambda self: self._use_resource)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self):
        """From now on ``get_variable`` in this scope returns existing variables."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_dtype(self, dtype):
        self._dtype = dtype

    def set_custom_getter(self, custom_getter):
        self._custom_getter = custom_getter

    def set_caching_device(self, caching_device):
        self._caching_device = caching_device

    def set_partitioner(self, partitioner):
        self._partitioner = partitioner

    def set_use_resource(self, use_resource):
        self._use_resource = use_resource

    def get_collection(self, name):
        from .graph import get_collection
        return get_collection(name, self._name + "/" if self._name else "")

    def global_variables(self):
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def trainable_variables(self):
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def local_variables(self):
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(self, var_store, name, shape=None, dtype=None, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     caching_device=None, partitioner=None, validate_shape=True, use_resource=None,
                     custom_getter=None, constraint=None, synchronization=None, aggregation=None):
        """Gets or creates ``<scope name>/<name>`` in ``var_store`` with this scope's defaults."""
        if reuse is None:
            reuse = self._reuse
        if custom_getter is None:
            custom_getter = self._custom_getter
        full_name = self._name + "/" + name if self._name else name
        if dtype is not None and initializer is not None and not callable(initializer):
            from .op import convert_to_tensor
            init_dtype = convert_to_tensor(initializer).dtype
            if init_dtype is not dtypes.as_dtype(dtype):
                raise ValueError("Initializer type '%s' and explicit dtype '%s' don't match."
                                 % (init_dtype.name, dtypes.as_dtype(dtype).name))
        initializer = self._initializer if initializer is None else initializer
        regularizer = self._regularizer if regularizer is None else regularizer
        constraint = self._constraint if constraint is None else constraint
        dtype = self._dtype if dtype is None else dtype
        from .graph import name_scope
        with name_scope(None):  # variable names depend only on the variable scope
            return var_store.get_variable(
                full_name, shape=shape, dtype=dtype, initializer=initializer,
                regularizer=regularizer, reuse=reuse, trainable=trainable,
                collections=collections, validate_shape=validate_shape,
                custom_getter=custom_getter, constraint=constraint)

    def __repr__(self):
        return "<tf.VariableScope '%s'>" % self._name


class _VariableStore:
    """The graph's ``get_variable`` variables (``graph._var_store``) and the rules for sharing them."""

    def __init__(self, graph):
        self.graph = graph
        self.vars = graph._var_store

    def get_variable(self, name, shape=None, dtype=dtypes.float32, initializer=None,
                     regularizer=None, reuse=None, trainable=None, collections=None,
                     validate_shape=True, custom_getter=None, constraint=None, **unused):
        def true_getter(name, shape=None, dtype=dtypes.float32, initializer=None, regularizer=None,
                        reuse=None, trainable=None, collections=None, caching_device=None,
                        partitioner=None, validate_shape=True, use_resource=None, constraint=None,
                        **unused):  # TF's argument order, for getters that pass them by position
            return self._single(name, shape, dtype, initializer, regularizer, reuse, trainable,
                                collections, validate_shape, constraint)
        kwargs = dict(shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
                      reuse=reuse, trainable=trainable, collections=collections,
                      validate_shape=validate_shape, constraint=constraint, caching_device=None,
                      partitioner=None, use_resource=None)
        if custom_getter is not None:
            if not callable(custom_getter):
                raise ValueError("Passed a custom_getter which is not callable: %s" % custom_getter)
            return custom_getter(true_getter, name, **kwargs)
        return true_getter(name, **kwargs)

    def _single(self, name, shape, dtype, initializer, regularizer, reuse, trainable, collections,
                validate_shape, constraint):
        from_value = initializer is not None and not callable(initializer)
        if shape is not None and from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = dtypes.as_dtype(dtype)
        shape = TensorShape(shape)
        if name in self.vars:
            if reuse is False or reuse is None:
                raise ValueError("Variable %s already exists, disallowed. Did you mean to set "
                                 "reuse=True or reuse=tf.AUTO_REUSE in VarScope?" % name)
            found = self.vars[name]
            if not shape.is_compatible_with(found.get_shape()):
                raise ValueError("Trying to share variable %s, but specified shape %s and found "
                                 "shape %s." % (name, shape, found.get_shape()))
            if not from_value and dtype is not found.dtype:
                raise ValueError("Trying to share variable %s, but specified dtype %s and found "
                                 "dtype %s." % (name, dtype.name, found.dtype.name))
            return found
        if reuse is True:
            raise ValueError("Variable %s does not exist, or was not created with tf.get_variable(). "
                             "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?" % name)
        if initializer is None:
            initializer = _default_initializer(name, dtype)
        if from_value:
            init_val, var_dtype = initializer, None
        else:
            if inspect.isclass(initializer):
                initializer = initializer()
            if shape.is_fully_defined():
                init_val, var_dtype = _bind_initializer(initializer, shape.as_list(), dtype), dtype
            elif _needs_no_arguments(initializer):
                init_val, var_dtype = initializer, None
            else:
                raise ValueError("Shape of a new variable (%s) must be fully defined, but instead "
                                 "was %s." % (name, shape))
        from .variables import Variable
        trainable = True if trainable is None else trainable
        v = Variable(initial_value=_in_initializer_scope(init_val), trainable=trainable,
                     collections=collections, validate_shape=validate_shape, name=name,
                     dtype=var_dtype, constraint=constraint)
        self.vars[name] = v
        if regularizer:
            from .graph import add_to_collection, name_scope
            with name_scope(name + "/Regularizer/"):
                loss = regularizer(v)
            if loss is not None:
                add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return v


def _default_initializer(name, dtype):
    if dtype.is_floating:
        return _init.GlorotUniform()
    if dtype.is_integer or dtype.is_unsigned or dtype.is_bool or dtype is dtypes.string:
        return _init.Zeros()
    raise ValueError("An initializer for variable %s of %s is required" % (name, dtype.name))


def _bind_initializer(initializer, shape, dtype):
    try:
        params = inspect.signature(initializer).parameters
    except (TypeError, ValueError):
        params = {}
    if "partition_info" in params:
        return functools.partial(initializer, shape, dtype=dtype, partition_info=None)
    return functools.partial(initializer, shape, dtype=dtype)


def _needs_no_arguments(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)


def _in_initializer_scope(init_val):
    """The initial value's ops go under "<var>/Initializer/", as TF1 names them."""
    if not callable(init_val) or hasattr(init_val, "_as_tensor") or hasattr(init_val, "op"):
        return init_val

    def make():
        from .graph import name_scope
        with name_scope("Initializer"):
            return init_val()
    return make


# ------------------------------------------------------------------ scope stack (per graph)
def _scope_stack(g=None):
    g = g or get_default_graph()
    stack = g._var_scope_stack
    if not stack:
        stack.append(VariableScope(False))
    return stack


def _scope_counts(g):
    counts = getattr(g, "_var_scope_counts", None)
    if counts is None:
        counts = g._var_scope_counts = {}
    return counts


def get_variable_scope():
    """The current ``VariableScope`` (``tf.get_variable_scope``)."""
    return _scope_stack()[-1]


def _get_default_variable_store():
    return _VariableStore(get_default_graph())


def _unique_scope_name(g, prefix):
    counts = _scope_counts(g)
    cur = get_variable_scope().name
    name = cur + "/" + prefix if cur else prefix
    if counts.get(name, 0) == 0:
        return prefix
    i = 1
    while counts.get("%s_%d" % (name, i), 0) > 0:
        i += 1
    return "%s_%d" % (prefix, i)


def _wrap_custom_getter(custom_getter, old_getter):
    """Nested custom getters compose: the inner scope's getter calls the outer one's."""
    if old_getter is None:
        return custom_getter

    def wrapped(getter, *args, **kwargs):
        return custom_getter(functools.partial(old_getter, getter), *args, **kwargs)
    return wrapped


class variable_scope:  # noqa: N801 - TF's name
    """A context manager for defining ops that create variables (``tf.variable_scope``).

    Args:
      name_or_scope: a string or a ``VariableScope`` to re-enter.
      default_name: used, made unique ("dense", "dense_1" ...), when ``name_or_scope`` is None.
      values: the input tensors (accepted, unused).
      initializer, regularizer, dtype, custom_getter: defaults for ``get_variable`` inside.
      reuse: True, None or ``tf.AUTO_REUSE``; inherited by nested scopes.
      auxiliary_name_scope: open a name scope for ops too (default True).
    Example:
      >>> with tf.variable_scope("layer1"):
      ...     W = tf.get_variable("W", [784, 512])
      >>> with tf.variable_scope("layer1", reuse=True):
      ...     W_again = tf.get_variable("W")
      >>> W_again is W
      True
    """

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if name_or_scope is not None and not isinstance(name_or_scope, (str, VariableScope)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        if reuse is False:  # False means "inherit", as None does
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if name_or_scope is None and reuse:
            raise ValueError("reuse=True cannot be used without a name_or_scope")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError("The auxiliary_name_scope must be `True` or `False`, while get {}"
                            .format(auxiliary_name_scope))
        self._name_or_scope, self._default_name = name_or_scope, default_name
        self._initializer, self._regularizer, self._dtype = initializer, regularizer, dtype
        self._custom_getter, self._constraint = custom_getter, constraint
        self._caching_device, self._partitioner = caching_device, partitioner
        self._use_resource, self._reuse = use_resource, reuse
        self._aux = auxiliary_name_scope
        self._exits = []

    def __enter__(self):
        g = get_default_graph()
        self._graph = g
        stack = _scope_stack(g)
        old = stack[-1]
        scope_arg = self._name_or_scope
        # the name scope for ops
        ns_name = None
        if not self._aux:
            cur = g.get_name_scope()
            ns_name = cur + "/" if cur else ""
        else:
            base = scope_arg if isinstance(scope_arg, str) else \
                scope_arg.name.split("/")[-1] if scope_arg is not None else self._default_name
            if base:
                cm = g.name_scope(base)
                ns_name = cm.__enter__()
                self._exits.append(cm)
            else:
                ns_name = ""
        counts = _scope_counts(g)
        if isinstance(scope_arg, VariableScope):
            new = VariableScope(self._reuse if self._reuse else scope_arg.reuse, name=scope_arg.name,
                                initializer=scope_arg.initializer, regularizer=scope_arg.regularizer,
                                caching_device=scope_arg.caching_device,
                                partitioner=scope_arg.partitioner,
                                custom_getter=scope_arg.custom_getter,
                                name_scope=scope_arg.original_name_scope, dtype=scope_arg.dtype,
                                use_resource=scope_arg.use_resource, constraint=scope_arg.constraint)
            self._saved_counts = dict(counts)
        else:
            short = scope_arg if scope_arg is not None else _unique_scope_name(g, self._default_name)
            new_name = old.name + "/" + short if old.name else short
            new = VariableScope(self._reuse or old.reuse, name=new_name, initializer=old.initializer,
                                regularizer=old.regularizer, caching_device=old.caching_device,
                                partitioner=old.partitioner, custom_getter=old.custom_getter,
                                name_scope=ns_name, dtype=old.dtype, use_resource=old.use_resource,
                                constraint=old.constraint)
            self._saved_counts = None
        if self._initializer is not None:
            new.set_initializer(self._initializer)
        if self._regularizer is not None:
            new.set_regularizer(self._regularizer)
        if self._dtype is not None:
            new.set_dtype(self._dtype)
        if self._custom_getter is not None:
            new.set_custom_getter(_wrap_custom_getter(self._custom_getter, new.custom_getter))
        if self._constraint is not None:
            new._constraint = self._constraint
        counts[new.name] = counts.get(new.name, 0) + 1
        stack.append(new)
        self._scope = new
        return new

    def __exit__(self, *exc):
        g = self._graph
        stack = _scope_stack(g)
        if stack and stack[-1] is self._scope:
            stack.pop()
        counts = _scope_counts(g)
        if self._saved_counts is not None:
            counts.clear()
            counts.update(self._saved_counts)
        else:
            prefix = self._scope.name + "/"
            for k in counts:
                if k.startswith(prefix):
                    counts[k] = 0
        while self._exits:
            self._exits.pop().__exit__(*exc)
        return False


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=None,
                 collections=None, caching_device=None, partitioner=None, validate_shape=True,
                 use_resource=None, custom_getter=None, constraint=None, synchronization=None,
                 aggregation=None):
    """Gets an existing variable of the current variable scope or creates a new one.

    Args:
      name: the name inside the current variable scope ("W" -> "layer1/W:0").
      shape: the shape of a new variable (omit it when ``initializer`` is a value).
      dtype: default float32 (the scope's dtype).
      initializer: an initializer (default glorot_uniform for floats, zeros for ints), or a value.
      regularizer: its result on the variable is added to ``GraphKeys.REGULARIZATION_LOSSES``.
      trainable: add to ``TRAINABLE_VARIABLES`` (default True).
      collections: the collections to add the variable to (default ``[GLOBAL_VARIABLES]``).
    Returns:
      the ``Variable``.
    Raises:
      ValueError: when creating a variable that exists (and reuse is not set), or reusing one
        that does not exist.
    Example:
      >>> W = tf.get_variable("W", shape=[784, 10], initializer=tf.zeros_initializer())
    """
    return get_variable_scope().get_variable(
        _get_default_variable_store(), name, shape=shape, dtype=dtype, initializer=initializer,
        regularizer=regularizer, trainable=trainable, collections=collections,
        caching_device=caching_device, partitioner=partitioner, validate_shape=validate_shape,
        use_resource=use_resource, custom_getter=custom_getter, constraint=constraint,
        synchronization=synchronization, aggregation=aggregation)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None,
                       trainable=False, collections=None, caching_device=None, partitioner=None,
                       validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                       synchronization=None, aggregation=None):
    """``get_variable`` into ``LOCAL_VARIABLES`` (not trainable)."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, False, collections,
                        caching_device, partitioner, validate_shape, use_resource, custom_getter,
                        constraint, synchronization, aggregation)


def no_regularizer(_):
    """Use as ``regularizer=tf.no_regularizer`` to turn off a scope's default regularizer."""
    return None


zeros_initializer = _init.zeros_initializer
ones_initializer = _init.ones_initializer
constant_initializer = _init.constant_initializer
random_normal_initializer = _init.random_normal_initializer
truncated_normal_initializer = _init.truncated_normal_initializer
random_uniform_initializer = _init.random_uniform_initializer
uniform_unit_scaling_initializer = _init.uniform_unit_scaling_initializer
glorot_uniform_initializer = _init.glorot_uniform_initializer
glorot_normal_initializer = _init.glorot_normal_initializer
variance_scaling_initializer = _init.variance_scaling_initializer
orthogonal_initializer = _init.orthogonal_initializer

__all__ = ["AUTO_REUSE", "VariableScope", "variable_scope", "get_variable", "get_variable_scope",
           "get_local_variable", "no_regularizer",
           "zeros_initializer", "ones_initializer", "constant_initializer",
           "random_normal_initializer", "truncated_normal_initializer",
           "random_uniform_initializer", "uniform_unit_scaling_initializer",
           "glorot_uniform_initializer", "glorot_normal_initializer",
           "variance_scaling_initializer", "orthogonal_initializer"]
