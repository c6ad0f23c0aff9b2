"""``tf.compat``: ``v1`` and ``v2`` both resolve to the neuroflow namespace."""
from . import v1, v2  # noqa: F401


def as_bytes(bytes_or_text, encoding="utf-8"):
    """``bytes_or_text`` as bytes (str encoded); TypeError for anything else, as TF."""
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError("Expected binary or unicode string, got %r" % (bytes_or_text,))


def as_text(bytes_or_text, encoding="utf-8"):
    """``bytes_or_text`` as str (bytes decoded); TypeError for anything else, as TF."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError("Expected binary or unicode string, got %r" % (bytes_or_text,))


as_str = as_text
