"""``tf.nn`` convolution and pooling functions (TF1 names and arguments; TF2's accepted too).

NHWC is the native layout; NCHW ("channels first") inputs are transposed around the same ops.
The 1-D functions run the 2-D ops on a height-1 image.
"""
from ..core.graph import name_scope
from ..core.op import check_same_dtype, convert_to_tensor
from ..core.tensor import Tensor
from . import conv_ops as C
from .array_ops import expand_dims, squeeze, transpose
from .conv_depthwise_ops import DepthwiseConv2dNative
from ._base import Operation, dims, get_array_module, np
from .conv_pool_ops import AvgPool, MaxPool

__all__ = []


# ==================================================================== arguments
def _pick(new, old, new_name, old_name):
    if old is not None:
        if new is not None:
            raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'")
        return old
    return new


def _channels_first(data_format, ok=("NHWC", "NCHW")):
    if data_format is None:
        return False
    if data_format not in ok + ("NWC", "NCW", "channels_last", "channels_first"):
        raise ValueError(f"Invalid value for argument `data_format`: expected one of {list(ok)}. "
                         f"Received: data_format={data_format!r}")
    return data_format in ("NCHW", "NCW", "channels_first")


def _hw(v, name, first, default=1):
    """(h, w) from TF's int / [n] / [h, w] / [1, h, w, 1] (NCHW: [1, 1, h, w]) forms."""
    if v is None:
        return (default, default)
    if isinstance(v, Tensor):
        from ._static import _static_ints
        v = _static_ints(v, name)
        if v is None:
            raise NotImplementedError(f"A symbolic (fed) `{name}` is not supported; pass ints.")
    if isinstance(v, int) or (hasattr(v, "__index__") and not hasattr(v, "__len__")):
        return (int(v), int(v))
    v = [int(a) for a in v]
    if len(v) == 1:
        return (v[0], v[0])
    if len(v) == 2:
        return tuple(v)
    if len(v) == 4:
        outer = (v[0], v[1]) if first else (v[0], v[3])
        if outer != (1, 1):
            what = "strides" if name == "strides" else name
            raise ValueError(f"Current implementation does not yet support {what} in the batch "
                             f"and depth dimensions. Received: {name}={v}")
        return (v[2], v[3]) if first else (v[1], v[2])
    raise ValueError(f"Invalid value for argument `{name}`: expected an int or a list of 1, 2 or "
                     f"4 ints. Received: {name}={v}")


def _positive(pair, name):
    if any(a < 1 for a in pair):
        raise ValueError(f"Invalid value for argument `{name}`: expected positive ints. "
                         f"Received: {name}={list(pair)}")
    return pair


def _padding(padding, first, explicit=True):
    """'SAME' / 'VALID', or ((top, bottom), (left, right)) from TF's explicit list of pairs."""
    if isinstance(padding, str):
        p = padding.upper()
        if p in ("SAME", "VALID"):
            return p
    elif explicit and padding is not None:
        pairs = [list(map(int, a)) for a in padding]
        if len(pairs) == 4 and all(len(a) == 2 for a in pairs):
            outer = (pairs[0], pairs[1]) if first else (pairs[0], pairs[3])
            if outer != ([0, 0], [0, 0]):
                raise ValueError("Invalid value for argument `padding`: the batch and channel "
                                 f"dimensions must not be padded. Received: padding={pairs}")
            sp = pairs[2:] if first else pairs[1:3]
            if any(a < 0 for pr in sp for a in pr):
                raise ValueError(f"Invalid value for argument `padding`: expected non-negative "
                                 f"paddings. Received: padding={pairs}")
            return (tuple(sp[0]), tuple(sp[1]))
    raise ValueError("Invalid value for argument `padding`: expected 'SAME', 'VALID'"
                     + (" or a list of 4 [before, after] pairs" if explicit else "")
                     + f". Received: padding={padding!r}")


def _nhwc(x, first):
    return transpose(x, [0, 2, 3, 1]) if first else x


