"""Shape primitives: broadcasting, reshaping, permuting, reversing, joining, padding, slicing, iota.

Each moves or repeats elements without arithmetic, with XLA's semantics of the operation of
the same name. Parameters are static tuples of non-negative ints: the ops-level functions
below normalise negative axes and return their input unchanged when the operation is a no-op.
"""
from __future__ import annotations

import operator
from typing import Sequence

import numpy as np

from ..core import dtypes
from ..core.array import Array, distinct, scalar_value, to_array
from ..core.errors import AxisError, ConcretizationError, DTypeError, ShapeError, op_error
from ..core.types import ArrayType
from ._util import check_dtype, define, one_int, same_dtypes

__all__ = ["AxisError", "broadcast_in_dim", "broadcast_to", "concatenate", "expand_dims", "full", "iota", "normalize_axes", "pad",
           "rev", "reshape", "slice", "slice_in_dim", "squeeze", "transpose"]


# checks shared by the rules ------------------------------------------------------------------
def _check_sizes(op: str, shape: tuple, what: str = "shape") -> None:
    if any(d < 0 for d in shape):
        raise op_error(ShapeError, op, f"{what} {shape} has a negative size", "use sizes >= 0")


def _check_dims(op: str, dims: tuple, ndim: int, what: str = "dimensions") -> None:
    """`dims` must be distinct axes in [0, ndim)."""
    if any(not 0 <= d < ndim for d in dims):
        raise op_error(AxisError, op, f"{what} {dims} are out of range for {ndim} dimensions",
                       f"use axes in [{-ndim}, {ndim - 1}]" if ndim else "a 0-d array has no axes")
    if len(set(dims)) != len(dims):
        raise op_error(ShapeError, op, f"{what} {dims} repeat an axis", "name each axis once")


def _ints(op: str, what: str, values) -> tuple[int, ...]:
    """A tuple of Python ints from a sequence of integers (a TypeError naming `what` otherwise)."""
    try:
        return tuple(map(operator.index, values))
    except ConcretizationError:  # (a traced value: its own message says to make it static)
        raise
    except TypeError:
        raise op_error(TypeError, op, f"{what} must be a sequence of integers, got {values!r}",
                       f"pass {what} as a tuple of Python ints") from None


_NORMALIZED: dict = {}  # (axes, ndim, distinct) -> normalised axes, for calls seen before


def normalize_axes(op: str, axes, ndim: int, distinct: bool = True) -> tuple[int, ...]:
    """Axes (an int or a sequence, possibly negative) of an `ndim` array as non-negative ints."""
    try:
        return _NORMALIZED[axes, ndim, distinct]
    except (KeyError, TypeError):
        pass
    out = _ints(op, "axes", (axes,) if one_int(axes) else axes)
    if any(not -ndim <= a < ndim for a in out):
        raise op_error(AxisError, op, f"axes {out} are out of range for an array of {ndim} dimensions",
                       f"use axes in [{-ndim}, {ndim - 1}]" if ndim else "a 0-d array has no axes; reshape it first")
    out = tuple(a % ndim for a in out)
    if distinct and len(set(out)) != len(out):
        raise op_error(ShapeError, op, f"axes {tuple(axes)} repeat an axis", "name each axis once")
    if len(_NORMALIZED) < 4096 and (axes.__class__ is int or axes.__class__ is tuple and all(a.__class__ is int
                                                                                          for a in axes)):
        _NORMALIZED[axes, ndim, distinct] = out
    return out


def _scalar_array(value, dtype: np.dtype, weak: bool = False) -> Array:
    """`value` (a Python or NumPy scalar) as an Array of `dtype`; Python ints must fit."""
    if isinstance(value, (bool, int, float, complex)):
        return Array(scalar_value(value, dtype), weak)
    return Array(np.asarray(value, dtype), weak)


# rules -------------------------------------------------------------------------------------
def _broadcast_in_dim_rule(x: ArrayType, *, shape: tuple, broadcast_dimensions: tuple) -> ArrayType:
    op = "broadcast_in_dim"
    _check_sizes(op, shape)
    if len(broadcast_dimensions) != x.ndim:
        raise op_error(ShapeError, op, f"broadcast_dimensions {broadcast_dimensions} has {len(broadcast_dimensions)} "
                       f"entries for an operand of shape {x.shape}", "give one output axis per operand axis")
    _check_dims(op, broadcast_dimensions, len(shape), "broadcast_dimensions")
    if any(a >= b for a, b in zip(broadcast_dimensions, broadcast_dimensions[1:])):
        raise op_error(ShapeError, op, f"broadcast_dimensions {broadcast_dimensions} are not increasing",
                       "transpose the operand first so its axes keep their order")
    for i, d in enumerate(broadcast_dimensions):
        if x.shape[i] not in (1, shape[d]):
            raise op_error(ShapeError, op, f"operand axis {i} of size {x.shape[i]} cannot be broadcast to size "
                           f"{shape[d]} (operand shape {x.shape}, target shape {shape})",
                           "each operand axis must be 1 or equal to the output axis it maps to")
    return ArrayType(shape, x.dtype, x.weak)


