"""Derivatives of the elementwise primitives, of every elementwise fluxion.numpy function and
of every fluxion.scipy.special function.

Oracles: central differences and the dot-product test (check_grads, to second order, forward
and reverse mode) in float64 and float32, over 0-d, 1-d and broadcasting shapes; jax's first
and second derivatives of the same program in float64; and, for the holomorphic functions,
check_grads and jax with complex128 inputs. Inputs are drawn inside each function's domain and
away from its kinks, jumps and singularities (those points are in test_numerics.py).
"""

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.ops import elementwise as E
from fluxion.test_util import check_grads

from _jax_oracle import assert_derivatives_match_jax

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
jnp, lax, jsp = jax.numpy, jax.lax, jax.scipy.special


# domains: each draws float64 values of a shape -------------------------------------------------
def uniform(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def signed(lo, hi):
    """|x| in [lo, hi], either sign: away from 0."""
    return lambda rng, shape: rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)


def between_integers(lo=0.1, hi=0.9, kmin=-2, kmax=2):
    """k + u with integer k and u in [lo, hi]: away from the integers (and from k + 1/2 unless
    the range holds it)."""
    return lambda rng, shape: rng.integers(kmin, kmax + 1, shape) + rng.uniform(lo, hi, shape)


def off_lattice(rng, shape):
    """Away from the integers and from the halves, where the rounding functions jump."""
    low = rng.uniform(0.1, 0.4, shape)
    return rng.integers(-2, 3, shape) + np.where(rng.random(shape) < 0.5, low, low + 0.5)


def choice(*values):
    return lambda rng, shape: rng.choice(values, shape)


REAL, POSITIVE, UNIT, NONZERO = uniform(-2, 2), uniform(0.3, 3), uniform(-0.8, 0.8), signed(0.3, 2)
LOW, HIGH = between_integers(0.1, 0.4), between_integers(0.6, 0.9)  # never equal: extrema have no ties
DIVISOR = choice(-4.0, -2.0, -1.0, 1.0, 2.0, 4.0)  # with x = k + u, x / y stays away from the integers
NOT_INTEGER = between_integers()

