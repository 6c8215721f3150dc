"""The Bessel functions of orders 0 and 1 of a real argument in fluxion.scipy.special: j0, j1, y0,
y1, k0, k1, the scaled k0e, k1e, and i0, i1, with SciPy's values at 0, for x < 0 and at infinities.

- Near 0 the power series (DLMF 10.2.2, 10.8.1, 10.25.2, 10.31.1-2), whose logarithmic terms are
  written out: for x < 1 (J, K, Y_1) and x < 1/2 (Y_0, whose first zero is 0.89), with ten terms.
- J and Y up to x = 26: piecewise polynomials (`_tables.py`, fitted by
  `tools/make_special_tables.py`) on [1/2, 1] (Y_0 only), [1, 2] and intervals two units wide,
  divided by x - z where a zero z lies within half a unit of the interval: the zero, stored as a
  pair of floats hi + lo, is multiplied back as (x - hi) - lo, so that the functions keep their
  relative precision at their zeros.
- Beyond, Hankel's asymptotic expansion (shared with bessel_jn), with cos and sin of x exact:
  within a few ulps of the oscillation's amplitude sqrt(2 / (pi x)). (SciPy's values are off by
  some x ulps of it: 1e-6 of the amplitude at x = 1e10.)
- K for x > 1: sqrt(x) exp(x) K(x) as a piecewise polynomial in 1 / x.
- I: exp(|x|) times the scaled primitives i0e, i1e, in the argument's dtype, finite wherever I is.

The others are computed in float64 and rounded once. Derivatives are the closed forms J_0' = -J_1,
J_1' = J_0 - J_1 / x, I_0' = I_1, I_1' = I_0 - I_1 / x, Y like J, K_0' = -K_1, K_1' = -K_0 - K_1 / x
(and those of the scaled functions), given by `custom_jvp`, so they hold at every order; J_1 / x and
I_1 / x are power series in x**2 near 0, so also there.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .. import numpy as fnp
from ..core.array import Array
from ..ops import elementwise as E
from ..transforms.autodiff.custom import custom_jvp
from ._bessel import _hankel
from ._exponential_integrals import _EULER, _exp_times
from ._oscillatory_integrals import _piecewise
from ._util import _in_float64, _poly, _real

_SERIES_BELOW = 1.0  # the power series serve x below this (Y_0: below 1/2)
_Y0_SERIES_BELOW = 0.5
_TABLES_BELOW = 26.0  # then Hankel's expansion (within eps from 25)
_TERMS = 10  # of the power series in u = x**2 / 4 <= 1/4: the next is below 1e-19


def _coefficients(fn) -> list[float]:
    """fn(k) for k < _TERMS, each computed exactly and rounded once."""
    return [float(fn(k)) for k in range(_TERMS)]


def _harmonic(k: int) -> Fraction:
    return sum((Fraction(1, i) for i in range(1, k + 1)), Fraction(0))


def _factorial(k: int) -> Fraction:
    return Fraction(math.factorial(k))


# sum over k of c_k v**k, v = -u for J and Y, u for I and K; H_k the harmonic numbers,
# psi(k + 1) + psi(k + 2) = H_k + H_{k+1} - 2 euler
_ORDER_0 = _coefficients(lambda k: 1 / _factorial(k) ** 2)
_ORDER_1 = _coefficients(lambda k: 1 / (_factorial(k) * _factorial(k + 1)))
_ORDER_0_LOG = _coefficients(lambda k: _harmonic(k) / _factorial(k) ** 2)
_ORDER_1_LOG_H = _coefficients(lambda k: (_harmonic(k) + _harmonic(k + 1)) / (_factorial(k) * _factorial(k + 1)))
_ORDER_1_LOG = [c - 2 * _EULER * d for c, d in zip(_ORDER_1_LOG_H, _ORDER_1)]


def _log_half(x):
    """log(x / 2), without the underflow of x / 2."""
    return fnp.log(x) - math.log(2)


def _small_j(x, order):
    """J_0 or J_1 for 0 <= x < 1."""
    v = -(x * x) / 4
    return _poly(v, _ORDER_0) if order == 0 else x / 2 * _poly(v, _ORDER_1)


def _small_y(x, order):
    """Y_0 (x < 1/2) or Y_1 (x < 1) for x > 0:
    Y_0 = 2 / pi ((log(x / 2) + euler) J_0 - sum H_k (-u)**k / k!**2),
    Y_1 = -2 / (pi x) + 2 / pi log(x / 2) J_1 - x / (2 pi) sum (psi(k + 1) + psi(k + 2)) (-u)**k / (k! (k + 1)!)."""
    v = -(x * x) / 4
    if order == 0:
        return 2 / math.pi * ((_log_half(x) + _EULER) * _small_j(x, 0) - _poly(v, _ORDER_0_LOG))
    return -2 / (math.pi * x) + 2 / math.pi * _log_half(x) * _small_j(x, 1) - x / (2 * math.pi) * _poly(v, _ORDER_1_LOG)


def _small_k(x, order):
    """K_0 or K_1 for 0 < x < 1:
    K_0 = -(log(x / 2) + euler) I_0 + sum H_k u**k / k!**2,
    K_1 = 1 / x + log(x / 2) I_1 - x / 4 sum (psi(k + 1) + psi(k + 2)) u**k / (k! (k + 1)!)."""
    u = x * x / 4
    if order == 0:
        return -(_log_half(x) + _EULER) * _poly(u, _ORDER_0) + u * _poly(u, _ORDER_0_LOG[1:])
    return 1 / x + _log_half(x) * (x / 2 * _poly(u, _ORDER_1)) - x / 4 * _poly(u, _ORDER_1_LOG)


def _oscillating(z, order, kind):
    """J (kind "j") or Y ("y") of order 0 or 1 at |z|; at z = +-inf NaN, as SciPy."""
    x = fnp.abs(z)
    below = _Y0_SERIES_BELOW if (kind, order) == ("y", 0) else _SERIES_BELOW
    small, large = x < below, x >= _TABLES_BELOW
    finite = fnp.isfinite(x)
    x_small = fnp.where(small, x, below / 2)
    near = _small_j(x_small, order) if kind == "j" else _small_y(x_small, order)
    middle = _piecewise(fnp.where(small | large, 2.0, x), f"bessel_{kind}{order}")
    far = _hankel(fnp.where(large & finite, x, _TABLES_BELOW))[order][1 if kind == "y" else 0]
    out = fnp.where(small, near, fnp.where(large, far, middle))
    return fnp.where(finite, out, np.nan)


def _j0(x):
    return fnp.where(fnp.isnan(x), x, _oscillating(x, 0, "j"))


def _j1(x):
    return fnp.where(fnp.isnan(x), x, _oscillating(x, 1, "j") * fnp.copysign(1.0, x))


def _second_kind(x, value, at_zero):
    """SciPy's values off (0, inf): `at_zero` at +-0, NaN for x < 0 and NaN."""
    out = fnp.where(x == 0, at_zero, value)
    return fnp.where(x >= 0, out, np.nan)


