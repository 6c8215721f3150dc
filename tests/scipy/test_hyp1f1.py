"""hyp1f1 of fluxion.scipy.special against high-precision values and scipy.special.hyp1f1: the
guaranteed domain (no value missing, 1e-13 relative), outside it (a value or NaN, never a wrong one),
edges, jit, vmap and the derivative in x (closed form, finite differences, second order); the
derivatives in a and b raise an error naming the fix."""
import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.errors import FluxionError
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


@pytest.mark.parametrize("argnum,name", [(0, "a"), (1, "b")])
def test_derivatives_in_a_and_b_raise_an_error_naming_the_fix(argnum, name):
    with pytest.raises(FluxionError, match=f"fx.stop_gradient\\({name}\\)"):
        fx.grad(fsp.hyp1f1, argnums=argnum)(1.5, 2.5, 0.7)
