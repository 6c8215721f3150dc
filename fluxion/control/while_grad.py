"""Reverse mode through `while_loop`, whose trip count depends on the data, with bounded memory.

A loop runs states s_0, s_1 = body(s_0), ... until cond(s_n) is false. Reverse mode needs,
for i = n-1 ... 0, the vjp of the body at s_i. With capacity C (a keyword of `while_loop`):

- Forward. When the tangents are being staged into a linear program (reverse mode), the jvp
  rule of `while_p` runs the loop with a tape of C states (while_tape.py): it keeps s_i when
  i is a multiple of the stride and, when it is full, drops every other state and doubles
  the stride. It emits `while_lin`, linear in the tangents of the initial carry and of the
  body's closed-over values; its other operands (the residuals) are those values, the tape
  and n. Only the carried values the differentiated ones depend on are taped (a loop
  counter used only by the condition is not).
- Reverse. The transpose of `while_lin` walks i = n-1 ... 0 over a stack of `levels(C)`
  tapes, level 0 being the forward one. To reach s_i it takes the deepest level's last state
  s_q; if q < i it recomputes s_q ... s_i into the next level, a tape of the same kind (so a
  segment longer than C is kept at a stride again and its gaps are recomputed one level
  deeper). Then it applies the body's vjp at s_i and drops that state. Each level computes a
  state at most once, so the work is O(n log n) steps of the body and the memory
  levels(C) * (C + 1) states, for any trip count below 2**31. This sweep is the call
  `while_sweep`: run, it nests loops (recomputing a segment, stepping back over the states
  kept in a row) whose iterations do not branch; differentiated again (higher orders), it is
  the same walk as one loop whose iteration branches between a step back, a step of
  recomputation and the start of a segment, so that each order adds one loop level instead
  of multiplying the nested ones.
- Forward evaluation of `while_lin` (linearize's jvp) runs the body's JVP n times from s_0.

All of it is `while_loop`, `cond` and array operations, so it runs eagerly, stages under jit
and lowers to XLA with no rules of its own, and is differentiated again for higher orders.
"""
from __future__ import annotations

import functools
from typing import Callable

from ..backends.numpy.program import kernels
from ..core.array import HOST
from ..core.errors import UnsupportedError, op_error
from ..core.interpreters import EAGER, _ctx, _wrap, use
from ..core.primitive import abstract_eval, jvp_rules, numpy_kernel, transpose_rules
from ..core.program import Program, evaluate
from ..core.types import ArrayType
from ..ops import elementwise as E
from ..ops import reduce as R
from ..ops import shape as S
from ..ops._ad import Zero, differentiable, instantiate
from ..ops.collectives import axis_names
from ..transforms.batching.interpreter import BatchTracer
from ..transforms.autodiff.api import jvp, vjp
from ..transforms.autodiff.call_primitive import CallPrimitive, Record
from ..transforms.autodiff.custom import linear_call_jvp
from ..transforms.autodiff.reverse_only import taping_a_loop
from . import while_tape as T
from ._derive import cached, like, reorder, select_outputs, splits, staging_below, trace_program, zeros_like
from .cond import switch
from .loops import while_loop, while_p
from .loops_rules import joint_jvp


def _while_jvp(primals, tangents, **params):
    if not splits(primals):  # forward mode, or jit's staging: one loop over values and tangents
        return joint_jvp(primals, tangents, **params)
    return _taped_jvp(primals, tangents, **params)


@functools.lru_cache(maxsize=1024)
def _restricted(body: Program, num_consts: int, diff: tuple[int, ...]) -> tuple[Program, tuple[int, ...]]:
    """The body computing only the carried values that the differentiated ones `diff` depend on
    in some iteration, from the closed-over values and those: the program (inputs: closed-over
    values, then those carried values; outputs: their next values) and their carry indices."""
    saved = set(diff)
    while True:
        program = select_outputs(body, tuple(k in saved for k in range(len(body.outputs))))
        used = {x for eq in program.equations for x in eq.inputs} | set(program.outputs)
        grown = saved | {k for k, v in enumerate(body.inputs[num_consts:]) if v in used}
        if grown == saved:
            break
        saved = grown
    saved = tuple(sorted(saved))
    return reorder(program, (*range(num_consts), *[num_consts + k for k in saved]), tuple(range(len(saved)))), saved


