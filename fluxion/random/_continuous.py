"""Continuous distributions by transforming uniform floats: uniform, normal, truncated_normal,
exponential, gumbel.

Uniform floats come from mantissa bits: the top `nmant` bits of a random word become the
mantissa of a float in [1, 2), from which 1 is subtracted, so every value is a multiple of
2**-nmant in [0, 1). The samplers here take the uniforms and the arithmetic jax takes, in the
requested dtype (16-bit floats included), so that a key gives jax's values. Where that
resolution is too coarse (events of probability below 2**-nmant), a second draw refines it
(`unit_float_pair`): the "high" modes of gumbel and bernoulli.
"""
from __future__ import annotations

import functools
import math

import ml_dtypes
import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..core.errors import InvalidArgumentError, op_error
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import shape as S
from ..scipy import special as _special
from ._keys import flat_bits, subkeys
from ._ops import BIND, ops_for
from ._util import (ArrayLike, DTypeLike, Shape, canonical_shape, compute_dtype, const, float_dtype, param,
                    sample_shape)

__all__ = ["exponential", "gumbel", "normal", "truncated_normal", "uniform"]



@functools.lru_cache(maxsize=None)
def _mantissa_layout(dt: np.dtype) -> tuple[np.dtype, np.dtype, int, int]:
    """For floats of `dt` from random words: the unsigned dtype of the words drawn (a byte
    suffices for bfloat16's 7 mantissa bits), the unsigned dtype of `dt`'s width, the number of
    mantissa bits and the bits of 1.0."""
    nmant = ml_dtypes.finfo(dt).nmant
    uint = np.dtype(f"uint{8 * dt.itemsize}")
    return (dtypes.uint8 if nmant < 8 else uint), uint, nmant, int(np.array(1, dt).view(uint))


def mantissa_floats(word: Array, dt: np.dtype, ops=BIND) -> Array:
    """Floats of `dt` in [0, 1) from the top mantissa bits of the unsigned random words `word`."""
    _, uint, nmant, one_bits = _mantissa_layout(dt)
    shift = ops.const(8 * word.dtype.itemsize - nmant, uint)
    word = ops.convert(word, uint)
    mantissa = ops.or_(ops.shift_right(word, shift), ops.const(one_bits, uint))
    return ops.sub(ops.bitcast(mantissa, new_dtype=dt), ops.const(1, dt))


def unit_floats(op: str, key, shape: tuple[int, ...], dt: np.dtype, ops=BIND) -> Array:
    """Uniform floats of `dt` in [0, 1) with the shape `shape`, from mantissa bits."""
    draw = _mantissa_layout(dt)[0]
    return ops.reshape(mantissa_floats(flat_bits(op, key, shape, draw, ops), dt, ops), shape)


def unit_float_pair(op: str, key, shape: tuple[int, ...], dt: np.dtype) -> tuple[Array, Array]:
    """Two independent arrays of uniform floats of `dt` in [0, 1) with the shape `shape`, from one draw:
    `hi + lo * 2**-nmant` is uniform with twice the mantissa bits."""
    u = unit_floats(op, key, (2,) + shape, dt)
    return tuple(S.reshape(S.slice_in_dim(u, i, i + 1, 1, 0), shape) for i in (0, 1))


@functools.lru_cache(maxsize=None)
def _bounds(dt: np.dtype, lo: float, hi: float) -> tuple[float, float]:
    """`lo` and `hi - lo` as values of `dt` (the difference rounded in `dt`)."""
    lo_, hi_ = np.asarray(lo, dt), np.asarray(hi, dt)
    return float(lo_), float(hi_ - lo_)


def floats_between(op: str, key, shape: tuple[int, ...], dt: np.dtype, lo: float, hi: float, ops=BIND) -> Array:
    """Uniform floats of `dt` in [lo, hi) for constant bounds, as jax's `uniform` computes them
    in `dt`: max(lo, u (hi - lo) + lo) for u from `unit_floats`."""
    return _between(unit_floats(op, key, shape, dt, ops), *_bounds(dt, lo, hi), ops)


def _between(u: Array, low: float, width: float, ops) -> Array:
    """max(low, u width + low) in the dtype of `u`."""
    dt = u.dtype
    low = ops.const(low, dt)
    return ops.max(low, ops.add(ops.mul(u, ops.const(width, dt)), low))


