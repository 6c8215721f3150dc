"""cauchy ... ball, binomial, multinomial, orthogonal and the key-data functions: goodness of fit
against scipy.stats, implicit-reparameterization gradients, jit against eager, vmap over keys
against a loop, traced parameters, shapes, dtypes, invalid parameters and errors."""
import ml_dtypes
import numpy as np
import pytest
import scipy.stats as stats
from _differential import assert_matches, eager_and_jit
from _tracing import traced

import fluxion as fx
from _fit import chi2_pvalue
import fluxion.numpy as fnp
from fluxion.errors import DTypeError, ShapeError

R = fx.random
N = 20000


def _f64(x):
    return np.asarray(x).astype(np.float64)


# continuous samplers against scipy.stats ------------------------------------------------------------------
CONTINUOUS = {  # name: (draw(key, n), scipy distribution of the draws)
    "cauchy": (lambda k, n: R.cauchy(k, (n,)), stats.cauchy()),
    "laplace": (lambda k, n: R.laplace(k, (n,)), stats.laplace()),
    "logistic": (lambda k, n: R.logistic(k, (n,)), stats.logistic()),
    "lognormal": (lambda k, n: R.lognormal(k, 0.7, (n,)), stats.lognorm(0.7)),
    "pareto": (lambda k, n: R.pareto(k, 3.0, (n,)), stats.pareto(3.0)),
    "rayleigh": (lambda k, n: R.rayleigh(k, 2.0, (n,)), stats.rayleigh(scale=2.0)),
    "weibull_min": (lambda k, n: R.weibull_min(k, 2.0, 1.5, (n,)), stats.weibull_min(1.5, scale=2.0)),
    "triangular": (lambda k, n: R.triangular(k, -1.0, 0.5, 3.0, (n,)), stats.triang(0.375, loc=-1.0, scale=4.0)),
    "wald": (lambda k, n: R.wald(k, 2.0, (n,)), stats.invgauss(2.0)),
    "wald(small mean)": (lambda k, n: R.wald(k, 0.05, (n,)), stats.invgauss(0.05)),
    # a mean past float32's square root: w (2 + w) overflowed, and the sample was 0; as the mean
    # grows the distribution tends to Levy's (scale 1, the shape parameter)
    "wald(huge mean)": (lambda k, n: R.wald(k, 1e30, (n,)), stats.levy()),
    "maxwell": (lambda k, n: R.maxwell(k, (n,)), stats.maxwell()),
    # |x - loc| / scale is Maxwell: ((x - loc) / scale)**2 / 2 is Gamma(3/2)
    "double_sided_maxwell": (lambda k, n: ((R.double_sided_maxwell(k, 1.0, 2.0, (n,)) - 1.0) / 2.0) ** 2 / 2.0,
                             stats.gamma(1.5)),
    "t": (lambda k, n: R.t(k, 3.0, (n,)), stats.t(3.0)),
    "t(small df)": (lambda k, n: R.t(k, 0.3, (n,), fnp.float64), stats.t(0.3)),
    "chisquare": (lambda k, n: R.chisquare(k, 3.0, (n,)), stats.chi2(3.0)),
    "chisquare(small df)": (lambda k, n: R.chisquare(k, 0.4, (n,)), stats.chi2(0.4)),
    "f": (lambda k, n: R.f(k, 5.0, 10.0, (n,)), stats.f(5.0, 10.0)),
    "generalized_normal": (lambda k, n: R.generalized_normal(k, 3.0, (n,)), stats.gennorm(3.0)),
    "generalized_normal(p=0.5)": (lambda k, n: R.generalized_normal(k, 0.5, (n,)), stats.gennorm(0.5)),
}


@pytest.mark.parametrize("name", sorted(CONTINUOUS))
def test_continuous_sampler_passes_a_kolmogorov_smirnov_test(name):
    draw, dist = CONTINUOUS[name]
    x = _f64(draw(R.key(1), N))
    assert np.isfinite(x).all()
    assert stats.kstest(x, dist.cdf).pvalue > 1e-3


