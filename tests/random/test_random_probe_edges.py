"""Invalid parameters give NaN samples (eagerly and under jit, also where jit sees them as
constants), and the valid samples beside them keep their distribution."""
import numpy as np
import pytest
import scipy.stats as stats

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.random import _continuous
from _fit import chi2_pvalue

R = fx.random
KEY = fx.random.key(11)


def _eager_and_jit(fn):
    """`fn(key)` eagerly and under jit, where the parameters `fn` closes over are constants of the program."""
    return np.asarray(fn(KEY)), np.asarray(fx.jit(fn)(KEY))


@pytest.mark.parametrize("sigma", [-1.0, -1e-30, np.nan])
def test_lognormal_of_a_negative_or_nan_sigma_is_nan(sigma):
    for out in _eager_and_jit(lambda k: R.lognormal(k, sigma, (5,))):
        assert np.isnan(out).all()


def test_lognormal_nan_lanes_leave_the_valid_ones_log_normal():
    x = np.asarray(R.lognormal(KEY, np.array([0.7, -0.7], np.float32), (20000, 2)), np.float64)
    assert np.isnan(x[:, 1]).all()
    assert stats.kstest(x[:, 0], stats.lognorm(0.7).cdf).pvalue > 1e-3


def test_double_sided_maxwell_of_a_negative_scale_is_nan():
    for out in _eager_and_jit(lambda k: R.double_sided_maxwell(k, 1.0, np.array([-2.0, 0.0, 2.0]), (4,))):
        assert np.isnan(out[:, 0]).all()
        np.testing.assert_array_equal(out[:, 1], 1.0)
        assert np.isfinite(out[:, 2]).all()


@pytest.mark.parametrize("alpha", [[0.0, 0.0, 0.0], [1.0, -1.0, 2.0], [np.nan, 1.0, 1.0], [-1.0, -1.0, -1.0]])
def test_dirichlet_of_invalid_concentrations_is_nan_also_for_constants_under_jit(alpha):
    alpha = np.array(alpha, np.float32)
    for out in _eager_and_jit(lambda k: R.dirichlet(k, alpha, (3,))):
        assert out.shape == (3, 3) and np.isnan(out).all()


def test_dirichlet_rows_with_valid_concentrations_are_unaffected_by_an_invalid_row():
    alpha = np.array([[0.5, 1.0, 2.5], [0.0, 1.0, 1.0]], np.float32)
    eager, jitted = _eager_and_jit(lambda k: R.dirichlet(k, alpha, (20000, 2)))
    for x in (eager, jitted):
        assert np.isnan(x[:, 1]).all() and np.isfinite(x[:, 0]).all()
        np.testing.assert_allclose(x[:, 0].sum(-1), 1.0, rtol=1e-5)
    # each coordinate of Dirichlet(alpha) is Beta(alpha_i, sum(alpha) - alpha_i)
    first = eager[:, 0, 0].astype(np.float64)
    assert stats.kstest(first, stats.beta(0.5, 3.5).cdf).pvalue > 1e-3


@pytest.mark.parametrize("p", [[-0.5, 0.5, 1.0], [np.nan, 0.5, 1.0], [0.0, 0.0, 0.0], [0.2, np.inf, 0.3]])
def test_multinomial_of_invalid_probabilities_is_nan(p):
    p = np.array(p, np.float32)
    for out in _eager_and_jit(lambda k: R.multinomial(k, 10.0, p, shape=(4, p.shape[-1]))):
        assert out.shape == (4, 3) and np.isnan(out).all()


def test_multinomial_rows_with_valid_probabilities_are_unaffected_by_an_invalid_row():
    p = np.array([[0.2, 0.0, 0.8], [0.3, -0.1, 0.8]], np.float32)
    x = np.asarray(R.multinomial(KEY, 12.0, p, shape=(20000, 2, 3)))
    assert np.isnan(x[:, 1]).all()
    good = x[:, 0]
    np.testing.assert_array_equal(good.sum(-1), 12.0)
    np.testing.assert_array_equal(good[:, 1], 0.0)  # a zero probability is valid and never drawn
    assert chi2_pvalue(good[:, 0], stats.binom(12, 0.2)) > 1e-3


def test_multivariate_normal_by_eigh_of_an_indefinite_cov_is_nan():
    cov = np.array([[[1.0, 2.0], [2.0, 1.0]], [[2.0, 0.5], [0.5, 1.0]]], np.float32)
    for out in _eager_and_jit(lambda k: R.multivariate_normal(k, np.zeros(2, np.float32), cov, (3, 2), method="eigh")):
        assert np.isnan(out[:, 0]).all() and np.isfinite(out[:, 1]).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multivariate_normal_by_eigh_of_a_singular_cov_matches_its_covariance(dtype):
    v = np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 1.0]], dtype)
    cov = v.T @ v  # rank 2: one eigenvalue is 0 up to rounding, maybe slightly negative
    x = np.asarray(R.multivariate_normal(KEY, np.zeros(3, dtype), cov, (20000,), dtype, method="eigh"), np.float64)
    assert np.isfinite(x).all()
    np.testing.assert_allclose(np.cov(x.T), cov, atol=0.15)


@pytest.mark.parametrize("lower, upper, dtype", [(20.0, 21.0, np.float32), (-21.0, -20.0, np.float32),
                                                 (40.0, 41.0, np.float64), (-np.inf, -30.0, np.float32)])
def test_truncated_normal_far_in_a_tail_where_the_cdf_underflows_keeps_its_distribution(lower, upper, dtype):
    eager, jitted = _eager_and_jit(lambda k: R.truncated_normal(k, lower, upper, (20000,), dtype=dtype))
    np.testing.assert_allclose(jitted, eager, rtol=4 * np.finfo(dtype).eps)
    assert ((eager > lower) & (eager < upper)).all()
    assert stats.kstest(eager.astype(np.float64), stats.truncnorm(lower, upper).cdf).pvalue > 1e-3


@pytest.mark.parametrize("dtype", [np.float16, fnp.bfloat16, np.float32])
@pytest.mark.parametrize("lower, upper", [(4.0, np.inf), (4.0, 100.0), (-np.inf, -5.0)])
def test_truncated_normal_in_one_tail_keeps_every_sample_near_the_bound_it_draws_from(lower, upper, dtype):
    # a uniform of 0 (one draw in 2**nmant: many in 16 bits) once gave the far bound, or the largest float
    x = np.asarray(R.truncated_normal(R.key(0), lower, upper, (20000,), dtype=dtype)).astype(np.float64)
    near = lower if np.isfinite(lower) else upper
    assert np.abs(x - near).max() < 3
    u0 = np.asarray(_continuous._tail_inversion(fnp.asarray(lower), fnp.asarray(upper), fnp.zeros(3)))
    np.testing.assert_allclose(u0, near, rtol=1e-6)
    if dtype == np.float32:  # (16-bit samples are too coarse for the test)
        assert stats.kstest(x, stats.truncnorm(lower, upper).cdf).pvalue > 1e-3
