"""The one executor: plans a (fetches, feeds) signature once, then runs it with little Python.

A plan is the topologically sorted list of ops the fetches need (stopping at fed tensors). It is
compiled into one generated Python function that calls each op's bound forward on local
variables and drops each intermediate after its last use, so a step costs one call per op.
TF1 ``Session.run`` and Keras ``fit`` both run through ``Plan``.
"""
import re
import sys

import numpy as np

from . import dtypes
from .errors import FailedPreconditionError, InvalidArgumentError, OpError
from .fusion import plan_fusions


class RunContext:
    """Where a run reads and writes variables and draws random numbers."""

    def reader(self, var):
        raise NotImplementedError

    def writer(self, var):
        raise NotImplementedError

    def is_initialized(self, var):
        raise NotImplementedError

    def rng(self, op):
        from .random_seed import op_generator
        gens = self._rngs
        g = gens.get(op)
        if g is None:
            g = gens[op] = op_generator(op)
        return g


def _uninit(var):
    return FailedPreconditionError(None, None, "Attempting to use uninitialized value %s\n\t [[{{node %s}}]]"
                                   % (var._name, var._name))


class SessionContext(RunContext):
    """Variables live in this dict, one per session (TF1 semantics)."""

    def __init__(self):
        self.store = {}
        self._rngs = {}

    def reader(self, var):
        store = self.store

        def read():
            try:
                return store[var]
            except KeyError:
                raise _uninit(var) from None
        return read

    def writer(self, var):
        store = self.store

        def write(v):
            store[var] = v
        return write

    def is_initialized(self, var):
        return var in self.store


class EagerContext(RunContext):
    """Variables live in the Variable objects (eager and Keras)."""

    def __init__(self):
        self._rngs = {}

    def reader(self, var):
        def read():
            v = var._value
            if v is None:
                raise _uninit(var)
            return v
        return read

    def writer(self, var):
        def write(v):
            var._value = v
        return write

    def is_initialized(self, var):
        return var._value is not None

    def rng(self, op):
        from .random_seed import eager_generator
        return eager_generator(op)


def toposort(fetch_ops, stop):
    """Ops needed for ``fetch_ops`` in dependency order; tensors in ``stop`` (ids) are given."""
    order, state = [], {}
    for root in fetch_ops:
        if id(root) in state:
            continue
        stack = [(root, False)]
        while stack:
            op, done = stack.pop()
            if done:
                if state.get(id(op)) != 2:
                    state[id(op)] = 2
                    order.append(op)
                continue
            s = state.get(id(op))
            if s == 2:
                continue
            if s == 1:
                continue
            state[id(op)] = 1
            stack.append((op, True))
            for c in reversed(op.control_inputs):
                if state.get(id(c)) != 2:
                    stack.append((c, False))
            for x in reversed(op.inputs):
                if id(x) not in stop and state.get(id(x.op)) != 2:
                    stack.append((x.op, False))
    return order


