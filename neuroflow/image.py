"""``tf.image``: resizing (bilinear, nearest), crops and pads, flips, brightness, standardization,
grayscale and dtype conversion, on [height, width, channels] images or batches of them.

Resizing is one op, ``Resample``: y = A @ x @ B.T along height and width with interpolation
matrices A and B, so its gradient is the same op with the transposed matrices.
``tf.image.resize`` follows TF2 (half-pixel centers); ``resize_images`` (and ``resize`` given
``align_corners``) follows TF1.
"""
import math

from .core import dtypes
from .core.graph import name_scope
from .core.op import Operation, convert_to_tensor
from .ops._base import dims, get_array_module as _get_array_module, np

__all__ = []


class ResizeMethod:
    """The resize methods (TF2's strings; TF1's integers 0-3 are accepted as well)."""
    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


_V1_METHODS = {0: "bilinear", 1: "nearest", 2: "bicubic", 3: "area"}


# ==================================================================== resampling op
def _src(out, n, mode):
    """Source coordinate of each output index along an axis of size n -> out."""
    i = np.arange(out, dtype=np.float64)
    if mode == "align":
        return i * ((n - 1) / (out - 1) if out > 1 else 0.0)
    if mode == "half":
        return (i + 0.5) * (n / out) - 0.5
    return i * (n / out)


def interp_matrix(n, out, method, mode):
    """The (out, n) matrix that resamples an axis of size n to size out, as TF's kernels do."""
    m = np.zeros((out, n))
    rows = np.arange(out)
    if method == "nearest":
        scale = n / out
        i = np.arange(out, dtype=np.float64)
        if mode == "align":
            src = np.round(i * ((n - 1) / (out - 1) if out > 1 else 0.0))
        elif mode == "half":
            src = np.floor((i + 0.5) * scale)
        else:
            src = np.floor(i * scale)
        m[rows, np.clip(src.astype(np.int64), 0, n - 1)] = 1.0
        return m
    src = _src(out, n, mode)
    lo = np.floor(src)
    frac = src - lo
    lower = np.clip(lo.astype(np.int64), 0, n - 1)
    upper = np.clip(np.ceil(src).astype(np.int64), 0, n - 1)
    np.add.at(m, (rows, lower), 1.0 - frac)  # host-side, once per shape
    np.add.at(m, (rows, upper), frac)
    return m


class Resample(Operation):
    """y[..., i, j, c] = sum over h, w of A[i, h] * B[j, w] * x[..., h, w, c] (x: NHWC)."""
    type = "ResizeBilinear"

    def __init__(self, A, B, kind="ResizeBilinear"):
        self.A, self.B, self.type = A, B, kind
        self._dev = None

    def forward(self, x):
        xp = _get_array_module(x)
        if self._dev is None or self._dev[0] is not xp:
            self._dev = (xp, xp.asarray(self.A, x.dtype), xp.asarray(self.B, x.dtype))
        _, A, B = self._dev
        if A.dtype != x.dtype:
            A, B = A.astype(x.dtype), B.astype(x.dtype)
        n, H, W, C = x.shape
        t = xp.matmul(A, x.reshape(n, H, W * C))                         # (n, Ho, W*C)
        y = xp.matmul(B, t.reshape(n * A.shape[0], W, C))                 # (n*Ho, Wo, C)
        return y.reshape(n, A.shape[0], B.shape[0], C)

    def infer(self, x):
        d = dims(x)
        return [(None if d is None else (d[0], self.A.shape[0], self.B.shape[0], d[3]),
                 x.dtype)]

    def backward(self, gy):
        return Resample(self.A.T, self.B.T, self.type + "Grad")._build((gy,), self.type + "Grad")


class _Nearest(Resample):
    """Nearest-neighbour resize: a gather of rows and columns (any dtype); its gradient is the
    transposed selection matrices."""
    type = "ResizeNearestNeighbor"

    def forward(self, x):
        xp = _get_array_module(x)
        rows = xp.asarray(self.A.argmax(axis=1))
        cols = xp.asarray(self.B.argmax(axis=1))
        return xp.take(xp.take(x, rows, axis=1), cols, axis=2)


# ==================================================================== helpers
def _image4(image, op_name="image"):
    """(4-D tensor, was_3d) for a 3-D image or a 4-D batch."""
    x = convert_to_tensor(image, name="image")
    rank = x.shape.ndims
    if rank is None:
        raise ValueError("'image' (shape <unknown>) must have either 3 or 4 dimensions.")
    if rank not in (3, 4):
        raise ValueError(f"'image' (shape {x.shape}) must have either 3 or 4 dimensions.")
    if rank == 3:
        from .ops.array_ops import expand_dims
        return expand_dims(x, 0), True
    return x, False


def _back3(y, was3):
    if was3:
        from .ops.array_ops import squeeze
        return squeeze(y, [0])
    return y


def _size(size):
    from .ops._static import _static_ints
    s = _static_ints(size, "size")
    if s is None or len(s) != 2 or None in s:
        raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width (known "
                         "when the graph is built)")
    if s[0] <= 0 or s[1] <= 0:
        raise ValueError(f"'size' must be positive. Received: size={s}")
    return s


