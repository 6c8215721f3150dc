"""Sorting, searching and set functions.

Sorting is always stable and orders as NumPy does: NaNs last, -0.0 equal to 0.0, complex
numbers by real then imaginary part. The unique family is eager only: the size of its result
depends on the values, so it cannot be traced, except `unique` given the `size` of its result.
"""
from __future__ import annotations

import operator
from typing import NamedTuple, Sequence

import numpy as np

from ..backends.numpy._util import MAX_NUMPY_DIMS
from ..backends.numpy.sort import stable_argsort, stable_sort
from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import DTypeError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ..ops import indexing as I
from ..ops import reduce as R
from ..ops import shape as S
from ..ops import sort as _sort
from ._convert import convert, promote
from ._elementwise_base import eager_array
from ._placement import place
from ._reduce_util import as_array, const, flatten, isnan, one_axis

__all__ = [
    "argpartition", "argsort", "lexsort", "partition", "searchsorted", "sort", "sort_complex", "unique", "unique_all",
    "unique_counts", "unique_inverse", "unique_values",
]

_KINDS = (None, "quicksort", "mergesort", "heapsort", "stable")
_EXACT_IN_FLOAT32 = (dtypes.float32, dtypes.float16, dtypes.bfloat16, dtypes.bool_, np.dtype(np.int8),
                     np.dtype(np.uint8), np.dtype(np.int16), np.dtype(np.uint16))
SEARCH_METHODS = ("scan", "scan_unrolled", "sort", "compare_all")
_SCALARS = (bool, int, float, complex)


def _along(op: str, a, axis, kind, order) -> tuple[Array, int]:
    """The array to sort and its axis (the flattened array for axis=None, and for a 0-d array in the
    index-returning sorts, which NumPy's take as 1-d)."""
    if kind not in _KINDS and not (op.endswith("partition") and kind == "introselect"):
        raise op_error(ValueError, op, f"kind={kind!r} is not a sort kind",
                       "omit kind= (fluxion's sort is always stable) or pass 'stable'")
    if order is not None:
        raise op_error(TypeError, op, "order= sorts structured arrays by field, and fluxion arrays have no fields",
                       "sort several arrays together with fnp.lexsort")
    x = as_array(a)
    if axis is None or x.ndim == 0 and op.startswith("arg") and axis in (0, -1):
        return flatten(x), 0
    return x, one_axis(op, axis, x.ndim)


def _eager_sort(a, axis, kind, order, indices: bool) -> Array | None:
    """NumPy's stable sort (or its indices) of an eager Array of a dtype NumPy orders as the kernel
    does (NaNs last), along an axis in range; None in every other case, which goes the general way."""
    if a.__class__ is not Array or _ctx.interp is not EAGER or axis.__class__ is not int or order is not None:
        return None
    v = a._value
    if v.dtype in _LOW or not -v.ndim <= axis < v.ndim or kind not in _KINDS or v.ndim > MAX_NUMPY_DIMS:
        return None
    y = Array.__new__(Array)
    if indices:
        y._value, y._weak = stable_argsort(v, axis), False
    else:
        y._value, y._weak = stable_sort(v, axis), a._weak
    return y


def _argsort(x: Array, axis: int) -> Array:
    return _sort.sort((x, S.iota(dtypes.int64, x.shape, axis)), axis)[1]


def sort(a, axis=-1, kind=None, order=None, *, descending: bool = False, stable: bool | None = None) -> Array:
    """A sorted copy of `a` along `axis` (the flattened array for None); largest first if `descending`.

    NaNs sort last, or first when `descending`; `kind` and `stable` are accepted for NumPy and
    the array API, and the sort is always stable.

    >>> import fluxion.numpy as fnp
    >>> fnp.sort(fnp.asarray([3.0, fnp.nan, 1.0])).tolist()
    [1.0, 3.0, nan]
    """
    if not descending and (out := _eager_sort(a, axis, kind, order, False)) is not None:  # the common case, kept fast
        return out
    x, ax = _along("sort", a, axis, kind, order)
    if descending:  # reversing before and after a stable sort keeps equal elements in their order
        return S.rev(_sort.sort(S.rev(x, (ax,)), ax), (ax,))
    return _sort.sort(x, ax)