def _back(y, first):
    return transpose(y, [0, 3, 1, 2]) if first else y


def _float_input(x, op):
    if not x.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 'input' has DataType {x.dtype.name} not in "
                        "list of allowed values: float16, bfloat16, float32, float64 "
                        f"(op: '{op}')")


def _input_filter(x, W, op):
    x = convert_to_tensor(x)
    W = convert_to_tensor(W, dtype_hint=x.dtype)
    _float_input(x, op)
    check_same_dtype(op, x, W, "input", "filter")
    _rank4(op, x, W)
    return x, W


def _rank4(op, *ts):
    """TF's shape-function error for an input that is not 4-D (checked here: eager ops skip
    static inference)."""
    ds = [t.shape.as_tuple() for t in ts]
    for d in ds:
        if d is not None and len(d) != 4:
            shapes = ", ".join("<unknown>" if e is None else "[%s]" % ",".join(
                "?" if v is None else str(v) for v in e) for e in ds)
            raise ValueError(f"Shape must be rank 4 but is rank {len(d)} for '{op}' (op: "
                             f"'{op}') with input shapes: {shapes}.")


# ==================================================================== convolutions
def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True,  # noqa: A002
           data_format="NHWC", dilations=None, name=None, filters=None):
    """2-D convolution of a batch of images with a filter bank (``tf.nn.conv2d``).

    Args:
      input: [batch, height, width, in_channels] (NHWC) or [batch, in_channels, height, width].
      filter: [filter_height, filter_width, in_channels, out_channels] (TF2 name: ``filters``).
      strides: an int or a list of 1, 2 or 4 ints ([1, sh, sw, 1] in TF1 code).
      padding: "SAME" (output ceil(in / stride), zero padding split as TF does, the odd pixel
        after), "VALID" (no padding), or explicit [[0, 0], [top, bottom], [left, right], [0, 0]].
      data_format: "NHWC" (default) or "NCHW".
      dilations: an int or list like ``strides`` (atrous convolution).
    Returns:
      [batch, out_height, out_width, out_channels], out = (in - k + pad_total) // stride + 1.
    Example:
      >>> x = tf.ones([1, 5, 5, 1]); w = tf.ones([3, 3, 1, 1])
      >>> tf.nn.conv2d(x, w, strides=[1, 2, 2, 1], padding="SAME").shape
      TensorShape([1, 3, 3, 1])
    """
    W = _pick(filters, filter, "filters", "filter")
    if W is None or padding is None:
        raise TypeError("conv2d() missing required arguments: 'filter' and 'padding'")
    first = _channels_first(data_format)
    x, W = _input_filter(input, W, "Conv2D")
    op = C.Conv2D(_positive(_hw(strides, "strides", first), "strides"), _padding(padding, first),
                  _positive(_hw(dilations, "dilations", first), "dilations"))
    if not first:
        return op._build((x, W), name or "Conv2D")
    with name_scope(name, "Conv2D"):
        return _back(op._build((_nhwc(x, True), W), "Conv2D"), True)


def convolution(input, filter=None, padding=None, strides=None, dilation_rate=None,  # noqa: A002
                name=None, data_format=None, filters=None, dilations=None):
    """N-D convolution for N = 1, 2 or 3 (``tf.nn.convolution``), dispatching on the input's
    rank."""
    W = _pick(filters, filter, "filters", "filter")
    d = _pick(dilations, dilation_rate, "dilations", "dilation_rate")
    x = convert_to_tensor(input)
    rank = x.shape.ndims
    if rank == 3:
        return conv1d(x, W, 1 if strides is None else strides, padding, data_format=data_format,
                      name=name, dilations=d)
    if rank == 5:
        from .conv3d_ops import conv3d
        return conv3d(x, W, 1 if strides is None else strides, padding,
                      data_format=data_format or "NDHWC", dilations=d, name=name)
    if rank not in (None, 4):
        raise ValueError(f"Invalid value for argument `input`: expected a tensor of rank 3, 4 or "
                         f"5. Received: a tensor of rank {rank}")
    return conv2d(x, W, strides, padding, data_format=data_format or "NHWC", dilations=d,
                  name=name)


