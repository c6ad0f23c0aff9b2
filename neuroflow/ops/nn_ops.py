"""``tf.nn`` ops: activations, softmax, the fused cross-entropies, dropout, bias_add, top_k.

Hot paths (relu, softmax, the cross-entropies, dropout) are fused ops whose backward is one op;
the public functions with TF's names and arguments live in ``neuroflow/nn.py``.
"""
import math

from ..core.errors import InvalidArgumentError
from ..core.random_seed import get_seed
from . import math_ops as M
from ._base import Operation, dims, dtypes, get_array_module, np, sum_to_like
from .reduce_ops import reduce_sum

__all__ = []


def _is_zeros(g):
    """True for a missing gradient or the zeros the engine fills in for an unused output."""
    return g is None or (g.op.type == "ZerosLike" and getattr(g.op, "value", None) == 0)


_ONES = {}


def _sum(xp, v, axis, keepdims=True):
    """v summed along axis; along the last axis as a product with ones (BLAS: several times faster
    than a small-row reduction, and these sums sit on the training step's critical path)."""
    n = v.shape[axis] if v.ndim else 1
    if v.ndim and axis in (-1, v.ndim - 1) and v.dtype.kind == "f":
        key = (n, v.dtype, xp)
        ones = _ONES.get(key)
        if ones is None:
            ones = _ONES[key] = xp.ones(n, dtype=v.dtype)
        r = xp.dot(v, ones)
        return r[..., None] if keepdims else r
    return v.sum(axis=axis, keepdims=keepdims)


def _expand(s, axis, ndim):
    """s with a size-1 axis inserted at ``axis`` of an ndim-rank result."""
    if axis in (-1, ndim - 1):
        return s[..., None]
    return s.reshape(s.shape[:axis % ndim] + (1,) + s.shape[axis % ndim:])


# ==================================================================== activations
class Relu(Operation):
    """y = max(x, 0)."""
    type = "Relu"

    def forward(self, x):
        return get_array_module(x).maximum(x, 0)

    def backward(self, gy):
        return GateGrad("Relu")._build((gy, self.outputs[0]), "ReluGrad")


class GateGrad(Operation):
    """gx = gy * gate(u). Relu: u = y > 0; Relu6: 0 < u = x < 6; LeakyRelu: x > 0 or alpha."""
    type = "ReluGrad"

    def __init__(self, kind, alpha=0.0):
        self.kind, self.alpha = kind, alpha
        self.type = kind + "Grad"

    def forward(self, gy, u):
        if self.kind == "Relu":
            return gy * (u > 0)
        if self.kind == "Relu6":
            return gy * ((u > 0) & (u < 6))
        m = (u > 0).astype(gy.dtype)  # arithmetic, not where(): several times faster
        m *= 1 - self.alpha
        m += self.alpha
        return gy * m

    def infer(self, gy, u):
        return [(dims(u), gy.dtype)]

    def backward(self, g):
        return GateGrad(self.kind, self.alpha)._build((g, self.inputs[1]), self.type), None


class Relu6(Operation):
    """y = min(max(x, 0), 6)."""
    type = "Relu6"

    def forward(self, x):
        return get_array_module(x).clip(x, 0, 6)

    def backward(self, gy):
        return GateGrad("Relu6")._build((gy, self.inputs[0]), "Relu6Grad")


class LeakyRelu(Operation):
    """y = x for x > 0, alpha * x otherwise."""
    type = "LeakyRelu"

    def __init__(self, alpha):
        self.alpha = alpha

    def forward(self, x):
        xp = get_array_module(x)
        if 0 <= self.alpha <= 1:
            return xp.maximum(x, x * self.alpha)
        return xp.where(x > 0, x, x * self.alpha)

    def backward(self, gy):
        return GateGrad("LeakyRelu", self.alpha)._build((gy, self.inputs[0]), "LeakyReluGrad")


