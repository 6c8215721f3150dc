"""Gauss's hypergeometric function F(a, b; c; x) = 2F1(a, b; c; x) of fluxion.scipy.special.hyp2f1, for
real a, b, c and x, computed in float64.

x < 0 is carried into z = x / (x - 1) in [0, 1) by Pfaff's transformation F(a, b; c; x) = (1 - x)**-a
F(a, c - b; c; z), so that what follows sees F(p, q; c; z) with 0 <= z < 1 (or z = x >= 1, where only
a polynomial has a real value) and w = 1 - z (1 / (1 - x) for x < 0, exact for 1/2 <= x <= 1). Up to six
candidates are computed for each element, and the one with the smallest bound of its own error is
taken where that bound is below 1e-9 of the result (NaN elsewhere: rather no value than a wrong one).
The bounds are worst cases: where every candidate cancels (large parameters, near a zero of F) the
error is mostly 20 to 100 times below its bound, and elsewhere the bound is about 1e-15.

- for x < 0 also the power series in x itself (polynomials, small |x|);
- the power series sum over k of (p)_k (q)_k / ((c)_k k!) z**k, a loop of 1500 terms;
- Euler's transformation (1 - z)**(c - p - q) F(c - p, c - q; c; z), whose terms may not alternate
  where those of the first do (with Pfaff's, the other Pfaff transformation for x < 0);
- for s = c - p - q not an integer, the connection to w (DLMF 15.8.4): Gamma(c) Gamma(s) /
  (Gamma(c - p) Gamma(c - q)) F(p, q; 1 - s; w) + w**s Gamma(c) Gamma(-s) / (Gamma(p) Gamma(q))
  F(c - p, c - q; 1 + s; w), whose two series are evaluated in the same loop as the first two;
- for s an integer (after Euler's transformation, m = |s|), the limit of that connection (DLMF 15.8.10):
  a finite sum of m terms and a series in w with logarithms and digamma functions, 300 terms; also
  for s within 1e-9 of an integer, with the distance's effect added to the error bound;
- for x < -1, the connection to 1 / x (DLMF 15.8.2) of F, or for c - a - b < 0 of Euler's transformation
  of F, in a loop of its own of 100 terms: where a and b are large of one sign and c of the other, every
  series in z or w cancels and these do not.

A series' error bound is its rounding (eps times the sum of its terms' moduli, each weighted by the
number of roundings in it) plus its tail, bounded by a geometric series from the last term; the
factors' bound adds eps times the size of the logarithms they are exponentials of. Parameters computed
from a, b and c (c - a, 1 - s, ...) carry bounds of their rounding (exact, by Knuth's two-sum), which
near a pole of a gamma function or of a series' terms (a non-positive integer) moves them by
rounding / distance relative: without it, near-integer parameters give confident wrong values. At x = 1 the Gauss
sum Gamma(c) Gamma(s) / (Gamma(c - a) Gamma(c - b)) for s > 0 (for s <= 0 infinite with the sign of
Gamma(c) / (Gamma(a) Gamma(b)), as SciPy).

A polynomial (a or b = -n, n < 1500, and c no pole or one below it, as SciPy) where no bound is met (at a
zero of it, say) is the candidate with the smallest absolute bound (its power series in x is one,
whatever its cancellation), or at x = 1 the Gauss sum (Chu-Vandermonde) where c and s are no poles;
where c is a pole it is always its series in x, as the transformations' series there stop where their
limit in c does not (their terms are 0 / 0). The connection to w is no candidate where both its terms
are 0 (s is then an integer, though its rounding may hide that).

dF/dx = (a b / c) F(a + 1, b + 1; c + 1; x), given by `custom_jvp`; there is no derivative in a, b, c.
"""
from __future__ import annotations

import numpy as np

from ..control import fori_loop
from ..control.loops import staged_when_eager
from ..core.array import Array
from ..numpy._convert import convert
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._util import broadcast_shapes
from ..ops.elementwise_rules import _not_differentiable
from ..transforms.autodiff.custom import custom_jvp
from ._gamma import _gammasgn, _pole
from ._hypergeometric import _reciprocal_sign, _signed_exp
from ._util import _c, _in_float64, _is_nan, _where

# the lengths of the power series and of the logarithmic series, the error bound accepted (relative)
_COUNT, _LOG_COUNT, _TOLERANCE = 1500, 300, 1e-9
# the length of the series in 1 / x (x < -1): enough from x = -1.5 on, and nearer -1 the connection to
# 1 - x serves (a longer loop would cost more than the few elements it gains)
_RECIPROCAL_COUNT = 100
_EULER = 0.5772156649015329


def _add(*xs: Array) -> Array:
    out = xs[0]
    for x in xs[1:]:
        out = E.add_p.bind(out, x)
    return out


