"""Elementwise functions of the array API standard (2025.12), with NumPy's names for them.

Each function promotes its operands (Python scalars are weak), checks that the promoted dtype
is one the standard allows, and binds elementwise primitives. Booleans are rejected where the
standard asks for numbers; integer and boolean input to a floating-point function becomes
float32, as in JAX. Division, remainders and powers live in `_division`, `clip` in `_clip`,
NumPy's further elementwise functions in `_elementwise_numpy`. NumPy's `out=` and `where=` are
taken as None only: arrays are values (`refuse_out_where` says what to write instead).
"""
from __future__ import annotations

import math
import operator

import numpy as np

from ..core import dtypes as D
from ..core.array import Array, Tracer
from ..core.errors import op_error
from ..core.interpreters import EAGER, _ctx
from ..ops import elementwise as E
from ..transforms.autodiff.custom import custom_jvp
from . import _clip, _division, _elementwise_numpy
from ._convert import convert, promote
from ._elementwise_base import (ANY, ARITHMETIC, FLOATING, INTEGER, INTEGRAL, NUMERIC, REAL, REAL_FLOATING, binary,
                                copy, direct, eager_array, eager_unary, full_like, in_float32, named, no_out, operands,
                                refuse_out_where, select, two_operand, unary)
from ._clip import *  # noqa: F401,F403
from ._division import *  # noqa: F401,F403
from ._division import floor_divide
from ._elementwise_numpy import *  # noqa: F401,F403

__all__ = [
    "abs", "absolute", "acos", "acosh", "add", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "around", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and", "bitwise_count",
    "bitwise_invert", "bitwise_left_shift", "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
    "cbrt", "ceil", "conj", "conjugate", "copysign", "cos", "cosh", "equal", "exp", "exp2", "expm1", "fix",
    "floor", "greater", "greater_equal", "hypot", "imag", "invert", "isfinite", "isinf", "isnan", "left_shift",
    "less", "less_equal", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2", "logical_and", "logical_not",
    "logical_or", "logical_xor", "maximum", "minimum", "multiply", "negative", "nextafter", "not_equal", "positive",
    "real", "right_shift", "rint", "round", "sign", "signbit", "sin", "sinh", "sqrt", "square", "subtract", "tan",
    "tanh", "trunc",
] + _clip.__all__ + _division.__all__ + _elementwise_numpy.__all__

_V = "fnp.asarray([-1.5, 0.5, 2.0])"  # the example input of most real-valued functions

# functions that bind one primitive: name, primitive, operand kind, summary, example ---------
add = binary("add", E.add_p, NUMERIC, "x1 + x2 (of booleans: x1 or x2).", "fnp.add(fnp.asarray([1, 2]), 3).tolist()",
             "[4, 5]", logical=E.or_p)
subtract = binary("subtract", E.sub_p, NUMERIC, "x1 - x2.", "fnp.subtract(fnp.asarray([1, 2]), 3).tolist()", "[-2, -1]")
_multiply = binary("multiply", E.mul_p, NUMERIC, "x1 * x2 (of booleans: x1 and x2).",
                   "fnp.multiply(fnp.asarray([1, 2]), 3).tolist()", "[3, 6]", logical=E.and_p)


def multiply(x1, x2, /, *, out=None, where=None) -> Array:
    if out is not None or where is not None:
        refuse_out_where("multiply", out, where)
    # `x * x` of a traced real value is its square: one operand, so reverse mode makes one
    # product (2 x ct), not one per operand and their sum
    if x1 is x2 and isinstance(x1, Tracer) and (x1.dtype in D.REAL_FLOATING or x1.dtype in D.INTEGER):
        return square(x1)
    return _multiply(x1, x2)


multiply.__doc__, multiply.__name__, multiply.__qualname__ = _multiply.__doc__, "multiply", "multiply"


negative = unary("negative", E.neg_p, NUMERIC, "-x.", f"fnp.negative({_V}).tolist()", "[1.5, -0.5, -2.0]")
square = unary("square", E.square_p, ARITHMETIC, "x * x.", f"fnp.square({_V}).tolist()", "[2.25, 0.25, 4.0]")
_abs = unary("abs", E.abs_p, NUMERIC, "|x|.", f"fnp.abs({_V}).tolist()", "[1.5, 0.5, 2.0]")


def abs(x, /, *, out=None, where=None) -> Array:  # noqa: A001
    """|x|; for complex x the magnitude, of the matching real dtype; booleans come back unchanged
    (as in NumPy and jax).

    >>> import fluxion.numpy as fnp
    >>> fnp.abs(fnp.asarray([-1.5, 0.5, 2.0])).tolist()
    [1.5, 0.5, 2.0]
    """
    if x.__class__ is bool or getattr(x, "dtype", None) == D.bool_:
        refuse_out_where("abs", out, where)
        return copy(*operands("abs", ANY, x))
    return _abs(x, out=out, where=where)
