"""Eager fast paths of indexing and `where`, for plain host Arrays with no transformation active.

An eager read with a basic index (Python ints, slices of ints, None), integer arrays among
them, or one boolean mask, and a write (`set`, or `add`) with a basic index checked before or
with integer arrays, skip the plan and the primitives: NumPy applies the index itself, by the
same rules (those of its advanced indexing; repeated indices all add, as `np.add.at`).
`where` of a boolean condition between Arrays of one dtype (or one and a Python scalar it
keeps) calls NumPy's. Every other case, and every error (NumPy's included), takes the general
path in _indexing.py; `fix` is that path's advice for an index out of bounds.
"""
from __future__ import annotations

import numpy as np

from ..backends.numpy._select import where
from ..core import dtypes
from ..core.array import Array
from ._index_plan import plan

_CHECKED: dict = {}  # (shape, index key) -> (whole, window, out_shape) of indices planned without error


def _int_slice(s: slice) -> bool:
    a, b, c = s.start, s.stop, s.step
    return (a is None or a.__class__ is int) and (b is None or b.__class__ is int) and (c is None or c.__class__ is int)


def _basic(idx) -> bool:
    """Whether `idx` is a basic index: Python ints, slices of ints, None and ellipses, alone or
    in a tuple (booleans, NumPy scalars, floats and arrays have rules of their own; NumPy
    refuses a second ellipsis, as the plan does)."""
    cls = idx.__class__
    if cls is int or idx is None or idx is Ellipsis:
        return True
    if cls is slice:
        return _int_slice(idx)
    if cls is not tuple:
        return False
    for it in idx:
        cls = it.__class__
        if not (cls is int or it is None or cls is slice and _int_slice(it) or it is Ellipsis):
            return False
    return True


def _with_arrays(idx, shape: tuple):
    """A tuple index of basic items and integer Arrays (one at least), one integer Array or one
    boolean mask of the leading axes of `shape`, with the Arrays' values for NumPy; None for
    other indices."""
    if idx.__class__ is Array:
        i = idx._value
        return i if i.dtype.kind in "iu" or i.dtype is _BOOL and i.ndim and i.shape == shape[:i.ndim] else None
    if idx.__class__ is not tuple:
        return None
    out, arrays = [], False
    for it in idx:
        cls = it.__class__
        if cls is Array:
            it = it._value
            if it.dtype.kind not in "iu":
                return None
            arrays = True
        elif not (cls is int or it is None or cls is slice and _int_slice(it) or it is Ellipsis):
            return None
        out.append(it)
    return tuple(out) if arrays else None


def _basic_key(idx):
    """A hashable key for a basic index (slices are not hashable); None for other indices."""
    if not _basic(idx):
        return None
    if idx.__class__ is slice:
        return "s", idx.start, idx.stop, idx.step  # a str never begins the key of an index tuple
    if idx.__class__ is int or idx is None or idx is Ellipsis:
        return idx
    return tuple(("s", it.start, it.stop, it.step) if it.__class__ is slice else it for it in idx)


def _checked(shape: tuple, idx, op: str, fix: str):
    """For a basic index, planned (and checked) on first use: whether it selects the whole array
    (where the general path returns x itself), the counts of the window it writes (None where
    a step is not 1) and the result's shape. None for other indices."""
    k = _basic_key(idx)
    if k is None:
        return None
    try:
        return _CHECKED[shape, k]
    except KeyError:
        pass
    p = plan(shape, idx, op, False, fix)  # raises the general path's errors
    lo, hi, stride, _ = p.slice_args()
    whole = all(s == 1 for s in stride) and not any(lo) and tuple(hi) == shape
    entry = whole, tuple(p.counts) if p.unit_steps else None, p.out_shape
    if len(_CHECKED) > 10_000:
        _CHECKED.clear()
    _CHECKED[shape, k] = entry
    return entry


def eager_getitem(x: Array, idx):
    """`x[idx]` of an eager Array for a basic index, integer arrays among basic items, or one
    boolean mask of the leading axes; None for other indices."""
    v = x._value
    if _basic(idx):
        try:
            out = v[idx]
        except (IndexError, ValueError):  # the general path names the index and the fix
            return None
        # a copy, as the slice kernel's (and 0-d where NumPy gives a scalar), unless the view holds
        # every element in order (x[None], x[:]), as a reshape's does
        if out.__class__ is not np.ndarray:
            out = np.array(out)
        elif out.size != v.size or not out.flags.c_contiguous:
            out = out.copy()
    elif (i := _with_arrays(idx, v.shape)) is not None:
        try:  # NumPy's bounds are the plan's: [-n, n)
            out = v[i]  # (a new array: NumPy's advanced indexing copies)
        except (IndexError, ValueError):
            return None
        if out.__class__ is not np.ndarray:
            out = np.array(out)
    else:
        return None
    y = Array.__new__(Array)
    y._value, y._weak = out, x._weak
    return y


