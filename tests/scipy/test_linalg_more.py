"""fluxion.scipy.linalg's matrix functions, eigenproblems, SVD-based and structured solvers
against scipy.linalg: values (eager and compiled), batches, derivatives and bad arguments."""
import warnings

import numpy as np
import pytest
import scipy.linalg as sl

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl
from fluxion.errors import ConcretizationError
from fluxion.test_util import check_grads

rng = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _reseed():
    """Each test draws the same numbers however the tests are spread over workers."""
    global rng
    rng = np.random.default_rng(0)


def _draw(shape, dtype):
    x = rng.normal(size=shape)
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.normal(size=shape)
    return x.astype(dtype)


def _tol(dtype):
    single = np.dtype(dtype) in (np.float32, np.complex64)
    return {"rtol": 2e-4, "atol": 2e-4} if single else {"rtol": 1e-9, "atol": 1e-11}


def _sorted(w):
    """Eigenvalues in an order that rounding does not change: by real part to 8 digits, then imaginary part."""
    w = np.asarray(w)
    return np.take_along_axis(w, np.lexsort((w.imag, np.round(w.real, 8)), axis=-1), axis=-1)


def _close(actual, expected, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=rtol, atol=atol)


def _stacked(fn, *xs):
    """scipy's `fn` of matrices over the leading axes of `xs` (one loop)."""
    batch = np.broadcast_shapes(*(x.shape[:-2] for x in xs))
    xs = [np.broadcast_to(x, batch + x.shape[-2:]) for x in xs]
    out = [fn(*(x[i] for x in xs)) for i in np.ndindex(batch)]
    return np.stack(out).reshape(batch + out[0].shape) if batch else out[0]


def _eager_and_compiled(f, *args, compiled=True):
    """`f(*args)` eagerly, and under fx.jit when `compiled` (compiling is slow: only some cases do)."""
    return [f(*args)] + ([fx.jit(f)(*args)] if compiled else [])


def _positive(shape, dtype):
    """Matrices whose eigenvalues have positive real parts (no real root or logarithm is missing)."""
    x = _draw(shape, dtype)
    gram = x @ np.conj(np.swapaxes(x, -1, -2)) / shape[-1]
    return (gram + np.eye(shape[-1]) + 0.3 * _draw(shape, dtype)).astype(dtype)


def _split(shape, dtype):
    """Matrices with eigenvalues on both sides of the imaginary axis, away from it."""
    signs = np.diag(np.resize([3.0, -3.0], shape[-1]))
    return (0.5 * _draw(shape, dtype) + signs).astype(dtype)


def _scipy_quietly(fn):
    def call(*args):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args)
    return call


# matrix functions ----------------------------------------------------------------------------
_MATRIX_FUNCTIONS = {
    "logm": (fsl.logm, sl.logm, _positive),
    "fractional_matrix_power": (lambda a: fsl.fractional_matrix_power(a, 0.3),
                                lambda a: sl.fractional_matrix_power(a, 0.3), _positive),
    "integer_matrix_power": (lambda a: fsl.fractional_matrix_power(a, -2),
                             lambda a: sl.fractional_matrix_power(a, -2), _positive),
    "signm": (fsl.signm, sl.signm, _split),
    "cosm": (fsl.cosm, sl.cosm, _draw),
    "sinm": (fsl.sinm, sl.sinm, _draw),
    "tanm": (fsl.tanm, sl.tanm, lambda s, d: (0.3 * _draw(s, d)).astype(d)),
    "coshm": (fsl.coshm, sl.coshm, _draw),
    "sinhm": (fsl.sinhm, sl.sinhm, _draw),
    "tanhm": (fsl.tanhm, sl.tanhm, _draw),
}


@pytest.mark.parametrize("name", sorted(_MATRIX_FUNCTIONS))
@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (2, 3, 3)])
def test_matrix_functions_match_scipy_in_dtype_and_batches(name, dtype, shape):
    mine, theirs, draw = _MATRIX_FUNCTIONS[name]
    a = draw(shape, dtype)
    expected = _stacked(_scipy_quietly(theirs), a.astype(np.complex128 if np.dtype(dtype).kind == "c" else np.float64))
    got = mine(fnp.asarray(a))
    assert got.dtype == np.dtype(dtype) and got.shape == expected.shape
    _close(got, expected, **_tol(dtype))


