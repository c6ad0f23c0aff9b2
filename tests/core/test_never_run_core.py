"""Core TF API names that no other test ran: GradientTape bookkeeping, VariableScope setters and
collections, Graph.finalize/collections/device, Variable/Tensor/Operation helpers, tensor_shape
and tensor_util helpers, contrib linear, tf.test.TestCase.assertRaisesOpError, and the
generators behind the random ops."""
import unittest

import numpy as np
import pytest

import neuroflow as tf
from neuroflow.core.op import shape_of
from neuroflow.core.philox import FastGenerator, PhiloxGenerator
from neuroflow.python.framework import tensor_shape, tensor_util


# ------------------------------------------------------------------ GradientTape (TF2)
def test_watched_variables_lists_accessed_trainable_and_explicitly_watched():
    a, b = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b")
    frozen = tf.Variable(3.0, trainable=False, name="frozen")
    c = tf.Variable(4.0, name="c")
    with tf.GradientTape() as tape:
        y = a * b * frozen
        tape.watch(c)          # watched although never read
    assert tape.watched_variables() == (a, b, c)
    tape.gradient(y, [a, b])
    # the tape keeps its list after the (non-persistent) gradient call, as TF
    assert tape.watched_variables() == (a, b, c)


def test_watched_variables_without_watch_accessed_variables():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(b)
        y = a * b
    assert tape.watched_variables() == (b,)
    ga, gb = tape.gradient(y, [a, b])
    assert ga is None and gb.numpy() == pytest.approx(1.0)


