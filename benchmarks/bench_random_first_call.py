"""The first call (trace + compile + run) of jitted samplers: Beta(a, 3) and Gamma(a) draws
for three shapes a, from a key passed as an argument, timed once per peer and round."""
import numpy as np

NAME = "first call (trace + compile + run) of jitted beta and gamma samplers"
ONE_SHOT = True
A = np.array([0.3, 1.0, 4.5], np.float32)


def _sample(random, asarray):
    a = asarray(A)
    return lambda key: (random.beta(key, a, 3.0), random.gamma(random.split(key)[1], a))


def _fluxion():
    import fluxion as fx
    import fluxion.numpy as fnp
    fx.jit(lambda a: a + 1)(fnp.asarray(1.0))  # the compiler is loaded before the clock starts
    f, key = fx.jit(_sample(fx.random, fnp.asarray)), fx.random.key(0)
    return lambda: f(key)[0].block_until_ready()


def _jax():
    import jax
    import jax.numpy as jnp
    jax.jit(lambda a: a + 1)(jnp.asarray(1.0))
    f, key = jax.jit(_sample(jax.random, jnp.asarray)), jax.random.key(0)
    return lambda: f(key)[0].block_until_ready()


def peers():
    return {"fluxion": _fluxion, "jax.jit": _jax}
