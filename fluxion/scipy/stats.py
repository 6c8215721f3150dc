"""fluxion.scipy.stats: log densities, densities and distribution functions of common
distributions, with SciPy's arguments (`loc`, `scale`, shape parameters) and values.

Each distribution is a namespace of functions: `stats.norm.logpdf(x, loc, scale)`. As in
SciPy, a point outside the support has density 0 (log density -inf) and invalid parameters
(a scale that is not positive, a probability outside [0, 1]) give NaN. Every function is
composed from fluxion.numpy and fluxion.scipy.special, so it is differentiable, batches and
compiles; derivatives are finite inside the support. The helpers that build the namespaces live in
`_stats_util.py`, further distributions in `_stats_more.py`, and the statistics of samples (`sem`,
`rankdata`, `mode`) in `_stats_samples.py`, and the kernel density estimate `gaussian_kde` in `_kde.py`.

>>> import fluxion.scipy.stats as stats
>>> round(stats.norm.logpdf(0.0).item(), 4)
-0.9189
"""
from __future__ import annotations

import math
from types import SimpleNamespace

from .. import numpy as fnp
from ..core.errors import ShapeError, UnsupportedError, op_error
from ..nn import log1mexp
from ..numpy._convert import promote_inexact
from . import linalg as _linalg
from . import special as sp
from ._kde import gaussian_kde
from ._stats_more import (betabinom, gennorm, gumbel_l, gumbel_r, multinomial, nbinom, pareto, truncnorm, vonmises,
                          wrapcauchy)
from ._stats_samples import mode, rankdata, sem
from ._stats_util import (LOG_2PI, _checked, _density, _discrete, _distribution, _everywhere, _function, _named,
                          _positive, _quantile, _safe, _unit, _wide)

__all__ = ["bernoulli", "beta", "betabinom", "binom", "cauchy", "chi2", "dirichlet", "expon", "gamma", "gaussian_kde", "gennorm",
           "geom", "gumbel_l", "gumbel_r", "laplace", "logistic", "mode", "multinomial", "multivariate_normal",
           "nbinom", "norm", "pareto", "poisson", "rankdata", "sem", "t", "truncnorm", "uniform", "vonmises",
           "wrapcauchy"]


# continuous location-scale families --------------------------------------------------------------
def _norm() -> SimpleNamespace:
    logpdf, pdf = _density(lambda y: -0.5 * y * y - 0.5 * LOG_2PI, _everywhere)
    return _distribution(
        "norm", "The normal distribution N(loc, scale**2).", logpdf=logpdf, pdf=pdf,
        cdf=_function(sp.ndtr), logcdf=_function(sp.log_ndtr),
        sf=_function(lambda y: sp.ndtr(-y)), logsf=_function(lambda y: sp.log_ndtr(-y)),
        ppf=_quantile(sp.ndtri), isf=_quantile(lambda q: -sp.ndtri(q)))


def _expon() -> SimpleNamespace:
    logpdf, pdf = _density(lambda y: -y, _positive)
    return _distribution(
        "expon", "The exponential distribution of rate 1 / scale, starting at loc.", logpdf=logpdf, pdf=pdf,
        cdf=_function(lambda y: -fnp.expm1(-fnp.maximum(y, 0))),
        logcdf=_function(lambda y: fnp.where(y > 0, log1mexp(fnp.maximum(y, 0)), -math.inf)),
        sf=_function(lambda y: fnp.exp(-fnp.maximum(y, 0))),
        logsf=_function(lambda y: -fnp.maximum(y, 0)),
        ppf=_quantile(lambda q: -fnp.log1p(-q)))


def _uniform() -> SimpleNamespace:
    logpdf, pdf = _density(lambda y: fnp.zeros_like(y), lambda y: (y >= 0) & (y <= 1))
    return _distribution(
        "uniform", "The uniform distribution on [loc, loc + scale].", logpdf=logpdf, pdf=pdf,
        cdf=_function(lambda y: fnp.clip(y, 0, 1)),
        sf=_function(lambda y: 1 - fnp.clip(y, 0, 1)),
        ppf=_quantile(lambda q: q))


