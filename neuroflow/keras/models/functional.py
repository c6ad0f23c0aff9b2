"""The functional graph: which layer calls lead from a model's inputs to its outputs, in what order,
and its config (``get_config``/``from_config`` with Keras's ``inbound_nodes`` format)."""
from ..layers.base import flatten, keras_history, map_structure
from ..layers.core import InputLayer


def node_key(layer, node_index):
    return "%s_ib-%d" % (layer.name, node_index)


def map_graph(inputs, outputs):
    """Keras's graph walk: the nodes by depth (outputs at depth 0) and the layers in model order.

    Returns (network_node_keys, nodes_by_depth, layers).
    """
    finished, in_progress, post_order, layer_indices = set(), set(), [], {}
    input_ids = {id(t) for t in inputs}

    def visit(t):
        h = keras_history(t)
        if h is None:
            raise ValueError("Output tensors of a Functional model must be the output of a Keras "
                             f"`Layer` (thus holding past layer metadata). Found: {t}")
        layer, ni, _ = h
        node = layer._inbound_nodes[ni]
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(f'The tensor {t} at layer "{layer.name}" is part of a cycle.')
        layer_indices.setdefault(layer, len(layer_indices))
        in_progress.add(id(node))
        if id(t) not in input_ids:
            for x in node.input_tensors:
                visit(x)
        finished.add(id(node))
        in_progress.discard(id(node))
        post_order.append(node)

    for t in outputs:
        visit(t)
    nodes_depth, layers_depth = {}, {}
    for node in reversed(post_order):
        depth = nodes_depth.setdefault(id(node), 0)
        depth = max(depth, layers_depth.get(node.layer, 0))
        layers_depth[node.layer] = depth
        nodes_depth[id(node)] = depth
        if any(id(t) in input_ids for t in node.output_tensors):
            continue
        for h in node.inbound:
            inbound = h[0]._inbound_nodes[h[1]]
            nodes_depth[id(inbound)] = max(depth + 1, nodes_depth.get(id(inbound), 0))
    for t in inputs:
        layer = keras_history(t)[0]
        if layer not in layers_depth:
            layers_depth[layer] = 0
            layer_indices[layer] = -1
            nodes_depth[id(layer._inbound_nodes[0])] = 0
            post_order.append(layer._inbound_nodes[0])
    by_id = {id(n): n for n in post_order}
    nodes_by_depth = {}
    for nid, d in nodes_depth.items():
        nodes_by_depth.setdefault(d, []).append(by_id[nid])
    layers_by_depth = {}
    for layer, d in layers_depth.items():
        layers_by_depth.setdefault(d, []).append(layer)
    layers = []
    for d in sorted(layers_by_depth, reverse=True):
        layers.extend(sorted(layers_by_depth[d], key=lambda layer: layer_indices[layer]))
    # every node input must be computable from the model inputs
    computable = set(input_ids)
    for d in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[d]:
            if isinstance(node.layer, InputLayer) and not node.input_tensors:
                if not any(id(t) in input_ids for t in node.output_tensors):
                    done = [x.name for x in layers if layers_depth[x] > d]
                    raise ValueError(
                        "Graph disconnected: cannot obtain value for tensor "
                        f'{node.output_tensors[0]} at layer "{node.layer.name}". The following '
                        f"previous layers were accessed without issue: {done}")
                continue
            for x in node.input_tensors:
                if id(x) not in computable:
                    raise ValueError(f"Graph disconnected: cannot obtain value for tensor {x} at "
                                     f'layer "{node.layer.name}".')
            computable.update(id(t) for t in node.output_tensors)
    names = [x.name for x in layers]
    for n in names:
        if names.count(n) > 1:
            raise ValueError(f'The name "{n}" is used {names.count(n)} times in the model. All '
                             "layer names should be unique.")
    keys = set()
    for node in post_order:
        keys.add(node_key(node.layer, node.layer._inbound_nodes.index(node)))
    return keys, nodes_by_depth, layers


