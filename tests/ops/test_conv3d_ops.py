"""tf.nn 3-D convolution and pooling: forward vs NumPy loops over the output positions, backward
vs float64 numerical gradients, double backward, argument forms and TF's errors."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op
from neuroflow.ops import conv3d_ops


# ==================================================================== loop references
def _geo(n, k, s, d, padding):
    """(out, pad before) along one axis, as TF computes them."""
    eff = (k - 1) * d + 1
    if padding == "SAME":
        out = -(-n // s)
        return out, max((out - 1) * s + eff - n, 0) // 2
    return (n - eff) // s + 1, 0


def _geos(shape, k, s, d, padding):
    return [_geo(n, kk, ss, dd, padding) for n, kk, ss, dd in zip(shape[1:4], k, s, d)]


def ref_conv3d(x, W, s=(1, 1, 1), padding="SAME", d=(1, 1, 1)):
    """y[n, a, b, c, o] = sum over the in-bounds taps of x[n, a*s + i*d - p, ...] @ W[i, j, l]."""
    k = W.shape[:3]
    (Do, pd), (Ho, ph), (Wo, pw) = _geos(x.shape, k, s, d, padding)
    reach = [(kk - 1) * dd + 1 for kk, dd in zip(k, d)]
    xp = np.pad(x, [(0, 0)] + [(p, max(r, 1) + o * ss) for p, r, o, ss in
                               zip((pd, ph, pw), reach, (Do, Ho, Wo), s)] + [(0, 0)])
    y = np.zeros((x.shape[0], Do, Ho, Wo, W.shape[4]))
    for a in range(Do):
        for b in range(Ho):
            for c in range(Wo):
                win = xp[:, a * s[0]:a * s[0] + reach[0]:d[0], b * s[1]:b * s[1] + reach[1]:d[1],
                         c * s[2]:c * s[2] + reach[2]:d[2], :]
                y[:, a, b, c, :] = np.tensordot(win, W, axes=4)
    return y


def ref_conv3d_transpose(g, W, x_shape, s, padding):
    """The adjoint of ref_conv3d: each gy scattered back through the filter."""
    k = W.shape[:3]
    (Do, pd), (Ho, ph), (Wo, pw) = _geos(x_shape, k, s, (1, 1, 1), padding)
    gxp = np.zeros((x_shape[0],) + tuple(n + kk + o * ss for n, kk, o, ss in
                                         zip(x_shape[1:4], k, (Do, Ho, Wo), s)) + (x_shape[4],))
    for a in range(Do):
        for b in range(Ho):
            for c in range(Wo):
                gxp[:, a * s[0]:a * s[0] + k[0], b * s[1]:b * s[1] + k[1],
                    c * s[2]:c * s[2] + k[2], :] += np.tensordot(g[:, a, b, c, :], W,
                                                                 axes=([1], [4]))
    D, H, Wd = x_shape[1:4]
    return gxp[:, pd:pd + D, ph:ph + H, pw:pw + Wd, :]


def ref_pool3d(x, k, s, padding, fn):
    """fn over each window's in-bounds part (SAME windows never see padding)."""
    (Do, pd), (Ho, ph), (Wo, pw) = _geos(x.shape, k, s, (1, 1, 1), padding)
    y = np.zeros((x.shape[0], Do, Ho, Wo, x.shape[4]))
    for a in range(Do):
        for b in range(Ho):
            for c in range(Wo):
                r = [(o * ss - p) for o, ss, p in zip((a, b, c), s, (pd, ph, pw))]
                win = x[:, max(r[0], 0):r[0] + k[0], max(r[1], 0):r[1] + k[1],
                        max(r[2], 0):r[2] + k[2], :]
                y[:, a, b, c, :] = fn(win, axis=(1, 2, 3))
    return y


def _five(v):
    return [1] + list(v) + [1]


# ==================================================================== conv3d
GEOMETRIES = [  # (input D, H, W), kernel, strides, padding, dilations
    ((3, 4, 4), (2, 2, 2), (1, 1, 1), "SAME", (1, 1, 1)),
    ((4, 5, 3), (3, 2, 2), (2, 2, 1), "SAME", (1, 1, 1)),
    ((4, 4, 5), (2, 3, 2), (1, 2, 2), "VALID", (1, 1, 1)),
    ((5, 4, 4), (2, 2, 2), (1, 1, 1), "VALID", (2, 1, 2)),
    ((4, 3, 4), (2, 2, 3), (1, 1, 1), "SAME", (2, 2, 1)),
    ((3, 3, 4), (1, 1, 1), (2, 1, 2), "VALID", (1, 1, 1)),   # 1x1x1 kernel: no window copy
    ((3, 3, 3), (1, 1, 1), (1, 1, 1), "SAME", (1, 1, 1)),
]


