"""Smaller TF namespaces: tf.errors, tf.compat, tf.flags, tf.config's threading and memory
growth, tf.contrib.framework / slim scopes, tensorflow.python helpers, tf.test."""
import pytest

import neuroflow as tf

ERRORS = ["CancelledError", "UnknownError", "InvalidArgumentError", "DeadlineExceededError",
          "NotFoundError", "AlreadyExistsError", "PermissionDeniedError", "ResourceExhaustedError",
          "FailedPreconditionError", "AbortedError", "OutOfRangeError", "UnimplementedError",
          "InternalError", "UnavailableError", "DataLossError", "UnauthenticatedError"]
CODES = ["CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
         "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
         "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
         "UNAUTHENTICATED"]


@pytest.mark.parametrize("i", range(len(ERRORS)), ids=ERRORS)
def test_error_classes_carry_tf_codes(i):
    cls = getattr(tf.errors, ERRORS[i])
    e = cls(None, None, "boom")
    assert isinstance(e, tf.errors.OpError) and str(e) == e.message == "boom"
    assert e.error_code == getattr(tf.errors, CODES[i]) == i + 1
    assert e.node_def is None and e.op is None
    with pytest.raises(tf.errors.OpError, match="boom"):
        raise e
    assert tf.errors.OK == 0


def test_unsupported_names_raise_not_implemented():
    assert issubclass(tf.errors.Unsupported, NotImplementedError)


def test_compat_bytes_and_text():
    assert tf.compat.as_bytes("한글") == "한글".encode("utf-8")
    assert tf.compat.as_text(b"\xed\x95\x9c") == "한"
    assert tf.compat.as_text("s") == "s" and tf.compat.as_bytes(b"b") == b"b"
    with pytest.raises(TypeError):
        tf.compat.as_bytes(3)


def test_flags_required_and_unparsed_access():
    flags = tf.flags
    fv = flags.FlagValues()
    flags.DEFINE_integer("n_steps", None, "how many", flag_values=fv)
    flags.mark_flag_as_required("n_steps", flag_values=fv)
    # TF1's flags parse sys.argv on the first read (absl's own FlagValues would raise
    # UnparsedFlagAccessError, which stays available for except clauses)
    assert issubclass(flags.UnparsedFlagAccessError, flags.Error)
    fv(["prog"])
    with pytest.raises(flags.IllegalFlagValueError, match="n_steps"):
        fv.validate_all_flags()   # what tf.app.run checks after parsing
    fv(["prog", "--n_steps=3"])
    fv.validate_all_flags()
    assert fv.n_steps == 3
    assert tf.compat.v2.app.mark_flag_as_required is flags.mark_flag_as_required


def test_config_threading_and_memory_growth():
    th = tf.config.threading
    old = th.get_inter_op_parallelism_threads()
    try:
        th.set_inter_op_parallelism_threads(2)
        assert th.get_inter_op_parallelism_threads() == 2
    finally:
        th.set_inter_op_parallelism_threads(old)
    cpu = tf.config.list_physical_devices("CPU")[0]
    assert tf.config.experimental.get_memory_growth(cpu) is None
    with pytest.raises(ValueError, match="Cannot set memory growth on non-GPU"):
        tf.config.experimental.set_memory_growth(cpu, True)
    with pytest.raises(ValueError, match="Unrecognized device"):
        tf.config.experimental.set_memory_growth(
            tf.config.PhysicalDevice("/physical_device:GPU:9", "GPU"), True)


def test_contrib_framework_scopes(graph_mode):
    for mod in (tf.contrib.framework, tf.contrib.slim):
        assert mod.current_arg_scope() == {}
        with mod.arg_scope([tf.contrib.layers.fully_connected], activation_fn=None):
            scope = mod.current_arg_scope()
            assert any(v == {"activation_fn": None} for v in scope.values())
    loc = tf.get_variable("loc", [1], collections=[tf.GraphKeys.LOCAL_VARIABLES])
    tf.get_variable("glob", [1])
    assert tf.contrib.framework.get_local_variables() == [loc]
    assert tf.contrib.slim.get_local_variables(scope="other") == []


def test_tensorflow_python_helpers(graph_mode):
    ts = tf.python.framework.tensor_shape
    assert ts.as_shape([2, None]).as_list() == [2, None]
    assert ts.unknown_shape().ndims is None
    assert ts.unknown_shape(rank=2).as_list() == [None, None]
    assert tf.python.framework.tensor_util.constant_value(tf.constant([1, 2])).tolist() == [1, 2]
    assert tf.python.framework.tensor_util.constant_value(tf.placeholder(tf.float32)) is None
    utils = tf.python.layers.utils
    assert utils.constant_value(True) is True
    assert utils.smart_cond(True, lambda: 1, lambda: 2) == 1
    p = tf.placeholder(tf.bool, [])
    y = utils.smart_cond(p, lambda: tf.constant(1.0), lambda: tf.constant(2.0))
    with tf.Session() as sess:
        assert sess.run(y, {p: False}) == 2.0


def test_xla_is_not_built_in():
    assert tf.test.is_built_with_xla() is False
