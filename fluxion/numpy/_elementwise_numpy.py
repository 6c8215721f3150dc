"""NumPy's elementwise functions beyond the array API standard, on the elementwise primitives.

Their `out=` is None only: arrays are values, so there is nothing to write into.
"""
from __future__ import annotations

import math

import numpy as np

from ..core import dtypes as D
from ..core.array import Array
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ._convert import convert, dtype_of
from ._dtype_functions import finfo
from ._elementwise_base import copy as _copy
from ._elementwise_base import (ANY, FLOATING, INTEGER, REAL, REAL_ARITHMETIC, REAL_FLOATING, direct,
                                eager_array, full_like, in_float32, named, no_out, nonzero_divisor, operands, select,
                                unary)

__all__ = [
    "angle", "deg2rad", "degrees", "fabs", "float_power", "fmax", "fmin", "fmod", "frexp", "gcd", "heaviside", "i0",
    "iscomplex", "isneginf", "isposinf", "isreal", "lcm", "ldexp", "modf", "nan_to_num", "rad2deg", "radians", "sinc",
    "spacing",
]

fabs = unary("fabs", E.abs_p, REAL_FLOATING, "|x| for real numbers (integers become float32).",
             "fnp.fabs(fnp.asarray([-1, 2])).tolist()", "[1.0, 2.0]")


def _scale(name: str, factor: float, summary: str, call: str, result: str):
    def f(x, /, *, out=None) -> Array:
        if out is not None:
            no_out(name, out)
        (x,) = operands(name, REAL_FLOATING, x)
        return x * factor
    return named(f, name, summary, call, result)


deg2rad = radians = _scale("deg2rad", math.pi / 180, "Degrees to radians.",
                           "fnp.deg2rad(fnp.asarray([180.0])).tolist()", "[3.14159...]")
rad2deg = degrees = _scale("rad2deg", 180 / math.pi, "Radians to degrees.",
                           "fnp.rad2deg(fnp.asarray([3.141592653589793])).tolist()", "[180.0...]")


def fmod(x1, x2, /, *, out=None) -> Array:
    """The remainder of x1 / x2 with the sign of the dividend, as C's fmod; integer x % 0 is 0.

    >>> import fluxion.numpy as fnp
    >>> fnp.fmod(fnp.asarray([7, -7, 7]), fnp.asarray([3, 3, 0])).tolist()
    [1, -1, 0]
    """
    if out is not None:
        no_out("fmod", out)
    y = _fmodded(x1, x2, False)
    if y is not None:
        return y
    x1, x2 = operands("fmod", REAL_ARITHMETIC, x1, x2)
    if x1.dtype in D.FLOATING:
        return E.rem_p.bind(x1, x2)
    return nonzero_divisor(x1, x2, E.rem_p.bind)


# kept fast: NumPy's fmod is rem's kernel, and gives 0 for an integer x % 0
_KERNEL_REAL = D.INTEGER + (D.float16, D.float32, D.float64)
_fmodded = direct(None, _KERNEL_REAL, np.fmod)


def _nan_ignoring(name: str, prim, pick: str):
    fast = direct(None, _KERNEL_REAL, getattr(np, name))  # (NumPy's fmax / fmin: the same bits)

    def f(x1, x2, /, *, out=None) -> Array:
        if out is not None:
            no_out(name, out)
        y = fast(x1, x2, False)  # kept fast
        if y is not None:
            return y
        x1, x2 = operands(name, REAL, x1, x2)
        y = prim.bind(x1, x2)
        if x1.dtype not in D.FLOATING:
            return y
        return select(x2 != x2, x1, select(x1 != x1, x2, y))
    return named(f, name, f"The {pick} of x1 and x2, ignoring a NaN (NaN only if both are).",
                 f"fnp.{name}(fnp.asarray([1.0, float('nan')]), 0.5).tolist()",
                 f"[{1.0 if pick == 'larger' else 0.5}, 0.5]")


