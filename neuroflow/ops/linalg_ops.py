"""Linear algebra: tensordot, einsum, norm, matrix transpose/inverse/determinant, diagonals, band
part, trace (``tf.linalg.*`` and their TF1 top-level names; ``eye`` lives in ``fill_ops``)."""
import string

from ..core.errors import InvalidArgumentError
from ..core.shape import broadcast_dims
from ._base import (Operation, binary_inputs, check_same_dtype, convert_to_tensor, dims, dtypes,
                    get_array_module, np, sum_to_like)
from . import reduce_ops
from .math_ops import _ls, abs, matmul, pow, sqrt, square


# ==================================================================== tensordot
def _tensordot_axes(axes, ra, rb):
    """(a_axes, b_axes) as non-negative int lists from TF's ``axes`` argument."""
    if isinstance(axes, (int, np.integer)) or (hasattr(axes, "ndim") and np.ndim(axes) == 0):
        n = int(axes)
        if n < 0 or n > ra or n > rb:
            raise ValueError(f"'axes' must be at most the rank of a ({ra}) and b ({rb}) and "
                             f"non-negative, got {n}.")
        return list(range(ra - n, ra)), list(range(n))
    axes = [a.tolist() if hasattr(a, "tolist") else a for a in axes]
    if len(axes) != 2:
        raise ValueError(f"'axes' must be an integer or have length 2, got {axes}.")
    aa, bb = ([a] if isinstance(a, int) else list(a) for a in axes)
    if len(aa) != len(bb):
        raise ValueError(f"Different number of contraction axes 'a' and 'b', {len(aa)} != "
                         f"{len(bb)}.")
    return [int(a) % ra for a in aa], [int(b) % rb for b in bb]


class Tensordot(Operation):
    """Sum over the paired axes of a and b; the free axes of a come first, then those of b."""
    type = "Tensordot"

    def __init__(self, a_axes, b_axes):
        self.a_axes, self.b_axes = a_axes, b_axes

    def forward(self, a, b):
        return get_array_module(a).tensordot(a, b, (self.a_axes, self.b_axes))

    def infer(self, a, b):
        da, db = dims(a), dims(b)
        for i, j in zip(self.a_axes, self.b_axes):
            if da[i] is not None and db[j] is not None and da[i] != db[j]:
                raise ValueError(f"Dimensions must be equal, but are {da[i]} and {db[j]} for "
                                 f"'{self._pending_name}' (op: 'Tensordot') with input shapes: "
                                 f"{_ls(da)}, {_ls(db)}.")
        fa = tuple(d for i, d in enumerate(da) if i not in self.a_axes)
        fb = tuple(d for i, d in enumerate(db) if i not in self.b_axes)
        return [(fa + fb, a.dtype)]

    def backward(self, gy):
        from .array_ops import transpose
        a, b = self.inputs
        ra, rb = len(dims(a)), len(dims(b))
        free_a = [i for i in range(ra) if i not in self.a_axes]
        free_b = [i for i in range(rb) if i not in self.b_axes]
        na = len(free_a)
        # gy[free_a, free_b] . b[contracted, free_b] -> axes free_a + contracted b axes (sorted)
        ga = Tensordot(list(range(na, na + len(free_b))), free_b)._build((gy, b), "Tensordot")
        cb = sorted(self.b_axes)
        order = free_a + [self.a_axes[self.b_axes.index(j)] for j in cb]
        ga = transpose(ga, [int(i) for i in np.argsort(order)])
        gb = Tensordot(free_a, list(range(na)))._build((a, gy), "Tensordot")
        ca = sorted(self.a_axes)
        order = [self.b_axes[self.a_axes.index(i)] for i in ca] + free_b
        gb = transpose(gb, [int(i) for i in np.argsort(order)])
        return ga, gb


def tensordot(a, b, axes, name=None):
    """Tensor contraction of a and b over ``axes`` (``tf.tensordot``).

    ``axes`` is N (the last N axes of a with the first N of b) or a pair of axis lists.

    Example:
      >>> tf.tensordot(tf.ones([2, 3]), tf.ones([3, 4]), axes=1).shape
      TensorShape([2, 4])
    """
    a, b = binary_inputs(a, b)
    check_same_dtype("Tensordot", a, b, "a", "b")
    da, db = dims(a), dims(b)
    if da is None or db is None:
        raise NotImplementedError("tf.tensordot on tensors of unknown rank is not supported by "
                                  "neuroflow yet; give the placeholders a shape.")
    if hasattr(axes, "_value"):
        axes = convert_to_tensor(axes)._value
    aa, bb = _tensordot_axes(axes, len(da), len(db))
    return _build_checked(Tensordot(aa, bb), (a, b), name or "Tensordot")


