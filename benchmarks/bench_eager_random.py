"""Steady-state eager draws from a key: small draws (16 values, one key), where the per-call
overhead counts, and a large one (10**6 normals), where the generator's throughput does.

`CASES` maps a draw to its peers, each a setup function returning the call to time; jax calls
are blocked on and use a typed key (`jax.random.key`). PyTorch has a stateful generator and no
keys, so `split` and `fold_in` have no PyTorch row.
"""
NAME = "eager random draws (float32; 16 values unless stated)"
N = 16
LARGE = 10 ** 6


def _draws(random, key):
    return {
        "normal": lambda: random.normal(key, (N,)),
        "uniform": lambda: random.uniform(key, (N,)),
        "randint(0, 10)": lambda: random.randint(key, (N,), 0, 10),
        "bernoulli(0.5)": lambda: random.bernoulli(key, 0.5, (N,)),
        "split": lambda: random.split(key),
        "fold_in": lambda: random.fold_in(key, 3),
        "normal, 10**6": lambda: random.normal(key, (LARGE,)),
        "uniform, 10**6": lambda: random.uniform(key, (LARGE,)),
    }


def _fluxion(op):
    import fluxion as fx
    return _draws(fx.random, fx.random.key(0))[op]


def _jax(op):
    import jax
    draw = _draws(jax.random, jax.random.key(0))[op]
    return lambda: jax.block_until_ready(draw())


def _torch(op):
    import torch
    g = torch.Generator().manual_seed(0)
    half = torch.full((N,), 0.5)
    return {
        "normal": lambda: torch.randn(N, generator=g),
        "uniform": lambda: torch.rand(N, generator=g),
        "randint(0, 10)": lambda: torch.randint(0, 10, (N,), generator=g),
        "bernoulli(0.5)": lambda: torch.bernoulli(half, generator=g).bool(),
        "normal, 10**6": lambda: torch.randn(LARGE, generator=g),
        "uniform, 10**6": lambda: torch.rand(LARGE, generator=g),
    }[op]


_PEERS = {"fluxion": _fluxion, "jax (blocked)": _jax, "torch": _torch}
OPS = ["normal", "uniform", "randint(0, 10)", "bernoulli(0.5)", "split", "fold_in", "normal, 10**6", "uniform, 10**6"]
TORCH_LESS = {"split", "fold_in"}  # PyTorch's generator is stateful: there are no keys


def _case(op):
    return {peer: (lambda setup=setup: setup(op)) for peer, setup in _PEERS.items()
            if not (peer == "torch" and op in TORCH_LESS)}


CASES = {op: _case(op) for op in OPS}
