"""Linear algebra primitives against NumPy/SciPy: dot_general, cholesky, triangular_solve, lu, qr, eigh, svd,
cofactors and cofactors_jvp."""
import itertools
import string

import ml_dtypes
import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, strategies as st

import fluxion as fx
from fluxion.core.errors import DTypeError, ShapeError
from fluxion.ops import linalg as L

from _arrays import posdef, rand

BF16 = np.dtype(ml_dtypes.bfloat16)
FLOATS = [np.float32, np.float64, np.complex64, np.complex128]
TOL = {np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-10, np.dtype(np.complex64): 1e-4,
       np.dtype(np.complex128): 1e-10, np.dtype(np.float16): 2e-2, BF16: 5e-2}


def _close(got, want, dt=None, scale=1.0):
    dt = np.dtype(dt or np.asarray(got).dtype)
    got = np.asarray(got)
    assert got.shape == np.shape(want), (got.shape, np.shape(want))
    wide = np.complex128 if dt.kind == "c" else np.float64
    tol = TOL[dt] * scale
    np.testing.assert_allclose(got.astype(wide), np.asarray(want).astype(wide), rtol=tol, atol=tol, equal_nan=True)


def _ct(x):
    return np.conj(np.swapaxes(x, -1, -2))


# dot_general -------------------------------------------------------------------------------
@st.composite
def dot_problems(draw):
    """Operands and dimension numbers with batch, contracting and free dims in shuffled positions."""
    nb, nc, nl, nr = (draw(st.integers(0, 2)) for _ in range(4))
    sizes = draw(st.lists(st.integers(0, 3), min_size=nb + nc + nl + nr, max_size=nb + nc + nl + nr))
    b, c, lf, rf = sizes[:nb], sizes[nb:nb + nc], sizes[nb + nc:nb + nc + nl], sizes[nb + nc + nl:]
    lhs_dims = [("b", i) for i in range(nb)] + [("c", i) for i in range(nc)] + [("l", i) for i in range(nl)]
    rhs_dims = [("b", i) for i in range(nb)] + [("c", i) for i in range(nc)] + [("r", i) for i in range(nr)]
    lhs_dims = draw(st.permutations(lhs_dims))
    rhs_dims = draw(st.permutations(rhs_dims))
    size = {"b": b, "c": c, "l": lf, "r": rf}
    lhs_shape = tuple(size[k][i] for k, i in lhs_dims)
    rhs_shape = tuple(size[k][i] for k, i in rhs_dims)
    dn = ((tuple(lhs_dims.index(("c", i)) for i in range(nc)), tuple(rhs_dims.index(("c", i)) for i in range(nc))),
          (tuple(lhs_dims.index(("b", i)) for i in range(nb)), tuple(rhs_dims.index(("b", i)) for i in range(nb))))
    dt = draw(st.sampled_from([np.float32, np.float64, np.complex64, np.complex128, np.int32, np.int8, np.uint16]))
    return lhs_shape, rhs_shape, dn, np.dtype(dt)


def _einsum_oracle(lhs, rhs, dn):
    """dot_general written as an einsum: batch dims, then lhs free, then rhs free."""
    (lc, rc), (lb, rb) = dn
    letters = iter(string.ascii_letters)
    ls = [next(letters) for _ in range(lhs.ndim)]
    rs = [next(letters) for _ in range(rhs.ndim)]
    for a, b in zip(lc + lb, rc + rb):
        rs[b] = ls[a]
    out = [ls[d] for d in lb] + [ls[d] for d in range(lhs.ndim) if d not in lc + lb] + \
          [rs[d] for d in range(rhs.ndim) if d not in rc + rb]
    return np.einsum(f"{''.join(ls)},{''.join(rs)}->{''.join(out)}", lhs, rhs)


@given(dot_problems(), st.integers(0, 2**32 - 1))
def test_dot_general_matches_einsum_over_layouts_and_dtypes(problem, seed):
    lhs_shape, rhs_shape, dn, dt = problem
    rng = np.random.default_rng(seed)
    if dt.kind in "iu":
        lhs = rng.integers(0, 5, lhs_shape).astype(dt)
        rhs = rng.integers(0, 5, rhs_shape).astype(dt)
    else:
        lhs, rhs = rand(lhs_shape, rng, dt), rand(rhs_shape, rng, dt)
    got = L.dot_general(lhs, rhs, dn)
    want = _einsum_oracle(lhs, rhs, dn).astype(dt)
    assert got.dtype == dt
    if dt.kind in "iu":  # integer sums wrap, as NumPy's
        np.testing.assert_array_equal(np.asarray(got), want)
    else:
        _close(got, want, dt)


