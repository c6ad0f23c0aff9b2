"""keras.optimizers: every update rule against Keras 2's formulas in NumPy, defaults and configs,
aliases, clipping, decay, schedules, hyperparameters set between steps, in-place updates."""
import math
import warnings

import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import backend as K
from neuroflow.keras.optimizers import schedules
from keras_helpers import fresh_keras  # noqa: F401

W0 = np.array([1.0, -2.0, 0.5])
GRADS = [[0.5, -1.0, 0.0], [0.25, 2.0, -0.3], [-1.0, 0.1, 0.7], [0.2, 0.2, -0.2]]
EPS = 1e-7


def run_steps(opt, grads=GRADS, w0=W0, dtype="float32"):
    w = tf.Variable(w0.astype(dtype))
    out = []
    for g in grads:
        opt.apply_gradients([(tf.constant(np.array(g, dtype)), w)])
        out.append(w.numpy().copy())
    return out


# ---------------------------------------------------------------- NumPy references (Keras 2)
def ref_sgd(lr=0.01, momentum=0.0, nesterov=False):
    w, v = W0.copy(), np.zeros(3)
    for g in map(np.array, GRADS):
        if momentum:
            v = momentum * v - lr * g
            w = w + (momentum * v - lr * g if nesterov else v)
        else:
            w = w - lr * g
        yield w


def ref_rmsprop(lr=0.001, rho=0.9, momentum=0.0, centered=False):
    w, ms, mg, mom = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for g in map(np.array, GRADS):
        ms = rho * ms + (1 - rho) * g ** 2
        mg = rho * mg + (1 - rho) * g
        denom = ms - mg ** 2 if centered else ms
        if momentum:
            mom = momentum * mom + lr * g / np.sqrt(denom + EPS)
            w = w - mom
        else:
            w = w - lr * g / (np.sqrt(denom) + EPS)
        yield w


def ref_adagrad(lr=0.001, init=0.1):
    w, acc = W0.copy(), np.full(3, init)
    for g in map(np.array, GRADS):
        acc = acc + g ** 2
        w = w - lr * g / (np.sqrt(acc) + EPS)
        yield w


def ref_adadelta(lr=0.001, rho=0.95):
    w, ag, av = W0.copy(), np.zeros(3), np.zeros(3)
    for g in map(np.array, GRADS):
        ag = rho * ag + (1 - rho) * g ** 2
        upd = np.sqrt(av + EPS) / np.sqrt(ag + EPS) * g
        w = w - lr * upd
        av = rho * av + (1 - rho) * upd ** 2
        yield w


