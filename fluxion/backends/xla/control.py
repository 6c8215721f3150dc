"""XLA lowering of the control-flow primitives to XLA's own conditional, while loop and scan.

Each sub-program is lowered by the same interpreter as a whole program (lower.py), inside the
function that `lax.switch` / `lax.while_loop` / `lax.scan` trace.
"""
from __future__ import annotations

from jax import lax

from ...control.cond import cond_p
from ...control.loops import while_p
from ...control.scan import scan_p
from ...core.rules import xla_lowering
from .lower import lower_program


def _cond(index, *args, branches):
    return tuple(lax.switch(index, [lambda *a, b=b: tuple(lower_program(b, a)) for b in branches], *args))


def _while(*args, cond, body, cond_nconsts, body_nconsts, capacity):
    n = cond_nconsts + body_nconsts
    cond_consts, body_consts = args[:cond_nconsts], args[cond_nconsts:n]
    return tuple(lax.while_loop(lambda carry: lower_program(cond, (*cond_consts, *carry))[0],
                                lambda carry: tuple(lower_program(body, (*body_consts, *carry))),
                                tuple(args[n:])))


def _scan(*args, body, length, reverse, unroll, num_consts, num_carry):
    n = num_consts + num_carry
    consts = args[:num_consts]

    def step(carry, xs):
        out = lower_program(body, (*consts, *carry, *xs))
        return tuple(out[:num_carry]), tuple(out[num_carry:])

    carry, ys = lax.scan(step, tuple(args[num_consts:n]), tuple(args[n:]), length=length, reverse=reverse,
                         unroll=unroll)
    return (*carry, *ys)


xla_lowering.update({cond_p: _cond, while_p: _while, scan_p: _scan})
