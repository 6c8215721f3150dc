"""Eager `grad` of a jitted function: a chain of 30 steps of sin and tanh on float32 vectors, summed
(on 16 elements, the jitted function and its pullback run compiled; on 10,000, operation by
operation), beside jax's `grad(jit(f))` and fluxion's eager `grad(f)` of the same function
(target: at most either)."""
import numpy as np

NAME = "grad of a jitted function, float32"


def _chain(m):
    def f(x):
        for _ in range(30):
            x = m.sin(x) * 1.01 + m.tanh(x) * 0.1
        return m.sum(x ** 2)
    return f


def _fluxion(n, jitted):
    def setup():
        import fluxion as fx
        import fluxion.numpy as fnp
        f = _chain(fnp)
        g, x = fx.grad(fx.jit(f) if jitted else f), fnp.asarray(np.linspace(0, 1, n, dtype=np.float32))
        return lambda: g(x).block_until_ready()
    return setup


def _jax(n):
    def setup():
        import jax
        import jax.numpy as jnp
        g, x = jax.grad(jax.jit(_chain(jnp))), jnp.asarray(np.linspace(0, 1, n, dtype=np.float32))
        return lambda: g(x).block_until_ready()
    return setup


CASES = {f"grad(jit(f)), {n} elements": {"fluxion": _fluxion(n, True), "eager grad(f)": _fluxion(n, False),
                                         "jax": _jax(n)} for n in (16, 10_000)}
