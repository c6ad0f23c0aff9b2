"""Selecting and encoding by index: one_hot, boolean_mask, sequence_mask, unique,
reverse_sequence (``tf.*``; re-exported by gather_ops)."""
import collections

from ._base import Operation, convert_to_tensor, dims, dtypes, get_array_module, np
from ._static import _const, _int_arg, _ls, _static_ints
from .gather_ops import _check_index_dtype


# ==================================================================== one_hot
class OneHot(Operation):
    """on_value where indices == position along the new axis, off_value elsewhere."""
    type = "OneHot"
    differentiable = False

    def __init__(self, depth, axis, on, off, dtype):
        self.depth, self.axis, self.dtype = depth, axis, dtype
        self.on, self.off = np.asarray(on, dtype._np), np.asarray(off, dtype._np)
        self.plain = on == 1 and off == 0

    def forward(self, indices):
        xp = get_array_module(indices)
        a = indices.ndim if self.axis == -1 else self.axis
        r = xp.arange(self.depth).reshape((self.depth,) + (1,) * (indices.ndim - a))
        hit = xp.expand_dims(indices, a) == r  # out-of-range and negative indices hit nothing
        if self.plain:
            return hit.astype(self.dtype._np)
        return xp.where(hit, xp.asarray(self.on), xp.asarray(self.off))

    def infer(self, indices):
        d = dims(indices)
        if d is None:
            return [(None, self.dtype)]
        a = len(d) if self.axis == -1 else self.axis
        return [(d[:a] + (self.depth,) + d[a:], self.dtype)]


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot vectors along a new ``axis`` (default last) (``tf.one_hot``).

    Indices out of [0, depth) give all ``off_value``. The dtype defaults to that of on/off_value,
    else float32.
    Example:
      >>> tf.one_hot([0, 2, -1], 3).numpy()
      array([[1., 0., 0.],
             [0., 0., 1.],
             [0., 0., 0.]], dtype=float32)
    """
    i = convert_to_tensor(indices)
    if i.dtype not in (dtypes.uint8, dtypes.int32, dtypes.int64):
        raise TypeError(f"Value passed to parameter 'indices' has DataType {i.dtype.name} not in "
                        "list of allowed values: uint8, int32, int64")
    vals = []
    for v in (on_value, off_value):
        if v is not None:
            t = convert_to_tensor(v, dtype=dtype)
            c = _const(t)
            if c is None:
                raise NotImplementedError("A symbolic `on_value`/`off_value` is not supported by "
                                          "neuroflow yet; pass Python numbers.")
            v = (c, t.dtype)
        vals.append(v)
    on, off = vals
    if on is not None and off is not None and on[1] is not off[1]:
        raise TypeError(f"dtype {on[1]} of on_value does not match dtype {off[1]} of off_value")
    dt = dtypes.as_dtype(dtype) if dtype is not None else \
        (on or off)[1] if (on or off) is not None else dtypes.float32
    d = dims(i)
    ax = -1 if axis is None else _int_arg(axis, "axis")
    if ax < -1 or (d is not None and ax > len(d)):
        raise ValueError(f"Expected axis to be -1 or between [0, {'?' if d is None else len(d)}).  "
                         f"But received: {ax}")
    depth = _int_arg(depth, "depth")
    if depth < 0:
        raise ValueError(f"depth must be non-negative, got: {depth}")
    return OneHot(depth, ax, 1 if on is None else on[0], 0 if off is None else off[0], dt)._build(
        (i,), name or "one_hot")


# ==================================================================== masks
class BooleanMask(Operation):
    """The elements (or slices) of x where the k-D mask is true, along axes axis..axis+k."""
    type = "BooleanMask"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x, mask):
        return x[(slice(None),) * self.axis + (mask,)]

    def infer(self, x, mask):
        dx, dm = dims(x), dims(mask)
        if dx is None or dm is None:
            return [(None, x.dtype)]
        a, k = self.axis, len(dm)
        seg = dx[a:a + k]
        if len(seg) != k or any(p is not None and q is not None and p != q
                                for p, q in zip(seg, dm)):
            raise ValueError(f"Shapes {_ls(seg)} and {_ls(dm)} are incompatible")
        return [(dx[:a] + (None,) + dx[a + k:], x.dtype)]

    def backward(self, gy):
        x, mask = self.inputs
        return BooleanMaskGrad(self.axis)._build((gy, mask, x), "BooleanMaskGrad"), None


class BooleanMaskGrad(Operation):
    """gy written back into zeros of x's shape where the mask is true."""
    type = "BooleanMaskGrad"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, gy, mask, x):
        gx = get_array_module(gy).zeros(x.shape, dtype=gy.dtype)
        gx[(slice(None),) * self.axis + (mask,)] = gy
        return gx

    def infer(self, gy, mask, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        return BooleanMask(self.axis)._build((g, self.inputs[1]), "BooleanMask"), None, None


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The entries of ``tensor`` where the boolean ``mask`` is true (``tf.boolean_mask``).

    The mask covers dims ``axis .. axis + mask.ndim`` of ``tensor``; they become one dim.
    Example:
      >>> tf.boolean_mask(tf.constant([0, 1, 2, 3]), [True, False, True, False]).numpy()
      array([0, 2], dtype=int32)
    """
    x = convert_to_tensor(tensor)
    m = convert_to_tensor(mask)
    if not m.dtype.is_bool:
        raise TypeError(f"Invalid value for argument `mask`: expected a bool tensor. Received a "
                        f"tensor of dtype {m.dtype.name}")
    dm = dims(m)
    if dm is None:
        raise ValueError("Number of mask dimensions must be specified, even if some dimensions are "
                         "None.  E.g. shape=[None] is ok, but shape=None is not.")
    if not dm:
        raise ValueError("mask cannot be scalar.")
    a = 0 if axis is None else _int_arg(axis, "axis")
    dx = dims(x)
    if a < 0:
        if dx is None:
            raise NotImplementedError("A negative `axis` needs a tensor of known rank.")
        a += len(dx)
    return BooleanMask(a)._build((x, m), name)


class SequenceMask(Operation):
    """mask[..., j] = j < lengths[...], with maxlen columns (static, fed, or max(lengths))."""
    type = "SequenceMask"
    differentiable = False

    def __init__(self, maxlen, dtype):
        self.maxlen, self.dtype = maxlen, dtype

    def forward(self, lengths, *m):
        xp = get_array_module(lengths)
        n = self.maxlen if self.maxlen is not None else int(m[0]) if m else \
            (int(lengths.max()) if lengths.size else 0)
        y = xp.arange(n) < xp.expand_dims(lengths, -1)
        return y if self.dtype is dtypes.bool_ else y.astype(self.dtype._np)

    def infer(self, lengths, *m):
        d = dims(lengths)
        return [(None if d is None else d + (self.maxlen,), self.dtype)]


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool_, name=None):
    """mask[i, j] = j < lengths[i], with ``maxlen`` columns (default max(lengths)).

    Example:
      >>> tf.sequence_mask([1, 3, 2], 4).numpy().astype(int)
      array([[1, 0, 0, 0],
             [1, 1, 1, 0],
             [1, 1, 0, 0]])
    """
    n = convert_to_tensor(lengths)
    _check_index_dtype(n, "SequenceMask", "lengths")
    dt = dtypes.as_dtype(dtype)
    if maxlen is None:
        return SequenceMask(None, dt)._build((n,), name or "SequenceMask")
    s = _static_ints(maxlen, "maxlen")
    if s is None:
        return SequenceMask(None, dt)._build((n, convert_to_tensor(maxlen)), name or "SequenceMask")
    if len(s) != 1:
        raise ValueError(f"Invalid value for argument `maxlen`: expected a scalar. "
                         f"Received: maxlen={maxlen}")
    return SequenceMask(s[0], dt)._build((n,), name or "SequenceMask")


# ==================================================================== unique, reverse_sequence
Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


class UniqueOp(Operation):
    """The distinct values of a vector in order of first appearance, and each entry's position."""
    type = "Unique"
    differentiable = False
    multi_output = True

    def __init__(self, out_idx, counts):
        self.out_idx, self.counts = out_idx, counts
        if counts:
            self.type = "UniqueWithCounts"

    def forward(self, x):
        xp = get_array_module(x)
        vals, first, inv, cnt = xp.unique(x, return_index=True, return_inverse=True,
                                          return_counts=True)
        order = xp.argsort(first)  # np.unique sorts by value; TF keeps first-appearance order
        pos = xp.empty_like(order)
        pos[order] = xp.arange(order.size)
        out = (vals[order], pos[inv.reshape(-1)].astype(self.out_idx._np))
        return out + (cnt[order].astype(self.out_idx._np),) if self.counts else out

    def infer(self, x):
        d = dims(x)
        if d is not None and len(d) != 1:
            raise ValueError(f"unique expects a 1D vector. for '{self._pending_name}' "
                             f"(op: 'Unique') with input shapes: {_ls(d)}.")
        out = [((None,), x.dtype), ((None,) if d is None else d, self.out_idx)]
        return out + [((None,), self.out_idx)] if self.counts else out


def unique(x, out_idx=dtypes.int32, name=None):
    """The distinct values of a 1-D tensor and, per entry, its position among them (``tf.unique``).

    Example:
      >>> y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
      >>> y.numpy(), idx.numpy()
      (array([1, 2, 4, 7, 8], dtype=int32), array([0, 0, 1, 2, 2, 2, 3, 4, 4], dtype=int32))
    """
    op = UniqueOp(dtypes.as_dtype(out_idx), False)
    outs = op._build((convert_to_tensor(x),), name or "Unique")
    return Unique(*outs)


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """``tf.unique`` plus how often each distinct value occurs."""
    outs = UniqueOp(dtypes.as_dtype(out_idx), True)._build((convert_to_tensor(x),),
                                                          name or "UniqueWithCounts")
    return UniqueWithCounts(*outs)


class ReverseSequence(Operation):
    """Reverses the first lengths[b] entries along seq_axis, for each b along batch_axis."""
    type = "ReverseSequence"

    def __init__(self, seq_axis, batch_axis):
        self.seq_axis, self.batch_axis = seq_axis, batch_axis

    def forward(self, x, lengths):
        xp = get_array_module(x)
        sa, ba = self.seq_axis, self.batch_axis
        t = x.shape[sa]
        if lengths.size and int(lengths.max()) > t:
            raise ValueError(f"seq_lens({int(xp.argmax(lengths))}) > input.dims({sa})")
        n = lengths.reshape(-1, 1)
        pos = xp.arange(t)
        idx = xp.where(pos < n, n - 1 - pos, pos)  # [batch, time]
        shape = [1] * x.ndim
        shape[ba], shape[sa] = x.shape[ba], t
        idx = (idx if ba < sa else idx.T).reshape(shape)
        return xp.take_along_axis(x, idx, axis=sa)

    def infer(self, x, lengths):
        return [(dims(x), x.dtype)]

    def backward(self, gy):
        return ReverseSequence(self.seq_axis, self.batch_axis)._build(
            (gy, self.inputs[1]), "ReverseSequence"), None


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None,  # noqa: A002
                     seq_dim=None, batch_dim=None):
    """Reverses variable-length slices (``tf.reverse_sequence``; TF1 ``seq_dim``/``batch_dim`` too).

    Example:
      >>> tf.reverse_sequence([[1, 2, 3], [4, 5, 6]], [2, 3], seq_axis=1).numpy()
      array([[2, 1, 3],
             [6, 5, 4]], dtype=int32)
    """
    x = convert_to_tensor(input)
    n = convert_to_tensor(seq_lengths)
    _check_index_dtype(n, "ReverseSequence", "seq_lengths")
    sa = seq_axis if seq_axis is not None else seq_dim
    ba = batch_axis if batch_axis is not None else (batch_dim if batch_dim is not None else 0)
    if sa is None:
        raise ValueError("Invalid value for argument `seq_axis`: expected an int. Received: None")
    sa, ba = _int_arg(sa, "seq_axis"), _int_arg(ba, "batch_axis")
    d = dims(x)
    if d is None:
        if sa < 0 or ba < 0:
            raise NotImplementedError("Negative axes need an input of known rank.")
    else:
        sa, ba = sa % len(d), ba % len(d)
    if sa == ba:
        raise ValueError(f"seq_dim and batch_dim must be different: both are {sa}")
    return ReverseSequence(sa, ba)._build((x, n), name or "ReverseSequence")


__all__ = ["one_hot", "boolean_mask", "sequence_mask", "unique", "unique_with_counts",
           "reverse_sequence"]