def _build_checked(op, inputs, name):
    """Builds op; an eager failure is re-raised with the TF message that infer gives."""
    try:
        return op._build(inputs, name)
    except ValueError:
        op.infer(*inputs)  # eager mode skips infer: let it name the op and shapes
        raise


# ==================================================================== einsum
def _parse_einsum(equation, n):
    """Input subscripts and (explicit) output subscripts; ``...`` kept as is."""
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->")
    else:
        lhs = eq
        letters = lhs.replace("...", "").replace(",", "")
        out = ("..." if "..." in lhs else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    ins = lhs.split(",")
    if len(ins) != n:
        raise ValueError(f"Invalid value for argument `equation`: expected {len(ins)} inputs for "
                         f"'{equation}'. Received: {n} inputs")
    for s in ins + [out]:
        bad = set(s.replace("...", "")) - set(string.ascii_letters)
        if bad:
            raise ValueError(f"Invalid value for argument `equation`: subscripts must be letters. "
                             f"Received: equation='{equation}'")
    return ins, out


class Einsum(Operation):
    """Einstein summation over the inputs (NumPy's einsum)."""
    type = "Einsum"

    def __init__(self, equation, ins, out):
        self.equation, self.ins, self.out = equation, ins, out

    def forward(self, *xs):
        # optimize: contractions of two or more operands go through BLAS (tensordot)
        return get_array_module(xs[0]).einsum(self.equation, *xs, optimize=len(xs) > 1)

    def infer(self, *xs):
        sizes, ell = {}, ()
        for s, x in zip(self.ins, xs):
            d = dims(x)
            if d is None:
                return [(None, xs[0].dtype)]
            head, _, tail = s.partition("...")
            if "..." in s:
                n_ell = len(d) - len(head) - len(tail)
                ell = broadcast_dims(ell, d[len(head):len(head) + n_ell])
                letters = list(zip(head, d[:len(head)])) + list(zip(tail, d[len(d) - len(tail):]))
            else:
                if len(s) != len(d):
                    raise ValueError(f"Expected {len(s)} dimensions for the subscripts '{s}' of "
                                     f"'{self._pending_name}' (op: 'Einsum'), got shape {_ls(d)}")
                letters = zip(s, d)
            for c, v in letters:
                if v is not None and sizes.get(c) not in (None, v):
                    raise ValueError(f"Expected dimension {sizes[c]} at axis '{c}' of "
                                     f"'{self._pending_name}' (op: 'Einsum'), got {v}")
                if v is not None:
                    sizes[c] = v
                else:
                    sizes.setdefault(c, None)
        head, _, tail = self.out.partition("...")
        shape = tuple(sizes.get(c) for c in head) + (ell if "..." in self.out else ()) + \
            tuple(sizes.get(c) for c in tail)
        return [(shape, xs[0].dtype)]

    def backward(self, gy):
        from .array_ops import ones_like
        grads = []
        for i, x in enumerate(self.inputs):
            s = self.ins[i]
            letters = s.replace("...", "")
            if len(set(letters)) != len(letters):
                raise NotImplementedError(f"The gradient of einsum '{self.equation}' (repeated "
                                          f"subscripts in '{s}') is not supported by neuroflow "
                                          "yet.")
            others = [self.ins[j] for j in range(len(self.ins)) if j != i]
            ops = [gy] + [self.inputs[j] for j in range(len(self.ins)) if j != i]
            seen = set(self.out.replace("...", "")).union(*[set(o) for o in others])
            if set(letters) - seen:  # letters summed away in x alone: ones supply their sizes
                others.append(s)
                ops.append(ones_like(x))
            eq = ",".join([self.out] + others) + "->" + s
            g = Einsum(eq, [self.out] + others, s)._build(tuple(ops), "Einsum")
            grads.append(sum_to_like(g, x) if "..." in s else g)
        return tuple(grads)


def einsum(equation, *inputs, **kwargs):
    """Einstein summation (``tf.einsum``), e.g. ``'ij,jk->ik'`` is a matrix product.

    Example:
      >>> tf.einsum('ij,j->i', [[1.0, 2.0]], [3.0, 4.0]).numpy()
      array([11.], dtype=float32)
    """
    name = kwargs.pop("name", None)
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(f"Invalid keyword arguments for einsum: {sorted(kwargs)}")
    if not inputs:
        raise ValueError("Invalid value for argument `inputs`: expected at least one tensor. "
                         "Received: no inputs")
    xs = [convert_to_tensor(inputs[0])]
    xs += [convert_to_tensor(x, dtype_hint=xs[0].dtype) for x in inputs[1:]]
    for x in xs[1:]:
        check_same_dtype("Einsum", xs[0], x, "inputs", "inputs")
    ins, out = _parse_einsum(equation, len(xs))
    return _build_checked(Einsum(equation.replace(" ", ""), ins, out), tuple(xs),
                          name or "einsum")


# ==================================================================== norms
def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None,  # noqa: A002
         keep_dims=None):
    """Vector or matrix norm (``tf.norm``).

    ``ord``: 'euclidean', 'fro', 1, 2, np.inf or any p > 0 for vectors; 'fro'/'euclidean', 1 and
    np.inf for matrices (``axis`` a pair).

    Example:
      >>> tf.norm([3.0, 4.0]).numpy()
      5.0
    """
    x = convert_to_tensor(tensor)
    if keep_dims is not None:
        keepdims = keep_dims
    keepdims = bool(keepdims)
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    matrix = isinstance(axis, (list, tuple))
    if matrix and len(axis) != 2:
        raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got "
                         f"{axis}")
    rsum, rmax = reduce_ops.reduce_sum, reduce_ops.reduce_max
    if ord in ("euclidean", "fro") or (ord == 2 and not matrix):
        if ord == "fro" and not matrix:
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
        y = sqrt(rsum(square(x), axis, keepdims=keepdims))
    elif not matrix:
        if not isinstance(ord, (int, float)) or ord <= 0:
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
        if ord == np.inf:
            y = rmax(abs(x), axis, keepdims=keepdims)
        elif ord == 1:
            y = rsum(abs(x), axis, keepdims=keepdims)
        else:
            y = pow(rsum(pow(abs(x), float(ord)), axis, keepdims=keepdims), 1.0 / ord)
    elif ord in (1, np.inf):
        # 1: largest column sum of |x| (sum over rows first); inf: largest row sum
        a0, a1 = axis if ord == 1 else axis[::-1]
        y = rmax(rsum(abs(x), a0, keepdims=True), a1, keepdims=True)
        if not keepdims:
            from .array_ops import squeeze
            y = squeeze(y, list(axis))
    else:
        raise NotImplementedError(f"tf.norm with ord={ord!r} over a matrix is not supported by "
                                  "neuroflow yet; use 'fro', 1 or np.inf.")
    if name:
        from .array_ops import identity
        y = identity(y, name=name)
    return y


