"""Derivative rules of the elementwise primitives: one jvp per primitive, and a transpose
for each linear one. Rules are written with the primitives themselves, so they can be
differentiated again (any order)."""
from __future__ import annotations

import math

from ..core import dtypes
from ..core.errors import op_error
from ..core.primitive import Primitive, jvp_rules, transpose_rules
from . import elementwise as E
from ._batch import defelementwise
from ._ad import Zero, defjvp, deflinear, defzero, instantiate, is_undefined, unbroadcast

_b = lambda p: p.bind  # noqa: E731
neg, mul, div, add, sub = _b(E.neg_p), _b(E.mul_p), _b(E.div_p), _b(E.add_p), _b(E.sub_p)
exp, log, sqrt, rsqrt, sin, cos = _b(E.exp_p), _b(E.log_p), _b(E.sqrt_p), _b(E.rsqrt_p), _b(E.sin_p), _b(E.cos_p)
sinh, cosh, square, select = _b(E.sinh_p), _b(E.cosh_p), _b(E.square_p), _b(E.select_n_p)


def _const(value, like):
    """A constant of `like`'s dtype (weak, so it never changes the dtype)."""
    from .shape import full
    return full((), value, like.dtype)


def _sign_real(x):
    return E.sign_p.bind(x)


# unary -----------------------------------------------------------------------------------------
defjvp(E.exp_p, lambda t, ans, x: mul(t, ans))
defjvp(E.exp2_p, lambda t, ans, x: mul(t, mul(ans, _const(math.log(2), ans))))
defjvp(E.log_p, lambda t, ans, x: div(t, x))
defjvp(E.log2_p, lambda t, ans, x: div(t, mul(x, _const(math.log(2), x))))
defjvp(E.log10_p, lambda t, ans, x: div(t, mul(x, _const(math.log(10), x))))
defjvp(E.log1p_p, lambda t, ans, x: div(t, add(x, _const(1, x))))
defjvp(E.expm1_p, lambda t, ans, x: mul(t, add(ans, _const(1, ans))))
defjvp(E.sqrt_p, lambda t, ans, x: div(t, mul(ans, _const(2, ans))))
defjvp(E.rsqrt_p, lambda t, ans, x: mul(t, mul(div(ans, x), _const(-0.5, x))))
# cbrt' = ans ** -2 / 3, written so that higher derivatives at 0 are -inf as the limit is (not 0 * inf)
defjvp(E.cbrt_p, lambda t, ans, x: div(mul(t, E.integer_pow_p.bind(ans, y=-2)), _const(3, ans)))
defjvp(E.sin_p, lambda t, ans, x: mul(t, cos(x)))
defjvp(E.cos_p, lambda t, ans, x: neg(mul(t, sin(x))))
defjvp(E.tan_p, lambda t, ans, x: mul(t, add(_const(1, ans), square(ans))))
defjvp(E.asin_p, lambda t, ans, x: mul(t, rsqrt(sub(_const(1, x), square(x)))))
defjvp(E.acos_p, lambda t, ans, x: neg(mul(t, rsqrt(sub(_const(1, x), square(x))))))
defjvp(E.atan_p, lambda t, ans, x: div(t, add(_const(1, x), square(x))))
defjvp(E.sinh_p, lambda t, ans, x: mul(t, cosh(x)))
defjvp(E.cosh_p, lambda t, ans, x: mul(t, sinh(x)))
defjvp(E.tanh_p, lambda t, ans, x: mul(t, sub(_const(1, ans), square(ans))))
defjvp(E.asinh_p, lambda t, ans, x: mul(t, rsqrt(add(square(x), _const(1, x)))))
defjvp(E.acosh_p, lambda t, ans, x: div(t, mul(sqrt(sub(x, _const(1, x))), sqrt(add(x, _const(1, x))))))
defjvp(E.atanh_p, lambda t, ans, x: div(t, sub(_const(1, x), square(x))))
defjvp(E.logistic_p, lambda t, ans, x: mul(t, mul(ans, sub(_const(1, ans), ans))))
defjvp(E.erf_p, lambda t, ans, x: mul(t, mul(_const(2 / math.sqrt(math.pi), x), exp(neg(square(x))))))
defjvp(E.erfc_p, lambda t, ans, x: mul(t, mul(_const(-2 / math.sqrt(math.pi), x), exp(neg(square(x))))))
defjvp(E.erfinv_p, lambda t, ans, x: mul(t, mul(_const(math.sqrt(math.pi) / 2, x), exp(square(ans)))))
defjvp(E.lgamma_p, lambda t, ans, x: mul(t, E.digamma_p.bind(x)))
defjvp(E.digamma_p, lambda t, ans, x: mul(t, E.polygamma_p.bind(x, m=1)))
defjvp(E.polygamma_p, lambda t, ans, x, m: mul(t, E.polygamma_p.bind(x, m=m + 1)))
defjvp(E.bessel_i0e_p, lambda t, ans, x: mul(t, sub(E.bessel_i1e_p.bind(x), mul(_sign_real(x), ans))))
defjvp(E.bessel_i1e_p, lambda t, ans, x: mul(t, _i1e_derivative(ans, x)))
defjvp(E.square_p, lambda t, ans, x: mul(t, mul(x, _const(2, x))))
defjvp(E.abs_p, lambda t, ans, x: _abs_jvp(t, ans, x))
defjvp(E.integer_pow_p, lambda t, ans, x, y: _integer_pow_jvp(t, x, y))
defzero(E.floor_p, E.ceil_p, E.round_p, E.trunc_p, E.is_finite_p, E.not_p, E.population_count_p,
        E.clz_p, E.nextafter_p, E.and_p, E.or_p, E.xor_p, E.shift_left_p, E.shift_right_arithmetic_p,
        E.shift_right_logical_p, E.eq_p, E.ne_p, E.lt_p, E.le_p, E.gt_p, E.ge_p, E.bitcast_convert_type_p,
        E.stop_gradient_p)


