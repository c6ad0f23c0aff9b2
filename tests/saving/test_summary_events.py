"""tf.summary ops, FileWriter and TF2 writers, event files (ours and TensorFlow's), CRC32C."""
import os

import numpy as np
import pytest

import neuroflow as tf
from neuroflow.core.errors import DataLossError, InvalidArgumentError
from neuroflow.saving import crc32c, events, proto
from neuroflow.saving.messages import Summary

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def test_crc32c_known_values_and_fallback():
    assert crc32c.value(b"123456789") == 0xE3069283
    rng = np.random.RandomState(0)
    datas = [rng.bytes(n) for n in (0, 3, 4, 100, 5000, 70001)]
    ref = [crc32c._py_update(0xFFFFFFFF, d) ^ 0xFFFFFFFF for d in datas]
    assert crc32c._values_fallback(datas) == ref
    assert [crc32c._value_fallback(d) for d in datas] == ref
    assert crc32c.unmask(crc32c.mask(12345)) == 12345


def test_tf1_summaries_and_file_writer(tmp_path, graph_mode):
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    with tf.name_scope("Layer1"):
        W = tf.Variable([[1.0, -2.0], [3.0, 0.5]], name="W")
        tf.summary.histogram("W", W)
        y = tf.matmul(x, W)
    with tf.name_scope("Cost"):
        cost = tf.reduce_mean(tf.square(y))
        tf.summary.scalar("Cost", cost)
    tf.summary.image("img", tf.reshape(x, [-1, 1, 2, 1]), max_outputs=2)
    tf.summary.text("note", tf.constant("hello"))
    tf.summary.audio("snd", tf.reshape(x, [-1, 2]) / 10.0, 8000, max_outputs=1)
    merged = tf.summary.merge_all()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w = tf.summary.FileWriter(str(tmp_path), sess.graph)
        for step in range(3):
            s = sess.run(merged, {x: [[1, 2], [3, 4]]})
            assert isinstance(s, bytes)
            w.add_summary(s, global_step=step)
        w.close()
    assert events.read_scalars(str(tmp_path))["Cost/Cost"] == [(i, 72.75) for i in range(3)]   # mean of 7², 1, 15², 4²
    evs = [e for f in events.event_files(str(tmp_path)) for e in events.summary_iterator(f)]
    assert evs[0].file_version == "brain.Event:2" and evs[1].HasField("graph_def")
    tags = {v.tag: v for v in evs[-1].summary.value}
    assert set(tags) == {"Layer1/W_1", "Cost/Cost", "img/image/0", "img/image/1", "note",
                         "snd/audio"}
    h = tags["Layer1/W_1"].histo   # the variable took the name W: TF uniquifies the scope too
    assert (h.min, h.max, h.num, h.sum) == (-2.0, 3.0, 4.0, 2.5) and sum(h.bucket) == 4
    img = events.decode_png(tags["img/image/1"].image.encoded_image_string)
    np.testing.assert_array_equal(img[..., 0], [[191, 255]])   # 3, 4 scaled so 4 -> 255
    assert tags["snd/audio"].audio.encoded_audio_string[:4] == b"RIFF"
    nodes = proto.parse(evs[1].graph_def)[1]
    names = {proto.as_str(proto.get(proto.parse(n), 1)) for n in nodes}
    assert {"x", "Layer1/W", "Layer1/MatMul"} <= names


def test_histogram_nan_raises(graph_mode):
    v = tf.placeholder(tf.float32, [None])
    h = tf.summary.histogram("h", v)
    with tf.Session() as sess:
        with pytest.raises(InvalidArgumentError, match="Nan in summary histogram for: h"):
            sess.run(h, {v: [1.0, np.nan]})


def test_histogram_buckets_match_searchsorted():
    rng = np.random.RandomState(1)
    for x in (rng.randn(100000).astype(np.float32) * 5, rng.randn(5000) * 1e-11,
              np.concatenate([events._LIMITS[1:-1], [0.0, 1e25, -1e-13]])):
        np.testing.assert_array_equal(events._bucket_index(x),
                                      np.searchsorted(events._LIMITS, x, side="right"))


def test_tf2_writer_and_manual_summary(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        for step in range(3):
            assert tf.summary.scalar("loss", 0.5 * step, step=step)
            tf.summary.histogram("h", np.arange(4.0) + step, step=step)
    writer.close()
    assert tf.summary.scalar("loss", 1.0, step=0) is False   # no default writer
    assert events.read_scalars(str(tmp_path))["loss"] == [(0, 0.0), (1, 0.5), (2, 1.0)]
    fw = tf.summary.FileWriter(str(tmp_path / "m"))
    fw.add_summary(tf.Summary(value=[tf.Summary.Value(tag="acc", simple_value=0.75)]), 7)
    fw.flush()
    assert events.read_scalars(str(tmp_path / "m")) == {"acc": [(7, 0.75)]}


def test_tensorflow_event_fixtures_read():
    tf1 = events.read_scalars(os.path.join(FIX, "events_tf1"))
    assert [(s, round(v, 4)) for s, v in tf1["stats/cost"]] == [(0, 1.0), (1, 0.5), (2, 0.3333)]
    tf2 = events.read_scalars(os.path.join(FIX, "events_tf2"))
    assert tf2["loss"] == [(0, 0.0), (1, 0.5), (2, 1.0)]


def test_torn_event_file_raises_with_name(tmp_path):
    w = tf.summary.FileWriter(str(tmp_path))
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=1.0)]), 1)
    w.close()
    f = events.event_files(str(tmp_path))[0]
    data = open(f, "rb").read()
    open(f, "wb").write(data[:-3])
    with pytest.raises(DataLossError, match=os.path.basename(f)):
        list(events.summary_iterator(f))


def test_tensorboard_reads_our_files(tmp_path):
    ea_mod = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    w = tf.summary.FileWriter(str(tmp_path))
    for s in range(3):
        w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="c", simple_value=s * 2.0)]), s)
    w.close()
    ea = ea_mod.EventAccumulator(str(tmp_path))
    ea.Reload()
    assert [(e.step, e.value) for e in ea.Scalars("c")] == [(0, 0.0), (1, 2.0), (2, 4.0)]


def test_summary_message_round_trip():
    s = Summary(value=[Summary.Value(tag="t", simple_value=0.5)])
    s2 = Summary.FromString(s.SerializeToString())
    assert s2 == s and s2.value[0].WhichOneof("value") == "simple_value"
    assert 'tag: "t"' in str(s2)
