"""Argument checks and shape arithmetic shared by the convolution, pooling and reshaping layers
(Keras's ``conv_utils``), and the NHWC views the layers compute in."""
import numpy as np

from .. import backend as K


def _tf():
    import neuroflow
    return neuroflow


def normalize_tuple(value, n, name, allow_zero=False):
    """An int or n ints -> a tuple of n ints (Keras's conv_utils.normalize_tuple)."""
    msg = f"The `{name}` argument must be a tuple of {n} integers. Received: {value}"
    if isinstance(value, (int, np.integer)):
        out = (int(value),) * n
    else:
        try:
            out = tuple(value)
        except TypeError:
            raise ValueError(msg) from None
        if len(out) != n:
            raise ValueError(msg)
        try:
            out = tuple(int(v) for v in out)
        except (ValueError, TypeError):
            raise ValueError(msg) from None
    bad = {v for v in out if (v < 0 if allow_zero else v <= 0)}
    if bad:
        raise ValueError(msg + f" including {bad} that does not satisfy the requirement "
                         f"`{'>= 0' if allow_zero else '> 0'}`.")
    return out


def normalize_padding(value, causal=False):
    p = str(value).lower()
    if p not in ("valid", "same") and not (causal and p == "causal"):
        raise ValueError('The `padding` argument must be a list/tuple or one of "valid", "same" '
                         f'(or "causal", only for `Conv1D). Received: {value}')
    return p


def normalize_data_format(value):
    df = K.image_data_format() if value is None else str(value).lower()
    if df not in ("channels_first", "channels_last"):
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         f'"channels_last". Received: {value}')
    return df


def conv_output_length(n, k, padding, stride, dilation=1):
    """Output length of a convolution (None when the input length is unknown)."""
    if n is None:
        return None
    k = k + (k - 1) * (dilation - 1)
    if padding in ("same", "causal"):
        out = n
    elif padding == "valid":
        out = n - k + 1
    else:   # full
        out = n + k - 1
    return (out + stride - 1) // stride


def deconv_output_length(n, k, padding, output_padding=None, stride=1, dilation=1):
    """Output length of a transposed convolution (Keras's formula)."""
    if n is None:
        return None
    k = k + (k - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return n * stride + max(k - stride, 0)
        return n * stride if padding == "same" else n * stride - (stride + k - 2)
    pad = {"same": k // 2, "valid": 0, "full": k - 1}[padding]
    return (n - 1) * stride + k - 2 * pad + output_padding


def _to_nhwc(x, rank, first):
    """NHWC view of a rank-1/2 convolution input (1-D data as images of height 1)."""
    tf = _tf()
    if first:
        x = tf.transpose(x, [0, 2, 1] if rank == 1 else [0, 2, 3, 1])
    return tf.expand_dims(x, 1) if rank == 1 else x


def _from_nhwc(y, rank, first):
    tf = _tf()
    if rank == 1:
        y = tf.squeeze(y, [1])
    if first:
        y = tf.transpose(y, [0, 2, 1] if rank == 1 else [0, 3, 1, 2])
    return y


def _hw(t, rank):
    """A rank-1 layer's (k,) / (s,) as the (1, k) of its height-1 image."""
    return (1,) + tuple(t) if rank == 1 else tuple(t)
