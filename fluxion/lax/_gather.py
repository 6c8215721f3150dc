"""Gather and the scatter family, with jax.lax's dimension numbers.

fluxion's gather and scatter primitives already take XLA's dimension numbers with the index
vector along the last axis of the indices, as jax.lax does, so these functions convert the
arguments and pass them on. `unique_indices` and `indices_are_sorted` are hints that fluxion
does not need; they are accepted and ignored.
"""
from __future__ import annotations

import enum
from typing import Any, Sequence

from ..core.array import Array
from ..ops import elementwise as E
from ..ops import indexing as I
from ..ops.indexing import GatherDimensionNumbers, ScatterDimensionNumbers
from ._operands import ArrayLike, as_array, operands

__all__ = ["GatherDimensionNumbers", "GatherScatterMode", "ScatterDimensionNumbers", "gather", "scatter",
           "scatter_add", "scatter_max", "scatter_min", "scatter_mul", "scatter_sub"]


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

    `mode` defaults to filling out-of-bounds windows with `fill_value` (NaN for floats).

    >>> import fluxion.numpy as fnp
    >>> dn = GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,))
    >>> gather(fnp.asarray([[1, 2], [3, 4]]), fnp.asarray([[1], [0]]), dn, (1, 2)).tolist()
    [[3, 4], [1, 2]]
    """
    return I.gather(as_array(operand), as_array(start_indices), _numbers(GatherDimensionNumbers, dimension_numbers),
                    slice_sizes, mode=_mode(mode), fill_value=fill_value)


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
