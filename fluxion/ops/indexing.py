"""Primitives: indexing family."""