def test_dot_general_plain_matmul_and_batched_matmul():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 2, 4)), rng.standard_normal((3, 4, 5))
    _close(L.dot_general(a, b, (((2,), (1,)), ((0,), (0,)))), a @ b)
    _close(L.dot_general(a[0], b[0], (((1,), (0,)), ((), ()))), a[0] @ b[0])
    _close(L.dot_general(a, b[0], (((2,), (0,)), ((), ()))), a @ b[0])
    _close(L.dot_general(a[0, 0], b, (((0,), (1,)), ((), ()))), a[0, 0] @ b)


def test_dot_general_empty_contraction_gives_zeros_and_no_contraction_gives_outer_product():
    out = L.dot_general(np.ones((2, 0)), np.ones((0, 3)), (((1,), (0,)), ((), ())))
    np.testing.assert_array_equal(np.asarray(out), np.zeros((2, 3)))
    x, y = np.arange(3.0), np.arange(2.0)
    np.testing.assert_array_equal(np.asarray(L.dot_general(x, y, (((), ()), ((), ())))), np.outer(x, y))
    assert L.dot_general(np.float32(2.0), np.float32(3.0), (((), ()), ((), ()))).item() == 6.0


def test_dot_general_accepts_dimension_numbers_as_lists():
    out = L.dot_general(np.ones((2, 3)), np.ones((3, 4)), [[[1], [0]], [[], []]])
    assert out.shape == (2, 4)


@pytest.mark.parametrize("dt,preferred", [(np.int8, np.int32), (np.int16, np.float32), (BF16, np.float32),
                                          (np.float16, np.float32), (np.float32, np.float64),
                                          (np.complex64, np.complex128), (np.uint8, np.uint32)])
def test_dot_general_preferred_element_type_accumulates_wider(dt, preferred):
    lhs = np.full((2, 40), 100).astype(dt) if np.dtype(dt).kind in "iu" else np.full((2, 40), 1.5).astype(dt)
    rhs = np.full((40,), 3).astype(dt)
    out = L.dot_general(lhs, rhs, (((1,), (0,)), ((), ())), preferred_element_type=preferred)
    assert out.dtype == np.dtype(preferred)
    want = lhs.astype(np.complex128) @ rhs.astype(np.complex128)
    np.testing.assert_allclose(np.asarray(out).astype(np.complex128), want, rtol=1e-6)


@pytest.mark.parametrize("dt,preferred", [(np.float64, np.float32), (np.float32, np.int32), (np.int32, np.uint32),
                                          (np.complex64, np.float64), (np.int64, np.int32)])
def test_dot_general_rejects_a_preferred_type_that_narrows_or_changes_kind(dt, preferred):
    with pytest.raises(DTypeError, match="preferred_element_type") as e:
        L.dot_general(np.ones((2, 2), dt), np.ones((2, 2), dt), (((1,), (0,)), ((), ())), preferred)
    assert "fix:" in str(e.value)


@pytest.mark.parametrize("dt,preferred", [(np.uint8, np.int16), (np.uint8, np.int32), (np.uint16, np.int32),
                                          (np.uint32, np.int64)])
def test_dot_general_accumulates_unsigned_operands_in_a_wider_signed_type(dt, preferred):
    x = np.arange(250, 256).astype(dt).reshape(2, 3)
    dims = (((1,), (1,)), ((), ()))
    want = x.astype(np.int64) @ x.T.astype(np.int64)
    for f in (L.dot_general, fx.jit(L.dot_general, static_argnums=(2, 3))):
        out = f(x, x, dims, preferred)
        assert out.dtype == np.dtype(preferred)
        np.testing.assert_array_equal(np.asarray(out), want.astype(preferred))
    with pytest.raises(DTypeError, match="signed integer wider"):
        L.dot_general(x, x, dims, np.dtype(dt).str.replace("u", "i"))


