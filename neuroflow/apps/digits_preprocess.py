"""A drawn digit made to look like an MNIST digit, as LeCun et al. prepared theirs.

MNIST's digits are white on black, scaled (keeping the aspect ratio, anti-aliased) so that the
longer side of the stroke's bounding box is 20 pixels, and placed in a 28x28 field so that
their centre of mass is at the centre. A digit drawn black on white in a 200x200 box must go
through the same steps, or the model sees something it never learned (a plain resize of the
whole box gives a small, off-centre, thin digit).

    crop = to_mnist(box)        # box: 2-D uint8/float, dark strokes on a light background
"""
import numpy as np

FIELD = 28      # MNIST's image size
BOX = 20        # the longer side of the digit's bounding box in it


def _area_weights(n_in, n_out):
    """[n_out, n_in] matrix averaging input cells over each output cell's span (exact area)."""
    edges_out = np.linspace(0, n_in, n_out + 1)
    lo, hi = edges_out[:-1, None], edges_out[1:, None]
    j = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, j + 1) - np.maximum(lo, j), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def resize_area(img, height, width):
    """``img`` resampled to (height, width) by area averaging (anti-aliased when shrinking)."""
    img = np.asarray(img, dtype=np.float64)
    return _area_weights(img.shape[0], height) @ img @ _area_weights(img.shape[1], width).T


def ink(box, background=None):
    """The strokes of a drawing as ink in [0, 1] (1: full stroke), whatever its polarity.

    ``background`` 'light' (dark strokes, the app's boxes) or 'dark' (MNIST-like); by default
    the colour of the border pixels decides.
    """
    box = np.asarray(box, dtype=np.float64)
    if box.ndim == 3:   # RGB(A): the mean of the colour channels
        box = box[..., :3].mean(axis=2)
    scale = 255.0 if box.max() > 1.0 else 1.0
    box = box / scale
    if background is None:
        border = np.concatenate([box[0], box[-1], box[:, 0], box[:, -1]])
        background = "light" if border.mean() > 0.5 else "dark"
    return 1.0 - box if background == "light" else box


def to_mnist(box, background=None, threshold=0.1):
    """The 28x28 float32 MNIST-style image (ink in [0, 1]) of a drawn digit, or None if empty.

    Steps: invert to white-on-black, crop to the bounding box of the ink, scale the longer side
    to 20 pixels keeping the aspect ratio (area averaging), place it in 28x28 so that its centre
    of mass is on pixel (14, 14) (rows and columns counted from 0) as far as the field allows.
    """
    a = ink(box, background)
    rows = np.flatnonzero((a > threshold).any(axis=1))
    cols = np.flatnonzero((a > threshold).any(axis=0))
    if rows.size == 0:
        return None
    a = a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    h, w = a.shape
    scale = BOX / max(h, w)
    nh, nw = max(1, int(round(h * scale))), max(1, int(round(w * scale)))
    digit = np.clip(resize_area(a, nh, nw), 0.0, 1.0)
    mass = digit.sum()
    cy = (digit.sum(axis=1) @ np.arange(nh)) / mass
    cx = (digit.sum(axis=0) @ np.arange(nw)) / mass
    # the top-left corner that puts the centre of mass on pixel (14, 14), where MNIST has it,
    # kept inside the field
    top = int(np.clip(np.round(FIELD // 2 - cy), 0, FIELD - nh))
    left = int(np.clip(np.round(FIELD // 2 - cx), 0, FIELD - nw))
    out = np.zeros((FIELD, FIELD), dtype=np.float32)
    out[top:top + nh, left:left + nw] = digit
    return out


def center_of_mass(img):
    """(row, column) of an image's centre of mass."""
    img = np.asarray(img, dtype=np.float64)
    mass = img.sum()
    return (img.sum(axis=1) @ np.arange(img.shape[0]) / mass,
            img.sum(axis=0) @ np.arange(img.shape[1]) / mass)