fmax = _nan_ignoring("fmax", E.max_p, "larger")
fmin = _nan_ignoring("fmin", E.min_p, "smaller")


def heaviside(x1, x2, /, *, out=None) -> Array:
    """The Heaviside step: 0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0, NaN where x1 is NaN.

    >>> import fluxion.numpy as fnp
    >>> fnp.heaviside(fnp.asarray([-1.0, 0.0, 2.0]), 0.5).tolist()
    [0.0, 0.5, 1.0]
    """
    if out is not None:
        no_out("heaviside", out)
    x1, x2 = operands("heaviside", REAL_FLOATING, x1, x2)
    return select(x1 != x1, x1, select(x1 < 0, 0, select(x1 > 0, 1, x2)))


def sinc(x, /) -> Array:
    """sin(pi x) / (pi x), and 1 at 0.

    >>> import fluxion.numpy as fnp
    >>> fnp.sinc(fnp.asarray([0.0, 1.0, 0.5])).tolist()
    [1.0, -2.78...e-08, 0.63661...]
    """
    return _sinc(*operands("sinc", FLOATING, x))


# sinc(x) = sum_k c_k (pi x)**(2k); to degree 8 this is exact to the last bit for |pi x| < 0.1
_SINC_TAYLOR = tuple((-1) ** k / math.factorial(2 * k + 1) for k in range(5))
_SINC_SMALL = 0.03
_SINC_HUGE = 2.0 ** 64  # (float32 integers, far below where pi x overflows)


@in_float32
def _sinc(x: Array) -> Array:
    # near 0, sin(y) / y is 0 / 0 and its derivatives lose their digits to cancellation (cos(y) / y
    # - sin(y) / y**2): there the Taylor polynomial, which is accurate and has sinc's derivatives.
    # It sees 0 in the other lanes, so that large x never overflows it.
    # where pi x overflows (|x| near the largest float), x is an integer and sin(pi x) is 0
    small, huge = E.abs_p.bind(x) < _SINC_SMALL, (E.abs_p.bind(x) > _SINC_HUGE) & E.is_finite_p.bind(x)
    y = select(small | huge, 1, x * math.pi)
    z = select(small, x, 0) * math.pi
    z = z * z
    taylor = _SINC_TAYLOR[-1]
    for c in _SINC_TAYLOR[-2::-1]:
        taylor = taylor * z + c
    return select(small, taylor, select(huge, 0, E.sin_p.bind(y) / y))


def angle(z, deg: bool = False) -> Array:
    """The argument of a complex number, in radians (or degrees); 0 or pi for real input.

    >>> import fluxion.numpy as fnp
    >>> fnp.angle(fnp.asarray([1j, -1.0]), deg=True).tolist()
    [90.0, 180.0]
    """
    (z,) = operands("angle", FLOATING, z)
    if z.dtype in D.COMPLEX:
        out = E.atan2_p.bind(E.imag_p.bind(z), E.real_p.bind(z))
    else:
        out = E.atan2_p.bind(convert(0, z.dtype), z)
    return out * (180 / math.pi) if deg else out


def float_power(x1, x2, /, *, out=None) -> Array:
    """x1 ** x2 computed in float64 (complex128 for complex input), as NumPy's float_power.

    >>> import fluxion.numpy as fnp
    >>> fnp.float_power(fnp.asarray([2]), -1).tolist()
    [0.5]
    """
    if out is not None:
        no_out("float_power", out)
    dt, _ = D.result_type(dtype_of(x1), dtype_of(x2))
    # each operand straight to float64, so that a Python float keeps its value (0.1 is not
    # float32's 0.1) and a Python int out of an integer array's range still converts
    dt = D.complex128 if dt in D.COMPLEX else D.float64
    return E.pow_p.bind(convert(x1, dt), convert(x2, dt))


_NAN_TO_NUM = frozenset((D.bool_, D.float16, D.float32, D.float64) + D.INTEGER + D.COMPLEX)
_NUMBERS = (type(None), float, int)