def _laplace() -> SimpleNamespace:
    logpdf, pdf = _density(lambda y: -fnp.abs(y) - math.log(2), _everywhere)

    def cdf(y):  # each side from its own tail exp(-|y|) / 2 (written without |y|, so y = 0 has the slope 1/2)
        below = y < 0
        return fnp.where(below, 0.5 * fnp.exp(_safe(below, y, 0)), 1 - 0.5 * fnp.exp(-_safe(below, 0, y)))
    return _distribution(
        "laplace", "The Laplace (double exponential) distribution.", logpdf=logpdf, pdf=pdf,
        cdf=_function(cdf), sf=_function(lambda y: cdf(-y)),
        ppf=_quantile(lambda q: fnp.where(q <= 0.5, fnp.log(2 * q), -fnp.log(2 - 2 * q))))


def _logistic() -> SimpleNamespace:
    logpdf, pdf = _density(lambda y: sp.log_expit(y) + sp.log_expit(-y), _everywhere)
    return _distribution(
        "logistic", "The logistic distribution.", logpdf=logpdf, pdf=pdf,
        cdf=_function(sp.expit), sf=_function(lambda y: sp.expit(-y)),
        logcdf=_function(lambda y: -fnp.logaddexp(0, -y)),
        logsf=_function(lambda y: -fnp.logaddexp(0, y)),
        ppf=_quantile(sp.logit), isf=_quantile(lambda q: -sp.logit(q)))


def _cauchy() -> SimpleNamespace:
    def log_standard(y):  # log1p(y**2) is 2 log|y| + log1p(y**-2) beyond |y| = 1, where y**2 may overflow
        far = fnp.abs(y) > 1
        y_far, y_near = _safe(far, y, 2), _safe(far, 0, y)
        return -math.log(math.pi) - fnp.where(far, 2 * fnp.log(fnp.abs(y_far)) + fnp.log1p(1 / (y_far * y_far)),
                                              fnp.log1p(y_near * y_near))
    logpdf, pdf = _density(log_standard, _everywhere)
    return _distribution(
        "cauchy", "The Cauchy distribution.", logpdf=logpdf, pdf=pdf,
        cdf=_function(_cauchy_cdf), sf=_function(_cauchy_sf),
        logcdf=_function(_log_of(_cauchy_cdf, _cauchy_sf)), logsf=_function(_log_of(_cauchy_sf, _cauchy_cdf)),
        ppf=_quantile(_cauchy_ppf), isf=_quantile(lambda q: -_cauchy_ppf(q)))


def _cauchy_cdf(y):
    # 1/2 + arctan(y) / pi; for y < -1, where that cancels, arctan(-1 / y) / pi, and 1 minus that for y > 1
    tail = fnp.abs(y) > 1
    outer = fnp.arctan(-1 / _safe(tail, y, -2)) / math.pi
    return fnp.where(tail, fnp.where(y < 0, outer, 1 + outer), 0.5 + fnp.arctan(_safe(tail, 0, y)) / math.pi)


def _cauchy_sf(y):
    return _cauchy_cdf(-y)


def _cauchy_ppf(q):
    # tan(pi (q - 1/2)) in the middle; in the tails -1 / tan(pi q) and 1 / tan(pi (1 - q)), which
    # keep the relative accuracy of small q and of small 1 - q; q = 0 (-0.0 too) is -inf
    low, high, zero = q < 0.25, q > 0.75, q == 0
    middle = fnp.tan(math.pi * (_safe(low | high, 0.5, q) - 0.5))
    lower = fnp.where(zero, -math.inf, -1 / fnp.tan(math.pi * _safe(low & ~zero, q, 0.25)))
    upper = 1 / fnp.tan(math.pi * (1 - _safe(high, q, 0.75)))
    return fnp.where(low, lower, fnp.where(high, upper, middle))


