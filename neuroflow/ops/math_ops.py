"""Elementwise arithmetic and add_n (``tf.*``).

One-input math lives in ``unary_ops``, casts in ``cast_ops``, matmul in ``matmul_ops``,
comparisons, logic and select in ``compare_ops``, linear algebra (tensordot, einsum, norm,
inverse ...) in ``linalg_ops`` and clipping in ``clip_ops``; all are re-exported from here so
that they reach the top-level namespace (``neuroflow/__init__`` star-imports this module).
"""
from ..core import tensor as _tensor
from ..core.errors import InvalidArgumentError
from ._base import (Operation, binary_inputs, check_same_dtype, convert_to_tensor, dims, dtypes,
                    get_array_module, np, sum_to_like)
from .unary_ops import *  # noqa: F401,F403 - one-input math, used in gradients here
from . import unary_ops as _unary_ops


def _ls(d):
    return "[%s]" % ",".join("?" if x is None else str(x) for x in d)


def _raise_incompatible(op_type, *xs):
    """Eager broadcasting failure, reported as TF does; returns if that was not the cause."""
    shapes = [np.shape(x._value) for x in xs if x._value is not None]
    if len(shapes) < len(xs):
        return
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise InvalidArgumentError(None, None, "Incompatible shapes: %s [Op:%s]" % (
            " vs. ".join(_ls(s) for s in shapes), op_type)) from None


# ==================================================================== binary arithmetic
class _Binary(Operation):
    def __call__(self, x, y, name=None):
        x, y = binary_inputs(x, y)
        check_same_dtype(self.type, x, y)
        try:
            return self._build((x, y), name)
        except ValueError:
            _raise_incompatible(self.type, x, y)
            raise


class Add(_Binary):
    type = "Add"

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(gy, x0, x1), sum_to_like(gy, x1, x0)


class Sub(_Binary):
    type = "Sub"

    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(gy, x0, x1), sum_to_like(-gy, x1, x0)


class Mul(_Binary):
    type = "Mul"

    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(gy * x1, x0, x1), sum_to_like(gy * x0, x1, x0)


class RealDiv(_Binary):
    type = "RealDiv"

    def forward(self, x0, x1):
        return x0 / x1

    def backward(self, gy):
        x0, x1 = self.inputs
        gx0 = gy / x1
        return sum_to_like(gx0, x0, x1), sum_to_like(-gx0 * x0 / x1, x1, x0)


class FloorDiv(_Binary):
    type = "FloorDiv"
    differentiable = False

    def forward(self, x0, x1):
        return get_array_module(x0).floor_divide(x0, x1)