def nan_to_num(x, copy: bool = True, nan: float = 0.0, posinf: float | None = None,  # noqa: A002
               neginf: float | None = None) -> Array:
    """NaN replaced by `nan` and infinities by `posinf`/`neginf` (default: the dtype's extremes).

    Complex numbers are treated part by part; integers and booleans come back unchanged.
    `copy` is accepted for NumPy compatibility: fluxion arrays are values, the result is new.

    >>> import fluxion.numpy as fnp
    >>> fnp.nan_to_num(fnp.asarray([float('nan'), -float('inf'), 1.0]), neginf=-9.0).tolist()
    [0.0, -9.0, 1.0]
    """
    if (x.__class__ is Array and _ctx.interp is EAGER and not x._weak and x._value.dtype in _NAN_TO_NUM
            and nan.__class__ in _NUMBERS and posinf.__class__ in _NUMBERS and neginf.__class__ in _NUMBERS):
        with np.errstate(over="ignore"):  # kept fast: NumPy's own, which rounds a too large value to inf, as convert
            return eager_array(np.nan_to_num(x._value, True, nan, posinf, neginf), False)
    (x,) = operands("nan_to_num", ANY, x)
    if x.dtype in D.COMPLEX:
        parts = (E.real_p.bind(x), E.imag_p.bind(x))
        return E.complex_p.bind(*(nan_to_num(p, nan=nan, posinf=posinf, neginf=neginf) for p in parts))
    if x.dtype not in D.REAL_FLOATING:
        return _copy(x)
    info = finfo(x.dtype)
    nans, pos, neg = x != x, x == math.inf, x == -math.inf  # of x itself: a replacement may be NaN or inf
    x = select(nans, nan, x)
    x = select(pos, info.max if posinf is None else posinf, x)
    return select(neg, info.min if neginf is None else neginf, x)


def _infinity_test(name: str, value: float):
    def f(x, /, out=None) -> Array:
        if out is not None:
            no_out(name, out)
        (x,) = operands(name, REAL, x)
        return x == value if x.dtype in D.REAL_FLOATING else full_like(x, False, D.bool_)
    return named(f, name, f"Whether x is {value}; complex input is rejected, as in NumPy.",
                 f"fnp.{name}(fnp.asarray([float('{value}'), 1.0])).tolist()", "[True, False]")


isposinf = _infinity_test("isposinf", math.inf)
isneginf = _infinity_test("isneginf", -math.inf)


def isreal(x, /) -> Array:
    """Whether the imaginary part is zero (True everywhere for real dtypes).

    >>> import fluxion.numpy as fnp
    >>> fnp.isreal(fnp.asarray([1 + 0j, 1j])).tolist()
    [True, False]
    """
    (x,) = operands("isreal", ANY, x)
    return E.imag_p.bind(x) == 0 if x.dtype in D.COMPLEX else full_like(x, True, D.bool_)


def iscomplex(x, /) -> Array:
    """Whether the imaginary part is nonzero (False everywhere for real dtypes).

    >>> import fluxion.numpy as fnp
    >>> fnp.iscomplex(fnp.asarray([1 + 0j, 1j])).tolist()
    [False, True]
    """
    (x,) = operands("iscomplex", ANY, x)
    return E.imag_p.bind(x) != 0 if x.dtype in D.COMPLEX else full_like(x, False, D.bool_)


# integer number theory ----------------------------------------------------------------------
def _euclid_steps(bits: int) -> int:
    """An upper bound of the steps of Euclid's algorithm on `bits`-bit numbers (Lamé: numbers
    below the Fibonacci number F(k + 2) need at most k steps)."""
    a, b, k = 1, 2, 0
    while a <= 2 ** bits:
        a, b, k = b, a + b, k + 1
    return k


def _gcd(a: Array, b: Array) -> Array:
    # a fixed number of steps (enough for any input of the dtype) keeps this one program under
    # jit; the truncated remainder keeps the magnitudes of Euclid's sequence, so signs go at the end
    for _ in range(_euclid_steps(8 * a.dtype.itemsize)):
        nonzero = b != 0
        a, b = select(nonzero, b, a), E.rem_p.bind(a, select(nonzero, b, 1))
    return E.abs_p.bind(a)


