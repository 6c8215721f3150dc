"""The operations of the random batched programs (see _random_batched_programs.py).

Each operation is written once over a namespace (`ns.np`, `ns.lax`, `ns.cond`, ...: fluxion's
or jax's) and comes with a drawing function: `draw(rng, values, axes) -> (args, params, outs)`
or None where no operand fits. `values` are the `Val`s so far (per-example shape, dtype, the
vmaps they vary over); `axes` are the named vmaps around the body (`Axis(level, name, size)`).
`outs` are the `Val`s the operation gives, so that later steps, the out_axes and the choice of
which outputs may take out_axes=None follow the data flow.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

FLOATS = ("float32", "float64")


class Val(NamedTuple):
    shape: tuple
    dtype: str
    varies: frozenset  # the levels of the vmaps whose examples it differs between


class Axis(NamedTuple):
    level: int
    name: str
    size: int


class Op(NamedTuple):
    apply: Callable  # apply(ns, *args, **params) -> value or tuple of values
    draw: Callable


def _floats(values, ndim_at_least=0):
    return [i for i, v in enumerate(values) if v.dtype in FLOATS and len(v.shape) >= ndim_at_least]


def _wider(*dtypes):
    return "float64" if "float64" in dtypes else "float32"


def _union(*vals):
    return frozenset().union(*(v.varies for v in vals))


class NoOperand(Exception):
    """No value fits the operation drawn: draw another."""


def _pick(rng, seq):
    if not len(seq):
        raise NoOperand
    return seq[int(rng.integers(len(seq)))]


# elementwise and reductions ---------------------------------------------------------------------------
UNARY = {
    "sin": lambda ns, x: ns.np.sin(x),
    "tanh": lambda ns, x: ns.np.tanh(x),
    "exp_tanh": lambda ns, x: ns.np.exp(ns.np.tanh(x)),
    "square": lambda ns, x: x * x,
    "abs_plus": lambda ns, x: ns.np.abs(x) + 0.5,
    "log1p_square": lambda ns, x: ns.np.log1p(x * x),
}
BINARY = {
    "add": lambda ns, a, b: a + b,
    "mul": lambda ns, a, b: a * b,
    "sub": lambda ns, a, b: a - 0.5 * b,
    "maximum": lambda ns, a, b: ns.np.maximum(a, b),
}


def _draw_unary(rng, values, axes):
    i = _pick(rng, _floats(values))
    return (i,), {"form": _pick(rng, list(UNARY))}, (values[i],)


def _draw_binary(rng, values, axes):
    floats = _floats(values)
    i = _pick(rng, floats)
    fits = [j for j in floats if _broadcasts(values[i].shape, values[j].shape)]
    j = _pick(rng, fits)
    a, b = values[i], values[j]
    shape = np.broadcast_shapes(a.shape, b.shape)
    return (i, j), {"form": _pick(rng, list(BINARY))}, (Val(shape, _wider(a.dtype, b.dtype), _union(a, b)),)


def _broadcasts(s, t) -> bool:
    try:
        np.broadcast_shapes(s, t)
        return True
    except ValueError:
        return False


def _where(ns, p, a, b, *, on_sign):
    return ns.np.where(p > 0 if on_sign else p, a, b)


def _draw_where(rng, values, axes):
    floats = _floats(values)
    preds = floats + [i for i, v in enumerate(values) if v.dtype == "bool"]
    p, a = _pick(rng, preds), _pick(rng, floats)
    fits = [b for b in floats if _broadcasts(values[a].shape, values[b].shape)
            and _broadcasts(values[p].shape, np.broadcast_shapes(values[a].shape, values[b].shape))]
    if not fits:
        return None
    b = _pick(rng, fits)
    vp, va, vb = values[p], values[a], values[b]
    shape = np.broadcast_shapes(vp.shape, va.shape, vb.shape)
    return (p, a, b), {"on_sign": vp.dtype != "bool"}, (Val(shape, _wider(va.dtype, vb.dtype), _union(vp, va, vb)),)


REDUCTIONS = {"sum": lambda ns, x, axis: ns.np.sum(x, axis=axis), "mean": lambda ns, x, axis: ns.np.mean(x, axis=axis),
              "max": lambda ns, x, axis: ns.np.max(x, axis=axis)}


def _draw_reduce(rng, values, axes):
    i = _pick(rng, _floats(values, 1))
    v = values[i]
    axis = int(rng.integers(-len(v.shape), len(v.shape)))
    forms = ["sum", "mean"] + (["max"] if v.shape[axis] else [])
    shape = v.shape[:axis % len(v.shape)] + v.shape[axis % len(v.shape) + 1:]
    return (i,), {"form": _pick(rng, forms), "axis": axis}, (Val(shape, v.dtype, v.varies),)


def _draw_matvec(rng, values, axes):
    pairs = [(i, j) for i in _floats(values, 2) for j in _floats(values, 1)
             if len(values[i].shape) == 2 and len(values[j].shape) == 1 and values[i].shape[1] == values[j].shape[0]]
    if not pairs:
        return None
    i, j = _pick(rng, pairs)
    a, b = values[i], values[j]
    return (i, j), {}, (Val(a.shape[:1], _wider(a.dtype, b.dtype), _union(a, b)),)


def _draw_cast(rng, values, axes):
    ints = [i for i, v in enumerate(values) if v.dtype not in FLOATS]
    if not ints:
        return None
    i = _pick(rng, ints)
    dtype = _pick(rng, FLOATS)
    return (i,), {"dtype": dtype}, (Val(values[i].shape, dtype, values[i].varies),)


# indexing with (batched) integer indices ---------------------------------------------------------------
def _index(x, i):
    return i % x.shape[0]


AT = {"get": lambda ns, x, i, v: x[_index(x, i)], "set": lambda ns, x, i, v: x.at[_index(x, i)].set(v),
      "add": lambda ns, x, i, v: x.at[_index(x, i)].add(v), "mul": lambda ns, x, i, v: x.at[_index(x, i)].mul(v),
      "max": lambda ns, x, i, v: x.at[_index(x, i)].max(v)}


def _draw_at(rng, values, axes):
    xs = [i for i in _floats(values, 1) if values[i].shape[0]]
    ints = [i for i, v in enumerate(values) if v.dtype.startswith("int") and v.shape == ()]
    scalars = [i for i in _floats(values) if values[i].shape == ()]
    if not (xs and ints and scalars):
        return None
    x, i, v = _pick(rng, xs), _pick(rng, ints), _pick(rng, scalars)
    form = _pick(rng, list(AT))
    vx, vi, vv = values[x], values[i], values[v]
    shape = vx.shape[1:] if form == "get" else vx.shape
    varies = _union(vx, vi) | (vv.varies if form != "get" else frozenset())
    return (x, i, v), {"form": form}, (Val(shape, vx.dtype, varies),)


# collectives -------------------------------------------------------------------------------------------
def _names(rng, axes, several=True):
    """One name, or (`several`) a tuple of distinct names in a random order."""
    k = 1 if len(axes) == 1 or not several or rng.random() < 0.6 else int(rng.integers(2, len(axes) + 1))
    chosen = [axes[int(j)] for j in rng.permutation(len(axes))[:k]]
    return (chosen[0].name if k == 1 and rng.random() < 0.7 else tuple(a.name for a in chosen)), chosen


def _levels(chosen):
    return frozenset(a.level for a in chosen)


def _draw_reducer(rng, values, axes):
    if not axes:
        return None
    i = _pick(rng, _floats(values))
    names, chosen = _names(rng, axes)
    v = values[i]
    return (i,), {"form": _pick(rng, ["psum", "pmean", "pmax", "pmin"]), "names": names}, \
        (Val(v.shape, v.dtype, v.varies - _levels(chosen)),)


def _reducer(ns, x, *, form, names):
    return getattr(ns.lax, form)(x, names)


def _draw_all_gather(rng, values, axes):
    if not axes:
        return None
    names, chosen = _names(rng, axes, several=False)  # (jax's vmap fails on several names of unlike sizes)
    i = _pick(rng, _floats(values))
    v = values[i]
    n = math.prod(a.size for a in chosen)
    tiled = bool(v.shape) and rng.random() < 0.4
    axis = int(rng.integers(-len(v.shape) - (not tiled), len(v.shape) + (not tiled)))
    shape = list(v.shape)
    if tiled:
        shape[axis] *= n
    else:
        shape.insert(axis % (len(shape) + 1), n)
    out = Val(tuple(shape), v.dtype, v.varies - _levels(chosen))
    return (i,), {"names": names, "axis": axis, "tiled": tiled}, (out,)


def _all_gather(ns, x, *, names, axis, tiled):
    return ns.lax.all_gather(x, names, axis=axis, tiled=tiled)


def _draw_axis_index(rng, values, axes):
    if not axes:
        return None
    names, chosen = _names(rng, axes)
    return (), {"names": names}, (Val((), "int32", _levels(chosen)),)


def _draw_axis_size(rng, values, axes):
    if not axes:
        return None
    i = _pick(rng, _floats(values))
    names, _ = _names(rng, axes)
    return (i,), {"names": names}, (values[i],)


def _draw_ppermute(rng, values, axes):
    if not axes:
        return None
    i, a = _pick(rng, _floats(values)), _pick(rng, axes)
    shuffle = rng.random() < 0.4
    order = rng.permutation(a.size)
    if shuffle:
        perm = [int(p) for p in order]
    else:  # (jax's vmap takes only whole permutations: partial ones are rare)
        count = a.size if rng.random() < 0.9 else int(rng.integers(0, a.size + 1))
        perm = [(int(s), int(d)) for s, d in zip(order, rng.permutation(a.size)[:count])]
    v = values[i]
    # a value the same for every example stays so where every example receives one
    varies = v.varies if len(perm) == a.size and a.level not in v.varies else v.varies | {a.level}
    return (i,), {"name": a.name, "perm": perm, "shuffle": shuffle}, (Val(v.shape, v.dtype, varies),)


def _ppermute(ns, x, *, name, perm, shuffle):
    return ns.lax.pshuffle(x, name, perm) if shuffle else ns.lax.ppermute(x, name, perm)


def _split_axes(rng, values, axes):
    """A float value, names, an axis of it whose size is their number of examples n (or, tiled, a
    multiple), n, and whether it is `spread`: given that axis first (see `_spread`), where no value has one.
    (jax's vmap gives wrong shapes for an operand that is the same for every example of a name.)"""
    if not axes:
        return None
    names, chosen = _names(rng, axes, several=False)  # (jax's vmap fails on several names of unlike sizes)
    n = math.prod(a.size for a in chosen)
    tiled = rng.random() < 0.3
    varying = [i for i in _floats(values) if _levels(chosen) <= values[i].varies]
    fits = [(i, k) for i in varying for k, m in enumerate(values[i].shape)
            if n > 0 and (m % n == 0 and m > 0 if tiled else m == n)]
    if not n or not (fits or varying):
        return None
    spread = not fits
    i, k = (_pick(rng, varying), 0) if spread else _pick(rng, fits)
    shape = ((n,) if spread else ()) + values[i].shape
    # (non-negative axes: jax's vmap of these collectives fails on negative ones)
    return i, k, names, chosen, n, tiled and not spread, spread, shape


def _spread(ns, x, n: int, spread: bool):
    """`x`, or where `spread`, n multiples of it stacked along a new first axis."""
    if not spread:
        return x
    return x[None] * ns.np.arange(1, n + 1, dtype=x.dtype).reshape((n,) + (1,) * x.ndim)


def _draw_psum_scatter(rng, values, axes):
    found = _split_axes(rng, values, axes)
    if found is None:
        return None
    i, k, names, chosen, n, tiled, spread, shape = found
    v, shape = values[i], list(shape)
    if tiled:
        shape[k] //= n
    else:
        del shape[k]
    params = {"names": names, "axis": k, "tiled": tiled, "n": n, "spread": spread}
    return (i,), params, (Val(tuple(shape), v.dtype, v.varies | _levels(chosen)),)


def _psum_scatter(ns, x, *, names, axis, tiled, n, spread):
    return ns.lax.psum_scatter(_spread(ns, x, n, spread), names, scatter_dimension=axis, tiled=tiled)


def _draw_all_to_all(rng, values, axes):
    found = _split_axes(rng, values, axes)
    if found is None:
        return None
    i, k, names, chosen, n, tiled, spread, shape = found
    v, ndim, shape = values[i], len(shape), list(shape)
    swap = not tiled and rng.random() < 0.3
    c = k if swap else int(rng.integers(0, ndim))
    if tiled:
        shape[k] //= n
        shape[c] *= n
    else:
        del shape[k]
        shape.insert(c % ndim, n)
    params = {"names": names, "split": k, "concat": c, "tiled": tiled, "swap": swap, "n": n, "spread": spread}
    return (i,), params, (Val(tuple(shape), v.dtype, v.varies | _levels(chosen)),)


def _all_to_all(ns, x, *, names, split, concat, tiled, swap, n, spread):
    x = _spread(ns, x, n, spread)
    if swap:
        return ns.lax.pswapaxes(x, names, split)
    return ns.lax.all_to_all(x, names, split, concat, tiled=tiled)


# control flow, custom rules, transformations inside ------------------------------------------------------
def _inner(ns, x, *, form, collective):
    """A branch or loop body: a unary operation and, maybe, a collective over a named vmap outside."""
    y = UNARY[form](ns, x)
    return y if collective is None else y - 0.5 * ns.lax.pmean(y, collective)


def _inner_params(rng, axes):
    collective = _names(rng, axes)[0] if axes and rng.random() < 0.4 else None
    return {"form": _pick(rng, list(UNARY)), "collective": collective}, collective


def _draw_cond(rng, values, axes):
    floats = _floats(values)
    p, x = _pick(rng, floats), _pick(rng, floats)
    first, c1 = _inner_params(rng, axes)
    second, c2 = _inner_params(rng, axes)
    vp, vx = values[p], values[x]
    return (p, x), {"first": first, "second": second}, (Val(vx.shape, vx.dtype, _union(vp, vx)),)


def _cond(ns, p, x, *, first, second):
    return ns.cond(ns.np.sum(p) > 0, lambda v: _inner(ns, v, **first), lambda v: _inner(ns, v, **second), x)


def _draw_while(rng, values, axes):
    floats = _floats(values)
    p, x = _pick(rng, floats), _pick(rng, floats)
    body, _ = _inner_params(rng, axes)
    vp, vx = values[p], values[x]
    return (p, x), {"body": body}, (Val(vx.shape, vx.dtype, _union(vp, vx)), Val((), "int32", vp.varies))


def _while(ns, p, x, *, body):
    """A loop whose trip count (0 to 4) depends on `p`: it gives the carried value and the count."""
    limit = ns.np.minimum(ns.np.sum(ns.np.abs(p)) * 2.0, 4.0)

    def step(c):
        i, v = c
        return i + 1, 0.7 * v + 0.3 * _inner(ns, v, **body)
    i, v = ns.while_loop(lambda c: c[0] < limit, step, (ns.np.zeros((), "int32"), x))
    return v, i


def _draw_fori(rng, values, axes):
    ints = [i for i, v in enumerate(values) if v.dtype.startswith("int") and v.shape == ()]
    if not ints:
        return None
    n, x = _pick(rng, ints), _pick(rng, _floats(values))
    vn, vx = values[n], values[x]
    return (n, x), {"body": _inner_params(rng, axes)[0]}, (Val(vx.shape, vx.dtype, _union(vn, vx)),)


def _fori(ns, n, x, *, body):
    upper = ns.np.clip(n, 0, 4)  # a batched trip count
    return ns.fori_loop(0, upper, lambda j, v: 0.8 * v + 0.1 * _inner(ns, v, **body) * j, x)


def _draw_scan(rng, values, axes):
    i = _pick(rng, _floats(values, 1))
    c = _pick(rng, [j for j in _floats(values) if values[j].shape == ()] or [None])
    v = values[i]
    body, _ = _inner_params(rng, axes)
    init = Val((), v.dtype, frozenset()) if c is None else values[c]
    carry = Val((), _wider(v.dtype, init.dtype), _union(v, init))
    args = (i,) if c is None else (i, c)
    return args, {"body": body, "reverse": bool(rng.random() < 0.3)}, (carry, Val(v.shape, carry.dtype, carry.varies))


def _scan(ns, xs, c=None, *, body, reverse):
    init = ns.np.zeros((), xs.dtype) if c is None else c * 1.0
    init = init + ns.np.zeros((), xs.dtype)

    def step(carry, x):
        y = _inner(ns, x, **body)
        return 0.5 * carry + ns.np.sum(y), y * carry
    return ns.scan(step, init, xs, reverse=reverse)


def _draw_custom(rng, values, axes):
    i = _pick(rng, _floats(values))
    return (i,), {"kind": _pick(rng, ["jvp", "vjp"])}, (values[i],)


_CUSTOM: dict = {}


def _custom_functions(ns):
    """A softplus whose custom_jvp rule halves the tangent, and a sine whose custom_vjp rule
    scales the cotangent by 3 (rules unlike the derivatives, so that using them shows)."""
    key = id(ns.custom_jvp)
    if key not in _CUSTOM:
        softplus = ns.custom_jvp(lambda x: ns.np.log1p(ns.np.exp(x)))
        softplus.defjvp(lambda p, t: (softplus(p[0]), 0.5 * t[0] * ns.np.tanh(p[0])))
        sine = ns.custom_vjp(lambda x: ns.np.sin(x))
        sine.defvjp(lambda x: (ns.np.sin(x), ns.np.cos(x)), lambda c, ct: (3.0 * ct * c,))
        _CUSTOM[key] = {"jvp": softplus, "vjp": sine}
    return _CUSTOM[key]


def _custom(ns, x, *, kind):
    return _custom_functions(ns)[kind](x)


def _draw_inner_grad(rng, values, axes):
    i = _pick(rng, _floats(values))
    return (i,), {"form": _pick(rng, list(UNARY)), "jit": bool(rng.random() < 0.5)}, (values[i],)


def _inner_grad(ns, x, *, form, jit):
    g = ns.grad(lambda v: ns.np.sum(UNARY[form](ns, v)))
    return (ns.jit(g) if jit else g)(x)


OPS = {
    "unary": Op(lambda ns, x, *, form: UNARY[form](ns, x), _draw_unary),
    "binary": Op(lambda ns, a, b, *, form: BINARY[form](ns, a, b), _draw_binary),
    "where": Op(_where, _draw_where),
    "reduce": Op(lambda ns, x, *, form, axis: REDUCTIONS[form](ns, x, axis), _draw_reduce),
    "matvec": Op(lambda ns, a, b: ns.np.matmul(a, b), _draw_matvec),
    # (+ 0.25: never 0, where abs has a kink whose derivative fluxion and jax define differently)
    "cast": Op(lambda ns, x, *, dtype: x.astype(dtype) * 0.5 + 0.25, _draw_cast),
    "at": Op(lambda ns, x, i, v, *, form: AT[form](ns, x, i, v), _draw_at),
    "reducer": Op(_reducer, _draw_reducer),
    "all_gather": Op(_all_gather, _draw_all_gather),
    "axis_index": Op(lambda ns, *, names: ns.lax.axis_index(names), _draw_axis_index),
    "axis_size": Op(lambda ns, x, *, names: x * ns.lax.axis_size(names), _draw_axis_size),
    "ppermute": Op(_ppermute, _draw_ppermute),
    "psum_scatter": Op(_psum_scatter, _draw_psum_scatter),
    "all_to_all": Op(_all_to_all, _draw_all_to_all),
    "cond": Op(_cond, _draw_cond),
    "while": Op(_while, _draw_while),
    "fori": Op(_fori, _draw_fori),
    "scan": Op(_scan, _draw_scan),
    "custom": Op(_custom, _draw_custom),
    "inner_grad": Op(_inner_grad, _draw_inner_grad),
}
WEIGHTS = {"unary": 3, "binary": 3, "where": 1, "reduce": 1, "matvec": 0.5, "cast": 1, "at": 1.5, "reducer": 2.5,
           "all_gather": 1, "axis_index": 0.7, "axis_size": 0.3, "ppermute": 1, "psum_scatter": 1,
           "all_to_all": 1, "cond": 1, "while": 0.7, "fori": 0.7, "scan": 0.7, "custom": 0.7, "inner_grad": 0.5}
# operations whose derivatives jax does not define
NOT_DIFFERENTIABLE_IN_JAX = ("pmax", "pmin")
