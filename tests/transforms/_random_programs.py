"""Random small programs over fluxion.numpy, fluxion.scipy.special and control flow, for gradient checks.

`programs()` is a hypothesis strategy of `RandomProgram`s: input shapes (0-d to 3-d, broadcasting
against each other, size-1 axes), three float64 input sets (the batch), and steps, each an operation
of `OPS` applied to earlier values. A program returns a scalar: the sum of its values that no step
uses, each times fixed weights.

A step's constants are chosen as the program is drawn, from the values it sees on every input set,
so that the program is smooth there: kinks (abs, maximum, where, ties of sort and max, branch
predicates, loop trip counts) stay at least MARGIN away, logarithms and square roots see values of
at least 0.5, and values stay below BOUND. So central differences are reliable, and small
perturbations of any input set take the same branches.
"""
from __future__ import annotations

import itertools
import math
from typing import Callable, NamedTuple

import numpy as np
from hypothesis import strategies as st

import fluxion as fx
import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

MARGIN = 1e-2  # least distance of a value from a kink
BOUND = 1e3  # largest magnitude of a value
MAX_SIZE = 48
MAX_NDIM = 4
BATCH = 3


# constants that keep a step smooth ------------------------------------------------------------
def _away(values, target: float = 0.0, kinks=(0.0,)) -> float:
    """The number s nearest `target` with every `value - s` at least MARGIN from every kink."""
    v = np.sort(np.concatenate([np.ravel(x) - k for x in values for k in kinks]))
    candidates = [target, v[0] - 1.0, v[-1] + 1.0, *((v[1:] + v[:-1]) / 2)]
    ok = [c for c in (round(float(c), 3) for c in candidates) if np.min(np.abs(v - c)) >= MARGIN]
    return min(ok, key=lambda c: abs(c - target))


def _lift(values, low: float = 0.5) -> float:
    """The shift (a multiple of 0.1) that brings every value to at least `low`."""
    least = min(float(np.min(x)) for x in values)
    return math.ceil((low - least) * 10) / 10 if least < low else 0.0


def _groups(x: np.ndarray, axis) -> np.ndarray:
    """`x`'s elements grouped by the reduction over `axis`: one row per result element."""
    axes = tuple(range(x.ndim)) if axis is None else tuple(a % x.ndim for a in np.atleast_1d(axis))
    rest = [a for a in range(x.ndim) if a not in axes]
    return np.transpose(x, rest + list(axes)).reshape(-1, math.prod(x.shape[a] for a in axes))


def _jitter(draw, values, axis, separated: Callable) -> np.ndarray | None:
    """Constant offsets (or None) that make `separated(rows)` hold for `values` grouped over
    `axis`; None if no scale tried does."""
    shape = values[0].shape
    noise = np.round(np.random.default_rng(draw(st.integers(0, 99))).uniform(size=shape), 2)
    for scale in (0.0, 0.05, 0.3):
        if all(separated(np.sort(_groups(x + scale * noise, axis), axis=1)) for x in values):
            return scale * noise if scale else None
    return None


def _top_gap(rows):
    return rows.shape[1] < 2 or np.min(rows[:, -1] - rows[:, -2]) >= MARGIN


def _bottom_gap(rows):
    return rows.shape[1] < 2 or np.min(rows[:, 1] - rows[:, 0]) >= MARGIN


def _all_gaps(rows):
    return rows.shape[1] < 2 or np.min(np.diff(rows, axis=1)) >= MARGIN


def _const(c, like):
    return None if c is None else fnp.asarray(c, dtype=like.dtype)


def _broadcast(values_a, values_b, fn=lambda a, b: a - b):
    return [fn(a, b) for a, b in zip(values_a, values_b)]


def _axis(draw, ndim: int, many: bool = True):
    """None, an axis (maybe negative) or, with `many`, a tuple of distinct axes."""
    if ndim == 0:
        return None
    kinds = ["none", "one", "tuple"] if many else ["none", "one"]
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return None
    if kind == "one":
        return draw(st.integers(-ndim, ndim - 1))
    return tuple(sorted(draw(st.sets(st.integers(0, ndim - 1), min_size=0, max_size=ndim))))