def ref_adam(lr=0.001, b1=0.9, b2=0.999, amsgrad=False):
    w, m, v, vhat = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for t, g in enumerate(map(np.array, GRADS), start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        vhat = np.maximum(vhat, v)
        lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        w = w - lr_t * m / (np.sqrt(vhat if amsgrad else v) + EPS)
        yield w


def ref_adamax(lr=0.001, b1=0.9, b2=0.999):
    w, m, u = W0.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(map(np.array, GRADS), start=1):
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr / (1 - b1 ** t) * m / (u + EPS)
        yield w


def ref_nadam(lr=0.001, b1=0.9, b2=0.999):
    w, m, v, cache = W0.copy(), np.zeros(3), np.zeros(3), 1.0
    for t, g in enumerate(map(np.array, GRADS), start=1):
        mu_t = b1 * (1 - 0.5 * 0.96 ** (0.004 * t))
        mu_next = b1 * (1 - 0.5 * 0.96 ** (0.004 * (t + 1)))
        cache_new = cache * mu_t
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m_bar = (1 - mu_t) * g / (1 - cache_new) + mu_next * m / (1 - cache_new * mu_next)
        w = w - lr * m_bar / (np.sqrt(v / (1 - b2 ** t)) + EPS)
        cache = cache_new
        yield w


def ref_ftrl(lr=0.001, power=-0.5, init=0.1, l1=0.0, l2=0.0, beta=0.0):
    w, acc, lin = W0.copy(), np.full(3, init), np.zeros(3)
    l2 = l2 + beta / (2 * lr)
    for g in map(np.array, GRADS):
        new_acc = acc + g ** 2
        sigma = (new_acc ** -power - acc ** -power) / lr
        lin = lin + g - sigma * w
        quad = new_acc ** -power / lr + 2 * l2
        w = np.where(np.abs(lin) > l1, (np.sign(lin) * l1 - lin) / quad, 0.0)
        acc = new_acc
        yield w


CASES = [
    ("SGD()", lambda: keras.optimizers.SGD(), ref_sgd()),
    ("SGD(0.1, momentum=0.9)", lambda: keras.optimizers.SGD(0.1, momentum=0.9),
     ref_sgd(0.1, 0.9)),
    ("SGD nesterov", lambda: keras.optimizers.SGD(0.1, 0.9, nesterov=True),
     ref_sgd(0.1, 0.9, True)),
    ("RMSprop()", lambda: keras.optimizers.RMSprop(), ref_rmsprop()),
    ("RMSprop momentum", lambda: keras.optimizers.RMSprop(0.01, momentum=0.5),
     ref_rmsprop(0.01, momentum=0.5)),
    ("RMSprop centered", lambda: keras.optimizers.RMSprop(0.01, centered=True),
     ref_rmsprop(0.01, centered=True)),
    ("RMSprop centered momentum",
     lambda: keras.optimizers.RMSprop(0.01, rho=0.8, momentum=0.5, centered=True),
     ref_rmsprop(0.01, 0.8, 0.5, True)),
    ("Adagrad()", lambda: keras.optimizers.Adagrad(), ref_adagrad()),
    ("Adagrad(0.1, 0.5)", lambda: keras.optimizers.Adagrad(0.1, initial_accumulator_value=0.5),
     ref_adagrad(0.1, 0.5)),
    ("Adadelta()", lambda: keras.optimizers.Adadelta(), ref_adadelta()),
    ("Adadelta(1.0, rho=0.9)", lambda: keras.optimizers.Adadelta(1.0, rho=0.9),
     ref_adadelta(1.0, 0.9)),
    ("Adam()", lambda: keras.optimizers.Adam(), ref_adam()),
    ("Adam amsgrad", lambda: keras.optimizers.Adam(0.1, 0.8, 0.99, amsgrad=True),
     ref_adam(0.1, 0.8, 0.99, True)),
    ("Adamax()", lambda: keras.optimizers.Adamax(), ref_adamax()),
    ("Adamax(0.1)", lambda: keras.optimizers.Adamax(0.1, beta_2=0.9), ref_adamax(0.1, b2=0.9)),
    ("Nadam()", lambda: keras.optimizers.Nadam(), ref_nadam()),
    ("Nadam(0.1)", lambda: keras.optimizers.Nadam(0.1, beta_1=0.8), ref_nadam(0.1, 0.8)),
    ("Ftrl()", lambda: keras.optimizers.Ftrl(), ref_ftrl()),
    ("Ftrl l1 l2 beta", lambda: keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01,
                                                      l2_regularization_strength=0.1, beta=0.5),
     ref_ftrl(0.1, l1=0.01, l2=0.1, beta=0.5)),
]


