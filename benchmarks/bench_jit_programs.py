"""Jitted programs beyond the MLP, each written once against a namespace (fluxion or jax) and
jitted by its own framework: steady-state time per call (outputs blocked on), and the first
call (trace + compile + run) of a fresh setup, timed once (target: each at most 1.1x jax.jit).

- transformer: forward and backward of a pre-norm block (4-head softmax attention, layer norm,
  gelu MLP), batch 8, sequence 128, width 256;
- convnet: an SGD step of conv 3x3 (1 -> 16) / relu / max pool / conv 3x3 (16 -> 32) / relu /
  average pool / dense 10 with softmax cross-entropy, 28x28 images, batch 32;
- gp: the negative log marginal likelihood of a Gaussian process (RBF kernel, n = 512) and its
  gradient in the three log hyperparameters (Cholesky and triangular solves);
- gamma, normal: 10**6 draws of Gamma(2.5) and of N(0, 1) from a key;
- lstm: the gradient of an LSTM's loss through scan (100 steps, batch 32, 64 -> 128);
- newton: Kepler's equation solved for 10**4 anomalies by Newton steps in a while_loop that
  stops on the residual (forward only);
- embed: vmap over 256 examples of an embedding lookup (gather), a segment_sum of the 32 token
  vectors into 8 segments and a small readout.

All float32. fluxion's samplers use a fixed number of rounds where jax's loop until accepted,
so the two draw different numbers from the same distribution. `python bench_jit_programs.py`
checks that the two frameworks compute the same values.
"""
import math
from types import SimpleNamespace

import numpy as np

NAME = "jitted programs, fluxion against jax.jit, float32"
FIRST_CALL = True  # the runner also times the first call of each fresh setup, once
_RNG = np.random.default_rng(0)


def _normal(*shape, scale=1.0):
    return (_RNG.standard_normal(shape) * scale).astype(np.float32)


def namespace(name: str) -> SimpleNamespace:
    """The names the programs use, from fluxion or from jax, and `block` (waits for a pytree)."""
    if name == "fluxion":
        import fluxion as fx
        import fluxion.nn
        import fluxion.numpy as fnp
        import fluxion.scipy.linalg
        return SimpleNamespace(np=fnp, lax=fx.lax, nn=fluxion.nn, linalg=fluxion.scipy.linalg, random=fx.random,
                               segment_sum=fx.ops.segment_sum, jit=fx.jit, vmap=fx.vmap, grad=fx.grad,
                               value_and_grad=fx.value_and_grad, block=fx.block_until_ready, key=fx.random.key)
    import jax
    import jax.numpy as jnp
    import jax.scipy.linalg
    return SimpleNamespace(np=jnp, lax=jax.lax, nn=jax.nn, linalg=jax.scipy.linalg, random=jax.random,
                           segment_sum=jax.ops.segment_sum, jit=jax.jit, vmap=jax.vmap, grad=jax.grad,
                           value_and_grad=jax.value_and_grad, block=jax.block_until_ready, key=jax.random.PRNGKey)


# --- the programs: `make(m) -> (function to jit, its NumPy arguments)` -----------------------------

_B, _T, _D, _H = 8, 128, 256, 4
_TRANSFORMER = dict(x=_normal(_B, _T, _D), wqkv=_normal(_D, 3 * _D, scale=_D ** -0.5),
                    wo=_normal(_D, _D, scale=_D ** -0.5), w1=_normal(_D, 4 * _D, scale=_D ** -0.5),
                    w2=_normal(4 * _D, _D, scale=(4 * _D) ** -0.5), g1=np.ones(_D, np.float32),
                    b1=np.zeros(_D, np.float32), g2=np.ones(_D, np.float32), b2=np.zeros(_D, np.float32))


def _layer_norm(m, x, g, b):
    mu = m.np.mean(x, axis=-1, keepdims=True)
    var = m.np.mean((x - mu) ** 2, axis=-1, keepdims=True)
    return (x - mu) / m.np.sqrt(var + 1e-5) * g + b


