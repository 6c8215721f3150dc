"""Eager linear algebra on stacks of small matrices, as `vmap` or batched models make them: `solve`
(3 right-hand sides), `inv`, `det` and `slogdet` of 10,000 8x8 and 1,000 16x16 float64 matrices,
and of one 8x8 matrix (target: NumPy's time, whose LAPACK loop over the stack runs in C;
PyTorch and jax beside)."""
import numpy as np

NAME = "eager linear algebra on stacks of small matrices, float64"
_RNG = np.random.default_rng(0)
_STACKS = {"10000 x 8x8": (10_000, 8), "1000 x 16x16": (1_000, 16), "one 8x8": (None, 8)}


def _operands(stack: str):
    count, n = _STACKS[stack]
    batch = () if count is None else (count,)
    return _RNG.standard_normal(batch + (n, n)) + n * np.eye(n), _RNG.standard_normal(batch + (n, 3))


_A = {stack: _operands(stack) for stack in _STACKS}


def _ops(linalg, asarray, ready=lambda x: x):
    out = {}
    for stack, (a, b) in _A.items():
        a, b = asarray(a), asarray(b)
        out.update({
            f"solve, {stack}": lambda a=a, b=b: ready(linalg.solve(a, b)),
            f"inv, {stack}": lambda a=a: ready(linalg.inv(a)),
            f"det, {stack}": lambda a=a: ready(linalg.det(a)),
            f"slogdet, {stack}": lambda a=a: ready(linalg.slogdet(a)[1]),
        })
    return out


def _fluxion(op):
    def setup():
        import fluxion.numpy as fnp
        return _ops(fnp.linalg, fnp.asarray)[op]
    return setup


def _numpy(op):
    return lambda: _ops(np.linalg, np.asarray)[op]


def _torch(op):
    def setup():
        import torch
        return _ops(torch.linalg, torch.tensor)[op]
    return setup


def _jax(op):
    def setup():
        import jax
        import jax.numpy as jnp
        with jax.enable_x64(True):  # float64 like the other peers, without changing jax's default for later peers
            f = _ops(jnp.linalg, jnp.asarray, lambda x: x.block_until_ready())[op]

        def call():
            with jax.enable_x64(True):
                return f()
        return call
    return setup


CASES = {op: {"fluxion": _fluxion(op), "numpy": _numpy(op), "torch": _torch(op), "jax (eager)": _jax(op)}
         for op in _ops(np.linalg, np.asarray)}
