"""Nested states (tuples, namedtuples such as LSTMStateTuple, lists): flatten and rebuild."""


def is_sequence(s):
    return isinstance(s, (tuple, list))


def flatten(s):
    """The leaves of ``s`` in order."""
    if not is_sequence(s):
        return [s]
    return [leaf for x in s for leaf in flatten(x)]


def pack_sequence_as(structure, flat):
    """``flat`` (a list of leaves) in the shape of ``structure``."""
    flat = list(flat)

    def build(s):
        if not is_sequence(s):
            return flat.pop(0)
        parts = [build(x) for x in s]
        if isinstance(s, list):
            return parts
        return type(s)(*parts) if hasattr(s, "_fields") else tuple(parts)
    out = build(structure)
    if flat:
        raise ValueError("The structure has fewer leaves than the flat sequence given.")
    return out


def map_structure(fn, *structures):
    """fn over the leaves of one or several structures of the same shape."""
    flats = [flatten(s) for s in structures]
    if any(len(f) != len(flats[0]) for f in flats):
        raise ValueError("The two structures don't have the same number of elements.")
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats)])
