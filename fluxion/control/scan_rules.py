"""Derivative and batching rules of `scan_p`.

Forward mode is one scan over the primal values and tangents, whose body is the JVP of the
body (a carry has a tangent once any step gives it one). In reverse mode the primal scan also
outputs, stacked, the carries each step started from (those the tangent computation reads),
and a second scan, linear in the tangents, computes the tangents from them: that one lands in
the linear program. Its transpose is a scan in the other direction whose step is the
transpose of the tangent step: it carries the cotangent of the carry and sums those of the
values every step shares. Under vmap the body is batched; a batched `xs` has its batch axis
second (the first is the scan's).
"""
from __future__ import annotations

import functools

from ..core import dtypes
from ..core.array import to_array
from ..core.primitive import batch_rules, jvp_rules, transpose_rules
from ..core.program import Program, evaluate
from ..ops import elementwise as E
from ..ops._ad import Zero, instantiate, is_undefined
from ..ops._batch import batch_size, broadcast_batch, moveaxis
from ._derive import (batch_program, cached, jvp_program, like, loop_fixpoint, reorder, replace, select_outputs,
                      splits, trace_program, transpose_program, zeros_like)
from .scan import scan_p


def _aval(x):
    return x.aval if hasattr(x, "aval") else to_array(x).aval


def _scan_jvp(primals, tangents, *, body, length, reverse, unroll, num_consts, num_carry):
    nc, nh = num_consts, num_carry
    n, nout = len(primals), len(body.outputs)
    jvp, live_in, live_out = loop_fixpoint(jvp_program, body, [t.__class__ is not Zero for t in tangents], nh,
                                           carry_at=nc)
    # the JVP program's inputs are the primal values, then the tangents of the live inputs; outputs likewise
    t_in = dict(zip([i for i, lv in enumerate(live_in) if lv], range(n, n + sum(live_in))))
    t_out = [nout + k for k in range(sum(live_out))]
    groups = (range(nc), range(nc, nc + nh), range(nc + nh, n))  # consts, carry, xs
    t_pos = [[t_in[i] for i in g if i in t_in] for g in groups]
    tans = [like(instantiate(t), p.aval) for t, p, lv in zip(tangents, primals, live_in) if lv]
    tc, th, tx = ([tans[j - n] for j in pos] for pos in t_pos)
    params = {"length": length, "reverse": reverse, "unroll": unroll}
    if not splits(primals):  # one scan: consts, carry and xs each followed by their tangents
        order_in = [j for g, pos in zip(groups, t_pos) for j in (*g, *pos)]
        order_out = [*range(nh), *t_out[:len(th)], *range(nh, nout), *t_out[len(th):]]
        res = scan_p.bind(*primals[:nc], *tc, *primals[nc:nc + nh], *th, *primals[nc + nh:], *tx,
                          body=reorder(jvp, tuple(order_in), tuple(order_out)), num_consts=nc + len(tc),
                          num_carry=nh + len(th), **params)
        lh, ny = len(th), nout - nh  # res: carry, carry tangents, ys, ys' tangents
        outs = [*res[:nh], *res[nh + lh:nh + lh + ny]]
        t_res = iter([*res[nh:nh + lh], *res[nh + lh + ny:]])
    else:  # a primal scan that stacks the carries the tangent step reads, then a tangent scan
        tangent = select_outputs(jvp, (False,) * nout + (True,) * sum(live_out))
        used = _used_inputs(tangent)
        c_used, h_used, x_used = ([i for i in g if used[i]] for g in groups)
        res = scan_p.bind(*primals, body=_with_carries_out(body, tuple(h_used)), num_consts=nc, num_carry=nh,
                          **params)
        outs, carries = res[:nout], res[nout:]
        order_in = [*c_used, *t_pos[0], *t_pos[1], *x_used, *h_used, *t_pos[2]]
        t_res = iter(scan_p.bind(*[primals[i] for i in c_used], *tc, *th, *[primals[i] for i in x_used], *carries,
                                 *tx, body=reorder(tangent, tuple(order_in), tuple(range(len(tangent.outputs)))),
                                 num_consts=len(c_used) + len(tc), num_carry=len(th), **params))
    return outs, [next(t_res) if lv else Zero(o.aval) for o, lv in zip(outs, live_out)]


def _used_inputs(program: Program) -> list[bool]:
    used = {x for eq in program.equations for x in eq.inputs} | set(program.outputs)
    return [v in used for v in program.inputs]


@cached
def _with_carries_out(body: Program, carries: tuple[int, ...]) -> Program:
    """`body` also giving its inputs `carries` (the carries each step starts from) as outputs."""
    return replace(body, outputs=[*body.outputs, *[body.inputs[i] for i in carries]])


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


def _scan_batch(args, dims, *, body, length, reverse, unroll, num_consts, num_carry):
    nc, nh = num_consts, num_carry
    size = batch_size(args, dims)
    batched = [d is not None for d in dims]
    program, batched_in, batched_out = loop_fixpoint(functools.partial(batch_program, size=size), body, batched, nh,
                                                      carry_at=nc)
    vals = []
    for i, (a, d) in enumerate(zip(args, dims)):
        if i >= nc + nh:  # the batch axis of xs goes second, after the scanned one
            vals.append(a if d is None else moveaxis(a, d, 1))
        elif d is not None:
            vals.append(moveaxis(a, d, 0))
        else:
            vals.append(broadcast_batch(a, size) if batched_in[i] else a)
    outs = scan_p.bind(*vals, body=program, length=length, reverse=reverse, unroll=unroll, num_consts=nc,
                       num_carry=nh)
    return outs, [(0 if i < nh else 1) if b else None for i, b in enumerate(batched_out)]


jvp_rules[scan_p] = _scan_jvp
transpose_rules[scan_p] = _scan_transpose
batch_rules[scan_p] = _scan_batch