@pytest.mark.parametrize("shape,k,s,p,d", GEOMETRIES)
def test_conv3d(shape, k, s, p, d):
    check_op(lambda x, w: tf.nn.conv3d(x, w, _five(s), p, dilations=_five(d)),
             lambda x, w: ref_conv3d(x, w, s, p, d), [(2,) + shape + (2,), k + (2, 3)])


@pytest.mark.parametrize("shape,k,s,p,d", [GEOMETRIES[1], GEOMETRIES[3]])
def test_conv3d_double_backward(shape, k, s, p, d):
    check_op(lambda x, w: tf.nn.conv3d(x, w, _five(s), p, dilations=_five(d)),
             lambda x, w: ref_conv3d(x, w, s, p, d), [(1,) + shape + (1,), k + (1, 2)],
             double_backward=True)


def test_conv3d_in_batch_chunks(monkeypatch):
    """A batch whose column matrix is over CHUNK_BYTES goes through example by example."""
    rng = np.random.RandomState(0)
    x, w = rng.randn(3, 4, 4, 4, 2), rng.randn(2, 3, 2, 2, 3)
    want = ref_conv3d(x, w, (1, 2, 1), "SAME")
    monkeypatch.setattr(conv3d_ops, "CHUNK_BYTES", 1)
    check_op(lambda x, w: tf.nn.conv3d(x, w, [1, 1, 2, 1, 1], "SAME"),
             lambda x, w: ref_conv3d(x, w, (1, 2, 1), "SAME"), None, inputs=[x, w])
    np.testing.assert_allclose(tf.nn.conv3d(x, w, [1, 1, 2, 1, 1], "SAME").numpy(), want,
                               atol=1e-12)


def test_conv3d_argument_forms_and_ncdhw():
    rng = np.random.RandomState(0)
    x, w = rng.randn(2, 4, 5, 5, 3).astype(np.float32), rng.randn(2, 3, 3, 3, 4).astype(np.float32)
    want = tf.nn.conv3d(x, w, [1, 2, 2, 2, 1], "SAME").numpy()
    np.testing.assert_allclose(want, ref_conv3d(x, w, (2, 2, 2)), rtol=1e-4, atol=1e-4)
    for s in (2, [2], [2, 2, 2]):
        got = tf.nn.conv3d(x, filters=w, strides=s, padding="same").numpy()
        np.testing.assert_allclose(got, want, rtol=1e-6)
    nc = tf.nn.conv3d(x.transpose(0, 4, 1, 2, 3), w, [1, 1, 2, 2, 2], "SAME",
                      data_format="NCDHW")
    np.testing.assert_allclose(nc.numpy().transpose(0, 2, 3, 4, 1), want, rtol=1e-5, atol=1e-5)
    y = tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "VALID", name="c3")
    assert y.shape.as_list() == [2, 3, 3, 3, 4] and y.dtype == tf.float32
    assert tf.nn.convolution(x, w, "VALID").shape.as_list() == [2, 3, 3, 3, 4]


def test_conv3d_ncdhw_gradients():
    check_op(lambda x, w: tf.nn.conv3d(x, w, [1, 1, 2, 1, 1], "SAME", data_format="NCDHW"),
             lambda x, w: ref_conv3d(x.transpose(0, 2, 3, 4, 1), w,
                                     (2, 1, 1)).transpose(0, 4, 1, 2, 3),
             [(1, 2, 3, 3, 2), (2, 2, 2, 2, 2)])


