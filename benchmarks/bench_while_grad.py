"""Reverse mode through a data-dependent while loop: 3,000 steps over a 256-vector.

The loop runs `y = y + 0.01 * tanh(w * y + 0.5)` while `i < n` and `|y|^2` stays bounded,
with n a traced argument, so the trip count is known only at run time. Targets: jit(grad(f))
/ jit(f) at most 4 when the tape holds every state (capacity above 3,000), at most 6 past the
capacity (capacity 64, states recomputed). PyTorch runs the same program eagerly with
autograd, beside fluxion's eager grad. JAX cannot differentiate it in reverse mode (lax.while_loop has no transpose).
"""
import numpy as np

NAME = "while loop, 3000 data-dependent steps over float32[256] ('fluxion': jit(grad(f)), capacity 4096)"
STEPS = 3000
WITHIN, PAST = 4096, 64  # capacities above and below the trip count
_RNG = np.random.default_rng(0)
_X, _W = (_RNG.standard_normal(256).astype(np.float32) for _ in range(2))


def _fluxion(grad: bool, capacity: int, jit: bool = True):
    import fluxion as fx
    import fluxion.numpy as fnp

    def f(x, w, n):
        def cond(c):
            i, y = c
            return (i < n) & ((y * y).sum() < 1e30)

        def body(c):
            i, y = c
            return i + 1, y + 0.01 * fnp.tanh(w * y + 0.5)

        return (fx.while_loop(cond, body, (0, x), capacity=capacity)[1] ** 2).sum()

    fn = fx.grad(f, argnums=(0, 1)) if grad else f
    fn = fx.jit(fn) if jit else fn
    x, w, n = fnp.asarray(_X), fnp.asarray(_W), fnp.asarray(STEPS)
    return lambda: fn(x, w, n)


def _torch(grad: bool):
    import torch
    x, w = torch.tensor(_X), torch.tensor(_W)

    def f(x, w):
        i, y = 0, x
        while i < STEPS and float((y.detach() ** 2).sum()) < 1e30:
            i, y = i + 1, y + 0.01 * torch.tanh(w * y + 0.5)
        return (y ** 2).sum()

    if grad:
        def step():
            xg, wg = x.detach().requires_grad_(), w.detach().requires_grad_()
            f(xg, wg).backward()
            return xg.grad, wg.grad
        return step
    return lambda: f(x, w)


def peers():
    return {"fluxion": lambda: _fluxion(True, WITHIN), f"fluxion jit(grad(f)), capacity {PAST}": lambda: _fluxion(True, PAST),
            "fluxion jit(f)": lambda: _fluxion(False, WITHIN),
            "fluxion grad (eager)": lambda: _fluxion(True, WITHIN, jit=False),
            "torch f (eager)": lambda: _torch(False), "torch grad (eager autograd)": lambda: _torch(True)}


def report(times):
    f = times["fluxion jit(f)"]
    print(f"  jit(grad(f)) / jit(f), capacity {WITHIN} (every state kept): {times['fluxion'] / f:.2f} (target <= 4)")
    print(f"  jit(grad(f)) / jit(f), capacity {PAST} (states recomputed): "
          f"{times[f'fluxion jit(grad(f)), capacity {PAST}'] / f:.2f} (target <= 6)")
    if "torch grad (eager autograd)" in times:
        print(f"  torch grad / torch f: {times['torch grad (eager autograd)'] / times['torch f (eager)']:.2f}")
        print(f"  eager grad, fluxion / torch: {times['fluxion grad (eager)'] / times['torch grad (eager autograd)']:.2f}")
