"""Dawson's integral, the Fresnel integrals and the sine and cosine integrals of
fluxion.scipy.special, with SciPy's values at 0, at infinities and for negative arguments.

Each is odd or even, so it is computed at |x|. Near 0 it is a polynomial in x**2 (or x**4) times
a power of x, so that it keeps its relative precision down to the smallest floats; in the middle
a piecewise polynomial (`_tables.py`, fitted by `tools/make_special_tables.py`); for large x its asymptotic
series, stopped where its terms are below the dtype's precision. The oscillating ones are written
through smooth auxiliary functions f and g times sin and cos, whose arguments are reduced exactly
(x**2 is split into exact parts before the reduction modulo the period). Derivatives are the
closed forms, given by `custom_jvp`, so they hold at every order.
"""
from __future__ import annotations

import math

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..numpy import sinc, take
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..transforms.autodiff.custom import custom_jvp
from ._exponential_integrals import _EULER, _in_wide, _terms
from ._tables import TABLES, ZEROS
from ._util import _c, _is_nan, _poly, _where


def _piecewise(x: Array, name: str) -> Array:
    """The polynomial of table `name` on the interval holding x (x inside the table's breaks),
    times (x - hi) - lo where the table gives that interval a zero hi + lo (ZEROS)."""
    breaks, rows = TABLES[name][np.dtype(x.dtype).name]
    rows = np.array(rows, x.dtype)
    if len(rows) == 1:
        mid, half = (breaks[0] + breaks[1]) / 2, (breaks[1] - breaks[0]) / 2
        return _poly(E.div_p.bind(E.sub_p.bind(x, _c(mid, x)), _c(half, x)), list(rows[0]))
    index = convert(E.ge_p.bind(x, _c(breaks[1], x)), dtypes.int32)
    for b in breaks[2:-1]:
        index = E.add_p.bind(index, convert(E.ge_p.bind(x, _c(b, x)), dtypes.int32))
    lo, hi = np.array(breaks[:-1], x.dtype), np.array(breaks[1:], x.dtype)
    # the breaks are powers of two apart, or even numbers from 2 on: mid and half are exact, and so
    # is x - mid
    t = E.div_p.bind(E.sub_p.bind(x, take((lo + hi) / 2, index)), take((hi - lo) / 2, index))
    out = take(rows[:, -1], index)
    for k in range(rows.shape[1] - 2, -1, -1):
        out = E.add_p.bind(E.mul_p.bind(out, t), take(rows[:, k], index))
    if name in ZEROS:
        pairs = np.array([z or (0.0, 0.0) for z in ZEROS[name]], x.dtype)
        factor = E.sub_p.bind(E.sub_p.bind(x, take(pairs[:, 0], index)), take(pairs[:, 1], index))
        has_zero = take(np.array([z is not None for z in ZEROS[name]]), index)
        out = E.mul_p.bind(out, _where(has_zero, factor, _c(1, x)))
    return out


def _odd(x: Array, value: Array, signed_zero: bool = True) -> Array:
    """`value` (computed at |x|) with x's sign, and NaN for NaN; without `signed_zero` the value
    at -0.0 is +0.0 (as SciPy's fresnel and sici, whose results are -0.0 only where they underflow)."""
    out = E.copysign_p.bind(value, x)
    if not signed_zero:
        out = _where(E.eq_p.bind(x, _c(0, x)), value, out)
    return _where(_is_nan(x), x, out)


# Dawson's integral F(x) = exp(-x**2) * integral of exp(t**2) from 0 to x ----------------------------
_DAWSN_FROM = 16.0  # the asymptotic series reaches eps from here in 10 terms (5 in float32)


def _dawsn_asymptotic(a: Array) -> Array:
    """F(x) ~ 1/(2x) sum over k of (2k - 1)!! / (2 x**2)**k (DLMF 7.12.1 with 7.5.1)."""
    r = E.div_p.bind(_c(0.5, a), E.mul_p.bind(a, a))
    s = _c(1, a)
    for k in range(_terms(a, 10, 5), 0, -1):
        s = E.add_p.bind(_c(1, a), E.mul_p.bind(E.mul_p.bind(r, _c(2 * k - 1, a)), s))
    return E.div_p.bind(s, E.mul_p.bind(a, _c(2, a)))


