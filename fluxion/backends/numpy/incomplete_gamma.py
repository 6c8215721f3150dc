"""The NumPy kernel of `igamma_grad_a`: the derivative in a of the regularized lower incomplete
gamma function P(a, x) (SciPy has none). It computes in float64, in one of three ways, each
without cancellation between its terms where it is used; D = x**a e**-x / Gamma(a + 1) and
L = log x - digamma(a + 1) throughout:

- x <= max(a, 1): the power series P = D S, S = sum of t_n = x**n / ((a + 1) ... (a + n)),
  differentiated term by term: dP/da = D (L S - T), T = sum of t_n H_n, H_n = sum of
  1 / (a + k) for k <= n. For x <= a both terms are negative (L < 0 there); for a < x <= 1
  they cancel a little (an ulp or two, where the fraction would round more).
- elsewhere: Legendre's continued fraction Q = a D / f, f = b_0 + alpha_1 / (b_1 + ...),
  b_n = x + 2n + 1 - a, alpha_n = n (a - n), whence dP/da = -dQ/da = -D / f (1 + a (L - g))
  with g = d log f / da. f and g are evaluated backward from a depth found by a forward
  (modified Lentz) pass: the backward recurrence rounds far less.
- a >= 100 and |x - a| <= 0.3 a, where both would take O(sqrt(a)) terms: Temme's uniform
  expansion (see `_temme`), differentiated in a at fixed x (d eta / da = -mu / (a eta)):
  dQ/da = E (log1p(mu) / mu + log1p(mu) S_1 - S / (2a) - sum_k (c_k' mu / eta + k c_k) a**-k / a),
  E = exp(-a eta**2 / 2) / sqrt(2 pi a), S = sum_k c_k a**-k, S_1 = S - c_0.

For a >= 10, log D and L are formed from mu = x / a - 1 and Stirling's series, so that
neither loses digits to log Gamma(a + 1) and a log x. Against mpmath the result is within a few
ulps times the condition number of the function (which grows with |log D|, so results near
the underflow threshold keep some 1e-13 relative error).
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import scipy.special as sp

from ._temme import temme_coefficients

_EPS = float(np.finfo(np.float64).eps)
_TINY = float(np.finfo(np.float64).tiny)
_A_STIRLING = 10.0
_A_TEMME, _MU_TEMME = 100.0, 0.3
_TEMME_TERMS, _TEMME_ORDER = 8, 22  # a**-8 < 1e-16 for a >= 100; |eta| <= 0.34 < 2 sqrt(pi) / 10
_MAX_TERMS = 100_000  # series and fraction converge in far fewer outside the Temme region

# Bernoulli numbers B_2 .. B_18: Stirling's series for log Gamma and digamma at a >= 10
_BERNOULLI = (Fraction(1, 6), Fraction(-1, 30), Fraction(1, 42), Fraction(-1, 30), Fraction(5, 66),
              Fraction(-691, 2730), Fraction(7, 6), Fraction(-3617, 510), Fraction(43867, 798))
_LGAMMA_TAIL = tuple(float(b / (2 * k * (2 * k - 1))) for k, b in enumerate(_BERNOULLI, 1))
_DIGAMMA_TAIL = tuple(float(b / (2 * k)) for k, b in enumerate(_BERNOULLI, 1))


def _in_inverse_squares(coefs, a):
    """sum of coefs[k] a**(-2k)."""
    inv2 = (1 / a) ** 2
    out = np.zeros_like(a)
    for c in reversed(coefs):
        out = out * inv2 + c
    return out


def _log1p_minus(mu):
    """mu - log1p(mu) >= 0, to full relative precision also for small mu: with r = mu / (2 + mu),
    log1p(mu) = 2 atanh(r), so mu - log1p(mu) = mu r - 2 (r**3 / 3 + r**5 / 5 + ...)."""
    near = np.abs(mu) < 0.5
    r = np.where(near, mu, 0) / (2 + np.where(near, mu, 0))  # |r| <= 1/3: 35 terms reach 1e-34
    r2, odd = r * r, np.zeros_like(r)
    for k in range(35, 0, -1):
        odd = odd * r2 + 1 / (2 * k + 1)
    return np.where(near, mu * r - 2 * r * r2 * odd, mu - np.log1p(mu))


def _leading(a, x):
    """(log D, L): log(x**a e**-x / Gamma(a + 1)) and log x - digamma(a + 1)."""
    big = a >= _A_STIRLING
    b = np.where(big, a, _A_STIRLING)
    mu = (x - b) / b
    near = np.abs(mu) < 0.5
    ratio = x / b
    log_ratio = np.where(near, np.log1p(np.where(near, mu, 0)),
                         np.where(ratio >= _TINY, np.log(np.maximum(ratio, _TINY)), np.log(x) - np.log(b)))
    phi = np.where(near, _log1p_minus(mu), mu - log_ratio)
    # lgamma(b + 1) = (b + 1/2) log b - b + log(2 pi) / 2 + tail / b; digamma(b + 1) = log b + 1 / (2b) - tail / b**2
    log_d = -b * phi - 0.5 * np.log(2 * math.pi * b) - _in_inverse_squares(_LGAMMA_TAIL, b) / b
    ell = log_ratio - (0.5 / b - _in_inverse_squares(_DIGAMMA_TAIL, b) / b / b)
    small_log_d = a * np.log(x) - x - sp.gammaln(a + 1)
    small_ell = np.log(x) - sp.digamma(a + 1)
    return np.where(big, log_d, small_log_d), np.where(big, ell, small_ell)


def _until_converged(state: dict, step, converged) -> dict:
    """Runs `step(state, n)` for n = 1, 2, ... on the elements not yet `converged(state, n)`,
    checking every 4 steps and dropping the converged ones; the final states, per element."""
    out = {k: v.copy() for k, v in state.items()}
    live = np.arange(next(iter(state.values())).size)
    n = 0
    while live.size:
        for _ in range(4):
            n += 1
            step(state, n)
        done = converged(state, n) | (n >= _MAX_TERMS)
        for k, v in state.items():
            out[k][live[done]] = v[done]
        live, state = live[~done], {k: v[~done] for k, v in state.items()}
    return out


def _series(a, x):
    log_d, ell = _leading(a, x)
    one = np.ones_like(x)

    def step(s, n):
        an = s["a"] + n
        s["t"] = s["t"] * (s["x"] / an)
        s["h"] = s["h"] + 1 / an
        s["S"] = s["S"] + s["t"]
        s["T"] = s["T"] + s["t"] * s["h"]

    def converged(s, n):
        # terms fall at least by the ratio r = x / (a + n + 1) < 1: the rest of S is below
        # t r / (1 - r), and the rest of T below that times H_n + 1 / (a + n + 1 - x)
        gap = s["a"] + (n + 1) - s["x"]
        rest = s["t"] * s["x"] / gap
        return ~((rest > _EPS / 8 * s["S"]) | (rest * (s["h"] + 1 / gap) > _EPS / 8 * s["T"]))  # NaN stops

    s = _until_converged({"a": a, "x": x, "t": one, "S": one, "h": 0 * one, "T": 0 * one}, step, converged)
    return np.exp(log_d) * (ell * s["S"] - s["T"])


def _fraction_depth(a, x):
    """How deep Legendre's fraction must go for f and g = d log f / da to settle: forward
    modified Lentz, f = f_0 prod C_n D_n, with the logarithmic derivatives of C_n and D_n."""
    b0 = x + 1 - a
    zero = np.zeros_like(x)

    def step(s, n):
        b, alpha = s["x"] + (2 * n + 1) - s["a"], n * (s["a"] - n)  # d b / da = -1, d alpha / da = n
        d_prev, c_prev = s["D"], s["C"]
        s["D"] = 1 / (b + alpha * d_prev)
        s["dD"] = -s["D"] * (-1 + n * d_prev + alpha * d_prev * s["dD"])
        s["C"] = b + alpha / c_prev
        s["dC"] = (-1 + (n - alpha * s["dC"]) / c_prev) / s["C"]
        s["g"] = s["g"] + s["dC"] + s["dD"]
        s["err"] = np.abs(s["C"] * s["D"] - 1) + np.abs((s["dC"] + s["dD"]) / s["g"])
        s["n"] = np.full_like(b, n)

    start = {"a": a, "x": x, "C": b0, "D": zero, "dC": -1 / b0, "dD": zero, "g": -1 / b0, "err": zero + 1, "n": zero}
    # |C D - 1| settles at a rounding of 1 (NaN stops too)
    return _until_converged(start, step, lambda s, n: ~(s["err"] > 2 * _EPS))["n"].astype(np.int64)


def _fraction(a, x):
    log_d, ell = _leading(a, x)
    depth = _fraction_depth(a, x)
    depth += depth // 8 + 4
    order = np.argsort(-depth, kind="stable")
    a, x, depth = a[order], x[order], depth[order]
    f = x + 2 * depth + 1 - a
    g = -1 / f
    for n in range(int(depth[0]) - 1, -1, -1):
        k = np.searchsorted(-depth, -n)  # the elements deeper than n: a prefix
        ak, fk, gk = a[:k], f[:k].copy(), g[:k]
        alpha = (n + 1) * (ak - (n + 1))
        f[:k] = x[:k] + (2 * n + 1) - ak + alpha / fk
        g[:k] = (-1 + ((n + 1) - alpha * gk) / fk) / f[:k]
    out = np.empty_like(f)
    out[order] = -1 / f * (1 + a * (ell[order] - g))
    return np.exp(log_d) * out


def _polynomial(coefs, z):
    out = np.zeros_like(z)
    for c in reversed(coefs):
        out = out * z + c
    return out


def _temme(a, x):
    mu = (x - a) / a
    phi = _log1p_minus(mu)
    eta = np.copysign(np.sqrt(2 * phi), mu)
    at_a = mu == 0
    mu_over_eta = np.where(at_a, 1, mu / np.where(at_a, 1, eta))
    log1p_mu = np.log1p(mu)
    ratio = np.where(at_a, 1, log1p_mu / np.where(at_a, 1, mu))
    coefs = temme_coefficients(_TEMME_TERMS, _TEMME_ORDER)
    inv = 1 / a
    rest = np.zeros_like(a)  # S_1 = sum over k >= 1 of c_k a**-k
    slope = np.zeros_like(a)  # sum over k of (c_k' mu / eta + k c_k) a**-k
    for k in range(_TEMME_TERMS - 1, -1, -1):
        c = _polynomial(coefs[k], eta)
        dc = _polynomial(coefs[k][1:] * np.arange(1, _TEMME_ORDER), eta)
        slope = slope * inv + (dc * mu_over_eta + k * c)
        rest = (rest + c) * inv if k else rest
    total = c + rest  # c is c_0 here
    e = np.exp(-a * phi) / np.sqrt(2 * math.pi * a)
    return -e * (ratio + log1p_mu * rest - total * inv / 2 - inv * slope)


def igamma_grad_a(a, x):
    """dP(a, x)/da elementwise: NaN for a <= 0, x < 0 or NaN, 0 where P is constant in a
    (x = 0, x = inf, a = inf) and NaN at a = x = inf, as P itself."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    shape, a, x = a.shape, a.ravel(), x.ravel()
    out = np.full(a.shape, np.nan)
    valid = (a > 0) & (x >= 0)
    out[valid & ((x == 0) | (np.isinf(x) != np.isinf(a)))] = 0.0
    inner = np.flatnonzero(valid & (x > 0) & np.isfinite(x) & np.isfinite(a))
    ai, xi = a[inner], x[inner]
    temme = (ai >= _A_TEMME) & (np.abs(xi - ai) <= _MU_TEMME * ai)
    series = ~temme & (xi <= np.maximum(ai, 1))
    for where, method in ((temme, _temme), (series, _series), (~temme & ~series, _fraction)):
        if where.any():
            out[inner[where]] = method(ai[where], xi[where])
    return out.reshape(shape)
