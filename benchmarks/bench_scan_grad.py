"""Reverse mode through scan: the gradient of an RNN's loss (tanh cell, 200 steps, batch 16,
input 32, hidden 64, float32) with respect to its two weight matrices.

Rows: jit(grad(loss)) in fluxion and jax (the same program through `frameworks`), and the
eager gradient in fluxion (fx.scan) and PyTorch (a Python loop with autograd).
"""
import numpy as np

from frameworks import framework

NAME = "gradient of an RNN loss through scan (200 steps, batch 16, 32 -> 64), float32"
_RNG = np.random.default_rng(0)
_W = (_RNG.standard_normal((64, 64)) / 8).astype(np.float32)
_U = (_RNG.standard_normal((32, 64)) / 6).astype(np.float32)
_XS = _RNG.standard_normal((200, 16, 32)).astype(np.float32)


def _loss(m, scan):
    def loss(w, u, xs):
        step = lambda h, x: (m.np.tanh(h @ w + x @ u),) * 2  # noqa: E731
        return m.np.mean(scan(step, m.np.zeros((16, 64), dtype=m.np.float32), xs)[1] ** 2)
    return loss


def _setup(name: str, jit: bool):
    m = framework(name)
    if name == "fluxion":
        import fluxion as fx
        scan = fx.scan
    else:
        import jax
        scan = jax.lax.scan
    g = m.grad(_loss(m, scan), argnums=(0, 1))
    g = m.jit(g) if jit else g
    args = [m.asarray(a) for a in (_W, _U, _XS)]
    return lambda: m.block(g(*args))


def _torch():
    import torch
    w, u, xs = (torch.tensor(a) for a in (_W, _U, _XS))

    def step():
        wg, ug = w.detach().requires_grad_(), u.detach().requires_grad_()
        h, total = torch.zeros(16, 64), 0.0
        for x in xs:
            h = torch.tanh(h @ wg + x @ ug)
            total = total + (h ** 2).sum()
        (total / h.numel() / len(xs)).backward()
        return wg.grad, ug.grad
    return step


def peers():
    return {"fluxion": lambda: _setup("fluxion", True), "jax": lambda: _setup("jax", True),
            "fluxion eager": lambda: _setup("fluxion", False), "torch eager (autograd)": _torch}


def report(times):
    if "torch eager (autograd)" in times:
        print(f"  fluxion eager / torch eager: {times['fluxion eager'] / times['torch eager (autograd)']:.2f}")
