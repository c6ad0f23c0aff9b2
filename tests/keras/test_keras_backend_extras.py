"""keras.backend names: values in batches, uids, image format, learning phase, sessions."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow import keras
from neuroflow.keras import backend as K
from keras_helpers import fresh_keras  # noqa: F401


@pytest.fixture(autouse=True)
def keep_keras_state():
    """Puts back the global Keras settings these tests change (the suite shares a process)."""
    saved = dict(K._STATE)
    saved["uids"] = dict(K._STATE["uids"])
    yield
    K._STATE.clear()
    K._STATE.update(saved)


def test_batch_flatten_keeps_first_dim():
    x = tf.constant(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    y = K.batch_flatten(x)
    assert K.int_shape(y) == (2, 12) and y.dtype == tf.float32
    np.testing.assert_array_equal(K.get_value(y), np.arange(24).reshape(2, 12))


def test_batch_set_and_get_value():
    v = K.variable([1.0, 2.0])
    w = K.variable(3.0)
    assert K.batch_set_value([(v, [5.0, 6.0]), (w, 7.0)]) is None
    got = K.batch_get_value([v, w])
    assert isinstance(got, list) and len(got) == 2
    np.testing.assert_array_equal(got[0], [5.0, 6.0])
    assert got[0].dtype == np.float32 and float(got[1]) == 7.0
    with pytest.raises(ValueError, match="shape"):
        K.batch_set_value([(v, [1.0, 2.0, 3.0])])


def test_get_uid_reset_uids_and_unique_object_name():
    """get_uid counts 1, 2 ... per prefix; reset_uids starts again; layer names use it."""
    assert K.get_uid("foo") == 1 and K.get_uid("foo") == 2
    assert K.get_uid("bar") == 1
    K.reset_uids()
    assert K.get_uid("foo") == 1
    K.reset_uids()
    # Keras layer naming (zero based): 'dense', then 'dense_1'
    assert K.unique_object_name("thing") == "thing"
    assert K.unique_object_name("thing") == "thing_1"
    K.reset_uids()
    assert keras.layers.Dense(2).name == "dense" and keras.layers.Dense(2).name == "dense_1"


def test_image_data_format_and_dim_ordering():
    assert K.image_data_format() == "channels_last" and K.image_dim_ordering() == "tf"
    K.set_image_data_format("channels_first")
    assert K.image_data_format() == "channels_first" and K.image_dim_ordering() == "th"
    K.set_image_dim_ordering("tf")
    assert K.image_data_format() == "channels_last"
    K.set_image_dim_ordering("th")
    assert K.image_data_format() == "channels_first"
    with pytest.raises(ValueError, match="Unknown `data_format`"):
        K.set_image_data_format("channels_middle")
    with pytest.raises(ValueError, match="dim_ordering"):
        K.set_image_dim_ordering("xx")


def test_set_learning_phase():
    assert K.learning_phase() == 0
    K.set_learning_phase(1)
    assert K.learning_phase() == 1
    K.set_learning_phase(0)
    assert K.learning_phase() == 0
    with pytest.raises(ValueError, match="Expected learning phase to be 0 or 1."):
        K.set_learning_phase(2)


def test_is_tensor():
    assert K.is_tensor(tf.constant(1.0)) and K.is_tensor(K.variable(1.0))
    assert K.is_tensor(keras.Input((3,)))
    assert not K.is_tensor(np.zeros(3)) and not K.is_tensor([1.0]) and not K.is_tensor(1.0)


def test_get_graph_holds_keras_tensors():
    """Eager code: a private Keras graph holding Input; TF1 graph mode: the default graph."""
    g = K.get_graph()
    assert isinstance(g, tf.Graph) and K.get_graph() is g
    assert keras.Input((2,)).graph is g


def test_get_graph_is_default_graph_in_graph_mode(graph_mode):
    assert K.get_graph() is tf.get_default_graph()


def test_get_set_session_and_manual_variable_initialization(graph_mode):
    """get_session: the default session, else one global session; set_session replaces it."""
    assert K.manual_variable_initialization(True) is None
    K.manual_variable_initialization(False)
    s = K.get_session()
    assert isinstance(s, tf.Session) and K.get_session() is s
    assert s.graph is tf.get_default_graph()
    mine = tf.Session()
    assert K.set_session(mine) is None
    assert K.get_session() is mine
    other = tf.Session()
    with other.as_default():
        assert K.get_session() is other   # a default session wins
    v = K.variable([1.0, 2.0])
    mine.run(tf.variables_initializer([v]))
    np.testing.assert_array_equal(K.get_session().run(v), [1.0, 2.0])
    K.clear_session()
    assert K.get_session() is not mine