def eager_set(x: Array, idx, values, fix: str, op: str = "set"):
    """`x.at[idx].set(values)` (or `.add`) of an eager Array, for a basic index with unit steps (set
    only) or one with integer arrays or a mask, and values of its dtype (not bool for add) that broadcast
    to the indexed shape (or a Python float into a float array); None otherwise."""
    v = x._value
    if values.__class__ is Array:
        u = values._value
        if u.dtype is not v.dtype:
            return None
    elif values.__class__ is float and v.dtype in _WIDE_REAL:
        u = v.dtype.type(values)  # (np.add.at takes its slow loop for a value of another dtype)
    else:
        return None
    if (i := _with_arrays(idx, v.shape)) is not None:
        if op == "add" and v.dtype is _BOOL:
            return None
        out = v.copy()
        try:
            if op == "set":
                out[i] = u
            elif i.__class__ is not np.ndarray or v.ndim == 1:  # (NumPy's fast loop)
                np.add.at(out, i, u)
            elif _distinct(i, v.shape[0]):
                out[i] += u  # (where each index is another row, as np.add.at, many times faster)
            else:
                _add_rows(out, i, u)
        except (IndexError, ValueError):  # the general path names the index (or the shapes) and the fix
            return None
    else:
        c = _checked(v.shape, idx, "x.at[...].set", fix) if op == "set" else None
        if c is None or c[0] or c[1] is None or 0 in c[1] or u.__class__ is not float and u.ndim and u.shape != c[2]:
            return None
        out = v.copy()
        out[idx] = u
    y = Array.__new__(Array)
    y._value, y._weak = out, x._weak
    return y


def _distinct(i: np.ndarray, n: int) -> bool:
    """Whether the index `i` (from `_with_arrays`) of rows of `n` picks each once: a mask does,
    and an integer array does where no two of its entries name one row."""
    if i.dtype is _BOOL or not i.size:
        return True
    if not n:  # (every index is out of bounds: the general path names one)
        return False
    rows = i.ravel().astype(np.int64) % n  # (an out-of-bounds index raises where it is used)
    if rows.size * 8 < n:
        rows.sort()
        return not (rows[1:] == rows[:-1]).any()
    return np.bincount(rows, minlength=n).max(initial=0) <= 1


def _add_rows(out: np.ndarray, i: np.ndarray, u) -> None:
    """`np.add.at(out, i, u)` for integer indices `i` of rows, as one add.at at flat positions,
    which takes NumPy's fast loop (rows take its slow one)."""
    n, i = out.shape[0], i.astype(np.int64, copy=False)  # (a narrow dtype would overflow below)
    if ((i < -n) | (i >= n)).any():
        raise IndexError("out of bounds")
    r = out.size // n
    at = ((i + (i < 0) * n)[..., None] * r + np.arange(r)).ravel()
    np.add.at(out.reshape(-1), at, np.broadcast_to(u, i.shape + out.shape[1:]).ravel())


_WIDE_REAL = frozenset((dtypes.float32, dtypes.float64))
_BOOL = dtypes.bool_


def eager_where(condition: Array, x, y) -> Array | None:
    """The kernel's `where` of an eager boolean condition between two eager Arrays of one dtype,
    or an eager Array of a strong dtype that a Python float or int keeps and that scalar; None in
    every other case (and where the shapes do not broadcast), which goes the general way."""
    c = condition._value
    if c.dtype is not dtypes.bool_:
        return None
    if x.__class__ is Array:
        a = x._value
        if y.__class__ is Array:
            b = y._value
            if a.dtype is not b.dtype:
                return None
            weak = x._weak and y._weak
        elif x._weak or not _takes(a.dtype, y):
            return None
        else:
            b, weak = y, False
    elif y.__class__ is Array:
        b = y._value
        if y._weak or not _takes(b.dtype, x):
            return None
        a, weak = x, False
    else:
        return None
    try:
        value = where(c, a, b)
    except (ValueError, OverflowError):  # shapes that do not broadcast, an int out of range: the general path says so
        return None
    out = Array.__new__(Array)
    out._value, out._weak = value, weak
    return out


def _takes(dt: np.dtype, s) -> bool:
    """Whether a strong array of `dt` keeps its dtype beside Python float or int `s`, and NumPy
    converts `s` to it as `convert` does (NumPy does not check an int's range: done here)."""
    if s.__class__ is float:
        return dt in _INEXACT
    if s.__class__ is not int:
        return False
    if dt in _INEXACT:
        return True
    r = _INT_RANGE.get(dt)
    return r is not None and r[0] <= s <= r[1]


_INEXACT = frozenset(dtypes.FLOATING) - {dtypes.bfloat16}  # ml_dtypes widens bfloat16 beside a Python scalar
_INT_RANGE = {dt: (int(np.iinfo(dt).min), int(np.iinfo(dt).max)) for dt in dtypes.INTEGER}
