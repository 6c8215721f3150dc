"""The gamma family of fluxion.scipy.special: gamma and its logarithms and sign, beta, the
Pochhammer symbol, factorial, the multivariate log-gamma, the incomplete gamma and beta
functions, polygamma and the Hurwitz and Riemann zeta functions, with SciPy's values at poles and
infinities."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..control import fori_loop
from ..control.loops import staged_when_eager
from ..core import dtypes
from ..core.array import Array
from ..core.errors import op_error
from ..numpy._convert import convert
from ..numpy._elementwise_base import plus_derivative
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._util import broadcast_shapes
from ._util import _c, _is_nan, _poly, _real, _unary, _where

# gamma and its logarithms ----------------------------------------------------------------------
gammaln = _unary("gammaln", E.lgamma_p, """log|Gamma(x)|.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.gammaln(5.0).item(), 4)
    3.1781
    """)
digamma = _unary("digamma", E.digamma_p, """The logarithmic derivative of the gamma function.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.digamma(1.0).item(), 4)
    -0.5772
    """)


def _pole(x: Array) -> Array:
    """Where x is a pole of the gamma function: 0, a negative integer or -inf."""
    return E.and_p.bind(E.le_p.bind(x, _c(0, x)), E.eq_p.bind(E.floor_p.bind(x), x))


def _exact(x: Array) -> Array:
    """`x` in float64, for functions that exponentiate sums of lgamma's (gamma = exp(lgamma)
    multiplies lgamma's rounding error by |lgamma|) or whose factors over- or underflow in
    float32: float64 keeps the error below float32's precision, and the result is rounded once."""
    return convert(x, dtypes.float64, x.weak)


def _gammasgn(x: Array) -> Array:
    odd = E.ne_p.bind(E.rem_p.bind(E.floor_p.bind(x), _c(2, x)), _c(0, x))
    out = _where(E.gt_p.bind(x, _c(0, x)), _c(1, x), _where(odd, _c(-1, x), _c(1, x)))
    out = _where(E.eq_p.bind(x, _c(0, x)), E.copysign_p.bind(_c(1, x), x), out)  # the sign of gamma(+-0) = +-inf
    negative_pole = E.and_p.bind(_pole(x), E.lt_p.bind(x, _c(0, x)))
    return _where(E.or_p.bind(negative_pole, _is_nan(x)), _c(np.nan, x), out)


def _odd_sign(n: Array) -> Array:
    """(-1)**n for an integer n."""
    return _where(E.eq_p.bind(E.rem_p.bind(n, _c(2, n)), _c(0, n)), _c(1, n), _c(-1, n))


def gammasgn(x) -> Array:
    """The sign of the gamma function: 1 or -1 (the sign of a zero at 0), NaN at the poles.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.gammasgn([0.5, -0.5, -1.5]).tolist()
    [1.0, -1.0, 1.0]
    """
    return _gammasgn(*_real("gammasgn", x))


def gamma(x) -> Array:
    """The gamma function, sign * exp(gammaln(x)): inf at 0 (-inf at -0.0), NaN at negative integers.

    Computed in float64 and rounded once; float64 results are within some |gammaln(x)| ulps.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.gamma(5.0).item()
    24.0
    """
    (x_in,) = _real("gamma", x)
    x = _exact(x_in)
    out = E.mul_p.bind(_gammasgn(x), E.exp_p.bind(E.lgamma_p.bind(x)))
    return convert(out, x_in.dtype, x_in.weak)


def loggamma(x) -> Array:
    """log(gamma(x)) for real x: inf at 0, NaN for x < 0 (complex inputs are not supported).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.loggamma(0.5).item(), 4)
    0.5724
    """
    (x,) = _real("loggamma", x)
    return _where(E.lt_p.bind(x, _c(0, x)), _c(np.nan, x), E.lgamma_p.bind(x))


# Stirling's series of lgamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2): its next term is below
# float64's precision for x >= 100
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680)
_STIRLING_FROM = 100.0


def _stirling_rest(x: Array) -> Array:
    r = E.div_p.bind(_c(1, x), x)
    return E.mul_p.bind(r, _poly(E.mul_p.bind(r, r), _STIRLING))


