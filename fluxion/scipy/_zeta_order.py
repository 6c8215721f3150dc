"""The derivative of the Hurwitz zeta function zeta(x, q) in its order x,
-sum over k >= 0 of log(k + q) (k + q)**-x, for x >= 1 and q > 0 (-inf at x = 1; NaN for x < 1,
where zeta is NaN, and for q <= 0, where (k + q)**-x has no real derivative in x).

It is Euler-Maclaurin's formula for zeta, with the first N = _HEAD terms summed and w = q + N,

    zeta(x, q) = sum over k < N of (k + q)**-x + w**(1 - x) / (x - 1) + w**-x / 2
                 + sum over j <= M of B_2j / (2j)! (x)_(2j-1) w**(1 - x - 2j),

differentiated in x term by term: d/dx (x)_(2j-1) = (x)_(2j-1) (1 / x + ... + 1 / (x + 2j - 2)).
With w >= 10 and M = 12 the remainder, about (x)_(2M+1) / (2 pi w)**(2M+1) of the tail, is below the
rounding of the result: by itself for x up to ~20, and beyond, where it grows, because the tail is
then negligible beside the first terms (by about (q / w)**x). The sum is a composition of fluxion
operations in float64, so that it is itself differentiable: the second derivative in x and the
mixed one in q are those of the formula, whose term with the pole at x = 1 has its derivatives
written out (the product rule lost the mixed one to cancellation there).
"""
from __future__ import annotations

import math

import numpy as np

from .. import numpy as fnp
from ..ops import elementwise as E
from ..ops._ad import defjvp
from ..transforms.autodiff.custom import custom_jvp
from ._exponential_integrals import _bernoulli
from ._util import _in_float64

_HEAD, _TERMS = 10, 12  # N and M above
# B_2j / (2j)! for j = 1 .. M
_COEFFICIENTS = tuple(float(b / math.factorial(2 * j)) for j, b in enumerate(_bernoulli(2 * _TERMS + 1)[2::2], 1))


def zeta_derivative(x, q):
    """d zeta(x, q) / dx elementwise, for float64 `x` and `q` (see the module's docstring)."""
    x, q = fnp.broadcast_arrays(x, q)
    inside = (x >= 1) & (q > 0)
    finite = inside & fnp.isfinite(x) & fnp.isfinite(q)
    xs, qs = fnp.where(finite, x, 2.0), fnp.where(finite, q, 1.0)  # finite where unused: no NaN flows back
    log_k = fnp.log(qs[..., None] + fnp.arange(_HEAD, dtype=fnp.float64))
    head = -fnp.sum(log_k * fnp.exp(-xs[..., None] * log_k), axis=-1)
    w = qs + _HEAD
    log_w = fnp.log(w)
    power = fnp.exp(-xs * log_w)  # w**-x
    tail = _pole_term(xs, w) - power * log_w / 2
    rising = xs * power / w  # (x)_(2j-1) w**(1 - x - 2j), from j = 1 on
    harmonic = 1 / xs  # 1 / x + ... + 1 / (x + 2j - 2)
    for j, c in enumerate(_COEFFICIENTS, 1):
        tail = tail + c * rising * (harmonic - log_w)
        step = xs + (2 * j - 1)
        rising = rising * (step / w) * ((step + 1) / w)  # (0, not 0 * inf, where w**-x underflows)
        harmonic = harmonic + (1 / step + 1 / (step + 1))
    # zeta is constant at x = inf (0, 1 or inf as q >, = or < 1; its derivative 0 or inf) and at q = inf
    edge = fnp.where((q < 1) & (x == np.inf), np.inf, 0.0)
    return fnp.where(inside, fnp.where(finite, head + tail, edge), np.nan)


@custom_jvp
def _pole_term(x, w):
    """d/dx of w**(1 - x) / (x - 1), the term of the formula with the pole at x = 1."""
    after = x - 1
    log_w = fnp.log(w)
    return -w * fnp.exp(-x * log_w) / after * (log_w + 1 / after)


@_pole_term.defjvp
def _pole_term_jvp(primals, tangents):
    # Written out, as a sum of terms of one sign: the product rule on the term's factors gave its
    # derivative in w (w**-x log w) as a difference of two terms of size w**-x / (x - 1), which near
    # the pole lost the mixed second derivative of zeta to cancellation.
    (x, w), (dx, dw) = primals, tangents
    after = x - 1
    log_w = fnp.log(w)
    power = fnp.exp(-x * log_w)  # w**-x
    in_x = w * power / after * (log_w * log_w + 2 * log_w / after + 2 / (after * after))
    return _pole_term(x, w), in_x * dx + power * log_w * dw  # (through itself: so are higher derivatives)


# zeta's rule (fluxion/ops has none: its derivative in x is this loop-free composition of fluxion.numpy)
defjvp(E.zeta_p, lambda t, ans, x, q: t * _in_float64("zeta", zeta_derivative, x, q),
       lambda t, ans, x, q: -(t * (x * E.zeta_p.bind(x + 1, q))))