class Elu(Operation):
    """y = scale * (x if x > 0 else alpha * (exp(x) - 1)) (Elu: alpha = scale = 1; Selu: TF's)."""
    type = "Elu"

    def __init__(self, alpha=1.0, scale=1.0):
        self.alpha, self.scale = alpha, scale
        self.type = "Elu" if scale == 1.0 else "Selu"

    def forward(self, x):
        xp = get_array_module(x)
        # the negative part is 0 for x > 0 and the positive part 0 for x <= 0: a sum, no where()
        y = xp.expm1(xp.minimum(x, 0))  # min: no overflow for large x
        y *= self.alpha * self.scale
        y += xp.maximum(x, 0) * self.scale if self.scale != 1.0 else xp.maximum(x, 0)
        return y

    def backward(self, gy):
        x, y = self.inputs[0], self.outputs[0]
        # for x <= 0: dy/dx = alpha * scale * exp(x) = y + alpha * scale
        pos = gy * self.scale if self.scale != 1.0 else gy
        return M.where(M.greater(x, 0), pos, gy * (y + self.alpha * self.scale))


class Softplus(Operation):
    """y = log(1 + exp(x)), as max(x, 0) + log1p(exp(-|x|)) so exp never overflows."""
    type = "Softplus"

    def forward(self, x):
        xp = get_array_module(x)
        return xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))

    def backward(self, gy):
        return gy * M.sigmoid(self.inputs[0])


class Softsign(Operation):
    """y = x / (1 + |x|)."""
    type = "Softsign"

    def forward(self, x):
        return x / (1 + get_array_module(x).abs(x))

    def backward(self, gy):
        return gy / M.square(1 + M.abs(self.inputs[0]))


def _erf(xp, x):
    if xp is np:
        try:
            from scipy.special import erf
        except ImportError:  # numpy has no erf: the scalar one, elementwise
            return np.vectorize(math.erf, otypes=[x.dtype])(x)
        return erf(x)
    from cupyx.scipy.special import erf  # pragma: no cover - GPU only
    return erf(x)


class Erf(Operation):
    """y = erf(x)."""
    type = "Erf"

    def forward(self, x):
        return _erf(get_array_module(x), x).astype(x.dtype, copy=False)

    def backward(self, gy):
        x = self.inputs[0]
        return gy * (2 / math.sqrt(math.pi)) * M.exp(-M.square(x))


# ==================================================================== softmax
class Softmax(Operation):
    """y = exp(x - max x) / sum(exp(x - max x)) along axis (the shift: exp never overflows)."""
    type = "Softmax"

    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, x):
        xp = get_array_module(x)
        y = xp.exp(x - x.max(axis=self.axis, keepdims=True))
        y /= _sum(xp, y, self.axis)
        return y

    def backward(self, gy):
        return SoftmaxGrad(self.axis)._build((gy, self.outputs[0]), "SoftmaxGrad")


class SoftmaxGrad(Operation):
    """gx = y * (gy - sum(gy * y)) along axis."""
    type = "SoftmaxGrad"

    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, gy, y):
        gx = gy * y
        gx -= y * _sum(get_array_module(y), gx, self.axis)
        return gx

    def infer(self, gy, y):
        return [(dims(y), y.dtype)]

    def backward(self, g):
        gy, y = self.inputs
        a = self.axis
        s = reduce_sum(gy * y, a, keepdims=True)
        t = reduce_sum(g * y, a, keepdims=True)
        # the softmax Jacobian is symmetric: d/dgy is the same product applied to g
        return SoftmaxGrad(a)._build((g, y), "SoftmaxGrad"), g * (gy - s) - gy * t


class LogSoftmax(Operation):
    """y = x - max x - log(sum(exp(x - max x))) along axis (log-sum-exp: stable)."""
    type = "LogSoftmax"

    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, x):
        xp = get_array_module(x)
        z = x - x.max(axis=self.axis, keepdims=True)
        z -= xp.log(_sum(xp, xp.exp(z), self.axis))
        return z

    def backward(self, gy):
        y = self.outputs[0]
        return gy - M.exp(y) * reduce_sum(gy, self.axis, keepdims=True)


class WindowSum(Operation):
    """y[..., c] = sum of x[..., c - r : c + r + 1] along the last axis (LRN's square sum)."""
    type = "WindowSum"

    def __init__(self, radius):
        self.radius = radius

    def forward(self, x):
        y = x.copy()
        n = x.shape[-1]
        for k in range(1, min(self.radius, n - 1) + 1):
            y[..., k:] += x[..., :-k]
            y[..., :-k] += x[..., k:]
        return y

    def backward(self, gy):
        return WindowSum(self.radius)._build((gy,), "WindowSum")  # symmetric window: self-adjoint