@functools.lru_cache(maxsize=1024)
def _reached(body: Program, num_consts: int, live_consts: tuple[int, ...],
             live_carry: tuple[int, ...]) -> frozenset[int]:
    """The carried values that depend, in some iteration, on the closed-over values `live_consts`
    or the carried values `live_carry`: the others have no tangent. (In the loop over values and
    tangents that forward mode makes, the values never depend on the tangents.)"""
    reached = set(live_carry)
    while True:
        marked = {body.inputs[k] for k in live_consts} | {body.inputs[num_consts + k] for k in reached}
        for eq in body.equations:
            if any(x in marked for x in eq.inputs):
                marked.update(eq.outputs)
        grown = reached | {k for k, v in enumerate(body.outputs) if v in marked}
        if grown == reached:
            return frozenset(reached)
        reached = grown


def _taped_jvp(primals, tangents, *, cond, body, cond_nconsts, body_nconsts, capacity):
    staging = staging_below()
    nk = cond_nconsts + body_nconsts
    cond_consts, consts, init = primals[:cond_nconsts], primals[cond_nconsts:nk], primals[nk:]
    # while linearizing, a tangent that is not staged depends on no input: by linearity it is zero
    live = [staging.owns(t) and differentiable(p.aval) for p, t in zip(primals[cond_nconsts:], tangents[cond_nconsts:])]
    live_consts = tuple(k for k in range(body_nconsts) if live[k])
    reached = _reached(body, body_nconsts, live_consts, tuple(k for k in range(len(init)) if live[body_nconsts + k]))
    diff = tuple(k for k, x in enumerate(init) if k in reached and differentiable(x.aval))
    live_init = tuple(j for j, k in enumerate(diff) if live[body_nconsts + k])
    if not diff or not live_consts and not live_init:
        outs = while_p.bind(*primals, cond=cond, body=body, cond_nconsts=cond_nconsts, body_nconsts=body_nconsts,
                            capacity=capacity)
        return outs, [Zero(x.aval) for x in init]
    taping_a_loop()
    step, saved = _restricted(body, body_nconsts, diff)
    capacity = capacity or T.default_capacity([init[k].aval for k in saved])
    with use(staging.parent):  # the primal loop computes with known values only
        rows = T.empty([init[k].aval for k in saved], 1, capacity, T.false_from(init))
        # row 0 holds s_0 even when the loop makes no step: a batched loop over the tape (the
        # tangent loop, the sweep) runs its body on a finished example's state too, and must
        # not run it on an empty row, where an inner loop might never end
        rows = T.write((rows, T.i32(1), T.i32(0)), T.i32(0), T.i32(0), [init[k] for k in saved], capacity)[0]
        outs, n, (rows, stride, count) = T.taped_loop(
            lambda s, i: _evaluate(cond, *cond_consts, *s)[0], lambda s: _evaluate(body, *consts, *s), list(init),
            (rows, T.i32(1), T.i32(0)), T.i32(0), capacity, lambda s: [s[k] for k in saved])
    _check_own_counts(n, axis_names(cond) | axis_names(body))
    operands = [*consts, *rows, stride, count, n, *[tangents[nk + diff[j]] for j in live_init],
                *[tangents[cond_nconsts + k] for k in live_consts]]
    call = Record(name="while_loop", step=step, capacity=capacity, levels=T.levels(capacity), num_consts=body_nconsts,
                  num_saved=len(saved), diff=tuple(saved.index(k) for k in diff), live_consts=live_consts,
                  live_init=live_init, out_avals=tuple(init[k].aval for k in diff),
                  num_res=len(operands) - len(live_init) - len(live_consts))
    lin = while_lin_p.bind(*operands, call=call)
    t_out = dict(zip(diff, lin))
    return outs, [t_out[k] if k in t_out else Zero(x.aval) for k, x in enumerate(init)]


@cached
def _kernels(program: Program):
    """`program` as its NumPy kernels called in order (`backends/numpy/program.py`), or None where
    a primitive has none (a call of a custom rule) or a constant is not in host memory."""
    if all(eq.prim in numpy_kernel for eq in program.equations) and all(c.__class__ in HOST for c in program.consts):
        return kernels(program)
    return None


