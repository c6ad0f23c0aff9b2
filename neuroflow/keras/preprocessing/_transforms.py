"""Image array transforms of ``keras.preprocessing.image``, in NumPy: affine warps (rotation, shift,
shear, zoom) sampled with linear or nearest interpolation and Keras's fill modes, channel and
brightness shifts, flips, and image resizing with tf.image.resize's pixel-centre convention.

Keras warps with ``scipy.ndimage.affine_transform``: output pixel o reads the input at M @ o + t.
The same matrices are built here, and the sampling is done on all pixels at once.
"""
import numpy as np

FILL_MODES = ("constant", "nearest", "reflect", "wrap")


def _source_index(i, n, mode):
    """Integer source positions mapped into [0, n) by ``mode``; -1 where 'constant' reads cval."""
    if mode == "nearest":
        return np.clip(i, 0, n - 1)
    if mode == "reflect":   # d c b a | a b c d | d c b a
        p = np.mod(i, 2 * n)
        return np.where(p < n, p, 2 * n - 1 - p)
    if mode == "wrap":      # a b c d | a b c d | a b c d
        return np.mod(i, n)
    return np.where((i >= 0) & (i < n), i, -1)


def _reflect(c, n):
    p = np.mod(c + 0.5, 2 * n) - 0.5
    return np.where(p > n - 0.5, 2 * n - 1 - p, p)


def affine_sample(img, matrix, offset, fill_mode="nearest", cval=0.0, order=1):
    """out[i, j] = img[matrix @ (i, j) + offset] for each 2-D channel of img [C, H, W]."""
    if fill_mode not in FILL_MODES:
        raise ValueError(f"Invalid value for argument `fill_mode`: expected one of {FILL_MODES}. "
                         f"Received: fill_mode={fill_mode!r}")
    C, H, W = img.shape
    r, c = np.meshgrid(np.arange(H, dtype=np.float64), np.arange(W, dtype=np.float64),
                       indexing="ij")
    sr = matrix[0, 0] * r + matrix[0, 1] * c + offset[0]
    sc = matrix[1, 0] * r + matrix[1, 1] * c + offset[1]
    flat = img.reshape(C, H * W)
    if order == 0:
        if fill_mode == "reflect":   # mirror the continuous position first, then round
            sr, sc = _reflect(sr, H), _reflect(sc, W)
        taps = [(np.floor(sr + 0.5), np.floor(sc + 0.5), 1.0)]
    else:
        r0, c0 = np.floor(sr), np.floor(sc)
        fr, fc = sr - r0, sc - c0
        taps = [(r0, c0, (1 - fr) * (1 - fc)), (r0 + 1, c0, fr * (1 - fc)),
                (r0, c0 + 1, (1 - fr) * fc), (r0 + 1, c0 + 1, fr * fc)]
    if fill_mode == "constant":
        # scipy's 'constant': cval outside the input's extent, edge taps clamped inside it
        inside = (sr > -1e-9) & (sr < H - 1 + 1e-9) & (sc > -1e-9) & (sc < W - 1 + 1e-9)
    out = np.zeros((C, H, W), np.float64)
    for tr, tc, w in taps:
        if fill_mode == "constant":
            ir = np.clip(tr, 0, H - 1).astype(np.intp)
            ic = np.clip(tc, 0, W - 1).astype(np.intp)
        else:
            ir = _source_index(tr.astype(np.intp), H, fill_mode)
            ic = _source_index(tc.astype(np.intp), W, fill_mode)
        out += flat[:, (ir * W + ic).ravel()].reshape(C, H, W) * w
    if fill_mode == "constant":
        out = np.where(inside, out, cval)
    return out.astype(img.dtype, copy=False)


