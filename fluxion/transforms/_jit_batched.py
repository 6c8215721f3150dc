"""A jitted function called under a vmap that runs eagerly: one compiled call of its batched form.

`vmap(jit(f))(xs)` compiles what `jit(vmap(f))(xs)` would: `f` traced under batching
interpreters (one per vmap, nested vmaps included) inside a staging one, once per signature
of the batched arguments (their batch axes and the batch sizes are static). Its outputs keep the batch axes the batching rules gave
them: an output that does not depend on the examples stays unbatched, as it does when the
vmap runs `f` operation by operation, so `out_axes=None` still works for it.

The call is left to the vmap, operation by operation, where tracing `f` finds that it uses a
value of that vmap it does not receive as an argument (a function defined inside the batched
one), or that it needs a concrete value of an unbatched argument (`float(y)`), which operation
by operation has one.
"""
from __future__ import annotations

import contextlib
import functools
import threading

from .. import config
from ..core import tree
from ..core.array import Array, Tracer, to_array
from ..core.errors import ConcretizationError, TracerLeakError
from ..core.interpreters import EAGER, push, use
from ._arguments import joined
from ._convert import converted
from .batching.interpreter import BatchInterpreter

LEFT = object()  # what `call` returns for a call it leaves to the vmap
CACHES = ("_batched",)  # what a Jitted keeps here (dropped by its clear_cache)
_traced = threading.local()  # .out: (structure, batch axes) of the outputs of the last trace of `_batched`


def runs_batched(interp) -> bool:
    """Whether a jitted call under `interp` is compiled batched: `interp` and the interpreters
    below it are vmaps of their own (not ones standing in for another's examples) down to the
    eager interpreter."""
    while interp.__class__ is BatchInterpreter and not interp.same_as:
        interp = interp.parent
    return interp is EAGER


def call(jitted, interp: BatchInterpreter, args: tuple, kwargs: dict):
    """`jitted(*args, **kwargs)` on values of `interp` (see `runs_batched`): its outputs as
    values of `interp`, or LEFT."""
    levels = _levels(interp)  # the vmaps, innermost first
    _, statics, dynamic = jitted._split(args, kwargs)
    leaves, in_tree = tree.flatten(dynamic)
    unpacked = [_unpack(levels, x) for x in leaves]
    if any(isinstance(v, Tracer) for v, _ in unpacked):
        return LEFT
    spec = (in_tree, tuple(d for _, d in unpacked), tuple((i.size, i.axis_name) for i in levels), statics)
    try:
        hash(spec)
    except TypeError:  # an unhashable static argument: the vmap's call explains it
        return LEFT
    batched, outs = jitted.__dict__.get("_batched") or _make(jitted)
    vals = [v for v, _ in unpacked]
    key = (spec, tuple([v.aval if isinstance(v, Array) else to_array(v).aval for v in vals]))
    _traced.out = None
    try:
        with use(EAGER):
            values = batched(spec, *vals)
            if _traced.out is None and key not in outs:  # compiled without its structure kept: again
                batched.clear_cache()
                values = batched(spec, *vals)
    except (TracerLeakError, ConcretizationError):
        return LEFT
    if _traced.out is not None:
        if len(outs) > 4 * max(config.jit_cache_size, 1):
            outs.clear()
        outs[key] = _traced.out
    out_tree, dims = outs[key]
    return tree.unflatten(out_tree, [_wrap(levels, v, d) for v, d in zip(values, dims)])


def _levels(interp) -> list:
    """The vmaps from the eager interpreter up to `interp`, innermost first."""
    levels = []
    while interp is not EAGER:
        levels.append(interp)
        interp = interp.parent
    return levels[::-1]


def _unpack(levels, x) -> tuple:
    """`x`'s value below all `levels`, and its batch axis at each level (innermost first)."""
    dims = []
    for interp in reversed(levels):  # the outermost vmap's value holds the others'
        x, d = interp.unpack(x)
        dims.append(d)
    return x, tuple(dims[::-1])


def _wrap(levels, x, dims):
    """`x` as a value of the outermost of `levels`, with batch axes `dims` (innermost first)."""
    for interp, d in zip(levels, dims):
        x = interp.wrap(x, d)
    return x


def _make(jitted):
    """The jitted batched function of `jitted`, and its outputs' structures by signature."""
    from .staging import jit
    jitted._batched = jit(functools.partial(_batched, jitted.fun), static_argnums=0, device=jitted.device), {}
    return jitted._batched


def _batched(f, spec, *vals) -> tuple:
    """`f` on the examples stacked in `vals`, as `call` made `spec`, traced under jit: its
    outputs' values, flat (a flat tuple of arrays keeps the calls on XLA's dispatcher)."""
    in_tree, dims, sizes, statics = spec
    with contextlib.ExitStack() as stack:
        levels = [stack.enter_context(push(BatchInterpreter(size, axis_name=name))) for size, name in sizes]
        leaves = [_wrap(levels, v, d) for v, d in zip(vals, dims)]
        args, kwargs = joined(tree.unflatten(in_tree, leaves), statics)
        out = converted(f)(*args, **kwargs)
        out_leaves, out_tree = tree.flatten(out)
        unpacked = [_unpack(levels, o) for o in out_leaves]
    _traced.out = out_tree, tuple(d for _, d in unpacked)
    return tuple(v for v, _ in unpacked)

