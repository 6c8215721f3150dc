"""Arithmetic and elementary functions, each binding one elementwise primitive (`round`,
`clamp` and `mulhi` compose a few).

Operands of a binary function share a dtype (Python scalars adapt, see `_operands`); shapes
broadcast as in NumPy, which accepts every pair of shapes that jax.lax accepts.
"""
from __future__ import annotations

import dataclasses
import enum

import numpy as np

from ..core import dtypes as D
from ..core.array import Array, scalar_value
from ..core.errors import DTypeError, op_error
from ..ops import elementwise as E
from ..ops import shape as S
from ..transforms.autodiff.custom import custom_jvp
from ._operands import ArrayLike, as_array, binary, named, operands, unary


def add(x: ArrayLike, y: ArrayLike) -> Array:
    """`x + y` elementwise.

    >>> add(1.5, 2.0).item()
    3.5
    """
    return E.add_p.bind(*operands(x, y))


sub = binary("sub", E.sub_p, "`x - y` elementwise.")
mul = binary("mul", E.mul_p, "`x * y` elementwise.")


def div(x: ArrayLike, y: ArrayLike) -> Array:
    """`x / y` elementwise; integer division rounds toward zero (as C does), and by 0 gives
    all bits set (-1, or the unsigned maximum), as XLA's.

    >>> import fluxion.numpy as fnp
    >>> div(fnp.asarray([7, -7]), 2).tolist()
    [3, -3]
    """
    x, y = operands(x, y)
    q = E.div_p.bind(x, y)  # (the primitive's integer quotient by 0 is NumPy's, 0)
    return E.select_n_p.bind(y == 0, q, E.not_p.bind(E.sub_p.bind(x, x))) if x.dtype in D.INTEGER else q


def rem(x: ArrayLike, y: ArrayLike) -> Array:
    """The remainder of `div(x, y)`, with the sign of `x` (C's `fmod`); by an integer 0, `x`
    (as XLA's).

    >>> import fluxion.numpy as fnp
    >>> rem(fnp.asarray([7, -7]), 2).tolist()
    [1, -1]
    """
    x, y = operands(x, y)
    r = E.rem_p.bind(x, y)
    return E.select_n_p.bind(y == 0, r, x) if x.dtype in D.INTEGER else r


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
    x, y = as_array(x), int(y)
    if y < 0 and x.dtype in D.INTEGER:
        raise op_error(DTypeError, "integer_pow", f"integers cannot be raised to negative powers ({x.dtype} ** {y})",
                       "convert to a float dtype first, e.g. lax.convert_element_type(x, float)")
    return E.integer_pow_p.bind(x, y=y)


max = binary("max", E.max_p, "The larger of `x` and `y` elementwise (NaN propagates).")  # noqa: A001
min = binary("min", E.min_p, "The smaller of `x` and `y` elementwise (NaN propagates).")  # noqa: A001


def clamp(min: ArrayLike, x: ArrayLike, max: ArrayLike) -> Array:  # noqa: A002
    """`x` limited to `[min, max]` elementwise (lax's argument order: bounds around `x`).

    >>> import fluxion.numpy as fnp
    >>> clamp(0.0, fnp.asarray([-1.0, 0.5, 2.0]), 1.0).tolist()
    [0.0, 0.5, 1.0]
    """
    lo, x, hi = operands(min, x, max)
    return _clamp(lo, x, hi) if x.dtype in D.FLOATING else E.min_p.bind(E.max_p.bind(x, lo), hi)


@custom_jvp
def _clamp(lo: Array, x: Array, hi: Array) -> Array:
    return E.min_p.bind(E.max_p.bind(x, lo), hi)


