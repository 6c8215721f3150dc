"""Derivative rules of the conv primitives."""
