import numpy as np
import pytest

import neuroflow as tf


def _run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def test_dense_variable_names_shapes_and_count(graph_mode):
    x = tf.placeholder(tf.float32, [None, 4])
    h = tf.layers.dense(x, 8, activation=tf.nn.relu)
    y = tf.layers.dense(h, 3)
    assert [v.name for v in tf.global_variables()] == [
        "dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"]
    assert len(tf.trainable_variables()) == 4
    assert tf.global_variables()[0].shape.as_list() == [4, 8]
    assert tf.global_variables()[1].shape.as_list() == [8]
    assert h.shape.as_list() == [None, 8] and y.shape.as_list() == [None, 3]
    assert h.name == "dense/Relu:0" and y.name == "dense_1/BiasAdd:0"


def test_dense_matches_numpy_and_bias_starts_at_zero(graph_mode):
    x = tf.placeholder(tf.float64, [None, 4])
    y = tf.layers.dense(x, 3, activation=tf.nn.relu, name="fc")
    xv = np.random.RandomState(0).randn(5, 4)
    out, W, b = _run([y, "fc/kernel:0", "fc/bias:0"], {x: xv})
    assert W.dtype == np.float64 and not b.any()
    np.testing.assert_allclose(out, np.maximum(xv @ W + b, 0), rtol=1e-12)
    limit = np.sqrt(6 / 7)
    assert np.abs(W).max() <= limit


def test_dense_rank3_contracts_last_axis(graph_mode):
    x = tf.placeholder(tf.float32, [None, 5, 4])
    y = tf.layers.dense(x, 6)
    assert y.shape.as_list() == [None, 5, 6]
    xv = np.random.RandomState(1).rand(2, 5, 4).astype(np.float32)
    out, W, b = _run([y, "dense/kernel:0", "dense/bias:0"], {x: xv})
    np.testing.assert_allclose(out, xv @ W + b, rtol=1e-5, atol=1e-6)
    # unknown inner dims: batched product instead of one reshape
    z = tf.placeholder(tf.float32, [None, None, 4])
    yz = tf.layers.dense(z, 2)
    out = _run(yz, {z: xv})
    assert out.shape == (2, 5, 2)


def test_dense_gradients_flow_to_both_variables(graph_mode):
    x = tf.placeholder(tf.float64, [None, 3])
    y = tf.layers.dense(x, 2)
    loss = tf.reduce_sum(y * y)
    W, b = tf.trainable_variables()
    gW, gb = tf.gradients(loss, [W, b])
    xv = np.random.RandomState(2).randn(4, 3)
    out, gWv, gbv = _run([y, gW, gb], {x: xv})
    np.testing.assert_allclose(gWv, xv.T @ (2 * out), rtol=1e-10)
    np.testing.assert_allclose(gbv, (2 * out).sum(0), rtol=1e-10)


def test_dense_name_reuse_and_errors(graph_mode):
    x = tf.placeholder(tf.float32, [None, 4])
    tf.layers.dense(x, 3, name="fc")
    with pytest.raises(ValueError, match="Variable fc/kernel already exists, disallowed"):
        tf.layers.dense(x, 3, name="fc")
    y = tf.layers.dense(x, 3, name="fc", reuse=True)
    assert len(tf.global_variables()) == 2
    assert y.name.startswith("fc_")
    with pytest.raises(ValueError, match="The last dimension of the inputs to `Dense` should be defined"):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 3)
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        tf.layers.dense(tf.placeholder(tf.float32, [4]), 3)


def test_dense_inside_variable_scope_and_auto_reuse(graph_mode):
    x = tf.placeholder(tf.float32, [None, 4])

    def net(inp):
        with tf.variable_scope("model", reuse=tf.AUTO_REUSE):
            return tf.layers.dense(inp, 2, name="out")
    a, b = net(x), net(x)
    assert [v.name for v in tf.global_variables()] == ["model/out/kernel:0", "model/out/bias:0"]
    xv = np.ones((1, 4), np.float32)
    va, vb = _run([a, b], {x: xv})
    np.testing.assert_array_equal(va, vb)


