"""Derivatives of whole research-style programs, eagerly and under jit, against oracles.

Where jax and the math part ways (spence at 1, attention that jax computes with reduced
precision), the oracle is the closed form or an explicit reference program in float64.
"""
import warnings

import numpy as np
import scipy.special

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl
import fluxion.scipy.special as fsp
from fluxion.test_util import check_grads

from _jax_oracle import jax_x64

jax = jax_x64()
jnp = jax.numpy


def _arr(values):
    return fnp.asarray(np.asarray(values, np.float64))


def _assert_eager_and_jit(grad_f, x, expected, **tol):
    for g in (grad_f, fx.jit(grad_f)):
        np.testing.assert_allclose(np.asarray(g(x)), np.asarray(expected), **tol)


def test_jit_grad_through_complex_intermediate_gives_no_complex_warning_and_matches_finite_differences():
    # the cotangent of a real-to-complex conversion is the real part of a complex one
    f = lambda x: fnp.sum(fnp.real(fsp.wofz(x + 0.5j)))
    x = np.array([0.3, 1.0, 4.0])
    eps = 1e-6
    expected = (np.real(scipy.special.wofz(x + eps + 0.5j)) - np.real(scipy.special.wofz(x - eps + 0.5j))) / (2 * eps)
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        _assert_eager_and_jit(fx.grad(f), _arr(x), expected, rtol=1e-6)


def test_gp_log_marginal_likelihood_matches_jax_to_third_order():
    rng = np.random.default_rng(3)
    xs, ys = rng.normal(size=(5, 2)), rng.normal(size=5)

    def nll(m, la, sl):
        def f(theta):
            ls, sf, sn = m.exp(theta[0]), m.exp(theta[1]), m.exp(theta[2])
            d2 = m.sum((xs[:, None, :] - xs[None, :, :]) ** 2, axis=-1)
            k = sf ** 2 * m.exp(-0.5 * d2 / ls ** 2) + sn ** 2 * m.eye(5)
            l = sl.cholesky(k, lower=True)
            z = sl.solve_triangular(l, ys, lower=True)
            return 0.5 * z @ z + 0.5 * la.slogdet(k)[1]
        return f

    f, jf = nll(fnp, fnp.linalg, fsl), nll(jnp, jnp.linalg, jax.scipy.linalg)
    theta = np.array([0.1, -0.2, -1.0])
    third = lambda h: (lambda t: h(t).sum())
    # (jax's references compiled: op by op, its third order alone takes seconds)
    _assert_eager_and_jit(fx.grad(f), _arr(theta), jax.jit(jax.grad(jf))(theta), rtol=1e-8)
    _assert_eager_and_jit(fx.hessian(f), _arr(theta), jax.jit(jax.hessian(jf))(theta), rtol=1e-7)
    _assert_eager_and_jit(fx.grad(third(fx.hessian(f))), _arr(theta),
                          jax.jit(jax.grad(third(jax.hessian(jf))))(theta), rtol=1e-6)


def test_spence_derivative_at_one_is_the_limit_of_log_x_over_1_minus_x():
    # spence'(x) = log(x) / (1 - x) -> -1 and spence''(x) -> 1/2 at x = 1 (jax gives 0 and nan)
    # (and near 0, where z - 1 rounds z away: log(z), not log1p(z - 1))
    x = _arr([1e-30, 1e-17, 0.3, 1.0, 2.5])
    xs = np.asarray(x)
    first = np.where(xs == 1.0, -1.0, np.log(xs) / (1 - np.where(xs == 1.0, 0.0, xs)))
    _assert_eager_and_jit(fx.grad(lambda x: fnp.sum(fsp.spence(x))), x, first, rtol=1e-10)
    second = fx.grad(lambda x: fnp.sum(fx.grad(lambda x: fnp.sum(fsp.spence(x)))(x)))
    np.testing.assert_allclose(np.asarray(second(x))[3], 0.5, rtol=1e-8)
    small = np.float32([1e-8, 1e-5])
    grads = fx.vmap(fx.grad(fsp.spence))(fnp.asarray(small))
    wide = small.astype(np.float64)
    np.testing.assert_allclose(grads, np.log(wide) / (1 - wide), rtol=1e-6)


def test_dot_product_attention_with_shared_kv_head_matches_an_explicit_float64_reference():
    rng = np.random.default_rng(9)
    q, k, v = rng.normal(size=(1, 3, 2, 4)), rng.normal(size=(1, 3, 1, 4)), rng.normal(size=(1, 3, 1, 4))

    def reference(q, k, v):
        kk, vv = jnp.concatenate([k, k], axis=2), jnp.concatenate([v, v], axis=2)
        s = jnp.einsum("btnh,bsnh->bnts", q, kk) / 2.0
        s = jnp.where(np.tril(np.ones((3, 3), bool)), s, -1e30)
        return jnp.sum(jnp.einsum("bnts,bsnh->btnh", jax.nn.softmax(s, axis=-1), vv) ** 2)

    f = lambda q, k, v: fnp.sum(fx.nn.dot_product_attention(q, k, v, is_causal=True) ** 2)
    expected = jax.grad(reference, argnums=(0, 1, 2))(q, k, v)
    for g in (fx.grad(f, argnums=(0, 1, 2)), fx.jit(fx.grad(f, argnums=(0, 1, 2)))):
        for got, want in zip(g(_arr(q), _arr(k), _arr(v)), expected):
            np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-10, atol=1e-12)


def test_rnn_written_as_python_for_loop_matches_finite_differences_to_second_order():
    xs = np.linspace(-1.0, 1.0, 10).reshape(5, 2)

    def f(w):
        h = w[:, 0] * 0.0
        for t in range(5):
            h = fnp.tanh(w[:, :3] @ h + w[:, 3:] @ xs[t])
        return fnp.sum(h ** 2)

    w = _arr(0.5 * np.random.default_rng(1).normal(size=(3, 5)))
    check_grads(f, (w,), order=2)
    check_grads(fx.jit(f), (w,), order=2)


def test_product_and_cumulative_product_with_zeros_match_jax_second_derivatives():
    f = lambda m: (lambda x: m.sum(m.prod(x, axis=0) ** 2) + m.sum(m.cumprod(x, axis=1)))
    x = np.array([[0.0, 1.0, 2.0], [3.0, 0.0, 1.5]])
    _assert_eager_and_jit(fx.grad(f(fnp)), _arr(x), jax.grad(f(jnp))(x), rtol=1e-12)
    _assert_eager_and_jit(fx.hessian(f(fnp)), _arr(x), jax.hessian(f(jnp))(x), rtol=1e-12)
