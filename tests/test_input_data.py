"""input_data.read_data_sets and DataSet.next_batch against TF1's behaviour."""
import os

import numpy as np
import pytest

import neuroflow as tf
from neuroflow.examples.tutorials.mnist import input_data
from neuroflow.loaders import MNIST

MNIST_DIR = os.path.join(os.environ["NEUROFLOW_DATASETS"], "mnist")
pytestmark = pytest.mark.skipif(not os.path.isdir(MNIST_DIR), reason="shared MNIST not present")


@pytest.fixture(scope="module")
def mnist():
    return input_data.read_data_sets("no_such_dir/")


@pytest.fixture(scope="module")
def mnist_one_hot():
    return input_data.read_data_sets("no_such_dir/", one_hot=True)


def test_split_sizes_dtypes_ranges(mnist):
    assert (mnist.train.num_examples, mnist.validation.num_examples,
            mnist.test.num_examples) == (55000, 5000, 10000)
    for ds in mnist:
        assert ds.images.dtype == np.float32 and ds.images.shape[1] == 784
        assert ds.images.min() == 0.0 and ds.images.max() == 1.0
        assert ds.labels.dtype == np.uint8 and ds.labels.ndim == 1
        assert set(np.unique(ds.labels)) == set(range(10))
        assert ds.epochs_completed == 0
    # validation is the first 5,000 training images: together they are the 60,000 of the IDX file
    counts = np.bincount(mnist.train.labels, minlength=10) + np.bincount(mnist.validation.labels)
    ref = np.bincount(MNIST.load()[0][1])
    np.testing.assert_array_equal(counts, ref)


def scaled(x):
    """TF1's formula: images.astype(float32) * (1.0 / 255.0)."""
    return x.reshape(len(x), -1).astype(np.float32) * np.float32(1.0 / 255.0)


def test_images_are_scaled_pixels(mnist):
    (x_train, _), (x_test, _) = MNIST.load()
    np.testing.assert_array_equal(mnist.test.images, scaled(x_test))
    np.testing.assert_array_equal(mnist.validation.images, scaled(x_train[:5000]))


def test_one_hot(mnist, mnist_one_hot):
    y = mnist_one_hot.test.labels
    assert y.dtype == np.float64 and y.shape == (10000, 10)  # numpy.zeros' float64, as TF1
    np.testing.assert_array_equal(y.sum(axis=1), 1.0)
    np.testing.assert_array_equal(y.argmax(axis=1), mnist.test.labels)


def test_uint8_unreshaped_and_arguments():
    d = input_data.read_data_sets("no_such_dir/", dtype=tf.uint8, reshape=False, validation_size=0)
    assert d.train.images.shape == (60000, 28, 28, 1) and d.train.images.dtype == np.uint8
    assert d.train.images.max() == 255 and d.validation.num_examples == 0
    with pytest.raises(ValueError, match="Validation size should be between 0 and 60000"):
        input_data.read_data_sets("no_such_dir/", validation_size=60001)
    with pytest.raises(TypeError, match="Invalid image dtype"):
        input_data.DataSet(np.zeros((2, 28, 28, 1), np.uint8), np.zeros(2, np.uint8),
                           dtype=tf.int32)


def test_prints_extracting_from_train_dir_first(tmp_path, capsys):
    d = tmp_path / "MNIST_data"
    d.mkdir()
    for name in MNIST.file_names():
        os.symlink(os.path.join(MNIST_DIR, name), d / name)
    input_data.read_data_sets(str(d) + "/", validation_size=100)
    out = capsys.readouterr().out.splitlines()
    assert out == ["Extracting %s/%s" % (d, n) for n in MNIST.file_names()]


def test_fashion_by_folder_name():
    fashion = os.path.join(os.environ["NEUROFLOW_DATASETS"], "fashion-mnist")
    if not os.path.isdir(fashion):
        pytest.skip("shared Fashion-MNIST not present")
    d = input_data.read_data_sets("data/fashion")
    counts = np.bincount(d.train.labels) + np.bincount(d.validation.labels)
    np.testing.assert_array_equal(counts, [6000] * 10)  # Fashion-MNIST is balanced, MNIST is not


def test_npz_when_no_idx_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NEUROFLOW_DATASETS", str(tmp_path / "empty"))
    monkeypatch.setenv("NEUROFLOW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NEUROFLOW_OFFLINE", "1")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (50, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, 50).astype(np.uint8)
    np.savez(tmp_path / "mnist.npz", x_train=x[:40], y_train=y[:40], x_test=x[40:], y_test=y[40:])
    d = input_data.read_data_sets(str(tmp_path), one_hot=True, validation_size=10)
    assert capsys.readouterr().out.strip() == "Extracting %s" % (tmp_path / "mnist.npz")
    assert (d.train.num_examples, d.validation.num_examples, d.test.num_examples) == (30, 10, 10)
    np.testing.assert_array_equal(d.test.labels.argmax(1), y[40:])
    np.testing.assert_array_equal(d.validation.images, scaled(x[:10]))


