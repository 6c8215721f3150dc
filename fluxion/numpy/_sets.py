"""Set operations on flattened arrays. Their values are taken from the inputs, so they are
differentiable. The output size depends on the data, so they are eager only unless `size`
fixes it: then they are built from sorting and comparisons, and trace (under `fx.jit`,
`fx.vmap`) like any other function."""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array, Tracer
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ._comparison import isin
from ._convert import convert, dtype_of
from ._differences import _arrays, _operands
from ._indexing import _no_fill, checked_size, first_true, getitem, sized_concrete, take
from ._manipulation import concatenate, ravel
from ._placement import with_operands
from ._sorting import lexsort, searchsorted, sorted_runs, unique

__all__ = ["intersect1d", "setdiff1d", "setxor1d", "union1d"]

def _set_operands(op: str, ar1, ar2) -> tuple[list[Array], np.ndarray, np.ndarray]:
    a, b = _arrays(op, ar1, ar2)
    return [a, b], sized_concrete(op, a), sized_concrete(op, b)


def _taken(values: np.ndarray, arrays: list[Array]) -> Array:
    """`values`, elements of the flattened `arrays`: taken from them where one is differentiated,
    so that they keep their derivatives."""
    if not any(isinstance(a, Tracer) for a in arrays):
        return with_operands("a set operation", Array(values), arrays)
    pool = concatenate([ravel(a) for a in arrays])
    distinct, first = np.unique(np.asarray(pool._concrete("a set operation")), return_index=True)
    return convert(take(pool, first[np.searchsorted(distinct, values)]), values.dtype)


def intersect1d(ar1, ar2, assume_unique: bool = False, return_indices: bool = False, *, size: int | None = None,
                fill_value=None):
    """The sorted unique values in both arrays; with `return_indices`, also where they first
    occur in each flattened input.

    Eager only, unless `size` fixes the number of values (as under `fx.jit`): then the first
    `size` are returned, padded with `fill_value` (by default the smallest value found, or 0
    when there is none); the padding's indices are the inputs' sizes.

    >>> import fluxion.numpy as fnp
    >>> fnp.intersect1d(fnp.asarray([3, 1, 2]), fnp.asarray([2, 3, 4])).tolist()
    [2, 3]
    >>> fnp.intersect1d(fnp.asarray([3, 1, 2]), fnp.asarray([2, 3, 4]), size=3, fill_value=-1).tolist()
    [2, 3, -1]
    """
    if size is not None:
        return _intersect1d_sized(*_arrays("intersect1d", ar1, ar2), return_indices, size, fill_value)
    _no_fill("intersect1d", fill_value)
    arrays, a, b = _set_operands("intersect1d", ar1, ar2)
    out = np.intersect1d(a, b, assume_unique, return_indices)
    if return_indices:
        return (_taken(out[0], arrays[:1]),
                *with_operands("intersect1d", tuple(Array(v.astype(dtypes.default_int)) for v in out[1:]), arrays))
    return _taken(out, arrays[:1])


def setdiff1d(ar1, ar2, assume_unique: bool = False, *, size: int | None = None, fill_value=None) -> Array:
    """The unique values of `ar1` not in `ar2`, sorted, in the dtype of `ar1`.

    Eager only, unless `size` fixes the number of values: then the first `size` are returned,
    padded with `fill_value` (0 by default, as in jax).

    >>> import fluxion.numpy as fnp
    >>> fnp.setdiff1d(fnp.asarray([3, 1, 2, 1]), fnp.asarray([2])).tolist()
    [1, 3]
    >>> fnp.setdiff1d(fnp.asarray([3, 1, 2, 1]), fnp.asarray([2]), size=3).tolist()
    [1, 3, 0]
    """
    if size is not None:
        (a,), (b,) = _operands((ar1,)), _operands((ar2,))
        a, b = ravel(a), ravel(b)
        if a.size == 0:
            return _sized_values("setdiff1d", a, a, size, fill_value, False)[0]
        s, _, start = sorted_runs(a)
        return _sized_values("setdiff1d", s, E.and_p.bind(start, isin(s, b, invert=True)), size, fill_value,
                             False)[0]
    _no_fill("setdiff1d", fill_value)
    arrays, a, b = _set_operands("setdiff1d", ar1, ar2)
    out = np.setdiff1d(a, b, assume_unique)
    return _taken(out.astype(dtype_of(_operands((ar1,))[0])[0]), arrays[:1])  # values of ar1: the cast is exact


