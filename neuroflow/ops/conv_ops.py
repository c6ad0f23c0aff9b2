"""Convolution ops, NHWC input and HWIO filter: ``Conv2D`` (optionally fused with its bias and a
relu), ``Conv2DBackpropInput`` and ``Conv2DBackpropFilter``, and the kernels they share.

Forward: the input's windows, read through a strided view of the padded input, are copied once
into a (rows, kh*kw*C) matrix ("im2col") that meets the filter in ONE GEMM (a column of ones
carries the bias through the same GEMM; the relu is applied in place). Backward: the filter
gradient is cols.T @ gy (the forward keeps its cols for it when they fit); the input gradient at
stride 1 is the forward kernel again on the padded gy with the flipped filter (no scatter), at
larger strides a GEMM into columns summed back with kh*kw slice-adds (col2im). Large batches go
through in chunks and scratch buffers are reused across steps, so memory stays bounded.
The three ops are each other's gradients, so double backward comes for free.
"""
import threading

from ..core import context
from ..core import parallel
from ..core.parallel import matmul as _gemm
from ._base import Operation, dims, get_array_module, np

__all__ = []

CHUNK_BYTES = 48 << 20     # an im2col matrix larger than this is built batch-chunk by chunk
SCRATCH_BYTES = 256 << 20  # reused scratch buffers kept per thread (least recently used dropped)


