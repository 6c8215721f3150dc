"""Failures found by running random programs through fluxion and jax, reduced to one operation each.

Oracles: exact quotients and closed forms, central finite differences, SciPy, and jax where jax
is right. Where jax is wrong (noted in each test), the oracle is the math.
"""
import numpy as np
import pytest
import scipy.special

import fluxion as fx
import fluxion.lax as flax
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.test_util import check_grads

from _jax_oracle import jax_x64

jax = jax_x64()
jnp = jax.numpy


def _arr(values, dtype=np.float64):
    return fnp.asarray(np.asarray(values, dtype))


# fmod / remainder: the derivative in the divisor is minus the integer quotient ------------------
@pytest.mark.parametrize("name, quotient", [("fmod", np.trunc), ("remainder", np.floor)])
def test_remainder_derivative_in_the_divisor_is_the_exact_integer_quotient(name, quotient):
    # (x - fmod(x, y)) / y is an integer only up to rounding: 1% of float32 pairs gave 0.99999994,
    # which truncated to 0
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-3, 3, 2000).astype(np.float32), rng.uniform(0.3, 1.5, 2000).astype(np.float32)
    expected = -quotient(x.astype(np.float64) / y.astype(np.float64))
    of_sum = fx.grad(lambda y, x: fnp.sum(getattr(fnp, name)(x, y)))
    per_element = fx.vmap(fx.grad(lambda y, x: getattr(fnp, name)(x, y)))
    for g in (of_sum, fx.jit(of_sum), fx.jit(per_element)):
        np.testing.assert_array_equal(np.asarray(g(_arr(y, np.float32), _arr(x, np.float32))), expected)


# cumlogsumexp: NaN inputs give NaN derivatives -------------------------------------------------
def test_cumlogsumexp_derivatives_after_a_nan_are_nan_as_jax():
    x = np.array([0.5, np.nan, -1.0, 2.0])
    for fx_jac, jax_jac in ((fx.jacfwd, jax.jacfwd), (fx.jacrev, jax.jacrev)):
        got = np.asarray(fx_jac(lambda x: flax.cumlogsumexp(x, 0))(_arr(x)))
        np.testing.assert_array_equal(got, jax.jit(jax_jac(lambda x: jax.lax.cumlogsumexp(x, 0)))(x))
    assert np.isnan(got[1:]).all()


def test_cumlogsumexp_keeps_second_derivatives_at_ties():
    # the tie guard for equal infinities must not zero the derivative of a finite tie
    x = _arr([0.3, 0.3, 0.3])
    f = lambda x: fnp.sum(flax.cumlogsumexp(x, 0) ** 2)
    np.testing.assert_allclose(np.asarray(fx.hessian(f)(x)),
                               jax.jit(jax.hessian(lambda x: jnp.sum(jax.lax.cumlogsumexp(x, 0) ** 2)))(np.asarray(x)),
                               rtol=1e-12)


# pinv and lstsq at repeated singular values --------------------------------------------------------
_REPEATED = {
    "identity": np.eye(3),
    "orthonormal_columns": np.linalg.qr(np.random.default_rng(1).normal(size=(4, 3)))[0],
    "repeated_diagonal": np.diag([2.0, 2.0, 0.5]),
    "wide_orthonormal_rows": np.linalg.qr(np.random.default_rng(2).normal(size=(5, 2)))[0].T,
}


@pytest.mark.parametrize("name", sorted(_REPEATED))
def test_pinv_derivatives_at_repeated_singular_values_match_jax(name):
    # the SVD's derivative divides by differences of singular values: NaN at repeated ones
    a = _REPEATED[name]
    expected = jax.jit(jax.jacrev(jnp.linalg.pinv))(a)
    for jac in (fx.jacrev, fx.jacfwd, lambda f: fx.jit(fx.jacrev(f))):
        np.testing.assert_allclose(np.asarray(jac(fnp.linalg.pinv)(_arr(a))), expected, rtol=1e-12, atol=1e-14)
    check_grads(fnp.linalg.pinv, (_arr(a),), order=2)


def test_complex_pinv_gradient_matches_jax():
    rng = np.random.default_rng(3)
    q = np.linalg.qr(rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2)))[0]  # orthonormal: repeated ones
    f = lambda m: lambda a: m.sum(m.abs(m.linalg.pinv(a) * m.arange(1.0, 7.0).reshape(2, 3)) ** 2)
    np.testing.assert_allclose(np.asarray(fx.grad(f(fnp))(fnp.asarray(q))), jax.jit(jax.grad(f(jnp)))(q), rtol=1e-12,
                               atol=1e-14)


def test_hermitian_pinv_at_repeated_eigenvalues_matches_finite_differences_of_the_lower_triangle():
    a = np.diag([2.0, 2.0, -1.0]) + np.tril(np.full((3, 3), 0.1), -1)
    check_grads(lambda a: fnp.linalg.pinv(a, hermitian=True), (_arr(a),), order=2)
    # only the lower triangle is read: the derivative in the strict upper triangle is 0
    jac = np.asarray(fx.jacrev(lambda a: fnp.linalg.pinv(a, hermitian=True))(_arr(a)))
    np.testing.assert_array_equal(jac[..., np.triu_indices(3, 1)[0], np.triu_indices(3, 1)[1]], 0.0)