def run_order(nodes_by_depth):
    """The non-input nodes in execution order (deepest first)."""
    order = []
    for d in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[d]:
            if not (isinstance(node.layer, InputLayer) and not node.input_tensors):
                order.append(node)
    return order


def run_graph(model, inputs):
    """Runs the recorded layer calls on new ``inputs`` (tensors): the model's outputs for them."""
    flat = flatten(inputs)
    if len(flat) != len(model.inputs):
        raise ValueError(f'Layer "{model.name}" expects {len(model.inputs)} input(s), but it '
                         f"received {len(flat)} input tensors.")
    tmap = {id(k): v for k, v in zip(model.inputs, flat)}
    for node in model._run_order:
        if not all(id(t) in tmap for t in node.input_tensors):
            continue
        args = map_structure(lambda t: tmap[id(t)], node.inputs)
        outs = node.layer(args, *node.call_args, **node.call_kwargs)
        for t, o in zip(node.output_tensors, flatten(outs)):
            tmap[id(t)] = o
    outs = [tmap[id(t)] for t in model.outputs]
    return map_structure(lambda t: tmap[id(t)], model._nested_outputs) if \
        isinstance(model._nested_outputs, (list, tuple, dict)) else outs[0]


# -------------------------------------------------------------------- config
def get_network_config(model):
    from ..layers import serialize
    conv = {}
    for layer in model.layers:
        kept = 0
        for i, node in enumerate(layer._inbound_nodes):
            key = node_key(layer, i)
            if key in model._network_nodes:
                conv[key] = kept
                kept += 1
    layer_configs = []
    for layer in model.layers:
        inbound = []
        for i, node in enumerate(layer._inbound_nodes):
            if node_key(layer, i) not in model._network_nodes or not node.input_tensors:
                continue
            data = []
            for h in node.inbound:
                il, ini, iti = h
                data.append([il.name, conv[node_key(il, ini)], iti, dict(node.call_kwargs)])
            inbound.append(data)
        cfg = serialize(layer)
        cfg["name"] = layer.name
        cfg["inbound_nodes"] = inbound
        layer_configs.append(cfg)

    def coords(tensors):
        out = []
        for t in tensors:
            layer, ni, ti = keras_history(t)
            out.append([layer.name, conv[node_key(layer, ni)], ti])
        return out
    return {"name": model.name, "layers": layer_configs, "input_layers": coords(model.inputs),
            "output_layers": coords(model.outputs)}


def from_network_config(cls, config, custom_objects=None):
    from ..layers import deserialize
    created, pending, order = {}, {}, []
    for ld in config["layers"]:
        layer = deserialize(ld, custom_objects)
        created[ld["name"]] = layer
        order.append(ld["name"])
        pending[ld["name"]] = list(ld.get("inbound_nodes", []))

    def process(layer, node_data):
        ins, kwargs = [], {}
        for entry in node_data:
            name, ni, ti = entry[:3]
            kwargs = entry[3] if len(entry) > 3 and entry[3] else kwargs
            src = created[name]
            if len(src._inbound_nodes) <= ni:
                return False
            ins.append(src._inbound_nodes[ni].output_tensors[ti])
        layer(ins[0] if len(ins) == 1 else ins, **kwargs)
        return True

    while any(pending.values()):
        progress = False
        for name in order:
            nodes = pending[name]
            while nodes and process(created[name], nodes[0]):
                nodes.pop(0)
                progress = True
        if not progress:
            raise ValueError("Cannot rebuild the model from its config: some layer inputs never "
                             "become available (inconsistent inbound_nodes).")

    def tensors(coords):
        return [created[n]._inbound_nodes[ni].output_tensors[ti] for n, ni, ti in coords]
    ins, outs = tensors(config["input_layers"]), tensors(config["output_layers"])
    return cls(inputs=ins if len(ins) > 1 else ins[0], outputs=outs if len(outs) > 1 else outs[0],
               name=config.get("name"))