def _evaluate(program: Program, *args) -> list:
    """`evaluate(program, *args)`. Run eagerly on host arrays, it calls the program's NumPy
    kernels in order, with no interpreter in between: the taped loop and the sweep evaluate a
    program at every iteration, where an interpreter's dispatch costs more than small arrays' kernels."""
    if _ctx.interp is EAGER and HOST.issuperset(map(type, args)):
        run = _kernels(program)
        if run is not None:
            return list(map(_wrap, run(*[a._value for a in args]), program.out_types))
    return evaluate(program, *args)


def _check_own_counts(n, names: frozenset) -> None:
    """Refuse a trip count `n` that differs per example of a vmap whose name a collective in the
    loop uses: each example's reverse sweep would walk back over its own steps, out of step with
    the others', so the collective's transpose would combine cotangents of different steps."""
    while isinstance(n, BatchTracer):
        name = n._interp.axis_name
        if n.bdim is not None and name in names:
            raise op_error(UnsupportedError, "while_loop", "reverse mode through a loop whose number of steps "
                           f"differs per example of the vmap named {name!r}, and whose body or condition uses a "
                           "collective over that name", "take the gradient around the vmap (fx.grad(lambda xs: "
                           f"fx.vmap(f, axis_name={name!r})(xs).sum())), use forward mode (fx.jvp, fx.jacfwd), or "
                           "give every example the same number of steps (e.g. a condition on lax.pmax of the "
                           "examples' values)")
        n = n.val


# the linear primitive ---------------------------------------------------------------------------
def _operands(args, call):
    """The operands of while_lin: closed-over values, tape rows, stride, count, trip count, tangents."""
    nc, ns = call.num_consts, call.num_saved
    stride, count, n = args[nc + ns:nc + ns + 3]
    return list(args[:nc]), args[nc:nc + ns], stride, count, n, args[nc + ns + 3:]


def _at(step: Program, diff, live_consts, consts, state, xs, cs) -> list:
    """The (restricted) body `step` at `state` and `consts`, their differentiated entries (`diff`
    and `live_consts`) replaced by `xs` and `cs`."""
    consts, state = list(consts), list(state)
    for k, c in zip(live_consts, cs):
        consts[k] = c
    for k, x in zip(diff, xs):
        state[k] = x
    return evaluate(step, *consts, *state)


def _while_lin_impl(*args, call):
    """The tangents of the final carry: the body's JVP run n times from s_0."""
    consts, rows, _, _, n, tangents = _operands(args, call)
    t_init = dict(zip(call.live_init, tangents[:len(call.live_init)]))
    t_consts = list(tangents[len(call.live_init):])
    t0 = [like(t_init[j], a) if j in t_init else zeros_like(a) for j, a in enumerate(call.out_avals)]

    def step(carry):
        i, state, t = carry
        xs, cs = [state[k] for k in call.diff], [consts[k] for k in call.live_consts]
        out, t_out = jvp(lambda xs, cs: _at(call.step, call.diff, call.live_consts, consts, state, xs, cs), (xs, cs),
                         (t, t_consts))
        return i + 1, out, [like(t_out[k], a) for k, a in zip(call.diff, call.out_avals)]

    state = T.read(rows, T.i32(0), T.i32(0))
    return tuple(while_loop(lambda c: c[0] < n, step, (T.i32(0), state, t0), capacity=call.capacity)[2])


def _body_vjp(call, consts, rows, ct) -> Callable:
    """`(state, ct) -> (ct, ct_consts)`: the cotangents of the differentiated carried values and
    closed-over values of one iteration at `state` (a state of the tape `rows`) from `ct`, those
    of its results (of the types of `ct`). Run eagerly, the sweep calls it once per iteration:
    it then evaluates the body's vjp derived once as a program, instead of deriving it at every state."""
    if _ctx.interp is not EAGER:
        return lambda state, ct: _pullback(call.step, call.diff, call.live_consts, consts, state, ct)
    avals = (*[c.aval for c in consts], *[r.aval.update(shape=r.shape[2:]) for r in rows], *[c.aval for c in ct])
    program, nd = _vjp_program(call.step, len(consts), call.diff, call.live_consts, avals), len(call.diff)

    def run(state, ct):
        outs = _evaluate(program, *consts, *state, *ct)
        return outs[:nd], outs[nd:]
    return run


