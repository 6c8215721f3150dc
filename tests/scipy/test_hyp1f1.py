"""hyp1f1 of fluxion.scipy.special against high-precision values and scipy.special.hyp1f1: the
guaranteed domain (no value missing, 1e-13 relative), outside it (a value or NaN, never a wrong one),
edges, jit, vmap and the derivative in x (closed form, finite differences, second order); the
derivatives in a and b: tests/scipy/test_special_parameter_derivatives.py."""
from fractions import Fraction

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.test_util import check_grads

inf, nan = np.inf, np.nan


def _reference(a, b, x):
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    return np.array([float(mp.hyp1f1(*(mp.mpf(float(v)) for v in t))) for t in zip(a, b, x)])


def _guaranteed(n, seed, x_max=700.0):
    """0 < b <= 50, |a| <= 50, |x| <= x_max with a >= 0 for x >= 0 and a <= b for x < 0."""
    rng = np.random.default_rng(seed)
    b = rng.uniform(0.01, 50, n)
    x = rng.uniform(-x_max, x_max, n)
    a = np.where(x >= 0, rng.uniform(0, 50, n), rng.uniform(-50, 50, n))
    a[: n // 3] = rng.uniform(0, 5, n // 3)
    b[: n // 3] = rng.uniform(0.01, 5, n // 3)
    x[: n // 3] = rng.uniform(-30, 30, n // 3)
    a = np.where(x < 0, np.minimum(a, b), a)
    return a, b, x


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda d: d.__name__)
def test_values_match_high_precision_in_the_guaranteed_domain(dtype):
    a, b, x = (v.astype(dtype) for v in _guaranteed(300, seed=1, x_max=700.0 if dtype == np.float64 else 80.0))
    want = _reference(a, b, x)
    got = np.asarray(fsp.hyp1f1(a, b, x))
    assert got.dtype == dtype
    finite = np.abs(want) < np.finfo(dtype).max
    np.testing.assert_allclose(got[finite], want[finite], rtol=2e-13 if dtype == np.float64 else 1e-7, atol=0)


def test_outside_the_guaranteed_domain_values_are_right_or_nan():
    rng = np.random.default_rng(2)
    a, b, x = rng.uniform(-50, 50, 300), rng.uniform(-20, 50, 300), rng.uniform(-200, 200, 300)
    want = _reference(a, b, x)
    got = np.asarray(fsp.hyp1f1(a, b, x))
    given = ~np.isnan(got)
    assert given.mean() > 0.5
    np.testing.assert_allclose(got[given], want[given], rtol=1e-12, atol=0)


def test_values_match_scipy():
    a, b, x = _guaranteed(500, seed=3, x_max=200.0)
    np.testing.assert_allclose(np.asarray(fsp.hyp1f1(a, b, x)), sp.hyp1f1(a, b, x), rtol=1e-12, atol=0)


def test_edges():
    a = np.array([1, 0, 1, 1, 1.5, 2, 2, 1, -3, -3, -3, nan, 1, 1, inf, 1, 1, 1, 1, -1, -1, -0.5, 0.5])
    b = np.array([2, 2, 1, 0, -2, 1.5, 1.5, 2, 2, 2, 2, 1, nan, 1, 1, inf, 2, 2, 2, 2, 2, 2, 2])
    x = np.array([0, 5, 3, 1, 1, 800, -800, 700, 1000, -1000, 5, 1, 1, nan, 1, 1, 710, inf, -inf, -inf, inf, inf, -inf])
    want = [1, 1, np.exp(3), inf, inf, inf, sp.hyp1f1(2, 1.5, -800), sp.hyp1f1(1, 2, 700), sp.hyp1f1(-3, 2, 1000),
            sp.hyp1f1(-3, 2, -1000), sp.hyp1f1(-3, 2, 5), nan, nan, nan, nan, 1,
            # beyond SciPy's range (inf there) and the limits at infinity (SciPy: inf for (-1, 2, inf); it hangs at some)
            3.1464715016362125e+305, inf, 0, inf, -inf, -inf, 0]
    np.testing.assert_allclose(np.asarray(fsp.hyp1f1(a, b, x)), want, rtol=1e-14, atol=0)


def test_jit_and_vmap_match_eager():
    a, b, x = _guaranteed(60, seed=4)
    eager = np.asarray(fsp.hyp1f1(a, b, x))
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.hyp1f1)(a, b, x)), eager, rtol=1e-13)
    shape = (3, 4)
    a, b, x = (v[:12].reshape(shape) for v in (a, b, x))
    want = np.stack([np.asarray(fsp.hyp1f1(a[i], b[i], x[i])) for i in range(3)])
    np.testing.assert_allclose(np.asarray(fx.vmap(fsp.hyp1f1)(a, b, x)), want, rtol=1e-15)