def _y0(x):
    return _second_kind(x, _oscillating(fnp.where(x > 0, x, 1.0), 0, "y"), -np.inf)


def _y1(x):
    return _second_kind(x, _oscillating(fnp.where(x > 0, x, 1.0), 1, "y"), -np.inf)


def _modified(x, order, scaled):
    """K_0, K_1 for x > 0 (inf included), times exp(x) if `scaled`."""
    small = x < _SERIES_BELOW
    x_small = fnp.where(small, x, 0.5)
    near = _small_k(x_small, order)
    near = near * fnp.exp(x_small) if scaled else near
    x_far = fnp.where(small | ~fnp.isfinite(x), 2.0, x)
    # sqrt(x) exp(x) K(x) as a polynomial in 1 / x
    far = _piecewise(1 / x_far, f"bessel_k{order}e_far") / fnp.sqrt(x_far)
    far = far if scaled else _exp_times(-x_far, far)
    return fnp.where(small, near, fnp.where(x == np.inf, 0.0, far))


def _k0(x):
    return _second_kind(x, _modified(fnp.where(x > 0, x, 1.0), 0, False), np.inf)


def _k1(x):
    return _second_kind(x, _modified(fnp.where(x > 0, x, 1.0), 1, False), np.inf)


def _k0e(x):
    return _second_kind(x, _modified(fnp.where(x > 0, x, 1.0), 0, True), np.inf)


def _k1e(x):
    return _second_kind(x, _modified(fnp.where(x > 0, x, 1.0), 1, True), np.inf)


_j0_d, _j1_d, _y0_d, _y1_d = (custom_jvp(f) for f in (_j0, _j1, _y0, _y1))
_k0_d, _k1_d, _k0e_d, _k1e_d = (custom_jvp(f) for f in (_k0, _k1, _k0e, _k1e))


def _exp_abs_times(x, scaled):
    """exp(|x|) * scaled, through exp(|x| / 2) twice where exp(|x|) alone overflows but the
    product need not (float32's I_0 is finite up to 91.9, exp up to 88.7); one exp elsewhere,
    which rounds less."""
    a = fnp.abs(x)
    e = fnp.exp(a)
    return fnp.where(fnp.isinf(e), _exp_times(a, scaled), e * scaled)


