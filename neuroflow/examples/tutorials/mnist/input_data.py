"""``tensorflow.examples.tutorials.mnist.input_data``: TF1's MNIST reader, batch by batch.

The same API and the same shuffling as TF1's
``tensorflow.contrib.learn.python.learn.datasets.mnist`` (so a seeded run draws the same
batches). The files are read from ``train_dir`` first (the tutorials pass ``'MNIST_data/'``),
then from ``$NEUROFLOW_DATASETS`` and the cache, and only then downloaded (sha256-checked) into
the cache ``~/.neuroflow/datasets/mnist``.

Example:
  >>> from tensorflow.examples.tutorials.mnist import input_data   # doctest: +SKIP
  >>> mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
  Extracting MNIST_data/train-images-idx3-ubyte.gz
  ...
  >>> batch_xs, batch_ys = mnist.train.next_batch(100)
"""
import collections
import threading

import numpy

from ....core import dtypes
from ....core.graph import get_default_graph
from ....core.random_seed import get_seed
from ....loaders import FASHION_MNIST, MNIST, find_mnist_npz, read_idx, read_npz

# CVDF mirror of http://yann.lecun.com/exdb/mnist/
DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"

_PREFETCH_BYTES = 1 << 22

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


def extract_images(f):
    """Extracts the images of an open IDX file into a 4-D uint8 array [index, y, x, depth]."""
    print("Extracting", f.name)
    data = read_idx(f, expected_magic=2051)
    return data.reshape(data.shape + (1,))


def dense_to_one_hot(labels_dense, num_classes):
    """Converts class labels from scalars to one-hot vectors (float64, as TF1)."""
    num_labels = labels_dense.shape[0]
    index_offset = numpy.arange(num_labels) * num_classes
    labels_one_hot = numpy.zeros((num_labels, num_classes))
    labels_one_hot.flat[index_offset + labels_dense.ravel()] = 1
    return labels_one_hot


def extract_labels(f, one_hot=False, num_classes=10):
    """Extracts the labels of an open IDX file into a 1-D uint8 array (or one-hot float64)."""
    print("Extracting", f.name)
    labels = read_idx(f, expected_magic=2049)
    if one_hot:
        return dense_to_one_hot(labels, num_classes)
    return labels


