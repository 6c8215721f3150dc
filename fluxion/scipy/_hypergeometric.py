"""Kummer's confluent hypergeometric function M(a, b, x) = 1F1(a; b; x) of fluxion.scipy.special.hyp1f1,
for real a, b and x, computed in float64.

x < 0 is carried to y = -x > 0 by Kummer's transformation M(a, b, x) = e**x M(b - a, b, -x), so the
branches below see y = |x| and c = a or b - a:

- the power series sum over k of (c)_k / (b)_k y**k / k!, a loop of 1500 terms, whose terms are
  positive from k > -c on: it serves where it has converged (its last term below eps of the sum, the
  next ratios below 1/2), has not overflowed, and where the sum of the terms' moduli is at most 300
  times the sum's, so that cancellation costs no more than that many ulps (up to 10**4 times, some
  ten thousand ulps, for y < 30 where nothing else serves: near a zero of M);
- elsewhere, for y >= 30, the asymptotic expansion (DLMF 13.7.2) Gamma(b) [e**y y**(c - b) / Gamma(c) S1
  + cos(pi c) y**(-c) / Gamma(b - c) S2] with S1 = sum (b - c)_k (1 - c)_k / (k! y**k) and S2 = sum
  (c)_k (c - b + 1)_k / (k! (-y)**k), 80 terms each, where the rounding of their terms and their last
  terms, weighted by their factors, stay below 100 ulps of the result; for x < 0 the factor e**x is
  folded into the exponents, so nothing overflows that the result does not;
- for c < 0, where the series' terms alternate, the recurrence in a (DLMF 13.3.1), a loop of 1500 steps
  down from M(c0) and M(c0 - 1) at c's fractional part c0 in (0, 1], whose series cancel little: it
  keeps most of the digits that c's own series loses, and serves where the solutions it combines
  cancel no more than 300 times (to some 1e-12 relative, the rounding of the starting series' terms).

A polynomial (a = -n, n < 1500, and b no pole or one below a, as SciPy) is its series in x itself (Kummer's
series need not stop before a pole b), where that keeps its digits or for x < 0; otherwise, for x > 0,
the recurrence, whatever its error (so is e**x times one, b - a = -n for x < 0).

Other elements that no branch serves are NaN: rather no value than a wrong one. dM/dx =
(a / b) M(a + 1, b + 1, x), given by `custom_jvp` with the derivatives in a and b, series of their own
(`_kummer_parameters.py`).
"""
from __future__ import annotations

import math

import numpy as np

from ..control import fori_loop
from ..control.loops import staged_when_eager
from ..core.array import Array
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._util import broadcast_shapes
from ..transforms.autodiff.custom import custom_jvp
from ._gamma import _gammasgn, _pole
from ._kummer_parameters import parameter_derivatives
from ._util import _c, _in_float64, _is_nan, _where

# the series' length, the most cancellation it may suffer (sum of moduli over modulus of the sum), the
# asymptotic series' length, the y from which they are tried, and the cancellation they may suffer
_COUNT, _CANCELLATION, _ASYMPTOTIC_COUNT, _ASYMPTOTIC_FROM = 1500, 300.0, 80, 30.0
_ASYMPTOTIC_CANCELLATION = 100.0  # the error bound, in ulps of the result
_NEAR_ZERO_CANCELLATION = 1e4  # the most cancellation accepted where nothing else serves (near a zero of M)