def _abs_jvp(t, ans, x):
    if x.dtype in dtypes.COMPLEX:  # d|z| = Re(conj(z) dz) / |z|, 0 at z = 0
        safe = select(E.eq_p.bind(ans, _const(0, ans)), ans, _const(1, ans))
        re = E.real_p.bind(mul(E.conj_p.bind(x), t))
        return select(E.eq_p.bind(ans, _const(0, ans)), div(re, safe), _const(0, ans))
    return mul(t, _sign_real(x))  # sign(0) = 0: the subgradient of least norm


def _sign_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    ans = E.sign_p.bind(x)
    if x.dtype not in dtypes.COMPLEX or t.__class__ is Zero:  # real sign is piecewise constant
        return ans, Zero(ans.aval)
    # d(z/|z|) = (dz - s Re(conj(s) dz)) / |z| with s = z/|z|; 0 at z = 0
    a = E.abs_p.bind(x)
    zero = E.eq_p.bind(a, _const(0, a))
    safe = select(zero, a, _const(1, a))
    radial = E.complex_p.bind(E.real_p.bind(mul(E.conj_p.bind(ans), t)), _const(0, a))
    d = div(sub(t, mul(ans, radial)), E.complex_p.bind(safe, _const(0, a)))
    return ans, select(zero, d, _const(0, d))


# i1e'(x) = exp(-a) (I0(a) - I1(a) / a - I1(a)), a = |x|, as a series in a: the coefficient of
# a**2k is (2k + 1) / ((2k + 2) k!**2 4**k), that of a**(2k + 1) -1 / (k! (k + 1)! 2**(2k + 1));
# to a**21, within 2e-22 of the sum for a < 1
_I1E_SLOPE = [c for k in range(11) for c in ((2 * k + 1) / ((2 * k + 2) * math.factorial(k) ** 2 * 4 ** k),
                                             -1 / (math.factorial(k) * math.factorial(k + 1) * 2 ** (2 * k + 1)))]


