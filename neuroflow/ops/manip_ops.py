"""Array manipulation: tile, pad, reverse, roll, broadcast_to, meshgrid (``tf.*``).

Diagonals (``tf.diag``, ``tf.matrix_band_part`` ...) live in linalg_ops.
"""
import builtins

from ._base import (Operation, convert_to_tensor, dims, dtypes, get_array_module, np,
                    sum_to_like)
from ._static import _const, _dims_of, _ls, _partial_shape, _static_ints


def _along(axis, s):
    """An index that applies slice ``s`` along ``axis``."""
    return (builtins.slice(None),) * axis + (s,)


# ==================================================================== tile
class Tile(Operation):
    """x repeated ``multiples`` times along each axis (multiples static, or the second input)."""
    type = "Tile"

    def __init__(self, multiples=None):
        self.multiples = multiples

    def forward(self, x, *m):
        mult = self.multiples if not m else m[0].tolist()
        if len(mult) != x.ndim:
            raise ValueError(f"Expected multiples argument to be a vector of length {x.ndim} but "
                             f"got length {len(mult)}")
        return get_array_module(x).tile(x, mult)

    def infer(self, x, *m):
        d = dims(x)
        mult = self.multiples if not m else _dims_of(_partial_shape(m[0]))
        if mult is None:
            return [(None if d is None else (None,) * len(d), x.dtype)]
        if d is None:
            return [((None,) * len(mult), x.dtype)]
        if len(mult) != len(d):
            raise ValueError(f"Shape must be rank {len(d)} but is rank {len(mult)} for "
                             f"'{self._pending_name}' (op: 'Tile'): expected multiples argument "
                             f"to be a vector of length {len(d)} but got length {len(mult)}")
        out = tuple(None if a is None or b is None else a * b for a, b in zip(d, mult))
        return [(out, x.dtype)]

    def backward(self, gy):
        gx = TileGrad()._build((gy, self.inputs[0]), "TileGrad")
        return gx if len(self.inputs) == 1 else (gx, None)


