"""The operations random programs are drawn from, each written once over a namespace `m`
(`m.np`, `m.sp`, `m.nn`, `m.la` are fluxion's or jax's numpy, scipy.special, nn and linalg).

`OPS` maps a name to `(arity, make, apply)`: `make(rng, operands)` sees each operand's concrete
values in every input set (a list of NumPy arrays per operand) and returns the step's constants,
or None where the operands do not fit (shape, or a value near a kink, pole or domain edge);
`apply(m, *args, **params)` computes the step. Margins keep every input set well inside the
smooth region, so derivatives are unique and jax and fluxion must agree on them.
"""
from __future__ import annotations

import numpy as np

GAP = 0.05  # distance kept from kinks and ties


def _all(vals, pred):
    return all(bool(np.all(pred(v))) for v in vals)


def _unary(fn, pred=None):
    make = lambda rng, a: {} if pred is None or _all(a, pred) else None
    return 1, make, lambda m, x: fn(m, x)


def _broadcast(a, b):
    try:
        return np.broadcast_shapes(a[0].shape, b[0].shape)
    except ValueError:
        return None


def _binary(fn, pred=None):
    def make(rng, a, b):
        if _broadcast(a, b) is None:
            return None
        return {} if pred is None or all(bool(np.all(pred(x, y))) for x, y in zip(a, b)) else None
    return 2, make, lambda m, x, y: fn(m, x, y)


def _axis(rng, ndim, multi=True):
    if ndim == 0:
        return None
    r = rng.integers(4)
    if r == 0 or (r == 1 and not multi):
        return int(rng.integers(-ndim, ndim))
    if r == 1 and ndim >= 2:
        return tuple(sorted(rng.choice(ndim, 2, replace=False).tolist()))
    return None if r == 2 else int(rng.integers(ndim))


def _reduce(fn, gap=None, positive=False, spread=False):
    """`fn(m, x, axis, keepdims)`; with `gap`, the two largest and two smallest entries along the
    axis must differ by it (max, min, sort)."""
    def make(rng, a):
        x = a[0]
        if x.ndim == 0 or (positive and not _all(a, lambda v: v > 0.1)):
            return None
        axis = _axis(rng, x.ndim)
        if gap is not None and not _all(a, lambda v: _separated(v, axis)):
            return None
        if spread and not _all(a, lambda v: _size(v, axis) == 1 or np.all(np.var(v, axis=axis, ddof=1) > 0.01)):
            return None
        return {"axis": axis, "keepdims": bool(rng.integers(2))}
    return 1, make, lambda m, x, axis, keepdims: fn(m, x, axis, keepdims)


def _separated(v, axis):
    if axis is None:
        axis = tuple(range(v.ndim))
    axes = (axis,) if isinstance(axis, int) else axis
    n = _size(v, axes)
    v = np.moveaxis(v, axes, tuple(range(-len(axes), 0))).reshape(-1, n)
    return n < 2 or np.min(np.diff(np.sort(v, axis=-1), axis=-1)) > GAP


def _axis1(rng, ndim):
    return int(rng.integers(-ndim, ndim))


