"""ImageDataGenerator.flow_from_dataframe / DataFrameIterator: every class_mode, file validation,
sample weights, subsets, the printed message, the errors, and fitting a model on it."""
import os

import numpy as np
import pytest

from neuroflow import keras
from neuroflow.keras.preprocessing import image
from neuroflow.keras.preprocessing.dataframe_iterator import DataFrameIterator
from keras_helpers import fresh_keras  # noqa: F401

pd = pytest.importorskip("pandas")
Image = pytest.importorskip("PIL.Image")

NAMES = ["cat0.png", "dog0.png", "cat1.jpg", "dog1.png", "bird0.png", "cat2.png"]
LABELS = ["cat", "dog", "cat", "dog", "bird", "cat"]


@pytest.fixture
def pics(tmp_path):
    """Six 6x5 images (PNG and one JPEG); image k is filled with 30 * k + 10."""
    for k, name in enumerate(NAMES):
        px = np.full((6, 5, 3), 30 * k + 10, np.uint8)
        Image.fromarray(px).save(tmp_path / name, quality=100)
    return tmp_path


@pytest.fixture
def df():
    return pd.DataFrame({"filename": NAMES, "class": LABELS,
                         "w": np.arange(1.0, 7.0), "y1": np.arange(6) * 0.5,
                         "y2": np.arange(6) % 2})


def _flow(df, pics, **kw):
    kw.setdefault("target_size", (6, 5))
    kw.setdefault("shuffle", False)
    return image.ImageDataGenerator(rescale=1 / 255.0).flow_from_dataframe(
        df, directory=str(pics), **kw)


def test_categorical_default(df, pics, capsys):
    it = _flow(df, pics, batch_size=4)
    assert isinstance(it, DataFrameIterator) and isinstance(it, keras.utils.Sequence)
    assert capsys.readouterr().out == \
        "Found 6 validated image filenames belonging to 3 classes.\n"
    assert it.class_indices == {"bird": 0, "cat": 1, "dog": 2}   # sorted
    assert it.classes == [1, 2, 1, 2, 0, 1] and it.labels == it.classes
    assert it.samples == 6 and it.n == 6 and len(it) == 2
    assert it.filenames == NAMES
    assert it.filepaths == [os.path.join(str(pics), n) for n in NAMES]
    assert it.sample_weight is None
    x, y = it[0]
    assert x.shape == (4, 6, 5, 3) and x.dtype == np.float32
    assert y.shape == (4, 3) and y.dtype == np.float32
    np.testing.assert_array_equal(y, np.eye(3)[[1, 2, 1, 2]])
    np.testing.assert_allclose(x[:, 0, 0, 0], [(30 * k + 10) / 255.0 for k in range(4)],
                               atol=2 / 255.0)   # the JPEG may be off by a level
    x2, y2 = it[1]
    assert x2.shape == (2, 6, 5, 3)
    np.testing.assert_array_equal(y2, np.eye(3)[[0, 1]])
    _, yn = next(it)   # the endless-iterator side gives the same first batch
    np.testing.assert_array_equal(yn, y)


def test_categorical_multi_label_and_classes(df, pics):
    multi = df.assign(**{"class": [["cat"], ["dog", "cat"], ("cat",), "dog", ["bird"],
                                   ["cat", "bird"]]})
    it = _flow(multi, pics, batch_size=6)
    np.testing.assert_array_equal(it[0][1], [[0, 1, 0], [0, 1, 1], [0, 1, 0], [0, 0, 1],
                                             [1, 0, 0], [1, 1, 0]])
    # given classes: their order, the rows with none of them dropped, others' labels filtered
    it = _flow(multi, pics, batch_size=6, classes=["dog", "cat"])
    assert it.class_indices == {"dog": 0, "cat": 1} and it.samples == 5
    assert it.filenames == NAMES[:4] + NAMES[5:]
    np.testing.assert_array_equal(it[0][1], [[0, 1], [1, 1], [0, 1], [1, 0], [0, 1]])


@pytest.mark.parametrize("mode", ["sparse", "binary"])
def test_sparse_and_binary(df, pics, mode, capsys):
    two = df[df["class"] != "bird"]
    it = _flow(two, pics, class_mode=mode, batch_size=5)
    assert "Found 5 validated image filenames belonging to 2 classes." in capsys.readouterr().out
    assert it.class_indices == {"cat": 0, "dog": 1}
    x, y = it[0]
    assert x.shape == (5, 6, 5, 3) and y.dtype == np.float32
    np.testing.assert_array_equal(y, [0, 1, 0, 1, 0])
    it = _flow(df, pics, class_mode="sparse", batch_size=6, classes=["dog", "bird"])
    np.testing.assert_array_equal(it[0][1], [0, 0, 1])


