"""fluxion.scipy.sparse.linalg: iterative solvers of A x = b, with SciPy's values and jax's arguments.

`A` is a matrix or a function computing `A @ x`; `b` is an array or a pytree of arrays (then `A`
is a function of such pytrees). Each solver returns `(x, info)`: `info` is 0 when the residual
norm fell below `max(tol * norm(b), atol)`, `maxiter` when it did not (the returned `x` is the
last iterate), and for `bicgstab` -10 or -11 on a breakdown, as SciPy. `info` is an int32 array,
so the solvers run under `jit` and `vmap` (they iterate with `fx.while_loop`). Derivatives of `x`
are implicit (`_implicit.py`): the derivative of A^{-1} b is another solve, whatever the number
of iterations, so `x` should have converged for them to be right.

>>> import fluxion.numpy as fnp
>>> from fluxion.scipy.sparse.linalg import cg
>>> x, info = cg(fnp.asarray([[4.0, 1.0], [1.0, 3.0]]), fnp.asarray([1.0, 2.0]))
>>> [round(v, 4) for v in x.tolist()], int(info)
([0.0909, 0.6364], 0)
"""
from __future__ import annotations

import math
from typing import Any, Callable

from ... import numpy as fnp
from ...control import fori_loop, while_loop
from ...core import dtypes, tree
from ...core.array import Array
from ...core.errors import ShapeError, op_error
from ...numpy._convert import promote_inexact
from ..linalg import solve_triangular
from . import _implicit

__all__ = ["bicgstab", "cg", "gmres"]

_RUNNING = -1  # the info of an iteration that goes on


def _dot(a: Array, b: Array) -> Array:
    return fnp.sum(fnp.conj(a) * b)


def _norm(a: Array) -> Array:
    return fnp.sqrt(fnp.sum(fnp.real(fnp.conj(a) * a)))


def _int(v) -> Array:
    return fnp.asarray(v, dtype=fnp.int32)


class _Flat:
    """A pytree of arrays as one 1-D vector of their common inexact dtype, and back."""

    def __init__(self, op: str, b):
        leaves, self.treedef = tree.flatten(b)
        if not leaves:
            raise op_error(ValueError, op, "b holds no arrays", "pass b as an array or a pytree of arrays")
        leaves = promote_inexact(op, *leaves)
        self.dtype = leaves[0].dtype
        self.shapes = [x.shape for x in leaves]
        self.vector = fnp.concatenate([fnp.ravel(x) for x in leaves]) if len(leaves) > 1 else fnp.ravel(leaves[0])

    def ravel(self, op: str, what: str, value) -> Array:
        leaves, treedef = tree.flatten(value)
        if treedef != self.treedef or [fnp.shape(x) for x in leaves] != self.shapes:
            raise op_error(ShapeError, op, f"{what} has structure {treedef} and shapes {[fnp.shape(x) for x in leaves]}"
                           f", but b has structure {self.treedef} and shapes {self.shapes}",
                           f"make {what} give values shaped like b")
        leaves = [fnp.ravel(fnp.asarray(x)).astype(self.dtype) for x in leaves]
        return fnp.concatenate(leaves) if len(leaves) > 1 else leaves[0]

    def unravel(self, v: Array):
        out, start = [], 0
        for shape in self.shapes:
            size = 1
            for d in shape:
                size *= d
            out.append(fnp.reshape(v[start:start + size], shape))
            start += size
        return tree.unflatten(self.treedef, out)


def _operator(op: str, name: str, A, flat: _Flat) -> Callable[[Array], Array]:
    """`A` (a matrix, or a function on pytrees like b) as a function on flat vectors."""
    if callable(A) and not isinstance(A, Array):
        return lambda v: flat.ravel(op, f"{name}(x)", A(flat.unravel(v)))
    a = fnp.asarray(A)
    n = flat.vector.shape[0]
    if a.shape != (n, n):
        raise op_error(ShapeError, op, f"{name} has shape {a.shape}, but b has {n} entries",
                       f"pass {name} as an ({n}, {n}) matrix or as a function computing {name} @ x")
    a = a.astype(fnp.result_type(a.dtype, flat.dtype))
    return lambda v: (a @ v).astype(flat.dtype)


def _solver(op: str, method, A, b, x0, M, *, symmetric: bool) -> tuple[Any, Array]:
    flat = _Flat(op, b)
    matvec = _operator(op, "A", A, flat)
    precond = (lambda v: v) if M is None else _operator(op, "M", M, flat)
    start = fnp.zeros_like(flat.vector) if x0 is None else flat.ravel(op, "x0", x0)
    # (a complex Hermitian A is not its own transpose: that is conj(A))
    symmetric = symmetric and flat.vector.dtype not in dtypes.COMPLEX
    x, info = _implicit.solve(op, matvec, flat.vector, start, precond, method, symmetric)
    return flat.unravel(x), info


