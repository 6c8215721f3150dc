"""Arithmetic and elementary functions, each binding one elementwise primitive.

Operands of a binary function share a dtype (Python scalars adapt, see `_operands`); shapes
broadcast as in NumPy, which accepts every pair of shapes that jax.lax accepts.
"""
from __future__ import annotations

import enum

from ..core import dtypes as D
from ..core.array import Array, scalar_value
from ..ops import elementwise as E
from ._operands import ArrayLike, as_array, operands


def add(x: ArrayLike, y: ArrayLike) -> Array:
    """`x + y` elementwise.

    >>> add(1.5, 2.0).item()
    3.5
    """
    return E.add_p.bind(*operands(x, y))


def sub(x: ArrayLike, y: ArrayLike) -> Array:
    """`x - y` elementwise."""
    return E.sub_p.bind(*operands(x, y))


def mul(x: ArrayLike, y: ArrayLike) -> Array:
    """`x * y` elementwise."""
    return E.mul_p.bind(*operands(x, y))


def div(x: ArrayLike, y: ArrayLike) -> Array:
    """`x / y` elementwise; integer division rounds toward zero (as C does).

    >>> import fluxion.numpy as fnp
    >>> div(fnp.asarray([7, -7]), 2).tolist()
    [3, -3]
    """
    return E.div_p.bind(*operands(x, y))


def rem(x: ArrayLike, y: ArrayLike) -> Array:
    """The remainder of `div(x, y)`, with the sign of `x` (C's `fmod`).

    >>> import fluxion.numpy as fnp
    >>> rem(fnp.asarray([7, -7]), 2).tolist()
    [1, -1]
    """
    return E.rem_p.bind(*operands(x, y))


def pow(x: ArrayLike, y: ArrayLike) -> Array:  # noqa: A001
    """`x ** y` elementwise; an integer `y` may raise a floating-point `x`."""
    x, y = as_array(x), as_array(y)
    if x.dtype in D.FLOATING and (y.dtype in D.INTEGER or y.weak):
        y = E.convert_element_type_p.bind(y, new_dtype=x.dtype, weak=False)
    return E.pow_p.bind(*operands(x, y))


def integer_pow(x: ArrayLike, y: int) -> Array:
    """`x ** y` for a static Python int `y` (by repeated multiplication).

    >>> integer_pow(3.0, 2).item()
    9.0
    """
    return E.integer_pow_p.bind(as_array(x), y=int(y))


def max(x: ArrayLike, y: ArrayLike) -> Array:  # noqa: A001
    """The larger of `x` and `y` elementwise (NaN propagates)."""
    return E.max_p.bind(*operands(x, y))


def min(x: ArrayLike, y: ArrayLike) -> Array:  # noqa: A001
    """The smaller of `x` and `y` elementwise (NaN propagates)."""
    return E.min_p.bind(*operands(x, y))


def clamp(min: ArrayLike, x: ArrayLike, max: ArrayLike) -> Array:  # noqa: A002
    """`x` limited to `[min, max]` elementwise (lax's argument order: bounds around `x`).

    >>> import fluxion.numpy as fnp
    >>> clamp(0.0, fnp.asarray([-1.0, 0.5, 2.0]), 1.0).tolist()
    [0.0, 0.5, 1.0]
    """
    lo, x, hi = operands(min, x, max)
    return E.min_p.bind(E.max_p.bind(x, lo), hi)


def nextafter(x1: ArrayLike, x2: ArrayLike) -> Array:
    """The next representable value after `x1` in the direction of `x2`."""
    return E.nextafter_p.bind(*operands(x1, x2))


def atan2(x: ArrayLike, y: ArrayLike) -> Array:
    """The angle of the point `(y, x)`: `atan(x / y)` in the right quadrant."""
    return E.atan2_p.bind(*operands(x, y))


def complex(x: ArrayLike, y: ArrayLike) -> Array:  # noqa: A001
    """`x + 1j * y` from real arrays of one dtype."""
    return E.complex_p.bind(*operands(x, y))


def neg(x: ArrayLike) -> Array:
    """`-x` elementwise."""
    return E.neg_p.bind(as_array(x))


def sign(x: ArrayLike) -> Array:
    """-1, 0 or 1 by the sign of `x` (`x / |x|` for complex)."""
    return E.sign_p.bind(as_array(x))


def abs(x: ArrayLike) -> Array:  # noqa: A001
    """`|x|` elementwise (real for complex `x`)."""
    return E.abs_p.bind(as_array(x))


def square(x: ArrayLike) -> Array:
    """`x * x` elementwise."""
    return E.square_p.bind(as_array(x))


def reciprocal(x: ArrayLike) -> Array:
    """`1 / x` elementwise (`integer_pow(x, -1)`)."""
    return integer_pow(x, -1)


def exp(x: ArrayLike) -> Array:
    """`e ** x` elementwise."""
    return E.exp_p.bind(as_array(x))


def exp2(x: ArrayLike) -> Array:
    """`2 ** x` elementwise."""
    return E.exp2_p.bind(as_array(x))


def log(x: ArrayLike) -> Array:
    """The natural logarithm elementwise."""
    return E.log_p.bind(as_array(x))


