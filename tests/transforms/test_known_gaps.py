"""Derivatives that used to fail: sorting at NumPy's 64 dimensions, cond at singular matrices in
the norms through the inverse, polar's second derivatives at repeated singular values, and funm's
derivative at repeated eigenvalues.

Oracles: NumPy on the same problem reshaped to three axes, central finite differences (of the
function, or of its first derivative for second ones), jax in float64, SciPy's expm_frechet (the
Frechet derivative of the exponential) and finite differences of scipy.linalg.funm, and vmap
against a Python loop.
"""
import numpy as np
import pytest
import scipy.linalg as sl

import fluxion as fx
import fluxion.lax as flax
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl
from fluxion.test_util import check_grads

from _jax_oracle import jax_x64
from test_edge_derivatives import REPEATED as EDGE_REPEATED


# sorting at 33 to 64 dimensions ---------------------------------------------------------------------
def _wide(ndim: int, axis: int, seed: int = 0):
    """A (3, 4) problem spread over `ndim` axes, its axis of 4 at `axis` (0 or -1): the array and
    the (3, 4) or (4, 3) view NumPy can handle."""
    shape = [1] * ndim
    shape[axis], shape[-1 if axis == 0 else 0] = 4, 3
    x = np.random.default_rng(seed).permutation(12).astype(np.float64).reshape(shape)
    return x, x.reshape((4, 3) if axis == 0 else (3, 4))


def _scattered(order, weights, axis):
    """The gradient of sum(sorted * weights): each weight back at the place its element came from."""
    out = np.empty_like(weights)
    np.put_along_axis(out, order, weights, axis)
    return out


SORT_NDIMS = [33, 63, 64]


@pytest.mark.parametrize("ndim", SORT_NDIMS)
@pytest.mark.parametrize("axis", [0, -1])
def test_sort_argsort_and_take_along_axis_with_their_gradients_match_numpy_on_the_reshaped_array(ndim, axis):
    x, small = _wide(ndim, axis)
    a = axis % 2
    order = np.argsort(small, axis=a, kind="stable")
    np.testing.assert_array_equal(np.asarray(fnp.sort(x, axis=axis)).reshape(small.shape), np.sort(small, axis=a))
    np.testing.assert_array_equal(np.asarray(fnp.argsort(x, axis=axis)).reshape(small.shape), order)
    weights = np.random.default_rng(1).standard_normal(small.shape)
    w = weights.reshape(x.shape)
    grad = fx.grad(lambda v: fnp.sum(fnp.sort(v, axis=axis) * w))(x)
    np.testing.assert_array_equal(np.asarray(grad).reshape(small.shape), _scattered(order, weights, a))
    idx = order.reshape(x.shape)
    grad = fx.grad(lambda v: fnp.sum(fnp.take_along_axis(v, idx, axis=axis) * w))(x)
    np.testing.assert_array_equal(np.asarray(grad).reshape(small.shape), _scattered(order, weights, a))


@pytest.mark.parametrize("ndim", SORT_NDIMS)
def test_top_k_and_its_gradient_match_numpy_on_the_reshaped_array(ndim):
    x, small = _wide(ndim, -1)
    values, _ = flax.top_k(x, 2)
    np.testing.assert_array_equal(np.asarray(values).reshape(3, 2), -np.sort(-small, axis=-1)[:, :2])
    weights = np.random.default_rng(2).standard_normal((3, 2))
    grad = fx.grad(lambda v: fnp.sum(flax.top_k(v, 2)[0] * weights.reshape(values.shape)))(x)
    want = np.zeros_like(small)
    np.put_along_axis(want, np.argsort(-small, axis=-1, kind="stable")[:, :2], weights, -1)
    np.testing.assert_array_equal(np.asarray(grad).reshape(small.shape), want)


@pytest.mark.parametrize("axis", [0, -1])
def test_sort_derivatives_at_64_dimensions_match_finite_differences_to_second_order(axis):
    x, _ = _wide(64, axis)
    x = x + np.random.default_rng(3).uniform(-0.1, 0.1, x.shape)  # no ties within a step
    check_grads(lambda v: fnp.sort(v, axis=axis) ** 3, (x,), order=2)
    if axis == -1:
        check_grads(lambda v: flax.top_k(v, 3)[0] ** 3, (x,), order=2)


