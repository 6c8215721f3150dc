"""fluxion.numpy.linalg against numpy.linalg: factorizations, solves, determinants, norms, ranks,
pseudo-inverses; batched, empty, singular and integer inputs; errors; traced against eager."""
import warnings

import ml_dtypes
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.core.errors import DTypeError, ShapeError
from fluxion.ops import linalg as L
from fluxion.test_util import check_grads

from _arrays import posdef, rand
from _tracing import traced

LA = fnp.linalg
BF16 = np.dtype(ml_dtypes.bfloat16)
FLOATS = [np.float32, np.float64, np.complex64, np.complex128]
TOL = {np.dtype(np.float32): 2e-4, np.dtype(np.float64): 1e-9, np.dtype(np.complex64): 2e-4,
       np.dtype(np.complex128): 1e-9}
BATCHES = [(), (3,), (2, 1)]


def _wide(x):
    x = np.asarray(x)
    return x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)


def _ct(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _close(got, want, dt=None, scale=1.0):
    """`got` has `want`'s shape and fluxion's dtype for `dt` input, and matches within the dtype's tolerance."""
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    if dt is not None:
        assert got.dtype == np.dtype(dt), (got.dtype, dt)
    tol = TOL.get(np.dtype(dt) if dt is not None else got.dtype, 1e-9) * scale
    np.testing.assert_allclose(_wide(got), _wide(want), rtol=tol, atol=tol, equal_nan=True)


def _real(dt):
    return np.dtype(dt).type(0).real.dtype


# factorizations ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("batch", BATCHES)
def test_cholesky_lower_and_upper(dt, batch):
    x = posdef(batch + (4, 4), dtype=dt)
    _close(LA.cholesky(x), np.linalg.cholesky(_wide(x)), dt, 10)
    _close(LA.cholesky(x, upper=True), np.linalg.cholesky(_wide(x), upper=True), dt, 10)


def test_cholesky_of_an_indefinite_matrix_is_nan_not_an_error():
    out = np.asarray(LA.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]])))
    assert np.isnan(out[np.tril_indices(2)]).all()


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("batch", BATCHES)
def test_eigh_and_eigvalsh(dt, batch):
    x = posdef(batch + (4, 4), dtype=dt) - 6 * np.eye(4).astype(dt)
    res = LA.eigh(x)
    assert isinstance(res, LA.EighResult) and res._fields == ("eigenvalues", "eigenvectors")
    w = np.linalg.eigvalsh(_wide(x))
    _close(res.eigenvalues, w, _real(dt), 40)
    v = np.asarray(res.eigenvectors)
    _close(_ct(v) @ x @ v, w[..., None] * np.eye(4), dt, 100)
    _close(LA.eigvalsh(x), w, _real(dt), 40)
    _close(LA.eigvalsh(np.triu(x), UPLO="U", symmetrize_input=False), w, _real(dt), 40)
    _close(LA.eigvalsh(np.triu(x)), np.linalg.eigvalsh(_wide((np.triu(x) + _ct(np.triu(x))) / 2)), _real(dt), 40)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_qr_modes(dt, shape, mode):
    x = rand(shape, dtype=dt)
    res = LA.qr(x, mode=mode)
    assert isinstance(res, LA.QRResult) and res._fields == ("Q", "R")
    want_q, want_r = np.linalg.qr(_wide(x), mode=mode)
    assert res.Q.shape == want_q.shape and res.R.shape == want_r.shape and res.Q.dtype == np.dtype(dt)
    _close(np.asarray(res.Q) @ np.asarray(res.R), x, dt, 10)
    _close(np.abs(np.asarray(res.R)), np.abs(want_r), _real(dt), 10)  # unique up to the signs of R's rows
    r_only = LA.qr(x, mode="r")
    assert r_only.shape == np.linalg.qr(_wide(x), mode="r").shape
    _close(r_only, LA.qr(x).R, dt)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3), (1, 1)])