class Plan:
    """A compiled run of ``fetches`` (tensors or ops) given values for ``feeds`` (tensors)."""

    def __init__(self, fetches, feeds, ctx):
        self.fetches, self.feeds = list(fetches), list(feeds)
        feed_ids = {id(t): i for i, t in enumerate(self.feeds)}
        fetch_ops = [f.op if hasattr(f, "value_index") else f for f in self.fetches]
        ops = toposort(fetch_ops, feed_ids)
        self.ops = ops
        fetch_ids = {id(f) for f in self.fetches if hasattr(f, "value_index")}
        fz = plan_fusions(ops, fetch_ids, feed_ids)
        ins = [fz.inputs(k, op) for k, op in enumerate(ops)]
        self.fusions = fz
        self.fused = [ops[k] for k in sorted(fz.product)]   # updates that run their own MatMul
        # last use of every tensor, to free intermediates early
        names, env, lines = {}, {}, []
        for i, t in enumerate(self.feeds):
            names[id(t)] = "f%d" % i
        last = {}
        for k, op in enumerate(ops):
            if k not in fz.skip:
                for x in ins[k]:
                    last[id(x)] = k
        # where each variable is written (assign ops, optimizer updates and their slots), so a
        # read that a write overtook is done again right before its consumer: in TF1 an op reads
        # a variable when it runs (``with tf.control_dependencies([assign]): tf.identity(v)``)
        written = {}
        for k, op in enumerate(ops):
            if op.type != "VariableV2" and getattr(op, "var", None) is not None:
                for v in (op.var,) + tuple(getattr(op, "slots", ()) or ()):
                    written.setdefault(id(v), []).append(k)
        pos = {id(op): k for k, op in enumerate(ops)}
        for k, op in enumerate(ops):
            if k in fz.skip:
                continue
            mm = fz.product.get(k)
            fn = op.bind(ctx) if mm is None else op.bind_matmul(ctx, mm)
            env["op%d" % k] = fn
            for x in ins[k]:
                p = None if x is None else x.op
                w = written.get(id(getattr(p, "var", None))) if p and p.type == "VariableV2" \
                    else None
                if w and id(p) in pos and any(pos[id(p)] < j < k for j in w):
                    lines.append("    %s = op%d()" % (names[id(x)], pos[id(p)]))
            args = ", ".join("None" if x is None else names[id(x)] for x in ins[k])
            outs = []
            for j, t in enumerate(op.outputs):
                nm = "t%d_%d" % (k, j)
                if id(t) not in names:
                    names[id(t)] = nm
                outs.append(names[id(t)])
            if len(op.outputs) == 1 and not getattr(op, "multi_output", False):
                lines.append("    %s = op%d(%s)" % (outs[0], k, args))
            elif not op.outputs:
                lines.append("    op%d(%s)" % (k, args))
            else:
                lines.append("    %s, = op%d(%s)" % (", ".join(outs), k, args))
            dead = [names[id(x)] for x in ins[k] if x is not None
                    and last.get(id(x)) == k and id(x) not in fetch_ids and id(x) not in feed_ids]
            dead = sorted(set(dead))
            if dead:
                lines.append("    del " + ", ".join(dead))
        rets = []
        for f in self.fetches:
            rets.append(names[id(f)] if hasattr(f, "value_index") else "None")
        params = ", ".join("f%d" % i for i in range(len(self.feeds)))
        src = "def run(%s):\n%s\n    return (%s%s)\n" % (
            params, "\n".join(lines) or "    pass", ", ".join(rets), "," if rets else "")
        code = compile(src, "<neuroflow plan>", "exec")
        exec(code, env)
        self._run = env["run"]
        self._lines = lines

    def op_at_line(self, lineno):
        # line numbers: "def run" is line 1; each call line names its op as "op<k>("
        idx = lineno - 2
        if 0 <= idx < len(self._lines):
            m = re.search(r"\bop(\d+)\(", self._lines[idx])
            if m:
                return self.ops[int(m.group(1))]
        return None

    def __call__(self, *feed_values):
        try:
            with np.errstate(all="ignore"):  # TF computes inf/nan silently; so do we in a run
                return self._run(*feed_values)
        except OpError:
            raise
        except Exception as e:
            op = None
            tb = sys.exc_info()[2]
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == "<neuroflow plan>":
                    op = self.op_at_line(tb.tb_lineno)
                tb = tb.tb_next
            if op is None:
                raise
            raise _wrap_error(op, e) from e


def _wrap_error(op, e):
    shapes = ""
    if op.inputs:
        shapes = " with input shapes: " + ", ".join(
            "[%s]" % ",".join("?" if d is None else str(d) for d in (x._shape.as_tuple() or ()))
            if x._shape.as_tuple() is not None else "<unknown>" for x in op.inputs)
    msg = "%s: %s\n\t [[node %s (op: %s)%s]]" % (type(e).__name__, e, op.name, op.type, shapes)
    if isinstance(e, (ValueError, IndexError, TypeError)):
        return InvalidArgumentError(None, op, msg)
    if isinstance(e, MemoryError):
        from .errors import ResourceExhaustedError
        return ResourceExhaustedError(None, op, msg)
    from .errors import UnknownError
    return UnknownError(None, op, msg)


def feed_array(t, value):
    """Checks and converts a fed value for tensor ``t``: dtype cast, shape against the static shape."""
    dt = t.dtype
    if dt is dtypes.string:
        from .tensor import to_array
        a = to_array(value, dt)
    elif type(value) is np.ndarray and value.dtype is dt._np:
        a = value
    else:
        if hasattr(value, "_value") and getattr(value, "_value", None) is not None:
            value = value._value
        elif hasattr(value, "value_index"):
            raise TypeError("The value of a feed cannot be a tf.Tensor object. Acceptable feed values "
                            "include Python scalars, strings, lists, numpy ndarrays, or TensorHandles. "
                            f"For reference, the tensor object was {value} which was passed to the "
                            f"feed with key {t}.")
        a = np.asarray(value)
        if a.dtype != dt._np:
            if a.dtype.kind == "f" and dt.is_integer:
                if not np.all(np.mod(a, 1) == 0):
                    raise ValueError(f"Cannot feed value of dtype {a.dtype} to tensor '{t.name}' "
                                     f"of dtype {dt.name}")
            a = a.astype(dt._np)
    dims = t._shape.as_tuple()
    if dims is not None:
        s = a.shape
        if len(s) != len(dims) or any(d is not None and d != x for d, x in zip(dims, s)):
            raise ValueError("Cannot feed value of shape %s for Tensor '%s', which has shape '%s'"
                             % (tuple(s), t.name, "(" + ", ".join("?" if d is None else str(d)
                                                              for d in dims) + (",)" if len(dims) == 1 else ")")))
    return a
