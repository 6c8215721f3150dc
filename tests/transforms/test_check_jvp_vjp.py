"""fx.test_util.check_jvp / check_vjp: they pass where jax.test_util's pass (correct jvp and vjp
functions, on pytrees too) and fail with an AssertionError where a derivative or value is wrong."""
import functools

import numpy as np
import pytest

import fluxion as fx
import fluxion.numpy as fnp
from fluxion.test_util import check_jvp, check_vjp


@pytest.fixture(scope="module")
def jax():
    jax = pytest.importorskip("jax")
    pytest.importorskip("jax.test_util")
    jax.config.update("jax_enable_x64", True)
    return jax


def f(x, y):
    return {"p": fnp.sin(x) * y, "s": (x * x).sum()}


def jf(jnp, x, y):
    return {"p": jnp.sin(x) * y, "s": (x * x).sum()}


ARGS = (np.array([0.3, -1.2, 2.0]), np.array([1.5, 0.5, -0.7]))


def test_correct_jvp_and_vjp_pass_as_in_jax(jax):
    check_jvp(f, functools.partial(fx.jvp, f), ARGS)
    check_vjp(f, functools.partial(fx.vjp, f), ARGS)
    g = functools.partial(jf, jax.numpy)
    jax.test_util.check_jvp(g, functools.partial(jax.jvp, g), ARGS)  # the oracle agrees the rules are right
    jax.test_util.check_vjp(g, functools.partial(jax.vjp, g), ARGS)


def test_float32_arguments_get_looser_defaults():
    x = (np.array([0.5, 1.0], np.float32),)
    check_jvp(fnp.tanh, functools.partial(fx.jvp, fnp.tanh), x)
    check_vjp(fnp.tanh, functools.partial(fx.vjp, fnp.tanh), x)


def wrong_jvp(primals, tangents):  # the derivative of sin taken as sin
    (x,), (t,) = primals, tangents
    return fnp.sin(x), fnp.sin(x) * t


def wrong_vjp(x):  # a pullback off by 10%
    return fnp.sin(x), lambda u: (1.1 * u * fnp.cos(x),)


@pytest.mark.parametrize("checker, wrong, jax_checker, jax_wrong", [
    (check_jvp, wrong_jvp, "check_jvp", lambda jnp: lambda p, t: (jnp.sin(p[0]), jnp.sin(p[0]) * t[0])),
    (check_vjp, wrong_vjp, "check_vjp", lambda jnp: lambda x: (jnp.sin(x), lambda u: (1.1 * u * jnp.cos(x),))),
])
def test_wrong_derivatives_fail_as_in_jax(jax, checker, wrong, jax_checker, jax_wrong):
    x = (np.array([0.3, 1.1, -0.4]),)
    with pytest.raises(AssertionError, match="tangent|cotangent projection"):
        checker(fnp.sin, wrong, x, err_msg="sin")
    with pytest.raises(AssertionError):
        getattr(jax.test_util, jax_checker)(jax.numpy.sin, jax_wrong(jax.numpy), x)


def test_a_wrong_primal_fails_and_err_msg_names_the_check():
    x = (np.array([0.3, 1.1]),)
    with pytest.raises(AssertionError, match="check_jvp: mine: primal"):
        check_jvp(fnp.sin, lambda p, t: (fnp.cos(p[0]), fnp.cos(p[0]) * t[0]), x, err_msg="mine")
    with pytest.raises(AssertionError, match="check_vjp: primal"):
        check_vjp(fnp.sin, lambda x: (fnp.cos(x), lambda u: (u * fnp.cos(x),)), x)


def test_tolerances_and_step_are_honoured():
    x = (np.array([0.3, 1.1]),)
    slightly = lambda p, t: (fnp.sin(p[0]), 1.001 * fnp.cos(p[0]) * t[0])  # noqa: E731
    with pytest.raises(AssertionError):
        check_jvp(fnp.sin, slightly, x)
    check_jvp(fnp.sin, slightly, x, atol=1e-2, rtol=1e-2, eps=1e-4)


def test_integer_arguments_are_refused_with_the_fix():
    with pytest.raises(TypeError, match="astype\\(float\\)"):
        check_jvp(fnp.sin, functools.partial(fx.jvp, fnp.sin), (np.arange(3),))
