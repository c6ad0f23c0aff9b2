"""A neuroflow Graph as a TensorFlow GraphDef (NodeDefs with name, op, inputs, dtype and output
shapes), enough for TensorBoard's Graphs tab to draw the graph with its name scopes."""
import numpy as np

from . import proto

_PRODUCER = 27


def _attr_type(dt):
    return proto.f_varint(6, dt)


def _dtype_enum(dtype):
    try:
        return proto.dt_enum(dtype._np) if dtype is not None else 1
    except (TypeError, AttributeError):
        return 1


def _attr_entry(key, value_bytes):
    return proto.f_bytes(5, proto.f_bytes(1, key) + proto.f_bytes(2, value_bytes))


def node_def(op):
    """NodeDef bytes of one op."""
    out = proto.f_bytes(1, op.name) + proto.f_bytes(2, op.type or "Op")
    for t in op.inputs:
        out += proto.f_bytes(3, t.op.name + (":%d" % t.value_index if t.value_index else ""))
    for c in getattr(op, "control_inputs", ()):
        name = getattr(c, "name", None)
        if name:
            out += proto.f_bytes(3, "^" + name)
    outs = list(getattr(op, "outputs", ()) or ())
    attrs = []
    if outs:
        dt = _dtype_enum(outs[0].dtype)
        attrs.append(("T" if op.inputs else "dtype", _attr_type(dt)))
        shapes = b"".join(proto.f_bytes(7, proto.shape_proto(t._shape.as_tuple())) for t in outs)
        attrs.append(("_output_shapes", proto.f_bytes(1, shapes)))
    value = getattr(op, "value", None)
    if op.type == "Const" and isinstance(value, np.ndarray) and value.size <= 16:
        try:
            attrs.append(("value", proto.f_bytes(8, proto.tensor_proto(value))))
        except TypeError:
            pass
    for key, v in sorted(attrs):
        out += _attr_entry(key, v)
    return out


def graph_def(graph):
    """GraphDef bytes of every op in ``graph`` (variables appear as VariableV2 nodes)."""
    nodes = []
    seen = set()
    for op in list(graph._ops):
        if op.name is None or op.name in seen:
            continue
        seen.add(op.name)
        try:
            nodes.append(proto.f_bytes(1, node_def(op)))
        except Exception:   # an exotic op must not stop the graph from being written
            nodes.append(proto.f_bytes(1, proto.f_bytes(1, op.name) + proto.f_bytes(2, "Op")))
    return b"".join(nodes) + proto.f_bytes(4, proto.version_def(_PRODUCER))
