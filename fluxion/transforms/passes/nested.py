"""The passes inside control flow: the branches and loop bodies that an equation carries are
optimized as programs of their own, after the small constants the equation passes them (a
loop's closed-over values, a branch's operands) are made their constants, so that the
rewrites and folding see them as they would at the top level."""
from __future__ import annotations

from collections.abc import Callable

from ...core.program import Equation, Literal, Program, Var, sub_programs
from ...core.rules import passed_operands
from ..autodiff.call_primitive import CallPrimitive
from ._rebuild import literal_array

# the largest constant copied into a sub-program (larger ones stay operands, as one copy)
MAX_INLINED_ELEMENTS = 1024


def nested(program: Program, optimize: Callable[[Program], Program]) -> Program:
    """`program` with `optimize` applied to the sub-programs of its equations (the same object
    when that changes none of them)."""
    values = dict(zip(program.constvars, program.consts))
    equations = [_optimized(eq, values, optimize) for eq in program.equations]
    if all(a is b for a, b in zip(equations, program.equations)):
        return program
    return Program(program.constvars, program.consts, program.inputs, equations, program.outputs)


def _optimized(eq: Equation, values: dict, optimize) -> Equation:
    if isinstance(eq.prim, CallPrimitive) or not sub_programs(eq.params):  # (effects inside are kept by the passes)
        return eq
    passed = passed_operands[eq.prim](eq.params) if eq.prim in passed_operands else {}
    params = {}
    for name, v in eq.params.items():
        consts = {}
        for operand, i in passed.get(name, ()):
            c = eq.inputs[operand]
            c = literal_array(c) if c.__class__ is Literal else values.get(c)
            if c is not None and c.size <= MAX_INLINED_ELEMENTS:
                consts[i] = c
        if isinstance(v, Program):
            v = optimize(_with_consts(v, consts))
        elif isinstance(v, tuple):
            new = tuple(optimize(_with_consts(u, consts)) if isinstance(u, Program) else u for u in v)
            v = v if all(a is b for a, b in zip(new, v)) else new
        params[name] = v
    if all(params[k] is v for k, v in eq.params.items()):
        return eq
    return Equation(eq.prim, eq.inputs, eq.outputs, params)


def _with_consts(program: Program, consts: dict) -> Program:
    """`program` reading constant values `consts` (by input index) wherever it read those
    inputs: the inputs stay, unused, so the program keeps its signature."""
    if not consts:
        return program
    used = {x for eq in program.equations for x in eq.inputs} | set(program.outputs)
    subst = {program.inputs[i]: Var(program.inputs[i].aval) for i in consts if program.inputs[i] in used}
    if not subst:
        return program
    read = lambda x: subst.get(x, x) if x.__class__ is Var else x  # noqa: E731
    equations = [Equation(eq.prim, [read(x) for x in eq.inputs], eq.outputs, eq.params) for eq in program.equations]
    new = [i for i in consts if program.inputs[i] in subst]
    return Program([*program.constvars, *(subst[program.inputs[i]] for i in new)],
                   [*program.consts, *(consts[i] for i in new)],
                   program.inputs, equations, [read(v) for v in program.outputs])