def _mul(*xs: Array) -> Array:
    out = xs[0]
    for x in xs[1:]:
        out = E.mul_p.bind(out, x)
    return out


def _tail(last: Array, ratio: Array) -> Array:
    """A bound of the sum of the terms after `last`, which shrink by at most `ratio` each (0 after a 0)."""
    converging = E.lt_p.bind(ratio, _c(1, ratio))
    r = _where(converging, ratio, _c(0.5, ratio))
    bound = _where(converging, E.div_p.bind(_mul(E.abs_p.bind(last), r), E.sub_p.bind(_c(1, r), r)),
                   _c(np.inf, r))
    return _where(E.eq_p.bind(last, _c(0, last)), _c(0, last), bound)


def _series(p: Array, q: Array, r: Array, z: Array, rounded: Array, count: int) -> tuple[Array, Array]:
    """The power series of F(p, q; r; z) to `count` terms, and a bound of its error, where the rounding of
    p, q and r changes each term by up to `rounded` eps relative (see _rounding_near_poles)."""
    one, zero = _c(1, z), _c(0, z)

    def term(k, state):
        t, total, weighted = state
        kf = convert(k, z.dtype)
        up = _mul(E.add_p.bind(p, kf), E.add_p.bind(q, kf), z)
        step = E.div_p.bind(up, _mul(E.add_p.bind(r, kf), E.add_p.bind(kf, one)))
        # from a zero term on (a polynomial) nothing more, not even 0 / 0 where r + k = 0
        t = _where(E.or_p.bind(E.eq_p.bind(t, zero), E.eq_p.bind(up, zero)), zero, E.mul_p.bind(t, step))
        # a term rounded k times is off by about sqrt(k) eps (the roundings are independent)
        return t, E.add_p.bind(total, t), E.add_p.bind(weighted, _mul(E.abs_p.bind(t), E.add_p.bind(E.sqrt_p.bind(kf), _c(2, z))))

    ones = S.broadcast_to(one, z.shape)
    t, total, weighted = fori_loop(0, count, term, (ones, ones, ones))
    # from term `count` on, the ratios are at most |z| (N + |p|)(N + |q|) / (N (N - |r|))
    n = float(count)
    grow = E.div_p.bind(_mul(E.add_p.bind(E.abs_p.bind(p), _c(n, z)), E.add_p.bind(E.abs_p.bind(q), _c(n, z)), E.abs_p.bind(z)),
                        E.mul_p.bind(E.max_p.bind(E.sub_p.bind(_c(n, z), E.abs_p.bind(r)), _c(1, z)), _c(n, z)))
    eps = float(np.finfo(z.dtype).eps)
    return total, E.add_p.bind(_mul(weighted, _c(eps, z), E.add_p.bind(rounded, one)), _tail(t, grow))


def _stacked_series(rows: list[list[Array]], count: int) -> list[tuple[Array, Array]]:
    """_series of each row (p, q, r, z, rounded) of the same shape, in one loop."""
    args = [S.concatenate([S.expand_dims(row[i], (0,)) for row in rows], 0) for i in range(5)]
    sums, errs = _series(*args, count)
    return [tuple(S.squeeze(S.slice_in_dim(v, i, i + 1), (0,)) for v in (sums, errs)) for i in range(len(rows))]


def _tracked_series(rows: list[tuple[list[tuple[Array, Array]], Array]], count: int) -> list[tuple[Array, Array]]:
    """_stacked_series of rows ([p, q, r] as (value, rounding error) pairs, z), with the effect of that
    rounding near poles."""
    return _stacked_series([[v for v, _ in params] + [z, _rounding_near_poles(params, _cut_off(params[2][0]))]
                            for params, z in rows], count)


def _cut_off(r: Array) -> Array:
    """The relative size of the terms that a p or q rounded onto a pole cuts off, per unit of its rounding:
    about the series' own, but unbounded where r is near a pole (the terms cut off pass it, growing by
    1 / distance, and keep growing after it)."""
    inverse, pole_side = _inverse_distance(r)
    return _where(E.and_p.bind(pole_side, E.gt_p.bind(inverse, _c(8, r))), _c(np.inf, r), _c(8, r))


def _log_gamma_ratio(up: list[Array], down: list[Array]) -> tuple[Array, Array, Array]:
    """log|prod Gamma(up) / prod Gamma(down)|, its sign (0 where a `down` is a pole) and eps times the
    sum of the logarithms' sizes (the relative error of its exponential). No `up` may be a pole."""
    log, sign, size = None, None, None
    for x, s in [(x, 1) for x in up] + [(x, -1) for x in down]:
        pole = _pole(x)
        lg = E.lgamma_p.bind(_where(pole, _c(1, x), x))
        sg = _gammasgn(x) if s == 1 else _reciprocal_sign(x)
        lg = lg if s == 1 else E.neg_p.bind(lg)
        log = lg if log is None else E.add_p.bind(log, lg)
        sign = sg if sign is None else E.mul_p.bind(sign, sg)
        a = E.add_p.bind(E.abs_p.bind(lg), _c(0.5, x))
        size = a if size is None else E.add_p.bind(size, a)
    return log, sign, size


