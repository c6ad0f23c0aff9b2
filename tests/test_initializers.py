import math

import numpy as np
import pytest

import neuroflow as tf
from neuroflow import initializers as I
from neuroflow.initializers import _compute_fans

TRUNC = 0.87962566103423978  # std of a unit normal truncated at +-2


def draw(init, shape, dtype=tf.float64):
    v = init(shape, dtype=dtype).numpy()
    assert v.shape == tuple(shape) and v.dtype == dtype.as_numpy_dtype
    return v


def test_fans_dense_conv_vector_scalar():
    assert _compute_fans([]) == (1, 1)
    assert _compute_fans([7]) == (7, 7)
    assert _compute_fans([3, 5]) == (3, 5)
    assert _compute_fans([3, 3, 16, 32]) == (9 * 16, 9 * 32)  # HWIO
    assert _compute_fans([5, 4, 8]) == (5 * 4, 5 * 8)  # conv1d (W, in, out)


@pytest.mark.parametrize("init, shape, std, bound", [
    (I.GlorotUniform(), (200, 300), math.sqrt(2 / 500), math.sqrt(6 / 500)),
    (I.GlorotNormal(), (200, 300), math.sqrt(2 / 500), 2 * math.sqrt(2 / 500) / TRUNC),
    (I.HeNormal(), (3, 3, 40, 80), math.sqrt(2 / 360), 2 * math.sqrt(2 / 360) / TRUNC),
    (I.HeUniform(), (3, 3, 40, 80), math.sqrt(2 / 360), math.sqrt(6 / 360)),
    (I.LecunNormal(), (400, 100), math.sqrt(1 / 400), 2 * math.sqrt(1 / 400) / TRUNC),
    (I.LecunUniform(), (400, 100), math.sqrt(1 / 400), math.sqrt(3 / 400)),
    (I.VarianceScaling(3.0, "fan_out", "untruncated_normal"), (100, 400), math.sqrt(3 / 400), None),
    (I.VarianceScaling(1.0, "fan_avg", "normal"), (100, 300), math.sqrt(1 / 200),
     2 * math.sqrt(1 / 200) / TRUNC),
])
def test_variance_scaling_family_statistics(init, shape, std, bound):
    v = draw(init, shape)
    assert abs(v.mean()) < 0.05 * std
    assert abs(v.std() - std) < 0.03 * std
    if bound is not None:
        assert np.abs(v).max() <= bound * (1 + 1e-9)
        assert np.abs(v).max() > 0.9 * bound
    else:
        assert np.abs(v).max() > 3 * std  # untruncated: tails beyond 2 sigma exist


@pytest.mark.parametrize("init, mean, std, lo, hi", [
    (I.RandomNormal(), 0.0, 0.05, None, None),
    (I.RandomNormal(1.0, 2.0), 1.0, 2.0, None, None),
    (I.TruncatedNormal(), 0.0, 0.05 * TRUNC, -0.1, 0.1),
    (I.RandomUniform(), 0.0, 0.1 / math.sqrt(12), -0.05, 0.05),
    (tf.random_normal_initializer(), 0.0, 1.0, None, None),
    (tf.truncated_normal_initializer(), 0.0, TRUNC, -2.0, 2.0),
    (tf.random_uniform_initializer(), 0.5, 1 / math.sqrt(12), 0.0, 1.0),
    (tf.random_uniform_initializer(-3, 3), 0.0, 6 / math.sqrt(12), -3.0, 3.0),
    (tf.uniform_unit_scaling_initializer(2.0), 0.0, 2 * math.sqrt(3 / 50) / math.sqrt(3),
     -2 * math.sqrt(3 / 50), 2 * math.sqrt(3 / 50)),
])
def test_random_initializer_statistics_and_defaults(init, mean, std, lo, hi):
    v = draw(init, (50, 400))
    assert abs(v.mean() - mean) < 0.05 * std + 1e-12
    assert abs(v.std() - std) < 0.03 * std
    if lo is not None:
        assert v.min() >= lo and v.max() <= hi
        assert v.min() < lo + 0.05 * (hi - lo) and v.max() > hi - 0.05 * (hi - lo)