def test_symmetric_samplers_are_exactly_symmetric_in_distribution():
    # the open-interval uniforms are symmetric about 1/2, so the support points come in pairs
    for sampler in (R.cauchy, R.laplace, R.logistic):
        x = _f64(sampler(R.key(2), (N,)))
        assert abs(np.mean(x > 0) - 0.5) < 0.015 and np.isfinite(x).all()


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, np.float64])
def test_samplers_give_the_dtype_asked_for(dtype):
    key = R.key(3)
    outs = [R.cauchy(key, (3,), dtype), R.laplace(key, (3,), dtype), R.logistic(key, (3,), dtype),
            R.lognormal(key, 0.5, (3,), dtype), R.pareto(key, 2.0, (3,), dtype), R.rayleigh(key, 1.0, (3,), dtype),
            R.weibull_min(key, 1.0, 2.0, (3,), dtype), R.triangular(key, 0.0, 1.0, 2.0, (3,), dtype),
            R.wald(key, 1.0, (3,), dtype), R.maxwell(key, (3,), dtype), R.double_sided_maxwell(key, 0.0, 1.0, (3,), dtype),
            R.t(key, 2.0, (3,), dtype), R.chisquare(key, 2.0, (3,), dtype), R.f(key, 2.0, 3.0, (3,), dtype),
            R.generalized_normal(key, 1.5, (3,), dtype), R.ball(key, 2, 2, (3,), dtype),
            R.binomial(key, 10, 0.5, (3,), dtype), R.multinomial(key, 10, fnp.ones(2) / 2, shape=(3, 2), dtype=dtype),
            R.orthogonal(key, 2, (3,), dtype), R.rademacher(key, (3,), dtype)]
    for x in outs:
        assert x.dtype == dtype and x.shape[0] == 3 and np.isfinite(_f64(x)).all()


def test_parameters_broadcast_to_the_shape():
    scale = np.array([1.0, 10.0, 100.0], np.float32)
    x = _f64(R.rayleigh(R.key(0), scale, (4000, 3)))
    np.testing.assert_allclose(x.mean(0), scale * np.sqrt(np.pi / 2), rtol=0.05)
    assert R.lognormal(R.key(0), np.ones((2, 1))).shape == (2, 1)
    assert R.triangular(R.key(0), 0.0, np.array([0.5, 1.0]), 2.0).shape == (2,)
    assert R.binomial(R.key(0), np.array([[5.0], [50.0]]), np.array([0.1, 0.9])).shape == (2, 2)
    with pytest.raises(ShapeError, match="broadcast"):
        R.pareto(R.key(0), np.ones(3), (2,))


def test_weibull_broadcasts_the_shape_with_its_parameters_and_double_sided_maxwell_adds_it_before_them():
    # (as jax's; jax's double_sided_maxwell also repeats the parameters' shape where `shape` is ())
    assert R.weibull_min(R.key(0), np.ones(3), 2.0).shape == (3,)
    assert R.weibull_min(R.key(0), 1.0, np.ones(3), (2, 1)).shape == (2, 3)
    assert R.double_sided_maxwell(R.key(0), np.zeros((2, 1)), np.ones(4)).shape == (2, 4)
    jax = pytest.importorskip("jax")
    for loc, scale, shape in ((np.zeros(3), 1.0, (2,)), (0.5, np.full((2, 1), 2.0), (3, 1)), (0.0, 1.0, (5,))):
        with jax.enable_x64(False):  # (other test files switch jax to 64 bits, where its draws differ)
            want = jax.random.double_sided_maxwell(jax.random.key(1), loc, scale, shape)
        np.testing.assert_allclose(np.asarray(R.double_sided_maxwell(R.key(1), loc, scale, shape)), want, rtol=1e-6)
    with pytest.raises(ShapeError, match="broadcast"):
        R.double_sided_maxwell(R.key(0), np.zeros(3), np.ones(2))


