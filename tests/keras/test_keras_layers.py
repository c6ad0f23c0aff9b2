import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import layers
from keras_helpers import fresh_keras, run_layer_test  # noqa: F401


# ------------------------------------------------------------------ every layer through the harness
def test_dense():
    y = run_layer_test(layers.Dense, {"units": 3}, (4, 5), (4, 3), expected_num_weights=2,
                       expected_num_trainable=2)
    assert y.shape == (4, 3)


def test_dense_all_arguments():
    run_layer_test(layers.Dense, {"units": 3, "activation": "relu", "use_bias": False,
                                  "kernel_initializer": "he_normal",
                                  "kernel_regularizer": keras.regularizers.l2(0.01),
                                  "activity_regularizer": "l1",
                                  "kernel_constraint": keras.constraints.max_norm(2.0)},
                   (4, 5), (4, 3), expected_num_weights=1)


def test_dense_on_3d_input():
    run_layer_test(layers.Dense, {"units": 2}, (3, 4, 5), (3, 4, 2))


def test_activation():
    for name in ["relu", "sigmoid", "tanh", "softmax", "linear", "elu", "selu", "softplus",
                 "softsign", "hard_sigmoid", "exponential", "swish"]:
        run_layer_test(layers.Activation, {"activation": name}, (3, 4), (3, 4))


def test_dropout():
    run_layer_test(layers.Dropout, {"rate": 0.5}, (4, 6), (4, 6))
    run_layer_test(layers.Dropout, {"rate": 0.3, "noise_shape": (None, 1, 6)}, (2, 3, 6), (2, 3, 6))


def test_flatten():
    run_layer_test(layers.Flatten, {}, (2, 3, 4), (2, 12))


def test_reshape():
    run_layer_test(layers.Reshape, {"target_shape": (6, 2)}, (3, 12), (3, 6, 2))
    run_layer_test(layers.Reshape, {"target_shape": (-1, 4)}, (3, 2, 6), (3, 3, 4))


def test_permute():
    run_layer_test(layers.Permute, {"dims": (2, 1)}, (3, 4, 5), (3, 5, 4))


def test_repeat_vector():
    run_layer_test(layers.RepeatVector, {"n": 3}, (2, 4), (2, 3, 4))


def double(x):
    return x * 2.0


def test_lambda_named_function():
    run_layer_test(layers.Lambda, {"function": double}, (2, 3), (2, 3),
                   custom_objects={"double": double})


def test_embedding():
    run_layer_test(layers.Embedding, {"input_dim": 10, "output_dim": 4}, (3, 5), (3, 5, 4),
                   input_dtype="int32", expected_num_weights=1)


def test_activity_regularization():
    run_layer_test(layers.ActivityRegularization, {"l1": 0.01, "l2": 0.01}, (3, 4), (3, 4))


def test_gaussian_noise():
    run_layer_test(layers.GaussianNoise, {"stddev": 0.1}, (3, 4), (3, 4))


def test_advanced_activations():
    run_layer_test(layers.LeakyReLU, {"alpha": 0.2}, (3, 4), (3, 4))
    run_layer_test(layers.ReLU, {"max_value": 0.5, "negative_slope": 0.1}, (3, 4), (3, 4))
    run_layer_test(layers.PReLU, {}, (3, 4), (3, 4), expected_num_weights=1)
    run_layer_test(layers.PReLU, {"shared_axes": [1]}, (3, 2, 4), (3, 2, 4))
    run_layer_test(layers.ELU, {"alpha": 0.5}, (3, 4), (3, 4))
    run_layer_test(layers.ThresholdedReLU, {"theta": 0.2}, (3, 4), (3, 4))
    run_layer_test(layers.Softmax, {}, (3, 4), (3, 4))


@pytest.mark.parametrize("cls", [layers.Add, layers.Subtract, layers.Multiply, layers.Average,
                                 layers.Maximum, layers.Minimum])
def test_elementwise_merges(cls):
    run_layer_test(cls, {}, [(3, 4), (3, 4)], (3, 4))


