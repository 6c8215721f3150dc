"""Derivative and batching rules of `scan_p`.

Forward mode is one scan over the primal values and tangents, whose body is the JVP of the
body (a carry has a tangent once any step gives it one). In reverse mode the body is split
into its primal part, which also gives the residuals, and its tangent part, which reads them
(`linearize_program`): the primal scan also outputs, stacked, the residuals of each step, and a
second scan, linear in the tangents, computes the tangents from them: that one lands in the
linear program, and recomputes nothing of the primal body (a loop in it is taped once).
Residuals that depend on no carry or xs are computed once, before the loop, and not stacked.
The tangent scan's transpose is a scan in the other direction whose step is the transpose of
the tangent step: it carries the cotangent of the carry and sums those of the values every
step shares. Under vmap the body is batched; a batched `xs` has its batch axis
second (the first is the scan's).
"""
from __future__ import annotations

import functools

from ..core import dtypes
from ..core.array import to_array
from ..core.primitive import batch_rules, jvp_rules, transpose_rules
from ..core.program import Program, evaluate, has_effects
from ..ops import elementwise as E
from ..ops._ad import Zero, instantiate, is_undefined
from ..ops._batch import broadcast_batch, moveaxis
from ..transforms.passes import dce
from ._derive import (batch_program, cached, jvp_program, like, linearize_program, loop_fixpoint, reorder,
                      select_outputs, splits, trace_program, transpose_program, zeros_like)
from ._subprogram import make
from .scan import scan_p


def _aval(x):
    return x.aval if hasattr(x, "aval") else to_array(x).aval


def _scan_jvp(primals, tangents, *, body, length, reverse, unroll, num_consts, num_carry):
    nc, nh = num_consts, num_carry
    n, nout = len(primals), len(body.outputs)
    split = splits(primals)
    derived, live_in, live_out = loop_fixpoint(_linearized if split else jvp_program, body,
                                               [t.__class__ is not Zero for t in tangents], nh, carry_at=nc)
    groups = (range(nc), range(nc, nc + nh), range(nc + nh, n))  # consts, carry, xs
    tans = [like(instantiate(t), p.aval) for t, p, lv in zip(tangents, primals, live_in) if lv]
    counts = [sum(live_in[i] for i in g) for g in groups]
    tc, th, tx = tans[:counts[0]], tans[counts[0]:counts[0] + counts[1]], tans[counts[0] + counts[1]:]
    params = {"length": length, "reverse": reverse, "unroll": unroll}
    if split:
        outs, t_res = _split(primals, tc, th, tx, *derived, nc, nh, nout, params)
    else:  # one scan: consts, carry and xs each followed by their tangents
        # the JVP program's inputs are the primal values, then the tangents of the live inputs; outputs likewise
        t_pos = [[n + k for k in range(sum(counts[:g]), sum(counts[:g + 1]))] for g in range(3)]
        order_in = [j for g, pos in zip(groups, t_pos) for j in (*g, *pos)]
        t_out = [nout + k for k in range(sum(live_out))]
        order_out = [*range(nh), *t_out[:len(th)], *range(nh, nout), *t_out[len(th):]]
        res = scan_p.bind(*primals[:nc], *tc, *primals[nc:nc + nh], *th, *primals[nc + nh:], *tx,
                          body=reorder(derived, tuple(order_in), tuple(order_out)), num_consts=nc + len(tc),
                          num_carry=nh + len(th), **params)
        lh, ny = len(th), nout - nh  # res: carry, carry tangents, ys, ys' tangents
        outs = [*res[:nh], *res[nh + lh:nh + lh + ny]]
        t_res = [*res[nh:nh + lh], *res[nh + lh + ny:]]
    t_res = iter(t_res)
    return outs, [next(t_res) if lv else Zero(o.aval) for o, lv in zip(outs, live_out)]


def _linearized(body: Program, live_in: tuple[bool, ...], force_out: tuple[bool, ...]):
    forward, linear, live_out = linearize_program(body, live_in, force_out)
    return (forward, linear), live_out


def _split(primals, tc, th, tx, forward: Program, linear: Program, nc: int, nh: int, nout: int, params: dict):
    """A primal scan that also stacks the residuals of each step, and a tangent scan on them,
    linear in the tangents (`forward`, `linear`: the body's `linearize_program`). Residuals
    that no carry or xs reaches are computed once, before the loop, and one that is an xs is
    that xs: neither is stacked."""
    stepped, before, source = _residuals(forward, nc, nh, nout)
    res = scan_p.bind(*primals, body=stepped, num_consts=nc, num_carry=nh, **params)
    shared, stacked = iter(evaluate(before, *primals[:nc])), iter(res[nout:])
    known = [next(shared) if s == "shared" else next(stacked) if s == "stacked" else primals[s] for s in source]
    once = [k for k, s in enumerate(source) if s == "shared"]
    each = [k for k, s in enumerate(source) if s != "shared"]
    x_tangents = len(source) + len(tc) + len(th)  # the linear part's inputs: residuals, then tc, th, tx
    order_in = [*once, *range(len(source), x_tangents), *each, *range(x_tangents, len(linear.inputs))]
    t_res = scan_p.bind(*[known[k] for k in once], *tc, *th, *[known[k] for k in each], *tx,
                        body=reorder(linear, tuple(order_in), tuple(range(len(linear.outputs)))),
                        num_consts=len(once) + len(tc), num_carry=len(th), **params)
    return res[:nout], t_res


