"""Keras data names no other test ran: Tokenizer.fit_on_sequences, flow_from_dataframe,
ImageDataset.cardinality / skip, and CIFAR-10 (the real files and an npz in the Keras cache)."""
import numpy as np
import pytest

from neuroflow import keras
from keras_helpers import fresh_keras  # noqa: F401


# ------------------------------------------------------------------ Tokenizer
def test_tokenizer_fit_on_sequences_counts_documents_for_tfidf():
    tok = keras.preprocessing.text.Tokenizer(num_words=6)
    seqs = [[1, 2, 2], [2, 3], [4, 1, 1, 1]]
    assert tok.fit_on_sequences(seqs) is None
    assert tok.document_count == 3
    assert dict(tok.index_docs) == {1: 2, 2: 2, 3: 1, 4: 1}   # documents, not occurrences
    tok.fit_on_sequences([[5]])
    assert tok.document_count == 4 and tok.index_docs[5] == 1
    binary = tok.sequences_to_matrix([[1, 2, 2], [5, 7]], mode="binary")
    np.testing.assert_array_equal(binary, [[0, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 1]])
    tfidf = tok.sequences_to_matrix([[1, 2, 2], [3]], mode="tfidf")
    # Keras: (1 + log(count)) * log(1 + document_count / (1 + index_docs[j]))
    want = np.zeros((2, 6))
    want[0, 1] = 1.0 * np.log(1 + 4 / 3)
    want[0, 2] = (1 + np.log(2)) * np.log(1 + 4 / 3)
    want[1, 3] = 1.0 * np.log(1 + 4 / 2)
    np.testing.assert_allclose(tfidf, want, rtol=1e-12)


def test_tokenizer_sequences_only_needs_num_words_or_fit():
    tok = keras.preprocessing.text.Tokenizer()
    tok.fit_on_sequences([[1, 2]])
    with pytest.raises(ValueError, match="Specify a dimension"):
        tok.sequences_to_matrix([[1]], mode="binary")
    with pytest.raises(ValueError, match="Fit the Tokenizer on some data before using tfidf"):
        keras.preprocessing.text.Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="tfidf")


# ------------------------------------------------------------------ image files
def _write_images(root, spec, size=(6, 5)):
    from PIL import Image
    paths = []
    for cls, n in spec:
        (root / cls).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            px = np.full(size + (3,), 40 * i + (100 if cls == "dog" else 0), np.uint8)
            p = root / cls / f"img_{i}.png"
            Image.fromarray(px).save(p)
            paths.append(p)
    return paths


def test_flow_from_dataframe(tmp_path):
    pd = pytest.importorskip("pandas")
    _write_images(tmp_path, [("cat", 2), ("dog", 2)])
    df = pd.DataFrame({"filename": ["cat/img_0.png", "dog/img_0.png", "cat/img_1.png",
                                    "dog/img_1.png"],
                       "class": ["cat", "dog", "cat", "dog"]})
    gen = keras.preprocessing.image.ImageDataGenerator(rescale=1 / 255.0)
    it = gen.flow_from_dataframe(df, directory=str(tmp_path), x_col="filename", y_col="class",
                                 target_size=(6, 5), batch_size=4, shuffle=False)
    assert it.class_indices == {"cat": 0, "dog": 1} and it.samples == 4
    x, y = next(it)
    assert x.shape == (4, 6, 5, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(y, [[1, 0], [0, 1], [1, 0], [0, 1]])
    np.testing.assert_allclose(x[1, 0, 0], [100 / 255.0] * 3, rtol=1e-6)


@pytest.fixture
def tiny_tree(tmp_path):
    _write_images(tmp_path, [("cat", 3), ("dog", 3)])
    return str(tmp_path)


def test_image_dataset_cardinality_and_skip(tiny_tree):
    ds = keras.utils.image_dataset_from_directory(tiny_tree, image_size=(6, 5), batch_size=2,
                                                  shuffle=False)
    assert int(ds.cardinality()) == 3 == len(ds)
    rest = ds.skip(1)
    assert int(rest.cardinality()) == 2
    batches = list(rest)
    assert len(batches) == 2
    labels = np.concatenate([np.asarray(lab) for _, lab in batches])
    np.testing.assert_array_equal(labels, [0, 1, 1, 1])    # files in class, then name order
    assert batches[0][0].shape == (2, 6, 5, 3)
    assert rest.class_names == ["cat", "dog"]
    # tf.data: skipping more than there is leaves nothing; -1 skips the whole dataset
    assert int(ds.skip(5).cardinality()) == 0 and list(ds.skip(5)) == []
    assert int(ds.skip(-1).cardinality()) == 0 and list(ds.skip(-1)) == []
    assert int(ds.skip(0).cardinality()) == 3 and len(list(ds.skip(0))) == 3
    # take(-1) takes everything
    assert int(ds.take(-1).cardinality()) == 3 and len(list(ds.take(-1))) == 3
    assert int(ds.skip(1).take(1).cardinality()) == 1
    single = keras.utils.image_dataset_from_directory(tiny_tree, image_size=(6, 5),
                                                      batch_size=None, shuffle=False)
    assert int(single.cardinality()) == 6 and int(single.skip(4).cardinality()) == 2


# ------------------------------------------------------------------ CIFAR-10
def test_cifar10_load_data_real_files(tmp_path, monkeypatch):
    from neuroflow.keras.datasets import cifar10
    from neuroflow.loaders import dataset_roots
    import os
    if not any(os.path.isdir(os.path.join(r, "cifar10")) for r in dataset_roots()):
        pytest.skip("no CIFAR-10 under $NEUROFLOW_DATASETS")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))     # no Keras-cache npz in the way
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (50000, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (50000, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 32, 32, 3) and x_test.dtype == np.uint8
    assert y_test.shape == (10000, 1) and y_test.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(y_train[:, 0]), [5000] * 10)
    np.testing.assert_array_equal(np.bincount(y_test[:, 0]), [1000] * 10)
    # the well-known per-channel statistics of the training images (channels last)
    mean = x_train[::10].reshape(-1, 3).mean(axis=0) / 255.0
    np.testing.assert_allclose(mean, [0.4914, 0.4822, 0.4465], atol=5e-3)


def test_cifar10_from_npz_in_keras_cache(tmp_path, monkeypatch):
    from neuroflow.keras.datasets import _common, cifar10
    rng = np.random.RandomState(0)
    arrays = {"x_train": rng.randint(0, 256, (3, 32, 32, 3)).astype(np.uint8),
              "y_train": np.array([[1], [0], [9]], np.uint8),
              "x_test": rng.randint(0, 256, (2, 32, 32, 3)).astype(np.uint8),
              "y_test": np.array([[4], [2]], np.uint8)}
    (tmp_path / "datasets").mkdir()
    path = tmp_path / "datasets" / "cifar10.npz"
    np.savez(path, **arrays)
    (a, b), (c, d) = _common.npz_splits(str(path))
    for got, key in zip((a, b, c, d), ("x_train", "y_train", "x_test", "y_test")):
        np.testing.assert_array_equal(got, arrays[key])
        assert got.dtype == np.uint8
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv("NEUROFLOW_DATASETS", str(tmp_path / "nothing"))
    (xt, yt), (xs, ys) = cifar10.load_data()
    np.testing.assert_array_equal(xt, arrays["x_train"])
    np.testing.assert_array_equal(ys, arrays["y_test"])
