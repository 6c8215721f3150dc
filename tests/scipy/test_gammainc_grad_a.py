"""The derivatives of gammainc and gammaincc in `a` (the primitive igamma_grad_a): against
central differences of SciPy, jax.grad, mpmath where installed, and the leading terms of the
uniform expansion at a = x; eager against jit, vmap against a loop, float32, the edges, and
the mixed second derivatives (the second in `a`: tests/scipy/test_special_parameter_derivatives.py)."""
import math

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.ops import elementwise as E

from _jax_oracle import jax_x64

inf, nan = math.inf, math.nan
# log-spaced a in [1e-3, 1e3] and x in [1e-4, 1e3] (x << a, x ~ a, x >> a), and x beside a
_A, _X = np.geomspace(1e-3, 1e3, 25), np.geomspace(1e-4, 1e3, 29)
_BESIDE = np.geomspace(1e-3, 1e3, 13)
GRID_A = np.concatenate([np.repeat(_A, _X.size), _BESIDE, _BESIDE, _BESIDE, _BESIDE + 1, np.maximum(_BESIDE - 1, 1e-3)])
GRID_X = np.concatenate([np.tile(_X, _A.size), _BESIDE, _BESIDE * 1.001, _BESIDE * 0.999, _BESIDE, _BESIDE])
# the Temme region of the kernel (a >= 100, |x - a| <= 0.3 a) and its borders
TEMME_A = np.repeat([99.0, 100.0, 500.0, 2000.0], 7)
TEMME_X = TEMME_A * np.tile([0.69, 0.71, 0.95, 1.0, 1.0 + 1e-9, 1.05, 1.31], 4)
# a <= 0 or x < 0: NaN as the values; P constant in a (x = 0, x = inf, a = inf): 0; NaN in, NaN out
EDGES = [(0.0, 1.0, nan), (-1.0, 1.0, nan), (2.0, -1.0, nan), (-inf, 1.0, nan), (nan, 1.0, nan), (2.0, nan, nan),
         (2.0, 0.0, 0.0), (0.3, 0.0, 0.0), (2.0, inf, 0.0), (1e-300, inf, 0.0), (inf, 1.0, 0.0), (inf, 0.0, 0.0),
         (inf, inf, nan)]


def _f64(v):
    return fnp.asarray(np.asarray(v, np.float64))


def _grad_a(fn, a, x, dtype=np.float64):
    """d fn(a, x) / da elementwise, as the sum of fn over the elements differentiated."""
    a, x = (fnp.asarray(np.asarray(v, dtype)) for v in (a, x))
    return np.asarray(fx.grad(lambda a, x: fn(a, x).sum())(a, x))


def _central_difference(a, x):
    """dP/da by a fourth-order central difference of SciPy (of Q = 1 - P where x > a, so that
    small results keep their digits), with a step below the scale on which P varies in a."""
    scale = 1 / (1 / a + 1 / np.sqrt(a) + np.abs(np.log(x) - sp.digamma(a)))
    h = 1e-3 * scale
    fn, sign = (sp.gammainc, 1) if x <= a else (sp.gammaincc, -1)
    d = 8 * (fn(a + h, x) - fn(a - h, x)) - (fn(a + 2 * h, x) - fn(a - 2 * h, x))
    return sign * d / (12 * h)


def test_derivative_in_a_matches_central_differences_of_scipy():
    got = _grad_a(fsp.gammainc, GRID_A, GRID_X)
    want = np.array([_central_difference(a, x) for a, x in zip(GRID_A, GRID_X)])
    keep = np.abs(want) > 1e-280  # SciPy underflows below
    assert keep.sum() > 600
    np.testing.assert_allclose(got[keep], want[keep], rtol=1e-8)


def test_derivative_in_a_matches_jax_grad():
    jax = jax_x64()
    want = np.asarray(jax.vmap(jax.grad(jax.scipy.special.gammainc))(GRID_A, GRID_X))
    # XLA's own series and fraction, some 1e-12 off near x = a = 1e3 (the kernel is within ulps)
    np.testing.assert_allclose(_grad_a(fsp.gammainc, GRID_A, GRID_X), want, rtol=5e-12, atol=0)


def _mpmath_derivative(mp, a, x):
    a, x = mp.mpf(float(a)), mp.mpf(float(x))
    if x <= a:
        return float(mp.diff(lambda s: mp.gammainc(s, 0, x, regularized=True), a))
    return -float(mp.diff(lambda s: mp.gammainc(s, x, mp.inf, regularized=True), a))


def test_derivative_in_a_is_within_ulps_of_mpmath():
    mp = pytest.importorskip("mpmath")
    a = np.concatenate([np.geomspace(1e-3, 1e3, 9).repeat(5), TEMME_A])
    x = np.concatenate([np.tile([1e-3, 0.7, 1.3, 40.0, 300.0], 9), TEMME_X])
    with mp.workdps(40):
        want = np.array([_mpmath_derivative(mp, u, v) for u, v in zip(a, x)])
    keep = np.abs(want) > 1e-300  # not the underflowed
    a, x, want = a[keep], x[keep], want[keep]
    got = _grad_a(fsp.gammainc, a, x)
    # the condition number of P grows with |log(x**a e**-x / Gamma(a + 1))|: so does the tolerance
    log_d = np.abs(a * np.log(x) - x - sp.gammaln(a + 1))
    np.testing.assert_array_less(np.abs(got / want - 1), 1e-15 * (10 + log_d))


