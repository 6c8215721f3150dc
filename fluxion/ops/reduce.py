"""Reduction primitives: reductions over axes, arg-reductions and cumulative reductions.

Semantics are XLA's: a reduction over an empty axis gives the operation's identity (0 for a
sum, 1 for a product, the lowest value of the dtype for a maximum), sums of integers wrap,
maxima and minima propagate NaN. Parameters are static and canonical: `axes` is an increasing
tuple of non-negative ints and `axis` a non-negative int; the ops-level functions below
normalise negative axes and skip reductions over no axes.
"""
from __future__ import annotations

import operator

import numpy as np

from ..core import dtypes as D
from ..core.array import Array, distinct, to_array
from ..core.errors import AxisError, ConcretizationError, ShapeError, op_error
from ..core.types import ArrayType
from ._util import check_dtype, define, one_int

__all__ = ["argmax", "argmin", "cumlogsumexp", "cummax", "cummin", "cumprod", "cumsum", "highest", "lowest",
           "normalize_axes", "reduce_and", "reduce_max", "reduce_min", "reduce_or", "reduce_prod", "reduce_sum",
           "reduce_xor"]

_NUM = D.NUMERIC
_ORDERED = (D.bool_,) + D.INTEGER + D.REAL_FLOATING
_BITS = (D.bool_,) + D.INTEGER


# axes: user-facing normalisation and the canonical form the rules check -----------------
def normalize_axes(op: str, axis, ndim: int) -> tuple[int, ...]:
    """`axis` (None for all, an int or a sequence, possibly negative) as increasing non-negative ints.

    >>> normalize_axes("sum", (-1, 0), 3)
    (0, 2)
    """
    if axis is None:
        return tuple(range(ndim))
    if axis.__class__ is int:  # the common case, kept fast
        return (axis + ndim if -ndim <= axis < 0 else axis,) if -ndim <= axis < ndim else _out_of_range(op, axis, ndim)
    try:
        items = [operator.index(a) for a in ((axis,) if one_int(axis) else axis)]
    except ConcretizationError:  # (a traced axis: its own message says to make it static)
        raise
    except TypeError:
        raise op_error(TypeError, op, f"axis must be None, an int or a tuple of ints, got {axis!r}",
                       "pass axis as a Python int or a tuple of ints") from None
    out = sorted(a + ndim if -ndim <= a < 0 else a if 0 <= a < ndim else _out_of_range(op, a, ndim) for a in items)
    if len(set(out)) != len(out):
        raise op_error(ShapeError, op, f"axis {axis} repeats an axis", "name each axis once")
    return tuple(out)


def _out_of_range(op: str, axis: int, ndim: int):
    fix = f"use an axis in [{-ndim}, {ndim - 1}]" if ndim else "a 0-d array has no axes; pass axis=None"
    raise op_error(AxisError, op, f"axis {axis} is out of range for an array of {ndim} dimensions", fix)


def _check_canonical(op: str, axes: tuple, ndim: int) -> None:
    if any(not 0 <= a < ndim for a in axes) or any(a >= b for a, b in zip(axes, axes[1:])):
        raise op_error(ShapeError, op, f"axes {axes} must be increasing axes in [0, {ndim}) of a {ndim}-d operand",
                       f"call fluxion.ops.reduce.{op}, which normalises axes")


def lowest(dt: np.dtype) -> np.ndarray:
    """The identity of a maximum as a 0-d array of `dt`: -inf, the smallest integer, or False."""
    if dt in D.REAL_FLOATING:
        return np.array(-np.inf, dt)
    return np.array(np.iinfo(dt).min if dt in D.INTEGER else False, dt)


def highest(dt: np.dtype) -> np.ndarray:
    """The identity of a minimum as a 0-d array of `dt`: inf, the largest integer, or True."""
    if dt in D.REAL_FLOATING:
        return np.array(np.inf, dt)
    return np.array(np.iinfo(dt).max if dt in D.INTEGER else True, dt)


# rules ------------------------------------------------------------------------------------
def _reduction(name: str, allowed: tuple):
    def rule(x: ArrayType, *, axes: tuple) -> ArrayType:
        check_dtype(name, x.dtype, allowed)
        _check_canonical(name, axes, x.ndim)
        return ArrayType(tuple(d for i, d in enumerate(x.shape) if i not in axes), x.dtype, x.weak)
    return define(name, rule)


def _arg_reduction(name: str):
    def rule(x: ArrayType, *, axis: int, index_dtype: np.dtype) -> ArrayType:
        check_dtype(name, x.dtype, _ORDERED)
        check_dtype(name, index_dtype, D.INTEGER)
        _check_canonical(name, (axis,), x.ndim)
        if x.shape[axis] == 0:
            raise op_error(ShapeError, name, f"axis {axis} of shape {x.shape} is empty, so it has no {name[3:]}imum",
                           "reduce over a non-empty axis")
        return ArrayType(x.shape[:axis] + x.shape[axis + 1:], index_dtype, False)
    return define(name, rule)


def _cumulative(name: str, allowed: tuple):
    def rule(x: ArrayType, *, axis: int, reverse: bool) -> ArrayType:
        check_dtype(name, x.dtype, allowed)
        _check_canonical(name, (axis,), x.ndim)
        return x
    return define(name, rule)


reduce_sum_p = _reduction("reduce_sum", _NUM)
reduce_prod_p = _reduction("reduce_prod", _NUM)
reduce_max_p = _reduction("reduce_max", _ORDERED)
reduce_min_p = _reduction("reduce_min", _ORDERED)
reduce_and_p = _reduction("reduce_and", _BITS)
reduce_or_p = _reduction("reduce_or", _BITS)
reduce_xor_p = _reduction("reduce_xor", _BITS)
argmax_p = _arg_reduction("argmax")
argmin_p = _arg_reduction("argmin")
cumsum_p = _cumulative("cumsum", _NUM)
cumprod_p = _cumulative("cumprod", _NUM)
cummax_p = _cumulative("cummax", _ORDERED)
cummin_p = _cumulative("cummin", _ORDERED)
cumlogsumexp_p = _cumulative("cumlogsumexp", D.REAL_FLOATING)


