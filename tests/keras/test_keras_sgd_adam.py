"""The minimal optimizers (SGD, RMSprop, Adam) against their update formulas in NumPy."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import backend as K
from keras_helpers import fresh_keras  # noqa: F401


def one_variable_steps(opt, grads):
    w = tf.Variable(np.array([1.0, -2.0], "float32"))
    out = []
    for g in grads:
        opt.apply_gradients([(tf.constant(np.array(g, "float32")), w)])
        out.append(w.numpy().copy())
    return out


GRADS = [[0.5, -1.0], [0.25, 2.0], [-1.0, 0.1]]


def test_sgd_defaults_and_legacy_lr():
    opt = keras.optimizers.SGD()
    np.testing.assert_allclose(K.get_value(opt.learning_rate), 0.01)
    assert K.get_value(keras.optimizers.SGD(lr=0.5).lr) == 0.5
    assert opt.get_config() == {"name": "SGD", "learning_rate": 0.01, "momentum": 0.0,
                                "nesterov": False}
    with pytest.raises(TypeError, match="Unexpected keyword argument"):
        keras.optimizers.SGD(rate=0.1)


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd_update(momentum, nesterov):
    got = one_variable_steps(keras.optimizers.SGD(0.1, momentum=momentum, nesterov=nesterov), GRADS)
    w, v = np.array([1.0, -2.0]), np.zeros(2)
    for g, out in zip(GRADS, got):
        g = np.array(g)
        v = momentum * v - 0.1 * g
        w = w + (momentum * v - 0.1 * g if nesterov else v)
        np.testing.assert_allclose(out, w, rtol=1e-5)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_update(amsgrad):
    got = one_variable_steps(keras.optimizers.Adam(0.1, amsgrad=amsgrad), GRADS)
    w, m, v, vhat = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2), np.zeros(2)
    for t, (g, out) in enumerate(zip(GRADS, got), start=1):
        g = np.array(g)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        vhat = np.maximum(vhat, v)
        lr_t = 0.1 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        w = w - lr_t * m / (np.sqrt(vhat if amsgrad else v) + 1e-7)
        np.testing.assert_allclose(out, w, rtol=1e-5)


@pytest.mark.parametrize("momentum,centered", [(0.0, False), (0.5, False), (0.0, True)])
def test_rmsprop_update(momentum, centered):
    got = one_variable_steps(keras.optimizers.RMSprop(0.01, momentum=momentum, centered=centered),
                             GRADS)
    w, ms, mom, mg = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2), np.zeros(2)
    for g, out in zip(GRADS, got):
        g = np.array(g)
        ms = 0.9 * ms + 0.1 * g * g
        mg = 0.9 * mg + 0.1 * g
        denom = ms - mg * mg if centered else ms
        if momentum:
            mom = momentum * mom + 0.01 * g / np.sqrt(denom + 1e-7)
            w = w - mom
        else:
            w = w - 0.01 * g / (np.sqrt(denom) + 1e-7)
        np.testing.assert_allclose(out, w, rtol=1e-5)


def test_clipping_decay_and_constraints():
    got = one_variable_steps(keras.optimizers.SGD(1.0, clipvalue=0.5), [[2.0, -0.1]])
    np.testing.assert_allclose(got[0], [0.5, -1.9], rtol=1e-6)
    got = one_variable_steps(keras.optimizers.SGD(1.0, clipnorm=1.0), [[3.0, 4.0]])
    np.testing.assert_allclose(got[0], [0.4, -2.8], rtol=1e-6)
    got = one_variable_steps(keras.optimizers.SGD(1.0, decay=1.0), [[1.0, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(got[1], [1.0 - 1.0 - 0.5, -2.0 - 1.0 - 0.5], rtol=1e-6)
    model = keras.Sequential([keras.layers.Dense(1, input_dim=2, use_bias=False,
                                                 kernel_constraint=keras.constraints.non_neg())])
    model.compile(keras.optimizers.SGD(1.0), "mse")
    model.fit(np.ones((4, 2)), np.full((4, 1), -10.0), verbose=0)
    assert (model.get_weights()[0] >= 0).all()


def test_string_aliases_minimize_and_weights():
    assert isinstance(keras.optimizers.get("adam"), keras.optimizers.Adam)
    assert isinstance(keras.optimizers.get("RMSprop"), keras.optimizers.RMSprop)
    opt = keras.optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.2}})
    np.testing.assert_allclose(K.get_value(opt.lr), 0.2)
    with pytest.raises(ValueError):
        keras.optimizers.get("nope")
    w = tf.Variable(3.0)
    opt = keras.optimizers.SGD(0.25)
    opt.minimize(lambda: w * w, var_list=[w])
    np.testing.assert_allclose(w.numpy(), 1.5)
    opt.lr = 0.5
    np.testing.assert_allclose(K.get_value(opt.learning_rate), 0.5)
    adam = keras.optimizers.Adam()
    one_variable_steps(adam, GRADS[:1])
    ws = adam.get_weights()
    assert len(ws) == 3 and ws[0] == 1
    adam.set_weights([np.int64(5)] + ws[1:])
    assert int(adam.iterations.numpy()) == 5


def test_keras_optimizer_in_tf1_graph_mode(graph_mode):
    x = tf.placeholder(tf.float32, [None])
    w = tf.Variable(0.0)
    loss = tf.reduce_mean(tf.square(x * w - 2 * x))
    opt = keras.optimizers.SGD(0.1)
    train = opt.apply_gradients(zip(tf.gradients(loss, [w]), [w]))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(50):
            sess.run(train, {x: [1.0, 2.0]})
        assert abs(sess.run(w) - 2.0) < 1e-2
