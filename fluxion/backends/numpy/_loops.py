"""Two array shapes on which NumPy's loops run far below memory speed, arranged so they do not.

NumPy runs an operation as an inner loop over the trailing axes it can merge, called once per
element of the others; each call costs about as much as ten elements. So
- a sum over a short last axis (rows of a (25000, 10) array) calls the loop 25000 times: as a
  matrix-vector product with ones, BLAS does it 5x faster; so too a sum over an axis that lies
  before a short one in memory (the rows of 10 are added to each other one loop at a time);
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
    ones = np.ones(n, dtype)
    ones.flags.writeable = False  # (shared by every sum of its length)
    return ones


def add_reduce(v: np.ndarray, axes, keepdims: bool = False):
    """`np.add.reduce(v, axes, v.dtype, None, keepdims)` (`axes` a tuple, or None for all)."""
    if v.size >= _ROWS and v.dtype in _BLAS and axes and v.ndim > len(axes):
        out = _by_blas(v, axes)
        if out is not None:
            return np.expand_dims(out, axes) if keepdims else out
    return np.add.reduce(v, axes, v.dtype, None, keepdims)


def _by_blas(v: np.ndarray, axes: tuple):
    """The sum of `v` over `axes` as a product with ones, where `v`'s memory holds the summed
    axes as one block (in memory's order of axes, which may not be the logical one) and NumPy
    would loop over short rows; None elsewhere."""
    n = v.ndim - len(axes)
    if v.flags.c_contiguous and axes == tuple(range(n, v.ndim)):  # rows in order, the common case
        k = math.prod(v.shape[n:])
        if 1 < k <= _ROWS and v.size > k:
            return np.matmul(v.reshape(-1, k), _ones(k, v.dtype)).reshape(v.shape[:n])
        return None
    if v.size < _LARGE:
        return None
    contiguous = v.flags.c_contiguous
    if contiguous and math.prod(v.shape[max(axes) + 1:]) >= _SHORT:  # (the check below, kept cheap)
        return None
    order = [d for d in range(v.ndim) if v.shape[d] > 1]
    if not contiguous:
        order.sort(key=lambda d: -v.strides[d])
        step = v.itemsize
        for d in reversed(order):  # in this order of axes, the memory must be C-contiguous
            if v.strides[d] != step:
                return None
            step *= v.shape[d]
    summed = [d in axes for d in order]
    if True not in summed:
        return None
    first, last = summed.index(True), len(summed) - summed[::-1].index(True)
    if False in summed[first:last]:
        return None
    outer, k, inner = (math.prod([v.shape[d] for d in part]) for part in (order[:first], order[first:last], order[last:]))
    # NumPy's loop runs at memory speed over long rows; and it sums long rows (or all) pairwise, more accurately
    if inner >= _SHORT or inner == 1 and (outer == 1 or k > _ROWS):
        return None
    m = v.transpose(order + [d for d in range(v.ndim) if v.shape[d] == 1])
    if inner == 1:
        out = np.matmul(m.reshape(outer, k), _ones(k, v.dtype))
    else:
        out = np.matmul(_ones(k, v.dtype), m.reshape(outer, k, inner))
    kept = [d for d in order if d not in axes]
    out = out.reshape([v.shape[d] for d in kept]).transpose(np.argsort(kept))
    return out.reshape([v.shape[d] for d in range(v.ndim) if d not in axes])


def broadcasting(ufunc: np.ufunc):
    """The kernel `ufunc(x, y)` of a binary primitive, through `spread` where shapes differ."""
    def kernel(x, y):
        if x.shape == y.shape or not x.ndim or not y.ndim:  # (a 0-d operand: NumPy's inner loop is long)
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
