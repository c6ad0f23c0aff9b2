"""tf.nn convolutions and pooling: forward vs naive loops, backward vs numerical gradients."""
import numpy as np
import pytest

import neuroflow as tf
from helpers import check_op
from neuroflow.ops import conv_ops


# ==================================================================== naive references
def _geo(n, k, s, d, padding):
    eff = (k - 1) * d + 1
    if padding == "SAME":
        out = -(-n // s)
        return out, max((out - 1) * s + eff - n, 0) // 2
    if padding == "VALID":
        return (n - eff) // s + 1, 0
    return (n + padding[0] + padding[1] - eff) // s + 1, padding[0]


def ref_conv(x, W, strides=(1, 1), padding="SAME", dil=(1, 1)):
    """y[n, a, b, o] = sum over taps (i, j) in bounds of x[n, a*s + i*d - p, ...] @ W[i, j]."""
    n, H, Wd, _ = x.shape
    kh, kw, _, O = W.shape
    ph, pw = (padding, padding) if isinstance(padding, str) else padding
    Ho, pt = _geo(H, kh, strides[0], dil[0], ph)
    Wo, pl = _geo(Wd, kw, strides[1], dil[1], pw)
    y = np.zeros((n, Ho, Wo, O))
    for a in range(Ho):
        for b in range(Wo):
            for i in range(kh):
                for j in range(kw):
                    r, c = a * strides[0] + i * dil[0] - pt, b * strides[1] + j * dil[1] - pl
                    if 0 <= r < H and 0 <= c < Wd:
                        y[:, a, b, :] += x[:, r, c, :] @ W[i, j]
    return y


def ref_conv_transpose(g, W, x_shape, strides, padding):
    """The adjoint of ref_conv: each gy scattered back through the filter."""
    n, H, Wd, C = x_shape
    kh, kw = W.shape[:2]
    Ho, pt = _geo(H, kh, strides[0], 1, padding)
    Wo, pl = _geo(Wd, kw, strides[1], 1, padding)
    gx = np.zeros(x_shape)
    for a in range(Ho):
        for b in range(Wo):
            for i in range(kh):
                for j in range(kw):
                    r, c = a * strides[0] + i - pt, b * strides[1] + j - pl
                    if 0 <= r < H and 0 <= c < Wd:
                        gx[:, r, c, :] += g[:, a, b, :] @ W[i, j].T
    return gx


def ref_pool(x, k, s, padding, kind):
    n, H, Wd, C = x.shape
    Ho, pt = _geo(H, k[0], s[0], 1, padding)
    Wo, pl = _geo(Wd, k[1], s[1], 1, padding)
    y = np.zeros((n, Ho, Wo, C))
    for a in range(Ho):
        for b in range(Wo):
            r0, c0 = a * s[0] - pt, b * s[1] - pl
            win = x[:, max(r0, 0):r0 + k[0], max(c0, 0):c0 + k[1], :]
            y[:, a, b, :] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return y


def ref_depthwise(x, W, strides, padding, dil=(1, 1)):
    C = W.shape[2]
    outs = [ref_conv(x[..., c:c + 1], W[:, :, c:c + 1, :], strides, padding, dil)
            for c in range(C)]
    return np.concatenate(outs, axis=-1)


# ==================================================================== conv2d
GEOMETRIES = [  # (H, W, k, stride, padding, dilation)
    (5, 5, 3, 1, "SAME", 1),
    (5, 4, 3, 2, "SAME", 1),
    (6, 6, 2, 2, "VALID", 1),
    (7, 6, 3, 3, "SAME", 1),
    (6, 7, 4, 3, "VALID", 1),
    (6, 6, 2, 1, "SAME", 1),     # even kernel: SAME pads 0 before, 1 after
    (7, 7, 3, 1, "SAME", 2),
    (8, 7, 3, 1, "VALID", 2),
    (6, 6, 3, 2, ((1, 2), (0, 1)), 1),
    (4, 4, 3, 1, ((3, 0), (2, 2)), 1),  # explicit padding wider than the kernel's reach
]


def _tf_pad(p):
    return p if isinstance(p, str) else [[0, 0], list(p[0]), list(p[1]), [0, 0]]


@pytest.mark.parametrize("H,W,k,s,p,d", GEOMETRIES)
def test_conv2d(H, W, k, s, p, d):
    check_op(lambda x, w: tf.nn.conv2d(x, w, [1, s, s, 1], _tf_pad(p), dilations=[1, d, d, 1]),
             lambda x, w: ref_conv(x, w, (s, s), p, (d, d)), [(2, H, W, 2), (k, k, 2, 3)])


@pytest.mark.parametrize("H,W,k,s,p,d", [GEOMETRIES[1], GEOMETRIES[6], GEOMETRIES[9]])
def test_conv2d_double_backward(H, W, k, s, p, d):
    check_op(lambda x, w: tf.nn.conv2d(x, w, [1, s, s, 1], _tf_pad(p), dilations=[1, d, d, 1]),
             lambda x, w: ref_conv(x, w, (s, s), p, (d, d)), [(1, H, W, 2), (k, k, 2, 2)],
             double_backward=True)


def test_course_worked_example():
    # 5x5 input, 3x3 filter, zero padding 1, stride 2: (5 - 3 + 2 * 1) / 2 + 1 = 3
    x = np.arange(25, dtype=np.float32).reshape(1, 5, 5, 1)
    w = np.ones((3, 3, 1, 1), np.float32)
    explicit = tf.nn.conv2d(x, w, [1, 2, 2, 1], [[0, 0], [1, 1], [1, 1], [0, 0]])
    same = tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME")
    assert explicit.shape.as_list() == [1, 3, 3, 1]
    np.testing.assert_array_equal(explicit.numpy(), same.numpy())
    # top-left window covers x[0:2, 0:2] (the rest is padding); centre covers x[1:4, 1:4]
    assert explicit.numpy()[0, 0, 0, 0] == 0 + 1 + 5 + 6
    assert explicit.numpy()[0, 1, 1, 0] == x[0, 1:4, 1:4, 0].sum()


@pytest.mark.parametrize("W,K,P,S", [(5, 3, 1, 2), (28, 3, 1, 1), (7, 3, 0, 2), (32, 5, 2, 1),
                                     (227, 11, 0, 4), (9, 4, 1, 3)])
def test_output_size_formula(W, K, P, S):
    x = tf.zeros([1, W, W, 1])
    y = tf.nn.conv2d(x, tf.zeros([K, K, 1, 1]), [1, S, S, 1], [[0, 0], [P, P], [P, P], [0, 0]])
    assert y.shape.as_list()[1:3] == [(W - K + 2 * P) // S + 1] * 2


def test_same_padding_is_tfs_asymmetric_split():
    # 4 wide, kernel 2, stride 2 -> no padding; 5 wide, kernel 4, stride 1 -> 1 before, 2 after
    assert conv_ops.out_size(4, 2, 2, 1, "SAME") == (2, 0, 0)
    assert conv_ops.out_size(5, 4, 1, 1, "SAME") == (5, 1, 2)
    assert conv_ops.out_size(7, 3, 2, 2, "SAME") == (4, 2, 2)
    x = np.random.RandomState(1).randn(1, 5, 5, 1)
    w = np.random.RandomState(2).randn(4, 4, 1, 1)
    np.testing.assert_allclose(tf.nn.conv2d(x, w, 1, "SAME").numpy(), ref_conv(x, w), atol=1e-12)


def test_conv2d_fused_bias_relu_op():
    def fn(x, w, b):
        return conv_ops.Conv2D((2, 1), "SAME", bias=True, relu=True)._build((x, w, b))
    check_op(fn, lambda x, w, b: np.maximum(ref_conv(x, w, (2, 1)) + b, 0),
             [(2, 5, 4, 2), (3, 3, 2, 3), (3,)], double_backward=True)


def test_conv2d_nchw_matches_nhwc():
    rng = np.random.RandomState(0)
    x, w = rng.randn(2, 7, 6, 3).astype(np.float32), rng.randn(3, 3, 3, 4).astype(np.float32)
    a = tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME")
    b = tf.nn.conv2d(x.transpose(0, 3, 1, 2), w, [1, 1, 2, 2], "SAME", data_format="NCHW")
    np.testing.assert_allclose(b.numpy().transpose(0, 2, 3, 1), a.numpy(), rtol=1e-5, atol=1e-5)
    check_op(lambda x, w: tf.nn.conv2d(x, w, [1, 1, 2, 1], "SAME", data_format="NCHW"),
             lambda x, w: ref_conv(x.transpose(0, 2, 3, 1), w, (2, 1)).transpose(0, 3, 1, 2),
             [(1, 2, 5, 4), (3, 2, 2, 2)])


def test_conv2d_argument_forms():
    rng = np.random.RandomState(0)
    x, w = rng.randn(1, 6, 6, 2).astype(np.float32), rng.randn(3, 3, 2, 2).astype(np.float32)
    want = tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME").numpy()
    for s in (2, [2], [2, 2]):
        np.testing.assert_allclose(tf.nn.conv2d(x, filters=w, strides=s, padding="SAME").numpy(),
                                   want)
    assert tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME", name="c1").dtype == tf.float32


def test_conv2d_errors(graph_mode):
    x = tf.placeholder(tf.float32, [1, 5, 5, 3])
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tf.nn.conv2d(x, tf.zeros([3, 3, 2, 4]), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="Negative dimension size"):
        tf.nn.conv2d(x, tf.zeros([7, 7, 3, 4]), [1, 1, 1, 1], "VALID")
    with pytest.raises(ValueError, match="batch and depth dimensions"):
        tf.nn.conv2d(x, tf.zeros([3, 3, 3, 4]), [2, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="Invalid value for argument `padding`"):
        tf.nn.conv2d(x, tf.zeros([3, 3, 3, 4]), [1, 1, 1, 1], "FULL")
    with pytest.raises(TypeError, match="does not match"):
        tf.nn.conv2d(x, tf.zeros([3, 3, 3, 4], tf.float64), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="Shape must be rank 4 but is rank 3"):
        tf.nn.conv2d(x, tf.zeros([3, 3, 3]), [1, 1, 1, 1], "SAME")


def test_conv2d_eager_errors():
    x = tf.zeros([1, 5, 5, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="evenly divisible by filter depth"):
        tf.nn.conv2d(x, tf.zeros([3, 3, 2, 4]), [1, 1, 1, 1], "SAME")
    with pytest.raises(tf.errors.InvalidArgumentError, match="output size would be negative"):
        tf.nn.conv2d(x, tf.zeros([7, 7, 3, 4]), [1, 1, 1, 1], "VALID")


def test_conv2d_graph_mode_unknown_batch(graph_mode):
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    w = tf.Variable(tf.random_normal([3, 3, 1, 32], stddev=0.01))
    y = tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")
    assert y.shape.as_list() == [None, 28, 28, 32]
    g = tf.gradients(tf.reduce_sum(y), [x, w])
    assert g[0].shape.as_list() == [None, 28, 28, 1]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        xv = np.random.rand(3, 28, 28, 1).astype(np.float32)
        yv, gx, gw = sess.run([y, g[0], g[1]], {x: xv})
        wv = sess.run(w)
    assert yv.shape == (3, 28, 28, 32) and yv.dtype == np.float32
    np.testing.assert_allclose(yv, ref_conv(xv.astype(np.float64), wv.astype(np.float64)),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(gx, ref_conv_transpose(np.ones((3, 28, 28, 32)), wv, xv.shape,
                                                      (1, 1), "SAME"), rtol=1e-4, atol=1e-5)
    assert gw.shape == (3, 3, 1, 32)


def test_chunked_batches_match(monkeypatch):
    rng = np.random.RandomState(0)
    x, w = rng.randn(5, 6, 6, 3), rng.randn(3, 3, 3, 4)
    gy = rng.randn(5, 3, 3, 4)

    def run():
        xt, wt = tf.constant(x), tf.constant(w)
        with tf.GradientTape() as tape:
            tape.watch([xt, wt])
            y = tf.nn.conv2d(xt, wt, [1, 2, 2, 1], "SAME")
            loss = tf.reduce_sum(y * gy)
        return [y.numpy()] + [g.numpy() for g in tape.gradient(loss, [xt, wt])]
    whole = run()
    monkeypatch.setattr(conv_ops, "CHUNK_BYTES", 9 * 3 * 9 * 8 * 2)  # two examples per chunk
    for a, b in zip(run(), whole):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_training_steps_keep_memory_bounded(graph_mode):
    x = tf.placeholder(tf.float32, [None, 12, 12, 2])
    w = tf.Variable(tf.random_normal([3, 3, 2, 4], stddev=0.1))
    y = tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")), [1, 2, 2, 1],
                       [1, 2, 2, 1], "SAME")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(tf.square(y)))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        batch = np.random.rand(8, 12, 12, 2).astype(np.float32)
        sess.run(train, {x: batch})
        held = conv_ops.scratch.nbytes
        for _ in range(5):
            sess.run(train, {x: batch})
        assert conv_ops.scratch.nbytes == held


# ==================================================================== other convolutions
def test_conv1d():
    check_op(lambda x, w: tf.nn.conv1d(x, w, stride=2, padding="SAME"),
             lambda x, w: ref_conv(x[:, None], w[None], (1, 2))[:, 0], [(2, 7, 3), (3, 3, 2)])
    x, w = np.random.rand(2, 9, 3), np.random.rand(2, 3, 4)
    a = tf.nn.conv1d(x, w, 1, "VALID").numpy()
    b = tf.nn.conv1d(x.transpose(0, 2, 1), w, 1, "VALID", data_format="NCW").numpy()
    np.testing.assert_allclose(b.transpose(0, 2, 1), a, atol=1e-12)
    np.testing.assert_allclose(tf.nn.convolution(x, w, "VALID").numpy(), a, atol=1e-12)


@pytest.mark.parametrize("s,p,out", [(2, "SAME", (6, 8)), (2, "VALID", (7, 9)), (1, "SAME", (3, 4)),
                                     (3, "SAME", (9, 11))])
def test_conv2d_transpose(s, p, out):
    ins = [_geo(out[0], 3, s, 1, p)[0], _geo(out[1], 3, s, 1, p)[0]]
    shape = (2, out[0], out[1], 2)
    check_op(lambda g, w: tf.nn.conv2d_transpose(g, w, list(shape), [1, s, s, 1], p),
             lambda g, w: ref_conv_transpose(g, w, shape, (s, s), p),
             [(2, ins[0], ins[1], 3), (3, 3, 2, 3)])


def test_conv2d_transpose_fed_shape(graph_mode):
    x = tf.placeholder(tf.float32, [None, 4, 4, 3])
    w = tf.constant(np.random.rand(3, 3, 2, 3).astype(np.float32))
    out = tf.stack([tf.shape(x)[0], 8, 8, 2])
    y = tf.nn.conv2d_transpose(x, w, out, [1, 2, 2, 1], "SAME")
    assert y.shape.as_list() == [None, 8, 8, 2]
    with tf.Session() as sess:
        xv = np.random.rand(5, 4, 4, 3).astype(np.float32)
        got = sess.run(y, {x: xv})
    want = ref_conv_transpose(xv.astype(np.float64), sess_w(w), (5, 8, 8, 2), (2, 2), "SAME")
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="input channels does not match"):
        tf.nn.conv2d_transpose(x, tf.zeros([3, 3, 2, 4]), [1, 8, 8, 2], [1, 2, 2, 1])


def sess_w(w):
    return w.op.value.astype(np.float64)


def test_conv2d_backprop_functions():
    rng = np.random.RandomState(0)
    x, w, g = rng.randn(2, 5, 5, 2), rng.randn(3, 3, 2, 3), rng.randn(2, 3, 3, 3)
    gi = tf.nn.conv2d_backprop_input([2, 5, 5, 2], w, g, [1, 2, 2, 1], "SAME")
    np.testing.assert_allclose(gi.numpy(), ref_conv_transpose(g, w, x.shape, (2, 2), "SAME"),
                               atol=1e-12)
    gf = tf.nn.conv2d_backprop_filter(x, [3, 3, 2, 3], g, [1, 2, 2, 1], "SAME")
    xt, wt = tf.constant(x), tf.constant(w)
    with tf.GradientTape() as tape:
        tape.watch(wt)
        loss = tf.reduce_sum(tf.nn.conv2d(xt, wt, [1, 2, 2, 1], "SAME") * g)
    np.testing.assert_allclose(gf.numpy(), tape.gradient(loss, wt).numpy(), atol=1e-12)


@pytest.mark.parametrize("s,p,d,m", [(1, "SAME", 1, 1), (2, "SAME", 1, 2), (1, "VALID", 2, 1),
                                     (3, "VALID", 1, 2)])
def test_depthwise_conv2d(s, p, d, m):
    check_op(lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, s, s, 1], p, rate=[d, d]),
             lambda x, w: ref_depthwise(x, w, (s, s), p, (d, d)), [(2, 7, 6, 3), (3, 3, 3, m)],
             double_backward=(s, m) == (2, 2))