exp = unary("exp", E.exp_p, FLOATING, "e ** x.", "fnp.exp(fnp.asarray([0.0, 1.0])).tolist()", "[1.0, 2.718...]")
exp2 = unary("exp2", E.exp2_p, FLOATING, "2 ** x.", "fnp.exp2(fnp.asarray([0.0, 3.0])).tolist()", "[1.0, 8.0]")
log = unary("log", E.log_p, FLOATING, "The natural logarithm.", "fnp.log(fnp.asarray([1.0, 0.0])).tolist()",
            "[0.0, -inf]")
log2 = unary("log2", E.log2_p, FLOATING, "The base-2 logarithm.", "fnp.log2(fnp.asarray([1.0, 8.0])).tolist()",
             "[0.0, 3.0]")
log10 = unary("log10", E.log10_p, FLOATING, "The base-10 logarithm.",
              "fnp.log10(fnp.asarray([1.0, 100.0])).tolist()", "[0.0, 2.0]")
log1p = unary("log1p", E.log1p_p, FLOATING, "log(1 + x), accurate for small x.",
              "fnp.log1p(fnp.asarray([0.0, -1.0])).tolist()", "[0.0, -inf]")
sqrt = unary("sqrt", E.sqrt_p, FLOATING, "The square root (NaN for negative real x).",
             "fnp.sqrt(fnp.asarray([4.0, -1.0])).tolist()", "[2.0, nan]")
cbrt = unary("cbrt", E.cbrt_p, REAL_FLOATING, "The cube root.", "fnp.cbrt(fnp.asarray([-8.0, 27.0])).tolist()",
             "[-2.0, 3.0]")
sin = unary("sin", E.sin_p, FLOATING, "The sine.", "fnp.sin(fnp.asarray([0.0])).tolist()", "[0.0]")
cos = unary("cos", E.cos_p, FLOATING, "The cosine.", "fnp.cos(fnp.asarray([0.0])).tolist()", "[1.0]")
tan = unary("tan", E.tan_p, FLOATING, "The tangent.", "fnp.tan(fnp.asarray([0.0])).tolist()", "[0.0]")
asin = unary("asin", E.asin_p, FLOATING, "The inverse sine.", "fnp.asin(fnp.asarray([0.0, 2.0])).tolist()",
             "[0.0, nan]")
acos = unary("acos", E.acos_p, FLOATING, "The inverse cosine.", "fnp.acos(fnp.asarray([1.0])).tolist()", "[0.0]")
atan = unary("atan", E.atan_p, FLOATING, "The inverse tangent.", "fnp.atan(fnp.asarray([0.0])).tolist()", "[0.0]")
sinh = unary("sinh", E.sinh_p, FLOATING, "The hyperbolic sine.", "fnp.sinh(fnp.asarray([0.0])).tolist()", "[0.0]")
cosh = unary("cosh", E.cosh_p, FLOATING, "The hyperbolic cosine.", "fnp.cosh(fnp.asarray([0.0])).tolist()",
             "[1.0]")


_REAL_FLOATING = frozenset(D.REAL_FLOATING)
_REAL_NUMERIC = frozenset(D.INTEGER + D.REAL_FLOATING)


def tanh(x, /, *, out=None) -> Array:
    """The hyperbolic tangent.

    >>> import fluxion.numpy as fnp
    >>> fnp.tanh(fnp.asarray([0.0, float('inf')])).tolist()
    [0.0, 1.0]
    """
    if out is not None:
        no_out("tanh", out)
    y = eager_unary(E.tanh_p, x, _REAL_FLOATING)  # kept fast: the special case below is complex only
    if y is not None:
        return y
    (x,) = operands("tanh", FLOATING, x)
    y = E.tanh_p.bind(x)
    if x.dtype not in D.COMPLEX:
        return y
    # the standard's special case tanh(+-inf + yj) = +-1 + 0j with the sign of y for finite y
    # (C99 and the kernels give the zero the sign of sin(2y))
    re, im = E.real_p.bind(x), E.imag_p.bind(x)
    at_infinity = E.is_finite_p.bind(im) & (E.abs_p.bind(re) == np.inf)
    zero = E.copysign_p.bind(convert(0, im.dtype), im)
    return select(at_infinity, E.complex_p.bind(E.real_p.bind(y), zero), y)


asinh = unary("asinh", E.asinh_p, FLOATING, "The inverse hyperbolic sine.", "fnp.asinh(fnp.asarray([0.0])).tolist()",
              "[0.0]")
acosh = unary("acosh", E.acosh_p, FLOATING, "The inverse hyperbolic cosine.",
              "fnp.acosh(fnp.asarray([1.0])).tolist()", "[0.0]")
