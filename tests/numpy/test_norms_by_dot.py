"""The 2-norm of all the elements of a real array of at most 128 elements is the square root of a
dot product (as NumPy's norm computes it), beyond that of a sum of squares: both sides against
NumPy, jax and finite differences, eager against jit, vmap against a loop, on special values."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.test_util import check_grads

from _tracing import traced

LA = fnp.linalg
SIZES = [1, 2, 10, 127, 128, 129, 1000]  # the dot product up to 128 elements, a sum of squares beyond
_RNG = np.random.default_rng(3)


def _vector(n, dt):
    return (_RNG.standard_normal(n) * 3).astype(dt)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("n", [n for n in SIZES if n <= 128])
def test_norm_of_a_vector_of_few_elements_equals_numpys_bit_for_bit_eagerly_and_traced(n, dt):
    v = _vector(n, dt)
    want = np.linalg.norm(v)
    for f in (LA.norm, LA.vector_norm, lambda x: LA.norm(x, keepdims=True)[0]):
        for got in (f(fnp.asarray(v)), traced(f, fnp.asarray(v))):
            assert got.dtype == dt and got.shape == ()
            assert np.asarray(got).tobytes() == np.asarray(want, dt).tobytes()


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(n,) for n in SIZES] + [(8, 16), (9, 15), (3, 4, 5), (0,), (0, 3)])
def test_norm_over_all_elements_matches_numpy_on_both_sides_of_the_dot_limit(shape, dt):
    x = (_RNG.standard_normal(shape) * 3).astype(dt)
    tol = 1e-6 if dt == np.float32 else 1e-14
    for v in (x, x.T):
        want = np.linalg.norm(v.astype(np.float64).ravel())
        for kd in (False, True):
            got = LA.norm(fnp.asarray(v), keepdims=kd)
            assert got.dtype == dt and got.shape == ((1,) * v.ndim if kd else ())
            np.testing.assert_allclose(np.asarray(got).reshape(()), want, rtol=tol)
        if v.ndim == 2:
            np.testing.assert_allclose(np.asarray(LA.matrix_norm(fnp.asarray(v))), want, rtol=tol)


@pytest.mark.parametrize("n", [10, 129])
@pytest.mark.parametrize("special, want", [(np.nan, np.nan), (np.inf, np.inf), (-np.inf, np.inf)])
def test_norm_of_a_vector_with_nan_or_infinity_is_nan_or_infinity(n, special, want):
    v = _vector(n, np.float32)
    v[n // 2] = special
    for got in (LA.norm(fnp.asarray(v)), traced(LA.norm, fnp.asarray(v)), fx.jit(LA.norm)(v)):
        np.testing.assert_equal(np.asarray(got), np.float32(want))


@pytest.mark.parametrize("n", [0, 3, 129])
def test_norm_of_zeros_and_negative_zeros_is_positive_zero(n):
    for v in (np.zeros(n, np.float32), np.full(n, -0.0, np.float32)):
        for got in (LA.norm(fnp.asarray(v)), traced(LA.norm, fnp.asarray(v))):
            assert np.asarray(got).tobytes() == np.float32(0.0).tobytes()


def test_norm_of_a_0d_array_is_its_absolute_value():
    for v in (np.float32(-2.5), np.float64(3.0), np.float32(-0.0)):
        got = LA.norm(fnp.asarray(v))
        assert got.dtype == v.dtype and np.asarray(got).tobytes() == np.abs(v).tobytes()


@pytest.mark.parametrize("n", [10, 129])
def test_norm_derivatives_match_finite_differences_and_jax(n, jax):
    v = _vector(n, np.float64)
    check_grads(LA.norm, (fnp.asarray(v),), order=2)
    want = jax.grad(jax.numpy.linalg.norm)(v)
    np.testing.assert_allclose(np.asarray(fx.grad(LA.norm)(fnp.asarray(v))), np.asarray(want), rtol=1e-12)
    want_h = jax.hessian(jax.numpy.linalg.norm)(v)
    np.testing.assert_allclose(np.asarray(fx.hessian(LA.norm)(fnp.asarray(v))), np.asarray(want_h), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("n", [10, 129])
def test_norm_derivatives_at_zero_are_zero_not_nan(n):
    z = fnp.zeros(n, dtype=fnp.float64)
    np.testing.assert_array_equal(np.asarray(fx.grad(LA.norm)(z)), np.zeros(n))
    np.testing.assert_array_equal(np.asarray(fx.hessian(LA.norm)(z)), np.zeros((n, n)))


@pytest.mark.parametrize("n", [10, 129])
def test_norm_under_jit_and_vmap_matches_eager(n):
    xs = _RNG.standard_normal((5, n)).astype(np.float32)
    eager = np.array([np.asarray(LA.norm(fnp.asarray(x))) for x in xs])
    np.testing.assert_allclose(np.asarray(fx.vmap(LA.norm)(xs)), eager, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.vmap(LA.norm))(xs)), eager, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(fx.jit(LA.norm)(xs[0])), eager[0], rtol=1e-6)
    g = fx.vmap(fx.grad(LA.norm))(xs)
    np.testing.assert_allclose(np.asarray(g), xs / eager[:, None], rtol=1e-5)


def test_norms_of_16_bit_and_integer_vectors_keep_their_dtypes():
    h = np.array([3.0, 4.0], np.float16)
    assert LA.norm(fnp.asarray(h)).dtype == np.float16 and LA.norm(fnp.asarray(h)).item() == 5.0
    got = LA.norm(fnp.asarray([3, 4]))
    assert got.dtype == np.float32 and got.item() == 5.0