# ==================================================================== geometry
def out_size(n, k, s, d, padding):
    """(output size, pad before, pad after) along one spatial axis, as TF computes them.

    SAME: out = ceil(n / s), total pad = max((out - 1) * s + (k - 1) * d + 1 - n, 0), the odd
    pixel after. VALID: no padding. A (before, after) pair: explicit padding.
    """
    eff = (k - 1) * d + 1
    if padding == "SAME":
        out = -(-n // s)
        total = max((out - 1) * s + eff - n, 0)
        return out, total // 2, total - total // 2
    before, after = (0, 0) if padding == "VALID" else padding
    span = n + before + after - eff
    return (span // s + 1 if span >= 0 else -1), before, after


def geometry(H, W, kh, kw, strides, dilations, padding):
    """(Ho, Wo, (pad_top, pad_bottom, pad_left, pad_right)); Ho = -1 when the window is larger
    than the padded input."""
    ph, pw = (padding, padding) if isinstance(padding, str) else padding
    Ho, pt, pb = out_size(H, kh, strides[0], dilations[0], ph)
    Wo, pl, pr = out_size(W, kw, strides[1], dilations[1], pw)
    return Ho, Wo, (pt, pb, pl, pr)


def static_out(d, k, s, dil, padding, axis):
    """The static output size along ``axis`` (None when unknown); raises TF's error for VALID
    windows larger than the input."""
    if d is None or k is None:
        return None
    p = padding if isinstance(padding, str) else padding[axis]
    o = out_size(d, k, s, dil, p)[0]
    if o < 0:
        raise ValueError(f"Negative dimension size caused by subtracting {(k - 1) * dil + 1} from "
                         f"{d + (0 if isinstance(p, str) else sum(p))}")
    return o


# ==================================================================== scratch buffers
class _Scratch(threading.local):
    """Reusable work buffers: one per key, kept across steps (bounded, least recently used out)."""

    def __init__(self):
        self.bufs, self.nbytes = {}, 0

    def get(self, key, shape, dtype, xp, fill=None):
        """An array of ``shape``; with ``fill``, set to it when first made (the caller keeps the
        part it does not overwrite untouched, e.g. the zero border of a padded copy)."""
        size = int(np.prod(shape))
        k = (key, tuple(shape) if fill is not None else None, np.dtype(dtype).str, xp.__name__)
        buf = self.bufs.pop(k, None)
        if buf is None or buf.size < size:
            if buf is not None:
                self.nbytes -= buf.nbytes
            buf = xp.empty(size, dtype) if fill is None else xp.full(size, fill, dtype)
            self.nbytes += buf.nbytes
            while self.nbytes > SCRATCH_BYTES and self.bufs:
                old = self.bufs.pop(next(iter(self.bufs)))
                self.nbytes -= old.nbytes
        self.bufs[k] = buf
        return buf[:size].reshape(shape)


scratch = _Scratch()


def padded(x, pads, fill=0):
    """x with (top, bottom, left, right) rows/columns of ``fill`` around it (a reused buffer)."""
    pt, pb, pl, pr = pads
    if not (pt or pb or pl or pr):
        return x
    n, H, W, C = x.shape
    buf = scratch.get(("pad", pads, fill), (n, H + pt + pb, W + pl + pr, C), x.dtype,
                      get_array_module(x), fill=fill)
    buf[:, pt:pt + H, pl:pl + W, :] = x
    return buf


def window(xpd, i, j, Ho, Wo, strides, dilations):
    """The (n, Ho, Wo, C) strided view of padded xpd that meets kernel tap (i, j)."""
    (sh, sw), (dh, dw) = strides, dilations
    return xpd[:, i * dh:i * dh + (Ho - 1) * sh + 1:sh, j * dw:j * dw + (Wo - 1) * sw + 1:sw, :]


def im2col(x, kh, kw, strides, dilations, pads, Ho, Wo, buf=None, ones=False):
    """The (n*Ho*Wo, kh*kw*C [+ 1]) matrix A of x's windows, columns in (kh, kw, C) order (the
    rows of an HWIO filter), so that conv(x, W) = A @ W.reshape(-1, O).

    Copied in one pass from a strided view of the padded input. With one channel the taps are
    copied as rows of a (K, rows) buffer and A is its transposed view (each copy then moves whole
    image rows). ``ones``: a last column of ones, so the GEMM also adds a bias row. ``buf``: a
    flat buffer to build A in (else reused scratch).
    """
    xp = get_array_module(x)
    n, C = x.shape[0], x.shape[3]
    M, K = n * Ho * Wo, kh * kw * C
    if kh == kw == 1 and not any(pads) and not ones:
        v = x if tuple(strides) == (1, 1) else x[:, ::strides[0], ::strides[1], :]
        return v.reshape(M, C)  # a 1x1 convolution needs no copy at stride 1
    Kb = K + bool(ones)
    if buf is None:
        buf = scratch.get("cols", (M * Kb,), x.dtype, xp)
    xpd = padded(x, pads)
    if C == 1:
        rows = buf[:M * Kb].reshape(Kb, M)
        for t in range(K):
            xp.copyto(rows[t].reshape(n, Ho, Wo, 1),
                      window(xpd, t // kw, t % kw, Ho, Wo, strides, dilations))
        A = rows.T
    else:
        A = buf[:M * Kb].reshape(M, Kb)
        s0, s1, s2, s3 = xpd.strides
        (sh, sw), (dh, dw) = strides, dilations
        win = xp.lib.stride_tricks.as_strided(xpd, (n, Ho, Wo, kh, kw, C),
                                              (s0, s1 * sh, s2 * sw, s1 * dh, s2 * dw, s3))
        xp.copyto(A[:, :K].reshape(n, Ho, Wo, kh, kw, C), win)
    if ones:
        A[:, K] = 1
    return A


def im2col_blocks(x, kh, kw, strides, dilations, pads, Ho, Wo, buf=None, ones=False):
    """``im2col``, built in batch blocks on the worker threads when it is large (a copy bound by
    memory traffic; each block fills its own rows of A). One-channel inputs keep one call."""
    xp = get_array_module(x)
    n, C = x.shape[0], x.shape[3]
    Kb = kh * kw * C + bool(ones)
    rows = Ho * Wo
    if C == 1 or xp is not np or (kh == kw == 1 and not any(pads) and not ones):
        return im2col(x, kh, kw, strides, dilations, pads, Ho, Wo, buf=buf, ones=ones)
    if buf is None:
        buf = scratch.get("cols", (n * rows * Kb,), x.dtype, xp)

    def block(b0, b1):
        im2col(x[b0:b1], kh, kw, strides, dilations, pads, Ho, Wo,
               buf=buf[b0 * rows * Kb:b1 * rows * Kb], ones=ones)
    parallel.row_blocks(n, n * rows * Kb, block)
    return buf[:n * rows * Kb].reshape(n * rows, Kb)


def _batch_step(bytes_per_example):
    return max(1, CHUNK_BYTES // max(bytes_per_example, 1))


# ==================================================================== kernels
def conv_forward(x, W, strides, dilations, pads, Ho, Wo, b=None, own=None):
    """(y, cols): y[n, ho, wo, o] = sum of x's window times W[..., o] (+ b[o]), one GEMM per
    batch chunk; the bias rides in the GEMM as a row of W against a column of ones.

    ``own(size, dtype, xp)`` gives a flat buffer the caller keeps for the cols (backward); cols
    is None when the batch went through in chunks.
    """
    xp = get_array_module(x)
    n, C = x.shape[0], x.shape[3]
    kh, kw, _, O = W.shape
    K = kh * kw * C
    y = xp.empty((n, Ho, Wo, O), dtype=x.dtype)
    rows = Ho * Wo
    if y.size == 0:
        return y, None
    if K == 0:
        y.fill(0)
        return y, None
    fold = b is not None and not (kh == kw == 1 and not any(pads))
    W2 = W.reshape(K, O)
    if fold:
        W2 = xp.concatenate([W2, b.reshape(1, O).astype(W2.dtype, copy=False)])
    Kb = W2.shape[0]
    y2 = y.reshape(n * rows, O)
    step = _batch_step(rows * Kb * x.dtype.itemsize)
    cols = None
    for i in range(0, n, step):
        whole = n <= step
        buf = own(n * rows * Kb, x.dtype, xp) if whole and own is not None else None
        cols = im2col_blocks(x if whole else x[i:i + step], kh, kw, strides, dilations, pads,
                             Ho, Wo, buf=buf, ones=fold)
        _gemm(cols, W2, out=y2[i * rows:(i + step) * rows])
    if b is not None and not fold:
        y += b
    return y, (cols if n <= step else None)


def conv_filter_grad(x, gy, kshape, strides, dilations, pads, cols=None):
    """gW = cols(x).T @ gy, summed over batch chunks when the cols do not fit at once."""
    n, Ho, Wo, O = gy.shape
    kh, kw = kshape[0], kshape[1]
    K = kh * kw * x.shape[3]
    if cols is not None:  # (a ones column's row, the bias gradient, is cheaper kept than cut)
        return _gemm(cols.T, gy.reshape(-1, O))[:K].reshape(kshape)
    rows = Ho * Wo
    step = _batch_step(rows * K * x.dtype.itemsize)
    gW = None
    for i in range(0, max(n, 1), step):
        c = im2col(x[i:i + step], kh, kw, strides, dilations, pads, Ho, Wo)
        g = _gemm(c.T, gy[i:i + step].reshape(-1, O))
        gW = g if gW is None else gW + g
    return gW.reshape(kshape)


def conv_input_grad(gy, W, x_shape, strides, dilations, pads):
    """gx, the adjoint of the convolution applied to gy."""
    xp = get_array_module(gy)
    n, H, Wd, C = x_shape
    kh, kw, _, O = W.shape
    (sh, sw), (dh, dw) = strides, dilations
    pt, pb, pl, pr = pads
    if (sh, sw) == (1, 1):
        # a convolution of gy, padded by the kernel's reach, with the flipped, transposed filter
        top, bot, left, right = (kh - 1) * dh - pt, (kh - 1) * dh - pb, (kw - 1) * dw - pl, \
            (kw - 1) * dw - pr
        Ho, Wo = gy.shape[1], gy.shape[2]
        g = gy[:, max(-top, 0):Ho - max(-bot, 0), max(-left, 0):Wo - max(-right, 0), :]
        Wf = xp.ascontiguousarray(W[::-1, ::-1].transpose(0, 1, 3, 2))
        return conv_forward(g, Wf, (1, 1), (dh, dw),
                            (max(top, 0), max(bot, 0), max(left, 0), max(right, 0)), H, Wd)[0]
    return col2im_grad(gy, W, x_shape, strides, dilations, pads)


def col2im_grad(gy, W, x_shape, strides, dilations, pads):
    """gx by columns: dcols = gy @ W.T, then each kernel tap's column block added back into the
    padded gradient with one strided slice-add (kh*kw of them; no scatter)."""
    xp = get_array_module(gy)
    n, H, Wd, C = x_shape
    kh, kw, _, O = W.shape
    pt, pb, pl, pr = pads
    Ho, Wo = gy.shape[1], gy.shape[2]
    K = kh * kw * C
    Wt = W.reshape(K, O).T
    shape = (n, H + pt + pb, Wd + pl + pr, C)
    crop = bool(pt or pb or pl or pr)
    gxp = scratch.get("col2im", shape, gy.dtype, xp) if crop else xp.empty(shape, gy.dtype)
    gxp.fill(0)
    rows = Ho * Wo
    step = _batch_step(rows * K * gy.dtype.itemsize)
    for s in range(0, n, step):
        g2 = gy[s:s + step].reshape(-1, O)
        d = scratch.get("dcols", (g2.shape[0], K), gy.dtype, xp)
        _gemm(g2, Wt, out=d)
        d = d.reshape(g2.shape[0] // rows, Ho, Wo, kh, kw, C)
        part = gxp[s:s + step]
        for i in range(kh):
            for j in range(kw):
                window(part, i, j, Ho, Wo, strides, dilations)[...] += d[:, :, :, i, j, :]
    if crop:
        return gxp[:, pt:pt + H, pl:pl + Wd, :].copy()
    return gxp


# ==================================================================== ops
class _ConvBase(Operation):
    """Shared attributes: strides (sh, sw), padding ('SAME', 'VALID' or ((t, b), (l, r))),
    dilations (dh, dw)."""

    def __init__(self, strides, padding, dilations=(1, 1)):
        self.strides, self.padding, self.dilations = tuple(strides), padding, tuple(dilations)

    def _geo(self, H, W, kh, kw):
        Ho, Wo, pads = geometry(H, W, kh, kw, self.strides, self.dilations, self.padding)
        if Ho < 0 or Wo < 0:
            from ..core.errors import InvalidArgumentError
            raise InvalidArgumentError(None, self, "Computed output size would be negative: "
                                       f"input {H}x{W}, window {kh}x{kw}, dilations "
                                       f"{list(self.dilations)}")
        return Ho, Wo, pads

    def _out_dims(self, xd, kd, channels):
        """Static NHWC output dims from input dims xd and filter dims kd."""
        if xd is None:
            return None
        n, H, W = xd[0], xd[1], xd[2]
        kh, kw = (None, None) if kd is None else (kd[0], kd[1])
        Ho = static_out(H, kh, self.strides[0], self.dilations[0], self.padding, 0)
        Wo = static_out(W, kw, self.strides[1], self.dilations[1], self.padding, 1)
        return (n, Ho, Wo, channels)

    def _spec(self):
        return self.strides, self.padding, self.dilations


def _ls(d):
    return "<unknown>" if d is None else "[%s]" % ",".join("?" if v is None else str(v) for v in d)


class Conv2D(_ConvBase):
    """y = conv(x, W) [+ b] [then relu]: x NHWC, W [kh, kw, C, O]."""
    type = "Conv2D"

    def __init__(self, strides, padding, dilations=(1, 1), bias=False, relu=False):
        super().__init__(strides, padding, dilations)
        self.bias, self.relu = bias, relu
        if bias or relu:
            self.type = "_FusedConv2D"
        self._want_cols = False  # set once a filter gradient reads this op's cols
        self._saved = None       # (x, cols) of the last forward, for the filter gradient
        self._cols_buf = None

    def _own(self, size, dtype, xp):
        buf = self._cols_buf
        if buf is None or buf.size < size or buf.dtype != dtype or get_array_module(buf) is not xp:
            buf = self._cols_buf = xp.empty(size, dtype)
        return buf

    def forward(self, x, W, b=None):
        xp = get_array_module(x)
        if x.shape[3] != W.shape[2]:
            from ..core.errors import InvalidArgumentError
            raise InvalidArgumentError(None, self, "input depth must be evenly divisible by filter "
                                       f"depth: {x.shape[3]} vs {W.shape[2]}")
        Ho, Wo, pads = self._geo(x.shape[1], x.shape[2], W.shape[0], W.shape[1])
        keep = self._want_cols or bool(context.state.tapes)
        y, cols = conv_forward(x, W, self.strides, self.dilations, pads, Ho, Wo, b,
                               self._own if keep else None)
        self._saved = (x, cols) if keep and cols is not None else None
        if self.relu:
            xp.maximum(y, 0, out=y)
        return y

    def infer(self, x, W, *b):
        xd, kd = dims(x), dims(W)
        if xd is not None and len(xd) != 4 or kd is not None and len(kd) != 4:
            bad = xd if xd is not None and len(xd) != 4 else kd
            raise ValueError(f"Shape must be rank 4 but is rank {len(bad)} for "
                             f"'{self._pending_name}' (op: 'Conv2D') with input shapes: "
                             f"{_ls(xd)}, {_ls(kd)}.")
        if xd is not None and kd is not None and None not in (xd[3], kd[2]) and xd[3] != kd[2]:
            raise ValueError(f"Dimensions must be equal, but are {xd[3]} and {kd[2]} for "
                             f"'{self._pending_name}' (op: 'Conv2D') with input shapes: "
                             f"{_ls(xd)}, {_ls(kd)}.")
        return [(self._out_dims(xd, kd, None if kd is None else kd[3]), x.dtype)]

    def backward(self, gy):
        from .nn_ops import GateGrad
        x, W = self.inputs[0], self.inputs[1]
        self._want_cols = True
        if self.relu:
            gy = _relu_grad(gy, self.outputs[0], GateGrad)
        elif gy.op.type == "ReluGrad" and gy.op.inputs[1].op.type == "Relu":
            # conv -> tf.nn.relu -> max pool, built op by op: the same reordering of the masks
            gy = _relu_grad(gy.op.inputs[0], gy.op.inputs[1], GateGrad)
        gx = backprop_input(gy, W, x, self._spec())
        gW = backprop_filter(x, gy, W, self._spec(), fwd=self)
        if not self.bias:
            return gx, gW
        return gx, gW, BiasAddGrad()._build((gy,), "BiasAddGrad")


def _relu_grad(gy, y, GateGrad):
    """gy * (y > 0). When gy is a max pool's gradient routed back onto y itself, the mask is
    applied to the pooled gradient instead: the relu of a window's maximum is the pooled value's,
    so the same result costs a pass over the pooled (a quarter-size) array, not over y."""
    op = gy.op
    if op.type == "MaxPoolGrad" and op.inputs[2] is y and op.inputs[1].op.type == "MaxPool":
        pool_gy, idx = op.inputs[0], op.inputs[1]
        masked = GateGrad("Relu")._build((pool_gy, idx.op.outputs[0]), "ReluGrad")
        return type(op)(op.ksize, op.strides, op.padding)._build((masked, idx, y), "MaxPoolGrad")
    return GateGrad("Relu")._build((gy, y), "ReluGrad")


def backprop_input(gy, W, x, spec, name="Conv2DBackpropInput"):
    """The Conv2DBackpropInput node for input tensor x (its static shape, else its runtime one)."""
    d = dims(x)
    if d is not None and None not in d[1:]:
        return Conv2DBackpropInput(*spec, x_shape=d)._build((gy, W), name)
    from .array_ops import shape
    return Conv2DBackpropInput(*spec)._build((gy, W, shape(x)), name)


def backprop_filter(x, gy, W, spec, fwd=None, name="Conv2DBackpropFilter"):
    d = dims(W)
    if d is not None and None not in d:
        return Conv2DBackpropFilter(*spec, kshape=d, fwd=fwd)._build((x, gy), name)
    return Conv2DBackpropFilter(*spec, fwd=fwd)._build((x, gy, W), name)


class Conv2DBackpropInput(_ConvBase):
    """gx = the adjoint of conv(., W) applied to gy (also conv2d_transpose's forward).

    x's shape: the static ``x_shape`` (a None batch taken from gy), else a third input holding
    it (an int vector).
    """
    type = "Conv2DBackpropInput"

    def __init__(self, strides, padding, dilations=(1, 1), x_shape=None):
        super().__init__(strides, padding, dilations)
        self.x_shape = x_shape

    def _x_shape(self, gy, sizes):
        if sizes is not None:
            return tuple(int(s) for s in sizes.tolist())
        s = self.x_shape
        return (gy.shape[0] if s[0] is None else s[0],) + tuple(s[1:])

    def forward(self, gy, W, sizes=None):
        xs = self._x_shape(gy, sizes)
        Ho, Wo, pads = self._geo(xs[1], xs[2], W.shape[0], W.shape[1])
        if (Ho, Wo) != tuple(gy.shape[1:3]) or xs[3] != W.shape[2] or gy.shape[3] != W.shape[3]:
            from ..core.errors import InvalidArgumentError
            raise InvalidArgumentError(None, self, "Conv2DCustomBackpropInput: Size of "
                                       "out_backprop doesn't match computed: actual = "
                                       f"{list(gy.shape)}, "
                                       f"computed = {[xs[0], Ho, Wo, W.shape[3]]} for input "
                                       f"shape {list(xs)} and filter shape {list(W.shape)}")
        return conv_input_grad(gy, W, xs, self.strides, self.dilations, pads)

    def infer(self, gy, W, *sizes):
        if self.x_shape is not None:
            gd = dims(gy)
            n = self.x_shape[0] if self.x_shape[0] is not None else (gd[0] if gd else None)
            return [((n,) + tuple(self.x_shape[1:]), gy.dtype)]
        from ._static import _const
        v = _const(sizes[0])
        if v is not None:
            return [(tuple(int(s) for s in np.asarray(v).tolist()), gy.dtype)]
        sd = dims(sizes[0])
        return [(None if sd is None or sd[0] is None else (None,) * sd[0], gy.dtype)]

    def backward(self, g):
        gy, W = self.inputs[0], self.inputs[1]
        ggy = Conv2D(*self._spec())._build((g, W), "Conv2D")
        gW = backprop_filter(g, gy, W, self._spec())
        return (ggy, gW) + (None,) * (len(self.inputs) - 2)


class Conv2DBackpropFilter(_ConvBase):
    """gW = sum over the batch of x's windows times gy (cols.T @ gy); ``fwd``: the Conv2D op
    whose saved cols of this very x can be reused."""
    type = "Conv2DBackpropFilter"

    def __init__(self, strides, padding, dilations=(1, 1), kshape=None, fwd=None):
        super().__init__(strides, padding, dilations)
        self.kshape, self.fwd = kshape, fwd

    def forward(self, x, gy, W=None):
        kshape = tuple(W.shape) if W is not None else self.kshape
        cols = None
        fwd = self.fwd
        saved = None if fwd is None else fwd._saved
        if saved is not None and saved[0] is x:
            cols = saved[1]
            fwd._saved = None  # drop the reference to x: the executor may free it now
        pads = self._geo(x.shape[1], x.shape[2], kshape[0], kshape[1])[2]
        return conv_filter_grad(x, gy, kshape, self.strides, self.dilations, pads, cols)

    def infer(self, x, gy, *W):
        d = self.kshape if self.kshape is not None else dims(W[0])
        return [(d, x.dtype)]

    def backward(self, g):
        x, gy = self.inputs[0], self.inputs[1]
        gx = backprop_input(gy, g, x, self._spec())
        ggy = Conv2D(*self._spec())._build((x, g), "Conv2D")
        return (gx, ggy) + (None,) * (len(self.inputs) - 2)


_ONES = {}


class BiasAddGrad(Operation):
    """gb = gy summed over every axis but the last (as a product with ones: BLAS, not a loop)."""
    type = "BiasAddGrad"

    def forward(self, gy):
        xp = get_array_module(gy)
        g2 = gy.reshape(-1, gy.shape[-1])
        if g2.dtype.kind != "f":
            return g2.sum(axis=0)
        key = (g2.shape[0], g2.dtype.str, xp.__name__)
        ones = _ONES.get(key)
        if ones is None:
            if len(_ONES) > 64:
                _ONES.clear()
            ones = _ONES[key] = xp.ones(g2.shape[0], g2.dtype)
        return xp.dot(ones, g2)

    def infer(self, gy):
        d = dims(gy)
        return [(None if d is None else (d[-1],), gy.dtype)]

    def backward(self, g):
        from ._base import BroadcastLike
        return BroadcastLike()(g, self.inputs[0])
