"""The exponential integrals of fluxion.scipy.special (exp1, expi, expn) and Spence's function,
with SciPy's values at 0, at infinities and outside the domain.

Each is a fixed composition of elementwise primitives: power series for small arguments, a
continued fraction or an asymptotic series for large ones, chosen per element with `_where`,
every branch seeing only arguments of its own range. The number of terms depends on the dtype
(float32 needs fewer). Derivatives are the closed forms, given by `custom_jvp`, so they hold
at every order and never pass through an unused branch.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..transforms.autodiff.custom import custom_jvp
from ._util import _c, _is_nan, _poly, _real, _where, _wide

_EULER = 0.57721566490153286061  # Euler's constant, -digamma(1)
_PI2_6 = math.pi ** 2 / 6


def _in_wide(name: str, fn, x):
    """`fn` of real `x` (an Array or a tuple of them), computed in float32 for 16-bit floats and
    rounded once."""
    (x_in,) = _real(name, x)
    out = fn(_wide(x_in))
    if isinstance(out, tuple):
        return tuple(convert(o, x_in.dtype, x_in.weak) for o in out)
    return convert(out, x_in.dtype, x_in.weak)


def _terms(x: Array, float64: int, float32: int) -> int:
    """How many terms a series needs for full precision in `x`'s dtype."""
    return float64 if x.dtype == dtypes.float64 else float32


def _exp_times(y: Array, s: Array) -> Array:
    """exp(y) * s, overflowing or underflowing only where the product does (exp(y / 2) twice)."""
    h = E.exp_p.bind(E.mul_p.bind(y, _c(0.5, y)))
    return E.mul_p.bind(h, E.mul_p.bind(h, s))


# E_n(x) = integral of exp(-x t) / t**n over t >= 1 ----------------------------------------------
_SERIES_BELOW_N = {dtypes.float64: 12, dtypes.float32: 8}  # the fraction converges slowly for x < 1 and small n


def _expn_series(n: Array, x: Array) -> Array:
    """E_n(x) for 1 <= n < 12 and 0 < x < 1 (DLMF 8.19.8): with m = n - 1,
    (-x)**m / m! (digamma(n) - log x) - sum over k != m of (-x)**k / ((k - m) k!)."""
    m = E.sub_p.bind(n, _c(1, n))
    log_x = E.log_p.bind(x)
    power, harmonic, out = _c(1, x), 0.0, _c(0, x)  # (-x)**k / k!, and 1 + ... + 1/k
    for k in range(_terms(x, 20, 12)):
        if k:
            power = E.mul_p.bind(power, E.mul_p.bind(x, _c(-1 / k, x)))
            harmonic += 1 / k
        special = E.eq_p.bind(m, _c(k, m))
        regular = E.div_p.bind(power, _where(special, _c(1, m), E.sub_p.bind(m, _c(k, m))))
        at_m = E.mul_p.bind(power, E.sub_p.bind(_c(harmonic - _EULER, x), log_x))  # digamma(k + 1) - log x
        out = E.add_p.bind(out, _where(special, at_m, regular))
    return out


def _fraction_tail(n: Array, x: Array, k: int, step) -> Array:
    """The value t_k of the fraction's tail t_k = x + n + 2k - (k + 1)(n + k) / t_{k+1}, were it
    to grow by `step` per level: the positive root of t (t + step) = b (t + step) - a."""
    b = E.add_p.bind(E.add_p.bind(x, n), _c(2 * k, x))
    a = E.mul_p.bind(E.add_p.bind(n, _c(k, n)), _c(k + 1, n))
    b_d = E.sub_p.bind(b, step)
    disc = E.add_p.bind(E.mul_p.bind(b_d, b_d), E.mul_p.bind(E.sub_p.bind(E.mul_p.bind(b, step), a), _c(4, x)))
    return E.mul_p.bind(E.add_p.bind(b_d, E.sqrt_p.bind(disc)), _c(0.5, x))