def test_three_input_merges():
    for cls in (layers.Add, layers.Multiply, layers.Average, layers.Maximum, layers.Minimum):
        run_layer_test(cls, {}, [(2, 3), (2, 3), (2, 3)], (2, 3))


def test_concatenate():
    run_layer_test(layers.Concatenate, {}, [(3, 4), (3, 2)], (3, 6))
    run_layer_test(layers.Concatenate, {"axis": 1}, [(3, 4, 2), (3, 1, 2)], (3, 5, 2))


def test_dot():
    run_layer_test(layers.Dot, {"axes": 1}, [(3, 4), (3, 4)], (3, 1))
    run_layer_test(layers.Dot, {"axes": 1, "normalize": True}, [(3, 4), (3, 4)], (3, 1))
    run_layer_test(layers.Dot, {"axes": (2, 2)}, [(2, 3, 4), (2, 5, 4)], (2, 3, 5))
    run_layer_test(layers.Dot, {"axes": (1, 1)}, [(2, 3, 4), (2, 3, 5)], (2, 4, 5))


# ------------------------------------------------------------------ layer semantics
def test_dense_math_matches_numpy():
    layer = layers.Dense(3, activation="sigmoid")
    x = np.random.rand(5, 4).astype("float32")
    y = layer(x).numpy()
    W, b = layer.get_weights()
    np.testing.assert_allclose(y, 1 / (1 + np.exp(-(x @ W + b))), rtol=1e-5)
    assert layer.kernel.name == "dense/kernel:0" and layer.bias.name == "dense/bias:0"
    assert W.shape == (4, 3) and np.all(b == 0)
    limit = np.sqrt(6 / 7)
    assert np.all(np.abs(W) <= limit)


def test_layer_names_count_up_and_reset_with_clear_session():
    keras.backend.clear_session()
    assert [layers.Dense(1).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    assert layers.LeakyReLU().name == "leaky_re_lu"
    assert layers.PReLU().name == "p_re_lu"
    keras.backend.clear_session()
    assert layers.Dense(1).name == "dense"


def test_dropout_only_when_training():
    layer = layers.Dropout(0.5)
    x = np.ones((100, 50), "float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)
    y = layer(x, training=True).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0}
    assert 0.35 < (y == 0).mean() < 0.65


def test_invalid_arguments_follow_the_error_template():
    with pytest.raises(ValueError, match=r"Invalid value for argument `rate`: expected a float in "
                                         r"\[0, 1\)\. Received: rate=1.5"):
        layers.Dropout(1.5)
    with pytest.raises(ValueError, match="Received: units=0"):
        layers.Dense(0)
    with pytest.raises(TypeError, match="Keyword argument not understood: unit"):
        layers.Dense(3, unit=4)


def test_input_spec_error_names_layer_and_shapes():
    layer = layers.Dense(2)
    layer(np.zeros((1, 4), "float32"))
    msg = (r"Input 0 of layer dense.* expected axis -1 of input shape to have value 4 but "
           r"received input with shape \(1, 3\)")
    with pytest.raises(ValueError, match=msg):
        layer(np.zeros((1, 3), "float32"))


def test_weights_and_trainable_flag():
    layer = layers.Dense(2)
    layer.build(tf.TensorShape([None, 3]))
    assert len(layer.trainable_weights) == 2 and not layer.non_trainable_weights
    layer.trainable = False
    assert not layer.trainable_weights and len(layer.non_trainable_weights) == 2
    assert layer.count_params() == 8
    with pytest.raises(ValueError, match="but the layer was expecting 2 weights"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"weight shape \(3, 2\) is not compatible"):
        layer.set_weights([np.zeros((2, 2)), np.zeros(2)])


def test_count_params_unbuilt():
    with pytest.raises(ValueError, match="isn't built"):
        layers.Dense(2).count_params()


def test_shapes_of_recorded_calls():
    x = keras.Input(shape=(5,))
    layer = layers.Dense(3)
    with pytest.raises(AttributeError, match="never been called"):
        layer.output_shape
    y = layer(x)
    assert layer.input_shape == (None, 5) and layer.output_shape == (None, 3)
    assert layer.input is x and layer.output is y
    layer(keras.Input(shape=(5,)))
    assert layer.output_shape == (None, 3)
    assert layer.get_output_shape_at(1) == (None, 3)


def test_compute_output_shape():
    assert layers.Dense(7).compute_output_shape((None, 3)) == tf.TensorShape([None, 7])
    assert layers.Flatten().compute_output_shape((None, 2, 3)) == tf.TensorShape([None, 6])
    assert layers.Permute((2, 1)).compute_output_shape((None, 2, 3)) == tf.TensorShape([None, 3, 2])


def test_custom_layer_subclass():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", shape=(input_shape[-1],), initializer="ones")

        def call(self, inputs):
            return inputs * self.w

    layer = Scale()
    out = layer(np.array([[1.0, 2.0]], "float32"))
    np.testing.assert_allclose(out.numpy(), [[1.0, 2.0]])
    assert layer.weights[0].name == "scale/w:0"
    model = keras.Sequential([layers.Dense(2, input_dim=2), Scale()])
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 2)), np.ones((4, 2)), verbose=0)


