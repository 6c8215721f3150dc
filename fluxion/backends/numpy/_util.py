"""Helpers for NumPy kernels."""
from __future__ import annotations

import numpy as np

from ...core import dtypes

_LOW = (dtypes.float16, dtypes.bfloat16)


def via_float32(fn):
    """Run `fn` in float32 for 16-bit floats (SciPy has no bfloat16 loops); the eager
    interpreter casts the result back to the operation's dtype."""
    def kernel(*xs, **params):
        if xs and xs[0].dtype in _LOW:
            xs = [np.asarray(x, np.float32) if x.dtype in _LOW else x for x in xs]
        return fn(*xs, **params)
    kernel.__name__ = getattr(fn, "__name__", "kernel")
    return kernel
