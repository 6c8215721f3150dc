"""log_expit, binom, erfcinv, the distribution functions (pdtr .. stdtr), the inverse incomplete gamma
and beta functions and the Bessel functions of orders 0 and 1 of fluxion.scipy.special against
scipy.special (exact arithmetic or mpmath where SciPy itself is off): values over wide grids and at
the edges in float32 and float64, jit against eager, vmap against a loop, and derivatives against
closed forms or central differences."""
import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

inf, nan = np.inf, np.nan
EPS64, EPS32 = np.finfo(np.float64).eps, np.finfo(np.float32).eps


def _scipy(fn, *args):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*(np.asarray(a, np.float64) for a in args))


def _check(got, want, dtype, rtol, atol=0.0):
    got = np.asarray(got)
    assert got.dtype == dtype
    np.testing.assert_allclose(got.astype(np.float64), np.asarray(want, np.float64), rtol=rtol, atol=atol)


def _central(fn, x, h):
    return (fn(x + h) - fn(x - h)) / (2 * h)


# log_expit, erfcinv, binom ------------------------------------------------------------------------
X_LOGISTIC = np.concatenate([[0.0, -0.0, 1e-300, -1e-300, 36.0, 37.0, -37.0, 745.0, -745.0, 1e300, -1e300, inf,
                              -inf, nan], np.linspace(-60, 60, 241)])


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 2 * EPS64), (np.float32, 2 * EPS32)])
def test_log_expit_matches_scipy_from_the_far_tails_to_infinities(dtype, rtol):
    with np.errstate(over="ignore"):
        x = X_LOGISTIC.astype(dtype)
    _check(fsp.log_expit(x), _scipy(sp.log_expit, x), dtype, rtol, atol=1e-300 if dtype == np.float64 else 1e-37)


def test_log_expit_derivative_is_expit_of_minus_x():
    x = np.array([-800.0, -30.0, -1.0, 0.0, 0.5, 40.0, 800.0])
    got = fx.vmap(fx.grad(fsp.log_expit))(x)
    np.testing.assert_allclose(np.asarray(got), sp.expit(-x), rtol=4 * EPS64, atol=1e-320)
    second = fx.grad(fx.grad(fsp.log_expit))(np.float64(0.7))
    np.testing.assert_allclose(float(second), -sp.expit(0.7) * sp.expit(-0.7), rtol=1e-14)


Y_ERFC = np.concatenate([[0.0, 2.0, -0.1, 2.1, 1.0, 1e-300, 1e-100, 2 - 2 ** -52, 1 - 2 ** -53, 1 + 2 ** -52, 0.5, 1.5,
                          nan, inf, -inf], np.logspace(-300, 0, 300), 2 - np.logspace(-15, 0, 100),
                         np.linspace(0, 2, 201)])


def test_erfcinv_matches_scipy_keeping_the_relative_precision_of_tiny_y():
    np.testing.assert_allclose(np.asarray(fsp.erfcinv(Y_ERFC)), _scipy(sp.erfcinv, Y_ERFC), rtol=4 * EPS64, atol=0)
    y32 = Y_ERFC.astype(np.float32)
    _check(fsp.erfcinv(y32), _scipy(sp.erfcinv, y32), np.float32, 2 * EPS32, atol=1e-37)
    # at the smallest subnormal (SciPy: inf), erfc(x) = y with x**2 + log(x sqrt(pi)) = -log(y) to first order
    x = float(fsp.erfcinv(np.float64(5e-324)))
    assert abs(x * x + math.log(x * math.sqrt(math.pi)) - (-math.log(5e-324))) < 1e-2


def test_erfcinv_derivative_is_the_closed_form():
    y = np.array([1e-200, 0.01, 0.5, 1.0, 1.3, 1.99])
    x = sp.erfcinv(y)
    # exp(x**2) moves by x**2 times the relative rounding of x
    np.testing.assert_allclose(np.asarray(fx.vmap(fx.grad(fsp.erfcinv))(y)), -math.sqrt(math.pi) / 2 * np.exp(x * x),
                               rtol=4 * EPS64 * (1 + x * x).max())


