"""The tf.math and tf.linalg namespaces, and the TF1 top-level spellings: every alias is called."""
import numpy as np
import pytest
import scipy.special as sp

import neuroflow as tf

X = np.array([[0.5, 1.5], [2.0, 0.25]], np.float32)
Y = np.array([[1.0, 0.5], [0.75, 2.0]], np.float32)
B = np.array([[True, False], [True, True]])
I = np.array([[3, 1], [2, 5]], np.int32)

# name -> (arguments, NumPy reference of the result)
MATH_CALLS = {
    "abs": ((-X,), np.abs(X)), "acos": ((X / 4,), np.arccos(X / 4)),
    "acosh": ((X + 1,), np.arccosh(X + 1)), "add": ((X, Y), X + Y),
    "add_n": (([X, Y, X],), 2 * X + Y),
    "accumulate_n": (([X, Y],), X + Y), "asin": ((X / 4,), np.arcsin(X / 4)),
    "asinh": ((X,), np.arcsinh(X)), "atan": ((X,), np.arctan(X)),
    "atan2": ((X, Y), np.arctan2(X, Y)),
    "atanh": ((X / 4,), np.arctanh(X / 4)), "ceil": ((X,), np.ceil(X)), "cos": ((X,), np.cos(X)),
    "cosh": ((X,), np.cosh(X)), "cumsum": ((X,), np.cumsum(X, 0)),
    "cumprod": ((X,), np.cumprod(X, 0)),
    "divide": ((X, Y), X / Y), "divide_no_nan": ((X, Y), X / Y), "equal": ((X, Y), X == Y),
    "exp": ((X,), np.exp(X)), "expm1": ((X,), np.expm1(X)), "floor": ((X,), np.floor(X)),
    "floordiv": ((X, Y), X // Y), "floormod": ((X, Y), np.mod(X, Y)), "greater": ((X, Y), X > Y),
    "greater_equal": ((X, Y), X >= Y), "is_finite": ((X,), np.isfinite(X)),
    "is_inf": ((X,), np.isinf(X)), "is_nan": ((X,), np.isnan(X)), "less": ((X, Y), X < Y),
    "less_equal": ((X, Y), X <= Y), "log": ((X,), np.log(X)), "log1p": ((X,), np.log1p(X)),
    "log_sigmoid": ((X,), -np.log1p(np.exp(-X))), "logical_and": ((B, ~B), B & ~B),
    "logical_not": ((B,), ~B), "logical_or": ((B, ~B), B | ~B), "logical_xor": ((B, B), B ^ B),
    "maximum": ((X, Y), np.maximum(X, Y)), "minimum": ((X, Y), np.minimum(X, Y)),
    "mod": ((I, I.T), np.mod(I, I.T)), "multiply": ((X, Y), X * Y),
    "multiply_no_nan": ((X, Y), X * Y), "negative": ((X,), -X), "not_equal": ((X, Y), X != Y),
    "pow": ((X, Y), X ** Y), "reciprocal": ((X,), 1 / X), "reciprocal_no_nan": ((X,), 1 / X),
    "reduce_all": ((B,), B.all()), "reduce_any": ((B,), B.any()),
    "reduce_euclidean_norm": ((X,), np.sqrt((X * X).sum())),
    "reduce_logsumexp": ((X,), np.log(np.exp(X).sum())), "reduce_max": ((X,), X.max()),
    "reduce_mean": ((X,), X.mean()), "reduce_min": ((X,), X.min()), "reduce_prod": ((X,), X.prod()),
    "reduce_std": ((X,), X.std()), "reduce_sum": ((X,), X.sum()),
    "reduce_variance": ((X,), X.var()),
    "rint": ((X,), np.rint(X)), "round": ((X,), np.round(X)), "rsqrt": ((X,), 1 / np.sqrt(X)),
    "scalar_mul": ((2.0, X), 2 * X), "sigmoid": ((X,), 1 / (1 + np.exp(-X))),
    "sign": ((X - 1,), np.sign(X - 1)), "sin": ((X,), np.sin(X)), "sinh": ((X,), np.sinh(X)),
    "sqrt": ((X,), np.sqrt(X)), "square": ((X,), X * X),
    "squared_difference": ((X, Y), (X - Y) ** 2), "subtract": ((X, Y), X - Y),
    "tan": ((X,), np.tan(X)), "tanh": ((X,), np.tanh(X)), "truediv": ((I, I.T), I / I.T),
    "truncatediv": ((I, I.T), I // I.T), "truncatemod": ((I, I.T), np.fmod(I, I.T)),
    "xdivy": ((X, Y), X / Y), "xlogy": ((X, Y), X * np.log(Y)),
    "xlog1py": ((X, Y), X * np.log1p(Y)),
    "argmax": ((X, 1), X.argmax(1)), "argmin": ((X, 1), X.argmin(1)),
    "count_nonzero": ((I - 1,), np.count_nonzero(I - 1)),
    "bincount": ((I,), np.bincount(I.ravel())),
    "confusion_matrix": (([0, 1], [1, 1]), [[0, 1], [0, 1]]), "polyval": (([1.0, 2.0], X), X + 2),
    "zero_fraction": ((I - 1,), np.mean(I == 1)),
    "is_non_decreasing": ((X,), False), "is_strictly_increasing": (([1, 2],), True),
    "matmul": ((X, Y), X @ Y), "tensordot": ((X, Y, 1), X @ Y), "einsum": (("ij,jk", X, Y), X @ Y),
    "norm": ((X,), np.sqrt((X * X).sum())), "cast": ((X, tf.int32), X.astype(np.int32)),
    "saturate_cast": ((X * 300, tf.uint8), np.clip(X * 300, 0, 255).astype(np.uint8)),
    "realdiv": ((X, Y), X / Y), "conj": ((X,), X), "real": ((X,), X), "imag": ((X,), 0 * X),
    "clip_by_value": ((X, 0.5, 1.0), np.clip(X, 0.5, 1.0)),
    "clip_by_norm": ((X, 100.0), X), "global_norm": (([X],), np.sqrt((X * X).sum())),
}
SPECIAL = ["erf", "erfc", "erfinv", "ndtri", "lgamma", "digamma"]


@pytest.mark.parametrize("name", sorted(MATH_CALLS))
def test_tf_math_name(name):
    args, want = MATH_CALLS[name]
    got = getattr(tf.math, name)(*args)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5)


@pytest.mark.parametrize("name", SPECIAL)
def test_tf_math_special_functions(name):
    ref = {"lgamma": sp.gammaln}.get(name) or getattr(sp, name)
    x = X / 4 + 0.1
    np.testing.assert_allclose(getattr(tf.math, name)(x).numpy(), ref(x), rtol=1e-5)
    np.testing.assert_allclose(tf.math.polygamma(1, x).numpy(), sp.polygamma(1, x), rtol=1e-5)


def test_clip_by_global_norm_via_tf_math():
    out, gn = tf.math.clip_by_global_norm([X], 1.0)  # not a TF name there, but importable
    assert gn.numpy() == pytest.approx(np.sqrt((X * X).sum()))


def test_tf_math_all_is_empty_and_star_import_adds_nothing():
    import neuroflow.math as m
    assert m.__all__ == []
    ns = {}
    exec("from neuroflow.math import *", ns)
    assert set(ns) == {"__builtins__"}


def test_tf2_only_names_stay_out_of_the_top_level():
    for name in ["reduce_std", "reduce_variance", "reduce_euclidean_norm", "erfinv", "ndtri",
                 "xlog1py", "reciprocal_no_nan", "polyval", "zero_fraction", "matvec"]:
        assert not hasattr(tf, name), name


def test_tf_math_nn_names_resolve_lazily():
    import neuroflow.nn as nn
    for name in ["softplus", "softsign", "softmax", "log_softmax", "l2_normalize"]:
        if not hasattr(nn, name):
            with pytest.raises(NotImplementedError, match=f"tf.math.{name}"):
                getattr(tf.math, name)
        else:
            assert getattr(tf.math, name) is getattr(nn, name)


def test_unsupported_and_unknown_names():
    with pytest.raises(NotImplementedError, match="tf.math.zeta is not supported"):
        tf.math.zeta
    with pytest.raises(NotImplementedError, match="tf.linalg.svd is not supported"):
        tf.linalg.svd
    assert not hasattr(tf.math, "no_such_op")
    assert not hasattr(tf.linalg, "no_such_op")
    with pytest.raises(AttributeError, match="no attribute 'no_such_op'"):
        tf.math.no_such_op


LINALG_CALLS = {
    "matmul": ((X, Y), X @ Y), "matvec": ((X, Y[0]), X @ Y[0]), "transpose": ((X,), X.T),
    "matrix_transpose": ((X,), X.T), "adjoint": ((X,), X.T), "inv": ((Y,), np.linalg.inv(Y)),
    "det": ((Y,), np.linalg.det(Y)), "diag": ((X[0],), np.diag(X[0])),
    "diag_part": ((X,), np.diag(X)), "tensor_diag": ((X[0],), np.diag(X[0])),
    "tensor_diag_part": ((X,), np.diag(X)), "set_diag": ((X, [0.0, 0.0]), X * (1 - np.eye(2))),
    "band_part": ((X, 0, 0), X * np.eye(2)), "trace": ((X,), np.trace(X)),
    "eye": ((2,), np.eye(2)), "norm": ((X,), np.sqrt((X * X).sum())),
    "tensordot": ((X, Y, 1), X @ Y), "einsum": (("ij,jk->ik", X, Y), X @ Y),
    "global_norm": (([X],), np.sqrt((X * X).sum())),
}


@pytest.mark.parametrize("name", sorted(LINALG_CALLS))
def test_tf_linalg_name(name):
    args, want = LINALG_CALLS[name]
    np.testing.assert_allclose(getattr(tf.linalg, name)(*args).numpy(), want, rtol=1e-5)


def test_tf_linalg_all_is_empty():
    import neuroflow.linalg as la
    assert la.__all__ == []


def test_tf_linalg_l2_normalize_comes_from_nn():
    import neuroflow.nn as nn
    if not hasattr(nn, "l2_normalize"):
        pytest.skip("tf.nn.l2_normalize is not in this checkout yet")
    np.testing.assert_allclose(tf.linalg.l2_normalize(X, axis=1).numpy(),
                               X / np.sqrt((X * X).sum(1, keepdims=True)), rtol=1e-5)


TOP_LEVEL_TF1 = {
    "matrix_inverse": ((Y,), np.linalg.inv(Y)), "matrix_determinant": ((Y,), np.linalg.det(Y)),
    "matrix_transpose": ((X,), X.T), "matrix_diag": ((X[0],), np.diag(X[0])),
    "matrix_diag_part": ((X,), np.diag(X)),
    "matrix_set_diag": ((X, [1.0, 1.0]), X - np.diag(np.diag(X)) + np.eye(2)),
    "matrix_band_part": ((X, -1, 0), np.tril(X)), "diag": ((X[0],), np.diag(X[0])),
    "diag_part": ((X,), np.diag(X)), "trace": ((X,), np.trace(X)), "eye": ((2,), np.eye(2)),
    "norm": ((X,), np.sqrt((X * X).sum())), "tensordot": ((X, Y, 1), X @ Y),
    "einsum": (("ij,jk->ik", X, Y), X @ Y), "div": ((I, I.T), I // I.T),
    "div_no_nan": ((X, Y), X / Y), "floor_div": ((X, Y), X // Y), "neg": ((X,), -X),
    "to_float": ((I,), I.astype(np.float32)), "to_double": ((I,), I.astype(np.float64)),
    "to_int32": ((X,), X.astype(np.int32)), "to_int64": ((X,), X.astype(np.int64)),
    "select": ((B, X, Y), np.where(B, X, Y)), "where": ((B, X, Y), np.where(B, X, Y)),
    "where_v2": ((B, X, Y), np.where(B, X, Y)), "select_v2": ((B, X, Y), np.where(B, X, Y)),
    "clip_by_average_norm": ((X, 100.0), X),
    "global_norm": (([X, Y],), np.sqrt((X * X + Y * Y).sum())),
    "log_sigmoid": ((X,), -np.log1p(np.exp(-X))), "erf": ((X,), sp.erf(X)),
    "polygamma": ((1, X), sp.polygamma(1, X)),
    "is_non_decreasing": (([1, 1, 2],), True), "bincount": (([0, 2],), [1, 0, 1]),
    "confusion_matrix": (([1], [0]), [[0, 0], [1, 0]]), "count_nonzero": (([0, 3],), 1),
}


@pytest.mark.parametrize("name", sorted(TOP_LEVEL_TF1))
def test_tf1_top_level_name(name):
    args, want = TOP_LEVEL_TF1[name]
    np.testing.assert_allclose(np.asarray(getattr(tf, name)(*args)), np.asarray(want), rtol=1e-5)
