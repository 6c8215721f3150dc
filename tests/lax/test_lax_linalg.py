"""fluxion.lax.linalg against jax.lax.linalg: values, derivatives, jit and vmap."""
import numpy as np
import pytest
import scipy.linalg

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.errors import FluxionError
from fluxion.lax import linalg as fl

from ._lax_oracle import check, tolerance

DTYPES = [np.float32, np.float64, np.complex64, np.complex128]


@pytest.fixture(scope="module")
def jl(jlax):
    return jlax.linalg


def _matrix(rng, shape, dtype):
    x = rng.normal(size=shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.normal(size=shape)
    return x.astype(dtype)


def _hermitian(rng, shape, dtype):
    a = _matrix(rng, shape, dtype)
    return (a @ np.conj(np.swapaxes(a, -1, -2)) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def _ct(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _close(out, expected, dtype, scale=100.0):
    np.testing.assert_allclose(np.asarray(out), np.asarray(expected), **tolerance(dtype, scale))


@pytest.mark.parametrize("dtype", DTYPES)
def test_direct_factorizations_match_jax_on_batches(jl, dtype):
    rng = np.random.default_rng(0)
    a, h = _matrix(rng, (2, 4, 4), dtype), _hermitian(rng, (2, 4, 4), dtype)
    wide = _matrix(rng, (2, 3, 5), dtype)
    for symmetrize in (True, False):
        check(fl.cholesky(h, symmetrize_input=symmetrize), jl.cholesky(h, symmetrize_input=symmetrize), 100)
    for out, expected in zip(fl.lu(wide), jl.lu(wide)):
        check(out, expected, 100)
    for full in (True, False):
        for out, expected in zip(fl.qr(wide, full_matrices=full), jl.qr(wide, full_matrices=full)):
            check(out, expected, 100)
    for kw in ({}, {"left_side": True, "lower": True}, {"transpose_a": True, "conjugate_a": True},
               {"left_side": True, "unit_diagonal": True, "transpose_a": True}):
        b = _ct(wide[..., :4]) if kw.get("left_side") else wide[..., :4]
        check(fl.triangular_solve(h, b, **kw), jl.triangular_solve(h, b, **kw), 1000)
        v = b[..., 0] if kw.get("left_side") else b[..., 0, :]  # (a vector: one axis fewer than the matrices)
        check(fl.triangular_solve(h, v, **kw), jl.triangular_solve(h, v, **kw), 1000)
    t, q = fl.schur(a)
    jt, _ = jl.schur(a)
    check(fnp.diagonal(t, 0, -2, -1), np.diagonal(jt, 0, -2, -1), 1000)  # a real 2x2 block's diagonal is unique too
    _close(np.asarray(q) @ np.asarray(t) @ _ct(np.asarray(q)), a, dtype, 1000)
    assert len(fl.schur(a, compute_schur_vectors=False)) == 1


@pytest.mark.parametrize("dtype", DTYPES)
def test_spectral_decompositions_match_jax_up_to_phase(jl, dtype):
    rng = np.random.default_rng(1)
    a, h = _matrix(rng, (2, 4, 4), dtype), _hermitian(rng, (2, 4, 4), dtype)
    v, w = fl.eigh(h)
    jv, jw = jl.eigh(h)
    check(w, jw, 1000)
    _close(np.abs(_ct(np.asarray(v)) @ np.asarray(jv)), np.broadcast_to(np.eye(4), (2, 4, 4)), dtype, 1e4)
    u, s, vh = fl.svd(a)
    check(s, jl.svd(a, compute_uv=False), 1000)
    _close(np.asarray(u) * np.asarray(s)[..., None, :] @ np.asarray(vh), a, dtype, 1000)
    w, vl, vr = (np.asarray(y) for y in fl.eig(a))
    jw = np.asarray(jl.eig(a, compute_left_eigenvectors=False, compute_right_eigenvectors=False)[0])
    _close(np.sort_complex(w), np.sort_complex(jw), dtype, 1000)
    _close(a @ vr, vr * w[..., None, :], dtype, 1000)
    _close(_ct(vl) @ a, w[..., :, None] * _ct(vl), dtype, 1000)
    _close(np.linalg.norm(vl, axis=-2), np.ones((2, 4)), dtype, 100)
    assert [len(fl.eig(a, compute_left_eigenvectors=left, compute_right_eigenvectors=right))
            for left in (True, False) for right in (True, False)] == [3, 2, 2, 1]


def test_subsets_slice_the_full_decompositions(jl):
    h = _hermitian(np.random.default_rng(2), (3, 3), np.float64)
    v, w = fl.eigh(h, subset_by_index=(1, 3))
    jv, jw = jl.eigh(h)
    check(w, jw[1:], 100)
    _close(np.abs(np.sum(np.asarray(v) * np.asarray(jv)[:, 1:], 0)), np.ones(2), np.float64, 100)
    check(fl.svd(h, full_matrices=False, subset_by_index=(0, 2))[1], jl.svd(h, compute_uv=False)[:2], 100)
    with pytest.raises(ValueError, match="full_matrices=False"):
        fl.svd(h, subset_by_index=(0, 2))
    with pytest.raises(ValueError, match="start <= end"):
        fl.eigh(h, subset_by_index=(2, 5))


@pytest.mark.parametrize("dtype", DTYPES)
def test_pivoted_qr_matches_jax_tall_and_wide(jl, dtype):
    rng = np.random.default_rng(3)
    for shape in ((2, 3, 6), (6, 4)):
        x = _matrix(rng, shape, dtype)
        for full in (True, False):
            q, r, p = fl.qr(x, pivoting=True, full_matrices=full)
            jq, jr, jp = jl.qr(x, pivoting=True, full_matrices=full)
            check(p, jp)
            check(q, jq, 100)
            check(r, jr, 100)


@pytest.mark.parametrize("dtype", DTYPES)
def test_householder_reductions_match_jax_packed_forms(jl, dtype):
    rng = np.random.default_rng(4)
    a, h = _matrix(rng, (2, 5, 5), dtype), _hermitian(rng, (2, 5, 5), dtype)
    for out, expected in zip(fl.hessenberg(a), jl.hessenberg(a)):
        check(out, expected, 1000)
    for lower in (True, False):
        for out, expected in zip(fl.tridiagonal(h, lower=lower), jl.tridiagonal(h, lower=lower)):
            check(out, expected, 1000)
    packed, taus = jl.hessenberg(a)
    vectors = np.asarray(packed)[..., 1:, :-1]
    check(fl.householder_product(vectors, taus), jl.householder_product(vectors, taus), 100)
    c = _matrix(rng, (2, 4, 3), dtype)
    for left in (True, False):
        for transpose in (True, False):
            cc = c if left else np.swapaxes(c, -1, -2)
            check(fl.ormqr(vectors, taus, cc, left=left, transpose=transpose),
                  jl.ormqr(vectors, taus, cc, left=left, transpose=transpose), 100)


@pytest.mark.parametrize("dtype", DTYPES)
def test_geqrf_matches_lapack_and_householder_product_gives_q(dtype):
    rng = np.random.default_rng(6)
    for shape in ((2, 5, 3), (3, 5), (1, 1), (4, 1), (0, 3), (3, 0)):
        a = _matrix(rng, shape, dtype)
        packed, taus = fl.geqrf(a)
        assert packed.shape == a.shape and taus.shape == shape[:-2] + (min(shape[-2:]),)
        for i in np.ndindex(shape[:-2]):
            if a.size:
                (want, want_taus), _ = scipy.linalg.qr(a[i], mode="raw")
                _close(packed[i], want, dtype)
                _close(taus[i], want_taus, dtype)
        if 0 < shape[-1] <= shape[-2]:
            q = fl.householder_product(packed, taus)
            _close(q @ np.triu(np.asarray(packed)[..., : shape[-1], :]), a, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_updates_products_and_polar_match_jax(jl, dtype):
    rng = np.random.default_rng(5)
    h = _hermitian(rng, (4, 4), dtype)
    r, w = np.linalg.cholesky(h).T.astype(dtype), rng.normal(size=4).astype(dtype)
    check(fl.cholesky_update(r, w), jl.cholesky_update(r, w), 100)
    check(fl.cholesky_update(-r, w), jl.cholesky_update(-r, w), 100)
    a = _matrix(rng, (4, 3), dtype)
    for sym in (True, False):
        check(fl.symmetric_product(a, h, alpha=2.0, beta=0.5, symmetrize_output=sym),
              jl.symmetric_product(a, h, alpha=2.0, beta=0.5, symmetrize_output=sym), 100)
    u, p, iters, converged = fl.qdwh(a)
    ju, jp, jiters, jconverged = jl.qdwh(a)
    check(u, ju, 1000)
    check(p, jp, 1000)
    assert int(iters) == int(jiters) and bool(converged) == bool(jconverged)


@pytest.mark.parametrize("dtype", DTYPES)
def test_tridiagonal_solve_and_pivot_permutations_match_jax(jl, dtype):
    rng = np.random.default_rng(6)
    dl, d, du = (_matrix(rng, (2, 5), dtype) for _ in range(3))
    b = _matrix(rng, (2, 5, 3), dtype)
    check(fl.tridiagonal_solve(dl, d, du, b), jl.tridiagonal_solve(dl, d, du, b), 1000)
    pivots = np.array([[3, 1, 3], [0, 2, 2]], np.int32)
    check(fl.lu_pivots_to_permutation(pivots, 5), jl.lu_pivots_to_permutation(pivots, 5))


def test_empty_one_by_one_and_nan_matrices_follow_jax(jl):
    for n in (0, 1):
        a = np.full((2, n, n), 2.0)
        for name in ("cholesky", "eigh", "eig", "lu", "qr", "svd", "schur"):
            for out, expected in zip(getattr(fl, name)(a), getattr(jl, name)(a)):
                assert np.shape(out) == np.shape(expected), name
        check(fl.cholesky(a), jl.cholesky(a))
    a = np.array([[np.nan, 1.0], [1.0, 2.0]])
    for name in ("cholesky", "eigh", "lu", "qr", "svd", "hessenberg", "tridiagonal"):
        out, expected = getattr(fl, name)(a), getattr(jl, name)(a)
        for y, jy in zip(out if isinstance(out, (list, tuple)) else [out], expected if isinstance(expected, (list, tuple))
                         else [expected]):
            assert np.isnan(np.asarray(y)).any() == np.isnan(np.asarray(jy)).any(), name
    check(fl.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]])), jl.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]])))


