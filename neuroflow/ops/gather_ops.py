"""Index ops: gather, gather_nd, scatter_nd, one_hot, boolean_mask, sequence_mask, unique.

Gathers read rows of a (params reshaped to a matrix) at linear row indices; their gradients add
gy's rows back at those indices (duplicates summed) into zeros of params' shape.
"""
import collections

from ._base import Operation, convert_to_tensor, dims, dtypes, get_array_module, np
from ._static import _const, _int_arg, _ls, _static_ints


def _scatter_rows(xp, n, idx, v):
    """zeros((n,) + v.shape[1:]) with the rows of v added at rows idx (repeats summed)."""
    out = xp.zeros((n,) + v.shape[1:], dtype=v.dtype)
    if idx.size == 0:
        return out
    if xp is np:
        # sort + reduceat: several times faster than np.add.at when indices repeat
        order = np.argsort(idx, kind="stable")
        si = idx[order]
        start = np.flatnonzero(np.concatenate(([True], si[1:] != si[:-1])))
        out[si[start]] = np.add.reduceat(v[order], start, axis=0)
    else:  # pragma: no cover - CuPy
        import cupyx
        cupyx.scatter_add(out, idx, v)
    return out


def _check_index_dtype(t, op, arg="indices"):
    if not t.dtype.is_integer:
        raise TypeError(f"Value passed to parameter '{arg}' has DataType {t.dtype.name} not in list of "
                        f"allowed values: int32, int64 (op: '{op}')")


def _out_of_range(indices, n):
    bad = np.argwhere((np.asarray(indices) < 0) | (np.asarray(indices) >= n))[0]
    pos = ",".join(str(int(i)) for i in bad)
    return ValueError(f"indices[{pos}] = {int(np.asarray(indices)[tuple(bad)])} is not in [0, {n})")


def _check_range(xp, indices, n):
    if indices.size and (int(indices.min()) < 0 or int(indices.max()) >= n):
        raise _out_of_range(indices, n)


# ==================================================================== gather
class Gather(Operation):
    """params[..., indices, ...] along axis, with batch_dims leading batch dimensions."""
    type = "GatherV2"

    def __init__(self, axis, batch_dims):
        self.axis, self.batch_dims = axis, batch_dims

    def _rows(self, shape, indices, xp):
        """(params as a row matrix shape, linear row indices, the output shape)."""
        a, b = self.axis, self.batch_dims
        nb, npre, n = int(np.prod(shape[:b])), int(np.prod(shape[b:a])), shape[a]
        q = int(np.prod(shape[a + 1:]))
        ni = int(np.prod(indices.shape[b:]))
        lin = ((xp.arange(nb).reshape(nb, 1, 1) * npre + xp.arange(npre).reshape(1, npre, 1)) * n
               + indices.reshape(nb, 1, ni)).reshape(-1)
        return (nb * npre * n, q), lin, shape[:a] + indices.shape[b:] + shape[a + 1:]

    def forward(self, params, indices):
        xp = get_array_module(params)
        _check_range(xp, indices, params.shape[self.axis])
        if self.batch_dims == 0:
            return xp.take(params, indices, axis=self.axis)
        rows, lin, out = self._rows(params.shape, indices, xp)
        return params.reshape(rows)[lin].reshape(out)

    def infer(self, params, indices):
        dp, di = dims(params), dims(indices)
        if dp is None or di is None:
            return [(None, params.dtype)]
        a, b = self.axis, self.batch_dims
        return [(dp[:a] + di[b:] + dp[a + 1:], params.dtype)]

    def backward(self, gy):
        params, indices = self.inputs
        return GatherGrad(self.axis, self.batch_dims)._build((gy, indices, params), "GatherGrad"), None


