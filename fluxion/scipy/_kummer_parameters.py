"""The derivatives of Kummer's function M(a, b, x) = 1F1(a; b; x) in its parameters a and b.

Both are series over the terms t_k = (c)_k / (b)_k y**k / k! of M(c, b, y), y = |x| >= 0, with c = a
for x >= 0 and, for x < 0, Kummer's transformation M(a, b, x) = e**x M(b - a, b, -x) (c = b - a), whose
terms have one sign for k > -c: dM/da = e**x (-dM/dc) and dM/db = e**x (dM/dc + dM/db) there. The
derivatives of the terms follow from t_{k+1} = t_k r_k, r_k = (c + k) y / ((b + k)(k + 1)):

    dt_{k+1}/dc = (dt_k/dc (c + k) + t_k) y / ((b + k)(k + 1)),  dt_{k+1}/db = (dt_k/db - t_k / (b + k)) r_k,

which need no division by c + k, so the polynomials (a = -n, whose derivative in a is an infinite
series) need no case of their own. The loop runs until the terms left are below an ulp of the sums of
the moduli, at most 1500 steps. A derivative is given where its sum converged, is finite, and the
sum of its terms' moduli is at most 10**4 times |derivative| + |M| (its error stays below some ten
thousand ulps of that, as hyp1f1's near a zero of M); elsewhere (large |x| with terms of both signs,
sums that overflow for |x| of some hundreds, b a non-positive integer, an argument not finite) it is
NaN, rather than a wrong value.
The loop is made of fluxion operations, so the derivatives are themselves differentiable.
"""
from __future__ import annotations

import numpy as np

from .. import numpy as fnp
from ..control import while_loop
from ._gamma import _pole

_EPS = 2.0 ** -52
_MAX_TERMS, _CANCELLATION = 1500, 1e4


def _series(c, b, y):
    """The sums over k of t_k, dt_k/dc and dt_k/db of M(c, b, y) for y >= 0, the sums of their moduli,
    and whether they converged."""
    zero, one = fnp.zeros_like(y), fnp.ones_like(y)

    def moving(state):
        k, t, tc, tb, _, _, _, moduli, moduli_c, moduli_b = state
        # past the sign changes of c + k and b + k, with ratios of at most 1/2 from here on
        settled = (k > -c) & (k > -b) & (fnp.abs((c + k) * y) <= (b + k) * (k + 1) / 2)
        small = ((fnp.abs(t) <= _EPS / 8 * moduli) & (fnp.abs(tc) <= _EPS / 8 * moduli_c)
                 & (fnp.abs(tb) <= _EPS / 8 * moduli_b))
        return ~(settled & small) & fnp.isfinite(moduli_c + moduli_b)

    def body(state):
        k, t, tc, tb, total, total_c, total_b, moduli, moduli_c, moduli_b = state
        down = (b + k) * (k + 1)
        ratio = (c + k) * y / down
        t, tc, tb = t * ratio, (tc * (c + k) + t) * y / down, (tb - t / (b + k)) * ratio
        return (k + 1, t, tc, tb, total + t, total_c + tc, total_b + tb,
                moduli + fnp.abs(t), moduli_c + fnp.abs(tc), moduli_b + fnp.abs(tb))

    start = (0, one, zero, zero, one, zero, zero, one, zero, zero)
    state = while_loop(lambda s: (s[0] < _MAX_TERMS) & fnp.any(moving(s)), body, start)
    return state[4:], ~moving(state) & fnp.isfinite(state[8] + state[9])


def _accurate(moduli, total, value):
    return moduli <= _CANCELLATION * (fnp.abs(total) + fnp.abs(value))


def parameter_derivatives(a, b, x):
    """(dM/da, dM/db) of M(a, b, x) elementwise, for float64 arrays (see the module's docstring)."""
    a, b, x = fnp.broadcast_arrays(a, b, x)
    inside = fnp.isfinite(a) & fnp.isfinite(b) & fnp.isfinite(x) & ~_pole(b)
    a, b, x = fnp.where(inside, a, 1.0), fnp.where(inside, b, 1.0), fnp.where(inside, x, 0.0)
    positive = x >= 0
    c = fnp.where(positive, a, b - a)
    (total, total_c, total_b, moduli, moduli_c, moduli_b), converged = _series(c, b, fnp.where(positive, x, -x))
    factor = fnp.exp(fnp.where(positive, 0.0, x))  # Kummer's e**x where x < 0
    in_b = fnp.where(positive, total_b, total_c + total_b)
    da_ok = _accurate(moduli_c, total_c, total)
    db_ok = _accurate(fnp.where(positive, moduli_b, moduli_c + moduli_b), in_b, total)
    ok = inside & converged
    da = factor * fnp.where(positive, total_c, -total_c)
    return fnp.where(ok & da_ok, da, np.nan), fnp.where(ok & db_ok, factor * in_b, np.nan)
