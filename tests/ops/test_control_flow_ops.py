"""tf.cond, tf.while_loop, tf.no_op, tf.group (neuroflow/ops/control_flow_ops.py)."""
import numpy as np
import pytest

import neuroflow as tf


def test_cond_on_a_fed_predicate_selects_at_run_time(graph_mode):
    p = tf.placeholder(tf.bool, [])
    x = tf.placeholder(tf.float32, [2])
    y = tf.cond(p, lambda: x * 2.0, lambda: x - 1.0)
    g, = tf.gradients(tf.reduce_sum(y), x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {p: True, x: [1.0, 3.0]}), [2.0, 6.0])
        np.testing.assert_allclose(sess.run(y, {p: False, x: [1.0, 3.0]}), [0.0, 2.0])
        # the gradient flows through the branch taken only
        np.testing.assert_allclose(sess.run(g, {p: True, x: [1.0, 3.0]}), [2.0, 2.0])
        np.testing.assert_allclose(sess.run(g, {p: False, x: [1.0, 3.0]}), [1.0, 1.0])


def test_cond_with_several_outputs_and_tf1_argument_names(graph_mode):
    p = tf.placeholder(tf.bool, [])
    a, b = tf.cond(p, fn1=lambda: (tf.constant(1), tf.constant(2.0)),
                   fn2=lambda: (tf.constant(3), tf.constant(4.0)))
    assert a.dtype == tf.int32 and b.dtype == tf.float32
    with tf.Session() as sess:
        assert sess.run([a, b], {p: False}) == [3, 4.0]


def test_cond_eager_calls_only_the_chosen_branch():
    calls = []

    def branch(v):
        def fn():
            calls.append(v)
            return tf.constant(v)
        return fn
    assert tf.cond(tf.constant(False), branch(1.0), branch(2.0)).numpy() == 2.0
    assert tf.cond(True, branch(3.0), branch(4.0)).numpy() == 3.0
    assert calls == [2.0, 3.0]


def test_while_loop_eager_and_maximum_iterations():
    i, total = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i),
                             [tf.constant(0), tf.constant(0)])
    assert (i.numpy(), total.numpy()) == (5, 10)
    n = tf.while_loop(lambda n: n < 100, lambda n: n * 2, tf.constant(1), maximum_iterations=3)
    assert n.numpy() == 8


def test_while_loop_over_fed_values_names_the_missing_api(graph_mode):
    x = tf.placeholder(tf.int32, [])
    with pytest.raises(NotImplementedError, match="tf.while_loop"):
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, [x])


def test_no_op_and_group_run_their_dependencies(graph_mode):
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    nop = tf.no_op(name="nothing")
    assert nop.type == "NoOp" and nop.name == "nothing"
    with tf.control_dependencies([inc]):
        step = tf.no_op()
    both = tf.group(inc, nop)
    assert both.type == "NoOp"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(nop) is None
        assert sess.run(v) == 0.0
        sess.run(step)
        sess.run(both)
        assert sess.run(v) == 2.0
