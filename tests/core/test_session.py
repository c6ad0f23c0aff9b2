"""TF1 graph semantics: sessions, feeds, fetches, variables, random ops, names, collections."""
import collections

import numpy as np
import pytest

import neuroflow as tf
from neuroflow.core import context


def test_run_reevaluates_feeds_and_variables():
    x = tf.placeholder(tf.float32, shape=[None, 2], name="x")
    w = tf.Variable([[1.0], [2.0]], name="w")
    y = tf.matmul(x, w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y, {x: [[1, 1]]}), [[3.0]])
        sess.run(w.assign([[0.0], [1.0]]))
        np.testing.assert_allclose(sess.run(y, {x: [[1, 1], [2, 2]]}), [[1.0], [2.0]])


def test_variables_live_per_session_and_must_be_initialized():
    v = tf.Variable(3.0, name="counter")
    inc = v.assign_add(1.0)
    s1, s2 = tf.Session(), tf.Session()
    s1.run(v.initializer)
    s1.run(inc)
    with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value counter"):
        s2.run(v)
    s2.run(tf.global_variables_initializer())
    assert s1.run(v) == 4.0 and s2.run(v) == 3.0


def test_fetched_values_are_not_changed_by_later_updates():
    v = tf.Variable(np.zeros(3, np.float32))
    train = tf.train.GradientDescentOptimizer(1.0).minimize(tf.reduce_sum(v * [1.0, 2.0, 3.0]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(v)
        sess.run(train)
        np.testing.assert_array_equal(before, [0, 0, 0])
        np.testing.assert_allclose(sess.run(v), [-1, -2, -3])


def test_random_ops_draw_anew_each_run_and_sessions_repeat_with_seed():
    tf.set_random_seed(1)
    r = tf.random_normal([3])
    with tf.Session() as s1:
        a, b = s1.run(r), s1.run(r)
    with tf.Session() as s2:
        c = s2.run(r)
    assert not np.allclose(a, b)
    np.testing.assert_array_equal(a, c)


def test_random_numbers_are_tensorflows_own():
    # reference values printed by TensorFlow 2.21 (compat.v1 graph mode) on CPU for this program
    tf.set_random_seed(777)
    W = tf.Variable(tf.random_normal([1]), name="weight")
    b = tf.Variable(tf.random_normal([1]), name="bias")
    a = tf.random_normal([2, 3])
    u = tf.random_uniform([5])
    t = tf.truncated_normal([6])
    d = tf.random_normal([3], dtype=tf.float64)
    ud = tf.random_uniform([3], dtype=tf.float64)
    ui = tf.random_uniform([4], 0, 10, dtype=tf.int32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        w_, b_, a_, u_, t_, d_, ud_, ui_ = s.run([W, b, a, u, t, d, ud, ui])
        a2 = s.run(a)
    np.testing.assert_allclose(w_, [0.58597755], rtol=1e-6)
    np.testing.assert_allclose(b_, [-1.1319157], rtol=1e-6)
    np.testing.assert_allclose(a_, [[-0.7150615, -1.0802513, 0.5326332],
                                    [1.4826345, -1.5723063, -1.6449268]], rtol=1e-6)
    np.testing.assert_allclose(u_, [0.06672299, 0.3009504, 0.85697794, 0.1031245, 0.19481874], rtol=1e-6)
    np.testing.assert_allclose(t_, [-0.8643638, -0.2778973, -0.6532888, -0.45467943, 0.6803331,
                                    -0.24120943], rtol=1e-5)
    np.testing.assert_allclose(d_, [-0.7732252, -0.63952139, -1.19686152], rtol=1e-7)
    np.testing.assert_allclose(ud_, [0.69892404, 0.75915083, 0.83075549], rtol=1e-7)
    np.testing.assert_array_equal(ui_, [8, 8, 7, 3])
    np.testing.assert_allclose(a2, [[0.55972916, 2.3694813, -2.955671],
                                    [-2.4906926, 1.1461537, 1.1514076]], rtol=1e-6)


def test_fetch_structures():
    a = tf.constant(1.0)
    b = tf.constant([2, 3])
    P = collections.namedtuple("P", "x y")
    with tf.Session() as sess:
        out = sess.run({"a": a, "l": [a, (b, a)], "p": P(a, b)})
    assert out["a"] == 1.0 and isinstance(out["l"][1], tuple)
    np.testing.assert_array_equal(out["l"][1][0], [2, 3])
    assert isinstance(out["p"], P) and out["p"].x == 1.0
    assert isinstance(out["a"], np.float32)


def test_fetch_and_feed_by_name_and_op_fetch_returns_none():
    x = tf.placeholder(tf.float32, [2], name="inp")
    y = tf.identity(x * 2, name="out")
    v = tf.Variable(1.0)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run("out:0", {"inp:0": [1, 2]}), [2, 4])
        assert sess.run(v.initializer) is None
        assert sess.run(tf.group(v.initializer)) is None


def test_missing_feed_message_is_tensorflows():
    X = tf.placeholder(tf.float32, [None, 784], name="X")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"You must feed a value for placeholder tensor 'X' with dtype float "
                                 r"and shape \[\?,784\]"):
            sess.run(X * 2)


def test_wrong_feed_shape_names_both_shapes():
    X = tf.placeholder(tf.float32, [None, 3], name="X")
    with tf.Session() as sess:
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2, 2\) for Tensor 'X:0', "
                                             r"which has shape '\(\?, 3\)'"):
            sess.run(X, {X: np.zeros((2, 2))})