# ==================================================================== matrices
class MatrixTranspose(Operation):
    """Swaps the last two dimensions."""
    type = "MatrixTranspose"

    def forward(self, x):
        return x.swapaxes(-1, -2)

    def infer(self, x):
        d = dims(x)
        return [(None if d is None else d[:-2] + (d[-1], d[-2]), x.dtype)]

    def backward(self, gy):
        return MatrixTranspose()._build((gy,), "transpose")


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Transposes the last two dimensions of ``a`` (``tf.linalg.transpose``)."""
    x = convert_to_tensor(a)
    d = dims(x)
    if d is not None and len(d) < 2:
        raise ValueError(f"Argument 'a' should be a (batch) matrix, with rank >= 2.  Found: "
                         f"{x.shape}")
    return MatrixTranspose()._build((x,), name)


class MatrixInverse(Operation):
    type = "MatrixInverse"

    def forward(self, x):
        xp = get_array_module(x)
        try:
            return xp.linalg.inv(x)
        except np.linalg.LinAlgError:  # CuPy raises NumPy's class too
            raise InvalidArgumentError(None, None, "Input is not invertible. [Op:MatrixInverse]") \
                from None

    def backward(self, gy):
        y = self.outputs[0]
        return -matmul(y, matmul(gy, y, transpose_b=True), transpose_a=True)


def matrix_inverse(input, adjoint=False, name=None):  # noqa: A002
    """The inverse of each square matrix in the last two dims (``tf.linalg.inv``)."""
    x = _square(input, "MatrixInverse")
    if adjoint:
        x = matrix_transpose(x)
    return MatrixInverse()._build((x,), name or "MatrixInverse")


class MatrixDeterminant(Operation):
    type = "MatrixDeterminant"

    def forward(self, x):
        return get_array_module(x).linalg.det(x)

    def infer(self, x):
        d = dims(x)
        return [(None if d is None else d[:-2], x.dtype)]

    def backward(self, gy):
        # d det(x) / dx = det(x) * inv(x)^T
        from .array_ops import expand_dims
        x, y = self.inputs[0], self.outputs[0]
        g = expand_dims(expand_dims(gy * y, -1), -1)
        return g * matrix_transpose(matrix_inverse(x))


def matrix_determinant(input, name=None):  # noqa: A002
    """The determinant of each square matrix in the last two dims (``tf.linalg.det``)."""
    return MatrixDeterminant()._build((_square(input, "MatrixDeterminant"),),
                                      name or "MatrixDeterminant")


def _square(x, op):
    x = convert_to_tensor(x)
    d = dims(x)
    if d is not None and (len(d) < 2 or None not in d[-2:] and d[-1] != d[-2]):
        raise ValueError(f"Input matrix must be square (op: '{op}'), got shape {_ls(d)}")
    if not x.dtype.is_floating:
        raise TypeError(f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed "
                        f"values for '{op}': half, float, double, complex64, complex128")
    return x


class MatrixDiagPart(Operation):
    """The main diagonal of each matrix in the last two dims."""
    type = "MatrixDiagPart"

    def forward(self, x):
        return x.diagonal(axis1=-2, axis2=-1).copy()

    def infer(self, x):
        d = dims(x)
        if d is None:
            return [(None, x.dtype)]
        k = None if None in d[-2:] else min(d[-2:])
        return [(d[:-2] + (k,), x.dtype)]

    def backward(self, gy):
        return MatrixSetDiagZeros()._build((gy, self.inputs[0]), "MatrixDiag")


class MatrixSetDiagZeros(Operation):
    """A zero tensor shaped like x with d on the main diagonal of its last two dims."""
    type = "MatrixDiag"

    def forward(self, d, x):
        xp = get_array_module(d)
        y = xp.zeros(x.shape, dtype=d.dtype)
        i = xp.arange(d.shape[-1])
        y[..., i, i] = d
        return y

    def infer(self, d, x):
        return [(dims(x), d.dtype)]

    def backward(self, gy):
        return MatrixDiagPart()._build((gy,), "MatrixDiagPart"), None


class MatrixDiag(Operation):
    """Square matrices with the last dimension of x on their diagonal."""
    type = "MatrixDiag"

    def forward(self, x):
        xp = get_array_module(x)
        n = x.shape[-1]
        y = xp.zeros(x.shape + (n,), dtype=x.dtype)
        i = xp.arange(n)
        y[..., i, i] = x
        return y

    def infer(self, x):
        d = dims(x)
        return [(None if d is None else d + (d[-1],), x.dtype)]

    def backward(self, gy):
        return MatrixDiagPart()._build((gy,), "MatrixDiagPart")


def matrix_diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
                align="RIGHT_LEFT"):
    """Batched diagonal matrices from the last dimension of ``diagonal`` (``tf.linalg.diag``)."""
    if k != 0 or num_rows != -1 or num_cols != -1 or padding_value != 0:
        raise NotImplementedError("tf.linalg.diag with `k`, `num_rows`, `num_cols` or "
                                  "`padding_value` is not supported by neuroflow yet.")
    return MatrixDiag()._build((convert_to_tensor(diagonal),), name)


def matrix_diag_part(input, name="diag_part", k=0, padding_value=0,  # noqa: A002
                     align="RIGHT_LEFT"):
    """The main diagonal of each matrix in the last two dims (``tf.linalg.diag_part``)."""
    if k != 0 or padding_value != 0:
        raise NotImplementedError("tf.linalg.diag_part with `k` or `padding_value` is not "
                                  "supported by neuroflow yet.")
    x = convert_to_tensor(input)
    d = dims(x)
    if d is not None and len(d) < 2:
        raise ValueError(f"Input must be at least rank 2, got shape {_ls(d)}")
    return MatrixDiagPart()._build((x,), name)


class MatrixSetDiag(Operation):
    """x with the main diagonal of its last two dims replaced by d."""
    type = "MatrixSetDiag"

    def forward(self, x, d):
        xp = get_array_module(x)
        y = x.copy()
        i = xp.arange(d.shape[-1])
        y[..., i, i] = d
        return y

    def infer(self, x, d):
        return [(dims(x), x.dtype)]

    def backward(self, gy):
        from .array_ops import zeros_like
        d = self.inputs[1]
        return (MatrixSetDiag()._build((gy, zeros_like(d)), "MatrixSetDiag"),
                MatrixDiagPart()._build((gy,), "MatrixDiagPart"))


def matrix_set_diag(input, diagonal, name="set_diag", k=0, align="RIGHT_LEFT"):  # noqa: A002
    """``input`` with its main diagonal set to ``diagonal`` (``tf.linalg.set_diag``)."""
    if k != 0:
        raise NotImplementedError("tf.linalg.set_diag with `k` is not supported by neuroflow yet.")
    x, d = binary_inputs(input, diagonal)
    check_same_dtype("MatrixSetDiag", x, d, "input", "diagonal")
    return MatrixSetDiag()._build((x, d), name)


class MatrixBandPart(Operation):
    """Keeps entries with i - j <= num_lower and j - i <= num_upper (negative: no limit)."""
    type = "MatrixBandPart"

    def __init__(self, num_lower, num_upper):
        self.num_lower, self.num_upper = num_lower, num_upper

    def forward(self, x):
        xp = get_array_module(x)
        m, n = x.shape[-2:]
        i, j = xp.arange(m)[:, None], xp.arange(n)[None, :]
        keep = xp.ones((m, n), dtype=bool)
        if self.num_lower >= 0:
            keep &= i - j <= self.num_lower
        if self.num_upper >= 0:
            keep &= j - i <= self.num_upper
        return xp.where(keep, x, xp.zeros((), dtype=x.dtype))

    def infer(self, x):
        return [(dims(x), x.dtype)]

    def backward(self, gy):
        return MatrixBandPart(self.num_lower, self.num_upper)._build((gy,), "MatrixBandPart")


def matrix_band_part(input, num_lower, num_upper, name=None):  # noqa: A002
    """Zeros everything outside a band around the diagonal (``tf.linalg.band_part``).

    ``num_lower`` / ``num_upper``: sub-/super-diagonals to keep; negative keeps them all, so
    ``band_part(x, -1, 0)`` is the lower triangle.
    """
    lo = int(getattr(num_lower, "_value", num_lower))
    hi = int(getattr(num_upper, "_value", num_upper))
    return MatrixBandPart(lo, hi)._build((convert_to_tensor(input),), name or "MatrixBandPart")


class TensorDiag(Operation):
    """Rank-2k tensor with x (rank k) on its diagonal: y[i.., i..] = x[i..]."""
    type = "Diag"

    def forward(self, x):
        xp = get_array_module(x)
        n = x.size
        y = xp.zeros((n, n), dtype=x.dtype)
        y[xp.arange(n), xp.arange(n)] = x.reshape(-1)
        return y.reshape(x.shape + x.shape)

    def infer(self, x):
        d = dims(x)
        return [(None if d is None else d + d, x.dtype)]

    def backward(self, gy):
        return TensorDiagPart()._build((gy,), "DiagPart")


class TensorDiagPart(Operation):
    """The diagonal of a rank-2k tensor whose two halves have the same shape."""
    type = "DiagPart"

    def forward(self, x):
        k = x.ndim // 2
        n = int(np.prod(x.shape[:k]))
        return x.reshape(n, n).diagonal().reshape(x.shape[:k]).copy()

    def infer(self, x):
        d = dims(x)
        return [(None if d is None else d[:len(d) // 2], x.dtype)]

    def backward(self, gy):
        return TensorDiag()._build((gy,), "Diag")


def diag(diagonal, name=None):
    """TF1 ``tf.diag``: a rank-2k tensor with the rank-k ``diagonal`` on its diagonal."""
    return TensorDiag()._build((convert_to_tensor(diagonal),), name or "Diag")


def diag_part(input, name=None):  # noqa: A002
    """TF1 ``tf.diag_part``: the inverse of ``tf.diag``."""
    x = convert_to_tensor(input)
    d = dims(x)
    if d is not None and (len(d) % 2 or not d or d[:len(d) // 2] != d[len(d) // 2:]):
        raise ValueError(f"Input must have even rank with equal halves, got shape {_ls(d)}")
    return TensorDiagPart()._build((x,), name or "DiagPart")


def trace(x, name=None):
    """Sum of the main diagonal of each matrix in the last two dims (``tf.trace``)."""
    return reduce_ops.reduce_sum(matrix_diag_part(x), axis=-1, name=name or "Trace")


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """Matrix times vector (``tf.linalg.matvec``), batched over leading dims."""
    from .array_ops import expand_dims, squeeze
    a, b = binary_inputs(a, b)
    y = matmul(a, expand_dims(b, -1), transpose_a=transpose_a or adjoint_a)
    return squeeze(y, [-1], name=name or "MatVec")


# names that are tf.linalg-only (TF1 top level has none of them)
_LINALG_ONLY = {"matvec"}

__all__ = [_n for _n, _v in list(globals().items())
           if not _n.startswith("_") and _n.islower() and callable(_v) and _n not in _LINALG_ONLY
           and getattr(_v, "__module__", None) == __name__]