def _pullback(step: Program, diff: tuple[int, ...], live_consts: tuple[int, ...], consts, state, ct) -> tuple:
    def at(xs, cs):
        out = _at(step, diff, live_consts, consts, state, xs, cs)
        return [out[k] for k in diff]

    ct_xs, ct_cs = vjp(at, [state[k] for k in diff], [consts[k] for k in live_consts])[1](ct)
    return ([like(c, state[k].aval) for c, k in zip(ct_xs, diff)],
            [like(c, consts[k].aval) for c, k in zip(ct_cs, live_consts)])


@cached
def _vjp_program(step: Program, num_consts: int, diff: tuple[int, ...], live_consts: tuple[int, ...],
                 avals: tuple[ArrayType, ...]) -> Program:
    """`_pullback` as a program of the closed-over values, the state and the cotangents."""
    num_state = len(step.outputs)

    def pullback(*values):
        state, ct = values[num_consts:num_consts + num_state], list(values[num_consts + num_state:])
        ct_xs, ct_cs = _pullback(step, diff, live_consts, values[:num_consts], state, ct)
        return [*ct_xs, *ct_cs]

    return trace_program("while_loop vjp", pullback, avals)


def _while_lin_transpose(cts, *args, call):
    consts, rows0, stride0, count0, n, tangents = _operands(args, call)
    none = [None] * (len(args) - len(tangents))
    if all(c.__class__ is Zero for c in cts):
        return none + [None] * len(tangents)
    ct = [like(instantiate(c), a) for c, a in zip(cts, call.out_avals)]
    ct_consts = [zeros_like(consts[k].aval) for k in call.live_consts]
    outs = while_sweep_p.bind(*consts, *rows0, stride0, count0, n, *ct, *ct_consts, call=call)
    ct, ct_consts = outs[:len(ct)], outs[len(ct):]
    return none + [ct[j] for j in call.live_init] + list(ct_consts)


def _stack(call, rows0, stride0, count0, ct, num_levels: int) -> tuple:
    """The sweep's stack of `num_levels` tapes, the forward one (rows0, stride0, count0) at level
    0: its rows, and per level the first iteration kept (zeros), the stride, the count; and the level numbers."""
    false = T.false_from(ct)
    rows = T.stacked(rows0, num_levels, call.capacity, false)
    zeros = T.zeros((num_levels,), T.I32, false)
    strides = T.put(S.broadcast_in_dim(T.i32(1), (num_levels,), ()), T.i32(0), stride0)
    return rows, zeros, strides, T.put(zeros, T.i32(0), count0), S.iota(T.I32, (num_levels,), 0)


def _back(call, consts, rows, d, first, stride, p, j, ct, ct_consts):
    """Iterations p, p - 1, ... back, while their states are kept consecutively at level d (from
    row j down): the body's vjp at each. Returns p, j and the cotangents after them."""
    vjp_at = _body_vjp(call, consts, rows, ct)

    def more(c):
        return (c[1] >= 0) & (first + c[1] * stride == c[0])

    def one(c):
        p, j, ct, ct_consts = c
        ct, dct = vjp_at(T.read(rows, d, j), ct)
        return p - 1, j - 1, ct, [a + b for a, b in zip(ct_consts, dct)]

    if _ctx.interp is EAGER:  # the loop is Python's, counting in ints
        d, first, stride, c = int(d), int(first), int(stride), (int(p), int(j), ct, ct_consts)
        while more(c):
            c = one(c)
        return T.i32(c[0]), T.i32(c[1]), *c[2:]
    return while_loop(more, one, (p, j, ct, ct_consts), capacity=call.capacity)