# elementwise ------------------------------------------------------------------------------
UNARY = {
    "sin": (lambda m, x: m.np.sin(x), None), "cos": (lambda m, x: m.np.cos(x), None),
    "tanh": (lambda m, x: m.np.tanh(x), None), "arctan": (lambda m, x: m.np.arctan(x), None),
    "sinh": (lambda m, x: m.np.sinh(x), lambda v: abs(v) < 3), "cosh": (lambda m, x: m.np.cosh(x), lambda v: abs(v) < 3),
    "exp": (lambda m, x: m.np.exp(x), lambda v: v < 3), "expm1": (lambda m, x: m.np.expm1(x), lambda v: v < 3),
    "exp2": (lambda m, x: m.np.exp2(x), lambda v: v < 3),
    "log": (lambda m, x: m.np.log(x), lambda v: v > 0.2), "log2": (lambda m, x: m.np.log2(x), lambda v: v > 0.2),
    "log10": (lambda m, x: m.np.log10(x), lambda v: v > 0.2), "log1p": (lambda m, x: m.np.log1p(x), lambda v: v > -0.7),
    "sqrt": (lambda m, x: m.np.sqrt(x), lambda v: v > 0.1), "cbrt": (lambda m, x: m.np.cbrt(x), lambda v: abs(v) > 0.1),
    "square": (lambda m, x: m.np.square(x), None), "abs": (lambda m, x: m.np.abs(x), lambda v: abs(v) > GAP),
    "sinc": (lambda m, x: m.np.sinc(x), None), "reciprocal": (lambda m, x: m.np.reciprocal(x), lambda v: abs(v) > 0.2),
    "arcsinh": (lambda m, x: m.np.arcsinh(x), None), "arctanh": (lambda m, x: m.np.arctanh(x), lambda v: abs(v) < 0.8),
    "arcsin": (lambda m, x: m.np.arcsin(x), lambda v: abs(v) < 0.8), "arccos": (lambda m, x: m.np.arccos(x), lambda v: abs(v) < 0.8),
    "arccosh": (lambda m, x: m.np.arccosh(x), lambda v: v > 1.1), "tan": (lambda m, x: m.np.tan(x), lambda v: abs(v) < 1.2),
    "pow_int": (lambda m, x: x ** 3, None), "pow_half": (lambda m, x: m.np.power(x, 1.5), lambda v: v > 0.1),
    "neg_div": (lambda m, x: 1.5 / (x * x + 0.5) - x, None), "deg2rad": (lambda m, x: m.np.deg2rad(x), None),
    "erf": (lambda m, x: m.sp.erf(x), None), "erfc": (lambda m, x: m.sp.erfc(x), None),
    "erfinv": (lambda m, x: m.sp.erfinv(x), lambda v: abs(v) < 0.8),
    "gammaln": (lambda m, x: m.sp.gammaln(x), lambda v: v > 0.2), "digamma": (lambda m, x: m.sp.digamma(x), lambda v: v > 0.2),
    "logit": (lambda m, x: m.sp.logit(x), lambda v: (v > 0.05) & (v < 0.95)), "expit": (lambda m, x: m.sp.expit(x), None),
    "i0e": (lambda m, x: m.sp.i0e(x), lambda v: abs(v) > GAP), "i1e": (lambda m, x: m.sp.i1e(x), lambda v: abs(v) > GAP),
    "i0": (lambda m, x: m.sp.i0(x), None), "ndtr": (lambda m, x: m.sp.ndtr(x), None),
    "log_ndtr": (lambda m, x: m.sp.log_ndtr(x), None), "ndtri": (lambda m, x: m.sp.ndtri(x), lambda v: (v > 0.05) & (v < 0.95)),
    "entr": (lambda m, x: m.sp.entr(x), lambda v: v > 0.1), "polygamma1": (lambda m, x: m.sp.polygamma(1, x), lambda v: v > 0.2),
    "softplus": (lambda m, x: m.nn.softplus(x), None), "sigmoid": (lambda m, x: m.nn.sigmoid(x), None),
    "gelu": (lambda m, x: m.nn.gelu(x, approximate=False), None), "gelu_tanh": (lambda m, x: m.nn.gelu(x, approximate=True), None),
    "silu": (lambda m, x: m.nn.silu(x), None), "elu": (lambda m, x: m.nn.elu(x), lambda v: abs(v) > GAP),
    "celu": (lambda m, x: m.nn.celu(x, 0.7), lambda v: abs(v) > GAP), "selu": (lambda m, x: m.nn.selu(x), lambda v: abs(v) > GAP),
    "relu": (lambda m, x: m.nn.relu(x), lambda v: abs(v) > GAP), "leaky_relu": (lambda m, x: m.nn.leaky_relu(x, 0.1), lambda v: abs(v) > GAP),
    "log_sigmoid": (lambda m, x: m.nn.log_sigmoid(x), None), "mish": (lambda m, x: m.nn.mish(x), None),
    "soft_sign": (lambda m, x: m.nn.soft_sign(x), lambda v: abs(v) > GAP), "squareplus": (lambda m, x: m.nn.squareplus(x), None),
    "sparse_plus": (lambda m, x: m.nn.sparse_plus(x), lambda v: abs(abs(v) - 1) > GAP),
}

