"""Real elementwise functions where XLA's own lowering differs from the NumPy kernels.

- `exp2` is 2**n * 2**f with n = round(x): exact at integers and accurate for large |x|
  (XLA computes exp(x log 2), whose rounding grows with |x|);
- `exp` and `exp2` are NaN where x is: XLA's float32 exp is not where a NaN constant has been
  folded into x (exp(x * nan) gave arbitrary numbers); exp's guarded rule is used only where
  such a NaN may arrive (folded_nan.py);
- `sinh` and `cosh` halve exp(|x|) exactly (XLA adds log(1/2) to the argument first);
- float64 `log1p` and `atanh` are log(u) x / (u - 1) with u = 1 + x beyond small |x| (XLA's
  float64 log1p is some 100 ulps off there: its simplifier folds the correction term away);
- `lgamma`, `digamma`, `polygamma` and the other special functions compute in float64, as
  SciPy's kernels do, with SciPy's values at the poles and infinities;
- `zeta` for q < 0 reflects the negative terms to positive q (XLA's sum is only right for q >= 0),
  and `polygamma` is computed through it;
- `igammac` for small a and x is SciPy's series, not XLA's 1 - P, which cancels there;
- `igamma` and `igammac` for a >= 20 with x near a are Temme's expansion (igamma_asymptotic.py),
  as SciPy's; XLA's relative error there grows with a (5e-14 at 1e2, 4e-2 at 1e7);
- `igamma_grad_a` is XLA's, whose relative error grows with a (1e-12 at a = 1e3, 1e-10 at
  1e5, 1e-5 at 1e10; the NumPy kernel's stays within some ulps), and which underflows to 0
  where a is tiny and x large (1e-46 at a = 1e-300, x = 100);
- float64 `erfinv` takes one Newton step from XLA's, which is within only some 1e-10 (relative)
  near +-1; after it, it is within some 4 ulps of SciPy's;
- `sign(-0.0)`, `erfinv(-0.0)` and `bessel_i1e(-0.0)` are +0.0, as NumPy and SciPy give.
"""
from __future__ import annotations

import functools
import math

import jax.numpy as jnp
import numpy as np
import scipy.special as sp
from jax import lax

from ...core import dtypes as D
from . import igamma_asymptotic

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


def keep_nan(x, out):
    """`out`, NaN where `x` is. XLA's float32 exp gives arbitrary values (or leaves its output
    unwritten) where the compiler has folded a NaN constant into its input, as in exp(x * nan)."""
    return lax.select(lax.ne(x, x), x, out)


def exp(x):
    return keep_nan(x, lax.exp(x))


def exp2(x):
    given, info = x, np.finfo(x.dtype)
    low, high = info.minexp - info.nmant - 2, info.maxexp + 1  # beyond these the result is 0 or inf
    x = lax.clamp(const(low, x), x, const(high, x))
    n = lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)
    frac = lax.exp((x - n) * const(math.log(2), x))
    n = lax.convert_element_type(n, D.int32)
    # two factors, each a normal number, so only the last product rounds into the subnormals
    first = lax.clamp(np.int32(info.minexp), n, np.int32(info.maxexp - 1))
    return keep_nan(given, frac * _pow2(first, x.dtype) * _pow2(n - first, x.dtype))


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
    # exactly 0 at 1 and 2, as SciPy: XLA's sum there rounds to some 1e-16 once fused with other
    # code (betaln(1, 1) = lgamma(1) - (lgamma(2) - lgamma(1)) gave -8.9e-16)
    out = _where((x == 1) | (x == 2), jnp.zeros_like(x), lax.lgamma(x))
    return _where(x == -math.inf, x, out)  # SciPy's gammaln(-inf) is -inf


def digamma(x):
    # SciPy: -inf at +0.0 and inf at -0.0 (XLA: NaN)
    return _where(x == 0, -copysign(jnp.full_like(x, math.inf), x), lax.digamma(x))


def polygamma(x, *, m):
    if m == 0:
        return digamma(x)
    # SciPy's (-1)**(m + 1) gamma(m + 1) zeta(m + 1, x), through zeta's values at the poles, at
    # +-inf and for x < 0 (XLA's polygamma uses its own zeta, wrong for x < 0)
    factor = (1.0 if m % 2 else -1.0) * float(sp.gamma(m + 1))
    return const(factor, x) * zeta(const(m + 1, x), x)


def _incomplete_gamma(xla, lower):
    """XLA's regularized incomplete gamma, Temme's expansion where it applies, and SciPy's values
    where they differ: P(0, x > 0) = 1, P(inf, x) = 0 for finite x >= 0 and NaN at a = x = inf
    (XLA: NaN, NaN and 1); `lower` says whether the function is P or Q = 1 - P."""
    def rule(a, x):
        inf_a = (a == math.inf) & (x >= 0)
        edge = ((a == 0) & (x > 0)) | inf_a
        p = _where(inf_a, _where(x == math.inf, jnp.full_like(x, math.nan), jnp.zeros_like(x)), jnp.ones_like(x))
        near = igamma_asymptotic.applies(a, x)
        # XLA's kernel sees (1, 1) there instead: at a = x = 1e300 it does not return
        one = jnp.ones_like(x)
        far = xla(_where(near, one, a), _where(near, one, x))
        inner = _where(near, igamma_asymptotic.incomplete_gamma(a, x, lower), far)
        return _where(edge, p if lower else const(1, p) - p, inner)
    return rule


