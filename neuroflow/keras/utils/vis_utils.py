"""``plot_model``: the model graph as a picture (graphviz) or, without graphviz, as DOT text."""
import os
import shutil
import subprocess
import sys


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=96, subgraph=False):
    """The DOT source text of the model's layer graph."""
    lines = ["digraph G {", f'  rankdir="{rankdir}";', "  concentrate=true;", f"  dpi={dpi};",
             "  node [shape=record];"]
    layers = model.layers
    if getattr(model, "_input_layer", None) is not None:
        layers = [model._input_layer] + layers
    ids = {id(layer): "n%d" % i for i, layer in enumerate(layers)}
    for layer in layers:
        cls = type(layer).__name__
        label = f"{layer.name}: {cls}" if show_layer_names else cls
        if show_shapes:
            try:
                outs = layer.output_shape
            except AttributeError:
                outs = "multiple"
            try:
                ins = layer.input_shape
            except AttributeError:
                ins = "multiple"
            label = "{%s|{input:|output:}|{{%s}|{%s}}}" % (label, ins, outs)
        label = label.replace('"', '\\"')
        lines.append(f'  {ids[id(layer)]} [label="{label}"];')
    for layer in layers:
        for node in layer._inbound_nodes:
            for h in node.iterate_inbound():
                if id(h[0]) in ids:
                    lines.append(f"  {ids[id(h[0])]} -> {ids[id(layer)]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", expand_nested=False, dpi=96):
    """Draws the model graph into ``to_file`` with graphviz's ``dot``.

    Without graphviz it writes the DOT text to ``to_file`` with a ``.dot`` extension instead and
    says how to install graphviz; it never fails for want of it.
    """
    dot = model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir, expand_nested,
                       dpi)
    exe = shutil.which("dot")
    ext = os.path.splitext(to_file)[1][1:] or "png"
    if exe is not None:
        try:
            subprocess.run([exe, "-T" + ext, "-o", to_file], input=dot.encode(), check=True,
                           capture_output=True)
            return None
        except (subprocess.CalledProcessError, OSError):
            pass
    dot_file = os.path.splitext(to_file)[0] + ".dot"
    with open(dot_file, "w") as f:
        f.write(dot)
    sys.stdout.write("graphviz (the `dot` program) was not found, so the model graph was written "
                     f"as DOT text to {dot_file}. Install graphviz (e.g. `apt-get install "
                     f"graphviz` or `conda install graphviz`) to get {to_file}.\n")
    return None