class GatherGrad(Gather):
    """gy added back into zeros of params' shape at the gathered positions."""
    type = "GatherGrad"

    def forward(self, gy, indices, params):
        xp = get_array_module(gy)
        rows, lin, _ = self._rows(params.shape, indices, xp)
        # gy is laid out (batch, pre-axis, index dims, post-axis): rows in the order of lin
        return _scatter_rows(xp, rows[0], lin, gy.reshape(lin.shape[0], rows[1])).reshape(params.shape)

    def infer(self, gy, indices, params):
        return [(dims(params), gy.dtype)]

    def backward(self, g):
        gy, indices, params = self.inputs
        return Gather(self.axis, self.batch_dims)._build((g, indices), "GatherV2"), None, None


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """Gathers slices of ``params`` at ``indices`` along ``axis`` (``tf.gather``).

    Example:
      >>> tf.gather(tf.constant([[1, 2], [3, 4], [5, 6]]), [2, 0]).numpy()
      array([[5, 6],
             [1, 2]], dtype=int32)
    """
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    _check_index_dtype(i, "GatherV2")
    dp, di = dims(p), dims(i)
    b = _int_arg(batch_dims, "batch_dims")
    if b < 0:
        if di is None:
            raise NotImplementedError("A negative `batch_dims` needs indices of known rank.")
        b += len(di)
    a = b if axis is None else _int_arg(axis, "axis")
    if dp is None:
        if a < 0 or b:
            raise NotImplementedError("tf.gather with a negative axis or batch_dims needs params of "
                                      "known rank.")
    else:
        if not -len(dp) <= a < len(dp):
            raise ValueError(f"Shape must be at least rank {a + 1} but is rank {len(dp)} for "
                             f"'{name or 'GatherV2'}' (op: 'GatherV2') with input shapes: {_ls(dp)}, "
                             f"{_ls(di)}.")
        a %= len(dp)
    if a < b:
        raise ValueError(f"batch_dims ({b}) must be less than or equal to axis ({a}).")
    if b and di is not None and b > len(di):
        raise ValueError(f"batch_dims ({b}) must be less than or equal to rank(indices) ({len(di)}).")
    return Gather(a, b)._build((p, i), name or "GatherV2")


def batch_gather(params, indices, name=None):
    """``tf.batch_gather``: gather with all leading dims of ``indices`` but the last as batch."""
    i = convert_to_tensor(indices)
    di = dims(i)
    if di is None:
        raise NotImplementedError("tf.batch_gather needs indices of known rank.")
    return gather(params, i, name=name or "batch_gather", batch_dims=len(di) - 1)


# ==================================================================== gather_nd, scatter_nd
def _nd_rows(shape, indices, batch_dims, xp):
    """Linear row indices into ``shape`` viewed as (prod(shape[:b + k]), rest), and k."""
    k = indices.shape[-1]
    b = batch_dims
    lead = shape[b:b + k]
    bad = None
    for j, n in enumerate(lead):
        c = indices[..., j]
        if c.size and (int(c.min()) < 0 or int(c.max()) >= n):
            bad = j
            break
    if bad is not None:
        flat = np.asarray(indices).reshape(-1, k)
        lim = np.array(lead)
        r = int(np.argwhere(((flat < 0) | (flat >= lim)).any(axis=1))[0, 0])
        raise ValueError(f"indices[{r}] = [{', '.join(str(int(v)) for v in flat[r])}] does not index "
                         f"into param shape {list(shape)}")
    lin = xp.zeros(indices.shape[:-1], dtype=np.int64)
    for j, n in enumerate(lead):
        lin = lin * n + indices[..., j]
    if b:
        nb = int(np.prod(shape[:b]))
        lin = lin.reshape(nb, -1) + xp.arange(nb).reshape(nb, 1) * int(np.prod(lead))
    return lin.reshape(-1), int(np.prod(shape[:b + k]))


class GatherNd(Operation):
    """params at the index tuples in the last axis of indices."""
    type = "GatherNd"

    def __init__(self, batch_dims):
        self.batch_dims = batch_dims

    def forward(self, params, indices):
        xp = get_array_module(params)
        lin, m = _nd_rows(params.shape, indices, self.batch_dims, xp)
        rest = params.shape[self.batch_dims + indices.shape[-1]:]
        return params.reshape((m,) + rest)[lin].reshape(indices.shape[:-1] + rest)

    def infer(self, params, indices):
        dp, di = dims(params), dims(indices)
        if dp is None or di is None or di[-1] is None:
            return [(None, params.dtype)]
        return [(di[:-1] + dp[self.batch_dims + di[-1]:], params.dtype)]

    def backward(self, gy):
        params, indices = self.inputs
        return ScatterNdLike(self.batch_dims)._build((indices, gy, params), "GatherNdGrad"), None