@pytest.mark.parametrize("name", sorted(_MATRIX_FUNCTIONS))
def test_matrix_functions_compile_and_take_empty_matrices(name):
    mine, theirs, draw = _MATRIX_FUNCTIONS[name]
    a = fnp.asarray(draw((2, 3, 3), np.float64))
    if name in ("logm", "tanm", "tanhm"):  # every path (compiling is slow: the others share theirs)
        _close(fx.jit(mine)(a), np.asarray(mine(a)), rtol=1e-9)
    assert mine(fnp.zeros((0, 0))).shape == (0, 0)
    with pytest.raises(ValueError, match="square"):
        mine(fnp.ones((2, 3)))


def test_logm_maps_over_a_batch_with_a_square_root_count_per_matrix():
    a = _positive((3, 3, 3), np.float64) * np.array([1e-3, 1.0, 1e3])[:, None, None]
    _close(fx.vmap(fsl.logm)(fnp.asarray(a)), _stacked(_scipy_quietly(sl.logm), a), rtol=1e-9, atol=1e-11)


def test_logm_and_fractional_powers_of_a_real_matrix_without_a_real_result_are_nan_complex_input_gives_it():
    a = np.array([[-4.0, 1.0], [0.0, 9.0]])
    for f in (fsl.logm, lambda a: fsl.fractional_matrix_power(a, 0.5)):
        assert np.isnan(np.asarray(f(fnp.asarray(a)))).all()
    _close(fsl.logm(fnp.asarray(a, dtype=fnp.complex128)), sl.logm(a))
    _close(fsl.fractional_matrix_power(fnp.asarray(a, dtype=fnp.complex128), 0.5),
           sl.fractional_matrix_power(a, 0.5))
    _close(fsl.expm(fsl.logm(fnp.asarray(a, dtype=fnp.complex128))), a)


def test_logm_takes_many_square_roots_of_a_spread_spectrum_and_reports_its_error():
    a = np.diag([1e-6, 1.0, 1e6]) + np.triu(rng.normal(size=(3, 3)), 1)
    _close(fsl.logm(fnp.asarray(a)), _scipy_quietly(sl.logm)(a), rtol=1e-9, atol=1e-9)
    f, err = fsl.logm(fnp.asarray(_positive((4, 4), np.float64)), disp=False)
    assert 0 <= float(err) < 1e-13
    s, err = fsl.signm(fnp.asarray(_split((4, 4), np.float64)), disp=False)
    assert 0 <= float(err) < 1e-12


def test_matrix_function_derivatives_match_finite_differences():
    p, g = fnp.asarray(_positive((3, 3), np.float64)), fnp.asarray(0.5 * _draw((3, 3), np.float64))
    check_grads(fsl.logm, (p,), order=1)
    check_grads(lambda a: fsl.fractional_matrix_power(a, 0.3), (p,), order=1)
    check_grads(lambda t: fsl.fractional_matrix_power(p, t), (fnp.asarray(0.3, dtype=fnp.float64),), order=1)
    check_grads(fsl.signm, (fnp.asarray(_split((3, 3), np.float64)),), order=1)
    for f in (fsl.cosm, fsl.sinm, fsl.tanm, fsl.coshm, fsl.sinhm, fsl.tanhm):
        check_grads(f, (g,), order=1)
    check_grads(fsl.logm, (fnp.asarray(_positive((2, 2), np.complex128)),), order=1, modes=("fwd",))


def test_logm_gradient_under_jit_matches_eager():
    a, w = fnp.asarray(_positive((3, 3), np.float64) * 40), fnp.asarray(rng.normal(size=(3, 3)))
    grad = fx.grad(lambda a: fnp.sum(fsl.logm(a) * w))
    _close(fx.jit(grad)(a), np.asarray(grad(a)), rtol=1e-9)


# eigenproblems -------------------------------------------------------------------------------
def _phase_free(v):
    """Unit columns with their largest entry made real and positive (eigenvectors up to phase)."""
    v = np.asarray(v)
    top = np.take_along_axis(v, np.argmax(np.abs(v), axis=-2)[..., None, :], axis=-2)
    return v * np.conj(top) / np.abs(top)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("n", [1, 4])
def test_eig_matches_scipy_with_left_and_right_vectors(dtype, n):
    a = _draw((n, n), dtype)
    w, vl, vr = sl.eig(a, left=True)
    for got in _eager_and_compiled(lambda a: fsl.eig(a, left=True), fnp.asarray(a),
                                   compiled=dtype == np.float64 and n > 1):
        _close(got[0], w, **_tol(dtype))
        _close(_phase_free(got[1]), _phase_free(vl), **_tol(dtype))
        _close(_phase_free(got[2]), _phase_free(vr), **_tol(dtype))
    assert fsl.eig(fnp.asarray(a), left=True, right=False)[1].shape == (n, n)
    _close(fsl.eig(fnp.asarray(a), right=False), w, **_tol(dtype))
    # without eigenvectors LAPACK may order a conjugate pair the other way
    _close(_sorted(np.asarray(fsl.eigvals(fnp.asarray(a)))), _sorted(w), **_tol(dtype))
    alpha, beta = np.asarray(fsl.eigvals(fnp.asarray(a), homogeneous_eigvals=True))
    _close(_sorted(alpha / beta), _sorted(w), **_tol(dtype))


