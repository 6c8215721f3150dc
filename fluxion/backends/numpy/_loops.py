"""Two array shapes on which NumPy's loops run far below memory speed, arranged so they do not.

NumPy runs an operation as an inner loop over the trailing axes it can merge, called once per
element of the others; each call costs about as much as ten elements. So
- a sum over a short last axis (rows of a (25000, 10) array) calls the loop 25000 times: as a
  matrix-vector product with ones, BLAS does it 5x faster;
- `x[:, None, :] - y[None, :, :]` loops over the last axis alone (the operands change from
  broadcast to not at the axis before): repeating `x` along that axis first (a copy NumPy
  makes in blocks) lets the loop run over both trailing axes, 2-10x faster in all.
Results equal NumPy's up to rounding: a sum of at most 128 elements is added in the same
order class (a few interleaved partial sums) by both.
"""
from __future__ import annotations

import functools
import math

import numpy as np

_BLAS = frozenset((np.dtype(np.float32), np.dtype(np.float64)))
_ROWS = 128  # longest row summed by BLAS: NumPy's own sums of at most this many are not pairwise either
_SHORT = 64  # a merged inner loop at least this long runs at memory speed already
_LARGE = 1 << 14  # smaller outputs run as they are


@functools.lru_cache(maxsize=64)
def _ones(n: int, dtype: np.dtype) -> np.ndarray:
    return np.ones(n, dtype)


def add_reduce(v: np.ndarray, axes, keepdims: bool = False):
    """`np.add.reduce(v, axes, v.dtype, None, keepdims)` (`axes` a tuple, or None for all)."""
    if v.size >= _ROWS and v.dtype in _BLAS and axes and v.ndim > len(axes) and v.flags.c_contiguous:
        n = v.ndim - len(axes)
        if axes == tuple(range(n, v.ndim)) and 1 < (k := math.prod(v.shape[n:])) <= _ROWS and v.size > k:
            out = np.matmul(v.reshape(-1, k), _ones(k, v.dtype)).reshape(v.shape[:n])
            return out.reshape(v.shape[:n] + (1,) * len(axes)) if keepdims else out
    return np.add.reduce(v, axes, v.dtype, None, keepdims)


def broadcasting(ufunc: np.ufunc):
    """The kernel `ufunc(x, y)` of a binary primitive, through `spread` where shapes differ."""
    def kernel(x, y):
        if x.shape == y.shape:
            return ufunc(x, y)
        return spread(ufunc, x, y)
    kernel.ufunc = ufunc
    kernel.__name__ = ufunc.__name__
    return kernel


def spread(fn, x, y):
    """`fn(x, y)` for NumPy arrays that broadcast (see the module docstring): `fn` is a ufunc or
    a composition of them."""
    n = max(x.ndim, y.ndim)
    sx, sy = (1,) * (n - x.ndim) + x.shape, (1,) * (n - y.ndim) + y.shape
    i, inner = n - 1, 1
    while i >= 0 and sx[i] == sy[i]:  # the trailing axes NumPy merges into its inner loop
        inner *= sx[i]
        i -= 1
    if i < 0 or i == n - 1 or inner >= _SHORT or x.size * y.size < _LARGE:
        return fn(x, y)
    shape = tuple(max(p, q) for p, q in zip(sx, sy))
    if math.prod(shape) < _LARGE or 1 not in (sx[i], sy[i]):  # (shapes that do not broadcast: NumPy says so)
        return fn(x, y)
    if sx[i] == 1:
        x = made = np.repeat(x.reshape(sx), sy[i], axis=i)
    else:
        y = made = np.repeat(y.reshape(sy), sx[i], axis=i)
    # in place into the repeated operand where it has the result's shape and dtype (a fresh
    # output this large costs as much as the operation)
    if made.shape == shape and fn.__class__ is np.ufunc and fn.resolve_dtypes((x.dtype, y.dtype, None))[2] == made.dtype:
        return fn(x, y, out=made)
    return fn(x, y)
