"""Derivatives of the elementwise primitives, of every elementwise fluxion.numpy function and
of every fluxion.scipy.special function.

Oracles: central differences and the dot-product test (check_grads, to second order, forward
and reverse mode) in float64 and float32, over 0-d, 1-d and broadcasting shapes; jax's first
and second derivatives of the same program in float64; the dense Jacobian of each linear
primitive; and, for complex numbers, check_grads and jax with complex128 inputs. Inputs are
drawn inside each function's domain and away from its kinks, jumps and singularities; the
points where a composition branches but the function is smooth (ties of logaddexp, hypot at
0, sinc at 0, xlogy at x == 0) have their own table. Kinks are in test_numerics.py.
"""

import numpy as np
import pytest
import scipy.special

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.core.primitive import Primitive, jvp_rules, transpose_rules
from fluxion.numpy import _elementwise
from fluxion.ops import elementwise as E
from fluxion.ops._ad import UndefinedPrimal, Zero
from fluxion.test_util import check_grads

from _arrays import rand
from _jax_oracle import assert_derivatives_match_jax, jax_x64
from _transpose_check import check_transpose

jax = jax_x64()
jnp, lax, jsp = jax.numpy, jax.lax, jax.scipy.special


# domains: each draws float64 values of a shape -------------------------------------------------
def uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def signed(lo, hi):
    """|x| in [lo, hi], either sign: away from 0."""
    return lambda rng, shape: rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)


def between_integers(lo=0.1, hi=0.9):
    """k + u with an integer k in [-2, 2] and u in [lo, hi]: away from the integers."""
    return lambda rng, shape: rng.integers(-2, 3, shape) + rng.uniform(lo, hi, shape)


def off_lattice(rng, shape):
    """Away from the integers and from the halves, where the rounding functions jump."""
    low = rng.uniform(0.1, 0.4, shape)
    return rng.integers(-2, 3, shape) + np.where(rng.random(shape) < 0.5, low, low + 0.5)


def near(*centres, spread=0.1):
    return lambda rng, shape: rng.choice(centres, shape) + rng.uniform(-spread, spread, shape)


REAL, POSITIVE, UNIT, NONZERO = uniform(-2, 2), uniform(0.3, 3), uniform(-0.8, 0.8), signed(0.3, 2)
LOW, HIGH = between_integers(0.1, 0.4), between_integers(0.6, 0.9)  # never equal: extrema have no ties
DIVISOR = near(-4.0, -2.0, -1.0, 1.0, 2.0, 4.0, spread=0)  # with x = k + u, x / y stays off the integers
NOT_INTEGER = between_integers()


def powers_of_two_apart(rng, shape):
    """Away from the powers of two, where frexp's mantissa jumps."""
    return 2.0 ** NOT_INTEGER(rng, shape) * NONZERO(rng, shape)


