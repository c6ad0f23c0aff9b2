"""``model.summary()``: Keras's layer table, rule for rule."""


def count_params(weights):
    import numpy as np
    return int(sum(int(np.prod(w.shape.as_list())) for w in weights))


def _fmt_shape(s):
    if isinstance(s, list):
        return "[" + ", ".join(_fmt_shape(x) for x in s) + "]"
    if isinstance(s, tuple):
        return str(s)
    return str(s)


def _sequential_like(model):
    if type(model).__name__ == "Sequential" or not getattr(model, "_is_graph_network", False):
        return True
    nodes = []
    for depth_nodes in model._nodes_by_depth.values():
        if len(depth_nodes) > 1 or len(depth_nodes[0].input_tensors) > 1:
            return False
        nodes += depth_nodes
    ids = {id(n) for n in nodes}
    for layer in model.layers:
        if sum(1 for n in layer._inbound_nodes if id(n) in ids) > 1:
            return False
    return True


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Prints a summary of a model (``keras.utils.print_summary``).

    Example:
      Model: "sequential"
      _________________________________________________________________
      Layer (type)                 Output Shape              Param #
      =================================================================
      dense (Dense)                (None, 10)                7850
      =================================================================
      Total params: 7,850
    """
    if print_fn is None:
        print_fn = print
    seq = _sequential_like(model)
    if seq:
        line_length = line_length or 65
        positions = positions or [0.45, 0.85, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [0.33, 0.55, 0.67, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def row(fields):
        line = ""
        for i, f in enumerate(fields):
            if i > 0:
                line = line[:-1] + " "
            line += str(f)
            line = line[:positions[i]]
            line += " " * (positions[i] - len(line))
        print_fn(line)

    relevant = None
    if getattr(model, "_is_graph_network", False) and hasattr(model, "_network_nodes"):
        relevant = model._network_nodes
    print_fn('Model: "%s"' % model.name)
    print_fn("_" * line_length)
    row(headers)
    print_fn("=" * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        try:
            shape = _fmt_shape(layer.output_shape)
        except (AttributeError, RuntimeError):
            shape = "multiple"
        name = "%s (%s)" % (layer.name, type(layer).__name__)
        params = layer.count_params() if layer.built else "0 (unused)"
        if seq:
            row([name, shape, params])
        else:
            from ..models.functional import node_key
            conns = []
            for ni, node in enumerate(layer._inbound_nodes):
                if relevant is not None and node_key(layer, ni) not in relevant:
                    continue
                for h in node.iterate_inbound():
                    conns.append("%s[%d][%d]" % (h[0].name, h[1], h[2]))
            row([name, shape, params, conns[0] if conns else ""])
            for c in conns[1:]:
                row(["", "", "", c])
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)
    if not layers:
        print_fn("=" * line_length)
    trainable = count_params(model.trainable_weights)
    non_trainable = count_params(model.non_trainable_weights)
    print_fn("Total params: {:,}".format(trainable + non_trainable))
    print_fn("Trainable params: {:,}".format(trainable))
    print_fn("Non-trainable params: {:,}".format(non_trainable))
    print_fn("_" * line_length)
