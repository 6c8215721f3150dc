"""fluxion.scipy.stats against scipy.stats: values over the support, its edges and outside it,
invalid parameters, NaN; jit against eager; derivatives against finite differences."""
import math
import warnings

import numpy as np
import pytest
import scipy.stats as ss

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.stats as fs
from fluxion.test_util import check_grads

X = np.array([-3.0, -1.0, 0.0, 0.3, 1.0, 2.5, 10.0, np.nan])
K = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 5.0, 2.5, np.nan])
Q = np.array([0.0, 0.1, 0.5, 0.9, 1.0, 1.5, -0.2, np.nan])

CONTINUOUS = [("norm", ()), ("expon", ()), ("uniform", ()), ("laplace", ()), ("logistic", ()), ("cauchy", ()),
              ("t", (3.0,)), ("gamma", (2.5,)), ("gamma", (0.5,)), ("gamma", (1.0,)), ("chi2", (3.0,)),
              ("beta", (2.0, 3.0)), ("beta", (0.5, 0.5))]
DISCRETE = [("poisson", (3.0,)), ("poisson", (0.0,)), ("bernoulli", (0.3,)), ("binom", (5.0, 0.3)), ("geom", (0.3,))]
LOCATION_SCALE = [{}, {"loc": 0.5, "scale": 2.0}, {"scale": -1.0}, {"loc": -1.0, "scale": 3.0}]


def _scipy(fn, *args, **kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _close(mine, theirs, rtol=1e-9):
    np.testing.assert_allclose(np.asarray(mine), theirs, rtol=rtol, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("name,shape", CONTINUOUS, ids=lambda v: str(v))
@pytest.mark.parametrize("kwargs", LOCATION_SCALE, ids=str)
def test_continuous_functions_match_scipy(name, shape, kwargs):
    mine, theirs = getattr(fs, name), getattr(ss, name)
    for fn in ("logpdf", "pdf", "cdf", "sf", "logcdf", "logsf"):
        if hasattr(mine, fn):
            _close(getattr(mine, fn)(fnp.asarray(X), *shape, **kwargs), _scipy(getattr(theirs, fn), X, *shape, **kwargs),
                   rtol=1e-7)
    for fn in ("ppf", "isf"):
        if hasattr(mine, fn):
            _close(getattr(mine, fn)(fnp.asarray(Q), *shape, **kwargs), _scipy(getattr(theirs, fn), Q, *shape, **kwargs))


@pytest.mark.parametrize("name,params", DISCRETE, ids=str)
def test_discrete_functions_match_scipy(name, params):
    mine, theirs = getattr(fs, name), getattr(ss, name)
    for fn in ("logpmf", "pmf", "cdf"):
        if hasattr(mine, fn):
            _close(getattr(mine, fn)(fnp.asarray(K), *params), _scipy(getattr(theirs, fn), K, *params), rtol=1e-7)
    _close(mine.logpmf(fnp.asarray(K), *params, loc=1.0), _scipy(theirs.logpmf, K, *params, loc=1.0), rtol=1e-7)
    if hasattr(mine, "ppf"):
        for loc in (0.0, 2.0):
            _close(mine.ppf(fnp.asarray(Q), *params, loc=loc), _scipy(theirs.ppf, Q, *params, loc=loc))


@pytest.mark.parametrize("name,bad", [("poisson", (-1.0,)), ("bernoulli", (1.5,)), ("binom", (5.0, -0.1)),
                                      ("binom", (2.5, 0.3)), ("geom", (0.0,)), ("gamma", (-1.0,)), ("beta", (1.0, 0.0)),
                                      ("t", (0.0,))])
def test_invalid_shape_parameters_give_nan(name, bad):
    fn = getattr(getattr(fs, name), "logpmf" if name in dict(DISCRETE) else "logpdf")
    assert np.isnan(np.asarray(fn(fnp.asarray([0.0, 1.0, 2.0]), *bad))).all()


def test_multivariate_normal_matches_scipy():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 3))
    cov, mean, x = a @ a.T + np.eye(3), rng.normal(size=3), rng.normal(size=(2, 5, 3))
    _close(fs.multivariate_normal.logpdf(fnp.asarray(x), fnp.asarray(mean), fnp.asarray(cov)),
           ss.multivariate_normal.logpdf(x, mean, cov))
    _close(fs.multivariate_normal.pdf(fnp.asarray(x[0, 0]), fnp.asarray(mean), fnp.asarray(cov)),
           ss.multivariate_normal.pdf(x[0, 0], mean, cov))
    _close(fs.multivariate_normal.logpdf(fnp.asarray(x), fnp.asarray(mean), fnp.asarray([1.0, 2.0, 3.0])),
           ss.multivariate_normal.logpdf(x, mean, np.diag([1.0, 2.0, 3.0])))
    _close(fs.multivariate_normal.logpdf(fnp.asarray(x), fnp.zeros(3), cov=2.0),
           ss.multivariate_normal.logpdf(x, np.zeros(3), 2.0))
    with pytest.raises(ValueError, match="do not agree"):
        fs.multivariate_normal.logpdf(fnp.ones(4), fnp.asarray(mean), fnp.asarray(cov))
    check_grads(lambda x, m, c: fs.multivariate_normal.logpdf(x, m, c @ c.T + fnp.eye(3)),
                (fnp.asarray(x[0]), fnp.asarray(mean), fnp.asarray(a)), order=2)


