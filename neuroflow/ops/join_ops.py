"""Joining and splitting tensors: concat, stack (pack), unstack (unpack), split."""
import builtins

from ..core.tensor import dtype_of_value
from ._base import Operation, Tensor, convert_to_tensor, dims, get_array_module, np
from ._static import _const, _int_arg, _ls
from .fill_ops import zeros_like


def _same_dtype(values, op_type):
    """Converts a list of values; Python numbers take the dtype of the first tensor among them
    (or, with no tensor at all, the dtype of the whole list as one constant: [1, 2.5] is float)."""
    first = next((v for v in values if isinstance(v, Tensor) or hasattr(v, "_as_tensor")), None)
    if first is not None:
        hint = convert_to_tensor(first).dtype
    else:
        try:
            hint = dtype_of_value(list(values))
        except TypeError:
            hint = None
    xs = [convert_to_tensor(v, dtype_hint=hint) for v in values]
    if len({x.dtype for x in xs}) > 1:
        raise TypeError(f"Tensors in list passed to 'values' of '{op_type}' Op have types "
                        f"[{', '.join(x.dtype.name for x in xs)}] that don't all match.")
    return xs


class Concat(Operation):
    type = "ConcatV2"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return get_array_module(xs[0]).concatenate(xs, axis=self.axis)

    def infer(self, *xs):
        ds = [dims(x) for x in xs]
        known = [d for d in ds if d is not None]
        if not known:
            return [(None, xs[0].dtype)]
        n = len(known[0])
        if n == 0:
            raise ValueError("Can't concatenate scalars (use tf.stack instead) for "
                             f"'{self._pending_name}' (op: 'ConcatV2')")
        if not -n <= self.axis < n:
            raise ValueError(f"ConcatOp : Expected concatenating dimensions in the range "
                             f"[{-n}, {n}), but got {self.axis}")
        a = self.axis % n
        out, tot = [None] * n, 0
        for d in ds:
            if d is None:
                tot = None
                continue
            if len(d) != n:
                raise ValueError(f"Shape must be rank {n} but is rank {len(d)} for "
                                 f"'{self._pending_name}' (op: 'ConcatV2') with input shapes: "
                                 + ", ".join(_ls(e) for e in ds) + ".")
            tot = None if tot is None or d[a] is None else tot + d[a]
            for i in builtins.range(n):
                if i == a or d[i] is None:
                    continue
                if out[i] is not None and d[i] != out[i]:
                    raise ValueError(f"Dimension {i} in both shapes must be equal, but are "
                                     f"{out[i]} and {d[i]}. Shapes are {_ls(known[0])} and "
                                     f"{_ls(d)}. for '{self._pending_name}' (op: 'ConcatV2')")
                out[i] = d[i]
        out[a] = tot
        return [(tuple(out), xs[0].dtype)]

    def backward(self, gy):
        xs = self.inputs
        sizes = [(dims(x) or ())[self.axis] if dims(x) is not None else None for x in xs]
        if None not in sizes:  # static split points: plain slices of gy
            return tuple(split(gy, sizes, axis=self.axis, name="concat_grad"))
        return tuple(SliceAlong(self.axis, i)._build((gy,) + tuple(xs), "concat_grad")
                     for i in builtins.range(len(xs)))


class SliceAlong(Operation):
    """The i-th piece of gy along axis, pieces sized like the inputs (concat's gradient)."""
    type = "Slice"

    def __init__(self, axis, i):
        self.axis, self.i = axis, i

    def forward(self, gy, *xs):
        a = self.axis % gy.ndim
        start = sum(x.shape[a] for x in xs[:self.i])
        idx = (builtins.slice(None),) * a + (builtins.slice(start, start + xs[self.i].shape[a]),)
        return gy[idx]

    def infer(self, gy, *xs):
        return [(dims(xs[self.i]), gy.dtype)]

    def backward(self, g):
        xs = self.inputs[1:]
        parts = [g if j == self.i else zeros_like(x, dtype=g.dtype) for j, x in enumerate(xs)]
        return (concat(parts, self.axis),) + (None,) * len(xs)


