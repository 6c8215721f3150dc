"""Edge cases found by probing fluxion.numpy's linalg, fft and einsum against NumPy: svd of
Hermitian matrices, eigh's UPLO in lower case, lstsq's int32 rank, the fft functions' NumPy
positional arguments and einsum's dtype=. NumPy is the oracle; each value is checked eagerly
and under jit."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp

from _arrays import check, rand, raises

LA = fnp.linalg


def eager_and_jit(f, *args):
    """`f(*args)` eagerly and compiled, with the NumPy arrays `args` as its operands."""
    return f(*(fnp.asarray(a) for a in args)), fx.jit(f)(*args)


def _hermitian(shape, dtype, seed=0):
    x = rand(shape, seed, dtype)
    return (x + np.conj(np.swapaxes(x, -1, -2))).astype(dtype)


# linalg -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.complex128])
def test_det_of_a_matrix_holding_nan_is_nan_eagerly_as_compiled_and_as_slogdet(dtype):
    # (LAPACK's pivoting made 0 of [[nan, 1], [1, 1]] eagerly)
    x = np.stack([np.array([[np.nan, 1], [1, 1]], dtype), np.eye(2, dtype=dtype) * 3])
    for det in eager_and_jit(LA.det, x):
        assert np.isnan(np.asarray(det)[0]) and np.isclose(np.asarray(det)[1], 9)
    assert np.isnan(np.asarray(LA.slogdet(x)[1])[0])


@pytest.mark.parametrize("call", [lambda x: LA.cond(x), lambda x: LA.cond(x, 1), lambda x: LA.norm(x, -2),
                                  lambda x: LA.norm(x, -1), lambda x: LA.norm(x.reshape(0), -np.inf)])
def test_cond_and_norms_that_are_minima_refuse_empty_matrices_as_numpy(call):
    x = np.zeros((0, 0), np.float32)
    with pytest.raises(ValueError):
        call(x)  # NumPy's oracle: it raises too
    with pytest.raises(ValueError):
        call(fnp.asarray(x))
    assert LA.cond(np.zeros((0, 2, 2), np.float32)).shape == (0,)  # (no matrix is no error)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_svd_hermitian_matches_numpy_and_reconstructs(dtype):
    x = _hermitian((2, 4, 4), dtype)
    x[1] = x[1] @ np.diag([1.0, 1.0, 0.0, 0.0]).astype(dtype) @ x[1]  # rank 2
    want_u, want_s, want_vh = np.linalg.svd(x, hermitian=True)
    tol = 1e-4 if dtype in (np.float32, np.complex64) else 1e-10
    for u, s, vh in eager_and_jit(lambda a: LA.svd(a, hermitian=True), x):
        check(s, want_s, rtol=tol)
        assert u.dtype == want_u.dtype and vh.dtype == want_vh.dtype
        u, vh = np.asarray(u), np.asarray(vh)
        np.testing.assert_allclose((u * np.asarray(s)[..., None, :]) @ vh, x, atol=10 * tol)
        np.testing.assert_allclose(np.conj(np.swapaxes(u, -1, -2)) @ u, np.broadcast_to(np.eye(4), u.shape),
                                   atol=tol)
    for s in eager_and_jit(lambda a: LA.svd(a, compute_uv=False, hermitian=True), x):
        check(s, np.linalg.svd(x, compute_uv=False, hermitian=True), rtol=tol)


def test_svd_hermitian_of_empty_and_non_square_as_numpy():
    for shape in [(0, 0), (3, 0, 0)]:
        check(LA.svd(np.zeros(shape), compute_uv=False, hermitian=True),
              np.linalg.svd(np.zeros(shape), compute_uv=False, hermitian=True))
    with raises(ValueError, "svd", "square"):
        LA.svd(np.ones((2, 3)), hermitian=True)


@pytest.mark.parametrize("uplo", ["l", "u"])
def test_eigh_takes_uplo_in_lower_case_as_numpy(uplo):
    x = rand((3, 3), 1)
    for w in eager_and_jit(lambda a: LA.eigvalsh(a, UPLO=uplo, symmetrize_input=False), x):
        check(w, np.linalg.eigvalsh(x, UPLO=uplo), rtol=1e-10)


def test_lstsq_rank_is_int32_as_numpy():
    a, b = rand((5, 3), 2), rand((5, 2), 3)
    want = np.linalg.lstsq(a, b)
    for got in eager_and_jit(lambda a, b: LA.lstsq(a, b), a, b):
        for g, w in zip(got, want):
            check(g, w, rtol=1e-10)


# fft ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
def test_fft_takes_n_axis_and_norm_positionally_as_numpy(name):
    x = rand((3, 4), 4)
    for got in eager_and_jit(lambda a: getattr(fnp.fft, name)(a, 6, 0, "ortho"), x):
        check(got, getattr(np.fft, name)(x, 6, 0, "ortho"), rtol=1e-12)


@pytest.mark.parametrize("name", ["fftn", "ifftn", "rfftn", "irfftn", "fft2", "ifft2", "rfft2", "irfft2"])
def test_fftn_takes_s_axes_and_norm_positionally_as_numpy(name):
    x = rand((3, 4, 5), 5)
    for got in eager_and_jit(lambda a: getattr(fnp.fft, name)(a, (4, 6), (2, 0), "forward"), x):
        check(got, getattr(np.fft, name)(x, (4, 6), (2, 0), "forward"), rtol=1e-12)


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
def test_fftshift_takes_axes_positionally_as_numpy(name):
    x = np.arange(15.0).reshape(3, 5)
    for got in eager_and_jit(lambda a: getattr(fnp.fft, name)(a, 1), x):
        check(got, getattr(np.fft, name)(x, 1))


# einsum -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.int64])
def test_einsum_dtype_sets_the_computation_dtype_as_numpy(dtype):
    a, b = np.arange(6, dtype=np.int32).reshape(2, 3), np.arange(12, dtype=np.int8).reshape(3, 4)
    for got in eager_and_jit(lambda a, b: fnp.einsum("ij,jk", a, b, dtype=dtype), a, b):
        check(got, np.einsum("ij,jk", a, b, dtype=dtype))
    for got in eager_and_jit(lambda a: fnp.einsum(a, [0, 1], [1], dtype=dtype), a):
        check(got, np.einsum(a, [0, 1], [1], dtype=dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_slogdet_sign_of_singular_and_nan_matrices_matches_one_at_a_time_and_jit(dtype):
    # a NaN matrix, a singular one whose LU swaps rows, one that swaps rows, a plain one: NumPy's
    # sign is 1 for the NaN matrix (jax's NaN) and -0.0 nowhere; the stack, each matrix alone and
    # jit agree, with sign 0 (not -0.0) for the singular one
    x = np.stack([[[1.0, np.nan], [0.0, 1.0]], [[1.0, 2.0], [2.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]],
                  [[2.0, 1.0], [1.0, 3.0]]]).astype(dtype)
    with np.errstate(all="ignore"):
        want_sign, want_log = np.linalg.slogdet(x)
    want_sign[0] = np.nan
    results = [*eager_and_jit(LA.slogdet, x)]
    results.append([np.stack([np.asarray(LA.slogdet(fnp.asarray(m))[k]) for m in x]) for k in (0, 1)])
    for sign, logabsdet in results:
        np.testing.assert_array_equal(np.asarray(sign), want_sign)
        assert not np.signbit(np.asarray(sign)[1])
        np.testing.assert_allclose(np.asarray(logabsdet), want_log, rtol=1e-6)
