"""fx.test_util.check_grads over a sample of fluxion's differentiable functions, with jax as the
oracle: the derivatives (first and second order, float64) agree with jax's, check_grads passes
the functions in float32 and float64 where jax.test_util.check_grads passes their jax twins, and
it fails wrong rules in float32 too, with errors that name the mode and the order."""
import inspect
import types
import zlib

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special  # noqa: F401
import fluxion.scipy.stats  # noqa: F401
from fluxion.errors import FluxionError
from fluxion.test_util import check_grads


def _inputs(name, kinds, dtype=np.float64):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    draw = {"real": lambda s: rng.standard_normal(s), "pos": lambda s: rng.uniform(0.5, 2.0, s),
            "prob": lambda s: rng.uniform(0.1, 0.9, s),
            "spd": lambda s: (lambda a: a @ a.T + s[0] * np.eye(s[0]))(rng.standard_normal(s))}
    return [draw[kind](shape).astype(dtype) for kind, shape in kinds]


# name -> (the function over namespaces `m` (fluxion's or jax's), its inputs as (kind, shape))
CASES = {
    "gammaln": (lambda m: m.special.gammaln, [("pos", (3,))]),
    "digamma": (lambda m: m.special.digamma, [("pos", ())]),
    "erfinv": (lambda m: m.special.erfinv, [("prob", (2, 2))]),
    "betainc_x": (lambda m: lambda x: m.special.betainc(1.5, 2.5, x), [("prob", (3,))]),
    "xlogy": (lambda m: m.special.xlogy, [("real", (3,)), ("pos", (3,))]),
    "t_logpdf": (lambda m: lambda x, s: m.stats.t.logpdf(x, 3.0, 0.2, s), [("real", (3,)), ("pos", (3,))]),
    "logsumexp": (lambda m: lambda x: m.special.logsumexp(x, axis=0), [("real", (3, 2))]),
    "gelu": (lambda m: m.nn.gelu, [("real", (4,))]),
    "cumprod": (lambda m: lambda x: m.np.cumprod(x, axis=1), [("real", (2, 3))]),
    "det": (lambda m: m.np.linalg.det, [("spd", (3, 3))]),
    "cholesky_solve": (lambda m: lambda a, b: m.np.linalg.solve(m.np.linalg.cholesky(a), b),
                       [("spd", (3, 3)), ("real", (3,))]),
    "rfft": (lambda m: lambda x: m.np.abs(m.np.fft.rfft(x)), [("real", (6,))]),
    "einsum": (lambda m: lambda a, b: m.np.einsum("bij,jk->bik", a, b) ** 2, [("real", (2, 2, 3)), ("real", (3, 2))]),
    "scatter_add": (lambda m: lambda x, v: m.np.asarray(x).at[m.np.array([1, 1, 3])].add(v) * x, [("real", (4,)), ("real", (3,))]),
    "scan": (lambda m: lambda c, xs: m.lax.scan(lambda c, x: (c * m.np.tanh(x) + x, c * x), c, xs)[1],
             [("real", (2,)), ("real", (3, 2))]),
}


def _namespace(np_, sp, nn, lax):
    return types.SimpleNamespace(np=np_, special=sp.special, stats=sp.stats, nn=nn, lax=lax)


FLUXION = _namespace(fnp, fx.scipy, fx.nn, fx.lax)


def _jax_namespace(jax):
    import jax.scipy.special
    import jax.scipy.stats  # noqa: F401
    return _namespace(jax.numpy, jax.scipy, jax.nn, jax.lax)


@pytest.fixture
def jax(jax):
    import jax.test_util  # noqa: F401
    return jax


