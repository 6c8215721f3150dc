"""More distributions of fluxion.scipy.stats (re-exported there): the generalized normal, the
Gumbel pair, Pareto, the truncated normal, von Mises and wrapped Cauchy distributions; the
negative binomial, beta-binomial and multinomial.

>>> import fluxion.scipy.stats as stats
>>> round(stats.gumbel_r.cdf(0.0).item(), 4)
0.3679
"""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from .. import numpy as fnp
from ..core.errors import ShapeError, op_error
from ..nn import log1mexp
from ..numpy._convert import promote_inexact
from . import special as sp
from ._stats_util import (LOG_2PI, _checked, _density, _discrete, _distribution, _everywhere, _function, _named,
                          _quantile, _safe, _wide)


def _gennorm() -> SimpleNamespace:
    def power(y, b):
        # |y|**b, with derivatives finite at y = 0: there they are 0 below order b (infinite beyond, given
        # as 0), but for even b those of y**b (the second is 2 for b = 2)
        a = fnp.abs(y)
        even = b % 2 == 0
        at_zero = fnp.where(even, fnp.power(_safe(a == 0, y, 0), _safe(even, b, 2)), 0)
        return fnp.where(a > 0, fnp.power(_safe(a > 0, a, 1), b), at_zero)  # (pow: no underflow of its derivatives)

    def cdf(y, b):
        # each tail is half the regularized upper incomplete gamma function Q(1/b, |y|**b). Where |y|**b
        # is below 1e-8 the cdf is 1/2 + y (1 - |y|**b / (b + 1)) / (2 Gamma(1 + 1/b)) to all digits (the
        # next term is p**2 / (2 (2 b + 1)) of it), with the right derivatives in y (autodiff of Q there
        # meets 0 * inf, and loses digits near it; the second term gives the third at 0 for b = 2)
        p = power(y, b)
        near = p < 1e-8
        tail = 0.5 * sp.gammaincc(1 / b, _safe(near, 1, p))
        series = 0.5 + 0.5 * y * (1 - p / (b + 1)) * fnp.exp(-sp.gammaln(1 + 1 / b))
        return fnp.where(near, series, fnp.where(y < 0, tail, 1 - tail))
    logpdf, pdf = _density(lambda y, b: fnp.log(b / 2) - sp.gammaln(1 / b) - power(y, b), _everywhere)
    return _distribution("gennorm", "The generalized normal distribution: density proportional to "
                         "exp(-|y|**beta).", ("beta",), logpdf=_checked(logpdf), pdf=_checked(pdf),
                         cdf=_checked(_function(cdf)), sf=_checked(_function(lambda y, b: cdf(-y, b))))


def _gumbel() -> tuple[SimpleNamespace, SimpleNamespace]:
    # With e = exp(-y), gumbel_r has log density -y - e and distribution function exp(-e). e is held
    # just below the dtype's largest value where it would overflow, so that no derivative meets
    # inf * 0; there the log density and log cdf are -inf, as SciPy's.
    def low(y):
        return 0.01 - math.log(fnp.finfo(y.dtype).max)

    def e(y):
        return fnp.exp(-fnp.maximum(y, low(y)))

    def minus_inf_below(fn):
        return lambda y: fnp.where(y < low(y), -math.inf, fn(y))

    def logsf(y):  # log(1 - exp(-e)); beyond y = 20, where e may underflow, -y - e / 2 (next: e**2 / 24)
        far = y > 20  # each branch at a masked y (a clamp would halve the slope at y = 20, where they tie)
        return fnp.where(far, -y - 0.5 * e(_safe(far, y, 20)), log1mexp(e(_safe(far, 20, y))))
    right = {"logpdf": minus_inf_below(lambda y: -y - e(y)), "logcdf": minus_inf_below(lambda y: -e(y)),
             "cdf": lambda y: fnp.exp(-e(y)), "sf": lambda y: -fnp.expm1(-e(y)), "logsf": logsf,
             "ppf": lambda q: -fnp.log(-fnp.log(q)), "isf": lambda q: -fnp.log(-fnp.log1p(-q))}
    # gumbel_l is the mirror image: its cdf at y is gumbel_r's sf at -y, its ppf at q is -isf(q)
    swap = {"logpdf": "logpdf", "logcdf": "logsf", "cdf": "sf", "sf": "cdf", "logsf": "logcdf"}
    left = {k: (lambda f: lambda y: f(-y))(right[v]) for k, v in swap.items()}
    left.update(ppf=lambda q: -right["isf"](q), isf=lambda q: -right["ppf"](q))

    def build(name, fns, doc):
        logpdf, pdf = _density(fns["logpdf"], _everywhere)
        return _distribution(name, doc, logpdf=logpdf, pdf=pdf, ppf=_quantile(fns["ppf"]), isf=_quantile(fns["isf"]),
                             **{k: _function(fns[k]) for k in ("cdf", "logcdf", "sf", "logsf")})
    return (build("gumbel_r", right, "The right-skewed Gumbel (extreme value type I) distribution."),
            build("gumbel_l", left, "The left-skewed Gumbel distribution, the mirror image of gumbel_r."))


