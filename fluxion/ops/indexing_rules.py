"""Derivative rules of the indexing primitives."""
