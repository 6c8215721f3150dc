"""`jit(vmap(f))` for the forward pass of an MLP (784-512-512-10, batch 128, float32), where f
is written for one example, against the same network written for the batch by hand (target:
at most 1.1x the hand-batched jitted program), and jax.jit(jax.vmap(f)) beside it; also
`vmap(jit(f))`, a jitted function batched from outside, which compiles the same program."""
from frameworks import framework
from mlp import data

NAME = "jit(vmap(mlp forward)), 784-512-512-10, batch 128"


def forward(np_like):
    def f(params, x):  # one example, or a batch: x @ w serves both
        for w, b in params[:-1]:
            x = np_like.maximum(x @ w + b, 0.0)
        w, b = params[-1]
        return x @ w + b
    return f


def _setup(how: str, name: str):
    params, x, _ = data()
    fw = framework(name)
    f = forward(fw.np)
    g = {"hand": lambda: fw.jit(f), "jit(vmap)": lambda: fw.jit(fw.vmap(f, in_axes=(None, 0))),
         "vmap(jit)": lambda: fw.vmap(fw.jit(f), in_axes=(None, 0))}[how]()
    params = [(fw.asarray(w), fw.asarray(b)) for w, b in params]
    x = fw.asarray(x)
    return lambda: fw.block(g(params, x))


def peers():
    return {"fluxion": lambda: _setup("jit(vmap)", "fluxion"),
            "fluxion, hand-batched": lambda: _setup("hand", "fluxion"),
            "fluxion vmap(jit)": lambda: _setup("vmap(jit)", "fluxion"),
            "jax.jit(jax.vmap)": lambda: _setup("jit(vmap)", "jax"),
            "jax.jit, hand-batched": lambda: _setup("hand", "jax"),
            "jax.vmap(jax.jit)": lambda: _setup("vmap(jit)", "jax")}


def report(times):
    ratio = times["fluxion"] / times["fluxion, hand-batched"]
    print(f"  vmap / hand-batched (fluxion): {ratio:.2f} (target <= 1.1)")