def _pareto() -> SimpleNamespace:
    def log_sf(y, b):  # -b log y from y = 1 on; 0 below
        return -b * fnp.log(fnp.maximum(y, 1))

    def logcdf(y, b):  # log(1 - y**-b), -inf at and below y = 1
        inside = y > 1
        return fnp.where(inside, log1mexp(-log_sf(_safe(inside, y, 2), b)), -math.inf)
    logpdf, pdf = _density(lambda y, b: fnp.log(b) - (b + 1) * fnp.log(y), lambda y, b: y >= 1)
    return _distribution(
        "pareto", "The Pareto distribution of shape b, on [loc + scale, inf).", ("b",),
        logpdf=_checked(logpdf), pdf=_checked(pdf), logcdf=_checked(_function(logcdf)),
        cdf=_checked(_function(lambda y, b: -fnp.expm1(log_sf(y, b)))),
        sf=_checked(_function(lambda y, b: fnp.exp(log_sf(y, b)))), logsf=_checked(_function(log_sf)),
        ppf=_checked(_quantile(lambda q, b: fnp.exp(-fnp.log1p(-q) / b))))


def _log_normal_mass(lo, hi):
    """log(ndtr(hi) - ndtr(lo)) for lo < hi, keeping its digits in both tails and near 0."""
    flip = lo > 0  # the upper tail, by symmetry, as log(ndtr(-lo) - ndtr(-hi))
    lo, hi = fnp.where(flip, -hi, lo), fnp.where(flip, -lo, hi)
    tail = hi <= -1  # both in the lower tail: the larger mass times 1 - the ratio of the two
    lo_t, hi_t = _safe(tail, lo, -2), _safe(tail, hi, -1)
    log_hi = sp.log_ndtr(hi_t)
    in_tail = fnp.where(log_hi == -math.inf, -math.inf, log_hi + log1mexp(log_hi - sp.log_ndtr(lo_t)))
    wide = (lo <= -1) & (hi >= 1)  # 1 - the two tails, each below 1/2
    lo_w, hi_w = _safe(wide, lo, -1), _safe(wide, hi, 1)
    around = fnp.log1p(-sp.ndtr(lo_w) - sp.ndtr(-hi_w))
    # else (an end within 1 of 0) half the difference of erfs, a sum where 0 is inside: no cancellation
    # where the interval is narrow around 0, nor for an end at 0
    near = ~(tail | wide)
    lo_n, hi_n = (_safe(near, v, d) * (1 / math.sqrt(2)) for v, d in ((lo, -1), (hi, 1)))
    return fnp.where(tail, in_tail, fnp.where(wide, around, fnp.log(0.5 * (sp.erf(hi_n) - sp.erf(lo_n)))))


def _between(a, b):
    """A point strictly between a < b, either of which may be infinite."""
    wide = lambda v: fnp.maximum(1, fnp.abs(_safe(fnp.isfinite(v), v, 0)))  # noqa: E731
    return fnp.where(fnp.isfinite(a), fnp.where(fnp.isfinite(b), a + (b - a) / 2, a + wide(a)),
                     fnp.where(fnp.isfinite(b), b - wide(b), 0))


