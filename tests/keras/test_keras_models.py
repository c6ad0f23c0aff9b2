import json

import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import layers
from neuroflow.keras.models import Model, Sequential
from keras_helpers import fresh_keras  # noqa: F401

# tf.keras 2.x's summary() of the course model, rows padded to 65 columns as Keras pads them
COURSE_SUMMARY = "\n".join([
    'Model: "sequential"',
    "_________________________________________________________________",
    "Layer (type)                 Output Shape              Param #   ",
    "=================================================================",
    "dense (Dense)                (None, 256)               200960    ",
    "_________________________________________________________________",
    "dense_1 (Dense)              (None, 128)               32896     ",
    "_________________________________________________________________",
    "dropout (Dropout)            (None, 128)               0         ",
    "_________________________________________________________________",
    "dense_2 (Dense)              (None, 10)                1290      ",
    "=================================================================",
    "Total params: 235,146",
    "Trainable params: 235,146",
    "Non-trainable params: 0",
    "_________________________________________________________________",
]) + "\n"


def course_model():
    model = Sequential()
    model.add(layers.Dense(256, input_dim=784, activation="sigmoid"))
    model.add(layers.Dense(128, activation="sigmoid"))
    model.add(layers.Dropout(0.5))
    model.add(layers.Dense(10, activation="softmax"))
    return model


def test_course_model_summary_text(capsys):
    course_model().summary()
    assert capsys.readouterr().out == COURSE_SUMMARY


def test_summary_784_256_10_param_counts():
    model = Sequential([layers.Dense(256, input_shape=(784,), activation="relu"),
                        layers.Dense(10, activation="softmax")])
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[-4:-1] == ["Total params: 203,530", "Trainable params: 203,530",
                            "Non-trainable params: 0"]
    assert model.count_params() == 203530


def test_summary_non_trainable_and_functional_layout():
    a = keras.Input(shape=(4,), name="a")
    b = keras.Input(shape=(4,), name="b")
    shared = layers.Dense(3, name="shared")
    out = layers.Dense(1, name="out")(layers.concatenate([shared(a), shared(b)], name="cat"))
    model = Model([a, b], out)
    shared.trainable = False
    lines = []
    model.summary(print_fn=lines.append)
    rule = "_" * 98
    assert lines[:4] == ['Model: "model"', rule,
                         "Layer (type)                    Output Shape         Param #     "
                         "Connected to                     ", "=" * 98]
    assert lines[4] == "a (InputLayer)                  [(None, 4)]          0" + " " * 44
    assert lines[8].startswith("shared (Dense)                  (None, 3)            15          "
                               "a[0][0]")
    assert lines[9].strip() == "b[0][0]"
    stripped = [line.rstrip() for line in lines]
    cat = "cat (Concatenate)               (None, 6)            0           shared[0][0]"
    assert cat in stripped and stripped[stripped.index(cat) + 1].strip() == "shared[1][0]"
    assert lines[-4:-1] == ["Total params: 22", "Trainable params: 7", "Non-trainable params: 15"]


def test_summary_before_build_raises():
    model = Sequential([layers.Dense(3)])
    with pytest.raises(ValueError, match="This model has not yet been built"):
        model.summary()


# ------------------------------------------------------------------ Sequential
def test_sequential_add_pop_and_layers():
    model = course_model()
    assert [x.name for x in model.layers] == ["dense", "dense_1", "dropout", "dense_2"]
    assert model.built and model.input_shape == (None, 784) and model.output_shape == (None, 10)
    model.pop()
    assert model.output_shape == (None, 128) and len(model.layers) == 3
    model.add(layers.Dense(5))
    assert model.output_shape == (None, 5)
    with pytest.raises(TypeError, match="must be an instance of class Layer"):
        model.add("dense")
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(2, name="dense"))
    with pytest.raises(TypeError, match="There are no layers in the model"):
        Sequential().pop()


def test_sequential_constructor_list_input_layer_and_input_tensor():
    m1 = Sequential([layers.InputLayer(input_shape=(3,)), layers.Dense(2)])
    m2 = Sequential([keras.Input(shape=(3,)), layers.Dense(2)])
    m3 = Sequential([layers.Dense(2, batch_input_shape=(None, 3))])
    for m in (m1, m2, m3):
        assert m.built and m.output_shape == (None, 2) and len(m.layers) == 1


def test_sequential_deferred_build():
    model = Sequential([layers.Dense(4, activation="relu"), layers.Dense(1)])
    assert not model.built and model.weights == []
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 3)), np.ones((8, 1)), verbose=0)
    assert model.built and model.input_shape == (None, 3)
    assert [w.shape.as_list() for w in model.weights] == [[3, 4], [4], [4, 1], [1]]
    model2 = Sequential([layers.Dense(2)])
    model2.build((None, 5))
    assert model2.count_params() == 12
    model3 = Sequential([layers.Dense(2)])
    y = model3(np.ones((1, 6), "float32"))
    assert y.shape == (1, 2) and model3.built


