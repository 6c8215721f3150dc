"""fluxion.scipy.sparse.linalg's iterative solvers (cg, bicgstab, gmres) against scipy.sparse.linalg:
solutions and info on well-conditioned, 1-element, b = 0, pytree, preconditioned, singular and
ill-conditioned systems; jit against eager; vmap against a loop; implicit derivatives against
finite differences and against dense solves, also under jit and vmap."""
import numpy as np
import pytest
import scipy.sparse.linalg as ssl
from _arrays import raises

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.scipy.sparse import linalg as fsl
from fluxion.test_util import check_grads

SOLVERS = ["cg", "bicgstab", "gmres"]
RNG = np.random.default_rng(0)
_G = RNG.normal(size=(5, 5))
SPD = _G @ _G.T + 5 * np.eye(5)
NONSYM = _G + 4 * np.eye(5)
B = RNG.normal(size=5)


def _matrix(name):
    return SPD if name == "cg" else NONSYM


def _ours(name, *args, **kwargs):
    x, info = getattr(fsl, name)(*args, **kwargs)
    return np.asarray(x), int(info)


@pytest.mark.parametrize("name", SOLVERS)
@pytest.mark.parametrize("tol", [1e-5, 1e-10])
def test_solution_and_info_match_scipy(name, tol):
    a = _matrix(name)
    x, info = _ours(name, fnp.asarray(a), fnp.asarray(B), tol=tol)
    xs, infos = getattr(ssl, name)(a, B, rtol=tol)
    assert info == infos == 0
    np.testing.assert_allclose(x, xs, rtol=0, atol=10 * tol)
    assert np.linalg.norm(a @ x - B) <= tol * np.linalg.norm(B) * 1.0001


@pytest.mark.parametrize("name", SOLVERS)
def test_one_element_and_zero_right_hand_side(name):
    x, info = _ours(name, fnp.asarray([[4.0]]), fnp.asarray([2.0]))
    np.testing.assert_allclose(x, [0.5], rtol=1e-12)
    assert info == 0
    x, info = _ours(name, fnp.asarray(_matrix(name)), fnp.zeros(5), x0=fnp.ones(5))
    assert info == 0 and not x.any()  # as SciPy, b = 0 gives x = 0 at once


@pytest.mark.parametrize("name", SOLVERS)
def test_start_preconditioner_and_pytree_right_hand_side(name):
    a = _matrix(name)
    precond = np.diag(1 / np.diag(a))
    x, info = _ours(name, fnp.asarray(a), fnp.asarray(B), x0=fnp.ones(5), M=fnp.asarray(precond), tol=1e-10)
    xs, _ = getattr(ssl, name)(a, B, x0=np.ones(5), M=precond, rtol=1e-10)
    np.testing.assert_allclose(x, xs, atol=1e-8)
    assert info == 0
    # A on pytrees: a block diagonal system given as a function of {"u": (2,), "v": (3,)}
    au, av = fnp.asarray(a[:2, :2]), fnp.asarray(a[2:, 2:])
    tree_b = {"u": fnp.asarray(B[:2]), "v": fnp.asarray(B[2:])}
    out, info = getattr(fsl, name)(lambda t: {"u": au @ t["u"], "v": av @ t["v"]}, tree_b, tol=1e-10)
    np.testing.assert_allclose(np.asarray(out["u"]), np.linalg.solve(a[:2, :2], B[:2]), atol=1e-8)
    np.testing.assert_allclose(np.asarray(out["v"]), np.linalg.solve(a[2:, 2:], B[2:]), atol=1e-8)


@pytest.mark.parametrize("name", SOLVERS)
def test_singular_system_reports_no_convergence_as_scipy(name):
    a = np.diag([1.0, 2.0, 0.0])  # b has a component outside the range of a: no solution
    b = np.array([1.0, 1.0, 1.0])
    x, info = _ours(name, fnp.asarray(a), fnp.asarray(b), maxiter=7)
    _, infos = getattr(ssl, name)(a, b, maxiter=7)
    assert info == infos != 0
    assert info == 7 or info < 0


@pytest.mark.parametrize("name", SOLVERS)
def test_a_nan_in_a_or_b_gives_nan_as_scipy(name):
    for a, b in ((np.eye(2), np.array([np.nan, 1.0])), (np.array([[np.nan, 0.0], [0.0, 1.0]]), np.ones(2))):
        x, info = _ours(name, fnp.asarray(a), fnp.asarray(b))
        want, infos = getattr(ssl, name)(a, b)
        assert np.isnan(np.asarray(x)).all() and np.isnan(want).all() and int(info) == infos != 0


def test_gmres_of_a_singular_system_minimizes_the_residual_as_scipy():
    """A pivot that rounding leaves at 1e-17 instead of 0 is dropped (x was 2.5e16 there)."""
    a, b = np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([1.0, 1.0])
    x, info = fsl.gmres(fnp.asarray(a), fnp.asarray(b))
    assert int(info) != 0 and np.linalg.norm(b - a @ np.asarray(x)) == pytest.approx(1.0)
    rng = np.random.default_rng(5)
    for _ in range(5):
        a = rng.normal(size=(6, 4)) @ rng.normal(size=(4, 6))  # rank 4
        b = rng.normal(size=6)
        x = np.asarray(fsl.gmres(fnp.asarray(a), fnp.asarray(b))[0])
        assert np.linalg.norm(b - a @ x) < np.linalg.norm(b) and np.linalg.norm(x) < 1e6