@_clamp.defjvp
def _clamp_jvp(primals, tangents):
    """jax's derivative: each operand's tangent where it alone is the result, strictly (so no
    operand's at a tie, where maximum and minimum would split it). Where the bounds cross
    (`min > max`) the result is `max` (jax's gives no operand's tangent there)."""
    (lo, x, hi), (d_lo, d_x, d_hi) = primals, tangents
    out = _clamp(lo, x, hi)
    zero = Array(np.zeros((), out.dtype))
    lt, both = E.lt_p.bind, E.and_p.bind
    picked = [(both(lt(lo, x), lt(x, hi)), d_x), (both(lt(x, lo), lt(lo, hi)), d_lo),
              (E.or_p.bind(lt(hi, x), lt(hi, lo)), d_hi)]
    parts = [E.select_n_p.bind(where, zero, d) for where, d in picked]
    return out, S.broadcast_to(E.add_p.bind(E.add_p.bind(parts[0], parts[1]), parts[2]), out.shape)


def mulhi(x: ArrayLike, y: ArrayLike, /) -> Array:
    """The high half of the exact product of integers of one dtype: for N-bit integers, the upper
    N bits of the 2N-bit product (signed for signed dtypes), so `mulhi(x, y) * 2**N + x * y` (the
    low half, unsigned) is the product.

    >>> import fluxion.numpy as fnp
    >>> mulhi(fnp.asarray([-100, 100], dtype=fnp.int8), fnp.int8(100)).tolist()
    [-40, 39]
    """
    x, y = operands(x, y)
    if x.dtype != y.dtype or x.dtype not in D.INTEGER:
        raise op_error(DTypeError, "mulhi", f"takes integers of one dtype, got {x.dtype} and {y.dtype}",
                       "convert both operands to the same integer dtype")
    bits = 8 * x.dtype.itemsize
    if bits < 64:  # the product fits in the dtype of twice the width; `>>` fills with the sign bit where signed
        wide = np.dtype(f"{x.dtype.kind}{2 * x.dtype.itemsize}")
        return ((x.astype(wide) * y.astype(wide)) >> bits).astype(x.dtype)
    xu, yu = x.astype(D.uint64), y.astype(D.uint64)
    high = _mulhi_u64(xu, yu)
    if x.dtype in D.SIGNED:  # a negative operand counts 2**64 too many times the other one
        zero = _constant(0, xu)
        high = high - E.select_n_p.bind(x < 0, zero, yu) - E.select_n_p.bind(y < 0, zero, xu)
    return high.astype(x.dtype)


def _mulhi_u64(x: Array, y: Array) -> Array:
    """The upper 64 bits of the 128-bit product of uint64 arrays, from products of 32-bit halves
    (each sum below stays under 2**64)."""
    low32 = 0xFFFFFFFF
    x_lo, x_hi, y_lo, y_hi = x & low32, x >> 32, y & low32, y >> 32
    lo_lo, lo_hi, hi_lo = x_lo * y_lo, x_lo * y_hi, x_hi * y_lo
    middle = (lo_lo >> 32) + (lo_hi & low32) + (hi_lo & low32)
    return x_hi * y_hi + (lo_hi >> 32) + (hi_lo >> 32) + (middle >> 32)


def nextafter(x1: ArrayLike, x2: ArrayLike) -> Array:
    """The next representable value after `x1` in the direction of `x2`."""
    return E.nextafter_p.bind(*operands(x1, x2))


atan2 = binary("atan2", E.atan2_p, "The angle of the point `(y, x)`: `atan(x / y)` in the right quadrant.")
complex = binary("complex", E.complex_p, "`x + 1j * y` from real arrays of one dtype.")  # noqa: A001
neg = unary("neg", E.neg_p, "`-x` elementwise.")
sign = unary("sign", E.sign_p, "-1, 0 or 1 by the sign of `x` (`x / |x|` for complex).")
abs = unary("abs", E.abs_p, "`|x|` elementwise (real for complex `x`).")  # noqa: A001
square = unary("square", E.square_p, "`x * x` elementwise.")


def reciprocal(x: ArrayLike) -> Array:
    """`1 / x` elementwise (`integer_pow(x, -1)`)."""
    return integer_pow(x, -1)


