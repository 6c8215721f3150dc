"""Dead-code elimination: drop the equations and constants no output depends on."""
from __future__ import annotations

from ...core.program import Program, Var, has_effects


def dce(program: Program) -> Program:
    """`program` without equations whose outputs are never used, nor unused constants.

    An equation stays if any of its outputs is used (a multiple-result equation is kept or
    dropped whole) or if it has effects (`has_effects`). Inputs are never dropped: the program
    keeps its signature.

    >>> import fluxion as fx, fluxion.numpy as fnp
    >>> def f(x):
    ...     unused = fnp.sin(x)
    ...     return fnp.cos(x)
    >>> p = fx.make_program(f)(fnp.ones(3))
    >>> [eq.prim.name for eq in dce(p).equations]
    ['cos']
    """
    live = {v for v in program.outputs if v.__class__ is Var}
    kept = []
    for eq in reversed(program.equations):
        if any(v in live for v in eq.outputs) or has_effects(eq):
            kept.append(eq)
            live.update(x for x in eq.inputs if x.__class__ is Var)
    dead_consts = sum(v not in live for v in program.constvars)
    if len(kept) == len(program.equations) and not dead_consts:
        return program
    kept.reverse()
    consts = [(v, c) for v, c in zip(program.constvars, program.consts) if v in live]
    return Program([v for v, _ in consts], [c for _, c in consts], program.inputs, kept, program.outputs)
