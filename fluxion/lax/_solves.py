"""`custom_root` and `custom_linear_solve`: solves differentiated implicitly, not through their iterations.

A root x of f(x, theta) = 0 moves with theta as  df/dx dx = -df/dtheta dtheta, and the solution
of A x = b as  A dx = db - dA x: either way the tangent is one more linear solve at the solution,
whatever method found it.

Under a transformation, each user function is traced once into a program whose closed-over
traced values become explicit operands of a custom_jvp function (a rule only differentiates
with respect to its operands). Derivatives reach the values f and A (`matvec`) read; those the
solvers read are operands only so that the solvers may close over them, and are not
differentiated, as in jax. Eagerly only f and A are traced (to check their shapes): the solver
runs on the values.

- custom_root's tangent is `tangent_solve` applied to the linearization of f at the root; reverse
  mode transposes that computation, so `tangent_solve` must be linear in its right-hand side
  (`lambda g, y: y / g(1.0)` for a scalar, a matrix solve for a vector).
- custom_linear_solve's tangent is the same solve in forward mode (so higher orders work); in
  reverse mode it is `linear_solve`, a call linear in its right-hand side whose transpose runs
  `transpose_solve` on the transposed operator (`solve` again where `symmetric`).
"""
from __future__ import annotations

import operator
from typing import Any, Callable

from ..control._derive import staging_below
from ..control.linear_solve import linear_solve_p, linearizing
from ..core import tree
from ..core.array import Array, to_array
from ..core.errors import ArgumentTypeError, ShapeError, a_type, op_error, require_callable
from ..core.interpreters import EagerInterpreter, _ctx
from ..flatten_util import ravel_pytree
from ..numpy import zeros_like
from ..numpy._convert import convert
from ..ops._ad import differentiable
from ..transforms._closure_convert import hoisted, stage
from ..transforms._convert import converted
from ..transforms.autodiff.api import jvp, linearize, vjp
from ..transforms.autodiff.custom import custom_jvp
from ..transforms.autodiff.partial_eval import StagingInterpreter

__all__ = ["custom_linear_solve", "custom_root"]


def _shapes(avals) -> list:
    return [(tuple(a.shape), str(a.dtype)) for a in avals]


def _check_like(op: str, what: str, got_tree, got_avals, name: str, want_tree, want_avals, fix: str) -> None:
    """`what` (a structure and its leaves' types) must be shaped like the input `name` it answers."""
    if got_tree != want_tree:
        raise op_error(ShapeError, op, f"{what} has structure {got_tree}, {name} has structure {want_tree}", fix)
    got, want = _shapes(got_avals), _shapes(want_avals)
    if got != want:
        raise op_error(ShapeError, op, f"{what} has leaves (shape, dtype) {got}, {name} has {want}", fix)


def _hoist(op: str, fn: Callable, example, checks: tuple[str, str, str] | None = None) -> tuple[Callable, list]:
    """`fn` (of one argument shaped like `example`) as `fn(x, *consts)`, the traced values it closes
    over hoisted into `consts`. With `checks` = (its name, the example's name, the fix), its output
    must be shaped like `example`."""
    leaves, in_tree = tree.flatten((example,))
    avals = [leaf.aval for leaf in leaves]
    program, out_tree = stage(fn, in_tree, avals, op)
    if checks:
        what, name, fix = checks
        _check_like(op, f"the output of {what}", out_tree, program.out_types, name, in_tree.subtrees[0], avals, fix)
    return hoisted(program, in_tree, out_tree, op)


def _solution(op: str, what: str, out, name: str, like, has_aux: bool, fix: str):
    """The solution `what` returned (and its aux as arrays, or None), checked to be shaped like `like`."""
    aux = None
    if has_aux:
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise op_error(ArgumentTypeError, op, f"with has_aux=True, {what} must return a pair (solution, aux), "
                           f"got {a_type(out)}", "return (solution, aux), or pass has_aux=False")
        out, aux = out[0], _as_arrays(out[1])
    leaves, x_tree = tree.flatten(out)
    leaves = [to_array(v) for v in leaves]
    want, want_tree = tree.flatten(like)
    _check_like(op, f"the solution {what} returned", x_tree, [v.aval for v in leaves], name, want_tree,
                [v.aval for v in want], fix)
    return tree.unflatten(x_tree, leaves), aux


def _eager() -> bool:
    return isinstance(_ctx.interp, EagerInterpreter)


