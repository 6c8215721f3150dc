"""The Faddeeva function w(z) = exp(-z**2) erfc(-i z) of fluxion.scipy.special.wofz, for complex z.

In the closed upper half plane w is computed from one of two expansions, chosen per element:
for |z| < 6 (4.5 in complex64) Weideman's rational approximation (J. A. C. Weideman, SIAM J. Numer.
Anal. 31, 1994): w(z) = 2 p(Z) / (L - i z)**2 + 1 / (sqrt(pi) (L - i z)), Z = (L + i z) / (L - i z),
with p a polynomial of degree N = 40 (20) whose coefficients are the Fourier coefficients of
exp(-t**2) (L**2 + t**2) in the angle of t = L tan(theta / 2), computed once by an FFT; beyond,
Laplace's continued fraction w(z) = (i / sqrt(pi)) / (z - (1/2) / (z - 1 / (z - (3/2) / (z - ...)))),
of fixed depth; for huge |z| its first term i / (sqrt(pi) z). The lower half plane is reflected:
w(z) = 2 exp(-z**2) - w(-z), with exp(-z**2) from z split into exact parts, so that neither its
modulus exp(y**2 - x**2) nor its phase 2 x y is rounded before the exp, sin and cos (their
rounding would cost |z|**2 ulps). exp(-z**2) overflows far enough below the real axis: there w is
inf or NaN, as SciPy's. dw/dz = 2i / sqrt(pi) - 2 z w(z), given by a holomorphic `custom_jvp`.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..numpy._convert import convert, promote_inexact
from ..ops import elementwise as E
from ..transforms.autodiff.custom import custom_jvp
from ._oscillatory_integrals import _split
from ._util import _c, _is_nan, _poly, _where, _wide

# per real dtype: Weideman's N, the |z| from which the continued fraction serves, its depth, and the
# |z| from which its first term alone is exact (the next is 1 / (2 z**2) of it)
_RULES = {dtypes.float64: (40, 6.0, 20, 1e8), dtypes.float32: (20, 4.5, 10, 1e4)}
# |x|, |y| below which the split of exp(-z**2) into exact parts is valid (`_split`, with a margin)
_SPLIT_BELOW = {dtypes.float64: 2.0 ** 50, dtypes.float32: 2.0 ** 22}
_I_SQRT_PI = 1 / math.sqrt(math.pi)


@functools.lru_cache(maxsize=None)
def _weideman(n: int) -> tuple[float, list[float]]:
    """L and the coefficients a_0 .. a_{n-1} of p (lowest first): exp(-t**2) (L**2 + t**2) sampled
    at t = L tan(theta / 2), theta = pi k / (2n), |k| < 2n, and transformed."""
    m = 2 * n
    length = math.sqrt(n / math.sqrt(2))
    theta = np.arange(-m + 1, m) * np.pi / m
    t = length * np.tan(theta / 2)
    f = np.concatenate([[0.0], np.exp(-t * t) * (length ** 2 + t * t)])
    a = np.real(np.fft.fft(np.fft.fftshift(f))) / (2 * m)
    return length, [float(c) for c in a[1:n + 1]]


def _complex(re: Array, im: Array) -> Array:
    return E.complex_p.bind(re, im)


def _rational(z: Array, real) -> Array:
    """Weideman's approximation, for Im z >= 0."""
    length, coefficients = _weideman(_RULES[real][0])
    iz = E.mul_p.bind(z, _c(1j, z))
    d = E.div_p.bind(_c(1, z), E.sub_p.bind(_c(length, z), iz))
    big_z = E.mul_p.bind(E.add_p.bind(_c(length, z), iz), d)
    p = _poly(big_z, coefficients)
    return E.mul_p.bind(d, E.add_p.bind(E.mul_p.bind(E.add_p.bind(p, p), d), _c(_I_SQRT_PI, z)))


def _fraction(z: Array, real) -> Array:
    """Laplace's continued fraction, evaluated from the bottom, for Im z >= 0 and |z| large."""
    t = z
    for k in range(_RULES[real][2], 0, -1):
        t = E.sub_p.bind(z, E.div_p.bind(_c(k / 2, z), t))
    return E.div_p.bind(_c(1j * _I_SQRT_PI, z), t)