@custom_jvp
def _dawsn(x: Array) -> Array:
    a = E.abs_p.bind(x)
    small, large = E.lt_p.bind(a, _c(1, a)), E.ge_p.bind(a, _c(_DAWSN_FROM, a))
    a_small = _where(small, a, _c(0.5, a))
    near = E.mul_p.bind(a_small, _piecewise(E.mul_p.bind(a_small, a_small), "dawsn_small"))
    middle = _piecewise(_where(E.or_p.bind(small, large), _c(1, a), a), "dawsn")
    far = _dawsn_asymptotic(_where(large, a, _c(_DAWSN_FROM, a)))
    return _odd(x, _where(small, near, _where(large, far, middle)))


_dawsn.defjvps(lambda t, out, x: E.mul_p.bind(t, E.sub_p.bind(_c(1, x), E.mul_p.bind(E.mul_p.bind(x, out),
                                                                                          _c(2, x)))))


def dawsn(x) -> Array:
    """Dawson's integral exp(-x**2) times the integral of exp(t**2) from 0 to x.

    Odd, 0 at +-inf and at 0; d/dx dawsn(x) = 1 - 2 x dawsn(x).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.dawsn(1.0).item(), 4)
    0.5381
    """
    return _in_wide("dawsn", _dawsn, x)


# sin and cos of pi x**2 / 2, with the argument reduced exactly --------------------------------------
_SPLIT = {dtypes.float64: (np.dtype(np.int64), 27), dtypes.float32: (np.dtype(np.int32), 12)}


def _split(x: Array) -> tuple[Array, Array]:
    """x = hi + lo with hi's low bits cleared, so that hi**2 and 2 hi lo are exact (|x| below 2**55,
    2**26 in float32)."""
    int_type, bits = _SPLIT[x.dtype]
    mask = Array(np.array(~((1 << bits) - 1), int_type))
    hi = E.bitcast_convert_type_p.bind(E.and_p.bind(E.bitcast_convert_type_p.bind(x, new_dtype=int_type), mask),
                                       new_dtype=x.dtype)
    return hi, E.sub_p.bind(x, hi)


def _square_mod_4(x: Array) -> Array:
    """x**2 modulo 4, for |x| below 2**55 (2**26 in float32): x = hi + lo (`_split`), hi**2 and
    2 hi lo reduced exactly; lo**2 is below x**2 * eps**2, whose rounding costs less than the
    amplitude 1/x of the terms it multiplies."""
    hi, lo = _split(x)
    four = _c(4, x)
    r = E.add_p.bind(E.rem_p.bind(E.mul_p.bind(hi, hi), four), E.rem_p.bind(E.mul_p.bind(E.mul_p.bind(hi, lo), _c(2, x)),
                                                                             four))
    return E.add_p.bind(E.rem_p.bind(r, four), E.mul_p.bind(lo, lo))


def _half_pi_square(fn, x: Array) -> Array:
    return fn(E.mul_p.bind(_square_mod_4(x), _c(math.pi / 2, x)))


@custom_jvp
def _sin_half_pi_square(x: Array) -> Array:
    return _half_pi_square(E.sin_p.bind, x)


@custom_jvp
def _cos_half_pi_square(x: Array) -> Array:
    return _half_pi_square(E.cos_p.bind, x)


_sin_half_pi_square.defjvps(lambda t, out, x: E.mul_p.bind(t, E.mul_p.bind(E.mul_p.bind(x, _c(math.pi, x)),
                                                                            _cos_half_pi_square(x))))
_cos_half_pi_square.defjvps(lambda t, out, x: E.mul_p.bind(t, E.mul_p.bind(E.mul_p.bind(x, _c(-math.pi, x)),
                                                                            _sin_half_pi_square(x))))


# Fresnel integrals S(x), C(x): the integrals of sin(pi t**2 / 2) and cos(pi t**2 / 2) from 0 to x --
_FRESNEL_FROM = 8.0  # the asymptotic series of f and g reach eps from here in 8 terms (4 in float32)
_FRESNEL_FLAT = {dtypes.float64: 2.0 ** 54, dtypes.float32: 2.0 ** 25}  # past this S = C = 1/2 exactly


