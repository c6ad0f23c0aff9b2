"""Slicing: ``t[...]`` (ints, slices, newaxis, Ellipsis), ``tf.strided_slice`` and ``tf.slice``.

One op, ``GetItem``, holds a NumPy basic-indexing key (so the result is a view). Entries known
only at run time (a fed scalar index, a tensor ``begin``) are markers resolved against extra
inputs. Its gradient writes gy into zeros of x's shape at the same key.
"""
import builtins

from ._base import Operation, Tensor, convert_to_tensor, dims, get_array_module, np
from ._static import _const, _ls, _static_ints


class _Arg:
    """A key entry read at run time: extra input j (element i of it when i is not None)."""
    __slots__ = ("j", "i")

    def __init__(self, j, i=None):
        self.j, self.i = j, i

    def get(self, vs):
        v = vs[self.j]
        return int(v if self.i is None else v[self.i])


class _SliceEnd:
    """tf.slice's end at run time: begin[i] + size[i], or to the end for size -1."""
    __slots__ = ("jb", "js", "i")

    def __init__(self, jb, js, i):
        self.jb, self.js, self.i = jb, js, i

    def get(self, vs):
        s = int(vs[self.js][self.i])
        return None if s == -1 else int(vs[self.jb][self.i]) + s


_MARKERS = (_Arg, _SliceEnd)
_BAD_INDEX = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
              "tf.int32/tf.int64 tensors are valid indices, got ")


def _val(v, vs):
    return v.get(vs) if isinstance(v, _MARKERS) else v


def _resolve(key, vs):
    return tuple(builtins.slice(_val(k.start, vs), _val(k.stop, vs), _val(k.step, vs))
                 if isinstance(k, builtins.slice) else _val(k, vs) for k in key)


class GetItem(Operation):
    """x[key] with basic indexing (a view); markers in key read the extra inputs."""
    type = "StridedSlice"

    def __init__(self, key):
        self.key = key

    def forward(self, x, *vs):
        return x[self.key] if not vs else x[_resolve(self.key, vs)]

    def infer(self, x, *vs):
        d = dims(x)
        if d is None:
            return [(None, x.dtype)]
        out, i = [], 0
        n_real = sum(1 for k in self.key if k is not None and k is not Ellipsis)
        if n_real > len(d):
            raise ValueError(f"Index out of range using input dim {len(d)}; input has only "
                             f"{len(d)} dims for '{self._pending_name}' (op: 'StridedSlice') "
                             f"with input shapes: {_ls(d)}.")
        for k in self.key:
            if k is Ellipsis:
                out.extend(d[i:i + len(d) - n_real])
                i += len(d) - n_real
            elif k is None:
                out.append(1)
            elif isinstance(k, builtins.slice):
                n = d[i]
                dyn = any(isinstance(v, _MARKERS) for v in (k.start, k.stop, k.step))
                out.append(None if n is None or dyn else len(builtins.range(*k.indices(n))))
                i += 1
            else:
                if not isinstance(k, _MARKERS) and d[i] is not None and not -d[i] <= k < d[i]:
                    raise ValueError(f"slice index {k} of dimension {i} out of bounds. for "
                                     f"'{self._pending_name}' (op: 'StridedSlice') with input "
                                     f"shapes: {_ls(d)}.")
                i += 1
        return [(tuple(out), x.dtype)]

    def backward(self, gy):
        x, vs = self.inputs[0], self.inputs[1:]
        return (GetItemGrad(self.key)._build((gy, x) + vs, "StridedSliceGrad"),) + (None,) * len(vs)


class GetItemGrad(Operation):
    """gy written into zeros of x's shape at key (the gradient of GetItem)."""
    type = "StridedSliceGrad"

    def __init__(self, key):
        self.key = key

    def forward(self, gy, x, *vs):
        gx = get_array_module(gy).zeros(x.shape, dtype=gy.dtype)
        gx[self.key if not vs else _resolve(self.key, vs)] = gy
        return gx

    def infer(self, gy, x, *vs):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        vs = self.inputs[2:]
        return (GetItem(self.key)._build((g,) + vs, "StridedSlice"), None) + (None,) * len(vs)


def _slice_key(x, key, vs, name=None):
    """A GetItem on x; Ellipsis is appended so that an all-int key still gives a (0-d) array."""
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise ValueError("Multiple ellipses in slice spec not allowed")
    if Ellipsis not in key:
        key = key + (Ellipsis,)
    return GetItem(key)._build((x,) + tuple(vs), name or "strided_slice")


def _scalar_index(item, vs, what):
    """An int, or a marker for a symbolic scalar integer tensor (appended to vs)."""
    if isinstance(item, Tensor) or hasattr(item, "_as_tensor"):
        t = convert_to_tensor(item)
        v = _const(t)
        if v is not None:
            return _index_int(v, what)
        if not t.dtype.is_integer or dims(t) not in ((), None):
            raise TypeError(f"{_BAD_INDEX}{t}")
        vs.append(t)
        return _Arg(len(vs) - 1)
    return _index_int(item, what)


def _index_int(v, what):
    if isinstance(v, (bool, np.bool_)) or np.ndim(v) != 0 or not np.issubdtype(np.asarray(v).dtype,
                                                                               np.integer):
        raise TypeError(f"{_BAD_INDEX}{v!r}")
    return int(v)


