"""Primitives: conv family."""