@pytest.mark.parametrize("make,reference", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_update_rules_match_keras(make, reference):
    for got, want in zip(run_steps(make()), reference):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("make,reference", [c[1:] for c in CASES[::3]],
                         ids=[c[0] for c in CASES[::3]])
def test_update_rules_float64(make, reference):
    for got, want in zip(run_steps(make(), dtype="float64"), reference):
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_keras_docstring_examples():
    """The numbers the Keras 2 docstrings show for one minimize step of (var^2) / 2."""
    def one_step(opt, start=10.0, steps=1):
        var = tf.Variable(start)
        for _ in range(steps):
            count = opt.minimize(lambda: (var ** 2) / 2.0, [var])
        return var.numpy(), count.numpy()

    assert one_step(keras.optimizers.SGD(learning_rate=0.1), 1.0) == (np.float32(0.9), 1)
    opt, var = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), tf.Variable(1.0)
    val0 = var.value()
    opt.minimize(lambda: (var ** 2) / 2.0, [var])
    val1 = var.value()
    assert "%.2f" % (val0 - val1).numpy() == "0.10"    # earlier reads keep their values
    opt.minimize(lambda: (var ** 2) / 2.0, [var])
    assert "%.2f" % (val1 - var.value()).numpy() == "0.18"
    assert "%.6f" % one_step(keras.optimizers.RMSprop(learning_rate=0.1))[0] == "9.683772"
    assert "%.1f" % one_step(keras.optimizers.Adam(learning_rate=0.1))[0] == "9.9"
    assert "%.1f" % one_step(keras.optimizers.Nadam(learning_rate=0.2))[0] == "9.8"


DEFAULTS = {
    "SGD": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
    "RMSprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-07,
                "centered": False},
    "Adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-07},
    "Adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-07},
    "Adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
             "amsgrad": False},
    "Adamax": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07},
    "Nadam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
              "decay": 0.004},
    "Ftrl": {"learning_rate": 0.001, "learning_rate_power": -0.5,
             "initial_accumulator_value": 0.1, "l1_regularization_strength": 0.0,
             "l2_regularization_strength": 0.0, "l2_shrinkage_regularization_strength": 0.0,
             "beta": 0.0},
}


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_defaults_aliases_and_config_round_trip(name):
    cls = getattr(keras.optimizers, name)
    opt = cls()
    assert opt.get_config() == dict(DEFAULTS[name], name=name)
    for alias in (name, name.lower(), name.upper()):
        assert type(keras.optimizers.get(alias)) is cls
    assert type(getattr(keras.optimizers.legacy, name)()) is cls
    again = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert type(again) is cls and again.get_config() == opt.get_config()
    assert cls.from_config(opt.get_config()).get_config() == opt.get_config()
    assert keras.optimizers.get({"class_name": name, "config": {}}).get_config() == \
        opt.get_config()


def test_get_errors_and_instances():
    opt = keras.optimizers.Adam()
    assert keras.optimizers.get(opt) is opt
    tf1 = tf.train.GradientDescentOptimizer(0.1)
    assert keras.optimizers.get(tf1) is tf1
    with pytest.raises(ValueError, match="Unknown optimizer: nope"):
        keras.optimizers.get("nope")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 3"):
        keras.optimizers.get(3)
    with pytest.raises(TypeError, match="Unexpected keyword argument passed to optimizer: rate"):
        keras.optimizers.SGD(rate=0.1)
    with pytest.raises(ValueError, match="Expected clipnorm >= 0, received: -1"):
        keras.optimizers.SGD(clipnorm=-1)
    with pytest.raises(ValueError, match="Cannot accept both `clipnorm` and `global_clipnorm`"):
        keras.optimizers.Adam(clipnorm=1.0, global_clipnorm=1.0)
    with pytest.raises(ValueError, match=r"`momentum` must be between \[0, 1\]"):
        keras.optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="initial_accumulator_value must be non-negative"):
        keras.optimizers.Adagrad(initial_accumulator_value=-1.0)


def test_legacy_lr_alias_and_decay():
    with pytest.warns(UserWarning, match="The `lr` argument is deprecated"):
        opt = keras.optimizers.Adam(lr=0.5)
    assert K.get_value(opt.lr) == 0.5 and opt.lr is opt.learning_rate
    assert keras.optimizers.SGD.from_config({"lr": 0.3, "name": "SGD"}).get_config()[
        "learning_rate"] == 0.3
    # Keras 2's time decay: lr / (1 + decay * iterations), iterations counted before the step
    got = run_steps(keras.optimizers.SGD(1.0, decay=0.5), [[1, 1, 1]] * 3)
    lrs = [1.0 / (1 + 0.5 * i) for i in range(3)]
    np.testing.assert_allclose(got[-1], W0 - sum(lrs), rtol=1e-6)
    assert keras.optimizers.SGD(decay=0.5).get_config()["decay"] == 0.5


