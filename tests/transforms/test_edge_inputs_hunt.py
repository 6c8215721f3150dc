"""Edge inputs (infinities, empty and 0-d arrays, `ord=None`) under the transformations, with
jax (float64) or NumPy as the oracle."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

INF = np.inf
# arctan2(y, x) at points with an infinite operand (and two finite ones): its derivatives
# there are the limits of y / (x^2 + y^2) and -x / (x^2 + y^2), which are 0
Y = np.array([INF, -INF, 0.5, -2.0, INF, 1e300, 3.0])
X = np.array([0.5, -1.5, INF, -INF, -INF, 1e300, 4.0])


def _arctan2_sum(y, x):
    return fnp.arctan2(y, x).sum()


@pytest.mark.parametrize("transform", [lambda g: g, fx.jit], ids=["eager", "jit"])
def test_arctan2_grad_at_infinite_operands_is_the_zero_limit(transform):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    gy, gx = transform(fx.grad(_arctan2_sum, argnums=(0, 1)))(fnp.asarray(Y), fnp.asarray(X))
    jy, jx = jax.grad(lambda y, x: jax.numpy.arctan2(y, x).sum(), argnums=(0, 1))(Y, X)
    for ours, theirs in ((gy, jy), (gx, jx)):
        ours, theirs = np.asarray(ours), np.asarray(theirs)
        assert np.isfinite(ours).all()
        finite = np.isfinite(theirs)  # jax gives NaN for some of these limits
        np.testing.assert_allclose(ours[finite], theirs[finite], rtol=1e-12, atol=1e-290)  # jax: 0 at 1e300
        np.testing.assert_array_equal(ours[np.isinf(Y) | np.isinf(X)], 0.0)


def test_arctan2_jvp_at_infinite_operands_matches_grad():
    rows = fx.jacfwd(lambda y: fnp.arctan2(y, fnp.asarray(X)))(fnp.asarray(Y))
    grad = fx.grad(_arctan2_sum)(fnp.asarray(Y), fnp.asarray(X))
    np.testing.assert_allclose(np.diagonal(np.asarray(rows)), np.asarray(grad), rtol=1e-12)


def test_arctan2_second_derivative_stays_the_formula_at_finite_points():
    # d2/dy2 arctan2(y, x) = -2 x y / (x^2 + y^2)^2
    y, x = 4.0, 3.0
    d2 = fx.grad(fx.grad(lambda y: fnp.arctan2(y, fnp.asarray(np.float64(x)))))(fnp.asarray(np.float64(y)))
    np.testing.assert_allclose(float(d2), -2 * x * y / (x * x + y * y) ** 2, rtol=1e-12)


def test_arctan2_grad_is_nan_at_nan_and_at_the_origin():
    y, x = fnp.asarray(np.array([np.nan, 0.0, INF])), fnp.asarray(np.array([1.0, 0.0, np.nan]))
    gy, gx = fx.grad(_arctan2_sum, argnums=(0, 1))(y, x)
    assert np.isnan(np.asarray(gy)).all() and np.isnan(np.asarray(gx)).all()


def test_angle_of_infinite_reals_has_zero_derivative():
    x = np.array([INF, -INF, 2.0, -3.0])
    g = fx.grad(lambda v: fnp.angle(v).sum())(fnp.asarray(x))
    np.testing.assert_array_equal(np.asarray(g), np.zeros(4))


@pytest.mark.parametrize("shape, axis", [((0,), None), ((3,), None), ((2, 3), -1), ((0, 3), 1), ((2, 3), (0, 1))])
def test_vector_norm_ord_none_is_the_2_norm_as_in_numpy(shape, axis):
    x = np.random.default_rng(0).normal(size=shape)
    expected = np.linalg.vector_norm(x, ord=None, axis=axis)
    for f in (fnp.linalg.vector_norm, fx.jit(fnp.linalg.vector_norm, static_argnames=("ord", "axis"))):
        np.testing.assert_allclose(np.asarray(f(fnp.asarray(x), ord=None, axis=axis)), expected, rtol=1e-12)
    rows = x.reshape(shape[0], int(np.prod(shape[1:])))  # a batch of vectors (of 0 when shape[0] is 0)
    batched = fx.vmap(lambda v: fnp.linalg.vector_norm(v, ord=None))(fnp.asarray(rows))
    np.testing.assert_allclose(np.asarray(batched), np.linalg.vector_norm(rows, axis=1), rtol=1e-12)