@pytest.mark.parametrize("name", ["identity", "orthonormal_columns"])
def test_lstsq_gradient_at_repeated_singular_values_matches_finite_differences(name):
    # jax gives NaN here too (its lstsq differentiates the SVD)
    a = _REPEATED[name]
    b = np.random.default_rng(4).normal(size=(a.shape[0], 2))
    check_grads(lambda a, b: fnp.linalg.lstsq(a, b)[0], (_arr(a), _arr(b)), order=2)


# logit: NaN outside [0, 1], with NaN derivatives there in both modes ------------------------------
def test_logit_outside_its_domain_has_nan_derivatives_in_forward_and_reverse_mode():
    # forward mode gave 0 where the value is NaN (a NaN constant), reverse mode NaN
    x = _arr([np.nan, 1.5, -0.5, 0.3, 0.0, 1.0])
    expected = [np.nan, np.nan, np.nan, 1 / (0.3 * 0.7), np.inf, np.inf]
    reverse = fx.grad(lambda x: fnp.sum(fsp.logit(x)))
    for got in (fx.jvp(fsp.logit, (x,), (fnp.ones_like(x),))[1], reverse(x), fx.jit(reverse)(x)):
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-14)
    # and so derivatives of every order there (the NaN factor was a constant's, whose derivative is 0)
    out = _arr([1.5, -0.5])
    for f in (fsp.logit, fsp.ndtri):
        slope = lambda v: fx.jvp(f, (v,), (fnp.ones_like(v),))[1]  # noqa: E731
        second = lambda v: fx.grad(lambda u: fnp.sum(fx.grad(lambda w: fnp.sum(f(w)))(u)))(v)  # noqa: E731
        third = fx.grad(lambda v: fnp.sum(second(v)))
        for got in (fx.jvp(slope, (out,), (fnp.ones_like(out),))[1], second(out), third(out)):
            assert np.isnan(np.asarray(got)).all()


# complex .at[].max / .min on a slice ----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["max", "min"])
def test_complex_update_max_and_min_of_a_slice_differentiate_as_jax(kind):
    # the slice's elementwise max compared complex numbers with `>`, which refuses them; jax orders
    # them by real part, then imaginary part (integer parts here, so that ties occur)
    rng = np.random.default_rng(0)
    z = rng.integers(-2, 3, (6, 1)) + 1j * rng.integers(-2, 3, (6, 1))
    u = rng.integers(-2, 3, (3, 1)) + 1j * rng.integers(-2, 3, (3, 1))
    weights = np.arange(1.0, 7.0)[:, None]
    f = lambda m: lambda z, u: m.sum(m.abs(getattr(z.at[1::2], kind)(u * (1 + 0.5j))) ** 2 * weights)
    expected = jax.jit(jax.grad(f(jnp), argnums=(0, 1)))(z, u)
    for grad in (fx.grad(f(fnp), argnums=(0, 1)), fx.jit(fx.grad(f(fnp), argnums=(0, 1)))):
        for g, e in zip(grad(fnp.asarray(z), fnp.asarray(u)), expected):
            np.testing.assert_allclose(np.asarray(g), e, rtol=1e-14)


# where jax is wrong, fluxion keeps the math -------------------------------------------------------
def _derivative(f, x, order):
    for _ in range(order):
        f = fx.grad(f)
    return float(f(_arr(x)))


@pytest.mark.parametrize("f, x, order, expected", [
    # i1 is odd, i0 even: i1''(0) = 0, i1'''(0) = 3/8, i0''(0) = 1/2 (jax: 1, 1.5 and 1.5)
    (fsp.i1, 0.0, 2, 0.0), (fsp.i1, 0.0, 3, 0.375), (fsp.i0, 0.0, 2, 0.5),
    # gammaln'' is the trigamma function, also at negative x (jax: -0.032 at -30.5)
    (fsp.gammaln, -30.5, 2, scipy.special.polygamma(1, -30.5)), (fsp.gammaln, -2.5, 2, scipy.special.polygamma(1, -2.5)),
    # spence'(x) = log(x) / (1 - x), finite above 1 too (jax: NaN)
    (fsp.spence, 1.5, 1, np.log(1.5) / (1 - 1.5)), (fsp.spence, 3.0, 1, np.log(3.0) / (1 - 3.0)),
    # ldexp(x, 3) = 8 x, also at 0 (jax: 1)
    (lambda x: fnp.ldexp(x, 3), 0.0, 1, 8.0),
])
def test_derivatives_where_jax_is_wrong_match_closed_forms(f, x, order, expected):
    np.testing.assert_allclose(_derivative(f, x, order), expected, rtol=1e-12, atol=1e-15)