def test_invalid_parameters_give_nan():
    key = R.key(0)
    bad = {"pareto": R.pareto(key, np.array([0.0, -1.0, np.nan])),
           "triangular": R.triangular(key, np.array([1.0, 0.0, 1.0]), np.array([0.0, 3.0, 1.0]),
                                      np.array([2.0, 2.0, 1.0])),  # mode < left, mode > right, left == right
           "wald": R.wald(key, np.array([0.0, -2.0, np.nan])),
           "chisquare": R.chisquare(key, np.array([0.0, -1.0, np.nan])),
           "t": R.t(key, np.array([0.0, -1.0, np.nan])),
           "generalized_normal": R.generalized_normal(key, np.array([0.0, -1.0, np.nan]), (3,)),
           "ball": R.ball(key, 2, np.array([0.0, -1.0, np.nan]), (3,))}
    for name, x in bad.items():
        assert np.isnan(_f64(x)).all(), name


# gradients -----------------------------------------------------------------------------------------------
def _implicit_gradient(dist, theta, x, eps):
    """dx/dtheta = -(dF/dtheta) / f at the samples x, by central differences of scipy's CDF."""
    return -(dist(theta + eps).cdf(x) - dist(theta - eps).cdf(x)) / (2 * eps) / dist(theta).pdf(x)


GRADIENTS = {  # name: (sample(key, theta), theta, scipy distribution of theta)
    "lognormal sigma": (lambda k, s: R.lognormal(k, s, (500,), fnp.float64), 0.7, lambda s: stats.lognorm(s)),
    "pareto b": (lambda k, b: R.pareto(k, b, (500,), fnp.float64), 3.0, lambda b: stats.pareto(b)),
    "rayleigh scale": (lambda k, s: R.rayleigh(k, s, (500,), fnp.float64), 2.0, lambda s: stats.rayleigh(scale=s)),
    "weibull_min concentration": (lambda k, c: R.weibull_min(k, 2.0, c, (500,), fnp.float64), 1.5,
                                  lambda c: stats.weibull_min(c, scale=2.0)),
    "triangular mode": (lambda k, m: R.triangular(k, -1.0, m, 3.0, (500,), fnp.float64), 0.5,
                        lambda m: stats.triang((m + 1) / 4, loc=-1.0, scale=4.0)),
    "wald mean": (lambda k, m: R.wald(k, m, (500,), fnp.float64), 2.0, lambda m: stats.invgauss(m)),
    "wald mean (small)": (lambda k, m: R.wald(k, m, (500,), fnp.float64), 0.1, lambda m: stats.invgauss(m)),
    "gamma a": (lambda k, a: R.gamma(k, a, (500,), fnp.float64), 2.5, lambda a: stats.gamma(a)),
    "gamma a (small)": (lambda k, a: R.gamma(k, a, (500,), fnp.float64), 0.3, lambda a: stats.gamma(a)),
    "gamma a (large)": (lambda k, a: R.gamma(k, a, (500,), fnp.float64), 80.0, lambda a: stats.gamma(a)),
    "chisquare df": (lambda k, df: R.chisquare(k, df, (500,), fnp.float64), 3.0, lambda df: stats.chi2(df)),
}


@pytest.mark.parametrize("name", sorted(GRADIENTS))
def test_gradient_is_the_implicit_reparameterization_gradient(name):
    sample, theta, dist = GRADIENTS[name]
    key = R.key(4)
    x = _f64(sample(key, theta))
    grad = _f64(fx.jacfwd(lambda t: sample(key, t))(fnp.asarray(theta, dtype=fnp.float64)))
    expected = _implicit_gradient(dist, theta, x, 1e-5 * theta)
    np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-6)


def test_gamma_based_samplers_are_differentiable_in_their_parameters():
    # d/d df E[chisquare(df)] = 1 and d/d dfden E[f] = -2 dfnum / (dfnum (dfden - 2)**2) * dfnum = -2 / (dfden - 2)**2;
    # gamma's derivatives are implicit, so these means are unbiased: only sampling noise is left
    key = R.key(5)
    chi = fx.grad(lambda df: R.chisquare(key, df, (50000,)).mean())(fnp.asarray(3.0))
    f = fx.grad(lambda d: R.f(key, 5.0, d, (50000,)).mean())(fnp.asarray(10.0))
    assert abs(float(chi) - 1.0) < 0.01 and abs(float(f) / (-2 / 64) - 1) < 0.05
    # beta and dirichlet couple two gamma draws: unbiased in the mean, d/da a / (a + b) = b / (a + b)**2
    beta = fx.grad(lambda a: R.beta(key, a, 2.0, (50000,)).mean())(fnp.asarray(1.5))
    assert abs(float(beta) / (2.0 / 3.5 ** 2) - 1) < 0.02
    for fn in (lambda v: R.t(key, v, (100,)), lambda v: R.generalized_normal(key, v, (100,)),
               lambda v: R.ball(key, 3, v, (100,))):
        assert np.isfinite(_f64(fx.jacfwd(fn)(fnp.asarray(2.5)))).all()


