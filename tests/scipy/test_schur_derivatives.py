"""Derivatives of fluxion.scipy.linalg's schur, hessenberg and funm: against central finite
differences of scipy.linalg's, the Frechet derivatives of the exponential (scipy's expm_frechet)
and of a polynomial, and eager against jit, forward against reverse mode, vmap against a loop.
(jax has no derivative of schur, hessenberg or funm to compare with.)"""
import numpy as np
import pytest
import scipy.linalg as sl

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl
from fluxion.test_util import check_grads

rng = np.random.default_rng(0)
_H = 1e-6  # the finite-difference step: central differences in float64 are good to ~1e-9 here


def _draw(n, complex_=False, *batch):
    a = rng.normal(size=(*batch, n, n))
    return a + 1j * rng.normal(size=(*batch, n, n)) if complex_ else a


def _fd(f, a, da):
    """Central differences of each output of the NumPy function `f` at `a` along `da`."""
    return [(p - m) / (2 * _H) for p, m in zip(f(a + _H * da), f(a - _H * da))]


def _close(actual, expected, rtol=1e-6):
    expected = np.asarray(expected)
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=rtol, atol=rtol * np.abs(expected).max())


def _both(f):
    """`f`'s jvp eagerly and under jit."""
    jvp = lambda a, da: fx.jvp(f, (a,), (da,))[1]  # noqa: E731
    return jvp, fx.jit(jvp)


def test_real_schur_tangents_of_t_and_z_match_finite_differences():
    a, da = _draw(5), _draw(5)
    t = sl.schur(a)[0]
    assert np.any(np.diag(t, -1) != 0), "the draw has a 2x2 block (a pair of complex eigenvalues)"
    expected = _fd(lambda m: sl.schur(m), a, da)
    for jvp in _both(fsl.schur):
        for got, want in zip(jvp(fnp.asarray(a), fnp.asarray(da)), expected):
            _close(got, want)


def _invariants(schur, conj, abs_, diag):
    """What does not depend on the phases of the Schur vectors: z t z^H, diag(t), |t| and the
    projectors z_j z_j^H onto each Schur vector, for `schur` of NumPy or fluxion."""
    def f(a):
        t, z = schur(a)
        zh = conj(z).swapaxes(-1, -2)
        return z @ t @ zh, diag(t), abs_(t), z[..., :, None, :] * conj(z)[..., None, :, :]
    return f


@pytest.mark.parametrize("complex_input", [False, True])
def test_complex_schur_derivatives_of_phase_free_quantities_match_finite_differences(complex_input):
    a, da = _draw(4, complex_input), _draw(4, complex_input)
    expected = _fd(_invariants(lambda m: sl.schur(m, output="complex"), np.conj, np.abs, np.diag), a, da)
    f = _invariants(lambda m: fsl.schur(m, output="complex"), fnp.conj, fnp.abs, fnp.diag)
    for jvp in _both(f) if complex_input else _both(f)[:1]:
        for got, want in zip(jvp(fnp.asarray(a), fnp.asarray(da)), expected):
            _close(got, want)
    # reverse mode: the gradient of a real function of them, as the directional derivative
    g = _draw(4)
    loss = lambda m: fnp.sum(fnp.real(f(m)[0]) * g) + fnp.sum(f(m)[2] * g)  # noqa: E731
    want = np.sum(expected[0].real * g) + np.sum(expected[2] * g)
    for grad in (fx.grad(loss), fx.jit(fx.grad(loss))) if complex_input else (fx.grad(loss),):
        np.testing.assert_allclose(np.sum(np.asarray(grad(fnp.asarray(a))) * da).real, want, rtol=1e-6)


@pytest.mark.parametrize("output", ["real", "complex"])
def test_schur_tangents_keep_the_form_and_reconstruct_the_input(output):
    a, da = _draw(5), _draw(5)
    (t, z), (dt, dz) = (tuple(np.asarray(x) for x in y) for y in fx.jvp(lambda m: fsl.schur(m, output),
                                                                     (fnp.asarray(a),), (fnp.asarray(da),)))
    zh, dzh = np.conj(z.T), np.conj(dz.T)
    _close(dz @ t @ zh + z @ dt @ zh + z @ t @ dzh, da, rtol=1e-12)
    np.testing.assert_allclose(zh @ dz + dzh @ z, 0, atol=1e-12)  # z stays unitary
    structure = np.tril(np.ones((5, 5)), -1) * (np.abs(np.tril(t, -1)) == 0)  # below t's (quasi) triangle
    assert np.all(dt * structure == 0)


