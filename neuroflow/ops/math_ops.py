"""Elementwise arithmetic and math, matmul, add_n, cast, comparisons and logic (``tf.math``)."""
from ..core import tensor as _tensor
from ..core.shape import broadcast_dims
from ._base import (Operation, binary_inputs, check_same_dtype, convert_to_tensor, dims, dtypes,
                    get_array_module, np, sum_to_like)


# ==================================================================== binary arithmetic
class _Binary(Operation):
    def __call__(self, x, y, name=None):
        x, y = binary_inputs(x, y)
        check_same_dtype(self.type, x, y)
        return self._build((x, y), name)


class Add(_Binary):
    type = "Add"

    def forward(self, x0, x1):
        return x0 + x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(gy, x0), sum_to_like(gy, x1)


class Sub(_Binary):
    type = "Sub"

    def forward(self, x0, x1):
        return x0 - x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(gy, x0), sum_to_like(-gy, x1)


class Mul(_Binary):
    type = "Mul"

    def forward(self, x0, x1):
        return x0 * x1

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(gy * x1, x0), sum_to_like(gy * x0, x1)


class RealDiv(_Binary):
    type = "RealDiv"

    def forward(self, x0, x1):
        y = x0 / x1
        return y.astype(x0.dtype, copy=False) if hasattr(y, "astype") and y.dtype != x0.dtype else y

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(gy / x1, x0), sum_to_like(-gy * x0 / (x1 * x1), x1)


class FloorDiv(_Binary):
    type = "FloorDiv"
    differentiable = False

    def forward(self, x0, x1):
        return get_array_module(x0).floor_divide(x0, x1)