def test_clipping():
    got = run_steps(keras.optimizers.SGD(1.0, clipvalue=0.5), [[2.0, -0.1, -3]])[0]
    np.testing.assert_allclose(got, W0 - [0.5, -0.1, -0.5], rtol=1e-6)
    got = run_steps(keras.optimizers.SGD(1.0, clipnorm=1.0), [[3.0, 4.0, 0]])[0]
    np.testing.assert_allclose(got, W0 - [0.6, 0.8, 0.0], rtol=1e-6)
    w1, w2 = tf.Variable(np.zeros(1, "float32")), tf.Variable(np.zeros(1, "float32"))
    opt = keras.optimizers.SGD(1.0, global_clipnorm=1.0)
    opt.apply_gradients([(tf.constant([3.0]), w1), (tf.constant([4.0]), w2)])
    np.testing.assert_allclose([w1.numpy()[0], w2.numpy()[0]], [-0.6, -0.8], rtol=1e-6)
    assert opt.get_config()["global_clipnorm"] == 1.0


def test_iterations_weights_order_and_slots():
    a, b = tf.Variable(np.ones((2, 2), "float32"), name="a"), tf.Variable(np.ones(2, "float32"),
                                                                          name="b")
    opt = keras.optimizers.Adam()
    step = opt.apply_gradients(zip([tf.ones((2, 2)), tf.ones(2)], [a, b]))
    assert int(step.numpy()) == 1 and int(opt.iterations.numpy()) == 1
    # Keras's order: iterations, every variable's m, then every v
    assert [v.name for v in opt.weights] == ["Adam/iter:0", "Adam/a/m:0", "Adam/b/m:0",
                                             "Adam/a/v:0", "Adam/b/v:0"]
    assert opt.get_slot(a, "m") is opt.weights[1] and opt.get_slot_names() == ["m", "v"]
    ws = opt.get_weights()
    opt.set_weights([np.int64(7)] + ws[1:])
    assert int(K.get_value(opt.iterations)) == 7
    with pytest.raises(ValueError, match="with a weight list of length 1"):
        opt.set_weights(ws[:1])
    nadam = keras.optimizers.Nadam()
    nadam.apply_gradients([(tf.ones(2), b)])
    assert [v.name for v in nadam.weights][:2] == ["Nadam/iter:0", "Nadam/momentum_cache:0"]
    np.testing.assert_allclose(K.get_value(nadam.weights[1]), 0.9 * (1 - 0.5 * 0.96 ** 0.004),
                               rtol=1e-6)
    with pytest.warns(UserWarning, match="Gradients do not exist for variables"):
        opt.apply_gradients([(tf.ones(2), b), (None, a)])
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, a)])


def test_hyperparameters_are_variables_set_between_steps():
    opt = keras.optimizers.SGD(0.1, momentum=0.5)
    w = tf.Variable(np.zeros(1, "float32"))
    opt.apply_gradients([(tf.constant([1.0]), w)])     # v = -0.1, w = -0.1
    K.set_value(opt.lr, 1.0)
    opt.momentum = 0.0
    opt.apply_gradients([(tf.constant([1.0]), w)])     # v = -1.0, w = -1.1
    np.testing.assert_allclose(w.numpy(), [-1.1], rtol=1e-6)
    opt.learning_rate = 0.25
    assert K.get_value(opt.learning_rate) == 0.25 and opt.get_config()["learning_rate"] == 0.25
    assert "lr" in dir(opt)
    with pytest.raises(AttributeError, match="'SGD' object has no attribute 'nope'"):
        opt.nope


