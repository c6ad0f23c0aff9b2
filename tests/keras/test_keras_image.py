"""keras.preprocessing.image (files, arrays, ImageDataGenerator, flow, flow_from_directory) and
keras.utils.image_dataset_from_directory."""
import os

import numpy as np
import pytest

from neuroflow import keras
from neuroflow.keras.preprocessing import image
from neuroflow.keras.preprocessing._transforms import resize
from keras_helpers import fresh_keras  # noqa: F401

Image = pytest.importorskip("PIL.Image")
FLOWERS = os.path.join(os.environ.get("NEUROFLOW_DATASETS", ""), "flowers-128")


def _rgb(h, w, seed=0):
    return np.random.RandomState(seed).randint(0, 256, (h, w, 3)).astype(np.uint8)


@pytest.fixture
def class_dir(tmp_path):
    """3 classes (a: 4 images, b: 3, c: 2) of 10x12 PNGs; a's pixels are dark, c's bright."""
    root = tmp_path / "imgs"
    for k, (name, n) in enumerate((("a", 4), ("b", 3), ("c", 2))):
        (root / name).mkdir(parents=True)
        for i in range(n):
            px = np.full((10, 12, 3), 40 + 80 * k, np.uint8)
            px[0, 0] = i
            Image.fromarray(px).save(root / name / f"img_{i}.png")
    (root / "a" / "notes.txt").write_text("not an image")
    return str(root)


# ------------------------------------------------------------------ files and arrays
def test_load_img_and_arrays(tmp_path):
    px = _rgb(6, 8)
    path = tmp_path / "x.png"
    Image.fromarray(px).save(path)
    img = image.load_img(str(path))
    assert img.size == (8, 6) and img.mode == "RGB"
    x = image.img_to_array(img)
    assert x.dtype == np.float32 and x.shape == (6, 8, 3)
    np.testing.assert_array_equal(x, px)
    assert image.img_to_array(img, data_format="channels_first").shape == (3, 6, 8)
    g = image.img_to_array(image.load_img(path, color_mode="grayscale"))
    assert g.shape == (6, 8, 1)
    assert image.load_img(path, color_mode="rgba").mode == "RGBA"
    assert image.load_img(path, target_size=(3, 4)).size == (4, 3)
    small = image.load_img(path, target_size=(3, 3), keep_aspect_ratio=True)
    assert small.size == (3, 3)
    back = image.array_to_img(x, scale=False)
    np.testing.assert_array_equal(np.asarray(back), px)
    scaled = np.asarray(image.array_to_img(x / 255.0))   # scale: [min, max] -> [0, 255]
    assert scaled.min() == 0 and scaled.max() == 255
    image.save_img(str(tmp_path / "y.png"), x, scale=False)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "y.png")), px)
    with pytest.raises(ValueError, match="color_mode"):
        image.load_img(path, color_mode="cmyk")
    with pytest.raises(ValueError, match="rank 3"):
        image.array_to_img(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="path should be path-like"):
        image.load_img(123)


def test_resize_matches_half_pixel_bilinear():
    x = np.arange(4, dtype=np.float32).reshape(1, 4, 1)
    y = resize(x, (1, 8))
    # dst j samples src (j + 0.5) / 2 - 0.5, clamped: as tf.image.resize(method='bilinear')
    np.testing.assert_allclose(y.ravel(), [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3])
    # nearest: src floor((j + 0.5) * scale), TF's half-pixel rule
    np.testing.assert_array_equal(resize(x, (1, 2), "nearest").ravel(), [1, 3])