def _log_gamma_ratio(a: Array, b: Array) -> Array:
    """lgamma(a + b) - lgamma(a): where a and a + b are large, Stirling's series, in which the
    large terms cancel exactly; elsewhere the difference."""
    c = E.add_p.bind(a, b)
    large = E.and_p.bind(E.ge_p.bind(E.min_p.bind(a, c), _c(_STIRLING_FROM, a)), E.is_finite_p.bind(c))
    a_l, b_l = _where(large, a, _c(_STIRLING_FROM, a)), _where(large, b, _c(1, b))
    c_l = E.add_p.bind(a_l, b_l)
    # (c - 1/2) log c - c - (a - 1/2) log a + a, with log c = log a + log1p(b / a)
    log1p_ratio = E.log1p_p.bind(E.div_p.bind(b_l, a_l))
    main = E.sub_p.bind(E.add_p.bind(E.mul_p.bind(E.sub_p.bind(c_l, _c(0.5, c)), log1p_ratio),
                                     E.mul_p.bind(b_l, E.log_p.bind(a_l))), b_l)
    stirling = E.add_p.bind(main, E.sub_p.bind(_stirling_rest(c_l), _stirling_rest(a_l)))
    direct = E.sub_p.bind(E.lgamma_p.bind(c), E.lgamma_p.bind(a))
    return _where(large, stirling, direct)


def _beta_parts(a: Array, b: Array) -> tuple[Array, Array]:
    """(sign, log|B(a, b)|) with SciPy's values at the poles of gamma(a) and gamma(b)."""
    # (chosen, not max and min: at a tie those halve the derivative, which is right for the
    # gradient only; either order is the same formula there, so every derivative is)
    first = E.ge_p.bind(a, b)
    big, small = _where(first, a, b), _where(first, b, a)
    log_abs = E.sub_p.bind(E.lgamma_p.bind(small), _log_gamma_ratio(big, small))
    c = E.add_p.bind(a, b)
    c_sign = _where(_pole(c), _c(1, c), _gammasgn(c))  # B is 0 where a + b is a pole
    sign = E.mul_p.bind(E.mul_p.bind(_gammasgn(a), _gammasgn(b)), c_sign)
    # where one argument is a pole, SciPy takes the limit (-1)**o B(1 - a - b, o) if the other, o,
    # is a positive integer with a + b <= 0, and inf otherwise (-inf for odd b where both are poles)
    a_pole, b_pole = _pole(a), _pole(b)
    at_pole, both = E.or_p.bind(a_pole, b_pole), E.and_p.bind(a_pole, b_pole)
    o = _where(a_pole, b, a)
    finite = E.and_p.bind(E.and_p.bind(at_pole, E.le_p.bind(c, _c(0, c))),
                          E.and_p.bind(E.gt_p.bind(o, _c(0, o)), E.eq_p.bind(E.floor_p.bind(o), o)))
    o_f = _where(finite, o, _c(1, o))
    one_minus_c = _where(finite, E.sub_p.bind(_c(1, c), c), _c(1, c))
    log_limit = E.sub_p.bind(E.lgamma_p.bind(o_f), _log_gamma_ratio(one_minus_c, o_f))
    log_abs = _where(at_pole, _where(finite, log_limit, _c(np.inf, c)), log_abs)
    pole_sign = _where(finite, _odd_sign(o_f), _where(both, _odd_sign(_where(both, b, _c(0, b))), _c(1, c)))
    sign = _where(at_pole, pole_sign, sign)
    # SciPy at infinities: B(inf, o) is 0 for a finite o > 0 and infinite for a finite o <= 0
    # (with gamma(o)'s sign off the poles); an argument -inf makes B inf
    inf_big = E.and_p.bind(E.eq_p.bind(big, _c(np.inf, big)), E.is_finite_p.bind(small))
    positive = E.gt_p.bind(small, _c(0, small))
    log_abs = _where(inf_big, _where(positive, _c(-np.inf, c), _c(np.inf, c)), log_abs)
    sign = _where(inf_big, _where(_pole(small), _c(1, c), _gammasgn(small)), sign)
    minus_inf = E.or_p.bind(E.eq_p.bind(a, _c(-np.inf, a)), E.eq_p.bind(b, _c(-np.inf, b)))
    return _where(minus_inf, _c(1, c), sign), _where(minus_inf, _c(np.inf, c), log_abs)