@pytest.mark.parametrize("name", sorted(CASES))
def test_first_and_second_derivatives_match_jax(jax, name):
    build, kinds = CASES[name]
    f, jf = build(FLUXION), build(_jax_namespace(jax))
    xs = _inputs(name, kinds)
    rng = np.random.default_rng(1)
    v = [rng.standard_normal(x.shape) for x in xs]
    u = rng.standard_normal(np.shape(jf(*xs)))

    def jax_derivatives(xs, v, u):
        grad = jax.grad(lambda *ys: (u * jf(*ys)).sum(), argnums=tuple(range(len(xs))))
        return jax.jvp(jf, xs, v)[1], jax.vjp(jf, *xs)[1](u), jax.jvp(grad, xs, v)[1]
    tangent, cts, hvp = jax.jit(jax_derivatives)(xs, v, u)

    fxs, fv = [fnp.asarray(x) for x in xs], [fnp.asarray(t) for t in v]
    grad = fx.grad(lambda *ys: fnp.sum(fnp.asarray(u) * f(*ys)), argnums=tuple(range(len(xs))))
    np.testing.assert_allclose(fx.jvp(f, fxs, fv)[1], tangent, rtol=1e-9, atol=1e-12)
    for got, want in zip(fx.vjp(f, *fxs)[1](fnp.asarray(u)), cts):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    for got, want in zip(fx.jvp(grad, fxs, fv)[1], hvp):
        np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["gammaln", "erfinv", "t_logpdf", "cumprod", "det", "rfft", "einsum", "scan"])
def test_check_grads_passes_correct_functions_in_float32_and_float64(name, dtype):
    build, kinds = CASES[name]
    check_grads(build(FLUXION), [fnp.asarray(x) for x in _inputs(name, kinds, dtype)], order=2)


def _scaled_jvp(factor):
    """sin with a jvp rule `factor` times the true one (so wrong unless factor is 1)."""
    @fx.custom_jvp
    def f(x):
        return fnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return fnp.sin(x), factor * fnp.cos(x) * t
    return f


def _scaled_vjp(factor):
    """sin with a pullback `factor` times the true one."""
    @fx.custom_vjp
    def f(x):
        return fnp.sin(x)
    f.defvjp(lambda x: (fnp.sin(x), x), lambda x, u: (factor * fnp.cos(x) * u,))
    return f


X32 = (np.linspace(-1.3, 1.2, 12, dtype=np.float32),)


def test_rules_off_by_one_percent_fail_in_float32_and_exact_ones_pass():
    check_grads(_scaled_jvp(1.0), X32, order=1, modes="fwd")  # one mode may be given as a string, as in jax
    check_grads(_scaled_vjp(1.0), X32, order=1, modes="rev")
    with pytest.raises(AssertionError, match="forward-mode derivatives of order 1"):
        check_grads(_scaled_jvp(1.01), X32, order=1, modes=("fwd",))
    with pytest.raises(AssertionError, match="reverse-mode derivatives of order 1"):
        check_grads(_scaled_vjp(1.01), X32, order=1, modes=("rev",))


@pytest.mark.parametrize("mode, what", [("fwd", "forward"), ("rev", "reverse")])
def test_a_wrong_second_derivative_fails_at_order_2_and_names_mode_and_order(mode, what):
    @fx.custom_jvp
    def f(x):
        return fnp.sin(x)

    @f.defjvp
    def f_jvp(primals, tangents):  # right at first order, but cos(x) is held constant
        (x,), (t,) = primals, tangents
        return fnp.sin(x), fx.stop_gradient(fnp.cos(x)) * t
    check_grads(f, X32, order=1, modes=(mode,))
    with pytest.raises(AssertionError, match=f"{what}-mode derivatives of order 2"):
        check_grads(f, X32, order=2, modes=(mode,))


def test_the_dot_product_test_is_not_failed_by_cancellation_in_float32():
    # many outputs whose pairing with the cotangent nearly cancels: the allowed difference
    # follows the size of the terms, not of their sum
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 40, 40)).astype(np.float32)
    check_grads(lambda a, b: fnp.tanh(a @ b) * 10.0, (a, b), order=2, modes=("rev",))


def test_a_float32_log_likelihood_over_many_points_passes_and_a_five_percent_error_in_it_fails():
    # the value (about -2000) is large beside its derivatives: the rounding error of the central
    # differences is allowed for, and the check still sees a 5% error in one partial derivative
    data = fnp.asarray(np.random.default_rng(4).normal(1.0, 2.0, 1000).astype(np.float32))
    args = (np.float32(0.8), np.float32(1.7))

    def loglik(mu, s):
        return fnp.sum(fx.scipy.stats.norm.logpdf(data, mu, s))
    check_grads(loglik, args, order=2)
    with pytest.raises(AssertionError):
        check_grads(lambda mu, s: loglik(mu, s) + 0.05 * (loglik(mu, s) - loglik(fx.stop_gradient(mu), s)), args,
                    order=1)