def _truncnorm_log_tails(y, a, b):
    """(log cdf, log sf) at y strictly inside (a, b): each is the log-space difference of normal
    masses where it is the smaller tail, else log(1 - the other), which keeps the digits of both."""
    log_z = _log_normal_mass(a, b)
    lower, upper = _log_normal_mass(a, y) - log_z, _log_normal_mass(y, b) - log_z
    small = lower < upper  # the cdf is below 1/2
    return (fnp.where(small, lower, log1mexp(-_safe(small, -1, upper))),
            fnp.where(small, log1mexp(-_safe(small, lower, -1)), upper))


def _truncnorm() -> SimpleNamespace:
    def log_standard(y, a, b):
        return -0.5 * y * y - 0.5 * LOG_2PI - _log_normal_mass(a, b)

    def tail(i, below, above):  # a log tail strictly inside (a, b); its limits at and beyond the ends
        def g(y, a, b):
            inside = (y > a) & (y < b)
            out = _truncnorm_log_tails(_safe(inside, y, _between(a, b)), a, b)[i]
            return fnp.where(inside, out, fnp.where(y <= a, below, above))
        return g

    def ordered(fn):  # NaN unless a < b
        return _checked(fn, lambda a, b: a < b, (-1, 1))
    logcdf, logsf = tail(0, -math.inf, 0), tail(1, 0, -math.inf)
    logpdf, pdf = _density(log_standard, lambda y, a, b: (y >= a) & (y <= b))
    return _distribution(
        "truncnorm", "The standard normal truncated to [a, b] (in standard units), then shifted by loc and "
        "scaled by scale.", ("a", "b"), logpdf=ordered(logpdf), pdf=ordered(pdf),
        logcdf=ordered(_function(logcdf)), logsf=ordered(_function(logsf)),
        cdf=ordered(_function(lambda y, a, b: fnp.exp(logcdf(y, a, b)))),
        sf=ordered(_function(lambda y, a, b: fnp.exp(logsf(y, a, b)))))


# The von Mises cdf below _VM_LARGE from its Fourier series, above it from an expansion in 1 / kappa,
# of _VM_TERMS terms each; both agree with quadrature to a few ulps.
_VM_LARGE, _VM_TERMS = 20.0, 40
_VM_M = np.arange(1, _VM_TERMS)
# the weights binom(2m, m) / 4**m * Gamma(m + 1/2) * 2**(-m - 1/2) of the expansion's terms m >= 1, in logs
_VM_LOG_WEIGHTS = np.array([math.lgamma(2 * m + 1) - 2 * math.lgamma(m + 1) - m * math.log(4) + math.lgamma(m + 0.5)
                            - (m + 0.5) * math.log(2) for m in _VM_M])


def _vonmises_cdf(y, kappa):
    # (SciPy's at +-inf: 1 and 0)
    infinite = fnp.isinf(y)
    return fnp.where(infinite, (y > 0).astype(y.dtype), _vonmises_cdf_finite(_safe(infinite, 0, y), kappa))


