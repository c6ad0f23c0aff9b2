"""Elementwise one-input math: exp, log, sqrt, trigonometric and hyperbolic functions, sigmoid,
erf/lgamma/digamma, rounding and float tests (``tf.*``; re-exported by ``math_ops``)."""
from ._base import Operation, convert_to_tensor, dims, dtypes, get_array_module, np


_FLOATS = "half, bfloat16, float, double, complex64, complex128"


class _Unary(Operation):
    float_only = False

    def __call__(self, x, name=None):
        x = convert_to_tensor(x)
        if self.float_only and not (x.dtype.is_floating or x.dtype.is_complex):
            raise TypeError(f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed "
                            f"values for '{self.type}': {_FLOATS}")
        return self._build((x,), name)


def _unary(cls_name, fwd, bwd, float_only=True, out_dtype=None):
    """A one-input op class: fwd(xp, x) -> y; bwd(x, y, gy) -> gx (neuroflow ops; None: no grad)."""
    def forward(self, x):
        return fwd(get_array_module(x), x)

    def backward(self, gy):
        return bwd(self.inputs[0], self.outputs[0], gy)

    attrs = {"type": cls_name, "forward": forward, "float_only": float_only}
    if bwd is None:
        attrs["differentiable"] = False
    else:
        attrs["backward"] = backward
    if out_dtype is not None:
        attrs["infer"] = lambda self, x: [(dims(x), out_dtype)]
    return type(cls_name, (_Unary,), attrs)


def _special(xp):
    """scipy.special, or cupyx's for CuPy arrays (imported on first use)."""
    if xp is np:
        import scipy.special as sp
    else:  # pragma: no cover - GPU only
        import cupyx.scipy.special as sp
    return sp


_2_SQRT_PI = 1.1283791670955126  # 2 / sqrt(pi)
_SQRT_2PI = 2.5066282746310002  # sqrt(2 pi)
_SQRT_PI_2 = 0.88622692545275801  # sqrt(pi) / 2

Neg = _unary("Neg", lambda xp, x: -x, lambda x, y, gy: -gy, float_only=False)
Abs = _unary("Abs", lambda xp, x: xp.abs(x), lambda x, y, gy: gy * sign(x), False)
Sign = _unary("Sign", lambda xp, x: xp.sign(x), lambda x, y, gy: _zeros_like(gy), False)
Square = _unary("Square", lambda xp, x: x * x, lambda x, y, gy: gy * 2 * x, False)
Sqrt = _unary("Sqrt", lambda xp, x: xp.sqrt(x), lambda x, y, gy: gy * 0.5 / y)
Rsqrt = _unary("Rsqrt", lambda xp, x: 1 / xp.sqrt(x), lambda x, y, gy: -0.5 * gy * y * y * y)
Exp = _unary("Exp", lambda xp, x: xp.exp(x), lambda x, y, gy: gy * y)
Expm1 = _unary("Expm1", lambda xp, x: xp.expm1(x), lambda x, y, gy: gy * (y + 1))
Log = _unary("Log", lambda xp, x: xp.log(x), lambda x, y, gy: gy / x)
Log1p = _unary("Log1p", lambda xp, x: xp.log1p(x), lambda x, y, gy: gy / (x + 1))
Reciprocal = _unary("Reciprocal", lambda xp, x: xp.reciprocal(x), lambda x, y, gy: -gy * y * y,
                    False)
