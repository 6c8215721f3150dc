"""Counts of successes in Bernoulli trials: geometric, binomial and multinomial, without
data-dependent control flow.

A geometric waiting time (the trial of the first success, success probability q) is
1 + floor(E / -log(1 - q)) for a standard exponential E.

Binomial(n, p) samples Binomial(n, q) with q = min(p, 1 - p) (and returns n minus the count
where p > 1/2). Every element gets `2 * _BTRS_ROUNDS` uniforms; each keeps the result of the
method for its parameters, which uses only its own uniforms:

- n q < 10: the waiting-time method. The count is the number of partial sums of geometric
  waiting times that stay <= n. Its first `_WAIT_ROUNDS` uniforms decide every count below 54;
  by the Chernoff bound, P(Binomial(n, q) >= 54) <= e**-10 (10 e / 54)**54 < 2**-64 for n q < 10.
- n q >= 10: Hörmann's transformed rejection with squeeze, BTRS ("The generation of binomial
  random variates", 1993). A round (two uniforms) is rejected with probability below 0.3 (the
  worst case, 0.294, is at n = 20, q = 1/2), so all 38 rounds reject with probability below
  2**-64; only then does an element fall back to floor(n q). The acceptance test compares with
  log P(k) - log P(mode) in Loader's saddle-point form, accurate in float32 for large n.

Counts are exact integers while they are below 2**24 in float32 (pass float64 beyond).
Multinomial draws one conditional binomial per category, in a `scan` over the categories.
"""
from __future__ import annotations

import math

import numpy as np

from .. import numpy as fnp
from ..control.scan import scan
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..numpy._convert import convert
from ._continuous import stream_floats, unit_floats
from ._keys import split
from ._rejection import first_accepted
from ._saddle import bd0, stirling_error
from ._util import (ArrayLike, DTypeLike, Shape, compute_dtype, count_params, float_dtype, param,
                    sample_shape)

__all__ = ["binomial", "geometric", "multinomial"]

_WAIT_BELOW = 10.0
_WAIT_ROUNDS = 54
_BTRS_ROUNDS = 38


def _waiting_times(u: Array, q: Array) -> Array:
    """Geometric waiting times with success probability q from uniforms u in [0, 1)."""
    rate = fnp.maximum(-fnp.log1p(-q), np.finfo(q.dtype).tiny)
    return 1.0 + fnp.floor(-fnp.log1p(-u) / rate)


def geometric(key: ArrayLike, p: ArrayLike, shape: Shape | None = None, dtype: DTypeLike = dtypes.int64) -> Array:
    """The number of Bernoulli(p) trials up to and including the first success (1, 2, ...), of
    `shape` (p broadcasts to it) and signed integer `dtype`.

    Where p is not in (0, 1] the result is -1; counts beyond the dtype's range saturate.

    >>> import fluxion as fx
    >>> x = fx.random.geometric(fx.random.key(0), 0.25, (10000,))
    >>> 3.9 < float(x.mean()) < 4.1
    True
    """
    dt, shape, p = count_params("geometric", dtype, shape, "p", p, "invalid probabilities")
    valid = (p > 0) & (p <= 1)
    trials = _waiting_times(unit_floats("geometric", key, shape, p.dtype), fnp.where(valid, p, 0.5))
    top = np.iinfo(dt).max
    cap = np.array(top, p.dtype)
    cap = cap if int(cap) <= top else np.nextafter(cap, np.array(0, p.dtype))  # the largest float that fits
    count = fnp.where(trials >= cap, fnp.asarray(top, dtype=dt), convert(fnp.minimum(trials, cap), dt))
    return fnp.where(valid, count, fnp.asarray(-1, dtype=dt))


def _waiting_count(n: Array, q: Array, u: Array) -> Array:
    """Binomial(n, q) for n q < 10: how many partial sums of waiting times (rounds on axis 0) are <= n."""
    # below the smallest normal float, a success in under 2**64 trials has probability < 1e-18 (and gaps overflow)
    live = q >= np.finfo(q.dtype).tiny
    arrivals = fnp.cumsum(_waiting_times(u, fnp.where(live, q, 0.5)), 0)
    return fnp.where(live, (arrivals <= n).sum(0).astype(q.dtype), 0.0)


def _log_pmf(k: Array, n: Array, q: Array) -> Array:
    """log P(K = k) for K ~ Binomial(n, q), integer-valued 0 <= k <= n, n >= 1, 0 < q < 1
    (Loader's saddle-point form inside, the closed forms at k = 0 and k = n)."""
    inner = (k > 0) & (k < n)
    k_in = fnp.where(inner, k, 1.0)
    rest = fnp.where(inner, n - k, 1.0)
    saddle = (stirling_error(n) - stirling_error(k_in) - stirling_error(rest) - bd0(k_in, n * q)
              - bd0(rest, n * (1.0 - q)) - 0.5 * fnp.log(2 * math.pi * k_in * rest / n))
    edge = fnp.where(k == 0, n * fnp.log1p(-q), n * fnp.log(q))
    return fnp.where(inner, saddle, edge)