atanh = unary("atanh", E.atanh_p, FLOATING, "The inverse hyperbolic tangent.",
              "fnp.atanh(fnp.asarray([0.0, 1.0])).tolist()", "[0.0, inf]")
atan2 = binary("atan2", E.atan2_p, REAL_FLOATING, "The angle of the point (x2, x1), in (-pi, pi].",
               "fnp.atan2(1.0, fnp.asarray([0.0])).tolist()", "[1.5707963...]")
copysign = binary("copysign", E.copysign_p, REAL_FLOATING, "|x1| with the sign bit of x2.",
                  "fnp.copysign(fnp.asarray([1.0, 2.0]), -0.0).tolist()", "[-1.0, -2.0]")
nextafter = binary("nextafter", E.nextafter_p, REAL_FLOATING, "The next representable value after x1 towards x2.",
                   "fnp.nextafter(fnp.asarray([1.0]), 2.0).tolist()", "[1.0000001...]")
maximum = binary("maximum", E.max_p, REAL, "The larger of x1 and x2; NaN if either is NaN.",
                 "fnp.maximum(fnp.asarray([1.0, float('nan')]), 1.5).tolist()", "[1.5, nan]")
minimum = binary("minimum", E.min_p, REAL, "The smaller of x1 and x2; NaN if either is NaN.",
                 "fnp.minimum(fnp.asarray([1.0, float('nan')]), 1.5).tolist()", "[1.0, nan]")
# x OP c for a Python int c above x's integer range (below it: the same for == and !=, the
# negation for the orderings); c OP x is x OP' c with OP' the mirrored comparison
_ABOVE_RANGE = {E.eq_p: False, E.ne_p: True, E.lt_p: True, E.le_p: True, E.gt_p: False, E.ge_p: False}
_MIRRORED = {E.eq_p: E.eq_p, E.ne_p: E.ne_p, E.lt_p: E.gt_p, E.le_p: E.ge_p, E.gt_p: E.lt_p, E.ge_p: E.le_p}


def _comparison(name: str, prim, kind: str, summary: str, call: str, result: str):
    """A comparison; an integer array compared with a Python int outside its dtype's range gives the
    exact answer (as NumPy 2), a constant, instead of failing to convert the int. A traced Python
    int (a jit argument, whose value is not known) is compared in 64 bits, so that it is exact too.
    uint64 against a signed integer array is exact as well (promotion would round both to float64)."""
    compare = binary(name, prim, kind, summary, call, result)

    def f(x1, x2, /, *, out=None) -> Array:
        if out is not None:
            no_out(name, out)
        for x, c, op in ((x1, x2, prim), (x2, x1, _MIRRORED[prim])):
            dt = getattr(x, "dtype", None)
            if type(c) is int and dt in D.INTEGER:
                info = np.iinfo(dt)
                if not info.min <= c <= info.max:
                    return full_like(convert(x, dt), _outside(op, c > info.max), D.bool_)  # (x may be NumPy's)
            if dt == D.uint64 and not getattr(x, "weak", False) and getattr(c, "dtype", None) in D.SIGNED:
                # a negative c is below x's range; the others fit it
                below, u = c < 0, convert(c, D.uint64)
                exact = compare(x, u) if x is x1 else compare(u, x)
                return exact | below if _outside(op, False) else exact & ~below
            if isinstance(c, Tracer) and c.weak and c.dtype == D.int64 and isinstance(x, Array) and not x.weak \
                    and dt in D.INTEGER and dt != D.int64:
                wide = convert(x, D.int64)
                return compare(wide, c) if x is x1 else compare(c, wide)
        return compare(x1, x2)
    return named(f, name, summary, call, result)


def _outside(op, above: bool) -> bool:
    """`x op c` for every x of an integer dtype, where c is above (or below) its range."""
    return _ABOVE_RANGE[op] if above or op in (E.eq_p, E.ne_p) else not _ABOVE_RANGE[op]


equal = _comparison("equal", E.eq_p, ANY, "x1 == x2.", "fnp.equal(fnp.asarray([1, 2]), 2).tolist()", "[False, True]")
not_equal = _comparison("not_equal", E.ne_p, ANY, "x1 != x2.", "fnp.not_equal(fnp.asarray([1, 2]), 2).tolist()",
                        "[True, False]")
less = _comparison("less", E.lt_p, REAL, "x1 < x2.", "fnp.less(fnp.asarray([1, 2]), 2).tolist()", "[True, False]")
less_equal = _comparison("less_equal", E.le_p, REAL, "x1 <= x2.", "fnp.less_equal(fnp.asarray([1, 3]), 2).tolist()",
                         "[True, False]")
greater = _comparison("greater", E.gt_p, REAL, "x1 > x2.", "fnp.greater(fnp.asarray([1, 3]), 2).tolist()",
                      "[False, True]")
