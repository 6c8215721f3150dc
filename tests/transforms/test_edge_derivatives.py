"""Derivatives at edge inputs: matrix functions at repeated singular values and at the zero matrix,
interp at repeated sample points, erfcx where it overflows and far in its tail, and the second
derivatives of gammainc, gammaincc and zeta at extreme arguments.

Oracles: central finite differences in float64 (one-sided where the function is one-sided, as
interp at a repeated point), closed forms written with SciPy's values, and jax's values where
jax's convention is the one to follow. Forward and reverse mode are each compared with the oracle.
"""
import functools
import math

import numpy as np
import pytest
import scipy.special as sp

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl
import fluxion.scipy.special as fsp
from fluxion.test_util import check_grads

from _jax_oracle import jax_x64

RNG = np.random.default_rng(7)
Q3 = np.linalg.qr(RNG.standard_normal((3, 3)))[0]
# matrices with repeated singular values: the identity, a diagonal, an orthogonal one (all singular
# values 1), a symmetric one with a repeated eigenvalue, a tall and a wide one with orthonormal columns/rows
REPEATED = {
    "identity": np.eye(3),
    "diagonal": np.diag([2.0, 2.0, 3.0]),
    "orthogonal": Q3,
    "symmetric": Q3 @ np.diag([1.0, 1.0, 4.0]) @ Q3.T,
    "tall": np.linalg.qr(RNG.standard_normal((4, 3)))[0],
    "wide": 2 * np.linalg.qr(RNG.standard_normal((4, 3)))[0].T,
}


def _first_order(f, a, direction=None, seed=0, h=1e-6):
    """<ct, J t> by forward mode, <J^T ct, t> by reverse mode and by central differences."""
    rng = np.random.default_rng(seed)
    t = rng.standard_normal(a.shape) if direction is None else direction
    out = np.asarray(f(fnp.asarray(a)))
    ct = rng.standard_normal(out.shape)
    _, tangent = fx.jvp(f, (fnp.asarray(a),), (fnp.asarray(t),))
    _, pullback = fx.vjp(f, fnp.asarray(a))
    (cotangent,) = pullback(fnp.asarray(ct))
    numeric = (np.asarray(f(fnp.asarray(a + h * t))) - np.asarray(f(fnp.asarray(a - h * t)))) / (2 * h)
    return np.sum(ct * np.asarray(tangent)), np.sum(np.asarray(cotangent) * t), np.sum(ct * numeric)


def _assert_modes_match_finite_differences(f, a, direction=None, rtol=1e-6):
    fwd, rev, numeric = _first_order(f, a, direction)
    scale = max(abs(numeric), 1.0)
    assert abs(fwd - numeric) <= rtol * scale, (fwd, numeric)
    assert abs(rev - numeric) <= rtol * scale, (rev, numeric)


def _symmetric_direction(a):
    t = np.random.default_rng(1).standard_normal(a.shape)
    return t + t.T


# matrix functions at repeated singular values ----------------------------------------------------------
POLAR = {
    "polar_u": lambda a: fsl.polar(a)[0],
    "polar_p_right": lambda a: fsl.polar(a)[1],
    "polar_p_left": lambda a: fsl.polar(a, side="left")[1],
    "pinv": fsl.pinv,
    "numpy_pinv": fnp.linalg.pinv,
}


@pytest.mark.parametrize("matrix", REPEATED)
@pytest.mark.parametrize("name", POLAR)
def test_svd_based_functions_match_finite_differences_at_repeated_singular_values(name, matrix):
    _assert_modes_match_finite_differences(POLAR[name], REPEATED[matrix])


@pytest.mark.parametrize("matrix", ["identity", "diagonal", "symmetric"])
@pytest.mark.parametrize("lower", [True, False])
def test_pinvh_matches_finite_differences_at_repeated_eigenvalues(matrix, lower):
    a = REPEATED[matrix]
    _assert_modes_match_finite_differences(lambda x: fsl.pinvh(x, lower=lower), a, _symmetric_direction(a))


@pytest.mark.parametrize("matrix", ["identity", "diagonal", "orthogonal", "symmetric"])
def test_orthogonal_procrustes_matches_finite_differences_at_repeated_singular_values(matrix):
    b = np.random.default_rng(3).standard_normal((3, 3))
    _assert_modes_match_finite_differences(lambda x: fsl.orthogonal_procrustes(fnp.asarray(b), x)[0],
                                           b @ REPEATED[matrix])


