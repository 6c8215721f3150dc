"""Transposition of a linear program: the backward pass of reverse mode."""
from __future__ import annotations

from ...core import errors
from ...core.primitive import transpose_rules
from ...core.program import Literal, Program
from ...ops._ad import UndefinedPrimal, Zero, add_tangents


def backward_pass(program: Program, cotangents: list) -> list:
    """Cotangents of `program`'s inputs given cotangents of its outputs (each a value or Zero).

    Every equation of a linear program is linear in the program's inputs; its other operands
    are constants (the residuals).
    """
    known = dict(zip(program.constvars, program.consts))
    ct_env: dict = {}

    def add_ct(var, ct):
        if ct is None or ct.__class__ is Zero or var.__class__ is Literal or var in known:
            return
        ct_env[var] = add_tangents(ct_env[var], ct) if var in ct_env else ct

    for v, ct in zip(program.outputs, cotangents):
        add_ct(v, ct)
    for eq in reversed(program.equations):
        if eq.prim.multiple_results:
            cts = [ct_env.pop(v, None) for v in eq.outputs]
            if all(c is None for c in cts):
                continue
            ct = [Zero(v.aval) if c is None else c for v, c in zip(eq.outputs, cts)]
        else:
            ct = ct_env.pop(eq.outputs[0], None)
            if ct is None:
                continue
        args = [x.value if x.__class__ is Literal else known[x] if x in known else UndefinedPrimal(x.aval)
                for x in eq.inputs]
        try:
            rule = transpose_rules[eq.prim]
        except KeyError:
            raise errors.op_error(NotImplementedError, eq.prim.name, "has no transpose rule, so reverse mode cannot "
                                  "pass through it", "use forward mode (fx.jvp, fx.jacfwd) for this function") from None
        for x, c in zip(eq.inputs, rule(ct, *args, **eq.params)):
            add_ct(x, c)
    return [ct_env.get(v, Zero(v.aval)) for v in program.inputs]
