"""MNIST-style preprocessing of drawn digits: invert, crop, 20 px longer side, centre of mass."""
import os

import numpy as np
import pytest

from neuroflow.apps.digits_preprocess import center_of_mass, ink, resize_area, to_mnist

MNIST_DIR = os.path.join(os.environ["NEUROFLOW_DATASETS"], "mnist")


def drawing(h=200, w=200):
    """A white box with a black bar (dark ink on paper, as the app's canvases)."""
    box = np.full((h, w), 255, np.uint8)
    box[40:160, 90:110] = 0          # a '1': 120 tall, 20 wide
    return box


def test_resize_area_keeps_the_mean_and_averages_blocks():
    img = np.arange(36, dtype=np.float64).reshape(6, 6)
    out = resize_area(img, 3, 2)
    np.testing.assert_allclose(out[0, 0], img[0:2, 0:3].mean())
    np.testing.assert_allclose(out.mean(), img.mean())
    # non-integer ratios weigh partly covered pixels by their covered area
    np.testing.assert_allclose(resize_area(np.array([[1.0, 0.0, 0.0]]), 1, 2), [[2 / 3, 0.0]])
    # upscaling repeats pixels
    np.testing.assert_allclose(resize_area(np.eye(2), 4, 4), np.kron(np.eye(2), np.ones((2, 2))))


def test_ink_inverts_a_light_background_and_keeps_a_dark_one():
    box = drawing()
    a = ink(box)
    assert a[0, 0] == 0.0 and a[100, 100] == 1.0
    np.testing.assert_array_equal(ink(255 - box), a)
    np.testing.assert_array_equal(ink(box, background="light"), a)
    rgb = np.repeat(box[..., None], 3, axis=2)
    np.testing.assert_array_equal(ink(rgb), a)


def test_to_mnist_scales_the_longer_side_to_20_and_centres_the_mass():
    out = to_mnist(drawing())
    assert out.shape == (28, 28) and out.dtype == np.float32
    rows = np.flatnonzero(out.max(axis=1) > 0.01)
    cols = np.flatnonzero(out.max(axis=0) > 0.01)
    assert rows[-1] - rows[0] + 1 == 20           # 120 px tall -> 20
    assert cols[-1] - cols[0] + 1 in (3, 4)       # 20 px wide -> 3.3, aspect kept
    cy, cx = center_of_mass(out)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    assert 0.0 <= out.min() and out.max() <= 1.0


def test_position_and_size_of_the_drawing_do_not_matter():
    small = np.full((300, 300), 255, np.uint8)
    small[10:70, 230:240] = 0                      # the same bar, smaller, in a corner
    a, b = to_mnist(drawing()), to_mnist(small)
    assert np.abs(a - b).max() < 0.35 and np.abs(a - b).mean() < 0.02


def test_an_empty_box_gives_none():
    assert to_mnist(np.full((50, 50), 255, np.uint8)) is None
    assert to_mnist(np.full((50, 50), 250, np.uint8)) is None   # faint noise is not ink


def test_a_wide_stroke_near_the_edge_stays_inside_the_field():
    box = np.full((100, 100), 255, np.uint8)
    box[50:52, :] = 0                              # a full-width line
    out = to_mnist(box)
    cols = np.flatnonzero(out.max(axis=0) > 0)
    assert cols[0] >= 0 and cols[-1] <= 27 and cols[-1] - cols[0] + 1 == 20


@pytest.mark.skipif(not os.path.isdir(MNIST_DIR), reason="MNIST not in $NEUROFLOW_DATASETS")
def test_mnist_digits_come_back_nearly_unchanged():
    from neuroflow.keras.datasets import mnist
    (_, _), (x, _) = mnist.load_data()
    errors = []
    for img in x[:50]:
        big = np.kron(255 - img, np.ones((7, 7), np.uint8))   # dark on light, 7x larger
        out = to_mnist(big)
        errors.append(np.abs(out - img / 255.0).mean())
    # MNIST was made this way, so the crops match the originals up to resampling
    assert np.median(errors) < 0.01 and np.mean(errors) < 0.03
