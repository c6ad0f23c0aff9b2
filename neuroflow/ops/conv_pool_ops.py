"""Pooling ops, NHWC: ``MaxPool`` (which also returns the window position of each maximum, for
its backward), ``AvgPool``, and their gradients.

Every kernel is a loop over the kh*kw window taps, each a vectorized operation on a strided view
of the (padded) input; no scatter. When the windows tile the input (2x2 stride 2, the common
case) the max-pool gradient is written tap by tap without accumulating.
"""
from ..core import parallel
from ._base import Operation, dims, get_array_module, np
from .conv_ops import geometry, padded, scratch, static_out, window

__all__ = []


def _blocks(xp, n, work, rows):
    """``rows(b0, b1)`` over blocks of the batch on the worker threads (NumPy arrays only)."""
    if xp is np:
        parallel.row_blocks(n, work, rows)
    else:
        rows(0, n)


def _lowest(dtype):
    dtype = np.dtype(dtype)
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


class _Pool(Operation):
    """Attributes: ksize (kh, kw), strides (sh, sw), padding 'SAME' / 'VALID'."""

    def __init__(self, ksize, strides, padding):
        self.ksize, self.strides, self.padding = tuple(ksize), tuple(strides), padding

    def _geo(self, x_shape):
        Ho, Wo, pads = geometry(x_shape[1], x_shape[2], self.ksize[0], self.ksize[1], self.strides,
                                (1, 1), self.padding)
        if Ho <= 0 or Wo <= 0:
            from ..core.errors import InvalidArgumentError
            raise InvalidArgumentError(None, self, "Computed output size would be negative: "
                                       f"input {x_shape[1]}x{x_shape[2]}, window "
                                       f"{self.ksize[0]}x{self.ksize[1]}")
        return Ho, Wo, pads

    def _taps(self):
        return [(i, j) for i in range(self.ksize[0]) for j in range(self.ksize[1])]

    def _tiles(self, x_shape, pads):
        """True when the windows cover x exactly once (stride = window, no padding)."""
        (kh, kw), (sh, sw) = self.ksize, self.strides
        return (kh, kw) == (sh, sw) and not any(pads) and x_shape[1] % kh == 0 and \
            x_shape[2] % kw == 0

    def _out_dims(self, x):
        d = dims(x)
        if d is None:
            return None
        if len(d) != 4:
            raise ValueError(f"Shape must be rank 4 but is rank {len(d)} for "
                             f"'{self._pending_name}' (op: '{self.type}') with input shapes: "
                             f"{_ls(d)}.")
        (kh, kw), (sh, sw) = self.ksize, self.strides
        return (d[0], static_out(d[1], kh, sh, 1, self.padding, 0),
                static_out(d[2], kw, sw, 1, self.padding, 1), d[3])


def _ls(d):
    return "[%s]" % ",".join("?" if v is None else str(v) for v in d)


class MaxPool(_Pool):
    """y = max over each window; idx = the window tap (row-major) of the first maximum."""
    type = "MaxPool"
    multi_output = True

    def forward(self, x):
        xp = get_array_module(x)
        Ho, Wo, pads = self._geo(x.shape)
        taps = self._taps()
        wide = len(taps) >= 256
        y = xp.empty((x.shape[0], Ho, Wo, x.shape[3]), x.dtype)
        idx = xp.zeros(y.shape, np.int32 if wide else np.uint8)

        def rows(b0, b1):                   # the images b0:b1 (blocks run on worker threads)
            xpd = padded(x[b0:b1], pads, fill=_lowest(x.dtype))
            yb, ib = y[b0:b1], idx[b0:b1]
            xp.copyto(yb, window(xpd, 0, 0, Ho, Wo, self.strides, (1, 1)))
            s = scratch.get("pooltap", yb.shape, y.dtype, xp)
            for k, (i, j) in enumerate(taps[1:], 1):
                # copied first: ufuncs on the strided view are several times slower than a copy
                xp.copyto(s, window(xpd, i, j, Ho, Wo, self.strides, (1, 1)))
                gt = s > yb  # strict: ties keep the earlier tap, as TF does
                xp.maximum(yb, s, out=yb)
                # taps come in increasing order: the winner is the largest k that raised the max
                gt = gt.astype(np.int32) if wide else gt.view(np.uint8)
                gt *= k
                xp.maximum(ib, gt, out=ib)
        _blocks(xp, x.shape[0], x.size, rows)
        return y, idx

    def infer(self, x):
        d = self._out_dims(x)
        from ..core import dtypes
        return [(d, x.dtype), (d, dtypes.uint8)]

    def backward(self, gy, gidx):
        return MaxPoolGrad(self.ksize, self.strides, self.padding)._build(
            (gy, self.outputs[1], self.inputs[0]), "MaxPoolGrad")


