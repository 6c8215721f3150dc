"""Indexing primitives: dynamic_slice, dynamic_update_slice, gather and the scatter family.

Each has the semantics of the XLA operation of the same name. Start indices of
dynamic_slice and dynamic_update_slice are clamped so that the window fits. Gather and
scatter take the index vector along the last axis of `indices` (as JAX's `lax` does) and a
`mode` saying what an out-of-bounds window does:

    "clip"               clamp the window start so that the window fits
    "fill"               gather: the window reads `fill_value`; scatter: the update is dropped
    "promise_in_bounds"  XLA's own behaviour: gather clamps, scatter drops

There is one scatter primitive per combiner (set, add, mul, min, max), so that each has its
own derivative rules; scatter-add is the transpose of gather.
"""
from __future__ import annotations

import operator
from typing import NamedTuple, Sequence

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import DTypeError, ShapeError, op_error
from ..core.types import ArrayType
from ._util import define

__all__ = ["GatherDimensionNumbers", "ScatterDimensionNumbers", "dynamic_slice", "dynamic_update_slice", "gather",
           "scatter", "scatter_add", "scatter_mul", "scatter_min", "scatter_max", "SCATTERS", "default_fill_value"]

MODES = ("clip", "fill", "promise_in_bounds")


class GatherDimensionNumbers(NamedTuple):
    """How gather maps output axes to operand axes (XLA's GatherDimensionNumbers).

    Args:
        offset_dims: output axes that hold the window axes (the operand axes not collapsed
            or batched), in increasing order.
        collapsed_slice_dims: operand axes whose window has size 1 and no output axis.
        start_index_map: the operand axis that each entry of an index vector starts.
        operand_batching_dims: operand axes that run in step with `start_indices_batching_dims`.
        start_indices_batching_dims: the axes of `indices` paired with `operand_batching_dims`.
    """
    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class ScatterDimensionNumbers(NamedTuple):
    """How scatter maps update axes to operand axes (XLA's ScatterDimensionNumbers).

    Args:
        update_window_dims: axes of `updates` that hold the window axes, in increasing order.
        inserted_window_dims: operand axes whose window has size 1 and no update axis.
        scatter_dims_to_operand_dims: the operand axis that each entry of an index vector starts.
        operand_batching_dims: operand axes that run in step with `scatter_indices_batching_dims`.
        scatter_indices_batching_dims: the axes of `indices` paired with `operand_batching_dims`.
    """
    update_window_dims: tuple[int, ...]
    inserted_window_dims: tuple[int, ...]
    scatter_dims_to_operand_dims: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    scatter_indices_batching_dims: tuple[int, ...] = ()


# rules -------------------------------------------------------------------------------------
def _start_indices(op: str, x: ArrayType, starts: tuple[ArrayType, ...]) -> None:
    if len(starts) != x.ndim:
        raise op_error(ShapeError, op, f"got {len(starts)} start indices for an array of shape {x.shape}",
                       "pass one start index per axis")
    for i, s in enumerate(starts):
        if s.ndim != 0 or s.dtype not in dtypes.INTEGER:
            raise op_error(DTypeError if s.ndim == 0 else ShapeError, op,
                           f"start index {i} must be a 0-d integer array, got {s}",
                           "pass Python ints or 0-d integer arrays as start indices")


def _dynamic_slice_rule(x: ArrayType, *starts: ArrayType, slice_sizes: tuple) -> ArrayType:
    _start_indices("dynamic_slice", x, starts)
    if len(slice_sizes) != x.ndim or any(not 0 <= s <= n for s, n in zip(slice_sizes, x.shape)):
        raise op_error(ShapeError, "dynamic_slice", f"slice_sizes {slice_sizes} do not fit an array of shape {x.shape}",
                       "give one size per axis with 0 <= size <= the axis length")
    return ArrayType(slice_sizes, x.dtype, x.weak)


