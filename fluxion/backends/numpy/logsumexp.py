"""The eager kernels of a log-sum-exp, log(sum(exp(v - top))) + top over some axes of `v`, where
top is the maximum, or 0 where that is not finite (the general path's kernels, in its order), and
of softmax and log_softmax (`normalized`).

Over the last axes of a large C-contiguous array, the rows it reduces, it runs by parts of the
rows on every core (`_parallel.py`), one pass of the five steps per part. There the maximum of
short rows, which NumPy's reduction finds one row per call of its loop, is taken in two calls
whose loops run across the rows instead: the elementwise maximum of the rows' first and last
halves (overlapping by a column for an odd length, which cannot change a maximum), written
transposed, then its reduction down the columns. Only the sign of a zero maximum can differ
from NumPy's reduction, which the result does not show: exp(v - 0) == exp(v + 0) and
log(s) + 0 == log(s) - 0 for any s.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from . import _parallel
from ._loops import add_reduce

_SHORT = 64  # longest rows whose maximum is found across them
_ROWS_FROM = 1 << 14  # elements from which the rows run as described (smaller: the general kernels)
_COST = 8  # units of work (_parallel.py) an element: a maximum, a subtraction, an exponential, a sum


def finite_max(v: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """The maximum of `v` over `axes` (kept as size-1 axes; 0-d over all axes, which NumPy
    broadcasts at less cost), 0 where it is not finite."""
    if len(axes) == v.ndim:
        m = np.maximum.reduce(v, None, initial=-np.inf)
        return np.asarray(m if math.isfinite(m) else v.dtype.type(0))
    m = np.maximum.reduce(v, axes, keepdims=True, initial=-np.inf)
    return np.where(np.isfinite(m), m, v.dtype.type(0))


def logsumexp(v: np.ndarray, axes: tuple[int, ...], size: bool = False) -> np.ndarray:
    """log(sum(exp(v - top))) + top over `axes` (non-negative and increasing), kept as size-1
    axes, of a float32 or float64 `v`; with `size`, log|sum| (as a path that allows negative
    sums takes it: a NaN's sign bit is cleared)."""
    kept = v.ndim - len(axes)
    if v.size >= _ROWS_FROM and kept and v.flags.c_contiguous and axes == tuple(range(kept, v.ndim)):
        n = math.prod(v.shape[:kept])
        if n > 1:
            rows = functools.partial(_rows, size=size)
            out = _parallel.reduce_rows(rows, v.reshape(n, v.size // n), v.dtype, _COST)
            return out.reshape(v.shape[:kept] + (1,) * len(axes))
    top = finite_max(v, axes)
    total = add_reduce(np.exp(np.subtract(v, top)), axes, True)
    return np.add(np.log(np.abs(total) if size else total), top)


def _rows(v: np.ndarray, out: np.ndarray, size: bool) -> None:
    """The log-sum-exp of each row of the 2-d `v`, into `out`."""
    top = _row_max(v)
    top = np.where(np.isfinite(top), top, v.dtype.type(0))
    e = np.repeat(top, v.shape[1]).reshape(v.shape)  # (then one loop subtracts it over all rows)
    np.subtract(v, e, out=e)
    np.exp(e, out=e)
    total = add_reduce(e, (1,))
    if size:
        np.abs(total, out=total)
    np.log(total, out=total)
    np.add(total, top, out=out)


def _row_max(v: np.ndarray) -> np.ndarray:
    n, k = v.shape
    if k > _SHORT:
        return np.maximum.reduce(v, 1)
    half = (k + 1) // 2
    folded = np.empty((half, n), v.dtype)
    np.maximum(v[:, :half].T, v[:, k - half:].T, out=folded)
    return np.maximum.reduce(folded, 0)


def normalized(v: np.ndarray, axes: tuple[int, ...], log: bool) -> np.ndarray:
    """softmax (or, if `log`, log_softmax) of a float32 or float64 `v` over `axes`, in a new array:
    over the last axes of a large C-contiguous array by parts of its rows (one per element of the
    other axes) on every core, each part computing its rows as one call over them all would."""
    if v.size * _COST < _parallel.LARGE:
        return _normalized(v, axes, log, None)
    kept = v.ndim - len(axes)
    if kept and v.flags.c_contiguous and axes == tuple(range(kept, v.ndim)):
        rows, out = v.reshape(math.prod(v.shape[:kept]), -1), np.empty_like(v)
        flat = out.reshape(rows.shape)
        _parallel.run(lambda s: _normalized(rows[s], (1,), log, flat[s]), rows.shape[0], v.size * _COST)
        return out
    return _normalized(v, axes, log, None)


def _normalized(v: np.ndarray, axes: tuple[int, ...], log: bool, out: np.ndarray | None) -> np.ndarray:
    if log:
        shifted = np.subtract(v, finite_max(v, axes), out=out)
        log_total = np.log(add_reduce(np.exp(shifted), axes, True))
        return np.subtract(shifted, log_total, out=shifted)
    e = np.subtract(v, np.maximum.reduce(v, axes, keepdims=True, initial=-np.inf), out=out)
    np.exp(e, out=e)
    return np.true_divide(e, add_reduce(e, axes, True), out=e)
