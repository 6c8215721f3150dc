"""Programs derived from a sub-program for the rules of the control-flow primitives.

- `jvp_program`: the program with tangents beside its primal values (forward mode);
- `linearize_program`: the program split into a primal part that also gives the residuals
  and a tangent part linear in the tangents, which reads them (reverse mode);
- `transpose_program`: for a program linear in some inputs, the program giving their
  cotangents from the output cotangents (reverse mode);
- `batch_program`: the program on values with a leading batch axis (vmap), named or not (a
  collective over its name inside combines the examples);
- `select_outputs`, `reorder`: the same program with fewer outputs or inputs in another order.

Each is made by tracing a Python function that runs the sub-program under the transformation's
own interpreter, so the rules of every primitive inside apply (nested control flow included).
Derived programs are cached by their arguments: programs are interned, so the keys repeat.
"""
from __future__ import annotations

import functools
from typing import Callable, Sequence

from ..core import dtypes
from ..core.array import Array, Tracer, to_array
from ..core.interpreters import _ctx, push
from ..core.program import Equation, Program, evaluate, has_effects, sub_programs
from ..core.types import ArrayType
from ..ops import elementwise as E
from ..ops import shape as S
from ..ops._ad import Zero, differentiable, instantiate, zeros
from ..ops._batch import broadcast_batch, moveaxis
from ..ops.callback import debug_callback_p
from ..transforms.autodiff.api import _linearize, _unpack
from ..transforms.autodiff.call_primitive import Forwarding
from ..transforms.autodiff.jvp import JVPInterpreter, JVPTracer
from ..transforms.autodiff.partial_eval import StagingInterpreter
from ..transforms.batching.interpreter import BatchAxis, BatchInterpreter, BatchTracer
from ..transforms.passes import dce
from ._subprogram import Staged, _Recording, flat_tree, make

_CACHE_SIZE = 4096


def cached(fn: Callable) -> Callable:
    """`fn` memoised on its (hashable) arguments, in a bounded cache."""
    return functools.lru_cache(maxsize=_CACHE_SIZE)(fn)


def trace_program(name: str, fn: Callable, in_avals: Sequence[ArrayType]) -> Program:
    """The program `fn` computes from inputs of types `in_avals`; the constants its rules make are kept inside."""
    return Staged(name, "a derived program", fn, flat_tree(len(in_avals)), in_avals).constant()


# forward mode ---------------------------------------------------------------------------------
@cached
def jvp_program(program: Program, live_in: tuple[bool, ...], force_out: tuple[bool, ...]
                ) -> tuple[Program, tuple[bool, ...]]:
    """The JVP of `program` and which outputs have a tangent.

    Inputs: the primal inputs, then a tangent for each input marked in `live_in`. Outputs:
    the primal outputs, then the tangents of the live outputs: those that depend on a live
    input, and the differentiable ones marked in `force_out` (zeros where they do not).
    """
    n = len(program.inputs)
    live_out: list[bool] = []

    def run(*xs):
        interp = JVPInterpreter()
        tangents = iter(xs[n:])
        with push(interp):
            ins = [JVPTracer(interp, x, next(tangents)) if live else x for x, live in zip(xs[:n], live_in)]
            primals, tangents_out = _unpack(interp, evaluate(program, *ins))
        live_out[:] = [t.__class__ is not Zero or (f and differentiable(p.aval))
                       for p, t, f in zip(primals, tangents_out, force_out)]
        tangents_out = [like(instantiate(t), p.aval) for p, t, live in zip(primals, tangents_out, live_out) if live]
        return [*primals, *tangents_out]

    avals = program.in_types
    out = trace_program("jvp", run, [*avals, *[a for a, live in zip(avals, live_in) if live]])
    return out, tuple(live_out)


def loop_fixpoint(derive: Callable, program: Program, flags: Sequence[bool], num_carry: int, carry_at: int
                  ) -> tuple[Program, tuple[bool, ...], tuple[bool, ...]]:
    """`derive(program, flags_in, force_out) -> (derived, flags_out)` (such as `jvp_program`)
    for a loop body whose carry inputs start at input `carry_at` and are its first `num_carry`
    outputs: a carry flagged (with a tangent, batched) in any iteration is flagged in all, in
    and out. Returns the derived program and the flags of its inputs and outputs."""
    flags = list(flags)
    carry = slice(carry_at, carry_at + num_carry)
    force = [False] * len(program.outputs)
    while True:
        force[:num_carry] = flags[carry]
        out, flags_out = derive(program, tuple(flags), tuple(force))
        again = [a or b for a, b in zip(flags[carry], flags_out[:num_carry])]
        if again == flags[carry]:
            return out, tuple(flags), flags_out
        flags[carry] = again


