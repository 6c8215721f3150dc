"""The numerics decided in fluxion/transforms/autodiff/README.md, checked in both modes.

Kinks (abs at 0, ties of maximum and minimum, relu at 0), sqrt at 0, logit at 0 and 1, norms at the zero
vector and std of a constant, `where` with an unused branch that is NaN or infinite (and the double-where pattern
that avoids it), logsumexp with -inf entries and huge values, xlogy at (0, 0), softplus at large
|x| and logaddexp at +inf, and 16-bit floats. Oracles: closed forms, and jax where it made the same decision.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
import scipy.special

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.test_util import check_grads

from _jax_oracle import assert_derivatives_match_jax, jax_x64

jax = jax_x64()
jnp, jsp = jax.numpy, jax.scipy.special


def _arr(values, dtype=np.float64):
    return fnp.asarray(np.asarray(values, dtype))


def _both_modes(f, x):
    """The derivative of `f` at `x`, by reverse mode and by forward mode: for an elementwise `f`
    the derivative at each entry, for a scalar `f` its gradient."""
    if f(x).shape == ():
        return np.asarray(fx.grad(f)(x)), np.asarray(fx.jacfwd(f)(x))
    rev = np.asarray(fx.grad(lambda x: fnp.sum(f(x)))(x))
    fwd = np.asarray(fx.jvp(f, (x,), (fnp.ones_like(x),))[1])
    return rev, fwd


def _assert_both_modes(f, x, expected, **tol):
    for got in _both_modes(f, x):
        np.testing.assert_allclose(got, expected, **tol)


# kinks ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_abs_has_derivative_zero_at_zero(dtype):
    # the subgradient of least norm (jax chooses 1 here)
    _assert_both_modes(fnp.abs, _arr([0.0, -0.0, -2.0, 3.0], dtype), [0.0, 0.0, -1.0, 1.0])
    assert float(fx.grad(fx.grad(fnp.abs))(_arr(0.0, dtype))) == 0.0


def test_complex_abs_has_derivative_zero_at_zero():
    z = _arr([0j, 3 + 4j], np.complex128)
    (g,) = fx.vjp(fnp.abs, z)[1](_arr([1.0, 1.0]))
    np.testing.assert_allclose(np.asarray(g), [0, 0.6 - 0.8j])
    np.testing.assert_allclose(np.asarray(fx.jvp(fnp.abs, (z,), (_arr([1 + 1j, 1j], np.complex128),))[1]), [0, 0.8])


@pytest.mark.parametrize("fn,jfn", [(fnp.maximum, jnp.maximum), (fnp.minimum, jnp.minimum), (fnp.fmax, jnp.fmax),
                                    (fnp.fmin, jnp.fmin)], ids=lambda f: getattr(f, "__name__", ""))
def test_ties_of_maximum_and_minimum_split_the_derivative_equally(fn, jfn):
    x = np.array([1.5, -2.0, 0.0, 3.0])
    y = np.array([1.5, -2.0, 0.0, 1.0])
    dx, dy = fx.grad(lambda x, y: fnp.sum(fn(x, y)), argnums=(0, 1))(_arr(x), _arr(y))
    np.testing.assert_array_equal(np.asarray(dx), [0.5, 0.5, 0.5, float(fn in (fnp.maximum, fnp.fmax))])
    np.testing.assert_array_equal(np.asarray(dx) + np.asarray(dy), 1.0)
    _, tangent = fx.jvp(fn, (_arr(x), _arr(y)), (_arr([1.0] * 4), _arr([0.0] * 4)))
    np.testing.assert_array_equal(np.asarray(tangent), np.asarray(dx))
    # d max(x, x) / dx = 1
    _assert_both_modes(lambda x: fn(x, x), _arr(x), 1.0)
    if fn in (fnp.maximum, fnp.minimum):  # jax's fmax and fmin give a tie's derivative to one side
        assert_derivatives_match_jax(fn, jfn, [x, y], second_order=False)


@pytest.mark.parametrize("zero", [0, 0.0, "array"])
def test_relu_written_with_maximum_has_derivative_one_half_at_zero(zero):
    def relu(x):
        return fnp.maximum(x, fnp.zeros_like(x) if zero == "array" else zero)

    _assert_both_modes(relu, _arr([-1.0, 0.0, 2.0]), [0.0, 0.5, 1.0])
    _assert_both_modes(relu, _arr([0.0], np.float32), [0.5])


def test_clip_at_a_bound_splits_the_derivative_as_maximum_and_minimum_do():
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    _assert_both_modes(lambda x: fnp.clip(x, -1.0, 1.0), _arr(x), [0.5, 1.0, 1.0, 0.5, 0.0])
    assert_derivatives_match_jax(lambda x: fnp.clip(x, -1.0, 1.0), lambda x: jnp.clip(x, -1.0, 1.0), [x],
                                 second_order=False)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_remainder_at_multiples_of_the_divisor_has_the_derivative_of_either_side(dtype):
    # x % y jumps at multiples of y but has slope 1 in x on both sides (zeros of either sign too)
    x = np.array([-4.0, 0.0, -0.0, 4.0, 6.0, 3.0, 5.5])
    y = np.array([4.0, 4.0, -2.0, -4.0, 3.0, 1.5, -1.5])
    _assert_both_modes(lambda x: fnp.remainder(x, _arr(y, dtype)), _arr(x, dtype), 1.0)
    _assert_both_modes(lambda x: x % 2.0, _arr(x, dtype), 1.0)
    assert_derivatives_match_jax(fnp.remainder, jnp.remainder, [x, y], second_order=False)
    # the zeros keep the divisor's sign, as NumPy's
    np.testing.assert_array_equal(np.signbit(np.asarray(fnp.remainder(_arr(x, dtype), _arr(y, dtype)))),
                                  np.signbit(np.remainder(x.astype(dtype), y.astype(dtype))))


# sqrt at 0, norms at 0 --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sqrt_has_an_infinite_derivative_at_zero(dtype):
    _assert_both_modes(fnp.sqrt, _arr([0.0, 4.0], dtype), [np.inf, 0.25])
    _assert_both_modes(lambda x: x ** 0.5, _arr([0.0, 4.0], dtype), [np.inf, 0.25])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logit_has_an_infinite_derivative_at_zero_and_one(dtype):
    # the limit of 1 / (p (1 - p)), as jax gives it (and as arctanh at -1 and 1, of which logit is a scaling)
    p = np.array([0.0, 1.0, 0.25, 0.5], dtype)
    expected = np.asarray(jax.vmap(jax.grad(jsp.logit))(p))
    np.testing.assert_array_equal(expected[:2], np.inf)
    _assert_both_modes(fsp.logit, _arr(p), expected, rtol=1e-6)


NORMS = [
    ("norm", lambda x: fnp.linalg.norm(x)),
    ("norm_2d", lambda x: fnp.linalg.norm(fnp.reshape(x, (2, 2)))),
    ("norm_axis", lambda x: fnp.sum(fnp.linalg.norm(fnp.reshape(x, (2, 2)), axis=1))),
    ("vector_norm", lambda x: fnp.linalg.vector_norm(x)),
    ("vector_norm_1", lambda x: fnp.linalg.vector_norm(x, ord=1)),
    ("vector_norm_3", lambda x: fnp.linalg.vector_norm(x, ord=3)),
    ("vector_norm_inf", lambda x: fnp.linalg.vector_norm(x, ord=np.inf)),
    ("vector_norm_minus_inf", lambda x: fnp.linalg.vector_norm(x, ord=-np.inf)),
    ("matrix_norm_fro", lambda x: fnp.linalg.matrix_norm(fnp.reshape(x, (2, 2)))),
    ("norm_fro", lambda x: fnp.linalg.norm(fnp.reshape(x, (2, 2)), ord="fro")),
]


@pytest.mark.parametrize("name,norm", NORMS, ids=[n for n, _ in NORMS])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_norms_have_derivative_zero_at_the_zero_vector(name, norm, dtype):
    zero = _arr(np.zeros(4), dtype)
    g = np.asarray(fx.grad(norm)(zero))
    assert g.dtype == dtype
    np.testing.assert_array_equal(g, 0.0)
    np.testing.assert_array_equal(np.asarray(fx.jacfwd(norm)(zero)), 0.0)
    # and so are the second derivatives, as abs's are (the norm of one element)
    np.testing.assert_array_equal(np.asarray(fx.hessian(norm)(zero)), 0.0)


@pytest.mark.parametrize("std", [fnp.std, fnp.nanstd, lambda x: fnp.std(x, ddof=1)], ids=["std", "nanstd", "ddof"])
def test_std_of_a_constant_has_the_central_difference_derivative_zero(std):
    c = _arr([2.5, 2.5, 2.5, 2.5])
    h = 1e-6 * np.eye(4)
    central = [(float(std(_arr(c + e))) - float(std(_arr(c - e)))) / 2e-6 for e in h]
    np.testing.assert_allclose(central, 0.0, atol=1e-12)
    for d in (fx.grad(std), fx.jit(fx.grad(std)), fx.jacfwd(std), fx.hessian(std)):
        np.testing.assert_array_equal(np.asarray(d(c)), 0.0)
    x = np.array([1.0, 2.0, 4.0, 0.5])  # elsewhere (x - mean) / (n std)
    np.testing.assert_allclose(np.asarray(fx.grad(fnp.std)(_arr(x))), (x - x.mean()) / (4 * x.std()), rtol=1e-14)


def test_norm_derivatives_near_and_beside_zero_are_finite_and_exact():
    tiny = np.array([3e-150, -4e-150, 0.0, 0.0])
    np.testing.assert_allclose(np.asarray(fx.grad(fnp.linalg.norm)(_arr(tiny))), [0.6, -0.8, 0, 0], rtol=1e-15)
    rows = np.array([[0.0, 0.0], [3.0, -4.0]])
    g = fx.grad(lambda x: fnp.sum(fnp.linalg.norm(x, axis=1)))(_arr(rows))
    np.testing.assert_allclose(np.asarray(g), [[0, 0], [0.6, -0.8]], rtol=1e-15)


# where with a branch that is not used -----------------------------------------------------------
def _naive_log(m, x):
    return m.where(x > 0, m.log(x), 0.0)


def _double_where_log(m, x):
    safe = m.where(x > 0, x, 1.0)
    return m.where(x > 0, m.log(safe), 0.0)


def test_where_with_an_infinite_derivative_in_the_unused_branch_gives_nan_in_reverse_mode():
    # the unused branch's derivative 1/x = inf at 0 is multiplied by a zero cotangent; forward
    # mode selects tangents, so it never forms that product
    x = np.array([0.0, 2.0])
    rev, fwd = _both_modes(lambda x: _naive_log(fnp, x), _arr(x))
    assert np.isnan(rev[0]) and rev[1] == 0.5
    np.testing.assert_array_equal(fwd, [0.0, 0.5])
    np.testing.assert_array_equal(np.asarray(jax.grad(lambda x: _naive_log(jnp, x).sum())(x)), rev)
    rev, _ = _both_modes(lambda x: fnp.where(x > 0, fnp.sqrt(x), 0.0), _arr([-1.0, 0.0, 4.0]))
    assert np.isnan(rev[:2]).all() and rev[2] == 0.25


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_double_where_keeps_the_unused_branch_finite(dtype):
    x = _arr([-1.0, 0.0, 2.0], dtype)
    _assert_both_modes(lambda x: _double_where_log(fnp, x), x, [0.0, 0.0, 0.5])
    hessian = np.asarray(fx.hessian(lambda x: fnp.sum(_double_where_log(fnp, x)))(x))
    np.testing.assert_allclose(hessian, np.diag([0.0, 0.0, -0.25]))
    check_grads(lambda x: _double_where_log(fnp, x), (_arr([-1.0, 0.5, 2.0]),), order=2)


# logsumexp ------------------------------------------------------------------------------------
def _softmax(x):
    x = np.asarray(x, np.float64)
    with np.errstate(over="ignore"):  # 1e308 - (-1e308) is inf, whose exp is 0 as it should be
        w = np.exp(x - np.max(x))
    return w / w.sum()


@pytest.mark.parametrize("x", [[-np.inf, 0.0, 1.0], [-np.inf, -np.inf, 5.0], [1000.0, 1000.0, 0.0],
                               [1e308, 1e308, -1e308], [-1e308, 0.0], [-1000.0, -1001.0]])
def test_logsumexp_derivatives_with_minus_infinity_and_huge_entries_are_the_softmax(x):
    _assert_both_modes(fsp.logsumexp, _arr(x), _softmax(x), rtol=1e-15)
    if np.isfinite(x).all() and np.max(np.abs(x)) < 1e300:
        p = _softmax(x)
        hessian = np.asarray(fx.hessian(fsp.logsumexp)(_arr(x)))
        np.testing.assert_allclose(hessian, np.diag(p) - np.outer(p, p), atol=1e-15)
    else:
        assert np.isfinite(np.asarray(fx.hessian(fsp.logsumexp)(_arr(x)))).all()


def test_logsumexp_with_minus_infinity_matches_jax():
    x = np.array([[-np.inf, 0.0, 1.0], [2.0, -np.inf, -1.0]])
    assert_derivatives_match_jax(lambda x: fsp.logsumexp(x, axis=1), lambda x: jsp.logsumexp(x, axis=1), [x],
                                 second_order=False)
    b = np.array([0.0, 1.0, 2.0])
    assert_derivatives_match_jax(lambda x: fsp.logsumexp(x, axis=1, b=b), lambda x: jsp.logsumexp(x, axis=1, b=b),
                                 [x], second_order=False)


def test_logsumexp_derivatives_in_weights_that_are_zero_are_those_of_the_sum():
    # (the terms of b == 0 are left out of the value, as SciPy's, but log(sum(b * exp(a))) still
    # changes with each b: by exp(a) / sum(b * exp(a)))
    a, b = np.array([[0.1, 0.2, 0.3], [1.0, -2.0, 0.5]]), np.array([[1.0, 0.0, 2.0], [0.0, 0.5, 0.0]])
    both = lambda x: fsp.logsumexp(x[0], axis=1, b=x[1])
    x = np.stack([a, b])
    check_grads(both, (x,), order=2, modes=("fwd", "rev"))
    want = np.exp(a) / np.sum(b * np.exp(a), axis=1, keepdims=True)
    np.testing.assert_allclose(fx.jit(fx.grad(lambda w: fnp.sum(fsp.logsumexp(a, axis=1, b=w))))(b), want,
                               rtol=1e-12)
    # left-out terms whose exponential overflows, or of NaN, keep the value SciPy gives
    for a1 in (np.inf, 1000.0, np.nan):
        f = lambda w: fsp.logsumexp(np.array([a1, 0.0]), b=w)
        assert float(f(np.array([0.0, 1.0]))) == scipy.special.logsumexp([a1, 0.0], b=[0.0, 1.0])
        assert np.asarray(fx.grad(f)(np.array([0.0, 1.0])))[1] == 1.0


def test_logsumexp_float32_over_a_huge_range_does_not_overflow():
    x = _arr([3e38, 3e38, 0.0, -np.inf], np.float32)
    g = np.asarray(fx.grad(fsp.logsumexp)(x))
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g, [0.5, 0.5, 0.0, 0.0])


# xlogy, softplus --------------------------------------------------------------------------------
@pytest.mark.parametrize("f", [fsp.xlogy, fsp.xlog1py])
def test_xlogy_at_zero_has_finite_derivatives(f):
    y = 0.0 if f is fsp.xlogy else -1.0
    grads = fx.grad(f, argnums=(0, 1))(_arr(0.0), _arr(y))
    np.testing.assert_array_equal([float(g) for g in grads], [0.0, 0.0])
    hessian = fx.hessian(f, argnums=(0, 1))(_arr(0.0), _arr(y))
    assert np.isfinite(np.asarray(hessian)).all()
    _, tangent = fx.jvp(f, (_arr(0.0), _arr(y)), (_arr(1.0), _arr(1.0)))
    assert float(tangent) == 0.0


def test_entropy_gradient_is_finite_where_probabilities_are_zero():
    p = np.array([0.0, 0.25, 0.75, 0.0])
    g = np.asarray(fx.grad(lambda p: -fnp.sum(fsp.xlogy(p, p)))(_arr(p)))
    expected = np.where(p > 0, -(np.log(np.where(p > 0, p, 1.0)) + 1), 0.0)
    np.testing.assert_allclose(g, expected, rtol=1e-15)


@pytest.mark.parametrize("x,dtype", [([-1e308, -1e4, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e30, 1e308], np.float64),
                                     ([-3e38, -200.0, -100.0, 0.0, 100.0, 200.0, 3e38], np.float32)])
def test_softplus_with_logaddexp_has_finite_derivatives_at_large_magnitudes(x, dtype):
    def softplus(x):
        return fnp.logaddexp(x, 0.0)

    x = np.asarray(x, dtype)
    s = scipy.special.expit(x.astype(np.float64))
    _assert_both_modes(softplus, _arr(x, dtype), s, rtol=1e-6, atol=1e-40)
    second = np.asarray(fx.grad(lambda x: fnp.sum(fx.grad(lambda x: fnp.sum(softplus(x)))(x)))(_arr(x, dtype)))
    assert second.dtype == dtype
    np.testing.assert_allclose(second, s * (1 - s), rtol=1e-5, atol=1e-30)


@pytest.mark.parametrize("f", [fnp.logaddexp, fnp.logaddexp2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logaddexp_with_a_plus_infinite_argument_has_the_limits_of_its_derivatives(f, dtype):
    # d/dx log(e^x + e^y) = expit(x - y): 1 for x = +inf and 0 for y there, not inf / inf = NaN
    x, y = np.array([np.inf, np.inf, 1.0, -np.inf]), np.array([2.0, -np.inf, np.inf, np.inf])
    for mode in (lambda g: fx.grad(g, argnums=(0, 1)), lambda g: fx.jacfwd(g, argnums=(0, 1))):
        dx, dy = mode(lambda x, y: fnp.sum(f(x, y)))(_arr(x, dtype), _arr(y, dtype))
        np.testing.assert_array_equal(np.asarray(dx), scipy.special.expit(x - np.where(np.isinf(x), 0, y)))
        np.testing.assert_array_equal(np.asarray(dy), scipy.special.expit(y - np.where(np.isinf(y), 0, x)))
    # so softplus and log_sigmoid at the infinities, as jax gives them
    z = np.array([-np.inf, np.inf], dtype)
    _assert_both_modes(fx.nn.softplus, _arr(z), np.asarray(jax.vmap(jax.grad(jax.nn.softplus))(z)))
    _assert_both_modes(fx.nn.log_sigmoid, _arr(z), np.asarray(jax.vmap(jax.grad(jax.nn.log_sigmoid))(z)))


def test_logaddexp2_of_equal_arguments_is_exact_compiled_too():
    # log2(2 * 2**x) is x + 1 exactly: the closing division by log(2) must not fuse with the sum into
    # an fma, as a product would (XLA fuses with its backend optimizations on, which the tests turn
    # off: so in a process of its own with XLA's defaults)
    code = ("import ml_dtypes, numpy as np, fluxion as fx, fluxion.numpy as fnp\n"
            "for dt in (np.float32, np.float64, ml_dtypes.bfloat16, np.float16):\n"
            "    x = np.array([-1.0, 0.0, 3.0, -100.0], dt)\n"
            "    for f in (fnp.logaddexp2, fx.jit(fnp.logaddexp2)):\n"
            "        got = np.asarray(f(x, x.copy())).astype(np.float64)\n"
            "        assert (got == x.astype(np.float64) + 1).all(), (dt, got)\n")
    env = {**os.environ, "XLA_FLAGS": ""}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr


# 16-bit floats -------------------------------------------------------------------------------------
LOW_PRECISION = [
    ("sin", fnp.sin), ("exp", fnp.exp), ("log", fnp.log), ("sqrt", fnp.sqrt), ("tanh", fnp.tanh),
    ("power", lambda x: x ** 3 + fnp.power(x, x)), ("hypot", lambda x: fnp.hypot(x, 1 - x)),
    ("logaddexp", lambda x: fnp.logaddexp(x, -x)), ("sinc", fnp.sinc), ("expit", fsp.expit), ("erf", fsp.erf),
    ("gammaln", fsp.gammaln), ("xlogy", lambda x: fsp.xlogy(x, x)), ("logit", lambda x: fsp.logit(x * 0.5)),
    ("logsumexp", lambda x: fsp.logsumexp(x) * x), ("softmax", fsp.softmax), ("maximum", lambda x: fnp.maximum(x, 1.0)),
    ("floor_divide", lambda x: fnp.floor_divide(x, 0.3) * x), ("norm", lambda x: fnp.linalg.norm(x) * x),
]


@pytest.mark.parametrize("dtype", [fnp.float16, fnp.bfloat16], ids=["float16", "bfloat16"])
@pytest.mark.parametrize("name,f", LOW_PRECISION, ids=[n for n, _ in LOW_PRECISION])
def test_16_bit_floats_differentiate_in_their_own_dtype(name, f, dtype):
    x32 = np.array([0.25, 0.5, 1.5], np.float32)
    x = fnp.asarray(x32).astype(dtype)
    rev, fwd = _both_modes(f, x)
    assert rev.dtype == fwd.dtype == np.dtype(dtype)
    expected_rev, expected_fwd = _both_modes(f, fnp.asarray(x.astype(fnp.float32)))
    tol = 3e-2 if dtype == fnp.bfloat16 else 5e-3
    np.testing.assert_allclose(rev.astype(np.float32), expected_rev, rtol=tol, atol=tol)
    np.testing.assert_allclose(fwd.astype(np.float32), expected_fwd, rtol=tol, atol=tol)
