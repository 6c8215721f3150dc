"""Failures and disagreements found by running random programs of the second operation table
(`_jax_program_ops_more`, `_jax_program_ops_lax`) through fluxion and jax, reduced to one
operation each.

Oracles: closed forms, SciPy, central finite differences, and jax where jax is right. Where jax
is wrong (noted in each test), the oracle is the math.
"""
import numpy as np
import pytest
import scipy.special
import scipy.stats

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsla
import fluxion.scipy.special as fsp

from _jax_oracle import jax_x64


def _arr(values, dtype=np.float64):
    return fnp.asarray(np.asarray(values, dtype))


def _each(f, x, order=1):
    """The `order`-th derivative of a scalar function at each element of `x`."""
    for _ in range(order):
        f = fx.grad(f)
    return np.asarray(fx.vmap(f)(_arr(x)))


# exp1: its closed-form derivative was finite where its value is NaN ---------------------------------
def test_exp1_derivatives_are_nan_below_zero_where_its_value_is():
    x = np.array([-40.0, -1.2, -0.2, 0.5, 2.0])
    expected = np.where(x < 0, np.nan, -np.exp(-x) / x)
    for got in (_each(fsp.exp1, x), fx.jvp(fsp.exp1, (_arr(x),), (fnp.ones(5, dtype=fnp.float64),))[1]):
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-14)
    second = _each(fsp.exp1, x, order=2)
    np.testing.assert_allclose(second, np.where(x < 0, np.nan, np.exp(-x) * (1 + x) / x ** 2), rtol=1e-13)


# solve_triangular: the entries it never reads have derivative 0, also where the solution is not finite
@pytest.mark.parametrize("a, lower, unit", [
    (np.array([[1.0, np.nan], [0.0, 2.0]]), False, True),  # a NaN in the read triangle
    (np.array([[2.5, 1.0, 3.0], [1.0, 0.0, 4.0], [3.0, 6.0, 8.0]]), True, False),  # a zero pivot: an infinite solution
])
def test_solve_triangular_derivative_in_entries_it_never_reads_is_zero_as_jax(a, lower, unit):
    # the tangent of the unread triangle was masked by a product with 0, which turned NaN and inf into NaN
    jax = jax_x64()
    b = np.arange(1.0, a.shape[0] + 1.0)
    f = lambda m, sla: lambda a: m.sum(sla.solve_triangular(a, b, lower=lower, unit_diagonal=unit, trans=1) * b)
    got = np.asarray(fx.grad(f(fnp, fsla))(_arr(a)))
    np.testing.assert_array_equal(got, jax.grad(f(jax.numpy, jax.scipy.linalg))(a))
    ones = np.ones_like(a)
    read = np.tril(ones, -1 if unit else 0) if lower else np.triu(ones, 1 if unit else 0)
    np.testing.assert_array_equal(got[read == 0], 0.0)


# where jax is wrong, fluxion keeps the math ----------------------------------------------------------
def test_expn_of_order_zero_has_its_derivative_below_one():
    # E_0(x) = exp(-x) / x; jax's derivative is NaN for x < 1
    x = np.array([0.3, 0.7, 1.5])
    np.testing.assert_allclose(_each(lambda t: fsp.expn(0, t), x), -np.exp(-x) / x - np.exp(-x) / x ** 2, rtol=1e-13)


def test_expn_at_zero_is_one_over_n_minus_one_with_derivative_minus_expn_of_n_minus_one():
    # jax gives E_3(0) = 1/3 and E_3'(0) = -1/2
    np.testing.assert_allclose(float(fsp.expn(3, 0.0)), scipy.special.expn(3, 0.0), rtol=1e-15)
    np.testing.assert_allclose(_each(lambda t: fsp.expn(3, t), [0.0]), [-scipy.special.expn(2, 0.0)], rtol=1e-15)


