"""Input handling for fit/evaluate/predict: arrays, lists, dicts, generators and Sequences."""
import inspect

import numpy as np


def is_generator(x):
    """True for generators, iterators, ``keras.utils.Sequence`` and other batch iterables."""
    if x is None or isinstance(x, (np.ndarray, list, tuple, dict, str)) or hasattr(x, "_value") \
            or hasattr(x, "_as_tensor"):
        return False
    from ..utils.data_utils import Sequence
    return inspect.isgenerator(x) or isinstance(x, Sequence) or hasattr(x, "__next__") or \
        (hasattr(x, "__iter__") and not hasattr(x, "shape"))


def batch_iterator(gen):
    """An endless iterator of batches: a Sequence's items epoch after epoch, or the generator."""
    from ..utils.data_utils import Sequence
    if isinstance(gen, Sequence):
        def seq():
            while True:
                for i in range(len(gen)):
                    yield gen[i]
        return seq()
    if hasattr(gen, "__next__"):
        return gen

    def again():
        while True:
            yield from gen
    return again()


def steps_for(gen, steps, arg):
    """Batches per epoch: ``steps``, a Sequence's length, or None (one pass of a re-iterable)."""
    if steps is not None:
        return int(steps)
    if hasattr(gen, "__len__"):
        return len(gen)
    if hasattr(gen, "__iter__") and not hasattr(gen, "__next__"):
        return None
    raise ValueError(f"`{arg}=None` is only valid for a generator based on the "
                     f"`keras.utils.Sequence` class or a dataset. Please specify `{arg}`.")


def epoch_batches(gen, steps, it):
    """(index, batch) pairs of one epoch: ``steps`` batches of ``it``, or one pass over ``gen``."""
    if steps is None:
        return enumerate(iter(gen))
    return ((b, next(it)) for b in range(steps))


def unpack(d):
    """(x, y, sample_weight) from a batch or validation_data tuple (a list of 2 or 3 too)."""
    if isinstance(d, (tuple, list)) and (isinstance(d, tuple) or len(d) in (2, 3)):
        if not 1 <= len(d) <= 3:
            raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                             f"`(x, y, sample_weight)`, found: {d}")
        return tuple(d) + (None,) * (3 - len(d))
    return d, None, None


def _is_array_like(v):
    return isinstance(v, np.ndarray) or hasattr(v, "_value") or hasattr(v, "_as_tensor")


def _np(v):
    if isinstance(v, np.ndarray):
        return v
    if hasattr(v, "_as_tensor") or hasattr(v, "numpy"):
        return np.asarray(v.numpy())
    return np.asarray(v)


def to_list(x, names, n_expected, what):
    """The list of arrays for a model's inputs (or targets) from an array, list or dict."""
    if isinstance(x, dict):
        if names is None:
            return [_np(v) for v in x.values()]
        missing = [n for n in names if n not in x]
        if missing:
            raise ValueError(f"No data provided for {missing[0]!r}. Need data for each key in: "
                             f"{list(names)}")
        return [_np(x[n]) for n in names]
    if isinstance(x, (list, tuple)):
        if x and all(_is_array_like(v) for v in x):
            if n_expected == 1 and len(x) != 1:
                return [_np(x)]
            return [_np(v) for v in x]
        return [np.asarray(x)]
    return [_np(x)]


def as_input(a, dtype=None):
    """A model input array: float32 (or the Input's dtype), 1-D data made a column."""
    a = np.asarray(a)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if dtype is not None:
        if a.dtype != np.dtype(dtype):
            a = a.astype(dtype)
    elif a.dtype.kind in "fub" and a.dtype != np.float32:
        a = a.astype(np.float32)
    elif a.dtype.kind == "O":
        a = a.astype(np.float32)
    return a


def as_target(a):
    a = np.asarray(a)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.dtype != np.float32:
        a = a.astype(np.float32)
    return a


def check_inputs(model, xs):
    ins = getattr(model, "inputs", None)
    if not ins:
        return
    if len(xs) != len(ins):
        raise ValueError(f'Layer "{model.name}" expects {len(ins)} input(s), but it received '
                         f"{len(xs)} input tensors.")
    for i, (t, a) in enumerate(zip(ins, xs)):
        d = t.shape.as_tuple()
        if d is None:
            continue
        got = (None,) + tuple(a.shape[1:])
        if len(d) != len(got):
            raise ValueError(f"Input {i} of layer \"{model.name}\" is incompatible with the layer: "
                             f"expected shape={_fmt(d)}, found shape={_fmt(got)}")
        for ax in range(1, len(d)):
            if d[ax] is not None and d[ax] != got[ax]:
                raise ValueError(f"Input {i} of layer \"{model.name}\" is incompatible with the "
                                 f"layer: expected axis {ax - len(d)} of input shape to have value "
                                 f"{d[ax]}, but received input with shape {_fmt(got)}")


def _fmt(d):
    inner = ", ".join("None" if s is None else str(s) for s in d)
    return "(%s%s)" % (inner, "," if len(d) == 1 else "")


def check_lengths(xs, ys, sw):
    sizes = {"x": [a.shape[0] for a in xs], "y": [a.shape[0] for a in ys]}
    if sw is not None:
        sizes["sample_weight"] = [sw.shape[0]]
    allsizes = {s for v in sizes.values() for s in v}
    if len(allsizes) > 1:
        lines = "".join(f"  {k} sizes: {', '.join(map(str, v))}\n" for k, v in sizes.items() if v)
        raise ValueError("Data cardinality is ambiguous:\n" + lines +
                         "Make sure all arrays contain the same number of samples.")


def class_weights(y, class_weight):
    """Per-sample weights from a {class: weight} dict (targets one-hot or class indices)."""
    idx = np.argmax(y, axis=-1) if y.shape[-1] > 1 else y.reshape(-1).astype(np.int64)
    idx = idx.reshape(-1)
    top = max(int(idx.max()) if idx.size else 0, max(int(k) for k in class_weight)) + 1
    table = np.ones(top, dtype=np.float32)
    for k, w in class_weight.items():
        table[int(k)] = w
    return table[idx]