def _dynamic_update_slice_rule(x: ArrayType, update: ArrayType, *starts: ArrayType) -> ArrayType:
    op = "dynamic_update_slice"
    _start_indices(op, x, starts)
    if update.dtype != x.dtype:
        raise op_error(DTypeError, op, f"update has dtype {update.dtype}, the operand {x.dtype}",
                       "convert the update with .astype(x.dtype)")
    if update.ndim != x.ndim or any(u > n for u, n in zip(update.shape, x.shape)):
        raise op_error(ShapeError, op, f"an update of shape {update.shape} does not fit an operand of shape {x.shape}",
                       "give the update as many axes as the operand, each no longer than the operand's")
    return x


def _check_axes(op: str, name: str, axes: tuple, ndim: int, need_sorted: bool = True) -> None:
    if any(not 0 <= a < ndim for a in axes) or len(set(axes)) != len(axes):
        raise op_error(ShapeError, op, f"{name} {axes} must be distinct axes in [0, {ndim})",
                       f"list each axis of the {ndim}-d array at most once")
    if need_sorted and list(axes) != sorted(axes):
        raise op_error(ShapeError, op, f"{name} {axes} must be in increasing order", f"sort {name}")


def _check_dimension_numbers(op: str, dn, names: tuple, operand: ArrayType, indices: ArrayType,
                             out_ndim: int) -> tuple[int, ...]:
    """Shared checks of gather/scatter dimension numbers; returns the window (offset) operand axes.

    `names` are the five field names of `dn` in the order of GatherDimensionNumbers.
    """
    window, collapsed, start_map, obatch, ibatch = dn
    if indices.dtype not in dtypes.INTEGER:
        raise op_error(DTypeError, op, f"indices must be integers, got dtype {indices.dtype}",
                       "convert the indices with .astype(int)")
    if indices.ndim == 0:
        raise op_error(ShapeError, op, "indices must have at least 1 axis; the last axis holds the index vectors",
                       "add a trailing axis, e.g. indices[..., None]")
    _check_axes(op, names[0], window, out_ndim)
    _check_axes(op, names[1], collapsed, operand.ndim)
    _check_axes(op, names[3], obatch, operand.ndim)
    _check_axes(op, names[2], start_map, operand.ndim, need_sorted=False)
    _check_axes(op, names[4], ibatch, indices.ndim - 1, need_sorted=False)
    if set(collapsed) & set(obatch) or set(start_map) & set(obatch):
        raise op_error(ShapeError, op, f"{names[3]} {obatch} overlap {names[1]} {collapsed} or {names[2]} {start_map}",
                       "a batching axis is neither collapsed nor indexed")
    if len(window) + len(collapsed) + len(obatch) != operand.ndim:
        raise op_error(ShapeError, op, f"{names[0]} {window}, {names[1]} {collapsed} and {names[3]} {obatch} must "
                       f"account for the {operand.ndim} operand axes", "give every operand axis one role")
    if indices.shape[-1] != len(start_map):
        raise op_error(ShapeError, op, f"index vectors have length {indices.shape[-1]} (indices shape "
                       f"{indices.shape}) but {names[2]} {start_map} names {len(start_map)} axes",
                       "make the last axis of indices as long as the list of indexed axes")
    if len(obatch) != len(ibatch) or any(operand.shape[a] != indices.shape[b] for a, b in zip(obatch, ibatch)):
        raise op_error(ShapeError, op, f"{names[3]} {obatch} and {names[4]} {ibatch} must pair axes of equal size "
                       f"(operand {operand.shape}, indices {indices.shape})", "pair batching axes of one size")
    return tuple(d for d in range(operand.ndim) if d not in collapsed and d not in obatch)


