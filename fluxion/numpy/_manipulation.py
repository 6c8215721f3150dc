"""Array manipulation: reshaping, axis permutation, broadcasting, joining, splitting, tiling, padding.

Everything is built on the shape primitives with static parameters; sizes, axes, shifts
and repeat counts must be concrete Python ints (or concrete arrays where noted).
"""
from __future__ import annotations

import builtins
import math
import operator
from typing import Sequence

import numpy as np

from ..core import dtypes
from ..core.array import Array, Tracer
from ..core.errors import ConcretizationError, ShapeError, op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import broadcast_shapes as _broadcast_shapes
from ..ops._util import broadcasts_to as _broadcasts_to
from . import _elementwise, _indexing, _reductions
from ._convert import convert, promote
from ._creation import _shape, arange, asarray

__all__ = ["array_split", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays", "broadcast_shapes",
           "broadcast_to", "column_stack", "concat", "concatenate", "dstack", "expand_dims", "flatten", "flip",
           "hstack", "matrix_transpose", "moveaxis", "pad", "permute_dims", "ravel", "repeat", "reshape", "roll",
           "rot90", "split", "squeeze", "stack", "swapaxes", "tile", "transpose", "unstack", "vstack"]


def _arr(x) -> Array:
    return x if isinstance(x, Array) else asarray(x)


def _axes(op: str, axis, ndim: int, distinct: bool = True) -> tuple[int, ...]:
    """Non-negative axes from an int or a sequence of ints."""
    return S.normalize_axes(op, tuple(axis) if isinstance(axis, Sequence) else axis, ndim, distinct)


def _ints(v) -> tuple[int, ...]:
    """Concrete ints from an int, a sequence of ints or a 1-d array of them (as NumPy takes)."""
    return tuple(map(operator.index, v)) if np.ndim(v) else (operator.index(v),)