def beta(a, b) -> Array:
    """The beta function gamma(a) gamma(b) / gamma(a + b), from logarithms (no overflow between).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.beta(2.0, 3.0).item(), 4)
    0.0833
    """
    a_in, b_in = _real("beta", a, b)
    sign, log_abs = _beta_parts(_exact(a_in), _exact(b_in))
    out = E.mul_p.bind(sign, E.exp_p.bind(log_abs))
    return convert(out, a_in.dtype, a_in.weak and b_in.weak)


def betaln(a, b) -> Array:
    """log|beta(a, b)|, accurate also where one argument is large (no cancellation of gammaln's).

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.betaln(2.0, 3.0).item(), 4)
    -2.4849
    """
    a, b = _real("betaln", a, b)
    return convert(_beta_parts(_exact(a), _exact(b))[1], a.dtype, a.weak and b.weak)


_PRODUCT_STEPS = 64  # the largest |m| for which poch multiplies out the integer part of m


def _rising(z: Array, n: Array) -> Array:
    """gamma(z + n) / gamma(z) for integers |n| <= _PRODUCT_STEPS as a product of |n| factors:
    z (z + 1) ... (z + n - 1) for n >= 0, 1 / ((z - 1) (z - 2) ... (z + n)) for n < 0."""
    one = _c(1, z)

    def factor(k, state):
        up, down = state
        kf = convert(k, z.dtype)
        up = _where(E.lt_p.bind(kf, n), E.mul_p.bind(up, E.add_p.bind(z, kf)), up)
        k1 = E.add_p.bind(kf, one)
        down = _where(E.le_p.bind(k1, E.neg_p.bind(n)), E.mul_p.bind(down, E.sub_p.bind(z, k1)), down)
        return up, down

    ones = S.broadcast_to(one, z.shape)
    up, down = fori_loop(0, _PRODUCT_STEPS, factor, (ones, ones))
    return E.div_p.bind(up, down)