def sort_complex(a) -> Array:
    """`a` sorted along its last axis by real part, then imaginary part, as a complex array
    (complex64 unless `a` is float64 or complex128).

    >>> import fluxion.numpy as fnp
    >>> fnp.sort_complex(fnp.asarray([3.0, 1.0, 2.0])).tolist()
    [(1+0j), (2+0j), (3+0j)]
    """
    x = as_array(a)
    return sort(convert(x, dtypes.complex_dtype(x.dtype)), axis=-1)

def argsort(a, axis=-1, kind=None, order=None, *, descending: bool = False, stable: bool | None = None,
            dtype=None) -> Array:
    """Indices that sort `a` along `axis`; equal elements keep their order (stable).

    The indices are int64, or of jax's `dtype` (a number dtype; a narrow integer one wraps
    past its largest value, as in jax).

    >>> import fluxion.numpy as fnp
    >>> fnp.argsort(fnp.asarray([3, 1, 2, 1])).tolist()
    [1, 3, 2, 0]
    >>> fnp.argsort(fnp.asarray([3, 1, 2, 1]), descending=True).tolist()
    [0, 2, 1, 3]
    """
    if dtype is not None:
        return _index_dtype("argsort", argsort(a, axis, kind, order, descending=descending, stable=stable), dtype)
    if not descending and (out := _eager_sort(a, axis, kind, order, True)) is not None:  # the common case, kept fast
        return out
    x, ax = _along("argsort", a, axis, kind, order)
    if not descending:
        return _argsort(x, ax)
    last = const(x.shape[ax] - 1, dtypes.int64)
    return E.sub_p.bind(last, S.rev(_argsort(S.rev(x, (ax,)), ax), (ax,)))


def _index_dtype(op: str, indices: Array, dtype) -> Array:
    """`indices` (int64) in the user's `dtype`, a number dtype."""
    dt = dtypes.canonicalize(dtype)
    if dt.kind not in "iufc":
        raise op_error(DTypeError, op, f"dtype={dt} cannot hold indices", "pass an integer dtype, e.g. fnp.int32")
    return convert(indices, dt)


def _kth(op: str, kth, n: int) -> int:
    """The largest of `kth` (an int or a sequence of ints), as a position in [0, n)."""
    items = kth if isinstance(kth, (Sequence, np.ndarray)) else (kth,)
    try:
        items = [operator.index(k) for k in items]
    except TypeError:
        raise op_error(TypeError, op, f"kth must be an int or a sequence of ints, got {kth!r}",
                       "pass kth as Python ints") from None
    bad = [k for k in items if not -n <= k < n]
    if bad:
        raise op_error(ShapeError, op, f"kth {bad} is out of range for an axis of size {n}",
                       f"use kth in [{-n}, {n - 1}]")
    return max((k % n for k in items), default=-1)


def partition(a, kth, axis=-1, kind: str = "introselect", order=None) -> Array:
    """`a` rearranged so that element `kth` is in its sorted place, smaller ones before, larger after.

    fluxion's arrangement: the `kth + 1` smallest sorted (stably), then the others in their order
    (for a sequence of kth, its largest). Traced, it costs a top-k selection, not a sort.

    >>> import fluxion.numpy as fnp
    >>> fnp.partition(fnp.asarray([5, 1, 4, 2]), 1).tolist()
    [1, 2, 5, 4]
    """
    return _partitioned("partition", a, kth, axis, kind, order, False)


def argpartition(a, kth, axis=-1, kind: str = "introselect", order=None) -> Array:
    """Indices that `partition` `a`, in `partition`'s arrangement.

    >>> import fluxion.numpy as fnp
    >>> fnp.argpartition(fnp.asarray([5, 1, 4, 2]), 1).tolist()
    [1, 3, 0, 2]
    """
    return _partitioned("argpartition", a, kth, axis, kind, order, True)