# ball and orthogonal --------------------------------------------------------------------------------------
@pytest.mark.parametrize("d, p", [(1, 3.0), (2, 2.0), (3, 1.0), (5, 0.5)])
def test_ball_is_uniform_in_the_p_ball(d, p):
    x = _f64(R.ball(R.key(6), d, p, (N,)))
    assert x.shape == (N, d)
    radius = (np.abs(x) ** p).sum(-1) ** (1 / p)
    assert radius.max() <= 1 + 1e-6
    assert stats.kstest(radius ** d, "uniform").pvalue > 1e-3  # P(radius <= r) = r**d
    assert np.abs(x.mean(0)).max() < 0.02


def test_ball_direction_is_uniform_on_the_circle():
    x = _f64(R.ball(R.key(7), 2, shape=(N,)))
    angle = np.arctan2(x[:, 1], x[:, 0])
    assert stats.kstest(angle, stats.uniform(-np.pi, 2 * np.pi).cdf).pvalue > 1e-3


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64])
def test_orthogonal_gives_orthogonal_or_unitary_matrices(dtype):
    q = np.asarray(R.orthogonal(R.key(8), 5, (3,), dtype))
    assert q.shape == (3, 5, 5) and q.dtype == dtype
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(q @ np.conj(np.swapaxes(q, -1, -2)), np.broadcast_to(np.eye(5), q.shape), atol=tol)


def test_orthogonal_with_m_gives_orthonormal_columns_or_rows():
    tall = np.asarray(R.orthogonal(R.key(9), 5, (), m=3))
    wide = np.asarray(R.orthogonal(R.key(9), 3, (), m=5))
    assert tall.shape == (5, 3) and wide.shape == (3, 5)
    np.testing.assert_allclose(tall.T @ tall, np.eye(3), atol=1e-5)
    np.testing.assert_allclose(wide @ wide.T, np.eye(3), atol=1e-5)


def test_orthogonal_is_haar_distributed():
    # for Haar Q in O(3), every entry squared is Beta(1/2, 1) and det is +1 or -1 equally often
    q = _f64(R.orthogonal(R.key(10), 3, (4000,)))
    assert stats.kstest(q[:, 0, 0] ** 2, stats.beta(0.5, 1.0).cdf).pvalue > 1e-3
    assert stats.kstest(q[:, 2, 1] ** 2, stats.beta(0.5, 1.0).cdf).pvalue > 1e-3
    assert abs(np.mean(np.linalg.det(q) > 0) - 0.5) < 0.03


# discrete samplers ---------------------------------------------------------------------------------------
def test_rademacher_is_plus_or_minus_one_equally_often():
    x = np.asarray(R.rademacher(R.key(11), (N,)))
    assert x.dtype == np.int64 and set(np.unique(x)) == {-1, 1}
    assert stats.binomtest(int((x == 1).sum()), N).pvalue > 1e-3
    assert R.rademacher(R.key(11), (2,), fnp.int8).dtype == np.int8


@pytest.mark.parametrize("seed", [0, 5])
def test_rademacher_matches_jax_bit_for_bit_and_laplace_to_rounding(seed):
    jax = pytest.importorskip("jax")
    with jax.enable_x64(False):  # (other test files switch jax to 64 bits, where its p = 0.5 draws float64 uniforms)
        signs = jax.random.rademacher(jax.random.key(seed), (3, 200), np.int32)
        theirs = _f64(jax.random.laplace(jax.random.key(seed), (2000,)))
    np.testing.assert_array_equal(R.rademacher(R.key(seed), (3, 200), fnp.int32), signs)
    ours = _f64(R.laplace(R.key(seed), (2000,)))
    # (the uniform in (-1, 1) is formed in two roundings apart, and log1p(-|v|) magnifies them near |v| = 1)
    np.testing.assert_allclose(ours, theirs, rtol=2e-4, atol=1e-5)


