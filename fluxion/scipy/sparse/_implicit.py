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
from ...control._derive import splits, staging_below
from ...control._subprogram import Staged, flat_tree
from ...core.array import Array
from ...core.interpreters import EagerInterpreter, _ctx, use
from ...core.primitive import abstract_eval, transpose_rules
from ...core.program import evaluate
from ...ops._ad import Zero, differentiable, instantiate
from ...transforms.autodiff.api import jvp, vjp
from ...transforms.batching.interpreter import BatchInterpreter
from ...transforms.autodiff.custom import CallPrimitive, custom_jvp
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
    if _linearizing([*consts, b, x0]):  # reverse mode: a call linear in rhs, transposed by a solve with A^T
        (dx,) = linear_solve_p.bind(*consts, rhs, num_res=len(consts),
                                    solve=_solve_function(system), transpose=_solve_function(system.transposed()))
    else:
        dx = _solve(system, consts, rhs, fnp.zeros_like(rhs))[0]
    return (x, info), (dx, info)


def _linearizing(primals) -> bool:
    """Whether the tangents are being staged into a linear program (reverse mode), also when the
    rule runs per example under vmap, above that staging."""
    interp = staging_below()
    while isinstance(interp, BatchInterpreter):
        primals = [interp.unpack(p)[0] for p in primals]
        interp = interp.parent
    with use(interp):
        return splits(primals)


def _solve_function(system: _System):
    """The solution of the system with operands `consts` for right-hand side `rhs`, as a call's function."""
    def run(*args):
        consts, rhs = list(args[:-1]), args[-1]
        return (_solve(system, consts, rhs, fnp.zeros_like(rhs))[0],)
    return run


# linear_solve: rhs -> A^{-1} rhs, linear in rhs (the last operand); the operands before it are A's
# and the preconditioner's. It appears in the linear programs of reverse mode, where it is transposed.
def _linear_solve_impl(*args, num_res, solve, transpose):
    return solve(*args)


def _linear_solve_jvp(interp, args, params):
    n = params["num_res"]
    primals, tangents = zip(*map(interp.unpack, args))
    if any(t is not None and t.__class__ is not Zero for t in tangents[:n]):
        return _linear_solve_impl(*args, **params)  # the solve's own rule differentiates the operands
    with use(interp.parent):
        out = linear_solve_p.bind(*primals, **params)
        t = tangents[n]
        if t is None or t.__class__ is Zero:
            return out
        t_out = linear_solve_p.bind(*primals[:n], instantiate(t), **params)
    return tuple(interp.wrap(o, d) for o, d in zip(out, t_out))


def _linear_solve_transpose(cts, *args, num_res, solve, transpose):
    ct = cts[0]
    if ct is None or ct.__class__ is Zero:
        return [None] * len(args)
    return [None] * num_res + list(transpose(*args[:num_res], instantiate(ct)))


linear_solve_p = CallPrimitive("linear_solve", _linear_solve_impl, ("solve", "transpose"),
                               jvp=_linear_solve_jvp, staged=True)
abstract_eval[linear_solve_p] = lambda *avals, num_res, solve, transpose: (avals[num_res],)
transpose_rules[linear_solve_p] = _linear_solve_transpose
