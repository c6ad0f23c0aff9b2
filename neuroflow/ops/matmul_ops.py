"""Matrix product: ``tf.matmul`` (batched, transposes, TF's shape errors) and its gradient.

Large 2-D products run in blocks on worker threads (``core/parallel.py``). Re-exported from
``math_ops`` (and so from the top level).
"""
from ..core import parallel as _parallel
from ..core.errors import InvalidArgumentError
from ..core.shape import broadcast_dims
from ._base import Operation, binary_inputs, check_same_dtype, dims, np, sum_to_like
from .math_ops import _ls


class MatMul(Operation):
    """y = op(a) @ op(b), op = transpose or not; batched over (broadcast) leading dims."""
    type = "MatMul"

    def __init__(self, transpose_a=False, transpose_b=False):
        self.transpose_a, self.transpose_b = transpose_a, transpose_b

    def forward(self, a, b):
        try:
            return _parallel.matmul(a.swapaxes(-1, -2) if self.transpose_a else a,
                                    b.swapaxes(-1, -2) if self.transpose_b else b)
        except ValueError:
            self._raise_shapes(np.shape(a), np.shape(b))
            raise

    def _raise_shapes(self, sa, sb):
        if len(sa) < 2 or len(sb) < 2:
            msg = "In[%d] ndims must be >= 2: %d" % (0 if len(sa) < 2 else 1, min(len(sa), len(sb)))
        elif (sa[-2] if self.transpose_a else sa[-1]) != (sb[-1] if self.transpose_b else sb[-2]):
            msg = "Matrix size-incompatible: In[0]: %s, In[1]: %s" % (_ls(sa), _ls(sb))
        else:
            msg = "In[0] and In[1] must have compatible batch dimensions: %s vs. %s" % (
                _ls(sa), _ls(sb))
        # eager ops get their name after forward; a graph node names itself, as TF does
        where = " [Op:MatMul]" if self.name is None else "\n\t [[node %s (op: MatMul)]]" % self.name
        raise InvalidArgumentError(None, self if self.name else None, msg + where)

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
            raise ValueError(f"Dimensions must be equal, but are {k} and {k2} for "
                             f"'{self._pending_name}' (op: 'MatMul') with input shapes: "
                             f"{_ls(da)}, {_ls(db)}.")
        try:
            batch = broadcast_dims(da[:-2], db[:-2])
        except ValueError:
            raise ValueError(f"Dimensions must be equal, but are {_ls(da[:-2])} and "
                             f"{_ls(db[:-2])} for '{self._pending_name}' (op: 'BatchMatMulV2') "
                             f"with input shapes: {_ls(da)}, {_ls(db)}.") from None
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
        da, db = dims(a), dims(b)
        if da is not None and db is not None and len(da) == 2 and len(db) == 2:
            return ga, gb  # plain matrices: the gradients already have the inputs' shapes
        return sum_to_like(ga, a), sum_to_like(gb, b)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product of a and b (``tf.matmul``); rank > 2 is a batched product.

    Leading (batch) dimensions broadcast. ``adjoint_*`` equals ``transpose_*`` for real inputs.

    Example:
      >>> tf.matmul([[1.0, 2.0]], [[3.0], [4.0]]).numpy()
      array([[11.]], dtype=float32)
    """
    a, b = binary_inputs(a, b)
    check_same_dtype("MatMul", a, b, "a", "b")
    da, db = dims(a), dims(b)
    if a._value is not None and b._value is not None and (len(da) < 2 or len(db) < 2):
        MatMul()._raise_shapes(da, db)  # eager: infer (which checks ranks) does not run
    return MatMul(bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b))._build(
        (a, b), name or "MatMul")


__all__ = ["matmul"]