def test_offline_error_names_files_and_env(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROFLOW_DATASETS", str(tmp_path / "empty"))
    monkeypatch.setenv("NEUROFLOW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("NEUROFLOW_OFFLINE", "1")
    with pytest.raises(FileNotFoundError) as e:
        input_data.read_data_sets("MNIST_data/")
    msg = str(e.value)
    for part in ["train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "NEUROFLOW_DATASETS",
                 os.path.abspath("MNIST_data"), str(tmp_path / "home" / "datasets" / "mnist")]:
        assert part in msg


# ------------------------------------------------------------------ next_batch
def tf1_batches(n, batch_size, steps, seed):
    """TF1's next_batch algorithm on ids 0..n-1, written out plainly (the reference)."""
    np.random.seed(seed)
    ids, index, epochs, out = np.arange(n), 0, 0, []
    for _ in range(steps):
        start = index
        if epochs == 0 and start == 0:
            perm = np.arange(n)
            np.random.shuffle(perm)
            ids = ids[perm]
        if start + batch_size > n:
            epochs += 1
            rest = ids[start:n]
            perm = np.arange(n)
            np.random.shuffle(perm)
            ids = ids[perm]
            index = batch_size - (n - start)
            out.append(np.concatenate((rest, ids[:index])))
        else:
            index += batch_size
            out.append(ids[start:index])
    return out


def ids_dataset(n, width=1, seed=None):
    """A uint8 DataSet whose image row i is filled with i % 256 and whose label is i."""
    images = np.repeat((np.arange(n) % 256).astype(np.uint8)[:, None], width, axis=1)
    return input_data.DataSet(images.reshape(n, width, 1, 1), np.arange(n), dtype=tf.uint8,
                              seed=seed)


@pytest.mark.parametrize("n,width", [(10, 1), (6000, 784)])  # 4.7 MB: the prefetching path
@pytest.mark.parametrize("batch_size", [3, 5, 10, 7])
def test_next_batch_matches_tf1(n, width, batch_size):
    steps = 3 * n // batch_size + 2
    ref = tf1_batches(n, batch_size, steps, seed=7)
    ds = ids_dataset(n, width, seed=7)  # seeds numpy's global generator again, as TF1 does
    for k in range(steps):
        x, y = ds.next_batch(batch_size)
        np.testing.assert_array_equal(y, ref[k])
        np.testing.assert_array_equal(x[:, 0], y % 256)  # images stay paired with labels
        assert ds.epochs_completed == ((k + 1) * batch_size - 1) // n


def test_two_epochs_cover_each_example_once():
    n = 10
    ds = ids_dataset(n)
    seen = np.concatenate([ds.next_batch(3)[1] for _ in range(7)])[:2 * n]  # 21 examples
    np.testing.assert_array_equal(np.sort(seen[:n]), np.arange(n))
    np.testing.assert_array_equal(np.sort(seen[n:]), np.arange(n))
    assert not np.array_equal(seen[:n], seen[n:])  # reshuffled between epochs


def test_remainder_wraps_into_next_epoch():
    ds = ids_dataset(10)
    for _ in range(3):
        ds.next_batch(3)
    assert ds.epochs_completed == 0
    first_epoch = ds.labels.copy()
    x, y = ds.next_batch(3)  # the last example of epoch 1, then two of epoch 2
    assert ds.epochs_completed == 1 and y[0] == first_epoch[9]
    np.testing.assert_array_equal(y[1:], ds.labels[:2])
    assert ds._index_in_epoch == 2


def test_batches_are_views_and_no_shuffle():
    ds = ids_dataset(6000, 784)
    x, y = ds.next_batch(100)
    x2, _ = ds.next_batch(100)
    assert np.shares_memory(x, ds.images) and np.shares_memory(x2, ds.images)
    assert x.flags.c_contiguous
    plain = ids_dataset(10)
    np.testing.assert_array_equal(plain.next_batch(4, shuffle=False)[1], [0, 1, 2, 3])
    np.testing.assert_array_equal(plain.next_batch(8, shuffle=False)[1], [4, 5, 6, 7, 8, 9, 0, 1])


def test_mnist_next_batch_shapes(mnist_one_hot):
    x, y = mnist_one_hot.train.next_batch(100)
    assert x.shape == (100, 784) and y.shape == (100, 10)
    assert x.dtype == np.float32 and y.dtype == np.float64


def test_fake_data():
    d = input_data.read_data_sets("unused", fake_data=True, one_hot=True)
    assert d.train.num_examples == 10000
    x, y = d.train.next_batch(4, fake_data=True)
    assert np.array(x).shape == (4, 784) and np.array(y).shape == (4, 10)
    assert input_data.dense_to_one_hot(np.array([2, 0]), 3).tolist() == [[0, 0, 1], [1, 0, 0]]


def test_seed_makes_batches_repeatable():
    runs = []
    for _ in range(2):
        ds = ids_dataset(50, seed=3)
        runs.append(np.concatenate([ds.next_batch(7)[1] for _ in range(30)]))
    np.testing.assert_array_equal(runs[0], runs[1])
    tf.set_random_seed(5)  # a graph-level seed alone also fixes the order, as in TF1
    a = np.concatenate([ids_dataset(50).next_batch(50)[1] for _ in range(1)])
    tf.set_random_seed(5)
    b = np.concatenate([ids_dataset(50).next_batch(50)[1] for _ in range(1)])
    np.testing.assert_array_equal(a, b)


def test_dataset_pickles_while_prefetching():
    import pickle
    ds = ids_dataset(6000, 784)
    ds.next_batch(100)
    assert ds._pending is not None  # a shuffle for the next epoch is running or done
    copy = pickle.loads(pickle.dumps(ds))
    np.testing.assert_array_equal(copy.next_batch(100)[1], ds.next_batch(100)[1])
    for _ in range(60):  # across the epoch boundary
        x, y = copy.next_batch(100)
        np.testing.assert_array_equal(x[:, 0], y % 256)
    assert copy.epochs_completed == 1
