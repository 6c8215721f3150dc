"""Complex elementwise functions with NumPy's values, for the XLA lowering.

XLA's complex functions agree with NumPy's on finite arguments away from branch cuts; at
signed zeros (which pick the side of a branch cut), infinities and NaN they often do not.
NumPy follows C99's Annex G, and so do these rules:

- `div` is NumPy's division (Smith's method), and `reciprocal` its 1 / z;
- the odd functions (asin, asinh, atanh, sinh, tanh) are evaluated on |re| + |im| i and the
  other quadrants follow by symmetry; conjugate-symmetric ones (sqrt, exp, acos, acosh) on
  re + |im| i; so a signed zero picks the side of a branch cut that C99 picks;
- sinh and cosh are the products sinh(x) cos(y) + i cosh(x) sin(y), whose signed zeros and
  infinities are C99's; sin, cos, tan and atan are derived from sinh, cosh, tanh and atanh as
  C99 defines them;
- the values at infinite and NaN parts that C99 specifies are given where XLA's differ.

XLA folds `x + 0.0` into `x` (wrong for x = -0.0), so no rule adds a constant zero.
"""
from __future__ import annotations

import math

import jax.numpy as jnp
from jax import lax

from ...core import dtypes as D
from . import real_math as R

_where = jnp.where
re, im, cpx = lax.real, lax.imag, lax.complex


def _is_inf(x):
    return lax.abs(x) == R.const(math.inf, x)


_isnan = jnp.isnan


def _full(like, value):
    return jnp.full_like(like, value)


def _positive_zero(x):
    """x + 0.0 as IEEE arithmetic computes it: -0.0 becomes +0.0."""
    return _where(x == 0, jnp.zeros_like(x), x)


def _flip(part, sign_source):
    """`part` negated where `sign_source` has its sign bit set (-0.0 and NaN included)."""
    return part * R.copysign(jnp.ones_like(part), sign_source)


# arithmetic ------------------------------------------------------------------------------------------
def div(x, y):
    """NumPy's complex division (Smith's method: no overflow in |y|**2)."""
    a, b, c, d = re(x), im(x), re(y), im(y)
    ac, ad = lax.abs(c), lax.abs(d)
    by_real = ac >= ad
    rat = _where(by_real, d / c, c / d)
    scale = R.const(1, a) / _where(by_real, c + d * rat, d + c * rat)
    out_re = _where(by_real, (a + b * rat) * scale, (a * rat + b) * scale)
    out_im = _where(by_real, (b - a * rat) * scale, (b * rat - a) * scale)
    zero = (ac == 0) & (ad == 0)  # a complex infinity or NaN, as NumPy
    return cpx(_where(zero, a / ac, out_re), _where(zero, b / ac, out_im))


def reciprocal(y):
    """1 / y, as `div` computes it for 1 + 0i (written out: XLA would fold its additions of 0)."""
    c, d = re(y), im(y)
    ac, ad = lax.abs(c), lax.abs(d)
    one, zero = R.const(1, c), R.const(0, c)
    by_real = ac >= ad
    rat = _where(by_real, d / c, c / d)
    scale = one / _where(by_real, c + d * rat, d + c * rat)
    out_re = _where(by_real, (one + zero * rat) * scale, _positive_zero(rat) * scale)
    out_im = _where(by_real, (zero - rat) * scale, (zero * rat - one) * scale)
    both_zero = (ac == 0) & (ad == 0)
    return cpx(_where(both_zero, one / ac, out_re), _where(both_zero, zero / ac, out_im))


def _mul(a, b):
    """The product of (real, imaginary) pairs by the textbook formula (NumPy's)."""
    (ar, ai), (br, bi) = a, b
    return ar * br - ai * bi, ar * bi + ai * br


