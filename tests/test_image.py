"""tf.image: resizing (TF2 and TF1 pixel conventions), crops, flips, values and dtypes."""
import math

import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op
from neuroflow import image as tf_image  # noqa: F401 - makes tf.image available


def ref_bilinear(x, h, w, mode):
    """A direct per-pixel bilinear resize of x [n, H, W, C], as TF's kernels do it."""
    n, H, W, C = x.shape

    def src(i, size, out):
        if mode == "half":
            return (i + 0.5) * size / out - 0.5
        if mode == "align":
            return i * (size - 1) / (out - 1) if out > 1 else 0.0
        return i * size / out

    y = np.zeros((n, h, w, C))
    for i in range(h):
        sy = src(i, H, h)
        y0, y1, fy = max(math.floor(sy), 0), min(math.ceil(sy), H - 1), sy - math.floor(sy)
        for j in range(w):
            sx = src(j, W, w)
            x0, x1, fx = max(math.floor(sx), 0), min(math.ceil(sx), W - 1), sx - math.floor(sx)
            top = x[:, y0, x0] * (1 - fx) + x[:, y0, x1] * fx
            bot = x[:, y1, x0] * (1 - fx) + x[:, y1, x1] * fx
            y[:, i, j] = top * (1 - fy) + bot * fy
    return y


IDENTITY5 = np.eye(5, dtype=np.int32)[None, :, :, None]


def test_resize_tf2_documented_example():
    y = tf.image.resize(IDENTITY5, [3, 5])
    assert y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy()[0, :, :, 0], [[2 / 3, 1 / 3, 0, 0, 0], [0, 0, 1, 0, 0],
                                                       [0, 0, 0, 1 / 3, 2 / 3]], atol=1e-6)


def test_resize_images_tf1_conventions():
    y = tf.image.resize_images(IDENTITY5, [3, 5]).numpy()[0, :, :, 0]
    np.testing.assert_allclose(y, [[1, 0, 0, 0, 0], [0, 1 / 3, 2 / 3, 0, 0],
                                   [0, 0, 0, 2 / 3, 1 / 3]], atol=1e-6)
    a = tf.image.resize_images(IDENTITY5, [3, 5], align_corners=True).numpy()[0, :, :, 0]
    np.testing.assert_allclose(a, np.eye(5)[[0, 2, 4]], atol=1e-6)
    same = tf.constant(IDENTITY5)
    assert tf.image.resize_images(same, [5, 5]).dtype == tf.int32  # returned as it is
    b = tf.image.resize_bilinear(IDENTITY5.astype(np.float32), [3, 5], align_corners=True)
    np.testing.assert_allclose(b.numpy()[0, :, :, 0], a, atol=1e-6)


@pytest.mark.parametrize("mode,size", [("half", (7, 3)), ("legacy", (3, 8)), ("align", (6, 6))])
def test_bilinear_values_and_gradient(mode, size):
    def fn(x):
        if mode == "half":
            return tf.image.resize(x, size)
        return tf.image.resize_images(x, size, align_corners=mode == "align")
    check_op(fn, lambda x: ref_bilinear(x, size[0], size[1], mode), [(2, 5, 4, 3)],
             double_backward=True)


def test_nearest_keeps_dtype_and_picks_pixels():
    x = np.arange(2 * 4 * 6 * 1, dtype=np.uint8).reshape(2, 4, 6, 1)
    y = tf.image.resize(x, [2, 3], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    assert y.dtype == tf.uint8
    np.testing.assert_array_equal(y.numpy(), x[:, [1, 3]][:, :, [1, 3, 5]])  # half-pixel centers
    v1 = tf.image.resize_images(x, [2, 3], method=1).numpy()
    np.testing.assert_array_equal(v1, x[:, [0, 2]][:, :, [0, 2, 4]])
    nn = tf.image.resize_nearest_neighbor(x, [8, 12]).numpy()
    np.testing.assert_array_equal(nn, x.repeat(2, axis=1).repeat(2, axis=2))
    check_op(lambda t: tf.image.resize(t, [6, 3], "nearest"),
             lambda t: t[:, [0, 1, 1, 2, 3, 3]][:, :, [1, 3, 5]], [(1, 4, 6, 2)])


def test_resize_shapes_and_errors():
    x = np.zeros((28, 28, 1), np.float32)
    assert tf.image.resize(x, [14, 10]).shape.as_list() == [14, 10, 1]
    assert tf.image.resize(np.zeros((10, 20, 3)), [10, 10],
                           preserve_aspect_ratio=True).shape.as_list() == [5, 10, 3]
    with pytest.raises(ValueError, match="must have either 3 or 4 dimensions"):
        tf.image.resize(np.zeros((4, 4)), [2, 2])
    with pytest.raises(NotImplementedError, match="bicubic"):
        tf.image.resize(x, [14, 14], method="bicubic")


def test_resize_in_graph(graph_mode):
    x = tf.placeholder(tf.float32, [None, 6, 6, 3])
    y = tf.image.resize_images(x, [12, 9])
    assert y.shape.as_list() == [None, 12, 9, 3]
    xv = np.random.rand(2, 6, 6, 3).astype(np.float32)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y, {x: xv}), ref_bilinear(xv, 12, 9, "legacy"),
                                   rtol=1e-5, atol=1e-6)


