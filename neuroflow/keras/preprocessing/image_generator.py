"""``ImageDataGenerator`` and its batch iterators (``flow`` on arrays, ``flow_from_directory``).

Each iterator is a ``keras.utils.Sequence`` (``len`` = batches per epoch, ``it[i]`` = batch i,
reshuffled at each epoch end) and also an endless Python iterator (``next(it)``), as in Keras.
A batch is drawn as: random transform of each image, then ``standardize`` (preprocessing_function,
rescale, centring and normalization).
"""
import os
import threading
import warnings

import numpy as np

from .. import backend as K
from ..utils.data_utils import Sequence
from ._transforms import (FILL_MODES, apply_affine_transform, apply_brightness_shift,
                          apply_channel_shift, flip_axis)
from .image import WHITE_LIST_FORMATS, array_to_img, img_to_array, load_img


# ==================================================================== iterators
class Iterator(Sequence):
    """Batches of indices into n samples: shuffled per epoch, seeded by ``seed``."""

    white_list_formats = WHITE_LIST_FORMATS

    def __init__(self, n, batch_size, shuffle, seed):
        self.n, self.batch_size, self.seed, self.shuffle = n, batch_size, seed, shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _set_index_array(self):
        self.index_array = np.arange(self.n)
        if self.shuffle:
            self.index_array = np.random.permutation(self.n)

    def __getitem__(self, idx):
        if idx >= len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length "
                             f"{len(self)}")
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        b = self.batch_size
        return self._get_batches_of_transformed_samples(self.index_array[b * idx:b * (idx + 1)])

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        self._set_index_array()

    def reset(self):
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            current = (self.batch_index * self.batch_size) % self.n if self.n else 0
            if self.n > current + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[current:current + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    next = __next__

    def _transformed(self, x):
        gen = self.image_data_generator
        if gen is None:
            return x
        x = gen.apply_transform(x, gen.get_random_transform(x.shape))
        return gen.standardize(x)

    def _save(self, batch_x, index_array):
        for i, j in enumerate(index_array):
            img = array_to_img(batch_x[i], self.data_format, scale=True)
            fname = "{prefix}_{index}_{hash}.{format}".format(
                prefix=self.save_prefix, index=j, hash=np.random.randint(10000000),
                format=self.save_format)
            img.save(os.path.join(self.save_to_dir, fname))


class NumpyArrayIterator(Iterator):
    """Batches (x, y[, sample_weight]) from arrays, each image randomly transformed."""

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, ignore_class_split=False,
                 dtype=None):
        self.dtype = dtype or K.floatx()
        x = np.asarray(x)
        if y is not None and len(x) != len(y):
            raise ValueError("`x` (images tensor) and `y` (labels) should have the same length. "
                             f"Found: x.shape = {x.shape}, y.shape = {np.asarray(y).shape}")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError("`x` (images tensor) and `sample_weight` should have the same "
                             f"length. Found: x.shape = {x.shape}, sample_weight.shape = "
                             f"{np.asarray(sample_weight).shape}")
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError(f"Invalid subset name: {subset}; expected \"training\" or "
                                 "\"validation\".")
            split = int(len(x) * image_data_generator._validation_split)
            if y is not None and not ignore_class_split and not np.array_equal(
                    np.unique(y[:split]), np.unique(y[split:])):
                raise ValueError("Training and validation subsets have different number of "
                                 "classes after the split. If your numpy arrays are sorted by "
                                 "the label, you might want to shuffle them.")
            keep = slice(None, split) if subset == "validation" else slice(split, None)
            x = x[keep]
            y = None if y is None else y[keep]
            sample_weight = None if sample_weight is None else sample_weight[keep]
        self.x = np.asarray(x, dtype=self.dtype)
        if self.x.ndim != 4:
            raise ValueError("Input data in `NumpyArrayIterator` should have rank 4. You passed an "
                             f"array with shape {self.x.shape}")
        self.data_format = data_format or K.image_data_format()
        channels = self.x.shape[3 if self.data_format == "channels_last" else 1]
        if channels not in (1, 3, 4):
            warnings.warn(f'NumpyArrayIterator is set to use the data format convention '
                          f'"{self.data_format}" (channels on axis '
                          f'{3 if self.data_format == "channels_last" else 1}), i.e. expected '
                          f"either 1, 3, or 4 channels. However, it was passed an array with "
                          f"shape {self.x.shape} ({channels} channels).")
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            batch_x[i] = self._transformed(self.x[j].copy())
        if self.save_to_dir:
            self._save(batch_x, index_array)
        if self.y is None:
            return batch_x
        out = (batch_x, self.y[index_array])
        if self.sample_weight is not None:
            out += (self.sample_weight[index_array],)
        return out


