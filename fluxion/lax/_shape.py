"""Shape functions: broadcasting, reshaping, joining, tiling, padding, static slicing and
filled arrays.

Keywords about sharding (`out_sharding`, `sharding`) are accepted and ignored: fluxion
places a result on its operands' device.
"""
from __future__ import annotations

import builtins
import math
import operator
from typing import Any, Sequence

from ..core import dtypes as D
from ..core.array import Array
from ..core.errors import AxisError, ShapeError, op_error
from ..ops import elementwise as E
from ..ops import shape as S
from ._operands import ArrayLike, DTypeLike, as_array, operands as _arrays_of

Shape = Sequence[int]


def broadcast(operand: ArrayLike, sizes: Shape, *, out_sharding: Any = None) -> Array:
    """`operand` with new leading axes of `sizes`.

    >>> broadcast(1.0, (2, 3)).shape
    (2, 3)
    """
    x = as_array(operand)
    sizes = tuple(sizes)
    return S.broadcast_in_dim(x, sizes + x.shape, range(len(sizes), len(sizes) + x.ndim))


def broadcast_in_dim(operand: ArrayLike, shape: Shape, broadcast_dimensions: Sequence[int], *,
                     out_sharding: Any = None) -> Array:
    """`operand` broadcast to `shape`, operand axis i becoming output axis `broadcast_dimensions[i]`
    (in any order: the operand is transposed to put them in increasing order).

    >>> import fluxion.numpy as fnp
    >>> broadcast_in_dim(fnp.asarray([[1, 2]]), (2, 1), (1, 0)).tolist()
    [[1], [2]]
    """
    x, dims = as_array(operand), tuple(broadcast_dimensions)
    if len(set(dims)) == len(dims) == x.ndim and list(dims) != sorted(dims):
        order = sorted(range(len(dims)), key=dims.__getitem__)
        x, dims = S.transpose(x, tuple(order)), tuple(sorted(dims))
    return S.broadcast_in_dim(x, shape, dims)


def broadcast_like(arr: ArrayLike, like_arr: ArrayLike) -> Array:
    """`arr` broadcast (as NumPy does) to the shape of `like_arr`.

    >>> import fluxion.numpy as fnp
    >>> broadcast_like(fnp.asarray([1, 2]), fnp.zeros((2, 2))).tolist()
    [[1, 2], [1, 2]]
    """
    return S.broadcast_to(as_array(arr), as_array(like_arr).shape)


def broadcast_to_rank(x: ArrayLike, rank: int) -> Array:
    """`x` with leading axes of size 1 added until it has `rank` axes."""
    x = as_array(x)
    return S.reshape(x, (1,) * (rank - x.ndim) + x.shape) if x.ndim < rank else x


def broadcast_shapes(*shapes: Shape) -> tuple[int, ...]:
    """The shape that `shapes` broadcast to (NumPy's rule)."""
    from ..ops._util import broadcast_shapes as _broadcast
    return _broadcast("broadcast_shapes", *(tuple(s) for s in shapes))


def reshape(operand: ArrayLike, new_sizes: Shape, dimensions: Sequence[int] | None = None, *,
            out_sharding: Any = None) -> Array:
    """`operand`'s elements in row-major order (after transposing by `dimensions`) in `new_sizes`.

    >>> import fluxion.numpy as fnp
    >>> reshape(fnp.asarray([[1, 2], [3, 4]]), (4,), dimensions=(1, 0)).tolist()
    [1, 3, 2, 4]
    """
    x = as_array(operand)
    if dimensions is not None:
        x = S.transpose(x, dimensions)
    return S.reshape(x, new_sizes)


def transpose(operand: ArrayLike, permutation: Sequence[int]) -> Array:
    """`operand` with output axis i taken from input axis `permutation[i]`."""
    return S.transpose(as_array(operand), tuple(permutation))


def squeeze(array: ArrayLike, dimensions: Sequence[int]) -> Array:
    """`array` without its size-1 axes `dimensions`."""
    return S.squeeze(as_array(array), tuple(dimensions))


def expand_dims(array: ArrayLike, dimensions: Sequence[int]) -> Array:
    """`array` with size-1 axes inserted at positions `dimensions` of the result."""
    return S.expand_dims(as_array(array), tuple(dimensions))


