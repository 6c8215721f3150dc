"""Testing helpers for users and for fluxion's own tests: `check_grads`."""
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


def _check_close(what: str, a, b, atol: float, rtol: float) -> None:
    a, b = _np(a), _np(b)
    if not np.allclose(a, b, atol=atol, rtol=rtol, equal_nan=True):
        err = np.max(np.abs(a - b)) if a.size else 0.0
        raise AssertionError(f"check_grads: {what} differ (max abs error {err:.3g}, atol={atol}, rtol={rtol}):\n"
                             f"  got      {a}\n  expected {b}")


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
    leaves, treedef = tree.flatten(tuple(args))
    leaves = [to_array(x) for x in leaves]
    bad = [x.dtype for x in leaves if x.dtype not in dtypes.FLOATING]
    if bad:
        raise ArgumentTypeError(f"check_grads needs floating-point arguments, got {bad}; "
                                "fix: convert them with .astype(float)")
    dt = min((x.dtype for x in leaves), key=lambda d: d.itemsize, default=dtypes.float64)
    eps = eps if eps is not None else _EPS.get(dt, 1e-2)
    atol = atol if atol is not None else _TOL.get(dt, _LOW)
    rtol = rtol if rtol is not None else _TOL.get(dt, _LOW)
    rng = np.random.default_rng(0)

    def flat_f(*xs):
        return tree.leaves(f(*tree.unflatten(treedef, xs)))

    def numeric(g, xs, v) -> list:
        """The derivative of `g` at `xs` along `v`, by central differences."""
        plus = g(*[x + eps * t for x, t in zip(xs, v)])
        minus = g(*[x - eps * t for x, t in zip(xs, v)])
        return [(_np(p) - _np(m)) / (2 * eps) for p, m in zip(plus, minus)]

    def check(g, xs, k):
        if "fwd" in modes:
            v = [_random_like(rng, x) for x in xs]
            _, tangent = jvp(g, xs, v)
            for i, (t, n) in enumerate(zip(tangent, numeric(g, xs, v))):
                _check_close(f"forward-mode derivatives of order {order - k + 1} (output {i})", t, n, atol, rtol)
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
            lhs, rhs = _pair(numeric(g, xs, v), u), _pair(v, cts)
            _check_close(f"reverse-mode derivatives of order {order - k + 1} (dot-product test)", lhs.real, rhs.real,
                         atol * max(1.0, abs(rhs)), rtol)
            if k > 1:
                check(lambda *ys: list(vjp(g, *ys)[1](u)), xs, k - 1)

    check(flat_f, leaves, order)
