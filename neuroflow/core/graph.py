"""``Graph``: op registry, unique names, name scopes, collections and control dependencies."""
import contextlib
import re
import threading

from . import context


class GraphKeys:
    """Standard collection names (``tf.GraphKeys``)."""
    GLOBAL_VARIABLES = "variables"
    VARIABLES = "variables"
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    SUMMARIES = "summaries"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SAVERS = "savers"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    SAVEABLE_OBJECTS = "saveable_objects"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SUMMARY_OP = "summary_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    TRAIN_OP = "train_op"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"


_VALID_SCOPE = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")


class Graph:
    """A TensorFlow computation graph (``tf.Graph``)."""

    def __init__(self):
        self._ops = []
        self._ops_by_name = {}
        self._names_in_use = {}
        self._name_stack = ""
        self._collections = {}
        self._control_deps = []   # stack of lists of ops
        self._gradient_overrides = {}  # op type -> registered gradient name (gradient_override_map)
        self._finalized = False
        self.seed = None
        self._last_op_seed = 0
        self._var_store = {}      # get_variable's name -> Variable
        self._var_scope_stack = []  # VariableScope objects
        self._var_scope_counts = {}
        self._lock = threading.RLock()
        self._version = 0

    # ---------------------------------------------------------------- default graph
    @contextlib.contextmanager
    def as_default(self):
        """Makes this the default graph (TF1 code: also switches to graph mode)."""
        if not context.state.symbolic:
            context.enter_graph_mode()
        _default_stack.append(self)
        try:
            yield self
        finally:
            _default_stack.remove(self) if self in _default_stack else None

    # ---------------------------------------------------------------- names
    def unique_name(self, name, mark_as_used=True):
        if self._name_stack:
            name = self._name_stack + "/" + name
        key = name.lower()
        i = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = i + 1
        if i > 0:
            base = key
            while True:
                cand = "%s_%d" % (name, i)
                if cand.lower() not in self._names_in_use:
                    break
                i += 1
            if mark_as_used:
                self._names_in_use[cand.lower()] = 1
                self._names_in_use[base] = i + 1
            name = cand
        return name

    def get_name_scope(self):
        return self._name_stack

    @contextlib.contextmanager
    def name_scope(self, name):
        """Opens a name scope; a name ending in '/' re-enters that exact scope."""
        old = self._name_stack
        if name is None or name == "":
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            if not _VALID_SCOPE.match(name):
                raise ValueError(f"'{name}' is not a valid scope name")
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield (new + "/") if new else ""
        finally:
            self._name_stack = old

    # ---------------------------------------------------------------- ops
    def _add_op(self, op):
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        self._ops.append(op)
        self._ops_by_name[op.name] = op
        self._version += 1
        if self._control_deps:
            for deps in self._control_deps:
                for d in deps:
                    if d is not op and d not in op.control_inputs:
                        op.control_inputs.append(d)

    def get_operations(self):
        return list(self._ops)

    def get_operation_by_name(self, name):
        try:
            return self._ops_by_name[name]
        except KeyError:
            raise KeyError(f"The name '{name}' refers to an Operation not in the graph.") from None

    def get_tensor_by_name(self, name):
        if ":" not in name:
            raise ValueError(f"The name '{name}' looks like an (invalid) Operation name, not a Tensor. "
                             "Tensor names must be of the form \"<op_name>:<output_index>\".")
        op_name, idx = name.rsplit(":", 1)
        op = self._ops_by_name.get(op_name)
        if op is None:
            raise KeyError(f"The name '{name}' refers to a Tensor which does not exist. "
                           f"The operation, '{op_name}', does not exist in the graph.")
        return op.outputs[int(idx)]

    def as_graph_element(self, obj):
        if isinstance(obj, str):
            return self.get_tensor_by_name(obj) if ":" in obj else self.get_operation_by_name(obj)
        return obj

    def finalize(self):
        self._finalized = True

    @property
    def finalized(self):
        return self._finalized

    @property
    def version(self):
        return self._version

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        if control_inputs is None:
            saved, self._control_deps = self._control_deps, []
            try:
                yield
            finally:
                self._control_deps = saved
            return
        ops = []
        for c in control_inputs:
            c = getattr(c, "op", c) if not hasattr(c, "control_inputs") else c
            if hasattr(c, "_graph_op"):
                c = c._graph_op()
            ops.append(c)
        self._control_deps.append(ops)
        try:
            yield
        finally:
            self._control_deps.pop()

    @contextlib.contextmanager
    def device(self, name):
        yield

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map):
        """Ops of the mapped types created inside use the gradient registered under the mapped
        name (``tf.RegisterGradient``; "Identity" passes the gradient through)."""
        if not isinstance(op_type_map, dict):
            raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        for k, v in op_type_map.items():
            if not (isinstance(k, str) and isinstance(v, str)):
                raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        saved = self._gradient_overrides
        self._gradient_overrides = dict(saved, **op_type_map)
        try:
            yield
        finally:
            self._gradient_overrides = saved

    # ---------------------------------------------------------------- collections
    def add_to_collection(self, name, value):
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names, value):
        for n in ([names] if isinstance(names, str) else names):
            self.add_to_collection(n, value)

    def get_collection(self, name, scope=None):
        items = list(self._collections.get(name, []))
        if scope is None:
            return items
        pat = re.compile(scope)
        return [it for it in items if pat.match(getattr(it, "name", "") or "")]

    def get_collection_ref(self, name):
        return self._collections.setdefault(name, [])

    def clear_collection(self, name):
        self._collections.pop(name, None)

    def get_all_collection_keys(self):
        return [k for k, v in self._collections.items() if v]

    # ---------------------------------------------------------------- misc
    def _next_op_seed(self):
        self._last_op_seed += 1
        return self._last_op_seed

    def __enter__(self):  # convenience: `with graph:` as as_default
        self._cm = self.as_default()
        return self._cm.__enter__()

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


_global_graph = Graph()
_default_stack = []


def get_default_graph():
    return _default_stack[-1] if _default_stack else _global_graph


def reset_default_graph():
    """Clears the default graph stack and resets the global default graph."""
    global _global_graph
    if _default_stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs. "
                             "If you need a cleared graph, exit the nesting and create a new graph.")
    _global_graph = Graph()
    context.state.default_session.clear()


def name_scope(name, default_name=None, values=None):
    """``tf.name_scope(name)`` (TF1 also accepts default_name and values)."""
    if name is None:
        name = default_name
    return get_default_graph().name_scope(name)


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


def add_to_collection(name, value):
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names, value):
    get_default_graph().add_to_collections(names, value)


def get_collection(key, scope=None):
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key):
    return get_default_graph().get_collection_ref(key)


def device(name):
    return get_default_graph().device(name)