@functools.lru_cache(maxsize=None)
def _above_minus_one(dt: np.dtype) -> float:
    return -1.0 + float(ml_dtypes.finfo(dt).epsneg)  # the float after -1 (np.nextafter lacks bfloat16)


def normal_floats(op: str, key, shape: tuple[int, ...], dt: np.dtype, ops=BIND) -> Array:
    """Standard normal values of `dt` with the shape `shape`."""
    return normal_from_unit(unit_floats(op, key, shape, dt, ops), ops)


def normal_from_unit(u: Array, ops=BIND) -> Array:
    """Standard normal values from uniform floats `u` in [0, 1), in their dtype: sqrt(2) erfinv(v)
    for v = 2u - 1 moved up to start at the float after -1 (jax's arithmetic)."""
    dt, cdt = u.dtype, compute_dtype(u.dtype)
    # for 16-bit floats v is exact, as is the product of two of them in float32: computed in
    # float32 and rounded to `dt` they are the values of the 16-bit arithmetic, at less cost
    v = _between(ops.convert(u, cdt), *_bounds(dt, _above_minus_one(dt), 1.0), ops)
    x = ops.convert(ops.convert(ops.erfinv(v), dt), cdt)  # erfinv in float32, rounded to `dt`
    return ops.convert(ops.mul(ops.const(float(np.asarray(math.sqrt(2), dt)), cdt), x), dt)


def _is_default(value, default: float) -> bool:
    return value.__class__ in (int, float) and value == default


def uniform(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32, minval: ArrayLike = 0.0,
            maxval: ArrayLike = 1.0) -> Array:
    """Uniform floats in [minval, maxval) of `shape` (the bounds broadcast to it).

    >>> import fluxion as fx
    >>> x = fx.random.uniform(fx.random.key(0), (3,), minval=2.0, maxval=4.0)
    >>> bool(((x >= 2.0) & (x < 4.0)).all())
    True
    """
    dt = float_dtype("uniform", dtype)
    if _is_default(minval, 0.0) and _is_default(maxval, 1.0):
        ops = ops_for(key)
        return ops.result(unit_floats("uniform", key, canonical_shape("random.uniform", shape), dt, ops))
    lo, hi = param("uniform", "minval", minval, dt), param("uniform", "maxval", maxval, dt)
    shape = sample_shape("uniform", shape, lo.shape, hi.shape)
    ops = ops_for(key, lo, hi)
    lo, hi = ops.read(lo), ops.read(hi)
    u = unit_floats("uniform", key, shape, dt, ops)
    # on the bounds halved, maxval - minval cannot overflow (as for -3e38, 3e38 in float32);
    # halving and doubling are exact, so other bounds give the same numbers
    half, two = ops.const(0.5, dt), ops.const(2, dt)
    lo_half, hi_half = ops.mul(lo, half), ops.mul(hi, half)
    x = ops.mul(ops.add(ops.mul(u, ops.sub(hi_half, lo_half)), lo_half), two)
    # rounding may reach maxval: step back to the largest float below it
    below_hi = ops.nextafter(hi, ops.const(-np.inf, dt))
    return ops.result(ops.max(ops.min(x, below_hi), lo))


def normal(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32) -> Array:
    """Standard normal samples of `shape` (complex dtypes: real and imaginary parts of variance 1/2).

    Computed by the inverse CDF in `dtype`, as jax computes it: sqrt(2) * erfinv(v) for v uniform
    in [-1, 1) moved up to start at the float after -1, so no sample is infinite.

    >>> import fluxion as fx
    >>> fx.random.normal(fx.random.key(0), (2, 3)).shape
    (2, 3)
    """
    dt = float_dtype("normal", dtype, complex_ok=True)
    shape = canonical_shape("random.normal", shape)
    if dt in dtypes.COMPLEX:
        real = dtypes.real_dtype(dt)
        k_re, k_im = subkeys("normal", key, 2)
        sqrt2 = const(math.sqrt(2), real)
        re, im = (E.div_p.bind(_real_normal(k, shape, real), sqrt2) for k in (k_re, k_im))
        return E.complex_p.bind(re, im)
    return _real_normal(key, shape, dt)