def test_subspace_angles_match_finite_differences_for_orthonormal_columns():
    a, b = REPEATED["tall"], np.random.default_rng(4).standard_normal((4, 2))
    weights = fnp.asarray([1.0, 2.0])
    _assert_modes_match_finite_differences(lambda x: fnp.sum(fsl.subspace_angles(x, fnp.asarray(b)) * weights),
                                           a[:, :2])


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (2, 4)])
def test_polar_second_derivatives_match_finite_differences(shape):
    a = fnp.asarray(np.random.default_rng(5).standard_normal(shape))
    check_grads(lambda x: fsl.polar(x), (a,), order=2)
    check_grads(lambda x: fsl.polar(x, side="left"), (a,), order=2)


_FULL_RANK = np.random.default_rng(6).standard_normal((4, 4))
POLAR_JAX = {
    "wide": _FULL_RANK[:2],
    # rank n - 1, where u is not unique and jax's derivative is the SVD's choice
    "square_rank_2": _FULL_RANK[:3, :2] @ _FULL_RANK[2:, 1:],
}


@pytest.mark.parametrize("matrix", POLAR_JAX)
def test_polar_derivatives_match_jax_at_distinct_singular_values(matrix):
    jax = jax_x64()
    import jax.scipy.linalg as jsl
    a = POLAR_JAX[matrix]
    t = np.random.default_rng(8).standard_normal(a.shape)
    for side in ("right", "left"):
        ours = fx.jvp(lambda x: fsl.polar(x, side=side), (fnp.asarray(a),), (fnp.asarray(t),))[1]
        theirs = jax.jvp(lambda x: jsl.polar(x, side=side, method="svd"), (a,), (t,))[1]
        for o, j in zip(ours, theirs):
            np.testing.assert_allclose(o, j, atol=1e-10)


def test_polar_derivatives_batch_and_compile_as_eagerly():
    a = np.stack([REPEATED["identity"], REPEATED["orthogonal"], REPEATED["diagonal"]])
    loss = fx.grad(lambda x: fnp.sum(fsl.polar(x)[0] * fnp.arange(9.0).reshape(3, 3)))
    want = np.stack([loss(fnp.asarray(m)) for m in a])
    np.testing.assert_allclose(fx.vmap(loss)(fnp.asarray(a)), want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fx.jit(loss)(fnp.asarray(a)), want, rtol=1e-10, atol=1e-12)


def test_complex_polar_matches_finite_differences_at_a_unitary_matrix():
    rng = np.random.default_rng(9)
    u = np.linalg.qr(rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)))[0]
    re_im = lambda f: lambda x: fnp.stack([fnp.real(f(x)), fnp.imag(f(x))])  # noqa: E731
    t = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    for f in (lambda x: fsl.polar(x)[0], lambda x: fsl.polar(x)[1]):
        _, tangent = fx.jvp(re_im(f), (fnp.asarray(u),), (fnp.asarray(t),))
        h = 1e-6
        up, down = (np.asarray(re_im(f)(fnp.asarray(u + s * h * t))) for s in (1, -1))
        numeric = (up - down) / (2 * h)
        np.testing.assert_allclose(tangent, numeric, atol=1e-6)


@pytest.mark.parametrize("output", ["eigenvalues", "eigenvectors"])
def test_eigh_at_a_repeated_eigenvalue_differentiates_as_jax_in_both_modes(output):
    # the eigenvectors have no derivative there: jax's tangent is not finite, and neither is ours
    jax = jax_x64()
    jnp = jax.numpy
    a, t = np.diag([1.0, 1.0, 2.0]), _symmetric_direction(np.eye(3))
    ours = fx.jvp(lambda x: getattr(fnp.linalg.eigh(x), output), (fnp.asarray(a),), (fnp.asarray(t),))[1]
    theirs = jax.jvp(lambda x: getattr(jnp.linalg.eigh(x), output), (jnp.asarray(a),), (jnp.asarray(t),))[1]
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    np.testing.assert_array_equal(np.isfinite(ours), np.isfinite(theirs))
    np.testing.assert_allclose(ours[np.isfinite(ours)], theirs[np.isfinite(theirs)], atol=1e-12)
    ct = np.ones(ours.shape)
    _, pullback = fx.vjp(lambda x: getattr(fnp.linalg.eigh(x), output), fnp.asarray(a))
    rev = np.sum(np.asarray(pullback(fnp.asarray(ct))[0]) * t)
    fwd = np.sum(ct * ours)
    assert np.isfinite(rev) == np.isfinite(fwd)
    if np.isfinite(fwd):
        assert abs(rev - fwd) <= 1e-12 * max(1, abs(fwd))


