"""Derivative and batching rules of `cond_p`.

Forward mode runs the same conditional on the primal values and tangents, with each branch's
JVP as the branch. In reverse mode each branch is split into its primal part, which also gives
the residuals, and its tangent part, which reads them (`linearize_program`): the primal
conditional gives the outputs and residuals of the branch taken, and the tangent conditional,
linear in the tangents, lands in the linear program. Its transpose is a conditional on the
same index whose branches are the transposes of the tangent parts, so it recomputes nothing
of the primal branch (a loop in it is taped once, by the primal conditional). Under vmap, an
unbatched index picks among batched branches; a batched index runs every branch and selects
each example's result, as jax does: a collective in a branch then combines every example's
values, also those of examples that do not take the branch, but (`_guard`) without their
derivatives.
"""
from __future__ import annotations

import numpy as np

from ..core import dtypes
from ..core.array import Tracer, to_array
from ..core.primitive import batch_rules, jvp_rules, transpose_rules
from ..core.program import Program, Var, evaluate
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._ad import Zero, is_undefined
from ..ops._batch import broadcast_batch, moveaxis
from ._derive import (batch_eval, batch_program, cached, differentiated, guarded, jvp_program, like, linearize_program,
                      replace, splits, trace_program, transpose_program, zeros_like)
from .cond import cond_p


def _cond_jvp(primals, tangents, *, branches):
    index, args = primals[0], primals[1:]
    live_in = tuple(t.__class__ is not Zero for t in tangents[1:])
    nout = len(branches[0].outputs)
    derive = linearize_program if splits(primals) else jvp_program
    live_out = (False,) * nout
    for b in branches:  # an output has a tangent if any branch gives it one
        live_out = tuple(map(max, live_out, derive(b, live_in, live_out)[-1]))
    live_t = [like(t, a.aval) for t, a, live in zip(tangents[1:], args, live_in) if live]
    if derive is linearize_program:
        outs, t_outs = _split(index, args, live_t, [linearize_program(b, live_in, live_out) for b in branches], nout)
    else:
        res = cond_p.bind(index, *args, *live_t, branches=tuple(jvp_program(b, live_in, live_out)[0] for b in branches))
        outs, t_outs = res[:nout], res[nout:]
    t_outs = iter(t_outs)
    return outs, tuple(next(t_outs) if live else Zero(o.aval) for o, live in zip(outs, live_out))


def _split(index, args, live_t, splits, nout: int):
    """A primal conditional that also gives the residuals of the branch taken, and a tangent
    conditional on them, linear in the tangents (`splits`: each branch's `linearize_program`).

    The branches' residuals share slots of their types; a branch gives zeros in those it does
    not fill. A residual that is a constant operand of the conditional (a value the branches
    close over) is read from the operands, which the tangent conditional takes too: under vmap
    with a batched index every branch's tangent part runs for every example, and a collective in
    it passes what it computes for the examples that do not take the branch on to those that do,
    so it must see the constant there, not another branch's residual (nor zero, which it may
    divide by)."""
    constant = [not isinstance(a, Tracer) for a in args]
    consts = [a for a, k in zip(args, constant) if k]
    among = {i: n for n, i in enumerate(i for i, k in enumerate(constant) if k)}  # an operand's place among consts
    forwarded = [[None if k is None else among[k] for k in _forwarded(fwd, nout, constant)] for fwd, _, _ in splits]
    slots, places = _slots([[t for t, k in zip(lin.in_types, f) if k is None]
                            for (_, lin, _), f in zip(splits, forwarded)])
    places = [tuple(k if k is not None else len(consts) + next(free) for k in f)
              for f, free in zip(forwarded, map(iter, places))]
    slots = tuple(slots)
    res = cond_p.bind(index, *args, branches=tuple(_giving(fwd, nout, slots, place, len(consts))
                                                   for (fwd, _, _), place in zip(splits, places)))
    in_types = tuple(t for t, k in zip(splits[0][0].in_types, constant) if k)
    t_outs = cond_p.bind(index, *consts, *res[nout:], *live_t,
                         branches=tuple(_reading(lin, in_types, slots, place)
                                        for (_, lin, _), place in zip(splits, places)))
    return res[:nout], t_outs


def _forwarded(forward: Program, nout: int, constant: list) -> list:
    """For each residual of a branch's primal part, the position of the `constant` input it is
    (once per input), or None."""
    seen, found = set(), []
    for r in forward.outputs[nout:]:
        k = next((i for i, x in enumerate(forward.inputs) if x is r and constant[i]), None)
        found.append(None if k in seen else k)
        seen.add(k)
    return found


