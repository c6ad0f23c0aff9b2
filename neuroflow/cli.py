"""The ``neuroflow`` command: run unchanged TensorFlow/Keras course scripts, the demo, the version.

  neuroflow run script.py [args...]     # `import tensorflow as tf` etc. resolve to neuroflow
  neuroflow run notebook.ipynb          # the code cells, in order (IPython magics skipped)
  neuroflow demo [--steps N]            # train on real data, print the test accuracy
  neuroflow serve model.h5 --model_name mnist --port 8501   # TensorFlow Serving's REST API
  neuroflow digits --model model.h5     # the digit recognizer web app
  neuroflow classify-image --image_file x.jpg               # EfficientNet-Lite0 top-5
  neuroflow retrain --image_dir DIR     # transfer learning: frozen base, new top
  neuroflow label-image --graph G --labels L --image x.jpg
  neuroflow --version

``python -m neuroflow ...`` is the same. In a notebook or a test, :func:`install_aliases` makes
``import tensorflow`` / ``import keras`` resolve to neuroflow without the command.
"""
import argparse
import ast
import importlib
import importlib.abc
import importlib.util
import json
import os
import runpy
import sys

# (imported name prefix, neuroflow module); the longest matching prefix wins.
ALIASES = (
    ("tensorflow.contrib.learn.python.learn.datasets.mnist",
     "neuroflow.examples.tutorials.mnist.input_data"),
    ("tensorflow.compat.v1.keras", "neuroflow.keras"),
    ("tensorflow.compat.v2.keras", "neuroflow.keras"),
    ("tensorflow.python.keras", "neuroflow.keras"),
    ("tensorflow.keras", "neuroflow.keras"),
    ("tensorflow", "neuroflow"),
    ("tf_keras", "neuroflow.keras"),
    ("keras", "neuroflow.keras"),
)
_MODULE_ATTRS = ("__spec__", "__loader__", "__name__", "__package__", "__path__", "__file__",
                 "__cached__")


def alias_target(name):
    """The neuroflow module that the imported ``name`` stands for, or None."""
    for prefix, target in sorted(ALIASES, key=lambda r: -len(r[0])):
        if name == prefix or name.startswith(prefix + "."):
            return target + name[len(prefix):]
    return None


def _import_target(alias, target):
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as e:
        if e.name is None or not (target == e.name or target.startswith(e.name + ".")):
            raise  # a missing dependency inside neuroflow, not a missing neuroflow module
        parent, _, child = target.rpartition(".")
        if parent:  # a namespace object that is an attribute rather than a submodule
            try:
                obj = getattr(importlib.import_module(parent), child)
            except (ImportError, AttributeError):
                obj = None
            if obj is not None:
                return obj
        if any(prefix.startswith(alias + ".") for prefix, _ in ALIASES):
            # a folder on the way to an alias (tensorflow.contrib.learn.python...): an empty package
            module = type(sys)(alias, "Path to %s (neuroflow)." % alias)
            module.__path__ = []
            return module
        raise ModuleNotFoundError(
            "No module named '%s': neuroflow runs it as '%s', which neuroflow does not provide "
            "yet." % (alias, target), name=alias) from None


class _AliasLoader(importlib.abc.Loader):
    """Loads an alias by returning the neuroflow module itself (no second copy)."""

    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        self.alias = spec.name
        module = _import_target(spec.name, self.target)
        own = getattr(module, "__dict__", {})  # not getattr: compat.v1 forwards unknown names
        self._saved = {k: own[k] for k in _MODULE_ATTRS if k in own}
        return module

    def exec_module(self, module):
        # the import system stamped the alias's spec on the module: put the real one back
        for k in _MODULE_ATTRS:
            try:
                if k in self._saved:
                    setattr(module, k, self._saved[k])
                elif k in getattr(module, "__dict__", {}):
                    delattr(module, k)
            except (AttributeError, TypeError):
                pass
        _register_loaded(self.alias, self.target)


