import math

import numpy as np
import pytest

import neuroflow as tf
from neuroflow.contrib import framework, layers
from neuroflow.contrib.framework import add_arg_scope, arg_scope
from neuroflow.contrib.layers import fully_connected

TRUNC = 0.87962566103423978


def _run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def test_contrib_is_reachable_as_attribute_and_import():
    import neuroflow.contrib.layers as cl
    from neuroflow.contrib import framework as fw
    assert tf.contrib.layers is cl and tf.contrib.framework is fw
    assert tf.contrib.slim.fully_connected is fully_connected
    assert tf.contrib.slim.arg_scope is arg_scope


def test_rnn_modules_resolve_and_legacy_seq2seq_names_itself():
    assert tf.contrib.rnn.BasicLSTMCell is tf.nn.rnn_cell.BasicLSTMCell
    assert callable(tf.contrib.seq2seq.sequence_loss)
    with pytest.raises(NotImplementedError, match=r"tf.contrib.legacy_seq2seq is not supported"):
        tf.contrib.legacy_seq2seq


def test_unknown_contrib_module_is_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        tf.contrib.nope


@pytest.mark.parametrize("name", ["batch_norm", "conv2d", "max_pool2d"])
def test_cnn_pieces_are_there(name):
    assert callable(getattr(tf.contrib.layers, name))


@pytest.mark.parametrize("uniform", [True, False])
def test_xavier_statistics(uniform):
    v = layers.xavier_initializer(uniform=uniform)((300, 500), dtype=tf.float64).numpy()
    assert v.dtype == np.float64
    n = (300 + 500) / 2.0
    if uniform:
        limit = math.sqrt(3.0 / n)
        assert np.abs(v).max() <= limit and np.abs(v).max() > 0.99 * limit
        assert abs(v.std() - math.sqrt(1.0 / n)) < 0.02 * math.sqrt(1.0 / n)
    else:
        # TF1 contrib: truncated normal with stddev sqrt(1.3 / n): std close to sqrt(1 / n)
        s = math.sqrt(1.3 / n)
        assert np.abs(v).max() <= 2 * s
        assert abs(v.std() - s * TRUNC) < 0.02 * s
    assert abs(v.mean()) < 0.01 * math.sqrt(1.0 / n)
    assert layers.xavier_initializer_conv2d is layers.xavier_initializer


@pytest.mark.parametrize("mode, n", [("FAN_IN", 3 * 3 * 16), ("FAN_OUT", 3 * 3 * 32),
                                     ("FAN_AVG", 3 * 3 * 24)])
def test_variance_scaling_initializer_modes_on_conv_kernel(mode, n):
    v = layers.variance_scaling_initializer(factor=2.0, mode=mode)((3, 3, 16, 32), tf.float64)
    v = v.numpy()
    s = math.sqrt(1.3 * 2.0 / n)
    assert np.abs(v).max() <= 2 * s
    assert abs(v.std() - s * TRUNC) < 0.04 * s
    u = layers.variance_scaling_initializer(2.0, mode, uniform=True)((3, 3, 16, 32)).numpy()
    assert u.dtype == np.float32 and np.abs(u).max() <= math.sqrt(6.0 / n) + 1e-7


def test_variance_scaling_initializer_errors():
    with pytest.raises(TypeError, match=r"Unknown mode fan_in \[FAN_IN, FAN_OUT, FAN_AVG\]"):
        layers.variance_scaling_initializer(mode="fan_in")
    with pytest.raises(TypeError, match="Cannot create initializer for non-floating point type."):
        layers.xavier_initializer(dtype=tf.int32)


def test_xavier_with_get_variable_lab_style(graph_mode):
    with tf.variable_scope("layer1"):
        W1 = tf.get_variable("W", shape=[784, 512], initializer=tf.contrib.layers.xavier_initializer())
    w = _run(W1)
    assert W1.name == "layer1/W:0" and w.shape == (784, 512)
    assert np.abs(w).max() <= math.sqrt(6.0 / (784 + 512)) + 1e-7


