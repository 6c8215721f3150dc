"""Division, remainders and powers of the array API standard, with NumPy's names for them, and
their eager fast paths (which the operators `/`, `//`, `%` and `**` take too).

Integer division by zero gives 0, as NumPy; float floor division and remainder follow the
standard's special cases, computed exactly from the remainder. `out=` is None only: arrays are
values.
"""
from __future__ import annotations

import math

import numpy as np

from ..backends.numpy.elementwise import power as power_kernel
from ..core import dtypes as D
from ..core.array import Array
from ..core.errors import op_error
from ..core.interpreters import EAGER, _ctx
from ..core.primitive import numpy_kernel
from ..ops import elementwise as E
from ._convert import convert
from ._elementwise_base import (ARITHMETIC, FLOATING, NUMERIC, REAL_ARITHMETIC, direct, eager_array, in_float32,
                                no_out, nonzero_divisor, operands, plus_derivative, select)

__all__ = ["divide", "divmod", "floor_divide", "mod", "pow", "power", "reciprocal", "remainder", "true_divide"]


def divide(x1, x2, /, *, out=None) -> Array:
    """x1 / x2 (integers are divided as float32).

    >>> import fluxion.numpy as fnp
    >>> fnp.divide(fnp.asarray([1, 3]), 2).tolist()
    [0.5, 1.5]
    """
    if out is not None:
        no_out("divide", out)
    y = eager_divide(x1, x2, False)
    if y is not None:
        return y
    return E.div_p.bind(*operands("divide", FLOATING, x1, x2))


def _float_quotient(x, y) -> np.ndarray:
    """x / y of integers (or booleans) converted to the default float as the general path converts
    them: a Python int through the array's dtype first, so that one out of its range raises
    OverflowError (and goes the general way)."""
    dt = (x if x.__class__ is np.ndarray else y).dtype
    return np.true_divide(*(np.asarray(v, dt).astype(D.default_float) for v in (x, y)))


_float_divided, _int_divided = direct(E.div_p, D.FLOATING), direct(None, D.INTEGER + (D.bool_,), _float_quotient)


def eager_divide(x1, x2, reflect: bool) -> Array | None:
    """`x1 / x2` (`x2 / x1` if `reflect`) by NumPy for eager operands of one dtype (or with a Python
    scalar that keeps it), as `direct` takes them; None otherwise."""
    out = _float_divided(x1, x2, reflect)
    return out if out is not None else _int_divided(x1, x2, reflect)


def reciprocal(x, /, *, out=None) -> Array:
    """1 / x (integers are divided as float32).

    >>> import fluxion.numpy as fnp
    >>> fnp.reciprocal(fnp.asarray([2, 0])).tolist()
    [0.5, inf]
    """
    if out is not None:
        no_out("reciprocal", out)
    y = eager_divide(x, 1, True)  # kept fast
    if y is not None:
        return y
    (x,) = operands("reciprocal", FLOATING, x)
    return E.div_p.bind(convert(1, x.dtype, x.weak), x)


# division -----------------------------------------------------------------------------------
def _wrong_sign(r: Array, y: Array) -> Array:
    """Where a truncated remainder `r` is nonzero with a sign other than the divisor's."""
    return (r != 0) & ((r < 0) != (y < 0))


def _int_floor_divide(x: Array, y: Array) -> Array:
    q = E.div_p.bind(x, y)  # rounds toward zero
    if D.is_unsigned(x.dtype):
        return q
    return select(_wrong_sign(E.rem_p.bind(x, y), y), q - convert(1, q.dtype, q.weak), q)  # (a weak int32 stays one)


def _int_remainder(x: Array, y: Array) -> Array:
    r = E.rem_p.bind(x, y)  # has the dividend's sign
    if D.is_unsigned(x.dtype):
        return r
    return select(_wrong_sign(r, y), r + y, r)


@in_float32
def _float_floor_divide(x: Array, y: Array) -> Array:
    """Python's floor division (exact: from the remainder, not from the rounded quotient), with
    the standard's special cases: where y is 0 or an operand is not finite, x / y (its own floor).
    A step function: its derivative is 0 everywhere, also where it is x / y."""
    quotient = x / y
    mod = E.rem_p.bind(x, y)
    div = (x - mod) / y  # within rounding of an integer, since x - mod is a multiple of y
    div = select(_wrong_sign(mod, y), div - 1, div)
    # the floor has the sign of the quotient, also when it is zero
    out = E.copysign_p.bind(E.round_p.bind(div), quotient)
    regular = E.is_finite_p.bind(x) & E.is_finite_p.bind(y) & (y != 0)
    return E.stop_gradient_p.bind(select(regular, out, quotient))