def _times_power(ratio: tuple[Array, Array, Array], power: Array, log: Array) -> tuple[Array, Array, Array]:
    """A _log_gamma_ratio times exp(log)**power."""
    log_ratio, sign, size = ratio
    term = E.mul_p.bind(power, log)
    return E.add_p.bind(log_ratio, term), sign, E.add_p.bind(size, E.abs_p.bind(term))


def _plus(x: tuple[Array, Array], y: tuple[Array, Array]) -> tuple[Array, Array]:
    """x + y for pairs (a parameter computed from a, b and c, a bound of its rounding error), adding the
    sum's own rounding error, which Knuth's two-sum gives exactly (0 where the sum is exact)."""
    (xv, xe), (yv, ye) = x, y
    total = E.add_p.bind(xv, yv)
    back = E.sub_p.bind(total, xv)
    own = E.add_p.bind(E.sub_p.bind(xv, E.sub_p.bind(total, back)), E.sub_p.bind(yv, back))
    return total, _add(xe, ye, E.abs_p.bind(own))


def _minus(x: tuple[Array, Array]) -> tuple[Array, Array]:
    return E.neg_p.bind(x[0]), x[1]


def _pick(which: Array, x: tuple[Array, Array], y: tuple[Array, Array]) -> tuple[Array, Array]:
    return _where(which, x[0], y[0]), _where(which, x[1], y[1])


def _inverse_distance(v: Array) -> tuple[Array, Array]:
    """1 / the distance of v to the nearest non-positive integer (inf on one), and where that is one."""
    n = E.round_p.bind(v)
    distance = E.abs_p.bind(E.sub_p.bind(v, n))
    return E.div_p.bind(_c(1, v), distance), E.le_p.bind(n, _c(0, v))


def _rounding_near_poles(params: list[tuple[Array, Array]], stopping: Array | None = None) -> Array:
    """Over eps, a bound of the relative error that the rounding of parameters (value, error) makes in the
    gamma function of each, or in the series' terms beyond a factor (value + n): error / distance where a
    value is near a pole (a non-positive integer), counted from distance 1/8 on (farther, it is of the size
    the bounds of the terms' own rounding allow for). On a pole that only the rounding reached, inf for a
    gamma function or a series' r (infinite in the computation, not in truth); for a series' p and q, whose
    terms stop there, error times `stopping`, the relative size of the terms cut off per unit of it."""
    total = None
    for i, (v, err) in enumerate(params):
        eps, zero = _c(float(np.finfo(v.dtype).eps), v), _c(0, v)
        inverse, pole_side = _inverse_distance(v)
        on_pole = E.eq_p.bind(inverse, _c(np.inf, v))
        factor = E.max_p.bind(E.sub_p.bind(_where(on_pole, zero, inverse), _c(8, v)), zero)
        if stopping is not None and i < 2:
            factor = _where(on_pole, stopping, factor)
        else:
            factor = _where(on_pole, _c(np.inf, v), factor)
        rounded = E.and_p.bind(pole_side, E.gt_p.bind(err, zero))
        term = _where(rounded, E.mul_p.bind(E.div_p.bind(err, eps), factor), zero)
        total = term if total is None else E.add_p.bind(total, term)
    return total


def _near_pole(d: Array, parts: list[Array]) -> Array:
    """The relative error of Gamma(+-d), over eps, where d = a difference of `parts` is near an integer: its
    rounding, eps (sum of |parts|) / 2, relative to its distance to the integer."""
    rounding = _mul(_add(*(E.abs_p.bind(v) for v in parts)), _c(0.5, d))
    return E.div_p.bind(rounding, E.abs_p.bind(E.sub_p.bind(d, E.round_p.bind(d))))