def _i0(x):
    # as SciPy: exp(|x|) times the scaled function (NaN at inf). The product is smooth, but not
    # its factors at 0: its derivatives are the closed forms below
    return _exp_abs_times(x, E.bessel_i0e_p.bind(x))


def _i1(x):
    return _exp_abs_times(x, E.bessel_i1e_p.bind(x))


_i0_d, _i1_d = custom_jvp(_i0), custom_jvp(_i1)


def _over_x(f, x, sign):
    """f / x for f = J_1(x) (sign = -1) or I_1(x) (sign = 1): for |x| < 1 the power series in
    sign x**2 / 4, so that every derivative holds at 0 too."""
    small = fnp.abs(x) < _SERIES_BELOW
    return fnp.where(small, _poly(sign * (x * x) / 4, _ORDER_1) / 2, f / fnp.where(small, 1.0, x))


# J_1' = J_0 - J_1 / x, I_1' = I_0 - I_1 / x (both 1/2 at 0), Y_1' = Y_0 - Y_1 / x, K_1' = -K_0 - K_1 / x,
# and for the scaled functions (exp(x) K)' = exp(x) (K + K')
_j0_d.defjvps(lambda t, out, x: -t * _j1_d(x))
_j1_d.defjvps(lambda t, out, x: t * (_j0_d(x) - _over_x(out, x, -1)))
_i0_d.defjvps(lambda t, out, x: t * _i1_d(x))
_i1_d.defjvps(lambda t, out, x: t * (_i0_d(x) - _over_x(out, x, 1)))
_y0_d.defjvps(lambda t, out, x: -t * _y1_d(x))
_y1_d.defjvps(lambda t, out, x: t * (_y0_d(x) - _y1_d(x) / x))
_k0_d.defjvps(lambda t, out, x: -t * _k1_d(x))
_k1_d.defjvps(lambda t, out, x: -t * (_k0_d(x) + _k1_d(x) / x))
_k0e_d.defjvps(lambda t, out, x: t * (_k0e_d(x) - _k1e_d(x)))
_k1e_d.defjvps(lambda t, out, x: t * (_k1e_d(x) - _k0e_d(x) - _k1e_d(x) / x))


def j0(x) -> Array:
    """The Bessel function of the first kind of order 0; even, NaN at +-inf (as SciPy).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.j0(1.0).item(), 6)
    0.765198
    """
    return _in_float64("j0", _j0_d, x)


def j1(x) -> Array:
    """The Bessel function of the first kind of order 1; odd, NaN at +-inf (as SciPy).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.j1(1.0).item(), 6)
    0.440051
    """
    return _in_float64("j1", _j1_d, x)


def i0(x) -> Array:
    """The modified Bessel function of the first kind of order 0.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.i0(1.0).item(), 4)
    1.2661
    """
    return _i0_d(*_real("i0", x))


def i1(x) -> Array:
    """The modified Bessel function of the first kind of order 1.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.i1(1.0).item(), 4)
    0.5652
    """
    return _i1_d(*_real("i1", x))


def y0(x) -> Array:
    """The Bessel function of the second kind of order 0: -inf at 0, NaN for x < 0 and at inf.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.y0(1.0).item(), 6)
    0.088257
    """
    return _in_float64("y0", _y0_d, x)


def y1(x) -> Array:
    """The Bessel function of the second kind of order 1: -inf at 0, NaN for x < 0 and at inf.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.y1(1.0).item(), 6)
    -0.781213
    """
    return _in_float64("y1", _y1_d, x)


def k0(x) -> Array:
    """The modified Bessel function of the second kind of order 0: inf at 0, 0 at inf, NaN for x < 0.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.k0(1.0).item(), 6)
    0.421024
    """
    return _in_float64("k0", _k0_d, x)


def k1(x) -> Array:
    """The modified Bessel function of the second kind of order 1: inf at 0, 0 at inf, NaN for x < 0.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.k1(1.0).item(), 6)
    0.601907
    """
    return _in_float64("k1", _k1_d, x)


def k0e(x) -> Array:
    """exp(x) k0(x), without underflow for large x.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.k0e(1.0).item(), 6)
    1.144463
    """
    return _in_float64("k0e", _k0e_d, x)


def k1e(x) -> Array:
    """exp(x) k1(x), without underflow for large x.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.k1e(1.0).item(), 6)
    1.636153
    """
    return _in_float64("k1e", _k1e_d, x)
