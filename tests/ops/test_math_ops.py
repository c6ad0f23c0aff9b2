"""Elementwise math, add_n, clipping and operator overloads (casts: test_cast_ops.py, matmul:
test_matmul_ops.py, comparisons and select: test_compare_ops.py)."""
import numpy as np
import pytest
import scipy.special as sp

import neuroflow as tf
from helpers import check_op

BROADCAST = [[(3, 4), (4,)], [(2, 1, 3), (1, 4, 1)], [(), (3,)], [(3, 2), ()]]


def _away_from_zero(shape, rng, lo=0.5, hi=2.0):
    return rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)


# ==================================================================== binary arithmetic
BINARY = [
    ("add", tf.add, np.add, True),
    ("subtract", tf.subtract, np.subtract, True),
    ("multiply", tf.multiply, np.multiply, True),
    ("maximum", tf.maximum, np.maximum, False),
    ("minimum", tf.minimum, np.minimum, False),
    ("squared_difference", tf.squared_difference, lambda a, b: (a - b) ** 2, True),
    ("atan2", tf.atan2, np.arctan2, False),
]


@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
@pytest.mark.parametrize("name,fn,ref,db", BINARY, ids=[b[0] for b in BINARY])
def test_binary(name, fn, ref, db, shapes):
    check_op(fn, ref, shapes, double_backward=db)


@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
@pytest.mark.parametrize("fn", [tf.divide, tf.truediv, tf.div, tf.realdiv, tf.math.divide],
                         ids=["divide", "truediv", "div", "realdiv", "math.divide"])
def test_division(fn, shapes):
    rng = np.random.RandomState(1)
    x, y = rng.uniform(-2, 2, shapes[0]), _away_from_zero(shapes[1], rng)
    check_op(fn, np.divide, None, inputs=[x, y], double_backward=fn is tf.divide)


@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
def test_pow(shapes):
    rng = np.random.RandomState(2)
    x, y = rng.uniform(0.5, 2.0, shapes[0]), rng.uniform(-2, 2, shapes[1])
    check_op(tf.pow, np.power, None, inputs=[x, y], double_backward=True)


def test_pow_of_negative_base_has_finite_exponent_gradient():
    x, y = tf.constant([-2.0, 0.0, 3.0]), tf.constant([2.0, 2.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(y)
        z = tf.pow(x, y)
    g = tape.gradient(z, y).numpy()
    np.testing.assert_allclose(g, [0.0, 0.0, 9.0 * np.log(3.0)], rtol=1e-6)


@pytest.mark.parametrize("fn,ref", [(tf.floormod, np.mod), (tf.mod, np.mod),
                                    (tf.truncatemod, np.fmod)], ids=["floormod", "mod", "truncmod"])
def test_mod_values_and_gradient(fn, ref):
    rng = np.random.RandomState(3)
    y = _away_from_zero((3, 4), rng, 1.0, 2.0)
    # keep x / y away from whole numbers, where the result jumps
    x = (rng.randint(-3, 3, (3, 4)) + rng.uniform(0.2, 0.8, (3, 4))) * y
    check_op(fn, ref, None, inputs=[x, y])
    ints = (np.array([7, -7, 7, -7], np.int32), np.array([3, 3, -3, -3], np.int32))
    np.testing.assert_array_equal(fn(*ints).numpy(), ref(*ints))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64])
