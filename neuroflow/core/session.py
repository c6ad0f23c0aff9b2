"""``Session`` and ``InteractiveSession``: TF1's way to run a graph, through the one executor."""
import collections

import numpy as np

from . import context
from .errors import InvalidArgumentError
from .executor import Plan, SessionContext, feed_array
from .graph import get_default_graph
from .op import Operation
from .tensor import Tensor


class Session:
    """Runs ops and evaluates tensors of a graph (``tf.Session``).

    Variables live per session: run ``tf.global_variables_initializer()`` first.
    Example:
      >>> with tf.Session() as sess:
      ...     sess.run(tf.global_variables_initializer())
      ...     print(sess.run(cost, feed_dict={X: x_data}))
    """

    def __init__(self, target="", graph=None, config=None):
        context.enter_graph_mode()
        self.graph = graph if graph is not None else get_default_graph()
        self._ctx = SessionContext()
        self._store = self._ctx.store
        self._plans = {}
        self._fast = {}  # (id(fetches), ids of feed keys) -> (plan, feed tensors)
        self._closed = False
        self._default_cm = None

    # ---------------------------------------------------------------- run
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Evaluates ``fetches`` (a tensor, op, variable, name, or nested list/tuple/dict of them)."""
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        # fastest path: a training loop's repeated call, same fetch object and feed keys as before
        key = (id(fetches), tuple(map(id, feed_dict)) if feed_dict else ())
        hit = self._fast.get(key)
        if hit is not None:
            plan, feeds = hit
            vals = [feed_array(t, v) for t, v in zip(feeds, feed_dict.values())] if feeds else ()
            out = plan(*vals)[0]
            return None if out is None else _result(out, self._store)
        # fast path: one tensor or op
        single = _as_fetch(self.graph, fetches, strict=False)
        if single is not None:
            flat, rebuild = [single], None
        else:
            flat = []
            rebuild = _flatten_fetches(self.graph, fetches, flat)
        if feed_dict:
            keys, vals = [], []
            for k, v in feed_dict.items():
                t = _as_feed_key(self.graph, k)
                keys.append(t)
                vals.append(feed_array(t, v))
        else:
            keys, vals = (), ()
        sig = (tuple(map(id, flat)), tuple(map(id, keys)))
        plan = self._plans.get(sig)
        if plan is None:
            plan = Plan(flat, keys, self._ctx)
            self._plans[sig] = plan
            plan._keep = (flat, keys)  # keep ids stable
        if single is not None and isinstance(fetches, (Tensor, Operation)) and \
                all(isinstance(k, Tensor) for k in (feed_dict or ())):
            # graph objects: their ids stay theirs while the graph lives, and the plan keeps them
            self._fast[key] = (plan, keys)
            plan._keep_fast = (fetches, list(feed_dict or ()))
        outs = plan(*vals)
        outs = [_result(o, self._store) for o in outs]
        if rebuild is None:
            return outs[0]
        return rebuild(iter(outs))

    def partial_run_setup(self, fetches, feeds=None):
        raise NotImplementedError("Session.partial_run is not supported by neuroflow yet. Use Session.run.")

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        feed_list = list(feed_list or [])

        def call(*args):
            return self.run(fetches, feed_dict=dict(zip(feed_list, args)))
        return call

    def list_devices(self):
        return [_Device()]

    # ---------------------------------------------------------------- lifetime
    def close(self):
        self._closed = True
        self._plans.clear()
        self._fast.clear()

    def __enter__(self):
        self._default_cm = self.as_default()
        self._default_cm.__enter__()
        return self

    def __exit__(self, *exc):
        self._default_cm.__exit__(*exc)
        self.close()
        return False

    def as_default(self):
        sess = self

        class _CM:
            def __enter__(self_):
                context.state.default_session.append(sess)
                self._graph_cm = sess.graph.as_default()
                self._graph_cm.__enter__()
                return sess

            def __exit__(self_, *exc):
                self._graph_cm.__exit__(*exc)
                stack = context.state.default_session
                if stack and stack[-1] is sess:
                    stack.pop()
                return False
        return _CM()

    @property
    def sess_str(self):
        return ""


class InteractiveSession(Session):
    """A Session that installs itself as the default (``tf.InteractiveSession``)."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        context.state.default_session.append(self)

    def close(self):
        super().close()
        stack = context.state.default_session
        if self in stack:
            stack.remove(self)


class _Device:
    name = "/job:localhost/replica:0/task:0/device:CPU:0"
    device_type = "CPU"
    memory_limit_bytes = 0


def get_default_session():
    stack = context.state.default_session
    return stack[-1] if stack else None


def _eval_in_session(obj, feed_dict, session):
    sess = session or get_default_session()
    if sess is None:
        if isinstance(obj, Tensor) and obj._value is not None and not context.state.graph_mode:
            return obj.numpy()
        raise ValueError("Cannot evaluate tensor using `eval()`: No default session is registered. "
                         "Use `with sess.as_default()` or pass an explicit session to `eval(session=sess)`")
    return sess.run(obj, feed_dict=feed_dict)


def _result(o, store):
    if o is None or isinstance(o, np.generic):
        return o
    if isinstance(o, np.ndarray):
        if o.ndim == 0:
            return o[()]
        # never hand out a variable's own buffer: later in-place updates would change it
        b = o if o.base is None else o.base
        for v in store.values():
            if v is b:
                return o.copy()
        return o
    from .backend import to_numpy
    return to_numpy(o)


def _as_fetch(graph, f, strict=True):
    if isinstance(f, Tensor):
        return f
    if hasattr(f, "_as_tensor"):
        return f._as_tensor()
    if hasattr(f, "control_inputs") and hasattr(f, "outputs"):
        return f
    if hasattr(f, "_graph_op"):
        return f._graph_op()
    if isinstance(f, str):
        return graph.as_graph_element(f)
    if strict:
        raise TypeError(f"Fetch argument {f!r} has invalid type {type(f)}, must be a string or Tensor. "
                        "(Can not convert a %s into a Tensor or Operation.)" % type(f).__name__)
    return None


def _flatten_fetches(graph, fetches, flat):
    """Appends leaf fetches to ``flat``; returns a function that rebuilds the structure."""
    if fetches is None:
        raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
    if isinstance(fetches, dict):
        keys = list(fetches.keys())
        subs = [_flatten_fetches(graph, fetches[k], flat) for k in keys]
        cls = type(fetches)

        def rebuild(it):
            d = cls() if cls is not dict and not isinstance(fetches, collections.defaultdict) else {}
            for k, s in zip(keys, subs):
                d[k] = s(it)
            return d
        return rebuild
    if isinstance(fetches, (list, tuple)):
        subs = [_flatten_fetches(graph, f, flat) for f in fetches]
        if hasattr(fetches, "_fields"):  # namedtuple
            return lambda it: type(fetches)(*[s(it) for s in subs])
        cls = type(fetches)
        return lambda it: cls(s(it) for s in subs) if cls is tuple else [s(it) for s in subs]
    leaf = _as_fetch(graph, fetches)
    flat.append(leaf)
    return lambda it: next(it)


def _as_feed_key(graph, k):
    if isinstance(k, Tensor):
        return k
    if hasattr(k, "_as_tensor"):
        return k._as_tensor()
    if isinstance(k, str):
        return graph.get_tensor_by_name(k)
    raise TypeError(f"Cannot interpret feed_dict key as Tensor: Can not convert a {type(k).__name__} "
                    "into a Tensor.")


__all__ = ["Session", "InteractiveSession", "get_default_session", "InvalidArgumentError"]
