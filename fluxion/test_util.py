"""Testing helpers for users and for fluxion's own tests: `check_grads`, and `check_jvp` /
`check_vjp`, which check a given jvp or vjp function against central differences."""
from __future__ import annotations

import functools
from typing import Callable, Sequence

import numpy as np

from .core import dtypes, tree
from .core.array import Array, to_array
from .core.errors import ArgumentTypeError, InvalidArgumentError
from .transforms.autodiff import jvp, vjp

# Step and tolerance by the real dtype of the least precise argument or output. With these steps central
# differences are good to about 1e-4 (float32) and 1e-9 (float64) of the derivative, so the
# tolerances leave a wide margin and still catch a rule that is off by a fraction of a percent.
_EPS = {dtypes.float64: 1e-6, dtypes.float32: 1e-3}
_TOL = {dtypes.float64: 1e-5, dtypes.float32: 2e-3}
_LOW_EPS, _LOW_TOL = 1e-2, 1e-1  # float16 / bfloat16
_MODES = ("fwd", "rev")


def _np(x) -> np.ndarray:
    return np.asarray(x, np.complex128 if np.iscomplexobj(np.asarray(x)) else np.float64)


def _random_like(rng: np.random.Generator, x: Array) -> Array:
    v = rng.standard_normal(x.shape)
    if x.dtype in dtypes.COMPLEX:
        v = v + 1j * rng.standard_normal(x.shape)
    return Array(np.asarray(v).astype(x.dtype))


def _pair(xs, ys) -> complex:
    """sum(x * y) over all leaves. Transposes are plain, not conjugate, transposes, so the real
    part of this pairing is what a vjp preserves: Re <J v, u> = Re <v, J^T u>."""
    return sum(complex(np.sum(_np(x) * _np(y))) for x, y in zip(xs, ys))


def _check_close(op: str, what: str, a, estimates: list, atol: float, rtol: float) -> None:
    """`a` agrees with one of the `estimates` (b, noise) to `atol + rtol * |b|`, plus `noise`
    (elementwise) where `b` is a derivative by central differences."""
    a = _np(a)
    for b, noise in estimates:
        b = _np(b)
        if a.shape == b.shape and np.allclose(a, b, atol=atol + noise, rtol=rtol, equal_nan=True):
            return
    b, noise = _np(estimates[0][0]), estimates[0][1]
    err = np.max(np.abs(a - b)) if a.size and a.shape == b.shape else float("nan")
    raise AssertionError(f"{op}: {what} differ (max abs error {err:.3g}, atol={atol}, rtol={rtol}, rounding "
                         f"error of the differences up to {np.max(noise, initial=0.0):.3g}):\n"
                         f"  got      {a}\n  expected {b}")


def _prepared(op: str, f: Callable, args, atol, rtol, eps) -> tuple[list[Array], object, Callable, float, float,
                                                                    float]:
    """The leaves of the arguments as Arrays, which must be floating, their structure and `f` of
    the leaves (`_flat`); then atol, rtol and the finite-difference step, defaulting by the
    narrowest real dtype of the leaves and of f's floating outputs at them (float64 arguments
    that f computes with in float32 round as float32)."""
    leaves, treedef = tree.flatten(tuple(args))
    leaves = [to_array(x) for x in leaves]
    bad = [x.dtype for x in leaves if x.dtype not in dtypes.FLOATING]
    if bad:
        raise ArgumentTypeError(f"{op} needs floating-point arguments, got {bad}; "
                                "fix: convert them with .astype(float)")
    flat = _flat(op, f, treedef)
    if None not in (atol, rtol, eps):
        return leaves, treedef, flat, atol, rtol, eps
    kinds = [x.dtype for x in leaves] + [o.dtype for o in map(to_array, flat(*leaves)) if o.dtype in dtypes.FLOATING]
    dt = min(map(dtypes.real_dtype, kinds), key=lambda d: d.itemsize, default=dtypes.float64)
    return (leaves, treedef, flat, atol if atol is not None else _TOL.get(dt, _LOW_TOL),
            rtol if rtol is not None else _TOL.get(dt, _LOW_TOL), eps if eps is not None else _EPS.get(dt, _LOW_EPS))


def _flat(op: str, f: Callable, treedef) -> Callable:
    """`f` taking the leaves of its arguments (of structure `treedef`) and giving its outputs' leaves."""
    def flat(*xs):
        out = tree.leaves(f(*tree.unflatten(treedef, xs)))
        if not out:
            raise ArgumentTypeError(f"{op}: the function returned no arrays, so there is no derivative to check; "
                                    "fix: return the array (or pytree of arrays) to differentiate")
        return out
    return flat