def test_input_none_raw_multi_output(df, pics, capsys):
    it = _flow(df, pics, class_mode="input", batch_size=3)
    assert capsys.readouterr().out == "Found 6 validated image filenames.\n"
    assert not hasattr(it, "class_indices")
    x, y = it[0]
    np.testing.assert_array_equal(x, y)
    assert y is not x
    it = _flow(df, pics, class_mode=None, batch_size=3, color_mode="grayscale")
    x = it[1]
    assert isinstance(x, np.ndarray) and x.shape == (3, 6, 5, 1)
    it = _flow(df, pics, class_mode="raw", y_col="y1", batch_size=4)
    np.testing.assert_array_equal(it[0][1], [0.0, 0.5, 1.0, 1.5])
    np.testing.assert_array_equal(it.labels, np.arange(6) * 0.5)
    it = _flow(df, pics, class_mode="raw", y_col=["y1", "y2"], batch_size=3)
    np.testing.assert_array_equal(it[1][1], [[1.5, 1], [2.0, 0], [2.5, 1]])
    it = _flow(df, pics, class_mode="multi_output", y_col=["y1", "y2"], batch_size=2)
    x, (a, b) = it[1]
    np.testing.assert_array_equal(a, [1.0, 1.5])
    np.testing.assert_array_equal(b, [0, 1])
    with pytest.warns(DeprecationWarning, match='"other" is deprecated'):
        it = _flow(df, pics, class_mode="other", y_col="y2")
    assert it.class_mode == "raw"


def test_absolute_paths_without_directory(df, pics):
    absolute = df.assign(filename=[str(pics / n) for n in NAMES])
    it = image.ImageDataGenerator().flow_from_dataframe(absolute, target_size=(3, 4),
                                                        class_mode="sparse", shuffle=False)
    assert it.directory == "" and it.filepaths == [str(pics / n) for n in NAMES]
    x, y = it[0]
    assert x.shape == (6, 3, 4, 3)
    np.testing.assert_allclose(x[5], 160.0)   # no rescale; nearest resize keeps the fill
    np.testing.assert_array_equal(y, [1, 2, 1, 2, 0, 1])


def test_validate_filenames_drops_missing_and_non_images(df, pics, capsys):
    (pics / "notes.txt").write_text("not an image")
    bad = pd.concat([df, pd.DataFrame({"filename": ["gone.png", "notes.txt"],
                                       "class": ["cat", "cat"]})], ignore_index=True)
    with pytest.warns(UserWarning, match=r'Found 2 invalid image filename\(s\) in '
                                         r'x_col="filename". These filename\(s\) will be '
                                         r"ignored."):
        it = _flow(bad, pics)
    assert "Found 6 validated image filenames belonging to 3 classes." in \
        capsys.readouterr().out
    assert it.filenames == NAMES
    # the dropped rows' labels do not make classes
    odd = pd.DataFrame({"filename": ["cat0.png", "gone.png"], "class": ["cat", "ghost"]})
    with pytest.warns(UserWarning):
        assert _flow(odd, pics).class_indices == {"cat": 0}
    capsys.readouterr()
    # not validated: every row kept, and said so
    it = _flow(bad, pics, validate_filenames=False)
    assert capsys.readouterr().out == \
        "Found 8 non-validated image filenames belonging to 3 classes.\n"
    assert it.samples == 8 and it.filenames[-1] == "notes.txt"