def test_qr_raw_is_numpys_packed_form_under_jit_and_grad(dt, shape):
    x = rand(shape, dtype=dt)
    want_h, want_tau = np.linalg.qr(_wide(x), mode="raw")
    for h, tau in (LA.qr(x, mode="raw"), fx.jit(lambda a: LA.qr(a, mode="raw"))(x)):
        assert h.shape == want_h.shape and tau.shape == want_tau.shape and h.dtype == np.dtype(dt)
        _close(h, want_h, dt, 10)
        _close(tau, want_tau, dt, 10)
    if dt == np.float64:
        def loss(a, lib):
            h, tau = lib.linalg.qr(a, mode="raw")
            return lib.sum(lib.sin(h)) + lib.sum(tau * tau)
        d = rand(shape, dtype=dt)
        slope = (loss(x + 1e-6 * d, np) - loss(x - 1e-6 * d, np)) / 2e-6
        np.testing.assert_allclose(np.sum(np.asarray(fx.grad(loss)(x, fnp)) * d), slope, rtol=1e-6)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3), (0, 3)])
@pytest.mark.parametrize("full_matrices", [True, False])
def test_svd_and_svdvals(dt, shape, full_matrices):
    x = rand(shape, dtype=dt)
    res = LA.svd(x, full_matrices=full_matrices)
    assert isinstance(res, LA.SVDResult) and res._fields == ("U", "S", "Vh")
    want = np.linalg.svd(_wide(x), full_matrices=full_matrices)
    assert res.U.shape == want.U.shape and res.Vh.shape == want.Vh.shape
    _close(res.S, want.S, _real(dt), 10)
    _close(LA.svdvals(x), want.S, _real(dt), 10)
    _close(LA.svd(x, compute_uv=False), want.S, _real(dt), 10)
    k = min(shape[-2:])
    u, s, vh = (np.asarray(t) for t in res)
    _close((u[..., :k] * s[..., None, :]) @ vh[..., :k, :], x, dt, 10)


# determinants ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("n", [1, 2, 5])
def test_det_and_slogdet(dt, batch, n):
    x = rand(batch + (n, n), n, dt)
    _close(LA.det(x), np.linalg.det(_wide(x)), dt, 10)
    res = LA.slogdet(x)
    assert isinstance(res, LA.SlogdetResult) and res._fields == ("sign", "logabsdet")
    want = np.linalg.slogdet(_wide(x))
    _close(res.sign, want.sign, dt, 10)
    _close(res.logabsdet, want.logabsdet, _real(dt), 10)


@given(hnp.arrays(np.float64, st.tuples(st.integers(0, 2), st.integers(1, 4)).map(lambda s: (s[0], s[1], s[1])),
                  elements=st.integers(-3, 3).map(float)))
def test_det_matches_numpy_on_small_integer_matrices_including_singular_ones(x):
    _close(LA.det(x), np.linalg.det(x), np.float64, 1e3)


@pytest.mark.parametrize("shape", [(0, 0), (3, 0, 0)])
def test_det_of_an_empty_matrix_is_one(shape):
    _close(LA.det(np.zeros(shape)), np.ones(shape[:-2]), np.float64)
    sign, logabsdet = LA.slogdet(np.zeros(shape))
    _close(sign, np.ones(shape[:-2]), np.float64)
    _close(logabsdet, np.zeros(shape[:-2]), np.float64)


def test_singular_matrices_have_zero_det_and_slogdet_sign_zero_logabsdet_minus_inf():
    x = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert LA.det(x).item() == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # log(0) inside
        sign, logabsdet = LA.slogdet(np.zeros((2, 2)))
    assert sign.item() == 0.0 and logabsdet.item() == -np.inf


def test_det_of_integer_input_is_float32():
    out = LA.det(np.array([[1, 2], [3, 4]]))
    assert out.dtype == np.float32 and abs(out.item() + 2.0) < 1e-5


# solve, inv, matrix_power ----------------------------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("a_shape,b_shape", [((3, 3), (3,)), ((2, 3, 3), (3,)), ((3, 3), (3, 2)),
                                             ((2, 3, 3), (2, 3, 1)), ((2, 1, 3, 3), (4, 3, 2)), ((3, 3), (5, 3, 2)),
                                             ((0, 0), (0,)), ((2, 2), (2, 0))])
def test_solve_follows_array_api_broadcasting(dt, a_shape, b_shape):
    a = rand(a_shape, dtype=dt) + 3 * np.eye(a_shape[-1]).astype(dt)
    b = rand(b_shape, 1, dt)
    got = LA.solve(a, b)
    want = np.linalg.solve(_wide(a), _wide(b))
    _close(got, want, dt, 10)