def _i1e_derivative(ans, x):
    """i0e(x) - sign(x) i1e(x) - i1e(x) / x; for |x| < 1 its series, whose own derivatives keep
    their digits where those of i1e(x) / x cancel (by 1 / x**n in the n-th), and whose limit at 0
    is 1/2."""
    a = E.abs_p.bind(x)
    small = E.lt_p.bind(a, _const(1, x))
    d = sub(sub(E.bessel_i0e_p.bind(x), mul(_sign_real(x), ans)), div(ans, select(small, x, _const(1, x))))
    a = select(small, _const(0.5, x), a)  # (each side where the other is taken: a value that keeps it finite)
    series = _const(_I1E_SLOPE[-1], x)
    for c in reversed(_I1E_SLOPE[:-1]):
        series = add(mul(series, a), _const(c, x))
    return select(small, d, mul(exp(neg(a)), series))


def _integer_pow_jvp(t, x, y):
    if y == 0:
        return mul(t, _const(0, x))
    return mul(t, mul(_const(y, x), x if y == 2 else E.integer_pow_p.bind(x, y=y - 1)))


# binary ----------------------------------------------------------------------------------------
def _tie_weight(x, y, pick):
    """1 where `pick` holds, 1/2 where x == y (ties share the derivative), else 0 (`pick` never holds
    at a tie). Made of the masks as numbers, which costs a fraction of two selects."""
    def number(mask):
        return E.convert_element_type_p.bind(mask, new_dtype=x.dtype, weak=True)
    return add(number(pick), mul(number(E.eq_p.bind(x, y)), _const(0.5, x)))


def _max_weight(x, y):
    return _tie_weight(x, y, _greater(x, y))


def _greater(x, y):
    """x > y, complex numbers ordered by real part, then imaginary part, as max's kernels order them."""
    if x.dtype not in dtypes.COMPLEX:
        return E.gt_p.bind(x, y)
    rx, ry = E.real_p.bind(x), E.real_p.bind(y)
    imag_greater = E.gt_p.bind(E.imag_p.bind(x), E.imag_p.bind(y))
    return E.or_p.bind(E.gt_p.bind(rx, ry), E.and_p.bind(E.eq_p.bind(rx, ry), imag_greater))


defjvp(E.mul_p, lambda t, ans, x, y: mul(t, y), lambda t, ans, x, y: mul(x, t))
# -(t * ans) / y, not -t * (ans / y): with ans = x / y, XLA rewrites (x / y) / y into x / (y * y),
# and y * y overflows (|y| > 1.8e19 in float32) or underflows where the derivative does not
defjvp(E.div_p, lambda t, ans, x, y: div(t, y), lambda t, ans, x, y: neg(div(mul(t, ans), y)))
# the quotient (x - ans) / y is an integer only up to rounding (x - ans rounds, and XLA may divide
# by a reciprocal): rounding it to the nearest integer, not truncating, keeps 0.99999994 at 1
defjvp(E.rem_p, lambda t, ans, x, y: t,
       lambda t, ans, x, y: neg(mul(t, E.round_p.bind(div(sub(x, ans), y)))))
defjvp(E.pow_p, lambda t, ans, x, y: _pow_jvp_x(t, x, y), lambda t, ans, x, y: _pow_jvp_y(t, ans, x))
defjvp(E.max_p, lambda t, ans, x, y: mul(t, _max_weight(x, y)), lambda t, ans, x, y: mul(t, _max_weight(y, x)))
defjvp(E.min_p, lambda t, ans, x, y: mul(t, _max_weight(y, x)), lambda t, ans, x, y: mul(t, _max_weight(x, y)))
defjvp(E.atan2_p, lambda t, ans, x, y: mul(t, _over_squares(y, x, y)),
       lambda t, ans, x, y: neg(mul(t, _over_squares(x, x, y))))
defjvp(E.copysign_p, lambda t, ans, x, y: mul(t, mul(E.copysign_p.bind(_const(1, x), x), E.copysign_p.bind(_const(1, ans), ans))),
       None)


def _over_squares(z, x, y):
    """z / (x*x + y*y) for z one of x, y (atan2's derivatives), formed on the operands scaled by
    s = max(|x|, |y|) as (z/s) / q * (1/s), q = (x/s)**2 + (y/s)**2 in [1, 2]: the squares of the
    operands overflow (|x| > 1.8e19 in float32) or underflow where the quotient does not. (Not
    (z/s) / (s*q): XLA rewrites a quotient divided again into a / (b*c), which is s*s*q.) An
    infinite operand scales to +-1, not inf / inf = NaN, so that at infinity the quotient is
    its limit, 0."""
    s = E.max_p.bind(E.abs_p.bind(x), E.abs_p.bind(y))
    infinite = _const(math.inf, s)

    def scaled(v):
        return select(E.eq_p.bind(E.abs_p.bind(v), infinite), div(v, s), E.copysign_p.bind(_const(1, v), v))
    q = add(square(scaled(x)), square(scaled(y)))
    return mul(div(scaled(z), q), div(_const(1, s), s))


