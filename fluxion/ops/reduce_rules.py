"""Derivative rules of the reduce primitives."""