def _nested_sweep(call, consts, rows0, stride0, count0, n, ct, ct_consts):
    """The cotangents after going back over all n iterations: `_back` over the states kept
    consecutively at the deepest level, after recomputing those the tapes dropped into deeper
    levels. The stack of tapes has as many levels as n needs, chosen by a branch, so that a loop
    making few steps over large states does not fill `levels(capacity)` tapes of memory: none
    deeper where the forward tape kept every state (stride 1: n <= capacity), one where a
    segment between two states it kept fits in a tape at stride 1 (n <= capacity ** 2). (Where
    the whole stack is small, it is all made.)"""
    def kept_all(ct, ct_consts):
        return _back(call, consts, rows0, T.i32(0), T.i32(0), T.i32(1), n - 1, n - 1, ct, ct_consts)[2:]

    def stacked(num_levels):
        return lambda ct, ct_consts: _stacked_sweep(call, consts, rows0, stride0, count0, n, ct, ct_consts, num_levels)

    if T.small(rows0, call.levels):  # (the branches would cost more to compile than they save)
        return stacked(call.levels)(ct, ct_consts)
    tier = T.as_i32(stride0 > 1) + T.as_i32(stride0 > call.capacity)
    return switch(tier, [kept_all, stacked(2), stacked(call.levels)], ct, ct_consts)


def _stacked_sweep(call, consts, rows0, stride0, count0, n, ct, ct_consts, num_levels: int):
    """`_nested_sweep` over a stack of `num_levels` tapes."""
    cap = call.capacity
    step = lambda s: _evaluate(call.step, *consts, *s)  # noqa: E731
    rows, base, strides, counts, level_ids = _stack(call, rows0, stride0, count0, ct, num_levels)

    def last(d, tapes):
        """The iteration of the last state kept at level d."""
        _, base, strides, counts = tapes
        return T.get(base, d) + (T.get(counts, d) - 1) * T.get(strides, d)

    def descend(p, carry):
        """Recompute the states from the last one kept at level d up to state p into level d + 1."""
        d, (rows, base, strides, counts) = carry
        q, j = last(d, (rows, base, strides, counts)), T.get(counts, d) - 1
        start, counts, d = T.read(rows, d, j), T.put(counts, d, j), d + 1
        state, i, tape = T.taped_loop(lambda s, i: i < p - q, step, start, (rows, T.i32(1), T.i32(0)), d, cap)
        rows, stride, count = T.store(tape, d, i, state, cap)
        return d, (rows, T.put(base, d, q), T.put(strides, d, stride), T.put(counts, d, count))

    def segment(carry):
        p, d, tapes, ct, ct_consts = carry
        nonempty = (level_ids <= d) & (tapes[3] > 0)  # the deepest level still holding states
        d = R.reduce_max(E.select_n_p.bind(nonempty, S.full((num_levels,), 0, T.I32), level_ids), (0,))
        # until level d's last state is p (under vmap an example already back at the start, p = -1,
        # runs this body too, frozen: its loop must end as well)
        d, tapes = while_loop(lambda c: (last(*c) < p) & (p >= 0), lambda c: descend(p, c), (d, tapes), capacity=cap)
        rows, base, strides, counts = tapes
        p, j, ct, ct_consts = _back(call, consts, rows, d, T.get(base, d), T.get(strides, d), p, T.get(counts, d) - 1,
                                    ct, ct_consts)
        return p, d, (rows, base, strides, T.put(counts, d, j + 1)), ct, ct_consts

    carry = (n - 1, T.i32(0), (rows, base, strides, counts), ct, ct_consts)
    return while_loop(lambda c: c[0] >= 0, segment, carry, capacity=cap)[3:]


_BACK, _STEP, _START = 0, 1, 2  # what an iteration of the flat sweep does


