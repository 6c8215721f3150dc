"""Helpers for NumPy kernels."""
from __future__ import annotations

import numpy as np

from ...core import dtypes
from . import _parallel
from ...ops._util import around_axis  # noqa: F401  (for the kernels working along one axis)

_LOW = (dtypes.float16, dtypes.bfloat16)
# NumPy's sorts, take_along_axis and choose take at most 32 dimensions; fluxion's arrays up to 64
MAX_NUMPY_DIMS = 32


def via_float32(fn):
    """Run `fn` in float32 for 16-bit floats (SciPy has no bfloat16 loops); the eager
    interpreter casts the result back to the operation's dtype. A ufunc runs by parts on every
    core where it is large (`_parallel.costly`)."""
    fn = _parallel.costly(fn)

    def kernel(*xs, **params):
        if xs and xs[0].dtype in _LOW:
            xs = [np.asarray(x, np.float32) if x.dtype in _LOW else x for x in xs]
        return fn(*xs, **params)
    kernel.__name__ = getattr(fn, "__name__", "kernel")
    return kernel