def _btrs(n: Array, q: Array, u: Array, v: Array) -> Array:
    """BTRS on rounds of uniforms u, v (axis 0), for n q >= 10 and q <= 1/2: the constants of
    Hörmann's paper, the candidate k, the squeeze, and the exact test against P(k) / P(mode)."""
    spq = fnp.sqrt(n * q * (1.0 - q))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * q
    alpha = (2.83 + 5.1 / b) * spq
    v_r = 0.92 - 4.2 / b
    mode = fnp.floor((n + 1.0) * q)
    u = u - 0.5
    us = fnp.maximum(0.5 - fnp.abs(u), np.finfo(q.dtype).tiny)  # u = 0 is rejected below; avoid dividing by 0
    k = fnp.floor((2.0 * a / us + b) * u + n * q + 0.5)
    squeeze = (us >= 0.07) & (v <= v_r)
    inside = (k >= 0) & (k <= n)
    lhs = fnp.log(fnp.maximum(v, np.finfo(q.dtype).tiny)) + fnp.log(alpha) - fnp.log(a / (us * us) + b)
    ratio = _log_pmf(fnp.clip(k, 0.0, n), n, q) - _log_pmf(mode, n, q)
    accept = squeeze | (inside & (lhs <= ratio))
    return first_accepted(accept, k, fnp.floor(n * q))


def _binomial(key, n: Array, p: Array, shape: tuple[int, ...]) -> Array:
    """Binomial(n, p) counts of `shape` (n, p broadcast to it) as floats; NaN for invalid n, p."""
    n, p = fnp.broadcast_to(n, shape), fnp.broadcast_to(p, shape)
    valid = (n >= 0) & (n == fnp.floor(n)) & fnp.isfinite(n) & (p >= 0) & (p <= 1)
    flip = p > 0.5
    q = fnp.where(valid, fnp.where(flip, 1.0 - p, p), 0.0)
    n = fnp.where(valid, n, 0.0)
    u = stream_floats("binomial", key, (2 * _BTRS_ROUNDS,) + shape, p.dtype)
    waiting = n * q < _WAIT_BELOW
    # each method sees safe parameters in the lanes of the other
    small = _waiting_count(fnp.where(waiting, n, 0.0), fnp.where(waiting, q, 0.0), u[:_WAIT_ROUNDS])
    large = _btrs(fnp.where(waiting, 20.0, n), fnp.where(waiting, 0.5, q), u[:_BTRS_ROUNDS], u[_BTRS_ROUNDS:])
    count = fnp.where(waiting, small, large)
    return fnp.where(valid, fnp.where(flip, n - count, count), np.nan)


def binomial(key: ArrayLike, n: ArrayLike, p: ArrayLike, shape: Shape | None = None,
             dtype: DTypeLike = dtypes.float32) -> Array:
    """Binomial(n, p) counts as floats of `dtype`, of `shape` (n and p broadcast to it).

    NaN where n is not a non-negative integer or p is not in [0, 1].

    >>> import fluxion as fx
    >>> x = fx.random.binomial(fx.random.key(0), 100, 0.3, (10000,))
    >>> 29.8 < float(x.mean()) < 30.2
    True
    """
    dt = float_dtype("binomial", dtype)
    cdt = compute_dtype(dt)
    n, p = param("binomial", "n", n, cdt), param("binomial", "p", p, cdt)
    shape = sample_shape("binomial", shape, n.shape, p.shape)
    return convert(_binomial(key, n, p, shape), dt)


def multinomial(key: ArrayLike, n: ArrayLike, p: ArrayLike, *, shape: Shape | None = None,
                dtype: DTypeLike = dtypes.float32, unroll: int | bool = 1) -> Array:
    """Multinomial(n, p) counts as floats of `dtype`: `p` has the outcomes on its last axis,
    and the output has shape `shape + (k,)` (`shape` defaults to the broadcast of n's shape and
    p's batch shape `p.shape[:-1]`, which must broadcast to it).

    Each count is a binomial draw given the earlier ones: the count of outcome i is
    Binomial(n - earlier counts, p_i / (p_i + ... + p_k)), so p needs no normalising. `unroll`
    is passed to the `scan` over the outcomes. A draw is all NaN where n is not a non-negative
    integer, or where its p has a negative, infinite or NaN entry or sums to 0.

    >>> import fluxion as fx
    >>> import fluxion.numpy as fnp
    >>> x = fx.random.multinomial(fx.random.key(0), 10, fnp.asarray([0.2, 0.3, 0.5]), shape=(4,))
    >>> x.shape, x.sum(-1).tolist()
    ((4, 3), [10.0, 10.0, 10.0, 10.0])
    """
    dt = float_dtype("multinomial", dtype)
    cdt = compute_dtype(dt)
    n, p = param("multinomial", "n", n, cdt), param("multinomial", "p", p, cdt)
    if p.ndim == 0 or p.shape[-1] == 0:
        raise op_error(ShapeError, "random.multinomial", f"p of shape {p.shape} has no axis of outcomes",
                       "pass p with one probability per outcome on its last axis, e.g. shape (k,)")
    shape = sample_shape("multinomial", shape, n.shape, p.shape[:-1])
    k = p.shape[-1]
    p = fnp.moveaxis(fnp.broadcast_to(p, shape + (k,)), -1, 0)
    remaining_mass = fnp.flip(fnp.cumsum(fnp.flip(p, 0), 0), 0)  # p_i + ... + p_k, without cancellation
    share = fnp.where(remaining_mass > 0, fnp.clip(p / remaining_mass, 0.0, 1.0), 0.0)

    def draw(remaining, x):
        step_key, q = x
        count = _binomial(step_key, remaining, q, shape)
        return remaining - count, count

    left, counts = scan(draw, fnp.broadcast_to(n, shape), (split(key, k - 1), share[:-1]), unroll=unroll)
    valid = ((p >= 0) & fnp.isfinite(p)).all(0) & (remaining_mass[0] > 0)
    counts = fnp.where(valid, fnp.concatenate([counts, left[None]], 0), np.nan)
    return convert(fnp.moveaxis(counts, 0, -1), dt)