@pytest.mark.parametrize("p", [0.9, 0.3, 0.01])
def test_geometric_matches_scipy(p):
    x = np.asarray(R.geometric(R.key(12), p, (N,)))
    assert x.dtype == np.int64 and x.min() >= 1
    assert chi2_pvalue(x, stats.geom(p)) > 1e-3


def test_geometric_gives_minus_one_for_invalid_p_and_saturates():
    x = R.geometric(R.key(0), np.array([0.0, -0.5, 1.5, np.nan, 1.0, 1e-30]), dtype=fnp.int32).tolist()
    assert x[:4] == [-1, -1, -1, -1] and x[4] == 1 and x[5] == 2 ** 31 - 1


@pytest.mark.parametrize("n, p", [(5, 0.3), (30, 0.2), (20, 0.5), (21, 0.5), (100, 0.3), (1000, 0.01),
                                  (1000, 0.995), (10 ** 6, 0.4), (10 ** 5, 1e-4)])
def test_binomial_matches_scipy_in_both_regimes(n, p):
    x = _f64(R.binomial(R.key(13), n, p, (N,)))
    assert (x == np.round(x)).all() and x.min() >= 0 and x.max() <= n
    assert chi2_pvalue(x, stats.binom(n, p)) > 1e-3


def test_binomial_edges_and_invalid_parameters():
    key = R.key(0)
    assert R.binomial(key, 7, 1.0, (3,)).tolist() == [7.0] * 3
    assert R.binomial(key, 7, 0.0, (3,)).tolist() == [0.0] * 3
    assert R.binomial(key, 0, 0.5, (3,)).tolist() == [0.0] * 3
    bad = R.binomial(key, np.array([-1.0, 2.5, np.inf, 5.0, 5.0]), np.array([0.5, 0.5, 0.5, -0.1, np.nan]))
    assert np.isnan(_f64(bad)).all()


def test_binomial_in_float64_counts_beyond_float32_integers():
    x = _f64(R.binomial(R.key(14), 1e9, 0.5, (2000,), fnp.float64))
    assert (x == np.round(x)).all()
    assert abs(x.mean() - 5e8) < 5 * np.sqrt(2.5e8 / 2000)


@pytest.mark.parametrize("seed", [0, 1])
def test_binomial_in_float32_has_the_spread_of_large_n(seed):
    # (the rejection bound multiplies n + 1 by a log near 0: a float32 difference of logs near 1.4e7 lost it)
    x = _f64(R.binomial(R.key(seed), 1e6, 0.3, (50000,)))
    assert abs(x.var() / (1e6 * 0.3 * 0.7) - 1) < 0.04 and abs(x.mean() / 3e5 - 1) < 1e-4


def test_multinomial_counts_sum_to_n_and_have_binomial_marginals():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    x = _f64(R.multinomial(R.key(15), 20, p, shape=(N, len(p))))
    assert x.shape == (N, 4) and (x.sum(-1) == 20).all()
    for i in range(4):
        assert chi2_pvalue(x[:, i], stats.binom(20, p[i])) > 1e-3
    np.testing.assert_allclose(np.cov(x.T)[0, 1], -20 * p[0] * p[1], atol=0.05)


def test_multinomial_shapes_and_unnormalised_probabilities():
    key = R.key(16)
    assert R.multinomial(key, np.array([3.0, 40.0]), np.ones((2, 3))).shape == (2, 3)
    assert R.multinomial(key, 5, np.ones(3), shape=(4, 2, 3)).shape == (4, 2, 3)
    assert R.multinomial(key, 5.0, np.array([1.0]), shape=(3, 1)).tolist() == [[5.0]] * 3
    x = _f64(R.multinomial(key, 100, np.array([2.0, 0.0, 6.0]), shape=(2000, 3)))
    assert (x[:, 1] == 0).all() and abs(x[:, 0].mean() - 25) < 1
    with pytest.raises(ShapeError, match="outcomes"):
        R.multinomial(key, 5, 0.5)
    with pytest.raises(ShapeError, match=r"(?s)does not end in the number of outcomes, 3.*shape=\(4, 3\)"):
        R.multinomial(key, 5, np.ones(3), shape=(4,))  # (the batch shape alone: jax refuses it too)