# log(gamma(1 + a)) = -euler a + sum of (-a)**n zeta(n) / n over n >= 2: for a <= 1/4, 26 terms
# reach float64's precision (coefficients highest order first, for Horner's rule)
_ORDERS = np.arange(27, 1, -1)
_LGAMMA1P = tuple(float(c) for c in (-1.0) ** _ORDERS * sp.zeta(_ORDERS) / _ORDERS)
_EULER = 0.5772156649015329
_SMALL_A, _SMALL_X, _SERIES_TERMS = 0.25, 1.1, 20


def _igammac_small_a(a, x):
    """Q(a, x) for 0 < a <= 1/4 and 0 < x <= 1.1 from DLMF 8.7.3, as SciPy's igamc_series:
    Q = -expm1(t) - a exp(t) sum_{n>=1} (-x)**n / (n! (a + n)), t = a log x - log(gamma(1 + a)).
    XLA's 1 - P cancels there (1e-6 relative at a = x = 1e-10)."""
    lgamma1p_over_a = const(_LGAMMA1P[0], a)
    for c in _LGAMMA1P[1:] + (-_EULER,):
        lgamma1p_over_a = lgamma1p_over_a * a + const(c, a)
    t = a * (lax.log(x) - lgamma1p_over_a)
    total, term = jnp.zeros_like(x), jnp.ones_like(x)
    for n in range(1, _SERIES_TERMS + 1):
        term = term * (-x / const(n, x))
        total = total + term / (a + const(n, a))
    return -lax.expm1(t) - a * lax.exp(t) * total


def _igammac(a, x):
    small = (a > 0) & (a <= _SMALL_A) & (x > 0) & (x <= _SMALL_X)
    series = _igammac_small_a(_where(small, a, const(_SMALL_A, a)), _where(small, x, const(1, x)))
    return _where(small, series, lax.igammac(a, x))


igamma = _incomplete_gamma(lax.igamma, lower=True)
igammac = _incomplete_gamma(_igammac, lower=False)


def igamma_grad_a(a, x):
    """XLA's derivative of P(a, x) in a, with the NumPy kernel's 0 where P is constant in a: at
    x = inf for finite a > 0 and at a = inf for finite x >= 0 (XLA: NaN)."""
    flat = ((x == math.inf) & (a > 0) & (a < math.inf)) | ((a == math.inf) & (x >= 0) & (x < math.inf))
    return _where(flat, jnp.zeros_like(x), lax.igamma_grad_a(a, x))


def _hurwitz(x, q):
    """XLA's Hurwitz zeta, whose Euler-Maclaurin tail starts from q + 9, so it is only accurate
    for q >= 0 (2e-13 off at q = -5.5, 2e-7 at -7.4, diverging below -8). For q < 0 the
    terms q + k < 0 are g - j, j >= 0, with g = q - ceil(q) in (-1, 0) (exact), so for integer x
    zeta(x, q) = zeta(x, g + 1) + (-1)**x (zeta(x, -g) - zeta(x, 1 - q)), all at positive q
    (SciPy sums them one by one); NaN for non-integer x, whose terms there are not real."""
    negative = q < 0
    g = _where(negative, q - lax.ceil(q), const(-0.5, q))
    positive = lax.zeta(x, _where(negative, g + const(1, q), q))
    half = x * const(0.5, x)
    sign = _where(lax.floor(half) == half, const(1, x), const(-1, x))
    # zeta(x, g + 1) and zeta(x, -g) first: for odd x they cancel where the result is near 0
    shifted = (positive + sign * lax.zeta(x, -g)) - sign * lax.zeta(x, const(1, q) - q)
    shifted = _where(lax.floor(x) == x, shifted, jnp.full_like(x, math.nan))
    return _where(negative, shifted, positive)


def zeta(x, q):
    """XLA's Hurwitz zeta (continued to q < 0 as above) with SciPy's values: inf at x = 1 and,
    for x > 1 or NaN, at q = 0, a negative integer or -inf; NaN for x < 1; at x = inf, the limit
    (inf below q = 1, 1 at q = 1) where SciPy's sum has one, 0 for q > 1e8 (its asymptotic
    branch) and NaN between."""
    full = functools.partial(jnp.full_like, x)
    at_inf = _where(q < 1, full(math.inf), _where(q == 1, full(1), _where(q > 1e8, full(0), full(math.nan))))
    # for x past 2.5e13 (XLA's sum gives NaN past 2e15) the first term q**-x is the sum to the
    # last bit, where SciPy's is not NaN (it is for 1 < q <= 1e8 there, as at x = inf)
    far = _where((q > 1) & (q <= 1e8), full(math.nan), lax.pow(q, -x))
    out = _where((x >= 25256835601046.0) & (q > 0), far, _hurwitz(x, q))
    out = _where(x == math.inf, at_inf, out)
    out = _where(q == math.inf, _where(x > 1, full(0), out), out)
    out = _where(_pole(q), full(math.inf), out)
    out = _where(x < 1, full(math.nan), out)
    return _where(x == 1, full(math.inf), out)


def bessel_i1e(x):
    return _where(x == 0, jnp.zeros_like(x), lax.bessel_i1e(x))  # +0.0 at -0.0, as SciPy


def erfinv(x):
    y = lax.erf_inv(x)
    if x.dtype == np.float64:  # one Newton step on |y| (see the module docstring)
        a, b = jnp.abs(x), jnp.abs(y)
        residual = _where(a < 0.5, lax.erf(b) - a, (1 - a) - lax.erfc(b))  # erf(b) - a; 1 - a is exact there
        step = residual / (const(2 / math.sqrt(math.pi), x) * jnp.exp(-b * b))
        y = copysign(_where(jnp.isfinite(step), b - step, b), y)  # (not at +-1, whose root is inf)
    return _where(x == 0, jnp.zeros_like(x), y)  # +0.0 at -0.0, as SciPy