# ops-level functions ------------------------------------------------------------------------
def _reducer(prim, doc: str):
    name = prim.name

    def reduce(x, axes) -> Array:
        x = to_array(x)
        axes = normalize_axes(name, axes, x.ndim)
        if not axes:
            return distinct(x)
        return prim.bind(x, axes=axes)
    reduce.__name__ = reduce.__qualname__ = name
    reduce.__doc__ = doc
    return reduce


reduce_sum = _reducer(reduce_sum_p, """Sum of `x` over `axes` (0 over empty axes; integers wrap).

    >>> import fluxion.numpy as fnp
    >>> reduce_sum(fnp.asarray([[1, 2], [3, 4]]), (1,)).tolist()
    [3, 7]
    """)
reduce_prod = _reducer(reduce_prod_p, """Product of `x` over `axes` (1 over empty axes).

    >>> import fluxion.numpy as fnp
    >>> reduce_prod(fnp.asarray([[1, 2], [3, 4]]), (0,)).tolist()
    [3, 8]
    """)
reduce_max = _reducer(reduce_max_p, """Maximum of `x` over `axes` (NaN propagates; the dtype's lowest over empty axes).

    >>> import fluxion.numpy as fnp
    >>> reduce_max(fnp.asarray([1.0, 3.0, 2.0]), (0,)).item()
    3.0
    """)
reduce_min = _reducer(reduce_min_p, """Minimum of `x` over `axes` (NaN propagates; the dtype's highest over empty axes).

    >>> import fluxion.numpy as fnp
    >>> reduce_min(fnp.asarray([1.0, 3.0, 2.0]), (0,)).item()
    1.0
    """)
reduce_and = _reducer(reduce_and_p, """Logical (bool) or bitwise (integers) AND of `x` over `axes`.

    >>> import fluxion.numpy as fnp
    >>> reduce_and(fnp.asarray([True, False]), (0,)).item()
    False
    """)
reduce_or = _reducer(reduce_or_p, """Logical (bool) or bitwise (integers) OR of `x` over `axes`.

    >>> import fluxion.numpy as fnp
    >>> reduce_or(fnp.asarray([1, 4]), (0,)).item()
    5
    """)
reduce_xor = _reducer(reduce_xor_p, """Logical (bool) or bitwise (integers) XOR of `x` over `axes`.

    >>> import fluxion.numpy as fnp
    >>> reduce_xor(fnp.asarray([True, True, True]), (0,)).item()
    True
    """)


def _arg_reducer(prim, doc: str):
    name = prim.name

    def arg_reduce(x, axis: int, index_dtype=D.int64) -> Array:
        x = to_array(x)
        (axis,) = normalize_axes(name, operator.index(axis), x.ndim)
        return prim.bind(x, axis=axis, index_dtype=D.canonicalize(index_dtype))
    arg_reduce.__name__ = arg_reduce.__qualname__ = name
    arg_reduce.__doc__ = doc
    return arg_reduce


argmax = _arg_reducer(argmax_p, """Index of the largest element along `axis` (the first NaN wins; ties give the first).

    >>> import fluxion.numpy as fnp
    >>> argmax(fnp.asarray([1.0, 3.0, 3.0]), 0, fnp.int32).item()
    1
    """)
argmin = _arg_reducer(argmin_p, """Index of the smallest element along `axis` (the first NaN wins; ties give the first).

    >>> import fluxion.numpy as fnp
    >>> argmin(fnp.asarray([2.0, 1.0, 1.0]), 0, fnp.int32).item()
    1
    """)


def _accumulator(prim, doc: str):
    name = prim.name

    def accumulate(x, axis: int = 0, reverse: bool = False) -> Array:
        x = to_array(x)
        (axis,) = normalize_axes(name, operator.index(axis), x.ndim)
        return prim.bind(x, axis=axis, reverse=bool(reverse))
    accumulate.__name__ = accumulate.__qualname__ = name
    accumulate.__doc__ = doc
    return accumulate


cumsum = _accumulator(cumsum_p, """Running sum along `axis` (from the end when `reverse`).

    >>> import fluxion.numpy as fnp
    >>> cumsum(fnp.asarray([1, 2, 3]), 0, reverse=True).tolist()
    [6, 5, 3]
    """)
cumprod = _accumulator(cumprod_p, """Running product along `axis` (from the end when `reverse`).

    >>> import fluxion.numpy as fnp
    >>> cumprod(fnp.asarray([1, 2, 3]), 0).tolist()
    [1, 2, 6]
    """)
cummax = _accumulator(cummax_p, """Running maximum along `axis` (NaN propagates).

    >>> import fluxion.numpy as fnp
    >>> cummax(fnp.asarray([1, 3, 2]), 0).tolist()
    [1, 3, 3]
    """)
cummin = _accumulator(cummin_p, """Running minimum along `axis` (NaN propagates).

    >>> import fluxion.numpy as fnp
    >>> cummin(fnp.asarray([3, 1, 2]), 0).tolist()
    [3, 1, 1]
    """)
cumlogsumexp = _accumulator(cumlogsumexp_p, """Running log(sum(exp(x))) along `axis`, without overflow.

    >>> import fluxion.numpy as fnp
    >>> [round(v, 4) for v in cumlogsumexp(fnp.asarray([0.0, 0.0]), 0).tolist()]
    [0.0, 0.6931]
    """)
