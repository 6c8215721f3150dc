"""Eager reverse mode: grad of sum(sin(a) * a) for a float32 vector of 10 (target: at or below
PyTorch eager autograd)."""
import numpy as np

NAME = "eager grad of sum(sin(a) * a), float32[10]"
A = np.linspace(0.1, 1.0, 10).astype(np.float32)


def _fluxion():
    import fluxion as fx
    import fluxion.numpy as fnp
    a = fnp.asarray(A)
    g = fx.grad(lambda a: (fnp.sin(a) * a).sum())
    return lambda: g(a)


def _torch():
    import torch

    def step():
        a = torch.tensor(A, requires_grad=True)
        (torch.sin(a) * a).sum().backward()
        return a.grad
    return step


def _jax():
    import jax
    import jax.numpy as jnp
    a = jnp.asarray(A)
    g = jax.grad(lambda a: (jnp.sin(a) * a).sum())
    return lambda: g(a).block_until_ready()


def peers():
    return {"fluxion": _fluxion, "torch": _torch, "jax (eager)": _jax}