class AccuracyMode(enum.Enum):
    """jax.lax's accuracy request for a transcendental function (see `Tolerance`)."""
    HIGHEST = 1
    DEFAULT = 2


@dataclasses.dataclass(frozen=True)
class Tolerance:
    """jax.lax's error bound requested of a transcendental function: `atol`, `rtol` and `ulps`."""
    atol: float = 0.0
    rtol: float = 0.0
    ulps: int = 0


def _hinted(name: str, prim, doc: str):
    """The function `name(x, *, accuracy=None)` of jax.lax that binds `prim` on `x`.

    jax passes `accuracy` to XLA, which may then choose a faster or a more accurate
    implementation on accelerators; fluxion's kernels are the same for every request."""
    def f(x: ArrayLike, *, accuracy: Tolerance | AccuracyMode | None = None) -> Array:
        if accuracy is not None and not isinstance(accuracy, (Tolerance, AccuracyMode)):
            raise op_error(TypeError, name, f"accuracy={accuracy!r} is not an accuracy request",
                           "pass None, lax.AccuracyMode.HIGHEST or .DEFAULT, or lax.Tolerance(atol=, rtol=, ulps=)")
        return prim.bind(as_array(x))
    return named(f, name, doc + " `accuracy` (jax's request to XLA) does not change the result.")


exp = _hinted("exp", E.exp_p, "`e ** x` elementwise.")
exp2 = _hinted("exp2", E.exp2_p, "`2 ** x` elementwise.")
log = _hinted("log", E.log_p, "The natural logarithm elementwise.")
log1p = _hinted("log1p", E.log1p_p, "`log(1 + x)`, accurate for small `x`.")
expm1 = _hinted("expm1", E.expm1_p, "`exp(x) - 1`, accurate for small `x`.")
sqrt = _hinted("sqrt", E.sqrt_p, "The square root elementwise.")
rsqrt = _hinted("rsqrt", E.rsqrt_p, "`1 / sqrt(x)` elementwise.")
cbrt = _hinted("cbrt", E.cbrt_p, "The real cube root elementwise.")
sin = _hinted("sin", E.sin_p, "The sine elementwise.")
cos = _hinted("cos", E.cos_p, "The cosine elementwise.")
tan = _hinted("tan", E.tan_p, "The tangent elementwise.")
asin = unary("asin", E.asin_p, "The inverse sine elementwise.")
acos = unary("acos", E.acos_p, "The inverse cosine elementwise.")
atan = unary("atan", E.atan_p, "The inverse tangent elementwise.")
sinh = unary("sinh", E.sinh_p, "The hyperbolic sine elementwise.")
cosh = unary("cosh", E.cosh_p, "The hyperbolic cosine elementwise.")
tanh = _hinted("tanh", E.tanh_p, "The hyperbolic tangent elementwise.")
asinh = unary("asinh", E.asinh_p, "The inverse hyperbolic sine elementwise.")
acosh = unary("acosh", E.acosh_p, "The inverse hyperbolic cosine elementwise.")
atanh = unary("atanh", E.atanh_p, "The inverse hyperbolic tangent elementwise.")
logistic = _hinted("logistic", E.logistic_p, "The logistic sigmoid `1 / (1 + exp(-x))` elementwise.")
floor = unary("floor", E.floor_p, "The largest integer-valued float not above `x`.")
ceil = unary("ceil", E.ceil_p, "The smallest integer-valued float not below `x`.")


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


is_finite = unary("is_finite", E.is_finite_p, "Whether each element is neither infinite nor NaN.")
real = unary("real", E.real_p, "The real part elementwise.")
imag = unary("imag", E.imag_p, "The imaginary part elementwise.")


def conj(x: ArrayLike) -> Array:
    """The complex conjugate elementwise; a real `x` gives a complex result, as in lax."""
    x = as_array(x)
    if x.dtype in D.REAL_FLOATING:
        x = E.convert_element_type_p.bind(x, new_dtype=D.complex_dtype(x.dtype), weak=x.weak)
    return E.conj_p.bind(x)