# (name, program(m, sp, *xs) written once for (fluxion.numpy, fluxion.scipy.special) and
# (jax.numpy, jax.scipy.special), a domain per argument). Programs multiply functions with a
# constant or zero derivative by an input, so that their second derivatives are not trivial.
FUNCTIONS = [
    ("abs", lambda m, sp, x: m.abs(x), [NONZERO]),
    ("fabs", lambda m, sp, x: m.fabs(x), [NONZERO]),
    ("acos", lambda m, sp, x: m.acos(x), [UNIT]),
    ("acosh", lambda m, sp, x: m.acosh(x), [uniform(1.2, 3)]),
    ("asin", lambda m, sp, x: m.asin(x), [UNIT]),
    ("asinh", lambda m, sp, x: m.asinh(x), [REAL]),
    ("atan", lambda m, sp, x: m.atan(x), [REAL]),
    ("atanh", lambda m, sp, x: m.atanh(x), [UNIT]),
    ("atan2", lambda m, sp, x, y: m.atan2(x, y), [NONZERO, NONZERO]),
    ("add", lambda m, sp, x, y: m.add(x, y) * x, [REAL, REAL]),
    ("subtract", lambda m, sp, x, y: m.subtract(x, y) * y, [REAL, REAL]),
    ("multiply", lambda m, sp, x, y: m.multiply(x, y), [REAL, REAL]),
    ("divide", lambda m, sp, x, y: m.divide(x, y), [REAL, NONZERO]),
    ("negative", lambda m, sp, x: m.negative(x) * x, [REAL]),
    ("positive", lambda m, sp, x: m.positive(x) * x, [REAL]),
    ("reciprocal", lambda m, sp, x: m.reciprocal(x), [NONZERO]),
    ("square", lambda m, sp, x: m.square(x), [REAL]),
    ("sqrt", lambda m, sp, x: m.sqrt(x), [POSITIVE]),
    ("cbrt", lambda m, sp, x: m.cbrt(x), [NONZERO]),
    ("exp", lambda m, sp, x: m.exp(x), [REAL]),
    ("exp2", lambda m, sp, x: m.exp2(x), [REAL]),
    ("expm1", lambda m, sp, x: m.expm1(x), [REAL]),
    ("log", lambda m, sp, x: m.log(x), [POSITIVE]),
    ("log2", lambda m, sp, x: m.log2(x), [POSITIVE]),
    ("log10", lambda m, sp, x: m.log10(x), [POSITIVE]),
    ("log1p", lambda m, sp, x: m.log1p(x), [uniform(-0.7, 3)]),
    ("logaddexp", lambda m, sp, x, y: m.logaddexp(x, y), [REAL, REAL]),
    ("logaddexp2", lambda m, sp, x, y: m.logaddexp2(x, y), [REAL, REAL]),
    ("sin", lambda m, sp, x: m.sin(x), [REAL]),
    ("cos", lambda m, sp, x: m.cos(x), [REAL]),
    ("tan", lambda m, sp, x: m.tan(x), [uniform(-1.2, 1.2)]),
    ("sinh", lambda m, sp, x: m.sinh(x), [REAL]),
    ("cosh", lambda m, sp, x: m.cosh(x), [REAL]),
    ("tanh", lambda m, sp, x: m.tanh(x), [REAL]),
    ("sinc", lambda m, sp, x: m.sinc(x), [REAL]),
    ("deg2rad", lambda m, sp, x: m.deg2rad(x) * x, [REAL]),
    ("rad2deg", lambda m, sp, x: m.rad2deg(x) * x, [REAL]),
    ("hypot", lambda m, sp, x, y: m.hypot(x, y), [NONZERO, NONZERO]),
    ("pow", lambda m, sp, x, y: m.pow(x, y), [POSITIVE, REAL]),
    ("power", lambda m, sp, x, y: m.power(x, y), [POSITIVE, REAL]),
    ("pow_int", lambda m, sp, x: x ** 3 + m.pow(x, 2) * m.power(x, -2), [NONZERO]),
    ("pow_zero", lambda m, sp, x: m.pow(x, 0) * x, [REAL]),
    ("float_power", lambda m, sp, x, y: m.float_power(x, y), [POSITIVE, REAL]),
    ("maximum", lambda m, sp, x, y: m.maximum(x, y) * x, [LOW, HIGH]),
    ("minimum", lambda m, sp, x, y: m.minimum(x, y) * y, [LOW, HIGH]),
    ("fmax", lambda m, sp, x, y: m.fmax(x, y) * x, [HIGH, LOW]),
    ("fmin", lambda m, sp, x, y: m.fmin(x, y) * y, [HIGH, LOW]),
    ("clip", lambda m, sp, x: m.clip(x, -1.0, 1.0) * x, [NOT_INTEGER]),
    ("clip_arrays", lambda m, sp, x, lo, hi: m.clip(x, lo, hi) * x, [NOT_INTEGER, near(-2.0, -1.0, spread=0),
                                                                       near(1.0, 2.0, spread=0)]),
    ("clip_one_side", lambda m, sp, x: m.clip(x, max=0.0) + m.clip(x, min=1.0), [NOT_INTEGER]),
    ("copysign", lambda m, sp, x, y: m.copysign(x, y) * x, [NONZERO, NONZERO]),
    ("floor_divide", lambda m, sp, x, y: m.floor_divide(x, y) * x, [NOT_INTEGER, DIVISOR]),
    ("remainder", lambda m, sp, x, y: m.remainder(x, y) * x, [NOT_INTEGER, DIVISOR]),
    ("mod", lambda m, sp, x, y: m.mod(x, y) * y, [NOT_INTEGER, DIVISOR]),
    ("fmod", lambda m, sp, x, y: m.fmod(x, y) * y, [NOT_INTEGER, DIVISOR]),
    ("divmod", lambda m, sp, x, y: m.divmod(x, y)[0] * x + m.divmod(x, y)[1], [NOT_INTEGER, DIVISOR]),
    ("round", lambda m, sp, x: m.round(x) * x, [off_lattice]),
    ("round_decimals", lambda m, sp, x: m.round(x * 0.1, 1) * x, [off_lattice]),
    ("rint", lambda m, sp, x: m.rint(x) * x, [off_lattice]),
    ("floor", lambda m, sp, x: m.floor(x) * x, [off_lattice]),
    ("ceil", lambda m, sp, x: m.ceil(x) * x, [off_lattice]),
    ("trunc", lambda m, sp, x: m.trunc(x) * x, [off_lattice]),
    ("fix", lambda m, sp, x: (m.fix if m is fnp else m.trunc)(x) * x, [off_lattice]),  # jax.numpy dropped fix
    ("sign", lambda m, sp, x: m.sign(x) * x, [NONZERO]),
    ("heaviside", lambda m, sp, x, y: m.heaviside(x, y) * y, [NONZERO, REAL]),
    ("heaviside_at_zero", lambda m, sp, x, y: m.heaviside(x * 0.0, y) * x, [NONZERO, REAL]),
    ("real", lambda m, sp, x: m.real(x) * x, [REAL]),
    ("imag", lambda m, sp, x: m.imag(x) + x, [REAL]),
    ("conj", lambda m, sp, x: m.conj(x) * x, [REAL]),
    ("angle", lambda m, sp, x: m.angle(x) + x, [NONZERO]),
    ("nan_to_num", lambda m, sp, x: m.nan_to_num(x) * x, [REAL]),
    ("ldexp", lambda m, sp, x: m.ldexp(x, 3) + m.ldexp(x * x, -2), [REAL]),
    ("frexp", lambda m, sp, x: m.frexp(x)[0] * x, [powers_of_two_apart]),
    ("where", lambda m, sp, x, y: m.where(x > 0, x * y, m.sin(y)), [NONZERO, REAL]),
    ("select", lambda m, sp, x, y: m.select([x > 0.5, x < -0.5], [x * y, m.cos(x)], y * y),
     [near(-1.5, -0.1, 0.2, 1.2), REAL]),
    ("erf", lambda m, sp, x: sp.erf(x), [REAL]),
    ("erfc", lambda m, sp, x: sp.erfc(x), [REAL]),
    ("erfinv", lambda m, sp, x: sp.erfinv(x), [UNIT]),
    ("gammaln", lambda m, sp, x: sp.gammaln(x), [uniform(-2.9, 3)]),
    ("digamma", lambda m, sp, x: sp.digamma(x), [NOT_INTEGER]),
    ("expit", lambda m, sp, x: sp.expit(x), [REAL]),
    ("logit", lambda m, sp, x: sp.logit(x), [uniform(0.05, 0.95)]),
    ("ndtr", lambda m, sp, x: sp.ndtr(x), [REAL]),
    ("ndtri", lambda m, sp, x: sp.ndtri(x), [uniform(0.02, 0.98)]),
    ("xlogy", lambda m, sp, x, y: sp.xlogy(x, y), [REAL, POSITIVE]),
    ("xlog1py", lambda m, sp, x, y: sp.xlog1py(x, y), [REAL, uniform(-0.7, 3)]),
    ("logsumexp", lambda m, sp, x: sp.logsumexp(x, axis=-1 if x.ndim else None) * x.sum(), [REAL]),
    ("logsumexp_all", lambda m, sp, x: sp.logsumexp(x), [REAL]),
    ("logsumexp_weights", lambda m, sp, x, b: sp.logsumexp(x, b=b), [REAL, POSITIVE]),
    ("softmax", lambda m, sp, x: sp.softmax(x, axis=-1 if x.ndim else None) * x, [REAL]),
    ("log_softmax", lambda m, sp, x: sp.log_softmax(x, axis=-1 if x.ndim else None) * x, [REAL]),
    ("gamma", lambda m, sp, x: sp.gamma(x), [NOT_INTEGER]),
    ("loggamma", lambda m, sp, x: sp.loggamma(x), [POSITIVE]),
    ("gammasgn", lambda m, sp, x: sp.gammasgn(x) * x, [NOT_INTEGER]),
    ("beta", lambda m, sp, x, y: sp.beta(x, y), [POSITIVE, POSITIVE]),
    ("betaln", lambda m, sp, x, y: sp.betaln(x, y), [POSITIVE, POSITIVE]),
    ("poch", lambda m, sp, x, y: sp.poch(x, y), [POSITIVE, POSITIVE]),
    ("factorial", lambda m, sp, x: sp.factorial(x), [POSITIVE]),
    ("multigammaln", lambda m, sp, x: sp.multigammaln(x, 3), [uniform(1.2, 3)]),
    # the incomplete functions and zeta in their continuous argument here (their derivatives in the
    # parameters are tested in tests/scipy/test_special_parameter_derivatives.py and test_gammainc_grad_a.py)
    ("gammainc", lambda m, sp, x: sp.gammainc(2.5, x), [POSITIVE]),
    ("gammaincc", lambda m, sp, x: sp.gammaincc(0.7, x), [POSITIVE]),
    ("betainc", lambda m, sp, x: sp.betainc(2.0, 3.5, x), [uniform(0.05, 0.95)]),
    ("zeta", lambda m, sp, x: sp.zeta(3.0, x), [POSITIVE]),
    ("polygamma", lambda m, sp, x: sp.polygamma(1, x) + sp.polygamma(0, x), [NOT_INTEGER]),
    ("i0", lambda m, sp, x: sp.i0(x) + m.i0(x), [REAL]),
    ("i0e", lambda m, sp, x: sp.i0e(x), [NONZERO]),
    ("i1", lambda m, sp, x: sp.i1(x), [REAL]),
    ("i1e", lambda m, sp, x: sp.i1e(x), [NONZERO]),
    ("log_ndtr", lambda m, sp, x: sp.log_ndtr(x * 4), [REAL]),
    ("erfcx", lambda m, sp, x: sp.erfcx(x * 2), [REAL]),
    ("dawsn", lambda m, sp, x: sp.dawsn(x * 4), [REAL]),
    ("fresnel", lambda m, sp, x: sp.fresnel(x * 3)[0] + sp.fresnel(x * 3)[1] * x, [REAL]),
    ("sici", lambda m, sp, x: sp.sici(x * 10)[0] + sp.sici(x * 10)[1] * x, [POSITIVE]),
    ("owens_t", lambda m, sp, h, a: sp.owens_t(h * 2, a * 2), [REAL, REAL]),
    ("bessel_jn", lambda m, sp, x: sp.bessel_jn(x * 5, v=3).sum(0), [REAL]),
    # in x only (neither has a derivative in a or b); jax's values are inaccurate for x < 0
    ("hyp1f1", lambda m, sp, x: sp.hyp1f1(1.5, 2.5, x * 3), [POSITIVE]),
    ("hyp2f1", lambda m, sp, x: sp.hyp2f1(1.5, 2.5, 3.2, x * 0.3), [POSITIVE]),
    # real and imaginary parts of Y_3^2 in theta and phi (jax's takes 1-d arrays and n_max)
    ("sph_harm_y", lambda m, sp, x, y: (lambda x, y: (lambda v: m.real(v) + m.imag(v) * x)(sp.sph_harm_y(
        m.full(x.shape, 3), m.full(x.shape, 2), x, y, n_max=3)))(*(m.ravel(v) for v in m.broadcast_arrays(x, y))),
     [REAL, REAL]),
    # comb in N and k (jax's comb is exp of log-gamma differences: the same derivatives)
    ("comb", lambda m, sp, x, y: sp.comb(x * 4 + 9, y + 3), [REAL, REAL]),
    ("entr", lambda m, sp, x: sp.entr(x), [POSITIVE]),
    ("rel_entr", lambda m, sp, x, y: sp.rel_entr(x, y), [POSITIVE, POSITIVE]),
    ("kl_div", lambda m, sp, x, y: sp.kl_div(x, y), [POSITIVE, POSITIVE]),
    ("boxcox", lambda m, sp, x, y: sp.boxcox(x, y), [POSITIVE, REAL]),
    ("boxcox1p", lambda m, sp, x, y: sp.boxcox1p(x, y), [POSITIVE, REAL]),
    # jax has no inverse Box-Cox: its side is the formula, (1 + lmbda y) ** (1 / lmbda) (- 1)
    ("inv_boxcox", lambda m, sp, x: sp.inv_boxcox(x, 0.5) if sp is fsp else (1 + 0.5 * x) ** 2, [POSITIVE]),
    ("inv_boxcox1p", lambda m, sp, x: sp.inv_boxcox1p(x, 0.5) if sp is fsp else (1 + 0.5 * x) ** 2 - 1, [POSITIVE]),
    ("modf", lambda m, sp, x: m.modf(x)[0] * x + m.modf(x)[1] * x, [off_lattice]),
    # a step function (jax has no derivative for it: its side is stopped)
    ("spacing", lambda m, sp, x: (m.spacing(x) if m is fnp else m.spacing(lax.stop_gradient(x))) * x + x,
     [powers_of_two_apart]),
]
FUNCTION_IDS = [c[0] for c in FUNCTIONS]