# the spectral norm at the zero matrix ------------------------------------------------------------------
SPECTRAL = {
    "norm": lambda a: fnp.linalg.norm(a, 2),
    "matrix_norm": lambda a: fnp.linalg.matrix_norm(a, ord=2),
    "svdvals_max": lambda a: fnp.max(fnp.linalg.svdvals(a)),
    "scipy_norm": lambda a: fsl.norm(a, 2),
}


@functools.lru_cache
def _jax_spectral_gradient_at_zero(shape):
    jax = jax_x64()
    jnp = jax.numpy
    return np.asarray(jax.grad(lambda a: jnp.max(jnp.linalg.svd(a, compute_uv=False)))(jnp.zeros(shape)))


@pytest.mark.parametrize("shape", [(3, 3), (2, 3), (3, 2)])
@pytest.mark.parametrize("name", SPECTRAL)
def test_spectral_norm_at_zero_has_jax_subgradient_in_both_modes(name, shape):
    zero = np.zeros(shape)
    grad = np.asarray(fx.grad(SPECTRAL[name])(fnp.asarray(zero)))
    np.testing.assert_allclose(grad, _jax_spectral_gradient_at_zero(shape), atol=1e-15)
    # a subgradient of the spectral norm at 0: nuclear norm at most 1
    assert np.linalg.norm(grad, "nuc") <= 1 + 1e-12
    t = np.arange(1.0, 1 + zero.size).reshape(shape)
    _, tangent = fx.jvp(SPECTRAL[name], (fnp.asarray(zero),), (fnp.asarray(t),))
    assert float(tangent) == pytest.approx(np.sum(grad * t), rel=1e-12)


# interp at repeated sample points ----------------------------------------------------------------------
INTERP = [
    ([1.0, 0.5, 1.5, 3.0], [0.0, 1.0, 1.0, 2.0], [0.0, 1.0, 3.0, 4.0]),  # a jump inside
    ([1.0, 0.5, 1.5], [0.0, 1.0, 1.0], [0.0, 1.0, 3.0]),  # a jump at the end
    ([0.0, 0.5], [0.0, 0.0, 1.0], [1.0, 2.0, 3.0]),  # a jump at the start
    ([1.0, 0.5, 1.75], [0.0, 1.0, 1.0, 1.0, 2.0], [0.0, 1.0, 2.0, 3.0, 4.0]),  # a triple point
    ([1.0, 1.5], [0.0, 1.0, 1.0, 2.0], [0.0, 2.0, 2.0, 4.0]),  # a repeated point without a jump
    ([0.5, 1.0, 2.0], [1.0, 1.0], [2.0, 3.0]),  # only a repeated point
]


def _interp_derivatives(x, xp, fp):
    """The gradients of sum(interp) in x, xp and fp by reverse mode, and by forward mode."""
    args = [fnp.asarray(np.asarray(v, np.float64)) for v in (x, xp, fp)]
    total = lambda *a: fnp.sum(fnp.interp(*a))  # noqa: E731
    rev = [np.asarray(g) for g in fx.grad(total, argnums=(0, 1, 2))(*args)]
    for compiled, eager in zip(fx.jit(fx.grad(total, argnums=(0, 1, 2)))(*args), rev):
        np.testing.assert_allclose(compiled, eager, rtol=1e-12)
    fwd = [np.asarray(fx.jacfwd(total, argnums=i)(*args)) for i in range(3)]
    return rev, fwd


def _right_differences(x, xp, fp, which: int, h=1e-6):
    """One-sided differences of sum(np.interp) in argument `which`, each element moved right."""
    args = [np.asarray(v, np.float64) for v in (x, xp, fp)]
    base = np.interp(*args).sum()
    out = np.zeros(args[which].shape)
    for k in range(out.size):
        moved = [v.copy() for v in args]
        moved[which][k] += h
        out[k] = (np.interp(*moved).sum() - base) / h
    return out


@pytest.mark.parametrize("x, xp, fp", INTERP)
def test_interp_derivatives_at_repeated_points_are_finite_and_one_sided(x, xp, fp):
    rev, fwd = _interp_derivatives(x, xp, fp)
    for r, f in zip(rev, fwd):
        assert np.isfinite(r).all() and np.isfinite(f).all()
        np.testing.assert_allclose(r, f, rtol=1e-12)
    # NumPy's value at a repeated point is the right one, so its derivatives in x and fp are right-sided
    np.testing.assert_allclose(rev[0], _right_differences(x, xp, fp, 0), atol=1e-6)
    np.testing.assert_allclose(rev[2], _right_differences(x, xp, fp, 2), atol=1e-6)