def test_solve_with_non_finite_right_hand_sides_matches_numpy():
    a = np.array([[0.0, 1.0], [1.0, 0.0]])  # pivoting swaps the rows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.linalg.solve(a, np.array([np.inf, 1.0]))
    _close(LA.solve(a, np.array([np.inf, 1.0])), want)


def test_solve_promotes_integers_and_mixed_dtypes():
    out = LA.solve(np.array([[2, 0], [0, 4]]), np.array([2, 4]))
    assert out.dtype == np.float32 and out.tolist() == [1.0, 1.0]
    assert LA.solve(np.eye(2, dtype=np.float32), np.ones(2)).dtype == np.float64


def test_solve_and_inv_of_a_singular_matrix_give_non_finite_values_not_an_error():
    x = np.ones((2, 2))
    assert not np.isfinite(np.asarray(LA.inv(x))).all()
    assert not np.isfinite(np.asarray(LA.solve(x, np.ones(2)))).all()


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (3, 2, 2), (0, 0), (2, 0, 0)])
def test_inv(dt, shape):
    x = rand(shape, dtype=dt) + 3 * np.eye(shape[-1]).astype(dt)
    _close(LA.inv(x), np.linalg.inv(_wide(x)), dt, 10)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 6, -1, -2, -5])
def test_matrix_power(n):
    x = rand((2, 3, 3)) + 2 * np.eye(3)
    _close(LA.matrix_power(x, n), np.linalg.matrix_power(x, n), np.float64, 100)


def test_matrix_power_keeps_integers_for_non_negative_exponents():
    x = np.array([[1, 1], [1, 0]], np.int32)
    out = LA.matrix_power(x, 10)
    assert out.dtype == np.int32 and out.tolist() == np.linalg.matrix_power(x, 10).tolist()
    assert LA.matrix_power(x, 0).tolist() == [[1, 0], [0, 1]]
    assert LA.matrix_power(x, -1).dtype == np.float32


# ranks, pseudo-inverses, least squares ---------------------------------------------------------------
def _rank_deficient(shape, rank, dt=np.float64):
    return (rand(shape[:-1] + (rank,), dtype=dt) @ rand(shape[:-2] + (rank, shape[-1]), 1, dt)).astype(dt)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape,rank", [((4, 4), 4), ((4, 4), 2), ((5, 3), 1), ((2, 3, 5), 2)])
def test_matrix_rank(dt, shape, rank):
    x = _rank_deficient(shape, rank, dt)
    out = LA.matrix_rank(x)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(np.asarray(out), np.linalg.matrix_rank(x))


def test_matrix_rank_tolerances_hermitian_and_vectors():
    x = np.diag([1.0, 1e-3, 1e-9])
    assert LA.matrix_rank(x).item() == 3
    assert LA.matrix_rank(x, rtol=1e-6).item() == 2
    assert LA.matrix_rank(x, tol=1e-2).item() == 1
    assert LA.matrix_rank(np.stack([x, x]), rtol=np.array([1e-6, 1e-2])).tolist() == [2, 1]
    assert LA.matrix_rank(-x, hermitian=True).item() == 3
    assert LA.matrix_rank(np.zeros(3)).item() == 0 and LA.matrix_rank(np.array([0.0, 2.0])).item() == 1
    assert LA.matrix_rank(np.zeros((0, 3))).item() == 0


def test_matrix_rank_tolerances_broadcast_with_the_batch_as_numpy():
    m = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    tol = np.array([0.1, 1.0, 5.0])
    for x in (m, np.stack([m, 2 * m, 3 * m])):
        np.testing.assert_array_equal(np.asarray(LA.matrix_rank(x, tol=tol)), np.linalg.matrix_rank(x, tol=tol))
        np.testing.assert_array_equal(np.asarray(LA.matrix_rank(x, rtol=tol / 10)),
                                      np.linalg.matrix_rank(x, rtol=tol / 10))


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape,rank", [((4, 4), 4), ((4, 4), 2), ((5, 3), 3), ((3, 5), 2), ((2, 3, 4), 3),
                                        ((0, 3), 0)])
def test_pinv(dt, shape, rank):
    x = _rank_deficient(shape, rank, dt) if rank else np.zeros(shape, dt)
    # float32 rounding leaves singular values near 1e-7 of the largest: cut them explicitly there
    rtol = 1e-5 if np.dtype(dt) in (np.float32, np.complex64) else None
    _close(LA.pinv(x, rtol=rtol), np.linalg.pinv(_wide(x), rtol=rtol), dt, 100)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape,rank", [((4, 4), 4), ((4, 4), 2), ((2, 3, 3), 3), ((1, 1), 1), ((0, 0), 0)])
