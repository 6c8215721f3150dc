"""Reverse mode through a short data-dependent while loop over a large state, float32[2**21].

The loop runs `y = sin(y) * 1.01` while `i < n`, with n a traced argument. Reverse mode
keeps loop states in a tape of fixed size, which a compiled program fills before the loop
runs: the tape is sized to the states (64 MiB by default) and the deeper tapes that
recompute dropped states are made only when the trip count needs them, so a short loop
costs about what the same steps unrolled do. Peers run the steps unrolled (a Python loop
with the trip count known), as JAX cannot differentiate a while loop in reverse mode.
Targets, against fluxion's unrolled steps ('unrolled'): at most 4x the time for 3 steps and
2x for 30, and a peak memory at most 32 states above theirs for 3 steps and 48 for 30 (a
fresh process each). 'torch' runs the steps eagerly with autograd.
"""
import pathlib
import subprocess
import sys

import numpy as np

NAME = "grad through a short while loop over float32[2**21] ('fluxion': jit(grad(f)), f a while_loop)"
SIZE = 2 ** 21
HERE = pathlib.Path(__file__).parent
_X = np.random.default_rng(0).standard_normal(SIZE).astype(np.float32)


def _grad(steps: int, unrolled: bool):
    """fx.jit(fx.grad(f)) and its arguments."""
    import fluxion as fx
    import fluxion.numpy as fnp

    def f(x, n):
        if unrolled:
            for _ in range(steps):
                x = fnp.sin(x) * 1.01
            return x.sum()
        return fx.while_loop(lambda c: c[0] < n, lambda c: (c[0] + 1, fnp.sin(c[1]) * 1.01), (0, x))[1].sum()

    return fx.jit(fx.grad(f)), (fnp.asarray(_X), fnp.asarray(steps))


def _fluxion(steps: int, unrolled: bool):
    fn, args = _grad(steps, unrolled)
    return lambda: fn(*args).block_until_ready()


def _jax(steps: int):
    import jax
    import jax.numpy as jnp

    def f(x):
        for _ in range(steps):
            x = jnp.sin(x) * 1.01
        return x.sum()

    fn, x = jax.jit(jax.grad(f)), jnp.asarray(_X)
    return lambda: fn(x).block_until_ready()


def _torch(steps: int):
    import torch
    x = torch.tensor(_X)

    def step():
        xg, i = x.detach().requires_grad_(), 0
        y = xg
        while i < steps:
            i, y = i + 1, torch.sin(y) * 1.01
        y.sum().backward()
        return xg.grad
    return step


def _case(steps: int) -> dict:
    return {"fluxion": lambda: _fluxion(steps, False), "unrolled": lambda: _fluxion(steps, True),
            "jax unrolled": lambda: _jax(steps), "torch": lambda: _torch(steps)}


CASES = {f"{steps} steps": _case(steps) for steps in (3, 30)}


def _peak_rss(steps: int, unrolled: bool) -> float:
    """The peak resident memory, in bytes, of a fresh process making one call."""
    # (VmHWM: a child's ru_maxrss starts from its parent's)
    code = (f"import sys; sys.path[:0] = {[str(HERE), str(HERE.parent)]!r}; import bench_while_grad_short as b; "
            f"fn, args = b._grad({steps}, {unrolled}); fn(*args).block_until_ready(); "
            "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')))")
    return 1024.0 * int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                       check=True).stdout.split()[-1])


def report(table):
    state = SIZE * 4
    for steps in (3, 30):
        times = table[f"{steps} steps"]
        loop, unrolled = _peak_rss(steps, False), _peak_rss(steps, True)
        print(f"  {steps} steps: fluxion / unrolled {times['fluxion'] / times['unrolled']:.2f} in time (target <= "
              f"{4 if steps == 3 else 2}); peak memory {(loop - unrolled) / state:.1f} states above unrolled's "
              f"(target <= {32 if steps == 3 else 48})")