# ==================================================================== crops and pads
def test_central_crop():
    x = np.random.rand(2, 10, 7, 3)
    np.testing.assert_array_equal(tf.image.central_crop(x, 0.5).numpy(), x[:, 2:8, 1:6])
    np.testing.assert_array_equal(tf.image.central_crop(x[0], 0.3).numpy(), x[0, 3:7, 2:5])
    assert tf.image.central_crop(x, 1.0).shape.as_list() == [2, 10, 7, 3]
    with pytest.raises(ValueError, match="central_fraction"):
        tf.image.central_crop(x, 0.0)


def test_resize_image_with_crop_or_pad():
    x = np.arange(5 * 4, dtype=np.float32).reshape(5, 4, 1) + 1
    y = tf.image.resize_image_with_crop_or_pad(x, 3, 8).numpy()
    assert y.shape == (3, 8, 1)
    np.testing.assert_array_equal(y[:, 2:6], x[1:4])
    assert np.all(y[:, :2] == 0) and np.all(y[:, 6:] == 0)
    np.testing.assert_array_equal(tf.image.resize_with_crop_or_pad(x, 5, 4).numpy(), x)


# ==================================================================== flips
def test_flips():
    x = np.random.rand(2, 3, 4, 1)
    np.testing.assert_array_equal(tf.image.flip_left_right(x).numpy(), x[:, :, ::-1])
    np.testing.assert_array_equal(tf.image.flip_up_down(x[0]).numpy(), x[0, ::-1])


def test_random_flips_per_image():
    x = np.random.rand(40, 2, 3, 1).astype(np.float32)
    y = tf.image.random_flip_left_right(x, seed=3).numpy()
    flipped = [np.array_equal(a, b[:, ::-1]) for a, b in zip(y, x)]
    kept = [np.array_equal(a, b) for a, b in zip(y, x)]
    assert all(f or k for f, k in zip(flipped, kept))
    assert 5 < sum(flipped) < 35
    y1 = tf.image.random_flip_up_down(x[0]).numpy()
    assert np.array_equal(y1, x[0]) or np.array_equal(y1, x[0, ::-1])


# ==================================================================== values and dtypes
def test_convert_image_dtype():
    u8 = tf.constant([[[0, 128, 255]]], tf.uint8)
    np.testing.assert_allclose(tf.image.convert_image_dtype(u8, tf.float32).numpy(),
                               [[[0, 128 / 255, 1]]], rtol=1e-6)
    f = tf.constant([[[0.0, 0.5, 1.0, 1.2]]])
    np.testing.assert_array_equal(tf.image.convert_image_dtype(f, tf.uint8, saturate=True)
                                  .numpy(), [[[0, 127, 255, 255]]])
    assert tf.image.convert_image_dtype(u8, tf.int32).numpy()[0, 0, 2] == 255 * 2 ** 23
    np.testing.assert_array_equal(
        tf.image.convert_image_dtype(tf.constant([[[2 ** 30]]], tf.int32), tf.uint8).numpy(),
        [[[128]]])
    assert tf.image.convert_image_dtype(f, tf.float64).dtype == tf.float64


def test_brightness():
    x = np.full((2, 2, 1), 0.5, np.float32)
    np.testing.assert_allclose(tf.image.adjust_brightness(x, 0.2).numpy(), 0.7)
    u8 = tf.constant(np.full((1, 1, 1), 250, np.uint8))
    assert tf.image.adjust_brightness(u8, 0.1).numpy()[0, 0, 0] == 255  # saturates
    d = tf.image.random_brightness(x, 0.3, seed=1).numpy() - 0.5
    assert np.all(np.abs(d) <= 0.3) and np.ptp(d) < 1e-6
    with pytest.raises(ValueError, match="max_delta"):
        tf.image.random_brightness(x, -1.0)


def test_per_image_standardization():
    x = np.random.RandomState(0).rand(3, 4, 5, 3) * 255
    y = tf.image.per_image_standardization(x.astype(np.uint8)).numpy()
    assert y.dtype == np.float32
    xs = x.astype(np.uint8).astype(np.float64)
    m = xs.mean(axis=(1, 2, 3), keepdims=True)
    s = np.maximum(xs.std(axis=(1, 2, 3), keepdims=True), 1 / math.sqrt(60))
    np.testing.assert_allclose(y, (xs - m) / s, rtol=1e-4, atol=1e-5)
    flat = tf.image.per_image_standardization(np.ones((2, 2, 1), np.float32)).numpy()
    np.testing.assert_array_equal(flat, 0)  # a constant image: stddev floored, no division by 0


def test_grayscale():
    x = np.random.RandomState(0).rand(2, 3, 3).astype(np.float32)
    g = tf.image.rgb_to_grayscale(x).numpy()
    np.testing.assert_allclose(g, x @ np.array([[0.2989], [0.5870], [0.1140]], np.float32),
                               rtol=1e-5)
    u8 = tf.image.rgb_to_grayscale(np.full((1, 1, 3), 200, np.uint8))
    assert u8.dtype == tf.uint8 and abs(int(u8.numpy()[0, 0, 0]) - 200) <= 1
    assert tf.image.grayscale_to_rgb(g).shape.as_list() == [2, 3, 3]