# (name, program(m, sp, *xs) written once for (fluxion.numpy, fluxion.scipy.special) and
# (jax.numpy, jax.scipy.special), a domain per argument)
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
    ("hypot_at_zero", lambda m, sp, x, y: m.hypot(x * 0.0, y), [REAL, NONZERO]),
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
    ("clip_arrays", lambda m, sp, x, lo, hi: m.clip(x, lo, hi) * x, [NOT_INTEGER, choice(-2.0, -1.0),
                                                                       choice(1.0, 2.0)]),
    ("clip_one_side", lambda m, sp, x: m.clip(x, max=0.0) + m.clip(x, min=1.0), [NOT_INTEGER]),
    ("copysign", lambda m, sp, x, y: m.copysign(x, y) * x, [NONZERO, NONZERO]),
    ("floor_divide", lambda m, sp, x, y: m.floor_divide(x, y) * x, [NOT_INTEGER, DIVISOR]),
    ("remainder", lambda m, sp, x, y: m.remainder(x, y) * x, [NOT_INTEGER, DIVISOR]),
    ("mod", lambda m, sp, x, y: m.mod(x * 3.0, y), [NOT_INTEGER, DIVISOR]),
    ("fmod", lambda m, sp, x, y: m.fmod(x, y) * y, [NOT_INTEGER, DIVISOR]),
    ("divmod", lambda m, sp, x, y: m.divmod(x, y)[0] * x + m.divmod(x, y)[1], [NOT_INTEGER, DIVISOR]),
    ("round", lambda m, sp, x: m.round(x) * x, [off_lattice]),
    ("round_decimals", lambda m, sp, x: m.round(x * 0.1, 1) * x, [off_lattice]),
    ("rint", lambda m, sp, x: m.rint(x) * x, [off_lattice]),
    ("floor", lambda m, sp, x: m.floor(x) * x, [off_lattice]),
    ("ceil", lambda m, sp, x: m.ceil(x) * x, [off_lattice]),
    ("trunc", lambda m, sp, x: m.trunc(x) * x, [off_lattice]),
    ("fix", lambda m, sp, x: m.fix(x) * x, [off_lattice]),
    ("sign", lambda m, sp, x: m.sign(x) * x, [NONZERO]),
    ("heaviside", lambda m, sp, x, y: m.heaviside(x, y) * y, [NONZERO, REAL]),
    ("heaviside_at_zero", lambda m, sp, x, y: m.heaviside(x * 0.0, y) * x, [NONZERO, REAL]),
    ("real", lambda m, sp, x: m.real(x) * x, [REAL]),
    ("imag", lambda m, sp, x: m.imag(x) + x, [REAL]),
    ("conj", lambda m, sp, x: m.conj(x) * x, [REAL]),
    ("angle", lambda m, sp, x: m.angle(x) + x, [NONZERO]),
    ("nan_to_num", lambda m, sp, x: m.nan_to_num(x) * x, [REAL]),
    ("ldexp", lambda m, sp, x: m.ldexp(x, 3) + m.ldexp(x * x, -2), [REAL]),
    ("frexp", lambda m, sp, x: m.frexp(x)[0] * x, [lambda rng, s: 2.0 ** NOT_INTEGER(rng, s) * NONZERO(rng, s)]),
    ("where", lambda m, sp, x, y: m.where(x > 0, x * y, m.sin(y)), [NONZERO, REAL]),
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
    ("logsumexp", lambda m, sp, x: sp.logsumexp(x, axis=-1) * x.sum(), [REAL]),
    ("logsumexp_all", lambda m, sp, x: sp.logsumexp(x), [REAL]),
    ("logsumexp_weights", lambda m, sp, x, b: sp.logsumexp(x, b=b), [REAL, POSITIVE]),
    ("softmax", lambda m, sp, x: sp.softmax(x, axis=-1) * x, [REAL]),
    ("log_softmax", lambda m, sp, x: sp.log_softmax(x, axis=-1) * x, [REAL]),
]
FUNCTION_IDS = [c[0] for c in FUNCTIONS]

SHAPES = {  # per arity: 0-d, 1-d and broadcasting shapes
    1: [((),), ((5,),), ((2, 3),)],
    2: [((), ()), ((4,), ()), ((3, 1), (4,))],
    3: [((), (), ()), ((4,), (), (4,)), ((3, 1), (4,), (1,))],
}
DTYPES = [np.float64, np.float32]


def _inputs(domains, shapes, seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return [np.asarray(d(rng, s), dtype) for d, s in zip(domains, shapes)]


def _fluxion(program):
    return lambda *xs: program(fnp, fsp, *xs)


def _jax(program):
    return lambda *xs: program(jnp, jsp, *xs)


def _cases():
    for name, program, domains in FUNCTIONS:
        for k, shapes in enumerate(SHAPES[len(domains)]):
            for dtype in DTYPES:
                yield pytest.param(program, domains, shapes, dtype, id=f"{name}-{k}-{np.dtype(dtype).name}")


@pytest.mark.parametrize("program,domains,shapes,dtype", _cases())
def test_second_derivatives_match_finite_differences(program, domains, shapes, dtype):
    xs = _inputs(domains, shapes, seed=len(shapes[-1]), dtype=dtype)
    check_grads(_fluxion(program), [fnp.asarray(x) for x in xs], order=2)


@pytest.mark.parametrize("name,program,domains", FUNCTIONS, ids=FUNCTION_IDS)
def test_derivatives_match_jax(name, program, domains):
    shapes = SHAPES[len(domains)][-1]
    assert_derivatives_match_jax(_fluxion(program), _jax(program), _inputs(domains, shapes, seed=3), rtol=1e-9,
                                 atol=1e-12)