def _flat_sweep(call, consts, rows0, stride0, count0, n, ct, ct_consts):
    """The cotangents after going back over all n iterations p = n - 1 ... 0.

    One loop, each of whose iterations does one of three things. If the deepest level holding
    states has state p last, it applies the body's vjp there, drops that state and goes down
    to p - 1 (back). Else it pops that level's last state q to head a segment recomputing
    q ... p into the next level, at the stride at which those states fit (start). While a
    segment is recorded, it steps the body once and keeps the new state if its step is a
    multiple of the stride (step). The loop's body holds no loop, so that differentiating the
    sweep again (higher orders) differentiates one loop, not loops inside loops; and every
    iteration writes the tape after reading it, through values computed from the read, so
    that XLA updates the tape in place."""
    cap = call.capacity
    rows, zeros, strides, counts, level_ids = _stack(call, rows0, stride0, count0, ct, call.levels)
    select = E.select_n_p.bind  # select(pred, value if false, value if true)

    def back(top, state, ct, ct_consts):
        ct, dct = _body_vjp(call, consts, rows, ct)(top, ct)
        return state, ct, [a + b for a, b in zip(ct_consts, dct)]

    def step(top, state, ct, ct_consts):
        return evaluate(call.step, *consts, *state), ct, ct_consts

    def start(top, state, ct, ct_consts):
        return top, ct, ct_consts

    def iteration(c):
        p, d, i, goal, recording, state, (rows, base, strides, counts), ct, ct_consts = c
        # not recording: d is the deepest level still holding states (the deeper ones are empty)
        nonempty = (level_ids <= d) & (counts > 0)
        d = select(recording, R.reduce_max(select(nonempty, zeros, level_ids), (0,)), d)
        j = E.max_p.bind(T.get(counts, d) - 1, T.i32(0))
        top, q = T.read(rows, d, j), T.get(base, d) + j * T.get(strides, d)  # level d's last state, its iteration
        at_p = ~recording & (q == p)
        starting = ~recording & ~at_p
        kind = select(at_p, select(recording, T.i32(_START), T.i32(_STEP)), T.i32(_BACK))
        state, ct, ct_consts = switch(kind, [back, step, start], top, state, ct, ct_consts)
        counts = select(recording, T.put(counts, d, j), counts)  # back and start drop level d's last state
        # start: level d + 1 records the segment q ... p from its state 0, q
        d, i = select(starting, d, d + 1), select(starting, i + 1, T.i32(0))
        goal = select(starting, goal, p - q)
        base = select(starting, base, T.put(base, d, q))
        strides = select(starting, strides, T.put(strides, d, T.stride_for(p - q, cap)))
        counts = select(starting, counts, T.put(counts, d, T.i32(0)))
        # start and step: state i is kept at level d if i is a multiple of the stride (the scratch row
        # takes it otherwise); the segment ends with its state goal, p
        recording = recording | starting
        rows, _, count = T.write((rows, T.get(strides, d), T.get(counts, d)), d, i, state, cap, recording)
        tapes = (rows, base, strides, T.put(counts, d, count))
        return p - T.as_i32(at_p), d, i, goal, recording & (i < goal), state, tapes, ct, ct_consts

    state = T.read(rows, T.i32(0), T.i32(0))
    carry = (n - 1, T.i32(0), T.i32(0), T.i32(0), T.false_from(ct), state, (rows, zeros, strides, counts), ct, ct_consts)
    return while_loop(lambda c: c[0] >= 0, iteration, carry, capacity=cap)[7:]


def _sweep_of(sweep):
    """A sweep as the function of while_sweep's operands: closed-over values, tape rows, stride,
    count, trip count, cotangents of the carried values and of the closed-over values."""
    def run(*args, call):
        consts, rows0, stride0, count0, n, cts = _operands(args, call)
        nd = len(call.diff)
        ct, ct_consts = sweep(call, consts, rows0, stride0, count0, n, list(cts[:nd]), list(cts[nd:]))
        return (*ct, *ct_consts)
    return run


# The reverse sweep is a call: run, staged and batched, it is the nested sweep, whose inner loops
# step without branching; differentiated (higher orders), it is the flat sweep, one loop whose
# derivative stays one loop, where the nested one's derivatives nest loops inside loops
while_sweep_p = CallPrimitive("while_sweep", _sweep_of(_nested_sweep), jvp=lambda interp, args, params:
                              _sweep_of(_flat_sweep)(*args, **params))


while_lin_p = CallPrimitive("while_lin", _while_lin_impl, staged=True)
linear_call_jvp(while_lin_p, lambda primals, call: while_lin_p.bind(*primals, call=call))
abstract_eval[while_lin_p] = lambda *avals, call: call.out_avals
transpose_rules[while_lin_p] = _while_lin_transpose
jvp_rules[while_p] = _while_jvp
