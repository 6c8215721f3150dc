"""fluxion.scipy.linalg against scipy.linalg: values, batches, jit, vmap and derivatives."""
import numpy as np
import pytest
import scipy.linalg as sl

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl
from fluxion.errors import ShapeError
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


def test_lu_of_a_complex_matrix_gives_a_real_permutation_as_scipys():
    a = rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3))
    got, want = fsl.lu(fnp.asarray(a)), sl.lu(a)
    assert got[0].dtype == want[0].dtype == np.float64
    for mine, theirs in zip(got, want):
        _close(np.asarray(mine), theirs)


@pytest.mark.parametrize("assume_a", ["gen", "sym", "pos"])
@pytest.mark.parametrize("lower", [False, True])
def test_solve(assume_a, lower):
    a, b = _spd(4), rng.normal(size=(4, 3))
    _close(fsl.solve(fnp.asarray(a), fnp.asarray(b), assume_a=assume_a, lower=lower), np.linalg.solve(a, b))
    g = _general(4)
    _close(fsl.solve(fnp.asarray(g), fnp.asarray(b), transposed=True), np.linalg.solve(g.T, b))


@pytest.mark.parametrize("assume_a", ["sym", "her", "pos"])
@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128], ids=lambda d: d.__name__)
def test_structured_solve_reads_one_triangle_as_scipy(assume_a, lower, dtype):
    # a matrix that is not symmetric (nor Hermitian): SciPy reads only its `lower` (or upper) triangle
    a = _spd(4) + np.triu(rng.normal(size=(4, 4)), 1)
    if dtype == np.complex128:
        a = a + 0.3j * rng.normal(size=(4, 4))
    b = rng.normal(size=(4, 2))
    want = sl.solve(a, b, assume_a=assume_a, lower=lower)
    _close(fsl.solve(fnp.asarray(a), fnp.asarray(b), assume_a=assume_a, lower=lower), want)
    _close(fx.jit(lambda a, b: fsl.solve(a, b, assume_a=assume_a, lower=lower))(fnp.asarray(a), fnp.asarray(b)), want)
    if dtype == np.float64:
        _close(fsl.solve(fnp.asarray(a), fnp.asarray(b), assume_a=assume_a, lower=lower, transposed=True),
               sl.solve(a, b, assume_a=assume_a, lower=lower, transposed=True))


@pytest.mark.parametrize("assume_a", ["sym", "pos"])
@pytest.mark.parametrize("lower", [False, True])
def test_structured_solve_gradient_is_that_of_the_triangle_it_reads(assume_a, lower):
    a, b = _spd(4) + np.triu(rng.normal(size=(4, 4)), 1), rng.normal(size=(4, 2))
    f = lambda a: fnp.sum(fsl.solve(a, fnp.asarray(b), assume_a=assume_a, lower=lower) ** 2)  # noqa: E731
    got = np.asarray(fx.grad(f)(fnp.asarray(a)))
    h, want = 1e-6, np.zeros_like(a)
    for i, j in np.ndindex(a.shape):  # central differences of SciPy's solve, entry by entry
        e = np.zeros_like(a)
        e[i, j] = h
        want[i, j] = (np.sum(sl.solve(a + e, b, assume_a=assume_a, lower=lower) ** 2)
                      - np.sum(sl.solve(a - e, b, assume_a=assume_a, lower=lower) ** 2)) / (2 * h)
    _close(got, want, rtol=1e-6, atol=1e-8)
    assert not np.any(np.triu(got, 1) if lower else np.tril(got, -1))  # the other triangle is not read