def _vonmises_cdf_finite(y, kappa):
    # over one turn: F(y) = F(y - 2 pi j) + j, with y - 2 pi j in [-pi, pi]
    turns = fnp.round(y / (2 * math.pi))
    y = y - 2 * math.pi * turns
    small = kappa < _VM_LARGE
    k = _safe(small, kappa, 1)
    # F = 1/2 + y / (2 pi) + sum_n I_n(k) / I_0(k) sin(n y) / (n pi); the ratios r_n = I_n / I_{n-1}
    # from r_n = k / (2 n + k r_{n+1}), going down from r = 0 well beyond the last term that counts
    r, ratios = 0 * k, []
    for n in range(_VM_TERMS, 0, -1):
        r = k / (2 * n + k * r)
        ratios.append(r)
    n = fnp.arange(1, _VM_TERMS + 1, dtype=y.dtype)
    bessel_ratios = fnp.cumprod(fnp.stack(ratios[::-1], axis=-1), axis=-1)  # I_n(k) / I_0(k)
    series = 0.5 + y / (2 * math.pi) + fnp.sum(bessel_ratios * fnp.sin(n * y[..., None]) / n, axis=-1) / math.pi
    # with w = 2 sqrt(k) sin(t / 2) the integral of exp(k (cos t - 1)) from 0 to y is
    # 1 / sqrt(k) integral of exp(-w**2 / 2) (1 - w**2 / (4 k))**(-1/2) dw; expanding the root, each term
    # is a regularized lower incomplete gamma function P(m + 1/2, W**2 / 2), W = 2 sqrt(k) sin(y / 2)
    k = _safe(small, _VM_LARGE, kappa)
    half_w = fnp.sqrt(2 * k) * fnp.sin(y / 2)  # W / sqrt(2), its sign that of y
    m = fnp.asarray(_VM_M, dtype=y.dtype)
    weights = fnp.exp(fnp.asarray(_VM_LOG_WEIGHTS, dtype=y.dtype) - m * fnp.log(k)[..., None])
    # the first term, P(1/2, W**2 / 2) = erf(|W| / sqrt(2)), as erf: smooth through W = 0; the others,
    # odd in W (sign(W) P(a, W**2 / 2), a = m + 1/2), are their series w**(2 a) (1 - a w**2 / (a + 1)) /
    # gamma(a + 1) near it (w = W / sqrt(2)), where the derivatives of P would meet 0 * inf
    w = half_w[..., None]
    a = m + 0.5
    near = fnp.abs(w) < 1e-3
    w_near = _safe(near, w, 0)
    leading = w_near ** (2 * a) * fnp.exp(-sp.gammaln(a + 1)) * (1 - a / (a + 1) * w_near * w_near)
    rest = weights * fnp.where(near, leading, fnp.sign(w) * sp.gammainc(a, _safe(near, 1, w * w)))
    terms = math.sqrt(math.pi / 2) * sp.erf(half_w) + fnp.sum(rest, axis=-1)
    expansion = 0.5 + terms / (2 * math.pi * sp.i0e(k) * fnp.sqrt(k))
    return fnp.clip(fnp.where(small, series, expansion), 0, 1) + turns


def _vonmises() -> SimpleNamespace:
    def valid(kappa):
        return (kappa >= 0) & (kappa < math.inf)

    def wrap(fn):
        return _checked(fn, valid)
    # kappa (cos y - 1) as -2 kappa sin(y / 2)**2, which keeps its digits near y = 0
    # (|k| - k, 0 for every kappa >= 0, gives the derivative at kappa = 0 its one-sided value: the
    # kink of i0e there has the derivative 0, the mean of its sides')
    log_standard = lambda y, k: (-2 * k * fnp.sin(y / 2) ** 2 - fnp.log(2 * math.pi * sp.i0e(k))  # noqa: E731
                                 - (fnp.abs(k) - k))
    logpdf, pdf = _density(log_standard, _everywhere)
    return _distribution("vonmises", "The von Mises distribution of concentration kappa: density proportional to "
                         "exp(kappa cos y), periodic in y (the cdf grows by 1 per turn, as SciPy's).", ("kappa",),
                         logpdf=wrap(logpdf), pdf=wrap(pdf), cdf=wrap(_function(_vonmises_cdf)))


def _wrapcauchy() -> SimpleNamespace:
    def log_standard(y, c):  # 1 + c**2 - 2 c cos y as (1 - c)**2 + 4 c sin(y / 2)**2, without cancellation
        return fnp.log1p(-c * c) - LOG_2PI - fnp.log((1 - c) ** 2 + 4 * c * fnp.sin(y / 2) ** 2)

    def cdf(y, c):  # arctan((1 + c) / (1 - c) tan(y / 2)) / pi on [0, 2 pi], continuous through y = pi
        y = fnp.clip(y, 0, 2 * math.pi)  # sin(y / 2) >= 0 there, also where 2 pi rounds up in float32
        return fnp.arctan2((1 + c) * fnp.abs(fnp.sin(y / 2)), (1 - c) * fnp.cos(y / 2)) / math.pi

    def wrap(fn):
        return _checked(fn, lambda c: (c > 0) & (c < 1), (0.5,))
    logpdf, pdf = _density(log_standard, lambda y, c: (y >= 0) & (y <= 2 * math.pi))
    return _distribution("wrapcauchy", "The wrapped Cauchy distribution of shape c, on [0, 2 pi].", ("c",),
                         logpdf=wrap(logpdf), pdf=wrap(pdf), cdf=wrap(_function(cdf)))