def _partitioned(op: str, a, kth, axis, kind, order, indices: bool) -> Array:
    x, ax = _along(op, a, axis, kind, order)
    k = _kth(op, kth, x.shape[ax]) + 1  # how many come first, sorted
    if x.__class__ is Array and _ctx.interp is EAGER and x.dtype not in _LOW and x.ndim <= MAX_NUMPY_DIMS:
        out = _eager_partitioned(np.moveaxis(x._value, ax, -1), k, indices)
        return eager_array(np.moveaxis(out, -1, ax), not indices and x._weak)
    from .. import numpy as fnp  # (the namespace and the control package import this module)
    from ..control import cond
    to_last = tuple(i for i in range(x.ndim) if i != ax) + (ax,)
    last = S.transpose(x, to_last)
    keys = convert(last, dtypes.float32) if x.dtype in _LOW else last  # (XLA's CPU compiler fails on float16's)
    sorted_first = lambda v: S.slice_in_dim(_argsort(v, v.ndim - 1), 0, k, axis=v.ndim - 1)  # noqa: E731
    if x.dtype in _EXACT_IN_FLOAT32:  # XLA selects float32 fast: the k smallest, lower indices first among equals
        f = convert(keys, dtypes.float32)
        f = E.select_n_p.bind(E.eq_p.bind(f, convert(0, f.dtype)), f, convert(0, f.dtype))  # (-0.0 is 0.0)
        key = E.neg_p.bind(E.select_n_p.bind(isnan(f), f, convert(np.inf, f.dtype)))
        selected = lambda v: convert(_sort.top_k(key, k)[1], dtypes.int64)  # noqa: E731
        # NaN sorts after inf, which the key cannot tell apart: with both present, sort
        every = tuple(range(f.ndim))
        both = E.and_p.bind(R.reduce_or(isnan(f), every),
                            R.reduce_or(E.eq_p.bind(f, convert(np.inf, f.dtype)), every))
        first = cond(both, sorted_first, selected, last)
    else:
        first = sorted_first(last)
    n = last.shape[-1]
    # the others: after the k-th smallest, by value in sort's order then by index
    kth_at = S.slice_in_dim(first, k - 1, k, axis=last.ndim - 1)
    kth = fnp.take_along_axis(keys, kth_at, -1)
    after = _comes_before(kth, keys, "left")
    tied = E.not_p.bind(E.or_p.bind(_comes_before(keys, kth, "left"), after))
    later = E.or_p.bind(after, E.and_p.bind(tied, E.gt_p.bind(S.iota(dtypes.int64, last.shape, last.ndim - 1), kth_at)))
    marks = convert(later, dtypes.float32)  # (as keys, selected fast too)
    rest = convert(_sort.top_k(marks, n - k)[1], dtypes.int64)  # the others, in their order
    order = S.concatenate([first, rest], last.ndim - 1)
    out = order if indices else fnp.take_along_axis(last, order, -1)
    return S.transpose(out, tuple(np.argsort(to_last)))


def _eager_partitioned(v: np.ndarray, k: int, indices: bool) -> np.ndarray:
    """partition's arrangement of the last axis of `v` (or its indices) by NumPy's selection, in
    linear time where `v` is real: the k smallest (lower indices first among equals) sorted stably,
    then the others in their order."""
    first_shape = v.shape[:-1] + (k,)
    if v.dtype.kind == "c" or k == 0:  # (complex orders by its sort)
        first = stable_argsort(v, -1)[..., :k]
        selected = np.zeros(v.shape, np.bool_)
        np.put_along_axis(selected, first, True, -1)
        first = first if indices else np.take_along_axis(v, first, -1)
    else:
        kth = np.partition(v, k - 1, -1)[..., k - 1:k]  # NaNs last, as sort orders
        before, tied = v < kth, v == kth
        if v.dtype.kind == "f":
            nan, kth_nan = np.isnan(v), np.isnan(kth)
            before |= kth_nan & ~nan
            tied |= kth_nan & nan
        selected = before | tied & (np.cumsum(tied, -1) <= k - before.sum(-1, keepdims=True))
        if indices:
            first = np.nonzero(selected)[-1].reshape(first_shape)
            first = np.take_along_axis(first, stable_argsort(np.take_along_axis(v, first, -1), -1), -1)
        else:
            first = stable_sort(v[selected].reshape(first_shape), -1)
    rest = (np.nonzero(~selected)[-1] if indices else v[~selected]).reshape(v.shape[:-1] + (v.shape[-1] - k,))
    return np.concatenate([first, rest], -1)


