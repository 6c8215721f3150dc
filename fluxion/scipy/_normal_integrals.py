"""Integrals of the normal density in fluxion.scipy.special: the scaled complementary error
function erfcx and Owen's T function, with SciPy's values at 0, at infinities and for NaN, and the
lower-tail normal quantile that ndtri, erfcinv and the inverse incomplete gamma function share.

Owen's T is an integral over [0, a] of a smooth function whose only singularities are the poles
at +-i: for |a| <= 1 and a h small, a fixed Gauss-Legendre rule over [0, 1] reaches the dtype's
precision; for a h large the integrand is a narrow Gaussian, and T is the integral over
[0, inf) (a normal tail, in closed form) less a small tail beyond a, which a Gauss-Laguerre rule
gives. |a| > 1 is reduced to 1 / |a| by Owen's identity. The factors exp(-h**2 / 2) are computed
from h split into exact parts, so their relative error does not grow with h**2. Derivatives are
the closed forms, given by `custom_jvp`.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ..transforms.autodiff.custom import custom_jvp
from ._oscillatory_integrals import _split
from ._util import _branches, _c, _is_nan, _poly, _real, _where, _wide

# the normal tail -----------------------------------------------------------------------------------
_CF_FROM, _CF_DEPTH = 3.0, 30  # erfcx's continued fraction converges to float64's precision from x = 3


def erfcx(x) -> Array:
    """The scaled complementary error function exp(x**2) erfc(x), without underflow for large x.

    Below x = 3 it is that product; above, the continued fraction
    erfc(x) exp(x**2) sqrt(pi) = 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.erfcx(1.0).item(), 4)
    0.4276
    """
    (x_in,) = _real("erfcx", x)
    return convert(_erfcx(_wide(x_in)), x_in.dtype, x_in.weak)


def _below_first_level(xt: Array) -> Array:
    """The continued fraction below its first level, t1 = xt + 1 / (xt + (3/2) / (xt + ...))."""
    t1 = xt
    for k in range(_CF_DEPTH, 1, -1):
        t1 = E.add_p.bind(xt, E.div_p.bind(_c(k / 2, xt), t1))
    return t1


def _tail_parts(x: Array) -> tuple[Array, Array, Array, Array]:
    """`(tail, xt, t1, xd)`: where x is in the continued fraction's range; x there (3 elsewhere);
    the fraction below its first level there; and x where the direct form serves (0 elsewhere).
    Each branch sees only arguments it is finite at, so that neither gives NaN derivatives to the
    other."""
    tail = E.ge_p.bind(x, _c(_CF_FROM, x))
    xt = _where(tail, x, _c(_CF_FROM, x))
    return tail, xt, _below_first_level(xt), _where(tail, _c(0, x), x)


def _erfcx_fraction(xt: Array) -> Array:
    t0 = E.add_p.bind(xt, E.div_p.bind(_c(0.5, xt), _below_first_level(xt)))
    return E.div_p.bind(_c(1 / math.sqrt(math.pi), xt), t0)


def _erfcx_direct(xd: Array) -> Array:
    return E.mul_p.bind(E.exp_p.bind(E.mul_p.bind(xd, xd)), E.erfc_p.bind(xd))


@custom_jvp
def _erfcx(x: Array) -> Array:
    # (eagerly the fraction's 30 levels run only where x is in its range)
    return _branches(E.ge_p.bind(x, _c(_CF_FROM, x)), x, _erfcx_fraction, _CF_FROM, _erfcx_direct, 0)


@_erfcx.defjvp
def _erfcx_jvp(primals, tangents):
    # erfcx' = 2 x erfcx - 2 / sqrt(pi): -inf where erfcx overflows (x -> -inf), where the product
    # rule on exp(x**2) erfc(x) gave inf * 0. In the tail the two terms cancel (erfcx' ~ -1 /
    # (sqrt(pi) x**2)); there erfcx = 1 / (sqrt(pi) t0) with t0 = x + (1/2) / t1 makes it
    # -erfcx / t1, without cancellation.
    (x,), (dx,) = primals, tangents
    y = _erfcx(x)  # through the rule, so that higher derivatives are its too
    tail, _, t1, xd = _tail_parts(x)
    direct = E.sub_p.bind(E.mul_p.bind(E.mul_p.bind(xd, y), _c(2, x)), _c(2 / math.sqrt(math.pi), x))
    slope = _where(tail, E.neg_p.bind(E.div_p.bind(y, t1)), direct)
    return y, E.mul_p.bind(slope, dx)


# Abramowitz & Stegun 26.2.23: the lower-tail quantile to within 4.5e-4, a start for Newton's method
_AS_NUM = (2.515517, 0.802853, 0.010328)
_AS_DEN = (1.0, 1.432788, 0.189269, 0.001308)


def _lower_quantile(log_q: Array) -> Array:
    """The x <= 0 with ndtr(x) = q, for log(q) = log_q <= log(1/2): a rational start refined by Newton
    steps on log(ndtr(x)) - log(q), whose derivative ndtr'(x)/ndtr(x) keeps the steps well scaled in
    the tail. (Taking log(q) lets erfcinv pass log(y) - log(2) where y / 2 would underflow.)"""
    t = E.sqrt_p.bind(E.mul_p.bind(log_q, _c(-2, log_q)))
    x = E.sub_p.bind(E.div_p.bind(_poly(t, _AS_NUM), _poly(t, _AS_DEN)), t)
    for _ in range(2 if log_q.dtype == dtypes.float32 else 3):  # quadratic convergence from 4.5e-4
        # ndtr(x) = erfcx(-x / sqrt(2)) exp(-x**2 / 2) / 2, whose logarithm never underflows, and
        # ndtr(x) / ndtr'(x) = erfcx(-x / sqrt(2)) sqrt(pi / 2)
        scaled = erfcx(E.mul_p.bind(x, _c(-math.sqrt(0.5), x)))
        log_cdf = E.sub_p.bind(E.log_p.bind(E.mul_p.bind(scaled, _c(0.5, x))),
                               E.mul_p.bind(E.mul_p.bind(x, x), _c(0.5, x)))
        step = E.mul_p.bind(E.sub_p.bind(log_cdf, log_q), E.mul_p.bind(scaled, _c(math.sqrt(math.pi / 2), x)))
        x = E.sub_p.bind(x, step)
    return x


def _exp_half_square(x: Array) -> Array:
    """exp(-x**2 / 2) within a few ulps for every x (0 at +-inf): with x = hi + lo, hi**2 / 2 is
    exact and the rest is small. The split's hi carries no derivative, lo all of it, so the
    derivatives are those of exp(-x**2 / 2)."""
    finite = E.is_finite_p.bind(x)
    hi, lo = _split(_where(finite, x, _c(0, x)))
    rest = E.add_p.bind(E.mul_p.bind(hi, lo), E.mul_p.bind(E.mul_p.bind(lo, lo), _c(0.5, x)))
    # e (1 + expm1(-rest)), not e exp(-rest): XLA would fold a product of exps into the exp of a sum
    e = E.exp_p.bind(E.mul_p.bind(E.mul_p.bind(hi, hi), _c(-0.5, x)))
    out = E.add_p.bind(e, E.mul_p.bind(e, E.expm1_p.bind(E.neg_p.bind(rest))))
    return _where(finite, out, _c(0, x))


def _normal_tail(x: Array) -> Array:
    """The upper normal tail ndtr(-x) for x >= 0, exp(-x**2 / 2) erfcx(x / sqrt(2)) / 2: unlike
    erfc(x / sqrt(2)) it does not magnify the rounding of x / sqrt(2) by x**2."""
    return E.mul_p.bind(_exp_half_square(x), E.mul_p.bind(erfcx(E.mul_p.bind(x, _c(math.sqrt(0.5), x))), _c(0.5, x)))


# Owen's T(h, a) = integral over [0, a] of exp(-h**2 (1 + x**2) / 2) / (1 + x**2) / (2 pi) ------------
# per dtype: Gauss-Legendre nodes, Gauss-Laguerre nodes, and the a h from which the latter serve
_OWENS_RULES = {dtypes.float64: (14, 20, 3.0), dtypes.float32: (8, 8, 2.5)}


@functools.lru_cache(maxsize=None)
def _owens_nodes(dtype) -> tuple[np.ndarray, ...]:
    n_legendre, n_laguerre, _ = _OWENS_RULES[dtype]
    x, w = np.polynomial.legendre.leggauss(n_legendre)
    v, u = np.polynomial.laguerre.laggauss(n_laguerre)
    return tuple(np.asarray(c, dtype) for c in ((x + 1) / 2, w / 2, v, u))


def _last(x: Array) -> Array:
    """`x` with a trailing axis of length 1, to meet a vector of nodes."""
    return S.expand_dims(x, (x.ndim,))


def _node_sum(terms: Array) -> Array:
    return R.reduce_sum(terms, (terms.ndim - 1,))


def _owens_t_core(h: Array, a: Array) -> Array:
    """T(h, a) for finite h >= 0 and 0 <= a <= 1."""
    t, w, v, u = (Array(c) for c in _owens_nodes(h.dtype))
    one, cut = _c(1, h), _c(_OWENS_RULES[h.dtype][2], h)
    g = E.mul_p.bind(a, h)
    near = E.le_p.bind(g, cut)
    a2 = E.mul_p.bind(a, a)
    front = E.mul_p.bind(E.mul_p.bind(a, _exp_half_square(h)), _c(1 / (2 * math.pi), h))
    # a h <= cut: a exp(-h**2 / 2) times the integral over [0, 1] of exp(-(a h t)**2 / 2) / (1 + a**2 t**2)
    gt = E.mul_p.bind(_last(_where(near, g, _c(0, g))), t)
    a2t2 = E.mul_p.bind(_last(a2), E.mul_p.bind(t, t))
    quad = _node_sum(E.div_p.bind(E.mul_p.bind(w, E.exp_p.bind(E.mul_p.bind(E.mul_p.bind(gt, gt), _c(-0.5, gt)))),
                                  E.add_p.bind(one, a2t2)))
    # a h > cut: the integral over [0, inf) less the one over [1, inf), in s = (a h)**2 (t**2 - 1) / 2,
    # exp(-(a h)**2 / 2) / (a h)**2 times the integral of exp(-s) / (t (1 + a**2 t**2)) over s >= 0
    gf = _where(near, E.add_p.bind(cut, one), g)
    inv = E.div_p.bind(one, E.mul_p.bind(gf, gf))
    tt = E.sqrt_p.bind(E.add_p.bind(one, E.mul_p.bind(_last(E.add_p.bind(inv, inv)), v)))
    tail = _node_sum(E.div_p.bind(u, E.mul_p.bind(tt, E.add_p.bind(one, E.mul_p.bind(_last(a2), E.mul_p.bind(tt, tt))))))
    far = E.sub_p.bind(E.mul_p.bind(_normal_tail(h), _c(0.5, h)),
                       E.mul_p.bind(E.mul_p.bind(front, _exp_half_square(gf)), E.mul_p.bind(inv, tail)))
    return _where(near, E.mul_p.bind(front, quad), far)


@custom_jvp
def _owens_t(h: Array, a: Array) -> Array:
    x, b = E.abs_p.bind(h), E.abs_p.bind(a)
    zero, one = _c(0, x), _c(1, x)
    finite = E.is_finite_p.bind(x)
    xs = _where(finite, x, zero)
    # |a| > 1: T(h, a) = (p + q) / 2 - p q - T(a h, 1 / a) with p = ndtr(-h), q = ndtr(-a h) (h >= 0)
    inverted = E.gt_p.bind(b, one)
    bi = _where(inverted, E.div_p.bind(one, b), b)
    hi = _where(E.and_p.bind(inverted, E.gt_p.bind(xs, zero)), E.mul_p.bind(xs, b), xs)
    hi_finite = E.is_finite_p.bind(hi)
    hf = _where(hi_finite, hi, zero)
    core = _where(hi_finite, _owens_t_core(hf, _where(_is_nan(bi), zero, bi)), zero)
    p, q = _normal_tail(xs), _where(hi_finite, _normal_tail(hf), zero)
    reflected = E.sub_p.bind(E.sub_p.bind(E.mul_p.bind(E.add_p.bind(p, q), _c(0.5, x)), E.mul_p.bind(p, q)), core)
    out = _where(finite, _where(inverted, reflected, core), zero)
    out = _where(E.lt_p.bind(a, zero), E.neg_p.bind(out), out)
    return _where(E.or_p.bind(_is_nan(h), _is_nan(a)), _c(np.nan, x), out)


def _product(a: Array, h: Array) -> Array:
    """a h, with 0 for inf * 0 (the limits at h = 0 of the derivatives for infinite a)."""
    g = E.mul_p.bind(a, h)
    return _where(E.and_p.bind(_is_nan(g), E.not_p.bind(E.or_p.bind(_is_nan(a), _is_nan(h)))), _c(0, g), g)


def _owens_t_dh(h: Array, a: Array) -> Array:
    """dT/dh = -exp(-h**2 / 2) / sqrt(2 pi) * erf(a h / sqrt(2)) / 2."""
    g = _product(a, h)
    erf = E.erf_p.bind(E.mul_p.bind(g, _c(math.sqrt(0.5), g)))
    return E.mul_p.bind(E.mul_p.bind(_exp_half_square(h), erf), _c(-0.5 / math.sqrt(2 * math.pi), h))


def _owens_t_da(h: Array, a: Array) -> Array:
    """dT/da = exp(-h**2 (1 + a**2) / 2) / (2 pi (1 + a**2))."""
    g = _product(a, h)
    density = E.mul_p.bind(_exp_half_square(h), _exp_half_square(g))
    return E.div_p.bind(density, E.mul_p.bind(E.add_p.bind(_c(1, a), E.mul_p.bind(a, a)), _c(2 * math.pi, a)))


_owens_t.defjvps(lambda t, out, h, a: E.mul_p.bind(t, _owens_t_dh(h, a)),
                 lambda t, out, h, a: E.mul_p.bind(t, _owens_t_da(h, a)))


def owens_t(h, a) -> Array:
    """Owen's T function, the integral of exp(-h**2 (1 + x**2) / 2) / (2 pi (1 + x**2)) over x in [0, a].

    Even in h, odd in a; ndtr(-|h|) / 2 at a = +-inf, 0 at h = +-inf, arctan(a) / (2 pi) at h = 0.
    dT/dh = -exp(-h**2 / 2) erf(a h / sqrt(2)) / (2 sqrt(2 pi)), dT/da = exp(-h**2 (1 + a**2) / 2) /
    (2 pi (1 + a**2)). Relative precision holds also where T is tiny (large h).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.owens_t(0.5, 1.0).item(), 4)
    0.1067
    """
    h_in, a_in = _real("owens_t", h, a)
    return convert(_owens_t(_wide(h_in), _wide(a_in)), h_in.dtype, h_in.weak and a_in.weak)
