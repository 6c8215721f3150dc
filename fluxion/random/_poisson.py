"""Poisson samples without data-dependent control flow.

Every element gets `2 * _PTRS_ROUNDS` uniforms and both methods below run on all of them;
each element keeps the result of the method for its rate, which uses only its own uniforms.

- lam < 10: Knuth's method, counting the arrivals of a unit-rate Poisson process in
  [0, lam] (partial sums of -log(1 - u) below lam). The first `_KNUTH_ROUNDS` uniforms
  decide every count below 52, and P(Poisson(10) >= 52) < 2**-64.
- lam >= 10: Hörmann's transformed rejection with squeeze, PTRS ("The transformed rejection
  method for generating Poisson random variables", 1993). A round (two uniforms) is rejected
  with probability below 0.248, so all 32 rounds reject with probability below 2**-64; only
  then does an element fall back to floor(lam). The acceptance test compares with the log
  probability in Loader's saddle-point form, which stays accurate in float32 for large lam.

Counts are exact integers while they are below 2**24 in float32 (pass a float64 lam beyond).
"""
from __future__ import annotations

import math

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ._continuous import stream_floats
from ._rejection import first_accepted
from ._saddle import STIRLING_FROM, bd0, stirling_series
from ._util import ArrayLike, DTypeLike, Shape, count_params, like

__all__ = ["poisson"]

_KNUTH_BELOW = 10.0
_KNUTH_ROUNDS = 52
_PTRS_ROUNDS = 32



def _knuth(lam: Array, u: Array) -> Array:
    arrivals = R.cumsum(E.neg_p.bind(E.log1p_p.bind(E.neg_p.bind(u))), 0)
    return R.reduce_sum(convert(E.lt_p.bind(arrivals, lam), lam.dtype), (0,))


def _log_pmf(k: Array, lam: Array) -> Array:
    """log P(K = k) for K ~ Poisson(lam), for integer-valued k >= 0."""
    safe_k = E.max_p.bind(k, like(STIRLING_FROM, k))
    saddle = E.neg_p.bind(E.add_p.bind(E.add_p.bind(bd0(safe_k, lam), stirling_series(safe_k)), E.mul_p.bind(
        like(0.5, k), E.log_p.bind(E.mul_p.bind(like(2 * math.pi, k), safe_k)))))
    small_k = E.max_p.bind(k, like(0, k))
    direct = E.sub_p.bind(E.sub_p.bind(E.mul_p.bind(small_k, E.log_p.bind(lam)), lam),
                          E.lgamma_p.bind(E.add_p.bind(small_k, like(1, k))))
    return E.select_n_p.bind(E.lt_p.bind(k, like(STIRLING_FROM, k)), saddle, direct)


def _ptrs(lam: Array, u: Array, v: Array) -> Array:
    """PTRS on rounds of uniforms `u`, `v` (axis 0): the hat's constants b, a, 1/alpha, v_r of
    Hörmann's paper, the candidate k, the squeeze, and the exact test against log P(k)."""
    add, sub, mul, div = E.add_p.bind, E.sub_p.bind, E.mul_p.bind, E.div_p.bind
    b = add(like(0.931, lam), mul(like(2.53, lam), E.sqrt_p.bind(lam)))
    a = add(like(-0.059, lam), mul(like(0.02483, lam), b))
    inv_alpha = add(like(1.1239, lam), div(like(1.1328, lam), sub(b, like(3.4, lam))))
    v_r = sub(like(0.9277, lam), div(like(3.6224, lam), sub(b, like(2, lam))))
    u = sub(u, like(0.5, lam))
    us = sub(like(0.5, lam), E.abs_p.bind(u))
    us = E.max_p.bind(us, like(np.finfo(lam.dtype).tiny, lam))  # u = 0 is rejected below; avoid dividing by 0
    k = E.floor_p.bind(add(mul(add(div(mul(like(2, lam), a), us), b), u), add(lam, like(0.43, lam))))
    squeeze = E.and_p.bind(E.ge_p.bind(us, like(0.07, lam)), E.le_p.bind(v, v_r))
    hopeless = E.or_p.bind(E.lt_p.bind(k, like(0, lam)),
                           E.and_p.bind(E.lt_p.bind(us, like(0.013, lam)), E.gt_p.bind(v, us)))
    log_v = E.log_p.bind(E.max_p.bind(v, like(np.finfo(lam.dtype).tiny, lam)))
    lhs = sub(add(log_v, E.log_p.bind(inv_alpha)), E.log_p.bind(add(div(a, mul(us, us)), b)))
    accept = E.or_p.bind(squeeze, E.and_p.bind(E.not_p.bind(hopeless), E.le_p.bind(lhs, _log_pmf(k, lam))))
    return first_accepted(accept, k, S.broadcast_to(E.floor_p.bind(lam), k.shape[1:]))


def poisson(key: ArrayLike, lam: ArrayLike, shape: Shape | None = None, dtype: DTypeLike = dtypes.int64) -> Array:
    """Poisson(lam) counts of `shape` (lam broadcasts to it) and signed integer `dtype`.

    Where lam is negative, infinite or NaN the result is -1.

    >>> import fluxion as fx
    >>> x = fx.random.poisson(fx.random.key(0), 3.0, (1000,))
    >>> 2.8 < float(x.mean()) < 3.2
    True
    """
    dt, shape, lam = count_params("poisson", dtype, shape, "lam", lam, "invalid rates")
    lam = S.broadcast_to(lam, shape)
    valid = E.and_p.bind(E.ge_p.bind(lam, like(0, lam)), E.is_finite_p.bind(lam))
    lam = E.select_n_p.bind(valid, like(1, lam), lam)  # invalid rates give -1 below; keep their lanes finite
    u = stream_floats("poisson", key, (2 * _PTRS_ROUNDS,) + shape, lam.dtype)
    below = E.lt_p.bind(lam, like(_KNUTH_BELOW, lam))
    knuth = _knuth(E.min_p.bind(lam, like(_KNUTH_BELOW, lam)), S.slice_in_dim(u, 0, _KNUTH_ROUNDS, axis=0))
    ptrs = _ptrs(E.max_p.bind(lam, like(_KNUTH_BELOW, lam)), S.slice_in_dim(u, 0, _PTRS_ROUNDS, axis=0),
                 S.slice_in_dim(u, _PTRS_ROUNDS, 2 * _PTRS_ROUNDS, axis=0))
    count = E.select_n_p.bind(below, ptrs, knuth)
    return convert(E.select_n_p.bind(valid, like(-1, count), count), dt)