def _connection(halves: list[tuple[Array, ...]], near: Array, pre: Array, valid: Array) -> tuple[Array, Array]:
    """The sum over `halves` (log, sign, size of a _log_gamma_ratio, a series and its error) of
    sign exp(log + pre) series, and a bound of its error (inf where not `valid`). Where both halves are 0
    (poles in both denominators) the difference of parameters was an integer in truth, which its rounding
    hid: the connection says nothing there; nor where a bound is NaN (0 times the inf of a pole that only
    rounding reached)."""
    eps = _c(float(np.finfo(pre.dtype).eps), pre)
    value, bound, degenerate = _c(0, pre), _c(0, pre), E.eq_p.bind(pre, pre)
    for log, sign, size, total, err in halves:
        front = _signed_exp(E.add_p.bind(log, pre), sign)
        value = E.add_p.bind(value, E.mul_p.bind(front, total))
        sizes = _add(size, near, E.abs_p.bind(pre))
        own = E.add_p.bind(err, _mul(E.abs_p.bind(total), eps, sizes))
        bound = E.add_p.bind(bound, E.mul_p.bind(E.abs_p.bind(front), own))
        degenerate = E.and_p.bind(degenerate, E.eq_p.bind(sign, _c(0, sign)))
    usable = E.and_p.bind(E.and_p.bind(valid, E.not_p.bind(degenerate)), E.not_p.bind(_is_nan(bound)))
    return value, _where(usable, bound, _c(np.inf, pre))


def _reciprocal_connection(a: Array, b: Array, c: Array, x: Array, log_1mx: Array) -> tuple[Array, Array]:
    """F(a, b; c; x) for x < -1 by the connection to 1 / x (DLMF 15.8.2), of F itself for c - a - b >= 0 and
    of Euler's transformation (1 - x)**(c - a - b) F(c - a, c - b; c; x) otherwise (whose series then cancel
    less: their parameters are the smaller), and a bound of its error (inf elsewhere):
    Gamma(c) Gamma(b - a) / (Gamma(b) Gamma(c - a)) (-x)**-a F(a, a - c + 1; a - b + 1; 1 / x) + (a <-> b)."""
    zero, one = _c(0, x), _c(1, x)
    beyond = E.lt_p.bind(x, _c(-1, x))
    s = E.sub_p.bind(E.sub_p.bind(c, a), b)
    euler = E.and_p.bind(beyond, E.lt_p.bind(s, zero))
    exact_a, exact_b, exact_c, exact_1 = (a, zero), (b, zero), (c, zero), (one, zero)
    u = _pick(euler, _plus(exact_c, _minus(exact_a)), exact_a)
    v = _pick(euler, _plus(exact_c, _minus(exact_b)), exact_b)
    d = _plus(u, _minus(v))
    valid = E.and_p.bind(beyond, E.ne_p.bind(E.round_p.bind(d[0]), d[0]))
    d = _pick(valid, d, (_c(0.5, x), zero))
    x_b = _where(beyond, x, _c(-2, x))
    y, log_mx = E.div_p.bind(one, x_b), E.log_p.bind(E.neg_p.bind(x_b))
    rows = [([u, _plus(_plus(u, _minus(exact_c)), exact_1), _plus(exact_1, d)], y),
            ([v, _plus(_plus(v, _minus(exact_c)), exact_1), _plus(exact_1, _minus(d))], y)]
    (f_u, e_u), (f_v, e_v) = _tracked_series(rows, _RECIPROCAL_COUNT)
    cu, cv = _plus(exact_c, _minus(u)), _plus(exact_c, _minus(v))
    halves = [_times_power(_log_gamma_ratio([c, E.neg_p.bind(d[0])], [v[0], cu[0]]), E.neg_p.bind(u[0]), log_mx)
              + (f_u, e_u),
              _times_power(_log_gamma_ratio([c, d[0]], [u[0], cv[0]]), E.neg_p.bind(v[0]), log_mx) + (f_v, e_v)]
    pre = _where(euler, E.mul_p.bind(s, log_1mx), zero)
    near = E.add_p.bind(_near_pole(d[0], [u[0], v[0], c]), _rounding_near_poles([u, v, cu, cv]))
    return _connection(halves, near, pre, valid)


