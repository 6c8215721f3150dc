"""Edge values of the incomplete gamma and beta inverses, betaln and gammaln at 1 and 2, and the
incomplete gamma functions for large a near x = a, against scipy.special, eager and under fx.jit."""
import warnings

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

MODES = {"eager": lambda f: f, "jit": fx.jit}
DTYPES = [np.float64, np.float32]


def _scipy(fn, *args):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args)


def _grid(*axes, dtype):
    return [a.astype(dtype).ravel() for a in np.meshgrid(*(np.asarray(v) for v in axes), indexing="ij")]


def _same(got, want, rtol):
    got = np.asarray(got)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=rtol, atol=0, equal_nan=True)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", ["gammaincinv", "gammainccinv"])
def test_gamma_inverses_at_a_zero_negative_and_nan_match_scipy(name, mode):
    a, p = _grid([0.0, -0.0, -1.0, np.nan, np.inf], [0.0, 0.3, 1.0, np.nan], dtype=np.float64)
    got = MODES[mode](getattr(fsp, name))(fnp.asarray(a), fnp.asarray(p))
    _same(got, _scipy(getattr(sp, name), a, p), rtol=0)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_betaincinv_with_zero_or_infinite_arguments_matches_scipy(dtype, mode):
    shapes = [0.0, 0.5, 1.0, 2.0, np.inf, np.nan, -1.0]
    a, b, y = _grid(shapes, shapes, [0.0, 1e-3, 0.3, 1.0], dtype=dtype)
    got = MODES[mode](fsp.betaincinv)(fnp.asarray(a), fnp.asarray(b), fnp.asarray(y))
    _same(got, _scipy(sp.betaincinv, a, b, y), rtol=1e-5)


@pytest.mark.parametrize("mode", MODES)
def test_betaincinv_derivative_in_y_at_the_infinite_limits_matches_scipy_differences(mode):
    # there SciPy's value (1 at (inf, 1), 0 at (1, inf)) is the same for every y in (0, 1), and in
    # a and b it is constant too
    a, b, y = np.array([np.inf, 1.0]), np.array([1.0, np.inf]), np.array([0.3, 0.3])
    h = 1e-3
    slope_y = (_scipy(sp.betaincinv, a, b, y + h) - _scipy(sp.betaincinv, a, b, y - h)) / (2 * h)
    grad = MODES[mode](fx.grad(lambda *v: fsp.betaincinv(*v).sum(), argnums=(0, 1, 2)))
    for got, want in zip(grad(fnp.asarray(a), fnp.asarray(b), fnp.asarray(y)), [np.zeros(2), np.zeros(2), slope_y]):
        np.testing.assert_array_equal(np.asarray(got), want)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_betaln_and_gammaln_at_one_and_two_are_scipys_exact_zeros(dtype, mode):
    a, b = _grid([1.0, 2.0], [1.0, 2.0], dtype=dtype)
    _same(MODES[mode](fsp.betaln)(fnp.asarray(a), fnp.asarray(b)), sp.betaln(a, b), rtol=1e-6)
    ones = np.ones(2, dtype)  # with both arguments 1, SciPy's 0 exactly
    np.testing.assert_array_equal(np.asarray(MODES[mode](fsp.betaln)(fnp.asarray(ones), fnp.asarray(ones))),
                                  sp.betaln(ones, ones))
    x = np.array([1.0, 2.0], dtype)
    np.testing.assert_array_equal(np.asarray(MODES[mode](fsp.gammaln)(fnp.asarray(x))), sp.gammaln(x))


# SciPy evaluates Temme's expansion there, for large a within |x - a| < 4.5 sqrt(a) (beyond, its P
# is off by up to 0.9 relative at a = 1e10)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_for_large_a_near_a_matches_scipy(name, dtype, mode):
    a, t = _grid(np.logspace(2, 12, 21), np.linspace(-4.25, 4.25, 18), dtype=np.float64)
    a, x = a.astype(dtype), (a * (1 + t / np.sqrt(a))).astype(dtype)
    want = _scipy(getattr(sp, name), a.astype(np.float64), x.astype(np.float64)).astype(dtype)
    got = MODES[mode](getattr(fsp, name))(fnp.asarray(a), fnp.asarray(x))
    _same(got, want, rtol=5e-14 if dtype == np.float64 else 2.5e-7)


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_at_x_equal_to_huge_a_matches_scipy_under_jit(name):
    a = np.array([1e9, 1e10, 1e12, 1e300])
    _same(fx.jit(getattr(fsp, name))(fnp.asarray(a), fnp.asarray(a)), getattr(sp, name)(a, a), rtol=1e-14)