BINOM_N = np.array([-1e10, -100.5, -10.0, -3.5, -3.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, 3.5, 5.0, 10.0, 19.0, 20.0,
                    21.0, 30.3, 40.0, 100.0, 1e5, 1e10, 1e15, inf, -inf, nan])
BINOM_K = np.concatenate([BINOM_N, [1e300, 2.0 ** 31, 1e-20, -2.5e-5]])


def _binom_where_scipy_is_accurate(n, k):
    """Where SciPy's values keep their digits: not for k beyond 2**31 in its expansion for k >> |n|, nor
    for tiny nonzero n; and not its NaN at n = inf for huge k."""
    return ~((np.abs(k) >= 2.0 ** 31) & np.isfinite(k)) & ~((np.abs(n) < 1e-8) & (n != 0)) \
        & ~((np.abs(k) > 1e8) & (n == np.inf))


def test_binom_matches_scipy_on_a_grid_of_real_n_and_k():
    n, k = np.broadcast_arrays(BINOM_N[:, None], BINOM_K[None, :])
    keep = _binom_where_scipy_is_accurate(n, k)
    # (SciPy's beta function loses up to 2e-10 at n = 1e5: exact values are checked below)
    np.testing.assert_allclose(np.asarray(fsp.binom(n, k))[keep], _scipy(sp.binom, n, k)[keep], rtol=1e-9, atol=0)
    with np.errstate(over="ignore"):
        n32, k32 = n.astype(np.float32), k.astype(np.float32)
    keep32 = _binom_where_scipy_is_accurate(n32, k32) & (np.abs(_scipy(sp.binom, n32, k32)) < 3e38)
    got = np.asarray(fsp.binom(n32, k32))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got[keep32], _scipy(sp.binom, n32, k32)[keep32].astype(np.float32), rtol=2 * EPS32,
                               atol=1e-45)


def _exact_binom(n: float, k: int) -> float:
    """binom(n, k) for an integer k >= 0 in exact rational arithmetic."""
    out = Fraction(1)
    for i in range(k):
        out *= (Fraction(n) - i) / (i + 1)
    return float(out)


def test_binom_keeps_its_digits_for_tiny_n_and_huge_k():
    n = np.array([1e-9, -1e-9, 1e-20, -2.5e-5, 2.5, -3.5, 100.0, 1e5])
    k = np.array([1.0, 5.0, 19.0, 20.0, 45.0, 59.0])
    want = np.array([[_exact_binom(a, int(b)) for b in k] for a in n])
    np.testing.assert_allclose(np.asarray(fsp.binom(n[:, None], k[None, :])), want, rtol=1e-14)
    # for k >> |n| the leading terms gamma(1 + n) (1 / k + n / (2 k**2)) sin(pi (k - n)) / (pi k**n), whose
    # next terms are below 1e-16 here; at integer n and k > n exactly 0
    n, k = np.array([0.5, -0.5, -3.5, 1e-9, 2.0]), np.array([2.0 ** 53, 1e15 + 0.25, 1e15, 2.0 ** 40, 1e12])
    lead = sp.gamma(1 + n) * (1 / k + n / (2 * k * k)) / (np.pi * k ** n)
    sine = np.where(np.floor(n) == n, 0.0, np.sin(np.pi * (np.fmod(k, 2) - n)))  # (fmod is exact)
    np.testing.assert_allclose(np.asarray(fsp.binom(n, k)), lead * sine, rtol=1e-14, atol=0)


def test_binom_values_at_its_edges_are_scipys():
    n = np.array([-1.0, -2.0, -inf, nan, 2.5, 3.0, 2.5, 2.5, 0.0, 5.0, -0.0])
    k = np.array([2.0, 0.5, 1.0, 0.0, inf, -inf, -3.0, -3.5, 0.0, 7.0, 21.0])
    np.testing.assert_allclose(np.asarray(fsp.binom(n, k)), _scipy(sp.binom, n, k), rtol=1e-15, atol=0)
    assert fsp.binom(np.array([1, 2]), np.array([1, 1])).dtype == np.float32