def test_embedding_lookup_values_and_int_inputs():
    layer = layers.Embedding(5, 2, input_length=3)
    ids = np.array([[0, 4, 4]])
    out = layer(ids).numpy()
    E = layer.get_weights()[0]
    np.testing.assert_allclose(out[0], E[[0, 4, 4]])
    assert np.all(np.abs(E) <= 0.05)
    assert layer.get_config()["input_length"] == 3


def test_lambda_with_python_lambda_needs_opt_in():
    layer = layers.Lambda(lambda x: x + 1.0)
    config = layer.get_config()
    assert config["function_type"] == "lambda"
    with pytest.raises(ValueError, match="arbitrary code execution"):
        layers.Lambda.from_config(config)
    keras.config.enable_unsafe_deserialization()
    try:
        copy = layers.Lambda.from_config(config)
    finally:
        layers.core._UNSAFE["allowed"] = False
    np.testing.assert_allclose(copy(np.zeros((1, 2), "float32")).numpy(), [[1.0, 1.0]])


def test_lambda_with_arguments():
    layer = layers.Lambda(lambda x, k: x * k, arguments={"k": 3.0})
    np.testing.assert_allclose(layer(np.ones((1, 2), "float32")).numpy(), [[3.0, 3.0]])


def test_merge_errors():
    with pytest.raises(ValueError, match="should be called on a list of inputs"):
        layers.Add()(keras.Input(shape=(3,)))
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([keras.Input(shape=(3,))] * 3)
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([keras.Input(shape=(3,)), keras.Input(shape=(4,))])
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate()([keras.Input(shape=(3, 2)), keras.Input(shape=(4, 2))])


def test_functional_merge_forms():
    a = np.array([[1.0, 2.0]], "float32")
    b = np.array([[3.0, 5.0]], "float32")
    np.testing.assert_allclose(layers.add([a, b]).numpy(), [[4, 7]])
    np.testing.assert_allclose(layers.subtract([a, b]).numpy(), [[-2, -3]])
    np.testing.assert_allclose(layers.multiply([a, b]).numpy(), [[3, 10]])
    np.testing.assert_allclose(layers.average([a, b]).numpy(), [[2, 3.5]])
    np.testing.assert_allclose(layers.maximum([a, b]).numpy(), [[3, 5]])
    np.testing.assert_allclose(layers.minimum([a, b]).numpy(), [[1, 2]])
    np.testing.assert_allclose(layers.concatenate([a, b]).numpy(), [[1, 2, 3, 5]])
    np.testing.assert_allclose(layers.dot([a, b], axes=1).numpy(), [[13]])


def test_layers_work_in_tf1_graph_mode(graph_mode):
    x = tf.placeholder(tf.float32, [None, 3])
    h = layers.Dense(4, activation="relu")(x)
    y = layers.Dense(1)(h)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, feed_dict={x: np.ones((2, 3))})
    assert out.shape == (2, 1)