def rev(operand: ArrayLike, dimensions: Sequence[int]) -> Array:
    """`operand` reversed along `dimensions`."""
    return S.rev(as_array(operand), tuple(dimensions))


def concatenate(operands: Sequence[ArrayLike], dimension: int) -> Array:
    """Arrays of one dtype joined along the existing axis `dimension`."""
    if isinstance(operands, Array):
        operands = [operands]
    return S.concatenate(_arrays_of(*operands) if operands else [], dimension)


def split(operand: ArrayLike, sizes: Sequence[int], axis: int = 0) -> list[Array]:
    """`operand` cut along `axis` into pieces of `sizes` (which sum to the axis length)."""
    x = as_array(operand)
    (axis,) = S.normalize_axes("split", axis, x.ndim)
    sizes = [operator.index(s) for s in sizes]
    if sum(sizes) != x.shape[axis] or any(s < 0 for s in sizes):
        raise op_error(ShapeError, "split", f"sizes {sizes} do not add up to the length {x.shape[axis]} of axis "
                       f"{axis}", "give non-negative sizes that sum to the axis length")
    starts = [0] + list(_accumulate(sizes))
    return [S.slice_in_dim(x, lo, hi, 1, axis) for lo, hi in zip(starts, starts[1:])]


def unstack(x: ArrayLike, axis: int = 0) -> tuple[Array, ...]:
    """The slices of `x` along `axis`, that axis removed.

    >>> import fluxion.numpy as fnp
    >>> [a.tolist() for a in unstack(fnp.asarray([[1, 2], [3, 4]]), axis=1)]
    [[1, 3], [2, 4]]
    """
    x = as_array(x)
    (axis,) = S.normalize_axes("unstack", axis, x.ndim)
    return tuple(S.squeeze(S.slice_in_dim(x, i, i + 1, 1, axis), (axis,)) for i in range(x.shape[axis]))


def tile(operand: ArrayLike, reps: Sequence[int]) -> Array:
    """`operand` repeated `reps[i]` times along each axis i (one entry per axis).

    >>> import fluxion.numpy as fnp
    >>> tile(fnp.asarray([[1, 2]]), (2, 2)).tolist()
    [[1, 2, 1, 2], [1, 2, 1, 2]]
    """
    x = as_array(operand)
    reps = tuple(operator.index(r) for r in reps)
    if len(reps) != x.ndim or any(r < 0 for r in reps):
        raise op_error(ShapeError, "tile", f"reps={reps} must give a non-negative count for each of the {x.ndim} axes "
                       f"of shape {x.shape}", "pass one count per axis (expand_dims first to tile along a new axis)")
    # each axis i becomes the pair (reps[i], size_i), then the pair is merged: copy r is block r of the axis
    paired = S.broadcast_in_dim(x, tuple(d for r, n in zip(reps, x.shape) for d in (r, n)), range(1, 2 * x.ndim, 2))
    return S.reshape(paired, tuple(r * n for r, n in zip(reps, x.shape)))


def _accumulate(sizes: list[int]):
    total = 0
    for s in sizes:
        total += s
        yield total


def pad(operand: ArrayLike, padding_value: ArrayLike, padding_config: Sequence[tuple[int, int, int]]) -> Array:
    """`operand` padded per axis by `(low, high, interior)`: negative low/high crop, interior goes between elements.

    >>> import fluxion.numpy as fnp
    >>> pad(fnp.asarray([1, 2, 3]), 0, [(1, -1, 1)]).tolist()
    [0, 1, 0, 2, 0]
    """
    x, value = _arrays_of(operand, padding_value)
    return S.pad(x, value, padding_config)


def slice(operand: ArrayLike, start_indices: Sequence[int], limit_indices: Sequence[int],  # noqa: A001
          strides: Sequence[int] | None = None) -> Array:
    """The elements `start <= i < limit` with step `strides` along each axis."""
    return S.slice(as_array(operand), start_indices, limit_indices, strides)


def _bound(index: int | None, size: int, default: int) -> int:
    if index is None:
        return default
    index = operator.index(index)
    return index + size if index < 0 else index