Sin = _unary("Sin", lambda xp, x: xp.sin(x), lambda x, y, gy: gy * cos(x))
Cos = _unary("Cos", lambda xp, x: xp.cos(x), lambda x, y, gy: -gy * sin(x))
Tan = _unary("Tan", lambda xp, x: xp.tan(x), lambda x, y, gy: gy * (1 + y * y))
Asin = _unary("Asin", lambda xp, x: xp.arcsin(x), lambda x, y, gy: gy * rsqrt(1 - x * x))
Acos = _unary("Acos", lambda xp, x: xp.arccos(x), lambda x, y, gy: -gy * rsqrt(1 - x * x))
Atan = _unary("Atan", lambda xp, x: xp.arctan(x), lambda x, y, gy: gy / (1 + x * x))
Sinh = _unary("Sinh", lambda xp, x: xp.sinh(x), lambda x, y, gy: gy * cosh(x))
Cosh = _unary("Cosh", lambda xp, x: xp.cosh(x), lambda x, y, gy: gy * sinh(x))
Asinh = _unary("Asinh", lambda xp, x: xp.arcsinh(x), lambda x, y, gy: gy / cosh(y))
Acosh = _unary("Acosh", lambda xp, x: xp.arccosh(x), lambda x, y, gy: gy / sinh(y))
Atanh = _unary("Atanh", lambda xp, x: xp.arctanh(x), lambda x, y, gy: gy / (1 - x * x))
class _ActGrad(Operation):
    """A fused activation gradient gx = gy * f'(y) computed from the output y in one pass."""

    def infer(self, y, gy):
        return [(dims(y), y.dtype)]


class SigmoidGrad(_ActGrad):
    """gx = gy * y * (1 - y)."""
    type = "SigmoidGrad"

    def forward(self, y, gy):
        t = 1 - y
        t *= y
        t *= gy
        return t

    def backward(self, g):
        y, gy = self.inputs
        return g * gy * (1 - 2 * y), g * y * (1 - y)


class TanhGrad(_ActGrad):
    """gx = gy * (1 - y * y)."""
    type = "TanhGrad"

    def forward(self, y, gy):
        t = y * y
        if t.ndim:
            get_array_module(t).subtract(1, t, out=t)
        else:
            t = 1 - t
        t *= gy
        return t

    def backward(self, g):
        y, gy = self.inputs
        return g * gy * (-2 * y), g * (1 - y * y)


Tanh = _unary("Tanh", lambda xp, x: xp.tanh(x), lambda x, y, gy: TanhGrad()._build((y, gy), "TanhGrad"))


def _sigmoid(xp, x):
    # 1 / (1 + exp(-x)) keeps relative accuracy in the left tail, as TF (the tanh form rounds to 0
    # below about -17 in float32, so log(sigmoid) became -inf); -x is capped so exp never overflows
    t = xp.negative(x)
    cap = _EXP_MAX.get(t.dtype.char) or _exp_max(t.dtype)
    if not t.ndim:
        return 1 / (1 + xp.exp(xp.minimum(t, cap)))
    xp.minimum(t, cap, out=t)  # unconditional: no branch on data (no device sync on a GPU)
    xp.exp(t, out=t)
    t += 1
    return xp.divide(1, t, out=t)


_EXP_MAX = {}


def _exp_max(dtype):
    """A little below the largest argument exp takes without overflowing in ``dtype``."""
    _EXP_MAX[dtype.char] = float(np.log(np.finfo(dtype).max)) - 0.5
    return _EXP_MAX[dtype.char]


def _log_sigmoid(xp, x):
    return -xp.logaddexp(0, -x)  # -log(1 + exp(-x)) without overflow


Sigmoid = _unary("Sigmoid", _sigmoid, lambda x, y, gy: SigmoidGrad()._build((y, gy), "SigmoidGrad"))
LogSigmoid = _unary("LogSigmoid", _log_sigmoid, lambda x, y, gy: gy * sigmoid(-x))
Erf = _unary("Erf", lambda xp, x: _special(xp).erf(x),
             lambda x, y, gy: gy * _2_SQRT_PI * exp(-x * x))
Erfc = _unary("Erfc", lambda xp, x: _special(xp).erfc(x),
              lambda x, y, gy: -gy * _2_SQRT_PI * exp(-x * x))
Lgamma = _unary("Lgamma", lambda xp, x: _special(xp).gammaln(x),
                lambda x, y, gy: gy * digamma(x))
Digamma = _unary("Digamma", lambda xp, x: _special(xp).digamma(x),
                 lambda x, y, gy: gy * polygamma(1, x))
Erfinv = _unary("Erfinv", lambda xp, x: _special(xp).erfinv(x),
                lambda x, y, gy: gy * _SQRT_PI_2 * exp(y * y))
