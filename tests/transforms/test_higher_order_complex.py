"""Third-order derivatives and derivatives through complex numbers, against jax in float64.

Each program is written once over namespaces (`m.np`, `m.la`, ...) and run by fluxion and by jax;
jax's references are compiled (its third order op by op takes seconds). Where fluxion and jax
part ways (the derivative of complex `sign`, which jax takes as 0), the oracle is central
finite differences.
"""
import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.linalg as fsl
import fluxion.scipy.special as fsp
from fluxion.test_util import check_grads

from _jax_oracle import jax_x64

jax = jax_x64()
jnp = jax.numpy


class _Namespace:
    def __init__(self, ad, np_, la, sp, sl, fft, lax):
        self.ad, self.np, self.la, self.sp, self.sl, self.fft, self.lax = ad, np_, la, sp, sl, fft, lax


FX = _Namespace(fx, fnp, fnp.linalg, fsp, fsl, fnp.fft, fx.lax)
JAX = _Namespace(jax, jnp, jnp.linalg, jax.scipy.special, jax.scipy.linalg, jnp.fft, jax.lax)

_RNG = np.random.default_rng(11)
_X6 = np.array([0.3, -0.7, 1.6, 0.9, -1.2, 0.5])
_M9 = _RNG.normal(size=9) * 0.4 + 2 * np.eye(3).ravel()
_Z3 = _RNG.normal(size=3) + 1j * _RNG.normal(size=3)
_Z9 = _RNG.normal(size=9) + 1j * _RNG.normal(size=9) + 2 * np.eye(3).ravel()


def _sym(m, x):
    a = x.reshape(3, 3)
    return a + m.np.conj(a.T)


def _scan(m, x):
    def body(c, xi):
        c = m.np.sin(c) * xi + 0.3 * c ** 2
        return c, c * xi
    return m.lax.scan(body, x[0], x)[1]


def _custom_jvp(m):
    @m.ad.custom_jvp
    def f(x):
        return m.np.sin(x) * x

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return f(x), (m.np.cos(x) * x + m.np.sin(x)) * t
    return lambda x: f(x) ** 2


# name: (program over a namespace, input)
REAL_PROGRAMS = {
    "gammaln_digamma": (lambda m: lambda x: m.sp.gammaln(x ** 2 + 0.5) * m.sp.digamma(x ** 2 + 1), _X6),
    "log_ndtr_erfc": (lambda m: lambda x: m.sp.log_ndtr(2 * x) + m.sp.erfc(x), _X6),
    "logit_expit_erf": (lambda m: lambda x: m.sp.logit(m.sp.expit(x) / 2) * m.sp.erf(x), _X6),
    "xlogy_xlog1py": (lambda m: lambda x: m.sp.xlogy(x, x ** 2 + 1) + m.sp.xlog1py(x ** 2, x ** 2), _X6),
    "prod_with_a_zero": (lambda m: lambda x: m.np.prod(x.at[1].set(0.0) * x), _X6),
    "logsumexp_var": (lambda m: lambda x: m.sp.logsumexp(x.reshape(2, 3), axis=1) * m.np.var(x), _X6),
    "norm_ord_3_and_nuclear": (lambda m: lambda x: m.la.norm(x, 3) + m.la.norm(x.reshape(2, 3), "nuc"), _X6),
    "cummax_cumprod": (lambda m: lambda x: m.lax.cummax(x ** 3, axis=0) + m.np.cumprod(x), _X6),
    "sort_top_k": (lambda m: lambda x: m.np.sort(x ** 3)[:3] * m.lax.top_k(m.np.sin(x), 3)[0], _X6),
    "scatter_add_repeated": (lambda m: lambda x: (x ** 2).at[m.np.array([0, 2, 0])].add(x[:3] ** 3), _X6),
    "gather_repeated": (lambda m: lambda x: (x ** 3)[m.np.array([0, 0, 3, 5, 3])], _X6),
    "fft_abs": (lambda m: lambda x: m.np.abs(m.fft.rfft(x ** 2)) ** 2, _X6),
    "inv_slogdet": (lambda m: lambda x: m.la.inv(x.reshape(3, 3)) * m.la.slogdet(x.reshape(3, 3))[1], _M9),
    "eigh_vectors": (lambda m: lambda x: m.la.eigh(_sym(m, x))[1] ** 2, _M9),
    "svd_vectors": (lambda m: lambda x: m.la.svd(x.reshape(3, 3))[0] ** 2, _M9),
    "qr_cholesky": (lambda m: lambda x: m.la.qr(x.reshape(3, 3))[0] + m.la.cholesky(_sym(m, x) + 4 * m.np.eye(3)), _M9),
    "matrix_power_pinv": (lambda m: lambda x: m.la.matrix_power(x.reshape(3, 3), 3) @ m.la.pinv(x[:6].reshape(2, 3)),
                          _M9),
    "scan": (lambda m: lambda x: _scan(m, x), _X6),
    "fori_loop": (lambda m: lambda x: m.lax.fori_loop(0, 3, lambda i, y: m.np.tanh(y * x) + i * y, x), _X6),
    "custom_jvp": (_custom_jvp, _X6),
    "checkpoint": (lambda m: lambda x: m.ad.checkpoint(lambda y: m.np.sin(m.np.exp(y) * y))(x) * x, _X6),
}