def _series(c: Array, b: Array, y: Array) -> tuple[Array, Array, Array, Array]:
    """The power series of M(c, b, y) for y >= 0, whether it is accurate, whether it is as
    accurate as a value near a zero of M can be (its terms' digits, not the value's), and the sum of
    its terms' moduli (inf where it has not converged)."""
    count, cancellation = _COUNT, _CANCELLATION
    one = _c(1, y)

    def term(k, state):
        t, total, moduli = state
        kf = convert(k, y.dtype)
        up = E.mul_p.bind(E.add_p.bind(c, kf), y)
        # from a zero term on (a polynomial) nothing more, not even 0 / 0 where b + k = 0
        zero = _c(0, y)
        t = _where(E.or_p.bind(E.eq_p.bind(t, zero), E.eq_p.bind(up, zero)), zero,
                   E.mul_p.bind(t, E.div_p.bind(up, E.mul_p.bind(E.add_p.bind(b, kf), E.add_p.bind(kf, one)))))
        return t, E.add_p.bind(total, t), E.add_p.bind(moduli, E.abs_p.bind(t))

    ones = S.broadcast_to(one, y.shape)
    t, total, moduli = fori_loop(0, count, term, (ones, ones, ones))
    eps = float(np.finfo(y.dtype).eps)
    size = E.abs_p.bind(total)
    # the terms from `count` on shrink by at least 1/2 each: their sum is below the last one
    shrinking = E.lt_p.bind(E.abs_p.bind(E.mul_p.bind(E.add_p.bind(c, _c(count, c)), y)),
                            E.mul_p.bind(E.add_p.bind(b, _c(count, b)), _c(0.5 * (count + 1), b)))
    converged = E.and_p.bind(shrinking, E.le_p.bind(E.abs_p.bind(t), E.mul_p.bind(size, _c(eps / 2, y))))
    converged = E.and_p.bind(converged, E.is_finite_p.bind(moduli))
    ok, near_zero = (E.and_p.bind(converged, E.le_p.bind(moduli, E.mul_p.bind(size, _c(most, y))))
                     for most in (cancellation, _NEAR_ZERO_CANCELLATION))
    return total, ok, near_zero, _where(converged, moduli, _c(np.inf, y))


def _asymptotic_sum(p: Array, q: Array, v: Array, count: int) -> tuple[Array, Array]:
    """sum over k < count of (p)_k (q)_k / k! v**k, and a bound of its error: the rounding of its
    terms (eps times the sum of their moduli) and the last term, which bounds the truncation."""
    t, total, moduli = _c(1, v), _c(1, v), _c(1, v)
    for k in range(count - 1):
        t = E.mul_p.bind(t, E.mul_p.bind(E.mul_p.bind(E.add_p.bind(p, _c(k, p)), E.add_p.bind(q, _c(k, q))),
                                         E.mul_p.bind(v, _c(1 / (k + 1), v))))
        total = E.add_p.bind(total, t)
        moduli = E.add_p.bind(moduli, E.abs_p.bind(t))
    eps = float(np.finfo(v.dtype).eps)
    return total, E.add_p.bind(E.mul_p.bind(moduli, _c(eps, v)), E.abs_p.bind(t))


def _signed_exp(log_size: Array, sign: Array) -> Array:
    """sign * exp(log_size), 0 where sign is 0 (a pole of the gamma function in a denominator)."""
    zero = E.eq_p.bind(sign, _c(0, sign))
    return _where(zero, _c(0, sign), E.mul_p.bind(sign, E.exp_p.bind(_where(zero, _c(0, log_size), log_size))))


def _reciprocal_sign(x: Array) -> Array:
    """The sign of 1 / Gamma(x): 0 at the poles."""
    return _where(_pole(x), _c(0, x), _gammasgn(x))


def _asymptotic(c: Array, b: Array, y: Array, positive: Array) -> tuple[Array, Array]:
    """The expansion of e**(x + y) M(c, b, y) for large y (x = y where `positive`, else -y), and
    whether both its series have converged."""
    count = _ASYMPTOTIC_COUNT
    inv = E.div_p.bind(_c(1, y), y)
    one = _c(1, y)
    s1, err1 = _asymptotic_sum(E.sub_p.bind(b, c), E.sub_p.bind(one, c), inv, count)
    s2, err2 = _asymptotic_sum(c, E.add_p.bind(E.sub_p.bind(c, b), one), E.neg_p.bind(inv), count)
    log_y = E.log_p.bind(y)
    lg_b = E.lgamma_p.bind(b)
    zero = _c(0, y)
    # Gamma(b) e**y y**(c - b) / Gamma(c) (e**y only where x > 0)
    log1 = E.add_p.bind(E.sub_p.bind(lg_b, E.lgamma_p.bind(_where(_pole(c), one, c))),
                        E.add_p.bind(E.mul_p.bind(E.sub_p.bind(c, b), log_y), _where(positive, y, zero)))
    bc = E.sub_p.bind(b, c)
    # Gamma(b) cos(pi c) y**(-c) / Gamma(b - c) (e**-y only where x < 0)
    log2 = E.sub_p.bind(E.sub_p.bind(lg_b, E.lgamma_p.bind(_where(_pole(bc), one, bc))),
                        E.add_p.bind(E.mul_p.bind(c, log_y), _where(positive, zero, y)))
    sign_b = _gammasgn(b)
    front1 = _signed_exp(log1, E.mul_p.bind(sign_b, _reciprocal_sign(c)))
    cos = E.cos_p.bind(E.mul_p.bind(E.sub_p.bind(c, E.round_p.bind(c)), _c(math.pi, c)))  # cos(pi c), c reduced
    cos = _where(E.eq_p.bind(E.rem_p.bind(E.round_p.bind(c), _c(2, c)), zero), cos, E.neg_p.bind(cos))
    front2 = E.mul_p.bind(_signed_exp(log2, E.mul_p.bind(sign_b, _reciprocal_sign(bc))), cos)
    out = E.add_p.bind(E.mul_p.bind(front1, s1), E.mul_p.bind(front2, s2))
    # each series matters as much as its factor: one whose factor is exponentially small need not converge
    err = E.add_p.bind(E.mul_p.bind(E.abs_p.bind(front1), err1), E.mul_p.bind(E.abs_p.bind(front2), err2))
    bound = E.mul_p.bind(E.abs_p.bind(out), _c(_ASYMPTOTIC_CANCELLATION * float(np.finfo(y.dtype).eps), y))
    return out, E.le_p.bind(err, bound)