def test_dirichlet_matches_scipy_and_is_minus_inf_off_the_simplex():
    rng = np.random.default_rng(1)
    alpha = np.array([1.5, 2.0, 3.0])
    x = rng.dirichlet(alpha, size=4).T
    _close(fs.dirichlet.logpdf(fnp.asarray(x), fnp.asarray(alpha)), ss.dirichlet.logpdf(x, alpha))
    _close(fs.dirichlet.pdf(fnp.asarray(x[:, 0]), fnp.asarray(alpha)), ss.dirichlet.pdf(x[:, 0], alpha))
    assert np.asarray(fs.dirichlet.logpdf(fnp.asarray([0.5, 0.6, 0.1]), fnp.asarray(alpha))) == -np.inf
    assert np.isnan(np.asarray(fs.dirichlet.logpdf(fnp.asarray(x[:, 0]), fnp.asarray([1.0, 0.0, 2.0]))))
    with pytest.raises(ValueError, match="first axis"):
        fs.dirichlet.logpdf(fnp.asarray(x.T), fnp.asarray(alpha))


def test_float32_and_jit_and_vmap():
    x32 = fnp.asarray(X[:-1], dtype=fnp.float32)
    out = fs.gamma.logpdf(x32, 2.5, scale=2.0)
    assert out.dtype == fnp.float32
    _close(out, _scipy(ss.gamma.logpdf, X[:-1], 2.5, scale=2.0), rtol=1e-5)
    for f in (lambda x: fs.norm.logcdf(x, 1.0, 2.0), lambda x: fs.beta.cdf(x, 2.0, 3.0, scale=11.0),
              lambda x: fs.poisson.logpmf(x, 3.0), lambda x: fs.t.logpdf(x, 4.0)):
        _close(fx.jit(f)(fnp.asarray(X)), np.asarray(f(fnp.asarray(X))), rtol=1e-12)
    locs = fnp.asarray([0.0, 1.0, -2.0])
    batched = fx.vmap(lambda loc: fs.laplace.logpdf(fnp.asarray(X), loc, 1.5))(locs)
    _close(batched, np.stack([_scipy(ss.laplace.logpdf, X, loc, 1.5) for loc in (0.0, 1.0, -2.0)]))


@pytest.mark.parametrize("f,args", [
    (lambda x, m, s: fs.norm.logpdf(x, m, s), (0.3, 0.1, 1.7)),
    (lambda x, m, s: fs.norm.logcdf(x, m, s), (-2.0, 0.5, 0.8)),
    (lambda x, m, s: fs.laplace.logpdf(x, m, s), (0.3, -0.1, 1.2)),
    (lambda x, m, s: fs.logistic.logpdf(x, m, s), (0.3, 0.1, 1.7)),
    (lambda x, m, s: fs.cauchy.logpdf(x, m, s), (0.3, 0.1, 1.7)),
    (lambda x, m, s: fs.expon.logpdf(x, m, s), (2.0, 0.1, 1.7)),
    (lambda x, a, s: fs.gamma.logpdf(x, a, scale=s), (2.0, 2.5, 1.3)),
    (lambda x, a, b: fs.beta.logpdf(x, a, b), (0.3, 2.0, 3.5)),
    (lambda x, d, s: fs.t.logpdf(x, d, scale=s), (0.3, 3.5, 1.3)),
    (lambda mu, p, q: fs.poisson.logpmf(3.0, mu) + fs.bernoulli.logpmf(1.0, p) + fs.geom.logpmf(2.0, q), (2.5, 0.3, 0.4)),
    (lambda p, mu, x: fs.binom.logpmf(2.0, 5.0, p) + fs.poisson.cdf(4.0, mu) + fs.norm.ppf(x), (0.3, 2.5, 0.2)),
    (lambda x, d, s: fs.chi2.cdf(x, 3.0, scale=s) + fs.t.cdf(x, 2.0) + d, (1.3, 0.0, 1.2)),
])
def test_derivatives_inside_the_support(f, args):
    check_grads(f, tuple(fnp.asarray(a, dtype=fnp.float64) for a in args), order=2)