@pytest.mark.parametrize("lower", [False, True])
def test_eigh_standard_and_generalized(lower):
    a, b = _spd(4) - 3 * np.eye(4), _spd(4)
    garbled = np.tril(a) + np.triu(rng.normal(size=(4, 4)), 1) if lower else np.triu(a) + np.tril(rng.normal(size=(4, 4)), -1)
    _close(fsl.eigh(fnp.asarray(garbled), lower=lower, eigvals_only=True, symmetrize_input=False), sl.eigvalsh(a))
    _close(fsl.eigh(fnp.asarray(garbled), lower=lower, eigvals_only=True), sl.eigvalsh((garbled + garbled.T) / 2))
    w, v = fsl.eigh(fnp.asarray(a), fnp.asarray(b))
    sw = sl.eigh(a, b, eigvals_only=True)
    _close(w, sw)
    v = np.asarray(v)
    _close(a @ v, b @ v * np.asarray(w), atol=1e-10)
    _close(v.T @ b @ v, np.eye(4), atol=1e-10)


def test_eigh_with_b_of_another_size_names_both_shapes():
    with pytest.raises(ShapeError, match=r"a has shape \(3, 3\) and b \(4, 4\)"):
        fsl.eigh(fnp.ones((3, 3)), fnp.eye(4))


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


# Schur-based functions ------------------------------------------------------------------------
def _draw(shape, dtype):
    x = rng.normal(size=shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.normal(size=shape)
    return x.astype(dtype)


def _tol(dtype):
    single = np.dtype(dtype) in (np.float32, np.complex64)
    return {"rtol": 2e-4, "atol": 2e-4} if single else {"rtol": 1e-9, "atol": 1e-11}


def _stacked(fn, *xs):
    """scipy's `fn` over the leading axes of `xs` (one loop)."""
    batch = np.broadcast_shapes(*(x.shape[:-2] for x in xs))
    xs = [np.broadcast_to(x, batch + x.shape[-2:]) for x in xs]
    out = [fn(*(x[i] for x in xs)) for i in np.ndindex(batch)]
    return np.stack(out).reshape(batch + out[0].shape) if batch else out[0]


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("shapes", [((1, 1), (1, 1), (1, 1)), ((3, 3), (2, 2), (3, 2)),
                                    ((2, 4, 4), (3, 3), (1, 4, 3))])
def test_solve_sylvester_matches_scipy_eager_and_compiled(dtype, shapes):
    a, b, q = (_draw(s, dtype) for s in shapes)
    a, b = (x + (3 * np.eye(x.shape[-1])).astype(dtype) for x in (a, b))  # a and -b share no eigenvalue
    expected = _stacked(sl.solve_sylvester, a, b, q)
    args = [fnp.asarray(x) for x in (a, b, q)]
    for got in (fsl.solve_sylvester(*args), fx.jit(fsl.solve_sylvester)(*args)):
        assert got.dtype == np.dtype(dtype) and got.shape == expected.shape
        _close(got, expected, **_tol(dtype))


def test_solve_sylvester_refuses_mismatched_shapes_and_differentiates():
    a, b = fnp.asarray(_general(3)), fnp.asarray(_general(2))
    with pytest.raises(ValueError, match="q must have shape"):
        fsl.solve_sylvester(a, b, fnp.ones((2, 3)))
    with pytest.raises(ValueError, match="square"):
        fsl.solve_sylvester(fnp.ones((3, 2)), b, fnp.ones((3, 2)))
    q = fnp.asarray(rng.normal(size=(3, 2)))
    check_grads(fsl.solve_sylvester, (a, b, q), order=2)
    c = fnp.asarray(_general(2) + 1j * rng.normal(size=(2, 2)))
    check_grads(fsl.solve_sylvester, (c, c, c), order=1)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (2, 3, 3)])
def test_sqrtm_matches_scipy_eager_and_compiled(dtype, shape):
    x = _draw(shape, dtype)
    a = (x @ np.conj(np.swapaxes(x, -1, -2)) + np.eye(shape[-1]) + 0.3 * _draw(shape, dtype)).astype(dtype)
    expected = _stacked(sl.sqrtm, a)
    assert expected.dtype == np.dtype(dtype)  # no negative real eigenvalue: a real root for a real a
    for got in (fsl.sqrtm(fnp.asarray(a)), fx.jit(fsl.sqrtm)(fnp.asarray(a))):
        assert got.dtype == np.dtype(dtype)
        _close(got, expected, **_tol(dtype))


