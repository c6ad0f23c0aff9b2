"""keras.losses: every function and alias against NumPy (forward and gradients), the numbers in
Keras's own docstrings, reductions and sample weights, the logits shortcut, (de)serialization."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import losses
from helpers import check_op
from keras_helpers import fresh_keras  # noqa: F401

EPS = 1e-7


def np_softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_l2n(x):
    return x / np.sqrt(np.maximum((x * x).sum(-1, keepdims=True), 1e-12))


def np_hinge_labels(y):
    return 2 * y - 1 if np.isin(y, (0, 1)).all() else y


# name, function, NumPy reference, input range
REFERENCES = [
    ("mean_squared_error", losses.mean_squared_error, lambda t, p: ((p - t) ** 2).mean(-1), None),
    ("mse", losses.mse, lambda t, p: ((p - t) ** 2).mean(-1), None),
    ("MSE", losses.MSE, lambda t, p: ((p - t) ** 2).mean(-1), None),
    ("mean_absolute_error", losses.mean_absolute_error, lambda t, p: np.abs(p - t).mean(-1), None),
    ("mae", losses.mae, lambda t, p: np.abs(p - t).mean(-1), None),
    ("MAE", losses.MAE, lambda t, p: np.abs(p - t).mean(-1), None),
    ("mape", losses.mape,
     lambda t, p: 100 * np.abs((t - p) / np.maximum(np.abs(t), EPS)).mean(-1), None),
    ("MAPE", losses.MAPE,
     lambda t, p: 100 * np.abs((t - p) / np.maximum(np.abs(t), EPS)).mean(-1), None),
    ("mean_absolute_percentage_error", losses.mean_absolute_percentage_error,
     lambda t, p: 100 * np.abs((t - p) / np.maximum(np.abs(t), EPS)).mean(-1), None),
    ("msle", losses.msle,
     lambda t, p: ((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2).mean(-1),
     (0.1, 3.0)),
    ("MSLE", losses.MSLE,
     lambda t, p: ((np.log(p + 1) - np.log(t + 1)) ** 2).mean(-1), (0.1, 3.0)),
    ("mean_squared_logarithmic_error", losses.mean_squared_logarithmic_error,
     lambda t, p: ((np.log(p + 1) - np.log(t + 1)) ** 2).mean(-1), (0.1, 3.0)),
    ("huber", losses.huber,
     lambda t, p: np.where(np.abs(p - t) <= 1, 0.5 * (p - t) ** 2, np.abs(p - t) - 0.5).mean(-1),
     None),
    ("log_cosh", losses.log_cosh, lambda t, p: np.log(np.cosh(p - t)).mean(-1), None),
    ("logcosh", losses.logcosh, lambda t, p: np.log(np.cosh(p - t)).mean(-1), None),
    ("cosine_similarity", losses.cosine_similarity,
     lambda t, p: -(np_l2n(t) * np_l2n(p)).sum(-1), None),
    ("poisson", losses.poisson, lambda t, p: (p - t * np.log(p + EPS)).mean(-1), (0.1, 3.0)),
    ("kl_divergence", losses.kl_divergence, lambda t, p: (t * np.log(t / p)).sum(-1), (0.05, 1.0)),
    ("kld", losses.kld, lambda t, p: (t * np.log(t / p)).sum(-1), (0.05, 1.0)),
    ("KLD", losses.KLD, lambda t, p: (t * np.log(t / p)).sum(-1), (0.05, 1.0)),
    ("kullback_leibler_divergence", losses.kullback_leibler_divergence,
     lambda t, p: (t * np.log(t / p)).sum(-1), (0.05, 1.0)),
    ("hinge", losses.hinge,
     lambda t, p: np.maximum(1 - np_hinge_labels(t) * p, 0).mean(-1), None),
    ("squared_hinge", losses.squared_hinge,
     lambda t, p: (np.maximum(1 - np_hinge_labels(t) * p, 0) ** 2).mean(-1), None),
    ("categorical_hinge", losses.categorical_hinge,
     lambda t, p: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0), None),
    ("categorical_crossentropy", losses.categorical_crossentropy,
     lambda t, p: -(t * np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS))).sum(-1),
     (0.05, 1.0)),
    ("binary_crossentropy", losses.binary_crossentropy,
     lambda t, p: -(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS)).mean(-1), (0.05, 0.95)),
    ("bce", losses.bce,
     lambda t, p: -(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS)).mean(-1), (0.05, 0.95)),
    ("BCE", losses.BCE,
     lambda t, p: -(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS)).mean(-1), (0.05, 0.95)),
]


@pytest.mark.parametrize("fn,ref,rng_", [r[1:] for r in REFERENCES], ids=[r[0] for r in REFERENCES])
@pytest.mark.parametrize("shape", [(3, 4), (2, 2, 3)])
def test_loss_functions_forward_and_gradient(fn, ref, rng_, shape):
    rng = np.random.RandomState(1)
    lo, hi = rng_ or (-2.0, 2.0)
    t = rng.uniform(lo, hi, shape)
    p = rng.uniform(lo, hi, shape)
    # away from the kinks of |x|, max(x, 0) and the Huber switch, where gradients are one-sided
    p = np.where(np.abs(p - t) < 0.05, p + 0.1, p)
    p = np.where(np.abs(1 - t * p) < 0.05, p + 0.1, p)
    check_op(lambda p_: fn(tf.constant(t), p_), lambda p_: ref(t, p_), None, inputs=[p])


def test_hinge_keeps_labels_that_are_not_zero_one():
    t = np.array([[-1.0, 1.0, -1.0]])
    p = np.array([[0.3, -0.2, 0.8]])
    np.testing.assert_allclose(losses.hinge(t, p).numpy(), np.maximum(1 - t * p, 0).mean(-1))


@pytest.mark.parametrize("cls,kwargs,y_true,y_pred,expected", [
    # the numbers printed in Keras 2's docstrings
    (losses.MeanSquaredError, {}, [[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]], 0.5),
    (losses.MeanAbsoluteError, {}, [[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]], 0.5),
    (losses.MeanAbsolutePercentageError, {}, [[2., 1.], [2., 3.]], [[1., 1.], [1., 0.]], 50.0),
    (losses.MeanSquaredLogarithmicError, {}, [[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]], 0.240),
    (losses.BinaryCrossentropy, {}, [[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]], 0.815),
    (losses.BinaryCrossentropy, {"from_logits": True}, [[0, 1], [0, 0]],
     [[-18.6, 0.51], [2.94, -12.8]], 0.865),
    (losses.CategoricalCrossentropy, {}, [[0, 1, 0], [0, 0, 1]],
     [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], 1.177),
    (losses.SparseCategoricalCrossentropy, {}, [1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]],
     1.177),
    (losses.Hinge, {}, [[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]], 1.3),
    (losses.SquaredHinge, {}, [[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]], 1.86),
    (losses.CategoricalHinge, {}, [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], 1.4),
    (losses.Poisson, {}, [[0., 1.], [0., 0.]], [[1., 1.], [0., 0.]], 0.5),
    (losses.KLDivergence, {}, [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], 0.458),
    (losses.Huber, {}, [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], 0.155),
    (losses.LogCosh, {}, [[0., 1.], [0., 0.]], [[1., 1.], [0., 0.]], 0.108),
    (losses.CosineSimilarity, {"axis": 1}, [[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]], -0.5),
])
def test_keras_docstring_values(cls, kwargs, y_true, y_pred, expected):
    loss = cls(**kwargs)
    got = loss(np.array(y_true, "float32"), np.array(y_pred, "float32")).numpy()
    assert got.dtype == np.float32 and got.shape == ()
    np.testing.assert_allclose(got, expected, atol=1e-3)


def test_reductions_and_sample_weights():
    t = np.array([[0., 1., 0.], [0., 0., 1.]], "float32")
    p = np.array([[0.05, 0.95, 0.], [0.1, 0.8, 0.1]], "float32")
    cce = losses.CategoricalCrossentropy
    np.testing.assert_allclose(cce()(t, p, sample_weight=[0.3, 0.7]).numpy(), 0.814, atol=1e-3)
    np.testing.assert_allclose(cce(reduction="sum")(t, p).numpy(), 2.354, atol=1e-3)
    np.testing.assert_allclose(cce(reduction=losses.Reduction.NONE)(t, p).numpy(),
                               [0.0513, 2.303], atol=1e-3)
    mse = losses.MeanSquaredError(reduction=losses.Reduction.SUM_OVER_BATCH_SIZE)
    t2, p2 = np.array([[0., 1.], [0., 0.]]), np.array([[1., 1.], [1., 0.]])
    np.testing.assert_allclose(mse(t2, p2, sample_weight=[0.7, 0.3]).numpy(), 0.25)
    np.testing.assert_allclose(mse(t2, p2, sample_weight=[[0.7], [0.3]]).numpy(), 0.25)
    np.testing.assert_allclose(mse(t2, p2, sample_weight=2.0).numpy(), 1.0)
    # a zero weight still counts in the batch size, as Keras divides by the number of values
    np.testing.assert_allclose(mse(t2, p2, sample_weight=[1.0, 0.0]).numpy(), 0.25)
    bce = losses.BinaryCrossentropy(reduction="none")
    np.testing.assert_allclose(bce([[0., 1.], [0., 0.]], [[0.6, 0.4], [0.4, 0.6]]).numpy(),
                               [0.916, 0.714], atol=1e-3)
    assert losses.Reduction.all() == ("auto", "none", "sum", "sum_over_batch_size")
    with pytest.raises(ValueError, match="Invalid Reduction Key: mean"):
        losses.MeanSquaredError(reduction="mean")


def test_wrapper_drops_a_lone_trailing_axis_of_one():
    t = np.array([1.0, 0.0, 1.0])
    p = np.array([[0.5], [0.5], [1.0]])
    np.testing.assert_allclose(losses.MeanSquaredError()(t, p).numpy(), np.mean([0.25, 0.25, 0]))
    np.testing.assert_allclose(losses.MeanSquaredError()(p, t).numpy(), np.mean([0.25, 0.25, 0]))


def test_label_smoothing_axis_and_logits():
    t = np.array([[0., 1., 0.], [1., 0., 0.]])
    z = np.array([[0.5, 2.0, -1.0], [0.1, 0.2, 0.3]])
    p = np_softmax(z)
    ts = t * 0.8 + 0.2 / 3
    np.testing.assert_allclose(
        losses.categorical_crossentropy(t, z, from_logits=True, label_smoothing=0.2).numpy(),
        -(ts * np.log(p)).sum(-1), rtol=1e-6)
    np.testing.assert_allclose(losses.categorical_crossentropy(t.T, p.T, axis=0).numpy(),
                               -(t * np.log(p)).sum(-1), rtol=1e-6)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy([1, 0], z, from_logits=True)
                               .numpy(), -np.log(p[[0, 1], [1, 0]]), rtol=1e-6)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy([[1], [0]], p).numpy(),
                               -np.log(p[[0, 1], [1, 0]]), rtol=1e-6)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy([1, 0], p.T, axis=0).numpy(),
                               -np.log(p[[0, 1], [1, 0]]), rtol=1e-6)
    b, q = np.array([[1.0, 0.0]]), np.array([[0.3, -0.4]])
    sig = 1 / (1 + np.exp(-q))
    bs = b * 0.9 + 0.05
    np.testing.assert_allclose(
        losses.binary_crossentropy(b, q, from_logits=True, label_smoothing=0.1).numpy(),
        -(bs * np.log(sig) + (1 - bs) * np.log(1 - sig)).mean(-1), rtol=1e-6)
    with pytest.raises(NotImplementedError, match="ignore_class"):
        losses.sparse_categorical_crossentropy([1], [[0.5, 0.5]], ignore_class=0)


def test_probabilities_are_clipped_but_a_softmax_output_uses_its_logits(graph_mode):
    t = np.array([[0.0, 1.0]], "float32")
    z = np.array([[100.0, 0.0]], "float32")
    with tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None, 2])
        through_softmax = losses.categorical_crossentropy(t, tf.nn.softmax(x))
        through_sigmoid = losses.binary_crossentropy(t[:, 1:], tf.sigmoid(x[:, 1:] - 30.0))
        got = sess.run([through_softmax, through_sigmoid], {x: z})
    np.testing.assert_allclose(got[0], [100.0], rtol=1e-5)    # -log_softmax(z)[1], exact
    np.testing.assert_allclose(got[1], [30.0], rtol=1e-5)
    # the same probabilities as plain numbers are clipped to [1e-7, 1 - 1e-7], as Keras does
    p = np_softmax(z.astype(np.float64)).astype("float32")
    np.testing.assert_allclose(sess_free(losses.categorical_crossentropy, t, p), -np.log(EPS),
                               rtol=1e-4)


def sess_free(fn, *args):
    from neuroflow.keras import backend as K
    with K.eager_scope():
        return fn(*[tf.constant(a) for a in args]).numpy()


def test_get_serialize_deserialize_every_name():
    for name in ["mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD",
                 "logcosh", "log_cosh", "huber", "poisson", "hinge", "squared_hinge",
                 "categorical_hinge", "cosine_similarity", "kl_divergence",
                 "kullback_leibler_divergence", "binary_crossentropy", "bce", "BCE",
                 "categorical_crossentropy", "sparse_categorical_crossentropy",
                 "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
                 "mean_squared_logarithmic_error"]:
        fn = losses.get(name)
        assert fn is getattr(losses, name)
        assert losses.get(losses.serialize(fn)) is fn
    for cls in (losses.MeanSquaredError, losses.MeanAbsoluteError,
                losses.MeanAbsolutePercentageError, losses.MeanSquaredLogarithmicError,
                losses.BinaryCrossentropy, losses.CategoricalCrossentropy,
                losses.SparseCategoricalCrossentropy, losses.Hinge, losses.SquaredHinge,
                losses.CategoricalHinge, losses.Poisson, losses.LogCosh, losses.KLDivergence,
                losses.Huber, losses.CosineSimilarity):
        obj = cls(reduction="sum")
        again = losses.deserialize(losses.serialize(obj))
        assert type(again) is cls and again.get_config() == obj.get_config()
        assert type(losses.get(cls.__name__)) is cls
    assert losses.Huber(delta=2.0).get_config() == {"reduction": "auto", "name": "huber_loss",
                                                    "delta": 2.0}
    assert losses.BinaryCrossentropy().get_config() == {
        "reduction": "auto", "name": "binary_crossentropy", "from_logits": False,
        "label_smoothing": 0.0, "axis": -1}
    custom = lambda t, p: t  # noqa: E731
    assert losses.get(custom) is custom
    assert losses.deserialize("mine", custom_objects={"mine": custom}) is custom
    assert losses.get(None) is None
    with pytest.raises(ValueError, match="Unknown loss function: nope"):
        losses.get("nope")
    with pytest.raises(ValueError, match="Could not interpret loss function identifier: 3"):
        losses.get(3)


def test_subclassed_loss_in_fit():
    class MyMAE(losses.Loss):
        def call(self, y_true, y_pred):
            return tf.reduce_mean(tf.abs(y_pred - y_true), axis=-1)

    model = keras.Sequential([keras.layers.Dense(1, input_dim=2)])
    model.compile("sgd", MyMAE(name="my_mae"))
    x = np.random.RandomState(0).rand(16, 2).astype("float32")
    y = x.sum(1, keepdims=True)
    before = model.evaluate(x, y, verbose=0)
    np.testing.assert_allclose(before, np.abs(model.predict(x) - y).mean(), rtol=1e-5)
    model.fit(x, y, epochs=5, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


@pytest.mark.parametrize("loss", ["huber", "log_cosh", "kld", "hinge", "squared_hinge",
                                  "categorical_hinge", "cosine_similarity", losses.Huber(0.5),
                                  losses.CategoricalCrossentropy(label_smoothing=0.1),
                                  "mape", "msle", "poisson"])
def test_every_loss_trains_in_fit(loss):
    rng = np.random.RandomState(0)
    x = rng.rand(32, 4).astype("float32")
    y = keras.utils.to_categorical(rng.randint(0, 3, 32), 3)
    activation = "softmax"
    if loss in ("mape", "msle", "poisson"):   # positive regression targets
        y, activation = (x[:, :3] + x[:, 1:] + 0.5).astype("float32"), "softplus"
    model = keras.Sequential([keras.layers.Dense(3, input_dim=4, activation=activation)])
    model.compile(keras.optimizers.SGD(0.01 if loss == "mape" else 0.5), loss)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