def lexsort(keys, axis=-1) -> Array:
    """Indices that sort by several keys; the LAST key is the primary one (NumPy's convention).

    `keys` is a sequence of arrays of one shape, or an array whose rows are the keys.

    >>> import fluxion.numpy as fnp
    >>> surnames = fnp.asarray([1, 0, 1, 0])
    >>> first = fnp.asarray([2, 9, 1, 3])
    >>> fnp.lexsort((first, surnames)).tolist()
    [3, 1, 2, 0]
    """
    if isinstance(keys, (Array, np.ndarray, np.generic)):
        keys = as_array(keys)
        if keys.ndim == 0:
            raise op_error(ShapeError, "lexsort", "keys is a 0-d array",
                           "pass a sequence of arrays, or a 2-d array of rows")
        keys = [S.squeeze(S.slice_in_dim(keys, i, i + 1), (0,)) for i in range(keys.shape[0])]
    keys = [as_array(k) for k in keys]
    if not keys:
        raise op_error(ValueError, "lexsort", "needs at least one key", "pass a non-empty sequence of arrays")
    if any(k.shape != keys[0].shape for k in keys):
        raise op_error(ShapeError, "lexsort", f"keys have shapes {', '.join(str(k.shape) for k in keys)}",
                       "give every key the same shape (broadcast them first)")
    if keys[0].ndim == 0:
        raise op_error(ShapeError, "lexsort", "keys are 0-d, so there is no axis to sort along",
                       "pass keys of at least 1 dimension")
    ax = one_axis("lexsort", axis, keys[0].ndim)
    order = _sort.sort((*keys[::-1], S.iota(dtypes.int64, keys[0].shape, ax)), ax, num_keys=len(keys))
    return order[-1]