def test_wrong_shapes_and_dtypes_raise_errors_naming_the_fix():
    cases = [(TypeError, lambda: fl.cholesky(np.eye(2, dtype=np.int32))),
             (ValueError, lambda: fl.eigh(np.ones((2, 3)))),
             (ValueError, lambda: fl.triangular_solve(np.eye(3), np.ones((3, 2)))),
             (TypeError, lambda: fl.triangular_solve(np.eye(2), np.ones((2, 2), np.float32))),
             (ValueError, lambda: fl.tridiagonal_solve(np.ones(3), np.ones(3), np.ones(2), np.ones((3, 1)))),
             (TypeError, lambda: fl.symmetric_product(np.ones((2, 2), np.complex64), np.eye(2, dtype=np.complex64))),
             (ValueError, lambda: fl.cholesky_update(np.eye(3), np.ones(2))),
             (ValueError, lambda: fl.householder_product(np.ones((2, 3)), np.ones(2))),
             (ValueError, lambda: fl.qdwh(np.ones((2, 3)))),
             (ValueError, lambda: fl.lu_pivots_to_permutation(np.zeros(4, np.int32), 3)),
             (NotImplementedError, lambda: fl.tridiagonal_solve(np.ones(2), np.ones(2), np.ones(2), np.ones((2, 1)),
                                                                perturb_singular=True))]
    for kind, call in cases:
        with pytest.raises(kind) as info:
            call()
        assert isinstance(info.value, FluxionError) and "fix:" in str(info.value)