class DataSet:
    """Images and labels of one split, served by ``next_batch`` and reshuffled every epoch.

    ``dtype`` is ``uint8`` (pixels stay in [0, 255]) or ``float32`` (rescaled to [0, 1]);
    ``reshape`` flattens [N, 28, 28, 1] to [N, 784]; ``seed`` makes the shuffling repeatable.
    """

    def __init__(self, images, labels, fake_data=False, one_hot=False, dtype=dtypes.float32,
                 reshape=True, seed=None):
        # TF1: numpy is seeded with ``seed``, else with the graph-level seed (None: at random)
        numpy.random.seed(get_default_graph().seed if seed is None else get_seed(seed)[1])
        dtype = dtypes.as_dtype(dtype).base_dtype
        if dtype not in (dtypes.uint8, dtypes.float32):
            raise TypeError("Invalid image dtype %r, expected uint8 or float32" % dtype)
        if fake_data:
            self._num_examples = 10000
            self.one_hot = one_hot
        else:
            assert images.shape[0] == labels.shape[0], (
                "images.shape: %s labels.shape: %s" % (images.shape, labels.shape))
            self._num_examples = images.shape[0]
            if reshape:  # [num examples, rows, columns, depth] -> [num examples, rows*columns]
                assert images.shape[3] == 1
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == dtypes.float32:  # [0, 255] -> [0.0, 1.0]
                images = images.astype(numpy.float32)
                images *= numpy.float32(1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0
        self._pending = None  # the next epoch's shuffle, running in a thread

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """Returns the next ``batch_size`` examples: (images, labels).

        Within an epoch a batch is a slice (a view) of the arrays, shuffled as a whole once per
        epoch; the batch that crosses the end of an epoch joins its rest with the start of the next.
        """
        if fake_data:
            fake_image = [1] * 784
            fake_label = [1] + [0] * 9 if self.one_hot else 0
            return [fake_image for _ in range(batch_size)], [fake_label for _ in range(batch_size)]
        start = self._index_in_epoch
        # Shuffle for the first epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            perm0 = numpy.arange(self._num_examples)
            numpy.random.shuffle(perm0)
            self._images = self.images[perm0]
            self._labels = self.labels[perm0]
            self._prefetch()
        if start + batch_size > self._num_examples:  # finished the epoch
            self._epochs_completed += 1
            images_rest_part = self._images[start:self._num_examples]
            labels_rest_part = self._labels[start:self._num_examples]
            if shuffle:
                self._images, self._labels = self._next_epoch()
                self._prefetch()
            # start the next epoch
            self._index_in_epoch = batch_size - (self._num_examples - start)
            end = self._index_in_epoch
            return (numpy.concatenate((images_rest_part, self._images[0:end]), axis=0),
                    numpy.concatenate((labels_rest_part, self._labels[0:end]), axis=0))
        self._index_in_epoch += batch_size
        end = self._index_in_epoch
        return self._images[start:end], self._labels[start:end]

    def __getstate__(self):  # pickling/deepcopy: the next epoch is reshuffled afresh
        state = dict(self.__dict__)
        state["_pending"] = None
        return state

    def _prefetch(self):
        """Draws the next epoch's permutation now and gathers the arrays in a background thread.

        Permuting 55,000 float32 images costs ~40 ms of memory traffic; NumPy's gather releases
        the GIL, so it overlaps the training of the current epoch instead of stalling the batch
        that crosses the epoch boundary. The permutation is drawn from ``numpy.random`` in the same
        order as TF1 draws it, so a seeded run still gives TF1's batches.
        """
        images, labels = self._images, self._labels
        if getattr(images, "nbytes", 0) < _PREFETCH_BYTES:
            return  # small: shuffled at the epoch boundary, as TF1 does
        perm = numpy.arange(self._num_examples)
        numpy.random.shuffle(perm)
        box = {"perm": perm}

        def gather():
            box["arrays"] = (images[perm], labels[perm])
        thread = threading.Thread(target=gather, name="next_batch-shuffle")
        thread.start()
        self._pending = (thread, box, images, labels)

    def _next_epoch(self):
        """The next epoch's shuffled (images, labels), from the prefetch when it is still valid."""
        pending, self._pending = self._pending, None
        if pending is not None:
            thread, box, images, labels = pending
            thread.join()
            if images is self._images and labels is self._labels:
                if "arrays" in box:
                    return box["arrays"]
                return images[box["perm"]], labels[box["perm"]]  # the thread failed: do it here
        perm = numpy.arange(self._num_examples)
        numpy.random.shuffle(perm)
        return self._images[perm], self._labels[perm]


def _read_idx_files(paths, one_hot):
    def read(key, fn, **kw):
        with open(paths[key], "rb") as f:
            return fn(f, **kw)
    return (read("train_images", extract_images),
            read("train_labels", extract_labels, one_hot=one_hot),
            read("test_images", extract_images),
            read("test_labels", extract_labels, one_hot=one_hot))


def _read_npz(path, one_hot):
    print("Extracting", path)
    (x_train, y_train), (x_test, y_test) = read_npz(path)
    labels = (lambda y: dense_to_one_hot(y, 10)) if one_hot else (lambda y: y)
    return x_train[..., None], labels(y_train), x_test[..., None], labels(y_test)


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=dtypes.float32, reshape=True,
                   validation_size=5000, seed=None, source_url=DEFAULT_SOURCE_URL):
    """Reads MNIST into ``Datasets(train, validation, test)`` of 55,000 / 5,000 / 10,000 examples.

    Args:
      train_dir: the folder looked in first (e.g. ``'MNIST_data/'``).
      one_hot: labels as one-hot float64 rows of 10 instead of uint8 class ids.
      dtype: ``tf.float32`` (images in [0, 1]) or ``tf.uint8`` (in [0, 255]).
      reshape: images of shape [N, 784] instead of [N, 28, 28, 1].
      validation_size: how many of the 60,000 training images form the validation split.
      seed: makes the per-epoch shuffling of ``next_batch`` repeatable.
      source_url: where to download missing files from (before the official mirrors). A
        ``train_dir`` or ``source_url`` naming "fashion" reads Fashion-MNIST instead.
    """
    if fake_data:
        def fake():
            return DataSet([], [], fake_data=True, one_hot=one_hot, dtype=dtype, seed=seed)
        return Datasets(train=fake(), validation=fake(), test=fake())
    if not source_url:  # empty string check
        source_url = DEFAULT_SOURCE_URL
    spec = FASHION_MNIST if "fashion" in ("%s %s" % (train_dir, source_url)).lower() else MNIST
    dirs = (train_dir,) if train_dir else ()
    arrays = None
    if spec is MNIST and not all(spec.find(dirs).values()):
        npz = find_mnist_npz(dirs)  # Keras's copy of the same arrays
        if npz is not None:
            arrays = _read_npz(npz, one_hot)
    if arrays is None:
        url = None if source_url == DEFAULT_SOURCE_URL else source_url
        paths = spec.paths(dirs, source_url=url)
        arrays = _read_idx_files(paths, one_hot)
    train_images, train_labels, test_images, test_labels = arrays

    if not 0 <= validation_size <= len(train_images):
        raise ValueError("Validation size should be between 0 and {}. Received: {}."
                         .format(len(train_images), validation_size))
    validation_images = train_images[:validation_size]
    validation_labels = train_labels[:validation_size]
    train_images = train_images[validation_size:]
    train_labels = train_labels[validation_size:]

    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    train = DataSet(train_images, train_labels, **options)
    validation = DataSet(validation_images, validation_labels, **options)
    test = DataSet(test_images, test_labels, **options)
    return Datasets(train=train, validation=validation, test=test)


def load_mnist(train_dir="MNIST-data"):
    return read_data_sets(train_dir)
