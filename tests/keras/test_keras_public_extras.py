"""Keras names: InputSpec, SpatialDropout3D, model config/save helpers, wrappers, Reduce."""
import numpy as np
import pytest

from neuroflow import keras
from keras_helpers import fresh_keras  # noqa: F401


def _model():
    inp = keras.Input((3,))
    return keras.Model(inp, keras.layers.Dense(2, name="d")(inp))


def test_input_spec_fields_repr_config_and_check():
    spec = keras.layers.InputSpec(shape=(None, 3))
    assert spec.ndim == 2 and spec.shape == (None, 3)
    assert repr(spec) == "InputSpec(shape=(None, 3), ndim=2)"
    spec2 = keras.layers.InputSpec(min_ndim=2, axes={-1: 4})
    assert repr(spec2) == "InputSpec(min_ndim=2, axes={-1: 4})"
    cfg = spec2.get_config()
    assert cfg == {"dtype": None, "shape": None, "ndim": None, "max_ndim": None, "min_ndim": 2,
                   "axes": {-1: 4}}
    assert keras.layers.InputSpec.from_config(cfg).get_config() == cfg
    layer = keras.layers.Dense(2)
    layer(np.zeros((1, 4), np.float32))     # built: the last axis is fixed at 4
    assert isinstance(layer.input_spec, keras.layers.InputSpec)
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4"):
        layer(np.zeros((1, 5), np.float32))
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        layer(np.zeros((4,), np.float32))


def test_spatial_dropout3d_drops_whole_channels():
    layer = keras.layers.SpatialDropout3D(0.5)
    assert layer.input_spec.ndim == 5
    x = np.ones((2, 3, 3, 3, 8), np.float32)
    np.testing.assert_array_equal(layer(x), x)                # inference: identity
    y = np.asarray(layer(x, training=True))
    assert y.shape == x.shape
    per_map = y.reshape(2, 27, 8)
    assert np.all(per_map == per_map[:, :1, :])               # one value per (sample, channel)
    assert set(np.unique(per_map)) <= {0.0, 2.0}               # kept maps scaled by 1/(1-rate)
    assert 0 < (per_map == 0).mean() < 1
    cf = keras.layers.SpatialDropout3D(0.5, data_format="channels_first")
    assert cf.get_config()["data_format"] == "channels_first"
    z = np.asarray(cf(np.ones((2, 8, 3, 3, 3), np.float32), training=True)).reshape(2, 8, 27)
    assert np.all(z == z[:, :, :1])
    with pytest.raises(ValueError, match="ndim=5"):
        keras.layers.SpatialDropout3D(0.5)(np.ones((2, 3, 3, 8), np.float32))


def test_model_from_config_rebuilds_architecture():
    m = _model()
    cfg = {"class_name": type(m).__name__, "config": m.get_config()}
    m2 = keras.models.model_from_config(cfg)
    assert isinstance(m2, keras.Model) and m2 is not m
    assert [ly.name for ly in m2.layers] == [ly.name for ly in m.layers]
    assert m2.output_shape == (None, 2)
    s = keras.models.model_from_config({"class_name": "Sequential", "config": keras.Sequential(
        [keras.layers.Dense(4, input_shape=(2,))]).get_config()})
    assert isinstance(s, keras.Sequential) and s.output_shape == (None, 4)


def test_model_from_yaml_was_removed():
    with pytest.raises(RuntimeError, match=r"Method `model_from_yaml\(\)` has been removed"):
        keras.models.model_from_yaml("class_name: Sequential")


def test_save_model_and_load_back(tmp_path):
    m = _model()
    m.compile("sgd", "mse")
    path = str(tmp_path / "m.h5")
    assert keras.models.save_model(m, path) is None
    m2 = keras.models.load_model(path)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(m2.predict(x), m.predict(x), rtol=1e-6)
    assert [ly.name for ly in m2.layers] == [ly.name for ly in m.layers]


def test_custom_object_scope_resolves_names():
    def my_act(x):
        return x * 2.0
    with keras.utils.CustomObjectScope({"my_act": my_act}):
        layer = keras.layers.Dense.from_config(
            dict(keras.layers.Dense(1, activation=my_act).get_config()))
        assert layer.activation is my_act
        assert keras.activations.get("my_act") is my_act
    with pytest.raises(ValueError, match="my_act"):
        keras.activations.get("my_act")                        # gone after the block


def test_callback_list_dispatches_to_callbacks():
    calls = []

    class Rec(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            calls.append((epoch, dict(logs or {}), self.params, self.model))

    model = _model()
    cl = keras.callbacks.CallbackList([Rec()], model=model, epochs=3)
    assert len(cl.callbacks) == 1
    cl.on_epoch_end(1, {"loss": 0.5})
    assert calls == [(1, {"loss": 0.5}, {"epochs": 3}, model)]
    extra = Rec()
    cl.append(extra)
    cl.on_epoch_end(2)
    assert [c[0] for c in calls] == [1, 2, 2]


def test_loss_function_wrapper():
    loss = keras.losses.LossFunctionWrapper(keras.losses.mean_squared_error, name="my_mse")
    assert loss.name == "my_mse" and loss.reduction == "auto"
    y, p = np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 1.0], [1.0, 0.0]])
    np.testing.assert_allclose(loss(y, p).numpy(), 0.5)           # mean of [0.5, 0.5]
    np.testing.assert_allclose(loss(y, p, sample_weight=[1.0, 0.0]).numpy(), 0.25)
    s = keras.losses.LossFunctionWrapper(keras.losses.mean_squared_error, reduction="sum")
    np.testing.assert_allclose(s(y, p).numpy(), 1.0)
    assert s.get_config()["reduction"] == "sum"


def test_mean_metric_wrapper():
    m = keras.metrics.MeanMetricWrapper(keras.metrics.mean_absolute_error, name="mae")
    assert m.name == "mae" and m.dtype == "float32"
    m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
    m.update_state([[1.0, 1.0]], [[1.0, 1.0]])
    np.testing.assert_allclose(m.result().numpy(), 0.25)
    m.reset_state()
    m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 0.0]], sample_weight=[1.0, 0.0])
    np.testing.assert_allclose(m.result().numpy(), 0.5)
    assert m.get_config() == {"name": "mae", "dtype": "float32"}


def test_reduce_metric_reductions():
    """Keras Reduction values: 'sum', 'sum_over_batch_size', 'weighted_mean'."""
    s = keras.metrics.Reduce("sum", name="s")
    s.update_state([1.0, 3.0])
    s.update_state([5.0])
    assert s.name == "s" and float(s.result()) == 9.0
    wm = keras.metrics.Reduce("weighted_mean", name="wm")
    wm.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
    assert float(wm.result()) == 2.0
    sb = keras.metrics.Reduce("sum_over_batch_size", name="sb")
    sb.update_state([1.0, 3.0], sample_weight=[1.0, 0.0])       # (1*1 + 3*0) / 2 values
    assert float(sb.result()) == 0.5
    d = keras.metrics.Reduce("sum", name="d", dtype="float64")
    d.update_state([1, 2])
    assert d.dtype == "float64" and float(d.result()) == 3.0