# ------------------------------------------------------------------ transforms
def test_affine_transforms_match_array_ops():
    x = np.random.RandomState(0).rand(6, 6, 2).astype(np.float32)
    gen = image.ImageDataGenerator()
    np.testing.assert_allclose(gen.apply_transform(x, {"theta": 90}), np.rot90(x, 1, (0, 1)),
                               atol=1e-5)
    # Keras builds its shift matrix in (x, y) order: 'tx' (from height_shift_range) moves columns
    shifted = gen.apply_transform(x, {"tx": 2})
    np.testing.assert_allclose(shifted[:, :4], x[:, 2:], atol=1e-6)
    np.testing.assert_allclose(shifted[:, 4:], x[:, 5:6].repeat(2, 1), atol=1e-6)  # 'nearest'
    const = image.ImageDataGenerator(fill_mode="constant", cval=-1.0)
    np.testing.assert_allclose(const.apply_transform(x, {"ty": -1})[0], -1.0)
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_horizontal": True}), x[:, ::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {"flip_vertical": True}), x[::-1])
    zoomed = gen.apply_transform(x, {"zx": 0.5, "zy": 0.5})   # zoom in 2x about the centre
    np.testing.assert_allclose(zoomed[2:4, 2:4].mean(), x[2:4, 2:4].mean(), atol=0.15)
    shifted = gen.apply_transform(x, {"channel_shift_intensity": 0.1})
    assert shifted.max() <= x.max() and shifted.min() >= x.min()
    bright = gen.apply_transform(np.full((2, 2, 3), 100.0, np.float32), {"brightness": 1.5})
    np.testing.assert_array_equal(bright, 150.0)
    with pytest.raises(ValueError, match="fill_mode"):
        image.ImageDataGenerator(fill_mode="mirror")
    with pytest.raises(ValueError, match="zoom_range"):
        image.ImageDataGenerator(zoom_range=(1, 2, 3))
    with pytest.raises(ValueError, match="brightness_range"):
        image.ImageDataGenerator(brightness_range=0.5)


def test_random_transform_is_seeded_and_bounded():
    x = np.random.RandomState(1).rand(8, 8, 3).astype(np.float32)
    gen = image.ImageDataGenerator(rotation_range=30, width_shift_range=0.2,
                                   height_shift_range=2, shear_range=10, zoom_range=0.2,
                                   horizontal_flip=True, brightness_range=(0.5, 1.5))
    p = gen.get_random_transform(x.shape, seed=3)
    assert p == gen.get_random_transform(x.shape, seed=3)
    assert abs(p["theta"]) <= 30 and abs(p["ty"]) <= 0.2 * 8 and p["tx"] in (-1, 0, 1)
    assert 0.8 <= p["zx"] <= 1.2 and 0.5 <= p["brightness"] <= 1.5
    np.testing.assert_array_equal(gen.random_transform(x, seed=5), gen.random_transform(x, seed=5))
    for fn, args in [(image.random_rotation, (20,)), (image.random_shift, (0.1, 0.1)),
                     (image.random_shear, (10,)), (image.random_zoom, ((0.9, 1.1),)),
                     (image.random_channel_shift, (0.1,))]:
        assert fn(x.transpose(2, 0, 1), *args).shape == (3, 8, 8)
    assert image.random_brightness(x * 255, (0.5, 1.0)).shape == x.shape


def test_standardize_and_fit():
    x = np.random.RandomState(0).rand(10, 4, 4, 3).astype(np.float32) * 255
    gen = image.ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                                   rescale=1 / 255.0)
    gen.fit(x)
    assert gen.mean.shape == (1, 1, 3)
    out = np.stack([gen.standardize(a.copy()) for a in x])
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(out.std(axis=(0, 1, 2)), 1, atol=1e-3)
    s = image.ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    y = s.standardize(x[0].copy())
    assert abs(y.mean()) < 1e-5 and abs(y.std() - 1) < 1e-3
    with pytest.warns(UserWarning, match="overrides setting of `featurewise_center`"):
        z = image.ImageDataGenerator(zca_whitening=True)
    z.fit(x[:, :2, :2])
    assert z.zca_whitening_matrix.shape == (12, 12) and z.featurewise_center


# ------------------------------------------------------------------ flow
def test_flow_batches():
    x = np.arange(10 * 4 * 4 * 1, dtype=np.float32).reshape(10, 4, 4, 1)
    y = np.arange(10)
    it = image.ImageDataGenerator(rescale=0.5).flow(x, y, batch_size=4, shuffle=False)
    assert len(it) == 3
    bx, by = it[0]
    np.testing.assert_array_equal(bx, x[:4] * 0.5)
    np.testing.assert_array_equal(by, y[:4])
    assert it[2][0].shape == (2, 4, 4, 1)
    first = next(it)
    np.testing.assert_array_equal(first[1], y[:4])
    sizes = [len(next(it)[1]) for _ in range(3)]
    assert sizes == [4, 2, 4]   # endless: the epoch wraps around
    a = image.ImageDataGenerator().flow(x, y, batch_size=10, seed=7)
    b = image.ImageDataGenerator().flow(x, y, batch_size=10, seed=7)
    np.testing.assert_array_equal(next(a)[1], next(b)[1])
    assert sorted(next(a)[1]) == list(range(10))
    sw = image.ImageDataGenerator().flow(x, y, sample_weight=np.ones(10), batch_size=5)
    assert len(next(sw)) == 3
    only_x = image.ImageDataGenerator().flow(x, batch_size=5)
    assert next(only_x).shape == (5, 4, 4, 1)
    split = image.ImageDataGenerator(validation_split=0.2)
    assert split.flow(x, y % 2, subset="validation").n == 2
    assert split.flow(x, y % 2, subset="training").n == 8
    with pytest.raises(ValueError, match="rank 4"):
        image.ImageDataGenerator().flow(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="same length"):
        image.ImageDataGenerator().flow(x, y[:3])
    with pytest.raises(ValueError, match="validation_split"):
        image.ImageDataGenerator(validation_split=1.5)


