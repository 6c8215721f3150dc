"""The derivatives of betainc in its shape parameters a and b: against the closed forms of
I_x(a, 1) = x**a and I_x(1, b) = 1 - (1 - x)**b, central differences of SciPy, and mpmath where
installed; eager against jit, vmap against a loop, second derivatives, float32, the edges, and
the distributions built on betainc (Student's t in its degrees of freedom)."""
import math

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp
from fluxion.scipy import stats

nan = math.nan
X = np.array([1e-6, 0.01, 0.3, 0.5, 0.77, 0.99, 1 - 1e-6])
SHAPES = np.array([1e-3, 0.1, 0.5, 1.7, 9.0, 60.0, 400.0])


def _f64(v):
    return fnp.asarray(np.asarray(v, np.float64))


def _grad_ab(a, b, x, jit=False):
    f = fx.grad(lambda a, b: fnp.sum(fsp.betainc(a, b, x)), argnums=(0, 1))
    return [np.asarray(g) for g in (fx.jit(f) if jit else f)(_f64(a), _f64(b))]


@pytest.mark.parametrize("jit", [False, True], ids=["eager", "jit"])
def test_closed_forms_at_a_or_b_equal_to_one(jit):
    a, x = np.meshgrid(SHAPES, X)
    ones = np.ones_like(a)
    # I_x(a, 1) = x**a: d/da = x**a log x
    da, _ = _grad_ab(a, ones, _f64(x), jit)
    np.testing.assert_allclose(da, x ** a * np.log(x), rtol=1e-12, atol=1e-300)
    # I_x(1, b) = 1 - (1 - x)**b: d/db = -(1 - x)**b log(1 - x)
    _, db = _grad_ab(ones, a, _f64(x), jit)
    np.testing.assert_allclose(db, -(1 - x) ** a * np.log1p(-x), rtol=1e-12, atol=1e-300)


def _central(fn, v, h):
    """A fourth-order central difference."""
    return (-fn(v + 2 * h) + 8 * fn(v + h) - 8 * fn(v - h) + fn(v - 2 * h)) / (12 * h)


def test_against_central_differences_of_scipy():
    a, b, x = (v.ravel() for v in np.meshgrid(SHAPES[1:], SHAPES[1:], X[1:-1], indexing="ij"))
    da, db = _grad_ab(a, b, _f64(x))
    # differences of the smaller of I_x(a, b) and 1 - I_x(a, b) = I_{1-x}(b, a), which keeps its digits
    upper = sp.betainc(a, b, x) > 0.5
    sign = np.where(upper, -1.0, 1.0)
    small = lambda a, b: np.where(upper, sp.betainc(b, a, 1 - x), sp.betainc(a, b, x))  # noqa: E731
    want_a = sign * _central(lambda v: small(v, b), a, 1e-5 * a)
    want_b = sign * _central(lambda v: small(a, v), b, 1e-5 * b)
    # the differences are accurate relative to the larger of the two; where SciPy's values underflow
    # (deep tails), ours are tiny too
    scale = np.maximum(np.abs(want_a), np.abs(want_b))
    kept = scale > 1e-250
    assert kept.mean() > 0.7
    for got, want in ((da, want_a), (db, want_b)):
        assert np.all(np.abs(got - want)[kept] <= (1e-7 * np.abs(want) + 1e-9 * scale)[kept])
        assert np.all(np.abs(got[~kept]) < 1e-200)
    # I_x(a, b) = 1 - I_{1-x}(b, a), whichever side the fraction is evaluated on
    da2, db2 = _grad_ab(b, a, _f64(1 - x))
    np.testing.assert_allclose(da2, -db, rtol=1e-11, atol=1e-300)
    np.testing.assert_allclose(db2, -da, rtol=1e-11, atol=1e-300)


def test_against_mpmath():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    for a, b, x in ((2.0, 3.0, 0.4), (0.5, 0.5, 0.1), (10.0, 2.0, 0.95), (0.1, 5.0, 0.01), (300.0, 200.0, 0.61),
                    (1e-3, 2.0, 0.5), (1000.0, 1000.0, 0.5)):
        f = lambda a_, b_, x=x: mp.betainc(a_, b_, 0, x, regularized=True)  # noqa: E731
        da, db = _grad_ab(a, b, _f64(x))
        np.testing.assert_allclose(float(da), float(mp.diff(lambda t: f(t, b), a)), rtol=1e-12)
        np.testing.assert_allclose(float(db), float(mp.diff(lambda t: f(a, t), b)), rtol=1e-12)


def test_second_derivatives():
    # with b = 1: d2/da2 x**a = x**a log(x)**2, and d/da of the density a x**(a - 1) is x**(a - 1) (1 + a log x)
    a, x = np.float64(2.5), np.float64(0.3)
    second = fx.grad(fx.grad(lambda a: fsp.betainc(a, 1.0, x)))(a)  # (reverse through the loop: a large program)
    np.testing.assert_allclose(float(second), x ** a * np.log(x) ** 2, rtol=1e-11)
    for mode in (lambda f: f, fx.jit):
        mixed = mode(fx.grad(fx.grad(lambda a, x: fsp.betainc(a, 1.0, x), argnums=1)))(a, x)
        np.testing.assert_allclose(float(mixed), x ** (a - 1) * (1 + a * np.log(x)), rtol=1e-11)
    hessian = np.asarray(fx.hessian(lambda v: fsp.betainc(v[0], v[1], 0.4))(_f64([2.0, 3.0])))
    h = 1e-4
    first = lambda a, b: np.array(_grad_ab(a, b, _f64(0.4)))  # noqa: E731
    want = np.stack([(first(2 + h, 3.0) - first(2 - h, 3.0)) / (2 * h), (first(2.0, 3 + h) - first(2.0, 3 - h)) / (2 * h)])
    np.testing.assert_allclose(hessian, want, rtol=1e-6)


def test_edges_vmap_and_float32():
    # constant 0 and 1 at x = 0 and x = 1; NaN where betainc's arguments are out of its domain
    a = _f64([2.0, 2.0, 0.0, -1.0, nan, 2.0, 2.0, math.inf])
    b = _f64([3.0, 3.0, 2.0, 2.0, 2.0, 3.0, nan, 2.0])
    x = _f64([0.0, 1.0, 0.5, 0.5, 0.5, 1.5, 0.5, 0.5])
    for g in _grad_ab(a, b, x):
        np.testing.assert_array_equal(g, [0.0, 0.0] + [nan] * 6)
    a, x = _f64([0.7, 2.0, 30.0]), _f64([0.2, 0.5, 0.8])
    batched = np.asarray(fx.vmap(fx.grad(fsp.betainc), in_axes=(0, None, 0))(a, 3.0, x))
    loop = [float(fx.grad(fsp.betainc)(a[i], 3.0, x[i])) for i in range(3)]
    np.testing.assert_allclose(batched, loop, rtol=1e-14)
    da = fx.grad(fsp.betainc)(np.float32(2.0), np.float32(3.0), np.float32(0.4))
    assert da.dtype == np.float32
    np.testing.assert_allclose(float(da), _grad_ab(2.0, 3.0, _f64(0.4))[0], rtol=1e-6)


def test_student_t_cdf_in_its_degrees_of_freedom():
    x = np.float64(1.3)
    for df in (0.7, 4.0, 50.0):
        got = fx.grad(lambda df: stats.t.cdf(x, df))(np.float64(df))
        want = _central(lambda v: scipy.stats.t.cdf(1.3, v), df, 1e-4 * df)
        np.testing.assert_allclose(float(got), want, rtol=1e-7)
