"""TF1 queue input pipelines: input producers, readers, decode_csv, batching, Coordinator."""
import threading

import numpy as np
import pytest

import neuroflow as tf

ROWS = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17, 18, 19, 20]]


def _csv(tmp_path, rows=ROWS, name="data.csv"):
    path = tmp_path / name
    path.write_text("".join(",".join(str(v) for v in r) + "\n" for r in rows))
    return str(path)


def test_lab_04_4_pipeline_reads_records_in_order(tmp_path):
    """The course's file pipeline: batches follow the file, the last column is the label."""
    path = _csv(tmp_path)
    filename_queue = tf.train.string_input_producer([path], shuffle=False, name="filename_queue")
    reader = tf.TextLineReader()
    key, value = reader.read(filename_queue)
    assert key.dtype == tf.string and value.dtype == tf.string
    record_defaults = [[0.], [0.], [0.], [0.]]
    xy = tf.decode_csv(value, record_defaults=record_defaults)
    assert [t.dtype for t in xy] == [tf.float32] * 4
    train_x_batch, train_y_batch = tf.train.batch([xy[0:-1], xy[-1:]], batch_size=2)
    assert train_x_batch.shape.as_list() == [2, 3]
    assert train_y_batch.shape.as_list() == [2, 1]
    sess = tf.Session()
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)
    assert isinstance(threads, list)
    data = np.array(ROWS, dtype=np.float32)
    order = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]   # num_epochs=None: the file again and again
    for step in range(5):
        x, y = sess.run([train_x_batch, train_y_batch])
        idx = order[2 * step:2 * step + 2]
        np.testing.assert_array_equal(x, data[idx, :-1])
        np.testing.assert_array_equal(y, data[idx, -1:])
        assert x.dtype == np.float32
    coord.request_stop()
    coord.join(threads)
    assert coord.should_stop()


def test_text_line_reader_keys_values_and_header(tmp_path):
    """Keys are b'<file>:<line number>' (header lines counted); values are the raw lines."""
    a = tmp_path / "a.txt"
    a.write_text("header\nfirst\nsecond\n")
    b = tmp_path / "b.txt"
    b.write_text("header\nthird\n")
    q = tf.train.string_input_producer([str(a), str(b)], shuffle=False, num_epochs=1)
    key, value = tf.TextLineReader(skip_header_lines=1).read(q)
    got = []
    with tf.Session() as sess:
        for _ in range(3):
            got.append(tuple(sess.run([key, value])))
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(value)
    assert got == [(("%s:2" % a).encode(), b"first"), (("%s:3" % a).encode(), b"second"),
                   (("%s:2" % b).encode(), b"third")]


def test_string_input_producer_epochs_shuffle_and_errors(tmp_path):
    """num_epochs ends the queue with OutOfRangeError; shuffle permutes within each epoch."""
    names = [str(tmp_path / ("f%d" % i)) for i in range(6)]
    q = tf.train.string_input_producer(names, num_epochs=2, shuffle=True, seed=3)
    name = q.dequeue()
    assert name.dtype == tf.string and name.shape.as_list() == []
    with tf.Session() as sess:
        first = [sess.run(name).decode() for _ in range(6)]
        second = [sess.run(name).decode() for _ in range(6)]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(name)
    assert sorted(first) == names and sorted(second) == names
    with pytest.raises(ValueError, match="string_input_producer requires a non-null input"):
        tf.train.string_input_producer([])


def test_input_producer_over_tensor_rows():
    """input_producer yields the rows of a tensor, keeping dtype and row shape."""
    q = tf.train.input_producer(tf.constant([[1, 2], [3, 4], [5, 6]]), shuffle=False,
                                num_epochs=1)
    row = q.dequeue()
    assert row.dtype == tf.int32 and row.shape.as_list() == [2]
    with tf.Session() as sess:
        rows = [sess.run(row) for _ in range(3)]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(row)
    np.testing.assert_array_equal(rows, [[1, 2], [3, 4], [5, 6]])
    assert rows[0].dtype == np.int32


def test_input_producer_cycles_and_each_session_starts_over():
    """Without num_epochs the rows repeat; a new session has its own queue position."""
    q = tf.train.input_producer(tf.constant([10., 20.]), shuffle=False)
    x = q.dequeue()
    with tf.Session() as sess:
        assert [float(sess.run(x)) for _ in range(5)] == [10., 20., 10., 20., 10.]
    with tf.Session() as sess:
        assert float(sess.run(x)) == 10.