def _t() -> SimpleNamespace:
    # with B = betaln(df / 2, 1 / 2), the log density is -B - log(df) / 2 - (df + 1) / 2 log1p(y**2 / df);
    # B has no cancellation at large df (the gammaln difference does); df = inf is the normal
    def log_standard(y, df):
        finite = fnp.isfinite(df)
        df = _safe(finite, df, 1)
        r = y / fnp.sqrt(df)
        big = fnp.abs(r) > 1e10  # log1p(r**2) is 2 log|r| to all digits (and r**2 may overflow)
        log1p_r2 = fnp.where(big, 2 * fnp.log(fnp.abs(_safe(big, r, 1))), fnp.log1p(_safe(big, 1, r) ** 2))
        t = -sp.betaln(df / 2, 0.5) - 0.5 * fnp.log(df) - (df + 1) / 2 * log1p_r2
        return fnp.where(finite, t, -0.5 * y * y - 0.5 * LOG_2PI)

    def tail(y, df):
        # P(T < -|y|) = 1/2 I_x(a, 1/2), x = df / (df + y**2), a = df / 2: each tail directly (1 minus the
        # other would lose it). For x >= 1/2 the rounding of x, d = (1 - x) - z (1 - x is exact there; z =
        # 1 / (1 + df / y**2) within two ulps), moves I_x by some a ulps: its first-order effect d I_x' with
        # I_x' = x**(a - 1) z**(-1/2) / B(a, 1/2) is added back where its relative size s is below sqrt(eps).
        # (Below x = 1/2 the tail underflows unless df < 2000, and a ulps are below 1e-13.) Where y**2 < 1
        # and x >= 1/2 (x may round to 1; the tail is above 0.15) or s is larger (a huge df), the complement
        # 1/2 (1 - I_z(1/2, a)) with z = y**2 / (df + y**2), which keeps what digits the cancellation leaves
        # (not where df < y**2 < 1: a tiny df rounds z to 1, while the tail stays near 1/2)
        a, y2 = df / 2, y * y
        close = (y2 < 1) & (y2 <= df)
        y2_far = _safe(close, 1, y2)
        x, z = df / (df + y2_far), 1 / (1 + df / y2_far)
        d, fix = (1 - x) - z, x >= 0.5
        slope = fnp.exp((1 - a) * fnp.log1p(y2_far / df) - 0.5 * fnp.log(z) - sp.betaln(a, 0.5))
        outer = sp.betainc(a, 0.5, x) + fnp.where(fix, d * slope, 0)
        near = close | (fix & ((a + 0.5 / z) * fnp.abs(d) > math.sqrt(fnp.finfo(y.dtype).eps)))
        y2_near = _safe(near, y2, 0.5)
        inner = 1 - sp.betainc(0.5, a, y2_near / (df + y2_near))
        return 0.5 * fnp.where(near, inner, outer)

    def from_tail(lower, upper, normal):
        # `lower` of the tail at y < 0, `upper` of it at y >= 0 (the other side, by symmetry); df = inf is
        # the normal distribution. Near 0 (y**2 below 1e-6 and 1e-6 df) `lower` of the series
        # 1/2 + pdf(0) y (1 - (df + 1) u / 6 (1 - 3 (df + 3) u / 20)), u = y**2 / df, whose next term is
        # below 1e-18 of it: the tail, a function of y**2, has no derivative at 0, and loses the digits of
        # its higher derivatives to cancellation near it
        def fn(y, df):
            finite = fnp.isfinite(df)
            df = _safe(finite, df, 1)
            centre = (y * y < 1e-6) & (y * y < 1e-6 * df)
            t = tail(_safe(centre, 1, y), df)
            near = _safe(centre, y, 0)  # (elsewhere 0: the series of a far y would be outside lower's domain)
            u = near ** 2 / df
            series = near * (1 - u * (df + 1) / 6 * (1 - u * 3 * (df + 3) / 20))
            middle = lower(0.5 + series * fnp.exp(-sp.betaln(df / 2, 0.5)) / fnp.sqrt(df))
            return fnp.where(finite, fnp.where(centre, middle, fnp.where(y < 0, lower(t), upper(t))), normal(y))
        # in float32 the rounding of x = df / (df + y**2) costs the tail a digit per decade of df
        return _wide("t.cdf", fn)
    logpdf, pdf = _density(log_standard, _everywhere)
    cdf = from_tail(lambda t: t, lambda t: 1 - t, sp.ndtr)
    logcdf = from_tail(fnp.log, lambda t: fnp.log1p(-t), sp.log_ndtr)
    return _distribution("t", "Student's t distribution with df degrees of freedom.", ("df",),
                         logpdf=_checked(logpdf), pdf=_checked(pdf),
                         cdf=_checked(_function(cdf)), logcdf=_checked(_function(logcdf)),
                         sf=_checked(_function(lambda y, df: cdf(-y, df))),
                         logsf=_checked(_function(lambda y, df: logcdf(-y, df))))