class ScatterNdLike(Operation):
    """updates added into zeros shaped like ``like`` at index tuples (gather_nd's gradient)."""
    type = "ScatterNd"

    def __init__(self, batch_dims=0):
        self.batch_dims = batch_dims

    def forward(self, indices, updates, like):
        return self._scatter(indices, updates, like.shape)

    def _scatter(self, indices, updates, shape):
        xp = get_array_module(updates)
        lin, m = _nd_rows(shape, indices, self.batch_dims, xp)
        rest = shape[self.batch_dims + indices.shape[-1]:]
        return _scatter_rows(xp, m, lin, updates.reshape((-1,) + rest)).reshape(shape)

    def infer(self, indices, updates, like):
        return [(dims(like), updates.dtype)]

    def backward(self, g):
        indices = self.inputs[0]
        return None, GatherNd(self.batch_dims)._build((g, indices), "GatherNd"), None


class ScatterNd(ScatterNdLike):
    """updates added into zeros of a static shape (or a shape given as the third input)."""

    def __init__(self, shape=None):
        super().__init__(0)
        self.shape = shape

    def forward(self, indices, updates, *s):
        return self._scatter(indices, updates, self.shape if not s else tuple(s[0].tolist()))

    def infer(self, indices, updates, *s):
        from ._static import _dims_of, _partial_shape
        return [(self.shape if not s else _dims_of(_partial_shape(s[0])), updates.dtype)]

    def backward(self, g):
        indices = self.inputs[0]
        return (None, GatherNd(0)._build((g, indices), "GatherNd")) + (None,) * (len(self.inputs) - 2)


