"""Checkpoint helpers of tf.train: readers, state files, mtimes, removal, SaverDef, meta graphs."""
import os

import numpy as np
import pytest

import neuroflow as tf


def _save(tmp_path, step=None, name="model"):
    """A tiny graph (two variables) saved into tmp_path; returns (prefix, w value)."""
    w0 = np.arange(6, dtype=np.float32).reshape(2, 3)
    w = tf.Variable(w0, name="w")
    n = tf.Variable(7, dtype=tf.int64, name="n")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / name), global_step=step)
    assert w is not None and n is not None
    return prefix, w0


def test_new_checkpoint_reader_reads_tensors(tmp_path):
    """get_tensor, has_tensor, the shape and dtype maps of a saved checkpoint."""
    prefix, w0 = _save(tmp_path)
    reader = tf.train.NewCheckpointReader(prefix)
    np.testing.assert_array_equal(reader.get_tensor("w"), w0)
    assert reader.get_tensor("w").dtype == np.float32
    assert reader.get_tensor("n") == 7 and reader.get_tensor("n").dtype == np.int64
    assert reader.has_tensor("w") and reader.has_tensor("n") and not reader.has_tensor("x")
    assert reader.get_variable_to_shape_map() == {"w": [2, 3], "n": []}
    assert reader.get_variable_to_dtype_map() == {"w": tf.float32, "n": tf.int64}
    with pytest.raises(tf.errors.NotFoundError, match="Key x not found in checkpoint"):
        reader.get_tensor("x")


def test_new_checkpoint_reader_missing_checkpoint(tmp_path):
    """No such checkpoint: NotFoundError naming the prefix."""
    with pytest.raises(tf.errors.NotFoundError, match="Failed to find any matching files"):
        tf.train.NewCheckpointReader(str(tmp_path / "nothing"))


def test_update_checkpoint_state_then_get_state_and_latest(tmp_path):
    """update_checkpoint_state writes the 'checkpoint' file that get_checkpoint_state and
    latest_checkpoint read."""
    p1, _ = _save(tmp_path, step=1)
    p2 = str(tmp_path / "other-2")
    d = str(tmp_path)
    tf.train.update_checkpoint_state(d, p1, all_model_checkpoint_paths=[p2, p1])
    state = tf.train.get_checkpoint_state(d)
    assert state.model_checkpoint_path == p1
    assert list(state.all_model_checkpoint_paths) == [p2, p1]
    assert tf.train.latest_checkpoint(d) == p1
    # the last path is added when it is not the newest; another state file name
    tf.train.update_checkpoint_state(d, p2, [p1], latest_filename="best")
    state = tf.train.get_checkpoint_state(d, latest_filename="best")
    assert list(state.all_model_checkpoint_paths) == [p1, p2]
    assert tf.train.latest_checkpoint(d, latest_filename="best") is None   # p2 has no files
    assert tf.train.latest_checkpoint(d) == p1
    with pytest.raises(RuntimeError, match="conflicts with path used for checkpoint state"):
        tf.train.update_checkpoint_state(d, os.path.join(d, "checkpoint"))


def test_get_checkpoint_state_none_without_file(tmp_path):
    """No state file: get_checkpoint_state and latest_checkpoint give None."""
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    assert tf.train.latest_checkpoint(str(tmp_path)) is None


def test_generate_checkpoint_state_proto_fields(tmp_path):
    """The proto's fields; paths become relative to a relative save_dir."""
    d = str(tmp_path)
    state = tf.train.generate_checkpoint_state_proto(d, d + "/m-2", [d + "/m-1"])
    assert state.model_checkpoint_path == d + "/m-2"
    assert list(state.all_model_checkpoint_paths) == [d + "/m-1", d + "/m-2"]
    state = tf.train.generate_checkpoint_state_proto("ck", "ck/m-2", ["ck/m-1", "ck/m-2"])
    assert state.model_checkpoint_path == "m-2"
    assert list(state.all_model_checkpoint_paths) == ["m-1", "m-2"]
    state = tf.train.generate_checkpoint_state_proto(d, d + "/m-3", [d + "/m-3"],
                                                     all_model_checkpoint_timestamps=[5.0],
                                                     last_preserved_timestamp=2.5)
    assert list(state.all_model_checkpoint_timestamps) == [5.0]
    assert state.last_preserved_timestamp == 2.5
    with pytest.raises(ValueError, match="timestamps, if provided, must match checkpoint paths"):
        tf.train.generate_checkpoint_state_proto(d, d + "/m-3", [d + "/m-2"],
                                                 all_model_checkpoint_timestamps=[1.0])