# elementwise ----------------------------------------------------------------------------------
SMOOTH = {"sin": fnp.sin, "cos": fnp.cos, "tanh": fnp.tanh, "exp": fnp.exp, "expm1": fnp.expm1,
          "arctan": fnp.arctan, "sinh": fnp.sinh, "erf": fsp.erf, "expit": fsp.expit, "ndtr": fsp.ndtr,
          "softplus": lambda x: fnp.logaddexp(x, 0.0), "square": fnp.square, "cube": lambda x: x ** 3,
          "affine": lambda x: 1.5 * x - 0.25, "negative": fnp.negative}
POSITIVE = {"log": fnp.log, "sqrt": fnp.sqrt, "log1p": fnp.log1p, "gammaln": fsp.gammaln,
            "digamma": fsp.digamma, "power": lambda x: x ** 1.5, "reciprocal": fnp.reciprocal}
KINKED = {"abs": (fnp.abs, (0.0,)), "relu": (lambda x: fnp.maximum(x, 0.0), (0.0,)),
          "clip": (lambda x: fnp.clip(x, -1.0, 1.0), (-1.0, 1.0))}
UNARY = {**SMOOTH, **POSITIVE, **{k: f for k, (f, _) in KINKED.items()}}


def unary(x, fn, shift):
    return UNARY[fn](x + shift)


def _draw_unary(draw, values):
    fn = draw(st.sampled_from(sorted(UNARY)))
    (xs,) = values
    if fn in POSITIVE:
        return {"fn": fn, "shift": _lift(xs)}
    if fn in KINKED:
        return {"fn": fn, "shift": -_away(xs, kinks=KINKED[fn][1])}
    return {"fn": fn, "shift": 0.0}


BINARY = {
    "add": lambda a, b, s: a + b,
    "subtract": lambda a, b, s: fnp.subtract(a, b),
    "multiply": lambda a, b, s: a * b,
    "logaddexp": lambda a, b, s: fnp.logaddexp(a, b),
    "divide": lambda a, b, s: a / (b + s),
    "xlogy": lambda a, b, s: fsp.xlogy(a, b + s),
    "power": lambda a, b, s: fnp.power(a + s, b),
    "maximum": lambda a, b, s: fnp.maximum(a, b + s),
    "minimum": lambda a, b, s: fnp.minimum(a, b + s),
    "where": lambda a, b, s: fnp.where(a > b + s, a * b, fnp.sin(b)),
    "where_le": lambda a, b, s: fnp.where(fnp.less_equal(a, b + s), a, b),
    "hypot": lambda a, b, s: fnp.hypot(a, b - s),
    "arctan2": lambda a, b, s: fnp.arctan2(a - s, b),
}
# how each chooses s: from which values, to keep what away from what
_BINARY_SHIFT = {"divide": ("lift", 1), "xlogy": ("lift", 1), "power": ("lift", 0), "maximum": ("tie", None),
                 "minimum": ("tie", None), "where": ("tie", None), "where_le": ("tie", None),
                 "hypot": ("zero", 1), "arctan2": ("zero", 0)}


def binary(a, b, fn, shift):
    return BINARY[fn](a, b, shift)


def _draw_binary(draw, values):
    fn = draw(st.sampled_from(sorted(BINARY)))
    how, which = _BINARY_SHIFT.get(fn, (None, None))
    if how == "lift":
        return {"fn": fn, "shift": _lift(values[which])}
    if how == "zero":
        return {"fn": fn, "shift": _away(values[which])}
    if how == "tie":  # the kink is at a == b + s
        return {"fn": fn, "shift": _away(_broadcast(*values))}
    return {"fn": fn, "shift": 0.0}


def _broadcastable(sa, sb) -> bool:
    try:
        shape = np.broadcast_shapes(sa, sb)
    except ValueError:
        return False
    return len(shape) <= MAX_NDIM and math.prod(shape) <= MAX_SIZE


