import numpy as np
import pytest

import neuroflow as tf


def _op_names():
    return [op.name for op in tf.get_default_graph().get_operations()]


def test_names_are_scope_prefixed_and_ops_get_the_name_scope(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3])
    with tf.variable_scope("layer1") as scope:
        W = tf.get_variable("W", [3, 2])
        y = tf.matmul(x, W)
    assert W.name == "layer1/W:0"
    assert y.name == "layer1/MatMul:0"
    assert scope.name == "layer1" and scope.original_name_scope == "layer1/"
    assert W.shape.as_list() == [3, 2] and W.dtype == tf.float32
    assert tf.global_variables() == [W] and tf.trainable_variables() == [W]
    assert "layer1/W/Initializer/random_uniform" in _op_names()


def test_existing_variable_without_reuse_raises_tf_message(graph_mode):
    with tf.variable_scope("layer1"):
        tf.get_variable("W", [3, 2])
    with pytest.raises(ValueError) as e:
        with tf.variable_scope("layer1"):
            tf.get_variable("W", [3, 2])
    assert str(e.value) == ("Variable layer1/W already exists, disallowed. Did you mean to set "
                            "reuse=True or reuse=tf.AUTO_REUSE in VarScope?")


def test_reuse_true_on_missing_variable_raises_tf_message(graph_mode):
    with pytest.raises(ValueError) as e:
        with tf.variable_scope("layer1", reuse=True):
            tf.get_variable("W", [3, 2])
    assert str(e.value) == ("Variable layer1/W does not exist, or was not created with "
                            "tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?")


def test_reentering_by_name_shares_variables_and_uniquifies_op_scope(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3])
    with tf.variable_scope("layer1"):
        W = tf.get_variable("W", [3, 2])
    with tf.variable_scope("layer1", reuse=True) as scope:
        W2 = tf.get_variable("W")
        y = tf.matmul(x, W2)
    assert W2 is W
    assert y.name == "layer1_1/MatMul:0"
    assert scope.name == "layer1" and scope.original_name_scope == "layer1_1/"
    assert len(tf.global_variables()) == 1


def test_reuse_is_inherited_by_nested_scopes(graph_mode):
    with tf.variable_scope("outer"):
        with tf.variable_scope("inner"):
            v = tf.get_variable("v", [2])
    with tf.variable_scope("outer", reuse=True):
        with tf.variable_scope("inner") as inner:
            assert inner.reuse is True
            assert tf.get_variable("v", [2]) is v
    assert v.name == "outer/inner/v:0"


def test_reuse_variables_on_scope_object_and_root_scope(graph_mode):
    with tf.variable_scope("gen") as scope:
        a = tf.get_variable("a", [1])
        scope.reuse_variables()
        assert tf.get_variable("a", [1]) is a
    # GAN idiom: turn on reuse in the current (root-level) scope
    with tf.variable_scope("disc"):
        d = tf.get_variable("d", [1])
        tf.get_variable_scope().reuse_variables()
        assert tf.get_variable("d") is d
    assert tf.get_variable_scope().name == "" and tf.get_variable_scope().reuse is False


def test_reenter_scope_object(graph_mode):
    with tf.variable_scope("model") as scope:
        w = tf.get_variable("w", [2])
    with tf.variable_scope(scope, reuse=True) as s2:
        assert s2.name == "model"
        assert s2.original_name_scope == "model/"
        assert tf.get_variable("w") is w
        y = tf.identity(w)
    assert y.name.startswith("model_1/")  # a new op scope for the ops, variables stay under model/
    with tf.variable_scope("other"):
        with tf.variable_scope(scope):  # jumps back, not nested under "other"
            assert tf.get_variable_scope().name == "model"
            with pytest.raises(ValueError, match="already exists"):
                tf.get_variable("w", [2])


def test_auto_reuse_creates_then_shares(graph_mode):
    def f():
        with tf.variable_scope("shared", reuse=tf.AUTO_REUSE):
            return tf.get_variable("v", [2], initializer=tf.ones_initializer())
    a, b = f(), f()
    assert a is b and a.name == "shared/v:0"
    assert tf.AUTO_REUSE is tf.AUTO_REUSE and tf.AUTO_REUSE is not True