def test_fit_on_flow_with_augmentation():
    rng = np.random.RandomState(0)
    x = rng.rand(32, 8, 8, 1).astype(np.float32)
    y = keras.utils.to_categorical((x.mean(axis=(1, 2, 3)) > 0.5).astype(int), 2)
    model = keras.Sequential([keras.layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)),
                              keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    gen = image.ImageDataGenerator(horizontal_flip=True, vertical_flip=True)
    hist = model.fit(gen.flow(x, y, batch_size=8), epochs=2, verbose=0)
    assert len(hist.history["loss"]) == 2 and np.isfinite(hist.history["loss"]).all()


# ------------------------------------------------------------------ flow_from_directory
def test_flow_from_directory(class_dir, capsys):
    gen = image.ImageDataGenerator(rescale=1 / 255.0)
    it = gen.flow_from_directory(class_dir, target_size=(5, 6), batch_size=4, shuffle=False)
    assert "Found 9 images belonging to 3 classes." in capsys.readouterr().out
    assert it.class_indices == {"a": 0, "b": 1, "c": 2} and it.num_classes == 3
    assert list(it.classes) == [0, 0, 0, 0, 1, 1, 2, 2, 2][:4] + [1, 1, 1, 2, 2]
    assert it.filenames[0] == os.path.join("a", "img_0.png") and len(it.filepaths) == 9
    bx, by = it[0]
    assert bx.shape == (4, 5, 6, 3) and by.shape == (4, 3)
    np.testing.assert_allclose(bx[1, 2, 2], 40 / 255.0, rtol=1e-5)
    np.testing.assert_array_equal(by, np.eye(3)[[0, 0, 0, 0]])
    for mode, shape in (("sparse", (4,)), ("binary", (4,)), ("input", (4, 5, 6, 3))):
        it = gen.flow_from_directory(class_dir, target_size=(5, 6), batch_size=4,
                                     class_mode=mode, shuffle=False)
        assert it[0][1].shape == shape
    it = gen.flow_from_directory(class_dir, target_size=(5, 6), class_mode=None,
                                 color_mode="grayscale", batch_size=9)
    assert it[0].shape == (9, 5, 6, 1)
    it = gen.flow_from_directory(class_dir, classes=["c", "a"], target_size=(5, 6))
    assert it.samples == 6 and it.class_indices == {"c": 0, "a": 1}
    split = image.ImageDataGenerator(validation_split=0.5)
    val = split.flow_from_directory(class_dir, target_size=(5, 6), subset="validation")
    train = split.flow_from_directory(class_dir, target_size=(5, 6), subset="training")
    assert val.samples == 2 + 1 + 1 and train.samples == 2 + 2 + 1
    assert not set(val.filenames) & set(train.filenames)
    with pytest.raises(ValueError, match="class_mode"):
        gen.flow_from_directory(class_dir, class_mode="onehot")