def _pow_jvp_x(t, x, y):
    # y * x ** (y - 1), with x taken as 1 at x = 0, y = 0: that gives 0 there rather than
    # 0 * inf, and keeps the derivatives of this expression finite, while everywhere else
    # (y = 0 included, where its derivative in y is 1 / x) it is the formula itself
    both_zero = E.and_p.bind(E.eq_p.bind(x, _const(0, x)), E.eq_p.bind(y, _const(0, y)))
    safe_x = select(both_zero, x, _const(1, x))
    return mul(t, mul(y, E.pow_p.bind(safe_x, sub(y, _const(1, y)))))


def _pow_jvp_y(t, ans, x):
    # log(x) * x ** y, with 0 where x = 0 (the limit along y > 0)
    zero = E.eq_p.bind(x, _const(0, x))
    safe_log = log(select(zero, x, _const(1, x)))
    return mul(t, select(zero, mul(safe_log, ans), _const(0, ans)))


# special functions of several operands ---------------------------------------------------------
def _log_power(c, x, log_fn, pole):
    """c * log_fn(x), 0 where c == 0 and x == pole, where log_fn is infinite (the factor x**0 of a
    density is 1, also at x == 0); elsewhere, c == 0 included, its derivative in c is log_fn(x)."""
    zero = E.and_p.bind(E.eq_p.bind(c, _const(0, c)), E.eq_p.bind(x, _const(pole, x)))
    return select(zero, mul(c, log_fn(select(zero, x, _const(0.5, x)))), _const(0, c))


def _gamma_density(a, x):
    """d/dx igamma(a, x) = x**(a - 1) exp(-x) / Gamma(a), 0 at x = inf (not exp(inf - inf))."""
    at_inf = E.eq_p.bind(x, _const(math.inf, x))
    x = select(at_inf, x, _const(1, x))  # finite where unused, so that no NaN flows back
    density = exp(sub(sub(_log_power(sub(a, _const(1, a)), x, log, 0), x), E.lgamma_p.bind(a)))
    return select(at_inf, density, _const(0, density))


def _beta_density(a, b, x):
    """d/dx betainc(a, b, x) = x**(a - 1) (1 - x)**(b - 1) / B(a, b)."""
    one = _const(1, x)
    log_beta = sub(add(E.lgamma_p.bind(a), E.lgamma_p.bind(b)), E.lgamma_p.bind(add(a, b)))
    powers = add(_log_power(sub(a, one), x, log, 0), _log_power(sub(b, one), neg(x), E.log1p_p.bind, -1))
    return exp(sub(powers, log_beta))


def _not_differentiable(function: str, argument: str, differentiable: str):
    """A jvp term that refuses: the derivative in `argument` is not implemented (that in
    `differentiable` is)."""
    def rule(t, ans, *primals):
        raise op_error(NotImplementedError, function, f"has no derivative in its argument `{argument}` yet "
                       f"(only in `{differentiable}`)",
                       f"if `{argument}` need not be differentiated, pass fx.stop_gradient({argument}); otherwise "
                       "differentiate by finite differences")
    return rule


def _gamma_density_grad_a(a, x):
    """d/da of the density, d/dx igamma_grad_a(a, x): the density times log x - digamma(a), 0 where
    the density is (x = inf, or x = 0 for a > 1)."""
    density = _gamma_density(a, x)
    zero = E.eq_p.bind(density, _const(0, density))
    log_x = log(select(zero, x, _const(1, x)))  # finite where unused, so that no NaN flows back
    return select(zero, mul(density, sub(log_x, E.digamma_p.bind(a))), _const(0, density))


defjvp(E.igamma_p, lambda t, ans, a, x: mul(t, E.igamma_grad_a_p.bind(a, x)),
       lambda t, ans, a, x: mul(t, _gamma_density(a, x)))