def _logarithmic(p: Array, q: Array, m: Array, w: Array, log_w: Array) -> tuple[Array, Array]:
    """F(p, q; p + q + m; 1 - w) for an integer m >= 0 (DLMF 15.8.10), p and q not poles, 0 < w <= 1/2,
    and a bound of its error:
    Gamma(m) Gamma(c) / (Gamma(p + m) Gamma(q + m)) sum_{n < m} (p)_n (q)_n / (n! (1 - m)_n) w**n
    - (-w)**m Gamma(c) / (Gamma(p) Gamma(q)) sum_n (p + m)_n (q + m)_n / (n! (n + m)!) w**n L_n,
    L_n = log w - psi(n + 1) - psi(n + m + 1) + psi(p + m + n) + psi(q + m + n)."""
    count = _LOG_COUNT
    one, zero = _c(1, w), _c(0, w)
    pm, qm = E.add_p.bind(p, m), E.add_p.bind(q, m)

    def term(k, state):
        u, fin, fin_w, v, inf_sum, inf_w, psi_p, psi_q, h_n, h_nm = state
        kf = convert(k, w.dtype)
        k1 = E.add_p.bind(kf, one)
        # the finite sum's term n = k is u (0 from n = m on)
        fin = E.add_p.bind(fin, u)
        fin_w = E.add_p.bind(fin_w, _mul(E.abs_p.bind(u), E.add_p.bind(E.sqrt_p.bind(kf), _c(2, w))))
        below = E.lt_p.bind(k1, m)
        u_step = E.div_p.bind(_mul(E.add_p.bind(p, kf), E.add_p.bind(q, kf), w),
                              _mul(k1, _where(below, E.sub_p.bind(k1, m), one)))
        u = _where(below, E.mul_p.bind(u, u_step), zero)
        # the infinite series' term n = k is v L_k
        big_l = _add(log_w, _c(2 * _EULER, w), E.neg_p.bind(E.add_p.bind(h_n, h_nm)), psi_p, psi_q)
        vl = E.mul_p.bind(v, big_l)
        inf_sum = E.add_p.bind(inf_sum, vl)
        inf_w = E.add_p.bind(inf_w, _mul(E.add_p.bind(E.abs_p.bind(vl), E.abs_p.bind(v)), E.add_p.bind(E.sqrt_p.bind(kf), _c(4, w))))
        ppk, qpk, mk1 = E.add_p.bind(pm, kf), E.add_p.bind(qm, kf), E.add_p.bind(m, k1)
        v = E.div_p.bind(_mul(v, ppk, qpk, w), E.mul_p.bind(k1, mk1))
        psi_p = E.add_p.bind(psi_p, E.div_p.bind(one, ppk))
        psi_q = E.add_p.bind(psi_q, E.div_p.bind(one, qpk))
        h_n = E.add_p.bind(h_n, E.div_p.bind(one, k1))
        h_nm = E.add_p.bind(h_nm, E.div_p.bind(one, mk1))
        return u, fin, fin_w, v, inf_sum, inf_w, psi_p, psi_q, h_n, h_nm

    zeros, ones = S.broadcast_to(zero, w.shape), S.broadcast_to(one, w.shape)
    v0 = E.exp_p.bind(E.neg_p.bind(E.lgamma_p.bind(E.add_p.bind(m, one))))  # 1 / m!
    h_m = E.add_p.bind(E.digamma_p.bind(E.add_p.bind(m, one)), _c(_EULER, w))
    state = (_where(E.gt_p.bind(m, zero), ones, zeros), zeros, zeros, v0, zeros, zeros,
             E.digamma_p.bind(pm), E.digamma_p.bind(qm), zeros, h_m)
    _, fin, fin_w, v, inf_sum, inf_w, psi_p, psi_q, h_n, h_nm = fori_loop(0, count, term, state)
    c = _add(p, q, m)
    m_ok = _where(E.gt_p.bind(m, zero), m, one)
    log1, sign1, size1 = _log_gamma_ratio([m_ok, c], [pm, qm])
    sign1 = _where(E.gt_p.bind(m, zero), sign1, zero)
    log2, sign2, size2 = _log_gamma_ratio([c], [p, q])
    odd = E.ne_p.bind(E.rem_p.bind(m, _c(2, w)), zero)
    sign2 = _where(odd, sign2, E.neg_p.bind(sign2))  # minus (-1)**m
    front1 = _signed_exp(log1, sign1)
    front2 = _signed_exp(E.add_p.bind(log2, E.mul_p.bind(m, log_w)), sign2)
    out = E.add_p.bind(E.mul_p.bind(front1, fin), E.mul_p.bind(front2, inf_sum))
    eps = _c(float(np.finfo(w.dtype).eps), w)
    # the tail: the terms shrink by at most w (N + |p + m|)(N + |q + m|) / N**2, their logarithms
    # grow by less than 1 per term
    n = float(count)
    grow = E.div_p.bind(_mul(E.add_p.bind(E.abs_p.bind(pm), _c(n, w)), E.add_p.bind(E.abs_p.bind(qm), _c(n, w)), w),
                        _c(n * n, w))
    last = E.mul_p.bind(v, _add(E.abs_p.bind(log_w), E.abs_p.bind(psi_p), E.abs_p.bind(psi_q), h_n, h_nm, _c(n, w)))
    err1 = E.mul_p.bind(E.abs_p.bind(front1), E.add_p.bind(E.mul_p.bind(fin_w, eps), _mul(E.abs_p.bind(fin), size1, eps)))
    err2 = E.mul_p.bind(E.abs_p.bind(front2), _add(E.mul_p.bind(inf_w, eps), _tail(last, grow),
                                                   _mul(E.abs_p.bind(inf_sum), E.add_p.bind(size2, E.abs_p.bind(
                                                       E.mul_p.bind(m, log_w))), eps)))
    return out, E.add_p.bind(err1, err2)


