"""3-D convolution and pooling, NDHWC input and [kd, kh, kw, in, out] (DHWIO) filter: the ops
``Conv3D``, ``Conv3DBackpropInputV2``, ``Conv3DBackpropFilterV2``, ``MaxPool3D`` (with
``MaxPool3DGrad`` and ``MaxPool3DGradGrad``), ``AvgPool3D`` (with ``AvgPool3DGrad``), and the
``tf.nn`` functions conv3d, conv3d_transpose, max_pool3d and avg_pool3d.

Convolution: the input's windows, read through one strided view of the padded input, are copied
into a (rows, kd*kh*kw*C) matrix ("vol2col") that meets the filter in ONE GEMM per batch chunk.
The filter gradient is vol2col(x).T @ gy; the input gradient is gy @ W.T, each kernel tap's
column block added back into the padded input with one strided slice-add. The three convolution
ops are each other's gradients, so double backward comes for free. Pooling loops over the kd*kh*kw
window taps, each a vectorized operation on a strided view, as the 2-D pooling ops do.
"""
import itertools

from ..core.graph import name_scope
from ..core.op import check_same_dtype, convert_to_tensor
from ..core.parallel import matmul as _gemm
from ..core.tensor import Tensor
from ._base import Operation, dims, get_array_module, np
from .conv_ops import CHUNK_BYTES, out_size, scratch, static_out

__all__ = []

_ONE = (1, 1, 1)


# ==================================================================== geometry
def _geometry(sizes, ksize, strides, dilations, padding):
    """(output sizes, ((before, after) padding per axis)) along the three spatial axes."""
    geo = [out_size(n, k, s, d, padding) for n, k, s, d in zip(sizes, ksize, strides, dilations)]
    return tuple(g[0] for g in geo), tuple((g[1], g[2]) for g in geo)


def _inner(pads, x_shape):
    """The index of the unpadded part of a padded NDHWC array."""
    return (slice(None),) + tuple(slice(b, b + n) for (b, _), n in zip(pads, x_shape[1:4])) + \
        (slice(None),)


def _padded_shape(x_shape, pads):
    return (x_shape[0],) + tuple(n + b + a for n, (b, a) in zip(x_shape[1:4], pads)) + \
        (x_shape[4],)


def _padded(x, pads, fill=0):
    """x with ``fill`` around its spatial axes (a reused buffer whose border keeps the fill)."""
    if not any(b or a for b, a in pads):
        return x
    buf = scratch.get(("pad3d", pads, fill), _padded_shape(x.shape, pads), x.dtype,
                      get_array_module(x), fill=fill)
    buf[_inner(pads, x.shape)] = x
    return buf


def _crop(gxp, pads, x_shape):
    return gxp[_inner(pads, x_shape)].copy() if any(b or a for b, a in pads) else gxp


def _win(a, tap, out, strides, dilations=_ONE):
    """The (n, Do, Ho, Wo, C) strided view of padded ``a`` that meets kernel tap ``tap``."""
    return a[(slice(None),) + tuple(slice(t * d, t * d + (o - 1) * s + 1, s) for t, o, s, d in
                                    zip(tap, out, strides, dilations)) + (slice(None),)]


def _taps(ksize):
    return list(itertools.product(*(range(k) for k in ksize)))