class FloorMod(_Binary):
    type = "FloorMod"

    def forward(self, x0, x1):
        return get_array_module(x0).mod(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        return sum_to_like(gy, x0), sum_to_like(-gy * floor(x0 / x1), x1)


class Pow(_Binary):
    type = "Pow"

    def forward(self, x0, x1):
        return get_array_module(x0).power(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        y = self.outputs[0]
        gx0 = gy * x1 * pow(x0, x1 - 1)
        safe = where(greater(x0, 0), x0, ones_like_(x0))
        gx1 = gy * y * where(greater(x0, 0), log(safe), zeros_like_(x0))
        return sum_to_like(gx0, x0), sum_to_like(gx1, x1)


class Maximum(_Binary):
    type = "Maximum"

    def forward(self, x0, x1):
        return get_array_module(x0).maximum(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        m = cast(greater_equal(x0, x1), gy.dtype)
        return sum_to_like(gy * m, x0), sum_to_like(gy * (1 - m), x1)


class Minimum(_Binary):
    type = "Minimum"

    def forward(self, x0, x1):
        return get_array_module(x0).minimum(x0, x1)

    def backward(self, gy):
        x0, x1 = self.inputs
        m = cast(less_equal(x0, x1), gy.dtype)
        return sum_to_like(gy * m, x0), sum_to_like(gy * (1 - m), x1)


class SquaredDifference(_Binary):
    type = "SquaredDifference"

    def forward(self, x0, x1):
        d = x0 - x1
        return d * d

    def backward(self, gy):
        x0, x1 = self.inputs
        g = gy * 2 * (x0 - x1)
        return sum_to_like(g, x0), sum_to_like(-g, x1)


def add(x, y, name=None):
    """x + y elementwise, with broadcasting (``tf.add``)."""
    return Add()(x, y, name=name or ("add" if name is None else name))


def subtract(x, y, name=None):
    return Sub()(x, y, name=name or "sub")


def multiply(x, y, name=None):
    return Mul()(x, y, name=name or "mul")


def truediv(x, y, name=None):
    x, y = binary_inputs(x, y)
    if x.dtype.is_integer:  # TF: int / int -> float64 (int32 -> float64)
        x, y = cast(x, dtypes.float64), cast(y, dtypes.float64)
    return RealDiv()(x, y, name=name or "truediv")


def divide(x, y, name=None):
    return truediv(x, y, name=name or "truediv")


def div(x, y, name=None):
    """TF1 ``tf.div``: floor division for integers, true division for floats."""
    x, y = binary_inputs(x, y)
    if x.dtype.is_integer:
        return FloorDiv()(x, y, name=name or "div")
    return RealDiv()(x, y, name=name or "div")


def realdiv(x, y, name=None):
    return RealDiv()(x, y, name=name or "RealDiv")


def floordiv(x, y, name=None):
    x, y = binary_inputs(x, y)
    if x.dtype.is_floating:
        return floor(RealDiv()(x, y), name=name or "floordiv")
    return FloorDiv()(x, y, name=name or "floordiv")


floor_div = floordiv


def floormod(x, y, name=None):
    return FloorMod()(x, y, name=name or "mod")


mod = floormod


def pow(x, y, name=None):  # noqa: A001 - TF's name
    return Pow()(x, y, name=name or "pow")


def maximum(x, y, name=None):
    return Maximum()(x, y, name=name or "Maximum")


def minimum(x, y, name=None):
    return Minimum()(x, y, name=name or "Minimum")


def squared_difference(x, y, name=None):
    return SquaredDifference()(x, y, name=name or "SquaredDifference")


def scalar_mul(scalar, x, name=None):
    return multiply(scalar, x, name=name)


# ==================================================================== unary math
class _Unary(Operation):
    def __call__(self, x, name=None):
        return self._build((convert_to_tensor(x),), name)


def _unary(cls_name, fwd, bwd, tf_type=None, differentiable=True, float_only=False):
    """Makes a one-input op class: fwd(xp, x) -> y; bwd(x, y, gy) -> gx (neuroflow ops)."""
    def forward(self, x):
        return fwd(get_array_module(x), x)

    def backward(self, gy):
        return bwd(self.inputs[0], self.outputs[0], gy)

    return type(cls_name, (_Unary,), {"type": tf_type or cls_name, "forward": forward,
                                      "backward": backward, "differentiable": differentiable})


Neg = _unary("Neg", lambda xp, x: -x, lambda x, y, gy: -gy)
Abs = _unary("Abs", lambda xp, x: xp.abs(x), lambda x, y, gy: gy * sign(x))
Sign = _unary("Sign", lambda xp, x: xp.sign(x), None, differentiable=False)
Square = _unary("Square", lambda xp, x: x * x, lambda x, y, gy: gy * 2 * x)
Sqrt = _unary("Sqrt", lambda xp, x: xp.sqrt(x), lambda x, y, gy: gy * 0.5 / y)
Rsqrt = _unary("Rsqrt", lambda xp, x: 1 / xp.sqrt(x), lambda x, y, gy: gy * -0.5 * y * y * y)
Exp = _unary("Exp", lambda xp, x: xp.exp(x), lambda x, y, gy: gy * y)
Expm1 = _unary("Expm1", lambda xp, x: xp.expm1(x), lambda x, y, gy: gy * (y + 1))
Log = _unary("Log", lambda xp, x: xp.log(x), lambda x, y, gy: gy / x)
Log1p = _unary("Log1p", lambda xp, x: xp.log1p(x), lambda x, y, gy: gy / (x + 1))
Reciprocal = _unary("Reciprocal", lambda xp, x: 1 / x, lambda x, y, gy: -gy * y * y)
Sin = _unary("Sin", lambda xp, x: xp.sin(x), lambda x, y, gy: gy * cos(x))
Cos = _unary("Cos", lambda xp, x: xp.cos(x), lambda x, y, gy: -gy * sin(x))
Tan = _unary("Tan", lambda xp, x: xp.tan(x), lambda x, y, gy: gy * (1 + y * y))
Asin = _unary("Asin", lambda xp, x: xp.arcsin(x), lambda x, y, gy: gy * rsqrt(1 - x * x))
Acos = _unary("Acos", lambda xp, x: xp.arccos(x), lambda x, y, gy: -gy * rsqrt(1 - x * x))
Atan = _unary("Atan", lambda xp, x: xp.arctan(x), lambda x, y, gy: gy / (1 + x * x))
Sinh = _unary("Sinh", lambda xp, x: xp.sinh(x), lambda x, y, gy: gy * cosh(x))
Cosh = _unary("Cosh", lambda xp, x: xp.cosh(x), lambda x, y, gy: gy * sinh(x))
Tanh = _unary("Tanh", lambda xp, x: xp.tanh(x), lambda x, y, gy: gy * (1 - y * y))
# sigmoid through tanh: stable for large |x| (no overflow in exp)
Sigmoid = _unary("Sigmoid", lambda xp, x: (xp.tanh(x * 0.5) * 0.5 + 0.5).astype(x.dtype, copy=False),
                 lambda x, y, gy: gy * y * (1 - y))
Floor = _unary("Floor", lambda xp, x: xp.floor(x), None, differentiable=False)
Ceil = _unary("Ceil", lambda xp, x: xp.ceil(x), None, differentiable=False)
Round = _unary("Round", lambda xp, x: xp.round(x), None, differentiable=False)  # half to even, as TF
Rint = _unary("Rint", lambda xp, x: xp.rint(x), None, differentiable=False)
IsNan = _unary("IsNan", lambda xp, x: xp.isnan(x), None, differentiable=False)
IsInf = _unary("IsInf", lambda xp, x: xp.isinf(x), None, differentiable=False)
IsFinite = _unary("IsFinite", lambda xp, x: xp.isfinite(x), None, differentiable=False)
LogicalNot = _unary("LogicalNot", lambda xp, x: xp.logical_not(x), None, differentiable=False)


def _bool_infer(self, *xs):
    return [(Operation.infer(self, *xs)[0][0], dtypes.bool_)]


for _c in (IsNan, IsInf, IsFinite):
    _c.infer = _bool_infer


def negative(x, name=None):
    return Neg()(x, name=name or "Neg")


def abs(x, name=None):  # noqa: A001
    return Abs()(x, name=name or "Abs")


def sign(x, name=None):
    return Sign()(x, name=name or "Sign")


def square(x, name=None):
    return Square()(x, name=name or "Square")


def sqrt(x, name=None):
    return Sqrt()(x, name=name or "Sqrt")


def rsqrt(x, name=None):
    return Rsqrt()(x, name=name or "Rsqrt")


def exp(x, name=None):
    return Exp()(x, name=name or "Exp")


def expm1(x, name=None):
    return Expm1()(x, name=name or "Expm1")


def log(x, name=None):
    return Log()(x, name=name or "Log")


def log1p(x, name=None):
    return Log1p()(x, name=name or "Log1p")


def reciprocal(x, name=None):
    return Reciprocal()(x, name=name or "Reciprocal")


def sin(x, name=None):
    return Sin()(x, name=name or "Sin")


def cos(x, name=None):
    return Cos()(x, name=name or "Cos")


def tan(x, name=None):
    return Tan()(x, name=name or "Tan")


def asin(x, name=None):
    return Asin()(x, name=name or "Asin")


def acos(x, name=None):
    return Acos()(x, name=name or "Acos")


def atan(x, name=None):
    return Atan()(x, name=name or "Atan")


def sinh(x, name=None):
    return Sinh()(x, name=name or "Sinh")


def cosh(x, name=None):
    return Cosh()(x, name=name or "Cosh")


def tanh(x, name=None):
    return Tanh()(x, name=name or "Tanh")


def sigmoid(x, name=None):
    return Sigmoid()(x, name=name or "Sigmoid")


def floor(x, name=None):
    return Floor()(x, name=name or "Floor")


def ceil(x, name=None):
    return Ceil()(x, name=name or "Ceil")


def round(x, name=None):  # noqa: A001
    return Round()(x, name=name or "Round")


def rint(x, name=None):
    return Rint()(x, name=name or "Rint")


def is_nan(x, name=None):
    return IsNan()(x, name=name or "IsNan")


def is_inf(x, name=None):
    return IsInf()(x, name=name or "IsInf")


def is_finite(x, name=None):
    return IsFinite()(x, name=name or "IsFinite")


def logical_not(x, name=None):
    return LogicalNot()(x, name=name or "LogicalNot")


# ==================================================================== cast, add_n, matmul
class Cast(Operation):
    type = "Cast"

    def __init__(self, dtype):
        self.dtype = dtypes.as_dtype(dtype)

    def forward(self, x):
        return x.astype(self.dtype._np, copy=False) if hasattr(x, "astype") else \
            np.asarray(x, dtype=self.dtype._np)

    def infer(self, x):
        return [(dims(x), self.dtype)]

    def backward(self, gy):
        x = self.inputs[0]
        if not (x.dtype.is_floating and self.dtype.is_floating):
            return None
        return cast(gy, x.dtype)


def cast(x, dtype, name=None):
    """x converted to ``dtype`` (``tf.cast``); float to int truncates toward zero, as TF."""
    x = convert_to_tensor(x)
    dt = dtypes.as_dtype(dtype)
    if x.dtype is dt:
        return x
    return Cast(dt)._build((x,), name or "Cast")


def to_float(x, name="ToFloat"):
    return cast(x, dtypes.float32, name)


def to_int32(x, name="ToInt32"):
    return cast(x, dtypes.int32, name)


def to_int64(x, name="ToInt64"):
    return cast(x, dtypes.int64, name)


def to_double(x, name="ToDouble"):
    return cast(x, dtypes.float64, name)


class AddN(Operation):
    type = "AddN"

    def forward(self, *xs):
        y = xs[0] + xs[1] if len(xs) > 1 else xs[0].copy()
        for x in xs[2:]:
            y += x
        return y

    def backward(self, gy):
        return tuple(sum_to_like(gy, x) for x in self.inputs)


def add_n(inputs, name=None):
    """Adds all input tensors elementwise (``tf.add_n``)."""
    inputs = [convert_to_tensor(x) for x in inputs]
    if not inputs:
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and shape")
    if len(inputs) == 1:
        return inputs[0]
    return AddN()._build(tuple(inputs), name or "AddN")


accumulate_n = add_n


class MatMul(Operation):
    """y = op(a) @ op(b), op = transpose or not; batched over leading dims."""
    type = "MatMul"

    def __init__(self, transpose_a=False, transpose_b=False):
        self.transpose_a, self.transpose_b = transpose_a, transpose_b

    def forward(self, a, b):
        if self.transpose_a:
            a = a.swapaxes(-1, -2)
        if self.transpose_b:
            b = b.swapaxes(-1, -2)
        return a @ b

    def infer(self, a, b):
        da, db = dims(a), dims(b)
        if da is None or db is None:
            return [(None, a.dtype)]
        if len(da) < 2 or len(db) < 2:
            raise ValueError(f"Shape must be rank 2 but is rank {min(len(da), len(db))} for "
                             f"'{self._pending_name}' (op: 'MatMul') with input shapes: "
                             f"{_ls(da)}, {_ls(db)}.")
        m, k = (da[-1], da[-2]) if self.transpose_a else (da[-2], da[-1])
        k2, n = (db[-1], db[-2]) if self.transpose_b else (db[-2], db[-1])
        if k is not None and k2 is not None and k != k2:
            raise ValueError(f"Dimensions must be equal, but are {k} and {k2} for '{self._pending_name}' "
                             f"(op: 'MatMul') with input shapes: {_ls(da)}, {_ls(db)}.")
        try:
            batch = broadcast_dims(da[:-2], db[:-2])
        except ValueError:
            raise ValueError(f"Batch dimensions of {_ls(da)} and {_ls(db)} are incompatible for "
                             f"'{self._pending_name}' (op: 'BatchMatMul').") from None
        return [(batch + (m, n), a.dtype)]

    def backward(self, gy):
        a, b = self.inputs
        ta, tb = self.transpose_a, self.transpose_b
        if not ta and not tb:
            ga, gb = matmul(gy, b, transpose_b=True), matmul(a, gy, transpose_a=True)
        elif not ta and tb:
            ga, gb = matmul(gy, b), matmul(gy, a, transpose_a=True)
        elif ta and not tb:
            ga, gb = matmul(b, gy, transpose_b=True), matmul(a, gy)
        else:
            ga, gb = matmul(b, gy, transpose_a=True, transpose_b=True), \
                matmul(gy, a, transpose_a=True, transpose_b=True)
        return sum_to_like(ga, a), sum_to_like(gb, b)


def _ls(d):
    return "[%s]" % ",".join("?" if x is None else str(x) for x in d)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """Matrix product of a and b (``tf.matmul``); rank > 2 is a batched product."""
    a, b = binary_inputs(a, b)
    check_same_dtype("MatMul", a, b, "a", "b")
    return MatMul(transpose_a or adjoint_a, transpose_b or adjoint_b)._build((a, b), name or "MatMul")


# ==================================================================== comparison and logic
class _Compare(_Binary):
    differentiable = False
    fn = None

    def forward(self, x0, x1):
        return getattr(get_array_module(x0), self.fn)(x0, x1)

    def infer(self, x0, x1):
        return [(Operation.infer(self, x0, x1)[0][0], dtypes.bool_)]


def _compare(cls_name, fn):
    return type(cls_name, (_Compare,), {"type": cls_name, "fn": fn})


Equal = _compare("Equal", "equal")
NotEqual = _compare("NotEqual", "not_equal")
Less = _compare("Less", "less")
LessEqual = _compare("LessEqual", "less_equal")
Greater = _compare("Greater", "greater")
GreaterEqual = _compare("GreaterEqual", "greater_equal")
LogicalAnd = _compare("LogicalAnd", "logical_and")
LogicalOr = _compare("LogicalOr", "logical_or")
LogicalXor = _compare("LogicalXor", "logical_xor")


def equal(x, y, name=None):
    return Equal()(x, y, name=name or "Equal")


def not_equal(x, y, name=None):
    return NotEqual()(x, y, name=name or "NotEqual")


def less(x, y, name=None):
    return Less()(x, y, name=name or "Less")


def less_equal(x, y, name=None):
    return LessEqual()(x, y, name=name or "LessEqual")


def greater(x, y, name=None):
    return Greater()(x, y, name=name or "Greater")


def greater_equal(x, y, name=None):
    return GreaterEqual()(x, y, name=name or "GreaterEqual")


def logical_and(x, y, name=None):
    return LogicalAnd()(x, y, name=name or "LogicalAnd")


def logical_or(x, y, name=None):
    return LogicalOr()(x, y, name=name or "LogicalOr")


def logical_xor(x, y, name=None):
    return LogicalXor()(x, y, name=name or "LogicalXor")


class Select(Operation):
    """where(cond, x, y) elementwise with broadcasting."""
    type = "SelectV2"

    def forward(self, c, x, y):
        return get_array_module(x).where(c, x, y)

    def infer(self, c, x, y):
        return [(Operation.infer(self, c, x, y)[0][0], x.dtype)]

    def backward(self, gy):
        c, x, y = self.inputs
        z = zeros_like_(gy)
        return None, sum_to_like(where(c, gy, z), x), sum_to_like(where(c, z, gy), y)


def where(condition, x=None, y=None, name=None):
    """Elementwise select (``tf.where``); with one argument, the coordinates of true elements."""
    if x is None and y is None:
        from .array_ops import where_indices
        return where_indices(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    c = convert_to_tensor(condition, dtype=dtypes.bool_)
    x, y = binary_inputs(x, y)
    check_same_dtype("Select", x, y, "t", "e")
    return Select()._build((c, x, y), name or "Select")


def where_v2(condition, x=None, y=None, name=None):
    return where(condition, x, y, name)


select = where


# helpers for gradient formulas (imported lazily by array_ops to avoid a cycle)
def ones_like_(x):
    from .array_ops import ones_like
    return ones_like(x)


def zeros_like_(x):
    from .array_ops import zeros_like
    return zeros_like(x)


def _getitem(x, key):
    from .array_ops import _getitem as g
    return g(x, key)


_tensor._overloads.update({
    "add": add, "subtract": subtract, "multiply": multiply, "truediv": truediv,
    "floordiv": floordiv, "floormod": floormod, "pow": pow, "matmul": matmul, "less": less,
    "less_equal": less_equal, "greater": greater, "greater_equal": greater_equal,
    "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor,
    "negative": negative, "abs": abs, "logical_not": logical_not, "getitem": _getitem,
    "equal": equal, "not_equal": not_equal,
})


__all__ = [_n for _n, _v in list(globals().items())
           if not _n.startswith("_") and _n.islower() and callable(_v)
           and getattr(_v, "__module__", None) == __name__]
