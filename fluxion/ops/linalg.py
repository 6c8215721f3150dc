"""Primitives: linalg family."""