def _fresnel_asymptotic(a: Array) -> tuple[Array, Array]:
    """f ~ 1/(pi x) sum (-1)**m (4m - 1)!! / (pi x**2)**(2m), g ~ 1/(pi**2 x**3) sum (-1)**m
    (4m + 1)!! / (pi x**2)**(2m) (DLMF 7.12.2, 7.12.3)."""
    y = E.div_p.bind(_c(1 / math.pi, a), E.mul_p.bind(a, a))
    q = E.mul_p.bind(y, y)
    f, g = _c(1, a), _c(1, a)
    for m in range(_terms(a, 8, 4), 0, -1):
        f = E.sub_p.bind(_c(1, a), E.mul_p.bind(E.mul_p.bind(q, _c((4 * m - 1) * (4 * m - 3), a)), f))
        g = E.sub_p.bind(_c(1, a), E.mul_p.bind(E.mul_p.bind(q, _c((4 * m + 1) * (4 * m - 1), a)), g))
    inv = E.div_p.bind(_c(1 / math.pi, a), a)
    return E.mul_p.bind(inv, f), E.mul_p.bind(E.mul_p.bind(inv, y), g)


@custom_jvp
def _fresnel(x: Array) -> tuple[Array, Array]:
    a = E.abs_p.bind(x)
    one, half = _c(1, a), _c(0.5, a)
    small, large = E.lt_p.bind(a, one), E.ge_p.bind(a, _c(_FRESNEL_FROM, a))
    flat = E.not_p.bind(E.le_p.bind(a, _c(_FRESNEL_FLAT[a.dtype], a)))  # NaN included
    a_small = _where(small, a, _c(0.5, a))
    a2 = E.mul_p.bind(a_small, a_small)
    a4 = E.mul_p.bind(a2, a2)
    s_near = E.mul_p.bind(E.mul_p.bind(a2, a_small), _piecewise(a4, "fresnel_s_small"))
    c_near = E.mul_p.bind(a_small, _piecewise(a4, "fresnel_c_small"))
    a_mid = _where(E.or_p.bind(small, large), one, a)
    f_far, g_far = _fresnel_asymptotic(_where(E.and_p.bind(large, E.not_p.bind(flat)), a, _c(_FRESNEL_FROM, a)))
    f = _where(large, f_far, _piecewise(a_mid, "fresnel_f"))
    g = _where(large, g_far, _piecewise(a_mid, "fresnel_g"))
    a_trig = _where(E.or_p.bind(small, flat), one, a)
    sin, cos = _sin_half_pi_square(a_trig), _cos_half_pi_square(a_trig)
    s_far = E.sub_p.bind(E.sub_p.bind(half, E.mul_p.bind(f, cos)), E.mul_p.bind(g, sin))
    c_far = E.sub_p.bind(E.add_p.bind(half, E.mul_p.bind(f, sin)), E.mul_p.bind(g, cos))
    s = _where(small, s_near, _where(flat, half, s_far))
    c = _where(small, c_near, _where(flat, half, c_far))
    return _odd(x, s, signed_zero=False), _odd(x, c, signed_zero=False)


_fresnel.defjvps(lambda t, out, x: (E.mul_p.bind(t, _sin_half_pi_square(x)), E.mul_p.bind(t, _cos_half_pi_square(x))))


def fresnel(z) -> tuple[Array, Array]:
    """The Fresnel integrals (S, C): the integrals of sin(pi t**2 / 2) and cos(pi t**2 / 2) from 0 to z.

    Odd, +-1/2 at +-inf. dS/dz = sin(pi z**2 / 2), dC/dz = cos(pi z**2 / 2). For large z the
    argument pi z**2 / 2 is reduced exactly, so the small oscillations about 1/2 stay accurate
    (SciPy computes them in rounded arithmetic from z = 36974 on).

    >>> import fluxion.scipy.special as fsp
    >>> [round(v.item(), 4) for v in fsp.fresnel(1.0)]
    [0.4383, 0.7799]
    """
    return _in_wide("fresnel", _fresnel, z)


# Si(x), Ci(x): the integral of sin(t) / t from 0 to x, and euler + log x + integral of (cos(t) - 1) / t
_SICI_SMALL, _SICI_FROM = 2.0, 64.0  # the asymptotic series reach eps from 64 on in 10 terms (4 in float32)