def _reshape_rule(x: ArrayType, *, new_sizes: tuple) -> ArrayType:
    _check_sizes("reshape", new_sizes, "new shape")
    if int(np.prod(new_sizes, dtype=np.int64)) != x.size:
        raise op_error(ShapeError, "reshape", f"cannot reshape an array of shape {x.shape} ({x.size} elements) "
                       f"into shape {new_sizes} ({int(np.prod(new_sizes, dtype=np.int64))} elements)",
                       "choose a shape with the same number of elements (one -1 in fnp.reshape infers a size)")
    return ArrayType(new_sizes, x.dtype, x.weak)


def _transpose_rule(x: ArrayType, *, permutation: tuple) -> ArrayType:
    if sorted(permutation) != list(range(x.ndim)):
        raise op_error(ShapeError, "transpose", f"{permutation} is not a permutation of the {x.ndim} axes of an "
                       f"array of shape {x.shape}", f"list each of the axes 0..{x.ndim - 1} once")
    return ArrayType(tuple(x.shape[p] for p in permutation), x.dtype, x.weak)


def _squeeze_rule(x: ArrayType, *, dimensions: tuple) -> ArrayType:
    _check_dims("squeeze", dimensions, x.ndim)
    bad = [d for d in dimensions if x.shape[d] != 1]
    if bad:
        raise op_error(ShapeError, "squeeze", f"cannot remove axes {tuple(bad)} of sizes "
                       f"{tuple(x.shape[d] for d in bad)} from an array of shape {x.shape}",
                       "only axes of size 1 can be squeezed; index or reduce the others")
    return ArrayType(tuple(s for i, s in enumerate(x.shape) if i not in dimensions), x.dtype, x.weak)


def _expand_dims_rule(x: ArrayType, *, dimensions: tuple) -> ArrayType:
    ndim = x.ndim + len(dimensions)
    _check_dims("expand_dims", dimensions, ndim)
    rest = iter(x.shape)
    return ArrayType(tuple(1 if i in dimensions else next(rest) for i in range(ndim)), x.dtype, x.weak)


def _rev_rule(x: ArrayType, *, dimensions: tuple) -> ArrayType:
    _check_dims("rev", dimensions, x.ndim)
    return x


def _roll_rule(x: ArrayType, *, shifts: tuple, axes: tuple) -> ArrayType:
    _check_dims("roll", axes, x.ndim, "axes")
    if len(shifts) != len(axes) or any(not 0 < s < x.shape[a] for s, a in zip(shifts, axes)):
        raise op_error(ValueError, "roll", f"shifts {shifts} must pair with axes {axes}, each in [1, its axis's size)",
                       "use fnp.roll, which takes any shifts")
    return x


def _concatenate_rule(*xs: ArrayType, dimension: int) -> ArrayType:
    op = "concatenate"
    if not xs:
        raise op_error(ValueError, op, "needs at least one array", "pass a non-empty sequence of arrays")
    dt = same_dtypes(op, xs)
    first = xs[0]
    if first.ndim == 0:
        raise op_error(ShapeError, op, "cannot concatenate 0-d arrays", "use fnp.stack, or add an axis with x[None]")
    _check_dims(op, (dimension,), first.ndim, "dimension")
    for x in xs[1:]:
        if x.ndim != first.ndim or any(a != b for i, (a, b) in enumerate(zip(x.shape, first.shape)) if i != dimension):
            raise op_error(ShapeError, op, f"shapes {', '.join(str(x.shape) for x in xs)} differ outside axis "
                           f"{dimension}", f"make every axis except {dimension} equal")
    size = sum(x.shape[dimension] for x in xs)
    shape = first.shape[:dimension] + (size,) + first.shape[dimension + 1:]
    return ArrayType(shape, dt, all(x.weak for x in xs))


def _padded_size(n: int, lo: int, hi: int, interior: int) -> int:
    return lo + hi + n + max(n - 1, 0) * interior


