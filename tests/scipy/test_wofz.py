"""wofz of fluxion.scipy.special against high-precision values and scipy.special.wofz over the
complex plane (both half planes, near the axes, tiny and huge |z|, where exp(-z**2) overflows),
at the edges, real input, jit, vmap and the holomorphic derivative (closed form, finite
differences, second order)."""
import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.test_util import check_grads

inf, nan = np.inf, np.nan


def _points(n, seed, dtype=np.complex128):
    """|z| from 1e-3 to 30 at every angle, a third of them within 0.02 rad of the real axis; below
    it only where exp(-z**2) stays finite."""
    rng = np.random.default_rng(seed)
    r = 10 ** rng.uniform(-3, 1.5, n)
    angle = rng.uniform(-np.pi, np.pi, n)
    k = n // 6
    angle[:k] = rng.uniform(-0.02, 0.02, k)
    angle[k:2 * k] = np.pi - angle[:k]
    z = (r * np.exp(1j * angle)).astype(dtype)
    limit = 700 if dtype == np.complex128 else 80
    return z[z.imag.astype(float) ** 2 - z.real.astype(float) ** 2 < limit]


def _reference(z):
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    return np.array([complex(mp.exp(-v * v) * mp.erfc(-1j * v)) for v in map(mp.mpc, z.astype(complex))])


def _scale(z, w):
    """|w|, or below the real axis the larger terms of 2 exp(-z**2) - w(-z) (they cancel near the zeros of w)."""
    z = z.astype(complex)
    return np.abs(w) + np.where(z.imag < 0, 2 * np.abs(np.exp(-z * z)), 0)


def test_values_match_high_precision_in_complex128():
    z = _points(600, seed=1)
    want = _reference(z)
    got = np.asarray(fsp.wofz(z))
    assert got.dtype == np.complex128
    assert np.max(np.abs(got - want) / _scale(z, want)) < 4e-15


def test_values_match_high_precision_in_complex64():
    z = _points(400, seed=2, dtype=np.complex64)
    want = _reference(z)
    got = np.asarray(fsp.wofz(z))
    assert got.dtype == np.complex64
    assert np.max(np.abs(got - want) / _scale(z, want)) < 1e-6


def test_values_match_scipy():
    # SciPy is up to 1e-13 off below the real axis, where it rounds the exponent of exp(-z**2)
    z = _points(2000, seed=3)
    want = sp.wofz(z)
    assert np.max(np.abs(np.asarray(fsp.wofz(z)) - want) / _scale(z, want)) < 1e-13


def test_edges_match_scipy():
    z = np.array([0, 1e-300j, -1e-300j, -30j, 1 - 30j, 1e-10 - 27j, 3 - 26.7j, -26.6j, inf, -inf, complex(0, inf),
                  complex(0, -inf), complex(inf, inf), complex(-inf, inf), complex(inf, -inf), complex(nan, 0),
                  complex(0, nan), complex(inf, nan), complex(1, -inf), complex(-inf, 1), complex(1e300, 1e300),
                  complex(1e300, -1e300), complex(1e300, 1), complex(-1e300, -1), complex(1, -1e300), 1e-300, 1e10,
                  complex(1e10, 1e-5), complex(-5e9, -1e9), complex(5.99999, 1e-3), complex(6.00001, -1e-3)])
    got = np.asarray(fsp.wofz(z))
    np.testing.assert_allclose(got, sp.wofz(z), rtol=1e-13, atol=0)


def test_real_input_gives_the_real_axis_values():
    x = np.linspace(-8, 8, 41)
    want = np.exp(-x * x) + 2j / np.sqrt(np.pi) * sp.dawsn(x)
    np.testing.assert_allclose(np.asarray(fsp.wofz(x)), want, rtol=4e-15, atol=0)
    assert np.asarray(fsp.wofz(x)).dtype == np.complex128
    assert np.asarray(fsp.wofz(x.astype(np.float32))).dtype == np.complex64
    np.testing.assert_allclose(np.asarray(fsp.wofz(1j * x)), sp.erfcx(x), rtol=4e-15)


def test_jit_and_vmap_match_eager():
    z = _points(200, seed=4)
    eager = np.asarray(fsp.wofz(z))
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.wofz)(z)), eager, rtol=4e-15, atol=1e-300)
    zs = z[:12].reshape(3, 4)
    want = np.stack([np.asarray(fsp.wofz(zs[i])) for i in range(3)])
    np.testing.assert_array_equal(np.asarray(fx.vmap(fsp.wofz)(zs)), want)


def test_derivative_is_holomorphic_and_matches_finite_differences():
    z = np.array([0.3 + 0.2j, -1.5 - 0.7j, 2 + 3j, 7 - 0.5j, -0.2 + 8j, 0.0, 5.5 + 1e-3j, -3 - 4j])
    w = sp.wofz(z)
    # a complex tangent 1 gives w'(z); reverse mode and second order follow from check_grads
    _, derivative = fx.jvp(fsp.wofz, (fnp.asarray(z),), (fnp.ones(z.shape, dtype=fnp.complex128),))
    # the two terms cancel for large |z| (both here and in the reference): an absolute tolerance
    np.testing.assert_allclose(np.asarray(derivative), 2j / np.sqrt(np.pi) - 2 * z * w, rtol=1e-13, atol=1e-14)
    check_grads(fsp.wofz, [fnp.asarray(z)], order=2)
    check_grads(lambda x: fnp.real(fsp.wofz(x)) * fnp.imag(fsp.wofz(x)), [fnp.asarray([-1.2, 0.4, 3.0])], order=2)