@in_float32
def _float_remainder(x: Array, y: Array) -> Array:
    r = E.rem_p.bind(x, y)
    r = select(_wrong_sign(r, y), r + y, r)
    # a zero takes the divisor's sign but keeps r's derivative (1 in x, as on either side), and
    # r's weak type (a weak 0 takes y's)
    return select(r == 0, plus_derivative(E.copysign_p.bind(convert(0, x.dtype, True), y), r), r)


# eager fast paths: NumPy's integer floor division and remainder are the general path's, also
# where it divides by zero (0) and for INT_MIN // -1 (INT_MIN); its float ones are where checked
_DIVISIBLE = D.INTEGER + (D.float16, D.float32, D.float64)
_floor_divided, _remaindered = direct(None, _DIVISIBLE, np.floor_divide), direct(None, _DIVISIBLE, np.remainder)
# NumPy and the general path both divide x - fmod(x, y) by y, within 2 roundings of the integer
# trunc(x / y); NumPy snaps it by floor and a comparison with 0.5, the general path by round.
# Both give the exact floor where that is below 2**(nmant - 3) (the roundings then stay within
# 1/8): a quotient below these bounds (float16 is computed in float32 by both).
_EXACT_FLOOR = {D.float16: 2.0 ** 20, D.float32: 2.0 ** 20, D.float64: 2.0 ** 49}


def _below(q: np.ndarray, bound: float) -> bool:
    """Whether every |q| is below `bound` (False for NaN, which both reductions give). (Not by a sum
    of squares: BLAS's dot may wait on its threads for milliseconds where the cores are busy.)"""
    return (np.maximum.reduce(q, None, initial=-math.inf) < bound
            and np.minimum.reduce(q, None, initial=math.inf) > -bound)


def eager_floor_divide(x1, x2, reflect: bool) -> Array | None:
    """`x1 // x2` (`x2 // x1` if `reflect`) by NumPy, for eager operands as `direct` takes them;
    None where that may not be the general path's: for floats, a quotient that is not finite or
    is large (NumPy rounds differently near 2**nmant), and an infinite divisor (1.0 // -inf is
    -1.0 in NumPy, -0.0 by the standard)."""
    out = _floor_divided(x1, x2, reflect)
    if out is None or (q := out._value).dtype.kind != "f":
        return out
    y = x1 if reflect else x2  # the divisor; a Python scalar as the kernel took it
    finite = _below(y._value, math.inf) if y.__class__ is Array else math.isfinite(q.dtype.type(y))
    if finite and _below(q, _EXACT_FLOOR[q.dtype]):
        return out
    return None


def eager_remainder(x1, x2, reflect: bool) -> Array | None:
    """`x1 % x2` (`x2 % x1` if `reflect`) by NumPy, for eager operands as `direct` takes them; None
    where a float result has a NaN, whose sign NumPy may give otherwise."""
    out = _remaindered(x1, x2, reflect)
    if out is None or (r := out._value).dtype.kind != "f" or not np.isnan(r).any():
        return out
    return None


def floor_divide(x1, x2, /, *, out=None) -> Array:
    """x1 // x2: the quotient rounded toward -inf.

    Integer division by zero gives 0 (as NumPy). For floats, the special cases follow the
    standard: inf // 2.0 is inf and 1.0 // -inf is -0.0 (Python gives nan and -1.0).

    >>> import fluxion.numpy as fnp
    >>> fnp.floor_divide(fnp.asarray([7, -7, 7, 1]), fnp.asarray([2, 2, -2, 0])).tolist()
    [3, -4, -4, 0]
    """
    if out is not None:
        no_out("floor_divide", out)
    y = eager_floor_divide(x1, x2, False)
    if y is not None:
        return y
    x1, x2 = operands("floor_divide", REAL_ARITHMETIC, x1, x2)
    if x1.dtype in D.INTEGER:
        return nonzero_divisor(x1, x2, _int_floor_divide)
    return _float_floor_divide(x1, x2)


