"""Derivative rules of the fft primitives."""