def test_log_ndtr_derivative_far_in_the_lower_tail_is_the_mills_ratio():
    # d/dx log(ndtr(x)) = pdf / cdf ~ -x - 1/x + 2/x**3 as x -> -inf (jax: 30000.000855 at -30000)
    x = np.array([-1200.0, -3.0e4])
    np.testing.assert_allclose(_each(fsp.log_ndtr, x), -x - 1 / x + 2 / x ** 3, rtol=1e-15)


def test_bessel_jn_far_out_matches_scipy_with_its_derivative():
    # jax's bessel_jn(350.4, v=3) is 4.39 (its backward recurrence starts too low); SciPy's -0.0259
    z = np.array([60.0, 350.42103336])
    np.testing.assert_allclose(np.asarray(fsp.bessel_jn(_arr(z), v=3)), [scipy.special.jv(k, z) for k in range(4)], rtol=1e-10, atol=1e-15)
    # J_3' = (J_2 - J_4) / 2
    np.testing.assert_allclose(_each(lambda t: fsp.bessel_jn(t, v=3)[3], z), (scipy.special.jv(2, z) - scipy.special.jv(4, z)) / 2,
                               rtol=1e-9, atol=1e-15)


def test_float32_bessel_jn_matches_scipy_for_small_arguments():
    # jax's float32 bessel_jn is NaN for |z| below about 4
    z = np.array([-4.4, -1.0, 0.3, 3.0, 4.4], np.float32)
    got = np.asarray(fsp.bessel_jn(_arr(z, np.float32), v=3))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, [scipy.special.jv(k, z.astype(np.float64)) for k in range(4)], rtol=2e-5, atol=2e-6)


# reparameterised draws in their concentration ----------------------------------------------------
@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-7), (np.float32, 5e-5)])
@pytest.mark.parametrize("a", [0.05, 0.9, 2.5, 40.0])
def test_gamma_draw_gradient_is_the_implicit_reparameterisation_gradient(a, dtype, rtol):
    # each draw z moves with a as dz/da = -(dF/da)(z; a) / pdf(z; a), F the gamma distribution function
    key = fx.random.key(3)
    z = np.asarray(fx.random.gamma(key, _arr(np.full(200, a), dtype), dtype=dtype), np.float64)
    got = np.asarray(fx.grad(lambda a: fnp.sum(fx.random.gamma(key, a, dtype=dtype)))(_arr(np.full(200, a), dtype)), np.float64)
    h = 1e-6
    d_cdf = (scipy.special.gammainc(a + h, z) - scipy.special.gammainc(a - h, z)) / (2 * h)
    keep = z > 1e-30  # draws that underflowed to 0 stay there
    np.testing.assert_allclose(got[keep], (-d_cdf / scipy.stats.gamma.pdf(z, a))[keep], rtol=rtol, atol=1e-12)


def _monte_carlo_gradient(mean_of, params, keys=8):
    """The gradient of a Monte-Carlo mean over several keys, and its standard error."""
    gs = np.array([np.asarray(fx.grad(lambda p: mean_of(fx.random.key(100 + k), p))(_arr(params))) for k in range(keys)])
    return gs.mean(0), gs.std(0, ddof=1) / np.sqrt(keys)


def test_beta_draw_gradient_matches_the_derivative_of_its_mean_within_sampling_error():
    a, b = 0.3, 0.7
    mean, se = _monte_carlo_gradient(lambda key, p: fnp.mean(fx.random.beta(key, p[0], p[1], (20000,), dtype=fnp.float64)), [a, b])
    assert np.all(np.abs(mean - np.array([b, -a]) / (a + b) ** 2) < 5 * se + 1e-4)


def test_dirichlet_draw_gradient_matches_the_derivative_of_its_mean_within_sampling_error():
    alpha, w = np.array([0.3, 1.0, 2.5]), np.array([1.0, 2.0, 3.0])
    mean, se = _monte_carlo_gradient(
        lambda key, p: fnp.mean(fx.random.dirichlet(key, p, (20000,), dtype=fnp.float64) @ fnp.asarray(w)), alpha)
    assert np.all(np.abs(mean - (w / alpha.sum() - w @ alpha / alpha.sum() ** 2)) < 5 * se + 1e-4)