def slice_in_dim(operand: ArrayLike, start_index: int | None, limit_index: int | None, stride: int = 1,
                 axis: int = 0) -> Array:
    """`slice` along `axis` only; None means the axis end, negative indices count from the end.

    >>> import fluxion.numpy as fnp
    >>> slice_in_dim(fnp.arange(6), -4, None, 2).tolist()
    [2, 4]
    """
    x = as_array(operand)
    (axis,) = S.normalize_axes("slice_in_dim", axis, x.ndim)
    size = x.shape[axis]
    return S.slice_in_dim(x, _bound(start_index, size, 0), _bound(limit_index, size, size), stride, axis)


def index_in_dim(operand: ArrayLike, index: int, axis: int = 0, keepdims: bool = True) -> Array:
    """The slice at `index` of `axis` (negative counts from the end); `keepdims=False` drops the axis."""
    x = as_array(operand)
    (axis,) = S.normalize_axes("index_in_dim", axis, x.ndim)
    size = x.shape[axis]
    i = _bound(index, size, 0)
    if not 0 <= i < size:
        raise op_error(AxisError, "index_in_dim", f"index {index} is out of range for axis {axis} of size {size}",
                       f"use an index in [{-size}, {size - 1}]")
    out = S.slice_in_dim(x, i, i + 1, 1, axis)
    return out if keepdims else S.squeeze(out, (axis,))


def collapse(operand: ArrayLike, start_dimension: int, stop_dimension: int | None = None) -> Array:
    """`operand` with the axes `start_dimension:stop_dimension` merged into one.

    >>> import fluxion.numpy as fnp
    >>> collapse(fnp.zeros((2, 3, 4)), 1).shape
    (2, 12)
    """
    x = as_array(operand)
    lo, hi, _ = builtins.slice(start_dimension, stop_dimension).indices(x.ndim)
    shape = x.shape[:lo] + (math.prod(x.shape[lo:hi]),) + x.shape[hi:]
    return S.reshape(x, shape)


def iota(dtype: DTypeLike, size: int) -> Array:
    """`[0, 1, ..., size - 1]` of `dtype`.

    >>> iota("int32", 3).tolist()
    [0, 1, 2]
    """
    return S.iota(dtype, (operator.index(size),), 0)


def broadcasted_iota(dtype: DTypeLike, shape: Shape, dimension: int, *, out_sharding: Any = None) -> Array:
    """An array of `shape` counting 0, 1, 2... along axis `dimension`."""
    return S.iota(dtype, shape, dimension)


def full(shape: Shape, fill_value: ArrayLike, dtype: DTypeLike | None = None, *, sharding: Any = None) -> Array:
    """An array of `shape` filled with `fill_value` (of its dtype unless `dtype` is given).

    >>> full((2,), 1.5).tolist()
    [1.5, 1.5]
    """
    value = as_array(fill_value)
    if value.ndim != 0:
        raise op_error(ShapeError, "full", f"fill_value must be a scalar, got shape {value.shape}",
                       "pass a scalar, or use broadcast_in_dim for arrays")
    dt = value.dtype if dtype is None else D.canonicalize(dtype)
    if isinstance(fill_value, Array) or hasattr(fill_value, "dtype"):
        if value.dtype != dt:
            value = E.convert_element_type_p.bind(value, new_dtype=dt, weak=False)
        return S.full(shape, value, dt)
    return S.full(shape, fill_value, dt)


def full_like(x: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike | None = None, shape: Shape | None = None,
              sharding: Any = None) -> Array:
    """An array of `x`'s shape and dtype (unless given) filled with `fill_value`."""
    x = as_array(x)
    return full(x.shape if shape is None else shape, fill_value, x.dtype if dtype is None else dtype)


def empty(shape: int | Shape, dtype: DTypeLike, *, out_sharding: Any = None) -> Array:
    """An array of `shape` and `dtype` whose values are not to be relied on (jax's may be
    anything); fluxion fills it with zeros, so that results never depend on stale memory.

    >>> empty(2, "int32").shape
    (2,)
    """
    return S.full((shape,) if isinstance(shape, int) else shape, 0, D.canonicalize(dtype))


def zeros_like_array(x: ArrayLike) -> Array:
    """Zeros of `x`'s shape and dtype."""
    return full_like(x, 0)
