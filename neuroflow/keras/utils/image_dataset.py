"""``keras.utils.image_dataset_from_directory``: batches of (images, labels) from a folder with
one subfolder per class (the layout of the course's flower retraining).

neuroflow has no ``tf.data``; the result is an ``ImageDataset``: iterable epoch after epoch
(reshuffled each time when ``shuffle``), ``len()`` batches, with ``class_names`` and
``file_paths``, and the few ``tf.data.Dataset`` methods course code chains on it (``take``,
``cache``, ``shuffle``, ``prefetch``, ``map``, ``unbatch``/``as_numpy_iterator``). Batches are
eager tensors, float32 images in [0, 255].
"""
import os

import numpy as np

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")


def _tensor(a):
    from ...core.op import convert_to_tensor
    return convert_to_tensor(a)


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False):
    """(file_paths, labels, class_names) of the image files under ``directory``."""
    if labels == "inferred":
        subdirs = sorted(d for d in os.listdir(directory) if not d.startswith(".")
                         and os.path.isdir(os.path.join(directory, d)))
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError("The `class_names` passed did not match the names of the "
                                 f"subdirectories of the target directory. Expected: {subdirs} "
                                 f"(or a subset of it), but received: class_names={class_names}")
            subdirs = list(class_names)   # the order given
        class_names = subdirs
    else:
        subdirs = [""]
    paths, ids = [], []
    for i, sub in enumerate(subdirs):
        root_dir = os.path.join(directory, sub)
        for root, _, files in sorted(os.walk(root_dir, followlinks=follow_links),
                                     key=lambda t: t[0]):
            for fname in sorted(files):
                if fname.lower().endswith(formats):
                    paths.append(os.path.join(root, fname))
                    ids.append(i)
    if not paths:
        raise ValueError(f"No images found in directory {directory}. Allowed formats: {formats}")
    if labels == "inferred":
        out_labels = np.array(ids, dtype="int32")
        print(f"Found {len(paths)} files belonging to {len(class_names)} classes.")
    elif labels is None:
        out_labels = None
        print(f"Found {len(paths)} files.")
    else:
        out_labels = np.asarray(labels)
        if len(out_labels) != len(paths):
            raise ValueError("Expected the lengths of `labels` to match the number of files in "
                             f"the target directory. len(labels) is {len(out_labels)} while we "
                             f"found {len(paths)} files in directory {directory}.")
        print(f"Found {len(paths)} files.")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        order = np.random.RandomState(seed).permutation(len(paths))
        paths = [paths[i] for i in order]
        if out_labels is not None:
            out_labels = out_labels[order]
    return paths, out_labels, class_names


def _split(paths, labels, validation_split, subset):
    if not validation_split:
        return paths, labels
    n_val = int(validation_split * len(paths))
    if subset == "training":
        print(f"Using {len(paths) - n_val} files for training.")
        keep = slice(None, len(paths) - n_val)
    elif subset == "validation":
        print(f"Using {n_val} files for validation.")
        keep = slice(len(paths) - n_val, None)
    else:
        raise ValueError(f"`subset` must be either \"training\" or \"validation\", received: "
                         f"{subset}")
    return paths[keep], (None if labels is None else labels[keep])


def _load(path, size, channels, interpolation, crop):
    from ..preprocessing._transforms import resize
    from ..preprocessing.image import load_img
    mode = {1: "grayscale", 3: "rgb", 4: "rgba"}[channels]
    x = np.asarray(load_img(path, color_mode=mode), dtype=np.float32)
    if x.ndim == 2:
        x = x[..., None]
    if crop:
        from ..preprocessing.image import smart_resize
        return smart_resize(x, size, interpolation)
    return resize(x, size, interpolation)


