"""tf.summary names beyond scalar/histogram: messages, writer cache, TF2 writer controls, trace."""
import numpy as np
import pytest

import neuroflow as tf
from neuroflow.saving import events, proto


def _events(logdir):
    return [e for f in events.event_files(str(logdir)) for e in events.summary_iterator(f)]


def _values(logdir):
    return [(e.step, v) for e in _events(logdir) if e.HasField("summary")
            for v in e.summary.value]


def test_summary_messages_fields_and_round_trip():
    """HistogramProto, SessionLog, SummaryMetadata, SummaryDescription, TaggedRunMetadata."""
    h = tf.summary.HistogramProto(min=-1.0, max=2.0, num=3.0, sum=1.5, sum_squares=5.0,
                                  bucket_limit=[0.0, 2.0], bucket=[1.0, 2.0])
    h2 = tf.summary.HistogramProto.FromString(h.SerializeToString())
    assert h2 == h and list(h2.bucket) == [1.0, 2.0] and h2.sum_squares == 5.0
    assert tf.summary.SessionLog.START == 1 and tf.summary.SessionLog.STOP == 2
    assert tf.summary.SessionLog.CHECKPOINT == 3
    log = tf.summary.SessionLog(status=tf.summary.SessionLog.CHECKPOINT,
                                checkpoint_path="/tmp/model.ckpt")
    assert tf.summary.SessionLog.FromString(log.SerializeToString()) == log
    md = tf.summary.SummaryMetadata(display_name="loss", summary_description="the loss")
    md.plugin_data.plugin_name = "scalars"
    md2 = tf.summary.SummaryMetadata.FromString(md.SerializeToString())
    assert md2.plugin_data.plugin_name == "scalars" and md2.display_name == "loss"
    # SummaryDescription is its own message in TF (summary.proto): one field, type_hint
    d = tf.summary.SummaryDescription(type_hint="image")
    assert tf.summary.SummaryDescription.FromString(d.SerializeToString()).type_hint == "image"
    assert tf.summary.SummaryDescription is not tf.summary.SummaryMetadata
    t = tf.summary.TaggedRunMetadata(tag="step_3", run_metadata=b"\x01\x02")
    t2 = tf.summary.TaggedRunMetadata.FromString(t.SerializeToString())
    assert (t2.tag, t2.run_metadata) == ("step_3", b"\x01\x02")


def test_file_writer_session_log_and_run_metadata_events(tmp_path):
    """FileWriter.add_session_log / add_run_metadata write SessionLog and TaggedRunMetadata."""
    w = tf.summary.FileWriter(str(tmp_path))
    w.add_session_log(tf.summary.SessionLog(status=tf.summary.SessionLog.START), 4)
    w.add_run_metadata(tf.summary.SummaryDescription(type_hint="rm"), "train", 5)
    w.close()
    evs = _events(tmp_path)
    logs = [e for e in evs if e.HasField("session_log")]
    assert [(e.step, e.session_log.status) for e in logs] == [(4, tf.summary.SessionLog.START)]
    runs = [e for e in evs if e.HasField("tagged_run_metadata")]
    assert [(e.step, e.tagged_run_metadata.tag) for e in runs] == [(5, "train")]
    assert runs[0].tagged_run_metadata.run_metadata == \
        tf.summary.SummaryDescription(type_hint="rm").SerializeToString()


def test_file_writer_cache_get_and_clear(tmp_path):
    """FileWriterCache.get returns one writer per logdir; clear closes and forgets them."""
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    try:
        w = tf.summary.FileWriterCache.get(a)
        assert isinstance(w, tf.summary.FileWriter)
        assert tf.summary.FileWriterCache.get(a) is w
        assert tf.summary.FileWriterCache.get(b) is not w
        assert w.get_logdir() == a
        w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="c", simple_value=2.5)]), 3)
    finally:
        tf.summary.FileWriterCache.clear()
    assert events.read_scalars(a) == {"c": [(3, 2.5)]}   # clear flushed and closed it
    try:
        assert tf.summary.FileWriterCache.get(a) is not w
    finally:
        tf.summary.FileWriterCache.clear()