# kept fast: NumPy's gcd and lcm give the same values (with the same wraps of INT_MIN)
_gcd_direct, _lcm_direct = direct(None, D.INTEGER, np.gcd), direct(None, D.INTEGER, np.lcm)


def gcd(x1, x2, /, *, out=None) -> Array:
    """The greatest common divisor of |x1| and |x2| (gcd(0, 0) is 0).

    >>> import fluxion.numpy as fnp
    >>> fnp.gcd(fnp.asarray([12, -20, 0]), 8).tolist()
    [4, 4, 8]
    """
    if out is not None:
        no_out("gcd", out)
    y = _gcd_direct(x1, x2, False)  # kept fast
    if y is not None:
        return y
    x1, x2 = operands("gcd", INTEGER, x1, x2)
    return _gcd(x1, x2)


def lcm(x1, x2, /, *, out=None) -> Array:
    """The least common multiple of |x1| and |x2| (0 if either is 0).

    >>> import fluxion.numpy as fnp
    >>> fnp.lcm(fnp.asarray([4, 6, 0]), 6).tolist()
    [12, 6, 0]
    """
    if out is not None:
        no_out("lcm", out)
    y = _lcm_direct(x1, x2, False)  # kept fast
    if y is not None:
        return y
    x1, x2 = operands("lcm", INTEGER, x1, x2)
    g = _gcd(x1, x2)
    return E.div_p.bind(E.abs_p.bind(x1), select(g == 0, 1, g)) * E.abs_p.bind(x2)


# exponents of two ---------------------------------------------------------------------------
def _exp2_exact(k: Array, dt) -> Array:
    """2.0 ** k for integer-valued k in the dtype's normal range, which pow gives exactly."""
    return E.pow_p.bind(convert(2, dt), convert(k, dt))


def ldexp(x1, x2, /, *, out=None) -> Array:
    """x1 * 2 ** x2 for integer x2, rounded once (no overflow or underflow in between).

    >>> import fluxion.numpy as fnp
    >>> fnp.ldexp(fnp.asarray([1.5, 1.0]), fnp.asarray([3, -149])).tolist()
    [12.0, 1.40129...e-45]
    """
    if out is not None:
        no_out("ldexp", out)
    if _eager_kernel(x1) and x2.__class__ is Array and x2.dtype in D.INTEGER:  # kept fast: NumPy's, as exact
        m = 3 * -finfo(x1.dtype).minexp  # (clamped as below, to the int32 that NumPy's kernel takes)
        return eager_array(np.ldexp(x1._value, np.clip(x2._value, -m, m).astype(np.int32)), x1._weak)
    (x,) = operands("ldexp", REAL_FLOATING, x1)
    (n,) = operands("ldexp", INTEGER, x2)
    return _ldexp(x, n)


def _eager_kernel(x) -> bool:
    """Whether `x` is an eager Array of a float dtype of NumPy's own kernels."""
    return x.__class__ is Array and _ctx.interp is EAGER and x.dtype in (D.float16, D.float32, D.float64)


def _ldexp(x: Array, n: Array) -> Array:
    # 2**k is exact for |k| <= m; beyond 3m every result is 0 or inf. The exponent goes in three
    # steps, the largest last: once a step lands below the normal range, a later step (of m)
    # sends the value to zero, as the exact result is, so only the last step can round.
    m = -finfo(x.dtype).minexp
    n = convert(_clamp(n, 3 * m), D.int32)
    big = _clamp(n, m)
    rest = n - big
    middle = _clamp(rest, m)
    for k in (rest - middle, middle, big):
        x = x * _exp2_exact(k, x.dtype)
    return x


