"""Dispatch of a cached jitted call on 4x4 float32 arrays (target: at or below jax.jit's call
overhead): `a + b`, and `a * k` with `k` a static argument. Both jax columns are shown: with
NumPy inputs and outputs (as fluxion's eager arrays live in host memory) and with jax arrays."""
import numpy as np

NAME = "jit call, 4x4 float32, cached"


def _add(a, b):
    return a + b


def _scale(a, k):
    return a * k


def _fluxion(f, static):
    def setup():
        import fluxion as fx
        import fluxion.numpy as fnp
        jitted = fx.jit(f, static_argnums=1 if static else ())
        a, b = fnp.ones((4, 4)), 3 if static else fnp.ones((4, 4))
        return lambda: jitted(a, b).block_until_ready()  # compiled calls return before XLA is done, as jax's do
    return setup


def _jax_arrays(f, static):
    def setup():
        import jax
        import jax.numpy as jnp
        jitted = jax.jit(f, static_argnums=1 if static else ())
        a, b = jnp.ones((4, 4), jnp.float32), 3 if static else jnp.ones((4, 4), jnp.float32)
        return lambda: jitted(a, b).block_until_ready()
    return setup


def _jax_numpy(f, static):
    def setup():
        import jax
        jitted = jax.jit(f, static_argnums=1 if static else ())
        a, b = np.ones((4, 4), np.float32), 3 if static else np.ones((4, 4), np.float32)
        return lambda: np.asarray(jitted(a, b))
    return setup


CASES = {op: {"fluxion": _fluxion(f, static), "jax, NumPy": _jax_numpy(f, static),
              "jax arrays": _jax_arrays(f, static)}
         for op, f, static in (("a + b", _add, False), ("a * k, k static", _scale, True))}