def test_tensor_summary_op_value(graph_mode):
    """tensor_summary: a TF1 op whose Summary holds the whole tensor under the scoped tag."""
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.name_scope("outer"):
        s = tf.summary.tensor_summary("t", x)
    assert s.dtype == tf.string and s.shape.as_list() == []
    assert s in tf.get_collection(tf.GraphKeys.SUMMARIES)
    with tf.Session() as sess:
        data = sess.run(s)
    v = tf.Summary.FromString(data).value[0]
    assert v.tag == "outer/t" and v.WhichOneof("value") == "tensor"
    np.testing.assert_array_equal(proto.parse_tensor(v.tensor.SerializeToString()),
                                  [[1.0, 2.0], [3.0, 4.0]])


def test_create_file_writer_v2_writes_events(tmp_path):
    """create_file_writer_v2 makes a SummaryWriter whose scalars read back."""
    w = tf.summary.create_file_writer_v2(str(tmp_path))
    assert isinstance(w, tf.summary.SummaryWriter)
    with w.as_default():
        assert tf.summary.should_record_summaries()
        assert tf.summary.scalar("acc", 0.25, step=2)
    w.close()
    assert events.read_scalars(str(tmp_path)) == {"acc": [(2, 0.25)]}
    assert not tf.summary.should_record_summaries()   # no default writer any more


def test_noop_writer_records_nothing(tmp_path):
    """create_noop_writer: usable as a default writer; nothing is written anywhere."""
    w = tf.summary.create_noop_writer()
    assert isinstance(w, tf.summary.SummaryWriter)
    with w.as_default():
        tf.summary.scalar("x", 1.0, step=0)
        w.flush()
    w.close()
    assert list(tmp_path.iterdir()) == []


def test_record_if_controls_writing(tmp_path):
    """record_if(False) (a bool or a callable) skips writes; the old setting comes back after."""
    w = tf.summary.create_file_writer(str(tmp_path))
    with w.as_default():
        with tf.summary.record_if(False):
            assert not tf.summary.should_record_summaries()
            assert tf.summary.scalar("skip", 1.0, step=0) is False
        with tf.summary.record_if(lambda: True):
            assert tf.summary.should_record_summaries()
            assert tf.summary.scalar("keep", 2.0, step=1) is True
        assert tf.summary.should_record_summaries()
    w.close()
    assert events.read_scalars(str(tmp_path)) == {"keep": [(1, 2.0)]}


def test_trace_export_writes_run_metadata_summary(tmp_path):
    """trace_on/trace_export: one summary tagged ``name``; export turns the trace off."""
    w = tf.summary.create_file_writer(str(tmp_path))
    try:
        with w.as_default():
            assert tf.summary.trace_on(graph=True, profiler=False) is None
            tf.constant(1.0) + 1.0
            assert tf.summary.trace_export("my_trace", step=7) is None
            with pytest.raises(ValueError, match="Must enable trace before export"):
                tf.summary.trace_export("again", step=8)   # export ended the trace
    finally:
        tf.summary.trace_off()
    w.close()
    vals = _values(tmp_path)
    assert [(s, v.tag) for s, v in vals] == [(7, "my_trace")]
    assert vals[0][1].metadata.plugin_data.plugin_name == "graph_run_metadata_graph"


def test_trace_off_discards_and_profiler_needs_outdir():
    """trace_off discards the trace; a profiler trace needs profiler_outdir."""
    tf.summary.trace_on()
    assert tf.summary.trace_off() is None
    with pytest.raises(ValueError, match="Must enable trace before export"):
        tf.summary.trace_export("t", step=0)
    tf.summary.trace_on(graph=True, profiler=True)
    try:
        with pytest.raises(ValueError, match="Required profiler_outdir is not specified"):
            tf.summary.trace_export("t", step=0)
    finally:
        tf.summary.trace_off()


def test_experimental_default_step(tmp_path):
    """tf.summary.experimental.set_step: the step of summaries written without one."""
    assert tf.summary.experimental.get_step() is None
    w = tf.summary.create_file_writer(str(tmp_path))
    try:
        tf.summary.experimental.set_step(7)
        assert tf.summary.experimental.get_step() == 7
        with w.as_default():
            tf.summary.scalar("loss", 0.5)
        w.close()
    finally:
        tf.summary.experimental.set_step(None)
    assert events.read_scalars(str(tmp_path)) == {"loss": [(7, 0.5)]}
