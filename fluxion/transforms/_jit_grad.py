"""A jitted function of many operations called on small arrays in eager forward or reverse
mode (`jvp(f)` or `grad(f)` where `f` calls `jit(g)`): from its second call with a signature,
compiled calls instead of `g`'s operations one by one.

Forward mode runs one compiled program per signature, `g`'s jvp.

In reverse mode, the forward call is the jit's own, compiled `g`. The tape records one linear
equation for the call, whose transpose is one more compiled program: `g`'s pullback, which
computes `g` again from its inputs. A forward program that also returned `g`'s intermediate
values for the backward pass (as jax's `grad(jit(g))` compiles it) runs many times slower than
`g` on XLA's CPU backend once it returns more than a few of them; computing `g` twice costs at
most one more forward pass, which on small arrays is far below the cost of running `g`
operation by operation.

On large arrays each operation's own cost dominates and `g` runs operation by operation, as it
does where it uses a value of the differentiation that it does not receive as an argument,
takes what is not an array, or runs on an XLA device.
"""
from __future__ import annotations

import math

from .. import config
from ..core import dtypes, tree
from ..core.array import HOST, Array
from ..core.errors import ConcretizationError, TracerLeakError
from ..core.interpreters import EAGER, use
from ..core.primitive import abstract_eval, transpose_rules
from ..core.program import Equation, Var, has_effects
from ..ops._ad import Zero, instantiate
from ._arguments import joined
from ._convert import converted
from .autodiff.api import jvp, vjp
from .autodiff.blocks import EagerJVP, EagerLinearizer
from .autodiff.call_primitive import CallPrimitive
from .autodiff.reverse_only import ReverseOnlyError
from .autodiff.jvp import JVPTracer
from .autodiff.partial_eval import StagedTracer

CACHES = ("_grad_compiled", "_jvp_compiled", "_jvps", "_pullbacks")  # what a Jitted keeps here (see clear_cache)
LEFT = object()  # what `call` returns for a call it leaves to the differentiation, operation by operation
_SEEN = "seen"  # a signature called once, for which nothing is decided yet
# elements of the arguments up to which a call is compiled (see the module docstring): measured on
# two cores, a 16-element chain of 30 steps takes 8x less; from some 10**4 elements on, XLA's CPU
# products and transcendental functions cost as much as NumPy's or more, and the second forward pass shows
SMALL = 1 << 12
MANY = 16  # operations from which a program is compiled: below, its operations one by one cost less than
# the compiled calls (measured: sum(sin(x) * x) takes 22 us operation by operation, 49 us compiled)


def runs_compiled(jitted, interp) -> bool:
    """Whether `jitted`, called on values of `interp`, may run compiled: `interp` is eager reverse
    mode, or forward mode on eager values, and the function runs on the host."""
    return jitted.device is None and (interp.__class__ is EagerLinearizer or interp.__class__ is EagerJVP)


def call(jitted, interp, args: tuple, kwargs: dict):
    """`jitted(*args, **kwargs)` on values of `interp`: its outputs, or LEFT."""
    reverse = interp.__class__ is EagerLinearizer
    _, statics, dynamic = jitted._split(args, kwargs)
    leaves, in_tree = tree.flatten(dynamic)
    unpacked = _unpacked(interp, leaves, reverse)
    if unpacked is None:
        return LEFT
    primals, live, tangents = unpacked
    spec = (in_tree, statics, tuple(live))
    choices = jitted.__dict__.setdefault("_grad_compiled" if reverse else "_jvp_compiled", {})
    key = (spec, tuple([p.aval for p in primals]))
    choice = choices.get(key)
    if choice is None:  # a first call runs operation by operation: one call is not worth two compilations
        if len(choices) > 4 * max(config.jit_cache_size, 1):
            choices.clear()
        choices[key] = _SEEN
        return LEFT
    if choice is False:
        return LEFT
    if reverse:  # the jit's own program
        (args, kwargs), compiled = _arguments(spec, primals), jitted
        run = lambda *a, **k: jitted._dispatched(*a, **k)[0]  # noqa: E731
    else:
        (compiled, run), args, kwargs = _jvp_of(jitted, spec), (primals, tangents), {}
    try:
        with use(EAGER):
            if choice is _SEEN:  # (decided before it runs: else its effects would run again, operation by operation)
                choices[key] = _worth(compiled._call(args, kwargs)[0].executable.program, reverse)
                if not choices[key]:
                    return LEFT
            outs = run(*args, **kwargs)
    except (ConcretizationError, TracerLeakError, ReverseOnlyError):  # (operation by operation, it has the
        choices[key] = False  # values it needs, and custom_vjp's forward-mode error is its own)
        return LEFT
    return _recorded(interp, outs, jitted, spec, primals, tangents) if reverse else _forward(interp, *outs)


def _unpacked(interp, leaves: list, reverse: bool):
    """(primal leaves, whether each has a tangent, the tangents: in reverse mode their tape
    variables) of a call's traced leaves, or None where the call runs operation by operation."""
    primals, live, tangents, size = [], [], [], 0
    for x in leaves:
        p, t = (x.primal, x.tangent) if x.__class__ is JVPTracer and x._interp is interp else (x, None)
        if t.__class__ is Zero:
            t = None
        if p.__class__ not in HOST or not (t is None or reverse or t.__class__ in HOST):
            return None  # (a tracer, a Python number, an array on an XLA device)
        if t is not None:
            tangents.append(interp.tangent_var(t) if reverse else t)
        primals.append(p)
        live.append(t is not None)
        size += math.prod(p.shape)
    return None if size > SMALL or not tangents else (primals, live, tangents)