def searchsorted(a, v, side: str = "left", sorter=None, *, method: str = "scan") -> Array:
    """Indices (int64) where inserting `v` into the sorted 1-d `a` keeps it sorted.

    `side="left"` gives the first such index, `"right"` the last. NaNs sort last, as in `sort`.
    An unsorted `a` gives the count of its elements before each value (as sorted). jax's `method`
    ('scan', 'scan_unrolled', 'sort' or 'compare_all') does not change the result: traced,
    'compare_all' compares every pair, and the others do too for small sizes, else binary-search.

    >>> import fluxion.numpy as fnp
    >>> fnp.searchsorted(fnp.asarray([1, 2, 2, 4]), fnp.asarray([2, 3]), side="right").tolist()
    [3, 3]
    """
    if method not in SEARCH_METHODS:
        raise op_error(ValueError, "searchsorted", f"method={method!r} is not a method",
                       f"pass method= one of {SEARCH_METHODS}")
    if side not in ("left", "right"):
        raise op_error(ValueError, "searchsorted", f"side={side!r} must be 'left' or 'right'",
                       "pass side='left' or 'right'")
    a = as_array(a)
    if type(v) is int and a.dtype in dtypes.INTEGER and a.ndim == 1 and sorter is None:
        info = np.iinfo(a.dtype)
        if not info.min <= v <= info.max:  # above (or below) every element, as NumPy finds it; promotion cannot hold it
            return convert(a.shape[0] if v > info.max else 0, dtypes.int64)
    a, v = promote("searchsorted", a, v if isinstance(v, _SCALARS) else as_array(v))
    if a.ndim != 1:
        raise op_error(ShapeError, "searchsorted", f"a must be 1-d, got shape {a.shape}",
                       "search each row separately (e.g. with fx.vmap), or flatten a")
    if sorter is not None:
        sorter = as_array(sorter)
        _check_sorter(sorter, a.shape)
    elif (out := _eager_searchsorted(a, v, side)) is not None:  # the common case, kept fast
        return out
    # the answer is the number of elements of `a` before `v`, which does not depend on their order
    if method == "compare_all" or a.size * max(v.size, 1) <= _COMPARED:  # count them all, in one fused pass
        before = _comes_before(S.reshape(a, (1,) * v.ndim + a.shape), S.reshape(v, v.shape + (1,)), side)
        return R.reduce_sum(convert(before, dtypes.int64), (v.ndim,))
    # else a binary search in `a` sorted (by `sorter` where given, else by sorting it if it is not)
    if v.ndim > 1:  # (a 1-d search loop compiles to a faster program)
        return S.reshape(searchsorted(a, S.reshape(v, (v.size,)), side, sorter, method=method), v.shape)
    from ..control import cond, fori_loop  # (the control package imports this one)
    n = a.shape[0]
    if sorter is not None:
        a = _take_at(a, sorter)
    elif n > 1:
        unsorted = R.reduce_or(_comes_before(S.slice_in_dim(a, 1, n), S.slice_in_dim(a, 0, n - 1), "left"), (0,))
        a = cond(unsorted, lambda e: _sort.sort(e, 0), lambda e: e, a)

    k = n.bit_length()

    def extend(i, count):  # by the next lower power of two, where those elements come before v too
        step = E.shift_left_p.bind(convert(1, dtypes.int64), E.sub_p.bind(convert(k - 1, dtypes.int64), i))
        longer = E.add_p.bind(count, step)
        last = _take_at(a, E.sub_p.bind(longer, convert(1, dtypes.int64)))
        fits = E.and_p.bind(E.le_p.bind(longer, convert(n, dtypes.int64)), _comes_before(last, v, side))
        return E.select_n_p.bind(fits, count, longer)
    return fori_loop(0, k, extend, S.full(v.shape, 0, dtypes.int64))


_COMPARED = 1 << 12  # up to this many comparisons, counting them all beats a binary search


def _take_at(a: Array, indices: Array) -> Array:
    """`a[indices]` for a 1-d `a` and integer `indices` in [0, len(a)] (the end clipped)."""
    dn = I.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,))
    return I.gather(a, S.expand_dims(indices, (indices.ndim,)), dn, (1,), mode="clip")


def _comes_before(elements: Array, values: Array, side: str) -> Array:
    """Whether each element comes before its value in `sort`'s order (or equals it, for side "right")."""
    if elements.dtype in dtypes.COMPLEX:  # by real part, then imaginary part
        before = _before(_order_keys(E.real_p.bind(elements)) + _order_keys(E.imag_p.bind(elements)),
                         _order_keys(E.real_p.bind(values)) + _order_keys(E.imag_p.bind(values)), side)
    else:
        before = (E.lt_p if side == "left" else E.le_p).bind(elements, values)
    if elements.dtype in dtypes.REAL_FLOATING:  # NaN last
        nan_v = isnan(values)
        extra = E.and_p.bind(nan_v, E.not_p.bind(isnan(elements))) if side == "left" else nan_v
        before = E.or_p.bind(before, extra)
    return before


def _order_keys(x: Array) -> list[Array]:
    """Keys that order real floats `x` as `sort` does, NaN last: whether it is NaN, then its value
    (0 for NaN, which the first key already placed)."""
    nan = isnan(x)
    return [convert(nan, dtypes.int8), E.select_n_p.bind(nan, x, convert(0, x.dtype))]


def _before(a: list[Array], b: list[Array], side: str) -> Array:
    """Whether the key tuples `a` come before `b` in lexicographic order (or equal them, for side "right")."""
    out = (E.lt_p if side == "left" else E.le_p).bind(a[-1], b[-1])
    for x, y in zip(reversed(a[:-1]), reversed(b[:-1])):
        out = E.or_p.bind(E.lt_p.bind(x, y), E.and_p.bind(E.eq_p.bind(x, y), out))
    return out