SHAPES = {  # per arity: 0-d, 1-d and broadcasting shapes
    1: [((),), ((5,),), ((2, 3),)],
    2: [((), ()), ((4,), ()), ((3, 1), (4,))],
    3: [((), (), ()), ((4,), (), (4,)), ((3, 1), (4,), (1,))],
}


def _inputs(domains, shapes, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return [np.asarray(d(rng, s), dtype) for d, s in zip(domains, shapes)]


def _fluxion(program):
    return lambda *xs: program(fnp, fsp, *xs)


def _jax(program):
    return lambda *xs: program(jnp, jsp, *xs)


def _check(f, xs):
    """check_grads to second order, and cotangents of exactly the inputs' shapes and dtypes (the
    dot-product test alone would not see a missing sum over broadcast axes)."""
    xs = [fnp.asarray(x) for x in xs]
    check_grads(f, xs, order=2)
    out, pullback = fx.vjp(f, *xs)
    for x, g in zip(xs, pullback(fnp.ones_like(out))):
        assert (g.shape, g.dtype) == (x.shape, x.dtype)


SLOW = {"hyp1f1", "hyp2f1"}  # (seconds a case: their series run eagerly; the broadcasting set only)


def _sweep(table, ids) -> list:
    """One case per entry and shape set of its arity in float64, and float32 on the broadcasting
    set (the last), which meets every path the others do."""
    return [pytest.param(entry, shapes, k, dtype, id=f"{name}-{k}-{np.dtype(dtype).name}")
            for name, entry in zip(ids, table) for k, shapes in enumerate(SHAPES[len(entry[-1])])
            if name not in SLOW or shapes is SHAPES[len(entry[-1])][-1]
            for dtype in ((np.float64, np.float32) if shapes is SHAPES[len(entry[-1])][-1] else (np.float64,))]


@pytest.mark.parametrize("entry,shapes,seed,dtype", _sweep(FUNCTIONS, FUNCTION_IDS))
def test_function_second_derivatives_match_finite_differences(entry, shapes, seed, dtype):
    _, program, domains = entry
    _check(_fluxion(program), _inputs(domains, shapes, seed, dtype))


@pytest.mark.parametrize("name,program,domains", FUNCTIONS, ids=FUNCTION_IDS)
def test_function_derivatives_match_jax(name, program, domains):
    shapes = SHAPES[len(domains)][-1]
    assert_derivatives_match_jax(_fluxion(program), _jax(program), _inputs(domains, shapes, seed=3), rtol=1e-9)


ALIASES = [("absolute", "abs"), ("arccos", "acos"), ("arccosh", "acosh"), ("arcsin", "asin"), ("arcsinh", "asinh"),
           ("arctan", "atan"), ("arctan2", "atan2"), ("arctanh", "atanh"), ("around", "round"), ("conjugate", "conj"),
           ("degrees", "rad2deg"), ("radians", "deg2rad"), ("true_divide", "divide")]
# boolean or integer results, and nextafter (whose derivative is 0 by decision)
NOT_DIFFERENTIABLE = {
    "bitwise_and", "bitwise_count", "bitwise_invert", "bitwise_left_shift", "bitwise_not", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "equal", "gcd", "greater", "greater_equal", "invert", "iscomplex",
    "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal", "lcm", "left_shift", "less", "less_equal",
    "logical_and", "logical_not", "logical_or", "logical_xor", "nextafter", "not_equal", "right_shift", "signbit"}


# jax is no oracle for these: its exp1, expi and expn fail under vmap(grad), its spence is NaN above 1;
# tests/scipy/test_exponential_integrals.py checks their derivatives against the closed forms and
# finite differences, to second order; jax has no wofz (tests/scipy/test_wofz.py does the same for it),
# nor the functions of tests/scipy/test_special_added.py, which checks them the same way, nor ndtri_exp
# (tests/scipy/test_special_inverse_edges.py: its derivative against finite differences of SciPy's)
OTHER_ORACLES = {"exp1", "expi", "expn", "spence", "wofz", "bdtr", "bdtrc", "betaincinv", "binom", "chdtr", "chdtrc",
                 "erfcinv", "gammainccinv", "gammaincinv", "j0", "j1", "k0", "k0e", "k1", "k1e", "log_expit",
                 "ndtri_exp", "pdtr", "pdtrc", "stdtr", "y0", "y1"}
# functions of Python numbers only, with nothing to differentiate
NO_ARRAY_ARGUMENTS = {"bernoulli"}


def _covered(name):
    return any(i == name or i.startswith(name + "_") for i in FUNCTION_IDS)


def test_every_elementwise_and_special_function_is_in_the_table():
    for alias, name in ALIASES:
        assert getattr(fnp, alias) is getattr(fnp, name), alias
    aliases = {a for a, _ in ALIASES}
    missing = [n for n in _elementwise.__all__ if n not in aliases | NOT_DIFFERENTIABLE and not _covered(n)]
    missing += [n for n in fsp.__all__ if not _covered(n) and n not in OTHER_ORACLES | NO_ARRAY_ARGUMENTS]
    assert not missing, f"add {missing} to FUNCTIONS"


BOOLEAN_RESULTS = [  # (name, arity) of the functions of floats with boolean results
    ("equal", 2), ("not_equal", 2), ("greater", 2), ("greater_equal", 2), ("less", 2), ("less_equal", 2),
    ("logical_and", 2), ("logical_or", 2), ("logical_xor", 2), ("logical_not", 1), ("isfinite", 1), ("isinf", 1),
    ("isnan", 1), ("isneginf", 1), ("isposinf", 1), ("isreal", 1), ("iscomplex", 1), ("signbit", 1),
]


@pytest.mark.parametrize("name,arity", BOOLEAN_RESULTS, ids=[c[0] for c in BOOLEAN_RESULTS])
def test_boolean_results_have_zero_derivatives_and_gate_others(name, arity):
    def f(x):
        return getattr(fnp, name)(*(x, x * x)[:arity])

    x = fnp.asarray([-1.5, 0.0, 2.0, 0.5])
    np.testing.assert_array_equal(np.asarray(fx.grad(lambda x: fnp.sum(x * f(x)))(x)), np.asarray(f(x), float))
    _, tangent = fx.jvp(f, (x,), (fnp.ones_like(x),))
    assert not np.asarray(tangent).any()


def test_nextafter_has_a_zero_derivative():
    x = fnp.asarray([0.5, -1.0])
    np.testing.assert_array_equal(np.asarray(fx.grad(lambda x: fnp.sum(fnp.nextafter(x, 2.0)))(x)), 0.0)


# points where a composition branches but the function is smooth -------------------------------
# (name, fluxion function, jax function or None where jax's derivatives are wrong there, points)
SMOOTH_POINTS = [
    ("logaddexp_ties", fnp.logaddexp, jnp.logaddexp, [[0.5, 0.0, -3.0, 40.0], [0.5, 0.0, -3.0, 40.0]]),
    ("logaddexp2_ties", fnp.logaddexp2, jnp.logaddexp2, [[0.5, 0.0, -3.0, 40.0], [0.5, 0.0, -3.0, 40.0]]),
    ("logaddexp_minus_infinity", fnp.logaddexp, jnp.logaddexp, [[-np.inf, 1.0], [1.0, -np.inf]]),
    # jax's hypot shares the derivative out at |x| == |y| and loses the curvature there
    ("hypot_ties", fnp.hypot, None, [[1.5, 1.5, -0.5, 2.0], [1.5, -1.5, -0.5, -2.0]]),
    ("hypot_one_zero", fnp.hypot, jnp.hypot, [[0.0, 2.0, -0.0, 0.0], [2.0, 0.0, -3.0, -0.5]]),
    ("sinc_zero", fnp.sinc, jnp.sinc, [[0.0, 0.5, 1.0]]),
    ("xlogy_x_zero", fsp.xlogy, jsp.xlogy, [[0.0, 0.0, 1.0], [2.0, 0.5, 3.0]]),
    ("xlog1py_x_zero", fsp.xlog1py, jsp.xlog1py, [[0.0, 0.0, 1.0], [2.0, -0.5, 3.0]]),
    ("logit_branches", fsp.logit, jsp.logit, [[0.25, 0.5, 0.75, 0.2499, 0.7501]]),
    ("ndtri_branches", fsp.ndtri, jsp.ndtri, [[0.25, 0.5, 0.75, 0.2499, 0.7501, 0.05, 0.95]]),
]


@pytest.mark.parametrize("name,f,jf,points", SMOOTH_POINTS, ids=[c[0] for c in SMOOTH_POINTS])
def test_derivatives_at_branch_points_of_smooth_functions(name, f, jf, points):
    xs = [np.asarray(p, np.float64) for p in points]
    finite = all(np.isfinite(x).all() for x in xs)
    if finite:
        check_grads(f, [fnp.asarray(x) for x in xs], order=3, eps=1e-4, atol=1e-4, rtol=1e-4)
        check_grads(f, [fnp.asarray(x.astype(np.float32)) for x in xs], order=2)
    if jf is not None:
        assert_derivatives_match_jax(f, jf, xs, rtol=1e-9)


@pytest.mark.parametrize("p", [1e-10, 0.01, 0.05, 0.2, 0.5, 0.9])
def test_ndtri_derivatives_are_those_of_the_inverse_of_ndtr(p):
    x = scipy.special.ndtri(p)
    d = np.sqrt(2 * np.pi) * np.exp(x * x / 2)  # 1 / ndtr'(x); the derivatives are d, x d**2, (1 + 2 x**2) d**3
    g1 = fx.grad(fsp.ndtri)
    g2 = fx.grad(g1)
    g3 = fx.grad(g2)
    got = [float(g(fnp.asarray(p, dtype=fnp.float64))) for g in (g1, g2, g3)]
    np.testing.assert_allclose(got, [d, x * d ** 2, (1 + 2 * x * x) * d ** 3], rtol=1e-12, atol=1e-12)


def test_ndtri_derivatives_in_the_far_tails_match_jax():
    # where 2p - 1 rounds to -1, the centre's formula must not even be differentiated
    assert_derivatives_match_jax(fsp.ndtri, jsp.ndtri, [np.array([1e-10, 1e-100, 1 - 1e-10, 1e-300])], rtol=1e-9)
    x = fnp.asarray(np.array([1e-10, 1e-30, 1 - 1e-7], np.float32))
    assert np.isfinite(np.asarray(fx.grad(lambda p: fnp.sum(fsp.ndtri(p)))(x))).all()


def test_hypot_second_derivatives_at_ties_are_those_of_the_euclidean_norm():
    x, y = 1.5, -1.5
    hessian = np.asarray(fx.hessian(fnp.hypot, argnums=(0, 1))(fnp.asarray(x, dtype=fnp.float64),
                                                                fnp.asarray(y, dtype=fnp.float64)))
    r = np.hypot(x, y)
    np.testing.assert_allclose(hessian, np.array([[y * y, -x * y], [-x * y, x * x]]) / r ** 3, rtol=1e-14)


def _forward(f, wrt):
    """The derivative of the elementwise f(x, y) in argument `wrt`, by forward mode."""
    def df(x, y):
        ones = (fnp.ones_like(x), fnp.zeros_like(y)) if wrt == 0 else (fnp.zeros_like(x), fnp.ones_like(y))
        return fx.jvp(f, (x, y), ones)[1]
    return df


def _reverse(f, wrt):
    """The derivative of the elementwise f(x, y) in argument `wrt`, by reverse mode."""
    return lambda x, y: fx.grad(lambda x, y: fnp.sum(f(x, y)), argnums=wrt)(x, y)


def _derivatives(f, inner, outer):
    """(dx, dy, dxx, dxy, dyy) of the elementwise f(x, y), each entry of the Hessian by `outer` of `inner`."""
    dx, dy = inner(f, 0), inner(f, 1)
    return lambda x, y: (dx(x, y), dy(x, y), outer(dx, 0)(x, y), outer(dx, 1)(x, y), outer(dy, 1)(x, y))


def _central_differences(f, x, y):
    """(dx, dy, dxx, dxy, dyy) of the NumPy function f at float64 x, y by central differences with a relative step."""
    h = 1e-4 * np.maximum(np.abs(x), np.abs(y))
    dx = lambda f: lambda x, y: (f(x + h, y) - f(x - h, y)) / (2 * h)  # noqa: E731
    dy = lambda f: lambda x, y: (f(x, y + h) - f(x, y - h)) / (2 * h)  # noqa: E731
    return tuple(d(x, y) for d in (dx(f), dy(f), dx(dx(f)), dy(dx(f)), dy(dy(f))))


MODES = {"rev_rev": (_reverse, _reverse), "fwd_rev": (_reverse, _forward), "rev_fwd": (_forward, _reverse),
         "fwd_fwd": (_forward, _forward)}


# magnitudes where the square of an operand overflows or underflows, while the derivatives do not
@pytest.mark.parametrize("dtype,scale", [(np.float64, 1e-300), (np.float64, 1e300), (np.float32, 1e-30),
                                         (np.float32, 1e20), (np.float32, 1e30)])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_hypot_derivatives_at_huge_and_tiny_magnitudes_match_finite_differences(dtype, scale, mode, jit):
    # under jit a derivative with (x / h) / h became x / (h * h) (XLA's simplification) and overflowed
    _check_derivatives_at_scale(fnp.hypot, np.hypot, 1, dtype, scale, 2, mode, jit)


def _check_derivatives_at_scale(f, oracle, degree, dtype, scale, orders, mode, jit):
    """The derivatives of `f` up to order `orders` at points of magnitude `scale` against central
    differences of the NumPy `oracle`; `f` is homogeneous of `degree` (its derivatives of order k
    scale as scale**(degree - k), which sets the absolute tolerance)."""
    x = (np.array([1.0, -3.0, 2.0, 0.0, -5.0, 0.5]) * scale).astype(dtype)
    y = (np.array([3.0, 4.0, -2.0, 5.0, 0.0, -7.0]) * scale).astype(dtype)
    derivatives = _derivatives(f, *MODES[mode])
    got = (fx.jit(derivatives) if jit else derivatives)(fnp.asarray(x), fnp.asarray(y))
    expected = _central_differences(oracle, x.astype(np.float64), y.astype(np.float64))
    rtol = 1e-7 if dtype == np.float64 else 1e-5
    for order, g, e in zip((1, 1, 2, 2, 2), got, expected):
        if order <= orders:
            assert g.dtype == dtype
            np.testing.assert_allclose(np.asarray(g, np.float64), e, rtol=rtol, atol=rtol * scale ** (degree - order))


# magnitudes where the squares of the operands overflow or underflow, while the derivatives of
# the order checked (1/scale**order) do not
@pytest.mark.parametrize("dtype,scale,orders", [(np.float64, 1e-300, 1), (np.float64, 1e300, 1), (np.float32, 1e-30, 1),
                                                (np.float32, 1e20, 1), (np.float32, 1e30, 1), (np.float64, 1e-100, 2),
                                                (np.float64, 1e100, 2), (np.float32, 1e-15, 2), (np.float32, 1e15, 2)])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_arctan2_derivatives_at_huge_and_tiny_magnitudes_match_finite_differences(dtype, scale, orders, mode, jit):
    # the derivatives y / (x*x + y*y) and -x / (x*x + y*y) were formed with the squares
    _check_derivatives_at_scale(fnp.arctan2, np.arctan2, 0, dtype, scale, orders, mode, jit)


@pytest.mark.parametrize("dtype,scale", [(np.float32, 1e20), (np.float32, 1e-20), (np.float64, 1e200)])
def test_derivative_of_a_quotient_in_the_divisor_under_jit_matches_eager_where_the_divisor_squared_overflows(
        dtype, scale):
    # -(x / y) / y was rewritten by XLA into -x / (y * y)
    x = fnp.asarray(np.array([2.0, -3.0]) * scale, dtype=dtype)
    y = fnp.asarray(np.array([4.0, 5.0]) * scale, dtype=dtype)
    d = fx.grad(lambda x, y: fnp.sum(x / y), argnums=1)
    expected = -np.asarray(x, np.float64) / np.asarray(y, np.float64) / np.asarray(y, np.float64)
    for got in (d(x, y), fx.jit(d)(x, y)):
        np.testing.assert_allclose(np.asarray(got, np.float64), expected, rtol=1e-6)


@pytest.mark.parametrize("mode", MODES)
def test_hypot_derivatives_of_every_order_are_zero_at_the_origin(mode):
    zeros = fnp.zeros(3, dtype=fnp.float64)
    derivatives = _derivatives(fnp.hypot, *MODES[mode])
    for d in (derivatives, fx.jit(derivatives)):
        for g in d(zeros, zeros):
            np.testing.assert_array_equal(np.asarray(g), np.zeros(3))


def test_cbrt_derivatives_at_zero_are_the_infinite_limits():
    # cbrt^(k)(x) = c_k x**(1/3 - k): +inf, -inf, +inf at 0+ (the sign of c_k); NaN was 0 * inf
    x = fnp.asarray([0.0, 2.0, -3.0], dtype=fnp.float64)
    g = lambda x: fnp.sum(fnp.cbrt(x))  # noqa: E731
    g1, g2, g3 = fx.grad(g), fx.grad(lambda x: fnp.sum(fx.grad(g)(x))), fx.jacfwd(fx.jacfwd(fx.grad(g)))

    def exact(c, k):
        with np.errstate(divide="ignore"):
            return np.where(np.asarray(x) == 0, np.sign(c) * np.inf, c * np.cbrt(np.asarray(x)) ** (1 - 3 * k))

    np.testing.assert_allclose(g1(x), exact(1 / 3, 1), rtol=1e-14)
    np.testing.assert_allclose(g2(x), exact(-2 / 9, 2), rtol=1e-14)
    np.testing.assert_allclose(np.diagonal(np.diagonal(g3(x))), exact(10 / 27, 3), rtol=1e-14)


@pytest.mark.parametrize("mode", ["rev_rev", "fwd_rev", "rev_fwd"])
def test_second_derivatives_of_powers_at_zero_are_finite(mode):
    # d2/dx2 x**n = n (n - 1) x**(n - 2): 0 at x = 0 for n = 0, 1, 3 and 2 for n = 2, also when
    # the exponent is an array (the pow primitive, not integer_pow)
    n = np.array([0.0, 1.0, 2.0, 3.0, 0.0, 2.5])
    x = np.array([0.0, 0.0, 0.0, 0.0, 1.5, 2.0])
    outer, inner = {"rev_rev": (fx.jacrev, fx.jacrev), "fwd_rev": (fx.jacfwd, fx.jacrev),
                    "rev_fwd": (fx.jacrev, fx.jacfwd)}[mode]
    h = np.asarray(outer(inner(lambda x: fnp.sum(x ** fnp.asarray(n))))(fnp.asarray(x)))
    c = n * (n - 1)
    np.testing.assert_allclose(np.diag(h), np.where(c == 0, 0.0, c * x ** (n - 2)), rtol=1e-12)
    np.testing.assert_array_equal(h - np.diag(np.diag(h)), 0.0)


@pytest.mark.parametrize("x", [0.5, 1.0, 2.0])
def test_hessian_of_power_at_a_zero_exponent_is_symmetric(x):
    # x**y at y = 0: d2/dx2 = 0, d2/dxdy = 1 / x, d2/dy2 = log(x)**2
    args = fnp.asarray(x, dtype=fnp.float64), fnp.asarray(0.0, dtype=fnp.float64)
    expected = np.array([[0.0, 1 / x], [1 / x, np.log(x) ** 2]])
    for hessian in (fx.hessian(lambda a, b: a ** b, argnums=(0, 1)),
                    fx.jacrev(fx.jacrev(lambda a, b: a ** b, argnums=(0, 1)), argnums=(0, 1))):
        np.testing.assert_allclose(np.asarray(hessian(*args)), expected, rtol=1e-12)


# complex numbers ------------------------------------------------------------------------------
def complex_domain(re, im):
    return lambda rng, shape: re(rng, shape) + 1j * im(rng, shape)


OFF_AXES = complex_domain(signed(0.3, 1.5), signed(0.3, 1.5))  # away from every branch cut and pole


def anywhere(rng, shape):
    """Complex numbers, about a third of them on the real axis."""
    return REAL(rng, shape) + 1j * np.where(rng.random(shape) < 0.3, 0.0, REAL(rng, shape))


# (name, program(m, z...), domains): holomorphic functions, then functions of the real and
# imaginary parts (whose jvp is real-linear, so the same checks apply)
COMPLEX = [
    ("exp", lambda m, z: m.exp(z), [anywhere]),
    ("exp2", lambda m, z: m.exp2(z), [anywhere]),
    ("expm1", lambda m, z: m.expm1(z), [anywhere]),  # on the real axis too: a composition there
    ("log", lambda m, z: m.log(z), [OFF_AXES]),
    ("log2", lambda m, z: m.log2(z), [OFF_AXES]),
    ("log10", lambda m, z: m.log10(z), [OFF_AXES]),
    ("log1p", lambda m, z: m.log1p(z), [OFF_AXES]),
    ("sqrt", lambda m, z: m.sqrt(z), [OFF_AXES]),
    ("square", lambda m, z: m.square(z), [anywhere]),
    ("reciprocal", lambda m, z: m.reciprocal(z), [OFF_AXES]),
    ("sin", lambda m, z: m.sin(z), [anywhere]),
    ("cos", lambda m, z: m.cos(z), [anywhere]),
    ("tan", lambda m, z: m.tan(z), [OFF_AXES]),
    ("sinh", lambda m, z: m.sinh(z), [anywhere]),
    ("cosh", lambda m, z: m.cosh(z), [anywhere]),
    ("tanh", lambda m, z: m.tanh(z), [OFF_AXES]),
    ("asin", lambda m, z: m.asin(z), [OFF_AXES]),
    ("acos", lambda m, z: m.acos(z), [OFF_AXES]),
    ("atan", lambda m, z: m.atan(z), [OFF_AXES]),
    ("asinh", lambda m, z: m.asinh(z), [OFF_AXES]),
    ("acosh", lambda m, z: m.acosh(z), [OFF_AXES]),
    ("atanh", lambda m, z: m.atanh(z), [OFF_AXES]),
    ("sinc", lambda m, z: m.sinc(z), [anywhere]),
    ("pow", lambda m, z, w: m.pow(z, w), [OFF_AXES, anywhere]),
    ("pow_int", lambda m, z: z ** 3 * m.power(z, -2), [OFF_AXES]),
    ("float_power", lambda m, z, w: m.float_power(z, w), [OFF_AXES, anywhere]),
    ("arithmetic", lambda m, z, w: m.divide(m.multiply(z, w) - m.negative(z), m.add(w, 3.0)) + m.positive(w),
     [anywhere, anywhere]),
    ("where", lambda m, z, w: m.where(m.real(z) > 0, z * w, m.exp(w)), [OFF_AXES, anywhere]),
    ("abs", lambda m, z: m.abs(z), [OFF_AXES]),
    ("sign", lambda m, z: m.sign(z), [OFF_AXES]),
    ("angle", lambda m, z: m.angle(z), [OFF_AXES]),
    ("real_imag_conj", lambda m, z: m.real(z) * m.imag(z) + m.conj(z) * z, [anywhere]),
    ("expm1_abs", lambda m, z: m.abs(m.expm1(z)), [OFF_AXES]),
]
COMPLEX_IDS = [c[0] for c in COMPLEX]
# where jax's derivatives are wrong (finite differences agree with ours): its acosh uses
# 1 / sqrt(z*z - 1), of the wrong sign where Re z < 0, and its complex sign has derivative 0
JAX_DIFFERS = ("acosh", "sign")


@pytest.mark.parametrize("name,program,domains", COMPLEX, ids=COMPLEX_IDS)
def test_complex_second_derivatives_match_finite_differences(name, program, domains):
    for k, shapes in enumerate(SHAPES[len(domains)]):
        _check(lambda *zs: program(fnp, *zs), _inputs(domains, shapes, seed=k, dtype=np.complex128))


@pytest.mark.parametrize("name,program,domains", [c for c in COMPLEX if c[0] not in JAX_DIFFERS],
                         ids=[i for i in COMPLEX_IDS if i not in JAX_DIFFERS])
def test_complex_derivatives_match_jax(name, program, domains):
    zs = _inputs(domains, SHAPES[len(domains)][-1], seed=5, dtype=np.complex128)
    f, jf = (lambda *zs: program(fnp, *zs)), (lambda *zs: program(jnp, *zs))
    vs = [rand(z.shape, 7 + k, np.complex128) for k, z in enumerate(zs)]
    out = np.asarray(f(*map(fnp.asarray, zs)))
    u = rand(out.shape, 3, np.complex128) if np.iscomplexobj(out) else rand(out.shape, 3)

    def derivatives(f, vjp, jvp, zs, vs, u):
        pullback = vjp(f, *zs)[1]
        second = jvp(lambda *zs: list(vjp(f, *zs)[1](u)), list(zs), list(vs))[1]
        return [pullback(u), jvp(f, list(zs), list(vs))[1], second]

    ours = derivatives(f, fx.vjp, fx.jvp, [fnp.asarray(z) for z in zs], [fnp.asarray(v) for v in vs], fnp.asarray(u))
    theirs = jax.jit(lambda zs, vs, u: derivatives(jf, jax.vjp, jax.jvp, zs, vs, u))(zs, vs, u)
    for a, b in zip(jax.tree.leaves(ours, is_leaf=lambda x: isinstance(x, fx.Array)), jax.tree.leaves(theirs)):
        np.testing.assert_allclose(np.asarray(a), b, rtol=1e-9, atol=1e-12)


# the primitives -------------------------------------------------------------------------------
def _bind(prim, **params):
    """`prim` on its operands times the first: second derivatives of the primitives whose
    derivative is constant or zero then still go through their rules."""
    return lambda *xs: prim.bind(*xs, **params) * xs[0]


def _lax(fn):
    return lambda *xs: fn(*jnp.broadcast_arrays(*xs)) * xs[0]


def _parts(c, real, imag, conj, mul):
    return real(mul(conj(c), mul(c, c))) + imag(mul(c, c))




def _round(x):
    return lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)