def test_generalized_eig_batches_and_empty():
    a, b = _draw((2, 4, 4), np.float64), _draw((4, 4), np.float64) + 4 * np.eye(4)
    w, v = fsl.eig(fnp.asarray(a), fnp.asarray(b))
    expected = _stacked(lambda a, b: sl.eigvals(a, b), a, b)
    _close(_sorted(np.asarray(w)), _sorted(expected))
    v = np.asarray(v)
    _close(a @ v, b @ v * np.asarray(w)[..., None, :], atol=1e-10)
    _close(np.linalg.norm(v, axis=-2), np.ones((2, 4)))
    alpha, beta = np.asarray(fsl.eigvals(fnp.asarray(a[0]), fnp.asarray(b), homogeneous_eigvals=True))
    _close(_sorted(alpha / beta), _sorted(expected[0]))
    assert fsl.eig(fnp.zeros((0, 0)))[0].shape == (0,)
    with pytest.raises(ValueError, match="one matrix size"):
        fsl.eig(fnp.ones((3, 3)), fnp.eye(2))


def test_eigenvalue_derivatives_match_finite_differences():
    a = fnp.asarray(_draw((3, 3), np.float64))
    check_grads(lambda a: fsl.eigvals(a), (a,), order=1)
    check_grads(lambda a, b: fsl.eigvals(a, b), (a, fnp.asarray(_draw((3, 3), np.float64) + 3 * np.eye(3))), order=1)
    check_grads(lambda a: fsl.cdf2rdf(*fsl.eig(a))[0], (fnp.asarray([[1.0, -2.0], [2.0, 1.0]]),), order=1)


@pytest.mark.parametrize("type_", [1, 2, 3])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_eigvalsh_and_eigh_of_every_generalized_type_match_scipy(type_, dtype):
    x = _draw((4, 4), dtype)
    p = _draw((4, 4), dtype)
    a, b = x + np.conj(x.T), p @ np.conj(p.T) + np.eye(4)
    expected = sl.eigvalsh(a, b, type=type_)
    _close(fsl.eigvalsh(fnp.asarray(a), fnp.asarray(b), type=type_), expected)
    _close(fsl.eigvalsh(fnp.asarray(a)), sl.eigvalsh(a))
    w, v = (np.asarray(x) for x in fsl.eigh(fnp.asarray(a), fnp.asarray(b), type=type_))
    _, v_expected = sl.eigh(a, b, type=type_)
    _close(_phase_free(v), _phase_free(v_expected), rtol=1e-8)
    _close(fsl.eigvalsh(fnp.asarray(a), subset_by_index=(1, 2)), sl.eigvalsh(a, subset_by_index=(1, 2)))
    with pytest.raises(ValueError, match="type"):
        fsl.eigvalsh(fnp.asarray(a), type=4)


def test_cdf2rdf_matches_scipy_on_eig_and_batches():
    a = rng.normal(size=(3, 5, 5))
    w, v = _stacked(lambda a: sl.eig(a)[0][None], a)[..., 0, :], _stacked(lambda a: sl.eig(a)[1], a)
    expected = [_stacked(lambda w, v: sl.cdf2rdf(w[0], v)[i], w[..., None, :], v) for i in (0, 1)]
    for got in (fsl.cdf2rdf(fnp.asarray(w), fnp.asarray(v)), fx.jit(fsl.cdf2rdf)(fnp.asarray(w), fnp.asarray(v))):
        _close(got[0], expected[0])
        _close(got[1], expected[1])
    wr, vr = (np.asarray(x) for x in fsl.cdf2rdf(fnp.asarray(w), fnp.asarray(v)))
    _close(a @ vr, vr @ wr, atol=1e-10)
    with pytest.raises(ValueError, match="eigenvectors"):
        fsl.cdf2rdf(fnp.ones(3), fnp.ones((3, 2)))