def test_schur_gradients_agree_with_forward_mode_eagerly_under_jit_and_vmap():
    a, g = _draw(4, False, 3), _draw(4)
    loss = lambda m: fnp.sum(fsl.schur(m)[1] * g) + fnp.sum(fsl.schur(m)[0] ** 2)  # noqa: E731
    grad = fx.grad(loss)
    for i in range(3):
        jac = np.asarray(fx.jacfwd(loss)(fnp.asarray(a[i])))
        _close(grad(fnp.asarray(a[i])), jac, rtol=1e-10)
    looped = np.stack([np.asarray(grad(fnp.asarray(m))) for m in a])
    _close(fx.jit(fx.vmap(grad))(fnp.asarray(a)), looped, rtol=1e-10)
    check_grads(lambda m: fsl.schur(m)[1], (fnp.asarray(a[0]),), order=2)


@pytest.mark.parametrize("a", [np.eye(3), np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([[0.0, -1.0], [1.0, 0.0]])],
                         ids=["repeated", "defective", "normal_block"])
def test_schur_has_no_derivative_at_repeated_eigenvalues_or_a_normal_real_block(a):
    tangents = fx.jvp(fsl.schur, (fnp.asarray(a),), (fnp.asarray(_draw(len(a))),))[1]
    assert not np.isfinite(np.asarray(tangents[0])).all()
    assert not np.isfinite(np.asarray(tangents[1])).all()


@pytest.mark.parametrize("complex_input", [False, True])
@pytest.mark.parametrize("n", [2, 3, 5])
def test_hessenberg_tangents_of_h_and_q_match_finite_differences(complex_input, n):
    a, da = _draw(n, complex_input), _draw(n, complex_input)
    expected = _fd(lambda m: sl.hessenberg(m, calc_q=True), a, da)
    jvps = _both(lambda m: fsl.hessenberg(m, calc_q=True))
    for jvp in jvps if n == 5 else jvps[:1]:
        for got, want in zip(jvp(fnp.asarray(a), fnp.asarray(da)), expected):
            _close(got, want)


def test_hessenberg_gradients_match_finite_differences_and_vmap_a_loop():
    a, da, g = _draw(4, False, 2), _draw(4), _draw(4)
    loss = lambda m: fnp.sum(fsl.hessenberg(m, calc_q=True)[1] * g) + fnp.sum(fsl.hessenberg(m) ** 2)  # noqa: E731
    h, q = _fd(lambda m: sl.hessenberg(m, calc_q=True), a[0], da)
    want = np.sum(q * g) + np.sum(2 * sl.hessenberg(a[0]) * h)
    for grad in (fx.grad(loss), fx.jit(fx.grad(loss))):
        np.testing.assert_allclose(np.sum(np.asarray(grad(fnp.asarray(a[0]))) * da), want, rtol=1e-6)
    looped = np.stack([np.asarray(fx.grad(loss)(fnp.asarray(m))) for m in a])
    _close(fx.vmap(fx.grad(loss))(fnp.asarray(a)), looped, rtol=1e-10)
    check_grads(lambda m: fsl.hessenberg(m, calc_q=True), (fnp.asarray(a[0] + 1j * da),), order=1)


def test_hessenberg_has_no_derivative_where_the_form_splits():
    a = _draw(4)
    a[1:, 0] = 0  # h[1, 0] = 0: q is no longer fixed by a
    tangents = fx.jvp(lambda m: fsl.hessenberg(m, calc_q=True), (fnp.asarray(a),), (fnp.asarray(_draw(4)),))[1]
    assert not np.isfinite(np.asarray(tangents[1])).all()


def test_funm_derivative_is_the_frechet_derivative_of_exp_and_of_a_polynomial():
    a, e, g = _draw(4), _draw(4), _draw(4)
    _close(fx.jvp(lambda m: fsl.funm(m, fnp.exp), (fnp.asarray(a),), (fnp.asarray(e),))[1],
           sl.expm_frechet(a, e, compute_expm=False), rtol=1e-10)
    # the adjoint of L_exp(a, .) is L_exp(a^T, .) for a real a
    loss = lambda m: fnp.sum(fsl.funm(m, fnp.exp) * g)  # noqa: E731
    for grad in (fx.grad(loss), fx.jit(fx.grad(loss))):
        _close(grad(fnp.asarray(a)), sl.expm_frechet(a.T, g, compute_expm=False), rtol=1e-10)
    # x^3 - 2x: a^2 e + a e a + e a^2 - 2e, also for a complex matrix
    c, ec = _draw(4, True), _draw(4, True)
    got = fx.jvp(lambda m: fsl.funm(m, lambda x: x ** 3 - 2 * x), (fnp.asarray(c),), (fnp.asarray(ec),))[1]
    _close(got, c @ c @ ec + c @ ec @ c + ec @ c @ c - 2 * ec, rtol=1e-10)


def test_funm_derivative_matches_finite_differences_of_scipy_for_sin():
    a, da = _draw(5), _draw(5)
    (expected,) = _fd(lambda m: (sl.funm(m, np.sin),), a, da)
    _close(fx.jvp(lambda m: fsl.funm(m, fnp.sin), (fnp.asarray(a),), (fnp.asarray(da),))[1], expected)
    check_grads(lambda m: fsl.funm(m, fnp.sin), (fnp.asarray(a),), order=2)