def test_vmap_of_the_sort_gradient_to_64_dimensions_matches_a_loop():
    xs = np.stack([_wide(63, -1, seed)[0] for seed in range(3)])
    g = fx.grad(lambda v: fnp.sum(fnp.sort(v, axis=-1) ** 3) + fnp.sum(flax.top_k(v, 2)[0] ** 2))
    want = np.stack([np.asarray(g(x)) for x in xs])
    np.testing.assert_allclose(fx.vmap(g)(xs), want, rtol=1e-14)
    np.testing.assert_allclose(fx.jit(fx.vmap(g))(xs), want, rtol=1e-14)


# cond at singular matrices ---------------------------------------------------------------------------
INVERSE_NORMS = [1, np.inf, -1, -np.inf, "fro"]
SINGULAR = {"zeros": np.zeros((3, 3)), "diagonal": np.diag([1.0, 0.0, 2.0]),
            "rank_one": np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0])}


@pytest.mark.parametrize("p", INVERSE_NORMS)
@pytest.mark.parametrize("matrix", SINGULAR)
def test_cond_of_a_singular_matrix_is_inf_with_derivative_zero_in_both_modes(matrix, p):
    a = SINGULAR[matrix]
    f = lambda x: fnp.linalg.cond(x, p)  # noqa: E731
    assert float(f(a)) == np.linalg.cond(a, p) == np.inf
    _, tangent = fx.jvp(f, (a,), (np.arange(1.0, 10.0).reshape(3, 3),))
    assert float(tangent) == 0.0
    np.testing.assert_array_equal(fx.grad(f)(a), np.zeros((3, 3)))
    np.testing.assert_array_equal(fx.jit(fx.grad(f))(a), np.zeros((3, 3)))
    np.testing.assert_array_equal(fx.hessian(f)(a), np.zeros((3, 3, 3, 3)))


@pytest.mark.parametrize("p", INVERSE_NORMS)
def test_cond_gradients_of_a_stack_with_a_singular_matrix_match_jax_at_the_others(p):
    jax = jax_x64()
    rng = np.random.default_rng(4)
    good = rng.standard_normal((3, 3))
    stack = np.stack([good, SINGULAR["diagonal"], good @ good.T])
    ours = np.asarray(fx.grad(lambda x: fnp.sum(fnp.linalg.cond(x, p)))(stack))
    theirs = np.asarray(jax.grad(lambda x: jax.numpy.linalg.cond(x, p).sum())(stack))
    np.testing.assert_allclose(ours[[0, 2]], theirs[[0, 2]], rtol=1e-10)
    np.testing.assert_array_equal(ours[1], np.zeros((3, 3)))
    per_matrix = fx.vmap(fx.grad(lambda x: fnp.linalg.cond(x, p)))(stack)
    np.testing.assert_allclose(per_matrix, ours, rtol=1e-14)
    hessian = fx.hessian(lambda x: fnp.linalg.cond(x, p))(good)
    np.testing.assert_allclose(hessian, jax.hessian(lambda x: jax.numpy.linalg.cond(x, p))(good), rtol=1e-8)


@pytest.mark.parametrize("p", INVERSE_NORMS)
def test_cond_of_a_matrix_holding_nan_keeps_nan_and_a_nan_gradient(p):
    a = np.random.default_rng(5).standard_normal((3, 3))
    a[0, 1] = np.nan
    assert np.isnan(float(fnp.linalg.cond(a, p)))
    assert np.isnan(np.asarray(fx.grad(lambda x: fnp.linalg.cond(x, p))(a))).all()


# polar's second derivatives at repeated singular values --------------------------------------------
REPEATED = {**EDGE_REPEATED, "complex_unitary": np.linalg.qr(
    (lambda r: r.standard_normal((3, 3)) + 1j * r.standard_normal((3, 3)))(np.random.default_rng(8)))[0]}