def test_fully_connected_names_collections_and_values(graph_mode):
    x = tf.placeholder(tf.float32, [None, 4])
    h = fully_connected(x, 8)
    y = fully_connected(h, 3, activation_fn=None)
    names = [v.name for v in tf.global_variables()]
    assert names == ["fully_connected/weights:0", "fully_connected/biases:0",
                     "fully_connected_1/weights:0", "fully_connected_1/biases:0"]
    assert [v.name for v in tf.model_variables()] == names
    assert len(tf.trainable_variables()) == 4
    assert h.name == "fully_connected/Relu:0" and y.name == "fully_connected_1/BiasAdd:0"
    xv = np.random.RandomState(0).randn(5, 4).astype(np.float32)
    hv, W, b = _run([h, "fully_connected/weights:0", "fully_connected/biases:0"], {x: xv})
    np.testing.assert_allclose(hv, np.maximum(xv @ W + b, 0), rtol=1e-5, atol=1e-6)


def test_fully_connected_rank3_scope_and_reuse(graph_mode):
    x = tf.placeholder(tf.float32, [None, 5, 4])
    y = fully_connected(x, 6, scope="seq")
    assert y.shape.as_list() == [None, 5, 6]
    y2 = fully_connected(x, 6, scope="seq", reuse=True)
    assert len(tf.global_variables()) == 2
    xv = np.random.RandomState(1).rand(2, 5, 4).astype(np.float32)
    a, b, W, bias = _run([y, y2, "seq/weights:0", "seq/biases:0"], {x: xv})
    np.testing.assert_allclose(a, np.maximum(xv @ W + bias, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="Variable seq/weights already exists"):
        fully_connected(x, 6, scope="seq")


def test_fully_connected_options(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3])
    calls = []

    def norm(t, scale=1.0):
        calls.append(scale)
        return t * scale
    fully_connected(x, 2, biases_initializer=None, scope="nobias")
    fully_connected(x, 2, normalizer_fn=norm, normalizer_params={"scale": 2.0}, scope="normed")
    fully_connected(x, 2, weights_regularizer=layers.l2_regularizer(0.1),
                    variables_collections={"weights": ["my_w"]}, outputs_collections="outs",
                    trainable=False, scope="reg")
    names = [v.name for v in tf.global_variables()]
    assert names == ["nobias/weights:0", "normed/weights:0", "reg/weights:0", "reg/biases:0"]
    assert calls == [2.0]
    assert [v.name for v in tf.get_collection("my_w")] == ["reg/weights:0"]
    assert len(tf.get_collection("outs")) == 1
    assert "reg/weights:0" not in [v.name for v in tf.trainable_variables()]
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 1
    w, l = _run(["reg/weights:0", losses[0]])
    assert l == pytest.approx(0.1 * (w ** 2).sum() / 2, rel=1e-5)
    with pytest.raises(ValueError, match="num_outputs type should be one of"):
        fully_connected(x, 2.0)


def test_fully_connected_training_lowers_loss(graph_mode):
    rng = np.random.RandomState(0)
    xs = rng.randn(64, 3).astype(np.float32)
    ys = np.tanh(xs @ np.array([[1.0], [-1.0], [0.5]], np.float32))
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 1])
    out = fully_connected(fully_connected(x, 16, activation_fn=tf.nn.tanh), 1, activation_fn=None)
    loss = tf.reduce_mean(tf.square(out - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: ys})
        for _ in range(100):
            sess.run(train, {x: xs, y: ys})
        assert sess.run(loss, {x: xs, y: ys}) < 0.3 * first


def test_contrib_dropout_with_fed_flag_and_keep_prob(graph_mode):
    x = tf.placeholder(tf.float32, [None, 1000])
    train_mode = tf.placeholder(tf.bool)
    keep = tf.placeholder(tf.float32)
    y = layers.dropout(x, 0.7, is_training=train_mode)
    z = layers.dropout(x, keep, is_training=True)
    xv = np.ones((2, 1000), np.float32)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {x: xv, train_mode: False}), xv)
        yv = sess.run(y, {x: xv, train_mode: True})
        zv = sess.run(z, {x: xv, keep: 0.5})
    assert set(np.unique(yv)) == {0.0, np.float32(1 / 0.7)} and abs((yv == 0).mean() - 0.3) < 0.05
    assert set(np.unique(zv)) == {0.0, 2.0}


def test_contrib_flatten(graph_mode):
    x = tf.placeholder(tf.float32, [None, 2, 3])
    y = layers.flatten(x)
    assert y.shape.as_list() == [None, 6]
    with pytest.raises(ValueError, match="Inputs must have a least 2 dimensions."):
        layers.flatten(tf.placeholder(tf.float32, [3]))


