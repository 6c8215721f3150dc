"""SciPy's distribution functions in fluxion.scipy.special: the Poisson (pdtr, pdtrc), binomial (bdtr,
bdtrc), chi-square (chdtr, chdtrc) and Student t (stdtr) distribution functions, through the
incomplete gamma and beta functions, with SciPy's floor of the count k and its values at the edges:

- pdtr(k, m) = gammaincc(floor(k) + 1, m), pdtrc = gammainc(floor(k) + 1, m); NaN for k < 0 or m < 0;
  1 and 0 at m = 0;
- bdtr(k, n, p) = betainc(n - floor(k), floor(k) + 1, 1 - p), (1 - p)**n for floor(k) = 0, 1 at
  floor(k) = n; bdtrc(k, n, p) = betainc(floor(k) + 1, n - floor(k), p), 1 - (1 - p)**n at k = 0
  (-expm1(n log1p(-p)) for p < 0.01), 1 for floor(k) < 0, 0 at floor(k) = n. n is truncated to an
  integer (NaN beyond int32, as SciPy's cast); NaN for p outside [0, 1] and for floor(k) > n (and
  floor(k) < 0 in bdtr);
- chdtr(v, x) = gammainc(v / 2, x / 2), chdtrc = gammaincc(v / 2, x / 2); NaN for x < 0;
- stdtr(df, t) is fluxion.scipy.stats.t.cdf(t, df).

All compute in float64 and round once (SciPy's float32 loops compute in double too). The
derivatives are those of the incomplete gamma and beta functions in their continuous arguments
(m, p, x and v; t, and not df).
"""
from __future__ import annotations

import numpy as np

from .. import numpy as fnp
from ..core.array import Array
from ..ops import elementwise as E
from ._util import _in_float64

_INT_MAX = 2.0 ** 31 - 1  # SciPy casts n to a C int


def _poisson(k, m, lower: bool):
    v = fnp.floor(k) + 1
    out = E.igammac_p.bind(v, m) if lower else E.igamma_p.bind(v, m)
    out = fnp.where(m == 0, 1.0 if lower else 0.0, out)
    return fnp.where((k < 0) | (m < 0), np.nan, out)


def pdtr(k, m) -> Array:
    """The Poisson distribution function: the probability of at most floor(k) events at mean m.

    NaN for k < 0 or m < 0; 1 at m = 0.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.pdtr(2.0, 3.0).item(), 6)
    0.42319
    """
    return _in_float64("pdtr", lambda k, m: _poisson(k, m, lower=True), k, m)


def pdtrc(k, m) -> Array:
    """The Poisson survival function: the probability of more than floor(k) events at mean m.

    NaN for k < 0 or m < 0; 0 at m = 0.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.pdtrc(2.0, 3.0).item(), 6)
    0.57681
    """
    return _in_float64("pdtrc", lambda k, m: _poisson(k, m, lower=False), k, m)


def _binomial_arguments(k, n, p):
    """(floor(k), n truncated, where NaN) with SciPy's invalid cases common to bdtr and bdtrc, and
    the arguments of the incomplete beta function (n - floor(k), floor(k), p) where they are valid
    (1, 1, 1/2 elsewhere)."""
    fk, n = fnp.floor(k), fnp.trunc(n)
    invalid = fnp.isnan(p) | fnp.isnan(k) | (p < 0) | (p > 1) | ~(fnp.abs(n) <= _INT_MAX) | (n < fk)
    inside = ~invalid & (fk >= 0) & (fk < n)
    safe = (fnp.where(inside, n - fk, 1.0), fnp.where(inside, fk, 1.0), fnp.where(inside, p, 0.5))
    return fk, n, invalid, safe


def _bdtr(k, n, p):
    fk, n, invalid, (dn, fk_s, p_s) = _binomial_arguments(k, n, p)
    out = fnp.where(fk_s == 0, (1 - p_s) ** dn, E.betainc_p.bind(dn, fk_s + 1, 1 - p_s))
    out = fnp.where(fk == n, 1.0, out)
    return fnp.where(invalid | (fk < 0), np.nan, out)


def _bdtrc(k, n, p):
    fk, n, invalid, (dn, fk_s, p_s) = _binomial_arguments(k, n, p)
    # at k = 0 exactly, SciPy's 1 - (1 - p)**n, from log1p for small p
    at_zero = fnp.where(p_s < 0.01, -fnp.expm1(dn * fnp.log1p(-p_s)), 1 - (1 - p_s) ** dn)
    out = fnp.where(k == 0, at_zero, E.betainc_p.bind(fk_s + 1, dn, p_s))
    out = fnp.where(fk < 0, 1.0, fnp.where(fk == n, 0.0, out))
    return fnp.where(invalid, np.nan, out)


def bdtr(k, n, p) -> Array:
    """The binomial distribution function: the probability of at most floor(k) successes in n
    trials of probability p.

    NaN for p outside [0, 1], floor(k) < 0 or floor(k) > n; n is truncated to an integer.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.bdtr(2.0, 5.0, 0.3).item(), 5)
    0.83692
    """
    return _in_float64("bdtr", _bdtr, k, n, p)


def bdtrc(k, n, p) -> Array:
    """The binomial survival function: the probability of more than floor(k) successes in n
    trials of probability p.

    1 for floor(k) < 0; NaN for p outside [0, 1] or floor(k) > n; n is truncated to an integer.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.bdtrc(2.0, 5.0, 0.3).item(), 5)
    0.16308
    """
    return _in_float64("bdtrc", _bdtrc, k, n, p)


def chdtr(v, x) -> Array:
    """The chi-square distribution function with v degrees of freedom, gammainc(v / 2, x / 2).

    NaN for x < 0.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.chdtr(3.0, 3.0).item(), 6)
    0.608375
    """
    return _in_float64("chdtr", lambda v, x: fnp.where(x < 0, np.nan, E.igamma_p.bind(v / 2, x / 2)), v, x)


def chdtrc(v, x) -> Array:
    """The chi-square survival function with v degrees of freedom, gammaincc(v / 2, x / 2).

    NaN for x < 0.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.chdtrc(3.0, 3.0).item(), 6)
    0.391625
    """
    return _in_float64("chdtrc", lambda v, x: fnp.where(x < 0, np.nan, E.igammac_p.bind(v / 2, x / 2)), v, x)


def stdtr(df, t) -> Array:
    """Student's t distribution function with df degrees of freedom (df > 0, inf for the normal).

    NaN for df <= 0. It is fluxion.scipy.stats.t.cdf(t, df) in float64, whose tails keep their digits.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.stdtr(3.5, 2.0).item(), 6)
    0.936931
    """
    from . import stats  # (stats imports special: imported on first use)
    return _in_float64("stdtr", lambda df, t: stats.t.cdf(t, df), df, t)
