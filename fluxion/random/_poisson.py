"""Poisson samples drawn as jax draws them, so that a key gives jax's values.

Both methods run on every element, each element keeping the result of the method for its rate:

- lam < 10: Knuth's method. Round t draws uniforms u_t of the whole shape from key_t, where
  `key_{t+1}, key_t' = split(key_t)` draws from key_t'; the count is the number of rounds
  before the running sum of log(u_t) first falls to -lam or below.
- lam >= 10 (the others take lam = 1e5 here): Hörmann's transformed rejection with squeeze,
  PTRS ("The transformed rejection method for generating Poisson random variables", 1993).
  Round t draws two uniforms of the whole shape from `key_{t+1}, k_u, k_v = split(key_t, 3)`;
  an element takes the candidate of each round that accepts it, until every element has
  accepted once (so later rounds may replace an accepted candidate, as in jax). Its exact test
  takes log(k!) from Stirling's series for k >= 10, where jax's float32 form cancels (its
  variance is 0.78 lam at lam = 1e7): values may differ from jax's where a test is that close.

Both repeat while any element needs them (`repeat_while`); the rounds of an element's method
reject with probability below 0.11 (PTRS) and Knuth's take about lam + 1, so a draw of n values
takes some log(n) / log(9) + lam rounds. Counts are exact integers while they are below 2**24
in float32 (pass a float64 lam beyond).
"""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..ops import shape as S
from ._continuous import unit_floats
from ._keys import split_keys
from ._ops import ops_for, repeat_while
from ._util import ArrayLike, DTypeLike, Shape, count_params

__all__ = ["poisson"]

_KNUTH_BELOW = 10.0
_STIRLING_FROM = 10.0  # (PTRS takes log(k!) from Stirling's series from there on)
_MAX_ROUNDS = 1000  # (any element still going after that many rounds keeps the last state)


def _knuth(key, lam, shape: tuple[int, ...], ops):
    """Knuth's counts (int32) for rates `lam` below 10."""
    dt, neg_lam = lam.dtype, ops.neg(lam)
    tiny = ops.const(float(np.finfo(dt).tiny), dt)  # log(0) would be -inf: either is below -10

    def body(state):
        t, count, key, log_prod = state
        key, sub = split_keys("poisson", key, 2, ops)
        count = ops.select(ops.gt(log_prod, neg_lam), count, ops.add(count, ops.const(1, dtypes.int32)))
        u = unit_floats("poisson", sub, shape, dt, ops)
        return t + 1, count, key, ops.add(log_prod, ops.log(ops.max(u, tiny)))

    def more(state):
        return ops.and_(ops.lt(state[0], ops.const(_MAX_ROUNDS, dtypes.int32)), ops.any(ops.gt(state[3], neg_lam)))

    start = (ops.const(0, dtypes.int32), ops.full(shape, 0, dtypes.int32), key, ops.full(shape, 0, dt))
    return ops.sub(repeat_while(ops, more, body, start)[1], ops.const(1, dtypes.int32))


def transformed_rejection(op: str, key, shape: tuple[int, ...], hat: tuple, candidate, accepts, ops):
    """Counts (floats) by Hörmann's transformed rejection with squeeze, as jax runs it, for the
    hat's constants `hat` = (a, b, alpha, v_r) (floats of one dtype, broadcast to `shape`).

    Round t draws u and v of the whole shape from `key_{t+1}, k_u, k_v = split(key_t, 3)`, u
    less 1/2; with us = 1/2 - |u|, the candidate is `candidate((2 a / us + b) u)` (floored), taken
    where the squeeze (us >= 0.07 and v <= v_r) or `accepts(k, us, v, log_v)` holds, for log_v =
    log(v alpha / (a / us**2 + b)). An element takes the candidate of each round that accepts it,
    until every element has accepted once (so later rounds may replace an accepted candidate, as
    in jax)."""
    a, b, alpha, v_r = hat
    dt = a.dtype

    def c(value):
        return ops.const(value, dt)

    # u = -1/2 gives us = 0, whose candidate is -inf (rejected): any us below the grid of the
    # others rejects it the same way, without dividing by 0
    below_grid, tiny = c(2.0 ** -(np.finfo(dt).nmant + 2)), c(float(np.finfo(dt).tiny))

    def body(state):
        t, k_out, accepted, key = state
        key, key_u, key_v = split_keys(op, key, 3, ops)
        u = ops.sub(unit_floats(op, key_u, shape, dt, ops), c(0.5))
        v = unit_floats(op, key_v, shape, dt, ops)
        us = ops.sub(c(0.5), ops.abs(u))
        us_safe = ops.max(us, below_grid)
        squeeze = ops.and_(ops.ge(us, c(0.07)), ops.le(v, v_r))
        k = ops.floor(candidate(ops.mul(ops.add(ops.div(ops.mul(c(2), a), us_safe), b), u)))
        log_v = ops.log(ops.max(ops.div(ops.mul(v, alpha), ops.add(ops.div(a, ops.mul(us_safe, us_safe)), b)), tiny))
        accept = ops.or_(squeeze, accepts(k, us, v, log_v))
        return t + 1, ops.select(accept, k_out, k), ops.or_(accepted, accept), key

    def more(state):
        return ops.and_(ops.lt(state[0], ops.const(_MAX_ROUNDS, dtypes.int32)), ops.any(ops.not_(state[2])))

    start = (ops.const(0, dtypes.int32), ops.full(shape, -1, dt), ops.full(shape, False, dtypes.bool_), key)
    return repeat_while(ops, more, body, start)[1]


