"""XLA lowering of the control-flow primitives to XLA's own conditional, while loop and scan.

Each sub-program is lowered by the same interpreter as a whole program, inside the function
that `lax.switch` / `lax.while_loop` / `lax.scan` trace.
"""
from __future__ import annotations

import functools

import numpy as np
from jax import lax

from ...control.cond import cond_p
from ...control.loops import while_p
from ...control.scan import scan_p
from ...core.array import to_array
from ...core.interpreters import push
from ...core.program import Program
from ...core.rules import xla_lowering
from ...core.types import ArrayType
from ...transforms.autodiff.checkpoint import remat_call_p
from ...transforms.autodiff.custom import custom_jvp_call_p, custom_vjp_call_p
from ...transforms.autodiff.partial_eval import StagingInterpreter


def _lower(program, args) -> list:
    from . import _interpret  # the package's interpreter (this module is imported while it loads)
    return _interpret(program, [np.asarray(c._value) for c in program.consts], args)


def _cond(index, *args, branches):
    return tuple(lax.switch(index, [lambda *a, b=b: tuple(_lower(b, a)) for b in branches], *args))


def _while(*args, cond, body, cond_nconsts, body_nconsts, capacity):
    n = cond_nconsts + body_nconsts
    cond_consts, body_consts = args[:cond_nconsts], args[cond_nconsts:n]
    return tuple(lax.while_loop(lambda carry: _lower(cond, (*cond_consts, *carry))[0],
                                lambda carry: tuple(_lower(body, (*body_consts, *carry))),
                                tuple(args[n:])))


def _scan(*args, body, length, reverse, unroll, num_consts, num_carry):
    n = num_consts + num_carry
    consts = args[:num_consts]

    def step(carry, xs):
        out = _lower(body, (*consts, *carry, *xs))
        return tuple(out[:num_carry]), tuple(out[num_carry:])

    carry, ys = lax.scan(step, tuple(args[num_consts:n]), tuple(args[n:]), length=length, reverse=reverse,
                         unroll=unroll)
    return (*carry, *ys)


def _call(prim):
    """Lowering of a call of a function with a custom derivative rule, which a sub-program
    records whole (see control/_subprogram.py): the function, inlined."""
    def lower(*args, **params):
        avals = tuple(ArrayType(a.shape, np.dtype(a.dtype)) for a in args)
        return tuple(_lower(_inlined(prim, avals, tuple(params.items())), args))
    return lower


@functools.lru_cache(maxsize=256)
def _inlined(prim, avals: tuple, params: tuple) -> Program:
    staging = StagingInterpreter()
    with push(staging):  # on a plain staging interpreter a call runs its function, whose operations are recorded
        outs = prim.impl(*[staging.new_input(a) for a in avals], **dict(params))
    return staging.program([to_array(o) for o in outs])


xla_lowering.update({cond_p: _cond, while_p: _while, scan_p: _scan})
xla_lowering.update({p: _call(p) for p in (custom_jvp_call_p, custom_vjp_call_p, remat_call_p)})
