"""Eager operations on many short rows, float64: sums and statistics over a last axis of 10
to 32 elements, and differences of every pair of points (`x[:, None] - y[None]`), where a
NumPy ufunc's inner loop is short (target: each at most PyTorch's time)."""
import numpy as np

NAME = "eager ops on many short rows, float64"
_RNG = np.random.default_rng(0)
_A = _RNG.standard_normal((25000, 10))
_B = _RNG.standard_normal((10000, 32))
_P, _Q = _RNG.standard_normal((500, 1, 3)), _RNG.standard_normal((1, 400, 3))
_X, _M = _RNG.standard_normal((1000, 1, 10)), _RNG.standard_normal((1, 25, 10))


def _ops(np_like, sum_, mean, var, softmax, logsumexp, asarray):
    a, b, p, q, x, m = (asarray(v) for v in (_A, _B, _P, _Q, _X, _M))
    return {
        "sum(a, -1), a 25000x10": lambda: sum_(a, -1),
        "mean(b, -1), b 10000x32": lambda: mean(b, -1),
        "var(b, -1)": lambda: var(b, -1),
        "softmax(a, -1)": lambda: softmax(a, -1),
        "logsumexp(b, -1)": lambda: logsumexp(b, -1),
        "p - q, 500x1x3 - 1x400x3": lambda: p - q,
        "x - m, 1000x1x10 - 1x25x10": lambda: x - m,
        "sum((x - m) ** 2, -1)": lambda: sum_((x - m) ** 2, -1),
    }


def _fluxion(op):
    def setup():
        import fluxion.nn as nn
        import fluxion.numpy as fnp
        from fluxion.scipy.special import logsumexp
        return _ops(fnp, lambda v, ax: fnp.sum(v, axis=ax), lambda v, ax: fnp.mean(v, axis=ax),
                    lambda v, ax: fnp.var(v, axis=ax), lambda v, ax: nn.softmax(v, axis=ax),
                    lambda v, ax: logsumexp(v, axis=ax), fnp.asarray)[op]
    return setup


def _numpy(op):
    def setup():
        from scipy.special import logsumexp, softmax
        return _ops(np, lambda v, ax: np.sum(v, axis=ax), lambda v, ax: np.mean(v, axis=ax),
                    lambda v, ax: np.var(v, axis=ax), lambda v, ax: softmax(v, axis=ax),
                    lambda v, ax: logsumexp(v, axis=ax), np.asarray)[op]
    return setup


def _torch(op):
    def setup():
        import torch
        return _ops(torch, lambda v, ax: v.sum(dim=ax), lambda v, ax: v.mean(dim=ax),
                    lambda v, ax: v.var(dim=ax, unbiased=False), lambda v, ax: torch.softmax(v, dim=ax),
                    lambda v, ax: torch.logsumexp(v, dim=ax), torch.tensor)[op]
    return setup


CASES = {op: {"fluxion": _fluxion(op), "numpy": _numpy(op), "torch": _torch(op)}
         for op in _ops(np, *(lambda v, ax: None,) * 5, np.asarray)}
