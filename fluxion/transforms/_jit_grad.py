"""A jitted function of many operations called on small arrays in eager reverse mode (`grad(f)`
where `f` calls `jit(g)`): from its second call with a signature, two compiled calls instead of
`g`'s operations one by one.

The forward call is the jit's own, compiled `g`. The tape records one linear equation for the
call, whose transpose is one more compiled program: `g`'s pullback, which computes `g` again
from its inputs. A forward program that also returned `g`'s intermediate values for the
backward pass (as jax's `grad(jit(g))` compiles it) runs many times slower than `g` on XLA's
CPU backend once it returns more than a few of them; computing `g` twice costs at most one
more forward pass, which on small arrays is far below the cost of running `g` operation by
operation. On large arrays each operation's own cost dominates and reverse mode runs `g`
operation by operation, as it does where `g` uses a value of the differentiation that it does
not receive as an argument, takes what is not an array, or runs on an XLA device.
"""
from __future__ import annotations

import math

from .. import config
from ..core import dtypes, tree
from ..core.array import HOST, Array
from ..core.errors import ConcretizationError, TracerLeakError
from ..core.interpreters import EAGER, use
from ..core.primitive import abstract_eval, transpose_rules
from ..core.program import Equation, Var
from ..ops._ad import Zero, instantiate
from ._arguments import joined
from ._convert import converted
from .autodiff.api import jvp, vjp
from .autodiff.blocks import EagerLinearizer
from .autodiff.custom import CallPrimitive
from .autodiff.jvp import JVPTracer
from .autodiff.partial_eval import StagedTracer

LEFT = object()  # what `call` returns for a call it leaves to reverse mode
_SEEN = "seen"  # a signature called once, for which nothing is decided yet
# elements of the arguments up to which a call is compiled (see the module docstring): measured on
# two cores, a 16-element chain of 30 steps takes 8x less; from some 10**4 elements on, XLA's CPU
# products and transcendental functions cost as much as NumPy's or more, and the second forward pass shows
SMALL = 1 << 12
MANY = 16  # operations from which a function is compiled: below, its operations one by one cost less than
# the two compiled calls (measured: sum(sin(x) * x) takes 22 us operation by operation, 49 us compiled)


def runs_compiled(jitted, interp) -> bool:
    """Whether `jitted`, called on values of `interp`, may run compiled: `interp` is eager reverse
    mode and the function runs on the host."""
    return interp.__class__ is EagerLinearizer and jitted.device is None


def call(jitted, interp: EagerLinearizer, args: tuple, kwargs: dict):
    """`jitted(*args, **kwargs)` on values of `interp`: its outputs, or LEFT."""
    _, statics, dynamic = jitted._split(args, kwargs)
    leaves, in_tree = tree.flatten(dynamic)
    primals, live, tangents, size = [], [], [], 0
    for x in leaves:
        if x.__class__ is JVPTracer and x._interp is interp:
            p, t = x.primal, x.tangent
            if t.__class__ is not Zero:
                tangents.append(interp.tangent_var(t))
        else:
            p, t = x, Zero
        if p.__class__ not in HOST:  # a tracer, a Python number, an array on an XLA device
            return LEFT
        primals.append(p)
        live.append(t.__class__ is not Zero)
        size += math.prod(p.shape)
    if size > SMALL or not tangents:
        return LEFT
    spec = (in_tree, statics, tuple(live))
    choices = jitted.__dict__.setdefault("_grad_compiled", {})
    key = (spec, tuple([p.aval for p in primals]))
    choice = choices.get(key)
    if choice is None:  # a first call runs operation by operation: one call is not worth two compilations
        if len(choices) > 4 * max(config.jit_cache_size, 1):
            choices.clear()
        choices[key] = _SEEN
        return LEFT
    if choice is False:
        return LEFT
    args, kwargs = _arguments(spec, primals)
    try:
        with use(EAGER):
            outs = jitted._dispatched(*args, **kwargs)[0]
    except (ConcretizationError, TracerLeakError):  # (operation by operation, it has the values it needs)
        choices[key] = False
        return LEFT
    if choice is _SEEN:
        choices[key] = _operations(jitted, args, kwargs) >= MANY
        if not choices[key]:
            return LEFT
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


def _operations(jitted, args, kwargs) -> int:
    """The number of operations in the program `jitted` compiled for these arguments."""
    entry = jitted._cache.get(jitted._key(args, kwargs)[0])
    return 0 if entry is None else len(entry.executable.program.equations)


def _read(o: Array) -> Array:
    """`o` made a plain Array (its first read does that to a PendingArray), on which the eager
    reverse mode's fast path runs."""
    o._value
    return o


def _arguments(spec, leaves) -> tuple[tuple, dict]:
    """The call's arguments from its traced leaves and `spec`'s static ones."""
    in_tree, statics, _ = spec
    return joined(tree.unflatten(in_tree, leaves), statics)


class _Linear:
    """One recorded call: the `jit_linear` equation's parameter (its function, signature, inputs,
    and which outputs have derivatives, of types `out_types`)."""

    __slots__ = ("jitted", "spec", "primals", "differentiable", "out_types")
    __hash__ = None  # a parameter, never a cache key

    def __init__(self, jitted, spec, primals, differentiable, out_types):
        self.jitted, self.spec, self.primals = jitted, spec, primals
        self.differentiable, self.out_types = differentiable, out_types

    def function(self):
        """The jitted function of the live inputs to the differentiable outputs."""
        spec, primals = self.spec, self.primals

        def f(*live_leaves):
            given = iter(live_leaves)
            leaves = [next(given) if live else p for p, live in zip(primals, spec[2])]
            args, kwargs = _arguments(spec, leaves)
            out = tree.leaves(converted(self.jitted.fun)(*args, **kwargs))
            return [o for o, d in zip(out, self.differentiable) if d]
        return f

    def live(self) -> list:
        return [p for p, live in zip(self.primals, self.spec[2]) if live]


def _pullback(jitted, spec, differentiable):
    """The compiled pullback of a signature: (primal leaves, output cotangents) -> input cotangents."""
    from .staging import jit
    pullbacks = jitted.__dict__.setdefault("_pullbacks", {})
    key = (spec, differentiable)
    if key not in pullbacks:
        if len(pullbacks) > 4 * max(config.jit_cache_size, 1):
            pullbacks.clear()
        def pullback(primals, cts):
            linear = _Linear(jitted, spec, primals, differentiable, None)
            return vjp(linear.function(), *linear.live())[1](cts)
        pullbacks[key] = jit(pullback)
    return pullbacks[key]


def _impl(*tangents, call: _Linear):
    return tuple(jvp(call.function(), call.live(), list(tangents))[1])


def _transpose(cts, *tangents, call: _Linear):
    cts = [instantiate(c) if c.__class__ is Zero else c for c in cts]
    return list(_pullback(call.jitted, call.spec, call.differentiable)(call.primals, cts))


jit_linear_p = CallPrimitive("jit_linear", _impl, staged=True)
abstract_eval[jit_linear_p] = lambda *avals, call: tuple(call.out_types)
transpose_rules[jit_linear_p] = _transpose
