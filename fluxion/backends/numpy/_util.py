"""Helpers for NumPy kernels."""
from __future__ import annotations

import math

import numpy as np

from ...core import dtypes

_LOW = (dtypes.float16, dtypes.bfloat16)
# NumPy's sorts, take_along_axis and choose take at most 32 dimensions; fluxion's arrays up to 64
MAX_NUMPY_DIMS = 32


def around_axis(shape: tuple[int, ...], axis: int) -> tuple[int, int, int]:
    """`shape` as three axes, those before `axis` merged, `axis`, and those after merged: a shape
    that NumPy functions working along one axis take whatever the number of dimensions."""
    axis %= len(shape)
    return math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1:])


def via_float32(fn):
    """Run `fn` in float32 for 16-bit floats (SciPy has no bfloat16 loops); the eager
    interpreter casts the result back to the operation's dtype."""
    def kernel(*xs, **params):
        if xs and xs[0].dtype in _LOW:
            xs = [np.asarray(x, np.float32) if x.dtype in _LOW else x for x in xs]
        return fn(*xs, **params)
    kernel.__name__ = getattr(fn, "__name__", "kernel")
    return kernel
