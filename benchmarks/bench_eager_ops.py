"""Eager per-call overhead of common operations on small float32 arrays (4x4, or 10 elements),
one row per operation (target: each at most PyTorch's time).

`CASES` maps an operation to its peers, each a setup function returning the call to time; jax
calls are blocked on. `.at[1].set(r)` is a copy and an assignment in NumPy and PyTorch;
`asarray` is `torch.as_tensor`, which shares the NumPy array's memory where fluxion and jax
copy it.
"""
import numpy as np

NAME = "eager ops, float32 4x4 (vectors of 10)"
_RNG = np.random.default_rng(0)
X = _RNG.standard_normal((4, 4)).astype(np.float32)
Y = _RNG.standard_normal((4, 4)).astype(np.float32)
V = np.linspace(0.1, 1.0, 10).astype(np.float32)
IDX = np.array([3, 0, 2])


def _arrays(asarray, idx_dtype=None):
    """x, y (4x4), c (x > 0), v (10), idx (3 integers), s (0-d) and r (a row of 4) in one framework."""
    x, y, v = asarray(X), asarray(Y), asarray(V)
    idx = asarray(IDX) if idx_dtype is None else asarray(IDX.astype(idx_dtype))
    return x, y, x > 0, v, idx, v.sum(), asarray(Y[0])


def _fluxion(op):
    import fluxion as fx
    import fluxion.numpy as fnp
    x, y, c, v, idx, s, r = _arrays(fnp.asarray)
    g = fx.grad(lambda a: (fnp.sin(a) * a).sum())
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
    }[op]


def _numpy(op):
    x, y, c, v, idx, s, r = _arrays(np.asarray)

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
    }[op]


def _torch(op):
    import torch
    x, y, c, v, idx, s, r = _arrays(torch.tensor)

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
    }[op]


def _jax(op):
    import jax
    import jax.numpy as jnp
    x, y, c, v, idx, s, r = _arrays(jnp.asarray)
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
    }[op]


_PEERS = {"fluxion": _fluxion, "numpy": _numpy, "torch": _torch, "jax (blocked)": _jax}
OPS = ["x[1:3]", "x[idx]", "x.at[1].set(r)", "sum(x, axis=0)", "mean(x)", "x @ y", "exp(x)", "where(c, x, y)",
       "concatenate([x, y])", "x.reshape(2, 8)", "x.T", "maximum(x, 0.0)", "x * 2.0", "x > 0", "asarray(ndarray)",
       "float(v[0])", "s.item()", "grad(sum(sin(v) * v))"]
NUMPY_LESS = {"grad(sum(sin(v) * v))"}  # NumPy has no autodiff


def _case(op):
    return {peer: (lambda setup=setup: setup(op)) for peer, setup in _PEERS.items()
            if not (peer == "numpy" and op in NUMPY_LESS)}


CASES = {op: _case(op) for op in OPS}