def test_a_complex64_argument_beside_a_float64_one_gets_the_float32_step():
    b = np.array([0.3, -0.5, 1.2])
    a = np.array([0.5 + 0.2j, -1.0 + 0.3j, 0.2 - 0.9j], np.complex64)
    check_grads(lambda b, a: a * fnp.exp(b), (b, a), order=2)
    with pytest.raises(AssertionError):  # the float64 step and tolerance cannot hold for complex64 arithmetic
        check_grads(lambda b, a: a * fnp.exp(b), (b, a), order=1, eps=1e-6, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("scale", [1.01, 2.0])
def test_float64_arguments_computed_in_float32_get_the_float32_step_and_a_wrong_rule_fails(scale):
    # (the float64 step, with float32's rounding allowed for at that step, passed a rule off by 2x)
    x = (np.array([0.5, -0.3, 0.7, 1.2]),)
    f32 = lambda a: a.astype(fnp.float32)  # noqa: E731
    check_grads(lambda a: fnp.sum(fnp.sin(f32(a))) + 10.0, x, order=2)
    for mode, wrong in (("fwd", _scaled_jvp(scale)), ("rev", _scaled_vjp(scale))):
        with pytest.raises(AssertionError):
            check_grads(lambda a: fnp.sum(wrong(f32(a))) + 10.0, x, order=1, modes=mode)


@pytest.mark.parametrize("name", ["square", "conj_times_square", "abs", "log"])
def test_complex_functions_pass_as_in_jax_and_a_wrong_complex_rule_fails(jax, name):
    z = np.array([0.3 + 0.4j, -1.1 + 0.2j, 0.5 - 0.7j])
    fns = {"square": lambda m: lambda z: z * z, "conj_times_square": lambda m: lambda z: m.conj(z) * z * z,
           "abs": lambda m: m.abs, "log": lambda m: m.log}
    for dtype in (np.complex64, np.complex128):
        check_grads(fns[name](fnp), (z.astype(dtype),), order=2)
        jax.test_util.check_grads(fns[name](jax.numpy), (z.astype(dtype),), order=2)

    @fx.custom_jvp
    def wrong(z):
        return z * z

    @wrong.defjvp
    def wrong_jvp(primals, tangents):  # conjugated: the derivative of |z|^2-like, not of z^2
        (z,), (t,) = primals, tangents
        return z * z, 2 * fnp.conj(z) * t
    with pytest.raises(AssertionError, match="forward-mode"):
        check_grads(wrong, (z,), order=1)


def test_pytree_arguments_and_outputs_are_checked_as_in_jax(jax):
    args = ({"a": np.array([0.3, 2.0]), "b": [np.array(1.5)]}, np.array([0.4, -0.2]))
    check_grads(lambda d, y: {"p": fnp.sin(d["a"]) * d["b"][0], "q": (d["a"] @ y, fnp.exp(y))}, args, order=2)
    jnp = jax.numpy
    jax.test_util.check_grads(lambda d, y: {"p": jnp.sin(d["a"]) * d["b"][0], "q": (d["a"] @ y, jnp.exp(y))},
                              args, order=2)


def test_the_signature_is_jax_s():
    ours, theirs = inspect.signature(check_grads).parameters, ["f", "args", "order", "modes", "atol", "rtol", "eps"]
    assert list(ours) == theirs
    assert ours["modes"].default == ("fwd", "rev")
    assert all(ours[k].default is None for k in ("atol", "rtol", "eps"))


@pytest.mark.parametrize("f, args, kwargs, error, match", [
    (fnp.sin, (np.array([1, 2]),), {}, TypeError, "floating-point arguments"),
    (lambda x: None, (np.array([0.5]),), {}, TypeError, "returned no arrays"),
    (fnp.sin, (np.array([0.5]),), {"modes": ("rv",)}, ValueError, "modes drawn from"),
    (fnp.sin, (np.array([0.5]),), {"modes": ()}, ValueError, "modes drawn from"),
    (fnp.sin, (np.array([0.5]),), {"order": 0}, ValueError, "order >= 1"),
])
def test_bad_arguments_raise_errors_that_name_the_fix(f, args, kwargs, error, match):
    with pytest.raises(error, match=match) as info:
        check_grads(f, args, **kwargs)
    assert isinstance(info.value, FluxionError)
