"""gamma, loggamma, beta, dirichlet, poisson, multivariate_normal: goodness of fit, edge cases, errors."""
import warnings

import numpy as np
import pytest
import scipy.stats as stats
from scipy.special import gammainc, gammaln

import fluxion as fx
from _fit import chi2_pvalue
from fluxion.errors import DTypeError, ShapeError

N = 20000


def _f64(x):
    return np.asarray(x).astype(np.float64)


@pytest.mark.parametrize("a", [0.2, 0.5, 1.0, 2.5, 30.0])
def test_gamma_passes_a_kolmogorov_smirnov_test(a):
    x = fx.random.gamma(fx.random.key(0), a, (N,))
    assert x.dtype == np.float32
    assert stats.kstest(_f64(x), stats.gamma(a).cdf).pvalue > 1e-3


@pytest.mark.parametrize("a", [1e-3, 0.05])
def test_loggamma_of_tiny_shapes_passes_a_kolmogorov_smirnov_test(a):
    y = _f64(fx.random.loggamma(fx.random.key(1), a, (N,)))
    assert np.isfinite(y).all()
    assert stats.kstest(y, lambda v: _log_gamma_cdf(v, a)).pvalue > 1e-3


def _log_gamma_cdf(y, a):
    """P(log G <= y) for G ~ Gamma(a); the samples reach y = -10000, where e**y underflows."""
    small = y < -30  # there P(G <= t) = t**a / Gamma(a + 1) to double precision
    out = np.empty_like(y)
    out[small] = np.exp(a * y[small] - gammaln(a + 1))
    out[~small] = gammainc(a, np.exp(y[~small]))
    return out


def test_gamma_broadcasts_shapes_and_gives_nan_for_invalid_shapes():
    a = np.array([0.5, 1.0, 4.0])
    x = _f64(fx.random.gamma(fx.random.key(2), a, (N, 3)))
    assert x.shape == (N, 3)
    np.testing.assert_allclose(x.mean(0), a, rtol=0.05)
    np.testing.assert_allclose(x.var(0), a, rtol=0.1)
    bad = np.asarray(fx.random.gamma(fx.random.key(0), np.array([-1.0, 0.0, np.nan, 2.0])))
    assert np.isnan(bad[:3]).all() and np.isfinite(bad[3])