# reductions -----------------------------------------------------------------------------------
REDUCTIONS = {"sum": fnp.sum, "mean": fnp.mean, "max": fnp.max, "min": fnp.min, "prod": fnp.prod,
              "logsumexp": fsp.logsumexp, "var": fnp.var, "norm": fnp.linalg.norm,
              "vector_norm": fnp.linalg.vector_norm}


def reduce(x, fn, axis, keepdims, jitter):
    if jitter is not None:
        x = x + _const(jitter, x)
    return REDUCTIONS[fn](x, axis=axis, keepdims=keepdims)


def _draw_reduce(draw, values):
    (xs,) = values
    fn = draw(st.sampled_from(sorted(REDUCTIONS)))
    axis = _axis(draw, xs[0].ndim)
    if fn == "norm" and isinstance(axis, tuple) and len(axis) not in (1, 2) or axis == () and fn in ("norm",):
        axis = None
    params = {"fn": fn, "axis": axis, "keepdims": draw(st.booleans()), "jitter": None}
    if fn in ("max", "min"):
        params["jitter"] = _jitter(draw, xs, axis, _top_gap if fn == "max" else _bottom_gap)
        if params["jitter"] is None and not all((_top_gap if fn == "max" else _bottom_gap)(
                np.sort(_groups(x, axis), axis=1)) for x in xs):
            return None
    if "norm" in fn and min(np.min(np.linalg.norm(_groups(x, axis), axis=1)) for x in xs) < 10 * MARGIN:
        return None  # the norm's kink at zero
    return params


def softmax(x, fn, axis):
    return (fsp.softmax if fn == "softmax" else fsp.log_softmax)(x, axis=axis)


def _draw_softmax(draw, values):
    return {"fn": draw(st.sampled_from(["softmax", "log_softmax"])), "axis": _axis(draw, values[0][0].ndim, False)}


# shapes ---------------------------------------------------------------------------------------
def reshape(x, shape):
    return fnp.reshape(x, shape)


def _draw_reshape(draw, values):
    size = values[0][0].size
    factors = [p for p in range(2, size + 1) for _ in range(_multiplicity(size, p))]
    dims = [1] * draw(st.integers(0, 1))
    for p in draw(st.permutations(factors)):
        if dims and draw(st.booleans()):
            dims[-1] *= p
        else:
            dims.append(p)
    if len(dims) > MAX_NDIM:
        return None
    if dims and draw(st.booleans()):
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return {"shape": tuple(dims)}


def _multiplicity(n: int, p: int) -> int:
    if any(p % q == 0 for q in range(2, p)):
        return 0
    k = 0
    while n % p == 0:
        n, k = n // p, k + 1
    return k


def transpose(x, form, axes):
    if form == "T":
        return x.T
    if form == "swapaxes":
        return fnp.swapaxes(x, *axes)
    if form == "moveaxis":
        return fnp.moveaxis(x, *axes)
    return fnp.transpose(x, axes)


def _draw_transpose(draw, values):
    ndim = values[0][0].ndim
    form = draw(st.sampled_from(["T", "transpose", "swapaxes", "moveaxis"]))
    if form == "transpose":
        return {"form": form, "axes": tuple(draw(st.permutations(range(ndim))))}
    if form in ("swapaxes", "moveaxis"):
        if ndim < 1:
            return None
        return {"form": form, "axes": (draw(st.integers(-ndim, ndim - 1)), draw(st.integers(-ndim, ndim - 1)))}
    return {"form": form, "axes": None}


def expand_squeeze(x, form, axis):
    return fnp.expand_dims(x, axis=axis) if form == "expand_dims" else fnp.squeeze(x, axis=axis)