def test_pinv_of_hermitian_matrices_matches_numpy_and_the_svd_route(dt, shape, rank):
    x = _rank_deficient(shape, rank, dt) if rank else np.zeros(shape, dt)
    x = x @ np.conj(np.swapaxes(x, -1, -2)) - np.eye(shape[-1], dtype=dt) * (rank == shape[-1])  # indefinite if full rank
    rtol = 1e-5 if np.dtype(dt) in (np.float32, np.complex64) else None
    # the lower triangle is read: a different upper one changes nothing
    skewed = x + np.triu(np.ones(shape[-2:], dt), 1)
    expected = np.linalg.pinv(_wide(x), rtol=rtol, hermitian=True)
    _close(LA.pinv(skewed, rtol=rtol, hermitian=True), expected, dt, 100)
    _close(fx.jit(lambda a: LA.pinv(a, rtol=rtol, hermitian=True))(skewed), expected, dt, 100)
    _close(LA.pinv(x, rtol=rtol), expected, dt, 100)


def test_pinv_rtol_and_rcond():
    x = np.diag([1.0, 1e-3])
    _close(LA.pinv(x, rtol=1e-2), np.diag([1.0, 0.0]))
    _close(LA.pinv(x, 1e-2), np.diag([1.0, 0.0]))
    _close(LA.pinv(x), np.diag([1.0, 1e3]))
    batch, rcond = np.stack([x, 2 * x]), np.array([1e-2, 1e-4])
    _close(LA.pinv(batch, rcond), np.linalg.pinv(batch, rcond))
    with pytest.raises(ShapeError, match="one per matrix"):  # (NumPy fails to broadcast its output)
        LA.pinv(x, rcond)


@pytest.mark.parametrize("a_shape,b_shape", [((6, 3), (6,)), ((6, 3), (6, 2)), ((3, 3), (3,)), ((2, 4), (2, 3))])
@pytest.mark.parametrize("dt", [np.float64, np.complex128, np.float32])
def test_lstsq_matches_numpy_for_full_rank(a_shape, b_shape, dt):
    a, b = rand(a_shape, dtype=dt), rand(b_shape, 1, dt)
    x, residuals, rank, s = LA.lstsq(a, b)
    want = np.linalg.lstsq(_wide(a), _wide(b))
    _close(x, want[0], dt, 100)
    _close(residuals, want[1], _real(dt), 100)
    assert rank.item() == want[2]
    _close(s, want[3], _real(dt), 10)


def test_lstsq_of_a_rank_deficient_matrix_gives_the_minimum_norm_solution_and_residuals():
    a = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    x, residuals, rank, _ = LA.lstsq(a, np.array([1.0, 3.0, 1.0]))
    _close(x, np.linalg.lstsq(a, np.array([1.0, 3.0, 1.0]))[0])
    assert rank.item() == 1
    _close(residuals, [3.0])  # NumPy returns no residuals when the rank is deficient; we always do when M > N


@pytest.mark.parametrize("shapes", [[(3, 4), (4, 5)], [(3,), (3, 4), (4, 2), (2,)], [(10, 2), (2, 8), (8, 3), (3, 7)],
                                    [(2, 3), (3, 4), (4, 5), (5, 1)], [(4,), (4,)]])
def test_multi_dot(shapes):
    xs = [rand(s, i) for i, s in enumerate(shapes)]
    _close(LA.multi_dot(xs), np.linalg.multi_dot(xs), np.float64, 10)


# norms ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf])
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_norm(dt, ord, keepdims):
    x = rand((2, 3, 4), dtype=dt)
    _close(LA.matrix_norm(x, ord=ord, keepdims=keepdims), np.linalg.matrix_norm(_wide(x), ord=ord, keepdims=keepdims),
           _real(dt), 10)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("ord", [0, 1, 2, 3, 0.5, -1, -2, np.inf, -np.inf])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2), (2, 0, 1)])
