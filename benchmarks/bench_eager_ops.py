"""Eager per-call overhead of common operations on small float32 arrays (4x4, or 10 elements),
one row per operation (target: each at most PyTorch's time); `erf` and `erfc` also of a medium
array (256x256, `m`), whose time is their kernels', as is `cumsum` down its columns.

`CASES` maps an operation to its peers, each a setup function returning the call to time; jax
calls are blocked on. `.at[1].set(r)` is a copy and an assignment in NumPy and PyTorch;
`asarray` is `torch.as_tensor`, which shares the NumPy array's memory where fluxion and jax
copy it.
"""
import numpy as np

NAME = "eager ops, float32 4x4 (vectors of 10; m: 256x256)"
_RNG = np.random.default_rng(0)
X = _RNG.standard_normal((4, 4)).astype(np.float32)
Y = _RNG.standard_normal((4, 4)).astype(np.float32)
V = np.linspace(0.1, 1.0, 10).astype(np.float32)
IDX = np.array([3, 0, 2])
M = _RNG.standard_normal((256, 256)).astype(np.float32)


def _arrays(asarray, idx_dtype=None):
    """x, y (4x4), c (x > 0), v (10), idx (3 integers), s (0-d) and r (a row of 4) in one framework."""
    x, y, v = asarray(X), asarray(Y), asarray(V)
    idx = asarray(IDX) if idx_dtype is None else asarray(IDX.astype(idx_dtype))
    return x, y, x > 0, v, idx, v.sum(), asarray(Y[0])


def _fluxion(op):
    import fluxion as fx
    import fluxion.nn  # noqa: F401
    import fluxion.numpy as fnp
    import fluxion.scipy.special as fsp
    x, y, c, v, idx, s, r = _arrays(fnp.asarray)
    g = fx.grad(lambda a: (fnp.sin(a) * a).sum())
    m = fnp.asarray(M)
    return {
        "x[1:3]": lambda: x[1:3],
        "x[idx]": lambda: x[idx],
        "x.at[1].set(r)": lambda: x.at[1].set(r),
        "sum(x, axis=0)": lambda: fnp.sum(x, axis=0),
        "mean(x)": lambda: fnp.mean(x),
        "x @ y": lambda: x @ y,
        "exp(x)": lambda: fnp.exp(x),
        "where(c, x, y)": lambda: fnp.where(c, x, y),
        "concatenate([x, y])": lambda: fnp.concatenate([x, y]),
        "x.reshape(2, 8)": lambda: x.reshape(2, 8),
        "x.T": lambda: x.T,
        "maximum(x, 0.0)": lambda: fnp.maximum(x, 0.0),
        "x * 2.0": lambda: x * 2.0,
        "x > 0": lambda: x > 0,
        "asarray(ndarray)": lambda: fnp.asarray(X),
        "float(v[0])": lambda: float(v[0]),
        "s.item()": lambda: s.item(),
        "grad(sum(sin(v) * v))": lambda: g(v),
        "x / 2.0": lambda: x / 2.0,
        "x ** 2": lambda: x ** 2,
        "max(x, axis=-1)": lambda: fnp.max(x, axis=-1),
        "std(x)": lambda: fnp.std(x),
        "x.astype(int32)": lambda: x.astype(fnp.int32),
        "clip(x, -1, 1)": lambda: fnp.clip(x, -1.0, 1.0),
        "sort(v)": lambda: fnp.sort(v),
        "arange(10)": lambda: fnp.arange(10),
        "norm(v)": lambda: fnp.linalg.norm(v),
        "relu(x)": lambda: fx.nn.relu(x),
        "softmax(x, -1)": lambda: fx.nn.softmax(x, axis=-1),
        "logsumexp(v)": lambda: fsp.logsumexp(v),
        "sigmoid(x)": lambda: fx.nn.sigmoid(x),
        "erf(x)": lambda: fsp.erf(x),
        "erfc(x)": lambda: fsp.erfc(x),
        "erf(m)": lambda: fsp.erf(m),
        "erfc(m)": lambda: fsp.erfc(m),
        "cumsum(m, 0)": lambda: fnp.cumsum(m, axis=0),
    }[op]