def test_multinomial_counts_of_integer_dtypes_are_the_float_counts():
    key, p = R.key(17), np.array([0.2, 0.3, 0.5])
    for dtype, float_dtype in ((fnp.int8, fnp.float32), (fnp.uint16, fnp.float32), (fnp.int32, fnp.float64),
                               (fnp.int64, fnp.float64)):  # (drawn in a float that holds every count)
        x = R.multinomial(key, 10, p, shape=(5, 3), dtype=dtype)
        expected = np.asarray(R.multinomial(key, 10, p, shape=(5, 3), dtype=float_dtype))
        assert x.dtype == dtype
        np.testing.assert_array_equal(np.asarray(x), expected)
        assert R.multinomial(key, 10, -p, dtype=dtype).tolist() == [np.asarray(-1).astype(dtype).item()] * 3


# keys ------------------------------------------------------------------------------------------------------
def test_key_data_functions_round_trip_keys():
    keys = R.split(R.key(0), 3)
    np.testing.assert_array_equal(np.asarray(R.key_data(keys)), np.asarray(keys))
    np.testing.assert_array_equal(np.asarray(R.wrap_key_data(R.key_data(keys))), np.asarray(keys))
    assert R.PRNGKey(5).tolist() == R.key(5).tolist() == R.clone(R.key(5)).tolist()
    with pytest.raises(ShapeError, match=r"\(\.\.\., 2\)"):
        R.key_data(fnp.zeros(3, dtype=fnp.uint32))
    with pytest.raises(DTypeError, match="fx.random.key"):
        R.wrap_key_data(np.zeros(2, np.int32))
    with pytest.raises(ValueError, match="impl"):
        R.wrap_key_data(R.key(0), impl="rbg")
    assert R.PRNGKey(5, impl="threefry2x32").tolist() == R.key(5, impl=None).tolist() == [0, 5]
    with pytest.raises(ValueError, match=r"random\.key: impl 'rbg'"):
        R.key(0, impl="rbg")


def test_errors_name_the_fix():
    key = R.key(0)
    with pytest.raises(DTypeError, match="floating"):
        R.cauchy(key, (2,), fnp.int32)
    with pytest.raises(DTypeError, match="floating"):
        R.binomial(key, 5, 0.5, dtype=fnp.int32)
    with pytest.raises(DTypeError, match="signed integer"):
        R.geometric(key, 0.5, dtype=fnp.float32)
    with pytest.raises(DTypeError, match="signed integer"):
        R.rademacher(key, (2,), fnp.uint8)
    with pytest.raises(ShapeError, match="d >= 0"):
        R.ball(key, -1)
    with pytest.raises(ShapeError, match="n >= 0"):
        R.orthogonal(key, -2)
    with pytest.raises(TypeError, match=r"fx\.random\.key\(3\)"):
        R.laplace(3, (2,))


