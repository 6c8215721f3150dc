"""The first call of the jitted MLP training step of `bench_mlp_train`: tracing, compilation
and one run, timed once per peer (target: at most jax.jit's)."""
import mlp

NAME = "first call (trace + compile + run) of the jitted MLP training step"
ONE_SHOT = True  # the runner times one call of a fresh setup instead of repeating it


def _setup(make, block):
    step, asarray, jit = make()
    jit(lambda a: a + 1)(asarray(1.0))  # each peer's compiler is loaded before the clock starts
    params, x, y = mlp.data()
    args = (*mlp.state(asarray, params), asarray(x), asarray(y))
    return lambda: block(step(*args)[-1])


def peers():
    return mlp.peers(_setup)
