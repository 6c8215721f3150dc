"""Gather and the scatter family, with jax.lax's dimension numbers, and `index_take` and
`scatter_apply` built on them.

fluxion's gather and scatter primitives already take XLA's dimension numbers with the index
vector along the last axis of the indices, as jax.lax does, so these functions convert the
arguments and pass them on. `unique_indices` and `indices_are_sorted` are hints that fluxion
does not need; they are accepted and ignored.
"""
from __future__ import annotations

import enum
from typing import Any, Callable, Sequence

from ..core import dtypes as D
from ..core.array import Array
from ..core.errors import DTypeError, ShapeError, op_error
from ..ops import elementwise as E
from ..ops import indexing as I
from ..ops import shape as S
from ..numpy._indexing import apply_counted
from ..ops.indexing import GatherDimensionNumbers, ScatterDimensionNumbers
from ..transforms.batching import vmap
from ._operands import ArrayLike, as_array, operands

__all__ = ["GatherDimensionNumbers", "GatherScatterMode", "ScatterDimensionNumbers", "gather", "index_take",
           "scatter", "scatter_add", "scatter_apply", "scatter_max", "scatter_min", "scatter_mul", "scatter_sub"]


class GatherScatterMode(enum.Enum):
    """What an out-of-bounds index does: clamp the window, fill (gather) or drop (scatter), or trust the caller."""
    CLIP = "clip"
    FILL_OR_DROP = "fill"
    PROMISE_IN_BOUNDS = "promise_in_bounds"


def _mode(mode: str | GatherScatterMode | None) -> str | None:
    return mode.value if isinstance(mode, GatherScatterMode) else mode


def _numbers(cls, dn):
    """`dn` as fluxion's NamedTuple (a tuple of the same fields, such as another library's, converts)."""
    if isinstance(dn, cls) or not isinstance(dn, tuple):
        return dn  # the primitive names the type it expects
    return cls(*dn)


def gather(operand: ArrayLike, start_indices: ArrayLike, dimension_numbers: GatherDimensionNumbers,
           slice_sizes: Sequence[int], *, unique_indices: bool = False, indices_are_sorted: bool = False,
           mode: str | GatherScatterMode | None = None, fill_value: Any = None) -> Array:
    """Windows of `slice_sizes` of `operand` at the index vectors along the last axis of `start_indices`.

    `mode` defaults to clamping out-of-bounds windows into the operand, as jax.lax's; with
    "fill", they are `fill_value` (NaN for floats).

    >>> import fluxion.numpy as fnp
    >>> dn = GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
    >>> gather(fnp.asarray([[1, 2], [3, 4]]), fnp.asarray([[1], [0]]), dn, (1, 2)).tolist()
    [[3, 4], [1, 2]]
    """
    return I.gather(as_array(operand), as_array(start_indices), _numbers(GatherDimensionNumbers, dimension_numbers),
                    slice_sizes, mode=_mode(mode) or "clip", fill_value=fill_value)


def index_take(src: ArrayLike, idxs: Sequence[ArrayLike], axes: Sequence[int]) -> Array:
    """The elements of `src` at the index arrays `idxs`, one per axis of `axes`: result element
    `j` is `src` at index `idxs[i][j]` along `axes[i]` (each index taken modulo its axis's size,
    so negative ones count from the end), with the axes not in `axes` kept, in order, after the
    index arrays' shape.

    >>> import fluxion.numpy as fnp
    >>> index_take(fnp.arange(6).reshape(2, 3), (fnp.asarray([1, -1]),), (1,)).tolist()
    [[1, 4], [2, 5]]
    """
    x = as_array(src)
    axes = S.normalize_axes("index_take", tuple(axes), x.ndim)
    idxs = [as_array(i) for i in idxs]
    if len(idxs) != len(axes) or len({i.shape for i in idxs}) > 1:
        raise op_error(ShapeError, "index_take", f"needs one index array per axis of {axes}, all of one shape; got "
                       f"{len(idxs)} of shapes {[i.shape for i in idxs]}", "pass as many index arrays as axes, "
                       "broadcast to one shape")
    shape = idxs[0].shape if idxs else ()
    vectors = S.concatenate([S.reshape(_wrapped(i, x.shape[a]), shape + (1,)) for i, a in zip(idxs, axes)], -1)
    dn = GatherDimensionNumbers(offset_dims=tuple(range(len(shape), len(shape) + x.ndim - len(axes))),
                                collapsed_slice_dims=tuple(sorted(axes)), start_index_map=axes)
    sizes = [1 if a in axes else n for a, n in enumerate(x.shape)]
    return I.gather(x, vectors, dn, sizes, mode="clip")


def _wrapped(index: Array, size: int) -> Array:
    """`index` modulo `size` (in [0, size)), as int64 (the index arrays may differ in dtype)."""
    if index.dtype not in D.INTEGER:
        raise op_error(DTypeError, "index_take", f"index arrays must be integers, got {index.dtype}",
                       "convert the indices with .astype(int)")
    index = E.convert_element_type_p.bind(index, new_dtype=D.int64, weak=False)
    if size == 0:  # (no element to take: the gather reads none)
        return index
    r = E.rem_p.bind(index, Array(size, True))
    return E.select_n_p.bind(E.lt_p.bind(r, Array(0, True)), r, E.add_p.bind(r, Array(size, True)))