def _gamma_functions() -> dict:
    logpdf, pdf = _density(_wide("gamma.logpdf", lambda y, a: sp.xlogy(a - 1, y) - y - sp.gammaln(a)), _positive)
    # below the support the constants 0 and 1, not the function at 0, whose derivative may be infinite
    def cdf(y, a):
        inside = y >= 0
        return fnp.where(inside, sp.gammainc(a, _safe(inside, y, 1)), 0)

    def sf(y, a):
        inside = y >= 0
        return fnp.where(inside, sp.gammaincc(a, _safe(inside, y, 1)), 1)
    return {"logpdf": _checked(logpdf), "pdf": _checked(pdf), "cdf": _checked(_function(cdf)),
            "sf": _checked(_function(sf)), "logcdf": _checked(_function(_wide("gamma.logcdf", _log_of(cdf, sf)))),
            "logsf": _checked(_function(_wide("gamma.logsf", _log_of(sf, cdf))))}


def _log_of(fn, other):
    """log(fn(...)) of a distribution function whose complement is `other`: log1p(-other(...)) where
    fn is above 1/2, so that a value near 1 keeps its digits (gamma and beta take it in float64, so
    that a float32 tail below float32's range keeps its log)."""
    def log_fn(*args):
        p, q = fn(*args), other(*args)
        low, zero = p < 0.5, p == 0  # -inf where p is 0, with the derivative 0 of a constant
        log_p = fnp.where(zero, -math.inf, fnp.log(_safe(low & ~zero, p, 1)))
        return fnp.where(low, log_p, fnp.log1p(-_safe(low, 0, q)))
    return log_fn


def _chi2() -> SimpleNamespace:
    def as_gamma(fn):  # chi2(df) is gamma(df / 2) at twice the scale
        return lambda x, shape, loc, scale: fn(x, [shape[0] / 2], loc, 2 * scale)
    return _distribution("chi2", "The chi-squared distribution with df degrees of freedom.", ("df",),
                         **{k: as_gamma(fn) for k, fn in _gamma_functions().items()})


def _beta() -> SimpleNamespace:
    def log_standard(y, a, b):
        return sp.xlogy(a - 1, y) + sp.xlog1py(b - 1, -y) - sp.betaln(a, b)
    # outside [0, 1] the constants 0 and 1, not the function at an end, whose derivative may be infinite
    def cdf(y, a, b):
        inside = (y >= 0) & (y <= 1)
        return fnp.where(inside, sp.betainc(a, b, _safe(inside, y, 0.5)), fnp.where(y < 0, 0, 1))

    def sf(y, a, b):
        # I_{1-y}(b, a), unless rounding 1 - y, which moves it by the density times half an ulp of 1,
        # costs more than 1 - I_y(a, b) loses (an ulp of I_y): at small y, where the density is large
        # (each side's argument is a safe one where it is not taken, as its derivative may be infinite there)
        inside = (y >= 0) & (y <= 1)
        y_in = _safe(inside, y, 0.5)
        low = y_in < 0.5
        p = sp.betainc(a, b, _safe(low, y_in, 0.25))
        steep = low & (fnp.exp(log_standard(y_in, a, b)) > 4 * p)
        q = sp.betainc(b, a, 1 - _safe(~steep, y_in, 0.5))
        return fnp.where(inside, fnp.where(steep, 1 - p, q), fnp.where(y < 0, 1, 0))
    logpdf, pdf = _density(_wide("beta.logpdf", log_standard), lambda y, a, b: (y >= 0) & (y <= 1))
    return _distribution(
        "beta", "The beta distribution on [loc, loc + scale].", ("a", "b"),
        logpdf=_checked(logpdf), pdf=_checked(pdf), cdf=_checked(_function(cdf)), sf=_checked(_function(sf)),
        logcdf=_checked(_function(_wide("beta.logcdf", _log_of(cdf, sf)))),
        logsf=_checked(_function(_wide("beta.logsf", _log_of(sf, cdf)))))