def _pad_rule(x: ArrayType, padding_value: ArrayType, *, padding_config: tuple) -> ArrayType:
    op = "pad"
    if padding_value.ndim != 0:
        raise op_error(ShapeError, op, f"padding_value must be 0-d, got shape {padding_value.shape}",
                       "pass a scalar padding value")
    same_dtypes(op, (x, padding_value))
    if len(padding_config) != x.ndim:
        raise op_error(ShapeError, op, f"padding_config has {len(padding_config)} entries for an array of shape "
                       f"{x.shape}", "give one (lo, hi, interior) triple per axis")
    if any(len(c) != 3 for c in padding_config):
        raise op_error(ValueError, op, f"padding_config {padding_config} must hold (lo, hi, interior) triples",
                       "write each axis's padding as (lo, hi, interior)")
    if any(c[2] < 0 for c in padding_config):
        raise op_error(ValueError, op, f"interior padding must be >= 0, got {padding_config}",
                       "use interior >= 0 (negative lo/hi crop; interior cannot)")
    shape = tuple(_padded_size(n, *c) for n, c in zip(x.shape, padding_config))
    if any(s < 0 for s in shape):
        raise op_error(ShapeError, op, f"padding_config {padding_config} crops more than the shape {x.shape} holds",
                       "make the negative lo/hi smaller in magnitude")
    return ArrayType(shape, x.dtype, x.weak)