def _worth(program, reverse: bool) -> bool:
    """Whether a call compiles to `program` (the jit's own in reverse mode, its jvp in forward
    mode): it has MANY operations, and in reverse mode no effects, which its pullback, computing
    it again, would run twice."""
    return len(program.equations) >= MANY and not (reverse and any(map(has_effects, program.equations)))


def _forward(interp, outs, out_tangents):
    """The outputs of a compiled jvp as values of forward mode `interp`."""
    out_leaves, out_tree = tree.flatten(outs)
    return tree.unflatten(out_tree, [JVPTracer(interp, _read(o), _read(t)) if o.dtype in dtypes.FLOATING else o
                                     for o, t in zip(out_leaves, tree.leaves(out_tangents))])


def _recorded(interp, outs, jitted, spec, primals, tangents):
    """The outputs of the jit's compiled call as values of reverse mode `interp`, with the tape's
    equation for the call (or LEFT)."""
    out_leaves, out_tree = tree.flatten(outs)
    if not all(isinstance(o, Array) for o in out_leaves):
        return LEFT  # (the outputs are those of a jit: its function ran, and runs again operation by operation)
    out_leaves = [_read(o) for o in out_leaves]
    differentiable = tuple(o.dtype in dtypes.FLOATING for o in out_leaves)
    linear = _Linear(jitted, spec, primals, differentiable, [o.aval for o, d in zip(out_leaves, differentiable) if d])
    out_vars = [Var(t) for t in linear.out_types]
    interp.parent.equations.append(Equation(jit_linear_p, tangents, out_vars, {"call": linear}))
    tangent_vars = iter(out_vars)
    return tree.unflatten(out_tree, [JVPTracer(interp, o, StagedTracer(interp.parent, next(tangent_vars))) if d else o
                                     for o, d in zip(out_leaves, differentiable)])


def _read(o: Array) -> Array:
    """`o` made a plain Array (its first read does that to a PendingArray), on which the eager
    differentiations' fast paths run."""
    o._value
    return o


def _arguments(spec, leaves) -> tuple[tuple, dict]:
    """The call's arguments from its traced leaves and `spec`'s static ones."""
    in_tree, statics, _ = spec
    return joined(tree.unflatten(in_tree, leaves), statics)


def _of_live(jitted, spec, primals):
    """The function of the live inputs (the others fixed at `primals`) to the jitted function's outputs."""
    def f(*live_leaves):
        given = iter(live_leaves)
        args, kwargs = _arguments(spec, [next(given) if live else p for p, live in zip(primals, spec[2])])
        return converted(jitted.fun)(*args, **kwargs)
    return f


def _live(spec, primals) -> list:
    return [p for p, live in zip(primals, spec[2]) if live]


def _compiled(jitted, kind: str, key, function):
    """The Jitted of `function` and the function calling it, kept on `jitted` by `kind` and `key`,
    so made once per signature."""
    from .staging import Jitted, dispatching
    made = jitted.__dict__.setdefault(kind, {})
    if key not in made:
        if len(made) > 4 * max(config.jit_cache_size, 1):
            made.clear()
        inner = Jitted(function, (), (), (), (), None)
        made[key] = inner, dispatching(inner)
    return made[key]


def _jvp_of(jitted, spec):
    """The compiled jvp of a signature, (primal leaves, live tangents) -> (outputs, their tangents):
    its Jitted and the function calling it."""
    def forward(primals, tangents):
        return jvp(_of_live(jitted, spec, primals), _live(spec, primals), tangents)
    return _compiled(jitted, "_jvps", spec, forward)


class _Linear:
    """One recorded call: the `jit_linear` equation's parameter (its function, signature, inputs,
    and which outputs have derivatives, of types `out_types`)."""

    __slots__ = ("jitted", "spec", "primals", "differentiable", "out_types")
    __hash__ = None  # a parameter, never a cache key

    def __init__(self, jitted, spec, primals, differentiable, out_types):
        self.jitted, self.spec, self.primals = jitted, spec, primals
        self.differentiable, self.out_types = differentiable, out_types

    def function(self):
        """The function of the live inputs to the differentiable outputs."""
        f = _of_live(self.jitted, self.spec, self.primals)
        return lambda *live: [o for o, d in zip(tree.leaves(f(*live)), self.differentiable) if d]

    def live(self) -> list:
        return _live(self.spec, self.primals)


def _pullback(jitted, spec, differentiable):
    """The compiled pullback of a signature, (primal leaves, output cotangents) -> input cotangents:
    its Jitted and the function calling it."""
    def pullback(primals, cts):
        linear = _Linear(jitted, spec, primals, differentiable, None)
        return vjp(linear.function(), *linear.live())[1](cts)
    return _compiled(jitted, "_pullbacks", (spec, differentiable), pullback)


def _impl(*tangents, call: _Linear):
    return tuple(jvp(call.function(), call.live(), list(tangents))[1])


def _transpose(cts, *tangents, call: _Linear):
    cts = [instantiate(c) if c.__class__ is Zero else c for c in cts]
    return list(_pullback(call.jitted, call.spec, call.differentiable)[1](call.primals, cts))


jit_linear_p = CallPrimitive("jit_linear", _impl, staged=True)
abstract_eval[jit_linear_p] = lambda *avals, call: tuple(call.out_types)
transpose_rules[jit_linear_p] = _transpose
