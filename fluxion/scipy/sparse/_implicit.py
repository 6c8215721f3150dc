"""Iterative linear solves differentiated implicitly, not through their iterations.

The solution of A x = b satisfies dA x + A dx = db, so its tangent is dx = A^{-1} (db - dA x):
another solve with A, whatever method found x. The operator A is a function that may close over
arrays (a matrix, the parameters of a matrix-free operator): it is traced once into a program whose
closed-over arrays become explicit operands, so derivatives reach them. In forward mode the
tangent solve is the same differentiable solve (so higher orders work); in reverse mode it is
`linear_solve`, a call linear in its right-hand side whose transpose is a solve with A^T (the
same solve for a symmetric A): the iterations are never taped. The preconditioner changes how
fast x is found, not x, so nothing is differentiated with respect to it.
"""
from __future__ import annotations

from typing import Callable

from ... import numpy as fnp
from ...control._subprogram import Staged, flat_tree
from ...control.linear_solve import linear_solve_p, linearizing
from ...core.array import Array
from ...core.interpreters import EagerInterpreter, _ctx
from ...core.program import evaluate
from ...ops._ad import differentiable
from ...transforms.autodiff.api import jvp, vjp
from ...transforms.autodiff.custom import custom_jvp
from ...transforms.autodiff.jacobians import stop_gradient

Operator = Callable[[Array], Array]
# iterate(matvec, b, x0, precond) -> (x, info), on 1-D vectors
Method = Callable[[Operator, Array, Array, Operator], tuple]


class _System:
    """A solve as functions of the operators' closed-over arrays: `matvec(consts, x)`,
    `precond(consts, x)`, the iterative `method`, and whether A is symmetric."""

    __slots__ = ("matvec", "precond", "method", "symmetric", "num_a")

    def __init__(self, matvec, precond, method: Method, symmetric: bool, num_a: int):
        self.matvec, self.precond, self.method, self.symmetric, self.num_a = matvec, precond, method, symmetric, num_a

    def transposed(self) -> _System:
        if self.symmetric:
            return self
        return _System(_transpose(self.matvec), _transpose(self.precond), self.method, False, self.num_a)


def _transpose(apply):
    """The transpose of the linear map `apply(consts, .)`."""
    def applied(consts, y):
        return vjp(lambda x: apply(consts, x), fnp.zeros_like(y))[1](y)[0]
    return applied


def _closed(op: str, fn: Operator, aval):
    """`fn` as (apply(consts, x), consts): traced once, the arrays it closes over made operands."""
    program, consts = Staged(op, "the linear operator", fn, flat_tree(1), [aval]).close()
    return (lambda c, x: evaluate(program, *c, x)[0]), list(consts)


def solve(op: str, matvec: Operator, b: Array, x0: Array, precond: Operator, method: Method,
          symmetric: bool) -> tuple[Array, Array]:
    """`method(matvec, b, x0, precond)` (1-D vectors), differentiated implicitly."""
    if isinstance(_ctx.interp, EagerInterpreter):  # nothing differentiates or stages: just iterate
        return method(matvec, b, x0, precond)
    apply_a, a_consts = _closed(op, matvec, b.aval)
    apply_m, m_consts = _closed(op, precond, b.aval)
    system = _System(apply_a, apply_m, method, symmetric, len(a_consts))
    return _solve(system, [*a_consts, *map(stop_gradient, m_consts)], b, x0)


def _run(system: _System, consts, b, x0):
    a, m = consts[:system.num_a], consts[system.num_a:]
    return system.method(lambda x: system.matvec(a, x), b, x0, lambda x: system.precond(m, x))


_solve = custom_jvp(_run, nondiff_argnums=(0,))


@_solve.defjvp
def _solve_jvp(system: _System, primals, tangents):
    consts, b, x0 = primals
    d_consts, db, _ = tangents
    x, info = _solve(system, consts, b, x0)
    a = consts[:system.num_a]
    moving = [i for i, c in enumerate(a) if differentiable(c.aval)]
    rhs = db
    if moving:  # dA x, from the operands A depends on
        def ax(*moved):
            full = list(a)
            for i, c in zip(moving, moved):
                full[i] = c
            return system.matvec(full, x)
        rhs = db - jvp(ax, [a[i] for i in moving], [d_consts[i] for i in moving])[1]
    if linearizing([*consts, b, x0]):  # reverse mode: a call linear in rhs, transposed by a solve with A^T
        (dx,) = linear_solve_p.bind(*consts, rhs, num_res=len(consts),
                                    solve=_solve_function(system), transpose=_solve_function(system.transposed()))
    else:
        dx = _solve(system, consts, rhs, fnp.zeros_like(rhs))[0]
    return (x, info), (dx, info)


def _solve_function(system: _System):
    """The solution of the system with operands `consts` for right-hand side `rhs`, as a call's function."""
    def run(*args):
        consts, rhs = list(args[:-1]), args[-1]
        return (_solve(system, consts, rhs, fnp.zeros_like(rhs))[0],)
    return run