def _eager_searchsorted(a: Array, v: Array, side: str) -> Array | None:
    """The general path's count, by NumPy's binary search, for eager promoted 1-d `a` and `v` of a
    real dtype the kernels order as NumPy does; None otherwise."""
    if a.__class__ is not Array or v.__class__ is not Array or _ctx.interp is not EAGER:
        return None
    if (e := a._value).dtype not in _SEARCHED or (w := v._value).dtype is not e.dtype:
        return None
    if not _sorted_nan_last(e):
        e = np.sort(e)  # the count of elements before a value does not depend on their order
    return eager_array(np.searchsorted(e, w, side).astype(np.int64, copy=False), False)


def _sorted_nan_last(e: np.ndarray) -> bool:
    """Whether the 1-d `e` is in the order `sort` gives (NaNs last), so that a binary search in it
    counts the elements before a value."""
    before, after = e[:-1], e[1:]
    if e.dtype in _INEXACT:  # NaN-last: a number never follows a NaN
        return not ((after < before) | ((before != before) & (after == after))).any()
    return not (after < before).any()


_INEXACT = frozenset((dtypes.float32, dtypes.float64))
_SEARCHED = _INEXACT | frozenset(dtypes.INTEGER)


def _check_sorter(sorter: Array, shape: tuple) -> None:
    if sorter.dtype not in dtypes.INTEGER:
        raise op_error(DTypeError, "searchsorted", f"sorter must hold integer indices, got dtype {sorter.dtype}",
                       "pass the result of fnp.argsort(a)")
    if sorter.shape != shape:
        raise op_error(ShapeError, "searchsorted", f"sorter of shape {sorter.shape} does not match a of shape {shape}",
                       "pass one index per element of a, e.g. fnp.argsort(a)")


# unique: eager only ---------------------------------------------------------------------------
class UniqueAllResult(NamedTuple):
    values: Array
    indices: Array
    inverse_indices: Array
    counts: Array


class UniqueCountsResult(NamedTuple):
    values: Array
    counts: Array


class UniqueInverseResult(NamedTuple):
    values: Array
    inverse_indices: Array


_LOW = (dtypes.float16, dtypes.bfloat16)


def _values_of(op: str, x) -> tuple[Array, np.ndarray]:
    """`x` as an Array, and its concrete value (in float32 for 16-bit floats, which NumPy orders
    NaN-last only there)."""
    from ._indexing import sized_concrete
    x = as_array(x)
    v = sized_concrete(op, x)
    return x, v.astype(np.float32) if x.dtype in _LOW else v


def _results(x: Array, values, *indices) -> tuple[Array, ...]:
    """The distinct `values` of `x` (in its dtype) and int64 `indices`, as Arrays on `x`'s device."""
    out = (Array(np.asarray(values).astype(x.dtype, copy=False)),
           *(Array(np.asarray(i).astype(np.int64, copy=False)) for i in indices))
    return tuple(place("unique", a, x.device) for a in out)


def _taken(x, values: Array, first: np.ndarray, axis=None) -> Array:
    """The distinct `values` of `x`, taken from it (at the `first` index of each) where it is
    differentiated, so that they keep their derivatives."""
    if not isinstance(x, Tracer):
        return values
    from ._indexing import take
    return take(x, Array(first.astype(np.int64)), axis=axis)


def _unique_all(op: str, x) -> UniqueAllResult:
    """The array API's unique: sorted values, NaNs distinct, inverse indices of the shape of `x`."""
    x, v = _values_of(op, x)
    values, indices, inverse, counts = np.unique(v, return_index=True, return_inverse=True, return_counts=True,
                                                 equal_nan=False)
    out = _results(x, values, indices, np.reshape(inverse, v.shape), counts)
    return UniqueAllResult(_taken(x, out[0], indices), *out[1:])