def atrous_conv2d(value, filters, rate, padding, name=None):
    """Dilated convolution with stride 1 (``tf.nn.atrous_conv2d``)."""
    return conv2d(value, filters, [1, 1, 1, 1], padding, dilations=[1, rate, rate, 1],
                  name=name or "atrous_conv2d")


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None,
           data_format=None, name=None, input=None, dilations=None):  # noqa: A002
    """1-D convolution of [batch, width, in_channels] with [k, in_channels, out_channels].

    Args:
      value: the input ("NWC"; "NCW" with ``data_format``); TF2 name ``input``.
      filters: [filter_width, in_channels, out_channels].
      stride: an int (or a list of 1 or 3 ints).
      padding: "SAME" or "VALID".
    Example:
      >>> y = tf.nn.conv1d(tf.ones([2, 10, 3]), tf.ones([3, 3, 8]), stride=1, padding="SAME")
    """
    x = convert_to_tensor(_pick(input, value, "input", "value"))
    first = _channels_first(data_format, ("NWC", "NCW", "NHWC", "NCHW"))
    s = _one(stride, "stride", first)
    d = _one(dilations, "dilations", first)
    with name_scope(name, "conv1d"):
        x4 = expand_dims(x, 2 if first else 1)
        W4 = expand_dims(convert_to_tensor(filters, dtype_hint=x.dtype), 0)
        y = conv2d(x4, W4, [1, 1, s, 1] if not first else [1, 1, 1, s], padding,
                   data_format="NCHW" if first else "NHWC", dilations=[1, 1, d, 1] if not first
                   else [1, 1, 1, d])
        return squeeze(y, [2 if first else 1])


def _one(v, name, first):
    if v is None:
        return 1
    if isinstance(v, (list, tuple)):
        v = [int(a) for a in v]
        if len(v) == 3:
            return v[2] if first else v[1]
        if len(v) != 1:
            raise ValueError(f"Invalid value for argument `{name}`: expected an int or a list of "
                             f"1 or 3 ints. Received: {name}={v}")
        return v[0]
    return int(v)