def test_sequential_error_for_wrong_input_width():
    model = course_model()
    model.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match=r"expected axis -1 of input shape to have value 784"):
        model.fit(np.zeros((4, 100)), np.zeros((4, 10)), verbose=0)


def test_sequential_as_a_layer():
    inner = Sequential([layers.Dense(3, input_dim=2), layers.Dense(2)])
    outer = Sequential([inner, layers.Dense(1)])
    assert outer.output_shape == (None, 1)
    assert len(outer.weights) == 6
    x = keras.Input(shape=(2,))
    model = Model(x, inner(x))
    np.testing.assert_allclose(model.predict(np.ones((1, 2))), inner.predict(np.ones((1, 2))))


# ------------------------------------------------------------------ functional
def two_input_model():
    a = keras.Input(shape=(4,), name="left")
    b = keras.Input(shape=(4,), name="right")
    shared = layers.Dense(8, activation="relu", name="shared")
    merged = layers.concatenate([shared(a), shared(b)])
    out = layers.Dense(1, activation="sigmoid", name="out")(merged)
    return Model(inputs=[a, b], outputs=out), shared


def test_functional_two_inputs_shared_layer_trains():
    model, shared = two_input_model()
    assert [x.name for x in model.layers] == ["left", "right", "shared", "concatenate", "out"]
    assert len(shared._inbound_nodes) == 2 and len(model.weights) == 4
    rng = np.random.RandomState(0)
    xa, xb = rng.rand(256, 4).astype("float32"), rng.rand(256, 4).astype("float32")
    y = (xa.sum(1) > xb.sum(1)).astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    h = model.fit([xa, xb], y, epochs=30, batch_size=32, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0] * 0.5
    assert h.history["accuracy"][-1] > 0.9
    p = model.predict({"left": xa[:3], "right": xb[:3]})
    assert p.shape == (3, 1)


def test_functional_several_outputs_and_loss_weights():
    x = keras.Input(shape=(3,))
    h = layers.Dense(4, activation="tanh")(x)
    o1 = layers.Dense(1, name="reg")(h)
    o2 = layers.Dense(2, activation="softmax", name="cls")(h)
    model = Model(x, [o1, o2])
    model.compile("adam", loss={"reg": "mse", "cls": "categorical_crossentropy"},
                  loss_weights=[1.0, 0.5], metrics={"cls": "acc"})
    rng = np.random.RandomState(0)
    xs = rng.rand(40, 3)
    ys = [xs.sum(1, keepdims=True), keras.utils.to_categorical(xs[:, 0] > 0.5, 2)]
    h = model.fit(xs, ys, epochs=2, verbose=0)
    assert list(h.history) == ["loss", "reg_loss", "cls_loss", "cls_acc"]
    res = model.evaluate(xs, ys, verbose=0)
    assert len(res) == 4
    np.testing.assert_allclose(res[0], res[1] + 0.5 * res[2], rtol=1e-5)
    p = model.predict(xs)
    assert isinstance(p, list) and p[0].shape == (40, 1) and p[1].shape == (40, 2)


def test_functional_errors():
    x = keras.Input(shape=(3,))
    y = layers.Dense(2)(x)
    with pytest.raises(ValueError, match="Graph disconnected"):
        Model(keras.Input(shape=(3,)), y)
    with pytest.raises(ValueError, match="must come from `keras.Input`"):
        Model(y, layers.Dense(1)(y))
    z = layers.Dense(2, name="same")(x)
    w = layers.Dense(2, name="same")(z)
    with pytest.raises(ValueError, match='The name "same" is used 2 times'):
        Model(x, w)


def test_functional_model_called_on_new_inputs_and_nested():
    x = keras.Input(shape=(3,))
    inner = Model(x, layers.Dense(2, name="d")(x))
    z = keras.Input(shape=(3,))
    outer = Model(z, layers.Dense(1)(inner(z)))
    assert [x.name for x in outer.layers][1] == inner.name
    assert len(inner.get_layer("d")._inbound_nodes) == 1
    out = outer.predict(np.ones((2, 3)))
    assert out.shape == (2, 1)
    eager = inner(np.ones((2, 3), "float32"))
    np.testing.assert_allclose(eager.numpy(), inner.predict(np.ones((2, 3))), rtol=1e-6)


def test_get_layer():
    model, _ = two_input_model()
    assert model.get_layer("shared").name == "shared"
    assert model.get_layer(index=4).name == "out"
    with pytest.raises(ValueError, match="No such layer: nope"):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="only has 5 layers"):
        model.get_layer(index=9)