def gather_nd(params, indices, name=None, batch_dims=0):
    """Gathers slices of ``params`` at the index tuples in ``indices``' last axis (``tf.gather_nd``).

    Example:
      >>> tf.gather_nd(tf.constant([[1, 2], [3, 4]]), [[0, 1], [1, 0]]).numpy()
      array([2, 3], dtype=int32)
    """
    p = convert_to_tensor(params)
    i = convert_to_tensor(indices)
    _check_index_dtype(i, "GatherNd")
    dp, di = dims(p), dims(i)
    b = _int_arg(batch_dims, "batch_dims")
    if di is not None and not di:
        raise ValueError("indices must be at least a vector for 'GatherNd'")
    if dp is not None and di is not None and di[-1] is not None and b + di[-1] > len(dp):
        raise ValueError(f"index innermost dimension length must be <= params rank; saw: {di[-1]} vs. "
                         f"{len(dp)} for '{name or 'GatherNd'}' (op: 'GatherNd')")
    return GatherNd(b)._build((p, i), name or "GatherNd")


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of ``shape`` with ``updates`` added at the index tuples of ``indices`` (``tf.scatter_nd``).

    Example:
      >>> tf.scatter_nd([[4], [3], [1], [7]], [9, 10, 11, 12], [8]).numpy()
      array([ 0, 11,  0, 10,  9,  0,  0, 12], dtype=int32)
    """
    i = convert_to_tensor(indices)
    _check_index_dtype(i, "ScatterNd")
    u = convert_to_tensor(updates)
    s = _static_ints(shape, "shape")
    if s is None:
        return ScatterNd()._build((i, u, convert_to_tensor(shape, dtype=i.dtype)), name or "ScatterNd")
    return ScatterNd(tuple(s))._build((i, u), name or "ScatterNd")


class TensorScatter(Operation):
    """A copy of ``tensor`` with updates written ("update") or added ("add"/"sub") at index tuples."""
    type = "TensorScatterUpdate"

    def __init__(self, mode):
        self.mode = mode
        self.type = {"update": "TensorScatterUpdate", "add": "TensorScatterAdd",
                     "sub": "TensorScatterSub"}[mode]

    def forward(self, tensor, indices, updates):
        xp = get_array_module(tensor)
        lin, m = _nd_rows(tensor.shape, indices, 0, xp)
        rest = tensor.shape[indices.shape[-1]:]
        rows = updates.reshape((-1,) + rest)
        y = tensor.copy()
        flat = y.reshape((m,) + rest)
        if self.mode == "update":
            flat[lin] = rows
        else:
            flat += _scatter_rows(xp, m, lin, -rows if self.mode == "sub" else rows)
        return y

    def infer(self, tensor, indices, updates):
        return [(dims(tensor), tensor.dtype)]

    def backward(self, gy):
        tensor, indices, updates = self.inputs
        gu = GatherNd(0)._build((gy, indices), "GatherNd")
        if self.mode == "update":
            from .fill_ops import zeros_like
            gt = TensorScatter("update")._build((gy, indices, zeros_like(updates)), "TensorScatterUpdate")
        else:
            gt = gy
        if self.mode == "sub":
            from .math_ops import negative
            gu = negative(gu)
        return gt, None, gu


def _tensor_scatter(mode, tensor, indices, updates, name):
    t = convert_to_tensor(tensor)
    i = convert_to_tensor(indices)
    _check_index_dtype(i, "TensorScatterUpdate")
    u = convert_to_tensor(updates, dtype_hint=t.dtype)
    return TensorScatter(mode)._build((t, i, u), name)


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` written at ``indices`` (``tf.tensor_scatter_nd_update``)."""
    return _tensor_scatter("update", tensor, indices, updates, name or "TensorScatterUpdate")


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` added at ``indices`` (``tf.tensor_scatter_nd_add``)."""
    return _tensor_scatter("add", tensor, indices, updates, name or "TensorScatterAdd")


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` subtracted at ``indices``."""
    return _tensor_scatter("sub", tensor, indices, updates, name or "TensorScatterSub")


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
        return hit.astype(self.dtype._np) if self.plain else xp.where(hit, self.on, self.off)

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
        raise TypeError(f"Value passed to parameter 'indices' has DataType {i.dtype.name} not in list "
                        "of allowed values: uint8, int32, int64")
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
        if len(seg) != k or any(p is not None and q is not None and p != q for p, q in zip(seg, dm)):
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
        raise TypeError(f"Invalid value for argument `mask`: expected a bool tensor. Received a tensor "
                        f"of dtype {m.dtype.name}")
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
        raise ValueError(f"Invalid value for argument `maxlen`: expected a scalar. Received: {maxlen}")
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
        vals, first, inv, cnt = xp.unique(x, return_index=True, return_inverse=True, return_counts=True)
        order = xp.argsort(first)  # np.unique sorts by value; TF keeps first-appearance order
        pos = xp.empty_like(order)
        pos[order] = xp.arange(order.size)
        out = (vals[order], pos[inv.reshape(-1)].astype(self.out_idx._np))
        return out + (cnt[order].astype(self.out_idx._np),) if self.counts else out

    def infer(self, x):
        d = dims(x)
        if d is not None and len(d) != 1:
            raise ValueError(f"unique expects a 1D vector. for '{self._pending_name}' (op: 'Unique') "
                             f"with input shapes: {_ls(d)}.")
        out = [((None,), x.dtype), ((None,) if d is None else d, self.out_idx)]
        return out + [((None,), self.out_idx)] if self.counts else out


def unique(x, out_idx=dtypes.int32, name=None):
    """The distinct values of a 1-D tensor and, per entry, its position among them (``tf.unique``).

    Example:
      >>> y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
      >>> y.numpy(), idx.numpy()
      (array([1, 2, 4, 7, 8], dtype=int32), array([0, 0, 1, 2, 2, 2, 3, 4, 4], dtype=int32))
    """
    outs = UniqueOp(dtypes.as_dtype(out_idx), False)._build((convert_to_tensor(x),), name or "Unique")
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


__all__ = ["gather", "batch_gather", "gather_nd", "scatter_nd", "tensor_scatter_nd_update",
           "tensor_scatter_nd_add", "tensor_scatter_nd_sub", "one_hot", "boolean_mask",
           "sequence_mask", "unique", "unique_with_counts", "reverse_sequence"]