def _core(a: Array, b: Array, c: Array, x: Array) -> tuple[Array, Array, Array]:
    """F(a, b; c; x) for finite arguments, NaN where no branch bounds its error; the branch with the
    smallest absolute bound, whatever it is; and the power series in x itself (the last two for
    polynomials; where c is a pole, only the series is meaningful)."""
    zero, one = _c(0, x), _c(1, x)
    eps = float(np.finfo(x.dtype).eps)
    negative = E.lt_p.bind(x, zero)
    xn = _where(negative, x, _c(-1, x))
    log_1mx = E.log1p_p.bind(E.neg_p.bind(xn))  # log(1 - x) for x < 0
    w_neg = E.div_p.bind(one, E.sub_p.bind(one, xn))
    z = _where(negative, E.mul_p.bind(E.neg_p.bind(xn), w_neg), x)
    w = _where(negative, w_neg, E.sub_p.bind(one, x))
    # the parameters, with bounds of their rounding errors (a, b and c are exact)
    exact_c, exact_1 = (c, zero), (one, zero)
    tp, tq = (a, zero), _pick(negative, _plus(exact_c, _minus((b, zero))), (b, zero))
    tcp, tcq = _plus(exact_c, _minus(tp)), _plus(exact_c, _minus(tq))
    ts = _plus(tcp, _minus(tq))
    (p, _), (q, _), (cp, _), (cq, _), (s, _) = tp, tq, tcp, tcq, ts
    pre = _where(negative, E.mul_p.bind(E.neg_p.bind(a), log_1mx), zero)  # log of Pfaff's factor
    integer_s = E.eq_p.bind(E.round_p.bind(s), s)
    below_one = E.lt_p.bind(z, one)
    wpos = _where(below_one, w, one)
    log_w = E.log_p.bind(wpos)
    # the connection to w needs s not an integer and z < 1; elsewhere its series get harmless arguments
    connect = E.and_p.bind(below_one, E.not_p.bind(integer_s))
    ts_c = _pick(connect, ts, (_c(0.5, x), zero))
    s_c = ts_c[0]
    rows = [([tp, tq, exact_c], z), ([tcp, tcq, exact_c], _where(below_one, z, zero)),
            ([tp, tq, _plus(exact_1, _minus(ts_c))], wpos), ([tcp, tcq, _plus(exact_1, ts_c)], wpos),
            ([(a, zero), (b, zero), exact_c], _where(negative, x, zero))]
    (f_a, e_a), (f_b, e_b), (f_1, e_1), (f_2, e_2), (f_x, e_x) = _tracked_series(rows, _COUNT)
    # each candidate is sign * exp(log) * sum, with error |exp(log)| (err + |sum| size) + |value| eps |pre|
    candidates = []

    def candidate(log, sign, size, total, err):
        front = _signed_exp(E.add_p.bind(log, pre), sign)
        value = E.mul_p.bind(front, total)
        bound = E.mul_p.bind(E.abs_p.bind(front),
                             E.add_p.bind(err, _mul(E.abs_p.bind(total), _c(eps, x), E.add_p.bind(size, E.abs_p.bind(pre)))))
        candidates.append((value, bound))

    candidate(zero, one, zero, f_a, e_a)
    candidate(E.mul_p.bind(s, log_w), one, E.abs_p.bind(E.mul_p.bind(s, log_w)), f_b,
              _where(below_one, e_b, _c(np.inf, x)))
    log1, sign1, size1 = _log_gamma_ratio([c, s_c], [cp, cq])
    log2, sign2, size2 = _log_gamma_ratio([c, E.neg_p.bind(s_c)], [p, q])
    halves = [(log1, sign1, size1, f_1, e_1), _times_power((log2, sign2, size2), s_c, log_w) + (f_2, e_2)]
    # Gamma(+-s) near a pole, and Gamma(c - p), Gamma(c - q), Gamma(q) near theirs
    near = E.add_p.bind(_near_pole(s_c, [p, q, c]), _rounding_near_poles([tcp, tcq, tq]))
    candidates.append(_connection(halves, near, pre, connect))
    candidates.append(_reciprocal_connection(a, b, c, x, log_1mx))
    # x < 0 without Pfaff's transformation: polynomials, and small |x|
    candidates.append((f_x, _where(negative, E.add_p.bind(e_x, _mul(E.abs_p.bind(f_x), _c(eps, x))), _c(np.inf, x))))
    # s an integer: for s < 0 after Euler's transformation (1 - z)**s F(c - p, c - q; c; z)
    flip = E.lt_p.bind(s, zero)
    lp, lq = _where(flip, cp, p), _where(flip, cq, q)
    # also for s within 1e-9 of an integer m, whose distance d to it moves F by about
    # |d| (|log w| + log(|a| + |b| + |c|))**2 relative
    m_s = E.round_p.bind(s)
    d = E.abs_p.bind(E.sub_p.bind(s, m_s))
    near_integer = E.le_p.bind(d, _c(1e-9, x))
    logarithmic = E.and_p.bind(E.and_p.bind(near_integer, E.le_p.bind(w, _c(0.5, x))),
                               E.not_p.bind(E.or_p.bind(_pole(lp), _pole(lq))))
    logarithmic = E.and_p.bind(logarithmic, E.gt_p.bind(w, zero))
    lp, lq = _where(logarithmic, lp, one), _where(logarithmic, lq, one)
    wl = _where(logarithmic, w, _c(0.5, x))
    log_wl = E.log_p.bind(wl)
    m = _where(logarithmic, E.abs_p.bind(m_s), zero)
    f_log, e_log = _logarithmic(lp, lq, m, wl, log_wl)
    moved = _add(E.abs_p.bind(log_wl), E.log1p_p.bind(_add(E.abs_p.bind(p), E.abs_p.bind(q), E.abs_p.bind(c))), one)
    d_log = _where(logarithmic, d, zero)
    # near poles its terms move with the rounding of p and q, with the distance d as with a rounding by d,
    # and with the digamma recurrence's (psi(p + n) = psi(p) + ... + 1 / (p + n - 1) cancels about 1 / distance
    # there, as a rounding by 2 eps of p would)
    recurrence = _add(d_log, _c(2 * eps, x))
    moved_near = _rounding_near_poles([(lp, E.add_p.bind(_where(flip, tcp[1], zero), recurrence)),
                                       (lq, E.add_p.bind(_where(flip, tcq[1], tq[1]), recurrence))])
    e_log = _add(_mul(e_log, E.add_p.bind(one, moved_near)), _mul(d_log, moved, moved, E.abs_p.bind(f_log)),
                 _mul(moved_near, _c(eps, x), E.abs_p.bind(f_log)))
    euler = _where(flip, E.neg_p.bind(E.mul_p.bind(m, log_wl)), zero)
    candidate(euler, one, E.abs_p.bind(euler), f_log, _where(logarithmic, e_log, _c(np.inf, x)))
    # the candidate with the smallest relative bound, where that is below the tolerance; and the one with
    # the smallest absolute bound (relative bounds mean nothing at a polynomial's zero)
    best, best_ratio = _c(np.nan, x), _c(np.inf, x)
    least, least_bound = best, best_ratio
    for value, bound in candidates:
        # (0 for a bound of 0: a value that underflows with its bound)
        ratio = _where(E.eq_p.bind(bound, zero), zero, E.div_p.bind(bound, E.abs_p.bind(value)))
        better = E.lt_p.bind(ratio, best_ratio)  # False for a NaN ratio
        best, best_ratio = _where(better, value, best), _where(better, ratio, best_ratio)
        smaller = E.lt_p.bind(bound, least_bound)
        least, least_bound = _where(smaller, value, least), _where(smaller, bound, least_bound)
    bounded = _where(E.le_p.bind(best_ratio, _c(_TOLERANCE, x)), best, _c(np.nan, x))
    return bounded, least, _where(negative, f_x, f_a)