# SVD-based ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3), (0, 0), (1, 1)])
def test_pinv_pinvh_and_svdvals_match_scipy(dtype, shape):
    a = _draw(shape, dtype)
    if shape[-1] > 1:
        a[..., -1] = a[..., 0]  # rank-deficient
    for tol in ({}, {"atol": 0.5}, {"rtol": 0.3}):
        got, rank = fsl.pinv(fnp.asarray(a), return_rank=True, **tol)
        _close(got, _stacked(lambda a: sl.pinv(a, **tol), a), **_tol(dtype))
        if a.ndim == 2:
            assert int(rank) == sl.pinv(a, return_rank=True, **tol)[1]
    _close(fsl.svdvals(fnp.asarray(a)), np.linalg.svd(a, compute_uv=False), **_tol(dtype))
    if shape[-1] == shape[-2]:
        h = a + np.conj(np.swapaxes(a, -1, -2))
        pinvh, rank = fsl.pinvh(fnp.asarray(h), return_rank=True)
        _close(pinvh, _stacked(sl.pinvh, h), **_tol(dtype))
        _close(fx.jit(fsl.pinvh)(fnp.asarray(np.tril(h))), _stacked(sl.pinvh, h), **_tol(dtype))
        if h.ndim == 2:
            assert int(rank) == sl.pinvh(h, return_rank=True)[1]


def test_pinv_batches_compiles_differentiates_and_refuses_negative_tolerances():
    a = fnp.asarray(_draw((2, 4, 3), np.float64))
    _close(fx.jit(fsl.pinv)(a), np.asarray(fsl.pinv(a)), rtol=1e-9)
    _close(fx.vmap(fsl.pinv)(a), np.asarray(fsl.pinv(a)), rtol=1e-9)
    check_grads(fsl.pinv, (a,), order=1)
    h = _draw((3, 3), np.float64)
    check_grads(fsl.pinvh, (fnp.asarray(h + h.T),), order=1)
    with pytest.raises(ValueError, match="non-negative"):
        fsl.pinv(a, rtol=-1.0)
    with pytest.raises(ValueError, match="non-negative"):
        fsl.pinvh(fnp.eye(2), atol=-1.0)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (1, 1)])
@pytest.mark.parametrize("vector", [False, True])
def test_lstsq_matches_scipy(shape, vector):
    a, b = rng.normal(size=shape), rng.normal(size=(shape[0],) if vector else (shape[0], 2))
    x, res, rank, s = fsl.lstsq(fnp.asarray(a), fnp.asarray(b))
    sx, sres, srank, ss = sl.lstsq(a, b)
    _close(x, sx)
    _close(res, sres)
    assert np.shape(res) == np.shape(sres) and int(rank) == srank
    _close(s, ss)
    _close(fx.jit(lambda a, b: fsl.lstsq(a, b)[0])(fnp.asarray(a), fnp.asarray(b)), sx)
    deficient = np.concatenate([a, a[:, :1]], axis=1)
    _close(fsl.lstsq(fnp.asarray(deficient), fnp.asarray(b), cond=1e-10)[0], sl.lstsq(deficient, b, cond=1e-10)[0])
    assert int(fsl.lstsq(fnp.asarray(deficient), fnp.asarray(b))[2]) == sl.lstsq(deficient, b)[2]


def test_lstsq_differentiates_and_refuses_bad_arguments():
    a, b = fnp.asarray(rng.normal(size=(5, 3))), fnp.asarray(rng.normal(size=(5, 2)))
    check_grads(lambda a, b: fsl.lstsq(a, b)[0], (a, b), order=1)
    with pytest.raises(ValueError, match="lapack_driver"):
        fsl.lstsq(a, b, lapack_driver="gels")
    with pytest.raises(ValueError, match="as many rows"):
        fsl.lstsq(a, fnp.ones(4))


@pytest.mark.parametrize("ord_, axis", [(None, None), ("fro", None), (1, None), (-np.inf, None), (2, None),
                                        ("nuc", None), (3, 1), (None, (0, 1))])
def test_norm_matches_scipy(ord_, axis):
    a = rng.normal(size=(3, 4))
    _close(fsl.norm(fnp.asarray(a), ord_, axis), sl.norm(a, ord_, axis))
    _close(fsl.norm(fnp.asarray(a), ord_, axis, keepdims=True), sl.norm(a, ord_, axis, keepdims=True))