def test_learning_rate_changes_inside_compiled_fit():
    """fit's plan reads the learning-rate variable every step: a callback can change it."""
    model = keras.Sequential([keras.layers.Dense(1, input_dim=1, use_bias=False,
                                                 kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(0.0), "mse")
    x, y = np.ones((4, 1), "float32"), np.ones((4, 1), "float32")
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    assert model.get_weights()[0][0, 0] == 0.0
    kernel = model.trainable_weights[0]
    before = kernel._value
    K.set_value(model.optimizer.lr, 0.5)      # the LR callbacks' way
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    np.testing.assert_allclose(model.get_weights()[0], [[1.0]])   # w -= 0.5 * 2 * (w - 1)
    assert kernel._value is before            # updated in place, no new array per step
    assert int(K.get_value(model.optimizer.iterations)) == 3


@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax",
                                  "nadam", "ftrl"])
def test_every_optimizer_trains_a_model_in_place(name):
    rng = np.random.RandomState(0)
    x = rng.randn(64, 3).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    model = keras.Sequential([keras.layers.Dense(1, input_dim=3)])
    opt = keras.optimizers.get(name)
    K.set_value(opt.learning_rate, 1.0 if name in ("adadelta", "ftrl") else 0.05)
    model.compile(opt, "mse")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    slots = [opt.get_slot(v, n) for n in opt.get_slot_names() for v in model.trainable_weights]
    arrays = [s._value for s in slots + model.trainable_weights]
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert model.evaluate(x, y, verbose=0) < first
    # weights and slots are updated in place: the same arrays after 12 more steps
    assert all(s._value is a for s, a in zip(slots + model.trainable_weights, arrays))


def test_eager_reads_keep_their_values():
    w = tf.Variable([1.0, 2.0])
    before = w.read_value()
    keras.optimizers.Adam(0.1).apply_gradients([(tf.constant([1.0, 1.0]), w)])
    np.testing.assert_allclose(before.numpy(), [1.0, 2.0])
    assert w.numpy()[0] < 1.0


def test_minimize_forms():
    w = tf.Variable(3.0)
    opt = keras.optimizers.SGD(0.25)
    opt.minimize(lambda: w * w, var_list=lambda: [w])
    np.testing.assert_allclose(w.numpy(), 1.5)
    with tf.GradientTape() as tape:
        loss = w * w
    opt.minimize(loss, [w], tape=tape)
    np.testing.assert_allclose(w.numpy(), 0.75)
    with pytest.raises(ValueError, match="`tape` is required when a `Tensor` loss is passed"):
        opt.minimize(w * w, [w])