def test_dot_general_low_precision_floats_compute_in_float32():
    x = np.full((1, 300), 1.0, BF16)
    out = L.dot_general(x, x, (((1,), (1,)), ((), ())))
    assert out.dtype == BF16 and float(np.asarray(out)[0, 0]) == 300.0  # bfloat16 running sums would stall at 256


def test_dot_general_error_for_mismatched_contracting_sizes_names_both_shapes():
    with pytest.raises(ShapeError) as e:
        L.dot_general(np.ones((2, 3)), np.ones((4, 5)), (((1,), (0,)), ((), ())))
    msg = str(e.value)
    assert "(2, 3)" in msg and "(4, 5)" in msg and "contracting" in msg and "fix:" in msg


@pytest.mark.parametrize("dn,match", [
    ((((1,), (1,)), ((0,), (0,))), "batch dimension 0"),
    ((((1,), ()), ((), ())), "pair"),
    ((((2,), (0,)), ((), ())), "include 2, out of range"),
    ((((-1,), (0,)), ((), ())), "include -1, out of range"),
    ((((1, 1), (0, 1)), ((), ())), "not distinct dimensions"),
    ((((1,), (0,)), ((1,), (0,))), "not distinct dimensions"),
])
def test_dot_general_rejects_bad_dimension_numbers(dn, match):
    with pytest.raises(ShapeError, match=match):
        L.dot_general(np.ones((2, 3)), np.ones((3, 3)), dn)


def test_dot_general_rejects_mixed_and_boolean_dtypes():
    with pytest.raises(DTypeError, match="float32, float64"):
        L.dot_general(np.ones(2, np.float32), np.ones(2), (((0,), (0,)), ((), ())))
    with pytest.raises(DTypeError, match="bool"):
        L.dot_general(np.ones(2, bool), np.ones(2, bool), (((0,), (0,)), ((), ())))


# cholesky ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (2, 1, 5, 5), (1, 1)])
def test_cholesky_matches_numpy_batched(dt, shape):
    x = posdef(shape, 1, dt)
    out = L.cholesky(x)
    assert out.dtype == np.dtype(dt)
    _close(out, np.linalg.cholesky(x.astype(np.complex128 if np.dtype(dt).kind == "c" else np.float64)), dt, 10)


def test_cholesky_reads_only_the_lower_triangle():
    x = posdef((4, 4), 2)
    garbage = x + np.triu(np.full((4, 4), 7.0), 1)
    _close(L.cholesky(garbage), np.linalg.cholesky(x))