def _transpose_output(x, W, output_shape, first, rank):
    """(channels-last output shape when fully known else None, channels-last int tensor of it)
    for a transposed convolution of rank ``rank`` (4: 2-D, 5: 3-D), with TF's shape checks:
    output_shape's length, x's channels against the filter's last axis, the output channels
    against the filter's second last."""
    from ._static import _dims_of, _partial_shape
    if isinstance(output_shape, Tensor) or hasattr(output_shape, "_as_tensor"):
        sizes = convert_to_tensor(output_shape)
    else:
        sizes = convert_to_tensor(list(output_shape) if not isinstance(output_shape, int)
                                  else output_shape, dtype_hint=None)
    known = _dims_of(_partial_shape(sizes))
    if known is not None and len(known) != rank:
        raise ValueError(f"output_shape must have shape ({rank},), got {[len(known)]}")
    if first and known is not None:
        known = (known[0],) + tuple(known[2:]) + (known[1],)
    wd, xd = W.shape.as_tuple(), x.shape.as_tuple()
    cin = None if xd is None else xd[1 if first else rank - 1]
    if wd is not None and None not in (cin, wd[-1]) and wd[-1] != cin:
        raise ValueError(f"input channels does not match filter's input channels, {cin} != "
                         f"{wd[-1]}")
    if known is not None and wd is not None and None not in (known[-1], wd[-2]) and \
            known[-1] != wd[-2]:
        raise ValueError(f"output_shape does not match filter's output channels, {known[-1]} "
                         f"!= {wd[-2]}")
    if known is not None and None not in known[1:]:
        return known, sizes
    if first:
        from .gather_ops import gather
        sizes = gather(sizes, [0] + list(range(2, rank)) + [1])
    return None, sizes


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NHWC", name=None, input=None,  # noqa: A002
                     filters=None, dilations=None):
    """The transpose (gradient) of conv2d: upsamples ``value`` to ``output_shape``.

    Args:
      value: [batch, height, width, in_channels] (TF2 name ``input``).
      filter: [height, width, output_channels, in_channels] (note the order; TF2 ``filters``).
      output_shape: the 4-D output shape (a list or an int tensor, e.g. with a fed batch size).
      strides, padding, data_format, dilations: as for conv2d of the output.
    Example:
      >>> y = tf.nn.conv2d_transpose(x, w, [100, 14, 14, 32], [1, 2, 2, 1], "SAME")
    """
    x = _pick(input, value, "input", "value")
    W = _pick(filters, filter, "filters", "filter")
    first = _channels_first(data_format)
    x, W = _input_filter(x, W, "Conv2DBackpropInput")
    spec = (_positive(_hw(strides, "strides", first), "strides"), _padding(padding, first),
            _positive(_hw(dilations, "dilations", first), "dilations"))
    known, sizes = _transpose_output(x, W, output_shape, first, 4)
    if known is not None:
        op, inputs = C.Conv2DBackpropInput(*spec, x_shape=known), (W,)
    else:
        op, inputs = C.Conv2DBackpropInput(*spec), (W, sizes)
    if not first:
        return op._build((x,) + inputs, name or "conv2d_transpose")
    with name_scope(name, "conv2d_transpose"):
        return _back(op._build((_nhwc(x, True),) + inputs, "conv2d_transpose"), True)


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None,  # noqa: A002
                          padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
                          dilations=None, name=None, filters=None):
    """The gradient of conv2d with respect to its input (``tf.nn.conv2d_backprop_input``)."""
    return conv2d_transpose(out_backprop, _pick(filters, filter, "filters", "filter"),
                            input_sizes, strides, padding, data_format, name, dilations=dilations)


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding,  # noqa: A002
                           use_cudnn_on_gpu=True, data_format="NHWC", dilations=None, name=None):
    """The gradient of conv2d with respect to its filter (``tf.nn.conv2d_backprop_filter``)."""
    from ._static import _static_ints
    first = _channels_first(data_format)
    x = convert_to_tensor(input)
    gy = convert_to_tensor(out_backprop, dtype_hint=x.dtype)
    ks = _static_ints(filter_sizes, "filter_sizes")
    if ks is None or None in ks:
        raise NotImplementedError("conv2d_backprop_filter needs a constant `filter_sizes`.")
    op = C.Conv2DBackpropFilter(_hw(strides, "strides", first), _padding(padding, first),
                                _hw(dilations, "dilations", first), kshape=tuple(ks))
    with name_scope(name, "Conv2DBackpropFilter"):
        return op._build((_nhwc(x, first), _nhwc(gy, first)), "Conv2DBackpropFilter")


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None,  # noqa: A002
                     data_format=None, dilations=None):
    """Each input channel convolved with its own ``channel_multiplier`` filters.

    Args:
      input: [batch, height, width, in_channels] (NHWC) or NCHW.
      filter: [filter_height, filter_width, in_channels, channel_multiplier].
      strides: 4 ints (or 1/2); ``rate`` (or ``dilations``): the dilation, with strides 1.
    Returns:
      [batch, out_height, out_width, in_channels * channel_multiplier].
    Example:
      >>> y = tf.nn.depthwise_conv2d(x, tf.ones([3, 3, 8, 1]), [1, 1, 1, 1], "SAME")
    """
    first = _channels_first(data_format)
    d = _pick(dilations, rate, "dilations", "rate")
    x, W = _input_filter(input, filter, "DepthwiseConv2dNative")
    st = _positive(_hw(strides, "strides", first), "strides")
    dl = _positive(_hw(d, "rate", False) if not isinstance(d, (list, tuple)) or len(d) != 4
                   else _hw(d, "dilations", first), "rate")
    if dl != (1, 1) and st != (1, 1):
        raise ValueError("strides > 1 not supported in conjunction with rate > 1")
    op = DepthwiseConv2dNative(st, _padding(padding, first, explicit=False), dl)
    if not first:
        return op._build((x, W), name or "depthwise")
    with name_scope(name, "depthwise"):
        return _back(op._build((_nhwc(x, True), W), "depthwise"), True)