def test_separable_conv2d():
    def ref(x, dw, pw):
        return ref_conv(ref_depthwise(x, dw, (1, 1), "SAME"), pw, (1, 1), "VALID")
    check_op(lambda x, dw, pw: tf.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "SAME"), ref,
             [(1, 5, 5, 2), (3, 3, 2, 2), (1, 1, 4, 3)])


def test_atrous_and_native_aliases():
    rng = np.random.RandomState(0)
    x, w = rng.randn(1, 9, 9, 2), rng.randn(3, 3, 2, 2)
    np.testing.assert_allclose(tf.nn.atrous_conv2d(x, w, 2, "SAME").numpy(),
                               ref_conv(x, w, dil=(2, 2)), atol=1e-12)
    np.testing.assert_allclose(tf.nn.depthwise_conv2d_native(x, w, [1, 1, 1, 1], "SAME").numpy(),
                               ref_depthwise(x, w, (1, 1), "SAME"), atol=1e-12)


# ==================================================================== pooling
POOLS = [((2, 2), (2, 2), "VALID", (6, 8)), ((2, 2), (2, 2), "SAME", (7, 5)),
         ((3, 3), (2, 2), "SAME", (7, 6)), ((3, 3), (1, 1), "VALID", (5, 5)),
         ((2, 3), (3, 1), "SAME", (8, 7)), ((3, 3), (3, 3), "VALID", (7, 8))]