def pow(x, y):  # noqa: A001
    """NumPy's power: square and multiply for integer exponents below 100 in magnitude (the
    products decide the infinities and NaN), exp(y log x) otherwise; 0 ** y is 0 for re(y) > 0
    and x ** 0 is 1."""
    xr, xi, yr, yi = re(x), im(x), re(y), im(y)
    n = lax.convert_element_type(_where(lax.abs(yr) < 100, yr, 0), D.int32)
    integral = (yi == 0) & (lax.convert_element_type(n, yr.dtype) == yr) & (n != 0)
    m = lax.abs(n)
    acc, p = (jnp.ones_like(xr), jnp.zeros_like(xr)), (xr, xi)
    for bit in range(7):  # |n| < 128
        hit = (m & (1 << bit)) != 0
        acc = tuple(_where(hit, v, a) for v, a in zip(_mul(acc, p), acc))
        p = _mul(p, p)
    square = _mul((xr, xi), (xr, xi))
    for k, v in ((1, (xr, xi)), (2, square), (3, _mul((xr, xi), square))):  # NumPy unrolls these
        acc = tuple(_where(n == k, a, b) for a, b in zip(v, acc))
    power = cpx(*acc)
    power = _where(n < 0, reciprocal(power), power)
    log_x = log(x)
    out = _where(integral, power, exp(cpx(*_mul((yr, yi), (re(log_x), im(log_x))))))
    nan = _full(x, complex(math.nan, math.nan))
    out = _where((xr == 0) & (xi == 0), _where(yr > 0, jnp.zeros_like(x), nan), out)
    return _where((yr == 0) & (yi == 0), jnp.ones_like(x), out)


def abs(z):  # noqa: A001
    out = lax.abs(z)
    return _where(_is_inf(re(z)) | _is_inf(im(z)), _full(out, math.inf), out)  # |inf + NaN i| = inf, as hypot


def sign(z):
    magnitude = abs(z)
    zero = magnitude == 0
    scale = cpx(_where(zero, jnp.ones_like(magnitude), magnitude), jnp.zeros_like(magnitude))
    return _where(zero, jnp.zeros_like(z), div(z, scale))


def _picks_first(x, y, ordered):
    """NumPy's complex maximum / minimum: x where x has a NaN part or `ordered` holds
    lexicographically (real parts first; an imaginary NaN makes a real-part order void)."""
    xr, xi, yr, yi = re(x), im(x), re(y), im(y)
    no_nan_im = ~_isnan(xi) & ~_isnan(yi)
    return _isnan(xr) | _isnan(xi) | (ordered(xr, yr) & no_nan_im) | ((xr == yr) & (ordered(xi, yi) | (xi == yi)))


def maximum(x, y):
    return _where(_picks_first(x, y, lax.gt), x, y)


def minimum(x, y):
    return _where(_picks_first(x, y, lax.lt), x, y)


def is_finite(z):
    return lax.is_finite(re(z)) & lax.is_finite(im(z))


# symmetries ----------------------------------------------------------------------------------------------
def _odd(fn, inverse=False):
    """f with f(-z) = -f(z) and f(conj z) = conj f(z), evaluated on |re| + |im| i; the `inverse`
    functions map that quadrant into itself, so their parts there count as non-negative."""
    def rule(z):
        x, y = re(z), im(z)
        w = fn(cpx(lax.abs(x), lax.abs(y)))
        if inverse:
            return cpx(R.copysign(re(w), x), R.copysign(im(w), y))
        return cpx(_flip(re(w), x), _flip(im(w), y))
    return rule


def _conjugate_symmetric(fn):
    """f with f(conj z) = conj f(z), evaluated on re + |im| i."""
    def rule(z):
        w = fn(cpx(re(z), lax.abs(im(z))))
        return cpx(re(w), _flip(im(w), im(z)))
    return rule


def _fixed(fn, special):
    """`fn(z)`, with `special(x, y, w)` giving C99's values where XLA's `w` differs."""
    def rule(z):
        return special(re(z), im(z), fn(z))
    return rule