def test_regularizers_values_and_errors():
    w = tf.constant([[1.0, -2.0], [3.0, 0.5]])
    assert layers.l2_regularizer(0.5)(w).numpy() == pytest.approx(0.5 * (1 + 4 + 9 + 0.25) / 2)
    assert layers.l1_regularizer(0.1)(w).numpy() == pytest.approx(0.1 * 6.5)
    assert layers.l1_l2_regularizer(0.1, 0.5)(w).numpy() == pytest.approx(0.65 + 3.5625)
    assert layers.l2_regularizer(0.0)(w) is None
    with pytest.raises(ValueError, match="scale cannot be an integer: 1"):
        layers.l2_regularizer(1)
    with pytest.raises(ValueError, match="Setting a scale less than 0 on a regularizer: -0.1."):
        layers.l1_regularizer(-0.1)


def test_apply_regularization(graph_mode):
    a = tf.get_variable("a", initializer=np.array([1.0, 2.0], np.float32))
    b = tf.get_variable("b", initializer=np.array([3.0], np.float32))
    total = layers.apply_regularization(layers.l2_regularizer(1.0), [a, b])
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == [total]
    assert _run(total) == pytest.approx(7.0)
    with pytest.raises(ValueError, match="No weights to regularize."):
        layers.apply_regularization(layers.l2_regularizer(1.0))


def test_arg_scope_sets_defaults_call_wins_and_nests(graph_mode):
    @add_arg_scope
    def f(a, b=1, c=2):
        return a, b, c

    def g(a, b=0):
        return a, b
    with arg_scope([f], b=10):
        assert f(0) == (0, 10, 2)
        assert f(0, b=5) == (0, 5, 2)
        with arg_scope([f], c=20) as sc:
            assert f(0) == (0, 10, 20)
        assert f(0) == (0, 10, 2)
        with arg_scope(sc):
            assert f(1) == (1, 10, 20)
    assert f(0) == (0, 1, 2)
    assert framework.has_arg_scope(f) and not framework.has_arg_scope(g)
    assert framework.arg_scoped_arguments(f) == ["b", "c"]
    with pytest.raises(ValueError, match="g is not decorated with @add_arg_scope"):
        with arg_scope([g], b=1):
            pass
    with pytest.raises(TypeError, match="list_ops_or_scope must either be a list/tuple"):
        with arg_scope(f, b=1):
            pass


def test_arg_scope_with_fully_connected_lab_style(graph_mode):
    x = tf.placeholder(tf.float32, [None, 4])
    with arg_scope([fully_connected], activation_fn=tf.nn.relu,
                   weights_initializer=tf.contrib.layers.xavier_initializer(),
                   biases_initializer=None):
        h1 = fully_connected(x, 5, scope="h1")
        out = fully_connected(h1, 2, activation_fn=None, scope="hypothesis")
    assert h1.name == "h1/Relu:0" and out.name == "hypothesis/MatMul:0"
    assert [v.name for v in tf.global_variables()] == ["h1/weights:0", "hypothesis/weights:0"]


def test_stack_and_repeat(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3])
    y = layers.stack(x, fully_connected, [4, 5], scope="fc")
    z = layers.repeat(y, 2, fully_connected, 5, scope="rep")
    assert y.shape.as_list() == [None, 5] and z.shape.as_list() == [None, 5]
    names = [v.name for v in tf.global_variables() if v.name.endswith("weights:0")]
    assert names == ["fc/fc_1/weights:0", "fc/fc_2/weights:0", "rep/rep_1/weights:0",
                     "rep/rep_2/weights:0"]


def test_framework_variable_lookups(graph_mode):
    with tf.variable_scope("net"):
        w = tf.get_variable("weights", [1])
        v = tf.get_variable("v", [1], trainable=False)
        m = framework.model_variable("m", [1])
    other = tf.get_variable("weights", [2])
    assert framework.get_variables("net") == [w, v, m]
    assert framework.get_variables(tf.get_variable_scope()) == [w, v, m, other]
    assert framework.get_variables_by_name("weights") == [w, other]
    assert framework.get_variables_by_suffix("v") == [v]
    assert framework.get_trainable_variables("net") == [w, m]
    assert framework.get_model_variables() == [m]
    assert framework.get_unique_variable("net/v") is v
    with pytest.raises(ValueError, match="Couldn't find variable nothing"):
        framework.get_unique_variable("nothing")
    assert framework.get_variables_to_restore(exclude=["net"]) == [other]
    assert framework.get_variables_to_restore(include=["net"], exclude=["net/m"]) == [w, v]
    x = framework.variable("x", [2], collections=["c1"])
    assert tf.get_collection("c1") == [x]