def test_derivative_in_a_at_huge_a_and_x_follows_the_uniform_expansion():
    # at x = a the expansion gives dP/da = -(1 + 1 / (12 a) + O(a**-2)) / sqrt(2 pi a)
    a = np.array([1e6, 1e10, 1e15, 1e100, 1e300])
    want = -(1 + 1 / (12 * a)) / np.sqrt(2 * np.pi * a)
    np.testing.assert_allclose(_grad_a(fsp.gammainc, a, a), want, rtol=1e-14)
    far = _grad_a(fsp.gammainc, [1e10, 1e10, 1e300, 1e-300], [0.5e10, 2e10, 1e-300, 1e300])
    assert np.all(far == 0) and np.all(np.isfinite(far))  # underflowed, not NaN


@pytest.mark.parametrize("a, x, want", EDGES, ids=lambda v: f"{v}")
def test_derivative_in_a_at_the_edges_eager_and_jit(a, x, want):
    for fn in (fsp.gammainc, fx.jit(fsp.gammainc)):
        got = float(fx.grad(fn)(_f64(a), _f64(x)))
        np.testing.assert_equal(got, want)


def test_jit_matches_eager():
    grad = fx.grad(lambda a, x: fsp.gammainc(a, x).sum())
    a, x = _f64(GRID_A), _f64(GRID_X)
    np.testing.assert_allclose(np.asarray(fx.jit(grad)(a, x)), np.asarray(grad(a, x)), rtol=5e-12, atol=0)


def test_vmap_matches_a_loop():
    grad = fx.grad(fsp.gammainc)
    a, x = GRID_A[::7], GRID_X[::7]
    want = [float(grad(_f64(u), _f64(v))) for u, v in zip(a, x)]
    np.testing.assert_array_equal(np.asarray(fx.vmap(grad)(_f64(a), _f64(x))), want)
    np.testing.assert_array_equal(np.asarray(fx.vmap(grad, in_axes=(0, None))(_f64(a), _f64(2.0))),
                                  [float(grad(_f64(u), _f64(2.0))) for u in a])


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_float32_derivative_is_the_float64_one_rounded(jit):
    fn = fx.jit(fsp.gammainc) if jit else fsp.gammainc
    keep = (GRID_A < 1e2) & (np.abs(GRID_X) > 1e-3)  # float32 inputs: no subnormal results
    a, x = GRID_A[keep].astype(np.float32), GRID_X[keep].astype(np.float32)
    got = _grad_a(fn, a, x, np.float32)
    assert got.dtype == np.float32
    want = _grad_a(fsp.gammainc, a.astype(np.float64), x.astype(np.float64))
    normal = np.abs(want) > np.finfo(np.float32).tiny
    np.testing.assert_allclose(got[normal], want[normal], rtol=2e-7 if not jit else 1e-6)


def test_gammaincc_derivative_in_a_is_minus_gammaincs():
    got = _grad_a(fsp.gammaincc, GRID_A, GRID_X)
    np.testing.assert_array_equal(got, -_grad_a(fsp.gammainc, GRID_A, GRID_X))
    for a, x in [(0.5, 2.0), (3.0, 1.0), (30.0, 45.0)]:
        h = 1e-5 * a
        want = (sp.gammaincc(a + h, x) - sp.gammaincc(a - h, x)) / (2 * h)
        np.testing.assert_allclose(float(fx.grad(fsp.gammaincc)(_f64(a), _f64(x))), want, rtol=1e-8)


def test_forward_and_reverse_mode_agree():
    a, x = _f64(GRID_A[::5]), _f64(GRID_X[::5])
    _, forward = fx.jvp(fsp.gammainc, (a, x), (fnp.ones_like(a), fnp.zeros_like(x)))
    np.testing.assert_array_equal(np.asarray(forward), _grad_a(fsp.gammainc, a, x))


@pytest.mark.parametrize("a, x", [(2.5, 1.3), (1.0, 1.3), (0.4, 3.0), (40.0, 38.0), (150.0, 160.0)])
def test_mixed_second_derivatives_agree_and_match_differences_of_the_first(a, x):
    grad_a, grad_x = fx.grad(fsp.gammainc, argnums=0), fx.grad(fsp.gammainc, argnums=1)
    x_of_a = float(fx.grad(grad_a, argnums=1)(_f64(a), _f64(x)))
    a_of_x = float(fx.grad(grad_x, argnums=0)(_f64(a), _f64(x)))
    h = 1e-6 * x
    diff = (float(grad_a(_f64(a), _f64(x + h))) - float(grad_a(_f64(a), _f64(x - h)))) / (2 * h)
    np.testing.assert_allclose(x_of_a, a_of_x, rtol=1e-13)
    np.testing.assert_allclose(x_of_a, diff, rtol=1e-7)


def test_mixed_derivative_at_x_zero_and_inf():
    grad_a = fx.grad(fsp.gammainc, argnums=0)
    mixed = fx.grad(grad_a, argnums=1)
    with np.errstate(divide="ignore"):  # log(0) = -inf on the way, as x**(a - 1) at 0
        assert float(mixed(_f64(2.5), _f64(0.0))) == 0.0
    assert float(mixed(_f64(2.5), _f64(inf))) == 0.0
    assert float(fx.jit(mixed)(_f64(2.5), _f64(inf))) == 0.0


def test_igamma_grad_a_is_an_elementwise_primitive_that_broadcasts():
    a, x = np.array([[0.5], [2.0]]), np.array([0.1, 1.0, 4.0])
    got = E.igamma_grad_a_p.bind(_f64(a), _f64(x))
    assert got.shape == (2, 3)
    want = [[float(fx.grad(fsp.gammainc)(_f64(u), _f64(v))) for v in x] for u in a[:, 0]]
    np.testing.assert_array_equal(np.asarray(got), want)
    np.testing.assert_allclose(np.asarray(fx.jit(E.igamma_grad_a_p.bind)(_f64(a), _f64(x))), want, rtol=5e-12)
