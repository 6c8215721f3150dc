"""Testing helpers for users and for fluxion's own tests: `check_grads`, and `check_jvp` /
`check_vjp`, which check a given jvp or vjp function against central differences."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .core import dtypes, tree
from .core.array import Array, to_array
from .core.errors import ArgumentTypeError
from .transforms.autodiff import jvp, vjp

_EPS = {dtypes.float64: 1e-6, dtypes.complex128: 1e-6, dtypes.float32: 1e-3, dtypes.complex64: 1e-3}
_TOL = {dtypes.float64: 1e-5, dtypes.complex128: 1e-5, dtypes.float32: 2e-2, dtypes.complex64: 2e-2}
_LOW = 1e-1  # float16 / bfloat16


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


def _check_close(op: str, what: str, a, b, atol: float, rtol: float) -> None:
    a, b = _np(a), _np(b)
    if a.shape != b.shape or not np.allclose(a, b, atol=atol, rtol=rtol, equal_nan=True):
        err = np.max(np.abs(a - b)) if a.size and a.shape == b.shape else float("nan")
        raise AssertionError(f"{op}: {what} differ (max abs error {err:.3g}, atol={atol}, rtol={rtol}):\n"
                             f"  got      {a}\n  expected {b}")


def _prepared(op: str, args, atol, rtol, eps) -> tuple[list[Array], object, float, float, float]:
    """The leaves of the arguments as Arrays, which must be floating, and their structure; then
    atol, rtol and the finite-difference step, defaulting by the narrowest dtype of the leaves."""
    leaves, treedef = tree.flatten(tuple(args))
    leaves = [to_array(x) for x in leaves]
    bad = [x.dtype for x in leaves if x.dtype not in dtypes.FLOATING]
    if bad:
        raise ArgumentTypeError(f"{op} needs floating-point arguments, got {bad}; "
                                "fix: convert them with .astype(float)")
    dt = min((x.dtype for x in leaves), key=lambda d: d.itemsize, default=dtypes.float64)
    return (leaves, treedef, atol if atol is not None else _TOL.get(dt, _LOW),
            rtol if rtol is not None else _TOL.get(dt, _LOW), eps if eps is not None else _EPS.get(dt, 1e-2))


def _flat(f: Callable, treedef) -> Callable:
    """`f` taking the leaves of its arguments (of structure `treedef`) and giving its outputs' leaves."""
    return lambda *xs: tree.leaves(f(*tree.unflatten(treedef, xs)))


def _numeric(g: Callable, xs: list, v: list, eps: float) -> list[np.ndarray]:
    """The derivative of `g` (flat arrays in, a list of arrays out) at `xs` along `v`, by central differences."""
    plus = g(*[x + eps * t for x, t in zip(xs, v)])
    minus = g(*[x - eps * t for x, t in zip(xs, v)])
    return [(_np(p) - _np(m)) / (2 * eps) for p, m in zip(plus, minus)]