def _gather_rule(operand: ArrayType, indices: ArrayType, *, dimension_numbers: GatherDimensionNumbers,
                 slice_sizes: tuple, mode: str, fill_value) -> ArrayType:
    op = "gather"
    if not isinstance(dimension_numbers, GatherDimensionNumbers):
        raise op_error(TypeError, op, f"dimension_numbers must be a GatherDimensionNumbers, got {dimension_numbers!r}",
                       "build it with fluxion.ops.indexing.GatherDimensionNumbers(...)")
    _check_mode(op, mode)
    out_ndim = indices.ndim - 1 + len(dimension_numbers.offset_dims)
    windows = _check_dimension_numbers(op, dimension_numbers, GatherDimensionNumbers._fields, operand, indices,
                                       out_ndim)
    if len(slice_sizes) != operand.ndim or any(not 0 <= s <= n for s, n in zip(slice_sizes, operand.shape)):
        raise op_error(ShapeError, op, f"slice_sizes {slice_sizes} do not fit an operand of shape {operand.shape}",
                       "give one size per operand axis with 0 <= size <= the axis length")
    dn = dimension_numbers
    if (any(slice_sizes[d] != 1 for d in dn.collapsed_slice_dims)
            or any(slice_sizes[d] > 1 for d in dn.operand_batching_dims)):
        raise op_error(ShapeError, op, f"slice_sizes {slice_sizes} must be 1 on collapsed_slice_dims "
                       f"{dn.collapsed_slice_dims} and operand_batching_dims {dn.operand_batching_dims}",
                       "collapse only axes whose window has size 1")
    batch = iter(indices.shape[:-1])
    sizes = iter(slice_sizes[d] for d in windows)
    shape = tuple(next(sizes) if i in dn.offset_dims else next(batch) for i in range(out_ndim))
    return ArrayType(shape, operand.dtype, operand.weak)


def _scatter_rule(name: str):
    def rule(operand: ArrayType, indices: ArrayType, updates: ArrayType, *,
             dimension_numbers: ScatterDimensionNumbers, mode: str) -> ArrayType:
        if not isinstance(dimension_numbers, ScatterDimensionNumbers):
            raise op_error(TypeError, name, "dimension_numbers must be a ScatterDimensionNumbers, got "
                           f"{dimension_numbers!r}", "build it with fluxion.ops.indexing.ScatterDimensionNumbers(...)")
        _check_mode(name, mode)
        if updates.dtype != operand.dtype:
            raise op_error(DTypeError, name, f"updates have dtype {updates.dtype}, the operand {operand.dtype}",
                           "convert the updates with .astype(operand.dtype)")
        dn = dimension_numbers
        windows = _check_dimension_numbers(name, dn, ScatterDimensionNumbers._fields, operand, indices, updates.ndim)
        if updates.ndim != indices.ndim - 1 + len(dn.update_window_dims):
            raise op_error(ShapeError, name, f"updates of shape {updates.shape} need {indices.ndim - 1} scatter axes "
                           f"(indices shape {indices.shape}) plus {len(dn.update_window_dims)} window axes",
                           "give updates one axis per batch axis of indices and per window axis")
        scatter_sizes = tuple(s for i, s in enumerate(updates.shape) if i not in dn.update_window_dims)
        window_sizes = tuple(updates.shape[i] for i in dn.update_window_dims)
        if scatter_sizes != indices.shape[:-1] or any(w > operand.shape[d] for w, d in zip(window_sizes, windows)):
            raise op_error(ShapeError, name, f"updates of shape {updates.shape} do not match indices of shape "
                           f"{indices.shape} and an operand of shape {operand.shape}",
                           "the non-window axes of updates must equal the batch axes of indices, and each window "
                           "must fit the operand axis it maps to")
        return operand
    return rule


def _check_mode(op: str, mode) -> None:
    if mode not in MODES:
        raise op_error(ValueError, op, f"mode {mode!r} is not one of {MODES}", "pass mode='clip' or mode='fill'")


dynamic_slice_p = define("dynamic_slice", _dynamic_slice_rule)
dynamic_update_slice_p = define("dynamic_update_slice", _dynamic_update_slice_rule)
gather_p = define("gather", _gather_rule)
scatter_p = define("scatter", _scatter_rule("scatter"))
scatter_add_p = define("scatter_add", _scatter_rule("scatter_add"))
scatter_mul_p = define("scatter_mul", _scatter_rule("scatter_mul"))
scatter_min_p = define("scatter_min", _scatter_rule("scatter_min"))
scatter_max_p = define("scatter_max", _scatter_rule("scatter_max"))
SCATTERS = {"set": scatter_p, "add": scatter_add_p, "mul": scatter_mul_p, "min": scatter_min_p, "max": scatter_max_p}