def test_interp_derivative_in_the_first_sample_point_next_to_a_repeated_one_matches_finite_differences():
    x, xp, fp = [0.5], [0.0, 1.0, 1.0], [0.0, 1.0, 3.0]
    rev, _ = _interp_derivatives(x, xp, fp)
    assert rev[1][0] == pytest.approx(_right_differences(x, xp, fp, 1)[0], abs=1e-6)
    assert rev[1][1] == pytest.approx(-0.5)  # (x - xp[0]) (fp[1] - fp[0]) / (xp[1] - xp[0])**2 moved left


# erfcx ---------------------------------------------------------------------------------------------------
def _erfcx_closed_forms(x):
    """erfcx' = 2 x erfcx - 2 / sqrt(pi) and erfcx'' = 2 erfcx + 2 x erfcx' with SciPy's erfcx (exact
    enough where the terms do not cancel: x <= 3)."""
    y = sp.erfcx(x)
    d1 = 2 * x * y - 2 / math.sqrt(math.pi)
    return d1, 2 * y + 2 * x * d1


ERFCX_DIRECT = np.array([-26.0, -20.0, -5.0, -1.0, -1e-3, 0.0, 0.5, 1.0, 2.0, 2.99, 3.0])


def test_erfcx_first_and_second_derivatives_match_closed_forms_up_to_3():
    d1, d2 = _erfcx_closed_forms(ERFCX_DIRECT)
    x = fnp.asarray(ERFCX_DIRECT)
    np.testing.assert_allclose(fx.vmap(fx.grad(fsp.erfcx))(x), d1, rtol=1e-13)
    np.testing.assert_allclose(fx.vmap(fx.grad(fx.grad(fsp.erfcx)))(x), d2, rtol=1e-12)


@pytest.mark.parametrize("x", [3.5, 10.0, 1e3, 1e6, 1e100])
def test_erfcx_derivatives_in_the_tail_match_finite_differences(x):
    # central differences of SciPy's erfcx for the first, of the first for the second (relative step 1e-4)
    h = 1e-4 * x
    d1 = fx.grad(fsp.erfcx)
    assert float(d1(fnp.float64(x))) == pytest.approx((sp.erfcx(x + h) - sp.erfcx(x - h)) / (2 * h), rel=1e-7)
    second = (float(d1(fnp.float64(x + h))) - float(d1(fnp.float64(x - h)))) / (2 * h)
    assert float(fx.grad(d1)(fnp.float64(x))) == pytest.approx(second, rel=1e-7)


def test_erfcx_derivatives_where_it_overflows_are_signed_infinities():
    x = fnp.asarray([-27.0, -1e10, -np.inf])
    d1, d2 = fx.vmap(fx.grad(fsp.erfcx))(x), fx.vmap(fx.grad(fx.grad(fsp.erfcx)))(x)
    assert np.asarray(d1).tolist() == [-np.inf] * 3
    assert np.asarray(d2).tolist() == [np.inf] * 3
    _, tangent = fx.jvp(fsp.erfcx, (x,), (fnp.ones_like(x),))
    np.testing.assert_array_equal(tangent, d1)
    np.testing.assert_array_equal(fx.jit(fx.vmap(fx.grad(fx.grad(fsp.erfcx))))(x), d2)
    assert float(fx.grad(fsp.erfcx)(fnp.float64(np.inf))) == 0.0
    assert np.isnan(float(fx.grad(fsp.erfcx)(fnp.float64(np.nan))))


def test_erfcx_derivative_in_float32_matches_float64():
    x = np.array([-9.0, -1.0, 0.0, 2.0, 5.0, 100.0], np.float32)
    got = fx.vmap(fx.grad(fsp.erfcx))(fnp.asarray(x))
    assert got.dtype == fnp.float32
    np.testing.assert_allclose(got, fx.vmap(fx.grad(fsp.erfcx))(fnp.asarray(x, dtype=fnp.float64)), rtol=1e-5)


# second derivatives of gammainc, gammaincc and zeta at extremes ---------------------------------------
def _central(g, a, x, j, h):
    """The central difference of g(a, x) in argument j with step h."""
    step = [(h, 0.0), (0.0, h)][j]
    up, down = (float(g(fnp.float64(a + s * step[0]), fnp.float64(x + s * step[1]))) for s in (1, -1))
    return (up - down) / (2 * h)