def test_stop_recording_leaves_ops_off_the_tape():
    # TF2 docs: x = 4.0; with tape.stop_recording(): y = x ** 2 -> gradient None
    x = tf.constant(4.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            y = x ** 2
    assert tape.gradient(y, x) is None

    u, v = tf.Variable(2.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        u_sq = u * u
        with tape.stop_recording():
            v_sq = v * v
        z = u_sq + v_sq       # recording again after the block
    g = tape.gradient(z, {"u": u, "v": v})
    assert g["u"].numpy() == pytest.approx(4.0) and g["v"] is None


def test_stop_recording_on_a_tape_that_is_not_recording_raises():
    tape = tf.GradientTape()
    with pytest.raises(RuntimeError, match="Trying to stop recording a tape which is not "
                                           "recording."):
        with tape.stop_recording():
            pass


def test_reset_forgets_what_was_recorded():
    # TF docs: loss = loss_fn(); t.reset(); loss += other_loss_fn() -> only other_loss_fn
    a, b = tf.Variable(3.0), tf.Variable(5.0)
    with tf.GradientTape(persistent=True) as tape:
        loss = a * a
        tape.reset()
        loss = loss + b * b
    assert tape.gradient(loss, a) is None
    assert tape.gradient(loss, b).numpy() == pytest.approx(10.0)
    assert tape.watched_variables() == (b,)


def test_reset_also_forgets_watched_variables_and_needs_a_recording_tape():
    a, b = tf.Variable(1.0), tf.Variable(2.0, trainable=False)
    with tf.GradientTape() as tape:
        tape.watch(b)
        y = a * b
        tape.reset()
        assert tape.watched_variables() == ()
        z = b * 3.0           # b no longer watched, not trainable: not recorded
    assert tape.watched_variables() == ()
    assert tape.gradient(z, b) is None
    with pytest.raises(ValueError, match="Tape must be recording."):
        tape.reset()
    del y


# ------------------------------------------------------------------ VariableScope
def test_variable_scope_setters_are_seen_and_inherited(graph_mode):
    def part(shape, dtype):
        return [1] * len(shape)

    with tf.variable_scope("s") as scope:
        assert scope.caching_device is None and scope.partitioner is None
        scope.set_caching_device("/cpu:0")
        scope.set_partitioner(part)
        scope.set_use_resource(True)
        assert scope.caching_device == "/cpu:0"
        assert scope.partitioner is part and scope.use_resource is True
        with tf.variable_scope("inner") as inner:
            assert inner.caching_device == "/cpu:0"
            assert inner.partitioner is part and inner.use_resource is True
    scope.set_use_resource(False)
    assert scope.use_resource is False


def test_variable_scope_collections_hold_only_this_scopes_variables(graph_mode):
    with tf.variable_scope("s") as scope:
        w = tf.get_variable("w", [2])
        frozen = tf.get_variable("frozen", [1], trainable=False)
        loc = tf.Variable(0.0, name="loc", trainable=False,
                          collections=[tf.GraphKeys.LOCAL_VARIABLES])
    with tf.variable_scope("s1"):      # "s1/..." does not match "s/"
        other = tf.get_variable("w", [2])
    assert scope.global_variables() == [w, frozen]
    assert scope.trainable_variables() == [w]
    assert scope.local_variables() == [loc]
    assert scope.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [w, frozen]
    assert other in tf.global_variables() and other not in scope.global_variables()


# ------------------------------------------------------------------ Graph
def test_finalized_graph_cannot_be_modified_but_still_runs(graph_mode):
    g = tf.get_default_graph()
    a = tf.constant(2.0)
    b = a * 3.0
    assert not g.finalized
    g.finalize()
    assert g.finalized
    with pytest.raises(RuntimeError, match="^Graph is finalized and cannot be modified.$"):
        tf.add(a, b)
    with pytest.raises(RuntimeError, match="Graph is finalized and cannot be modified."):
        tf.placeholder(tf.float32)
    with tf.Session(graph=g) as sess:
        assert sess.run(b) == pytest.approx(6.0)


def test_clear_collection_and_get_all_collection_keys(graph_mode):
    g = tf.Graph()
    with g.as_default():
        assert g.get_all_collection_keys() == []
        g.add_to_collection("losses_a", 1.0)
        g.add_to_collection("my_things", "x")
        tf.Variable(1.0)
        keys = g.get_all_collection_keys()
        assert set(keys) == {"losses_a", "my_things", tf.GraphKeys.GLOBAL_VARIABLES,
                             tf.GraphKeys.TRAINABLE_VARIABLES}
        g.clear_collection("my_things")
        assert g.get_collection("my_things") == []
        assert "my_things" not in g.get_all_collection_keys()
        g.clear_collection("never_used")        # no error, as TF
        assert g.get_collection("losses_a") == [1.0]


def test_device_scopes_are_accepted_and_ops_are_built(graph_mode):
    g = tf.get_default_graph()
    with tf.device("/cpu:0"):
        a = tf.constant([1.0, 2.0])
        with g.device("/device:CPU:0"):
            b = a * 2.0
        with tf.device(None):
            c = b + 1.0
    assert b.op.graph is g and c.op in g.get_operations()
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(c), [3.0, 5.0])
        devices = sess.list_devices()
    assert [d.device_type for d in devices] == ["CPU"]
    assert devices[0].name == "/job:localhost/replica:0/task:0/device:CPU:0"


# ------------------------------------------------------------------ Variable / Tensor / Operation
def test_initialized_value_initializes_one_variable_from_another(graph_mode):
    v = tf.Variable(3.0, name="v")
    w = tf.Variable(v.initialized_value() * 2.0, name="w")
    with tf.Session() as sess:
        # before v is initialized: its initial value
        assert sess.run(v.initialized_value()) == pytest.approx(3.0)
        sess.run(tf.global_variables_initializer())
        assert sess.run(w) == pytest.approx(6.0)
        sess.run(v.assign(10.0))
        # once initialized: the current value (TF: cond(is_variable_initialized, read, init))
        assert sess.run(v.initialized_value()) == pytest.approx(10.0)


def test_initialized_value_in_eager_mode_is_the_current_value():
    v = tf.Variable([1.0, 2.0])
    v.assign([5.0, 6.0])
    np.testing.assert_allclose(v.initialized_value().numpy(), [5.0, 6.0])


def test_variable_ref_is_a_hashable_reference():
    v, w = tf.Variable(1.0), tf.Variable(1.0)
    r = v.ref()
    assert r.deref() is v
    assert r == v.ref() and hash(r) == hash(v.ref())
    assert r != w.ref()
    assert {v.ref(): "v", w.ref(): "w"}[v.ref()] == "v"
    assert v.experimental_ref() == r


def test_tensor_ref_is_a_hashable_reference():
    x, y = tf.constant([1.0]), tf.constant([1.0])
    assert x.ref().deref() is x
    assert x.ref() == x.ref() and hash(x.ref()) == hash(x.ref())
    assert x.ref() != y.ref()
    assert len({x.ref(), y.ref(), x.ref()}) == 2


def test_variable_set_shape_refines_and_rejects_incompatible(graph_mode):
    v = tf.Variable(np.zeros((2, 3), np.float32), shape=tf.TensorShape([None, 3]))
    assert v.shape.as_list() == [None, 3]
    read = v.value()
    v.set_shape([2, 3])
    assert v.shape.as_list() == [2, 3] and v.get_shape().as_list() == [2, 3]
    assert read.shape.as_list() == [2, 3]
    v.set_shape([None, None])          # compatible, nothing to learn
    assert v.shape.as_list() == [2, 3]
    with pytest.raises(ValueError):
        v.set_shape([4, 3])


def test_tensor_consumers(graph_mode):
    a = tf.constant([[1.0, 2.0]])
    b = tf.constant([[3.0], [4.0]])
    assert a.consumers() == []
    m = tf.matmul(a, b)
    s = tf.reduce_sum(a)
    assert a.consumers() == [m.op, s.op]
    assert b.consumers() == [m.op]
    assert m.consumers() == []


def test_dtype_is_compatible_with():
    assert tf.float32.is_compatible_with(tf.float32)
    assert tf.float32.is_compatible_with("float32")
    assert tf.float32.is_compatible_with(np.float32)
    assert not tf.float32.is_compatible_with(tf.float64)
    assert not tf.int32.is_compatible_with(tf.int64)
    assert tf.int64.is_compatible_with(np.int64)


def test_operation_get_attr_values_and_shape_of(graph_mode):
    a = tf.placeholder(tf.float32, [None, 2])
    b = tf.constant([[1.0], [2.0]])
    m = tf.matmul(a, b, transpose_b=False)
    mt = tf.matmul(b, a, transpose_a=True, transpose_b=True)
    assert m.op.get_attr("transpose_a") is False and m.op.get_attr("transpose_b") is False
    assert mt.op.get_attr("transpose_a") is True and mt.op.get_attr("transpose_b") is True
    with pytest.raises(ValueError, match="Operation 'MatMul' has no attr named 'foo'."):
        m.op.get_attr("foo")
    assert m.op.values() == (m,) and m.op.values() == tuple(m.op.outputs)
    q = tf.unstack(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert q[0].op.values() == tuple(q)
    shp = shape_of(m)
    assert isinstance(shp, tf.TensorShape) and shp.as_list() == [None, 1]
    assert shape_of(b) == tf.TensorShape([2, 1])


# ------------------------------------------------------------------ framework helpers
def test_tensor_shape_scalar_vector_matrix():
    s = tensor_shape.scalar()
    assert isinstance(s, tf.TensorShape) and s.ndims == 0 and s.as_list() == []
    v = tensor_shape.vector(4)
    assert v.as_list() == [4] and v.ndims == 1
    assert tensor_shape.vector(None).as_list() == [None]
    m = tensor_shape.matrix(2, None)
    assert m.as_list() == [2, None] and not m.is_fully_defined()
    assert tensor_shape.matrix(2, 3) == tf.TensorShape([2, 3])


def test_tensor_util_is_tensor(graph_mode):
    assert tensor_util.is_tensor(tf.constant(1.0))
    assert tensor_util.is_tensor(tf.placeholder(tf.float32))
    assert tensor_util.is_tensor(tf.Variable(1.0))
    assert not tensor_util.is_tensor(np.ones(2))
    assert not tensor_util.is_tensor(3.0)
    assert not tensor_util.is_tensor([1.0, 2.0])


def test_contrib_linear_is_fully_connected_without_activation(graph_mode):
    x = tf.constant([[1.0, -2.0]])
    w0 = np.array([[1.0, -1.0, 0.5], [2.0, 1.0, -3.0]], np.float32)
    y = tf.contrib.layers.linear(x, 3, weights_initializer=tf.constant_initializer(w0))
    assert y.shape.as_list() == [1, 3]
    names = sorted(v.name for v in tf.global_variables())
    assert names == ["fully_connected/biases:0", "fully_connected/weights:0"]
    # an explicit activation_fn still wins: linear is partial(fully_connected, activation_fn=None)
    r = tf.contrib.layers.linear(x, 3, weights_initializer=tf.constant_initializer(w0),
                                 activation_fn=tf.nn.relu, scope="with_relu")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, rout = sess.run([y, r])
    np.testing.assert_allclose(out, [[-3.0, -3.0, 6.5]])     # negatives kept: no relu
    np.testing.assert_allclose(rout, [[0.0, 0.0, 6.5]])


# ------------------------------------------------------------------ tf.test.TestCase
class _OpErrorCase(tf.test.TestCase):
    __test__ = False   # run by the pytest functions below, which check its failures

    def test_matching(self):
        x = tf.placeholder(tf.float32, [2])
        with self.test_session() as sess:
            with self.assertRaisesOpError("You must feed a value for placeholder tensor"):
                sess.run(x * 2.0)

    def test_predicate(self):
        x = tf.placeholder(tf.float32, [2])
        with self.test_session() as sess:
            with self.assertRaisesOpError(lambda e: isinstance(e, tf.errors.InvalidArgumentError)):
                sess.run(x + 1.0)

    def test_not_matching(self):
        x = tf.placeholder(tf.float32, [2])
        with self.test_session() as sess:
            with self.assertRaisesOpError("some other message"):
                sess.run(x * 2.0)

    def test_not_raised(self):
        with self.test_session() as sess:
            with self.assertRaisesOpError("anything"):
                sess.run(tf.constant(1.0) + 1.0)


def _run_case(name):
    result = unittest.TestResult()
    _OpErrorCase(name).run(result)
    return result


def test_assert_raises_op_error_passes_on_a_matching_op_error(graph_mode):
    for name in ("test_matching", "test_predicate"):
        result = _run_case(name)
        assert result.wasSuccessful(), result.failures + result.errors


def test_assert_raises_op_error_fails_when_not_matching_or_not_raised(graph_mode):
    for name in ("test_not_matching", "test_not_raised"):
        result = _run_case(name)
        assert len(result.failures) == 1 and not result.errors, (name, result.errors)
    assert "OpError not raised" in _run_case("test_not_raised").failures[0][1]


# ------------------------------------------------------------------ random generators
def test_random_shuffle_with_a_seed_is_a_repeatable_permutation(graph_mode):
    tf.set_random_seed(1)
    s = tf.random.shuffle(tf.range(10), seed=3)
    rows = tf.random_shuffle(tf.reshape(tf.range(6), [3, 2]), seed=4)
    with tf.Session() as sess:
        first, r = sess.run([s, rows])
    with tf.Session() as sess:
        again, r2 = sess.run([s, rows])
    assert sorted(first.tolist()) == list(range(10))
    np.testing.assert_array_equal(first, again)
    # whole rows move together
    assert sorted(map(tuple, r.tolist())) == [(0, 1), (2, 3), (4, 5)]
    np.testing.assert_array_equal(r, r2)


def test_philox_generator_choice_and_shuffle_are_seeded():
    a, b = np.arange(20), np.arange(20)
    assert PhiloxGenerator(5, 7).shuffle(a) is None      # in place, as NumPy's Generator
    PhiloxGenerator(5, 7).shuffle(b)
    assert sorted(a.tolist()) == list(range(20)) and not np.array_equal(a, np.arange(20))
    np.testing.assert_array_equal(a, b)
    c = np.arange(20)
    PhiloxGenerator(5, 8).shuffle(c)
    assert not np.array_equal(a, c)
    pick = PhiloxGenerator(1, 2).choice(10, size=6, replace=False)
    assert len(set(pick.tolist())) == 6 and all(0 <= p < 10 for p in pick)
    np.testing.assert_array_equal(pick, PhiloxGenerator(1, 2).choice(10, size=6, replace=False))
    assert PhiloxGenerator(1, 2).choice(["x", "y"], size=3).shape == (3,)


def test_fast_generator_choice_and_shuffle_follow_numpy_seed():
    np.random.seed(11)
    g1 = FastGenerator()
    np.random.seed(11)
    g2 = FastGenerator()
    a, b = np.arange(15), np.arange(15)
    assert g1.shuffle(a) is None
    g2.shuffle(b)
    assert sorted(a.tolist()) == list(range(15))
    np.testing.assert_array_equal(a, b)
    p1, p2 = g1.choice(8, size=8, replace=False), g2.choice(8, size=8, replace=False)
    assert sorted(p1.tolist()) == list(range(8))
    np.testing.assert_array_equal(p1, p2)