class ImageDataset:
    """Batches of (images, labels) (or images alone) read from files, epoch after epoch.

    Example:
      >>> ds = keras.utils.image_dataset_from_directory('flowers', image_size=(128, 128))
      >>> ds.class_names
      ['daisy', 'dandelion', 'rose', 'sunflower', 'tulip']
      >>> for images, labels in ds.take(1):
      ...     print(images.shape, labels.shape)
      (32, 128, 128, 3) (32,)
    """

    def __init__(self, source, n_batches, class_names=None, file_paths=None):
        self._source = source          # a function returning a fresh iterator of batches
        self._n = n_batches
        self.class_names = class_names
        self.file_paths = file_paths

    def __iter__(self):
        return self._source()

    def __len__(self):
        if self._n is None:
            raise TypeError("The length of this dataset is unknown.")
        return self._n

    def cardinality(self):
        return self._n if self._n is not None else -2

    def _derived(self, source, n):
        return ImageDataset(source, n, self.class_names, self.file_paths)

    def take(self, count):
        """The first ``count`` batches."""
        def source():
            for i, b in enumerate(self):
                if 0 <= count <= i:
                    return
                yield b
        n = self._n if count < 0 else count if self._n is None else min(count, self._n)
        return self._derived(source, n)

    def skip(self, count):
        """All but the first ``count`` batches (-1 skips them all, as tf.data does)."""
        def source():
            for i, b in enumerate(self):
                if 0 <= count <= i:
                    yield b
        n = 0 if count < 0 else None if self._n is None else max(self._n - count, 0)
        return self._derived(source, n)

    def map(self, fn, num_parallel_calls=None, deterministic=None):
        """Applies ``fn`` to each batch (called with the batch's elements as arguments)."""
        def source():
            for b in self:
                yield fn(*b) if isinstance(b, tuple) else fn(b)
        return self._derived(source, self._n)

    def cache(self, filename=""):
        """Keeps the batches of the first full pass in memory and replays them."""
        store = []

        def source():
            if store and store[-1] is None:
                yield from store[:-1]
                return
            store.clear()
            for b in self:
                store.append(b)
                yield b
            store.append(None)
        return self._derived(source, self._n)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None):
        """Reorders the batches of each pass (this dataset's unit is the batch)."""
        rng = np.random.RandomState(seed)

        def source():
            items = list(self)
            for i in rng.permutation(len(items)):
                yield items[i]
        return self._derived(source, self._n)

    def prefetch(self, buffer_size=None):
        return self

    def repeat(self, count=None):
        def source():
            k = 0
            while count is None or count < 0 or k < count:
                yield from self
                k += 1
        return self._derived(source, None if count is None or count < 0 or self._n is None
                             else self._n * count)

    def unbatch(self):
        """Single (image, label) elements."""
        def source():
            for b in self:
                parts = b if isinstance(b, tuple) else (b,)
                arrays = [np.asarray(p.numpy() if hasattr(p, "numpy") else p) for p in parts]
                for i in range(len(arrays[0])):
                    el = tuple(_tensor(a[i]) for a in arrays)
                    yield el if isinstance(b, tuple) else el[0]
        return self._derived(source, None)

    def as_numpy_iterator(self):
        for b in self:
            if isinstance(b, tuple):
                yield tuple(np.asarray(p.numpy()) for p in b)
            else:
                yield np.asarray(b.numpy())


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode="rgb", batch_size=32,
                                 image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear",
                                 follow_links=False, crop_to_aspect_ratio=False, **kwargs):
    """A dataset of image batches from ``directory`` (one subdirectory per class).

    Args:
      labels: 'inferred' (from the subdirectories), None, or a list of labels in the sorted
        order of the file paths.
      label_mode: 'int' (int32 labels), 'categorical' (one-hot float32), 'binary' (float32,
        shape (batch, 1)) or None (images only).
      class_names: the subdirectories to use, in label order.
      color_mode: 'grayscale', 'rgb' or 'rgba'; image_size: (height, width) to resize to.
      batch_size: None gives single images.
      shuffle, seed: shuffle the files (and each epoch); validation_split, subset ('training',
        'validation' or 'both'): hold out the last fraction of the shuffled files.
      interpolation: resize method ('bilinear', 'nearest', 'bicubic', 'area' ...).
      crop_to_aspect_ratio: crop the centre to the target's aspect ratio before resizing.
    Returns:
      An ``ImageDataset`` (a list of two for subset='both'), with ``class_names``.
    Example:
      >>> train_ds = keras.utils.image_dataset_from_directory(
      ...     'flower_photos', validation_split=0.2, subset='training', seed=123,
      ...     image_size=(180, 180), batch_size=32)
    """
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple, np.ndarray)):
        raise ValueError("`labels` argument should be a list/tuple of integer labels, of the "
                         "same size as the number of image files in the target directory. If "
                         "you wish to infer the labels from the subdirectory names in the "
                         "target directory, pass `labels=\"inferred\"`. If you wish to get a "
                         f"dataset that only contains images (no labels), pass `labels=None`. "
                         f"Received: labels={labels}")
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError("`label_mode` argument must be one of \"int\", \"categorical\", "
                         f"\"binary\", or None. Received: label_mode={label_mode}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
    if channels is None:
        raise ValueError("`color_mode` must be one of {\"rgb\", \"rgba\", \"grayscale\"}. "
                         f"Received: color_mode={color_mode}")
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError("`validation_split` must be between 0 and 1, received: "
                         f"{validation_split}")
    if (validation_split is None) != (subset is None):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in (None, "training", "validation", "both"):
        raise ValueError('`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide a "
                         "`seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")
    if kwargs:
        raise TypeError(f"Unknown keywords argument(s): {tuple(kwargs)}")
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labs, class_names = index_directory(directory, labels, ALLOWLIST_FORMATS,
                                               class_names, shuffle, seed, follow_links)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")
    if subset == "both":
        out = [_dataset(*_split(paths, labs, validation_split, s), class_names, label_mode,
                        batch_size, tuple(image_size), channels, interpolation,
                        crop_to_aspect_ratio, shuffle and s == "training", seed)
               for s in ("training", "validation")]
        return out
    paths, labs = _split(paths, labs, validation_split, subset)
    return _dataset(paths, labs, class_names, label_mode, batch_size, tuple(image_size), channels,
                    interpolation, crop_to_aspect_ratio, shuffle, seed)


def _labels_out(labs, label_mode, n_classes):
    if label_mode == "int":
        return labs.astype("int32")
    if label_mode == "binary":
        return labs.astype("float32").reshape(-1, 1)
    out = np.zeros((len(labs), n_classes), "float32")
    out[np.arange(len(labs)), labs] = 1.0
    return out


def _dataset(paths, labs, class_names, label_mode, batch_size, size, channels, interpolation,
             crop, shuffle, seed):
    n = len(paths)
    n_classes = len(class_names) if class_names else \
        (int(np.max(labs)) + 1 if labs is not None else None)
    bs = batch_size or 1
    epoch = [0]

    def source():
        order = np.arange(n)
        if shuffle and epoch[0] > 0:   # the file order was shuffled once; later passes reshuffle
            order = np.random.RandomState(seed + epoch[0]).permutation(n)
        epoch[0] += 1
        for s in range(0, n, bs):
            idx = order[s:s + bs]
            x = np.stack([_load(paths[i], size, channels, interpolation, crop) for i in idx])
            if batch_size is None:
                x = x[0]
            if label_mode is None:
                yield _tensor(x)
                continue
            y = _labels_out(labs[idx], label_mode, n_classes)
            yield _tensor(x), _tensor(y if batch_size is not None else y[0])
    return ImageDataset(source, -(-n // bs), class_names, list(paths))