def test_gradients_match_jax(jlax, jl):
    import jax
    import jax.numpy as jnp
    rng = np.random.default_rng(7)
    h, a = _hermitian(rng, (3, 3), np.float64), _matrix(rng, (3, 3), np.float64)
    dl, d, du = (_matrix(rng, (3,), np.float64) + 3 * (k == 1) for k in range(3))
    pairs = [
        (lambda m, lib: lib.cholesky(m)[..., 1, :].sum(), h),
        (lambda m, lib: (lambda v, w: w[-1] + v[0, 0] * v[1, 0])(*lib.eigh(m)), h),
        (lambda m, lib: lib.svd(m, compute_uv=False).sum(), a),
        (lambda m, lib: (lambda q, r: (r ** 2).sum() + q[0, 0] ** 2)(*lib.qr(m)), a),
        (lambda m, lib: lib.qr(m, pivoting=True)[1].sum(), a),
        (lambda m, lib: lib.lu(m)[0].sum(), a),
        (lambda m, lib: lib.triangular_solve(m + 3 * jnp.eye(3) if lib is jl else m + 3 * fnp.eye(3), m,
                                             lower=True).sum(), a),
        (lambda m, lib: lib.tridiagonal_solve(dl * m[0, 0], d, du, m).sum(), a),
        (lambda m, lib: lib.eig(m, compute_left_eigenvectors=False, compute_right_eigenvectors=False)[0].real.max(), a)]
    for f, x in pairs:
        _close(fx.grad(lambda m: f(m, fl))(x), jax.grad(lambda m: f(m, jl))(x), np.float64, 1e4)


