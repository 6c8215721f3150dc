"""Derivative rules of the linalg primitives."""