def test_sqrtm_of_a_real_matrix_without_a_real_root_is_nan_and_complex_input_gives_the_complex_root():
    a = np.array([[-4.0, 1.0], [0.0, 9.0]])
    for got in (fsl.sqrtm(fnp.asarray(a)), fx.jit(fsl.sqrtm)(fnp.asarray(a))):
        assert np.isnan(np.asarray(got)).all()
    _close(fsl.sqrtm(fnp.asarray(a, dtype=fnp.complex128)), sl.sqrtm(a))
    _, err = fsl.sqrtm(fnp.asarray(_spd(3)), disp=False)
    assert 0 <= float(err) < 1e-25
    with pytest.raises(ValueError, match="square"):
        fsl.sqrtm(fnp.ones((2, 3)))


def test_sqrtm_derivatives_solve_a_sylvester_equation():
    check_grads(fsl.sqrtm, (fnp.asarray(_spd(3)),), order=2)
    check_grads(fsl.sqrtm, (fnp.asarray(_general(3) + 1j * rng.normal(size=(3, 3))),), order=1)
    a = fnp.asarray(_spd(3, 2))
    grad = fx.grad(lambda a: fnp.sum(fsl.sqrtm(a) * fnp.arange(9.0).reshape(3, 3)))
    _close(fx.jit(fx.vmap(grad))(a), np.stack([np.asarray(grad(m)) for m in a]), rtol=1e-9)