def test_fit_from_directory(class_dir):
    gen = image.ImageDataGenerator(rescale=1 / 255.0, rotation_range=10)
    it = gen.flow_from_directory(class_dir, target_size=(8, 8), batch_size=3, seed=1)
    model = keras.Sequential([keras.layers.Flatten(input_shape=(8, 8, 3)),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(it, epochs=2, verbose=0)
    assert len(hist.history["accuracy"]) == 2
    assert model.evaluate(it, verbose=0)[0] > 0


# ------------------------------------------------------------------ image_dataset_from_directory
def test_image_dataset_from_directory(class_dir, capsys):
    ds = keras.utils.image_dataset_from_directory(class_dir, image_size=(5, 6), batch_size=4,
                                                  shuffle=False)
    assert "Found 9 files belonging to 3 classes." in capsys.readouterr().out
    assert ds.class_names == ["a", "b", "c"] and len(ds) == 3
    batches = list(ds)
    x, y = batches[0]
    assert x.shape == (4, 5, 6, 3) and x.dtype.name == "float32"
    assert y.numpy().tolist() == [0, 0, 0, 0] and y.dtype.name == "int32"
    assert float(x.numpy()[1, 2, 2, 0]) == 40.0   # pixels stay in [0, 255]
    assert [b[0].shape[0] for b in batches] == [4, 4, 1]
    cat = keras.utils.image_dataset_from_directory(class_dir, image_size=(5, 6),
                                                   label_mode="categorical", shuffle=False)
    np.testing.assert_array_equal(next(iter(cat))[1].numpy()[-1], [0, 0, 1])
    imgs = keras.utils.image_dataset_from_directory(class_dir, labels=None, image_size=(5, 6),
                                                    color_mode="grayscale")
    assert next(iter(imgs)).shape == (9, 5, 6, 1)
    bc = keras.utils.image_dataset_from_directory(class_dir, class_names=["a", "c"],
                                                  label_mode="binary", image_size=(5, 6))
    assert next(iter(bc))[1].shape == (6, 1)
    assert keras.preprocessing.image_dataset_from_directory is \
        keras.utils.image_dataset_from_directory


def test_image_dataset_split_and_methods(class_dir):
    kw = dict(image_size=(4, 4), batch_size=2, validation_split=0.34, seed=5)
    train = keras.utils.image_dataset_from_directory(class_dir, subset="training", **kw)
    val = keras.utils.image_dataset_from_directory(class_dir, subset="validation", **kw)
    assert len(train.file_paths) == 6 and len(val.file_paths) == 3
    assert not set(train.file_paths) & set(val.file_paths)
    both = keras.utils.image_dataset_from_directory(class_dir, subset="both", **kw)
    assert both[1].file_paths == val.file_paths
    assert len(list(train.take(2))) == 2 and len(train.take(2)) == 2
    cached = train.cache().prefetch(2)
    first = [b[1].numpy().tolist() for b in cached]
    assert sorted(sum(first, [])) == sorted(sum([b[1].numpy().tolist() for b in train], []))
    scaled = train.map(lambda a, b: (a / 255.0, b))
    assert float(next(iter(scaled))[0].numpy().max()) <= 1.0
    assert len(list(train.unbatch())) == 6
    assert next(train.as_numpy_iterator())[0].shape == (2, 4, 4, 3)
    with pytest.raises(ValueError, match="seed"):
        keras.utils.image_dataset_from_directory(class_dir, validation_split=0.2,
                                                 subset="training")
    with pytest.raises(ValueError, match="exactly 2"):
        keras.utils.image_dataset_from_directory(class_dir, label_mode="binary")
    with pytest.raises(ValueError, match="class_names"):
        keras.utils.image_dataset_from_directory(class_dir, class_names=["a", "zebra"])


def test_image_dataset_trains_a_model(class_dir):
    ds = keras.utils.image_dataset_from_directory(class_dir, image_size=(8, 8), batch_size=3,
                                                  seed=0)
    model = keras.Sequential([keras.layers.Flatten(input_shape=(8, 8, 3)),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(ds, epochs=2, verbose=0)
    assert len(hist.history["loss"]) == 2


@pytest.mark.skipif(not os.path.isdir(FLOWERS), reason="shared flowers-128 data not present")
def test_flowers_folder():
    ds = keras.utils.image_dataset_from_directory(FLOWERS, validation_split=0.2,
                                                  subset="validation", seed=123,
                                                  image_size=(64, 64), batch_size=8)
    assert ds.class_names == ["daisy", "dandelion", "rose", "sunflower", "tulip"]
    assert len(ds.file_paths) == int(0.2 * 4317)
    x, y = next(iter(ds.take(1)))
    assert x.shape == (8, 64, 64, 3) and 0 <= float(x.numpy().min()) <= 255
    it = image.ImageDataGenerator(rescale=1 / 255.0).flow_from_directory(
        FLOWERS, target_size=(32, 32), batch_size=4)
    assert it.samples == 4317 and it[0][0].shape == (4, 32, 32, 3)
