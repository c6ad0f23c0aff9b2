"""``DataFrameIterator``: the batches of ``ImageDataGenerator.flow_from_dataframe``.

The images are files named in a column of a pandas DataFrame (relative to ``directory``, or
absolute paths when it is None); their targets come from other columns. pandas is optional in
neuroflow: it is imported here, when an iterator is built.
"""
import os
import warnings

import numpy as np

from .. import backend as K
from .image_generator import DirectoryIterator, Iterator

_CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
_NO_CLASSES = ("input", "multi_output", "raw", None)   # the modes whose targets are not classes


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("`flow_from_dataframe` and `DataFrameIterator` require pandas, which "
                          "is not installed: pip install pandas.") from None
    return pandas


def validate_filename(filename, white_list_formats):
    """Whether ``filename`` is an existing file whose name ends with one of the formats."""
    return filename.lower().endswith(white_list_formats) and os.path.isfile(filename)


class _ImagesOnly:
    """An iterator seen with class_mode=None, so that DirectoryIterator's batch code loads,
    transforms (and saves) its images and returns them without targets."""

    class_mode = None

    def __init__(self, iterator):
        self._iterator = iterator

    def __getattr__(self, name):
        return getattr(self._iterator, name)


class DataFrameIterator(Iterator):
    """Batches of images named by a DataFrame column, with targets from other columns.

    Args:
      dataframe: a pandas DataFrame; ``x_col`` holds the file paths (strings).
      directory: the folder the paths are relative to; None: they are absolute.
      image_data_generator: an ``ImageDataGenerator`` (random transforms, standardization).
      x_col: the column of file paths. y_col: the target column, or a list of columns for
        'multi_output' and 'raw'. weight_col: a numeric column of sample weights.
      classes: the class names to keep (others' rows are dropped); None: every label in
        ``y_col``, sorted.
      class_mode: 'categorical' (one-hot; a label may be a list of classes), 'binary' (two
        classes, 0/1), 'sparse' (class indices), 'input' (the images), 'multi_output' (a list,
        one array per column of ``y_col``), 'raw' (the values of ``y_col``) or None (no targets).
      validate_filenames: drop the rows whose file is missing or not an image (by extension).
      The other arguments are those of ``DirectoryIterator``.

    Attributes: ``filenames``, ``filepaths``, ``samples``, ``labels`` and ``sample_weight``; with
    'binary', 'categorical' and 'sparse' also ``class_indices`` (name -> index) and ``classes``
    (the class index of each row, a list of indices for a multi-label row).
    Example:
      >>> df = pandas.DataFrame({'filename': ['a.png', 'b.png'], 'class': ['cat', 'dog']})
      >>> it = DataFrameIterator(df, 'pics/', ImageDataGenerator(), target_size=(64, 64))
      Found 2 validated image filenames belonging to 2 classes.
    """

    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw", "sparse",
                           None}

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename",
                 y_col="class", weight_col=None, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                 data_format=None, save_to_dir=None, save_prefix="", save_format="png",
                 subset=None, interpolation="nearest", keep_aspect_ratio=False, dtype=None,
                 validate_filenames=True):
        pd = _pandas()
        if not isinstance(dataframe, pd.DataFrame):
            raise TypeError("Invalid value for argument `dataframe`: expected a pandas "
                            f"DataFrame. Received: dataframe of type {type(dataframe).__name__}")
        self._set_image_attrs(image_data_generator, target_size, color_mode, data_format,
                              interpolation, keep_aspect_ratio, dtype)
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        self._set_split(subset)
        df = dataframe.copy()
        self.directory = directory or ""
        self.class_mode = class_mode
        self._check_params(df, x_col, y_col, weight_col, classes)
        if validate_filenames:
            df = self._filter_valid_filepaths(df, x_col)
        if class_mode not in _NO_CLASSES:
            df, classes = self._filter_classes(df, y_col, classes)
            self.num_classes = len(classes)
            self.class_indices = dict(zip(classes, range(len(classes))))
        if self.split:   # classes come from every row, the split from the rows kept
            n = len(df)
            df = df.iloc[int(self.split[0] * n):int(self.split[1] * n)]
        if class_mode not in _NO_CLASSES:
            self.classes = self.get_classes(df, y_col)
        self.filenames = df[x_col].tolist()
        self._sample_weight = df[weight_col].values if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array(df[col].tolist()) for col in y_col]
        elif class_mode == "raw":
            self._targets = df[y_col].values
        self.samples = len(self.filenames)
        found = f"Found {self.samples} {'' if validate_filenames else 'non-'}validated image " \
                "filenames"
        print(found + ("." if class_mode in _NO_CLASSES
                       else f" belonging to {self.num_classes} classes."))
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _set_image_attrs(self, image_data_generator, target_size, color_mode, data_format,
                         interpolation, keep_aspect_ratio, dtype):
        if color_mode not in _CHANNELS:
            raise ValueError(f"Invalid color mode: {color_mode}; expected \"rgb\", \"rgba\", or "
                             "\"grayscale\".")
        self.image_data_generator = image_data_generator
        self.target_size, self.color_mode = tuple(target_size), color_mode
        self.data_format = data_format or K.image_data_format()
        self.interpolation, self.keep_aspect_ratio = interpolation, keep_aspect_ratio
        self.dtype = dtype or K.floatx()
        c = (_CHANNELS[color_mode],)
        self.image_shape = self.target_size + c if self.data_format == "channels_last" \
            else c + self.target_size

    def _set_split(self, subset):
        if subset not in (None, "training", "validation"):
            raise ValueError(f"Invalid subset name: {subset};expected \"training\" or "
                             "\"validation\"")
        self.subset, self.split = subset, None
        if subset is not None:
            vs = self.image_data_generator._validation_split
            self.split = (0, vs) if subset == "validation" else (vs, 1)

    # ---------------------------------------------------------------- the dataframe
    def _check_params(self, df, x_col, y_col, weight_col, classes):
        mode = self.class_mode
        if mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        if mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f'If class_mode="{mode}", y_col must be a list. Received '
                            f"{type(y_col).__name__}.")
        needed = [("x_col", x_col)]
        if mode not in ("input", None):
            needed += [("y_col", c) for c in (y_col if isinstance(y_col, list) else [y_col])]
        if weight_col:
            needed.append(("weight_col", weight_col))
        for arg, col in needed:
            if col not in df.columns:
                raise KeyError(f"Invalid value for argument `{arg}`: expected a column of "
                               f"`dataframe`, one of {list(df.columns)}. Received: {arg}={col!r}")
        if not all(isinstance(v, str) for v in df[x_col]):
            raise TypeError(f"All values in column x_col={x_col} must be strings.")
        if mode in ("binary", "sparse") and not all(isinstance(v, str) for v in df[y_col]):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be '
                            "strings.")
        if mode == "binary":
            if classes and len(set(classes)) != 2:
                raise ValueError('If class_mode="binary" there must be 2 classes. '
                                 f"{len(set(classes))} class/es were given.")
            if not classes and df[y_col].nunique() != 2:
                raise ValueError('If class_mode="binary" there must be 2 classes. Found '
                                 f"{df[y_col].nunique()} classes.")
        if mode == "categorical" and not all(isinstance(v, (str, list, tuple))
                                             for v in df[y_col]):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be '
                            "type string, list or tuple.")
        if classes and mode in _NO_CLASSES:
            warnings.warn(f'`classes` will be ignored given the class_mode="{mode}"')
        if weight_col and not issubclass(df[weight_col].dtype.type, np.number):
            raise TypeError(f"Column weight_col={weight_col} must be numeric.")

    def _filter_valid_filepaths(self, df, x_col):
        """The rows of ``df`` whose file exists and has an image extension (a warning names how
        many were dropped)."""
        keep = np.array([validate_filename(os.path.join(self.directory, f),
                                           self.white_list_formats) for f in df[x_col]],
                        dtype=bool)
        if not keep.all():
            warnings.warn(f'Found {int((~keep).sum())} invalid image filename(s) in '
                          f'x_col="{x_col}". These filename(s) will be ignored.')
        return df[keep]

    @staticmethod
    def _filter_classes(df, y_col, classes):
        """(the rows with a label among ``classes``, the class names): given ones in their
        order, else every label seen, sorted."""
        if not classes:
            seen = set()
            for v in df[y_col]:
                seen.update(v if isinstance(v, (list, tuple)) else [v])
            return df, sorted(seen)
        classes = list(dict.fromkeys(classes))
        wanted = set(classes)

        def keep_known(labels):
            if isinstance(labels, (list, tuple)):
                return [c for c in labels if c in wanted] or None
            if isinstance(labels, str):
                return labels if labels in wanted else None
            raise TypeError(f"Expect string, list or tuple but found {type(labels)} in {y_col} "
                            "column ")

        df = df.copy()
        df[y_col] = df[y_col].apply(keep_known)
        return df.dropna(subset=[y_col]), classes

    def get_classes(self, df, y_col):
        """The class index of each row (a list of indices for a multi-label row)."""
        idx = self.class_indices
        return [[idx[c] for c in v] if isinstance(v, (list, tuple)) else idx[v]
                for v in df[y_col]]

    # ---------------------------------------------------------------- batches
    @property
    def labels(self):
        return self._targets if self.class_mode in ("multi_output", "raw") else self.classes

    @property
    def sample_weight(self):
        return self._sample_weight

    @property
    def filepaths(self):
        return self._filepaths

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = DirectoryIterator._get_batches_of_transformed_samples(_ImagesOnly(self),
                                                                        index_array)
        mode = self.class_mode
        if mode is None:
            return batch_x
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = np.array([self.classes[j] for j in index_array], dtype=self.dtype)
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.0
        elif mode == "multi_output":
            batch_y = [out[index_array] for out in self._targets]
        else:
            batch_y = self._targets[index_array]
        if self._sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self._sample_weight[index_array]
