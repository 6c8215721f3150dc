"""Bitwise operations and comparisons, each binding one elementwise primitive."""
from __future__ import annotations

from ..core import dtypes as D
from ..core.array import Array
from ..ops import elementwise as E
from ._operands import ArrayLike, as_array, binary, operands, unary


def bitwise_and(x: ArrayLike, y: ArrayLike) -> Array:
    """Bitwise AND of integers, logical AND of booleans.

    >>> bitwise_and(12, 10).item()
    8
    """
    return E.and_p.bind(*operands(x, y))


bitwise_or = binary("bitwise_or", E.or_p, "Bitwise OR of integers, logical OR of booleans.")
bitwise_xor = binary("bitwise_xor", E.xor_p, "Bitwise XOR of integers, logical XOR of booleans.")
bitwise_not = unary("bitwise_not", E.not_p, "Bitwise NOT of integers, logical NOT of booleans.")
shift_left = binary("shift_left", E.shift_left_p, "`x << y`; shifting by the bit width or more gives 0.")


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


clz = unary("clz", E.clz_p, "The number of leading zero bits of each integer.")
eq = binary("eq", E.eq_p, "`x == y` elementwise.")
ne = binary("ne", E.ne_p, "`x != y` elementwise.")
lt = binary("lt", E.lt_p, "`x < y` elementwise.")
le = binary("le", E.le_p, "`x <= y` elementwise.")
gt = binary("gt", E.gt_p, "`x > y` elementwise.")
ge = binary("ge", E.ge_p, "`x >= y` elementwise.")
