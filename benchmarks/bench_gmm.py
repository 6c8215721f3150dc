"""Eager value_and_grad of the GMM objective (d=10, k=25, n=1000): gradient time / objective
time, the cheap-gradient ratio (target: at most 4), for each framework."""
import numpy as np

import gmm

NAME = "GMM objective (d=10, k=25, n=1000): objective and value_and_grad, eager float64"
_ARGS = gmm.data()
_SCATTER = gmm._tril_scatter()


def _fluxion(grad: bool):
    import fluxion as fx
    import fluxion.numpy as fnp
    from fluxion.scipy.special import logsumexp
    args = [fnp.asarray(a) for a in _ARGS[:4]]
    scatter = fnp.asarray(_SCATTER)
    f = lambda a, mu, q: gmm.objective(fnp, logsumexp, a, mu, q, args[3], _ARGS[4], _ARGS[5], scatter)
    if grad:
        vg = fx.value_and_grad(f, argnums=(0, 1, 2))
        return lambda: vg(*args[:3])
    return lambda: f(*args[:3])


def _torch(grad: bool):
    import torch
    args = [torch.tensor(a) for a in _ARGS[:4]]
    scatter = torch.tensor(_SCATTER)
    lse = lambda v, axis: torch.logsumexp(v, dim=axis)

    def f(a, mu, q):
        return gmm.objective(_TorchNP, lse, a, mu, q, args[3], _ARGS[4], _ARGS[5], scatter)

    if grad:
        def step():
            leaves = [t.detach().requires_grad_() for t in args[:3]]
            f(*leaves).backward()
            return [t.grad for t in leaves]
        return step
    return lambda: f(*args[:3])


class _TorchNP:
    import torch as _t
    exp, einsum, eye = _t.exp, _t.einsum, staticmethod(lambda n, dtype: _TorchNP._t.eye(n, dtype=dtype))

    @staticmethod
    def sum(x, axis=None):
        return x.sum() if axis is None else x.sum(dim=axis)

    @staticmethod
    def reshape(x, shape):
        return x.reshape(shape)


def _jax(grad: bool):
    import jax
    import jax.numpy as jnp
    from jax.scipy.special import logsumexp
    with jax.enable_x64(True):  # float64 like the other peers, without changing jax's default for later peers
        args = [jnp.asarray(a) for a in _ARGS[:4]]
        scatter = jnp.asarray(_SCATTER)
    f = lambda a, mu, q: gmm.objective(jnp, logsumexp, a, mu, q, args[3], _ARGS[4], _ARGS[5], scatter)
    g = jax.value_and_grad(f, argnums=(0, 1, 2)) if grad else f

    def call():
        with jax.enable_x64(True):
            return jax.block_until_ready(g(*args[:3]))
    return call


def peers():
    return {"fluxion objective": lambda: _fluxion(False), "fluxion": lambda: _fluxion(True),
            "torch objective": lambda: _torch(False), "torch value_and_grad": lambda: _torch(True),
            "jax objective (eager)": lambda: _jax(False), "jax value_and_grad (eager)": lambda: _jax(True)}


def report(times):
    for name, obj, vg in (("fluxion", "fluxion objective", "fluxion"), ("torch", "torch objective", "torch value_and_grad"),
                          ("jax", "jax objective (eager)", "jax value_and_grad (eager)")):
        if obj in times and vg in times:
            print(f"  cheap-gradient ratio (value_and_grad / objective), {name}: {times[vg] / times[obj]:.2f}")