# discrete distributions -------------------------------------------------------------------------
def _binomial_log_mass(k, n, p):
    return sp.gammaln(n + 1) - sp.gammaln(k + 1) - sp.gammaln(n - k + 1) + sp.xlogy(k, p) + sp.xlog1py(n - k, -p)


# multivariate ------------------------------------------------------------------------------------
def _multivariate_normal() -> SimpleNamespace:
    def logpdf(x, mean=None, cov=1, allow_singular: bool = False):
        x, cov, mean = promote_inexact("multivariate_normal.logpdf", x, cov, 0 if mean is None else mean)
        # the dimension, as SciPy finds it: the mean's length, else the covariance's (1 for scalars)
        d = mean.shape[-1] if mean.ndim else (cov.shape[-1] if cov.ndim else 1)
        mean = fnp.broadcast_to(mean, (d,)) if mean.ndim == 0 else mean
        if d == 1 and (x.ndim == 0 or x.shape[-1] != 1):  # points of one dimension, as scalars
            x = fnp.expand_dims(x, -1)
        cov = cov * fnp.eye(d, dtype=cov.dtype) if cov.ndim == 0 else (fnp.diag(cov) if cov.ndim == 1 else cov)
        if cov.shape[-2:] != (d, d) or (x.ndim and x.shape[-1] != d):
            raise op_error(ShapeError, "multivariate_normal.logpdf", f"x of shape {x.shape}, mean of shape "
                           f"{mean.shape} and cov of shape {cov.shape} do not agree",
                           "give x a last axis of the mean's length d, and cov shape (d, d) (or (d,) for a diagonal, "
                           "or a scalar)")
        if allow_singular:
            raise op_error(UnsupportedError, "multivariate_normal.logpdf", "allow_singular=True is not supported",
                           "pass a positive-definite cov (add a small multiple of the identity)")
        chol = fnp.linalg.cholesky(cov)
        z = _linalg.solve_triangular(chol, fnp.expand_dims(x - mean, -1), lower=True)[..., 0]
        half_logdet = fnp.sum(fnp.log(fnp.diagonal(chol, axis1=-2, axis2=-1)), axis=-1)
        return -0.5 * fnp.sum(z * z, axis=-1) - half_logdet - 0.5 * d * LOG_2PI

    def pdf(x, mean=None, cov=1, allow_singular: bool = False):
        return fnp.exp(logpdf(x, mean, cov, allow_singular))
    return _named("multivariate_normal", "The multivariate normal N(mean, cov); x has the components on its "
                         "last axis.", logpdf=logpdf, pdf=pdf)


def _dirichlet() -> SimpleNamespace:
    def logpdf(x, alpha):
        # the simplex tolerance of x's own precision: a float32 x promoted to float64 keeps its rounding
        tol = 1e-9 if fnp.asarray(x).dtype == fnp.float64 else 1e-4
        x, alpha = promote_inexact("dirichlet.logpdf", x, alpha)
        if alpha.ndim == 1 and x.ndim and x.shape[0] == alpha.shape[0] - 1:  # the last component implied, as SciPy
            x = fnp.concatenate([x, 1 - fnp.sum(x, axis=0, keepdims=True)], axis=0)
        if alpha.ndim != 1 or x.shape[:1] != alpha.shape:
            raise op_error(ShapeError, "dirichlet.logpdf", f"x of shape {x.shape} does not match alpha of shape "
                           f"{alpha.shape}", "pass alpha as a vector of K concentrations and x with K (or K - 1) "
                           "components on its first axis (as SciPy)")
        a = fnp.reshape(alpha, alpha.shape + (1,) * (x.ndim - 1))
        inside = fnp.all((x >= 0) & (x <= 1), axis=0) & (fnp.abs(fnp.sum(x, axis=0) - 1) <= tol)

        def log_density(x, a, alpha):
            return fnp.sum(sp.xlogy(a - 1, x), axis=0) - fnp.sum(sp.gammaln(alpha)) + sp.gammaln(fnp.sum(alpha))
        out = _wide("dirichlet.logpdf", log_density)(x, a, alpha)
        return fnp.where(fnp.all(alpha > 0), fnp.where(inside, out, -math.inf), math.nan)

    def pdf(x, alpha):
        return fnp.exp(logpdf(x, alpha))
    return _named("dirichlet", "The Dirichlet distribution; x has its K components on its first axis (as "
                         "SciPy).", logpdf=logpdf, pdf=pdf)