def concat(values, axis, name="concat"):
    """Concatenates tensors along ``axis`` (``tf.concat``).

    Example:
      >>> tf.concat([tf.zeros([2, 3]), tf.ones([2, 1])], axis=1).shape
      TensorShape([2, 4])
    """
    xs = _same_dtype(list(values), "ConcatV2")
    if not xs:
        raise ValueError("List argument 'values' to 'ConcatV2' Op with length 0 shorter than "
                         "minimum length 1.")
    ax = _int_arg(axis, "axis")
    if len(xs) == 1:
        from .array_ops import identity
        return identity(xs[0], name=name)
    return Concat(ax)._build(tuple(xs), name)


class Stack(Operation):
    type = "Pack"

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return get_array_module(xs[0]).stack(xs, axis=self.axis)

    def infer(self, *xs):
        d = None
        for x in xs:
            e = dims(x)
            if e is None:
                continue
            if d is None:
                d = e
            elif len(d) != len(e) or any(a is not None and b is not None and a != b
                                         for a, b in zip(d, e)):
                what = (f"Shapes must be equal rank, but are {len(d)} and {len(e)}"
                        if len(d) != len(e) else
                        f"Dimensions must be equal, but are {_ls(d)} and {_ls(e)}")
                raise ValueError(f"{what}; From merging shape 0 with other shapes. for "
                                 f"'{self._pending_name}' (op: 'Pack') with input shapes: "
                                 + ", ".join(_ls(dims(t)) for t in xs) + ".")
            else:
                d = tuple(a if a is not None else b for a, b in zip(d, e))
        if d is None:
            return [(None, xs[0].dtype)]
        if not -len(d) - 1 <= self.axis <= len(d):
            raise ValueError(f"Argument `axis` = {self.axis} not in range "
                             f"[{-len(d) - 1}, {len(d) + 1})")
        a = self.axis % (len(d) + 1)
        return [(d[:a] + (len(xs),) + d[a:], xs[0].dtype)]

    def backward(self, gy):
        return tuple(unstack(gy, num=len(self.inputs), axis=self.axis))


def stack(values, axis=0, name="stack"):
    """Stacks tensors of equal shape along a new ``axis`` (``tf.stack``, TF1 ``tf.pack``).

    Example:
      >>> tf.stack([tf.zeros([2]), tf.ones([2])], axis=1).shape
      TensorShape([2, 2])
    """
    xs = _same_dtype(list(values), "Pack")
    if not xs:
        raise ValueError("List argument 'values' to 'Pack' Op with length 0 shorter than minimum "
                         "length 1.")
    return Stack(_int_arg(axis, "axis"))._build(tuple(xs), name)


pack = stack


class Unstack(Operation):
    type = "Unpack"
    multi_output = True

    def __init__(self, axis, num):
        self.axis, self.num = axis, num

    def forward(self, x):
        if x.shape[self.axis] != self.num:
            raise ValueError(f"Input shape axis {self.axis % x.ndim} must equal {self.num}, got "
                             f"shape {list(x.shape)}")
        xp = get_array_module(x)
        return tuple(xp.moveaxis(x, self.axis, 0)) if self.axis else tuple(x)  # views

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, x.dtype)] * self.num
        a = self.axis % len(d)
        return [(d[:a] + d[a + 1:], x.dtype)] * self.num

    def backward(self, *gys):
        return stack(list(gys), axis=self.axis)


def unstack(value, num=None, axis=0, name="unstack"):
    """Splits a tensor into a list along ``axis``, removing it (``tf.unstack``, TF1 ``tf.unpack``).

    Example:
      >>> [t.shape for t in tf.unstack(tf.zeros([2, 3]), axis=1)]
      [TensorShape([2]), TensorShape([2]), TensorShape([2])]
    """
    x = convert_to_tensor(value)
    d = dims(x)
    axis = _int_arg(axis, "axis")
    if d is not None and not -len(d) <= axis < len(d):
        raise ValueError(f"Argument `axis` = {axis} not in range [{-len(d)}, {len(d)})")
    if num is None:
        if d is None or d[axis] is None:
            raise ValueError(f"Cannot infer argument `num` from shape {x.shape}")
        num = d[axis]
    return list(Unstack(axis, int(num))._build((x,), name))