def test_cholesky_of_a_non_positive_definite_matrix_is_nan_only_in_that_matrix():
    good = posdef((3, 3), 3)
    bad = np.array([[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    out = np.asarray(L.cholesky(np.stack([good, bad])))
    _close(out[0], np.linalg.cholesky(good))
    assert np.isnan(out[1][np.tril_indices(3)]).all() and (out[1][np.triu_indices(3, 1)] == 0).all()  # as XLA


@pytest.mark.parametrize("shape", [(0, 0), (3, 0, 0), (0, 2, 2)])
def test_cholesky_of_empty_stacks(shape):
    out = L.cholesky(np.zeros(shape, np.float32))
    assert out.shape == shape and out.dtype == np.float32


@pytest.mark.parametrize("dt", [np.float16, BF16])
def test_cholesky_of_16_bit_floats_is_computed_in_float32(dt):
    x = np.array([[4.0, 2.0], [2.0, 5.0]])
    out = L.cholesky(x.astype(dt))
    assert out.dtype == np.dtype(dt)
    _close(out, np.linalg.cholesky(x), dt)


# triangular_solve -------------------------------------------------------------------------------
def _op(a, lower, transpose_a, conjugate_a, unit_diagonal):
    t = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        t = t - np.diag(np.diagonal(t)) + np.eye(a.shape[-1])
    if conjugate_a:
        t = np.conj(t)
    return t.T if transpose_a else t


@pytest.mark.parametrize("left_side,lower,transpose_a,conjugate_a,unit_diagonal",
                         list(itertools.product([False, True], repeat=5)))
def test_triangular_solve_every_flag_combination_matches_a_dense_solve(left_side, lower, transpose_a, conjugate_a,
                                                                       unit_diagonal):
    rng = np.random.default_rng(4)
    a = rand((2, 3, 3), rng, np.complex128) + 4 * np.eye(3)  # garbage in the unread triangle too
    b = rand((2, 3, 2) if left_side else (2, 2, 3), rng, np.complex128)
    out = L.triangular_solve(a, b, left_side=left_side, lower=lower, transpose_a=transpose_a,
                             conjugate_a=conjugate_a, unit_diagonal=unit_diagonal)
    ops = np.stack([_op(m, lower, transpose_a, conjugate_a, unit_diagonal) for m in a])
    want = np.linalg.solve(ops, b) if left_side else _ct(np.linalg.solve(_ct(ops), _ct(b)))
    _close(out, want)


@pytest.mark.parametrize("dt", FLOATS + [np.float16, BF16])
def test_triangular_solve_dtypes(dt):
    rng = np.random.default_rng(5)
    a = (np.tril(rng.standard_normal((4, 4))) + 4 * np.eye(4)).astype(dt)
    b = rng.standard_normal((4, 3)).astype(dt)
    out = L.triangular_solve(a, b, left_side=True, lower=True)
    assert out.dtype == np.dtype(dt)
    wide = np.complex128 if np.dtype(dt).kind == "c" else np.float64
    _close(out, scipy.linalg.solve_triangular(a.astype(wide), b.astype(wide), lower=True), dt, 10)


def test_triangular_solve_with_a_zero_on_the_diagonal_gives_inf_not_an_error():
    out = np.asarray(L.triangular_solve(np.array([[1.0, 0.0], [2.0, 0.0]]), np.ones((2, 1)), left_side=True, lower=True))
    assert out[0, 0] == 1.0 and np.isinf(out[1, 0])


def test_triangular_solve_empty():
    assert L.triangular_solve(np.zeros((0, 0)), np.zeros((0, 3)), left_side=True).shape == (0, 3)
    assert L.triangular_solve(np.eye(2), np.zeros((0, 2))).shape == (0, 2)


@pytest.mark.parametrize("a_shape,b_shape,left_side", [((3, 3), (2, 3), True), ((3, 3), (3, 2), False),
                                                      ((2, 3, 3), (3, 3, 1), True), ((3, 3), (1, 3, 1), True)])
def test_triangular_solve_rejects_mismatched_shapes(a_shape, b_shape, left_side):
    with pytest.raises(ShapeError, match="triangular_solve") as e:
        L.triangular_solve(np.eye(3) * np.ones(a_shape), np.ones(b_shape), left_side=left_side)
    assert str(b_shape) in str(e.value) and "fix:" in str(e.value)


def test_triangular_solve_rejects_mixed_dtypes_and_non_square_a():
    with pytest.raises(DTypeError):
        L.triangular_solve(np.eye(2, dtype=np.float32), np.ones((2, 2)))
    with pytest.raises(ShapeError, match="square"):
        L.triangular_solve(np.ones((2, 3)), np.ones((2, 2)))


# lu ----------------------------------------------------------------------------------------------
def _check_lu(x, packed, pivots, perm):
    x, packed, pivots, perm = (np.asarray(v) for v in (x, packed, pivots, perm))
    m, n = x.shape[-2:]
    k = min(m, n)
    assert pivots.dtype == np.int32 and perm.dtype == np.int32
    assert pivots.shape == x.shape[:-2] + (k,) and perm.shape == x.shape[:-2] + (m,)
    lower = np.tril(packed[..., :, :k], -1) + np.eye(m, k)
    upper = np.triu(packed[..., :k, :])
    permuted = np.take_along_axis(x, perm[..., :, None], axis=-2)
    tol = TOL[np.dtype(x.dtype)] * 10
    np.testing.assert_allclose(lower @ upper, permuted, rtol=tol, atol=tol)
    # the permutation is the row swaps of pivots applied in order
    for idx in np.ndindex(x.shape[:-2]):
        rows = list(range(m))
        for i, p in enumerate(pivots[idx]):
            rows[i], rows[p] = rows[p], rows[i]
        assert rows == perm[idx].tolist()


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(4, 4), (3, 5, 5), (2, 2, 3, 3), (5, 3), (3, 5), (2, 4, 2)])
def test_lu_reconstructs_the_permuted_matrix(dt, shape):
    x = rand(shape, 6, dt)
    _check_lu(x, *L.lu(x))


def test_lu_pivots_match_scipy():
    x = np.random.default_rng(7).standard_normal((5, 5))
    packed, pivots, _ = L.lu(x)
    want_lu, want_piv = scipy.linalg.lu_factor(x)
    _close(packed, want_lu)
    np.testing.assert_array_equal(np.asarray(pivots), want_piv)


def test_lu_of_a_singular_matrix_has_zeros_on_u_diagonal_and_no_error():
    x = np.array([[1.0, 2.0], [2.0, 4.0]])
    packed, pivots, perm = L.lu(x)
    _check_lu(x, packed, pivots, perm)
    assert np.asarray(packed)[1, 1] == 0.0
    packed, pivots, perm = L.lu(np.zeros((3, 3)))
    assert np.asarray(pivots).tolist() == [0, 1, 2] and np.asarray(perm).tolist() == [0, 1, 2]


@pytest.mark.parametrize("shape", [(0, 0), (2, 0, 0), (0, 3, 3), (3, 0), (0, 3), (2, 3, 0)])
def test_lu_of_empty_shapes(shape):
    packed, pivots, perm = L.lu(np.zeros(shape))
    m, n = shape[-2:]
    assert packed.shape == shape and pivots.shape == shape[:-2] + (min(m, n),) and perm.shape == shape[:-2] + (m,)
    np.testing.assert_array_equal(np.asarray(perm), np.broadcast_to(np.arange(m), perm.shape))


def test_lu_of_bfloat16_is_computed_in_float32():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    packed, pivots, perm = L.lu(x.astype(BF16))
    assert packed.dtype == BF16
    _close(packed, scipy.linalg.lu_factor(x)[0], BF16)


# qr ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3), (2, 1, 3, 4)])
@pytest.mark.parametrize("full_matrices", [True, False])
def test_qr_factors_are_orthonormal_and_upper_triangular(dt, shape, full_matrices):
    x = rand(shape, 8, dt)
    q, r = L.qr(x, full_matrices=full_matrices)
    m, n = shape[-2:]
    k = m if full_matrices else min(m, n)
    assert q.shape == shape[:-2] + (m, k) and r.shape == shape[:-2] + (k, n) and q.dtype == np.dtype(dt)
    q, r = np.asarray(q), np.asarray(r)
    _close(q @ r, x, dt, 10)
    _close(_ct(q) @ q, np.broadcast_to(np.eye(k), q.shape[:-2] + (k, k)), dt, 10)
    assert (np.tril(r, -1) == 0).all()


@pytest.mark.parametrize("shape", [(0, 0), (0, 3), (3, 0), (2, 0, 2)])
def test_qr_of_empty_matrices(shape):
    q, r = L.qr(np.zeros(shape), full_matrices=True)
    want_q, want_r = np.linalg.qr(np.zeros(shape), mode="complete")
    assert q.shape == want_q.shape and r.shape == want_r.shape


# eigh --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (3, 3, 3)])
def test_eigh_eigenvalues_ascend_and_eigenvectors_diagonalise(dt, shape):
    x = posdef(shape, 9, dt) - 2 * shape[-1] * np.eye(shape[-1]).astype(dt)
    v, w = L.eigh(x)
    assert w.dtype == np.dtype(dt).type(0).real.dtype and v.dtype == np.dtype(dt)
    w, v = np.asarray(w), np.asarray(v)
    assert (np.diff(w, axis=-1) >= 0).all()
    wide = np.complex128 if np.dtype(dt).kind == "c" else np.float64
    _close(w, np.linalg.eigvalsh(x.astype(wide)), w.dtype, 10 * shape[-1])
    _close(_ct(v) @ x @ v, w[..., None] * np.eye(shape[-1]), dt, 20 * shape[-1])


def test_eigh_reads_the_chosen_triangle():
    x = posdef((3, 3), 10)
    _, w_lower = L.eigh(np.tril(x) + np.triu(np.full((3, 3), 9.0), 1), lower=True)
    _, w_upper = L.eigh(np.triu(x) + np.tril(np.full((3, 3), 9.0), -1), lower=False)
    _close(w_lower, np.linalg.eigvalsh(x))
    _close(w_upper, np.linalg.eigvalsh(x))


def test_eigh_of_nan_input_is_nan_and_empty_is_empty():
    v, w = L.eigh(np.full((2, 2), np.nan))
    assert np.isnan(np.asarray(w)).all()
    v, w = L.eigh(np.zeros((2, 0, 0)))
    assert v.shape == (2, 0, 0) and w.shape == (2, 0)


# svd -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
@pytest.mark.parametrize("full_matrices", [True, False])
def test_svd_reconstructs_with_descending_singular_values(dt, shape, full_matrices):
    x = rand(shape, 11, dt)
    u, s, vh = L.svd(x, full_matrices=full_matrices)
    m, n = shape[-2:]
    k = min(m, n)
    assert u.shape == shape[:-2] + ((m, m) if full_matrices else (m, k))
    assert vh.shape == shape[:-2] + ((n, n) if full_matrices else (k, n))
    assert s.shape == shape[:-2] + (k,) and s.dtype == np.dtype(dt).type(0).real.dtype
    u, s, vh = (np.asarray(t) for t in (u, s, vh))
    assert (np.diff(s, axis=-1) <= 0).all()
    wide = np.complex128 if np.dtype(dt).kind == "c" else np.float64
    _close(s, np.linalg.svd(x.astype(wide), compute_uv=False), s.dtype, 10)
    _close((u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :], x, dt, 10)


def test_svd_without_uv_returns_only_singular_values():
    x = np.random.default_rng(12).standard_normal((2, 3, 4))
    s = L.svd(x, compute_uv=False)
    _close(s, np.linalg.svd(x, compute_uv=False))


def test_svd_of_nan_input_is_all_nan_only_in_that_matrix():
    x = np.stack([np.eye(2), np.full((2, 2), np.nan)])
    u, s, vh = (np.asarray(t) for t in L.svd(x))
    assert np.isnan(u[1]).all() and np.isnan(s[1]).all() and np.isnan(vh[1]).all()
    _close(s[0], [1.0, 1.0])


@pytest.mark.parametrize("shape", [(0, 0), (3, 0), (0, 3), (2, 0, 4)])
def test_svd_of_empty_matrices(shape):
    u, s, vh = L.svd(np.zeros(shape))
    m, n = shape[-2:]
    assert u.shape == shape[:-2] + (m, m) and s.shape == shape[:-2] + (0,) and vh.shape == shape[:-2] + (n, n)


# cofactors ---------------------------------------------------------------------------------------------
_COFACTOR_CASES = [  # LU meets no zero pivot, a zero last pivot, one before the last, several
    [[2.0, 1.0, 0.5], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]],
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [0.0, 0.0, 0.0]],
    [[0.0, 1.0, 2.0], [0.0, 3.0, 4.0], [0.0, 5.0, 7.0]],
    [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]],
    [[36.0, -42.0, 18.0], [-42.0, 49.0, -21.0], [18.0, -21.0, 9.0]],
    np.zeros((3, 3)),
]