def test_zeros_ones_constant_identity():
    assert draw(I.Zeros(), (2, 3)).tolist() == [[0.0] * 3] * 2
    assert draw(tf.ones_initializer(), (2,)).tolist() == [1.0, 1.0]
    assert draw(tf.constant_initializer(0.25), (3,)).tolist() == [0.25] * 3
    np.testing.assert_array_equal(draw(I.Constant([[1, 2], [3, 4]]), (2, 2)), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(draw(I.Identity(3.0), (2, 3)), 3 * np.eye(2, 3))
    z = tf.zeros_initializer()([2], dtype=tf.int32).numpy()
    assert z.dtype == np.int32
    assert tf.zeros_initializer()([3]).dtype == tf.float32  # TF1 default dtype
    with pytest.raises(ValueError, match="Identity matrix initializer can only be used for 2D"):
        I.Identity()((2, 2, 2))


@pytest.mark.parametrize("shape", [(6, 6), (10, 4), (3, 8), (3, 3, 4, 5)])
def test_orthogonal(shape):
    v = draw(I.Orthogonal(gain=2.0), shape)
    m = v.reshape(-1, shape[-1])
    if m.shape[0] >= m.shape[1]:
        np.testing.assert_allclose(m.T @ m, 4 * np.eye(m.shape[1]), atol=1e-10)
    else:
        np.testing.assert_allclose(m @ m.T, 4 * np.eye(m.shape[0]), atol=1e-10)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        I.Orthogonal()((4,))


def test_random_initializers_reject_integer_dtypes():
    with pytest.raises(ValueError, match="Expected floating point type, got int32"):
        I.GlorotUniform()((2, 2), dtype=tf.int32)
    with pytest.raises(ValueError, match="Expected floating point type"):
        I.RandomNormal()((2,), dtype=tf.int32)
    ints = tf.random_uniform_initializer(0, 5)((100,), dtype=tf.int32).numpy()
    assert ints.dtype == np.int32 and ints.min() >= 0 and ints.max() < 5


def test_variance_scaling_argument_errors():
    with pytest.raises(ValueError, match="Argument `scale` must be positive float. Received: scale=0"):
        I.VarianceScaling(0)
    with pytest.raises(ValueError, match="Received: mode=fan_x"):
        I.VarianceScaling(mode="fan_x")
    with pytest.raises(ValueError, match="Received: distribution=poisson"):
        I.VarianceScaling(distribution="poisson")


def test_seeded_initializer_repeats_in_graph_mode(graph_mode):
    a = I.GlorotUniform(seed=3)((4, 4))
    b = I.GlorotUniform(seed=3)((4, 4))
    c = I.GlorotUniform()((4, 4))
    with tf.Session() as sess:
        va, vb, vc = sess.run([a, b, c])
    with tf.Session() as sess:
        va2, vc2 = sess.run([a, c])
    np.testing.assert_array_equal(va, vb)  # same op seed: same numbers, as TF1
    np.testing.assert_array_equal(va, va2)  # and in every session
    assert not np.array_equal(vc, vc2)


def test_graph_mode_initializer_draws_anew_each_run(graph_mode):
    t = I.RandomNormal(stddev=1.0)((5,))
    with tf.Session() as sess:
        assert not np.array_equal(sess.run(t), sess.run(t))


ALL = [I.Zeros(), I.Ones(), I.Constant(2.5), I.RandomNormal(0.1, 0.2, seed=1),
       I.TruncatedNormal(stddev=0.3), I.RandomUniform(-1, 2, seed=4), I.GlorotUniform(seed=2),
       I.GlorotNormal(), I.HeNormal(seed=5), I.HeUniform(), I.LecunNormal(), I.LecunUniform(),
       I.VarianceScaling(2.0, "fan_avg", "uniform", seed=7), I.Orthogonal(0.5), I.Identity(2.0),
       tf.random_normal_initializer(stddev=3.0), tf.uniform_unit_scaling_initializer(1.5)]


@pytest.mark.parametrize("init", ALL, ids=lambda i: type(i).__name__)
def test_get_config_round_trip(init):
    cfg = init.get_config()
    again = type(init).from_config(cfg)
    assert type(again) is type(init) and again.get_config() == cfg
    ser = I.serialize(init)
    assert ser["class_name"] == type(init).__name__
    back = I.deserialize(ser)
    assert type(back) is type(init) and back.get_config() == cfg


def test_get_config_contents():
    assert I.RandomNormal(0.1, 0.2, seed=1).get_config() == {"mean": 0.1, "stddev": 0.2, "seed": 1}
    assert I.GlorotUniform(seed=2).get_config() == {"seed": 2}
    assert I.VarianceScaling().get_config() == {"scale": 1.0, "mode": "fan_in",
                                                "distribution": "truncated_normal", "seed": None}
    assert I.Constant(2.5).get_config() == {"value": 2.5}


@pytest.mark.parametrize("name, cls", [
    ("glorot_uniform", I.GlorotUniform), ("GlorotUniform", I.GlorotUniform),
    ("glorot_normal", I.GlorotNormal), ("he_normal", I.HeNormal), ("he_uniform", I.HeUniform),
    ("lecun_normal", I.LecunNormal), ("lecun_uniform", I.LecunUniform), ("zeros", I.Zeros),
    ("ones", I.Ones), ("constant", I.Constant), ("random_normal", I.RandomNormal),
    ("RandomUniform", I.RandomUniform), ("uniform", I.RandomUniform),
    ("truncated_normal", I.TruncatedNormal), ("orthogonal", I.Orthogonal),
    ("identity", I.Identity), ("variance_scaling", I.VarianceScaling),
])
def test_keras_string_lookup(name, cls):
    assert type(I.get(name)) is cls


def test_get_other_identifiers():
    assert I.get(None) is None
    f = lambda shape, dtype=None: tf.zeros(shape)  # noqa: E731
    assert I.get(f) is f
    inst = I.HeNormal()
    assert I.get(inst) is inst
    assert type(I.get(I.Ones)) is I.Ones
    got = I.get({"class_name": "RandomNormal", "config": {"mean": 1.0, "stddev": 2.0, "seed": None}})
    assert type(got) is I.RandomNormal and got.stddev == 2.0
    with pytest.raises(ValueError, match="Could not interpret initializer identifier: nope"):
        I.get("nope")


def test_keras_and_tf1_defaults_differ_as_in_tensorflow():
    assert I.RandomNormal().stddev == 0.05 and tf.random_normal_initializer().stddev == 1.0
    assert I.TruncatedNormal().stddev == 0.05 and tf.truncated_normal_initializer().stddev == 1.0
    assert (I.RandomUniform().minval, I.RandomUniform().maxval) == (-0.05, 0.05)
    ru = tf.random_uniform_initializer()
    assert (ru.minval, ru.maxval) == (0, 1.0)
    assert tf.initializers.random_normal is tf.random_normal_initializer


def test_tf1_aliases_exist_and_are_callable():
    names = ["zeros_initializer", "ones_initializer", "constant_initializer",
             "random_normal_initializer", "truncated_normal_initializer",
             "random_uniform_initializer", "glorot_uniform_initializer", "glorot_normal_initializer",
             "variance_scaling_initializer", "orthogonal_initializer",
             "uniform_unit_scaling_initializer"]
    for n in names:
        out = getattr(tf, n)()((4, 4))
        assert out.shape.as_list() == [4, 4], n
    for n in ["zeros", "ones", "constant", "random_normal", "truncated_normal", "random_uniform",
              "uniform_unit_scaling", "glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
              "lecun_normal", "lecun_uniform", "variance_scaling", "orthogonal", "identity"]:
        assert getattr(tf.initializers, n)()((3, 3)).shape.as_list() == [3, 3], n


def test_initializers_namespace_variable_helpers(graph_mode):
    v = tf.Variable(1.0)
    init = tf.initializers.global_variables()
    with tf.Session() as sess:
        sess.run(init)
        assert sess.run(v) == 1.0
        sess.run(tf.initializers.variables([v]))
        sess.run(tf.initializers.local_variables())
