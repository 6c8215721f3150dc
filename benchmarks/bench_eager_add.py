"""Eager dispatch: `a + b` on two 4x4 float32 arrays (target: at most 2 us, at most 4x NumPy)."""
import numpy as np

NAME = "eager add, 4x4 float32"


def _fluxion():
    import fluxion.numpy as fnp
    a, b = fnp.ones((4, 4)), fnp.ones((4, 4))
    return lambda: a + b


def _numpy():
    a, b = np.ones((4, 4), np.float32), np.ones((4, 4), np.float32)
    return lambda: a + b


def _torch():
    import torch
    a, b = torch.ones(4, 4), torch.ones(4, 4)
    return lambda: a + b


def _jax():
    import jax.numpy as jnp
    a, b = jnp.ones((4, 4)), jnp.ones((4, 4))
    return lambda: (a + b).block_until_ready()


def peers():
    return {"fluxion": _fluxion, "numpy": _numpy, "torch": _torch, "jax (blocked)": _jax}