def test_dense_object_reuses_variables_on_second_call(graph_mode):
    layer = tf.layers.Dense(3, activation="relu", use_bias=False,
                            kernel_initializer=tf.ones_initializer())
    x1 = tf.placeholder(tf.float32, [None, 2])
    x2 = tf.placeholder(tf.float32, [None, 2])
    y1, y2 = layer(x1), layer.apply(x2)
    assert layer.kernel.name == "dense/kernel:0" and layer.bias is None
    assert layer.variables == [layer.kernel] and layer.trainable_weights == [layer.kernel]
    assert len(tf.global_variables()) == 1 and layer.count_params() == 6
    assert y1.name == "dense/Relu:0" and y2.name == "dense/Relu_1:0"
    a, b = _run([y1, y2], {x1: [[1, 2]], x2: [[-1, -2]]})
    np.testing.assert_array_equal(a, [[3, 3, 3]])
    np.testing.assert_array_equal(b, [[0, 0, 0]])
    assert layer.name == "dense" and layer.scope_name == "dense"


def test_dense_regularizers_and_non_trainable(graph_mode):
    x = tf.placeholder(tf.float32, [None, 2])
    reg = lambda w: tf.reduce_sum(tf.abs(w))  # noqa: E731
    tf.layers.dense(x, 2, kernel_regularizer=reg, bias_regularizer=reg, activity_regularizer=reg,
                    kernel_initializer=tf.ones_initializer(), trainable=False)
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 3
    assert tf.trainable_variables() == [] and len(tf.global_variables()) == 2
    vals = _run(losses, {x: [[1.0, 1.0]]})
    assert vals[0] == 4.0 and vals[1] == 0.0 and vals[2] == 4.0


def test_training_tiny_model_with_dense_lowers_loss(graph_mode):
    rng = np.random.RandomState(0)
    xs = rng.randn(64, 2).astype(np.float32)
    ys = (xs[:, :1] * xs[:, 1:] > 0).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 1])
    h = tf.layers.dense(x, 16, activation=tf.nn.tanh)
    logits = tf.layers.dense(h, 1)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: ys})
        for _ in range(150):
            sess.run(train, {x: xs, y: ys})
        last = sess.run(loss, {x: xs, y: ys})
    assert last < 0.7 * first


def test_dropout_static_flag(graph_mode):
    x = tf.placeholder(tf.float32, [None, 1000])
    off = tf.layers.dropout(x, rate=0.3)  # training=False by default: identity
    on = tf.layers.dropout(x, rate=0.3, training=True)
    xv = np.ones((2, 1000), np.float32)
    a, b = _run([off, on], {x: xv})
    np.testing.assert_array_equal(a, xv)
    assert set(np.unique(b)) <= {0.0, np.float32(1 / 0.7)}
    assert abs((b == 0).mean() - 0.3) < 0.05


def test_dropout_fed_training_placeholder(graph_mode):
    x = tf.placeholder(tf.float32, [None, 1000])
    training = tf.placeholder(tf.bool)
    y = tf.layers.dropout(x, rate=0.5, training=training)
    xv = np.full((2, 1000), 3.0, np.float32)
    with tf.Session() as sess:
        test = sess.run(y, {x: xv, training: False})
        train1 = sess.run(y, {x: xv, training: True})
        train2 = sess.run(y, {x: xv, training: True})
    np.testing.assert_array_equal(test, xv)
    assert set(np.unique(train1)) == {0.0, 6.0}
    assert abs((train1 == 0).mean() - 0.5) < 0.05
    assert not np.array_equal(train1, train2)  # a new mask every run


def test_dropout_placeholder_with_default_and_gradient(graph_mode):
    x = tf.placeholder(tf.float64, [None, 50])
    training = tf.placeholder_with_default(False, shape=())
    layer = tf.layers.Dropout(0.5)
    y = layer(x, training=training)
    g = tf.gradients(tf.reduce_sum(y), x)[0]
    xv = np.ones((3, 50))
    with tf.Session() as sess:
        yv, gv = sess.run([y, g], {x: xv})
        np.testing.assert_array_equal(yv, xv)
        np.testing.assert_array_equal(gv, np.ones_like(xv))
        yv, gv = sess.run([y, g], {x: xv, training: True})
        np.testing.assert_array_equal(gv, yv)  # d(sum(x * mask * 2))/dx = mask * 2 = y for x = 1
    assert layer.variables == [] and tf.global_variables() == []


def test_dropout_eager_flags():
    x = tf.ones([4, 100])
    np.testing.assert_array_equal(tf.layers.dropout(x, 0.5, training=False).numpy(), np.ones((4, 100)))
    y = tf.layers.dropout(x, 0.5, training=tf.constant(True)).numpy()
    assert set(np.unique(y)) == {0.0, 2.0}