def _real_normal(key, shape: tuple[int, ...], dt: np.dtype) -> Array:
    ops = ops_for(key)
    return ops.result(normal_floats("normal", key, shape, dt, ops))


def truncated_normal(key: ArrayLike, lower: ArrayLike, upper: ArrayLike, shape: Shape | None = None,
                     dtype: DTypeLike = dtypes.float32) -> Array:
    """Standard normal samples conditioned on lower < x < upper (bounds broadcast to `shape`).

    Where the bounds' erf values a = erf(lower / sqrt(2)), b = erf(upper / sqrt(2)) are
    resolved (b - a at least 2**-(nmant // 2) max(|a|, |b|), e.g. 2**-11 in float32) this is
    jax's inversion in `dtype`: sqrt(2) erfinv(v) for v uniform between a and b, so a key gives
    jax's values. Other intervals, lying in a tail, invert the normal CDF in log space instead,
    mirrored to the negative side, where the CDF is small and keeps its relative precision, so
    that intervals far in a tail (where the CDF underflows) sample correctly. Intervals so
    narrow that the density's curvature is below rounding ((upper - lower)**2 <= 2**-nmant)
    invert the density's exponential (linear in log space) between the bounds, which neither
    CDF resolves. Where lower >= upper the result is NaN.

    >>> import fluxion as fx
    >>> x = fx.random.truncated_normal(fx.random.key(0), 3.0, 4.0, (100,))
    >>> bool(((x > 3.0) & (x < 4.0)).all())
    True
    """
    dt = float_dtype("truncated_normal", dtype)
    lo, hi = param("truncated_normal", "lower", lower, dt), param("truncated_normal", "upper", upper, dt)
    shape = sample_shape("truncated_normal", shape, lo.shape, hi.shape)
    u = unit_floats("truncated_normal", key, shape, dt)
    sqrt2 = const(math.sqrt(2), dt)
    a, b = (E.erf_p.bind(E.div_p.bind(x, sqrt2)) for x in (lo, hi))
    v = E.max_p.bind(a, E.add_p.bind(E.mul_p.bind(u, E.sub_p.bind(b, a)), a))
    # at +-1 (a bound beyond erf's resolution) erfinv is infinite and the clamp below gives the
    # bound itself; the float inside gives a finite sample between the bounds instead
    inside = _above_minus_one(dt)
    v = E.min_p.bind(E.max_p.bind(v, const(inside, dt)), const(-inside, dt))
    x = E.mul_p.bind(sqrt2, E.erfinv_p.bind(v))
    nmant = ml_dtypes.finfo(dt).nmant
    scale = E.max_p.bind(E.abs_p.bind(a), E.abs_p.bind(b))
    wide = E.ge_p.bind(E.sub_p.bind(b, a), E.mul_p.bind(const(2.0 ** -(nmant // 2), dt), scale))
    x = E.select_n_p.bind(wide, convert(_tail_inversion(lo, hi, u), dt), x)
    width = E.sub_p.bind(hi, lo)
    narrow = E.le_p.bind(E.mul_p.bind(width, width), const(2.0 ** -nmant, dt))  # (False for NaN, inf)
    x = E.select_n_p.bind(narrow, x, convert(_narrow_inversion(lo, hi, u, narrow), dt))
    x = E.min_p.bind(E.max_p.bind(x, E.nextafter_p.bind(lo, const(np.inf, dt))),
                     E.nextafter_p.bind(hi, const(-np.inf, dt)))
    return E.select_n_p.bind(E.lt_p.bind(lo, hi), const(np.nan, dt), x)


def _narrow_inversion(lo: Array, hi: Array, u: Array, narrow: Array) -> Array:
    """Normal samples between the close bounds `lo` and `hi` (where `narrow`; other elements
    compute on stand-in bounds, which keeps their derivatives finite) from the uniforms `u`:
    from the bound nearer 0, at distance w t with w = hi - lo, where the density is
    exp(-lambda t) to rounding (lambda = w times that bound's magnitude), t = -log1p(u
    expm1(-lambda)) / lambda (u where lambda = 0)."""
    cdt = compute_dtype(u.dtype)
    lo = E.select_n_p.bind(narrow, const(0, lo.dtype), lo)
    hi = E.select_n_p.bind(narrow, const(0.5, hi.dtype), hi)
    lo, hi, u = convert(lo, cdt), convert(hi, cdt), convert(u, cdt)
    up = E.ge_p.bind(lo, E.neg_p.bind(hi))  # from lo upwards, or from hi downwards
    width = E.sub_p.bind(hi, lo)
    rate = E.mul_p.bind(width, E.select_n_p.bind(up, E.neg_p.bind(hi), lo))
    flat = E.eq_p.bind(rate, const(0, cdt))
    rate = E.select_n_p.bind(flat, rate, const(1, cdt))
    t = E.div_p.bind(E.neg_p.bind(E.log1p_p.bind(E.mul_p.bind(u, E.expm1_p.bind(E.neg_p.bind(rate))))), rate)
    step = E.mul_p.bind(width, E.select_n_p.bind(flat, t, u))
    return E.select_n_p.bind(up, E.sub_p.bind(hi, step), E.add_p.bind(lo, step))


def _tail_inversion(lo: Array, hi: Array, u: Array) -> Array:
    """Normal samples between `lo` and `hi` from the uniforms `u` by the inverse CDF in log space
    (in float32 for 16-bit floats)."""
    cdt = compute_dtype(u.dtype)
    lo, hi, u = convert(lo, cdt), convert(hi, cdt), convert(u, cdt)
    mirror = E.gt_p.bind(lo, E.neg_p.bind(hi))  # lower + upper > 0, without inf - inf
    a = E.select_n_p.bind(mirror, lo, E.neg_p.bind(hi))
    b = E.select_n_p.bind(mirror, hi, E.neg_p.bind(lo))
    log_a, log_b = _special.log_ndtr(a), _special.log_ndtr(b)
    # log(ndtr(b) - u (ndtr(b) - ndtr(a))) = log_b + log(1 - u + u ndtr(a) / ndtr(b)): no underflow, and
    # u = 0, which the uniforms take with probability 2**-nmant, gives the near bound b, not the far a
    ratio = E.exp_p.bind(E.sub_p.bind(log_a, log_b))
    share = E.add_p.bind(E.sub_p.bind(const(1, cdt), u), E.mul_p.bind(u, ratio))
    x = _special.ndtri_exp(E.add_p.bind(log_b, E.log_p.bind(share)))
    return E.select_n_p.bind(mirror, x, E.neg_p.bind(x))


def exponential(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32) -> Array:
    """Exponential samples with rate 1: -log1p(-u) for u uniform in [0, 1), in `dtype` (as jax
    computes them).

    >>> import fluxion as fx
    >>> bool((fx.random.exponential(fx.random.key(0), (5,)) >= 0).all())
    True
    """
    dt = float_dtype("exponential", dtype)
    ops = ops_for(key)
    u = unit_floats("exponential", key, canonical_shape("random.exponential", shape), dt, ops)
    return ops.result(ops.neg(ops.log1p(ops.neg(u))))


def gumbel_mode(op: str, mode: str | None) -> str:
    """gumbel's `mode`, "low" for None, or an error naming the fix."""
    if mode not in (None, "low", "high", "highest"):
        raise op_error(InvalidArgumentError, f"random.{op}", f"unknown mode {mode!r}",
                       "pass mode='low' (the default), 'high' or 'highest'")
    return mode or "low"


def gumbel(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32, mode: str | None = None) -> Array:
    """Standard Gumbel samples: -log(-log(u)) for u uniform in (0, 1).

    `mode` sets how far the upper tail reaches. "low" (the default, None): u in [tiny, 1) from
    one draw, a multiple of 2**-23 in float32, so that no sample exceeds about 16 (-log(2**-23))
    and events of probability below about 1e-7 are missed. "high": below 1/2, u takes a second
    draw's bits (twice the cost), and -log(-log1p(-u)) reaches about 32 in float32. "highest":
    for float32, u from a 64-bit fixed-point fraction converted to the float at or below it (of
    full relative precision down to 2**-64), reaching about 44; "high" for other dtypes. All
    compute in `dtype` as jax does, so a key gives jax's values.

    >>> import fluxion as fx
    >>> fx.random.gumbel(fx.random.key(0), (4,)).shape
    (4,)
    """
    dt = float_dtype("gumbel", dtype)
    mode = gumbel_mode("gumbel", mode)
    shape = canonical_shape("random.gumbel", shape)
    if mode == "low":
        ops = ops_for(key)
        u = floats_between("gumbel", key, shape, dt, float(ml_dtypes.finfo(dt).tiny), 1.0, ops)
        return ops.result(ops.neg(ops.log(ops.neg(ops.log(u)))))
    if mode == "highest" and dt == dtypes.float32:
        return _gumbel_from_fixed_point(key, shape)
    hi, lo = unit_float_pair("gumbel", key, shape, dt)
    info = ml_dtypes.finfo(dt)
    # below 1/2 the second draw fills the bits under hi's last one (and tiny keeps u above 0);
    # above, 1 - u needs no more bits than hi has
    fine = E.add_p.bind(E.add_p.bind(hi, E.mul_p.bind(lo, const(2.0 ** -info.nmant, dt))), const(float(info.tiny), dt))
    u = E.select_n_p.bind(E.ge_p.bind(hi, const(0.5, dt)), fine, hi)
    return _neg_log(E.neg_p.bind(E.log1p_p.bind(E.neg_p.bind(u))))


def _neg_log(x: Array) -> Array:
    return E.neg_p.bind(E.log_p.bind(x))


def _gumbel_from_fixed_point(key, shape: tuple[int, ...]) -> Array:
    """float32 Gumbel samples from 64-bit uniforms u (two words, a fixed-point fraction): below
    1/2 from u, above from 1 - u (the fraction ~u + 1), each converted to the float32 at or below
    it, which keeps the relative precision of small fractions."""
    u32 = dtypes.uint32
    words = S.reshape(flat_bits("gumbel", key, (2,) + shape, u32), (2,) + shape)
    hi, lo = (S.reshape(S.slice_in_dim(words, i, i + 1, 1, 0), shape) for i in (0, 1))
    not_hi, not_lo = E.not_p.bind(hi), E.not_p.bind(lo)
    carry = convert(E.eq_p.bind(not_lo, const(0xFFFFFFFF, u32)), u32)  # ~lo + 1 wraps into the high word
    below_half = E.lt_p.bind(hi, const(2 ** 31, u32))
    x = _fixed_point_float(E.select_n_p.bind(below_half, E.add_p.bind(not_hi, carry), hi),
                           E.select_n_p.bind(below_half, E.add_p.bind(not_lo, const(1, u32)), lo))
    return E.select_n_p.bind(below_half, _neg_log(E.neg_p.bind(E.log_p.bind(x))),
                             _neg_log(E.neg_p.bind(E.log1p_p.bind(E.neg_p.bind(x)))))


def _fixed_point_float(hi: Array, lo: Array) -> Array:
    """The float32 at or below the fraction 0.hi lo (64 bits): the 24 bits from the leading one on
    as its significand, and an exponent from the leading zeros (at most 64, so never 0)."""
    u32 = dtypes.uint32
    lead_hi, lead_lo = E.clz_p.bind(hi), E.clz_p.bind(lo)
    all_low = E.eq_p.bind(lead_hi, const(32, u32))
    shl, shr = E.shift_left_p.bind, E.shift_right_logical_p.bind
    # (shifts by 32 give 0)
    top = E.or_p.bind(shl(hi, lead_hi), E.select_n_p.bind(all_low, shr(lo, E.sub_p.bind(const(32, u32), lead_hi)),
                                                          shl(lo, lead_lo)))
    mantissa = E.and_p.bind(shr(top, const(8, u32)), const((1 << 23) - 1, u32))
    zeros = E.select_n_p.bind(all_low, lead_hi, E.add_p.bind(const(32, u32), lead_lo))
    exponent = E.and_p.bind(shl(E.sub_p.bind(const(126, u32), zeros), const(23, u32)),
                            const((1 << 30) - (1 << 22), u32))
    return E.bitcast_convert_type_p.bind(E.or_p.bind(exponent, mantissa), new_dtype=dtypes.float32)