def test_get_checkpoint_mtimes(tmp_path):
    """Float mtimes of existing checkpoints (V2 index, or a V1 file); missing ones skipped."""
    p1, _ = _save(tmp_path, step=1)
    v1 = tmp_path / "old.ckpt"
    v1.write_bytes(b"v1")
    os.utime(v1, (1000000000.5, 1000000000.5))
    mtimes = tf.train.get_checkpoint_mtimes([p1, str(tmp_path / "missing"), str(v1)])
    assert len(mtimes) == 2 and all(isinstance(t, float) for t in mtimes)
    assert mtimes[0] == pytest.approx(os.path.getmtime(p1 + ".index"))
    assert mtimes[1] == pytest.approx(1000000000.5)
    assert tf.train.get_checkpoint_mtimes([]) == []


def test_remove_checkpoint_deletes_its_files(tmp_path):
    """The index, data and meta files of the prefix go; other checkpoints stay."""
    p1, _ = _save(tmp_path, step=1)
    tf.reset_default_graph()
    p2, _ = _save(tmp_path, step=2)
    assert tf.train.checkpoint_exists(p1)
    tf.train.remove_checkpoint(p1)
    assert not tf.train.checkpoint_exists(p1)
    left = sorted(os.listdir(tmp_path))
    assert left == ["checkpoint", "model-2.data-00000-of-00001", "model-2.index",
                    "model-2.meta"]
    tf.train.remove_checkpoint(p1)   # already gone: no error
    v1 = tmp_path / "old.ckpt"
    v1.write_bytes(b"v1")
    tf.train.remove_checkpoint(str(v1), checkpoint_format_version=tf.train.SaverDef.V1)
    assert not v1.exists() and tf.train.checkpoint_exists(p2)


def test_saver_def_fields_and_versions():
    """SaverDef: proto3 defaults, the format versions, a Saver's as_saver_def."""
    assert (tf.train.SaverDef.LEGACY, tf.train.SaverDef.V1, tf.train.SaverDef.V2) == (0, 1, 2)
    empty = tf.train.SaverDef()
    assert empty.max_to_keep == 0 and empty.version == 0 and empty.filename_tensor_name == ""
    assert empty.keep_checkpoint_every_n_hours == 0.0 and empty.sharded is False
    sd = tf.train.SaverDef(max_to_keep=3, version=tf.train.SaverDef.V2)
    assert sd.max_to_keep == 3 and sd.version == 2
    with pytest.raises(ValueError, match='SaverDef has no "bogus" field'):
        tf.train.SaverDef(bogus=1)
    tf.Variable(1.0, name="v")
    d = tf.train.Saver(max_to_keep=3, keep_checkpoint_every_n_hours=2.0,
                       write_version=tf.train.SaverDef.V2).as_saver_def()
    assert isinstance(d, tf.train.SaverDef)
    assert d.max_to_keep == 3 and d.keep_checkpoint_every_n_hours == 2.0
    assert d.version == tf.train.SaverDef.V2 and d.sharded is False
    assert d.filename_tensor_name == "save/Const:0"
    assert d.save_tensor_name == "save/control_dependency:0"
    assert d.restore_op_name == "save/restore_all"
    assert tf.train.Saver().as_saver_def().max_to_keep == 5


def test_export_meta_graph_writes_importable_file(tmp_path):
    """export_meta_graph writes a .meta file that import_meta_graph loads into a new graph."""
    prefix, w0 = _save(tmp_path, step=3)
    path = str(tmp_path / "exported.meta")
    tf.train.export_meta_graph(path)
    assert os.path.getsize(path) > 0
    tf.reset_default_graph()
    saver = tf.train.import_meta_graph(path)
    g = tf.get_default_graph()
    variables = {v.op.name: v for v in tf.global_variables()}
    assert sorted(variables) == ["n", "w"]
    with tf.Session(graph=g) as sess:
        saver.restore(sess, prefix)
        np.testing.assert_array_equal(sess.run(variables["w"]), w0)
        assert sess.run(variables["n"]) == 7


def test_checkpoint_saver_hook_not_supported(tmp_path):
    """neuroflow has no MonitoredTrainingSession: the hook says so."""
    with pytest.raises(NotImplementedError, match="CheckpointSaverHook is not supported"):
        tf.train.CheckpointSaverHook(str(tmp_path), save_steps=10)