@pytest.mark.parametrize("shape, rank", [((3, 4), 2), ((5, 3), 3), ((4, 4), 1), ((2, 2), 0)])
def test_null_space_and_orth_match_scipy(shape, rank):
    a = rng.normal(size=(shape[0], rank)) @ rng.normal(size=(rank, shape[1]))
    for mine, theirs in ((fsl.null_space, sl.null_space), (fsl.orth, sl.orth)):
        got, expected = np.asarray(mine(fnp.asarray(a))), theirs(a)
        assert got.shape == expected.shape
        _close(got @ got.T, expected @ expected.T, atol=1e-10)  # the same subspace
    _close(np.asarray(fsl.null_space(fnp.asarray(a), rcond=0.9)).shape, sl.null_space(a, rcond=0.9).shape)
    with pytest.raises(ConcretizationError):
        fx.jit(fsl.orth)(fnp.asarray(a))
    with pytest.raises(ValueError, match="one matrix"):
        fsl.null_space(fnp.ones((2, 3, 3)))


@pytest.mark.parametrize("s_len, m, n", [(3, 3, 5), (3, 5, 3), (2, 2, 2), (0, 0, 2)])
def test_diagsvd_matches_scipy(s_len, m, n):
    s = rng.normal(size=s_len)
    got = fsl.diagsvd(fnp.asarray(s), m, n)
    _close(got, sl.diagsvd(s, m, n))
    assert fsl.diagsvd(fnp.asarray([1, 2]), 2, 3).dtype == fnp.int64
    _close(fsl.diagsvd(fnp.asarray(np.stack([s, 2 * s])), m, n),
           np.stack([sl.diagsvd(s, m, n), sl.diagsvd(2 * s, m, n)]))
    with pytest.raises(ValueError, match="min"):
        fsl.diagsvd(fnp.ones(4), 3, 5)


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("shape", [(4, 3), (3, 3), (2, 5, 2)])
def test_orthogonal_procrustes_matches_scipy(dtype, shape):
    a, b = _draw(shape, dtype), _draw(shape, dtype)
    r, scale = fsl.orthogonal_procrustes(fnp.asarray(a), fnp.asarray(b))
    _close(r, _stacked(lambda a, b: sl.orthogonal_procrustes(a, b)[0], a, b), **_tol(dtype))
    _close(scale, _stacked(lambda a, b: np.asarray(sl.orthogonal_procrustes(a, b)[1])[None, None], a, b)[..., 0, 0],
           **_tol(dtype))
    if dtype == np.float64 and len(shape) == 2:
        check_grads(fsl.orthogonal_procrustes, (fnp.asarray(a), fnp.asarray(b)), order=1)
    with pytest.raises(ValueError, match="one matrix shape"):
        fsl.orthogonal_procrustes(fnp.ones((3, 2)), fnp.ones((2, 3)))


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (2, 3, 4), (1, 1)])
@pytest.mark.parametrize("mode", ["full", "economic", "r"])
def test_rq_matches_scipy_up_to_signs(dtype, shape, mode):
    a = _draw(shape, dtype)
    got = fsl.rq(fnp.asarray(a), mode=mode)
    if mode == "r":
        _close(np.abs(got), np.abs(_stacked(lambda a: sl.rq(a, mode="r"), a)), **_tol(dtype))
        return
    r, q = (np.asarray(x) for x in got)
    sr, sq = _stacked(lambda a: sl.rq(a, mode=mode)[0], a), _stacked(lambda a: sl.rq(a, mode=mode)[1], a)
    assert r.shape == sr.shape and q.shape == sq.shape
    k = min(shape[-2:])
    _close(np.abs(r), np.abs(sr), **_tol(dtype))  # R, and Q's last K rows, are unique up to signs
    _close(np.abs(q[..., -k:, :]), np.abs(sq[..., -k:, :]), **_tol(dtype))
    _close(r @ q, a, **_tol(dtype))
    _close(q @ np.conj(np.swapaxes(q, -1, -2)), np.broadcast_to(np.eye(q.shape[-2]), q.shape[:-1] + q.shape[-2:-1]),
           **_tol(dtype))


def test_rq_differentiates_and_refuses_bad_modes():
    check_grads(lambda a: fsl.rq(a, mode="economic"), (fnp.asarray(rng.normal(size=(3, 4))),), order=1)
    with pytest.raises(ValueError, match="mode"):
        fsl.rq(fnp.ones((2, 2)), mode="raw")