_WHICH = np.array([True, False, True, True])
_WHICH3 = np.array([0, 2, 1, 2], np.int32)
_F64, _C128 = np.dtype(np.float64), np.dtype(np.complex128)


def _convert(x, dtype):
    return E.convert_element_type_p.bind(x, new_dtype=dtype, weak=False)


# (name, fluxion program, jax program, a domain per argument)
PRIMITIVES = [
    ("neg", _bind(E.neg_p), _lax(lax.neg), [REAL]),
    ("sign", _bind(E.sign_p), _lax(lax.sign), [NONZERO]),
    ("abs", _bind(E.abs_p), _lax(lax.abs), [NONZERO]),
    ("square", _bind(E.square_p), _lax(lax.square), [REAL]),
    ("exp", _bind(E.exp_p), _lax(lax.exp), [REAL]),
    ("exp2", _bind(E.exp2_p), _lax(lax.exp2), [REAL]),
    ("log", _bind(E.log_p), _lax(lax.log), [POSITIVE]),
    ("log2", _bind(E.log2_p), _lax(jnp.log2), [POSITIVE]),
    ("log10", _bind(E.log10_p), _lax(jnp.log10), [POSITIVE]),
    ("log1p", _bind(E.log1p_p), _lax(lax.log1p), [uniform(-0.7, 3)]),
    ("expm1", _bind(E.expm1_p), _lax(lax.expm1), [REAL]),
    ("sqrt", _bind(E.sqrt_p), _lax(lax.sqrt), [POSITIVE]),
    ("rsqrt", _bind(E.rsqrt_p), _lax(lax.rsqrt), [POSITIVE]),
    ("cbrt", _bind(E.cbrt_p), _lax(lax.cbrt), [NONZERO]),
    ("sin", _bind(E.sin_p), _lax(lax.sin), [REAL]),
    ("cos", _bind(E.cos_p), _lax(lax.cos), [REAL]),
    ("tan", _bind(E.tan_p), _lax(lax.tan), [uniform(-1.2, 1.2)]),
    ("asin", _bind(E.asin_p), _lax(lax.asin), [UNIT]),
    ("acos", _bind(E.acos_p), _lax(lax.acos), [UNIT]),
    ("atan", _bind(E.atan_p), _lax(lax.atan), [REAL]),
    ("sinh", _bind(E.sinh_p), _lax(lax.sinh), [REAL]),
    ("cosh", _bind(E.cosh_p), _lax(lax.cosh), [REAL]),
    ("tanh", _bind(E.tanh_p), _lax(lax.tanh), [REAL]),
    ("asinh", _bind(E.asinh_p), _lax(lax.asinh), [REAL]),
    ("acosh", _bind(E.acosh_p), _lax(lax.acosh), [uniform(1.2, 3)]),
    ("atanh", _bind(E.atanh_p), _lax(lax.atanh), [UNIT]),
    ("logistic", _bind(E.logistic_p), _lax(lax.logistic), [REAL]),
    ("erf", _bind(E.erf_p), _lax(lax.erf), [REAL]),
    ("erfc", _bind(E.erfc_p), _lax(lax.erfc), [REAL]),
    ("erfinv", _bind(E.erfinv_p), _lax(lax.erf_inv), [UNIT]),
    ("lgamma", _bind(E.lgamma_p), _lax(lax.lgamma), [uniform(-2.9, 3)]),
    ("digamma", _bind(E.digamma_p), _lax(lax.digamma), [NOT_INTEGER]),
    ("polygamma_1", _bind(E.polygamma_p, m=1), _lax(lambda x: lax.polygamma(jnp.ones_like(x), x)), [POSITIVE]),
    ("polygamma_2", _bind(E.polygamma_p, m=2), _lax(lambda x: lax.polygamma(jnp.full_like(x, 2), x)),
     [NOT_INTEGER]),
    ("floor", _bind(E.floor_p), _lax(lax.floor), [off_lattice]),
    ("ceil", _bind(E.ceil_p), _lax(lax.ceil), [off_lattice]),
    ("round", _bind(E.round_p), _lax(_round), [off_lattice]),
    ("trunc", _bind(E.trunc_p), _lax(jnp.trunc), [off_lattice]),
    ("add", _bind(E.add_p), _lax(lax.add), [REAL, REAL]),
    ("sub", _bind(E.sub_p), _lax(lax.sub), [REAL, REAL]),
    ("mul", _bind(E.mul_p), _lax(lax.mul), [REAL, REAL]),
    ("div", _bind(E.div_p), _lax(lax.div), [REAL, NONZERO]),
    ("rem", _bind(E.rem_p), _lax(lax.rem), [NOT_INTEGER, DIVISOR]),
    ("pow", _bind(E.pow_p), _lax(lax.pow), [POSITIVE, REAL]),
    ("max", _bind(E.max_p), _lax(lax.max), [LOW, HIGH]),
    ("min", _bind(E.min_p), _lax(lax.min), [HIGH, LOW]),
    ("atan2", _bind(E.atan2_p), _lax(lax.atan2), [NONZERO, NONZERO]),
    ("copysign", _bind(E.copysign_p), _lax(jnp.copysign), [NONZERO, NONZERO]),
    ("integer_pow_3", _bind(E.integer_pow_p, y=3), _lax(lambda x: lax.integer_pow(x, 3)), [REAL]),
    ("integer_pow_minus_2", _bind(E.integer_pow_p, y=-2), _lax(lambda x: lax.integer_pow(x, -2)), [NONZERO]),
    ("integer_pow_0", _bind(E.integer_pow_p, y=0), _lax(lambda x: lax.integer_pow(x, 0)), [REAL]),
    ("integer_pow_1", _bind(E.integer_pow_p, y=1), _lax(lambda x: lax.integer_pow(x, 1)), [REAL]),
    ("select_n", lambda x, y: E.select_n_p.bind(fnp.asarray(_WHICH), x * y, x) * x,
     lambda x, y: lax.select_n(*jnp.broadcast_arrays(_WHICH, x * y, x)) * x, [REAL, REAL]),
    ("select_n_int32", lambda x, y: E.select_n_p.bind(fnp.asarray(_WHICH3), x * y, y, x) * x,
     lambda x, y: lax.select_n(*jnp.broadcast_arrays(_WHICH3, x * y, y, x)) * x, [REAL, REAL]),
    ("convert_element_type", lambda x: _convert(_convert(x, _F64) ** 2, x.dtype) * x,
     lambda x: lax.convert_element_type(lax.convert_element_type(x, _F64) ** 2, x.dtype) * x, [REAL]),
    ("convert_to_complex", lambda x: E.real_p.bind(_convert(x, _C128) ** 2 * (1 + 2j)),
     lambda x: lax.real(lax.convert_element_type(x, _C128) ** 2 * (1 + 2j)), [REAL]),
    ("complex_real_imag_conj", lambda x, y: _parts(E.complex_p.bind(x, y), E.real_p.bind, E.imag_p.bind, E.conj_p.bind,
                                                    E.mul_p.bind),
     lambda x, y: _parts(lax.complex(*jnp.broadcast_arrays(x, y)), lax.real, lax.imag, lax.conj, lax.mul),
     [REAL, REAL]),
]
PRIMITIVE_IDS = [c[0] for c in PRIMITIVES]