def _draw_expand_squeeze(draw, values):
    shape = values[0][0].shape
    ones = [i for i, n in enumerate(shape) if n == 1]
    if draw(st.booleans()) and ones:
        axis = draw(st.sampled_from([None, tuple(ones), ones[0] - len(shape)]))
        return {"form": "squeeze", "axis": axis}
    if len(shape) >= MAX_NDIM:
        return None
    return {"form": "expand_dims", "axis": draw(st.integers(-len(shape) - 1, len(shape)))}


def reorder(x, form, axis, shift):
    return fnp.roll(x, shift, axis=axis) if form == "roll" else fnp.flip(x, axis=axis)


def _draw_reorder(draw, values):
    ndim = values[0][0].ndim
    form = draw(st.sampled_from(["roll", "flip"]))
    axis = _axis(draw, ndim, many=form == "flip")
    return {"form": form, "axis": axis, "shift": draw(st.integers(-3, 3))}


def cumsum(x, axis):
    return fnp.cumsum(x, axis=axis)


def _draw_cumsum(draw, values):
    return {"axis": _axis(draw, values[0][0].ndim, many=False)}


def broadcast(x, lead):
    return fnp.broadcast_to(x, (lead, *x.shape))


def _draw_broadcast(draw, values):
    x = values[0][0]
    lead = draw(st.integers(1, 3))
    return {"lead": lead} if x.ndim < MAX_NDIM and x.size * lead <= MAX_SIZE else None


def index(x, key):
    return x[key]


def _draw_index(draw, values):
    shape = values[0][0].shape
    key, arrays = [], 0
    for n in shape:
        kind = draw(st.sampled_from(["all", "slice", "int", "array", "newaxis"]))
        if kind == "newaxis":
            key.append(None)
            kind = "all"
        if kind == "all":
            key.append(slice(None))
        elif kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        elif kind == "array" and arrays < 2:
            arrays += 1
            size = draw(st.integers(1, 3))
            key.append(np.asarray(draw(st.lists(st.integers(-n, n - 1), min_size=size, max_size=size))))
        else:
            step = draw(st.sampled_from([1, 2, -1, -2]))
            key.append(slice(draw(st.one_of(st.none(), st.integers(-n, n))),
                             draw(st.one_of(st.none(), st.integers(-n, n))), step))
    if draw(st.booleans()) and key:  # leave trailing axes to an Ellipsis
        key = key[:draw(st.integers(0, len(key) - 1))] + [Ellipsis]
    key = tuple(key)
    try:
        out = np.empty(shape)[key]
    except IndexError:  # index arrays of different lengths that do not broadcast
        return None
    return {"key": key} if 0 < out.size <= MAX_SIZE and out.ndim <= MAX_NDIM else None


def take(x, indices, axis):
    return fnp.take(x, indices, axis=axis)


def _draw_take(draw, values):
    x = values[0][0]
    axis = _axis(draw, x.ndim, many=False)
    n = x.size if axis is None else x.shape[axis]
    shape = draw(st.sampled_from([(), (2,), (3,), (2, 2)]))
    indices = np.asarray(draw(st.lists(st.integers(0, n - 1), min_size=math.prod(shape),
                                       max_size=math.prod(shape)))).reshape(shape)
    out = np.take(x, indices, axis=axis)
    return {"indices": indices, "axis": axis} if out.size <= MAX_SIZE and out.ndim <= MAX_NDIM else None


def sort(x, axis, jitter):
    if jitter is not None:
        x = x + _const(jitter, x)
    return fnp.sort(x, axis=axis)


def _draw_sort(draw, values):
    (xs,) = values
    if xs[0].ndim == 0:
        return None
    axis = draw(st.integers(-xs[0].ndim, xs[0].ndim - 1))
    jitter = _jitter(draw, xs, axis, _all_gaps)
    if jitter is None and not all(_all_gaps(np.sort(_groups(x, axis), axis=1)) for x in xs):
        return None
    return {"axis": axis, "jitter": jitter}


def concatenate(a, b, form, axis):
    return fnp.stack([a, b], axis=axis) if form == "stack" else fnp.concatenate([a, b], axis=axis)