def test_apply_gradients_in_tf1_graph(graph_mode):
    x = tf.placeholder(tf.float32, [None])
    w = tf.Variable(0.0)
    loss = tf.reduce_mean(tf.square(x * w - 2 * x))
    opt = keras.optimizers.Adam(0.1)
    train = opt.minimize(loss, [w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(200):
            sess.run(train, {x: [1.0, 2.0]})
        assert abs(sess.run(w) - 2.0) < 0.05
    grads = opt.get_gradients(loss, [w])
    assert len(grads) == 1 and len(opt.get_updates(loss, [w])) == 1


# ---------------------------------------------------------------- schedules
SCHEDULES = [
    (schedules.ExponentialDecay(0.1, 10, 0.5), lambda s: 0.1 * 0.5 ** (s / 10)),
    (schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
     lambda s: 0.1 * 0.5 ** (s // 10)),
    (schedules.PiecewiseConstantDecay([5, 15], [1.0, 0.5, 0.1]),
     lambda s: 1.0 if s <= 5 else 0.5 if s <= 15 else 0.1),
    (schedules.PolynomialDecay(0.1, 20, 0.01, power=0.5),
     lambda s: (0.1 - 0.01) * (1 - min(s, 20) / 20) ** 0.5 + 0.01),
    (schedules.PolynomialDecay(0.1, 20, 0.01, cycle=True),
     lambda s: (0.1 - 0.01) * (1 - s / (20 * max(1, math.ceil(s / 20)))) + 0.01),
    (schedules.InverseTimeDecay(0.1, 10, 0.5), lambda s: 0.1 / (1 + 0.5 * s / 10)),
    (schedules.InverseTimeDecay(0.1, 10, 0.5, staircase=True),
     lambda s: 0.1 / (1 + 0.5 * (s // 10))),
    (schedules.CosineDecay(0.1, 20, alpha=0.1),
     lambda s: 0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(s, 20) / 20)) + 0.1)),
    (schedules.CosineDecayRestarts(0.1, 10, t_mul=1.0),
     lambda s: 0.1 * 0.5 * (1 + math.cos(math.pi * ((s / 10) % 1)))),
    (schedules.CosineDecayRestarts(0.1, 10, t_mul=2.0, m_mul=0.5),
     lambda s: 0.1 * 0.5 ** (0 if s < 10 else 1) * 0.5 * (
         1 + math.cos(math.pi * (s / 10 if s < 10 else (s - 10) / 20)))),
]


@pytest.mark.parametrize("schedule,formula", SCHEDULES,
                         ids=[type(s).__name__ + str(i) for i, (s, _) in enumerate(SCHEDULES)])
def test_schedule_values_and_config(schedule, formula):
    for step in (0, 1, 5, 6, 10, 15, 16, 25, 29):
        got = schedule(step)
        assert got.dtype == tf.float32
        np.testing.assert_allclose(got.numpy(), formula(step), rtol=1e-5, err_msg=str(step))
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule) and again.get_config() == schedule.get_config()


def test_schedule_drives_the_optimizer_and_serializes():
    lr = schedules.PiecewiseConstantDecay([1], [1.0, 0.1])
    opt = keras.optimizers.SGD(learning_rate=lr)
    got = run_steps(opt, [[1, 1, 1]] * 3)
    np.testing.assert_allclose(got[-1], W0 - 1.0 - 1.0 - 0.1, rtol=1e-6)  # steps 0, 1 <= 1
    assert opt.lr is lr
    np.testing.assert_allclose(opt._decayed_lr().numpy(), 0.1)
    config = keras.optimizers.serialize(opt)
    assert config["config"]["learning_rate"] == {
        "class_name": "PiecewiseConstantDecay",
        "config": {"boundaries": [1], "values": [1.0, 0.1], "name": None}}
    again = keras.optimizers.deserialize(config)
    assert isinstance(again.learning_rate, schedules.PiecewiseConstantDecay)
    # in fit: the rate is one node of the compiled step, read at every step
    model = keras.Sequential([keras.layers.Dense(1, input_dim=1, use_bias=False,
                                                 kernel_initializer="zeros")])
    model.compile(keras.optimizers.SGD(schedules.ExponentialDecay(0.5, 1, 0.5)), "mse")
    model.fit(np.ones((2, 1)), np.ones((2, 1)), batch_size=2, epochs=2, verbose=0)
    w1 = 0.5 * 2                       # step 0, lr 0.5: w = 0 - 0.5 * 2 * (0 - 1)
    w2 = w1 - 0.25 * 2 * (w1 - 1)      # step 1, lr 0.25
    np.testing.assert_allclose(model.get_weights()[0], [[w2]], rtol=1e-6)
    with pytest.raises(ValueError, match="does not support"):
        keras.optimizers.Nadam(learning_rate=lr)
    with pytest.raises(ValueError, match="The length of boundaries should be 1 less"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0])


def test_user_schedule_and_callable_learning_rate():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / (tf.cast(step, tf.float32) + 1.0)

        def get_config(self):
            return {}

    got = run_steps(keras.optimizers.SGD(Halving()), [[1, 1, 1]] * 2)
    np.testing.assert_allclose(got[-1], W0 - 1.0 - 0.5, rtol=1e-6)
    got = run_steps(keras.optimizers.Adagrad(lambda: 0.5, initial_accumulator_value=0.0),
                    [[1, 1, 1]])
    np.testing.assert_allclose(got[0], W0 - 0.5, rtol=1e-5, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keras.optimizers.SGD(learning_rate=0.1)    # no warning without lr=
