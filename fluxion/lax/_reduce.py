"""Reductions over axes, arg-reductions, running reductions, and `reduce` / `reduce_window`.

`reduce` and `reduce_window` take the combining function as a callable, as jax.lax does;
fluxion has one primitive per combiner, so the callable must be one that names a combiner
(`add`, `mul`, `max`, `min`, `bitwise_and`, `bitwise_or`, `bitwise_xor` of this module, or
`operator.add` / `operator.mul`), and the error for any other names the fix.
"""
from __future__ import annotations

import operator
from typing import Callable, Sequence

import numpy as np

from ..core.array import Array
from ..core.errors import UnsupportedError, op_error
from ..ops import conv as C
from ..ops import reduce as R
from . import _arithmetic as A
from . import _bits as B
from ._operands import ArrayLike, DTypeLike, as_array, named, operands as _arrays_of


def reduce_sum(operand: ArrayLike, axes: Sequence[int], *, out_sharding=None) -> Array:
    """The sum of `operand` over `axes` (0 over empty axes).

    >>> import fluxion.numpy as fnp
    >>> reduce_sum(fnp.asarray([[1, 2], [3, 4]]), (0,)).tolist()
    [4, 6]
    """
    return R.reduce_sum(as_array(operand), tuple(axes))


def _reducer(name: str, reduce, doc: str):
    """The function `name(operand, axes)` of jax.lax that reduces with `reduce`, with docstring `doc`."""
    def f(operand: ArrayLike, axes: Sequence[int]) -> Array:
        return reduce(as_array(operand), tuple(axes))
    return named(f, name, doc)


reduce_prod = _reducer("reduce_prod", R.reduce_prod, "The product of `operand` over `axes` (1 over empty axes).")
reduce_max = _reducer("reduce_max", R.reduce_max, "The maximum of `operand` over `axes` (NaN propagates).")
reduce_min = _reducer("reduce_min", R.reduce_min, "The minimum of `operand` over `axes` (NaN propagates).")
reduce_and = _reducer("reduce_and", R.reduce_and, "Logical (bool) or bitwise (integer) AND over `axes`.")
reduce_or = _reducer("reduce_or", R.reduce_or, "Logical (bool) or bitwise (integer) OR over `axes`.")
reduce_xor = _reducer("reduce_xor", R.reduce_xor, "Logical (bool) or bitwise (integer) XOR over `axes`.")


def argmax(operand: ArrayLike, axis: int, index_dtype: DTypeLike) -> Array:
    """The index (of `index_dtype`) of the largest element along `axis`; ties and NaNs give the first.

    >>> argmax([1.0, 3.0, 3.0], 0, "int32").item()
    1
    """
    return R.argmax(as_array(operand), axis, index_dtype)


def argmin(operand: ArrayLike, axis: int, index_dtype: DTypeLike) -> Array:
    """The index (of `index_dtype`) of the smallest element along `axis`; ties and NaNs give the first."""
    return R.argmin(as_array(operand), axis, index_dtype)


def cumsum(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """The running sum along `axis` (from the end when `reverse`).

    >>> cumsum([1, 2, 3], reverse=True).tolist()
    [6, 5, 3]
    """
    return R.cumsum(as_array(operand), axis, reverse)


def cumprod(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """The running product along `axis` (from the end when `reverse`)."""
    return R.cumprod(as_array(operand), axis, reverse)


def cummax(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """The running maximum along `axis` (from the end when `reverse`)."""
    return R.cummax(as_array(operand), axis, reverse)


def cummin(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """The running minimum along `axis` (from the end when `reverse`)."""
    return R.cummin(as_array(operand), axis, reverse)


def cumlogsumexp(operand: ArrayLike, axis: int = 0, reverse: bool = False) -> Array:
    """The running `log(sum(exp(x)))` along `axis`, without overflow."""
    return R.cumlogsumexp(as_array(operand), axis, reverse)


_REDUCERS = {A.add: R.reduce_sum, operator.add: R.reduce_sum, A.mul: R.reduce_prod, operator.mul: R.reduce_prod,
             A.max: R.reduce_max, A.min: R.reduce_min, B.bitwise_and: R.reduce_and, B.bitwise_or: R.reduce_or,
             B.bitwise_xor: R.reduce_xor}
_WINDOWED = {A.add: "sum", operator.add: "sum", A.max: "max", A.min: "min"}


def _combiner(op: str, table: dict, computation: Callable, known: str):
    try:
        return table[computation]
    except (KeyError, TypeError):
        raise op_error(UnsupportedError, op, f"computation {computation!r} is not a combiner fluxion knows",
                       f"pass {known} (and combine the results yourself for other functions)") from None


def reduce(operands: ArrayLike, init_values: ArrayLike, computation: Callable, dimensions: Sequence[int]) -> Array:
    """`operands` combined over `dimensions` by `computation`, starting from `init_values`.

    >>> import fluxion.numpy as fnp
    >>> from fluxion import lax
    >>> lax.reduce(fnp.asarray([[1, 2], [3, 4]]), 0, lax.add, (1,)).tolist()
    [3, 7]
    """
    x, init = _arrays_of(operands, init_values)
    combine = _combiner("reduce", _REDUCERS, computation,
                        "fluxion.lax.add, mul, max, min, bitwise_and, bitwise_or or bitwise_xor")
    return computation(init, combine(x, tuple(dimensions)))


def reduce_window(operand: ArrayLike, init_value: ArrayLike, computation: Callable, window_dimensions: Sequence[int],
                  window_strides: Sequence[int] | None = None, padding: str | Sequence[tuple[int, int]] = "VALID",
                  base_dilation: Sequence[int] | None = None,
                  window_dilation: Sequence[int] | None = None) -> Array:
    """`computation` (add, max or min) over each window of `operand`, padding and holes holding `init_value`.

    A sum takes `init_value` 0 (add a constant to the result for another start).

    >>> import fluxion.numpy as fnp
    >>> from fluxion import lax
    >>> lax.reduce_window(fnp.asarray([1.0, 3.0, 2.0, 5.0]), -fnp.inf, lax.max, (2,), (2,)).tolist()
    [3.0, 5.0]
    """
    x, init = _arrays_of(operand, init_value)
    name = _combiner("reduce_window", _WINDOWED, computation, "fluxion.lax.add, max or min")
    out = C.reduce_window(x, name, window_dimensions, window_strides, padding, base_dilation, window_dilation)
    if name == "sum":
        if not np.all(np.asarray(init) == 0):  # a traced init raises here, naming the fix
            raise op_error(UnsupportedError, "reduce_window", "a windowed sum needs init_value 0 (padding and holes "
                           "hold it, so a nonzero one changes each window by a different amount)",
                           "pass init_value=0 and pad the operand with lax.pad first for another padding value")
        return out
    return computation(init, out)  # padding holds `init` as well, so it counts once either way
