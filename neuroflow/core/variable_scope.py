"""get_variable / variable_scope (filled in by its owner)."""
__all__ = []
