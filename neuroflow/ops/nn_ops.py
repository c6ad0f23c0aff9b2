"""tf.nn ops (filled in by its owner)."""
__all__ = []