def log1p(x: ArrayLike) -> Array:
    """`log(1 + x)`, accurate for small `x`."""
    return E.log1p_p.bind(as_array(x))


def expm1(x: ArrayLike) -> Array:
    """`exp(x) - 1`, accurate for small `x`."""
    return E.expm1_p.bind(as_array(x))


def sqrt(x: ArrayLike) -> Array:
    """The square root elementwise."""
    return E.sqrt_p.bind(as_array(x))


def rsqrt(x: ArrayLike) -> Array:
    """`1 / sqrt(x)` elementwise."""
    return E.rsqrt_p.bind(as_array(x))


def cbrt(x: ArrayLike) -> Array:
    """The real cube root elementwise."""
    return E.cbrt_p.bind(as_array(x))


def sin(x: ArrayLike) -> Array:
    """The sine elementwise."""
    return E.sin_p.bind(as_array(x))


def cos(x: ArrayLike) -> Array:
    """The cosine elementwise."""
    return E.cos_p.bind(as_array(x))


def tan(x: ArrayLike) -> Array:
    """The tangent elementwise."""
    return E.tan_p.bind(as_array(x))


def asin(x: ArrayLike) -> Array:
    """The inverse sine elementwise."""
    return E.asin_p.bind(as_array(x))


def acos(x: ArrayLike) -> Array:
    """The inverse cosine elementwise."""
    return E.acos_p.bind(as_array(x))


def atan(x: ArrayLike) -> Array:
    """The inverse tangent elementwise."""
    return E.atan_p.bind(as_array(x))


def sinh(x: ArrayLike) -> Array:
    """The hyperbolic sine elementwise."""
    return E.sinh_p.bind(as_array(x))


def cosh(x: ArrayLike) -> Array:
    """The hyperbolic cosine elementwise."""
    return E.cosh_p.bind(as_array(x))


def tanh(x: ArrayLike) -> Array:
    """The hyperbolic tangent elementwise."""
    return E.tanh_p.bind(as_array(x))


def asinh(x: ArrayLike) -> Array:
    """The inverse hyperbolic sine elementwise."""
    return E.asinh_p.bind(as_array(x))


def acosh(x: ArrayLike) -> Array:
    """The inverse hyperbolic cosine elementwise."""
    return E.acosh_p.bind(as_array(x))


def atanh(x: ArrayLike) -> Array:
    """The inverse hyperbolic tangent elementwise."""
    return E.atanh_p.bind(as_array(x))


def logistic(x: ArrayLike) -> Array:
    """The logistic sigmoid `1 / (1 + exp(-x))` elementwise."""
    return E.logistic_p.bind(as_array(x))


def floor(x: ArrayLike) -> Array:
    """The largest integer-valued float not above `x`."""
    return E.floor_p.bind(as_array(x))


def ceil(x: ArrayLike) -> Array:
    """The smallest integer-valued float not below `x`."""
    return E.ceil_p.bind(as_array(x))


class RoundingMethod(enum.IntEnum):
    """How `round` breaks ties: away from zero (lax's default) or to the even neighbour."""
    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def round(x: ArrayLike, rounding_method: RoundingMethod | int = RoundingMethod.AWAY_FROM_ZERO) -> Array:  # noqa: A001
    """`x` rounded to an integer-valued float; halves go away from zero unless told otherwise.

    >>> import fluxion.numpy as fnp
    >>> round(fnp.asarray([0.5, 1.5, -2.5])).tolist()
    [1.0, 2.0, -3.0]
    >>> round(fnp.asarray([0.5, 1.5, -2.5]), RoundingMethod.TO_NEAREST_EVEN).tolist()
    [0.0, 2.0, -2.0]
    """
    x = as_array(x)
    if RoundingMethod(rounding_method) is RoundingMethod.TO_NEAREST_EVEN:
        return E.round_p.bind(x)
    t = E.trunc_p.bind(x)  # x - t is exact, so the tie test is too
    half = E.ge_p.bind(E.abs_p.bind(E.sub_p.bind(x, t)), _constant(0.5, x))
    return E.select_n_p.bind(half, t, E.add_p.bind(t, E.sign_p.bind(x)))


def _constant(value, like: Array) -> Array:
    """A weak 0-d constant of `like`'s dtype."""
    return Array(scalar_value(value, like.dtype), True)


def is_finite(x: ArrayLike) -> Array:
    """Whether each element is neither infinite nor NaN."""
    return E.is_finite_p.bind(as_array(x))


def real(x: ArrayLike) -> Array:
    """The real part elementwise."""
    return E.real_p.bind(as_array(x))


def imag(x: ArrayLike) -> Array:
    """The imaginary part elementwise."""
    return E.imag_p.bind(as_array(x))


def conj(x: ArrayLike) -> Array:
    """The complex conjugate elementwise; a real `x` gives a complex result, as in lax."""
    x = as_array(x)
    if x.dtype in D.REAL_FLOATING:
        x = E.convert_element_type_p.bind(x, new_dtype=D.complex_dtype(x.dtype), weak=x.weak)
    return E.conj_p.bind(x)