# ==================================================================== cross-entropies
class ScaleAlong(Operation):
    """y = expand_dims(s, axis) * x: a per-example scale (the cross-entropy gradient)."""
    type = "Mul"

    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, s, x):
        return _expand(s, self.axis, x.ndim) * x

    def infer(self, s, x):
        return [(dims(x), x.dtype)]

    def backward(self, g):
        s, x = self.inputs
        return reduce_sum(g * x, self.axis), ScaleAlong(self.axis)._build((s, g), "mul")


class SoftmaxCrossEntropyWithLogits(Operation):
    """loss = -sum(labels * log_softmax(logits)); also returns d loss / d logits (TF's op).

    The second output, softmax * sum(labels) - labels, is computed in forward so the backward
    pass is one product. ``label_grad`` is False for TF1's v1 function (labels get no gradient).
    """
    type = "SoftmaxCrossEntropyWithLogits"
    multi_output = True

    def __init__(self, axis=-1, label_grad=True, same_shape=False):
        # same_shape: logits and labels have one static shape (no broadcasting to undo)
        self.axis, self.label_grad, self.same_shape = axis, label_grad, same_shape

    def forward(self, x, t):
        xp = get_array_module(x)
        a = self.axis
        if self.same_shape and x.shape != t.shape:
            msg = f"logits and labels must be same size: logits_size={list(x.shape)} " \
                  f"labels_size={list(t.shape)}"
            raise InvalidArgumentError(None, self, msg)
        z = x - x.max(axis=a, keepdims=True)
        e = xp.exp(z)
        s = _sum(xp, e, a)
        z -= xp.log(s)                      # log-softmax by log-sum-exp
        z *= t
        loss = _sum(xp, z, a, keepdims=False)
        loss *= -1
        e *= _sum(xp, t, a) / s             # softmax * sum(labels): exact for any label rows
        e -= t
        return loss, e

    def infer(self, x, t):
        d = Operation.infer(self, x, t)[0][0]
        if d is None:
            return [(None, x.dtype), (None, x.dtype)]
        a = self.axis % len(d)
        return [(d[:a] + d[a + 1:], x.dtype), (d, x.dtype)]

    def backward(self, gl, gbp):
        x, t = self.inputs
        a = self.axis
        gx = ScaleAlong(a)._build((gl, self.outputs[1]), "SoftmaxCrossEntropyWithLogitsGrad")
        p = None
        if not _is_zeros(gbp):  # second order: the gradient flowed through the backprop output
            p = Softmax(a)._build((x,), "Softmax")
            ts = reduce_sum(t, a, keepdims=True)
            gx = gx + ts * SoftmaxGrad(a)._build((gbp, p), "SoftmaxGrad")
        if not self.same_shape:
            gx = sum_to_like(gx, x)
        if not self.label_grad:
            return gx, None
        gt = ScaleAlong(a)._build((gl, -LogSoftmax(a)._build((x,), "LogSoftmax")), "mul")
        if p is not None:
            gt = gt + reduce_sum(gbp * p, a, keepdims=True) - gbp
        return gx, gt if self.same_shape else sum_to_like(gt, t)


class SparseSoftmaxCrossEntropyWithLogits(Operation):
    """loss = logsumexp(logits) - logits[label]; also returns softmax - onehot(label)."""
    type = "SparseSoftmaxCrossEntropyWithLogits"
    multi_output = True

    def forward(self, x, t):
        xp = get_array_module(x)
        n = x.shape[-1]
        t1 = t.reshape(-1)
        if t1.size and (t1.min() < 0 or t1.max() >= n):
            bad = t1[(t1 < 0) | (t1 >= n)][0]
            values = " ".join(str(v) for v in t1[:100].tolist())
            msg = f"Received a label value of {bad} which is outside the valid range of " \
                  f"[0, {n}).  Label values: {values}"
            raise InvalidArgumentError(None, self, msg)
        x2 = x.reshape(-1, n)
        rows = xp.arange(t1.size)
        z = x2 - x2.max(axis=-1, keepdims=True)
        e = xp.exp(z)
        s = _sum(xp, e, -1)
        e /= s
        loss = xp.log(s[:, 0])
        loss -= z[rows, t1]
        e[rows, t1] -= 1
        return loss.reshape(t.shape), e.reshape(x.shape)

    def infer(self, x, t):
        d = dims(x)
        return [(None if d is None else d[:-1], x.dtype), (d, x.dtype)]

    def backward(self, gl, gbp):
        x = self.inputs[0]
        gx = ScaleAlong(-1)._build((gl, self.outputs[1]), "SparseSoftmaxCrossEntropyWithLogitsGrad")
        if not _is_zeros(gbp):
            p = Softmax(-1)._build((x,), "Softmax")
            gx = gx + SoftmaxGrad(-1)._build((gbp, p), "SoftmaxGrad")
        return gx, None


