"""Progbar, custom objects, and object (de)serialization helpers."""
import contextlib

from .progbar import Progbar  # noqa: F401

_GLOBAL_CUSTOM_OBJECTS = {}


def get_custom_objects():
    return _GLOBAL_CUSTOM_OBJECTS


@contextlib.contextmanager
def custom_object_scope(*scopes):
    """Makes the given {name: object} dicts visible to deserialization inside the block."""
    saved = dict(_GLOBAL_CUSTOM_OBJECTS)
    for s in scopes:
        _GLOBAL_CUSTOM_OBJECTS.update(s or {})
    try:
        yield
    finally:
        _GLOBAL_CUSTOM_OBJECTS.clear()
        _GLOBAL_CUSTOM_OBJECTS.update(saved)


CustomObjectScope = custom_object_scope


def serialize_keras_object(instance):
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        return {"class_name": type(instance).__name__, "config": instance.get_config()}
    if hasattr(instance, "__name__"):
        return instance.__name__
    raise ValueError(f"Cannot serialize {instance!r}: it has no get_config() and no name.")
