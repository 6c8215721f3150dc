"""Eager `grad` and `jvp` of a jitted function: a chain of 30 steps of sin and tanh on float32
vectors, summed (on 16 elements, compiled: the jitted function and its pullback, or its jvp; on
10,000, operation by operation), beside jax's `grad(jit(f))` / `jvp(jit(f))` and fluxion's
eager derivative of the same function (target: at most either)."""
import numpy as np

NAME = "grad and jvp of a jitted function, float32"


def _chain(m):
    def f(x):
        for _ in range(30):
            x = m.sin(x) * 1.01 + m.tanh(x) * 0.1
        return m.sum(x ** 2)
    return f


def _derivative(t, mode: str, f, x):
    """A call of `t`'s (fluxion's or jax's) `mode` derivative of `f` at `x`, blocked."""
    if mode == "grad":
        g = t.grad(f)
        return lambda: g(x).block_until_ready()
    tangent = x * 0 + 1
    return lambda: t.jvp(f, (x,), (tangent,))[1].block_until_ready()


def _fluxion(mode, n, jitted):
    def setup():
        import fluxion as fx
        import fluxion.numpy as fnp
        f = _chain(fnp)
        return _derivative(fx, mode, fx.jit(f) if jitted else f, fnp.asarray(np.linspace(0, 1, n, dtype=np.float32)))
    return setup


def _jax(mode, n):
    def setup():
        import jax
        import jax.numpy as jnp
        return _derivative(jax, mode, jax.jit(_chain(jnp)), jnp.asarray(np.linspace(0, 1, n, dtype=np.float32)))
    return setup


CASES = {f"{mode}(jit(f)), {n} elements": {"fluxion": _fluxion(mode, n, True), f"eager {mode}(f)": _fluxion(mode, n, False),
                                           "jax": _jax(mode, n)} for mode in ("grad", "jvp") for n in (16, 10_000)}