class AliasFinder(importlib.abc.MetaPathFinder):
    """A ``sys.meta_path`` finder that makes ``tensorflow``, ``keras`` ... import neuroflow."""

    def find_spec(self, fullname, path=None, target=None):
        t = alias_target(fullname)
        if t is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(t))


def _register_loaded(alias, target):
    """Registers already-loaded submodules under the alias too (``tensorflow.app.flags`` ...).

    The import system insists that the parent of a submodule be a package; listing the loaded
    submodules directly lets ``import tensorflow.app.flags`` work although ``neuroflow.app`` is a
    plain module.
    """
    prefix = target + "."
    for name, module in list(sys.modules.items()):
        if name.startswith(prefix):
            sys.modules.setdefault(alias + name[len(target):], module)


def install_aliases():
    """Makes ``import tensorflow`` (and ``.compat.v1``, ``.keras``, ``.examples``...), ``import
    keras`` and ``import tf_keras`` resolve to neuroflow in this process. Idempotent."""
    if not any(isinstance(f, AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, AliasFinder())


def _notebook_source(path):
    """The code cells of a Jupyter notebook as one script; IPython magics and shell lines off."""
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    lines = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        for line in src.splitlines():
            stripped = line.lstrip()
            if stripped.startswith(("%", "!")):
                line = line[:len(line) - len(stripped)] + "pass  # " + stripped
            lines.append(line)
        lines.append("")
    return "\n".join(lines)


_GRAPH_ONLY_CALLS = frozenset(("Session", "InteractiveSession", "placeholder"))


def is_tf1_graph_script(source):
    """True when the code calls a TF1 graph-only entry point (``tf.Session()``,
    ``tf.placeholder(...)``, also through ``tf.compat.v1``): the whole script then runs with TF1
    graph semantics from its first line, as under TensorFlow 1.x, so that ``print(tf.constant(3))``
    before the session shows ``Tensor("Const:0", shape=(), dtype=int32)`` as the course does.
    Comments and strings do not count."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            if name in _GRAPH_ONLY_CALLS:
                return True
            if name == "enable_eager_execution":
                return False
    return False


def run_script(path, args=()):
    """Runs ``path`` as ``__main__`` with ``sys.argv = [path, *args]`` and the aliases installed;
    a TF1 graph script (``is_tf1_graph_script``) starts in graph mode."""
    if not os.path.exists(path):
        raise SystemExit("neuroflow run: can't open file %r: No such file or directory" % path)
    install_aliases()
    sys.argv = [path] + list(args)
    sys.path[0:1] = [os.path.dirname(os.path.abspath(path))]
    if path.endswith(".ipynb"):
        source = _notebook_source(path)
    else:
        with open(path, "rb") as f:
            source = f.read()
    if is_tf1_graph_script(source):
        from .core import context
        context.enter_graph_mode()
    if path.endswith(".ipynb"):
        code = compile(source, path, "exec")
        main = type(sys)("__main__")
        main.__file__ = path
        main.__builtins__ = __builtins__
        saved = sys.modules.get("__main__")
        sys.modules["__main__"] = main
        try:
            exec(code, main.__dict__)
        finally:
            sys.modules["__main__"] = saved
        return
    runpy.run_path(path, run_name="__main__")


def _parser():
    from . import __version__
    p = argparse.ArgumentParser(
        prog="neuroflow", description="TensorFlow 1.x and Keras rebuilt on NumPy: run course code "
        "unchanged.")
    p.add_argument("--version", action="version", version="neuroflow %s" % __version__)
    sub = p.add_subparsers(dest="command")
    r = sub.add_parser("run", help="run a TensorFlow/Keras script (or .ipynb) on neuroflow",
                       description="Runs SCRIPT with `import tensorflow`, `import keras` and "
                       "`tensorflow.examples.tutorials.mnist` resolved to neuroflow.")
    r.add_argument("script")
    r.add_argument("args", nargs=argparse.REMAINDER, help="passed to the script as sys.argv[1:]")
    d = sub.add_parser("demo", help="train a small model on real data and print its accuracy")
    d.add_argument("--steps", type=int, default=None, help="training steps (default: 1000 on "
                   "MNIST, 300 on the 8x8 digits)")
    d.add_argument("--data", choices=("auto", "mnist", "digits"), default="auto",
                   help="auto: MNIST when it is on disk or downloadable, else the shipped digits")
    _add_app_commands(sub)
    _add_image_commands(sub)
    return p


def main(argv=None):
    """Entry point of the ``neuroflow`` console script; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(argv)
    if args.command == "run":
        run_script(args.script, args.args)
        return 0
    if args.command == "demo":
        from . import demo
        return demo.main(steps=args.steps, data=args.data)
    status = _run_app_command(args)
    if status is None:
        status = _run_image_command(args)
    if status is not None:
        return status
    _parser().print_help()
    return 2


# ---------------------------------------------------------------------------------------------
# The applications (issue 7): `neuroflow serve` (neuroflow/serving/) and `neuroflow digits`
# (neuroflow/apps/). Owned with those packages; the two hooks above call these functions.
def _add_app_commands(sub):
    from .serving.server import add_arguments as serve_arguments
    from .apps.digits_server import add_arguments as digits_arguments
    s = sub.add_parser("serve", help="serve a Keras model over TensorFlow Serving's REST API",
                       description="Serves MODEL_PATH (model.h5, model.keras, or a base "
                       "directory of numbered versions) at /v1/models/<model_name> with "
                       "TensorFlow Serving's REST API (status, metadata, predict).")
    serve_arguments(s)
    g = sub.add_parser("digits", help="the digit recognizer web app (draw five digits)",
                       description="Serves a page on 127.0.0.1 where five digits drawn with "
                       "the mouse or a finger are read by an MNIST model.")
    digits_arguments(g)


def _run_app_command(args):
    if args.command == "serve":
        from .serving.server import main as serve_main
        return serve_main(args)
    if args.command == "digits":
        from .apps.digits_server import main as digits_main
        return digits_main(args)
    return None
# ------------------------------------------------------------------ end of the applications block


# ---------------------------------------------------------------------------------------------
# The image classification tools (issue 7): `neuroflow classify-image`, `retrain`, `label-image`
# on EfficientNet-Lite0 (neuroflow/apps/imagetools.py). Owned with that module; the two hooks
# above call these functions.
_IMAGE_COMMANDS = {
    "classify-image": ("add_classify_arguments", "main_classify",
                       "top-k ImageNet labels of a photo (classify_image.py)",
                       "Prints the NUM_TOP_PREDICTIONS most likely ImageNet labels of IMAGE_FILE "
                       "with their scores, from EfficientNet-Lite0 with its ImageNet weights."),
    "retrain": ("add_retrain_arguments", "main_retrain",
                "transfer learning on folders of photos per label (retrain.py)",
                "Trains a new softmax layer on the frozen EfficientNet-Lite0 features of the "
                "photos in IMAGE_DIR/<label>/ (cached as bottleneck files unless distortions "
                "are asked for) and writes the model and a labels file."),
    "label-image": ("add_label_arguments", "main_label",
                    "label a photo with a model written by retrain (label_image.py)",
                    "Prints the TOP_K labels of IMAGE with their scores from a retrained model."),
}


def _add_image_commands(sub):
    from .apps import imagetools
    for name, (add, _, short, long) in _IMAGE_COMMANDS.items():
        getattr(imagetools, add)(sub.add_parser(name, help=short, description=long))


def _run_image_command(args):
    if args.command not in _IMAGE_COMMANDS:
        return None
    from .apps import imagetools
    return getattr(imagetools, _IMAGE_COMMANDS[args.command][1])(args)
# ------------------------------------------------------ end of the image classification block


if __name__ == "__main__":
    sys.exit(main())