def _result(x, aux, has_aux: bool):
    return (x, aux) if has_aux else x


def _zero_tangents(aux):
    return tree.map(zeros_like, aux)


def _as_arrays(x):
    return tree.map(lambda v: v if isinstance(v, Array) else to_array(v), x)


def _guess_for(f: Callable, guess):
    """`guess` with each weak leaf (a Python number) of the dtype of f's output there, where that
    differs (a float64 system), as jax's weak guesses take it."""
    leaves, in_tree = tree.flatten((guess,))
    if not any(leaf.weak for leaf in leaves):
        return guess
    program, out_tree = stage(f, in_tree, [leaf.aval for leaf in leaves], "custom_root")
    if out_tree != in_tree.subtrees[0]:
        return guess  # (the check that follows explains)
    widen = lambda leaf, t: leaf.weak and leaf.shape == t.shape and leaf.dtype != t.dtype  # noqa: E731
    return tree.unflatten(out_tree, [convert(leaf, t.dtype) if widen(leaf, t) else leaf
                                     for leaf, t in zip(leaves, program.out_types)])


def _tangent_of_consts(fn: Callable, x, consts: list, d_consts: list):
    """The tangent of `fn(x, *consts)` along `d_consts` at fixed `x` (None where nothing moves)."""
    moving = [i for i, c in enumerate(consts) if differentiable(c.aval)]
    if not moving:
        return None

    def at(*moved):
        full = list(consts)
        for i, c in zip(moving, moved):
            full[i] = c
        return fn(x, *full)
    return jvp(at, [consts[i] for i in moving], [d_consts[i] for i in moving])[1]


# custom_root ------------------------------------------------------------------------------------
class _Root:
    """custom_root's functions: `f(x, *f)`, `solve(guess, *s)` and `tangent((x, y), *t)`, which solves
    the linearization of f at x for y. The operands are the consts `f`, `s`, `t`, of the lengths `sizes`."""

    __slots__ = ("f", "solve", "tangent", "has_aux", "sizes")

    def __init__(self, f, solve, tangent, has_aux: bool, sizes: tuple[int, int, int]):
        self.f, self.solve, self.tangent, self.has_aux, self.sizes = f, solve, tangent, has_aux, sizes

    def split(self, consts) -> tuple[list, list, list]:
        nf, ns, _ = self.sizes
        consts = list(consts)
        return consts[:nf], consts[nf:nf + ns], consts[nf + ns:]


_ROOT_FIX = "return a solution shaped like initial_guess (same structure, shapes and dtypes)"


def _root_run(fns: _Root, consts: list, guess):
    out = fns.solve(guess, *fns.split(consts)[1])
    return _solution("custom_root", "solve", out, "initial_guess", guess, fns.has_aux, _ROOT_FIX)


_root_run.__name__ = "custom_root"  # the name errors of custom_jvp give
_root = custom_jvp(_root_run, nondiff_argnums=(0,))


@_root.defjvp
def _root_jvp(fns: _Root, primals, tangents):
    consts, guess = primals
    x, aux = _root(fns, consts, guess)
    f_consts, _, t_consts = fns.split(consts)
    rhs = _tangent_of_consts(fns.f, x, f_consts, fns.split(tangents[0])[0])
    if rhs is None:
        dx = tree.map(zeros_like, x)
    else:  # f(x(theta), theta) = 0:  df/dx dx = -df/dtheta dtheta
        dx = tree.map(operator.neg, fns.tangent((x, rhs), *t_consts))
    return (x, aux), (dx, _zero_tangents(aux))