def _joinable(sa, sb) -> bool:
    return len(sa) == len(sb) >= 1 and sum(x != y for x, y in zip(sa, sb)) <= 1 and 2 * max(
        math.prod(sa), math.prod(sb)) <= MAX_SIZE


def _draw_concatenate(draw, values):
    sa, sb = values[0][0].shape, values[1][0].shape
    if sa == sb and len(sa) < MAX_NDIM and draw(st.booleans()):
        return {"form": "stack", "axis": draw(st.integers(-len(sa) - 1, len(sa)))}
    axes = [i for i in range(len(sa)) if all(x == y for j, (x, y) in enumerate(zip(sa, sb)) if j != i)]
    axis = draw(st.sampled_from(axes))
    return {"form": "concatenate", "axis": axis - len(sa) * draw(st.integers(0, 1))}


# linear algebra -------------------------------------------------------------------------------
def matmul(a, b, form):
    return {"matmul": fnp.matmul, "@": lambda a, b: a @ b, "dot": fnp.dot}[form](a, b)


def _matmul_ok(sa, sb) -> bool:
    try:
        out = np.matmul(np.zeros(sa), np.zeros(sb))
    except ValueError:
        return False
    return out.size <= MAX_SIZE


def _draw_matmul(draw, values):
    sa, sb = values[0][0].shape, values[1][0].shape
    forms = ["matmul", "@"] + (["dot"] if len(sa) <= 2 and len(sb) <= 2 else [])
    return {"form": draw(st.sampled_from(forms))}


def gram(x, left):
    return fnp.swapaxes(x, -1, -2) @ x if left else x @ fnp.swapaxes(x, -1, -2)


def _draw_gram(draw, values):
    return {"left": draw(st.booleans())} if values[0][0].ndim >= 2 else None


def einsum(a, b, spec):
    return fnp.einsum(spec, a, b)


def _draw_einsum(draw, values):
    """A random contraction: axes of equal size may share a letter (within or across the two
    operands); the output keeps a random subset of the letters in a random order."""
    sa, sb = values[0][0].shape, values[1][0].shape
    letters, sizes = [], {}

    def name(n):
        same = [c for c, m in sizes.items() if m == n]
        if same and draw(st.booleans()):
            return draw(st.sampled_from(same))
        c = "abcdefgh"[len(sizes)]
        sizes[c] = n
        return c

    left = "".join(name(n) for n in sa)
    right = "".join(name(n) for n in sb)
    letters = sorted(set(left + right))
    out = "".join(draw(st.permutations(letters))[:draw(st.integers(0, len(letters)))])
    if math.prod(sizes[c] for c in out) > MAX_SIZE:
        return None
    return {"spec": f"{left},{right}->{out}"}


def _square(x, n: int):
    """An n x n matrix filled from `x`'s elements (repeated as needed)."""
    flat = fnp.reshape(x, (-1,))
    return fnp.reshape(fnp.tile(flat, n * n)[:n * n], (n, n))


def _dominant(x, n: int):
    """A strictly diagonally dominant matrix made from `x`: well conditioned for any values."""
    return 2.0 * fnp.eye(n, dtype=x.dtype) + (0.5 / n) * fnp.tanh(_square(x, n))


def solve(a, b, n, cols):
    rhs = fnp.tile(fnp.reshape(b, (-1,)), n * (cols or 1))[:n * (cols or 1)]
    return fnp.linalg.solve(_dominant(a, n), rhs if cols is None else fnp.reshape(rhs, (n, cols)))


def _draw_solve(draw, values):
    return {"n": draw(st.integers(1, 3)), "cols": draw(st.sampled_from([None, 1, 2]))}


def factor(x, form, n):
    if form == "cholesky":
        m = fnp.tanh(_square(x, n))
        return fnp.linalg.cholesky(m @ m.T + fnp.eye(n, dtype=x.dtype))
    if form == "det":
        return fnp.linalg.det(_dominant(x, n))
    return fnp.linalg.inv(_dominant(x, n))


