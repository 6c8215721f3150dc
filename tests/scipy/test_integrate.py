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


@pytest.mark.parametrize("y_shape, x_shape, axis", [((2, 2, 2), (2, 2), -2), ((2, 2, 2), (2, 2), 1),
                                                    ((4, 3, 3), (3, 3), -2), ((2, 3, 4), (3, 1), 1),
                                                    ((2, 3, 4), (3, 4), -1), ((2, 3, 4), (2, 3, 4), 0)])
def test_points_of_several_axes_follow_numpy_and_scipy_each(y_shape, x_shape, axis):
    # NumPy takes x's differences along x's own axis; SciPy broadcasts x to y's shape first
    gen = np.random.default_rng(1)
    y, x = gen.normal(size=y_shape), gen.normal(size=x_shape)
    for ours, theirs in ((fnp.trapezoid, np.trapezoid), (trapezoid, si.trapezoid)):
        try:
            expected = theirs(y, x=x, axis=axis)
        except ValueError:
            with pytest.raises(ValueError):
                ours(fnp.asarray(y), x=fnp.asarray(x), axis=axis)
            continue
        np.testing.assert_allclose(np.asarray(ours(fnp.asarray(y), x=fnp.asarray(x), axis=axis)), expected,
                                   rtol=1e-12)
