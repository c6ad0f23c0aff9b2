"""gather, one_hot and indexing ops (filled in by its owner)."""
__all__ = []