def test_flatten(graph_mode):
    x = tf.placeholder(tf.float32, [None, 2, 3, 4])
    y = tf.layers.flatten(x)
    assert y.shape.as_list() == [None, 24]
    z = tf.placeholder(tf.float32, [None, None, 3])
    fz = tf.layers.Flatten()(z)
    cf = tf.layers.flatten(x, data_format="channels_first")
    xv = np.arange(48, dtype=np.float32).reshape(2, 2, 3, 4)
    a, b, c = _run([y, fz, cf], {x: xv, z: xv.reshape(2, 4, 6)[:, :, :3]})
    np.testing.assert_array_equal(a, xv.reshape(2, 24))
    assert b.shape == (2, 12)
    np.testing.assert_array_equal(c, xv.transpose(0, 2, 3, 1).reshape(2, 24))
    assert tf.layers.Flatten().compute_output_shape([None, 2, 3]).as_list() == [None, 6]


def test_cnn_layers_are_there():
    for name in ["conv2d", "max_pooling2d", "batch_normalization", "Conv2D"]:
        assert callable(getattr(tf.layers, name))


def test_dense_config_and_invalid_arguments():
    layer = tf.layers.Dense(4, activation=tf.nn.relu, name="d")
    cfg = layer.get_config()
    assert cfg["units"] == 4 and cfg["name"] == "d" and cfg["activation"] == "relu"
    with pytest.raises(ValueError, match="Received: units=0"):
        tf.layers.Dense(0)
    with pytest.raises(ValueError, match="Received: activation='nope'"):
        tf.layers.Dense(2, activation="nope")
    assert tf.layers.Dense(5).compute_output_shape([None, 7, 3]).as_list() == [None, 7, 5]


def _ref_separable_conv1d(x, dw, pw, stride=1):
    """Depthwise (valid) then pointwise, straight from the definition."""
    k, c, m = dw.shape
    steps = (x.shape[1] - k) // stride + 1
    h = np.zeros((x.shape[0], steps, c * m))
    for t in range(steps):
        win = x[:, t * stride:t * stride + k, :]                  # [n, k, c]
        h[:, t, :] = np.einsum("nkc,kcm->ncm", win, dw).reshape(x.shape[0], c * m)
    return h @ pw[0]


@pytest.mark.parametrize("stride", [1, 2])
def test_separable_conv1d(graph_mode, stride):
    x = tf.placeholder(tf.float32, [None, 9, 3])
    y = tf.layers.separable_conv1d(x, 4, 3, strides=stride, depth_multiplier=2,
                                   bias_initializer=tf.constant_initializer(0.5))
    names = {v.name: v.shape.as_list() for v in tf.global_variables()}
    assert names == {"separable_conv1d/depthwise_kernel:0": [3, 3, 2],
                     "separable_conv1d/pointwise_kernel:0": [1, 6, 4],
                     "separable_conv1d/bias:0": [4]}
    assert y.shape.as_list() == [None, 7 if stride == 1 else 4, 4]
    xv = np.random.default_rng(0).random((2, 9, 3)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        dw, pw = sess.run([v for v in tf.global_variables() if "kernel" in v.name])
        got = sess.run(y, {x: xv})
    np.testing.assert_allclose(got, _ref_separable_conv1d(xv, dw, pw, stride) + 0.5, rtol=1e-4,
                               atol=1e-5)


def test_separable_conv1d_layer_trains_and_channels_first(graph_mode):
    layer = tf.layers.SeparableConv1D(2, 3, padding="same", data_format="channels_first",
                                      activation=tf.nn.relu)
    x = tf.constant(np.random.default_rng(1).random((2, 3, 8)).astype(np.float32))
    y = layer(x)
    assert y.shape.as_list() == [2, 2, 8]
    loss = tf.reduce_sum(tf.square(tf.layers.dense(tf.layers.flatten(y), 1) - 1.0))
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss)
        for _ in range(5):
            sess.run(train)
        assert sess.run(loss) < first


# ==================================================================== 3-D layers
def _ref_conv3d_valid(x, w):
    k = w.shape[:3]
    out = [n - kk + 1 for n, kk in zip(x.shape[1:4], k)]
    return sum(np.einsum("ndhwc,co->ndhwo", x[:, i:i + out[0], j:j + out[1], m:m + out[2]],
                         w[i, j, m]) for i in range(k[0]) for j in range(k[1]) for m in range(k[2]))