greater_equal = _comparison("greater_equal", E.ge_p, REAL, "x1 >= x2.",
                            "fnp.greater_equal(fnp.asarray([1, 2]), 2).tolist()", "[False, True]")
bitwise_and = binary("bitwise_and", E.and_p, INTEGRAL, "x1 & x2.",
                     "fnp.bitwise_and(fnp.asarray([12]), 10).tolist()", "[8]")
bitwise_or = binary("bitwise_or", E.or_p, INTEGRAL, "x1 | x2.", "fnp.bitwise_or(fnp.asarray([12]), 10).tolist()",
                    "[14]")
bitwise_xor = binary("bitwise_xor", E.xor_p, INTEGRAL, "x1 ^ x2.",
                     "fnp.bitwise_xor(fnp.asarray([12]), 10).tolist()", "[6]")
bitwise_invert = unary("bitwise_invert", E.not_p, INTEGRAL, "~x: every bit flipped (logical not for booleans).",
                       "fnp.bitwise_invert(fnp.asarray([0, 5])).tolist()", "[-1, -6]")


def bitwise_count(x, /, *, out=None) -> Array:
    """The number of 1 bits in the magnitude of each integer, as uint8.

    The count never exceeds 64, so uint8 holds it whatever the input's width, as in NumPy.

    >>> import fluxion.numpy as fnp
    >>> out = fnp.bitwise_count(fnp.asarray([7, 8, -1]))
    >>> out.tolist(), out.dtype
    ([3, 1, 1], dtype('uint8'))
    """
    if out is not None:
        no_out("bitwise_count", out)
    (x,) = operands("bitwise_count", INTEGER, x)
    return convert(E.population_count_p.bind(x), D.uint8)


def bitwise_left_shift(x1, x2, /, *, out=None) -> Array:
    """x1 << x2; shifting by the bit width or more gives 0.

    >>> import fluxion.numpy as fnp
    >>> fnp.bitwise_left_shift(fnp.asarray([1, 3]), 2).tolist()
    [4, 12]
    """
    if out is not None:
        no_out("bitwise_left_shift", out)
    y = eager_left_shift(x1, x2, False)
    if y is not None:
        return y
    return E.shift_left_p.bind(*operands("bitwise_left_shift", INTEGER, x1, x2))


def bitwise_right_shift(x1, x2, /, *, out=None) -> Array:
    """x1 >> x2: arithmetic (sign-filling) for signed integers, logical for unsigned.

    >>> import fluxion.numpy as fnp
    >>> fnp.bitwise_right_shift(fnp.asarray([-8, 8]), 2).tolist()
    [-2, 2]
    """
    if out is not None:
        no_out("bitwise_right_shift", out)
    y = eager_right_shift(x1, x2, False)
    if y is not None:
        return y
    x1, x2 = operands("bitwise_right_shift", INTEGER, x1, x2)
    prim = E.shift_right_logical_p if D.is_unsigned(x1.dtype) else E.shift_right_arithmetic_p
    return prim.bind(x1, x2)


# NumPy's right shift is the arithmetic kernel for signed integers, and for unsigned ones the
# logical kernel, which is NumPy's where both operands have the dtype (as `direct` takes them)
eager_left_shift, eager_right_shift = direct(E.shift_left_p, D.INTEGER), direct(None, D.INTEGER, np.right_shift)


def expm1(x, /, *, out=None) -> Array:
    """e ** x - 1, accurate for small x (for complex x too, with C99's special cases of exp).

    >>> import fluxion.numpy as fnp
    >>> fnp.expm1(fnp.asarray([0.0, 1e-10])).tolist()
    [0.0, 1.00000...e-10]
    """
    if out is not None:
        no_out("expm1", out)
    (x,) = operands("expm1", FLOATING, x)
    return _complex_expm1(x) if x.dtype in D.COMPLEX else E.expm1_p.bind(x)


def _complex_expm1(z: Array) -> Array:
    # exp(a) cis(b) - 1 = (expm1(a) cos(b) - 2 sin(b/2)**2) + exp(a) sin(b) j keeps small results
    # accurate; where a part is not finite, exp's special cases minus 1 are the standard's
    a, b = E.real_p.bind(z), E.imag_p.bind(z)
    half = E.sin_p.bind(b * 0.5)
    re = E.expm1_p.bind(a) * E.cos_p.bind(b) - 2 * half * half
    re = select(re == 0, 0, re)  # e**(-0 + 0j) - 1 is 0 + 0j, not -0 + 0j
    # where b == 0, exp(a) * sin(b) keeps the sign of b (0j stays 0j) and the derivative exp(a)
    # in b; only an overflowing exp(a) is replaced there, as inf * 0 would be NaN
    ea = E.exp_p.bind(a)
    im = select((b == 0) & (ea == math.inf), 1, ea) * E.sin_p.bind(b)
    finite = E.is_finite_p.bind(a) & E.is_finite_p.bind(b)
    return select(finite, E.complex_p.bind(re, im), E.exp_p.bind(z) - 1)


