"""tf.make_tensor_proto / tf.make_ndarray (and tf.contrib.util's), as TF-Serving clients use."""
import numpy as np
import pytest

import neuroflow as tf


def test_round_trip_keeps_dtype_shape_and_values():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    tp = tf.make_tensor_proto(x)
    assert list(tp.tensor_shape.dim[i].size for i in range(2)) == [2, 3]
    y = tf.make_ndarray(tp)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y, x)
    # Python numbers: float32 and int32, as TF converts them
    assert tf.make_ndarray(tf.make_tensor_proto([1.5, 2.0])).dtype == np.float32
    assert tf.make_ndarray(tf.make_tensor_proto([1, 2])).dtype == np.int32
    assert tf.make_ndarray(tf.make_tensor_proto([1, 2], dtype=tf.int64)).dtype == np.int64
    s = tf.make_ndarray(tf.make_tensor_proto([b"a", b"bc"]))
    assert s.tolist() == [b"a", b"bc"]
    assert tf.contrib.util.make_tensor_proto is tf.make_tensor_proto
    np.testing.assert_array_equal(tf.contrib.util.make_ndarray(tp), x)


def test_shape_argument_as_tf():
    np.testing.assert_array_equal(tf.make_ndarray(tf.make_tensor_proto(7.0, shape=[2, 2])),
                                  np.full((2, 2), 7.0, np.float32))
    # fewer values: the last one repeats (TensorProto semantics)
    np.testing.assert_array_equal(tf.make_ndarray(tf.make_tensor_proto([1, 2], shape=[4])),
                                  [1, 2, 2, 2])
    np.testing.assert_array_equal(
        tf.make_ndarray(tf.make_tensor_proto(np.arange(6), shape=[3, 2])), [[0, 1], [2, 3], [4, 5]])
    with pytest.raises(ValueError, match="Too many elements provided. Takes at most 2, but got 3"):
        tf.make_tensor_proto([1, 2, 3], shape=[2])
    with pytest.raises(TypeError, match=r"Expected Tensor's shape: \(3,\), but got \(2,\)"):
        tf.make_tensor_proto([1, 2], shape=[3], verify_shape=True)
    np.testing.assert_array_equal(
        tf.make_ndarray(tf.make_tensor_proto([5], shape=[2], allow_broadcast=True)), [5, 5])
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tf.make_tensor_proto([1, 2], shape=[3], allow_broadcast=True)


def test_contrib_util_constant_value_and_unsupported_contrib_modules(graph_mode):
    assert tf.contrib.util.constant_value(tf.constant([3, 4])).tolist() == [3, 4]
    with pytest.raises(NotImplementedError, match="tf.contrib.crf"):
        tf.contrib.crf
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        tf.contrib.nonexistent