@pytest.mark.parametrize("entry,shapes,seed,dtype", _sweep(PRIMITIVES, PRIMITIVE_IDS))
def test_primitive_second_derivatives_match_finite_differences(entry, shapes, seed, dtype):
    _, f, _, domains = entry
    _check(f, _inputs(domains, shapes, seed, dtype))


@pytest.mark.parametrize("name,f,jf,domains", PRIMITIVES, ids=PRIMITIVE_IDS)
def test_primitive_derivatives_match_jax(name, f, jf, domains):
    assert_derivatives_match_jax(f, jf, _inputs(domains, SHAPES[len(domains)][-1], seed=4), rtol=1e-9)


ELEMENTWISE_PRIMITIVES = [p for p in vars(E).values() if isinstance(p, Primitive)]
LINEAR = [  # (primitive, argument shapes, linear positions)
    (E.neg_p, [(3, 2)], (0,)), (E.add_p, [(3, 1), (4,)], (0, 1)), (E.sub_p, [(2, 3), ()], (0, 1)),
    (E.mul_p, [(3, 1), (4,)], (0,)), (E.mul_p, [(), (3,)], (1,)), (E.div_p, [(3, 1), (4,)], (0,)),
    # broadcast factors (outer products, a 0-d factor), whose cotangents are summed
    (E.mul_p, [(3, 1), (1, 4)], (1,)), (E.mul_p, [(2, 1, 1), (1, 3, 4)], (0,)), (E.mul_p, [(), (3, 4)], (0,)),
    (E.mul_p, [(1, 4), (3, 4)], (0,)), (E.mul_p, [(2, 1, 4), (1, 3, 1)], (1,)),
]