def transformer(m):
    def block(p, x):
        h = _layer_norm(m, x, p["g1"], p["b1"])
        q, k, v = m.np.split((h @ p["wqkv"]).reshape(_B, _T, 3 * _H, _D // _H).transpose(0, 2, 1, 3), 3, axis=1)
        att = m.nn.softmax(q @ k.transpose(0, 1, 3, 2) * (_D // _H) ** -0.5, axis=-1)
        x = x + (att @ v).transpose(0, 2, 1, 3).reshape(_B, _T, _D) @ p["wo"]
        h = _layer_norm(m, x, p["g2"], p["b2"])
        return x + m.nn.gelu(h @ p["w1"]) @ p["w2"]

    def loss(p, x):
        return m.np.mean(block(p, x) ** 2)
    params = {k: v for k, v in _TRANSFORMER.items() if k != "x"}
    return m.value_and_grad(loss), (params, _TRANSFORMER["x"])


_CONV = dict(w1=_normal(16, 1, 3, 3, scale=1 / 3), w2=_normal(32, 16, 3, 3, scale=1 / 12),
             w3=_normal(32 * 7 * 7, 10, scale=(32 * 7 * 7) ** -0.5))
_IMAGES, _LABELS = _normal(32, 1, 28, 28), np.eye(10, dtype=np.float32)[_RNG.integers(0, 10, 32)]


def convnet(m):
    def conv(x, w):
        return m.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NCHW", "OIHW", "NCHW"))

    def pool(x, init, op):
        return m.lax.reduce_window(x, init, op, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def loss(p, x, y):
        h = pool(m.nn.relu(conv(x, p["w1"])), -np.inf, m.lax.max)
        h = pool(m.nn.relu(conv(h, p["w2"])), 0.0, m.lax.add) / 4
        logits = h.reshape(h.shape[0], -1) @ p["w3"]
        return -m.np.mean(m.np.sum(m.nn.log_softmax(logits) * y, axis=-1))

    def step(p, x, y):
        value, g = m.value_and_grad(loss)(p, x, y)
        return {k: p[k] - 0.1 * g[k] for k in p}, value
    return step, (_CONV, _IMAGES, _LABELS)


_GP_X = _RNG.uniform(-3, 3, (512, 3)).astype(np.float32)
_GP_Y = (np.sin(_GP_X).sum(1) + 0.1 * _RNG.standard_normal(512)).astype(np.float32)
_GP_THETA = np.array([0.0, 0.0, np.log(0.1)], np.float32)  # log length scale, log signal scale, log noise


def gp(m):
    def nlml(theta, x, y):
        ell, sf, noise = m.np.exp(theta[0]), m.np.exp(theta[1]), m.np.exp(theta[2])
        d2 = m.np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=-1)
        k = sf ** 2 * m.np.exp(-0.5 * d2 / ell ** 2) + (noise ** 2 + 1e-4) * m.np.eye(x.shape[0], dtype=x.dtype)
        chol = m.linalg.cholesky(k, lower=True)
        r = m.linalg.solve_triangular(chol, y, lower=True)
        alpha = m.linalg.solve_triangular(chol.T, r, lower=False)
        return 0.5 * y @ alpha + m.np.sum(m.np.log(m.np.diagonal(chol))) + 0.5 * x.shape[0] * math.log(2 * math.pi)
    return m.value_and_grad(nlml), (_GP_THETA, _GP_X, _GP_Y)


def gamma(m):
    return (lambda key: m.random.gamma(key, 2.5, (10 ** 6,))), (np.asarray(m.key(0)),)


def normal(m):
    return (lambda key: m.random.normal(key, (10 ** 6,))), (np.asarray(m.key(0)),)


_LSTM_XS, _LSTM_N = _normal(100, 32, 64), 128
_LSTM_W, _LSTM_B = _normal(64 + _LSTM_N, 4 * _LSTM_N, scale=(64 + _LSTM_N) ** -0.5), np.zeros(4 * _LSTM_N, np.float32)


def lstm(m):
    def loss(w, b, xs):
        def cell(carry, x):
            h, c = carry
            z = m.np.concatenate([x, h], axis=-1) @ w + b
            i, f, o, g = m.np.split(z, 4, axis=-1)
            c = m.nn.sigmoid(f) * c + m.nn.sigmoid(i) * m.np.tanh(g)
            h = m.nn.sigmoid(o) * m.np.tanh(c)
            return (h, c), h
        zeros = m.np.zeros((xs.shape[1], _LSTM_N), m.np.float32)
        return m.np.mean(m.lax.scan(cell, (zeros, zeros), xs)[1] ** 2)
    return m.grad(loss, argnums=(0, 1)), (_LSTM_W, _LSTM_B, _LSTM_XS)


_ANOMALY, _ECC = _RNG.uniform(0, 2 * np.pi, 10 ** 4).astype(np.float32), np.float32(0.6)


def newton(m):
    def solve(mean_anomaly, e):
        def residual(x):
            return x - e * m.np.sin(x) - mean_anomaly

        def go_on(state):
            x, i = state
            return (m.np.max(m.np.abs(residual(x))) > 1e-6) & (i < 50)

        def step(state):
            x, i = state
            return x - residual(x) / (1 - e * m.np.cos(x)), i + 1
        return m.lax.while_loop(go_on, step, (mean_anomaly, 0))[0]
    return solve, (_ANOMALY, _ECC)


_VOCAB, _EMB = _normal(1000, 64, scale=0.1), _normal(64, scale=0.1)
_TOKENS = _RNG.integers(0, 1000, (256, 32)).astype(np.int32)
_SEGMENTS = np.sort(_RNG.integers(0, 8, (256, 32)), axis=1).astype(np.int32)


def embed(m):
    def one(table, w, tokens, segments):
        pooled = m.segment_sum(table[tokens], segments, num_segments=8)
        return m.np.tanh(pooled) @ w
    return m.vmap(one, in_axes=(None, None, 0, 0)), (_VOCAB, _EMB, _TOKENS, _SEGMENTS)


# --- the runner's cases ------------------------------------------------------------------------------

def _setup(program, name: str):
    m = namespace(name)
    _warm_up(m)
    f, args = program(m)
    f, args = m.jit(f), [_arrays(m, a) for a in args]
    return lambda: m.block(f(*args))


def _warm_up(m) -> None:
    """Pay each framework's one-time costs (loading the compiler and its kernels for products and
    reductions, the autodiff machinery) before the clock starts, whichever case runs first."""
    w = m.np.ones((8, 8))
    m.block(m.jit(m.grad(lambda w: m.np.sum(m.np.tanh(w @ w))))(w))


def _arrays(m, a):
    if isinstance(a, dict):
        return {k: m.np.asarray(v) for k, v in a.items()}
    return m.np.asarray(a)


_PROGRAMS = {
    "transformer block fwd+bwd (8x128x256)": transformer,
    "convnet SGD step (batch 32)": convnet,
    "GP nlml value_and_grad (n=512)": gp,
    "gamma(2.5), 10**6 draws": gamma,
    "normal, 10**6 draws": normal,
    "LSTM scan grad (100x32, 128)": lstm,
    "Newton while_loop (10**4)": newton,
    "vmap embed + segment_sum (256)": embed,
}
CASES = {op: {name: (lambda program=program, name=name: _setup(program, name)) for name in ("fluxion", "jax.jit")}
         for op, program in _PROGRAMS.items()}


def check() -> None:
    """The deterministic programs give the same values in both frameworks (to float32 rounding),
    and the draws of both have their distribution's mean and variance."""
    import jax
    moments = {gamma: (2.5, 2.5), normal: (0.0, 1.0)}
    for op, program in _PROGRAMS.items():
        outs = []
        for name in ("fluxion", "jax.jit"):
            m = namespace(name)
            f, args = program(m)
            outs.append([np.asarray(leaf) for leaf in jax.tree.leaves(m.jit(f)(*[_arrays(m, a) for a in args]))])
        if program in moments:
            for (draws,) in outs:
                np.testing.assert_allclose([draws.mean(), draws.var()], moments[program], atol=0.02, err_msg=op)
        else:
            for a, b in zip(*outs):
                np.testing.assert_allclose(a, b, rtol=2e-3, atol=2e-4, err_msg=op)
        print(f"{op}: fluxion and jax agree")


if __name__ == "__main__":
    check()