def test_gradient_is_finite_at_points_outside_the_support():
    g = fx.grad(lambda x: fnp.sum(fnp.exp(fs.gamma.logpdf(x, 2.0)) + fs.uniform.pdf(x)))(fnp.asarray([-1.0, 0.5, 2.0]))
    assert np.isfinite(np.asarray(g)).all()


def test_scipy_call_forms_and_argument_errors():
    x = fnp.asarray(X[:-1])
    _close(fs.norm.logpdf(x, 1.0, 2.0), ss.norm.logpdf(X[:-1], 1.0, 2.0))
    _close(fs.gamma.cdf(x, 2.0, 1.0, 3.0), ss.gamma.cdf(X[:-1], 2.0, 1.0, 3.0))
    _close(fs.gamma.cdf(x, a=2.0, scale=3.0), ss.gamma.cdf(X[:-1], a=2.0, scale=3.0))
    _close(fs.poisson.logpmf(fnp.asarray(K[:-1]), 3.0, 1.0), ss.poisson.logpmf(K[:-1], 3.0, 1.0))
    # the first argument by SciPy's name: q for quantiles, k for discrete distributions, else x
    _close(fs.norm.ppf(q=0.3, scale=2.0), ss.norm.ppf(q=0.3, scale=2.0), rtol=1e-6)
    _close(fs.norm.pdf(x=0.5), ss.norm.pdf(x=0.5), rtol=1e-6)
    _close(fs.poisson.pmf(k=2, mu=3.0), ss.poisson.pmf(k=2, mu=3.0), rtol=1e-6)
    _close(fs.bernoulli.ppf(q=0.5, p=0.3), ss.bernoulli.ppf(q=0.5, p=0.3), rtol=1e-6)
    for bad in (lambda: fs.gamma.logpdf(x), lambda: fs.norm.logpdf(x, 0.0, 1.0, 2.0),
                lambda: fs.norm.logpdf(x, 0.0, loc=1.0), lambda: fs.beta.pdf(x, 1.0, c=2.0),
                lambda: fs.norm.ppf(0.3, q=0.2), lambda: fs.poisson.pmf(x=2, mu=3.0), lambda: fs.norm.cdf()):
        with pytest.raises(TypeError, match="takes"):
            bad()


def test_python_float_parameters_keep_float64_digits():
    x = fnp.asarray([0.4, 0.7], dtype=fnp.float64)
    _close(fs.gamma.logpdf(x, 0.3), ss.gamma.logpdf([0.4, 0.7], 0.3), rtol=1e-14)
    _close(fs.chi2.logpdf(x, 3.3, scale=1.1), ss.chi2.logpdf([0.4, 0.7], 3.3, scale=1.1), rtol=1e-14)
    _close(fs.beta.logpdf(x, 0.3, 1.1), ss.beta.logpdf([0.4, 0.7], 0.3, 1.1), rtol=1e-14)
    _close(fs.t.logpdf(x, 3.3), ss.t.logpdf([0.4, 0.7], 3.3), rtol=1e-14)


def test_t_at_large_and_infinite_degrees_of_freedom_in_float32_and_float64():
    for df in (1e3, 1e7, 1e8, np.inf):
        for x in (0.5, -3.0, 40.0):
            for dt, rtol in ((np.float32, 2e-5), (np.float64, 1e-11)):
                args = (np.asarray(x, dt), np.asarray(df, dt))
                _close(fs.t.logpdf(*args), ss.t.logpdf(x, df), rtol=rtol)
                _close(fs.t.cdf(*args), ss.t.cdf(x, df), rtol=rtol)