def transform_matrix_offset_center(matrix, x, y):
    """The affine ``matrix`` moved to act about the image centre."""
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset @ matrix @ reset


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2,
                           channel_axis=0, fill_mode="nearest", cval=0.0, order=1):
    """Rotates (degrees), shifts (pixels), shears (degrees) and zooms one image (3-D array).

    Example:
      >>> y = apply_affine_transform(x, theta=30, row_axis=0, col_axis=1, channel_axis=2)
    """
    if len({row_axis, col_axis, channel_axis}) != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    if {row_axis, col_axis, channel_axis} != {0, 1, 2}:
        bad = {row_axis, col_axis, channel_axis} - {0, 1, 2}
        raise ValueError(f"Invalid axis' indices: {bad}")
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions.")
    m = None
    if theta != 0:
        t = np.deg2rad(theta)
        m = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    if tx != 0 or ty != 0:
        s = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        m = s if m is None else m @ s
    if shear != 0:
        sh = np.deg2rad(shear)
        s = np.array([[1, -np.sin(sh), 0], [0, np.cos(sh), 0], [0, 0, 1]])
        m = s if m is None else m @ s
    if zx != 1 or zy != 1:
        s = np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
        m = s if m is None else m @ s
    if m is None:
        return x
    m = transform_matrix_offset_center(m, x.shape[row_axis], x.shape[col_axis])
    if col_axis > row_axis:   # the matrices are built in (x, y) order, as Keras builds them
        m[:, [0, 1]] = m[:, [1, 0]]
        m[[0, 1]] = m[[1, 0]]
    out = affine_sample(np.moveaxis(x, channel_axis, 0), m[:2, :2], m[:2, 2], fill_mode, cval,
                        order)
    return np.moveaxis(out, 0, channel_axis)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Adds ``intensity`` to every channel, clipped to the image's own [min, max]."""
    lo, hi = np.min(x), np.max(x)
    return np.clip(x + intensity, lo, hi).astype(x.dtype, copy=False)


def apply_brightness_shift(x, brightness, scale=True):
    """Scales brightness as PIL's ImageEnhance.Brightness does on the 8-bit image (floor of
    pixel * brightness, clipped to [0, 255]); arrays outside [0, 255] are mapped there and back."""
    x_min, x_max = float(np.min(x)), float(np.max(x))
    local_scale = x_min < 0 or x_max > 255
    if local_scale or scale:
        span = x_max - x_min
        u = (x - x_min) / (span if span else 1.0) * 255
    else:
        u = x
    u = np.asarray(u).astype(np.uint8).astype(np.float64)
    y = np.clip(np.floor(u * brightness), 0, 255).astype(np.float32)
    if not scale and local_scale:
        y = y / 255 * (x_max - x_min) + x_min
    return y


def flip_axis(x, axis):
    return np.flip(x, axis).copy()


def resize(img, size, method="bilinear"):
    """An [H, W, C] array resized to ``size`` = (height, width) as tf.image.resize (half-pixel
    centres, no antialiasing) for 'bilinear' and 'nearest'; other methods go through PIL."""
    h, w = int(size[0]), int(size[1])
    H, W = img.shape[:2]
    if (H, W) == (h, w):
        return img.astype(np.float32, copy=False)
    if method in ("bilinear", "nearest"):
        out = img.astype(np.float32, copy=False)
        for axis, n, m in ((0, H, h), (1, W, w)):
            src = (np.arange(m) + 0.5) * (n / m) - 0.5
            if method == "nearest":
                idx = np.clip(np.floor((np.arange(m) + 0.5) * (n / m)), 0, n - 1).astype(np.intp)
                out = np.take(out, idx, axis=axis)
                continue
            src = np.clip(src, 0, n - 1)
            i0 = np.floor(src).astype(np.intp)
            i1 = np.minimum(i0 + 1, n - 1)
            f = (src - i0).astype(np.float32)
            shape = [1] * out.ndim
            shape[axis] = m
            f = f.reshape(shape)
            a, b = np.take(out, i0, axis=axis), np.take(out, i1, axis=axis)
            out = a + (b - a) * f
        return out
    from PIL import Image
    resample = {"bicubic": Image.BICUBIC, "area": Image.BOX, "lanczos3": Image.LANCZOS,
                "lanczos5": Image.LANCZOS}.get(method)
    if resample is None:
        raise ValueError(f"Invalid value for argument `interpolation`: expected one of "
                         f"'bilinear', 'nearest', 'bicubic', 'area', 'lanczos3', 'lanczos5'. "
                         f"Received: interpolation={method!r}")
    chans = [np.asarray(Image.fromarray(img[..., c].astype(np.float32), "F").resize(
        (w, h), resample)) for c in range(img.shape[2])]
    return np.stack(chans, axis=-1)