def test_weight_col(df, pics):
    it = _flow(df, pics, weight_col="w", batch_size=4)
    _, _, w = it[0]
    np.testing.assert_array_equal(w, [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(it.sample_weight, np.arange(1.0, 7.0))
    _, _, w = _flow(df, pics, weight_col="w", class_mode="input", batch_size=2)[2]
    np.testing.assert_array_equal(w, [5.0, 6.0])
    assert _flow(df, pics, weight_col="w", class_mode=None).__getitem__(0).shape[0] == 6


def test_subset_split(df, pics):
    gen = image.ImageDataGenerator(validation_split=0.34)
    kw = {"directory": str(pics), "target_size": (6, 5), "shuffle": False}
    val = gen.flow_from_dataframe(df, subset="validation", **kw)
    train = gen.flow_from_dataframe(df, subset="training", **kw)
    assert val.filenames == NAMES[:2] and train.filenames == NAMES[2:]
    assert val.classes == [1, 2] and train.classes == [1, 2, 0, 1]
    assert val.class_indices == train.class_indices == {"bird": 0, "cat": 1, "dog": 2}
    with pytest.raises(ValueError, match="Invalid subset name"):
        gen.flow_from_dataframe(df, subset="test", **kw)


def test_shuffle_and_seed(df, pics):
    ordered = _flow(df, pics, class_mode="sparse", batch_size=6)
    np.testing.assert_array_equal(ordered[0][1], [1, 2, 1, 2, 0, 1])
    first = _flow(df, pics, class_mode="sparse", batch_size=6, shuffle=True, seed=3)
    again = _flow(df, pics, class_mode="sparse", batch_size=6, shuffle=True, seed=3)
    xa, ya = first[0]
    _, yb = again[0]
    np.testing.assert_array_equal(ya, yb)
    assert sorted(ya) == sorted([1, 2, 1, 2, 0, 1])
    # each image still carries its own label after shuffling
    level = np.rint(xa[:, 0, 0, 0] * 255 - 10) / 30
    np.testing.assert_array_equal(ya, [[1, 2, 1, 2, 0, 1][int(k)] for k in level])


def test_channels_first_and_save_to_dir(df, pics, tmp_path_factory):
    out = tmp_path_factory.mktemp("aug")
    gen = image.ImageDataGenerator(data_format="channels_first")
    it = gen.flow_from_dataframe(df, str(pics), target_size=(6, 5), color_mode="rgba",
                                 batch_size=2, save_to_dir=str(out), save_prefix="aug",
                                 class_mode=None)
    assert it[0].shape == (2, 4, 6, 5)
    saved = os.listdir(out)
    assert len(saved) == 2 and all(f.startswith("aug_") and f.endswith(".png") for f in saved)


def test_errors(df, pics):
    with pytest.raises(ValueError, match="Invalid class_mode: onehot; expected one of"):
        _flow(df, pics, class_mode="onehot")
    with pytest.raises(KeyError, match="`x_col`.*Received: x_col='path'"):
        _flow(df, pics, x_col="path")
    with pytest.raises(KeyError, match="`y_col`.*Received: y_col='label'"):
        _flow(df, pics, y_col="label")
    with pytest.raises(KeyError, match="weight_col='weights'"):
        _flow(df, pics, weight_col="weights")
    _flow(df, pics, y_col="label", class_mode="input")   # no targets: y_col is not read
    with pytest.raises(TypeError, match='If class_mode="multi_output", y_col must be a list. '
                                        "Received str."):
        _flow(df, pics, class_mode="multi_output", y_col="y1")
    with pytest.raises(TypeError, match="All values in column x_col=filename must be strings"):
        _flow(df.assign(filename=range(6)), pics)
    with pytest.raises(TypeError, match='If class_mode="sparse", y_col="y2" column values must '
                                        "be strings"):
        _flow(df, pics, class_mode="sparse", y_col="y2")
    with pytest.raises(ValueError, match='class_mode="binary" there must be 2 classes. '
                                         "Found 3 classes."):
        _flow(df, pics, class_mode="binary")
    with pytest.raises(ValueError, match="3 class/es were given"):
        _flow(df, pics, class_mode="binary", classes=["cat", "dog", "bird"])
    with pytest.raises(TypeError, match="must be type string, list or tuple"):
        _flow(df, pics, y_col="y1")
    with pytest.raises(TypeError, match="Column weight_col=class must be numeric"):
        _flow(df, pics, weight_col="class")
    with pytest.raises(ValueError, match="Invalid color mode"):
        _flow(df, pics, color_mode="cmyk")
    with pytest.raises(TypeError, match="expected a pandas DataFrame. Received: dataframe of "
                                        "type dict"):
        _flow({"filename": NAMES, "class": LABELS}, pics)
    with pytest.warns(UserWarning, match='`classes` will be ignored given the class_mode="raw"'):
        _flow(df, pics, class_mode="raw", y_col="y1", classes=["cat"])


def test_pandas_missing_is_named(df, pics, monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="require pandas"):
        _flow(df, pics)


def test_fit_one_epoch(df, pics):
    gen = image.ImageDataGenerator(rescale=1 / 255.0, horizontal_flip=True)
    it = gen.flow_from_dataframe(df, str(pics), target_size=(6, 5), batch_size=4, seed=0,
                                 weight_col="w")
    model = keras.Sequential([keras.layers.Flatten(input_shape=(6, 5, 3)),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(it, epochs=1, verbose=0)
    assert len(hist.history["loss"]) == 1 and np.isfinite(hist.history["loss"][0])
    preds = model.predict(_flow(df, pics, class_mode=None, batch_size=4), verbose=0)
    assert preds.shape == (6, 3)
