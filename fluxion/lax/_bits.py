"""Bitwise operations and comparisons, each binding one elementwise primitive."""
from __future__ import annotations

from ..core import dtypes as D
from ..core.array import Array
from ..ops import elementwise as E
from ._operands import ArrayLike, as_array, operands


def bitwise_and(x: ArrayLike, y: ArrayLike) -> Array:
    """Bitwise AND of integers, logical AND of booleans.

    >>> bitwise_and(12, 10).item()
    8
    """
    return E.and_p.bind(*operands(x, y))


def bitwise_or(x: ArrayLike, y: ArrayLike) -> Array:
    """Bitwise OR of integers, logical OR of booleans."""
    return E.or_p.bind(*operands(x, y))


def bitwise_xor(x: ArrayLike, y: ArrayLike) -> Array:
    """Bitwise XOR of integers, logical XOR of booleans."""
    return E.xor_p.bind(*operands(x, y))


def bitwise_not(x: ArrayLike) -> Array:
    """Bitwise NOT of integers, logical NOT of booleans."""
    return E.not_p.bind(as_array(x))


def shift_left(x: ArrayLike, y: ArrayLike) -> Array:
    """`x << y`; shifting by the bit width or more gives 0."""
    return E.shift_left_p.bind(*operands(x, y))


def shift_right_arithmetic(x: ArrayLike, y: ArrayLike) -> Array:
    """`x >> y` filling with the top bit (of unsigned integers too, as lax does).

    >>> import fluxion.numpy as fnp
    >>> shift_right_arithmetic(fnp.asarray(200, dtype=fnp.uint8), 1).item()
    228
    """
    return E.shift_right_arithmetic_p.bind(*operands(x, y))


def shift_right_logical(x: ArrayLike, y: ArrayLike) -> Array:
    """`x >> y` filling with zeros (as for unsigned integers).

    >>> import fluxion.numpy as fnp
    >>> shift_right_logical(fnp.asarray(-8, dtype=fnp.int8), 1).item()
    124
    """
    return E.shift_right_logical_p.bind(*operands(x, y))


def population_count(x: ArrayLike) -> Array:
    """The number of set bits of each integer, negative ones in two's complement.

    >>> import fluxion.numpy as fnp
    >>> population_count(fnp.asarray([-1, 5], dtype=fnp.int8)).tolist()
    [8, 2]
    """
    x = as_array(x)
    if x.dtype not in D.SIGNED:
        return E.population_count_p.bind(x)
    # the primitive counts the bits of |x| (as NumPy's bitwise_count); lax counts the stored bits
    bits = E.bitcast_convert_type_p.bind(x, new_dtype=D.UNSIGNED[D.SIGNED.index(x.dtype)])
    return E.convert_element_type_p.bind(E.population_count_p.bind(bits), new_dtype=x.dtype, weak=x.weak)


def clz(x: ArrayLike) -> Array:
    """The number of leading zero bits of each integer."""
    return E.clz_p.bind(as_array(x))


def eq(x: ArrayLike, y: ArrayLike) -> Array:
    """`x == y` elementwise."""
    return E.eq_p.bind(*operands(x, y))


def ne(x: ArrayLike, y: ArrayLike) -> Array:
    """`x != y` elementwise."""
    return E.ne_p.bind(*operands(x, y))


def lt(x: ArrayLike, y: ArrayLike) -> Array:
    """`x < y` elementwise."""
    return E.lt_p.bind(*operands(x, y))


def le(x: ArrayLike, y: ArrayLike) -> Array:
    """`x <= y` elementwise."""
    return E.le_p.bind(*operands(x, y))


def gt(x: ArrayLike, y: ArrayLike) -> Array:
    """`x > y` elementwise."""
    return E.gt_p.bind(*operands(x, y))


def ge(x: ArrayLike, y: ArrayLike) -> Array:
    """`x >= y` elementwise."""
    return E.ge_p.bind(*operands(x, y))
