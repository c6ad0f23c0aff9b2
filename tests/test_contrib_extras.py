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


def _ln_reference(x, axes):
    m = x.mean(axis=axes, keepdims=True)
    return (x - m) / np.sqrt(x.var(axis=axes, keepdims=True) + 1e-12)


def test_layer_norm_normalizes_each_example_and_makes_beta_gamma(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3, 4])
    y = tf.contrib.layers.layer_norm(x)
    z = tf.contrib.layers.layer_norm(x, begin_norm_axis=-1, scope="last")
    names = [v.name for v in tf.global_variables()]
    assert names == ["LayerNorm/beta:0", "LayerNorm/gamma:0", "last/beta:0", "last/gamma:0"]
    assert [v.name for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)] == names
    assert tf.global_variables()[0].shape.as_list() == [4]
    assert y.shape.as_list() == [None, 3, 4]
    xv = np.random.default_rng(0).random((2, 3, 4)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([y, z], {x: xv})
    np.testing.assert_allclose(a, _ln_reference(xv, (1, 2)), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(b, _ln_reference(xv, (2,)), rtol=1e-4, atol=1e-5)


def test_layer_norm_options_reuse_and_training(graph_mode):
    x = tf.constant(np.random.default_rng(1).random((4, 6)).astype(np.float32))
    coll = {"beta": ["my_betas"]}
    y = tf.contrib.layers.layer_norm(x, center=False, activation_fn=tf.nn.relu, scope="ln",
                                     variables_collections=coll, outputs_collections="outs")
    assert [v.name for v in tf.global_variables()] == ["ln/gamma:0"]
    assert tf.get_collection("my_betas") == [] and tf.get_collection("outs") == [y]
    tf.contrib.layers.layer_norm(x, center=False, scope="ln", reuse=True)
    assert len(tf.global_variables()) == 1
    h = tf.contrib.layers.fully_connected(x, 3, normalizer_fn=tf.contrib.layers.layer_norm)
    loss = tf.reduce_sum(tf.square(h - 1.0))
    train = tf.train.GradientDescentOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss)
        for _ in range(5):
            sess.run(train)
        assert sess.run(loss) < first
        assert np.all(sess.run(y) >= 0)


def test_layer_norm_errors(graph_mode):
    with pytest.raises(ValueError, match=r"begin_params_axis \(2\) and begin_norm_axis \(1\) "
                                         r"must be < rank\(inputs\) \(2\)"):
        tf.contrib.layers.layer_norm(tf.zeros([2, 3]), begin_params_axis=2)
    with pytest.raises(ValueError, match="is not fully defined"):
        tf.contrib.layers.layer_norm(tf.placeholder(tf.float32, [2, None]))
    with pytest.raises(ValueError, match="has undefined rank"):
        tf.contrib.layers.layer_norm(tf.placeholder(tf.float32))