POLAR = {"u": lambda x: fsl.polar(x)[0], "p_right": lambda x: fsl.polar(x)[1],
         "p_left": lambda x: fsl.polar(x, side="left")[1]}


def _second_order(f, a, h=1e-5):
    """(forward over forward, reverse over forward, forward over reverse) second derivatives of `f`
    at `a` along random t, s (paired with a random cotangent), and the central differences of the
    first derivative each one matches."""
    rng = np.random.default_rng(9)
    draw = (lambda: rng.standard_normal(a.shape) + 1j * rng.standard_normal(a.shape)) if np.iscomplexobj(a) \
        else (lambda: rng.standard_normal(a.shape))
    t, s = draw(), draw()
    ct = np.asarray(f(a))
    ct = rng.standard_normal(ct.shape) + (1j * rng.standard_normal(ct.shape) if np.iscomplexobj(ct) else 0)
    along_t = lambda x: fx.jvp(f, (x,), (t,))[1]  # noqa: E731
    grad = lambda x: fx.grad(lambda y: fnp.real(fnp.sum(f(y) * ct)))(x)  # noqa: E731
    central = lambda g: (np.asarray(g(a + h * s)) - np.asarray(g(a - h * s))) / (2 * h)  # noqa: E731
    fwd_fwd = fx.jvp(along_t, (a,), (s,))[1]
    # (the gradient of a real function of complex x is d/d re(x) - i d/d im(x), as jax's)
    rev_fwd = np.real(np.sum(np.asarray(fx.grad(lambda x: fnp.real(fnp.sum(along_t(x) * ct)))(a)) * s))
    fwd_rev = fx.jvp(grad, (a,), (s,))[1]
    return [(fwd_fwd, central(along_t)), (rev_fwd, np.real(np.sum(central(along_t) * ct))),
            (fwd_rev, central(grad))]


@pytest.mark.parametrize("name", POLAR)
@pytest.mark.parametrize("matrix", REPEATED)
def test_polar_second_derivatives_at_repeated_singular_values_match_differences_of_the_first(matrix, name):
    for got, want in _second_order(POLAR[name], REPEATED[matrix]):
        np.testing.assert_allclose(got, want, atol=1e-7 * max(1.0, np.abs(want).max()))


@pytest.mark.parametrize("matrix", ["identity", "orthogonal", "tall", "wide"])
def test_polar_derivatives_at_repeated_singular_values_pass_check_grads_to_second_order(matrix):
    check_grads(lambda x: fsl.polar(x), (REPEATED[matrix],), order=2)


def test_polar_second_derivatives_of_a_stack_batch_and_compile_as_one_matrix_at_a_time():
    stack = np.stack([REPEATED["identity"], REPEATED["diagonal"], REPEATED["symmetric"]])
    w = np.arange(9.0).reshape(3, 3)
    g = fx.grad(lambda x: fnp.sum(fsl.polar(x)[1] * w))
    hvp = lambda x: fx.jvp(g, (x,), (fnp.ones_like(x),))[1]  # noqa: E731
    want = np.stack([np.asarray(hvp(m)) for m in stack])
    np.testing.assert_allclose(fx.vmap(hvp)(stack), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fx.jit(hvp)(stack), want, rtol=1e-12, atol=1e-12)


def test_hessian_of_a_rule_solving_for_its_tangent_with_custom_linear_solve_is_the_closed_form():
    # log with its derivative dp / p written as the solve p x = dp: the second derivative needs the
    # solve's dependence on p, also once reverse mode has recorded it in a linear program
    @fx.custom_jvp
    def log(p):
        return fnp.log(p)

    @log.defjvp
    def _(primals, tangents):
        (p,), (dp,) = primals, tangents
        fixed = fx.stop_gradient(p)
        return log(p), flax.custom_linear_solve(lambda x: p * x, dp, lambda _, b: b / fixed, lambda _, b: b / fixed)

    q = np.array([0.3, -1.2, 2.0])
    want = np.diag(2 * (1 - q ** 2) / (1 + q ** 2) ** 2)  # d2/dq2 log(q^2 + 1)
    loss = lambda q: fnp.sum(log(q * q + 1.0))  # noqa: E731
    for hessian in (fx.hessian(loss), fx.jacrev(fx.jacrev(loss)), fx.jacfwd(fx.grad(loss))):
        np.testing.assert_allclose(hessian(q), want, rtol=1e-12, atol=1e-14)