def test_every_elementwise_primitive_has_a_jvp_rule():
    missing = [p.name for p in ELEMENTWISE_PRIMITIVES if p not in jvp_rules]
    assert not missing, missing


@pytest.mark.parametrize("prim,shapes,linear", LINEAR, ids=lambda v: getattr(v, "name", str(v)))
def test_transpose_rule_is_the_transposed_jacobian(prim, shapes, linear):
    check_transpose(prim, [rand(s, seed=k) for k, s in enumerate(shapes)], linear)
    assert prim in transpose_rules


def test_complex_transpose_sums_over_broadcast_axes():
    ct = rand((3, 4), 0, np.complex128)
    x, y = (UndefinedPrimal(fnp.asarray(rand(s)).aval) for s in [(3, 1), (4,)])
    cx, cy = transpose_rules[E.complex_p](fnp.asarray(ct), x, y)
    np.testing.assert_allclose(np.asarray(cx), ct.real.sum(1, keepdims=True), rtol=1e-14)
    np.testing.assert_allclose(np.asarray(cy), -ct.imag.sum(0), rtol=1e-14)


def test_select_n_transpose_is_the_transposed_jacobian():
    which = fnp.asarray(_WHICH3.reshape(2, 2))
    check_transpose(E.select_n_p, [which, rand((2, 2)), rand((2, 1), 1), rand((2,), 2)], (1, 2, 3))
    check_transpose(E.select_n_p, [fnp.asarray(_WHICH[:2]), rand((3, 2)), rand((2,), 1)], (1,))


