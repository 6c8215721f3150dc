"""fluxion.scipy.ndimage.map_coordinates against scipy.ndimage.map_coordinates: orders 0 and 1,
every mode (the 'grid-' ones too), coordinates far outside and at half samples, 1-element axes, integer inputs; jit;
vmap against a loop; derivatives against finite differences."""
import numpy as np
import pytest
import scipy.ndimage as nd
from _arrays import raises

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.scipy.ndimage import map_coordinates
from fluxion.test_util import check_grads

RNG = np.random.default_rng(0)
MODES = ["constant", "nearest", "wrap", "mirror", "reflect", "grid-wrap", "grid-constant", "grid-mirror"]
LINE = np.array([1.0, 2.0, 4.0, 8.0])
# the edges, half samples, far outside on both sides and multiples of 'wrap''s period (3)
X = np.array([-7.3, -6.0, -3.0, -1.5, -1.0, -0.6, -0.5, -0.4, -0.2, 0, 0.5, 1.5, 2.5, 2.9, 3, 3.2, 3.5, 3.6, 4, 4.5,
              5.3, 7.2, 11.1])
IMAGE = RNG.normal(size=(4, 5))
COORDS = RNG.uniform(-6, 10, size=(2, 40))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("order", [0, 1])
def test_values_match_scipy(mode, order):
    ours = map_coordinates(fnp.asarray(LINE), [fnp.asarray(X)], order=order, mode=mode, cval=-9.0)
    np.testing.assert_allclose(np.asarray(ours), nd.map_coordinates(LINE, [X], order=order, mode=mode, cval=-9.0),
                               rtol=1e-14, atol=1e-14)
    ours = map_coordinates(fnp.asarray(IMAGE), fnp.asarray(COORDS), order=order, mode=mode)
    np.testing.assert_allclose(np.asarray(ours), nd.map_coordinates(IMAGE, COORDS, order=order, mode=mode),
                               rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("mode", MODES)
def test_complex_samples_match_scipy(mode):
    image = IMAGE + 1j * RNG.normal(size=IMAGE.shape)
    for order in (0, 1):
        ours = map_coordinates(fnp.asarray(image), fnp.asarray(COORDS), order=order, mode=mode, cval=1 - 2j)
        assert ours.dtype == np.complex128
        np.testing.assert_allclose(np.asarray(ours), nd.map_coordinates(image, COORDS, order=order, mode=mode,
                                                                         cval=1 - 2j), rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("mode", MODES)
def test_one_sample_integers_and_nan(mode):
    x = np.array([-1.0, 0.0, 0.3, 2.0])
    for order in (0, 1):
        ours = map_coordinates(fnp.asarray([5.0]), [fnp.asarray(x)], order=order, mode=mode)
        np.testing.assert_array_equal(np.asarray(ours), nd.map_coordinates(np.array([5.0]), [x], order=order, mode=mode))
    ints = np.array([0, 10, 20])
    ours = map_coordinates(fnp.asarray(ints), [fnp.asarray([0.26, 1.5])], order=1, mode=mode)
    assert ours.dtype == fnp.int64
    np.testing.assert_array_equal(np.asarray(ours), nd.map_coordinates(ints, [[0.26, 1.5]], order=1, mode=mode))
    for order in (0, 1):  # outside in mode 'constant', NaN in the others (SciPy's value depends on the mode)
        out = float(map_coordinates(fnp.asarray(LINE), [fnp.asarray([np.nan])], order=order, mode=mode, cval=-1.0)[0])
        assert out == -1.0 if mode == "constant" else np.isnan(out)


def test_jit_vmap_and_derivatives():
    img, c = fnp.asarray(IMAGE), fnp.asarray(COORDS[:, :6])
    f = lambda img, c: map_coordinates(img, c, order=1, mode="mirror")  # noqa: E731
    np.testing.assert_allclose(np.asarray(fx.jit(f)(img, c)), np.asarray(f(img, c)), rtol=1e-14)
    cs = fnp.asarray(RNG.uniform(-2, 6, size=(3, 2, 4)))
    np.testing.assert_allclose(np.asarray(fx.vmap(f, in_axes=(None, 0))(img, cs)),
                               np.stack([np.asarray(f(img, x)) for x in cs]), rtol=1e-14)
    inside = fnp.asarray([[0.3, 1.6, 2.2], [0.7, 3.4, 1.1]])  # away from the kinks at whole samples
    check_grads(lambda img, c: map_coordinates(img, c, order=1), (img, inside), order=1)


@pytest.mark.parametrize("mode", ["nearest", "reflect", "mirror", "grid-wrap", "grid-constant", "grid-mirror"])
def test_derivative_at_whole_samples_is_the_one_to_their_right(mode):
    # the samples of the grid, its edges included (an integer grid of coordinates): the slope of
    # the segment to the right, a one-sided finite difference of SciPy's values (past the last
    # sample, the mode's extension)
    x, h = np.arange(0.0, 4.0), 1e-7
    grad = fx.vmap(fx.grad(lambda c: map_coordinates(fnp.asarray(LINE), [c[None]], order=1, mode=mode)[0]))
    right = (nd.map_coordinates(LINE, [x + h], order=1, mode=mode) - nd.map_coordinates(LINE, [x], order=1, mode=mode)) / h
    np.testing.assert_allclose(np.asarray(grad(fnp.asarray(x))), right, atol=1e-6)


def test_bad_arguments_name_the_fix():
    with raises(NotImplementedError, "order"):
        map_coordinates(fnp.asarray(LINE), [fnp.asarray([0.5])], order=3)
    with raises(ValueError, "mode"):
        map_coordinates(fnp.asarray(LINE), [fnp.asarray([0.5])], order=1, mode="grid-nearest")
    with raises(ValueError, "coordinate"):
        map_coordinates(fnp.asarray(IMAGE), [fnp.asarray([0.5])], order=1)


@pytest.mark.parametrize("mode", ["constant", "grid-constant"])
def test_an_empty_input_gives_cval_in_the_constant_modes_as_scipy(mode):
    coords = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, 9.0]])
    want = nd.map_coordinates(np.zeros((0, 3)), coords, order=1, mode=mode, cval=5.0)
    np.testing.assert_array_equal(np.asarray(map_coordinates(np.zeros((0, 3)), coords, 1, mode, 5.0)), want)
    with raises(ValueError, "empty", "no samples"):  # (SciPy reads memory it does not have there)
        map_coordinates(np.zeros((0, 3)), coords, 1, "wrap")