# funm's derivative at repeated eigenvalues -------------------------------------------------------------
Q4 = np.linalg.qr(np.random.default_rng(10).standard_normal((4, 4)))[0]
EIGEN_REPEATED = {
    "identity": np.eye(4),
    "diagonal": np.diag([2.0, 2.0, 3.0, -1.0]),
    "symmetric": Q4 @ np.diag([1.0, 1.0, 1.0, 4.0]) @ Q4.T,
    # diagonalizable but not normal: eigenvalue 1 twice, with independent eigenvectors
    "not_normal": np.array([[1.0, 1.0, 0.0, 0.5], [0.0, 2.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.3], [0.0, 0.0, 0.0, 3.0]]),
    "rotation_pairs": np.kron(np.eye(2), np.array([[0.0, -1.0], [1.0, 0.0]])),  # +-i, each twice
}


@pytest.mark.parametrize("matrix", EIGEN_REPEATED)
def test_funm_derivative_of_exp_at_repeated_eigenvalues_is_the_frechet_derivative_in_both_modes(matrix):
    a = EIGEN_REPEATED[matrix]
    rng = np.random.default_rng(11)
    e, g = rng.standard_normal(a.shape), rng.standard_normal(a.shape)
    f = lambda m: fsl.funm(m, fnp.exp)  # noqa: E731
    np.testing.assert_allclose(fx.jvp(f, (a,), (e,))[1], sl.expm_frechet(a, e, compute_expm=False),
                               rtol=1e-10, atol=1e-12)
    # the adjoint of L_exp(a, .) is L_exp(a^T, .) for a real a
    want = sl.expm_frechet(a.T, g, compute_expm=False)
    for grad in (fx.grad(lambda m: fnp.sum(f(m) * g)), fx.jit(fx.grad(lambda m: fnp.sum(f(m) * g)))):
        np.testing.assert_allclose(grad(a), want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name, func, scipy_func", [("sin", fnp.sin, np.sin), ("cubic", lambda x: x ** 3 - 2 * x,
                                                                              lambda x: x ** 3 - 2 * x)])
@pytest.mark.parametrize("matrix", ["identity", "diagonal", "symmetric", "not_normal"])
def test_funm_derivative_at_repeated_eigenvalues_matches_finite_differences_of_scipy(matrix, name, func,
                                                                                     scipy_func):
    a = EIGEN_REPEATED[matrix]
    e = np.random.default_rng(12).standard_normal(a.shape)
    h = 1e-6
    want = (sl.funm(a + h * e, scipy_func) - sl.funm(a - h * e, scipy_func)) / (2 * h)
    np.testing.assert_allclose(fx.jvp(lambda m: fsl.funm(m, func), (a,), (e,))[1], want, rtol=1e-6, atol=1e-7)


def test_funm_derivative_of_a_complex_matrix_with_a_repeated_eigenvalue_is_that_of_the_polynomial():
    rng = np.random.default_rng(13)
    u = np.linalg.qr(rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)))[0]
    c = u @ np.diag([1j, 1j, 2.0]) @ u.conj().T
    e = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    got = fx.jvp(lambda m: fsl.funm(m, lambda x: x ** 3 - 2 * x), (c,), (e,))[1]
    np.testing.assert_allclose(got, c @ c @ e + c @ e @ c + e @ c @ c - 2 * e, rtol=1e-10, atol=1e-12)


def test_funm_derivatives_at_repeated_eigenvalues_batch_as_one_matrix_at_a_time():
    stack = np.stack([EIGEN_REPEATED[m] for m in ("identity", "symmetric", "not_normal")])
    g = fx.grad(lambda m: fnp.sum(fsl.funm(m, fnp.exp) * np.arange(16.0).reshape(4, 4)))
    want = np.stack([np.asarray(g(m)) for m in stack])
    np.testing.assert_allclose(fx.vmap(g)(stack), want, rtol=1e-12, atol=1e-12)