@pytest.mark.parametrize("shapes", [((5, 2), (5, 3)), ((5, 3), (5, 2)), ((4, 4), (4, 1)), ((3, 1), (3, 1))])
@pytest.mark.parametrize("dtype", [np.float64, np.complex128])
def test_subspace_angles_match_scipy(shapes, dtype):
    a, b = (_draw(s, dtype) for s in shapes)
    expected = sl.subspace_angles(a, b)
    _close(fsl.subspace_angles(fnp.asarray(a), fnp.asarray(b)), expected, rtol=1e-8, atol=1e-8)
    if dtype == np.float64 and shapes[0][1] == 2:
        _close(fx.jit(fsl.subspace_angles)(fnp.asarray(a), fnp.asarray(b)), expected, rtol=1e-8, atol=1e-8)
    _close(fsl.subspace_angles(fnp.asarray(a), fnp.asarray(a @ rng.normal(size=(shapes[0][1],) * 2))), 0, atol=1e-7)


def test_subspace_angles_batch_differentiate_and_refuse_mismatched_rows():
    a, b = rng.normal(size=(2, 5, 2)), rng.normal(size=(5, 3))
    _close(fsl.subspace_angles(fnp.asarray(a), fnp.asarray(b)), np.stack([sl.subspace_angles(x, b) for x in a]))
    check_grads(fsl.subspace_angles, (fnp.asarray(a[0]), fnp.asarray(b)), order=1)
    # two planes in 3 dimensions share a line, so one angle is 0: the other's derivative stays finite
    p, q, w = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), np.array([1.0, 0.0])
    check_grads(lambda p: fnp.sum(w * fsl.subspace_angles(p, fnp.asarray(q))), (fnp.asarray(p),), order=1)
    with pytest.raises(ValueError, match="rows"):
        fsl.subspace_angles(fnp.ones((3, 2)), fnp.ones((4, 2)))


# structure ------------------------------------------------------------------------------------
def test_khatri_rao_matches_scipy_and_batches():
    a, b = rng.integers(-5, 5, size=(3, 4)), rng.integers(-5, 5, size=(2, 4))
    got = fsl.khatri_rao(fnp.asarray(a), fnp.asarray(b))
    np.testing.assert_array_equal(np.asarray(got), sl.khatri_rao(a, b))
    assert got.dtype == fnp.int64
    batch = rng.normal(size=(2, 3, 4))
    _close(fsl.khatri_rao(fnp.asarray(batch), fnp.asarray(b * 1.0)), sl.khatri_rao(batch, b * 1.0))
    _close(fx.jit(fsl.khatri_rao)(fnp.asarray(batch), fnp.asarray(b * 1.0)), sl.khatri_rao(batch, b * 1.0))
    with pytest.raises(ValueError, match="columns"):
        fsl.khatri_rao(fnp.ones((2, 3)), fnp.ones((2, 2)))


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.int64, np.float32])
def test_issymmetric_and_ishermitian_match_scipy(dtype):
    x = _draw((4, 4), dtype) if dtype != np.int64 else rng.integers(-5, 5, size=(4, 4))
    cases = [x, x + x.T, x + np.conj(x.T), np.zeros((0, 0), dtype), np.ones((1, 1), dtype),
             (x + x.T) * (1 + 1e-9 * rng.normal(size=(4, 4)))]
    if dtype in (np.float64, np.complex128):
        cases.append(np.array([[1, np.nan], [np.nan, 2]], dtype))
        cases.append(np.array([[np.nan, 1], [1, 2]], dtype))
    for a in cases:
        for tol in ({}, {"atol": 1e-6}, {"rtol": 1e-6}):
            if a.dtype.kind in "iu" and tol:
                continue
            for mine, theirs in ((fsl.issymmetric, sl.issymmetric), (fsl.ishermitian, sl.ishermitian)):
                assert bool(mine(fnp.asarray(a), **tol)) == theirs(a, **tol), (mine.__name__, a, tol)
    batch = np.stack([x + x.T, x])
    np.testing.assert_array_equal(np.asarray(fx.jit(fsl.issymmetric)(fnp.asarray(batch))), sl.issymmetric(batch))
    with pytest.raises(ValueError, match="square"):
        fsl.issymmetric(fnp.ones((2, 3)))


@pytest.mark.parametrize("shape", [(4, 4), (3, 6), (6, 3), (0, 0), (1, 1)])
def test_bandwidth_matches_scipy(shape):
    a = rng.normal(size=shape)
    for lo, up in ((0, 0), (1, 0), (0, 2), (2, 1), (10, 10)):
        band = np.triu(np.tril(a, up), -lo)
        assert tuple(int(b) for b in fsl.bandwidth(fnp.asarray(band))) == sl.bandwidth(band)
    batch = np.stack([np.triu(a), np.tril(a)])
    got = fx.jit(fsl.bandwidth)(fnp.asarray(batch))
    for g, e in zip(got, sl.bandwidth(batch)):
        np.testing.assert_array_equal(np.asarray(g), e)
    with pytest.raises(ValueError, match="matrices"):
        fsl.bandwidth(fnp.ones(3))


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("c_shape, b_shape, axes", [((4,), (4,), {}), ((4,), (4, 3), {}),
                                                    ((2, 4), (4, 2), {"caxis": -1, "baxis": 0, "outaxis": 0}),
                                                    ((4, 2), (3, 1, 4), {"caxis": 0, "baxis": -1, "outaxis": -1}),
                                                    ((1,), (1,), {})])
