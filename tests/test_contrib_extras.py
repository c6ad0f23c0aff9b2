"""tf.contrib.layers: sum_regularizer, layer_norm, conv3d and the 3-D pools."""
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


def test_contrib_conv3d_and_pools(graph_mode):
    """slim's conv3d (scope "Conv", SAME and relu by default) and max/avg_pool3d (stride 2,
    VALID, name scopes "MaxPool3D"/"AvgPool3D")."""
    x = tf.placeholder(tf.float32, [None, 4, 6, 6, 2])
    net = tf.contrib.layers.conv3d(x, 4, [3, 3, 3])
    assert net.shape.as_list() == [None, 4, 6, 6, 4]
    names = [v.name for v in tf.global_variables()]
    assert names == ["Conv/weights:0", "Conv/biases:0"]
    assert tf.get_collection(tf.GraphKeys.MODEL_VARIABLES) == tf.global_variables()
    assert tf.global_variables()[0].shape.as_list() == [3, 3, 3, 2, 4]
    p = tf.contrib.layers.max_pool3d(net, [2, 2, 2], outputs_collections="outs")
    assert p.shape.as_list() == [None, 2, 3, 3, 4] and p.op.name == "MaxPool3D/MaxPool3D"
    assert tf.get_collection("outs") == [p]
    a = tf.contrib.layers.avg_pool3d(net, 3, stride=1, padding="SAME", scope="avg")
    assert a.shape.as_list() == [None, 4, 6, 6, 4] and a.op.name.startswith("avg/")
    # arg_scope on conv2d does not reach conv3d (separate functions, as in TF)
    with tf.contrib.framework.arg_scope([tf.contrib.layers.conv2d], padding="VALID"):
        same = tf.contrib.layers.convolution3d(x, 2, 3, activation_fn=None, scope="c3")
    assert same.shape.as_list() == [None, 4, 6, 6, 2]
    with tf.contrib.framework.arg_scope([tf.contrib.layers.conv3d], padding="VALID"):
        valid = tf.contrib.layers.conv3d(x, 2, 3, scope="c3v")
    assert valid.shape.as_list() == [None, 2, 4, 4, 2]
    w, b = tf.global_variables()[:2]
    wants = [tf.nn.relu(tf.nn.conv3d(x, w, 1, "SAME") + b), tf.nn.max_pool3d(net, 2, 2, "VALID"),
             tf.nn.avg_pool3d(net, 3, 1, "SAME")]
    xv = np.random.RandomState(0).rand(2, 4, 6, 6, 2).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, want = sess.run([[net, p, a], wants], {x: xv})
    for g, e in zip(got, want):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_contrib_conv3d_options_and_errors(graph_mode):
    x = tf.placeholder(tf.float32, [None, 2, 4, 4, 3])       # NCDHW: 2 channels
    y = tf.contrib.layers.conv3d(x, 5, 2, stride=2, data_format="NCDHW", activation_fn=None,
                                 normalizer_fn=tf.contrib.layers.layer_norm)
    assert y.shape.as_list() == [None, 5, 2, 2, 2]   # SAME: ceil(size / 2)
    assert [v.name for v in tf.global_variables()] == ["Conv/weights:0", "Conv/LayerNorm/beta:0",
                                                       "Conv/LayerNorm/gamma:0"]
    pooled = tf.contrib.layers.max_pool3d(x, 2, stride=1, data_format="NCDHW")
    assert pooled.shape.as_list() == [None, 2, 3, 3, 2]
    with pytest.raises(ValueError, match="Convolution expects input with rank 5, got 4"):
        tf.contrib.layers.conv3d(tf.placeholder(tf.float32, [None, 4, 4, 3]), 2, 3)
    with pytest.raises(ValueError, match="data_format has to be either NCDHW or NDHWC"):
        tf.contrib.layers.avg_pool3d(x, 2, data_format="NHWC")
    assert "conv3d" in tf.contrib.layers.__all__ and "max_pool3d" in tf.contrib.layers.__all__
    assert tf.contrib.layers.convolution3d is tf.contrib.layers.conv3d


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