def custom_root(f: Callable, initial_guess: Any, solve: Callable, tangent_solve: Callable,
                has_aux: bool = False) -> Any:
    """A root of `f` found by `solve`, differentiated by the implicit function theorem.

    Args:
      f: the function whose root is sought; it maps a pytree of arrays to one of the same
        structure, shapes and dtypes. Derivatives reach the arrays it closes over.
      initial_guess: the starting point, a pytree of arrays.
      solve: `solve(f, initial_guess) -> solution` (`(solution, aux)` with `has_aux`); it is
        not differentiated, nor are the values it closes over.
      tangent_solve: `tangent_solve(g, y) -> x` solving the linear system `g(x) = y`, where `g`
        is the linearization of `f` at the solution; reverse mode needs it linear in `y`. The
        values it closes over are not differentiated.
      has_aux: whether `solve` returns auxiliary data (given back, never differentiated).

    Returns:
      The solution (and the aux data, with `has_aux`).

    >>> import fluxion as fx
    >>> def sqrt(a):
    ...     def newton(f, x):
    ...         for _ in range(20):
    ...             x = x - f(x) / fx.grad(f)(x)
    ...         return x
    ...     return custom_root(lambda x: x * x - a, 1.0, newton, lambda g, y: y / g(1.0))
    >>> round(float(sqrt(2.0)), 6), round(float(fx.grad(sqrt)(4.0)), 6)
    (1.414214, 0.25)
    """
    require_callable("custom_root", f)
    require_callable("custom_root", solve)
    require_callable("custom_root", tangent_solve)
    guess = _guess_for(f, _as_arrays(initial_guess))
    f_closed, f_consts = _hoist("custom_root", f, guess, ("f", "initial_guess", "make f return a value shaped like "
                                                          "its argument (as many equations as unknowns)"))
    if _eager():
        out = solve(f, guess)
        return _result(*_solution("custom_root", "solve", out, "initial_guess", guess, has_aux, _ROOT_FIX), has_aux)
    # the solvers are converted as f is, so their Python control flow on traced values works
    solve_closed, s = _hoist("custom_root", lambda g: converted(solve)(f, g), guess)

    def tangent(xy):
        x, y = xy
        return converted(tangent_solve)(linearize(f, x)[1], y)
    tangent_closed, t = _hoist("custom_root", tangent, (guess, guess))
    fns = _Root(f_closed, solve_closed, tangent_closed, has_aux, (len(f_consts), len(s), len(t)))
    return _result(*_root(fns, [*f_consts, *s, *t], guess), has_aux)


# custom_linear_solve ----------------------------------------------------------------------------
class _Linear:
    """custom_linear_solve's functions: `matvec(x, *a)`, `solve(b, *s)`, `transpose_solve(b, *t)`.
    The operands are the consts `a`, `s`, `t`, of the lengths `sizes`."""

    __slots__ = ("matvec", "solve", "transpose_solve", "symmetric", "has_aux", "sizes")

    def __init__(self, matvec, solve, transpose_solve, symmetric: bool, has_aux: bool, sizes: tuple[int, int, int]):
        self.matvec, self.solve, self.transpose_solve = matvec, solve, transpose_solve
        self.symmetric, self.has_aux, self.sizes = symmetric, has_aux, sizes

    def split(self, consts) -> tuple[list, list, list]:
        na, ns, _ = self.sizes
        consts = list(consts)
        return consts[:na], consts[na:na + ns], consts[na + ns:]

    def transposed(self) -> tuple[_Linear, Callable]:
        """The system of the transposed operator, and how its operands come from this one's."""
        if self.symmetric:
            return self, list
        matvec = self.matvec

        def vecmat(y, *a):
            return vjp(lambda x: matvec(x, *a), y)[1](y)[0]

        def operands(consts):
            a, s, t = self.split(consts)
            return [*a, *t, *s]
        na, ns, nt = self.sizes
        return _Linear(vecmat, self.transpose_solve, self.solve, False, self.has_aux, (na, nt, ns)), operands


def _no_transpose_solve(b, *consts):
    raise op_error(ArgumentTypeError, "custom_linear_solve", "reverse mode needs a solve with the transposed "
                   "operator, and neither transpose_solve nor symmetric=True was given",
                   "pass transpose_solve=lambda vecmat, b: ... (or symmetric=True when the operator is symmetric)")


_LINEAR_FIX = "return a solution shaped like b (same structure, shapes and dtypes)"


def _linear_run(system: _Linear, consts: list, b):
    out = system.solve(b, *system.split(consts)[1])
    return _solution("custom_linear_solve", "solve", out, "b", b, system.has_aux, _LINEAR_FIX)


_linear_run.__name__ = "custom_linear_solve"  # the name errors of custom_jvp give
_linear = custom_jvp(_linear_run, nondiff_argnums=(0,))


@_linear.defjvp
def _linear_jvp(system: _Linear, primals, tangents):
    consts, b = primals
    x, aux = _linear(system, consts, b)
    a = system.split(consts)[0]
    d_ax = _tangent_of_consts(system.matvec, x, a, system.split(tangents[0])[0])
    rhs = tangents[1] if d_ax is None else tree.map(operator.sub, tangents[1], d_ax)  # A dx = db - dA x
    if linearizing([*consts, *tree.leaves(b)]):  # reverse mode: a call linear in rhs, transposed later
        dx = _solve_call(system, consts, rhs)
    else:
        dx = _linear(system, consts, rhs)[0]
    return (x, aux), (dx, _zero_tangents(aux))


