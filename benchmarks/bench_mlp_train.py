"""A jitted training step (forward, backward, Adam) of an MLP 784-512-512-10 at batch 128,
float32: step time, each step's outputs feeding the next (target: at most 1.05x jax.jit)."""
import mlp

NAME = "jitted MLP training step (784-512-512-10, batch 128, Adam), float32"


def _setup(make, block):
    step, asarray, _ = make()
    params, x, y = mlp.data()
    carry = list(mlp.state(asarray, params))
    x, y = asarray(x), asarray(y)

    def run():
        out = step(*carry, x, y)
        carry[:] = out[:4]  # the next step starts from this one's results, as in training
        return block(out[4])
    return run


def peers():
    return mlp.peers(_setup)
