"""Forward-mode and batching rules of `while_p`.

Forward mode is one loop over the primal values and tangents: the body is the JVP of the body
(a carry has a tangent once any iteration gives it one), the condition ignores the tangents.
When the tangents are being staged into a linear program (`linearize`, `jacfwd`), the primal
values come from a second, primal-only loop; that linear program can be evaluated but not
transposed: reverse mode needs the loop states of every iteration (`while_grad.py`).

Under vmap, a condition that is the same for every example gives a loop of the batched body.
A batched condition gives a loop that runs while any example's condition holds; each
iteration computes every example's next state and keeps it only where that example's
condition still holds, so finished examples stay frozen. The step a finished example still
runs sees its values without their derivatives, so that it sends back no NaN in reverse mode
(a value the examples share and a derivative is taken of is made per example for that);
unless the loop holds a collective, which passes a finished example's values on to the others
(as in jax, whose batched loop runs every example's step too).
"""
from __future__ import annotations

import functools

from ..core.primitive import batch_rules
from ..core.program import Program, Var, evaluate
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._ad import Zero, instantiate
from ..ops._batch import broadcast_batch, moveaxis
from ..ops.collectives import axis_names
from ..transforms.autodiff.jvp import JVPTracer
from ._derive import (batch_program, cached, guarded, jvp_program, like, loop_fixpoint, reorder, replace,
                      trace_program)
from .loops import while_p


def joint_jvp(primals, tangents, *, cond, body, cond_nconsts, body_nconsts, capacity):
    """Final carry and its tangents from one loop over the primal values and tangents."""
    nk = cond_nconsts + body_nconsts
    cc, bc, h = primals[:cond_nconsts], primals[cond_nconsts:nk], primals[nk:]
    live = [t.__class__ is not Zero for t in tangents[cond_nconsts:]]
    jvp, live_in, _ = loop_fixpoint(jvp_program, body, live, len(h), carry_at=body_nconsts)
    n = len(live_in)
    t_in = dict(zip([i for i, lv in enumerate(live_in) if lv], range(n, n + sum(live_in))))
    tans = [like(instantiate(t), p.aval) for t, p, lv in zip(tangents[cond_nconsts:], primals[cond_nconsts:], live_in)
            if lv]
    num_tb = sum(live_in[:body_nconsts])
    order = [*range(body_nconsts), *[t_in[i] for i in range(body_nconsts) if i in t_in],
             *range(body_nconsts, n), *[t_in[i] for i in range(body_nconsts, n) if i in t_in]]
    new_body = reorder(jvp, tuple(order), tuple(range(len(jvp.outputs))))
    th = tans[num_tb:]
    res = while_p.bind(*cc, *bc, *tans[:num_tb], *h, *th, cond=_ignoring(cond, tuple(t.aval for t in th)),
                       body=new_body, cond_nconsts=cond_nconsts, body_nconsts=body_nconsts + num_tb,
                       capacity=capacity)
    t_res = iter(res[len(h):])
    return res[:len(h)], [next(t_res) if lv else Zero(p.aval) for p, lv in zip(h, live_in[body_nconsts:])]


@cached
def _ignoring(program: Program, avals: tuple) -> Program:
    """`program` taking extra trailing inputs of types `avals` that it does not use."""
    return replace(program, inputs=[*program.inputs, *map(Var, avals)])


def _while_batch(args, dims, axis, *, cond, body, cond_nconsts, body_nconsts, capacity):
    nk = cond_nconsts + body_nconsts
    vals = [a if d is None else moveaxis(a, d, 0) for a, d in zip(args, dims)]
    batched = [d is not None for d in dims]
    carry = batched[nk:]
    # a collective in the loop passes a frozen example's values on to the others: they keep their derivatives
    guard = not (axis_names(cond) or axis_names(body))
    while True:  # the carries some iteration batches, and whether the condition is batched
        body_b, body_in, _ = loop_fixpoint(functools.partial(batch_program, axis=axis), body,
                                           [*batched[cond_nconsts:nk], *carry], len(carry), carry_at=body_nconsts)
        carry = list(body_in[body_nconsts:])
        cond_b, (pred_batched,) = batch_program(cond, (*batched[:cond_nconsts], *carry), (False,), axis)
        if pred_batched and not all(carry):
            carry = [True] * len(carry)  # frozen examples need a state of their own
            continue
        shared = [i for i in range(cond_nconsts, nk) if not batched[i] and isinstance(vals[i], JVPTracer)]
        if pred_batched and guard and shared:  # differentiated values the body shares are guarded per example
            for i in shared:
                vals[i], batched[i] = broadcast_batch(vals[i], axis.size), True
            continue
        break
    h = [broadcast_batch(v, axis.size) if b and not bb else v for v, b, bb in zip(vals[nk:], carry, batched[nk:])]
    if pred_batched:
        body_b = _frozen(cond_b, body_b, cond_nconsts, body_nconsts, tuple(batched[cond_nconsts:nk]), guard)
        cond_b = _any(cond_b)
        outs = while_p.bind(*vals[:cond_nconsts], *vals[:nk], *h, cond=cond_b, body=body_b,
                            cond_nconsts=cond_nconsts, body_nconsts=nk, capacity=capacity)
    else:
        outs = while_p.bind(*vals[:nk], *h, cond=cond_b, body=body_b, cond_nconsts=cond_nconsts,
                            body_nconsts=body_nconsts, capacity=capacity)
    return outs, [0 if b else None for b in carry]


@cached
def _any(cond: Program) -> Program:
    """A batched condition made one: whether it holds for any example."""
    return trace_program("vmap", lambda *xs: [R.reduce_or_p.bind(evaluate(cond, *xs)[0], axes=(0,))], cond.in_types)


@cached
def _frozen(cond: Program, body: Program, cond_nconsts: int, body_nconsts: int, batched_consts: tuple,
            guard: bool) -> Program:
    """A batched body that leaves the examples whose condition no longer holds as they are.
    Inputs: the condition's values, the body's values, the (batched) carry. The step a frozen
    example still runs sees its carry and batched values without their derivatives (`guarded`),
    unless `guard` is false."""
    nk = cond_nconsts + body_nconsts
    keep = guarded if guard else lambda pred, x: x

    def step(*xs):
        carry = xs[nk:]
        (pred,) = evaluate(cond, *xs[:cond_nconsts], *carry)
        consts = [keep(pred, c) if b else c for c, b in zip(xs[cond_nconsts:nk], batched_consts)]
        new = evaluate(body, *consts, *[keep(pred, c) for c in carry])
        return [E.select_n_p.bind(S.broadcast_in_dim(pred, c.shape, (0,)), c, n) for c, n in zip(carry, new)]

    return trace_program("vmap", step, [*cond.in_types[:cond_nconsts], *body.in_types])


batch_rules[while_p] = _while_batch