# exponentials and logarithms ---------------------------------------------------------------------------
def _exp_special(x, y, w):
    # e**x cis(y) keeps the zeros and infinities of e**x where y is finite; for non-finite y:
    # 0 where x == -inf, inf + NaN i where x == inf, else NaN
    ex = lax.exp(x)
    product = cpx(ex * lax.cos(y), _where(y == 0, y, ex * lax.sin(y)))
    nan, zero = _full(x, math.nan), jnp.zeros_like(x)
    minus_inf, plus_inf = x == -math.inf, x == math.inf
    undefined = cpx(_where(minus_inf, zero, _where(plus_inf, _full(x, math.inf), nan)), _where(minus_inf, zero, nan))
    return _where(lax.is_finite(x) & lax.is_finite(y), w, _where(lax.is_finite(y), product, undefined))


exp = _conjugate_symmetric(_fixed(lax.exp, _exp_special))


def exp2(z):
    # exp(z log 2) with each part scaled (inf * 0 would make NaN), as NumPy
    ln2 = R.const(math.log(2), re(z))
    return exp(cpx(re(z) * ln2, im(z) * ln2))


def _infinite_magnitude(fn):
    """A logarithm whose real part is inf wherever a part of z is infinite (also with NaN)."""
    def rule(z):
        w = fn(z)
        return cpx(_where(_is_inf(re(z)) | _is_inf(im(z)), _full(re(w), math.inf), re(w)), im(w))
    return rule


log = _infinite_magnitude(lax.log)
log1p = _infinite_magnitude(lax.log1p)


def expm1(z):
    # NumPy's: expm1(x) cos(y) - 2 sin(y/2)**2 + i exp(x) sin(y)
    x, y = re(z), im(z)
    half = lax.sin(y * R.const(0.5, y))
    return cpx(lax.expm1(x) * lax.cos(y) - R.const(2, x) * half * half, lax.exp(x) * lax.sin(y))


def _scaled_log(factor):
    def rule(z):  # NumPy multiplies by log2(e) or log10(e)
        w = log(z)
        scale = R.const(factor, re(w))
        return cpx(re(w) * scale, im(w) * scale)
    return rule


log2, log10 = _scaled_log(1 / math.log(2)), _scaled_log(1 / math.log(10))


def _sqrt_special(x, y, w):
    # sqrt(x + inf i) = inf + inf i; sqrt(inf + NaN i) = inf + NaN i; sqrt(-inf + NaN i) = NaN + inf i
    inf = _full(x, math.inf)
    w = _where(_isnan(y) & (x == math.inf), cpx(inf, y), _where(_isnan(y) & (x == -math.inf), cpx(y, inf), w))
    return _where(_is_inf(y), cpx(inf, y), w)


sqrt = _conjugate_symmetric(_fixed(lax.sqrt, _sqrt_special))


def rsqrt(z):
    return reciprocal(sqrt(z))  # 1 / sqrt(z), as the kernel


def logistic(z):
    # 1 / (1 + exp(-z)), each step as NumPy rounds it (the sum's imaginary part is 0 + im)
    e = exp(-z)
    return reciprocal(cpx(R.const(1, re(e)) + re(e), _positive_zero(im(e))))


# hyperbolic and trigonometric functions ------------------------------------------------------------------
def _undefined_y(x, y, at_zero, at_inf):
    """The value for a non-finite imaginary part: `at_zero` where x == 0, `at_inf` where x is infinite."""
    nan = _full(x, math.nan)
    return _where(x == 0, at_zero, _where(_is_inf(x), at_inf, cpx(nan, nan)))


def sinh(z):
    x, y = re(z), im(z)
    nan = _full(x, math.nan)
    w = cpx(R.sinh(x) * lax.cos(y), _where(y == 0, y, R.cosh(x) * lax.sin(y)))
    # non-finite y: x + NaN i at x == 0, +inf + NaN i at infinite x (C99 leaves the sign open; glibc's)
    return _where(lax.is_finite(y), w, _undefined_y(x, y, cpx(x, nan), cpx(lax.abs(x), nan)))