def _slots(res_types: list) -> tuple[list, list[list[int]]]:
    """Slots for residuals of the types `res_types` (per branch), those of one floating type
    shared by the branches: the slots' types and, per branch, the slot of each of its residuals.
    (Integer residuals, such as a loop's trip count, are each branch's own: under vmap with a
    batched index every branch's tangent part runs for every example, and one that took another
    branch must read zeros there, not that branch's count, whose reverse sweep may never end.)"""
    slots, places = [], []
    for types in res_types:
        free = {}  # type -> the slots of that type this branch has not filled yet
        for k, t in enumerate(slots):
            if dtypes.kind(t.dtype) >= dtypes.FLOAT:
                free.setdefault(t, []).append(k)
        place = []
        for t in types:
            if free.get(t):
                place.append(free[t].pop(0))
            else:
                place.append(len(slots))
                slots.append(t)
        places.append(place)
    return slots, places


@cached
def _giving(forward: Program, nout: int, slots: tuple, place: tuple, nargs: int) -> Program:
    """A branch's primal part giving its outputs, then its residuals in their `place`s among
    `slots` (zeros in the others); a residual whose place is below `nargs` is a constant operand
    (see `_split`)."""
    def run(*xs):
        out = evaluate(forward, *xs)
        res = {k - nargs: r for k, r in zip(place, out[nout:]) if k >= nargs}
        return [*out[:nout], *[res[k] if k in res else zeros_like(t) for k, t in enumerate(slots)]]

    return trace_program("linearize", run, forward.in_types)


@cached
def _reading(linear: Program, in_types: tuple, slots: tuple, place: tuple) -> Program:
    """A branch's tangent part taking the conditional's constant operands (of `in_types`) and
    every slot (see `_giving`), then the tangents."""
    nres = len(place)
    ins = [Var(t) for t in (*in_types, *slots)]
    for k, v in zip(place, linear.inputs[:nres]):
        ins[k] = v
    return replace(linear, inputs=[*ins, *linear.inputs[nres:]])


def _cond_transpose(cts, index, *args, branches):
    if is_undefined(index):
        raise AssertionError("cond_p: the index of a linear conditional must be known")
    linear = tuple(map(is_undefined, args))
    ct_live = tuple(c.__class__ is not Zero for c in cts)
    if not any(ct_live):
        return [None] * (1 + len(args))
    known = [a for a, lin in zip(args, linear) if not lin]
    live_cts = [like(c, o) for c, o, live in zip(cts, branches[0].out_types, ct_live) if live]
    out = iter(cond_p.bind(index, *known, *live_cts,
                           branches=tuple(transpose_program(b, linear, ct_live) for b in branches)))
    return [None] + [next(out) if lin else None for lin in linear]


def _cond_batch(args, dims, axis, *, branches):
    index, ops = args[0], [a if d is None else moveaxis(a, d, 0) for a, d in zip(args[1:], dims[1:])]
    batched = tuple(d is not None for d in dims[1:])
    nout = len(branches[0].outputs)
    if dims[0] is not None:  # each example picks its own branch: run them all and select
        index = moveaxis(index, dims[0], 0)
        if index.dtype != dtypes.int32:
            index = E.convert_element_type_p.bind(index, new_dtype=dtypes.int32, weak=False)
        # clamped, as switch clamps: an example that does not take an enclosing branch may carry
        # any index there (a residual of that branch's reverse mode is filler in the other branches)
        index = E.min_p.bind(E.max_p.bind(index, to_array(np.int32(0))), to_array(np.int32(len(branches) - 1)))
        outs = []
        for i, b in enumerate(branches):
            taken = E.eq_p.bind(index, to_array(np.int32(i)))
            guarded = [_guard(taken, x, d, axis.size) for x, d in zip(ops, batched)]
            outs.append(batch_eval(b, guarded, [d or x is not g for x, d, g in zip(ops, batched, guarded)],
                                   axis, (True,) * nout)[0])
        return [_select(index, [o[i] for o in outs]) for i in range(nout)], [0] * nout
    force = (False,) * nout
    for b in branches:  # an output is batched if any branch batches it
        force = tuple(map(max, force, batch_program(b, batched, force, axis)[1]))
    progs = tuple(batch_program(b, batched, force, axis)[0] for b in branches)
    return cond_p.bind(index, *ops, branches=progs), [0 if f else None for f in force]


def _select(index, cases):
    """Per example (leading axis), the case `index` (int32) picks."""
    return E.select_n_p.bind(S.broadcast_in_dim(index, cases[0].shape, (0,)), *cases)


def _guard(taken, x, batched: bool, size: int):
    """A branch's operand `x`, `guarded` by the examples that take the branch: the operands
    being differentiated, and batched ones being staged (a staged program may be differentiated
    later). An unbatched operand is batched by the guard, so it is guarded only while
    differentiated: one shared by the examples (a weight matrix) would otherwise be copied per
    example, and its products computed per example."""
    if dtypes.kind(x.dtype) < dtypes.FLOAT or not (differentiated(x) or batched and isinstance(x, Tracer)):
        return x
    return guarded(taken, x if batched else broadcast_batch(x, size))


jvp_rules[cond_p] = _cond_jvp
transpose_rules[cond_p] = _cond_transpose
batch_rules[cond_p] = _cond_batch
