"""Saving and summary names that no other test ran: Saver's kept-checkpoint list setters and
recovery, CheckpointManager.restore_or_initialize, FileWriter/EventFileWriter.reopen and
SummaryWriter.init."""
import os
import time

import numpy as np
import pytest

import neuroflow as tf
from neuroflow.saving import events


def _exists(prefix):
    return tf.train.checkpoint_exists(prefix)


def _saver_and_session(max_to_keep):
    v = tf.Variable(np.arange(3, dtype=np.float32), name="v")
    saver = tf.train.Saver(max_to_keep=max_to_keep)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    assert v is not None
    return saver, sess


# ------------------------------------------------------------------ Saver
def test_set_last_checkpoints_are_dropped_from_the_list_but_never_deleted(graph_mode, tmp_path):
    saver, sess = _saver_and_session(max_to_keep=2)
    base = str(tmp_path / "m")
    p1 = saver.save(sess, base, global_step=1)
    p2 = saver.save(sess, base, global_step=2)
    saver2 = tf.train.Saver(max_to_keep=2)
    saver2.set_last_checkpoints([p1, p2])
    assert saver2.last_checkpoints == [p1, p2]
    p3 = saver2.save(sess, base, global_step=3)
    assert saver2.last_checkpoints == [p2, p3]
    # TF gives set_last_checkpoints entries a +inf timestamp: rotated out, kept on disk
    assert _exists(p1)
    p4 = saver2.save(sess, base, global_step=4)
    assert saver2.last_checkpoints == [p3, p4] and _exists(p2)
    p5 = saver2.save(sess, base, global_step=5)
    assert saver2.last_checkpoints == [p4, p5]
    assert not _exists(p3)                      # a checkpoint this saver wrote is deleted
    assert tf.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths == [p4, p5]
    with pytest.raises(AssertionError):
        saver2.set_last_checkpoints((p4, p5))   # TF asserts a list
    sess.close()


def test_set_last_checkpoints_with_time_rotates_and_deletes(graph_mode, tmp_path):
    saver, sess = _saver_and_session(max_to_keep=5)
    base = str(tmp_path / "m")
    p1 = saver.save(sess, base, global_step=1)
    p2 = saver.save(sess, base, global_step=2)
    saver2 = tf.train.Saver(max_to_keep=2)
    t = time.time() - 60
    saver2.set_last_checkpoints_with_time([(p1, t), (p2, t + 1)])
    assert saver2.last_checkpoints == [p1, p2]
    p3 = saver2.save(sess, base, global_step=3)
    assert saver2.last_checkpoints == [p2, p3]
    assert not _exists(p1) and _exists(p2) and _exists(p3)
    with pytest.raises(AssertionError):
        saver2.set_last_checkpoints_with_time(((p2, t),))
    sess.close()


def test_recover_last_checkpoints_then_max_to_keep_rotates_them(graph_mode, tmp_path):
    saver, sess = _saver_and_session(max_to_keep=5)
    base = str(tmp_path / "m")
    paths = [saver.save(sess, base, global_step=i) for i in (1, 2, 3)]
    missing = base + "-99"
    # a "restarted" trainer: a new saver that knows nothing of the files on disk
    saver2 = tf.train.Saver(max_to_keep=2)
    assert saver2.last_checkpoints == []
    saver2.recover_last_checkpoints(paths + [missing])
    assert saver2.last_checkpoints == paths        # the missing one is skipped
    p4 = saver2.save(sess, base, global_step=4)
    # as TF, one save drops one (the oldest) even though three were recovered
    assert saver2.last_checkpoints == paths[1:] + [p4]
    assert not _exists(paths[0]) and all(_exists(p) for p in paths[1:])
    p5 = saver2.save(sess, base, global_step=5)
    assert saver2.last_checkpoints == [paths[2], p4, p5]
    assert not _exists(paths[1])
    sess.close()


# ------------------------------------------------------------------ CheckpointManager (TF2)
def test_restore_or_initialize_runs_init_fn_without_a_checkpoint(tmp_path):
    v = tf.Variable([1.0, 2.0])
    calls = []

    def init_fn():
        calls.append(1)
        v.assign([7.0, 8.0])

    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=v), str(tmp_path), max_to_keep=2,
                                         init_fn=init_fn)
    assert manager.restore_or_initialize() is None
    assert calls == [1]
    np.testing.assert_allclose(v.numpy(), [7.0, 8.0])
    # no init_fn, no checkpoint: None and nothing changes
    empty = tf.train.CheckpointManager(tf.train.Checkpoint(v=v), str(tmp_path / "empty"),
                                       max_to_keep=1)
    assert empty.restore_or_initialize() is None
    np.testing.assert_allclose(v.numpy(), [7.0, 8.0])


def test_restore_or_initialize_restores_the_latest_checkpoint(tmp_path):
    v = tf.Variable([1.0, 2.0])
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(v=v), str(tmp_path), max_to_keep=2)
    manager.save()
    v.assign([3.0, 4.0])
    path = manager.save()
    v.assign([0.0, 0.0])
    calls = []
    manager2 = tf.train.CheckpointManager(tf.train.Checkpoint(v=v), str(tmp_path), max_to_keep=2,
                                          init_fn=lambda: calls.append(1))
    assert manager2.restore_or_initialize() == path == manager2.latest_checkpoint
    assert calls == []                      # init_fn is not run when restoring
    np.testing.assert_allclose(v.numpy(), [3.0, 4.0])


# ------------------------------------------------------------------ event files
def _summary(tag, value):
    return tf.Summary(value=[tf.Summary.Value(tag=tag, simple_value=value)])


def _tags(path):
    return [v.tag for ev in events.summary_iterator(path) if ev.HasField("summary")
            for v in ev.summary.value]


def test_file_writer_reopen_writes_a_new_event_file(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path))
    writer.add_summary(_summary("before", 1.0), global_step=1)
    writer.reopen()                 # not closed: nothing happens
    writer.close()
    files = events.event_files(str(tmp_path))
    assert len(files) == 1
    writer.reopen()
    writer.add_summary(_summary("after", 2.0), global_step=2)
    writer.close()
    files2 = events.event_files(str(tmp_path))
    assert len(files2) == 2 and files[0] in files2
    new = [f for f in files2 if f != files[0]][0]
    assert _tags(files[0]) == ["before"] and _tags(new) == ["after"]
    first = next(events.summary_iterator(new))
    assert first.file_version == "brain.Event:2"    # a complete event file of its own
    assert events.read_scalars(str(tmp_path)) == {"before": [(1, 1.0)], "after": [(2, 2.0)]}


def test_event_file_writer_reopen(tmp_path):
    w = events.EventFileWriter(str(tmp_path))
    first = w.path
    w.reopen()                      # open: no new file
    assert w.path == first
    w.add_event(events.Event(wall_time=1.0, step=1, summary=_summary("a", 1.0)))
    w.close()
    w.reopen()
    assert w.path != first and os.path.dirname(w.path) == str(tmp_path)
    w.add_event(events.Event(wall_time=2.0, step=2, summary=_summary("b", 2.0)))
    w.close()
    assert _tags(first) == ["a"] and _tags(w.path) == ["b"]


def test_summary_writer_init_returns_none_eagerly_and_writing_works(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    assert writer.init() is None            # TF2 eager: the init op has no output
    with writer.as_default():
        tf.summary.scalar("loss", 0.5, step=3)
    writer.flush()
    assert writer.init() is None            # init again is harmless
    writer.close()
    assert events.read_scalars(str(tmp_path)) == {"loss": [(3, 0.5)]}
