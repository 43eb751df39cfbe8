"""Mutuality's own database backends."""