def sign(x, /, *, out=None) -> Array:
    """-1, 0 or 1 by the sign of x (NaN stays NaN); for complex x, x / |x| (and 0 at 0).

    >>> import fluxion.numpy as fnp
    >>> fnp.sign(fnp.asarray([-1.5, 0.0, 2.0])).tolist()
    [-1.0, 0.0, 1.0]
    >>> fnp.sign(fnp.asarray([3 + 4j])).tolist()
    [(0.6...+0.8...j)]
    """
    if out is not None:
        no_out("sign", out)
    y = eager_unary(E.sign_p, x, _REAL_NUMERIC)  # kept fast: the special case below is complex only
    if y is not None:
        return y
    (x,) = operands("sign", NUMERIC, x)
    if x.dtype not in D.COMPLEX:
        return E.sign_p.bind(x)
    # each part divided by the real magnitude: the standard's rules of division by a real number
    # for infinite x. Where |x| would be subnormal (so rounded to few bits) or would overflow,
    # both parts are first scaled by a power of two, which is exact and leaves x / |x| unchanged.
    re, im = E.real_p.bind(x), E.imag_p.bind(x)
    info = np.finfo(re.dtype)
    magnitude = E.abs_p.bind(x)
    unscaled = select(magnitude > float(info.max) / 2, 0.5, convert(1, re.dtype))
    scale = select(magnitude < float(info.tiny), 2.0 ** (info.nmant + 1), unscaled)
    re, im = re * scale, im * scale
    magnitude = E.abs_p.bind(E.complex_p.bind(re, im))
    zero = magnitude == 0  # sign(+-0 +-0j) is 0 + 0j, whatever the signs of the zeros
    magnitude = select(zero, 1, magnitude)
    return E.complex_p.bind(select(zero, 0, re / magnitude), select(zero, 0, im / magnitude))


def positive(x, /, *, out=None) -> Array:
    """+x (a new array of the same value).

    >>> import fluxion.numpy as fnp
    >>> fnp.positive(fnp.asarray([-1, 2])).tolist()
    [-1, 2]
    """
    if out is not None:
        no_out("positive", out)
    return copy(*operands("positive", NUMERIC, x))


# complex parts ------------------------------------------------------------------------------
def real(x, /) -> Array:
    """The real part (of the matching real dtype); real input comes back unchanged.

    >>> import fluxion.numpy as fnp
    >>> fnp.real(fnp.asarray([1 + 2j])).tolist()
    [1.0]
    """
    (x,) = operands("real", ANY, x)
    return E.real_p.bind(x) if x.dtype in D.COMPLEX else copy(x)


def imag(x, /) -> Array:
    """The imaginary part (of the matching real dtype); zeros for real input, as in NumPy.

    >>> import fluxion.numpy as fnp
    >>> fnp.imag(fnp.asarray([1 + 2j])).tolist()
    [2.0]
    """
    (x,) = operands("imag", ANY, x)
    return E.imag_p.bind(x) if x.dtype in D.COMPLEX else full_like(x, 0)


def conj(x, /, *, out=None) -> Array:
    """The complex conjugate; real input comes back unchanged.

    >>> import fluxion.numpy as fnp
    >>> fnp.conj(fnp.asarray([1 + 2j])).tolist()
    [(1-2j)]
    """
    if out is not None:
        no_out("conj", out)
    (x,) = operands("conj", ANY, x)
    return E.conj_p.bind(x) if x.dtype in D.COMPLEX else copy(x)


# classification -----------------------------------------------------------------------------
def isnan(x, /, *, out=None) -> Array:
    """Whether x is NaN (a complex number is NaN if either part is).

    >>> import fluxion.numpy as fnp
    >>> fnp.isnan(fnp.asarray([1.0, float('nan')])).tolist()
    [False, True]
    """
    if out is not None:
        no_out("isnan", out)
    y = _unequal(x, x, False)  # kept fast
    if y is not None:
        return y
    (x,) = operands("isnan", ANY, x)
    return E.ne_p.bind(x, x)  # NaN is the only value unequal to itself


_unequal = direct(E.ne_p, D.NUMERIC)