def test_quantiles_keep_their_accuracy_in_the_tails():
    q = np.array([1e-300, 1e-17, 1e-10, 0.1, 0.3, 0.5, 0.7, 0.9, 1 - 1e-10])
    for name in ("laplace", "cauchy", "logistic", "norm", "expon"):
        _close(getattr(fs, name).ppf(fnp.asarray(q)), _scipy(getattr(ss, name).ppf, q), rtol=1e-9)
    assert np.isclose(float(fs.laplace.ppf(np.float32(1e-10))), ss.laplace.ppf(1e-10), rtol=1e-6)


def test_multivariate_normal_of_one_dimension_takes_scalars_as_points():
    _close(fs.multivariate_normal.logpdf(0.5, 0.0, 2.0), ss.multivariate_normal.logpdf(0.5, 0.0, 2.0), rtol=1e-6)
    x = np.array([0.5, 1.0, -2.0])
    _close(fs.multivariate_normal.logpdf(fnp.asarray(x), 1.0, 2.0), ss.multivariate_normal.logpdf(x, 1.0, 2.0))
    _close(fs.multivariate_normal.logpdf(fnp.asarray(x), cov=fnp.asarray(2.0)), ss.multivariate_normal.logpdf(x, cov=2.0))


def _t_log_tails(x, df):
    """SciPy's log cdf of t from its cdf of the lower tail: log of it below 0, log1p of minus it above."""
    lower = ss.t.cdf(-np.abs(x), df)
    return np.where(x < 0, np.log(lower), np.log1p(-lower))


def test_t_tails_keep_their_digits_at_large_degrees_of_freedom():
    # 1 - I_x(df/2, 1/2) would lose the tail (t.cdf(-10, 1000) = 8.3e-23), and x's rounding about df/2 ulps
    x = np.array([-40.0, -10.0, -8.0, -3.0, -1.5, -0.99, -0.5, 0.0, 0.5, 1.5, 8.0, 10.0, 40.0])
    for df in (0.7, 3.0, 100.0, 1e3, 1e4, 1e6):
        args = (fnp.asarray(x, dtype=fnp.float64), df)
        np.testing.assert_allclose(np.asarray(fs.t.cdf(*args)), ss.t.cdf(x, df), rtol=1e-12, atol=0)
        np.testing.assert_allclose(np.asarray(fs.t.sf(*args)), ss.t.sf(x, df), rtol=1e-12, atol=0)
        with np.errstate(divide="ignore"):
            np.testing.assert_allclose(np.asarray(fs.t.logcdf(*args)), _t_log_tails(x, df), rtol=1e-12, atol=0)
            np.testing.assert_allclose(np.asarray(fs.t.logsf(*args)), _t_log_tails(-x, df), rtol=1e-12, atol=0)
    # the log density far out: y**2 / df overflowed float32 from 1.8e19 (-inf; the value is finite)
    far = np.array([1e18, -2e19, 1e30, 3e38], np.float32)
    for df in (1.0, 3.0):
        _close(fs.t.logpdf(far, np.float32(df)), ss.t.logpdf(far.astype(np.float64), df), rtol=1e-6)
    out = fs.t.cdf(np.float32(-8), np.float32(100))
    assert out.dtype == np.float32
    _close(out, ss.t.cdf(-8.0, 100.0), rtol=1e-5)
    f = lambda x: fs.t.logcdf(x, 1e3) + fs.t.sf(x, 100.0)  # noqa: E731
    _close(fx.jit(f)(fnp.asarray(x)), np.asarray(f(fnp.asarray(x))), rtol=1e-11)  # (XLA's betainc)
    check_grads(lambda x: fs.t.logcdf(x, 100.0) + fs.t.logsf(x, 1e3) + fs.t.cdf(x, 1e6),
                (fnp.asarray([-8.0, -2.0, -0.5, 0.7, 3.0], dtype=fnp.float64),), order=2)


def test_t_cdf_derivatives_at_the_centre_are_the_density():
    x = np.array([0.0, 1e-300, -1e-300, 1e-20])  # where x**2 underflows the tail has no derivative
    for df in (1.0, 3.5, 30.0):
        for fn, sign in (("cdf", 1), ("sf", -1)):
            g = fx.vmap(fx.grad(lambda v: getattr(fs.t, fn)(v, df)))(fnp.asarray(x))
            np.testing.assert_allclose(np.asarray(g), sign * ss.t.pdf(x, df), rtol=1e-13)
            g = fx.grad(lambda v: getattr(fs.t, fn)(v, df, loc=0.2, scale=1.1))(np.float64(0.2))
            np.testing.assert_allclose(float(g), sign * ss.t.pdf(0.2, df, loc=0.2, scale=1.1), rtol=1e-13)
        g = fx.jit(fx.grad(lambda v: fs.t.logcdf(v, df)))(np.float64(0.0))
        np.testing.assert_allclose(float(g), 2 * ss.t.pdf(0.0, df), rtol=1e-13)