@cached
def _residuals(forward: Program, nc: int, nh: int, nout: int) -> tuple[Program, Program, tuple]:
    """The body `forward` (giving `nout` outputs, then residuals) split by where its residuals
    come from: the body giving its outputs and the residuals that change from step to step;
    the program computing the others from the consts; and per residual, "shared" (one value
    for every step), "stacked" (one per step, from the loop) or the index of the xs it is.
    Effects (a debug print) stay in the loop, once a step: what they make changes too."""
    varying = set(forward.inputs[nc:])
    for eq in forward.equations:
        if has_effects(eq) or any(x in varying for x in eq.inputs):
            varying.update(eq.outputs)
    xs = {v: nc + nh + k for k, v in enumerate(forward.inputs[nc + nh:])}
    res = forward.outputs[nout:]
    source = tuple("shared" if v not in varying else xs.get(v, "stacked") for v in res)
    stepped = select_outputs(forward, (True,) * nout + tuple(s == "stacked" for s in source))
    before = dce(Program(forward.constvars, forward.consts, forward.inputs,  # (no effect: they ran in the loop)
                         [eq for eq in forward.equations if not has_effects(eq)],
                         [v for v, s in zip(res, source) if s == "shared"]))
    return stepped, make(before.equations, before.inputs[:nc], before.outputs, before.constvars, before.consts), source


def _scan_transpose(cts, *args, body, length, reverse, unroll, num_consts, num_carry):
    nc, nh = num_consts, num_carry
    consts, carry, xs = args[:nc], args[nc:nc + nh], args[nc + nh:]
    if any(_aval(a).dtype not in dtypes.FLOATING for a in carry):
        raise AssertionError("scan_p: a linear scan carries only tangents")
    lin_c, lin_x = [is_undefined(a) for a in consts], [is_undefined(a) for a in xs]
    ct_h = [like(instantiate(c), _aval(a)) for c, a in zip(cts[:nh], carry)]
    y_live = tuple(c.__class__ is not Zero for c in cts[nh:])
    ct_y = [like(c, o) for c, o, lv in zip(cts[nh:], body.out_types[nh:], y_live) if lv]
    linear = (*lin_c, *(True,) * nh, *lin_x)
    step = _transposed_step(transpose_program(body, linear, (True,) * nh + y_live), lin_c.count(False),
                            lin_x.count(False), nh, lin_c.count(True))
    acc = [zeros_like(a.aval) for a, lin in zip(consts, lin_c) if lin]
    res = scan_p.bind(*[a for a, lin in zip(consts, lin_c) if not lin], *ct_h, *acc,
                      *[a for a, lin in zip(xs, lin_x) if not lin], *ct_y, body=step, length=length,
                      reverse=not reverse, unroll=unroll, num_consts=lin_c.count(False), num_carry=nh + len(acc))
    ct_carry, ct_consts, ct_xs = res[:nh], iter(res[nh:nh + len(acc)]), iter(res[nh + len(acc):])
    return [*[next(ct_consts) if lin else None for lin in lin_c], *ct_carry,
            *[next(ct_xs) if lin else None for lin in lin_x]]


@cached
def _transposed_step(transposed: Program, num_known_c: int, num_known_x: int, nh: int, num_lin_c: int) -> Program:
    """The body of a transposed scan: inputs [known consts, carry cotangents, sums of the shared
    values' cotangents, known xs, y cotangents]; outputs [carry cotangents, updated sums, x cotangents].
    `transposed` takes [known consts, known xs, carry cotangents, y cotangents] and gives
    [shared values' cotangents, carry cotangents, x cotangents]."""
    def step(*vals):
        kc, rest = vals[:num_known_c], vals[num_known_c:]
        ct_h, acc, rest = rest[:nh], rest[nh:nh + num_lin_c], rest[nh + num_lin_c:]
        kx, ct_y = rest[:num_known_x], rest[num_known_x:]
        out = evaluate(transposed, *kc, *kx, *ct_h, *ct_y)
        return [*out[num_lin_c:num_lin_c + nh], *[E.add_p.bind(a, c) for a, c in zip(acc, out[:num_lin_c])],
                *out[num_lin_c + nh:]]

    t_in = transposed.in_types
    kc, kx = t_in[:num_known_c], t_in[num_known_c:num_known_c + num_known_x]
    rest = t_in[num_known_c + num_known_x:]
    acc = transposed.out_types[:num_lin_c]
    return trace_program("transpose", step, [*kc, *rest[:nh], *acc, *kx, *rest[nh:]])


def _scan_batch(args, dims, axis, *, body, length, reverse, unroll, num_consts, num_carry):
    nc, nh = num_consts, num_carry
    batched = [d is not None for d in dims]
    program, batched_in, batched_out = loop_fixpoint(functools.partial(batch_program, axis=axis), body, batched, nh,
                                                      carry_at=nc)
    vals = []
    for i, (a, d) in enumerate(zip(args, dims)):
        if i >= nc + nh:  # the batch axis of xs goes second, after the scanned one
            vals.append(a if d is None else moveaxis(a, d, 1))
        elif d is not None:
            vals.append(moveaxis(a, d, 0))
        else:
            vals.append(broadcast_batch(a, axis.size) if batched_in[i] else a)
    outs = scan_p.bind(*vals, body=program, length=length, reverse=reverse, unroll=unroll, num_consts=nc,
                       num_carry=nh)
    return outs, [(0 if i < nh else 1) if b else None for i, b in enumerate(batched_out)]


jvp_rules[scan_p] = _scan_jvp
transpose_rules[scan_p] = _scan_transpose
batch_rules[scan_p] = _scan_batch
