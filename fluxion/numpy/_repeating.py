"""Repeating elements: tile, repeat (with traced counts, given the output's length) and roll
(by traced shifts too).

>>> import fluxion.numpy as fnp
>>> fnp.roll(fnp.tile(fnp.asarray([1, 2]), 2), 1).tolist()
[2, 1, 2, 1]
"""
from __future__ import annotations

import builtins
import operator

import numpy as np

from .. import numpy as fnp
from ..core import dtypes
from ..core.array import Array, Tracer, distinct
from ..core.errors import ConcretizationError, op_error
from ..ops import reduce as R
from ..ops import shape as S
from . import _indexing
from ._convert import convert
from ._creation import asarray
from ._manipulation import _along, _arr, _axes, _eager, _eager_axis, _ints, _view
from ._placement import with_operands

__all__ = ["repeat", "roll", "tile"]


def tile(A, reps) -> Array:
    """Repeat the whole of `A` `reps` times along each axis (as NumPy's tile).

    >>> import fluxion.numpy as fnp
    >>> fnp.tile(fnp.asarray([1, 2]), (2, 2)).tolist()
    [[1, 2, 1, 2], [1, 2, 1, 2]]
    """
    if (reps.__class__ is int and reps >= 0 or reps.__class__ is tuple and all(
            r.__class__ is int and r >= 0 for r in reps)) and _eager(A):  # kept fast: NumPy's tile is the same copies
        return _view(A, np.tile(A._value, reps))
    x = _arr(A)
    reps = _ints("tile", "reps", reps)
    if any(r < 0 for r in reps):
        raise op_error(ValueError, "tile", f"reps {reps} must be >= 0", "pass non-negative repetition counts")
    d = max(len(reps), x.ndim)
    reps = (1,) * (d - len(reps)) + reps
    shape = (1,) * (d - x.ndim) + x.shape
    # a repetition axis before each repeated axis, then the pairs merged; runs of axes not repeated
    # are merged first, so that the steps stay within 64 dimensions
    groups = []
    for r, n in zip(reps, shape):
        if r == 1 and groups and groups[-1][0] == 1:
            groups[-1][1] *= n
        else:
            groups.append([r, n])
    grown, kept = [], []
    for r, n in groups:
        grown += [r, n] if r != 1 else [n]
        kept.append(len(grown) - 1)
    x = S.reshape(x, tuple(n for _, n in groups))
    return S.reshape(S.broadcast_in_dim(x, tuple(grown), tuple(kept)), tuple(r * n for r, n in zip(reps, shape)))


def _traced_positions(repeats: Array, n: int, total: int) -> Array:
    """For each of `total` output positions, which of the `n` elements a traced count array
    puts there; positions past the repeated elements take the last one (as jax does)."""
    counts = S.broadcast_to(S.reshape(convert(repeats, dtypes.int64), (repeats.size,)), (n,))
    starts = R.cumsum(counts, 0) - counts
    # a 1 where each element's run starts (runs starting past the end are dropped); the running
    # count of starts, less one, is then the element at each position
    marks = _indexing.update(S.full((total,), 0, dtypes.int64), (starts,), 1, "add", mode="drop")
    return R.cumsum(marks, 0) - 1


