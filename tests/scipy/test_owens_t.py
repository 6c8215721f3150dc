"""owens_t of fluxion.scipy.special against scipy.special and against high-precision values:
both signs, tiny and huge arguments, edges, jit, vmap and derivatives (closed forms, central
differences, second order)."""
import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.test_util import check_grads

inf, nan = np.inf, np.nan
EPS = {np.float64: np.finfo(np.float64).eps, np.float32: np.finfo(np.float32).eps}


def _points(dtype, n=400, seed=0):
    rng = np.random.default_rng(seed)
    h = np.concatenate([rng.uniform(-8, 8, n), rng.uniform(0, 37, n // 4), rng.uniform(-3, 3, n // 4)])
    a = np.concatenate([rng.uniform(-1, 1, n), 10.0 ** rng.uniform(-3, 3, n // 4), rng.uniform(-1, 1, n // 4) * 10])
    return h.astype(dtype), a.astype(dtype)


def _reference(h, a):
    """T(h, a) in mpmath: for 0 <= a < 1 the series in a of the incomplete gamma functions
    (2 / h**2)**(j + 1/2) gamma(j + 1/2, (a h)**2 / 2) / 2, at a = 1 ndtr(h) ndtr(-h) / 2, beyond
    Owen's identity."""
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    h, a = abs(mp.mpf(float(h))), mp.mpf(float(a))
    if a < 0:
        return -_reference(h, -a)
    if a > 1:
        p, q = mp.ncdf(-h), mp.ncdf(-a * h)
        return (p + q) / 2 - p * q - _reference(a * h, 1 / a)
    if a == 1:
        return mp.ncdf(-h) * mp.ncdf(h) / 2
    if h == 0:
        return mp.atan(a) / (2 * mp.pi)
    total, j = mp.mpf(0), 0
    while True:
        term = (-1) ** j * (2 / h ** 2) ** (j + mp.mpf(1) / 2) / 2 * mp.gammainc(j + mp.mpf(1) / 2, 0, (a * h) ** 2 / 2)
        total, j = total + term, j + 1
        if j > 4 and abs(term) < abs(total) * mp.mpf(10) ** -30:
            return mp.exp(-h * h / 2) * total / (2 * mp.pi)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda d: d.__name__)
def test_values_match_high_precision_to_a_few_ulps(dtype):
    h, a = _points(dtype, n=120, seed=1)
    want = np.array([float(_reference(x, y)) for x, y in zip(h, a)])
    got = np.asarray(fsp.owens_t(h, a))
    assert got.dtype == dtype
    normal = np.abs(want) > np.finfo(dtype).tiny
    np.testing.assert_allclose(got[normal], want[normal], rtol=8 * EPS[dtype], atol=0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda d: d.__name__)
def test_values_match_scipy(dtype):
    # SciPy loses relative precision where T is tiny (large h, small a): up to 1e-12 there
    h, a = _points(dtype)
    want = sp.owens_t(h.astype(np.float64), a.astype(np.float64))
    np.testing.assert_allclose(np.asarray(fsp.owens_t(h, a)), want, rtol=2e-12 if dtype == np.float64 else 8 * EPS[dtype],
                               atol=np.finfo(dtype).tiny)


def test_edges_match_scipy():
    h = np.array([1, 1, inf, -inf, inf, 0, nan, 1, 0, -0.5, 1, -0.0, 40, 1e-300, 1e300, 0, 3, -inf, 0, 2])
    a = np.array([inf, -inf, 1, 2, inf, inf, 1, nan, 0, -2, 0, 1, 0.5, 1e300, 1e-300, 0.5, 1, inf, -inf, -1e-310])
    # SciPy is 10 ulps off at (3, 1), where T = ndtr(3) ndtr(-3) / 2 = 0.000674037903467147861...
    np.testing.assert_allclose(np.asarray(fsp.owens_t(h, a)), sp.owens_t(h, a), rtol=16 * EPS[np.float64], atol=0)
    assert fsp.owens_t(np.float64(3.0), 1.0).item() == 0.0006740379034671478
    assert np.asarray(fsp.owens_t(np.float32(1), np.float32(2))).dtype == np.float32


def test_jit_and_vmap_match_eager():
    h, a = _points(np.float64, n=80)
    eager = np.asarray(fsp.owens_t(h, a))
    normal = np.abs(eager) > 1e-300  # XLA flushes subnormal results to zero
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.owens_t)(h, a))[normal], eager[normal], rtol=8 * EPS[np.float64])
    hs, as_ = h[:12].reshape(3, 4), a[:12].reshape(3, 4)
    want = np.stack([np.asarray(fsp.owens_t(hs[i], as_[i])) for i in range(3)])
    # (batched sums may take another order of additions: NumPy's kernels sum long batches of short rows by BLAS)
    np.testing.assert_allclose(np.asarray(fx.vmap(fsp.owens_t)(hs, as_)), want, rtol=4 * EPS[np.float64], atol=0)


def test_derivatives_are_the_closed_forms_and_match_finite_differences():
    h = np.array([-1.3, 0.0, 0.2, 2.5, 5.0, 0.7, 3.5])
    a = np.array([0.4, 0.5, -3.0, 0.9, 0.3, 10.0, 1.0])
    dh, da = fx.vmap(fx.grad(fsp.owens_t, argnums=(0, 1)))(h, a)
    np.testing.assert_allclose(np.asarray(dh), -np.exp(-h * h / 2) * sp.erf(a * h / np.sqrt(2)) / (2 * np.sqrt(2 * np.pi)),
                               rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(np.asarray(da), np.exp(-h * h * (1 + a * a) / 2) / (2 * np.pi * (1 + a * a)), rtol=1e-14)
    check_grads(fsp.owens_t, [fnp.asarray(h), fnp.asarray(a)], order=2)
