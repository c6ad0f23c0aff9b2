"""Builds ``tensorflow.python.*`` alias modules that look names up in the public namespace."""
import importlib


def lookup(name, extra=()):
    nf = importlib.import_module("neuroflow")
    for owner in [nf] + [importlib.import_module(m) for m in extra] + [nf.nn]:
        try:
            return object.__getattribute__(owner, name) if owner is not nf else getattr(owner, name)
        except AttributeError:
            continue
    raise AttributeError(f"tensorflow.python has no attribute '{name}' in neuroflow")
