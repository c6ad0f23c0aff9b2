"""``run_layer_test``: what every Keras layer is checked for (shapes, weights, config, training)."""
import numpy as np
import pytest

from neuroflow import keras


@pytest.fixture(autouse=True)
def fresh_keras():
    """Each test starts a new Keras session: layer names count from 'dense' again."""
    keras.backend.clear_session()
    yield


def _shape_ok(got, expected):
    got, expected = tuple(got), tuple(expected)
    return len(got) == len(expected) and all(e is None or g == e for g, e in zip(got, expected))


def _data(shape, dtype, rng, high=None):
    shape = tuple(2 if s is None else s for s in shape)
    if np.dtype(dtype).kind in "iu":
        return rng.randint(0, high or 10, size=shape).astype(dtype)
    return rng.uniform(-1, 1, size=shape).astype(dtype)


def run_layer_test(layer_cls, kwargs=None, input_shape=None, expected_output_shape=None,
                   input_dtype="float32", input_data=None, expected_num_weights=None,
                   expected_num_trainable=None, deterministic=True, train=True, int_high=None,
                   custom_objects=None):
    """Checks a layer the way Keras's ``layer_test`` does, and that it trains.

    - eager call: output shape (None = any size) and dtype float32;
    - weight counts (all / trainable);
    - ``get_config`` -> ``from_config`` -> same config; the copy with the same weights computes
      the same output; ``keras.layers.deserialize(serialize(layer))`` works too;
    - functional use on ``Input``: the symbolic output shape, and ``Model.predict`` equals the
      eager call;
    - one SGD step of a model containing the layer lowers its MSE loss (a Dense is put in front
      of layers without weights so that there is something to train).
    Returns the layer's eager output.
    """
    kwargs = dict(kwargs or {})
    rng = np.random.RandomState(1)
    multi = isinstance(input_shape, list)
    shapes = input_shape if multi else [input_shape]
    if input_data is None:
        xs = [_data(s, input_dtype, rng, int_high) for s in shapes]
    else:
        xs = list(input_data) if multi else [input_data]
    layer = layer_cls(**kwargs)
    y = layer(xs if multi else xs[0])
    y_np = np.asarray(y)
    if expected_output_shape is not None:
        assert _shape_ok(y_np.shape, expected_output_shape), (y_np.shape, expected_output_shape)
    assert y_np.dtype == np.float32, y_np.dtype
    if expected_num_weights is not None:
        assert len(layer.weights) == expected_num_weights, [w.name for w in layer.weights]
    if expected_num_trainable is not None:
        assert len(layer.trainable_weights) == expected_num_trainable

    # config round trip, same weights -> same output
    config = layer.get_config()
    spec = {"class_name": layer_cls.__name__, "config": config}
    copy = layer_cls.from_config(config) if custom_objects is None else \
        keras.layers.deserialize(spec, custom_objects)
    assert copy.get_config() == config, (copy.get_config(), config)
    y2 = copy(xs if multi else xs[0])
    if layer.weights:
        copy.set_weights(layer.get_weights())
        y2 = copy(xs if multi else xs[0])
    if deterministic:
        np.testing.assert_allclose(np.asarray(y2), y_np, rtol=1e-5, atol=1e-6)
    again = keras.layers.deserialize(keras.layers.serialize(layer), custom_objects)
    assert type(again) is layer_cls

    # functional use
    ins = [keras.Input(shape=tuple(s[1:]), dtype=input_dtype) for s in shapes]
    out = layer(ins if multi else ins[0])
    if expected_output_shape is not None:
        assert _shape_ok([d if d is not None else e for d, e in
                          zip(out.shape.as_list(), expected_output_shape)], expected_output_shape)
    model = keras.Model(ins if multi else ins[0], out)
    if deterministic:
        np.testing.assert_allclose(model.predict(xs if multi else xs[0]), y_np, rtol=1e-5,
                                   atol=1e-6)

    if train:
        _check_training_step(layer_cls, kwargs, shapes, xs, input_dtype, multi, y_np.shape, rng)
    return y_np


def _check_training_step(layer_cls, kwargs, shapes, xs, input_dtype, multi, out_shape, rng):
    kw = dict(kwargs)
    kw.pop("name", None)
    layer = layer_cls(**kw)
    ins = [keras.Input(shape=tuple(s[1:]), dtype=input_dtype) for s in shapes]
    probe = layer_cls(**kw)
    probe(xs if multi else xs[0])
    if probe.trainable_weights:
        feats = ins
    else:
        feats = [keras.layers.Dense(s[-1])(i) for s, i in zip(shapes, ins)]
    out = layer(feats if multi else feats[0])
    model = keras.Model(ins if multi else ins[0], out)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    target = rng.uniform(-1, 1, size=out_shape).astype("float32")
    data = xs if multi else xs[0]
    before = model.evaluate(data, target, verbose=0)
    model.fit(data, target, batch_size=len(target), epochs=1, verbose=0, shuffle=False)
    after = model.evaluate(data, target, verbose=0)
    assert after < before, (before, after)