class MaxPoolGrad(_Pool):
    """gx: each gy routed to the input position its window's maximum came from."""
    type = "MaxPoolGrad"

    def forward(self, gy, idx, x):
        xp = get_array_module(gy)
        Ho, Wo, pads = self._geo(x.shape)
        n, H, W, C = x.shape
        tiles = self._tiles(x.shape, pads)
        crop = any(pads)
        shape = (n, H + pads[0] + pads[1], W + pads[2] + pads[3], C)
        gxp = scratch.get("poolgrad", shape, gy.dtype, xp) if crop else \
            xp.empty(shape, gy.dtype)
        if not tiles:
            gxp.fill(0)

        def rows(b0, b1):                   # the images b0:b1 (blocks run on worker threads)
            gyb, ixb, gxb = gy[b0:b1], idx[b0:b1], gxp[b0:b1]
            t = scratch.get("pooltap", gyb.shape, gy.dtype, xp)
            m = scratch.get("poolmask", gyb.shape, np.bool_, xp)
            for k, (i, j) in enumerate(self._taps()):
                xp.equal(ixb, k, out=m)  # computed contiguous, then one strided copy or add
                xp.multiply(gyb, m, out=t)
                s = window(gxb, i, j, Ho, Wo, self.strides, (1, 1))
                if tiles:  # each input position is in exactly one window: write, do not add
                    xp.copyto(s, t)
                else:
                    s += t
        _blocks(xp, n, gxp.size, rows)
        if crop:
            return gxp[:, pads[0]:pads[0] + H, pads[2]:pads[2] + W, :].copy()
        return gxp

    def infer(self, gy, idx, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        idx = self.inputs[1]
        op = MaxPoolGather(self.ksize, self.strides, self.padding)
        return op._build((g, idx), "MaxPoolGradGrad"), None, None


class MaxPoolGather(_Pool):
    """y = g at each window's argmax (the adjoint of MaxPoolGrad in its gy argument)."""
    type = "MaxPoolGradGrad"

    def forward(self, g, idx):
        xp = get_array_module(g)
        Ho, Wo, pads = self._geo(g.shape)
        gp = padded(g, pads)
        y = xp.zeros(idx.shape, g.dtype)
        for k, (i, j) in enumerate(self._taps()):
            xp.copyto(y, window(gp, i, j, Ho, Wo, self.strides, (1, 1)), where=idx == k)
        return y

    def infer(self, g, idx):
        return [(dims(idx), g.dtype)]

    def backward(self, gy):
        g, idx = self.inputs
        op = MaxPoolGrad(self.ksize, self.strides, self.padding)
        return op._build((gy, idx, g), "MaxPoolGrad"), None  # g has the shape MaxPoolGrad needs


class AvgPool(_Pool):
    """y = mean over each window; SAME windows divide by their number of in-bounds elements."""
    type = "AvgPool"

    def forward(self, x):
        Ho, Wo, pads = self._geo(x.shape)
        xpd = padded(x, pads)
        taps = self._taps()
        y = window(xpd, 0, 0, Ho, Wo, self.strides, (1, 1)).astype(x.dtype, copy=True)
        s = scratch.get("pooltap", y.shape, y.dtype, get_array_module(x))
        for i, j in taps[1:]:
            s[...] = window(xpd, i, j, Ho, Wo, self.strides, (1, 1))  # copy, then add contiguous
            y += s
        y *= self._inv_count(x.shape, Ho, Wo, pads, x.dtype, get_array_module(x))
        return y

    def _inv_count(self, x_shape, Ho, Wo, pads, dtype, xp):
        """1 / (number of in-bounds elements) per output position: a scalar without padding."""
        if not any(pads):
            return np.dtype(dtype).type(1.0 / (self.ksize[0] * self.ksize[1]))
        key = (x_shape[1:3], pads, np.dtype(dtype).str, xp.__name__)
        c = getattr(self, "_count", None)
        if c is None or c[0] != key:
            rows = _valid_counts(x_shape[1], Ho, self.ksize[0], self.strides[0], pads[0])
            cols = _valid_counts(x_shape[2], Wo, self.ksize[1], self.strides[1], pads[2])
            inv = (1.0 / np.outer(rows, cols)).astype(dtype)[:, :, None]
            c = self._count = (key, xp.asarray(inv))
        return c[1]

    def infer(self, x):
        return [(self._out_dims(x), x.dtype)]

    def backward(self, gy):
        return AvgPoolGrad(self.ksize, self.strides, self.padding)._build(
            (gy, self.inputs[0]), "AvgPoolGrad")


def _valid_counts(n, out, k, s, before):
    start = np.arange(out) * s - before
    return np.minimum(start + k, n) - np.maximum(start, 0)


class AvgPoolGrad(_Pool):
    """gx: each gy spread evenly over its window's in-bounds elements."""
    type = "AvgPoolGrad"

    def forward(self, gy, x):
        xp = get_array_module(gy)
        Ho, Wo, pads = self._geo(x.shape)
        n, H, W, C = x.shape
        g = gy * AvgPool._inv_count(self, x.shape, Ho, Wo, pads, gy.dtype, xp)
        tiles = self._tiles(x.shape, pads)
        shape = (n, H + pads[0] + pads[1], W + pads[2] + pads[3], C)
        crop = any(pads)
        gxp = scratch.get("poolgrad", shape, gy.dtype, xp) if crop else xp.empty(shape, gy.dtype)
        if not tiles:
            gxp.fill(0)
        for i, j in self._taps():
            s = window(gxp, i, j, Ho, Wo, self.strides, (1, 1))
            if tiles:
                s[...] = g
            else:
                s += g
        if crop:
            return gxp[:, pads[0]:pads[0] + H, pads[2]:pads[2] + W, :].copy()
        return gxp

    def infer(self, gy, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        # the adjoint of spreading is averaging
        return AvgPool(self.ksize, self.strides, self.padding)._build((g,), "AvgPool"), None
