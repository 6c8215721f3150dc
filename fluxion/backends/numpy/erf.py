"""NumPy kernels of `erf` and `erfc`.

In float32 (and for 16-bit floats, in float32) large arrays evaluate the approximations the XLA
lowering compiles, by Horner's rule in float32 as XLA does (but without its fused multiply-adds):
- erf(x): x P(x**2) / Q(x**2), P of degree 4 and Q of degree 6 (the rational of Eigen's float erf,
  which XLA's CPU emitter uses), x clamped to |x| <= 3.8325, where it rounds to +-1: within 6 ulps
  of erf (XLA's: 5) and 7 of XLA's values. Where x**2 underflows (|x| < 2**-75) erf(x) is 2x /
  sqrt(pi) rounded once, as SciPy gives it also for subnormals (XLA flushes them to 0).
- erfc(x), as the CHLO lowering computes it (S. Moshier's Cephes erfcf): 1 - x T(x**2) for
  |x| < 1, T of degree 6, here as (1 - x) - x (T(x**2) - 1), which keeps more bits near x = 1
  (7 ulps there; XLA's 7.5); beyond, exp(-x**2) / |x| times a polynomial in 1 / x**2, of degree 8
  for |x| < 2 and 7 beyond, and 2 minus that for x < 0. XLA takes the exp of x**2 rounded, which
  loses up to x**2 ulps (34 at x = 6, 66 at 9), and gives 0 from x = 9.42 (9.19 with subnormals
  flushed); here x**2 is split into its rounding s and the rest r, exact to float32's precision,
  and exp(-x**2) = exp(-s) (1 - r): erfc keeps its relative precision into its subnormals, within
  7 ulps everywhere.
Small arrays keep SciPy's erf and erfc (from double, correctly rounded), which cost less there
than the 25 or 50 NumPy calls of the approximations; float64 keeps SciPy's always (XLA's float64
erf is another approximation). On 65,536 values the approximations take 1/7 of SciPy's time for
erf and 1/4 to 1/2 for erfc (more of its values beyond |x| = 1 cost more), by parts on every core
from some 300 us of work.
"""
from __future__ import annotations

import math

import numpy as np
import scipy.special as sp

from . import _parallel
from .erfinv import _float32, _horner

# coefficients from the highest power down (erf's from Eigen, erfc's from Cephes' ndtrf.c, in float32)
_ERF_P = _float32(0.00022905065861350646, 0.0034082910107109506, 0.050955695062380861, 0.18520832239976145,
                  1.128379143519084)
_ERF_Q = _float32(-1.1791602954361697e-7, 0.000023547966471313185, 0.0010179625278914885, 0.014070470171167667,
                  0.11098505178285362, 0.49746925110067538, 1.0)
_ERFC_T_MINUS_ONE = _float32(7.85386146e-05, -0.000801019371, 0.00518832775, -0.0268538129, 0.112835854,
                             -0.37612626, 1.12837911 - 1)  # T(t) - 1 (the last coefficient's difference is exact)
_ERFC_P = _float32(0.0232682, -0.138703942, 0.368742466, -0.582473278, 0.621000469, -0.494451523, 0.340488,
                   -0.274112701, 0.563825965)  # x exp(x**2) erfc(x) in 1 / x**2 for 1 <= x < 2
_ERFC_R = _float32(-10.477664, 12.9772, -7.49551868, 2.92101908, -1.01526523, 0.42184633, -0.282076746,
                   0.564189494)  # and for x >= 2
_CLAMP, _MINUS_CLAMP = _float32(3.832506856900711, -3.832506856900711)
_ONE, _MINUS_ONE = _float32(1, -1)
_FAR = _float32(10.5)[0]  # erfc rounds to 0 from 10.06: |x| clamped here keeps x**2 and its parts finite
_HIGH_BITS = np.uint32(0xFFFFF000)  # a float32's upper 12 significant bits, whose square is exact
_SIGN = np.uint32(0x80000000)
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_ERF_COST, _ERFC_COST = 12, 32  # units of work (_parallel.py) an element, as timed beside erfinv's 16
_ERF_FROM, _ERFC_FROM = 3072, 8192  # elements from which the approximations cost less than SciPy's loops


