"""Eager scatter-adds, `x.at[idx].add(u)`, float32: rows of a 256x256 array picked by 128 distinct
or repeated indices, and 10,000 repeated indices into 65,536 elements (target: each at most
PyTorch's time). NumPy's is `np.add.at` on a copy, PyTorch's `index_add` (which adds repeated
indices too); jax's is blocked on."""
import numpy as np

NAME = "eager scatter-adds, float32"
_RNG = np.random.default_rng(0)
_X = _RNG.standard_normal((256, 256)).astype(np.float32)
_V = _RNG.standard_normal(65536).astype(np.float32)
_ROWS = {"distinct": _RNG.permutation(256)[:128], "repeated": _RNG.integers(0, 256, 128)}
_AT = _RNG.integers(0, 65536, 10000)
OPS = {"x.at[rows].add(1.0), 128 distinct rows": ("x", "distinct"),
       "x.at[rows].add(1.0), 128 rows, repeated": ("x", "repeated"),
       "v.at[i].add(1.0), 10,000 of 65,536, repeated": ("v", None)}


def _operands(op):
    which, rows = OPS[op]
    return (_X, _ROWS[rows]) if which == "x" else (_V, _AT)


def _fluxion(op):
    def setup():
        import fluxion.numpy as fnp
        x, i = (fnp.asarray(a) for a in _operands(op))
        return lambda: x.at[i].add(1.0)
    return setup


def _numpy(op):
    def setup():
        x, i = _operands(op)

        def add():
            out = x.copy()
            np.add.at(out, i, np.float32(1.0))
            return out
        return add
    return setup


def _torch(op):
    def setup():
        import torch
        x, i = (torch.tensor(a) for a in _operands(op))
        ones = torch.ones((len(i),) + tuple(x.shape[1:]))
        return lambda: x.index_add(0, i, ones)
    return setup


def _jax(op):
    def setup():
        import jax
        import jax.numpy as jnp
        x, i = (jnp.asarray(a) for a in _operands(op))
        return lambda: jax.block_until_ready(x.at[i].add(1.0))
    return setup


CASES = {op: {"fluxion": _fluxion(op), "numpy": _numpy(op), "torch": _torch(op), "jax (blocked)": _jax(op)}
         for op in OPS}