@pytest.mark.parametrize("k,s,p,hw", POOLS)
def test_max_pool(k, s, p, hw):
    x = np.random.RandomState(3).permutation(2 * hw[0] * hw[1] * 3).reshape(2, hw[0], hw[1], 3)
    check_op(lambda x: tf.nn.max_pool(x, [1, k[0], k[1], 1], [1, s[0], s[1], 1], p),
             lambda x: ref_pool(x, k, s, p, "max"), None, inputs=[x * 0.01],
             double_backward=True)


@pytest.mark.parametrize("k,s,p,hw", POOLS)
def test_avg_pool(k, s, p, hw):
    check_op(lambda x: tf.nn.avg_pool(x, [1, k[0], k[1], 1], [1, s[0], s[1], 1], p),
             lambda x: ref_pool(x, k, s, p, "avg"), [(2, hw[0], hw[1], 3)], double_backward=True)


def test_max_pool_ties_go_to_the_first_position():
    x = tf.constant(np.zeros((1, 2, 2, 1), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy()[0, :, :, 0], [[1, 0], [0, 0]])


def test_pool_aliases_and_formats():
    x = np.random.RandomState(0).rand(2, 6, 6, 3).astype(np.float32)
    want = ref_pool(x, (2, 2), (2, 2), "SAME", "max")
    for y in (tf.nn.max_pool(x, 2, 2, "SAME"), tf.nn.max_pool2d(x, [2, 2], [2, 2], "SAME"),
              tf.nn.max_pool(input=x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME"),
              tf.nn.pool(x, [2, 2], "MAX", "SAME", strides=[2, 2])):
        np.testing.assert_allclose(y.numpy(), want)
    nchw = tf.nn.max_pool(x.transpose(0, 3, 1, 2), [1, 1, 2, 2], [1, 1, 2, 2], "SAME",
                          data_format="NCHW")
    np.testing.assert_allclose(nchw.numpy().transpose(0, 2, 3, 1), want)
    avg = ref_pool(x, (3, 3), (2, 2), "SAME", "avg")
    np.testing.assert_allclose(tf.nn.avg_pool2d(x, 3, 2, "SAME").numpy(), avg, rtol=1e-6)
    np.testing.assert_allclose(tf.nn.pool(x, [3, 3], "AVG", "SAME", strides=[2, 2]).numpy(), avg,
                               rtol=1e-6)
    x1 = x[:, 0]
    np.testing.assert_allclose(tf.nn.max_pool1d(x1, 2, 2, "VALID").numpy(),
                               ref_pool(x1[:, None], (1, 2), (1, 2), "VALID", "max")[:, 0])
    np.testing.assert_allclose(tf.nn.avg_pool1d(x1, 3, 1, "SAME").numpy(),
                               ref_pool(x1[:, None], (1, 3), (1, 1), "SAME", "avg")[:, 0],
                               rtol=1e-6)


def test_max_pool_with_argmax():
    x = np.random.RandomState(0).permutation(2 * 5 * 4 * 3).reshape(2, 5, 4, 3).astype(np.float32)
    y, idx = tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    np.testing.assert_array_equal(y.numpy(), ref_pool(x, (2, 2), (2, 2), "SAME", "max"))
    assert idx.dtype == tf.int64
    flat = x[0].reshape(-1)
    np.testing.assert_array_equal(flat[idx.numpy()[0]], y.numpy()[0])
    _, idx_b = tf.nn.max_pool_with_argmax(x, 2, 2, "SAME", include_batch_in_index=True)
    np.testing.assert_array_equal(x.reshape(-1)[idx_b.numpy()], y.numpy())


def test_pool_output_shapes_and_errors(graph_mode):
    x = tf.placeholder(tf.float32, [None, 7, 7, 64])
    assert tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME").shape.as_list() == \
        [None, 4, 4, 64]
    assert tf.nn.avg_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "VALID").shape.as_list() == \
        [None, 3, 3, 64]
    with pytest.raises(ValueError, match="Shape must be rank 4"):
        tf.nn.max_pool(tf.placeholder(tf.float32, [None, 7]), 2, 2, "SAME")
    with pytest.raises(ValueError, match="Invalid value for argument `padding`"):
        tf.nn.max_pool(x, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])


