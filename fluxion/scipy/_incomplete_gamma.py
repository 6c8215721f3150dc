"""The second derivative in `a` of the regularized incomplete gamma functions, d^2 P(a, x) / da^2
(= -d^2 Q / da^2), the derivative in `a` of the primitive igamma_grad_a (which jax does not give).

With D = x**a e**-x / Gamma(a + 1) and the logarithmic derivatives written out, it is

- for x <= max(a, 1), the power series P = D sum over n of t_n, t_n = x**n / ((a + 1) ... (a + n)),
  differentiated twice term by term: d^2 P / da^2 = D sum of t_n (u_n**2 - r_n) with
  u_n = log x - digamma(a + n + 1) and r_n = trigamma(a + n + 1), both carried by recurrences;
- elsewhere, Legendre's continued fraction Q = a D / f, f = b_0 + alpha_1 / (b_1 + ...),
  b_n = x + 2n + 1 - a, alpha_n = n (a - n), by the modified Lentz method: f = b_0 times the product
  of factors C_n D_n, each carried with its first and second logarithmic derivatives in a. These
  vanish as the factors approach 1, so their sums phi', phi'' (phi = log f) settle (differences of
  derivatives of the convergents A_n, B_n would not: their rounding grows with n). Then
  d^2 Q / da^2 = Q ((log x - digamma(a) - phi')**2 - trigamma(a) - phi'').

Each is a `while_loop` of fluxion operations in float64 that stops where its terms no longer
change the result, after at most _MAX_TERMS steps (beyond, for x <= a near a above ~1e6, NaN),
so the second derivative is itself differentiable (the third in a, the mixed ones in x).
"""
from __future__ import annotations

import numpy as np

from .. import numpy as fnp
from ..control import while_loop
from ..ops import elementwise as E
from ..ops._ad import defjvp
from ..ops.elementwise_rules import _gamma_density_grad_a
from ._gamma import digamma, gammaln, polygamma
from ._util import _in_float64

_EPS = 2.0 ** -52
_MAX_TERMS = 10_000


def _series(a, x):
    """sum of t_n (u_n**2 - r_n) for x <= max(a, 1) (see the module's docstring), and whether it converged."""
    u0, r0 = fnp.log(x) - digamma(a + 1), polygamma(1, a + 1)

    def rest(state):
        """A bound of what the terms after the last one add: they shrink at least by x / (a + n + 2)."""
        n, t, u, r, _, moduli = state
        gap = a + (n + 2) - x
        return t * x / gap * ((fnp.abs(u) + 1 / gap) ** 2 + r) > _EPS / 16 * moduli

    def body(state):
        n, t, u, r, total, moduli = state
        step = a + (n + 1)
        t, u, r = t * (x / step), u - 1 / step, r - 1 / (step * step)
        return n + 1, t, u, r, total + t * (u * u - r), moduli + t * (u * u + r)

    start = (0, fnp.ones_like(x), u0, r0, u0 * u0 - r0, u0 * u0 + r0)
    state = while_loop(lambda s: (s[0] < _MAX_TERMS) & fnp.any(rest(s)), body, start)
    return state[4], ~rest(state)


def _log_fraction(a, x):
    """f and the derivatives phi', phi'' of phi = log f for x > max(a, 1) (see the module's
    docstring), and whether they converged."""
    b0 = x + 1 - a
    zero = fnp.zeros_like(x)

    def moving(state):
        *_, d1, d2, step, inc1, inc2 = state
        return ((fnp.abs(step - 1) > _EPS) | (fnp.abs(inc1) > _EPS * (1 + fnp.abs(d1)))
                | (fnp.abs(inc2) > _EPS * (1 + fnp.abs(d2) + d1 * d1)))

    def body(state):
        n, big_c, c, e, big_d, d, h, f, d1, d2, _, _, _ = state
        n = n + 1
        b, alpha = x + (2 * n + 1) - a, n * (a - n)  # d b / da = -1, d alpha / da = n
        # C_n = b + alpha / C_{n-1}: c = C' / C and e = C'' / C
        ratio = 1 / big_c
        slope = -1 + (n - alpha * c) * ratio
        curve = (-2 * n * c - alpha * e + 2 * alpha * c * c) * ratio
        big_c = b + alpha * ratio
        c, e = slope / big_c, curve / big_c
        # D_n = 1 / G, G = b + alpha D_{n-1}: d = D' / D = -G' / G and h = D'' / D = 2 d**2 - G'' / G
        g = b + alpha * big_d
        g1, g2 = -1 + big_d * (n + alpha * d), big_d * (2 * n * d + alpha * h)
        big_d = 1 / g
        d = -g1 * big_d
        h = 2 * d * d - g2 * big_d
        inc1, inc2 = c + d, (e - c * c) + (h - d * d)
        step = big_c * big_d
        return n, big_c, c, e, big_d, d, h, f * step, d1 + inc1, d2 + inc2, step, inc1, inc2

    inf = fnp.full_like(x, np.inf)
    start = (0, b0, -1 / b0, zero, zero, zero, zero, b0, -1 / b0, -1 / (b0 * b0), inf, inf, inf)
    state = while_loop(lambda s: (s[0] < _MAX_TERMS) & fnp.any(moving(s)), body, start)
    return state[7], state[8], state[9], ~moving(state)


def second_derivative(a, x):
    """d^2 P(a, x) / da^2 elementwise for float64 `a` and `x`: NaN for a <= 0, x < 0 or NaN, 0 where
    P is constant in a (x = 0, x = inf, a = inf) and NaN at a = x = inf, as igamma_grad_a."""
    a, x = fnp.broadcast_arrays(a, x)
    inside = (a > 0) & (x > 0) & fnp.isfinite(a) & fnp.isfinite(x)
    series = x <= fnp.maximum(a, 1)
    # each branch sees its own elements, and elsewhere values where it converges at once
    a_s, x_s = fnp.where(inside & series, a, 1.0), fnp.where(inside & series, x, 1e-3)
    a_f, x_f = fnp.where(inside & ~series, a, 1.0), fnp.where(inside & ~series, x, 1e3)
    total, series_ok = _series(a_s, x_s)
    log_d = a_s * fnp.log(x_s) - x_s - gammaln(a_s + 1)
    from_series = fnp.exp(log_d) * total
    f, d1, d2, fraction_ok = _log_fraction(a_f, x_f)
    log_x = fnp.log(x_f)
    q = fnp.exp(a_f * log_x - x_f - gammaln(a_f)) / f
    lead = log_x - digamma(a_f) - d1
    from_fraction = -q * (lead * lead - polygamma(1, a_f) - d2)
    out = fnp.where(series, fnp.where(series_ok, from_series, np.nan), fnp.where(fraction_ok, from_fraction, np.nan))
    valid = (a > 0) & (x >= 0)
    constant = valid & ((x == 0) | (fnp.isinf(x) != fnp.isinf(a)))
    return fnp.where(inside, out, fnp.where(constant, 0.0, np.nan))


# igamma_grad_a's rule (fluxion/ops has none: its derivative in a runs loops of fluxion.numpy)
defjvp(E.igamma_grad_a_p, lambda t, ans, a, x: t * _in_float64("gammainc", second_derivative, a, x),
       lambda t, ans, a, x: t * _gamma_density_grad_a(a, x))
