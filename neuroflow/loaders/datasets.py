"""MNIST, Fashion-MNIST and the shipped 8x8 digits: file lists with checksums, and their loaders."""
import gzip
import os

import numpy as np

from .files import (DatasetNotFoundError, RemoteFile, fetch, find_files, keras_home,
                    not_found_message, sha256sum)
from .idx import read_idx

MNIST_MIRRORS = ("https://storage.googleapis.com/cvdf-datasets/mnist/",  # TF1's DEFAULT_SOURCE_URL
                 "https://ossci-datasets.s3.amazonaws.com/mnist/")
FASHION_MIRRORS = ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/",  # Keras's origin
                   "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")
IDX_KEYS = ("train_images", "train_labels", "test_images", "test_labels")
_STEMS = {"train_images": ("train-images", "idx3"), "train_labels": ("train-labels", "idx1"),
          "test_images": ("t10k-images", "idx3"), "test_labels": ("t10k-labels", "idx1")}


def _idx_file(key, sha256, size, mirrors):
    stem, kind = _STEMS[key]
    gz = "%s-%s-ubyte.gz" % (stem, kind)
    return RemoteFile(names=(gz, gz[:-3], "%s.%s-ubyte" % (stem, kind)), sha256=sha256, size=size,
                      urls=tuple(m + gz for m in mirrors))


class IdxDataset:
    """An MNIST-format data set: four IDX files, their cache folder and the names of its folder."""

    def __init__(self, title, subdir, aliases, files, mirrors, keras_subdir):
        self.title, self.subdir, self.aliases = title, subdir, aliases
        self.mirrors, self.keras_subdir = mirrors, keras_subdir
        self.files = {k: _idx_file(k, *files[k], mirrors) for k in IDX_KEYS}

    @property
    def keras_dir(self):
        return os.path.join(keras_home(), "datasets", self.keras_subdir)

    def file_names(self):
        return [self.files[k].names[0] for k in IDX_KEYS]

    def find(self, dirs=()):
        return find_files(self.files, self.subdir, self.aliases, dirs, (self.keras_dir,))

    def paths(self, dirs=(), download=True, source_url=None, verbose=True):
        """Paths of the four files (key -> path), downloading the missing ones into the cache."""
        found = self.find(dirs)
        missing = [k for k in IDX_KEYS if found[k] is None]
        if missing and download:
            reason = None
            for k in missing:
                f = self.files[k]
                urls = ((source_url + f.names[0],) if source_url else ()) + f.urls
                try:
                    found[k] = fetch(f, self.subdir, urls=urls, verbose=verbose)
                except OSError as e:
                    reason = str(e)
                    break
            missing = [k for k in IDX_KEYS if found[k] is None]
            if missing:
                raise DatasetNotFoundError(not_found_message(
                    self.title, self.subdir, self.file_names(), self.aliases, dirs, reason))
        if missing:
            raise DatasetNotFoundError(not_found_message(
                self.title, self.subdir, self.file_names(), self.aliases, dirs))
        return found

    def load(self, dirs=(), download=True):
        """((x_train, y_train), (x_test, y_test)) as uint8, images of shape (N, 28, 28)."""
        p = self.paths(dirs, download)
        return ((read_idx(p["train_images"], 2051), read_idx(p["train_labels"], 2049)),
                (read_idx(p["test_images"], 2051), read_idx(p["test_labels"], 2049)))


MNIST = IdxDataset(
    "MNIST", "mnist", ("mnist", "mnist_data", "mnist-data"),
    {"train_images": ("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422),
     "train_labels": ("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881),
     "test_images": ("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877),
     "test_labels": ("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542)},
    MNIST_MIRRORS, "mnist")

FASHION_MNIST = IdxDataset(
    "Fashion-MNIST", "fashion-mnist", ("fashion-mnist", "fashion_mnist", "fashion"),
    {"train_images": ("3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26421880),
     "train_labels": ("a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29515),
     "test_images": ("346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4422102),
     "test_labels": ("67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5148)},
    FASHION_MIRRORS, "fashion-mnist")

MNIST_NPZ = RemoteFile(
    names=("mnist.npz",), sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    size=11490434, urls=("https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",))


def read_npz(path):
    """((x_train, y_train), (x_test, y_test)) from a Keras-style ``mnist.npz``."""
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def find_mnist_npz(dirs=()):
    """Path of a local ``mnist.npz`` (given folders, $NEUROFLOW_DATASETS, caches), or None."""
    return find_files({"npz": MNIST_NPZ}, MNIST.subdir, MNIST.aliases, dirs,
                      (os.path.join(keras_home(), "datasets"),))["npz"]


def load_mnist(path=None):
    """MNIST as Keras gives it: ((x_train, y_train), (x_test, y_test)), uint8, x (N, 28, 28).

    Args:
      path: an ``mnist.npz`` file or a folder with the four IDX files. By default the data is
        looked up in ``$NEUROFLOW_DATASETS`` and the cache (IDX files or ``mnist.npz``), and
        otherwise ``mnist.npz`` is downloaded (sha256-checked) into ``~/.neuroflow/datasets/mnist``.

    Example:
      >>> (x_train, y_train), (x_test, y_test) = load_mnist()   # doctest: +SKIP
      >>> x_train.shape, x_train.dtype
      ((60000, 28, 28), dtype('uint8'))
    """
    if path is not None and os.path.isdir(path):
        return MNIST.load(dirs=(path,), download=False)
    if path is not None and os.path.isfile(path):
        return read_npz(path) if str(path).endswith(".npz") else _bad_path(path)
    found = MNIST.find()
    if all(found.values()):
        return MNIST.load()
    npz = find_mnist_npz()
    if npz is not None:
        return read_npz(npz)
    try:
        return read_npz(fetch(MNIST_NPZ, MNIST.subdir))
    except OSError as e:
        reason = str(e)
    try:  # the IDX mirrors hold the same arrays
        return MNIST.load()
    except DatasetNotFoundError:
        raise DatasetNotFoundError(not_found_message(
            "MNIST", MNIST.subdir, MNIST.file_names() + ["(or mnist.npz)"], MNIST.aliases,
            reason=reason)) from None


def _bad_path(path):
    raise ValueError("Invalid value for argument `path`: expected an .npz file or a folder with "
                     "the MNIST IDX files. Received: path=%r" % (path,))


def load_fashion_mnist(path=None):
    """Fashion-MNIST as Keras gives it: ((x_train, y_train), (x_test, y_test)), uint8 (N, 28, 28).

    Args:
      path: a folder holding the four ``*-ubyte.gz`` files; by default ``$NEUROFLOW_DATASETS``,
        the cache and Keras's cache are searched, then the files are downloaded (sha256-checked).
    """
    return FASHION_MNIST.load(dirs=(path,) if path else ())


DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
DIGITS_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "datasets", "data", "digits.csv.gz")


def load_digits():
    """The 8x8 UCI handwritten digits shipped with neuroflow (1,797 images; CC BY 4.0, see README).

    Returns:
      (x, y): x uint8 of shape (1797, 8, 8) with values 0..16, y uint8 labels 0..9.
    """
    if sha256sum(DIGITS_PATH) != DIGITS_SHA256:
        raise OSError("%s is corrupted: its sha256 is not %s. Reinstall neuroflow."
                      % (DIGITS_PATH, DIGITS_SHA256))
    with gzip.open(DIGITS_PATH, "rt") as f:
        data = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    return data[:, :-1].reshape(-1, 8, 8), data[:, -1].copy()
