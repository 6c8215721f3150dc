"""zeta(s, q) and polygamma(n, x) at negative non-integer q and x against scipy.special, eager and
under fx.jit (XLA's own Hurwitz zeta is only right for q >= 0), with their derivatives."""
import math
import warnings

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

RTOL = {np.float64: 1e-12, np.float32: 1e-6}
# off the integers; the far ones need SciPy's term-by-term sum to run some 10**4 steps
Q = np.concatenate([np.linspace(-11, 0, 1101)[np.arange(1101) % 100 != 0],
                    [-9.5, -9.999, -9.99775773, -7.4, -1e-20, -0.999999, -123.75, -1e4 + 0.3]])
ORDERS = [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 12.0, 2.5, 30.0]  # NaN for the non-integer 2.5, as SciPy


def _scipy(fn, *args, dtype):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*(np.asarray(a, np.float64) for a in args))


def _largest_term(s, q):
    """The largest |q + k|**-s, at the q + k nearest 0: where the terms of odd order s cancel, both
    SciPy's sum and fluxion's are only that accurate in absolute terms."""
    g = q - np.ceil(q)
    return np.minimum(-g, g + 1) ** -s


def _check(got, want, s, q, dtype, factor=1.0):
    assert got.dtype == dtype
    with np.errstate(all="ignore"):  # SciPy's float64 values past float32's range round to inf
        got, want = np.asarray(got, np.float64), want.astype(dtype).astype(np.float64)
        finite = np.isfinite(want)
        np.testing.assert_array_equal(got[~finite], want[~finite])
        tol = RTOL[dtype] * np.abs(want) + 64 * np.finfo(np.float64).eps * factor * _largest_term(s, q)
        bad = ~(np.abs(got - want) <= tol) & finite
    assert not bad.any(), f"at q = {q[bad][:5]}: {got[bad][:5]}, SciPy {want[bad][:5]}"


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
@pytest.mark.parametrize("s", ORDERS)
def test_zeta_at_negative_q_matches_scipy_eager_and_under_jit(s, dtype):
    q = Q.astype(dtype)
    s_arr = np.full_like(q, s)
    want = _scipy(sp.zeta, s_arr, q, dtype=dtype)
    for zeta in (fsp.zeta, fx.jit(fsp.zeta)):
        with np.errstate(all="ignore"):
            _check(zeta(fnp.asarray(s_arr), fnp.asarray(q)), want, s, q.astype(np.float64), dtype)


def test_zeta_below_q_minus_eight_under_jit_is_the_reported_value():
    zeta = fx.jit(fsp.zeta)
    assert float(zeta(np.float64(2.0), np.float64(-9.5))) == pytest.approx(9.76968744503023, rel=1e-14)
    assert float(zeta(np.float64(2.0), np.float64(-9.999))) == pytest.approx(1000003.1947003497, rel=1e-14)
    got = zeta(np.float32(2.0), np.float32(-9.99))
    assert got.dtype == np.float32 and float(got) == pytest.approx(float(sp.zeta(2.0, np.float32(-9.99))), rel=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=lambda d: d.__name__)
def test_polygamma_at_negative_x_matches_scipy_eager_and_under_jit(dtype):
    x = Q[Q > -10].astype(dtype)
    for n in range(1, 8):  # (n = 0 is digamma, not computed through zeta)
        want = _scipy(lambda v: sp.polygamma(n, v), x, dtype=dtype)
        functions = (lambda v: fsp.polygamma(n, v), lambda v: fsp.polygamma(fnp.asarray(np.full(v.shape, n)), v))
        for fn in functions:
            for f in (fn, fx.jit(fn)):
                with np.errstate(all="ignore"):
                    got = f(fnp.asarray(x))
                # polygamma(n, x) = (-1)**(n + 1) n! zeta(n + 1, x)
                _check(got, want, n + 1, x.astype(np.float64), dtype, factor=math.factorial(n))


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_derivatives_at_negative_q_match_scipy(jit):
    q = np.array([-0.3, -2.5, -7.6, -9.5, -9.99, -10.2, -57.25])
    wrap = fx.jit if jit else (lambda f: f)
    for s in (2.0, 3.0):
        got = wrap(fx.vmap(fx.grad(lambda v: fsp.zeta(s, v))))(fnp.asarray(q))
        # d/dq zeta(s, q) = -s zeta(s + 1, q)
        np.testing.assert_allclose(np.asarray(got), -s * sp.zeta(s + 1, q), rtol=1e-12, err_msg=f"zeta({s}, q)")
        h = 1e-6
        differences = (sp.zeta(s, q + h) - sp.zeta(s, q - h)) / (2 * h)
        np.testing.assert_allclose(np.asarray(got), differences, rtol=1e-6, err_msg=f"zeta({s}, q)")
    for n in (1, 3):
        second = wrap(fx.vmap(fx.grad(fx.grad(lambda v: fsp.polygamma(n, v)))))(fnp.asarray(q))
        np.testing.assert_allclose(np.asarray(second), sp.polygamma(n + 2, q), rtol=1e-12, err_msg=f"polygamma({n})")


@pytest.mark.parametrize("n, x", [(10, -20.5), (10, -171.5), (8, -50.5), (6, -100.5), (4, -3.25), (5, -1e3 + 0.125),
                                  (30, -1.5), (30, -4.5)])
def test_polygamma_far_below_zero_is_exact_where_scipys_sum_loses_digits_eager_and_under_jit(n, x):
    mp = pytest.importorskip("mpmath")
    with mp.workdps(60):  # the terms near 0 cancel: 15 digits are not enough for the oracle
        want = float(mp.polygamma(n, mp.mpf(x)))
    want_zeta = want / ((-1) ** (n + 1) * math.factorial(n))
    for wrap in (lambda f: f, fx.jit):
        got = wrap(fsp.polygamma)(np.array(n), np.array(x))
        assert float(got) == pytest.approx(want, rel=1e-12)
        assert float(wrap(fsp.zeta)(np.float64(n + 1), np.float64(x))) == pytest.approx(want_zeta, rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_zeta_of_huge_orders_under_jit_is_scipys(dtype):  # (XLA's sum gives NaN past x = 2e15)
    x = np.array([1e14, 1e16, 1e20, 1e30, 3e38, 1e16, 1e16, 1e16, 1e16], dtype)[:, None]
    q = np.array([1.0, 0.5, 2.0, 1e9, 1.0 - 1e-7, 1e-3], dtype)
    want = sp.zeta(x.astype(np.float64), q.astype(np.float64)).astype(dtype)
    np.testing.assert_allclose(fx.jit(fsp.zeta)(fnp.asarray(x), fnp.asarray(q)), want, rtol=RTOL[dtype])
    riemann = sp.zeta(x[:, 0].astype(np.float64)).astype(dtype)
    np.testing.assert_allclose(fx.jit(fsp.zeta)(fnp.asarray(x[:, 0])), riemann, rtol=RTOL[dtype])
