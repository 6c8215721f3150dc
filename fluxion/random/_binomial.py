"""Counts of successes in Bernoulli trials: geometric, binomial and multinomial, drawn as jax
draws them (so that a key gives jax's values).

A geometric waiting time (the trial of the first success, success probability p) is
floor(log(u) / log1p(-p)) + 1 for u uniform in (0, 1].

Binomial(n, p) samples Binomial(n, q) with q = p below 1/2 and 1 - p from 1/2 on (returning n
minus that count there). Both methods run on every element, each element keeping the result of
the method for its parameters (the others take safe ones, as in jax):

- n q <= 10: the inversion by waiting times. Round t draws uniforms u_t of the whole shape from
  `sub_t, key_{t+1} = split(key_t)`; the count is the number of geometric waiting times
  ceil(log(u_t) / log1p(-q)) whose partial sums stay <= n.
- n q > 10: Hörmann's transformed rejection with squeeze, BTRS ("The generation of binomial
  random variates", 1993), with jax's Stirling tail terms. Round t draws two uniforms of the
  whole shape from `key_{t+1}, k_u, k_v = split(key_t, 3)`; an element takes the candidate of
  each round that accepts it, until every element has accepted once.

Both repeat while any element needs them (`repeat_while`): a BTRS round rejects with
probability below 0.3, and the waiting times take about n q + 1 rounds. Counts are exact
integers while they are below 2**24 in float32 (pass float64 beyond). Multinomial draws one
conditional binomial per category, in a `scan` over the categories.
"""
from __future__ import annotations

import numpy as np

from .. import numpy as fnp
from ..control.scan import scan
from ..core import dtypes
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..numpy._convert import convert
from ..ops import shape as S
from ._continuous import unit_floats
from ._keys import split, split_keys
from ._ops import ops_for, repeat_while
from ._poisson import transformed_rejection
from ._util import (ArrayLike, DTypeLike, Shape, canonical_shape, compute_dtype, count_params, float_dtype, param,
                    sample_shape)

__all__ = ["binomial", "geometric", "multinomial"]

_INVERSION_UP_TO = 10.0
_MAX_ROUNDS = 1000  # (any element still going after that many rounds keeps the last state)
# jax's Stirling tail terms log k! - log(sqrt(2 pi k) (k/e)**k) for k = 0..9
_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
                  0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.0104112652619720,
                  0.00925546218271273, 0.00833056343336287)


def _inversion(key, n, q, shape: tuple[int, ...], ops):
    """Binomial(n, q) counts for n q <= 10 by waiting times (floats of q's dtype)."""
    dt = q.dtype
    one, tiny = ops.const(1, dt), ops.const(float(np.finfo(dt).tiny), dt)
    rate = ops.log1p(ops.neg(q))
    certain = ops.eq(rate, ops.const(0, dt))  # q = 0: the first waiting time is infinite
    rate = ops.select(certain, rate, ops.const(-1, dt))

    def body(state):
        t, count, total, key = state
        sub, key = split_keys("binomial", key, 2, ops)
        count = ops.select(ops.le(total, n), count, ops.add(count, one))
        # log(0) would be -inf, a gap beyond n like the one log(tiny) gives for n q <= 10
        u = ops.max(unit_floats("binomial", sub, shape, dt, ops), tiny)
        gap = ops.select(certain, ops.ceil(ops.div(ops.log(u), rate)), ops.const(np.inf, dt))
        return t + 1, count, ops.add(total, gap), key

    def more(state):
        return ops.and_(ops.lt(state[0], ops.const(_MAX_ROUNDS, dtypes.int32)), ops.any(ops.le(state[2], n)))

    start = (ops.const(0, dtypes.int32), ops.full(shape, 0, dt), ops.full(shape, 0, dt), key)
    return ops.sub(repeat_while(ops, more, body, start)[1], one)


