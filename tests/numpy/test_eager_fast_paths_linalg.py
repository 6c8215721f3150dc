"""The eager fast paths of linear algebra give what the general path gives, bit for bit (dtype,
weak type, shape, bytes): on float32, float64, complex64 and complex128 matrices, batches (also
empty), 0x0 and 1x1 matrices, singular matrices (inf/NaN, not an error), matrices holding NaN,
weak and integer inputs. The general path runs on tracers (`traced`), which no fast path takes;
gradients and jit go the general way and still agree with the fast values."""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl

from _tracing import traced
from test_eager_fast_paths import same

_RNG = np.random.default_rng(3)


def _matrix(shape, dt, rng=_RNG):
    v = rng.standard_normal(shape)
    if np.dtype(dt).kind == "c":
        v = v + 1j * rng.standard_normal(shape)
    return v.astype(dt)


def _inputs():
    out = [fnp.asarray(_matrix(s, dt)) for dt in (np.float32, np.float64, np.complex64, np.complex128)
           for s in ((3, 3), (4, 4), (8, 8), (16, 4, 4), (1, 1), (0, 0), (0, 3, 3), (2, 1, 1))]
    singular = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    nan = _matrix((4, 4), np.float64)
    nan[1, 2] = np.nan
    out += [fnp.asarray(m.astype(dt)) for m in (singular, nan, np.zeros((3, 3))) for dt in (np.float32, np.float64)]
    out += [fnp.broadcast_to(fnp.asarray(1.5), (2, 2)), fnp.asarray(_RNG.integers(-5, 5, (3, 3)))]
    return out


INPUTS = _inputs()
A64 = INPUTS[9]  # float64, 4x4
SPD = [fnp.asarray(m @ np.swapaxes(m, -1, -2).conj() + 4 * np.eye(m.shape[-1], dtype=m.dtype))
       for m in (_matrix((4, 4), np.float32), _matrix((3, 3), np.complex128), _matrix((16, 4, 4), np.float64))]


def _rhs(x, k=2):
    """A right-hand side for `x`, the same at each call: matrices (..., M, k), or a vector (M,) for k None."""
    shape = (x.shape[-1],) if k is None else x.shape[:-1] + (k,)
    return fnp.asarray(_matrix(shape, x.dtype if x.dtype.kind in "fc" else np.float32, np.random.default_rng(0)))


def check(f, *args, rounding=False):
    """`f(*args)` eagerly against the general path (its results as a tuple), or the same error type;
    equal up to `rounding` where the fast path runs NumPy's batched LAPACK loop (stacks of matrices,
    or of right-hand sides, solved, inverted or reduced to determinants)."""
    def results(g):
        out = g(*args)
        return tuple(out) if isinstance(out, tuple) else (out,)
    try:
        general = traced(lambda *xs: results(lambda *_: f(*xs)), *args)
    except Exception as e:  # noqa: BLE001 (the error must be the general path's)
        with pytest.raises(type(e)):
            f(*args)
        return
    fast = results(f)
    assert len(fast) == len(general)
    for a, b in zip(fast, general):
        if rounding:
            assert (a.dtype, a.weak, a.shape) == (b.dtype, b.weak, b.shape)
            tol = 1e-5 if a.dtype in (fnp.float32, fnp.complex64) else 1e-12
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)
        else:
            same(a, b)


SQUARE = {
    "solve": lambda x: fnp.linalg.solve(x, _rhs(x)), "solve vector": lambda x: fnp.linalg.solve(x, _rhs(x, None)),
    "solve broadcast": lambda x: fnp.linalg.solve(x, _rhs(x[..., :1, :, :] if x.ndim > 2 else x[None], 3)),
    "solve against a batch": lambda x: fnp.linalg.solve(x, fnp.stack([_rhs(x)] * 2)) if x.ndim == 2 else None,
    "inv": fnp.linalg.inv, "det": fnp.linalg.det, "slogdet": fnp.linalg.slogdet, "eig": fnp.linalg.eig,
    "eigvals": fnp.linalg.eigvals, "eigh": fnp.linalg.eigh, "eigh U": lambda x: fnp.linalg.eigh(x, UPLO="U"),
    "eigvalsh": fnp.linalg.eigvalsh, "cholesky": fnp.linalg.cholesky,
}
BATCHED = ("solve", "solve vector", "solve broadcast", "solve against a batch", "inv", "slogdet")
ANY = {
    "qr": fnp.linalg.qr, "qr complete": lambda x: fnp.linalg.qr(x, "complete"), "qr r": lambda x: fnp.linalg.qr(x, "r"),
    "svd": fnp.linalg.svd, "svd reduced": lambda x: fnp.linalg.svd(x, full_matrices=False),
    "svd values": lambda x: fnp.linalg.svd(x, compute_uv=False), "svdvals": fnp.linalg.svdvals,
}