def test_static_shape_errors_name_op_and_shapes():
    a = tf.placeholder(tf.float32, [None, 3])
    b = tf.placeholder(tf.float32, [4, 2])
    with pytest.raises(ValueError, match=r"Dimensions must be equal, but are 3 and 4 .*MatMul.*\[\?,3\], \[4,2\]"):
        tf.matmul(a, b)
    with pytest.raises(ValueError, match=r"Dimensions must be equal.*\[2,3\], \[4\]"):
        tf.constant(np.zeros((2, 3), np.float32)) + tf.placeholder(tf.float32, [4])


def test_runtime_shape_error_names_op():
    a = tf.placeholder(tf.float32, [None, None], name="a")
    b = tf.placeholder(tf.float32, [None, None], name="b")
    y = tf.matmul(a, b, name="prod")
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="prod"):
            sess.run(y, {a: np.zeros((2, 3)), b: np.zeros((4, 2))})


def test_eval_and_run_in_default_session_and_interactive_session():
    v = tf.Variable(2.0)
    y = v * 3
    sess = tf.InteractiveSession()
    v.initializer.run()
    assert y.eval() == 6.0
    sess.close()
    with tf.Session().as_default():
        tf.global_variables_initializer().run()
        assert y.eval() == 6.0
    with pytest.raises(ValueError, match="No default session"):
        y.eval()


def test_names_scopes_and_graph_lookup():
    x = tf.placeholder(tf.float32, name="x")
    with tf.name_scope("layer1"):
        a = tf.add(x, 1.0, name="a")
        b = tf.add(x, 2.0, name="a")
    assert a.name == "layer1/a:0" and b.name == "layer1/a_1:0"
    with tf.name_scope("layer1"):
        c = tf.identity(x, name="c")
    assert c.name == "layer1_1/c:0"
    g = tf.get_default_graph()
    assert g.get_tensor_by_name("layer1/a:0") is a
    assert g.get_operation_by_name("layer1/a_1") is b.op
    assert str(x) == 'Tensor("x:0", dtype=float32)' or "x:0" in str(x)


def test_collections_and_trainable():
    v1 = tf.Variable(1.0, name="v1")
    v2 = tf.Variable(1.0, name="v2", trainable=False)
    assert tf.global_variables() == [v1, v2]
    assert tf.trainable_variables() == [v1]
    tf.add_to_collection("mine", v2)
    assert tf.get_collection("mine") == [v2]
    assert v1.name == "v1:0" and v1.op.name == "v1"


def test_control_dependencies_order_updates():
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        out = tf.identity(v.read_value() * 10)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out) == 10.0
        assert sess.run(out) == 20.0


def test_graph_as_default_and_reset():
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0, name="c")
        assert tf.get_default_graph() is g
    assert c.graph is g
    assert tf.get_default_graph() is not g
    tf.reset_default_graph()
    assert tf.get_default_graph().get_operations() == []


def test_unsupported_name_says_so():
    with pytest.raises(AttributeError, match="not supported by neuroflow"):
        tf.some_op_that_does_not_exist


def test_eager_until_a_tf1_entry_point():
    assert tf.executing_eagerly()
    a = tf.constant([1.0, 2.0])
    assert np.allclose((a * 2).numpy(), [2, 4])
    tf.placeholder(tf.float32)
    assert not tf.executing_eagerly()
    assert context.state.graph_mode


def test_variables_made_under_control_dependencies_initialize_without_them():
    x = tf.placeholder(tf.float32, [None, 2])
    v = tf.Variable(0.0)
    upd = tf.assign_add(v, tf.reduce_sum(x))
    w = tf.Variable(tf.zeros([2]))
    with tf.control_dependencies([upd]):
        train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(w * x))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())  # no feed needed
        sess.run(train, {x: [[1.0, 2.0]]})
        assert sess.run(v) == 3.0