def _draw_factor(draw, values):
    return {"form": draw(st.sampled_from(["cholesky", "det", "inv"])), "n": draw(st.integers(1, 3))}


# control flow ---------------------------------------------------------------------------------
BRANCHES = (lambda a, b: fnp.sin(a) * b, lambda a, b: a + fnp.tanh(b), lambda a, b: 0.5 * a * b,
            lambda a, b: fnp.exp(fnp.tanh(a)) - b, lambda a, b: 0.3 * (a - b) ** 2)


def cond(a, b, form, thresholds, branches):
    funs = [BRANCHES[i] for i in branches]
    m = fnp.mean(a)
    if form == "switch":
        return fx.switch(fnp.sum(fnp.stack([m > t for t in thresholds])), funs, a, b)
    if form == "cond":
        return fx.cond(m > thresholds[0], funs[0], funs[1], a, b)
    if m > thresholds[0]:  # a Python `if` on a value: converted to fx.cond under jit and vmap
        return funs[0](a, b)
    return funs[1](a, b)


def _draw_cond(draw, values):
    means = [float(np.mean(x)) for x in values[0]]
    form = draw(st.sampled_from(["cond", "switch", "python"]))
    thresholds = (_away(means, target=float(np.median(means))),)  # splits the input sets
    if form == "switch":
        thresholds = tuple(sorted({*thresholds, _away(means, target=draw(st.floats(-1, 1)))}))
    n = len(thresholds) + 1
    return {"form": form, "thresholds": thresholds,
            "branches": tuple(draw(st.lists(st.integers(0, len(BRANCHES) - 1), min_size=n, max_size=n)))}


def _grow(t, rate):
    return t * rate + 0.1


def loop_while(a, b, form, limit, rate, capacity):
    """A loop whose trip count depends on `a`: t grows from 0.5 + mean(a**2) past `limit`."""
    t = (0.5 + fnp.mean(a * a)).astype(b.dtype)  # the carry keeps its dtype when a's and b's differ
    scale = fnp.tanh(fnp.mean(a)).astype(b.dtype)  # closed over by the body

    def body(carry):
        t, v = carry
        return _grow(t, rate), v * 0.8 + 0.3 * scale * fnp.sin(v * t)

    if form == "python":
        v = b
        while t < limit:  # converted to fx.while_loop under jit and vmap
            t, v = body((t, v))
        return v, t
    t, v = fx.while_loop(lambda c: c[0] < limit, body, (t, b), capacity=capacity)
    return v, t


def _draw_while(draw, values):
    starts = [0.5 + float(np.mean(x * x)) for x in values[0]]
    rate = draw(st.sampled_from([1.5, 2.0]))
    paths = [list(itertools.accumulate(range(8), lambda t, _: _grow(t, rate), initial=t0)) for t0 in starts]
    steps = draw(st.integers(1, 4))
    limit = _away(paths, target=(paths[0][steps - 1] + paths[0][steps]) / 2)
    if any(t[-1] < limit for t in paths):
        return None
    return {"form": draw(st.sampled_from(["fx", "python"])), "limit": limit, "rate": rate,
            "capacity": draw(st.sampled_from([2, 3, 64]))}


def scan(a, b, reverse, unroll):
    w = fnp.cos(fnp.mean(b)).astype(a.dtype)  # closed over by the body; the carry keeps a's dtype

    def step(c, x):
        c = fnp.tanh(c * 0.9 + x * w)
        return c, c * x + c

    return fx.scan(step, a[0] * 0.5, a, reverse=reverse, unroll=unroll)


def _draw_scan(draw, values):
    if values[0][0].ndim == 0:
        return None
    return {"reverse": draw(st.booleans()), "unroll": draw(st.sampled_from([1, 2]))}