def _scatter(fn, operand, scatter_indices, updates, dimension_numbers, mode) -> Array:
    x, updates = operands(operand, updates)
    return fn(x, as_array(scatter_indices), updates, _numbers(ScatterDimensionNumbers, dimension_numbers),
              mode=_mode(mode))


def scatter(operand: ArrayLike, scatter_indices: ArrayLike, updates: ArrayLike,
            dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
            unique_indices: bool = False, mode: str | GatherScatterMode | None = None) -> Array:
    """`operand` with the windows at `scatter_indices` replaced by `updates` (out-of-bounds ones dropped).

    >>> import fluxion.numpy as fnp
    >>> dn = ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                              scatter_dims_to_operand_dims=(0,))
    >>> scatter(fnp.zeros(3), fnp.asarray([[2]]), fnp.asarray([5.0]), dn).tolist()
    [0.0, 0.0, 5.0]
    """
    return _scatter(I.scatter, operand, scatter_indices, updates, dimension_numbers, mode)


def scatter_add(operand: ArrayLike, scatter_indices: ArrayLike, updates: ArrayLike,
                dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
                unique_indices: bool = False, mode: str | GatherScatterMode | None = None) -> Array:
    """`operand` plus `updates` at the windows at `scatter_indices` (repeated indices all add)."""
    return _scatter(I.scatter_add, operand, scatter_indices, updates, dimension_numbers, mode)


def scatter_sub(operand: ArrayLike, scatter_indices: ArrayLike, updates: ArrayLike,
                dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
                unique_indices: bool = False, mode: str | GatherScatterMode | None = None) -> Array:
    """`operand` minus `updates` at the windows at `scatter_indices` (repeated indices all subtract)."""
    x, updates = operands(operand, updates)
    return _scatter(I.scatter_add, x, scatter_indices, E.neg_p.bind(updates), dimension_numbers, mode)


def scatter_mul(operand: ArrayLike, scatter_indices: ArrayLike, updates: ArrayLike,
                dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
                unique_indices: bool = False, mode: str | GatherScatterMode | None = None) -> Array:
    """`operand` times `updates` at the windows at `scatter_indices` (repeated indices all multiply)."""
    return _scatter(I.scatter_mul, operand, scatter_indices, updates, dimension_numbers, mode)


def scatter_min(operand: ArrayLike, scatter_indices: ArrayLike, updates: ArrayLike,
                dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
                unique_indices: bool = False, mode: str | GatherScatterMode | None = None) -> Array:
    """The minimum of `operand` and `updates` at the windows at `scatter_indices`."""
    return _scatter(I.scatter_min, operand, scatter_indices, updates, dimension_numbers, mode)


def scatter_max(operand: ArrayLike, scatter_indices: ArrayLike, updates: ArrayLike,
                dimension_numbers: ScatterDimensionNumbers, *, indices_are_sorted: bool = False,
                unique_indices: bool = False, mode: str | GatherScatterMode | None = None) -> Array:
    """The maximum of `operand` and `updates` at the windows at `scatter_indices`."""
    return _scatter(I.scatter_max, operand, scatter_indices, updates, dimension_numbers, mode)


def scatter_apply(operand: ArrayLike, scatter_indices: ArrayLike, func: Callable[[Array], Array],
                  dimension_numbers: ScatterDimensionNumbers, *, update_shape: Sequence[int] = (),
                  indices_are_sorted: bool = False, unique_indices: bool = False,
                  mode: str | GatherScatterMode | None = None) -> Array:
    """`operand` with `func` applied to each element of the windows at `scatter_indices`, once for
    each window that covers it (so twice where an index repeats), as jax.lax's does.

    The windows are those a `scatter` of updates of shape `update_shape` would write; `func`
    maps one element (a 0-d array of `operand`'s dtype) to its new value, as jax calls it. It
    differentiates, unlike jax's.

    >>> import fluxion.numpy as fnp
    >>> dn = ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                              scatter_dims_to_operand_dims=(0,))
    >>> scatter_apply(fnp.asarray([1.0, 2.0, 3.0]), fnp.asarray([[0], [0], [2]]), lambda v: v * 10, dn,
    ...               update_shape=(3,)).tolist()
    [100.0, 2.0, 30.0]
    """
    x = as_array(operand)
    ones = S.full(update_shape, 1, D.int32)
    times = I.scatter_add(S.full(x.shape, 0, D.int32), as_array(scatter_indices), ones,
                          _numbers(ScatterDimensionNumbers, dimension_numbers), mode=_mode(mode))
    return apply_counted("scatter_apply", x, S.reshape(times, (x.size,)), vmap(func),
                         lambda y: S.reshape(y, (y.size,)), lambda y, v: S.reshape(v, y.shape))