def _clamp(n: Array, bound: int) -> Array:
    if D.is_unsigned(n.dtype):
        return E.min_p.bind(n, convert(min(bound, 2 ** (8 * n.dtype.itemsize) - 1), n.dtype))
    half = 2 ** (8 * n.dtype.itemsize - 1)  # (the dtype's range is [-half, half - 1])
    return E.max_p.bind(E.min_p.bind(n, convert(min(bound, half - 1), n.dtype)), convert(-min(bound, half), n.dtype))


def frexp(x, /, *, out=None) -> tuple[Array, Array]:
    """(mantissa, exponent) with x == mantissa * 2 ** exponent and 0.5 <= |mantissa| < 1.

    Zeros, infinities and NaN come back as the mantissa with exponent 0. The exponent is int32.

    >>> import fluxion.numpy as fnp
    >>> [a.tolist() for a in fnp.frexp(fnp.asarray([8.0, -0.75, 0.0]))]
    [[0.5, -0.75, 0.0], [4, 0, 0]]
    """
    if out is not None:
        no_out("frexp", out)
    if _eager_kernel(x):  # kept fast: NumPy's, the same values
        mantissa, exponent = np.frexp(x._value)
        return eager_array(mantissa, x._weak), eager_array(exponent.astype(np.int32, copy=False), False)
    (x,) = operands("frexp", REAL_FLOATING, x)
    regular = E.is_finite_p.bind(x) & (x != 0)
    magnitude = select(regular, E.abs_p.bind(x), 1)
    e = convert(E.floor_p.bind(E.log2_p.bind(magnitude)), D.int32) + 1
    m = _ldexp(magnitude, -e)  # in [0.5, 1) unless log2 rounded across a power of two
    e = select(m >= 1, e + 1, select(m < 0.5, e - 1, e))
    magnitude = _ldexp(magnitude, -e)
    # (compiled code may flush a subnormal x to 0 here, though not in `regular`: a zero then)
    regular = regular & (magnitude >= 0.5)
    return select(regular, E.copysign_p.bind(magnitude, x), x), select(regular, e, 0)



def modf(x, /, *, out=None) -> tuple[Array, Array]:
    """(fractional part, integral part) of x, both with the sign of x; infinities have fraction 0.

    >>> import fluxion.numpy as fnp
    >>> [a.tolist() for a in fnp.modf(fnp.asarray([2.5, -1.25, float("inf")]))]
    [[0.5, -0.25, 0.0], [2.0, -1.0, inf]]
    """
    if out is not None:
        no_out("modf", out)
    (x,) = operands("modf", REAL_FLOATING, x)
    whole = E.trunc_p.bind(x)
    fraction = select(E.is_finite_p.bind(x), x - whole, select(x != x, x, 0))
    return E.copysign_p.bind(fraction, x), whole


def spacing(x, /, *, out=None) -> Array:
    """The distance from x to the next representable number away from zero (negative for
    negative x; the smallest subnormal for 0 and -0; NaN for infinities and NaN).

    >>> import fluxion.numpy as fnp
    >>> fnp.spacing(fnp.asarray([1.0, -1.0])).tolist()
    [1.1920928955078125e-07, -1.1920928955078125e-07]
    """
    if out is not None:
        no_out("spacing", out)
    (x,) = operands("spacing", REAL_FLOATING, x)
    away = select(x < 0, -math.inf, full_like(x, math.inf))
    return E.stop_gradient_p.bind(E.nextafter_p.bind(x, away) - x)  # a step function: its derivative is 0


def i0(x, /) -> Array:
    """The modified Bessel function of the first kind of order 0, for real x.

    >>> import fluxion.numpy as fnp
    >>> fnp.round(fnp.i0(fnp.asarray([0.0, 1.0])), 4).tolist()
    [1.0, 1.2661]
    """
    from ..scipy._bessel_01 import _i0_d  # fluxion.scipy builds on this module: imported when called
    (x,) = operands("i0", REAL_FLOATING, x)
    return _i0_d(x)  # scipy.special.i0, with its derivatives (exact at 0 at every order)
