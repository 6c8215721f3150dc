"""sph_harm_y of fluxion.scipy.special against scipy.special.sph_harm_y and high-precision values: degrees
up to 60, every order, the poles and the equator, |m| > n and n < 0, dtypes, jit with n_max, vmap, and the
derivatives in theta and phi (finite differences, second order); errors name the fix."""
import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.errors import FluxionError
from fluxion.test_util import check_grads


def _sweep(count, seed, n_top=60):
    rng = np.random.default_rng(seed)
    n = rng.integers(0, n_top, count)
    m = rng.integers(-n_top, n_top + 1, count)
    theta, phi = rng.uniform(0, np.pi, count), rng.uniform(0, 2 * np.pi, count)
    theta[:8] = [0, np.pi, 1e-9, np.pi / 2, np.pi - 1e-9, 0, np.pi / 2, np.pi]
    return n, m, theta, phi


def test_values_match_scipy():
    n, m, theta, phi = _sweep(2000, seed=0)
    got = np.asarray(fsp.sph_harm_y(n, m, theta, phi))
    assert got.dtype == np.complex128
    np.testing.assert_allclose(got, sp.sph_harm_y(n, m, theta, phi), rtol=0, atol=2e-14)


def test_values_match_high_precision():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    n, m, theta, phi = _sweep(60, seed=1, n_top=25)
    want = np.array([complex(mp.spherharm(int(a), int(b), mp.mpf(float(t)), mp.mpf(float(p))))
                     for a, b, t, p in zip(n, m, theta, phi)])
    np.testing.assert_allclose(np.asarray(fsp.sph_harm_y(n, m, theta, phi)), want, rtol=0, atol=5e-15)


def test_edges_and_dtypes():
    got = np.asarray(fsp.sph_harm_y(np.array([1, -1, 2, 2, 0]), np.array([2, 0, -1, 1, 0]), 0.3, 0.4, n_max=2))
    want = sp.sph_harm_y(np.array([1, -1, 2, 2, 0]), np.array([2, 0, -1, 1, 0]), np.float32(0.3), np.float32(0.4))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)  # |m| > n and n < 0 give 0
    assert got.dtype == np.complex64
    assert np.isnan(np.asarray(fsp.sph_harm_y(3, 2, np.nan, 0.4)))


def test_jit_with_n_max_and_vmap_match_eager():
    n, m, theta, phi = _sweep(40, seed=2, n_top=12)
    eager = np.asarray(fsp.sph_harm_y(n, m, theta, phi))
    jitted = fx.jit(lambda *a: fsp.sph_harm_y(*a, n_max=11))(n, m, theta, phi)
    np.testing.assert_allclose(np.asarray(jitted), eager, rtol=0, atol=1e-14)
    n, m, theta, phi = (v.reshape(4, 10) for v in (n, m, theta, phi))
    batched = fx.vmap(lambda *a: fsp.sph_harm_y(*a, n_max=11))(n, m, theta, phi)
    want = np.stack([np.asarray(fsp.sph_harm_y(n[i], m[i], theta[i], phi[i], n_max=11)) for i in range(4)])
    np.testing.assert_allclose(np.asarray(batched), want, rtol=0, atol=1e-15)


def test_derivatives_in_theta_and_phi_match_finite_differences():
    n, m = fnp.asarray([0, 1, 3, 4, 5]), fnp.asarray([0, -1, 2, 4, -3])

    def f(theta, phi):
        y = fsp.sph_harm_y(n, m, theta, phi)
        return fnp.real(y) + fnp.imag(y) * theta
    check_grads(f, [fnp.asarray([0.3, 1.2, 2.0, 0.7, 2.9]), fnp.asarray([0.1, 2.5, 4.0, 5.9, 1.0])], order=2)


def test_errors_name_the_fix():
    with pytest.raises(FluxionError, match="n_max"):
        fx.jit(fsp.sph_harm_y)(2, 1, 0.3, 0.4)
    with pytest.raises(FluxionError, match="diff_n=0"):
        fsp.sph_harm_y(2, 1, 0.3, 0.4, diff_n=1)