Ndtri = _unary("Ndtri", lambda xp, x: _special(xp).ndtri(x),
               lambda x, y, gy: gy * _SQRT_2PI * exp(0.5 * y * y))
Floor = _unary("Floor", lambda xp, x: xp.floor(x), None)
Ceil = _unary("Ceil", lambda xp, x: xp.ceil(x), None)
Round = _unary("Round", lambda xp, x: xp.round(x), None, float_only=False)  # half to even, as TF
Rint = _unary("Rint", lambda xp, x: xp.rint(x), None)
IsNan = _unary("IsNan", lambda xp, x: xp.isnan(x), None, out_dtype=dtypes.bool_)
IsInf = _unary("IsInf", lambda xp, x: xp.isinf(x), None, out_dtype=dtypes.bool_)
IsFinite = _unary("IsFinite", lambda xp, x: xp.isfinite(x), None, out_dtype=dtypes.bool_)


class Polygamma(_Unary):
    """The n-th derivative of digamma, for a static order n."""
    type = "Polygamma"
    float_only = True

    def __init__(self, n):
        self.n = n

    def forward(self, x):
        return _special(get_array_module(x)).polygamma(self.n, x).astype(x.dtype, copy=False)

    def backward(self, gy):
        return gy * Polygamma(self.n + 1)(self.inputs[0])


def negative(x, name=None):
    """-x elementwise (``tf.negative``)."""
    return Neg()(x, name=name or "Neg")


neg = negative


def abs(x, name=None):  # noqa: A001
    """|x| elementwise (``tf.abs``)."""
    return Abs()(x, name=name or "Abs")


def sign(x, name=None):
    """-1, 0 or 1 by the sign of x (``tf.sign``); its gradient is zero, as TF."""
    return Sign()(x, name=name or "Sign")


def square(x, name=None):
    """x * x elementwise (``tf.square``)."""
    return Square()(x, name=name or "Square")


def sqrt(x, name=None):
    """The square root of x (``tf.sqrt``)."""
    return Sqrt()(x, name=name or "Sqrt")


def rsqrt(x, name=None):
    """1 / sqrt(x) (``tf.rsqrt``)."""
    return Rsqrt()(x, name=name or "Rsqrt")


def exp(x, name=None):
    """e ** x (``tf.exp``)."""
    return Exp()(x, name=name or "Exp")


def expm1(x, name=None):
    """exp(x) - 1, accurate near 0 (``tf.expm1``)."""
    return Expm1()(x, name=name or "Expm1")


def log(x, name=None):
    """The natural logarithm of x (``tf.log``)."""
    return Log()(x, name=name or "Log")


def log1p(x, name=None):
    """log(1 + x), accurate near 0 (``tf.log1p``)."""
    return Log1p()(x, name=name or "Log1p")


def reciprocal(x, name=None):
    """1 / x (``tf.reciprocal``)."""
    return Reciprocal()(x, name=name or "Reciprocal")


def sin(x, name=None):
    """sin(x) (``tf.sin``)."""
    return Sin()(x, name=name or "Sin")


def cos(x, name=None):
    """cos(x) (``tf.cos``)."""
    return Cos()(x, name=name or "Cos")


def tan(x, name=None):
    """tan(x) (``tf.tan``)."""
    return Tan()(x, name=name or "Tan")


def asin(x, name=None):
    """arcsin(x) (``tf.asin``)."""
    return Asin()(x, name=name or "Asin")


def acos(x, name=None):
    """arccos(x) (``tf.acos``)."""
    return Acos()(x, name=name or "Acos")


def atan(x, name=None):
    """arctan(x) (``tf.atan``)."""
    return Atan()(x, name=name or "Atan")


def sinh(x, name=None):
    """sinh(x) (``tf.sinh``)."""
    return Sinh()(x, name=name or "Sinh")


def cosh(x, name=None):
    """cosh(x) (``tf.cosh``)."""
    return Cosh()(x, name=name or "Cosh")


