"""Primitives: reduce family."""