class TileGrad(Operation):
    """gy summed over the tiled copies, back to x's shape."""
    type = "TileGrad"

    def forward(self, gy, x):
        if x.size == 0:
            return get_array_module(gy).zeros(x.shape, dtype=gy.dtype)
        shp = []
        for g, n in zip(gy.shape, x.shape):
            shp += [g // n, n]
        return gy.reshape(shp).sum(axis=tuple(builtins.range(0, 2 * x.ndim, 2)))

    def infer(self, gy, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        return TileLike()._build((g, self.inputs[0]), "Tile"), None


class TileLike(Operation):
    """x tiled up to like's shape."""
    type = "Tile"

    def forward(self, x, like):
        reps = [a // b if b else 0 for a, b in zip(like.shape, x.shape)]
        return get_array_module(x).tile(x, reps)

    def infer(self, x, like):
        return [(dims(like), x.dtype)]

    def backward(self, g):
        return TileGrad()._build((g, self.inputs[0]), "TileGrad"), None


def tile(input, multiples, name=None):  # noqa: A002
    """Repeats a tensor ``multiples[i]`` times along axis i (``tf.tile``).

    Example:
      >>> tf.tile(tf.constant([[1, 2]]), [2, 3]).shape
      TensorShape([2, 6])
    """
    x = convert_to_tensor(input)
    m = _static_ints(multiples, "multiples")
    if m is None:
        return Tile()._build((x, convert_to_tensor(multiples, dtype=dtypes.int32)), name or "Tile")
    if any(v < 0 for v in m):
        raise ValueError(f"Expected multiples[i] >= 0, but got multiples={m}")
    return Tile(tuple(m))._build((x,), name or "Tile")


# ==================================================================== pad
_PAD_MODES = {"CONSTANT": "constant", "REFLECT": "reflect", "SYMMETRIC": "symmetric"}


def _check_pads(shape, pads, mode):
    if len(pads) != len(shape):
        raise ValueError(f"The first dimension of paddings must be the rank of inputs"
                         f"[{len(pads)},2], {_ls(shape)}")
    for (b, a), n in zip(pads, shape):
        if b < 0 or a < 0:
            raise ValueError(f"Paddings must be non-negative: {b} {a}")
        if mode == "reflect" and n is not None and (b >= n or a >= n):
            raise ValueError(f"paddings must be less than the dimension size: {b}, {a} not less "
                             f"than {n}")
        if mode == "symmetric" and n is not None and (b > n or a > n):
            raise ValueError(f"paddings must be no greater than the dimension size: {b}, {a} "
                             f"greater than {n}")


class Pad(Operation):
    """x padded by ``paddings`` [[before, after], ...] (static, or the second input)."""
    type = "Pad"

    def __init__(self, paddings, mode, value=0):
        self.paddings, self.mode, self.value = paddings, mode, value
        if mode != "constant":
            self.type = "MirrorPad"

    def forward(self, x, *p):
        pads = self.paddings if not p else p[0].tolist()
        if p or self.mode != "constant":
            _check_pads(x.shape, pads, self.mode)
        xp = get_array_module(x)
        if self.mode != "constant":
            return xp.pad(x, pads, mode=self.mode)
        # one allocation and one copy (np.pad is several times slower)
        y = xp.full(tuple(n + b + a for n, (b, a) in zip(x.shape, pads)), self.value, dtype=x.dtype)
        y[tuple(builtins.slice(b, b + n) for n, (b, _) in zip(x.shape, pads))] = x
        return y

    def infer(self, x, *p):
        d = dims(x)
        if p:
            return [(None if d is None else (None,) * len(d), x.dtype)]
        _check_pads(d if d is not None else (None,) * len(self.paddings), self.paddings, self.mode)
        d = d if d is not None else (None,) * len(self.paddings)
        return [(tuple(None if n is None else n + b + a for n, (b, a) in zip(d, self.paddings)),
                 x.dtype)]

    def backward(self, gy):
        x, p = self.inputs[0], self.inputs[1:]
        if self.mode == "constant" and not p:
            from .slice_ops import GetItem
            key = tuple(builtins.slice(b, -a if a else None) for b, a in self.paddings)
            key += (Ellipsis,)
            return GetItem(key)._build((gy,), "Pad_grad")
        gx = PadGrad(self.paddings, self.mode)._build((gy, x) + p, "PadGrad")
        return gx if not p else (gx, None)


class PadGrad(Operation):
    """The adjoint of Pad: the centre of gy plus, for mirror modes, the mirrored borders."""
    type = "PadGrad"

    def __init__(self, paddings, mode):
        self.paddings, self.mode = paddings, mode

    def forward(self, gy, x, *p):
        pads = self.paddings if not p else p[0].tolist()
        g = gy
        for axis, ((b, a), n) in enumerate(zip(pads, x.shape)):
            if not (b or a):
                continue
            core = g[_along(axis, builtins.slice(b, b + n))]
            if self.mode == "constant":
                g = core
                continue
            out = core.copy()
            left = g[_along(axis, builtins.slice(b - 1, None, -1) if b else builtins.slice(0, 0))]
            right = g[_along(axis, builtins.slice(b + n + a - 1, b + n - 1, -1))]
            lo = 1 if self.mode == "reflect" else 0
            out[_along(axis, builtins.slice(lo, lo + b))] += left
            hi = n - lo
            out[_along(axis, builtins.slice(hi - a, hi))] += right
            g = out
        return g

    def infer(self, gy, x, *p):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        p = self.inputs[2:]
        return (Pad(self.paddings, self.mode)._build((g,) + p, "Pad"), None) + (None,) * len(p)


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """Pads a tensor with ``paddings`` [[before, after], ...] per axis (``tf.pad``).

    ``mode`` is "CONSTANT" (``constant_values``), "REFLECT" or "SYMMETRIC" (any case).
    Example:
      >>> tf.pad(tf.ones([2, 3]), [[1, 1], [2, 2]]).shape
      TensorShape([4, 7])
    """
    x = convert_to_tensor(tensor)
    m = _PAD_MODES.get(str(mode).upper())
    if m is None:
        raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or '
                         f'"SYMMETRIC". Received `mode` = {mode}')
    v = constant_values
    if hasattr(v, "_value") or hasattr(v, "_as_tensor"):
        v = _const(convert_to_tensor(v))
        if v is None:
            raise NotImplementedError("A symbolic `constant_values` is not supported by neuroflow "
                                      "yet; pass a Python number.")
    p = _static_ints(paddings, "paddings")
    if p is None:
        pt = convert_to_tensor(paddings, dtype=dtypes.int32)
        return Pad(None, m, v)._build((x, pt), name or "Pad")
    if len(p) % 2:
        raise ValueError(f"paddings must be a matrix with 2 columns: {paddings}")
    pads = tuple((p[i], p[i + 1]) for i in builtins.range(0, len(p), 2))
    return Pad(pads, m, v)._build((x,), name or "Pad")


# ==================================================================== reverse, roll
class Reverse(Operation):
    type = "ReverseV2"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return get_array_module(x).flip(x, self.axis)

    def infer(self, x):
        d = dims(x)
        if d is not None:
            for a in self.axis:
                if not -len(d) <= a < len(d):
                    raise ValueError(f"'axis'[0] = {a} is out of valid range [0, {len(d) - 1}] for "
                                     f"'{self._pending_name}' (op: 'ReverseV2')")
        return [(d, x.dtype)]

    def backward(self, gy):
        return Reverse(self.axis)._build((gy,), "ReverseV2")


def reverse(tensor, axis, name=None):
    """Reverses the given axes (``tf.reverse``, ``tf.reverse_v2``).

    Example:
      >>> tf.reverse(tf.constant([[1, 2, 3]]), [1]).numpy()
      array([[3, 2, 1]], dtype=int32)
    """
    x = convert_to_tensor(tensor)
    ax = _static_ints(axis, "axis")
    if ax is None:
        raise NotImplementedError("A symbolic `axis` for tf.reverse is not supported by neuroflow "
                                  "yet; pass a Python list.")
    return Reverse(tuple(ax))._build((x,), name or "ReverseV2")


reverse_v2 = reverse


class Roll(Operation):
    type = "Roll"

    def __init__(self, shift, axis):
        self.shift, self.axis = shift, axis

    def forward(self, x):
        return get_array_module(x).roll(x, self.shift, self.axis)

    def infer(self, x):
        return [(dims(x), x.dtype)]

    def backward(self, gy):
        return Roll(tuple(-s for s in self.shift), self.axis)._build((gy,), "Roll")


def roll(input, shift, axis, name=None):  # noqa: A002
    """Rolls elements along axes; elements shifted past the end wrap around (``tf.roll``)."""
    x = convert_to_tensor(input)
    s, a = _static_ints(shift, "shift"), _static_ints(axis, "axis")
    if s is None or a is None:
        raise NotImplementedError("A symbolic `shift` or `axis` for tf.roll is not supported by "
                                  "neuroflow yet.")
    if len(s) != len(a):
        raise ValueError(f"shift and axis must have the same size: {len(s)} vs {len(a)}")
    return Roll(tuple(s), tuple(a))._build((x,), name or "Roll")


# ==================================================================== broadcast_to
class BroadcastTo(Operation):
    """x broadcast to a shape (static, or the second input); a read-only view."""
    type = "BroadcastTo"

    def __init__(self, shape=None):
        self.shape = shape

    def forward(self, x, *s):
        shape = self.shape if not s else tuple(s[0].tolist())
        try:
            return get_array_module(x).broadcast_to(x, shape)
        except ValueError:
            raise ValueError(f"Incompatible shapes: {list(x.shape)} vs. {list(shape)}") from None

    def infer(self, x, *s):
        shape = self.shape if not s else _dims_of(_partial_shape(s[0]))
        d = dims(x)
        if shape is None or d is None:
            return [(shape, x.dtype)]
        if len(d) > len(shape) or any(a is not None and b is not None and a != 1 and a != b
                                      for a, b in zip(d[::-1], shape[::-1])):
            raise ValueError(f"Incompatible shapes: {_ls(d)} vs. {_ls(shape)} for "
                             f"'{self._pending_name}' (op: 'BroadcastTo')")
        return [(tuple(shape), x.dtype)]

    def backward(self, gy):
        gx = sum_to_like(gy, self.inputs[0])
        return gx if len(self.inputs) == 1 else (gx, None)


def broadcast_to(input, shape, name=None):  # noqa: A002
    """Broadcasts a tensor to ``shape`` (``tf.broadcast_to``).

    Example:
      >>> tf.broadcast_to(tf.constant([1, 2, 3]), [2, 3]).shape
      TensorShape([2, 3])
    """
    x = convert_to_tensor(input)
    s = _static_ints(shape, "shape")
    if s is None:
        return BroadcastTo()._build((x, convert_to_tensor(shape, dtype=dtypes.int32)),
                                    name or "BroadcastTo")
    return BroadcastTo(tuple(s))._build((x,), name or "BroadcastTo")


# ==================================================================== meshgrid
class Meshgrid(Operation):
    """Coordinate grids from 1-D inputs ('xy' swaps the first two output axes)."""
    type = "Meshgrid"
    multi_output = True

    def __init__(self, indexing):
        self.indexing = indexing

    def forward(self, *xs):
        xp = get_array_module(xs[0])
        return tuple(xp.meshgrid(*[x.reshape(-1) for x in xs], indexing=self.indexing))

    def _axes(self, n):
        ax = list(builtins.range(n))
        if self.indexing == "xy" and n >= 2:
            ax[0], ax[1] = 1, 0
        return ax

    def infer(self, *xs):
        sizes = []
        for x in xs:
            d = dims(x)
            sizes.append(None if d is None or None in d else int(np.prod(d)))
        ax = self._axes(len(xs))
        out = [None] * len(xs)
        for i, a in enumerate(ax):
            out[a] = sizes[i]
        return [(tuple(out), x.dtype) for x in xs]

    def backward(self, *gys):
        from .array_ops import reshape_like
        from .reduce_ops import reduce_sum
        n = len(gys)
        ax = self._axes(n)
        return tuple(reshape_like(reduce_sum(g, axis=[a for a in builtins.range(n) if a != ax[i]]),
                                  x) for i, (g, x) in enumerate(zip(gys, self.inputs)))


def meshgrid(*args, **kwargs):
    """Coordinate matrices from coordinate vectors (``tf.meshgrid``; ``indexing`` 'xy' or 'ij').

    Example:
      >>> X, Y = tf.meshgrid([1, 2, 3], [4, 5])
      >>> X.shape
      TensorShape([2, 3])
    """
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        raise TypeError(f"Invalid keyword arguments: {', '.join(kwargs)}")
    if indexing not in ("xy", "ij"):
        raise ValueError(f"Invalid value for argument `indexing`: expected 'xy' or 'ij'. "
                         f"Received: indexing={indexing!r}")
    from .join_ops import _same_dtype
    xs = _same_dtype(list(args), "Meshgrid")
    if not xs:
        return []
    return list(Meshgrid(indexing)._build(tuple(xs), name))


__all__ = ["tile", "pad", "reverse", "reverse_v2", "roll", "broadcast_to", "meshgrid"]