def test_binom_derivatives_are_the_digamma_forms():
    for n, k in ((5.5, 2.0), (7.0, 2.5), (-2.5, 3.0), (30.0, 25.0)):
        dn, dk = fx.grad(fsp.binom, argnums=(0, 1))(np.float64(n), np.float64(k))
        b = sp.binom(n, k)
        np.testing.assert_allclose([float(dn), float(dk)], [b * (sp.digamma(n + 1) - sp.digamma(n - k + 1)),
                                                           b * (sp.digamma(n - k + 1) - sp.digamma(k + 1))], rtol=1e-12)


# distribution functions ---------------------------------------------------------------------------
K_COUNTS = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 2.7, 5.0, 10.0, 100.0, 1e10, inf, nan])
MEANS = np.array([-1.0, 0.0, 1e-300, 0.5, 3.0, 50.0, 1e10, inf, nan])
DOF = np.array([-1.0, 0.0, 1e-300, 0.5, 3.0, 50.0, 1e3, inf, nan])
CHI = np.array([-1.0, -0.0, 0.0, 1e-300, 0.5, 3.0, 100.0, 1e10, inf, nan])
BIN_K = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.7, 4.0, 5.0, 5.5, 10.0, inf, nan])
BIN_N = np.array([-2.0, -1.0, -0.5, 0.0, 1.0, 5.0, 5.9, 10.0, 40.0, 2.0 ** 31 - 1, 2.0 ** 31, inf, nan])
BIN_P = np.array([-0.1, 0.0, 1e-5, 0.005, 0.3, 0.99, 1.0, 1.1, nan])
T_DOF = np.array([-1.0, 0.0, 0.5, 1.0, 3.5, 30.0, 1e6, inf, nan])
T_T = np.array([-inf, -1e10, -30.0, -3.0, -1e-300, 0.0, 1e-300, 2.0, 40.0, inf, nan])
DISTRIBUTIONS = {  # name: argument grids, broadcast against each other
    "pdtr": (K_COUNTS, MEANS), "pdtrc": (K_COUNTS, MEANS), "chdtr": (DOF, CHI), "chdtrc": (DOF, CHI),
    "bdtr": (BIN_K, BIN_N, BIN_P), "bdtrc": (BIN_K, BIN_N, BIN_P), "stdtr": (T_DOF, T_T)}


def _grid(*axes):
    return np.meshgrid(*axes, indexing="ij")


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_distribution_functions_match_scipy_at_edges_and_inside(name):
    args = _grid(*DISTRIBUTIONS[name])
    # (stdtr at df = inf is ndtr, which loses some t**2 ulps in its far lower tail)
    np.testing.assert_allclose(np.asarray(getattr(fsp, name)(*args)), _scipy(getattr(sp, name), *args), rtol=1e-12,
                               atol=1e-300)
    args32 = [a.astype(np.float32) for a in args]
    want32 = _scipy(getattr(sp, name), *args32)
    _check(getattr(fsp, name)(*args32), want32, np.float32, 8 * EPS32, atol=1e-37)


def test_distribution_functions_on_random_arguments_match_scipy(rng):
    k, n = np.floor(rng.uniform(0, 60, 300)), np.floor(rng.uniform(1, 80, 300))
    m, p, x = 10 ** rng.uniform(-3, 2.5, 300), rng.uniform(0, 1, 300), 10 ** rng.uniform(-3, 3, 300)
    df, t = 10 ** rng.uniform(-1, 3, 300), rng.normal(size=300) * 10
    cases = {"pdtr": (k, m), "pdtrc": (k, m), "chdtr": (m, x), "chdtrc": (m, x), "bdtr": (k, n, p),
             "bdtrc": (k, n, p), "stdtr": (df, t)}
    for name, args in cases.items():
        np.testing.assert_allclose(np.asarray(getattr(fsp, name)(*args)), _scipy(getattr(sp, name), *args),
                                   rtol=1e-12, atol=1e-300, err_msg=name)


