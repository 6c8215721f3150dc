"""Derivative rules of the shape primitives."""