# ops-level functions ------------------------------------------------------------------------
def dynamic_slice(x, start_indices: Sequence, slice_sizes: Sequence[int]) -> Array:
    """The window of `slice_sizes` starting at `start_indices` (0-d integer arrays or ints).

    Starts are clamped so that the window fits, as XLA does.

    >>> import fluxion.numpy as fnp
    >>> dynamic_slice(fnp.asarray([0, 1, 2, 3]), (fnp.asarray(3),), (2,)).tolist()
    [2, 3]
    """
    sizes = tuple(map(operator.index, slice_sizes))
    if sizes == tuple(x.shape) and len(start_indices) == len(sizes):
        return x  # every start clamps to 0
    return dynamic_slice_p.bind(x, *start_indices, slice_sizes=sizes)


def dynamic_update_slice(x, update, start_indices: Sequence) -> Array:
    """`x` with the window at `start_indices` replaced by `update` (starts clamped as XLA does).

    >>> import fluxion.numpy as fnp
    >>> dynamic_update_slice(fnp.zeros(4, dtype=int), fnp.asarray([7, 8]), (1,)).tolist()
    [0, 7, 8, 0]
    """
    return dynamic_update_slice_p.bind(x, update, *start_indices)


def default_fill_value(dtype: np.dtype):
    """What an out-of-bounds gather reads in mode "fill" unless told: NaN for inexact dtypes,
    the minimum of signed integers, the maximum of unsigned ones, True for booleans."""
    if dtype == dtypes.bool_:
        return True
    if dtypes.is_unsigned(dtype):
        return int(np.iinfo(dtype).max)
    if dtypes.is_integer(dtype):
        return int(np.iinfo(dtype).min)
    return complex("nan+nanj") if dtype in dtypes.COMPLEX else float("nan")


def _mode(op: str, mode) -> str:
    """A mode name as the primitives spell it; None and "drop" mean "fill" (as in JAX's lax)."""
    if mode is None or mode == "drop":
        return "fill"
    _check_mode(op, mode)
    return mode


def _fill_value(dtype: np.dtype, fill_value):
    """`fill_value` as a Python scalar of `dtype`'s kind (hashable, exact for the kernel)."""
    if fill_value is None:
        return default_fill_value(dtype)
    try:
        value = np.asarray(fill_value).astype(dtype)
        return (complex if dtype in dtypes.COMPLEX else float if dtype in dtypes.FLOATING
                else bool if dtype == dtypes.bool_ else int)(value)
    except (TypeError, ValueError, OverflowError) as e:
        raise op_error(TypeError, "gather", f"fill_value {fill_value!r} cannot be converted to {dtype}: {e}",
                       "pass a scalar that the operand's dtype can hold") from None


def gather(operand, indices, dimension_numbers: GatherDimensionNumbers, slice_sizes: Sequence[int], *,
           mode: str | None = None, fill_value=None) -> Array:
    """Gather windows of `slice_sizes` from `operand` at the index vectors in `indices` (XLA Gather).

    The last axis of `indices` holds the index vectors. `mode` is "clip", "fill" (the
    default: out-of-bounds windows read `fill_value`) or "promise_in_bounds".

    >>> import fluxion.numpy as fnp
    >>> dn = GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,))
    >>> gather(fnp.asarray([5, 6, 7]), fnp.asarray([[2], [0]]), dn, (1,)).tolist()
    [7, 5]
    """
    mode = _mode("gather", mode)
    fill_value = _fill_value(operand.dtype, fill_value) if mode == "fill" else None
    return gather_p.bind(operand, indices, dimension_numbers=_tuples(dimension_numbers),
                         slice_sizes=tuple(map(operator.index, slice_sizes)), mode=mode, fill_value=fill_value)