def fori(x, form, steps):
    def body(i, v):
        return v * 0.9 + 0.2 * fnp.sin(v + i * 0.3)

    if form == "python":
        for i in range(steps):  # Python loop over concrete numbers
            x = body(i, x)
        return x
    if form == "rows":
        total = fnp.zeros_like(x[0])
        for row in x:  # a Python loop over an array: fx.scan under jit
            total = total * 0.5 + fnp.sin(row)
        return total
    if form == "shape" and x.ndim >= 1 and x.shape[-1] > 1:  # a Python `if` on a shape
        return fnp.flip(x, -1) * fnp.cos(x)
    return fx.fori_loop(0, steps, body, x)


def _draw_fori(draw, values):
    form = draw(st.sampled_from(["fx", "python", "rows", "shape"]))
    if form == "rows" and values[0][0].ndim == 0:
        return None
    return {"form": form, "steps": draw(st.integers(1, 3))}


# the menu -------------------------------------------------------------------------------------
class Op(NamedTuple):
    """`apply(*arrays, **params)` gives an array or a tuple of them; `draw(draw, values)` gives
    params (or None: not applicable), `values[i][k]` being operand i on input set k; binary ops
    have `partner(shape_a, shape_b)`, which says whether b may be a's second operand."""
    apply: Callable
    draw: Callable
    partner: Callable | None = None


OPS = {
    "unary": Op(unary, _draw_unary),
    "binary": Op(binary, _draw_binary, _broadcastable),
    "reduce": Op(reduce, _draw_reduce),
    "softmax": Op(softmax, _draw_softmax),
    "reshape": Op(reshape, _draw_reshape),
    "transpose": Op(transpose, _draw_transpose),
    "expand_squeeze": Op(expand_squeeze, _draw_expand_squeeze),
    "reorder": Op(reorder, _draw_reorder),
    "cumsum": Op(cumsum, _draw_cumsum),
    "broadcast": Op(broadcast, _draw_broadcast),
    "index": Op(index, _draw_index),
    "take": Op(take, _draw_take),
    "sort": Op(sort, _draw_sort),
    "concatenate": Op(concatenate, _draw_concatenate, _joinable),
    "matmul": Op(matmul, _draw_matmul, _matmul_ok),
    "gram": Op(gram, _draw_gram),
    "einsum": Op(einsum, _draw_einsum, lambda sa, sb: len(sa) + len(sb) <= 5),
    "solve": Op(solve, _draw_solve, lambda sa, sb: True),
    "factor": Op(factor, _draw_factor),
    "cond": Op(cond, _draw_cond, _broadcastable),
    "while": Op(loop_while, _draw_while, lambda sa, sb: True),
    "scan": Op(scan, _draw_scan, lambda sa, sb: True),
    "fori": Op(fori, _draw_fori),
}


# elementwise operations come up more often: they have the most functions
_MENU = ["unary"] * 4 + ["binary"] * 3 + ["reduce"] * 2 + sorted(set(OPS) - {"unary", "binary", "reduce"})


class Step(NamedTuple):
    op: str
    args: tuple[int, ...]
    params: dict
    results: int  # how many values it adds


class RandomProgram:
    """`program(*inputs)` runs the steps and returns the weighted sum of the unused values."""

    def __init__(self, shapes: list[tuple[int, ...]], steps: list[Step], outputs: list[int],
                 weights: list[np.ndarray], batch: list[list[np.ndarray]]):
        self.shapes, self.steps, self.outputs, self.weights = shapes, steps, outputs, weights
        self.batch = batch  # BATCH input sets

    def __call__(self, *xs):
        values = list(xs)
        for step in self.steps:
            out = OPS[step.op].apply(*[values[i] for i in step.args], **step.params)
            values.extend(out if isinstance(out, tuple) else (out,))
        return sum(fnp.sum(values[i] * fnp.asarray(w, dtype=values[i].dtype))
                   for i, w in zip(self.outputs, self.weights))

    def inputs(self, k: int = 0, dtypes=None) -> list:
        """Input set `k` as Arrays (float64, or the dtypes given per input)."""
        dtypes = dtypes or [np.float64] * len(self.shapes)
        return [fnp.asarray(x, dtype=d) for x, d in zip(self.batch[k], dtypes)]

    def stacked(self) -> list:
        """The input sets stacked along a leading batch axis."""
        return [fnp.asarray(np.stack(xs)) for xs in zip(*self.batch)]

    def __repr__(self):
        lines = [f"v{i}: input of shape {s}" for i, s in enumerate(self.shapes)]
        n = len(self.shapes)
        for step in self.steps:
            names = ", ".join(f"v{n + j}" for j in range(step.results))
            params = ", ".join(f"{key}={_show(v)}" for key, v in step.params.items())
            lines.append(f"{names} = {step.op}({', '.join(f'v{i}' for i in step.args)}, {params})")
            n += step.results
        lines.append("loss = " + " + ".join(f"sum(v{i} * w{j})" for j, i in enumerate(self.outputs)))
        return "RandomProgram:\n  " + "\n  ".join(lines)