def isinf(x, /, *, out=None) -> Array:
    """Whether x is +inf or -inf (a complex number is infinite if either part is).

    >>> import fluxion.numpy as fnp
    >>> fnp.isinf(fnp.asarray([1.0, -float('inf')])).tolist()
    [False, True]
    """
    if out is not None:
        no_out("isinf", out)
    if x.__class__ is Array and _ctx.interp is EAGER and x._value.dtype in _REAL_FLOATING:  # kept fast
        return eager_array(np.isinf(x._value), x._weak)  # (|x| == inf, of x's weak type)
    (x,) = operands("isinf", ANY, x)
    if x.dtype in D.COMPLEX:
        return isinf(E.real_p.bind(x)) | isinf(E.imag_p.bind(x))
    if x.dtype in D.REAL_FLOATING:
        return E.abs_p.bind(x) == math.inf
    return full_like(x, False, D.bool_)


def isfinite(x, /, *, out=None) -> Array:
    """Whether x is neither infinite nor NaN (for complex x: both parts).

    >>> import fluxion.numpy as fnp
    >>> fnp.isfinite(fnp.asarray([1.0, float('inf'), float('nan')])).tolist()
    [True, False, False]
    """
    if out is not None:
        no_out("isfinite", out)
    y = eager_unary(E.is_finite_p, x, _REAL_FLOATING)  # kept fast
    if y is not None:
        return y
    (x,) = operands("isfinite", ANY, x)
    if x.dtype in D.COMPLEX:
        return isfinite(E.real_p.bind(x)) & isfinite(E.imag_p.bind(x))
    if x.dtype in D.REAL_FLOATING:
        return E.is_finite_p.bind(x)
    return full_like(x, True, D.bool_)


def signbit(x, /, *, out=None) -> Array:
    """Whether the sign bit is set (True for -0.0 and for NaNs with the sign bit).

    >>> import fluxion.numpy as fnp
    >>> fnp.signbit(fnp.asarray([-0.0, 0.0, -2.0])).tolist()
    [True, False, True]
    """
    if out is not None:
        no_out("signbit", out)
    if x.__class__ is Array and _ctx.interp is EAGER and x._value.dtype in _REAL_FLOATING:  # kept fast: the sign
        return eager_array(np.signbit(x._value), False)  # bit, as copysign reads it
    (x,) = operands("signbit", REAL, x)
    if x.dtype in D.REAL_FLOATING:
        return E.copysign_p.bind(convert(1, x.dtype), x) < 0  # copysign reads the sign bit, also of -0.0 and NaN
    return x < 0


# logic --------------------------------------------------------------------------------------
def _truth(name: str, x) -> Array:
    """`x` as booleans: nonzero is True (NaN too, as in NumPy)."""
    (x,) = promote(name, x)
    return x if x.dtype == D.bool_ else E.ne_p.bind(x, convert(0, x.dtype))


def _logical(name: str, prim, symbol: str):
    # on booleans, the kernel's bitwise operation is the logical one
    f = two_operand(name, direct(prim, (D.bool_,)), lambda x1, x2: prim.bind(_truth(name, x1), _truth(name, x2)))
    return named(f, name, f"x1 {symbol} x2 on truth values (nonzero is True); any dtype, boolean result.",
                 f"fnp.{name}(fnp.asarray([True, False]), fnp.asarray([1, 1])).tolist()",
                 {"and": "[True, False]", "or": "[True, True]", "xor": "[False, True]"}[symbol])


logical_and = _logical("logical_and", E.and_p, "and")
logical_or = _logical("logical_or", E.or_p, "or")
logical_xor = _logical("logical_xor", E.xor_p, "xor")


def logical_not(x, /, *, out=None) -> Array:
    """not x on truth values (nonzero is True); any dtype, boolean result.

    >>> import fluxion.numpy as fnp
    >>> fnp.logical_not(fnp.asarray([0, 2])).tolist()
    [True, False]
    """
    if out is not None:
        no_out("logical_not", out)
    return E.not_p.bind(_truth("logical_not", x))


# rounding -----------------------------------------------------------------------------------
def _rounding(name: str, prim, summary: str, result: str):
    """floor, ceil, trunc: integers are already integer-valued and come back unchanged."""
    def f(x, /, *, out=None) -> Array:
        if out is not None:
            no_out(name, out)
        y = eager_unary(prim, x, _REAL_FLOATING)  # kept fast
        if y is not None:
            return y
        (x,) = operands(name, REAL, x)
        return prim.bind(x) if x.dtype in D.REAL_FLOATING else copy(x)
    return named(f, name, summary + " Integer input keeps its dtype.", f"fnp.{name}({_V}).tolist()", result)


floor = _rounding("floor", E.floor_p, "The largest integer-valued number <= x.", "[-2.0, 0.0, 2.0]")
ceil = _rounding("ceil", E.ceil_p, "The smallest integer-valued number >= x.", "[-1.0, 1.0, 2.0]")
trunc = _rounding("trunc", E.trunc_p, "x rounded toward zero.", "[-1.0, 0.0, 2.0]")


