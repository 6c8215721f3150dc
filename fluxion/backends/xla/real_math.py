"""Real elementwise functions where XLA's own lowering differs from the NumPy kernels.

- `exp2` is 2**n * 2**f with n = round(x): exact at integers and accurate for large |x|
  (XLA computes exp(x log 2), whose rounding grows with |x|);
- `sinh` and `cosh` halve exp(|x|) exactly (XLA adds log(1/2) to the argument first);
- float64 `log1p` and `atanh` are log(u) x / (u - 1) with u = 1 + x beyond small |x| (XLA's
  float64 log1p is some 100 ulps off there: its simplifier folds the correction term away);
- `lgamma`, `digamma`, `polygamma` and the other special functions compute in float64, as
  SciPy's kernels do, with SciPy's values at the poles and infinities;
- `sign(-0.0)`, `erfinv(-0.0)` and `bessel_i1e(-0.0)` are +0.0, as NumPy and SciPy give.
"""
from __future__ import annotations

import math

import jax.numpy as jnp
import jax.scipy.special as jsp
import numpy as np
from jax import lax

from ...core import dtypes as D

_where = jnp.where
copysign = jnp.copysign


def const(value, like):
    """`value` as a 0-d array of `like`'s dtype."""
    return jnp.asarray(value, like.dtype)


def sign(x):
    out = lax.sign(x)
    return _where(x == 0, jnp.zeros_like(x), out) if D.kind(x.dtype) == D.FLOAT else out


def _pow2(n, dt):
    """2.0 ** n for int32 n within the normal exponent range of `dt`, built from its bits."""
    info = np.finfo(dt)
    ibits = np.dtype(f"int{8 * dt.itemsize}")
    biased = lax.convert_element_type(n, ibits) + (1 - info.minexp)
    return lax.bitcast_convert_type(lax.shift_left(biased, jnp.asarray(info.nmant, ibits)), dt)


def exp2(x):
    info = np.finfo(x.dtype)
    low, high = info.minexp - info.nmant - 2, info.maxexp + 1  # beyond these the result is 0 or inf
    x = lax.clamp(const(low, x), x, const(high, x))
    n = lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)
    frac = lax.exp((x - n) * const(math.log(2), x))
    n = lax.convert_element_type(n, D.int32)
    # two factors, each a normal number, so only the last product rounds into the subnormals
    first = lax.clamp(np.int32(info.minexp), n, np.int32(info.maxexp - 1))
    return frac * _pow2(first, x.dtype) * _pow2(n - first, x.dtype)


def _exp_halves(a):
    """(exp(a) / 2, exp(-a) / 2) for a >= 0, the first without overflow where it is finite."""
    half = const(0.5, a)
    e = lax.exp(a)
    root = lax.exp(a * half)
    big = a > const(math.log(np.finfo(a.dtype).max), a)
    return _where(big, (half * root) * root, half * e), half / e


def cosh(x):
    large, small = _exp_halves(lax.abs(x))
    return large + small


def sinh(x):
    a = lax.abs(x)
    large, small = _exp_halves(a)
    em1 = lax.expm1(a)
    near_zero = (em1 + em1 / (em1 + const(1, a))) * const(0.5, a)  # no cancellation for a < 1
    return copysign(_where(a < const(1, a), near_zero, large - small), x)


def _float64_only(accurate, xla):
    """`accurate` for float64, XLA's `xla` (accurate enough there) for other dtypes."""
    def rule(x):
        return accurate(x) if x.dtype == D.float64 else xla(x)
    return rule


def _log1p(x):
    # u - 1 is the rounding of 1 + x; the barrier keeps XLA from simplifying (1 + x) - 1 to x
    u = lax.optimization_barrier(x + const(1, x))
    ratio = _where(u == 1, x, _where(u == math.inf, u, lax.log(u) * (x / (u - const(1, x)))))
    return _where(lax.abs(x) < const(0.25, x), lax.log1p(x), ratio)


def _atanh(x):
    # 1/2 log1p(2a / (1 - a)), written as 1/2 log1p(2a + 2a a / (1 - a)) for small a = |x|
    a, one, half = lax.abs(x), const(1, x), const(0.5, x)
    twice = a + a
    small = _log1p(twice + twice * a / (one - a))
    return copysign(half * _where(a < half, small, _log1p(twice / (one - a))), x)


log1p = _float64_only(_log1p, lax.log1p)
atanh = _float64_only(_atanh, lax.atanh)


def in_float64(fn):
    """`fn` computed in float64 and rounded once (SciPy's gamma-family kernels compute in
    double; XLA's single-precision ones are tens of ulps off, and off zero at lgamma's roots)."""
    def rule(*xs, **params):
        dt = xs[0].dtype
        if dt == D.float64:
            return fn(*xs, **params)
        out = fn(*(lax.convert_element_type(x, D.float64) for x in xs), **params)
        # 16-bit floats through float32, as the kernels round them
        return lax.convert_element_type(lax.convert_element_type(out, D.float32), dt)
    return rule


def _pole(x):
    """Where x is a pole of the gamma function: 0 or a negative integer (or -inf)."""
    return (x <= 0) & (lax.floor(x) == x)


def lgamma(x):
    return _where(x == -math.inf, x, lax.lgamma(x))  # SciPy's gammaln(-inf) is -inf


def digamma(x):
    # SciPy: -inf at +0.0 and inf at -0.0 (XLA: NaN)
    return _where(x == 0, -copysign(jnp.full_like(x, math.inf), x), lax.digamma(x))


def polygamma(x, *, m):
    if m == 0:
        return digamma(x)
    # SciPy: (-1)**(m + 1) inf at the poles and at -inf, (-1)**(m + 1) 0 at inf (XLA: NaN)
    sign_ = 1.0 if m % 2 else -1.0
    out = _where(_pole(x), jnp.full_like(x, sign_ * math.inf), jsp.polygamma(m, x))
    return _where(x == math.inf, jnp.full_like(x, sign_ * 0.0), out)


def igamma(a, x):
    # SciPy: 0 for a = inf and finite x >= 0 (XLA: NaN)
    return _where((a == math.inf) & (x >= 0) & (x < math.inf), jnp.zeros_like(x), lax.igamma(a, x))


def igammac(a, x):
    return _where((a == math.inf) & (x >= 0) & (x < math.inf), jnp.ones_like(x), lax.igammac(a, x))


def zeta(x, q):
    # SciPy: 0 at q = inf and inf at q = -0.0 (XLA: NaN)
    out = _where((q == 0) & (x > 1), jnp.full_like(x, math.inf), lax.zeta(x, q))
    return _where((q == math.inf) & (x > 1), jnp.zeros_like(x), out)


def bessel_i1e(x):
    return _where(x == 0, jnp.zeros_like(x), lax.bessel_i1e(x))  # +0.0 at -0.0, as SciPy


def erfinv(x):
    return _where(x == 0, jnp.zeros_like(x), lax.erf_inv(x))  # +0.0 at -0.0, as SciPy