def asinh(x, name=None):
    """arcsinh(x) (``tf.asinh``)."""
    return Asinh()(x, name=name or "Asinh")


def acosh(x, name=None):
    """arccosh(x) (``tf.acosh``)."""
    return Acosh()(x, name=name or "Acosh")


def atanh(x, name=None):
    """arctanh(x) (``tf.atanh``)."""
    return Atanh()(x, name=name or "Atanh")


def tanh(x, name=None):
    """tanh(x) (``tf.tanh``)."""
    return Tanh()(x, name=name or "Tanh")


def sigmoid(x, name=None):
    """1 / (1 + exp(-x)), computed stably (``tf.sigmoid``)."""
    return Sigmoid()(x, name=name or "Sigmoid")


def log_sigmoid(x, name=None):
    """log(sigmoid(x)) = -softplus(-x), computed stably (``tf.log_sigmoid``)."""
    return LogSigmoid()(x, name=name or "LogSigmoid")


def erf(x, name=None):
    """The Gauss error function (``tf.erf``)."""
    return Erf()(x, name=name or "Erf")


def erfc(x, name=None):
    """1 - erf(x), the complementary error function (``tf.erfc``)."""
    return Erfc()(x, name=name or "Erfc")


def lgamma(x, name=None):
    """log |Gamma(x)| (``tf.lgamma``)."""
    return Lgamma()(x, name=name or "Lgamma")


def digamma(x, name=None):
    """d/dx lgamma(x) (``tf.digamma``)."""
    return Digamma()(x, name=name or "Digamma")


def polygamma(a, x, name=None):
    """The a-th derivative of digamma at x (``tf.polygamma``); ``a`` must be a static integer."""
    v = a
    if hasattr(a, "op"):  # a tensor: usable when it is a constant
        v = a._value if a._value is not None else getattr(a.op, "value", None)
    if v is None or np.size(v) != 1 or float(np.reshape(v, ())) != int(np.reshape(v, ())):
        raise NotImplementedError("tf.polygamma with a tensor or non-integer order `a` is not "
                                  "supported by neuroflow yet; pass a Python int.")
    return Polygamma(int(np.reshape(v, ())))(x, name=name or "Polygamma")


def erfinv(x, name=None):
    """The inverse of erf on (-1, 1) (``tf.math.erfinv``)."""
    return Erfinv()(x, name=name or "Erfinv")


def ndtri(x, name=None):
    """The inverse of the standard normal CDF on (0, 1) (``tf.math.ndtri``)."""
    return Ndtri()(x, name=name or "Ndtri")


def floor(x, name=None):
    """The largest integer <= x (``tf.floor``); no gradient."""
    return Floor()(x, name=name or "Floor")


def ceil(x, name=None):
    """The smallest integer >= x (``tf.ceil``); no gradient."""
    return Ceil()(x, name=name or "Ceil")


def round(x, name=None):  # noqa: A001
    """Rounds half to even, as TF (``tf.round``)."""
    return Round()(x, name=name or "Round")


def rint(x, name=None):
    """The nearest integer, halves to even (``tf.rint``); no gradient."""
    return Rint()(x, name=name or "Rint")


def is_nan(x, name=None):
    """True where x is NaN (``tf.is_nan``)."""
    return IsNan()(x, name=name or "IsNan")


def is_inf(x, name=None):
    """True where x is +inf or -inf (``tf.is_inf``)."""
    return IsInf()(x, name=name or "IsInf")


def is_finite(x, name=None):
    """True where x is neither inf nor NaN (``tf.is_finite``)."""
    return IsFinite()(x, name=name or "IsFinite")


def _zeros_like(x):
    from .array_ops import zeros_like  # array_ops imports math_ops, which imports this module
    return zeros_like(x)


# TF2 names that live under tf.math only (not at TF1's top level)
_MATH_ONLY = {"erfinv", "ndtri"}

__all__ = [_n for _n, _v in list(globals().items())
           if not _n.startswith("_") and _n.islower() and callable(_v) and _n not in _MATH_ONLY
           and getattr(_v, "__module__", None) == __name__]