def _slice_sizes(x: ArrayType, start: tuple, limit: tuple, strides: tuple | None) -> tuple:
    op = "slice"
    if len(start) != x.ndim or len(limit) != x.ndim or (strides is not None and len(strides) != x.ndim):
        raise op_error(ShapeError, op, f"start_indices {start}, limit_indices {limit} and strides {strides} must "
                       f"each have {x.ndim} entries for an array of shape {x.shape}", "give one entry per axis")
    if strides is not None and any(s < 1 for s in strides):
        raise op_error(ValueError, op, f"strides {strides} must be >= 1", "reverse with rev, then slice")
    for s, l, n in zip(start, limit, x.shape):
        if not 0 <= s <= l <= n:
            raise op_error(ShapeError, op, f"start_indices {start} and limit_indices {limit} do not fit shape "
                           f"{x.shape}", "use 0 <= start <= limit <= size on every axis")
    steps = strides or (1,) * x.ndim
    return tuple(-(-(l - s) // k) for s, l, k in zip(start, limit, steps))


def _slice_rule(x: ArrayType, *, start_indices: tuple, limit_indices: tuple, strides: tuple | None) -> ArrayType:
    return ArrayType(_slice_sizes(x, start_indices, limit_indices, strides), x.dtype, x.weak)


def _iota_rule(*, dtype: np.dtype, shape: tuple, dimension: int) -> ArrayType:
    check_dtype("iota", dtype, dtypes.NUMERIC)
    _check_sizes("iota", shape)
    _check_dims("iota", (dimension,), len(shape), "dimension")
    return ArrayType(shape, dtype, False)


broadcast_in_dim_p = define("broadcast_in_dim", _broadcast_in_dim_rule)
reshape_p = define("reshape", _reshape_rule)
transpose_p = define("transpose", _transpose_rule)
squeeze_p = define("squeeze", _squeeze_rule)
expand_dims_p = define("expand_dims", _expand_dims_rule)
rev_p = define("rev", _rev_rule)
roll_p = define("roll", _roll_rule)
concatenate_p = define("concatenate", _concatenate_rule)
pad_p = define("pad", _pad_rule)
slice_p = define("slice", _slice_rule)
iota_p = define("iota", _iota_rule)


# ops-level functions ------------------------------------------------------------------------
def broadcast_in_dim(x, shape: Sequence[int], broadcast_dimensions: Sequence[int]) -> Array:
    """Broadcast `x` to `shape`; operand axis i becomes output axis `broadcast_dimensions[i]`.

    >>> import fluxion.numpy as fnp
    >>> broadcast_in_dim(fnp.asarray([1, 2]), (3, 2), (1,)).tolist()
    [[1, 2], [1, 2], [1, 2]]
    """
    x = to_array(x)
    shape = _ints("broadcast_in_dim", "shape", shape)
    dims = _ints("broadcast_in_dim", "broadcast_dimensions", broadcast_dimensions)
    if x.shape == shape and dims == tuple(range(len(shape))):
        return x
    return broadcast_in_dim_p.bind(x, shape=shape, broadcast_dimensions=dims)


def broadcast_to(x, shape: Sequence[int]) -> Array:
    """Broadcast `x` to `shape` as NumPy does (aligning trailing axes).

    >>> import fluxion.numpy as fnp
    >>> broadcast_to(fnp.asarray(1.0), (2,)).tolist()
    [1.0, 1.0]
    """
    x = to_array(x)
    shape = _ints("broadcast_to", "shape", shape)
    if x.shape == shape:
        return x
    lead = len(shape) - x.ndim
    if lead < 0 or any(a not in (1, b) for a, b in zip(x.shape, shape[lead:])):
        raise op_error(ShapeError, "broadcast_to", f"cannot broadcast shape {x.shape} to {shape}",
                       "each trailing axis must be 1 or equal to the target's; the target needs at least as many axes")
    return broadcast_in_dim_p.bind(x, shape=shape, broadcast_dimensions=tuple(range(lead, len(shape))))


def full(shape: Sequence[int], fill_value, dtype) -> Array:
    """An array of `shape` and `dtype` filled with `fill_value` (a scalar or 0-d array).

    >>> full((2,), 7, dtypes.int32).tolist()
    [7, 7]
    """
    shape = _ints("full", "shape", shape)
    dtype = dtypes.canonicalize(dtype)
    if isinstance(fill_value, Array):
        if fill_value.ndim != 0:
            raise op_error(ShapeError, "full", f"fill_value must be 0-d, got shape {fill_value.shape}",
                           "pass a scalar, or use broadcast_to for arrays")
        if fill_value.dtype != dtype:
            raise op_error(DTypeError, "full", f"fill_value has dtype {fill_value.dtype}, expected {dtype}",
                           "convert the fill value first")
        value = fill_value
    else:
        value = _scalar_array(fill_value, dtype)
    if not shape and value.__class__ is Array:  # a 0-d constant needs no operation
        return value
    return broadcast_in_dim_p.bind(value, shape=shape, broadcast_dimensions=())


def reshape(x, new_sizes: Sequence[int]) -> Array:
    """`x` with its elements (in row-major order) arranged into `new_sizes`.

    >>> import fluxion.numpy as fnp
    >>> reshape(fnp.asarray([1, 2, 3, 4]), (2, 2)).tolist()
    [[1, 2], [3, 4]]
    """
    x = to_array(x)
    new_sizes = _ints("reshape", "new_sizes", new_sizes)
    if x.shape == new_sizes:
        return x
    return reshape_p.bind(x, new_sizes=new_sizes)


def transpose(x, permutation: Sequence[int]) -> Array:
    """Permute the axes of `x`: output axis i is input axis `permutation[i]`.

    >>> import fluxion.numpy as fnp
    >>> transpose(fnp.zeros((2, 3)), (1, 0)).shape
    (3, 2)
    """
    x = to_array(x)
    perm = normalize_axes("transpose", permutation, x.ndim)
    if perm == tuple(range(x.ndim)):
        return x
    return transpose_p.bind(x, permutation=perm)


def squeeze(x, dimensions: Sequence[int]) -> Array:
    """Remove the size-1 axes `dimensions` of `x`.

    >>> import fluxion.numpy as fnp
    >>> squeeze(fnp.zeros((1, 3)), (0,)).shape
    (3,)
    """
    x = to_array(x)
    dims = normalize_axes("squeeze", dimensions, x.ndim)
    if not dims:
        return x
    return squeeze_p.bind(x, dimensions=tuple(sorted(dims)))


def expand_dims(x, dimensions: Sequence[int]) -> Array:
    """Insert size-1 axes so that they sit at positions `dimensions` of the output.

    >>> import fluxion.numpy as fnp
    >>> expand_dims(fnp.zeros(3), (0, -1)).shape
    (1, 3, 1)
    """
    x = to_array(x)
    dimensions = (dimensions,) if isinstance(dimensions, (int, np.integer)) else tuple(dimensions)
    dims = normalize_axes("expand_dims", dimensions, x.ndim + len(dimensions))
    if not dims:
        return x
    return expand_dims_p.bind(x, dimensions=tuple(sorted(dims)))


def rev(x, dimensions: Sequence[int]) -> Array:
    """Reverse the order of elements along `dimensions`.

    >>> import fluxion.numpy as fnp
    >>> rev(fnp.asarray([1, 2, 3]), (0,)).tolist()
    [3, 2, 1]
    """
    x = to_array(x)
    # reversing an axis of one element changes nothing
    dims = tuple(sorted(d for d in normalize_axes("rev", dimensions, x.ndim) if x.shape[d] > 1))
    if not dims:
        return x
    return rev_p.bind(x, dimensions=dims)


def roll(x, shifts: Sequence[int], axes: Sequence[int]) -> Array:
    """Shift the elements of `x` cyclically by `shifts[i]` along `axes[i]` (distinct axes; any
    integer shifts).

    >>> import fluxion.numpy as fnp
    >>> roll(fnp.asarray([1, 2, 3, 4]), (1,), (0,)).tolist()
    [4, 1, 2, 3]
    """
    x = to_array(x)
    axes = normalize_axes("roll", axes, x.ndim)
    pairs = [(s % x.shape[a], a) for s, a in zip(shifts, axes) if x.shape[a] and s % x.shape[a]]
    if not pairs:
        return distinct(x)
    return roll_p.bind(x, shifts=tuple(s for s, _ in pairs), axes=tuple(a for _, a in pairs))


def concatenate(operands: Sequence, dimension: int) -> Array:
    """Join arrays of one dtype along an existing axis `dimension`.

    >>> import fluxion.numpy as fnp
    >>> concatenate([fnp.asarray([1]), fnp.asarray([2, 3])], 0).tolist()
    [1, 2, 3]
    """
    operands = [to_array(o) for o in operands]
    if len(operands) == 1 and operands[0].ndim:
        normalize_axes("concatenate", dimension, operands[0].ndim)
        return distinct(operands[0])
    ndim = operands[0].ndim if operands else 0
    dim = normalize_axes("concatenate", dimension, ndim)[0] if ndim else operator.index(dimension)
    return concatenate_p.bind(*operands, dimension=dim)


def pad(x, padding_value, padding_config: Sequence[tuple[int, int, int]]) -> Array:
    """Pad `x` as XLA's Pad: per axis `(lo, hi, interior)`; negative lo/hi crop.

    `interior` inserts that many padding elements between neighbours.

    >>> import fluxion.numpy as fnp
    >>> pad(fnp.asarray([1, 2]), 0, ((1, -1, 2),)).tolist()
    [0, 1, 0, 0]
    """
    x = to_array(x)
    try:
        config = tuple(_ints("pad", "padding_config", c) for c in padding_config)
    except TypeError:
        raise op_error(TypeError, "pad", f"padding_config must be (lo, hi, interior) triples, got {padding_config!r}",
                       "pass a tuple of (lo, hi, interior) int triples, one per axis") from None
    if not isinstance(padding_value, Array):
        padding_value = _scalar_array(padding_value, x.dtype, x.weak)
    if len(config) == x.ndim and all(c == (0, 0, 0) for c in config):
        return x
    return pad_p.bind(x, padding_value, padding_config=config)


def slice(x, start_indices: Sequence[int], limit_indices: Sequence[int],  # noqa: A001
          strides: Sequence[int] | None = None) -> Array:
    """Elements `start <= i < limit` with step `strides` on each axis (static bounds).

    >>> import fluxion.numpy as fnp
    >>> slice(fnp.asarray([0, 1, 2, 3, 4]), (1,), (5,), (2,)).tolist()
    [1, 3]
    """
    x = to_array(x)
    start = _ints("slice", "start_indices", start_indices)
    limit = _ints("slice", "limit_indices", limit_indices)
    steps = None if strides is None else _ints("slice", "strides", strides)
    if steps is not None and all(s == 1 for s in steps) and len(steps) == x.ndim:
        steps = None
    if steps is None and limit == x.shape and not any(start):
        return x
    return slice_p.bind(x, start_indices=start, limit_indices=limit, strides=steps)


def slice_in_dim(x, start: int, limit: int, stride: int = 1, axis: int = 0) -> Array:
    """`slice` along one axis (other axes whole).

    >>> import fluxion.numpy as fnp
    >>> slice_in_dim(fnp.zeros((4, 3)), 1, 3, axis=0).shape
    (2, 3)
    """
    x = to_array(x)
    (axis,) = normalize_axes("slice_in_dim", axis, x.ndim)
    start_indices, limit_indices, strides = [0] * x.ndim, list(x.shape), [1] * x.ndim
    start_indices[axis], limit_indices[axis], strides[axis] = start, limit, stride
    return slice(x, start_indices, limit_indices, strides)


def iota(dtype, shape: Sequence[int], dimension: int) -> Array:
    """An array of `shape` whose values count 0, 1, 2... along axis `dimension`.

    >>> iota(dtypes.int32, (2, 3), 1).tolist()
    [[0, 1, 2], [0, 1, 2]]
    """
    shape = _ints("iota", "shape", shape)
    dim = normalize_axes("iota", dimension, len(shape))[0] if shape else operator.index(dimension)
    return iota_p.bind(dtype=dtypes.canonicalize(dtype), shape=shape, dimension=dim)