def _erf_flat(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    t = np.clip(x, _MINUS_CLAMP, _CLAMP)
    t2 = np.multiply(t, t)
    p = _horner(_ERF_P, t2)
    np.multiply(p, t, p)
    q = _horner(_ERF_Q, t2)
    np.divide(p, q, p)
    # 0 < |x| < 2**-75, where erf(x) is 2x / sqrt(pi) to float32's precision: rounded once from float64,
    # as SciPy's is (the rational's leading coefficient is not 2 / sqrt(pi) in float32, which subnormals show)
    tiny = np.equal(t2, 0)
    if np.count_nonzero(tiny) and np.count_nonzero(np.logical_and(tiny, x, tiny)):
        at = np.flatnonzero(tiny)
        p[at] = np.multiply(x[at], _TWO_OVER_SQRT_PI, dtype=np.float64)
    # (without fused multiply-adds the rational passes 1 by an ulp from |x| = 3.665, where erf is 1 - 4 ulps)
    return np.clip(p, _MINUS_ONE, _ONE, out=p if out is None else out)


def _erfc_tail(x: np.ndarray) -> np.ndarray:
    """erfc(x) for |x| >= 1 (and +-inf, NaN)."""
    a = np.abs(x)
    np.clip(a, _ONE, _FAR, out=a)
    s = np.multiply(a, a)
    high = np.bitwise_and(a.view(np.uint32), _HIGH_BITS).view(np.float32)
    r = np.subtract(np.multiply(high, high), s)  # x**2 - s = (high**2 - s) + (x - high)(x + high), all but exactly
    np.add(r, np.multiply(np.subtract(a, high), np.add(a, high)), r)
    q = np.divide(_ONE, a)
    y = np.multiply(q, q)
    v = _horner(_ERFC_P, y)
    far = np.flatnonzero(y <= 0.25)  # |x| >= 2
    if far.size:
        v[far] = _horner(_ERFC_R, y[far])
    np.multiply(v, q, v)
    np.multiply(v, np.subtract(_ONE, r, r), v)  # exp(-r) = 1 - r to rounding (r is at most half an ulp of s)
    np.multiply(v, np.exp(np.negative(s, s), s), v)  # last: one rounding where the product is subnormal
    # 2 - v where x < 0: x's sign bit flips v's, and shifted right by one it is the bit pattern of 2.0
    sign = np.bitwise_and(x.view(np.uint32), _SIGN)
    np.bitwise_xor(v.view(np.uint32), sign, v.view(np.uint32))
    return np.add(np.right_shift(sign, 1, sign).view(np.float32), v, v)


def _erfc_flat(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    t = np.clip(x, _MINUS_ONE, _ONE)
    u = _horner(_ERFC_T_MINUS_ONE, np.multiply(t, t))
    np.multiply(u, t, u)
    out = np.subtract(np.subtract(_ONE, t), u, out)
    tail = np.flatnonzero(t != x)  # |x| > 1, and NaN
    if tail.size:
        out[tail] = _erfc_tail(x[tail])
    return out


def _by_parts(flat_kernel, cost: int):
    def kernel(x: np.ndarray) -> np.ndarray:
        flat = x.reshape(-1)
        if flat.size * cost < _parallel.LARGE:
            return flat_kernel(flat).reshape(x.shape)
        out = np.empty(flat.size, np.float32)
        _parallel.run(lambda s: flat_kernel(flat[s], out[s]), flat.size, flat.size * cost, _parallel.GRANULE)
        return out.reshape(x.shape)
    return kernel


_erf_float32, _erfc_float32 = _by_parts(_erf_flat, _ERF_COST), _by_parts(_erfc_flat, _ERFC_COST)
_sp_erf, _sp_erfc = _parallel.costly(sp.erf), _parallel.costly(sp.erfc)


def erf(x: np.ndarray) -> np.ndarray:
    if x.dtype == np.float64 or x.size < _ERF_FROM:
        return _sp_erf(x if x.dtype.itemsize >= 4 else x.astype(np.float32))
    # 16-bit floats compute in float32, as XLA computes them; the eager interpreter rounds back
    return _erf_float32(x if x.dtype == np.float32 else x.astype(np.float32))


def erfc(x: np.ndarray) -> np.ndarray:
    if x.dtype == np.float64 or x.size < _ERFC_FROM:
        return _sp_erfc(x if x.dtype.itemsize >= 4 else x.astype(np.float32))
    return _erfc_float32(x if x.dtype == np.float32 else x.astype(np.float32))
