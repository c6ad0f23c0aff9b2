"""neuroflow.loaders: search order, checked atomic downloads (no network), IDX and npz readers."""
import gzip
import hashlib
import io
import os
import urllib.error

import numpy as np
import pytest

from neuroflow import loaders
from neuroflow.loaders import files as fetch_mod

SHARED = os.environ["NEUROFLOW_DATASETS"]
MNIST_DIR = os.path.join(SHARED, "mnist")
needs_mnist = pytest.mark.skipif(not os.path.isdir(MNIST_DIR), reason="shared MNIST not present")


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    """No data anywhere: an empty $NEUROFLOW_DATASETS, an empty cache and Keras cache."""
    for name, sub in [("NEUROFLOW_DATASETS", "datasets"), ("NEUROFLOW_HOME", "home"),
                      ("KERAS_HOME", "keras")]:
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(name, str(tmp_path / sub))
    monkeypatch.delenv("NEUROFLOW_OFFLINE", raising=False)
    return tmp_path


def no_network(url, timeout):
    raise urllib.error.URLError("no network in tests")


def idx_bytes(a, code):
    header = bytes([0, 0, code, a.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in a.shape)
    return header + a.astype(a.dtype.newbyteorder(">")).tobytes()


# ------------------------------------------------------------------ IDX
@pytest.mark.parametrize("dtype,code", [(np.uint8, 0x08), (np.int8, 0x09), (np.int16, 0x0B),
                                        (np.int32, 0x0C), (np.float32, 0x0D), (np.float64, 0x0E)])
@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_types(tmp_path, dtype, code, compress):
    a = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    raw = idx_bytes(a, code)
    p = tmp_path / "x-idx3-ubyte"
    p.write_bytes(gzip.compress(raw) if compress else raw)
    for src in (str(p), p, io.BytesIO(p.read_bytes())):
        got = loaders.read_idx(src)
        assert got.dtype == np.dtype(dtype) and got.dtype.isnative and got.flags.writeable
        np.testing.assert_array_equal(got, a)


def test_read_idx_errors(tmp_path):
    a = np.arange(10, dtype=np.uint8)
    p = tmp_path / "labels"
    p.write_bytes(idx_bytes(a, 0x08))
    with pytest.raises(ValueError, match="Invalid magic number 2049 .* expected 2051"):
        loaders.read_idx(p, expected_magic=2051)
    p.write_bytes(idx_bytes(a, 0x08)[:-3])
    with pytest.raises(ValueError, match="Truncated IDX file"):
        loaders.read_idx(p)
    p.write_bytes(b"PK\x03\x04junk")
    with pytest.raises(ValueError, match="Invalid IDX file"):
        loaders.read_idx(p)


# ------------------------------------------------------------------ search order
def put(folder, name, data=b"x"):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
    return os.path.join(folder, name)


def test_search_order_explicit_env_cache(clean_env, tmp_path):
    name = "train-labels-idx1-ubyte.gz"
    files = {"y": loaders.MNIST.files["train_labels"]}
    env = tmp_path / "datasets"
    cached = put(tmp_path / "home" / "datasets" / "mnist", name)
    assert loaders.find_files(files, "mnist", ("mnist",))["y"] == cached
    in_env = put(env / "deep" / "MNIST_data", name)  # recursive, folder named like the data set
    assert loaders.find_files(files, "mnist", ("mnist", "mnist_data"))["y"] == in_env
    explicit = put(tmp_path / "mine", name)
    found = loaders.find_files(files, "mnist", ("mnist",), dirs=[str(tmp_path / "mine")])
    assert found["y"] == explicit
    # the raw (uncompressed) name is accepted too
    assert loaders.MNIST.files["train_labels"].names[1] == "train-labels-idx1-ubyte"


def test_env_search_tells_mnist_from_fashion(clean_env, tmp_path):
    """Both data sets use the same file names: the folder name or the published size decides."""
    name = "train-labels-idx1-ubyte.gz"
    env = tmp_path / "datasets"
    put(env / "fashion-mnist", name, b"f" * 10)
    files = {"y": loaders.MNIST.files["train_labels"]}
    assert loaders.find_files(files, "mnist", loaders.MNIST.aliases)["y"] is None
    right_size = put(env / "unnamed", name, b"m" * loaders.MNIST.files["train_labels"].size)
    assert loaders.find_files(files, "mnist", loaders.MNIST.aliases)["y"] == right_size
    fashion = {"y": loaders.FASHION_MNIST.files["train_labels"]}
    assert loaders.find_files(fashion, "fashion-mnist", loaders.FASHION_MNIST.aliases)["y"] == str(
        env / "fashion-mnist" / name)


@needs_mnist
def test_shared_datasets_found():
    found = loaders.MNIST.find()
    assert all(p and p.startswith(SHARED) and "fashion" not in p for p in found.values())


# ------------------------------------------------------------------ download
def test_download_file_url_atomic(clean_env, tmp_path):
    src = put(tmp_path / "remote", "blob.bin", os.urandom(3 * 1024 * 1024 + 7))
    sha = hashlib.sha256(open(src, "rb").read()).hexdigest()
    dest = tmp_path / "home" / "out" / "blob.bin"
    loaders.download("file://" + src, str(dest), sha256=sha, verbose=False)
    assert dest.read_bytes() == open(src, "rb").read()
    assert os.listdir(dest.parent) == ["blob.bin"]  # no temporary file left


def test_download_checksum_mismatch_leaves_nothing(clean_env, tmp_path):
    src = put(tmp_path / "remote", "blob.bin", b"corrupted")
    dest = tmp_path / "home" / "out" / "blob.bin"
    with pytest.raises(loaders.ChecksumError, match="expected 0000"):
        loaders.download("file://" + src, str(dest), sha256="0" * 64, verbose=False)
    assert os.listdir(dest.parent) == []


def test_download_interrupted_leaves_nothing(clean_env, tmp_path, monkeypatch):
    class Broken(io.BytesIO):
        def read(self, n=-1):
            if self.tell() > 0:
                raise ConnectionResetError("connection reset")
            return super().read(5)
    monkeypatch.setattr(fetch_mod, "_urlopen", lambda url, timeout: Broken(b"0123456789"))
    dest = tmp_path / "home" / "blob.bin"
    with pytest.raises(ConnectionResetError):
        loaders.download("https://example.invalid/blob.bin", str(dest), verbose=False)
    assert os.listdir(tmp_path / "home") == []


@needs_mnist
def test_mnist_downloaded_into_cache_and_checked(clean_env, tmp_path, capsys):
    """The official sha256s pass on the real files, served from a file:// mirror."""
    paths = loaders.MNIST.paths(source_url="file://" + MNIST_DIR + "/")
    cache = tmp_path / "home" / "datasets" / "mnist"
    assert sorted(os.listdir(cache)) == sorted(loaders.MNIST.file_names())
    assert all(p.startswith(str(cache)) for p in paths.values())
    out = capsys.readouterr().out
    assert "Successfully downloaded train-images-idx3-ubyte.gz 9912422 bytes." in out
    # next time they come from the cache, without a download
    assert loaders.MNIST.paths(download=False) == paths


def test_mirror_fallback_and_offline_message(clean_env, tmp_path, monkeypatch):
    monkeypatch.setattr(fetch_mod, "_urlopen", no_network)
    with pytest.raises(loaders.DatasetNotFoundError) as e:
        loaders.MNIST.paths()
    msg = str(e.value)
    assert "no network in tests" in msg and "storage.googleapis.com" in msg  # every mirror tried
    for part in loaders.MNIST.file_names() + ["$NEUROFLOW_DATASETS", str(tmp_path / "datasets"),
                                              str(tmp_path / "home" / "datasets" / "mnist")]:
        assert part in msg
    assert os.listdir(tmp_path / "home") in ([], ["datasets"])
    monkeypatch.setenv("NEUROFLOW_OFFLINE", "1")
    with pytest.raises(FileNotFoundError, match="NEUROFLOW_OFFLINE"):
        loaders.load_fashion_mnist()


def test_wrong_file_at_mirror_is_rejected(clean_env, tmp_path, monkeypatch):
    monkeypatch.setattr(fetch_mod, "_urlopen",
                        lambda url, timeout: io.BytesIO(b"<html>moved</html>"))
    with pytest.raises(loaders.DatasetNotFoundError, match="ChecksumError"):
        loaders.load_mnist()
    assert not any(files for _, _, files in os.walk(tmp_path / "home"))


# ------------------------------------------------------------------ Keras-style loaders
@needs_mnist
def test_load_mnist_idx_and_npz_agree(tmp_path):
    (x_train, y_train), (x_test, y_test) = loaders.load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert y_test.shape == (10000,) and y_train.max() == 9
    npz = tmp_path / "mnist.npz"
    np.savez(npz, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    (a, b), (c, d) = loaders.load_mnist(str(npz))
    for u, v in zip((a, b, c, d), (x_train, y_train, x_test, y_test)):
        np.testing.assert_array_equal(u, v)
    (a, _), _ = loaders.load_mnist(MNIST_DIR)
    np.testing.assert_array_equal(a, x_train)
    with pytest.raises(ValueError, match="Invalid value for argument `path`"):
        loaders.load_mnist(os.path.join(MNIST_DIR, "train-images-idx3-ubyte.gz"))


def test_load_mnist_prefers_local_npz(clean_env, tmp_path, monkeypatch):
    monkeypatch.setattr(fetch_mod, "_urlopen", no_network)
    x = np.full((3, 28, 28), 7, np.uint8)
    y = np.arange(3, dtype=np.uint8)
    os.makedirs(tmp_path / "keras" / "datasets")
    np.savez(tmp_path / "keras" / "datasets" / "mnist.npz", x_train=x, y_train=y, x_test=x[:1],
             y_test=y[:1])
    (a, b), (c, d) = loaders.load_mnist()  # Keras's own cache is reused
    np.testing.assert_array_equal(b, y)
    assert c.shape == (1, 28, 28)


def test_load_fashion_mnist():
    if not os.path.isdir(os.path.join(SHARED, "fashion-mnist")):
        pytest.skip("shared Fashion-MNIST not present")
    (x_train, y_train), (x_test, y_test) = loaders.load_fashion_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    np.testing.assert_array_equal(np.bincount(y_test), [1000] * 10)


def test_load_digits():
    x, y = loaders.load_digits()
    assert x.shape == (1797, 8, 8) and y.shape == (1797,)
    assert x.dtype == np.uint8 and x.max() == 16 and set(np.unique(y)) == set(range(10))
    assert loaders.sha256sum(loaders.datasets.DIGITS_PATH) == loaders.datasets.DIGITS_SHA256