def _sized(x, size, fill_value, *want: bool) -> tuple:
    """The array API's unique (NaNs distinct) of a fixed number of values, as `unique`'s `size`."""
    out = unique(x, *want, equal_nan=False, size=size, fill_value=fill_value)
    return out if isinstance(out, tuple) else (out,)


def unique_values(x, /, *, size=None, fill_value=None) -> Array:
    """The sorted distinct elements of `x`, flattened (NaNs are all distinct). Eager only, unless
    `size` fixes their number (see `unique`).

    >>> import fluxion.numpy as fnp
    >>> fnp.unique_values(fnp.asarray([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    if size is not None or fill_value is not None:
        return _sized(x, size, fill_value)[0]
    return _unique_all("unique_values", x).values


def unique_counts(x, /, *, size=None, fill_value=None) -> UniqueCountsResult:
    """The distinct elements of `x` and how often each occurs. Eager only, unless `size` fixes
    their number (see `unique`).

    >>> import fluxion.numpy as fnp
    >>> fnp.unique_counts(fnp.asarray([3, 1, 3])).counts.tolist()
    [1, 2]
    """
    if size is not None or fill_value is not None:
        return UniqueCountsResult(*_sized(x, size, fill_value, False, False, True))
    r = _unique_all("unique_counts", x)
    return UniqueCountsResult(r.values, r.counts)


def unique_inverse(x, /, *, size=None, fill_value=None) -> UniqueInverseResult:
    """The distinct elements of `x` and, per element of `x`, the index of its value. Eager only,
    unless `size` fixes their number (see `unique`).

    >>> import fluxion.numpy as fnp
    >>> fnp.unique_inverse(fnp.asarray([3, 1, 3])).inverse_indices.tolist()
    [1, 0, 1]
    """
    if size is not None or fill_value is not None:
        return UniqueInverseResult(*_sized(x, size, fill_value, False, True))
    r = _unique_all("unique_inverse", x)
    return UniqueInverseResult(r.values, r.inverse_indices)


def unique_all(x, /, *, size=None, fill_value=None) -> UniqueAllResult:
    """Distinct elements, the first index of each, the inverse indices and the counts. Eager
    only, unless `size` fixes their number (see `unique`).

    >>> import fluxion.numpy as fnp
    >>> fnp.unique_all(fnp.asarray([3, 1, 3])).indices.tolist()
    [1, 0]
    """
    if size is not None or fill_value is not None:
        return UniqueAllResult(*_sized(x, size, fill_value, True, True, True))
    return _unique_all("unique_all", x)


def unique(ar, return_index: bool = False, return_inverse: bool = False, return_counts: bool = False,
           axis=None, *, equal_nan: bool = True, sorted: bool = True, size: int | None = None,  # noqa: A002
           fill_value=None):
    """NumPy's unique: sorted distinct elements (or rows along `axis`), optionally with the first
    indices, inverse indices and counts. NaNs count as one value unless `equal_nan=False`.
    `sorted=False` allows any order (the result is sorted all the same).

    The number of distinct elements depends on the values, so they must be concrete, unless
    `size` fixes it (as under `fx.jit`; flattened arrays only): then the first `size` distinct
    values are returned, padded with `fill_value` (the smallest value by default), and the
    padding's first indices are the smallest's and its counts 0.

    >>> import fluxion.numpy as fnp
    >>> values, counts = fnp.unique(fnp.asarray([2, 1, 2]), return_counts=True)
    >>> values.tolist(), counts.tolist()
    ([1, 2], [1, 2])
    >>> fnp.unique(fnp.asarray([2, 1, 2]), size=3, fill_value=-1).tolist()
    [1, 2, -1]
    """
    if size is not None:
        if axis is not None:
            raise op_error(NotImplementedError, "unique", "size= is supported for flattened arrays only",
                           "drop axis= (unique of the flattened array), or drop size= (concrete values)")
        out = _unique_sized(as_array(ar), size, fill_value, equal_nan, return_index, return_inverse, return_counts)
        return out if len(out) > 1 else out[0]
    if fill_value is not None:
        raise op_error(TypeError, "unique", "fill_value= pads a result of fixed size, so it needs size=",
                       "pass size= too, or drop fill_value=")
    ar, v = _values_of("unique", ar)
    if axis is not None:
        axis = one_axis("unique", axis, v.ndim)
    # the first indices need NumPy's stable argsort, several times slower than its sort: asked for
    # only where returned or where `_taken` keeps derivatives by them
    want_first = return_index or isinstance(ar, Tracer)
    found = np.unique(v, want_first, return_inverse, return_counts, axis=axis, equal_nan=equal_nan)
    values, *rest = found if isinstance(found, tuple) else (found,)
    first = rest.pop(0) if want_first else None
    out = _results(ar, values, *([first] if return_index else []), *rest)
    out = (_taken(ar, out[0], first, axis), *out[1:])
    return out if len(out) > 1 else out[0]


def sorted_runs(flat: Array, equal_nan: bool = True) -> tuple[Array, Array, Array]:
    """The non-empty 1-d `flat` sorted (stably), the permutation that sorts it, and `start`: where
    each distinct value begins in the sorted array (NaNs one value if `equal_nan`). Traceable."""
    from ._indexing import getitem
    n = flat.shape[0]
    perm = _argsort(flat, 0)
    s = getitem(flat, (perm,))
    later, earlier = S.slice_in_dim(s, 1, n), S.slice_in_dim(s, 0, n - 1)
    new = E.ne_p.bind(later, earlier)
    if equal_nan and flat.dtype in dtypes.FLOATING:
        new = E.and_p.bind(new, E.not_p.bind(E.and_p.bind(isnan(later), isnan(earlier))))
    return s, perm, S.concatenate([S.full((1,), True, dtypes.bool_), new], 0)


def _unique_sized(x: Array, size, fill_value, equal_nan: bool, *want: bool) -> tuple[Array, ...]:
    """`unique` of the flattened `x` with a fixed number of values, from primitives (traceable)."""
    from ._indexing import getitem, update
    size, n, i64 = operator.index(size), x.size, dtypes.int64
    if size < 0:
        raise op_error(ValueError, "unique", f"size must be >= 0, got {size}", "pass the number of values to return")
    if n == 0 and size and fill_value is None:
        raise op_error(ValueError, "unique", "an empty array has no smallest value to pad with",
                       "pass fill_value= with size=")
    if n == 0:  # nothing to find: all padding
        fill = convert(as_array(0 if fill_value is None else fill_value), x.dtype)
        zeros = S.full((size,), 0, i64)
        return (S.broadcast_to(fill, (size,)), *[z for z, w in zip((zeros, S.full(x.shape, 0, i64), zeros), want) if w])
    s, perm, start = sorted_runs(flatten(x), equal_nan)
    run = E.sub_p.bind(R.cumsum(convert(start, i64), 0), const(1, i64))  # the distinct value of each sorted element
    # the sorted position of the first element of each distinct value, and of one more; n past the last
    bounds = update(S.full((size + 1,), n, i64), (E.select_n_p.bind(start, S.full((n,), size + 1, i64), run),),
                    S.iota(i64, (n,), 0), "set", mode="drop")
    first = S.slice_in_dim(bounds, 0, size)
    filled = E.lt_p.bind(S.iota(i64, (size,), 0), R.reduce_sum(convert(start, i64), (0,)))
    at = E.select_n_p.bind(filled, S.full((size,), 0, i64), first)
    fill = getitem(s, 0) if fill_value is None else convert(as_array(fill_value), x.dtype)
    out = [E.select_n_p.bind(filled, S.broadcast_to(fill, (size,)), getitem(s, (at,), mode="clip"))]
    if want[0]:
        out.append(getitem(perm, (at,), mode="clip"))
    if want[1]:
        out.append(S.reshape(update(S.full((n,), 0, i64), (perm,), run, "set"), x.shape))
    if want[2]:
        counts = E.sub_p.bind(S.slice_in_dim(bounds, 1, size + 1), first)
        out.append(E.select_n_p.bind(filled, S.full((size,), 0, i64), counts))
    return tuple(out)