class FloorMod(_Binary):
    """x - floor(x / y) * y: the result takes the sign of y."""
    type = "FloorMod"

    def forward(self, x0, x1):
        return get_array_module(x0).mod(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(gy, x0), sum_to_like(-gy * floordiv(x0, x1), x1)


class TruncateDiv(_Binary):
    """x / y rounded toward zero (C semantics)."""
    type = "TruncateDiv"
    differentiable = False

    def forward(self, x0, x1):
        xp = get_array_module(x0)
        if x0.dtype.kind == "f":
            return xp.trunc(x0 / x1)
        return (x0 - xp.fmod(x0, x1)) // x1  # exact: x - fmod(x, y) is a multiple of y


class TruncateMod(_Binary):
    """x - trunc(x / y) * y: the result takes the sign of x."""
    type = "TruncateMod"

    def forward(self, x0, x1):
        return get_array_module(x0).fmod(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(gy, x0), sum_to_like(-gy * truncatediv(x0, x1), x1)


class Pow(_Binary):
    type = "Pow"

    def forward(self, x0, x1):
        return get_array_module(x0).power(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        y = self.outputs[0]
        gx0 = gy * x1 * pow(x0, x1 - 1)
        # d/dy x^y = x^y log x, taken as 0 where x <= 0 (as TF) so no NaN leaks in
        pos = greater(x0, 0)
        gx1 = gy * y * where_v2(pos, log(where_v2(pos, x0, _ones_like(x0))), _zeros_like(x0))
        return sum_to_like(gx0, x0), sum_to_like(gx1, x1)


class Maximum(_Binary):
    type = "Maximum"

    def forward(self, x0, x1):
        return get_array_module(x0).maximum(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        m = greater_equal(x0, x1)  # ties go to x, as TF
        z = _zeros_like(gy)
        return sum_to_like(where(m, gy, z), x0), sum_to_like(where(m, z, gy), x1)


class Minimum(_Binary):
    type = "Minimum"

    def forward(self, x0, x1):
        return get_array_module(x0).minimum(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        m = less_equal(x0, x1)
        z = _zeros_like(gy)
        return sum_to_like(where(m, gy, z), x0), sum_to_like(where(m, z, gy), x1)


class SquaredDifference(_Binary):
    type = "SquaredDifference"

    def forward(self, x0, x1):
        d = x0 - x1
        return d * d

    def backward(self, gy):
        x0, x1 = self.inputs
        g = gy * 2 * (x0 - x1)
        return sum_to_like(g, x0), sum_to_like(-g, x1)


class Atan2(_Binary):
    """atan(y / x) in the right quadrant; inputs are (y, x) as in TF."""
    type = "Atan2"

    def forward(self, y, x):
        return get_array_module(y).arctan2(y, x)

    def backward(self, gz):
        y, x = self.inputs
        g = gz / (x * x + y * y)
        return sum_to_like(g * x, y), sum_to_like(-g * y, x)


class DivNoNan(_Binary):
    """x / y, and 0 wherever y == 0."""
    type = "DivNoNan"

    def forward(self, x0, x1):
        xp = get_array_module(x0)
        zero = x1 == 0
        return xp.where(zero, 0, x0 / xp.where(zero, 1, x1))

    def backward(self, gy):
        x0, x1 = self.inputs
        return (sum_to_like(divide_no_nan(gy, x1), x0),
                sum_to_like(gy * divide_no_nan(divide_no_nan(-x0, x1), x1), x1))


class MulNoNan(_Binary):
    """x * y, and 0 wherever y == 0 (even where x is inf or NaN)."""
    type = "MulNoNan"

    def forward(self, x0, x1):
        return get_array_module(x0).where(x1 == 0, 0, x0) * x1  # 0 * 0, never inf * 0

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(multiply_no_nan(gy, x1), x0), sum_to_like(multiply_no_nan(x0, gy), x1)


class Xlogy(_Binary):
    """x * log(y), and 0 wherever x == 0."""
    type = "Xlogy"

    def forward(self, x0, x1):
        xp = get_array_module(x0)
        zero = x0 == 0
        return xp.where(zero, 0, x0 * xp.log(xp.where(zero, 1, x1)))

    def backward(self, gy):
        x0, x1 = self.inputs
        nz = cast(not_equal(x0, 0), gy.dtype)
        return sum_to_like(gy * xlogy(nz, x1), x0), sum_to_like(gy * xdivy(x0, x1), x1)


class Xdivy(_Binary):
    """x / y, and 0 wherever x == 0."""
    type = "Xdivy"

    def forward(self, x0, x1):
        xp = get_array_module(x0)
        zero = x0 == 0
        return xp.where(zero, 0, x0 / xp.where(zero, 1, x1))

    def backward(self, gy):
        x0, x1 = self.inputs
        nz = cast(not_equal(x0, 0), gy.dtype)
        return sum_to_like(gy * xdivy(nz, x1), x0), sum_to_like(-gy * xdivy(x0, x1 * x1), x1)


class Xlog1py(_Binary):
    """x * log1p(y), and 0 wherever x == 0."""
    type = "Xlog1py"

    def forward(self, x0, x1):
        xp = get_array_module(x0)
        zero = x0 == 0
        return xp.where(zero, 0, x0 * xp.log1p(xp.where(zero, 0, x1)))

    def backward(self, gy):
        x0, x1 = self.inputs
        nz = cast(not_equal(x0, 0), gy.dtype)
        return sum_to_like(gy * xlog1py(nz, x1), x0), sum_to_like(gy * xdivy(x0, x1 + 1), x1)


def add(x, y, name=None):
    """x + y elementwise, with broadcasting (``tf.add``).

    Example:
      >>> tf.add([1.0, 2.0], 3.0).numpy()
      array([4., 5.], dtype=float32)
    """
    return Add()(x, y, name=name or "Add")


def subtract(x, y, name=None):
    """x - y elementwise, with broadcasting (``tf.subtract``)."""
    return Sub()(x, y, name=name or "Sub")


def multiply(x, y, name=None):
    """x * y elementwise, with broadcasting (``tf.multiply``)."""
    return Mul()(x, y, name=name or "Mul")


# TF's true division table: small ints divide in float32, 32/64-bit ints in float64
_TRUEDIV = {"int8": dtypes.float32, "uint8": dtypes.float32, "int16": dtypes.float32,
            "uint16": dtypes.float32, "int32": dtypes.float64, "int64": dtypes.float64,
            "uint32": dtypes.float64, "uint64": dtypes.float64}


def truediv(x, y, name=None):
    """x / y with true division; integer inputs are cast to float first, as TF (``tf.truediv``).

    Example:
      >>> (tf.constant(7) / tf.constant(2)).numpy()
      3.5
    """
    x, y = binary_inputs(x, y)
    if x.dtype is not y.dtype:
        raise TypeError(f"x and y must have the same dtype, got {x.dtype!r} != {y.dtype!r}")
    if not (x.dtype.is_floating or x.dtype.is_complex):
        dt = _TRUEDIV.get(x.dtype.name)
        if dt is None:
            raise TypeError(f"Invalid dtype {x.dtype!r} in __truediv__")
        x, y = cast(x, dt), cast(y, dt)
    return RealDiv()(x, y, name=name or "truediv")


def divide(x, y, name=None):
    """x / y, true division (``tf.divide``)."""
    return truediv(x, y, name=name or "truediv")


def div(x, y, name=None):
    """TF1 ``tf.div``: floor division for integers, true division for floats."""
    x, y = binary_inputs(x, y)
    if x.dtype.is_integer:
        return FloorDiv()(x, y, name=name or "div")
    return RealDiv()(x, y, name=name or "div")


def realdiv(x, y, name=None):
    """x / y for floats; integers divide rounding toward zero, as TF's RealDiv kernel."""
    x, y = binary_inputs(x, y)
    if x.dtype.is_integer:
        return TruncateDiv()(x, y, name=name or "RealDiv")
    return RealDiv()(x, y, name=name or "RealDiv")


def floordiv(x, y, name=None):
    """floor(x / y) elementwise, for integers and floats (``tf.floordiv``)."""
    return FloorDiv()(x, y, name=name or "floordiv")


floor_div = floordiv


def floormod(x, y, name=None):
    """x mod y with the sign of y, as Python's % (``tf.floormod`` / ``tf.mod``)."""
    return FloorMod()(x, y, name=name or "FloorMod")


mod = floormod


def truncatediv(x, y, name=None):
    """x / y rounded toward zero (``tf.truncatediv``)."""
    return TruncateDiv()(x, y, name=name or "TruncateDiv")


def truncatemod(x, y, name=None):
    """x mod y with the sign of x, as C's fmod (``tf.truncatemod``)."""
    return TruncateMod()(x, y, name=name or "TruncateMod")


def pow(x, y, name=None):  # noqa: A001 - TF's name
    """x ** y elementwise (``tf.pow``)."""
    return Pow()(x, y, name=name or "Pow")


def maximum(x, y, name=None):
    """max(x, y) elementwise, with broadcasting (``tf.maximum``); ties send the gradient to x."""
    return Maximum()(x, y, name=name or "Maximum")


def minimum(x, y, name=None):
    """min(x, y) elementwise, with broadcasting (``tf.minimum``); ties send the gradient to x."""
    return Minimum()(x, y, name=name or "Minimum")


def squared_difference(x, y, name=None):
    """(x - y) ** 2 elementwise (``tf.squared_difference``)."""
    return SquaredDifference()(x, y, name=name or "SquaredDifference")


def atan2(y, x, name=None):
    """The angle of the point (x, y): atan(y / x) in the right quadrant (``tf.atan2``)."""
    return Atan2()(y, x, name=name or "Atan2")


def div_no_nan(x, y, name=None):
    """x / y, returning 0 where y is 0 (``tf.div_no_nan``)."""
    return DivNoNan()(x, y, name=name or "div_no_nan")


divide_no_nan = div_no_nan


def multiply_no_nan(x, y, name=None):
    """x * y, returning 0 where y is 0 even if x is inf or NaN (``tf.math.multiply_no_nan``)."""
    return MulNoNan()(x, y, name=name or "MulNoNan")


def xlogy(x, y, name=None):
    """x * log(y), returning 0 where x is 0 (``tf.math.xlogy``)."""
    return Xlogy()(x, y, name=name or "Xlogy")


def xdivy(x, y, name=None):
    """x / y, returning 0 where x is 0 (``tf.math.xdivy``)."""
    return Xdivy()(x, y, name=name or "Xdivy")


def xlog1py(x, y, name=None):
    """x * log1p(y), returning 0 where x is 0 (``tf.math.xlog1py``)."""
    return Xlog1py()(x, y, name=name or "Xlog1py")


def reciprocal_no_nan(x, name=None):
    """1 / x, returning 0 where x is 0 (``tf.math.reciprocal_no_nan``)."""
    x = convert_to_tensor(x)
    return div_no_nan(_ones_like(x), x, name=name or "reciprocal_no_nan")


def polyval(coeffs, x, name=None):
    """coeffs[0] * x**(n-1) + ... + coeffs[n-1], by Horner's rule (``tf.math.polyval``)."""
    if not isinstance(coeffs, (list, tuple)):
        raise ValueError(f"Argument coeffs must be list type found {type(coeffs)}.")
    x = convert_to_tensor(x)
    if not coeffs:
        return _zeros_like(x)
    y = convert_to_tensor(coeffs[0], dtype_hint=x.dtype)
    for c in coeffs[1:]:
        y = y * x + c
    from .array_ops import identity
    return identity(y, name=name or "polyval")


def conj(x, name=None):
    """The complex conjugate; real tensors are returned unchanged (``tf.conj``)."""
    x = convert_to_tensor(x)
    if x.dtype.is_complex:
        raise NotImplementedError("Complex tensors are not supported by neuroflow yet.")
    return x


def real(input, name=None):  # noqa: A002
    """The real part; real tensors are returned unchanged (``tf.real``)."""
    return conj(input, name)


def imag(input, name=None):  # noqa: A002
    """The imaginary part: zeros for real tensors (``tf.imag``)."""
    return _zeros_like(conj(input))


def scalar_mul(scalar, x, name=None):
    """scalar * x (``tf.scalar_mul``)."""
    s = convert_to_tensor(scalar, dtype_hint=getattr(x, "dtype", None))
    d = dims(s)
    if d is not None and d != ():
        raise ValueError(f"Only scalar multiply works, got shape {_ls(d)}")
    return multiply(s, x, name=name or "scalar_mul")


# ==================================================================== add_n
class AddN(Operation):
    type = "AddN"

    def forward(self, *xs):
        y = xs[0] + xs[1]
        for x in xs[2:]:
            if x.shape == y.shape:
                y += x
            else:
                y = y + x
        return y

    def backward(self, gy):
        return tuple(sum_to_like(gy, x) for x in self.inputs)


def add_n(inputs, name=None):
    """Adds all input tensors elementwise (``tf.add_n``)."""
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError("inputs must be a list of at least one Tensor/IndexedSlices with the same "
                         "dtype and shape")
    inputs = [convert_to_tensor(x) for x in inputs]
    for x in inputs[1:]:
        check_same_dtype("AddN", inputs[0], x, "inputs", "inputs")
    if len(inputs) == 1:
        if name is None:
            return inputs[0]
        from .array_ops import identity
        return identity(inputs[0], name=name)
    return AddN()._build(tuple(inputs), name or "AddN")


accumulate_n = add_n


# helpers for gradient formulas (imported lazily: array_ops imports this module)
def _ones_like(x):
    from .array_ops import ones_like
    return ones_like(x)


def _zeros_like(x):
    from .array_ops import zeros_like
    return zeros_like(x)


def _getitem(x, key):
    from .array_ops import _getitem as g
    return g(x, key)


def _named(fn, name):
    """The operator form of ``fn``: TF names operator nodes 'add', 'mul' ... instead of 'Add'."""
    def op(x, y):
        return fn(x, y, name=name)
    return op


def _eq(x, y):
    """``t == other`` in eager mode: False, not an error, for None or incompatible shapes (TF2)."""
    if y is None:
        return False
    try:
        return equal(x, y)
    except InvalidArgumentError:
        return False


def _ne(x, y):
    if y is None:
        return True
    try:
        return not_equal(x, y)
    except InvalidArgumentError:
        return True


# cast, matmul, comparisons, logic and select live in their own modules; imported here for the
# gradients above, the operator overloads below and the top-level namespace
from . import cast_ops as _cast_ops, compare_ops as _compare_ops  # noqa: E402
from . import matmul_ops as _matmul_ops  # noqa: E402
from .cast_ops import (  # noqa: E402,F401
    cast, saturate_cast, to_bfloat16, to_double, to_float, to_int32, to_int64)
from .matmul_ops import matmul  # noqa: E402,F401
from .compare_ops import (  # noqa: E402,F401
    equal, greater, greater_equal, less, less_equal, logical_and, logical_not, logical_or,
    logical_xor, not_equal, select, select_v2, where, where_v2)

_tensor._overloads.update({
    "add": _named(add, "add"), "subtract": _named(subtract, "sub"),
    "multiply": _named(multiply, "mul"), "truediv": _named(truediv, "truediv"),
    "floordiv": _named(floordiv, "floordiv"), "floormod": _named(floormod, "mod"),
    "pow": _named(pow, "pow"), "matmul": _named(matmul, "matmul"), "less": less,
    "less_equal": less_equal, "greater": greater, "greater_equal": greater_equal,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor,
    "negative": negative, "abs": abs, "logical_not": logical_not, "getitem": _getitem,
    "equal": _eq, "not_equal": _ne,
})


# TF2 names that live under tf.math only (not at TF1's top level)
_MATH_ONLY = {"xlog1py", "reciprocal_no_nan", "polyval"}

__all__ = [_n for _n, _v in list(globals().items())
           if not _n.startswith("_") and _n.islower() and callable(_v) and _n not in _MATH_ONLY
           and getattr(_v, "__module__", None) == __name__]

# linear algebra and clipping live in their own modules; TF1 has them at the top level too
from . import clip_ops as _clip_ops, linalg_ops as _linalg_ops  # noqa: E402
from .clip_ops import *  # noqa: E402,F401,F403
from .linalg_ops import *  # noqa: E402,F401,F403

__all__ += (_unary_ops.__all__ + _cast_ops.__all__ + _matmul_ops.__all__ + _compare_ops.__all__
            + _clip_ops.__all__ + _linalg_ops.__all__)