def _solve_call(system: _Linear, consts: list, rhs):
    """The solution for `rhs` as `linear_solve`: a call linear in `rhs` that a linear program records,
    and transposes or runs later through `_linear`, whose rule differentiates the consts."""
    flat, unravel = ravel_pytree(rhs)
    (x,) = linear_solve_p.bind(*consts, flat, num_res=len(consts), solve=_flat_solve(system, list, unravel),
                               transpose=_flat_solve(*system.transposed(), unravel))
    return unravel(x)


def _staged_rhs(consts: list, b) -> bool:
    """Whether `b` is a tangent being staged into a linear program and `consts` are not (a jvp rule
    solving for its tangent): the solver's operations recorded in that program would hide from an
    outer derivative how the solution depends on the consts."""
    staging = staging_below()
    return (isinstance(staging, StagingInterpreter) and staging.linearizes(consts)
            and any(map(staging.owns, tree.leaves(b))))


def _flat_solve(system: _Linear, operands: Callable, unravel: Callable) -> Callable:
    """`linear_solve`'s function of (*consts, rhs): the raveled solution for the raveled `rhs`."""
    def run(*args):
        return (ravel_pytree(_linear(system, operands(args[:-1]), unravel(args[-1]))[0])[0],)
    return run


def custom_linear_solve(matvec: Callable, b: Any, solve: Callable, transpose_solve: Callable | None = None,
                        symmetric: bool = False, has_aux: bool = False) -> Any:
    """The solution of `matvec(x) = b` found by `solve`, differentiated implicitly.

    Derivatives with respect to `b` and to the arrays `matvec` closes over are further solves
    (with the transposed operator in reverse mode); `solve` itself is never differentiated.

    Args:
      matvec: the linear operator, mapping a pytree shaped like `b` to one shaped like `b`.
      b: the right-hand side, a pytree of arrays.
      solve: `solve(matvec, b) -> x` (`(x, aux)` with `has_aux`); the values it closes over are
        not differentiated.
      transpose_solve: `transpose_solve(vecmat, b) -> x` for the transposed operator `vecmat`;
        needed by reverse mode unless `symmetric`.
      symmetric: the operator is symmetric, so `solve` serves as `transpose_solve`.
      has_aux: whether the solves return auxiliary data (given back, never differentiated).

    Returns:
      The solution (and the aux data, with `has_aux`).

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> a = fnp.asarray([[2.0, 1.0], [1.0, 3.0]])
    >>> def solve(matvec, b):
    ...     return fnp.linalg.solve(fx.jacfwd(matvec)(b), b)
    >>> f = lambda b: custom_linear_solve(lambda x: a @ x, b, solve, symmetric=True).sum()
    >>> fx.grad(f)(fnp.ones(2)).tolist()
    [0.4000000059604645, 0.20000000298023224]
    """
    op = "custom_linear_solve"
    require_callable(op, matvec)
    require_callable(op, solve)
    b = _as_arrays(b)
    matvec_closed, a = _hoist(op, matvec, b, ("matvec", "b", "make matvec return a value shaped like b (a square "
                                                 "linear operator)"))
    if _eager():
        return _result(*_solution(op, "solve", solve(matvec, b), "b", b, has_aux, _LINEAR_FIX), has_aux)
    # the solvers are converted as matvec is, so their Python control flow on traced values works
    solve_closed, s = _hoist(op, lambda rhs: converted(solve)(matvec, rhs), b)
    transpose_closed, t = _no_transpose_solve, []
    if transpose_solve is not None and not symmetric:
        require_callable(op, transpose_solve)

        def vecmat(y):
            return vjp(matvec, y)[1](y)[0]
        transpose_closed, t = _hoist(op, lambda rhs: converted(transpose_solve)(vecmat, rhs), b)
    system = _Linear(matvec_closed, solve_closed, transpose_closed, symmetric, has_aux, (len(a), len(s), len(t)))
    consts = [*a, *s, *t]
    if not has_aux and _staged_rhs(consts, b):
        return _solve_call(system, consts, b)
    return _result(*_linear(system, consts, b), has_aux)
