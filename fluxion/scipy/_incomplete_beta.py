"""The derivatives of the regularized incomplete beta function I_x(a, b) = betainc(a, b, x).

In x it is the density x**(a - 1) (1 - x)**(b - 1) / B(a, b). In a and b (which jax does not
give) it is computed from the continued fraction (DLMF 8.17.22)

    I_x(a, b) = F f,  F = x**a (1 - x)**b / (a B(a, b)),  f = 1 / (1 + d_1 / (1 + d_2 / (1 + ...)))

for x < (a + 1) / (a + b + 2), and from I_x(a, b) = 1 - I_{1-x}(b, a) above, where the fraction
converges in O(sqrt(max(a, b))) terms. The derivatives of f in a and b are carried through the
recurrences of its convergents A_n / B_n beside the convergents themselves, until the value and
both derivatives change by less than a few ulps (Boik and Robison-Cox's method). The loop is a
`while_loop` of fluxion operations, so the derivatives are themselves differentiable.
"""
from __future__ import annotations

from .. import numpy as fnp
from ..control import while_loop
from ..core import dtypes
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..core.primitive import jvp_rules
from ..ops._ad import Zero, add_tangents, broadcast_tangent, differentiable
from ..ops.elementwise_rules import _beta_density
from ._gamma import betaln, digamma

_EPS = 4 * 2.0 ** -52  # relative change at which the fraction has converged
_MAX_TERMS = 10_000  # beyond (a, b above ~1e7), the derivatives are NaN


def _terms(m, p, q, y):
    """d_{2m+1} and d_{2m+2}, each with its derivatives in p and q."""
    # d_{2m+1} = -(p + m)(p + q + m) y / ((p + 2m)(p + 2m + 1))
    d = -(p + m) * (p + q + m) * y / ((p + 2 * m) * (p + 2 * m + 1))
    odd = (d, d * (1 / (p + m) + 1 / (p + q + m) - 1 / (p + 2 * m) - 1 / (p + 2 * m + 1)), d / (p + q + m))
    # d_{2m+2} = n (q - n) y / ((p + 2n - 1)(p + 2n)), n = m + 1
    n = m + 1
    scale = n * y / ((p + 2 * n - 1) * (p + 2 * n))
    d = (q - n) * scale
    return odd, (d, -d * (1 / (p + 2 * n - 1) + 1 / (p + 2 * n)), scale)


def _advance(values, derivs, term):
    """The next convergent's numerator and denominator terms from the last two, with their
    derivatives; all divided by the new denominator (the recurrences are linear: the ratios stay
    exact and the terms finite)."""
    a0, a1, b0, b1 = values
    d, *dd = term
    a2, b2 = a1 + d * a0, b1 + d * b0
    s = 1 / fnp.where(b2 == 0, 1e-300, b2)
    derivs = tuple((da1 * s, (da1 + c * a0 + d * da0) * s, db1 * s, (db1 + c * b0 + d * db0) * s)
                   for c, (da0, da1, db0, db1) in zip(dd, derivs))
    return (a1 * s, a2 * s, b1 * s, b2 * s), derivs


def _fraction(p, q, y):
    """f and its derivatives in p and q (float64 arrays of one shape, inside the domain)."""
    zero, one = fnp.zeros_like(y), fnp.ones_like(y)

    def body(state):
        m, (out, _), values, derivs = state
        for term in _terms(m, p, q, y):
            values, derivs = _advance(values, derivs, term)
        # f = A / B and f' = (A' B - A B') / B**2, with B = 1 after the division
        new = (values[1], *(da1 - values[1] * db1 for _, da1, _, db1 in derivs))
        return m + 1, (new, out), values, derivs

    def moving(out, before):
        """Where the value or a derivative still changes (a derivative near 0 to within eps |f|)."""
        f = fnp.abs(out[0])
        m0, m1, m2 = (fnp.abs(o - b) > _EPS * (fnp.abs(o) + f) for o, b in zip(out, before))
        return m0 | m1 | m2

    def cond(state):
        m, (out, before), _, _ = state
        return (m < _MAX_TERMS // 2) & fnp.any(moving(out, before))

    first = (one, zero, zero)  # f = A_1 / B_1 = 1, before the first d
    start = (0, (first, (fnp.full_like(y, fnp.inf), zero, zero)), (zero, one, one, one), ((zero,) * 4,) * 2)
    _, (out, before), _, _ = while_loop(cond, body, start)
    return tuple(fnp.where(moving(out, before), fnp.nan, o) for o in out)


def grads(a, b, x):
    """(d/da, d/db) of betainc(a, b, x), float64, broadcast."""
    a, b, x = fnp.broadcast_arrays(a, b, x)
    swap = x > (a + 1) / (a + b + 2)
    inside = (a > 0) & (b > 0) & fnp.isfinite(a) & fnp.isfinite(b) & (x > 0) & (x < 1)
    p, q = fnp.where(inside, fnp.where(swap, b, a), 1.0), fnp.where(inside, fnp.where(swap, a, b), 1.0)
    y = fnp.where(inside, fnp.where(swap, 1 - x, x), 0.25)
    f, f_p, f_q = _fraction(p, q, y)
    front = fnp.exp(p * fnp.log(y) + q * fnp.log1p(-y) - fnp.log(p) - betaln(p, q))
    both = digamma(p + q)
    j_p = front * (f * (fnp.log(y) - 1 / p - digamma(p) + both) + f_p)
    j_q = front * (f * (fnp.log1p(-y) - digamma(q) + both) + f_q)
    # I_x(a, b) = 1 - J(b, a, 1 - x) where swapped; constant (0 or 1) at x = 0 and x = 1
    da, db = fnp.where(swap, -j_q, j_p), fnp.where(swap, -j_p, j_q)
    edge = (a > 0) & (b > 0) & ((x == 0) | (x == 1))
    return tuple(fnp.where(inside, g, fnp.where(edge, 0.0, fnp.nan)) for g in (da, db))


def _jvp(primals, tangents):
    """betainc's jvp: the loop runs once for the derivatives in a and b together."""
    a, b, x = primals
    ans = E.betainc_p.bind(a, b, x)
    if not differentiable(ans.aval):
        return ans, Zero(ans.aval)
    ta, tb, tx = tangents
    terms = []
    if ta.__class__ is not Zero or tb.__class__ is not Zero:
        derivs = grads(*(convert(v, dtypes.float64, v.weak) for v in primals))
        terms += [t * convert(g, ans.dtype, ans.weak) for t, g in zip((ta, tb), derivs) if t.__class__ is not Zero]
    if tx.__class__ is not Zero:
        terms.append(tx * _beta_density(a, b, x))
    out = Zero(ans.aval)
    for term in terms:
        out = add_tangents(out, broadcast_tangent(term, ans.aval))
    return ans, out


jvp_rules[E.betainc_p] = _jvp