def _numpy(op):
    from scipy import special
    x, y, c, v, idx, s, r = _arrays(np.asarray)
    m = M

    def at_set():
        out = x.copy()
        out[1] = r
        return out
    return {
        "x[1:3]": lambda: x[1:3],
        "x[idx]": lambda: x[idx],
        "x.at[1].set(r)": at_set,
        "sum(x, axis=0)": lambda: np.sum(x, axis=0),
        "mean(x)": lambda: np.mean(x),
        "x @ y": lambda: x @ y,
        "exp(x)": lambda: np.exp(x),
        "where(c, x, y)": lambda: np.where(c, x, y),
        "concatenate([x, y])": lambda: np.concatenate([x, y]),
        "x.reshape(2, 8)": lambda: x.reshape(2, 8),
        "x.T": lambda: x.T,
        "maximum(x, 0.0)": lambda: np.maximum(x, 0.0),
        "x * 2.0": lambda: x * 2.0,
        "x > 0": lambda: x > 0,
        "asarray(ndarray)": lambda: np.asarray(X),
        "float(v[0])": lambda: float(v[0]),
        "s.item()": lambda: s.item(),
        "x / 2.0": lambda: x / 2.0,
        "x ** 2": lambda: x ** 2,
        "max(x, axis=-1)": lambda: np.max(x, axis=-1),
        "std(x)": lambda: np.std(x),
        "x.astype(int32)": lambda: x.astype(np.int32),
        "clip(x, -1, 1)": lambda: np.clip(x, -1.0, 1.0),
        "sort(v)": lambda: np.sort(v),
        "arange(10)": lambda: np.arange(10),
        "norm(v)": lambda: np.linalg.norm(v),
        "relu(x)": lambda: np.maximum(x, 0),
        "softmax(x, -1)": lambda: special.softmax(x, axis=-1),
        "logsumexp(v)": lambda: special.logsumexp(v),
        "sigmoid(x)": lambda: special.expit(x),
        "erf(x)": lambda: special.erf(x),
        "erfc(x)": lambda: special.erfc(x),
        "erf(m)": lambda: special.erf(m),
        "erfc(m)": lambda: special.erfc(m),
        "cumsum(m, 0)": lambda: np.cumsum(m, axis=0),
    }[op]


def _torch(op):
    import torch
    x, y, c, v, idx, s, r = _arrays(torch.tensor)
    m = torch.tensor(M)

    def at_set():
        out = x.clone()
        out[1] = r
        return out

    def grad():
        a = v.detach().requires_grad_()
        (torch.sin(a) * a).sum().backward()
        return a.grad
    return {
        "x[1:3]": lambda: x[1:3],
        "x[idx]": lambda: x[idx],
        "x.at[1].set(r)": at_set,
        "sum(x, axis=0)": lambda: torch.sum(x, dim=0),
        "mean(x)": lambda: torch.mean(x),
        "x @ y": lambda: x @ y,
        "exp(x)": lambda: torch.exp(x),
        "where(c, x, y)": lambda: torch.where(c, x, y),
        "concatenate([x, y])": lambda: torch.cat([x, y]),
        "x.reshape(2, 8)": lambda: x.reshape(2, 8),
        "x.T": lambda: x.T,
        "maximum(x, 0.0)": lambda: torch.clamp_min(x, 0.0),
        "x * 2.0": lambda: x * 2.0,
        "x > 0": lambda: x > 0,
        "asarray(ndarray)": lambda: torch.as_tensor(X),
        "float(v[0])": lambda: float(v[0]),
        "s.item()": lambda: s.item(),
        "grad(sum(sin(v) * v))": grad,
        "x / 2.0": lambda: x / 2.0,
        "x ** 2": lambda: x ** 2,
        "max(x, axis=-1)": lambda: torch.amax(x, dim=-1),
        "std(x)": lambda: torch.std(x, correction=0),
        "x.astype(int32)": lambda: x.to(torch.int32),
        "clip(x, -1, 1)": lambda: torch.clamp(x, -1.0, 1.0),
        "sort(v)": lambda: torch.sort(v).values,
        "arange(10)": lambda: torch.arange(10),
        "norm(v)": lambda: torch.linalg.vector_norm(v),
        "relu(x)": lambda: torch.relu(x),
        "softmax(x, -1)": lambda: torch.softmax(x, -1),
        "logsumexp(v)": lambda: torch.logsumexp(v, 0),
        "sigmoid(x)": lambda: torch.sigmoid(x),
        "erf(x)": lambda: torch.erf(x),
        "erfc(x)": lambda: torch.erfc(x),
        "erf(m)": lambda: torch.erf(m),
        "erfc(m)": lambda: torch.erfc(m),
        "cumsum(m, 0)": lambda: torch.cumsum(m, 0),
    }[op]


