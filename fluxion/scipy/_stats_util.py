"""Helpers of fluxion.scipy.stats: a distribution is a namespace of SciPy-style functions, each
built from a function of the standardized point y = (x - loc) / scale. Argument parsing,
promotion, the support, invalid parameters (NaN) and the masking of branches are said once here.
"""
from __future__ import annotations

import math
from types import SimpleNamespace

from .. import numpy as fnp
from ..core.errors import ArgumentTypeError, op_error
from ..numpy._convert import promote_inexact
from ._util import _in_float64

LOG_2PI = math.log(2 * math.pi)


def _safe(ok, x, fill):
    """`x` where `ok`, else `fill`: the masked entries are replaced before a function that would
    make them NaN or inf, so that neither values nor derivatives pick them up."""
    return fnp.where(ok, x, fill)


def _wide(name: str, fn):
    """`fn` computed in float64 and rounded once: log densities that add gammaln's of large
    parameters cancel in float32 (poisson.logpmf(1e6, 1e6) keeps one digit), where SciPy computes
    in double."""
    return lambda *args: _in_float64(name, fn, *args)


def _distribution(name: str, doc: str, shapes: tuple = (), defaults=(0, 1), point: str = "x", **fns) -> SimpleNamespace:
    """A namespace of SciPy-style functions f(x, *shapes, loc=0, scale=1) (loc and scale may also
    come by position, after the shape parameters) from functions of (x, shapes, loc, scale), which
    receive arrays of one floating dtype. The first argument is named as SciPy names it: `q` for the
    quantile functions, else `point` (`k` for discrete distributions)."""
    tail = ("loc", "scale")[:len(defaults)]

    def public(fn_name, fn):
        first = "q" if fn_name in ("ppf", "isf") else point
        names = (first,) + shapes + tail
        signature = ", ".join((first,) + shapes + tuple(f"{t}={d}" for t, d in zip(tail, defaults)))

        def f(*args, **kwargs):
            given = dict(zip(names, args))
            if len(args) > len(names) or set(given) & set(kwargs) or set(kwargs) - set(names) \
                    or not {first, *shapes} <= set(given) | set(kwargs):
                raise op_error(ArgumentTypeError, f"{name}.{fn_name}", f"takes ({signature}), got {len(args)} "
                               f"positional arguments and the keywords {sorted(kwargs)}",
                               f"pass {', '.join((first,) + shapes)} and optionally {' and '.join(tail)}, by "
                               "position or by name")
            given.update(kwargs)
            # promoted together, so that a Python float parameter keeps its digits next to a float64 x
            x, loc, scale, *params = promote_inexact(f"{name}.{fn_name}", given[first], given.get("loc", defaults[0]),
                                                     given.get("scale", defaults[-1]), *(given[s] for s in shapes))
            return fn(x, params, loc, scale)
        f.__name__ = f.__qualname__ = f"{name}.{fn_name}"
        f.__doc__ = f"{name}.{fn_name}({signature}). {doc}"
        return f
    out = SimpleNamespace(**{k: public(k, fn) for k, fn in fns.items()})
    out.__doc__ = doc
    return out


def _standard(x, loc, scale):
    """(y = (x - loc) / scale, the scale made safe, whether the scale is valid)."""
    valid = scale > 0
    scale = _safe(valid, scale, 1)
    return (x - loc) / scale, scale, valid


def _density(log_standard, support):
    """logpdf and pdf of a location-scale family from the standard log density on its support."""
    def logpdf(x, shape, loc, scale):
        y, scale, valid = _standard(x, loc, scale)
        inside = support(y, *shape)
        out = fnp.where(inside, log_standard(_safe(inside, y, 0.5), *shape) - fnp.log(scale), -math.inf)
        return fnp.where(valid & ~fnp.isnan(y), out, math.nan)

    def pdf(x, shape, loc, scale):
        return fnp.exp(logpdf(x, shape, loc, scale))
    return logpdf, pdf


def _function(standard_fn):
    """A function of (x, shapes, loc, scale) from a function of the standardized point."""
    def fn(x, shape, loc, scale):
        y, _, valid = _standard(x, loc, scale)
        return fnp.where(valid & ~fnp.isnan(y), standard_fn(y, *shape), math.nan)
    return fn


def _quantile(standard_ppf):
    def ppf(q, shape, loc, scale):
        ok = (q >= 0) & (q <= 1) & (scale > 0)
        return fnp.where(ok, loc + scale * standard_ppf(_safe(ok, q, 0.5), *shape), math.nan)
    return ppf


def _all_positive(*shape):
    ok = shape[0] > 0
    for s in shape[1:]:
        ok = ok & (s > 0)
    return ok


def _checked(fn, valid=_all_positive, safe=None):
    """`fn` with NaN where `valid(*shape)` fails (by default, where a shape parameter is not
    positive); there the shape parameters are first replaced by `safe` (default 1 each)."""
    def checked(x, shape, loc, scale):
        ok = valid(*shape)
        fills = safe or (1,) * len(shape)
        return fnp.where(ok, fn(x, [_safe(ok, s, f) for s, f in zip(shape, fills)], loc, scale), math.nan)
    return checked


def _everywhere(y, *shape):
    return fnp.ones_like(y, dtype=bool)


def _positive(y, *shape):
    return y >= 0


def _unit(p):
    return (p >= 0) & (p <= 1)


def _discrete(name: str, shapes: tuple, doc: str, log_mass, support, valid, safe: tuple, cdf=None,
              ppf=None) -> SimpleNamespace:
    """A discrete distribution of integers k (shifted by loc) from its log mass on the support and,
    if given, its distribution function `cdf(k, *params)` at integers k >= 0 (0 below them) and its
    quantile function `ppf(q, *params)` for q in [0, 1] (-1 at 0, as SciPy)."""
    log_mass = _wide(f"{name}.logpmf", log_mass)

    def checked(fn):
        def f(k, params, loc, _):
            k, ok = k - loc, valid(*params)
            out = fn(k, [_safe(ok, p, s) for p, s in zip(params, safe)])
            return fnp.where(ok & ~fnp.isnan(k), out, math.nan)
        return f

    def logpmf(k, params):
        inside = (k == fnp.floor(k)) & support(k, *params)
        return fnp.where(inside, log_mass(_safe(inside, k, 0), *params), -math.inf)

    def distribution_function(k, params):
        k = fnp.floor(k)
        return fnp.where(k >= 0, cdf(fnp.maximum(k, 0), *params), 0)
    fns = {"logpmf": checked(logpmf), "pmf": checked(lambda k, params: fnp.exp(logpmf(k, params)))}
    if cdf is not None:
        fns["cdf"] = checked(distribution_function)
    if ppf is not None:
        def quantile(q, params, loc, _):
            ok = valid(*params) & (q >= 0) & (q <= 1)
            return fnp.where(ok, ppf(_safe(ok, q, 0.5), *[_safe(ok, p, s) for p, s in zip(params, safe)]) + loc,
                             math.nan)
        fns["ppf"] = quantile
    return _distribution(name, doc, shapes, (0,), "k", **fns)


def _named(name: str, doc: str, **fns) -> SimpleNamespace:
    for fn_name, fn in fns.items():
        fn.__name__ = fn.__qualname__ = f"{name}.{fn_name}"
    out = SimpleNamespace(**fns)
    out.__doc__ = doc
    return out