def test_incomplete_gamma_for_large_a_beyond_scipys_expansion_matches_mpmath_under_jit():
    mpmath = pytest.importorskip("mpmath")
    a = np.array([1e6, 1e8, 1e8])
    x = a * (1 + np.array([-5.0, -5.0, -4.75]) / np.sqrt(a))

    def lower(a, x):  # x**a exp(-x) / gamma(a + 1) 1F1(1; a + 1; x)
        with mpmath.workdps(40):
            a, x = mpmath.mpf(a), mpmath.mpf(x)
            return float(mpmath.exp(a * mpmath.log(x) - x - mpmath.loggamma(a + 1))
                         * mpmath.hyp1f1(1, a + 1, x, maxterms=10**6))
    want = np.array([lower(*ax) for ax in zip(a, x)])
    _same(fx.jit(fsp.gammainc)(fnp.asarray(a), fnp.asarray(x)), want, rtol=1e-13)


def test_gammainc_derivative_in_x_for_large_a_is_the_density_under_jit():
    a = np.array([1e3, 1e4])  # (beyond, the float64 sum below loses the digits checked)
    x = a * (1 + 0.5 / np.sqrt(a))
    density = np.exp((a - 1) * np.log(x) - x - sp.gammaln(a))
    got = fx.jit(fx.vmap(fx.grad(fsp.gammainc, argnums=1)))(fnp.asarray(a), fnp.asarray(x))
    _same(got, density, rtol=1e-9)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_ndtri_exp_inverts_log_ndtr_where_exp_underflows_as_scipy(mode, dtype):
    y = np.array([-np.inf, -1e300, -1e10, -2000.0, -800.0, -100.0, -10.0, -1.0, -0.69, -0.5, -1e-3, -1e-10,
                  0.0, 1e-3, np.nan]).astype(dtype)
    want = _scipy(sp.ndtri_exp, y.astype(np.float64)).astype(dtype)
    got = MODES[mode](fsp.ndtri_exp)(fnp.asarray(y))
    if dtype == np.float64:
        _same(got, want, rtol=1e-14)
    else:  # near y = log(1/2), where x is near 0, float32's rounding of 1 - exp(y) is absolute
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6, equal_nan=True)


def test_ndtri_exp_derivative_matches_finite_differences_in_both_tails():
    y = np.array([-1e300, -1e10, -800.0, -10.0, -1.0, -0.69, -0.5, -1e-3])
    h = 1e-6 * np.abs(y)
    want = (sp.ndtri_exp(y + h) - sp.ndtri_exp(y - h)) / (2 * h)
    for mode in MODES.values():
        np.testing.assert_allclose(mode(fx.vmap(fx.grad(fsp.ndtri_exp)))(fnp.asarray(y)), want, rtol=1e-7)


def test_log_ndtr_of_minus_infinity_is_minus_infinity_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = fsp.log_ndtr(fnp.asarray([-np.inf, -40.0, np.inf]))
    np.testing.assert_array_equal(got, _scipy(sp.log_ndtr, np.array([-np.inf, -40.0, np.inf])).astype(np.float32))


def test_ndtri_exp_second_derivative_matches_finite_differences():
    y = np.array([-800.0, -10.0, -1.0, -0.5, -1e-2])
    h = 1e-4 * np.abs(y)
    want = (sp.ndtri_exp(y + h) - 2 * sp.ndtri_exp(y) + sp.ndtri_exp(y - h)) / h ** 2
    got = fx.vmap(fx.grad(fx.grad(fsp.ndtri_exp)))(fnp.asarray(y))
    np.testing.assert_allclose(got, want, rtol=1e-5)