def _numeric(g: Callable, xs: list, v: list, eps: float) -> list[tuple[list, list]]:
    """Two estimates of the derivative of `g` (flat arrays in, a list of arrays out) at `xs`
    along `v` by central differences, each with the rounding error of its differences (the
    outputs' last-place error over the step; it matters where an output is large beside its
    derivative, a float32 log-likelihood summed over many points, and is added to the tolerance):
    of second order at step eps, and of fourth order at steps eps and 2 eps, whose truncation
    error stays small also where higher derivatives are large (near a pole, say). A derivative
    passes if it agrees with either (the first reaches only eps, not past a kink nearby)."""
    def at(step):
        return [to_array(o) for o in g(*[x + step * t for x, t in zip(xs, v)])]
    plus, minus, plus2, minus2 = at(eps), at(-eps), at(2 * eps), at(-2 * eps)
    unit = [np.finfo(dtypes.real_dtype(p.dtype)).eps if p.dtype in dtypes.FLOATING else 0.0 for p in plus]
    # (elementwise over the four, not stacked: an output may already have NumPy's most dimensions)
    size = [r * functools.reduce(np.maximum, [np.abs(_np(o)) for o in outs])
            for r, *outs in zip(unit, plus, minus, plus2, minus2)]
    near = [_np(p) - _np(m) for p, m in zip(plus, minus)]
    return [([d / (2 * eps) for d in near], [s / eps for s in size]),
            ([(8 * d - (_np(p2) - _np(m2))) / (12 * eps) for d, p2, m2 in zip(near, plus2, minus2)],
             [1.5 * s / eps for s in size])]


def _direction(rng: np.random.Generator, xs: list, cts: list) -> list[Array]:
    """The direction `v` of the dot-product test: a random one plus conj(J^T u) scaled to the same
    length. Then <v, J^T u> cannot cancel to almost nothing by chance, and a pullback that is off
    by a factor or a sign always shows, whatever the random draw."""
    r = [_random_like(rng, x) for x in xs]
    size = np.sqrt(sum(np.sum(np.abs(_np(a)) ** 2) for a in r))
    norm = np.sqrt(sum(np.sum(np.abs(_np(c)) ** 2) for c in cts))
    if not 0 < norm < np.inf:
        return r
    return [Array((_np(a) + np.conj(_np(c)) * (size / norm)).astype(x.dtype)) for a, c, x in zip(r, cts, xs)]


def _check_pairing(op: str, what: str, estimates: list, u: list, v: list, cts: list, atol: float,
                   rtol: float) -> None:
    """The dot-product test Re <J v, u> == Re <v, J^T u>, with `J v` and its rounding error from
    one of `_numeric`'s estimates. The allowed difference is the elementwise tolerance on `J v`
    carried through the pairing, sum(|u| (atol + rtol |J v| + noise)), so that cancellation in
    the sum cannot fail a correct rule (and `_direction` keeps the sum itself from cancelling)."""
    rhs = _pair(v, cts).real
    for jv, noise in reversed(estimates):  # (the first is the one reported)
        lhs = _pair(jv, u).real
        bound = sum(float(np.sum(np.abs(_np(w)) * (atol + rtol * np.abs(n) + e))) for w, n, e in zip(u, jv, noise))
        if abs(lhs - rhs) <= bound or np.isnan(lhs) and np.isnan(rhs):
            return
    raise AssertionError(f"{op}: {what} differ: <J v, u> = {lhs:.8g} by central differences, but "
                         f"<v, J^T u> = {rhs:.8g} (allowed difference {bound:.3g} from atol={atol}, rtol={rtol})")


def check_grads(f: Callable, args: Sequence, order: int = 2, modes: Sequence[str] = _MODES,
                atol: float | None = None, rtol: float | None = None, eps: float | None = None) -> None:
    """Check the derivatives of `f` at `args` numerically, recursively up to `order`.

    Forward mode is checked against central differences along a random direction; reverse
    mode by the dot-product test `<u, J v> == <J^T u, v>`, with `J v` from central differences
    too (so each mode is checked on its own, as jax's check_grads does). Tolerances and
    the step default by the least precise dtype of the arguments and of f's outputs (float64:
    step 1e-6, tolerance 1e-5; float32: 1e-3 and 2e-3; a complex dtype as its real part). `modes` holds "fwd"
    and/or "rev" (a single one may be given as a string). Raises AssertionError naming the
    mode and order that failed.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.test_util.check_grads(fnp.sin, (fnp.asarray([0.5, 1.0], dtype=fnp.float64),), order=2)
    """
    modes = (modes,) if isinstance(modes, str) else tuple(modes)
    if not modes or any(m not in _MODES for m in modes) or order < 1:
        raise InvalidArgumentError(f"check_grads: got order={order!r}, modes={modes!r}; "
                                   "fix: pass order >= 1 and modes drawn from ('fwd', 'rev')")
    leaves, _, flat, atol, rtol, eps = _prepared("check_grads", f, args, atol, rtol, eps)
    rng = np.random.default_rng(0)

    def check(g, xs, k):
        if "fwd" in modes:
            v = [_random_like(rng, x) for x in xs]
            _, tangent = jvp(g, xs, v)
            estimates = _numeric(g, xs, v, eps)
            for i, t in enumerate(tangent):
                _check_close("check_grads", f"forward-mode derivatives of order {order - k + 1} (output {i})", t,
                             [(b[i], e[i]) for b, e in estimates], atol, rtol)
            if k > 1:
                check(lambda *ys: jvp(g, ys, v)[1], xs, k - 1)
        if "rev" in modes:
            out, pullback = vjp(g, *xs)
            u = [_random_like(rng, o) for o in out]
            cts = pullback(u)
            for x, c in zip(xs, cts):
                if c.shape != x.shape or c.dtype != x.dtype:
                    raise AssertionError(f"check_grads: a cotangent has type {c.aval}, but its input has {x.aval}")
            v = _direction(rng, xs, cts)
            _check_pairing("check_grads", f"reverse-mode derivatives of order {order - k + 1} (dot-product test)",
                           _numeric(g, xs, v, eps), u, v, cts, atol, rtol)
            if k > 1:
                check(lambda *ys: list(vjp(g, *ys)[1](u)), xs, k - 1)

    check(flat, leaves, order)