# transformations ----------------------------------------------------------------------------------------
KEY = R.key(17)
SAMPLERS = {  # name: (sampler(key, *params), params)
    "cauchy": (lambda k: R.cauchy(k, (4,)), ()),
    "laplace": (lambda k: R.laplace(k, (4,)), ()),
    "logistic": (lambda k: R.logistic(k, (4,)), ()),
    "lognormal": (lambda k, s: R.lognormal(k, s, (4,)), (fnp.asarray(0.5),)),
    "pareto": (lambda k, b: R.pareto(k, b, (4,)), (fnp.asarray(2.0),)),
    "rayleigh": (lambda k, s: R.rayleigh(k, s, (4,)), (fnp.asarray(2.0),)),
    "weibull_min": (lambda k, s, c: R.weibull_min(k, s, c, (4,)), (fnp.asarray(2.0), fnp.asarray(1.5))),
    "triangular": (lambda k, m: R.triangular(k, 0.0, m, 3.0, (4,)), (fnp.asarray(1.0),)),
    "wald": (lambda k, m: R.wald(k, m, (4,)), (fnp.asarray(2.0),)),
    "maxwell": (lambda k: R.maxwell(k, (4,)), ()),
    "double_sided_maxwell": (lambda k, s: R.double_sided_maxwell(k, 1.0, s, (4,)), (fnp.asarray(2.0),)),
    "t": (lambda k, df: R.t(k, df, (4,)), (fnp.asarray(3.0),)),
    "chisquare": (lambda k, df: R.chisquare(k, df, (4,)), (fnp.asarray(3.0),)),
    "f": (lambda k, a, b: R.f(k, a, b, (4,)), (fnp.asarray(3.0), fnp.asarray(4.0))),
    "generalized_normal": (lambda k, p: R.generalized_normal(k, p, (4,)), (fnp.asarray(3.0),)),
    "ball": (lambda k, p: R.ball(k, 3, p, (2,)), (fnp.asarray(1.5),)),
    "rademacher": (lambda k: R.rademacher(k, (4,)), ()),
    "geometric": (lambda k, p: R.geometric(k, p, (4,)), (fnp.asarray(0.3),)),
    "binomial": (lambda k, n, p: R.binomial(k, n, p), (fnp.asarray([3.0, 50.0, 1000.0, 7.0]),
                                                       fnp.asarray([0.2, 0.4, 0.9, 1.0]))),
    "multinomial": (lambda k, n, p: R.multinomial(k, n, p, shape=(2, 3)), (fnp.asarray(50.0),
                                                                        fnp.asarray([0.2, 0.3, 0.5]))),
    "orthogonal": (lambda k: R.orthogonal(k, 3, (2,)), ()),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_sampler_runs_on_traced_keys_and_parameters_and_matches_eager(name):
    fn, params = SAMPLERS[name]
    np.testing.assert_array_equal(np.asarray(traced(fn, KEY, *params)), np.asarray(fn(KEY, *params)))


# t, f, generalized_normal and ball compose log-gamma (whose jit test is in tests/jit), normal and
# rademacher samples; chisquare stands for them, as compiling each costs seconds
_JITTED = [name for name in SAMPLERS if name not in ("t", "f", "generalized_normal", "ball")]


def test_samplers_under_jit_match_eager():
    # one program for all (compiling is the cost); floats within a few ulps of XLA's transcendental
    # functions, integer-valued samples (rademacher, geometric, binomial, multinomial) exactly
    keys = R.split(KEY, len(_JITTED))

    def every(keys):
        return {name: SAMPLERS[name][0](keys[i], *SAMPLERS[name][1]) for i, name in enumerate(_JITTED)}

    eager, jitted = eager_and_jit(every, keys)
    for name in eager:
        assert_matches(eager[name], jitted[name], ulps=64, floor=1.0, what=f"random.{name}")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_16_bit_samplers_of_tan_and_sqrt_under_jit_are_the_eager_values(dtype):
    # each step rounds to 16 bits, compiled as eagerly (XLA kept float32 between pi * (u - 1/2) and tan)
    def draws(key):
        k1, k2 = R.split(key)
        return R.cauchy(k1, (2000,), dtype), R.rayleigh(k2, 2.0, (2000,), dtype)

    for eager, jitted in zip(draws(KEY), fx.jit(draws)(KEY)):
        np.testing.assert_array_equal(np.asarray(jitted), np.asarray(eager))


@pytest.mark.parametrize("name", ["cauchy", "wald", "t", "binomial", "multinomial", "orthogonal"])
def test_vmap_over_keys_equals_a_loop(name):
    fn, params = SAMPLERS[name]
    keys = R.split(KEY, 3)
    batched = np.asarray(fx.vmap(lambda k: fn(k, *params))(keys))
    looped = np.stack([np.asarray(fn(k, *params)) for k in keys])
    np.testing.assert_allclose(batched, looped, rtol=1e-6, atol=1e-6)