def _tuples(dn):
    """Dimension numbers with every field a tuple of ints (hashable, as params must be)."""
    if isinstance(dn, (GatherDimensionNumbers, ScatterDimensionNumbers)):
        return type(dn)(*(tuple(map(operator.index, f)) for f in dn))
    return dn  # the rule names the type it expects


def _scatter(prim, operand, indices, updates, dimension_numbers, mode) -> Array:
    return prim.bind(operand, indices, updates, dimension_numbers=_tuples(dimension_numbers),
                     mode=_mode(prim.name, mode))


# The scatters read the index vectors along the last axis of `indices`; `mode` is "clip",
# "fill" (the default: out-of-bounds updates are dropped) or "promise_in_bounds".
def scatter(operand, indices, updates, dimension_numbers: ScatterDimensionNumbers, *,
            mode: str | None = None) -> Array:
    """`operand` with the windows at `indices` replaced by `updates` (XLA Scatter); repeated
    indices write in an unspecified order.

    >>> import fluxion.numpy as fnp
    >>> dn = ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                              scatter_dims_to_operand_dims=(0,))
    >>> scatter(fnp.zeros(3), fnp.asarray([[2], [0]]), fnp.asarray([4.0, 5.0]), dn).tolist()
    [5.0, 0.0, 4.0]
    """
    return _scatter(scatter_p, operand, indices, updates, dimension_numbers, mode)


def scatter_add(operand, indices, updates, dimension_numbers: ScatterDimensionNumbers, *,
                mode: str | None = None) -> Array:
    """`operand` plus `updates` at the windows at `indices`; repeated indices all add.

    >>> import fluxion.numpy as fnp
    >>> dn = ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                              scatter_dims_to_operand_dims=(0,))
    >>> scatter_add(fnp.zeros(3), fnp.asarray([[2], [2]]), fnp.asarray([4.0, 5.0]), dn).tolist()
    [0.0, 0.0, 9.0]
    """
    return _scatter(scatter_add_p, operand, indices, updates, dimension_numbers, mode)


def scatter_mul(operand, indices, updates, dimension_numbers: ScatterDimensionNumbers, *,
                mode: str | None = None) -> Array:
    """`operand` times `updates` at the windows at `indices`; repeated indices all multiply.

    >>> import fluxion.numpy as fnp
    >>> dn = ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                              scatter_dims_to_operand_dims=(0,))
    >>> scatter_mul(fnp.ones(3), fnp.asarray([[2], [2]]), fnp.asarray([4.0, 5.0]), dn).tolist()
    [1.0, 1.0, 20.0]
    """
    return _scatter(scatter_mul_p, operand, indices, updates, dimension_numbers, mode)


def scatter_min(operand, indices, updates, dimension_numbers: ScatterDimensionNumbers, *,
                mode: str | None = None) -> Array:
    """The minimum of `operand` and `updates` at the windows at `indices` (NaN propagates).

    >>> import fluxion.numpy as fnp
    >>> dn = ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                              scatter_dims_to_operand_dims=(0,))
    >>> scatter_min(fnp.full(3, 4.5), fnp.asarray([[2], [2]]), fnp.asarray([4.0, 5.0]), dn).tolist()
    [4.5, 4.5, 4.0]
    """
    return _scatter(scatter_min_p, operand, indices, updates, dimension_numbers, mode)


def scatter_max(operand, indices, updates, dimension_numbers: ScatterDimensionNumbers, *,
                mode: str | None = None) -> Array:
    """The maximum of `operand` and `updates` at the windows at `indices` (NaN propagates).

    >>> import fluxion.numpy as fnp
    >>> dn = ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,),
    ...                              scatter_dims_to_operand_dims=(0,))
    >>> scatter_max(fnp.full(3, 4.5), fnp.asarray([[2], [2]]), fnp.asarray([4.0, 5.0]), dn).tolist()
    [4.5, 4.5, 5.0]
    """
    return _scatter(scatter_max_p, operand, indices, updates, dimension_numbers, mode)