def _step(bytes_per_example):
    """Examples per batch chunk, so that a chunk's column matrix stays near CHUNK_BYTES."""
    return max(1, CHUNK_BYTES // max(bytes_per_example, 1))


# ==================================================================== convolution kernels
def vol2col(x, ksize, strides, dilations, pads, out):
    """The (n*Do*Ho*Wo, kd*kh*kw*C) matrix A of x's windows, columns in (kd, kh, kw, C) order
    (the rows of a DHWIO filter), so that conv3d(x, W) = A @ W.reshape(-1, O)."""
    xp = get_array_module(x)
    n, C = x.shape[0], x.shape[4]
    M, K = n * int(np.prod(out)), int(np.prod(ksize)) * C
    if tuple(ksize) == _ONE and not any(b or a for b, a in pads):
        sd, sh, sw = strides
        return x[:, ::sd, ::sh, ::sw, :].reshape(M, C)  # a 1x1x1 kernel needs no window copy
    xpd = _padded(x, pads)
    st = xpd.strides
    win = xp.lib.stride_tricks.as_strided(
        xpd, (n,) + tuple(out) + tuple(ksize) + (C,),
        (st[0],) + tuple(st[1 + i] * strides[i] for i in range(3)) +
        tuple(st[1 + i] * dilations[i] for i in range(3)) + (st[4],))
    A = scratch.get("cols3d", (M, K), x.dtype, xp)
    xp.copyto(A.reshape(win.shape), win)
    return A


def conv3d_forward(x, W, strides, dilations, pads, out):
    """y[n, d, h, w, o] = sum of x's window times W[..., o]: one GEMM per batch chunk."""
    xp = get_array_module(x)
    n, O = x.shape[0], W.shape[4]
    K = int(np.prod(W.shape[:4]))
    y = xp.empty((n,) + tuple(out) + (O,), x.dtype)
    if y.size == 0 or K == 0:
        y.fill(0)
        return y
    rows = int(np.prod(out))
    W2, y2 = W.reshape(K, O), y.reshape(n * rows, O)
    step = _step(rows * K * x.dtype.itemsize)
    for i in range(0, n, step):
        cols = vol2col(x[i:i + step], W.shape[:3], strides, dilations, pads, out)
        _gemm(cols, W2, out=y2[i * rows:(i + step) * rows])
    return y


def conv3d_filter_grad(x, gy, kshape, strides, dilations, pads):
    """gW = vol2col(x).T @ gy, summed over batch chunks."""
    xp = get_array_module(gy)
    n, O, out = gy.shape[0], gy.shape[4], gy.shape[1:4]
    K = int(np.prod(kshape[:4]))
    gW = xp.zeros((K, O), gy.dtype)
    step = _step(int(np.prod(out)) * K * x.dtype.itemsize)
    for i in range(0, n if gy.size and K else 0, step):
        cols = vol2col(x[i:i + step], kshape[:3], strides, dilations, pads, out)
        gW += _gemm(cols.T, gy[i:i + step].reshape(-1, O))
    return gW.reshape(kshape)


def conv3d_input_grad(gy, W, x_shape, strides, dilations, pads):
    """gx, the adjoint of the convolution: dcols = gy @ W.T, each tap's block added back into the
    padded gradient with one strided slice-add (kd*kh*kw of them; no scatter)."""
    xp = get_array_module(gy)
    C, O, ksize, out = x_shape[4], W.shape[4], W.shape[:3], gy.shape[1:4]
    K = int(np.prod(ksize)) * C
    gxp = xp.zeros(_padded_shape(x_shape, pads), gy.dtype)
    if gy.size == 0 or K == 0:
        return _crop(gxp, pads, x_shape)
    Wt = W.reshape(K, O).T
    taps = _taps(ksize)
    step = _step(int(np.prod(out)) * K * gy.dtype.itemsize)
    for i in range(0, x_shape[0], step):
        d = _gemm(gy[i:i + step].reshape(-1, O), Wt)
        d = d.reshape((-1,) + tuple(out) + tuple(ksize) + (C,))
        part = gxp[i:i + step]
        for t in taps:
            _win(part, t, out, strides, dilations)[...] += d[(slice(None),) * 4 + t]
    return _crop(gxp, pads, x_shape)


# ==================================================================== ops
def _ls(d):
    return "<unknown>" if d is None else "[%s]" % ",".join("?" if v is None else str(v) for v in d)


def _rank5(name, *ts, op="Conv3D"):
    """TF's shape-function error for an input that is not 5-D."""
    ds = [dims(t) for t in ts]
    for d in ds:
        if d is not None and len(d) != 5:
            raise ValueError(f"Shape must be rank 5 but is rank {len(d)} for '{name}' (op: "
                             f"'{op}') with input shapes: {', '.join(map(_ls, ds))}.")


def _invalid(op, msg):
    from ..core.errors import InvalidArgumentError
    return InvalidArgumentError(None, op, msg)


class _Op3D(Operation):
    """Shared attributes: strides, padding ('SAME' / 'VALID') and dilations, (d, h, w) each."""

    def __init__(self, strides, padding, dilations=_ONE):
        self.strides, self.padding, self.dilations = tuple(strides), padding, tuple(dilations)

    def _spec(self):
        return self.strides, self.padding, self.dilations

    def _geo(self, sizes, ksize, least=0):
        """(output sizes, pads), or TF's error when an output size is under ``least``."""
        out, pads = _geometry(sizes, ksize, self.strides, self.dilations, self.padding)
        if min(out) < least:
            raise _invalid(self, "Computed output size would be negative: input "
                           f"{'x'.join(map(str, sizes))}, window {'x'.join(map(str, ksize))}, "
                           f"dilations {list(self.dilations)}")
        return out, pads

    def _out_dims(self, xd, ksize, channels):
        """Static NDHWC output dims from input dims xd and the window sizes."""
        if xd is None:
            return None
        return (xd[0],) + tuple(static_out(n, k, s, d, self.padding, 0) for n, k, s, d in
                                zip(xd[1:4], ksize, self.strides, self.dilations)) + (channels,)


class Conv3D(_Op3D):
    """y = conv3d(x, W): x NDHWC, W [kd, kh, kw, C, O]."""
    type = "Conv3D"

    def forward(self, x, W):
        if x.shape[4] != W.shape[3]:
            raise _invalid(self, "Input depth must be equal to filter depth: "
                           f"{x.shape[4]} vs {W.shape[3]}")
        out, pads = self._geo(x.shape[1:4], W.shape[:3])
        return conv3d_forward(x, W, self.strides, self.dilations, pads, out)

    def infer(self, x, W):
        _rank5(self._pending_name, x, W)
        xd, kd = dims(x), dims(W)
        if xd is not None and kd is not None and None not in (xd[4], kd[3]) and xd[4] != kd[3]:
            raise ValueError(f"Dimensions must be equal, but are {xd[4]} and {kd[3]} for "
                             f"'{self._pending_name}' (op: 'Conv3D') with input shapes: "
                             f"{_ls(xd)}, {_ls(kd)}.")
        ks = (None,) * 3 if kd is None else kd[:3]
        return [(self._out_dims(xd, ks, None if kd is None else kd[4]), x.dtype)]

    def backward(self, gy):
        x, W = self.inputs
        return backprop_input(gy, W, x, self._spec()), backprop_filter(x, gy, W, self._spec())


def backprop_input(gy, W, x, spec, name="Conv3DBackpropInputV2"):
    """The input-gradient node for input tensor x (its static shape, else its runtime one)."""
    d = dims(x)
    if d is not None and None not in d[1:]:
        return Conv3DBackpropInput(*spec, x_shape=d)._build((gy, W), name)
    from .array_ops import shape
    return Conv3DBackpropInput(*spec)._build((gy, W, shape(x)), name)


def backprop_filter(x, gy, W, spec, name="Conv3DBackpropFilterV2"):
    d = dims(W)
    if d is not None and None not in d:
        return Conv3DBackpropFilter(*spec, kshape=d)._build((x, gy), name)
    return Conv3DBackpropFilter(*spec)._build((x, gy, W), name)


class Conv3DBackpropInput(_Op3D):
    """gx = the adjoint of conv3d(., W) applied to gy (also conv3d_transpose's forward). x's
    shape: the static ``x_shape`` (a None batch taken from gy), else a third input holding it."""
    type = "Conv3DBackpropInputV2"

    def __init__(self, strides, padding, dilations=_ONE, x_shape=None):
        super().__init__(strides, padding, dilations)
        self.x_shape = x_shape

    def forward(self, gy, W, sizes=None):
        xs = tuple(int(s) for s in sizes.tolist()) if sizes is not None else \
            (gy.shape[0] if self.x_shape[0] is None else self.x_shape[0],) + self.x_shape[1:]
        out, pads = self._geo(xs[1:4], W.shape[:3])
        if out != tuple(gy.shape[1:4]) or xs[4] != W.shape[3] or gy.shape[4] != W.shape[4]:
            raise _invalid(self, "Conv3DBackpropInputOpV2: Size of out_backprop doesn't match "
                           f"computed: actual = {list(gy.shape)}, computed = "
                           f"{[xs[0], *out, W.shape[4]]} for input shape {list(xs)} and filter "
                           f"shape {list(W.shape)}")
        return conv3d_input_grad(gy, W, xs, self.strides, self.dilations, pads)

    def infer(self, gy, W, *sizes):
        if self.x_shape is not None:
            gd = dims(gy)
            n = self.x_shape[0] if self.x_shape[0] is not None else (gd[0] if gd else None)
            return [((n,) + tuple(self.x_shape[1:]), gy.dtype)]
        from ._static import _dims_of, _partial_shape
        return [(_dims_of(_partial_shape(sizes[0])) or (None,) * 5, gy.dtype)]

    def backward(self, g):
        gy, W = self.inputs[0], self.inputs[1]
        ggy = Conv3D(*self._spec())._build((g, W), "Conv3D")
        return (ggy, backprop_filter(g, gy, W, self._spec())) + (None,) * (len(self.inputs) - 2)


class Conv3DBackpropFilter(_Op3D):
    """gW = sum over the batch of x's windows times gy (vol2col(x).T @ gy)."""
    type = "Conv3DBackpropFilterV2"

    def __init__(self, strides, padding, dilations=_ONE, kshape=None):
        super().__init__(strides, padding, dilations)
        self.kshape = kshape

    def forward(self, x, gy, W=None):
        kshape = tuple(W.shape) if W is not None else self.kshape
        pads = self._geo(x.shape[1:4], kshape[:3])[1]
        return conv3d_filter_grad(x, gy, kshape, self.strides, self.dilations, pads)

    def infer(self, x, gy, *W):
        return [(self.kshape if self.kshape is not None else dims(W[0]), x.dtype)]

    def backward(self, g):
        x, gy = self.inputs[0], self.inputs[1]
        gx = backprop_input(gy, g, x, self._spec())
        ggy = Conv3D(*self._spec())._build((x, g), "Conv3D")
        return (gx, ggy) + (None,) * (len(self.inputs) - 2)


class _Pool3D(_Op3D):
    """Attributes: ksize and strides (d, h, w), padding 'SAME' / 'VALID'."""

    def __init__(self, ksize, strides, padding):
        super().__init__(strides, padding)
        self.ksize = tuple(ksize)

    def _pool_geo(self, x_shape):
        return self._geo(x_shape[1:4], self.ksize, least=1)

    def _pool_dims(self, x):
        _rank5(self._pending_name, x, op=self.type)
        d = dims(x)
        return self._out_dims(d, self.ksize, None if d is None else d[-1])

    def _idx_dtype(self):
        return np.uint8 if int(np.prod(self.ksize)) < 256 else np.int32

    def _spread(self, part, x_shape, pads, out, xp, dtype):
        """gx: ``part(k)`` (the gradient routed to window tap k) added into each tap's strided
        window of the padded gradient, then cropped."""
        gxp = xp.zeros(_padded_shape(x_shape, pads), dtype)
        for k, t in enumerate(_taps(self.ksize)):
            _win(gxp, t, out, self.strides)[...] += part(k)
        return _crop(gxp, pads, x_shape)


class MaxPool3D(_Pool3D):
    """y = max over each window; idx = the window tap (row-major) of the first maximum."""
    type = "MaxPool3D"
    multi_output = True

    def forward(self, x):
        xp = get_array_module(x)
        out, pads = self._pool_geo(x.shape)
        low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        xpd = _padded(x, pads, fill=low)
        taps = _taps(self.ksize)
        y = _win(xpd, taps[0], out, self.strides).copy()
        idx = xp.zeros(y.shape, self._idx_dtype())
        s = xp.empty_like(y)
        for k, t in enumerate(taps[1:], 1):
            xp.copyto(s, _win(xpd, t, out, self.strides))  # a copy: ufuncs on the view are slower
            xp.copyto(idx, k, where=s > y)  # strict: ties keep the earlier tap, as TF does
            xp.maximum(y, s, out=y)
        return y, idx

    def infer(self, x):
        from ..core import dtypes
        d = self._pool_dims(x)
        return [(d, x.dtype), (d, dtypes.as_dtype(self._idx_dtype()))]

    def backward(self, gy, gidx):
        return MaxPool3DGrad(self.ksize, self.strides, self.padding)._build(
            (gy, self.outputs[1], self.inputs[0]), "MaxPool3DGrad")


class MaxPool3DGrad(_Pool3D):
    """gx: each gy routed to the input position its window's maximum came from."""
    type = "MaxPool3DGrad"

    def forward(self, gy, idx, x):
        out, pads = self._pool_geo(x.shape)
        return self._spread(lambda k: gy * (idx == k), x.shape, pads, out,
                            get_array_module(gy), gy.dtype)

    def infer(self, gy, idx, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        op = MaxPool3DGradGrad(self.ksize, self.strides, self.padding)
        return op._build((g, self.inputs[1]), "MaxPool3DGradGrad"), None, None


class MaxPool3DGradGrad(_Pool3D):
    """y = g at each window's argmax (the adjoint of MaxPool3DGrad in its gy argument)."""
    type = "MaxPool3DGradGrad"

    def forward(self, g, idx):
        xp = get_array_module(g)
        out, pads = self._pool_geo(g.shape)
        gp = _padded(g, pads)
        y = xp.zeros(idx.shape, g.dtype)
        for k, t in enumerate(_taps(self.ksize)):
            xp.copyto(y, _win(gp, t, out, self.strides), where=idx == k)
        return y

    def infer(self, g, idx):
        return [(dims(idx), g.dtype)]

    def backward(self, gy):
        g, idx = self.inputs
        op = MaxPool3DGrad(self.ksize, self.strides, self.padding)
        return op._build((gy, idx, g), "MaxPool3DGrad"), None


class AvgPool3D(_Pool3D):
    """y = mean over each window; SAME windows divide by their number of in-bounds elements."""
    type = "AvgPool3D"

    def forward(self, x):
        out, pads = self._pool_geo(x.shape)
        xpd = _padded(x, pads)
        taps = _taps(self.ksize)
        y = _win(xpd, taps[0], out, self.strides).copy()
        for t in taps[1:]:
            y += _win(xpd, t, out, self.strides)
        y *= self._inv_count(x.shape, out, pads, x.dtype, get_array_module(x))
        return y

    def _inv_count(self, x_shape, out, pads, dtype, xp):
        """1 / (number of in-bounds elements) per output position: a scalar without padding."""
        if not any(b or a for b, a in pads):
            return np.dtype(dtype).type(1.0 / int(np.prod(self.ksize)))
        c = [np.minimum(np.arange(o) * s - p[0] + k, n) - np.maximum(np.arange(o) * s - p[0], 0)
             for n, o, k, s, p in zip(x_shape[1:4], out, self.ksize, self.strides, pads)]
        inv = 1.0 / (c[0][:, None, None] * c[1][None, :, None] * c[2][None, None, :])
        return xp.asarray(inv.astype(dtype)[..., None])

    def infer(self, x):
        return [(self._pool_dims(x), x.dtype)]

    def backward(self, gy):
        return AvgPool3DGrad(self.ksize, self.strides, self.padding)._build(
            (gy, self.inputs[0]), "AvgPool3DGrad")


class AvgPool3DGrad(_Pool3D):
    """gx: each gy spread evenly over its window's in-bounds elements."""
    type = "AvgPool3DGrad"

    def forward(self, gy, x):
        xp = get_array_module(gy)
        out, pads = self._pool_geo(x.shape)
        g = gy * AvgPool3D._inv_count(self, x.shape, out, pads, gy.dtype, xp)
        return self._spread(lambda k: g, x.shape, pads, out, xp, gy.dtype)

    def infer(self, gy, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        # the adjoint of spreading is averaging
        return AvgPool3D(self.ksize, self.strides, self.padding)._build((g,), "AvgPool3D"), None


# ==================================================================== tf.nn functions
def _first(data_format):
    """True for NCDHW (transposed to NDHWC around the ops)."""
    if data_format is None:
        return False
    if data_format not in ("NDHWC", "NCDHW"):
        raise ValueError("Invalid value for argument `data_format`: expected one of ['NDHWC', "
                         f"'NCDHW']. Received: data_format={data_format!r}")
    return data_format == "NCDHW"


def _dhw(v, name, first, default=1):
    """(d, h, w) from TF's int / [n] / [d, h, w] / [1, d, h, w, 1] (NCDHW: [1, 1, d, h, w])."""
    if v is None:
        return (default,) * 3
    if isinstance(v, Tensor):
        from ._static import _static_ints
        v = _static_ints(v, name)
        if v is None:
            raise NotImplementedError(f"A symbolic (fed) `{name}` is not supported; pass ints.")
    if isinstance(v, (int, np.integer)):
        v = [int(v)]
    v = [int(a) for a in v]
    if len(v) == 5:
        if ((v[0], v[1]) if first else (v[0], v[4])) != (1, 1):
            raise ValueError(f"Current implementation does not yet support {name} in the batch "
                             f"and depth dimensions. Received: {name}={v}")
        v = v[2:] if first else v[1:4]
    elif len(v) == 1:
        v = v * 3
    elif len(v) != 3:
        raise ValueError(f"Invalid value for argument `{name}`: expected an int or a list of 1, "
                         f"3 or 5 ints. Received: {name}={v}")
    if any(a < 1 for a in v):
        raise ValueError(f"Invalid value for argument `{name}`: expected positive ints. "
                         f"Received: {name}={v}")
    return tuple(v)


def _pad(padding):
    from .conv_nn import _padding
    return _padding(padding, False, explicit=False)


def _inputs(x, W, op):
    """x and W as tensors of one float dtype and rank 5 (TF's messages; eager skips infer)."""
    from .conv_nn import _float_input
    x = convert_to_tensor(x)
    W = convert_to_tensor(W, dtype_hint=x.dtype) if W is not None else None
    _float_input(x, op)
    if W is not None:
        check_same_dtype(op, x, W, "input", "filter")
    _rank5(op, *(x,) + ((W,) if W is not None else ()), op=op)
    return x, W


def _run(op, x, rest, first, name, default):
    """op on x (NDHWC; an NCDHW x transposed in and the result back) and the other inputs."""
    from .array_ops import transpose
    if not first:
        return op._build((x,) + rest, name or default)
    with name_scope(name, default):
        y = op._build((transpose(x, [0, 2, 3, 4, 1]),) + rest, default)
        y = y[0] if isinstance(y, (tuple, list)) else y
        return transpose(y, [0, 4, 1, 2, 3])


def conv3d(input, filter=None, strides=None, padding=None, data_format="NDHWC",  # noqa: A002
           dilations=(1, 1, 1, 1, 1), name=None, filters=None):
    """3-D convolution of a batch of volumes with a filter bank (``tf.nn.conv3d``).

    Args:
      input: [batch, depth, height, width, in_channels] (NDHWC), or NCDHW.
      filter: [filter_depth, filter_height, filter_width, in_channels, out_channels] (TF2 name:
        ``filters``).
      strides: a list of 5 ints ([1, sd, sh, sw, 1]); an int or 3 ints are accepted too.
      padding: "SAME" (output ceil(in / stride), the odd pixel padded after) or "VALID".
      data_format: "NDHWC" (default) or "NCDHW".
      dilations: like ``strides`` (atrous convolution).
    Returns:
      [batch, out_depth, out_height, out_width, out_channels].
    Example:
      >>> x = tf.ones([1, 4, 5, 5, 1]); w = tf.ones([3, 3, 3, 1, 8])
      >>> tf.nn.conv3d(x, w, strides=[1, 1, 2, 2, 1], padding="SAME").shape
      TensorShape([1, 4, 3, 3, 8])
    """
    from .conv_nn import _pick
    W = _pick(filters, filter, "filters", "filter")
    if W is None or strides is None or padding is None:
        raise TypeError("conv3d() missing required arguments: 'filter', 'strides' and 'padding'")
    first = _first(data_format)
    x, W = _inputs(input, W, "Conv3D")
    op = Conv3D(_dhw(strides, "strides", first), _pad(padding),
                _dhw(dilations, "dilations", first))
    return _run(op, x, (W,), first, name, "Conv3D")


def conv3d_transpose(value=None, filter=None, output_shape=None, strides=None,  # noqa: A002
                     padding="SAME", data_format="NDHWC", name=None, input=None,  # noqa: A002
                     filters=None, dilations=None):
    """The transpose (gradient) of conv3d: upsamples ``value`` to ``output_shape``.

    Args:
      value: [batch, depth, height, width, in_channels] (TF2 name ``input``).
      filter: [depth, height, width, output_channels, in_channels] (note the order).
      output_shape: the 5-D output shape (a list, or an int tensor, e.g. with a fed batch size).
      strides, padding, data_format, dilations: as for conv3d of the output.
    Example:
      >>> y = tf.nn.conv3d_transpose(x, w, [2, 8, 8, 8, 16], [1, 2, 2, 2, 1], "SAME")
    """
    from .conv_nn import _pick, _transpose_output
    first = _first(data_format)
    W = _pick(filters, filter, "filters", "filter")
    x, W = _inputs(_pick(input, value, "input", "value"), W, "Conv3DBackpropInputV2")
    spec = (_dhw(strides, "strides", first), _pad(padding), _dhw(dilations, "dilations", first))
    known, sizes = _transpose_output(x, W, output_shape, first, 5)
    if known is not None:
        op, rest = Conv3DBackpropInput(*spec, x_shape=known), (W,)
    else:
        op, rest = Conv3DBackpropInput(*spec), (W, sizes)
    return _run(op, x, rest, first, name, "conv3d_transpose")


def _pool(cls, input, ksize, strides, padding, data_format, name, default):  # noqa: A002
    first = _first(data_format)
    x = _inputs(input, None, default)[0]
    op = cls(_dhw(ksize, "ksize", first), _dhw(strides, "strides", first), _pad(padding))
    y = _run(op, x, (), first, name, default)
    return y[0] if isinstance(y, (tuple, list)) else y


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """Max over each ksize window of a batch of volumes (``tf.nn.max_pool3d``).

    Args:
      input: [batch, depth, height, width, channels] (NDHWC), or NCDHW.
      ksize, strides: an int or a list of 1, 3 or 5 ints ([1, 2, 2, 2, 1] in TF1 code).
      padding: "SAME" (output ceil(in / stride)) or "VALID".
    Example:
      >>> y = tf.nn.max_pool3d(x, ksize=[1, 2, 2, 2, 1], strides=[1, 2, 2, 2, 1], padding="SAME")
    """
    return _pool(MaxPool3D, input, ksize, strides, padding, data_format, name, "MaxPool3D")


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):  # noqa: A002
    """Mean over each window (``tf.nn.avg_pool3d``); SAME windows that reach past the border
    average only their in-bounds elements, as TF does.

    Example:
      >>> y = tf.nn.avg_pool3d(x, ksize=2, strides=2, padding="VALID")
    """
    return _pool(AvgPool3D, input, ksize, strides, padding, data_format, name, "AvgPool3D")
