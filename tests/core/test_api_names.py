"""Top-level TF1 names around variables, collections and modes (neuroflow/_api.py,
core/variables.py, core/graph.py): each called, its TF behaviour asserted."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow.core import context


def test_variable_state_queries(graph_mode):
    v = tf.Variable([1.0, 2.0], name="v")
    w = tf.Variable(3.0, name="w")
    loc = tf.get_variable("loc", [2], collections=[tf.GraphKeys.LOCAL_VARIABLES],
                          initializer=tf.zeros_initializer())
    assert tf.all_variables() == tf.global_variables() == [v, w]
    assert loc not in tf.global_variables()
    check = tf.assert_variables_initialized()
    with tf.Session() as sess:
        assert not sess.run(tf.is_variable_initialized(v))
        assert list(sess.run(tf.report_uninitialized_variables())) == [b"v", b"w"]
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value v"):
            sess.run(check)
        sess.run(tf.variables_initializer([v]))
        assert sess.run(tf.is_variable_initialized(v))
        assert list(sess.run(tf.report_uninitialized_variables())) == [b"w"]
        sess.run(tf.initialize_all_variables())
        np.testing.assert_array_equal(sess.run(check), [1, 0])   # the variables' ranks
        assert sess.run(tf.assert_variables_initialized([w])) == 0
        with pytest.raises(tf.errors.FailedPreconditionError, match="loc"):
            sess.run(loc)
        sess.run(tf.local_variables_initializer())
        np.testing.assert_array_equal(sess.run(loc), [0.0, 0.0])
    assert tf.assert_variables_initialized([]) is None


def test_collections_and_moving_average_variables(graph_mode):
    c = tf.constant(1.0)
    tf.add_to_collections(["mine", "yours"], c)
    assert tf.get_collection("mine") == [c] and tf.get_collection("yours") == [c]
    ref = tf.get_collection_ref("mine")
    ref.append("extra")
    assert tf.get_collection("mine") == [c, "extra"]   # the ref is the collection itself
    v = tf.Variable(0.0, name="avg/v")
    tf.add_to_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES, v)
    assert tf.moving_average_variables() == [v]
    assert tf.moving_average_variables(scope="other") == []


def test_static_values_and_tensor_checks(graph_mode):
    assert tf.get_static_value(tf.constant([1, 2])).tolist() == [1, 2]
    assert tf.get_static_value(tf.placeholder(tf.float32)) is None
    assert tf.get_static_value(tf.shape(tf.placeholder(tf.float32, [2, 3]))).tolist() == [2, 3]
    assert tf.get_static_value(tf.shape(tf.placeholder(tf.float32, [None, 3]))) is None
    assert tf.get_static_value(tf.constant(1.0) + 1.0) is None   # an op's result: not folded
    assert tf.is_tensor(tf.constant(1.0)) and tf.is_tensor(tf.Variable(1.0))
    assert not tf.is_tensor(np.ones(2))
    with tf.init_scope():
        assert tf.constant(2.0).dtype == tf.float32


def test_dtype_and_operation_classes(graph_mode):
    assert isinstance(tf.float32, tf.DType) and tf.DType is type(tf.int64)
    assert tf.float32.as_numpy_dtype is np.float32
    y = tf.add(tf.constant(1.0), 2.0, name="sum")
    assert isinstance(y.op, tf.Operation) and y.op.type in ("Add", "AddV2")
    assert y.op.name == "sum"


def test_mode_switches():
    tf.disable_v2_behavior()
    assert not tf.executing_eagerly() and context.state.graph_mode
    tf.enable_v2_behavior()
    assert tf.executing_eagerly()
    tf.disable_eager_execution()
    assert not tf.executing_eagerly()
    tf.enable_eager_execution()
    assert tf.executing_eagerly()
    assert tf.constant(2.0).numpy() == 2.0


def test_print_function_is_python_print(capsys):
    tf.print_function("a", 1, sep="-")
    assert capsys.readouterr().out == "a-1\n"