@staged_when_eager
def poch(z, m) -> Array:
    """The rising factorial gamma(z + m) / gamma(z); 1 for m == 0.

    Where z and z + m are both poles, the limit (-1)**m gamma(1 - z) / gamma(1 - z - m); 0 where
    only z is one, inf where only z + m is. For an integer m with |m| <= 64, the product of the |m|
    factors z + k (or of their reciprocals), which keeps its digits also where z is tiny and z + m rounds
    to a pole; for a more negative integer m and z < 1/2, the reflection above; elsewhere from the
    logarithms of the gamma functions.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.poch(3.0, 2.0).item()
    12.0
    >>> fsp.poch(1e-300, -1.0).item()
    -1.0
    """
    z_in, m_in = _real("poch", z, m)
    z, m = _exact(z_in), _exact(m_in)
    shape = broadcast_shapes("poch", z.shape, m.shape)
    z, m = S.broadcast_to(z, shape), S.broadcast_to(m, shape)
    zero, one = _c(0, z), _c(1, z)
    # gamma(z + m) / gamma(z) = _rising(z, n) gamma(w + f) / gamma(w), w = z + n, f = m - n: n = m for an
    # integer m with |m| <= _PRODUCT_STEPS, else 0 (all from logs). For f = 0 the second factor is exactly
    # 1 (w taken as 1 where it rounds to a pole), with the derivative in m psi(z + m) times the result
    integer_m = E.eq_p.bind(E.floor_p.bind(m), m)
    product = E.and_p.bind(integer_m, E.le_p.bind(E.abs_p.bind(m), _c(_PRODUCT_STEPS, m)))
    n = _where(product, E.round_p.bind(m), zero)  # (round: no derivative in m)
    f, w = E.sub_p.bind(m, n), E.add_p.bind(z, n)
    w = _where(E.and_p.bind(E.eq_p.bind(f, zero), _pole(w)), one, w)
    sign = E.mul_p.bind(_gammasgn(E.add_p.bind(w, f)), _gammasgn(w))
    out = E.mul_p.bind(_rising(z, n), E.mul_p.bind(sign, E.exp_p.bind(_log_gamma_ratio(w, f))))
    # beyond the product, for an integer m where z and z + m are poles, or m < 0 and z < 1/2 (where z + m
    # may be near a pole or round to one), the reflection (-1)**m gamma(1 - z) / gamma(1 - z - m)
    z_pole, zm_pole = _pole(z), _pole(E.add_p.bind(z, m))
    integer_z = E.eq_p.bind(E.floor_p.bind(z), z)
    reflect = E.and_p.bind(E.and_p.bind(integer_m, E.not_p.bind(product)),
                           E.or_p.bind(E.and_p.bind(z_pole, zm_pole),
                                       E.and_p.bind(E.lt_p.bind(m, zero), E.lt_p.bind(z, _c(0.5, z)))))
    zr, mr = _where(reflect, E.sub_p.bind(one, z), one), _where(reflect, E.neg_p.bind(m), zero)
    sign = E.mul_p.bind(_odd_sign(m), E.mul_p.bind(_gammasgn(zr), _gammasgn(E.add_p.bind(zr, mr))))
    limit = E.mul_p.bind(sign, E.exp_p.bind(E.neg_p.bind(_log_gamma_ratio(zr, mr))))
    # elsewhere 0 where only z is a pole, inf where only z + m is (not where it only rounds to one, for an
    # integer m and a non-integer z); where both are, the product is the limit
    zm_pole = E.and_p.bind(zm_pole, E.or_p.bind(integer_z, E.not_p.bind(integer_m)))
    # (the product is 0 there too, with its derivative in z, which the +0 keeps: gamma(m) at z = 0)
    only_z = E.and_p.bind(z_pole, E.not_p.bind(zm_pole))
    poles = _where(only_z, plus_derivative(zero, _where(product, out, zero)),
                   _where(E.and_p.bind(zm_pole, E.not_p.bind(z_pole)), _c(np.inf, z), out))
    out = _where(reflect, limit, poles)
    # SciPy at infinities, where the logs above make inf - inf: for m = -inf, 0 at the finite poles
    # and NaN elsewhere; for z = inf, the limits 0 and inf for 0 < |m| <= 2 and NaN beyond (its
    # recurrence steps m down to where it does make inf - inf); for z = -inf, z at m = 1,
    # 1 / (z - 1) = -0.0 at m = -1 and NaN elsewhere
    finite_pole = E.and_p.bind(z_pole, E.is_finite_p.bind(z))
    out = _where(E.eq_p.bind(m, _c(-np.inf, m)), _where(finite_pole, _c(0, z), _c(np.nan, z)), out)
    near = E.le_p.bind(E.abs_p.bind(m), _c(2, m))
    at_inf = _where(near, _where(E.gt_p.bind(m, _c(0, m)), _c(np.inf, z), _c(0, z)), _c(np.nan, z))
    out = _where(E.eq_p.bind(z, _c(np.inf, z)), at_inf, out)
    at_minus_inf = _where(E.eq_p.bind(m, _c(1, m)), _c(-np.inf, z),
                          _where(E.eq_p.bind(m, _c(-1, m)), _c(-0.0, z), _c(np.nan, z)))
    out = _where(E.eq_p.bind(z, _c(-np.inf, z)), at_minus_inf, out)
    # 1 at m = 0, with the derivative psi(z) in m where z is finite and not a pole
    regular = E.and_p.bind(E.is_finite_p.bind(z), E.not_p.bind(z_pole))
    out = _where(E.eq_p.bind(m, _c(0, m)), plus_derivative(one, _where(regular, out, one)), out)
    return convert(out, z_in.dtype, z_in.weak and m_in.weak)


def factorial(n, exact: bool = False) -> Array:
    """n! = gamma(n + 1) as a float; 0 for n < 0.

    >>> import fluxion.scipy.special as fsp
    >>> fsp.factorial(5).item()
    120.0
    """
    if exact:
        raise op_error(ValueError, "factorial", "exact=True (arbitrary-precision integers) is not supported",
                       "use math.factorial for exact values, or exact=False for floats")
    (n,) = _real("factorial", n)
    return _where(E.lt_p.bind(n, _c(0, n)), _c(0, n), gamma(E.add_p.bind(n, _c(1, n))))