class SigmoidCrossEntropyWithLogits(Operation):
    """loss = max(x, 0) - x * z + log(1 + exp(-|x|)): stable for any logit x, labels z."""
    type = "SigmoidCrossEntropyWithLogits"

    def forward(self, x, z):
        xp = get_array_module(x)
        y = xp.maximum(x, 0) - x * z
        y += xp.log1p(xp.exp(-xp.abs(x)))
        return y

    def backward(self, gy):
        x, z = self.inputs
        return sum_to_like(gy * (M.sigmoid(x) - z), x), sum_to_like(-gy * x, z)


class L2Loss(Operation):
    """y = sum(x ** 2) / 2."""
    type = "L2Loss"

    def forward(self, x):
        v = x.reshape(-1)
        return get_array_module(x).asarray(v.dot(v) * 0.5, dtype=x.dtype)  # BLAS dot: no x * x

    def infer(self, x):
        return [((), x.dtype)]

    def backward(self, gy):
        return gy * self.inputs[0]


# ==================================================================== bias_add, dropout
class BiasAdd(Operation):
    """y = x + b, b added along the channel axis (last for NHWC, 1 for NCHW)."""
    type = "BiasAdd"

    def __init__(self, channels_first=False):
        self.channels_first = channels_first

    def forward(self, x, b):
        if self.channels_first:
            b = b.reshape(b.shape + (1,) * (x.ndim - 2))
        return x + b

    def infer(self, x, b):
        dx, db = dims(x), dims(b)
        shapes = (f" for '{self._pending_name}' (op: 'BiasAdd') with input shapes: {_ls(dx)}, "
                  f"{_ls(db)}.")
        if db is not None and len(db) != 1:
            raise ValueError(f"Shape must be rank 1 but is rank {len(db)}" + shapes)
        if dx is not None:
            if len(dx) < 2:
                raise ValueError(f"Shape must be at least rank 2 but is rank {len(dx)}" + shapes)
            c = dx[1] if self.channels_first else dx[-1]
            if db is not None and c is not None and db[0] is not None and c != db[0]:
                raise ValueError(f"Dimensions must be equal, but are {c} and {db[0]}" + shapes)
        return [(dx, x.dtype)]

    def backward(self, gy):
        x, b = self.inputs
        if not self.channels_first:
            return gy, sum_to_like(gy, b)
        d = dims(x)
        if d is None:
            raise NotImplementedError("The gradient of bias_add in NCHW needs the input's rank.")
        return gy, reduce_sum(gy, [i for i in range(len(d)) if i != 1])


def _ls(d):
    return "<unknown>" if d is None else "[%s]" % ",".join("?" if v is None else str(v) for v in d)




def _unseeded_rng():
    """A fast generator for an unseeded dropout, seeded from NumPy's global RNG when bound
    (so np.random.seed / keras.utils.set_random_seed make runs repeatable)."""
    return np.random.default_rng(np.random.randint(0, 2**31 - 1, size=2).tolist())