def test_conv2d_transpose_nchw_and_dilation():
    rng = np.random.RandomState(0)
    g, w = rng.randn(2, 4, 4, 3), rng.randn(3, 3, 2, 3)
    a = tf.nn.conv2d_transpose(g, w, [2, 8, 8, 2], [1, 2, 2, 1], "SAME").numpy()
    b = tf.nn.conv2d_transpose(g.transpose(0, 3, 1, 2), w, [2, 2, 8, 8], [1, 1, 2, 2], "SAME",
                               data_format="NCHW").numpy()
    np.testing.assert_allclose(b.transpose(0, 2, 3, 1), a, atol=1e-12)
    x = rng.randn(1, 7, 7, 2)
    check_op(lambda g, w: tf.nn.conv2d_transpose(g, w, [1, 7, 7, 2], 1, "SAME",
                                                 dilations=[1, 2, 2, 1]),
             lambda g, w: ref_conv_transpose_dilated(g, w, x.shape, 2),
             [(1, 7, 7, 3), (3, 3, 2, 3)])


def ref_conv_transpose_dilated(g, w, x_shape, d):
    """The adjoint of a SAME stride-1 convolution dilated by d, through ref_conv's matrix."""
    n = int(np.prod(x_shape))
    cols = [ref_conv(e.reshape(x_shape), w, dil=(d, d)).reshape(-1) for e in np.eye(n)]
    return (np.array(cols) @ g.reshape(-1)).reshape(x_shape)