def round(x, /, decimals: int = 0, out=None) -> Array:  # noqa: A001
    """Round to `decimals` decimal places, halves to even; complex parts are rounded separately.

    As in NumPy, `decimals != 0` scales by a power of ten, rounds and scales back, so the result
    carries the rounding of that scaling. Integers with `decimals < 0` are rounded exactly.

    >>> import fluxion.numpy as fnp
    >>> fnp.round(fnp.asarray([0.5, 1.5, 2.5, -0.5])).tolist()
    [0.0, 2.0, 2.0, -0.0]
    >>> fnp.round(fnp.asarray([15, 25, 1234]), decimals=-1).tolist()
    [20, 20, 1230]
    """
    if out is not None:
        no_out("round", out)
    if decimals.__class__ is int and decimals == 0 and (fast := eager_unary(E.round_p, x, _REAL_FLOATING)) is not None:
        return fast  # kept fast
    (x,) = operands("round", NUMERIC, x)
    try:
        decimals = operator.index(decimals)
    except TypeError:
        raise op_error(TypeError, "round", f"decimals must be an int, got {type(decimals).__name__} {decimals!r}",
                       "pass a Python int, e.g. decimals=2") from None
    if x.dtype in D.COMPLEX:
        return E.complex_p.bind(round(E.real_p.bind(x), decimals), round(E.imag_p.bind(x), decimals))
    if x.dtype in D.INTEGER:
        return copy(x) if decimals >= 0 else _round_integer(x, 10 ** -decimals)
    if decimals == 0:
        return E.round_p.bind(x)
    return _round_scaled(x, decimals=decimals)


@in_float32  # (16-bit floats: 10 ** 5 is past float16's range)
def _round_scaled(x: Array, *, decimals: int) -> Array:
    places = -decimals if decimals < 0 else decimals
    scale = float(10 ** places) if places <= 308 else math.inf
    if decimals > 0:
        return E.round_p.bind(x * scale) / scale
    return E.round_p.bind(x / scale) * scale


def _round_integer(x: Array, scale: int) -> Array:
    """x rounded to a multiple of `scale` (a power of ten), halves to even, in integers."""
    if scale > np.iinfo(x.dtype).max:
        return full_like(x, 0)
    q = floor_divide(x, scale)
    r = x - q * scale  # in [0, scale); compared with scale - r so that 2 * r cannot overflow
    up = (r > scale - r) | ((r == scale - r) & ((q & 1) == 1))
    return (q + up.astype(x.dtype)) * scale


def rint(x, /, *, out=None) -> Array:
    """Round to the nearest integer-valued number, halves to even (integers become float32).

    >>> import fluxion.numpy as fnp
    >>> fnp.rint(fnp.asarray([0.5, 1.5, 7])).tolist()
    [0.0, 2.0, 7.0]
    """
    if out is not None:
        no_out("rint", out)
    return round(*operands("rint", FLOATING, x))


fix = trunc
around = round


# combinations computed safely --------------------------------------------------------------
def hypot(x1, x2, /, *, out=None) -> Array:
    """sqrt(x1**2 + x2**2) without overflow or underflow in between; inf if either is infinite.

    The derivatives x1 / hypot and x2 / hypot are computed without overflow or underflow too;
    at (0, 0) the derivatives of every order are 0.

    >>> import fluxion.numpy as fnp
    >>> fnp.hypot(fnp.asarray([3.0, 3e30]), fnp.asarray([4.0, 4e30])).tolist()
    [5.0, 4.99999...e+30]
    """
    if out is not None:
        no_out("hypot", out)
    y = _eager_hypot(x1, x2, False)  # kept fast
    if y is not None and not np.isnan(np.add.reduce(y._value, None)):  # (the result is >= 0: no inf - inf)
        return y
    return _hypot_any(*operands("hypot", REAL_FLOATING, x1, x2))


@custom_jvp
def _hypot(x: Array, y: Array) -> Array:
    # |hi| * sqrt(1 + (lo / hi)**2) with hi the operand of larger magnitude
    a, b = E.abs_p.bind(x), E.abs_p.bind(y)
    swap = a < b
    hi, lo, big = select(swap, y, x), select(swap, x, y), select(swap, b, a)
    ratio = lo / select(big == 0, 1, hi)
    out = big * E.sqrt_p.bind(1 + ratio * ratio)
    return select((a == math.inf) | (b == math.inf), math.inf, out)


@_hypot.defjvp
def _hypot_jvp(primals, tangents):
    # d h = (x dx + y dy) / h, written with the cosines x / h and y / h: no square of an operand
    # and no second division by h (the derivative of the formula above had both), which overflow
    # or underflow for huge or tiny operands where the derivatives do not
    (x, y), (dx, dy) = primals, tangents
    h = _hypot(x, y)  # through the rule, so that the higher derivatives are the rule's too
    return h, _cosine(x, h) * dx + _cosine(y, h) * dy


