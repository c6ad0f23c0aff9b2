"""TF1 reads a variable when the reading op runs: after the writes it depends on."""
import numpy as np

import neuroflow as tf


def test_reads_under_control_dependencies_see_the_write(graph_mode):
    w = tf.Variable([1.0, 2.0], name="w")
    step = tf.assign_add(w, [1.0, 1.0])
    with tf.control_dependencies([step]):
        after = tf.identity(w)
        doubled = w * 2.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(after), [2.0, 3.0])
        np.testing.assert_array_equal(sess.run(doubled), [6.0, 8.0])   # one more step: 3, 4
        np.testing.assert_array_equal(sess.run(w), [3.0, 4.0])


def test_read_before_the_write_keeps_the_old_value(graph_mode):
    w = tf.Variable(1.0)
    before = tf.identity(w)
    with tf.control_dependencies([before]):
        step = tf.assign(w, 5.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        old, _ = sess.run([before, step])
        assert old == 1.0 and sess.run(w) == 5.0
