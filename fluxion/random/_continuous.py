"""Continuous distributions by transforming uniform floats: uniform, normal, truncated_normal,
exponential, gumbel.

Uniform floats come from mantissa bits: the top `nmant` bits of a random word become the
mantissa of a float in [1, 2), from which 1 is subtracted, so every value is a multiple of
2**-nmant in [0, 1). Samplers of 16-bit dtypes compute in float32 and round once at the end.
Where that resolution is too coarse (events of probability below 2**-nmant), a second draw
refines it (`unit_float_pair`): the "high" modes of gumbel and bernoulli.
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
from ._keys import flat_bits, flat_words, subkeys
from ._ops import BIND, ops_for
from ._util import (ArrayLike, DTypeLike, Shape, canonical_shape, compute_dtype, const, float_dtype, param,
                    sample_shape)

__all__ = ["exponential", "gumbel", "normal", "truncated_normal", "uniform"]



@functools.lru_cache(maxsize=None)
def _mantissa_layout(dt: np.dtype, centred: bool) -> tuple[np.dtype, np.dtype, int, int]:
    """For floats of `dt` from random words: the unsigned dtype of the words drawn (a byte
    suffices for bfloat16's 7 mantissa bits), the unsigned dtype of `dt`'s width, the number of
    mantissa bits and the bits of 1.0 (of 2.0 where `centred`)."""
    nmant = ml_dtypes.finfo(dt).nmant
    uint = np.dtype(f"uint{8 * dt.itemsize}")
    return (dtypes.uint8 if nmant < 8 else uint), uint, nmant, int(np.array(1 + centred, dt).view(uint))


def _mantissa_floats(word: Array, dt: np.dtype, ops=BIND, centred: bool = False) -> Array:
    """Floats of `dt` in [0, 1) from the top mantissa bits of the unsigned random words `word`;
    where `centred`, 2u - 1 for those u, in [-1, 1): the same bits make a float in [2, 4), from
    which 3 is subtracted (exactly, as are u + u and its difference with 1)."""
    _, uint, nmant, one_bits = _mantissa_layout(dt, centred)
    shift = ops.const(8 * word.dtype.itemsize - nmant, uint)
    word = ops.convert(word, uint)
    mantissa = ops.or_(ops.shift_right(word, shift), ops.const(one_bits, uint))
    return ops.sub(ops.bitcast(mantissa, new_dtype=dt), ops.const(1 + 2 * centred, dt))


def unit_floats(op: str, key, shape: tuple[int, ...], dt: np.dtype, ops=BIND, centred: bool = False) -> Array:
    """Uniform floats of `dt` in [0, 1) with the shape `shape`, from mantissa bits (2u - 1 where
    `centred`)."""
    draw = _mantissa_layout(dt, centred)[0]
    return ops.reshape(_mantissa_floats(flat_bits(op, key, shape, draw, ops), dt, ops, centred), shape)


def unit_float_pair(op: str, key, shape: tuple[int, ...], dt: np.dtype) -> tuple[Array, Array]:
    """Two independent arrays of uniform floats of `dt` in [0, 1) with the shape `shape`, from one draw:
    `hi + lo * 2**-nmant` is uniform with twice the mantissa bits."""
    u = unit_floats(op, key, (2,) + shape, dt)
    return tuple(S.reshape(S.slice_in_dim(u, i, i + 1, 1, 0), shape) for i in (0, 1))


def stream_floats(op: str, key, shape: tuple[int, ...], dt: np.dtype, centred: bool = False) -> Array:
    """Like `unit_floats` for float32 or float64, at half the cost for float32 (both words of
    each block are used), for the many proposals of the rejection samplers."""
    n = math.prod(shape)
    word = flat_words(op, key, n) if dt == dtypes.float32 else flat_bits(op, key, (n,), dtypes.uint64)
    return S.reshape(_mantissa_floats(word, dt, centred=centred), shape)


@functools.lru_cache(maxsize=None)
def _above_minus_one(dt: np.dtype) -> float:
    return float(np.nextafter(np.array(-1, dt), np.array(0, dt)))


def normal_from_centred(c: Array, ops=BIND) -> Array:
    """Standard normal values from the centred uniform floats 2u - 1 in [-1, 1), by the inverse
    CDF (finite: -1 is moved up to the next float)."""
    dt = c.dtype
    return ops.mul(ops.erfinv(ops.max(c, ops.const(_above_minus_one(dt), dt))), ops.const(math.sqrt(2), dt))


def normal_floats(op: str, key, shape: tuple[int, ...], dt: np.dtype, ops=BIND) -> Array:
    """Standard normal values of `dt` with the shape `shape`."""
    return normal_from_centred(unit_floats(op, key, shape, dt, ops, centred=True), ops)


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

    Computed by the inverse CDF, sqrt(2) * erfinv(2u - 1) for u uniform in [0, 1) (u = 0 is
    moved up to the next float, so no sample is infinite).

    >>> import fluxion as fx
    >>> fx.random.normal(fx.random.key(0), (2, 3)).shape
    (2, 3)
    """
    dt = float_dtype("normal", dtype, complex_ok=True)
    shape = canonical_shape("random.normal", shape)
    if dt in dtypes.COMPLEX:
        real = dtypes.real_dtype(dt)
        k_re, k_im = subkeys("normal", key, 2)
        scale = const(math.sqrt(0.5), real)
        re, im = (E.mul_p.bind(_real_normal(k, shape, real), scale) for k in (k_re, k_im))
        return E.complex_p.bind(re, im)
    return _real_normal(key, shape, dt)


def _real_normal(key, shape: tuple[int, ...], dt: np.dtype) -> Array:
    ops = ops_for(key)
    return ops.result(ops.convert(normal_floats("normal", key, shape, compute_dtype(dt), ops), dt))


def truncated_normal(key: ArrayLike, lower: ArrayLike, upper: ArrayLike, shape: Shape | None = None,
                     dtype: DTypeLike = dtypes.float32) -> Array:
    """Standard normal samples conditioned on lower < x < upper (bounds broadcast to `shape`).

    Inverts the normal CDF between the bounds, in log space; intervals on the positive side are
    mirrored to the negative side, where the CDF is small and keeps its relative precision, so
    narrow intervals far in a tail (where the CDF underflows) sample correctly. Where lower >=
    upper the result is NaN.

    >>> import fluxion as fx
    >>> x = fx.random.truncated_normal(fx.random.key(0), 3.0, 4.0, (100,))
    >>> bool(((x > 3.0) & (x < 4.0)).all())
    True
    """
    dt = float_dtype("truncated_normal", dtype)
    cdt = compute_dtype(dt)
    lo, hi = param("truncated_normal", "lower", lower, cdt), param("truncated_normal", "upper", upper, cdt)
    shape = sample_shape("truncated_normal", shape, lo.shape, hi.shape)
    mirror = E.gt_p.bind(lo, E.neg_p.bind(hi))  # lower + upper > 0, without inf - inf
    a = E.select_n_p.bind(mirror, lo, E.neg_p.bind(hi))
    b = E.select_n_p.bind(mirror, hi, E.neg_p.bind(lo))
    log_a, log_b = _special.log_ndtr(a), _special.log_ndtr(b)
    u = unit_floats("truncated_normal", key, shape, cdt)
    # log(ndtr(a) + u (ndtr(b) - ndtr(a))) = log_b + log(u + (1 - u) ndtr(a) / ndtr(b)): no underflow
    ratio = E.exp_p.bind(E.sub_p.bind(log_a, log_b))
    share = E.add_p.bind(u, E.mul_p.bind(E.sub_p.bind(const(1, cdt), u), ratio))
    x = _special.ndtri_exp(E.add_p.bind(log_b, E.log_p.bind(share)))
    x = convert(E.select_n_p.bind(mirror, x, E.neg_p.bind(x)), dt)
    lo, hi = convert(lo, dt), convert(hi, dt)
    x = E.max_p.bind(E.min_p.bind(x, E.nextafter_p.bind(hi, lo)), E.nextafter_p.bind(lo, hi))
    return E.select_n_p.bind(E.lt_p.bind(lo, hi), const(np.nan, dt), x)


def exponential(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32) -> Array:
    """Exponential samples with rate 1: -log(1 - u).

    >>> import fluxion as fx
    >>> bool((fx.random.exponential(fx.random.key(0), (5,)) >= 0).all())
    True
    """
    dt = float_dtype("exponential", dtype)
    cdt = compute_dtype(dt)
    u = unit_floats("exponential", key, canonical_shape("random.exponential", shape), cdt)
    return convert(E.neg_p.bind(E.log1p_p.bind(E.neg_p.bind(u))), dt)


_GUMBEL_MODES = ("low", "high", "highest")


def gumbel(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32, mode: str | None = None) -> Array:
    """Standard Gumbel samples: -log(-log(u)) for u uniform in (0, 1).

    `mode` sets how far the upper tail reaches. "low" (the default, None): u in [tiny, 1) from
    one draw, a multiple of 2**-23 in float32, so that no sample exceeds about 16 (-log(2**-23))
    and events of probability below about 1e-7 are missed. "high": below 1/2, u takes a second
    draw's bits (twice the cost), and -log(-log1p(-u)) reaches about 32 in float32. "highest":
    "high" computed in float64, then rounded to `dtype`.

    >>> import fluxion as fx
    >>> fx.random.gumbel(fx.random.key(0), (4,)).shape
    (4,)
    """
    dt = float_dtype("gumbel", dtype)
    mode = "low" if mode is None else mode
    if mode not in _GUMBEL_MODES:
        raise op_error(InvalidArgumentError, "random.gumbel", f"unknown mode {mode!r}",
                       "pass mode='low' (the default), 'high' or 'highest'")
    cdt = compute_dtype(dt)
    if mode == "low":
        u = uniform(key, shape, cdt, float(np.finfo(cdt).tiny), 1.0)
        return convert(E.neg_p.bind(E.log_p.bind(E.neg_p.bind(E.log_p.bind(u)))), dt)
    cdt = dtypes.float64 if mode == "highest" else cdt
    hi, lo = unit_float_pair("gumbel", key, canonical_shape("random.gumbel", shape), cdt)
    info = np.finfo(cdt)
    # below 1/2 the second draw fills the bits under hi's last one (and tiny keeps u above 0);
    # above, 1 - u needs no more bits than hi has
    fine = E.add_p.bind(E.add_p.bind(hi, E.mul_p.bind(lo, const(2.0 ** -info.nmant, cdt))), const(info.tiny, cdt))
    u = E.select_n_p.bind(E.ge_p.bind(hi, const(0.5, cdt)), fine, hi)
    return convert(E.neg_p.bind(E.log_p.bind(E.neg_p.bind(E.log1p_p.bind(E.neg_p.bind(u))))), dt)