def multigammaln(a, d: int) -> Array:
    """The log of the multivariate gamma function of dimension `d`:
    d (d - 1) / 4 log(pi) + sum of gammaln(a - j / 2) for j < d. NaN where a <= (d - 1) / 2.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.multigammaln(3.0, 2).item(), 4)
    1.5502
    """
    if not isinstance(d, (int, np.integer)) or isinstance(d, bool) or d < 1:
        raise op_error(ValueError, "multigammaln", f"the dimension d must be a positive Python int, got {d!r}",
                       "pass d as an int >= 1")
    (a,) = _real("multigammaln", a)
    out = _c(d * (d - 1) / 4 * math.log(math.pi), a)
    for j in range(d):
        out = E.add_p.bind(out, E.lgamma_p.bind(E.sub_p.bind(a, _c(j / 2, a))))
    return _where(E.gt_p.bind(a, _c((d - 1) / 2, a)), out, _c(np.nan, a))


def _binary(name: str, prim, doc: str):
    def f(a, x) -> Array:
        return prim.bind(*_real(name, a, x))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


gammainc = _binary("gammainc", E.igamma_p, """The regularized lower incomplete gamma function P(a, x).

    Differentiable in x and in a, to any order: the second derivative in a is a series or a continued
    fraction carrying its derivatives (_incomplete_gamma.py), NaN where that does not settle in
    10,000 steps (x <= a near a, for a above ~1e6).

    >>> import fluxion as fx
    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.gammainc(1.0, 1.0).item(), 4)
    0.6321
    >>> round(fx.grad(fsp.gammainc)(1.0, 1.0).item(), 4)
    -0.4317
    >>> round(fx.grad(fx.grad(fsp.gammainc))(1.0, 1.0).item(), 4)
    0.0336
    """)
gammaincc = _binary("gammaincc", E.igammac_p, """The regularized upper incomplete gamma function 1 - P(a, x).

    Differentiable as gammainc, with the opposite sign.

    >>> import fluxion as fx
    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.gammaincc(1.0, 1.0).item(), 4)
    0.3679
    >>> round(fx.grad(fsp.gammaincc)(1.0, 1.0).item(), 4)
    0.4317
    """)


def betainc(a, b, x) -> Array:
    """The regularized incomplete beta function I_x(a, b).

    Differentiable in x, and in `a` and `b` (from its continued fraction, _incomplete_beta.py).

    >>> import fluxion.scipy.special as fsp
    >>> fsp.betainc(1.0, 1.0, 0.25).item()
    0.25
    """
    return E.betainc_p.bind(*_real("betainc", a, b, x))


def polygamma(n, x) -> Array:
    """The n-th derivative of digamma, (-1)**(n + 1) n! zeta(n + 1, x) for n >= 1.

    A Python int `n` makes one primitive; an array `n` is computed through zeta.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.polygamma(1, 1.0).item(), 4)
    1.6449
    """
    if isinstance(n, (int, np.integer)) and not isinstance(n, bool):
        if n < 0:
            raise op_error(ValueError, "polygamma", f"the order n must be >= 0, got {n}", "pass n >= 0")
        (x,) = _real("polygamma", x)
        return E.polygamma_p.bind(x, m=int(n))
    n_in, x_in = _real("polygamma", n, x)
    n, x = _exact(n_in), _exact(x_in)  # n! zeta(n + 1, x) may overflow and underflow in float32
    n1 = E.add_p.bind(n, _c(1, n))
    factor = E.mul_p.bind(E.pow_p.bind(_c(-1, n), n1), gamma(n1))
    out = E.mul_p.bind(factor, E.zeta_p.bind(n1, x))
    out = _where(E.eq_p.bind(n, _c(0, n)), E.digamma_p.bind(x), out)
    return convert(out, x_in.dtype, n_in.weak and x_in.weak)


def _eta_weights(n: int) -> np.ndarray:
    """Borwein's weights w_k, k < n, of Dirichlet's eta(s) = sum_k w_k (k + 1)**-s, within
    3 / (3 + sqrt(8))**n for real s >= 0: (-1)**k (d_n - d_k) / d_n with
    d_k = n sum_{i <= k} (n + i - 1)! 4**i / ((n - i)! (2i)!)."""
    d, total = [], Fraction(0)
    for i in range(n + 1):
        total += Fraction(n * math.factorial(n + i - 1) * 4 ** i, math.factorial(n - i) * math.factorial(2 * i))
        d.append(total)
    return np.array([float((-1) ** k * (d[n] - d[k]) / d[n]) for k in range(n)])


_ETA_WEIGHTS = _eta_weights(22)  # within 5e-17