def setxor1d(ar1, ar2, assume_unique: bool = False, *, size: int | None = None, fill_value=None) -> Array:
    """The sorted unique values in exactly one of the arrays.

    Eager only, unless `size` fixes the number of values: then the first `size` are returned,
    padded with `fill_value` (by default the smallest value found, or 0 when there is none).

    >>> import fluxion.numpy as fnp
    >>> fnp.setxor1d(fnp.asarray([1, 2, 3]), fnp.asarray([2, 3, 4])).tolist()
    [1, 4]
    """
    if size is not None:
        a, b = (ravel(x) for x in _arrays("setxor1d", ar1, ar2))
        values, keep = a, S.full((0,), False, dtypes.bool_)  # (both empty)
        # each array's distinct values that the other lacks (NaN is in no array: each keeps one)
        parts = [(s, E.and_p.bind(start, isin(s, other, invert=True)))
                 for x, other in ((a, b), (b, a)) if x.size for s, _, start in [sorted_runs(x)]]
        if parts:
            values, keep = (concatenate(list(p)) for p in zip(*parts))
            order = lexsort((values, E.not_p.bind(keep)))  # the kept values first, sorted
            values, keep = getitem(values, (order,)), getitem(keep, (order,))
        return _sized_values("setxor1d", values, keep, size, fill_value, True)[0]
    _no_fill("setxor1d", fill_value)
    arrays, a, b = _set_operands("setxor1d", ar1, ar2)
    return _taken(np.setxor1d(a, b, assume_unique), arrays)


def _intersect1d_sized(a: Array, b: Array, return_indices: bool, size, fill_value):
    a, b = ravel(a), ravel(b)
    if not (a.size and b.size):
        values, filled, _ = _sized_values("intersect1d", a, S.full(a.shape, False, dtypes.bool_), size, fill_value,
                                          True)
        ends = [S.full(filled.shape, n, dtypes.default_int) for n in (a.size, b.size)]
        return (values, *ends) if return_indices else values
    s, perm, start = sorted_runs(a)
    values, filled, at = _sized_values("intersect1d", s, E.and_p.bind(start, isin(s, b)), size, fill_value, True)
    if not return_indices:
        return values
    # the first occurrence in `b`: where a stable sort of `b` puts the first of each value
    sb, perm_b, _ = sorted_runs(b)
    in_b = getitem(perm_b, (searchsorted(sb, getitem(s, (at,))),), mode="clip")
    return values, *(E.select_n_p.bind(filled, S.full(filled.shape, n, dtypes.int64), i)
                     for i, n in ((getitem(perm, (at,)), a.size), (in_b, b.size)))


def _sized_values(op: str, values: Array, keep: Array, size, fill_value, smallest: bool) -> tuple[Array, ...]:
    """The first `size` of the sorted 1-d `values` where `keep` holds, then `fill_value` (by default
    the first value kept if `smallest`, else 0); which slots hold a value; and their positions."""
    size = checked_size(op, size)
    if not values.size:
        fill = convert(0 if fill_value is None else fill_value, values.dtype)
        return S.broadcast_to(fill, (size,)), S.full((size,), False, dtypes.bool_), S.full((size,), 0, dtypes.int64)
    at, filled = first_true(keep, size)
    found = getitem(values, (at,))
    if fill_value is not None:
        fill = convert(fill_value, values.dtype)
    elif smallest and size:
        fill = E.select_n_p.bind(R.reduce_or(keep, (0,)), convert(0, values.dtype), getitem(found, 0))
    else:
        fill = convert(0, values.dtype)
    return E.select_n_p.bind(filled, S.broadcast_to(fill, (size,)), found), filled, at


def union1d(ar1, ar2, *, size=None, fill_value=None) -> Array:
    """The sorted unique values in either array (eager only, unless `size` fixes their number:
    see `unique`).

    >>> import fluxion.numpy as fnp
    >>> fnp.union1d(fnp.asarray([3, 1]), fnp.asarray([2, 1])).tolist()
    [1, 2, 3]
    """
    if size is not None or fill_value is not None:
        return unique(concatenate([ravel(a) for a in _arrays("union1d", ar1, ar2)]), size=size, fill_value=fill_value)
    arrays, a, b = _set_operands("union1d", ar1, ar2)
    return _taken(np.union1d(a, b), arrays)