def _first_term(x: Array, y: Array) -> tuple[Array, Array]:
    """i / (sqrt(pi) z) = (y + i x) / (sqrt(pi) |z|**2), scaled so that |z|**2 cannot overflow."""
    m = E.max_p.bind(E.abs_p.bind(x), E.abs_p.bind(y))
    u, v = E.div_p.bind(x, m), E.div_p.bind(y, m)
    scale = E.div_p.bind(_c(_I_SQRT_PI, m), E.mul_p.bind(E.add_p.bind(E.mul_p.bind(u, u), E.mul_p.bind(v, v)), m))
    return E.mul_p.bind(v, scale), E.mul_p.bind(u, scale)


def _upper(z: Array, x: Array, y: Array) -> Array:
    """w(z) for Im z >= 0, z finite."""
    real = x.dtype
    _, near_below, _, huge_from = _RULES[real]
    size = E.max_p.bind(E.abs_p.bind(x), E.abs_p.bind(y))
    near = E.lt_p.bind(E.abs_p.bind(z), _c(near_below, x))
    huge = E.ge_p.bind(size, _c(huge_from, x))
    zero, start = _c(0, z), _c(near_below, z)
    rational = _rational(_where(near, z, zero), real)
    fraction = _fraction(_where(E.or_p.bind(near, huge), start, z), real)
    one = _c(1, x)
    re, im = _first_term(_where(huge, x, one), _where(huge, y, one))
    return _where(near, rational, _where(huge, _complex(re, im), fraction))


def _two_sum(a: Array, b: Array) -> tuple[Array, Array]:
    """s + e = a + b exactly, s the rounded sum."""
    s = E.add_p.bind(a, b)
    bb = E.sub_p.bind(s, a)
    e = E.add_p.bind(E.sub_p.bind(a, E.sub_p.bind(s, bb)), E.sub_p.bind(b, bb))
    return s, e


def _twice_exp_minus_square(x: Array, y: Array) -> tuple[Array, Array]:
    """The real and imaginary parts of 2 exp(-z**2) = 2 exp(y**2 - x**2) (cos 2xy - i sin 2xy).

    With x = xh + xl, y = yh + yl (`_split`), yh**2 - xh**2 is a rounded sum plus an exact error,
    2 xh yh is exact: the exp, cos and sin see exact arguments, and the small rest enters through
    expm1 and the angle-sum formulas. Beyond the split's range, y**2 - x**2 and 2 x y are rounded."""
    inside = E.and_p.bind(E.lt_p.bind(E.abs_p.bind(x), _c(_SPLIT_BELOW[x.dtype], x)),
                          E.lt_p.bind(E.abs_p.bind(y), _c(_SPLIT_BELOW[x.dtype], y)))
    xs, ys = _where(inside, x, _c(0, x)), _where(inside, y, _c(0, y))
    xh, xl = _split(xs)
    yh, yl = _split(ys)
    s, err = _two_sum(E.mul_p.bind(yh, yh), E.neg_p.bind(E.mul_p.bind(xh, xh)))
    cross = E.sub_p.bind(E.mul_p.bind(yh, yl), E.mul_p.bind(xh, xl))
    rest = E.add_p.bind(E.add_p.bind(err, E.add_p.bind(cross, cross)),
                        E.sub_p.bind(E.mul_p.bind(yl, yl), E.mul_p.bind(xl, xl)))
    phase_hi = E.mul_p.bind(E.mul_p.bind(xh, yh), _c(2, x))
    phase_lo = E.mul_p.bind(E.add_p.bind(E.add_p.bind(E.mul_p.bind(xh, yl), E.mul_p.bind(xl, yh)), E.mul_p.bind(xl, yl)),
                            _c(2, x))
    ax, ay = E.abs_p.bind(x), E.abs_p.bind(y)
    s = _where(inside, s, E.mul_p.bind(E.sub_p.bind(ay, ax), E.add_p.bind(ay, ax)))
    phase_hi = _where(inside, phase_hi, E.mul_p.bind(E.mul_p.bind(x, y), _c(2, x)))
    phase_lo = _where(inside, phase_lo, _c(0, x))
    rest = _where(inside, rest, _c(0, x))
    # e (1 + expm1(rest)), not e exp(rest): XLA would fold a product of exps into the exp of a sum
    e = E.mul_p.bind(E.exp_p.bind(s), _c(2, x))
    modulus = _where(E.is_finite_p.bind(e), E.add_p.bind(e, E.mul_p.bind(e, E.expm1_p.bind(rest))), e)
    ch, sh = E.cos_p.bind(phase_hi), E.sin_p.bind(phase_hi)
    cl, sl = E.cos_p.bind(phase_lo), E.sin_p.bind(phase_lo)
    cos = E.sub_p.bind(E.mul_p.bind(ch, cl), E.mul_p.bind(sh, sl))
    sin = E.add_p.bind(E.mul_p.bind(sh, cl), E.mul_p.bind(ch, sl))
    # on the imaginary axis the phase is 0: no inf * 0 where the modulus overflows
    im = _where(E.eq_p.bind(x, _c(0, x)), _c(0, x), E.neg_p.bind(E.mul_p.bind(modulus, sin)))
    return E.mul_p.bind(modulus, cos), im


