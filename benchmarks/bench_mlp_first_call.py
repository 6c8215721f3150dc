"""The first call of the jitted MLP training step of `bench_mlp_train`: tracing, compilation
and one run, timed once per peer (target: at most jax.jit's)."""
import mlp

NAME = "first call (trace + compile + run) of the jitted MLP training step"
ONE_SHOT = True  # the runner times one call of a fresh setup instead of repeating it


def _setup(make, block):
    import jax
    jax.jit(lambda a: a + 1)(1.0)  # the XLA client starts before the clock does, for every peer
    step, asarray = make()
    params, x, y = mlp.data()
    args = (*mlp.state(asarray, params), asarray(x), asarray(y))
    return lambda: block(step(*args)[-1])


def peers():
    return mlp.peers(_setup)
