"""``keras.preprocessing.image``: loading and saving images (Pillow), arrays <-> PIL images, and
``ImageDataGenerator`` (real-time augmentation) with its ``flow`` / ``flow_from_directory``
iterators.

Randomness comes from NumPy's global generator, as in Keras (``np.random.seed`` or ``seed=``
makes runs repeatable). Pillow is an optional dependency: ``pip install neuroflow[image]``.
"""
import io
import pathlib
import warnings

import numpy as np

from .. import backend as K
from ._transforms import (apply_affine_transform, apply_brightness_shift, apply_channel_shift,
                          transform_matrix_offset_center)

__all__ = ["load_img", "img_to_array", "array_to_img", "save_img", "smart_resize",
           "ImageDataGenerator", "Iterator", "NumpyArrayIterator", "DirectoryIterator",
           "DataFrameIterator",
           "apply_affine_transform", "apply_brightness_shift", "apply_channel_shift",
           "random_rotation", "random_shift", "random_shear", "random_zoom",
           "random_channel_shift", "random_brightness", "transform_matrix_offset_center"]

WHITE_LIST_FORMATS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")


def _pil():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Could not import PIL.Image. The use of `load_img` requires PIL: "
                          "pip install pillow (or neuroflow[image]).") from None
    return Image


def _interpolations():
    Image = _pil()
    return {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC,
            "hamming": Image.HAMMING, "box": Image.BOX, "lanczos": Image.LANCZOS}


def _data_format(data_format):
    df = K.image_data_format() if data_format is None else data_format
    if df not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format}")
    return df


# ==================================================================== files and arrays
def load_img(path, grayscale=False, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """Loads an image file into a PIL image.

    Args:
      path: a path (str, pathlib.Path, bytes) or an io.BytesIO.
      color_mode: 'grayscale', 'rgb' or 'rgba'.
      target_size: None or (height, width) to resize to.
      interpolation: 'nearest', 'bilinear', 'bicubic', 'hamming', 'box' or 'lanczos'.
      keep_aspect_ratio: crop the centre to the target's aspect ratio before resizing.
    Example:
      >>> img = keras.preprocessing.image.load_img('cat.jpg', target_size=(224, 224))
      >>> x = keras.preprocessing.image.img_to_array(img)   # (224, 224, 3) float32
    """
    Image = _pil()
    if grayscale:
        warnings.warn("grayscale is deprecated. Please use color_mode = \"grayscale\"")
        color_mode = "grayscale"
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif color_mode == "rgb":
        if img.mode != "RGB":
            img = img.convert("RGB")
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is not None:
        wh = (int(target_size[1]), int(target_size[0]))
        if img.size != wh:
            methods = _interpolations()
            if interpolation not in methods:
                raise ValueError(f"Invalid interpolation method {interpolation} specified. "
                                 f"Supported methods are {', '.join(methods)}")
            resample = methods[interpolation]
            if keep_aspect_ratio:
                width, height = img.size
                ch = min(height, (width * wh[1]) // wh[0])
                cw = min(width, (height * wh[0]) // wh[1])
                top, left = (height - ch) // 2, (width - cw) // 2
                img = img.resize(wh, resample, box=[left, top, left + cw, top + ch])
            else:
                img = img.resize(wh, resample)
    return img


def img_to_array(img, data_format=None, dtype=None):
    """A PIL image as a 3-D NumPy array (height, width, channels), float32 by default.

    Example:
      >>> img_to_array(load_img('cat.jpg')).shape
      (480, 640, 3)
    """
    df = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or K.floatx())
    if x.ndim == 3:
        if df == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1,) + x.shape if df == "channels_first" else x.shape + (1,))
    else:
        raise ValueError(f"Unsupported image shape: {x.shape}")
    return x


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3-D array as a PIL image; ``scale`` maps its [min, max] to [0, 255] first.

    Example:
      >>> img = array_to_img(np.random.rand(32, 32, 3))
      >>> img.size
      (32, 32)
    """
    Image = _pil()
    x = np.asarray(x, dtype=dtype or K.floatx())
    if x.ndim != 3:
        raise ValueError("Expected image array to have rank 3 (single image). Got array with "
                         f"shape: {x.shape}")
    if data_format is None:
        data_format = K.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Invalid data_format: {data_format}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x = x / x_max
        x = x * 255
    if x.shape[2] == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if x.shape[2] == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if x.shape[2] == 1:
        if np.max(x) > 255:   # 32-bit signed integer grayscale
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {x.shape[2]}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves a 3-D array as an image file (format from the extension or ``file_format``)."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format in ("jpg", "jpeg"):
        warnings.warn("The JPG format does not support RGBA images, converting to RGB.")
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def smart_resize(x, size, interpolation="bilinear"):
    """Resizes an image [H, W, C] (or a batch) to ``size`` without distortion: the largest centred
    crop with the target's aspect ratio, then a resize."""
    from ._transforms import resize
    x = np.asarray(x)
    h, w = x.shape[-3], x.shape[-2]
    th, tw = size
    ch = min(h, int(w * th / tw))
    cw = min(w, int(h * tw / th))
    top, left = (h - ch) // 2, (w - cw) // 2
    crop = x[..., top:top + ch, left:left + cw, :]
    if crop.ndim == 4:
        return np.stack([resize(c, size, interpolation) for c in crop])
    return resize(crop, size, interpolation)


# ==================================================================== single random transforms
def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                    interpolation_order=1):
    """Rotates by a uniform random angle in [-rg, rg] degrees."""
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shifts by random fractions of the height (hrg) and width (wrg)."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shears by a random angle in [-intensity, intensity] degrees."""
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    """Zooms by random factors drawn from ``zoom_range`` = (lower, upper)."""
    if len(zoom_range) != 2:
        raise ValueError("`zoom_range` should be a tuple or list of two floats. Received: "
                         f"{zoom_range}")
    zx, zy = (1, 1) if tuple(zoom_range) == (1, 1) else \
        np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """Adds one random value in [-intensity_range, intensity_range] to the image."""
    return apply_channel_shift(x, np.random.uniform(-intensity_range, intensity_range),
                               channel_axis)


def random_brightness(x, brightness_range, scale=True):
    """Multiplies the brightness by a random factor from ``brightness_range``."""
    if len(brightness_range) != 2:
        raise ValueError("`brightness_range should be tuple or list of two floats. Received: "
                         f"{brightness_range}")
    return apply_brightness_shift(x, np.random.uniform(brightness_range[0], brightness_range[1]),
                                  scale)


from .image_generator import (DirectoryIterator, ImageDataGenerator, Iterator,  # noqa: E402
                              NumpyArrayIterator)
from .dataframe_iterator import DataFrameIterator  # noqa: E402
