"""keras.metrics: functions vs NumPy, the numbers of Keras's docstrings for every class, batch
accumulation, names and History keys in fit, AUC against the exact ROC area, user subclasses."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import metrics
from keras_helpers import fresh_keras  # noqa: F401

P3 = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0.0], [0.6, 0.3, 0.1], [0.3, 0.1, 0.6]], "float32")
Y3 = np.array([2, 1, 0, 1])


def test_accuracy_functions():
    onehot = np.eye(3, dtype="float32")[Y3]
    hits = (P3.argmax(1) == Y3).astype("float32")
    np.testing.assert_allclose(metrics.categorical_accuracy(onehot, P3).numpy(), hits)
    np.testing.assert_allclose(metrics.sparse_categorical_accuracy(Y3, P3).numpy(), hits)
    np.testing.assert_allclose(metrics.sparse_categorical_accuracy(Y3[:, None].astype("float32"),
                                                                   P3).numpy(), hits)
    top2 = np.array([y in np.argsort(-p)[:2] for y, p in zip(Y3, P3)], "float32")
    np.testing.assert_allclose(metrics.top_k_categorical_accuracy(onehot, P3, k=2).numpy(), top2)
    np.testing.assert_allclose(metrics.sparse_top_k_categorical_accuracy(Y3, P3, k=2).numpy(),
                               top2)
    np.testing.assert_allclose(metrics.sparse_top_k_categorical_accuracy(Y3[:, None], P3, 2)
                               .numpy(), top2)
    b = np.array([[1.0, 0.0], [0.0, 0.0]], "float32")
    q = np.array([[0.7, 0.6], [0.2, 0.9]], "float32")
    np.testing.assert_allclose(metrics.binary_accuracy(b, q).numpy(), [0.5, 0.5])
    np.testing.assert_allclose(metrics.binary_accuracy(b, q, threshold=0.8).numpy(), [0.5, 0.5])
    np.testing.assert_allclose(metrics.binary_accuracy(b, q, threshold=0.1).numpy(), [0.5, 0.0])
    np.testing.assert_allclose(metrics.accuracy([1, 2, 3], [1, 2, 0]).numpy(), [1, 1, 0])
    assert metrics.acc is metrics.ACC is metrics.accuracy
    np.testing.assert_allclose(metrics.cosine_similarity([[0., 1.], [1., 1.]],
                                                         [[1., 0.], [1., 1.]]).numpy(), [0, 1],
                               atol=1e-6)
    for alias, fn in [("mse", "mean_squared_error"), ("MSE", "mean_squared_error"),
                      ("mae", "mean_absolute_error"), ("MAE", "mean_absolute_error"),
                      ("mape", "mean_absolute_percentage_error"),
                      ("MAPE", "mean_absolute_percentage_error"),
                      ("msle", "mean_squared_logarithmic_error"),
                      ("MSLE", "mean_squared_logarithmic_error"), ("kld", "kl_divergence"),
                      ("KLD", "kl_divergence"), ("kullback_leibler_divergence", "kl_divergence"),
                      ("logcosh", "log_cosh"), ("bce", "binary_crossentropy"),
                      ("BCE", "binary_crossentropy")]:
        assert getattr(metrics, alias) is getattr(metrics, fn) is metrics.get(alias)


def _v(x):
    return np.array(x, "float32")


# the numbers printed in Keras 2's docstrings: (class, kwargs, y_true, y_pred, result,
# sample_weight, weighted result)
DOCS = [
    (metrics.Accuracy, {}, [[1], [2], [3], [4]], [[0], [2], [3], [4]], 0.75, [1, 1, 0, 0], 0.5),
    (metrics.BinaryAccuracy, {}, [[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], 0.75,
     [1, 0, 0, 1], 0.5),
    (metrics.CategoricalAccuracy, {}, [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
     0.5, [0.7, 0.3], 0.3),
    (metrics.SparseCategoricalAccuracy, {}, [[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], 0.5,
     [0.7, 0.3], 0.3),
    (metrics.TopKCategoricalAccuracy, {"k": 1}, [[0, 0, 1], [0, 1, 0]],
     [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], 0.5, [0.7, 0.3], 0.3),
    (metrics.SparseTopKCategoricalAccuracy, {"k": 1}, [2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
     0.5, [0.7, 0.3], 0.3),
    (metrics.MeanSquaredError, {}, [[0, 1], [0, 0]], [[1, 1], [0, 0]], 0.25, [1, 0], 0.5),
    (metrics.MeanAbsoluteError, {}, [[0, 1], [0, 0]], [[1, 1], [0, 0]], 0.25, [1, 0], 0.5),
    (metrics.RootMeanSquaredError, {}, [[0, 1], [0, 0]], [[1, 1], [0, 0]], 0.5, [1, 0],
     0.70710677),
    (metrics.MeanAbsolutePercentageError, {}, [[0, 1], [0, 0]], [[1, 1], [0, 0]], 250000000.0,
     [1, 0], 500000000.0),
    (metrics.MeanSquaredLogarithmicError, {}, [[0, 1], [0, 0]], [[1, 1], [0, 0]], 0.12011322,
     [1, 0], 0.24022643),
    (metrics.Precision, {}, [0, 1, 1, 1], [1, 0, 1, 1], 0.6666667, [0, 0, 1, 0], 1.0),
    (metrics.Recall, {}, [0, 1, 1, 1], [1, 0, 1, 1], 0.6666667, [0, 0, 1, 0], 1.0),
    (metrics.AUC, {"num_thresholds": 3}, [0, 0, 1, 1], [0, 0.5, 0.3, 0.9], 0.75, [1, 0, 0, 1],
     1.0),
    (metrics.TruePositives, {}, [0, 1, 1, 1], [1, 0, 1, 1], 2.0, [0, 0, 1, 0], 1.0),
    (metrics.FalsePositives, {}, [0, 1, 0, 0], [0, 0, 1, 1], 2.0, [0, 0, 1, 0], 1.0),
    (metrics.TrueNegatives, {}, [0, 1, 0, 0], [1, 1, 0, 0], 2.0, [0, 0, 1, 0], 1.0),
    (metrics.FalseNegatives, {}, [0, 1, 1, 1], [0, 1, 0, 0], 2.0, [0, 0, 1, 0], 1.0),
    (metrics.CosineSimilarity, {"axis": 1}, [[0., 1.], [1., 1.]], [[1., 0.], [1., 1.]],
     0.49999997, [0.3, 0.7], 0.6999999),
    (metrics.LogCoshError, {}, [[0, 1], [0, 0]], [[1, 1], [0, 0]], 0.10844523, [1, 0],
     0.21689045),
    (metrics.Hinge, {}, [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], 1.3, [1, 0], 1.1),
    (metrics.SquaredHinge, {}, [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], 1.86, [1, 0], 1.46),
    (metrics.CategoricalHinge, {}, [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], 1.4, [1, 0], 1.2),
    (metrics.KLDivergence, {}, [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], 0.45814306, [1, 0],
     0.9162892),
    (metrics.Poisson, {}, [[0, 1], [0, 0]], [[1, 1], [0, 0]], 0.49999997, [1, 0], 0.99999994),
    (metrics.BinaryCrossentropy, {}, [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], 0.81492424,
     [1, 0], 0.9162905),
    (metrics.CategoricalCrossentropy, {}, [[0, 1, 0], [0, 0, 1]],
     [[0.05, 0.95, 0], [0.1, 0.8, 0.1]], 1.1769392, [0.3, 0.7], 1.6271976),
    (metrics.SparseCategoricalCrossentropy, {}, [1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]],
     1.1769392, [0.3, 0.7], 1.6271976),
]


@pytest.mark.parametrize("cls,kwargs,y_true,y_pred,want,sw,want_w", DOCS,
                         ids=[d[0].__name__ for d in DOCS])
def test_keras_docstring_values(cls, kwargs, y_true, y_pred, want, sw, want_w):
    m = cls(**kwargs)
    m.update_state(_v(y_true), _v(y_pred))
    got = m.result()
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5)
    m.reset_state()
    assert m.result().numpy() == 0.0
    m.update_state(_v(y_true), _v(y_pred), sample_weight=_v(sw))
    np.testing.assert_allclose(m.result().numpy(), want_w, rtol=1e-5)
    again = type(m).from_config(m.get_config())
    assert again.get_config() == m.get_config()
    assert metrics.deserialize(metrics.serialize(m)).get_config() == m.get_config()


def test_mean_sum_and_batches_accumulate():
    m = metrics.Mean()
    m.update_state([1, 3, 5, 7])
    np.testing.assert_allclose(m.result().numpy(), 4.0)
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    np.testing.assert_allclose(m.result().numpy(), (16 + 4) / 6)
    s = metrics.Sum()
    np.testing.assert_allclose(s([1, 3, 5, 7]).numpy(), 16.0)
    # several batches give the value of all the samples at once
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, (200, 1)).astype("float32")
    p = rng.rand(200, 1).astype("float32")
    for cls in (metrics.Precision, metrics.Recall, metrics.AUC, metrics.BinaryAccuracy):
        whole, parts = cls(), cls()
        whole.update_state(y, p)
        for i in range(0, 200, 64):
            parts.update_state(y[i:i + 64], p[i:i + 64])
        np.testing.assert_allclose(parts.result().numpy(), whole.result().numpy(), rtol=1e-6)
    m.reset_states()
    assert m.result().numpy() == 0.0


def exact_roc_auc(y, p):
    """P(score of a positive > score of a negative), ties counted half."""
    pos, neg = p[y == 1], p[y == 0]
    return ((pos[:, None] > neg[None]).sum() + 0.5 * (pos[:, None] == neg[None]).sum()) / (
        len(pos) * len(neg))


def test_auc_curves_and_options():
    rng = np.random.RandomState(1)
    y = rng.randint(0, 2, 500)
    p = np.clip(0.3 * y + rng.rand(500) * 0.7, 0, 1).astype("float32")
    m = metrics.AUC(num_thresholds=2000)
    m.update_state(y, p)
    np.testing.assert_allclose(m.result().numpy(), exact_roc_auc(y, p), atol=2e-3)
    lo, mid, hi = (metrics.AUC(summation_method=s) for s in ("minoring", "interpolation",
                                                              "majoring"))
    for x in (lo, mid, hi):
        x.update_state(y, p)
    assert lo.result().numpy() <= mid.result().numpy() <= hi.result().numpy()
    pr = metrics.AUC(curve="PR")
    pr.update_state(y, p)
    order = np.argsort(-p)
    precision_at = np.cumsum(y[order]) / np.arange(1, 501)
    average_precision = (precision_at * y[order]).sum() / y.sum()
    np.testing.assert_allclose(pr.result().numpy(), average_precision, atol=0.02)
    logits = metrics.AUC(from_logits=True)
    logits.update_state(y, np.log(p + 1e-6) - np.log(1 - p + 1e-6))
    np.testing.assert_allclose(logits.result().numpy(), mid.result().numpy(), atol=1e-3)
    two = np.stack([y, 1 - y], 1)
    pp = np.stack([p, 1 - p ** 2], 1)
    ml = metrics.AUC(multi_label=True)
    ml.update_state(two, pp)
    per = [metrics.AUC(), metrics.AUC()]
    for j in range(2):
        per[j].update_state(two[:, j], pp[:, j])
    np.testing.assert_allclose(ml.result().numpy(), np.mean([q.result().numpy() for q in per]),
                               rtol=1e-5)
    weighted = metrics.AUC(multi_label=True, label_weights=[1.0, 0.0])
    weighted.update_state(two, pp)
    np.testing.assert_allclose(weighted.result().numpy(), per[0].result().numpy(), rtol=1e-5)
    explicit = metrics.AUC(thresholds=[0.25, 0.5, 0.75])
    assert explicit.num_thresholds == 5 and explicit.get_config()["thresholds"] == [0.25, 0.5,
                                                                                     0.75]
    with pytest.raises(ValueError, match="Invalid AUC curve value"):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="`num_thresholds` must be an integer > 1"):
        metrics.AUC(num_thresholds=1)


def test_precision_options():
    p = metrics.Precision(thresholds=[0.3, 0.7])
    p.update_state([0, 1, 1, 1], [0.5, 0.2, 0.8, 0.6])
    np.testing.assert_allclose(p.result().numpy(), [2 / 3, 1.0])
    for k, want in ((2, 0.0), (4, 0.5)):
        m = metrics.Precision(top_k=k)
        m.update_state(_v([0, 0, 1, 1]), _v([1, 1, 1, 1]))
        np.testing.assert_allclose(m.result().numpy(), want)
    c = metrics.Recall(class_id=1)
    c.update_state(np.eye(3)[[0, 1, 1, 2]], _v([[0.9, 0.1, 0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1],
                                                [0, 0.9, 0.1]]))
    np.testing.assert_allclose(c.result().numpy(), 0.5)
    with pytest.raises(ValueError, match=r"Threshold values must be in \[0, 1\]"):
        metrics.Recall(thresholds=1.5)


def test_default_names_are_unique_per_session():
    assert [metrics.Precision().name, metrics.Precision().name, metrics.AUC().name,
            metrics.Recall(name="r").name] == ["precision", "precision_1", "auc", "r"]
    assert metrics.Mean().name == metrics.Mean().name == "mean"
    keras.backend.clear_session()
    assert metrics.Precision().name == "precision"


def test_get_serialize_every_name():
    for name in metrics._FUNCTIONS:
        assert metrics.get(name) is getattr(metrics, name)
        assert metrics.serialize(metrics.get(name)) in metrics._FUNCTIONS
    for name, cls in metrics._CLASSES.items():
        obj = metrics.get(name)
        assert type(obj) is cls
        assert type(metrics.get({"class_name": name, "config": obj.get_config()})) is cls
    assert isinstance(metrics.get("auc"), metrics.AUC)
    fn = lambda t, p: p  # noqa: E731
    assert metrics.get(fn) is fn
    with pytest.raises(ValueError, match="Unknown metric function: nope"):
        metrics.get("nope")
    with pytest.raises(ValueError, match="Could not interpret metric identifier: 3"):
        metrics.get(3)


def test_resolve_accuracy_and_crossentropy():
    r = metrics.resolve_accuracy
    assert r("acc", 2, 1, 2, 1, "mse") is metrics.binary_accuracy
    assert r("acc", 2, 5, 2, 5, metrics.binary_crossentropy) is metrics.binary_accuracy
    assert r("acc", 2, 5, 2, 5, keras.losses.BinaryCrossentropy()) is metrics.binary_accuracy
    assert r("acc", 2, 10, 2, 10, "categorical_crossentropy") is metrics.categorical_accuracy
    assert r("acc", 1, None, 2, 10, None) is metrics.sparse_categorical_accuracy
    assert r("acc", 2, 1, 2, 10, None) is metrics.sparse_categorical_accuracy
    assert r("acc", 2, 10, 2, 10, metrics.sparse_categorical_crossentropy) is \
        metrics.sparse_categorical_accuracy
    rc = metrics.resolve_crossentropy
    assert rc("ce", 2, 1, 2, 1) is metrics.binary_crossentropy
    assert rc("ce", 2, 1, 2, 4) is metrics.sparse_categorical_crossentropy
    assert rc("ce", 2, 4, 2, 4) is metrics.categorical_crossentropy


def _data(n=64, classes=3, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 4).astype("float32")
    y = (x[:, :classes].argmax(1) if classes > 1 else (x[:, 0] > 0.5)).astype("int64")
    return x, y


def test_history_keys_and_values_in_fit():
    x, y = _data()
    onehot = keras.utils.to_categorical(y, 3)
    model = keras.Sequential([keras.layers.Dense(3, input_dim=4, activation="softmax")])
    model.compile("adam", "categorical_crossentropy",
                  metrics=["acc", "mse", metrics.mae, metrics.TopKCategoricalAccuracy(k=2),
                           metrics.AUC()])
    h = model.fit(x, onehot, epochs=2, verbose=0, validation_data=(x, onehot))
    assert list(h.history) == ["loss", "acc", "mse", "mean_absolute_error",
                               "top_k_categorical_accuracy", "auc", "val_loss", "val_acc",
                               "val_mse", "val_mean_absolute_error",
                               "val_top_k_categorical_accuracy", "val_auc"]
    p = model.predict(x)
    auc = metrics.AUC()
    auc.update_state(onehot, p)
    got = model.evaluate(x, onehot, verbose=0)
    want = [-np.mean(np.sum(onehot * np.log(p), 1)), np.mean(p.argmax(1) == y),
            np.mean((p - onehot) ** 2), np.mean(np.abs(p - onehot)),
            np.mean([t in np.argsort(-q)[:2] for t, q in zip(y, p)]), auc.result().numpy()]
    np.testing.assert_allclose(got, want, rtol=1e-4)
    np.testing.assert_allclose(h.history["val_acc"][-1], want[1], rtol=1e-6)


@pytest.mark.parametrize("kind", ["binary", "categorical", "sparse"])
def test_accuracy_in_fit_is_resolved_and_exact(kind):
    x, y = _data(classes=1 if kind == "binary" else 3)
    if kind == "binary":
        layer, loss, target = keras.layers.Dense(1, input_dim=4, activation="sigmoid"), \
            "binary_crossentropy", y[:, None].astype("float32")
    else:
        layer = keras.layers.Dense(3, input_dim=4, activation="softmax")
        loss = "categorical_crossentropy" if kind == "categorical" else \
            "sparse_categorical_crossentropy"
        target = keras.utils.to_categorical(y, 3) if kind == "categorical" else y
    model = keras.Sequential([layer])
    model.compile(keras.optimizers.SGD(0.5), loss, metrics=["accuracy"])
    h = model.fit(x, target, epochs=3, batch_size=16, verbose=0)
    assert list(h.history) == ["loss", "accuracy"]
    p = model.predict(x)
    want = np.mean((p[:, 0] > 0.5) == y) if kind == "binary" else np.mean(p.argmax(1) == y)
    np.testing.assert_allclose(model.evaluate(x, target, verbose=0)[1], want, rtol=1e-6)


def test_precision_recall_in_fit_evaluate_and_train_on_batch():
    x, y = _data(classes=1)
    yt = y[:, None].astype("float32")
    model = keras.Sequential([keras.layers.Dense(1, input_dim=4, activation="sigmoid")])
    prec, rec = metrics.Precision(), metrics.Recall()
    model.compile(keras.optimizers.SGD(1.0), "binary_crossentropy", metrics=[prec, rec])
    h = model.fit(x, yt, epochs=2, batch_size=16, verbose=0)
    assert list(h.history) == ["loss", "precision", "recall"]
    p = model.predict(x)[:, 0] > 0.5
    tp = np.sum(p & (y == 1))
    want = [tp / max(p.sum(), 1), tp / max((y == 1).sum(), 1)]
    np.testing.assert_allclose(model.evaluate(x, yt, verbose=0)[1:], want, rtol=1e-6)
    # one batch alone: its own precision, not the running value
    res = model.test_on_batch(x[:16], yt[:16])
    pb = model.predict(x[:16])[:, 0] > 0.5
    np.testing.assert_allclose(res[1], np.sum(pb & (y[:16] == 1)) / max(pb.sum(), 1),
                               rtol=1e-6)


def test_user_metric_subclass_with_variables():
    class CountPositives(metrics.Metric):
        def __init__(self, name="count_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_weight("count", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.count.assign_add(tf.reduce_sum(tf.cast(y_pred > 0.5, tf.float32)))

        def result(self):
            return self.count

    m = CountPositives()
    m.update_state(None, tf.constant([0.2, 0.7, 0.9]))
    np.testing.assert_allclose(m.result().numpy(), 2.0)
    m.reset_state()
    assert float(m.result().numpy()) == 0.0 and len(m.variables) == 1
    x, y = _data(classes=1)
    model = keras.Sequential([keras.layers.Dense(1, input_dim=4, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy", metrics=[CountPositives()])
    h = model.fit(x, y[:, None].astype("float32"), epochs=1, batch_size=64, verbose=0)
    assert list(h.history) == ["loss", "count_positives"]
    assert 0 <= h.history["count_positives"][0] <= 64
    p = model.predict(x)
    got = model.evaluate(x, y[:, None].astype("float32"), verbose=0)[1]   # reset, then counted
    np.testing.assert_allclose(got, np.sum(p > 0.5), rtol=1e-6)


def test_result_has_the_metrics_dtype():
    m = keras.metrics.Mean(dtype="float64")
    m.update_state([1.0, 2.0])
    r = m.result()
    assert r.dtype.name == "float64" and float(r) == 1.5
    a = keras.metrics.Accuracy()
    a.update_state([1, 2], [1, 3])
    assert a.result().dtype.name == "float32" and float(a.result()) == 0.5