def test_expon_log_cdf_and_cauchy_tails_keep_their_digits():
    y = np.array([1e-10, 0.5, math.log(2), 2.0, 40.0, 700.0])
    np.testing.assert_allclose(np.asarray(fs.expon.logcdf(fnp.asarray(y, dtype=fnp.float64))), ss.expon.logcdf(y),
                               rtol=1e-14, atol=0)
    # log(1 - e**-40) = -e**-40 to all digits; the Cauchy tails arctan(1 / |x|) / pi = 1 / (pi |x|) at 1e10
    assert float(fs.expon.logcdf(np.float64(40.0))) == -math.exp(-40.0)
    x = np.array([-1e300, -1e10, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 1e10, 1e300, -np.inf, np.inf])
    for fn in ("cdf", "sf"):
        np.testing.assert_allclose(np.asarray(getattr(fs.cauchy, fn)(fnp.asarray(x, dtype=fnp.float64))),
                                   getattr(ss.cauchy, fn)(x), rtol=1e-14, atol=0)
    np.testing.assert_allclose(float(fs.cauchy.cdf(np.float64(-1e10))), 1 / (math.pi * 1e10), rtol=1e-15)
    f = lambda x: fs.cauchy.cdf(x) + fs.expon.logcdf(-x)  # noqa: E731
    _close(fx.jit(f)(fnp.asarray(x[:-2])), np.asarray(f(fnp.asarray(x[:-2]))), rtol=1e-14)
    check_grads(lambda x: fs.cauchy.cdf(x) + fs.cauchy.sf(2 * x) + fs.expon.logcdf(x + 5),
                (fnp.asarray([-3.0, -0.5, 0.3, 1.7], dtype=fnp.float64),), order=2)


def test_dirichlet_of_a_float32_point_with_float64_concentrations_matches_scipy():
    x, alpha = np.array([0.2, 0.3, 0.5], np.float32), np.array([0.3, 1.7, 4.2])  # x sums to 1 in float32 only
    expected = ss.dirichlet.logpdf(x, alpha)
    for got in (fs.dirichlet.logpdf(fnp.asarray(x), fnp.asarray(alpha)),
                fx.jit(fs.dirichlet.logpdf)(fnp.asarray(x), fnp.asarray(alpha))):
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-12)


def test_logistic_density_second_derivatives_at_zero_are_exact():
    # logpdf(y) = -y - 2 log(1 + e^-y): its second derivative is -2 s(y) (1 - s(y)), -1/2 at 0;
    # pdf(y) = s(y)(1 - s(y)), whose second derivative at 0 is -1/8
    from fluxion.scipy import stats
    np.testing.assert_allclose(fx.grad(fx.grad(stats.logistic.logpdf))(0.0), -0.5, rtol=1e-6)
    np.testing.assert_allclose(fx.grad(fx.grad(stats.logistic.pdf))(0.0), -0.125, rtol=1e-6)
    y = np.array([-100.0, -3.0, 0.0, 3.0, 100.0])
    np.testing.assert_allclose(stats.logistic.logpdf(y), ss.logistic.logpdf(y), rtol=1e-12)


@pytest.mark.parametrize("name,shape", [("gamma", (2.5,)), ("chi2", (3.5,)), ("beta", (2.5, 1.5)), ("cauchy", ())])
def test_log_distribution_functions_keep_their_digits_near_one_and_have_finite_derivatives(name, shape):
    mine, theirs = getattr(fs, name), getattr(ss, name)
    x = np.array([1e-3, 0.02, 0.3, 0.5, 0.7, 0.98, 0.999]) if name == "beta" else np.array([0.05, 0.5, 2.0, 7.0, 30.0, 80.0])
    if name == "cauchy":
        x = np.concatenate([-x, x, [1e7]])
    for fn in ("logcdf", "logsf"):
        _close(getattr(mine, fn)(fnp.asarray(x), *shape), _scipy(getattr(theirs, fn), x, *shape), rtol=1e-12)
        grad = np.asarray(fx.grad(lambda v: fnp.sum(getattr(mine, fn)(v, *shape)))(fnp.asarray(x[:-1])))
        # d log F = f / F (and -f / S), from SciPy's densities
        f = _scipy(theirs.pdf, x[:-1], *shape)
        expected = f / _scipy(theirs.cdf, x[:-1], *shape) if fn == "logcdf" else -f / _scipy(theirs.sf, x[:-1], *shape)
        _close(grad, expected, rtol=1e-9)


