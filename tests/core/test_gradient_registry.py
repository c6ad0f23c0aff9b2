"""tf.RegisterGradient, tf.no_gradient / tf.NoGradient and Graph.gradient_override_map."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow.core import gradient_registry


@pytest.fixture(autouse=True)
def _clean_registry():
    saved = dict(gradient_registry._registry), set(gradient_registry._no_gradient)
    yield
    gradient_registry._registry.clear()
    gradient_registry._registry.update(saved[0])
    gradient_registry._no_gradient.clear()
    gradient_registry._no_gradient.update(saved[1])


def test_registered_gradient_replaces_the_ops_own_inside_the_override_map(graph_mode):
    @tf.RegisterGradient("ClippedSquare")
    def _clipped(op, grad):
        assert op.type == "Square" and len(op.inputs) == 1
        return tf.clip_by_value(2.0 * op.inputs[0] * grad, -1.0, 1.0)

    x = tf.placeholder(tf.float32, [3])
    g = tf.get_default_graph()
    with g.gradient_override_map({"Square": "ClippedSquare"}):
        y = tf.square(x)
    z = tf.square(x)   # outside the map: the usual gradient
    gy, = tf.gradients(tf.reduce_sum(y), x)
    gz, = tf.gradients(tf.reduce_sum(z), x)
    with tf.Session() as sess:
        a, b = sess.run([gy, gz], {x: [0.1, 1.0, -3.0]})
    np.testing.assert_allclose(a, [0.2, 1.0, -1.0], rtol=1e-6)
    np.testing.assert_allclose(b, [0.2, 2.0, -6.0], rtol=1e-6)


def test_identity_override_is_the_straight_through_estimator(graph_mode):
    x = tf.placeholder(tf.float32, [3])
    with tf.get_default_graph().gradient_override_map({"Round": "Identity"}):
        q = tf.round(x * 4.0) / 4.0
    g, = tf.gradients(tf.reduce_sum(q), x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: [0.1, 0.6, -2.0]}), [1.0, 1.0, 1.0])


def test_override_in_eager_mode_through_gradient_tape():
    @tf.RegisterGradient("HalfGrad")
    def _half(op, grad):
        return 0.5 * grad

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        with tf.get_default_graph().gradient_override_map({"Identity": "HalfGrad"}):
            y = tf.identity(x)
        s = tf.reduce_sum(y * 3.0)
    np.testing.assert_allclose(tape.gradient(s, x).numpy(), [1.5, 1.5])


def test_no_gradient_stops_the_gradient_of_the_named_override(graph_mode):
    tf.no_gradient("Blocked")
    x = tf.placeholder(tf.float32, [2])
    with tf.get_default_graph().gradient_override_map({"Exp": "Blocked"}):
        y = tf.exp(x)
    assert tf.gradients(tf.reduce_sum(y), x) == [None]
    tf.NoGradient("AlsoBlocked")
    assert "AlsoBlocked" in gradient_registry._no_gradient


def test_registration_errors():
    tf.RegisterGradient("Twice")(lambda op, g: g)
    with pytest.raises(KeyError, match="Registering two gradient with name 'Twice'"):
        tf.RegisterGradient("Twice")(lambda op, g: g)
    with pytest.raises(TypeError, match="op_type must be a string"):
        tf.RegisterGradient(3)
    with pytest.raises(TypeError, match="op_type must be a string"):
        tf.no_gradient(None)
    with pytest.raises(TypeError, match="mapping strings to strings"):
        with tf.get_default_graph().gradient_override_map({"Square": 1}):
            pass


def test_an_unregistered_override_name_fails_clearly(graph_mode):
    x = tf.placeholder(tf.float32, [2])
    with tf.get_default_graph().gradient_override_map({"Square": "NobodyRegisteredThis"}):
        y = tf.square(x)
    with pytest.raises(LookupError, match="NobodyRegisteredThis"):
        tf.gradients(tf.reduce_sum(y), x)