def _tolerances(op: str, flat_size: int, tol, rtol, atol, maxiter) -> tuple[float, float, int]:
    tol = tol if rtol is None else rtol
    maxiter = 10 * flat_size if maxiter is None else maxiter
    if not isinstance(maxiter, int) or maxiter < 0:
        raise op_error(ValueError, op, f"maxiter must be a non-negative int, got {maxiter!r}",
                       "pass maxiter as a Python int (or None for 10 times the size of b)")
    return tol, atol, maxiter


def _size(b) -> int:
    return sum(fnp.size(x) for x in tree.leaves(b))


def _stop(b: Array, tol, atol) -> tuple[Array, Array]:
    """The norm of b and the residual norm below which an iteration has converged."""
    bnorm = _norm(b)
    return bnorm, fnp.maximum(atol, tol * bnorm)


def _finish(b, bnorm, x, rnorm, info):
    # as SciPy: b = 0 has the solution 0, found at once; a NaN in A or b gives NaN (the loop
    # stopped at once, its test false, and would have given the start unconverged)
    x = fnp.where(fnp.isnan(rnorm) & (info != 0) | fnp.isnan(bnorm), math.nan, x)
    return fnp.where(bnorm == 0, b, x), fnp.where(bnorm == 0, 0, info).astype(fnp.int32)


def cg(A, b, x0=None, *, tol: float = 1e-5, atol: float = 0.0, maxiter: int | None = None, M=None,
       rtol: float | None = None) -> tuple[Any, Array]:
    """Solve `A x = b` for Hermitian positive-definite `A` by (preconditioned) conjugate gradients.

    Args:
        A: an (n, n) matrix, or a function computing `A @ x` on pytrees like `b`.
        b: the right-hand side, an array or a pytree of arrays.
        x0: the starting guess (zeros by default), like `b`.
        tol: relative tolerance: stop when the residual norm is below `max(tol * norm(b), atol)`
            (`rtol` is SciPy's name for it and takes precedence).
        atol: absolute tolerance.
        maxiter: the most iterations (10 times the size of `b` by default).
        M: a preconditioner approximating the inverse of `A` (a matrix or a function), positive definite.

    Returns:
        `(x, info)`: the solution, like `b`, and 0 if it converged, else `maxiter`.

    >>> import fluxion.numpy as fnp
    >>> from fluxion.scipy.sparse.linalg import cg
    >>> x, info = cg(lambda t: {"a": 2.0 * t["a"]}, {"a": fnp.asarray([2.0, 4.0])})
    >>> x["a"].tolist(), int(info)
    ([1.0, 2.0], 0)
    """
    tol, atol, maxiter = _tolerances("cg", _size(b), tol, rtol, atol, maxiter)

    def method(matvec, b, x0, precond):
        bnorm, bound = _stop(b, tol, atol)
        r = b - matvec(x0)
        z = precond(r)

        def step(c):
            x, r, p, rho, k = c
            q = matvec(p)
            alpha = rho / _dot(p, q)
            x, r = x + alpha * p, r - alpha * q
            z = precond(r)
            rho_next = _dot(r, z)
            return x, r, z + (rho_next / rho) * p, rho_next, k + 1

        x, r, _, _, _ = while_loop(lambda c: (c[4] < maxiter) & (_norm(c[1]) >= bound) & (bnorm > 0), step,
                                   (x0, r, z, _dot(r, z), _int(0)))
        rnorm = _norm(r)
        return _finish(b, bnorm, x, rnorm, fnp.where(rnorm < bound, 0, maxiter))

    return _solver("cg", method, A, b, x0, M, symmetric=True)