BINARY = {
    "add": (lambda m, x, y: x + y, None), "sub": (lambda m, x, y: m.np.subtract(x, y), None),
    "mul": (lambda m, x, y: x * y, None), "div": (lambda m, x, y: x / y, lambda x, y: abs(y) > 0.2),
    "power": (lambda m, x, y: m.np.power(x, y), lambda x, y: (x > 0.2) & (abs(y) < 3)),
    "arctan2": (lambda m, x, y: m.np.arctan2(x, y), lambda x, y: (x * x + y * y > 0.05) & ((abs(x) > GAP) | (y > 0))),
    "hypot": (lambda m, x, y: m.np.hypot(x, y), lambda x, y: x * x + y * y > 0.05),
    "logaddexp": (lambda m, x, y: m.np.logaddexp(x, y), None), "logaddexp2": (lambda m, x, y: m.np.logaddexp2(x, y), None),
    "maximum": (lambda m, x, y: m.np.maximum(x, y), lambda x, y: abs(x - y) > GAP),
    "minimum": (lambda m, x, y: m.np.minimum(x, y), lambda x, y: abs(x - y) > GAP),
    "fmax": (lambda m, x, y: m.np.fmax(x, y), lambda x, y: abs(x - y) > GAP),
    "where": (lambda m, x, y: m.np.where(x > y, x * y, x - y), lambda x, y: abs(x - y) > GAP),
    "xlogy": (lambda m, x, y: m.sp.xlogy(x, y), lambda x, y: y > 0.2), "xlog1py": (lambda m, x, y: m.sp.xlog1py(x, y), lambda x, y: y > -0.7),
    "betaln": (lambda m, x, y: m.sp.betaln(x, y), lambda x, y: (x > 0.2) & (y > 0.2)),
    "copysign_mag": (lambda m, x, y: m.np.copysign(x, y), lambda x, y: abs(y) > GAP),
    "kl_div": (lambda m, x, y: m.sp.rel_entr(x, y), lambda x, y: (x > 0.1) & (y > 0.1)),
}

OPS = {}
OPS.update({k: _unary(f, p) for k, (f, p) in UNARY.items()})
OPS.update({k: _binary(f, p) for k, (f, p) in BINARY.items()})
OPS["clip"] = (1, lambda rng, a: (lambda lo, hi: {"lo": lo, "hi": hi} if _all(a, lambda v: (abs(v - lo) > GAP) & (abs(v - hi) > GAP)) else None)(*sorted(rng.uniform(-1, 1.5, 2).round(3).tolist())),
               lambda m, x, lo, hi: m.np.clip(x, lo, hi))

# reductions -------------------------------------------------------------------------------
OPS.update({
    "sum": _reduce(lambda m, x, a, k: m.np.sum(x, axis=a, keepdims=k)),
    "mean": _reduce(lambda m, x, a, k: m.np.mean(x, axis=a, keepdims=k)),
    "prod": _reduce(lambda m, x, a, k: m.np.prod(x, axis=a, keepdims=k)),
    "max": _reduce(lambda m, x, a, k: m.np.max(x, axis=a, keepdims=k), gap=True),
    "min": _reduce(lambda m, x, a, k: m.np.min(x, axis=a, keepdims=k), gap=True),
    "var": _reduce(lambda m, x, a, k: m.np.var(x, axis=a, keepdims=k)),
    "std": _reduce(lambda m, x, a, k: m.np.std(x, axis=a, keepdims=k, ddof=1) if _size(x, a) > 1 else m.np.sum(x, axis=a, keepdims=k), spread=True),
    "logsumexp": _reduce(lambda m, x, a, k: m.sp.logsumexp(x, axis=a, keepdims=k)),
    "norm": _reduce(lambda m, x, a, k: m.np.linalg.norm(x, axis=a if isinstance(a, int) else None, keepdims=k), positive=True),
    "norm1": _reduce(lambda m, x, a, k: m.np.linalg.norm(x, ord=1, axis=a if isinstance(a, int) else -1, keepdims=k), positive=True),
})