def test_vector_norm(dt, ord, axis):
    x = rand((2, 3, 4), dtype=dt)
    x[0, 0, 0] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0 ** -1 in negative orders
        got = LA.vector_norm(x, ord=ord, axis=axis, keepdims=True)
        _close(got, np.linalg.vector_norm(_wide(x), ord=ord, axis=axis, keepdims=True), _real(dt), 10)
        want = np.linalg.vector_norm(_wide(x), ord=ord, axis=axis)
        _close(LA.vector_norm(x, ord=ord, axis=axis), want, _real(dt), 10)


def test_norms_of_empty_arrays_are_zero():
    assert LA.vector_norm(np.zeros(0), ord=np.inf).item() == 0.0
    assert LA.vector_norm(np.zeros((0, 3))).item() == 0.0
    assert LA.matrix_norm(np.zeros((0, 0)), ord=2).item() == 0.0
    assert LA.matrix_norm(np.zeros((0, 3)), ord=np.inf).item() == 0.0


def test_norms_of_integers_are_float32_and_of_0d_arrays_work():
    assert LA.vector_norm(np.array([3, 4])).dtype == np.float32
    assert LA.vector_norm(np.float64(-2.0)).item() == 2.0


@pytest.mark.parametrize("shape,ord,axis", [((3, 4), None, None), ((2, 3, 4), None, None), ((4,), 1, None),
                                            ((3, 4), "nuc", None), ((3, 4), 1, None), ((3, 4), 3, 1),
                                            ((2, 3, 4), "fro", (2, 0)), ((2, 3, 4), -np.inf, (0, 1)),
                                            ((2, 3, 4), None, -1), ((3, 4), np.inf, None), ((3, 4), -2, (1, 0))])
@pytest.mark.parametrize("keepdims", [False, True])
def test_numpy_norm(shape, ord, axis, keepdims):
    x = rand(shape)
    _close(LA.norm(x, ord, axis, keepdims), np.linalg.norm(x, ord, axis, keepdims), np.float64, 10)


@pytest.mark.parametrize("p", [None, 2, -2, 1, -1, np.inf, -np.inf, "fro", "nuc"])
def test_cond(p):
    x = rand((2, 3, 3)) + np.eye(3)
    _close(LA.cond(x, p), np.linalg.cond(x, p), np.float64, 1e3)


def test_cond_of_a_singular_matrix_is_infinite():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert LA.cond(np.array([[1.0, 0.0], [0.0, 0.0]])).item() == np.inf


# the array API's versions of products ----------------------------------------------------------------
def test_array_api_products_are_the_namespace_functions_or_their_strict_forms():
    assert LA.matmul is fnp.matmul and LA.tensordot is fnp.tensordot and LA.vecdot is fnp.vecdot
    assert LA.matrix_transpose is fnp.matrix_transpose
    x = np.arange(24.0).reshape(2, 3, 4)
    _close(LA.diagonal(x, offset=1), np.linalg.diagonal(x, offset=1), np.float64)
    _close(LA.trace(x, offset=-1), np.linalg.trace(x, offset=-1), np.float64)
    assert LA.trace(np.ones((2, 2), np.int8)).dtype == np.int64
    _close(LA.outer(np.arange(2.0), np.arange(3.0)), np.linalg.outer(np.arange(2.0), np.arange(3.0)), np.float64)
    a, b = rand((4, 3)), rand((3,))
    _close(LA.cross(a, b), np.linalg.cross(a, b), np.float64)
    _close(LA.cross(a.T, b[:, None], axis=0), np.linalg.cross(a.T, b[:, None], axis=0), np.float64)


def test_array_api_product_errors():
    with pytest.raises(ShapeError, match="3 components"):
        LA.cross(np.ones(2), np.ones(2))
    with pytest.raises(ShapeError, match="1-D"):
        LA.outer(np.ones((2, 2)), np.ones(2))
    with pytest.raises(ShapeError, match="stack of matrices"):
        LA.diagonal(np.ones(3))


# errors ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [LA.det, LA.slogdet, LA.inv, LA.cholesky, LA.eigh, LA.eigvalsh,
                                lambda x: LA.solve(x, np.ones(2)), lambda x: LA.matrix_power(x, 2)])
def test_square_matrix_functions_reject_non_square_input(fn):
    with pytest.raises(ShapeError, match=r"square") as e:
        fn(np.ones((2, 3)))
    assert "(2, 3)" in str(e.value) and "fix:" in str(e.value)


@pytest.mark.parametrize("fn", [LA.det, LA.inv, LA.qr, LA.svd, LA.svdvals, LA.pinv, LA.matrix_norm, LA.cond])
def test_matrix_functions_reject_vectors(fn):
    with pytest.raises(ShapeError, match="matrices"):
        fn(np.ones(3))