# reverse mode ---------------------------------------------------------------------------------
@cached
def linearize_program(program: Program, live_in: tuple[bool, ...], force_out: tuple[bool, ...]
                      ) -> tuple[Program, Program, tuple[bool, ...]]:
    """`program` split for reverse mode, as linearizing it in place would split it: the primal
    part, the tangent part, and which outputs have a tangent (see `jvp_program`).

    The primal part takes the program's inputs and gives its outputs, then the residuals (the
    primal values the tangents need). The tangent part takes the residuals, then the tangents
    of the inputs marked in `live_in`, and gives the tangents of the live outputs; it is linear
    in the tangents, and a loop in it is the tangent part of its own split (`while_lin`), so
    transposing it recomputes none of the primal part.
    """
    primal, tangent, interp = _Recording(), StagingInterpreter(linear=True), JVPInterpreter()
    with push(primal):
        xs = [primal.new_input(a) for a in program.in_types]
        with push(tangent):
            ts = [tangent.new_input(a) for a, live in zip(program.in_types, live_in) if live]
            with push(interp):
                it = iter(ts)
                ins = [JVPTracer(interp, x, next(it)) if live else x for x, live in zip(xs, live_in)]
                outs, t_outs = _unpack(interp, evaluate(program, *ins))
            # a tangent that is not staged depends on no input tangent: by linearity it is zero
            live_out = tuple(tangent.owns(t) or f and differentiable(o.aval)
                             for o, t, f in zip(outs, t_outs, force_out))
            t_outs = [like(t, o.aval) if tangent.owns(t) else zeros_like(o.aval)
                      for o, t, live in zip(outs, t_outs, live_out) if live]
            linear = tangent.program(t_outs)
    residuals = [(v, x) for v, x in zip(linear.constvars, linear.consts) if primal.owns(x)]
    consts = [(v, x) for v, x in zip(linear.constvars, linear.consts) if not primal.owns(x)]
    if any(isinstance(x, Tracer) for _, x in consts):
        raise AssertionError("a derived program closed over a traced value")
    forward = primal.program([*outs, *(x for _, x in residuals)])
    linear = Program([v for v, _ in consts], [x for _, x in consts], [*(v for v, _ in residuals), *linear.inputs],
                     linear.equations, linear.outputs)
    return _pruned(forward), _pruned(linear), live_out


@cached
def transpose_program(program: Program, linear: tuple[bool, ...], ct_live: tuple[bool, ...]) -> Program:
    """The transpose of `program` in its `linear` inputs (it must be linear in them).

    Inputs: the other inputs, then the cotangents of the outputs marked in `ct_live` (the
    others are zero). Outputs: the cotangents of the linear inputs. The program is linearized
    in its linear inputs (at zero: any point will do) and the linear map transposed, so an
    equation that computes primal values and tangents together (a joint loop) is split again
    by its jvp rule; what only the primal values needed is dropped from the result.
    """
    num_known = linear.count(False)
    lin_avals = [a for a, lin in zip(program.in_types, linear) if lin]

    quiet = _unprinted(program)

    def run(*xs):
        known, cts = iter(xs[:num_known]), iter(xs[num_known:])

        def at(*u):
            u = iter(u)
            return evaluate(quiet, *[next(u) if lin else next(known) for lin in linear])

        linear_map = _linearize(at, tuple(zeros_like(a) for a in lin_avals))[3]
        cts = linear_map.backward([next(cts) if live else Zero(o) for o, live in zip(program.out_types, ct_live)])
        return [like(c, a) for c, a in zip(cts, lin_avals)]

    out_live = [o for o, live in zip(program.out_types, ct_live) if live]
    return trace_program("transpose", run, [*[a for a, lin in zip(program.in_types, linear) if not lin], *out_live])


def _unprinted(program: Program) -> Program:
    """`program` without its debug prints and callbacks, in its branches and bodies too: run at
    the made-up point of a transposition, they would show made-up values (jax's transposition
    drops them too)."""
    if not any(has_effects(eq) for eq in program.equations):
        return program
    sub = lambda v: _unprinted(v) if isinstance(v, Program) else v  # noqa: E731
    equations = [eq if not sub_programs(eq.params) else Equation(eq.prim, eq.inputs, eq.outputs, {
        k: tuple(map(sub, v)) if isinstance(v, tuple) else sub(v) for k, v in eq.params.items()})
        for eq in program.equations if eq.prim is not debug_callback_p]
    return Program(program.constvars, program.consts, program.inputs, equations, program.outputs)


