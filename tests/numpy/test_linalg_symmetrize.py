"""eigh, eigvalsh and cholesky decompose (x + x^H) / 2 by default, as jax's symmetrize_input: values
and derivatives match jax's, derivatives split evenly between x[i, j] and x[j, i] (as jax's and
PyTorch's), and agree with finite differences in every direction, not only symmetric ones."""
import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl
from fluxion.test_util import check_grads

jax.config.update("jax_enable_x64", True)
rng = np.random.default_rng(3)
W = rng.standard_normal((4, 4))
SPD = (lambda m: m @ m.T + 4 * np.eye(4))(rng.standard_normal((4, 4)))
LOSSES = {
    "cholesky": lambda ns, la: lambda m: ns.sum(la.cholesky(m) * W),
    "eigvalsh": lambda ns, la: lambda m: ns.sum(la.eigvalsh(m) * W[0]),
    "eigh vectors": lambda ns, la: lambda m: ns.sum(ns.abs(la.eigh(m)[1]) * W),
}


@pytest.mark.parametrize("name", LOSSES)
def test_gradients_match_jax_and_finite_differences(name):
    ours, theirs = LOSSES[name](fnp, fnp.linalg), LOSSES[name](jnp, jnp.linalg)
    want = np.asarray(jax.grad(theirs)(SPD))
    np.testing.assert_allclose(np.asarray(fx.grad(ours)(fnp.asarray(SPD))), want, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.grad(ours))(fnp.asarray(SPD))), want, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(want, want.T, rtol=1e-8, atol=1e-10)
    check_grads(ours, (fnp.asarray(SPD),), order=1)  # (random, unsymmetric directions)


def test_scipy_eigh_matches_jax_and_finite_differences():
    loss = lambda m: fnp.sum(fsl.eigh(m)[0] * W[0])  # noqa: E731
    want = jax.grad(lambda m: jnp.sum(jsl.eigh(m)[0] * W[0]))(SPD)
    np.testing.assert_allclose(np.asarray(fx.grad(loss)(fnp.asarray(SPD))), np.asarray(want), rtol=1e-8, atol=1e-10)
    check_grads(loss, (fnp.asarray(SPD),), order=2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128])
def test_values_of_an_unsymmetric_input_match_jax_and_numpy_on_its_hermitian_part(dtype):
    x = rng.standard_normal((2, 3, 3))
    if np.dtype(dtype).kind == "c":
        x = x + 1j * rng.standard_normal((2, 3, 3))
    x = (x + 6 * np.eye(3)).astype(dtype)
    part = (x + np.conj(np.swapaxes(x, -1, -2))) / 2
    tol = 1e-4 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10
    for f in (fnp.linalg.eigvalsh, fx.jit(fnp.linalg.eigvalsh)):
        np.testing.assert_allclose(np.asarray(f(fnp.asarray(x))), np.linalg.eigvalsh(part), rtol=tol, atol=tol)
        np.testing.assert_allclose(np.asarray(f(fnp.asarray(x))), np.asarray(jnp.linalg.eigvalsh(x)), rtol=tol, atol=tol)
    for f in (fnp.linalg.cholesky, fx.jit(fnp.linalg.cholesky)):
        np.testing.assert_allclose(np.asarray(f(fnp.asarray(x))), np.linalg.cholesky(part), rtol=tol, atol=tol)
    # symmetrize_input=False reads one triangle, as NumPy
    np.testing.assert_allclose(np.asarray(fnp.linalg.eigvalsh(fnp.asarray(x), UPLO="U", symmetrize_input=False)),
                               np.linalg.eigvalsh(x, UPLO="U"), rtol=tol, atol=tol)
    np.testing.assert_allclose(np.asarray(fnp.linalg.cholesky(fnp.asarray(x), symmetrize_input=False)),
                               np.linalg.cholesky(x), rtol=tol, atol=tol)