@custom_jvp
def _hyp2f1(a: Array, b: Array, c: Array, x: Array) -> Array:
    shape = broadcast_shapes("hyp2f1", a.shape, b.shape, c.shape, x.shape)
    a, b, c, x = (S.broadcast_to(v, shape) for v in (a, b, c, x))
    zero, one = _c(0, x), _c(1, x)
    finite = E.and_p.bind(E.and_p.bind(E.is_finite_p.bind(a), E.is_finite_p.bind(b)),
                          E.and_p.bind(E.is_finite_p.bind(c), E.is_finite_p.bind(x)))
    c_pole = _pole(c)

    def stops(v):  # a polynomial of degree -v below the series' length, c no pole or one beyond it (as SciPy)
        return E.and_p.bind(E.and_p.bind(_pole(v), E.gt_p.bind(v, _c(-_COUNT, v))),
                            E.or_p.bind(E.not_p.bind(c_pole), E.ge_p.bind(v, c)))
    polynomial = E.or_p.bind(stops(a), stops(b))
    usable = E.and_p.bind(finite, E.or_p.bind(E.not_p.bind(c_pole), polynomial))
    a_s, b_s, x_s = (_where(usable, v, zero) for v in (a, b, x))
    c_s = _where(usable, c, one)
    out, least, series = _core(a_s, b_s, c_s, x_s)
    # at x = 1 the Gauss sum Gamma(c) Gamma(s) / (Gamma(c - a) Gamma(c - b)) for s = c - a - b > 0, else
    # infinite with the sign of Gamma(c) / (Gamma(a) Gamma(b)), that of 2F1's growth towards 1 (as SciPy);
    # for a polynomial also for s <= 0 (Chu-Vandermonde), where c and s are no poles
    s = E.sub_p.bind(E.sub_p.bind(c_s, a_s), b_s)
    s_pos = E.gt_p.bind(s, zero)
    gauss_ok = E.and_p.bind(E.not_p.bind(_pole(c_s)),
                            E.or_p.bind(s_pos, E.and_p.bind(polynomial, E.not_p.bind(_pole(s)))))
    c_g, s_g = _where(gauss_ok, c_s, one), _where(gauss_ok, s, one)
    log, sign, _ = _log_gamma_ratio([c_g, s_g], [E.sub_p.bind(c_g, a_s), E.sub_p.bind(c_g, b_s)])
    growth = E.mul_p.bind(_gammasgn(c_s), E.mul_p.bind(_reciprocal_sign(a_s), _reciprocal_sign(b_s)))
    inf = E.mul_p.bind(_where(E.eq_p.bind(growth, zero), one, growth), _c(np.inf, x))
    gauss = _where(gauss_ok, _signed_exp(log, sign), inf)
    at_one = E.eq_p.bind(x, one)
    # a polynomial where no branch bounds its error: that sum at x = 1, else the branch with the smallest
    # absolute bound (its series in x is one of them); where c is a pole, always its series (the
    # transformations' series stop where their limit in c does not: their terms are 0 / 0 there)
    fallback = _where(E.and_p.bind(at_one, gauss_ok), gauss,
                      _where(E.or_p.bind(c_pole, _is_nan(least)), series, least))
    out = _where(polynomial, _where(E.or_p.bind(c_pole, _is_nan(out)), fallback, out), _where(at_one, gauss, out))
    # c a pole of the gamma function: inf (as SciPy), unless the series stops before it
    out = _where(E.and_p.bind(c_pole, E.not_p.bind(polynomial)), _c(np.inf, x), out)
    out = _where(E.or_p.bind(E.or_p.bind(E.eq_p.bind(a, zero), E.eq_p.bind(b, zero)), E.eq_p.bind(x, zero)), one, out)
    out = _where(finite, out, _c(np.nan, x))
    return out