def test_decode_csv_dtypes_and_defaults_for_empty_fields():
    """Each default's type gives the column dtype; empty fields take the default."""
    records = tf.constant(["1,,a,7", ",2.5,,", "3,4, b,"])
    cols = tf.decode_csv(records, record_defaults=[[0], [1.5], ["z"],
                                                   [tf.constant(9, tf.int64)]])
    assert [c.dtype for c in cols] == [tf.int32, tf.float32, tf.string, tf.int64]
    with tf.Session() as sess:
        a, b, c, d = sess.run(cols)
    np.testing.assert_array_equal(a, [1, 0, 3])
    assert a.dtype == np.int32
    np.testing.assert_allclose(b, [1.5, 2.5, 4.0])
    assert b.dtype == np.float32
    assert list(c) == [b"a", b"z", b" b"]   # string fields keep their spaces
    np.testing.assert_array_equal(d, [7, 9, 9])
    assert d.dtype == np.int64


def test_decode_csv_field_delim_and_shape():
    """field_delim splits on another character; outputs have the records' shape."""
    cols = tf.decode_csv(tf.constant([["1|2"], ["3|4"]]), [[0.], [0.]], field_delim="|")
    assert [c.shape.as_list() for c in cols] == [[2, 1], [2, 1]]
    np.testing.assert_array_equal(cols[0].numpy(), [[1.], [3.]])
    np.testing.assert_array_equal(cols[1].numpy(), [[2.], [4.]])


def test_decode_csv_bad_records_raise_invalid_argument():
    """TF's messages: wrong field count, unparsable numbers."""
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 3 fields but have 2 in "
                                                             "record 0"):
        tf.decode_csv("1,2", record_defaults=[[0], [0], [0]])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Field 0 in record 0 is not a valid float: x"):
        tf.decode_csv("x,2", record_defaults=[[0.], [0]])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Field 1 in record 1 is not a valid int32: 1.5"):
        tf.decode_csv(["1,2", "3,1.5"], record_defaults=[[0], [0]])
    v = tf.placeholder(tf.string, [])
    cols = tf.decode_csv(v, [[0], [0], [0]])
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 3 fields"):
            sess.run(cols, {v: "1,2"})


def test_shuffle_batch_shapes_and_records_from_file(tmp_path):
    """shuffle_batch gives [batch_size, ...] batches of whole records of the file."""
    rows = [[i, 10 * i, 100 * i] for i in range(20)]
    q = tf.train.string_input_producer([_csv(tmp_path, rows)], shuffle=False)
    _, value = tf.TextLineReader().read(q)
    a, b, c = tf.decode_csv(value, [[0], [0], [0]])
    xb, yb = tf.train.shuffle_batch([tf.stack([a, b]), c], batch_size=4, capacity=50,
                                    min_after_dequeue=10, seed=1)
    assert xb.shape.as_list() == [4, 2] and yb.shape.as_list() == [4]
    assert xb.dtype == tf.int32
    seen = []
    with tf.Session() as sess:
        for _ in range(5):
            x, y = sess.run([xb, yb])
            assert x.shape == (4, 2) and y.shape == (4,)
            np.testing.assert_array_equal(x[:, 1], 10 * x[:, 0])   # rows stay whole
            np.testing.assert_array_equal(y, 100 * x[:, 0])
            seen.extend(x[:, 0].tolist())
    assert set(seen) <= set(range(20))
    assert seen != sorted(seen)   # shuffled


def test_shuffle_batch_one_epoch_yields_every_record_once(tmp_path):
    """With num_epochs=1 every record comes out once, then OutOfRangeError; the buffer is
    shared by runs that fetch different outputs."""
    rows = [[i, i] for i in range(10)]
    q = tf.train.string_input_producer([_csv(tmp_path, rows)], shuffle=False, num_epochs=1)
    _, value = tf.TextLineReader().read(q)
    a, b = tf.decode_csv(value, [[0], [0]])
    xb, yb = tf.train.shuffle_batch([a, b], batch_size=3, capacity=20, min_after_dequeue=5,
                                    seed=0, allow_smaller_final_batch=True)
    assert xb.shape.as_list() == [None]
    got = []
    with tf.Session() as sess:
        x, y = sess.run([xb, yb])
        np.testing.assert_array_equal(x, y)
        got.extend(x.tolist())
        for _ in range(2):
            got.extend(sess.run(xb).tolist())
        last = sess.run(xb)
        assert last.shape == (1,)   # allow_smaller_final_batch: the remainder
        got.extend(last.tolist())
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(xb)
    assert sorted(got) == list(range(10))