def test_distribution_functions_derivatives_match_central_differences():
    cases = [(lambda m: fsp.pdtr(3.0, m), lambda m: sp.pdtr(3.0, m), 2.5), (lambda m: fsp.pdtrc(3.0, m),
                                                                            lambda m: sp.pdtrc(3.0, m), 2.5),
             (lambda x: fsp.chdtr(3.5, x), lambda x: sp.chdtr(3.5, x), 2.0), (lambda v: fsp.chdtrc(v, 2.0),
                                                                            lambda v: sp.chdtrc(v, 2.0), 3.5),
             (lambda p: fsp.bdtr(4.0, 10.0, p), lambda p: sp.bdtr(4.0, 10, p), 0.3),
             (lambda p: fsp.bdtrc(0.0, 10.0, p), lambda p: sp.bdtrc(0.0, 10, p), 0.004),
             (lambda t: fsp.stdtr(3.5, t), lambda t: sp.stdtr(3.5, t), -1.5)]
    for ours, theirs, point in cases:
        got = float(fx.grad(ours)(np.float64(point)))
        np.testing.assert_allclose(got, _central(theirs, point, 1e-6 * point), rtol=1e-7)


def test_distribution_functions_under_jit_and_vmap_match_eager():
    args = [np.array([0.0, 2.0, 7.5, 30.0]), np.array([0.5, 3.0, 10.0, 40.0]), np.array([0.1, 0.3, 0.7, 0.999])]

    def f(k, n, p):  # (pdtr, chdtr and bdtr share the code of these)
        return [fsp.pdtrc(k, n), fsp.chdtrc(n, k), fsp.bdtrc(k, n, p), fsp.stdtr(n, k - 3)]
    for got, want in zip(fx.jit(f)(*args), f(*args)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-13, atol=1e-300)
    looped = [float(fsp.bdtr(args[0][i], args[1][i], args[2][i])) for i in range(4)]
    np.testing.assert_array_equal(np.asarray(fx.vmap(fsp.bdtr)(*args)), looped)


# inverse incomplete gamma and beta functions ------------------------------------------------------
Y_INVERSE = np.concatenate([[1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 1e-3, 0.01], np.linspace(0.1, 0.9, 9),
                            1 - np.logspace(-1, -15, 8), [1 - 2 ** -53]])
A_INVERSE = np.logspace(-3, 3, 37)


@pytest.mark.parametrize("ours, theirs", [(fsp.gammaincinv, sp.gammaincinv), (fsp.gammainccinv, sp.gammainccinv)],
                         ids=["gammaincinv", "gammainccinv"])
def test_inverse_incomplete_gamma_matches_scipy_over_a_wide_grid(ours, theirs):
    a, y = _grid(A_INVERSE, Y_INVERSE)
    want = theirs(a, y)
    got = np.asarray(ours(a, y))
    # x is as sensitive as 1 / a to the rounding of y and P: 5e-13 at a = 1e-3 (SciPy's own error is alike)
    normal = want > 1e-300
    np.testing.assert_allclose(got[normal], want[normal], rtol=1e-12)
    np.testing.assert_array_equal(got[want == 0], 0.0)  # where x underflows
    a32, y32 = a.astype(np.float32), y.astype(np.float32)
    want32 = _scipy(theirs, a32, y32)
    keep = (want32 > 1e-37) & (want32 < 3e38)
    got32 = np.asarray(ours(a32, y32))
    assert got32.dtype == np.float32  # (computed in float64 and rounded once, as SciPy's value of the same input)
    np.testing.assert_allclose(got32[keep], want32[keep], rtol=EPS32)


