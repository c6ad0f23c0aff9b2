"""TF1 CNN front doors: tf.layers conv/pool/batch norm and tf.contrib.layers (slim), and a short
CNN training run that learns."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow.loaders.datasets import load_digits


def _names():
    return [v.name for v in tf.global_variables()]


def _types():
    return [op.type for op in tf.get_default_graph().get_operations()]


# ==================================================================== tf.layers.conv2d
def test_conv2d_variables_and_shapes(graph_mode):
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    y = tf.layers.conv2d(x, 32, [3, 3], padding="SAME", activation=tf.nn.relu)
    z = tf.layers.conv2d(y, 64, 3, strides=2)
    assert y.shape.as_list() == [None, 28, 28, 32]
    assert z.shape.as_list() == [None, 13, 13, 64]
    assert _names() == ["conv2d/kernel:0", "conv2d/bias:0", "conv2d_1/kernel:0",
                        "conv2d_1/bias:0"]
    k = tf.global_variables()[0]
    assert k.shape.as_list() == [3, 3, 1, 32]
    assert len(tf.trainable_variables()) == 4


def test_conv2d_relu_is_one_fused_op(graph_mode):
    x = tf.placeholder(tf.float32, [None, 8, 8, 3])
    tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    types = _types()
    assert types.count("_FusedConv2D") == 1
    assert "BiasAdd" not in types and "Relu" not in types


def test_conv2d_values_match_nn_ops():
    rng = np.random.RandomState(0)
    x = rng.randn(2, 7, 6, 3).astype(np.float32)
    layer = tf.layers.Conv2D(5, (3, 2), strides=(2, 1), padding="same", activation="relu",
                             bias_initializer=tf.constant_initializer(0.3))
    y = layer(x)
    want = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, layer.kernel, [1, 2, 1, 1], "SAME"),
                                     layer.bias))
    np.testing.assert_allclose(y.numpy(), want.numpy(), rtol=1e-5, atol=1e-6)
    assert layer.kernel.name == "conv2d/kernel:0"
    assert layer.compute_output_shape(tf.TensorShape([2, 7, 6, 3])).as_list() == [2, 4, 6, 5]
    assert layer.get_config()["kernel_size"] == (3, 2)


def test_conv2d_channels_first_and_reuse(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3, 8, 8])
    y = tf.layers.conv2d(x, 4, 3, data_format="channels_first", name="c")
    y2 = tf.layers.conv2d(x, 4, 3, data_format="channels_first", name="c", reuse=True)
    assert y.shape.as_list() == [None, 4, 6, 6] and y2.shape.as_list() == [None, 4, 6, 6]
    assert _names() == ["c/kernel:0", "c/bias:0"]
    xv = np.random.rand(2, 3, 8, 8).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b, k, bias = sess.run([y, y2] + tf.global_variables(), {x: xv})
    np.testing.assert_array_equal(a, b)
    last = _valid_conv(xv.transpose(0, 2, 3, 1), k) + bias
    np.testing.assert_allclose(a, last.transpose(0, 3, 1, 2), rtol=1e-5, atol=1e-5)


def _valid_conv(x, w):
    kh, kw = w.shape[:2]
    Ho, Wo = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    return sum(np.einsum("nhwc,co->nhwo", x[:, i:i + Ho, j:j + Wo], w[i, j])
               for i in range(kh) for j in range(kw))


def test_conv2d_argument_errors(graph_mode):
    x = tf.placeholder(tf.float32, [None, 8, 8, 3])
    with pytest.raises(ValueError, match="`padding`"):
        tf.layers.conv2d(x, 4, 3, padding="full")
    with pytest.raises(ValueError, match="kernel_size"):
        tf.layers.conv2d(x, 4, (3, 3, 3))
    with pytest.raises(ValueError, match="expected ndim=4"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 8, 3]), 4, 3)
    with pytest.raises(ValueError, match="channel dimension"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 8, 8, None]), 4, 3)


def test_conv1d_transpose_separable():
    rng = np.random.RandomState(0)
    x1 = rng.randn(2, 10, 3).astype(np.float32)
    y1 = tf.layers.conv1d(x1, 4, 3, padding="same")
    assert y1.shape.as_list() == [2, 10, 4]
    x = rng.randn(2, 5, 5, 3).astype(np.float32)
    layer = tf.layers.Conv2DTranspose(6, 3, strides=2, padding="valid")
    y = layer(x)
    assert y.shape.as_list() == [2, 11, 11, 6]
    assert layer.kernel.shape.as_list() == [3, 3, 6, 3]
    want = tf.nn.conv2d_transpose(x, layer.kernel, [2, 11, 11, 6], [1, 2, 2, 1], "VALID")
    np.testing.assert_allclose(y.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    assert tf.layers.conv2d_transpose(x, 2, 3, 2, "same").shape.as_list() == [2, 10, 10, 2]
    sep = tf.layers.SeparableConv2D(8, 3, depth_multiplier=2, padding="same")
    assert sep(x).shape.as_list() == [2, 5, 5, 8]
    assert [w.shape.as_list() for w in sep.weights] == [[3, 3, 3, 2], [1, 1, 6, 8], [8]]
    assert tf.layers.separable_conv2d(x, 4, 3).shape.as_list() == [2, 3, 3, 4]


# ==================================================================== pooling
def test_pooling_layers():
    x = np.random.RandomState(0).rand(2, 7, 7, 3).astype(np.float32)
    y = tf.layers.max_pooling2d(x, pool_size=[2, 2], padding="SAME", strides=2)
    np.testing.assert_array_equal(y.numpy(), tf.nn.max_pool(x, 2, 2, "SAME").numpy())
    assert tf.layers.max_pooling2d(x, 2, 2).shape.as_list() == [2, 3, 3, 3]
    a = tf.layers.average_pooling2d(x, 3, 1, padding="same")
    np.testing.assert_allclose(a.numpy(), tf.nn.avg_pool(x, 3, 1, "SAME").numpy())
    x1 = x[:, 0]
    assert tf.layers.max_pooling1d(x1, 2, 2).shape.as_list() == [2, 3, 3]
    assert tf.layers.average_pooling1d(x1, 3, 1, "same").shape.as_list() == [2, 7, 3]
    p = tf.layers.MaxPooling2D(2, data_format="channels_first")
    assert p(x.transpose(0, 3, 1, 2)).shape.as_list() == [2, 3, 3, 3]
    assert p.compute_output_shape(tf.TensorShape([2, 3, 7, 7])).as_list() == [2, 3, 3, 3]
    assert tf.layers.MaxPool2D is tf.layers.MaxPooling2D


# ==================================================================== batch normalization
def test_batch_normalization_training_and_updates(graph_mode):
    x = tf.placeholder(tf.float32, [None, 4, 4, 3])
    y = tf.layers.batch_normalization(x, training=True, momentum=0.9)
    assert _names() == ["batch_normalization/gamma:0", "batch_normalization/beta:0",
                        "batch_normalization/moving_mean:0",
                        "batch_normalization/moving_variance:0"]
    assert len(tf.trainable_variables()) == 2
    ups = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(ups) == 2
    xv = (np.random.RandomState(0).randn(5, 4, 4, 3) * 3 + 2).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        yv, _ = sess.run([y, ups], {x: xv})
        mm, mv = sess.run(tf.global_variables()[2:])
    np.testing.assert_allclose(yv.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(yv.std(axis=(0, 1, 2)), 1, atol=1e-3)
    n = 5 * 4 * 4
    np.testing.assert_allclose(mm, 0.1 * xv.mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(mv, 0.9 + 0.1 * xv.var(axis=(0, 1, 2)) * n / (n - 1), rtol=1e-5)


def test_batch_normalization_fed_training_flag(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3])
    training = tf.placeholder(tf.bool)
    y = tf.layers.batch_normalization(x, training=training, momentum=0.5)
    ups = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    xv = np.random.RandomState(1).randn(8, 3).astype(np.float32) + 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        yi, _ = sess.run([y, ups], {x: xv, training: False})
        np.testing.assert_allclose(yi, xv / np.sqrt(1 + 1e-3), rtol=1e-5)  # moving stats: 0, 1
        assert np.all(sess.run(tf.global_variables()[2]) == 0)            # no update
        sess.run(ups, {x: xv, training: True})
        # rank 2: the moving variance takes the batch's biased variance (not the fused kernel)
        mm, mv = sess.run(tf.global_variables()[2:])
    np.testing.assert_allclose(mm, 0.5 * xv.mean(0), rtol=1e-5)
    np.testing.assert_allclose(mv, 0.5 + 0.5 * xv.var(0), rtol=1e-5)


def test_batch_normalization_inference_and_axis():
    x = np.random.RandomState(2).randn(2, 3, 4, 4).astype(np.float32)
    layer = tf.layers.BatchNormalization(axis=1, center=False, scale=False)
    y = layer(x, training=False)
    np.testing.assert_allclose(y.numpy(), x / np.sqrt(1 + 1e-3), rtol=1e-5)
    assert [v.name.split("/")[-1] for v in layer.weights] == ["moving_mean:0",
                                                              "moving_variance:0"]
    layer(x, training=True)  # eager: the moving statistics update at once
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.01 * x.mean(axis=(0, 2, 3)),
                               rtol=1e-4, atol=1e-7)


def test_batch_normalization_trains_with_update_ops(graph_mode):
    x = tf.placeholder(tf.float32, [None, 6, 6, 2])
    h = tf.layers.batch_normalization(tf.layers.conv2d(x, 4, 3), training=True)
    loss = tf.reduce_mean(tf.square(h - 1.0))
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(0.1).minimize(loss)  # slots made outside the deps
    xv = np.random.RandomState(3).rand(8, 6, 6, 2).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xv})
        for _ in range(20):
            sess.run(train, {x: xv})
        assert sess.run(loss, {x: xv}) < first * 0.5
        assert np.any(sess.run(tf.global_variables()[4]) != 0)  # moving_mean moved


# ==================================================================== tf.contrib.layers / slim
def test_contrib_conv2d_and_pools(graph_mode):
    x = tf.placeholder(tf.float32, [None, 8, 8, 3])
    net = tf.contrib.layers.conv2d(x, 16, [3, 3])
    assert net.shape.as_list() == [None, 8, 8, 16]  # SAME by default
    assert _names() == ["Conv/weights:0", "Conv/biases:0"]
    assert tf.get_collection(tf.GraphKeys.MODEL_VARIABLES) == tf.global_variables()
    assert _types().count("_FusedConv2D") == 1
    p = tf.contrib.layers.max_pool2d(net, [2, 2])
    assert p.shape.as_list() == [None, 4, 4, 16]
    assert p.op.name == "MaxPool2D/MaxPool"
    assert tf.contrib.layers.avg_pool2d(net, 3, stride=1, padding="SAME").shape.as_list() == \
        [None, 8, 8, 16]
    with tf.contrib.framework.arg_scope([tf.contrib.slim.conv2d], padding="VALID",
                                        activation_fn=None):
        v = tf.contrib.slim.conv2d(net, 4, 3, scope="v")
    assert v.shape.as_list() == [None, 6, 6, 4] and "v/weights:0" in _names()
    t = tf.contrib.layers.conv2d_transpose(net, 2, 3, stride=2)
    assert t.shape.as_list() == [None, 16, 16, 2]
    assert tf.contrib.layers.separable_conv2d(x, 5, 3, 2).shape.as_list() == [None, 8, 8, 5]


def test_contrib_batch_norm(graph_mode):
    x = tf.placeholder(tf.float32, [None, 4, 4, 3])
    is_training = tf.placeholder(tf.bool)
    net = tf.contrib.layers.conv2d(x, 8, 3, normalizer_fn=tf.contrib.layers.batch_norm,
                                   normalizer_params={"is_training": is_training})
    assert _names() == ["Conv/weights:0", "Conv/BatchNorm/beta:0", "Conv/BatchNorm/moving_mean:0",
                        "Conv/BatchNorm/moving_variance:0"]
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2
    y = tf.contrib.layers.batch_norm(x, decay=0.5, updates_collections=None, scale=True)
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2  # applied in place instead
    xv = np.random.RandomState(0).rand(4, 4, 4, 3).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(net, {x: xv, is_training: True})
        sess.run(y, {x: xv})
        mm = sess.run(tf.get_default_graph().get_tensor_by_name("BatchNorm/moving_mean:0"))
    np.testing.assert_allclose(mm, 0.5 * xv.mean(axis=(0, 1, 2)), rtol=1e-5)


# ==================================================================== a short run that learns
def test_cnn_learns_digits(graph_mode):
    images, labels = load_digits()
    xs = (images[:600, :, :, None] / 16.0).astype(np.float32)
    ys = np.eye(10, dtype=np.float32)[labels[:600]]
    tf.set_random_seed(777)
    X = tf.placeholder(tf.float32, [None, 8, 8, 1])
    Y = tf.placeholder(tf.float32, [None, 10])
    training = tf.placeholder(tf.bool)
    h = tf.layers.conv2d(X, 16, [3, 3], padding="SAME", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, [2, 2], padding="SAME", strides=2)
    h = tf.layers.conv2d(h, 32, [3, 3], padding="SAME", activation=tf.nn.relu)
    h = tf.layers.max_pooling2d(h, [2, 2], padding="SAME", strides=2)
    h = tf.layers.dropout(tf.reshape(h, [-1, 2 * 2 * 32]), 0.3, training=training)
    logits = tf.layers.dense(h, 10)
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    train = tf.train.AdamOptimizer(0.01).minimize(cost)
    acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1)), tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(10):
            for i in range(0, 600, 50):
                sess.run(train, {X: xs[i:i + 50], Y: ys[i:i + 50], training: True})
        test_x = (images[600:1000, :, :, None] / 16.0).astype(np.float32)
        test_y = np.eye(10, dtype=np.float32)[labels[600:1000]]
        accuracy = sess.run(acc, {X: test_x, Y: test_y, training: False})
        assert accuracy > 0.9


def test_aliases():
    assert tf.layers.Convolution2D is tf.layers.Conv2D
    assert tf.layers.Convolution1D is tf.layers.Conv1D
    assert tf.layers.Convolution2DTranspose is tf.layers.Conv2DTranspose
    assert tf.layers.MaxPool1D is tf.layers.MaxPooling1D
    assert tf.layers.AvgPool1D is tf.layers.AveragePooling1D
    assert tf.layers.AvgPool2D is tf.layers.AveragePooling2D
    cl = tf.contrib.layers
    assert cl.convolution2d is cl.conv2d and cl.convolution is cl.conv2d
    assert cl.convolution1d is cl.conv1d is cl.conv2d
    assert cl.convolution2d_transpose is cl.conv2d_transpose
    assert cl.separable_convolution2d is cl.separable_conv2d
    x = np.random.rand(2, 9, 3).astype(np.float32)
    y = cl.conv1d(x, 4, 3, padding="VALID", activation_fn=None)
    assert y.shape.as_list() == [2, 7, 4]
    with pytest.raises(ValueError, match="rank 2"):
        cl.conv2d(np.zeros((2, 3), np.float32), 4, 3)