def _stirling_tail(k, ops):
    """jax's Stirling tail term of the integer-valued k: from the table up to 9, and beyond it
    the series at k = 9 (jax evaluates its series at k clamped to 9)."""
    dt = k.dtype
    ten = np.asarray(10, dt)
    square = ten * ten
    series = (np.asarray(1 / 12, dt) - (np.asarray(1 / 360, dt) - np.asarray(1 / 1260, dt) / square) / square) / ten
    index = ops.floor(ops.min(ops.max(k, ops.const(0, dt)), ops.const(9, dt)))
    table = ops.const(_STIRLING_TAIL[9], dt)
    for j in range(8, -1, -1):
        table = ops.select(ops.eq(index, ops.const(j, dt)), table, ops.const(_STIRLING_TAIL[j], dt))
    return ops.select(ops.le(k, ops.const(9, dt)), ops.const(float(series), dt), table)


def _btrs(key, n, q, shape: tuple[int, ...], ops):
    """Binomial(n, q) counts for n q > 10 and q < 1/2 by BTRS (floats of q's dtype): the
    constants of Hörmann's paper, a candidate k per round, the squeeze and the exact test."""
    dt = q.dtype

    def c(value):
        return ops.const(value, dt)

    add, sub, mul, div, log = ops.add, ops.sub, ops.mul, ops.div, ops.log
    spread = ops.sqrt(mul(mul(n, q), sub(c(1), q)))
    b = add(c(1.15), mul(c(2.53), spread))
    a = add(add(c(-0.0873), mul(c(0.0248), b)), mul(c(0.01), q))
    centre = add(mul(n, q), c(0.5))
    v_r = sub(c(0.92), div(c(4.2), b))
    r = div(q, sub(c(1), q))
    alpha = mul(add(c(2.83), div(c(5.1), b)), spread)
    mode = ops.floor(mul(add(n, c(1)), q))
    mode_rest = add(sub(n, mode), c(1))
    mode_term = mul(add(mode, c(0.5)), log(div(add(mode, c(1)), mul(r, mode_rest))))

    def log_bound(k):
        """jax's bound on log(P(k) / P(mode)) plus log(...) terms, for 0 <= k <= n (the n + 1
        factor multiplies log1p((k - mode) / (n - k + 1)): in float32 a difference of logs,
        or the log of their ratio, would lose it)."""
        rest = add(sub(n, k), c(1))
        bound = add(mode_term, mul(add(n, c(1)), ops.log1p(div(sub(k, mode), rest))))
        bound = add(bound, mul(add(k, c(0.5)), log(div(mul(r, rest), add(k, c(1))))))
        bound = add(add(bound, _stirling_tail(mode, ops)), _stirling_tail(sub(n, mode), ops))
        return sub(sub(bound, _stirling_tail(k, ops)), _stirling_tail(sub(n, k), ops))

    def accepts(k, us, v, log_v):
        outside = ops.or_(ops.lt(k, c(0)), ops.gt(k, n))
        inside = ops.min(ops.max(k, c(0)), n)  # (the test below matters only where 0 <= k <= n)
        return ops.and_(ops.not_(outside), ops.le(log_v, log_bound(inside)))

    return transformed_rejection("binomial", key, shape, (a, b, alpha, v_r), lambda x: add(x, centre), accepts, ops)