def test_gradients_jax_lacks_match_finite_differences():
    rng = np.random.default_rng(8)
    a, h = _matrix(rng, (4, 4), np.float64), _hermitian(rng, (4, 4), np.float64)
    r, w = np.linalg.cholesky(h).T, rng.normal(size=4)
    checks = [(lambda m: fl.hessenberg(m)[0], a), (lambda m: fl.tridiagonal(m)[1], h),
              (lambda m: fl.householder_product(m, fnp.asarray([0.5, 1.2], dtype=fnp.float64)), a),
              (lambda m: fl.cholesky_update(m, w), r), (lambda m: fl.symmetric_product(m, h, beta=2.0), a),
              (lambda m: fl.qdwh(m)[0], a)]
    for f, x in checks:
        fx.test_util.check_grads(f, (x,), order=1, modes=("fwd", "rev"))


def test_jit_matches_eager_and_vmap_matches_a_loop():
    rng = np.random.default_rng(9)
    a, h = _matrix(rng, (3, 4, 4), np.float64), _hermitian(rng, (3, 4, 4), np.float64)
    cases = [(lambda m: fl.hessenberg(m), a), (lambda m: fl.tridiagonal(m, lower=False), h),
             (lambda m: fl.qr(m, pivoting=True), a), (lambda m: fl.eigh(m, subset_by_index=(1, 3)), h),
             (lambda m: fl.cholesky_update(fl.cholesky(m).T, m[0]), h),
             (lambda m: fl.lu_pivots_to_permutation(fl.lu(m)[1], 4), a), (lambda m: fl.qdwh(m)[:2], a),
             (lambda m: fl.tridiagonal_solve(m[0], m[1], m[2], m), a)]
    for f, x in cases:
        eager = fx.tree.leaves(f(x[0]))
        for out, expected in zip(fx.tree.leaves(fx.jit(f)(x[0])), eager):
            _close(out, expected, np.float64, 1e3)
        batched = fx.tree.leaves(fx.vmap(f)(x))
        for i in range(len(x)):
            for out, expected in zip(batched, fx.tree.leaves(f(x[i]))):
                _close(np.asarray(out)[i], expected, np.float64, 1e3)