def cosh(z):
    x, y = re(z), im(z)
    nan, zero = _full(x, math.nan), jnp.zeros_like(x)
    w = cpx(R.cosh(x) * lax.cos(y), _where(y == 0, _where(_isnan(x), y, _flip(y, x)), R.sinh(x) * lax.sin(y)))
    return _where(lax.is_finite(y), w, _undefined_y(x, y, cpx(nan, zero), cpx(_full(x, math.inf), nan)))


def _tanh_special(x, y, w):
    # tanh(+-inf + i y) = +-1 + 0 i with the sign of sin(2y); a non-finite y gives x + NaN i
    # at x == 0; NaN + 0 i stays
    one = R.copysign(jnp.ones_like(x), x)
    at_inf = cpx(one, R.copysign(jnp.zeros_like(x), _where(lax.is_finite(y), lax.sin(y + y), y)))
    nan = _full(x, math.nan)
    w = _where(_is_inf(x), at_inf, _where(lax.is_finite(y), w, _undefined_y(x, y, cpx(x, nan), at_inf)))
    return _where(_isnan(x) & (y == 0), cpx(x, y), w)


tanh = _fixed(_odd(lax.tanh), _tanh_special)


def _times_minus_i(fn):
    """-i f(i z): sin from sinh, tan from tanh, atan from atanh (C99 defines them so)."""
    def rule(z):
        w = fn(cpx(-im(z), re(z)))
        return cpx(im(w), -re(w))
    return rule


tan = _times_minus_i(tanh)


def sin(z):
    # -i sinh(i z), with glibc's sign (+) for the infinite imaginary part beside a NaN real part
    w = _times_minus_i(sinh)(z)
    return _where(_isnan(re(w)) & _is_inf(im(w)), cpx(re(w), lax.abs(im(w))), w)


def cos(z):
    return cosh(cpx(-im(z), re(z)))  # cos(z) = cosh(i z)


# inverse functions -----------------------------------------------------------------------------------
def _asin_special(x, y, w):
    return _where((x == 0) & _isnan(y), cpx(x, y), w)  # asin(0 + NaN i) = 0 + NaN i


def _acos_special(x, y, w):
    return _where((x == 0) & _isnan(y), cpx(_full(x, math.pi / 2), y), w)  # acos(0 + NaN i) = pi/2 + NaN i


def _asinh_special(x, y, w):
    return _where((y == 0) & _isnan(x), cpx(x, y), w)  # asinh(NaN + 0 i) = NaN + 0 i


def _acosh_special(x, y, w):
    return _where((x == 0) & _isnan(y), cpx(y, _full(x, math.pi / 2)), w)  # acosh(0 + NaN i) = NaN + pi/2 i


def _atanh_special(x, y, w):
    # a NaN imaginary part gives x + NaN i for x == 0, 0 + NaN i for infinite x, else NaN;
    # a NaN real part gives 0 + pi/2 i for infinite y, else NaN
    nan, zero = _full(x, math.nan), jnp.zeros_like(x)
    nan_y = cpx(_where(x == 0, x, _where(_is_inf(x), zero, nan)), nan)
    nan_x = _where(_is_inf(y), cpx(zero, _full(x, math.pi / 2)), cpx(nan, nan))
    return _where(_isnan(y), nan_y, _where(_isnan(x), nan_x, w))


asin = _odd(_fixed(lax.asin, _asin_special), inverse=True)
acos = _conjugate_symmetric(_fixed(lax.acos, _acos_special))
asinh = _odd(_fixed(lax.asinh, _asinh_special), inverse=True)
acosh = _conjugate_symmetric(_fixed(lax.acosh, _acosh_special))
atanh = _odd(_fixed(lax.atanh, _atanh_special), inverse=True)
atan = _times_minus_i(atanh)