def _binomial(key, n: Array, p: Array, shape: tuple[int, ...]) -> Array:
    """Binomial(n, p) counts of `shape` (n, p broadcast to it) as floats; NaN for invalid n, p."""
    n, p = S.broadcast_to(n, shape), S.broadcast_to(p, shape)
    ops = ops_for(key, n, p)
    n, p, dt = ops.read(n), ops.read(p), p.dtype
    zero, one, half = ops.const(0, dt), ops.const(1, dt), ops.const(0.5, dt)
    valid = ops.and_(ops.and_(ops.ge(n, zero), ops.eq(n, ops.floor(n))), ops.lt(n, ops.const(np.inf, dt)))
    valid = ops.and_(valid, ops.and_(ops.ge(p, zero), ops.le(p, one)))  # False for NaN too
    n, p = ops.select(valid, zero, n), ops.select(valid, half, p)  # keeps invalid lanes free of invalid arithmetic
    below_half = ops.lt(p, half)
    q = ops.select(below_half, ops.sub(one, p), p)
    inversion = ops.le(ops.mul(n, q), ops.const(_INVERSION_UP_TO, dt))
    by_inversion = _inversion(key, ops.select(inversion, zero, n), q, shape, ops)
    by_btrs = _btrs(key, ops.select(inversion, n, ops.const(1e4, dt)), ops.select(inversion, q, half), shape, ops)
    count = ops.select(inversion, by_btrs, by_inversion)
    count = ops.select(below_half, ops.sub(n, count), count)
    return ops.result(ops.select(valid, ops.const(np.nan, dt), count))


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
    # floor(log(u) / log1p(-p)) + 1 for u uniform in (0, 1] (0 taken as 1): jax's arithmetic, so jax's values
    u = unit_floats("geometric", key, shape, p.dtype)
    trials = fnp.floor(fnp.log(fnp.where(u == 0, 1.0, u)) / fnp.log1p(-fnp.where(valid, p, 0.5))) + 1.0
    top = np.iinfo(dt).max
    cap = np.array(top, p.dtype)
    cap = cap if int(cap) <= top else np.nextafter(cap, np.array(0, p.dtype))  # the largest float that fits
    count = fnp.where(trials >= cap, fnp.asarray(top, dtype=dt), convert(fnp.minimum(trials, cap), dt))
    return fnp.where(valid, count, fnp.asarray(-1, dtype=dt))


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
    """Multinomial(n, p) counts of `dtype` (a float or an integer): `p` has the k outcomes on its last axis,
    and the output has shape `shape`, which ends in k, as jax's draws have (n must broadcast to
    `shape[:-1]` and p to `shape`; by default the broadcast of n's shape and p's batch shape,
    followed by k).

    Each count is a binomial draw given the earlier ones: the count of outcome i is
    Binomial(n - earlier counts, p_i / (p_i + ... + p_k)), so p needs no normalising. `unroll`
    is passed to the `scan` over the outcomes. A draw is all NaN where n is not a non-negative
    integer, or where its p has a negative, infinite or NaN entry or sums to 0 (all -1 for an
    integer dtype, which wraps to its largest value for an unsigned one).

    >>> import fluxion as fx
    >>> import fluxion.numpy as fnp
    >>> x = fx.random.multinomial(fx.random.key(0), 10, fnp.asarray([0.2, 0.3, 0.5]), shape=(4, 3))
    >>> x.shape, x.sum(-1).tolist()
    ((4, 3), [10.0, 10.0, 10.0, 10.0])
    """
    dt = dtypes.canonicalize(dtype)
    if dt in dtypes.INTEGER:  # counts exact up to the integer's range
        cdt = dtypes.float32 if dt.itemsize <= 2 else dtypes.float64
    else:
        cdt = compute_dtype(float_dtype("multinomial", dtype))
    n, p = param("multinomial", "n", n, cdt), param("multinomial", "p", p, cdt)
    if p.ndim == 0 or p.shape[-1] == 0:
        raise op_error(ShapeError, "random.multinomial", f"p of shape {p.shape} has no axis of outcomes",
                       "pass p with one probability per outcome on its last axis, e.g. shape (k,)")
    k = p.shape[-1]
    if shape is not None:
        shape = canonical_shape("random.multinomial", shape)
        if shape[-1:] != (k,):
            raise op_error(ShapeError, "random.multinomial", f"shape {shape} does not end in the number of outcomes, "
                           f"{k}: it is the whole result's shape, as in jax", f"pass shape={shape + (k,)}")
        shape = shape[:-1]
    shape = sample_shape("multinomial", shape, n.shape, p.shape[:-1])
    p = fnp.moveaxis(fnp.broadcast_to(p, shape + (k,)), -1, 0)
    remaining_mass = fnp.flip(fnp.cumsum(fnp.flip(p, 0), 0), 0)  # p_i + ... + p_k, without cancellation
    share = fnp.where(remaining_mass > 0, fnp.clip(p / remaining_mass, 0.0, 1.0), 0.0)

    def draw(remaining, x):
        step_key, q = x
        count = _binomial(step_key, remaining, q, shape)
        return remaining - count, count

    left, counts = scan(draw, fnp.broadcast_to(n, shape), (split(key, k - 1), share[:-1]), unroll=unroll)
    valid = ((p >= 0) & fnp.isfinite(p)).all(0) & (remaining_mass[0] > 0)
    invalid = fnp.asarray(np.asarray(-1).astype(dt) if dt in dtypes.INTEGER else np.nan, dt)
    counts = fnp.where(valid, convert(fnp.concatenate([counts, left[None]], 0), dt), invalid)
    return fnp.moveaxis(counts, 0, -1)