def _size(x, axis):
    axes = range(x.ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
    return int(np.prod([x.shape[a] for a in axes]))


def _along(fn, gap=False, ndim=1):
    """An operation along one axis, `fn(m, x, axis)`."""
    def make(rng, a):
        if a[0].ndim < ndim:
            return None
        axis = _axis1(rng, a[0].ndim)
        if gap and not _all(a, lambda v: _separated(v, axis)):
            return None
        return {"axis": axis}
    return 1, make, lambda m, x, axis: fn(m, x, axis)


OPS.update({
    "cumsum": _along(lambda m, x, a: m.np.cumsum(x, axis=a)),
    "cumprod": _along(lambda m, x, a: m.np.cumprod(x, axis=a)),
    "sort": _along(lambda m, x, a: m.np.sort(x, axis=a), gap=True),
    "flip": _along(lambda m, x, a: m.np.flip(x, axis=a)),
    "roll": _along(lambda m, x, a: m.np.roll(x, 2, axis=a)),
    "diff": _along(lambda m, x, a: m.np.diff(x, axis=a) if x.shape[a] > 1 else x),
    "softmax": _along(lambda m, x, a: m.nn.softmax(x, axis=a)),
    "log_softmax": _along(lambda m, x, a: m.nn.log_softmax(x, axis=a)),
    "repeat": _along(lambda m, x, a: m.np.repeat(x, 2, axis=a)),
    "take": _along(lambda m, x, a: m.np.take(x, m.np.asarray([0, x.shape[a] - 1, 0]), axis=a)),
    "take_along": _along(lambda m, x, a: m.np.take_along_axis(x, m.np.argsort(m.np.cos(7.0 * m.np.arange(x.size).reshape(x.shape)), axis=a), axis=a)),
    "expand_dims": _along(lambda m, x, a: m.np.expand_dims(x, a), ndim=0),
    "cumsum_rev": _along(lambda m, x, a: m.np.flip(m.np.cumsum(m.np.flip(x, a), axis=a), a)),
    "pad": _along(lambda m, x, a: m.np.pad(x, [(1, 2) if i == a % x.ndim else (0, 0) for i in range(x.ndim)])),
    "pad_edge": _along(lambda m, x, a: m.np.pad(x, [(1, 0) if i == a % x.ndim else (0, 0) for i in range(x.ndim)], mode="edge")),
    "pad_reflect": _along(lambda m, x, a: m.np.pad(x, [(1, 1) if i == a % x.ndim else (0, 0) for i in range(x.ndim)], mode="reflect") if x.shape[a] > 1 else x),
})


# shapes and indexing ----------------------------------------------------------------------
def _shape_op(fn, ok=lambda x: True, choose=lambda rng, x: {}):
    def make(rng, a):
        return choose(rng, a[0]) if ok(a[0]) else None
    return 1, make, fn


def _reshape_target(rng, x):
    n = x.size
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    d = int(rng.choice(divisors))
    return {"shape": [(n,), (d, n // d), (n // d, 1, d), (-1, d)][rng.integers(4)]}


def _index(rng, x):
    """A NumPy index for `x`: slices, ints, None, ellipsis or an integer array (basic and advanced)."""
    parts = []
    for n in x.shape[: rng.integers(1, x.ndim + 1)]:
        r = rng.integers(5)
        parts.append(int(rng.integers(-n, n)) if r == 0 else slice(None, None, -1) if r == 1 else
                     slice(1, None, 2) if r == 2 and n > 1 else [int(i) for i in rng.integers(0, n, 3)] if r == 3 else slice(None))
    if rng.integers(3) == 0:
        parts.insert(int(rng.integers(len(parts) + 1)), None)
    return {"index": tuple(parts)}


def _as_index(m, index):
    return tuple(m.np.asarray(p) if isinstance(p, list) else p for p in index)


def _perm(rng, x):
    return {"axes": tuple(rng.permutation(x.ndim).tolist())}


def _update(rng, x):
    return {**_index(rng, x), "kind": ["set", "add", "mul"][rng.integers(3)]}


def _apply_update(m, x, index, kind):
    ref = getattr(x.at[_as_index(m, index)], kind)
    if kind != "add":  # duplicate indices make `set` order-dependent; jax has no rule for `mul` with them
        index = tuple(sorted(set(p)) if isinstance(p, list) else p for p in index)
        ref = x.at[_as_index(m, index)].set
    return ref(m.np.sin(x[_as_index(m, index)]) * 2.0)


OPS.update({
    "reshape": _shape_op(lambda m, x, shape: m.np.reshape(x, shape), lambda x: x.ndim > 0, _reshape_target),
    "transpose": _shape_op(lambda m, x, axes: m.np.transpose(x, axes), lambda x: x.ndim > 1, _perm),
    "moveaxis": _shape_op(lambda m, x, src, dst: m.np.moveaxis(x, src, dst), lambda x: x.ndim > 1,
                          lambda rng, x: {"src": int(rng.integers(x.ndim)), "dst": int(rng.integers(-x.ndim, x.ndim))}),
    "swapaxes": _shape_op(lambda m, x: m.np.swapaxes(x, 0, -1), lambda x: x.ndim > 1),
    "squeeze": _shape_op(lambda m, x: m.np.squeeze(x), lambda x: 1 in x.shape),
    "tile": _shape_op(lambda m, x, reps: m.np.tile(x, reps), lambda x: x.size <= 12,
                      lambda rng, x: {"reps": [(2,), (2, 1), (1, 2, 1)][rng.integers(3)]}),
    "getitem": _shape_op(lambda m, x, index: x[_as_index(m, index)], lambda x: x.ndim > 0, _index),
    "at_update": _shape_op(_apply_update, lambda x: x.ndim > 0, _update),
    "broadcast_to": _shape_op(lambda m, x: m.np.broadcast_to(x, (2,) + x.shape), lambda x: x.size <= 12),
    "ravel": _shape_op(lambda m, x: m.np.ravel(x)),
    "tril": _shape_op(lambda m, x: m.np.tril(x, -1) + m.np.triu(x) * 0.5, lambda x: x.ndim >= 2),
    "diagonal": _shape_op(lambda m, x: m.np.diagonal(x, axis1=-2, axis2=-1), lambda x: x.ndim >= 2),
    "trace": _shape_op(lambda m, x: m.np.trace(x, axis1=-1, axis2=-2), lambda x: x.ndim >= 2),
    "diag": _shape_op(lambda m, x: m.np.diag(x), lambda x: x.ndim == 1 and x.size <= 6),
    "flip_all": _shape_op(lambda m, x: x[..., ::-1] if x.ndim else x),
    "rot90": _shape_op(lambda m, x: m.np.rot90(x), lambda x: x.ndim >= 2),
})


def _pair(fn, ok):
    def make(rng, a, b):
        return ok(rng, a[0], b[0])
    return 2, make, fn


def _same_but(axis_shift=0):
    def ok(rng, x, y):
        if x.ndim == 0 or x.ndim != y.ndim:
            return None
        axis = int(rng.integers(x.ndim))
        same = all(p == q for i, (p, q) in enumerate(zip(x.shape, y.shape)) if i != axis or axis_shift)
        return {"axis": axis} if same else None
    return ok


def _matmul_ok(rng, x, y):
    if x.ndim == 0 or y.ndim == 0 or x.shape[-1] != y.shape[-2 if y.ndim > 1 else -1]:
        return None
    try:
        np.broadcast_shapes(x.shape[:-2], y.shape[:-2])
    except ValueError:
        return None
    return {}


def _einsum_ok(rng, x, y):
    letters = "abcdefg"
    xs = letters[: x.ndim]
    ys = "".join(xs[k - (y.ndim - x.ndim)] if 0 <= k - (y.ndim - x.ndim) < x.ndim and y.shape[k] == x.shape[k - (y.ndim - x.ndim)]
                 and rng.integers(2) else letters[x.ndim + k] for k in range(y.ndim))
    used = sorted(set(xs + ys))
    out = "".join(c for c in used if rng.integers(2))
    return {"spec": f"{xs},{ys}->{out}"}


OPS.update({
    "concatenate": _pair(lambda m, x, y, axis: m.np.concatenate([x, y], axis=axis), _same_but()),
    "stack": _pair(lambda m, x, y, axis: m.np.stack([x, y], axis=axis),
                   lambda rng, x, y: {"axis": int(rng.integers(-x.ndim - 1, x.ndim + 1))} if x.shape == y.shape else None),
    "matmul": _pair(lambda m, x, y: m.np.matmul(x, y), _matmul_ok),
    "einsum": _pair(lambda m, x, y, spec: m.np.einsum(spec, x, y), lambda rng, x, y: _einsum_ok(rng, x, y) if x.ndim + y.ndim <= 5 else None),
    "tensordot": _pair(lambda m, x, y: m.np.tensordot(x, y, axes=1), lambda rng, x, y: {} if x.ndim and y.ndim and x.shape[-1] == y.shape[0] else None),
    "outer": _pair(lambda m, x, y: m.np.outer(x, y), lambda rng, x, y: {} if x.size * y.size <= 40 else None),
    "dot": _pair(lambda m, x, y: m.np.dot(x, y), lambda rng, x, y: {} if x.ndim == 0 or y.ndim == 0 or (x.shape[-1] == y.shape[-2 if y.ndim > 1 else 0] and x.ndim + y.ndim <= 4) else None),
    "vdot": _pair(lambda m, x, y: m.np.vdot(x, y), lambda rng, x, y: {} if x.size == y.size else None),
    "kron": _pair(lambda m, x, y: m.np.kron(x, y), lambda rng, x, y: {} if x.ndim == y.ndim == 2 and x.size * y.size <= 40 else None),
    "cross": _pair(lambda m, x, y: m.np.cross(x, y), lambda rng, x, y: {} if x.ndim and x.shape[-1] == 3 == y.shape[-1] and _broadcast([x], [y]) else None),
    "take_along_other": (2, lambda rng, a, b: {} if a[0].ndim and a[0].shape == b[0].shape and _all(b, lambda v: _separated(v, -1)) else None,
                         lambda m, x, y: m.np.take_along_axis(x, m.np.argsort(y, axis=-1), axis=-1)),
})


# linear algebra on well-conditioned matrices made from a value --------------------------
def _square(x):
    return x.ndim >= 2 and x.shape[-1] == x.shape[-2] and x.shape[-1] <= 4


def _shift(a):
    """A constant that makes `x + shift * I` strictly diagonally dominant in every input set."""
    return float(np.ceil(max(np.abs(v).sum(-1).max() for v in a))) + 1.0


def _general(m, x, shift):
    return x + shift * m.np.eye(x.shape[-1], dtype=x.dtype)  # jax's default dtype would widen float32


def _spd(m, x):
    return x @ m.np.swapaxes(x, -1, -2) + m.np.eye(x.shape[-1], dtype=x.dtype)


def _sym(m, x):
    return x + m.np.swapaxes(x, -1, -2)


def _eig_gap(v):
    w = np.linalg.eigvalsh(v + np.swapaxes(v, -1, -2))
    return np.min(np.diff(w, axis=-1)) > 0.1


def _sv_gap(v):
    s = np.linalg.svd(v, compute_uv=False)
    return np.min(s) > 0.1 and (s.shape[-1] < 2 or np.min(-np.diff(s, axis=-1)) > 0.1)


def _linalg(fn, kind):
    """`kind`: "general" (made diagonally dominant), "spd", "sym" (distinct eigenvalues) or "tall"
    (full column rank, distinct singular values)."""
    def make(rng, a):
        x = a[0]
        if kind == "tall":
            ok = x.ndim >= 2 and x.shape[-2] >= x.shape[-1] and x.shape[-1] <= 4 and _all(a, _sv_gap)
        else:
            ok = _square(x) and (kind != "sym" or _all(a, _eig_gap))
        return None if not ok else {"shift": _shift(a)} if kind == "general" else {}
    return 1, make, fn


def _solve(m, x, b, shift):
    return m.np.linalg.solve(_general(m, x, shift), b)


def _solve_make(rng, a, b):
    x, y = a[0], b[0]
    if not _square(x) or y.ndim < x.ndim or y.shape[-2] != x.shape[-1] or y.shape[:-2] != x.shape[:-2]:
        return None
    return {"shift": _shift(a)}


def _r_fixed_sign(m, r):
    return r * m.np.sign(m.np.diagonal(r, axis1=-2, axis2=-1))[..., :, None]


OPS.update({
    "solve": (2, _solve_make, _solve),
    "inv": _linalg(lambda m, x, shift: m.np.linalg.inv(_general(m, x, shift)), "general"),
    "det": _linalg(lambda m, x, shift: m.np.linalg.det(_general(m, x, shift)), "general"),
    "slogdet": _linalg(lambda m, x, shift: m.np.linalg.slogdet(_general(m, x, shift))[1], "general"),
    "pinv_square": _linalg(lambda m, x, shift: m.np.linalg.pinv(_general(m, x, shift)), "general"),
    "matrix_power": _linalg(lambda m, x, shift: m.np.linalg.matrix_power(x, 3), "general"),
    "cholesky": _linalg(lambda m, x: m.np.linalg.cholesky(_spd(m, x)), "spd"),
    "logdet_spd": _linalg(lambda m, x: m.np.linalg.slogdet(_spd(m, x))[1], "spd"),
    "eigvalsh": _linalg(lambda m, x: m.np.linalg.eigh(_sym(m, x))[0], "sym"),
    "eigh_vectors": _linalg(lambda m, x: m.np.linalg.eigh(_sym(m, x))[1] ** 2, "sym"),
    "eigh_project": _linalg(lambda m, x: (lambda w, v: (v * m.np.sin(w)[..., None, :]) @ m.np.swapaxes(v, -1, -2))(*m.np.linalg.eigh(_sym(m, x))), "sym"),
    "svdvals": _linalg(lambda m, x: m.np.linalg.svd(x, compute_uv=False), "tall"),
    "svd_u": _linalg(lambda m, x: (lambda u, s, vt: (u * s[..., None, :]) @ vt)(*m.np.linalg.svd(x, full_matrices=False)), "tall"),
    "qr_r": _linalg(lambda m, x: _r_fixed_sign(m, m.np.linalg.qr(x)[1]), "tall"),
    "qr_q": _linalg(lambda m, x: m.np.linalg.qr(x)[0] * m.np.sign(m.np.diagonal(m.np.linalg.qr(x)[1], axis1=-2, axis2=-1))[..., None, :], "tall"),
    "lstsq": _linalg(lambda m, x: m.np.linalg.lstsq(x, m.np.sin(x[:, :1] * 3.0))[0] if x.ndim == 2 else m.np.linalg.pinv(x), "tall"),
    "pinv_tall": _linalg(lambda m, x: m.np.linalg.pinv(x), "tall"),
    "norm_fro": _linalg(lambda m, x: m.np.linalg.norm(x, axis=(-2, -1)), "tall"),
    "norm_nuc": _linalg(lambda m, x: m.np.linalg.norm(x, ord="nuc", axis=(-2, -1)), "tall"),
    "norm_2": _linalg(lambda m, x: m.np.linalg.norm(x, ord=2, axis=(-2, -1)), "tall"),
    "matrix_rank_safe_cond": _linalg(lambda m, x: m.np.linalg.cond(x), "tall"),
})