def _valid_files(directory, formats, follow_links):
    """(root, file name) of the images under ``directory``, walked in sorted order."""
    exts = tuple("." + f for f in formats)
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda t: t[0]):
        for fname in sorted(files):
            if fname.lower().endswith(exts):
                yield root, fname


class DirectoryIterator(Iterator):
    """Batches of images read from ``directory``, one subdirectory per class.

    Attributes: ``class_indices`` (name -> index), ``classes`` (the label of each file),
    ``filenames`` (relative to ``directory``), ``filepaths``, ``samples``, ``num_classes``.
    """

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix="",
                 save_format="png", follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype=None):
        self.dtype = dtype or K.floatx()
        self.directory = directory
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        if color_mode not in ("rgb", "rgba", "grayscale"):
            raise ValueError(f"Invalid color mode: {color_mode}; expected \"rgb\", \"rgba\", or "
                             "\"grayscale\".")
        self.color_mode = color_mode
        self.data_format = data_format or K.image_data_format()
        c = {"rgba": 4, "rgb": 3, "grayscale": 1}[color_mode]
        self.image_shape = self.target_size + (c,) if self.data_format == "channels_last" \
            else (c,) + self.target_size
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {class_mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        self.class_mode = class_mode
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        self.interpolation = interpolation
        split = None
        if subset is not None:
            vs = image_data_generator._validation_split
            if subset == "validation":
                split = (0, vs)
            elif subset == "training":
                split = (vs, 1)
            else:
                raise ValueError(f"Invalid subset name: {subset};expected \"training\" or "
                                 "\"validation\"")
        self.subset = subset
        if not classes:
            classes = sorted(d for d in os.listdir(directory)
                             if os.path.isdir(os.path.join(directory, d)))
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        self.filenames, labels = [], []
        for name in classes:
            sub = os.path.join(directory, name)
            files = list(_valid_files(sub, self.white_list_formats, follow_links))
            if split is not None:
                files = files[int(split[0] * len(files)):int(split[1] * len(files))]
            for root, fname in files:
                self.filenames.append(os.path.join(name, os.path.relpath(
                    os.path.join(root, fname), sub)))
                labels.append(self.class_indices[name])
        self.samples = len(self.filenames)
        self.classes = np.array(labels, dtype="int32")
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self.classes

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        for i, j in enumerate(index_array):
            img = load_img(self._filepaths[j], color_mode=self.color_mode,
                           target_size=self.target_size, interpolation=self.interpolation,
                           keep_aspect_ratio=self.keep_aspect_ratio)
            x = img_to_array(img, data_format=self.data_format)
            img.close()
            batch_x[i] = self._transformed(x)
        if self.save_to_dir:
            self._save(batch_x, index_array)
        mode = self.class_mode
        if mode == "input":
            return batch_x, batch_x.copy()
        if mode is None:
            return batch_x
        if mode == "sparse":
            return batch_x, self.classes[index_array].astype(self.dtype)
        if mode == "binary":
            return batch_x, self.classes[index_array].astype(self.dtype)
        batch_y = np.zeros((len(batch_x), self.num_classes), dtype=self.dtype)
        batch_y[np.arange(len(batch_x)), self.classes[index_array]] = 1.0
        return batch_x, batch_y


# ==================================================================== the generator
class ImageDataGenerator:
    """Real-time image augmentation: random transforms plus standardization, batch by batch.

    Args:
      rotation_range: degrees; width_shift_range, height_shift_range: a fraction of the size
        (< 1), pixels (>= 1) or a list of choices; shear_range: degrees; zoom_range: a float z
        ([1 - z, 1 + z]) or [lower, upper]; brightness_range: [lower, upper] factors;
        channel_shift_range: added intensity; horizontal_flip, vertical_flip: random flips.
      fill_mode: 'constant', 'nearest', 'reflect' or 'wrap' (points outside the image); cval.
      rescale: a factor applied after the transforms (e.g. 1 / 255).
      featurewise_center / _std_normalization, samplewise_*, zca_whitening: standardization
        (featurewise statistics come from ``fit(x)``).
      preprocessing_function: applied to each image first; validation_split: for ``subset=``.
    Example:
      >>> gen = ImageDataGenerator(rescale=1. / 255, rotation_range=20, horizontal_flip=True)
      >>> model.fit(gen.flow(x_train, y_train, batch_size=32), epochs=5)
      >>> train = gen.flow_from_directory('flowers/', target_size=(128, 128))
    """

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0, width_shift_range=0.0,
                 height_shift_range=0.0, brightness_range=None, shear_range=0.0, zoom_range=0.0,
                 channel_shift_range=0.0, fill_mode="nearest", cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None,
                 data_format=None, validation_split=0.0, interpolation_order=1, dtype=None):
        self.featurewise_center, self.samplewise_center = featurewise_center, samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening, self.zca_epsilon = zca_whitening, zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range, self.height_shift_range = width_shift_range, height_shift_range
        self.shear_range, self.channel_shift_range = shear_range, channel_shift_range
        if fill_mode not in FILL_MODES:
            raise ValueError(f"Invalid value for argument `fill_mode`: expected one of "
                             f"{FILL_MODES}. Received: fill_mode={fill_mode!r}")
        self.fill_mode, self.cval = fill_mode, cval
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.rescale, self.preprocessing_function = rescale, preprocessing_function
        self.dtype = dtype or K.floatx()
        self.interpolation_order = interpolation_order
        self.data_format = data_format or K.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError('`data_format` should be `"channels_last"` (channel after row and '
                             'column) or `"channels_first"` (channel before row and column). '
                             f"Received: {data_format}")
        if self.data_format == "channels_first":
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        if validation_split and not 0 < validation_split < 1:
            raise ValueError("`validation_split` must be strictly between 0 and 1. Received: "
                             f"{validation_split}")
        self._validation_split = validation_split
        self.mean = self.std = self.zca_whitening_matrix = None
        if isinstance(zoom_range, (float, int)):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2 and all(isinstance(v, (float, int)) for v in zoom_range):
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError("`zoom_range` should be a float or a tuple or list of two floats. "
                             f"Received: {zoom_range}")
        if zca_whitening and not featurewise_center:
            self.featurewise_center = True
            warnings.warn("This ImageDataGenerator specifies `zca_whitening`, which overrides "
                          "setting of `featurewise_center`.")
        if brightness_range is not None and (not isinstance(brightness_range, (tuple, list))
                                             or len(brightness_range) != 2):
            raise ValueError("`brightness_range should be tuple or list of two floats. Received: "
                             f"{brightness_range}")
        self.brightness_range = brightness_range

    # ---------------------------------------------------------------- iterators
    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", ignore_class_split=False,
             subset=None):
        """An iterator of augmented batches (x, y) from arrays (x: rank 4)."""
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed,
                                  data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  ignore_class_split=ignore_class_split, subset=subset,
                                  dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            follow_links=False, subset=None, interpolation="nearest",
                            keep_aspect_ratio=False):
        """An iterator of augmented batches read from ``directory`` (one subfolder per class).

        class_mode: 'categorical' (one-hot), 'binary' (0/1), 'sparse' (int labels), 'input'
        (the images as targets) or None (images only).
        """
        return DirectoryIterator(directory, self, target_size=target_size,
                                 color_mode=color_mode, classes=classes, class_mode=class_mode,
                                 data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format,
                                 follow_links=follow_links, subset=subset,
                                 interpolation=interpolation,
                                 keep_aspect_ratio=keep_aspect_ratio, dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename", y_col="class",
                            weight_col=None, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            subset=None, interpolation="nearest", validate_filenames=True,
                            **kwargs):
        """An iterator of augmented batches of the images named in a pandas DataFrame.

        Args:
          dataframe: a pandas DataFrame (pandas is needed); ``x_col`` holds the file paths,
            relative to ``directory`` or absolute when ``directory`` is None.
          y_col: the target column (a list of columns for 'multi_output' and 'raw');
            weight_col: a numeric column of sample weights, yielded as a batch's third item.
          classes: the class names to keep; None: every label in ``y_col``, sorted.
          class_mode: 'categorical' (one-hot; a label may be a list of classes), 'binary',
            'sparse', 'input', 'multi_output', 'raw' (the values of ``y_col``) or None.
          validate_filenames: drop the rows whose file is missing or not an image.
          The other arguments are those of ``flow_from_directory``; **kwargs: the deprecated
          has_ext, sort and drop_duplicates (warned about, then ignored).
        Returns:
          A ``DataFrameIterator`` of (x, y) or (x, y, sample_weight) batches.
        Example:
          >>> df = pandas.DataFrame({'filename': ['cat1.png', 'dog1.png'],
          ...                        'class': ['cat', 'dog']})
          >>> it = ImageDataGenerator(rescale=1 / 255).flow_from_dataframe(df, 'pics/')
          Found 2 validated image filenames belonging to 2 classes.
        """
        from .dataframe_iterator import DataFrameIterator   # it imports this module
        if "has_ext" in kwargs:
            warnings.warn("has_ext is deprecated, filenames in the dataframe have to match the "
                          "exact filenames in disk.", DeprecationWarning)
        if "sort" in kwargs:
            warnings.warn("sort is deprecated, batches will be created in the same order than "
                          "the filenames provided if shuffle is set to False.",
                          DeprecationWarning)
        if class_mode == "other":
            warnings.warn('`class_mode` "other" is deprecated, please use `class_mode` "raw".',
                          DeprecationWarning)
            class_mode = "raw"
        if "drop_duplicates" in kwargs:
            warnings.warn("drop_duplicates is deprecated, you can drop duplicates by using the "
                          "pandas.DataFrame.drop_duplicates method.", DeprecationWarning)
        return DataFrameIterator(dataframe, directory, self, x_col=x_col, y_col=y_col,
                                 weight_col=weight_col, target_size=target_size,
                                 color_mode=color_mode, classes=classes, class_mode=class_mode,
                                 data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format, subset=subset,
                                 interpolation=interpolation,
                                 validate_filenames=validate_filenames, dtype=self.dtype)

    # ---------------------------------------------------------------- per-image steps
    def standardize(self, x):
        """preprocessing_function, rescale, then the sample- and feature-wise normalizations."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x = x * self.rescale
        if self.samplewise_center:
            x = x - np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x = x / (np.std(x, keepdims=True) + 1e-6)
        if self.featurewise_center:
            if self.mean is not None:
                x = x - self.mean
            else:
                warnings.warn("This ImageDataGenerator specifies `featurewise_center`, but it "
                              "hasn't been fit on any training data. Fit it first by calling "
                              "`.fit(numpy_data)`.")
        if self.featurewise_std_normalization:
            if self.std is not None:
                x = x / (self.std + 1e-6)
            else:
                warnings.warn("This ImageDataGenerator specifies `featurewise_std_normalization`, "
                              "but it hasn't been fit on any training data. Fit it first by "
                              "calling `.fit(numpy_data)`.")
        if self.zca_whitening:
            if self.zca_whitening_matrix is not None:
                flat = x.reshape(-1, int(np.prod(x.shape[-3:])))
                x = (flat @ self.zca_whitening_matrix).reshape(x.shape)
            else:
                warnings.warn("This ImageDataGenerator specifies `zca_whitening`, but it hasn't "
                              "been fit on any training data. Fit it first by calling "
                              "`.fit(numpy_data)`.")
        return x

    def _shift(self, rng, size):
        if not rng:
            return 0
        try:   # a list of choices, or an int number of pixels
            t = np.random.choice(rng) * np.random.choice([-1, 1])
        except ValueError:   # a float range
            t = np.random.uniform(-rng, rng)
        return t * size if np.max(rng) < 1 else t

    def get_random_transform(self, img_shape, seed=None):
        """A dict of random transform parameters for one image of ``img_shape``."""
        r, c = self.row_axis - 1, self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = np.random.uniform(-self.rotation_range, self.rotation_range) \
            if self.rotation_range else 0
        tx = self._shift(self.height_shift_range, img_shape[r])
        ty = self._shift(self.width_shift_range, img_shape[c])
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_h = (np.random.random() < 0.5) * self.horizontal_flip
        flip_v = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift = None
        if self.channel_shift_range != 0:
            channel_shift = np.random.uniform(-self.channel_shift_range, self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_h, "flip_vertical": flip_v,
                "channel_shift_intensity": channel_shift, "brightness": brightness}

    def apply_transform(self, x, transform_parameters):
        """One image (3-D) transformed by the parameters of ``get_random_transform``."""
        p = transform_parameters
        r, c, ch = self.row_axis - 1, self.col_axis - 1, self.channel_axis - 1
        x = apply_affine_transform(x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0),
                                   p.get("shear", 0), p.get("zx", 1), p.get("zy", 1),
                                   row_axis=r, col_axis=c, channel_axis=ch,
                                   fill_mode=self.fill_mode, cval=self.cval,
                                   order=self.interpolation_order)
        if p.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, p["channel_shift_intensity"], ch)
        if p.get("flip_horizontal", False):
            x = flip_axis(x, c)
        if p.get("flip_vertical", False):
            x = flip_axis(x, r)
        if p.get("brightness") is not None:
            x = apply_brightness_shift(x, p["brightness"], False)
        return x

    def random_transform(self, x, seed=None):
        """One image randomly transformed."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Computes the featurewise mean/std (and the ZCA matrix) from sample images ``x``."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError("Input to `.fit()` should have rank 4. Got array with shape: "
                             f"{x.shape}")
        if seed is not None:
            np.random.seed(seed)
        x = np.copy(x)
        if self.rescale:
            x *= self.rescale
        if augment:
            ax = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    ax[i + r * x.shape[0]] = self.random_transform(x[i])
            x = ax
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        axes = (0, self.row_axis, self.col_axis)
        if self.featurewise_center:
            self.mean = np.mean(x, axis=axes).reshape(shape)
            x = x - self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=axes).reshape(shape)
            x = x / (self.std + 1e-6)
        if self.zca_whitening:
            n = len(x)
            flat = x.reshape(n, -1)
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            s_inv = np.sqrt(n) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * s_inv) @ u.T