def _third_order(m, f, x):
    u = m.np.asarray(np.linspace(-1.0, 1.0, f(x).size).reshape(f(x).shape))
    return m.ad.jacfwd(m.ad.jacrev(m.ad.grad(lambda y: m.np.sum(u * f(y)))))(x)


@pytest.mark.parametrize("name", REAL_PROGRAMS)
def test_third_derivatives_match_jax(name):
    program, x = REAL_PROGRAMS[name]
    expected = jax.jit(lambda y: _third_order(JAX, program(JAX), y))(x)  # compiled: op by op it takes seconds
    np.testing.assert_allclose(np.asarray(_third_order(FX, program(FX), fnp.asarray(x))), np.asarray(expected),
                               rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ["eigh_vectors", "scatter_add_repeated"])
def test_jit_and_vmap_of_a_hessian_vector_product_match_eager_and_a_loop(name):
    program, x = REAL_PROGRAMS[name]
    f = program(FX)
    hvp = lambda y, v: fx.jvp(fx.grad(lambda z: fnp.sum(f(z))), (y,), (v,))[1]
    xs = fnp.asarray(np.stack([x, 0.9 * x + 0.05, 1.1 * x - 0.02]))
    loop = np.stack([np.asarray(hvp(y, y[::-1])) for y in xs])
    np.testing.assert_allclose(np.asarray(fx.vmap(lambda y: hvp(y, y[::-1]))(xs)), loop, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.asarray(fx.jit(fx.vmap(lambda y: hvp(y, y[::-1])))(xs)), loop, rtol=1e-10,
                               atol=1e-12)


# name: (program of a complex input to complex or real values, input)
COMPLEX_PROGRAMS = {
    "abs_angle_conj": (lambda m: lambda z: m.np.abs(z) * m.np.angle(z) + m.np.conj(z) * z[::-1], _Z3),
    "exp_log_sqrt_pow": (lambda m: lambda z: m.np.exp(z) * m.np.log(z) + m.np.sqrt(z) * z ** (1.5 + 0.5j), _Z3),
    "real_imag": (lambda m: lambda z: m.np.real(z ** 2) * m.np.imag(z ** 3), _Z3),
    "matmul": (lambda m: lambda z: z.reshape(3, 3) @ m.np.conj(z.reshape(3, 3)).T @ z[:3], _Z9),
    "fft_ifft_irfft": (lambda m: lambda z: m.fft.ifft(m.fft.fft(z ** 2) * z) + m.fft.irfft(z, n=3), _Z3),
    "solve_inv_det": (lambda m: lambda z: m.la.solve(z.reshape(3, 3), z[:3]) * m.la.det(z.reshape(3, 3))
                      + m.np.trace(m.la.inv(z.reshape(3, 3))), _Z9),
    "eigh_hermitian": (lambda m: lambda z: (lambda w, v: (v * w) @ m.np.conj(v).T)(*m.la.eigh(_sym(m, z))), _Z9),
    "svd": (lambda m: lambda z: (lambda u, s, vh: (u * s ** 2) @ vh)(*m.la.svd(z.reshape(3, 3))), _Z9),
    "qr": (lambda m: lambda z: m.la.qr(z.reshape(3, 3))[0] * m.np.abs(m.la.qr(z.reshape(3, 3))[1]), _Z9),
    "cholesky": (lambda m: lambda z: m.la.cholesky(z.reshape(3, 3) @ m.np.conj(z.reshape(3, 3)).T), _Z9),
}


def _complex_derivatives(m, f, z, u, v):
    """The gradient, second and third derivatives of Re <u, f(z)>, and jvp(jvp(vjp)) of f."""
    loss = lambda y: m.np.real(m.np.sum(u * f(y)))
    second = lambda y: m.np.real(m.np.sum(v * m.ad.grad(loss)(y)))
    third = lambda y: m.np.real(m.np.sum(v * m.ad.grad(second)(y)))
    pullback = lambda y: m.ad.vjp(f, y)[1](u if m.np.iscomplexobj(f(y)) else m.np.real(u))[0]
    twice = lambda y: m.ad.jvp(lambda w: m.ad.jvp(pullback, (w,), (v,))[1], (y,), (v[::-1],))[1]
    return m.ad.grad(loss)(z), m.ad.grad(second)(z), m.ad.grad(third)(z), twice(z)