@pytest.mark.parametrize("dtype", [np.float16, np.float64])
def test_gamma_in_other_float_dtypes(dtype):
    x = fx.random.gamma(fx.random.key(3), 2.0, (N,), dtype)
    assert x.dtype == dtype
    assert stats.kstest(_f64(x), stats.gamma(2.0).cdf).pvalue > (1e-3 if dtype == np.float64 else 1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_gamma_derivative_in_a_keeps_its_digits_in_small_dtypes_at_large_a(dtype):
    # the implicit derivative -(dP/da)(a, g) / p(a, g) at each sample g, by scipy in float64; for
    # large a, log(g p) is a difference of large terms, which the small dtype cannot hold
    a = np.array([0.7, 3.0, 1e3, 1e4, 1e5, 1e6] if dtype == np.float32 else [0.7, 3.0, 1e2, 1e3, 1e4], dtype)
    keys = fx.random.split(fx.random.key(2), a.size)
    got = _f64(fx.vmap(fx.grad(lambda a, k: fx.random.gamma(k, a, dtype=dtype)))(a, keys))
    g = _f64(fx.vmap(lambda a, k: fx.random.gamma(k, a, dtype=dtype))(a, keys))
    a, h = a.astype(np.float64), 1e-6 * a.astype(np.float64)
    want = -(gammainc(a + h, g) - gammainc(a - h, g)) / (2 * h) / stats.gamma.pdf(g, a)
    np.testing.assert_allclose(got, want, rtol=2e-3 if dtype == np.float16 else 1e-5)


def test_beta_passes_a_kolmogorov_smirnov_test_and_tiny_parameters_stay_in_range():
    x = fx.random.beta(fx.random.key(0), 0.5, 2.0, (N,))
    assert stats.kstest(_f64(x), stats.beta(0.5, 2.0).cdf).pvalue > 1e-3
    tiny = _f64(fx.random.beta(fx.random.key(1), 1e-3, 1e-3, (N,)))
    assert np.all((tiny >= 0) & (tiny <= 1))
    # Beta(e, e) puts about half its mass near each end
    assert abs((tiny > 0.5).mean() - 0.5) < 0.02


def test_dirichlet_rows_sum_to_one_with_the_right_moments():
    alpha = np.array([0.5, 1.0, 3.0])
    x = _f64(fx.random.dirichlet(fx.random.key(0), alpha, (N,)))
    assert x.shape == (N, 3)
    np.testing.assert_allclose(x.sum(1), 1, atol=1e-5)
    total = alpha.sum()
    np.testing.assert_allclose(x.mean(0), alpha / total, atol=0.01)
    np.testing.assert_allclose(x.var(0), alpha * (total - alpha) / (total ** 2 * (total + 1)), rtol=0.08)


def test_dirichlet_batches_and_errors():
    alpha = np.array([[1.0, 1.0], [10.0, 1.0]])
    assert fx.random.dirichlet(fx.random.key(0), alpha).shape == (2, 2)
    assert fx.random.dirichlet(fx.random.key(0), alpha, (5, 2)).shape == (5, 2, 2)
    with pytest.raises(ShapeError, match="0-d"):
        fx.random.dirichlet(fx.random.key(0), 1.0)
    with pytest.raises(ShapeError, match="broadcast"):
        fx.random.dirichlet(fx.random.key(0), alpha, (3,))


@pytest.mark.parametrize("lam", [0.5, 4.0, 9.99, 10.0, 50.0, 1e5])
def test_poisson_passes_a_chi_square_test_on_both_sides_of_the_method_switch(lam):
    x = np.asarray(fx.random.poisson(fx.random.key(0), lam, (N,)))
    assert x.dtype == np.int64
    assert chi2_pvalue(x, stats.poisson(lam)) > 1e-3


@pytest.mark.parametrize("lam", [1e6, 1e7])
def test_poisson_in_float32_has_the_spread_of_large_rates(lam):
    # (the exact test's -lam + k log(lam) - lgamma(k + 1) cancelled in float32: variances 1.04 lam and 0.78 lam)
    x = np.asarray(fx.random.poisson(fx.random.key(0), np.float32(lam), (50000,))).astype(np.float64)
    assert abs(x.var() / lam - 1) < 0.04 and abs(x.mean() / lam - 1) < 1e-4


def test_poisson_of_a_float64_rate_above_2_to_the_24():
    lam = 1e8
    x = np.asarray(fx.random.poisson(fx.random.key(0), np.float64(lam), (N,)))
    assert chi2_pvalue(x, stats.poisson(lam)) > 1e-3


def test_poisson_edge_rates_and_broadcasting():
    x = np.asarray(fx.random.poisson(fx.random.key(0), np.array([0.0, -1.0, np.nan, np.inf, 3.0]), dtype=np.int32))
    assert x.dtype == np.int32 and x.tolist()[:4] == [0, -1, -1, -1] and x[4] >= 0
    y = np.asarray(fx.random.poisson(fx.random.key(1), np.array([1.0, 100.0]), (5000, 2)))
    np.testing.assert_allclose(y.mean(0), [1.0, 100.0], rtol=0.05)


def test_poisson_errors_name_the_fix():
    with pytest.raises(DTypeError, match="signed integer"):
        fx.random.poisson(fx.random.key(0), 1.0, (2,), np.uint32)
    with pytest.raises(ShapeError, match="broadcast"):
        fx.random.poisson(fx.random.key(0), np.ones(3), (2,))


@pytest.mark.parametrize("method", ["cholesky", "eigh", "svd"])
def test_multivariate_normal_has_the_requested_mean_and_covariance(method):
    mean = np.array([1.0, -2.0, 0.5])
    root = np.array([[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [-0.3, 0.2, 0.7]])
    cov = root @ root.T
    x = _f64(fx.random.multivariate_normal(fx.random.key(0), mean, cov, (N,), method=method))
    assert x.shape == (N, 3)
    np.testing.assert_allclose(x.mean(0), mean, atol=0.05)
    np.testing.assert_allclose(np.cov(x.T), cov, atol=0.08)
    # each linear combination is normal
    w = np.array([0.3, -0.2, 1.0])
    assert stats.kstest((x - mean) @ w / np.sqrt(w @ cov @ w), stats.norm.cdf).pvalue > 1e-3


def test_multivariate_normal_of_a_singular_covariance_with_eigh():
    cov = np.array([[1.0, 1.0], [1.0, 1.0]])
    x = _f64(fx.random.multivariate_normal(fx.random.key(0), np.zeros(2), cov, (1000,), method="eigh"))
    np.testing.assert_allclose(x[:, 0], x[:, 1], atol=1e-3)


@pytest.mark.parametrize("mean_dtype, cov_dtype, want", [(np.float64, np.float64, np.float64),
                                                        (np.float32, np.float64, np.float64),
                                                        (np.float16, np.float16, np.float16),
                                                        (np.int64, np.int64, np.float32)])
def test_multivariate_normal_draws_in_the_dtype_of_mean_and_cov_as_jax_does(mean_dtype, cov_dtype, want):
    big = 1e8 if want == np.float64 else 1.0
    x = fx.random.multivariate_normal(fx.random.key(0), np.array([big, 0]).astype(mean_dtype),
                                      np.eye(2, dtype=cov_dtype), (2000,))
    assert x.dtype == want
    if want == np.float64:  # (the noise survives next to 1e8)
        assert abs(np.asarray(x)[:, 0].std() - 1) < 0.1


def test_multivariate_normal_broadcasts_batches_of_means_and_covariances():
    mean = np.zeros((4, 1, 2))
    cov = np.stack([np.eye(2) * s for s in (1.0, 4.0, 9.0)])  # (3, 2, 2)
    x = fx.random.multivariate_normal(fx.random.key(0), mean, cov, dtype=np.float64)
    assert x.shape == (4, 3, 2) and x.dtype == np.float64
    y = _f64(fx.random.multivariate_normal(fx.random.key(1), np.zeros(2), cov, (5000, 3)))
    np.testing.assert_allclose(y.std(0)[:, 0], [1.0, 2.0, 3.0], rtol=0.05)


def test_multivariate_normal_errors_name_the_fix():
    key = fx.random.key(0)
    with pytest.raises(ShapeError, match=r"\(\.\.\., n, n\)"):
        fx.random.multivariate_normal(key, np.zeros(2), np.eye(3))
    with pytest.raises(ValueError, match="method"):
        fx.random.multivariate_normal(key, np.zeros(2), np.eye(2), method="qr")
    with pytest.raises(DTypeError, match="floating-point"):
        fx.random.multivariate_normal(key, np.zeros(2), np.eye(2), dtype=np.int32)


def test_samplers_with_valid_parameters_emit_no_floating_point_warnings():
    key = fx.random.key(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fx.random.gamma(key, np.array([1e-4, 0.5, 1.0, 1e4]), (3000, 4))
        fx.random.beta(key, 1e-3, 2.0, (3000,))
        fx.random.dirichlet(key, np.array([1e-3, 1.0]), (3000,))
        fx.random.poisson(key, np.array([0.0, 1e-3, 9.5, 10.0, 1e6]), (3000, 5))
        fx.random.truncated_normal(key, np.array([-np.inf, 5.0, -1.0]), np.array([-30.0, np.inf, 1.0]), (3000, 3))
        fx.random.choice(key, 3, (2,), replace=False, p=np.array([0.5, 0.5, 0.0]))
        fx.random.categorical(key, np.array([0.0, -np.inf]), shape=(10,))