def _hyp2f1_dx(t: Array, out: Array, a: Array, b: Array, c: Array, x: Array) -> Array:
    one = _c(1, x)
    factor = E.div_p.bind(E.mul_p.bind(a, b), c)
    return E.mul_p.bind(t, E.mul_p.bind(factor, _hyp2f1(E.add_p.bind(a, one), E.add_p.bind(b, one),
                                                         E.add_p.bind(c, one), x)))


_hyp2f1.defjvps(_not_differentiable("hyp2f1", "a", "x"), _not_differentiable("hyp2f1", "b", "x"),
                _not_differentiable("hyp2f1", "c", "x"), _hyp2f1_dx)


@staged_when_eager
def hyp2f1(a, b, c, x) -> Array:
    """Gauss's hypergeometric function 2F1(a, b; c; x), the sum of (a)_k (b)_k / (c)_k x**k / k!.

    For real arguments, computed in float64 and rounded once, by the power series, Pfaff's and Euler's
    transformations and the connection to 1 - x (with its logarithmic limit where c - a - b is an
    integer), and for x < -1 the connection to 1 / x. Each element is given only where the branch
    chosen bounds its own error below 1e-9 relative (about 1e-15 but where every branch cancels), else
    NaN rather than a wrong value: so for x > 1 (where 2F1 is complex unless it is a
    polynomial), near x = 1 where c - a - b is close to but not an integer, where large parameters
    make every branch cancel, and where c - a, c - b or c - a - b is so near a non-positive integer
    that its rounding moves 2F1 (SciPy's values are off there). Polynomials (a or b a non-positive
    integer) at every real x: where no branch bounds its error, the one with the smallest absolute
    bound (where c is a pole, their finite sum, which like SciPy's loses digits where its terms
    cancel). At x = 1 the Gauss sum
    Gamma(c) Gamma(c - a - b) / (Gamma(c - a) Gamma(c - b)) for c > a + b (and for polynomials), otherwise
    inf with the sign of Gamma(c) / (Gamma(a) Gamma(b)), that of 2F1 just below 1; inf where c is a pole
    of the gamma function (as SciPy), unless a or b is an integer from c to 0 (then the polynomial: SciPy
    gives (1 - x)**-b for a = c); NaN at infinite arguments.
    dF/dx = (a b / c) 2F1(a + 1, b + 1; c + 1; x); there is no derivative in a, b or c
    (differentiating in them raises an error naming the fix).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.hyp2f1(1.0, 1.0, 2.0, 0.5).item(), 6)  # -log(1 - x) / x
    1.386294
    """
    return _in_float64("hyp2f1", _hyp2f1, a, b, c, x)
