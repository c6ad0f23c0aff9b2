"""tf.test, tf.logging and tf.app / tf.app.flags: every public name is exercised."""
import logging
import sys
import unittest

import numpy as np
import pytest

import neuroflow as tf
from neuroflow import app as nf_app
from neuroflow.core import backend


# ------------------------------------------------------------------ tf.test
def test_gpu_queries_on_numpy_backend(monkeypatch):
    monkeypatch.setattr(backend, "xp", np)
    assert tf.test.gpu_device_name() == ""
    assert tf.test.is_gpu_available() is False
    assert tf.test.is_gpu_available(cuda_only=True, min_cuda_compute_capability=(3, 5)) is False
    try:
        import cupy  # noqa: F401
        has_cupy = True
    except Exception:
        has_cupy = False
    assert tf.test.is_built_with_cuda() is has_cupy
    assert tf.test.is_built_with_gpu_support() is has_cupy
    assert tf.test.is_built_with_rocm() is False


def test_gpu_queries_with_a_gpu(monkeypatch):
    monkeypatch.setattr(backend, "gpu_available", lambda: True)
    assert tf.test.gpu_device_name() == "/device:GPU:0"
    assert tf.test.is_gpu_available() is True


def test_gpu_queries_cupy_backend():
    pytest.importorskip("cupy")
    try:
        backend.set_backend("cupy")
        if not backend.gpu_available():
            pytest.skip("no GPU visible to CuPy")
        assert tf.test.gpu_device_name() == "/device:GPU:0"
        assert tf.test.is_gpu_available(min_cuda_compute_capability=(3, 0))
        assert not tf.test.is_gpu_available(min_cuda_compute_capability=(99, 0))
    finally:
        backend.set_backend("numpy")


class _Sample(tf.test.TestCase):
    __test__ = False  # run through unittest below, not collected by pytest itself
    def testGraphSession(self):  # noqa: N802
        tf.disable_eager_execution()
        x = tf.placeholder(tf.float32, [2])
        y = x * 2.0
        with self.test_session() as sess:
            self.assertAllClose(sess.run(y, {x: [1.0, 2.0]}), [2.0, 4.0])
            self.assertIs(tf.get_default_session(), sess)
        with self.session() as sess2:
            self.assertAllEqual(self.evaluate(tf.constant([1, 2]) + 1), [2, 3])
            self.assertIsNot(sess2, sess)

    def testEagerAndAssertions(self):  # noqa: N802
        self.assertAllClose(tf.constant([1.0, 2.0]), np.array([1.0, 2.0 + 1e-7]))
        self.assertAllClose({"a": [1.0]}, {"a": np.array([1.0])})
        self.assertNotAllClose([1.0], [1.1])
        self.assertAllCloseAccordingToType(np.float32([1.0]), [1.0 + 1e-7])
        self.assertAllEqual(tf.constant([[1, 2]]), [[1, 2]])
        self.assertNotAllEqual([1, 2], [1, 3])
        self.assertAllGreater([2, 3], 1)
        self.assertAllLess([2, 3], 4)
        self.assertAllGreaterEqual([2, 3], 2)
        self.assertAllLessEqual([2, 3], 3)
        self.assertAllInRange([0.0, 1.0], 0.0, 1.0)
        self.assertArrayNear([1.0, 2.0], [1.05, 2.0], 0.1)
        self.assertNear(1.0, 1.01, 0.1)
        self.assertShapeEqual(np.zeros((2, 3)), tf.zeros([2, 3]))
        self.assertDeviceEqual("/cpu:0", "/cpu:0")
        self.assertDTypeEqual(np.float32([1.0]), tf.float32)
        self.assertEqual(self.evaluate([tf.constant(1), {"k": tf.constant(2)}]), [1, {"k": 2}])
        self.assertTrue(self.get_temp_dir())
        with self.assertRaisesWithPredicateMatch(ValueError, "bad"):
            raise ValueError("a bad value")

    def testFailures(self):  # noqa: N802
        with self.assertRaises(AssertionError):
            self.assertAllClose([1.0, 2.0], [1.0, 2.1])
        with self.assertRaises(AssertionError):
            self.assertAllClose([1.0, 2.0], [1.0, 2.0, 3.0])  # shapes differ
        with self.assertRaises(AssertionError):
            self.assertAllEqual([1, 2], [1, 3])
        with self.assertRaises(AssertionError):
            self.assertAllInRange([0.0, 1.0], 0.0, 1.0, open_upper_bound=True)
        with self.assertRaises(AssertionError):
            with self.assertRaisesWithPredicateMatch(ValueError, "bad"):
                raise ValueError("fine")


