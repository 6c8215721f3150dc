"""comb of fluxion.scipy.special against exact integers, mpmath and scipy.special.comb: integer
and real arguments up to N = 1e12, edges, repetition, exact=True, jit, vmap and derivatives."""
import math

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.test_util import check_grads

EPS = np.finfo(np.float64).eps
inf, nan = np.inf, np.nan


def _integers(seed=0):
    rng = np.random.default_rng(seed)
    n = np.concatenate([rng.integers(0, 100, 200), rng.integers(0, 2000, 200), (10 ** rng.uniform(0, 12, 200)) // 1])
    k = np.concatenate([rng.integers(0, 100, 200), rng.integers(0, 1000, 200), rng.integers(0, 40, 200)])
    return n.astype(float), k.astype(float)


def test_integers_match_exact_values():
    """Within a few ulps while the smaller side min(k, N - k) is below 60 (all N >= 1e5 that do
    not overflow); beyond, within 6 |log C| ulps (SciPy's error there reaches 5000 ulps)."""
    n, k = _integers()
    got = np.asarray(fsp.comb(n, k))
    exact = [math.comb(int(a), int(b)) if b <= a else 0 for a, b in zip(n, k)]
    want = np.array([float(c) if c.bit_length() <= 1024 else inf for c in exact])
    fin = np.isfinite(want) & (want > 0)
    assert np.array_equal(np.isinf(got), ~np.isfinite(want)) and (got[want == 0] == 0).all()
    rel = np.abs(got[fin] - want[fin]) / want[fin]
    small = np.minimum(k, n - k)[fin] < 60
    assert rel[small].max() < 32 * EPS
    assert (rel[~small] < 6 * np.log(want[fin][~small]) * EPS).all()


def test_real_arguments_match_high_precision():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    rng = np.random.default_rng(1)
    n = np.concatenate([rng.uniform(0, 50, 60), 10 ** rng.uniform(2, 10, 30)])
    k = np.concatenate([rng.uniform(0, 1, 60) * n[:60], rng.uniform(0, 30, 30)])
    got = np.asarray(fsp.comb(n, k))
    want = np.array([float(mp.binomial(a, b)) for a, b in zip(n, k)])
    # the logarithms of gamma below 100 differ by up to 100 ulps: C(n, f) inherits that
    np.testing.assert_allclose(got, want, rtol=512 * EPS)


def test_edges_and_repetition_match_scipy():
    n = np.array([10, 10.5, 10, -1, 3, 1e10, nan, inf, 10, 2000, 5, 0, 1e300, 1e300, 4, 3])
    k = np.array([3, 3, 3.5, 2, 5, 5, 2, 2, 0, 1000, -1, 0, 1, 2, inf, nan])
    np.testing.assert_allclose(np.asarray(fsp.comb(n, k)), sp.comb(n, k), rtol=32 * EPS)
    n = np.array([5, 0, 0, -3, 2, 2.5, 3, -1, nan, 7])
    k = np.array([2, 0, 2, 2, -1, 2, 0, 0, 1, 4])
    np.testing.assert_allclose(np.asarray(fsp.comb(n, k, repetition=True)), sp.comb(n, k, repetition=True), rtol=32 * EPS)
    assert np.asarray(fsp.comb(np.float32(10), np.float32(3))).dtype == np.float32


def test_exact_gives_python_ints():
    assert fsp.comb(100, 50, exact=True) == math.comb(100, 50)
    assert fsp.comb(5, 2, exact=True, repetition=True) == 15
    assert fsp.comb(3, 5, exact=True) == 0 and fsp.comb(0, 0, exact=True, repetition=True) == 1
    with pytest.raises(ValueError, match="non-integer"):
        fsp.comb(3.5, 2, exact=True)
    with pytest.raises(TypeError, match="exact=False"):
        fx.jit(lambda n: fsp.comb(n, 2, exact=True))(5.0)


def test_jit_vmap_and_derivatives():
    n, k = _integers(2)
    eager = np.asarray(fsp.comb(n, k))
    fin = np.isfinite(eager) & (eager > 1e-300)
    np.testing.assert_allclose(np.asarray(fx.jit(fsp.comb)(n, k))[fin], eager[fin], rtol=1e-12)
    ns, ks = n[:12].reshape(3, 4), k[:12].reshape(3, 4)
    want = np.stack([np.asarray(fsp.comb(ns[i], ks[i])) for i in range(3)])
    np.testing.assert_array_equal(np.asarray(fx.vmap(fsp.comb)(ns, ks)), want)
    check_grads(fsp.comb, [fnp.asarray([5.5, 12.25, 30.0]), fnp.asarray([2.5, 3.75, 7.5])], order=2)
    # d/dN C(N, 2) = N - 1/2; at integer k the derivative in k is C (digamma(N - k + 1) - digamma(k + 1))
    np.testing.assert_allclose(float(fx.grad(lambda v: fsp.comb(v, 2.0))(fnp.asarray(7.0, dtype=fnp.float64))), 6.5, rtol=1e-14)
    dk = float(fx.grad(lambda v: fsp.comb(10.0, v))(fnp.asarray(3.0, dtype=fnp.float64)))
    np.testing.assert_allclose(dk, 120 * (sp.digamma(8) - sp.digamma(4)), rtol=1e-13)
    check_grads(fsp.comb, [fnp.asarray([10.0, 40.0]), fnp.asarray([3.0, 7.0])], order=2)