@pytest.mark.parametrize("x2_shape", [(3,), (2, 3, 1), ()])
def test_solve_rejects_mismatched_right_hand_sides(x2_shape):
    with pytest.raises(ShapeError, match="solve") as e:
        LA.solve(np.eye(2), np.ones(x2_shape))
    assert "fix:" in str(e.value)


def test_solve_rejects_unbroadcastable_batches():
    with pytest.raises(ShapeError, match="broadcast"):
        LA.solve(np.ones((2, 3, 3)), np.ones((4, 3, 1)))


@pytest.mark.parametrize("call,err,match", [
    (lambda: LA.matrix_norm(np.eye(2), ord=3), ValueError, "not a matrix norm"),
    (lambda: LA.vector_norm(np.ones(2), ord="fro"), ValueError, "must be a number"),
    (lambda: LA.eigh(np.eye(2), UPLO="X"), ValueError, "UPLO"),
    (lambda: LA.qr(np.eye(2), mode="full"), ValueError, "mode"),
    (lambda: LA.matrix_power(np.eye(2), 1.5), TypeError, "integer"),
    (lambda: LA.pinv(np.eye(2), 1e-3, rtol=1e-3), TypeError, "both"),
    (lambda: LA.pinv(np.ones((2, 3)), hermitian=True), ShapeError, "square"),
    (lambda: LA.matrix_rank(np.eye(2), 1e-3, rtol=1e-3), TypeError, "both"),
    (lambda: LA.lstsq(np.ones((3, 2)), np.ones(2)), ShapeError, "rows"),
    (lambda: LA.lstsq(np.ones((2, 3, 2)), np.ones(3)), ShapeError, r"\(M, N\)"),
    (lambda: LA.multi_dot([np.ones((2, 2))]), ValueError, "at least 2"),
    (lambda: LA.multi_dot([np.ones((2, 3)), np.ones((2, 3))]), ShapeError, "columns"),
    (lambda: LA.multi_dot([np.ones((2, 3)), np.ones((3, 2, 2)), np.ones(2)]), ShapeError, "2-D"),
    (lambda: LA.norm(np.ones((2, 2, 2)), ord=2), ShapeError, "1-D or 2-D"),
    (lambda: LA.norm(np.ones((2, 2, 2)), axis=(0, 1, 2)), ShapeError, "one axis"),
    (lambda: LA.norm(np.ones((2, 2)), axis=(1, -1)), ShapeError, "twice"),
])
def test_argument_errors_name_the_problem(call, err, match):
    with pytest.raises(err, match=match) as e:
        call()
    assert "fix:" in str(e.value)


def test_boolean_input_is_promoted_like_integers():
    assert LA.inv(np.eye(2, dtype=bool)).dtype == np.float32


def test_bfloat16_input_stays_bfloat16():
    x = np.array([[2.0, 0.0], [0.0, 4.0]], BF16)
    out = LA.inv(x)
    assert out.dtype == BF16 and np.asarray(out).astype(np.float32).tolist() == [[0.5, 0.0], [0.0, 0.25]]


def test_integers_are_promoted_before_reaching_the_float_only_primitives():
    with pytest.raises(DTypeError):
        L.cholesky(np.eye(2, dtype=np.int64))
    assert LA.cholesky(np.eye(2, dtype=np.int64)).dtype == np.float32


# traced ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    LA.det, LA.inv, lambda x: LA.slogdet(x).logabsdet, LA.cholesky, lambda x: LA.eigh(x).eigenvalues,
    lambda x: LA.qr(x).R, LA.svdvals, LA.pinv, LA.matrix_rank, LA.matrix_norm, lambda x: LA.matrix_norm(x, ord=2),
    LA.vector_norm, LA.norm, LA.cond, lambda x: LA.matrix_power(x, -3), lambda x: LA.multi_dot([x, x, x]), LA.trace,
])
def test_linalg_runs_on_traced_values_like_eager(fn):
    x = fnp.asarray(posdef((3, 3)))
    _close(traced(fn, x), fn(x))


