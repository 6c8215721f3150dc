"""The same names for fluxion and jax, so one benchmark body serves both."""
from types import SimpleNamespace


def framework(name: str) -> SimpleNamespace:
    """jit, vmap, grad, the NumPy-like module, asarray, and `block` (waits for a result)."""
    if name == "fluxion":
        import fluxion as fx
        import fluxion.numpy as fnp
        return SimpleNamespace(jit=fx.jit, vmap=fx.vmap, grad=fx.grad, np=fnp, asarray=fnp.asarray,
                               block=lambda y: y)
    import jax
    import jax.numpy as jnp
    return SimpleNamespace(jit=jax.jit, vmap=jax.vmap, grad=jax.grad, np=jnp, asarray=jnp.asarray,
                           block=jax.block_until_ready)
