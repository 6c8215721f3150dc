"""fluxion.scipy.stats' further distributions (gennorm, gumbel_l/r, pareto, truncnorm, vonmises,
wrapcauchy, nbinom, betabinom, multinomial) and sample statistics (sem, rankdata, mode) against
scipy.stats: values over the support, its edges and outside it, invalid parameters, broadcasting,
float32 and float64; jit against eager; vmap against a loop; derivatives against finite differences."""
import math
import warnings

import numpy as np
import pytest
import scipy.special
import scipy.stats as ss

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.stats as fs
from fluxion.test_util import check_grads

TWO_PI = 2 * math.pi
# the supports' edges in standard units (-2, 0, 1, 3, 2 pi) and, at loc=0.5, scale=2, in x (0.5, 2.5)
X = np.array([-800.0, -10.0, -3.0, -2.0, -1.0, 0.0, 0.3, 0.5, 1.0, 2.5, 3.0, TWO_PI, 7.0, 10.0, 600.0, np.nan])
K = np.array([-1.0, 0.0, 1.0, 2.0, 2.5, 3.0, 5.0, 6.0, np.nan])
Q = np.array([0.0, 1e-12, 0.1, 0.5, 0.9, 1 - 1e-12, 1.0, 1.5, -0.2, np.nan])
FUNCTIONS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf")

CONTINUOUS = [("gennorm", (1.5,)), ("gennorm", (0.5,)), ("gennorm", (8.0,)), ("gumbel_r", ()), ("gumbel_l", ()),
              ("pareto", (2.0,)), ("pareto", (0.5,)), ("truncnorm", (0.0, 1.0)), ("truncnorm", (-2.0, 3.0)),
              ("truncnorm", (-np.inf, 0.5)), ("truncnorm", (1.0, np.inf)), ("truncnorm", (-np.inf, np.inf)),
              ("vonmises", (2.0,)), ("vonmises", (0.0,)), ("vonmises", (30.0,)), ("wrapcauchy", (0.5,)),
              ("wrapcauchy", (0.05,)), ("wrapcauchy", (0.95,))]
LOCATION_SCALE = [{}, {"loc": 0.5, "scale": 2.0}, {"scale": -1.0}, {"loc": np.nan}]
DISCRETE = [("nbinom", (2.5, 0.3)), ("nbinom", (3.0, 1.0)), ("nbinom", (0.5, 0.9)), ("betabinom", (5.0, 2.0, 3.0)),
            ("betabinom", (0.0, 2.0, 3.0)), ("betabinom", (6.0, 0.5, 0.7))]


