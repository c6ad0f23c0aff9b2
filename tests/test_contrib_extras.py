"""tf.contrib.layers: sum_regularizer, and the layers neuroflow does not have (clear errors)."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow.contrib import layers


def test_sum_regularizer_adds_penalties():
    w = tf.constant([[1.0, -2.0], [3.0, 0.5]])
    reg = layers.sum_regularizer([layers.l1_regularizer(0.5), None, layers.l2_regularizer(0.1)])
    # 0.5 * sum|w| + 0.1 * sum(w^2) / 2
    np.testing.assert_allclose(reg(w).numpy(), 0.5 * 6.5 + 0.1 * 14.25 / 2, rtol=1e-6)
    assert reg(w).dtype == tf.float32


def test_sum_regularizer_skips_none_penalties_and_names_op(graph_mode):
    w = tf.constant([1.0, -2.0])
    reg = layers.sum_regularizer([layers.l1_regularizer(0.0), layers.l1_regularizer(1.0),
                                  layers.l2_regularizer(1.0)])
    out = reg(w)
    assert out.op.name == "sum_regularizer"
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(out), 3.0 + 2.5)
    only_zero = layers.sum_regularizer([layers.l1_regularizer(0.0)])
    assert only_zero(w) is None    # every penalty was None


def test_sum_regularizer_of_nothing_is_none():
    """TF returns None (no regularizer) when the list is empty or all None."""
    assert layers.sum_regularizer([]) is None
    assert layers.sum_regularizer([None, None]) is None


@pytest.mark.parametrize("name, args", [
    ("layer_norm", ([[1.0, 2.0]],)),
    ("conv3d", (np.zeros((1, 4, 4, 4, 1), np.float32), 2, 3)),
    ("max_pool3d", (np.zeros((1, 4, 4, 4, 1), np.float32), 2)),
    ("avg_pool3d", (np.zeros((1, 4, 4, 4, 1), np.float32), 2)),
])
def test_missing_layers_raise_naming_the_api(name, args):
    fn = getattr(tf.contrib.layers, name)
    assert fn.__name__ == name and name in tf.contrib.layers.__all__
    with pytest.raises(NotImplementedError, match=r"tf\.contrib\.layers\.%s is not supported"
                       % name):
        fn(tf.constant(args[0]), *args[1:])