def _hessian_against_differences(f, a, x, rtol, relative_step=1e-4, pairs=((0, 0), (0, 1), (1, 0), (1, 1))):
    """The second derivatives (i, j) of f(a, x) (the derivative in argument j of the first one in i)
    against central differences of the first ones, Richardson extrapolated (steps h and h / 2, h
    relative to the argument moved)."""
    first = [fx.grad(f, argnums=i) for i in (0, 1)]
    for i, j in pairs:
        got = float(fx.grad(first[i], argnums=j)(fnp.float64(a), fnp.float64(x)))
        h = relative_step * (a, x)[j]
        numeric = (4 * _central(first[i], a, x, j, h / 2) - _central(first[i], a, x, j, h)) / 3
        assert np.isfinite(got), (i, j)
        assert got == pytest.approx(numeric, rel=rtol, abs=1e-300), (i, j, got, numeric)


GAMMA_EXTREMES = [(1e-3, 1.0), (1e-4, 1e-3), (1e-3, 50.0), (2.0, 1e-10), (5.0, 1e-5), (1e3, 1e3), (1e4, 1.01e4),
                  (0.1, 700.0), (50.0, 0.5), (1e-5, 1e-5), (30.0, 200.0)]


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
@pytest.mark.parametrize("a, x", GAMMA_EXTREMES)
def test_incomplete_gamma_second_derivatives_at_extremes_match_finite_differences(name, a, x):
    _hessian_against_differences(getattr(fsp, name), a, x, rtol=1e-5)


@pytest.mark.parametrize("s, q", [(1.001, 0.5), (1.5, 1e-3), (2.0, 1e5), (50.0, 1.0), (3.0, 1e-8), (100.0, 0.5),
                                  (1.01, 1e3), (1.0 + 1e-6, 2.0)])
def test_zeta_second_derivatives_at_extremes_match_finite_differences(s, q):
    # the step in s stays well clear of the pole at s = 1; the mixed derivative is taken as the
    # derivative in s of the one in q (differences in q of the one in s, which grows as (s - 1)**-2 at
    # the pole, would cancel), and the other order must agree with it
    _hessian_against_differences(fsp.zeta, s, q, rtol=1e-5, relative_step=min(1e-4, (s - 1) / s * 1e-2),
                                 pairs=((0, 0), (1, 0), (1, 1)))
    mixed = [fx.grad(fx.grad(fsp.zeta, argnums=i), argnums=1 - i)(fnp.float64(s), fnp.float64(q)) for i in (0, 1)]
    assert float(mixed[0]) == pytest.approx(float(mixed[1]), rel=1e-9)


@pytest.mark.parametrize("s", [1 + 1e-10, 1 + 1e-7, 1 + 1e-4])
@pytest.mark.parametrize("q", [0.5, 2.0, 30.0])
def test_zeta_mixed_derivative_near_the_pole_matches_the_derivative_of_its_q_derivative(s, q):
    # d/dq zeta(s, q) = -s zeta(s + 1, q), smooth at s = 1: its derivative in s by central differences of SciPy's
    h = 1e-5
    want = (-(s + h) * sp.zeta(s + 1 + h, q) + (s - h) * sp.zeta(s + 1 - h, q)) / (2 * h)
    got = fx.grad(fx.grad(fsp.zeta), argnums=1)(fnp.float64(s), fnp.float64(q))
    assert float(got) == pytest.approx(want, rel=1e-8)


@pytest.mark.parametrize("p", [None, 2, -2])
@pytest.mark.parametrize("matrix", [np.zeros((3, 3)), np.diag([1.0, 0.0, 2.0]), np.zeros((2, 3))])
def test_cond_of_singular_matrices_is_numpys_with_one_derivative_in_both_modes(matrix, p):
    f = lambda x: fnp.linalg.cond(x, p)  # noqa: E731
    assert float(f(fnp.asarray(matrix))) == np.linalg.cond(matrix, p)
    t = np.arange(1.0, 1 + matrix.size).reshape(matrix.shape)
    _, tangent = fx.jvp(f, (fnp.asarray(matrix),), (fnp.asarray(t),))
    grad = np.asarray(fx.grad(f)(fnp.asarray(matrix)))
    assert np.isfinite(float(tangent)) and np.isfinite(grad).all()
    assert float(tangent) == pytest.approx(np.sum(grad * t), abs=1e-12)