defjvp(E.igammac_p, lambda t, ans, a, x: neg(mul(t, E.igamma_grad_a_p.bind(a, x))),
       lambda t, ans, a, x: neg(mul(t, _gamma_density(a, x))))
# the rules of igamma_grad_a (gammainc's second derivative in a), betainc and zeta run loops over
# fluxion.numpy: they are in fluxion/scipy/_incomplete_gamma.py, _incomplete_beta.py and _zeta_order.py


# linear ----------------------------------------------------------------------------------------
def _add_transpose(ct, x, y):
    return [unbroadcast(ct, x.aval) if is_undefined(x) else None, unbroadcast(ct, y.aval) if is_undefined(y) else None]


def _sub_transpose(ct, x, y):
    return [unbroadcast(ct, x.aval) if is_undefined(x) else None, unbroadcast(neg(ct), y.aval) if is_undefined(y) else None]


def _mul_transpose(ct, x, y):
    if is_undefined(x):
        return [unbroadcast(mul(ct, y), x.aval), None]
    return [None, unbroadcast(mul(x, ct), y.aval)]


def _div_transpose(ct, x, y):
    return [unbroadcast(div(ct, y), x.aval), None]


def _select_transpose(ct, which, *cases):
    zero = _const(0, ct)
    out = [None]
    for i, c in enumerate(cases):
        if not is_undefined(c):
            out.append(None)
            continue
        if which.dtype == dtypes.bool_:
            picked = select(which, ct, zero) if i == 0 else select(which, zero, ct)
        else:
            picked = select(E.eq_p.bind(which, _const(i, which)), zero, ct)
        out.append(unbroadcast(picked, c.aval))
    return out


def _convert_jvp(primals, tangents, *, new_dtype, weak=False):
    (x,), (t,) = primals, tangents
    ans = E.convert_element_type_p.bind(x, new_dtype=new_dtype, weak=weak)
    if t.__class__ is Zero or new_dtype not in dtypes.FLOATING:
        return ans, Zero(ans.aval)
    return ans, E.convert_element_type_p.bind(t, new_dtype=new_dtype, weak=weak)


def _convert_transpose(ct, x, *, new_dtype, weak=False):
    return [E.convert_element_type_p.bind(ct, new_dtype=x.aval.dtype, weak=x.aval.weak)]


def _complex_parts_transpose(real_part: bool):
    def rule(ct, x):
        zero = _const(0, ct)
        parts = (ct, zero) if real_part else (zero, neg(ct))
        return [E.complex_p.bind(*parts)]
    return rule


def _complex_transpose(ct, x, y):
    return [unbroadcast(E.real_p.bind(ct), x.aval) if is_undefined(x) else None,
            unbroadcast(neg(E.imag_p.bind(ct)), y.aval) if is_undefined(y) else None]


deflinear(E.neg_p, lambda ct, x: [neg(ct)])
deflinear(E.add_p, _add_transpose)
deflinear(E.sub_p, _sub_transpose)
deflinear(E.conj_p, lambda ct, x: [E.conj_p.bind(ct)])
deflinear(E.real_p, _complex_parts_transpose(True))
deflinear(E.imag_p, _complex_parts_transpose(False))
deflinear(E.complex_p, _complex_transpose)
transpose_rules[E.mul_p] = _mul_transpose
transpose_rules[E.div_p] = _div_transpose
jvp_rules[E.convert_element_type_p] = _convert_jvp
transpose_rules[E.convert_element_type_p] = _convert_transpose


def _select_jvp(primals, tangents):
    which, *cases = primals
    ans = select(which, *cases)
    if all(t.__class__ is Zero for t in tangents[1:]) or ans.dtype not in dtypes.FLOATING:
        return ans, Zero(ans.aval)
    return ans, select(which, *map(instantiate, tangents[1:]))


jvp_rules[E.select_n_p] = _select_jvp
transpose_rules[E.select_n_p] = _select_transpose
jvp_rules[E.sign_p] = _sign_jvp


# every primitive of the family (a bitcast's extra axis is last, behind the batch axis moved first)
defelementwise(*(p for p in vars(E).values() if isinstance(p, Primitive)))