@pytest.mark.parametrize("fn", [LA.solve, lambda a, b: LA.lstsq(a, b)[0], lambda a, b: LA.lstsq(a, b)[1]])
def test_solves_run_on_traced_values_like_eager(fn):
    a, b = fnp.asarray(rand((4, 3))), fnp.asarray(rand((4,), 1))
    if fn is LA.solve:
        a = fnp.asarray(posdef((4, 4)))
    _close(traced(fn, a, b), fn(a, b))


@pytest.mark.parametrize("p", [1, -1, "fro", np.inf, -np.inf])
def test_cond_of_a_singular_matrix_is_inf_and_of_a_matrix_with_nan_is_nan_as_numpy(p):
    singular = np.array([[1.0, 2, 3], [2, 4, 6], [1, 0, 1]])
    stacked = np.stack([singular, np.diag([2.0, 1.0, 0.5]), np.array([[1.0, np.nan, 0], [0, 1, 0], [0, 0, 1]])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = np.linalg.cond(stacked, p)
    np.testing.assert_allclose(fnp.linalg.cond(fnp.asarray(stacked), p), expected, rtol=1e-12)


@pytest.mark.parametrize("ord_", [-1, -2, -0.5])
def test_vector_norm_of_negative_order_is_inf_over_no_elements_and_zero_with_a_zero_element(ord_):
    for x in (np.zeros((3, 0)), np.array([[1.0, 2.0, 0.0]]), np.array([[np.inf, np.inf]]), np.array([[3.0, -4.0]])):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = np.linalg.vector_norm(x, ord=ord_, axis=-1)
        np.testing.assert_allclose(fnp.linalg.vector_norm(fnp.asarray(x), ord=ord_, axis=-1), expected, rtol=1e-12)


@pytest.mark.parametrize("shape,ind", [((6, 2, 3), 1), ((2, 3, 3, 2), 2), ((4, 4), 1), ((2, 2, 2, 2, 2, 2), 3)])
def test_tensorinv_matches_numpy(shape, ind):
    a = np.random.default_rng(1).normal(size=shape)
    np.testing.assert_allclose(np.asarray(fnp.linalg.tensorinv(fnp.asarray(a), ind)), np.linalg.tensorinv(a, ind),
                               rtol=1e-9, atol=1e-11)
    with pytest.raises(ValueError, match="pick ind"):
        fnp.linalg.tensorinv(fnp.asarray(a), 0)


@pytest.mark.parametrize("shape,bshape,axes", [((2, 3, 6), (2, 3), None), ((6, 2, 3), (2, 3), (0,)),
                                               ((3, 2, 3, 2), (3, 2), None), ((4, 4), (4,), None)])
def test_tensorsolve_matches_numpy_and_differentiates(shape, bshape, axes):
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=shape), rng.normal(size=bshape)
    np.testing.assert_allclose(np.asarray(fnp.linalg.tensorsolve(fnp.asarray(a), fnp.asarray(b), axes)),
                               np.linalg.tensorsolve(a, b, axes), rtol=1e-9, atol=1e-11)
    check_grads(lambda a, b: fnp.linalg.tensorsolve(a, b, axes), (fnp.asarray(a), fnp.asarray(b)), order=1)
    with pytest.raises(ValueError, match="b.shape"):
        fnp.linalg.tensorsolve(fnp.asarray(a), fnp.ones(b.size + 1))


def _by_value(w):
    return np.sort_complex(np.round(np.asarray(w), 9))


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128"])
def test_eig_matches_numpy_and_satisfies_its_equation(dtype):
    rng = np.random.default_rng(3)
    a = rng.normal(size=(2, 5, 5)) + (1j * rng.normal(size=(2, 5, 5)) if dtype == "complex128" else 0)
    a = a.astype(dtype)
    w, v = fnp.linalg.eig(fnp.asarray(a))
    assert w.dtype == v.dtype == np.result_type(dtype, np.complex64)
    tol = 1e-4 if dtype == "float32" else 1e-10
    for mine, theirs in zip(np.asarray(w), np.linalg.eigvals(a)):
        np.testing.assert_allclose(np.sort_complex(mine), np.sort_complex(theirs), rtol=tol, atol=tol)
    w, v = np.asarray(w), np.asarray(v)
    np.testing.assert_allclose(a @ v, v * w[..., None, :], rtol=tol, atol=tol)
    np.testing.assert_allclose(np.linalg.norm(v, axis=-2), 1, rtol=tol)
    np.testing.assert_allclose(np.asarray(fnp.linalg.eigvals(fnp.asarray(a))), w, rtol=tol, atol=tol)


def test_eig_under_jit_and_vmap_and_at_edges():
    a = np.random.default_rng(4).normal(size=(3, 4, 4))
    w = np.asarray(fnp.linalg.eigvals(fnp.asarray(a)))
    np.testing.assert_allclose(np.asarray(fx.jit(fnp.linalg.eigvals)(fnp.asarray(a))), w, rtol=1e-10, atol=1e-12)
    loop = [np.asarray(fnp.linalg.eigvals(fnp.asarray(m))) for m in a]
    np.testing.assert_allclose(np.asarray(fx.vmap(fnp.linalg.eigvals)(fnp.asarray(a))), loop, rtol=1e-10)
    assert fnp.linalg.eig(fnp.ones((2, 0, 0))).eigenvectors.shape == (2, 0, 0)
    for f in (fnp.linalg.eigvals, fx.jit(fnp.linalg.eigvals)):
        assert np.isnan(np.asarray(f(fnp.asarray([[np.nan, 0.0], [0.0, 1.0]])))).all()
    with pytest.raises(ShapeError, match="square"):
        fnp.linalg.eig(fnp.ones((2, 3)))


def test_eig_derivatives_against_finite_differences_and_jit():
    rng = np.random.default_rng(5)
    a, c = rng.normal(size=(4, 4)), rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    check_grads(lambda a: fnp.real(fnp.linalg.eigvals(a)), (fnp.asarray(a),), order=2)
    check_grads(lambda a: fnp.linalg.eigvals(a), (fnp.asarray(c),), order=1)
    # |v| does not depend on the eigenvectors' phase, so it is differentiable
    magnitude = lambda a: fnp.sum(fnp.abs(fnp.linalg.eig(a).eigenvectors) ** 4)  # noqa: E731
    check_grads(magnitude, (fnp.asarray(a),), order=1)
    check_grads(magnitude, (fnp.asarray(c),), order=1)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(magnitude))(fnp.asarray(a))),
                               np.asarray(fx.grad(magnitude)(fnp.asarray(a))), rtol=1e-9)