def remainder(x1, x2, /, *, out=None) -> Array:
    """x1 % x2, with the sign of the divisor (as Python and NumPy); integer x % 0 is 0.

    >>> import fluxion.numpy as fnp
    >>> fnp.remainder(fnp.asarray([7, -7, 7, 1]), fnp.asarray([3, 3, -3, 0])).tolist()
    [1, 2, -2, 0]
    """
    if out is not None:
        no_out("remainder", out)
    y = eager_remainder(x1, x2, False)
    if y is not None:
        return y
    x1, x2 = operands("remainder", REAL_ARITHMETIC, x1, x2)
    if x1.dtype in D.INTEGER:
        return nonzero_divisor(x1, x2, _int_remainder)
    return _float_remainder(x1, x2)


def divmod(x1, x2, /, *, out=None) -> tuple[Array, Array]:  # noqa: A001
    """(x1 // x2, x1 % x2).

    >>> import fluxion.numpy as fnp
    >>> [a.tolist() for a in fnp.divmod(fnp.asarray([7, -7]), 3)]
    [[2, -3], [1, 2]]
    """
    if out is not None:
        no_out("divmod", out)
    return floor_divide(x1, x2), remainder(x1, x2)


def pow(x1, x2, /, *, out=None) -> Array:  # noqa: A001
    """x1 ** x2.

    A Python int exponent is exact repeated multiplication (`x ** 2` is `x * x`); integer arrays
    raised to a negative Python int raise ValueError, as in NumPy. An integer array exponent with
    negative entries gives the truncated reciprocal, as XLA does: 1 for base 1, +-1 for base -1,
    and 0 for every other base (0 included).

    >>> import fluxion.numpy as fnp
    >>> fnp.pow(fnp.asarray([2, 3]), 2).tolist()
    [4, 9]
    >>> fnp.pow(fnp.asarray([2, -1, 1]), fnp.asarray([-1, -3, -2])).tolist()
    [0, -1, 1]
    """
    if out is not None:
        no_out("pow", out)
    y = eager_pow(x1, x2, False)
    if y is not None:
        return y
    if isinstance(x2, int) and not isinstance(x2, (bool, np.generic)) and not _is_bool(x1):  # (booleans promote)
        (x,) = operands("pow", NUMERIC, x1)
        if x2 < 0 and x.dtype in D.INTEGER:
            raise op_error(ValueError, "pow",
                           f"integers to negative integer powers are not allowed ({x.dtype} ** {x2})",
                           "convert the base to a float first, e.g. x.astype(float) ** -1")
        # beyond these, the exponent is promoted like any weak scalar (too large for integers)
        if x2 <= (np.iinfo(x.dtype).max if x.dtype in D.INTEGER else 2**31 - 1) and x2 >= -2**31:
            return E.integer_pow_p.bind(x, y=x2)
    return E.pow_p.bind(*operands("pow", ARITHMETIC, x1, x2))


def _is_bool(x) -> bool:
    return x.__class__ is bool or getattr(x, "dtype", None) == D.bool_


_pow_direct = direct(E.pow_p, D.FLOATING, kernel=power_kernel)
_integer_pow, _mul = numpy_kernel[E.integer_pow_p], numpy_kernel[E.mul_p]
_FLOATS, _REAL = frozenset(D.FLOATING), frozenset(D.REAL_FLOATING)


def eager_pow(x1, x2, reflect: bool) -> Array | None:
    """`x1 ** x2` (`x2 ** x1` if `reflect`) by the kernels, for eager float operands as `direct`
    takes them and for an eager float base with a Python int exponent (integer_pow's kernel, as
    the general path binds it); None otherwise."""
    if (x2.__class__ is int and not reflect and x1.__class__ is Array and _ctx.interp is EAGER
            and (v := x1._value).dtype in _FLOATS and -2**31 <= x2 < 2**31):
        # (x ** 2 of a real float is its one product, which NumPy's multiply rounds once as the kernel)
        return eager_array(_mul(v, v) if x2 == 2 and v.dtype in _REAL else _integer_pow(v, y=x2), x1._weak)
    return _pow_direct(x1, x2, reflect)


mod = remainder
power = pow
true_divide = divide
