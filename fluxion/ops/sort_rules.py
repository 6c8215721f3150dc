"""Derivative rules of the sort primitives."""