@pytest.mark.parametrize("prim", [E.floor_p, E.ceil_p, E.round_p, E.trunc_p, E.sign_p, E.nextafter_p, E.is_finite_p,
                                  E.eq_p, E.lt_p, E.stop_gradient_p], ids=lambda p: p.name)
def test_piecewise_constant_primitives_have_symbolic_zero_tangents(prim):
    x = fnp.asarray(rand((3,)))
    args = (x,) * (2 if prim in (E.nextafter_p, E.eq_p, E.lt_p) else 1)
    out, tangent = jvp_rules[prim](args, tuple(fnp.ones_like(a) for a in args))
    assert isinstance(tangent, Zero) and tangent.aval.shape == out.shape


def test_stop_gradient_matches_jax():
    assert_derivatives_match_jax(lambda x: x * E.stop_gradient_p.bind(x * x), lambda x: x * lax.stop_gradient(x * x),
                                 [rand((3,))])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_gradients_come_back_in_the_input_dtype(dtype):
    x = fnp.asarray(np.array([0.5, 1.5], dtype))
    for f in (fnp.sin, fnp.exp, fnp.sqrt, fnp.sinc, fnp.expm1, lambda x: fnp.hypot(fnp.real(x), fnp.imag(x)),
              lambda x: fnp.logaddexp(fnp.real(x), fnp.imag(x))):
        out, pullback = fx.vjp(f, x)
        (g,) = pullback(fnp.ones_like(out))
        assert g.dtype == dtype


