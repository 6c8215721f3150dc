"""Sorting primitives: a variadic sort along one axis and top_k.

`sort` orders several operands of one shape together by their first `num_keys` operands,
compared lexicographically. The order of keys is NumPy's: NaNs last, -0.0 equal to 0.0,
complex numbers by real part then imaginary part. `top_k` returns the k largest elements of
the last axis, largest first (NaN counts as the largest), ties broken by the lower index.
"""
from __future__ import annotations

import operator
from typing import Sequence

from ..core import dtypes as D
from ..core.array import Array, to_array
from ..core.errors import ShapeError, op_error
from ..core.types import ArrayType
from ._util import check_dtype, define
from .reduce import normalize_axes

__all__ = ["sort", "top_k"]

_KEYS = (D.bool_,) + D.NUMERIC
_ORDERED = (D.bool_,) + D.INTEGER + D.REAL_FLOATING


def _sort_rule(*operands: ArrayType, dimension: int, is_stable: bool, num_keys: int) -> tuple[ArrayType, ...]:
    if not operands:
        raise op_error(ValueError, "sort", "needs at least one operand", "pass a sequence of arrays")
    shape = operands[0].shape
    if any(o.shape != shape for o in operands):
        raise op_error(ShapeError, "sort", f"operands have shapes {', '.join(str(o.shape) for o in operands)}",
                       "give every operand the same shape (broadcast them first)")
    if not shape:
        raise op_error(ShapeError, "sort", "cannot sort a 0-d array", "add an axis first, e.g. x[None]")
    if not 0 <= dimension < len(shape):
        raise op_error(ShapeError, "sort", f"dimension {dimension} must be in [0, {len(shape)})",
                       "call fluxion.ops.sort.sort, which normalises negative dimensions")
    if not 1 <= num_keys <= len(operands):
        raise op_error(ValueError, "sort", f"num_keys={num_keys} must be between 1 and the number of operands "
                       f"({len(operands)})", "sort by at least one operand, at most all of them")
    for o in operands[:num_keys]:
        check_dtype("sort", o.dtype, _KEYS)
    return operands


def _top_k_rule(x: ArrayType, *, k: int) -> tuple[ArrayType, ArrayType]:
    check_dtype("top_k", x.dtype, _ORDERED)
    if not x.shape:
        raise op_error(ShapeError, "top_k", "needs an array of at least 1 dimension, got a 0-d array",
                       "add an axis first, e.g. x[None]")
    if not 0 <= k <= x.shape[-1]:
        raise op_error(ShapeError, "top_k", f"k={k} must be between 0 and the size of the last axis of shape "
                       f"{x.shape}", f"use k <= {x.shape[-1]}")
    shape = x.shape[:-1] + (k,)
    return ArrayType(shape, x.dtype, x.weak), ArrayType(shape, D.int32)


sort_p = define("sort", _sort_rule, multiple_results=True)
top_k_p = define("top_k", _top_k_rule, multiple_results=True)


def sort(operands: Sequence | Array, dimension: int = -1, is_stable: bool = True, num_keys: int = 1):
    """Sort `operands` together along `dimension` by their first `num_keys` operands.

    Returns a tuple of the sorted operands (or one array when given one array).

    >>> import fluxion.numpy as fnp
    >>> keys, vals = sort([fnp.asarray([3, 1, 2]), fnp.asarray([30, 10, 20])])
    >>> vals.tolist()
    [10, 20, 30]
    """
    if isinstance(operands, Array):
        return sort((operands,), dimension, is_stable, num_keys)[0]
    operands = tuple(to_array(o) for o in operands)
    ndim = operands[0].ndim if operands else 0
    dim = normalize_axes("sort", operator.index(dimension), ndim)[0] if ndim else operator.index(dimension)
    return sort_p.bind(*operands, dimension=dim, is_stable=bool(is_stable), num_keys=operator.index(num_keys))


def top_k(x, k: int) -> tuple[Array, Array]:
    """The `k` largest elements of the last axis of `x`, largest first, and their int32 indices.

    >>> import fluxion.numpy as fnp
    >>> values, indices = top_k(fnp.asarray([1.0, 4.0, 2.0, 4.0]), 2)
    >>> values.tolist(), indices.tolist()
    ([4.0, 4.0], [1, 3])
    """
    return top_k_p.bind(to_array(x), k=operator.index(k))