def _signed_minors(a):
    """The cofactor matrices of a stack, from NumPy's determinants of the minors (in 64 bits)."""
    a = a.astype(np.complex128 if a.dtype.kind == "c" else np.float64)
    n = a.shape[-1]
    out = np.empty_like(a)
    for i, j in itertools.product(range(n), repeat=2):
        out[..., i, j] = (-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, -2), j, -1))
    return out


def _hessian_of_det_times(a, s):
    """The Hessian of det at each matrix of `a` applied to `s`: a cofactor is affine in each entry,
    so its derivative along E_kl is exactly the difference of the cofactors of a + E_kl and a."""
    n, c = a.shape[-1], _signed_minors(a)
    out = 0
    for k, l in itertools.product(range(n), repeat=2):
        out = out + s[..., k, l, None, None] * (_signed_minors(a + np.eye(n)[k][:, None] * np.eye(n)[l]) - c)
    return out


@pytest.mark.parametrize("dt", FLOATS)
def test_cofactors_are_the_signed_minors_also_of_singular_matrices(dt):
    x = np.asarray(_COFACTOR_CASES, dt)
    _close(L.cofactors(x), _signed_minors(x), dt, 100)


@pytest.mark.parametrize("dt", FLOATS)
def test_cofactors_jvp_is_the_hessian_of_det_along_each_direction(dt):
    x = np.asarray(_COFACTOR_CASES, dt)
    s = rand((2,) + x.shape, 3, dt)  # two directions at each matrix
    got = L.cofactors_jvp(x, s)
    assert got.shape == s.shape and got.dtype == np.dtype(dt)
    _close(got, _hessian_of_det_times(x, s), dt, 100)


