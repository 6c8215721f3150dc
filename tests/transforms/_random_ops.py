"""The operations random programs are drawn from (see _random_programs.py): elementwise
functions, broadcasting binary functions, reductions, shape changes, indexing, linear algebra.

Each is an `Op`: `apply(*arrays, **params)` computes it with fluxion.numpy and
fluxion.scipy.special; `draw(draw, values)` chooses its params from the values its operands take
in every situation the program will be run in (`values[i][k]`: operand i in situation k), so that
the operation is smooth there. Kinks (abs, maximum, where, ties of sort and max) stay at least
MARGIN away, logarithms and square roots see values of at least 0.5, matrices are diagonally
dominant or positive definite by construction; `draw` returns None where the operation does not
apply to its operands.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np
from hypothesis import strategies as st

import fluxion.numpy as fnp
import fluxion.scipy.special as fsp

MARGIN = 1e-2  # least distance of a value from a kink
BOUND = 1e3  # largest magnitude of a value
MAX_SIZE = 48
MAX_NDIM = 4


# constants that keep a step smooth ------------------------------------------------------------
def away(values, target: float = 0.0, kinks=(0.0,)) -> float:
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


def _untie(draw, values, axis, separated: Callable) -> tuple[bool, np.ndarray | None]:
    """Constant offsets (None: none needed) that make `separated(rows)` hold for `values` sorted
    within their groups over `axis`, and whether any scale tried does."""
    noise = np.round(np.random.default_rng(draw(st.integers(0, 99))).uniform(size=values[0].shape), 2)
    for scale in (0.0, 0.05, 0.3):
        if all(separated(np.sort(_groups(x + scale * noise, axis), axis=1)) for x in values):
            return True, scale * noise if scale else None
    return False, None


def _top_gap(rows):
    return rows.shape[1] < 2 or np.min(rows[:, -1] - rows[:, -2]) >= MARGIN


def _bottom_gap(rows):
    return rows.shape[1] < 2 or np.min(rows[:, 1] - rows[:, 0]) >= MARGIN


def _all_gaps(rows):
    return rows.shape[1] < 2 or np.min(np.diff(rows, axis=1)) >= MARGIN


def _jittered(x, jitter):
    """x plus the constant offsets `_untie` chose (in x's dtype)."""
    return x if jitter is None else x + fnp.asarray(jitter, dtype=x.dtype)


def _differences(values_a, values_b):
    return [a - b for a, b in zip(values_a, values_b)]


def _draw_axis(draw, ndim: int, many: bool = True):
    """None, an axis (maybe negative) or, with `many`, a tuple of distinct axes."""
    if ndim == 0:
        return None
    kinds = ["none", "one", "tuple"] if many else ["none", "one"]
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return None
    if kind == "one":
        return draw(st.integers(-ndim, ndim - 1))
    axes = draw(st.permutations(range(ndim)))[:draw(st.integers(0, ndim))]
    return tuple(a - ndim if draw(st.booleans()) else a for a in axes)  # in any order, some negative


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
        return {"fn": fn, "shift": -away(xs, kinks=KINKED[fn][1])}
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
        return {"fn": fn, "shift": away(values[which])}
    if how == "tie":  # the kink is at a == b + s
        return {"fn": fn, "shift": away(_differences(*values))}
    return {"fn": fn, "shift": 0.0}


def broadcastable(sa, sb) -> bool:
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
    return REDUCTIONS[fn](_jittered(x, jitter), axis=axis, keepdims=keepdims)


def _draw_reduce(draw, values):
    (xs,) = values
    fn = draw(st.sampled_from(sorted(REDUCTIONS)))
    axis = _draw_axis(draw, xs[0].ndim)
    if fn == "norm" and isinstance(axis, tuple) and len(axis) not in (1, 2):  # vector or matrix norms only
        axis = None
    ok, jitter = _untie(draw, xs, axis, _top_gap if fn == "max" else _bottom_gap) if fn in ("max", "min") else (
        True, None)
    if not ok or "norm" in fn and min(np.min(np.linalg.norm(_groups(x, axis), axis=1)) for x in xs) < 10 * MARGIN:
        return None  # a tie for the extreme value, or the norm's kink at zero
    return {"fn": fn, "axis": axis, "keepdims": draw(st.booleans()), "jitter": jitter}


def softmax(x, fn, axis):
    return (fsp.softmax if fn == "softmax" else fsp.log_softmax)(x, axis=axis)


def _draw_softmax(draw, values):
    return {"fn": draw(st.sampled_from(["softmax", "log_softmax"])), "axis": _draw_axis(draw, values[0][0].ndim, False)}


# shapes ---------------------------------------------------------------------------------------
def reshape(x, shape):
    return fnp.reshape(x, shape)


def _draw_reshape(draw, values):
    dims = [1] * draw(st.integers(0, 1))
    for p in draw(st.permutations(_prime_factors(values[0][0].size))):
        if dims and draw(st.booleans()):
            dims[-1] *= p
        else:
            dims.append(p)
    if len(dims) > MAX_NDIM:
        return None
    if dims and draw(st.booleans()):
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return {"shape": tuple(dims)}


def _prime_factors(n: int) -> list[int]:
    factors, p = [], 2
    while n > 1:
        while n % p == 0:
            factors.append(p)
            n //= p
        p += 1
    return factors


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
    axis = _draw_axis(draw, ndim, many=form == "flip")
    return {"form": form, "axis": axis, "shift": draw(st.integers(-3, 3))}


def cumulative(x, fn, axis):
    return (fnp.cumsum if fn == "cumsum" else fnp.cumprod)(x, axis=axis)


def _draw_cumulative(draw, values):
    return {"fn": draw(st.sampled_from(["cumsum", "cumprod"])), "axis": _draw_axis(draw, values[0][0].ndim, many=False)}


def restructure(x, form, arg, axis):
    """tile, repeat, pad, triu / tril, diagonal, trace or diff of `x`."""
    if form == "tile":
        return fnp.tile(x, arg)
    if form == "repeat":
        return fnp.repeat(x, arg, axis=axis)
    if form == "pad":
        return fnp.pad(x, 1, mode=arg)
    if form == "triu":
        return fnp.triu(x, k=arg)
    if form == "tril":
        return fnp.tril(x, k=arg)
    if form == "diagonal":
        return fnp.diagonal(x, offset=arg, axis1=axis[0], axis2=axis[1])
    if form == "trace":
        return fnp.trace(x, offset=arg, axis1=axis[0], axis2=axis[1])
    return fnp.diff(x, n=arg, axis=axis)


def _draw_restructure(draw, values):
    x = values[0][0]
    forms = ["tile", "repeat"] + (["pad", "diff"] if x.ndim else []) + (
        ["triu", "tril", "diagonal", "trace"] if x.ndim >= 2 else [])
    form = draw(st.sampled_from(forms))
    arg, axis = None, None
    if form == "tile":
        arg = tuple(draw(st.lists(st.integers(1, 2), min_size=1, max_size=2)))
    elif form == "repeat":
        arg, axis = draw(st.integers(1, 2)), _draw_axis(draw, x.ndim, many=False)
    elif form == "pad":
        arg = draw(st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap"]))
    elif form == "diff":
        axis = draw(st.integers(-x.ndim, x.ndim - 1))
        arg = draw(st.integers(1, max(1, x.shape[axis] - 1)))
    else:
        arg = draw(st.integers(-1, 1))
        if form in ("diagonal", "trace"):
            axis = tuple(draw(st.permutations(range(x.ndim)))[:2])
    return {"form": form, "arg": arg, "axis": axis}  # (results too large or empty are dropped when drawn)


def broadcast(x, lead):
    return fnp.broadcast_to(x, (lead, *x.shape))


def _draw_broadcast(draw, values):
    return {"lead": draw(st.integers(1, 3))}


def index(x, key):
    return x[key]


def _draw_index(draw, values):
    key = _draw_key(draw, values[0][0].shape)
    return None if key is None else {"key": key}


def _draw_key(draw, shape):
    """An index of `shape` (ints, slices, constant int arrays, None, Ellipsis) whose result is
    not empty, or None."""
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
    return key if 0 < out.size <= MAX_SIZE and out.ndim <= MAX_NDIM else None


def _fill(x, shape):
    """An array of `shape` filled with `x`'s elements (repeated as needed)."""
    size = math.prod(shape)
    return fnp.reshape(fnp.tile(fnp.reshape(x, (-1,)), size)[:size], shape)


def update(x, y, form, key, shape):
    """x with x[key] set to, increased by or multiplied by y's elements (filled into `shape`,
    the shape of x[key]); or x + y by `+=`."""
    value = _fill(y, shape).astype(x.dtype)  # (`+=` keeps x's dtype: it refuses a wider y)
    if form == "setitem":
        out = fnp.copy(x)
        out[key] = value  # a functional update: `out` becomes a new value
        return out
    if form == "iadd":
        out = fnp.copy(x)  # `+=` changes the object itself, which x's other uses must not see
        out += _fill(y, x.shape).astype(x.dtype)
        return out
    return getattr(x.at[key], form)(value)


def _draw_update(draw, values):
    shape = values[0][0].shape
    key = _draw_key(draw, shape)
    if key is None:
        return None
    form = draw(st.sampled_from(["set", "setitem", "add", "mul", "iadd"]))
    positions = np.arange(math.prod(shape)).reshape(shape)[key]
    if form in ("set", "setitem") and len(np.unique(positions)) < positions.size:
        return None  # which of the repeated positions' values wins is unspecified
    return {"form": form, "key": key, "shape": positions.shape}


def take(x, indices, axis):
    return fnp.take(x, indices, axis=axis)


def _draw_take(draw, values):
    x = values[0][0]
    axis = _draw_axis(draw, x.ndim, many=False)
    n = x.size if axis is None else x.shape[axis]
    shape = draw(st.sampled_from([(), (2,), (3,), (2, 2)]))
    indices = np.asarray(draw(st.lists(st.integers(0, n - 1), min_size=math.prod(shape),
                                       max_size=math.prod(shape)))).reshape(shape)
    return {"indices": indices, "axis": axis}


def sort(x, axis, jitter):
    return fnp.sort(_jittered(x, jitter), axis=axis)


def _draw_sort(draw, values):
    (xs,) = values
    if xs[0].ndim == 0:
        return None
    axis = draw(st.integers(-xs[0].ndim, xs[0].ndim - 1))
    ok, jitter = _untie(draw, xs, axis, _all_gaps)
    return {"axis": axis, "jitter": jitter} if ok else None


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
        np.matmul(np.zeros(sa), np.zeros(sb))
    except ValueError:
        return False
    return True


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
    sizes = {}

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
    return {"spec": f"{left},{right}->{out}"}


def _dominant(x, n: int):
    """A strictly diagonally dominant matrix made from `x`: well conditioned for any values."""
    return 2.0 * fnp.eye(n, dtype=x.dtype) + (0.5 / n) * fnp.tanh(_fill(x, (n, n)))


def solve(a, b, n, cols):
    return fnp.linalg.solve(_dominant(a, n), _fill(b, (n,) if cols is None else (n, cols)))


def _draw_solve(draw, values):
    return {"n": draw(st.integers(1, 3)), "cols": draw(st.sampled_from([None, 1, 2]))}


def factor(x, form, n):
    if form == "cholesky":
        m = fnp.tanh(_fill(x, (n, n)))
        return fnp.linalg.cholesky(m @ m.T + fnp.eye(n, dtype=x.dtype))
    if form == "det":
        return fnp.linalg.det(_dominant(x, n))
    return fnp.linalg.inv(_dominant(x, n))


def _draw_factor(draw, values):
    return {"form": draw(st.sampled_from(["cholesky", "det", "inv"])), "n": draw(st.integers(1, 3))}


def spectral(x, form, n):
    """Functions of a well-conditioned matrix made from `x` that do not depend on the signs
    the factorizations choose for their vectors."""
    a = _dominant(x, n)
    if form == "eigh":
        w, v = fnp.linalg.eigh(a + a.T)
        return w, v * v
    if form == "svdvals":
        return fnp.linalg.svdvals(a)
    if form == "slogdet":
        return fnp.linalg.slogdet(a)[1]
    q, r = fnp.linalg.qr(a)
    return q * fnp.sign(fnp.diagonal(r)), r * fnp.sign(fnp.diagonal(r))[:, None]


def _draw_spectral(draw, values):
    form, n = draw(st.sampled_from(["eigh", "svdvals", "slogdet", "qr"])), draw(st.integers(1, 3))
    if form in ("eigh", "svdvals"):  # distinct eigenvalues and singular values keep them smooth
        for x in values[0]:
            a = np.asarray(_dominant(fnp.asarray(x), n))
            s = np.linalg.eigvalsh(a + a.T) if form == "eigh" else np.linalg.svd(a, compute_uv=False)
            if n > 1 and np.min(np.abs(np.diff(np.sort(s)))) < 10 * MARGIN:
                return None
    return {"form": form, "n": n}


# the menu -------------------------------------------------------------------------------------
class Op(NamedTuple):
    """`apply(*arrays, **params)` gives an array or a tuple of them; `draw(draw, values)` gives
    params, or None where the operation does not apply; binary operations have
    `partner(shape_a, shape_b)`: whether b may be the second operand."""
    apply: Callable
    draw: Callable
    partner: Callable | None = None


def anything(sa, sb) -> bool:
    return True


OPS = {
    "unary": Op(unary, _draw_unary),
    "binary": Op(binary, _draw_binary, broadcastable),
    "reduce": Op(reduce, _draw_reduce),
    "softmax": Op(softmax, _draw_softmax),
    "reshape": Op(reshape, _draw_reshape),
    "transpose": Op(transpose, _draw_transpose),
    "expand_squeeze": Op(expand_squeeze, _draw_expand_squeeze),
    "reorder": Op(reorder, _draw_reorder),
    "cumulative": Op(cumulative, _draw_cumulative),
    "broadcast": Op(broadcast, _draw_broadcast),
    "restructure": Op(restructure, _draw_restructure),
    "index": Op(index, _draw_index),
    "update": Op(update, _draw_update, anything),
    "take": Op(take, _draw_take),
    "sort": Op(sort, _draw_sort),
    "concatenate": Op(concatenate, _draw_concatenate, _joinable),
    "matmul": Op(matmul, _draw_matmul, _matmul_ok),
    "gram": Op(gram, _draw_gram),
    "einsum": Op(einsum, _draw_einsum, lambda sa, sb: len(sa) + len(sb) <= 5),
    "solve": Op(solve, _draw_solve, anything),
    "factor": Op(factor, _draw_factor),
    "spectral": Op(spectral, _draw_spectral),
}