def test_solve_circulant_matches_scipy(dtype, c_shape, b_shape, axes):
    c, b = _draw(c_shape, dtype), _draw(b_shape, dtype)
    expected = sl.solve_circulant(c, b, **axes)
    for got in _eager_and_compiled(lambda c, b: fsl.solve_circulant(c, b, **axes), fnp.asarray(c), fnp.asarray(b),
                                   compiled=dtype == np.float64 and len(b_shape) > 1):
        assert got.dtype == np.dtype(dtype) and got.shape == expected.shape
        _close(got, expected, **_tol(dtype))


def test_solve_circulant_least_squares_differentiates_and_refuses_bad_arguments():
    c, b = np.array([1.0, 1.0, 1.0, 1.0]), rng.normal(size=4)  # eigenvalues 4, 0, 0, 0
    _close(fsl.solve_circulant(fnp.asarray(c), fnp.asarray(b), singular="lstsq"),
           sl.solve_circulant(c, b, singular="lstsq"))
    _close(fsl.solve_circulant(fnp.asarray(c + 1e-3), fnp.asarray(b), singular="lstsq", tol=0.1),
           sl.solve_circulant(c + 1e-3, b, singular="lstsq", tol=0.1))
    assert not np.isfinite(np.asarray(fsl.solve_circulant(fnp.asarray(c), fnp.asarray(b)))).all()
    check_grads(fsl.solve_circulant, (fnp.asarray(rng.normal(size=4) + np.eye(4)[0] * 4), fnp.asarray(b)), order=1)
    with pytest.raises(ValueError, match="singular"):
        fsl.solve_circulant(fnp.asarray(c), fnp.asarray(b), singular="ignore")
    with pytest.raises(ValueError, match="one length"):
        fsl.solve_circulant(fnp.asarray(c), fnp.ones(3))


@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("given_r", [False, True])
@pytest.mark.parametrize("b_shape", [(4,), (4, 2), (1,)])
def test_solve_toeplitz_and_matmul_toeplitz_match_scipy(dtype, given_r, b_shape):
    n = b_shape[0]
    c, r, b = _draw((n,), dtype) + (3 if n > 1 else 1), _draw((n,), dtype), _draw(b_shape, dtype)
    c_or_cr = (c, r) if given_r else c
    mine = (fnp.asarray(c), fnp.asarray(r)) if given_r else fnp.asarray(c)
    for got in _eager_and_compiled(fsl.solve_toeplitz, mine, fnp.asarray(b),
                                   compiled=dtype == np.float64 and len(b_shape) > 1):
        assert got.shape == b.shape
        _close(got, sl.solve_toeplitz(c_or_cr, b), **_tol(dtype))
    x = _draw((n + 1,) + b_shape[1:], dtype)
    rect = (c, np.append(r, 2.0)) if given_r else (c, np.append(np.conj(c), 2.0))
    _close(fsl.matmul_toeplitz(tuple(map(fnp.asarray, rect)), fnp.asarray(x)), sl.matmul_toeplitz(rect, x),
           **_tol(dtype))
    _close(fsl.matmul_toeplitz(mine, fnp.asarray(b)), sl.matmul_toeplitz(c_or_cr, b), **_tol(dtype))


def test_toeplitz_solvers_differentiate_and_refuse_bad_shapes():
    c, r, b = (fnp.asarray(rng.normal(size=3)) + fnp.asarray([3.0, 0, 0]), fnp.asarray(rng.normal(size=3)),
               fnp.asarray(rng.normal(size=(3, 2))))
    check_grads(lambda c, r, b: fsl.solve_toeplitz((c, r), b), (c, r, b), order=1)
    check_grads(lambda c, b: fsl.matmul_toeplitz(c, b), (c, b), order=1)
    with pytest.raises(ValueError, match="b must have shape"):
        fsl.solve_toeplitz(c, fnp.ones(4))
    with pytest.raises(ValueError, match="x must have shape"):
        fsl.matmul_toeplitz(c, fnp.ones(4))


