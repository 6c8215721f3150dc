"""Primitives: sort family."""
