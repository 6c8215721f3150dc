"""fluxion.scipy.interpolate.RegularGridInterpolator against SciPy's: linear and nearest, fill
values and extrapolation, points outside and on the grid's edges, NaN, 1-element axes, trailing
value axes; as a pytree through jit; vmap against a loop; derivatives against finite differences."""
import math

import numpy as np
import pytest
from _arrays import raises
from scipy.interpolate import RegularGridInterpolator as ScipyRGI

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.scipy.interpolate import RegularGridInterpolator
from fluxion.test_util import check_grads

RNG = np.random.default_rng(0)
GRID = (np.array([0.0, 1.0, 3.0, 4.5]), np.array([-1.0, 0.0, 2.0]))
VALUES = RNG.normal(size=(4, 3))
XI = RNG.uniform(-2, 6, size=(40, 2))
XI[:4] = [[np.nan, 0.0], [4.5, 2.0], [0.0, -1.0], [1.0, 0.0]]  # NaN, the corners, a grid point


def _ours(grid=GRID, values=VALUES, **kwargs):
    return RegularGridInterpolator(tuple(map(fnp.asarray, grid)), fnp.asarray(values), **kwargs)


@pytest.mark.parametrize("method", ["linear", "nearest"])
@pytest.mark.parametrize("fill_value", [math.nan, None, -3.0])
def test_values_match_scipy(method, fill_value):
    ours = _ours(method=method, fill_value=fill_value)(fnp.asarray(XI))
    theirs = ScipyRGI(GRID, VALUES, method=method, bounds_error=False, fill_value=fill_value)(XI)
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-13, atol=1e-13)


def test_trailing_axes_one_element_axes_and_coordinate_tuples():
    values = RNG.normal(size=(4, 3, 2))
    ours = _ours(values=values)(fnp.asarray(XI))
    np.testing.assert_allclose(np.asarray(ours), ScipyRGI(GRID, values, bounds_error=False)(XI), atol=1e-13)
    line = _ours(grid=(np.array([2.0]),), values=np.array([7.0]))(fnp.asarray([2.0, 2.5]))
    np.testing.assert_array_equal(np.asarray(line), ScipyRGI((np.array([2.0]),), np.array([7.0]),
                                                             bounds_error=False)(np.array([2.0, 2.5])))
    by_axis = _ours()((fnp.asarray(XI[:, 0]), fnp.asarray(XI[:, 1])))
    np.testing.assert_allclose(np.asarray(by_axis), ScipyRGI(GRID, VALUES, bounds_error=False)(XI), atol=1e-13)


@pytest.mark.parametrize("method", ["linear", "nearest"])
def test_descending_axes_match_scipy(method):
    grid = (GRID[0][::-1], GRID[1])
    ours = _ours(grid=grid, values=VALUES[::-1], method=method, fill_value=None)(fnp.asarray(XI))
    theirs = ScipyRGI(grid, VALUES[::-1], method=method, bounds_error=False, fill_value=None)(XI)
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-13, atol=1e-13)
    with raises(ValueError, "ascending or descending"):
        _ours(grid=(np.array([0.0, 2.0, 1.0, 3.0]), GRID[1]))


def test_pytree_through_jit_and_vmap_matches_a_loop():
    f = _ours()
    xi = fnp.asarray(XI)
    np.testing.assert_allclose(np.asarray(fx.jit(lambda f, x: f(x))(f, xi)), np.asarray(f(xi)), atol=1e-14)
    stacked = fnp.asarray(RNG.normal(size=(3, 4, 3)))
    got = fx.vmap(lambda v, x: _ours(values=v)(x), in_axes=(0, None))(stacked, xi)
    np.testing.assert_allclose(np.asarray(got), np.stack([np.asarray(_ours(values=v)(xi)) for v in stacked]),
                               atol=1e-14)


def test_derivatives_match_finite_differences():
    xi = fnp.asarray([[0.4, -0.3], [2.2, 1.1], [3.7, 0.6]])  # inside, away from the cells' edges
    check_grads(lambda v, x: _ours(values=v)(x), (fnp.asarray(VALUES), xi), order=1)


def test_bounds_error_and_bad_arguments_name_the_fix():
    strict = _ours(bounds_error=True)
    np.testing.assert_allclose(np.asarray(strict(fnp.asarray([[0.5, 0.5]]))),
                               ScipyRGI(GRID, VALUES)(np.array([[0.5, 0.5]])), atol=1e-14)
    with raises(ValueError, "outside"):
        strict(fnp.asarray([[9.0, 0.0]]))
    with raises(ValueError, "outside", "NaN"):  # (as SciPy's; it passed, giving NaN)
        strict(fnp.asarray([[0.5, np.nan]]))
    with pytest.raises(ValueError):
        ScipyRGI(GRID, VALUES, bounds_error=True)(np.array([[0.5, np.nan]]))
    with raises(ValueError, "bounds_error=False"):
        fx.jit(lambda x: strict(x))(fnp.asarray([[0.5, 0.5]]))
    with raises(ValueError, "method"):
        _ours(method="cubic")
    with raises(ValueError, "points"):
        _ours()(fnp.asarray([[0.5, 0.5, 0.5]]))
    with raises(ValueError, "axis 1"):
        _ours(grid=(GRID[0], GRID[1][:2]))


def test_integer_values_on_a_float64_grid_interpolate_in_float64():
    # (in float32, a point just beyond the grid rounded onto its edge and was not filled)
    grid = (np.array([0.0, 1.0, 2.5, 4.0]), np.array([-1.0, 0.0, 3.0]))
    values = np.arange(12).reshape(4, 3)
    points = np.array([[4.0000001, 3.0], [1.2, 0.5]])
    got = RegularGridInterpolator(grid, values)(points)
    assert got.dtype == np.float64
    np.testing.assert_allclose(np.asarray(got), ScipyRGI(grid, values, bounds_error=False)(points), rtol=1e-14)