def _cosine(x: Array, h: Array) -> Array:
    """x / h, and 0 with zero derivatives of every order at h == 0 (x == y == 0): the
    subgradient of least norm there."""
    zero = h == 0
    return select(zero, 0, x / select(zero, 1, h))


_hypot_any = in_float32(_hypot)


def _hypot_kernel(x, y) -> np.ndarray:
    """`_hypot`'s value where no operand is NaN (a Python scalar taken as the other's dtype): the
    ratio there has the magnitude of min(|x|, |y|) / max(|x|, |y|), and where that is 0 / 0 or
    inf / inf, taking 1 gives the general path's 0 and inf. A NaN operand gives NaN here, and
    its sign and payload are the general path's to give."""
    if y.__class__ is not np.ndarray:
        y = np.asarray(y, x.dtype)
    elif x.__class__ is not np.ndarray:
        x = np.asarray(x, y.dtype)
    a, b = np.abs(x), np.abs(y)
    big = np.maximum(a, b)
    ratio = np.fmin(np.minimum(a, b) / big, 1)
    return big * np.sqrt(1 + ratio * ratio)


_eager_hypot = direct(None, (D.float32, D.float64), _hypot_kernel)


def logaddexp(x1, x2, /, *, out=None, where=None) -> Array:
    """log(exp(x1) + exp(x2)) without overflow. `out` and `where` are None only.

    >>> import fluxion.numpy as fnp
    >>> fnp.logaddexp(fnp.asarray([0.0, 1000.0]), fnp.asarray([0.0, 1000.0])).tolist()
    [0.693147..., 1000.693...]
    """
    if out is not None or where is not None:
        refuse_out_where("logaddexp", out, where)
    y = _eager_log_add(x1, x2, False)  # kept fast
    if y is not None:
        return y
    return _log_add(*operands("logaddexp", REAL_FLOATING, x1, x2), exp_p=E.exp_p, log_base=1.0)


def _log_add_kernel(x: np.ndarray, y) -> np.ndarray:
    """`_log_add`'s value in NumPy: where hi = max(x, y) is finite, its shift m is hi and
    expm1(hi - m) is 0, leaving hi + log1p(exp(lo - hi)). Elsewhere the result is hi (+-inf or
    NaN), which this gives too: lo - hi is NaN only there (inf - inf or a NaN), and fmin makes
    it 0, so that hi plus the finite log1p(1) is hi."""
    hi, lo = np.maximum(x, y), np.minimum(x, y)
    return np.add(hi, np.log1p(np.exp(np.fmin(np.subtract(lo, hi), 0))))


_eager_log_add = direct(None, (D.float32, D.float64), _log_add_kernel)


def logaddexp2(x1, x2, /, *, out=None, where=None) -> Array:
    """log2(2**x1 + 2**x2) without overflow. `out` and `where` are None only.

    >>> import fluxion.numpy as fnp
    >>> fnp.logaddexp2(fnp.asarray([3.0]), fnp.asarray([3.0])).tolist()
    [4.0]
    """
    if out is not None or where is not None:
        refuse_out_where("logaddexp2", out, where)
    return _log_add(*operands("logaddexp2", REAL_FLOATING, x1, x2), exp_p=E.exp2_p, log_base=math.log(2))


@in_float32
def _log_add(x: Array, y: Array, *, exp_p, log_base: float) -> Array:
    # hi + log1p(exp(lo - hi)), written as m + log1p(exp(lo - m) + expm1(hi - m)) with m the value
    # of hi held constant: the same value (hi - m is 0), and the derivatives of every order of
    # the smooth function, also where x == y (through max and abs they would lose the curvature
    # there). An infinite m is replaced by 0, so that inf - inf never appears. Where hi is +inf
    # the result is hi, with the limits of the derivatives (1 for hi, 0 for lo); the formula runs
    # on zeros there, so that no inf / inf reaches the derivatives.
    swap = x < y
    hi, lo = select(swap, y, x), select(swap, x, y)
    infinite = (hi == math.inf) & ~isnan(lo)  # a NaN lo gives NaN
    finite_hi, lo = select(infinite, 0, hi), select(infinite, 0, lo)
    m = E.stop_gradient_p.bind(select(E.is_finite_p.bind(finite_hi), finite_hi, 0))
    top = finite_hi - m if log_base == 1 else (finite_hi - m) * log_base  # b**t - 1 == expm1(t log b)
    out = E.log1p_p.bind(exp_p.bind(lo - m) + E.expm1_p.bind(top))
    return select(infinite, hi, m + (out if log_base == 1 else out / log_base))  # (a product would fuse with the sum)


# NumPy's names ------------------------------------------------------------------------------
absolute = abs
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
arctan2 = atan2
bitwise_not = invert = bitwise_invert
left_shift, right_shift = bitwise_left_shift, bitwise_right_shift
conjugate = conj
