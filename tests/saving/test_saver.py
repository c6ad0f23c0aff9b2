"""tf.train.Saver, checkpoint state, Checkpoint/CheckpointManager, import_meta_graph."""
import os
import subprocess
import sys

import numpy as np
import pytest

import neuroflow as tf
from neuroflow.core.errors import DataLossError, NotFoundError
from neuroflow.train import saver as saver_mod

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    W = tf.Variable(tf.random_normal([3, 1], seed=1), name="W")
    b = tf.Variable(tf.zeros([1]), name="b")
    cost = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
    step = tf.Variable(0, name="global_step", trainable=False)
    train = tf.train.AdamOptimizer(0.1).minimize(cost, global_step=step)
    return x, y, W, b, cost, train, step


def _data():
    rng = np.random.RandomState(0)
    xs = rng.rand(8, 3).astype(np.float32)
    return xs, xs.sum(1, keepdims=True).astype(np.float32)


def test_save_names_files_and_state(tmp_path):
    x, y, W, b, cost, train, step = _model()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "my-model"), global_step=1000)
    assert path == str(tmp_path / "my-model-1000")
    names = sorted(os.listdir(tmp_path))
    assert names == ["checkpoint", "my-model-1000.data-00000-of-00001", "my-model-1000.index",
                     "my-model-1000.meta"]
    text = (tmp_path / "checkpoint").read_text()
    assert 'model_checkpoint_path: "%s"' % path in text
    assert tf.train.latest_checkpoint(str(tmp_path)) == path
    assert tf.train.checkpoint_exists(path) and not tf.train.checkpoint_exists(path + "x")
    keys = dict(tf.train.list_variables(str(tmp_path)))
    assert keys["W"] == [3, 1] and keys["b"] == [1] and keys["global_step"] == []
    assert "W/Adam" in keys and "beta1_power" in keys


def test_relative_state_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.makedirs("ck")
    v = tf.Variable(3.0, name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver.save(sess, "./ck/model", global_step=5)
    assert 'model_checkpoint_path: "model-5"' in open("ck/checkpoint").read()
    state = tf.train.get_checkpoint_state("./ck")
    assert state.model_checkpoint_path == os.path.join("./ck", "model-5")
    assert v is not None


def test_restore_gives_same_values_and_next_steps(tmp_path):
    xs, ys = _data()
    x, y, W, b, cost, train, step = _model()
    saver = tf.train.Saver()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for _ in range(3):
        sess.run(train, {x: xs, y: ys})
    path = saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert path.endswith("m-3")
    after = [sess.run(train and cost, {x: xs, y: ys})]
    for _ in range(3):
        sess.run(train, {x: xs, y: ys})
        after.append(sess.run(W))
    sess2 = tf.Session()
    sess2.run(tf.global_variables_initializer())
    saver.restore(sess2, path)
    assert sess2.run(step) == 3
    again = [sess2.run(cost, {x: xs, y: ys})]
    for _ in range(3):
        sess2.run(train, {x: xs, y: ys})
        again.append(sess2.run(W))
    assert again[0] == after[0]
    for a, b_ in zip(after[1:], again[1:]):
        np.testing.assert_array_equal(a, b_)


_CHILD_RESTORE = r"""
import sys, numpy as np
sys.path.insert(0, sys.argv[1])
import neuroflow as tf
x = tf.placeholder(tf.float32, [None, 3], name="x")
y = tf.placeholder(tf.float32, [None, 1], name="y")
W = tf.Variable(tf.random_normal([3, 1], seed=1), name="W")
b = tf.Variable(tf.zeros([1]), name="b")
cost = tf.reduce_mean(tf.square(tf.matmul(x, W) + b - y))
step = tf.Variable(0, name="global_step", trainable=False)
train = tf.train.AdamOptimizer(0.1).minimize(cost, global_step=step)
rng = np.random.RandomState(0)
xs = rng.rand(8, 3).astype(np.float32); ys = xs.sum(1, keepdims=True).astype(np.float32)
with tf.Session() as sess:
    tf.train.Saver().restore(sess, tf.train.latest_checkpoint(sys.argv[2]))
    for _ in range(2):
        sess.run(train, {x: xs, y: ys})
    np.save(sys.argv[3], sess.run(W))
"""


def test_restore_in_fresh_process(tmp_path):
    xs, ys = _data()
    x, y, W, b, cost, train, step = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: xs, y: ys})
        tf.train.Saver().save(sess, str(tmp_path / "m"), global_step=step)
        for _ in range(2):
            sess.run(train, {x: xs, y: ys})
        expect = sess.run(W)
    out = str(tmp_path / "w.npy")
    subprocess.run([sys.executable, "-c", _CHILD_RESTORE, ROOT, str(tmp_path), out], check=True,
                   timeout=60)
    np.testing.assert_array_equal(np.load(out), expect)