def _resize(images, size, method, mode, preserve_aspect_ratio, name, keep_same, op_name):
    if isinstance(method, int):
        method = _V1_METHODS.get(method, method)
    method = str(method).lower()
    if method not in ("bilinear", "nearest"):
        raise NotImplementedError(f"tf.image.resize with method={method!r} is not supported by "
                                  "neuroflow yet; use 'bilinear' or 'nearest'.")
    x, was3 = _image4(images)
    d = x.shape.as_tuple()
    H, W = d[1], d[2]
    if H is None or W is None:
        raise NotImplementedError("tf.image.resize needs images of known height and width.")
    h, w = _size(size)
    if preserve_aspect_ratio:
        f = min(h / H, w / W)
        h, w = int(round(f * H)), int(round(f * W))
    with name_scope(name, op_name):
        if keep_same and (h, w) == (H, W):
            return _back3(x, was3)
        A, B = interp_matrix(H, h, method, mode), interp_matrix(W, w, method, mode)
        if method == "nearest":
            y = _Nearest(A, B)._build((x,), "ResizeNearestNeighbor")
        else:
            if x.dtype not in (dtypes.float32, dtypes.float64):
                from .ops.math_ops import cast
                x = cast(x, dtypes.float32)
            y = Resample(A, B)._build((x,), "ResizeBilinear")
        return _back3(y, was3)


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False,
           antialias=False, name=None, align_corners=None):
    """Resizes images to ``size`` = [new_height, new_width] (TF2 ``tf.image.resize``).

    Bilinear (the result is float32) or nearest neighbour (keeps the dtype), with half-pixel
    centers as TF2. Given ``align_corners`` (a TF1 call) it behaves as ``resize_images``.
    Example:
      >>> tf.image.resize(tf.ones([28, 28, 1]), [14, 14]).shape
      TensorShape([14, 14, 1])
    """
    if antialias:
        raise NotImplementedError("tf.image.resize(antialias=True) is not supported by neuroflow "
                                  "yet.")
    if align_corners is not None:
        return resize_images(images, size, method, align_corners, preserve_aspect_ratio, name)
    return _resize(images, size, method, "half", preserve_aspect_ratio, name, False, "resize")


def resize_images(images, size, method=0, align_corners=False, preserve_aspect_ratio=False,
                  name=None):
    """TF1's ``tf.image.resize_images``: bilinear (float32) or nearest (same dtype), corners
    aligned when asked, no half-pixel offset; images already of that size come back as they are.
    """
    return _resize(images, size, method, "align" if align_corners else "legacy",
                   preserve_aspect_ratio, name, True, "resize")


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """TF1's ``tf.image.resize_bilinear`` (float32 result)."""
    mode = "align" if align_corners else ("half" if half_pixel_centers else "legacy")
    return _resize(images, size, "bilinear", mode, False, name, False, "ResizeBilinear")


def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    """TF1's ``tf.image.resize_nearest_neighbor``."""
    mode = "align" if align_corners else ("half" if half_pixel_centers else "legacy")
    return _resize(images, size, "nearest", mode, False, name, False, "ResizeNearestNeighbor")


