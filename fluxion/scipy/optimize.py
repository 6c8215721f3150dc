"""fluxion.scipy.optimize: unconstrained minimization of a scalar function of a vector.

`minimize(fun, x0, args=(), *, method="BFGS", tol=None, options=None)` is jax's signature: BFGS
(Nocedal and Wright, Algorithm 6.1) with a line search that meets the strong Wolfe conditions
(c1 = 1e-4, c2 = 0.9; Algorithms 3.5 and 3.6, quadratic interpolation in the zoom), written with
`while_loop`, so that it runs eagerly, under `jit` and `vmap` (each example stops at its own
iteration). Its gradients come from `fx.value_and_grad(fun)`. The minimizer is differentiated
implicitly, not through the iterations: as a root of the gradient (`lax.custom_root`), whose
derivative in the values `fun` closes over (or takes in `args`) solves a system with the Hessian
at the minimizer; `fun` and `jac` are evaluated again there, so that they are differentiated too.

Options: `maxiter` (200 * x0.size), `gtol` (1e-5; `tol` sets it), `norm` (of the gradient
compared with gtol, inf by default) and `line_search_maxiter` (10). The result's `status` is 0
when the gradient's norm fell below gtol, 1 when maxiter iterations were spent, 3 when the line
search found no step meeting the Wolfe conditions (the point before it is returned).

>>> import fluxion.numpy as fnp
>>> from fluxion.scipy.optimize import minimize
>>> rosen = lambda x: fnp.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
>>> out = minimize(rosen, fnp.zeros(3, fnp.float64), method="BFGS")
>>> bool(out.success), [round(v, 4) for v in out.x.tolist()]
(True, [1.0, 1.0, 1.0])
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

from .. import numpy as fnp
from ..control import while_loop
from ..core.array import Array
from ..core.errors import ShapeError, op_error
from ..lax._solves import custom_root
from ..numpy._convert import promote_inexact
from ..transforms.autodiff import grad, value_and_grad
from ..transforms.batching import vmap

__all__ = ["OptimizeResults", "minimize"]

_C1, _C2 = 1e-4, 0.9  # the sufficient decrease and curvature constants of the Wolfe conditions
_OPTIONS = ("maxiter", "gtol", "norm", "line_search_maxiter")


class OptimizeResults(NamedTuple):
    """The result of `minimize` (jax's fields)."""
    x: Array  # the minimizer found
    success: Array  # whether the gradient's norm fell below gtol
    status: Array  # 0 converged, 1 maxiter reached, 3 line search failed
    fun: Array  # fun at x
    jac: Array  # its gradient at x
    hess_inv: Array  # BFGS's estimate of the inverse Hessian at x
    nfev: Array  # evaluations of fun (each with its gradient)
    njev: Array  # evaluations of the gradient
    nit: Array  # iterations


def minimize(fun: Callable, x0, args: tuple = (), *, method: str, tol: float | None = None,
             options: dict | None = None) -> OptimizeResults:
    """The minimum of `fun(x, *args)` (a scalar) over the vector x, from `x0`; see the module docstring.

    >>> import fluxion.numpy as fnp
    >>> out = minimize(lambda x, c: fnp.sum((x - c) ** 2), fnp.zeros(2), (fnp.asarray([1.0, -2.0]),), method="BFGS")
    >>> [round(v, 5) for v in out.x.tolist()], int(out.status)
    ([1.0, -2.0], 0)
    """
    if not isinstance(method, str) or method.lower() != "bfgs":
        raise op_error(ValueError, "minimize", f"method {method!r} is not supported", "use method='BFGS'")
    options = dict(options or {})
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise op_error(TypeError, "minimize", f"unknown options {unknown}", f"BFGS takes {', '.join(_OPTIONS)}")
    (x0,) = promote_inexact("minimize", x0)
    if x0.ndim != 1:
        raise op_error(ShapeError, "minimize", f"x0 must be 1-d, got shape {x0.shape}",
                       "minimize over x.ravel() and reshape inside fun")
    if tol is not None:
        options.setdefault("gtol", tol)
    maxiter = 200 * x0.size if options.get("maxiter") is None else options["maxiter"]
    settings = (maxiter, options.get("gtol", 1e-5), options.get("norm", math.inf),
                options.get("line_search_maxiter", 10))
    objective = lambda x: fun(x, *args)  # noqa: E731
    x, out = custom_root(grad(objective), x0, lambda _, start: _found(_bfgs(objective, start, *settings)),
                         _hessian_solve, has_aux=True)
    f, g = value_and_grad(objective)(x)
    return out._replace(x=x, fun=fnp.asarray(f, dtype=x.dtype), jac=g)


def _found(out: OptimizeResults):
    return out.x, out


def _hessian_solve(hvp, y):
    """The solution of H x = y, H given by its products `hvp` (the linearized gradient)."""
    return fnp.linalg.solve(vmap(hvp)(fnp.eye(y.size, dtype=y.dtype)).T, y)


def _safe_div(a, b, default):
    """a / b, and `default` where b is 0 (with no NaN in the derivatives of the unused quotient)."""
    nonzero = b != 0
    return fnp.where(nonzero, a / fnp.where(nonzero, b, 1), default)


def _bfgs(fun, x0: Array, maxiter: int, gtol: float, norm: float, ls_maxiter: int) -> OptimizeResults:
    value_and_gradient = value_and_grad(fun)

    def evaluate(x):  # fun's value is carried in x's dtype
        f, g = value_and_gradient(x)
        return fnp.asarray(f, dtype=x.dtype), g

    f0, g0 = evaluate(x0)
    eye = fnp.eye(x0.size, dtype=x0.dtype)

    def small(g):
        return fnp.linalg.vector_norm(g, ord=norm) < gtol

    def cond(state):
        k, _, status, *_ = state
        return (status < 0) & (k < maxiter)

    def body(state):
        k, evals, _, x, f, g, h, f_before = state
        p = -(h @ g)
        found, alpha, f_new, g_new, used = _line_search(evaluate, x, p, f, g, f_before, ls_maxiter)
        s = alpha * p
        y = g_new - g
        rho = _safe_div(1, fnp.dot(y, s), 1000.0)
        left = eye - rho * fnp.outer(s, y)
        h_new = left @ h @ left.T + rho * fnp.outer(s, s)
        # a failed line search keeps the point it started from
        x, f_before, f, g, h = (fnp.where(found, new, old) for new, old in
                                ((x + s, x), (f, f_before), (f_new, f), (g_new, g), (h_new, h)))
        status = fnp.where(~found, 3, fnp.where(small(g), 0, fnp.where(k + 1 >= maxiter, 1, -1)))
        return k + 1, evals + used, status, x, f, g, h, f_before

    status = fnp.where(small(g0), 0, -1)
    # the first step has length about 1 / |g0| (scipy's start: the decrease of the step before is |g0| / 2)
    start = (0, 1, status, x0, f0, g0, eye, f0 + fnp.linalg.vector_norm(g0) / 2)
    k, evals, status, x, f, g, h, _ = while_loop(cond, body, start)
    status = fnp.where(status < 0, 1, status)
    return OptimizeResults(x=x, success=status == 0, status=status, fun=f, jac=g, hess_inv=h,
                           nfev=evals, njev=evals, nit=k)


def _line_search(evaluate, x, p, f, g, f_before, maxiter: int):
    """(found, alpha, fun and gradient at x + alpha p, evaluations) for a step meeting the strong Wolfe
    conditions: a bracketing phase doubling the step, then a zoom into the bracket [lo, hi] (hi is inf
    until a bracket is found)."""
    slope = fnp.dot(g, p)
    # (slope >= 0: p is no descent direction; the search fails)
    first = _safe_div(1.01 * 2 * (f - f_before), slope, 1.0)
    first = fnp.where(fnp.isfinite(first) & (first > 0), fnp.minimum(first, 1.0), 1.0).astype(x.dtype)
    zero = fnp.zeros_like(f)

    def cond(state):
        j, done, *_ = state
        return ~done & (j < maxiter) & (slope < 0)

    def body(state):
        j, _, a, lo, hi, phi_hi, _, _ = state
        a_lo, phi_lo, dphi_lo = lo
        phi, grad = evaluate(x + a * p)
        dphi = fnp.dot(grad, p)
        bad = (phi > f + _C1 * a * slope) | ((j > 0) & (phi >= phi_lo)) | ~fnp.isfinite(phi)
        done = ~bad & (fnp.abs(dphi) <= -_C2 * slope)
        swap = ~bad & ~done & (dphi * (hi - a_lo) >= 0)
        # bad: the step is the bracket's new far end; swap: the near end becomes the far end
        hi, phi_hi = fnp.where(bad, a, fnp.where(swap, a_lo, hi)), fnp.where(bad, phi, fnp.where(swap, phi_lo, phi_hi))
        moved = ~bad & ~done
        lo = tuple(fnp.where(moved, new, old) for new, old in zip((a, phi, dphi), lo))
        return j + 1, done, fnp.where(done, a, _next_step(lo, hi, phi_hi, a)), lo, hi, phi_hi, phi, grad

    start = (0, fnp.asarray(False), first, (zero, f, slope), fnp.full_like(f, fnp.inf), f, f, g)
    j, done, alpha, _, _, _, phi, grad = while_loop(cond, body, start)
    return done, alpha, phi, grad, j


def _next_step(lo, hi, phi_hi, a):
    """Twice the step while no bracket is found; then the minimum of the quadratic through the
    bracket's ends and the slope at its near end, or the midpoint where that is not well inside."""
    a_lo, phi_lo, dphi_lo = lo
    bracketed = fnp.isfinite(hi)
    d = fnp.where(bracketed, hi - a_lo, 1)  # (finite where unused: no NaN in its derivatives)
    quadratic = a_lo - _safe_div(dphi_lo * d * d, 2 * (phi_hi - phi_lo - dphi_lo * d), math.inf)
    near, far = a_lo + 0.1 * d, a_lo + 0.9 * d
    inside = (quadratic >= fnp.minimum(near, far)) & (quadratic <= fnp.maximum(near, far))
    return fnp.where(bracketed, fnp.where(inside, quadratic, a_lo + 0.5 * d), 2 * a)