def _expn_fraction(n: Array, x: Array) -> Array:
    """E_n(x) = exp(-x) / (x + n - 1 n / (x + n + 2 - 2 (n + 1) / (x + n + 4 - ...))) (DLMF 8.19.17),
    for x >= 1 or n >= 12, evaluated from the bottom; the truncated tail is estimated from the
    fraction's own recurrence, which gains as much as a third of the depth."""
    depth = _terms(x, 60, 20)
    one = _c(1, x)
    step = E.sub_p.bind(_fraction_tail(n, x, depth + 1, one), _fraction_tail(n, x, depth, one))
    t = _fraction_tail(n, x, depth, step)
    xn = E.add_p.bind(x, n)
    for k in range(depth - 1, -1, -1):
        a = E.mul_p.bind(E.add_p.bind(n, _c(k, n)), _c(k + 1, n))
        t = E.sub_p.bind(E.add_p.bind(xn, _c(2 * k, x)), E.div_p.bind(a, t))
    return _exp_times(E.neg_p.bind(x), E.div_p.bind(_c(1, x), t))


def _expn_value(n: Array, x: Array) -> Array:
    """E_n(x) for an integer-valued n in x's dtype (float32 or float64), with SciPy's edges."""
    zero = _c(0, x)
    nan_n = E.or_p.bind(E.or_p.bind(_is_nan(n), E.lt_p.bind(n, _c(0, n))), E.ge_p.bind(n, _c(2.0 ** 31, n)))
    inside = E.and_p.bind(E.gt_p.bind(x, zero), E.is_finite_p.bind(x))
    small = E.and_p.bind(E.lt_p.bind(x, _c(1, x)), E.lt_p.bind(n, _c(_SERIES_BELOW_N[x.dtype], n)))
    n_ok = _where(nan_n, _c(1, n), E.max_p.bind(n, _c(1, n)))  # n = 0 is done in closed form below
    use_series = E.and_p.bind(inside, small)
    # past 1000 exp(-x) underflows: the fraction sees at most that, so its tail estimate stays finite
    xf = _where(E.and_p.bind(inside, E.not_p.bind(small)), E.min_p.bind(x, _c(1000, x)), _c(1, x))
    out = _where(use_series, _expn_series(n_ok, _where(use_series, x, _c(0.5, x))), _expn_fraction(n_ok, xf))
    xs = _where(inside, x, _c(1, x))
    out = _where(E.eq_p.bind(n, _c(0, n)), _exp_times(E.neg_p.bind(xs), E.div_p.bind(_c(1, x), xs)), out)
    # (the division by at least 1: n - 1 = 0 would make an infinity the select then drops)
    at_zero = _where(E.le_p.bind(n, _c(1, n)), _c(np.inf, x),
                     E.div_p.bind(_c(1, n), E.max_p.bind(E.sub_p.bind(n_ok, _c(1, n)), _c(1, n))))
    out = _where(E.eq_p.bind(x, zero), at_zero, _where(E.eq_p.bind(x, _c(np.inf, x)), zero, out))
    bad = E.or_p.bind(nan_n, E.or_p.bind(_is_nan(x), E.lt_p.bind(x, zero)))
    return _where(bad, _c(np.nan, x), out)


def _expn_dx(n: Array, x: Array) -> Array:
    """d/dx E_n(x) = -E_{n-1}(x), with E_{-1}(x) = exp(-x) (1 + x) / x**2 for n = 0."""
    at_zero = E.eq_p.bind(n, _c(0, n))
    lower = _expn(_where(at_zero, _c(0, n), E.sub_p.bind(n, _c(1, n))), x)
    r = E.div_p.bind(_c(1, x), _where(at_zero, x, _c(1, x)))
    e_minus_1 = _exp_times(E.neg_p.bind(x), E.mul_p.bind(r, E.add_p.bind(r, _c(1, x))))  # (1 + x) / x**2, finite at inf
    return E.neg_p.bind(_where(at_zero, e_minus_1, lower))


_expn = custom_jvp(_expn_value)
_expn.defjvps(None, lambda t, out, n, x: E.mul_p.bind(t, _expn_dx(n, x)))