norm, expon, uniform, laplace, logistic, cauchy = _norm(), _expon(), _uniform(), _laplace(), _logistic(), _cauchy()
t, chi2, beta = _t(), _chi2(), _beta()
gamma = _distribution("gamma", "The gamma distribution of shape a.", ("a",), **_gamma_functions())
poisson = _discrete("poisson", ("mu",), "The Poisson distribution of mean mu.",
                    lambda k, mu: sp.xlogy(k, mu) - sp.gammaln(k + 1) - mu, lambda k, mu: k >= 0, lambda mu: mu >= 0,
                    (1.0,), cdf=lambda k, mu: sp.gammaincc(k + 1, mu))


def _poisson_entropy(mu, loc=0):
    """The entropy of the Poisson distribution of mean mu (loc moves it, and changes nothing): below
    mu = 100 the sum over k < 240 (the mass beyond is below 1e-30), above it the asymptotic series
    1/2 log(2 pi e mu) - 1/(12 mu) - 1/(24 mu**2) - 19/(360 mu**3), within 1e-9 there (SciPy's sum
    stops converging near mu = 1e4). 0 at mu = 0, NaN for mu < 0."""
    mu, loc = promote_inexact("poisson.entropy", mu, loc)
    mu = mu + fnp.zeros_like(loc)
    small = mu < 100
    m = _safe(small & (mu > 0), mu, 1)[..., None]
    logp = sp.xlogy(fnp.arange(240, dtype=mu.dtype), m) - m - sp.gammaln(fnp.arange(1, 241, dtype=mu.dtype))
    summed = -fnp.sum(fnp.exp(logp) * logp, axis=-1)
    big = _safe(small, 100, mu)
    series = 0.5 * fnp.log(2 * math.pi * math.e * big) - 1 / (12 * big) - 1 / (24 * big ** 2) - 19 / (360 * big ** 3)
    return fnp.where(mu > 0, fnp.where(small, summed, series), fnp.where(mu == 0, 0.0, math.nan))


poisson.entropy = _poisson_entropy
_poisson_entropy.__name__ = _poisson_entropy.__qualname__ = "poisson.entropy"
bernoulli = _discrete("bernoulli", ("p",), "The Bernoulli distribution: 1 with probability p.",
                      lambda k, p: sp.xlogy(k, p) + sp.xlog1py(1 - k, -p), lambda k, p: (k == 0) | (k == 1), _unit,
                      (0.5,), cdf=lambda k, p: fnp.where(k < 1, 1 - p, 1),
                      ppf=lambda q, p: fnp.where(q == 0, -1.0, fnp.where(q <= 1 - p, 0.0, 1.0)))
binom = _discrete("binom", ("n", "p"), "The binomial distribution of n trials.", _binomial_log_mass,
                  lambda k, n, p: (k >= 0) & (k <= n), lambda n, p: (n >= 0) & (n == fnp.floor(n)) & _unit(p),
                  (1.0, 0.5))
geom = _discrete("geom", ("p",), "The geometric distribution: the trial of the first success, from 1.",
                 lambda k, p: sp.xlog1py(k - 1, -p) + fnp.log(p), lambda k, p: k >= 1, lambda p: (p > 0) & (p <= 1),
                 (0.5,))
multivariate_normal, dirichlet = _multivariate_normal(), _dirichlet()


def __dir__():  # the public names only, not the modules and helpers the code imports
    return __all__
