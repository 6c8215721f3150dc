"""Pieces of Loader's saddle-point form of log probabilities ("Fast and accurate computation of
binomial probabilities", 2000), which stays accurate in float32 where log k! and k log(lam)
are large and nearly cancel: the deviance term `bd0` and the Stirling error `stirling_error`.
Shared by the Poisson and binomial rejection samplers.
"""
from __future__ import annotations

import math

from ..core import dtypes
from ..core.array import Array
from ..ops import elementwise as E
from ._util import like

# from here on, the Stirling error comes from its asymptotic series; below, lgamma has no large
# terms to cancel
STIRLING_FROM = 10.0


def bd0(k: Array, lam: Array) -> Array:
    """k log(k / lam) + lam - k (k > 0) without cancellation: Loader's series in v = (k - lam) / (k + lam)
    for |v| < 1/4, the direct formula elsewhere."""
    diff = E.sub_p.bind(k, lam)
    v = E.div_p.bind(diff, E.add_p.bind(k, lam))
    v2 = E.mul_p.bind(v, v)
    terms = 6 if lam.dtype == dtypes.float32 else 13
    series = like(1 / (2 * terms + 1), v)
    for j in range(terms - 1, 0, -1):  # sum over j >= 1 of v**(2j) / (2j + 1), by Horner
        series = E.add_p.bind(E.mul_p.bind(series, v2), like(1 / (2 * j + 1), v))
    series = E.mul_p.bind(series, v2)
    near = E.add_p.bind(E.mul_p.bind(diff, v), E.mul_p.bind(E.mul_p.bind(like(2, k), k), E.mul_p.bind(v, series)))
    far = E.sub_p.bind(E.mul_p.bind(k, E.log_p.bind(E.div_p.bind(k, lam))), diff)
    return E.select_n_p.bind(E.lt_p.bind(E.abs_p.bind(v), like(0.25, v)), far, near)


def stirling_series(k: Array) -> Array:
    """lgamma(k + 1) - (k + 1/2) log k + k - log(2 pi)/2 by its asymptotic series (for k >= STIRLING_FROM)."""
    inv = E.div_p.bind(like(1, k), k)
    inv2 = E.mul_p.bind(inv, inv)
    return E.mul_p.bind(inv, E.add_p.bind(like(1 / 12, k), E.mul_p.bind(inv2, E.add_p.bind(
        like(-1 / 360, k), E.mul_p.bind(inv2, like(1 / 1260, k))))))


def stirling_error(k: Array) -> Array:
    """lgamma(k + 1) - (k + 1/2) log k + k - log(2 pi)/2 for k >= 1: the series from STIRLING_FROM
    on, lgamma below."""
    large = E.ge_p.bind(k, like(STIRLING_FROM, k))
    series = stirling_series(E.max_p.bind(k, like(STIRLING_FROM, k)))
    small_k = E.min_p.bind(k, like(STIRLING_FROM, k))
    direct = E.add_p.bind(E.sub_p.bind(E.lgamma_p.bind(E.add_p.bind(small_k, like(1, k))), E.mul_p.bind(
        E.add_p.bind(small_k, like(0.5, k)), E.log_p.bind(small_k))), E.sub_p.bind(small_k, like(0.5 * math.log(
            2 * math.pi), k)))
    return E.select_n_p.bind(large, direct, series)
