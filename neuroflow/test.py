"""``tf.test``: GPU queries, ``TestCase`` with TF's array assertions, and ``main``.

Example:
  >>> class SquareTest(tf.test.TestCase):
  ...     def testSquare(self):
  ...         with self.test_session():
  ...             x = tf.square([2, 3])
  ...             self.assertAllEqual(x.eval(), [4, 9])
  >>> tf.test.gpu_device_name()   # '' on the NumPy backend
  ''
"""
import contextlib as _contextlib
import os as _os
import random as _random
import tempfile as _tempfile
import unittest as _unittest
from unittest import mock  # noqa: F401  (tf.test.mock)

import numpy as _np

from .core import backend as _backend
from .core import context as _context

__all__ = []

_DEFAULT_GRAPH_SEED = 87654321
_cuda = None


def is_built_with_cuda():
    """True when CuPy can be imported, i.e. neuroflow can run on an NVIDIA GPU."""
    global _cuda
    if _cuda is None:
        try:
            import cupy  # noqa: F401
            _cuda = True
        except Exception:
            _cuda = False
    return _cuda


def is_built_with_gpu_support():
    return is_built_with_cuda()


def is_built_with_rocm():
    return False


def is_built_with_xla():
    return False


def _compute_capability():
    try:
        cap = _backend._load_cupy().cuda.Device(0).compute_capability  # e.g. "90"
        return int(cap[:-1]), int(cap[-1])
    except Exception:
        return (0, 0)


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """True when the CuPy backend is active and sees a GPU (of at least the given capability).

    Args:
      cuda_only: accepted for TF compatibility (neuroflow's only GPU backend is CUDA).
      min_cuda_compute_capability: a (major, minor) tuple, e.g. (3, 5).
    """
    if not _backend.gpu_available():
        return False
    if min_cuda_compute_capability is not None:
        return _compute_capability() >= tuple(min_cuda_compute_capability)
    return True


def gpu_device_name():
    """'/device:GPU:0' when the CuPy backend is active with a GPU, else ''."""
    return "/device:GPU:0" if _backend.gpu_available() else ""


def get_temp_dir():
    """A temporary folder for this process (``TEST_TMPDIR`` when set)."""
    d = _os.environ.get("TEST_TMPDIR")
    if not d:
        global _tmp
        try:
            d = _tmp
        except NameError:
            d = _tmp = _tempfile.mkdtemp(prefix="neuroflow_test_")
    return d


def main(argv=None):
    """Runs the tests of ``__main__`` (``tf.test.main()``)."""
    return _unittest.main(argv=argv)


def _is_evaluable(x):
    from .core.tensor import is_tensor
    from .core.variables import Variable
    return is_tensor(x) or isinstance(x, Variable)