def _beta_grid():
    ab = np.logspace(-3, 3, 13)
    y = np.concatenate([[1e-300, 1e-100, 1e-20, 1e-5], np.linspace(0.1, 0.9, 5), 1 - np.logspace(-2, -15, 4)])
    return _grid(ab, ab, y)


def test_betaincinv_matches_scipy_where_scipy_inverts_its_own_betainc():
    a, b, y = _beta_grid()
    want = sp.betaincinv(a, b, y)
    got = np.asarray(fsp.betaincinv(a, b, y))
    # SciPy's inverse misses (by up to 100x) where its betainc loses precision near underflow: those
    # points are checked against mpmath below
    consistent = (want > 1e-300) & (want < 1) & (np.abs(sp.betainc(a, b, want) - y) <= 1e-11 * np.minimum(y, 1 - y))
    assert consistent.sum() > 1000
    np.testing.assert_allclose(got[consistent], want[consistent], rtol=1e-12)
    np.testing.assert_array_equal(got[want == 0], 0.0)
    np.testing.assert_array_equal(got[want == 1], 1.0)
    a32, b32, y32 = (v.astype(np.float32) for v in (a, b, y))
    want32 = _scipy(sp.betaincinv, a32, b32, y32)
    keep = consistent & (want32 > 1e-37)
    got32 = np.asarray(fsp.betaincinv(a32, b32, y32))
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32[keep], want32[keep], rtol=EPS32)


def test_inverses_solve_the_equation_where_scipy_misses():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    # deep lower tails of large a, where SciPy's betainc underflows early, and a tiny a with a large b
    for a, b, y in ((1000.0, 15.848931924611142, 1e-300), (25.118864315095820, 0.0025118864315095794, 8.25e-276),
                    (268.45628313814626, 26.073803130240268, 1.1466157338810222e-291), (0.001, 1000.0, 0.99999)):
        x = float(fsp.betaincinv(np.float64(a), np.float64(b), np.float64(y)))
        value = mp.betainc(a, b, 0, x, regularized=True)
        if y > 0.5:
            np.testing.assert_allclose(float(1 - value), 1 - y, rtol=1e-9)
        else:
            np.testing.assert_allclose(float(value), y, rtol=1e-10)
    for a, y in ((0.001, 0.6), (1000.0, 1e-300), (3.0, 1e-300)):
        x = float(fsp.gammaincinv(np.float64(a), np.float64(y)))
        # within the error of gammainc, some |log y| ulps (of exp(a log x - x - log gamma(a)))
        np.testing.assert_allclose(float(mp.gammainc(a, 0, x, regularized=True)), y,
                                   rtol=4 * EPS64 * (1 + a - math.log(y)))


INVERSE_EDGES = {  # function: arguments, at the ends, outside the domain, NaN, where x underflows or rounds to 1
    "gammaincinv": [(1.0, 0.0), (1.0, 1.0), (0.0, 0.5), (0.0, 0.0), (0.0, 1.0), (-1.0, 0.5), (inf, 0.5), (inf, 1.0),
                    (1.0, -0.1), (1.0, 1.1), (nan, 0.5), (1.0, nan), (1e-3, 1e-300)],
    "gammainccinv": [(1.0, 0.0), (1.0, 1.0), (0.0, 0.5), (-1.0, 0.5), (1e3, 1e-300)],
    "betaincinv": [(2.0, 3.0, 0.0), (2.0, 3.0, 1.0), (0.0, 1.0, 0.5), (0.0, 1.0, 0.0), (1.0, -1.0, 0.5),
                   (inf, 2.0, 1.0), (2.0, inf, 0.0), (2.0, inf, 0.5), (2.0, 3.0, 1.5), (2.0, nan, 0.5),
                   (1e-3, 1e3, 0.5), (1e3, 1e-3, 0.5)],
}


@pytest.mark.parametrize("name, args", [(name, args) for name, cases in INVERSE_EDGES.items() for args in cases])
def test_inverse_values_at_the_edges_are_scipys(name, args):
    got = float(getattr(fsp, name)(*(np.float64(v) for v in args)))
    np.testing.assert_allclose(got, _scipy(getattr(sp, name), *args), rtol=1e-13)


