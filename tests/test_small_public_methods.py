"""Small public methods no other test ran: tf.layers shape/config methods, tf.get_seed, the
backend switch, checkpoint and event helpers, Coordinator's thread registry."""
import threading

import numpy as np
import pytest

import neuroflow as tf
from neuroflow.core import backend
from neuroflow.saving import messages, records


def test_tf_layers_output_shapes_and_configs(graph_mode):
    drop = tf.layers.Dropout(0.3, seed=4, name="d")
    # Keras's Dropout gives its input shape back as it came
    assert tf.TensorShape(drop.compute_output_shape([None, 5])).as_list() == [None, 5]
    assert drop.get_config()["rate"] == 0.3 and drop.get_config()["seed"] == 4
    flat = tf.layers.Flatten(name="f")
    assert flat.compute_output_shape([2, 3, 4]).as_list() == [2, 12]
    assert flat.get_config()["data_format"] == "channels_last"
    bn = tf.layers.BatchNormalization(momentum=0.9, name="bn")
    assert bn.compute_output_shape([None, 4, 4, 3]).as_list() == [None, 4, 4, 3]
    cfg = bn.get_config()
    assert (cfg["momentum"], cfg["epsilon"], cfg["axis"]) == (0.9, 1e-3, -1)
    tconv = tf.layers.Conv2DTranspose(8, 3, strides=2, padding="same")
    assert tconv.compute_output_shape([1, 5, 5, 3]).as_list() == [1, 10, 10, 8]
    dense = tf.layers.Dense(6)
    assert dense.compute_output_shape([7, 2]).as_list() == [7, 6]


def test_get_seed_follows_tf1_rules(graph_mode):
    assert tf.get_seed(None) == (None, None)
    assert tf.get_seed(5) == (87654321, 5)       # an op seed alone: TF's default graph seed
    tf.set_random_seed(1)
    a, b = tf.get_seed(None), tf.get_seed(None)
    assert a[0] == b[0] == 1 and a[1] != b[1]     # a graph seed: op seeds count up
    assert tf.get_seed(9) == (1, 9)


def test_backend_switch_names_what_it_accepts():
    assert backend.set_backend("numpy") is np
    with pytest.raises(ValueError, match="expected 'numpy' or 'cupy'"):
        backend.set_backend("jax")
    assert backend.xp is np


def test_checkpoint_reader_debug_string_is_tfs_bytes(graph_mode, tmp_path):
    tf.Variable([[1.0, 2.0]], name="w")
    tf.Variable(3, name="b")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    assert tf.train.NewCheckpointReader(path).debug_string() == \
        b"b (int32) []\nw (float) [1,2]\n"


def test_records_message_copy_and_summary_graph(tmp_path):
    data = b"event bytes"
    framed = records.encode(data)
    assert framed[12:-4] == data and len(framed) == len(data) + 16
    (tmp_path / "r").write_bytes(framed + records.encode(b""))
    assert list(records.iterate(str(tmp_path / "r"))) == [data, b""]
    a = messages.HistogramProto(min=1.0, max=2.0, bucket=[1.0])
    b = messages.HistogramProto()
    b.CopyFrom(a)
    assert b == a and b is not a
    assert tf.summary.graph(tf.Graph()) is False          # no default writer: nothing written
    w = tf.summary.create_file_writer(str(tmp_path / "logs"))
    with w.as_default():
        assert tf.summary.graph(tf.Graph()) is True
    w.close()
    assert any(p.name.startswith("events.out.tfevents") for p in (tmp_path / "logs").iterdir())


def test_coordinator_registers_threads_and_reraises():
    coord = tf.train.Coordinator()
    t = threading.Thread(target=lambda: None)
    t.start()
    coord.register_thread(t)
    coord.raise_requested_exception()                      # nothing requested yet
    coord.request_stop(ValueError("bad record"))
    with pytest.raises(ValueError, match="bad record"):
        coord.raise_requested_exception()
    with pytest.raises(ValueError, match="bad record"):
        coord.join()                                       # joins the registered thread too
    assert not t.is_alive()
