"""Depthwise convolution, NHWC: every input channel c meets its own M filters W[:, :, c, :] and
gives output channels c*M .. c*M + M - 1 (``DepthwiseConv2dNative`` and its two backprops).

Each kernel loops over the kh*kw taps with one broadcast multiply-add on a strided view per tap
(the channel axis stays the vectorized one); the three ops are each other's gradients.
"""
from ._base import dims, get_array_module
from .conv_ops import _ConvBase, _ls, padded, scratch, window

__all__ = []


def _taps(kh, kw):
    return [(i, j) for i in range(kh) for j in range(kw)]


def depthwise_forward(x, W, strides, dilations, pads, Ho, Wo):
    xp = get_array_module(x)
    n, C = x.shape[0], x.shape[3]
    kh, kw, _, M = W.shape
    xpd = padded(x, pads)
    y = xp.zeros((n, Ho, Wo, C, M), x.dtype)
    tmp = scratch.get("dw", y.shape, x.dtype, xp)
    for i, j in _taps(kh, kw):
        xp.multiply(window(xpd, i, j, Ho, Wo, strides, dilations)[..., None], W[i, j], out=tmp)
        y += tmp
    return y.reshape(n, Ho, Wo, C * M)


def depthwise_input_grad(gy, W, x_shape, strides, dilations, pads):
    xp = get_array_module(gy)
    n, H, Wd, C = x_shape
    kh, kw, _, M = W.shape
    Ho, Wo = gy.shape[1], gy.shape[2]
    g = gy.reshape(n, Ho, Wo, C, M)
    pt, pb, pl, pr = pads
    crop = bool(pt or pb or pl or pr)
    shape = (n, H + pt + pb, Wd + pl + pr, C)
    gxp = scratch.get("dwgx", shape, gy.dtype, xp) if crop else xp.empty(shape, gy.dtype)
    gxp.fill(0)
    for i, j in _taps(kh, kw):
        t = g[..., 0] * W[i, j, :, 0] if M == 1 else (g * W[i, j]).sum(axis=-1)
        window(gxp, i, j, Ho, Wo, strides, dilations)[...] += t
    if crop:
        return gxp[:, pt:pt + H, pl:pl + Wd, :].copy()
    return gxp


def depthwise_filter_grad(x, gy, kshape, strides, dilations, pads):
    xp = get_array_module(gy)
    kh, kw, C, M = kshape
    n, Ho, Wo = gy.shape[0], gy.shape[1], gy.shape[2]
    g = gy.reshape(n * Ho * Wo, C, M)
    xpd = padded(x, pads)
    gW = xp.empty(kshape, gy.dtype)
    for i, j in _taps(kh, kw):
        s = window(xpd, i, j, Ho, Wo, strides, dilations).reshape(-1, C)
        gW[i, j] = (s[:, :, None] * g).sum(axis=0)
    return gW


class DepthwiseConv2dNative(_ConvBase):
    """y[..., c*M + m] = sum over the window of x[..., c] * W[:, :, c, m]."""
    type = "DepthwiseConv2dNative"

    def forward(self, x, W):
        Ho, Wo, pads = self._geo(x.shape[1], x.shape[2], W.shape[0], W.shape[1])
        return depthwise_forward(x, W, self.strides, self.dilations, pads, Ho, Wo)

    def infer(self, x, W):
        xd, kd = dims(x), dims(W)
        for d in (xd, kd):
            if d is not None and len(d) != 4:
                raise ValueError(f"Shape must be rank 4 but is rank {len(d)} for "
                                 f"'{self._pending_name}' (op: 'DepthwiseConv2dNative') with "
                                 f"input shapes: {_ls(xd)}, {_ls(kd)}.")
        if xd is not None and kd is not None and None not in (xd[3], kd[2]) and xd[3] != kd[2]:
            raise ValueError(f"Dimensions must be equal, but are {xd[3]} and {kd[2]} for "
                             f"'{self._pending_name}' (op: 'DepthwiseConv2dNative') with input "
                             f"shapes: {_ls(xd)}, {_ls(kd)}.")
        c = None if kd is None or None in (kd[2], kd[3]) else kd[2] * kd[3]
        return [(self._out_dims(xd, kd, c), x.dtype)]

    def backward(self, gy):
        x, W = self.inputs
        return _input_grad(gy, W, x, self._spec()), _filter_grad(x, gy, W, self._spec())


def _input_grad(gy, W, x, spec):
    d = dims(x)
    if d is None or None in d[1:]:
        raise NotImplementedError("The gradient of depthwise_conv2d needs the input's static "
                                  "height, width and channels.")
    return DepthwiseConv2dNativeBackpropInput(*spec, x_shape=d)._build(
        (gy, W), "DepthwiseConv2dNativeBackpropInput")


def _filter_grad(x, gy, W, spec):
    d = dims(W)
    if d is None or None in d:
        raise NotImplementedError("The gradient of depthwise_conv2d needs the filter's static "
                                  "shape.")
    return DepthwiseConv2dNativeBackpropFilter(*spec, kshape=d)._build(
        (x, gy), "DepthwiseConv2dNativeBackpropFilter")


class DepthwiseConv2dNativeBackpropInput(_ConvBase):
    """gx = the adjoint of the depthwise convolution with W applied to gy."""
    type = "DepthwiseConv2dNativeBackpropInput"

    def __init__(self, strides, padding, dilations=(1, 1), x_shape=None):
        super().__init__(strides, padding, dilations)
        self.x_shape = x_shape

    def forward(self, gy, W):
        s = self.x_shape
        xs = (gy.shape[0] if s[0] is None else s[0],) + tuple(s[1:])
        pads = self._geo(xs[1], xs[2], W.shape[0], W.shape[1])[2]
        return depthwise_input_grad(gy, W, xs, self.strides, self.dilations, pads)

    def infer(self, gy, W):
        gd = dims(gy)
        n = self.x_shape[0] if self.x_shape[0] is not None else (gd[0] if gd else None)
        return [((n,) + tuple(self.x_shape[1:]), gy.dtype)]

    def backward(self, g):
        gy, W = self.inputs
        ggy = DepthwiseConv2dNative(*self._spec())._build((g, W), "DepthwiseConv2dNative")
        return ggy, _filter_grad(g, gy, W, self._spec())


class DepthwiseConv2dNativeBackpropFilter(_ConvBase):
    """gW[i, j, c, m] = sum over batch and positions of x's tap (i, j) times gy[..., c*M + m]."""
    type = "DepthwiseConv2dNativeBackpropFilter"

    def __init__(self, strides, padding, dilations=(1, 1), kshape=None):
        super().__init__(strides, padding, dilations)
        self.kshape = kshape

    def forward(self, x, gy):
        pads = self._geo(x.shape[1], x.shape[2], self.kshape[0], self.kshape[1])[2]
        return depthwise_filter_grad(x, gy, self.kshape, self.strides, self.dilations, pads)

    def infer(self, x, gy):
        return [(self.kshape, x.dtype)]

    def backward(self, g):
        x, gy = self.inputs
        gx = _input_grad(gy, g, x, self._spec())
        ggy = DepthwiseConv2dNative(*self._spec())._build((x, g), "DepthwiseConv2dNative")
        return gx, ggy