def _sici_asymptotic(a: Array) -> tuple[Array, Array]:
    """f ~ 1/x sum (-1)**k (2k)! / x**(2k), g ~ 1/x**2 sum (-1)**k (2k + 1)! / x**(2k) (DLMF 6.12.3, 6.12.4)."""
    inv = E.div_p.bind(_c(1, a), a)
    v = E.mul_p.bind(inv, inv)
    f, g = _c(1, a), _c(1, a)
    for k in range(_terms(a, 10, 4), 0, -1):
        f = E.sub_p.bind(_c(1, a), E.mul_p.bind(E.mul_p.bind(v, _c(2 * k * (2 * k - 1), a)), f))
        g = E.sub_p.bind(_c(1, a), E.mul_p.bind(E.mul_p.bind(v, _c((2 * k + 1) * 2 * k, a)), g))
    return E.mul_p.bind(inv, f), E.mul_p.bind(v, g)


@custom_jvp
def _sici(x: Array) -> tuple[Array, Array]:
    a = E.abs_p.bind(x)
    one = _c(1, a)
    small, large = E.lt_p.bind(a, _c(_SICI_SMALL, a)), E.ge_p.bind(a, _c(_SICI_FROM, a))
    finite = E.is_finite_p.bind(a)
    a_small = _where(small, a, _c(0.5, a))
    a2 = E.mul_p.bind(a_small, a_small)
    si_near = E.mul_p.bind(a_small, _piecewise(a2, "si_small"))
    ci_near = E.add_p.bind(E.add_p.bind(_c(_EULER, a), E.log_p.bind(a_small)), _piecewise(a2, "cin_small"))
    a_mid = _where(E.or_p.bind(small, large), _c(_SICI_SMALL, a), a)
    f_far, g_far = _sici_asymptotic(_where(E.and_p.bind(large, finite), a, _c(_SICI_FROM, a)))
    f = _where(large, f_far, _piecewise(a_mid, "sici_f"))
    g = _where(large, g_far, _piecewise(a_mid, "sici_g"))
    a_trig = _where(E.or_p.bind(small, E.not_p.bind(finite)), one, a)
    sin, cos = E.sin_p.bind(a_trig), E.cos_p.bind(a_trig)
    si_far = E.sub_p.bind(E.sub_p.bind(_c(math.pi / 2, a), E.mul_p.bind(f, cos)), E.mul_p.bind(g, sin))
    ci_far = E.sub_p.bind(E.mul_p.bind(f, sin), E.mul_p.bind(g, cos))
    infinite = E.eq_p.bind(a, _c(np.inf, a))
    si = _where(small, si_near, _where(infinite, _c(math.pi / 2, a), si_far))
    ci = _where(small, ci_near, _where(infinite, _c(0, a), ci_far))
    # as SciPy: Ci(-x) = Ci(x) (the real part of Ci on the negative axis), but NaN at -inf
    ci = _where(E.or_p.bind(_is_nan(x), E.eq_p.bind(x, _c(-np.inf, x))), _c(np.nan, x), ci)
    return _odd(x, si, signed_zero=False), ci


_sici.defjvps(lambda t, out, x: (E.mul_p.bind(t, sinc(E.mul_p.bind(x, _c(1 / math.pi, x)))),
                                 E.mul_p.bind(t, E.div_p.bind(E.cos_p.bind(x), x))))


def sici(x) -> tuple[Array, Array]:
    """The sine and cosine integrals (Si, Ci): Si(x) = integral of sin(t) / t from 0 to x,
    Ci(x) = euler + log|x| + integral of (cos(t) - 1) / t from 0 to x.

    Si is odd, +-pi/2 at +-inf; Ci is -inf at 0, 0 at inf, and as SciPy's Ci(|x|) for x < 0
    (NaN at -inf). dSi/dx = sin(x) / x, dCi/dx = cos(x) / x.

    >>> import fluxion.scipy.special as fsp
    >>> [round(v.item(), 4) for v in fsp.sici(1.0)]
    [0.9461, 0.3374]
    """
    return _in_wide("sici", _sici, x)
