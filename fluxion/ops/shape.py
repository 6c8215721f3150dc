"""Primitives: shape family."""