def test_default_name_is_made_unique_and_nested_counts_reset(graph_mode):
    names = []
    for _ in range(3):
        with tf.variable_scope(None, default_name="dense") as s:
            names.append(s.name)
            with tf.variable_scope(None, default_name="inner") as i:
                names.append(i.name)
    assert names == ["dense", "dense/inner", "dense_1", "dense_1/inner", "dense_2", "dense_2/inner"]
    with pytest.raises(TypeError, match="If default_name is None then name_or_scope is required"):
        tf.variable_scope(None)


def test_shape_and_dtype_mismatch_on_reuse(graph_mode):
    with tf.variable_scope("s"):
        tf.get_variable("v", [2, 3])
    with tf.variable_scope("s", reuse=True):
        with pytest.raises(ValueError) as e:
            tf.get_variable("v", [3, 3])
        assert str(e.value) == ("Trying to share variable s/v, but specified shape (3, 3) and found "
                                "shape (2, 3).")
        with pytest.raises(ValueError, match="specified dtype float64 and found dtype float32"):
            tf.get_variable("v", [2, 3], dtype=tf.float64)


def test_initializers_dtype_and_values_from_session(graph_mode):
    w = tf.get_variable("w", [2, 3], initializer=tf.constant_initializer(0.5))
    b = tf.get_variable("b", [3], initializer=tf.zeros_initializer())
    i = tf.get_variable("i", [2], dtype=tf.int32)  # integers default to zeros
    d = tf.get_variable("d", [2], dtype=tf.float64, initializer=tf.ones_initializer())
    c = tf.get_variable("c", initializer=np.arange(3.0))  # from a value: no shape, dtype kept
    t = tf.get_variable("t", initializer=tf.constant([1, 2]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        vw, vb, vi, vd, vc, vt = sess.run([w, b, i, d, c, t])
    np.testing.assert_array_equal(vw, np.full((2, 3), 0.5, np.float32))
    np.testing.assert_array_equal(vb, np.zeros(3, np.float32))
    assert vi.dtype == np.int32 and not vi.any()
    assert vd.dtype == np.float64 and vd.tolist() == [1.0, 1.0]
    assert c.dtype == tf.float64 and vc.tolist() == [0.0, 1.0, 2.0]
    assert t.dtype == tf.int32 and vt.tolist() == [1, 2]


def test_constant_initializer_with_shape_and_missing_shape_errors(graph_mode):
    with pytest.raises(ValueError, match="If initializer is a constant, do not specify shape."):
        tf.get_variable("c", [3], initializer=np.zeros(3))
    with pytest.raises(ValueError, match=r"Shape of a new variable \(x\) must be fully defined"):
        tf.get_variable("x", [None, 3])
    with pytest.raises(ValueError, match="Initializer type 'float64' and explicit dtype 'float32'"):
        tf.get_variable("y", dtype=tf.float32, initializer=np.zeros(2))


def test_default_initializer_is_glorot_uniform(graph_mode):
    w = tf.get_variable("w", [200, 300])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a = sess.run(w)
        sess.run(w.initializer)
        b = sess.run(w)
    limit = np.sqrt(6.0 / 500)
    assert np.abs(a).max() <= limit and np.abs(a).max() > 0.95 * limit
    assert abs(a.std() - limit / np.sqrt(3)) < 0.05 * limit
    assert not np.array_equal(a, b)  # each run of the initializer draws anew


def test_scope_initializer_regularizer_and_dtype_are_inherited(graph_mode):
    reg = lambda v: tf.reduce_sum(tf.square(v))  # noqa: E731
    with tf.variable_scope("s", initializer=tf.constant_initializer(2.0), regularizer=reg,
                           dtype=tf.float64):
        with tf.variable_scope("t"):
            v = tf.get_variable("v", [2])
            u = tf.get_variable("u", [2], regularizer=tf.no_regularizer)
    assert v.dtype == tf.float64 and u.dtype == tf.float64
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 1 and losses[0].name.startswith("s/t/v/Regularizer/")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(losses[0]) == pytest.approx(8.0)


def test_trainable_collections_and_local_variable(graph_mode):
    a = tf.get_variable("a", [1], trainable=False)
    b = tf.get_variable("b", [1], collections=["mine"])
    c = tf.get_local_variable("c", [1])
    assert a in tf.global_variables() and a not in tf.trainable_variables()
    assert tf.get_collection("mine") == [b] and b in tf.trainable_variables()
    assert b not in tf.global_variables()
    assert tf.local_variables() == [c] and c not in tf.trainable_variables()


def test_custom_getter_wraps_creation_and_nests(graph_mode):
    calls = []

    def outer(getter, name, *args, **kwargs):
        calls.append(("outer", name))
        return getter(name, *args, **kwargs)

    def inner(getter, name, *args, **kwargs):
        calls.append(("inner", name))
        return getter(name + "_x", *args, **kwargs)

    with tf.variable_scope("a", custom_getter=outer):
        with tf.variable_scope("b", custom_getter=inner):
            v = tf.get_variable("v", [1])
    assert v.name == "a/b/v_x:0"
    assert calls == [("inner", "a/b/v"), ("outer", "a/b/v_x")]


def test_name_scope_inside_does_not_change_variable_names(graph_mode):
    with tf.variable_scope("vs"):
        with tf.name_scope("ns"):
            v = tf.get_variable("v", [1])
            y = tf.identity(v)
    assert v.name == "vs/v:0" and y.name == "vs/ns/Identity:0"


def test_auxiliary_name_scope_false_keeps_the_current_name_scope(graph_mode):
    with tf.name_scope("outer"):
        with tf.variable_scope("vs", auxiliary_name_scope=False) as s:
            y = tf.constant(1.0, name="c")
            v = tf.get_variable("v", [1])
    assert y.name == "outer/c:0" and v.name == "vs/v:0" and s.original_name_scope == "outer/"


def test_invalid_arguments():
    with pytest.raises(ValueError, match="The reuse parameter must be True or False or None."):
        tf.variable_scope("x", reuse="yes")
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        tf.variable_scope(None, default_name="d", reuse=True)
    with pytest.raises(TypeError, match="must be a string or VariableScope"):
        tf.variable_scope(3)


def test_reuse_false_inside_reuse_true_still_reuses(graph_mode):
    with tf.variable_scope("a"):
        with tf.variable_scope("b"):
            v = tf.get_variable("v", [1])
    with tf.variable_scope("a", reuse=True):
        with tf.variable_scope("b", reuse=False) as inner:
            assert inner.reuse is True
            assert tf.get_variable("v") is v


def test_per_graph_store():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        with tf.variable_scope("s"):
            a = tf.get_variable("v", [1])
    with g2.as_default():
        with tf.variable_scope("s"):
            b = tf.get_variable("v", [1])
    assert a is not b and a.graph is g1 and b.graph is g2


def test_get_variable_eager_value():
    v = tf.get_variable("e", [2, 2], initializer=tf.ones_initializer())
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 2), np.float32))
    with pytest.raises(ValueError, match="already exists"):
        tf.get_variable("e", [2, 2])


def test_training_with_get_variable_lowers_loss(graph_mode):
    rng = np.random.RandomState(0)
    xs = rng.randn(32, 3).astype(np.float32)
    ys = xs @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 1])
    with tf.variable_scope("lin"):
        W = tf.get_variable("W", [3, 1])
        b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: ys})
        for _ in range(50):
            sess.run(train, {x: xs, y: ys})
        last = sess.run(loss, {x: xs, y: ys})
    assert last < 0.05 * first


def test_custom_getter_may_pass_arguments_by_position(graph_mode):
    def getter(next_getter, name, shape=None, dtype=None, initializer=None, *args, **kwargs):
        return next_getter(name, shape, dtype, tf.ones_initializer(), *args, **kwargs)
    with tf.variable_scope("p", custom_getter=getter):
        v = tf.get_variable("v", [2], initializer=tf.zeros_initializer())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(v).tolist() == [1.0, 1.0]