# ------------------------------------------------------------------ subclassed
class MLP(Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu")
        self.drop = layers.Dropout(0.5)
        self.out = layers.Dense(1)

    def call(self, inputs, training=None):
        return self.out(self.drop(self.hidden(inputs), training=training))


def test_subclassed_model_trains_and_predicts():
    model = MLP()
    assert model.name == "mlp"
    rng = np.random.RandomState(0)
    x = rng.rand(64, 3).astype("float32")
    y = x.sum(1, keepdims=True)
    model.compile(keras.optimizers.Adam(0.01), "mse")
    h = model.fit(x, y, epochs=20, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
    assert len(model.trainable_weights) == 4
    np.testing.assert_allclose(model(x[:4]).numpy(), model.predict(x[:4]), rtol=1e-5, atol=1e-6)
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0] == 'Model: "mlp"' and "multiple" in lines[4]


def test_subclassed_model_build_and_custom_training_loop():
    model = MLP()
    model.build((None, 3))
    assert model.count_params() == 8 * 3 + 8 + 8 + 1
    opt = keras.optimizers.SGD(0.1)
    x = np.random.rand(16, 3).astype("float32")
    y = x.sum(1, keepdims=True)
    losses = []
    for _ in range(20):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    assert losses[-1] < losses[0]
    assert int(opt.iterations.numpy()) == 20


# ------------------------------------------------------------------ weights and configs
def test_get_set_weights_round_trip():
    a, b = course_model(), course_model()
    ws = a.get_weights()
    assert [w.shape for w in ws] == [(784, 256), (256,), (256, 128), (128,), (128, 10), (10,)]
    b.set_weights(ws)
    x = np.random.rand(5, 784).astype("float32")
    np.testing.assert_allclose(a.predict(x), b.predict(x), rtol=1e-6)
    ws[0][0, 0] += 1.0
    assert a.get_weights()[0][0, 0] != ws[0][0, 0]   # get_weights returns copies
    with pytest.raises(ValueError, match="expecting 6 weights"):
        b.set_weights(ws[:2])


def test_sequential_config_and_json_round_trip():
    model = course_model()
    config = model.get_config()
    assert config["name"] == "sequential"
    classes = [x["class_name"] for x in config["layers"]]
    assert classes == ["InputLayer", "Dense", "Dense", "Dropout", "Dense"]
    dense = config["layers"][1]["config"]
    assert dense["units"] == 256 and dense["activation"] == "sigmoid"
    assert dense["kernel_initializer"]["class_name"] == "GlorotUniform"
    copy = Sequential.from_config(config)
    assert copy.get_config()["layers"][1:] == config["layers"][1:]
    assert [x.get_config()["units"] for x in copy.layers if hasattr(x, "units")] == [256, 128, 10]
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Sequential"
    again = keras.models.model_from_json(text)
    assert again.count_params() == model.count_params()
    again.set_weights(model.get_weights())
    x = np.random.rand(3, 784).astype("float32")
    np.testing.assert_allclose(again.predict(x), model.predict(x), rtol=1e-6)


def test_functional_config_and_json_round_trip():
    model, _ = two_input_model()
    config = model.get_config()
    shared = [x for x in config["layers"] if x["name"] == "shared"][0]
    assert shared["inbound_nodes"] == [[["left", 0, 0, {}]], [["right", 0, 0, {}]]]
    assert config["input_layers"] == [["left", 0, 0], ["right", 0, 0]]
    assert config["output_layers"] == [["out", 0, 0]]
    assert json.loads(model.to_json())["class_name"] == "Functional"
    again = keras.models.model_from_json(model.to_json())
    assert [x.name for x in again.layers] == [x.name for x in model.layers]
    again.set_weights(model.get_weights())
    xs = [np.random.rand(2, 4).astype("float32") for _ in range(2)]
    np.testing.assert_allclose(again.predict(xs), model.predict(xs), rtol=1e-6)
    clone = keras.models.clone_model(model)
    assert clone.count_params() == model.count_params()


def test_lambda_model_json_needs_safe_mode_off():
    model = Sequential([layers.Lambda(lambda x: x * 3.0, input_shape=(2,))])
    text = model.to_json()
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.model_from_json(text)
    again = keras.models.model_from_json(text, safe_mode=False)
    np.testing.assert_allclose(again.predict(np.ones((1, 2))), [[3.0, 3.0]])


def test_save_and_load_model_round_trip(tmp_path):
    pytest.importorskip("h5py")
    model = course_model()
    x = np.random.RandomState(0).rand(3, 784).astype("float32")
    model.save(str(tmp_path / "m.h5"))
    again = keras.models.load_model(str(tmp_path / "m.h5"))
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5)


def test_keras_model_in_tf1_graph_mode(graph_mode):
    x = np.random.RandomState(0).rand(64, 3).astype("float32")
    y = x.sum(1, keepdims=True)
    model = Sequential([layers.Dense(4, input_dim=3, activation="relu"), layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.05), "mse")
    h = model.fit(x, y, epochs=10, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
    assert model.predict(x[:2]).shape == (2, 1)
    # TF1 Keras: the model lives in the default graph, so a Session can run it
    assert model.layers[0].kernel in tf.global_variables()
    X = tf.placeholder(tf.float32, [None, 3])
    out = model(X)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(out, {X: x[:2]}).shape == (2, 1)
    assert not tf.executing_eagerly()
