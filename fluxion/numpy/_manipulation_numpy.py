"""NumPy's manipulation functions beyond the array API standard: flips, rollaxis, editing
(append, insert, delete, resize, trim_zeros), block assembly and the axis-named splits.

Positions and sizes are static: `insert` and `delete` need concrete indices (a traced index
raises a ConcretizationError naming the fix), and `trim_zeros` needs concrete data.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from .. import numpy as fnp
from ..core.array import Array, Tracer
from ..core.errors import AxisError, ConcretizationError, ShapeError, op_error
from ..ops._util import axis_index
from ._convert import convert, promote
from ._manipulation import _arr, _axes

__all__ = ["append", "block", "delete", "dsplit", "fliplr", "flipud", "hsplit", "insert", "resize", "rollaxis",
           "trim_zeros", "vsplit"]


def _need_ndim(op: str, x: Array, ndim: int, fix: str) -> None:
    if x.ndim < ndim:
        raise op_error(ShapeError, op, f"needs an array of at least {ndim} dimensions, got shape {x.shape}", fix)


def fliplr(m) -> Array:
    """Reverse the order of the columns (axis 1) of an array of at least 2 dimensions.

    >>> import fluxion.numpy as fnp
    >>> fnp.fliplr(fnp.asarray([[1, 2], [3, 4]])).tolist()
    [[2, 1], [4, 3]]
    """
    m = _arr(m)
    _need_ndim("fliplr", m, 2, "use fnp.flip(x) for 1-d arrays")
    return fnp.flip(m, axis=1)


def flipud(m) -> Array:
    """Reverse the order of the rows (axis 0) of an array of at least 1 dimension.

    >>> import fluxion.numpy as fnp
    >>> fnp.flipud(fnp.asarray([[1, 2], [3, 4]])).tolist()
    [[3, 4], [1, 2]]
    """
    m = _arr(m)
    _need_ndim("flipud", m, 1, "a 0-d array has no rows to flip")
    return fnp.flip(m, axis=0)


def rollaxis(a, axis: int, start: int = 0) -> Array:
    """Move `axis` so that it lies before position `start` (NumPy's older form of moveaxis).

    >>> import fluxion.numpy as fnp
    >>> fnp.rollaxis(fnp.zeros((2, 3, 4)), 2).shape, fnp.rollaxis(fnp.zeros((2, 3, 4)), 0, 2).shape
    ((4, 2, 3), (3, 2, 4))
    """
    a = _arr(a)
    n = a.ndim
    axis = axis_index("rollaxis", operator.index(axis), n)
    start = operator.index(start)
    if not -n <= start <= n:
        raise op_error(ShapeError, "rollaxis", f"start={start} is out of range for an array of {n} dimensions",
                       f"use a start in [{-n}, {n}]")
    start = start + n if start < 0 else start
    start = start - 1 if axis < start else start
    return a if axis == start else fnp.moveaxis(a, axis, start)


# editing ------------------------------------------------------------------------------------
def append(arr, values, axis: int | None = None) -> Array:
    """`values` joined to the end of `arr` along `axis` (both flattened when `axis` is None).

    >>> import fluxion.numpy as fnp
    >>> fnp.append(fnp.asarray([1, 2]), [[3], [4]]).tolist()
    [1, 2, 3, 4]
    """
    arr, values = promote("append", arr, values)  # (a Python number exactly: 0.1 into float64 is 0.1)
    if axis is None:
        return fnp.concatenate([fnp.ravel(arr), fnp.ravel(values)])
    return fnp.concatenate([arr, values], axis=axis)


def _flat_and_axis(op: str, arr, axis) -> tuple[Array, int]:
    arr = _arr(arr)
    if axis is None:
        return fnp.ravel(arr), 0
    if arr.ndim == 0:  # (axis_index takes 0 and -1 for a 0-d array, as reductions do; this needs an axis)
        raise op_error(AxisError, op, f"axis {axis} is out of range for a 0-d array",
                       "pass axis=None, which works on the flattened array")
    return arr, axis_index(op, operator.index(axis), arr.ndim)


def _positions(op: str, obj, n: int) -> np.ndarray:
    """Concrete integer positions from a slice, an int or a sequence/array of ints."""
    if isinstance(obj, slice):
        return np.arange(*obj.indices(n))
    v = np.asarray(obj._concrete(f"fnp.{op} index") if isinstance(obj, Array) else obj)
    if v.size == 0 and v.dtype.kind == "f":  # [] has no dtype of its own
        v = v.astype(np.int64)
    if v.dtype.kind not in "iu":
        raise op_error(IndexError, op, f"indices must be integers, got {obj!r}",
                       "pass ints, a slice, or fnp.flatnonzero(mask) for a boolean mask")
    if v.ndim > 1:
        raise op_error(ShapeError, op, f"indices must be a scalar or 1-d, got shape {v.shape}", "pass a flat list")
    return v


def insert(arr, obj, values, axis: int | None = None) -> Array:
    """`arr` with `values` inserted before the positions `obj` along `axis` (flattened when None).

    `obj` is an int (the whole of `values` goes in there, as a block), a slice, or a sequence
    of ints (one inserted slice per index). The positions must be concrete: under `jit` make
    them static. `values` are cast to the dtype of `arr`.

    >>> import fluxion.numpy as fnp
    >>> fnp.insert(fnp.asarray([1, 2, 3]), 1, [7, 8]).tolist(), fnp.insert(fnp.asarray([1, 2, 3]), [0, 3], 0).tolist()
    ([1, 7, 8, 2, 3], [0, 1, 2, 3, 0])
    """
    arr, axis = _flat_and_axis("insert", arr, axis)
    n = arr.shape[axis]
    idx = _positions("insert", obj, n)
    if np.any((idx < -n) | (idx > n)):
        raise op_error(IndexError, "insert", f"indices {idx.tolist()} are out of range for an axis of size {n}",
                       f"use indices in [{-n}, {n}]")
    idx = np.where(idx < 0, idx + n, idx)
    # as NumPy's np.array(values, dtype=arr.dtype): a Python int that does not fit raises
    values = convert(values, arr.dtype) if isinstance(values, Array) else fnp.asarray(values, dtype=arr.dtype)
    if values.ndim < arr.ndim:
        values = fnp.reshape(values, (1,) * (arr.ndim - values.ndim) + values.shape)
    if idx.size == 1:  # one position: a block of values.shape[axis] slices (an int index takes axis 0 of values)
        if idx.ndim == 0:
            values = fnp.moveaxis(values, 0, axis)
        count = values.shape[axis]
        order, at = np.zeros(1, np.int64), idx.reshape(1)
    else:  # one slice per index, placed in order of the (stably sorted) indices
        count = idx.size
        order = np.argsort(idx, kind="stable")
        at = idx[order]
    shape = arr.shape[:axis] + (count,) + arr.shape[axis + 1:]
    try:
        values = fnp.broadcast_to(values, shape)
    except ValueError:
        raise op_error(ShapeError, "insert", f"values of shape {values.shape} do not fit the {count} inserted "
                       f"slices of shape {shape}", "pass values that broadcast to that shape") from None
    if at.size <= _RUNS:  # the result as runs of arr and of values, in order
        width = count if idx.size == 1 else 1
        runs = [r for k, o in enumerate(order) for r in ((0, at[k - 1] if k else 0, at[k]), (1, o, o + width))]
        return _joined([arr, values], [*runs, (0, at[-1] if at.size else 0, n)], axis)
    where = at + np.arange(count)
    source = np.empty(n + count, np.int64)  # where each entry of the result comes from in [arr, values]
    is_new = np.zeros(n + count, bool)
    is_new[where] = True
    source[where] = n + order
    source[~is_new] = np.arange(n)
    return fnp.take(fnp.concatenate([arr, values], axis=axis), Array(source), axis=axis)


def delete(arr, obj, axis: int | None = None, *, assume_unique_indices: bool = False) -> Array:
    """`arr` without the entries `obj` along `axis` (flattened when None).

    `obj` is an int, a slice, a sequence of ints or a boolean mask of the axis's length; it
    must be concrete (static under `jit`), unless `assume_unique_indices` promises distinct
    integer indices: then they may be traced, and as in jax a negative one counts from the end
    and one out of range deletes the last entry (they cannot be checked).

    >>> import fluxion.numpy as fnp
    >>> fnp.delete(fnp.arange(5), [0, 2]).tolist(), fnp.delete(fnp.asarray([[1, 2], [3, 4]]), 0, axis=1).tolist()
    ([1, 3, 4], [[2], [4]])
    """
    arr, axis = _flat_and_axis("delete", arr, axis)
    n = arr.shape[axis]
    if isinstance(obj, Tracer):
        if not assume_unique_indices:
            raise op_error(ConcretizationError, "delete", f"the number of entries left depends on the traced "
                           f"indices {obj.aval}", "pass assume_unique_indices=True if the indices are distinct "
                           "integers, or pass concrete indices")
        return fnp.take(arr, _kept(obj, n), axis=axis)
    mask = np.asarray(obj._concrete("fnp.delete index") if isinstance(obj, Array) else obj)
    if not isinstance(obj, slice) and mask.dtype == np.bool_:
        if mask.shape != (n,):
            raise op_error(ShapeError, "delete", f"a boolean mask of shape {mask.shape} does not match an axis of "
                           f"size {n}", "pass one boolean per entry of the axis")
        keep = ~mask
    else:
        idx = _positions("delete", obj, n)
        if np.any((idx < -n) | (idx >= n)):
            raise op_error(IndexError, "delete", f"indices {idx.tolist()} are out of range for an axis of size {n}",
                           f"use indices in [{-n}, {n - 1}]")
        keep = np.ones(n, bool)
        keep[idx] = False
    gone = np.flatnonzero(~keep)
    if gone.size > _RUNS:
        return fnp.take(arr, Array(np.flatnonzero(keep)), axis=axis)
    return _joined([arr], [(0, a + 1, b) for a, b in zip([-1, *gone], [*gone, n])], axis)


_RUNS = 32  # edits of more places than this are made by a gather, not by joining slices


def _joined(parts: list[Array], runs: list[tuple[int, int, int]], axis: int) -> Array:
    """The slices `start:stop` along `axis` of `parts[i]` for `(i, start, stop)` in `runs`, joined."""
    pieces = [_slice(parts[i], int(a), int(b), axis) for i, a, b in runs if b > a]
    if len(pieces) == 1:
        return pieces[0]
    return fnp.concatenate(pieces, axis=axis) if pieces else _slice(parts[0], 0, 0, axis)


def _slice(x: Array, start: int, stop: int, axis: int) -> Array:
    return x[(slice(None),) * axis + (slice(start, stop),)]


def _kept(obj: Array, n: int) -> Array:
    """The positions along an axis of `n` entries that remain when the distinct traced indices
    `obj` are deleted: the k-th kept position is k plus the number of deleted ones before it."""
    if obj.dtype.kind not in "iu":
        raise op_error(IndexError, "delete", f"assume_unique_indices=True takes integer indices, got {obj.dtype}",
                       "pass integer indices, or a concrete boolean mask without assume_unique_indices")
    gone = fnp.sort(fnp.clip(fnp.where(obj < 0, obj + n, obj), 0, n).ravel())
    if gone.size > n:
        raise op_error(IndexError, "delete", f"{gone.size} distinct indices cannot all lie in an axis of size {n}",
                       "pass at most as many indices as the axis has entries")
    gone = gone - fnp.arange(gone.size, dtype=gone.dtype)  # each, among the entries that remain before it
    k = fnp.arange(n - gone.size, dtype=gone.dtype)
    return k + fnp.sum(k[None, :] >= gone[:, None], axis=0, dtype=gone.dtype)


def resize(a, new_shape) -> Array:
    """An array of `new_shape` filled with the elements of `a`, repeated in order as needed
    (zeros when `a` is empty).

    >>> import fluxion.numpy as fnp
    >>> fnp.resize(fnp.asarray([1, 2, 3]), (2, 4)).tolist()
    [[1, 2, 3, 1], [2, 3, 1, 2]]
    """
    a = _arr(a)
    shape = tuple(map(operator.index, new_shape)) if np.ndim(new_shape) else (operator.index(new_shape),)
    if any(d < 0 for d in shape):
        raise op_error(ValueError, "resize", f"new_shape {shape} has a negative size", "use sizes >= 0")
    size = math.prod(shape)
    if a.size == 0:
        return fnp.zeros(shape, a.dtype)
    flat = fnp.tile(fnp.ravel(a), -(-size // a.size))
    return fnp.reshape(flat[:size], shape)


def trim_zeros(filt, trim: str = "fb", axis=None) -> Array:
    """`filt` without its leading ('f') and/or trailing ('b') zeros, along `axis` (all axes when
    None: the smallest box holding every non-zero). Eager only: the result's size depends on
    the data.

    >>> import fluxion.numpy as fnp
    >>> fnp.trim_zeros(fnp.asarray([0, 0, 1, 0, 2, 0])).tolist(), fnp.trim_zeros(fnp.asarray([0, 1, 0]), "b").tolist()
    ([1, 0, 2], [0, 1])
    """
    x = _arr(filt)
    if not isinstance(trim, str) or not trim or set(trim.lower()) - set("fb"):
        raise op_error(ValueError, "trim_zeros", f"trim must be made of 'f' and 'b', got {trim!r}",
                       "pass 'f' (front), 'b' (back) or 'fb' (both)")
    if x.ndim == 0:
        raise op_error(ShapeError, "trim_zeros", "a 0-d array has nothing to trim", "pass an array of 1 or more axes")
    v = np.asarray(x._concrete("fnp.trim_zeros (the result's size depends on the data; trim outside jit)")) != 0
    axes = range(x.ndim) if axis is None else _axes("trim_zeros", axis, x.ndim)
    front, back = "f" in trim.lower(), "b" in trim.lower()
    index = [slice(None)] * x.ndim
    for ax in axes:
        hit = np.flatnonzero(v.any(axis=tuple(d for d in range(x.ndim) if d != ax)))
        lo = (hit[0] if hit.size else x.shape[ax]) if front else 0
        hi = (hit[-1] + 1 if hit.size else lo) if back else x.shape[ax]
        index[ax] = slice(int(lo), int(max(lo, hi)))
    return x[tuple(index)]


# assembling and splitting -------------------------------------------------------------------
def _depth(op: str, x, path: str) -> int:
    """The nesting depth of lists in `x`, checking that every leaf lies at the same depth."""
    if isinstance(x, tuple):
        raise op_error(TypeError, op, f"{path} is a tuple", "use lists to nest the blocks")
    if not isinstance(x, list):
        return 0
    if not x:
        raise op_error(ValueError, op, f"{path} is an empty list", "give every list at least one block")
    depths = {_depth(op, e, f"{path}[{i}]") for i, e in enumerate(x)}
    if len(depths) > 1:
        raise op_error(ValueError, op, f"the lists in {path} are nested to different depths {sorted(depths)}",
                       "nest every block equally deep (wrap single blocks in lists)")
    return 1 + depths.pop()


def block(arrays) -> Array:
    """An array assembled from nested lists of blocks: the innermost lists join along the last
    axis, the next ones along the axis before, and so on. Blocks are made at least as deep as
    the nesting (size-1 axes in front) and their dtypes promote.

    >>> import fluxion.numpy as fnp
    >>> a, b = fnp.eye(2, dtype=fnp.int32), fnp.zeros((2, 1), dtype=fnp.int32)
    >>> fnp.block([[a, b], [fnp.ones((1, 3), dtype=fnp.int32)]]).tolist()
    [[1, 0, 0], [0, 1, 0], [1, 1, 1]]
    """
    depth = _depth("block", arrays, "arrays")
    leaves = []

    def collect(x):
        if isinstance(x, list):
            return [collect(e) for e in x]
        leaves.append(_arr(x) if not isinstance(x, (bool, int, float, complex)) else x)
        return len(leaves) - 1

    layout = collect(arrays)
    leaves = promote("block", *leaves)
    ndim = max(depth, *(x.ndim for x in leaves))
    leaves = [fnp.reshape(x, (1,) * (ndim - x.ndim) + x.shape) for x in leaves]

    def assemble(node, level: int) -> Array:
        if not isinstance(node, list):
            return leaves[node]
        return fnp.concatenate([assemble(e, level + 1) for e in node], axis=level - depth)

    return assemble(layout, 0)


def hsplit(ary, indices_or_sections) -> list[Array]:
    """`split` along axis 1 (axis 0 for 1-d arrays).

    >>> import fluxion.numpy as fnp
    >>> [p.shape for p in fnp.hsplit(fnp.zeros((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    ary = _arr(ary)
    _need_ndim("hsplit", ary, 1, "a 0-d array cannot be split")
    return fnp.split(ary, indices_or_sections, axis=1 if ary.ndim > 1 else 0)


def vsplit(ary, indices_or_sections) -> list[Array]:
    """`split` along axis 0 of an array of at least 2 dimensions.

    >>> import fluxion.numpy as fnp
    >>> [p.shape for p in fnp.vsplit(fnp.zeros((4, 2)), [1])]
    [(1, 2), (3, 2)]
    """
    ary = _arr(ary)
    _need_ndim("vsplit", ary, 2, "use fnp.split for 1-d arrays")
    return fnp.split(ary, indices_or_sections, axis=0)


def dsplit(ary, indices_or_sections) -> list[Array]:
    """`split` along axis 2 of an array of at least 3 dimensions.

    >>> import fluxion.numpy as fnp
    >>> [p.shape for p in fnp.dsplit(fnp.zeros((1, 1, 4)), 2)]
    [(1, 1, 2), (1, 1, 2)]
    """
    ary = _arr(ary)
    _need_ndim("dsplit", ary, 3, "use fnp.split for arrays of fewer dimensions")
    return fnp.split(ary, indices_or_sections, axis=2)