def test_inverse_derivatives_follow_the_inverse_function_rule():
    for a, y in ((0.5, 0.3), (2.0, 1e-5), (30.0, 0.99), (1e-3, 0.5)):
        x = sp.gammaincinv(a, y)
        density = np.exp((a - 1) * np.log(x) - x - sp.gammaln(a))
        da, dy = fx.grad(fsp.gammaincinv, argnums=(0, 1))(np.float64(a), np.float64(y))
        np.testing.assert_allclose(float(dy), 1 / density, rtol=1e-11)
        np.testing.assert_allclose(float(da), _central(lambda v, y=y: sp.gammaincinv(v, y), a, 1e-6 * a), rtol=1e-6)
        da_q, dq = fx.grad(fsp.gammainccinv, argnums=(0, 1))(np.float64(a), np.float64(1 - y))
        np.testing.assert_allclose(float(dq), -1 / density, rtol=1e-9)
        np.testing.assert_allclose(float(da_q), _central(lambda v, y=y: sp.gammainccinv(v, 1 - y), a, 1e-6 * a),
                                   rtol=1e-6)
    for a, b, y in ((2.0, 3.0, 0.3), (0.5, 0.5, 0.01), (50.0, 5.0, 0.9)):
        x = sp.betaincinv(a, b, y)
        density = np.exp((a - 1) * np.log(x) + (b - 1) * np.log1p(-x) - sp.betaln(a, b))
        np.testing.assert_allclose(float(fx.grad(fsp.betaincinv, argnums=2)(*map(np.float64, (a, b, y)))), 1 / density,
                                   rtol=1e-11)
    second = fx.grad(fx.grad(lambda y: fsp.gammaincinv(2.0, y)))(np.float64(0.3))
    np.testing.assert_allclose(float(second), _central(lambda v: 1 / np.exp(np.log(sp.gammaincinv(2.0, v))
                                                                             - sp.gammaincinv(2.0, v)), 0.3, 1e-6),
                               rtol=1e-7)
    # in a and b, -dI/da / dI/dx at the result (betainc's derivatives in its shape parameters)
    for a, b, y in ((2.0, 3.0, 0.3), (0.5, 0.5, 0.01), (50.0, 5.0, 0.9)):
        da, db = fx.grad(fsp.betaincinv, argnums=(0, 1))(*map(np.float64, (a, b, y)))
        np.testing.assert_allclose(float(da), _central(lambda v: sp.betaincinv(v, b, y), a, 1e-6 * a), rtol=1e-6)
        np.testing.assert_allclose(float(db), _central(lambda v: sp.betaincinv(a, v, y), b, 1e-6 * b), rtol=1e-6)
    ends = fx.grad(lambda a, b: fnp.sum(fsp.betaincinv(a, b, np.asarray([0.0, 1.0]))), argnums=(0, 1))(
        np.float64(2.0), np.float64(3.0))
    np.testing.assert_array_equal(np.asarray(ends), 0.0)


def test_inverses_under_jit_and_vmap_match_eager():
    a, y = _grid(np.array([1e-3, 0.5, 4.0, 300.0]), np.array([1e-200, 1e-8, 0.3, 0.97, 1 - 1e-12]))

    def f(a, y):  # (gammaincinv shares gammainccinv's code)
        return fsp.gammainccinv(a, y), fsp.betaincinv(fnp.clip(a, 0.5, 30), 2.5, y)
    # XLA's incomplete gamma and beta functions are other approximations than SciPy's: the inverses
    # move by their differences (a few 1e-13 relative)
    for got, want in zip(fx.jit(f)(a, y), f(a, y)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=2e-12)
    looped = np.array([[float(fsp.gammaincinv(a[i, j], y[i, j])) for j in range(5)] for i in range(4)])
    np.testing.assert_array_equal(np.asarray(fx.vmap(fsp.gammaincinv)(a, y)), looped)


