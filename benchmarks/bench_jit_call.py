"""Dispatch of a cached jitted call: `f(a, b) = a + b` on two 4x4 float32 arrays (target: at or
below jax.jit's call overhead). Both jax rows are shown: with NumPy inputs and outputs (as
fluxion's eager arrays live in host memory) and with jax arrays."""
import numpy as np

NAME = "jit call, a + b, 4x4 float32, cached"


def _fluxion():
    import fluxion as fx
    import fluxion.numpy as fnp
    f = fx.jit(lambda a, b: a + b)
    a, b = fnp.ones((4, 4)), fnp.ones((4, 4))
    return lambda: f(a, b).block_until_ready()  # compiled calls return before XLA is done, as jax's do


def _jax_arrays():
    import jax
    import jax.numpy as jnp
    f = jax.jit(lambda a, b: a + b)
    a, b = jnp.ones((4, 4), jnp.float32), jnp.ones((4, 4), jnp.float32)
    return lambda: f(a, b).block_until_ready()


def _jax_numpy():
    import jax
    f = jax.jit(lambda a, b: a + b)
    a, b = np.ones((4, 4), np.float32), np.ones((4, 4), np.float32)
    return lambda: np.asarray(f(a, b))


def peers():
    return {"fluxion": _fluxion, "jax.jit, NumPy in and out": _jax_numpy, "jax.jit, jax arrays": _jax_arrays}