def _recurrence(c: Array, b: Array, y: Array, top: tuple[Array, Array], start: tuple[Array, Array]
                ) -> tuple[Array, Array]:
    """M(c, b, y) for -_COUNT < c < 0 by the recurrence in a (DLMF 13.3.1), (b - a) M(a - 1) =
    a M(a + 1) - (2a - b + y) M(a), down from M(c0) and M(c0 - 1) at c0 = c + 1 - ceil(c) in (0, 1], given
    with their series' sums of moduli as `top` and `start` (for b > 0 no step divides by 0; at c0 = 1,
    M(0) = 1 and the first step takes no M(1)); and the cancellation it suffers: for M = P M(c0) +
    Q M(c0 - 1), (|P| moduli(c0) + |Q| moduli(c0 - 1)) / |M|."""
    (top, top_moduli), (start, start_moduli) = top, start
    a0 = E.sub_p.bind(c, E.ceil_p.bind(c))  # c0 - 1
    n = E.sub_p.bind(a0, c)
    one, zero = _c(1, y), _c(0, y)

    def step(k, state):
        kf = convert(k, y.dtype)
        a = E.sub_p.bind(a0, kf)
        factor, divisor = E.add_p.bind(E.sub_p.bind(E.mul_p.bind(_c(2, y), a), b), y), E.sub_p.bind(b, a)
        more = E.lt_p.bind(kf, n)
        out = []
        for above, current in zip(state[::2], state[1::2]):
            below = E.div_p.bind(E.sub_p.bind(E.mul_p.bind(a, above), E.mul_p.bind(factor, current)), divisor)
            out += [_where(more, current, above), _where(more, below, current)]
        return tuple(out)

    # the values, and the solutions P and Q from (1, 0) and (0, 1)
    state = (top, start, S.broadcast_to(one, y.shape), S.broadcast_to(zero, y.shape),
             S.broadcast_to(zero, y.shape), S.broadcast_to(one, y.shape))
    _, out, _, p, _, q = fori_loop(0, _COUNT, step, state)
    moduli = E.add_p.bind(E.mul_p.bind(E.abs_p.bind(p), top_moduli), E.mul_p.bind(E.abs_p.bind(q), start_moduli))
    return out, E.div_p.bind(moduli, E.abs_p.bind(out))


