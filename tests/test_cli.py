"""`neuroflow run` / `python -m neuroflow`: unchanged TF scripts resolve to neuroflow."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

import neuroflow
from neuroflow import cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(neuroflow.__file__)))
MNIST_DIR = os.path.join(os.environ["NEUROFLOW_DATASETS"], "mnist")


def run_cli(tmp_path, *args, script=None, name="script.py", timeout=120):
    if script is not None:
        (tmp_path / name).write_text(textwrap.dedent(script))
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "neuroflow", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.skipif(not os.path.isdir(MNIST_DIR), reason="shared MNIST not present")
def test_tf1_mnist_script_runs_unchanged(tmp_path):
    script = """
        import sys
        import tensorflow as tf
        import tensorflow.compat.v1 as tf1
        from tensorflow.examples.tutorials.mnist import input_data
        import neuroflow
        mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
        x = tf.placeholder(tf.float32, [None, 784])
        W = tf.Variable(tf.zeros([784, 10]))
        y = tf.matmul(x, W) + 1.0
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(y, feed_dict={x: mnist.train.next_batch(100)[0]})
        print("aliased", sys.modules["tensorflow"] is neuroflow, tf1 is neuroflow.compat.v1,
              neuroflow.__spec__.name)
        print("shapes", mnist.train.images.shape, out.shape, float(out.mean()))
        print("argv", sys.argv, __name__)
        """
    r = run_cli(tmp_path, "run", "script.py", "--lr", "0.1", "pos", script=script)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "aliased True True neuroflow" in out
    assert "shapes (55000, 784) (100, 10) 1.0" in out
    assert "argv ['script.py', '--lr', '0.1', 'pos'] __main__" in out
    assert "Extracting %s/train-images-idx3-ubyte.gz" % MNIST_DIR in out


def test_flags_app_run_exit_codes_and_errors(tmp_path):
    script = """
        import tensorflow as tf
        import tensorflow.app.flags
        from tensorflow.contrib.learn.python.learn.datasets.mnist import DataSet
        flags = tf.app.flags
        flags.DEFINE_integer("steps", 3, "steps")
        flags.DEFINE_boolean("fast", False, "speed")
        FLAGS = flags.FLAGS

        def main(argv):
            print("flags", FLAGS.steps, FLAGS.fast, argv[1:], DataSet.__name__)
            return 3

        if __name__ == "__main__":
            tf.app.run()
        """
    r = run_cli(tmp_path, "run", "script.py", "--steps=7", "--fast", "rest", script=script)
    assert r.returncode == 3, r.stderr
    assert "flags 7 True ['rest'] DataSet" in r.stdout
    r = run_cli(tmp_path, "run", "missing.py", script="import tensorflow.contrib.nosuch\n")
    assert r.returncode != 0 and "can't open file 'missing.py'" in r.stderr
    r = run_cli(tmp_path, "run", "script.py", script="import tensorflow.contrib.nosuch\n")
    assert r.returncode == 1
    assert ("No module named 'tensorflow.contrib.nosuch': neuroflow runs it as "
            "'neuroflow.contrib.nosuch'") in r.stderr


def test_keras_aliases(tmp_path):
    try:
        import neuroflow.keras  # noqa: F401  (another part of neuroflow)
    except ImportError:
        pytest.skip("neuroflow.keras not importable")
    script = """
        import keras
        import tensorflow as tf
        import tensorflow.keras
        from tensorflow import keras as k2
        import neuroflow.keras
        print("keras", keras is neuroflow.keras, tf.keras is neuroflow.keras, k2 is keras)
        """
    r = run_cli(tmp_path, "run", "script.py", script=script)
    assert r.returncode == 0, r.stderr
    assert "keras True True True" in r.stdout


def test_notebook_and_version(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "source": ["# title"]},
                    {"cell_type": "code", "source": ["%matplotlib inline\n",
                                                     "import tensorflow as tf\n",
                                                     "x = tf.constant([1.0, 2.0])"]},
                    {"cell_type": "code",
                     "source": "!pip list\nprint('sum', float(tf.reduce_sum(x)))"}],
          "nbformat": 4}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb))
    r = run_cli(tmp_path, "run", "nb.ipynb")
    assert r.returncode == 0, r.stderr
    assert "sum 3.0" in r.stdout
    r = run_cli(tmp_path, "--version")
    assert r.returncode == 0 and r.stdout.strip() == "neuroflow %s" % neuroflow.__version__


def test_alias_table():
    assert cli.alias_target("tensorflow") == "neuroflow"
    assert cli.alias_target("tensorflow.compat.v1") == "neuroflow.compat.v1"
    assert cli.alias_target("tensorflow.keras.layers") == "neuroflow.keras.layers"
    assert cli.alias_target("tensorflow.python.keras.layers") == "neuroflow.keras.layers"
    assert cli.alias_target("keras.datasets.mnist") == "neuroflow.keras.datasets.mnist"
    assert cli.alias_target("tf_keras") == "neuroflow.keras"
    assert (cli.alias_target("tensorflow.examples.tutorials.mnist.input_data")
            == "neuroflow.examples.tutorials.mnist.input_data")
    for other in ("tensorflowx", "kerasy", "numpy", "neuroflow"):
        assert cli.alias_target(other) is None


def test_install_aliases_in_process(monkeypatch):
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    saved = [k for k in sys.modules if k == "tensorflow" or k.startswith("tensorflow.")]
    for k in saved:
        monkeypatch.delitem(sys.modules, k)
    try:
        cli.install_aliases()
        cli.install_aliases()  # idempotent
        assert sum(isinstance(f, cli.AliasFinder) for f in sys.meta_path) == 1
        import tensorflow as tf
        from tensorflow.examples.tutorials.mnist import input_data
        assert tf is neuroflow and tf.__name__ == "neuroflow"
        assert input_data is neuroflow.examples.tutorials.mnist.input_data
        assert neuroflow.__spec__.name == "neuroflow" and neuroflow.__spec__.origin.endswith(
            "__init__.py")
    finally:
        for k in [k for k in sys.modules if k == "tensorflow" or k.startswith("tensorflow.")]:
            del sys.modules[k]


def test_aliasing_leaves_modules_intact(tmp_path):
    script = """
        import tensorflow.compat.v1 as tf
        import tensorflow.nn
        import neuroflow.compat.v1 as v1
        import neuroflow.nn
        print("intact", "__path__" in vars(v1), v1.__spec__.name, neuroflow.nn.__spec__.name,
              "__path__" in vars(neuroflow.nn), tf.placeholder is neuroflow.placeholder)
        """
    r = run_cli(tmp_path, "run", "script.py", script=script)
    assert r.returncode == 0, r.stderr
    assert "intact False neuroflow.compat.v1 neuroflow.nn False True" in r.stdout


def test_alias_of_a_forwarding_module(tmp_path, monkeypatch):
    """A module-level __getattr__ (as in compat.v1) must not leak attributes into the module."""
    pkg = tmp_path / "nf_fake_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "fwd.py").write_text(  # forwards to a package, so getattr(fwd, "__path__") works
        "import json\n\ndef __getattr__(name):\n    return getattr(json, name)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cli, "ALIASES", cli.ALIASES + (("nf_fake_alias", "nf_fake_pkg"),))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    cli.install_aliases()
    try:
        import nf_fake_alias.fwd as fwd
        import nf_fake_pkg.fwd
        assert fwd is nf_fake_pkg.fwd and sys.modules["nf_fake_alias"] is sys.modules["nf_fake_pkg"]
        assert "__path__" not in vars(fwd) and fwd.__spec__.name == "nf_fake_pkg.fwd"
    finally:
        for k in [k for k in sys.modules if k.startswith(("nf_fake_alias", "nf_fake_pkg"))]:
            del sys.modules[k]


def test_tf1_graph_script_prints_graph_tensors_from_its_first_line(tmp_path):
    script = """
        import tensorflow as tf
        hello = tf.constant('Hello, TensorFlow!')
        print(hello)
        c = tf.add(tf.constant(10), tf.constant(32))
        print(c, tf.executing_eagerly())
        sess = tf.Session()
        print(sess.run(hello), int(sess.run(c)))
        """
    r = run_cli(tmp_path, "run", "script.py", script=script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ['Tensor("Const:0", shape=(), dtype=string)',
                                     'Tensor("Add:0", shape=(), dtype=int32) False',
                                     "b'Hello, TensorFlow!' 42"]


def test_tf2_script_stays_eager(tmp_path):
    script = """
        import tensorflow as tf
        # tf.Session() and tf.placeholder(...) in a comment or "tf.Session()" in a string
        print(tf.constant(3).numpy() + 1, tf.executing_eagerly(), "tf.Session()")
        """
    r = run_cli(tmp_path, "run", "script.py", script=script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "4 True tf.Session()"


@pytest.mark.parametrize("source, graph", [
    ("import tensorflow as tf\nsess = tf.Session()", True),
    ("import tensorflow.compat.v1 as tf\nx = tf.placeholder(tf.float32)", True),
    ("import tensorflow as tf\ns = tf.InteractiveSession()", True),
    ("x = tf.constant(1)  # tf.Session()", False),
    ("tf.enable_eager_execution()\nx = tf.placeholder(tf.float32)", False),
    ("def broken(:\n    tf.Session()", False),
])
def test_is_tf1_graph_script(source, graph):
    assert cli.is_tf1_graph_script(source) is graph