@pytest.mark.parametrize("name", list(SQUARE))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_square_matrix_functions_match_the_general_path_bit_for_bit(name, i):
    if SQUARE[name](INPUTS[i]) is not None:
        check(SQUARE[name], INPUTS[i], rounding=name in BATCHED and (INPUTS[i].ndim > 2 or "b" in name[6:]))


@pytest.mark.parametrize("name", list(ANY))
@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (2, 3, 2), (0, 3), (3, 0), (0, 2, 2)])
@pytest.mark.parametrize("dt", [np.float32, np.float64, np.complex64])
def test_factorizations_of_any_shape_match_the_general_path_bit_for_bit(name, shape, dt):
    check(ANY[name], fnp.asarray(_matrix(shape, dt)))


@pytest.mark.parametrize("i", range(len(SPD)))
def test_cholesky_of_positive_definite_matrices_matches_the_general_path(i):
    check(fnp.linalg.cholesky, SPD[i])
    check(SQUARE["solve vector"], SPD[i], rounding=SPD[i].ndim > 2)


def test_solve_with_operands_it_does_not_take_matches_the_general_path():
    a = INPUTS[1]  # float32, 4x4
    for b in (fnp.ones(4, fnp.float32), fnp.ones((4, 2), fnp.int32), fnp.ones(3), fnp.ones((5, 2)), fnp.asarray(1.0),
              fnp.ones((3, 4, 2)), [1.0, 2.0, 3.0, 4.0]):
        check(fnp.linalg.solve, a, b, rounding=getattr(b, "ndim", 0) > 2)
    check(fnp.linalg.solve, fnp.ones((3, 4)), fnp.ones(3))


def test_singular_matrices_give_inf_or_nan_not_an_error():
    a = fnp.asarray([[1.0, 2.0], [2.0, 4.0]])
    assert not np.isfinite(fnp.linalg.inv(a)).all()
    assert not np.isfinite(fnp.linalg.solve(a, fnp.ones(2))).all()
    assert fnp.linalg.det(a).item() == 0.0
    sign, logabsdet = fnp.linalg.slogdet(a)
    assert sign.item() == 0.0 and logabsdet.item() == -np.inf


def test_results_match_numpy():
    a, b = A64, _rhs(A64)
    np.testing.assert_allclose(fnp.linalg.solve(a, b), np.linalg.solve(np.asarray(a), np.asarray(b)), rtol=1e-10)
    np.testing.assert_allclose(fnp.linalg.inv(a), np.linalg.inv(np.asarray(a)), rtol=1e-10)
    np.testing.assert_allclose(fnp.linalg.slogdet(a)[1], np.linalg.slogdet(np.asarray(a))[1], rtol=1e-12)


