"""A training step of an MLP classifier (784-512-512-10, ReLU, softmax cross-entropy, Adam),
float32, batch 128, written once per framework from the same NumPy-like code."""
import numpy as np

SIZES, BATCH = (784, 512, 512, 10), 128
LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-8


def data(seed: int = 0):
    """Parameters [(w, b), ...], a batch of inputs and one-hot labels, as float32 NumPy arrays."""
    rng = np.random.default_rng(seed)
    params = [(rng.normal(0, m ** -0.5, (m, n)).astype(np.float32), np.zeros(n, np.float32))
              for m, n in zip(SIZES[:-1], SIZES[1:])]
    x = rng.normal(size=(BATCH, SIZES[0])).astype(np.float32)
    y = np.eye(SIZES[-1], dtype=np.float32)[rng.integers(0, SIZES[-1], BATCH)]
    return params, x, y


def make_step(np_like, value_and_grad, tree_map):
    """`step(params, m, v, t, x, y) -> (params, m, v, t, loss)`: one Adam step on the batch."""
    def loss(params, x, y):
        h = x
        for w, b in params[:-1]:
            h = np_like.maximum(h @ w + b, 0.0)
        w, b = params[-1]
        logits = h @ w + b
        shift = np_like.max(logits, axis=1, keepdims=True)
        logp = logits - shift - np_like.log(np_like.sum(np_like.exp(logits - shift), axis=1, keepdims=True))
        return -np_like.mean(np_like.sum(logp * y, axis=1))

    def step(params, m, v, t, x, y):
        value, g = value_and_grad(loss)(params, x, y)
        t = t + 1.0
        m = tree_map(lambda m, g: B1 * m + (1 - B1) * g, m, g)
        v = tree_map(lambda v, g: B2 * v + (1 - B2) * g * g, v, g)
        lr = LR * np_like.sqrt(1 - B2 ** t) / (1 - B1 ** t)
        params = tree_map(lambda p, m, v: p - lr * m / (np_like.sqrt(v) + EPS), params, m, v)
        return params, m, v, t, value

    return step


def state(asarray, params):
    """(params, m, v, t) for the first step, as the framework's arrays."""
    def zeros():
        return [(asarray(np.zeros_like(w)), asarray(np.zeros_like(b))) for w, b in params]
    return [(asarray(w), asarray(b)) for w, b in params], zeros(), zeros(), asarray(np.float32(0))


def fluxion_step():
    """(the jitted step, asarray, jit)."""
    import fluxion as fx
    import fluxion.numpy as fnp
    return fx.jit(make_step(fnp, fx.value_and_grad, fx.tree.map)), fnp.asarray, fx.jit


def jax_step():
    import jax
    import jax.numpy as jnp
    return jax.jit(make_step(jnp, jax.value_and_grad, jax.tree.map)), jnp.asarray, jax.jit


def peers(setup):
    """The fluxion and jax.jit peers of a benchmark whose `setup(make_step, block)` returns the callable to time."""
    def _jax():
        import jax
        return setup(jax_step, jax.block_until_ready)
    return {"fluxion": lambda: setup(fluxion_step, lambda loss: loss.block_until_ready()), "jax.jit": _jax}