# batching -------------------------------------------------------------------------------------
def batch_eval(program: Program, args: Sequence, batched: Sequence[bool], axis: BatchAxis, force_out: Sequence[bool]
               ) -> tuple[list, list[bool]]:
    """`program` on `args` (the batched ones with the batch axis first) on the current interpreter,
    batched along `axis` (a collective over its name combines the examples): the outputs, batched
    ones (those depending on a batched input, and those marked in `force_out`) with the batch
    axis first, and which are batched."""
    interp = BatchInterpreter(axis.size, axis_name=axis.name)
    with push(interp):
        ins = [BatchTracer(interp, x, 0) if b else x for x, b in zip(args, batched)]
        outs = [interp.unpack(o) for o in evaluate(program, *ins)]
    values, out_batched = [], []
    for (v, d), force in zip(outs, force_out):
        if d is None and force:
            v, d = broadcast_batch(v, axis.size), 0
        values.append(v if d is None else moveaxis(v, d, 0))
        out_batched.append(d is not None)
    return values, out_batched


@cached
def batch_program(program: Program, batched: tuple[bool, ...], force_out: tuple[bool, ...], axis: BatchAxis
                  ) -> tuple[Program, tuple[bool, ...]]:
    """`program` on values whose `batched` inputs have a leading batch axis `axis`, and which
    outputs are batched (leading axis too; see `batch_eval`)."""
    out_batched: list[bool] = []

    def run(*xs):
        values, out_batched[:] = batch_eval(program, xs, batched, axis, force_out)
        return values

    avals = [a.update(shape=(axis.size, *a.shape)) if b else a for a, b in zip(program.in_types, batched)]
    return trace_program("vmap", run, avals), tuple(out_batched)


# plumbing -------------------------------------------------------------------------------------
@cached
def select_outputs(program: Program, keep: tuple[bool, ...]) -> Program:
    """`program` computing only the outputs marked in `keep` (what they do not need is dropped)."""
    return _pruned(replace(program, outputs=[v for v, k in zip(program.outputs, keep) if k]))


def _pruned(program: Program) -> Program:
    """`program` without what its outputs do not need (interned if it has no constants)."""
    p = dce(program)
    return make(p.equations, p.inputs, p.outputs, p.constvars, p.consts)


@cached
def reorder(program: Program, inputs: tuple[int, ...], outputs: tuple[int, ...]) -> Program:
    """`program` with inputs `[program.inputs[i] for i in inputs]` (inputs left out must be
    unused) and outputs picked likewise."""
    return replace(program, [program.inputs[i] for i in inputs], [program.outputs[i] for i in outputs])


def replace(program: Program, inputs: Sequence | None = None, outputs: Sequence | None = None) -> Program:
    """`program` with other input and output variables (the same equations and constants)."""
    return make(program.equations, program.inputs if inputs is None else inputs,
                program.outputs if outputs is None else outputs, program.constvars, program.consts)


def like(x, aval: ArrayType) -> Array:
    """`x` with the weakness of `aval`: a tangent or cotangent takes exactly its primal's type."""
    x = to_array(x)
    return x if x.weak == aval.weak else E.convert_element_type_p.bind(x, new_dtype=aval.dtype, weak=aval.weak)


def zeros_like(aval: ArrayType) -> Array:
    return like(zeros(aval), aval)


def differentiated(x) -> bool:
    """Whether `x` is being differentiated, also where it is the value an enclosing vmap batches
    (a derivative taken around several vmaps reaches the inner ones' rules wrapped in the outer ones')."""
    while isinstance(x, BatchTracer):
        x = x.val
    return isinstance(x, JVPTracer)


def guarded(which, x):
    """Per example (leading axis), `x` where `which` holds, else `x` without its derivative:
    a batched branch or loop step an example does not take runs all the same, and must not
    send back a NaN derivative (0 * inf, as of sqrt at a negative number). Integers have none."""
    if dtypes.kind(x.dtype) < dtypes.FLOAT:
        return x
    return E.select_n_p.bind(S.broadcast_in_dim(which, x.shape, (0,)), E.stop_gradient_p.bind(x), x)


def splits(primals: Sequence) -> bool:
    """Whether a jvp rule, now running, must give the primal and the tangent computations as
    separate equations: when its tangents are being staged into a linear program (reverse
    mode), the primal values must be computed outside that program (one primitive giving both
    would make the primal values staged ones). Under jit's staging the primal values are staged
    too, or known constants, and one joint primitive serves."""
    parent = staging_below()
    return isinstance(parent, StagingInterpreter) and parent.linearizes(primals)


def staging_below():
    """The interpreter a rule's operations reach: the current one, past those that only pass
    operations on (a custom rule runs under one, below the interpreter differentiating it)."""
    interp = _ctx.interp
    while isinstance(interp, Forwarding) and not isinstance(interp, StagingInterpreter):
        interp = interp.parent
    return interp