def test_floordiv_and_truncatediv(dtype):
    x = np.array([7, -7, 7, -7, 6], dtype)
    y = np.array([2, 2, -2, -2, 3], dtype)
    fd = tf.floordiv(x, y)
    assert fd.dtype == tf.as_dtype(dtype)
    np.testing.assert_array_equal(fd.numpy(), np.floor_divide(x, y))
    np.testing.assert_array_equal(tf.floor_div(x, y).numpy(), np.floor_divide(x, y))
    np.testing.assert_array_equal(tf.truncatediv(x, y).numpy(), np.trunc(x / y).astype(dtype))
    np.testing.assert_array_equal((tf.constant(x) // tf.constant(y)).numpy(), x // y)
    if np.dtype(dtype).kind == "i":  # TF1 tf.div: floor division for integers
        np.testing.assert_array_equal(tf.div(x, y).numpy(), x // y)


def test_realdiv_of_integers_truncates():
    y = tf.realdiv(tf.constant([7, -7]), tf.constant([2, 2]))
    assert y.dtype == tf.int32
    np.testing.assert_array_equal(y.numpy(), [3, -3])


def test_floordiv_has_no_gradient():
    x = tf.placeholder(tf.float32, [3])
    assert tf.gradients(tf.floordiv(x, 2.0), x) == [None]


@pytest.mark.parametrize("shapes", BROADCAST[:2], ids=str)
@pytest.mark.parametrize("fn,ref", [
    (tf.div_no_nan, lambda a, b: a / b), (tf.math.multiply_no_nan, np.multiply),
    (tf.math.xdivy, lambda a, b: a / b), (tf.math.xlogy, lambda a, b: a * np.log(b)),
    (tf.math.xlog1py, lambda a, b: a * np.log1p(b))],
    ids=["div_no_nan", "multiply_no_nan", "xdivy", "xlogy", "xlog1py"])
def test_no_nan_family_smooth_part(fn, ref, shapes):
    rng = np.random.RandomState(4)
    x, y = rng.uniform(-2, 2, shapes[0]), rng.uniform(0.5, 2.0, shapes[1])
    check_op(fn, ref, None, inputs=[x, y])


def test_no_nan_family_at_zero():
    x = tf.constant([1.0, np.inf, 0.0, 2.0])
    y = tf.constant([0.0, 0.0, 0.0, 4.0])
    np.testing.assert_array_equal(tf.div_no_nan(x, y).numpy(), [0, 0, 0, 0.5])
    np.testing.assert_array_equal(tf.math.multiply_no_nan(x, y).numpy(), [0, 0, 0, 8])
    z = tf.constant([0.0, 0.0, 1.0])
    w = tf.constant([0.0, -1.0, np.e])
    np.testing.assert_allclose(tf.math.xlogy(z, w).numpy(), [0, 0, 1])
    np.testing.assert_allclose(tf.math.xdivy(z, w).numpy(), [0, 0, 1 / np.e], rtol=1e-6)
    np.testing.assert_allclose(tf.math.reciprocal_no_nan([0.0, 4.0]).numpy(), [0, 0.25])
    with tf.GradientTape() as tape:
        tape.watch(x)
        r = tf.div_no_nan(x, y)
    np.testing.assert_array_equal(tape.gradient(r, x).numpy(), [0, 0, 0, 0.25])


def test_scalar_mul():
    check_op(lambda x: tf.scalar_mul(3.0, x), lambda x: 3.0 * x, [(2, 3)])
    with pytest.raises(ValueError, match="Only scalar multiply works"):
        tf.scalar_mul(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0]))


# ==================================================================== unary math
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


UNARY = [
    # name, fn, ref, low, high, double backward
    ("negative", tf.negative, np.negative, -2, 2, True),
    ("abs", tf.abs, np.abs, -2, 2, False),
    ("square", tf.square, np.square, -2, 2, True),
    ("sqrt", tf.sqrt, np.sqrt, 0.5, 2, True),
    ("rsqrt", tf.rsqrt, lambda x: 1 / np.sqrt(x), 0.5, 2, True),
    ("exp", tf.exp, np.exp, -2, 2, True),
    ("expm1", tf.expm1, np.expm1, -2, 2, True),
    ("log", tf.log, np.log, 0.5, 2, True),
    ("log1p", tf.log1p, np.log1p, -0.5, 2, True),
    ("reciprocal", tf.reciprocal, np.reciprocal, 0.5, 2, True),
    ("sin", tf.sin, np.sin, -2, 2, True),
    ("cos", tf.cos, np.cos, -2, 2, True),
    ("tan", tf.tan, np.tan, -1, 1, True),
    ("asin", tf.asin, np.arcsin, -0.8, 0.8, True),
    ("acos", tf.acos, np.arccos, -0.8, 0.8, True),
    ("atan", tf.atan, np.arctan, -2, 2, True),
    ("sinh", tf.sinh, np.sinh, -2, 2, True),
    ("cosh", tf.cosh, np.cosh, -2, 2, True),
    ("asinh", tf.asinh, np.arcsinh, -2, 2, True),
    ("acosh", tf.acosh, np.arccosh, 1.5, 3, True),
    ("atanh", tf.atanh, np.arctanh, -0.8, 0.8, True),
    ("tanh", tf.tanh, np.tanh, -2, 2, True),
    ("sigmoid", tf.sigmoid, _sigmoid, -3, 3, True),
    ("log_sigmoid", tf.log_sigmoid, lambda x: np.log(_sigmoid(x)), -3, 3, True),
    ("erf", tf.erf, sp.erf, -2, 2, True),
    ("erfc", tf.erfc, sp.erfc, -2, 2, True),
    ("erfinv", tf.math.erfinv, sp.erfinv, -0.8, 0.8, True),
    ("ndtri", tf.math.ndtri, sp.ndtri, 0.1, 0.9, True),
    ("lgamma", tf.lgamma, sp.gammaln, 0.5, 3, True),
    ("digamma", tf.digamma, sp.digamma, 0.5, 3, True),
    ("polygamma", lambda x: tf.polygamma(2, x), lambda x: sp.polygamma(2, x), 0.5, 3, False),
]


@pytest.mark.parametrize("shape", [(3, 4), (), (2, 1, 3)], ids=str)
@pytest.mark.parametrize("name,fn,ref,lo,hi,db", UNARY, ids=[u[0] for u in UNARY])
def test_unary(name, fn, ref, lo, hi, db, shape):
    check_op(fn, ref, [shape], low=lo, high=hi, double_backward=db and shape == (3, 4))


def test_sign_and_abs_gradients():
    check_op(tf.sign, np.sign, [(3, 4)])  # gradient zero, as TF
    x = tf.constant([-2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.abs(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [-1, 1])


@pytest.mark.parametrize("fn,ref", [(tf.floor, np.floor), (tf.ceil, np.ceil), (tf.rint, np.rint),
                                    (tf.round, np.round)], ids=["floor", "ceil", "rint", "round"])
def test_rounding(fn, ref):
    x = np.array([-2.5, -1.5, -0.5, 0.2, 0.5, 1.5, 2.5, 2.7], np.float32)
    y = fn(x)
    assert y.dtype == tf.float32
    np.testing.assert_array_equal(y.numpy(), ref(x))
    p = tf.placeholder(tf.float32, [None])
    assert tf.gradients(fn(p), p) == [None]


def test_round_is_half_to_even():
    np.testing.assert_array_equal(tf.round([0.5, 1.5, 2.5, -0.5, -1.5]).numpy(),
                                  [0.0, 2.0, 2.0, -0.0, -2.0])
    np.testing.assert_array_equal(tf.round(tf.constant([1, -3])).numpy(), [1, -3])


def test_float_tests():
    x = np.array([1.0, np.nan, np.inf, -np.inf], np.float32)
    fns = [(tf.is_nan, np.isnan), (tf.is_inf, np.isinf), (tf.is_finite, np.isfinite)]
    for fn, ref in fns:
        y = fn(x)
        assert y.dtype == tf.bool
        np.testing.assert_array_equal(y.numpy(), ref(x))
    p = tf.placeholder(tf.float32, [None])
    for fn, _ in fns:
        assert fn(p).dtype == tf.bool and fn(p).shape.as_list() == [None]


def test_sigmoid_is_stable_and_keeps_float32():
    x = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0], np.float32)
    before = x.copy()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = tf.sigmoid(x)
        ls = tf.log_sigmoid(x)
    assert y.dtype == tf.float32 and ls.dtype == tf.float32
    # relative accuracy in the left tail, as TF: log(sigmoid(-30)) stays finite
    np.testing.assert_allclose(y.numpy(), [0, _sigmoid(-30.0), 0.5, _sigmoid(30.0), 1], rtol=1e-6,
                               atol=1e-30)
    assert np.isfinite(tf.log(tf.sigmoid(tf.constant(-80.0))).numpy())
    with np.errstate(over="raise"):
        h = tf.sigmoid(tf.constant([-50.0, 50.0], tf.float16)).numpy()  # no overflow in float16
    assert h[0] < 1e-4 and h[1] == 1
    np.testing.assert_allclose(ls.numpy(), [-1000, -30, np.log(0.5), -9.357623e-14, 0], rtol=1e-5)
    np.testing.assert_array_equal(x, before)  # the in-place steps never touch the input


def test_float_only_ops_reject_integers():
    with pytest.raises(TypeError, match="Value for attr 'T' of int32 .* 'Exp'"):
        tf.exp(tf.constant([1, 2]))
    with pytest.raises(TypeError, match="'Sqrt'"):
        tf.sqrt(tf.constant([4]))
    # integer-friendly ones keep the dtype
    for fn in (tf.abs, tf.negative, tf.square, tf.sign):
        y = fn(tf.constant([-3, 2]))
        assert y.dtype == tf.int32
    np.testing.assert_array_equal(tf.square(tf.constant([-3, 2])).numpy(), [9, 4])


def test_polygamma_needs_static_order():
    with pytest.raises(NotImplementedError, match="polygamma"):
        tf.polygamma(tf.placeholder(tf.float32, []), tf.constant(1.0))


# ==================================================================== add_n
def test_add_n():
    check_op(lambda a, b, c: tf.add_n([a, b, c]), lambda a, b, c: a + b + c, [(2, 3)] * 3,
             double_backward=True)
    check_op(lambda a, b: tf.accumulate_n([a, b]), np.add, [(4,), (4,)])
    x = tf.constant([1.0, 2.0])
    assert tf.add_n([x]) is x
    with pytest.raises(ValueError, match="at least one"):
        tf.add_n([])
    with pytest.raises(TypeError, match="AddN"):
        tf.add_n([x, tf.constant([1.0, 2.0], tf.float64)])


def test_add_n_does_not_alias_its_inputs():
    a, b, c = (np.full(3, v, np.float32) for v in (1.0, 2.0, 3.0))
    y = tf.add_n([a, b, c]).numpy()
    np.testing.assert_array_equal(y, [6, 6, 6])
    np.testing.assert_array_equal(a, [1, 1, 1])


# ==================================================================== dtypes
def test_truediv_of_integers_is_float_as_tf():
    y = tf.constant(7) / tf.constant(2)
    assert y.dtype == tf.float64 and y.numpy() == 3.5
    assert tf.truediv(tf.constant([7], tf.int8), tf.constant([2], tf.int8)).dtype == tf.float32
    assert tf.divide(tf.constant([7], tf.int64), 2).dtype == tf.float64
    with pytest.raises(TypeError, match="Invalid dtype tf.bool in __truediv__"):
        tf.truediv(tf.constant([True]), tf.constant([True]))


def test_mixed_float_dtypes_raise_naming_the_op():
    f32, f64 = tf.constant([1.0]), tf.constant([1.0], tf.float64)
    for fn, op in [(tf.add, "Add"), (tf.multiply, "Mul"), (tf.subtract, "Sub"),
                   (tf.maximum, "Maximum"), (tf.pow, "Pow"), (tf.equal, "Equal")]:
        with pytest.raises(TypeError, match=f"Input 'y' of '{op}' Op has type float64 that does "
                                            "not match type float32 of argument 'x'"):
            fn(f32, f64)
    with pytest.raises(TypeError, match="'MatMul'"):
        tf.matmul(tf.ones([1, 1]), tf.ones([1, 1], tf.float64))
    with pytest.raises(TypeError, match="same dtype"):
        f32 / f64


def test_python_numbers_take_the_tensor_dtype():
    x64 = tf.constant([1.0, 2.0], tf.float64)
    assert (x64 + 1).dtype == tf.float64
    assert (2.5 * x64).dtype == tf.float64
    assert (tf.constant([1, 2]) + 1).dtype == tf.int32
    assert (tf.constant([1.0]) + 1).dtype == tf.float32
    assert (tf.constant([1.0]) + np.array([1.0], np.float32)).dtype == tf.float32


def test_eager_broadcast_error_is_tf_shaped():
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Incompatible shapes: \[3\] vs\. \[4\] \[Op:Add\]"):
        tf.add(tf.ones([3]), tf.ones([4]))
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.placeholder(tf.float32, [3]) * tf.placeholder(tf.float32, [4])


# ==================================================================== clipping
def test_clip_by_value():
    x = np.array([[-2.0, -0.3, 0.4], [0.9, 1.7, 0.0]])
    check_op(lambda t: tf.clip_by_value(t, -0.5, 1.0), lambda t: np.clip(t, -0.5, 1.0), None,
             inputs=[x])
    # gradient: zero outside the range, passes at the boundaries, as TF
    t = tf.constant([-2.0, -0.5, 0.3, 1.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = tf.clip_by_value(t, -0.5, 1.0)
    np.testing.assert_array_equal(tape.gradient(y, t).numpy(), [0, 1, 1, 1, 0])


def test_clip_by_value_tensor_bounds_get_gradients():
    rng = np.random.RandomState(6)
    x = rng.uniform(-2, 2, (3, 4))
    lo, hi = rng.uniform(-1.5, -0.2, (4,)), rng.uniform(0.2, 1.5, (3, 4))
    x[np.abs(x - lo) < 0.05] += 0.1
    check_op(tf.clip_by_value, np.clip, None, inputs=[x, lo, hi])


def test_clip_by_norm():
    rng = np.random.RandomState(7)
    x = rng.uniform(-2, 2, (3, 4))

    def ref(t, c, axes=None):
        n = np.sqrt(np.sum(t * t, axis=axes, keepdims=True))
        return t * c / np.maximum(n, c)
    for c in (0.5, 100.0):
        check_op(lambda t: tf.clip_by_norm(t, c), lambda t: ref(t, c), None, inputs=[x])
    check_op(lambda t: tf.clip_by_norm(t, 1.0, axes=[1]), lambda t: ref(t, 1.0, 1), None,
             inputs=[x])
    np.testing.assert_array_equal(tf.clip_by_norm(tf.zeros([3]), 1.0).numpy(), [0, 0, 0])
    with tf.GradientTape() as tape:
        z = tf.zeros([3])
        tape.watch(z)
        y = tf.clip_by_norm(z, 1.0)
    assert np.all(np.isfinite(tape.gradient(y, z).numpy()))


def test_clip_by_average_norm():
    x = np.array([3.0, 4.0], np.float32)  # norm 5, average norm 2.5
    np.testing.assert_allclose(tf.clip_by_average_norm(x, 1.0).numpy(), x * 2 / 5, rtol=1e-6)
    np.testing.assert_allclose(tf.clip_by_average_norm(x, 10.0).numpy(), x, rtol=1e-6)


def test_global_norm_and_clip_by_global_norm():
    a, b = np.array([3.0], np.float32), np.array([[4.0, 0.0]], np.float32)
    assert tf.global_norm([a, None, b]).numpy() == pytest.approx(5.0)
    out, gn = tf.clip_by_global_norm([tf.constant(a), None, tf.constant(b)], 1.0)
    assert out[1] is None and gn.numpy() == pytest.approx(5.0)
    np.testing.assert_allclose(out[0].numpy(), a / 5, rtol=1e-6)
    np.testing.assert_allclose(out[2].numpy(), b / 5, rtol=1e-6)
    out, _ = tf.clip_by_global_norm([a, b], 10.0)
    np.testing.assert_allclose(out[0].numpy(), a, rtol=1e-6)
    out, gn = tf.clip_by_global_norm([a], 1.0, use_norm=np.float32(np.inf))
    assert np.isnan(out[0].numpy()).all()
    with pytest.raises(TypeError, match="`t_list` should be a sequence"):
        tf.clip_by_global_norm(tf.constant(a), 1.0)

    def ref(x, y):
        n = np.sqrt(np.sum(x * x) + np.sum(y * y))
        return np.concatenate([(x * 1.0 / max(n, 1.0)).ravel(), (y / max(n, 1.0)).ravel()])
    check_op(lambda x, y: tf.concat([tf.reshape(t, [-1]) for t in
                                     tf.clip_by_global_norm([x, y], 1.0)[0]], 0),
             ref, [(2,), (2, 2)])


def test_clip_by_global_norm_in_a_graph():
    w = tf.placeholder(tf.float32, [2])
    loss = tf.reduce_sum(w * w)
    grads = tf.gradients(loss, [w])
    clipped, gn = tf.clip_by_global_norm(grads, 1.0)
    with tf.Session() as sess:
        c, n = sess.run([clipped[0], gn], {w: [3.0, 4.0]})
    assert n == pytest.approx(10.0)
    np.testing.assert_allclose(c, [0.6, 0.8], rtol=1e-6)


# ==================================================================== operators
OPERATORS = [
    ("+", lambda a, b: a + b), ("-", lambda a, b: a - b), ("*", lambda a, b: a * b),
    ("/", lambda a, b: a / b), ("//", lambda a, b: a // b), ("%", lambda a, b: a % b),
    ("**", lambda a, b: a ** b), ("<", lambda a, b: a < b), ("<=", lambda a, b: a <= b),
    (">", lambda a, b: a > b), (">=", lambda a, b: a >= b),
]


@pytest.mark.parametrize("sym,f", OPERATORS, ids=[o[0] for o in OPERATORS])
def test_operators(sym, f):
    a = np.array([[1.5, 2.0, 3.0], [0.5, 4.0, 2.5]], np.float32)
    b = np.array([2.0, 0.5, 1.5], np.float32)
    ta, tb = tf.constant(a), tf.constant(b)
    for got in (f(ta, tb), f(ta, b), f(a, tb)):
        assert isinstance(got, tf.Tensor)
        np.testing.assert_allclose(got.numpy(), f(a, b), rtol=1e-6)
    np.testing.assert_allclose(f(ta, 2.0).numpy(), f(a, np.float32(2.0)), rtol=1e-6)
    np.testing.assert_allclose(f(2.0, ta).numpy(), f(np.float32(2.0), a), rtol=1e-6)
    np.testing.assert_allclose(f(ta, 2).numpy(), f(a, np.float32(2)), rtol=1e-6)


def test_matmul_and_unary_operators():
    a = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    ta = tf.constant(a)
    np.testing.assert_allclose((ta @ ta).numpy(), a @ a)
    np.testing.assert_allclose((ta @ a).numpy(), a @ a)
    np.testing.assert_allclose((a @ ta).numpy(), a @ a)
    np.testing.assert_array_equal((-ta).numpy(), -a)
    np.testing.assert_array_equal(abs(tf.constant([-1.0, 2.0])).numpy(), [1.0, 2.0])


def test_boolean_operators():
    p, q = np.array([True, True, False, False]), np.array([True, False, True, False])
    tp, tq = tf.constant(p), tf.constant(q)
    np.testing.assert_array_equal((tp & tq).numpy(), p & q)
    np.testing.assert_array_equal((tp | tq).numpy(), p | q)
    np.testing.assert_array_equal((tp ^ tq).numpy(), p ^ q)
    np.testing.assert_array_equal((~tp).numpy(), ~p)
    np.testing.assert_array_equal((True & tq).numpy(), q)
    np.testing.assert_array_equal((p | tq).numpy(), p | q)


def test_eager_equality_operator():
    t = tf.constant([1.0, 2.0])
    np.testing.assert_array_equal((t == [1.0, 3.0]).numpy(), [True, False])
    np.testing.assert_array_equal((t != 2.0).numpy(), [True, False])
    assert (t == None) is False  # noqa: E711 - TF2 semantics of ==
    assert (t == tf.constant([1.0, 2.0, 3.0])) is False


def test_operator_names_in_graph_mode():
    x = tf.placeholder(tf.float32, [2], name="x")
    # operators name their nodes in lower case; TF makes names unique ignoring case
    assert tf.add(x, x).op.name == "Add" and (x + x).op.name == "add_1"
    assert (x * x).op.name == "mul" and tf.multiply(x, x).op.name == "Mul_1"
    assert (x - x).op.name == "sub" and tf.subtract(x, x).op.name == "Sub_1"
    assert (x / x).op.name == "truediv" and (x ** 2).op.name == "pow"
    assert (x // x).op.name == "floordiv" and (x % x).op.name == "mod"
    assert (tf.reshape(x, [1, 2]) @ tf.ones([2, 1])).op.name == "matmul"
    assert tf.add(x, x, name="total").op.name == "total"
    assert (x + x).name == "add_2:0"


def test_operator_gradients_through_a_session():
    x = tf.placeholder(tf.float32, [3])
    y = (2.0 - x) * x / 4.0 + x ** 2 - (-x)
    g, = tf.gradients(tf.reduce_sum(y), x)
    xv = np.array([0.5, 1.0, 2.0], np.float32)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: xv}), (2 - 2 * xv) / 4 + 2 * xv + 1, rtol=1e-6)