def _ptrs(key, lam, shape: tuple[int, ...], ops):
    """PTRS counts (floats of lam's dtype) for rates `lam` of 10 and more: the hat's constants b,
    a, 1/alpha and v_r of Hörmann's paper, a candidate k per round, the squeeze and the exact test."""
    dt = lam.dtype

    def c(value):
        return ops.const(value, dt)

    add, sub, mul, div = ops.add, ops.sub, ops.mul, ops.div
    log_lam = ops.log(lam)
    b = add(c(0.931), mul(c(2.53), ops.sqrt(lam)))
    a = add(c(-0.059), mul(c(0.02483), b))
    inv_alpha = add(c(1.1239), div(c(1.1328), sub(b, c(3.4))))
    v_r = sub(c(0.9277), div(c(3.6224), sub(b, c(2))))

    def _log_p(k):
        """log(lam**k exp(-lam) / k!) for k >= 10, with log(k!) from Stirling's series:
        k log1p((lam - k) / k) - (lam - k) - log(2 pi k) / 2 - tail(k). (In float32,
        -lam + k log(lam) - lgamma(k + 1) cancels: by about 0.4 at lam = 1e6.)"""
        inv = div(c(1), k)
        tail = mul(inv, sub(c(1 / 12), mul(mul(inv, inv), sub(c(1 / 360), mul(mul(inv, inv), c(1 / 1260))))))
        gap = sub(lam, k)
        log_p = sub(mul(k, ops.log1p(div(gap, k))), gap)
        return sub(sub(log_p, mul(c(0.5), ops.log(mul(c(2 * np.pi), k)))), tail)

    def accepts(k, us, v, s):
        k_seen = ops.max(k, c(0))  # (the test below matters only where k >= 0)
        log_p = ops.select(ops.lt(k_seen, c(_STIRLING_FROM)), _log_p(ops.max(k_seen, c(_STIRLING_FROM))),
                           sub(add(ops.neg(lam), mul(k_seen, log_lam)), ops.lgamma(add(k_seen, c(1)))))
        hopeless = ops.or_(ops.lt(k, c(0)), ops.and_(ops.lt(us, c(0.013)), ops.gt(v, us)))
        return ops.and_(ops.not_(hopeless), ops.le(s, log_p))

    return transformed_rejection("poisson", key, shape, (a, b, inv_alpha, v_r), lambda x: add(add(x, lam), c(0.43)),
                                 accepts, ops)


def poisson(key: ArrayLike, lam: ArrayLike, shape: Shape | None = None, dtype: DTypeLike = dtypes.int64) -> Array:
    """Poisson(lam) counts of `shape` (lam broadcasts to it) and signed integer `dtype`, drawn as
    jax draws them (a float64 lam computes in float64, where jax computes in float32).

    Where lam is negative, infinite or NaN the result is -1.

    >>> import fluxion as fx
    >>> x = fx.random.poisson(fx.random.key(0), 3.0, (1000,))
    >>> 2.8 < float(x.mean()) < 3.2
    True
    """
    dt, shape, lam = count_params("poisson", dtype, shape, "lam", lam, "invalid rates")
    ops = ops_for(key, lam)
    lam = ops.read(S.broadcast_to(lam, shape))
    zero = ops.const(0, lam.dtype)
    valid = ops.and_(ops.ge(lam, zero), ops.lt(lam, ops.const(np.inf, lam.dtype)))  # False for NaN too
    lam = ops.select(valid, ops.const(1, lam.dtype), lam)  # invalid rates give -1 below; keep their lanes finite
    knuth = ops.lt(lam, ops.const(_KNUTH_BELOW, lam.dtype))
    by_ptrs = _ptrs(key, ops.select(knuth, lam, ops.const(1e5, lam.dtype)), shape, ops)
    by_knuth = _knuth(key, ops.select(knuth, zero, lam), shape, ops)
    counts = ops.select(knuth, ops.convert(by_ptrs, dt), ops.convert(by_knuth, dt))
    counts = ops.select(ops.eq(lam, zero), counts, ops.const(0, dt))
    return ops.result(ops.select(valid, ops.const(-1, dt), counts))
