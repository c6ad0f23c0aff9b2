"""Index ops: gather, gather_nd, scatter_nd, tensor_scatter_nd_* (``tf.*``).

Gathers read rows of a (params reshaped to a matrix) at linear row indices; their gradients add
gy's rows back at those indices (duplicates summed) into zeros of params' shape.
"""
from ..core.backend import to_numpy
from ._base import Operation, convert_to_tensor, dims, get_array_module, np
from ._static import _int_arg, _ls, _static_ints


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
        raise TypeError(f"Value passed to parameter '{arg}' has DataType {t.dtype.name} not in "
                        f"list of allowed values: int32, int64 (op: '{op}')")


def _out_of_range(indices, n):
    indices = to_numpy(indices)
    bad = np.argwhere((indices < 0) | (indices >= n))[0]
    pos = ",".join(str(int(i)) for i in bad)
    return ValueError(f"indices[{pos}] = {int(indices[tuple(bad)])} is not in [0, {n})")


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
        gx = GatherGrad(self.axis, self.batch_dims)._build((gy, indices, params), "GatherGrad")
        return gx, None


class GatherGrad(Gather):
    """gy added back into zeros of params' shape at the gathered positions."""
    type = "GatherGrad"

    def forward(self, gy, indices, params):
        xp = get_array_module(gy)
        rows, lin, _ = self._rows(params.shape, indices, xp)
        # gy is laid out (batch, pre-axis, index dims, post-axis): rows in the order of lin
        gx = _scatter_rows(xp, rows[0], lin, gy.reshape(lin.shape[0], rows[1]))
        return gx.reshape(params.shape)

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
            raise NotImplementedError("tf.gather with a negative axis or batch_dims needs params "
                                      "of known rank.")
    else:
        if not -len(dp) <= a < len(dp):
            raise ValueError(f"Shape must be at least rank {a + 1} but is rank {len(dp)} for "
                             f"'{name or 'GatherV2'}' (op: 'GatherV2') with input shapes: "
                             f"{_ls(dp)}, {_ls(di)}.")
        a %= len(dp)
    if a < b:
        raise ValueError(f"batch_dims ({b}) must be less than or equal to axis ({a}).")
    if b and di is not None and b > len(di):
        raise ValueError(f"batch_dims ({b}) must be less than or equal to rank(indices) "
                         f"({len(di)}).")
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
        flat = to_numpy(indices).reshape(-1, k)
        lim = np.array(lead)
        r = int(np.argwhere(((flat < 0) | (flat >= lim)).any(axis=1))[0, 0])
        bad = ", ".join(str(int(v)) for v in flat[r])
        raise ValueError(f"indices[{r}] = [{bad}] does not index into param shape {list(shape)}")
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
        gu = GatherNd(0)._build((g, indices), "GatherNd")
        return (None, gu) + (None,) * (len(self.inputs) - 2)


def gather_nd(params, indices, name=None, batch_dims=0):
    """Slices of ``params`` at the index tuples in the last axis of ``indices`` (``tf.gather_nd``).

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
        raise ValueError(f"index innermost dimension length must be <= params rank; saw: "
                         f"{di[-1]} vs. {len(dp)} for '{name or 'GatherNd'}' (op: 'GatherNd')")
    return GatherNd(b)._build((p, i), name or "GatherNd")


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of ``shape`` plus ``updates`` at the index tuples of ``indices`` (``tf.scatter_nd``).

    Example:
      >>> tf.scatter_nd([[4], [3], [1], [7]], [9, 10, 11, 12], [8]).numpy()
      array([ 0, 11,  0, 10,  9,  0,  0, 12], dtype=int32)
    """
    i = convert_to_tensor(indices)
    _check_index_dtype(i, "ScatterNd")
    u = convert_to_tensor(updates)
    s = _static_ints(shape, "shape")
    if s is None:
        st = convert_to_tensor(shape, dtype=i.dtype)
        return ScatterNd()._build((i, u, st), name or "ScatterNd")
    return ScatterNd(tuple(s))._build((i, u), name or "ScatterNd")


class TensorScatter(Operation):
    """A copy of ``tensor`` with updates written ("update") or added ("add", "sub") at indices."""
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
            gt = TensorScatter("update")._build((gy, indices, zeros_like(updates)),
                                                "TensorScatterUpdate")
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
    """A copy of ``tensor`` with ``updates`` written at ``indices``."""
    return _tensor_scatter("update", tensor, indices, updates, name or "TensorScatterUpdate")


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` added at ``indices`` (``tf.tensor_scatter_nd_add``)."""
    return _tensor_scatter("add", tensor, indices, updates, name or "TensorScatterAdd")


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` subtracted at ``indices``."""
    return _tensor_scatter("sub", tensor, indices, updates, name or "TensorScatterSub")


# one_hot, masks, unique and reverse_sequence live beside this module; re-exported here
from . import select_ops as _select  # noqa: E402
from .select_ops import *  # noqa: E402,F401,F403

__all__ = ["gather", "batch_gather", "gather_nd", "scatter_nd", "tensor_scatter_nd_update",
           "tensor_scatter_nd_add", "tensor_scatter_nd_sub"] + _select.__all__