class Dropout(Operation):
    """y = x * mask / (1 - rate), mask = uniform >= rate (as TF draws it), anew on every run.

    Inputs: x, rate (a scalar, may be fed) and optionally a runtime noise shape. The second
    output is the scaled mask, which the backward pass multiplies by.
    """
    type = "Dropout"
    stateful = True
    multi_output = True

    def __init__(self, noise_shape, seed):
        self.noise_shape = noise_shape  # tuple (None entries: x's size), or None
        self.seeds = get_seed(seed)

    def infer(self, x, rate, *ns):
        d = dims(x)
        nd = d
        if ns:
            n = dims(ns[0])
            nd = None if n is None or n[0] is None else (None,) * n[0]
        elif self.noise_shape is not None:
            same = d is not None and len(d) == len(self.noise_shape)
            nd = tuple(a if a is not None else (d[i] if same else None)
                       for i, a in enumerate(self.noise_shape))
        return [(d, x.dtype), (nd, x.dtype)]

    def bind(self, ctx):
        if self.seeds == (None, None):
            # unseeded: no stream to reproduce, so NumPy's generator (several times faster than the
            # TF-exact Philox one, and a mask is drawn on every training step)
            rng = _unseeded_rng()
        else:
            rng = ctx.rng(self)
        draw = self.draw
        return lambda x, rate, *ns: draw(rng, x, rate, *ns)

    def draw(self, rng, x, rate, ns=None):
        xp = get_array_module(x)
        shape = x.shape
        if ns is not None:
            shape = tuple(int(s) for s in ns)
        elif self.noise_shape is not None:
            shape = tuple(x.shape[i] if s is None else s for i, s in enumerate(self.noise_shape))
        rate = np.dtype(x.dtype).type(float(rate))  # compared in x's dtype, as TF does
        if not 0.0 <= rate < 1.0:
            msg = "Invalid value for argument `rate`: expected a float in [0, 1). Received: " \
                  f"rate={float(rate):g} (keep_prob={1 - float(rate):g})"
            raise InvalidArgumentError(None, self, msg)
        if rate == 0:  # exactly the identity (test time)
            return x, xp.broadcast_to(xp.ones((), dtype=x.dtype), shape)
        r = rng.random(shape, dtype=np.float64 if x.dtype == np.float64 else np.float32)
        m = xp.asarray((r >= rate).astype(x.dtype))
        m *= 1 / (1 - rate)
        return x * m, m

    def backward(self, gy, gm):
        return gy * self.outputs[1], None


# ==================================================================== top_k, in_top_k
class TopK(Operation):
    """The k largest entries along the last axis (ties: lower index first) and their indices."""
    type = "TopKV2"
    multi_output = True

    def __init__(self, k):
        self.k = k

    def forward(self, x):
        xp = get_array_module(x)
        if x.shape[-1] < self.k:
            raise InvalidArgumentError(None, self, f"input must have at least k columns. Had "
                                       f"{x.shape[-1]}, needed {self.k}")
        key = -x if x.dtype.kind != "u" else -x.astype(np.int64)
        idx = xp.argsort(key, axis=-1, kind="stable")[..., :self.k]
        return xp.take_along_axis(x, idx, axis=-1), idx.astype(np.int32)

    def infer(self, x):
        d = dims(x)
        d = None if d is None else d[:-1] + (self.k,)
        return [(d, x.dtype), (d, dtypes.int32)]

    def backward(self, gv, gi):
        return PutAlong()._build((gv, self.outputs[1], self.inputs[0]), "TopKGrad")


class TakeAlong(Operation):
    """y = x[..., idx] along the last axis (take_along_axis)."""
    type = "GatherV2"

    def forward(self, x, idx):
        return get_array_module(x).take_along_axis(x, idx.astype(np.intp, copy=False), axis=-1)

    def infer(self, x, idx):
        return [(dims(idx), x.dtype)]

    def backward(self, g):
        x, idx = self.inputs
        return PutAlong()._build((g, idx, x), "TakeAlongGrad"), None


class PutAlong(Operation):
    """gx = zeros like x with gy added at idx along the last axis."""
    type = "ScatterNd"

    def forward(self, gy, idx, x):
        xp = get_array_module(gy)
        gx = xp.zeros(x.shape, dtype=gy.dtype)
        xp.put_along_axis(gx, idx.astype(np.intp, copy=False), gy, axis=-1)
        return gx

    def infer(self, gy, idx, x):
        return [(dims(x), gy.dtype)]

    def backward(self, g):
        gy, idx, x = self.inputs
        return TakeAlong()._build((g, idx), "TakeAlong"), None, None


class InTopK(Operation):
    """Whether targets[i] is among the k largest predictions[i] (ties at the boundary count in)."""
    type = "InTopKV2"
    differentiable = False

    def __init__(self, k):
        self.k = k

    def forward(self, p, t):
        xp = get_array_module(p)
        n = p.shape[-1]
        ok = (t >= 0) & (t < n)
        ti = xp.where(ok, t, 0).astype(np.intp)[:, None]
        pt = xp.take_along_axis(p, ti, axis=-1)
        above = (p > pt).sum(axis=-1)
        return ok & (above < self.k) & xp.isfinite(pt[:, 0])

    def infer(self, p, t):
        return [(dims(t), dtypes.bool_)]
