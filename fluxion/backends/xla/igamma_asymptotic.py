"""Temme's uniform asymptotic expansion of the regularized incomplete gamma functions for large a
and x near a (DLMF 8.12), as SciPy's kernels use there: XLA's igamma and igammac lose accuracy as a
grows (5e-14 relative at a = 1e2, 4e-2 at 1e7; Q(1e10, 1e10) came out 0.934, not 0.4999987).

With mu = x / a - 1 and eta = sign(mu) sqrt(2 (mu - log1p(mu))),

    Q(a, x) = erfc(eta sqrt(a / 2)) / 2 + R,  P(a, x) = erfc(-eta sqrt(a / 2)) / 2 - R,
    R = exp(-a eta**2 / 2) / sqrt(2 pi a) * sum over k of c_k(eta) a**-k,

c_0 = 1/mu - 1/eta and c_k = c_{k-1}'(eta) / eta + (-1)**k gamma_k / mu, where the constant
(-1)**k gamma_k cancels the pole of the first term at eta = 0, so it is -c_{k-1}'(0). Within the
range below, 12 terms in 1/a and 20 in eta reach float64's precision (1e-15 relative at a = 20).
SciPy uses the expansion for large a only within |x - a| < 4.5 sqrt(a); beyond, its P is off
(by 0.35 relative at a = 1e8, x = a - 5 sqrt(a)), and these values are the accurate ones.
"""
from __future__ import annotations

import functools
import math
from fractions import Fraction

import jax.numpy as jnp
from jax import lax

_A_FROM, _MU_UP_TO = 20.0, 0.5  # used for a >= 20 and |x / a - 1| <= 1/2
_TERMS_A, _TERMS_ETA = 12, 20
_LOG_TERMS = 20  # of the atanh series in _mu_minus_log1p: s**2 <= 1/9, so 1/9**20 < 1e-19


@functools.lru_cache(maxsize=1)
def _coefficients() -> tuple[tuple[float, ...], ...]:
    """d[k][n] with c_k(eta) = sum over n of d[k][n] eta**n, exact in rationals and then rounded."""
    length = _TERMS_ETA + 2 * _TERMS_A + 1  # each step in k costs two orders in eta
    # mu = sum of m[n] eta**n from mu mu' = eta (1 + mu) (the derivative of eta**2 / 2 = mu - log1p(mu))
    m = [Fraction(0), Fraction(1)]
    for n in range(2, length + 2):
        m.append((m[n - 1] - sum((n + 1 - i) * m[i] * m[n + 1 - i] for i in range(2, n))) / (n + 1))
    r = [Fraction(1)]  # eta / mu, the reciprocal of mu / eta = sum of m[n + 1] eta**n
    for n in range(1, length + 1):
        r.append(-sum(m[i + 1] * r[n - i] for i in range(1, n + 1)))
    c = r[1:]  # c_0 = (eta / mu - 1) / eta
    table = [c]
    for _ in range(1, _TERMS_A):
        slope = [(n + 1) * c[n + 1] for n in range(len(c) - 1)]
        c = [slope[n] - slope[0] * r[n] for n in range(1, len(slope))]  # (c' - c'(0) eta / mu) / eta
        table.append(c)
    return tuple(tuple(float(v) for v in row[:_TERMS_ETA]) for row in table)


def applies(a, x):
    """Where the expansion is used."""
    return (a >= _A_FROM) & (lax.abs(x - a) <= a * _MU_UP_TO)


def _mu_minus_log1p(mu):
    """mu - log1p(mu) for |mu| <= 1/2 without cancellation: with s = mu / (2 + mu), log1p(mu) is
    2 atanh(s) and mu is 2s / (1 - s), so it is 2 s**2 / (1 - s) - 2 s**3 (1/3 + s**2 / 5 + ...)."""
    s = mu / (2 + mu)
    s2 = s * s
    tail = jnp.zeros_like(s)
    for k in range(_LOG_TERMS, 0, -1):
        tail = tail * s2 + 1 / (2 * k + 1)
    return 2 * s2 / (1 - s) - 2 * s * s2 * tail


def incomplete_gamma(a, x, lower: bool):
    """P(a, x) if `lower`, else Q(a, x), for float64 a and x where `applies`."""
    # the barrier keeps XLA from making mu / (2 + mu) into (x - a) / (a (2 + mu)), which overflows
    mu = lax.optimization_barrier((x - a) / a)
    half_eta2 = _mu_minus_log1p(mu)
    eta = lax.sign(mu) * lax.sqrt(2 * half_eta2)
    total = jnp.zeros_like(eta)
    for row in reversed(_coefficients()):
        c = jnp.zeros_like(eta)
        for d in reversed(row):
            c = c * eta + d
        total = total / a + c
    rest = lax.exp(-a * half_eta2) / lax.sqrt(2 * math.pi * a) * total
    z = eta * lax.sqrt(a / 2)
    return lax.erfc(-z) / 2 - rest if lower else lax.erfc(z) / 2 + rest
