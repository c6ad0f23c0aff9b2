"""``.meta`` files: a MetaGraphDef whose GraphDef TensorBoard can draw, carrying neuroflow's own
graph (ops, variables, collections) for ``import_meta_graph``.

The graph travels as a pickle inside ``meta_info_def.any_info``; it is read back by a restricted
unpickler that only builds neuroflow and NumPy objects and calls no function except a short
list of value constructors, so opening a ``.meta`` file runs no code from the file. Real
TensorFlow can parse the file but not import the graph (neuroflow's op attributes differ).
"""
import io
import pickle
import threading

from ..core.errors import DataLossError
from . import atomic, graph_def, proto

_TYPE_URL = "type.googleapis.com/neuroflow.GraphPickle"
_RLOCK = type(threading.RLock())


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, _RLOCK):
            return threading.RLock, ()
        if type(obj).__name__ == "lock":
            return threading.Lock, ()
        return NotImplemented


_CALLABLE = {("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
             ("numpy._core.multiarray", "scalar"), ("numpy.core.multiarray", "scalar"),
             ("numpy", "dtype"), ("numpy", "ndarray"), ("neuroflow.core.dtypes", "as_dtype"),
             ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "complex"),
             ("builtins", "slice"), ("builtins", "range"), ("threading", "RLock"),
             ("threading", "Lock"), ("collections", "OrderedDict"), ("_codecs", "encode"),
             ("copyreg", "_reconstructor"), ("builtins", "object")}


class _Unpickler(pickle._Unpickler):
    """Builds neuroflow/NumPy objects; calls only the constructors in ``_CALLABLE``."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def find_class(self, module, name):
        if (module, name) in _CALLABLE or module.split(".")[0] == "neuroflow":
            obj = super().find_class(module, name)
            if (module, name) not in _CALLABLE:
                self._plain.add(id(obj))
            return obj
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a graph file")

    def load_reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        if id(func) in self._plain:
            raise pickle.UnpicklingError(f"refusing to call {func!r} while loading a graph file")
        self.stack[-1] = func(*args)

    dispatch[pickle.REDUCE[0]] = load_reduce

    def __init__(self, f):
        super().__init__(f)
        self._plain = set()


def dumps_graph(payload):
    bio = io.BytesIO()
    _Pickler(bio, protocol=4).dump(payload)
    return bio.getvalue()


def loads_graph(data, path):
    try:
        return _Unpickler(io.BytesIO(data)).load()
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError,
            TypeError, ValueError) as e:
        raise DataLossError(message=f"cannot read the neuroflow graph in {path}: {e}") from None


def meta_graph_bytes(graph, payload, saver_info=None):
    """MetaGraphDef bytes: meta_info_def (with the payload), graph_def, saver_def."""
    info = proto.f_bytes(1, "") + proto.f_bytes(5, "neuroflow")
    if payload is not None:
        info += proto.f_bytes(3, proto.f_bytes(1, _TYPE_URL) + proto.f_bytes(2, payload))
    out = proto.f_bytes(1, info) + proto.f_bytes(2, graph_def.graph_def(graph))
    if saver_info:
        sd = proto.f_bytes(1, "save/Const:0") + proto.f_bytes(2, "save/control_dependency:0") + \
            proto.f_bytes(3, "save/restore_all") + proto.f_varint(4, saver_info.get("max_to_keep", 5)) + \
            proto.f_float(6, saver_info.get("keep_checkpoint_every_n_hours", 10000.0)) + \
            proto.f_varint(7, 2)
        out += proto.f_bytes(3, sd)
    return out


def write_meta_graph(path, graph, payload_obj, saver_info=None):
    """Writes ``path`` atomically; returns False when the graph could not be pickled (ops holding
    Python closures): the file then has the GraphDef only."""
    try:
        payload = dumps_graph(payload_obj)
        ok = True
    except (pickle.PicklingError, TypeError, AttributeError):
        payload, ok = None, False
    atomic.write_bytes(path, meta_graph_bytes(graph, payload, saver_info))
    return ok


def read_payload(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        msg = proto.parse(data)
        info = proto.parse(proto.get(msg, 1, b""))
        anyv = proto.get(info, 3)
    except proto.DecodeError:
        raise DataLossError(message=f"{path} is not a MetaGraphDef file (truncated or "
                            "corrupted)") from None
    if anyv is None:
        raise NotImplementedError(
            f"{path} has no neuroflow graph: it was written by TensorFlow, or its graph held Python "
            "functions (py_func, while_loop bodies) that cannot be stored. neuroflow imports only "
            "graphs it saved; rebuild the graph in code and use Saver.restore instead.")
    anyp = proto.parse(anyv)
    if proto.as_str(proto.get(anyp, 1, b"")) != _TYPE_URL:
        raise NotImplementedError(f"{path}: unknown meta graph payload")
    return loads_graph(proto.get(anyp, 2, b""), path)