def bicgstab(A, b, x0=None, *, tol: float = 1e-5, atol: float = 0.0, maxiter: int | None = None, M=None,
             rtol: float | None = None) -> tuple[Any, Array]:
    """Solve `A x = b` for square `A` by the biconjugate gradient stabilized method.

    Arguments as `cg`'s, for any nonsingular `A`.

    Returns:
        `(x, info)`: the solution, like `b`, and 0 if it converged, `maxiter` if not, -10 when
        the method broke down on rho (the shadow residual became orthogonal to the residual),
        -11 when it broke down on omega, as SciPy.

    >>> import fluxion.numpy as fnp
    >>> from fluxion.scipy.sparse.linalg import bicgstab
    >>> x, info = bicgstab(fnp.asarray([[3.0, 1.0], [-1.0, 2.0]]), fnp.asarray([5.0, 3.0]))
    >>> [round(v, 4) for v in x.tolist()], int(info)
    ([1.0, 2.0], 0)
    """
    tol, atol, maxiter = _tolerances("bicgstab", _size(b), tol, rtol, atol, maxiter)

    def method(matvec, b, x0, precond):
        bnorm, bound = _stop(b, tol, atol)
        eps = fnp.finfo(b.dtype).eps
        tiny = eps * eps  # SciPy's breakdown threshold for rho and omega
        r = b - matvec(x0)
        rtilde = r
        one = fnp.ones((), b.dtype)

        def step(c):
            x, r, p, v, rho_prev, omega, alpha, k, _ = c
            rho = _dot(rtilde, r)
            p = fnp.where(k > 0, r + (rho / rho_prev) * (alpha / omega) * (p - omega * v), r)
            phat = precond(p)
            v = matvec(phat)
            rv = _dot(rtilde, v)
            alpha = rho / rv
            s = r - alpha * v
            s_done = _norm(s) < bound
            shat = precond(s)
            t = matvec(shat)
            omega = _dot(t, s) / _dot(t, t)
            x_half = x + alpha * phat
            x_next = fnp.where(s_done, x_half, x_half + omega * shat)
            # SciPy's checks, in its order, before the step (which then does not happen): converged, then
            # breakdowns on rho, omega and rv; after half the step, converged with x_half
            before = fnp.select([_norm(r) < bound, fnp.abs(rho) < tiny, (k > 0) & (fnp.abs(c[5]) < tiny), rv == 0],
                                [0, -10, -11, -11], _RUNNING)
            info = fnp.where(before != _RUNNING, before, fnp.where(s_done, 0, _RUNNING))
            before = before != _RUNNING
            keep = lambda old, new: fnp.where(before, old, new)  # noqa: E731
            return (keep(x, x_next), keep(r, s - omega * t), keep(c[2], p), keep(c[3], v), keep(rho_prev, rho),
                    keep(c[5], omega), keep(c[6], alpha), k + 1, info.astype(fnp.int32))

        init = (x0, r, fnp.zeros_like(b), fnp.zeros_like(b), one, one, one, _int(0), _int(_RUNNING))
        out = while_loop(lambda c: (c[8] == _RUNNING) & (c[7] < maxiter) & (bnorm > 0), step, init)
        info, rnorm = out[8], _norm(out[1])
        return _finish(b, bnorm, out[0], rnorm, fnp.where(info == _RUNNING, fnp.where(rnorm < bound, 0, maxiter),
                                                          info))

    return _solver("bicgstab", method, A, b, x0, M, symmetric=False)


def _givens(a: Array, b: Array) -> tuple[Array, Array, Array]:
    """`c` (real), `s`, `r` with [[c, s], [-conj(s), c]] @ [a, b] = [r, 0]."""
    mag = fnp.sqrt(fnp.abs(a) ** 2 + fnp.abs(b) ** 2)
    safe = fnp.where(mag == 0, 1, mag)
    abs_a = fnp.abs(a)
    phase = fnp.where(abs_a == 0, 1, a / fnp.where(abs_a == 0, 1, abs_a))
    c = fnp.where(mag == 0, 1, abs_a / safe).astype(a.dtype)
    return c, fnp.where(mag == 0, 0, phase * fnp.conj(b) / safe), phase * mag