def test_poisson_entropy_matches_scipy_and_its_derivative_the_sum():
    import scipy.special as sc
    mu = np.array([0.0, 1e-3, 0.5, 1.0, 5.0, 30.0, 99.9, 100.0, 300.0, 1000.0, -1.0, np.nan])
    _close(fs.poisson.entropy(fnp.asarray(mu)), _scipy(ss.poisson.entropy, mu), rtol=1e-9)
    _close(fs.poisson.entropy(2.0, loc=fnp.ones(3)), np.full(3, ss.poisson.entropy(2.0)), rtol=1e-6)
    k = np.arange(3000.0)[:, None]
    m = mu[1:10]
    logp = sc.xlogy(k, m) - m - sc.gammaln(k + 1)
    slope = -np.sum(np.exp(logp) * (k / m - 1) * (logp + 1), axis=0)  # dH/dmu = -sum p'_k (log p_k + 1)
    _close(fx.grad(lambda v: fnp.sum(fs.poisson.entropy(v)))(fnp.asarray(m)), slope, rtol=1e-8)
    _close(fx.jit(fx.vmap(fs.poisson.entropy))(fnp.asarray(m)), np.asarray(fs.poisson.entropy(fnp.asarray(m))), rtol=1e-12)


def test_float32_log_tails_below_float32s_range_keep_their_logs():
    # the tail is taken in float64: gamma's cdf at 1 for a = 100 is 1e-158, -inf as a float32's log before
    rows = [("gamma", "logcdf", 1.0, (100.0,)), ("beta", "logcdf", 1e-30, (2.0, 3.0)),
            ("chi2", "logsf", 1000.0, (3.0,)), ("beta", "logsf", 1 - 1e-7, (2.0, 30.0)),
            ("gamma", "logsf", 2.0, (0.5,))]
    for name, fn, x, shape in rows:
        args = [np.float32(v) for v in (x, *shape)]
        got = getattr(getattr(fs, name), fn)(*args)
        assert got.dtype == np.float32
        _close(got, getattr(getattr(ss, name), fn)(*(float(v) for v in args)), rtol=1e-6)
        _close(fx.jit(getattr(getattr(fs, name), fn))(*args), got, rtol=1e-6)


def test_beta_sf_and_logcdf_of_tiny_values_keep_their_digits():
    # 1 - y rounds to 1 below 1e-16, where a small `a` leaves the cdf far from 0 (SciPy's sf loses
    # digits there too: the oracle is mpmath's, with digits for sf's cancellation down to 1e-300)
    mpmath = pytest.importorskip("mpmath")
    x = np.array([1e-300, 1e-30, 1e-20, 1e-18, 1e-9, 1e-3, 0.3, 0.49])
    for a, b in [(0.01, 1.0), (0.05, 2.0), (0.5, 0.5), (0.001, 1.0), (0.5, 1000.0), (2.0, 3.0)]:
        with mpmath.workdps(330):
            sf = [mpmath.betainc(a, b, v, 1, regularized=True) for v in x]
            cdf = [mpmath.betainc(a, b, 0, v, regularized=True) for v in x]
        _close(fs.beta.sf(fnp.asarray(x), a, b), [float(v) for v in sf], rtol=1e-12)
        _close(fs.beta.logsf(fnp.asarray(x), a, b), [float(mpmath.log(v)) for v in sf], rtol=1e-12)
        kept = np.array([float(v) > 0 for v in cdf])  # (a cdf that underflows has log -inf here)
        _close(fs.beta.logcdf(fnp.asarray(x[kept]), a, b), [float(mpmath.log(v)) for v, k in zip(cdf, kept) if k],
               rtol=1e-12)
        pdf = _scipy(ss.beta.pdf, x, a, b)
        _close(fx.grad(lambda v: fnp.sum(fs.beta.sf(v, a, b)))(fnp.asarray(x)), -pdf, rtol=1e-9)
        _close(fx.grad(lambda v: fnp.sum(fs.beta.logcdf(v, a, b)))(fnp.asarray(x[kept])),
               (pdf / _scipy(ss.beta.cdf, x, a, b))[kept], rtol=1e-9)