class TestCase(_unittest.TestCase):
    """``tf.test.TestCase``: a ``unittest.TestCase`` with sessions and NumPy-array assertions.

    Tensors given to the assertions are evaluated (eagerly, or in the default/test session).
    """

    def setUp(self):
        super().setUp()
        from .core import graph as _graph
        _random.seed(_DEFAULT_GRAPH_SEED)
        _np.random.seed(_DEFAULT_GRAPH_SEED)
        self._cached_session = None
        if not _graph._default_stack:
            _graph.reset_default_graph()

    def tearDown(self):
        if getattr(self, "_cached_session", None) is not None:
            self._cached_session.close()
            self._cached_session = None
        super().tearDown()

    def get_temp_dir(self):
        return get_temp_dir()

    # ---------------------------------------------------------------- sessions
    @_contextlib.contextmanager
    def session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """A new Session on ``graph`` (default: the default graph), installed as the default."""
        from .core.session import Session
        with Session(graph=graph, config=config) as sess:
            yield sess

    @_contextlib.contextmanager
    def cached_session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """The same Session for the whole test method, installed as the default."""
        from .core.session import Session
        if self._cached_session is None or (graph is not None and self._cached_session.graph
                                            is not graph):
            self._cached_session = Session(graph=graph, config=config)
        with self._cached_session.as_default() as sess:
            yield sess

    def test_session(self, graph=None, config=None, use_gpu=False, force_gpu=False):
        """TF1's name for :meth:`cached_session`."""
        if self.id().endswith(".test_session"):  # collected as a test method: TF1 skips it too
            self.skipTest("test_session is reserved for creating sessions within tests.")
        return self.cached_session(graph, config, use_gpu, force_gpu)

    test_session.__test__ = False  # not a test for pytest/unittest discovery

    def evaluate(self, tensors):
        """NumPy values of ``tensors`` (a tensor, or a nested list/tuple/dict of them)."""
        from .core.session import get_default_session
        if isinstance(tensors, dict):
            return {k: self.evaluate(v) for k, v in tensors.items()}
        if isinstance(tensors, (list, tuple)):
            return type(tensors)(self.evaluate(t) for t in tensors)
        if not _is_evaluable(tensors):
            return tensors
        if not _context.state.graph_mode and getattr(tensors, "_value", None) is not None:
            return tensors.numpy()
        sess = get_default_session()
        if sess is not None:
            return sess.run(tensors)
        with self.cached_session() as sess:
            return sess.run(tensors)

    def _array(self, a):
        if _is_evaluable(a):
            a = self.evaluate(a)
        return _np.asarray(a)

    # ---------------------------------------------------------------- assertions
    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        """Asserts |a - b| <= atol + rtol * |b| elementwise (dicts are compared key by key)."""
        if isinstance(a, dict) and isinstance(b, dict):
            self.assertEqual(set(a), set(b), msg)
            for k in a:
                self.assertAllClose(a[k], b[k], rtol, atol, msg)
            return
        a, b = self._array(a), self._array(b)
        self.assertEqual(a.shape, b.shape, "Shape mismatch: expected %s, got %s. %s"
                         % (a.shape, b.shape, msg or ""))
        if a.dtype.kind in "biuf" and b.dtype.kind in "biuf" or a.dtype == b.dtype == object:
            _np.testing.assert_allclose(a.astype(_np.float64) if a.dtype != object else a,
                                        b.astype(_np.float64) if b.dtype != object else b,
                                        rtol=rtol, atol=atol, err_msg=msg or "", equal_nan=True)
        else:
            _np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNotAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):  # noqa: N802
        try:
            self.assertAllClose(a, b, rtol=rtol, atol=atol)
        except AssertionError:
            return
        raise AssertionError(msg or "The two values are close at all elements")

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6, float_rtol=1e-6,  # noqa: N802
                                      float_atol=1e-6, half_rtol=1e-3, half_atol=1e-3, msg=None):
        a, b = self._array(a), self._array(b)
        if _np.float32 in (a.dtype, b.dtype):
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if _np.float16 in (a.dtype, b.dtype):
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertAllEqual(self, a, b, msg=None):  # noqa: N802
        a, b = self._array(a), self._array(b)
        self.assertEqual(a.shape, b.shape, "Shape mismatch: expected %s, got %s. %s"
                         % (a.shape, b.shape, msg or ""))
        _np.testing.assert_array_equal(a, b, err_msg=msg or "")

    def assertNotAllEqual(self, a, b, msg=None):  # noqa: N802
        a, b = self._array(a), self._array(b)
        if a.shape == b.shape and _np.array_equal(a, b):
            raise AssertionError(msg or "Expected unequal arrays, got %s" % (a,))

    def assertAllGreater(self, a, comparison_target):  # noqa: N802
        self.assertGreater(self._array(a).min(), comparison_target)

    def assertAllLess(self, a, comparison_target):  # noqa: N802
        self.assertLess(self._array(a).max(), comparison_target)

    def assertAllGreaterEqual(self, a, comparison_target):  # noqa: N802
        self.assertGreaterEqual(self._array(a).min(), comparison_target)

    def assertAllLessEqual(self, a, comparison_target):  # noqa: N802
        self.assertLessEqual(self._array(a).max(), comparison_target)

    def assertAllInRange(self, target, lower_bound, upper_bound, open_lower_bound=False,  # noqa: N802
                         open_upper_bound=False):
        t = self._array(target)
        lo = t > lower_bound if open_lower_bound else t >= lower_bound
        hi = t < upper_bound if open_upper_bound else t <= upper_bound
        if not _np.all(lo & hi):
            raise AssertionError("%d of the %d element(s) are outside the range %s%s, %s%s"
                                 % (_np.sum(~(lo & hi)), t.size, "(" if open_lower_bound else "[",
                                    lower_bound, upper_bound, ")" if open_upper_bound else "]"))

    def assertArrayNear(self, farray1, farray2, err, msg=None):  # noqa: N802
        self.assertEqual(len(farray1), len(farray2), msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg)

    def assertNear(self, f1, f2, err, msg=None):  # noqa: N802
        self.assertTrue(abs(f1 - f2) <= err, "%f != %f +/- %f%s" % (f1, f2, err,
                                                                   " (%s)" % msg if msg else ""))

    def assertShapeEqual(self, np_array, tf_tensor, msg=None):  # noqa: N802
        self.assertEqual(list(_np.shape(np_array)), tf_tensor.get_shape().as_list(), msg)

    def assertDeviceEqual(self, device1, device2, msg=None):  # noqa: N802
        self.assertEqual(str(device1 or ""), str(device2 or ""), msg)

    def assertDTypeEqual(self, target, expected_dtype):  # noqa: N802
        from .core.dtypes import as_dtype
        self.assertEqual(as_dtype(self._array(target).dtype), as_dtype(expected_dtype))

    def assertRaisesOpError(self, expected_err_re_or_predicate):  # noqa: N802
        from .core.errors import OpError
        return self.assertRaisesWithPredicateMatch(OpError, expected_err_re_or_predicate)

    @_contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type, expected_err_re_or_predicate):  # noqa: N802
        import re
        pred = expected_err_re_or_predicate
        if not callable(pred):
            pattern = pred
            pred = lambda e: re.search(pattern, str(e)) is not None  # noqa: E731
        try:
            yield
        except exception_type as e:
            if not pred(e):
                raise AssertionError("Exception %r does not match %r"
                                     % (e, expected_err_re_or_predicate)) from e
        else:
            raise AssertionError("%s not raised" % exception_type.__name__)