@custom_jvp
def _hyp1f1(a: Array, b: Array, x: Array) -> Array:
    shape = broadcast_shapes("hyp1f1", a.shape, b.shape, x.shape)
    a, b, x = (S.broadcast_to(v, shape) for v in (a, b, x))
    zero, one = _c(0, x), _c(1, x)
    finite = E.and_p.bind(E.and_p.bind(E.is_finite_p.bind(a), E.is_finite_p.bind(b)), E.is_finite_p.bind(x))
    # a polynomial of degree n = -a below the series' length, where b is no pole or one beyond its last
    # term (as SciPy)
    polynomial = E.and_p.bind(E.and_p.bind(_pole(a), E.gt_p.bind(a, _c(-_COUNT, a))),
                              E.or_p.bind(E.not_p.bind(_pole(b)), E.ge_p.bind(a, b)))
    a_ok = _where(finite, a, one)
    b_ok = _where(E.and_p.bind(finite, E.or_p.bind(E.not_p.bind(_pole(b)), polynomial)), b, one)
    xs = _where(finite, x, zero)
    positive = E.ge_p.bind(xs, zero)
    y = E.abs_p.bind(xs)
    # (a polynomial's series is taken in x itself: Kummer's series need not stop before a pole b)
    direct = E.or_p.bind(positive, polynomial)
    c = _where(direct, a_ok, E.sub_p.bind(b_ok, a_ok))
    # the series of M(c), and of M(c0) and M(c0 - 1) that start the recurrence in a for c < 0
    below = E.sub_p.bind(c, E.ceil_p.bind(c))  # c0 - 1
    rows = [S.expand_dims(v, (0,)) for v in (c, E.add_p.bind(below, one), below)]
    stacked = (S.broadcast_to(v, (3,) + shape) for v in (b_ok, _where(polynomial, xs, y)))
    totals, oks, near_zeros, moduli = ([S.squeeze(S.slice_in_dim(v, i, i + 1), (0,)) for i in range(3)]
                                       for v in _series(S.concatenate(rows, 0), *stacked))
    total, series_ok, near_zero = totals[0], oks[0], near_zeros[0]
    # for c < 0 where the series cancels, the recurrence where it cancels no more than the series may; for
    # an integer c (a polynomial) whatever it cancels (its first step takes no M(1), which b may make inf)
    integer = E.eq_p.bind(below, zero)
    top = (_where(integer, zero, totals[1]), _where(integer, zero, moduli[1]))
    recurrence, cancellation = _recurrence(c, b_ok, y, top, (totals[2], moduli[2]))
    steps = E.and_p.bind(E.lt_p.bind(c, zero), E.gt_p.bind(c, _c(-_COUNT, c)))  # (the loop's length)
    recurrence_ok = E.and_p.bind(steps, E.or_p.bind(integer, E.le_p.bind(cancellation, _c(_CANCELLATION, y))))
    # Kummer's factor e**x, where x < 0 (no overflow: the series serves y below exp's range)
    series, recurrence = (_where(direct, v, E.mul_p.bind(v, E.exp_p.bind(xs))) for v in (total, recurrence))
    far = E.ge_p.bind(y, _c(_ASYMPTOTIC_FROM, y))
    y_far = _where(far, y, _c(_ASYMPTOTIC_FROM, y))
    asymptotic, asymptotic_ok = _asymptotic(c, b_ok, y_far, positive)
    use_asymptotic = E.and_p.bind(E.and_p.bind(far, asymptotic_ok), E.not_p.bind(series_ok))
    # near a zero of M the series cancels to a small result: it is still right to the digits of its terms
    fallback = _where(E.and_p.bind(near_zero, E.not_p.bind(far)), series, _c(np.nan, x))
    out = _where(series_ok, series, _where(use_asymptotic, asymptotic, _where(recurrence_ok, recurrence, fallback)))
    # a polynomial is its series where that keeps its digits, or for x < 0 (where its terms have one sign
    # for b > 0); else, for x > 0, where its terms alternate, it comes from the recurrence, whatever its error
    out = _where(polynomial, _where(E.or_p.bind(series_ok, E.le_p.bind(xs, zero)), total, recurrence), out)
    # 1 at x = 0 and a = 0
    out = _where(E.or_p.bind(E.eq_p.bind(x, zero), E.eq_p.bind(a, zero)), one, out)
    # the limits at x = +-inf: e**x x**(a - b) Gamma(b) / Gamma(a) and Gamma(b) / Gamma(b - a) |x|**-a
    # (0 or inf with the gamma functions' signs; NaN where they vanish)
    parameters = E.and_p.bind(E.is_finite_p.bind(a), E.is_finite_p.bind(b))
    a_p = _where(parameters, a, one)
    b_p = _where(E.and_p.bind(parameters, E.not_p.bind(_pole(b))), b, one)
    sign_b = _gammasgn(b_p)
    odd = _where(E.eq_p.bind(E.rem_p.bind(a_p, _c(2, x)), zero), one, _c(-1, x))  # (-1)**n for a = -n
    # the sign of Gamma(b) / Gamma(b - a); for a = -n and a pole b <= a, that of 1 / (b)_n, (-1)**n
    sign_down = _where(_pole(b), odd, E.mul_p.bind(sign_b, _reciprocal_sign(E.sub_p.bind(b_p, a_p))))
    # a = -n: the polynomial's leading term (-x)**n Gamma(b) / Gamma(b + n)
    sign_up = _where(_pole(a_p), E.mul_p.bind(odd, sign_down), E.mul_p.bind(sign_b, _reciprocal_sign(a_p)))
    inf = _c(np.inf, x)
    at_plus = _where(E.eq_p.bind(sign_up, zero), _c(np.nan, x), E.mul_p.bind(sign_up, inf))
    at_minus = _where(E.gt_p.bind(a, zero), zero,
                      _where(E.eq_p.bind(sign_down, zero), _c(np.nan, x), E.mul_p.bind(sign_down, inf)))
    infinite_x = E.and_p.bind(parameters, E.not_p.bind(E.is_finite_p.bind(x)))
    limits = _where(E.gt_p.bind(x, zero), at_plus, at_minus)
    out = _where(E.and_p.bind(infinite_x, E.ne_p.bind(a, zero)), limits, out)
    # b a pole of Gamma: inf as SciPy, unless the series stops before it
    out = _where(E.and_p.bind(_pole(b), E.not_p.bind(polynomial)), inf, out)
    # infinite a or b: NaN (as SciPy for a; SciPy gives 1 for b = inf, the limit for finite a and x)
    out = _where(E.is_finite_p.bind(a), out, _c(np.nan, x))
    out = _where(E.eq_p.bind(E.abs_p.bind(b), inf), _where(E.is_finite_p.bind(E.add_p.bind(a, x)), one, _c(np.nan, x)), out)
    return _where(E.or_p.bind(E.or_p.bind(_is_nan(a), _is_nan(b)), _is_nan(x)), _c(np.nan, x), out)


