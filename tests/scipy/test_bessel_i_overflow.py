"""i0 and i1 near the top of the float range: finite wherever the function is (float32's exp
overflows from |x| = 88.7, I_0 only from 91.9), against scipy.special (which computes float32 in
double), and mpmath in float64 past x = 709.78, where SciPy's exp(x) overflows before I does; and the
higher derivatives of i0e and i1e near 0, against mpmath."""
import warnings

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

NAMES = ["i0", "i1"]


def _transforms(fn):
    return {"eager": fn, "jit": fx.jit(fn)}


def _scipy_in_float64(fn, x):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(x.astype(np.float64))


@pytest.mark.parametrize("name", NAMES)
def test_float32_values_are_finite_up_to_where_scipys_are(name):
    x = np.linspace(80, 95, 1501, dtype=np.float32)
    x = np.concatenate([x, -x, [88.7, 89.0, 91.0, 91.9, -91.0]]).astype(np.float32)
    with np.errstate(over="ignore"):
        want = _scipy_in_float64(getattr(sp, name), x).astype(np.float32)
    assert np.isfinite(want).sum() > 1000 and np.isinf(want).any()
    for how, fn in _transforms(getattr(fsp, name)).items():
        got = fn(fnp.asarray(x))
        assert got.dtype == np.float32
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=0, err_msg=f"{name} {how}")


@pytest.mark.parametrize("name", NAMES)
def test_float64_values_are_finite_up_to_where_mpmath_overflows(name):
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 30
    x = np.concatenate([np.linspace(705, 715, 201), -np.linspace(705, 715, 201)])
    order = NAMES.index(name)
    want = np.array([float(mp.besseli(order, mp.mpf(v))) for v in x])  # inf past float64's range
    below = np.abs(x) < 709
    np.testing.assert_allclose(want[below], getattr(sp, name)(x[below]), rtol=1e-14)  # (mpmath agrees with SciPy)
    assert np.isfinite(want).sum() > 200 and np.isinf(want).any()
    for how, fn in _transforms(getattr(fsp, name)).items():
        got = fn(fnp.asarray(x))
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-14, atol=0, err_msg=f"{name} {how}")


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", NAMES)
def test_derivatives_near_float32_overflow_match_central_differences(name, dtype):
    x = np.array([-91.5, -89.0, 50.0, 88.0, 89.0, 90.0, 91.5])
    h = 1e-6 * np.abs(x)
    oracle = getattr(sp, name)
    want = (oracle(x + h) - oracle(x - h)) / (2 * h)
    for how, fn in _transforms(fx.vmap(fx.grad(getattr(fsp, name)))).items():
        got = fn(fnp.asarray(x.astype(dtype)))
        np.testing.assert_allclose(np.asarray(got, np.float64), want, rtol=2e-6, err_msg=f"{name}' {how}")


def test_higher_derivatives_of_scaled_bessel_functions_near_zero_keep_their_digits():
    # i1e(x) / x in i1e's derivative cancels in its own derivatives (by 1 / x**n); the oracle is
    # mpmath's, on both sides of the series' end at |x| = 1
    mpmath = pytest.importorskip("mpmath")
    x = np.array([1e-300, 1e-20, 1e-9, 1e-3, 0.5, -0.3, 0.999, 1.001, 2.5, -4.0])

    def exact(order, f):
        with mpmath.workdps(40):
            return np.array([float(mpmath.diff(f, mpmath.mpf(v), order)) if abs(v) > 1e-15 else np.nan for v in x])
    i1e = lambda t: mpmath.exp(-abs(t)) * mpmath.besseli(1, t)  # noqa: E731
    i0e = lambda t: mpmath.exp(-abs(t)) * mpmath.besseli(0, t)  # noqa: E731
    d1 = fx.grad(lambda v: fnp.sum(fsp.i1e(v)))
    d2 = fx.grad(lambda v: fnp.sum(d1(v)))
    d3 = fx.grad(lambda v: fnp.sum(d2(v)))
    i0e_d3 = fx.grad(lambda v: fnp.sum(fx.grad(lambda u: fnp.sum(fx.grad(lambda w: fnp.sum(fsp.i0e(w)))(u)))(v)))
    tiny = np.abs(x) < 1e-15  # (the limits at 0+: -1, 15/8 and -5/2)
    for got, want, limit in ((d2(x), exact(2, i1e), -1.0), (fx.jit(d2)(x), exact(2, i1e), -1.0),
                             (d3(x), exact(3, i1e), 1.875), (i0e_d3(x), exact(3, i0e), -2.5)):
        np.testing.assert_allclose(np.asarray(got), np.where(tiny, limit, want), rtol=1e-9)