unpack = unstack


class Split(Operation):
    """Pieces of x along axis: ``sizes`` is a list (one may be -1) or an int (equal pieces)."""
    type = "SplitV"
    multi_output = True

    def __init__(self, sizes, axis):
        self.sizes, self.axis = sizes, axis

    def _points(self, n):
        s = self.sizes
        if isinstance(s, int):
            if n % s:
                raise ValueError("Number of ways to split should evenly divide the split "
                                 f"dimension, but got split_dim {self.axis} (size = {n}) and "
                                 f"num_split {s}")
            return s
        known = sum(v for v in s if v != -1)
        if known > n or (-1 not in s and known != n):
            raise ValueError("Determined shape must either match input shape along split_dim "
                             "exactly if fully specified, or be less than the size of the input "
                             f"along split_dim if not fully specified.  Got: {known}")
        if -1 in s:
            s = list(s)
            s[s.index(-1)] = n - known
        return np.cumsum(s[:-1]).tolist()

    def forward(self, x):
        return tuple(get_array_module(x).split(x, self._points(x.shape[self.axis]), axis=self.axis))

    def infer(self, x):
        d = dims(x)
        num = self.sizes if isinstance(self.sizes, int) else len(self.sizes)
        if d is None:
            return [(None, x.dtype)] * num
        if not -len(d) <= self.axis < len(d):
            raise ValueError(f"Invalid value for argument `axis`: expected an int in "
                             f"[{-len(d)}, {len(d)}). Received: axis={self.axis}")
        a, n = self.axis % len(d), d[self.axis]
        if n is None:
            sizes = [None] * num if isinstance(self.sizes, int) else \
                [None if v == -1 else v for v in self.sizes]
        elif isinstance(self.sizes, int):
            self._points(n)
            sizes = [n // num] * num
        else:
            pts = [0] + self._points(n) + [n]
            sizes = [pts[i + 1] - pts[i] for i in builtins.range(num)]
        return [(d[:a] + (s,) + d[a + 1:], x.dtype) for s in sizes]

    def backward(self, *gys):
        return concat(list(gys), self.axis)


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Splits a tensor into pieces along ``axis`` (``tf.split``).

    ``num_or_size_splits`` is a number of equal pieces or a list of sizes (one may be -1).
    Example:
      >>> [t.shape for t in tf.split(tf.zeros([5, 30]), [4, 15, 11], 1)]
      [TensorShape([5, 4]), TensorShape([5, 15]), TensorShape([5, 11])]
    """
    x = convert_to_tensor(value)
    axis = _int_arg(axis, "axis")
    v = num_or_size_splits
    if isinstance(v, Tensor) or hasattr(v, "_as_tensor"):
        v = _const(convert_to_tensor(v))
        if v is None:
            raise NotImplementedError("A symbolic (fed) `num_or_size_splits` is not supported by "
                                      "neuroflow yet; pass a Python int or list.")
    if np.ndim(v) == 0:
        sizes = int(v)
        if sizes <= 0:
            raise ValueError("Invalid value for argument `num_or_size_splits`: expected a "
                             f"positive int. Received: num_or_size_splits={sizes}")
    else:
        sizes = [int(a) for a in np.ravel(v)]
        if sizes.count(-1) > 1 or any(a < -1 for a in sizes):
            raise ValueError("Invalid value for argument `num_or_size_splits`: expected sizes "
                             f">= 0 and at most one -1. Received: num_or_size_splits={sizes}")
    return list(Split(sizes, axis)._build((x,), name))


__all__ = ["concat", "stack", "pack", "unstack", "unpack", "split"]