def gmres(A, b, x0=None, *, tol: float = 1e-5, atol: float = 0.0, restart: int = 20, maxiter: int | None = None,
          M=None, solve_method: str = "batched", rtol: float | None = None) -> tuple[Any, Array]:
    """Solve `A x = b` for square `A` by GMRES restarted every `restart` Arnoldi steps.

    Each cycle builds an orthonormal basis of the Krylov space of `M (b - A x)` (Gram-Schmidt
    applied twice) and reduces the Hessenberg matrix with Givens rotations; a cycle also ends
    early on an exact (lucky) breakdown.

    Args:
        A, b, x0, tol, atol, M, rtol: as `cg`'s; `A` need not be symmetric. `M` preconditions
            on the left.
        restart: the size of the Krylov space (at most the size of `b`).
        maxiter: the most cycles (restarts) (10 times the size of `b` by default).
        solve_method: 'incremental' ends a cycle once the preconditioned residual is small
            enough; 'batched' (jax's default) always builds `restart` basis vectors.

    Returns:
        `(x, info)`: the solution, like `b`, and 0 if it converged, else `maxiter`.

    >>> import fluxion.numpy as fnp
    >>> from fluxion.scipy.sparse.linalg import gmres
    >>> x, info = gmres(fnp.asarray([[3.0, 1.0], [-1.0, 2.0]]), fnp.asarray([5.0, 3.0]))
    >>> [round(v, 4) for v in x.tolist()], int(info)
    ([1.0, 2.0], 0)
    """
    if solve_method not in ("incremental", "batched"):
        raise op_error(ValueError, "gmres", f"solve_method must be 'incremental' or 'batched', got {solve_method!r}",
                       "pass solve_method='incremental' or 'batched'")
    if not isinstance(restart, int) or restart < 1:
        raise op_error(ValueError, "gmres", f"restart must be a positive int, got {restart!r}",
                       "pass restart as a Python int, the size of the Krylov space (20 by default)")
    size = _size(b)
    tol, atol, maxiter = _tolerances("gmres", size, tol, rtol, atol, maxiter)
    m, incremental = min(restart, size), solve_method == "incremental"

    def method(matvec, b, x0, precond):
        bnorm, bound = _stop(b, tol, atol)
        eps = fnp.finfo(b.dtype).eps
        # the cycle's tolerance on the preconditioned residual (SciPy's first one)
        ptol = _norm(precond(b)) * fnp.minimum(1, bound / fnp.where(bnorm == 0, 1, bnorm))
        rows = fnp.arange(m + 1)

        def arnoldi(c):
            j, basis, h, g, cs, sn, _, _ = c
            w = precond(matvec(basis[j]))
            h0 = _norm(w)
            column = fnp.zeros(m + 1, b.dtype)
            for _ in range(2):  # Gram-Schmidt twice keeps the basis orthogonal to working precision
                coef = fnp.where(rows <= j, fnp.conj(basis) @ w, 0)
                w, column = w - coef @ basis, column + coef
            h1 = _norm(w)
            broke = h1 <= eps * h0
            basis = basis.at[j + 1].set(w / fnp.where(broke, 1, h1))
            column = column.at[j + 1].set(fnp.where(broke, 0, h1))

            def rotate(k, col):
                ck, sk, n0, n1 = cs[k], sn[k], col[k], col[k + 1]
                rotated = col.at[k].set(ck * n0 + sk * n1).at[k + 1].set(-fnp.conj(sk) * n0 + ck * n1)
                return fnp.where(k < j, rotated, col)

            column = fori_loop(0, m, rotate, column)
            cj, sj, r = _givens(column[j], column[j + 1])
            column = column.at[j].set(r).at[j + 1].set(0)
            residual = -fnp.conj(sj) * g[j]
            g = g.at[j].set(cj * g[j]).at[j + 1].set(residual)
            done = broke | (fnp.abs(residual) <= ptol) if incremental else broke
            return j + 1, basis, h.at[j].set(column), g, cs.at[j].set(cj), sn.at[j].set(sj), done, broke

        def cycle(c):
            x, k, _, _ = c
            r = precond(b - matvec(x))
            beta = _norm(r)
            basis = fnp.zeros((m + 1, b.shape[0]), b.dtype).at[0].set(r / fnp.where(beta == 0, 1, beta))
            init = (_int(0), basis, fnp.zeros((m, m + 1), b.dtype), fnp.zeros(m + 1, b.dtype).at[0].set(beta),
                    fnp.zeros(m, b.dtype), fnp.zeros(m, b.dtype), fnp.asarray(False), fnp.asarray(False))
            j, basis, h, g, _, _, _, broke = while_loop(lambda s: (s[0] < m) & ~s[6], arnoldi, init)
            # the least-squares solution is that of the j x j triangle R y = g (the rest made identity)
            used = fnp.arange(m) < j
            tri = fnp.where(used[:, None] & used[None, :], fnp.transpose(h[:, :m]), fnp.eye(m, dtype=b.dtype))
            # SciPy's pseudo-solve: the component of a zero pivot (zero up to rounding) is 0
            pivots = fnp.abs(fnp.diagonal(tri))
            singular = pivots <= m * fnp.finfo(pivots.dtype).eps * fnp.max(pivots)
            tri = tri + fnp.diag(fnp.where(singular, 1, 0).astype(b.dtype))
            y = solve_triangular(tri, fnp.where(used & ~singular, g[:m], 0))
            x = x + y @ basis[:m]
            return x, k + 1, _norm(b - matvec(x)), broke

        start = (x0, _int(0), _norm(b - matvec(x0)), fnp.asarray(False))
        x, _, rnorm, _ = while_loop(lambda c: (c[1] < maxiter) & (c[2] > bound) & ~c[3] & (bnorm > 0), cycle, start)
        return _finish(b, bnorm, x, rnorm, fnp.where(rnorm <= bound, 0, maxiter))

    return _solver("gmres", method, A, b, x0, M, symmetric=False)