@pytest.mark.parametrize("output", ["real", "complex"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_schur_matches_scipy_and_reconstructs(output, dtype):
    a = _draw((2, 4, 4), dtype)
    t_expected, z_expected = _stacked(lambda m: sl.schur(m, output=output)[0], a), \
        _stacked(lambda m: sl.schur(m, output=output)[1], a)
    for t, z in (fsl.schur(fnp.asarray(a), output), fx.jit(lambda a: fsl.schur(a, output))(fnp.asarray(a))):
        assert t.dtype == t_expected.dtype
        _close(t, t_expected, **_tol(dtype))
        _close(z, z_expected, **_tol(dtype))
        t, z = np.asarray(t), np.asarray(z)
        _close(z @ t @ np.conj(np.swapaxes(z, -1, -2)), a, **_tol(dtype))
    t, _ = fsl.schur(fnp.asarray(a[0, :1, :1]), output)
    _close(t, a[0, :1, :1])


def test_schur_and_hessenberg_refuse_bad_arguments_naming_the_fix():
    a = fnp.asarray(_general(3))
    assert fx.grad(lambda a: fnp.sum(fsl.schur(fx.stop_gradient(a))[0]) * fnp.sum(a))(a).shape == (3, 3)
    with pytest.raises(ValueError, match="output"):
        fsl.schur(a, output="upper")
    with pytest.raises(NotImplementedError, match="sort"):
        fsl.schur(a, sort="lhp")
    with pytest.raises(ValueError, match="square"):
        fsl.hessenberg(fnp.ones((2, 3)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
@pytest.mark.parametrize("n", [1, 2, 5])
def test_hessenberg_matches_scipy(dtype, n):
    a = _draw((n, n), dtype)
    h_expected, q_expected = sl.hessenberg(a, calc_q=True)
    _close(fsl.hessenberg(fnp.asarray(a)), h_expected, **_tol(dtype))
    for h, q in (fsl.hessenberg(fnp.asarray(a), calc_q=True),
                 fx.jit(lambda a: fsl.hessenberg(a, calc_q=True))(fnp.asarray(a))):
        _close(h, h_expected, **_tol(dtype))
        _close(q, q_expected, **_tol(dtype))


@pytest.mark.parametrize("n", [1, 3, 6])
def test_rsf2csf_matches_scipy(n):
    a = rng.normal(size=(2, n, n))
    real = [sl.schur(m) for m in a]
    expected = [sl.rsf2csf(t, z) for t, z in real]
    t, z = (fnp.asarray(np.stack([f[i] for f in real])) for i in (0, 1))
    for got in (fsl.rsf2csf(t, z), fx.jit(fsl.rsf2csf)(t, z)) if n == 3 else (fsl.rsf2csf(t, z),):
        for i in (0, 1):
            _close(got[i], np.stack([e[i] for e in expected]), atol=1e-13)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("n", [1, 2, 5])
def test_funm_matches_scipy(dtype, n):
    a = _draw((n, n), dtype)
    for func, scipy_func in ((fnp.exp, np.exp), (lambda x: x ** 3 - 2 * x, lambda x: x ** 3 - 2 * x)):
        expected = sl.funm(a, scipy_func)
        for got in (fsl.funm(fnp.asarray(a), func), fx.jit(lambda a, func=func: fsl.funm(a, func))(fnp.asarray(a))):
            assert got.dtype == np.dtype(dtype)
            _close(got, expected, **(_tol(dtype) if dtype == np.float32 else {"rtol": 1e-8, "atol": 1e-11}))
    _close(fsl.funm(fnp.asarray(a), fnp.exp, disp=False)[1], sl.funm(a, np.exp, disp=False)[1], rtol=1e-3, atol=1e-6)
    batch = _draw((3, n, n), dtype)
    _close(fx.vmap(lambda a: fsl.funm(a, fnp.sin))(fnp.asarray(batch)), np.stack([sl.funm(m, np.sin) for m in batch]),
           **(_tol(dtype) if dtype == np.float32 else {"rtol": 1e-8, "atol": 1e-11}))


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("shape, scale", [((1, 1), 1.0), ((4, 4), 0.1), ((4, 4), 10.0), ((2, 3, 3), 3.0)])
def test_expm_frechet_matches_scipy(dtype, shape, scale):
    a, e = (scale * _draw(shape, dtype)).astype(dtype), _draw(shape, dtype)
    expected = [_stacked(lambda a, e, i=i: sl.expm_frechet(a, e)[i], a, e) for i in (0, 1)]
    tol = _tol(dtype) if dtype == np.float32 else {"rtol": 1e-9, "atol": 1e-12 * np.abs(expected[1]).max()}
    a, e = fnp.asarray(a), fnp.asarray(e)
    for got in (fsl.expm_frechet(a, e), fx.jit(fsl.expm_frechet)(a, e)):
        assert got[1].dtype == np.dtype(dtype)
        for g, x in zip(got, expected):
            _close(g, x, **tol)
    _close(fsl.expm_frechet(a, e, compute_expm=False), expected[1], **tol)


def test_expm_frechet_is_the_derivative_of_expm_and_differentiates():
    a, e = fnp.asarray(_general(3) / 3), fnp.asarray(rng.normal(size=(3, 3)))
    _, tangent = fx.jvp(fsl.expm, (a,), (e,))
    _close(fsl.expm_frechet(a, e, compute_expm=False), tangent, rtol=1e-10)
    check_grads(lambda a, e: fsl.expm_frechet(a, e, compute_expm=False), (a, e), order=1)
    with pytest.raises(ValueError, match="shape"):
        fsl.expm_frechet(a, fnp.ones((2, 2)))
    _close(fsl.expm_frechet(a, fnp.zeros((3, 3)), compute_expm=False), np.zeros((3, 3)))


@pytest.mark.parametrize("n", [1, 2, 6])
def test_eigh_tridiagonal_matches_scipy(n):
    d, e = rng.normal(size=n), rng.normal(size=n - 1)
    w, v = sl.eigh_tridiagonal(d, e)
    for mw, mv in (fsl.eigh_tridiagonal(fnp.asarray(d), fnp.asarray(e)),
                   fx.jit(fsl.eigh_tridiagonal)(fnp.asarray(d), fnp.asarray(e))):
        _close(mw, w)
        _close(np.abs(np.asarray(mv)), np.abs(v), atol=1e-10)  # eigenvectors up to their signs
    _close(fsl.eigh_tridiagonal(fnp.asarray(d, dtype=fnp.float32), fnp.asarray(e, dtype=fnp.float32),
                                eigvals_only=True), w, rtol=1e-5, atol=1e-5)
    if n > 2:
        for select, bounds in (("i", (1, n - 2)), ("v", (-0.5, 1.0))):
            _close(fsl.eigh_tridiagonal(fnp.asarray(d), fnp.asarray(e), eigvals_only=True, select=select,
                                        select_range=bounds),
                   sl.eigh_tridiagonal(d, e, eigvals_only=True, select=select, select_range=bounds))


def test_eigh_tridiagonal_batches_differentiates_and_refuses_bad_arguments():
    d, e = rng.normal(size=(3, 5)), rng.normal(size=(3, 4))
    _close(fx.vmap(lambda d, e: fsl.eigh_tridiagonal(d, e, eigvals_only=True))(fnp.asarray(d), fnp.asarray(e)),
           [sl.eigh_tridiagonal(di, ei, eigvals_only=True) for di, ei in zip(d, e)])
    check_grads(lambda d, e: fsl.eigh_tridiagonal(d, e, eigvals_only=True), (fnp.asarray(d[0]), fnp.asarray(e[0])),
                order=2)
    with pytest.raises(ValueError, match="e must have shape"):
        fsl.eigh_tridiagonal(fnp.ones(4), fnp.ones(4))
    with pytest.raises(ValueError, match="select"):
        fsl.eigh_tridiagonal(fnp.ones(4), fnp.ones(3), select="x")
    with pytest.raises(ValueError, match="select_range"):
        fsl.eigh_tridiagonal(fnp.ones(4), fnp.ones(3), select="i", select_range=(2, 4))
    with pytest.raises(TypeError, match="complex"):
        fsl.eigh_tridiagonal(fnp.ones(4), fnp.ones(3) * 1j)


@pytest.mark.parametrize("mode, a_shape, c_shape", [("left", (4, 3), (3, 2)), ("right", (4, 3), (2, 4)),
                                                    ("left", (3, 4), (3,)), ("right", (3, 4), (3,)),
                                                    ("left", (1, 1), (1, 1))])
@pytest.mark.parametrize("conjugate", [False, True])
def test_qr_multiply_matches_scipy(mode, a_shape, c_shape, conjugate):
    a, c = _draw(a_shape, np.complex128), rng.normal(size=c_shape)
    expected = sl.qr_multiply(a, c, mode=mode, conjugate=conjugate)
    f = lambda a, c: fsl.qr_multiply(a, c, mode=mode, conjugate=conjugate)
    for got in (f(fnp.asarray(a), fnp.asarray(c)), fx.jit(f)(fnp.asarray(a), fnp.asarray(c))):
        for g, x in zip(got, expected):
            assert g.shape == x.shape
            _close(g, x)


def test_qr_multiply_differentiates_and_refuses_bad_arguments():
    a, c = fnp.asarray(rng.normal(size=(4, 3))), fnp.asarray(rng.normal(size=(2, 4)))
    check_grads(lambda a, c: fsl.qr_multiply(a, c)[0], (a, c), order=1)
    with pytest.raises(ValueError, match="c needs 4 columns"):
        fsl.qr_multiply(a, fnp.ones((2, 3)))
    with pytest.raises(ValueError, match="c needs 3 rows"):
        fsl.qr_multiply(a, fnp.ones((4, 2)), mode="left")
    with pytest.raises(ValueError, match="mode"):
        fsl.qr_multiply(a, c, mode="up")
    with pytest.raises(NotImplementedError, match="pivoting"):
        fsl.qr_multiply(a, c, pivoting=True)