@custom_jvp
def _exp1(x: Array) -> Array:
    return _expn_value(_c(1, x), x)


def _exp1_dx(x: Array) -> Array:
    """-exp(-x) / x, NaN for x < 0 where E_1 itself is (its closed form is finite there); x is
    multiplied by NaN there, so that higher derivatives are NaN too, in both modes."""
    x = E.mul_p.bind(x, _where(E.lt_p.bind(x, _c(0, x)), _c(np.nan, x), _c(1, x)))
    return _exp_times(E.neg_p.bind(x), E.div_p.bind(_c(-1, x), x))


_exp1.defjvps(lambda t, out, x: E.mul_p.bind(t, _exp1_dx(x)))


def expn(n, x) -> Array:
    """The generalized exponential integral E_n(x), the integral of exp(-x t) / t**n over t >= 1.

    For x >= 0 and an integer order n >= 0 (as SciPy, a non-integer n is truncated toward zero,
    here without a warning); NaN for x < 0, n < 0 or n >= 2**31. E_n(0) is 1 / (n - 1) for
    n >= 2 and inf otherwise. d/dx E_n(x) = -E_{n-1}(x); the derivative in n is zero.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.expn(2, 1.0).item(), 4)
    0.1485
    """
    n_in, x_in = _real("expn", n, x)
    x = _wide(x_in)
    n = E.trunc_p.bind(convert(n_in, x.dtype, n_in.weak))
    return convert(_expn(n, x), x_in.dtype, n_in.weak and x_in.weak)


def exp1(x) -> Array:
    """The exponential integral E_1(x), the integral of exp(-t) / t over t >= x.

    inf at 0, NaN for x < 0 (the real function has a branch cut there); d/dx = -exp(-x) / x.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.exp1(1.0).item(), 4)
    0.2194
    """
    return _in_wide("exp1", _exp1, x)


# Ei(x) = -(principal value of) the integral of exp(-t) / t over t >= -x ---------------------------
_ROOT, _ROOT_LO = 0.3725074107813666, 1.3140183414386028e-17  # Ei's positive root, as a sum of two doubles
_ROOT_WINDOW = 0.1  # |x - root| below which a Taylor series is used: the series' terms cancel there


def _ei_taylor(center: float, count: int) -> list[float]:
    """Ei's Taylor coefficients about `center`, a float next to the root (a representable center
    keeps x - center exact, also where a compiler folds constants): Ei(center) from the root's
    offset, then Ei^(k)(center) / k! from Ei' = exp(t) / t, whose series about c is
    exp(c) / c * sum over m of h**m * (-1 / c)**m * sum over j <= m of (-c)**j / j!."""
    d = (center - _ROOT) - _ROOT_LO
    out = [math.exp(_ROOT) / _ROOT * d * (1 + d * (_ROOT - 1) / (2 * _ROOT))]
    partial = 0.0
    for m in range(count - 1):
        partial += (-center) ** m / math.factorial(m)
        out.append(math.exp(center) / center * (-1 / center) ** m * partial / (m + 1))
    return out


_ROOT_CENTER = {dt: float(np.array(_ROOT, dt)) for dt in (dtypes.float64, dtypes.float32)}
_ROOT_TAYLOR = {dt: _ei_taylor(_ROOT_CENTER[dt], count) for dt, count in ((dtypes.float64, 30), (dtypes.float32, 14))}
_ASYMPTOTIC_FROM = {dtypes.float64: 40.0, dtypes.float32: 20.0}  # where the asymptotic series reaches eps


def _ei_series(x: Array) -> Array:
    """Ei(x) = euler + log x + sum over k >= 1 of x**k / (k k!) (DLMF 6.6.1), for 0 < x <= 40,
    the sum nested as x (1 + x/2 (1/2 + x/3 (1/3 + ...))) so that no coefficient underflows."""
    count = _terms(x, 110, 50)
    r = _c(1 / count, x)
    for k in range(count - 1, 0, -1):
        r = E.add_p.bind(_c(1 / k, x), E.mul_p.bind(E.div_p.bind(x, _c(k + 1, x)), r))
    return E.add_p.bind(E.add_p.bind(_c(_EULER, x), E.log_p.bind(x)), E.mul_p.bind(x, r))