# Bessel functions of orders 0 and 1 ---------------------------------------------------------------
BESSEL = ["j0", "j1", "y0", "y1", "k0", "k1", "k0e", "k1e"]
X_BESSEL = np.concatenate([[0.0, -0.0, 1e-300, 1e-20, 0.5, 1.0, 2.0, 25.999, 26.0, inf, -inf, nan, -1.0, -1e-300],
                           np.linspace(-40, 40, 1601), np.logspace(-10, 2.5, 300), np.logspace(-300, -10, 30)])


def _bessel_tolerance(name, x, want):
    """J and Y: a few ulps of the value or of the oscillation's amplitude times max(1, x) (SciPy's error
    grows with x); K: a few ulps of the value."""
    if name[0] in "jy":
        x = np.abs(x)
        return 8 * EPS64 * (np.abs(want) + np.sqrt(2 / (np.pi * np.maximum(x, 1))) * np.maximum(x, 1))
    return 8 * EPS64 * np.abs(want)


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_functions_match_scipy_on_a_wide_grid(name):
    x = X_BESSEL
    if name[0] == "k":
        x = np.concatenate([x, [700.0, 1e3, 1e10]])
    want = _scipy(getattr(sp, name), x)
    got = np.asarray(getattr(fsp, name)(x))
    assert got.dtype == np.float64
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    finite = np.isfinite(want)
    np.testing.assert_array_equal(got[~finite & ~np.isnan(want)], want[~finite & ~np.isnan(want)])
    assert (np.abs(got[finite] - want[finite]) <= _bessel_tolerance(name, x[finite], want[finite])).all()
    # float32: computed in float64 and rounded once
    x32 = x.astype(np.float32)
    want32 = _scipy(getattr(sp, name), x32)
    keep = (np.abs(want32) > 1e-30) & (np.abs(want32) < 3e38)
    _check(np.asarray(getattr(fsp, name)(x32))[keep], want32[keep], np.float32, EPS32)


def test_bessel_functions_keep_relative_precision_at_zeros_and_large_arguments():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    funcs = {"j0": (lambda v: mp.besselj(0, v), lambda k: mp.besseljzero(0, k)),
             "j1": (lambda v: mp.besselj(1, v), lambda k: mp.besseljzero(1, k)),
             "y0": (lambda v: mp.bessely(0, v), lambda k: mp.besselyzero(0, k)),
             "y1": (lambda v: mp.bessely(1, v), lambda k: mp.besselyzero(1, k))}
    for name, (f, zero) in funcs.items():
        x = np.array([float(zero(k)) for k in range(1, 9)])
        x = np.concatenate([x, np.nextafter(x, 0)])
        want = np.array([float(f(mp.mpf(v))) for v in x])
        np.testing.assert_allclose(np.asarray(getattr(fsp, name)(x)), want, rtol=16 * EPS64, err_msg=name)
        # beyond 26, within a few ulps of the amplitude (SciPy: 1e-6 of it at 1e10)
        big = np.array([1e3, 1e10, 1e20, 1e300])
        want = np.array([float(f(mp.mpf(v))) for v in big])
        error = np.abs(np.asarray(getattr(fsp, name)(big)) - want)
        assert (error <= 4 * EPS64 * np.sqrt(2 / (np.pi * big))).all(), name


BESSEL_DERIVATIVES = {
    "j0": lambda x: -sp.j1(x), "j1": lambda x: sp.j0(x) - sp.j1(x) / x, "y0": lambda x: -sp.y1(x),
    "y1": lambda x: sp.y0(x) - sp.y1(x) / x, "k0": lambda x: -sp.k1(x), "k1": lambda x: -sp.k0(x) - sp.k1(x) / x,
    "k0e": lambda x: sp.k0e(x) - sp.k1e(x), "k1e": lambda x: sp.k1e(x) - sp.k0e(x) - sp.k1e(x) / x}