@custom_jvp
def _wofz(z: Array) -> Array:
    x, y = E.real_p.bind(z), E.imag_p.bind(z)
    zero = _c(0, x)
    lower = E.lt_p.bind(y, zero)
    finite = E.and_p.bind(E.is_finite_p.bind(x), E.is_finite_p.bind(y))
    # the upper half plane sees z, the lower -z; other lanes 1
    flip = _where(finite, _where(lower, E.neg_p.bind(z), z), _c(1, z))
    up = _upper(flip, E.real_p.bind(flip), E.imag_p.bind(flip))
    xl, yl = _where(lower, x, zero), _where(lower, y, zero)
    e_re, e_im = _twice_exp_minus_square(xl, yl)
    reflected = E.sub_p.bind(_complex(e_re, e_im), up)
    out = _where(lower, reflected, up)
    # |z| = inf: 0 in the closed upper half plane and for y finite (exp(-x**2) vanishes), erfcx(-inf) =
    # inf at -i inf, else NaN
    vanishes = E.or_p.bind(E.not_p.bind(lower), E.is_finite_p.bind(y))
    at_infinity = _where(E.eq_p.bind(x, zero), _c(np.inf, z), _c(np.nan, z))
    out = _where(finite, out, _where(vanishes, _c(0, z), at_infinity))
    return _where(E.or_p.bind(_is_nan(x), _is_nan(y)), _c(complex(np.nan, np.nan), z), out)


_wofz.defjvps(lambda t, w, z: E.mul_p.bind(t, E.sub_p.bind(_c(2j * _I_SQRT_PI, z),
                                                           E.mul_p.bind(E.add_p.bind(z, z), w))))


def wofz(z) -> Array:
    """The Faddeeva function w(z) = exp(-z**2) erfc(-i z), for complex z.

    Real input is promoted to complex: float64 to complex128, other reals to complex64 (SciPy gives
    complex128 for every real input). w(x) = exp(-x**2) + 2i dawsn(x) / sqrt(pi) on the real axis,
    w(iy) = erfcx(y); 0 at infinity in the closed upper half plane and for finite Im z; inf or NaN
    where exp(-z**2) overflows (far below the real axis, as SciPy). About 1e-15 relative in
    complex128 (1e-6 in complex64), but near the zeros of w in the lower half plane, where
    2 exp(-z**2) and w(-z) cancel. dw/dz = 2i / sqrt(pi) - 2 z w(z).

    >>> import fluxion.scipy.special as fsp
    >>> w = fsp.wofz(1.0 + 1.0j).item()
    >>> round(w.real, 6), round(w.imag, 6)
    (0.304744, 0.208219)
    """
    (z_in,) = promote_inexact("wofz", z)
    if z_in.dtype not in dtypes.COMPLEX:
        z_in = _wide(z_in)
        z_in = convert(z_in, dtypes.complex_dtype(z_in.dtype), z_in.weak)
    return _wofz(z_in)