def _ei_near_root(x: Array) -> Array:
    """Ei(x) near its root: the Taylor series about the float nearest the root."""
    return _poly(E.sub_p.bind(x, _c(_ROOT_CENTER[x.dtype], x)), _ROOT_TAYLOR[x.dtype])


def _ei_asymptotic(x: Array) -> Array:
    """Ei(x) ~ exp(x) / x (1 + 1/x + 2/x**2 + ... + k!/x**k) (DLMF 6.12.2), stopped at its
    smallest term, k = 40 (20 in float32), which is below eps from x = 40 (20) on."""
    r = E.div_p.bind(_c(1, x), x)
    s = _c(1, x)
    for k in range(int(_ASYMPTOTIC_FROM[x.dtype]), 0, -1):
        s = E.add_p.bind(_c(1, x), E.mul_p.bind(E.mul_p.bind(r, _c(k, x)), s))
    return _exp_times(x, E.mul_p.bind(s, r))


@custom_jvp
def _expi(x: Array) -> Array:
    zero, one = _c(0, x), _c(1, x)
    positive = E.and_p.bind(E.gt_p.bind(x, zero), E.is_finite_p.bind(x))
    near_root = E.le_p.bind(E.abs_p.bind(E.sub_p.bind(x, _c(_ROOT, x))), _c(_ROOT_WINDOW, x))
    large = E.gt_p.bind(x, _c(_ASYMPTOTIC_FROM[x.dtype], x))
    use_series = E.and_p.bind(positive, E.not_p.bind(E.or_p.bind(near_root, large)))
    series = _ei_series(_where(use_series, x, one))
    root = _ei_near_root(_where(near_root, x, _c(_ROOT, x)))
    # Ei overflows long before 1000 in every dtype: capping there keeps 1/x normal (XLA flushes subnormals)
    # (elsewhere the series' own start, where Ei is finite in float32 too)
    asymptotic = _ei_asymptotic(_where(E.and_p.bind(positive, large), E.min_p.bind(x, _c(1000, x)),
                                       _c(_ASYMPTOTIC_FROM[x.dtype], x)))
    right = _where(near_root, root, _where(large, asymptotic, series))
    left = E.neg_p.bind(_expn_value(one, E.neg_p.bind(_where(positive, zero, x))))  # Ei(x) = -E_1(-x) for x < 0
    out = _where(positive, right, left)
    return _where(E.eq_p.bind(x, _c(np.inf, x)), x, out)


_expi.defjvps(lambda t, out, x: E.mul_p.bind(t, _exp_times(x, E.div_p.bind(_c(1, x), x))))


def expi(x) -> Array:
    """The exponential integral Ei(x), the principal value of the integral of exp(t) / t up to x.

    -inf at 0, -E_1(-x) for x < 0; accurate also near its root 0.37250741. It overflows only
    past x = 716.36, where its value does (SciPy's from 709.8, where exp does). d/dx = exp(x) / x.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.expi(1.0).item(), 4)
    1.8951
    """
    return _in_wide("expi", _expi, x)


# spence(z) = the integral of log(t) / (1 - t) from 1 to z = Li2(1 - z) ------------------------------
def _bernoulli(count: int) -> list[Fraction]:
    """B_0 .. B_{count-1} (B_1 = -1/2), from sum over j <= m of binomial(m + 1, j) B_j = 0."""
    b: list[Fraction] = []
    for m in range(count):
        b.append(Fraction(int(m == 0)) - sum((math.comb(m + 1, j) * b[j] for j in range(m)), Fraction(0)) / (m + 1))
    return b


def _dilog_coefficients(count: int) -> list[float]:
    """Li2(1 - exp(-w)) = sum over k >= 0 of B_k w**(k + 1) / (k + 1)! (|w| < 2 pi): its coefficients in w."""
    return [0.0] + [float(b / math.factorial(k + 1)) for k, b in enumerate(_bernoulli(count))]