def _riemann_zeta(x: Array) -> Array:
    """The Riemann zeta function: zeta(x, 1) for x >= 1; eta(x) / (1 - 2**(1 - x)) for -1/2 <= x < 1;
    below, the reflection 2 (2 pi)**(x - 1) sin(pi x / 2) gamma(1 - x) zeta(1 - x), its size from
    logarithms (not from -1/2 to 0, where zeta(1 - x) would be near its pole)."""
    zero, one = _c(0, x), _c(1, x)
    reflect, below_one = E.lt_p.bind(x, _c(-0.5, x)), E.lt_p.bind(x, one)
    # eta from Borwein's weights
    xe = _where(E.and_p.bind(below_one, E.not_p.bind(reflect)), x, _c(0.5, x))
    shape = x.shape + _ETA_WEIGHTS.shape
    log_k = S.broadcast_to(Array(np.log(np.arange(1.0, len(_ETA_WEIGHTS) + 1)).astype(x.dtype)), shape)
    powers = E.exp_p.bind(E.mul_p.bind(log_k, E.neg_p.bind(S.broadcast_in_dim(xe, shape, tuple(range(x.ndim))))))
    eta = R.reduce_sum_p.bind(E.mul_p.bind(powers, Array(_ETA_WEIGHTS.astype(x.dtype))), axes=(x.ndim,))
    near = E.div_p.bind(eta, E.neg_p.bind(E.expm1_p.bind(E.mul_p.bind(E.sub_p.bind(one, xe), _c(math.log(2), x)))))
    # the reflection: sin(pi x / 2) = (-1)**n sin(pi f) for x / 2 = n + f, exactly 0 at the even negative integers
    xr = _where(reflect, x, _c(-1, x))
    half = E.mul_p.bind(xr, _c(0.5, x))
    n = E.round_p.bind(half)
    sine = E.mul_p.bind(_odd_sign(n), E.sin_p.bind(E.mul_p.bind(E.sub_p.bind(half, n), _c(math.pi, x))))
    one_minus = E.sub_p.bind(one, xr)
    log_size = E.sub_p.bind(E.add_p.bind(_c(math.log(2), x), E.lgamma_p.bind(one_minus)),
                            E.mul_p.bind(one_minus, _c(math.log(2 * math.pi), x)))
    size = E.mul_p.bind(E.exp_p.bind(log_size), E.zeta_p.bind(one_minus, one))
    reflected = E.mul_p.bind(sine, size)
    # exactly 0 at the trivial zeros (also where the size overflows), with the derivative sine' size
    # (+-inf where the size overflows: sine' times the largest float)
    capped = _where(E.is_finite_p.bind(size), size, _c(np.finfo(x.dtype).max, x))
    at_zero = plus_derivative(zero, E.mul_p.bind(sine, capped))
    reflected = _where(E.eq_p.bind(sine, zero), at_zero, reflected)
    return _where(reflect, reflected, _where(below_one, near, E.zeta_p.bind(_where(below_one, _c(2, x), x), one)))


def zeta(x, q=None) -> Array:
    """The Hurwitz zeta function, the sum of (k + q)**-x over k >= 0; for x > 1 (NaN for x < 1).

    Without `q`, the Riemann zeta function (q = 1), continued to every real x as SciPy's: for
    -1/2 <= x < 1 from Dirichlet's eta function by Borwein's algorithm, below by the reflection formula
    (0 at the even negative integers, +-inf where it overflows); computed in float64 and rounded once.
    Differentiable in both arguments to any order: d/dq = -x zeta(x + 1, q), and d/dx, the sum of
    -log(k + q) (k + q)**-x, by Euler-Maclaurin's formula for x >= 1 and q > 0 (NaN elsewhere:
    _zeta_order.py), which also differentiates the Riemann function everywhere.

    >>> import fluxion.scipy.special as fsp
    >>> round(fsp.zeta(2.0, 1.0).item(), 4)
    1.6449
    >>> round(fsp.zeta(-1.0).item(), 6)  # -1/12
    -0.083333
    >>> import fluxion as fx
    >>> round(fx.grad(fsp.zeta)(2.0, 1.0).item(), 4)
    -0.9375
    """
    if q is None:
        (x_in,) = _real("zeta", x)
        return convert(_riemann_zeta(_exact(x_in)), x_in.dtype, x_in.weak)
    return E.zeta_p.bind(*_real("zeta", x, q))