def test_testcase_runs_under_unittest():
    suite = unittest.TestLoader().loadTestsFromTestCase(_Sample)
    names = sorted(t.id().rsplit(".", 1)[1] for t in suite)
    assert names == ["testEagerAndAssertions", "testFailures", "testGraphSession", "test_session"]
    result = unittest.TestResult()
    suite.run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert len(result.skipped) == 1  # test_session is reserved, as in TF1
    assert issubclass(tf.test.TestCase, unittest.TestCase)
    assert tf.test.main is not None and tf.test.mock.MagicMock is not None


def test_test_main_runs_the_script_tests(tmp_path):
    import os
    import subprocess
    root = os.path.dirname(os.path.dirname(os.path.abspath(tf.__file__)))
    (tmp_path / "t.py").write_text(
        "import neuroflow as tf\n"
        "class T(tf.test.TestCase):\n"
        "    def testOne(self):\n"
        "        self.assertAllEqual(tf.constant([1, 2]) * 2, [2, 4])\n"
        "    def testTwo(self):\n"
        "        self.assertAllClose(tf.constant(1.0), 2.0)\n"
        "if __name__ == '__main__':\n"
        "    tf.test.main()\n")
    r = subprocess.run([sys.executable, "t.py"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60, env=dict(os.environ, PYTHONPATH=root))
    assert r.returncode == 1 and "Ran 3 tests" in r.stderr and "failures=1" in r.stderr
    assert "skipped=1" in r.stderr  # the reserved test_session


# ------------------------------------------------------------------ tf.logging
def test_logging_levels_and_messages(caplog):
    assert (tf.logging.DEBUG, tf.logging.INFO, tf.logging.WARN, tf.logging.WARNING,
            tf.logging.ERROR, tf.logging.FATAL) == (10, 20, 30, 30, 40, 50)
    old = tf.logging.get_verbosity()
    try:
        tf.logging.set_verbosity(tf.logging.INFO)
        assert tf.logging.get_verbosity() == tf.logging.INFO
        with caplog.at_level(logging.DEBUG, logger="tensorflow"):
            tf.logging.set_verbosity(tf.logging.INFO)
            tf.logging.debug("hidden %d", 0)
            tf.logging.info("step %d", 1)
            tf.logging.warning("w")
            tf.logging.warn("w2")
            tf.logging.error("e")
            tf.logging.fatal("f")
            tf.logging.log(tf.logging.ERROR, "via log %s", "x")
            tf.logging.vlog(tf.logging.WARN, "v")
            tf.logging.log_if(tf.logging.INFO, "shown", True)
            tf.logging.log_if(tf.logging.INFO, "not shown", False)
            for i in range(5):
                tf.logging.log_first_n(tf.logging.INFO, "first %d", 2, i)
                tf.logging.log_every_n(tf.logging.INFO, "every %d", 2, i)
            with tf.logging.TaskLevelStatusMessage("task"):
                pass
            tf.logging.flush()
        got = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    finally:
        tf.logging.set_verbosity(old)
    msgs = [m for _, _, m in got]
    assert all(name == "tensorflow" for name, _, _ in got)
    assert "hidden 0" not in msgs and "not shown" not in msgs
    assert ("tensorflow", 20, "step 1") in got and ("tensorflow", 50, "f") in got
    assert [m for m in msgs if m.startswith("first")] == ["first 0", "first 1"]
    assert [m for m in msgs if m.startswith("every")] == ["every 0", "every 2", "every 4"]
    for m in ("w", "w2", "e", "via log x", "v", "shown", "task"):
        assert m in msgs
    assert tf.logging.__all__ == [] and tf.logging.get_logger().name == "tensorflow"


def test_logging_format_in_a_fresh_process(tmp_path):
    import subprocess
    import os
    root = os.path.dirname(os.path.dirname(os.path.abspath(tf.__file__)))
    code = ("import neuroflow as tf\ntf.logging.info('quiet')\n"
            "tf.logging.set_verbosity(tf.logging.INFO)\ntf.logging.info('Restoring %s', 'x')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, PYTHONPATH=root))
    assert r.returncode == 0 and r.stderr == "INFO:tensorflow:Restoring x\n"


# ------------------------------------------------------------------ tf.app / flags
@pytest.fixture
def fv():
    return nf_app.FlagValues()


def define_all(fv):
    flags = tf.app.flags
    flags.DEFINE_string("name", "abc", "a string", flag_values=fv)
    flags.DEFINE_integer("steps", 10, "an int", lower_bound=0, flag_values=fv)
    flags.DEFINE_float("lr", 0.5, "a float", flag_values=fv)
    flags.DEFINE_boolean("train", True, "a bool", flag_values=fv)
    flags.DEFINE_bool("fast", False, "a bool", flag_values=fv)
    flags.DEFINE_enum("mode", "a", ["a", "b"], "an enum", flag_values=fv)
    flags.DEFINE_list("layers", "1,2", "a list", flag_values=fv)


def test_flags_defaults_and_parsing(fv):
    define_all(fv)
    assert not fv.is_parsed()
    rest = fv(["prog", "--name=x y", "--steps", "3", "-lr=0.25", "--notrain", "--fast",
               "--mode=b", "--layers=4,5,6", "positional", "--", "--steps=99"])
    assert rest == ["prog", "positional", "--steps=99"]
    assert (fv.name, fv.steps, fv.lr, fv.train, fv.fast, fv.mode, fv.layers) == (
        "x y", 3, 0.25, False, True, "b", ["4", "5", "6"])
    assert isinstance(fv.steps, int) and isinstance(fv.lr, float)
    assert fv.flag_values_dict()["lr"] == 0.25 and "steps" in fv and len(fv) == 7
    assert str(fv.__flags["steps"]) == "3" and fv["steps"].default == 10
    fv.steps = 8
    assert fv.steps == 8
    fv.set_default("name", "d")
    assert fv.name == "x y"  # set on the command line: the default does not replace it
    fv.unparse_flags()
    assert fv["name"].value == "d" and not fv.is_parsed()
    fv(["prog", "--train=false"])
    assert fv.train is False
    fv.mark_as_parsed()


def test_flags_errors(fv):
    define_all(fv)
    with pytest.raises(nf_app.UnrecognizedFlagError, match="Unknown command line flag 'nope'"):
        fv(["prog", "--nope=1"])
    assert fv(["prog", "--nope=1"], known_only=True) == ["prog", "--nope=1"]
    with pytest.raises(nf_app.IllegalFlagValueError, match="flag --steps=abc"):
        fv(["prog", "--steps=abc"])
    with pytest.raises(nf_app.IllegalFlagValueError, match="value should be in"):
        fv(["prog", "--steps=-1"])
    with pytest.raises(nf_app.IllegalFlagValueError, match="one of <a|b>"):
        fv(["prog", "--mode=c"])
    with pytest.raises(nf_app.IllegalFlagValueError, match="Non-boolean"):
        fv(["prog", "--train=maybe"])
    with pytest.raises(nf_app.IllegalFlagValueError, match="Missing value"):
        fv(["prog", "--steps"])
    with pytest.raises(AttributeError):
        fv.undefined_flag  # noqa: B018


def test_flags_read_parses_sys_argv_lazily(fv, monkeypatch):
    tf.app.flags.DEFINE_integer("epochs", 1, "n", flag_values=fv)
    monkeypatch.setattr(sys, "argv", ["prog", "--epochs=4", "-f", "kernel.json"])
    assert fv.epochs == 4  # the unknown notebook arguments are ignored
    assert fv._parse_flags(["--epochs=6"]) == []
    assert fv.epochs == 6


def test_app_run(monkeypatch, capsys):
    flags = tf.app.flags
    flags.DEFINE_integer("nf_test_run_steps", 5, "steps")
    flags.DEFINE_string("nf_test_required", None, "must be given")
    flags.mark_flags_as_required(["nf_test_required"])
    seen = []

    def main(argv):
        seen.append((argv, flags.FLAGS.nf_test_run_steps, flags.FLAGS.nf_test_required))
        return 7

    with pytest.raises(SystemExit) as e:
        tf.app.run(main, argv=["prog", "--nf_test_run_steps=9", "--nf_test_required=yes", "extra"])
    assert e.value.code == 7 and seen == [(["prog", "extra"], 9, "yes")]
    flags.FLAGS.nf_test_required = None
    with pytest.raises(SystemExit) as e:
        tf.app.run(main, argv=["prog"])
    assert e.value.code == 1
    assert "Flag --nf_test_required must have a value other than None" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        tf.app.run(main, argv=["prog", "--help"])
    assert e.value.code == 0 and "--nf_test_run_steps: steps" in capsys.readouterr().out
    flags.FLAGS._required.discard("nf_test_required")


def test_flags_module_importable():
    import neuroflow.app.flags as mod
    assert mod is tf.app.flags and mod.FLAGS is nf_app.FLAGS
    assert tf.app.__all__ == [] and tf.test.__all__ == []
    for name in ("DEFINE_string", "DEFINE_integer", "DEFINE_float", "DEFINE_boolean", "FLAGS"):
        assert hasattr(mod, name)
