"""Continuous distributions by transforming uniform floats: uniform, normal, truncated_normal,
exponential, gumbel.

Uniform floats come from mantissa bits: the top `nmant` bits of a random word become the
mantissa of a float in [1, 2), from which 1 is subtracted, so every value is a multiple of
2**-nmant in [0, 1). Samplers of 16-bit dtypes compute in float32 and round once at the end.
"""
from __future__ import annotations

import math

import ml_dtypes
import numpy as np

from ..core import dtypes
from ..core.array import Array
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import shape as S
from ..scipy import special as _special
from ._keys import flat_bits, flat_words, subkeys
from ._util import (ArrayLike, DTypeLike, Shape, canonical_shape, compute_dtype, const, float_dtype, param,
                    sample_shape)

__all__ = ["exponential", "gumbel", "normal", "truncated_normal", "uniform"]



def _mantissa_floats(word: Array, dt: np.dtype) -> Array:
    """Floats of `dt` in [0, 1) from the top mantissa bits of the unsigned random words `word`."""
    info = ml_dtypes.finfo(dt)
    uint = np.dtype(f"uint{8 * dt.itemsize}")
    shift = const(8 * word.dtype.itemsize - info.nmant, uint)
    word = convert(word, uint)
    one_bits = const(np.array(1, dt).view(uint), uint)
    mantissa = E.or_p.bind(E.shift_right_logical_p.bind(word, shift), one_bits)
    return E.sub_p.bind(E.bitcast_convert_type_p.bind(mantissa, new_dtype=dt), const(1, dt))


def unit_floats(op: str, key, shape: tuple[int, ...], dt: np.dtype) -> Array:
    """Uniform floats of `dt` in [0, 1) with the shape `shape`, from mantissa bits."""
    # bfloat16 has 7 mantissa bits: a byte of randomness suffices
    draw = dtypes.uint8 if ml_dtypes.finfo(dt).nmant < 8 else np.dtype(f"uint{8 * dt.itemsize}")
    return S.reshape(_mantissa_floats(flat_bits(op, key, shape, draw), dt), shape)


def stream_floats(op: str, key, shape: tuple[int, ...], dt: np.dtype) -> Array:
    """Like `unit_floats` for float32 or float64, at half the cost for float32 (both words of
    each block are used), for the many proposals of the rejection samplers."""
    n = math.prod(shape)
    word = flat_words(op, key, n) if dt == dtypes.float32 else flat_bits(op, key, (n,), dtypes.uint64)
    return S.reshape(_mantissa_floats(word, dt), shape)


def normal_from_unit(u: Array) -> Array:
    """Standard normal values from uniform floats in [0, 1), by the inverse CDF (finite: 2u - 1
    is kept above -1)."""
    lowest = const(np.nextafter(np.array(-1, u.dtype), np.array(0, u.dtype)), u.dtype)
    centred = E.max_p.bind(E.sub_p.bind(E.add_p.bind(u, u), const(1, u.dtype)), lowest)
    return E.mul_p.bind(E.erfinv_p.bind(centred), const(math.sqrt(2), u.dtype))


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
        return unit_floats("uniform", key, canonical_shape("random.uniform", shape), dt)
    lo, hi = param("uniform", "minval", minval, dt), param("uniform", "maxval", maxval, dt)
    shape = sample_shape("uniform", shape, lo.shape, hi.shape)
    u = unit_floats("uniform", key, shape, dt)
    x = E.add_p.bind(E.mul_p.bind(u, E.sub_p.bind(hi, lo)), lo)
    # rounding may reach maxval: step back to the largest float below it
    below_hi = E.nextafter_p.bind(hi, const(-np.inf, dt))
    return E.max_p.bind(E.min_p.bind(x, below_hi), lo)


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
    return convert(normal_from_unit(unit_floats("normal", key, shape, compute_dtype(dt))), dt)


def truncated_normal(key: ArrayLike, lower: ArrayLike, upper: ArrayLike, shape: Shape | None = None,
                     dtype: DTypeLike = dtypes.float32) -> Array:
    """Standard normal samples conditioned on lower < x < upper (bounds broadcast to `shape`).

    Inverts the normal CDF between the bounds; intervals on the positive side are mirrored to
    the negative side, where the CDF is small and keeps its relative precision, so narrow
    intervals far in a tail sample correctly. Where lower >= upper the result is NaN.

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
    cdf_a, cdf_b = _special.ndtr(a), _special.ndtr(b)
    u = unit_floats("truncated_normal", key, shape, cdt)
    x = _special.ndtri(E.add_p.bind(cdf_a, E.mul_p.bind(u, E.sub_p.bind(cdf_b, cdf_a))))
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


def gumbel(key: ArrayLike, shape: Shape = (), dtype: DTypeLike = dtypes.float32) -> Array:
    """Standard Gumbel samples: -log(-log(u)) for u uniform in [tiny, 1).

    >>> import fluxion as fx
    >>> fx.random.gumbel(fx.random.key(0), (4,)).shape
    (4,)
    """
    dt = float_dtype("gumbel", dtype)
    cdt = compute_dtype(dt)
    u = uniform(key, shape, cdt, float(np.finfo(cdt).tiny), 1.0)
    return convert(E.neg_p.bind(E.log_p.bind(E.neg_p.bind(E.log_p.bind(u)))), dt)
