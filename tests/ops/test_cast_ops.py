"""Casts (neuroflow/ops/cast_ops.py)."""
import numpy as np

import neuroflow as tf


def test_cast():
    x = tf.constant([-1.7, -0.5, 0.5, 1.7])
    np.testing.assert_array_equal(tf.cast(x, tf.int32).numpy(), [-1, 0, 0, 1])  # toward zero
    assert tf.cast(x, tf.float32) is x
    for fn, dt in [(tf.to_float, tf.float32), (tf.to_double, tf.float64), (tf.to_int32, tf.int32),
                   (tf.to_int64, tf.int64)]:
        assert fn(tf.constant([1, 2], tf.int16)).dtype == dt
    assert tf.to_bfloat16(x).dtype == tf.bfloat16
    assert tf.cast([True, False], tf.float32).numpy().tolist() == [1.0, 0.0]
    x64 = tf.constant([1.0, 2.0, 3.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x64)
        y = tf.cast(tf.cast(x64, tf.float32) * 2.0, tf.float64)
    g = tape.gradient(y, x64)
    assert g.dtype == tf.float64 and g.numpy().tolist() == [2.0, 2.0, 2.0]
    p = tf.placeholder(tf.float32, [3])
    assert tf.gradients(tf.cast(tf.cast(p, tf.int32), tf.float32), p) == [None]


def test_saturate_cast():
    np.testing.assert_array_equal(tf.saturate_cast([-300.0, 12.7, 300.0], tf.uint8).numpy(),
                                  [0, 12, 255])
    np.testing.assert_array_equal(tf.saturate_cast(tf.constant([-2**20, 5]), tf.int16).numpy(),
                                  [-32768, 5])
