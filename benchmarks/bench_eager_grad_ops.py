"""Eager reverse mode on medium arrays: the gradient of `sum(f(x))` for one operation `f` per row,
float64 arrays of 500x400 or 200,000 elements (32x16x28x28 float32 for the max pooling), beside
PyTorch eager autograd (target: each at most PyTorch's time)."""
import numpy as np

NAME = "eager grad of sum(op(x)) on medium arrays, float64"
_RNG = np.random.default_rng(0)
_A = _RNG.standard_normal((500, 400))
_V = _RNG.standard_normal(200_000)
_S = _RNG.standard_normal((200, 200))
_B = _RNG.standard_normal(1000)
_I = _RNG.integers(0, 1000, 100_000)
_X4 = _RNG.standard_normal((32, 16, 28, 28)).astype(np.float32)


def _ops(fnp, ops, asarray):
    """The rows: name -> (f, input), with `ops` the peer's functions that differ by more than names."""
    a, v, s, b, i, x4 = (asarray(w) for w in (_A, _V, _S, _B, _I, _X4))
    return {
        "clip(v, -1, 1), v 200000": (lambda v: ops["clip"](v, -1.0, 1.0), v),
        "max(a, 0), a 500x400": (lambda a: ops["amax"](a, 0), a),
        "cumprod(0.01 a + 1, 1)": (lambda a: ops["cumprod"](a * 0.01 + 1, 1), a),
        "sort(v)": (ops["sort"], v),
        "median(v)": (ops["median"], v),
        "quantile(a, 0.3, axis=0)": (lambda a: ops["quantile"](a, 0.3, 0), a),
        "take_along_axis(a, argsort(a, 1), 1)": (lambda a: ops["take_along"](a, ops["argsort"](a, 1), 1), a),
        "roll(a, 3, 1)": (lambda a: ops["roll"](a, 3, 1), a),
        "concatenate([a, a], 1)": (lambda a: ops["concat"]([a, a], 1), a),
        "pad(a, 3)": (lambda a: ops["pad"](a, 3), a),
        "b[i], b 1000, i 100000": (lambda b: b[i], b),
        "outer(b, b)": (lambda b: ops["outer"](b, b), b),
        "triu(s), s 200x200": (ops["triu"], s),
        "norm(a, axis=1)": (lambda a: ops["norm"](a, 1), a),
        "maxpool 2x2 of 32x16x28x28 float32": (ops["maxpool"], x4),
    }


def _fluxion_ops():
    import fluxion.lax as lax
    import fluxion.numpy as fnp
    return {
        "clip": fnp.clip, "amax": lambda x, ax: fnp.max(x, axis=ax), "cumprod": lambda x, ax: fnp.cumprod(x, axis=ax),
        "sort": fnp.sort, "median": fnp.median, "quantile": lambda x, q, ax: fnp.quantile(x, q, axis=ax),
        "take_along": fnp.take_along_axis, "argsort": lambda x, ax: fnp.argsort(x, axis=ax),
        "roll": lambda x, k, ax: fnp.roll(x, k, axis=ax), "concat": lambda xs, ax: fnp.concatenate(xs, axis=ax),
        "pad": fnp.pad, "outer": fnp.outer, "triu": fnp.triu, "norm": lambda x, ax: fnp.linalg.norm(x, axis=ax),
        "maxpool": lambda x: lax.reduce_window(x, -fnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID"),
    }


def _torch_ops():
    import torch
    import torch.nn.functional as F
    return {
        "clip": torch.clamp, "amax": lambda x, ax: torch.amax(x, ax), "cumprod": lambda x, ax: torch.cumprod(x, ax),
        "sort": lambda x: torch.sort(x).values,
        "median": lambda x: torch.quantile(x, 0.5),  # the mean of the two middle elements, as NumPy's median
        "quantile": lambda x, q, ax: torch.quantile(x, q, dim=ax), "take_along": torch.take_along_dim,
        "argsort": lambda x, ax: torch.argsort(x, dim=ax), "roll": lambda x, k, ax: torch.roll(x, k, ax),
        "concat": lambda xs, ax: torch.cat(xs, ax), "pad": lambda x, w: F.pad(x, (w,) * (2 * x.ndim)),
        "outer": torch.outer, "triu": torch.triu, "norm": lambda x, ax: torch.linalg.vector_norm(x, dim=ax),
        "maxpool": lambda x: F.max_pool2d(x, 2),
    }


def _fluxion(op):
    def setup():
        import fluxion as fx
        import fluxion.numpy as fnp
        f, x = _ops(fnp, _fluxion_ops(), fnp.asarray)[op]
        g = fx.grad(lambda x: fnp.sum(f(x)))
        return lambda: g(x)
    return setup


def _torch(op):
    def setup():
        import torch
        f, x = _ops(torch, _torch_ops(), torch.tensor)[op]
        x.requires_grad_(True)

        def step():
            x.grad = None
            f(x).sum().backward()
            return x.grad
        return step
    return setup


CASES = {op: {"fluxion": _fluxion(op), "torch": _torch(op)} for op in _ops(None, dict.fromkeys(
    ("clip", "amax", "cumprod", "sort", "median", "quantile", "take_along", "argsort", "roll", "concat", "pad",
     "outer", "triu", "norm", "maxpool")), np.asarray)}