@pytest.mark.parametrize("name", BESSEL)
def test_bessel_derivatives_are_the_closed_forms(name):
    x = np.array([0.3, 0.95, 1.7, 3.1, 7.0, 25.9, 26.1, 40.0])
    got = np.asarray(fx.vmap(fx.grad(getattr(fsp, name)))(x))
    want = BESSEL_DERIVATIVES[name](x)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=4 * EPS64)


def test_bessel_parity_second_derivative_and_the_limit_at_zero():
    x = np.linspace(-30, 30, 61)
    np.testing.assert_array_equal(np.asarray(fsp.j0(-x)), np.asarray(fsp.j0(x)))
    np.testing.assert_array_equal(np.asarray(fsp.j1(-x)), -np.asarray(fsp.j1(x)))
    assert float(fx.grad(fsp.j1)(np.float64(0.0))) == 0.5
    second = fx.grad(fx.grad(fsp.j0))(np.float64(1.3))
    np.testing.assert_allclose(float(second), -(sp.j0(1.3) - sp.j1(1.3) / 1.3), rtol=1e-14)
    first = lambda v: float(fx.grad(fsp.k1)(np.float64(v)))
    np.testing.assert_allclose(float(fx.grad(fx.grad(fsp.k1))(np.float64(2.5))), _central(first, 2.5, 1e-5), rtol=1e-7)


def test_bessel_derivatives_to_fourth_order_match_mpmath_at_zero_and_beyond():
    # at 0: J_1''' = -3/8, I_1''' = 3/8, J_0'''' = I_0'''' = 3/8 (the closed forms' limits J_1 / x -> 1/2
    # and I_1 / x -> 1/2 must keep their own derivatives there)
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    x = np.array([0.0, -0.0, 1e-8, 0.4, -0.9, 0.999, 1.0, -1.001, 1.5, -3.0, 12.0, 30.0])

    def nth(f, sign, order, n, v):  # DLMF 10.6.7, 10.29.5: 2**-n sum over k of C(n, k) sign**k f_{order-n+2k}
        return sum(math.comb(n, k) * sign ** k * mp.re(f(order - n + 2 * k, mp.mpf(v))) for k in range(n + 1)) / 2 ** n
    functions = {"j0": (mp.besselj, -1, 0), "j1": (mp.besselj, -1, 1), "i0": (mp.besseli, 1, 0),
                 "i1": (mp.besseli, 1, 1)}
    for name, (f, sign, order) in functions.items():
        for n in range(1, 5):
            want = np.array([float(nth(f, sign, order, n, v)) for v in x])
            for transform in (fx.grad, fx.jacfwd):
                d = getattr(fsp, name)
                for _ in range(n):
                    d = transform(d)
                message = f"{name} order {n}, {transform.__name__}"
                assert float(d(np.float64(0.0))) == pytest.approx(want[0], abs=1e-15), message
                # (compiled for reverse mode at the highest order only: the programs share their primitives)
                for g in (fx.vmap(d), fx.jit(fx.vmap(d))) if transform is fx.grad and n == 4 else (fx.vmap(d),):
                    np.testing.assert_allclose(np.asarray(g(x)), want, rtol=1e-13, atol=1e-15, err_msg=message)


def test_bessel_functions_under_jit_and_vmap_match_eager():
    x = np.array([-3.0, -0.0, 0.0, 1e-300, 0.4, 0.9, 1.0, 5.0, 25.99, 26.01, 300.0, inf, nan])

    def f(x):
        return [getattr(fsp, name)(x) for name in BESSEL]
    for got, want in zip(fx.jit(f)(x), f(x)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=4 * EPS64, atol=0)
    xs = np.linspace(0.1, 30, 12).reshape(3, 4)
    looped = np.stack([np.asarray(fsp.y1(row)) for row in xs])
    np.testing.assert_array_equal(np.asarray(fx.vmap(fsp.y1)(xs)), looped)
    assert fsp.k0(fnp.asarray([1, 2])).dtype == np.float32