_DILOG = {dtypes.float64: _dilog_coefficients(20), dtypes.float32: _dilog_coefficients(10)}


def _dilog(w: Array) -> Array:
    """Li2(1 - exp(-w)) for |w| <= log 2, where the series' terms fall by (w / 2 pi)**2 ~ 1/80."""
    return _poly(w, _DILOG[w.dtype])


@custom_jvp
def _spence(z: Array) -> Array:
    zero, one = _c(0, z), _c(1, z)
    low, high = E.lt_p.bind(z, _c(0.5, z)), E.gt_p.bind(z, _c(2, z))
    finite = E.is_finite_p.bind(z)
    # Li2(u) with u = 1 - z: for 1/2 <= z <= 2 directly, w = -log z
    zm = _where(E.or_p.bind(low, high), one, z)
    middle = _dilog(E.neg_p.bind(E.log_p.bind(zm)))
    # z < 1/2: reflection, Li2(u) = pi**2/6 - log(u) log(1 - u) - Li2(1 - u), with Li2(z) at w = -log1p(-z)
    zl = _where(E.and_p.bind(low, E.gt_p.bind(z, zero)), z, _c(0.25, z))
    log1p_neg = E.log1p_p.bind(E.neg_p.bind(zl))
    reflected = E.sub_p.bind(E.sub_p.bind(_c(_PI2_6, z), E.mul_p.bind(E.log_p.bind(zl), log1p_neg)),
                             _dilog(E.neg_p.bind(log1p_neg)))
    # z > 2: inversion, Li2(u) = -pi**2/6 - log(-u)**2 / 2 - Li2(1 / u), with Li2(1 / u) at w = log1p(-1/z)
    zh = _where(E.and_p.bind(high, finite), z, _c(4, z))
    log_u = E.log_p.bind(E.sub_p.bind(zh, one))
    inverted = E.sub_p.bind(E.sub_p.bind(_c(-_PI2_6, z), E.mul_p.bind(E.mul_p.bind(log_u, log_u), _c(0.5, z))),
                            _dilog(E.log1p_p.bind(E.neg_p.bind(E.div_p.bind(one, zh)))))
    out = _where(low, reflected, _where(high, inverted, middle))
    out = _where(E.eq_p.bind(z, zero), _c(_PI2_6, z), out)
    # as SciPy: NaN for z < 0 and at z = inf (whose limit is -inf)
    return _where(E.or_p.bind(E.lt_p.bind(z, zero), E.not_p.bind(finite)), _c(np.nan, z), out)


def _log_ratio(z: Array) -> Array:
    """log(z) / (z - 1), the derivative of -spence: near z = 1 its series in u = z - 1,
    sum of (-u)**k / (k + 1), so that its own derivatives are right there too."""
    u = E.sub_p.bind(z, _c(1, z))
    near = E.le_p.bind(E.abs_p.bind(u), _c(1 / 16, z))
    un = _where(near, u, _c(0, u))
    series = _poly(un, [(-1) ** k / (k + 1) for k in range(_terms(z, 14, 7))])
    uf = _where(near, _c(1, u), u)  # (log(z), not log1p(u): z - 1 rounds small z away)
    return _where(near, series, E.div_p.bind(E.log_p.bind(_where(near, _c(2, z), z)), uf))


_spence.defjvps(lambda t, out, z: E.mul_p.bind(t, E.neg_p.bind(_log_ratio(z))))


def spence(z) -> Array:
    """Spence's function in SciPy's convention, the integral of log(t) / (1 - t) from 1 to z,
    which is the dilogarithm Li2(1 - z).

    For z >= 0: pi**2/6 at 0, 0 at 1; NaN for z < 0 and at inf (as SciPy).
    d/dz spence(z) = log(z) / (1 - z), which is -1 at z = 1.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.spence(0.0).item(), 4)
    1.6449
    """
    return _in_wide("spence", _spence, z)