def test_gradients_and_jit_go_the_general_way_and_agree():
    a, b = A64, _rhs(A64)

    def loss(a, b):
        return fnp.sum(fnp.linalg.solve(a, b)) + fnp.linalg.slogdet(a)[1] + fnp.sum(fnp.linalg.inv(a))
    ga, gb = fx.grad(loss, argnums=(0, 1))(a, b)
    inv = np.linalg.inv(np.asarray(a))
    ones = np.ones(np.asarray(b).shape)
    x = inv @ np.asarray(b)
    expected_a = -(inv.T @ ones) @ x.T + inv.T - inv.T @ np.ones((4, 4)) @ inv.T
    np.testing.assert_allclose(ga, expected_a, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(gb, inv.T @ ones, rtol=1e-8, atol=1e-10)
    for f in (fnp.linalg.inv, fnp.linalg.det, lambda a: fnp.linalg.solve(a, b), lambda a: fnp.linalg.slogdet(a)[1]):
        np.testing.assert_allclose(fx.jit(f)(a), f(a), rtol=1e-10)


SCIPY = {
    "solve_triangular": lambda x: fsl.solve_triangular(x, _rhs(x)),
    "solve_triangular lower unit T": lambda x: fsl.solve_triangular(x, _rhs(x), trans="T", lower=True, unit_diagonal=True),
    "solve_triangular C vector": lambda x: fsl.solve_triangular(x, _rhs(x, None), trans=2),
    "cholesky": fsl.cholesky, "cholesky lower": lambda x: fsl.cholesky(x, lower=True),
    "cho_solve": lambda x: fsl.cho_solve((x, False), _rhs(x)), "cho_solve lower": lambda x: fsl.cho_solve((x, True), _rhs(x, None)),
    "lu_factor": fsl.lu_factor, "lu_solve": lambda x: fsl.lu_solve(fsl.lu_factor(x), _rhs(x)),
    "lu_solve vector": lambda x: fsl.lu_solve(fsl.lu_factor(x), _rhs(x, None)),
    "lu_solve T": lambda x: fsl.lu_solve(fsl.lu_factor(x), _rhs(x), trans=1),
    "solve": lambda x: fsl.solve(x, _rhs(x)), "solve pos": lambda x: fsl.solve(x, _rhs(x), assume_a="pos"),
}


@pytest.mark.parametrize("name", list(SCIPY))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_scipy_linalg_matches_the_general_path_bit_for_bit(name, i):
    check(SCIPY[name], INPUTS[i])


def test_lu_solve_with_pivots_it_does_not_take_matches_the_general_path():
    packed, piv = fsl.lu_factor(A64)
    for p in (piv, piv.astype(fnp.int64), fnp.asarray([3, 3, 3, 3], fnp.int32), fnp.asarray([1, 2, 3, 3], fnp.uint8)):
        check(lambda packed, p: fsl.lu_solve((packed, p), _rhs(A64)), packed, p)


NORMS = {
    "norm fro": lambda x: fnp.linalg.norm(x, "fro", axis=(-2, -1)), "norm None": lambda x: fnp.linalg.norm(x, axis=(-2, -1)),
    "norm fro kd": lambda x: fnp.linalg.norm(x, "fro", axis=(x.ndim - 2, -1), keepdims=True),
    "norm fro reversed": lambda x: fnp.linalg.norm(x, "fro", axis=(-1, -2)),
    "norm fro first": lambda x: fnp.linalg.norm(x, "fro", axis=(0, 1)), "norm fro 2-D": lambda x: fnp.linalg.norm(x, "fro"),
    "norm fro repeated": lambda x: fnp.linalg.norm(x, "fro", axis=(-1, -1)),
    "norm fro out of range": lambda x: fnp.linalg.norm(x, "fro", axis=(-5, -1)),
    "matrix_norm": fnp.linalg.matrix_norm, "matrix_norm kd": lambda x: fnp.linalg.matrix_norm(x, keepdims=True),
    "vector_norm last two": lambda x: fnp.linalg.vector_norm(x, axis=(-2, -1)),
}


@pytest.mark.parametrize("name", list(NORMS))
@pytest.mark.parametrize("i", range(len(INPUTS)))
def test_frobenius_norms_match_the_general_path_bit_for_bit(name, i):
    check(NORMS[name], INPUTS[i])
    check(NORMS[name], fnp.asarray(_matrix((3, 2, 5), np.float32)))


@pytest.mark.parametrize("dt", [np.float64, np.complex64])
def test_large_stacks_split_over_cores_give_numpys_values(dt):
    """A stack large enough to be split over the cores gives NumPy's values bit for bit (each
    matrix meets the same LAPACK call), with right-hand sides batched, unbatched or a vector."""
    a = _matrix((3, 300, 8, 8), dt) + 8 * np.eye(8, dtype=dt)
    x = fnp.asarray(a)
    for b in (_matrix((3, 300, 8, 2), dt), _matrix((8, 2), dt), _matrix((8,), dt)):
        np.testing.assert_array_equal(fnp.linalg.solve(x, fnp.asarray(b)), np.linalg.solve(a, b))
    np.testing.assert_array_equal(fnp.linalg.inv(x), np.linalg.inv(a))
    np.testing.assert_array_equal(fnp.linalg.det(x), np.linalg.det(a))
    for ours, theirs in zip(fnp.linalg.slogdet(x), np.linalg.slogdet(a)):
        np.testing.assert_array_equal(ours, theirs)
