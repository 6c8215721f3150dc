"""Transposition of a linear program: the backward pass of reverse mode."""
from __future__ import annotations

from ...core import dtypes, errors
from ...core.primitive import transpose_rules
from ...core.program import Equation, Literal, Program
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
        ct = output_cotangent(eq, ct_env)
        if ct is not None:
            for x, c in zip(eq.inputs, transpose_equation(eq, ct, known)):
                add_ct(x, c)
    return [ct_env.get(v, Zero(v.aval)) for v in program.inputs]


def output_cotangent(eq: Equation, ct_env: dict):
    """The cotangent of `eq`'s output (a list of them, Zero for missing ones, for a
    multiple-result primitive) taken out of `ct_env`; None if it has none."""
    if eq.prim.multiple_results:
        cts = [ct_env.pop(v, None) for v in eq.outputs]
        if all(c is None for c in cts):
            return None
        return [Zero(v.aval) if c is None else c for v, c in zip(eq.outputs, cts)]
    return ct_env.pop(eq.outputs[0], None)


def transpose_equation(eq: Equation, ct, known: dict) -> list:
    """The cotangents of `eq`'s inputs (None or Zero for those it has none for)."""
    args = [x.value if x.__class__ is Literal else known[x] if x in known else UndefinedPrimal(x.aval)
            for x in eq.inputs]
    rule = transpose_rules.get(eq.prim)
    if rule is None:
        raise errors.op_error(NotImplementedError, eq.prim.name, "has no transpose rule, so reverse mode cannot "
                              f"pass through it; where it computes on tangents, it is not linear in them {_LINEAR}",
                              "use forward mode (fx.jvp, fx.jacfwd) for this function, or make the custom_jvp rule "
                              "linear in its tangents")
    try:
        return rule(ct, *args, **eq.params)
    except (AttributeError, TypeError):
        if any(x.__class__ is UndefinedPrimal and x.aval.dtype not in dtypes.FLOATING for x in args):
            raise errors.op_error(TypeError, eq.prim.name, "is applied to a comparison of a tangent, so the "
                                  "derivative is not linear in the tangents and reverse mode cannot transpose it "
                                  f"{_LINEAR}", "make the rule linear in its tangents, or use forward mode "
                                  "(fx.jvp, fx.jacfwd)") from None
        raise


_LINEAR = ("(a custom_jvp rule's tangent output must be linear in its tangents t: cos(x) * t, not t ** 2, abs(t) "
           "or where(t > 0, ...))")
