"""Primitives: fft family."""