def test_conv3d_errors(graph_mode):
    x = tf.placeholder(tf.float32, [1, 4, 4, 4, 3])
    w = tf.zeros([2, 2, 2, 3, 4])
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tf.nn.conv3d(x, tf.zeros([2, 2, 2, 2, 4]), [1, 1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="Negative dimension size"):
        tf.nn.conv3d(x, tf.zeros([5, 2, 2, 3, 4]), [1, 1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match="batch and depth dimensions"):
        tf.nn.conv3d(x, w, [2, 1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match=r"a list of 1, 3 or 5 ints. Received: strides=\[1, 1\]"):
        tf.nn.conv3d(x, w, [1, 1], "SAME")
    with pytest.raises(ValueError, match="Invalid value for argument `padding`"):
        tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "FULL")
    with pytest.raises(ValueError, match=r"argument `data_format`: expected one of \['NDHWC'"):
        tf.nn.conv3d(x, w, [1, 1, 1, 1, 1], "SAME", data_format="NHWC")
    with pytest.raises(TypeError, match="does not match"):
        tf.nn.conv3d(x, tf.zeros([2, 2, 2, 3, 4], tf.float64), [1, 1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="Shape must be rank 5 but is rank 4 for 'Conv3D'"):
        tf.nn.conv3d(tf.zeros([1, 4, 4, 3]), w, [1, 1, 1, 1, 1], "SAME")
    with pytest.raises(TypeError, match="missing required arguments"):
        tf.nn.conv3d(x, w)


def test_conv3d_eager_errors():
    x = tf.zeros([1, 4, 4, 4, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input depth must be equal"):
        tf.nn.conv3d(x, tf.zeros([2, 2, 2, 2, 4]), [1, 1, 1, 1, 1], "SAME")
    with pytest.raises(tf.errors.InvalidArgumentError, match="output size would be negative"):
        tf.nn.conv3d(x, tf.zeros([5, 2, 2, 3, 4]), [1, 1, 1, 1, 1], "VALID")
    with pytest.raises(TypeError, match="DataType int32 not in list"):
        tf.nn.conv3d(tf.zeros([1, 4, 4, 4, 3], tf.int32), tf.zeros([2, 2, 2, 3, 4], tf.int32),
                     [1, 1, 1, 1, 1], "SAME")


def test_conv3d_graph_mode_unknown_sizes(graph_mode):
    """Static shapes with an unknown batch; gradients when the spatial sizes are fed too."""
    rng = np.random.RandomState(0)
    xv, wv = rng.randn(2, 4, 5, 4, 2), rng.randn(3, 2, 2, 2, 3)
    w = tf.constant(wv)
    for shape in ([None, 4, 5, 4, 2], [None, None, None, None, 2]):
        x = tf.placeholder(tf.float64, shape)
        y = tf.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME")
        assert y.shape.as_list() == ([None, 2, 5, 2, 3] if shape[1] else [None] * 4 + [3])
        gx, gw = tf.gradients(tf.reduce_sum(y * y), [x, w])
        assert gx.shape.as_list() == shape and gw.shape.as_list() == [3, 2, 2, 2, 3]
        with tf.Session() as sess:
            out, a, b = sess.run([y, gx, gw], {x: xv})
        np.testing.assert_allclose(out, ref_conv3d(xv, wv, (2, 1, 2)), atol=1e-10)
        assert a.shape == xv.shape and b.shape == wv.shape


# ==================================================================== conv3d_transpose
@pytest.mark.parametrize("x_shape,k,s,p", [((1, 4, 4, 3, 2), (2, 2, 2), (2, 2, 1), "SAME"),
                                           ((2, 5, 3, 4, 1), (3, 2, 2), (2, 1, 2), "VALID")])
def test_conv3d_transpose(x_shape, k, s, p):
    g_shape = (x_shape[0],) + tuple(o for o, _ in _geos(x_shape, k, s, (1, 1, 1), p)) + (3,)
    check_op(lambda g, w: tf.nn.conv3d_transpose(g, w, list(x_shape), _five(s), p),
             lambda g, w: ref_conv3d_transpose(g, w, x_shape, s, p),
             [g_shape, k + (x_shape[4], 3)], double_backward=x_shape[0] == 1)


def test_conv3d_transpose_fed_output_shape_and_errors(graph_mode):
    rng = np.random.RandomState(0)
    gv, wv = rng.randn(2, 2, 2, 2, 3), rng.randn(2, 2, 2, 4, 3)
    g = tf.placeholder(tf.float64, [None, 2, 2, 2, 3])
    out = tf.stack([tf.shape(g)[0], 4, 4, 4, 4])
    y = tf.nn.conv3d_transpose(g, tf.constant(wv), out, [1, 2, 2, 2, 1], "SAME")
    with tf.Session() as sess:
        got = sess.run(y, {g: gv})
    np.testing.assert_allclose(got, ref_conv3d_transpose(gv, wv, (2, 4, 4, 4, 4), (2, 2, 2),
                                                         "SAME"), atol=1e-10)
    with pytest.raises(ValueError, match="output_shape does not match filter's output channels"):
        tf.nn.conv3d_transpose(g, tf.constant(wv), [2, 4, 4, 4, 5], [1, 2, 2, 2, 1], "SAME")
    with pytest.raises(ValueError, match="input channels does not match"):
        tf.nn.conv3d_transpose(g, tf.zeros([2, 2, 2, 4, 2], tf.float64), [2, 4, 4, 4, 4], 2)


# ==================================================================== pooling
POOLS = [  # (input D, H, W), ksize, strides, padding
    ((4, 4, 4), (2, 2, 2), (2, 2, 2), "VALID"),
    ((5, 4, 3), (2, 2, 2), (2, 2, 2), "SAME"),
    ((4, 5, 5), (3, 3, 2), (1, 2, 2), "SAME"),
    ((4, 5, 4), (2, 3, 2), (2, 1, 1), "VALID"),
]


@pytest.mark.parametrize("shape,k,s,p", POOLS)
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool3d(shape, k, s, p, kind):
    fn = tf.nn.max_pool3d if kind == "max" else tf.nn.avg_pool3d
    check_op(lambda x: fn(x, _five(k), _five(s), p),
             lambda x: ref_pool3d(x, k, s, p, np.max if kind == "max" else np.mean),
             [(2,) + shape + (2,)])


def _argmax_gather(x, v, k, s, padding):
    """v at each window's (first) maximum of x: the adjoint of routing gradients to it."""
    (Do, pd), (Ho, ph), (Wo, pw) = _geos(x.shape, k, s, (1, 1, 1), padding)
    y = np.zeros((x.shape[0], Do, Ho, Wo, x.shape[4]))
    xp = np.pad(x, [(0, 0)] + [(p, kk + o * ss) for p, kk, o, ss in
                               zip((pd, ph, pw), k, (Do, Ho, Wo), s)] + [(0, 0)],
                constant_values=-np.inf)
    vp = np.pad(v, [(0, 0)] + [(p, kk + o * ss) for p, kk, o, ss in
                               zip((pd, ph, pw), k, (Do, Ho, Wo), s)] + [(0, 0)])
    for a in range(Do):
        for b in range(Ho):
            for c in range(Wo):
                sl = (slice(None), slice(a * s[0], a * s[0] + k[0]),
                      slice(b * s[1], b * s[1] + k[1]), slice(c * s[2], c * s[2] + k[2]))
                wx = xp[sl].reshape(x.shape[0], -1, x.shape[4])
                wv = vp[sl].reshape(x.shape[0], -1, x.shape[4])
                y[:, a, b, c, :] = np.take_along_axis(wv, wx.argmax(axis=1)[:, None], 1)[:, 0]
    return y


@pytest.mark.parametrize("shape,k,s,p", [POOLS[1], POOLS[2]])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool3d_gradient_of_gradient(graph_mode, shape, k, s, p, kind):
    """d/du sum(v * d/dx sum(u * pool(x))): the pool gradient's own gradient in the upstream
    gradient (MaxPool3DGradGrad gathers v at the argmax, AvgPool3DGrad's is an average pool)."""
    rng = np.random.RandomState(0)
    xv, vv = rng.randn(2, *shape, 3), rng.randn(2, *shape, 3)
    fn = tf.nn.max_pool3d if kind == "max" else tf.nn.avg_pool3d
    x = tf.constant(xv)
    y = fn(x, k, s, p)
    u = tf.placeholder(tf.float64, y.shape)
    gx = tf.gradients(tf.reduce_sum(y * u), x)[0]
    gu = tf.gradients(tf.reduce_sum(gx * tf.constant(vv)), u)[0]
    with tf.Session() as sess:
        got = sess.run(gu, {u: np.ones(y.shape.as_list())})
    want = _argmax_gather(xv, vv, k, s, p) if kind == "max" else ref_pool3d(vv, k, s, p, np.mean)
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_max_pool3d_ties_route_to_the_first_maximum():
    x = np.zeros((1, 2, 2, 2, 1))
    with tf.GradientTape() as tape:
        t = tf.constant(x)
        tape.watch(t)
        y = tf.nn.max_pool3d(t, 2, 2, "VALID")
    g = tape.gradient(y, t).numpy()
    assert g[0, 0, 0, 0, 0] == 1 and g.sum() == 1


def test_pool3d_argument_forms_ncdhw_and_errors():
    x = np.random.RandomState(0).randn(2, 4, 4, 6, 3).astype(np.float32)
    want = ref_pool3d(x, (2, 2, 3), (2, 2, 3), "VALID", np.max)
    for k in ([1, 2, 2, 3, 1], [2, 2, 3]):
        np.testing.assert_allclose(tf.nn.max_pool3d(x, k, k, "VALID").numpy(), want, rtol=1e-6)
    nc = tf.nn.avg_pool3d(x.transpose(0, 4, 1, 2, 3), [1, 1, 2, 2, 2], [1, 1, 1, 1, 1], "SAME",
                          data_format="NCDHW")
    np.testing.assert_allclose(nc.numpy().transpose(0, 2, 3, 4, 1),
                               ref_pool3d(x, (2, 2, 2), (1, 1, 1), "SAME", np.mean), rtol=1e-5)
    assert tf.nn.pool(x, [2, 2, 2], "AVG", "VALID", strides=[2, 2, 2]).shape.as_list() == \
        [2, 2, 2, 3, 3]
    with pytest.raises(ValueError, match="Shape must be rank 5 but is rank 4 for 'MaxPool3D'"):
        tf.nn.max_pool3d(x[0], 2, 2, "VALID")
    with pytest.raises(ValueError, match="batch and depth dimensions"):
        tf.nn.avg_pool3d(x, [1, 2, 2, 2, 2], 1, "VALID")
    with pytest.raises(tf.errors.InvalidArgumentError, match="output size would be negative"):
        tf.nn.max_pool3d(x, [5, 1, 1], 1, "VALID")


def test_pool3d_graph_mode_static_shapes(graph_mode):
    x = tf.placeholder(tf.float32, [None, 5, 4, 3, 2])
    assert tf.nn.max_pool3d(x, 2, 2, "SAME").shape.as_list() == [None, 3, 2, 2, 2]
    assert tf.nn.avg_pool3d(x, 2, 2, "VALID").shape.as_list() == [None, 2, 2, 1, 2]
    with pytest.raises(ValueError, match="Negative dimension size"):
        tf.nn.max_pool3d(x, [4, 1, 4], 1, "VALID")


def test_kernels_on_cupy_arrays():
    """Every 3-D kernel gives the same result on CuPy arrays (skipped without CuPy)."""
    cp = pytest.importorskip("cupy")
    from neuroflow.core import backend
    backend._load_cupy()
    rng = np.random.RandomState(0)

    def r(*s):
        return rng.randn(*s).astype(np.float32)
    x, w = r(2, 5, 4, 6, 3), r(3, 2, 3, 3, 4)
    pool = conv3d_ops.MaxPool3D((2, 2, 2), (2, 2, 2), "SAME")
    y, idx = pool.forward(x)
    cases = [
        (conv3d_ops.Conv3D((2, 1, 2), "SAME"), (x, w)),
        (conv3d_ops.Conv3D((1, 1, 1), "VALID", (2, 1, 1)), (x, w)),
        (conv3d_ops.Conv3D((2, 2, 2), "VALID"), (x, r(1, 1, 1, 3, 2))),
        (conv3d_ops.Conv3DBackpropInput((2, 1, 2), "SAME", x_shape=x.shape), (r(2, 3, 4, 3, 4), w)),
        (conv3d_ops.Conv3DBackpropFilter((2, 1, 2), "SAME", kshape=w.shape),
         (x, r(2, 3, 4, 3, 4))),
        (pool, (x,)), (conv3d_ops.MaxPool3DGrad((2, 2, 2), (2, 2, 2), "SAME"), (y, idx, x)),
        (conv3d_ops.MaxPool3DGradGrad((2, 2, 2), (2, 2, 2), "SAME"), (x, idx)),
        (conv3d_ops.AvgPool3D((3, 2, 3), (2, 1, 2), "SAME"), (x,)),
        (conv3d_ops.AvgPool3DGrad((3, 2, 3), (2, 1, 2), "SAME"), (r(2, 3, 4, 3, 3), x)),
    ]
    for op, args in cases:
        want = op.forward(*args)
        got = op.forward(*[cp.asarray(a) for a in args])
        want = want if isinstance(want, tuple) else (want,)
        got = got if isinstance(got, tuple) else (got,)
        for a, g in zip(want, got):
            assert isinstance(g, cp.ndarray), op.type
            np.testing.assert_allclose(cp.asnumpy(g), a, rtol=1e-4, atol=1e-4, err_msg=op.type)
