"""tf.Print and tf.assert_equal (neuroflow/ops/logging_ops.py): they act when the graph runs."""
import numpy as np
import pytest

import neuroflow as tf


def test_print_writes_at_every_run_in_tf1_format(graph_mode, capfd):
    x = tf.placeholder(tf.float32, [None])
    y = tf.Print(x * 2.0, [x, tf.shape(x)], "x: ")
    z = tf.Print(y, [tf.constant([True, False])], summarize=-1, first_n=1)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {x: [0.5, 1.0, 2.0, 4.0]}), [1.0, 2.0, 4.0, 8.0])
        sess.run(y, {x: [1.0 / 3.0]})
        sess.run(z, {x: [1.0]})
        sess.run(z, {x: [1.0]})     # first_n=1: the second run prints nothing for z
    err = capfd.readouterr().err.splitlines()
    # three values, then "...": TF1's summarize default; floats as StrCat writes them
    assert err == ["x: [0.5 1 2...][4]", "x: [0.333333343][1]", "x: [1][1]", "[1 0]",
                   "x: [1][1]"]


def test_print_passes_the_gradient_and_prints_eagerly(capfd):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.Print(x * x, ["sum", tf.reduce_sum(x)], message="m "))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0])
    assert capfd.readouterr().err == "m [sum][3]\n"


def test_assert_equal_raises_when_run(graph_mode):
    x = tf.placeholder(tf.int32, [None])
    check = tf.assert_equal(tf.shape(x)[0], 3, message="three rows")
    with tf.control_dependencies([check]):
        y = tf.identity(x)
    assert check.type == "Assert"
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: [1, 2, 3]}), [1, 2, 3])
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"assertion failed: \[three rows\] \[Condition x == y did not "
                                 r"hold element-wise:\] \[x \(strided_slice:0\) = \] \[2\]"):
            sess.run(y, {x: [1, 2]})


def test_assert_equal_eager_checks_at_once():
    assert tf.assert_equal(tf.constant([1, 2]), [1, 2]) is None
    with pytest.raises(tf.errors.InvalidArgumentError, match="did not hold"):
        tf.assert_equal(tf.constant([1, 2]), [1, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="did not hold"):
        tf.assert_equal(tf.constant([1, 2]), [1, 2, 3])