def _getitem(x, key):
    """``tensor[key]`` (TF strided slicing; a lone int list/tensor gathers, a bool one masks)."""
    x = convert_to_tensor(x)
    k = key if isinstance(key, tuple) else (key,)
    if len(k) == 1 and _is_array_index(k[0]):
        idx = k[0]
        t = convert_to_tensor(idx)
        if t.dtype.is_bool:
            from .gather_ops import boolean_mask
            return boolean_mask(x, t)
        from .gather_ops import gather
        return gather(x, t)
    norm, vs = [], []
    for item in k:
        if item is None or item is Ellipsis:
            norm.append(item)
        elif isinstance(item, builtins.slice):
            norm.append(builtins.slice(*[None if v is None else _scalar_index(v, vs, "slice")
                                         for v in (item.start, item.stop, item.step)]))
        else:
            if _is_array_index(item):
                raise TypeError(f"{_BAD_INDEX}{item!r}. Use tf.gather or tf.gather_nd for lists "
                                "of indices.")
            norm.append(_scalar_index(item, vs, "index"))
    for s in norm:
        if isinstance(s, builtins.slice) and s.step == 0:
            raise ValueError("slice step cannot be zero")
    return _slice_key(x, tuple(norm), vs)


def _is_array_index(item):
    """A list/array/tensor index with at least one dimension (not an int, slice, None or ...)."""
    if isinstance(item, (list, np.ndarray)):
        return np.ndim(item) > 0
    if isinstance(item, Tensor) or hasattr(item, "_as_tensor"):
        d = dims(convert_to_tensor(item))
        return d is not None and len(d) > 0
    return False


def _vector(v, what, vs):
    """Python ints of a 1-D argument, with markers for a symbolic tensor (appended to vs)."""
    s = _static_ints(v, what)
    if s is not None:
        return s, None
    t = convert_to_tensor(v)
    d = dims(t)
    if d is None or len(d) != 1 or d[0] is None:
        raise NotImplementedError(f"A symbolic `{what}` of unknown length is not supported by "
                                  "neuroflow yet.")
    vs.append(t)
    return [_Arg(len(vs) - 1, i) for i in builtins.range(d[0])], len(vs) - 1


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0,
                  new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """Python-style slicing with explicit begin/end/strides and bit masks (``tf.strided_slice``).

    Example:
      >>> x = tf.reshape(tf.range(12), [3, 4])
      >>> tf.strided_slice(x, [0, 1], [3, 4], [2, 2]).numpy()
      array([[ 1,  3],
             [ 9, 11]], dtype=int32)
    """
    x = convert_to_tensor(input_)
    vs = []
    b, _ = _vector(begin, "begin", vs)
    e, _ = _vector(end, "end", vs)
    s = [1] * len(b) if strides is None else _vector(strides, "strides", vs)[0]
    if not len(b) == len(e) == len(s):
        raise ValueError(f"Expected begin, end, and strides to be 1D equal size tensors, but got "
                         f"shapes [{len(b)}], [{len(e)}], and [{len(s)}] instead.")
    key = []
    for i in builtins.range(len(b)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b[i])
        else:
            key.append(builtins.slice(None if begin_mask & bit else b[i],
                                      None if end_mask & bit else e[i], s[i]))
    if any(isinstance(k, builtins.slice) and k.step == 0 for k in key):
        raise ValueError("strides[i] must be non-zero")
    return _slice_key(x, tuple(key), vs, name)


def slice(input_, begin, size, name=None):  # noqa: A001 - TF's name
    """The block of ``size`` starting at ``begin``; a size of -1 takes the rest (``tf.slice``).

    Example:
      >>> tf.slice(tf.reshape(tf.range(12), [3, 4]), [1, 0], [2, -1]).shape
      TensorShape([2, 4])
    """
    x = convert_to_tensor(input_)
    vs = []
    b, jb = _vector(begin, "begin", vs)
    s, js = _vector(size, "size", vs)
    if len(b) != len(s):
        raise ValueError(f"Expected begin and size arguments to be 1-D tensors of size {len(b)}, "
                         f"but got shapes [{len(b)}] and [{len(s)}] instead.")
    d = dims(x)
    if d is not None and len(d) != len(b):
        raise ValueError(f"Expected begin argument to be a vector of length {len(d)}, but got "
                         f"length {len(b)}")
    key = []
    for i, (bi, si) in enumerate(zip(b, s)):
        if isinstance(si, _Arg) or isinstance(bi, _Arg):
            if jb is None:
                vs.append(convert_to_tensor(b))
                jb = len(vs) - 1
            if js is None:
                vs.append(convert_to_tensor(s))
                js = len(vs) - 1
            key.append(builtins.slice(_Arg(jb, i), _SliceEnd(jb, js, i)))
            continue
        n = None if d is None else d[i]
        if bi < 0:
            raise ValueError(f"Expected begin[{i}] >= 0, but got {bi}")
        if (n is not None and (bi > n or (si != -1 and bi + si > n))) or si < -1:
            raise ValueError(f"Expected size[{i}] in [0, {'?' if n is None else n - bi}], but got "
                             f"{si}")
        key.append(builtins.slice(bi, None if si == -1 else bi + si))
    return _slice_key(x, tuple(key), vs, name or "Slice")


__all__ = ["slice", "strided_slice"]