# discrete -----------------------------------------------------------------------------------------
def _nbinom_log_mass(k, n, p):
    # log binom(k + n - 1, k) as -log(k + n) - betaln(n, k + 1): no cancellation of large gammaln values;
    # exactly 0 at k = 0 (where those two terms cancel only to rounding)
    log_binom = fnp.where(k > 0, -fnp.log(k + n) - sp.betaln(n, k + 1), 0)
    return log_binom + n * fnp.log(p) + sp.xlog1py(k, -p)


def _betabinom_log_mass(k, n, a, b):
    return -fnp.log(n + 1) - sp.betaln(n - k + 1, k + 1) + sp.betaln(k + a, n - k + b) - sp.betaln(a, b)


def _multinomial() -> SimpleNamespace:
    def logpmf(x, n, p):
        x, n, p = promote_inexact("multinomial.logpmf", x, n, p)
        if x.ndim == 0 or p.ndim == 0 or x.shape[-1] != p.shape[-1]:
            raise op_error(ShapeError, "multinomial.logpmf", f"x of shape {x.shape} and p of shape {p.shape} need a "
                           "last axis of the same length K", "pass counts x and probabilities p with the K categories "
                           "on their last axis")
        n = fnp.trunc(n)  # SciPy takes n as an integer
        # as SciPy, the last probability is what the others leave
        p = fnp.concatenate([p[..., :-1], 1 - fnp.sum(p[..., :-1], axis=-1, keepdims=True)], axis=-1)
        valid = fnp.all((p >= 0) & (p <= 1), axis=-1) & (n >= 0)
        inside = fnp.all((x >= 0) & (x == fnp.floor(x)), axis=-1) & (fnp.sum(x, axis=-1) == n)
        valid = valid & ~fnp.any(fnp.isnan(x), axis=-1)
        x = _safe(inside[..., None], x, 0)
        p = _safe(valid[..., None], p, 1 / p.shape[-1])

        def log_mass(x, n, p):
            return sp.gammaln(n + 1) + fnp.sum(sp.xlogy(x, p) - sp.gammaln(x + 1), axis=-1)
        out = _wide("multinomial.logpmf", log_mass)(x, n, p)
        out = fnp.where(inside, out, -math.inf)
        return fnp.where(valid, out, math.nan)

    def pmf(x, n, p):
        return fnp.exp(logpmf(x, n, p))
    return _named("multinomial", "The multinomial distribution of n trials over K categories; x and p have "
                  "the categories on their last axis.", logpmf=logpmf, pmf=pmf)


gennorm, pareto, truncnorm, vonmises, wrapcauchy = _gennorm(), _pareto(), _truncnorm(), _vonmises(), _wrapcauchy()
gumbel_r, gumbel_l = _gumbel()
nbinom = _discrete("nbinom", ("n", "p"), "The negative binomial distribution: the failures before the n-th "
                   "success, each trial a success with probability p (n need not be an integer).",
                   _nbinom_log_mass, lambda k, n, p: k >= 0, lambda n, p: (n > 0) & (p > 0) & (p <= 1), (1.0, 0.5),
                   cdf=lambda k, n, p: sp.betainc(n, k + 1, p))
betabinom = _discrete("betabinom", ("n", "a", "b"), "The beta-binomial distribution: n trials with a "
                      "beta(a, b) probability of success.", _betabinom_log_mass, lambda k, n, a, b: (k >= 0) & (k <= n),
                      lambda n, a, b: (n >= 0) & (n == fnp.floor(n)) & (a > 0) & (b > 0), (1.0, 1.0, 1.0))
multinomial = _multinomial()
