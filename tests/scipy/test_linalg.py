"""fluxion.scipy.linalg against scipy.linalg: values, batches, jit, vmap and derivatives."""
import numpy as np
import pytest
import scipy.linalg as sl

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl
from fluxion.test_util import check_grads

rng = np.random.default_rng(0)


def _spd(n, *batch):
    a = rng.normal(size=(*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _general(n, *batch):
    return rng.normal(size=(*batch, n, n)) + n * np.eye(n)


def _close(actual, expected, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("trans", [0, 1, 2, "N", "T", "C"])
@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("unit_diagonal", [False, True])
@pytest.mark.parametrize("bshape", [(4,), (4, 3)])
def test_solve_triangular(trans, lower, unit_diagonal, bshape):
    a = _general(4) + 1j * rng.normal(size=(4, 4)) if trans in (2, "C") else _general(4)
    b = rng.normal(size=bshape)
    expected = sl.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)
    _close(fsl.solve_triangular(fnp.asarray(a), fnp.asarray(b), trans=trans, lower=lower,
                                unit_diagonal=unit_diagonal), expected)


def test_solve_triangular_batches_broadcast_and_refuse_bad_shapes():
    a, b = np.triu(_general(3, 2)), rng.normal(size=(5, 1, 3, 2))
    expected = np.linalg.solve(np.broadcast_to(a, (5, 2, 3, 3)), np.broadcast_to(b, (5, 2, 3, 2)))
    _close(fsl.solve_triangular(fnp.asarray(a), fnp.asarray(b)), expected)
    with pytest.raises(ValueError, match="as many rows"):
        fsl.solve_triangular(fnp.asarray(a), fnp.ones(4))
    with pytest.raises(ValueError, match="trans"):
        fsl.solve_triangular(fnp.asarray(a[0]), fnp.ones(3), trans=3)
    with pytest.raises(ValueError, match="square"):
        fsl.solve_triangular(fnp.ones((2, 3)), fnp.ones(2))


@pytest.mark.parametrize("lower", [False, True])
def test_cholesky_and_cho_solve(lower):
    a, b = _spd(4), rng.normal(size=(4, 2))
    # only the triangle named by `lower` is read: the other one holds garbage
    garbled = np.tril(a) + np.triu(rng.normal(size=(4, 4)), 1) if lower else np.triu(a) + np.tril(rng.normal(size=(4, 4)), -1)
    _close(fsl.cholesky(fnp.asarray(garbled), lower=lower), sl.cholesky(garbled, lower=lower))
    _close(fsl.cho_solve(fsl.cho_factor(fnp.asarray(garbled), lower=lower), fnp.asarray(b)),
           sl.cho_solve(sl.cho_factor(garbled, lower=lower), b))
    _close(fsl.solve(fnp.asarray(garbled), fnp.asarray(b), assume_a="pos", lower=lower), np.linalg.solve(a, b))
    _close(fsl.cholesky(fnp.asarray(a), lower=lower), sl.cholesky(a, lower=lower))
    c = fsl.cho_factor(fnp.asarray(a), lower=lower)
    assert c[1] is lower
    _close(fsl.cho_solve(c, fnp.asarray(b)), sl.cho_solve(sl.cho_factor(a, lower=lower), b))
    _close(fsl.cho_solve(c, fnp.asarray(b[:, 0])), np.linalg.solve(a, b[:, 0]))


@pytest.mark.parametrize("trans", [0, 1, 2])
@pytest.mark.parametrize("bshape", [(5,), (5, 2)])
def test_lu_factor_and_lu_solve(trans, bshape):
    a, b = rng.normal(size=(5, 5)), rng.normal(size=bshape)
    lu, piv = fsl.lu_factor(fnp.asarray(a))
    slu, spiv = sl.lu_factor(a)
    _close(lu, slu)
    np.testing.assert_array_equal(np.asarray(piv), spiv)
    _close(fsl.lu_solve((lu, piv), fnp.asarray(b), trans=trans), sl.lu_solve((slu, spiv), b, trans=trans))


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
def test_lu_forms(shape):
    a = rng.normal(size=shape)
    p, l, u = (np.asarray(x) for x in fsl.lu(fnp.asarray(a)))
    if a.ndim == 2:
        for mine, theirs in zip((p, l, u), sl.lu(a)):
            _close(mine, theirs)
        _close(fsl.lu(fnp.asarray(a), p_indices=True)[0], sl.lu(a, p_indices=True)[0])
        _close(fsl.lu(fnp.asarray(a), permute_l=True)[0], sl.lu(a, permute_l=True)[0])
    _close(p @ l @ u, a)
    idx, l2, u2 = fsl.lu(fnp.asarray(a), p_indices=True)
    _close(np.take_along_axis(np.asarray(l2), np.asarray(idx)[..., None], axis=-2) @ np.asarray(u2), a)


@pytest.mark.parametrize("assume_a", ["gen", "sym", "pos"])
@pytest.mark.parametrize("lower", [False, True])
def test_solve(assume_a, lower):
    a, b = _spd(4), rng.normal(size=(4, 3))
    _close(fsl.solve(fnp.asarray(a), fnp.asarray(b), assume_a=assume_a, lower=lower), np.linalg.solve(a, b))
    g = _general(4)
    _close(fsl.solve(fnp.asarray(g), fnp.asarray(b), transposed=True), np.linalg.solve(g.T, b))


@pytest.mark.parametrize("lower", [False, True])
def test_eigh_standard_and_generalized(lower):
    a, b = _spd(4) - 3 * np.eye(4), _spd(4)
    garbled = np.tril(a) + np.triu(rng.normal(size=(4, 4)), 1) if lower else np.triu(a) + np.tril(rng.normal(size=(4, 4)), -1)
    _close(fsl.eigh(fnp.asarray(garbled), lower=lower, eigvals_only=True), sl.eigvalsh(a))
    w, v = fsl.eigh(fnp.asarray(a), fnp.asarray(b))
    sw = sl.eigh(a, b, eigvals_only=True)
    _close(w, sw)
    v = np.asarray(v)
    _close(a @ v, b @ v * np.asarray(w), atol=1e-10)
    _close(v.T @ b @ v, np.eye(4), atol=1e-10)


@pytest.mark.parametrize("scale", [0.0, 1e-3, 1.0, 7.0, 40.0])
def test_expm_matches_scipy_over_scales(scale):
    a = scale * rng.normal(size=(5, 5)) / 5
    _close(fsl.expm(fnp.asarray(a)), sl.expm(a), rtol=1e-9, atol=1e-12)


def test_expm_batches_jit_float32_and_nonfinite():
    a = rng.normal(size=(3, 4, 4)) * np.array([0.1, 3.0, 30.0])[:, None, None]
    expected = np.stack([sl.expm(m) for m in a])
    _close(fsl.expm(fnp.asarray(a)), expected, rtol=1e-9)
    _close(fx.jit(fsl.expm)(fnp.asarray(a)), expected, rtol=1e-9)
    _close(fx.vmap(fsl.expm)(fnp.asarray(a)), expected, rtol=1e-9)
    _close(fsl.expm(fnp.asarray(a, dtype=fnp.float32)), expected, rtol=2e-4, atol=1e-5)
    assert np.isnan(np.asarray(fsl.expm(fnp.asarray([[np.inf, 0.0], [0.0, 1.0]])))).all()
    assert fsl.expm(fnp.zeros((0, 0))).shape == (0, 0)


def test_block_diag():
    blocks = [np.array([[1, 2], [3, 4]]), np.array(5), np.array([6.5, 7]), np.zeros((0, 2))]
    mine = fsl.block_diag(*map(fnp.asarray, blocks))
    _close(mine, sl.block_diag(*blocks))
    assert mine.dtype == fnp.float64
    _close(fsl.block_diag(), sl.block_diag())
    with pytest.raises(ValueError, match="at most 2"):
        fsl.block_diag(fnp.ones((1, 1, 1)))


def test_derivatives_against_finite_differences():
    a, g, b, spd = _spd(3), _general(3), rng.normal(size=(3, 2)), fnp.asarray(_spd(3))
    check_grads(lambda a, b: fsl.cho_solve(fsl.cho_factor(a), b), (fnp.asarray(a), fnp.asarray(b)), order=2)
    check_grads(lambda g, b: fsl.lu_solve(fsl.lu_factor(g), b, trans=1), (fnp.asarray(g), fnp.asarray(b)), order=1)
    check_grads(lambda g: fsl.expm(g * 0.5), (fnp.asarray(g),), order=1, modes=("fwd", "rev"))
    check_grads(lambda a: fsl.eigh(a, spd, eigvals_only=True), (fnp.asarray(a),), order=1)
    check_grads(lambda g: fsl.solve_triangular(g, fnp.ones(3), lower=True, trans="T"), (fnp.asarray(g),), order=2)


def test_jit_matches_eager():
    a, g, b = fnp.asarray(_spd(4)), fnp.asarray(_general(4)), fnp.asarray(rng.normal(size=(4, 2)))
    for f in (lambda: fsl.cho_solve(fsl.cho_factor(a), b), lambda: fsl.lu_solve(fsl.lu_factor(g), b),
              lambda: fsl.lu(g)[1], lambda: fsl.expm(g), lambda: fsl.eigh(a, eigvals_only=True)):
        _close(fx.jit(f)(), np.asarray(f()), rtol=1e-9)


def test_expm_gradient_through_the_squarings_under_jit():
    a, w = rng.normal(size=(4, 4)) * 3, rng.normal(size=(4, 4))  # 1-norm past 5.4: squared a traced number of times
    grad = fx.jit(fx.grad(lambda a: fnp.sum(fsl.expm(a) * w)))(fnp.asarray(a))
    h, numeric = 1e-6, np.zeros((4, 4))
    for i, j in np.ndindex(4, 4):
        e = np.zeros((4, 4))
        e[i, j] = h
        numeric[i, j] = np.sum((sl.expm(a + e) - sl.expm(a - e)) * w) / (2 * h)
    _close(grad, numeric, rtol=1e-6, atol=1e-6 * np.abs(numeric).max())


def test_solvers_refuse_a_right_hand_side_of_the_wrong_length_and_broadcast_batches():
    m = fnp.asarray(_general(3))
    for solve in (lambda b: fsl.solve(m, b), lambda b: fsl.lu_solve(fsl.lu_factor(m), b),
                  lambda b: fsl.cho_solve(fsl.cho_factor(fnp.asarray(_spd(3))), b), fx.jit(lambda b: fsl.solve(m, b))):
        for bad in (fnp.ones(4), fnp.ones(2), fnp.ones((2, 2)), fnp.ones(())):
            with pytest.raises(ValueError, match="b must have shape"):
                solve(bad)
    b = rng.normal(size=(2, 3, 1))
    for trans in (0, 1):
        _close(fsl.lu_solve(fsl.lu_factor(m), fnp.asarray(b), trans=trans),
               np.linalg.solve(np.asarray(m).T if trans else np.asarray(m), b))
