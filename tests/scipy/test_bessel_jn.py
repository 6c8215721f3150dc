"""bessel_jn of fluxion.scipy.special against scipy.special.jv and high-precision values: orders
0 .. v over wide ranges of both signs, the switch between the backward recurrence and Hankel's
expansion, edges, jit, vmap and derivatives (the recurrence, central differences, second order)."""
import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.test_util import check_grads

EPS = np.finfo(np.float64).eps


def _scale(x):
    """The size of the oscillation at x: errors of the orders below |x| are measured against it."""
    return np.hypot(sp.j0(x), sp.j1(x))


@pytest.mark.parametrize("v, n_iter", [(0, 50), (3, 50), (20, 50), (30, 150)])
def test_values_match_scipy_within_a_few_ulps_of_the_oscillation(v, n_iter):
    x = np.concatenate([np.linspace(-30, 30, 601), np.linspace(24.5, 25.5, 21), np.linspace(30, 100, 141)])
    got = np.asarray(fsp.bessel_jn(x, v=v, n_iter=n_iter))
    assert got.shape == (v + 1, x.size) and got.dtype == np.float64
    want = np.stack([sp.jv(n, x) for n in range(v + 1)])
    below = np.arange(v + 1)[:, None] <= np.abs(x)  # oscillating orders; the others decay and are relative
    converged = np.abs(x) <= (max(n_iter, v + 30, 58) - 30) / 1.1
    err = np.abs(got - want)
    # SciPy's own error reaches 210 ulps of the oscillation at |x| = 100 (ours is checked against mpmath below)
    assert (err / _scale(x))[below].max() < 256 * EPS
    rel = (err / np.maximum(np.abs(want), 1e-300))[~below & converged[None, :] & (np.abs(want) > 1e-290)]
    assert rel.max(initial=0) < 1e-13


def test_values_match_high_precision():
    """Relatively for orders above |x| (SciPy's jv is 55 ulps off at 1e-276), within a few ulps of
    the oscillation below."""
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    x = np.array([1e-300, 3e-200, 1e-20, 1e-3, 0.5, 7.0, 17.3, 23.65, 24.99, 25.01, 40.0, 99.0, -61.7])
    got = np.asarray(fsp.bessel_jn(x, v=12, n_iter=90))
    for n in range(13):
        want = np.array([float(mp.besselj(n, v)) for v in x])
        normal = np.abs(want) > 1e-300
        tol = np.where(n <= np.abs(x), 16 * EPS * _scale(x), 32 * EPS * np.abs(want))
        assert (np.abs(got[n] - want) <= tol)[normal].all(), f"order {n}"


def test_edges_and_float32():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -2.5])
    got = np.asarray(fsp.bessel_jn(x, v=2))
    want = np.stack([sp.jv(n, x) for n in range(3)])
    np.testing.assert_allclose(got, want, rtol=4 * EPS, atol=0)
    x32 = np.linspace(-40, 40, 81, dtype=np.float32)
    got32 = np.asarray(fsp.bessel_jn(x32, v=4))
    assert got32.dtype == np.float32
    # computed in float64 and rounded once
    np.testing.assert_allclose(got32, np.stack([sp.jv(n, x32.astype(np.float64)) for n in range(5)]),
                               rtol=np.finfo(np.float32).eps, atol=1e-7 * np.finfo(np.float32).eps)


def test_orders_must_be_python_ints():
    with pytest.raises(TypeError, match="Python int"):
        fsp.bessel_jn(1.0, v=1.5)
    with pytest.raises(ValueError, match=">= 0"):
        fsp.bessel_jn(1.0, v=-1)


def test_jit_and_vmap_match_eager():
    x = np.linspace(-60, 60, 241)
    f = lambda z: fsp.bessel_jn(z, v=5)
    eager = np.asarray(f(x))
    np.testing.assert_allclose(np.asarray(fx.jit(f)(x)), eager, rtol=0, atol=8 * EPS)
    xs = x[:12].reshape(3, 4)
    np.testing.assert_array_equal(np.asarray(fx.vmap(f, out_axes=1)(xs)), np.stack([eager[:, 4 * i:4 * i + 4] for i in range(3)], 1))


def test_derivatives_follow_the_recurrence_and_finite_differences():
    x = np.array([-3.3, 0.0, 0.7, 12.0, 24.9, 25.1, 70.0])
    jac = np.asarray(fx.vmap(fx.jacfwd(lambda z: fsp.bessel_jn(z, v=3)))(x))  # (points, orders)
    want = np.stack([(sp.jv(n - 1, x) - sp.jv(n + 1, x)) / 2 for n in range(4)], 1)
    np.testing.assert_allclose(jac, want, rtol=0, atol=32 * EPS)
    check_grads(lambda z: fsp.bessel_jn(z, v=3), [fnp.asarray(x)], order=2)