def test_whole_file_reader_returns_filename_and_contents(tmp_path):
    """WholeFileReader: key is the file name, value its whole contents."""
    a = tmp_path / "a.txt"
    a.write_bytes(b"hello\nworld")
    b = tmp_path / "b.bin"
    b.write_bytes(b"\x00\x01\xff")
    q = tf.train.string_input_producer([str(a), str(b)], shuffle=False)
    key, value = tf.WholeFileReader().read(q)
    assert key.dtype == tf.string and value.dtype == tf.string
    with tf.Session() as sess:
        assert sess.run([key, value]) == [str(a).encode(), b"hello\nworld"]
        assert sess.run([key, value]) == [str(b).encode(), b"\x00\x01\xff"]
        assert sess.run(key) == str(a).encode()


def test_read_file_returns_bytes(tmp_path):
    """tf.read_file: a scalar string tensor with the file's bytes; a missing file is
    NotFoundError."""
    path = tmp_path / "x.bin"
    path.write_bytes(b"ab\x00c")
    contents = tf.read_file(str(path))
    assert contents.dtype == tf.string and contents.shape.as_list() == []
    assert contents.numpy() == b"ab\x00c"
    with tf.Graph().as_default():
        f = tf.placeholder(tf.string, [])
        t = tf.read_file(f)
        with tf.Session() as sess:
            assert sess.run(t, {f: str(path)}) == b"ab\x00c"
            with pytest.raises(tf.errors.NotFoundError):
                sess.run(t, {f: str(tmp_path / "missing")})


def test_coordinator_stop_and_join():
    """should_stop turns True on request_stop; join waits for threads; clear_stop resets."""
    coord = tf.train.Coordinator()
    assert not coord.should_stop() and not coord.wait_for_stop(0.01)
    ticks = []

    def worker():
        while not coord.should_stop():
            ticks.append(1)
            coord.wait_for_stop(0.001)
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    coord.request_stop()
    assert coord.should_stop() and coord.wait_for_stop(0.01)
    coord.join(threads)
    assert coord.joined and not any(t.is_alive() for t in threads)
    coord.clear_stop()
    assert not coord.should_stop() and not coord.joined


def test_coordinator_join_reraises_reported_exception():
    """An exception given to request_stop is re-raised by join; OutOfRangeError is a clean
    stop; stop_on_exception reports instead of raising."""
    coord = tf.train.Coordinator()
    try:
        raise RuntimeError("boom")
    except RuntimeError as e:
        coord.request_stop(e)
    assert coord.should_stop()
    with pytest.raises(RuntimeError, match="boom"):
        coord.join([])

    coord = tf.train.Coordinator()
    with coord.stop_on_exception():
        raise tf.errors.OutOfRangeError(None, None, "done")
    assert coord.should_stop()
    coord.join([])   # clean stop: nothing raised

    coord = tf.train.Coordinator()
    with coord.stop_on_exception():
        raise ValueError("bad value")
    with pytest.raises(ValueError, match="bad value"):
        coord.join()


def test_coordinator_join_reports_stragglers():
    """Threads still alive after the grace period: RuntimeError, unless ignored."""
    coord = tf.train.Coordinator()
    release = threading.Event()
    t = threading.Thread(target=release.wait, name="straggler")
    t.start()
    try:
        coord.request_stop()
        with pytest.raises(RuntimeError, match="threads still running: straggler"):
            coord.join([t], stop_grace_period_secs=0.01)
        coord.join([t], stop_grace_period_secs=0.01, ignore_live_threads=True)
    finally:
        release.set()
        t.join()


def test_start_queue_runners_needs_a_session():
    """No sess and no default session: ValueError; with one, a list of threads."""
    with pytest.raises(ValueError, match="No default session is registered"):
        tf.train.start_queue_runners()
    sess = tf.Session()
    with sess.as_default():
        assert tf.train.start_queue_runners() == []
    assert tf.train.start_queue_runners(sess=sess, coord=tf.train.Coordinator()) == []
