"""Taylor coefficients of the terms of Temme's uniform expansion of the incomplete gamma
function (DLMF 8.12), for large a with x near a:

    Q(a, x) = erfc(eta sqrt(a / 2)) / 2 + exp(-a eta**2 / 2) / sqrt(2 pi a) sum_k c_k(eta) a**-k

where mu = x / a - 1 and eta**2 / 2 = mu - log(1 + mu), eta of the sign of mu. With
c_0 = 1 / mu - 1 / eta, each term is c_k = c_{k-1}'(eta) / eta + beta_k / mu, the constant
beta_k (a Stirling coefficient) being the one that cancels the pole at eta = 0. The c_k are
analytic there (up to |eta| = 2 sqrt(pi)), but their closed forms cancel catastrophically
near it: the kernel evaluates their Taylor series, which this module computes exactly, in
rationals, from the series of mu(eta).
"""
from __future__ import annotations

import functools
from fractions import Fraction

import numpy as np


def _mu_series(order: int) -> list[Fraction]:
    """Coefficients m_n of mu(eta) = sum m_n eta**n, n <= order. From eta d(eta) = mu / (1 + mu) d(mu),
    mu mu' = eta (1 + mu); matching the powers eta**n gives m_n from the lower ones."""
    m = [Fraction(0), Fraction(1)]
    for n in range(2, order + 1):
        inner = sum((n + 1 - i) * m[i] * m[n + 1 - i] for i in range(2, n))
        m.append((m[n - 1] - inner) / (n + 1))
    return m


@functools.cache
def temme_coefficients(terms: int, order: int) -> np.ndarray:
    """c[k, j]: the coefficient of eta**j in c_k(eta), for k < terms and j < order."""
    depth = order + 2 * terms  # each step c_k -> c_{k+1} uses two orders
    m = _mu_series(depth + 1)
    # eta / mu = 1 / (1 + m_2 eta + m_3 eta**2 + ...) = sum w_j eta**j, so 1 / mu = sum w_j eta**(j - 1)
    w = [Fraction(1)]
    for n in range(1, depth + 1):
        w.append(-sum(m[i + 1] * w[n - i] for i in range(1, n + 1)))
    c = w[1:]  # c_0 = 1 / mu - 1 / eta
    rows = [c[:order]]
    for _ in range(1, terms):
        beta = -c[1]  # c_{k-1}' / eta has the pole c_{k-1}[1] / eta; beta_k / mu cancels it
        c = [(j + 2) * c[j + 2] + beta * w[j + 1] for j in range(len(c) - 2)]
        rows.append(c[:order])
    return np.array([[float(v) for v in row] for row in rows])