def test_kernels_on_cupy_arrays():
    """Every kernel gives the same result on CuPy arrays (skipped without CuPy)."""
    cp = pytest.importorskip("cupy")
    from neuroflow.core import backend
    from neuroflow.image import Resample, interp_matrix
    from neuroflow.ops import conv_depthwise_ops as D
    from neuroflow.ops import conv_pool_ops as P
    from neuroflow.ops import norm_ops as N
    backend._load_cupy()
    rng = np.random.RandomState(0)

    def r(*s):
        return rng.randn(*s).astype(np.float32)
    x, w, b = r(2, 7, 6, 3), r(3, 3, 3, 4), r(4)
    x1, w1 = r(2, 7, 6, 1), r(3, 3, 1, 4)
    gy, gy2 = r(2, 4, 6, 4), r(2, 7, 6, 4)
    pool = P.MaxPool((2, 2), (2, 2), "SAME")
    y, idx = pool.forward(x)
    cases = [
        (conv_ops.Conv2D((2, 1), "SAME", bias=True, relu=True), (x, w, b)),
        (conv_ops.Conv2D((1, 1), "SAME", (2, 2)), (x1, w1)),
        (conv_ops.Conv2DBackpropInput((2, 1), "SAME", x_shape=x.shape), (gy, w)),
        (conv_ops.Conv2DBackpropInput((1, 1), "SAME", x_shape=x.shape), (gy2, w)),
        (conv_ops.Conv2DBackpropFilter((2, 1), "SAME", kshape=w.shape), (x, gy)),
        (conv_ops.BiasAddGrad(), (gy,)),
        (pool, (x,)), (P.MaxPoolGrad((2, 2), (2, 2), "SAME"), (y, idx, x)),
        (P.AvgPool((3, 3), (2, 2), "SAME"), (x,)), (P.AvgPoolGrad((3, 3), (2, 2), "SAME"),
                                                   (r(2, 4, 3, 3), x)),
        (D.DepthwiseConv2dNative((1, 1), "SAME"), (x, r(3, 3, 3, 2))),
        (N.FusedBatchNorm(1e-3, True), (x, r(3), r(3), r(3), np.abs(r(3)))),
        (N.FusedBatchNormGrad(True), (x, x, r(3), r(3), np.abs(r(3)))),
        (N.LRN(2, 1.0, 0.5, 0.75), (x,)),
        (Resample(interp_matrix(7, 4, "bilinear", "half"), interp_matrix(6, 9, "bilinear",
                                                                          "half")), (x,)),
    ]
    for op, args in cases:
        want = op.forward(*args)
        got = op.forward(*[cp.asarray(a) for a in args])
        want = want if isinstance(want, tuple) else (want,)
        got = got if isinstance(got, tuple) else (got,)
        for a, g in zip(want, got):
            assert isinstance(g, cp.ndarray), op.type
            np.testing.assert_allclose(cp.asnumpy(g), a, rtol=1e-4, atol=1e-4, err_msg=op.type)