# reshaping ----------------------------------------------------------------------------------
def _infer_shape(x: Array, shape) -> tuple[int, ...]:
    """`shape` with its one -1 replaced by the size that keeps the elements of `x`."""
    if shape.__class__ is tuple and -1 not in shape:
        return shape  # the primitive checks the sizes
    size = math.prod(x.shape)
    shape = _ints(shape)
    unknown = [i for i, d in enumerate(shape) if d == -1]
    if len(unknown) > 1 or any(d < -1 for d in shape):
        raise op_error(ShapeError, "reshape", f"shape {shape} may hold one -1 and otherwise sizes >= 0",
                       "give every size but one; -1 stands for the one inferred")
    if not unknown:
        return shape
    known = math.prod(d for d in shape if d != -1)
    if known == 0 or size % known:
        raise op_error(ShapeError, "reshape", f"cannot reshape an array of {size} elements into shape {shape}",
                       "choose sizes whose product divides the number of elements")
    return tuple(size // known if d == -1 else d for d in shape)


def _eager_reshape_ok(v: np.ndarray, shape: tuple) -> bool:
    """Whether `shape` (a tuple) is new sizes of Python ints >= 0 holding the elements of `v`,
    and not its shape (where the general path returns the array itself)."""
    for d in shape:
        if d.__class__ is not int or d < 0:
            return False
    return shape != v.shape and math.prod(shape) == v.size


def reshape(x, /, shape, order: str = "C", *, copy: bool | None = None) -> Array:
    """`x` with a new shape holding the same elements; one size may be -1 (inferred).

    `order="F"` reads and writes elements in column-major order. Arrays are values, so
    `copy` never changes the result (copy=False always succeeds).

    >>> import fluxion.numpy as fnp
    >>> fnp.reshape(fnp.arange(6), (2, -1)).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    if (x.__class__ is Array and shape.__class__ is tuple and order == "C" and _ctx.interp is EAGER
            and _eager_reshape_ok(v := x._value, shape)):  # the common case, kept fast: the kernel's view
        y = Array.__new__(Array)
        y._value, y._weak = v.reshape(shape), x._weak
        return y
    x = _arr(x)
    shape = _infer_shape(x, shape)
    if order in ("C", "A"):
        out = S.reshape(x, shape)
    elif order == "F":
        out = transpose(S.reshape(transpose(x), shape[::-1]))
    else:
        raise op_error(ValueError, "reshape", f"order must be 'C' or 'F', got {order!r}", "pass order='C' or 'F'")
    return out.copy() if copy and out is x else out


def ravel(x, /, order: str = "C") -> Array:
    """The elements of `x` as a 1-d array (row-major, or column-major with order="F").

    >>> import fluxion.numpy as fnp
    >>> fnp.ravel(fnp.ones((2, 2))).shape
    (4,)
    """
    return reshape(x, (-1,), order)


def flatten(x, /, order: str = "C") -> Array:
    """A 1-d copy of `x` (the function behind `x.flatten()`).

    >>> import fluxion.numpy as fnp
    >>> fnp.flatten(fnp.zeros((2, 3))).shape
    (6,)
    """
    return reshape(x, (-1,), order, copy=True)


def squeeze(x, /, axis=None) -> Array:
    """Remove axes of size 1: all of them, or those in `axis` (which must have size 1).

    >>> import fluxion.numpy as fnp
    >>> fnp.squeeze(fnp.zeros((1, 3, 1))).shape, fnp.squeeze(fnp.zeros((1, 3, 1)), axis=-1).shape
    ((3,), (1, 3))
    """
    x = _arr(x)
    axes = tuple(i for i, d in enumerate(x.shape) if d == 1) if axis is None else _axes("squeeze", axis, x.ndim)
    return S.squeeze(x, axes)


def expand_dims(x, /, axis=0) -> Array:
    """Insert size-1 axes at the positions `axis` (an int or a tuple) of the result.

    >>> import fluxion.numpy as fnp
    >>> fnp.expand_dims(fnp.zeros((2, 3)), axis=(0, -1)).shape
    (1, 2, 3, 1)
    """
    x = _arr(x)
    axes = tuple(axis) if isinstance(axis, Sequence) else (axis,)
    return S.expand_dims(x, _axes("expand_dims", axes, x.ndim + len(axes)))


def _at_least(x, ndim: int, where) -> Array:
    x = _arr(x)
    return x if x.ndim >= ndim else S.reshape(x, where(x.shape))


def _one_or_tuple(xs: list):
    return xs[0] if len(xs) == 1 else tuple(xs)


def atleast_1d(*arys):
    """Each input with at least 1 dimension (one array for one input, else a tuple).

    >>> import fluxion.numpy as fnp
    >>> fnp.atleast_1d(1.0).shape
    (1,)
    """
    return _one_or_tuple([_at_least(a, 1, lambda s: (1,)) for a in arys])


def atleast_2d(*arys):
    """Each input with at least 2 dimensions; a 1-d array of n becomes (1, n).

    >>> import fluxion.numpy as fnp
    >>> fnp.atleast_2d(fnp.zeros(3)).shape
    (1, 3)
    """
    return _one_or_tuple([_at_least(a, 2, lambda s: (1,) * (2 - len(s)) + s) for a in arys])


def atleast_3d(*arys):
    """Each input with at least 3 dimensions: (n,) becomes (1, n, 1), (m, n) becomes (m, n, 1).

    >>> import fluxion.numpy as fnp
    >>> fnp.atleast_3d(fnp.zeros((2, 3))).shape
    (2, 3, 1)
    """
    return _one_or_tuple([_at_least(a, 3, _shape_3d) for a in arys])


def _shape_3d(shape: tuple) -> tuple:
    return {0: (1, 1, 1), 1: (1, *shape, 1)}.get(len(shape), shape + (1,))


# axes ---------------------------------------------------------------------------------------
def permute_dims(x, /, axes: Sequence[int]) -> Array:
    """Permute the axes of `x`: result axis i is axis `axes[i]` of `x`.

    >>> import fluxion.numpy as fnp
    >>> fnp.permute_dims(fnp.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    return S.transpose(_arr(x), axes)


def transpose(a, axes: Sequence[int] | None = None) -> Array:
    """NumPy's transpose: reverse the axes, or permute them by `axes`.

    >>> import fluxion.numpy as fnp
    >>> fnp.transpose(fnp.zeros((2, 3))).shape
    (3, 2)
    """
    a = _arr(a)
    return S.transpose(a, tuple(range(a.ndim))[::-1] if axes is None else axes)


def matrix_transpose(x, /) -> Array:
    """Transpose the last two axes (a stack of matrices).

    >>> import fluxion.numpy as fnp
    >>> fnp.matrix_transpose(fnp.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    x = _arr(x)
    if x.ndim < 2:
        raise op_error(ShapeError, "matrix_transpose", f"needs at least 2 dimensions, got shape {x.shape}",
                       "use x[None] to make a row matrix, or fnp.transpose for 1-d arrays")
    return S.transpose(x, tuple(range(x.ndim - 2)) + (x.ndim - 1, x.ndim - 2))


def swapaxes(x, axis1: int, axis2: int) -> Array:
    """Exchange two axes.

    >>> import fluxion.numpy as fnp
    >>> fnp.swapaxes(fnp.zeros((2, 3, 4)), 0, -1).shape
    (4, 3, 2)
    """
    x = _arr(x)
    (a,), (b,) = _axes("swapaxes", axis1, x.ndim), _axes("swapaxes", axis2, x.ndim)
    perm = list(range(x.ndim))
    perm[a], perm[b] = b, a
    return S.transpose(x, perm)


def moveaxis(x, source, destination) -> Array:
    """Move axes `source` to positions `destination`; the other axes keep their order.

    >>> import fluxion.numpy as fnp
    >>> fnp.moveaxis(fnp.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = _arr(x)
    src, dst = _axes("moveaxis", source, x.ndim), _axes("moveaxis", destination, x.ndim)
    if len(src) != len(dst):
        raise op_error(ValueError, "moveaxis", f"source {source} and destination {destination} have different lengths",
                       "give one destination per source axis")
    perm = [i for i in range(x.ndim) if i not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return S.transpose(x, perm)


def flip(x, /, axis=None) -> Array:
    """Reverse the order of elements along `axis` (all axes when None).

    >>> import fluxion.numpy as fnp
    >>> fnp.flip(fnp.asarray([[1, 2], [3, 4]]), axis=1).tolist()
    [[2, 1], [4, 3]]
    """
    x = _arr(x)
    return S.rev(x, tuple(range(x.ndim)) if axis is None else _axes("flip", axis, x.ndim))


def rot90(m, k: int = 1, axes: tuple[int, int] = (0, 1)) -> Array:
    """Rotate by 90 degrees `k` times, from the first of `axes` towards the second.

    >>> import fluxion.numpy as fnp
    >>> fnp.rot90(fnp.asarray([[1, 2], [3, 4]])).tolist()
    [[2, 4], [1, 3]]
    """
    m = _arr(m)
    if len(axes) != 2 or m.ndim < 2:
        raise op_error(ValueError, "rot90", f"needs 2 axes of an array of at least 2 dimensions, got axes {axes} "
                       f"and shape {m.shape}", "pass axes=(i, j) of an array with ndim >= 2")
    a, b = _axes("rot90", axes, m.ndim)
    k = operator.index(k) % 4
    if k == 2:
        return S.rev(m, (a, b))
    perm = list(range(m.ndim))
    perm[a], perm[b] = b, a
    if k == 1:
        return S.transpose(S.rev(m, (b,)), perm)
    return S.rev(S.transpose(m, perm), (b,)) if k == 3 else m


# broadcasting -------------------------------------------------------------------------------
def broadcast_to(x, /, shape) -> Array:
    """Broadcast `x` to `shape` (trailing axes align; size-1 axes stretch).

    >>> import fluxion.numpy as fnp
    >>> fnp.broadcast_to(fnp.asarray([1, 2]), (2, 2)).tolist()
    [[1, 2], [1, 2]]
    """
    return S.broadcast_to(_arr(x), _shape("broadcast_to", shape))


def broadcast_shapes(*shapes) -> tuple[int, ...]:
    """The shape that arrays of `shapes` broadcast to.

    >>> import fluxion.numpy as fnp
    >>> fnp.broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    if not shapes:
        return ()
    return _broadcast_shapes("broadcast_shapes", *(_shape("broadcast_shapes", s) for s in shapes))


def broadcast_arrays(*arrays) -> list[Array]:
    """The inputs broadcast to their common shape.

    >>> import fluxion.numpy as fnp
    >>> [a.shape for a in fnp.broadcast_arrays(fnp.zeros((2, 1)), fnp.zeros(3))]
    [(2, 3), (2, 3)]
    """
    xs = [_arr(a) for a in arrays]
    shape = broadcast_shapes(*(x.shape for x in xs))
    return [S.broadcast_to(x, shape) for x in xs]


# joining ------------------------------------------------------------------------------------
def _promoted(op: str, arrays, dtype) -> list[Array]:
    """The arrays converted to their promoted dtype (or to `dtype`)."""
    if isinstance(arrays, Array) or not isinstance(arrays, Sequence):
        raise op_error(TypeError, op, f"expects a sequence of arrays, got {type(arrays).__name__}",
                       "pass a list or tuple of arrays")
    if not arrays:
        raise op_error(ValueError, op, "needs at least one array", "pass a non-empty sequence of arrays")
    xs = promote(op, *[_arr(a) for a in arrays])
    return xs if dtype is None else [convert(x, dtypes.canonicalize(dtype)) for x in xs]


def concat(arrays, /, *, axis: int | None = 0) -> Array:
    """Join arrays along an existing axis (flattened first when `axis=None`); dtypes promote.

    >>> import fluxion.numpy as fnp
    >>> fnp.concat([fnp.asarray([1, 2]), fnp.asarray([3.0])]).tolist()
    [1.0, 2.0, 3.0]
    """
    return concatenate(arrays, axis)


def _eager_concatenate(arrays, axis: int) -> Array | None:
    """The kernel's join of two or more eager Arrays of one dtype with at least one axis, along
    an axis in range; None in every other case (and where the shapes do not fit), which goes the
    general way."""
    if len(arrays) < 2:
        return None
    first = arrays[0]
    if first.__class__ is not Array:
        return None
    dt, n = first._value.dtype, first._value.ndim
    if not -n <= axis < n:
        return None
    values, weak = [], True
    for a in arrays:
        if a.__class__ is not Array or (v := a._value).dtype is not dt:
            return None
        values.append(v)
        weak = weak and a._weak
    try:
        value = np.concatenate(values, axis)
    except ValueError:  # axes that differ: the general path says which
        return None
    y = Array.__new__(Array)
    y._value, y._weak = value, weak
    return y


def concatenate(arrays, axis: int | None = 0, *, dtype=None) -> Array:
    """NumPy's concatenate: join arrays along `axis`; dtypes promote (or convert to `dtype`).

    >>> import fluxion.numpy as fnp
    >>> fnp.concatenate([fnp.zeros((1, 2)), fnp.ones((2, 2))]).shape
    (3, 2)
    """
    if dtype is None and axis.__class__ is int and _ctx.interp is EAGER and arrays.__class__ in (list, tuple):
        out = _eager_concatenate(arrays, axis)  # the common case, kept fast
        if out is not None:
            return out
    xs = _promoted("concatenate", arrays, dtype)
    if axis is None:
        xs, axis = [S.reshape(x, (x.size,)) for x in xs], 0
    return S.concatenate(xs, axis)


def stack(arrays, /, axis: int = 0, *, dtype=None) -> Array:
    """Join arrays of one shape along a new axis `axis`; dtypes promote.

    >>> import fluxion.numpy as fnp
    >>> fnp.stack([fnp.zeros(3), fnp.ones(3)], axis=1).shape
    (3, 2)
    """
    xs = _promoted("stack", arrays, dtype)
    if any(x.shape != xs[0].shape for x in xs):
        raise op_error(ShapeError, "stack", f"arrays must have one shape, got {', '.join(str(x.shape) for x in xs)}",
                       "broadcast or reshape them to one shape first (fnp.concatenate joins along an existing axis)")
    (axis,) = _axes("stack", axis, xs[0].ndim + 1)
    return S.concatenate([S.expand_dims(x, (axis,)) for x in xs], axis)


def vstack(tup, *, dtype=None) -> Array:
    """Stack rows: 1-d arrays become rows, then join along axis 0.

    >>> import fluxion.numpy as fnp
    >>> fnp.vstack([fnp.zeros(3), fnp.ones(3)]).shape
    (2, 3)
    """
    return S.concatenate([atleast_2d(x) for x in _promoted("vstack", tup, dtype)], 0)


def hstack(tup, *, dtype=None) -> Array:
    """Stack columns: join 1-d arrays along axis 0, others along axis 1.

    >>> import fluxion.numpy as fnp
    >>> fnp.hstack([fnp.zeros((2, 1)), fnp.ones((2, 2))]).shape
    (2, 3)
    """
    xs = [atleast_1d(x) for x in _promoted("hstack", tup, dtype)]
    return S.concatenate(xs, 0 if xs[0].ndim == 1 else 1)


def dstack(tup, *, dtype=None) -> Array:
    """Stack along the third axis (inputs made at least 3-d first).

    >>> import fluxion.numpy as fnp
    >>> fnp.dstack([fnp.zeros((2, 2)), fnp.ones((2, 2))]).shape
    (2, 2, 2)
    """
    return S.concatenate([atleast_3d(x) for x in _promoted("dstack", tup, dtype)], 2)


def column_stack(tup) -> Array:
    """Join 1-d arrays as the columns of a 2-d array (2-d inputs join along axis 1).

    >>> import fluxion.numpy as fnp
    >>> fnp.column_stack([fnp.zeros(3), fnp.ones(3)]).shape
    (3, 2)
    """
    xs = [S.reshape(x, (x.size, 1)) if x.ndim < 2 else x for x in _promoted("column_stack", tup, None)]
    return S.concatenate(xs, 1)


# splitting ----------------------------------------------------------------------------------
def _split_at(x: Array, bounds: list[int], axis: int) -> list[Array]:
    """Pieces of `x` between consecutive `bounds` along `axis` (bounds as Python slice ends)."""
    n = x.shape[axis]
    pieces = []
    for lo, hi in zip(bounds, bounds[1:]):
        start, stop, _ = builtins.slice(lo, hi).indices(n)
        pieces.append(S.slice_in_dim(x, start, max(start, stop), axis=axis))
    return pieces


def _split(op: str, x, indices_or_sections, axis: int, equal: bool) -> list[Array]:
    x = _arr(x)
    (axis,) = _axes(op, axis, x.ndim)
    n = x.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)) or (
            isinstance(indices_or_sections, Array) and indices_or_sections.ndim == 0):
        sections = operator.index(indices_or_sections)
        if sections <= 0:
            raise op_error(ValueError, op, f"the number of sections must be > 0, got {sections}",
                           "pass a positive number of sections or a list of split indices")
        if equal and n % sections:
            raise op_error(ValueError, op, f"an axis of size {n} does not split into {sections} equal sections",
                           "use fnp.array_split for unequal sections, or pass split indices")
        size, extra = divmod(n, sections)
        bounds = [0]
        for i in range(sections):
            bounds.append(bounds[-1] + size + (i < extra))
    else:
        bounds = [0, *(operator.index(i) for i in indices_or_sections), n]
    return _split_at(x, bounds, axis)


def split(ary, indices_or_sections, axis: int = 0) -> list[Array]:
    """Split into equal sections (an int, which must divide the axis) or at the given indices.

    >>> import fluxion.numpy as fnp
    >>> [p.tolist() for p in fnp.split(fnp.arange(5), [2, 3])]
    [[0, 1], [2], [3, 4]]
    """
    return _split("split", ary, indices_or_sections, axis, equal=True)


def array_split(ary, indices_or_sections, axis: int = 0) -> list[Array]:
    """Like `split`, but n sections need not divide the axis (the first ones get one more).

    >>> import fluxion.numpy as fnp
    >>> [p.tolist() for p in fnp.array_split(fnp.arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    """
    return _split("array_split", ary, indices_or_sections, axis, equal=False)


def unstack(x, /, *, axis: int = 0) -> tuple[Array, ...]:
    """The slices of `x` along `axis`, as a tuple.

    >>> import fluxion.numpy as fnp
    >>> [a.tolist() for a in fnp.unstack(fnp.asarray([[1, 2], [3, 4]]), axis=1)]
    [[1, 3], [2, 4]]
    """
    x = _arr(x)
    (axis,) = _axes("unstack", axis, x.ndim)
    return tuple(S.squeeze(S.slice_in_dim(x, i, i + 1, axis=axis), (axis,)) for i in range(x.shape[axis]))


# repeating ----------------------------------------------------------------------------------
def tile(A, reps) -> Array:
    """Repeat the whole of `A` `reps` times along each axis (as NumPy's tile).

    >>> import fluxion.numpy as fnp
    >>> fnp.tile(fnp.asarray([1, 2]), (2, 2)).tolist()
    [[1, 2, 1, 2], [1, 2, 1, 2]]
    """
    x = _arr(A)
    reps = _ints(reps)
    if any(r < 0 for r in reps):
        raise op_error(ValueError, "tile", f"reps {reps} must be >= 0", "pass non-negative repetition counts")
    d = max(len(reps), x.ndim)
    reps = (1,) * (d - len(reps)) + reps
    x = S.reshape(x, (1,) * (d - x.ndim) + x.shape)
    # interleave a repetition axis before each axis, then merge the pairs
    grown = S.broadcast_in_dim(x, tuple(v for r, n in zip(reps, x.shape) for v in (r, n)), tuple(range(1, 2 * d, 2)))
    return S.reshape(grown, tuple(r * n for r, n in zip(reps, x.shape)))


def _traced_positions(repeats: Array, n: int, total: int) -> Array:
    """For each of `total` output positions, which of the `n` elements a traced count array
    puts there; positions past the repeated elements take the last one (as jax does)."""
    counts = S.broadcast_to(S.reshape(convert(repeats, dtypes.int64), (repeats.size,)), (n,))
    starts = R.cumsum(counts, 0) - counts
    # a 1 where each element's run starts (runs starting past the end are dropped); the running
    # count of starts, less one, is then the element at each position
    marks = _indexing.update(S.full((total,), 0, dtypes.int64), (starts,), 1, "add", mode="drop")
    return R.cumsum(marks, 0) - 1


def repeat(x, repeats, /, axis: int | None = None, *, total_repeat_length: int | None = None) -> Array:
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
        return _indexing.take(x, Array(positions), axis=axis)
    if counts.size == 1:
        r = int(counts.reshape(()))
        shape = x.shape[:axis + 1] + (r,) + x.shape[axis + 1:]
        grown = S.broadcast_in_dim(x, shape, tuple(i for i in range(x.ndim + 1) if i != axis + 1))
        return S.reshape(grown, x.shape[:axis] + (n * r,) + x.shape[axis + 1:])
    return _indexing.take(x, Array(np.repeat(np.arange(n), counts)), axis=axis)


def roll(x, /, shift, axis=None) -> Array:
    """Shift elements along `axis` cyclically (the flattened array when None).

    `shift` and `axis` may be tuples (paired up, a single value broadcasting).

    >>> import fluxion.numpy as fnp
    >>> fnp.roll(fnp.arange(5), 2).tolist()
    [3, 4, 0, 1, 2]
    """
    x = _arr(x)
    if axis is None:
        return S.reshape(roll(S.reshape(x, (x.size,)), shift, axis=0), x.shape)
    shifts = _ints(shift)
    axes = _axes("roll", axis, x.ndim, distinct=False)
    if len(shifts) != len(axes) and 1 not in (len(shifts), len(axes)):
        raise op_error(ValueError, "roll", f"shift {shift} and axis {axis} have different lengths",
                       "give one shift per axis, or a single shift or axis")
    total = dict.fromkeys(axes, 0)
    for s, a in zip(shifts * (len(axes) if len(shifts) == 1 else 1), axes * (len(shifts) if len(axes) == 1 else 1)):
        total[a] += s
    for a, s in total.items():
        n = x.shape[a]
        s = s % n if n else 0
        if s:
            x = S.concatenate([S.slice_in_dim(x, n - s, n, axis=a), S.slice_in_dim(x, 0, n - s, axis=a)], a)
    return x


# padding ------------------------------------------------------------------------------------
_STAT_MODES = ("maximum", "mean", "median", "minimum")
_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "empty", "linear_ramp") + _STAT_MODES
_PAD_KEYWORDS = {"constant": {"constant_values"}, "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
                 "linear_ramp": {"end_values"}, **{m: {"stat_length"} for m in _STAT_MODES}}


def _pairs(op: str, what: str, value, ndim: int, integral: bool) -> np.ndarray:
    """`value` (a scalar, a pair, or one pair per axis) as an (ndim, 2) NumPy array."""
    v = np.asarray(value._concrete(op) if isinstance(value, Array) else value)
    if integral and v.dtype.kind not in "iu":
        raise op_error(TypeError, op, f"{what} must be integers, got {value!r}", f"pass {what} as ints")
    _check_pairs(op, what, value, v.shape, ndim)
    return np.broadcast_to(v, (ndim, 2))


def _check_pairs(op: str, what: str, value, shape: tuple[int, ...], ndim: int) -> None:
    if not _broadcasts_to(shape, (ndim, 2)):
        raise op_error(ValueError, op, f"{what} {value!r} does not fit an array of {ndim} dimensions",
                       "pass a scalar, a (before, after) pair, or one pair per axis")


def _periodic(x: Array, axis: int, period: Array, before: int, after: int) -> Array:
    """Extend `x` along `axis` by reading `period` (whose first n entries are x) cyclically."""
    n, p = x.shape[axis], period.shape[axis]
    first = -(-before // p)  # periods needed before the start of x
    copies = first + -(-(n + after) // p)
    reps = [1] * x.ndim
    reps[axis] = copies
    start = first * p - before
    return S.slice_in_dim(tile(period, reps), start, start + before + n + after, axis=axis)


def _spread(piece: Array, axis: int, size: int) -> Array:
    """`piece` (of size 1 along `axis`) repeated `size` times along it."""
    return S.broadcast_to(piece, piece.shape[:axis] + (size,) + piece.shape[axis + 1:])


def _edge(x: Array, axis: int, index: int, size: int) -> Array:
    """Element `index` along `axis`, repeated `size` times."""
    return _spread(S.slice_in_dim(x, index, index + 1, axis=axis), axis, size)


def _axis_config(ndim: int, axis: int, before: int, after: int) -> list[tuple[int, int, int]]:
    """A padding_config that pads only `axis`."""
    config = [(0, 0, 0)] * ndim
    config[axis] = (before, after, 0)
    return config


def _extend(x: Array, axis: int, before: int, after: int, mode: str, odd: bool = False) -> Array:
    """`x` padded along one (non-empty) axis by a periodic mode or edge; `odd` reflects about
    the edge values (reflect_type='odd') instead of mirroring them."""
    n = x.shape[axis]
    if mode == "edge" or (mode == "reflect" and n == 1):
        return S.concatenate([_edge(x, axis, 0, before), x, _edge(x, axis, n - 1, after)], axis)
    if mode == "wrap":
        return _periodic(x, axis, x, before, after)
    # reflect: x then its inner elements backwards (period 2n - 2); symmetric: x backwards (2n)
    back = S.rev(x, (axis,)) if mode == "symmetric" else S.slice_in_dim(S.rev(x, (axis,)), 1, n - 1, axis=axis)
    if not odd:
        return _periodic(x, axis, S.concatenate([x, back], axis), before, after)
    first, last = S.slice_in_dim(x, 0, 1, axis=axis), S.slice_in_dim(x, n - 1, n, axis=axis)
    period = S.concatenate([x, 2 * last - back], axis)
    # the odd extension is periodic but for a rise of 2 * (last - first) per period
    p = period.shape[axis]
    turns = _elementwise.floor_divide(arange(-before, n + after), p)
    turns = convert(S.reshape(turns, (1,) * axis + turns.shape + (1,) * (x.ndim - axis - 1)), x.dtype)
    return _periodic(x, axis, period, before, after) + turns * (2 * (last - first))


def _statistic(x: Array, axis: int, start: int, stop: int, mode: str) -> Array:
    """The `mode` statistic of `x[start:stop]` along `axis`, that axis kept with size 1; as in
    NumPy, integer (and bool) means and medians are taken in float64, integers then rounded
    to the nearest (halves to even)."""
    chunk = S.slice_in_dim(x, start, stop, axis=axis)
    if mode in ("maximum", "minimum"):
        return (_reductions.max if mode == "maximum" else _reductions.min)(chunk, axis=axis, keepdims=True)
    if x.dtype not in dtypes.FLOATING:
        chunk = convert(chunk, dtypes.float64)
    stat = (_reductions.mean if mode == "mean" else _reductions.median)(chunk, axis=axis, keepdims=True)
    return convert(_elementwise.round(stat) if x.dtype in dtypes.INTEGER else stat, x.dtype)


def _by_statistic(x: Array, axis: int, before: int, after: int, mode: str, lengths) -> Array:
    """`x` padded along `axis` with the statistic of its first / last `lengths` elements
    (None: all of them)."""
    n = x.shape[axis]
    first, last = (n if k is None else min(int(k), n) for k in lengths)
    left = _statistic(x, axis, 0, first, mode)
    right = left if first == last == n else _statistic(x, axis, n - last, n, mode)
    return S.concatenate([_spread(left, axis, before), x, _spread(right, axis, after)], axis)


def _ramp(x: Array, axis: int, edge: int, width: int, end) -> Array:
    """`width` values along `axis` going linearly from `end` towards `x`'s element `edge`,
    stopping one step short of it (NumPy's linspace with endpoint=False)."""
    if width == 0:
        return S.slice_in_dim(x, 0, 0, axis=axis)
    stop = S.slice_in_dim(x, edge, edge + 1, axis=axis)
    along = (1,) * axis + (width,) + (1,) * (x.ndim - axis - 1)
    if x.dtype in dtypes.INTEGER and not isinstance(end, complex) and float(end).is_integer():
        # NumPy rounds its float samples down; exact integers give the same values (bar float
        # roundings just below an integer) also under jit, where XLA divides less exactly
        start = convert(int(end), dtypes.int64)
        steps = S.reshape(arange(width, dtype=dtypes.int64), along)
        ramp = _elementwise.floor_divide(steps * (convert(stop, dtypes.int64) - start), width) + start
        return convert(ramp, x.dtype)
    wide = dtypes.complex128 if x.dtype in dtypes.COMPLEX else dtypes.float64  # NumPy ramps in double precision
    start = convert(end, wide)
    delta = convert(stop, wide) - start
    steps = S.reshape(arange(width, dtype=wide), along)
    step = delta / width
    # NumPy's linspace scales by delta after dividing when any step is 0; its roundings then differ
    ramp = _indexing.where(_reductions.any(step == 0), steps / width * delta, steps * step) + start
    if x.dtype in dtypes.INTEGER:
        ramp = _elementwise.floor(ramp)
    return convert(ramp, x.dtype)


def _linear_ramps(x: Array, axis: int, before: int, after: int, ends) -> Array:
    """`x` padded along `axis` with ramps from `ends` (before, after) to its edge elements."""
    n = x.shape[axis]
    right = S.rev(_ramp(x, axis, n - 1, after, ends[1].item()), (axis,))
    return S.concatenate([_ramp(x, axis, 0, before, ends[0].item()), x, right], axis)


def _stat_lengths(stat_length, mode: str, ndim: int):
    """stat_length as (before, after) pairs per axis; None stands for the whole axis."""
    if stat_length is None:
        return [(None, None)] * ndim
    lengths = _pairs("pad", "stat_length", stat_length, ndim, integral=True)
    if np.any(lengths <= 0):
        raise op_error(ValueError, "pad", f"stat_length {stat_length!r} must be positive: a length of 0 or less "
                       f"leaves no values to take the {mode} of", "pass stat_length >= 1, or None for the whole axis")
    return lengths


def _constant_pad(x: Array, widths: np.ndarray, constant_values) -> Array:
    """`x` padded with `constant_values`. Values given as an array stay operands of the padding
    (never read as constants), so derivatives with respect to them, and jit, go through."""
    if isinstance(constant_values, Array):
        _check_pairs("pad", "constant_values", constant_values, constant_values.shape, x.ndim)
        if constant_values.ndim == 0:
            return S.pad(x, convert(constant_values, x.dtype, x.weak), [(int(b), int(a), 0) for b, a in widths])
        values = S.broadcast_to(convert(constant_values, x.dtype), (x.ndim, 2))
        pairs = [[S.reshape(S.slice(values, (axis, side), (axis + 1, side + 1)), ()) for side in (0, 1)]
                 for axis in range(x.ndim)]
    else:
        values = _pairs("pad", "constant_values", constant_values, x.ndim, integral=False)
        if np.all(values == values.flat[0]):
            return S.pad(x, convert(values.flat[0].item(), x.dtype, x.weak), [(int(b), int(a), 0) for b, a in widths])
        pairs = [[convert(v.item(), x.dtype) for v in row] for row in values]
    for axis, ((b, a), (vb, va)) in enumerate(zip(widths, pairs)):
        x = S.pad(x, vb, _axis_config(x.ndim, axis, int(b), 0))
        x = S.pad(x, va, _axis_config(x.ndim, axis, 0, int(a)))
    return x


def pad(array, pad_width, mode: str = "constant", **kwargs) -> Array:
    """Pad an array, as NumPy's pad: modes constant, edge, reflect, symmetric, wrap, empty,
    linear_ramp, maximum, mean, median and minimum.

    `pad_width` is an int, a (before, after) pair, or one pair per axis; `reflect_type='odd'`
    (modes reflect and symmetric) reflects about the edge values, `2 * edge - mirrored`; `constant_values`
    (mode="constant"), `end_values` (mode="linear_ramp", default 0) and `stat_length` (the
    statistic modes: how many edge elements to summarize, None for the whole axis) take the
    same forms. Axes are padded in order, so corners take the later axis's value, and a
    later axis's statistics include the padding of the earlier ones. For integer arrays mean
    and median round halves to even, and linear_ramp rounds down, as NumPy does.

    >>> import fluxion.numpy as fnp
    >>> fnp.pad(fnp.asarray([1, 2, 3]), (2, 1), mode="reflect").tolist()
    [3, 2, 1, 2, 3, 2]
    >>> fnp.pad(fnp.asarray([1.0, 2.0, 6.0]), 1, mode="mean", stat_length=2).tolist()
    [1.5, 1.0, 2.0, 6.0, 4.0]
    >>> fnp.pad(fnp.asarray([4, 4]), (2, 0), mode="linear_ramp", end_values=1).tolist()
    [1, 2, 4, 4]
    """
    x = _arr(array)
    if mode not in _PAD_MODES:
        raise op_error(ValueError, "pad", f"mode {mode!r} is not supported", f"use one of {', '.join(_PAD_MODES)}")
    allowed = _PAD_KEYWORDS.get(mode, set())
    if set(kwargs) - allowed:
        raise op_error(ValueError, "pad", f"unsupported keyword arguments for mode {mode!r}: "
                       f"{sorted(set(kwargs) - allowed)}", f"mode {mode!r} takes {sorted(allowed) or 'no keywords'}")
    if kwargs.get("reflect_type", "even") not in ("even", "odd"):
        raise op_error(ValueError, "pad", f"reflect_type={kwargs['reflect_type']!r} is not supported",
                       "use reflect_type='even' (the default) or 'odd'")
    widths = _pairs("pad", "pad_width", pad_width, x.ndim, integral=True)
    if np.any(widths < 0):
        raise op_error(ValueError, "pad", f"pad_width {pad_width!r} has negative entries",
                       "pass widths >= 0 (crop with slicing)")
    if x.ndim == 0:
        return x
    if mode in ("constant", "empty"):
        return _constant_pad(x, widths, kwargs.get("constant_values", 0))
    for axis, (b, a) in enumerate(widths):
        if x.shape[axis] == 0 and (b or a):
            raise op_error(ValueError, "pad", f"cannot extend the empty axis {axis} with mode {mode!r}",
                           "use mode='constant' for empty axes")
    if x.size == 0:  # another axis is empty: the result is too, only its shape matters
        return S.pad(x, convert(0, x.dtype), [(int(b), int(a), 0) for b, a in widths])
    if mode == "linear_ramp":
        ends = _pairs("pad", "end_values", kwargs.get("end_values", 0), x.ndim, integral=False)
    elif mode in _STAT_MODES:
        lengths = _stat_lengths(kwargs.get("stat_length"), mode, x.ndim)
    for axis, (b, a) in enumerate(widths):
        if not (b or a):
            continue
        if mode == "linear_ramp":
            x = _linear_ramps(x, axis, int(b), int(a), ends[axis])
        elif mode in _STAT_MODES:
            x = _by_statistic(x, axis, int(b), int(a), mode, lengths[axis])
        else:
            x = _extend(x, axis, int(b), int(a), mode, kwargs.get("reflect_type") == "odd")
    return x
