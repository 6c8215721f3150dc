"""fluxion.scipy.integrate.trapezoid against scipy.integrate.trapezoid: points or spacing, axes,
one sample, NaN; jit; vmap against a loop; derivatives against finite differences."""
import numpy as np
import pytest
import scipy.integrate as si
from _arrays import raises

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.scipy.integrate import trapezoid
from fluxion.test_util import check_grads

RNG = np.random.default_rng(0)
Y = RNG.normal(size=(3, 5))
X = np.cumsum(RNG.uniform(0.1, 1.0, size=5))


@pytest.mark.parametrize("kwargs", [{}, {"dx": 0.3}, {"x": X}, {"axis": 0}, {"axis": 0, "x": X[:3]}])
def test_values_match_scipy(kwargs):
    ours = trapezoid(fnp.asarray(Y), **{k: fnp.asarray(v) if k == "x" else v for k, v in kwargs.items()})
    np.testing.assert_allclose(np.asarray(ours), si.trapezoid(Y, **kwargs), rtol=1e-14)


def test_one_sample_and_nan():
    assert float(trapezoid(fnp.asarray([2.0]))) == si.trapezoid(np.array([2.0])) == 0.0
    assert np.isnan(float(trapezoid(fnp.asarray([1.0, np.nan, 2.0]))))


def test_jit_vmap_and_derivatives():
    y, x = fnp.asarray(Y), fnp.asarray(X)
    f = lambda y, x: trapezoid(y, x=x)  # noqa: E731
    np.testing.assert_allclose(np.asarray(fx.jit(f)(y, x)), np.asarray(f(y, x)), rtol=1e-14)
    np.testing.assert_allclose(np.asarray(fx.vmap(f, in_axes=(0, None))(y, x)), [float(f(r, x)) for r in y], rtol=1e-14)
    check_grads(f, (y, x), order=2)
    check_grads(lambda y, dx: trapezoid(y, dx=dx), (y, fnp.asarray(0.5)), order=1)


def test_bad_points_name_the_fix():
    with raises(ValueError, "points"):
        trapezoid(fnp.asarray(Y), x=fnp.asarray(X[:4]))