def _jax(op):
    import jax
    import jax.numpy as jnp
    import jax.scipy.special  # noqa: F401
    x, y, c, v, idx, s, r = _arrays(jnp.asarray)
    m = jnp.asarray(M)
    g = jax.grad(lambda a: (jnp.sin(a) * a).sum())
    block = jax.block_until_ready
    return {
        "x[1:3]": lambda: block(x[1:3]),
        "x[idx]": lambda: block(x[idx]),
        "x.at[1].set(r)": lambda: block(x.at[1].set(r)),
        "sum(x, axis=0)": lambda: block(jnp.sum(x, axis=0)),
        "mean(x)": lambda: block(jnp.mean(x)),
        "x @ y": lambda: block(x @ y),
        "exp(x)": lambda: block(jnp.exp(x)),
        "where(c, x, y)": lambda: block(jnp.where(c, x, y)),
        "concatenate([x, y])": lambda: block(jnp.concatenate([x, y])),
        "x.reshape(2, 8)": lambda: block(x.reshape(2, 8)),
        "x.T": lambda: block(x.T),
        "maximum(x, 0.0)": lambda: block(jnp.maximum(x, 0.0)),
        "x * 2.0": lambda: block(x * 2.0),
        "x > 0": lambda: block(x > 0),
        "asarray(ndarray)": lambda: block(jnp.asarray(X)),
        "float(v[0])": lambda: float(v[0]),
        "s.item()": lambda: s.item(),
        "grad(sum(sin(v) * v))": lambda: block(g(v)),
        "x / 2.0": lambda: block(x / 2.0),
        "x ** 2": lambda: block(x ** 2),
        "max(x, axis=-1)": lambda: block(jnp.max(x, axis=-1)),
        "std(x)": lambda: block(jnp.std(x)),
        "x.astype(int32)": lambda: block(x.astype(jnp.int32)),
        "clip(x, -1, 1)": lambda: block(jnp.clip(x, -1.0, 1.0)),
        "sort(v)": lambda: block(jnp.sort(v)),
        "arange(10)": lambda: block(jnp.arange(10)),
        "norm(v)": lambda: block(jnp.linalg.norm(v)),
        "relu(x)": lambda: block(jax.nn.relu(x)),
        "softmax(x, -1)": lambda: block(jax.nn.softmax(x, axis=-1)),
        "logsumexp(v)": lambda: block(jax.scipy.special.logsumexp(v)),
        "sigmoid(x)": lambda: block(jax.nn.sigmoid(x)),
        "erf(x)": lambda: block(jax.scipy.special.erf(x)),
        "erfc(x)": lambda: block(jax.scipy.special.erfc(x)),
        "erf(m)": lambda: block(jax.scipy.special.erf(m)),
        "erfc(m)": lambda: block(jax.scipy.special.erfc(m)),
        "cumsum(m, 0)": lambda: block(jnp.cumsum(m, axis=0)),
    }[op]


_PEERS = {"fluxion": _fluxion, "numpy": _numpy, "torch": _torch, "jax (blocked)": _jax}
OPS = ["x[1:3]", "x[idx]", "x.at[1].set(r)", "sum(x, axis=0)", "mean(x)", "x @ y", "exp(x)", "where(c, x, y)",
       "concatenate([x, y])", "x.reshape(2, 8)", "x.T", "maximum(x, 0.0)", "x * 2.0", "x > 0", "asarray(ndarray)",
       "float(v[0])", "s.item()", "grad(sum(sin(v) * v))", "x / 2.0", "x ** 2", "max(x, axis=-1)", "std(x)",
       "x.astype(int32)", "clip(x, -1, 1)", "sort(v)", "arange(10)", "norm(v)", "relu(x)", "softmax(x, -1)",
       "logsumexp(v)", "sigmoid(x)", "erf(x)", "erfc(x)", "erf(m)", "erfc(m)",
       "cumsum(m, 0)"]
NUMPY_LESS = {"grad(sum(sin(v) * v))"}  # NumPy has no autodiff


def _case(op):
    return {peer: (lambda setup=setup: setup(op)) for peer, setup in _PEERS.items()
            if not (peer == "numpy" and op in NUMPY_LESS)}


CASES = {op: _case(op) for op in OPS}