@pytest.mark.parametrize("fused", [True, False])
def test_relu_pool_gradient_applies_the_mask_on_the_pooled_side(fused, graph_mode):
    x = tf.placeholder(tf.float64, [2, 6, 6, 2])
    w = tf.constant(np.random.RandomState(0).randn(3, 3, 2, 3))
    if fused:
        h = conv_ops.Conv2D((1, 1), "SAME", relu=True)._build((x, w))
    else:
        h = tf.nn.relu(tf.nn.conv2d(x, w, 1, "SAME"))
    y = tf.nn.max_pool(h, 2, 2, "VALID")
    gx, gw = tf.gradients(tf.reduce_sum(y * y), [x, w])
    # the gradient path holds the mask on the pooled gradient, not a full-size ReluGrad
    path = [t.op for t in (gx.op.inputs[0], gw.op.inputs[1])]
    assert all(op.type == "MaxPoolGrad" and op.inputs[0].op.type == "ReluGrad" for op in path)
    xv = np.random.RandomState(1).randn(2, 6, 6, 2)
    wv = w.op.value

    def loss(xv):
        z = np.maximum(ref_conv(xv, wv), 0)
        return (ref_pool(z, (2, 2), (2, 2), "VALID", "max") ** 2).sum()
    with tf.Session() as sess:
        got = sess.run(gx, {x: xv})
    from helpers import numerical_grad
    np.testing.assert_allclose(got, numerical_grad(loss, [xv.copy()])[0], rtol=1e-4, atol=1e-5)