def test_derivative_in_x_is_the_closed_form_and_matches_finite_differences():
    a, b = np.array([1.5, -2.3, 0.7, 4.0, 2.0]), np.array([2.5, 1.2, 3.0, 0.8, 2.0])
    x = np.array([0.7, -3.0, 12.0, -5.0, 40.0])
    got = fx.vmap(fx.grad(fsp.hyp1f1, argnums=2))(a, b, x)
    np.testing.assert_allclose(np.asarray(got), a / b * sp.hyp1f1(a + 1, b + 1, x), rtol=1e-13)
    check_grads(lambda x: fsp.hyp1f1(fnp.asarray(a), fnp.asarray(b), x), [fnp.asarray(x)], order=2)


def _finite_sum(a, b, x):
    """The terminating series of 1F1 (a a non-positive integer, b no pole before it stops) in exact
    rational arithmetic, and the sum of its terms' moduli."""
    a, b, x = (Fraction(float(v)) for v in (a, b, x))
    term, total, moduli, k = Fraction(1), Fraction(1), Fraction(1), 0
    while (a + k) * x != 0:
        term *= (a + k) * x / ((b + k) * (k + 1))
        total, moduli, k = total + term, moduli + abs(term), k + 1
    return float(total), float(moduli)


def _polynomial_cases(n, seed):
    rng = np.random.default_rng(seed)
    a = -rng.integers(0, 25, n).astype(float)
    a[: n // 4], a[n // 4: n // 2] = -10, -3
    b, x = rng.uniform(0.05, 30, n), rng.uniform(-50, 50, n)
    b[n // 2: 2 * n // 3] = rng.uniform(-30, -0.1, 2 * n // 3 - n // 2)
    poles = slice(2 * n // 3, 3 * n // 4)  # b a pole of the gamma function beyond the polynomial's last term
    b[poles] = np.minimum(-rng.integers(0, 30, 3 * n // 4 - 2 * n // 3), a[poles])
    x[3 * n // 4:] = rng.uniform(-1000, 1000, n - 3 * n // 4)
    return a, b, x


def test_polynomials_match_their_exact_finite_sums():
    a, b, x = _polynomial_cases(400, seed=5)
    want, moduli = np.array([_finite_sum(*t) for t in zip(a, b, x)]).T
    got = np.asarray(fsp.hyp1f1(a, b, x))
    # b > 0: within some ulps (by the recurrence in a where the series' terms alternate); b < 0: the series'
    # rounding where its terms cancel
    positive = b > 0
    np.testing.assert_allclose(got[positive], want[positive], rtol=1e-12, atol=0)
    error, bound = np.abs(got - want)[~positive], (1e-12 * np.abs(want) + 1e-14 * moduli)[~positive]
    np.testing.assert_array_less(error, bound)


def test_polynomials_on_grids_match_scipy():
    a, b, x = np.meshgrid([-10.0, -3.0], [0.5, 1.0, 2.0, 7.5], np.linspace(-30, 30, 25), indexing="ij")
    np.testing.assert_allclose(np.asarray(fsp.hyp1f1(a, b, x)), sp.hyp1f1(a, b, x), rtol=1e-11, atol=0)
    # (-10, 1, 5): the Laguerre polynomial L_10(5); b a pole beyond the last term; b = -2 before it: inf
    a, b, x = np.array([-10.0, -3.0, -3.0, -3.0]), np.array([1.0, -3.0, -4.0, -2.0]), np.array([5.0, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(np.asarray(fsp.hyp1f1(a, b, x)), [1.7562761794532627, 8 / 3, 49 / 24, inf], rtol=1e-14)
    out = fsp.hyp1f1(np.float32(-10), np.float32(1), np.float32(5))
    assert out.dtype == np.float32 and np.isclose(float(out), 1.7562761794532627, rtol=1e-6)


def test_polynomials_tend_to_the_sign_of_their_leading_term_at_infinite_x():
    # (-3)_3 / (b)_3 x**3 / 3!: b = -4 gives +x**3 / 24, b = 2 gives -x**3 / 24
    a, b = np.array([-3.0, -3.0, -3.0, -3.0, -2.0]), np.array([-4.0, -4.0, 2.0, 2.0, -4.0])
    x = np.array([inf, -inf, inf, -inf, -inf])
    np.testing.assert_array_equal(np.asarray(fsp.hyp1f1(a, b, x)), [inf, -inf, -inf, inf, inf])


def test_polynomials_under_jit_match_eager_and_differentiate_in_x():
    a, b, x = _polynomial_cases(40, seed=6)
    eager = np.asarray(fsp.hyp1f1(a, b, x))
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.hyp1f1)(a, b, x)), eager, rtol=1e-12, atol=1e-300)
    a, b, x = np.array([-10.0, -3.0, -4.0]), np.array([1.0, -5.0, 2.5]), np.array([5.0, 2.0, -7.0])
    check_grads(lambda x: fsp.hyp1f1(fnp.asarray(a), fnp.asarray(b), x), [fnp.asarray(x)], order=2)


def test_values_near_a_zero_of_m_for_negative_x_are_finite_and_match_scipy():
    # there the series of Kummer's transformation cancels to a small value: it was NaN
    rng = np.random.default_rng(0)
    a, b, x = rng.uniform(0.01, 0.99, 20000), rng.uniform(0.1, 3, 20000), rng.uniform(-0.99, 0.99, 20000)
    got = np.asarray(fsp.hyp1f1(a, b, x))
    want = sp.hyp1f1(a, b, x)
    assert np.isfinite(got).all() and (np.abs(want) < 3e-3).sum() >= 2  # (some points lie near a zero)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-16)
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.hyp1f1)(a, b, x)), want, rtol=1e-10, atol=1e-16)


def test_where_the_series_terms_alternate_the_recurrence_in_a_gives_values():
    # a > b for x < 0 and a < 0 for x > 0: Kummer's c = b - a or a is negative, and its series cancels;
    # the recurrence in a from c's fractional part serves most of them (all were NaN, the first exactly 0)
    rng = np.random.default_rng(3)
    b, x = rng.uniform(0.05, 50, 300), rng.uniform(-30, 30, 300)
    a = np.where(x < 0, b + rng.uniform(0, 50, 300), -rng.uniform(0, 50, 300))
    a, b, x = (np.concatenate([v, w]) for v, w in zip((a, b, x), ([20, 50, 10], [1, 1, 0.5], [-5, -1, -10])))
    want = _reference(a, b, x)
    got = np.asarray(fsp.hyp1f1(a, b, x))
    given = ~np.isnan(got)
    assert given.mean() > 0.8 and given[-3:].all() and float(fsp.hyp1f1(*np.float64([2, 1, -1]))) == 0
    np.testing.assert_allclose(got[given], want[given], rtol=1e-12, atol=0)
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.hyp1f1)(a, b, x)), got, rtol=1e-13, atol=0)
    # beyond the recurrence's 1500 steps: NaN, not the value some steps short
    assert np.isnan(np.asarray(fsp.hyp1f1(np.float64([-1600.5, 1601.5]), 1.0, np.float64([1, -1])))).all()