def repeat(x, /, repeats, axis: int | None = None, *, total_repeat_length: int | None = None) -> Array:
    """Repeat each element `repeats` times along `axis` (the flattened array when None).

    `repeats` is an int, or a sequence/array of one count per element. The output's shape
    depends on the counts, so they must be concrete unless `total_repeat_length` (the output's
    length along `axis`, as in jax) is given: then `repeats` may be traced (under jit or vmap),
    and the repeated elements are cut to that length or padded with the last element.

    >>> import fluxion.numpy as fnp
    >>> fnp.repeat(fnp.asarray([1, 2]), 2).tolist(), fnp.repeat(fnp.asarray([1, 2]), [1, 3]).tolist()
    ([1, 1, 2, 2], [1, 2, 2, 2])
    >>> fnp.repeat(fnp.asarray([1, 2, 3]), fnp.asarray([2, 0, 1]), total_repeat_length=5).tolist()
    [1, 1, 3, 3, 3]
    """
    if repeats.__class__ is int and repeats >= 0 and total_repeat_length is None and _eager(x) and (
            axis is None or _eager_axis(x, axis) is not None):  # kept fast: NumPy's repeat is the same copies
        return _view(x, np.repeat(x._value, repeats, axis))
    x = _arr(x)
    if axis is None or x.ndim == 0:
        x = S.reshape(x, (x.size,))
        axis = 0 if axis is None else axis
    (axis,) = _axes("repeat", axis, x.ndim)
    n = x.shape[axis]
    if total_repeat_length is not None:
        total = operator.index(total_repeat_length)
        if total < 0:
            raise op_error(ValueError, "repeat", f"total_repeat_length={total} is negative",
                           "pass the output's length along the axis, >= 0")
        if n == 0:  # nothing to repeat or pad with (jax also returns the empty array)
            return x
        if isinstance(repeats, Tracer):
            return _indexing.take(x, _traced_positions(repeats, n, total), axis=axis, mode="clip")
    elif isinstance(repeats, Tracer):
        raise op_error(ConcretizationError, "repeat", f"needs concrete repeat counts, got a traced {repeats.aval}",
                       "pass total_repeat_length= (the output's length along the axis), or make repeats static")
    counts = np.asarray(repeats._concrete("fnp.repeat") if isinstance(repeats, Array) else repeats)
    counts = counts.astype(np.int64) if counts.size == 0 else counts
    if counts.dtype.kind not in "iub" or counts.ndim > 1 or np.any(counts < 0):
        raise op_error(ValueError, "repeat", f"repeats must be non-negative integers, got {repeats!r}",
                       "pass an int or one non-negative int count per element")
    if counts.size != 1 and counts.shape != (n,):
        raise op_error(ValueError, "repeat", f"got {counts.size} repeat counts for an axis of size {n}",
                       "pass one count per element along the axis, or a single int")
    if total_repeat_length is not None:
        positions = np.repeat(np.arange(n), np.broadcast_to(counts.reshape(-1), (n,)))[:total]
        positions = np.concatenate([positions, np.full(total - positions.size, n - 1)])
        out = _indexing.take(x, Array(positions), axis=axis)
    elif counts.size == 1:
        r = int(counts.reshape(()))
        shape = x.shape[:axis + 1] + (r,) + x.shape[axis + 1:]
        grown = S.broadcast_in_dim(x, shape, tuple(i for i in range(x.ndim + 1) if i != axis + 1))
        out = S.reshape(grown, x.shape[:axis] + (n * r,) + x.shape[axis + 1:])
    else:
        out = _indexing.take(x, Array(np.repeat(np.arange(n), counts)), axis=axis)
    return with_operands("repeat", out, (x, repeats))  # (counts on a device: the result goes there too)


def roll(x, /, shift, axis=None) -> Array:
    """Shift elements along `axis` cyclically (the flattened array when None).

    `shift` and `axis` may be tuples (paired up, a single value broadcasting).

    >>> import fluxion.numpy as fnp
    >>> fnp.roll(fnp.arange(5), 2).tolist()
    [3, 4, 0, 1, 2]
    """
    if shift.__class__ is int and (axis is None and _eager(x) or (a := _eager_axis(x, axis)) is not None):  # kept
        v = x._value  # fast: the two slices, joined
        flat = v.reshape(-1) if axis is None else v
        a = 0 if axis is None else a
        n = flat.shape[a]
        s = shift % n if n else 0
        if not s:
            return distinct(x)
        out = np.concatenate((flat[_along(a, builtins.slice(n - s, None))], flat[_along(a, builtins.slice(n - s))]), a)
        return _view(x, out.reshape(v.shape))
    x = _arr(x)
    if axis is None:
        return S.reshape(roll(S.reshape(x, (x.size,)), shift, axis=0), x.shape)
    axes = _axes("roll", axis, x.ndim, distinct=False)
    traced = isinstance(shift, Tracer) or isinstance(shift, (tuple, list)) and any(isinstance(s, Tracer) for s in shift)
    shifts = _traced_shifts(shift) if traced else _ints("roll", "shift", shift)
    if len(shifts) != len(axes) and 1 not in (len(shifts), len(axes)):
        raise op_error(ValueError, "roll", f"shift {shift} and axis {axis} have different lengths",
                       "give one shift per axis, or a single shift or axis")
    total = dict.fromkeys(axes, 0)
    for s, a in zip(shifts * (len(axes) if len(shifts) == 1 else 1), axes * (len(shifts) if len(axes) == 1 else 1)):
        total[a] = total[a] + s
    if not traced:  # (shifts on a device: the result goes there too)
        return with_operands("roll", S.roll(x, tuple(total.values()), tuple(total)),
                             (x, *(shift if isinstance(shift, (tuple, list)) else (shift,))))
    for a, s in total.items():  # each axis of n elements read at (i - shift) mod n
        if n := x.shape[a]:
            x = _indexing.take(x, (fnp.arange(n, dtype=s.dtype) - s) % n, axis=a)
    return x


def _traced_shifts(shift) -> list[Array]:
    """A traced `shift` (an integer, or a sequence or 1-d array of them) as a list of 0-d shifts."""
    shifts = asarray(shift)
    if shifts.dtype not in dtypes.INTEGER or shifts.ndim > 1:
        raise op_error(TypeError, "roll", f"shift must be an integer or a 1-d array of them, got {shifts.aval}",
                       "pass integer shifts")
    return [shifts[k] for k in range(shifts.size)] if shifts.ndim else [shifts]