def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC",  # noqa: A002
                            dilations=None, name=None):
    """The raw depthwise op (``tf.nn.depthwise_conv2d_native``)."""
    return depthwise_conv2d(input, filter, strides, padding, name=name, data_format=data_format,
                            dilations=dilations)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     rate=None, name=None, data_format=None, dilations=None):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution.

    Args:
      depthwise_filter: [kh, kw, in_channels, channel_multiplier].
      pointwise_filter: [1, 1, channel_multiplier * in_channels, out_channels].
    """
    with name_scope(name, "separable_conv2d"):
        h = depthwise_conv2d(input, depthwise_filter, strides, padding, rate=rate,
                             data_format=data_format, dilations=dilations, name="depthwise")
        return conv2d(h, pointwise_filter, [1, 1, 1, 1], "VALID",
                      data_format=data_format or "NHWC", name="pointwise")


# ==================================================================== pooling
def _pool(op_cls, value, ksize, strides, padding, data_format, name, default):
    first = _channels_first(data_format)
    x = convert_to_tensor(value)
    _rank4(default, x)
    if ksize is None or strides is None or padding is None:
        raise TypeError(f"{default}() missing required arguments: 'ksize', 'strides', 'padding'")
    op = op_cls(_positive(_hw(ksize, "ksize", first), "ksize"),
                _positive(_hw(strides, "strides", first), "strides"),
                _padding(padding, first, explicit=False))
    if not first:
        y = op._build((x,), name or default)
        return y[0] if isinstance(y, (tuple, list)) else y
    with name_scope(name, default):
        y = op._build((_nhwc(x, True),), default)
        return _back(y[0] if isinstance(y, (tuple, list)) else y, True)


def max_pool(value=None, ksize=None, strides=None, padding=None, data_format="NHWC",
             name=None, input=None):  # noqa: A002
    """Max over each ksize window (``tf.nn.max_pool``).

    Args:
      value: [batch, height, width, channels] (TF2 name ``input``).
      ksize, strides: an int or a list of 1, 2 or 4 ints ([1, 2, 2, 1] in TF1 code).
      padding: "SAME" (output ceil(in / stride)) or "VALID".
    Example:
      >>> y = tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    """
    return _pool(MaxPool, _pick(input, value, "input", "value"), ksize, strides, padding,
                 data_format, name, "MaxPool")


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Alias of :func:`max_pool` (``tf.nn.max_pool2d``)."""
    return max_pool(input, ksize, strides, padding, data_format, name)


def avg_pool(value=None, ksize=None, strides=None, padding=None, data_format="NHWC",
             name=None, input=None):  # noqa: A002
    """Mean over each window (``tf.nn.avg_pool``); SAME windows that reach past the border
    average only their in-bounds elements, as TF does."""
    return _pool(AvgPool, _pick(input, value, "input", "value"), ksize, strides, padding,
                 data_format, name, "AvgPool")


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):  # noqa: A002
    """Alias of :func:`avg_pool` (``tf.nn.avg_pool2d``)."""
    return avg_pool(input, ksize, strides, padding, data_format, name)