@pytest.mark.parametrize("shape", [(0, 0), (2, 0, 0), (1, 1), (2, 1, 1)])
def test_cofactors_of_empty_and_1x1_matrices(shape):
    x = rand(shape, 4)
    _close(L.cofactors(x), np.ones(shape))
    _close(L.cofactors_jvp(x, rand(shape, 5)), np.zeros(shape))


def test_cofactors_jvp_rejects_directions_shaped_otherwise():
    with pytest.raises(ShapeError, match=r"cofactors_jvp.*\(3, 2\)") as e:
        L.cofactors_jvp(np.eye(3), np.ones((3, 2)))
    assert "fix:" in str(e.value)


# errors shared by the factorizations ------------------------------------------------------------------
@pytest.mark.parametrize("fn", [L.cholesky, L.eigh, L.cofactors])
def test_square_factorizations_reject_non_square_input(fn):
    with pytest.raises(ShapeError, match=r"square.*\(2, 3\)") as e:
        fn(np.ones((2, 3)))
    assert "fix:" in str(e.value)


@pytest.mark.parametrize("fn", [L.cholesky, L.eigh, L.lu, L.qr, L.svd, L.cofactors])
def test_factorizations_reject_vectors_and_integer_dtypes(fn):
    with pytest.raises(ShapeError, match="matrices"):
        fn(np.ones(3))
    with pytest.raises(DTypeError, match="floating-point") as e:
        fn(np.eye(3, dtype=np.int32))
    assert "astype" in str(e.value)


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("shape", [(6, 5, 5), (4, 3, 5), (5, 6, 3), (7, 1, 1), (2, 2, 32, 32)])
def test_stacks_of_small_matrices_factor_and_solve_as_lapack_one_matrix_at_a_time(dt, shape):
    """The NumPy kernels take a stack of small matrices as a whole, one row or column at a time:
    the same pivots as getrf (also with a zero column and a singular matrix), and trsm's values,
    for every side, triangle, transposition and conjugation."""
    from fluxion.backends.numpy import linalg as kernels
    x = rand(shape, 1, dt)
    x[..., 0, :, 0] = 0
    if shape[-2] > 1:
        x[..., 1, 1, :] = 2 * x[..., 1, 0, :]
    packed, pivots, perm = L.lu(x)
    for i in np.ndindex(shape[:-2]):
        lu, piv, _ = scipy.linalg.lapack.get_lapack_funcs("getrf", (x[i],))(x[i])
        np.testing.assert_array_equal(pivots[i], piv)
        np.testing.assert_array_equal(perm[i], L.pivot_permutation(piv.tolist(), shape[-2]))
        _close(packed[i], lu, scale=10)
    if shape[-1] != shape[-2]:
        return
    a = x + 3 * np.eye(shape[-1], dtype=dt)
    for left, lower, transpose, conjugate, unit in itertools.product([True, False], repeat=5):
        b = rand(shape[:-1] + (2,) if left else shape[:-2] + (2, shape[-1]), 2, dt)
        got = L.triangular_solve(a, b, left_side=left, lower=lower, transpose_a=transpose, conjugate_a=conjugate,
                                 unit_diagonal=unit)
        for i in np.ndindex(shape[:-2]):
            op = a[i].conj() if conjugate else a[i]
            op = op.T if transpose else op
            tri = (np.tril if lower != transpose else np.triu)(op)
            if unit:
                np.fill_diagonal(tri, 1)
            want = np.linalg.solve(tri, b[i]) if left else np.linalg.solve(tri.T, b[i].T).T
            _close(got[i], want, scale=100)
    assert kernels._stacked_small(x.reshape((-1,) + shape[-2:]))