def test_bicgstab_reports_breakdown_as_scipy():
    a = np.array([[0.0, 1.0], [1.0, 0.0]])  # the first step's v is orthogonal to the shadow residual
    b = np.array([1.0, 0.0])
    x, info = _ours("bicgstab", fnp.asarray(a), fnp.asarray(b))
    assert info == ssl.bicgstab(a, b)[1] == -11


@pytest.mark.parametrize("name", SOLVERS)
def test_ill_conditioned_system_with_few_iterations_reports_maxiter(name):
    a = np.diag(np.logspace(0, 8, 6))
    if name != "cg":
        a = a + np.triu(np.ones((6, 6)), 1)
    b = np.ones(6)
    x, info = _ours(name, fnp.asarray(a), fnp.asarray(b), maxiter=2, **({"restart": 2} if name == "gmres" else {}))
    xs, infos = getattr(ssl, name)(a, b, maxiter=2, **({"restart": 2} if name == "gmres" else {}))
    assert info == infos == 2
    if name != "gmres":  # the same iterates (SciPy's gmres adapts its inner tolerance differently)
        np.testing.assert_allclose(x, xs, rtol=1e-8)


@pytest.mark.parametrize("name", SOLVERS)
def test_jit_matches_eager_and_vmap_matches_a_loop(name):
    a, bs = fnp.asarray(_matrix(name)), fnp.asarray(RNG.normal(size=(3, 5)))
    solve = lambda a, b: getattr(fsl, name)(a, b, tol=1e-10)  # noqa: E731
    x, info = solve(a, bs[0])
    xj, infoj = fx.jit(solve)(a, bs[0])
    np.testing.assert_allclose(np.asarray(xj), np.asarray(x), atol=1e-12)
    assert int(infoj) == int(info) == 0
    xv, infov = fx.vmap(solve, in_axes=(None, 0))(a, bs)
    np.testing.assert_allclose(np.asarray(xv), np.stack([np.asarray(solve(a, b)[0]) for b in bs]), atol=1e-10)
    assert np.asarray(infov).tolist() == [0, 0, 0]


def _dense_loss(name, a, b):
    return fnp.sum(fnp.sin(fnp.linalg.solve(a, b)))


@pytest.mark.parametrize("name", SOLVERS)
def test_derivatives_are_implicit_and_match_dense_solves(name):
    a, b = fnp.asarray(_matrix(name)), fnp.asarray(B)
    loss = lambda a, b: fnp.sum(fnp.sin(getattr(fsl, name)(a, b, tol=1e-12)[0]))  # noqa: E731
    want = fx.grad(lambda a, b: _dense_loss(name, a, b), argnums=(0, 1))(a, b)
    for grad in (fx.grad(loss, argnums=(0, 1)), fx.jit(fx.grad(loss, argnums=(0, 1)))):
        for g, w in zip(grad(a, b), want):
            np.testing.assert_allclose(np.asarray(g), np.asarray(w), atol=1e-9)
    bs = fnp.asarray(RNG.normal(size=(2, 5)))
    got = fx.grad(lambda a, bs: fnp.sum(fx.vmap(lambda b: loss(a, b))(bs)))(a, bs)
    want = fx.grad(lambda a, bs: fnp.sum(fx.vmap(lambda b: _dense_loss(name, a, b))(bs)))(a, bs)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=1e-9)


def test_cg_derivatives_match_finite_differences_through_an_operator_closing_over_its_matrix():
    a, b = fnp.asarray(SPD[:3, :3]), fnp.asarray(B[:3])
    solve = lambda a, b: fsl.cg(lambda v: (a + a.T) @ v / 2, b, tol=1e-12)[0]  # noqa: E731
    check_grads(solve, (a, b), order=2)


@pytest.mark.parametrize("name", SOLVERS)
def test_derivatives_of_complex_hermitian_systems_match_dense_solves(name):
    """A complex Hermitian A is not its own transpose (cg's reverse mode used it as one)."""
    n = 4
    c = RNG.normal(size=(n, n)) + 1j * RNG.normal(size=(n, n))
    a = fnp.asarray(c @ c.conj().T + n * np.eye(n))
    b = fnp.asarray(RNG.normal(size=n) + 1j * RNG.normal(size=n))
    w = fnp.asarray(RNG.normal(size=n))
    loss = lambda a, b: fnp.sum(w * fnp.real(getattr(fsl, name)(a, b, tol=1e-13)[0]))  # noqa: E731
    want = fx.grad(lambda a, b: fnp.sum(w * fnp.real(fnp.linalg.solve(a, b))), argnums=(0, 1))(a, b)
    for grad in (fx.grad(loss, argnums=(0, 1)), fx.jit(fx.grad(loss, argnums=(0, 1)))):
        for g, expected in zip(grad(a, b), want):
            np.testing.assert_allclose(np.asarray(g), np.asarray(expected), atol=1e-9)


def test_gmres_derivatives_match_finite_differences():
    check_grads(lambda a, b: fsl.gmres(a, b, tol=1e-12, solve_method="incremental")[0],
                (fnp.asarray(NONSYM[:3, :3]), fnp.asarray(B[:3])), order=1)


def test_bad_arguments_name_the_fix():
    a, b = fnp.asarray(SPD), fnp.asarray(B)
    with raises(ValueError, "maxiter"):
        fsl.cg(a, b, maxiter=-1)
    with raises(ValueError, "solve_method"):
        fsl.gmres(a, b, solve_method="qr")
    with raises(ValueError, "restart"):
        fsl.gmres(a, b, restart=0)
    with raises(ValueError, "shape"):
        fsl.cg(fnp.ones((3, 3)), b)
    with raises(ValueError, "x0"):
        fsl.bicgstab(a, b, x0=fnp.zeros(4))