def check_grads(f: Callable, args: Sequence, order: int = 2, modes: Sequence[str] = ("fwd", "rev"),
                atol: float | None = None, rtol: float | None = None, eps: float | None = None) -> None:
    """Check the derivatives of `f` at `args` numerically, recursively up to `order`.

    Forward mode is checked against central differences along a random direction; reverse
    mode by the dot-product test `<u, J v> == <J^T u, v>`, with `J v` from central differences
    too (so each mode is checked on its own, as jax's check_grads does). Tolerances and
    the step default by dtype (float64: step 1e-6, tolerance 1e-5; float32: 1e-3 and 2e-2).
    Raises AssertionError naming the mode and order that failed.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> fx.test_util.check_grads(fnp.sin, (fnp.asarray([0.5, 1.0], dtype=fnp.float64),), order=2)
    """
    leaves, treedef, atol, rtol, eps = _prepared("check_grads", args, atol, rtol, eps)
    rng = np.random.default_rng(0)

    def check(g, xs, k):
        if "fwd" in modes:
            v = [_random_like(rng, x) for x in xs]
            _, tangent = jvp(g, xs, v)
            for i, (t, n) in enumerate(zip(tangent, _numeric(g, xs, v, eps))):
                _check_close("check_grads", f"forward-mode derivatives of order {order - k + 1} (output {i})", t, n,
                             atol, rtol)
            if k > 1:
                check(lambda *ys: jvp(g, ys, v)[1], xs, k - 1)
        if "rev" in modes:
            v = [_random_like(rng, x) for x in xs]
            out, pullback = vjp(g, *xs)
            u = [_random_like(rng, o) for o in out]
            cts = pullback(u)
            for x, c in zip(xs, cts):
                if c.shape != x.shape or c.dtype != x.dtype:
                    raise AssertionError(f"check_grads: a cotangent has type {c.aval}, but its input has {x.aval}")
            lhs, rhs = _pair(_numeric(g, xs, v, eps), u), _pair(v, cts)
            _check_close("check_grads", f"reverse-mode derivatives of order {order - k + 1} (dot-product test)",
                         lhs.real, rhs.real, atol * max(1.0, abs(rhs)), rtol)
            if k > 1:
                check(lambda *ys: list(vjp(g, *ys)[1](u)), xs, k - 1)

    check(_flat(f, treedef), leaves, order)


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
    leaves, treedef, atol, rtol, eps = _prepared("check_jvp", args, atol, rtol, eps)
    rng = np.random.default_rng(0)
    v = [_random_like(rng, x) for x in leaves]
    out, tangent = f_jvp(tree.unflatten(treedef, leaves), tree.unflatten(treedef, v))
    flat_f = _flat(f, treedef)
    _check_all("check_jvp", _labelled(err_msg, "primal"), tree.leaves(out), flat_f(*leaves), atol, rtol)
    _check_all("check_jvp", _labelled(err_msg, "tangent"), tree.leaves(tangent), _numeric(flat_f, leaves, v, eps),
               atol, rtol)


def check_vjp(f: Callable, f_vjp: Callable, args: Sequence, atol: float | None = None, rtol: float | None = None,
              eps: float | None = None, err_msg: str = "") -> None:
    """Check `f_vjp(*args) -> (f(*args), pullback)` (usually `functools.partial(fx.vjp, f)`)
    against `f(*args)`, and its pullback by the dot-product test `<u, J v> == <J^T u, v>` for
    random `u` and `v`, with `J v` from central differences, as jax.test_util's does.
    Tolerances and step default as in `check_grads`.

    >>> import functools, fluxion as fx, fluxion.numpy as fnp
    >>> x = (fnp.asarray([0.5, 1.0], dtype=fnp.float64),)
    >>> fx.test_util.check_vjp(fnp.sin, functools.partial(fx.vjp, fnp.sin), x)
    """
    leaves, treedef, atol, rtol, eps = _prepared("check_vjp", args, atol, rtol, eps)
    rng = np.random.default_rng(0)
    flat_f = _flat(f, treedef)
    out, pullback = f_vjp(*tree.unflatten(treedef, leaves))
    out_leaves, out_tree = tree.flatten(out)
    _check_all("check_vjp", _labelled(err_msg, "primal"), out_leaves, flat_f(*leaves), atol, rtol)
    v = [_random_like(rng, x) for x in leaves]
    u = [_random_like(rng, to_array(o)) for o in out_leaves]
    cts = tree.leaves(pullback(tree.unflatten(out_tree, u)))
    lhs, rhs = _pair(_numeric(flat_f, leaves, v, eps), u), _pair(v, cts)
    _check_close("check_vjp", _labelled(err_msg, "cotangent projection"), lhs.real, rhs.real,
                 atol * max(1.0, abs(rhs)), rtol)


def _check_all(op: str, what: str, got: list, expected: list, atol: float, rtol: float) -> None:
    if len(got) != len(expected):
        raise AssertionError(f"{op}: {what} has {len(got)} leaves, expected {len(expected)}")
    for i, (a, b) in enumerate(zip(got, expected)):
        _check_close(op, f"{what} (output {i})", a, b, atol, rtol)