@pytest.mark.parametrize("name", COMPLEX_PROGRAMS)
def test_derivatives_through_complex_values_match_jax_to_third_order(name):
    program, z = COMPLEX_PROGRAMS[name]
    rng = np.random.default_rng(3)
    u = rng.normal(size=np.shape(program(JAX)(z))) + 1j * rng.normal(size=np.shape(program(JAX)(z)))
    v = rng.normal(size=z.shape) + 1j * rng.normal(size=z.shape)
    expected = jax.jit(lambda y: _complex_derivatives(JAX, program(JAX), y, u, v))(z)
    ours = _complex_derivatives(FX, program(FX), fnp.asarray(z), fnp.asarray(u), fnp.asarray(v))
    for a, b in zip(ours, expected, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ["eigh_hermitian", "fft_ifft_irfft"])
def test_gradients_of_complex64_inputs_are_complex64_eagerly_under_jit_and_vmap(name):
    program, z = COMPLEX_PROGRAMS[name]
    g = fx.grad(lambda y: fnp.sum(fnp.abs(program(FX)(y)) ** 2))
    zs = fnp.asarray(np.stack([z, 1.1 * z]), dtype=fnp.complex64)
    loop = np.stack([np.asarray(g(y)) for y in zs])
    for out in (fx.jit(g)(zs[0]), fx.vmap(g)(zs)):
        assert out.dtype == fnp.complex64
    np.testing.assert_allclose(np.asarray(fx.vmap(g)(zs)), loop, rtol=1e-5, atol=1e-5)
    expected = jax.grad(lambda y: jnp.sum(jnp.abs(program(JAX)(y)) ** 2))(jnp.asarray(z))
    np.testing.assert_allclose(loop[0], np.asarray(expected), rtol=2e-3, atol=2e-3)


def _holomorphic(m, z):
    a = z.reshape(3, 3)
    return m.la.det(a) + m.np.sum(m.la.inv(a) @ m.np.exp(a)) + m.np.sum(m.fft.fft(z) ** 2) + m.np.prod(m.np.tanh(z))


def test_holomorphic_third_derivatives_match_jax():
    def third(m, z):
        return m.ad.jacfwd(m.ad.jacrev(m.ad.grad(lambda y: _holomorphic(m, y), holomorphic=True), holomorphic=True),
                           holomorphic=True)(z)
    expected = jax.jit(lambda y: third(JAX, y))(_Z9)
    np.testing.assert_allclose(np.asarray(third(FX, fnp.asarray(_Z9))), np.asarray(expected), rtol=1e-7, atol=1e-9)
    ours = fx.hessian(lambda y: _holomorphic(FX, y), holomorphic=True)(fnp.asarray(_Z9, dtype=fnp.complex64))
    assert ours.dtype == fnp.complex64


def test_jacrev_of_complex_outputs_of_real_inputs_is_the_complex_jacobian_as_jacfwd_gives():
    f = lambda m: lambda x, z: (m.np.exp(1j * x) * m.np.sum(z ** 2), m.np.sin(x) * z[0] * x[1])
    x, z = _X6[:3], _Z3[:2]
    # jax takes no Jacobian of complex outputs in reverse mode: its forward mode's is the oracle,
    # with the complex input split into its real and imaginary parts where jacfwd needs that
    dx = jax.jacfwd(lambda y: f(JAX)(y, z))(x)
    dz = jax.jacfwd(lambda w: f(JAX)(x, w), holomorphic=True)(z.astype(complex))
    # (in the complex input, as for jax, holomorphic=True says the complex derivative exists)
    for jac_x, jac_z in ((fx.jacrev(f(FX)), fx.jacrev(f(FX), 1, holomorphic=True)),
                         (fx.jit(fx.jacrev(f(FX))), fx.jit(fx.jacrev(f(FX), 1, holomorphic=True)))):
        ours_x, ours_z = jac_x(fnp.asarray(x), fnp.asarray(z)), jac_z(fnp.asarray(x), fnp.asarray(z))
        for k in range(2):
            assert ours_x[k].dtype == fnp.complex128
            np.testing.assert_allclose(np.asarray(ours_x[k]), np.asarray(dx[k]), rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(np.asarray(ours_z[k]), np.asarray(dz[k]), rtol=1e-12, atol=1e-14)
    xs = np.stack([x, 2 * x])
    batched = fx.vmap(fx.jacrev(lambda y: fnp.exp(1j * y) * y[0]))(fnp.asarray(xs, dtype=fnp.float32))
    assert batched.dtype == fnp.complex64
    loop = np.stack([np.asarray(jax.jacfwd(lambda y: jnp.exp(1j * y) * y[0])(y)) for y in xs])
    np.testing.assert_allclose(np.asarray(batched), loop, rtol=1e-5, atol=1e-6)


def test_complex_sign_has_the_derivative_of_z_over_abs_z_to_third_order():
    # jax takes sign's derivative as 0 also for complex z, where z / |z| is not constant
    check_grads(lambda z: fnp.sign(z) * z ** 2, (fnp.asarray(_Z3),), order=3, eps=1e-5, atol=1e-5, rtol=1e-5)