# matrix equations ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.complex128, np.float32])
@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (2, 3, 3)])
def test_lyapunov_solvers_match_scipy(dtype, shape):
    a, q = _draw(shape, dtype), _draw(shape, dtype)
    stable = (a / (2 * shape[-1])).astype(dtype)  # spectral radius below 1
    a = (a + 2 * np.eye(shape[-1])).astype(dtype)  # no eigenvalues of a and -a^H close
    cases = [(fsl.solve_continuous_lyapunov, sl.solve_continuous_lyapunov, a),
             (fsl.solve_lyapunov, sl.solve_lyapunov, a),
             (lambda a, q: fsl.solve_discrete_lyapunov(a, q), sl.solve_discrete_lyapunov, stable)]
    cases += [(lambda a, q, m=m: fsl.solve_discrete_lyapunov(a, q, method=m),
               lambda a, q, m=m: sl.solve_discrete_lyapunov(a, q, method=m), stable) for m in ("direct", "bilinear")]
    for mine, theirs, x in cases:
        expected = _stacked(theirs, x, q)
        compiled = dtype == np.float64 and len(shape) == 3 and mine is not fsl.solve_lyapunov  # an alias
        for got in _eager_and_compiled(mine, fnp.asarray(x), fnp.asarray(q), compiled=compiled):
            assert got.dtype == np.dtype(dtype)
            _close(got, expected, **_tol(dtype))


def test_lyapunov_solvers_differentiate_and_refuse_bad_arguments():
    a, q = fnp.asarray(rng.normal(size=(3, 3)) / 6), fnp.asarray(rng.normal(size=(3, 3)))
    check_grads(fsl.solve_continuous_lyapunov, (a + 2 * fnp.eye(3), q), order=1)
    for method in ("direct", "bilinear"):
        check_grads(lambda a, q: fsl.solve_discrete_lyapunov(a, q, method), (a, q), order=1)
    big = rng.normal(size=(10, 10)) / 20
    _close(fsl.solve_discrete_lyapunov(fnp.asarray(big), fnp.eye(10)), sl.solve_discrete_lyapunov(big, np.eye(10)))
    with pytest.raises(ValueError, match="method"):
        fsl.solve_discrete_lyapunov(a, q, method="schur")
    with pytest.raises(ValueError, match="one matrix size"):
        fsl.solve_discrete_lyapunov(a, fnp.eye(2))
    with pytest.raises(ValueError, match="q must have shape"):
        fsl.solve_continuous_lyapunov(a, fnp.eye(2))


@pytest.mark.parametrize("dtype", [np.float16, "bfloat16"])
def test_matrix_functions_of_16_bit_floats_compute_in_float32_and_keep_the_dtype(dtype):
    a = np.array([[0.3, 1.0], [-0.5, 0.8]])
    x = fnp.asarray(a, dtype=dtype)
    spd = fnp.asarray(a @ a.T + np.eye(2), dtype=dtype)
    a16 = np.asarray(x).astype(np.float64)
    spd16 = np.asarray(spd).astype(np.float64)
    for got, want in [(fsl.expm(x), sl.expm(a16)), (fx.jit(fsl.expm)(x), sl.expm(a16)),
                      (fsl.expm(fnp.zeros((2, 2), dtype=dtype)), np.eye(2)),
                      (fsl.logm(spd), sl.logm(spd16)), (fsl.fractional_matrix_power(spd, 0.5), sl.sqrtm(spd16))]:
        assert got.dtype == x.dtype
        _close(np.asarray(got).astype(np.float64), want, rtol=2e-2, atol=2e-2)


@pytest.mark.parametrize("a", [np.zeros((2, 2)), np.diag([1.0, 0.0]), np.zeros((1, 1))])
def test_logm_of_a_singular_matrix_is_nan(a):
    # (64 square roots of a singular matrix stay singular: their logarithm scaled back was finite and huge)
    assert np.isnan(np.asarray(fsl.logm(a))).any()
    assert np.isnan(np.asarray(fx.jit(fsl.logm)(fnp.asarray(a, dtype=fnp.float32)))).any()


def test_expm_of_a_zero_matrix_makes_no_infinity_or_nan_for_the_checks():
    # (the scaling's log2 of a zero norm was -inf, and its derivative 0/0, though the results are finite)
    with fx.debug_infs(), fx.debug_nans():
        _close(fsl.expm(fnp.zeros((2, 2))), np.eye(2))
        _close(fx.grad(lambda t: fnp.sum(fsl.expm(t * fnp.ones((2, 2)))))(0.0), 4.0, rtol=1e-6)
