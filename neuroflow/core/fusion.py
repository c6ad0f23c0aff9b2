"""Plan-time fusion: a kernel's gradient product folded into its gradient-descent update.

A dense layer's weight gradient is one matrix product, ``dW = x^T @ dy``, which gradient descent
then applies, ``w -= lr * dW``: a new array as large as the kernel plus two passes over it. When
the product feeds nothing but the update, the plan skips it and the update op does both in one
BLAS call, ``w += (-lr) * x^T @ dy`` (``core/blas.py``). On MNIST's 784x256 kernel at batch 32
that saves ~40 us of a ~180 us pair.

The rewrite must not change what is computed. It is made only when
  * the update's optimizer has a fused rule (``_Apply.matmul_rule``: gradient descent, plain
    or with non-Nesterov momentum, whose slot takes the product with beta = momentum),
  * the gradient is a 2-D ``MatMul`` whose output (passed straight, or through the gate that
    holds every update until all gradients exist) is read by that update alone, and neither it
    nor the gate's output is fetched or fed,
  * the product's inputs cannot be (views of) a variable written between the product's place in
    the plan and the update's (the update now reads them later: an in-place update would have
    changed them, an assign makes the plan read the new value), nor the updated variable or its
    slots.
At run time an update whose arrays do not suit BLAS (CuPy, other dtypes) computes the product
and applies it the ordinary way.
"""

enabled = True   # tests turn it off to compare with the unfused plan

# ops whose output is always a new array: the alias search stops there
_FRESH = frozenset(("MatMul", "BiasAdd", "Sigmoid", "SigmoidGrad", "TanhGrad", "Relu", "Relu6",
                    "Mul", "Placeholder", "Const"))
_MAX_VISITS = 256


class Fusions:
    """What the plan changes: ``skip`` (op positions not run), ``product`` (update position ->
    the MatMul op it runs itself) and ``blank`` (op position -> input slots passed as None)."""

    def __init__(self):
        self.skip, self.product, self.blank = set(), {}, {}

    def inputs(self, k, op):
        """The tensors op k is called with (None for a blanked slot)."""
        mm = self.product.get(k)
        if mm is not None:
            return list(mm.inputs) + list(op.inputs[1:])
        blank = self.blank.get(k)
        if blank:
            return [None if j in blank else x for j, x in enumerate(op.inputs)]
        return list(op.inputs)


def _written(op):
    """The variables op writes: in place (an update and its slots), or by storing a new array (an
    Assign), after which the plan re-reads the variable for any later consumer."""
    if getattr(op, "writes_in_place", False):
        return (op.var,) + tuple(op.slots)
    if op.type in ("Assign", "AssignAdd", "AssignSub"):
        return (op.var,)
    return ()


def _may_alias(tensors, variables):
    """True if any tensor's array may be (a view of) the storage of one of ``variables``."""
    if not variables:
        return False
    ids = {id(v) for v in variables}
    stack, seen = [t.op for t in tensors], set()
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        if len(seen) > _MAX_VISITS:
            return True
        if getattr(op, "var", None) is not None:
            if id(op.var) in ids or any(id(s) in ids for s in getattr(op, "slots", ()) or ()):
                return True
        if op.type in _FRESH:
            continue
        stack.extend(x.op for x in op.inputs)
    return False


def _rank2_float(t):
    d = t._shape.as_tuple()
    return d is not None and len(d) == 2 and t.dtype.name in ("float32", "float64")


def plan_fusions(ops, fetch_ids, feed_ids):
    """The Fusions of a plan's ops (topologically sorted)."""
    fz = Fusions()
    if not enabled:
        return fz
    pos = {id(op): k for k, op in enumerate(ops)}
    uses = {}
    for op in ops:
        for x in op.inputs:
            uses[id(x)] = uses.get(id(x), 0) + 1
    kept = fetch_ids | set(feed_ids)

    def private(t):   # read by one op of the plan and not fetched or fed
        return uses.get(id(t)) == 1 and id(t) not in kept

    for k, op in enumerate(ops):
        rule = getattr(op, "matmul_rule", None)
        if rule is None or not op.inputs or not rule():
            continue
        g = op.inputs[0]
        gate, slot = None, None
        if getattr(g.op, "is_gate", False) and private(g):
            gate, slot, g = g.op, g.value_index, g.op.inputs[g.value_index]
        mm = g.op
        p = pos.get(id(mm))
        if (mm.type != "MatMul" or p is None or not private(g) or not _rank2_float(g)
                or not all(_rank2_float(x) for x in mm.inputs)
                or (gate is not None and id(gate) not in pos)):
            continue
        # ... and the update's own variable and slots: BLAS must not read what it writes
        between = [v for j in range(p + 1, k + 1) for v in _written(ops[j])]
        if _may_alias(mm.inputs, between):
            continue
        fz.skip.add(p)
        fz.product[k] = mm
        if gate is not None:
            fz.blank.setdefault(pos[id(gate)], set()).add(slot)
    return fz