def test_conv3d_variables_values_and_training(graph_mode):
    x = tf.placeholder(tf.float32, [None, 4, 6, 5, 2])
    y = tf.layers.conv3d(x, 3, [2, 3, 2], activation=tf.nn.relu,
                         bias_initializer=tf.constant_initializer(0.1))
    z = tf.layers.conv3d(y, 4, 3, strides=(1, 2, 2), padding="same")
    assert y.shape.as_list() == [None, 3, 4, 4, 3] and z.shape.as_list() == [None, 3, 2, 2, 4]
    names = [v.name for v in tf.global_variables()]
    assert names == ["conv3d/kernel:0", "conv3d/bias:0", "conv3d_1/kernel:0", "conv3d_1/bias:0"]
    assert tf.global_variables()[0].shape.as_list() == [2, 3, 2, 2, 3]
    loss = tf.reduce_mean(tf.square(z - 1.0))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    xv = np.random.RandomState(0).rand(2, 4, 6, 5, 2).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        yv, k = sess.run([y, tf.global_variables()[0]], {x: xv})
        np.testing.assert_allclose(yv, np.maximum(_ref_conv3d_valid(xv, k) + 0.1, 0),
                                   rtol=1e-5, atol=1e-5)
        before = sess.run(loss, {x: xv})
        for _ in range(3):
            sess.run(train, {x: xv})
        assert sess.run(loss, {x: xv}) < before


def test_conv3d_layer_object_channels_first_and_transpose():
    rng = np.random.RandomState(0)
    x = rng.randn(2, 3, 4, 4, 5).astype(np.float32)        # channels first
    layer = tf.layers.Conv3D(2, 3, data_format="channels_first", padding="same")
    y = layer(x)
    assert y.shape.as_list() == [2, 2, 4, 4, 5] and layer.kernel.name == "conv3d/kernel:0"
    want = tf.nn.conv3d(x.transpose(0, 2, 3, 4, 1), layer.kernel, 1, "SAME").numpy()
    np.testing.assert_allclose(y.numpy(), want.transpose(0, 4, 1, 2, 3), rtol=1e-5, atol=1e-5)
    assert layer.compute_output_shape([None, 3, 4, 4, 5]).as_list() == [None, 2, 4, 4, 5]
    assert layer.get_config()["kernel_size"] == (3, 3, 3)
    t = tf.layers.Conv3DTranspose(6, 2, strides=(1, 2, 2), padding="valid")
    xt = x.transpose(0, 2, 3, 4, 1)
    yt = t(xt)
    assert yt.shape.as_list() == [2, 5, 8, 10, 6] and t.kernel.shape.as_list() == [2, 2, 2, 6, 3]
    want = tf.nn.conv3d_transpose(xt, t.kernel, [2, 5, 8, 10, 6], [1, 1, 2, 2, 1], "VALID")
    np.testing.assert_allclose(yt.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
    assert tf.layers.conv3d_transpose(xt, 2, 3, 2, "same").shape.as_list() == [2, 8, 8, 10, 2]
    assert tf.layers.Convolution3D is tf.layers.Conv3D
    assert tf.layers.Convolution3DTranspose is tf.layers.Conv3DTranspose
    with pytest.raises(ValueError, match="expected ndim=5"):
        tf.layers.conv3d(x[0], 4, 3)
    with pytest.raises(ValueError, match="kernel_size"):
        tf.layers.conv3d(x, 4, (3, 3))


def test_pooling3d_layers():
    x = np.random.RandomState(0).rand(2, 5, 4, 6, 3).astype(np.float32)
    y = tf.layers.max_pooling3d(x, pool_size=[2, 2, 2], strides=2, padding="SAME")
    np.testing.assert_array_equal(y.numpy(), tf.nn.max_pool3d(x, 2, 2, "SAME").numpy())
    assert y.shape.as_list() == [2, 3, 2, 3, 3]
    a = tf.layers.average_pooling3d(x, 3, 1, padding="same")
    np.testing.assert_allclose(a.numpy(), tf.nn.avg_pool3d(x, 3, 1, "SAME").numpy())
    p = tf.layers.AveragePooling3D(2, 2, data_format="channels_first")
    got = p(x.transpose(0, 4, 1, 2, 3))
    assert got.shape.as_list() == [2, 3, 2, 2, 3]
    np.testing.assert_allclose(got.numpy().transpose(0, 2, 3, 4, 1),
                               tf.nn.avg_pool3d(x, 2, 2, "VALID").numpy(), rtol=1e-6)
    assert p.compute_output_shape([2, 3, 5, 4, 6]).as_list() == [2, 3, 2, 2, 3]
    assert tf.layers.MaxPooling3D(2, 1).get_config()["strides"] == (1, 1, 1)
    assert tf.layers.MaxPool3D is tf.layers.MaxPooling3D
    assert tf.layers.AvgPool3D is tf.layers.AveragePooling3D