def _show(v):
    if isinstance(v, np.ndarray):
        return f"np.array({np.round(v, 3).tolist()})"
    if isinstance(v, tuple):
        return "(" + ", ".join(map(_show, v)) + ("," if len(v) == 1 else "") + ")"
    return repr(v)


# drawing --------------------------------------------------------------------------------------
@st.composite
def _shapes(draw):
    """1 to 3 input shapes, mostly broadcasting against a common one."""
    dims = st.lists(st.integers(1, 4), max_size=3)
    base = draw(dims)
    shapes = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["same", "suffix", "ones", "free"]))
        if kind == "suffix":
            shape = base[draw(st.integers(0, len(base))):]
        elif kind == "ones":
            shape = [n if draw(st.booleans()) else 1 for n in base]
        else:
            shape = draw(dims) if kind == "free" else base
        shapes.append(tuple(shape))
    return shapes


def _results(out) -> list[np.ndarray]:
    return [np.asarray(o) for o in (out if isinstance(out, tuple) else (out,))]


def _acceptable(values: list[np.ndarray]) -> bool:
    return all(0 < v.size <= MAX_SIZE and v.ndim <= MAX_NDIM and np.all(np.isfinite(v)) and np.max(np.abs(v)) <= BOUND
               for v in values)


def _draw_step(draw, values: list) -> tuple[Step, list] | None:
    """One step on `values` (each a list over the input sets) and its results, or None."""
    name = draw(st.sampled_from(_MENU))
    op = OPS[name]
    args = (len(values) - 1 - draw(st.integers(0, len(values) - 1)),)  # shrinks towards the newest value
    if op.partner is not None:
        shape = values[args[0]][0].shape
        partners = [j for j in range(len(values)) if op.partner(shape, values[j][0].shape)]
        if not partners:
            return None
        args += (draw(st.sampled_from(partners[::-1])),)
    params = op.draw(draw, [values[i] for i in args])
    if params is None:
        return None
    results = [_results(op.apply(*[fnp.asarray(values[i][k]) for i in args], **params)) for k in range(BATCH)]
    if not all(_acceptable(r) for r in results):
        return None
    return Step(name, args, params, len(results[0])), [list(r) for r in zip(*results)]


@st.composite
def programs(draw, min_steps: int = 3, max_steps: int = 14) -> RandomProgram:
    """Random programs of `min_steps` to `max_steps` steps (some drawn steps may not apply: see the module docstring)."""
    shapes = draw(_shapes())
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    batch = [[rng.uniform(-2, 2, s) for s in shapes] for _ in range(BATCH)]
    values = [[x[i] for x in batch] for i in range(len(shapes))]
    steps = []
    for _ in range(draw(st.integers(min_steps, max_steps))):
        drawn = _draw_step(draw, values)
        if drawn is not None:
            steps.append(drawn[0])
            values.extend(drawn[1])
    used = {i for step in steps for i in step.args}
    outputs = [i for i in range(len(values)) if i not in used]
    weights = [np.round(rng.uniform(-1, 1, values[i][0].shape), 2) for i in outputs]
    return RandomProgram(shapes, steps, outputs, weights, batch)