def test_floor_division_is_a_step_function_with_derivative_zero():
    # also where the quotient is x / y (a zero or infinite divisor), as jax
    x, y = fnp.asarray([3.0, -3.0, 1.0, 7.5, fnp.inf]), fnp.asarray([0.0, 0.0, fnp.inf, 2.0, 2.0])
    for f in (fx.grad(lambda x, y: fnp.sum(x // y), (0, 1)), fx.jit(fx.grad(lambda x, y: fnp.sum(x // y), (0, 1)))):
        for g in f(x, y):
            assert np.array_equal(np.asarray(g), np.zeros(5))


def test_product_of_a_traced_value_with_itself_is_its_square():
    # one operand: reverse mode makes one product (2 x ct), not one per operand and their sum
    x = np.array([1.5, -2.0, 0.0, 3.0])
    assert [eq.prim.name for eq in fx.make_program(lambda v: v * v)(x).equations] == ["square"]
    np.testing.assert_allclose(np.asarray(fx.grad(lambda v: fnp.sum(v * v))(x)), 2 * x, rtol=0)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.hessian(lambda v: fnp.sum(v * v * v)))(x)), np.diag(6 * x), rtol=1e-15)
    ints = np.array([3, -4, 200], np.int16)
    np.testing.assert_array_equal(np.asarray(fx.jit(lambda v: v * v)(ints)), ints * ints)  # wraps as NumPy's
    bools = np.array([True, False])
    np.testing.assert_array_equal(np.asarray(fx.jit(lambda v: v * v)(bools)), bools * bools)  # and, as NumPy's

