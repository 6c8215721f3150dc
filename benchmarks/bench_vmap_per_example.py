"""Per-example gradients of a small network (a 64-128-10 tanh MLP with a squared loss, batch 256,
float32): `jit(vmap(grad(loss), in_axes=(None, 0, 0)))` against the same gradients batched by
hand (backpropagation written with einsum over the batch); target: at most 1.1x the hand-batched
jitted program. jax.jit(jax.vmap(jax.grad)) runs beside it."""
import numpy as np
from frameworks import framework

NAME = "jit(vmap(grad)), per-example gradients, 64-128-10, batch 256"
SIZES, BATCH = (64, 128, 10), 256


def _data():
    rng = np.random.default_rng(0)
    (w1, w2) = [rng.normal(0, m ** -0.5, (m, n)).astype(np.float32) for m, n in zip(SIZES[:-1], SIZES[1:])]
    x = rng.normal(size=(BATCH, SIZES[0])).astype(np.float32)
    y = rng.normal(size=(BATCH, SIZES[-1])).astype(np.float32)
    return (w1, w2), x, y


def _loss(np_like):
    def loss(params, x, y):
        w1, w2 = params
        return np_like.sum((np_like.tanh(x @ w1) @ w2 - y) ** 2)
    return loss


def _by_hand(np_like):
    def grads(params, x, y):
        w1, w2 = params
        h = np_like.tanh(x @ w1)
        r = 2.0 * (h @ w2 - y)                     # d loss / d out, per example
        g2 = np_like.einsum("bi,bo->bio", h, r)
        dh = (r @ w2.T) * (1.0 - h * h)
        g1 = np_like.einsum("bi,bo->bio", x, dh)
        return g1, g2
    return grads


def _setup(by_hand: bool, name: str):
    params, x, y = _data()
    fw = framework(name)
    g = fw.jit(_by_hand(fw.np) if by_hand else fw.vmap(fw.grad(_loss(fw.np)), in_axes=(None, 0, 0)))
    params = tuple(fw.asarray(w) for w in params)
    x, y = fw.asarray(x), fw.asarray(y)
    return lambda: fw.block(g(params, x, y))


def peers():
    return {"fluxion": lambda: _setup(False, "fluxion"),
            "fluxion, hand-batched": lambda: _setup(True, "fluxion"),
            "jax.jit(jax.vmap(grad))": lambda: _setup(False, "jax"),
            "jax.jit, hand-batched": lambda: _setup(True, "jax")}


def report(times):
    ratio = times["fluxion"] / times["fluxion, hand-batched"]
    print(f"  vmap / hand-batched (fluxion): {ratio:.2f} (target <= 1.1)")