def _labelled(err_msg: str, what: str) -> str:
    return f"{err_msg}: {what}" if err_msg else what


def check_jvp(f: Callable, f_jvp: Callable, args: Sequence, atol: float | None = None, rtol: float | None = None,
              eps: float | None = None, err_msg: str = "") -> None:
    """Check `f_jvp(args, tangents) -> (f(*args), derivative along tangents)` (usually
    `functools.partial(fx.jvp, f)`) against `f(*args)` and central differences along a random
    direction, as jax.test_util's does. Tolerances and step default as in `check_grads`.

    >>> import functools, fluxion as fx, fluxion.numpy as fnp
    >>> x = (fnp.asarray([0.5, 1.0], dtype=fnp.float64),)
    >>> fx.test_util.check_jvp(fnp.sin, functools.partial(fx.jvp, fnp.sin), x)
    """
    leaves, treedef, flat_f, atol, rtol, eps = _prepared("check_jvp", f, args, atol, rtol, eps)
    rng = np.random.default_rng(0)
    v = [_random_like(rng, x) for x in leaves]
    out, tangent = f_jvp(tree.unflatten(treedef, leaves), tree.unflatten(treedef, v))
    _check_all("check_jvp", _labelled(err_msg, "primal"), tree.leaves(out), [(flat_f(*leaves), None)], atol, rtol)
    _check_all("check_jvp", _labelled(err_msg, "tangent"), tree.leaves(tangent), _numeric(flat_f, leaves, v, eps),
               atol, rtol)


def check_vjp(f: Callable, f_vjp: Callable, args: Sequence, atol: float | None = None, rtol: float | None = None,
              eps: float | None = None, err_msg: str = "") -> None:
    """Check `f_vjp(*args) -> (f(*args), pullback)` (usually `functools.partial(fx.vjp, f)`)
    against `f(*args)`, and its pullback by the dot-product test `<u, J v> == <J^T u, v>` for
    a random `u` and a partly random `v`, with `J v` from central differences, as
    jax.test_util's does.
    Tolerances and step default as in `check_grads`.

    >>> import functools, fluxion as fx, fluxion.numpy as fnp
    >>> x = (fnp.asarray([0.5, 1.0], dtype=fnp.float64),)
    >>> fx.test_util.check_vjp(fnp.sin, functools.partial(fx.vjp, fnp.sin), x)
    """
    leaves, treedef, flat_f, atol, rtol, eps = _prepared("check_vjp", f, args, atol, rtol, eps)
    rng = np.random.default_rng(0)
    out, pullback = f_vjp(*tree.unflatten(treedef, leaves))
    out_leaves, out_tree = tree.flatten(out)
    _check_all("check_vjp", _labelled(err_msg, "primal"), out_leaves, [(flat_f(*leaves), None)], atol, rtol)
    u = [_random_like(rng, to_array(o)) for o in out_leaves]
    cts = tree.leaves(pullback(tree.unflatten(out_tree, u)))
    v = _direction(rng, leaves, cts)
    _check_pairing("check_vjp", _labelled(err_msg, "cotangent projection"), _numeric(flat_f, leaves, v, eps), u, v,
                   cts, atol, rtol)


def _check_all(op: str, what: str, got: list, estimates: list, atol: float, rtol: float) -> None:
    """Each leaf of `got` against one of the `estimates` (leaves, their noise or None)."""
    if len(got) != len(estimates[0][0]):
        raise AssertionError(f"{op}: {what} has {len(got)} leaves, expected {len(estimates[0][0])}")
    for i, a in enumerate(got):
        _check_close(op, f"{what} (output {i})", a, [(b[i], 0.0 if e is None else e[i]) for b, e in estimates],
                     atol, rtol)