def test_max_to_keep_rotation_only_own_files(tmp_path):
    v = tf.Variable(1.0, name="v")
    other = tmp_path / "other-7.index"
    other.write_bytes(b"not ours")
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for s in range(5):
            sess.run(v.assign(float(s)))
            saver.save(sess, str(tmp_path / "other"), global_step=s)
    assert saver.last_checkpoints == [str(tmp_path / "other-3"), str(tmp_path / "other-4")]
    left = sorted(f for f in os.listdir(tmp_path) if f.endswith(".index"))
    assert left == ["other-3.index", "other-4.index", "other-7.index"]
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == saver.last_checkpoints
    assert tf.train.load_variable(str(tmp_path), "v") == 4.0


def test_keep_checkpoint_every_n_hours(tmp_path, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(saver_mod, "_now", lambda: clock[0])
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for s in range(8):   # one save every 20 minutes
            saver.save(sess, str(tmp_path / "m"), global_step=s)
            clock[0] += 1200
    kept = sorted(int(f[2:-6]) for f in os.listdir(tmp_path) if f.endswith(".index"))
    # saves at t = 1000, 2200, ...; TF keeps a rotated-out checkpoint written strictly after
    # the next mark (first 4600 s, then one hour on): step 4 (5800 s); step 7 is the newest
    assert kept == [4, 7]


def test_restore_errors(tmp_path):
    v = tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"))
        with pytest.raises(ValueError, match="not a valid checkpoint"):
            saver.restore(sess, str(tmp_path / "nothing"))
        with pytest.raises(ValueError, match="None"):
            saver.restore(sess, None)
        w = tf.Variable(1.0, name="w")
        with pytest.raises(NotFoundError, match="Key w not found"):
            tf.train.Saver([v, w]).restore(sess, path)
        with pytest.raises(ValueError, match="Parent directory"):
            saver.save(sess, str(tmp_path / "no" / "m"))
    assert v is not None


@pytest.mark.parametrize("damage", ["truncate_index", "flip_data", "truncate_data", "flip_index"])
def test_corrupted_checkpoint_names_file(tmp_path, damage):
    v = tf.Variable(np.arange(100, dtype=np.float32), name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"))
        target = path + (".index" if "index" in damage else ".data-00000-of-00001")
        data = bytearray(open(target, "rb").read())
        if damage.startswith("truncate"):
            data = data[:len(data) // 2]
        else:
            data[len(data) // 3] ^= 0x40
        open(target, "wb").write(bytes(data))
        with pytest.raises(DataLossError, match=os.path.basename(target)):
            saver.restore(sess, path)


def test_state_file_garbage_is_ignored(tmp_path):
    (tmp_path / "checkpoint").write_text("model_checkpoint_path: oops-unquoted\n")
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    assert tf.train.latest_checkpoint(str(tmp_path)) is None


def test_import_meta_graph(tmp_path):
    xs, ys = _data()
    x, y, W, b, cost, train, step = _model()
    tf.add_to_collection("cost", cost)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: xs, y: ys})
        path = tf.train.Saver().save(sess, str(tmp_path / "m"), global_step=1)
        expect = sess.run(cost, {x: xs, y: ys})
    tf.reset_default_graph()
    saver = tf.train.import_meta_graph(path + ".meta")
    g = tf.get_default_graph()
    c = tf.get_collection("cost")[0]
    with tf.Session() as sess:
        saver.restore(sess, path)
        got = sess.run(c, {g.get_tensor_by_name("x:0"): xs, "y:0": ys})
        sess.run(g.get_operation_by_name(train.name), {"x:0": xs, "y:0": ys})
        gs = [v for v in tf.global_variables() if v.name == "global_step:0"][0]
        assert sess.run(gs) == 2
    assert got == expect


def test_meta_graph_refuses_code(tmp_path):
    import pickle
    from neuroflow.saving import meta_graph

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))
    data = pickle.dumps({"graph": Evil()})
    with pytest.raises(DataLossError, match="refusing"):
        meta_graph.loads_graph(data, "x.meta")


def test_eager_saver_and_tf2_checkpoint(tmp_path):
    v = tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver([v])
    path = saver.save(None, str(tmp_path / "e"))
    v.assign([5.0, 6.0])
    saver.restore(None, path)
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])

    from neuroflow import keras
    model = keras.Sequential([keras.layers.Dense(2, input_dim=3)])
    opt = keras.optimizers.Adam(0.1)
    model.compile(opt, "mse")
    model.fit(np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32), verbose=0)
    ckpt = tf.train.Checkpoint(model=model, optimizer=opt)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path / "tf2"), max_to_keep=2)
    for _ in range(3):
        manager.save()
    assert [os.path.basename(p) for p in manager.checkpoints] == ["ckpt-2", "ckpt-3"]
    assert manager.latest_checkpoint.endswith("ckpt-3")
    keys = dict(tf.train.list_variables(manager.latest_checkpoint))
    assert "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE" in keys
    assert "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE" in keys
    assert any(".OPTIMIZER_SLOT/optimizer/m" in k for k in keys)
    before = [w.copy() for w in model.get_weights()]
    model.set_weights([np.zeros_like(w) for w in before])
    status = ckpt.restore(manager.latest_checkpoint)
    status.assert_consumed()
    for a, b_ in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b_)
    assert int(ckpt.save_counter.numpy()) == 3