@pytest.mark.parametrize("p", [None, 2, -2, 1, "fro", np.inf])
def test_cond_of_a_zero_matrix_is_inf_as_numpy_eagerly_and_compiled(p):
    zeros = np.zeros((2, 2))
    expected = np.linalg.cond(zeros, p)
    assert np.isinf(expected)
    check_value = [fnp.linalg.cond(fnp.asarray(zeros), p), fx.jit(lambda x: fnp.linalg.cond(x, p))(fnp.asarray(zeros))]
    np.testing.assert_array_equal(np.asarray(check_value), [expected, expected])


@pytest.mark.parametrize("rcond", [-1, None, 1e-20, 0.1])
def test_lstsq_rcond_as_numpy_with_a_negative_one_meaning_machine_precision(rcond):
    a, b = np.diag([1.0, 1e-17, 2.0]), np.array([1.0, 1.0, 1.0])
    x, _, rank, s = np.linalg.lstsq(a, b, rcond=rcond)
    got = fnp.linalg.lstsq(fnp.asarray(a), fnp.asarray(b), rcond=rcond)
    np.testing.assert_allclose(np.asarray(got[0]), x, rtol=1e-12)
    assert got[2].item() == rank


def test_hessians_of_2_norms_at_a_zero_component_are_exact():
    # d2 |x| / dx_i^2 = 1/|x| - x_i^2/|x|^3, also where x_i = 0; |x|^2 has Hessian 2 I
    x = np.array([0.0, 3.0, 4.0])
    r = np.linalg.norm(x)
    expected = np.eye(3) / r - np.outer(x, x) / r ** 3
    np.testing.assert_allclose(fx.hessian(fnp.linalg.norm)(x), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fx.hessian(lambda v: fnp.linalg.vector_norm(v) ** 2)(x), 2 * np.eye(3), atol=1e-12)
    m = x.reshape(1, 3)
    np.testing.assert_allclose(fx.hessian(lambda a: fnp.linalg.norm(a, "fro") ** 2)(m).reshape(3, 3), 2 * np.eye(3),
                               atol=1e-12)
    z = np.array([0.0, 3.0 + 1.0j, 4.0])
    np.testing.assert_allclose(fnp.linalg.norm(z), np.linalg.norm(z), rtol=1e-15)