def _pool1d(fn, input, ksize, strides, padding, data_format, name, default):  # noqa: A002
    first = _channels_first(data_format, ("NWC", "NCW", "NHWC", "NCHW"))
    x = convert_to_tensor(input)
    k, s = _one(ksize, "ksize", first), _one(strides, "strides", first)
    with name_scope(name, default):
        x4 = expand_dims(x, 2 if first else 1)
        y = fn(x4, [1, 1, k, 1] if not first else [1, 1, 1, k],
               [1, 1, s, 1] if not first else [1, 1, 1, s], padding,
               "NCHW" if first else "NHWC")
        return squeeze(y, [2 if first else 1])


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Max pooling of [batch, width, channels] (``tf.nn.max_pool1d``)."""
    return _pool1d(max_pool, input, ksize, strides, padding, data_format, name, "MaxPool1d")


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):  # noqa: A002
    """Average pooling of [batch, width, channels] (``tf.nn.avg_pool1d``)."""
    return _pool1d(avg_pool, input, ksize, strides, padding, data_format, name, "AvgPool1D")


def pool(input, window_shape, pooling_type, padding, dilation_rate=None,  # noqa: A002
         strides=None, name=None, data_format=None, dilations=None):
    """``tf.nn.pool``: "MAX" or "AVG" pooling of 1-D, 2-D or 3-D inputs (no dilation)."""
    d = _pick(dilations, dilation_rate, "dilations", "dilation_rate")
    if d is not None and any(int(a) != 1 for a in (d if isinstance(d, (list, tuple)) else [d])):
        raise NotImplementedError("tf.nn.pool with dilation_rate > 1 is not supported by "
                                  "neuroflow yet.")
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"Invalid value for argument `pooling_type`: expected 'MAX' or 'AVG'. "
                         f"Received: pooling_type={pooling_type!r}")
    ws = list(window_shape)
    st = list(strides) if strides is not None else [1] * len(ws)
    if len(ws) == 1:
        fn = max_pool1d if pooling_type == "MAX" else avg_pool1d
        return fn(input, ws, st, padding, data_format or "NWC", name)
    if len(ws) == 3:
        from .conv3d_ops import avg_pool3d, max_pool3d
        fn = max_pool3d if pooling_type == "MAX" else avg_pool3d
        return fn(input, ws, st, padding, data_format or "NDHWC", name)
    fn = max_pool if pooling_type == "MAX" else avg_pool
    return fn(input, ws, st, padding, data_format or "NHWC", name)


class MaxPoolArgmax(Operation):
    """TF's flat index of each window maximum: ((b * H + row) * W + col) * C + c."""
    type = "MaxPoolArgmax"
    differentiable = False

    def __init__(self, pool, dtype, include_batch):
        self.pool, self.dtype, self.include_batch = pool, dtype, include_batch

    def forward(self, idx, x):
        xp = get_array_module(idx)
        n, H, W, Ch = x.shape
        Ho, Wo, pads = self.pool._geo(x.shape)
        (sh, sw), kw = self.pool.strides, self.pool.ksize[1]
        i, j = xp.divmod(idx.astype(np.int64), kw)
        row = i + (xp.arange(Ho) * sh - pads[0])[:, None, None]
        col = j + (xp.arange(Wo) * sw - pads[2])[:, None]
        flat = (row * W + col) * Ch + xp.arange(Ch)
        if self.include_batch:
            flat += (xp.arange(n) * (H * W * Ch))[:, None, None, None]
        return flat.astype(self.dtype._np)

    def infer(self, idx, x):
        return [(dims(idx), self.dtype)]


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC",  # noqa: A002
                         output_dtype=None, include_batch_in_index=False, name=None,
                         Targmax=None):  # noqa: N803
    """(max pool output, flat argmax indices) (``tf.nn.max_pool_with_argmax``).

    The index of (b, y, x, c) is ((b * height + y) * width + x) * channels + c, with b only when
    ``include_batch_in_index``.
    """
    from ..core import dtypes
    x = convert_to_tensor(input)
    _channels_first(data_format, ("NHWC",))
    op = MaxPool(_positive(_hw(ksize, "ksize", False), "ksize"),
                 _positive(_hw(strides, "strides", False), "strides"),
                 _padding(padding, False, explicit=False))
    dt = dtypes.as_dtype(output_dtype or Targmax or dtypes.int64)
    with name_scope(name, "MaxPoolWithArgmax"):
        y, idx = op._build((x,), "MaxPoolWithArgmax")
        return y, MaxPoolArgmax(op, dt, include_batch_in_index)._build((idx, x), "argmax")