def _scipy(fn, *args, **kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _close(mine, theirs, rtol=1e-9, atol=1e-12):
    np.testing.assert_allclose(np.asarray(mine), theirs, rtol=rtol, atol=atol, equal_nan=True)


def _f64(x):
    return fnp.asarray(x, dtype=fnp.float64)


def _functions(name):
    return [fn for fn in FUNCTIONS + ("logpmf", "pmf") if hasattr(getattr(fs, name), fn)]


@pytest.mark.parametrize("name,shape", CONTINUOUS, ids=str)
@pytest.mark.parametrize("kwargs", LOCATION_SCALE, ids=str)
def test_continuous_functions_match_scipy_on_and_off_the_support(name, shape, kwargs):
    x = X if name[:6] != "gumbel" else X[np.abs(X) < 700]  # SciPy's logsf of gumbel_r underflows beyond 745
    for fn in _functions(name):
        arg = Q if fn in ("ppf", "isf") else x
        _close(getattr(getattr(fs, name), fn)(fnp.asarray(arg), *shape, **kwargs),
               _scipy(getattr(getattr(ss, name), fn), arg, *shape, **kwargs), rtol=1e-8)


@pytest.mark.parametrize("name,params", DISCRETE, ids=str)
def test_discrete_functions_match_scipy(name, params):
    for fn in _functions(name):
        for kwargs in ({}, {"loc": 1.0}):
            _close(getattr(getattr(fs, name), fn)(fnp.asarray(K), *params, **kwargs),
                   _scipy(getattr(getattr(ss, name), fn), K, *params, **kwargs), rtol=1e-8)


@pytest.mark.parametrize("name,bad", [
    ("gennorm", (0.0,)), ("gennorm", (-1.0,)), ("gennorm", (np.nan,)), ("pareto", (0.0,)), ("truncnorm", (1.0, 1.0)),
    ("truncnorm", (2.0, 1.0)), ("truncnorm", (np.nan, 1.0)), ("vonmises", (-1.0,)), ("vonmises", (np.nan,)),
    ("wrapcauchy", (0.0,)), ("wrapcauchy", (1.0,)), ("wrapcauchy", (-0.5,)), ("nbinom", (0.0, 0.5)),
    ("nbinom", (2.0, 0.0)), ("nbinom", (2.0, 1.5)), ("betabinom", (2.5, 1.0, 1.0)), ("betabinom", (-1.0, 1.0, 1.0)),
    ("betabinom", (3.0, 0.0, 1.0)), ("betabinom", (3.0, 1.0, -1.0))], ids=str)
def test_invalid_parameters_give_nan_as_scipy(name, bad):
    for fn in _functions(name):
        arg = Q[:-1] if fn in ("ppf", "isf") else np.array([-1.0, 0.0, 1.0, 2.0])
        out = np.asarray(getattr(getattr(fs, name), fn)(fnp.asarray(arg), *bad))
        assert np.isnan(out).all(), (fn, out)
        assert np.isnan(_scipy(getattr(getattr(ss, name), fn), arg, *bad)).all()


def test_far_tails_keep_their_digits():
    # truncnorm far out in either tail: log-space differences of log_ndtr
    for a, b, x in ((40.0, 50.0, np.array([40.0, 40.5, 41.0, 49.0])), (-50.0, -40.0, np.array([-49.5, -41.0, -40.5]))):
        for fn in ("logpdf", "logcdf", "logsf", "cdf", "sf"):
            _close(getattr(fs.truncnorm, fn)(fnp.asarray(x), a, b), _scipy(getattr(ss.truncnorm, fn), x, a, b),
                   rtol=1e-9, atol=0)
    # intervals near 0 (float32: 1 - two tails near 1/2 lost every digit), against erfs in float64; beyond
    # the last float64 whose log_ndtr is finite, the limits
    rows = [(0, np.inf, 1e-8), (0, np.inf, 1e-6), (0, 1, 1e-12), (-1e-6, 1e-6, 0), (-1e-4, 1e-4, 5e-5),
            (-1e-9, 1e-9, 5e-10), (-2, 0.5, 1e-7), (-0.5, 1e-3, -0.4)]
    for dtype in (np.float32, np.float64):
        a, b, x = (np.array(v, dtype) for v in zip(*rows))
        erf = np.vectorize(lambda v: math.erf(float(v) / math.sqrt(2)))
        want = (erf(x) - erf(a)) / (erf(b) - erf(a))
        _close(fs.truncnorm.cdf(x, a, b), want, rtol=3e-6 if dtype == np.float32 else 1e-12, atol=0)
        _close(fs.truncnorm.logpdf(x, a, b), -x.astype(float) ** 2 / 2 - np.log(np.sqrt(np.pi / 2) * (erf(b) - erf(a))),
               rtol=1e-6 if dtype == np.float32 else 1e-13, atol=0)
    limits = [float(f(np.float64(1e200), 0.0, np.inf)) for f in (fs.truncnorm.sf, fs.truncnorm.logsf, fs.truncnorm.cdf)]
    assert limits == [0, -np.inf, 1]
    # Gumbel: log sf of gumbel_r where exp(-y) underflows is -y - exp(-y) / 2; its mirror the same
    _close(fs.gumbel_r.logsf(_f64([30.0, 800.0])), [ss.gumbel_r.logsf(30.0), -800.0], atol=0)
    _close(fs.gumbel_l.logcdf(_f64([-30.0, -800.0])), [ss.gumbel_l.logcdf(-30.0), -800.0], atol=0)
    _close(fs.gumbel_r.logcdf(_f64([-700.0, -800.0])), [-math.exp(700.0), -np.inf], atol=0)
    # Pareto just above 1 and gennorm deep in its tails
    _close(fs.pareto.logcdf(_f64(1 + 1e-10), 3.0), ss.pareto.logcdf(1 + 1e-10, 3.0), atol=0)
    _close(fs.gennorm.cdf(_f64([-60.0, -8.0]), 1.0), ss.gennorm.cdf([-60.0, -8.0], 1.0), atol=0)


def test_wrapcauchy_near_its_peak_keeps_its_digits():
    # as c nears 1, 1 + c**2 - 2 c cos y cancels near y = 0 (SciPy loses 1e-5 there)
    mpmath = pytest.importorskip("mpmath")
    c, mpmath.mp.dps = mpmath.mpf(1 - 1e-6), 40
    want = [float(mpmath.log((1 - c * c) / (2 * mpmath.pi * (1 + c * c - 2 * c * mpmath.cos(y)))))
            for y in (1e-9, 1e-3)]
    _close(fs.wrapcauchy.logpdf(_f64([1e-9, 1e-3]), float(c)), want, atol=0)


def test_vonmises_cdf_at_infinities_is_scipys():
    x = np.array([-np.inf, np.inf, -np.inf, np.inf])
    kappa = np.array([0.5, 0.5, 30.0, 30.0])  # (both of its methods)
    _close(fs.vonmises.cdf(fnp.asarray(x), fnp.asarray(kappa)), ss.vonmises.cdf(x, kappa), atol=0)
    _close(fx.grad(lambda x: fs.vonmises.cdf(x, 2.0).sum())(fnp.asarray(x)), np.zeros(4), atol=0)


def test_vonmises_cdf_matches_quadrature_for_every_concentration():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 30

    def quadrature(x, k):
        f = lambda t: mpmath.exp(k * (mpmath.cos(t) - 1))  # noqa: E731
        return float(mpmath.quad(f, [-mpmath.pi, 0, x]) / mpmath.quad(f, [-mpmath.pi, 0, mpmath.pi]))
    xs = np.array([-3.0, -0.4, 0.0, 0.05, 1.0])
    for k in (0.5, 19.99, 20.0, 80.0, 1e4):  # SciPy uses a normal approximation from 50 on
        want = [quadrature(x, k) for x in xs]
        _close(fs.vonmises.cdf(fnp.asarray(xs), k), want, rtol=0, atol=1e-15)
        _close(fs.vonmises.cdf(fnp.asarray(xs, dtype=fnp.float32), np.float32(k)), want, rtol=0, atol=2e-7)
    # one turn on, one more
    _close(fs.vonmises.cdf(fnp.asarray(xs + TWO_PI), 3.0), np.asarray(fs.vonmises.cdf(fnp.asarray(xs), 3.0)) + 1)


def test_parameters_broadcast_as_in_scipy():
    x, a, b = np.linspace(-2, 3, 7)[:, None], np.array([-1.0, 0.0, 1.0]), np.array([[2.0], [4.0]])[:, None]
    _close(fs.truncnorm.logpdf(fnp.asarray(x), fnp.asarray(a), fnp.asarray(b)), ss.truncnorm.logpdf(x, a, b))
    _close(fs.truncnorm.logsf(fnp.asarray(x), fnp.asarray(a), fnp.asarray(b), scale=fnp.asarray([1.0, 2.0, 3.0])),
           ss.truncnorm.logsf(x, a, b, scale=[1.0, 2.0, 3.0]))
    k, n, p = K[:-1, None], np.array([0.5, 2.0, 7.0]), np.array([[0.2], [0.9]])[:, None]
    _close(fs.nbinom.logpmf(fnp.asarray(k), fnp.asarray(n), fnp.asarray(p)), ss.nbinom.logpmf(k, n, p))
    _close(fs.nbinom.cdf(fnp.asarray(k), fnp.asarray(n), fnp.asarray(p)), ss.nbinom.cdf(k, n, p))
    _close(fs.betabinom.pmf(fnp.asarray(k), 6.0, fnp.asarray(n), fnp.asarray(p)), ss.betabinom.pmf(k, 6, n, p))
    kappa, c = np.array([0.5, 5.0, 40.0]), np.array([[0.1], [0.7]])
    _close(fs.vonmises.cdf(fnp.asarray(x), fnp.asarray(kappa)), ss.vonmises.cdf(x, kappa))
    _close(fs.wrapcauchy.cdf(fnp.asarray(x[:, :, None]), fnp.asarray(c)), ss.wrapcauchy.cdf(x[:, :, None], c))
    _close(fs.gennorm.cdf(fnp.asarray(x), fnp.asarray(kappa)), ss.gennorm.cdf(x, kappa))
    c = c[:, :, None]
    _close(fs.pareto.logpdf(fnp.asarray(x), fnp.asarray(kappa), scale=fnp.asarray(c)),
           ss.pareto.logpdf(x, kappa, scale=c))


def test_multinomial_matches_scipy_and_takes_the_last_probability_as_what_the_others_leave():
    p = np.array([0.2, 0.3, 0.5])
    for x, n, q in (([1, 2, 3], 6, p), ([1, 2, 2], 6, p), ([1.5, 1.5, 3], 6, p), ([0, 0, 0], 0, p), ([-1, 4, 3], 6, p),
                    ([1, 2, 3], 6, [0.2, 0.8, 0.0]), ([1, 2, 3], 6, [0.2, 0.3, 0.6]), ([1, 2, 3], 6.5, p),
                    ([1, 2, 3], -6, p), ([1, 2, 3], 6, [0.2, 0.9, 0.5]), ([1, 2, 3], 6, [-0.2, 0.3, 0.5])):
        x, q = np.asarray(x, float), np.asarray(q)
        _close(fs.multinomial.logpmf(fnp.asarray(x), n, fnp.asarray(q)), _scipy(ss.multinomial.logpmf, x, n, q))
        _close(fs.multinomial.pmf(fnp.asarray(x), n, fnp.asarray(q)), _scipy(ss.multinomial.pmf, x, n, q))
    x, n, q = np.array([[1.0, 2, 3], [0, 0, 6]]), np.array([6.0, 6]), np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    _close(fs.multinomial.logpmf(fnp.asarray(x), fnp.asarray(n), fnp.asarray(q)), ss.multinomial.logpmf(x, n, q))
    _close(fs.multinomial.logpmf(fnp.asarray(x), 6, fnp.asarray(p)), ss.multinomial.logpmf(x, 6, p))
    with pytest.raises(ValueError, match="last axis"):
        fs.multinomial.logpmf(fnp.asarray([1.0, 2.0]), 3, fnp.asarray(p))


@pytest.mark.parametrize("name,shape", [("gennorm", (1.5,)), ("gumbel_r", ()), ("gumbel_l", ()), ("pareto", (2.0,)),
                                        ("truncnorm", (-1.0, 2.0)), ("truncnorm", (40.0, 50.0)), ("vonmises", (3.0,)),
                                        ("vonmises", (30.0,)), ("wrapcauchy", (0.4,)), ("nbinom", (2.5, 0.3)),
                                        ("betabinom", (6.0, 2.0, 3.0))], ids=str)
def test_float32_keeps_its_dtype_and_matches_scipy(name, shape):
    x = np.array([-1.5, 0.0, 1.0, 2.0, 3.0, 5.0, 41.0]) if name != "truncnorm" or shape[0] < 0 else X[:-1] + 40.0
    for fn in _functions(name):
        arg = (Q[1:-3] if fn in ("ppf", "isf") else x).astype(np.float32)
        out = getattr(getattr(fs, name), fn)(fnp.asarray(arg), *(np.float32(s) for s in shape))
        assert out.dtype == fnp.float32, fn
        _close(out, _scipy(getattr(getattr(ss, name), fn), arg.astype(float), *shape), rtol=2e-5, atol=1e-6)


def test_python_float_parameters_keep_float64_digits():
    x = _f64([0.7, 1.3])
    _close(fs.truncnorm.logpdf(x, 0.1, 1.1), ss.truncnorm.logpdf([0.7, 1.3], 0.1, 1.1), rtol=1e-14)
    _close(fs.gennorm.logpdf(x, 1.3), ss.gennorm.logpdf([0.7, 1.3], 1.3), rtol=1e-14)
    _close(fs.nbinom.logpmf(_f64([2.0, 5.0]), 2.3, 0.3), ss.nbinom.logpmf([2, 5], 2.3, 0.3), rtol=1e-14)


def test_jit_matches_eager():
    fns = [lambda x: fs.truncnorm.logcdf(x, -0.5, 2.0, loc=0.2), lambda x: fs.vonmises.cdf(x, 25.0),
           lambda x: fs.vonmises.cdf(x, 2.0) + fs.gumbel_l.logsf(x), lambda x: fs.gennorm.cdf(x, 0.7, scale=2.0),
           lambda x: fs.nbinom.cdf(x, 2.5, 0.4) + fs.betabinom.logpmf(x, 5.0, 1.5, 2.5),
           lambda x: fs.wrapcauchy.cdf(x, 0.3) + fs.pareto.logsf(x, 1.5), lambda x: fs.rankdata(x, "average"),
           lambda x: fs.mode(fnp.round(x)).count + fs.sem(x, nan_policy="omit")]
    for f in fns:
        _close(fx.jit(f)(fnp.asarray(X)), np.asarray(f(fnp.asarray(X))), rtol=1e-12)


def test_vmap_over_parameters_matches_a_loop():
    a = fnp.asarray([-1.0, 0.5, 30.0])
    batched = fx.vmap(lambda a, b: fs.truncnorm.logsf(fnp.asarray(X), a, b), in_axes=(0, None))(a, 40.0)
    _close(batched, np.stack([np.asarray(fs.truncnorm.logsf(fnp.asarray(X), float(v), 40.0)) for v in a]), rtol=1e-14)
    k = fnp.asarray([0.0, 5.0, 50.0])
    _close(fx.vmap(lambda k: fs.vonmises.cdf(fnp.asarray(X), k))(k),
           np.stack([np.asarray(fs.vonmises.cdf(fnp.asarray(X), float(v))) for v in k]), rtol=1e-14)


def _grads_match_differences(f, args, eps=1e-6, rtol=1e-6):
    """fx.grad of the scalar `f` in each argument against central differences (float64)."""
    args = [np.float64(a) for a in args]
    for i in range(len(args)):
        g = float(fx.grad(f, argnums=i)(*(fnp.asarray(a) for a in args)))
        up, down = list(args), list(args)
        up[i], down[i] = args[i] + eps, args[i] - eps
        numeric = (float(f(*map(fnp.asarray, up))) - float(f(*map(fnp.asarray, down)))) / (2 * eps)
        assert np.isclose(g, numeric, rtol=rtol, atol=1e-8), (i, g, numeric)


@pytest.mark.parametrize("f,args", [
    (lambda x, b, m, s: fs.gennorm.logpdf(x, b, m, s), (0.7, 1.5, 0.1, 1.3)),
    (lambda x, m, s: fs.gennorm.cdf(x, 0.8, m, s) + fs.gennorm.sf(x, 2.5), (-0.7, 0.1, 1.3)),
    (lambda x, m, s: fs.gumbel_r.logpdf(x, m, s) + fs.gumbel_r.logsf(x, m, s) + fs.gumbel_r.logcdf(x, m, s),
     (0.7, 0.1, 1.3)),
    (lambda x, m, s: fs.gumbel_l.logpdf(x, m, s) + fs.gumbel_l.logsf(x, m, s) + fs.gumbel_l.cdf(x, m, s),
     (0.7, 0.1, 1.3)),
    (lambda q, m, s: fs.gumbel_r.ppf(q, m, s) + fs.gumbel_l.ppf(q, m, s) + fs.pareto.ppf(q, s), (0.3, 0.1, 1.7)),
    (lambda x, b, s: fs.pareto.logpdf(x, b, scale=s) + fs.pareto.logcdf(x, b, scale=s) + fs.pareto.sf(x, b, scale=s),
     (2.5, 1.7, 1.3)),
    (lambda x, a, b, s: fs.truncnorm.logpdf(x, a, b, scale=s) + fs.truncnorm.logcdf(x, a, b, scale=s)
     + fs.truncnorm.sf(x, a, b, scale=s), (0.3, -0.5, 1.5, 1.1)),
    (lambda x, a, b: fs.truncnorm.logpdf(x, a, b) + fs.truncnorm.logcdf(x, a, b) + fs.truncnorm.logsf(x, a, b),
     (41.0, 40.5, 43.0)),
    (lambda x, k, m, s: fs.vonmises.logpdf(x, k, m, s) + fs.vonmises.cdf(x, k, m, s), (0.7, 2.5, 0.1, 1.3)),
    (lambda x, k: fs.vonmises.cdf(x, k), (0.3, 35.0)),
    (lambda x, c, s: fs.wrapcauchy.logpdf(x, c, scale=s) + fs.wrapcauchy.cdf(x, c, scale=s), (0.7, 0.4, 1.2)),
    (lambda n, p: fs.nbinom.logpmf(3.0, n, p) + fs.nbinom.cdf(4.0, 2.5, p), (2.5, 0.3)),
    (lambda a, b: fs.betabinom.logpmf(2.0, 5.0, a, b), (1.5, 2.5)),
])
def test_derivatives_inside_the_support_match_finite_differences(f, args):
    _grads_match_differences(f, args)
    check_grads(f, tuple(fnp.asarray(a, dtype=fnp.float64) for a in args), order=2)


def test_distribution_functions_built_on_gammainc_differentiate_in_their_shape():
    _grads_match_differences(lambda x, b: fs.gennorm.cdf(x, b), (0.7, 1.5))
    _grads_match_differences(lambda x, b: fs.gennorm.sf(x, b), (-1.2, 0.8))
    _grads_match_differences(lambda x, a: fs.gamma.cdf(x, a) + fs.chi2.sf(x, a), (2.2, 3.5))


@pytest.mark.parametrize("name,shape,x", [
    ("gennorm", (0.5,), [-2.0, -1e-200, 0.0, 1e-12, 3.0]), ("gennorm", (8.0,), [-1.0, 0.0, 1e-200, 0.9]),
    ("gumbel_r", (), [-3.0, 0.0, 5.0]), ("gumbel_l", (), [-5.0, 0.0, 3.0]), ("pareto", (1.5,), [1.5, 30.0]),
    ("truncnorm", (-1.0, 2.0), [-0.5, 0.0, 1.9]), ("truncnorm", (40.0, 45.0), [40.1, 42.0]),
    ("vonmises", (3.0,), [-4.0, 0.0, 1.0, 3.1]), ("vonmises", (40.0,), [-0.3, 0.0, 0.2, 3.1]),
    ("wrapcauchy", (0.6,), [0.1, math.pi, 6.0])], ids=str)
def test_derivative_of_the_cdf_is_the_density(name, shape, x):
    dist, x = getattr(fs, name), _f64(x)
    _close(fx.vmap(fx.grad(lambda x: dist.cdf(x, *shape)))(x), np.asarray(dist.pdf(x, *shape)), rtol=1e-9)


def _abs_power_derivative(beta, n, y):
    """The n-th derivative of |y|**beta: that of y**beta for even beta (smooth at 0 too), else
    beta (beta - 1) ... (beta - n + 1) |y|**(beta - n) sign(y)**n (at 0 only for n < beta)."""
    falling = math.prod(beta - k for k in range(n))
    if beta % 2 == 0:
        return falling * y ** (beta - n) if falling else 0.0
    return falling * abs(y) ** (beta - n) * math.copysign(1.0, y) ** n


@pytest.mark.parametrize("beta", [2.0, 4.0, 3.0, 2.5, 1.5])
def test_gennorm_derivatives_in_x_are_those_of_abs_y_to_the_beta_also_at_the_mode(beta):
    # logpdf = log(beta / (2 Gamma(1 / beta))) - |y|**beta - log(scale), y = (x - loc) / scale; at y = 0 its
    # second derivative is -2 / scale**2 for beta = 2, 0 for beta > 2 (and infinite for beta < 2: not checked)
    y = np.array([0.0, -0.0, 0.3, -1.2, 2.0])
    for loc, scale in ((0.0, 1.0), (0.5, 2.0)):
        x = _f64(loc + scale * y)
        for n in range(1, 5):
            at = slice(0 if beta % 2 == 0 or n < beta else 2, None)
            want = [-_abs_power_derivative(beta, n, v) / scale ** n for v in y[at]]
            for transform in (fx.grad, fx.jacfwd):
                d = lambda x: fs.gennorm.logpdf(x, beta, loc, scale)
                for _ in range(n):
                    d = transform(d)
                for g in (fx.vmap(d), fx.jit(fx.vmap(d))):
                    _close(g(x[at]), want, rtol=1e-12, atol=1e-12)
    # the density's second derivative at the mode, pdf * (logpdf'' + logpdf'**2), and the derivative in beta
    # there, 1 / beta + digamma(1 / beta) / beta**2
    zero = _f64(0.0)
    density = math.exp(-math.lgamma(1 / beta)) * beta / 2
    if beta >= 2:
        want = -_abs_power_derivative(beta, 2, 0.0) * density
        _close(fx.grad(fx.grad(lambda x: fs.gennorm.pdf(x, beta)))(zero), want, rtol=1e-14, atol=0)
        # and the cdf's third derivative there is the density's second
        _close(fx.grad(fx.grad(fx.grad(lambda x: fs.gennorm.cdf(x, beta))))(zero), want, rtol=1e-14, atol=0)
    in_beta = fx.grad(lambda b: fs.gennorm.logpdf(zero, b))(_f64(beta))
    _close(in_beta, 1 / beta + float(scipy.special.digamma(1 / beta)) / beta ** 2, rtol=1e-13, atol=0)


def test_multinomial_derivative_in_p_matches_finite_differences():
    check_grads(lambda p: fs.multinomial.logpmf(fnp.asarray([1.0, 2.0, 3.0]), 6, p),
                (fnp.asarray([0.2, 0.3, 0.5], dtype=fnp.float64),), order=2)


def test_gradients_are_finite_on_and_off_the_support_and_at_its_edges():
    x = fnp.asarray(X[:-1])
    fns = [lambda x, p: fs.gennorm.pdf(x, p) + fs.gennorm.cdf(x, 1.5),
           lambda x, p: fs.gumbel_r.pdf(x, p) + fs.gumbel_r.cdf(x, p) + fs.gumbel_r.sf(x, p) + fs.gumbel_r.logsf(x, p),
           lambda x, p: fs.gumbel_l.pdf(x, p) + fs.gumbel_l.sf(x, p) + fs.gumbel_l.logcdf(x, p),
           lambda x, p: fs.pareto.pdf(x, p) + fs.pareto.cdf(x, p) + fs.pareto.sf(x, p),
           lambda x, p: fs.truncnorm.pdf(x, -2.0, p) + fs.truncnorm.cdf(x, 0.0, p) + fs.truncnorm.sf(x, p + 40, 50.0),
           lambda x, p: fs.vonmises.pdf(x, p) + fs.vonmises.cdf(x, p) + fs.vonmises.cdf(x, 25 * p),
           lambda x, p: fs.wrapcauchy.pdf(x, p / 3) + fs.wrapcauchy.cdf(x, p / 3)]
    for f in fns:
        for dt in (fnp.float64, fnp.float32):
            p = fnp.asarray(1.0, dtype=dt)
            assert np.isfinite(np.asarray(fx.grad(lambda x: fnp.sum(f(x, p)))(x.astype(dt)))).all()
            in_p = fx.vmap(fx.grad(lambda p, x: f(x, p)), in_axes=(None, 0))(p, x.astype(dt))
            assert np.isfinite(np.asarray(in_p)).all()
    assert np.isfinite(float(fx.grad(lambda k: fs.vonmises.logpdf(0.3, k) + fs.vonmises.cdf(0.3, k))(fnp.asarray(0.0))))


# sample statistics -------------------------------------------------------------------------------
DATA = [np.array([[3.0, 1, np.nan, 1, 7], [2, 2, 5, 0, 2]]), np.array([[3, 1, 4, 1, 5], [2, 2, 5, 0, 2]]),
        np.random.default_rng(0).integers(0, 4, size=(3, 4, 5)).astype(float)]


@pytest.mark.parametrize("method", ["average", "min", "max", "dense", "ordinal"])
@pytest.mark.parametrize("nan_policy", ["propagate", "omit"])
def test_rankdata_matches_scipy(method, nan_policy):
    for a in DATA:
        for axis in (None, 0, 1, -1):
            mine = fs.rankdata(fnp.asarray(a), method, axis=axis, nan_policy=nan_policy)
            theirs = ss.rankdata(a, method, axis=axis, nan_policy=nan_policy)
            assert mine.shape == theirs.shape
            _close(mine, theirs)
    assert fs.rankdata(fnp.asarray([3, 1, 3]), method).dtype == (fnp.float32 if method == "average" else fnp.int64)
    _close(fs.rankdata(5.0, method), ss.rankdata(5.0, method))


@pytest.mark.parametrize("nan_policy", ["propagate", "omit"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_mode_matches_scipy(nan_policy, keepdims):
    for a in DATA + [np.array([np.nan, np.nan, 1.0]), np.array([4, 4, 2, 2]), np.array(5.0)]:
        for axis in ((None, 0, 1, -1) if a.ndim > 1 else (None, 0)):
            mine, theirs = fs.mode(fnp.asarray(a), axis, nan_policy, keepdims), ss.mode(a, axis, nan_policy, keepdims)
            for m, t in zip(mine, theirs):
                assert m.shape == np.shape(t)
                _close(m, t)
            assert mine.count.dtype == fnp.int64 and mine.mode.dtype == fnp.asarray(a).dtype
    empty = fs.mode(fnp.zeros((0, 3)))
    assert np.isnan(np.asarray(empty.mode)).all() and (np.asarray(empty.count) == 0).all()
    for dtype, want in ((np.float64, np.float64), (np.float16, np.float16), (np.int32, np.float32)):  # (a's, if float)
        assert fs.mode(np.zeros((0,), dtype)).mode.dtype == want


def test_sem_matches_scipy():
    for a in DATA:
        rtol = 1e-12 if a.dtype == np.float64 else 1e-6  # integers are taken as float32, the default float
        for axis in (None, 0, 1, -1):
            for nan_policy in ("propagate", "omit"):
                for ddof in (0, 1):
                    _close(fs.sem(fnp.asarray(a), axis, ddof, nan_policy, keepdims=True),
                           _scipy(ss.sem, a, axis, ddof, nan_policy, keepdims=True), rtol)
                    _close(fs.sem(fnp.asarray(a), axis, ddof, nan_policy),
                           _scipy(ss.sem, a, axis, ddof, nan_policy), rtol)
    check_grads(lambda a: fs.sem(a, axis=1), (fnp.asarray(DATA[2][0] + np.arange(5.0)),), order=2)


def test_sample_statistics_batch_under_vmap_and_name_their_fixes():
    a = fnp.asarray(DATA[2][0])
    _close(fx.vmap(lambda r: fs.rankdata(r, "max"))(a), ss.rankdata(DATA[2][0], "max", axis=1))
    _close(fx.vmap(lambda r: fs.mode(r).mode)(a), ss.mode(DATA[2][0], axis=1).mode)
    with pytest.raises(ValueError, match="fix: pass one of"):
        fs.rankdata(a, "mean")
    with pytest.raises(NotImplementedError, match="fix: check"):
        fs.sem(a, nan_policy="raise")
    with pytest.raises(ValueError, match="nan_policy='propagate'"):
        fs.mode(a, nan_policy="ignore")


def test_gumbel_log_tails_near_zero_keep_their_digits():
    # log(1 - exp(-e**4)) = -exp(-e**4) to all digits; gumbel_r's log sf at -y is gumbel_l's log cdf at y
    y = np.array([-5.0, -1.0, 0.0, 0.5, 2.0, 4.0, 6.0])
    _close(fs.gumbel_l.logcdf(_f64(y)), ss.gumbel_l.logcdf(y), rtol=1e-14, atol=0)
    _close(fs.gumbel_r.logsf(_f64(-y)), ss.gumbel_r.logsf(-y), rtol=1e-14, atol=0)
    assert float(fs.gumbel_l.logcdf(_f64(4.0))) == -math.exp(-math.exp(4.0))
    f = lambda x: fs.gumbel_l.logcdf(x) + fs.gumbel_r.logsf(-x)  # noqa: E731
    _close(fx.jit(f)(_f64(y)), np.asarray(f(_f64(y))), rtol=1e-14, atol=0)
    _grads_match_differences(f, (3.0,))


def test_nbinom_mass_at_zero_is_p_to_the_n():
    # binom(n - 1, 0) = 1: log mass n log p, exactly 0 for p = 1
    assert float(fs.nbinom.logpmf(_f64(0.0), 10.0, 1.0)) == 0.0
    n, p = np.array([10.0, 2.5, 0.5]), np.array([1.0, 0.3, 0.9])
    _close(fs.nbinom.logpmf(_f64(0.0), _f64(n), _f64(p)), n * np.log(p), rtol=1e-15, atol=0)
    _close(fs.nbinom.pmf(np.float32(0), np.float32(3), np.float32(1)), 1.0, atol=0)
    _grads_match_differences(lambda n, p: fs.nbinom.logpmf(0.0, n, p), (2.5, 0.3))


@pytest.mark.parametrize("df", [1.0, 2.0, 5.0, 0.05, 1e6])
def test_t_cdf_near_zero_has_every_derivative_of_the_density(df):
    pdf0 = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)

    def slope(y):  # pdf'(y), the cdf's second derivative
        return -pdf0 * (df + 1) / df * y * (1 + y * y / df) ** (-(df + 3) / 2)
    cdf = lambda y: fs.t.cdf(y, df)  # noqa: E731
    at = lambda v: fnp.asarray(np.float64(v))  # noqa: E731
    # (rtol: the oracle's lgamma difference loses digits at df = 1e6)
    np.testing.assert_allclose(fx.grad(fx.grad(fx.grad(cdf)))(at(0.0)), -pdf0 * (df + 1) / df, rtol=1e-9)
    for y in (1e-200, 1e-8, 1e-4, -9e-4):
        np.testing.assert_allclose(fx.grad(fx.grad(cdf))(at(y)), slope(y), rtol=1e-9, atol=1e-300)
    if df == 1.0:  # the Cauchy distribution: 1/2 + atan(y) / pi
        for y in (1e-8, 1e-4, 1e-3):
            np.testing.assert_allclose(cdf(at(y)), 0.5 + math.atan(y) / math.pi, rtol=1e-15)


@pytest.mark.parametrize("kappa", [5.0, 20.0, 25.0, 50.0])  # (from 20 on, the incomplete-gamma expansion)
def test_vonmises_cdf_at_and_near_zero_has_the_densitys_derivatives(kappa):
    at = lambda v: fnp.asarray(np.float64(v))  # noqa: E731
    cdf = lambda y: fs.vonmises.cdf(y, kappa)  # noqa: E731
    pdf0 = float(ss.vonmises.pdf(0.0, kappa))
    np.testing.assert_allclose(fx.grad(fx.grad(fx.grad(cdf)))(at(0.0)), -kappa * pdf0, rtol=1e-12)
    for y in (1e-200, 1e-4, -5e-4, 0.3):  # pdf'(y) = -kappa sin(y) pdf(y)
        np.testing.assert_allclose(fx.grad(fx.grad(cdf))(at(y)), -kappa * math.sin(y) * ss.vonmises.pdf(y, kappa),
                                   rtol=1e-9, atol=1e-300)


def test_gennorm_of_beta_2_near_zero_has_the_normals_derivatives():  # (gennorm(2) is a normal, sd 1/sqrt(2))
    at = lambda v: fnp.asarray(np.float64(v))  # noqa: E731
    for y in (0.0, 1e-200, 1e-15, 1e-9, 1e-7, 0.4):
        third = fx.grad(fx.grad(fx.grad(lambda y: fs.gennorm.cdf(y, 2.0))))(at(y))
        np.testing.assert_allclose(third, (4 * y * y - 2) * math.exp(-y * y) / math.sqrt(math.pi), rtol=1e-12)
        np.testing.assert_allclose(fx.grad(fx.grad(lambda y: fs.gennorm.logpdf(y, 2.0)))(at(y)), -2.0, rtol=1e-15)
        np.testing.assert_allclose(fs.gennorm.cdf(at(y), 2.0), ss.gennorm.cdf(y, 2.0), rtol=1e-15)


def test_vonmises_derivative_in_kappa_at_zero_is_its_one_sided_value():
    # kappa = 0 (the uniform distribution) is allowed: d/dkappa log p = cos(y) - I1/I0(kappa), cos(y) there
    y = np.array([-2.0, 0.5, 3.0])
    for grad in (fx.grad(lambda k: fnp.sum(fs.vonmises.logpdf(fnp.asarray(y), k))),
                 fx.jit(fx.grad(lambda k: fnp.sum(fs.vonmises.logpdf(fnp.asarray(y), k))))):
        _close(grad(np.float64(0.0)), np.sum(np.cos(y)), rtol=1e-12)
    _close(fx.grad(lambda k: fs.vonmises.pdf(0.5, k))(np.float64(0.0)), np.cos(0.5) / (2 * np.pi), rtol=1e-12)


def test_sem_takes_several_axes_and_one_sample_as_scipy():
    a = np.arange(24.0).reshape(2, 3, 4) ** 1.5
    for axis in [(0, 1), (0, 2), (-1, 0), (0, 1, 2)]:
        _close(fs.sem(fnp.asarray(a), axis), ss.sem(a, axis), 1e-12)
        _close(fs.sem(fnp.asarray(a), axis, keepdims=True), ss.sem(a, axis, keepdims=True), 1e-12)
    assert np.isnan(np.asarray(fs.sem(3.0))) and fs.sem(3.0).shape == ()
    with pytest.raises(fx.errors.AxisError, match="fix"):
        fs.sem(fnp.asarray(a), axis=3)