def _hyp1f1_dx(t: Array, out: Array, a: Array, b: Array, x: Array) -> Array:
    one = _c(1, x)
    return E.mul_p.bind(t, E.mul_p.bind(E.div_p.bind(a, b), _hyp1f1(E.add_p.bind(a, one), E.add_p.bind(b, one), x)))


_hyp1f1.defjvps(lambda t, out, a, b, x: t * parameter_derivatives(a, b, x)[0],
                lambda t, out, a, b, x: t * parameter_derivatives(a, b, x)[1], _hyp1f1_dx)


@staged_when_eager
def hyp1f1(a, b, x) -> Array:
    """Kummer's confluent hypergeometric function 1F1(a; b; x), the sum of (a)_k / (b)_k x**k / k!.

    Computed in float64 and rounded once. Guaranteed (to about 1e-13 relative) for 0 < b <= 50,
    |a| <= 50, |x| <= 700 where the terms of its series do not alternate: a >= 0 for x >= 0, a <= b
    for x < 0. Elsewhere (where 1F1 may have zeros, and for b < 0) a value is given only where the
    series, the asymptotic expansion or a recurrence in a bounds its own error (some hundred ulps;
    for the recurrence, to some 1e-12 relative); otherwise the result is NaN rather than a wrong value.
    Polynomials (a a non-positive integer) at every x, by the series or a recurrence in a, like SciPy's
    to some ulps where their terms cancel (more for b < 0).
    1 at x = 0 or a = 0; inf where b is a pole of the gamma function, unless a is an integer from b to 0
    (as SciPy: then the polynomial); the limits at x = +-inf.
    dM/dx = (a / b) 1F1(a + 1; b + 1; x); the derivatives in a and b are series of their own, given
    where those bound their error (within some 1e-13 relative where the terms above do not alternate);
    NaN where their terms cancel too much (as for large x > 0 with a < 0), where they overflow (|x| of
    some hundreds) and for b a non-positive integer. All of them are differentiable again.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.hyp1f1(1.0, 2.0, 1.0).item(), 6)
    1.718282
    >>> import fluxion as fx
    >>> [round(g.item(), 4) for g in fx.grad(fsp.hyp1f1, argnums=(0, 1))(1.0, 2.0, 1.0)]
    [0.8475, -0.4471]
    """
    # float64 throughout: no overflow of the series' terms where the result is finite
    return _in_float64("hyp1f1", _hyp1f1, a, b, x)