# ==================================================================== crops, pads, flips
def central_crop(image, central_fraction):
    """The central ``central_fraction`` (in (0, 1]) of each image's height and width."""
    if central_fraction <= 0.0 or central_fraction > 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    x, was3 = _image4(image)
    if central_fraction == 1.0:
        return convert_to_tensor(image)
    d = x.shape.as_tuple()
    if d[1] is None or d[2] is None:
        raise NotImplementedError("central_crop needs images of known height and width.")
    h0 = int((d[1] - d[1] * central_fraction) / 2)
    w0 = int((d[2] - d[2] * central_fraction) / 2)
    with name_scope(None, "central_crop"):
        return _back3(x[:, h0:d[1] - h0, w0:d[2] - w0, :], was3)


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """Crops (centrally) and/or pads (with zeros, centrally) images to the target size."""
    x, was3 = _image4(image)
    d = x.shape.as_tuple()
    if d[1] is None or d[2] is None:
        raise NotImplementedError("resize_image_with_crop_or_pad needs images of known height "
                                  "and width.")
    th, tw = int(target_height), int(target_width)
    if th <= 0 or tw <= 0:
        raise ValueError("target_height and target_width must be > 0.")
    from .ops.manip_ops import pad
    with name_scope(None, "resize_image_with_crop_or_pad"):
        ch, cw = max((d[1] - th) // 2, 0), max((d[2] - tw) // 2, 0)
        y = x[:, ch:ch + min(th, d[1]), cw:cw + min(tw, d[2]), :]
        ph, pw = max((th - d[1]) // 2, 0), max((tw - d[2]) // 2, 0)
        hh, ww = min(th, d[1]), min(tw, d[2])
        if (hh, ww) != (th, tw):
            y = pad(y, [[0, 0], [ph, th - hh - ph], [pw, tw - ww - pw], [0, 0]])
        return _back3(y, was3)


resize_with_crop_or_pad = resize_image_with_crop_or_pad


def flip_left_right(image):
    """Reverses the width axis."""
    from .ops.manip_ops import reverse
    x = convert_to_tensor(image, name="image")
    _image4(x)
    return reverse(x, [-2])


def flip_up_down(image):
    """Reverses the height axis."""
    from .ops.manip_ops import reverse
    x = convert_to_tensor(image, name="image")
    _image4(x)
    return reverse(x, [-3])


def _random_flip(image, seed, flip):
    """Each image flipped where a uniform draw (one per image) is below 1/2."""
    from .ops.array_ops import reshape, shape
    from .ops.math_ops import less, where_v2
    from .ops.random_ops import random_uniform
    x4, was3 = _image4(image)
    n = [1] if was3 else shape(x4)[0:1]
    coin = less(random_uniform(n, 0, 1.0, seed=seed), 0.5)
    return _back3(where_v2(reshape(coin, [-1, 1, 1, 1]), flip(x4), x4), was3)


def random_flip_left_right(image, seed=None):
    """Flips each image left-right with probability 1/2."""
    return _random_flip(image, seed, flip_left_right)


def random_flip_up_down(image, seed=None):
    """Flips each image upside down with probability 1/2."""
    return _random_flip(image, seed, flip_up_down)


# ==================================================================== values
def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Converts between image dtypes, rescaling: integers span [0, MAX], floats [0, 1).

    Example:
      >>> tf.image.convert_image_dtype(tf.constant([[[255]]], tf.uint8), tf.float32).numpy()
      array([[[1.]]], dtype=float32)
    """
    from .ops.math_ops import cast, saturate_cast
    x = convert_to_tensor(image, name="image")
    dt = dtypes.as_dtype(dtype)
    src = x.dtype
    if not (dt.is_floating or dt.is_integer):
        raise AttributeError(f"dtype must be either floating point or integer. Received: {dt.name}")
    if src is dt:
        return x
    with name_scope(name, "convert_image"):
        if src.is_integer and dt.is_integer:
            a, b = np.iinfo(src._np).max, np.iinfo(dt._np).max
            if a > b:
                from .ops.math_ops import floordiv
                return cast(floordiv(x, (a + 1) // (b + 1)), dt)
            return cast(x, dt) * ((b + 1) // (a + 1))
        if src.is_floating and dt.is_floating:
            return cast(x, dt)
        if src.is_integer:
            return cast(x, dt) * (1.0 / np.iinfo(src._np).max)
        scaled = x * (np.iinfo(dt._np).max + 0.5)
        return saturate_cast(scaled, dt) if saturate else cast(scaled, dt)


def adjust_brightness(image, delta):
    """image + delta, computed in float and converted back to the image's dtype."""
    x = convert_to_tensor(image, name="image")
    with name_scope(None, "adjust_brightness"):
        f = convert_image_dtype(x, dtypes.float32) if not x.dtype.is_floating else x
        y = f + delta
        return convert_image_dtype(y, x.dtype, saturate=True) if y.dtype is not x.dtype else y


def random_brightness(image, max_delta, seed=None):
    """adjust_brightness by a delta drawn uniformly from [-max_delta, max_delta)."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    from .ops.random_ops import random_uniform
    return adjust_brightness(image, random_uniform([], -max_delta, max_delta, seed=seed))


def per_image_standardization(image):
    """(x - mean) / max(stddev, 1 / sqrt(num_elements)) for each image (float32 result)."""
    from .ops import math_ops as M
    from .ops.reduce_ops import reduce_mean
    x = convert_to_tensor(image, name="image")
    x4, was3 = _image4(x)
    d = x4.shape.as_tuple()
    if None in d[1:]:
        raise NotImplementedError("per_image_standardization needs images of known size.")
    with name_scope(None, "per_image_standardization"):
        f = M.cast(x4, dtypes.float32) if x4.dtype is not dtypes.float32 else x4
        mean = reduce_mean(f, [1, 2, 3], keepdims=True)
        var = reduce_mean(M.square(f - mean), [1, 2, 3], keepdims=True)
        floor = 1.0 / math.sqrt(d[1] * d[2] * d[3])
        y = (f - mean) / M.maximum(M.sqrt(var), floor)
        return _back3(y, was3)


def rgb_to_grayscale(images, name=None):
    """0.2989 R + 0.5870 G + 0.1140 B, keeping a last axis of size 1 and the dtype."""
    from .ops.reduce_ops import reduce_sum
    x = convert_to_tensor(images, name="images")
    with name_scope(name, "rgb_to_grayscale"):
        f = convert_image_dtype(x, dtypes.float32)
        w = convert_to_tensor(np.array([0.2989, 0.5870, 0.1140], np.float32))
        gray = reduce_sum(f * w, -1, keepdims=True)
        return convert_image_dtype(gray, x.dtype)


def grayscale_to_rgb(images, name=None):
    """The single channel repeated three times."""
    from .ops.join_ops import concat
    x = convert_to_tensor(images, name="images")
    with name_scope(name, "grayscale_to_rgb"):
        return concat([x, x, x], -1)
